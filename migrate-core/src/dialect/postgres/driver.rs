//! The PostgreSQL driver (the `postgres` feature): connecting, the history table, the runner lock
//! ([`super::lock`]), applying a file in one transaction or statement by statement, the dry run,
//! recovery advice ([`super::recovery`]) and the catalog ([`super::introspect`]).

use std::time::{Duration, Instant};

use sqlx::postgres::{PgDatabaseError, PgErrorPosition};
use sqlx::{PgConnection, Postgres as Pg, Row};

use super::{lock, recovery};
use crate::db::{Connection, DbError};
use crate::dialect::Dialect;
use crate::dialect::runtime::{
    Apply, BoxFuture, Driver, Exec, Failed, Handle, HistoryRow, LocalBoxFuture, Report, Runtime,
    connect_error,
};
use crate::duration;
use crate::introspect::{Introspected, Options as IntrospectOptions};
use crate::runner::history::{Applied, table_ident};
use crate::runner::{
    Event, Holder, Options, RunError, Source, Summary, TX_RECOVERY, Target, elapsed_ms, error_text,
    failure, run_file, settle_lost, up,
};
use crate::schema::Schema;
use crate::sql::split::split;

/// A PostgreSQL connection: its own, the caller's, or one of a pool.
#[derive(Debug)]
pub(crate) struct PgDriver<'c> {
    conn: Handle<'c, Pg>,
}

crate::dialect::runtime::connection_from!(PgDriver, Pg, PgConnection);

impl<'c> From<Handle<'c, Pg>> for PgDriver<'c> {
    fn from(conn: Handle<'c, Pg>) -> PgDriver<'c> {
        PgDriver { conn }
    }
}

/// Connects, with TLS as `sslmode` says ([`super::connect::pg_options`]).
pub(super) async fn connect(url: &str) -> Result<Connection<'static>, DbError> {
    let opts = super::connect::pg_options(url)?;
    let conn: PgConnection = sqlx::Connection::connect_with(&opts).await.map_err(|e| {
        let error = connect_error(url, &e);
        match super::connect::tls_help(&error.message, &opts) {
            Some(help) => error.with_help(help),
            None => error,
        }
    })?;
    Ok(Connection::from(conn))
}

// ---- SQL on one connection ----
// The futures are boxed with a concrete lifetime, which keeps the runner's own futures `Send`
// (rustc cannot prove it through sqlx's generic executors).

pub(super) fn run<'c>(c: &'c mut PgConnection, sql: &'c str) -> BoxFuture<'c, Result<u64, sqlx::Error>> {
    Box::pin(async move {
        Ok(sqlx::Executor::execute(c, sqlx::raw_sql(sql))
            .await?
            .rows_affected())
    })
}

fn int<'c>(c: &'c mut PgConnection, sql: &'c str) -> BoxFuture<'c, Result<i64, sqlx::Error>> {
    Box::pin(async move { sqlx::Row::try_get::<i64, _>(&sqlx::Executor::fetch_one(c, sql).await?, 0) })
}

impl Exec for PgConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        run(self, sql)
    }

    fn error_line(&self, e: &sqlx::Error, sql: &str) -> Option<usize> {
        error_line(e, sql)
    }
}

// ---- errors ----

/// A database error, as the runner reports it.
pub(super) fn db_err(e: sqlx::Error) -> RunError {
    RunError::Db(DbError::new(e.to_string()))
}

/// The `DETAIL` and `HINT` of a PostgreSQL error, as psql prints them.
pub(super) fn error_details(e: &sqlx::Error) -> Vec<String> {
    let sqlx::Error::Database(d) = e else {
        return Vec::new();
    };
    let Some(pg) = d.try_downcast_ref::<PgDatabaseError>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(detail) = pg.detail() {
        out.push(format!("DETAIL: {detail}"));
    }
    if let Some(hint) = pg.hint() {
        out.push(format!("HINT: {hint}"));
    }
    out
}

