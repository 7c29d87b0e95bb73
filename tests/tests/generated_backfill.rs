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

/// A NOT NULL column with a backfill, a column made NOT NULL with one, a NOT NULL column with a
/// volatile default, and an identity column.
const AFTER: &str = r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id         = { type = "bigint", primary_key = true }
name       = "text"
nick       = { type = "text", backfill = "name || '!'" }
name_upper = { type = "text", backfill = "upper(name)" }
token      = { type = "uuid", default = "gen_random_uuid()" }
number     = { type = "bigint", identity = true }
"#;

const ROWS: i64 = 2_500;

fn generate(schema: &Path, migrations: &Path, text: &str, at: &str) -> Vec<String> {
    generate_for(Dialect::Postgres, schema, migrations, text, at)
}

fn generate_for(
    dialect: Dialect,
    schema: &Path,
    migrations: &Path,
    text: &str,
    at: &str,
) -> Vec<String> {
    std::fs::write(schema, text).expect("write schema");
    let now = Version::parse(at).expect("version");
    match generate_at(dialect, schema, migrations, None, now).expect("generate") {
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
    let mut conn = PgConnection::connect(url).await.expect("connect");
    up_on(runner::Connection::from(&mut conn), migrations).await
}

async fn up_on(mut conn: runner::Connection<'_>, migrations: &Path) -> runner::Summary {
    let dir = MigrationDir::open(migrations).expect("open migrations");
    assert!(dir.verify().is_empty(), "{:?}", dir.verify());
    let sources = sources_from_dir(&dir, &[]).expect("sources");
    runner::up(&mut conn, &sources, &Options::default(), &mut |_| {})
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
        ["tx", "batch", "batch", "batch", "batch", "online"],
        "{files:?}"
    );
    let summary = up(&db.url, &migrations).await;
    assert_eq!(summary.applied.len(), files.len(), "{summary:?}");

    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pets WHERE nick IS NULL OR name_upper IS NULL OR token IS NULL \
             OR number IS NULL"
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
    // The identity numbered every existing row once, and its own sequence starts past them.
    assert_eq!(
        scalar(&mut conn, "SELECT count(DISTINCT number) FROM pets").await,
        ROWS
    );
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'pets'::regclass \
             AND attname = 'number' AND attidentity = 'd' AND NOT atthasdef"
        )
        .await,
        1
    );
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relname LIKE '%fill'"
        )
        .await,
        0,
        "the temporary sequence is dropped"
    );
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'pets'::regclass \
             AND attname IN ('nick', 'name_upper', 'token', 'number') AND attnotnull"
        )
        .await,
        4
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
            ("backfill_pets_number", "finished", ROWS),
        ]
    );
    assert!(walks.iter().all(|w| w.3 >= 2), "{walks:?}");
    // The online file runs again from the top without failing (as after a failure part-way).
    let online = std::fs::read_to_string(migrations.join(files.last().expect("files")))
        .expect("read the online file");
    for st in migrate_core::sql::split::split(&online, Dialect::Postgres).expect("split") {
        sqlx::raw_sql(&st.sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("running again: {}: {e}", st.sql));
    }
    // New rows take the default; a row without the NOT NULL columns is refused.
    sqlx::raw_sql("INSERT INTO pets (id, name, nick, name_upper) VALUES (0, 'x', 'x', 'X')")
        .execute(&mut conn)
        .await
        .expect("insert with the default");
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pets WHERE number = (SELECT number FROM pets WHERE id = 0)"
        )
        .await,
        1,
        "a new row's identity is past every number given before"
    );
    assert!(
        sqlx::raw_sql("INSERT INTO pets (id, name, nick) VALUES (-1, 'y', 'y')")
            .execute(&mut conn)
            .await
            .is_err()
    );
    drop(conn);
    db.close().await.expect("drop test database");
}

/// Names that quoting must carry through every layer: the directive's table name, string
/// literals, the dollar-quoted block that makes the identity, `format`-like `%`.
#[tokio::test(flavor = "current_thread")]
async fn hostile_names_go_through_the_batch_files() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/hostile_names_batched");
    let read = |f: &str| std::fs::read_to_string(case.join(f)).expect("case file");
    let db = TestDb::new().await;
    let tmp = tempfile::tempdir().expect("temp dir");
    let (schema, migrations) = (
        tmp.path().join("schema.toml"),
        tmp.path().join("migrations"),
    );
    generate(&schema, &migrations, &read("from.toml"), "20260101000000");
    up(&db.url, &migrations).await;
    let mut conn = db.connect().await;
    let table = r#""it's ""x"" $migrate$ 100%""#;
    sqlx::raw_sql(&format!(
        "INSERT INTO {table} (\"the id\", name) SELECT i, 'n' || i FROM generate_series(1, {ROWS}) AS i"
    ))
    .execute(&mut conn)
    .await
    .expect("rows");
    let files = generate(&schema, &migrations, &read("to.toml"), "20260102000000");
    assert_eq!(files.len(), 4, "{files:?}");
    up(&db.url, &migrations).await;
    assert_eq!(
        scalar(
            &mut conn,
            &format!(
                "SELECT count(DISTINCT \"n'o \"\"$\") FROM {table} WHERE \"tag %s\" = 'it''s %s'"
            )
        )
        .await,
        ROWS
    );
    drop(conn);
    db.close().await.expect("drop test database");
}

