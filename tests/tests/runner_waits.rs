//! Runners that meet, through the runner's library API on real databases: a runner waiting for
//! another says whom it waits for and gives up after `runner_lock_timeout`; `resolve` never
//! settles a run still in progress; `status` tells a running migration from a failed one; the
//! history records when a migration really started, in the table it names.
//!
//! Every wait is synchronised on observable state: a "gate" table the test locks, which a
//! migration's statement waits for, seen in `pg_stat_activity`; events sent over a channel.

use migrate_core::Explain;
use std::time::{Duration, Instant};

use migrate_core::runner::{self, Event, LockKind, Options, RunError, Source, State};
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use sqlx::{Connection, PgConnection, SqliteConnection};
use tokio::sync::mpsc;

const V1: u64 = 20240101000001;

fn src(version: u64, name: &str, sql: &str) -> Source {
    Source::new(version, name, sql).expect("valid source")
}

/// No lock timeout (a migration waits at the gate as long as the test holds it), and "still
/// waiting" reported at every poll.
fn opts() -> Options {
    Options {
        lock_timeout: None,
        retry_backoff: Duration::from_millis(20),
        wait_report: Duration::from_millis(1),
        ..Options::default()
    }
}

async fn pg(url: &str) -> PgConnection {
    PgConnection::connect(url).await.expect("connect")
}

async fn scalar(url: &str, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut pg(url).await)
        .await
        .expect(sql)
}

