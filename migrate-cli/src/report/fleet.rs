//! What `up` and `status` report on a fleet: each target's progress, prefixed by its label (its
//! URL without the password), each target's outcome, and the summary table.
//!
//! For programs every line is JSON: the runner's events with a `target` key, a `target_done` (or
//! `target_status`) line as each target ends, and a `fleet_done` (or `fleet_status`) object with
//! every target's row last.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use migrate_core::runner::Event;
use serde::Serialize;

use super::Report;
use super::run::{EventLine, Stream};
use crate::commands::Exit;
use crate::output::{Output, Tone};

/// How often a target's backfill progress is printed for people (JSON gets every tick).
const TICK_EVERY: Duration = Duration::from_secs(5);

/// One target's progress lines, prefixed by its label.
#[derive(Debug)]
pub struct TargetLog<'o> {
    out: &'o Output,
    label: &'o str,
    last_tick: Option<Instant>,
}

impl<'o> TargetLog<'o> {
    pub fn new(out: &'o Output, label: &'o str) -> TargetLog<'o> {
        TargetLog {
            out,
            label,
            last_tick: None,
        }
    }

    /// One runner event of this target.
    pub fn event(&mut self, e: &Event) {
        if self.out.json() {
            println!("{}", with_target(&EventLine(e), self.label));
            return;
        }
        if let Event::Backfill { tick, .. } = e {
            if !tick.finished && self.last_tick.is_some_and(|t| t.elapsed() < TICK_EVERY) {
                return;
            }
            self.last_tick = Some(Instant::now());
        }
        for (stream, line) in EventLine(e).lines() {
            self.line(stream, &line);
        }
    }

    /// A line for people, each of its lines prefixed.
    pub fn line(&self, stream: Stream, text: &str) {
        let prefix = self.out.paint(&format!("[{}]", self.label), Tone::Quiet);
        for line in text.lines() {
            match stream {
                Stream::Out => println!("{prefix} {line}"),
                Stream::Err => eprintln!("{prefix} {line}"),
            }
        }
    }
}

/// A report as a JSON line with `"target": label` added.
pub fn with_target(report: &impl Serialize, label: &str) -> String {
    match serde_json::to_value(report) {
        Ok(serde_json::Value::Object(mut map)) => {
            map.insert("target".into(), label.into());
            serde_json::Value::Object(map).to_string()
        }
        _ => super::to_json(report),
    }
}

/// How one target of `up` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpState {
    /// Migrations were applied.
    Applied,
    /// Nothing was pending (a rerun finds the targets that were done so).
    UpToDate,
    /// A dry run: what would apply was checked and rolled back.
    Checked,
    /// A migration failed, or the history disagrees with the files: exit 1 for this target.
    Failed,
    /// It could not be reached: exit 2 for this target.
    Unreachable,
    /// A paused backfill or a data migration in Rust is next: exit 3 for this target.
    Paused,
    /// `--fail-fast` stopped the run before this target started.
    NotStarted,
}

impl UpState {
    pub fn as_str(self) -> &'static str {
        match self {
            UpState::Applied => "applied",
            UpState::UpToDate => "up-to-date",
            UpState::Checked => "checked",
            UpState::Failed => "failed",
            UpState::Unreachable => "unreachable",
            UpState::Paused => "paused",
            UpState::NotStarted => "not-started",
        }
    }

    fn tone(self) -> Tone {
        match self {
            UpState::Applied | UpState::UpToDate | UpState::Checked => Tone::Good,
            UpState::Paused | UpState::NotStarted => Tone::Waiting,
            UpState::Failed | UpState::Unreachable => Tone::Bad,
        }
    }

    /// This target's exit code, as `migrate up` on it alone would give.
    pub fn exit(self) -> Exit {
        match self {
            UpState::Applied | UpState::UpToDate | UpState::Checked => Exit::Ok,
            UpState::Failed => Exit::Found,
            UpState::Unreachable => Exit::Usage,
            UpState::Paused => Exit::Paused,
            // Not run because another target failed, which sets the fleet's code.
            UpState::NotStarted => Exit::Ok,
        }
    }
}

