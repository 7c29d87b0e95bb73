//! The runner lock: one runner at a time per database and history table.
//!
//! **PostgreSQL** — a session advisory lock keyed by the history table's name. A runner that finds
//! it taken *polls* `pg_try_advisory_lock` with a bounded back-off; it never blocks in
//! `pg_advisory_lock`. A blocked `SELECT pg_advisory_lock(..)` is a transaction with a snapshot,
//! and `CREATE INDEX CONCURRENTLY`, run by the holder, waits for every transaction with a snapshot
//! older than its own (its virtualxid waits, which include a lone `SELECT` in progress) — while
//! the blocked runner waits for the holder: a deadlock, which PostgreSQL breaks by failing one of
//! them. Between polls the waiting connection has no transaction and no snapshot, and each poll
//! ends at once, so an index build never waits on a waiter for more than a moment.
//!
//! **SQLite** — the write lock (`BEGIN IMMEDIATE`), tried the same way with `busy_timeout = 0`,
//! so the wait is bounded and reported. Who holds a SQLite lock cannot be known.
//!
//! Either way the wait is bounded by `runner_lock_timeout` and reported every
//! [`Options::wait_report`] with what the holder is doing (PostgreSQL).

use std::time::{Duration, Instant};

use sqlx::{PgConnection, Row, SqliteConnection};

use super::{Event, Exec, Options, RunError, db_err, is_busy};

/// First pause between two attempts; doubled after each, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(10);
/// Longest pause between two attempts: a waiting runner starts at most this long after the lock
/// is free.
const MAX_PAUSE: Duration = Duration::from_millis(500);

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

/// The `application_name` a runner shows while it applies `version`: other runners and
/// `migrate status` read it to say which migration is running. A secure migration's name is left
/// out, and its statements are never shown.
pub(super) fn application_name(version: u64, name: &str, secure: bool) -> String {
    if secure {
        format!("migrate {version} (secure)")
    } else {
        // At most 63 bytes survive; the version always does.
        let mut s = format!("migrate {version}_{name}");
        s.truncate(63);
        s
    }
}

/// The migration an `application_name` written by [`application_name`] names, and whether it is
/// secure.
fn parse_application_name(app: &str) -> Option<(u64, String, bool)> {
    let rest = app.strip_prefix("migrate ")?;
    let digits = rest.get(..14)?;
    let version: u64 = digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())??;
    let tail = &rest[14..];
    if tail == " (secure)" {
        return Some((version, digits.to_string(), true));
    }
    tail.starts_with('_')
        .then(|| (version, rest.to_string(), false))
}

/// The advisory lock's two halves as `pg_locks` shows them (`classid`, `objid`; `objsubid = 1`).
fn lock_parts(key: i64) -> (i64, i64) {
    ((key >> 32) & 0xffff_ffff, key & 0xffff_ffff)
}

const HOLDER_SQL: &str = "\
SELECT a.pid, coalesce(a.application_name, '') AS app, coalesce(a.state, '') AS state, \
       coalesce(a.query, '') AS query, \
       to_char(coalesce(CASE WHEN a.state = 'active' THEN a.query_start ELSE a.state_change END, \
                        a.backend_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS since \
FROM pg_catalog.pg_locks l \
JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) \
  AND l.classid = $1::int8::oid AND l.objid = $2::int8::oid AND l.pid <> pg_backend_pid() \
LIMIT 1";

/// Who holds the runner lock of `key`, if another session does.
pub(super) async fn holder(c: &mut PgConnection, key: i64) -> Result<Option<Holder>, sqlx::Error> {
    let (hi, lo) = lock_parts(key);
    let Some(row) = sqlx::query(HOLDER_SQL)
        .bind(hi)
        .bind(lo)
        .fetch_optional(&mut *c)
        .await?
    else {
        return Ok(None);
    };
    let app: String = row.try_get("app")?;
    let parsed = parse_application_name(&app);
    let secure = parsed.as_ref().is_some_and(|p| p.2);
    let query: String = row.try_get("query")?;
    let query = if secure || query.starts_with('<') {
        // `<insufficient privilege>`: the server hides it from this user.
        String::new()
    } else {
        shorten(&query)
    };
    Ok(Some(Holder {
        pid: row.try_get("pid")?,
        version: parsed.as_ref().map(|p| p.0),
        migration: parsed.map(|p| p.1),
        query,
        active: row.try_get::<String, _>("state")? == "active",
        since: row.try_get("since")?,
    }))
}

