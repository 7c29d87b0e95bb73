//! Start-up with nothing to do: `migrate up` with every migration applied, `migrate status` and
//! `migrate check`, at 1,000, 4,000 and 10,000 applied migrations, on PostgreSQL and SQLite; the
//! embedded `Migrator::run` on the same history; and, when `SQLX` names a `sqlx` binary (sqlx-cli),
//! `sqlx migrate run` and `sqlx migrate info` on the same files in the same run.
//!
//! The migrations create nothing (`SELECT 1;` under a comment), so the figures are the tools' own
//! overhead: reading and verifying the files, reading the history, comparing the two.
//!
//! Run: `cargo bench -p migrate-cli --bench startup`. `MIGRATE_BENCH_SIZES` (default
//! `1000,4000,10000`), `MIGRATE_BENCH_RUNS` (default 5; the minimum and median are reported),
//! `MIGRATE_BENCH_DIALECTS` (default `postgres,sqlite`), `SQLX` (path to sqlx-cli's `sqlx`), `MIGRATE_BIN` (another build of `migrate` to measure). Uses
//! the test harness's server: MIGRATE_TEST_DATABASE_URL, or a throwaway cluster.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use migrate_core::migration::{MigrationDir, Version};
use migrate_core::migrator::{EmbeddedMigration, Migrator};
use migrate_core::schema::Schema;
use migrate_tests::pg::TestDb;

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn time(mut cmd: Command, ok_codes: &[i32]) -> f64 {
    let start = Instant::now();
    let out = cmd.output().expect("command runs");
    let elapsed = start.elapsed().as_secs_f64();
    assert!(
        ok_codes.contains(&out.status.code().unwrap_or(-1)),
        "{:?}: {}\n{}",
        cmd,
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

/// (minimum, median) in milliseconds.
fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0] * 1e3, v[v.len() / 2] * 1e3)
}

fn migrate(project: &Path, args: &[&str]) -> Command {
    // MIGRATE_BIN: another build of `migrate` (e.g. the previous commit's) to measure.
    let bin = std::env::var("MIGRATE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_migrate").into());
    let mut cmd = Command::new(bin);
    cmd.current_dir(project)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1");
    cmd
}

fn sqlx(bin: &str, dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .arg("--source")
        .arg(dir)
        .args(["--database-url", url])
        .env_remove("DATABASE_URL");
    cmd
}

/// A project of `n` migrations, all in one manifest, and a copy of the `.sql` files for sqlx.
fn project(n: usize, dialect: &str) -> (tempfile::TempDir, Vec<(String, String)>) {
    let files: Vec<(String, String)> = (0..n)
        .map(|i| (format!("step_{i:05}"), format!("-- Step {i}.\nSELECT 1;\n")))
        .collect();
    let project = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        project.path().join("migrate.toml"),
        format!("dialect = \"{dialect}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n"),
    )
    .expect("config");
    std::fs::write(project.path().join("schema.toml"), "").expect("schema");
    let mut dir = MigrationDir::create(project.path().join("migrations")).expect("dir");
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let start = Version::parse("20240101000000").expect("version");
    dir.add_all_with_snapshot_at(&refs, &Schema::default(), start)
        .expect("write migrations");
    let sqlx_dir = project.path().join("sqlx-migrations");
    std::fs::create_dir(&sqlx_dir).expect("sqlx dir");
    let mut out = Vec::new();
    for m in MigrationDir::open(project.path().join("migrations"))
        .expect("open")
        .migrations()
    {
        std::fs::copy(&m.path, sqlx_dir.join(m.file_name())).expect("copy");
        out.push((m.file_name(), m.content.clone()));
    }
    (project, out)
}

/// What `embed_migrations!` expands to for these files: checksums and directives computed ahead
/// of time, the runtime only compares.
fn embedded(files: &[(String, String)]) -> Migrator {
    let list: Vec<EmbeddedMigration> = files
        .iter()
        .map(|(file, content)| {
            let (version, name) = migrate_core::migration::parse_file_name(file).expect("name");
            EmbeddedMigration {
                version: version.as_u64(),
                name: Box::leak(name.to_string().into_boxed_str()),
                content: Box::leak(content.clone().into_boxed_str()),
                checksum: Box::leak(
                    migrate_core::migration::Migration::from_file(file.into(), content.as_bytes())
                        .expect("a migration")
                        .checksum
                        .into_boxed_str(),
                ),
                no_transaction: false,
                lock_timeout: None,
                statement_timeout: None,
            }
        })
        .collect();
    Migrator::new(Box::leak(list.into_boxed_slice()))
}

