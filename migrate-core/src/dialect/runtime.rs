//! The database-facing half of a dialect (the `runtime` feature).
//!
//! Two traits, the way sqlx draws the line (`trait Migrate`, one file per database) and refinery
//! keeps its drivers small (default methods carry the shared logic):
//!
//! - [`Runtime`] — what a dialect knows about reaching a database without holding a connection:
//!   its URL schemes, how it connects (behind its cargo feature: without it, [`Runtime::connect`]
//!   says which feature to build with), the history table's SQL, and how the declared schema
//!   reads back from it ([`Runtime::represent`]). Registered with [`Dialect::runtime`], next to
//!   [`Dialect::ops`].
//! - `Driver` — one open connection: raw SQL, the history table, the runner lock, applying a
//!   file (in one transaction, or statement by statement), the dry run, recovery advice after a
//!   failure, and reading the catalog. The runner ([`crate::runner`]) and introspection
//!   ([`crate::introspect`]) hold a [`Connection`], a boxed driver, and never ask which
//!   database it is.

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use crate::db::DbError;
use crate::introspect::{Introspected, Options as IntrospectOptions};
use crate::runner::history::{Applied, table_ident};
use crate::runner::{Event, Holder, Options, RunError, Source};
use crate::schema::Schema;

use super::Dialect;

/// A boxed `Send` future: the runner's futures can be spawned on a multi-threaded runtime.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A boxed future that need not be `Send`: reading the catalog (sqlx's generic executors keep
/// rustc from proving those futures `Send`; nothing spawns them).
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The progress callback of a run.
pub type Report<'a> = &'a mut (dyn FnMut(Event) + Send);