/// The server ended the session, or the connection broke: nothing more can run on it.
fn is_connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => true,
        // admin_shutdown (pg_terminate_backend), crash_shutdown, and connection exceptions.
        _ => sqlstate(e).is_some_and(|c| c.starts_with("57P") || c.starts_with("08")),
    }
}

/// The SQLSTATE of a database error.
fn sqlstate(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(d) => d.code().map(|c| c.into_owned()),
        _ => None,
    }
}

fn is_lock_timeout(e: &sqlx::Error) -> bool {
    sqlstate(e).as_deref() == Some("55P03")
}

/// The 1-based line of a PostgreSQL error's position in `sql`.
fn error_line(e: &sqlx::Error, sql: &str) -> Option<usize> {
    let sqlx::Error::Database(d) = e else {
        return None;
    };
    let pg = d.try_downcast_ref::<PgDatabaseError>()?;
    match pg.position()? {
        PgErrorPosition::Original(pos) => {
            let byte = sql
                .char_indices()
                .nth(pos.saturating_sub(1))
                .map_or(sql.len(), |(i, _)| i);
            Some(sql[..byte].matches('\n').count() + 1)
        }
        _ => None,
    }
}

/// The session ended while a migration ran.
fn lost(
    s: &Source,
    line: Option<usize>,
    e: &sqlx::Error,
    recovery: String,
    unrecorded: bool,
) -> RunError {
    RunError::ConnectionLost {
        version: s.version,
        name: s.name.clone(),
        line,
        error: error_text(s, e, Dialect::Postgres),
        recovery,
        unrecorded,
    }
}

/// `SET [LOCAL]` of the timeouts for one migration.
fn timeouts_sql(source: &Source, opts: &Options, local: bool) -> String {
    let ms = |file: Option<Duration>, run: Option<Duration>| {
        file.or(run).map_or(0, duration::as_millis)
    };
    let lock = ms(source.lock_timeout, opts.lock_timeout);
    let stmt = ms(source.statement_timeout, opts.statement_timeout);
    let scope = if local { "LOCAL " } else { "" };
    format!("SET {scope}lock_timeout = '{lock}ms'; SET {scope}statement_timeout = '{stmt}ms'")
}

/// The `application_name` of a runner applying `s`, as a literal.
fn application_name(s: &Source) -> String {
    crate::dialect::postgres::literal(&lock::application_name(s.version, &s.name, s.secure))
}

// ---- applying ----

/// Waits before the next attempt after a lock timeout, saying so.
async fn backoff(s: &Source, attempt: u32, opts: &Options, report: Report<'_>) {
    let wait = duration::as_millis(opts.retry_backoff)
        .saturating_mul(1 << attempt.min(16))
        .min(30_000);
    report(Event::Retrying {
        version: s.version,
        name: s.name.clone(),
        attempt: attempt + 1,
        wait_ms: wait,
    });
    tokio::time::sleep(Duration::from_millis(wait)).await;
}

/// The advice of a no-transaction run whose session ended, until [`crate::runner::settle_lost`] reads what it
/// left.
const UNFINISHED: &str = "the history shows this run as unfinished; `migrate status` says what its statements \
    left, and `migrate up` refuses to go on until it is settled, with the exact commands to do so";


