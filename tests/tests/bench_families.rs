//! Benchmark (ignored by default): a column added to every member of a table family of 10,000
//! tables, in one family migration, all or nothing (one transaction), on PostgreSQL and SQLite.
//! Prints a Markdown table.
//!
//! ```text
//! cargo test --release -p migrate-tests --test bench_families -- --ignored --nocapture
//! ```
//!
//! `BENCH_MEMBERS` sets the number of members (default 10 000), `BENCH_SQLITE_MEMBERS` SQLite's
//! (default the same; 0 skips SQLite, whose DDL re-reads the whole schema, so creating and
//! altering many tables grows with the square of their number). `BENCH_PG_URL` names a
//! PostgreSQL server (a database of its own is created there) instead of the test harness's:
//! one transaction altering 10,000 tables takes a lock on each, which needs
//! `max_locks_per_transaction × (max_connections + max_prepared_transactions)` above the
//! member count (the default 64 × 100 = 6,400 is not).

// Test helpers outside `#[test]` functions fail the test by panicking too.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use migrate_core::config::Dialect;
use migrate_core::db::Connection;
use migrate_core::runner::{self, Event, Options, Source};
use migrate_core::schema::load_str;
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;

const TEMPLATE: &str = r#"
[families.audience_data]
model = "AudienceData"
pattern = "audience_data_{app}"
[families.audience_data.columns]
id = { type = "bigint", primary_key = true }
name = { type = "text" }
"#;

const MIGRATION: &str = "-- migrate:family name=audience_data pattern=audience_data_{app}\n\
    ALTER TABLE \"{member}\" ADD COLUMN IF NOT EXISTS \"updated_at\" text NOT NULL DEFAULT 'never';\n";

const MIGRATION_SQLITE: &str = "-- migrate:family name=audience_data pattern=audience_data_{app}\n\
    ALTER TABLE \"{member}\" ADD COLUMN \"updated_at\" text NOT NULL DEFAULT 'never';\n";

fn members() -> u64 {
    std::env::var("BENCH_MEMBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// Creates the members, 500 per script; seconds taken.
async fn create(conn: &mut Connection<'_>, dialect: Dialect, n: u64) -> f64 {
    let schema = load_str("s.toml", TEMPLATE).unwrap();
    let start = Instant::now();
    let mut script = String::new();
    for i in 0..n {
        script.push_str(
            &schema
                .create_member_sql("audience_data", dialect, &i.to_string())
                .unwrap(),
        );
        if (i + 1) % 500 == 0 || i + 1 == n {
            conn.execute(&format!("BEGIN;\n{script}COMMIT;"))
                .await
                .unwrap();
            script.clear();
        }
    }
    start.elapsed().as_secs_f64()
}

/// Applies the family migration; (seconds, members changed).
async fn apply(conn: &mut Connection<'_>, sql: &str) -> Result<(f64, u64), String> {
    let source = Source::new(20_260_101_000_000, "add_updated_at", sql).unwrap();
    let mut changed = 0;
    let start = Instant::now();
    runner::up(conn, &[source], &Options::default(), &mut |e| {
        if let Event::FamilyDone { changed: c, .. } = e {
            changed = c;
        }
    })
    .await
    .map_err(|e| e.to_string())?;
    Ok((start.elapsed().as_secs_f64(), changed))
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn a_column_added_to_ten_thousand_members() {
    let n = members();
    println!("| database | members | create members | add a column (one transaction) | changed |");
    println!("|---|---:|---:|---:|---:|");

    // PostgreSQL.
    let own = std::env::var("BENCH_PG_URL").ok();
    let _harness;
    let url = match &own {
        Some(server) => {
            let name = format!("bench_families_{}", std::process::id());
            let mut admin = Connection::connect(server).await.unwrap();
            admin
                .execute(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            admin.close().await;
            let (base, query) = server.split_once('?').unwrap_or((server, ""));
            let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
            format!(
                "{base}/{name}{}",
                if query.is_empty() {
                    String::new()
                } else {
                    format!("?{query}")
                }
            )
        }
        None => {
            let db = TestDb::new().await;
            let url = db.url.clone();
            _harness = db;
            url
        }
    };
    let mut conn = Connection::connect(&url).await.unwrap();
    let locks = conn
        .fetch_int("SELECT current_setting('max_locks_per_transaction')::bigint")
        .await
        .unwrap();
    let dialect = conn.dialect();
    let made = create(&mut conn, dialect, n).await;
    match apply(&mut conn, MIGRATION).await {
        Ok((s, changed)) => println!(
            "| PostgreSQL (max_locks_per_transaction = {locks}) | {n} | {made:.1} s | {s:.1} s | {changed} |"
        ),
        Err(e) => println!(
            "| PostgreSQL (max_locks_per_transaction = {locks}) | {n} | {made:.1} s | failed: {} | 0 |",
            e.lines().next().unwrap_or_default()
        ),
    }
    conn.close().await;

    // SQLite.
    let n = std::env::var("BENCH_SQLITE_MEMBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n);
    if n == 0 {
        return;
    }
    let f = TestFile::new();
    let mut conn = Connection::connect(&f.url).await.unwrap();
    let dialect = conn.dialect();
    let made = create(&mut conn, dialect, n).await;
    let (s, changed) = apply(&mut conn, MIGRATION_SQLITE).await.unwrap();
    println!("| SQLite | {n} | {made:.1} s | {s:.1} s | {changed} |");
    conn.close().await;
}
