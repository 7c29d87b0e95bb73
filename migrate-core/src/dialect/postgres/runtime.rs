//! PostgreSQL's runtime side that needs no connection: URLs, the history table's SQL, how a
//! declared schema reads back (normalisation), and the names of SQLSTATE classes. The driver
//! itself ([`super::driver`]) is behind the `postgres` feature.

use super::Postgres;
use crate::dialect::Dialect;
use crate::db::{Connection, DbError};
use crate::dialect::runtime::{HistoryRow, Runtime};
use crate::redact::{redact_url, scrub};
use crate::runner::BoxFuture;
use crate::introspect::{context_of, expr};
use crate::runner::history::table_ident;
use crate::schema::Schema;
use crate::dialect::postgres;
use crate::sql::ident;

impl Runtime for Postgres {
    fn database_shown(&self, url: &str) -> Result<String, DbError> {
        let (name, _) = database_parts(url)?;
        Ok(format!("database `{name}` ({})", redact_url(url)))
    }

    fn create_database<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<bool, DbError>> {
        Box::pin(async move {
            let (name, maintenance) = database_parts(url)?;
            let sql = format!("CREATE DATABASE {}", ident(&name));
            match on_server(&maintenance, &sql).await {
                Ok(()) => Ok(true),
                Err(e) if e.code.as_deref() == Some(DUPLICATE_DATABASE) => Ok(false),
                Err(e) => Err(DbError::new(scrub(&e.message, url))),
            }
        })
    }

    fn drop_database<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<bool, DbError>> {
        Box::pin(async move {
            let (name, maintenance) = database_parts(url)?;
            if name == "postgres" {
                return Err(
                    DbError::new("refusing to drop the `postgres` maintenance database")
                        .with_help("point the URL at a development database of its own"),
                );
            }
            let sql = format!("DROP DATABASE IF EXISTS {}", ident(&name));
            on_server(&maintenance, &sql).await.map_err(|e| {
                let error = DbError::new(scrub(&e.message, url));
                if e.code.as_deref() == Some(OBJECT_IN_USE) {
                    error.with_help(
                        "other sessions use it: stop the application (or end them with `pg_terminate_backend`) and try again",
                    )
                } else {
                    error
                }
            })?;
            Ok(true)
        })
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn url_schemes(&self) -> &'static [&'static str] {
        &["postgres", "postgresql"]
    }

