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

mod contract;
pub mod history;
mod lock;

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

/// A migration to run: what the files (or the binary) hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The version: the number the file name starts with.
    pub version: u64,
    /// The name: the file name after the version, without `.sql`.
    pub name: String,
    /// The SQL, without a leading BOM.
    pub content: String,
    /// The checksum of the content, as the manifest and the history record it.
    pub checksum: String,
    /// `-- migrate:no-transaction`: the file runs statement by statement, outside a transaction.
    pub no_transaction: bool,
    /// `-- migrate:contract`: the contract step of an expand/contract change, applied only on
    /// request ([`Options::contracts`]).
    pub contract: bool,
    /// The file's leading comment, the first line of it.
    pub description: String,
    /// The content comes from an environment's extra migration path: never printed.
    pub secure: bool,
    /// `-- migrate:lock-timeout`: this file's lock timeout (zero: none), instead of
    /// [`Options::lock_timeout`].
    pub lock_timeout: Option<Duration>,
    /// `-- migrate:statement-timeout`: this file's statement timeout (zero: none), instead of
    /// [`Options::statement_timeout`].
    pub statement_timeout: Option<Duration>,
    /// `-- migrate:batch`: a batched backfill, run by [`crate::batch`] one short transaction per
    /// batch instead of in one transaction.
    pub batch: Option<crate::migration::directive::BatchSpec>,
    /// `-- migrate:rust name=…`: a data migration in Rust, walked as [`Source::batch`] says, its
    /// body the function registered under this name ([`crate::batch::rust`]).
    pub rust: Option<crate::batch::DataStep>,
    /// What its text holds that the runner refuses to run (NUL bytes, directive errors): a
    /// migration the database has not applied is refused for it ([`admit`]); one it applied with
    /// this very content is only warned about ([`Event::Tolerated`]).
    pub problems: Vec<ContentProblem>,
}

/// The first line of a file's leading comment, directives skipped.
pub fn description_of(content: &str) -> String {
    crate::migration::description(content)
}

impl Source {
    /// A migration from its content; directives are read from the top of the file (with the
    /// parser the directory check uses). A NUL byte or a directive error is kept in
    /// [`Source::problems`]: the runner refuses to run such a file, and only warns about it when
    /// the database already applied it as it is.
    pub fn new(version: u64, name: &str, content: &str) -> Result<Source, RunError> {
        let content = without_bom(content);
        let (directives, problems) = content::check_text(content);
        Ok(Source {
            version,
            name: name.to_string(),
            checksum: crate::migration::checksum::file_checksum(content.as_bytes()),
            no_transaction: directives.no_transaction,
            contract: directives.contract,
            description: description_of(content),
            secure: false,
            lock_timeout: directives.lock_timeout,
            statement_timeout: directives.statement_timeout,
            batch: batch_of(&directives),
            rust: rust_of(&directives),
            problems,
            content: content.to_string(),
        })
    }

    /// The file name a refusal names.
    fn file_name(&self) -> String {
        format!("{:014}_{}.sql", self.version, self.name)
    }

    /// A migration of a directory, with the checksum, directives and problems read when the
    /// directory was opened.
    pub fn from_migration(m: &Migration) -> Result<Source, RunError> {
        Ok(Source {
            version: m.version.as_u64(),
            name: m.name.clone(),
            content: m.content.clone(),
            checksum: m.checksum.clone(),
            no_transaction: m.directives.no_transaction,
            contract: m.directives.contract,
            description: m.description(),
            secure: false,
            lock_timeout: m.directives.lock_timeout,
            statement_timeout: m.directives.statement_timeout,
            batch: batch_of(&m.directives),
            rust: rust_of(&m.directives),
            problems: m.problems.clone(),
        })
    }

    /// An embedded migration, with the checksum, `no-transaction` flag and timeouts
    /// `embed_migrations!` computed at compile time (by the parser the directory check uses).
    /// Its text is still checked for a NUL byte or a directive error, as [`Source::new`] checks
    /// it: an [`EmbeddedMigration`] may be written by hand, without the macro's checks.
    pub fn from_embedded(m: &EmbeddedMigration) -> Result<Source, RunError> {
        let content = without_bom(m.content);
        let (directives, problems) = content::check_text(content);
        Ok(Source {
            version: m.version,
            name: m.name.to_string(),
            content: content.to_string(),
            checksum: m.checksum.to_string(),
            no_transaction: m.no_transaction,
            contract: directives.contract,
            description: description_of(content),
            secure: false,
            lock_timeout: m.lock_timeout,
            statement_timeout: m.statement_timeout,
            batch: batch_of(&directives),
            rust: rust_of(&directives),
            problems,
        })
    }
}

/// The walk of a batch file, or of a data migration in Rust.
fn batch_of(
    d: &crate::migration::directive::Directives,
) -> Option<crate::migration::directive::BatchSpec> {
    d.batch
        .clone()
        .or_else(|| d.rust.as_ref().map(|r| r.batch.clone()))
}

fn rust_of(d: &crate::migration::directive::Directives) -> Option<crate::batch::DataStep> {
    d.rust
        .as_ref()
        .map(|r| crate::batch::DataStep::unregistered(&r.name))
}

fn without_bom(content: &str) -> &str {
    content.strip_prefix('\u{feff}').unwrap_or(content)
}

