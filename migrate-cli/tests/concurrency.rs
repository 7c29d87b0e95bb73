//! Runners that meet: `migrate up` processes started together on one database, runners waiting
//! for each other, `migrate resolve` and `migrate status` while a migration runs.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use migrate_core::migration::{MigrationDir, Version};
use migrate_tests::pg::TestDb;
use sqlx::Connection;
use tempfile::TempDir;

fn migrate(dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migrate"));
    cmd.current_dir(dir)
        .args(args)
        .args(["--database-url", url])
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

fn run(dir: &Path, url: &str, args: &[&str]) -> Output {
    migrate(dir, url, args).output().expect("migrate runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A project with `config` appended to its migrate.toml and the given `(name, sql)` files.
fn project(config: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!(
            "dialect = \"postgres\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n{config}"
        ),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), "").expect("schema");
    let mut md = MigrationDir::create(dir.path().join("migrations")).expect("migration dir");
    let start = Version::parse("20240101000000").expect("version");
    for (name, sql) in files {
        md.add_at(name, sql, start).expect("add migration");
    }
    dir
}

fn versions(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir.join("migrations"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .map(|n| n[..14].to_string())
        .collect();
    v.sort();
    v
}

async fn scalar(url: &str, sql: &str) -> i64 {
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut c)
        .await
        .expect(sql)
}

/// Polls `sql` (a count) until it is positive; bounded, so a hang fails instead of blocking.
async fn until(url: &str, sql: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    loop {
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut c).await.expect(sql);
        if n > 0 {
            return;
        }
        assert!(Instant::now() < deadline, "never observed: {sql}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn spawn_runners(dir: &Path, url: &str, n: usize, args: &[&str]) -> Vec<std::process::Child> {
    (0..n)
        .map(|_| {
            migrate(dir, url, args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect()
}

fn wait_all(children: Vec<std::process::Child>) -> Vec<Output> {
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("runner ends"))
        .collect()
}

/// Three generated-style index files (a comment header, then `CREATE INDEX CONCURRENTLY`).
fn cic_files() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "create_items_a_idx",
            "-- migrate:no-transaction\n-- Create index `items_a_idx` on `items`.\n--\n-- Runs statement by statement outside a transaction.\n\nCREATE INDEX CONCURRENTLY \"items_a_idx\" ON \"items\" (\"a\");\n",
        ),
        (
            "create_items_b_idx",
            "-- migrate:no-transaction\n-- Create index `items_b_idx` on `items`.\n\nCREATE INDEX CONCURRENTLY \"items_b_idx\" ON \"items\" (\"b\");\n",
        ),
        (
            "create_items_ab_idx",
            "-- migrate:no-transaction\n-- Create two indexes on `items`.\n\nCREATE INDEX CONCURRENTLY \"items_ab_idx\" ON \"items\" (\"a\", \"b\");\n\nCREATE UNIQUE INDEX CONCURRENTLY \"items_id_key\" ON \"items\" (\"id\");\n",
        ),
    ]
}

#[tokio::test(flavor = "current_thread")]
async fn eight_runners_build_concurrent_indexes_without_deadlock() {
    let db = TestDb::new().await;
    let mut files = vec![(
        "create_items",
        "CREATE TABLE items (id integer NOT NULL, a integer, b text);\n\
         INSERT INTO items SELECT g, g % 1000, md5(g::text) FROM generate_series(1, 300000) g;\n",
    )];
    files.extend(cic_files());
    let p = project("", &files);
    let outputs = tokio::task::spawn_blocking({
        let (dir, url) = (p.path().to_path_buf(), db.url.clone());
        move || wait_all(spawn_runners(&dir, &url, 8, &["up"]))
    })
    .await
    .expect("join");
    for o in &outputs {
        assert!(o.status.success(), "a runner failed:\n{}", text(o));
    }
    let applied: usize = outputs
        .iter()
        .map(|o| text(o).matches("applied  ").count())
        .sum();
    assert_eq!(applied, 4, "each migration applied by exactly one runner");
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM migrate_history WHERE success AND finished_at IS NOT NULL"
        )
        .await,
        4
    );
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE c.relname IN ('items_a_idx', 'items_b_idx', 'items_ab_idx', 'items_id_key') AND i.indisvalid"
        )
        .await,
        4,
        "every index built and valid"
    );
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM pg_index WHERE NOT indisvalid"
        )
        .await,
        0
    );
    db.close().await.expect("drop");
}

/// Locks the table `gate` (created if missing) in an open transaction: a migration writing to it
/// waits until [`open_gate`].
async fn close_gate(url: &str) -> sqlx::PgConnection {
    let mut setup = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::raw_sql("CREATE TABLE IF NOT EXISTS gate (id integer)")
        .execute(&mut setup)
        .await
        .expect("gate");
    let mut gate = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::raw_sql("BEGIN; LOCK TABLE gate IN ACCESS EXCLUSIVE MODE")
        .execute(&mut gate)
        .await
        .expect("close the gate");
    gate
}

async fn open_gate(mut gate: sqlx::PgConnection) {
    sqlx::raw_sql("COMMIT")
        .execute(&mut gate)
        .await
        .expect("open the gate");
}

