//! What `up`, `status`, `baseline` and `resolve` report: the runner's events as they happen, the
//! run's end, each migration's state, and why a run stopped.

use migrate_core::Explain;
use migrate_core::redact::scrub;
use migrate_core::runner::{self, Event, Holder, Integrity, LockKind, RunError, State, Summary};
use serde::Serialize;

use super::Report;
use crate::output::Output;

/// One runner event, printed as it happens: a line for people, a JSON line (`event` names it)
/// for logs.
#[derive(Debug)]
pub struct EventLine<'a>(pub &'a Event);

/// An event for programs.
#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Shown<'a> {
    Waiting {
        waited_ms: u64,
        timeout_ms: Option<u64>,
        lock: String,
        holder: Option<HolderShown<'a>>,
        message: String,
    },
    UpToDate,
    ContractHeld {
        version: u64,
        name: &'a str,
        waits_for: &'a str,
    },
    Applying {
        version: u64,
        name: &'a str,
        description: &'a str,
    },
    Retrying {
        version: u64,
        name: &'a str,
        attempt: u32,
        wait_ms: u64,
        reason: &'static str,
    },
    Applied {
        version: u64,
        name: &'a str,
        ms: u64,
        rows: u64,
    },
    Committed {
        first: u64,
        last: u64,
        count: usize,
    },
    AlreadyApplied {
        version: u64,
        name: &'a str,
    },
    NotRun {
        version: u64,
        name: &'a str,
        statement: &'a str,
    },
    WouldApply {
        version: u64,
        name: &'a str,
        ms: u64,
        rows: u64,
    },
    Skipped {
        version: u64,
        name: &'a str,
        reason: &'static str,
    },
    Unchecked {
        version: u64,
        name: &'a str,
        depends_on: &'a str,
        error: &'a str,
    },
    Ahead {
        version: u64,
        name: &'a str,
        message: &'static str,
    },
    Warning(RefusalShown),
    FamilyMember {
        version: u64,
        name: &'a str,
        member: &'a str,
        done: u64,
        total: u64,
    },
    FamilyDone {
        version: u64,
        name: &'a str,
        changed: u64,
        skipped: u64,
    },
    Backfill(super::backfill::TickShown<'a>),
    BackfillEstimate(super::backfill::EstimateShown<'a>),
    BackfillGivingWay(super::backfill::GivingWayShown<'a>),
    NoBackfill {
        next: Option<NextShown<'a>>,
        message: String,
    },
}

/// The next batch file and the migration it waits for.
#[derive(Debug, Serialize)]
struct NextShown<'a> {
    version: u64,
    name: &'a str,
    after: &'a str,
}

/// Something the runner refuses in a file, for programs: `{"code", "version", "file", "line",
/// "message", "help"}`.
#[derive(Debug, Serialize)]
struct RefusalShown {
    code: &'static str,
    version: u64,
    file: String,
    line: Option<usize>,
    message: String,
    help: String,
    #[serde(skip)]
    shown: String,
}

impl RefusalShown {
    fn of(r: &runner::Refusal) -> RefusalShown {
        RefusalShown {
            code: r.code,
            version: r.version,
            file: r.file.clone(),
            line: r.line,
            message: r.to_string(),
            help: r.help.clone(),
            shown: format!("[{}] {r}", r.code),
        }
    }
}

/// Why a problem of a migration the database applied is only a warning.
const TOLERATED: &str = "this database applied the file as it is now, so it is not run again here, and it \
    cannot be edited; on a database that has not applied it, `migrate up` refuses to run it";

/// The session holding the runner lock, for programs.
#[derive(Debug, Serialize)]
struct HolderShown<'a> {
    pid: i32,
    migration: Option<&'a str>,
    query: &'a str,
    active: bool,
    since: &'a str,
}

