//! Why a run stopped, and how to fix it.

use super::*;

/// Why a run stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The history disagrees with the files; nothing ran.
    #[error("{} migration(s) disagree with the database's history; nothing was run", .0.len())]
    Integrity(Vec<Integrity>),
    /// A migration failed.
    #[error("migration {version}_{name} failed{}: {error}", line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    Failed {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// Line in the file of the failing statement, when known.
        line: Option<usize>,
        /// What the database said (only its SQLSTATE for a secure migration).
        error: String,
        /// What to do now.
        recovery: String,
    },
    /// A migration could not get its locks within the lock timeout, on any attempt.
    #[error(
        "migration {version}_{name} could not get its locks within the lock timeout after {attempts} attempts"
    )]
    LockTimeout {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// How many times it was tried.
        attempts: u32,
    },
    /// Migrations to run hold what the runner refuses; nothing ran.
    #[error("{} problem(s) in the migrations to run; nothing was run", .0.len())]
    Refused(Vec<Refusal>),
    /// An extra migration path, or a secure file in it, could not be read, or holds a file the
    /// manifest does not list.
    #[error("{}: {message}", path.display())]
    Secure {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        message: String,
    },
    /// `resolve` of a version no migration has.
    #[error("no migration has version {0}")]
    UnknownVersion(u64),
    /// `resolve` of a migration whose last run did not fail or stop part-way.
    #[error("migration {version}_{name} is not in a failed state")]
    NotFailed {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
    },
    /// Another runner held the runner lock for longer than `runner_lock_timeout`.
    #[error("{}", runner_lock_timeout_message(*.waited_ms, .holder.as_ref(), **.lock))]
    RunnerLockTimeout {
        /// How long this runner waited.
        waited_ms: u64,
        /// Who held it when this runner gave up (PostgreSQL).
        holder: Option<Holder>,
        /// Which lock it waited for, as the driver describes it.
        lock: &'static LockKind,
    },
    /// `resolve` while another runner holds the runner lock: what it would settle may be running.
    #[error(
        "another runner holds the runner lock{}: migration {version} may still be in progress, so its history was left as it is",
        holder.as_ref().map(|h| format!(" ({h})")).unwrap_or_default()
    )]
    InProgress {
        /// The version `resolve` was asked to settle.
        version: u64,
        /// Who holds the runner lock (PostgreSQL).
        holder: Option<Holder>,
    },
    /// The server ended the runner's session (`pg_terminate_backend`, a restart, a lost network)
    /// while a migration ran.
    #[error(
        "migration {version}_{name} stopped{}: the database ended this runner's session ({error})",
        line.map(|l| format!(" at line {l}")).unwrap_or_default()
    )]
    ConnectionLost {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// Line in the file of the statement that was running, when known.
        line: Option<usize>,
        /// What the database or the driver said.
        error: String,
        /// What to do now.
        recovery: String,
        /// The history still shows the run unfinished: [`settle_lost`] records the stop on a new
        /// connection.
        unrecorded: bool,
    },
    /// The history table's name is not usable (the message says why).
    #[error("{0}")]
    BadHistoryTable(String),
    /// A batch file's backfill is paused (`migrate backfill pause`): it and the migrations after
    /// it were not run.
    #[error(
        "migration {version}_{name} is a backfill that is paused: it and the migrations after it were not run"
    )]
    BackfillPaused {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
    },
    /// A batch file that cannot be walked (no key, a nullable key column, no such table, ...);
    /// nothing of it ran.
    #[error("migration {version}_{name} {message}")]
    Backfill {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// `migrate contract` of a migration that is not a contract step.
    #[error("migration {version}_{name} is not a contract step (it has no `-- migrate:contract`)")]
    NotContract {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
    },
    /// `migrate contract` while a migration before the contract step has not finished (its
    /// expand step, or a backfill still walking its table).
    #[error(
        "contract step {version}_{name} waits for {} before it: {}",
        if unfinished.len() == 1 { "a migration" } else { "migrations" },
        unfinished.iter().map(|(v, n)| format!("{v}_{n}")).collect::<Vec<_>>().join(", ")
    )]
    ContractWaits {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// `(version, name)` of each migration before it not applied yet.
        unfinished: Vec<(u64, String)>,
    },
    /// Data migrations in Rust about to run whose function the [`Migrator`] does not register:
    /// `(version, name, function)`; nothing was run.
    #[error("{}", unregistered_message(.0))]
    Unregistered(Vec<(u64, String, String)>),
    /// `migrate` reached a data migration in Rust, which only the application's [`Migrator`]
    /// can run: the migrations before it were applied, it and those after it were not.
    #[error(
        "migration {version}_{name} is a data migration in Rust (function `{function}`): `migrate` cannot run Rust \
         code, so it stopped before it; it and the migrations after it were not run"
    )]
    RustMigration {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// The function's registered name (`-- migrate:rust name=…`).
        function: String,
    },
    /// A database error outside a migration's own statements.
    #[error(transparent)]
    Db(#[from] DbError),
}

fn unregistered_message(missing: &[(u64, String, String)]) -> String {
    let list: Vec<String> = missing
        .iter()
        .map(|(v, n, f)| format!("{v}_{n} needs function `{f}`"))
        .collect();
    format!(
        "{} data migration(s) in Rust have no registered function ({}); nothing was run",
        missing.len(),
        list.join(", ")
    )
}

