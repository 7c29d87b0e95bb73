//! A generated batched backfill, end to end on a real PostgreSQL: `migrate generate` writes the
//! column's files (the transaction, one batch file per filled column, the NOT NULL steps),
//! `migrate up` applies them to a table with rows, and every row ends filled, the columns NOT
//! NULL, the temporary checks gone and every file recorded.

use std::path::Path;

use migrate_core::config::Dialect;
use migrate_core::generate::{Generated, generate_at};
use migrate_core::migration::{MigrationDir, Version};
use migrate_core::runner::{self, Options, sources_from_dir};
use migrate_tests::pg::TestDb;
use sqlx::{Connection, PgConnection};

const BEFORE: &str = r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id   = { type = "bigint", primary_key = true }
name = "text"
nick = { type = "text", nullable = true }
"#;

/// A NOT NULL column with a backfill, a column made NOT NULL with one, and a NOT NULL column
/// with a volatile default.
const AFTER: &str = r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id         = { type = "bigint", primary_key = true }
name       = "text"
nick       = { type = "text", backfill = "name || '!'" }
name_upper = { type = "text", backfill = "upper(name)" }
token      = { type = "uuid", default = "gen_random_uuid()" }
"#;

const ROWS: i64 = 2_500;

fn generate(schema: &Path, migrations: &Path, text: &str, at: &str) -> Vec<String> {
    std::fs::write(schema, text).expect("write schema");
    let now = Version::parse(at).expect("version");
    match generate_at(Dialect::Postgres, schema, migrations, None, now).expect("generate") {
        Generated::Written(paths) => paths
            .iter()
            .map(|p| {
                p.file_name()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect(),
        Generated::NoChange => panic!("no change generated"),
    }
}

async fn up(url: &str, migrations: &Path) -> runner::Summary {
    let dir = MigrationDir::open(migrations).expect("open migrations");
    assert!(dir.verify().is_empty(), "{:?}", dir.verify());
    let sources = sources_from_dir(&dir, &[]).expect("sources");
    let mut conn = PgConnection::connect(url).await.expect("connect");
    runner::up(
        &mut runner::Connection::from(&mut conn),
        &sources,
        &Options::default(),
        &mut |_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("migrate up: {e}"))
}

async fn scalar(conn: &mut PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test(flavor = "current_thread")]
async fn a_generated_backfill_fills_every_row_before_the_column_becomes_not_null() {
    let db = TestDb::new().await;
    let tmp = tempfile::tempdir().expect("temp dir");
    let (schema, migrations) = (
        tmp.path().join("schema.toml"),
        tmp.path().join("migrations"),
    );

    let first = generate(&schema, &migrations, BEFORE, "20260101000000");
    assert_eq!(first.len(), 1, "{first:?}");
    up(&db.url, &migrations).await;
    let mut conn = db.connect().await;
    sqlx::raw_sql(&format!(
        "INSERT INTO pets (id, name, nick) SELECT i, 'pet ' || i, CASE WHEN i % 3 = 0 THEN 'n' || i END \
         FROM generate_series(1, {ROWS}) AS i"
    ))
    .execute(&mut conn)
    .await
    .expect("rows");

    let files = generate(&schema, &migrations, AFTER, "20260102000000");
    let kinds: Vec<&str> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(migrations.join(f)).expect("read file");
            match text.lines().next() {
                Some(l) if l.starts_with("-- migrate:batch table=pets") => "batch",
                Some("-- migrate:no-transaction") => "online",
                _ => "tx",
            }
        })
        .collect();
    assert_eq!(
        kinds,
        ["tx", "batch", "batch", "batch", "online"],
        "{files:?}"
    );
    let summary = up(&db.url, &migrations).await;
    assert_eq!(summary.applied.len(), files.len(), "{summary:?}");

    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pets WHERE nick IS NULL OR name_upper IS NULL OR token IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pets WHERE name_upper <> upper(name)"
        )
        .await,
        0
    );
    // Rows that had a nickname keep it; the others got the backfill.
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pets WHERE nick <> CASE WHEN id % 3 = 0 THEN 'n' || id ELSE name || '!' END"
        )
        .await,
        0
    );
    // A volatile default is computed for each row.
    assert_eq!(
        scalar(&mut conn, "SELECT count(DISTINCT token) FROM pets").await,
        ROWS
    );
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'pets'::regclass \
             AND attname IN ('nick', 'name_upper', 'token') AND attnotnull"
        )
        .await,
        3
    );
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'pets'::regclass AND contype = 'c'"
        )
        .await,
        0,
        "the temporary NOT NULL checks are dropped"
    );
    // Each column was filled by its batch file, in more than one batch (the first batch holds
    // `INITIAL_BATCH` rows, fewer than the table), and only the rows that had no value changed.
    const { assert!(ROWS as u64 > migrate_core::batch::INITIAL_BATCH) };
    let walks: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT name, state, rows_changed, batches FROM migrate_backfills ORDER BY version",
    )
    .fetch_all(&mut conn)
    .await
    .expect("progress rows");
    let without_nick = ROWS - ROWS / 3;
    let got: Vec<(&str, &str, i64)> = walks
        .iter()
        .map(|(n, s, c, _)| (n.as_str(), s.as_str(), *c))
        .collect();
    assert_eq!(
        got,
        [
            ("backfill_pets_nick", "finished", without_nick),
            ("backfill_pets_name_upper", "finished", ROWS),
            ("backfill_pets_token", "finished", ROWS),
        ]
    );
    assert!(walks.iter().all(|w| w.3 >= 2), "{walks:?}");
    // New rows take the default; a row without the NOT NULL columns is refused.
    sqlx::raw_sql("INSERT INTO pets (id, name, nick, name_upper) VALUES (0, 'x', 'x', 'X')")
        .execute(&mut conn)
        .await
        .expect("insert with the default");
    assert!(
        sqlx::raw_sql("INSERT INTO pets (id, name, nick) VALUES (-1, 'y', 'y')")
            .execute(&mut conn)
            .await
            .is_err()
    );
    drop(conn);
    db.close().await.expect("drop test database");
}
