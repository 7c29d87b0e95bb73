//! `migrate generate` with 1,000 migrations in the directory: cold (the snapshot does not record
//! them, so the directory is replayed on a scratch database), warm (the snapshot records them:
//! nothing replayed), and snapshot-only (`--offline`, the path `generate` took before replaying
//! existed; with `MIGRATE_BASE_BIN`, also that build's plain `generate`). On PostgreSQL the cold
//! replay is compared with its floor, `psql --single-transaction -f` of the same SQL.
//!
//! Run: `cargo bench -p migrate-cli --bench replay` (MIGRATE_BENCH_MIGRATIONS sets the count,
//! MIGRATE_BENCH_RUNS the repetitions, MIGRATE_BENCH_DIALECT=sqlite the dialect; medians are
//! reported; MIGRATE_BIN another build of `migrate` to measure). PostgreSQL replays on the test
//! harness's server (`dev_database_url` = a database of MIGRATE_TEST_DATABASE_URL's server, or
//! of a throwaway cluster).
//!
//! Then `migrate status` of a database with every migration applied: cold (the snapshot does not
//! record the migrations: replayed), warm (it does: drift measured against it, no scratch
//! database), and with `MIGRATE_STATUS_BASE_BIN`, that build's `status` (before the snapshot was
//! its cache, it replayed on every run).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use migrate_core::config::Dialect;
use migrate_core::diff::diff;
use migrate_core::migration::{MigrationDir, Version};
use migrate_core::schema::{self, Schema};
use migrate_core::sql::render;
use migrate_tests::pg::TestDb;

/// A generated migration per table, and the schema of them all.
fn migrations(n: usize, dialect: Dialect) -> (Vec<(String, String)>, String) {
    let mut prev = Schema::default();
    let mut toml = String::new();
    let mut out = Vec::new();
    for i in 0..n {
        let fk = if i == 0 {
            String::new()
        } else {
            format!(
                ", parent_id = {{ type = \"bigint\", nullable = true, references = \"t{:04}.id\" }}",
                i - 1
            )
        };
        toml.push_str(&format!(
            "[tables.t{i:04}]\nmodel = \"T{i:04}\"\ncomment = \"Table {i}.\"\n\
             columns = {{ id = {{ type = \"bigint\", primary_key = true, identity = true }}, name = {{ type = \"text\", comment = \"A name.\" }}, \
             price = {{ type = \"numeric(10,2)\", default = 0 }}, created_at = {{ type = \"timestamptz\", default = \"now()\" }}{fk} }}\n\
             [[tables.t{i:04}.indexes]]\ncolumns = [\"name\"]\n\n"
        ));
        let next = schema::load_str("bench.toml", &toml).expect("valid bench schema");
        let sql = render(dialect, &diff(&prev, &next), &prev, &next).script();
        out.push((format!("create_t{i:04}"), sql));
        prev = next;
    }
    (out, toml)
}

