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
pub use engine::{LintOptions, lint_source};

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
    pub finding: Finding,
    pub reason: String,
}

/// The lint result of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
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
