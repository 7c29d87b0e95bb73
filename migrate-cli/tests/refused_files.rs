//! What `migrate up` and `migrate check` refuse before any SQL runs, as processes against real
//! databases: transaction control in a transactional file, `COPY … FROM STDIN`, NUL bytes,
//! misspelled or misplaced directives, near-miss file names, versions that are not dates, and a
//! manifest with a line deleted. Every refusal names the file (and line), says how to fix it, and
//! leaves the database untouched.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use migrate_core::migration::MigrationDir;
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
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

/// A project whose migration directory holds exactly `files` (`(file name, bytes)`), recorded in
/// the manifest as they are.
fn project(dialect: &str, files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!("dialect = \"{dialect}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\nlock_timeout = \"2s\"\n"),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), "").expect("schema");
    let migrations = dir.path().join("migrations");
    MigrationDir::create(&migrations).expect("migration dir");
    for (name, bytes) in files {
        fs::write(migrations.join(name), bytes).expect("write migration");
    }
    MigrationDir::open(&migrations)
        .expect("open")
        .rehash()
        .expect("rehash");
    dir
}

/// The database a test runs against, PostgreSQL or SQLite.
enum Target {
    Pg(TestDb),
    Lite(TestFile),
}

impl Target {
    async fn new(dialect: &str) -> Target {
        match dialect {
            "postgres" => Target::Pg(TestDb::new().await),
            _ => Target::Lite(TestFile::new()),
        }
    }

    fn url(&self) -> &str {
        match self {
            Target::Pg(db) => &db.url,
            Target::Lite(f) => &f.url,
        }
    }

    /// How many tables named `name` exist.
    async fn tables(&self, name: &str) -> i64 {
        match self {
            Target::Pg(db) => {
                let mut c = sqlx::PgConnection::connect(&db.url).await.expect("connect");
                sqlx::query_scalar("SELECT COUNT(*) FROM pg_class WHERE relname = $1")
                    .bind(name)
                    .fetch_one(&mut c)
                    .await
                    .expect("count")
            }
            Target::Lite(f) => {
                let mut c = sqlx::SqliteConnection::connect(&f.url)
                    .await
                    .expect("connect");
                sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = ?")
                    .bind(name)
                    .fetch_one(&mut c)
                    .await
                    .expect("count")
            }
        }
    }

    async fn close(self) {
        if let Target::Pg(db) = self {
            db.close().await.expect("drop");
        }
    }
}

/// Asserts a refusal: exit 1, every needle in the output, and no migration table or row created.
async fn assert_refused(p: &Path, target: &Target, args: &[&str], needles: &[&str]) -> String {
    let out = run(p, target.url(), args);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {t}");
    for n in needles {
        assert!(t.contains(n), "{args:?}: want `{n}` in:\n{t}");
    }
    assert_eq!(target.tables("a").await, 0, "nothing ran: {t}");
    assert_eq!(
        target.tables("migrate_history").await,
        0,
        "nothing ran: {t}"
    );
    t
}

// ---------------------------------------------------------------------------------------------
// Transaction control
// ---------------------------------------------------------------------------------------------

/// `(content, line of the offending statement, its keywords as named in the message)`.
const TRANSACTION_CONTROL: &[(&str, usize, &str)] = &[
    (
        "CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\nSELECT 1/0;\n",
        2,
        "COMMIT",
    ),
    (
        "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nROLLBACK;\n",
        3,
        "ROLLBACK",
    ),
    (
        "-- Wrapped by habit.\nbegin;\nCREATE TABLE a (id int);\nend;\n",
        2,
        "BEGIN",
    ),
    (
        "/* a comment; then */ -- another\n  Start Transaction;\nCREATE TABLE a (id int);\n",
        2,
        "START TRANSACTION",
    ),
    ("CREATE TABLE a (id int);\nABORT;\n", 2, "ABORT"),
    ("CREATE TABLE a (id int);\nEND TRANSACTION;\n", 2, "END"),
];