impl<'a> HolderShown<'a> {
    fn of(h: &'a Holder) -> HolderShown<'a> {
        HolderShown {
            pid: h.pid,
            migration: h.migration.as_deref(),
            query: &h.query,
            active: h.active,
            since: &h.since,
        }
    }
}

impl Serialize for EventLine<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shown = match self.0 {
            Event::Waiting {
                holder,
                waited_ms,
                timeout_ms,
                lock,
            } => Shown::Waiting {
                waited_ms: *waited_ms,
                timeout_ms: *timeout_ms,
                lock: lock.id(),
                holder: holder.as_ref().map(HolderShown::of),
                message: waiting_text(holder.as_ref(), *waited_ms, *timeout_ms, *lock),
            },
            Event::UpToDate => Shown::UpToDate,
            Event::ContractHeld {
                version,
                name,
                waits_for,
            } => Shown::ContractHeld {
                version: *version,
                name,
                waits_for,
            },
            Event::Applying {
                version,
                name,
                description,
            } => Shown::Applying {
                version: *version,
                name,
                description,
            },
            Event::Retrying {
                version,
                name,
                attempt,
                wait_ms,
            } => Shown::Retrying {
                version: *version,
                name,
                attempt: *attempt,
                wait_ms: *wait_ms,
                reason: "lock timeout",
            },
            Event::Applied {
                version,
                name,
                ms,
                rows,
            } => Shown::Applied {
                version: *version,
                name,
                ms: *ms,
                rows: *rows,
            },
            Event::Committed { first, last, count } => Shown::Committed {
                first: *first,
                last: *last,
                count: *count,
            },
            Event::AlreadyApplied { version, name } => Shown::AlreadyApplied {
                version: *version,
                name,
            },
            Event::NotRun {
                version,
                name,
                statement,
            } => Shown::NotRun {
                version: *version,
                name,
                statement,
            },
            Event::WouldApply {
                version,
                name,
                ms,
                rows,
            } => Shown::WouldApply {
                version: *version,
                name,
                ms: *ms,
                rows: *rows,
            },
            Event::Skipped { version, name } => Shown::Skipped {
                version: *version,
                name,
                reason: "runs outside a transaction: a dry run cannot apply it",
            },
            Event::Unchecked {
                version,
                name,
                after,
                error,
            } => Shown::Unchecked {
                version: *version,
                name,
                depends_on: after,
                error,
            },
            Event::Ahead { version, name } => Shown::Ahead {
                version: *version,
                name,
                message: "applied by a newer release: newer than every migration here",
            },
            Event::Tolerated(r) => Shown::Warning(RefusalShown::of(r)),
            Event::FamilyMember {
                version,
                name,
                member,
                done,
                total,
            } => Shown::FamilyMember {
                version: *version,
                name,
                member,
                done: *done,
                total: *total,
            },
            Event::FamilyDone {
                version,
                name,
                changed,
                skipped,
            } => Shown::FamilyDone {
                version: *version,
                name,
                changed: *changed,
                skipped: *skipped,
            },
            Event::Backfill {
                version,
                name,
                tick,
            } => Shown::Backfill(super::backfill::TickShown::of(*version, name, tick)),
            Event::BackfillEstimate {
                version,
                name,
                estimate,
            } => Shown::BackfillEstimate(super::backfill::EstimateShown::of(
                *version, name, estimate,
            )),
            Event::BackfillGivingWay {
                version,
                name,
                reason,
                wait_ms,
            } => Shown::BackfillGivingWay(super::backfill::GivingWayShown::of(
                *version, name, reason, *wait_ms,
            )),
            Event::NoBackfill { next } => Shown::NoBackfill {
                next: next.as_ref().map(|(version, name, after)| NextShown {
                    version: *version,
                    name,
                    after,
                }),
                message: super::backfill::no_backfill_text(next.as_ref()),
            },
        };
        shown.serialize(serializer)
    }
}

impl Report for EventLine<'_> {
    fn text(&self, _: &Output) {
        for (stream, line) in self.lines() {
            match stream {
                Stream::Out => println!("{line}"),
                Stream::Err => eprintln!("{line}"),
            }
        }
    }
}

/// Where a line of text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Results and progress: stdout.
    Out,
    /// Waits, warnings and notes: stderr.
    Err,
}