/// One target's row of the summary; also its `target_done` JSON line.
#[derive(Debug, Clone, Serialize)]
pub struct TargetDone {
    pub target: String,
    #[serde(serialize_with = "as_str")]
    pub state: UpState,
    /// Migrations applied (in a dry run: checked).
    pub applied: usize,
    pub duration_ms: u64,
    pub error: Option<String>,
    pub help: Option<String>,
    /// What `migrate up` on this target alone would exit with.
    pub exit: u8,
    /// Why it failed, line by line (integrity problems, refusals), for people and programs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

fn as_str<S: serde::Serializer>(state: &UpState, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(state.as_str())
}

impl TargetDone {
    pub fn new(target: &str, state: UpState, started: Option<Instant>) -> TargetDone {
        TargetDone {
            target: target.to_string(),
            state,
            applied: 0,
            duration_ms: started.map_or(0, |s| s.elapsed().as_millis() as u64),
            error: None,
            help: None,
            exit: state.exit() as u8,
            details: Vec::new(),
        }
    }

    pub fn failed(&self) -> bool {
        !matches!(
            self.state,
            UpState::Applied | UpState::UpToDate | UpState::Checked
        )
    }

    /// Its end, as it happens: a JSON line, or for people a closing line (stderr for a failure).
    pub fn log(&self, log: &TargetLog<'_>) {
        if log.out.json() {
            #[derive(Serialize)]
            struct Line<'a> {
                event: &'static str,
                #[serde(flatten)]
                done: &'a TargetDone,
            }
            println!(
                "{}",
                super::to_json(&Line {
                    event: "target_done",
                    done: self,
                })
            );
            return;
        }
        let took = human(self.duration_ms);
        match self.state {
            UpState::Applied => log.line(
                Stream::Out,
                &format!("done: {} migration(s) applied in {took}", self.applied),
            ),
            UpState::Checked => log.line(
                Stream::Out,
                &format!(
                    "dry run: {} migration(s) would apply; the database is unchanged",
                    self.applied
                ),
            ),
            UpState::UpToDate | UpState::NotStarted => {}
            UpState::Failed | UpState::Unreachable | UpState::Paused => {
                let word = log.out.paint_err(
                    if self.state == UpState::Paused {
                        "stopped"
                    } else {
                        "error"
                    },
                    self.state.tone(),
                );
                let mut text = format!("{word}: {}", self.error.as_deref().unwrap_or("failed"));
                for d in &self.details {
                    text.push_str(&format!("\n  - {d}"));
                }
                if let Some(help) = &self.help {
                    text.push_str(&format!("\n  = help: {help}"));
                }
                log.line(Stream::Err, &text);
            }
        }
    }
}

/// `12 ms`, `3.4 s`, `2 min 5 s`.
fn human(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000),
    }
}

/// The fleet's exit code from its targets': 1 when any target failed (as `migrate up` on it alone
/// would exit 1), else 2 when any could not be reached, else 3 when any stopped before a paused
/// backfill or a Rust data migration, else 0. A fleet of one exits as that database would.
pub fn fleet_exit(codes: impl IntoIterator<Item = Exit>) -> Exit {
    let codes: Vec<Exit> = codes.into_iter().collect();
    [Exit::Found, Exit::Usage, Exit::Paused]
        .into_iter()
        .find(|c| codes.contains(c))
        .unwrap_or(Exit::Ok)
}

/// Which part of the fleet ran: `{"listed": n, "shard": "i/n" or null, "jobs": n}`.
#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub listed: usize,
    pub targets: usize,
    pub shard: Option<String>,
    pub jobs: usize,
}

impl Scope {
    /// The line that starts a fleet's run, for people.
    pub fn say(&self, out: &Output, doing: &str) {
        let shard = match &self.shard {
            Some(s) => format!(
                " (shard {s}: {} of the {} listed)",
                self.targets, self.listed
            ),
            None => String::new(),
        };
        out.say(&format!(
            "fleet: {doing} {} database(s){shard}, {} at a time",
            self.targets, self.jobs
        ));
    }
}

/// The end of `up` on a fleet: the summary table, or `{"event": "fleet_done", ...}` with every
/// target's row.
#[derive(Debug, Serialize)]
pub struct FleetDone<'a> {
    event: &'static str,
    ok: bool,
    dry_run: bool,
    #[serde(flatten)]
    scope: &'a Scope,
    /// Targets by state.
    counts: BTreeMap<&'static str, usize>,
    /// The targets that failed, could not be reached or stopped.
    failed: Vec<&'a str>,
    results: &'a [TargetDone],
    exit: u8,
}

