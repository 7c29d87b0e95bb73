//! A batched backfill against one `UPDATE` of the same rows, on PostgreSQL, each while a writer
//! updates random rows of the table in a loop (one row per transaction, 1 ms apart).
//!
//! For each: the fill's wall time (the backfill through `migrate up`, process start included),
//! the writer's latency (p50, p99, max) while it runs, and the table's size after it (before any
//! manual vacuum; autovacuum runs as configured). The throughput ratio is the single UPDATE's
//! time over the backfill's: 1.0 means as fast.
//!
//! Run: `cargo bench -p migrate-cli --bench backfill` (MIGRATE_BENCH_ROWS sets the table's rows,
//! default 2,000,000; MIGRATE_BIN another build of `migrate`). Uses the test harness's server:
//! MIGRATE_TEST_DATABASE_URL, or a throwaway cluster.

use std::fs;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use migrate_core::migration::{MigrationDir, Version};
use migrate_tests::pg::TestDb;
use sqlx::{Connection, PgConnection};

const FILL: &str = "UPDATE bench SET filled = a * 2 WHERE filled IS NULL";

/// A fresh `bench` table of `rows` rows, analysed.
async fn create(url: &str, rows: u64) {
    let mut c = PgConnection::connect(url).await.expect("connect");
    sqlx::raw_sql(&format!(
        "DROP TABLE IF EXISTS bench; DROP TABLE IF EXISTS migrate_history; DROP TABLE IF EXISTS migrate_backfills;
         CREATE TABLE bench (id bigint PRIMARY KEY, a integer NOT NULL, payload text NOT NULL, filled integer);
         INSERT INTO bench SELECT g, g % 1000, md5(g::text) FROM generate_series(1, {rows}) g;"
    ))
    .execute(&mut c)
    .await
    .expect("create the table");
    sqlx::raw_sql("VACUUM ANALYZE bench")
        .execute(&mut c)
        .await
        .expect("vacuum the table");
    c.close().await.expect("close");
}

async fn int(url: &str, sql: &str) -> i64 {
    let mut c = PgConnection::connect(url).await.expect("connect");
    let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut c).await.expect(sql);
    c.close().await.expect("close");
    n
}

/// A writer updating random rows until `stop`; its latencies.
fn writer(url: String, rows: u64, stop: Arc<AtomicBool>) -> JoinHandle<Vec<Duration>> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let mut c = PgConnection::connect(&url).await.expect("connect");
            let mut x: u64 = 0x2545_f491_4f6c_dd1d;
            let mut latencies = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let id = (x % rows) as i64 + 1;
                let t = Instant::now();
                sqlx::query("UPDATE bench SET a = a + 1 WHERE id = $1")
                    .bind(id)
                    .execute(&mut c)
                    .await
                    .expect("the writer's update");
                latencies.push(t.elapsed());
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            latencies
        })
    })
}

struct Phase {
    seconds: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
    writes: usize,
    size_before: i64,
    size_after: i64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Runs `fill` while the writer writes.
async fn phase<F, Fut>(url: &str, rows: u64, fill: F) -> Phase
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    create(url, rows).await;
    let size_before = int(url, "SELECT pg_relation_size('bench')").await;
    let stop = Arc::new(AtomicBool::new(false));
    let w = writer(url.to_string(), rows, stop.clone());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let start = Instant::now();
    fill().await;
    let seconds = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut latencies = w.join().expect("the writer");
    latencies.sort();
    let size_after = int(url, "SELECT pg_relation_size('bench')").await;
    let unfilled = int(url, "SELECT count(*) FROM bench WHERE filled IS NULL").await;
    assert_eq!(unfilled, 0, "every row filled");
    Phase {
        seconds,
        p50: percentile(&latencies, 0.5),
        p99: percentile(&latencies, 0.99),
        max: latencies.last().copied().unwrap_or_default(),
        writes: latencies.len(),
        size_before,
        size_after,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn mb(bytes: i64) -> String {
    format!("{:.0} MB", bytes as f64 / 1_048_576.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rows: u64 = std::env::var("MIGRATE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000_000);
    let bin = std::env::var("MIGRATE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_migrate").into());
    let db = TestDb::new().await;

    let single = phase(&db.url, rows, || async {
        let mut c = PgConnection::connect(&db.url).await.expect("connect");
        sqlx::raw_sql(FILL)
            .execute(&mut c)
            .await
            .expect("the single UPDATE");
        c.close().await.expect("close");
    })
    .await;

    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        "dialect = \"postgres\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n",
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), "").expect("schema");
    let mut md = MigrationDir::create(dir.path().join("migrations")).expect("migration dir");
    md.add_at(
        "fill_bench",
        &format!("-- migrate:batch table=bench\n-- Fill bench.filled.\n{FILL} AND :batch;\n"),
        Version::parse("20240101000000").expect("version"),
    )
    .expect("add the batch file");
    let batched = phase(&db.url, rows, || async {
        let out = Command::new(&bin)
            .current_dir(dir.path())
            .args(["up", "--database-url", &db.url])
            .env_remove("DATABASE_URL")
            .output()
            .expect("migrate runs");
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    })
    .await;
    let batches = int(&db.url, "SELECT batches FROM migrate_backfills").await;
    let size = int(&db.url, "SELECT batch_size::bigint FROM migrate_backfills").await;

    println!("backfill of {rows} rows, a writer updating random rows 1 ms apart:\n");
    println!(
        "| | wall time | writer p50 | writer p99 | writer max | writes | table before → after |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, p) in [
        ("one UPDATE", &single),
        ("batched (`migrate up`)", &batched),
    ] {
        println!(
            "| {name} | {:.1} s | {} | {} | {} | {} | {} → {} |",
            p.seconds,
            ms(p.p50),
            ms(p.p99),
            ms(p.max),
            p.writes,
            mb(p.size_before),
            mb(p.size_after)
        );
    }
    println!(
        "\nthroughput ratio (one UPDATE's time / the backfill's): {:.2}; {batches} batches, the last of {size} rows",
        single.seconds / batched.seconds
    );
    db.close().await.expect("drop the database");
}
