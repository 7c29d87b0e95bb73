//! Regenerating migrations from a crate's `build.rs`.
//!
//! ```no_run
//! // The body of a crate's build.rs `fn main`:
//! migrate_core::build::run();
//! ```
//!
//! [`run`] reads the crate's `migrate.toml` (or the file named by `MIGRATE_CONFIG`, relative to
//! the crate), and when the declared schema differs from the migration directory's snapshot it
//! writes the next migration and says so with a `cargo:warning`. It asks cargo to rerun it when the
//! schema, the migration directory or the configuration change.
//!
//! It also lints the migrations not yet released (after `lint_baseline`, see `migrate lint`) and
//! prints a `cargo:warning` per finding (feature `lint`), so a risky hand-written statement shows
//! up in every build until it is rewritten or acknowledged with `-- migrate:allow RULE: reason`.
//!
//! With `CI` or `MIGRATE_LOCKED=1` in the environment it writes nothing: a missing migration fails
//! the build, so what ships is what was reviewed. A change that loses data or breaks running code
//! fails the build until the schema acknowledges it, exactly as `migrate generate` refuses it.

use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostic::{Diagnostics, Explain, plain};
use crate::generate::{GenerateError, Generated, plan};
use crate::migration::MigrationDir;

/// What a build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The migration directory already matches the schema; nothing written.
    UpToDate,
    /// The migration files written.
    Written(Vec<PathBuf>),
}

/// Why the build must fail; [`render`] is the full message shown to the user.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// `migrate.toml` does not load: every problem, with its fix.
    #[error("{0}")]
    Config(Diagnostics),
    /// Generating the next migration failed (a schema error, a refused change, a directory
    /// problem).
    #[error(transparent)]
    Generate(#[from] GenerateError),
    /// The schema changed, and a locked build writes no migration.
    #[error(
        "the declared schema has changes with no migration ({count} change(s)), and this build is locked ({why})"
    )]
    MissingMigration {
        /// How many changes have no migration.
        count: usize,
        /// What locks the build (`CI`, `MIGRATE_LOCKED=1`).
        why: &'static str,
    },
}

impl Explain for BuildError {
    fn code(&self) -> &'static str {
        match self {
            BuildError::Config(_) => "bad-config",
            BuildError::Generate(e) => e.code(),
            BuildError::MissingMigration { .. } => "missing-migration",
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            BuildError::Config(_) => None,
            BuildError::Generate(e) => e.help(),
            BuildError::MissingMigration { why, .. } => Some(format!(
                "run `cargo build` (or `migrate generate`) without {why} and commit the new migration"
            )),
        }
    }
}

/// Whether this build may not write files: `MIGRATE_LOCKED=1`, or `CI` set.
pub fn locked() -> Option<&'static str> {
    let set = |k: &str| {
        std::env::var(k)
            .ok()
            .filter(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
    };
    if set("MIGRATE_LOCKED").is_some() {
        Some("MIGRATE_LOCKED=1")
    } else if set("CI").is_some() {
        Some("CI set")
    } else {
        None
    }
}

/// Runs from `build.rs`. A new migration is announced with a `cargo:warning` and, when the
/// build runs on a terminal, on the terminal itself: `cargo run -q` hides warnings, and a file
/// must not appear in the source tree unannounced. On failure the message is reported as cargo's
/// own error (`cargo::error`, Rust 1.84 and later), without the build script's output around it.
pub fn run() {
    match try_run() {
        Ok(outcome) => {
            if let Outcome::Written(paths) = outcome {
                for p in &paths {
                    println!(
                        "cargo:warning=migrate: wrote {}: the schema changed; review the migration and commit it",
                        p.display()
                    );
                }
                announce_on_terminal(&paths);
            }
            #[cfg(feature = "lint")]
            for line in lint_warnings(&config_path()) {
                println!("cargo:warning={line}");
            }
        }
        Err(e) => {
            let message = format!("migrate: {}", render(&e));
            if cargo_error_supported(std::env::var("CARGO_PKG_RUST_VERSION").ok().as_deref()) {
                for line in cargo_error_lines(&message) {
                    println!("{line}");
                }
            } else {
                eprintln!("error: {message}");
                std::process::exit(1);
            }
        }
    }
}

