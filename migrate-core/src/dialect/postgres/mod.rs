//! PostgreSQL.
//!
//! Lock-friendly forms where PostgreSQL offers them: indexes on existing tables are built
//! `CONCURRENTLY`; foreign keys and checks on existing tables are added `NOT VALID` and validated
//! in a second statement; a column becomes NOT NULL through a validated CHECK, so `SET NOT NULL`
//! does not scan the table under an exclusive lock. Those statements run after the migration's
//! transaction, and new enum labels before it ([`Stage`]).
//!
//! - `render.rs`: the diff, change by change, each kind in one function of `enums.rs`,
//!   `tables.rs`, `columns.rs`, `keys.rs` or `indexes.rs`;
//! - `defs.rs`: definitions several changes share; `types.rs`: type spellings and casts;
//!   `quote.rs`: string literals and dollar quoting;
//! - `lex.rs`: PostgreSQL's lexical rules (`scan.l`); `split.rs`: psql's statement boundaries.

mod columns;
mod defs;
mod domains;
mod enums;
mod expand;
mod indexes;
mod keys;
mod locks;
mod lex;
mod objects;
mod partitions;
mod quote;
mod render;
mod split;
mod tables;
mod types;

pub use defs::{MAX_IDENT_BYTES, create_table, not_null_check_name};
pub use quote::{dollar_quoted, literal};
pub use render::{change_statements, render};
pub use types::type_sql;

// The runtime half: what needs no connection, then the driver (behind the dialect's feature).
#[cfg(feature = "runtime")]
mod runtime;
#[cfg(feature = "postgres")]
mod connect;
#[cfg(feature = "postgres")]
mod driver;
#[cfg(feature = "postgres")]
mod lock;
#[cfg(feature = "postgres")]
mod recovery;
#[cfg(feature = "postgres")]
mod scratch;
#[cfg(feature = "postgres")]
pub mod introspect;
#[cfg(feature = "postgres")]
mod extras;
#[cfg(feature = "postgres")]
mod partitions_read;
#[cfg(feature = "postgres")]
mod introspect_objects;

use crate::diff::phased::{Phased, PhasedSql};
use crate::diff::{Change, Diff};
use crate::safety::SafetyCode;
use crate::schema::Schema;
use crate::sql::lex::TokenKind;
use crate::sql::split::StatementEnds;
use crate::sql::{Rendered, Stage};

use super::{Capability, Dialect, DialectOps, EnumStorage, Execution, SqlxEnum};

/// PostgreSQL's answers to [`DialectOps`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Postgres;

impl DialectOps for Postgres {
    fn family_statement(&self, sql: &str) -> String {
        crate::family::guard(
            sql,
            Dialect::Postgres,
            crate::family::Guards {
                columns: true,
                in_transaction: true,
            },
        )
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn name(&self) -> &'static str {
        "postgres"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["postgresql"]
    }

    fn title(&self) -> &'static str {
        "PostgreSQL"
    }

    fn example_url(&self) -> &'static str {
        "postgres://localhost:5432/app"
    }

    fn has(&self, capability: Capability) -> bool {
        match capability {
            Capability::PostgresSql
            | Capability::Schemas
            | Capability::NoTransactionFiles
            | Capability::CopyStdio
            | Capability::Routines
            | Capability::Partitioning
            | Capability::StorageOptions => true,
            Capability::LimitedAlterTable | Capability::RestrictedDropColumn => false,
        }
    }

    fn token(&self, src: &[u8], at: usize) -> (TokenKind, usize, usize) {
        lex::token(src, at)
    }

    fn statement_ends(&self) -> Box<dyn StatementEnds> {
        Box::new(split::Psql::default())
    }

    fn max_identifier_bytes(&self) -> Option<usize> {
        Some(MAX_IDENT_BYTES)
    }

    fn literal(&self, text: &str) -> String {
        literal(text)
    }

    fn render(&self, diff: &Diff, from: &Schema, to: &Schema) -> Rendered {
        render(diff, from, to)
    }

    /// PostgreSQL renders change by change, and splits a change across stages: new enum labels
    /// before the transaction, `CONCURRENTLY` and `VALIDATE` after it.
    fn change_stages(&self, change: &Change, from: &Schema, to: &Schema) -> Vec<Stage> {
        change_statements(change, from, to)
            .iter()
            .map(|s| s.stage)
            .collect()
    }

    fn why_no_expand_contract(&self) -> Option<String> {
        None
    }

    fn render_phased(&self, change: &Phased, from: &Schema, to: &Schema) -> PhasedSql {
        expand::render(change, from, to)
    }

    fn enum_labels_file(&self, statements: &[String]) -> Option<&'static str> {
        statements
            .iter()
            .all(|s| s.starts_with("ALTER TYPE "))
            .then_some(
                "Runs outside a transaction: PostgreSQL lets no transaction use a new enum label before it commits.",
            )
    }

    fn execution(&self, code: SafetyCode) -> Execution {
        match code {
            SafetyCode::CreateIndex => Execution::Concurrently,
            SafetyCode::AddForeignKey | SafetyCode::AddCheck => Execution::NotValidThenValidated,
            _ => Execution::InTransaction,
        }
    }

    fn sqlx_enum(&self) -> SqlxEnum {
        SqlxEnum {
            database: "Postgres",
            module: "postgres",
            type_info: "PgTypeInfo",
            row: "PgRow",
            storage: EnumStorage::NamedType {
                array_trait: "PgHasArrayType",
            },
        }
    }
}
