//! SQL for a diff: the dialect-neutral parts.
//!
//! [`render`] turns the ordered changes of a [`Diff`] into SQL statements through the dialect's
//! renderer ([`DialectOps::render`](crate::dialect::DialectOps::render), in
//! `dialect/<name>/`). Here: statements and their [`Stage`], the files they group into
//! ([`Rendered::units`]), identifier and literal quoting, comments, and the
//! [lexer](lex) and [splitter](split) of migration files. PostgreSQL statements that must not run inside a transaction (`CREATE INDEX CONCURRENTLY`, and
//! the `NOT VALID` + `VALIDATE` pairs that only avoid long locks when each commits on its own) are
//! marked [`Stage::After`]; new enum labels, which PostgreSQL lets no transaction use before it
//! commits them, are [`Stage::Before`]; an `UPDATE` that fills a column in batches is
//! [`Stage::Batch`]. [`Rendered::units`] groups each stage into a file of its own, and gives each
//! batched statement one.

pub mod lex;
pub mod split;

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
    /// After the transaction, a file of its own per statement (`-- migrate:batch`): one `UPDATE`
    /// whose [`BATCH`] condition the runner replaces with one key range after another, each batch
    /// committing on its own. The next stage runs once every row is done.
    Batch,
    /// After the transaction, each statement committing on its own (`CONCURRENTLY`, `VALIDATE`).
    After,
}

/// One SQL statement, without its terminating `;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement's text.
    pub sql: String,
    /// Whether it runs in the migration's transaction, or before or after it.
    pub stage: Stage,
    /// For a [`Stage::Batch`] statement: the table it walks, and by which key.
    pub batch: Option<Batch>,
    /// For a [`Stage::Tx`] statement: which of the migration's transactions it runs in, when the
    /// dialect splits one too large for the server's lock table (0: the first, and usually only).
    pub part: usize,
}

/// What a batched statement walks (`-- migrate:batch table=… key=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The table.
    pub table: String,
    /// The unique NOT NULL columns it is walked by; empty for its primary key.
    pub key: Vec<String>,
}

impl Statement {
    pub(crate) fn tx(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            stage: Stage::Tx,
            batch: None,
            part: 0,
        }
    }

    /// Runs after the transaction, outside any.
    pub(crate) fn online(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            stage: Stage::After,
            batch: None,
            part: 0,
        }
    }

    /// Runs before the transaction, outside any.
    pub(crate) fn before(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            stage: Stage::Before,
            batch: None,
            part: 0,
        }
    }

    /// A batched `UPDATE` of `table`, its `WHERE` holding the [`BATCH`] condition: a file of
    /// its own after the transaction.
    pub(crate) fn batch(batch: Batch, sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            stage: Stage::Batch,
            batch: Some(batch),
            part: 0,
        }
    }
}

/// The boolean placeholder in a batched statement's `WHERE` that the runner replaces with one
/// key range at a time (`-- migrate:batch`).
pub const BATCH: &str = crate::migration::batch::PLACEHOLDER;

/// The SQL of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    /// Every statement, in the order they run.
    pub statements: Vec<Statement>,
}

/// A group of statements that becomes one migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The stage its statements run in.
    pub stage: Stage,
    /// Runs statement by statement, outside a transaction (`-- migrate:no-transaction`).
    pub no_transaction: bool,
    /// A batched statement's table and key (`-- migrate:batch table=…`): the one statement runs
    /// in batches, each in a short transaction of its own.
    pub batch: Option<Batch>,
    /// The statements, each without its terminating `;`.
    pub statements: Vec<String>,
}

