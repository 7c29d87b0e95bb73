//! Applying migrations: each once and only once per database, safely (the `runtime` feature).
//!
//! One code path serves `migrate up`, `migrate status`, `migrate baseline` and the runtime
//! [`Migrator`] that `embed_migrations!` builds:
//!
//! 1. **Integrity first.** Before any migration SQL runs, what the database recorded is compared
//!    with the files: an applied migration whose content changed, an applied version with no file,
//!    a failed (dirty) earlier run, or a new file older than the newest applied one — each refuses,
//!    naming the migration and what to do. Applied versions newer than every file are `ahead` (an
//!    older release during a rolling deploy): a note. The migrations about to run are checked for
//!    what cannot work ([`admit`]: transaction control in a transactional file, `COPY … FROM
//!    STDIN`, …), and refused with their file, line and fix.
//! 2. **Serialised.** Runners on one database take turns: PostgreSQL through a session advisory
//!    lock, SQLite through its write lock (`BEGIN IMMEDIATE`). After taking it, a runner reads the
//!    history again, so each migration is applied exactly once however many runners start. A
//!    waiting runner polls for the lock holding no transaction (so `CREATE INDEX CONCURRENTLY`
//!    never waits for it), says every few seconds whom it waits for, and gives up after
//!    `runner_lock_timeout` (see the `lock` module).
//! 3. **Transactions.** A file runs in one transaction with its history row, so a failure or a
//!    killed process leaves no trace. A `-- migrate:no-transaction` file runs statement by
//!    statement; its history row is written first and marked finished last, so a failure part-way
//!    leaves a recorded dirty state with a precise recovery message.
//! 4. **Lock safety.** `lock_timeout` and `statement_timeout` are set for every migration
//!    (configurable; `-- migrate:lock-timeout 10s` and `-- migrate:statement-timeout 2h` override
//!    them per file). A statement that waits for a lock longer than the timeout gives up — so
//!    production queries never queue behind it for longer — and is retried with backoff a bounded
//!    number of times.
//! 5. **Dry runs** apply pending migrations inside a transaction that is rolled back.
//!
//! This module is the same for every database: it works on a [`Connection`] and asks its driver
//! ([`crate::dialect::runtime`]) for what differs — the lock, the history table's SQL, how a file
//! is applied, what a failure left. Each dialect answers in its folder (`dialect/<name>/`).
//!
//! One file per part: `source` (a migration at run time), `options`, `events`, `error`,
//! `integrity` (the history against the files, [`admit`]), `apply` ([`up`]'s loop, a failure's
//! report, [`settle_lost`]), `dry_run`, `status`, `resolve` ([`baseline`], [`resolve`]),
//! `migrator` (the embedded [`Migrator`]'s [`Target`]), `contract` (holding contract files),
//! `history` and `lock`; this file takes the runner lock and re-exports them.

mod apply;
mod contract;
mod dry_run;
mod error;
mod events;
pub mod history;
mod integrity;
mod lock;
mod migrator;
mod options;
mod resolve;
mod source;
mod status;

pub use contract::Contracts;
pub(crate) use lock::Wait;
pub use lock::{Holder, LockKind};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::db::DbError;
use crate::diagnostic::Explain;
use crate::dialect::Dialect;
use crate::dialect::runtime::{Apply, Driver, Exec, Failed, HistoryRow, Report};
pub use crate::dialect::runtime::{BoxFuture, Connection};
use crate::migration::{ContentProblem, Migration, MigrationDir, content};
use crate::migrator::{EmbeddedMigration, Migrator};
use crate::sql::split::split;
use history::Applied;

use apply::advise_dirty;
pub(crate) use apply::{TX_RECOVERY, error_text, failure, run_file};
pub use apply::{settle_lost, up};
use dry_run::dry_run;
pub use error::{RunError, human_ms};
pub use events::{Event, Summary};
use integrity::tolerated;
pub use integrity::{Integrity, IntegrityKind, Refusal, admit, check_integrity};
pub use migrator::{LoadError, Target, load_dir};
pub use options::{DEFAULT_RUNNER_LOCK_TIMEOUT_MS, Options};
pub use resolve::{baseline, resolve};
pub use source::{Source, description_of, sources_from_dir};
pub use status::{State, Status, status};