/// The NOT NULL steps wait for the batches: a backfill that fails part-way stops `migrate up`
/// before them (the column stays nullable, the rows of the batches that committed stay filled),
/// and once the data is fixed the next `migrate up` finishes the walk, then the NOT NULL steps.
#[tokio::test(flavor = "current_thread")]
async fn the_not_null_steps_run_only_after_the_backfill_finished() {
    let db = TestDb::new().await;
    let tmp = tempfile::tempdir().expect("temp dir");
    let (schema, migrations) = (
        tmp.path().join("schema.toml"),
        tmp.path().join("migrations"),
    );
    let before = "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nweight = \"integer\"\n";
    generate(&schema, &migrations, before, "20260101000000");
    up(&db.url, &migrations).await;
    let mut conn = db.connect().await;
    sqlx::raw_sql(&format!(
        "INSERT INTO pets SELECT i, CASE WHEN i = {ROWS} - 10 THEN 0 ELSE 2 END FROM generate_series(1, {ROWS}) AS i"
    ))
    .execute(&mut conn)
    .await
    .expect("rows");
    let after = format!("{before}ratio = {{ type = \"integer\", backfill = \"100 / weight\" }}\n");
    let files = generate(&schema, &migrations, &after, "20260102000000");
    assert_eq!(files.len(), 3, "{files:?}");

    let dir = MigrationDir::open(&migrations).expect("open migrations");
    let sources = sources_from_dir(&dir, &[]).expect("sources");
    let mut runner_conn = PgConnection::connect(&db.url).await.expect("connect");
    let failed = runner::up(
        &mut runner::Connection::from(&mut runner_conn),
        &sources,
        &Options::default(),
        &mut |_| {},
    )
    .await;
    assert!(failed.is_err(), "{failed:?}");
    let not_null = "SELECT count(*) FROM pg_attribute WHERE attrelid = 'pets'::regclass \
                    AND attname = 'ratio' AND attnotnull";
    assert_eq!(
        scalar(&mut conn, not_null).await,
        0,
        "NOT NULL before the walk ended"
    );
    assert!(
        scalar(&mut conn, "SELECT count(*) FROM pets WHERE ratio = 50").await
            >= migrate_core::batch::INITIAL_BATCH as i64,
        "the batches that committed keep their rows"
    );
    assert_eq!(
        scalar(
            &mut conn,
            &format!(
                "SELECT count(*) FROM migrate_history WHERE version = {}",
                &files[2][..14]
            )
        )
        .await,
        0,
        "the NOT NULL file did not run"
    );

    sqlx::raw_sql(&format!(
        "UPDATE pets SET weight = 4 WHERE id = {ROWS} - 10"
    ))
    .execute(&mut conn)
    .await
    .expect("fix the row");
    up(&db.url, &migrations).await;
    assert_eq!(scalar(&mut conn, not_null).await, 1);
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*) FROM pets WHERE ratio IS NULL OR ratio <> 100 / weight"
        )
        .await,
        0
    );
    drop(conn);
    drop(runner_conn);
    db.close().await.expect("drop test database");
}

/// SQLite keeps one file: making a column NOT NULL rebuilds the table, which copies every row
/// anyway, the backfill and the default part of that copy; `migrate up` fills every row.
#[tokio::test(flavor = "current_thread")]
async fn sqlite_fills_the_rows_in_its_rebuild() {
    let file = migrate_tests::sqlite::TestFile::new();
    let tmp = tempfile::tempdir().expect("temp dir");
    let (schema, migrations) = (
        tmp.path().join("schema.toml"),
        tmp.path().join("migrations"),
    );
    generate_for(
        Dialect::Sqlite,
        &schema,
        &migrations,
        BEFORE,
        "20260101000000",
    );
    let mut conn = file.connect().await;
    up_on(runner::Connection::from(&mut conn), &migrations).await;
    sqlx::raw_sql(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS}) \
         INSERT INTO pets (id, name, nick) SELECT i, 'pet ' || i, CASE WHEN i % 3 = 0 THEN 'n' || i END FROM n"
    ))
    .execute(&mut conn)
    .await
    .expect("rows");
    let after = AFTER.replace("number     = { type = \"bigint\", identity = true }\n", "");
    let files = generate_for(
        Dialect::Sqlite,
        &schema,
        &migrations,
        &after,
        "20260102000000",
    );
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(migrations.join(&files[0])).expect("read file");
    assert!(!text.contains("migrate:batch"), "{text}");
    up_on(runner::Connection::from(&mut conn), &migrations).await;
    let missing: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pets WHERE nick IS NULL OR name_upper IS NULL OR token IS NULL \
         OR name_upper <> upper(name)",
    )
    .fetch_one(&mut conn)
    .await
    .expect("count");
    assert_eq!(missing, 0);
    let tokens: i64 = sqlx::query_scalar("SELECT count(DISTINCT token) FROM pets")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    assert_eq!(tokens, ROWS);
}