fn runner_lock_timeout_message(waited_ms: u64, holder: Option<&Holder>, lock: LockKind) -> String {
    let waited = human_ms(waited_ms);
    match (lock, holder) {
        (LockKind::Write { database }, _) => format!(
            "gave up after waiting {waited} for the {database} write lock (runner_lock_timeout): another \
             connection held it all that time; nothing was applied by this runner"
        ),
        (LockKind::Runner { .. }, Some(h)) => format!(
            "gave up after waiting {waited} for another runner (runner_lock_timeout): {h} still holds the \
             runner lock; nothing was applied by this runner"
        ),
        (LockKind::Runner { .. }, None) => format!(
            "gave up after waiting {waited} for another runner (runner_lock_timeout); nothing was applied by \
             this runner"
        ),
    }
}

/// `250 ms`, `12 s`, `10 min`, `1 h 5 min`.
pub fn human_ms(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{} s", ms / 1_000),
        60_000..3_600_000 if ms % 60_000 >= 1_000 => {
            format!("{} min {} s", ms / 60_000, ms % 60_000 / 1_000)
        }
        60_000..3_600_000 => format!("{} min", ms / 60_000),
        _ if ms % 3_600_000 >= 60_000 => {
            format!("{} h {} min", ms / 3_600_000, ms % 3_600_000 / 60_000)
        }
        _ => format!("{} h", ms / 3_600_000),
    }
}

impl Explain for RunError {
    fn code(&self) -> &'static str {
        match self {
            RunError::Integrity(_) => "integrity",
            RunError::Failed { .. } => "failed",
            RunError::LockTimeout { .. } => "lock-timeout",
            RunError::Refused(_) => "refused",
            RunError::Secure { .. } => "secure-unreadable",
            RunError::UnknownVersion(_) => "unknown-version",
            RunError::NotFailed { .. } => "not-failed",
            RunError::RunnerLockTimeout { .. } => "runner-lock-timeout",
            RunError::InProgress { .. } => "in-progress",
            RunError::ConnectionLost { .. } => "connection-lost",
            RunError::BadHistoryTable(_) => "bad-history-table",
            RunError::NotContract { .. } => "not-contract",
            RunError::ContractWaits { .. } => "contract-waits",
            RunError::BackfillPaused { .. } => "backfill-paused",
            RunError::Backfill { .. } => "backfill",
            RunError::Unregistered(_) => "unregistered",
            RunError::RustMigration { .. } => "rust-migration",
            RunError::Db(e) => e.code(),
        }
    }

    /// How to fix it.
    fn help(&self) -> Option<String> {
        match self {
            RunError::Failed { recovery, .. } => Some(recovery.clone()),
            RunError::LockTimeout { .. } => Some(
                "another session held a lock this migration needs; production queries were not kept waiting. \
                 Run again when the table is less busy, or raise `-- migrate:lock-timeout` for this file"
                    .into(),
            ),
            RunError::UnknownVersion(_) => Some("`migrate status` lists the versions".into()),
            RunError::Refused(r) if r.len() == 1 => Some(r[0].help.clone()),
            RunError::RunnerLockTimeout {
                lock: LockKind::Write { database },
                ..
            } => Some(format!(
                "another `migrate up`, or the application, kept writing to the database file; {database} cannot \
                 tell which process holds its lock (`fuser FILE` or `lsof FILE` lists the processes that have \
                 it open). Run `migrate up` again when it is done, or raise `runner_lock_timeout` in \
                 migrate.toml (\"0\" waits for good)"
            )),
            RunError::RunnerLockTimeout {
                holder: Some(h),
                lock: LockKind::Runner { end_session },
                ..
            } => Some(format!(
                "it may be applying a long migration: `migrate status` shows which. If it is stuck, end it \
                 with `{}` and run `migrate up` again; to wait longer, raise \
                 `runner_lock_timeout` in migrate.toml (\"0\" waits for good)",
                end_session.replace("{pid}", &h.pid.to_string())
            )),
            RunError::RunnerLockTimeout { .. } => Some(
                "run `migrate up` again; to wait longer, raise `runner_lock_timeout` in migrate.toml \
                 (\"0\" waits for good)"
                    .into(),
            ),
            RunError::InProgress { .. } => Some(
                "wait until that runner is done (`migrate status` shows a migration it runs as `running`), \
                 then look again: `migrate resolve` settles only a run that has stopped"
                    .into(),
            ),
            RunError::ConnectionLost { recovery, .. } => Some(recovery.clone()),
            RunError::BadHistoryTable(_) => {
                Some("change `history_table` in migrate.toml (or the Migrator's history table)".into())
            }
            RunError::NotContract { .. } => Some(
                "`migrate up` applies it; `migrate contract` is for the files marked `-- migrate:contract`, which `migrate status` shows as waiting".into(),
            ),
            RunError::ContractWaits { .. } => Some(
                "run `migrate up` first: it applies them (a backfill runs until it has walked its whole table) and stops before the contract step; `migrate backfill status` shows a backfill's progress".into(),
            ),
            RunError::BackfillPaused { version, .. } => Some(format!(
                "`migrate backfill resume {version}` lets it go on; then `migrate up` (or `migrate backfill run`) \
                 finishes it from where it stopped and applies what follows"
            )),
            RunError::Backfill { help, .. } => Some(help.clone()),
            RunError::Unregistered(missing) => Some(format!(
                "register each on the Migrator before `.run(…)`: `embed_migrations!()`{}",
                missing
                    .iter()
                    .map(|(_, _, f)| crate::batch::rust::registration_call(f))
                    .collect::<Vec<_>>()
                    .join("")
            )),
            RunError::RustMigration { function, .. } => Some(format!(
                "run it through your application's Migrator: `embed_migrations!(){}.run(&pool)` applies it and \
                 what follows; `migrate status` shows it pending, `migrate backfill status` its progress",
                crate::batch::rust::registration_call(function)
            )),
            RunError::Db(e) => e.help.clone(),
            _ => None,
        }
    }
}
