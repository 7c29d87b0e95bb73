//! The lock-friendly renderings of changes to a table that holds rows, on a real PostgreSQL:
//! a primary key added through a unique index built `CONCURRENTLY` before the transaction
//! (`PRIMARY KEY USING INDEX` in it), and indexes dropped `CONCURRENTLY` outside it. The files
//! that run outside a transaction commit statement by statement, so each must run again from the
//! top after a failure part-way, once the cause is fixed.

// Test helpers outside `#[test]` functions fail the test by panicking too.
#![allow(clippy::unwrap_used)]

use migrate_core::config::Dialect;
use migrate_core::diff::diff;
use migrate_core::schema::{Schema, load_str};
use migrate_core::sql::{Unit, render};
use migrate_tests::apply::postgres as apply;
use migrate_tests::pg::TestDb;
use sqlx::PgConnection;

fn schema(toml: &str) -> Schema {
    load_str("schema.toml", toml).unwrap_or_else(|e| panic!("{e}"))
}

fn units(from: &Schema, to: &Schema) -> Vec<Unit> {
    render(Dialect::Postgres, &diff(from, to), from, to).units()
}

async fn exec(conn: &mut PgConnection, sql: &str) {
    sqlx::raw_sql(sql)
        .execute(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn scalar<T>(conn: &mut PgConnection, sql: &str) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    sqlx::query_scalar(sql)
        .fetch_one(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// `(index name, valid)` of every index of `table`, by name.
async fn indexes(conn: &mut PgConnection, table: &str) -> Vec<(String, bool)> {
    sqlx::query_as(
        "SELECT c.relname::text, i.indisvalid FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE i.indrelid = to_regclass($1) ORDER BY 1",
    )
    .bind(format!("\"{table}\""))
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

/// The statements of `unit` run one by one, as the runner runs a no-transaction file, up to the
/// first failure: its message.
async fn run_online(conn: &mut PgConnection, unit: &Unit) -> Result<(), String> {
    assert!(unit.no_transaction, "{unit:?}");
    apply(conn, std::slice::from_ref(unit)).await
}

const EVENTS: &str = r#"
[tables.events]
model = "Event"
[tables.events.columns]
id   = { type = "bigint", nullable = true }
kind = { type = "text" }
"#;

const EVENTS_KEYED: &str = r#"
[tables.events]
model = "Event"
primary_key = ["id"]
[tables.events.columns]
id   = { type = "bigint", backfill = "0" }
kind = { type = "text" }
"#;

#[tokio::test]
async fn a_populated_table_gets_its_primary_key_through_an_index_built_before() {
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    let (from, to) = (schema(EVENTS), schema(EVENTS_KEYED));
    apply(&mut conn, &units(&Schema::default(), &from))
        .await
        .unwrap();
    // A NULL key (the backfill fills it), and two rows with the same key.
    exec(
        &mut conn,
        "INSERT INTO events (id, kind) VALUES (NULL, 'a'), (1, 'b'), (2, 'c'), (2, 'd')",
    )
    .await;

    let units = units(&from, &to);
    assert_eq!(units.len(), 2, "{units:#?}");
    let (before, tx) = (&units[0], &units[1]);
    assert!(before.statements.iter().any(|s| {
        s.starts_with("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"events_pkey\"")
    }));
    assert!(!tx.no_transaction);
    assert_eq!(
        tx.statements,
        [
            "ALTER TABLE \"events\" ADD CONSTRAINT \"events_pkey\" PRIMARY KEY USING INDEX \"events_pkey\""
        ]
    );

    // The build fails on the duplicate and leaves an invalid index; the rest of the table is
    // as it was, writable, and the column is NOT NULL already.
    let err = run_online(&mut conn, before).await.unwrap_err();
    assert!(err.contains("could not create unique index"), "{err}");
    assert_eq!(
        indexes(&mut conn, "events").await,
        [("events_pkey".to_string(), false)]
    );
    // Fixed, the file runs again from the top: the invalid index is dropped and built again.
    exec(&mut conn, "DELETE FROM events WHERE kind = 'd'").await;
    run_online(&mut conn, before).await.unwrap();
    run_online(&mut conn, before).await.unwrap();
    assert_eq!(
        indexes(&mut conn, "events").await,
        [("events_pkey".to_string(), true)]
    );
    apply(&mut conn, std::slice::from_ref(tx)).await.unwrap();

    // The key took the index over; the temporary check is gone; every row is kept.
    let key: String = scalar(
        &mut conn,
        "SELECT conname::text || ' ' || conindid::regclass::text FROM pg_constraint \
         WHERE conrelid = 'events'::regclass AND contype = 'p'",
    )
    .await;
    assert_eq!(key, "events_pkey events_pkey");
    let checks: i64 = scalar(
        &mut conn,
        "SELECT count(*) FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'c'",
    )
    .await;
    assert_eq!(checks, 0);
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, kind FROM events ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows, [(0, "a".into()), (1, "b".into()), (2, "c".into())]);
    drop(conn);
    db.close().await.unwrap();
}

#[tokio::test]
async fn a_replaced_primary_key_is_built_under_a_free_name_and_foreign_keys_follow() {
    let from = r#"
[tables.owners]
model = "Owner"
[tables.owners.columns]
id    = { type = "integer", primary_key = true }
email = { type = "text", unique = true }
[tables.pets]
model = "Pet"
[tables.pets.columns]
id    = { type = "integer", primary_key = true }
owner = { type = "text", references = "owners.email" }
"#;
    let to = from
        .replace(
            "id    = { type = \"integer\", primary_key = true }\nemail = { type = \"text\", unique = true }",
            "id    = { type = \"integer\" }\nemail = { type = \"text\", primary_key = true }",
        );
    let (from, to) = (schema(from), schema(&to));
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    apply(&mut conn, &units(&Schema::default(), &from))
        .await
        .unwrap();
    exec(
        &mut conn,
        "INSERT INTO owners VALUES (1, 'a@x'), (2, 'b@x'); INSERT INTO pets VALUES (1, 'a@x')",
    )
    .await;
    let units = units(&from, &to);
    let before = &units[0];
    assert!(before.no_transaction);
    assert!(
        before
            .statements
            .iter()
            .any(|s| s.contains("INDEX CONCURRENTLY IF NOT EXISTS \"owners_pkey_new\"")),
        "{before:#?}"
    );
    // Each file before the transaction runs twice: the second run changes nothing.
    run_online(&mut conn, before).await.unwrap();
    apply(&mut conn, &units).await.unwrap();
    let key: String = scalar(
        &mut conn,
        "SELECT conindid::regclass::text FROM pg_constraint \
         WHERE conrelid = 'owners'::regclass AND contype = 'p'",
    )
    .await;
    assert_eq!(key, "owners_pkey");
    let fk_valid: bool = scalar(
        &mut conn,
        "SELECT convalidated FROM pg_constraint WHERE conrelid = 'pets'::regclass AND contype = 'f'",
    )
    .await;
    assert!(fk_valid);
    assert_eq!(
        indexes(&mut conn, "owners").await,
        [("owners_pkey".to_string(), true)]
    );
    drop(conn);
    db.close().await.unwrap();
}

const PETS: &str = r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id   = { type = "integer", primary_key = true }
name = { type = "text" }
tag  = { type = "text" }
[[tables.pets.indexes]]
name = "pets_name_idx"
columns = ["name"]
[[tables.pets.indexes]]
name = "pets_tag_idx"
columns = ["tag"]
"#;

#[tokio::test]
async fn indexes_are_dropped_concurrently_after_the_transaction_and_run_again() {
    // One index dropped; another re-created under its name as unique.
    let to = PETS
        .replace(
            "[[tables.pets.indexes]]\nname = \"pets_name_idx\"\ncolumns = [\"name\"]\n",
            "",
        )
        .replace("columns = [\"tag\"]", "columns = [\"tag\"]\nunique = true");
    let (from, to) = (schema(PETS), schema(&to));
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    apply(&mut conn, &units(&Schema::default(), &from))
        .await
        .unwrap();
    exec(
        &mut conn,
        "INSERT INTO pets VALUES (1, 'rex', 'a'), (2, 'tom', 'b'), (3, 'kit', 'b')",
    )
    .await;

    let units = units(&from, &to);
    assert_eq!(units.len(), 1, "{units:#?}");
    assert_eq!(
        units[0].statements,
        [
            "DROP INDEX CONCURRENTLY IF EXISTS \"pets_name_idx\"",
            "DROP INDEX CONCURRENTLY IF EXISTS \"pets_tag_idx\"",
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"pets_tag_idx\" ON \"pets\" (\"tag\")",
        ]
    );
    // The unique build fails on the duplicate tag, leaving an invalid index behind.
    let err = run_online(&mut conn, &units[0]).await.unwrap_err();
    assert!(err.contains("could not create unique index"), "{err}");
    assert_eq!(
        indexes(&mut conn, "pets").await,
        [
            ("pets_pkey".to_string(), true),
            ("pets_tag_idx".to_string(), false)
        ]
    );
    // Fixed, the file runs again from the top, and once more without changing anything.
    exec(&mut conn, "UPDATE pets SET tag = 'c' WHERE id = 3").await;
    run_online(&mut conn, &units[0]).await.unwrap();
    run_online(&mut conn, &units[0]).await.unwrap();
    assert_eq!(
        indexes(&mut conn, "pets").await,
        [
            ("pets_pkey".to_string(), true),
            ("pets_tag_idx".to_string(), true)
        ]
    );
    let unique: bool = scalar(
        &mut conn,
        "SELECT indisunique FROM pg_index WHERE indexrelid = 'pets_tag_idx'::regclass",
    )
    .await;
    assert!(unique);
    let rows: i64 = scalar(&mut conn, "SELECT count(*) FROM pets").await;
    assert_eq!(rows, 3);
    drop(conn);
    db.close().await.unwrap();
}

#[tokio::test]
async fn an_index_whose_name_the_transaction_takes_is_dropped_before_it() {
    // `pets_name_idx` is dropped, and another index is renamed to its name in the transaction.
    let to = PETS
        .replace(
            "[[tables.pets.indexes]]\nname = \"pets_name_idx\"\ncolumns = [\"name\"]\n",
            "",
        )
        .replace("name = \"pets_tag_idx\"", "name = \"pets_name_idx\"");
    let (from, to) = (schema(PETS), schema(&to));
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    apply(&mut conn, &units(&Schema::default(), &from))
        .await
        .unwrap();
    exec(&mut conn, "INSERT INTO pets VALUES (1, 'rex', 'a')").await;
    let units = units(&from, &to);
    assert_eq!(units.len(), 2, "{units:#?}");
    assert!(units[0].no_transaction);
    assert_eq!(
        units[0].statements,
        ["DROP INDEX CONCURRENTLY IF EXISTS \"pets_name_idx\""]
    );
    assert_eq!(
        units[1].statements,
        ["ALTER INDEX \"pets_tag_idx\" RENAME TO \"pets_name_idx\""]
    );
    run_online(&mut conn, &units[0]).await.unwrap();
    apply(&mut conn, &units).await.unwrap();
    let indexed: String = scalar(
        &mut conn,
        "SELECT pg_get_indexdef('pets_name_idx'::regclass)",
    )
    .await;
    assert!(indexed.ends_with("(tag)"), "{indexed}");
    drop(conn);
    db.close().await.unwrap();
}