#[tokio::test(flavor = "current_thread")]
async fn transaction_control_in_a_transactional_file_is_refused_before_anything_runs() {
    for dialect in ["postgres", "sqlite"] {
        for (sql, line, keyword) in TRANSACTION_CONTROL {
            if *keyword == "ABORT" && dialect == "sqlite" {
                continue; // not SQLite syntax: SQLite reports the syntax error itself
            }
            let target = Target::new(dialect).await;
            let p = project(dialect, &[("20240101000000_wrapped.sql", sql.as_bytes())]);
            let file_line = format!("20240101000000_wrapped.sql:{line}");
            let needles = [
                "[transaction-control]",
                file_line.as_str(),
                keyword,
                "-- migrate:no-transaction",
            ];
            assert_refused(p.path(), &target, &["up"], &needles).await;
            assert_refused(p.path(), &target, &["check"], &needles).await;
            target.close().await;
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn two_phase_commit_is_refused_in_every_postgres_file() {
    let target = Target::new("postgres").await;
    for sql in [
        "CREATE TABLE a (id int);\nPREPARE TRANSACTION 'x';\n",
        "-- migrate:no-transaction\nCREATE TABLE a (id int);\nPREPARE TRANSACTION 'x';\n",
        "-- migrate:no-transaction\nCOMMIT PREPARED 'x';\n",
    ] {
        let p = project(
            "postgres",
            &[("20240101000000_two_phase.sql", sql.as_bytes())],
        );
        let t = assert_refused(p.path(), &target, &["up"], &["[transaction-control]"]).await;
        assert!(t.contains("PREPARE") || t.contains("PREPARED"), "{t}");
    }
    target.close().await;
}

#[tokio::test(flavor = "current_thread")]
async fn transaction_words_inside_strings_comments_savepoints_and_bodies_are_not_refused() {
    let pg = Target::new("postgres").await;
    let p = project(
        "postgres",
        &[(
            "20240101000000_fine.sql",
            b"-- COMMIT; is only a comment here\n\
              CREATE TABLE a (note text DEFAULT 'COMMIT; ROLLBACK;');\n\
              SAVEPOINT before_seed;\n\
              INSERT INTO a VALUES ('x');\n\
              ROLLBACK TO SAVEPOINT before_seed;\n\
              RELEASE SAVEPOINT before_seed;\n\
              CREATE TABLE \"commit\" (id int);\n\
              CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n\
              DO $$ BEGIN PERFORM 1; END $$;\n",
        )],
    );
    let out = run(p.path(), pg.url(), &["up"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(pg.tables("commit").await, 1);
    // The savepoint was rolled back to: the seed row is gone, the table stays.
    let mut c = sqlx::PgConnection::connect(pg.url())
        .await
        .expect("connect");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM a")
        .fetch_one(&mut c)
        .await
        .expect("count");
    assert_eq!(n, 0);

    // A no-transaction file may hold its own transactions on PostgreSQL.
    let p = project(
        "postgres",
        &[(
            "20240101000000_own_tx.sql",
            b"-- migrate:no-transaction\nBEGIN;\nCREATE TABLE own (id int);\nCOMMIT;\nCREATE INDEX CONCURRENTLY own_id ON own (id);\n",
        )],
    );
    let pg2 = Target::new("postgres").await;
    let out = run(p.path(), pg2.url(), &["up"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(pg2.tables("own_id").await, 1);
    pg.close().await;
    pg2.close().await;

    // SQLite: a trigger's BEGIN … END body is not a transaction.
    let lite = Target::new("sqlite").await;
    let p = project(
        "sqlite",
        &[(
            "20240101000000_trigger.sql",
            b"CREATE TABLE a (id integer, n integer);\n\
              CREATE TRIGGER a_n AFTER INSERT ON a BEGIN UPDATE a SET n = 1 WHERE id = NEW.id; END;\n\
              SAVEPOINT s;\nINSERT INTO a (id) VALUES (1);\nRELEASE s;\n",
        )],
    );
    let out = run(p.path(), lite.url(), &["up"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(lite.tables("a_n").await, 1);
}

#[tokio::test(flavor = "current_thread")]
async fn sqlite_refuses_transaction_control_even_in_a_no_transaction_file() {
    let lite = Target::new("sqlite").await;
    let p = project(
        "sqlite",
        &[(
            "20240101000000_wrapped.sql",
            b"-- migrate:no-transaction\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n",
        )],
    );
    let t = assert_refused(
        p.path(),
        &lite,
        &["up"],
        &["[transaction-control]", "20240101000000_wrapped.sql:2"],
    )
    .await;
    assert!(t.contains("SQLite"), "{t}");
}

// ---------------------------------------------------------------------------------------------
// COPY … FROM STDIN
// ---------------------------------------------------------------------------------------------

/// Waits for `child` to exit; fails at once if the database shows it stuck in a `COPY` waiting for
/// client data (the hang this guards against), and kills it so the test ends either way.
async fn wait_unless_copy_hangs(mut child: Child, url: &str) -> Output {
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        let stuck: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE query ILIKE 'copy%' AND pid <> pg_backend_pid() \
             AND state = 'active' AND wait_event = 'ClientRead'",
        )
        .fetch_one(&mut c)
        .await
        .expect("activity");
        if stuck > 0 || Instant::now() > deadline {
            child.kill().expect("kill");
            let out = child.wait_with_output().expect("output");
            panic!(
                "`migrate up` hangs in COPY FROM STDIN holding the runner lock:\n{}",
                text(&out)
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn copy_from_stdin_is_refused_up_front_and_never_hangs() {
    for (sql, line) in [
        (
            "-- migrate:no-transaction\nCREATE TABLE a (id int);\nCOPY a (id) FROM stdin;\n1\n2\n\\.\n",
            3,
        ),
        (
            "CREATE TABLE a (id int);\n\ncopy \"a\" FROM STDIN WITH (FORMAT csv);\n",
            3,
        ),
        ("CREATE TABLE a (id int);\nCOPY a FROM Stdin;\n", 2),
    ] {
        let target = Target::new("postgres").await;
        let p = project("postgres", &[("20240101000000_load.sql", sql.as_bytes())]);
        let child = migrate(p.path(), target.url(), &["up"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let out = wait_unless_copy_hangs(child, target.url()).await;
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "{t}");
        let at = format!("20240101000000_load.sql:{line}");
        for needle in ["[copy-from-stdin]", at.as_str(), "INSERT"] {
            assert!(t.contains(needle), "want `{needle}` in:\n{t}");
        }
        assert_eq!(target.tables("a").await, 0, "nothing ran: {t}");
        assert_refused(p.path(), &target, &["check"], &["[copy-from-stdin]", &at]).await;
        target.close().await;
    }
    // Nor is `COPY … TO STDOUT`: nobody reads its rows.
    let target = Target::new("postgres").await;
    let p = project(
        "postgres",
        &[(
            "20240101000000_dump.sql",
            b"CREATE TABLE a (id int);\nCOPY (SELECT 1) TO STDOUT;\n",
        )],
    );
    assert_refused(
        p.path(),
        &target,
        &["up"],
        &["[copy-to-stdout]", "20240101000000_dump.sql:2"],
    )
    .await;
    target.close().await;
    // COPY from a file on the server is not refused up front.
    let target = Target::new("postgres").await;
    let p = project(
        "postgres",
        &[(
            "20240101000000_load.sql",
            b"CREATE TABLE a (id int);\nCOPY a FROM '/nonexistent/seed.csv';\n",
        )],
    );
    let out = run(p.path(), target.url(), &["check"]);
    assert!(out.status.success(), "{}", text(&out));
    target.close().await;
}

// ---------------------------------------------------------------------------------------------
// NUL bytes
// ---------------------------------------------------------------------------------------------

/// Waits for `child` with a generous bound, so a spinning runner fails the test instead of hanging it.
fn wait_bounded(mut child: Child) -> Output {
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            child.kill().expect("kill");
            let out = child.wait_with_output().expect("output");
            panic!("`migrate up` never returned:\n{}", text(&out));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[tokio::test(flavor = "current_thread")]
async fn a_nul_byte_in_a_migration_is_refused_with_its_file_and_line() {
    for dialect in ["sqlite", "postgres"] {
        let target = Target::new(dialect).await;
        let p = project(
            dialect,
            &[(
                "20240101000000_nul.sql",
                b"CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\0\nSELECT 1;\n",
            )],
        );
        let child = migrate(p.path(), target.url(), &["up"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let out = tokio::task::spawn_blocking(move || wait_bounded(child))
            .await
            .expect("join");
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "{t}");
        for needle in ["[nul-byte]", "20240101000000_nul.sql:2"] {
            assert!(t.contains(needle), "want `{needle}` in:\n{t}");
        }
        assert_eq!(target.tables("a").await, 0);
        assert_refused(
            p.path(),
            &target,
            &["check"],
            &["[nul-byte]", "20240101000000_nul.sql:2"],
        )
        .await;
        target.close().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Directives
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn misspelled_unknown_and_misplaced_directives_are_errors_with_a_suggestion() {
    let cases: &[(&str, usize, &[&str])] = &[
        (
            "--migrate:no-transaction\nCREATE TABLE a (id int);\n",
            1,
            &["-- migrate:no-transaction"],
        ),
        (
            "-- migrate:lock_timeout 1s\nCREATE TABLE a (id int);\n",
            1,
            &["lock-timeout"],
        ),
        (
            "-- migrate:no-transactions\nCREATE TABLE a (id int);\n",
            1,
            &["no-transaction"],
        ),
        (
            "-- Fine so far.\n-- migrate:frobnicate\nCREATE TABLE a (id int);\n",
            2,
            &["frobnicate", "no-transaction", "lock-timeout"],
        ),
        (
            "CREATE TABLE a (id int);\n-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n",
            2,
            &["top of the file"],
        ),
        (
            "-- migrate:lock-timeout soon\nCREATE TABLE a (id int);\n",
            1,
            &["soon", "5s"],
        ),
        (
            "-- migrate:no-transaction yes\nCREATE TABLE a (id int);\n",
            1,
            &["no-transaction"],
        ),
    ];
    for dialect in ["postgres", "sqlite"] {
        for (sql, line, needles) in cases {
            let target = Target::new(dialect).await;
            let p = project(dialect, &[("20240101000000_d.sql", sql.as_bytes())]);
            let at = format!("20240101000000_d.sql:{line}");
            let mut all = vec!["[bad-directive]", at.as_str(), "help:"];
            all.extend_from_slice(needles);
            assert_refused(p.path(), &target, &["up"], &all).await;
            assert_refused(p.path(), &target, &["check"], &all).await;
            target.close().await;
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_runner_and_the_directory_agree_on_directives() {
    // The directory's parser and the runner read the same directives: a no-transaction file
    // with a lock timeout runs outside a transaction with that timeout.
    let target = Target::new("postgres").await;
    let p = project(
        "postgres",
        &[
            ("20240101000000_t.sql", b"CREATE TABLE t (id int);\n"),
            (
                "20240101000001_idx.sql",
                b"-- migrate:no-transaction\n-- migrate:lock-timeout 3s\n-- Index t.\nCREATE INDEX CONCURRENTLY t_id ON t (id);\nDO $$ BEGIN IF current_setting('lock_timeout') <> '3s' THEN RAISE 'lock_timeout is %', current_setting('lock_timeout'); END IF; END $$;\n",
            ),
        ],
    );
    let out = run(p.path(), target.url(), &["up"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(target.tables("t_id").await, 1);
    target.close().await;
}

// ---------------------------------------------------------------------------------------------
// File names, versions, the manifest
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn near_miss_file_names_and_impossible_versions_are_reported() {
    let target = Target::new("sqlite").await;
    let p = project(
        "sqlite",
        &[(
            "20240101000000_first.sql",
            b"CREATE TABLE first (id int);\n",
        )],
    );
    let m = p.path().join("migrations");
    fs::write(
        m.join("20240101000001_m7.SQL"),
        "CREATE TABLE a (id int);\n",
    )
    .expect("write");
    fs::write(m.join("20240101000002_m8.sql.txt"), "SELECT 1;\n").expect("write");
    fs::write(m.join("20240101000003_m9"), "SELECT 1;\n").expect("write");
    // Not migrations, not problems.
    fs::write(m.join("README.md"), "notes\n").expect("write");
    fs::write(m.join(".20240101000004_swap.sql"), "").expect("write");
    let needles = [
        "[bad-file-name]",
        "20240101000001_m7.SQL",
        "20240101000001_m7.sql",
        "20240101000002_m8.sql.txt",
        "20240101000003_m9",
    ];
    let t = assert_refused(p.path(), &target, &["check"], &needles).await;
    assert!(!t.contains("README"), "{t}");
    assert!(!t.contains("swap"), "{t}");
    assert_refused(p.path(), &target, &["up"], &needles).await;
    assert_eq!(target.tables("first").await, 0);
    for f in [
        "20240101000001_m7.SQL",
        "20240101000002_m8.sql.txt",
        "20240101000003_m9",
    ] {
        fs::remove_file(m.join(f)).expect("rm");
    }

    // A version that is not a real UTC date and time.
    fs::write(
        m.join("20241399999999_bad.sql"),
        "CREATE TABLE a (id int);\n",
    )
    .expect("write");
    let t = assert_refused(
        p.path(),
        &target,
        &["check"],
        &["[bad-version]", "20241399999999_bad.sql", "help:"],
    )
    .await;
    assert!(t.contains("month 13"), "{t}");
    assert_refused(p.path(), &target, &["up"], &["[bad-version]"]).await;
    target.close().await;
}

#[tokio::test(flavor = "current_thread")]
async fn deleting_one_manifest_line_blames_exactly_that_file() {
    let target = Target::new("sqlite").await;
    let p = project(
        "sqlite",
        &[
            ("20240101000000_one.sql", b"CREATE TABLE one (id int);\n"),
            ("20240101000001_two.sql", b"CREATE TABLE two (id int);\n"),
            (
                "20240101000002_three.sql",
                b"CREATE TABLE three (id int);\n",
            ),
            ("20240101000003_four.sql", b"CREATE TABLE four (id int);\n"),
        ],
    );
    let sum = p.path().join("migrations/migrate.sum");
    let original = fs::read_to_string(&sum).expect("read");
    for gone in [
        "20240101000000_one.sql",
        "20240101000001_two.sql",
        "20240101000002_three.sql",
    ] {
        let kept: String = original
            .lines()
            .filter(|l| !l.starts_with(gone))
            .map(|l| format!("{l}\n"))
            .collect();
        fs::write(&sum, kept).expect("write");
        let out = run(p.path(), target.url(), &["check", "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let mut blamed: Vec<(String, String)> = v["migrations"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| {
                let file = p["file"].as_str().unwrap_or_default();
                let name = Path::new(file)
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                (p["code"].as_str().unwrap_or_default().to_string(), name)
            })
            .collect();
        blamed.sort();
        assert_eq!(
            blamed,
            [
                ("manifest-tampered".to_string(), "migrate.sum".to_string()),
                ("unlisted".to_string(), gone.to_string())
            ],
            "deleting the line of {gone}"
        );
    }
    target.close().await;
}

#[tokio::test(flavor = "current_thread")]
async fn check_reports_every_problem_at_once() {
    let target = Target::new("postgres").await;
    let p = project(
        "postgres",
        &[
            (
                "20240101000000_a.sql",
                b"CREATE TABLE x (id int);\nCOMMIT;\n",
            ),
            (
                "20240101000001_b.sql",
                b"--migrate:no-transaction\nSELECT 1;\n",
            ),
            ("20240101000002_c.sql", b"COPY x FROM STDIN;\n"),
            ("20240101000003_d.sql", b"SELECT 1;\0\n"),
        ],
    );
    let out = run(p.path(), target.url(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut codes: Vec<(String, u64)> = v["migrations"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap_or_default().to_string(),
                p["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            ("bad-directive".to_string(), 1),
            ("copy-from-stdin".to_string(), 1),
            ("nul-byte".to_string(), 1),
            ("transaction-control".to_string(), 2),
        ]
    );
    for p in v["migrations"].as_array().expect("problems") {
        assert!(p["help"].as_str().is_some_and(|h| !h.is_empty()), "{p}");
    }
    target.close().await;
}
