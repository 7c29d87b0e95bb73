//! Benchmark (ignored by default): a column of a 1-million-row table renamed (or retyped) while
//! a writer keeps writing, through the expand/contract route and in place. Prints a Markdown
//! table of the writer's latency (p50, p99, max) and errors while the migration runs.
//!
//! ```text
//! cargo test --release -p migrate-tests --test bench_expand_contract -- --ignored --nocapture
//! ```
//!
//! `BENCH_ROWS` sets the table's size (default 1 000 000); `BENCH_RESTART_MS` how long the
//! in-place rename's application restart takes (default 5 000 ms): the writer keeps sending the
//! old name until then, as a running application does.

// Test helpers outside `#[test]` functions fail the test by panicking too.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use migrate_core::config::Dialect;
use migrate_core::generate::{Generated, generate_at};
use migrate_core::migration::Version;
use migrate_core::runner::{self, Contracts, Options};
use migrate_tests::pg::TestDb;
use sqlx::{Connection, PgConnection};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What the writer saw.
#[derive(Debug, Default)]
struct Seen {
    latencies: Vec<Duration>,
    errors: usize,
}

impl Seen {
    fn pct(&self, p: f64) -> Duration {
        let mut l = self.latencies.clone();
        l.sort();
        if l.is_empty() {
            return Duration::ZERO;
        }
        l[((l.len() - 1) as f64 * p).round() as usize]
    }
}

/// How the writer names the column: the old name until `switch` says the new code runs.
#[derive(Clone)]
struct Names {
    old: &'static str,
    new: &'static str,
}

/// A writer on its own thread and connection: an `UPDATE` of a row (every tenth statement an
/// `INSERT`) in a loop until `stop`. With `restart`, on its first error it keeps sending the old
/// name for that long (the application still running the old code), then switches to the new
/// name (the restarted application).
fn writer(
    url: String,
    rows: u64,
    names: Names,
    stop: Arc<AtomicBool>,
    restart: Option<Duration>,
) -> std::thread::JoinHandle<Seen> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let mut c = PgConnection::connect(&url).await.unwrap();
            let mut seen = Seen::default();
            let mut column = names.old;
            let mut failing_since: Option<Instant> = None;
            let mut i: u64 = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let sql = if i.is_multiple_of(10) {
                    format!(
                        "INSERT INTO pets (id, {column}) VALUES ({}, {})",
                        rows + i,
                        i % 1000
                    )
                } else {
                    format!(
                        "UPDATE pets SET {column} = {} WHERE id = {}",
                        i % 1000,
                        (i * 7919) % rows + 1
                    )
                };
                let t = Instant::now();
                let r = sqlx::raw_sql(&sql).execute(&mut c).await;
                seen.latencies.push(t.elapsed());
                if r.is_err() {
                    seen.errors += 1;
                    failing_since.get_or_insert_with(Instant::now);
                }
                if let (Some(since), Some(restart)) = (failing_since, restart)
                    && since.elapsed() >= restart
                {
                    column = names.new;
                }
            }
            c.close().await.unwrap();
            seen
        })
    })
}

async fn exec(url: &str, sql: &str) {
    let mut c = PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
    c.close().await.unwrap();
}

const FROM: &str = "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nqty = \"integer\"\n";