/// The migrations of a directory, in order, with an environment's secure content swapped in.
///
/// A migration listed in the manifest keeps its repository file as a placeholder (content for
/// development, or empty); when a file of the same name exists in one of `extra_paths`, that file's
/// content is what runs in this environment, and it is never printed: the placeholder's
/// description stands for it. An empty file there means "nothing to do in this environment".
/// Refused, before anything runs: files in `extra_paths` that the manifest does not list (anything
/// not listed is never run), and, in an environment that has `extra_paths`, a placeholder with no
/// file there — one marked `-- migrate:secure`, or one that holds no SQL — which would otherwise
/// run in its place.
pub fn sources_from_dir(
    dir: &MigrationDir,
    extra_paths: &[PathBuf],
) -> Result<Vec<Source>, RunError> {
    let mut overrides: BTreeMap<String, PathBuf> = BTreeMap::new();
    for extra in extra_paths {
        let entries = std::fs::read_dir(extra).map_err(|e| RunError::Secure {
            path: extra.clone(),
            message: format!("cannot read the extra migration path: {e}"),
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "sql") {
                let file = entry.file_name().to_string_lossy().into_owned();
                overrides.insert(file, path);
            }
        }
    }
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for m in dir.migrations() {
        let mut source = Source::from_migration(m)?;
        if let Some(path) = overrides.remove(&m.file_name()) {
            match secure_source(&source, &path) {
                Ok(secure) => source = secure,
                Err(RunError::Refused(r)) => refused.extend(r),
                Err(e) => return Err(e),
            }
        } else if !extra_paths.is_empty()
            && m.directives.rust.is_none()
            && (m.directives.secure || crate::migration::is_comment_only(&m.content))
        {
            refused.push(secure_missing(m, extra_paths));
        }
        out.push(source);
    }
    if let Some((file, path)) = overrides.into_iter().next() {
        return Err(RunError::Secure {
            path,
            message: format!(
                "`{file}` is not listed in the manifest, so it would never run; add a placeholder with \
                 `migrate new` under the same name, or remove the file"
            ),
        });
    }
    if !refused.is_empty() {
        return Err(RunError::Refused(refused));
    }
    Ok(out)
}

/// The environment's secure file in place of its placeholder, described by the placeholder.
fn secure_source(placeholder: &Source, path: &Path) -> Result<Source, RunError> {
    let content = std::fs::read_to_string(path).map_err(|e| RunError::Secure {
        path: path.to_path_buf(),
        message: format!("cannot read: {e}"),
    })?;
    let mut secure = Source::new(placeholder.version, &placeholder.name, &content)?;
    // An environment's file is read fresh on every run: it can always be fixed, so it is held to
    // the directives' rules whether or not it was applied.
    if !secure.problems.is_empty() {
        let file = path.display().to_string();
        return Err(RunError::Refused(
            secure
                .problems
                .iter()
                .map(|p| Refusal::of_content(secure.version, &secure.name, &file, p))
                .collect(),
        ));
    }
    secure.secure = true;
    // The secure file's own comments may name what it holds: only the placeholder speaks for it.
    secure.description.clone_from(&placeholder.description);
    Ok(secure)
}

/// A placeholder with no secure file in an environment that has extra migration paths.
fn secure_missing(m: &Migration, extra_paths: &[PathBuf]) -> Refusal {
    let file = m.file_name();
    let why = if m.directives.secure {
        "is marked `-- migrate:secure`"
    } else {
        "holds no SQL"
    };
    let paths = extra_paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect::<Vec<_>>()
        .join(", ");
    Refusal {
        version: m.version.as_u64(),
        name: m.name.clone(),
        file: m.path.display().to_string(),
        line: None,
        code: "secure-missing",
        message: format!(
            "is a placeholder (it {why}), and its secure file is missing from this environment's extra \
             migration paths ({paths}); the placeholder would run in its place"
        ),
        help: format!(
            "put this environment's `{file}` in {paths} (an empty file there means the migration does \
             nothing in this environment), or run without `--env` if this is not that environment"
        ),
    }
}

/// How to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The history table, optionally schema-qualified (`ops.migrate_history`).
    pub history_table: String,
    /// Longest wait for a lock, per statement; `None` or zero disables. Default 5 s.
    pub lock_timeout: Option<Duration>,
    /// Longest run of one statement; `None` or zero disables. Default 15 min.
    pub statement_timeout: Option<Duration>,
    /// Retries after a lock timeout, with backoff, before failing.
    pub lock_retries: u32,
    /// First backoff; doubled on each retry, at most 30 s.
    pub retry_backoff: Duration,
    /// Apply inside a transaction that is rolled back.
    pub dry_run: bool,
    /// Apply up to and including this version.
    pub target: Option<u64>,
    /// Recorded as who applied a migration on SQLite (PostgreSQL records `current_user`).
    pub applied_by: String,
    /// Longest wait for another runner (the runner lock); `None` or zero waits for good.
    /// Default 10 min.
    pub runner_lock_timeout: Option<Duration>,
    /// While waiting for another runner, how often to say so ([`Event::Waiting`]). Default 15 s.
    pub wait_report: Duration,
    /// Which contract steps (`-- migrate:contract`) to apply. Default: none; the run stops
    /// before the first one.
    pub contracts: Contracts,
    /// A batch file's target batch duration: its batch size adapts to it. Default 200 ms.
    pub backfill_batch_time: Duration,
    /// A batch file's pause between batches (zero: none), leaving room for other writers.
    pub backfill_pause: Duration,
    /// Between two batches of a batch file, wait while a replica lags more than this (where the
    /// database shows it); `None`: never. Default 10 s.
    pub backfill_max_lag: Option<Duration>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            history_table: Migrator::DEFAULT_HISTORY_TABLE.to_string(),
            lock_timeout: Some(Duration::from_secs(5)),
            statement_timeout: Some(Duration::from_secs(15 * 60)),
            lock_retries: 3,
            retry_backoff: Duration::from_millis(500),
            dry_run: false,
            target: None,
            applied_by: std::env::var("USER").unwrap_or_default(),
            runner_lock_timeout: Some(Duration::from_millis(DEFAULT_RUNNER_LOCK_TIMEOUT_MS)),
            wait_report: Duration::from_secs(15),
            contracts: Contracts::Hold,
            backfill_batch_time: crate::batch::DEFAULT_BATCH_TIME,
            backfill_pause: Duration::ZERO,
            backfill_max_lag: Some(crate::batch::DEFAULT_MAX_LAG),
        }
    }
}

/// How long `up` waits for another runner by default: `runner_lock_timeout = "10min"`.
pub const DEFAULT_RUNNER_LOCK_TIMEOUT_MS: u64 = 600_000;

