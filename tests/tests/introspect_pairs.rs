//! Random schema pairs, migrated on real databases and read back exactly.
//!
//! For each pair `(A, B)` of [`arb_schema_pair`], a fresh PostgreSQL database and a fresh SQLite
//! file get the migration `diff(empty, A)`, are read back and must be exactly
//! `normalize_for(dialect, A)`; then they get `diff(A, B)` and must read back as exactly
//! `normalize_for(dialect, B)` (`diff` of the two is empty). On PostgreSQL the expected schema
//! also gets the server's spelling of literals of non-text types
//! ([`canonical_literals`](migrate_core::introspect::canonical_literals)), as `migrate diff` does.
//!
//! - `MIGRATE_PROPTEST_CASES`: pairs per database (default 100, so 200 per run; each pair checks
//!   two schemas). Set it higher for a long run.
//! - `MIGRATE_PROPTEST_SEED`: the random seed, a number. Without it every run picks a new one,
//!   and a failure says which it was; it is also written to
//!   `target/tmp/introspect_pairs_<dialect>.seed` before the run starts.

use std::time::{SystemTime, UNIX_EPOCH};

use migrate_core::config::Dialect;
use migrate_core::db::Connection;
use migrate_core::diff::diff;
use migrate_core::introspect::{self, Options, canonical_literals, normalize_for};
use migrate_core::schema::Schema;
use migrate_core::schema::print::to_toml;
use migrate_core::sql::{Unit, render};
use migrate_tests::arb::arb_schema_pair;
use migrate_tests::{apply, pg::TestDb, sqlite::TestFile};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

const DEFAULT_CASES: u32 = 100;

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|n| {
        n.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={n} is not a number"))
    })
}

fn units(dialect: Dialect, from: &Schema, to: &Schema) -> Vec<Unit> {
    render(dialect, &diff(from, to), from, to).units()
}

/// Reads the database at `url` and compares it with what `declared` must read back as.
async fn read_back(url: &str, dialect: Dialect, declared: &Schema) -> Result<(), String> {
    let mut conn = Connection::connect(url).await.map_err(|e| e.to_string())?;
    let live = introspect::introspect(&mut conn, &Options::default())
        .await
        .map_err(|e| format!("introspection failed: {e}"))?;
    let mut expected = normalize_for(dialect, declared);
    canonical_literals(&mut conn, &mut expected).await;
    conn.close().await;
    let d = diff(&live, &expected);
    if d.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the database reads back differently:\n{}\n--- read back ---\n{}",
        d.changes
            .iter()
            .map(|c| format!("  {}", c.describe()))
            .collect::<Vec<_>>()
            .join("\n"),
        to_toml(&live)
    ))
}

async fn on_postgres(a: &Schema, b: &Schema) -> Result<(), String> {
    let db = TestDb::new().await;
    let result = async {
        let mut conn = db.connect().await;
        apply::postgres(&mut conn, &units(Dialect::Postgres, &Schema::default(), a))
            .await
            .map_err(|e| format!("creating A: {e}"))?;
        read_back(&db.url, Dialect::Postgres, a)
            .await
            .map_err(|e| format!("A: {e}"))?;
        apply::postgres(&mut conn, &units(Dialect::Postgres, a, b))
            .await
            .map_err(|e| format!("migrating A to B: {e}"))?;
        read_back(&db.url, Dialect::Postgres, b)
            .await
            .map_err(|e| format!("B: {e}"))
    }
    .await;
    db.close().await.map_err(|e| e.to_string())?;
    result
}

async fn on_sqlite(a: &Schema, b: &Schema) -> Result<(), String> {
    let file = TestFile::new();
    let mut conn = file.connect().await;
    apply::sqlite(&mut conn, &units(Dialect::Sqlite, &Schema::default(), a))
        .await
        .map_err(|e| format!("creating A: {e}"))?;
    read_back(&file.url, Dialect::Sqlite, a)
        .await
        .map_err(|e| format!("A: {e}"))?;
    apply::sqlite(&mut conn, &units(Dialect::Sqlite, a, b))
        .await
        .map_err(|e| format!("migrating A to B: {e}"))?;
    read_back(&file.url, Dialect::Sqlite, b)
        .await
        .map_err(|e| format!("B: {e}"))
}

/// Runs `check` on the pairs; a failure is shrunk and reported with both schemas as TOML.
fn run(dialect: Dialect, check: impl Fn(&Schema, &Schema) -> Result<(), String>) {
    let cases = env_number("MIGRATE_PROPTEST_CASES").map_or(DEFAULT_CASES, |n| n as u32);
    let seed = env_number("MIGRATE_PROPTEST_SEED").unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    // Written before the run, so that a run killed from outside can be repeated.
    let seed_file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("introspect_pairs_{dialect:?}.seed").to_lowercase());
    let _ = std::fs::write(&seed_file, format!("{seed}\n"));
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_time: 300_000,
        ..Config::default()
    };
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&seed.to_le_bytes());
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&arb_schema_pair(), |(a, b)| {
        check(&a, &b).map_err(|e| {
            TestCaseError::fail(format!(
                "{dialect:?}: {e}\n\n--- A ---\n{}\n--- B ---\n{}",
                to_toml(&a),
                to_toml(&b)
            ))
        })
    });
    if let Err(e) = result {
        panic!(
            "{e}\n\nrun these cases again with MIGRATE_PROPTEST_SEED={seed} MIGRATE_PROPTEST_CASES={cases}"
        );
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

#[test]
fn random_pairs_read_back_exactly_on_postgres() {
    let rt = runtime();
    run(Dialect::Postgres, |a, b| rt.block_on(on_postgres(a, b)));
}

#[test]
fn random_pairs_read_back_exactly_on_sqlite() {
    let rt = runtime();
    run(Dialect::Sqlite, |a, b| rt.block_on(on_sqlite(a, b)));
}
