//! Declarative partitioning on a real PostgreSQL: partitioned tables of every kind round-trip
//! through generate → apply → pull → diff; a partition is attached and another detached (kept
//! as a table of its own, or dropped once acknowledged); an index reaches a parent with rows
//! `ON ONLY` the parent, each partition `CONCURRENTLY`, then attached; a column added to the
//! parent reaches every partition. SQLite refuses a partitioned table with the reason.

// Test helpers outside `#[test]` functions fail the test by panicking too.
#![allow(clippy::unwrap_used)]

use migrate_core::config::Dialect;
use migrate_core::db::Connection;
use migrate_core::diff::{Change, diff};
use migrate_core::generate::plan;
use migrate_core::introspect::{self, Options};
use migrate_core::schema::print::to_toml;
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

async fn pull(url: &str) -> Schema {
    let mut conn = Connection::connect(url).await.expect("connect");
    let s = introspect::introspect(&mut conn, &Options::default())
        .await
        .unwrap_or_else(|e| panic!("introspect: {e}"));
    conn.close().await;
    s
}

/// The live database holds what is declared: no change either way, and the pulled schema
/// prints and loads back as read.
async fn assert_round_trips(url: &str, declared: &Schema) -> Schema {
    let live = pull(url).await;
    let d = diff(&live, declared);
    assert!(d.is_empty(), "live → declared: {:#?}", d.changes);
    let text = to_toml(&live);
    let back = load_str("pulled.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back, live, "{text}");
    live
}

const KINDS: &str = r#"
[tables.measurements]
model = "Measurement"
primary_key = ["id", "taken_on"]
partition_by = { kind = "range", columns = ["taken_on"] }

[tables.measurements.columns]
id = "bigint"
taken_on = "date"
value = { type = "numeric", nullable = true }

[[tables.measurements.indexes]]
columns = ["value"]

[tables.measurements.partitions.measurements_2025]
from = "2025-01-01"
to = "2026-01-01"

[tables.measurements.partitions.measurements_2026]
from = "2026-01-01"
to = "2027-01-01"

[tables.measurements.partitions.measurements_other]
default = true

[tables.customers]
model = "Customer"
partition_by = { kind = "list", columns = ["region"] }
columns = { id = "bigint", region = "text" }

[tables.customers.partitions.customers_eu]
values = ["fr", "de", "it's"]

[tables.customers.partitions.customers_rest]
default = true

[tables.sessions]
model = "Session"
partition_by = { kind = "hash", columns = ["id"] }
columns = { id = { type = "uuid", primary_key = true } }
partitions.sessions_0 = { modulus = 2, remainder = 0 }
partitions.sessions_1 = { modulus = 2, remainder = 1 }
"#;

#[tokio::test(flavor = "current_thread")]
async fn every_kind_round_trips_and_routes_rows() {
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    let declared = schema(KINDS);
    apply(&mut conn, &units(&Schema::default(), &declared))
        .await
        .unwrap();
    let live = assert_round_trips(&db.url, &declared).await;
    // Partitions are read as partitions, not as tables of their own.
    let names: Vec<&str> = live.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["customers", "measurements", "sessions"]);

    exec(
        &mut conn,
        "INSERT INTO measurements VALUES (1, '2025-06-01', 1), (2, '2026-06-01', 2), (3, '2030-01-01', 3); \
         INSERT INTO customers VALUES (1, 'it''s'), (2, 'us')",
    )
    .await;
    let routed: String = scalar(
        &mut conn,
        "SELECT string_agg(tableoid::regclass::text || ':' || id, ' ' ORDER BY id) FROM measurements",
    )
    .await;
    assert_eq!(
        routed,
        "measurements_2025:1 measurements_2026:2 measurements_other:3"
    );
    let routed: String = scalar(
        &mut conn,
        "SELECT string_agg(tableoid::regclass::text, ' ' ORDER BY id) FROM customers",
    )
    .await;
    assert_eq!(routed, "customers_eu customers_rest");
}

const EVENTS: &str = r#"
[tables.events]
model = "Event"
primary_key = ["id", "created_on"]
partition_by = { kind = "range", columns = ["created_on"] }

[tables.events.columns]
id = "bigint"
created_on = "date"
kind = "text"

[[tables.events.checks]]
name = "events_kind_check"
expr = "kind <> ''"