    fn url_form(&self) -> &'static str {
        "postgres://user@host:5432/db"
    }

    fn feature(&self) -> &'static str {
        "postgres"
    }

    #[cfg(feature = "postgres")]
    fn connect<'a>(
        &'a self,
        url: &'a str,
    ) -> crate::dialect::runtime::BoxFuture<'a, Result<crate::db::Connection<'static>, crate::db::DbError>>
    {
        Box::pin(super::driver::connect(url))
    }

    /// A database of its own on `dev_database_url`, else a throwaway local server
    /// (`super::scratch`).
    #[cfg(feature = "postgres")]
    fn scratch<'a>(
        &'a self,
        from: crate::dialect::runtime::ScratchFrom<'a>,
    ) -> crate::dialect::runtime::BoxFuture<'a, Result<crate::dialect::runtime::Scratch, crate::db::DbError>>
    {
        Box::pin(super::scratch::open(from))
    }

    fn represent(&self, schema: &Schema) -> Schema {
        represent(schema)
    }

    fn describe_code(&self, code: &str) -> String {
        format!("SQLSTATE {code} ({})", sqlstate_class(code))
    }

    #[cfg(feature = "postgres")]
    fn error_details(&self, e: &sqlx::Error) -> Vec<String> {
        super::driver::error_details(e)
    }

    fn create_history_sql(&self, table: &str) -> String {
        let t = table_ident(table);
        format!(
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
        )
    }

    fn insert_history_sql(&self, row: &HistoryRow<'_>) -> String {
        let m = row.source;
        let t = table_ident(row.table);
        let ms = row
            .execution_ms
            .map_or_else(|| "NULL".to_string(), |v| v.to_string());
        // A transactional migration's row is written at its end, inside its transaction:
        // `transaction_timestamp()` is the start of that transaction. Otherwise (a row written
        // before the work, or a baseline) now.
        let started = if row.success && row.execution_ms.is_some() {
            "transaction_timestamp()"
        } else {
            "clock_timestamp()"
        };
        format!(
            "INSERT INTO {t} (version, name, checksum, description, started_at, finished_at, execution_ms, success) \
             VALUES ({}, {}, {}, {}, {started}, {}, {ms}, {})",
            m.version,
            postgres::literal(&m.name),
            postgres::literal(&m.checksum),
            postgres::literal(&m.description),
            if row.success { "clock_timestamp()" } else { "NULL" },
            row.success,
        )
    }

    fn finish_history_sql(
        &self,
        table: &str,
        version: u64,
        execution_ms: i64,
        error: Option<&str>,
    ) -> String {
        let t = table_ident(table);
        let success = error.is_none();
        let error = error.map_or_else(|| "NULL".to_string(), postgres::literal);
        format!(
            "UPDATE {t} SET finished_at = clock_timestamp(), execution_ms = {execution_ms}, success = {success}, \
             error = {error} WHERE version = {version}"
        )
    }

    fn mark_applied_sql(&self, table: &str, version: u64) -> String {
        format!(
            "UPDATE {} SET success = true, error = NULL, finished_at = COALESCE(finished_at, clock_timestamp()) \
             WHERE version = {version}",
            table_ident(table)
        )
    }

    fn create_backfills_sql(&self, table: &str) -> String {
        let t = table_ident(table);
        format!(
            "{}CREATE TABLE IF NOT EXISTS {t} (\n    \
             version bigint PRIMARY KEY,\n    \
             name text NOT NULL,\n    \
             table_name text NOT NULL,\n    \
             key_columns text NOT NULL,\n    \
             last_key text,\n    \
             rows_done bigint NOT NULL DEFAULT 0,\n    \
             rows_changed bigint NOT NULL DEFAULT 0,\n    \
             rows_estimated bigint,\n    \
             batch_size integer NOT NULL,\n    \
             batches bigint NOT NULL DEFAULT 0,\n    \
             state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'paused', 'finished')),\n    \
             started_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n    \
             updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n    \
             finished_at timestamptz,\n    \
             runner text,\n    \
             checksum text\n)",
            create_schema_sql(table)
        )
    }

    fn select_backfills_sql(&self, table: &str, filter: &str, lock: bool) -> String {
        let time = |c: &str| {
            format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
        };
        format!(
            "SELECT version::text, name, table_name, key_columns, last_key, rows_done::text, rows_changed::text, \
             rows_estimated::text, batch_size::text, batches::text, state, {}, {}, {}, runner, checksum FROM {} \
             WHERE {filter} ORDER BY version{}",
            time("started_at"),
            time("updated_at"),
            time("finished_at"),
            table_ident(table),
            if lock { " FOR UPDATE" } else { "" }
        )
    }

    fn now_sql(&self) -> &'static str {
        "clock_timestamp()"
    }

    fn insert_if_absent_sql(&self, table: &str, columns: &str, values: &str, key: &str) -> String {
        format!("INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({key}) DO NOTHING")
    }

    fn row_at_sql(&self, query: &str, skip: Option<u64>) -> String {
        match skip {
            Some(n) => format!("{query} LIMIT 1 OFFSET {n}"),
            None => format!("{query} LIMIT 1"),
        }
    }

    fn key_literal_sql(&self, column: &str) -> String {
        format!("quote_literal({column}::text)")
    }

    fn family_members_sql(&self, schema: Option<&str>, like: &str) -> String {
        format!(
            "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = {} AND c.relname LIKE {} ESCAPE E'\\\\'",
            schema.map_or_else(|| "current_schema()".to_string(), postgres::literal),
            postgres::literal(like),
        )
    }

    fn family_columns_sql(&self, schema: Option<&str>, like: &str) -> String {
        format!(
            "SELECT c.relname, a.attname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = {} AND c.relname LIKE {} ESCAPE E'\\\\'",
            schema.map_or_else(|| "current_schema()".to_string(), postgres::literal),
            postgres::literal(like),
        )
    }

    fn table_columns_sql(&self, schema: Option<&str>, table: &str) -> String {
        let name = match schema {
            Some(s) => format!("{}.{}", ident(s), ident(table)),
            None => ident(table),
        };
        // `indkey` is an `int2vector`, whose subscripts start at 0.
        format!(
            "SELECT a.attname::text, COALESCE(array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1, 0)::text, \
             CASE WHEN a.attnotnull THEN '1' ELSE '0' END \
             FROM pg_catalog.pg_attribute a \
             LEFT JOIN pg_catalog.pg_index i ON i.indrelid = a.attrelid AND i.indisprimary \
             WHERE a.attrelid = to_regclass({}) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            postgres::literal(&name)
        )
    }

    fn estimate_rows_sql(&self, schema: Option<&str>, table: &str) -> Option<String> {
        let name = match schema {
            Some(s) => format!("{}.{}", ident(s), ident(table)),
            None => ident(table),
        };
        // `reltuples` is -1 until the table was first analysed.
        Some(format!(
            "SELECT reltuples::bigint::text FROM pg_catalog.pg_class WHERE oid = to_regclass({})",
            postgres::literal(&name)
        ))
    }
}