/// What the runner is doing, for progress output and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Another runner holds the lock; this one waits. Reported when the wait starts
    /// (`waited_ms` 0), then every [`Options::wait_report`].
    Waiting {
        /// Who holds it (PostgreSQL); `None` on SQLite, which cannot tell, or when it was just
        /// released.
        holder: Option<Holder>,
        /// How long it has waited so far.
        waited_ms: u64,
        /// When the wait ends in failure (`runner_lock_timeout`); `None`: never.
        timeout_ms: Option<u64>,
        /// Which lock it waits for, as the driver describes it.
        lock: LockKind,
    },
    /// Nothing to apply.
    UpToDate,
    /// A contract step not applied: the run stopped before it.
    ContractHeld {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// What it waits for, and the command that applies it.
        waits_for: String,
    },
    /// A migration starts.
    Applying {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// The first line of its leading comment.
        description: String,
    },
    /// A lock timeout; the statement or migration is tried again after `wait_ms`.
    Retrying {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// Which retry this is, from 1.
        attempt: u32,
        /// The backoff before it, in milliseconds.
        wait_ms: u64,
    },
    /// A migration was applied and recorded.
    Applied {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// How long it ran, in milliseconds.
        ms: u64,
        /// The rows its statements affected, as the database counts them.
        rows: u64,
    },
    /// Another runner applied it while this one waited.
    AlreadyApplied {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
    },
    /// Dry run: this statement cannot run in a transaction, so it was not run. Empty for a secure
    /// migration, whose content is never shown.
    NotRun {
        /// The migration's version.
        version: u64,
        /// The migration's name.
        name: String,
        /// The statement not run.
        statement: String,
    },
    /// Dry run: what applying it did inside the rolled-back transaction.
    WouldApply {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// How long it ran, in milliseconds.
        ms: u64,
        /// The rows its statements affected, as the database counts them.
        rows: u64,
    },
    /// Dry run: a no-transaction file (its statements reported as [`Event::NotRun`]) was not
    /// applied, so what depends on it cannot be checked.
    Skipped {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
    },
    /// Dry run: it failed, but it comes after `after`, a file the dry run skipped, and may depend
    /// on it: not a verdict. `error` is what the database said (only its SQLSTATE for a secure
    /// migration).
    Unchecked {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// The skipped file it may depend on, `VERSION_NAME`.
        after: String,
        /// What the database said.
        error: String,
    },
    /// Applied in the database, newer than every migration here: a newer release applied it.
    Ahead {
        /// Its version.
        version: u64,
        /// Its name, as the history records it.
        name: String,
    },
    /// A batch of a batch file committed: how far its walk is.
    Backfill {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// Where the walk stands.
        tick: crate::batch::Tick,
    },
    /// A batch file gives way to other work between two batches: writers waited for its last
    /// batch, or a replica lags; it waits `wait_ms` before the next batch. `GiveWay::LagUnreadable`
    /// is a debug note (nothing waits).
    BackfillGivingWay {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// Why.
        reason: crate::batch::GiveWay,
        /// The pause before the next batch, in milliseconds.
        wait_ms: u64,
    },
    /// Dry run of a batch file: its rows, a timed sample of batches (rolled back), and the
    /// expected duration of the whole walk.
    BackfillEstimate {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// What the dry run measured.
        estimate: crate::batch::Estimate,
    },
    /// `migrate backfill run` ran nothing. `next`: the first batch file still to run, and the
    /// migration before it that is not applied (`version_name`; `migrate up` applies it); `None`:
    /// every batch file is finished.
    NoBackfill {
        /// `(version, name, blocking migration)`.
        next: Option<(u64, String, String)>,
    },
    /// Applied in the database with the content its file has now, and holding what the runner
    /// refuses today (e.g. a directive misspelled before directives were checked): a warning,
    /// since the file cannot change and is never run again here.
    Tolerated(Refusal),
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// `(version, name, milliseconds)` of each migration applied (or, in a dry run, tried).
    pub applied: Vec<(u64, String, u64)>,
    /// It was a dry run: nothing stayed applied.
    pub dry_run: bool,
    /// Dry run: `(version, name)` of each migration it could not check (skipped no-transaction
    /// files, and failures that may depend on them).
    pub unchecked: Vec<(u64, String)>,
}

/// Something the database's history says that the files contradict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrity {
    /// The migration's version.
    pub version: u64,
    /// The migration's name.
    pub name: String,
    /// What is wrong.
    pub kind: IntegrityKind,
}

/// What the history and the files disagree about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntegrityKind {
    /// Applied, and the file's content changed since.
    Modified,
    /// Applied, and the file is gone.
    Missing,
    /// An earlier no-transaction run failed part-way (`error` recorded), or its runner stopped
    /// before it finished (no `error`: killed, or its connection lost).
    Dirty {
        /// The error the run recorded.
        error: Option<String>,
        /// What the database shows the run left and the exact way back, when it could be read.
        advice: Option<String>,
    },
    /// Not applied, and older than the newest applied migration.
    OutOfOrder {
        /// The version of the newest applied migration.
        newest: u64,
    },
    /// Applied, with no file here, and newer than every file here: a newer release applied it
    /// (an older one starting during a rolling deploy). A note, not a refusal.
    Ahead,
}

impl Explain for Integrity {
    fn code(&self) -> &'static str {
        match self.kind {
            IntegrityKind::Modified => "modified",
            IntegrityKind::Missing => "missing",
            IntegrityKind::Dirty { .. } => "dirty",
            IntegrityKind::OutOfOrder { .. } => "out-of-order",
            IntegrityKind::Ahead => "ahead",
        }
    }

    fn help(&self) -> Option<String> {
        Some(self.fix())
    }
}