/// What a dialect knows about reaching a database, without a connection. One implementation per
/// dialect folder (`<dialect>/runtime.rs`), always compiled with the `runtime` feature; only
/// [`Runtime::connect`] needs the dialect's own cargo feature.
pub trait Runtime: Sync {
    /// The URL schemes that select this dialect (`postgres`, `postgresql`).
    fn url_schemes(&self) -> &'static [&'static str];

    /// A URL of this dialect as help texts show it: `postgres://user@host:5432/db`.
    fn url_form(&self) -> &'static str;

    /// The cargo feature of `migrate-core` (and `migrate-cli`) that compiles the driver.
    fn feature(&self) -> &'static str;

    /// The dialect this is the runtime of.
    fn dialect(&self) -> Dialect;

    /// Connects to `url` (whose scheme is one of [`Runtime::url_schemes`]). Without the driver's
    /// feature, an error that names it.
    fn connect<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Connection<'static>, DbError>> {
        let _ = url;
        Box::pin(async move { Err(compiled_out(self.dialect(), self.feature())) })
    }

    /// `url` with a relative file path in it made relative to `base` (the directory of
    /// `migrate.toml`, like every other path in it). Most URLs name no file: unchanged.
    fn resolve_url(&self, url: &str, base: &Path) -> String {
        let _ = base;
        url.to_string()
    }

    /// The declared schema as this dialect holds and reads it back, acknowledgements kept (see
    /// [`crate::introspect::represent`]).
    fn represent(&self, schema: &Schema) -> Schema;

    /// A database error code, named: what is shown of an error of a secure migration, whose
    /// message could echo values from the file (`SQLSTATE 23505 (integrity constraint
    /// violation)`).
    fn describe_code(&self, code: &str) -> String;

    /// What a database error says besides its message, one line each (PostgreSQL's `DETAIL`
    /// and `HINT`: `Key (id)=(1) already exists.`); none by default.
    fn error_details(&self, e: &sqlx::Error) -> Vec<String> {
        let _ = e;
        Vec::new()
    }

    // ---- the history table's SQL ----

    /// `CREATE TABLE IF NOT EXISTS` of the history table (and its schema, where there is one).
    fn create_history_sql(&self, table: &str) -> String;

    /// The statement recording a migration: inside its transaction (`success`, with its
    /// duration), before a no-transaction run (not yet successful), or a baseline (no duration).
    fn insert_history_sql(&self, row: &HistoryRow<'_>) -> String;

    /// Marks a no-transaction run finished, successfully or with the error that stopped it.
    fn finish_history_sql(
        &self,
        table: &str,
        version: u64,
        execution_ms: i64,
        error: Option<&str>,
    ) -> String;

    /// Records a failed or interrupted run as applied (completed by hand); a run that stopped
    /// without finishing gets its finish time now.
    fn mark_applied_sql(&self, table: &str, version: u64) -> String;

    /// Forgets a run, so that its file runs again.
    fn delete_history_sql(&self, table: &str, version: u64) -> String {
        format!(
            "DELETE FROM {} WHERE version = {version}",
            table_ident(table)
        )
    }

    // ---- batched backfills (see [`crate::batch`]) ----

    /// `CREATE TABLE IF NOT EXISTS` of the backfills' progress table (created beside the
    /// history table, in its schema).
    fn create_backfills_sql(&self, table: &str) -> String;

    /// The progress rows matching `filter` (an SQL condition), in version order, every column
    /// as text in the order [`crate::batch`] reads them: `version, name, table_name,
    /// key_columns, last_key, rows_done, rows_changed, rows_estimated, batch_size, batches,
    /// state, started_at, updated_at, finished_at, runner, checksum` (times as ISO 8601 UTC). With `lock`,
    /// the rows stay locked against other runners until the transaction ends (PostgreSQL's
    /// `FOR UPDATE`; SQLite's write lock already holds the whole file).
    fn select_backfills_sql(&self, table: &str, filter: &str, lock: bool) -> String;

    /// The current time, as the progress table stores it.
    fn now_sql(&self) -> &'static str;

    /// `INSERT INTO table (columns) VALUES (values)` that inserts nothing when a row with the
    /// same `key` (a column with a unique constraint) is there already: how a runner starts a
    /// backfill another runner may have started first. `table` is quoted, `columns` and `values`
    /// comma-separated SQL.
    fn insert_if_absent_sql(&self, table: &str, columns: &str, values: &str, key: &str) -> String;

    /// The row of `query` (a `SELECT … ORDER BY …`) after skipping `skip` rows, or its first
    /// row without `skip`: how the keyset walk finds a batch's upper bound (and the last key
    /// when fewer rows remain).
    fn row_at_sql(&self, query: &str, skip: Option<u64>) -> String;

    /// An expression giving the value of `column` (a quoted name) as an SQL literal, as text:
    /// how a key is stored in the progress table and compared again in the next batch.
    fn key_literal_sql(&self, column: &str) -> String;

    /// The columns of a table, one row each, as text: `name`, its position in the primary key
    /// (`0` when not in it), `1` when it is NOT NULL (else `0`). No rows: there is no such table.
    fn table_columns_sql(&self, schema: Option<&str>, table: &str) -> String;

    /// The tables of `schema` (`None`: the default one) whose name is `LIKE` `like` (escaped
    /// with `\`), one row each, one text column: the name. What a family migration discovers
    /// its members with ([`crate::family::run`]).
    fn family_members_sql(&self, schema: Option<&str>, like: &str) -> String;

    /// The columns of the tables [`Runtime::family_members_sql`] finds, one row each: table
    /// name, column name (what `status` compares a family's members with its template by).
    fn family_columns_sql(&self, schema: Option<&str>, like: &str) -> String;

    /// One row, one text column: the number of rows of a table as the catalog estimates it,
    /// without reading the table; `None` when the dialect keeps no estimate.
    fn estimate_rows_sql(&self, schema: Option<&str>, table: &str) -> Option<String> {
        let _ = (schema, table);
        None
    }

    // ---- development databases (`migrate database create|drop|reset`) ----

    /// The file a (resolved) URL names, for a dialect whose databases are files; `None` for
    /// the others and for an in-memory database. A command that only reads a database checks
    /// it exists rather than create it by connecting.
    fn database_file(&self, url: &str) -> Option<std::path::PathBuf> {
        let _ = url;
        None
    }

    /// A URL of an empty database that lives as long as its connection and needs no server
    /// (SQLite's in-memory database), when the dialect has one: what a command that only reads
    /// reads in place of a database file that does not exist yet.
    fn scratch_url(&self) -> Option<&'static str> {
        None
    }

    /// The database a (resolved) URL names, as `migrate database` shows it (password hidden),
    /// or why the URL names none that could be created or dropped.
    fn database_shown(&self, url: &str) -> Result<String, DbError>;

    /// Creates the database the URL names: `true` when created, `false` when it was there.
    fn create_database<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<bool, DbError>>;

    /// Drops the database the URL names, with all its data: `true` when dropped, `false` when
    /// there was none.
    fn drop_database<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<bool, DbError>>;

    // ---- scratch databases (replaying the migration directory, `crate::replay`) ----

    /// An empty scratch database to replay the migration directory in: from `dev_database_url`
    /// when given, else whatever the dialect can make by itself (an in-memory database, a
    /// throwaway local server when `from.start_server` allows it), else an error naming
    /// `dev_database_url`.
    fn scratch<'a>(&'a self, from: ScratchFrom<'a>) -> BoxFuture<'a, Result<Scratch, DbError>> {
        let _ = from;
        let title = self.dialect().ops().title();
        Box::pin(async move {
            Err(DbError::new(format!(
                "this build of migrate has no scratch {title} database to replay the migration directory in"
            ))
            .with_help("set `dev_database_url` in migrate.toml to a server migrate may create and drop databases on"))
        })
    }
}

