//! SQLite's runtime side that needs no connection: URLs, the history table's SQL, and how a
//! declared schema reads back (normalisation). The driver itself ([`super::driver`]) is behind
//! the `sqlite` feature.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::Sqlite;
use crate::dialect::Dialect;
use crate::db::{Connection, DbError};
use crate::dialect::runtime::{HistoryRow, Runtime};
use crate::redact::redact_url;
use crate::runner::BoxFuture;
use crate::runner::history::table_ident;
use crate::schema::{Column, ColumnType, Identity, IndexMethod, Schema, Table};
use crate::sql::lex::{TokenKind, lex};
use crate::sql::{ident, literal};

/// SQLite's current time as the history table stores it.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

impl Runtime for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn url_schemes(&self) -> &'static [&'static str] {
        &["sqlite"]
    }

    fn url_form(&self) -> &'static str {
        "sqlite://path/to/file.db"
    }

    fn feature(&self) -> &'static str {
        "sqlite"
    }

    #[cfg(feature = "sqlite")]
    fn connect<'a>(
        &'a self,
        url: &'a str,
    ) -> crate::dialect::runtime::BoxFuture<'a, Result<crate::db::Connection<'static>, crate::db::DbError>>
    {
        Box::pin(super::driver::connect(url))
    }

    /// An in-memory database: nothing to configure, nothing to remove.
    #[cfg(feature = "sqlite")]
    fn scratch<'a>(
        &'a self,
        from: crate::dialect::runtime::ScratchFrom<'a>,
    ) -> crate::dialect::runtime::BoxFuture<'a, Result<crate::dialect::runtime::Scratch, crate::db::DbError>>
    {
        let _ = from;
        Box::pin(async {
            let conn = super::driver::connect("sqlite::memory:").await?;
            Ok(crate::dialect::runtime::Scratch {
                conn,
                what: "an in-memory SQLite database".into(),
                release: None,
            })
        })
    }

    /// `sqlite://dev.db` → `sqlite://<base>/dev.db`; an absolute path and `:memory:` stay.
    fn resolve_url(&self, url: &str, base: &Path) -> String {
        let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        else {
            return url.to_string();
        };
        let (path, query) = rest
            .split_once('?')
            .map_or((rest, None), |(p, q)| (p, Some(q)));
        if path.is_empty() || path == ":memory:" || Path::new(path).is_absolute() {
            return url.to_string();
        }
        let full = base.join(path);
        match query {
            Some(q) => format!("sqlite://{}?{q}", full.display()),
            None => format!("sqlite://{}", full.display()),
        }
    }

    fn represent(&self, schema: &Schema) -> Schema {
        represent(schema)
    }

    fn database_file(&self, url: &str) -> Option<PathBuf> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split_once('?').map_or(rest, |(p, _)| p);
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }

    fn scratch_url(&self) -> Option<&'static str> {
        Some("sqlite::memory:")
    }

    fn database_shown(&self, url: &str) -> Result<String, DbError> {
        let path = self.database_file(url).ok_or_else(|| {
            DbError::new(format!(
                "{} is an in-memory database: there is no file to create or drop",
                redact_url(url)
            ))
        })?;
        Ok(format!("SQLite file {}", path.display()))
    }

    fn create_database<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<bool, DbError>> {
        Box::pin(async move {
            self.database_shown(url)?;
            let Some(path) = self.database_file(url) else {
                return Ok(false);
            };
            if path.exists() {
                return Ok(false);
            }
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    DbError::new(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            // Connecting creates the file.
            let conn = Connection::connect(&format!("sqlite://{}", path.display())).await?;
            conn.close().await;
            Ok(true)
        })
    }

    fn drop_database<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<bool, DbError>> {
        Box::pin(async move {
            self.database_shown(url)?;
            let Some(path) = self.database_file(url) else {
                return Ok(false);
            };
            if !path.exists() {
                return Ok(false);
            }
            // The file and its companions.
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let file = PathBuf::from(format!("{}{suffix}", path.display()));
                if (suffix.is_empty() || file.exists())
                    && let Err(e) = std::fs::remove_file(&file)
                {
                    return Err(DbError::new(format!(
                        "cannot remove {}: {e}",
                        file.display()
                    )));
                }
            }
            Ok(true)
        })
    }

    fn describe_code(&self, code: &str) -> String {
        format!("SQLite result code {code}")
    }

    fn create_history_sql(&self, table: &str) -> String {
        let t = table_ident(table);
        format!(
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
        )
    }

    fn insert_history_sql(&self, row: &HistoryRow<'_>) -> String {
        let m = row.source;
        let t = table_ident(row.table);
        let ms = row
            .execution_ms
            .map_or_else(|| "NULL".to_string(), |v| v.to_string());
        // A transactional migration's row is written at its end, inside its transaction: it
        // started the measured duration before now. Otherwise (a row written before the work,
        // or a baseline) now.
        let started = match row.execution_ms {
            Some(ms) if row.success => format!(
                "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-{}.{:03} seconds')",
                ms / 1000,
                ms % 1000
            ),
            _ => NOW.to_string(),
        };
        format!(
            "INSERT INTO {t} (version, name, checksum, description, started_at, finished_at, execution_ms, success, applied_by) \
             VALUES ({}, {}, {}, {}, {started}, {}, {ms}, {}, {})",
            m.version,
            literal(&m.name),
            literal(&m.checksum),
            literal(&m.description),
            if row.success { NOW } else { "NULL" },
            i32::from(row.success),
            literal(row.applied_by),
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
        let success = i32::from(error.is_none());
        let error = error.map_or_else(|| "NULL".to_string(), literal);
        format!(
            "UPDATE {t} SET finished_at = {NOW}, execution_ms = {execution_ms}, success = {success}, \
             error = {error} WHERE version = {version}"
        )
    }

    fn mark_applied_sql(&self, table: &str, version: u64) -> String {
        format!(
            "UPDATE {} SET success = 1, error = NULL, finished_at = COALESCE(finished_at, {NOW}) \
             WHERE version = {version}",
            table_ident(table)
        )
    }

    fn create_backfills_sql(&self, table: &str) -> String {
        let t = table_ident(table);
        format!(
            "CREATE TABLE IF NOT EXISTS {t} (\n    \
             version integer PRIMARY KEY,\n    \
             name text NOT NULL,\n    \
             table_name text NOT NULL,\n    \
             key_columns text NOT NULL,\n    \
             last_key text,\n    \
             rows_done integer NOT NULL DEFAULT 0,\n    \
             rows_changed integer NOT NULL DEFAULT 0,\n    \
             rows_estimated integer,\n    \
             batch_size integer NOT NULL,\n    \
             batches integer NOT NULL DEFAULT 0,\n    \
             state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'paused', 'finished')),\n    \
             started_at text NOT NULL DEFAULT ({NOW}),\n    \
             updated_at text NOT NULL DEFAULT ({NOW}),\n    \
             finished_at text,\n    \
             runner text,\n    \
             checksum text\n)"
        )
    }

    /// No `FOR UPDATE`: a batch holds the write lock of the whole file (`BEGIN IMMEDIATE`).
    fn select_backfills_sql(&self, table: &str, filter: &str, lock: bool) -> String {
        let _ = lock;
        format!(
            "SELECT CAST(version AS TEXT), name, table_name, key_columns, last_key, CAST(rows_done AS TEXT), \
             CAST(rows_changed AS TEXT), CAST(rows_estimated AS TEXT), CAST(batch_size AS TEXT), \
             CAST(batches AS TEXT), state, started_at, updated_at, finished_at, runner, checksum FROM {} \
             WHERE {filter} ORDER BY version",
            table_ident(table)
        )
    }

    fn now_sql(&self) -> &'static str {
        NOW
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
        format!("quote({column})")
    }

    fn family_members_sql(&self, schema: Option<&str>, like: &str) -> String {
        let master = match schema {
            Some(s) => format!("{}.sqlite_master", ident(s)),
            None => "sqlite_master".to_string(),
        };
        format!(
            "SELECT name FROM {master} WHERE type = 'table' AND name LIKE {} ESCAPE '\\'",
            literal(like)
        )
    }

    fn family_columns_sql(&self, schema: Option<&str>, like: &str) -> String {
        let (master, args) = match schema {
            Some(s) => (format!("{}.sqlite_master", ident(s)), format!("m.name, {}", literal(s))),
            None => ("sqlite_master".to_string(), "m.name".to_string()),
        };
        format!(
            "SELECT m.name, p.name FROM {master} m, pragma_table_info({args}) p \
             WHERE m.type = 'table' AND m.name LIKE {} ESCAPE '\\'",
            literal(like)
        )
    }

    /// An `INTEGER PRIMARY KEY` (the rowid) is never NULL, though `notnull` does not say so.
    fn table_columns_sql(&self, schema: Option<&str>, table: &str) -> String {
        let args = match schema {
            Some(s) => format!("{}, {}", literal(table), literal(s)),
            None => literal(table),
        };
        format!(
            "SELECT name, CAST(pk AS TEXT), CASE WHEN \"notnull\" OR (pk = 1 AND upper(type) = 'INTEGER' \
             AND (SELECT count(*) FROM pragma_table_info({args}) WHERE pk > 0) = 1) THEN '1' ELSE '0' END \
             FROM pragma_table_info({args}) ORDER BY cid"
        )
    }

}

