//! The runner lock on SQLite: the write lock (`BEGIN IMMEDIATE`), tried with `busy_timeout = 0`
//! and polled, so the wait is bounded by `runner_lock_timeout` and reported. Who holds a SQLite
//! lock cannot be known.

use sqlx::SqliteConnection;

use super::driver::{db_err, is_busy, run};
use crate::dialect::runtime::Report;
use crate::runner::{LockKind, Options, RunError, Wait};

/// The lock a SQLite runner waits for: the database's write lock, whose holder SQLite cannot name.
static LOCK: LockKind = LockKind::Write { database: "SQLite" };

/// `BEGIN IMMEDIATE` on SQLite: takes the write lock, waiting at most `runner_lock_timeout` and
/// saying so while it waits. Inside the transaction, statements wait for other connections'
/// locks (readers finishing, at commit) up to the same limit.
pub(super) async fn begin_immediate(
    c: &mut SqliteConnection,
    opts: &Options,
    report: Report<'_>,
) -> Result<(), RunError> {
    run(c, "PRAGMA busy_timeout = 0").await.map_err(db_err)?;
    let mut wait: Option<Wait> = None;
    let result = loop {
        match run(c, "BEGIN IMMEDIATE").await {
            Ok(_) => break Ok(()),
            Err(e) if is_busy(&e) => {
                let w = wait.get_or_insert_with(|| Wait::new(opts));
                if w.expired() {
                    break Err(RunError::RunnerLockTimeout {
                        waited_ms: w.waited_ms(),
                        holder: None,
                        lock: &LOCK,
                    });
                }
                if w.due() {
                    report(w.event(None, LOCK));
                }
                w.pause().await;
            }
            Err(e) => break Err(db_err(e)),
        }
    };
    let busy = sqlite_busy_timeout_ms(opts);
    run(c, &format!("PRAGMA busy_timeout = {busy}"))
        .await
        .map_err(db_err)?;
    result
}

/// How long a statement inside a SQLite migration waits for another connection's lock:
/// `runner_lock_timeout`, or (when that is 0, "forever") the longest SQLite accepts.
pub(super) fn sqlite_busy_timeout_ms(opts: &Options) -> u64 {
    opts.runner_lock_timeout
        .filter(|d| !d.is_zero())
        .map_or(i32::MAX as u64, crate::duration::as_millis)
        .min(i32::MAX as u64)
}

