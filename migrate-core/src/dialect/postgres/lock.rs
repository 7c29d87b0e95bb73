//! The runner lock on PostgreSQL: a session advisory lock keyed by the history table's name.
//!
//! A runner that finds it taken *polls* `pg_try_advisory_lock` with a bounded back-off; it never
//! blocks in `pg_advisory_lock`. A blocked `SELECT pg_advisory_lock(..)` is a transaction with a
//! snapshot, and `CREATE INDEX CONCURRENTLY`, run by the holder, waits for every transaction with
//! a snapshot older than its own (its virtualxid waits, which include a lone `SELECT` in
//! progress) — while the blocked runner waits for the holder: a deadlock, which PostgreSQL breaks
//! by failing one of them. Between polls the waiting connection has no transaction and no
//! snapshot, and each poll ends at once, so an index build never waits on a waiter for more than
//! a moment. The wait is bounded by `runner_lock_timeout` and reported with what the holder is
//! doing, read from `pg_stat_activity`.

use sqlx::{PgConnection, Row};

use super::driver::db_err;
use crate::dialect::runtime::Report;
use crate::runner::{Holder, LockKind, Options, RunError, Wait};

/// The lock a PostgreSQL runner waits for: the session advisory lock, whose holder
/// `pg_stat_activity` names and `pg_terminate_backend` ends.
static LOCK: LockKind = LockKind::Runner {
    end_session: "SELECT pg_terminate_backend({pid});",
};

/// A stable advisory-lock key for a history table.
pub(super) fn lock_key(history_table: &str) -> i64 {
    let sum = crate::migration::checksum::sha256_hex(format!("migrate:{history_table}").as_bytes());
    i64::from_str_radix(&sum[..15], 16).unwrap_or(0x6d69_6772_6174)
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
pub(super) async fn try_acquire(
    c: &mut PgConnection,
    key: i64,
) -> Result<Result<(), Option<Holder>>, RunError> {
    if try_pg(c, key).await? {
        return Ok(Ok(()));
    }
    Ok(Err(holder(c, key).await.map_err(db_err)?))
}

/// Takes the runner lock (PostgreSQL), waiting at most `runner_lock_timeout`.
pub(super) async fn acquire(
    c: &mut PgConnection,
    key: i64,
    opts: &Options,
    report: Report<'_>,
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
                lock: &LOCK,
            });
        }
        if wait.due() {
            let h = holder(c, key).await.map_err(db_err)?;
            report(wait.event(h, LOCK));
        }
        wait.pause().await;
        if try_pg(c, key).await? {
            return Ok(());
        }
    }
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
        // Different tables, different runner locks.
        assert_ne!(lock_key("migrate_history"), lock_key("ops.migrate_history"));
    }

    #[test]
    fn statements_are_shortened() {
        assert_eq!(shorten("SELECT\n  1"), "SELECT 1");
        assert!(shorten(&"a ".repeat(200)).ends_with('…'));
    }
}
