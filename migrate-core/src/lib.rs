//! The core of the `migrate` toolkit.
//!
//! - [`schema`] — the schema language: the canonical model, the TOML loader that keeps the location
//!   of every key, and validation that reports every problem with a fix.
//! - [`diff`] — the ordered changes between two schemas; [`safety`] — which of them lose data or
//!   break running code, and the TOML that acknowledges them; [`sql`] — their SQL per dialect.
//! - [`migration`] — the migration directory: files, the chained-checksum manifest, the snapshot.
//! - [`dialect`] — the seam: what each database knows, one folder per dialect.
//! - [`lint`] — checks of hand-written migrations (`migrate lint`).
//! - [`config`] — `migrate.toml`; [`diagnostic`] — errors that point at `file:line:col`;
//!   [`redact`] — passwords kept out of every output.
//!
//! The database-facing parts sit behind the default `runtime` feature, so the proc-macro crate can
//! use this crate without sqlx or tokio in its dependency graph.

// The public surface is what the CLI, the macros, build scripts and the tests use; the rest is
// `pub(crate)`. Every module is narrowed: a public item is documented, or it is not public.
#![warn(unreachable_pub, missing_docs)]
// Without the `runtime` feature (the proc-macro crate's build), helpers only the runner and
// introspection call are unused; the default build still reports dead code.
#![cfg_attr(not(feature = "runtime"), allow(dead_code))]

#[cfg(feature = "runtime")]
pub mod batch;
pub mod build;
pub mod config;
#[cfg(feature = "runtime")]
pub mod db;
pub mod diagnostic;
pub mod dialect;
pub mod diff;
pub mod duration;
pub mod family;
#[cfg(feature = "runtime")]
pub mod fleet;
pub mod generate;
#[cfg(feature = "runtime")]
pub mod introspect;
pub mod lint;
pub mod migration;
pub mod migrator;
pub mod names;
mod ops;
pub mod redact;
#[cfg(feature = "runtime")]
pub mod replay;
#[cfg(feature = "runtime")]
pub mod runner;
pub mod rust_types;
pub mod safety;
pub mod schema;
pub mod sql;
mod table;
#[cfg(test)]
mod test_clock;

pub use diagnostic::{Diagnostic, Diagnostics, Explain};
#[cfg(feature = "runtime")]
pub use migrator::MigrateError;
pub use migrator::{EmbeddedMigration, Migrator};
pub use table::Table;
