//! The runner's options and their defaults.

use super::*;

/// How to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The history table, optionally schema-qualified (`ops.migrate_history`).
    pub history_table: String,
    /// Longest wait for a lock, per statement; `None` or zero disables. Default 5 s.
    pub lock_timeout: Option<Duration>,
    /// Longest run of one statement; `None` or zero disables. Default 15 min.
    pub statement_timeout: Option<Duration>,
    /// Retries after a lock timeout, with backoff, before failing.
    pub lock_retries: u32,
    /// First backoff; doubled on each retry, at most 30 s.
    pub retry_backoff: Duration,
    /// Apply inside a transaction that is rolled back.
    pub dry_run: bool,
    /// Apply up to and including this version.
    pub target: Option<u64>,
    /// Recorded as who applied a migration on SQLite (PostgreSQL records `current_user`).
    pub applied_by: String,
    /// Longest wait for another runner (the runner lock); `None` or zero waits for good.
    /// Default 10 min.
    pub runner_lock_timeout: Option<Duration>,
    /// While waiting for another runner, how often to say so ([`Event::Waiting`]). Default 15 s.
    pub wait_report: Duration,
    /// Which contract steps (`-- migrate:contract`) to apply. Default: none; the run stops
    /// before the first one.
    pub contracts: Contracts,
    /// A batch file's target batch duration: its batch size adapts to it. Default 200 ms.
    pub backfill_batch_time: Duration,
    /// A batch file's pause between batches (zero: none), leaving room for other writers.
    pub backfill_pause: Duration,
    /// Between two batches of a batch file, wait while a replica lags more than this (where the
    /// database shows it); `None`: never. Default 10 s.
    pub backfill_max_lag: Option<Duration>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            history_table: Migrator::DEFAULT_HISTORY_TABLE.to_string(),
            lock_timeout: Some(Duration::from_secs(5)),
            statement_timeout: Some(Duration::from_secs(15 * 60)),
            lock_retries: 3,
            retry_backoff: Duration::from_millis(500),
            dry_run: false,
            target: None,
            applied_by: std::env::var("USER").unwrap_or_default(),
            runner_lock_timeout: Some(Duration::from_millis(DEFAULT_RUNNER_LOCK_TIMEOUT_MS)),
            wait_report: Duration::from_secs(15),
            contracts: Contracts::Hold,
            backfill_batch_time: crate::batch::DEFAULT_BATCH_TIME,
            backfill_pause: Duration::ZERO,
            backfill_max_lag: Some(crate::batch::DEFAULT_MAX_LAG),
        }
    }
}

/// How long `up` waits for another runner by default: `runner_lock_timeout = "10min"`.
pub const DEFAULT_RUNNER_LOCK_TIMEOUT_MS: u64 = 600_000;
