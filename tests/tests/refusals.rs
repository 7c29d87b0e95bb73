//! What the runner refuses before any SQL runs, through its library API on real databases: the
//! embedded `Migrator` of an application starting up gets the same refusals as `migrate up`.

use migrate_core::runner::{self, Options, RunError, Source};
use migrate_core::{EmbeddedMigration, Migrator};
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use sqlx::Connection;

fn codes(e: &RunError) -> Vec<(&'static str, Option<usize>)> {
    match e {
        RunError::Refused(r) => r.iter().map(|r| (r.code, r.line)).collect(),
        other => panic!("not a refusal: {other}"),
    }
}

static WRAPPED: [EmbeddedMigration; 2] = [
    EmbeddedMigration {
        version: 20240101000000,
        name: "first",
        content: "CREATE TABLE first (id integer);\n",
        checksum: "e5fc3f95c3a0a66f624e2b0c1b1b6d4d797481b85fb1f841b1b1e3cf3e5a441c",
        no_transaction: false,
        lock_timeout: None,
        statement_timeout: None,
    },
    EmbeddedMigration {
        version: 20240101000001,
        name: "wrapped",
        content: "BEGIN;\nCREATE TABLE a (id integer);\nCOMMIT;\n",
        checksum: "1b5fbdd7424b1d01b86f220c08f4612d3f4f9113588590edfc978765665461cc",
        no_transaction: false,
        lock_timeout: None,
        statement_timeout: None,
    },
];

#[tokio::test(flavor = "current_thread")]
async fn an_embedded_migrator_refuses_transaction_control_before_anything_runs() {
    static MIGRATOR: Migrator = Migrator::new(&WRAPPED);
    let file = TestFile::new();
    let lite = sqlx::SqlitePool::connect(&file.url).await.expect("pool");
    let err = MIGRATOR.run(&lite).await.expect_err("refused");
    assert_eq!(
        codes(&err),
        [
            ("transaction-control", Some(1)),
            ("transaction-control", Some(3))
        ]
    );
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master")
        .fetch_one(&lite)
        .await
        .expect("count");
    assert_eq!(tables, 0, "not even the first migration ran");

    let db = TestDb::new().await;
    let pool = db.pool().await;
    let err = MIGRATOR.run(&pool).await.expect_err("refused");
    assert_eq!(codes(&err).len(), 2, "{err}");
    assert!(err.to_string().contains("nothing was run"), "{err}");
    // What `fn main() -> Result<(), Box<dyn Error>>` prints is the full message with each fix,
    // not the enum's structure.
    let shown = format!("{:?}", Box::<dyn std::error::Error>::from(err));
    assert!(shown.contains("nothing was run\n  - ["), "{shown}");
    assert!(shown.contains("help: "), "{shown}");
    assert!(
        !shown.contains("Refused(") && !shown.contains("Refusal {"),
        "{shown}"
    );
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_class WHERE relname IN ('first', 'a', 'migrate_history')",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(tables, 0);
    pool.close().await;
    db.close().await.expect("drop");
}

static NUL: [EmbeddedMigration; 1] = [EmbeddedMigration {
    version: 20240101000000,
    name: "nul",
    content: "CREATE TABLE a (id integer);\nINSERT INTO a VALUES (1);\0\n",
    checksum: "24b5dc422a730e74717e316ba383dd694693b5ed77ac8819d2347c240de0994b",
    no_transaction: false,
    lock_timeout: None,
    statement_timeout: None,
}];

#[tokio::test(flavor = "current_thread")]
async fn a_nul_byte_is_refused_instead_of_spinning_on_sqlite() {
    static MIGRATOR: Migrator = Migrator::new(&NUL);
    let file = TestFile::new();
    let lite = sqlx::SqlitePool::connect(&file.url).await.expect("pool");
    let err = MIGRATOR.run(&lite).await.expect_err("refused");
    assert_eq!(codes(&err), [("nul-byte", Some(2))]);
    assert!(err.to_string().contains("nothing was run"), "{err}");
}

#[tokio::test(flavor = "current_thread")]
async fn only_the_migrations_about_to_run_are_checked() {
    // A file an older release applied, holding a COMMIT, stays history: it is not run again, so
    // it does not block what comes after it.
    let db = TestDb::new().await;
    let legacy =
        Source::new(1, "legacy", "CREATE TABLE old (id integer);\nCOMMIT;\n").expect("a source");
    let next = Source::new(2, "next", "CREATE TABLE new (id integer);\n").expect("a source");
    let mut c = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    let o = Options::default();
    sqlx::raw_sql(&migrate_core::runner::history::create_sql(
        migrate_core::config::Dialect::Postgres,
        &o.history_table,
    ))
    .execute(&mut c)
    .await
    .expect("history");
    sqlx::raw_sql(&migrate_core::runner::history::insert_sql(
        migrate_core::config::Dialect::Postgres,
        &o.history_table,
        &legacy,
        true,
        Some(1),
        "",
    ))
    .execute(&mut c)
    .await
    .expect("recorded");
    let summary = runner::up(
        &mut runner::Connection::from(&mut c),
        &[legacy, next],
        &o,
        &mut |_| {},
    )
    .await
    .expect("applies the next one");
    assert_eq!(summary.applied.iter().map(|a| a.0).collect::<Vec<_>>(), [2]);
    db.close().await.expect("drop");
}
