//! Dogfood: every migration `migrate generate` writes is lint-clean by construction.
//!
//! For each pair `(A, B)` of [`arb_schema_pair`], on both dialects, the files `migrate generate`
//! writes for `empty → A` and for `A → B` are linted with the default levels; none may have a
//! finding. No database is involved: this is about the text of the files.
//!
//! - `MIGRATE_PROPTEST_CASES`: pairs (default 256).
//! - `MIGRATE_PROPTEST_SEED`: the random seed, a number. Without it every run picks a new one,
//!   and a failure says which it was.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use migrate_core::config::Dialect;
use migrate_core::generate::plan;
use migrate_core::lint::{LintOptions, lint_source, report};
use migrate_core::schema::Schema;
use migrate_core::schema::print::to_toml;
use migrate_tests::arb::arb_schema_pair;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

fn env_number(name: &str, default: impl FnOnce() -> u64) -> u64 {
    match std::env::var(name) {
        Ok(n) => n
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={n} is not a number")),
        Err(_) => default(),
    }
}

/// The findings in the files generated from `from` to `to`, rendered for a person.
fn findings(dialect: Dialect, from: &Schema, to: &Schema) -> Vec<String> {
    let options = LintOptions::new(dialect);
    let mut out = Vec::new();
    for file in plan(dialect, from, to, None).files {
        let path = format!("{}.sql", file.name);
        let r = lint_source(Path::new(&path), &file.content, &options);
        for f in &r.findings {
            out.push(format!(
                "{}\n--- {path}:\n{}",
                report::render(&r, f, false),
                file.content
            ));
        }
    }
    out
}

#[test]
fn generated_migrations_are_lint_clean() {
    let cases = env_number("MIGRATE_PROPTEST_CASES", || 256) as u32;
    let seed = env_number("MIGRATE_PROPTEST_SEED", || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let result = runner.run(&arb_schema_pair(), |(a, b)| {
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let mut found = findings(dialect, &Schema::default(), &a);
            found.extend(findings(dialect, &a, &b));
            if !found.is_empty() {
                return Err(TestCaseError::fail(format!(
                    "{dialect}: {} finding(s) in generated migrations:\n{}\n\nfrom:\n{}\nto:\n{}",
                    found.len(),
                    found.join("\n"),
                    to_toml(&a),
                    to_toml(&b)
                )));
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("MIGRATE_PROPTEST_SEED={seed}: {e}");
    }
}
