//! Connecting to the database a migration targets (the `runtime` feature).
//!
//! One connection type for both dialects; the URL's scheme picks the dialect (`postgres://` or
//! `postgresql://`, `sqlite:`). Errors never contain the password of the URL.

use std::str::FromStr;

use sqlx::{Connection, PgConnection, SqliteConnection};

use crate::config::{Dialect, redact_url};

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

/// Removes the password of `url` from `text` (drivers sometimes echo connection strings).
pub fn scrub(text: &str, url: &str) -> String {
    let redacted = redact_url(url);
    let mut out = text.replace(url, &redacted);
    if let Some(pw) = password(url)
        && !pw.is_empty()
    {
        out = out.replace(&pw, "***");
    }
    out
}

fn password(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    let (_, pw) = userinfo.split_once(':')?;
    Some(pw.to_string())
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
    /// Connects; a SQLite file is created when missing.
    pub async fn connect(url: &str) -> Result<Conn, DbError> {
        let fail = |e: sqlx::Error| {
            DbError::new(format!("cannot connect to {}: {}", redact_url(url), scrub(&e.to_string(), url)))
                .with_help("check the URL (migrate.toml `database_url`, DATABASE_URL or --database-url) and that the server is up")
        };
        match dialect_of(url)? {
            Dialect::Postgres => {
                let opts = sqlx::postgres::PgConnectOptions::from_str(url).map_err(fail)?;
                Ok(Conn::Postgres(
                    PgConnection::connect_with(&opts).await.map_err(fail)?,
                ))
            }
            Dialect::Sqlite => {
                let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(fail)?
                    .create_if_missing(true)
                    .busy_timeout(std::time::Duration::from_secs(60));
                Ok(Conn::Sqlite(
                    SqliteConnection::connect_with(&opts).await.map_err(fail)?,
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
    fn scrubs_passwords() {
        let url = "postgres://app:s3cret@db:5432/x";
        assert_eq!(
            scrub(
                "failed for postgres://app:s3cret@db:5432/x: s3cret bad",
                url
            ),
            "failed for postgres://app:***@db:5432/x: *** bad"
        );
        assert_eq!(dialect_of("sqlite://a.db"), Ok(Dialect::Sqlite));
        assert!(dialect_of("mysql://x").is_err());
    }
}