/// One transaction: timeouts, the file, its history row. Retried whole on a lock timeout.
///
/// Three round trips: begin with the timeouts, the file, the history row with the commit. Unless
/// it is the run's last migration the commit does not wait for the disk (`synchronous_commit =
/// off`): the migration is still atomic, and the last one commits durably, which flushes every
/// commit before it.
async fn apply_tx(
    c: &mut PgConnection,
    ctx: Apply<'_>,
) -> Result<Option<(u64, u64)>, RunError> {
    let Apply {
        source: s,
        opts,
        last,
        report,
        ..
    } = ctx;
    let mut attempt = 0;
    let mut begin = format!(
        "BEGIN; {}; SET LOCAL application_name = {}",
        timeouts_sql(s, opts, true),
        application_name(s)
    );
    if !last {
        begin.push_str("; SET LOCAL synchronous_commit = off");
    }
    loop {
        let start = Instant::now();
        run(c, &begin).await.map_err(db_err)?;
        let result = run_file(c, s).await;
        match result {
            Ok(rows) => {
                let ms = elapsed_ms(start);
                let record = super::Postgres.insert_history_sql(&HistoryRow {
                    table: &opts.history_table,
                    source: s,
                    success: true,
                    execution_ms: Some(ms as i64),
                    applied_by: "",
                });
                if let Err(e) = run(c, &format!("{record}; COMMIT")).await {
                    let _ = run(c, "ROLLBACK").await;
                    if is_connection_lost(&e) {
                        return Err(lost(
                            s,
                            None,
                            &e,
                            "the connection broke while the migration committed, so whether it did is not \
                             known here: `migrate status` tells, and `migrate up` applies it only if it did not"
                                .into(),
                            false,
                        ));
                    }
                    return Err(failure(s, &e, None, TX_RECOVERY.into(), Dialect::Postgres));
                }
                return Ok(Some((ms, rows)));
            }
            Err(Failed { error: e, line }) => {
                let _ = run(c, "ROLLBACK").await;
                if is_connection_lost(&e) {
                    return Err(lost(
                        s,
                        line,
                        &e,
                        "the migration ran in one transaction, which the server rolled back when the session \
                         ended: nothing of it was applied. Run `migrate up` again"
                            .into(),
                        false,
                    ));
                }
                if is_lock_timeout(&e) {
                    if attempt < opts.lock_retries {
                        backoff(s, attempt, opts, &mut *report).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(RunError::LockTimeout {
                        version: s.version,
                        name: s.name.clone(),
                        attempts: attempt + 1,
                    });
                }
                return Err(failure(s, &e, line, TX_RECOVERY.into(), Dialect::Postgres));
            }
        }
    }
}

/// Statement by statement outside a transaction; the history row goes first (dirty until done).
async fn apply_online(
    c: &mut PgConnection,
    ctx: Apply<'_>,
) -> Result<Option<(u64, u64)>, RunError> {
    let Apply {
        source: s,
        opts,
        report,
        ..
    } = ctx;
    let statements = split(&s.content, Dialect::Postgres).map_err(|e| RunError::Failed {
        version: s.version,
        name: s.name.clone(),
        line: Some(e.line),
        error: e.message.clone(),
        recovery: "fix the file; it was not run".into(),
    })?;
    let start = Instant::now();
    let record = super::Postgres.insert_history_sql(&HistoryRow {
        table: &opts.history_table,
        source: s,
        success: false,
        execution_ms: None,
        applied_by: "",
    });
    run(c, &record).await.map_err(db_err)?;
    run(
        c,
        &format!(
            "{}; SET application_name = {}",
            timeouts_sql(s, opts, false),
            application_name(s)
        ),
    )
    .await
    .map_err(db_err)?;
    let mut rows = 0;
    let mut result = Ok(());
    for (i, st) in statements.iter().enumerate() {
        let mut attempt = 0;
        loop {
            match run(c, &st.sql).await {
                Ok(r) => {
                    rows += r;
                    break;
                }
                Err(e) if is_lock_timeout(&e) && attempt < opts.lock_retries => {
                    backoff(s, attempt, opts, &mut *report).await;
                    attempt += 1;
                }
                Err(e) => {
                    let line = error_line(&e, &st.sql)
                        .map(|l| l + st.line - 1)
                        .or(Some(st.line));
                    result = Err(if is_connection_lost(&e) {
                        lost(s, line, &e, UNFINISHED.into(), true)
                    } else {
                        let steps = recovery::inspect(c, s).await;
                        RunError::Failed {
                            version: s.version,
                            name: s.name.clone(),
                            line,
                            error: error_text(s, &e, Dialect::Postgres),
                            recovery: recovery::advice(s, &steps, Some((i, &st.sql))),
                        }
                    });
                    break;
                }
            }
        }
        if result.is_err() {
            break;
        }
    }
    let _ = run(
        c,
        "RESET lock_timeout; RESET statement_timeout; RESET application_name",
    )
    .await;
    let ms = elapsed_ms(start);
    let error = result.as_ref().err().map(|e| e.to_string());
    let finish = super::Postgres.finish_history_sql(
        &opts.history_table,
        s.version,
        ms as i64,
        error.as_deref(),
    );
    if let Err(e) = run(c, &finish).await {
        // The session is gone: the history still shows the run unfinished.
        return Err(match result {
            Err(lost @ RunError::ConnectionLost { .. }) => lost,
            _ => self::lost(s, None, &e, UNFINISHED.into(), true),
        });
    }
    result.map(|()| Some((ms, rows)))
}

// ---- the history table ----

/// Whether the history table exists (without creating it).
async fn history_exists(c: &mut PgConnection, table: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, bool>("SELECT to_regclass($1) IS NOT NULL")
        .bind(table_ident(table))
        .fetch_one(&mut *c)
        .await
}

async fn read_history(c: &mut PgConnection, table: &str) -> Result<Vec<Applied>, sqlx::Error> {
    if !history_exists(c, table).await? {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT version, name, checksum, description, \
         to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS started_at, \
         to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS finished_at, \
         execution_ms, success, applied_by, error FROM {} ORDER BY version",
        table_ident(table)
    );
    Ok(sqlx::query(&sql)
        .fetch_all(&mut *c)
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
        .collect())
}

// ---- the driver ----

impl Exec for PgDriver<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        run(self.conn.get(), sql)
    }

    fn error_line(&self, e: &sqlx::Error, sql: &str) -> Option<usize> {
        error_line(e, sql)
    }
}

