//! Fuzzing of every parser of user files, as property tests: the schema loader (schema TOML),
//! the manifest parser (`migrate.sum`) and the config loader (`migrate.toml`). (The statement
//! splitter's are in `migrate_tests::arb::sql` and, against psql, in `split_oracle.rs`.)
//!
//! Inputs are valid files with random edits (bytes inserted, deleted, repeated, replaced by the
//! characters that open and close things), and arbitrary text. Each parser must return, never
//! panic, and every diagnostic it returns must render and point inside its file.
//!
//! CI runs a few hundred cases with the pinned `MIGRATE_PROPTEST_SEED`; a long run sets
//! `MIGRATE_PROPTEST_CASES`, e.g.
//! `MIGRATE_PROPTEST_CASES=200000 cargo test --release -p migrate-tests --test fuzz`.

use std::path::Path;

use migrate_core::Diagnostics;
use migrate_core::config::Config;
use migrate_core::migration::manifest::Manifest;
use migrate_core::schema::load_str;
use migrate_core::schema::print::to_toml;
use migrate_tests::arb::arb_schema;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config as RunnerConfig, RngAlgorithm, TestRng, TestRunner};

fn env_number(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
    )
}

/// Seeded from `MIGRATE_PROPTEST_SEED` (else the clock, printed); `MIGRATE_PROPTEST_CASES`
/// sets the number of cases.
fn runner(cases: u32) -> TestRunner {
    let seed = env_number("MIGRATE_PROPTEST_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    println!("MIGRATE_PROPTEST_SEED={seed}");
    let cases = env_number("MIGRATE_PROPTEST_CASES").map_or(cases, |n| n as u32);
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = seed.to_le_bytes()[i % 8] ^ (i as u8);
    }
    let config = RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// One edit of a text.
#[derive(Debug, Clone)]
enum Edit {
    Insert(Index, String),
    Delete(Index, usize),
    Repeat(Index, usize),
    Replace(Index, String),
}

/// Pieces that open and close things in TOML and in the manifest, and arbitrary text.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "\"", "'", "\"\"\"", "'''", "[", "]", "[[", "{", "}", "=", ",", ".", "#", "\n", "\r\n",
            "\\", "\\u0000", "\\n", "\u{0}", " ", "\t", "type", "values", "columns", "tables.",
            "enums.", "references", "where", "default", "primary_key = true", "true", "1", "-1",
            "1e400", "h1:", "0123456789abcdef", ".sql", "20240101120000_", "<<<<<<< ours",
            "🐈", "é", "\u{feff}", "dialect", "postgres", "database_url", "[environments.",
        ])
        .prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), fragment()).prop_map(|(i, s)| Edit::Insert(i, s)),
        (any::<Index>(), 1usize..40).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<Index>(), 1usize..40).prop_map(|(i, n)| Edit::Repeat(i, n)),
        (any::<Index>(), fragment()).prop_map(|(i, s)| Edit::Replace(i, s)),
    ]
}

/// `text` with `edits` applied, each at a character boundary.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    let at = |s: &str, i: &Index| {
        let mut p = if s.is_empty() {
            0
        } else {
            i.index(s.len() + 1)
        };
        while !s.is_char_boundary(p) {
            p -= 1;
        }
        p
    };
    let end = |s: &str, mut p: usize| {
        p = p.min(s.len());
        while !s.is_char_boundary(p) {
            p += 1;
        }
        p
    };
    for e in edits {
        match e {
            Edit::Insert(i, f) => {
                let p = at(&s, i);
                s.insert_str(p, f);
            }
            Edit::Delete(i, n) => {
                let p = at(&s, i);
                let q = end(&s, p + n);
                s.replace_range(p..q, "");
            }
            Edit::Repeat(i, n) => {
                let p = at(&s, i);
                let q = end(&s, p + n);
                let piece = s[p..q].to_string();
                s.insert_str(q, &piece);
            }
            Edit::Replace(i, f) => {
                let p = at(&s, i);
                let q = end(&s, p + f.len());
                s.replace_range(p..q, f);
            }
        }
    }
    s
}