impl EventLine<'_> {
    /// The event as people read it: its lines, each with the stream it goes to (none for a
    /// debug note only the JSON lines carry).
    pub fn lines(&self) -> Vec<(Stream, String)> {
        let out = |line: String| vec![(Stream::Out, line)];
        let err = |line: String| vec![(Stream::Err, line)];
        match self.0 {
            Event::Waiting {
                holder,
                waited_ms,
                timeout_ms,
                lock,
            } => err(waiting_text(
                holder.as_ref(),
                *waited_ms,
                *timeout_ms,
                *lock,
            )),
            Event::UpToDate => out("up to date: no pending migrations".into()),
            Event::ContractHeld {
                version,
                name,
                waits_for,
            } => out(format!(
                "not applied: contract step {version}_{name} {waits_for}"
            )),
            Event::Applying {
                version,
                name,
                description,
            } => {
                let mut lines = if description.is_empty() {
                    out(format!("applying {version}_{name}"))
                } else {
                    out(format!("applying {version}_{name} — {description}"))
                };
                if crate::commands::new::is_placeholder(description) {
                    lines.push((
                        Stream::Err,
                        crate::commands::new::placeholder_warning(&format!(
                            "{version}_{name}.sql"
                        )),
                    ));
                }
                lines
            }
            Event::Retrying {
                version,
                name,
                attempt,
                wait_ms,
            } => err(format!(
                "{version}_{name}: gave up waiting for a lock (lock timeout); retry {attempt} in {wait_ms} ms"
            )),
            Event::Applied {
                version, name, ms, ..
            } => out(format!("applied  {version}_{name} in {ms} ms")),
            Event::Committed { first, last, count } => out(if *count == 1 {
                format!("committed {first}")
            } else {
                format!("committed {count} migrations, {first} to {last}, in one transaction")
            }),
            Event::AlreadyApplied { version, name } => out(format!(
                "skipped  {version}_{name}: another runner applied it"
            )),
            Event::NotRun { statement, .. } if statement.is_empty() => out(
                "  not run in a dry run (outside a transaction): <secure migration, content hidden>"
                    .into(),
            ),
            Event::NotRun { statement, .. } => out(format!(
                "  not run in a dry run (it cannot run in a transaction): {statement}"
            )),
            Event::WouldApply {
                version,
                name,
                ms,
                rows,
            } => out(format!(
                "would apply {version}_{name}: {ms} ms, {rows} row(s) affected (rolled back)"
            )),
            Event::Skipped { version, name } => out(format!(
                "skipped  {version}_{name}: it runs outside a transaction, so a dry run cannot apply it; what \
                 depends on it cannot be checked"
            )),
            Event::Unchecked {
                version,
                name,
                after,
                error,
            } => out(format!(
                "could not check {version}_{name}: it failed in the dry run, but it may depend on {after}, \
                 which the dry run did not apply ({error})"
            )),
            Event::Ahead { version, name } => err(format!(
                "note: {version}_{name} is ahead: a newer release applied it, and no migration here is newer; \
                 nothing to do"
            )),
            Event::Tolerated(r) => err(warning_text(r)),
            Event::FamilyMember {
                version,
                name,
                member,
                done,
                total,
            } => out(format!(
                "  {version}_{name}: member {} changed ({done}/{total})",
                migrate_core::sql::printable(member)
            )),
            Event::FamilyDone {
                version,
                name,
                changed,
                skipped,
            } => {
                let skipped = if *skipped > 0 {
                    format!(" ({skipped} changed by an earlier run, skipped)")
                } else {
                    String::new()
                };
                out(format!(
                    "  {version}_{name}: {changed} member tables changed{skipped}"
                ))
            }
            Event::Backfill {
                version,
                name,
                tick,
            } => out(super::backfill::tick_line(*version, name, tick)),
            Event::BackfillEstimate {
                version,
                name,
                estimate,
            } => out(super::backfill::estimate_text(*version, name, estimate)),
            Event::NoBackfill { next } => out(super::backfill::no_backfill_text(next.as_ref())),
            // A debug note: only the JSON lines carry it.
            Event::BackfillGivingWay {
                reason: migrate_core::batch::GiveWay::LagUnreadable { .. },
                ..
            } => Vec::new(),
            Event::BackfillGivingWay {
                version,
                name,
                reason,
                wait_ms,
            } => err(super::backfill::giving_way_text(
                *version, name, reason, *wait_ms,
            )),
        }
    }
}

/// `warning: [code] `file:line` message` and why it is only a warning.
fn warning_text(r: &runner::Refusal) -> String {
    format!("warning: [{}] {r}\n  = note: {TOLERATED}", r.code)
}