struct Row {
    what: String,
    ms: (f64, f64),
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let sizes: Vec<usize> = std::env::var("MIGRATE_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,4000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let dialects: Vec<String> = std::env::var("MIGRATE_BENCH_DIALECTS")
        .unwrap_or_else(|_| "postgres,sqlite".into())
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    let runs: usize = env_or("MIGRATE_BENCH_RUNS", 5);
    let sqlx_bin = std::env::var("SQLX").ok().filter(|s| !s.is_empty());
    let mut rows = Vec::new();
    for &n in &sizes {
        for dialect in &dialects {
            let (project, files) = project(n, dialect);
            let p = project.path();
            let sqlx_dir = p.join("sqlx-migrations");
            let (ours_url, sqlx_url, pg) = if dialect == "postgres" {
                let ours = TestDb::new().await;
                let theirs = TestDb::new().await;
                (ours.url.clone(), theirs.url.clone(), Some((ours, theirs)))
            } else {
                let ours = p.join("ours.db");
                let theirs = p.join("theirs.db");
                (
                    format!("sqlite://{}?mode=rwc", ours.display()),
                    format!("sqlite://{}?mode=rwc", theirs.display()),
                    None,
                )
            };
            if dialect == "sqlite" {
                // sqlx-cli creates nothing without `database create`.
                std::fs::write(p.join("theirs.db"), b"").expect("sqlite file");
            }
            let setup = time(migrate(p, &["up", "--database-url", &ours_url]), &[0]);
            println!("{dialect} {n}: applied in {setup:.2} s");
            if let Some(bin) = &sqlx_bin {
                time(sqlx(bin, &sqlx_dir, &sqlx_url, &["migrate", "run"]), &[0]);
            }
            let mut t: Vec<(&str, Vec<f64>)> = vec![
                ("migrate up (nothing pending)", vec![]),
                ("migrate status", vec![]),
                ("migrate check", vec![]),
                ("embedded Migrator::run (nothing pending)", vec![]),
                ("sqlx migrate run (nothing pending)", vec![]),
                ("sqlx migrate info", vec![]),
            ];
            let migrator = embedded(&files);
            let pool_pg = match &pg {
                Some((db, _)) => Some(db.pool().await),
                None => None,
            };
            let pool_lite = if pg.is_none() {
                Some(
                    sqlx::sqlite::SqlitePoolOptions::new()
                        .max_connections(1)
                        .connect(&ours_url)
                        .await
                        .expect("sqlite pool"),
                )
            } else {
                None
            };
            for _ in 0..runs {
                t[0].1
                    .push(time(migrate(p, &["up", "--database-url", &ours_url]), &[0]));
                // 0: no drift; 1: drift or problems (none expected, but the figure is the same).
                t[1].1.push(time(
                    migrate(p, &["status", "--database-url", &ours_url]),
                    &[0],
                ));
                t[2].1.push(time(migrate(p, &["check"]), &[0]));
                let start = Instant::now();
                let summary = match (&pool_pg, &pool_lite) {
                    (Some(pool), _) => migrator.run(pool).await,
                    (_, Some(pool)) => migrator.run(pool).await,
                    _ => unreachable!(),
                }
                .expect("embedded run");
                t[3].1.push(start.elapsed().as_secs_f64());
                assert!(summary.applied.is_empty());
                if let Some(bin) = &sqlx_bin {
                    t[4].1.push(time(
                        sqlx(bin, &sqlx_dir, &sqlx_url, &["migrate", "run"]),
                        &[0],
                    ));
                    t[5].1.push(time(
                        sqlx(bin, &sqlx_dir, &sqlx_url, &["migrate", "info"]),
                        &[0],
                    ));
                }
            }
            if let Some(pool) = pool_pg {
                pool.close().await;
            }
            if let Some(pool) = pool_lite {
                pool.close().await;
            }
            if let Some((a, b)) = pg {
                a.close().await.expect("drop");
                b.close().await.expect("drop");
            }
            for (what, v) in t {
                if !v.is_empty() {
                    rows.push(Row {
                        what: format!("{dialect:8} {n:>6}  {what}"),
                        ms: stats(v),
                    });
                }
            }
        }
    }
    println!("runs: {runs}; min / median, ms");
    for r in rows {
        println!("{:60} {:9.1} {:9.1}", r.what, r.ms.0, r.ms.1);
    }
}