/// The enums SQLite can give back: those a column of some table uses directly (not as an array),
/// whose labels are then in that column's CHECK.
fn sqlite_enums(schema: &Schema) -> HashSet<String> {
    schema
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter_map(|c| match &c.ty {
            ColumnType::Enum(name) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// The declared schema as SQLite holds and reads it back.
fn represent(schema: &Schema) -> Schema {
    let kept = sqlite_enums(schema);
    let mut s = schema.clone();
    // SQLite has no extensions: nothing to create, nothing read back.
    s.extensions.clear();
    s.enums.retain(|e| kept.contains(&e.name));
    for e in &mut s.enums {
        e.comment = None;
    }
    // No comments on views either.
    for v in &mut s.objects.views {
        v.comment = None;
    }
    let retype = |ty: &ColumnType| -> ColumnType {
        match ty {
            ColumnType::Array(inner) => match inner.as_ref() {
                ColumnType::Enum(name) if !kept.contains(name) => {
                    ColumnType::Array(Box::new(ColumnType::Text))
                }
                _ => ty.clone(),
            },
            other => other.clone(),
        }
    };
    for t in &mut s.tables {
        t.comment = None;
        t.unlogged = false;
        let rowids: Vec<bool> = t.columns.iter().map(|c| is_sqlite_rowid(t, c)).collect();
        for (c, rowid) in t.columns.iter_mut().zip(rowids) {
            c.comment = None;
            c.ty = retype(&c.ty);
            if let Some(ty) = &c.type_changed_from {
                c.type_changed_from = Some(retype(ty));
            }
            c.default = c.default.as_deref().and_then(|d| sqlite_default(d, &c.ty));
            // Not read back from SQLite: its catalog keeps the clause only in the table's SQL.
            c.generated = None;
            if rowid {
                c.ty = ColumnType::Integer;
                c.identity = Some(Identity::ByDefault);
            } else {
                c.identity = None;
            }
        }
        for ck in &mut t.checks {
            ck.expr = crate::dialect::sqlite::strip_casts(&ck.expr).trim().to_string();
        }
        // SQLite's ON DELETE SET NULL sets every referencing column.
        for fk in &mut t.foreign_keys {
            fk.on_delete_columns.clear();
        }
        for ix in &mut t.indexes {
            ix.method = IndexMethod::Btree;
            // A UNIQUE constraint is a unique index to SQLite, which names it as the schema does.
            ix.constraint = false;
            for (i, c) in ix.columns.iter_mut().enumerate() {
                if ix.keys.get(i).is_some_and(|k| k.expression) {
                    *c = crate::dialect::sqlite::strip_casts(c).trim().to_string();
                }
            }
            // SQLite is not given a predicate that is always true.
            ix.predicate = ix
                .partial_predicate()
                .map(|p| crate::dialect::sqlite::strip_casts(p).trim().to_string());
        }
    }
    unify_integer_references(&mut s);
    s
}


/// Whether SQLite makes column `c` of `t` its rowid: the single-column primary key, declared
/// exactly `integer` (an identity key is declared so).
pub(crate) fn is_sqlite_rowid(t: &Table, c: &Column) -> bool {
    let single_pk = t
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == c.name);
    single_pk
        && c.default.is_none()
        && (c.identity.is_some() || c.ty == ColumnType::Integer)
        && c.ty.is_integer()
}

/// A SQLite default of a column of type `ty` as the database reports it back: the SQL the
/// migration wrote (an array as JSON), without the parentheses around an expression. `None` for
/// `NULL`.
pub(crate) fn sqlite_default(d: &str, ty: &ColumnType) -> Option<String> {
    let sql = crate::dialect::sqlite::value_sql(d, ty);
    let sql = strip_outer_parens(&sql).trim().to_string();
    (!sql.eq_ignore_ascii_case("null")).then_some(sql)
}

/// `(x)` → `x`, once, when the parentheses enclose the whole text.
fn strip_outer_parens(s: &str) -> &str {
    let t = s.trim();
    let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) else {
        return t;
    };
    // The first `(` must close at the very end.
    let mut depth = 0usize;
    for tok in lex(t, Dialect::Sqlite).filter(|tok| tok.kind == TokenKind::Punct) {
        match tok.text(t) {
            "(" => depth += 1,
            ")" => {
                depth -= 1;
                if depth == 0 && tok.end != t.len() {
                    return t;
                }
            }
            _ => {}
        }
    }
    inner
}

/// Gives an integer column that references an `integer` column that type too, until nothing
/// changes. In SQLite a rowid key is `integer` whatever width was declared (all are 64 bits
/// there), and a foreign key's columns have exactly the types of the columns they reference.
pub(crate) fn unify_integer_references(schema: &mut Schema) {
    loop {
        let mut retype: Vec<(usize, String)> = Vec::new();
        for (ti, t) in schema.tables.iter().enumerate() {
            for fk in &t.foreign_keys {
                let Some(target) = schema.table(&fk.ref_table) else {
                    continue;
                };
                for (c, rc) in fk.columns.iter().zip(&fk.ref_columns) {
                    let (Some(col), Some(rcol)) = (t.column(c), target.column(rc)) else {
                        continue;
                    };
                    if rcol.ty == ColumnType::Integer
                        && col.ty.is_integer()
                        && col.ty != ColumnType::Integer
                    {
                        retype.push((ti, c.clone()));
                    }
                }
            }
        }
        if retype.is_empty() {
            return;
        }
        for (ti, c) in retype {
            if let Some(col) = schema.tables[ti].columns.iter_mut().find(|x| x.name == c) {
                col.ty = ColumnType::Integer;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outer_parens() {
        assert_eq!(strip_outer_parens("(a)"), "a");
        assert_eq!(strip_outer_parens("(a) + (b)"), "(a) + (b)");
        assert_eq!(strip_outer_parens("(')')"), "')'");
        assert_eq!(strip_outer_parens("([a)b] + 1)"), "[a)b] + 1");
        assert_eq!(strip_outer_parens("(a /* ) */) || (b)"), "(a /* ) */) || (b)");
    }

    #[test]
    fn relative_files_are_relative_to_the_configuration() {
        let base = Path::new("/srv/app");
        for (url, resolved) in [
            ("sqlite://dev.db", "sqlite:///srv/app/dev.db"),
            ("sqlite:dev.db?mode=rwc", "sqlite:///srv/app/dev.db?mode=rwc"),
            ("sqlite:///abs/dev.db", "sqlite:///abs/dev.db"),
            ("sqlite::memory:", "sqlite::memory:"),
        ] {
            assert_eq!(Sqlite.resolve_url(url, base), resolved, "{url}");
        }
        assert_eq!(
            crate::dialect::runtime::resolve_url("postgres://h/db", base),
            "postgres://h/db"
        );
    }
}