/// Where a scratch database may come from ([`Runtime::scratch`]).
#[derive(Debug, Clone, Copy)]
pub struct ScratchFrom<'a> {
    /// `dev_database_url`: a server `migrate` may create and drop databases on.
    pub dev_url: Option<&'a str>,
    /// Whether a throwaway local server may be started when there is no `dev_url` (not from
    /// `build.rs`, which must stay quick and quiet).
    pub start_server: bool,
}

/// How a scratch database is removed once its connection is closed.
pub type Release = Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>;

/// An empty scratch database: a connection to it, what it is, and how to remove it.
pub struct Scratch {
    /// An open connection to it.
    pub conn: Connection<'static>,
    /// What it is, for messages: "an in-memory SQLite database", "database `x` on
    /// dev_database_url (postgres://…)".
    pub what: String,
    /// Removes it (drops the database, stops the server) once `conn` is closed.
    pub release: Option<Release>,
}

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scratch").field("what", &self.what).finish()
    }
}

/// A row of the history table to write.
#[derive(Debug, Clone, Copy)]
pub struct HistoryRow<'a> {
    /// The history table, as configured (`ops.migrate_history` is schema-qualified).
    pub table: &'a str,
    /// The migration the row records.
    pub source: &'a Source,
    /// Finished successfully (else a no-transaction run about to start).
    pub success: bool,
    /// How long it took, for a row written when it finished; `None` for a baseline or a run
    /// about to start.
    pub execution_ms: Option<i64>,
    /// Who applied it, where the dialect cannot tell by itself (SQLite).
    pub applied_by: &'a str,
}

/// The error of a URL whose dialect this build cannot reach.
fn compiled_out(dialect: Dialect, feature: &str) -> DbError {
    DbError::new(format!(
        "this build of migrate cannot connect to {}: it was compiled without the `{feature}` feature",
        dialect.ops().title()
    ))
    .with_help(format!(
        "build with the `{feature}` feature (`cargo install migrate-cli --features {feature}`, or \
         `features = [\"{feature}\"]` on the migrate-core dependency)"
    ))
}

/// The dialect a URL names, or an error saying which schemes work.
pub fn dialect_of(url: &str) -> Result<Dialect, DbError> {
    let scheme = url.split(':').next().unwrap_or("");
    Dialect::ALL
        .iter()
        .copied()
        .find(|d| d.runtime().url_schemes().contains(&scheme))
        .ok_or_else(|| {
            let forms: Vec<&str> = Dialect::ALL
                .iter()
                .map(|d| d.runtime().url_form())
                .collect();
            DbError::new(format!(
                "unsupported database URL `{}`",
                crate::redact::redact_url(url)
            ))
            .with_help(format!("use {}", forms.join(" or ")))
        })
}