impl<'a> FleetDone<'a> {
    pub fn new(scope: &'a Scope, results: &'a [TargetDone], dry_run: bool) -> FleetDone<'a> {
        let mut counts = BTreeMap::new();
        for r in results {
            *counts.entry(r.state.as_str()).or_insert(0) += 1;
        }
        let exit = fleet_exit(results.iter().map(|r| r.state.exit()));
        FleetDone {
            event: "fleet_done",
            ok: !results.iter().any(TargetDone::failed),
            dry_run,
            scope,
            counts,
            failed: results
                .iter()
                .filter(|r| r.failed() && r.state != UpState::NotStarted)
                .map(|r| r.target.as_str())
                .collect(),
            results,
            exit: exit as u8,
        }
    }

    pub fn exit(&self) -> Exit {
        fleet_exit(self.results.iter().map(|r| r.state.exit()))
    }
}

impl Report for FleetDone<'_> {
    fn text(&self, out: &Output) {
        if self.results.is_empty() {
            println!(
                "fleet: no database of the {} listed is in this shard: nothing to do",
                self.scope.listed
            );
            return;
        }
        let width = self
            .results
            .iter()
            .map(|r| r.target.chars().count())
            .max()
            .unwrap_or(6)
            .max(6);
        println!();
        println!(
            "{:<width$}  {:<11}  {:>7}  {:>9}  ERROR",
            "TARGET", "STATE", "APPLIED", "DURATION"
        );
        for r in self.results {
            let error = r
                .error
                .as_deref()
                .map_or_else(|| "-".to_string(), first_line);
            println!(
                "{:<width$}  {}  {:>7}  {:>9}  {error}",
                r.target,
                out.paint(&format!("{:<11}", r.state.as_str()), r.state.tone()),
                r.applied,
                if r.state == UpState::NotStarted {
                    "-".to_string()
                } else {
                    human(r.duration_ms)
                },
            );
        }
        let counts: Vec<String> = [
            UpState::Applied,
            UpState::Checked,
            UpState::UpToDate,
            UpState::Failed,
            UpState::Unreachable,
            UpState::Paused,
            UpState::NotStarted,
        ]
        .iter()
        .filter_map(|s| {
            self.counts
                .get(s.as_str())
                .map(|n| format!("{n} {}", s.as_str()))
        })
        .collect();
        println!(
            "\nfleet: {} database(s): {}",
            self.results.len(),
            counts.join(", ")
        );
        if let Some(n) = self.counts.get(UpState::UpToDate.as_str()) {
            println!(
                "{n} already up to date: their history records every migration, so nothing ran there"
            );
        }
        if !self.failed.is_empty() {
            println!(
                "not done: {} (see their errors above); the others are not affected: each database has its own runner lock, transactions and history",
                self.failed.join(", ")
            );
            println!(
                "fix them and run the same command again: the databases already up to date are skipped"
            );
        } else if self.counts.contains_key(UpState::NotStarted.as_str()) {
            println!("--fail-fast: the databases not started are untouched; run again to go on");
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// One target's state for `status` on a fleet; also its `target_status` JSON line.
#[derive(Debug, Clone, Serialize)]
pub struct TargetStatus {
    pub target: String,
    /// `up-to-date`, `pending`, `drifted`, `problems` or `unreachable`.
    pub state: &'static str,
    pub applied: usize,
    pub pending: usize,
    /// Modified, missing, failed or interrupted migrations, and refused files still to run.
    pub problems: usize,
    /// How the database differs from what the migrations produce; `null` when not checked.
    pub drift: Option<Vec<String>>,
    pub error: Option<String>,
    pub help: Option<String>,
    /// What `migrate status` on this target alone would exit with.
    pub exit: u8,
    /// The migrations with problems (`version_name: state`, and the error), for people and
    /// programs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    /// Every migration applied, none newer than the files: drift can be checked.
    #[serde(skip)]
    pub checkable: bool,
}

impl TargetStatus {
    fn tone(&self) -> Tone {
        match self.state {
            "up-to-date" => Tone::Good,
            "pending" => Tone::Waiting,
            _ => Tone::Bad,
        }
    }

    /// As it is known: a JSON line; nothing for people, who get the table.
    pub fn log(&self, out: &Output) {
        if out.json() {
            #[derive(Serialize)]
            struct Line<'a> {
                event: &'static str,
                #[serde(flatten)]
                status: &'a TargetStatus,
            }
            println!(
                "{}",
                super::to_json(&Line {
                    event: "target_status",
                    status: self,
                })
            );
        }
    }
}

/// `status` of a fleet: the table, or `{"event": "fleet_status", ...}` with every target's row.
#[derive(Debug, Serialize)]
pub struct FleetStatus<'a> {
    event: &'static str,
    ok: bool,
    #[serde(flatten)]
    scope: &'a Scope,
    counts: BTreeMap<&'static str, usize>,
    results: &'a [TargetStatus],
    exit: u8,
    #[serde(skip)]
    exit_code_on_drift: bool,
}

