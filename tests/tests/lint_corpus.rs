//! `migrate lint` on a corpus of real migrations, against squawk's findings on the same files.
//!
//! `tests/fixtures/lint-corpus/` holds the PostgreSQL migrations of nine public projects and a
//! sample of PostgreSQL's own regression SQL (a stress test for the parser); its README says where
//! each comes from, at which commit, under which licence. Two goldens sit beside them:
//!
//! - `migrate.golden`: every finding of `migrate lint` (default levels, PostgreSQL), one per line
//!   (`FILE:LINE:COL LEVEL RULE`); for the regression SQL, a count per file and rule.
//! - `squawk.golden`: what the `squawk` CLI (npm `squawk-cli@2.66.0`, the release of the
//!   `squawk-linter` crate `migrate` uses) reported on the same files with
//!   `--assume-in-transaction`, as `migrate`'s runner wraps each file in a transaction.
//!
//! CI needs neither npm nor a network: it checks that `migrate`'s findings are still the reviewed
//! ones, and that every disagreement with squawk's recorded findings is of a kind explained in
//! [`EXPLAINED`] and in the table of docs/lint.md, with the count written there. After a change
//! that moves findings, review and regenerate:
//!
//! ```sh
//! npm install --prefix /tmp/squawk squawk-cli@2.66.0
//! MIGRATE_LINT_CORPUS=overwrite SQUAWK=/tmp/squawk/node_modules/.bin/squawk \
//!     cargo test -p migrate-tests --test lint_corpus
//! git diff tests/fixtures/lint-corpus/   # review, then update docs/lint.md's table
//! ```
//!
//! (`MIGRATE_LINT_CORPUS=overwrite` without `SQUAWK` rewrites `migrate.golden` only.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use migrate_core::config::Dialect;
use migrate_core::lint::{LintOptions, lint_source};

/// The corpus directory.
fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint-corpus")
}

/// The sample of PostgreSQL's regression SQL: compared as counts per file and rule, except
/// for [`DETAILED`] rules.
const REGRESS: &str = "postgres-regress";

/// The parser's rules, recorded line by line in the regression SQL too.
const DETAILED: &[&str] = &["syntax-error", "unchecked-statement"];

/// The kind of disagreement where squawk checked nothing: in a file with a syntax error it
/// reports only the syntax errors, and on a file its parser gives up on, nothing.
const UNCHECKED_BY_SQUAWK: &str = "any rule, in a file squawk reports only syntax errors for";

/// Why each kind of disagreement is not a bug: `(rule, only in, why)`.
const EXPLAINED: &[(&str, Side, &str)] = &[
    (
        "require-lock-timeout",
        Side::Squawk,
        "the runner sets lock_timeout before every migration",
    ),
    (
        "require-statement-timeout",
        Side::Squawk,
        "the runner sets statement_timeout before every migration",
    ),
    (
        "ban-concurrent-index-creation-in-transaction",
        Side::Squawk,
        "reported as needs-no-transaction",
    ),
    (
        "needs-no-transaction",
        Side::Migrate,
        "squawk's ban-concurrent-index-creation-in-transaction, and also for a lone statement \
         (squawk assumes a one-statement file runs outside a transaction)",
    ),
    (
        "destructive-statement",
        Side::Migrate,
        "migrate's own rule: DROP FUNCTION/TYPE/VIEW/SCHEMA/..., TRUNCATE",
    ),
    (
        "data-change-without-where",
        Side::Migrate,
        "migrate's own rule: UPDATE/DELETE of every row of an existing table",
    ),
    (
        "unchecked-statement",
        Side::Migrate,
        "a statement squawk's parser gives up on: squawk exits on it, migrate reports it and goes on",
    ),
    (
        "adding-field-with-default",
        Side::Squawk,
        "a signed number default (`DEFAULT -1`) is a constant, stored without a rewrite",
    ),
    (
        "squawk-panicked",
        Side::Squawk,
        "squawk exits with a panic on the file (see unchecked-statement)",
    ),
    (
        UNCHECKED_BY_SQUAWK,
        Side::Migrate,
        "squawk reports only the syntax errors of a file that has any, and nothing for a file it \
         panics on; migrate reports them and checks every statement around them",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Migrate,
    Squawk,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::Migrate => "migrate",
            Side::Squawk => "squawk",
        }
    }
}

