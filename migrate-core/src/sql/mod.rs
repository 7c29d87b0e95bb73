//! SQL for a diff, per dialect.
//!
//! [`render`] turns the ordered changes of a [`Diff`] into SQL statements for PostgreSQL or SQLite.
//! PostgreSQL statements that must not run inside a transaction (`CREATE INDEX CONCURRENTLY`, and
//! the `NOT VALID` + `VALIDATE` pairs that only avoid long locks when each commits on its own) are
//! marked [`Statement::online`]; [`Rendered::units`] groups them into a file of their own.

pub mod postgres;
pub mod sqlite;

use crate::config::Dialect;
use crate::diff::Diff;
use crate::schema::Schema;

/// One SQL statement, without its terminating `;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    /// Must run outside a transaction, each statement committing on its own.
    pub online: bool,
}

impl Statement {
    pub fn tx(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            online: false,
        }
    }

    pub fn online(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            online: true,
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
    /// The transactional statements first (one unit), then the online ones (a second unit), each in
    /// their original order. Online statements only build on what exists after the first unit.
    pub fn units(&self) -> Vec<Unit> {
        let mut out = Vec::new();
        for online in [false, true] {
            let statements: Vec<String> = self
                .statements
                .iter()
                .filter(|s| s.online == online)
                .map(|s| s.sql.clone())
                .collect();
            if !statements.is_empty() {
                out.push(Unit {
                    no_transaction: online,
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
    names.iter().map(|n| ident(n)).collect::<Vec<_>>().join(", ")
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
