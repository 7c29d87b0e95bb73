//! Benchmark (ignored by default): a column added to a partitioned table with many partitions,
//! as `migrate generate` writes it (one `ALTER TABLE … ADD COLUMN` on the parent, which
//! PostgreSQL propagates to every partition in the same transaction). Prints a Markdown row:
//! partitions, rows, the migration's time, and the locks the transaction held.
//!
//! ```text
//! BENCH_PARTITIONS=10000 cargo test --release -p migrate-tests --test bench_partitions -- --ignored --nocapture
//! ```
//!
//! `BENCH_PARTITIONS` (default 10 000) sets the number of partitions, `BENCH_ROWS_PER_PARTITION`
//! (default 10) the rows in each. The transaction locks the parent and every partition: the
//! server's lock table (`max_locks_per_transaction` × (`max_connections` +
//! `max_prepared_transactions`) slots, 6,400 by default) must hold them, or it fails with "out of
//! shared memory" and the benchmark says so.

// Test helpers outside `#[test]` functions fail the test by panicking too.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use migrate_core::config::Dialect;
use migrate_core::diff::diff;
use migrate_core::schema::{
    Column, ColumnType, Date, Partition, PartitionBound, PartitionKey, PartitionKind, Partitioning,
    Schema, Table,
};
use migrate_core::sql::render;
use migrate_tests::apply::postgres as apply;
use migrate_tests::pg::TestDb;
use sqlx::Connection;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn events(partitions: u64) -> Table {
    let start = Date::parse("2000-01-01").unwrap();
    let day = |n: u64| Date::from_days(start.to_days() + n as i64).to_string();
    Table {
        model: "Event".into(),
        columns: vec![
            Column::new("id", ColumnType::BigInt),
            Column::new("created_on", ColumnType::Date),
            Column::new("kind", ColumnType::Text),
        ],
        partitioning: Some(Partitioning {
            kind: PartitionKind::Range,
            keys: vec![PartitionKey::Column("created_on".into())],
            partitions: (0..partitions)
                .map(|i| Partition {
                    name: format!("events_{i:05}"),
                    bound: PartitionBound::Range {
                        from: vec![day(i)],
                        to: vec![day(i + 1)],
                    },
                })
                .collect(),
            ahead: None,
        }),
        ..Table::new("events")
    }
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn add_a_column_to_a_table_with_many_partitions() {
    let n = env("BENCH_PARTITIONS", 10_000);
    let per = env("BENCH_ROWS_PER_PARTITION", 10);
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    let from = Schema {
        tables: vec![events(n)],
        ..Schema::default()
    };
    // Set-up: the generated CREATE statements, in transactions of 500 (one transaction for all
    // would need the lock table this benchmark is about).
    let created = render(
        Dialect::Postgres,
        &diff(&Schema::default(), &from),
        &Schema::default(),
        &from,
    );
    let statements: Vec<&str> = created.statements.iter().map(|s| s.sql.as_str()).collect();
    for chunk in statements.chunks(500) {
        let mut tx = conn.begin().await.unwrap();
        for s in chunk {
            sqlx::raw_sql(s).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    sqlx::raw_sql(&format!(
        "INSERT INTO events SELECT g, DATE '2000-01-01' + (g % {n})::int, 'k' \
         FROM generate_series(1, {}) g",
        n * per
    ))
    .execute(&mut conn)
    .await
    .unwrap();

    let mut to = from.clone();
    let mut c = Column::new("updated_at", ColumnType::Timestamptz);
    c.default = Some("now()".into());
    to.tables[0].columns.push(c);
    let units = render(Dialect::Postgres, &diff(&from, &to), &from, &to).units();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].statements.len(), 1, "{:?}", units[0].statements);
    let settings: String = sqlx::query_scalar(
        "SELECT current_setting('max_locks_per_transaction') || ' × (' || \
         current_setting('max_connections') || ' + ' || current_setting('max_prepared_transactions') || ')'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let started = Instant::now();
    let outcome = apply(&mut conn, &units).await;
    let took = started.elapsed();
    println!("| partitions | rows | lock table | migration | outcome |");
    println!("|---:|---:|---|---:|---|");
    println!(
        "| {n} | {} | {settings} | {:.2} s | {} |",
        n * per,
        took.as_secs_f64(),
        match &outcome {
            Ok(()) => "ok".to_string(),
            Err(e) => e.lines().last().unwrap_or_default().to_string(),
        }
    );
    if outcome.is_ok() {
        let with_column: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             WHERE a.attname = 'updated_at' AND c.relname LIKE 'events%'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(with_column, n as i64 + 1);
    }
}
