//! `migrate database create|drop|reset`: development databases.
//!
//! SQLite: the file (and its `-wal`, `-shm` and `-journal` companions). PostgreSQL: the database
//! the URL names, created and dropped through the server's `postgres` maintenance database with
//! the URL's credentials. Dropping asks on a terminal; scripts pass `--yes`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use migrate_core::config::{Config, Dialect};
use migrate_core::db::Conn;
use migrate_core::redact::redact_url;

use super::{Exit, block_on, check_dialect, database_url, load_config, resolve_sqlite_url};
use crate::cli::{DatabaseCommand, Global, UpArgs};
use crate::output::Output;

pub fn run(global: &Global, command: &DatabaseCommand, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let url = match database_url(&config, global, out) {
        Ok(u) => u,
        Err(code) => return code,
    };
    if let Err(code) = check_dialect(&config, &url, out) {
        return code;
    }
    let target = match Target::of(&config, &url) {
        Ok(t) => t,
        Err(message) => {
            out.error(
                &message,
                Some("write the database's name in the URL: postgres://user@host:5432/app_dev"),
            );
            return Exit::Usage;
        }
    };
    match command {
        DatabaseCommand::Create => create_database(&target, out),
        DatabaseCommand::Drop(args) => {
            if let Err(code) = confirm(&target, "drop", args.yes, out) {
                return code;
            }
            drop_database(&target, out)
        }
        DatabaseCommand::Reset(args) => {
            // A directory that `up` would refuse is found before anything is dropped.
            if let Err(code) = check_directory(&config, out) {
                return code;
            }
            if let Err(code) = confirm(&target, "reset", args.yes, out) {
                return code;
            }
            match drop_database(&target, out) {
                Exit::Ok => {}
                code => return code,
            }
            match create_database(&target, out) {
                Exit::Ok => {}
                code => return code,
            }
            super::up::up(global, &UpArgs::default(), out)
        }
    }
}

/// The migration directory agrees with its manifest: else `reset` would drop the database and
/// then apply nothing.
fn check_directory(config: &Config, out: &Output) -> Result<(), Exit> {
    let dir = super::open_dir(config, false, out)?;
    let problems = dir.verify();
    if problems.is_empty() {
        return Ok(());
    }
    super::report_problems(out, &problems);
    out.note("nothing was dropped: fix the migration directory first");
    Err(Exit::Found)
}

/// The database a URL names.
#[derive(Debug)]
enum Target {
    Sqlite {
        url: String,
        path: std::path::PathBuf,
    },
    Postgres {
        /// As given, for messages (password hidden when shown).
        url: String,
        name: String,
        /// The same server and credentials, database `postgres`.
        maintenance: String,
    },
}

impl Target {
    fn of(config: &Config, url: &str) -> Result<Target, String> {
        match config.dialect {
            Dialect::Sqlite => {
                let resolved = resolve_sqlite_url(url, config);
                let path = super::sqlite_path(&resolved).ok_or_else(|| {
                    format!(
                        "{} is an in-memory database: there is no file to create or drop",
                        redact_url(url)
                    )
                })?;
                Ok(Target::Sqlite {
                    url: url.to_string(),
                    path,
                })
            }
            Dialect::Postgres => {
                let (name, maintenance) = postgres_parts(url)?;
                Ok(Target::Postgres {
                    url: url.to_string(),
                    name,
                    maintenance,
                })
            }
        }
    }

    fn shown(&self) -> String {
        match self {
            Target::Sqlite { path, .. } => format!("SQLite file {}", path.display()),
            Target::Postgres { url, name, .. } => {
                format!("database `{name}` ({})", redact_url(url))
            }
        }
    }
}

/// The database name of a PostgreSQL URL (percent-decoded) and the URL of the same server's
/// `postgres` database.
fn postgres_parts(url: &str) -> Result<(String, String), String> {
    let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
    let rest = &url[scheme_end..];
    let (before_query, query) = rest
        .split_once('?')
        .map_or((rest, None), |(a, q)| (a, Some(q)));
    let (authority, path) = before_query
        .split_once('/')
        .map_or((before_query, ""), |(a, p)| (a, p));
    let name = percent_decode(path);
    if name.is_empty() {
        return Err(format!("the URL {} names no database", redact_url(url)));
    }
    let mut maintenance = format!("{}{authority}/postgres", &url[..scheme_end]);
    if let Some(q) = query {
        maintenance.push('?');
        maintenance.push_str(q);
    }
    Ok((name, maintenance))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Asks before a drop on a terminal; without one, `--yes` is required.
fn confirm(target: &Target, what: &str, yes: bool, out: &Output) -> Result<(), Exit> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() || out.json() {
        out.error(
            &format!(
                "`migrate database {what}` deletes the {} and all its data; not confirmed",
                target.shown()
            ),
            Some(&format!(
                "run it on a terminal to be asked, or pass `--yes` (`migrate database {what} --yes`) in a script"
            )),
        );
        return Err(Exit::Usage);
    }
    eprint!(
        "This deletes the {} and all its data. Continue? [y/N] ",
        target.shown()
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        out.note("nothing was dropped");
        Err(Exit::Found)
    }
}

