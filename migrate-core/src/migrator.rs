//! Migrations embedded in a binary, and the runtime `Migrator` that applies them.
//!
//! `embed_migrations!()` expands to a [`Migrator`] built from [`EmbeddedMigration`]s, with each
//! file's checksum and directives computed at compile time by the same functions the CLI uses
//! (`migration::checksum::file_checksum`, [`crate::migration::directive::parse`]); the
//! runner uses them as they are. Applying them goes through the same runner as `migrate up` (the
//! `runtime` feature).

use std::time::Duration;

/// One migration file, embedded at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedMigration {
    /// The 14-digit version, as a number (`20240101120000`).
    pub version: u64,
    /// The snake_case name after the version.
    pub name: &'static str,
    /// The file's content (BOM removed).
    pub content: &'static str,
    /// The file's checksum (hex SHA-256 of the content, CRLF normalised).
    pub checksum: &'static str,
    /// The file starts with `-- migrate:no-transaction`.
    pub no_transaction: bool,
    /// `-- migrate:lock-timeout` (zero: none for this file); `None`: the runner's.
    pub lock_timeout: Option<Duration>,
    /// `-- migrate:statement-timeout` (zero: none for this file); `None`: the runner's.
    pub statement_timeout: Option<Duration>,
}

/// An ordered set of migrations to apply, once and only once per database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migrator {
    /// The migrations, in version order.
    pub migrations: &'static [EmbeddedMigration],
    /// The table that records applied migrations.
    pub history_table: &'static str,
}

impl Migrator {
    /// The default history table name.
    pub const DEFAULT_HISTORY_TABLE: &'static str = "migrate_history";

    /// A migrator over embedded migrations, recorded in the default history table.
    pub const fn new(migrations: &'static [EmbeddedMigration]) -> Migrator {
        Migrator {
            migrations,
            history_table: Migrator::DEFAULT_HISTORY_TABLE,
        }
    }

    /// The same migrations, recorded in another history table.
    pub const fn with_history_table(self, history_table: &'static str) -> Migrator {
        Migrator {
            migrations: self.migrations,
            history_table,
        }
    }
}

/// Why [`Migrator::run`] applied nothing, or stopped: the runner's error, shown in full.
///
/// Its `Display` (and its `Debug`, which is what `fn main() -> Result<(), Box<dyn Error>>`
/// prints) is the message the `migrate` command prints for the same error: every migration that
/// disagrees with the history or is refused, each with its fix. The runner's error is available
/// for matching through `Deref` and [`MigrateError::into_inner`].
#[cfg(feature = "runtime")]
pub struct MigrateError(crate::runner::RunError);

#[cfg(feature = "runtime")]
impl MigrateError {
    /// The runner's error.
    pub fn into_inner(self) -> crate::runner::RunError {
        self.0
    }
}

#[cfg(feature = "runtime")]
impl From<crate::runner::RunError> for MigrateError {
    fn from(e: crate::runner::RunError) -> MigrateError {
        MigrateError(e)
    }
}

#[cfg(feature = "runtime")]
impl std::ops::Deref for MigrateError {
    type Target = crate::runner::RunError;

    fn deref(&self) -> &crate::runner::RunError {
        &self.0
    }
}

#[cfg(feature = "runtime")]
impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::Explain;
        use crate::runner::RunError;
        write!(f, "{}", self.0)?;
        match &self.0 {
            RunError::Integrity(problems) => {
                for p in problems {
                    write!(f, "\n  - {p}")?;
                    if let Some(help) = p.help() {
                        write!(f, "\n    help: {help}")?;
                    }
                }
            }
            RunError::Refused(refusals) => {
                for r in refusals {
                    let place = match r.line {
                        Some(line) => format!("{}:{line}", r.file),
                        None => r.file.clone(),
                    };
                    write!(
                        f,
                        "\n  - [{}] {place}: {}\n    help: {}",
                        r.code, r.message, r.help
                    )?;
                }
            }
            other => {
                if let Some(help) = other.help() {
                    write!(f, "\n  help: {help}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(feature = "runtime")]
impl std::fmt::Debug for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

#[cfg(feature = "runtime")]
impl std::error::Error for MigrateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}
