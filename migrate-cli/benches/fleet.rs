//! A fleet of 100 PostgreSQL databases on one server: `migrate up` on the fleet at a few
//! `--jobs` values, as a ratio to one database × 100 (`migrate up --database-url` run once per
//! database, one after another), and the rerun that finds every database up to date.
//!
//! Run: `cargo bench -p migrate-cli --bench fleet` (MIGRATE_BENCH_DATABASES sets the fleet's
//! size, MIGRATE_BENCH_JOBS the `--jobs` values, e.g. `1,4,8,16`). Uses the test harness's
//! server: MIGRATE_TEST_DATABASE_URL, or a throwaway cluster. Between runs each database is
//! emptied (`DROP SCHEMA public CASCADE`), so every run migrates the same fresh fleet.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use migrate_core::migration::{MigrationDir, Version};
use migrate_tests::pg::TestDb;

/// What a tenant's schema gets: tables, keys, indexes, a column added later, a backfill-free
/// default; each its own migration, as `migrate generate` would write them.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "accounts",
        "-- Accounts.\nCREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n",
    ),
    (
        "projects",
        "-- Projects.\nCREATE TABLE projects (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, title text NOT NULL);\nCREATE INDEX projects_account_id_idx ON projects (account_id);\n",
    ),
    (
        "tasks",
        "-- Tasks.\nCREATE TABLE tasks (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE, done boolean NOT NULL DEFAULT false, due date);\nCREATE INDEX tasks_project_id_idx ON tasks (project_id);\n",
    ),
    (
        "accounts_plan",
        "-- Accounts get a plan.\nALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';\n",
    ),
    (
        "tasks_due",
        "-- Tasks by due date.\nCREATE INDEX tasks_due_idx ON tasks (due) WHERE NOT done;\n",
    ),
];

fn time(mut cmd: Command) -> f64 {
    let start = Instant::now();
    let out = cmd.output().expect("command runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed().as_secs_f64()
}

fn migrate(dir: &Path) -> Command {
    let mut cmd = Command::new(
        std::env::var("MIGRATE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_migrate").into()),
    );
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1");
    cmd
}

async fn reset(dbs: &[TestDb]) {
    use sqlx::Connection;
    for db in dbs {
        let mut c = sqlx::PgConnection::connect(&db.url).await.expect("connect");
        sqlx::raw_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            .execute(&mut c)
            .await
            .expect("reset");
        c.close().await.expect("close");
    }
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::var("MIGRATE_BENCH_DATABASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let jobs: Vec<usize> = std::env::var("MIGRATE_BENCH_JOBS")
        .unwrap_or_else(|_| "1,4,8,16".into())
        .split(',')
        .filter_map(|j| j.trim().parse().ok())
        .collect();
    let project = tempfile::tempdir().expect("temp dir");
    let dir = project.path();
    std::fs::write(
        dir.join("migrate.toml"),
        "dialect = \"postgres\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n",
    )
    .expect("config");
    std::fs::write(dir.join("schema.toml"), "").expect("schema");
    let mut md = MigrationDir::create(dir.join("migrations")).expect("dir");
    let start = Version::parse("20240101000000").expect("version");
    for (name, sql) in MIGRATIONS {
        md.add_at(name, sql, start).expect("add");
    }
    let mut dbs = Vec::with_capacity(n);
    for _ in 0..n {
        dbs.push(TestDb::new().await);
    }
    let list: String = dbs.iter().map(|d| format!("{}\n", d.url)).collect();
    std::fs::write(dir.join("fleet.txt"), list).expect("targets");
    println!(
        "fleet: {n} databases on one server, {} migrations each; load average at start: {}",
        MIGRATIONS.len(),
        load()
    );

    // One database × n: `migrate up` on each database in turn.
    let started = Instant::now();
    for db in &dbs {
        let mut cmd = migrate(dir);
        cmd.args(["up", "--database-url", &db.url]);
        time(cmd);
    }
    let single = started.elapsed().as_secs_f64();
    println!(
        "one database x {n} (one process each, in turn): {single:.2} s ({:.0} ms per database)",
        single * 1000.0 / n as f64
    );
    let mut cmd = migrate(dir);
    cmd.args(["up", "--targets-file", "fleet.txt", "--jobs", "8"]);
    let rerun = time(cmd);
    println!("rerun, every database up to date, --jobs 8: {rerun:.2} s");

    for j in jobs {
        reset(&dbs).await;
        let mut cmd = migrate(dir);
        cmd.args([
            "up",
            "--targets-file",
            "fleet.txt",
            "--jobs",
            &j.to_string(),
        ]);
        let t = time(cmd);
        println!(
            "migrate up on the fleet, --jobs {j:>2}: {t:.2} s, ratio {:.2}x of one database x {n} (load {})",
            t / single,
            load()
        );
    }
    println!("load average at the end: {}", load());
    for db in dbs {
        db.close().await.expect("drop");
    }
}
