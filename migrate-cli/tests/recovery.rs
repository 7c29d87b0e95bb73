//! Recovering from a no-transaction migration that stopped part-way: a statement that failed, a
//! session the server terminated, a runner killed with SIGKILL. Each time the message names the
//! migration, the statement's real line and each INVALID index, `status` tells running from
//! failed from interrupted, and following the printed commands word for word reaches a clean run.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use migrate_core::migration::{MigrationDir, Version};
use migrate_tests::pg::TestDb;
use sqlx::{Connection, PgConnection};
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

fn spawn(dir: &Path, url: &str, args: &[&str]) -> Child {
    migrate(dir, url, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Two tables of 20,000 rows: `items.a` repeats, `tags.b` is unique.
const ITEMS: &str = "CREATE TABLE items (id integer NOT NULL, a integer);\n\
    INSERT INTO items SELECT g, g % 100 FROM generate_series(1, 20000) g;\n\
    CREATE TABLE tags (id integer NOT NULL, b integer);\n\
    INSERT INTO tags SELECT g, g FROM generate_series(1, 20000) g;\n";

/// The index file: a header of comments, then two `CREATE INDEX CONCURRENTLY` on lines 7 and 9.
const INDEXES: &str = "-- migrate:no-transaction\n\
-- Create index `items_a_idx` on `items`.\n\
-- Create index `items_b_key` on `tags`.\n\
--\n\
-- Runs statement by statement outside a transaction, so no step holds a long lock.\n\
\n\
CREATE INDEX CONCURRENTLY \"items_a_idx\" ON \"items\" (\"a\");\n\
\n\
CREATE UNIQUE INDEX CONCURRENTLY \"items_b_key\" ON \"tags\" (\"b\");\n";

fn project(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        "dialect = \"postgres\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n",
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

/// The version of the index file (the second migration).
const V: &str = "20240101000001";

async fn scalar(url: &str, sql: &str) -> i64 {
    let mut c = PgConnection::connect(url).await.expect("connect");
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut c)
        .await
        .expect(sql)
}

/// Polls `sql` (a count, or a pid) until it is positive and returns it, at most a minute.
async fn until(url: &str, sql: &str) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut c = PgConnection::connect(url).await.expect("connect");
    loop {
        let n: Option<i64> = sqlx::query_scalar(sql)
            .fetch_optional(&mut c)
            .await
            .expect(sql);
        if let Some(n) = n.filter(|&n| n > 0) {
            return n;
        }
        assert!(Instant::now() < deadline, "never observed: {sql}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// `(name, valid)` of each index of `items` and `tags`, by name.
async fn indexes(url: &str) -> Vec<(String, bool)> {
    let mut c = PgConnection::connect(url).await.expect("connect");
    sqlx::query_as(
        "SELECT c.relname::text, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE i.indrelid IN ('items'::regclass, 'tags'::regclass) ORDER BY 1",
    )
    .fetch_all(&mut c)
    .await
    .expect("indexes")
}

/// Does what `help` says, word for word: every backticked `DROP INDEX ...;` through SQL, then the
/// first backticked `migrate resolve ...` through the binary. Returns the commands run.
async fn follow(dir: &Path, url: &str, help: &str) -> Vec<String> {
    let commands: Vec<&str> = help.split('`').skip(1).step_by(2).collect();
    let mut done = Vec::new();
    let mut c = PgConnection::connect(url).await.expect("connect");
    for sql in commands.iter().filter(|c| c.starts_with("DROP INDEX")) {
        sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
        done.push(sql.to_string());
    }
    let resolve = commands
        .iter()
        .find(|c| c.starts_with("migrate resolve "))
        .unwrap_or_else(|| panic!("no `migrate resolve` in: {help}"));
    let args: Vec<&str> = resolve.split_whitespace().skip(1).collect();
    let out = run(dir, url, &args);
    assert!(out.status.success(), "{resolve}: {}", text(&out));
    done.push(resolve.to_string());
    done
}

/// The `help:` of a failed run (text output).
fn help_of(out: &Output) -> String {
    let t = text(out);
    t.split("help: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no help in:\n{t}"))
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// The final state: both migrations recorded once, both indexes valid.
async fn clean(url: &str) {
    assert_eq!(
        scalar(
            url,
            "SELECT COUNT(*) FROM migrate_history WHERE success AND finished_at IS NOT NULL"
        )
        .await,
        2
    );
    assert_eq!(
        indexes(url).await,
        [
            ("items_a_idx".to_string(), true),
            ("items_b_key".to_string(), true)
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_concurrent_index_names_its_line_its_invalid_index_and_the_way_back() {
    let db = TestDb::new().await;
    // `b` repeats: the unique index fails.
    let dup = ITEMS.replace("SELECT g, g FROM", "SELECT g, g % 19999 FROM");
    let p = project(&[("items", &dup), ("items_indexes", INDEXES)]);
    let out = run(p.path(), &db.url, &["up"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains(&format!("migration {V}_items_indexes failed at line 9:")),
        "the statement's real line: {t}"
    );
    let help = help_of(&out);
    assert!(
        help.starts_with("statement 2 of 2 (line 9) failed; statement 1 ran and stays applied"),
        "{help}"
    );
    assert!(
        help.contains("The index \"items_b_key\" (line 9) is INVALID"),
        "{help}"
    );
    assert!(
        help.contains(&format!(
            "`DROP INDEX CONCURRENTLY IF EXISTS \"items_b_key\";`, then `DROP INDEX CONCURRENTLY IF EXISTS \"items_a_idx\";`, then `migrate resolve {V} --rolled-back`, then `migrate up`"
        )),
        "{help}"
    );
    assert_eq!(
        indexes(&db.url).await,
        [
            ("items_a_idx".to_string(), true),
            ("items_b_key".to_string(), false)
        ]
    );
    // The same advice from `status` and from the next `up`.
    let status = run(p.path(), &db.url, &["status"]);
    assert!(
        text(&status).contains(&format!("{V}  failed")),
        "{}",
        text(&status)
    );
    assert!(
        text(&status).contains("\"items_b_key\" (line 9) is INVALID"),
        "{}",
        text(&status)
    );
    let again = run(p.path(), &db.url, &["up"]);
    assert_eq!(again.status.code(), Some(1));
    let commands = |h: &str| {
        h.split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(commands(&help_of(&again)), commands(&help));

    // Fix the cause, then do as told.
    let mut c = PgConnection::connect(&db.url).await.expect("connect");
    sqlx::raw_sql("UPDATE tags SET b = id")
        .execute(&mut c)
        .await
        .expect("fix the data");
    follow(p.path(), &db.url, &help).await;
    let fixed = run(p.path(), &db.url, &["up"]);
    assert!(fixed.status.success(), "{}", text(&fixed));
    clean(&db.url).await;
    db.close().await.expect("drop");
}

/// Holds an uncommitted write to `table`: `CREATE INDEX CONCURRENTLY` on it creates its index,
/// then waits for that transaction before it builds it, leaving the index INVALID meanwhile.
async fn hold_writer(url: &str, table: &str) -> PgConnection {
    let mut c = PgConnection::connect(url).await.expect("connect");
    sqlx::raw_sql(&format!("BEGIN; INSERT INTO {table} VALUES (0, 0)"))
        .execute(&mut c)
        .await
        .expect("an open write");
    c
}

async fn rollback(mut c: PgConnection) {
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut c)
        .await
        .expect("end the write");
}

/// The backend building `index` concurrently, once it waits for the snapshot.
async fn building(url: &str, index: &str) -> i64 {
    until(
        url,
        &format!(
            "SELECT COALESCE((SELECT pid::int8 FROM pg_stat_activity WHERE datname = current_database() \
             AND wait_event = 'virtualxid' AND query LIKE 'CREATE%INDEX CONCURRENTLY \"{index}\"%' LIMIT 1), 0)"
        ),
    )
    .await
}

async fn gone(url: &str, pid: i64) {
    until(
        url,
        &format!(
            "SELECT (NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = {pid}))::int::int8"
        ),
    )
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_terminated_session_is_named_recorded_and_recoverable() {
    let db = TestDb::new().await;
    let p = project(&[("items", ITEMS), ("items_indexes", INDEXES)]);
    assert!(
        run(p.path(), &db.url, &["up", "--to", "20240101000000"])
            .status
            .success()
    );
    let writer = hold_writer(&db.url, "tags").await;
    let runner = spawn(p.path(), &db.url, &["up"]);
    let pid = building(&db.url, "items_b_key").await;
    assert_eq!(
        scalar(
            &db.url,
            &format!("SELECT pg_terminate_backend({pid})::int::int8")
        )
        .await,
        1
    );
    let out = tokio::task::spawn_blocking(move || runner.wait_with_output().expect("ends"))
        .await
        .expect("join");
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains(&format!(
            "migration {V}_items_indexes stopped at line 9: the database ended this runner's session"
        )),
        "{t}"
    );
    assert!(
        t.contains("terminating connection due to administrator command"),
        "{t}"
    );
    let help = help_of(&out);
    assert!(
        help.contains("The index \"items_b_key\" (line 9) is INVALID"),
        "{help}"
    );
    // The stop is in the history.
    let mut c = PgConnection::connect(&db.url).await.expect("connect");
    let error: Option<String> = sqlx::query_scalar(&format!(
        "SELECT error FROM migrate_history WHERE version = {V}"
    ))
    .fetch_one(&mut c)
    .await
    .expect("row");
    let error = error.expect("a recorded error");
    assert!(
        error.contains(&format!("{V}_items_indexes stopped at line 9")),
        "{error}"
    );
    let status = run(p.path(), &db.url, &["status"]);
    assert!(
        text(&status).contains(&format!("{V}  failed")),
        "{}",
        text(&status)
    );

    rollback(writer).await;
    follow(p.path(), &db.url, &help).await;
    let fixed = run(p.path(), &db.url, &["up"]);
    assert!(fixed.status.success(), "{}", text(&fixed));
    clean(&db.url).await;
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn a_killed_runner_shows_running_then_interrupted_with_the_way_back() {
    let db = TestDb::new().await;
    let p = project(&[("items", ITEMS), ("items_indexes", INDEXES)]);
    assert!(
        run(p.path(), &db.url, &["up", "--to", "20240101000000"])
            .status
            .success()
    );
    let writer = hold_writer(&db.url, "items").await;
    let mut runner = spawn(p.path(), &db.url, &["up"]);
    let pid = building(&db.url, "items_a_idx").await;
    runner.kill().expect("SIGKILL");
    runner.wait().expect("reaped");

    // Its backend goes on building the index: the migration is still running.
    let status = run(p.path(), &db.url, &["status"]);
    let t = text(&status);
    assert!(t.contains(&format!("{V}  running")), "{t}");
    assert!(t.contains(&format!("PID {pid}")), "{t}");
    let resolve = run(p.path(), &db.url, &["resolve", V, "--rolled-back"]);
    assert_eq!(resolve.status.code(), Some(1), "{}", text(&resolve));

    // The orphaned backend is terminated part-way: the index stays INVALID, no error is recorded.
    assert_eq!(
        scalar(
            &db.url,
            &format!("SELECT pg_terminate_backend({pid})::int::int8")
        )
        .await,
        1
    );
    gone(&db.url, pid).await;
    rollback(writer).await;
    let status = run(p.path(), &db.url, &["status"]);
    let t = text(&status);
    assert_eq!(status.status.code(), Some(1), "{t}");
    assert!(t.contains(&format!("{V}  interrupted")), "{t}");
    assert!(
        t.contains("Its runner stopped part-way without recording an error (the process was killed, or it lost its connection)"),
        "{t}"
    );
    assert!(t.contains("drift: not checked"), "{t}");
    let up = run(p.path(), &db.url, &["up"]);
    let help = help_of(&up);
    assert_eq!(up.status.code(), Some(1), "{}", text(&up));
    assert!(text(&up).contains("[dirty]"), "{}", text(&up));
    assert!(
        help.contains("The index \"items_a_idx\" (line 7) is INVALID"),
        "{help}"
    );
    assert_eq!(
        follow(p.path(), &db.url, &help).await,
        [
            "DROP INDEX CONCURRENTLY IF EXISTS \"items_a_idx\";".to_string(),
            format!("migrate resolve {V} --rolled-back")
        ]
    );
    let fixed = run(p.path(), &db.url, &["up"]);
    assert!(fixed.status.success(), "{}", text(&fixed));
    clean(&db.url).await;
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn a_runner_killed_after_its_last_index_is_told_to_record_it() {
    let db = TestDb::new().await;
    let p = project(&[("items", ITEMS), ("items_indexes", INDEXES)]);
    assert!(
        run(p.path(), &db.url, &["up", "--to", "20240101000000"])
            .status
            .success()
    );
    let writer = hold_writer(&db.url, "tags").await;
    let mut runner = spawn(p.path(), &db.url, &["up"]);
    let pid = building(&db.url, "items_b_key").await;
    runner.kill().expect("SIGKILL");
    runner.wait().expect("reaped");
    // The orphaned backend finishes the build once the write is gone, then finds no client.
    rollback(writer).await;
    gone(&db.url, pid).await;
    let up = run(p.path(), &db.url, &["up"]);
    let help = help_of(&up);
    assert!(
        help.contains(&format!(
            "Every index this file builds exists and is valid: the file completed before its runner stopped. Record it: `migrate resolve {V} --applied`"
        )),
        "{help}"
    );
    assert_eq!(
        follow(p.path(), &db.url, &help).await,
        [format!("migrate resolve {V} --applied")]
    );
    let fixed = run(p.path(), &db.url, &["up"]);
    assert!(fixed.status.success(), "{}", text(&fixed));
    clean(&db.url).await;
    db.close().await.expect("drop");
}