/// What a waiting runner says: when it starts to wait, then every few seconds.
fn waiting_text(
    holder: Option<&Holder>,
    waited_ms: u64,
    timeout_ms: Option<u64>,
    lock: LockKind,
) -> String {
    let limit = timeout_ms.map_or_else(
        || "no limit (runner_lock_timeout = \"0\")".to_string(),
        |t| format!("up to {} (runner_lock_timeout)", runner::human_ms(t)),
    );
    let waited = runner::human_ms(waited_ms);
    match (lock, holder, waited_ms) {
        (LockKind::Write { database }, _, 0) => format!(
            "waiting for the {database} write lock: another connection holds it (another `migrate up`, or the \
             application writing; {database} cannot tell which process); waiting {limit}"
        ),
        (LockKind::Write { database }, _, _) => format!(
            "still waiting for the {database} write lock, held by a process {database} cannot name ({waited} so far, {limit})"
        ),
        (LockKind::Runner { .. }, Some(h), 0) => {
            format!("waiting for another runner: {h} holds the runner lock; waiting {limit}")
        }
        (LockKind::Runner { .. }, Some(h), _) => {
            format!("still waiting for {h} ({waited} so far, {limit})")
        }
        (LockKind::Runner { .. }, None, 0) => {
            format!("waiting for another runner to release the runner lock; waiting {limit}")
        }
        (LockKind::Runner { .. }, None, _) => {
            format!("still waiting for another runner ({waited} so far, {limit})")
        }
    }
}

/// The end of `up`: `{"event": "done", "ok": true, "applied": n, "dry_run": ..., "unchecked": n}`.
#[derive(Debug, Serialize)]
pub struct Done {
    event: &'static str,
    ok: bool,
    applied: usize,
    dry_run: bool,
    unchecked: usize,
}

impl Done {
    pub fn of(summary: &Summary) -> Done {
        Done {
            event: "done",
            ok: true,
            applied: summary.applied.len(),
            dry_run: summary.dry_run,
            unchecked: summary.unchecked.len(),
        }
    }
}

impl Report for Done {
    fn text(&self, _: &Output) {
        let n = self.applied;
        if self.dry_run && self.unchecked > 0 {
            println!(
                "dry run: {n} migration(s) would apply, {} could not be checked (see above); the database \
                 is unchanged",
                self.unchecked
            );
        } else if self.dry_run && n > 0 {
            println!("dry run: {n} migration(s) would apply; the database is unchanged");
        } else if n > 0 {
            println!("done: {n} migration(s) applied");
        }
    }
}

/// The history disagrees with the files, so nothing ran: `{"event": "refused", "ok": false,
/// "problems": [...]}`.
#[derive(Debug, Serialize)]
pub struct Disagrees {
    event: &'static str,
    ok: bool,
    problems: Vec<IntegrityShown>,
    /// The whole error, for people.
    #[serde(skip)]
    summary: String,
}

#[derive(Debug, Serialize)]
struct IntegrityShown {
    code: &'static str,
    version: u64,
    name: String,
    message: String,
    help: Option<String>,
}

impl Disagrees {
    /// The problems, with any password of `url` removed from their messages.
    pub fn new(problems: &[Integrity], e: &RunError, url: &str) -> Disagrees {
        Disagrees {
            event: "refused",
            ok: false,
            problems: problems
                .iter()
                .map(|p| IntegrityShown {
                    code: p.code(),
                    version: p.version,
                    name: p.name.clone(),
                    message: scrub(&p.to_string(), url),
                    help: p.help(),
                })
                .collect(),
            summary: e.to_string(),
        }
    }
}

impl Report for Disagrees {
    fn text(&self, out: &Output) {
        for p in &self.problems {
            out.error_text(&format!("[{}] {}", p.code, p.message), p.help.as_deref());
        }
        eprintln!("{}", self.summary);
    }
}

/// A run that failed: `{"event": "failed", "ok": false, "error": ..., "help": ...}`.
#[derive(Debug, Serialize)]
pub struct Failed {
    event: &'static str,
    ok: bool,
    error: String,
    help: Option<String>,
}

impl Failed {
    /// The error, with any password of `url` removed.
    pub fn new(e: &RunError, url: &str) -> Failed {
        Failed {
            event: "failed",
            ok: false,
            error: scrub(&e.to_string(), url),
            help: e.help(),
        }
    }
}

impl Report for Failed {
    fn text(&self, out: &Output) {
        out.error_text(&self.error, self.help.as_deref());
    }
}

