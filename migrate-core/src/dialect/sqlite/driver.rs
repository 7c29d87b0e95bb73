//! The SQLite driver (the `sqlite` feature): connecting, the history table, the runner lock
//! ([`super::lock`]: the write lock), applying a file in one immediate transaction with foreign
//! keys checked before commit, the dry run, and the catalog ([`super::introspect`]).

use std::str::FromStr;
use std::time::Instant;

use sqlx::{Row, Sqlite as Lite, SqliteConnection};

use super::lock::begin_immediate;
use crate::db::{Connection, DbError};
use crate::dialect::Dialect;
use crate::dialect::runtime::{
    Apply, BoxFuture, Driver, Exec, Failed, Handle, HistoryRow, LocalBoxFuture, Report, Runtime,
    connect_error,
};
use crate::introspect::{Introspected, Options as IntrospectOptions};
use crate::runner::history::{Applied, table_ident};
use crate::runner::{
    Event, Holder, Options, RunError, Source, Summary, TX_RECOVERY, Target, elapsed_ms, failure,
    run_file, up,
};

/// A SQLite connection: its own, the caller's, or one of a pool.
#[derive(Debug)]
pub(crate) struct SqliteDriver<'c> {
    conn: Handle<'c, Lite>,
    /// The migrations of this run applied in the open transaction and not yet committed.
    group: Option<Group>,
    /// What the last apply committed, reported after its own event.
    committed: Option<Event>,
}

crate::dialect::runtime::connection_from!(SqliteDriver, Lite, SqliteConnection);

impl<'c> From<Handle<'c, Lite>> for SqliteDriver<'c> {
    fn from(conn: Handle<'c, Lite>) -> SqliteDriver<'c> {
        SqliteDriver {
            conn,
            group: None,
            committed: None,
        }
    }
}

/// Connects; the file is created when missing.
pub(super) async fn connect(url: &str) -> Result<Connection<'static>, DbError> {
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map_err(|e| connect_error(url, &e))?
        .create_if_missing(true)
        .busy_timeout(std::time::Duration::from_secs(60));
    let conn: SqliteConnection = sqlx::Connection::connect_with(&opts)
        .await
        .map_err(|e| connect_error(url, &e))?;
    Ok(Connection::from(conn))
}

// ---- SQL on one connection ----
// The futures are boxed with a concrete lifetime, which keeps the runner's own futures `Send`
// (rustc cannot prove it through sqlx's generic executors).

pub(super) fn run<'c>(
    c: &'c mut SqliteConnection,
    sql: &'c str,
) -> BoxFuture<'c, Result<u64, sqlx::Error>> {
    Box::pin(async move {
        Ok(sqlx::Executor::execute(c, sqlx::raw_sql(sql))
            .await?
            .rows_affected())
    })
}

fn int<'c>(c: &'c mut SqliteConnection, sql: &'c str) -> BoxFuture<'c, Result<i64, sqlx::Error>> {
    Box::pin(async move { Row::try_get::<i64, _>(&sqlx::Executor::fetch_one(c, sql).await?, 0) })
}

fn count_rows<'c>(
    c: &'c mut SqliteConnection,
    sql: &'c str,
) -> BoxFuture<'c, Result<usize, sqlx::Error>> {
    Box::pin(async move { Ok(sqlx::Executor::fetch_all(c, sql).await?.len()) })
}

impl Exec for SqliteConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        run(self, sql)
    }
}

// ---- errors ----

/// A database error, as the runner reports it: `database is locked` says why and what to do.
pub(super) fn db_err(e: sqlx::Error) -> RunError {
    let d = DbError::new(e.to_string());
    RunError::Db(if is_busy(&e) {
        d.with_help(BUSY_HELP)
    } else {
        d
    })
}

/// Why SQLite said `database is locked`, and what to do.
const BUSY_HELP: &str = "another connection held a lock on the SQLite file for longer than \
    `runner_lock_timeout`: another `migrate up`, or the application in a long transaction. SQLite cannot tell \
    which process (`fuser FILE` or `lsof FILE` lists those that have it open). Let it finish, then run the \
    command again; in WAL mode (`PRAGMA journal_mode = WAL`) readers never block a migration";

/// `SQLITE_BUSY` or `SQLITE_LOCKED` (and their extended codes): another connection holds a lock.
pub(super) fn is_busy(e: &sqlx::Error) -> bool {
    let code = match e {
        sqlx::Error::Database(d) => d.code().map(|c| c.into_owned()),
        _ => None,
    };
    matches!(
        code.as_deref(),
        Some("5") | Some("517") | Some("261") | Some("6")
    ) || e.to_string().contains("database is locked")
}

