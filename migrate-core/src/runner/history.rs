//! The history table: which migrations ran, when, how long, by whom, and whether they succeeded.

use sqlx::Row;

use super::Db;
use crate::config::Dialect;
use crate::sql::{ident, literal, postgres};

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
    pub version: u64,
    pub name: String,
    /// Checksum of the content that was applied.
    pub checksum: String,
    pub description: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub execution_ms: Option<i64>,
    /// False for a run that failed part-way outside a transaction (dirty), or one in progress.
    pub success: bool,
    pub applied_by: String,
    pub error: Option<String>,
}

pub fn create_sql(dialect: Dialect, table: &str) -> String {
    let t = table_ident(table);
    match dialect {
        Dialect::Postgres => format!(
            "{}CREATE TABLE IF NOT EXISTS {t} (\n    \
             version bigint PRIMARY KEY,\n    \
             name text NOT NULL,\n    \
             checksum text NOT NULL,\n    \
             description text NOT NULL DEFAULT '',\n    \
             started_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n    \
             finished_at timestamptz,\n    \
             execution_ms bigint,\n    \
             success boolean NOT NULL,\n    \
             applied_by text NOT NULL DEFAULT current_user,\n    \
             error text\n)",
            create_schema_sql(table)
        ),
        Dialect::Sqlite => format!(
            "CREATE TABLE IF NOT EXISTS {t} (\n    \
             version integer PRIMARY KEY,\n    \
             name text NOT NULL,\n    \
             checksum text NOT NULL,\n    \
             description text NOT NULL DEFAULT '',\n    \
             started_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),\n    \
             finished_at text,\n    \
             execution_ms integer,\n    \
             success integer NOT NULL,\n    \
             applied_by text NOT NULL DEFAULT '',\n    \
             error text\n)"
        ),
    }
}

/// Creates the schema of a schema-qualified history table when it is missing (PostgreSQL). The
/// existence check comes first: `CREATE SCHEMA IF NOT EXISTS` needs the CREATE privilege on the
/// database even when the schema exists.
fn create_schema_sql(table: &str) -> String {
    let Some((schema, _)) = table.split_once('.') else {
        return String::new();
    };
    let body = format!(
        " BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = {}) THEN \
         CREATE SCHEMA {}; END IF; END ",
        postgres::literal(schema),
        ident(schema)
    );
    format!("DO {};\n", postgres::dollar_quoted(&body))
}

/// Whether the history table exists (without creating it).
pub async fn exists(db: &mut Db<'_>, table: &str) -> Result<bool, sqlx::Error> {
    Ok(match db {
        Db::Pg(c) => {
            sqlx::query_scalar::<_, bool>("SELECT to_regclass($1) IS NOT NULL")
                .bind(table_ident(table))
                .fetch_one(&mut **c)
                .await?
        }
        Db::Lite(c) => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
            )
            .bind(table)
            .fetch_one(&mut **c)
            .await?
                > 0
        }
    })
}

