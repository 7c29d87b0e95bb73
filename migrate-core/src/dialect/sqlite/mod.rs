//! SQLite.
//!
//! SQLite's `ALTER TABLE` can rename tables and columns and add simple columns; everything else
//! (a type, nullability, default, key, foreign key or check change, a dropped column, a changed
//! enum) is done by rebuilding the table (`rebuild.rs`), all in the migration's one transaction.
//! Enums are text with a `CHECK (col IN (...))`.
//!
//! - `render.rs`: the diff as a whole (which tables are rebuilt, and the order of statements);
//! - `rebuild.rs`: one table's rebuild; `defs.rs`: table, column and index definitions;
//! - `types.rs`: declared types and affinity; `values.rs`: defaults and backfills;
//! - `lex.rs`: SQLite's lexical rules (`tokenize.c`); `split.rs`: `sqlite3_complete()`'s
//!   statement boundaries.

mod defs;
mod lex;
mod objects;
mod rebuild;
mod refuse;
mod render;
mod split;
mod types;
mod values;

pub use defs::create_table;
pub use render::render;
pub use types::{affinity, parse_declared, type_sql};
pub use values::{default_sql, strip_casts, value_sql};

// The runtime half: what needs no connection, then the driver (behind the dialect's feature).
#[cfg(feature = "runtime")]
mod runtime;
#[cfg(feature = "sqlite")]
mod driver;
#[cfg(feature = "sqlite")]
mod fk_scope;
#[cfg(feature = "sqlite")]
mod lock;
#[cfg(feature = "sqlite")]
pub mod introspect;
#[cfg(feature = "sqlite")]
mod read_objects;

use crate::diff::Diff;
use crate::safety::SafetyCode;
use crate::schema::{ColumnType, Schema};
use crate::sql::Rendered;
use crate::sql::lex::TokenKind;
use crate::sql::split::StatementEnds;

use super::{Capability, Dialect, DialectOps, EnumStorage, Execution, SqlxEnum};

/// SQLite's answers to [`DialectOps`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Sqlite;

impl DialectOps for Sqlite {
    fn family_statement(&self, sql: &str) -> String {
        // SQLite's ALTER TABLE has no IF [NOT] EXISTS; its indexes do.
        crate::family::guard(
            sql,
            Dialect::Sqlite,
            crate::family::Guards {
                columns: false,
                in_transaction: true,
            },
        )
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn title(&self) -> &'static str {
        "SQLite"
    }

    fn example_url(&self) -> &'static str {
        "sqlite://dev.db"
    }

    fn has(&self, capability: Capability) -> bool {
        match capability {
            Capability::LimitedAlterTable | Capability::RestrictedDropColumn => true,
            Capability::PostgresSql
            | Capability::Schemas
            | Capability::NoTransactionFiles
            | Capability::CopyStdio
            | Capability::Routines
            | Capability::Partitioning
            | Capability::StorageOptions => false,
        }
    }

    fn why_no_schemas(&self) -> String {
        "SQLite has no schemas (a dot would name an attached database, which `migrate` does not \
         attach)"
            .into()
    }

    fn token(&self, src: &[u8], at: usize) -> (TokenKind, usize, usize) {
        let (kind, end) = lex::token(src, at);
        (kind, end, 0)
    }

    fn statement_ends(&self) -> Box<dyn StatementEnds> {
        Box::new(split::SqliteComplete::Start)
    }

    /// SQLite reads a block comment that is never closed as a comment to the end of the file.
    fn open_comment_runs_to_end(&self) -> bool {
        true
    }

    /// SQLite renders a diff as a whole (a table is rebuilt once for all its changes), in the
    /// migration's one transaction.
    fn render(&self, diff: &Diff, from: &Schema, to: &Schema) -> Rendered {
        render(diff, from, to)
    }

    fn refuse(&self, schema: &Schema) -> Vec<crate::diagnostic::Diagnostic> {
        refuse::refuse(schema)
    }

    fn why_no_expand_contract(&self) -> Option<String> {
        Some(
            "one application owns a SQLite file, so no old code runs beside the new one: make the change in place, with the application's restart"
                .into(),
        )
    }

    fn execution(&self, code: SafetyCode) -> Execution {
        match code {
            SafetyCode::CreateIndex => Execution::InTransaction,
            _ => Execution::Rebuild,
        }
    }

    fn sqlx_enum(&self) -> SqlxEnum {
        SqlxEnum {
            database: "Sqlite",
            module: "sqlite",
            type_info: "SqliteTypeInfo",
            row: "SqliteRow",
            storage: EnumStorage::Text,
        }
    }

    fn sqlx_decodes(&self, ty: &ColumnType) -> bool {
        // sqlx's SQLite driver has no `Decimal`, `PgInterval`, `IpNetwork` or `Vec<T>` (but
        // `Vec<u8>`, a `bytea`).
        !matches!(
            ty,
            ColumnType::Numeric(_) | ColumnType::Interval | ColumnType::Inet | ColumnType::Array(_)
        ) && !ty.is_other()
    }
}