/// One scenario: the table with `rows` rows, the writer, then `migrate` with `to` (a schema);
/// returns what the writer saw while the migration ran and how long the migration took.
async fn scenario(
    rows: u64,
    to: &str,
    names: Names,
    restart: Option<Duration>,
    contracts: Contracts,
) -> (Seen, Duration) {
    let db = TestDb::new().await;
    let tmp = tempfile::tempdir().unwrap();
    let schema = tmp.path().join("schema.toml");
    let migrations = tmp.path().join("migrations");
    std::fs::write(&schema, FROM).unwrap();
    let t0 = Version::parse("20260101000000").unwrap();
    generate_at(Dialect::Postgres, &schema, &migrations, None, t0).unwrap();
    let opts = Options {
        contracts,
        ..Options::default()
    };
    let mut c = PgConnection::connect(&db.url).await.unwrap();
    let sources = runner::load_dir(&migrations, &[]).unwrap().1;
    runner::up(
        &mut runner::Connection::from(&mut c),
        &sources,
        &opts,
        &mut |_| {},
    )
    .await
    .unwrap();
    exec(
        &db.url,
        &format!("INSERT INTO pets SELECT i, i % 1000 FROM generate_series(1, {rows}) i"),
    )
    .await;
    exec(&db.url, "VACUUM ANALYZE pets").await;
    std::fs::write(&schema, to).unwrap();
    let t1 = Version::parse("20260102000000").unwrap();
    let Generated::Written(_) =
        generate_at(Dialect::Postgres, &schema, &migrations, None, t1).unwrap()
    else {
        panic!("nothing generated")
    };
    let sources = runner::load_dir(&migrations, &[]).unwrap().1;

    let stop = Arc::new(AtomicBool::new(false));
    let w = writer(db.url.clone(), rows, names, stop.clone(), restart);
    // Let the writer reach its pace before the migration starts.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let t = Instant::now();
    runner::up(
        &mut runner::Connection::from(&mut c),
        &sources,
        &opts,
        &mut |_| {},
    )
    .await
    .unwrap();
    let took = t.elapsed();
    if let Some(restart) = restart {
        // The restarted application runs for a while on the new name.
        tokio::time::sleep(restart + Duration::from_millis(500)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let seen = w.join().unwrap();
    c.close().await.unwrap();
    (seen, took)
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "a benchmark: run it with --ignored --nocapture"]
async fn rename_a_column_of_a_large_table_under_a_writer() {
    let rows = env("BENCH_ROWS", 1_000_000);
    let restart = Duration::from_millis(env("BENCH_RESTART_MS", 5_000));
    let rename = FROM.replace(
        "qty = \"integer\"",
        "quantity = { type = \"integer\", renamed_from = \"qty\", strategy = \"expand-contract\" }",
    );
    let in_place = FROM.replace(
        "qty = \"integer\"",
        "quantity = { type = \"integer\", renamed_from = \"qty\" }",
    );
    let retype = FROM.replace(
        "qty = \"integer\"",
        "qty = { type = \"bigint\", type_changed_from = \"integer\" }",
    );
    let retype_ec = FROM.replace(
        "qty = \"integer\"",
        "quantity = { type = \"bigint\", renamed_from = \"qty\", type_changed_from = \"integer\", strategy = \"expand-contract\" }",
    );
    let names = Names {
        old: "qty",
        new: "quantity",
    };
    let same = Names {
        old: "qty",
        new: "qty",
    };
    let runs = [
        (
            "rename, expand/contract (expand, backfill, validate; old code writing)",
            scenario(rows, &rename, names.clone(), None, Contracts::Hold).await,
        ),
        (
            "rename in place + application restart",
            scenario(
                rows,
                &in_place,
                names.clone(),
                Some(restart),
                Contracts::Hold,
            )
            .await,
        ),
        (
            "rename + integer→bigint, expand/contract (old code writing)",
            scenario(rows, &retype_ec, names, None, Contracts::Hold).await,
        ),
        (
            "integer→bigint in place (ALTER … TYPE, table rewrite)",
            scenario(rows, &retype, same, None, Contracts::Hold).await,
        ),
    ];
    println!("\n{rows} rows; restart window {} ms\n", restart.as_millis());
    println!("| route | migration took | writer statements | errors | p50 | p99 | max |");
    println!("|---|---|---|---|---|---|---|");
    for (what, (seen, took)) in &runs {
        println!(
            "| {what} | {:.1} s | {} | {} | {:.1} ms | {:.1} ms | {:.1} ms |",
            took.as_secs_f64(),
            seen.latencies.len(),
            seen.errors,
            seen.pct(0.5).as_secs_f64() * 1e3,
            seen.pct(0.99).as_secs_f64() * 1e3,
            seen.pct(1.0).as_secs_f64() * 1e3,
        );
    }
    // The expand/contract routes keep the old code working.
    assert_eq!(runs[0].1.0.errors, 0);
    assert_eq!(runs[2].1.0.errors, 0);
}
