//! What `generate` reports: the files written (or, with `--print`, the SQL and each change's
//! safety verdict), and where the schema the migrations produce came from (the snapshot, a
//! replay of the directory, or a stale snapshot with a warning).

use migrate_core::generate::{Basis, Outcome};
use serde::Serialize;

use super::Report;
use crate::output::Output;

/// A change and its safety verdict, for `--print`.
#[derive(Debug, Serialize)]
struct Verdict {
    change: String,
    risk: &'static str,
    reason: Option<String>,
    acknowledged: bool,
}

/// A file `generate` would write, for `--print`.
#[derive(Debug, Serialize)]
struct FileShown<'a> {
    name: &'a str,
    sql: &'a str,
}

/// `{"ok": true, "written": [...], "basis": "snapshot" | "replayed" | "stale", "replayed":
/// {...}, "warning": "...", "snapshot_refreshed": bool}`, and with `--print` `"changes"` (each
/// with its verdict) and `"files"` (name and SQL) in place of `written`.
#[derive(Debug, Serialize)]
pub struct Generation<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Vec<Verdict>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    files: Option<Vec<FileShown<'a>>>,
    basis: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    replayed: Option<Replayed<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    snapshot_refreshed: bool,
}

#[derive(Debug, Serialize)]
struct Replayed<'a> {
    migrations: usize,
    on: &'a str,
    ms: u64,
}

impl<'a> Generation<'a> {
    pub fn new(outcome: &'a Outcome, print: bool) -> Generation<'a> {
        let (basis, replayed, warning) = match &outcome.basis {
            Basis::Snapshot => ("snapshot", None, None),
            Basis::Replayed { migrations, on, ms } => (
                "replayed",
                Some(Replayed {
                    migrations: *migrations,
                    on,
                    ms: *ms,
                }),
                None,
            ),
            Basis::Stale { why } => (
                "stale",
                None,
                Some(format!(
                    "the snapshot does not record the migrations as they are (one was written by hand, edited or \
                     removed), and the directory was not replayed: {why}. Generated from the snapshot, which may \
                     not know what hand-written migrations did"
                )),
            ),
        };
        let plan = &outcome.plan;
        let (written, changes, files) = if print {
            let changes = plan
                .diff
                .changes
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let worst = plan
                        .assessments
                        .iter()
                        .filter(|a| a.change == i)
                        .max_by_key(|a| a.risk);
                    let describe = c.describe();
                    let mut chars = describe.chars();
                    let change = chars
                        .next()
                        .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
                        .unwrap_or_default();
                    Verdict {
                        change,
                        risk: worst.map_or("safe", |a| a.risk.as_str()),
                        reason: worst
                            .filter(|a| a.risk > migrate_core::safety::Risk::Safe)
                            .map(|a| a.reason.clone()),
                        acknowledged: worst.is_some_and(|a| {
                            a.acknowledged && a.risk >= migrate_core::safety::Risk::BreaksCode
                        }),
                    }
                })
                .collect();
            let files = plan
                .files
                .iter()
                .map(|f| FileShown {
                    name: &f.name,
                    sql: &f.content,
                })
                .collect();
            (None, Some(changes), Some(files))
        } else {
            let paths = match &outcome.generated {
                migrate_core::generate::Generated::Written(p) => p.clone(),
                migrate_core::generate::Generated::NoChange => Vec::new(),
            };
            (
                Some(paths.iter().map(|p| p.display().to_string()).collect()),
                None,
                None,
            )
        };
        Generation {
            ok: true,
            written,
            changes,
            files,
            basis,
            replayed,
            warning,
            snapshot_refreshed: outcome.refreshed,
        }
    }
}

impl Report for Generation<'_> {
    fn text(&self, out: &Output) {
        if let Some(r) = &self.replayed {
            out.note(&format!(
                "note: replayed {} migration(s) on {} in {} (the snapshot did not record them as they are)",
                r.migrations,
                r.on,
                migrate_core::runner::human_ms(r.ms)
            ));
        }
        if let Some(w) = &self.warning {
            let warning = out.paint_err("warning", crate::output::Tone::Waiting);
            eprintln!("{warning}: {w}");
        }
        if let (Some(changes), Some(files)) = (&self.changes, &self.files) {
            if changes.is_empty() {
                out.say("no changes: the declared schema matches what the migrations produce; nothing would be written");
                return;
            }
            for c in changes {
                let mut line = format!("-- {}: {}", c.change, c.risk);
                if let Some(r) = &c.reason {
                    line.push_str(&format!(" ({r})"));
                }
                if c.acknowledged {
                    line.push_str(", acknowledged");
                }
                println!("{}", migrate_core::sql::printable(&line));
            }
            for f in files {
                println!("\n-- would write <version>_{}.sql", f.name);
                print!("{}", f.sql);
            }
            eprintln!("note: --print: nothing was written");
            return;
        }
        if let Some(w) = &self.written {
            if w.is_empty() {
                out.say(
                    "no changes: the declared schema matches the last migration; nothing written",
                );
            }
            for p in w {
                out.say(p);
            }
        }
        if self.snapshot_refreshed {
            out.note("note: the snapshot now records the migrations as they are");
        }
    }
}