/// Every diagnostic renders, and points inside its file.
fn diagnostics_hold(diags: &Diagnostics) -> Result<(), TestCaseError> {
    for d in diags.iter() {
        let _ = d.render(false);
        let _ = d.to_string();
        if let Some(loc) = &d.location {
            prop_assert!(loc.span.start <= loc.file.text.len(), "{}", d);
            let (line, col) = loc.line_col();
            prop_assert!(line >= 1 && col >= 1);
            prop_assert!(line <= loc.file.text.lines().count() + 1, "{}", d);
        }
    }
    Ok(())
}

#[test]
fn schema_loader_never_panics() {
    let edited = (arb_schema(), prop::collection::vec(edit(), 0..6))
        .prop_map(|(schema, edits)| apply(&to_toml(&schema), &edits));
    let input = prop_oneof![4 => edited, 1 => any::<String>()];
    runner(96)
        .run(&input, |text| match load_str("fuzz.toml", &text) {
            Ok(schema) => {
                // What loads prints and loads back.
                let printed = to_toml(&schema);
                let back = load_str("printed.toml", &printed)
                    .map_err(|e| TestCaseError::fail(format!("{e}\n--- printed ---\n{printed}")))?;
                prop_assert_eq!(back, schema);
                Ok(())
            }
            Err(diags) => diagnostics_hold(&diags),
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn manifest_parser_never_panics() {
    let files = prop::collection::vec(("[0-9]{14}_[a-z_]{1,12}", "[ -~\n]{0,40}"), 0..6).prop_map(
        |files| {
            let named: Vec<(String, String)> = files
                .into_iter()
                .map(|(n, c)| (format!("{n}.sql"), c))
                .collect();
            Manifest::from_files(named.iter().map(|(n, c)| (n.as_str(), c.as_str()))).render()
        },
    );
    let edited =
        (files, prop::collection::vec(edit(), 0..6)).prop_map(|(text, edits)| apply(&text, &edits));
    let input = prop_oneof![4 => edited, 1 => any::<String>()];
    runner(512)
        .run(&input, |text| {
            match Manifest::parse(&text) {
                Ok(parsed) => {
                    // What parses renders and parses back the same.
                    let again = Manifest::parse(&parsed.manifest.render())
                        .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                    prop_assert_eq!(again.manifest, parsed.manifest);
                    prop_assert!(again.header_ok);
                }
                Err(e) => {
                    prop_assert!(e.line() >= 1 && e.line() <= text.split('\n').count() + 1);
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn config_loader_never_panics() {
    let base = concat!(
        "dialect = \"postgres\"\nschema = \"schema\"\nmigrations = \"migrations\"\n",
        "database_url = \"postgres://app:secret@localhost/app\"\nlock_timeout = \"5s\"\n",
        "[environments.prod]\ndatabase_url = \"postgres://prod/app\"\n",
        "extra_migration_paths = [\"/mnt/secure\"]\n",
    );
    let edited = prop::collection::vec(edit(), 0..8).prop_map(move |edits| apply(base, &edits));
    let input = prop_oneof![4 => edited, 1 => any::<String>()];
    runner(512)
        .run(&input, |text| {
            match Config::parse(Path::new("migrate.toml"), &text) {
                Ok(_) => {}
                Err(diags) => diagnostics_hold(&diags)?,
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The CPU time this thread has used so far. Unlike the time on the wall clock, it does not grow
/// while the thread waits for a core, so other work on the machine does not inflate it.
fn thread_cpu_time() -> std::time::Duration {
    use nix::time::{ClockId, clock_gettime};
    let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID)
        .unwrap_or_else(|e| panic!("the thread's CPU clock cannot be read: {e}"));
    std::time::Duration::from(t)
}

/// The CPU time `f` takes on `text`.
fn cpu_time(text: &str, f: &impl Fn(&str)) -> std::time::Duration {
    let start = thread_cpu_time();
    f(text);
    thread_cpu_time().saturating_sub(start)
}

/// The least CPU time of 3 runs of `f` on each input, taken in turns; the ratio big / small.
fn time_ratio(small: &str, big: &str, f: &impl Fn(&str)) -> f64 {
    use std::time::Duration;
    let mut best = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        best.0 = best.0.min(cpu_time(small, f));
        best.1 = best.1.min(cpu_time(big, f));
    }
    best.1.as_secs_f64() / best.0.as_secs_f64().max(1e-6)
}

/// 16 times the input takes about 16 times as long, not 256 times: a ratio with a generous
/// margin (64), never an absolute time; a quadratic parser fails every one of 3 attempts. Time is
/// the thread's CPU time, not the wall clock's, so a loaded machine (other builds, other tests
/// taking the cores) does not stretch one run more than another. The small input is grown until
/// it takes a millisecond of CPU, so that the clock's resolution and cache effects stay small
/// beside it, in a debug build and in a release one.
fn assert_linear(what: &str, make: impl Fn(usize) -> String, f: impl Fn(&str)) {
    let mut n = 100;
    while n < 100_000 {
        if cpu_time(&make(n), &f) >= std::time::Duration::from_millis(1) {
            break;
        }
        n *= 2;
    }
    let (small, big) = (make(n), make(16 * n));
    let ratios: Vec<f64> = (0..3)
        .map(|_| time_ratio(&small, &big, &f))
        .take_while(|r| *r >= 64.0)
        .collect();
    assert!(
        ratios.len() < 3,
        "{what}: 16x the input took {ratios:.0?}x the CPU time"
    );
}

/// The manifest and the schema loader. (`migrate.toml` is left out: it holds a handful of
/// environments, and the TOML parser under it grows a little faster than linearly with
/// thousands of tables, about n^1.4.)
#[test]
fn parsers_are_linear() {
    assert_linear(
        "manifest",
        |n| {
            let files: Vec<(String, String)> = (0..n)
                .map(|i| {
                    (
                        format!("{:014}_m{i}.sql", 20240101000000u64 + i as u64),
                        format!("SELECT {i};"),
                    )
                })
                .collect();
            Manifest::from_files(files.iter().map(|(a, b)| (a.as_str(), b.as_str()))).render()
        },
        |text| {
            let _ = std::hint::black_box(Manifest::parse(text));
        },
    );
    assert_linear(
        "schema",
        |n| {
            let mut s = String::new();
            for i in 0..n {
                let prev = i.saturating_sub(1);
                s.push_str(&format!(
                    "[tables.t{i}]\nmodel = \"T{i}\"\ncomment = \"table {i}\"\n[tables.t{i}.columns]\nid = {{ type = \"bigint\", primary_key = true }}\nname = {{ type = \"text\", default = \"'x'\" }}\nparent = {{ type = \"bigint\", nullable = true, references = \"t{prev}.id\" }}\n[[tables.t{i}.indexes]]\ncolumns = [\"name\"]\nwhere = \"name <> ''\"\n[[tables.t{i}.checks]]\nname = \"t{i}_name\"\nexpr = \"length(name) > 0\"\n"
                ));
            }
            s
        },
        |text| {
            let _ = std::hint::black_box(load_str("s.toml", text));
        },
    );
}

/// The check itself: a parser that is quadratic in its input fails it.
#[test]
#[should_panic(expected = "16x the input took")]
fn a_quadratic_parser_is_not_linear() {
    assert_linear(
        "quadratic",
        |n| "x".repeat(n),
        |text| {
            let mut pairs = 0u64;
            for (i, a) in text.bytes().enumerate() {
                for b in text.bytes().skip(i) {
                    pairs += u64::from(a == b);
                }
            }
            std::hint::black_box(pairs);
        },
    );
}
