//! Batched backfills (the `runtime` feature): a migration file that starts with
//! `-- migrate:batch table=<t> [key=a,b] [size=N]` and holds one `UPDATE` or `DELETE` with the
//! placeholder `:batch` runs as many short transactions instead of one long one.
//!
//! **The walk.** The table is walked in key order (its primary key, or `key=`: a unique NOT NULL
//! column set), keyset-paginated: each batch picks its upper bound with `SELECT key … WHERE key >
//! last ORDER BY key`, its row number `size` (`Runtime::row_at_sql`: `LIMIT 1 OFFSET size-1` in
//! PostgreSQL and SQLite; the largest key when fewer remain) and runs the
//! statement with `:batch` replaced by `(key) > (last) AND (key) <= (bound)` — a row-value
//! comparison, so composite keys walk in their index order.
//!
//! **One short transaction per batch**, with the migration's `lock_timeout` and
//! `statement_timeout`: it locks its progress row (PostgreSQL `FOR UPDATE`; SQLite's
//! `BEGIN IMMEDIATE` holds the write lock, released between batches), reads the last key again,
//! runs the statement and records the new last key, all committed together. A killed run
//! resumes right after the last batch that committed, and two runners take turns: neither ever
//! processes a batch the other did.
//!
//! **Adaptive size.** The first batch has 1,000 rows (or `size=`); each next one is scaled by
//! `backfill_batch_time` (default 200 ms) over the last one's duration, between 10 and 100,000
//! rows (`size=` fixes it). A batch that gives way — a lock or statement timeout, a deadlock, a
//! busy SQLite file — is rolled back and retried at half the size after a pause, up to
//! `lock_retries` times in a row. `backfill_pause` waits between batches.
//!
//! **Giving way.** Before its commit, a batch asks whether other sessions wait for its locks
//! (`Driver::waiting_writers`); when some do, it commits, and the next batch is half as big,
//! after a pause as long as the batch took. Between batches, the walk waits while a replica
//! lags more than `backfill_max_lag` (`Driver::replication_lag`); a lag that cannot be read is
//! noted once and not asked again in the run.
//!
//! **Done.** The batch that reaches the end marks the backfill finished and records the
//! migration in the history, in its transaction; only then does `migrate up` go on to the next
//! file. A paused backfill (`migrate backfill pause`) stops a runner between two batches.

mod progress;
pub mod rust;

pub use progress::{BackfillState, Progress, progress_table};
pub use rust::{DataBatch, DataError, DataMigrator, DataStep};

use std::time::{Duration, Instant};

use crate::db::Connection;
use crate::dialect::runtime::{BoxFuture, Driver, Failed, HistoryRow, Report};
use crate::migration::batch::placeholders;
use crate::migration::directive::BatchSpec;
use crate::runner::{Event, IntegrityKind, Options, RunError, Source, Summary, elapsed_ms};
use crate::sql::ident;

pub(crate) use progress::{
    history_start_sql as history_start_sql_for, parse_row as parse_progress, start_sql_for,
};

/// The progress row's update after a batch of a walk that changes what it walks (a family's
/// members): `walked` items, each changed.
#[allow(clippy::too_many_arguments)] // the columns of one row
pub(crate) fn batch_sql_for(
    rt: &dyn crate::dialect::runtime::Runtime,
    table: &str,
    version: u64,
    last_key: Option<&[String]>,
    walked: u64,
    size: u64,
    finished: bool,
    runner: &str,
) -> String {
    progress::batch_sql(
        rt,
        table,
        version,
        &progress::Batch {
            last_key,
            walked,
            changed: walked,
            size,
            finished,
            runner,
        },
    )
}

/// The first batch's rows, when `size=` does not fix them.
pub const INITIAL_BATCH: u64 = 1_000;
/// The fewest rows an adaptive batch shrinks to.
pub const MIN_BATCH: u64 = 10;
/// The most rows an adaptive batch grows to.
pub const MAX_BATCH: u64 = 100_000;
pub use crate::config::{
    DEFAULT_BACKFILL_BATCH_TIME as DEFAULT_BATCH_TIME, DEFAULT_BACKFILL_MAX_LAG as DEFAULT_MAX_LAG,
};
/// The longest pause after a batch writers waited for.
const MAX_GIVE_WAY: Duration = Duration::from_secs(10);
/// How often a backfill waiting for its replicas asks again.
const LAG_POLL: Duration = Duration::from_secs(1);
/// A table with more rows than this (by the catalog's estimate) is not counted.
const COUNT_LIMIT: u64 = 1_000_000;
/// The batches a dry run times.
const SAMPLE_BATCHES: usize = 3;

/// One batch committed (or, in a dry run, timed): how far the backfill is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    /// Rows walked so far, every run counted.
    pub rows_done: u64,
    /// Rows the statement changed so far.
    pub rows_changed: u64,
    /// The table's rows when the backfill started, when known.
    pub rows_estimated: Option<u64>,
    /// The size of this batch.
    pub batch_size: u64,
    /// Batches committed so far.
    pub batches: u64,
    /// Rows this run walked.
    pub run_rows: u64,
    /// How long this run has been going, in milliseconds.
    pub run_ms: u64,
    /// This batch finished the walk.
    pub finished: bool,
}