/// Ends the transaction [`begin_immediate`] opened, if it is still open.
async fn release(c: &mut SqliteConnection) {
    // "cannot rollback - no transaction is active" once released: nothing to do then.
    let _ = run(c, "ROLLBACK").await;
}

// ---- applying ----
//
// The consecutive transactional migrations of a run share one transaction, each in a savepoint
// of its own: a durable commit (an fsync of the journal and of the file, about 10 ms on a disk)
// per migration made applying a thousand files cost a hundred times what their SQL does. Each
// migration still commits or fails whole: its savepoint holds its statements, its foreign-key
// check and its history row, and a failure rolls back to it and commits the migrations before
// it. A killed process loses the open transaction whole — the migrations since the last commit,
// each with its history row — and the next run applies them again. The group ends, and commits,
// at the run's last migration and before one that cannot join it (a batch file, a Rust data
// migration, a no-transaction file); `PRAGMA foreign_keys` is off for the group (it cannot change
// inside a transaction) and each migration's foreign keys are checked in its savepoint.

/// The migrations applied in the open transaction, not yet committed.
#[derive(Debug, Clone, Copy)]
struct Group {
    first: u64,
    last: u64,
    count: usize,
}

/// The savepoint each migration of a group runs in.
const SAVEPOINT: &str = "migrate_migration";

/// Whether the migration after this one cannot run in the open transaction (or there is none).
fn ends_group(ctx: &Apply<'_>) -> bool {
    ctx.last
        || ctx
            .next
            .is_none_or(|n| n.batch.is_some() || n.rust.is_some() || n.no_transaction)
}

impl SqliteDriver<'_> {
    /// Applies `ctx.source` in a savepoint of the run's open transaction (opened first if
    /// none is), and commits the group when it ends there.
    async fn apply_in_group(&mut self, ctx: Apply<'_>) -> Result<Option<(u64, u64)>, RunError> {
        let ends = ends_group(&ctx);
        let Apply {
            source: s,
            opts,
            report,
            ..
        } = ctx;
        let c = self.conn.get();
        if self.group.is_none() {
            run(c, "PRAGMA foreign_keys = OFF").await.map_err(db_err)?;
            if let Err(e) = begin_immediate(c, opts, report).await {
                let _ = run(c, "PRAGMA foreign_keys = ON").await;
                return Err(e);
            }
        }
        let mut group = self.group.take();
        // One round trip each for the savepoint with the history table, the re-check, the file, its
        // foreign keys, and the history row with the release: on a loaded machine each is a wait
        // for sqlx's SQLite thread.
        let open = format!(
            "SAVEPOINT {SAVEPOINT}; {}",
            super::Sqlite.create_history_sql(&opts.history_table)
        );
        let result = match run(c, &open).await {
            Ok(_) => migration(c, s, opts).await,
            Err(e) => Err(db_err(e)),
        };
        let result = match result {
            Ok(outcome) => {
                let kept = if let Some((ms, _)) = outcome {
                    let record = super::Sqlite.insert_history_sql(&HistoryRow {
                        table: &opts.history_table,
                        source: s,
                        success: true,
                        execution_ms: Some(ms as i64),
                        applied_by: &opts.applied_by,
                    });
                    format!("{record}; RELEASE {SAVEPOINT}")
                } else {
                    format!("ROLLBACK TO {SAVEPOINT}; RELEASE {SAVEPOINT}")
                };
                run(c, &kept).await.map(|_| outcome).map_err(db_err)
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(outcome) => {
                if outcome.is_some() {
                    group = Some(match group {
                        None => Group {
                            first: s.version,
                            last: s.version,
                            count: 1,
                        },
                        Some(g) => Group {
                            last: s.version,
                            count: g.count + 1,
                            ..g
                        },
                    });
                }
                if ends {
                    self.committed = commit(c, group).await?;
                } else {
                    self.group = Some(group.unwrap_or(Group {
                        first: s.version,
                        last: s.version,
                        count: 0,
                    }));
                }
                Ok(outcome)
            }
            Err(e) => {
                // Back to before this migration, keeping the ones before it, which commit.
                let undo = format!("ROLLBACK TO {SAVEPOINT}; RELEASE {SAVEPOINT}");
                if run(c, &undo).await.is_err() {
                    // SQLite rolled the whole transaction back itself (a full disk, an I/O
                    // error, an interrupt): the migrations before it went with it.
                    return Err(lose_group(c, group, e).await);
                }
                if let Some(g) = group.filter(|g| g.count > 0) {
                    commit(c, Some(g)).await?;
                    report(g.event());
                } else {
                    commit(c, None).await?;
                }
                Err(e)
            }
        }
    }

    /// Commits what a run left open (nothing, unless it stopped between two migrations).
    async fn settle_group(&mut self) {
        if self.group.take().is_some() {
            let c = self.conn.get();
            if run(c, "COMMIT").await.is_err() {
                release(c).await;
            }
            let _ = run(c, "PRAGMA foreign_keys = ON").await;
        }
    }
}

