//! Migrations embedded in a binary, and the runtime `Migrator` that applies them.
//!
//! `embed_migrations!()` expands to a [`Migrator`] built from [`EmbeddedMigration`]s, with each
//! file's checksum and directives computed at compile time by the same functions the CLI uses
//! ([`crate::migration::checksum::file_checksum`], [`crate::migration::directive::parse`]); the
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