impl std::fmt::Display for Integrity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl Integrity {
    fn message(&self) -> String {
        let m = format!("{}_{}", self.version, self.name);
        match &self.kind {
            IntegrityKind::Modified => {
                format!("migration {m} was applied, and its file has changed since")
            }
            IntegrityKind::Missing => format!("migration {m} was applied, and its file is gone"),
            IntegrityKind::Dirty {
                error: Some(error), ..
            } => format!("migration {m} failed part-way in an earlier run: {error}"),
            IntegrityKind::Dirty { error: None, .. } => format!(
                "migration {m} did not finish in an earlier run: its runner stopped part-way (the process \
                 was killed, or it lost its connection) and recorded no error"
            ),
            IntegrityKind::OutOfOrder { newest } => {
                format!(
                    "migration {m} is not applied, and is older than the newest applied one ({newest})"
                )
            }
            IntegrityKind::Ahead => format!(
                "migration {m} is applied and newer than every migration here: a newer release applied it"
            ),
        }
    }

    fn fix(&self) -> String {
        let v = self.version;
        match &self.kind {
            IntegrityKind::Modified => "an applied migration is never edited: restore the file as it was applied \
                 (e.g. from git) and make the fix a new migration (`migrate new NAME`)"
                .into(),
            IntegrityKind::Missing => "restore the file from version control; applied migrations stay in the \
                 directory (and in the manifest) for good"
                .into(),
            IntegrityKind::Dirty {
                advice: Some(advice),
                ..
            } => advice.clone(),
            IntegrityKind::Dirty { error, .. } => format!(
                "{}, repair the database by hand, then run `migrate resolve {v} --rolled-back` to run the file \
                 again, or `migrate resolve {v} --applied` if you completed it by hand",
                if error.is_some() {
                    "look at what the failed statement left (the error says which line)"
                } else {
                    "look at what its statements left (no error says where it stopped)"
                }
            ),
            IntegrityKind::OutOfOrder { .. } => "it was probably merged from another branch: give it a new version \
                 (`migrate new NAME`, move its SQL there, `migrate hash`) so migrations run in one order everywhere"
                .into(),
            IntegrityKind::Ahead => "nothing to do: this release is older than the database's migrations (e.g. \
                 during a rolling deploy); the release that has the file applies what comes after it"
                .into(),
        }
    }
}

/// Something in a migration the runner refuses before any SQL runs: a NUL byte, a directive
/// error, transaction control or `COPY … FROM STDIN` where they cannot work, a missing secure file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The migration's version.
    pub version: u64,
    /// The migration's name.
    pub name: String,
    /// The file: the migration's, or the environment's secure file.
    pub file: String,
    /// The 1-based line, when it is on one.
    pub line: Option<usize>,
    /// A stable code, the same `migrate check` reports (e.g. `transaction-control`).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl Refusal {
    /// A content problem of a migration, as a refusal naming its file.
    pub fn of_content(version: u64, name: &str, file: &str, p: &ContentProblem) -> Refusal {
        Refusal {
            version,
            name: name.to_string(),
            file: file.to_string(),
            line: p.line,
            code: p.code(),
            message: p.to_string(),
            help: p.fix(),
        }
    }

    /// `file:line`, or the file alone.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }
}