/// `url` with a relative file path made relative to `base` ([`Runtime::resolve_url`]); a URL
/// of no known dialect is returned as it is (connecting reports it).
pub fn resolve_url(url: &str, base: &Path) -> String {
    match dialect_of(url) {
        Ok(d) => d.runtime().resolve_url(url, base),
        Err(_) => url.to_string(),
    }
}

/// A migration being applied: the context its dialect's apply path works in.
pub(crate) struct Apply<'a> {
    pub(crate) source: &'a Source,
    pub(crate) opts: &'a Options,
    /// The run's last migration: its commit waits for the disk (PostgreSQL commits the ones
    /// before it without waiting; the last flushes them all).
    pub(crate) last: bool,
    /// The migration the run applies after this one, if any (SQLite commits the migrations of a
    /// run together until one that cannot join them: see `sqlite::driver`).
    pub(crate) next: Option<&'a Source>,
    pub(crate) report: Report<'a>,
}

impl fmt::Debug for Apply<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Apply")
            .field("version", &self.source.version)
            .field("last", &self.last)
            .finish_non_exhaustive()
    }
}

/// A failed run of a file's SQL: the error, and the line of the file it failed on when known.
#[derive(Debug)]
pub(crate) struct Failed {
    pub(crate) error: sqlx::Error,
    pub(crate) line: Option<usize>,
}

impl From<sqlx::Error> for Failed {
    fn from(error: sqlx::Error) -> Failed {
        Failed { error, line: None }
    }
}

/// Runs SQL on one connection: what applying a file needs.
pub(crate) trait Exec: Send {
    fn dialect(&self) -> Dialect;

    /// Runs one or several statements; the rows affected.
    fn execute<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<u64, sqlx::Error>>;

    /// The 1-based line of `sql` a database error points at, when it says.
    fn error_line(&self, e: &sqlx::Error, sql: &str) -> Option<usize> {
        let _ = (e, sql);
        None
    }
}

