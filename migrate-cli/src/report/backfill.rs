//! What batched backfills report: progress while they run (a line updated in place on a
//! terminal, plain lines now and then otherwise, JSON lines with `--format json`), the dry run's
//! estimate, and `migrate backfill status|pause|resume`.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use migrate_core::batch::{Estimate, Progress, Tick};
use migrate_core::runner::{Event, human_ms};
use serde::Serialize;

use super::Report;
use super::run::EventLine;
use crate::output::Output;

/// One batch of a backfill, for programs (`"event": "backfill"`).
#[derive(Debug, Serialize)]
pub struct TickShown<'a> {
    version: u64,
    name: &'a str,
    rows_done: u64,
    rows_changed: u64,
    rows_estimated: Option<u64>,
    percent: Option<f64>,
    rows_per_sec: Option<f64>,
    eta_ms: Option<u64>,
    batch_size: u64,
    batches: u64,
    finished: bool,
}

impl<'a> TickShown<'a> {
    pub fn of(version: u64, name: &'a str, t: &Tick) -> TickShown<'a> {
        TickShown {
            version,
            name,
            rows_done: t.rows_done,
            rows_changed: t.rows_changed,
            rows_estimated: t.rows_estimated,
            percent: t.percent().map(round1),
            rows_per_sec: t.rate().map(round1),
            eta_ms: t.eta_ms(),
            batch_size: t.batch_size,
            batches: t.batches,
            finished: t.finished,
        }
    }
}

/// The dry run of a batch file, for programs (`"event": "backfill_estimate"`).
#[derive(Debug, Serialize)]
pub struct EstimateShown<'a> {
    version: u64,
    name: &'a str,
    rows: u64,
    rows_counted: bool,
    rows_done: u64,
    sampled_rows: u64,
    sampled_ms: u64,
    sampled_changed: u64,
    estimated_ms: u64,
    message: String,
}

