//! `migrate up` as processes against real databases: concurrency, a killed runner, integrity
//! refusals before any SQL, and passwords kept out of every output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use migrate_core::migration::{MigrationDir, Version};
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
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

/// A project whose migrations are the given `(name, sql)` files, versions one second apart.
fn project(dialect: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!("dialect = \"{dialect}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\nlock_timeout = \"2s\"\n"),
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

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir.join("migrations"))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    v.sort();
    v
}

async fn pg_scalar(url: &str, sql: &str) -> i64 {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut c)
        .await
        .expect(sql)
}

fn thirty() -> Vec<(String, String)> {
    (0..30)
        .map(|i| {
            (
                format!("create_t{i:02}"),
                format!("-- Table number {i}.\nCREATE TABLE t{i:02} (id integer PRIMARY KEY, note text);\nINSERT INTO t{i:02} VALUES (1, 'one; two');\n"),
            )
        })
        .collect()
}

fn eight_runners(dir: &Path, url: &str) -> Vec<Output> {
    let children: Vec<_> = (0..8)
        .map(|_| {
            migrate(dir, url, &["up"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("runner ends"))
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn eight_runners_apply_thirty_migrations_once_on_postgres() {
    let db = TestDb::new().await;
    let files = thirty();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, s)| (n.as_str(), s.as_str()))
        .collect();
    let p = project("postgres", &refs);
    let outputs = tokio::task::spawn_blocking({
        let (dir, url) = (p.path().to_path_buf(), db.url.clone());
        move || eight_runners(&dir, &url)
    })
    .await
    .expect("join");
    for o in &outputs {
        assert!(o.status.success(), "a runner failed:\n{}", text(o));
    }
    let applied_lines: usize = outputs
        .iter()
        .map(|o| text(o).matches("applied  ").count())
        .sum();
    assert_eq!(
        applied_lines, 30,
        "each migration applied by exactly one runner"
    );
    assert_eq!(
        pg_scalar(&db.url, "SELECT COUNT(*) FROM migrate_history").await,
        30
    );
    assert_eq!(
        pg_scalar(
            &db.url,
            "SELECT COUNT(DISTINCT version) FROM migrate_history WHERE success"
        )
        .await,
        30
    );
    assert_eq!(pg_scalar(&db.url, "SELECT COUNT(*) FROM t29").await, 1);
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn eight_runners_apply_thirty_migrations_once_on_sqlite() {
    let file = TestFile::new();
    let files = thirty();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, s)| (n.as_str(), s.as_str()))
        .collect();
    let p = project("sqlite", &refs);
    let outputs = eight_runners(p.path(), &file.url);
    for o in &outputs {
        assert!(o.status.success(), "a runner failed:\n{}", text(o));
    }
    let applied_lines: usize = outputs
        .iter()
        .map(|o| text(o).matches("applied  ").count())
        .sum();
    assert_eq!(
        applied_lines, 30,
        "each migration applied by exactly one runner"
    );
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(&file.url)
        .await
        .expect("connect");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT version) FROM migrate_history")
        .fetch_one(&mut c)
        .await
        .expect("count");
    assert_eq!(n, 30);
}