/// Creates the schema of a schema-qualified history table when it is missing. The existence
/// check comes first: `CREATE SCHEMA IF NOT EXISTS` needs the CREATE privilege on the database
/// even when the schema exists.
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

/// Records why a no-transaction run stopped when its own session could not (the server ended
/// it): only while the row is still unfinished, so a later outcome is never overwritten.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(super) fn record_stop_sql(table: &str, version: u64, error: &str) -> String {
    format!(
        "UPDATE {} SET finished_at = clock_timestamp(), error = {} \
         WHERE version = {version} AND NOT success AND finished_at IS NULL",
        table_ident(table),
        postgres::literal(error)
    )
}

/// A comment PostgreSQL keeps: `COMMENT ... IS ''` removes it.
fn pg_comment(c: &Option<String>) -> Option<String> {
    c.clone().filter(|c| !c.is_empty())
}

/// The declared schema as PostgreSQL holds and reads it back.
fn represent(schema: &Schema) -> Schema {
    let mut s = schema.clone();
    for e in &mut s.enums {
        e.comment = pg_comment(&e.comment);
    }
    for t in &mut s.tables {
        let ctx = context_of(t);
        t.comment = pg_comment(&t.comment);
        for c in &mut t.columns {
            c.comment = pg_comment(&c.comment);
            c.default = c
                .default
                .as_deref()
                .and_then(|d| expr::canonical_default(d, &c.ty));
            c.generated = c.generated.as_deref().map(|g| expr::canonical(g, &ctx));
        }
        for ck in &mut t.checks {
            ck.expr = expr::canonical(&ck.expr, &ctx);
        }
        for ix in &mut t.indexes {
            for (i, c) in ix.columns.iter_mut().enumerate() {
                if ix.keys.get(i).is_some_and(|k| k.expression) {
                    *c = expr::canonical(c, &ctx);
                }
            }
            // PostgreSQL simplifies an index's predicate: `WHERE true` indexes every row.
            ix.predicate = ix
                .predicate
                .as_deref()
                .map(|p| expr::canonical(p, &ctx))
                .filter(|p| p != "true");
        }
    }
    s
}

/// The name of a PostgreSQL SQLSTATE's class (its first two characters).
fn sqlstate_class(code: &str) -> &'static str {
    match code.get(..2).unwrap_or("") {
        "01" => "warning",
        "02" => "no data",
        "03" => "SQL statement not yet complete",
        "08" => "connection exception",
        "09" => "triggered action exception",
        "0A" => "feature not supported",
        "0B" => "invalid transaction initiation",
        "0F" => "locator exception",
        "0L" => "invalid grantor",
        "0P" => "invalid role specification",
        "0Z" => "diagnostics exception",
        "20" => "case not found",
        "21" => "cardinality violation",
        "22" => "data exception",
        "23" => "integrity constraint violation",
        "24" => "invalid cursor state",
        "25" => "invalid transaction state",
        "26" => "invalid SQL statement name",
        "27" => "triggered data change violation",
        "28" => "invalid authorization specification",
        "2B" => "dependent privilege descriptors still exist",
        "2D" => "invalid transaction termination",
        "2F" => "SQL routine exception",
        "34" => "invalid cursor name",
        "38" => "external routine exception",
        "39" => "external routine invocation exception",
        "3B" => "savepoint exception",
        "3D" => "invalid catalog name",
        "3F" => "invalid schema name",
        "40" => "transaction rollback",
        "42" => "syntax error or access rule violation",
        "44" => "WITH CHECK OPTION violation",
        "53" => "insufficient resources",
        "54" => "program limit exceeded",
        "55" => "object not in prerequisite state",
        "57" => "operator intervention",
        "58" => "system error",
        "F0" => "configuration file error",
        "HV" => "foreign data wrapper error",
        "P0" => "PL/pgSQL error",
        "XX" => "internal error",
        _ => "unknown class",
    }
}


