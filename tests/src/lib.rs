//! Test support for the migrate toolkit: real databases for integration tests.
//!
//! - [`pg::TestDb`]: a fresh PostgreSQL database per test, on a real server. The server is the one
//!   named by `MIGRATE_TEST_DATABASE_URL`, or else a throwaway cluster that this process starts
//!   from the local PostgreSQL binaries and that stops when the process ends.
//! - [`sqlite::TestFile`]: a fresh SQLite database file per test, in its own temporary directory.
//!
//! Neither ever skips a test: when no server can be had, creating a [`pg::TestDb`] fails with a
//! message that says how to fix it. See `tests/README.md`.
//!
//! Also: [`arb`] generates random valid schemas, schema pairs and SQL text for property tests;
//! [`apply`] applies rendered migrations the way the runner does, without its history
//! table; [`pgwire::CountingProxy`] counts, on the wire, the statements a client sends to
//! PostgreSQL.
//!
//! ```no_run
//! # async fn example() {
//! let db = migrate_tests::pg::TestDb::new().await;
//! let pool = db.pool().await;
//! sqlx::query("CREATE TABLE pets (id integer)").execute(&pool).await.unwrap();
//! // `db.url` is a plain connection URL for this database, e.g. for the `migrate` binary.
//! # }
//! ```

pub mod apply;
pub mod arb;
pub mod pg;
pub mod pgwire;
pub mod sqlite;

use std::fmt;

/// Why the harness could not provide a database. Its message says how to fix the cause.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Panics print the `Debug` form of an `unwrap`ped error: keep it readable.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}