/// Every row, in version order; none when the table does not exist yet.
pub async fn read(db: &mut Db<'_>, table: &str) -> Result<Vec<Applied>, sqlx::Error> {
    if !exists(db, table).await? {
        return Ok(Vec::new());
    }
    let t = table_ident(table);
    let rows = match db {
        Db::Pg(c) => {
            let sql = format!(
                "SELECT version, name, checksum, description, \
                 to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS started_at, \
                 to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS finished_at, \
                 execution_ms, success, applied_by, error FROM {t} ORDER BY version"
            );
            sqlx::query(&sql)
                .fetch_all(&mut **c)
                .await?
                .into_iter()
                .map(|r| Applied {
                    version: r.get::<i64, _>("version") as u64,
                    name: r.get("name"),
                    checksum: r.get("checksum"),
                    description: r.get("description"),
                    started_at: r.get("started_at"),
                    finished_at: r.get("finished_at"),
                    execution_ms: r.get("execution_ms"),
                    success: r.get("success"),
                    applied_by: r.get("applied_by"),
                    error: r.get("error"),
                })
                .collect()
        }
        Db::Lite(c) => {
            let sql = format!(
                "SELECT version, name, checksum, description, started_at, finished_at, execution_ms, success, \
                 applied_by, error FROM {t} ORDER BY version"
            );
            sqlx::query(&sql)
                .fetch_all(&mut **c)
                .await?
                .into_iter()
                .map(|r| Applied {
                    version: r.get::<i64, _>("version") as u64,
                    name: r.get("name"),
                    checksum: r.get("checksum"),
                    description: r.get("description"),
                    started_at: r.get("started_at"),
                    finished_at: r.get("finished_at"),
                    execution_ms: r.get("execution_ms"),
                    success: r.get::<i64, _>("success") != 0,
                    applied_by: r.get("applied_by"),
                    error: r.get("error"),
                })
                .collect()
        }
    };
    Ok(rows)
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
    let t = table_ident(table);
    let ms = execution_ms.map_or_else(|| "NULL".to_string(), |v| v.to_string());
    let started = started_at_sql(dialect, success, execution_ms);
    match dialect {
        Dialect::Postgres => format!(
            "INSERT INTO {t} (version, name, checksum, description, started_at, finished_at, execution_ms, success) \
             VALUES ({}, {}, {}, {}, {started}, {}, {ms}, {success})",
            m.version,
            postgres::literal(&m.name),
            postgres::literal(&m.checksum),
            postgres::literal(&m.description),
            if success { "clock_timestamp()" } else { "NULL" },
        ),
        Dialect::Sqlite => format!(
            "INSERT INTO {t} (version, name, checksum, description, started_at, finished_at, execution_ms, success, applied_by) \
             VALUES ({}, {}, {}, {}, {started}, {}, {ms}, {}, {})",
            m.version,
            literal(&m.name),
            literal(&m.checksum),
            literal(&m.description),
            if success {
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
            } else {
                "NULL"
            },
            i32::from(success),
            literal(applied_by),
        ),
    }
}

/// When the migration started. A transactional migration's row is written at its end, inside
/// its transaction: PostgreSQL's `transaction_timestamp()` is the start of that transaction;
/// SQLite's is the end minus the measured duration. Otherwise (a row written before the work,
/// or a baseline) now.
fn started_at_sql(dialect: Dialect, success: bool, execution_ms: Option<i64>) -> String {
    match (dialect, success, execution_ms) {
        (Dialect::Postgres, true, Some(_)) => "transaction_timestamp()".into(),
        (Dialect::Postgres, _, _) => "clock_timestamp()".into(),
        (Dialect::Sqlite, true, Some(ms)) => format!(
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-{}.{:03} seconds')",
            ms / 1000,
            ms % 1000
        ),
        (Dialect::Sqlite, _, _) => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')".into(),
    }
}

/// Marks a no-transaction run finished, successfully or with the error that stopped it.
pub fn finish_sql(
    dialect: Dialect,
    table: &str,
    version: u64,
    execution_ms: i64,
    error: Option<&str>,
) -> String {
    let t = table_ident(table);
    let now = match dialect {
        Dialect::Postgres => "clock_timestamp()",
        Dialect::Sqlite => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    };
    let success = match dialect {
        Dialect::Postgres => error.is_none().to_string(),
        Dialect::Sqlite => i32::from(error.is_none()).to_string(),
    };
    let error = error.map_or_else(
        || "NULL".to_string(),
        |e| match dialect {
            Dialect::Postgres => postgres::literal(e),
            Dialect::Sqlite => literal(e),
        },
    );
    format!(
        "UPDATE {t} SET finished_at = {now}, execution_ms = {execution_ms}, success = {success}, error = {error} \
         WHERE version = {version}"
    )
}

pub fn delete_sql(table: &str, version: u64) -> String {
    format!(
        "DELETE FROM {} WHERE version = {version}",
        table_ident(table)
    )
}

/// Records a failed or interrupted run as applied (completed by hand); a run that stopped
/// without finishing gets its finish time now.
pub fn mark_applied_sql(dialect: Dialect, table: &str, version: u64) -> String {
    let (success, now) = match dialect {
        Dialect::Postgres => ("true", "clock_timestamp()"),
        Dialect::Sqlite => ("1", "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"),
    };
    format!(
        "UPDATE {} SET success = {success}, error = NULL, finished_at = COALESCE(finished_at, {now}) \
         WHERE version = {version}",
        table_ident(table)
    )
}

/// Records why a no-transaction run stopped when its own session could not (the server ended
/// it): only while the row is still unfinished, so a later outcome is never overwritten.
pub fn record_stop_sql(table: &str, version: u64, error: &str) -> String {
    format!(
        "UPDATE {} SET finished_at = clock_timestamp(), error = {} \
         WHERE version = {version} AND NOT success AND finished_at IS NULL",
        table_ident(table),
        postgres::literal(error)
    )
}