impl Group {
    fn event(self) -> Event {
        Event::Committed {
            first: self.first,
            last: self.last,
            count: self.count,
        }
    }
}

/// Commits the open transaction and turns foreign keys back on; the event that says so when it
/// committed more than the migration just applied.
async fn commit(c: &mut SqliteConnection, group: Option<Group>) -> Result<Option<Event>, RunError> {
    let done = run(c, "COMMIT").await;
    let _ = run(c, "PRAGMA foreign_keys = ON").await;
    if let Err(e) = done {
        release(c).await;
        let _ = run(c, "PRAGMA foreign_keys = ON").await;
        return Err(lost_commit(group, db_err(e)));
    }
    Ok(group.filter(|g| g.count > 1).map(Group::event))
}

/// The open transaction is gone (or its end failed): rolls back what is left of it and says which
/// migrations reported applied are not.
async fn lose_group(c: &mut SqliteConnection, group: Option<Group>, e: RunError) -> RunError {
    release(c).await;
    let _ = run(c, "PRAGMA foreign_keys = ON").await;
    lost_commit(group, e)
}

/// `e`, with what the rollback of the group took with it.
fn lost_commit(group: Option<Group>, e: RunError) -> RunError {
    let Some(g) = group.filter(|g| g.count > 0) else {
        return e;
    };
    let lost = format!(
        "the {} migration(s) this run applied before it ({} to {}) ran in the same transaction,          which was rolled back: they are not applied either. Run `migrate up` again once the          cause is fixed",
        g.count, g.first, g.last
    );
    match e {
        RunError::Db(d) => RunError::Db(DbError::new(d.message).with_help(match d.help {
            Some(h) => format!("{h}. {lost}"),
            None => lost,
        })),
        RunError::Failed {
            version,
            name,
            line,
            error,
            recovery,
        } => RunError::Failed {
            version,
            name,
            line,
            error,
            recovery: format!("{recovery}. {lost}"),
        },
        other => other,
    }
}