pub(crate) fn elapsed_ms(t: Instant) -> u64 {
    u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The history table's name is one the dialect can hold.
fn check_table(db: &dyn Driver, opts: &Options) -> Result<(), RunError> {
    match history::check_table_name(db.dialect(), &opts.history_table) {
        Some(problem) => Err(RunError::BadHistoryTable(problem)),
        None => Ok(()),
    }
}

/// Takes the runner lock, waiting for another runner at most `runner_lock_timeout`.
///
/// PostgreSQL: a session advisory lock, held for the whole run. SQLite: the write lock, held
/// until the history is read ([`Driver::history_read`]); each migration then takes it again for
/// its own transaction.
async fn lock(db: &mut dyn Driver, opts: &Options, report: Report<'_>) -> Result<(), RunError> {
    check_table(db, opts)?;
    db.lock(opts, report).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_and_description() {
        let s = Source::new(
            20240101000000,
            "x",
            "-- migrate:no-transaction\n-- migrate:lock-timeout 10s\n-- Build the name index.\n--\nCREATE INDEX CONCURRENTLY i ON t (a);\n",
        )
        .unwrap();
        assert!(s.no_transaction);
        assert_eq!(s.lock_timeout, Some(Duration::from_secs(10)));
        assert_eq!(s.description, "Build the name index.");
        let bad = Source::new(1, "x", "-- migrate:statement-timeout soon\n").unwrap();
        assert_eq!(bad.problems.len(), 1);
        assert_eq!(bad.statement_timeout, None);
    }

    #[test]
    fn embedded_sources_take_the_compile_time_facts_and_still_check_nul_bytes() {
        let m = EmbeddedMigration {
            version: 20240101000000,
            name: "x",
            content: "\u{feff}-- Add a column.\n-- migrate:lock-timeout 5s\nALTER TABLE t ADD a int;\n",
            checksum: "abc",
            no_transaction: true,
            lock_timeout: Some(Duration::from_millis(7)),
            statement_timeout: None,
        };
        let s = Source::from_embedded(&m).expect("source");
        assert_eq!(s.checksum, "abc");
        assert!(s.no_transaction);
        assert_eq!(s.lock_timeout, Some(Duration::from_millis(7)));
        assert_eq!(s.statement_timeout, None);
        assert_eq!(s.description, "Add a column.");
        assert!(s.content.starts_with("-- Add"));
        let nul = EmbeddedMigration {
            content: "SELECT 1;\0\n",
            ..m
        };
        // Kept with the source: refused where it would run, a warning where it was applied.
        let nul = Source::from_embedded(&nul).expect("source");
        assert_eq!(admit(&[&nul], Dialect::Sqlite)[0].code, "nul-byte");
    }

    fn applied(version: u64, checksum: &str, success: bool) -> Applied {
        Applied {
            version,
            name: "m".into(),
            checksum: checksum.into(),
            description: String::new(),
            started_at: String::new(),
            finished_at: None,
            execution_ms: None,
            success,
            applied_by: String::new(),
            error: None,
        }
    }

    #[test]
    fn integrity_names_every_contradiction() {
        let a = Source::new(1, "a", "SELECT 1;").unwrap();
        let b = Source::new(2, "b", "SELECT 2;").unwrap();
        let c = Source::new(4, "c", "SELECT 4;").unwrap();
        let history = [
            applied(1, &a.checksum, true),
            applied(2, "other", true),
            applied(3, "gone", true),
            applied(5, &c.checksum, false),
            applied(6, "newer", true),
        ];
        let codes: Vec<(u64, &str)> = check_integrity(&[a.clone(), b, c], &history)
            .iter()
            .map(|i| (i.version, i.code()))
            .collect();
        assert_eq!(
            codes,
            [
                (2, "modified"),
                (3, "missing"),
                (4, "out-of-order"),
                (5, "dirty"),
                (6, "ahead")
            ]
        );
        // Newer than every file here: ahead, whether one or several; with no files, all of them.
        let history = [
            applied(1, &a.checksum, true),
            applied(7, "x", true),
            applied(8, "y", true),
        ];
        let codes: Vec<(u64, &str)> = check_integrity(std::slice::from_ref(&a), &history)
            .iter()
            .map(|i| (i.version, i.code()))
            .collect();
        assert_eq!(codes, [(7, "ahead"), (8, "ahead")]);
        assert_eq!(check_integrity(&[], &history).len(), 3);
    }

    #[test]
    fn secure_errors_show_no_message() {
        let mut s = Source::new(1, "x", "SELECT 1;").unwrap();
        s.secure = true;
        // Not a database error: about the connection, never the file's values.
        let e = sqlx::Error::PoolTimedOut;
        for &d in Dialect::ALL {
            assert_eq!(error_text(&s, &e, d), e.to_string());
        }
    }

    #[test]
    fn refusals_name_the_file_and_line() {
        let bad = Source::new(
            20240101000000,
            "x",
            "-- migrate:no-transactions\nSELECT 1;\0\n",
        )
        .unwrap();
        let shown: Vec<String> = admit(&[&bad], Dialect::Postgres)
            .iter()
            .map(|r| format!("[{}] {r}", r.code))
            .collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].starts_with("[nul-byte] `20240101000000_x.sql:2`"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("[bad-directive] `20240101000000_x.sql:1`"),
            "{shown:?}"
        );
        let tx = Source::new(3, "t", "SELECT 1;\nCOMMIT;").unwrap();
        let ok = Source::new(
            4,
            "o",
            "-- migrate:no-transaction\nBEGIN;\nSELECT 1;\nCOMMIT;",
        )
        .unwrap();
        let found = admit(&[&tx, &ok], Dialect::Postgres);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].code, found[0].line),
            ("transaction-control", Some(2))
        );
        assert_eq!(
            admit(&[&ok], Dialect::Sqlite).len(),
            2,
            "SQLite runs every file in a transaction"
        );
    }

    /// A directive error in a file the database applied as it is now is a warning; once the
    /// file changed, or where it is not applied, it is not tolerated.
    #[test]
    fn directive_errors_of_applied_files_are_tolerated() {
        let old = Source::new(1, "old", "-- migrate:lock_timeout 5s\nSELECT 1;\n").unwrap();
        let clean = Source::new(2, "clean", "SELECT 2;\n").unwrap();
        let sources = [old.clone(), clean.clone()];
        let found = tolerated(&sources, &[applied(1, &old.checksum, true)]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].version, found[0].code), (1, "bad-directive"));
        assert!(tolerated(&sources, &[applied(1, "edited", true)]).is_empty());
        assert!(tolerated(&sources, &[applied(1, &old.checksum, false)]).is_empty());
        assert!(tolerated(&sources, &[applied(2, &clean.checksum, true)]).is_empty());
        // Where it is still to run, the runner refuses it.
        assert_eq!(admit(&[&old], Dialect::Sqlite)[0].code, "bad-directive");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human_ms(250), "250 ms");
        assert_eq!(human_ms(12_400), "12 s");
        assert_eq!(human_ms(600_000), "10 min");
        assert_eq!(human_ms(90_000), "1 min 30 s");
        assert_eq!(human_ms(3_900_000), "1 h 5 min");
    }

    #[test]
    fn history_table_names() {
        use history::{check_table_name, table_ident};
        assert_eq!(table_ident("migrate_history"), "\"migrate_history\"");
        assert_eq!(
            table_ident("ops.migrate_history"),
            "\"ops\".\"migrate_history\""
        );
        assert_eq!(
            check_table_name(Dialect::Postgres, "ops.migrate_history"),
            None
        );
        assert!(check_table_name(Dialect::Postgres, "a.b.c").is_some());
        assert!(check_table_name(Dialect::Postgres, "ops.").is_some());
        let lite = check_table_name(Dialect::Sqlite, "ops.migrate_history").expect("refused");
        assert!(lite.contains("`ops_migrate_history`"), "{lite}");
    }
}

#[cfg(test)]
mod send_check {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    #[allow(dead_code)]
    async fn parts(
        db: &mut Connection<'_>,
        s: &Source,
        o: &Options,
        report: &mut (dyn FnMut(Event) + Send),
    ) {
        {
            let f = up(db, std::slice::from_ref(s), o, report);
            assert_send(&f);
        }
        {
            let f = status(db, std::slice::from_ref(s), o);
            assert_send(&f);
        }
        {
            let f = baseline(db, std::slice::from_ref(s), 1, o, report);
            assert_send(&f);
        }
        {
            let f = resolve(db, 1, true, o);
            assert_send(&f);
        }
        {
            let f = settle_lost(db, std::slice::from_ref(s), o, RunError::UnknownVersion(1));
            assert_send(&f);
        }
    }
}
