//! `migrate database create|drop|reset`: development databases.
//!
//! What a database is and how it is created or dropped is the dialect's
//! (`Runtime::create_database`, `drop_database`): SQLite's is the file (and its `-wal`, `-shm`
//! and `-journal` companions), PostgreSQL's the database the URL names, created and dropped
//! through the server's `postgres` maintenance database with the URL's credentials. Dropping
//! asks on a terminal; scripts pass `--yes`.

use std::io::{BufRead, IsTerminal, Write};

use migrate_core::config::Config;
use migrate_core::dialect::runtime::Runtime;

use super::{Exit, block_on, check_dialect, database_url, load_config, resolve_url};
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
        Err(e) => {
            out.error(&e.message, e.help.as_deref());
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

/// The database a URL names, and the dialect that creates and drops it.
struct Target {
    /// As given, for messages (password hidden when shown).
    url: String,
    /// With a relative file path made relative to the configuration file.
    resolved: String,
    /// How messages name it.
    shown: String,
    runtime: &'static dyn Runtime,
}

impl Target {
    fn of(config: &Config, url: &str) -> Result<Target, migrate_core::db::DbError> {
        let runtime = config.dialect.runtime();
        let resolved = resolve_url(url, config);
        let shown = runtime.database_shown(&resolved)?;
        Ok(Target {
            url: url.to_string(),
            resolved,
            shown,
            runtime,
        })
    }

    fn shown(&self) -> String {
        self.shown.clone()
    }

    /// The dialect's error, the URL's password hidden.
    fn error(&self, e: &migrate_core::db::DbError, out: &Output) {
        out.error(
            &migrate_core::redact::scrub(&e.message, &self.url),
            e.help.as_deref(),
        );
    }
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
    match block_on(target.runtime.create_database(&target.resolved)) {
        Ok(true) => {
            out.say(&format!("created {}", target.shown()));
            Exit::Ok
        }
        Ok(false) => {
            out.say(&format!("{} already exists", target.shown()));
            Exit::Ok
        }
        Err(e) => {
            target.error(&e, out);
            Exit::Usage
        }
    }
}

fn drop_database(target: &Target, out: &Output) -> Exit {
    match block_on(target.runtime.drop_database(&target.resolved)) {
        Ok(true) => {
            out.say(&format!("dropped {}", target.shown()));
            Exit::Ok
        }
        Ok(false) => {
            out.say(&format!(
                "{} does not exist; nothing to drop",
                target.shown()
            ));
            Exit::Ok
        }
        Err(e) => {
            target.error(&e, out);
            Exit::Usage
        }
    }
}