/// A PostgreSQL URL, parsed.
pub(super) fn parse_url(url: &str) -> Result<url::Url, DbError> {
    url::Url::parse(url).map_err(|e| {
        DbError::new(format!("the URL {} cannot be read: {e}", redact_url(url)))
            .with_help("write it as postgres://user@host:5432/app_dev")
    })
}

/// The database name of a PostgreSQL URL (percent-decoded) and the URL of the same server's
/// `postgres` maintenance database, with the same credentials.
fn database_parts(url: &str) -> Result<(String, String), DbError> {
    let mut parsed = parse_url(url)?;
    let name = percent_encoding::percent_decode_str(parsed.path().trim_start_matches('/'))
        .decode_utf8_lossy()
        .into_owned();
    if name.is_empty() {
        return Err(
            DbError::new(format!("the URL {} names no database", redact_url(url)))
                .with_help("write the database's name in the URL: postgres://user@host:5432/app_dev"),
        );
    }
    parsed.set_path("/postgres");
    Ok((name, parsed.into()))
}

/// The URL with its database replaced by `name` (the query kept).
#[cfg(feature = "postgres")]
pub(super) fn with_database(url: &str, name: &str) -> Result<String, DbError> {
    let mut parsed = parse_url(url)?;
    parsed.set_path(&format!("/{name}"));
    Ok(parsed.into())
}

/// SQLSTATE `duplicate_database`: `CREATE DATABASE` of a database that exists.
const DUPLICATE_DATABASE: &str = "42P04";
/// SQLSTATE `object_in_use`: `DROP DATABASE` of a database other sessions use.
const OBJECT_IN_USE: &str = "55006";

/// Why a statement on the maintenance database failed.
struct ServerError {
    /// The statement's SQLSTATE; `None` when connecting failed.
    code: Option<String>,
    /// What the server or the driver said.
    message: String,
}

/// Runs one statement on the maintenance database.
async fn on_server(maintenance: &str, sql: &str) -> Result<(), ServerError> {
    let mut conn = Connection::connect(maintenance)
        .await
        .map_err(|e| ServerError {
            code: None,
            message: e.message,
        })?;
    let result = conn.execute(sql).await.map(|_| ()).map_err(|e| ServerError {
        code: match &e {
            sqlx::Error::Database(d) => d.code().map(|c| c.into_owned()),
            _ => None,
        },
        message: e.to_string(),
    });
    conn.close().await;
    result
}

#[cfg(test)]
mod database_tests {
    use super::*;

    #[test]
    fn database_parts_of_a_url() {
        assert_eq!(
            database_parts("postgres://u:p%2Fw@h:5432/app%20dev?sslmode=disable").unwrap(),
            (
                "app dev".to_string(),
                "postgres://u:p%2Fw@h:5432/postgres?sslmode=disable".to_string()
            )
        );
        assert!(database_parts("postgres://h:5432").is_err());
        assert!(database_parts("postgres://h:5432/").is_err());
        // A Unix socket directory in the query, an IPv6 host.
        assert_eq!(
            database_parts("postgres:///app?host=/var/run/postgresql").unwrap(),
            (
                "app".to_string(),
                "postgres:///postgres?host=/var/run/postgresql".to_string()
            )
        );
        assert_eq!(
            database_parts("postgresql://u@[::1]:5433/a_b").unwrap().1,
            "postgresql://u@[::1]:5433/postgres"
        );
        let bad = database_parts("postgres://u:secret@h:port/db").unwrap_err();
        assert!(bad.message.contains("cannot be read"), "{}", bad.message);
        assert!(!bad.message.contains("secret"), "{}", bad.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_are_named() {
        assert_eq!(sqlstate_class("22P02"), "data exception");
        assert_eq!(sqlstate_class("23505"), "integrity constraint violation");
        assert_eq!(sqlstate_class("??"), "unknown class");
        assert_eq!(sqlstate_class(""), "unknown class");
        assert_eq!(
            Postgres.describe_code("23505"),
            "SQLSTATE 23505 (integrity constraint violation)"
        );
    }
}