impl<'a> EstimateShown<'a> {
    pub fn of(version: u64, name: &'a str, e: &Estimate) -> EstimateShown<'a> {
        EstimateShown {
            version,
            name,
            rows: e.rows,
            rows_counted: e.exact,
            rows_done: e.rows_done,
            sampled_rows: e.sampled_rows,
            sampled_ms: e.sampled_ms,
            sampled_changed: e.sampled_changed,
            estimated_ms: e.estimated_ms,
            message: estimate_text(version, name, e),
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `  20240101120000_fill: 61,000 / 100,000 rows (61.0%) · 45,210 rows/s · batch 8,000 · ETA 1 s`.
pub fn tick_line(version: u64, name: &str, t: &Tick) -> String {
    let mut line = format!("  {version}_{name}: {}", thousands(t.rows_done));
    if let Some(total) = t.rows_estimated {
        line.push_str(&format!(" / {} rows", thousands(total.max(t.rows_done))));
    } else {
        line.push_str(" rows");
    }
    if let Some(p) = t.percent() {
        line.push_str(&format!(" ({p:.1}%)"));
    }
    if let Some(r) = t.rate() {
        line.push_str(&format!(" · {} rows/s", thousands(r as u64)));
    }
    if t.finished {
        line.push_str(&format!(
            " · {} changed · done in {}",
            thousands(t.rows_changed),
            human_ms(t.run_ms)
        ));
    } else {
        line.push_str(&format!(" · batch {}", thousands(t.batch_size)));
        if let Some(eta) = t.eta_ms() {
            line.push_str(&format!(" · ETA {}", human_ms(eta)));
        }
    }
    line
}

/// What a dry run says about a batch file.
pub fn estimate_text(version: u64, name: &str, e: &Estimate) -> String {
    let rows = if e.exact {
        format!("{} rows", thousands(e.rows))
    } else {
        format!("about {} rows (the catalog's estimate)", thousands(e.rows))
    };
    let rows = if e.rows_done > 0 {
        format!(
            "{rows}, {} walked already by an earlier run (the estimate is for the rest)",
            thousands(e.rows_done)
        )
    } else {
        rows
    };
    if e.sampled_rows == 0 {
        return format!(
            "would backfill {version}_{name}: {rows}, nothing to walk; the database is unchanged"
        );
    }
    format!(
        "would backfill {version}_{name}: {rows}; a sample of {} rows took {} ({} changed, rolled back); \
         estimated total: {}",
        thousands(e.sampled_rows),
        human_ms(e.sampled_ms),
        thousands(e.sampled_changed),
        human_ms(e.estimated_ms),
    )
}

/// What `migrate backfill run` says when it ran nothing.
pub fn no_backfill_text(next: Option<&(u64, String, String)>) -> String {
    match next {
        None => "no backfill to run: every batch file is finished".into(),
        Some((version, name, after)) => format!(
            "no backfill can run yet: {version}_{name} comes after {after}, which is not applied; `migrate up` \
             applies it (and runs the backfill too)"
        ),
    }
}

/// Prints the runner's events, a backfill's batches as progress: on a terminal one line on
/// stderr updated in place; otherwise (plain lines or JSON lines) at most one every few seconds,
/// and the last.
pub struct Ticker<'o> {
    out: &'o Output,
    /// A progress line is open on the terminal (the next other line starts on a new one).
    open: bool,
    last: Option<Instant>,
    live: bool,
}

impl<'o> Ticker<'o> {
    pub fn new(out: &'o Output) -> Ticker<'o> {
        Ticker {
            out,
            open: false,
            last: None,
            live: !out.json() && std::io::stderr().is_terminal(),
        }
    }

    /// One runner event.
    pub fn event(&mut self, e: &Event) {
        if let Event::Backfill {
            version,
            name,
            tick,
        } = e
        {
            self.tick(e, *version, name, tick);
            return;
        }
        self.close();
        self.out.emit(&EventLine(e));
    }

    fn tick(&mut self, e: &Event, version: u64, name: &str, t: &Tick) {
        if self.live {
            // One line, updated in place: cut to the terminal's width when the shell says it
            // (a wrapped line could not be rewritten).
            let mut line = tick_line(version, name, t);
            if let Some(width) = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse::<usize>().ok())
                && line.chars().count() >= width
            {
                line = line.chars().take(width.saturating_sub(1)).collect();
            }
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{line}\x1b[K");
            let _ = err.flush();
            self.open = true;
            if t.finished {
                self.close();
            }
            return;
        }
        let every = if self.out.json() {
            Duration::from_secs(1)
        } else {
            Duration::from_secs(10)
        };
        if t.finished || self.last.is_none_or(|l| l.elapsed() >= every) {
            self.last = Some(Instant::now());
            self.out.emit(&EventLine(e));
        }
    }

    /// Ends an open progress line.
    pub fn close(&mut self) {
        if self.open {
            eprintln!();
            self.open = false;
        }
    }
}

impl Drop for Ticker<'_> {
    fn drop(&mut self) {
        self.close();
    }
}

/// `migrate backfill status`: every batch file and its progress.
#[derive(Debug, Serialize)]
pub struct StatusReport {
    ok: bool,
    backfills: Vec<Row>,
}

#[derive(Debug, Serialize)]
struct Row {
    version: u64,
    name: String,
    table: String,
    key: Vec<String>,
    state: &'static str,
    rows_done: u64,
    rows_changed: u64,
    rows_estimated: Option<u64>,
    percent: Option<f64>,
    rows_per_sec: Option<f64>,
    batch_size: u64,
    batches: u64,
    started_at: Option<String>,
    updated_at: Option<String>,
    finished_at: Option<String>,
    runner: Option<String>,
}

impl StatusReport {
    pub fn new(rows: &[Progress]) -> StatusReport {
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        StatusReport {
            ok: true,
            backfills: rows
                .iter()
                .map(|p| Row {
                    version: p.version,
                    name: p.name.clone(),
                    table: p.table.clone(),
                    key: p.key.clone(),
                    state: p.state.as_str(),
                    rows_done: p.rows_done,
                    rows_changed: p.rows_changed,
                    rows_estimated: p.rows_estimated,
                    percent: p.percent().map(round1),
                    rows_per_sec: p.rate().map(round1),
                    batch_size: p.batch_size,
                    batches: p.batches,
                    started_at: non_empty(&p.started_at),
                    updated_at: non_empty(&p.updated_at),
                    finished_at: p.finished_at.clone(),
                    runner: p.runner.clone(),
                })
                .collect(),
        }
    }
}

impl Report for StatusReport {
    fn text(&self, _: &Output) {
        if self.backfills.is_empty() {
            println!(
                "no batch files: a migration whose first line is `-- migrate:batch table=<table>` is one"
            );
            return;
        }
        let header = [
            "VERSION", "NAME", "TABLE", "ROWS", "DONE", "STATE", "RATE", "UPDATED",
        ];
        let rows: Vec<[String; 8]> = self
            .backfills
            .iter()
            .map(|r| {
                let rows = match r.rows_estimated {
                    Some(t) => format!("{} / {}", thousands(r.rows_done), thousands(t)),
                    None if r.state == "pending" => "-".into(),
                    None => thousands(r.rows_done),
                };
                [
                    r.version.to_string(),
                    r.name.clone(),
                    r.table.clone(),
                    rows,
                    r.percent.map_or_else(|| "-".into(), |p| format!("{p:.1}%")),
                    r.state.to_string(),
                    r.rows_per_sec
                        .map_or_else(|| "-".into(), |x| format!("{} rows/s", thousands(x as u64))),
                    r.updated_at.clone().unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: &[String]| {
            cells
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        println!("{}", line(&header.map(str::to_string)));
        for r in &rows {
            println!("{}", line(r));
        }
    }
}

/// `migrate backfill pause|resume`: which backfills changed state.
#[derive(Debug, Serialize)]
pub struct StateChanged {
    ok: bool,
    state: &'static str,
    versions: Vec<u64>,
}

impl StateChanged {
    pub fn new(state: &'static str, versions: Vec<u64>) -> StateChanged {
        StateChanged {
            ok: true,
            state,
            versions,
        }
    }
}

impl Report for StateChanged {
    fn text(&self, _: &Output) {
        for v in &self.versions {
            match self.state {
                "paused" => println!(
                    "paused {v}: a runner working on it stops after its current batch; `migrate backfill resume {v}` \
                     lets it go on"
                ),
                _ => println!(
                    "resumed {v}: `migrate up` (or `migrate backfill run`) goes on from its last committed batch"
                ),
            }
        }
    }
}