/// One migration in its savepoint (opened with the history table): a re-check, the file, its
/// foreign keys; the caller writes its history row as it releases the savepoint. `None`: already
/// applied.
async fn migration(
    c: &mut SqliteConnection,
    s: &Source,
    opts: &Options,
) -> Result<Option<(u64, u64)>, RunError> {
    let start = Instant::now();
    let rows = match tx_body(c, s, opts).await {
        Ok(Some(rows)) => rows,
        Ok(None) => return Ok(None),
        Err(f) => {
            let recovery = if is_busy(&f.error) {
                format!(
                    "the migration was rolled back: nothing of it was applied. It stopped because {BUSY_HELP}"
                )
            } else {
                TX_RECOVERY.into()
            };
            return Err(failure(s, &f.error, f.line, recovery, Dialect::Sqlite));
        }
    };
    let violations = fk_violations(c, s).await.map_err(db_err)?;
    if violations > 0 {
        return Err(RunError::Failed {
            version: s.version,
            name: s.name.clone(),
            line: None,
            error: format!("{violations} row(s) would violate foreign keys"),
            recovery: TX_RECOVERY.into(),
        });
    }
    Ok(Some((elapsed_ms(start), rows)))
}
/// The rows that violate a foreign key after `s` ran, in its transaction: those of the tables it
/// touched and of the tables that reference them, or of the whole database when its statements do
/// not say which tables they touch (see [`super::fk_scope`]). Checking the whole database after
/// every file made applying `n` files to a database of `n` tables cost `n²`.
async fn fk_violations(c: &mut SqliteConnection, s: &Source) -> Result<usize, sqlx::Error> {
    use super::fk_scope::{self, FkScope};
    use crate::sql::{ident, literal};
    const EVERYTHING: &str = "PRAGMA foreign_key_check";
    let FkScope::Tables {
        own,
        referenced,
        writes_rows,
    } = fk_scope::scope(&s.content)
    else {
        return count_rows(c, EVERYTHING).await;
    };
    if writes_rows
        && int(
            c,
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger')",
        )
        .await?
            != 0
    {
        // A trigger may have written to any table.
        return count_rows(c, EVERYTHING).await;
    }
    let list = |names: &std::collections::BTreeSet<String>| {
        names
            .iter()
            .map(|n| literal(n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut found = 0;
    if !referenced.is_empty() {
        // The tables whose foreign keys reference one of them (read from the schema, not the
        // rows), checked where the migration did not touch them itself.
        let not_own = if own.is_empty() {
            String::new()
        } else {
            format!(" AND lower(m.name) NOT IN ({})", list(&own))
        };
        let sql = format!(
            "SELECT count(*) FROM (SELECT DISTINCT m.name AS t \
               FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f \
               WHERE m.type = 'table' AND lower(f.\"table\") IN ({}){not_own}) AS k, \
             pragma_foreign_key_check(k.t)",
            list(&referenced),
        );
        found += usize::try_from(int(c, &sql).await?).unwrap_or(usize::MAX);
    }
    for table in &own {
        // A table the migration dropped again has nothing to check.
        let exists = format!("SELECT count(*) FROM pragma_table_info({})", literal(table));
        if int(c, &exists).await? > 0 {
            found += count_rows(c, &format!("PRAGMA foreign_key_check({})", ident(table))).await?;
        }
    }
    Ok(found)
}


/// Inside the write lock, the history table there: a re-check, the file. `None`: already applied.
async fn tx_body(
    c: &mut SqliteConnection,
    s: &Source,
    opts: &Options,
) -> Result<Option<u64>, Failed> {
    let count = format!(
        "SELECT COUNT(*) FROM {} WHERE version = {}",
        crate::sql::ident(&opts.history_table),
        s.version
    );
    let seen = int(c, &count).await?;
    if seen > 0 {
        return Ok(None);
    }
    Ok(Some(run_file(c, s).await?))
}

// ---- the history table ----

async fn read_history(
    c: &mut SqliteConnection,
    table: &str,
) -> Result<Vec<Applied>, sqlx::Error> {
    let exists = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
    )
    .bind(table)
    .fetch_one(&mut *c)
    .await?
        > 0;
    if !exists {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT version, name, checksum, description, started_at, finished_at, execution_ms, success, \
         applied_by, error FROM {} ORDER BY version",
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
            success: r.get::<i64, _>("success") != 0,
            applied_by: r.get("applied_by"),
            error: r.get("error"),
        })
        .collect())
}

// ---- the driver ----

impl Exec for SqliteDriver<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        run(self.conn.get(), sql)
    }
}