[tables.events.partitions.events_2025]
from = "2025-01-01"
to = "2026-01-01"

[tables.events.partitions.events_2026]
from = "2026-01-01"
to = "2027-01-01"
"#;

async fn events_with_rows(db: &TestDb) -> (PgConnection, Schema) {
    let mut conn = db.connect().await;
    let from = schema(EVENTS);
    apply(&mut conn, &units(&Schema::default(), &from))
        .await
        .unwrap();
    exec(
        &mut conn,
        "INSERT INTO events SELECT g, DATE '2025-01-01' + g % 700, 'k' FROM generate_series(1, 2000) g",
    )
    .await;
    (conn, from)
}

#[tokio::test(flavor = "current_thread")]
async fn a_partition_is_attached_and_another_detached_concurrently_then_dropped() {
    let db = TestDb::new().await;
    let (mut conn, from) = events_with_rows(&db).await;
    let to_src = format!(
        "drop_tables = [\"events_2025\"]\n{}\n[tables.events.partitions.events_2027]\nfrom = \"2027-01-01\"\nto = \"2028-01-01\"\n",
        EVENTS.replace(
            "[tables.events.partitions.events_2025]\nfrom = \"2025-01-01\"\nto = \"2026-01-01\"\n",
            ""
        )
    );
    let to = schema(&to_src);
    let d = diff(&from, &to);
    assert!(
        d.changes
            .iter()
            .any(|c| matches!(c, Change::DropTable(t) if t.name == "events_2025"))
    );
    let units = units(&from, &to);
    // The detach runs alone, before the transaction: CONCURRENTLY cannot run in one.
    assert!(units[0].no_transaction, "{units:#?}");
    assert_eq!(
        units[0].statements,
        ["ALTER TABLE \"events\" DETACH PARTITION \"events_2025\" CONCURRENTLY"]
    );
    let tx = &units[1];
    assert!(!tx.no_transaction);
    assert!(
        tx.statements
            .contains(&"DROP TABLE \"events_2025\"".to_string()),
        "{tx:#?}"
    );
    assert!(tx.statements.contains(
        &"ALTER TABLE \"events\" ATTACH PARTITION \"events_2027\" FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')".to_string()
    ), "{tx:#?}");
    apply(&mut conn, &units).await.unwrap();
    assert_round_trips(&db.url, &to).await;
    // The 2026 rows stay; 2025's went with its partition; 2027 takes rows, checked.
    let left: i64 = scalar(&mut conn, "SELECT count(*) FROM events").await;
    let in_2026: i64 = scalar(&mut conn, "SELECT count(*) FROM events_2026").await;
    assert_eq!(left, in_2026);
    exec(
        &mut conn,
        "INSERT INTO events VALUES (9999, '2027-03-01', 'k')",
    )
    .await;
    let err = sqlx::raw_sql("INSERT INTO events VALUES (10000, '2027-03-01', '')")
        .execute(&mut conn)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("events_kind_check"), "{err}");

    // Without the acknowledgement, the drop of the detached partition is refused.
    let unacked = schema(&to_src.replace("drop_tables = [\"events_2025\"]\n", ""));
    let p = plan(Dialect::Postgres, &from, &unacked, None);
    let refused: Vec<String> = p
        .refusals()
        .iter()
        .map(|a| p.diff.changes[a.change].describe())
        .collect();
    assert_eq!(refused, ["drop table `events_2025`"]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_detached_partition_declared_as_a_table_keeps_its_rows() {
    let db = TestDb::new().await;
    let (mut conn, from) = events_with_rows(&db).await;
    let in_2025: i64 = scalar(&mut conn, "SELECT count(*) FROM events_2025").await;
    let to = schema(&format!(
        "{}\n[tables.events_2025]\nmodel = \"Event2025\"\nprimary_key = [\"id\", \"created_on\"]\ncolumns = {{ id = \"bigint\", created_on = \"date\", kind = \"text\" }}\n[[tables.events_2025.checks]]\nname = \"events_kind_check\"\nexpr = \"kind <> ''\"\n",
        EVENTS.replace(
            "[tables.events.partitions.events_2025]\nfrom = \"2025-01-01\"\nto = \"2026-01-01\"\n",
            ""
        )
    ));
    let d = diff(&from, &to);
    assert!(
        d.changes
            .iter()
            .all(|c| !matches!(c, Change::DropTable(_) | Change::CreateTable(_))),
        "{:#?}",
        d.changes
    );
    apply(&mut conn, &units(&from, &to)).await.unwrap();
    assert_round_trips(&db.url, &to).await;
    let kept: i64 = scalar(&mut conn, "SELECT count(*) FROM events_2025").await;
    assert_eq!(kept, in_2025);
    assert!(kept > 0);
}

#[tokio::test(flavor = "current_thread")]
async fn a_table_with_rows_is_attached_after_a_check_of_its_bound_so_attach_skips_the_scan() {
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    let without_2025 = EVENTS.replace(
        "[tables.events.partitions.events_2025]\nfrom = \"2025-01-01\"\nto = \"2026-01-01\"\n",
        "",
    );
    // `events_2025` starts as a plain table of the same shape, with rows.
    let from = schema(&format!(
        "{without_2025}\n[tables.events_2025]\nmodel = \"Event2025\"\nprimary_key = [\"id\", \"created_on\"]\ncolumns = {{ id = \"bigint\", created_on = \"date\", kind = \"text\" }}\n[[tables.events_2025.checks]]\nname = \"events_kind_check\"\nexpr = \"kind <> ''\"\n"
    ));
    apply(&mut conn, &units(&Schema::default(), &from))
        .await
        .unwrap();
    exec(
        &mut conn,
        "INSERT INTO events_2025 SELECT g, DATE '2025-01-01' + g % 365, 'k' FROM generate_series(1, 1000) g",
    )
    .await;
    let to = schema(EVENTS);
    let d = diff(&from, &to);
    assert!(
        d.changes
            .iter()
            .all(|c| !matches!(c, Change::DropTable(_) | Change::CreateTable(_))),
        "{:#?}",
        d.changes
    );
    let units = units(&from, &to);
    let all: Vec<&str> = units
        .iter()
        .flat_map(|u| u.statements.iter().map(String::as_str))
        .collect();
    assert_eq!(
        all,
        [
            "ALTER TABLE \"events_2025\" ADD CONSTRAINT \"events_2025_partition_bound\" CHECK (\"created_on\" IS NOT NULL AND \"created_on\" >= '2025-01-01' AND \"created_on\" < '2026-01-01') NOT VALID",
            "ALTER TABLE \"events_2025\" VALIDATE CONSTRAINT \"events_2025_partition_bound\"",
            "ALTER TABLE \"events\" ATTACH PARTITION \"events_2025\" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
            "ALTER TABLE \"events_2025\" DROP CONSTRAINT IF EXISTS \"events_2025_partition_bound\"",
        ]
    );
    apply(&mut conn, &units).await.unwrap();
    assert_round_trips(&db.url, &to).await;
    let through_parent: i64 = scalar(&mut conn, "SELECT count(*) FROM events").await;
    assert_eq!(through_parent, 1000);
}

#[tokio::test(flavor = "current_thread")]
async fn an_index_reaches_a_parent_with_rows_on_only_then_each_partition_concurrently() {
    let db = TestDb::new().await;
    let (mut conn, from) = events_with_rows(&db).await;
    let to = schema(&EVENTS.replace(
        "[tables.events.partitions.events_2025]",
        "[[tables.events.indexes]]\ncolumns = [\"kind\"]\n\n[tables.events.partitions.events_2025]",
    ));
    let units = units(&from, &to);
    assert_eq!(units.len(), 1, "{units:#?}");
    assert!(units[0].no_transaction);
    assert_eq!(
        units[0].statements,
        [
            "CREATE INDEX IF NOT EXISTS \"events_kind_idx\" ON ONLY \"events\" (\"kind\")",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"events_2025_events_kind_idx\" ON \"events_2025\" (\"kind\")",
            "ALTER INDEX \"events_kind_idx\" ATTACH PARTITION \"events_2025_events_kind_idx\"",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"events_2026_events_kind_idx\" ON \"events_2026\" (\"kind\")",
            "ALTER INDEX \"events_kind_idx\" ATTACH PARTITION \"events_2026_events_kind_idx\"",
        ]
    );
    // Before the partitions are attached the parent's index is invalid; after, valid.
    let first = Unit {
        statements: units[0].statements[..3].to_vec(),
        ..units[0].clone()
    };
    apply(&mut conn, &[first]).await.unwrap();
    let valid: bool = scalar(
        &mut conn,
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass",
    )
    .await;
    assert!(!valid);
    apply(&mut conn, &units).await.unwrap();
    let valid: bool = scalar(
        &mut conn,
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass",
    )
    .await;
    assert!(valid);
    assert_round_trips(&db.url, &to).await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_column_added_to_the_parent_reaches_every_partition() {
    let db = TestDb::new().await;
    let (mut conn, from) = events_with_rows(&db).await;
    let to = schema(&EVENTS.replace(
        "kind = \"text\"\n",
        "kind = \"text\"\nupdated_at = { type = \"timestamptz\", default = \"now()\" }\n",
    ));
    let units = units(&from, &to);
    assert_eq!(units.len(), 1, "{units:#?}");
    assert_eq!(
        units[0].statements,
        ["ALTER TABLE \"events\" ADD COLUMN \"updated_at\" timestamptz DEFAULT now() NOT NULL"]
    );
    apply(&mut conn, &units).await.unwrap();
    let with_column: i64 = scalar(
        &mut conn,
        "SELECT count(*) FROM pg_attribute WHERE attname = 'updated_at' \
         AND attrelid IN ('events'::regclass, 'events_2025'::regclass, 'events_2026'::regclass)",
    )
    .await;
    assert_eq!(with_column, 3);
    let nulls: i64 = scalar(
        &mut conn,
        "SELECT count(*) FROM events WHERE updated_at IS NULL",
    )
    .await;
    assert_eq!(nulls, 0);
    assert_round_trips(&db.url, &to).await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_key_a_foreign_key_and_a_check_reach_a_parent_with_rows() {
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    let owners = "[tables.owners]\nmodel = \"Owner\"\ncolumns = { id = { type = \"bigint\", primary_key = true } }\n";
    let keyless = EVENTS.replace("primary_key = [\"id\", \"created_on\"]\n", "");
    let from = schema(&format!("{keyless}\n{owners}"));
    apply(&mut conn, &units(&Schema::default(), &from))
        .await
        .unwrap();
    exec(
        &mut conn,
        "INSERT INTO owners VALUES (1); \
         INSERT INTO events SELECT g, DATE '2025-01-01' + g % 700, 'k' FROM generate_series(1, 500) g",
    )
    .await;
    let to = schema(&format!(
        "{}\n{owners}",
        EVENTS
            .replace(
                "kind = \"text\"\n",
                "kind = \"text\"\nowner_id = { type = \"bigint\", nullable = true, references = \"owners.id\" }\n",
            )
            .replace(
                "[tables.events.partitions.events_2025]",
                "[[tables.events.checks]]\nname = \"events_id_check\"\nexpr = \"id > 0\"\n\n[tables.events.partitions.events_2025]",
            )
    ));
    apply(&mut conn, &units(&from, &to)).await.unwrap();
    assert_round_trips(&db.url, &to).await;
    let err = sqlx::raw_sql("INSERT INTO events VALUES (1, '2025-02-01', 'k', 2)")
        .execute(&mut conn)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("events_owner_id_fkey"), "{err}");
}

#[test]
fn sqlite_refuses_a_partitioned_table_with_the_reason() {
    let declared = schema(EVENTS);
    let p = plan(Dialect::Sqlite, &Schema::default(), &declared, None);
    assert!(p.files.is_empty());
    let messages: Vec<&str> = p.problems.iter().map(|x| x.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "table `events` is partitioned (`partition_by`), and SQLite has no declarative partitioning"
        ]
    );
}

#[test]
fn a_moved_bound_drops_the_partition_and_is_refused_until_acknowledged() {
    let from = schema(EVENTS);
    let to = schema(&EVENTS.replace("to = \"2027-01-01\"", "to = \"2028-01-01\""));
    let p = plan(Dialect::Postgres, &from, &to, None);
    let refused: Vec<String> = p
        .refusals()
        .iter()
        .map(|a| p.diff.changes[a.change].describe())
        .collect();
    assert_eq!(refused, ["drop table `events_2026`"]);
    assert!(p.diff.changes.iter().any(
        |c| matches!(c, Change::AttachPartition { partition, existing: false, .. } if partition.name == "events_2026")
    ));
}