/// Polls `sql` (one integer) until it is positive and returns it; bounded, so a hang fails.
async fn until(url: &str, sql: &str) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut c = pg(url).await;
    loop {
        let n: Option<i64> = sqlx::query_scalar(sql)
            .fetch_optional(&mut c)
            .await
            .expect(sql);
        if let Some(n) = n.filter(|&n| n > 0) {
            return n;
        }
        assert!(Instant::now() < deadline, "never observed: {sql}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A table the test holds locked; a migration that writes to it waits until the test commits.
async fn close_gate(url: &str) -> PgConnection {
    let mut setup = pg(url).await;
    sqlx::raw_sql("CREATE TABLE IF NOT EXISTS gate (id integer)")
        .execute(&mut setup)
        .await
        .expect("gate");
    let mut gate = pg(url).await;
    sqlx::raw_sql("BEGIN; LOCK TABLE gate IN ACCESS EXCLUSIVE MODE")
        .execute(&mut gate)
        .await
        .expect("close the gate");
    gate
}

async fn open_gate(mut gate: PgConnection) {
    sqlx::raw_sql("COMMIT")
        .execute(&mut gate)
        .await
        .expect("open the gate");
}

type Run = tokio::task::JoinHandle<Result<runner::Summary, RunError>>;

/// `up` on a connection of its own, in a task; its events go to the returned channel.
fn spawn_up(url: &str, sources: &[Source], o: &Options) -> (Run, mpsc::UnboundedReceiver<Event>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let (url, sources, o) = (url.to_string(), sources.to_vec(), o.clone());
    let task = tokio::spawn(async move {
        let mut c = pg(&url).await;
        runner::up(
            &mut runner::Connection::from(&mut c),
            &sources,
            &o,
            &mut |e| {
                let _ = tx.send(e);
            },
        )
        .await
    });
    (task, rx)
}

/// The backend of the runner that applies `version`, once it is at the gate.
async fn runner_at_gate(url: &str, version: u64) -> i64 {
    until(
        url,
        &format!(
            "SELECT pid::int8 FROM pg_stat_activity WHERE datname = current_database() \
             AND application_name LIKE 'migrate {version}%' \
             AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO gate%'"
        ),
    )
    .await
}

async fn next_wait(rx: &mut mpsc::UnboundedReceiver<Event>) -> Event {
    loop {
        let e = rx.recv().await.expect("the runner reports before it ends");
        if matches!(e, Event::Waiting { .. }) {
            return e;
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_waiting_runner_says_whom_it_waits_for_until_the_lock_is_free() {
    let db = TestDb::new().await;
    let gate = close_gate(&db.url).await;
    let m = [src(
        V1,
        "fill_gate",
        "-- Wait at the gate.\nINSERT INTO gate VALUES (1);\n",
    )];
    let (first, _) = spawn_up(&db.url, &m, &opts());
    let pid = runner_at_gate(&db.url, V1).await;

    let (second, mut events) = spawn_up(&db.url, &m, &opts());
    let Event::Waiting {
        holder: Some(h),
        waited_ms: 0,
        timeout_ms,
        lock: LockKind::Runner { .. },
    } = next_wait(&mut events).await
    else {
        panic!("the first report names the holder");
    };
    assert_eq!(i64::from(h.pid), pid, "{h:?}");
    assert_eq!(h.migration.as_deref(), Some("20240101000001_fill_gate"));
    assert_eq!(h.version, Some(V1));
    assert!(
        h.active && h.query == "-- Wait at the gate. INSERT INTO gate VALUES (1);",
        "{h:?}"
    );
    assert_eq!(timeout_ms, Some(runner::DEFAULT_RUNNER_LOCK_TIMEOUT_MS));
    let text = h.to_string();
    assert!(
        text.starts_with(&format!(
            "PID {pid} (applying 20240101000001_fill_gate, running `-- Wait at the gate. INSERT INTO gate VALUES (1);` since "
        )),
        "{text}"
    );
    // It keeps saying so while it waits.
    let Event::Waiting {
        holder: Some(again),
        waited_ms,
        ..
    } = next_wait(&mut events).await
    else {
        panic!("a later report names the holder too");
    };
    assert!(waited_ms > 0);
    assert_eq!(again.pid, h.pid);

    open_gate(gate).await;
    let done = first
        .await
        .expect("join")
        .expect("the first runner applies");
    assert_eq!(done.applied.len(), 1);
    let other = second
        .await
        .expect("join")
        .expect("the second runner ends well");
    assert!(other.applied.is_empty(), "applied once: {other:?}");
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn a_waiting_runner_gives_up_after_the_runner_lock_timeout() {
    let db = TestDb::new().await;
    let gate = close_gate(&db.url).await;
    let m = [src(V1, "fill_gate", "INSERT INTO gate VALUES (1);\n")];
    let (first, _) = spawn_up(&db.url, &m, &opts());
    let pid = runner_at_gate(&db.url, V1).await;

    let impatient = Options {
        runner_lock_timeout: Some(Duration::from_millis(100)),
        ..opts()
    };
    let (second, mut events) = spawn_up(&db.url, &m, &impatient);
    let err = second.await.expect("join").expect_err("gives up");
    let RunError::RunnerLockTimeout {
        holder: Some(h),
        lock: LockKind::Runner { .. },
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(i64::from(h.pid), pid);
    let message = err.to_string();
    assert!(message.contains("gave up after waiting"), "{message}");
    assert!(message.contains(&format!("PID {pid}")), "{message}");
    assert!(message.contains("nothing was applied"), "{message}");
    let help = err.help().expect("help");
    assert!(
        help.contains(&format!("pg_terminate_backend({pid})")),
        "{help}"
    );
    assert!(help.contains("runner_lock_timeout"), "{help}");
    assert!(
        matches!(
            events.try_recv(),
            Ok(Event::Waiting {
                timeout_ms: Some(100),
                ..
            })
        ),
        "it said it was waiting first"
    );

    open_gate(gate).await;
    assert!(first.await.expect("join").is_ok());
    db.close().await.expect("drop");
}

/// A connection holding SQLite's write lock (and, `EXCLUSIVE`, keeping readers out too).
async fn hold_sqlite(file: &TestFile) -> SqliteConnection {
    let mut holder = file.connect().await;
    sqlx::raw_sql("CREATE TABLE app (id integer); BEGIN EXCLUSIVE; INSERT INTO app VALUES (1)")
        .execute(&mut holder)
        .await
        .expect("hold the write lock");
    holder
}

fn spawn_up_sqlite(
    url: &str,
    sources: &[Source],
    o: &Options,
) -> (Run, mpsc::UnboundedReceiver<Event>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let (url, sources, o) = (url.to_string(), sources.to_vec(), o.clone());
    let task = tokio::spawn(async move {
        let mut c = SqliteConnection::connect(&url).await.expect("connect");
        runner::up(
            &mut runner::Connection::from(&mut c),
            &sources,
            &o,
            &mut |e| {
                let _ = tx.send(e);
            },
        )
        .await
    });
    (task, rx)
}

#[tokio::test(flavor = "current_thread")]
async fn a_sqlite_runner_says_it_waits_and_applies_once_the_lock_is_free() {
    let file = TestFile::new();
    let mut holder = hold_sqlite(&file).await;
    let m = [src(V1, "create_pets", "CREATE TABLE pets (id integer);\n")];
    let (run, mut events) = spawn_up_sqlite(&file.url, &m, &opts());
    for first in [true, false] {
        let Event::Waiting {
            holder,
            waited_ms,
            lock: LockKind::Write { .. },
            ..
        } = next_wait(&mut events).await
        else {
            panic!("a SQLite wait");
        };
        assert_eq!(holder, None, "SQLite cannot tell who holds its lock");
        assert_eq!(waited_ms == 0, first);
    }
    sqlx::raw_sql("COMMIT")
        .execute(&mut holder)
        .await
        .expect("release");
    let done = run.await.expect("join").expect("applies");
    assert_eq!(done.applied.len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn a_sqlite_runner_gives_up_after_the_runner_lock_timeout_and_says_why() {
    let file = TestFile::new();
    let mut holder = hold_sqlite(&file).await;
    let m = [src(V1, "create_pets", "CREATE TABLE pets (id integer);\n")];
    let o = Options {
        runner_lock_timeout: Some(Duration::from_millis(100)),
        ..opts()
    };
    let (run, _) = spawn_up_sqlite(&file.url, &m, &o);
    let err = run.await.expect("join").expect_err("gives up");
    assert!(
        matches!(
            err,
            RunError::RunnerLockTimeout {
                lock: LockKind::Write { .. },
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("SQLite write lock"), "{message}");
    assert!(message.contains("nothing was applied"), "{message}");
    let help = err.help().expect("help");
    assert!(help.contains("cannot tell which process"), "{help}");
    assert!(help.contains("runner_lock_timeout"), "{help}");
    sqlx::raw_sql("COMMIT")
        .execute(&mut holder)
        .await
        .expect("release");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'pets'")
        .fetch_one(&mut holder)
        .await
        .expect("count");
    assert_eq!(n, 0);
}

#[tokio::test(flavor = "current_thread")]
async fn resolve_refuses_a_run_in_progress_and_status_shows_it_running() {
    let db = TestDb::new().await;
    let gate = close_gate(&db.url).await;
    let m = [src(
        V1,
        "fill_gate_online",
        "-- migrate:no-transaction\n-- Wait at the gate, outside a transaction.\nINSERT INTO gate VALUES (1);\n",
    )];
    let (run, _) = spawn_up(&db.url, &m, &opts());
    let pid = runner_at_gate(&db.url, V1).await;
    // Its history row exists, unfinished.
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM migrate_history WHERE NOT success AND finished_at IS NULL"
        )
        .await,
        1
    );

    let mut c = pg(&db.url).await;
    let st = runner::status(&mut runner::Connection::from(&mut c), &m, &opts())
        .await
        .expect("status");
    assert_eq!(st[0].state, State::Running, "{st:?}");
    assert_eq!(st[0].holder.as_ref().map(|h| i64::from(h.pid)), Some(pid));
    assert!(
        st[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains(&format!("pg_terminate_backend({pid})")),
        "{st:?}"
    );

    for applied in [false, true] {
        let err = runner::resolve(&mut runner::Connection::from(&mut c), V1, applied, &opts())
            .await
            .expect_err("refused while it runs");
        let RunError::InProgress {
            version: V1,
            holder: Some(h),
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(i64::from(h.pid), pid);
        assert!(
            err.to_string().contains("may still be in progress"),
            "{err}"
        );
    }

    open_gate(gate).await;
    let done = run.await.expect("join").expect("the run completes");
    assert_eq!(done.applied.len(), 1);
    // Its history row survived the attempts, and says it succeeded.
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM migrate_history WHERE success AND finished_at IS NOT NULL"
        )
        .await,
        1
    );
    let st = runner::status(&mut runner::Connection::from(&mut c), &m, &opts())
        .await
        .expect("status");
    assert_eq!(st[0].state, State::Applied);
    assert!(matches!(
        runner::resolve(&mut runner::Connection::from(&mut c), V1, false, &opts()).await,
        Err(RunError::NotFailed { .. })
    ));
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn status_shows_a_transactional_migration_running_while_its_runner_applies_it() {
    let db = TestDb::new().await;
    let gate = close_gate(&db.url).await;
    let m = [src(V1, "fill_gate", "INSERT INTO gate VALUES (1);\n")];
    let (run, _) = spawn_up(&db.url, &m, &opts());
    let pid = runner_at_gate(&db.url, V1).await;
    let mut c = pg(&db.url).await;
    let st = runner::status(&mut runner::Connection::from(&mut c), &m, &opts())
        .await
        .expect("status");
    assert_eq!(st[0].state, State::Running, "{st:?}");
    assert_eq!(st[0].holder.as_ref().map(|h| i64::from(h.pid)), Some(pid));
    open_gate(gate).await;
    assert!(run.await.expect("join").is_ok());
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn started_at_is_when_a_transactional_migration_started() {
    // The migration notes the time between two pieces of work; its recorded start must come
    // before that note and its finish after.
    let db = TestDb::new().await;
    let m = [src(
        V1,
        "slow",
        "SELECT pg_sleep(0.02);\nCREATE TABLE mark AS SELECT clock_timestamp() AS t;\nSELECT pg_sleep(0.02);\n",
    )];
    let mut c = pg(&db.url).await;
    runner::up(
        &mut runner::Connection::from(&mut c),
        &m,
        &opts(),
        &mut |_| {},
    )
    .await
    .expect("applies");
    let ordered: bool = sqlx::query_scalar(
        "SELECT h.started_at < m.t AND m.t < h.finished_at FROM migrate_history h, mark m",
    )
    .fetch_one(&mut c)
    .await
    .expect("times");
    assert!(
        ordered,
        "started_at < the migration's own clock < finished_at"
    );

    let file = TestFile::new();
    let busy = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) FROM n;\n";
    let m = [src(
        V1,
        "slow",
        &format!(
            "{busy}CREATE TABLE mark AS SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS t;\n{busy}"
        ),
    )];
    let mut lite = SqliteConnection::connect(&file.url).await.expect("connect");
    runner::up(
        &mut runner::Connection::from(&mut lite),
        &m,
        &opts(),
        &mut |_| {},
    )
    .await
    .expect("applies");
    let (started, mark, finished): (String, String, String) =
        sqlx::query_as("SELECT h.started_at, m.t, h.finished_at FROM migrate_history h, mark m")
            .fetch_one(&mut lite)
            .await
            .expect("times");
    assert!(
        started < mark && mark < finished,
        "{started} < {mark} < {finished}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_schema_qualified_history_table_lives_in_its_schema() {
    let db = TestDb::new().await;
    let o = Options {
        history_table: "ops.migrate_history".into(),
        ..opts()
    };
    let m = [
        src(V1, "pets", "CREATE TABLE pets (id integer);\n"),
        src(
            V1 + 1,
            "pets_id",
            "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY pets_id ON pets (id);\n",
        ),
    ];
    let mut c = pg(&db.url).await;
    let done = runner::up(&mut runner::Connection::from(&mut c), &m, &o, &mut |_| {})
        .await
        .expect("applies");
    assert_eq!(done.applied.len(), 2);
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM ops.migrate_history WHERE success"
        )
        .await,
        2
    );
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM pg_class WHERE relname LIKE '%.%'"
        )
        .await,
        0,
        "no table named with a dot"
    );
    let st = runner::status(&mut runner::Connection::from(&mut c), &m, &o)
        .await
        .expect("status");
    assert!(st.iter().all(|s| s.state == State::Applied), "{st:?}");
    // The same name again: nothing to do; the plain name is another, empty history.
    let again = runner::up(&mut runner::Connection::from(&mut c), &m, &o, &mut |_| {})
        .await
        .expect("up to date");
    assert!(again.applied.is_empty());
    let plain = runner::status(&mut runner::Connection::from(&mut c), &m, &opts())
        .await
        .expect("status");
    assert!(plain.iter().all(|s| s.state == State::Pending));

    // Introspection skips that table, and only that one.
    let mut conn = migrate_core::db::Connection::connect(&db.url)
        .await
        .expect("connect");
    conn.execute("CREATE TABLE public.migrate_history_like (id integer)")
        .await
        .expect("table");
    let read = migrate_core::introspect::introspect(
        &mut conn,
        &migrate_core::introspect::Options {
            schemas: vec!["public".into(), "ops".into()],
            history_table: "ops.migrate_history".into(),
            ..Default::default()
        },
    )
    .await
    .expect("introspect");
    let mut names: Vec<&str> = read.tables.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["migrate_history_like", "pets"]);
    conn.close().await;

    // SQLite has no schemas: refused with the fix, before anything runs.
    let file = TestFile::new();
    let mut lite = SqliteConnection::connect(&file.url).await.expect("connect");
    let err = runner::up(
        &mut runner::Connection::from(&mut lite),
        &m[..1],
        &o,
        &mut |_| {},
    )
    .await
    .expect_err("refused");
    assert!(matches!(err, RunError::BadHistoryTable(_)), "{err:?}");
    assert!(err.to_string().contains("`ops_migrate_history`"), "{err}");
    db.close().await.expect("drop");
}