impl Driver for PgDriver<'_> {
    fn fetch_int<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<i64, sqlx::Error>> {
        int(self.conn.get(), sql)
    }

    fn close<'a>(self: Box<Self>) -> BoxFuture<'a, ()>
    where
        Self: 'a,
    {
        Box::pin(self.conn.close())
    }

    fn read_history<'a>(
        &'a mut self,
        table: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Applied>, sqlx::Error>> {
        Box::pin(read_history(self.conn.get(), table))
    }

    fn lock<'a>(
        &'a mut self,
        opts: &'a Options,
        report: Report<'a>,
    ) -> BoxFuture<'a, Result<(), RunError>> {
        let key = lock::lock_key(&opts.history_table);
        Box::pin(lock::acquire(self.conn.get(), key, opts, report))
    }

    fn lock_for_resolve<'a>(
        &'a mut self,
        opts: &'a Options,
    ) -> BoxFuture<'a, Result<Result<(), Option<Holder>>, RunError>> {
        let key = lock::lock_key(&opts.history_table);
        Box::pin(lock::try_acquire(self.conn.get(), key))
    }

    fn unlock<'a>(&'a mut self, opts: &'a Options) -> BoxFuture<'a, ()> {
        let key = lock::lock_key(&opts.history_table);
        let c = self.conn.get();
        Box::pin(async move {
            let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(key)
                .execute(&mut *c)
                .await;
        })
    }

    fn holder<'a>(
        &'a mut self,
        opts: &'a Options,
    ) -> BoxFuture<'a, Result<Option<Holder>, RunError>> {
        let key = lock::lock_key(&opts.history_table);
        let c = self.conn.get();
        Box::pin(async move { lock::holder(c, key).await.map_err(db_err) })
    }

    fn before_apply<'a>(&'a mut self, opts: &'a Options) -> BoxFuture<'a, Result<(), RunError>> {
        let create = super::Postgres.create_history_sql(&opts.history_table);
        let c = self.conn.get();
        Box::pin(async move { run(c, &create).await.map(drop).map_err(db_err) })
    }

    fn apply<'a>(
        &'a mut self,
        ctx: Apply<'a>,
    ) -> BoxFuture<'a, Result<Option<(u64, u64)>, RunError>> {
        let c = self.conn.get();
        if ctx.source.no_transaction {
            Box::pin(apply_online(c, ctx))
        } else {
            Box::pin(apply_tx(c, ctx))
        }
    }

    /// A no-transaction file cannot run in the dry run's transaction.
    fn runs_in_transaction(&self, s: &Source) -> bool {
        !s.no_transaction
    }

    fn begin_dry_run<'a>(
        &'a mut self,
        opts: &'a Options,
        report: Report<'a>,
    ) -> BoxFuture<'a, Result<(), RunError>> {
        let _ = (opts, report);
        Box::pin(async move { run(self.conn.get(), "BEGIN").await.map(drop).map_err(db_err) })
    }

    fn dry_run_savepoint<'a>(
        &'a mut self,
        s: &'a Source,
        opts: &'a Options,
    ) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        let sql = format!("SAVEPOINT migrate_dry_run; {}", timeouts_sql(s, opts, true));
        let c = self.conn.get();
        Box::pin(async move { run(c, &sql).await.map(drop) })
    }

    fn dry_run_undo(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        Box::pin(async move {
            run(self.conn.get(), "ROLLBACK TO SAVEPOINT migrate_dry_run")
                .await
                .map(drop)
        })
    }

    fn end_dry_run(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        Box::pin(async move { run(self.conn.get(), "ROLLBACK").await.map(drop) })
    }

    fn recovery_advice<'a>(
        &'a mut self,
        s: &'a Source,
        failed: Option<(usize, &'a str)>,
    ) -> BoxFuture<'a, Option<String>> {
        let c = self.conn.get();
        Box::pin(async move {
            let steps = recovery::inspect(c, s).await;
            Some(recovery::advice(s, &steps, failed))
        })
    }

    fn settle_lost<'a>(
        &'a mut self,
        source: Option<&'a Source>,
        opts: &'a Options,
        version: u64,
        text: &'a str,
        recovery: &'a mut String,
    ) -> BoxFuture<'a, ()> {
        let c = self.conn.get();
        Box::pin(async move {
            let record = super::runtime::record_stop_sql(&opts.history_table, version, text);
            let recorded = run(c, &record).await.is_ok();
            if let Some(s) = source {
                let steps = recovery::inspect(c, s).await;
                *recovery = recovery::advice(s, &steps, None);
            }
            if !recorded {
                recovery.push_str(
                    " (the stop could not be recorded in the history: it shows the run unfinished)",
                );
            }
        })
    }

    fn fetch_texts<'a>(
        &'a mut self,
        sql: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Vec<Option<String>>>, sqlx::Error>> {
        let c = self.conn.get();
        Box::pin(async move {
            let rows = sqlx::Executor::fetch_all(c, sqlx::raw_sql(sql)).await?;
            rows.iter()
                .map(|r| (0..r.len()).map(|i| r.try_get::<Option<String>, _>(i)).collect())
                .collect()
        })
    }

    fn begin_batch<'a>(
        &'a mut self,
        lock_timeout: Option<Duration>,
        statement_timeout: Option<Duration>,
    ) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        let ms = |d: Option<Duration>| d.map_or(0, duration::as_millis);
        let sql = format!(
            "BEGIN; SET LOCAL lock_timeout = '{}ms'; SET LOCAL statement_timeout = '{}ms'; \
             SET LOCAL application_name = '{BATCH_APPLICATION_NAME}'",
            ms(lock_timeout),
            ms(statement_timeout)
        );
        let c = self.conn.get();
        Box::pin(async move { run(c, &sql).await.map(drop) })
    }

    fn sqlx_connection(&mut self) -> &mut dyn std::any::Any {
        self.conn.get()
    }

    fn gives_way(&self, e: &sqlx::Error) -> Option<&'static str> {
        match sqlstate(e).as_deref() {
            Some("55P03") => Some("lock timeout"),
            Some("57014") => Some("statement timeout"),
            Some("40P01") => Some("deadlock"),
            Some("40001") => Some("serialization failure"),
            _ => None,
        }
    }

    fn waiting_writers<'a>(
        &'a mut self,
        peer: &'a str,
    ) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        let c = self.conn.get();
        Box::pin(async move {
            // The activity view is a snapshot taken once per transaction: an older one would
            // show another runner's previous statement, not the progress-row lock it waits in.
            sqlx::query("SELECT pg_stat_clear_snapshot()")
                .execute(&mut *c)
                .await?;
            let n: i64 = sqlx::query_scalar(WAITING_WRITERS_SQL)
                .bind(peer)
                .bind(BATCH_APPLICATION_NAME)
                .fetch_one(c)
                .await?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    fn replication_lag(&mut self) -> BoxFuture<'_, Result<Option<Duration>, sqlx::Error>> {
        let c = self.conn.get();
        Box::pin(async move {
            let ms: Option<i64> = sqlx::query_scalar(REPLICATION_LAG_SQL).fetch_one(c).await?;
            Ok(ms.map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0))))
        })
    }

    fn introspect<'a>(
        &'a mut self,
        opts: &'a IntrospectOptions,
    ) -> LocalBoxFuture<'a, Result<Introspected, DbError>> {
        Box::pin(super::introspect::introspect(self.conn.get(), opts))
    }

    fn canonical_literals<'a>(&'a mut self, schema: &'a mut Schema) -> LocalBoxFuture<'a, ()> {
        Box::pin(super::introspect::canonical_literals(self.conn.get(), schema))
    }
}