impl Tick {
    /// Rows walked per second by this run.
    pub fn rate(&self) -> Option<f64> {
        (self.run_ms > 0 && self.run_rows > 0)
            .then(|| self.run_rows as f64 * 1000.0 / self.run_ms as f64)
    }

    /// The percentage walked, when the table's size is known.
    pub fn percent(&self) -> Option<f64> {
        if self.finished {
            return Some(100.0);
        }
        let total = self.rows_estimated.filter(|t| *t > 0)?;
        Some((self.rows_done as f64 * 100.0 / total as f64).min(100.0))
    }

    /// Milliseconds left at this run's rate, when the table's size is known.
    pub fn eta_ms(&self) -> Option<u64> {
        let left = self.rows_estimated?.saturating_sub(self.rows_done);
        let rate = self.rate()?;
        Some((left as f64 * 1000.0 / rate) as u64)
    }
}

/// Why a backfill pauses between two batches for other work ([`Event::BackfillGivingWay`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GiveWay {
    /// Other sessions waited for locks the batch that just committed held: the next batch is
    /// half its size.
    Writers {
        /// The sessions that waited, when the batch was about to commit.
        waiting: u64,
        /// The size of the next batch.
        next_size: u64,
    },
    /// A replica lags more than `backfill_max_lag`.
    ReplicaLag {
        /// The largest lag measured, in milliseconds.
        lag_ms: u64,
        /// `backfill_max_lag`, in milliseconds.
        max_lag_ms: u64,
    },
    /// The replication lag cannot be read (the database said why): it is not checked again
    /// in this run, and nothing waits. A debug note.
    LagUnreadable {
        /// What the database said.
        error: String,
    },
}

/// Whether a batch waits for replicas: a lag measured above `max` (`None`: never waits).
fn lags(lag: Option<Duration>, max: Option<Duration>) -> bool {
    match (lag, max) {
        (Some(lag), Some(max)) => !max.is_zero() && lag > max,
        _ => false,
    }
}

/// What a dry run found out about a batch file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    /// The table's rows.
    pub rows: u64,
    /// Counted (else the catalog's estimate).
    pub exact: bool,
    /// Rows an earlier run walked already (a backfill under way): the sample goes on after
    /// them, and the estimate is for the rest.
    pub rows_done: u64,
    /// Rows the sample batches walked.
    pub sampled_rows: u64,
    /// How long they took, in milliseconds.
    pub sampled_ms: u64,
    /// Rows the sample batches changed (rolled back).
    pub sampled_changed: u64,
    /// The whole walk's expected duration, in milliseconds (pauses included).
    pub estimated_ms: u64,
}

/// A batch file's walk, as its table's catalog and the configuration set it up.
struct Walk<'s> {
    source: &'s Source,
    /// The table, quoted (and qualified).
    table: String,
    /// The key columns.
    key: Vec<String>,
    /// The key columns, quoted, comma-separated.
    cols: String,
    /// The key columns as SQL literals (the dialect's expression for each).
    lits: String,
    /// The file's text before and after `:batch`.
    before: &'s str,
    after: &'s str,
    /// The size `size=` fixes.
    fixed: Option<u64>,
    /// A data migration in Rust: its function, called instead of running a statement.
    func: Option<rust::DataFn>,
}