/// One open connection of a dialect. Methods with a default do what most databases need; a
/// dialect overrides what differs.
pub(crate) trait Driver: Exec + fmt::Debug {
    /// The dialect's [`Runtime`] (history SQL, …).
    fn runtime(&self) -> &'static dyn Runtime {
        self.dialect().runtime()
    }

    /// The first column of the first row, as an integer.
    fn fetch_int<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<i64, sqlx::Error>>;

    /// Closes an owned connection; a borrowed or pooled one is given back as it is.
    fn close<'a>(self: Box<Self>) -> BoxFuture<'a, ()>
    where
        Self: 'a;

    /// A database error for the runner, with the fix the dialect knows for it.
    fn error(&self, e: sqlx::Error) -> RunError {
        RunError::Db(DbError::new(e.to_string()))
    }

    /// Runs a file's SQL in the caller's transaction (see [`crate::runner::run_file`]).
    fn run_file<'a>(&'a mut self, s: &'a Source) -> BoxFuture<'a, Result<u64, Failed>> {
        Box::pin(crate::runner::run_file(self, s))
    }

    // ---- the history table ----

    /// Every row, in version order; none when the table does not exist yet.
    fn read_history<'a>(
        &'a mut self,
        table: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Applied>, sqlx::Error>>;

    // ---- the runner lock ----

    /// Takes the runner lock, waiting for another runner at most `runner_lock_timeout` and
    /// reporting the wait.
    fn lock<'a>(
        &'a mut self,
        opts: &'a Options,
        report: Report<'a>,
    ) -> BoxFuture<'a, Result<(), RunError>>;

    /// Takes the runner lock for `resolve`: `Err(holder)` when another runner has it and may
    /// still be applying what would be settled.
    fn lock_for_resolve<'a>(
        &'a mut self,
        opts: &'a Options,
    ) -> BoxFuture<'a, Result<Result<(), Option<Holder>>, RunError>>;

    /// Lets go of the runner lock (and of anything it left open).
    fn unlock<'a>(&'a mut self, opts: &'a Options) -> BoxFuture<'a, ()>;

    /// Ends a locked change of the history (`baseline`, `resolve`): keeps it when `ok`, and lets
    /// go of the runner lock.
    fn end_locked_change<'a>(
        &'a mut self,
        opts: &'a Options,
        ok: bool,
    ) -> BoxFuture<'a, Result<(), RunError>> {
        let _ = ok;
        Box::pin(async move {
            self.unlock(opts).await;
            Ok(())
        })
    }

    /// The runner that holds the lock now, when the database can tell.
    fn holder<'a>(
        &'a mut self,
        opts: &'a Options,
    ) -> BoxFuture<'a, Result<Option<Holder>, RunError>> {
        let _ = opts;
        Box::pin(async { Ok(None) })
    }

    // ---- applying ----

    /// The history was read under the runner lock (before integrity checks and any SQL).
    fn history_read(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }

    /// Pending migrations are about to be applied (not a dry run).
    fn before_apply<'a>(&'a mut self, opts: &'a Options) -> BoxFuture<'a, Result<(), RunError>> {
        let _ = opts;
        Box::pin(async { Ok(()) })
    }

    /// What the last [`Driver::apply`] committed besides its own migration, reported after it
    /// ([`Event::Committed`], SQLite).
    fn committed(&mut self) -> Option<Event> {
        None
    }

    /// Applies one migration with its history row. `None`: another runner applied it meanwhile.
    fn apply<'a>(
        &'a mut self,
        ctx: Apply<'a>,
    ) -> BoxFuture<'a, Result<Option<(u64, u64)>, RunError>>;

    /// Whether `s` runs inside a transaction (else it is skipped by a dry run).
    fn runs_in_transaction(&self, s: &Source) -> bool {
        let _ = s;
        true
    }

    /// Opens the dry run's transaction.
    fn begin_dry_run<'a>(
        &'a mut self,
        opts: &'a Options,
        report: Report<'a>,
    ) -> BoxFuture<'a, Result<(), RunError>>;

    /// Before one migration of a dry run: a point to roll back to when it fails.
    fn dry_run_savepoint<'a>(
        &'a mut self,
        s: &'a Source,
        opts: &'a Options,
    ) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        let _ = (s, opts);
        Box::pin(async { Ok(()) })
    }

    /// Undoes the migration since [`Driver::dry_run_savepoint`].
    fn dry_run_undo(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>>;

    /// Rolls the dry run back.
    fn end_dry_run(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>>;

    // ---- after a failure ----

    /// What a no-transaction file that stopped part-way left, and the exact way back; `failed`
    /// is the 0-based index and text of the statement that failed, when known. `None` when the
    /// dialect cannot tell more than the generic advice.
    fn recovery_advice<'a>(
        &'a mut self,
        s: &'a Source,
        failed: Option<(usize, &'a str)>,
    ) -> BoxFuture<'a, Option<String>> {
        let _ = (s, failed);
        Box::pin(async { None })
    }

    /// After the server ended a session part-way through a no-transaction file, on a new
    /// connection: records the stop (`text`) and rewrites `recovery` from what the database
    /// shows.
    fn settle_lost<'a>(
        &'a mut self,
        source: Option<&'a Source>,
        opts: &'a Options,
        version: u64,
        text: &'a str,
        recovery: &'a mut String,
    ) -> BoxFuture<'a, ()> {
        let _ = (source, opts, version, text, recovery);
        Box::pin(async {})
    }

    // ---- batched backfills (see [`crate::batch`]) ----

    /// Every row of a query, each column read as text (`None` for NULL); the query casts what
    /// is not text.
    fn fetch_texts<'a>(
        &'a mut self,
        sql: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Vec<Option<String>>>, sqlx::Error>>;

    /// Opens the transaction of one batch, with the migration's timeouts (`None`: none):
    /// `BEGIN` and `SET LOCAL` on PostgreSQL, `BEGIN IMMEDIATE` waiting at most the lock timeout
    /// on SQLite, so the write lock is released between batches.
    fn begin_batch<'a>(
        &'a mut self,
        lock_timeout: Option<Duration>,
        statement_timeout: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), sqlx::Error>>;

    /// Why a batch gave way to other work, when `e` says it did (a lock or statement timeout, a
    /// deadlock, a busy database file): the engine retries it smaller instead of failing.
    fn gives_way(&self, e: &sqlx::Error) -> Option<&'static str>;

    /// The sqlx connection under the driver (its `sqlx::<Db>Connection`), for a data migration
    /// in Rust: each dialect's folder gives `DataBatch` a typed accessor that downcasts it
    /// (`DataBatch::postgres`, `DataBatch::sqlite`), so this trait names no database.
    fn sqlx_connection(&mut self) -> &mut dyn std::any::Any;

    /// How many other sessions wait for a lock this session's transaction holds, asked inside a
    /// batch before its commit: writers the batch held up, for whom the engine gives way (a
    /// smaller next batch after a pause). Sessions whose statement names `peer`, the progress
    /// table — other runners of a backfill, waiting for its progress row to take the next
    /// batch — are not counted. SQLite:
    /// always 0 — its writers wait for the file's write lock in their own busy timeout, which no
    /// other connection can see.
    fn waiting_writers<'a>(&'a mut self, peer: &'a str) -> BoxFuture<'a, Result<u64, sqlx::Error>>;

    /// The largest lag of the replicas the server streams to, asked between batches: `None`
    /// when there is none, or none measured (PostgreSQL shows the lag only to roles allowed to
    /// read it, and none for a replica that caught up and is idle); an error when it cannot be
    /// read at all. SQLite has no replicas: always `None`.
    fn replication_lag(&mut self) -> BoxFuture<'_, Result<Option<Duration>, sqlx::Error>>;

    // ---- the catalog ----

    /// Reads the database into the model (in no particular order).
    fn introspect<'a>(
        &'a mut self,
        opts: &'a IntrospectOptions,
    ) -> LocalBoxFuture<'a, Result<Introspected, DbError>>;

    /// Rewrites the literals of `schema` in the spelling the server stores them in.
    fn canonical_literals<'a>(&'a mut self, schema: &'a mut Schema) -> LocalBoxFuture<'a, ()> {
        let _ = schema;
        Box::pin(async {})
    }
}