/// Every migration's state, and the drift once all are applied: `{"ok": ..., "migrations":
/// [...], "drift": [...] or null}`.
#[derive(Debug, Serialize)]
pub struct StatusReport<'a> {
    ok: bool,
    migrations: Vec<StatusRow<'a>>,
    drift: Option<&'a [String]>,
    /// What the runner refuses in the files this database applied as they are: warnings.
    warnings: Vec<RefusalShown>,
    /// What it refuses in the files still to run: `migrate up` stops there.
    refused: Vec<RefusalShown>,
    /// Each table family of the snapshot: its members, and which lack the template's shape.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    families: Vec<FamilyShown>,
    #[serde(skip)]
    url: &'a str,
}

/// One family of [`StatusReport`].
#[derive(Debug, Serialize)]
pub struct FamilyShown {
    /// The family.
    pub name: String,
    /// The member pattern.
    pub pattern: String,
    /// Every member, with the template's columns it lacks and the columns it has beyond them.
    pub members: Vec<migrate_core::family::run::Member>,
}

/// One migration of [`StatusReport`].
#[derive(Debug, Serialize)]
struct StatusRow<'a> {
    version: u64,
    name: &'a str,
    state: &'static str,
    applied_at: Option<&'a str>,
    duration_ms: Option<i64>,
    applied_by: Option<&'a str>,
    description: &'a str,
    error: Option<&'a str>,
    runner_pid: Option<i32>,
    help: Option<&'a str>,
    #[serde(skip)]
    is: State,
}

impl<'a> StatusReport<'a> {
    /// The rows, the drift when it was checked, and the URL whose password errors must not show.
    pub fn new(
        rows: &'a [runner::Status],
        drift: Option<&'a [String]>,
        url: &'a str,
    ) -> StatusReport<'a> {
        let migrations: Vec<StatusRow<'a>> = rows
            .iter()
            .map(|r| StatusRow {
                version: r.version,
                name: &r.name,
                state: r.state.as_str(),
                applied_at: r.applied_at.as_deref(),
                duration_ms: r.execution_ms,
                applied_by: r.applied_by.as_deref(),
                description: &r.description,
                error: r.error.as_deref(),
                runner_pid: r.holder.as_ref().map(|h| h.pid),
                help: r.help.as_deref(),
                is: r.state,
            })
            .collect();
        let mut report = StatusReport {
            ok: true,
            migrations,
            drift,
            warnings: Vec::new(),
            refused: Vec::new(),
            families: Vec::new(),
            url,
        };
        report.ok = report.problems() == 0 && !report.drifted();
        report
    }

    /// With the table families and their members.
    pub fn with_families(mut self, families: Vec<FamilyShown>) -> StatusReport<'a> {
        self.families = families;
        self
    }

    /// With what the runner refuses in the files (see `MigrationDir::with_baseline`): a warning
    /// for a migration this database applied as it is, a problem for one still to run.
    pub fn with_content_problems(mut self, sources: &[runner::Source]) -> StatusReport<'a> {
        for row in &self.migrations {
            let Some(s) = sources.iter().find(|s| s.version == row.version) else {
                continue;
            };
            let file = format!("{:014}_{}.sql", s.version, s.name);
            for p in &s.problems {
                let r =
                    RefusalShown::of(&runner::Refusal::of_content(s.version, &s.name, &file, p));
                match row.is {
                    State::Applied => self.warnings.push(r),
                    State::Pending => self.refused.push(r),
                    // Running, failed, modified...: reported as such.
                    _ => {}
                }
            }
        }
        self.ok = self.problems() == 0 && !self.drifted();
        self
    }

    fn count(&self, states: &[State]) -> usize {
        self.migrations
            .iter()
            .filter(|r| states.contains(&r.is))
            .count()
    }

    /// Modified, missing, failed or interrupted migrations (running is on its way, like pending;
    /// ahead is a newer release's).
    pub fn problems(&self) -> usize {
        self.migrations.len()
            - self.count(&[State::Applied, State::Pending, State::Running, State::Ahead])
            + self.refused.len()
    }

    pub fn drifted(&self) -> bool {
        self.drift.is_some_and(|d| !d.is_empty())
    }
}

/// How a state is coloured in `status`.
fn tone(state: &str) -> crate::output::Tone {
    use crate::output::Tone;
    match state {
        "applied" => Tone::Good,
        "pending" => Tone::Waiting,
        "running" => Tone::Busy,
        "ahead" => Tone::Quiet,
        _ => Tone::Bad,
    }
}

