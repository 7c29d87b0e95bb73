//! `migrate lint` on 1,000 real migration files, as a ratio to `squawk` on the same files in the
//! same run.
//!
//! The files are the PostgreSQL migrations of `tests/fixtures/lint-corpus/` (nine public
//! projects; the regression SQL left out), repeated in order to the count. Each round times
//! `migrate lint --dialect postgres --format json FILE...` and `squawk --assume-in-transaction
//! --reporter json FILE...` once each, alternating which goes first; after one untimed warm-up
//! round, the minimum of each is reported (the run least disturbed by other work on the machine).
//!
//! ```sh
//! npm install --prefix /tmp/squawk squawk-cli@2.66.0
//! SQUAWK=/tmp/squawk/node_modules/@squawk-cli/linux-x64/bin/squawk cargo bench -p migrate-cli --bench lint
//! ```
//!
//! `SQUAWK` names squawk's own binary (the npm package's `bin/squawk` starts it through node,
//! which would add node's start-up to squawk's time). `MIGRATE_BENCH_FILES` sets the count
//! (1,000), `MIGRATE_BENCH_RUNS` the timed rounds (10).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The corpus's migration files (not the regression SQL), sorted.
fn corpus_files() -> Vec<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/lint-corpus");
    let mut files = Vec::new();
    for project in std::fs::read_dir(&corpus).expect("the lint corpus") {
        let project = project.expect("a corpus entry").path();
        if !project.is_dir() || project.ends_with("postgres-regress") {
            continue;
        }
        for file in std::fs::read_dir(&project).expect("a project directory") {
            let file = file.expect("a corpus file").path();
            if file.extension().is_some_and(|e| e == "sql") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

/// `n` files in `dir`: the corpus repeated, each under a name of its own.
fn write_files(dir: &Path, n: usize) -> (Vec<String>, u64) {
    let corpus = corpus_files();
    assert!(!corpus.is_empty(), "the lint corpus is empty");
    let mut names = Vec::with_capacity(n);
    let mut bytes = 0;
    for i in 0..n {
        let from = &corpus[i % corpus.len()];
        let name = format!("{i:05}.sql");
        let text = std::fs::read(from).expect("read a corpus file");
        bytes += text.len() as u64;
        std::fs::write(dir.join(&name), text).expect("write a bench file");
        names.push(name);
    }
    (names, bytes)
}

/// Runs `cmd` to its end; its wall time. It must run and report findings (exit 0 or 1, output).
fn time(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let out = cmd.output().expect("the command runs");
    let elapsed = start.elapsed();
    assert!(
        matches!(out.status.code(), Some(0 | 1)) && !out.stdout.is_empty(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

fn main() {
    let n = env_number("MIGRATE_BENCH_FILES", 1000);
    let runs = env_number("MIGRATE_BENCH_RUNS", 10).max(1);
    let Some(squawk) = std::env::var_os("SQUAWK") else {
        eprintln!(
            "set SQUAWK to the squawk binary: `npm install --prefix /tmp/squawk squawk-cli@2.66.0`, then \
             SQUAWK=/tmp/squawk/node_modules/@squawk-cli/linux-x64/bin/squawk cargo bench -p migrate-cli --bench lint"
        );
        std::process::exit(2);
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (files, bytes) = write_files(dir.path(), n);
    let migrate_cmd = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_migrate"));
        c.current_dir(dir.path())
            .args(["lint", "--dialect", "postgres", "--format", "json"])
            .args(&files)
            .stdin(Stdio::null());
        c
    };
    let squawk_cmd = || {
        let mut c = Command::new(&squawk);
        c.current_dir(dir.path())
            .args(["--assume-in-transaction", "--reporter", "json"])
            .args(&files)
            .stdin(Stdio::null());
        c
    };
    let version = Command::new(&squawk)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("{n} files, {} KiB, {runs} rounds; {version}", bytes / 1024);
    time(&mut migrate_cmd());
    time(&mut squawk_cmd());
    let (mut m, mut s) = (Vec::new(), Vec::new());
    for round in 0..runs {
        if round % 2 == 0 {
            m.push(time(&mut migrate_cmd()));
            s.push(time(&mut squawk_cmd()));
        } else {
            s.push(time(&mut squawk_cmd()));
            m.push(time(&mut migrate_cmd()));
        }
    }
    let min = |v: &[Duration]| v.iter().min().copied().unwrap_or_default().as_secs_f64();
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    };
    let (m_min, s_min) = (min(&m), min(&s));
    println!(
        "migrate lint: min {:.3} s, median {:.3} s",
        m_min,
        median(&mut m)
    );
    println!(
        "squawk:       min {:.3} s, median {:.3} s",
        s_min,
        median(&mut s)
    );
    println!("ratio (min / min): {:.2}", m_min / s_min);
}
