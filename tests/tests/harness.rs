//! Tests of the real-database test harness itself.

// Test helpers outside `#[test]` functions fail the test by panicking too.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use sqlx::{Connection, PgConnection, Row};

async fn table_exists(conn: &mut PgConnection, table: &str) -> bool {
    sqlx::query_scalar::<_, Option<String>>("SELECT to_regclass($1)::text")
        .bind(table)
        .fetch_one(conn)
        .await
        .unwrap()
        .is_some()
}

async fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn two_test_databases_are_different_and_isolated() {
    let a = TestDb::new().await;
    let b = TestDb::new().await;
    assert_ne!(a.name, b.name);
    assert_ne!(a.url, b.url);

    let pool_a = a.pool().await;
    let mut conn_b = b.connect().await;
    let current: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool_a)
        .await
        .unwrap();
    assert_eq!(current, a.name);
    let current: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&mut conn_b)
        .await
        .unwrap();
    assert_eq!(current, b.name);

    sqlx::query("CREATE TABLE only_in_a (id integer PRIMARY KEY)")
        .execute(&pool_a)
        .await
        .unwrap();
    let mut conn_a = a.connect().await;
    assert!(table_exists(&mut conn_a, "only_in_a").await);
    assert!(!table_exists(&mut conn_b, "only_in_a").await);

    // The same name can be used in both without clashing.
    sqlx::query("CREATE TABLE only_in_a (other text)")
        .execute(&mut conn_b)
        .await
        .unwrap();

    conn_a.close().await.unwrap();
    conn_b.close().await.unwrap();
    pool_a.close().await;
}

#[tokio::test]
async fn database_is_gone_after_drop_even_with_open_connections() {
    let witness = TestDb::new().await;
    let mut observer = witness.connect().await;

    let db = TestDb::new().await;
    let name = db.name.clone();
    let url = db.url.clone();
    let mut still_open = db.connect().await;
    sqlx::query("CREATE TABLE t (id integer)")
        .execute(&mut still_open)
        .await
        .unwrap();
    assert!(database_exists(&mut observer, &name).await);

    drop(db);

    assert!(!database_exists(&mut observer, &name).await);
    assert!(
        sqlx::query("SELECT 1")
            .execute(&mut still_open)
            .await
            .is_err(),
        "the connection to the dropped database should have been terminated"
    );
    assert!(PgConnection::connect(&url).await.is_err());
}

#[tokio::test]
async fn close_drops_the_database_and_reports_success() {
    let witness = TestDb::new().await;
    let mut observer = witness.connect().await;
    let db = TestDb::new().await;
    let name = db.name.clone();
    db.close().await.unwrap();
    assert!(!database_exists(&mut observer, &name).await);
}

#[tokio::test]
async fn test_databases_can_be_created_concurrently() {
    let (a, b, c, d) = tokio::join!(TestDb::new(), TestDb::new(), TestDb::new(), TestDb::new());
    let mut names = vec![
        a.name.clone(),
        b.name.clone(),
        c.name.clone(),
        d.name.clone(),
    ];
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 4);
    for db in [&a, &b, &c, &d] {
        let mut conn = db.connect().await;
        let one: i32 = sqlx::query_scalar("SELECT 1")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(one, 1);
    }
}

#[tokio::test]
async fn sqlite_test_file_is_a_real_file_that_survives_reconnect() {
    let file = TestFile::new();
    let other = TestFile::new();
    assert_ne!(file.path, other.path);
    assert!(file.url.starts_with("sqlite://"));
    assert!(!file.path.exists());

    let mut conn = file.connect().await;
    sqlx::query("CREATE TABLE pets (name TEXT NOT NULL)")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("INSERT INTO pets (name) VALUES ('Rex')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();

    assert!(file.path.is_file());
    assert!(std::fs::metadata(&file.path).unwrap().len() > 0);

    let pool = file.pool().await;
    let row = sqlx::query("SELECT name FROM pets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("name"), "Rex");
    pool.close().await;

    // The other file is another database.
    let mut conn = other.connect().await;
    let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = 'pets'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(tables, 0);
    conn.close().await.unwrap();

    let dir = file.dir().to_path_buf();
    drop(file);
    assert!(!dir.exists());
}

/// Runs this test binary again, on `only_run_by_other_tests`, with `env` changed.
fn run_self(env: &[(&str, Option<&str>)]) -> (bool, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "creates_a_database_when_run_by_another_test",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for (key, value) in env {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
#[ignore = "run by the tests below, with their own environment"]
async fn creates_a_database_when_run_by_another_test() {
    let db = TestDb::new().await;
    db.close().await.unwrap();
}

#[test]
fn an_unreachable_server_fails_loudly_with_the_fix() {
    // Port 1 on loopback: nothing listens there.
    let (ok, out) = run_self(&[(
        "MIGRATE_TEST_DATABASE_URL",
        Some("postgres://postgres:hunter2@127.0.0.1:1/postgres"),
    )]);
    assert!(!ok, "{out}");
    assert!(out.contains("MIGRATE_TEST_DATABASE_URL"), "{out}");
    assert!(out.contains("unset it"), "{out}");
    assert!(!out.contains("hunter2"), "the password leaked:\n{out}");
}

#[test]
fn missing_postgres_binaries_fail_loudly_with_the_fix() {
    let (ok, out) = run_self(&[
        ("MIGRATE_TEST_DATABASE_URL", None),
        ("MIGRATE_TEST_PG_BINDIR", Some("/nonexistent/bin")),
    ]);
    assert!(!ok, "{out}");
    assert!(out.contains("install PostgreSQL"), "{out}");
    assert!(out.contains("MIGRATE_TEST_DATABASE_URL"), "{out}");
}
