//! The history table: which migrations ran, when, how long, by whom, and whether they succeeded.

use crate::dialect::Dialect;
use crate::dialect::runtime::HistoryRow;
use crate::sql::ident;

/// The history table as SQL: `migrate_history` → `"migrate_history"`; a dotted name is
/// schema-qualified, each part quoted: `ops.migrate_history` → `"ops"."migrate_history"`.
pub fn table_ident(table: &str) -> String {
    match table.split_once('.') {
        Some((schema, name)) => format!("{}.{}", ident(schema), ident(name)),
        None => ident(table),
    }
}

pub use crate::config::history_table_problem as check_table_name;

/// One row of the history table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The migration's version.
    pub version: u64,
    /// The migration's name.
    pub name: String,
    /// Checksum of the content that was applied.
    pub checksum: String,
    /// The first line of the migration's leading comment.
    pub description: String,
    /// When the run started, as the database prints its timestamp.
    pub started_at: String,
    /// When the run finished, successfully or not; `None` while it runs, or if its runner
    /// stopped part-way.
    pub finished_at: Option<String>,
    /// How long the run took, in milliseconds; `None` when not known (a baseline, an unfinished
    /// run).
    pub execution_ms: Option<i64>,
    /// False for a run that failed part-way outside a transaction (dirty), or one in progress.
    pub success: bool,
    /// Who applied it: the database user on PostgreSQL, [`Options::applied_by`] on SQLite.
    ///
    /// [`Options::applied_by`]: crate::runner::Options::applied_by
    pub applied_by: String,
    /// The error that stopped a failed no-transaction run.
    pub error: Option<String>,
}

/// The history table's `CREATE TABLE IF NOT EXISTS` on `dialect`.
pub fn create_sql(dialect: Dialect, table: &str) -> String {
    dialect.runtime().create_history_sql(table)
}

/// The statement recording a migration (inside its transaction, or before a no-transaction run).
pub fn insert_sql(
    dialect: Dialect,
    table: &str,
    m: &super::Source,
    success: bool,
    execution_ms: Option<i64>,
    applied_by: &str,
) -> String {
    dialect.runtime().insert_history_sql(&HistoryRow {
        table,
        source: m,
        success,
        execution_ms,
        applied_by,
    })
}
