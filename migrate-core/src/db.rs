//! Connecting to the database a migration targets (the `runtime` feature).
//!
//! One connection type for every dialect, [`Connection`]; the URL's scheme picks the dialect
//! (`postgres://` or `postgresql://`, `sqlite:`), and the dialect's driver connects (see
//! [`crate::dialect::runtime`]). Errors never contain the password of the URL.

use crate::diagnostic::Explain;
pub use crate::dialect::runtime::{Connection, dialect_of, resolve_url};

/// A database error, safe to print: the URL's password is never part of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DbError {
    /// What went wrong, password removed.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
}

impl Explain for DbError {
    fn code(&self) -> &'static str {
        "database"
    }

    fn help(&self) -> Option<String> {
        self.help.clone()
    }
}

impl DbError {
    pub(crate) fn new(message: impl Into<String>) -> DbError {
        DbError {
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> DbError {
        self.help = Some(help.into());
        self
    }

    /// A query error, with any URL password it could contain removed.
    pub fn query(e: &sqlx::Error, url: &str) -> DbError {
        DbError::new(scrub(&e.to_string(), url))
    }
}

pub use crate::redact::scrub;

#[cfg(test)]
mod tests {
    use super::*;

    use crate::dialect::Dialect;

    #[test]
    fn dialects() {
        assert_eq!(dialect_of("sqlite://a.db"), Ok(Dialect::Sqlite));
        assert_eq!(dialect_of("postgresql://h/db"), Ok(Dialect::Postgres));
        let err = dialect_of("host=h password=secret").unwrap_err();
        assert!(!err.message.contains("secret"), "{}", err.message);
        assert!(dialect_of("mysql://x").is_err());
    }
}