impl Report for StatusReport<'_> {
    fn text(&self, out: &Output) {
        println!(
            "{:<14}  {:<11}  {:<24}  {:>9}  NAME",
            "VERSION", "STATE", "APPLIED AT", "DURATION"
        );
        for r in &self.migrations {
            // Padded, then coloured: the escape codes take no column.
            println!(
                "{:<14}  {}  {:<24}  {:>9}  {}",
                r.version,
                out.paint(&format!("{:<11}", r.state), tone(r.state)),
                r.applied_at.unwrap_or("-"),
                r.duration_ms
                    .map_or_else(|| "-".to_string(), |ms| format!("{ms} ms")),
                r.name
            );
        }
        for r in self.migrations.iter().filter(|r| r.help.is_some()) {
            println!(
                "\n{}_{} is {}:",
                r.version,
                r.name,
                out.paint(r.state, tone(r.state))
            );
            if let Some(error) = r.error {
                println!("  error: {}", scrub(error, self.url));
            }
            if let Some(help) = r.help {
                println!("  help: {help}");
            }
        }
        for w in &self.warnings {
            eprintln!("warning: {}\n  = note: {TOLERATED}", w.shown);
        }
        for r in &self.refused {
            eprintln!(
                "error: {} (`migrate up` refuses to run it)\n  = help: {}",
                r.shown, r.help
            );
        }
        let pending = self.count(&[State::Pending, State::Running]);
        let running = self.count(&[State::Running]);
        let ahead = self.count(&[State::Ahead]);
        let stopped = self.count(&[State::Failed, State::Interrupted]) > 0;
        println!(
            "\n{} migration(s): {} pending, {running} running, {} with problems",
            self.migrations.len(),
            pending - running,
            self.problems()
        );
        if ahead > 0 {
            println!(
                "{ahead} ahead: applied by a newer release, newer than every migration here (nothing to do)"
            );
        }
        match self.drift {
            None if pending > 0 => println!("drift: not checked while migrations are pending"),
            None if stopped => {
                println!("drift: not checked while a migration is failed or interrupted")
            }
            None if ahead > 0 => {
                println!("drift: not checked: the database has migrations newer than these files")
            }
            None => {}
            Some([]) => println!("drift: none; the database matches the migrations"),
            Some(lines) => {
                println!("drift: the database differs from what the migrations produce:");
                for line in lines {
                    println!("  - {line}");
                }
                println!(
                    "  (changed by hand since the migrations ran: undo it by hand, or keep it by writing a migration \
                     (`migrate new`) or declaring it and running `migrate generate`, so that every database gets it)"
                );
            }
        }
        for f in &self.families {
            let lacking: Vec<&migrate_core::family::run::Member> =
                f.members.iter().filter(|m| !m.current()).collect();
            let n = f.members.len();
            if lacking.is_empty() {
                println!(
                    "family {}: {n} members, all at the template's shape",
                    migrate_core::sql::printable(&f.name)
                );
                continue;
            }
            let names: Vec<String> = lacking
                .iter()
                .take(10)
                .map(|m| migrate_core::sql::printable(&m.table).into_owned())
                .collect();
            let more = if lacking.len() > 10 {
                format!(" and {} more", lacking.len() - 10)
            } else {
                String::new()
            };
            println!(
                "family {}: {n} members, {} {} the template's shape: {}{more}",
                migrate_core::sql::printable(&f.name),
                lacking.len(),
                if lacking.len() == 1 { "lacks" } else { "lack" },
                names.join(", ")
            );
            for m in lacking.iter().take(10) {
                let mut what = Vec::new();
                if !m.missing.is_empty() {
                    what.push(format!("lacks {}", m.missing.join(", ")));
                }
                if !m.extra.is_empty() {
                    what.push(format!("has undeclared {}", m.extra.join(", ")));
                }
                println!(
                    "  - {}: {}",
                    migrate_core::sql::printable(&m.table),
                    what.join("; ")
                );
            }
        }
    }
}

/// `baseline`: `{"ok": true, "recorded": n}`.
#[derive(Debug, Serialize)]
pub struct Recorded {
    ok: bool,
    recorded: usize,
    #[serde(skip)]
    up_to: u64,
}