/// `` `file:line` `` and what is wrong.
impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` {}", self.location(), self.message)
    }
}

impl Explain for Refusal {
    fn code(&self) -> &'static str {
        self.code
    }

    fn help(&self) -> Option<String> {
        Some(self.help.clone())
    }
}

/// The statements the runner refuses in the migrations it is about to run, on this dialect.
pub fn admit(sources: &[&Source], dialect: Dialect) -> Vec<Refusal> {
    let mut out = Vec::new();
    for s in sources {
        let file = s.file_name();
        out.extend(
            s.problems
                .iter()
                .cloned()
                .chain(content::check_statements(
                    &s.content,
                    s.no_transaction,
                    dialect,
                ))
                .map(|p| Refusal::of_content(s.version, &s.name, &file, &p)),
        );
    }
    out
}

/// The directive errors (and NUL bytes) of the migrations this database applied with the content
/// they have now: reported as [`Event::Tolerated`], never refused — the files cannot change any
/// more, and nothing runs them again here. (What [`admit`] checks in statements is only ever
/// checked before a file runs, as before.)
fn tolerated(sources: &[Source], applied: &[Applied]) -> Vec<Refusal> {
    let done: BTreeMap<u64, &Applied> = applied.iter().map(|a| (a.version, a)).collect();
    sources
        .iter()
        .filter(|s| {
            done.get(&s.version)
                .is_some_and(|a| a.success && a.checksum == s.checksum)
        })
        .flat_map(|s| {
            let file = s.file_name();
            s.problems
                .iter()
                .map(move |p| Refusal::of_content(s.version, &s.name, &file, p))
        })
        .collect()
}

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

/// Compares the history with the sources; every contradiction is reported, none is fixed.
/// [`IntegrityKind::Ahead`] entries are notes, not contradictions.
pub fn check_integrity(sources: &[Source], applied: &[Applied]) -> Vec<Integrity> {
    let mut out = Vec::new();
    let by_version: BTreeMap<u64, &Source> = sources.iter().map(|s| (s.version, s)).collect();
    let newest_local = sources.iter().map(|s| s.version).max();
    for a in applied {
        match by_version.get(&a.version) {
            _ if !a.success => out.push(Integrity {
                version: a.version,
                name: a.name.clone(),
                kind: IntegrityKind::Dirty {
                    error: a.error.clone(),
                    advice: None,
                },
            }),
            None if newest_local.is_none_or(|n| a.version > n) => out.push(Integrity {
                version: a.version,
                name: a.name.clone(),
                kind: IntegrityKind::Ahead,
            }),
            None => out.push(Integrity {
                version: a.version,
                name: a.name.clone(),
                kind: IntegrityKind::Missing,
            }),
            Some(s) if s.checksum != a.checksum => out.push(Integrity {
                version: a.version,
                name: a.name.clone(),
                kind: IntegrityKind::Modified,
            }),
            Some(_) => {}
        }
    }
    if let Some(newest) = applied.iter().map(|a| a.version).max() {
        let done: std::collections::HashSet<u64> = applied.iter().map(|a| a.version).collect();
        for s in sources
            .iter()
            .filter(|s| s.version < newest && !done.contains(&s.version))
        {
            out.push(Integrity {
                version: s.version,
                name: s.name.clone(),
                kind: IntegrityKind::OutOfOrder { newest },
            });
        }
    }
    out.sort_by_key(|i| i.version);
    out
}

/// Applies every pending migration (up to `opts.target`), in order, each once.
pub fn up<'a, 'c: 'a>(
    db: &'a mut Connection<'c>,
    sources: &'a [Source],
    opts: &'a Options,
    report: Report<'a>,
) -> BoxFuture<'a, Result<Summary, RunError>> {
    Box::pin(async move {
        if let Some(t) = opts.target
            && !sources.iter().any(|s| s.version == t)
        {
            return Err(RunError::UnknownVersion(t));
        }
        let db = db.driver();
        lock(db, opts, report).await?;
        let result = up_locked(db, sources, opts, report).await;
        db.unlock(opts).await;
        result
    })
}

async fn up_locked(
    db: &mut dyn Driver,
    sources: &[Source],
    opts: &Options,
    report: Report<'_>,
) -> Result<Summary, RunError> {
    let applied = db
        .read_history(&opts.history_table)
        .await
        .map_err(|e| db.error(e))?;
    db.history_read().await;
    let (ahead, mut problems): (Vec<Integrity>, Vec<Integrity>) =
        check_integrity(sources, &applied)
            .into_iter()
            .partition(|i| i.kind == IntegrityKind::Ahead);
    if !problems.is_empty() {
        advise_dirty(db, sources, &mut problems).await;
        return Err(RunError::Integrity(problems));
    }
    for a in ahead {
        report(Event::Ahead {
            version: a.version,
            name: a.name,
        });
    }
    for refusal in tolerated(sources, &applied) {
        report(Event::Tolerated(refusal));
    }
    let done: std::collections::HashSet<u64> = applied.iter().map(|a| a.version).collect();
    let pending: Vec<&Source> = sources
        .iter()
        .filter(|s| !done.contains(&s.version) && opts.target.is_none_or(|t| s.version <= t))
        .collect();
    let (pending, held) = contract::gate(pending, sources, &done, opts)?;
    let refused = admit(&pending, db.dialect());
    if !refused.is_empty() {
        return Err(RunError::Refused(refused));
    }
    let missing = crate::batch::rust::unregistered(&pending);
    if !missing.is_empty() {
        return Err(RunError::Unregistered(missing));
    }
    let mut summary = Summary {
        dry_run: opts.dry_run,
        ..Summary::default()
    };
    if pending.is_empty() {
        if held.is_empty() {
            report(Event::UpToDate);
        }
        held.into_iter().for_each(&mut *report);
        return Ok(summary);
    }
    if opts.dry_run {
        let summary = dry_run(db, &pending, opts, report).await;
        held.into_iter().for_each(&mut *report);
        return summary;
    }
    db.before_apply(opts).await?;
    let count = pending.len();
    for (i, s) in pending.into_iter().enumerate() {
        if let Some(e) = crate::batch::rust::needs_application(s) {
            return Err(e);
        }
        report(Event::Applying {
            version: s.version,
            name: s.name.clone(),
            description: s.description.clone(),
        });
        let outcome = match s.batch {
            Some(_) => crate::batch::apply(db, s, opts, &mut *report).await,
            None => {
                db.apply(Apply {
                    source: s,
                    opts,
                    last: i + 1 == count,
                    report: &mut *report,
                })
                .await
            }
        }
        .map_err(|e| in_migration(s, e))?;
        match outcome {
            Some((ms, rows)) => {
                report(Event::Applied {
                    version: s.version,
                    name: s.name.clone(),
                    ms,
                    rows,
                });
                summary.applied.push((s.version, s.name.clone(), ms));
            }
            None => report(Event::AlreadyApplied {
                version: s.version,
                name: s.name.clone(),
            }),
        }
    }
    held.into_iter().for_each(&mut *report);
    Ok(summary)
}

/// Names the migration in a bare database error that stopped it.
fn in_migration(s: &Source, e: RunError) -> RunError {
    match e {
        RunError::Db(d) => RunError::Failed {
            version: s.version,
            name: s.name.clone(),
            line: None,
            error: d.message,
            recovery: d.help.unwrap_or_else(|| {
                "`migrate status` shows what was applied; run `migrate up` again once the cause is fixed".into()
            }),
        },
        other => other,
    }
}

/// Gives each dirty migration of a no-transaction file the advice its database state calls for
/// (on PostgreSQL: which indexes are valid, INVALID or missing).
async fn advise_dirty(db: &mut dyn Driver, sources: &[Source], problems: &mut [Integrity]) {
    for p in problems.iter_mut() {
        let IntegrityKind::Dirty { error, advice } = &mut p.kind else {
            continue;
        };
        let Some(s) = sources.iter().find(|s| s.version == p.version) else {
            continue;
        };
        if !s.no_transaction {
            continue;
        }
        let Some(steps) = db.recovery_advice(s, None).await else {
            continue;
        };
        let what = if error.is_some() {
            ""
        } else {
            "Its runner stopped part-way without recording an error (the process was killed, or it \
             lost its connection). "
        };
        *advice = Some(format!("{what}{steps}"));
    }
}

/// A migration that failed with a database error.
pub(crate) fn failure(
    s: &Source,
    e: &sqlx::Error,
    line: Option<usize>,
    recovery: String,
    dialect: Dialect,
) -> RunError {
    RunError::Failed {
        version: s.version,
        name: s.name.clone(),
        line,
        error: error_text(s, e, dialect),
        recovery,
    }
}

/// What a database error says, with what the server adds to it (PostgreSQL's DETAIL and HINT,
/// each on a line of its own); for a secure migration only its code (SQLSTATE, SQLite result
/// code), since the server's message can echo values from the file.
pub(crate) fn error_text(s: &Source, e: &sqlx::Error, dialect: Dialect) -> String {
    let sqlx::Error::Database(d) = e else {
        return e.to_string();
    };
    if !s.secure {
        let mut text = e.to_string();
        for line in dialect.runtime().error_details(e) {
            text.push_str("\n  ");
            text.push_str(&line);
        }
        return text;
    }
    let hidden = "the database's message is not shown for a secure migration";
    match d.code() {
        Some(code) => format!("{}; {hidden}", dialect.runtime().describe_code(&code)),
        None => format!("the database refused a statement; {hidden}"),
    }
}

/// Runs a file's SQL in the caller's transaction: whole, or for a secure migration statement by
/// statement, so that a failure is known by its statement's line without the server's message.
pub(crate) async fn run_file<E: Exec + ?Sized>(c: &mut E, s: &Source) -> Result<u64, Failed> {
    let dialect = c.dialect();
    let statements = match split(&s.content, dialect) {
        Ok(st) if s.secure => st,
        _ => {
            let result = c.execute(&s.content).await;
            return result.map_err(|error| Failed {
                line: c.error_line(&error, &s.content),
                error,
            });
        }
    };
    let mut rows = 0;
    for st in &statements {
        match c.execute(&st.sql).await {
            Ok(n) => rows += n,
            Err(error) => {
                let line = c
                    .error_line(&error, &st.sql)
                    .map(|l| l + st.line - 1)
                    .unwrap_or_else(|| content::statement_line(st, dialect));
                return Err(Failed {
                    error,
                    line: Some(line),
                });
            }
        }
    }
    Ok(rows)
}

/// What to do after a transactional migration failed.
pub(crate) const TX_RECOVERY: &str = "the migration ran in one transaction, which was rolled back: the database is as it \
    was. Fix the cause; if the file itself is wrong and was never applied anywhere, fix it and run `migrate hash`";

/// After a [`RunError::ConnectionLost`] that left the history unfinished, on a new connection:
/// records the stop (only while the row is still unfinished, so nothing later is overwritten) and
/// works out the advice from what the database shows. Returns the error to report; any other
/// error comes back unchanged.
pub async fn settle_lost(
    db: &mut Connection<'_>,
    sources: &[Source],
    opts: &Options,
    err: RunError,
) -> RunError {
    let RunError::ConnectionLost {
        unrecorded: true, ..
    } = &err
    else {
        return err;
    };
    let text = err.to_string();
    let RunError::ConnectionLost {
        version,
        name,
        line,
        error,
        mut recovery,
        ..
    } = err
    else {
        return err;
    };
    let source = sources.iter().find(|s| s.version == version);
    db.driver()
        .settle_lost(source, opts, version, &text, &mut recovery)
        .await;
    RunError::ConnectionLost {
        version,
        name,
        line,
        error,
        recovery,
        unrecorded: false,
    }
}

/// Applies the pending migrations in one transaction and rolls it back.
///
/// A file that cannot run in a transaction (a PostgreSQL no-transaction file) is skipped (its
/// statements reported), and a later migration that then fails may depend on it, so its failure
/// is reported as what could not be checked, not as a verdict; the dry run goes on from before it.
async fn dry_run(
    db: &mut dyn Driver,
    pending: &[&Source],
    opts: &Options,
    report: Report<'_>,
) -> Result<Summary, RunError> {
    let mut summary = Summary {
        dry_run: true,
        ..Summary::default()
    };
    db.begin_dry_run(opts, &mut *report).await?;
    let mut result = Ok(());
    // The first file the dry run skipped: what comes after it may depend on it.
    let mut skipped: Option<String> = None;
    for s in pending {
        report(Event::Applying {
            version: s.version,
            name: s.name.clone(),
            description: s.description.clone(),
        });
        if s.rust.as_ref().is_some_and(|r| !r.registered()) {
            // `migrate` cannot run Rust code: what follows may depend on what it does.
            report(Event::Skipped {
                version: s.version,
                name: s.name.clone(),
            });
            summary.unchecked.push((s.version, s.name.clone()));
            skipped.get_or_insert_with(|| format!("{}_{}", s.version, s.name));
            continue;
        }
        if s.batch.is_some() {
            // A sample of batches, timed and undone: what follows may depend on the whole walk,
            // which the dry run did not do.
            if let Err(e) = db.dry_run_savepoint(s, opts).await {
                result = Err(db.error(e));
                break;
            }
            let sampled = crate::batch::sample(db, s, opts).await;
            if let Err(e) = db.dry_run_undo().await {
                result = Err(db.error(e));
                break;
            }
            match sampled {
                Ok(estimate) => {
                    summary
                        .applied
                        .push((s.version, s.name.clone(), estimate.sampled_ms));
                    report(Event::BackfillEstimate {
                        version: s.version,
                        name: s.name.clone(),
                        estimate,
                    });
                    skipped.get_or_insert_with(|| format!("{}_{}", s.version, s.name));
                    continue;
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if !db.runs_in_transaction(s) {
            if let Err(e) = report_not_run(s, db.dialect(), report) {
                result = Err(e);
                break;
            }
            report(Event::Skipped {
                version: s.version,
                name: s.name.clone(),
            });
            summary.unchecked.push((s.version, s.name.clone()));
            skipped.get_or_insert_with(|| format!("{}_{}", s.version, s.name));
            continue;
        }
        let start = Instant::now();
        if let Err(e) = db.dry_run_savepoint(s, opts).await {
            result = Err(db.error(e));
            break;
        }
        let rows = match db.run_file(s).await {
            Ok(n) => n,
            Err(f) => match &skipped {
                Some(after) => {
                    if let Err(e) = db.dry_run_undo().await {
                        result = Err(db.error(e));
                        break;
                    }
                    report(Event::Unchecked {
                        version: s.version,
                        name: s.name.clone(),
                        after: after.clone(),
                        error: error_text(s, &f.error, db.dialect()),
                    });
                    summary.unchecked.push((s.version, s.name.clone()));
                    continue;
                }
                None => {
                    result = Err(failure(
                        s,
                        &f.error,
                        f.line,
                        "this was a dry run: nothing was changed. Fix the migration before applying it".into(),
                        db.dialect(),
                    ));
                    break;
                }
            },
        };
        let ms = elapsed_ms(start);
        report(Event::WouldApply {
            version: s.version,
            name: s.name.clone(),
            ms,
            rows,
        });
        summary.applied.push((s.version, s.name.clone(), ms));
    }
    let rollback = db.end_dry_run().await;
    rollback.map_err(|e| db.error(e))?;
    result.map(|()| summary)
}

/// Dry run: reports each statement of a file that cannot run in its transaction as not run (none
/// for a secure one, whose content is never shown).
fn report_not_run(s: &Source, dialect: Dialect, report: Report<'_>) -> Result<(), RunError> {
    let statements = split(&s.content, dialect).map_err(|e| RunError::Failed {
        version: s.version,
        name: s.name.clone(),
        line: Some(e.line),
        error: e.message,
        recovery: "fix the file".into(),
    })?;
    for st in statements {
        report(Event::NotRun {
            version: s.version,
            name: s.name.clone(),
            statement: if s.secure { String::new() } else { st.sql },
        });
        if s.secure {
            break;
        }
    }
    Ok(())
}

/// The state of one migration, for `migrate status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Its version.
    pub version: u64,
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub state: State,
    /// The first line of its leading comment (as the history records it, once applied).
    pub description: String,
    /// When its run finished (or, unfinished, started), as the history records it; `None`: not
    /// in the history.
    pub applied_at: Option<String>,
    /// How long its run took, in milliseconds, as the history records it.
    pub execution_ms: Option<i64>,
    /// Who applied it, as the history records it.
    pub applied_by: Option<String>,
    /// The error its failed run recorded.
    pub error: Option<String>,
    /// `Running`: the runner applying it now.
    pub holder: Option<Holder>,
    /// `Running`, `Failed`, `Interrupted`: what happened and the exact next commands.
    pub help: Option<String>,
}