/// Every corpus file, as `project/file.sql`, sorted.
fn files() -> Vec<String> {
    let mut out = Vec::new();
    for project in std::fs::read_dir(corpus()).expect("the corpus directory") {
        let project = project.expect("a corpus entry").path();
        if !project.is_dir() {
            continue;
        }
        let name = project
            .file_name()
            .expect("a project name")
            .to_string_lossy()
            .into_owned();
        for file in std::fs::read_dir(&project).expect("a project directory") {
            let file = file.expect("a corpus file").path();
            if file.extension().is_some_and(|e| e == "sql") {
                let f = file.file_name().expect("a file name").to_string_lossy();
                out.push(format!("{name}/{f}"));
            }
        }
    }
    out.sort();
    out
}

fn is_regress(file: &str) -> bool {
    file.starts_with(&format!("{REGRESS}/"))
}

/// `migrate lint`'s findings on the corpus, as golden lines.
fn migrate_lines() -> Vec<String> {
    migrate_core::lint::quiet_parser_panics();
    let options = LintOptions::new(Dialect::Postgres);
    let mut out = Vec::new();
    for file in files() {
        let text = std::fs::read_to_string(corpus().join(&file)).expect("a UTF-8 corpus file");
        let report = lint_source(Path::new(&file), &text, &options);
        let mut counts: BTreeMap<(String, &str), usize> = BTreeMap::new();
        let found = report
            .findings
            .iter()
            .map(|f| (f, f.level.as_str()))
            .chain(report.allowed.iter().map(|a| (&a.finding, "allowed")));
        for (f, level) in found {
            if is_regress(&file) && !DETAILED.contains(&f.rule) {
                *counts.entry((level.to_string(), f.rule)).or_default() += 1;
            } else {
                let (line, col) = report.line_col(f);
                out.push(format!("{file}:{line}:{col} {level} {}", f.rule));
            }
        }
        for ((level, rule), n) in counts {
            out.push(format!("{file} {level} {rule} x{n}"));
        }
    }
    out.sort();
    out
}

/// `squawk`'s findings on the corpus, as golden lines: one run per project, one per file for the
/// regression SQL (squawk exits on the first file it panics on).
fn squawk_lines(squawk: &str) -> Vec<String> {
    let files = files();
    let mut runs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &files {
        let key = if is_regress(f) {
            f.clone()
        } else {
            f.split('/').next().unwrap_or_default().to_string()
        };
        runs.entry(key).or_default().push(f.clone());
    }
    let mut out = Vec::new();
    for (key, batch) in runs {
        let run = Command::new(squawk)
            .current_dir(corpus())
            .args(["--assume-in-transaction", "--reporter", "json"])
            .args(&batch)
            .output()
            .unwrap_or_else(|e| panic!("cannot run `{squawk}`: {e}"));
        let stderr = String::from_utf8_lossy(&run.stderr);
        if stderr.contains("panicked") {
            assert_eq!(batch.len(), 1, "squawk panicked on {key}: {stderr}");
            out.push(format!("{key} squawk-panicked"));
            continue;
        }
        let stdout = String::from_utf8_lossy(&run.stdout);
        let found: Vec<serde_json::Value> = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("squawk's JSON for {key}: {e}: {stdout}{stderr}"));
        let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
        for v in found {
            let file = v["file"].as_str().expect("file").to_string();
            let rule = v["rule_name"].as_str().expect("rule_name").to_string();
            let line = v["line"].as_u64().expect("line") + 1;
            if is_regress(&file) && !DETAILED.contains(&rule.as_str()) {
                *counts.entry((file, rule)).or_default() += 1;
            } else {
                out.push(format!("{file}:{line} {rule}"));
            }
        }
        for ((file, rule), n) in counts {
            out.push(format!("{file} {rule} x{n}"));
        }
    }
    out.sort();
    out
}