impl<'s> Walk<'s> {
    /// Reads the key from the catalog; refuses a table without one, or a nullable key column.
    async fn new(db: &mut dyn Driver, s: &'s Source) -> Result<Walk<'s>, RunError> {
        let spec = s
            .batch
            .as_ref()
            .ok_or_else(|| refuse(s, "is not a batch file", ""))?;
        let rt = db.runtime();
        let rows = db
            .fetch_texts(&rt.table_columns_sql(spec.schema.as_deref(), &spec.table))
            .await
            .map_err(|e| db.error(e))?;
        let shown = progress::shown_table(spec);
        if rows.is_empty() {
            return Err(refuse(
                s,
                &format!("walks table `{shown}`, which does not exist"),
                "check `table=` in its `-- migrate:batch` line (a bare name is the table's exact name; \
                 quote it with double quotes when it holds other characters), and that a migration before \
                 it creates the table",
            ));
        }
        let columns: Vec<(String, u64, bool)> = rows
            .iter()
            .filter_map(|r| {
                let name = r.first()?.clone()?;
                let pk = r.get(1)?.as_deref()?.parse().ok()?;
                let not_null = r.get(2)?.as_deref() == Some("1");
                Some((name, pk, not_null))
            })
            .collect();
        let fix = "add `key=…` to its `-- migrate:batch` line naming a unique NOT NULL column set \
                   (e.g. `key=id`, or `key=tenant_id,id`)";
        let key: Vec<String> = if spec.key.is_empty() {
            let mut pk: Vec<&(String, u64, bool)> = columns.iter().filter(|c| c.1 > 0).collect();
            pk.sort_by_key(|c| c.1);
            if pk.is_empty() {
                return Err(refuse(
                    s,
                    &format!("walks table `{shown}`, which has no primary key to walk it by"),
                    fix,
                ));
            }
            if let Some(c) = pk.iter().find(|c| !c.2) {
                return Err(refuse(
                    s,
                    &format!(
                        "walks table `{shown}` by its primary key, whose column `{}` may be NULL: a keyset walk \
                         would skip its NULL rows",
                        c.0
                    ),
                    fix,
                ));
            }
            pk.iter().map(|c| c.0.clone()).collect()
        } else {
            for k in &spec.key {
                match columns.iter().find(|c| &c.0 == k) {
                    None => {
                        return Err(refuse(
                            s,
                            &format!("names key column `{k}`, which table `{shown}` does not have"),
                            &format!(
                                "the columns of `{shown}` are {}; {fix}",
                                columns
                                    .iter()
                                    .map(|c| format!("`{}`", c.0))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    }
                    Some(c) if !c.2 => {
                        return Err(refuse(
                            s,
                            &format!(
                                "names key column `{k}`, which may be NULL: a keyset walk would skip its NULL rows"
                            ),
                            fix,
                        ));
                    }
                    Some(_) => {}
                }
            }
            spec.key.clone()
        };
        // A data migration in Rust runs its function instead of a statement: none without it.
        let func = match &s.rust {
            Some(step) => match &step.func {
                Some(f) => Some(f.clone()),
                None => {
                    return Err(
                        rust::needs_application(s).unwrap_or(RunError::UnknownVersion(s.version))
                    );
                }
            },
            None => None,
        };
        let at = match &func {
            Some(_) => 0..0,
            None => match placeholders(&s.content, db.dialect()).into_iter().next() {
                Some(at) => at,
                None => {
                    return Err(refuse(
                        s,
                        "has no `:batch` in its statement",
                        "add `AND :batch` to its WHERE clause",
                    ));
                }
            },
        };
        let cols = key.iter().map(|k| ident(k)).collect::<Vec<_>>().join(", ");
        let lits = key
            .iter()
            .map(|k| rt.key_literal_sql(&ident(k)))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Walk {
            source: s,
            table: table_sql(spec),
            key,
            cols,
            lits,
            before: &s.content[..at.start],
            after: &s.content[at.end..],
            fixed: spec.size.map(u64::from),
            func,
        })
    }

    /// Changes the rows after `lo` up to `hi`: the batch file's statement, or the data
    /// migration's function. The rows changed.
    async fn change(
        &self,
        db: &mut dyn Driver,
        lo: Option<&[String]>,
        hi: &[String],
    ) -> Result<u64, Failed> {
        let Some(func) = &self.func else {
            let statement = self.statement(lo, hi);
            return db.execute(&statement).await.map_err(|error| Failed {
                line: db.error_line(&error, &statement),
                error,
            });
        };
        let mut batch = DataBatch {
            db,
            table: &self.table,
            key: &self.key,
            lo,
            hi,
            range: self.range(lo, hi),
        };
        let batch_ref = &mut batch;
        // A panic in the function fails the batch like an error: its transaction is rolled back
        // instead of going back to a pool open.
        let result = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            // Moved in, so the future may keep the borrow.
            let batch = batch_ref;
            func(batch)
        })) {
            Ok(future) => rust::CatchUnwind(future).await,
            Err(panic) => Err(panic),
        };
        match result {
            Ok(Ok(rows)) => Ok(rows),
            Ok(Err(e)) => Err(match e.downcast::<sqlx::Error>() {
                Ok(error) => Failed::from(*error),
                Err(other) => Failed::from(sqlx::Error::InvalidArgument(format!(
                    "its function failed: {other}"
                ))),
            }),
            Err(panic) => Err(Failed::from(sqlx::Error::InvalidArgument(format!(
                "its function panicked: {}",
                rust::panic_message(panic.as_ref())
            )))),
        }
    }

    /// `WHERE (key) > (last)`, or nothing before the first batch.
    fn after_last(&self, last: Option<&[String]>) -> String {
        match last {
            Some(k) => format!(" WHERE ({}) > ({})", self.cols, k.join(", ")),
            None => String::new(),
        }
    }

