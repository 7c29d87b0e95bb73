//! `migrate diff` against a PostgreSQL database of 2,000 tables (20,000 columns, 4,000 indexes,
//! 2,000 foreign keys): wall time, peak memory and the number of statements it sends.
//!
//! Run: `cargo bench -p migrate-cli --bench diff` (MIGRATE_BENCH_TABLES sets the number of tables,
//! MIGRATE_BENCH_RUNS the repetitions; the median and the slowest run are reported). Uses the test
//! harness's server: MIGRATE_TEST_DATABASE_URL, or a throwaway cluster. Statements are counted
//! on the wire by a forwarding proxy; peak memory is the process's maximum resident set size,
//! from `/usr/bin/time -v` when it exists and otherwise from polling `/proc/<pid>/status`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use migrate_core::config::Dialect;
use migrate_core::diff::diff;
use migrate_core::schema::{self, Schema};
use migrate_core::sql::render;
use migrate_tests::pg::TestDb;
use migrate_tests::pgwire::CountingProxy;

/// The schema: per table 10 columns, a unique index, a partial index and a foreign key.
fn schema_toml(n: usize) -> String {
    let mut s = String::from(
        "[enums.state]\nvalues = [\"draft\", \"active\", \"archived\"]\ncomment = \"Life cycle.\"\n\n",
    );
    for i in 0..n {
        let parent = if i == 0 { 0 } else { i - 1 };
        s.push_str(&format!(
            "[tables.t{i:04}]\nmodel = \"T{i:04}\"\ncomment = \"Table {i}.\"\n\n\
             [tables.t{i:04}.columns]\n\
             id         = {{ type = \"bigint\", identity = true, primary_key = true }}\n\
             parent_id  = {{ type = \"bigint\", nullable = true, references = \"t{parent:04}.id\", on_delete = \"set null\" }}\n\
             name       = {{ type = \"text\", comment = \"A name.\" }}\n\
             email      = {{ type = \"varchar(200)\", unique = true }}\n\
             state      = {{ type = \"state\", default = \"'draft'\" }}\n\
             price      = {{ type = \"numeric(10,2)\", default = 0 }}\n\
             quantity   = {{ type = \"integer\", default = 0 }}\n\
             active     = {{ type = \"boolean\", default = true }}\n\
             created_at = {{ type = \"timestamptz\", default = \"now()\" }}\n\
             data       = {{ type = \"jsonb\", nullable = true }}\n\n\
             [[tables.t{i:04}.indexes]]\ncolumns = [\"state\", \"created_at\"]\nwhere = \"active\"\n\n\
             [[tables.t{i:04}.checks]]\nname = \"t{i:04}_price\"\nexpr = \"price >= 0\"\n\n"
        ));
    }
    s
}

/// What one run of `migrate diff` cost.
struct Run {
    wall: Duration,
    /// Peak resident set size, KiB.
    peak_kib: Option<u64>,
    /// User plus system CPU time, seconds (from `/usr/bin/time`).
    cpu: Option<f64>,
}

