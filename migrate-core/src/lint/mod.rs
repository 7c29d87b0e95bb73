//! `migrate lint`: checking hand-written migrations before they ship.
//!
//! A migration is parsed with the PostgreSQL grammar of the `squawk` project (the `squawk-syntax`
//! crate: a lossless, error-tolerant parser in pure Rust), checked by `squawk-linter`'s rules and by
//! `migrate`'s own (`rules/`, one file per rule: what only `migrate` knows, such as the
//! `-- migrate:no-transaction` directive, and SQLite's `ALTER TABLE` limits), and each finding gets
//! its level from `[lint]` in `migrate.toml` and can be suppressed, with a reason, by
//! `-- migrate:allow RULE: reason` on the line above its statement.
//!
//! - [`catalog`]: every rule, its id, level and help; [`LintConfig`]: the `[lint]` levels.
//! - [`lint_source`]: one file's [`FileReport`] (feature `lint`).
//! - [`report`]: findings as text (file:line:col, the source line, the span underlined, `help:`),
//!   JSON, GitHub workflow annotations and SARIF.
//!
//! The design and the parser choice are in `docs/lint.md`.

#[cfg(feature = "lint")]
mod allow;
pub mod catalog;
mod config;
#[cfg(feature = "lint")]
mod engine;
pub mod report;
#[cfg(feature = "lint")]
mod rules;

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

pub use catalog::Rule;
pub use config::LintConfig;
#[cfg(feature = "lint")]
pub use engine::{LintOptions, lint_source, quiet_parser_panics};

use crate::diagnostic::SourceFile;

/// The directive key of `-- migrate:allow RULE: reason`: the migration directory's directive
/// parser must accept it (it is a lint suppression, read here).
pub const ALLOW_DIRECTIVE: &str = "allow";

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Not reported.
    Off,
    /// Reported; does not fail `migrate lint`.
    Warning,
    /// Reported; `migrate lint` exits 1, `embed_migrations!` fails to compile.
    Error,
}

impl Level {
    /// `"error"`, `"warning"` or `"off"`: the spelling of `[lint]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// Reads the spelling of `[lint]`.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "off" => Some(Level::Off),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem a rule found in a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's id (see [`catalog::RULES`]).
    pub rule: &'static str,
    /// Its level after `[lint]`; never [`Level::Off`].
    pub level: Level,
    /// What is wrong.
    pub message: String,
    /// The safe rewrite.
    pub help: String,
    /// The exact span, in bytes of the file's text.
    pub span: Range<usize>,
}

/// The rule's message (the file and place are the report's).
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl crate::diagnostic::Explain for Finding {
    /// The rule's id.
    fn code(&self) -> &'static str {
        self.rule
    }

    fn help(&self) -> Option<String> {
        Some(self.help.clone())
    }
}

/// A finding that `-- migrate:allow` suppressed, with its reason (shown in review output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    /// What would have been reported.
    pub finding: Finding,
    /// The reason after `-- migrate:allow RULE:`.
    pub reason: String,
}

/// The lint result of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The file linted.
    pub file: Arc<SourceFile>,
    /// Findings in file order.
    pub findings: Vec<Finding>,
    /// Suppressed findings, in file order.
    pub allowed: Vec<Allowed>,
}

impl FileReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Error)
    }

    /// 1-based line and column (in characters) of a finding.
    pub fn line_col(&self, finding: &Finding) -> (usize, usize) {
        self.file.line_col(finding.span.start)
    }
}

/// The lint rules that find what the runner refuses on its own, by the code of the runner's
/// refusal (`migrate check` reports the refusal, once: see [`FileReport::drop_refused`]).
pub const RUNNER_TWINS: &[(&str, &[&str])] = &[
    ("copy-from-stdin", &["copy-from-stdin"]),
    (
        "transaction-control",
        &["transaction-nesting", "ban-uncommitted-transaction"],
    ),
    ("bad-directive", &["bad-directive"]),
];

impl FileReport {
    /// Drops the findings that repeat a refusal of the runner on the same line (`(line, code)`
    /// of each refusal of this file). The refusal is what `migrate check` keeps: it stops `migrate
    /// up` whatever `[lint]` says, and no `-- migrate:allow` lifts it.
    pub fn drop_refused(&mut self, refused: &[(usize, &str)]) {
        let file = Arc::clone(&self.file);
        self.findings.retain(|f| {
            let (line, _) = file.line_col(f.span.start);
            !refused.iter().any(|(l, code)| {
                *l == line
                    && RUNNER_TWINS
                        .iter()
                        .any(|(c, rules)| c == code && rules.contains(&f.rule))
            })
        });
    }
}

/// The migrations `migrate lint` checks when no file is named: those with a version after
/// `baseline` (`lint_baseline` in `migrate.toml`: the newest migration applied everywhere), or all
/// of them when there is no baseline.
pub fn unreleased(
    migrations: &[crate::migration::Migration],
    baseline: Option<crate::migration::Version>,
) -> impl Iterator<Item = &crate::migration::Migration> {
    migrations
        .iter()
        .filter(move |m| baseline.is_none_or(|b| m.version > b))
}

/// Lints many files, in order, on every core: files are independent, and a directory of a
/// thousand migrations is checked in a fraction of the time one thread takes. `(path, text)`
/// each; the reports come back in the same order.
#[cfg(feature = "lint")]
pub fn lint_many<P, T>(files: &[(P, T)], options: &LintOptions) -> Vec<FileReport>
where
    P: AsRef<std::path::Path> + Sync,
    T: AsRef<str> + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len().div_ceil(16))
        .max(1);
    let lint = |chunk: &[(P, T)]| -> Vec<FileReport> {
        chunk
            .iter()
            .map(|(p, t)| lint_source(p.as_ref(), t.as_ref(), options))
            .collect()
    };
    if threads == 1 {
        return lint(files);
    }
    let size = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(size)
            .map(|chunk| scope.spawn(move || lint(chunk)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Lints one migration of a directory.
#[cfg(feature = "lint")]
pub fn lint_migration(
    migration: &crate::migration::Migration,
    options: &LintOptions,
) -> FileReport {
    lint_source(&migration.path, &migration.content, options)
}

#[cfg(all(test, feature = "lint"))]
mod tests;