impl Driver for SqliteDriver<'_> {
    fn fetch_int<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<i64, sqlx::Error>> {
        int(self.conn.get(), sql)
    }

    fn close<'a>(self: Box<Self>) -> BoxFuture<'a, ()>
    where
        Self: 'a,
    {
        Box::pin(self.conn.close())
    }

    fn error(&self, e: sqlx::Error) -> RunError {
        db_err(e)
    }

    fn read_history<'a>(
        &'a mut self,
        table: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Applied>, sqlx::Error>> {
        Box::pin(read_history(self.conn.get(), table))
    }

    /// The write lock, held until the history is read ([`Driver::history_read`]).
    fn lock<'a>(
        &'a mut self,
        opts: &'a Options,
        report: Report<'a>,
    ) -> BoxFuture<'a, Result<(), RunError>> {
        Box::pin(begin_immediate(self.conn.get(), opts, report))
    }

    /// Who holds a SQLite lock cannot be known: waits for it, as `up` does (silently).
    fn lock_for_resolve<'a>(
        &'a mut self,
        opts: &'a Options,
    ) -> BoxFuture<'a, Result<Result<(), Option<Holder>>, RunError>> {
        let c = self.conn.get();
        Box::pin(async move {
            begin_immediate(c, opts, &mut |_| {}).await?;
            Ok(Ok(()))
        })
    }

    fn unlock<'a>(&'a mut self, opts: &'a Options) -> BoxFuture<'a, ()> {
        let _ = opts;
        Box::pin(async move {
            self.settle_group().await;
            release(self.conn.get()).await
        })
    }

    /// Commits the write transaction [`Driver::lock`] opened (`ok`), or rolls it back.
    fn end_locked_change<'a>(
        &'a mut self,
        opts: &'a Options,
        ok: bool,
    ) -> BoxFuture<'a, Result<(), RunError>> {
        let _ = opts;
        let c = self.conn.get();
        Box::pin(async move {
            if ok {
                run(c, "COMMIT").await.map(drop).map_err(db_err)
            } else {
                release(c).await;
                Ok(())
            }
        })
    }

    /// The history was read under the write lock; each migration takes it again for its own
    /// transaction.
    fn history_read(&mut self) -> BoxFuture<'_, ()> {
        Box::pin(release(self.conn.get()))
    }

    fn apply<'a>(
        &'a mut self,
        ctx: Apply<'a>,
    ) -> BoxFuture<'a, Result<Option<(u64, u64)>, RunError>> {
        Box::pin(self.apply_in_group(ctx))
    }

    fn committed(&mut self) -> Option<Event> {
        self.committed.take()
    }

    fn begin_dry_run<'a>(
        &'a mut self,
        opts: &'a Options,
        report: Report<'a>,
    ) -> BoxFuture<'a, Result<(), RunError>> {
        let c = self.conn.get();
        Box::pin(async move {
            run(c, "PRAGMA foreign_keys = OFF").await.map_err(db_err)?;
            begin_immediate(c, opts, report).await
        })
    }

    /// Never called: every SQLite file runs in the dry run's transaction, so nothing is skipped
    /// that a later failure could depend on.
    fn dry_run_undo(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        Box::pin(async { Ok(()) })
    }

    fn end_dry_run(&mut self) -> BoxFuture<'_, Result<(), sqlx::Error>> {
        let c = self.conn.get();
        Box::pin(async move {
            let rollback = run(c, "ROLLBACK").await.map(drop);
            let _ = run(c, "PRAGMA foreign_keys = ON").await;
            rollback
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

    /// `BEGIN IMMEDIATE`, waiting for the write lock at most the lock timeout; SQLite has no
    /// statement timeout.
    fn begin_batch<'a>(
        &'a mut self,
        lock_timeout: Option<std::time::Duration>,
        statement_timeout: Option<std::time::Duration>,
    ) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        let _ = statement_timeout;
        let busy = lock_timeout
            .map_or(i32::MAX as u64, crate::duration::as_millis)
            .min(i32::MAX as u64);
        let sql = format!("PRAGMA busy_timeout = {busy}; BEGIN IMMEDIATE");
        let c = self.conn.get();
        Box::pin(async move { run(c, &sql).await.map(drop) })
    }

    fn sqlx_connection(&mut self) -> &mut dyn std::any::Any {
        self.conn.get()
    }

    fn gives_way(&self, e: &sqlx::Error) -> Option<&'static str> {
        is_busy(e).then_some("database is locked")
    }

    /// Always 0: another connection's writer waits for the write lock a batch holds in its own
    /// busy timeout, invisible from here. The batch releases the lock at its commit, so such a
    /// writer waits at most one batch (`backfill_batch_time`).
    fn waiting_writers<'a>(
        &'a mut self,
        peer: &'a str,
    ) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        let _ = peer;
        Box::pin(async { Ok(0) })
    }

    /// Always `None`: SQLite has no replicas (a file copied by another tool is not measured).
    fn replication_lag(
        &mut self,
    ) -> BoxFuture<'_, Result<Option<std::time::Duration>, sqlx::Error>> {
        Box::pin(async { Ok(None) })
    }

    fn introspect<'a>(
        &'a mut self,
        opts: &'a IntrospectOptions,
    ) -> LocalBoxFuture<'a, Result<Introspected, DbError>> {
        Box::pin(super::introspect::introspect(self.conn.get(), opts))
    }
}

impl Target for sqlx::SqlitePool {
    fn apply<'a>(
        &'a self,
        sources: &'a [Source],
        opts: &'a Options,
        report: Report<'a>,
    ) -> BoxFuture<'a, Result<Summary, RunError>> {
        Box::pin(async move {
            let mut conn = Connection::from(self.acquire().await.map_err(db_err)?);
            up(&mut conn, sources, opts, report).await
        })
    }
}

impl crate::batch::DataBatch<'_> {
    /// The batch's transaction as a SQLite sqlx connection, for typed queries with bound
    /// parameters (`sqlx::query(…).bind(…).execute(batch.sqlite()?)`); `None` on another
    /// database.
    pub fn sqlite(&mut self) -> Option<&mut SqliteConnection> {
        self.db.sqlx_connection().downcast_mut::<SqliteConnection>()
    }
}