/// Where one migration stands, for `migrate status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Applied, with the content its file has now.
    Applied,
    /// Not applied yet.
    Pending,
    /// Applied, and the file changed since.
    Modified,
    /// Applied, and the file is gone.
    Missing,
    /// A no-transaction run failed part-way (dirty), with its error recorded.
    Failed,
    /// Applied, with no file here, and newer than every file here: a newer release applied it.
    Ahead,
    /// Being applied now: a runner holds the runner lock and applies it (PostgreSQL).
    Running,
    /// A no-transaction run whose runner stopped part-way without recording an error (the
    /// process was killed, or it lost its connection) and no runner is applying it (dirty).
    Interrupted,
}

impl State {
    /// The state as `migrate status` prints it: `applied`, `pending`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::Modified => "modified",
            State::Missing => "missing",
            State::Failed => "failed",
            State::Ahead => "ahead",
            State::Running => "running",
            State::Interrupted => "interrupted",
        }
    }
}

/// Every migration, local or recorded, with its state. Reads only.
pub async fn status(
    db: &mut Connection<'_>,
    sources: &[Source],
    opts: &Options,
) -> Result<Vec<Status>, RunError> {
    check_table(db.driver(), opts)?;
    // What a waiting contract step says of the backfills before it.
    let backfills = if sources.iter().any(|s| s.contract) {
        crate::batch::status(db, sources, opts)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let db = db.driver();
    let applied = db
        .read_history(&opts.history_table)
        .await
        .map_err(|e| db.error(e))?;
    // A runner at work right now, and the migration it says it applies.
    let holder = db.holder(opts).await?;
    let running = |version: u64| {
        holder
            .as_ref()
            .filter(|h| h.version.is_none_or(|v| v == version))
    };
    let mut out: BTreeMap<u64, Status> = BTreeMap::new();
    for s in sources {
        let now = holder.as_ref().filter(|h| h.version == Some(s.version));
        out.insert(
            s.version,
            Status {
                version: s.version,
                name: s.name.clone(),
                state: if now.is_some() {
                    State::Running
                } else {
                    State::Pending
                },
                description: s.description.clone(),
                applied_at: None,
                execution_ms: None,
                applied_by: None,
                error: None,
                holder: now.cloned(),
                help: now.map(running_help),
            },
        );
    }
    let newest_local = sources.iter().map(|s| s.version).max();
    let by_version: BTreeMap<u64, &Source> = sources.iter().map(|s| (s.version, s)).collect();
    for a in applied {
        let local = by_version.get(&a.version).copied();
        let unfinished = !a.success && a.finished_at.is_none() && a.error.is_none();
        let state = match local {
            _ if unfinished && running(a.version).is_some() => State::Running,
            _ if unfinished => State::Interrupted,
            _ if !a.success => State::Failed,
            None if newest_local.is_none_or(|n| a.version > n) => State::Ahead,
            None => State::Missing,
            Some(s) if s.checksum != a.checksum => State::Modified,
            Some(_) => State::Applied,
        };
        // A secure migration is described by its placeholder only, whatever an older run stored.
        let description = match local {
            Some(s) if s.secure => s.description.clone(),
            _ => a.description,
        };
        let holder = (state == State::Running)
            .then(|| running(a.version).cloned())
            .flatten();
        let help = match state {
            State::Running => holder.as_ref().map(running_help),
            State::Failed | State::Interrupted => {
                let mut p = [Integrity {
                    version: a.version,
                    name: a.name.clone(),
                    kind: IntegrityKind::Dirty {
                        error: a.error.clone(),
                        advice: None,
                    },
                }];
                advise_dirty(db, sources, &mut p).await;
                Some(p[0].fix())
            }
            _ => None,
        };
        out.insert(
            a.version,
            Status {
                version: a.version,
                name: a.name,
                state,
                description,
                applied_at: a.finished_at.or(Some(a.started_at)),
                execution_ms: a.execution_ms,
                applied_by: Some(a.applied_by),
                error: a.error,
                holder,
                help,
            },
        );
    }
    contract::annotate(&mut out, sources, &backfills);
    Ok(out.into_values().collect())
}

fn running_help(h: &Holder) -> String {
    format!(
        "runner {h} is applying it now; `migrate status` again shows how it ends. If it is stuck, end it with \
         `SELECT pg_terminate_backend({});`",
        h.pid
    )
}

/// Records every migration up to and including `version` as applied without running it, to
/// adopt a database that already has that schema. Returns how many were recorded.
pub async fn baseline(
    db: &mut Connection<'_>,
    sources: &[Source],
    version: u64,
    opts: &Options,
    report: Report<'_>,
) -> Result<usize, RunError> {
    if !sources.iter().any(|s| s.version == version) {
        return Err(RunError::UnknownVersion(version));
    }
    let db = db.driver();
    lock(db, opts, report).await?;
    let result = baseline_locked(db, sources, version, opts).await;
    db.end_locked_change(opts, result.is_ok()).await?;
    result
}

async fn baseline_locked(
    db: &mut dyn Driver,
    sources: &[Source],
    version: u64,
    opts: &Options,
) -> Result<usize, RunError> {
    let runtime = db.runtime();
    let create = runtime.create_history_sql(&opts.history_table);
    db.execute(&create).await.map_err(|e| db.error(e))?;
    let applied = db
        .read_history(&opts.history_table)
        .await
        .map_err(|e| db.error(e))?;
    let done: std::collections::HashSet<u64> = applied.iter().map(|a| a.version).collect();
    let mut n = 0;
    for s in sources
        .iter()
        .filter(|s| s.version <= version && !done.contains(&s.version))
    {
        let mut s = s.clone();
        s.description = format!(
            "baseline: recorded as applied without running. {}",
            s.description
        )
        .trim_end()
        .to_string();
        let sql = runtime.insert_history_sql(&HistoryRow {
            table: &opts.history_table,
            source: &s,
            success: true,
            execution_ms: None,
            applied_by: &opts.applied_by,
        });
        db.execute(&sql).await.map_err(|e| db.error(e))?;
        n += 1;
    }
    Ok(n)
}

/// Settles a failed (dirty) run: `applied = false` forgets it so the file runs again;
/// `applied = true` records it as done (completed by hand).
///
/// Under the runner lock, never waiting for it: while another runner holds it, the run to settle
/// may still be going on ([`RunError::InProgress`]), and a running `up` must never lose its
/// history row. With the lock held, an unsuccessful row is a run that has stopped.
pub async fn resolve(
    db: &mut Connection<'_>,
    version: u64,
    applied: bool,
    opts: &Options,
) -> Result<(), RunError> {
    let db = db.driver();
    check_table(db, opts)?;
    if let Err(holder) = db.lock_for_resolve(opts).await? {
        return Err(RunError::InProgress { version, holder });
    }
    let result = resolve_locked(db, version, applied, opts).await;
    db.end_locked_change(opts, result.is_ok()).await?;
    result
}

async fn resolve_locked(
    db: &mut dyn Driver,
    version: u64,
    applied: bool,
    opts: &Options,
) -> Result<(), RunError> {
    let rows = db
        .read_history(&opts.history_table)
        .await
        .map_err(|e| db.error(e))?;
    let Some(row) = rows.iter().find(|r| r.version == version) else {
        return Err(RunError::UnknownVersion(version));
    };
    if row.success {
        return Err(RunError::NotFailed {
            version,
            name: row.name.clone(),
        });
    }
    let runtime = db.runtime();
    let sql = if applied {
        runtime.mark_applied_sql(&opts.history_table, version)
    } else {
        runtime.delete_history_sql(&opts.history_table, version)
    };
    db.execute(&sql).await.map_err(|e| db.error(e))?;
    Ok(())
}

/// A database an embedded [`Migrator`] can run against: a pool of a dialect whose feature is on
/// (`sqlx::PgPool`, `sqlx::SqlitePool`; each dialect implements it in its folder).
pub trait Target: Sync {
    /// Applies `sources` on one connection of the pool.
    fn apply<'a>(
        &'a self,
        sources: &'a [Source],
        opts: &'a Options,
        report: Report<'a>,
    ) -> BoxFuture<'a, Result<Summary, RunError>>;
}