fn time(mut cmd: Command) -> (f64, String) {
    let start = Instant::now();
    let out = cmd.output().expect("command runs");
    let t = start.elapsed().as_secs_f64();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    (t, text)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn generate(bin: &str, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir)
        .arg("generate")
        .args(args)
        .env_remove("DATABASE_URL");
    cmd
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let n = env("MIGRATE_BENCH_MIGRATIONS", 1000);
    let runs = env("MIGRATE_BENCH_RUNS", 3);
    let sqlite = std::env::var("MIGRATE_BENCH_DIALECT").is_ok_and(|d| d == "sqlite");
    let dialect = if sqlite {
        Dialect::Sqlite
    } else {
        Dialect::Postgres
    };
    let bin = std::env::var("MIGRATE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_migrate").into());
    let base = std::env::var("MIGRATE_BASE_BIN").ok();

    let (files, toml) = migrations(n, dialect);
    // The scratch server: a database of the test server, whose URL `dev_database_url` names.
    let server = if sqlite {
        None
    } else {
        Some(TestDb::new().await)
    };
    let project = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        project.path().join("migrate.toml"),
        format!(
            "dialect = \"{}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n{}",
            dialect.as_str(),
            server
                .as_ref()
                .map(|s| format!("dev_database_url = \"{}\"\n", s.url))
                .unwrap_or_default()
        ),
    )
    .expect("config");
    // The older build knows no `dev_database_url`.
    std::fs::write(
        project.path().join("base.toml"),
        format!(
            "dialect = \"{}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n",
            dialect.as_str()
        ),
    )
    .expect("config");
    std::fs::write(project.path().join("schema.toml"), &toml).expect("schema");
    let declared = schema::load_str("schema.toml", &toml).expect("schema");
    let mut dir = MigrationDir::create(project.path().join("migrations")).expect("dir");
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let start = Version::parse("20240101000000").expect("version");
    for chunk in refs.chunks(100) {
        // A snapshot that does not claim to record the migrations: the cold case.
        dir.add_all_with_stale_snapshot_at(chunk, &declared, start)
            .expect("write migrations");
    }
    let migrations = project.path().join("migrations");
    let stale: Vec<(String, Vec<u8>)> = ["schema.snapshot.toml", "migrate.sum"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read(migrations.join(f)).expect("read"),
            )
        })
        .collect();
    let restore = || {
        for (f, bytes) in &stale {
            std::fs::write(migrations.join(f), bytes).expect("restore");
        }
    };

    // The database `status` reads, every migration applied.
    let live_file = project.path().join("live.db");
    let live_pg = if sqlite {
        None
    } else {
        Some(TestDb::new().await)
    };
    let live_url = live_pg.as_ref().map_or_else(
        || format!("sqlite://{}", live_file.display()),
        |db| db.url.clone(),
    );
    let status_base = std::env::var("MIGRATE_STATUS_BASE_BIN").ok();
    // `--verbose` says whether it replayed; an older build may not know it.
    let status = |bin: &str, verbose: bool| {
        let mut cmd = Command::new(bin);
        cmd.current_dir(project.path())
            .args(["status", "--database-url", &live_url])
            .args(verbose.then_some("--verbose"))
            .env_remove("DATABASE_URL");
        cmd
    };
    let mut up = Command::new(&bin);
    up.current_dir(project.path())
        .args(["up", "--database-url", &live_url])
        .env_remove("DATABASE_URL");
    time(up);

    let (mut cold, mut warm, mut offline, mut old) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut status_cold, mut status_warm, mut status_old) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        restore();
        let (t, text) = time(status(&bin, true));
        assert!(text.contains("drift: none"), "{text}");
        assert!(text.contains("replayed"), "not replayed: {text}");
        status_cold.push(t);
        if let Some(base) = &status_base {
            let (t, text) = time(status(base, false));
            assert!(text.contains("drift: none"), "{text}");
            status_old.push(t);
        }
        restore();
        let (t, text) = time(generate(&bin, project.path(), &[]));
        assert!(text.contains("replayed"), "not replayed: {text}");
        cold.push(t);
        let (t, text) = time(generate(&bin, project.path(), &[]));
        assert!(!text.contains("replayed"), "replayed again: {text}");
        warm.push(t);
        offline.push(time(generate(&bin, project.path(), &["--offline"])).0);
        let (t, text) = time(status(&bin, true));
        assert!(text.contains("drift: none"), "{text}");
        assert!(text.contains("nothing replayed"), "replayed: {text}");
        status_warm.push(t);
        if let Some(base) = &base {
            old.push(time(generate(base, project.path(), &["--config", "base.toml"])).0);
        }
    }
    println!("migrations: {n}, runs: {runs}, {}", dialect.ops().title());
    println!(
        "generate, cold (replay):        {:.3} s (median)",
        median(cold.clone())
    );
    println!(
        "generate, warm (cache hit):     {:.3} s (median)",
        median(warm.clone())
    );
    println!(
        "generate --offline (snapshot):  {:.3} s (median)",
        median(offline.clone())
    );
    if !old.is_empty() {
        println!(
            "MIGRATE_BASE_BIN generate:      {:.3} s (median)",
            median(old.clone())
        );
    }
    println!(
        "status, cold (replay):          {:.3} s (median)",
        median(status_cold)
    );
    println!(
        "status, warm (snapshot):        {:.3} s (median)",
        median(status_warm)
    );
    if !status_old.is_empty() {
        println!(
            "MIGRATE_STATUS_BASE_BIN status: {:.3} s (median)",
            median(status_old)
        );
    }
    if let Some(db) = live_pg {
        db.close().await.expect("drop");
    }
    if let Some(server) = server {
        let all_sql: String = files
            .iter()
            .map(|(_, sql)| sql.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let all_path = project.path().join("all.sql");
        std::fs::write(&all_path, &all_sql).expect("all.sql");
        let mut floor = Vec::new();
        for _ in 0..runs {
            let db = TestDb::new().await;
            let mut psql = Command::new(std::env::var("PSQL").unwrap_or_else(|_| "psql".into()));
            psql.args(["--single-transaction", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
                .arg(&all_path)
                .arg(&db.url);
            floor.push(time(psql).0);
            db.close().await.expect("drop");
        }
        let f = median(floor);
        println!("psql --single-transaction -f:   {f:.3} s (median)");
        println!("cold / psql:                    {:.2}x", median(cold) / f);
        server.close().await.expect("drop");
    }
}