/// A connection to a database of any dialect: what `migrate` and the runtime [`crate::Migrator`]
/// work on. Made by [`Connection::connect`], or from a sqlx connection the application already
/// has (`Connection::from(&mut pg_connection)`).
pub struct Connection<'c> {
    driver: Box<dyn Driver + 'c>,
}

impl fmt::Debug for Connection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.driver.fmt(f)
    }
}

impl<'c> Connection<'c> {
    pub(crate) fn new(driver: Box<dyn Driver + 'c>) -> Connection<'c> {
        Connection { driver }
    }

    /// The driver, for the runner and introspection.
    pub(crate) fn driver(&mut self) -> &mut (dyn Driver + 'c) {
        &mut *self.driver
    }

    /// Connects; the URL's scheme picks the dialect. Errors never contain the URL's password.
    pub async fn connect(url: &str) -> Result<Connection<'static>, DbError> {
        dialect_of(url)?.runtime().connect(url).await
    }

    /// The dialect of the database it is connected to.
    pub fn dialect(&self) -> Dialect {
        self.driver.dialect()
    }

    /// Runs SQL that returns no rows (one or several statements).
    pub async fn execute(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        self.driver.execute(sql).await
    }

    /// The first column of the first row of a query, as an integer.
    pub async fn fetch_int(&mut self, sql: &str) -> Result<i64, sqlx::Error> {
        self.driver.fetch_int(sql).await
    }

    /// Closes the connection (a borrowed one stays open; a pooled one goes back to its pool).
    pub async fn close(self) {
        self.driver.close().await;
    }
}

/// A connection a driver works on: its own, the caller's, or one of a pool.
pub(crate) enum Handle<'c, DB: sqlx::Database> {
    Owned(DB::Connection),
    Borrowed(&'c mut DB::Connection),
    Pooled(sqlx::pool::PoolConnection<DB>),
}