impl Unit {
    /// The directive lines the file starts with: `-- migrate:no-transaction`, or
    /// `-- migrate:batch table=…`; empty for a transactional file.
    pub fn directives(&self) -> String {
        match &self.batch {
            Some(b) if b.key.is_empty() => {
                format!("-- migrate:batch table={}\n", directive_name(&b.table))
            }
            Some(b) => format!(
                "-- migrate:batch table={} key={}\n",
                directive_name(&b.table),
                b.key
                    .iter()
                    .map(|k| directive_name(k))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            None if self.no_transaction => "-- migrate:no-transaction\n".to_string(),
            None => String::new(),
        }
    }

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
    /// order, and between the transaction and after it one unit per batched statement. A stage
    /// only builds on what the stages before it leave.
    pub fn units(&self) -> Vec<Unit> {
        let mut out = Vec::new();
        for stage in [Stage::Before, Stage::Tx, Stage::Batch, Stage::After] {
            let mut statements = self.statements.iter().filter(|s| s.stage == stage);
            if stage == Stage::Batch {
                out.extend(statements.map(|s| Unit {
                    stage,
                    no_transaction: false,
                    batch: s.batch.clone(),
                    statements: vec![s.sql.clone()],
                }));
                continue;
            }
            let statements: Vec<&Statement> = statements.by_ref().collect();
            // A transaction split in parts: one unit each, in order.
            let parts = statements.iter().map(|s| s.part).max().unwrap_or(0);
            for part in 0..=parts {
                let statements: Vec<String> = statements
                    .iter()
                    .filter(|s| s.part == part)
                    .map(|s| s.sql.clone())
                    .collect();
                if !statements.is_empty() {
                    out.push(Unit {
                        stage,
                        no_transaction: stage != Stage::Tx,
                        batch: None,
                        statements,
                    });
                }
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
    dialect.ops().render(diff, from, to)
}

/// A quoted SQL identifier: `"name"`, with `"` doubled. Used for every identifier, always.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A name as `-- migrate:batch` reads it: bare when it holds only ASCII letters, digits, `_` and
/// `$` and the SQL lexer reads it as one word or number, else in double quotes with `"` doubled
/// (see [`batchable_name`] for the names no directive line can hold).
pub(crate) fn directive_name(name: &str) -> String {
    if crate::migration::directive::reads_bare(name) {
        name.to_string()
    } else {
        ident(name)
    }
}

/// Whether `-- migrate:batch` can name the table: the name fits on the directive's line.
pub(crate) fn batchable_name(name: &str) -> bool {
    !name.chars().any(is_unprintable)
}

/// A batched statement as one batch over the whole table: each [`BATCH`] placeholder (outside
/// strings and comments) read as `(true)`, the same length, so every other byte keeps its offset.
pub fn batch_as_whole(sql: &str, dialect: Dialect) -> std::borrow::Cow<'_, str> {
    let at = crate::migration::batch::placeholders(sql, dialect);
    if at.is_empty() {
        return std::borrow::Cow::Borrowed(sql);
    }
    let mut out = sql.to_string();
    for r in at {
        out.replace_range(r, "(true)");
    }
    std::borrow::Cow::Owned(out)
}

/// A comma-separated list of quoted identifiers.
pub(crate) fn idents(names: &[String]) -> String {
    names
        .iter()
        .map(|n| ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A standard SQL string literal: `'text'`, with `'` doubled. For SQLite, where a backslash is
/// an ordinary character; PostgreSQL SQL uses `dialect::postgres::literal`, which stays correct when
/// `standard_conforming_strings` is off.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The text of a `-- ` line comment: `text` with every character that could end the line or
/// hide what follows written as an escape (see [`printable`]), so that nothing after `--` can
/// leave the comment. Every comment that `migrate` writes into SQL goes through it.
pub(crate) fn comment(text: &str) -> String {
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
    fn batch_statements_run_whole_and_name_their_table() {
        let sql = "UPDATE t SET c = ':batch' /* :batch */ WHERE c IS NULL AND :batch AND x::batch IS NULL";
        let whole = batch_as_whole(sql, Dialect::Postgres);
        assert_eq!(
            whole,
            "UPDATE t SET c = ':batch' /* :batch */ WHERE c IS NULL AND (true) AND x::batch IS NULL"
        );
        assert_eq!(
            batch_as_whole("WHERE :batch", Dialect::Sqlite),
            "WHERE (true)"
        );
        assert_eq!(
            batch_as_whole("WHERE :batches", Dialect::Postgres),
            "WHERE :batches"
        );
        assert_eq!(directive_name("pets"), "pets");
        assert_eq!(directive_name("Full Name"), "\"Full Name\"");
        assert_eq!(directive_name("a.b\"c"), "\"a.b\"\"c\"");
        assert!(!batchable_name("a\nb"));
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
