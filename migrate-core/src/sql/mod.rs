//! SQL for a diff, per dialect.
//!
//! [`render`] turns the ordered changes of a [`Diff`] into SQL statements for PostgreSQL or SQLite.
//! PostgreSQL statements that must not run inside a transaction (`CREATE INDEX CONCURRENTLY`, and
//! the `NOT VALID` + `VALIDATE` pairs that only avoid long locks when each commits on its own) are
//! marked [`Stage::After`]; new enum labels, which PostgreSQL lets no transaction use before it
//! commits them, are [`Stage::Before`]. [`Rendered::units`] groups each stage into a file of its own.

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

/// A SQL string literal: `'text'`, with `'` doubled.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("my\"table"), "\"my\"\"table\"");
        assert_eq!(literal("it's"), "'it''s'");
    }
}