#[tokio::test(flavor = "current_thread")]
async fn a_killed_runner_leaves_no_trace_and_the_next_run_applies() {
    let db = TestDb::new().await;
    // The server notices a vanished client within 100 ms even mid-query.
    {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&db.url).await.expect("connect");
        sqlx::raw_sql(&format!(
            "ALTER DATABASE \"{}\" SET client_connection_check_interval = '100ms'",
            db.name
        ))
        .execute(&mut c)
        .await
        .expect("set check interval");
    }
    let p = project(
        "postgres",
        &[(
            "slow",
            "CREATE TABLE victim (id integer);\nINSERT INTO victim VALUES (1);\nSELECT pg_sleep(3);\n",
        )],
    );
    let mut child = migrate(p.path(), &db.url, &["up"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Wait (bounded) until the migration is running on the server, then kill the runner.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let running = pg_scalar(
            &db.url,
            "SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND state = 'active' AND pid <> pg_backend_pid()",
        )
        .await;
        if running > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the migration never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    // The server rolls the transaction back once it sees the client gone.
    let deadline = Instant::now() + Duration::from_secs(30);
    while pg_scalar(&db.url, "SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()").await > 0 {
        assert!(Instant::now() < deadline, "the killed runner's session never ended");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        pg_scalar(
            &db.url,
            "SELECT COUNT(*) FROM pg_class WHERE relname = 'victim'"
        )
        .await,
        0,
        "no table"
    );
    assert_eq!(pg_scalar(&db.url, "SELECT COUNT(*) FROM pg_class WHERE relname = 'migrate_history' AND EXISTS (SELECT 1 FROM migrate_history)").await, 0, "no history row");

    let again = run(p.path(), &db.url, &["up"]);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(pg_scalar(&db.url, "SELECT COUNT(*) FROM victim").await, 1);
    db.close().await.expect("drop");
}

/// Applies `first`, adds a pending `second` that creates `t2`, tampers, and expects a refusal
/// naming `needle` with `t2` never created.
async fn refuses_before_any_sql(tamper: impl FnOnce(&Path, &[PathBuf]), needle: &str) {
    let db = TestDb::new().await;
    let p = project("postgres", &[("first", "CREATE TABLE t1 (id integer);\n")]);
    assert!(run(p.path(), &db.url, &["up"]).status.success());
    let mut md = MigrationDir::open(p.path().join("migrations")).expect("open");
    md.add_at(
        "second",
        "CREATE TABLE t2 (id integer);\n",
        Version::parse("20240101000000").expect("v"),
    )
    .expect("add");
    let files = sql_files(p.path());
    tamper(p.path(), &files);
    let out = run(p.path(), &db.url, &["up"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(needle),
        "want `{needle}` in:\n{}",
        text(&out)
    );
    assert_eq!(
        pg_scalar(
            &db.url,
            "SELECT COUNT(*) FROM pg_class WHERE relname = 't2'"
        )
        .await,
        0,
        "nothing ran"
    );
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn an_edited_applied_migration_is_refused() {
    // Edited, manifest not re-recorded: the directory check names it.
    refuses_before_any_sql(
        |_, files| fs::write(&files[0], "CREATE TABLE t1 (id bigint);\n").expect("edit"),
        "[edited]",
    )
    .await;
    // Edited and re-recorded with `migrate hash`: the history's checksum names it.
    refuses_before_any_sql(
        |dir, files| {
            fs::write(&files[0], "CREATE TABLE t1 (id bigint);\n").expect("edit");
            MigrationDir::open(dir.join("migrations"))
                .expect("open")
                .rehash()
                .expect("rehash");
        },
        "[modified]",
    )
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn missing_unlisted_and_vanished_migrations_are_refused() {
    refuses_before_any_sql(
        |_, files| fs::remove_file(&files[0]).expect("rm"),
        "[missing]",
    )
    .await;
    refuses_before_any_sql(
        |dir, _| {
            fs::write(
                dir.join("migrations/20991231000000_stray.sql"),
                "CREATE TABLE t2 (id int);\n",
            )
            .expect("write")
        },
        "[unlisted]",
    )
    .await;
    // Deleted and the manifest re-recorded: the database still remembers it.
    refuses_before_any_sql(
        |dir, files| {
            fs::remove_file(&files[0]).expect("rm");
            MigrationDir::open(dir.join("migrations"))
                .expect("open")
                .rehash()
                .expect("rehash");
        },
        "was applied, and its file is gone",
    )
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_no_transaction_migration_is_dirty_until_resolved() {
    let db = TestDb::new().await;
    let p = project(
        "postgres",
        &[
            (
                "base",
                "CREATE TABLE pets (name text);\nINSERT INTO pets VALUES ('a'), ('a');\n",
            ),
            (
                "index",
                "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY pets_plain ON pets (name);\nCREATE UNIQUE INDEX CONCURRENTLY pets_name_key ON pets (name);\n",
            ),
        ],
    );
    let out = run(p.path(), &db.url, &["up"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("DROP INDEX CONCURRENTLY IF EXISTS pets_name_key"),
        "{t}"
    );
    assert!(t.contains("line 3"), "the failing statement's line: {t}");
    // The first statement stays applied; the failed run is recorded.
    assert_eq!(
        pg_scalar(
            &db.url,
            "SELECT COUNT(*) FROM pg_class WHERE relname = 'pets_plain'"
        )
        .await,
        1
    );
    let again = run(p.path(), &db.url, &["up"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again).contains("[dirty]"), "{}", text(&again));
    let status = run(p.path(), &db.url, &["status"]);
    assert!(text(&status).contains("failed"), "{}", text(&status));

    // Repair by hand, forget the failed run, run it again (its statements are repeatable now).
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    sqlx::raw_sql("DROP INDEX pets_name_key; DROP INDEX pets_plain; DELETE FROM pets WHERE ctid <> (SELECT min(ctid) FROM pets)")
        .execute(&mut c)
        .await
        .expect("repair");
    let versions = sql_files(p.path());
    let v = versions[1].file_name().expect("name").to_string_lossy()[..14].to_string();
    assert!(
        run(p.path(), &db.url, &["resolve", &v, "--rolled-back"])
            .status
            .success()
    );
    let fixed = run(p.path(), &db.url, &["up"]);
    assert!(fixed.status.success(), "{}", text(&fixed));
    assert_eq!(pg_scalar(&db.url, "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'pets_name_key' AND i.indisvalid").await, 1);
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn passwords_never_appear_in_output() {
    let db = TestDb::new().await;
    let secret = "s3cr3t-Pa55";
    // The test server trusts local connections, so any password is accepted and must be hidden.
    let url = db
        .url
        .replacen("://", &format!("://postgres:{secret}@"), 1)
        .replacen(&format!("{secret}@postgres@"), &format!("{secret}@"), 1);
    let p = project(
        "postgres",
        &[(
            "boom",
            "CREATE TABLE ok (id int);\nSELECT * FROM no_such_table;\n",
        )],
    );
    let mut outputs = vec![
        run(p.path(), &url, &["up"]),
        run(p.path(), &url, &["up", "--format", "json"]),
        run(p.path(), &url, &["up", "--dry-run"]),
        run(p.path(), &url, &["status"]),
        run(p.path(), &url, &["status", "--format", "json"]),
    ];
    let bad_db = url
        .rsplit_once('/')
        .map(|(base, _)| format!("{base}/no_such_database"))
        .expect("url has a path");
    outputs.push(run(p.path(), &bad_db, &["up"]));
    outputs.push(run(p.path(), &bad_db, &["status", "--format", "json"]));
    for o in &outputs {
        let t = text(o);
        assert!(!t.contains(secret), "password leaked:\n{t}");
    }
    assert!(
        text(&outputs[0]).contains("no_such_table"),
        "the failure is still explained"
    );
    assert_eq!(
        outputs[5].status.code(),
        Some(2),
        "a connection failure is exit 2: {}",
        text(&outputs[5])
    );
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn env_selects_secure_content_never_printed_and_logs_json_lines() {
    let db = TestDb::new().await;
    let p = project(
        "postgres",
        &[
            ("users", "CREATE TABLE users (token text);\n"),
            (
                "seed_tokens",
                "-- Seed tokens; the content lives in each environment.\n",
            ),
        ],
    );
    let secure = p.path().join("secure");
    fs::create_dir(&secure).expect("secure dir");
    let placeholder = sql_files(p.path())[1].file_name().expect("name").to_owned();
    fs::write(
        secure.join(&placeholder),
        "INSERT INTO users VALUES ('tok-TOPSECRET');\n",
    )
    .expect("secure");
    let config = fs::read_to_string(p.path().join("migrate.toml")).expect("config");
    fs::write(
        p.path().join("migrate.toml"),
        format!("{config}\n[environments.prod]\nextra_migration_paths = [\"secure\"]\n"),
    )
    .expect("config");

    let dry = run(p.path(), &db.url, &["up", "--env", "prod", "--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry));
    let out = run(
        p.path(),
        &db.url,
        &["up", "--env", "prod", "--format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out));
    for o in [&dry, &out] {
        assert!(
            !text(o).contains("TOPSECRET"),
            "secure content printed:\n{}",
            text(o)
        );
    }
    // Every stdout line is one JSON object.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(events.iter().filter(|e| e["event"] == "applied").count(), 2);
    assert_eq!(events.last().expect("done")["event"], "done");
    assert_eq!(
        pg_scalar(
            &db.url,
            "SELECT COUNT(*) FROM users WHERE token = 'tok-TOPSECRET'"
        )
        .await,
        1
    );

    // Without the environment the repository's placeholder is what ran elsewhere: here the
    // recorded checksum (of the secure content) no longer matches, and the run refuses.
    let plain = run(p.path(), &db.url, &["up"]);
    assert_eq!(plain.status.code(), Some(1), "{}", text(&plain));
    assert!(text(&plain).contains("[modified]"), "{}", text(&plain));
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn status_reports_drift_from_what_the_migrations_produce() {
    for sqlite in [false, true] {
        let file = TestFile::new();
        let db = if sqlite {
            None
        } else {
            Some(TestDb::new().await)
        };
        let url = db.as_ref().map_or(file.url.clone(), |d| d.url.clone());
        let p = project(if sqlite { "sqlite" } else { "postgres" }, &[]);
        fs::write(
            p.path().join("schema.toml"),
            "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"integer\", primary_key = true }\nname = { type = \"text\", default = \"'x'\" }\n",
        )
        .expect("schema");
        assert!(run(p.path(), &url, &["generate"]).status.success());
        let pending = run(p.path(), &url, &["status"]);
        assert!(
            text(&pending).contains("not checked while migrations are pending"),
            "{}",
            text(&pending)
        );
        assert!(run(p.path(), &url, &["up"]).status.success());
        let clean = run(p.path(), &url, &["status"]);
        assert!(clean.status.success(), "{}", text(&clean));
        assert!(text(&clean).contains("drift: none"), "{}", text(&clean));

        // Changed by hand.
        let sql = "ALTER TABLE pets ADD COLUMN secret_notes text";
        if let Some(db) = &db {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&db.url).await.expect("connect");
            sqlx::raw_sql(sql).execute(&mut c).await.expect("alter");
        } else {
            use sqlx::Connection;
            let mut c = sqlx::SqliteConnection::connect(&file.url)
                .await
                .expect("connect");
            sqlx::raw_sql(sql).execute(&mut c).await.expect("alter");
        }
        // Drift is reported; it exits 1 only when asked (as `diff --exit-code`).
        let drifted = run(p.path(), &url, &["status"]);
        assert_eq!(drifted.status.code(), Some(0), "{}", text(&drifted));
        let asked = run(p.path(), &url, &["status", "--exit-code"]);
        assert_eq!(asked.status.code(), Some(1), "{}", text(&asked));
        assert!(
            text(&drifted).contains("no migration names `secret_notes`: changed by hand?"),
            "{}",
            text(&drifted)
        );
        assert!(
            text(&drifted).contains("secret_notes"),
            "{}",
            text(&drifted)
        );
        let json = run(p.path(), &url, &["status", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
        assert_eq!(v["ok"], false);
        assert!(
            v["drift"][0]
                .as_str()
                .expect("a line")
                .contains("secret_notes"),
            "{v}"
        );
        if let Some(db) = db {
            db.close().await.expect("drop");
        }
    }
}

async fn sqlite_scalar(url: &str, sql: &str) -> i64 {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut c)
        .await
        .expect(sql)
}

/// `n` migrations that each create `tNNN` with a foreign key to the table before it and a row
/// pointing at that table's row.
fn chain(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let parent = if i == 0 {
                String::new()
            } else {
                format!(", parent integer REFERENCES t{:03} (id)", i - 1)
            };
            let value = if i == 0 { "1" } else { "1, 1" };
            (
                format!("create_t{i:03}"),
                format!(
                    "CREATE TABLE t{i:03} (id integer PRIMARY KEY{parent});\nINSERT INTO t{i:03} VALUES ({value});\n"
                ),
            )
        })
        .collect()
}

/// The `tNNN` tables that exist, and the history rows: equal when no migration is half there.
async fn tables_and_history(url: &str) -> (i64, i64) {
    let tables = sqlite_scalar(
        url,
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name GLOB 't[0-9][0-9][0-9]'",
    )
    .await;
    let recorded = sqlite_scalar(
        url,
        "SELECT count(*) FROM sqlite_master WHERE name = 'migrate_history'",
    )
    .await;
    let history = if recorded == 0 {
        0
    } else {
        sqlite_scalar(url, "SELECT count(*) FROM migrate_history WHERE success").await
    };
    (tables, history)
}

#[tokio::test(flavor = "current_thread")]
async fn a_failing_sqlite_migration_leaves_the_ones_before_it_applied_and_recorded() {
    // The 6th of 8 fails, once in its SQL and once in its foreign-key check: 1 to 5 stay
    // applied and recorded, the 6th leaves nothing, the 7th and 8th are not run.
    let failing = [
        "CREATE TABLE t005 (id integer PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n",
        "CREATE TABLE t005 (id integer PRIMARY KEY, parent integer REFERENCES t004 (id));\nINSERT INTO t005 VALUES (1, 99);\n",
    ];
    for bad in failing {
        let file = TestFile::new();
        let mut files = chain(8);
        files[5].1 = bad.to_string();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_str()))
            .collect();
        let p = project("sqlite", &refs);
        let out = run(p.path(), &file.url, &["up"]);
        let shown = text(&out);
        assert!(!out.status.success(), "the 6th migration fails:\n{shown}");
        assert!(
            shown.contains("committed 5 migrations"),
            "says what it committed:\n{shown}"
        );
        assert_eq!(
            tables_and_history(&file.url).await,
            (5, 5),
            "1 to 5 applied and recorded, nothing of the 6th:\n{shown}"
        );
        assert_eq!(
            sqlite_scalar(&file.url, "SELECT count(*) FROM pragma_foreign_key_check").await,
            0
        );
        // Fixed (never applied anywhere): the rerun applies the rest.
        let sixth = &sql_files(p.path())[5];
        fs::write(sixth, &chain(8)[5].1).expect("fix the 6th");
        let hashed = run(p.path(), &file.url, &["hash"]);
        assert!(hashed.status.success(), "{}", text(&hashed));
        let again = run(p.path(), &file.url, &["up"]);
        assert!(again.status.success(), "{}", text(&again));
        assert_eq!(tables_and_history(&file.url).await, (8, 8));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_killed_sqlite_run_leaves_whole_migrations_and_the_next_run_completes() {
    use std::io::BufRead;
    let file = TestFile::new();
    let mut files = chain(60);
    // The 41st runs long enough to be killed in.
    files[40].1.push_str(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) \
         SELECT count(*) FROM c;\n",
    );
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, s)| (n.as_str(), s.as_str()))
        .collect();
    let p = project("sqlite", &refs);
    let mut child = migrate(p.path(), &file.url, &["up"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut seen = 0;
    for line in lines.by_ref() {
        let line = line.expect("a line");
        seen += usize::from(line.starts_with("applied  "));
        if line.starts_with("applying") && line.contains("create_t040") {
            break;
        }
    }
    assert_eq!(seen, 40, "40 migrations reported applied before the 41st");
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("reaped");
    assert!(!status.success(), "the run was killed before it finished");
    let (tables, history) = tables_and_history(&file.url).await;
    assert_eq!(
        tables, history,
        "every migration is applied with its history row, or neither"
    );
    assert!(history < 60, "the killed run did not finish");
    assert_eq!(
        sqlite_scalar(
            &file.url,
            "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"
        )
        .await,
        0
    );
    let again = run(p.path(), &file.url, &["up"]);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(tables_and_history(&file.url).await, (60, 60));
    assert_eq!(
        sqlite_scalar(&file.url, "SELECT count(*) FROM pragma_foreign_key_check").await,
        0
    );
}