/// A statement on one line, cut to 160 characters.
fn shorten(sql: &str) -> String {
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

async fn try_pg(c: &mut PgConnection, key: i64) -> Result<bool, RunError> {
    sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(key)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
}

/// Takes the runner lock once, without waiting: `Err(holder)` when another session has it.
pub(super) async fn try_acquire_pg(
    c: &mut PgConnection,
    key: i64,
) -> Result<Result<(), Option<Holder>>, RunError> {
    if try_pg(c, key).await? {
        return Ok(Ok(()));
    }
    Ok(Err(holder(c, key).await.map_err(db_err)?))
}

/// The wait for a lock: when to report, when to give up, how long to pause.
struct Wait {
    start: Instant,
    next_report: Duration,
    pause: Duration,
    every: Duration,
    limit: Option<Duration>,
    /// Reports made so far: the first says the wait starts (`waited_ms` 0).
    reports: u32,
}

impl Wait {
    fn new(opts: &Options) -> Wait {
        Wait {
            start: Instant::now(),
            next_report: Duration::ZERO,
            pause: FIRST_PAUSE,
            every: opts.wait_report.max(Duration::from_millis(1)),
            limit: opts.runner_lock_timeout.filter(|d| !d.is_zero()),
            reports: 0,
        }
    }

    fn waited_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Time for a "still waiting" line.
    fn due(&mut self) -> bool {
        let waited = self.start.elapsed();
        if waited < self.next_report {
            return false;
        }
        self.next_report = waited + self.every;
        true
    }

    fn expired(&self) -> bool {
        self.limit.is_some_and(|l| self.start.elapsed() >= l)
    }

    /// Sleeps before the next attempt (never past the limit), and lengthens the next pause.
    async fn pause(&mut self) {
        let mut pause = self.pause;
        if let Some(limit) = self.limit {
            pause = pause.min(limit.saturating_sub(self.start.elapsed()));
        }
        tokio::time::sleep(pause).await;
        self.pause = (self.pause * 2).min(MAX_PAUSE);
    }

    fn event(&mut self, holder: Option<Holder>, sqlite: bool) -> Event {
        self.reports += 1;
        Event::Waiting {
            holder,
            waited_ms: if self.reports == 1 {
                0
            } else {
                self.waited_ms().max(1)
            },
            timeout_ms: self.limit.map(|l| l.as_millis() as u64),
            sqlite,
        }
    }
}

/// Takes the runner lock (PostgreSQL), waiting at most `runner_lock_timeout`.
pub(super) async fn acquire_pg(
    c: &mut PgConnection,
    key: i64,
    opts: &Options,
    report: &mut (dyn FnMut(Event) + Send),
) -> Result<(), RunError> {
    if try_pg(c, key).await? {
        return Ok(());
    }
    let mut wait = Wait::new(opts);
    loop {
        if wait.expired() {
            return Err(RunError::RunnerLockTimeout {
                waited_ms: wait.waited_ms(),
                holder: holder(c, key).await.map_err(db_err)?,
                sqlite: false,
            });
        }
        if wait.due() {
            let h = holder(c, key).await.map_err(db_err)?;
            report(wait.event(h, false));
        }
        wait.pause().await;
        if try_pg(c, key).await? {
            return Ok(());
        }
    }
}

/// `BEGIN IMMEDIATE` on SQLite: takes the write lock, waiting at most `runner_lock_timeout` and
/// saying so while it waits. Inside the transaction, statements wait for other connections'
/// locks (readers finishing, at commit) up to the same limit.
pub(super) async fn begin_immediate(
    c: &mut SqliteConnection,
    opts: &Options,
    report: &mut (dyn FnMut(Event) + Send),
) -> Result<(), RunError> {
    c.run("PRAGMA busy_timeout = 0").await.map_err(db_err)?;
    let mut wait: Option<Wait> = None;
    let result = loop {
        match c.run("BEGIN IMMEDIATE").await {
            Ok(_) => break Ok(()),
            Err(e) if is_busy(&e) => {
                let w = wait.get_or_insert_with(|| Wait::new(opts));
                if w.expired() {
                    break Err(RunError::RunnerLockTimeout {
                        waited_ms: w.waited_ms(),
                        holder: None,
                        sqlite: true,
                    });
                }
                if w.due() {
                    report(w.event(None, true));
                }
                w.pause().await;
            }
            Err(e) => break Err(db_err(e)),
        }
    };
    let busy = sqlite_busy_timeout_ms(opts);
    c.run(&format!("PRAGMA busy_timeout = {busy}"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_names_round_trip() {
        let app = application_name(20240101000000, "add_index", false);
        assert_eq!(app, "migrate 20240101000000_add_index");
        assert_eq!(
            parse_application_name(&app),
            Some((20240101000000, "20240101000000_add_index".into(), false))
        );
        let secure = application_name(20240101000000, "seed_tokens", true);
        assert!(!secure.contains("seed_tokens"));
        assert_eq!(
            parse_application_name(&secure),
            Some((20240101000000, "20240101000000".into(), true))
        );
        assert_eq!(parse_application_name("psql"), None);
        assert_eq!(parse_application_name("migrate 2024"), None);
        let long = application_name(20240101000000, &"x".repeat(80), false);
        assert_eq!(long.len(), 63);
        assert!(parse_application_name(&long).is_some());
    }

    #[test]
    fn lock_parts_match_pg_locks() {
        // pg_advisory_lock(bigint) shows the high half as classid, the low half as objid.
        assert_eq!(lock_parts(0x0000_0001_0000_0002), (1, 2));
        assert_eq!(
            lock_parts(0x0fff_ffff_ffff_ffff),
            (0x0fff_ffff, 0xffff_ffff)
        );
    }

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
        assert_eq!(shorten("SELECT\n  1"), "SELECT 1");
        assert!(shorten(&"a ".repeat(200)).ends_with('…'));
    }
}