impl Recorded {
    pub fn new(recorded: usize, up_to: u64) -> Recorded {
        Recorded {
            ok: true,
            recorded,
            up_to,
        }
    }
}

impl Report for Recorded {
    fn text(&self, _: &Output) {
        println!(
            "recorded {} migration(s) up to {} as applied, without running them",
            self.recorded, self.up_to
        );
    }
}

/// `resolve`: `{"ok": true, "version": v, "applied": ...}`.
#[derive(Debug, Serialize)]
pub struct Resolved {
    ok: bool,
    version: u64,
    applied: bool,
}

impl Resolved {
    pub fn new(version: u64, applied: bool) -> Resolved {
        Resolved {
            ok: true,
            version,
            applied,
        }
    }
}

impl Report for Resolved {
    fn text(&self, _: &Output) {
        let what = if self.applied {
            "recorded as applied"
        } else {
            "forgotten; `migrate up` runs it again"
        };
        println!("{}: {what}", self.version);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::to_json;

    /// The events the goldens cannot provoke (waits, retries, dry-run skips), as logs read them.
    #[test]
    fn events_keep_their_json() {
        let holder = Holder {
            pid: 42,
            version: Some(20240101000000),
            migration: Some("20240101000000_pets".into()),
            query: "CREATE INDEX".into(),
            active: true,
            since: "2026-01-01T00:00:00Z".into(),
        };
        let name = || "pets".to_string();
        let cases = [
            (
                Event::Waiting {
                    holder: Some(holder),
                    waited_ms: 0,
                    timeout_ms: Some(600_000),
                    lock: LockKind::Runner {
                        end_session: "SELECT pg_terminate_backend({pid});",
                    },
                },
                r#"{"event":"waiting","holder":{"active":true,"migration":"20240101000000_pets","pid":42,"query":"CREATE INDEX","since":"2026-01-01T00:00:00Z"},"lock":"runner lock","message":"waiting for another runner: PID 42 (applying 20240101000000_pets, running `CREATE INDEX` since 2026-01-01T00:00:00Z) holds the runner lock; waiting up to 10 min (runner_lock_timeout)","timeout_ms":600000,"waited_ms":0}"#,
            ),
            (
                Event::Waiting {
                    holder: None,
                    waited_ms: 15_000,
                    timeout_ms: None,
                    lock: LockKind::Write { database: "SQLite" },
                },
                r#"{"event":"waiting","holder":null,"lock":"sqlite write lock","message":"still waiting for the SQLite write lock, held by a process SQLite cannot name (15 s so far, no limit (runner_lock_timeout = \"0\"))","timeout_ms":null,"waited_ms":15000}"#,
            ),
            (
                Event::Retrying {
                    version: 1,
                    name: name(),
                    attempt: 2,
                    wait_ms: 1000,
                },
                r#"{"attempt":2,"event":"retrying","name":"pets","reason":"lock timeout","version":1,"wait_ms":1000}"#,
            ),
            (
                Event::AlreadyApplied {
                    version: 1,
                    name: name(),
                },
                r#"{"event":"already_applied","name":"pets","version":1}"#,
            ),
            (
                Event::NotRun {
                    version: 1,
                    name: name(),
                    statement: "CREATE INDEX CONCURRENTLY x ON t (a)".into(),
                },
                r#"{"event":"not_run","name":"pets","statement":"CREATE INDEX CONCURRENTLY x ON t (a)","version":1}"#,
            ),
            (
                Event::Skipped {
                    version: 1,
                    name: name(),
                },
                r#"{"event":"skipped","name":"pets","reason":"runs outside a transaction: a dry run cannot apply it","version":1}"#,
            ),
            (
                Event::Unchecked {
                    version: 2,
                    name: name(),
                    after: "1_index".into(),
                    error: "relation does not exist".into(),
                },
                r#"{"depends_on":"1_index","error":"relation does not exist","event":"unchecked","name":"pets","version":2}"#,
            ),
            (
                Event::Ahead {
                    version: 3,
                    name: name(),
                },
                r#"{"event":"ahead","message":"applied by a newer release: newer than every migration here","name":"pets","version":3}"#,
            ),
        ];
        for (event, json) in cases {
            assert_eq!(to_json(&EventLine(&event)), json);
        }
    }
}