impl<'a> FleetStatus<'a> {
    pub fn new(
        scope: &'a Scope,
        results: &'a [TargetStatus],
        exit_code_on_drift: bool,
    ) -> FleetStatus<'a> {
        let mut counts = BTreeMap::new();
        for r in results {
            *counts.entry(r.state).or_insert(0) += 1;
        }
        let exit = fleet_exit(results.iter().map(|r| match r.exit {
            0 => Exit::Ok,
            1 => Exit::Found,
            3 => Exit::Paused,
            _ => Exit::Usage,
        }));
        FleetStatus {
            event: "fleet_status",
            ok: results
                .iter()
                .all(|r| matches!(r.state, "up-to-date" | "pending")),
            scope,
            counts,
            results,
            exit: exit as u8,
            exit_code_on_drift,
        }
    }

    pub fn exit(&self) -> Exit {
        match self.exit {
            0 => Exit::Ok,
            1 => Exit::Found,
            3 => Exit::Paused,
            _ => Exit::Usage,
        }
    }
}

impl Report for FleetStatus<'_> {
    fn text(&self, out: &Output) {
        if self.results.is_empty() {
            println!(
                "fleet: no database of the {} listed is in this shard",
                self.scope.listed
            );
            return;
        }
        let width = self
            .results
            .iter()
            .map(|r| r.target.chars().count())
            .max()
            .unwrap_or(6)
            .max(6);
        println!(
            "{:<width$}  {:<11}  {:>7}  {:>7}  {:>8}  DRIFT",
            "TARGET", "STATE", "APPLIED", "PENDING", "PROBLEMS"
        );
        for r in self.results {
            let drift = match (&r.drift, &r.error) {
                (_, Some(e)) => first_line(e),
                (Some(d), None) if d.is_empty() => "none".to_string(),
                (Some(d), None) => format!("{} difference(s)", d.len()),
                (None, None) => "-".to_string(),
            };
            println!(
                "{:<width$}  {}  {:>7}  {:>7}  {:>8}  {drift}",
                r.target,
                out.paint(&format!("{:<11}", r.state), r.tone()),
                r.applied,
                r.pending,
                r.problems,
            );
        }
        for r in self.results {
            let drift = r.drift.as_deref().unwrap_or_default();
            if r.details.is_empty() && drift.is_empty() && r.error.is_none() {
                continue;
            }
            println!("\n{}:", r.target);
            if let Some(e) = &r.error {
                println!("  error: {e}");
            }
            for d in &r.details {
                println!("  - {d}");
            }
            for d in drift {
                println!("  - drift: {d}");
            }
            if let Some(h) = &r.help {
                println!("  help: {h}");
            }
        }
        let counts: Vec<String> = [
            "up-to-date",
            "pending",
            "drifted",
            "problems",
            "unreachable",
        ]
        .iter()
        .filter_map(|s| self.counts.get(s).map(|n| format!("{n} {s}")))
        .collect();
        println!(
            "\nfleet: {} database(s): {}",
            self.results.len(),
            counts.join(", ")
        );
        if self.counts.contains_key("drifted") && !self.exit_code_on_drift {
            println!("(drift alone exits 0; with --exit-code, 1)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fleet_exits_as_its_worst_target() {
        use Exit::*;
        assert_eq!(fleet_exit([Ok, Ok]), Ok);
        assert_eq!(fleet_exit([Ok, Paused, Usage]), Usage);
        assert_eq!(fleet_exit([Usage, Found, Paused]), Found);
        assert_eq!(fleet_exit([Paused]), Paused);
        assert_eq!(fleet_exit([]), Ok);
    }

    #[test]
    fn a_target_line_names_its_target() {
        let line = with_target(&EventLine(&Event::UpToDate), "postgres://u:***@h/a");
        assert_eq!(
            line,
            r#"{"event":"up_to_date","target":"postgres://u:***@h/a"}"#
        );
    }
}
