//! `migrate database create|drop|reset`: development databases, on SQLite files and on a real
//! PostgreSQL server.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use migrate_tests::pg::TestDb;
use sqlx::Connection;

const SCHEMA: &str = "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"uuid\", primary_key = true }\n";

fn migrate(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migrate"));
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("NO_COLOR");
    cmd
}

fn project(dialect: &str, url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    fs::write(
        root.join("migrate.toml"),
        format!("dialect = \"{dialect}\"\nschema = \"schema\"\nmigrations = \"migrations\"\ndatabase_url = \"{url}\"\n"),
    )
    .expect("write migrate.toml");
    fs::create_dir(root.join("schema")).expect("schema/");
    fs::write(root.join("schema/schema.toml"), SCHEMA).expect("schema.toml");
    migrate(root).arg("generate").assert().code(0);
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn sqlite_create_drop_and_reset() {
    let p = project("sqlite", "sqlite://data/dev.db");
    let file = p.path().join("data/dev.db");
    migrate(p.path())
        .args(["database", "create"])
        .assert()
        .code(0);
    assert!(file.exists());
    // Twice: nothing to do.
    let out = migrate(p.path())
        .args(["database", "create"])
        .assert()
        .code(0);
    assert!(text(&out.get_output().stdout).contains("already exists"));

    // Without a terminal and without --yes: refused, nothing deleted.
    let out = migrate(p.path())
        .args(["database", "drop"])
        .assert()
        .code(2);
    assert!(text(&out.get_output().stderr).contains("--yes"));
    assert!(file.exists());

    migrate(p.path())
        .args(["database", "drop", "--yes"])
        .assert()
        .code(0);
    assert!(!file.exists());

    // Reset: created and migrated.
    let out = migrate(p.path())
        .args(["database", "reset", "--yes"])
        .assert()
        .code(0);
    assert!(text(&out.get_output().stdout).contains("1 migration(s) applied"));
    let out = migrate(p.path()).arg("status").assert().code(0);
    assert!(text(&out.get_output().stdout).contains("applied"));
}

#[test]
fn reset_refuses_a_broken_directory_before_dropping_anything() {
    let p = project("sqlite", "sqlite://dev.db");
    migrate(p.path()).arg("up").assert().code(0);
    let sql = fs::read_dir(p.path().join("migrations"))
        .expect("migrations/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|f| f.extension().is_some_and(|e| e == "sql"))
        .expect("a migration");
    fs::write(&sql, "-- edited\nSELECT 1;\n").expect("edit it");
    let out = migrate(p.path())
        .args(["database", "reset", "--yes"])
        .assert()
        .code(1);
    assert!(text(&out.get_output().stderr).contains("nothing was dropped"));
    assert!(p.path().join("dev.db").exists());
}

#[test]
fn postgres_create_and_drop() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    // A server to work on: the test database's own name, with a suffix, is the one created.
    let db = rt.block_on(TestDb::new());
    let name = format!("{}_dev", db.name);
    let url = db.url.replacen(&db.name, &name, 1);
    let p = project("postgres", &url);

    // Missing: a connection says how to create it.
    let out = migrate(p.path()).arg("up").assert().code(2);
    assert!(
        text(&out.get_output().stderr).contains("migrate database create"),
        "{}",
        text(&out.get_output().stderr)
    );

    migrate(p.path())
        .args(["database", "create"])
        .assert()
        .code(0);
    let exists = rt.block_on(async { sqlx::PgConnection::connect(&url).await.is_ok() });
    assert!(exists, "the database was not created");
    // Twice: nothing to do (the server's duplicate_database).
    let out = migrate(p.path())
        .args(["database", "create"])
        .assert()
        .code(0);
    assert!(text(&out.get_output().stdout).contains("already exists"));

    let out = migrate(p.path())
        .args(["database", "reset", "--yes"])
        .assert()
        .code(0);
    assert!(text(&out.get_output().stdout).contains("1 migration(s) applied"));

    // Another session on it: refused, with the way out (the server's object_in_use).
    let other = rt
        .block_on(sqlx::PgConnection::connect(&url))
        .expect("another session");
    let out = migrate(p.path())
        .args(["database", "drop", "--yes"])
        .assert()
        .failure();
    let stderr = text(&out.get_output().stderr);
    assert!(stderr.contains("other sessions use it"), "{stderr}");
    rt.block_on(other.close()).expect("end the other session");

    migrate(p.path())
        .args(["database", "drop", "--yes"])
        .assert()
        .code(0);
    let exists = rt.block_on(async { sqlx::PgConnection::connect(&url).await.is_ok() });
    assert!(!exists, "the database was not dropped");
    rt.block_on(db.close()).expect("drop the test database");
}