impl Migrator {
    /// The embedded migrations as runner sources.
    pub fn sources(&self) -> Result<Vec<Source>, RunError> {
        let mut sources: Vec<Source> = self
            .migrations
            .iter()
            .map(Source::from_embedded)
            .collect::<Result<_, _>>()?;
        // A Migrator can register the functions of data migrations in Rust: one it does not
        // register is an error before anything runs.
        for step in sources.iter_mut().filter_map(|s| s.rust.as_mut()) {
            step.registry = true;
        }
        Ok(sources)
    }

    /// Applies every pending migration, each once, with the default lock and statement timeouts.
    /// The error reads as the `migrate` command's (see [`crate::migrator::MigrateError`]).
    pub async fn run<T: Target>(
        &self,
        target: &T,
    ) -> Result<Summary, crate::migrator::MigrateError> {
        let opts = Options {
            history_table: self.history_table.to_string(),
            ..Options::default()
        };
        self.run_with(target, &opts, &mut |_| {})
            .await
            .map_err(Into::into)
    }

    /// [`run`](Migrator::run) with options and a progress callback.
    pub async fn run_with<T: Target>(
        &self,
        target: &T,
        opts: &Options,
        report: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Summary, RunError> {
        let sources = self.sources()?;
        target.apply(&sources, opts, report).await
    }
}

/// Why [`load_dir`] could not read a migration directory.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The directory or the manifest could not be read.
    #[error(transparent)]
    Dir(#[from] crate::migration::MigrationError),
    /// An environment's secure files could not be used in place of their placeholders.
    #[error(transparent)]
    Sources(#[from] RunError),
}

impl Explain for LoadError {
    fn code(&self) -> &'static str {
        match self {
            LoadError::Dir(e) => e.code(),
            LoadError::Sources(e) => e.code(),
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            LoadError::Dir(e) => e.help(),
            LoadError::Sources(e) => e.help(),
        }
    }
}

/// Reads a migration directory (verified against its manifest) into runner sources.
pub fn load_dir(
    path: &Path,
    extra_paths: &[PathBuf],
) -> Result<(MigrationDir, Vec<Source>), LoadError> {
    let dir = MigrationDir::open(path)?;
    let sources = sources_from_dir(&dir, extra_paths)?;
    Ok((dir, sources))
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