/// Runs `cmd` and measures it.
fn measure(mut cmd: Command) -> Run {
    let time_v = Path::new("/usr/bin/time").exists();
    if time_v {
        let program = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
        let dir = cmd.get_current_dir().map(Path::to_path_buf);
        let mut timed = Command::new("/usr/bin/time");
        timed.arg("-v").arg(program).args(args);
        if let Some(d) = dir {
            timed.current_dir(d);
        }
        timed.env_remove("DATABASE_URL");
        cmd = timed;
    }
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("migrate runs");
    let pid = child.id();
    let mut polled = None;
    let out = if time_v {
        child.wait_with_output().expect("wait")
    } else {
        // VmHWM is the high-water mark: its last reading before exit is (nearly) the peak.
        let handle = std::thread::spawn(move || child.wait_with_output().expect("wait"));
        while !handle.is_finished() {
            if let Some(kb) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with("VmHWM:"))
                        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                })
            {
                polled = Some(kb);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        handle.join().expect("join")
    };
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "migrate diff failed:\n{}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    let field = |name: &str| {
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(str::trim)
    };
    let peak_kib = if time_v {
        field("Maximum resident set size (kbytes):").and_then(|v| v.parse().ok())
    } else {
        polled
    };
    let cpu = field("User time (seconds):")
        .and_then(|u| u.parse::<f64>().ok())
        .zip(field("System time (seconds):").and_then(|s| s.parse::<f64>().ok()))
        .map(|(u, s)| u + s);
    Run {
        wall: elapsed,
        peak_kib,
        cpu,
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n = env_number("MIGRATE_BENCH_TABLES", 2000);
    let runs = env_number("MIGRATE_BENCH_RUNS", 5);
    let toml = schema_toml(n);
    let declared = schema::load_str("bench.toml", &toml).expect("valid bench schema");
    let columns: usize = declared.tables.iter().map(|t| t.columns.len()).sum();
    let indexes: usize = declared.tables.iter().map(|t| t.indexes.len()).sum();
    let fks: usize = declared.tables.iter().map(|t| t.foreign_keys.len()).sum();

    let db = TestDb::new().await;
    let start = Instant::now();
    let sql = render(
        Dialect::Postgres,
        &diff(&Schema::default(), &declared),
        &Schema::default(),
        &declared,
    )
    .script();
    let mut conn = migrate_core::db::Connection::connect(&db.url)
        .await
        .expect("connect");
    conn.execute(&format!("BEGIN;\n{sql}\nCOMMIT;"))
        .await
        .expect("build the database");
    conn.close().await;
    println!(
        "built {n} tables, {columns} columns, {indexes} indexes, {fks} foreign keys in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let project = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        project.path().join("migrate.toml"),
        "dialect = \"postgres\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n",
    )
    .expect("config");
    let proxy = CountingProxy::start(&db.url);
    let diff_cmd = |url: &str| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_migrate"));
        cmd.current_dir(project.path())
            .args(["diff", "--print", "--database-url", url])
            .env_remove("DATABASE_URL");
        cmd
    };

    // The declared schema matches the database; then ten tables gain a column.
    let changed = toml.replace(
        "data       = { type = \"jsonb\", nullable = true }\n\n[[tables.t000",
        "data       = { type = \"jsonb\", nullable = true }\nnote       = { type = \"text\", nullable = true }\n\n[[tables.t000",
    );
    for (label, schema_text, expected_exit) in [
        ("no change", &toml, 0),
        ("10 tables gain a column", &changed, 1),
    ] {
        std::fs::write(project.path().join("schema.toml"), schema_text).expect("schema");
        let mut times = Vec::new();
        let mut peaks = Vec::new();
        let mut cpus = Vec::new();
        // One run first, untimed: the server's catalog caches are cold after the build.
        measure(diff_cmd(&db.url));
        for _ in 0..runs {
            let run = measure(diff_cmd(&db.url));
            times.push(run.wall);
            peaks.extend(run.peak_kib);
            cpus.extend(run.cpu);
        }
        cpus.sort_by(f64::total_cmp);
        let cpu = cpus
            .get(cpus.len() / 2)
            .map_or_else(|| "unknown".to_string(), |c| format!("{c:.3} s"));
        proxy.reset();
        let out = diff_cmd(&proxy.url)
            .arg("--exit-code")
            .output()
            .expect("migrate runs");
        let statements = proxy.statements();
        assert_eq!(
            out.status.code(),
            Some(expected_exit),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        times.sort();
        let median = times[times.len() / 2];
        let slowest = times[times.len() - 1];
        let peak = peaks.iter().max().copied();
        println!(
            "migrate diff ({label}): median {:.3} s, slowest {:.3} s over {runs} runs (CPU {cpu}); peak RSS {}; {statements} statements sent",
            median.as_secs_f64(),
            slowest.as_secs_f64(),
            peak.map_or_else(
                || "unknown".to_string(),
                |kb| format!("{:.1} MiB", kb as f64 / 1024.0)
            ),
        );
    }
    db.close().await.expect("drop");
}