    fn order(&self, desc: bool) -> String {
        let dir = if desc { " DESC" } else { "" };
        self.key
            .iter()
            .map(|k| format!("{}{dir}", ident(k)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The next batch's upper bound and the rows it covers, after `last`: `None` when no row
    /// is left; `final` when fewer than `size` were.
    async fn bound(
        &self,
        db: &mut dyn Driver,
        last: Option<&[String]>,
        size: u64,
    ) -> Result<Option<(Vec<String>, u64, bool)>, sqlx::Error> {
        let after = self.after_last(last);
        let rt = db.runtime();
        let ordered = |desc: bool| {
            format!(
                "SELECT {} FROM {}{after} ORDER BY {}",
                self.lits,
                self.table,
                self.order(desc)
            )
        };
        let sql = rt.row_at_sql(&ordered(false), Some(size.saturating_sub(1)));
        if let Some(hi) = first_row(db.fetch_texts(&sql).await?) {
            return Ok(Some((hi, size, false)));
        }
        let sql = rt.row_at_sql(&ordered(true), None);
        let Some(hi) = first_row(db.fetch_texts(&sql).await?) else {
            return Ok(None);
        };
        let count = format!("SELECT count(*) FROM {}{after}", self.table);
        let walked = u64::try_from(db.fetch_int(&count).await?).unwrap_or(0);
        Ok(Some((hi, walked, true)))
    }

    /// The statement for the rows after `lo` up to `hi`.
    fn statement(&self, lo: Option<&[String]>, hi: &[String]) -> String {
        format!("{}{}{}", self.before, self.range(lo, hi), self.after)
    }

    /// The condition on the key of the rows after `lo` up to `hi`.
    fn range(&self, lo: Option<&[String]>, hi: &[String]) -> String {
        let upper = format!("({}) <= ({})", self.cols, hi.join(", "));
        match lo {
            Some(lo) => format!("(({}) > ({}) AND {upper})", self.cols, lo.join(", ")),
            None => format!("({upper})"),
        }
    }

    /// The next batch's size after one of `size` rows took `took`: `size=` grows back (doubling)
    /// to its size after a batch that gave way.
    fn adapt(&self, size: u64, took: Duration, opts: &Options) -> u64 {
        adapt(self.fixed, size, took, opts.backfill_batch_time)
    }
}

/// The next batch's size after one of `size` rows took `took`, aiming at `target`; with `size=`
/// (`fixed`), that size, doubling back to it after batches that gave way.
fn adapt(fixed: Option<u64>, size: u64, took: Duration, target: Duration) -> u64 {
    if let Some(n) = fixed {
        return size.saturating_mul(2).min(n);
    }
    let target = target.as_secs_f64().max(0.001);
    let ratio = (target / took.as_secs_f64().max(0.000_1)).min(4.0);
    ((size as f64 * ratio) as u64).clamp(MIN_BATCH, MAX_BATCH)
}

/// The next batch's size after writers waited for one of `size` rows: half (at least one row
/// with `size=`, else at least `MIN_BATCH`).
fn shrink(fixed: Option<u64>, size: u64) -> u64 {
    let least = if fixed.is_some() { 1 } else { MIN_BATCH };
    (size / 2).max(least).min(size)
}

/// Between two batches, waits while a replica lags more than `backfill_max_lag`, saying so when
/// it starts to wait and every `wait_report`. A lag that cannot be read is noted once and not
/// asked again (`*measurable` = false).
async fn wait_for_replicas(
    db: &mut dyn Driver,
    s: &Source,
    opts: &Options,
    measurable: &mut bool,
    report: Report<'_>,
) {
    let mut said: Option<Instant> = None;
    while *measurable && opts.backfill_max_lag.is_some() {
        let lag = match db.replication_lag().await {
            Ok(lag) => lag,
            Err(e) => {
                *measurable = false;
                report(Event::BackfillGivingWay {
                    version: s.version,
                    name: s.name.clone(),
                    reason: GiveWay::LagUnreadable {
                        error: e.to_string(),
                    },
                    wait_ms: 0,
                });
                return;
            }
        };
        if !lags(lag, opts.backfill_max_lag) {
            return;
        }
        if said.is_none_or(|t| t.elapsed() >= opts.wait_report) {
            said = Some(Instant::now());
            report(Event::BackfillGivingWay {
                version: s.version,
                name: s.name.clone(),
                reason: GiveWay::ReplicaLag {
                    lag_ms: lag.map_or(0, crate::duration::as_millis),
                    max_lag_ms: opts.backfill_max_lag.map_or(0, crate::duration::as_millis),
                },
                wait_ms: crate::duration::as_millis(LAG_POLL),
            });
        }
        tokio::time::sleep(LAG_POLL).await;
    }
}

/// The first row of a result, every column present.
fn first_row(rows: Vec<Vec<Option<String>>>) -> Option<Vec<String>> {
    rows.into_iter().next()?.into_iter().collect()
}

/// The table of a batch file, quoted.
fn table_sql(spec: &BatchSpec) -> String {
    match &spec.schema {
        Some(s) => format!("{}.{}", ident(s), ident(&spec.table)),
        None => ident(&spec.table),
    }
}

/// A batch file refused before any batch ran.
fn refuse(s: &Source, message: &str, help: &str) -> RunError {
    RunError::Backfill {
        version: s.version,
        name: s.name.clone(),
        message: message.to_string(),
        help: help.to_string(),
    }
}

/// Who runs the batches, as the progress table records it.
pub(crate) fn runner_name(opts: &Options) -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    let user = if opts.applied_by.is_empty() {
        "migrate"
    } else {
        &opts.applied_by
    };
    format!("{user}@{host} pid {}", std::process::id())
}

/// The table's rows: counted, or the catalog's estimate when that says it is large.
async fn count_rows(db: &mut dyn Driver, w: &Walk<'_>) -> Result<(u64, bool), sqlx::Error> {
    let spec = w.source.batch.as_ref();
    let estimate = match spec.and_then(|b| {
        db.runtime()
            .estimate_rows_sql(b.schema.as_deref(), &b.table)
    }) {
        Some(sql) => first_row(db.fetch_texts(&sql).await?)
            .and_then(|r| r.first()?.parse::<i64>().ok())
            .and_then(|n| u64::try_from(n).ok()),
        None => None,
    };
    match estimate {
        Some(n) if n > COUNT_LIMIT => Ok((n, false)),
        _ => {
            let n = db
                .fetch_int(&format!("SELECT count(*) FROM {}", w.table))
                .await?;
            Ok((u64::try_from(n).unwrap_or(0), true))
        }
    }
}

/// Creates the history and progress tables when missing; a runner creating them at the same
/// time is no failure (PostgreSQL can report a duplicate type then).
pub(crate) async fn ensure_tables(db: &mut dyn Driver, opts: &Options) -> Result<(), RunError> {
    let rt = db.runtime();
    let sql = format!(
        "{};\n{}",
        rt.create_history_sql(&opts.history_table),
        rt.create_backfills_sql(&progress_table(&opts.history_table))
    );
    if db.execute(&sql).await.is_err() {
        db.execute(&sql).await.map_err(|e| db.error(e))?;
    }
    Ok(())
}

/// The outcome of one batch's transaction.
enum Step {
    /// A batch committed: its rows, and the progress row's totals with them (every runner's
    /// batches counted).
    Done {
        walked: u64,
        changed: u64,
        finished: bool,
        rows_done: u64,
        rows_changed: u64,
        batches: u64,
        /// Sessions that waited for its locks when it was about to commit.
        waiting: u64,
    },
    /// Another runner finished it already.
    AlreadyFinished,
    /// Paused: nothing was done.
    Paused,
}

/// Runs a batch file to its end (or until it is paused), one transaction per batch. `Some((ms,
/// rows changed))` when this runner finished it and recorded it in the history; `None` when
/// another runner did.
pub(crate) async fn apply(
    db: &mut dyn Driver,
    s: &Source,
    opts: &Options,
    report: Report<'_>,
) -> Result<Option<(u64, u64)>, RunError> {
    ensure_tables(db, opts).await?;
    let w = Walk::new(db, s).await?;
    let table = progress_table(&opts.history_table);
    let runner = runner_name(opts);
    let rt = db.runtime();
    let filter = format!("version = {}", s.version);
    let mut row = progress::read(db, &table, &filter)
        .await
        .map_err(|e| db.error(e))?
        .into_iter()
        .next();
    if row.is_none() {
        let (rows, _) = count_rows(db, &w).await.map_err(|e| db.error(e))?;
        let size = w.fixed.unwrap_or(INITIAL_BATCH);
        let start = progress::start_sql(rt, &table, s, &w.key, Some(rows), size, &runner);
        db.execute(&start).await.map_err(|e| db.error(e))?;
        row = progress::read(db, &table, &filter)
            .await
            .map_err(|e| db.error(e))?
            .into_iter()
            .next();
    }
    let Some(row) = row else {
        return Err(refuse(
            s,
            "has no progress row after it was written",
            "check that the progress table is writable",
        ));
    };
    // The statement of a walk under way is the one its batches ran: an edited file would go on
    // with another change after the last key. One that never walked a row may be fixed.
    if row.checksum.as_deref().is_some_and(|c| c != s.checksum) {
        if row.batches > 0 {
            return Err(refuse(
                s,
                &format!(
                    "was edited after its backfill started ({} rows walked with the file as it was)",
                    row.rows_done
                ),
                "restore the file as it was (e.g. from git) so the backfill goes on with the same statement; \
                 a different change is a new migration (`migrate new NAME`)",
            ));
        }
        db.execute(&progress::checksum_sql(rt, &table, s))
            .await
            .map_err(|e| db.error(e))?;
    }
    let estimated = row.rows_estimated;
    let mut done = row.rows_done;
    let mut size = w.fixed.unwrap_or(if row.batch_size > 0 {
        row.batch_size.clamp(MIN_BATCH, MAX_BATCH)
    } else {
        INITIAL_BATCH
    });
    let lock_timeout = s
        .lock_timeout
        .or(opts.lock_timeout)
        .filter(|d| !d.is_zero());
    let statement_timeout = s
        .statement_timeout
        .or(opts.statement_timeout)
        .filter(|d| !d.is_zero());
    let start = Instant::now();
    let mut run_rows = 0;
    let mut run_changed = 0;
    let mut attempt = 0;
    let mut first = true;
    let mut lag_measurable = true;
    loop {
        if !first {
            if !opts.backfill_pause.is_zero() {
                tokio::time::sleep(opts.backfill_pause).await;
            }
            wait_for_replicas(db, s, opts, &mut lag_measurable, &mut *report).await;
        }
        first = false;
        let began = Instant::now();
        let step = match db.begin_batch(lock_timeout, statement_timeout).await {
            // SQLite: the write lock, busy for longer than the lock timeout.
            Err(e) => Err(Failed::from(e)),
            Ok(()) => match batch(db, &w, &table, size, &runner, opts, start).await {
                Ok(step) => {
                    let commit = match step {
                        Step::Done { .. } => db.execute("COMMIT").await.map(drop),
                        _ => db.execute("ROLLBACK").await.map(drop),
                    };
                    commit.map(|()| step).map_err(Failed::from)
                }
                Err(e) => {
                    let _ = db.execute("ROLLBACK").await;
                    Err(e)
                }
            },
        };
        match step {
            Ok(Step::Done {
                walked,
                changed,
                finished,
                rows_done,
                rows_changed,
                batches,
                waiting,
            }) => {
                attempt = 0;
                let took = began.elapsed();
                done = rows_done;
                run_rows += walked;
                run_changed += changed;
                report(Event::Backfill {
                    version: s.version,
                    name: s.name.clone(),
                    tick: Tick {
                        rows_done,
                        rows_changed,
                        rows_estimated: estimated,
                        batch_size: size,
                        batches,
                        run_rows,
                        run_ms: elapsed_ms(start),
                        finished,
                    },
                });
                if finished {
                    return Ok(Some((elapsed_ms(start), run_changed)));
                }
                if waiting > 0 {
                    // Writers waited for this batch's rows: a smaller next batch, after a pause
                    // as long as this one held them.
                    size = shrink(w.fixed, size);
                    let wait = took.min(MAX_GIVE_WAY);
                    report(Event::BackfillGivingWay {
                        version: s.version,
                        name: s.name.clone(),
                        reason: GiveWay::Writers {
                            waiting,
                            next_size: size,
                        },
                        wait_ms: crate::duration::as_millis(wait),
                    });
                    tokio::time::sleep(wait).await;
                } else {
                    size = w.adapt(size, took, opts);
                }
            }
            Ok(Step::AlreadyFinished) => return Ok(None),
            Ok(Step::Paused) => {
                return Err(RunError::BackfillPaused {
                    version: s.version,
                    name: s.name.clone(),
                });
            }
            Err(Failed { error: e, line }) => match db.gives_way(&e) {
                Some(_) if attempt < opts.lock_retries => {
                    if w.fixed.is_none() {
                        size = (size / 2).max(MIN_BATCH);
                    }
                    let wait = crate::duration::as_millis(opts.retry_backoff)
                        .saturating_mul(1 << attempt.min(16))
                        .min(30_000);
                    report(Event::Retrying {
                        version: s.version,
                        name: s.name.clone(),
                        attempt: attempt + 1,
                        wait_ms: wait,
                    });
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                Some(why) => {
                    return Err(RunError::Failed {
                        version: s.version,
                        name: s.name.clone(),
                        line: None,
                        error: format!("{e} ({why}, {} times in a row)", attempt + 1),
                        recovery: format!(
                            "every batch committed so far is kept ({done} rows walked): run `migrate up` (or \
                             `migrate backfill run`) again when the table is less busy, or raise \
                             `-- migrate:lock-timeout` for this file or `lock_retries` in migrate.toml"
                        ),
                    });
                }
                None => {
                    return Err(RunError::Failed {
                        version: s.version,
                        name: s.name.clone(),
                        line,
                        error: crate::runner::error_text(s, &e, db.dialect()),
                        recovery: format!(
                            "the failed batch was rolled back; every batch before it is kept ({done} rows walked). \
                             Fix the cause and run `migrate up` (or `migrate backfill run`) again: it resumes after \
                             the last batch that committed"
                        ),
                    });
                }
            },
        }
    }
}

/// One batch inside its transaction: lock the progress row, read where the walk stands, run the
/// statement over the next keys, record them (and, at the end, the migration in the history).
async fn batch(
    db: &mut dyn Driver,
    w: &Walk<'_>,
    table: &str,
    size: u64,
    runner: &str,
    opts: &Options,
    start: Instant,
) -> Result<Step, Failed> {
    let rt = db.runtime();
    let s = w.source;
    let lock_row = rt.select_backfills_sql(table, &format!("version = {}", s.version), true);
    let rows = db.fetch_texts(&lock_row).await?;
    let Some(p) = rows.first().and_then(|r| progress::parse_row(r)) else {
        return Err(Failed::from(sqlx::Error::RowNotFound));
    };
    match p.state {
        BackfillState::Finished => return Ok(Step::AlreadyFinished),
        BackfillState::Paused => return Ok(Step::Paused),
        BackfillState::Running | BackfillState::Pending => {}
    }
    let last = p.last_key.as_deref();
    let (hi, walked, finished, changed) = match w.bound(db, last, size).await? {
        Some((hi, walked, finished)) => {
            let changed = w.change(db, last, &hi).await?;
            (Some(hi), walked, finished, changed)
        }
        None => (None, 0, true, 0),
    };
    let mut sql = progress::batch_sql(
        rt,
        table,
        s.version,
        &progress::Batch {
            last_key: hi.as_deref(),
            walked,
            changed,
            size,
            finished,
            runner,
        },
    );
    if finished {
        let record = rt.insert_history_sql(&HistoryRow {
            table: &opts.history_table,
            source: s,
            success: true,
            execution_ms: Some(i64::try_from(elapsed_ms(start)).unwrap_or(i64::MAX)),
            applied_by: &opts.applied_by,
        });
        let started = progress::history_start_sql(table, &opts.history_table, s.version);
        sql = format!("{sql};\n{record};\n{started}");
    }
    db.execute(&sql).await?;
    // Asked while the batch still holds its locks: who waits for them now waits for this commit.
    // Another runner of a backfill waiting for its progress row (any statement naming the
    // progress table: the row lock, its creation, its update) is no writer: it takes the next
    // batch.
    let waiting = if finished {
        0
    } else {
        let progress = table.rsplit('.').next().unwrap_or(table);
        db.waiting_writers(progress).await?
    };
    Ok(Step::Done {
        waiting,
        walked,
        changed,
        finished,
        rows_done: p.rows_done + walked,
        rows_changed: p.rows_changed + changed,
        batches: p.batches + u64::from(hi.is_some()),
    })
}

/// A dry run of a batch file, inside the dry run's transaction: counts the table's rows, runs up
/// to three batches from its start and times them, and estimates the whole walk. The caller
/// rolls the batches back.
pub(crate) async fn sample(
    db: &mut dyn Driver,
    s: &Source,
    opts: &Options,
) -> Result<Estimate, RunError> {
    let w = Walk::new(db, s).await?;
    let failed = |db: &dyn Driver, e: sqlx::Error| RunError::Failed {
        version: s.version,
        name: s.name.clone(),
        line: None,
        error: crate::runner::error_text(s, &e, db.dialect()),
        recovery: "this was a dry run: nothing was changed. Fix the migration before applying it"
            .into(),
    };
    let (rows, exact) = count_rows(db, &w).await.map_err(|e| failed(db, e))?;
    let mut size = w.fixed.unwrap_or(INITIAL_BATCH);
    let mut last: Option<Vec<String>> = None;
    let mut rows_done = 0;
    let filter = format!("version = {}", s.version);
    let earlier = progress::read(db, &progress_table(&opts.history_table), &filter)
        .await
        .map_err(|e| failed(db, e))?;
    if let Some(p) = earlier.into_iter().next() {
        last = p.last_key;
        rows_done = p.rows_done;
        if w.fixed.is_none() && p.batch_size > 0 {
            size = p.batch_size.clamp(MIN_BATCH, MAX_BATCH);
        }
    }
    let rows_left = rows.saturating_sub(rows_done);
    let (mut walked, mut changed, mut ms_total) = (0u64, 0u64, 0u64);
    let mut batches = 0u64;
    for _ in 0..SAMPLE_BATCHES {
        let began = Instant::now();
        let Some((hi, n, finished)) = w
            .bound(db, last.as_deref(), size)
            .await
            .map_err(|e| failed(db, e))?
        else {
            break;
        };
        changed += w
            .change(db, last.as_deref(), &hi)
            .await
            .map_err(|f| failed(db, f.error))?;
        let took = began.elapsed();
        ms_total += u64::try_from(took.as_millis()).unwrap_or(u64::MAX);
        walked += n;
        batches += 1;
        last = Some(hi);
        if finished {
            break;
        }
        size = w.adapt(size, took, opts);
    }
    let per_row = if walked > 0 {
        ms_total as f64 / walked as f64
    } else {
        0.0
    };
    let left_batches = if walked >= rows_left || batches == 0 {
        0
    } else {
        (rows_left - walked).div_ceil(size.max(1))
    };
    let pauses =
        crate::duration::as_millis(opts.backfill_pause).saturating_mul(left_batches + batches);
    let estimated_ms = (per_row * rows_left as f64) as u64 + pauses;
    Ok(Estimate {
        rows,
        exact,
        rows_done,
        sampled_rows: walked,
        sampled_ms: ms_total,
        sampled_changed: changed,
        estimated_ms,
    })
}

// ---- managing backfills (`migrate backfill status|run|pause|resume`) ----

/// Every batch file of `sources` with its progress (pending ones without a row), and the
/// progress rows of versions no file here has, in version order. Reads only.
pub async fn status(
    db: &mut Connection<'_>,
    sources: &[Source],
    opts: &Options,
) -> Result<Vec<Progress>, RunError> {
    let db = db.driver();
    let rows = progress::read(db, &progress_table(&opts.history_table), "1 = 1")
        .await
        .map_err(|e| db.error(e))?;
    let mut out: Vec<Progress> = sources
        .iter()
        .filter(|s| s.batch.is_some())
        .map(|s| {
            rows.iter()
                .find(|r| r.version == s.version)
                .cloned()
                .unwrap_or_else(|| Progress::pending(s))
        })
        .collect();
    out.extend(
        rows.into_iter()
            .filter(|r| !sources.iter().any(|s| s.version == r.version)),
    );
    out.sort_by_key(|p| p.version);
    Ok(out)
}

/// Pauses (`to` = [`BackfillState::Paused`]) the running backfills, or resumes the paused ones
/// (`to` = [`BackfillState::Running`]); `version`: that one only. A runner working on one stops
/// after its current batch. The versions changed.
pub async fn set_state(
    db: &mut Connection<'_>,
    opts: &Options,
    version: Option<u64>,
    to: BackfillState,
) -> Result<Vec<u64>, RunError> {
    let db = db.driver();
    let table = progress_table(&opts.history_table);
    let from = match to {
        BackfillState::Paused => BackfillState::Running,
        _ => BackfillState::Paused,
    };
    let filter = format!(
        "state = '{}'{}",
        from.as_str(),
        version.map_or_else(String::new, |v| format!(" AND version = {v}"))
    );
    let before = progress::read(db, &table, &filter)
        .await
        .map_err(|e| db.error(e))?;
    if before.is_empty() {
        return Ok(Vec::new());
    }
    let sql = progress::state_sql(db.runtime(), &table, version, from, to);
    db.execute(&sql).await.map_err(|e| db.error(e))?;
    Ok(before.into_iter().map(|p| p.version).collect())
}

/// Runs the unfinished backfills whose turn it is, without the runner lock (so that several
/// runners, e.g. Kubernetes Jobs, can share the work): each batch file, in order, whose every
/// earlier migration is applied; `version`: that one only. Stops at the first migration that is
/// not a batch file (`migrate up` applies it), and at a paused backfill.
pub fn run<'a, 'c: 'a>(
    db: &'a mut Connection<'c>,
    sources: &'a [Source],
    opts: &'a Options,
    version: Option<u64>,
    report: Report<'a>,
) -> BoxFuture<'a, Result<Summary, RunError>> {
    Box::pin(async move {
        let db = db.driver();
        if let Some(v) = version {
            match sources.iter().find(|s| s.version == v) {
                None => return Err(RunError::UnknownVersion(v)),
                Some(s) if s.batch.is_none() => {
                    return Err(refuse(
                        s,
                        "is not a batch file (it has no `-- migrate:batch` line)",
                        "`migrate up` applies it; `migrate backfill status` lists the batch files",
                    ));
                }
                Some(_) => {}
            }
        }
        let applied = db
            .read_history(&opts.history_table)
            .await
            .map_err(|e| db.error(e))?;
        let problems: Vec<_> = crate::runner::check_integrity(sources, &applied)
            .into_iter()
            .filter(|i| i.kind != IntegrityKind::Ahead)
            .collect();
        if !problems.is_empty() {
            return Err(RunError::Integrity(problems));
        }
        let done: std::collections::HashSet<u64> = applied.iter().map(|a| a.version).collect();
        let mut summary = Summary::default();
        let mut blocked: Option<&Source> = None;
        for s in sources.iter().filter(|s| !done.contains(&s.version)) {
            if let Some(v) = version
                && s.version != v
            {
                let name = sources
                    .iter()
                    .find(|x| x.version == v)
                    .map(|x| x.name.clone())
                    .unwrap_or_default();
                return Err(RunError::Backfill {
                    version: v,
                    name,
                    message: format!(
                        "cannot run yet: migration {}_{} before it is not applied",
                        s.version, s.name
                    ),
                    help:
                        "run `migrate up`: it applies the migrations in order, backfills included"
                            .into(),
                });
            }
            if s.batch.is_none() {
                blocked = Some(s);
                break;
            }
            if let Some(e) = rust::needs_application(s) {
                return Err(e);
            }
            let refused = crate::runner::admit(&[s], db.dialect());
            if !refused.is_empty() {
                return Err(RunError::Refused(refused));
            }
            report(Event::Applying {
                version: s.version,
                name: s.name.clone(),
                description: s.description.clone(),
            });
            match apply(db, s, opts, &mut *report).await? {
                Some((ms, rows)) => {
                    report(Event::Applied {
                        version: s.version,
                        name: s.name.clone(),
                        ms,
                        rows,
                    });
                    summary.applied.push((s.version, s.name.clone(), ms));
                }
                None => report(Event::AlreadyApplied {
                    version: s.version,
                    name: s.name.clone(),
                }),
            }
            if version.is_some() {
                break;
            }
        }
        if summary.applied.is_empty() {
            let next = blocked.and_then(|b| {
                sources
                    .iter()
                    .find(|s| {
                        s.version > b.version && s.batch.is_some() && !done.contains(&s.version)
                    })
                    .map(|s| {
                        (
                            s.version,
                            s.name.clone(),
                            format!("{}_{}", b.version, b.name),
                        )
                    })
            });
            report(Event::NoBackfill { next });
        }
        Ok(summary)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replica_lagging_more_than_the_limit_makes_batches_wait() {
        let s = Duration::from_secs;
        // Lagging more than the limit: wait.
        assert!(lags(Some(s(11)), Some(s(10))));
        // At or under it, none measured (no replica, or not shown to this role), or turned off.
        assert!(!lags(Some(s(10)), Some(s(10))));
        assert!(!lags(Some(s(1)), Some(s(10))));
        assert!(!lags(None, Some(s(10))));
        assert!(!lags(Some(s(3600)), None));
        assert!(!lags(Some(s(3600)), Some(Duration::ZERO)));
    }

    #[test]
    fn a_batch_writers_waited_for_is_followed_by_a_half_one() {
        // Adaptive: half, not under the smallest batch.
        assert_eq!(shrink(None, 1_000), 500);
        assert_eq!(shrink(None, 15), MIN_BATCH);
        assert_eq!(shrink(None, MIN_BATCH), MIN_BATCH);
        // `size=`: half too, down to one row.
        assert_eq!(shrink(Some(50), 50), 25);
        assert_eq!(shrink(Some(50), 1), 1);
        // A calm batch after it: `size=` doubles back to its size, never above.
        let ms = Duration::from_millis;
        assert_eq!(adapt(Some(50), 25, ms(1), ms(200)), 50);
        assert_eq!(adapt(Some(50), 12, ms(1), ms(200)), 24);
        assert_eq!(adapt(Some(50), 50, ms(1), ms(200)), 50);
        // Adaptive: scaled by the target over the duration, growing at most fourfold.
        assert_eq!(adapt(None, 500, ms(100), ms(200)), 1_000);
        assert_eq!(adapt(None, 500, ms(1), ms(200)), 2_000);
    }
}
