//! Applying 1,000 generated migrations to an empty PostgreSQL database with `migrate up`, as a
//! ratio to the floor: `psql --single-transaction -f` running the same SQL in one session. With
//! `MIGRATE_BENCH_DIALECT=sqlite`, to a new SQLite file, against `sqlite3` running the same SQL in
//! one transaction.
//!
//! Run: `cargo bench -p migrate-cli --bench apply` (MIGRATE_BENCH_MIGRATIONS sets the count,
//! MIGRATE_BENCH_RUNS the repetitions; the median is reported; MIGRATE_BIN another build of
//! `migrate` to measure). Uses the test harness's server: MIGRATE_TEST_DATABASE_URL, or a
//! throwaway cluster.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use migrate_core::config::Dialect;
use migrate_core::diff::diff;
use migrate_core::migration::{MigrationDir, Version};
use migrate_core::schema::{self, Schema};
use migrate_core::sql::render;
use migrate_tests::pg::TestDb;

/// A generated migration per table: what `migrate generate` writes for a new table with an
/// enum-free mix of types, a foreign key to the previous table, an index and comments.
fn migrations(n: usize, dialect: Dialect) -> Vec<(String, String)> {
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
    out
}

fn psql_bin() -> String {
    std::env::var("PSQL").unwrap_or_else(|_| "psql".into())
}

fn time(mut cmd: Command) -> f64 {
    let start = Instant::now();
    let out = cmd.output().expect("command runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::var("MIGRATE_BENCH_MIGRATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let runs: usize = std::env::var("MIGRATE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let sqlite = std::env::var("MIGRATE_BENCH_DIALECT").is_ok_and(|d| d == "sqlite");
    let dialect = if sqlite {
        Dialect::Sqlite
    } else {
        Dialect::Postgres
    };
    let files = migrations(n, dialect);
    let project = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        project.path().join("migrate.toml"),
        format!(
            "dialect = \"{}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n",
            if sqlite { "sqlite" } else { "postgres" }
        ),
    )
    .expect("config");
    std::fs::write(project.path().join("schema.toml"), "").expect("schema");
    let mut dir = MigrationDir::create(project.path().join("migrations")).expect("dir");
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let start = Version::parse("20240101000000").expect("version");
    for chunk in refs.chunks(100) {
        dir.add_all_with_snapshot_at(chunk, &Schema::default(), start)
            .expect("write migrations");
    }
    let all_sql: String = files
        .iter()
        .map(|(_, sql)| sql.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let all_path = project.path().join("all.sql");
    std::fs::write(&all_path, &all_sql).expect("all.sql");
    let statements: usize = all_sql.matches(";\n").count();

    let mut ours = Vec::new();
    let mut floor = Vec::new();
    if sqlite {
        let script = format!("BEGIN;\n{all_sql}\nCOMMIT;\n");
        std::fs::write(&all_path, script).expect("all.sql");
        for r in 0..runs {
            let url = format!(
                "sqlite://{}?mode=rwc",
                project.path().join(format!("ours-{r}.db")).display()
            );
            ours.push(time(migrate(project.path(), &url)));
            let mut sqlite3 = Command::new("sh");
            sqlite3
                .arg("-c")
                .arg("sqlite3 -bail \"$1\" < \"$2\"")
                .arg("sh")
                .arg(project.path().join(format!("floor-{r}.db")))
                .arg(&all_path);
            floor.push(time(sqlite3));
        }
        let (o, f) = (median(ours), median(floor));
        println!("migrations: {n} ({statements} statements), runs: {runs}, SQLite");
        println!("migrate up:                     {o:.3} s (median)");
        println!("sqlite3, one transaction:       {f:.3} s (median)");
        println!("ratio:                          {:.2}x", o / f);
        return;
    }
    for _ in 0..runs {
        let db = TestDb::new().await;
        ours.push(time(migrate(project.path(), &db.url)));
        db.close().await.expect("drop");
        let db = TestDb::new().await;
        let mut psql = Command::new(psql_bin());
        psql.args(["--single-transaction", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
            .arg(&all_path)
            .arg(&db.url);
        floor.push(time(psql));
        db.close().await.expect("drop");
    }
    let (o, f) = (median(ours), median(floor));
    println!("migrations: {n} ({statements} statements), runs: {runs}");
    println!("migrate up:                     {o:.3} s (median)");
    println!("psql --single-transaction -f:   {f:.3} s (median)");
    println!("ratio:                          {:.2}x", o / f);
}

fn migrate(dir: &Path, url: &str) -> Command {
    let bin = std::env::var("MIGRATE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_migrate").into());
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir)
        .args(["up", "--database-url", url])
        .env_remove("DATABASE_URL");
    cmd
}