/// Whether the crate being built may use `cargo::error` (Rust 1.84): its `rust-version`, when it
/// declares one, is 1.84 or later.
fn cargo_error_supported(rust_version: Option<&str>) -> bool {
    let Some(v) = rust_version.filter(|v| !v.is_empty()) else {
        return true;
    };
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (1, 84)
}

/// A multi-line message as `cargo::error` lines (one per line; blank lines kept as a space).
fn cargo_error_lines(message: &str) -> Vec<String> {
    message
        .lines()
        .map(|l| {
            if l.trim().is_empty() {
                "cargo::error= ".to_string()
            } else {
                format!("cargo::error={l}")
            }
        })
        .collect()
}

/// Writes the new migrations' paths to the controlling terminal, when there is one (a person
/// running cargo); nothing otherwise (CI, an editor).
fn announce_on_terminal(paths: &[PathBuf]) {
    use std::io::Write;
    let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") else {
        return;
    };
    for p in paths {
        let _ = writeln!(
            tty,
            "migrate: wrote {} (the schema changed: review the migration and commit it)",
            p.display()
        );
    }
}

/// The whole message of a build error, diagnostics and refusals included.
pub fn render(e: &BuildError) -> String {
    match e {
        BuildError::Generate(GenerateError::Schema(diags)) => {
            format!(
                "the schema has errors:\n\n{}",
                diags
                    .iter()
                    .map(|d| d.render(false))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        }
        BuildError::Generate(GenerateError::Refused(refused)) => format!(
            "the schema has unsafe changes that are not acknowledged:\n\n{}",
            refused.iter().map(plain).collect::<Vec<_>>().join("\n\n")
        ),
        BuildError::Generate(GenerateError::Migrations(
            crate::migration::MigrationError::Unverified { problems, .. },
        )) => format!(
            "the migration directory does not match its manifest:\n\n{}",
            problems.iter().map(plain).collect::<Vec<_>>().join("\n\n")
        ),
        other => plain(other),
    }
}

/// [`run`] without printing or exiting.
pub fn try_run() -> Result<Outcome, BuildError> {
    println!("cargo:rerun-if-env-changed=MIGRATE_CONFIG");
    println!("cargo:rerun-if-env-changed=MIGRATE_LOCKED");
    println!("cargo:rerun-if-env-changed=CI");
    run_in(&config_path(), locked())
}

/// The crate's configuration file: `MIGRATE_CONFIG` (relative to the crate), else `migrate.toml`.
fn config_path() -> PathBuf {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    match std::env::var_os("MIGRATE_CONFIG") {
        Some(p) => crate_dir.join(p),
        None => crate_dir.join(CONFIG_FILE),
    }
}

/// One line per lint finding in the unreleased migrations, as `cargo:warning` shows it
/// (`path:line:col: level[rule]: message (help: ...)`); nothing when the configuration or the
/// directory cannot be read (the build reports those itself).
#[cfg(feature = "lint")]
pub fn lint_warnings(config_path: &Path) -> Vec<String> {
    use crate::lint::{self, LintOptions, report};
    let Ok(config) = Config::load(config_path) else {
        return Vec::new();
    };
    let Ok(dir) = MigrationDir::open(&config.migrations) else {
        return Vec::new();
    };
    let options = LintOptions::from_config(&config);
    lint::unreleased(dir.migrations(), config.lint_baseline)
        .map(|m| lint::lint_migration(m, &options))
        .flat_map(|r| {
            r.findings
                .iter()
                .map(|f| format!("migrate lint: {}", report::one_line(&r, f)))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// What a build says when the migration directory's snapshot does not record the migrations as
/// they are (its first line's chained sum differs from the directory's: a migration was written
/// by hand, edited or removed since `migrate generate` wrote it), and `used` says what was done
/// with the snapshot anyway. One wording for `build.rs` and the macros (`schema!`,
/// `embed_migrations!`), which never replay: they have no database.
pub fn stale_snapshot_warning(used: &str) -> String {
    format!(
        "migrate: the snapshot does not record the migrations as they are (one was written by hand, \
         edited or removed); {used}, which may miss what they do: run `migrate generate` to replay \
         them and refresh it (a build.rs calling `migrate_core::build::run()` does so too, where it \
         can replay without a server of its own)"
    )
}

/// Runs for one configuration file; `locked` says why writing is not allowed, if it is not.
pub fn run_in(config_path: &Path, locked: Option<&'static str>) -> Result<Outcome, BuildError> {
    println!("cargo:rerun-if-changed={}", config_path.display());
    let config = Config::load(config_path).map_err(BuildError::Config)?;
    println!("cargo:rerun-if-changed={}", config.schema.display());
    println!("cargo:rerun-if-changed={}", config.migrations.display());
    match locked {
        Some(why) => {
            let declared = crate::schema::load_for(&config.schema, config.dialect)
                .map_err(|d| BuildError::Generate(GenerateError::Schema(d)))?;
            let current = if config.migrations.is_dir() {
                let dir = MigrationDir::open(&config.migrations)
                    .map_err(GenerateError::from)?
                    .with_baseline(config.lint_baseline);
                let problems = dir.verify();
                if !problems.is_empty() {
                    return Err(GenerateError::Migrations(
                        crate::migration::MigrationError::Unverified {
                            dir: config.migrations.clone(),
                            problems,
                        },
                    )
                    .into());
                }
                if !dir.snapshot_is_current() {
                    println!(
                        "cargo:warning={}",
                        stale_snapshot_warning("checked against the snapshot")
                    );
                }
                dir.snapshot().map_err(GenerateError::from)?
            } else {
                crate::schema::Schema::default()
            };
            let p = plan(config.dialect, &current, &declared, None);
            let refused: Vec<_> = p.refusals().into_iter().cloned().collect();
            if !refused.is_empty() {
                return Err(GenerateError::Refused(refused).into());
            }
            if p.is_empty() {
                Ok(Outcome::UpToDate)
            } else {
                Err(BuildError::MissingMigration {
                    count: p.diff.changes.len(),
                    why,
                })
            }
        }
        None => {
            // A build replays only where that needs no server of its own (SQLite in memory,
            // `dev_database_url`): it must stay quick, and never starts one.
            let opts = crate::generate::Options {
                replay: crate::generate::Replay::NoServer,
                ..crate::generate::Options::default()
            };
            let outcome = crate::generate::generate_with(&config, &opts)?;
            if let crate::generate::Basis::Stale { why } = &outcome.basis {
                println!(
                    "cargo:warning=migrate: generated from the snapshot, which does not record the migrations as they are ({why}); run `migrate generate` to replay them"
                );
            }
            match outcome.generated {
                Generated::NoChange => Ok(Outcome::UpToDate),
                Generated::Written(paths) => Ok(Outcome::Written(paths)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_error_is_used_from_rust_1_84() {
        assert!(cargo_error_supported(None));
        assert!(cargo_error_supported(Some("")));
        assert!(cargo_error_supported(Some("1.84")));
        assert!(cargo_error_supported(Some("1.94.0")));
        assert!(!cargo_error_supported(Some("1.83.0")));
        assert!(!cargo_error_supported(Some("1.70")));
    }

    #[test]
    fn every_line_of_a_message_is_a_cargo_error() {
        assert_eq!(
            cargo_error_lines("a\n\n  b"),
            ["cargo::error=a", "cargo::error= ", "cargo::error=  b"]
        );
    }
}