/// The sessions waiting for a lock this session holds (a batch's row locks, in its
/// transaction): `pg_blocking_pids` lists whom each session waits for. `$1`: the progress
/// table's name; a session whose statement names it, or inside a batch of its own (`$2`,
/// [`BATCH_APPLICATION_NAME`]), is another runner, not counted.
const WAITING_WRITERS_SQL: &str = "SELECT count(*) FROM pg_stat_activity \
     WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid)) AND strpos(coalesce(query, ''), $1) = 0 \
     AND application_name IS DISTINCT FROM $2";

/// The `application_name` of a session inside a backfill's batch: another runner taking its
/// turn, never a writer to give way to (its status may still show the statement before).
const BATCH_APPLICATION_NAME: &str = "migrate backfill";

/// The largest lag of the streaming replicas, in milliseconds; NULL without a replica, or when
/// the role may not see the lag columns (they need `pg_read_all_stats`, e.g. via `pg_monitor`).
/// `replay_lag` is at least `write_lag` and `flush_lag`, but each can be NULL on its own.
const REPLICATION_LAG_SQL: &str = "SELECT (extract(epoch FROM max(greatest(write_lag, flush_lag, replay_lag))) * 1000)::bigint \
     FROM pg_stat_replication";

impl Target for sqlx::PgPool {
    fn apply<'a>(
        &'a self,
        sources: &'a [Source],
        opts: &'a Options,
        report: Report<'a>,
    ) -> BoxFuture<'a, Result<Summary, RunError>> {
        Box::pin(async move {
            let mut conn = Connection::from(self.acquire().await.map_err(db_err)?);
            let result = up(&mut conn, sources, opts, report).await;
            match result {
                Err(
                    e @ RunError::ConnectionLost {
                        unrecorded: true, ..
                    },
                ) => {
                    // That connection is gone: record the stop on a fresh one.
                    drop(conn);
                    match self.acquire().await {
                        Ok(fresh) => {
                            Err(settle_lost(&mut Connection::from(fresh), sources, opts, e).await)
                        }
                        Err(_) => Err(e),
                    }
                }
                other => other,
            }
        })
    }
}

impl crate::batch::DataBatch<'_> {
    /// The batch's transaction as a PostgreSQL sqlx connection, for typed queries with bound
    /// parameters (`sqlx::query(…).bind(…).execute(batch.postgres()?)`); `None` on another
    /// database.
    pub fn postgres(&mut self) -> Option<&mut PgConnection> {
        self.db.sqlx_connection().downcast_mut::<PgConnection>()
    }
}
