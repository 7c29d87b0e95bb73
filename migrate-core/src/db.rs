//! Connecting to the database a migration targets (the `runtime` feature).
//!
//! One connection type for both dialects; the URL's scheme picks the dialect (`postgres://` or
//! `postgresql://`, `sqlite:`). Errors never contain the password of the URL. PostgreSQL
//! connections use TLS as `sslmode` says ([`postgres`]).

use std::str::FromStr;

use sqlx::{Connection, PgConnection, SqliteConnection};

pub mod postgres;

pub use postgres::pg_options;

use crate::config::Dialect;
use crate::diagnostic::Explain;
use crate::redact::redact_url;

/// A connection to PostgreSQL or SQLite.
#[derive(Debug)]
pub enum Conn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// A database error, safe to print: the URL's password is never part of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DbError {
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
    pub fn new(message: impl Into<String>) -> DbError {
        DbError {
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> DbError {
        self.help = Some(help.into());
        self
    }

    /// A query error, with any URL password it could contain removed.
    pub fn query(e: &sqlx::Error, url: &str) -> DbError {
        DbError::new(scrub(&e.to_string(), url))
    }
}

pub use crate::redact::scrub;

/// A failed connection, with the password removed.
fn connect_error(url: &str, e: &sqlx::Error) -> DbError {
    let detail = scrub(&e.to_string(), url);
    DbError::new(format!("cannot connect to {}: {detail}", redact_url(url))).with_help(
        "check the URL (migrate.toml `database_url`, DATABASE_URL or --database-url) and that the server is up",
    )
}

/// The dialect a URL names, or an error saying which schemes work.
pub fn dialect_of(url: &str) -> Result<Dialect, DbError> {
    let scheme = url.split(':').next().unwrap_or("");
    match scheme {
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        "sqlite" => Ok(Dialect::Sqlite),
        _ => Err(
            DbError::new(format!("unsupported database URL `{}`", redact_url(url)))
                .with_help("use postgres://user@host:5432/db or sqlite://path/to/file.db"),
        ),
    }
}

impl Conn {
    /// Connects; a SQLite file is created when missing. PostgreSQL connections honour
    /// `sslmode` and `sslrootcert` ([`pg_options`]).
    pub async fn connect(url: &str) -> Result<Conn, DbError> {
        match dialect_of(url)? {
            Dialect::Postgres => {
                let opts = pg_options(url)?;
                let conn = PgConnection::connect_with(&opts).await.map_err(|e| {
                    let error = connect_error(url, &e);
                    match postgres::tls_help(&error.message, &opts) {
                        Some(help) => error.with_help(help),
                        None => error,
                    }
                })?;
                Ok(Conn::Postgres(conn))
            }
            Dialect::Sqlite => {
                let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(|e| connect_error(url, &e))?
                    .create_if_missing(true)
                    .busy_timeout(std::time::Duration::from_secs(60));
                Ok(Conn::Sqlite(
                    SqliteConnection::connect_with(&opts)
                        .await
                        .map_err(|e| connect_error(url, &e))?,
                ))
            }
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Conn::Postgres(_) => Dialect::Postgres,
            Conn::Sqlite(_) => Dialect::Sqlite,
        }
    }

    /// Runs SQL that returns no rows (one or several statements).
    pub async fn execute(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Conn::Postgres(c) => sqlx::raw_sql(sql).execute(c).await?.rows_affected(),
            Conn::Sqlite(c) => sqlx::raw_sql(sql).execute(c).await?.rows_affected(),
        })
    }

    pub async fn close(self) {
        let _ = match self {
            Conn::Postgres(c) => c.close().await,
            Conn::Sqlite(c) => c.close().await,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects() {
        assert_eq!(dialect_of("sqlite://a.db"), Ok(Dialect::Sqlite));
        assert_eq!(dialect_of("postgresql://h/db"), Ok(Dialect::Postgres));
        let err = dialect_of("host=h password=secret").unwrap_err();
        assert!(!err.message.contains("secret"), "{}", err.message);
        assert!(dialect_of("mysql://x").is_err());
    }
}
