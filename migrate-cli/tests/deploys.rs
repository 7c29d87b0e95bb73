//! Deploy-time behaviour of `migrate up` and `migrate status` against real databases: secure
//! migrations that never show their content, a missing secure file, dry runs that cannot check
//! everything, and an older release meeting a database a newer one migrated.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

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

/// A project whose migration directory holds exactly `files`, recorded in the manifest, with an
/// environment `prod` whose extra migration path is `<project>/secure` (created, empty).
fn project(dialect: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!(
            "dialect = \"{dialect}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\nlock_timeout = \"2s\"\n\n\
             [environments.prod]\nextra_migration_paths = [\"secure\"]\n"
        ),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), "").expect("schema");
    fs::create_dir(dir.path().join("secure")).expect("secure dir");
    let migrations = dir.path().join("migrations");
    MigrationDir::create(&migrations).expect("migration dir");
    for (name, sql) in files {
        fs::write(migrations.join(name), sql).expect("write migration");
    }
    rehash(dir.path());
    dir
}

fn rehash(p: &Path) {
    MigrationDir::open(p.join("migrations"))
        .expect("open")
        .rehash()
        .expect("rehash");
}

async fn pg_rows(url: &str, sql: &str) -> Vec<String> {
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::query_scalar::<_, Option<String>>(sql)
        .fetch_all(&mut c)
        .await
        .expect(sql)
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Secure migrations
// ---------------------------------------------------------------------------------------------

const USERS: (&str, &str) = (
    "20240101000000_users.sql",
    "CREATE TABLE users (id int, token text);\n",
);
const PLACEHOLDER: &str = "20240101000001_seed_tokens.sql";

#[tokio::test(flavor = "current_thread")]
async fn secure_content_never_appears_in_output_status_or_history() {
    let db = TestDb::new().await;
    let p = project(
        "postgres",
        &[
            USERS,
            (
                PLACEHOLDER,
                "-- Seed the tokens (real content per environment).\n",
            ),
        ],
    );
    // The secure file's own first comment names a customer: it must never be shown or stored.
    fs::write(
        p.path().join("secure").join(PLACEHOLDER),
        "-- Tokens for ACME-CUSTOMER\nINSERT INTO users VALUES (1, 'tok-TOPSECRET');\n",
    )
    .expect("secure");
    let outputs = [
        run(p.path(), &db.url, &["up", "--env", "prod", "--dry-run"]),
        run(
            p.path(),
            &db.url,
            &["up", "--env", "prod", "--format", "json"],
        ),
        run(p.path(), &db.url, &["status", "--env", "prod"]),
        run(
            p.path(),
            &db.url,
            &["status", "--env", "prod", "--format", "json"],
        ),
    ];
    for (i, o) in outputs.iter().enumerate() {
        let t = text(o);
        // `status` also reports drift: the tables were made by hand-written SQL, not the schema.
        assert!(i >= 2 || o.status.success(), "{t}");
        assert!(
            !t.contains("ACME") && !t.contains("TOPSECRET"),
            "secure content shown:\n{t}"
        );
    }
    assert!(
        text(&outputs[3]).contains("Seed the tokens"),
        "status describes it by its placeholder: {}",
        text(&outputs[3])
    );
    assert!(
        text(&outputs[1]).contains("Seed the tokens"),
        "the placeholder's description is shown: {}",
        text(&outputs[1])
    );
    let stored = pg_rows(
        &db.url,
        "SELECT description FROM migrate_history ORDER BY version",
    )
    .await;
    assert_eq!(stored[1], "Seed the tokens (real content per environment).");
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn a_failing_secure_migration_is_reported_by_line_and_sqlstate_only() {
    for no_transaction in [false, true] {
        let db = TestDb::new().await;
        let p = project("postgres", &[USERS, (PLACEHOLDER, "-- Seed the tokens.\n")]);
        let directive = if no_transaction {
            "-- migrate:no-transaction\n"
        } else {
            ""
        };
        // Line 4 (line 5 with the directive) fails and the server's message echoes the value.
        fs::write(
            p.path().join("secure").join(PLACEHOLDER),
            format!(
                "{directive}-- Tokens.\nINSERT INTO users VALUES (1, 'fine');\n\n\
                 INSERT INTO users VALUES ('SSN-123-45-6789'::int, 'x');\n"
            ),
        )
        .expect("secure");
        let line = if no_transaction { "line 5" } else { "line 4" };
        for format in ["text", "json"] {
            let out = run(
                p.path(),
                &db.url,
                &["up", "--env", "prod", "--format", format],
            );
            let t = text(&out);
            assert_eq!(out.status.code(), Some(1), "{t}");
            assert!(
                !t.contains("SSN-123"),
                "the server's message was shown:\n{t}"
            );
            assert!(t.contains("22P02") && t.contains(line), "{t}");
            if no_transaction {
                // Recorded as failed: resolve it for the next round.
                let errors = pg_rows(
                    &db.url,
                    "SELECT error FROM migrate_history WHERE NOT success",
                )
                .await;
                assert_eq!(errors.len(), 1, "{t}");
                assert!(!errors[0].contains("SSN-123"), "stored: {}", errors[0]);
                assert!(errors[0].contains("22P02"), "stored: {}", errors[0]);
                let status = run(
                    p.path(),
                    &db.url,
                    &["status", "--env", "prod", "--format", "json"],
                );
                assert!(!text(&status).contains("SSN-123"), "{}", text(&status));
                let resolved = run(
                    p.path(),
                    &db.url,
                    &[
                        "resolve",
                        "20240101000001",
                        "--rolled-back",
                        "--env",
                        "prod",
                    ],
                );
                assert!(resolved.status.success(), "{}", text(&resolved));
            }
        }
        let dry = run(p.path(), &db.url, &["up", "--env", "prod", "--dry-run"]);
        assert!(!text(&dry).contains("SSN-123"), "{}", text(&dry));
        db.close().await.expect("drop");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_missing_secure_file_is_an_error_before_anything_runs() {
    for placeholder in [
        // Only comments: nothing to run without the environment's file.
        "-- Seed the tokens (real content per environment).\n",
        // Marked secure, with scrubbed content for development.
        "-- migrate:secure\n-- Seed the tokens.\nINSERT INTO users VALUES (0, 'dev-token');\n",
    ] {
        let db = TestDb::new().await;
        let p = project("postgres", &[USERS, (PLACEHOLDER, placeholder)]);
        let needles = ["[secure-missing]", PLACEHOLDER, "secure", "help:"];
        for args in [
            &["up", "--env", "prod"][..],
            &["check", "--env", "prod"][..],
        ] {
            let out = run(p.path(), &db.url, args);
            let t = text(&out);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {t}");
            for n in needles {
                assert!(t.contains(n), "{args:?}: want `{n}` in:\n{t}");
            }
        }
        assert!(
            pg_rows(
                &db.url,
                "SELECT relname::text FROM pg_class WHERE relname IN ('users', 'migrate_history')"
            )
            .await
            .is_empty(),
            "nothing ran"
        );
        // Without the environment the placeholder is the migration (development).
        let dev = run(p.path(), &db.url, &["up"]);
        assert!(dev.status.success(), "{}", text(&dev));
        db.close().await.expect("drop");
    }
}

// ---------------------------------------------------------------------------------------------
// Dry runs
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn a_dry_run_says_what_it_could_not_check_instead_of_failing() {
    let db = TestDb::new().await;
    let p = project(
        "postgres",
        &[
            (
                "20240101000000_pets.sql",
                "CREATE TABLE pets (id int PRIMARY KEY, name text NOT NULL);\n",
            ),
            (
                "20240101000001_pets_name_key.sql",
                "-- migrate:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY pets_name_key ON pets (name);\n",
            ),
            (
                "20240101000002_seed.sql",
                "INSERT INTO pets VALUES (1, 'Rex') ON CONFLICT (name) DO NOTHING;\n",
            ),
        ],
    );
    let dry = run(p.path(), &db.url, &["up", "--dry-run"]);
    let t = text(&dry);
    assert!(dry.status.success(), "a false failure:\n{t}");
    assert!(t.contains("could not check 20240101000002_seed"), "{t}");
    assert!(t.contains("20240101000001_pets_name_key"), "{t}");
    assert!(
        !t.contains("would apply 20240101000001_pets_name_key: 0 ms"),
        "what did not run has no timing:\n{t}"
    );
    let json = run(p.path(), &db.url, &["up", "--dry-run", "--format", "json"]);
    assert!(json.status.success(), "{}", text(&json));
    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "unchecked" && e["version"] == 20240101000002u64),
        "{events:?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| e["event"] == "would_apply" && e["version"] == 20240101000001u64),
        "{events:?}"
    );
    // The real run succeeds.
    let up = run(p.path(), &db.url, &["up"]);
    assert!(up.status.success(), "{}", text(&up));

    // A failure before anything was skipped is still a failure.
    let broken = project(
        "postgres",
        &[(
            "20240101000000_broken.sql",
            "SELECT * FROM no_such_table;\n",
        )],
    );
    let db2 = TestDb::new().await;
    let dry = run(broken.path(), &db2.url, &["up", "--dry-run"]);
    assert_eq!(dry.status.code(), Some(1), "{}", text(&dry));
    assert!(text(&dry).contains("no_such_table"), "{}", text(&dry));
    db.close().await.expect("drop");
    db2.close().await.expect("drop");
}

// ---------------------------------------------------------------------------------------------
// Rolling deploys
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "current_thread")]
async fn an_older_release_accepts_a_database_a_newer_one_migrated() {
    for dialect in ["postgres", "sqlite"] {
        let pg = if dialect == "postgres" {
            Some(TestDb::new().await)
        } else {
            None
        };
        let file = TestFile::new();
        let url = pg.as_ref().map_or(file.url.clone(), |d| d.url.clone());
        let files = [
            ("20240101000000_a.sql", "CREATE TABLE a (id int);\n"),
            ("20240101000001_b.sql", "CREATE TABLE b (id int);\n"),
            ("20240101000002_c.sql", "CREATE TABLE c (id int);\n"),
        ];
        let newer = project(dialect, &files);
        let up = run(newer.path(), &url, &["up"]);
        assert!(up.status.success(), "{}", text(&up));

        // The older release has only the first two files.
        let older = project(dialect, &files[..2]);
        for args in [&["up"][..], &["status"][..]] {
            let out = run(older.path(), &url, args);
            let t = text(&out);
            assert!(out.status.success(), "{args:?} {dialect}: {t}");
            assert!(t.contains("ahead"), "{args:?}: {t}");
            assert!(t.contains("20240101000002"), "{args:?}: {t}");
            assert!(!t.contains("[missing]"), "{args:?}: {t}");
        }
        let json = run(older.path(), &url, &["status", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["migrations"][2]["state"], "ahead", "{v}");

        // A version applied between local files, with no file, is still an error.
        let gap = project(dialect, &[files[0], files[2]]);
        let out = run(gap.path(), &url, &["up"]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains("[missing]"), "{}", text(&out));
        let status = run(gap.path(), &url, &["status"]);
        assert_eq!(status.status.code(), Some(1), "{}", text(&status));
        if let Some(db) = pg {
            db.close().await.expect("drop");
        }
    }
}
