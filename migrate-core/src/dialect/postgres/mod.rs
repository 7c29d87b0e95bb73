//! PostgreSQL.

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
pub mod introspect;

use crate::diff::{Change, Diff};
use crate::safety::SafetyCode;
use crate::schema::Schema;
use crate::sql::{Rendered, Stage};

use super::{Capability, Dialect, DialectOps, EnumStorage, Execution, SqlxEnum};

/// PostgreSQL's answers to [`DialectOps`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Postgres;

/// PostgreSQL's limit on identifier length, in bytes (`NAMEDATALEN - 1`).
pub const MAX_IDENT_BYTES: usize = 63;

impl DialectOps for Postgres {
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
            | Capability::CopyStdio => true,
            Capability::LimitedAlterTable | Capability::RestrictedDropColumn => false,
        }
    }

    fn max_identifier_bytes(&self) -> Option<usize> {
        Some(MAX_IDENT_BYTES)
    }

    fn literal(&self, text: &str) -> String {
        crate::sql::postgres::literal(text)
    }

    fn render(&self, diff: &Diff, from: &Schema, to: &Schema) -> Rendered {
        crate::sql::postgres::render(diff, from, to)
    }

    /// PostgreSQL renders change by change, and splits a change across stages: new enum labels
    /// before the transaction, `CONCURRENTLY` and `VALIDATE` after it.
    fn change_stages(&self, change: &Change, from: &Schema, to: &Schema) -> Vec<Stage> {
        crate::sql::postgres::change_statements(change, from, to)
            .iter()
            .map(|s| s.stage)
            .collect()
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
            storage: EnumStorage::NamedType {
                array_trait: "PgHasArrayType",
            },
        }
    }
}