fn create_database(target: &Target, out: &Output) -> Exit {
    match target {
        Target::Sqlite { url, path } => {
            if path.exists() {
                out.say(&format!("{} already exists", target.shown()));
                return Exit::Ok;
            }
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
                && let Err(e) = std::fs::create_dir_all(parent)
            {
                out.error(&format!("cannot create {}: {e}", parent.display()), None);
                return Exit::Usage;
            }
            let resolved = format!("sqlite://{}", path.display());
            match block_on(async {
                let conn = Conn::connect(&resolved).await?;
                conn.close().await;
                Ok::<(), migrate_core::db::DbError>(())
            }) {
                Ok(()) => {
                    out.say(&format!("created {}", target.shown()));
                    Exit::Ok
                }
                Err(e) => {
                    out.error(&migrate_core::db::scrub(&e.message, url), e.help.as_deref());
                    Exit::Usage
                }
            }
        }
        Target::Postgres {
            url,
            name,
            maintenance,
        } => {
            let sql = format!("CREATE DATABASE {}", migrate_core::sql::ident(name));
            match on_server(maintenance, &sql) {
                Ok(()) => {
                    out.say(&format!("created {}", target.shown()));
                    Exit::Ok
                }
                Err(e) if e.contains("already exists") => {
                    out.say(&format!("{} already exists", target.shown()));
                    Exit::Ok
                }
                Err(e) => {
                    out.error(&migrate_core::db::scrub(&e, url), None);
                    Exit::Usage
                }
            }
        }
    }
}

fn drop_database(target: &Target, out: &Output) -> Exit {
    match target {
        Target::Sqlite { path, .. } => {
            if !path.exists() {
                out.say(&format!(
                    "{} does not exist; nothing to drop",
                    target.shown()
                ));
                return Exit::Ok;
            }
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let file = Path::new(&format!("{}{suffix}", path.display())).to_path_buf();
                if (suffix.is_empty() || file.exists())
                    && let Err(e) = std::fs::remove_file(&file)
                {
                    out.error(&format!("cannot remove {}: {e}", file.display()), None);
                    return Exit::Usage;
                }
            }
            out.say(&format!("dropped {}", target.shown()));
            Exit::Ok
        }
        Target::Postgres {
            url,
            name,
            maintenance,
        } => {
            if name == "postgres" {
                out.error(
                    "refusing to drop the `postgres` maintenance database",
                    Some("point the URL at a development database of its own"),
                );
                return Exit::Usage;
            }
            let sql = format!("DROP DATABASE IF EXISTS {}", migrate_core::sql::ident(name));
            match on_server(maintenance, &sql) {
                Ok(()) => {
                    out.say(&format!("dropped {}", target.shown()));
                    Exit::Ok
                }
                Err(e) => {
                    let help = e.contains("being accessed by other users").then_some(
                        "other sessions use it: stop the application (or end them with `pg_terminate_backend`) and try again",
                    );
                    out.error(&migrate_core::db::scrub(&e, url), help);
                    Exit::Usage
                }
            }
        }
    }
}

/// Runs one statement on the maintenance database; the error's text on failure.
fn on_server(maintenance: &str, sql: &str) -> Result<(), String> {
    block_on(async {
        let mut conn = Conn::connect(maintenance).await.map_err(|e| e.message)?;
        let result = conn
            .execute(sql)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
        conn.close().await;
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_name_their_database_and_server() {
        assert_eq!(
            postgres_parts("postgres://u:p%2Fw@h:5432/app%20dev?sslmode=disable").unwrap(),
            (
                "app dev".to_string(),
                "postgres://u:p%2Fw@h:5432/postgres?sslmode=disable".to_string()
            )
        );
        assert!(postgres_parts("postgres://h:5432").is_err());
        assert!(postgres_parts("postgres://h:5432/").is_err());
    }
}