/// `From` a connection (borrowed, owned, or from a pool) into a [`Connection`] for a driver
/// struct whose one field is `conn: Handle<'c, DB>`; `$conn` is `DB`'s connection type, named
/// (a projection `<DB as Database>::Connection` would make the impls overlap for coherence).
macro_rules! connection_from {
    ($driver:ident, $db:ty, $conn:ty) => {
        impl<'c> From<&'c mut $conn> for $crate::db::Connection<'c> {
            fn from(c: &'c mut $conn) -> $crate::db::Connection<'c> {
                $crate::db::Connection::new(Box::new($driver::from(
                    $crate::dialect::runtime::Handle::Borrowed(c),
                )))
            }
        }

        impl From<$conn> for $crate::db::Connection<'static> {
            fn from(c: $conn) -> $crate::db::Connection<'static> {
                $crate::db::Connection::new(Box::new($driver::from(
                    $crate::dialect::runtime::Handle::Owned(c),
                )))
            }
        }

        impl From<sqlx::pool::PoolConnection<$db>> for $crate::db::Connection<'static> {
            fn from(c: sqlx::pool::PoolConnection<$db>) -> $crate::db::Connection<'static> {
                $crate::db::Connection::new(Box::new($driver::from(
                    $crate::dialect::runtime::Handle::Pooled(c),
                )))
            }
        }
    };
}
pub(crate) use connection_from;

impl<DB: sqlx::Database> fmt::Debug for Handle<'_, DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Handle::Owned(_) => "Owned",
            Handle::Borrowed(_) => "Borrowed",
            Handle::Pooled(_) => "Pooled",
        })
    }
}

impl<DB: sqlx::Database> Handle<'_, DB> {
    pub(crate) fn get(&mut self) -> &mut DB::Connection {
        match self {
            Handle::Owned(c) => c,
            Handle::Borrowed(c) => c,
            Handle::Pooled(c) => c,
        }
    }

    pub(crate) async fn close(self) {
        if let Handle::Owned(c) = self {
            let _ = sqlx::Connection::close(c).await;
        }
    }
}

/// A failed connection, with the password removed.
pub(crate) fn connect_error(url: &str, e: &sqlx::Error) -> DbError {
    let detail = crate::redact::scrub(&e.to_string(), url);
    DbError::new(format!(
        "cannot connect to {}: {detail}",
        crate::redact::redact_url(url)
    ))
    .with_help(
        "check the URL (migrate.toml `database_url`, DATABASE_URL or --database-url) and that the server is up",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compiled_out_dialect_names_its_feature() {
        let e = compiled_out(Dialect::Sqlite, "sqlite");
        assert!(e.message.contains("SQLite"), "{}", e.message);
        assert!(e.message.contains("`sqlite` feature"), "{}", e.message);
        assert!(
            e.help
                .as_deref()
                .is_some_and(|h| h.contains("--features sqlite")),
            "{e:?}"
        );
    }

    /// A dialect whose databases are files has an empty database to read in place of one not
    /// created yet, and it is of that dialect and no file.
    #[test]
    fn file_dialects_have_a_scratch_database() {
        for d in Dialect::ALL {
            let rt = d.runtime();
            let Some(scratch) = rt.scratch_url() else {
                assert!(rt.database_file(d.ops().example_url()).is_none(), "{d}");
                continue;
            };
            assert_eq!(dialect_of(scratch).ok(), Some(*d), "{scratch}");
            assert_eq!(rt.database_file(scratch), None, "{scratch}");
        }
    }

    /// Only in a build without the SQLite driver (`--no-default-features --features
    /// runtime,postgres`): its URLs are still recognised, and refused with the feature to add.
    #[cfg(not(feature = "sqlite"))]
    #[tokio::test(flavor = "current_thread")]
    async fn connecting_without_the_driver_says_which_feature() {
        let e = Connection::connect("sqlite://never.db")
            .await
            .expect_err("no driver");
        assert!(e.message.contains("`sqlite` feature"), "{}", e.message);
        assert!(!std::path::Path::new("never.db").exists());
    }

    #[cfg(not(feature = "postgres"))]
    #[tokio::test(flavor = "current_thread")]
    async fn connecting_without_the_postgres_driver_says_which_feature() {
        let e = Connection::connect("postgres://u:SECRET@h/db")
            .await
            .expect_err("no driver");
        assert!(e.message.contains("`postgres` feature"), "{}", e.message);
        assert!(!e.message.contains("SECRET"), "{}", e.message);
    }
}
