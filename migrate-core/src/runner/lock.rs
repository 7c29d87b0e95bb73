//! The runner lock: one runner at a time per database and history table.
//!
//! Each dialect takes it its own way (PostgreSQL: a session advisory lock, polled; SQLite: the
//! write lock, `BEGIN IMMEDIATE`, tried the same way): see their `lock.rs`. What they share is
//! here: the wait, bounded by `runner_lock_timeout` and reported every [`Options::wait_report`]
//! with what the holder is doing (when the database can tell), and the [`Holder`] itself.

use std::time::{Duration, Instant};

use super::{Event, Options};

/// First pause between two attempts; doubled after each, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(10);
/// Longest pause between two attempts: a waiting runner starts at most this long after the lock
/// is free.
const MAX_PAUSE: Duration = Duration::from_millis(500);

/// The lock a runner waits for, as the dialect's driver takes it: what the waiting reports and the
/// timeout error say about it, and the `lock` field of a JSON `waiting` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// A lock of the runners' own (PostgreSQL's session advisory lock): the database can name
    /// the session that holds it (a [`Holder`]).
    Runner {
        /// The statement that ends the holder's session, `{pid}` standing for its process id.
        end_session: &'static str,
    },
    /// The database's own write lock (SQLite's), held by whichever connection writes; the
    /// database cannot say which.
    Write {
        /// The database as messages name it (`SQLite`).
        database: &'static str,
    },
}

impl LockKind {
    /// Its stable name, the `lock` field of a JSON `waiting` event: `runner lock`, or
    /// `<database> write lock` in lower case (`sqlite write lock`).
    pub fn id(&self) -> String {
        match self {
            LockKind::Runner { .. } => "runner lock".to_string(),
            LockKind::Write { database } => format!("{} write lock", database.to_lowercase()),
        }
    }
}

/// The session holding the runner lock (PostgreSQL), as `pg_stat_activity` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Its backend process id (`pg_terminate_backend(pid)` ends it).
    pub pid: i32,
    /// The migration it applies, when it is a `migrate` runner that says so in its
    /// `application_name` (`migrate 20240101000000_name`).
    pub version: Option<u64>,
    /// That migration's `<version>_<name>`; the version alone for a secure migration.
    pub migration: Option<String>,
    /// Its current statement (or, when idle, its last one), whitespace collapsed and cut to 160
    /// characters; empty when not shown (a secure migration's content, or no privilege to see it).
    pub query: String,
    /// Running a statement now (else idle between statements).
    pub active: bool,
    /// When that statement started (or its idle spell began), UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub since: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PID {}", self.pid)?;
        let mut parts = Vec::new();
        if let Some(m) = &self.migration {
            parts.push(format!("applying {m}"));
        }
        match (self.active, self.query.is_empty()) {
            (true, false) => parts.push(format!("running `{}` since {}", self.query, self.since)),
            (true, true) => parts.push(format!("running a statement since {}", self.since)),
            (false, _) => parts.push(format!("idle since {}", self.since)),
        }
        write!(f, " ({})", parts.join(", "))
    }
}

/// The wait for a lock: when to report, when to give up, how long to pause.
pub(crate) struct Wait {
    start: Instant,
    next_report: Duration,
    pause: Duration,
    every: Duration,
    limit: Option<Duration>,
    /// Reports made so far: the first says the wait starts (`waited_ms` 0).
    reports: u32,
}

impl Wait {
    pub(crate) fn new(opts: &Options) -> Wait {
        Wait {
            start: Instant::now(),
            next_report: Duration::ZERO,
            pause: FIRST_PAUSE,
            every: opts.wait_report.max(Duration::from_millis(1)),
            limit: opts.runner_lock_timeout.filter(|d| !d.is_zero()),
            reports: 0,
        }
    }

    pub(crate) fn waited_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Time for a "still waiting" line.
    pub(crate) fn due(&mut self) -> bool {
        let waited = self.start.elapsed();
        if waited < self.next_report {
            return false;
        }
        self.next_report = waited + self.every;
        true
    }

    pub(crate) fn expired(&self) -> bool {
        self.limit.is_some_and(|l| self.start.elapsed() >= l)
    }

    /// Sleeps before the next attempt (never past the limit), and lengthens the next pause.
    pub(crate) async fn pause(&mut self) {
        let mut pause = self.pause;
        if let Some(limit) = self.limit {
            pause = pause.min(limit.saturating_sub(self.start.elapsed()));
        }
        tokio::time::sleep(pause).await;
        self.pause = (self.pause * 2).min(MAX_PAUSE);
    }

    pub(crate) fn event(&mut self, holder: Option<Holder>, lock: LockKind) -> Event {
        self.reports += 1;
        Event::Waiting {
            holder,
            waited_ms: if self.reports == 1 {
                0
            } else {
                self.waited_ms().max(1)
            },
            timeout_ms: self.limit.map(|l| l.as_millis() as u64),
            lock,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_read_as_sentences() {
        let h = Holder {
            pid: 42,
            version: Some(20240101000000),
            migration: Some("20240101000000_idx".into()),
            query: "CREATE INDEX CONCURRENTLY i ON t (a)".into(),
            active: true,
            since: "2024-01-01T00:00:00Z".into(),
        };
        assert_eq!(
            h.to_string(),
            "PID 42 (applying 20240101000000_idx, running `CREATE INDEX CONCURRENTLY i ON t (a)` since 2024-01-01T00:00:00Z)"
        );
    }
}