fn golden(name: &str) -> Vec<String> {
    let path = corpus().join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn write_golden(name: &str, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(corpus().join(name), text).expect("write the golden");
}

/// Findings keyed for comparison: `(file, line or 0, rule) → count` (the regression SQL by
/// count per file and rule, on line 0).
type Keyed = BTreeMap<(String, usize, String), usize>;

fn keyed_migrate(lines: &[String]) -> Keyed {
    let mut out = Keyed::new();
    for l in lines {
        let parts: Vec<&str> = l.split(' ').collect();
        match parts.as_slice() {
            [at, level, rule] if *level != "allowed" => {
                let mut it = at.splitn(3, ':');
                let file = it.next().unwrap_or_default().to_string();
                let line = it.next().and_then(|n| n.parse().ok()).unwrap_or(0);
                *out.entry((file, line, rule.to_string())).or_default() += 1;
            }
            [file, level, rule, n] if *level != "allowed" => {
                let n: usize = n.trim_start_matches('x').parse().expect("a count");
                *out.entry((file.to_string(), 0, rule.to_string()))
                    .or_default() += n;
            }
            _ => {}
        }
    }
    out
}

fn keyed_squawk(lines: &[String]) -> Keyed {
    let mut out = Keyed::new();
    for l in lines {
        let parts: Vec<&str> = l.split(' ').collect();
        match parts.as_slice() {
            [file, "squawk-panicked"] => {
                out.insert((file.to_string(), 0, "squawk-panicked".into()), 1);
            }
            [at, rule] => {
                let (file, line) = at.rsplit_once(':').expect("FILE:LINE");
                let line = line.parse().expect("a line number");
                *out.entry((file.to_string(), line, rule.to_string()))
                    .or_default() += 1;
            }
            [file, rule, n] => {
                let n: usize = n.trim_start_matches('x').parse().expect("a count");
                *out.entry((file.to_string(), 0, rule.to_string()))
                    .or_default() += n;
            }
            _ => panic!("not a squawk.golden line: {l}"),
        }
    }
    out
}

/// How many findings each side has that the other lacks, per rule. A file squawk did not check
/// (it has a syntax error, or squawk panicked on it) counts as [`UNCHECKED_BY_SQUAWK`] for every
/// rule but the parser's; a line's syntax errors count once (squawk reports each, migrate the
/// first).
fn disagreements(migrate: &Keyed, squawk: &Keyed) -> BTreeMap<(Side, String), usize> {
    let files_with = |what: &str| -> BTreeSet<&String> {
        squawk
            .keys()
            .filter(|(_, _, rule)| rule == what)
            .map(|(file, _, _)| file)
            .collect()
    };
    let (with_errors, panicked) = (files_with("syntax-error"), files_with("squawk-panicked"));
    let count = |keyed: &Keyed, key: &(String, usize, String)| {
        let n = keyed.get(key).copied().unwrap_or(0);
        if key.2 == "syntax-error" { n.min(1) } else { n }
    };
    let mut out = BTreeMap::new();
    let keys: BTreeSet<_> = migrate.keys().chain(squawk.keys()).collect();
    for key in keys {
        let (m, s) = (count(migrate, key), count(squawk, key));
        let unchecked = (with_errors.contains(&key.0) && !DETAILED.contains(&key.2.as_str()))
            || (panicked.contains(&key.0) && key.2 != "unchecked-statement");
        let rule = if m > s && unchecked {
            UNCHECKED_BY_SQUAWK.to_string()
        } else {
            key.2.clone()
        };
        if m > s {
            *out.entry((Side::Migrate, rule)).or_default() += m - s;
        } else if s > m {
            *out.entry((Side::Squawk, rule)).or_default() += s - m;
        }
    }
    out
}

fn regenerating() -> bool {
    std::env::var("MIGRATE_LINT_CORPUS").is_ok_and(|v| v == "overwrite")
}

/// `migrate lint`'s findings on the corpus are the reviewed ones in `migrate.golden`.
#[test]
fn findings_on_real_migrations_are_the_reviewed_ones() {
    let lines = migrate_lines();
    if regenerating() {
        write_golden("migrate.golden", &lines);
        if let Ok(squawk) = std::env::var("SQUAWK") {
            write_golden("squawk.golden", &squawk_lines(&squawk));
        }
        return;
    }
    let expected = golden("migrate.golden");
    let now: BTreeSet<&String> = lines.iter().collect();
    let before: BTreeSet<&String> = expected.iter().collect();
    let gone: Vec<_> = before.difference(&now).take(20).collect();
    let new: Vec<_> = now.difference(&before).take(20).collect();
    assert!(
        gone.is_empty() && new.is_empty(),
        "migrate lint's findings on the corpus changed.\n  no longer found: {gone:#?}\n  newly found: \
         {new:#?}\nIf the change is intended, regenerate (see this file's header) and review `git diff`."
    );
    assert_eq!(
        lines.len(),
        expected.len(),
        "a finding is now reported twice"
    );
}

/// Every disagreement with squawk's recorded findings is of an explained kind, and docs/lint.md's
/// table gives its count.
#[test]
fn every_disagreement_with_squawk_is_explained_in_the_docs() {
    let migrate = keyed_migrate(&golden("migrate.golden"));
    let squawk = keyed_squawk(&golden("squawk.golden"));
    let found = disagreements(&migrate, &squawk);
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/lint.md"))
            .expect("docs/lint.md");
    let mut missing = Vec::new();
    for ((side, rule), n) in &found {
        let explained = EXPLAINED.iter().any(|(r, s, _)| r == rule && s == side);
        assert!(
            explained,
            "{n} finding(s) of `{rule}` only in {}: fix the difference, or explain it in EXPLAINED and \
             docs/lint.md",
            side.as_str()
        );
        let row = format!("| {rule} | {} | {n} |", side.as_str());
        if !docs.contains(&row) {
            missing.push(row);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/lint.md's disagreement table is out of date; it needs these rows:\n{}",
        missing.join("\n")
    );
    // Where the same rule fires, it fires on the same lines: the agreement is real.
    let both = migrate
        .iter()
        .filter(|(k, n)| squawk.get(*k).is_some_and(|s| s.min(*n) > &0))
        .count();
    assert!(both > 500, "only {both} findings in common with squawk");
}

/// Every file of the corpus is read to its end, including the statements squawk's parser gives
/// up on: each is one `unchecked-statement`, and the statements after it are still checked.
#[test]
fn the_parser_stress_test_reports_what_it_cannot_read() {
    let lines = golden("migrate.golden");
    let unchecked: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(" unchecked-statement"))
        .collect();
    assert!(
        unchecked.iter().all(|l| l.starts_with(REGRESS)),
        "{unchecked:?}"
    );
    for file in [
        "alter_table.sql",
        "create_table.sql",
        "rules.sql",
        "with.sql",
    ] {
        let path = format!("{REGRESS}/{file}");
        assert!(
            unchecked.iter().any(|l| l.starts_with(&path)),
            "{file}: {unchecked:?}"
        );
        // Findings of other rules in the same file: the rest of it was checked.
        assert!(
            lines
                .iter()
                .filter(|l| l.starts_with(&path) && !l.contains("unchecked-statement"))
                .count()
                > 3,
            "{file}"
        );
    }
}
