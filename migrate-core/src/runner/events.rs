//! What the runner reports as it works, and what a run did.

use super::*;

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
    /// The migrations reported [`Event::Applied`] from `first` to `last` were committed together,
    /// in one transaction. SQLite applies the consecutive transactional migrations of a run in one
    /// transaction, each in a savepoint of its own, and commits them when the run ends or reaches
    /// a migration that cannot join them (a batch file, a Rust data migration, a no-transaction
    /// file) or one that fails; until then, a killed process loses them all, and only them.
    /// Reported when more than one migration committed at once, or when a failure ended the group.
    Committed {
        /// The first migration committed.
        first: u64,
        /// The last migration committed.
        last: u64,
        /// How many were committed.
        count: usize,
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
    /// A family migration changed one member table (or found it changed already, when a
    /// resumed run skips it).
    FamilyMember {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// The member table.
        member: String,
        /// Members changed so far in this run, this one included.
        done: u64,
        /// Members to change in this run.
        total: u64,
    },
    /// A family migration is done: how many members it changed, and how many an earlier,
    /// interrupted run had changed already.
    FamilyDone {
        /// Its version.
        version: u64,
        /// Its name.
        name: String,
        /// Members this run changed.
        changed: u64,
        /// Members an earlier run changed (skipped now).
        skipped: u64,
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