/// The backend of this database's session waiting at the gate.
async fn at_gate(url: &str) -> i64 {
    until(
        url,
        "SELECT COALESCE((SELECT pid::int8 FROM pg_stat_activity WHERE datname = current_database() \
         AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO gate%' LIMIT 1), 0)",
    )
    .await;
    scalar(
        url,
        "SELECT pid::int8 FROM pg_stat_activity WHERE datname = current_database() \
         AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO gate%' LIMIT 1",
    )
    .await
}

/// Waits for a child, at most a minute: a runner that never ends fails the test.
fn finish(mut child: std::process::Child) -> Output {
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("reaped");
            panic!("the runner never ended:\n{}", text(&out));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[tokio::test(flavor = "current_thread")]
async fn a_waiting_runner_names_the_holder_and_gives_up_after_runner_lock_timeout() {
    let db = TestDb::new().await;
    let gate = close_gate(&db.url).await;
    let p = project(
        "runner_lock_timeout = \"1s\"\n",
        &[(
            "fill_gate",
            "-- Wait at the gate.\nINSERT INTO gate VALUES (1);\n",
        )],
    );
    let v = &versions(p.path())[0];
    let first = spawn_runners(p.path(), &db.url, 1, &["up"]).remove(0);
    let pid = at_gate(&db.url).await;

    let (dir, url) = (p.path().to_path_buf(), db.url.clone());
    let second = tokio::task::spawn_blocking(move || {
        (
            finish(spawn_runners(&dir, &url, 1, &["up"]).remove(0)),
            finish(spawn_runners(&dir, &url, 1, &["up", "--format", "json"]).remove(0)),
        )
    })
    .await
    .expect("join");
    let (plain, json) = second;
    let t = text(&plain);
    assert_eq!(plain.status.code(), Some(1), "{t}");
    assert!(
        t.contains(&format!(
            "waiting for another runner: PID {pid} (applying {v}_fill_gate, running `-- Wait at the gate. INSERT INTO gate VALUES (1);` since "
        )),
        "{t}"
    );
    assert!(t.contains("waiting up to 1 s (runner_lock_timeout)"), "{t}");
    assert!(
        t.contains("gave up after waiting 1 s for another runner"),
        "{t}"
    );
    assert!(t.contains(&format!("pg_terminate_backend({pid})")), "{t}");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines[0]["event"], "waiting", "{lines:?}");
    assert_eq!(lines[0]["holder"]["pid"], pid, "{lines:?}");
    assert_eq!(lines[0]["timeout_ms"], 1000, "{lines:?}");
    assert_eq!(lines.last().expect("an outcome")["ok"], false, "{lines:?}");

    open_gate(gate).await;
    let first = tokio::task::spawn_blocking(move || finish(first))
        .await
        .expect("join");
    assert!(first.status.success(), "{}", text(&first));
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn resolve_refuses_a_migration_still_running() {
    let db = TestDb::new().await;
    let gate = close_gate(&db.url).await;
    let p = project(
        "",
        &[(
            "fill_gate_online",
            "-- migrate:no-transaction\n-- Wait at the gate.\nINSERT INTO gate VALUES (1);\n",
        )],
    );
    let v = versions(p.path())[0].clone();
    let runner = spawn_runners(p.path(), &db.url, 1, &["up"]).remove(0);
    let pid = at_gate(&db.url).await;

    let status = run(p.path(), &db.url, &["status"]);
    let t = text(&status);
    assert!(t.contains(&format!("{v}  running")), "{t}");
    assert!(t.contains(&format!("pg_terminate_backend({pid})")), "{t}");
    for outcome in ["--rolled-back", "--applied"] {
        let out = run(p.path(), &db.url, &["resolve", &v, outcome]);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "{t}");
        assert!(t.contains("may still be in progress"), "{t}");
        assert!(t.contains(&format!("PID {pid}")), "{t}");
    }

    open_gate(gate).await;
    let out = tokio::task::spawn_blocking(move || finish(runner))
        .await
        .expect("join");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM migrate_history WHERE success AND finished_at IS NOT NULL"
        )
        .await,
        1,
        "the running migration kept its history row"
    );
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn a_dotted_history_table_is_schema_qualified() {
    let db = TestDb::new().await;
    let p = project(
        "history_table = \"ops.migrate_history\"\n",
        &[("pets", "CREATE TABLE pets (id integer);\n")],
    );
    let out = run(p.path(), &db.url, &["up"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM ops.migrate_history WHERE success"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &db.url,
            "SELECT COUNT(*) FROM pg_class WHERE relname = 'ops.migrate_history'"
        )
        .await,
        0
    );
    let status = run(p.path(), &db.url, &["status"]);
    assert!(text(&status).contains("applied"), "{}", text(&status));

    let lite = tempfile::tempdir().expect("temp");
    fs::write(
        lite.path().join("migrate.toml"),
        "dialect = \"sqlite\"\nhistory_table = \"ops.migrate_history\"\n",
    )
    .expect("config");
    let url = format!("sqlite://{}/x.db?mode=rwc", lite.path().display());
    let out = run(lite.path(), &url, &["up"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("SQLite has no schemas"), "{t}");
    assert!(t.contains("`ops_migrate_history`"), "{t}");
    db.close().await.expect("drop");
}
