//! SQL for a diff, per dialect.
//!
//! [`render`] turns the ordered changes of a [`Diff`] into SQL statements for PostgreSQL or SQLite.
//! PostgreSQL statements that must not run inside a transaction (`CREATE INDEX CONCURRENTLY`, and
//! the `NOT VALID` + `VALIDATE` pairs that only avoid long locks when each commits on its own) are
//! marked [`Stage::After`]; new enum labels, which PostgreSQL lets no transaction use before it
//! commits them, are [`Stage::Before`]. [`Rendered::units`] groups each stage into a file of its own.

#[cfg(feature = "runtime")]
pub(crate) mod fk_scope;
pub mod lex;
pub mod postgres;
pub mod split;
pub mod sqlite;

use crate::config::Dialect;
use crate::diff::Diff;
use crate::schema::Schema;

/// When a statement runs relative to the migration's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Before the transaction, each statement committing on its own (new enum labels).
    Before,
    /// In the migration's one transaction.
    Tx,
    /// After the transaction, each statement committing on its own (`CONCURRENTLY`, `VALIDATE`).
    After,
}

/// One SQL statement, without its terminating `;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    pub stage: Stage,
}

impl Statement {
    pub fn tx(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            stage: Stage::Tx,
        }
    }

    /// Runs after the transaction, outside any.
    pub fn online(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            stage: Stage::After,
        }
    }

    /// Runs before the transaction, outside any.
    pub fn before(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            stage: Stage::Before,
        }
    }
}

/// The SQL of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub statements: Vec<Statement>,
}

/// A group of statements that becomes one migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Runs statement by statement, outside a transaction (`-- migrate:no-transaction`).
    pub no_transaction: bool,
    pub statements: Vec<String>,
}

impl Unit {
    /// The statements as a file body, each ended by `;` and a blank line.
    pub fn body(&self) -> String {
        let mut out = String::new();
        for s in &self.statements {
            out.push_str(s);
            out.push_str(";\n\n");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }
}

impl Rendered {
    /// One unit per stage present — before, transaction, after — each keeping the statements'
    /// order. A stage only builds on what the stages before it leave.
    pub fn units(&self) -> Vec<Unit> {
        let mut out = Vec::new();
        for stage in [Stage::Before, Stage::Tx, Stage::After] {
            let statements: Vec<String> = self
                .statements
                .iter()
                .filter(|s| s.stage == stage)
                .map(|s| s.sql.clone())
                .collect();
            if !statements.is_empty() {
                out.push(Unit {
                    no_transaction: stage != Stage::Tx,
                    statements,
                });
            }
        }
        out
    }

    /// All statements as one script (for `--print` and tests).
    pub fn script(&self) -> String {
        let mut out = String::new();
        for s in &self.statements {
            out.push_str(&s.sql);
            out.push_str(";\n");
        }
        out
    }
}

/// Renders the changes of `diff` (from `from` to `to`) for `dialect`.
pub fn render(dialect: Dialect, diff: &Diff, from: &Schema, to: &Schema) -> Rendered {
    match dialect {
        Dialect::Postgres => postgres::render(diff, from, to),
        Dialect::Sqlite => sqlite::render(diff, from, to),
    }
}

/// A quoted SQL identifier: `"name"`, with `"` doubled. Used for every identifier, always.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A comma-separated list of quoted identifiers.
pub fn idents(names: &[String]) -> String {
    names
        .iter()
        .map(|n| ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A standard SQL string literal: `'text'`, with `'` doubled. For SQLite, where a backslash is
/// an ordinary character; PostgreSQL SQL uses [`postgres::literal`], which stays correct when
/// `standard_conforming_strings` is off.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The text of a `-- ` line comment: `text` with every character that could end the line or
/// hide what follows written as an escape (see [`printable`]), so that nothing after `--` can
/// leave the comment. Every comment that `migrate` writes into SQL goes through it.
pub fn comment(text: &str) -> String {
    printable(text).into_owned()
}

/// `text` with control characters (newlines, carriage returns, tabs, escape, DEL, the C1 range),
/// Unicode line and paragraph separators and bidirectional-text controls written as escapes:
/// `\n`, `\r`, `\t`, `\u{1b}`. What remains prints on one line and reads as it is.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unprintable(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Characters that end a line, move the cursor or reorder text when printed: control characters
/// (`Cc`), the line and paragraph separators U+2028 and U+2029, and the bidirectional embeddings,
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C).
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("my\"table"), "\"my\"\"table\"");
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal("a\\b"), "'a\\b'");
    }

    #[test]
    fn postgres_strings() {
        assert_eq!(postgres::literal("it's"), "'it''s'");
        assert_eq!(postgres::literal("a\\'b"), "E'a\\\\''b'");
        assert_eq!(postgres::dollar_quoted(" x "), "$migrate$ x $migrate$");
        for body in [
            "a $migrate$ b",
            "ends in $migrate",
            "$migrate$$migrate_1$ x",
        ] {
            let quoted = postgres::dollar_quoted(body);
            let tag = &quoted[..quoted[1..].find('$').expect("a tag") + 2];
            assert_eq!(&quoted[tag.len()..quoted.len() - tag.len()], body);
            assert_eq!(quoted[tag.len()..].find(tag), Some(body.len()), "{quoted}");
        }
    }

    #[test]
    fn comments_stay_on_their_line() {
        assert_eq!(
            comment("plain `t` -- /* $$ ; 'x' \"y\""),
            "plain `t` -- /* $$ ; 'x' \"y\""
        );
        assert_eq!(
            comment("t\nDROP TABLE x;\r\n--"),
            "t\\nDROP TABLE x;\\r\\n--"
        );
        assert_eq!(
            comment("a\tb\u{1b}[2J\u{7f}\u{85}"),
            "a\\tb\\u{1b}[2J\\u{7f}\\u{85}"
        );
        assert_eq!(comment("x\u{2028}y\u{202e}z"), "x\\u{2028}y\\u{202e}z");
        assert_eq!(comment("ünïcödé ✓"), "ünïcödé ✓");
        for c in (0u32..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            let out = comment(&text);
            assert!(!out.contains(['\n', '\r']), "{c:?}");
            assert!(out.chars().all(|c| !is_unprintable(c)), "{c:?}");
        }
    }
}
