//! What `diff` and `pull` report: the changes from the live database to the declared schema,
//! what the database has that the schema does not declare, and the schema read back.

use migrate_core::generate::Plan;
use migrate_core::introspect::Undeclared;
use migrate_core::safety::Assessment;
use migrate_core::sql::printable;
use serde::Serialize;

use super::{RefusedChange, Report};
use crate::output::Output;

/// What the database has and the schema does not declare, and what happens to it: `object`,
/// `dropped`, `acknowledge_with`.
#[derive(Debug, Serialize)]
struct UndeclaredShown<'a> {
    object: &'a str,
    dropped: bool,
    acknowledge_with: Option<&'a str>,
    #[serde(skip)]
    kept: bool,
}

fn undeclared(list: &[Undeclared]) -> Vec<UndeclaredShown<'_>> {
    list.iter()
        .map(|u| UndeclaredShown {
            object: &u.object,
            dropped: u.dropped,
            acknowledge_with: u.acknowledge.as_deref(),
            kept: !u.dropped,
        })
        .collect()
}

/// Lists the database's objects that the schema does not declare, and what happens to each.
fn print_undeclared(list: &[UndeclaredShown<'_>]) {
    if list.is_empty() {
        return;
    }
    eprintln!(
        "The database has {} object(s) the schema does not declare; none is dropped unless acknowledged:",
        list.len()
    );
    for u in list {
        let what = match (u.acknowledge_with, u.dropped) {
            (_, true) => "dropped, as acknowledged".to_string(),
            (Some(ack), false) => format!("left in place (to drop it: `{ack}`)"),
            (None, false) => {
                "left in place (declare it, or drop it in a hand-written migration: `migrate new`)"
                    .to_string()
            }
        };
        eprintln!("  - {}: {what}", printable(u.object));
    }
    eprintln!();
}

/// A migration file's name and SQL, for `diff --print`.
#[derive(Debug, Serialize)]
struct FileShown<'a> {
    name: &'a str,
    sql: &'a str,
}

/// `diff`: whether the database differs, the changes, the migration printed or written, and what
/// is left in place. `{"ok": true, "differs": ..., "changes": [...], "files" or "written": [...],
/// "undeclared": [...], "notes": [...]}`.
#[derive(Debug, Serialize)]
pub struct DiffReport<'a> {
    ok: bool,
    differs: bool,
    changes: Vec<String>,
    /// `--print`.
    #[serde(skip_serializing_if = "Option::is_none")]
    files: Option<Vec<FileShown<'a>>>,
    /// Written to the migration directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<Vec<String>>,
    undeclared: Vec<UndeclaredShown<'a>>,
    notes: &'a [String],
    /// Whether `migrate generate` would write a migration too (the snapshot differs).
    #[serde(skip)]
    snapshot_differs: bool,
}

impl<'a> DiffReport<'a> {
    /// What `plan` changes; nothing printed or written yet.
    pub fn new(
        plan: &'a Plan,
        differs: bool,
        undeclared_: &'a [Undeclared],
        notes: &'a [String],
    ) -> DiffReport<'a> {
        DiffReport {
            ok: true,
            differs,
            changes: plan.diff.changes.iter().map(|c| c.describe()).collect(),
            files: None,
            written: None,
            undeclared: undeclared(undeclared_),
            notes,
            snapshot_differs: false,
        }
    }

    /// `--print`: the files' SQL.
    pub fn printed(mut self, plan: &'a Plan, snapshot_differs: bool) -> DiffReport<'a> {
        self.files = Some(
            plan.files
                .iter()
                .map(|f| FileShown {
                    name: &f.name,
                    sql: &f.content,
                })
                .collect(),
        );
        self.snapshot_differs = snapshot_differs;
        self
    }

    /// The files written.
    pub fn written(
        mut self,
        paths: &[std::path::PathBuf],
        snapshot_differs: bool,
    ) -> DiffReport<'a> {
        self.written = Some(paths.iter().map(|p| p.display().to_string()).collect());
        self.snapshot_differs = snapshot_differs;
        self
    }
}

impl Report for DiffReport<'_> {
    fn text(&self, out: &Output) {
        print_undeclared(&self.undeclared);
        if let Some(files) = &self.files {
            let many = files.len() > 1;
            for (i, f) in files.iter().enumerate() {
                if many {
                    if i > 0 {
                        println!();
                    }
                    println!("-- migration {} of {}: {}", i + 1, files.len(), f.name);
                }
                print!("{}", f.sql);
            }
        } else if let Some(written) = &self.written {
            for p in written {
                out.say(p);
            }
        } else if self.undeclared.iter().any(|u| u.kept) {
            out.say("no migration needed: the database has everything the schema declares");
        } else {
            out.say("no changes: the database matches the declared schema");
        }
        if self.snapshot_differs {
            eprintln!(
                "note: the declared schema also differs from the migration directory's snapshot; `migrate generate` \
                 writes its own migration for that (`migrate diff` never updates the snapshot)"
            );
        }
    }
}

/// `diff` refused changes: `{"ok": false, "refused": [...], "undeclared": [...], "notes": [...]}`.
#[derive(Debug, Serialize)]
pub struct DiffRefused<'a> {
    ok: bool,
    refused: Vec<RefusedChange<'a>>,
    undeclared: Vec<UndeclaredShown<'a>>,
    notes: &'a [String],
}

impl<'a> DiffRefused<'a> {
    pub fn new(
        refusals: &[&'a Assessment],
        undeclared_: &'a [Undeclared],
        notes: &'a [String],
    ) -> DiffRefused<'a> {
        DiffRefused {
            ok: false,
            refused: refusals.iter().copied().map(RefusedChange).collect(),
            undeclared: undeclared(undeclared_),
            notes,
        }
    }
}

impl Report for DiffRefused<'_> {
    fn text(&self, out: &Output) {
        print_undeclared(&self.undeclared);
        super::Refused::new(self.refused.iter().map(|r| r.0)).text(out);
    }
}

/// `pull`: the schema read from the database, printed or written, and what was left out:
/// `{"ok": true, "schema": ...}` or `{"ok": true, "written": path}`, with `notes`.
#[derive(Debug, Serialize)]
pub struct Pulled<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<String>,
    notes: &'a [String],
    /// Enums and tables written, for people.
    #[serde(skip)]
    counts: (usize, usize),
}

impl<'a> Pulled<'a> {
    /// The schema's text, for standard output.
    pub fn printed(schema: &'a str, notes: &'a [String]) -> Pulled<'a> {
        Pulled {
            ok: true,
            schema: Some(schema),
            written: None,
            notes,
            counts: (0, 0),
        }
    }

    /// Written to `path`, with so many enums and tables.
    pub fn written(
        path: &std::path::Path,
        counts: (usize, usize),
        notes: &'a [String],
    ) -> Pulled<'a> {
        Pulled {
            ok: true,
            schema: None,
            written: Some(path.display().to_string()),
            notes,
            counts,
        }
    }
}

impl Report for Pulled<'_> {
    fn text(&self, out: &Output) {
        if let Some(schema) = self.schema {
            print!("{schema}");
        }
        if let Some(path) = &self.written {
            out.say(&format!(
                "wrote {path} ({} enum(s), {} table(s))",
                self.counts.0, self.counts.1
            ));
        }
    }
}

/// `pull` found names that `migrate check` refuses, and wrote nothing: `{"ok": false, "error":
/// ..., "names": [...], "help": ...}`.
#[derive(Debug, Serialize)]
pub struct UnprintableNames {
    ok: bool,
    error: &'static str,
    names: Vec<String>,
    help: &'static str,
}

impl UnprintableNames {
    pub fn new(names: Vec<String>) -> UnprintableNames {
        UnprintableNames {
            ok: false,
            error: "the database has names that `migrate check` refuses; nothing was written",
            names,
            help: "rename them in the database (e.g. `ALTER TABLE … RENAME TO …`, \
                   `ALTER TABLE … RENAME COLUMN … TO …`, `ALTER TYPE … RENAME VALUE … TO …`), then pull again",
        }
    }
}

impl Report for UnprintableNames {
    fn text(&self, out: &Output) {
        let list: Vec<String> = self.names.iter().map(|f| format!("  - {f}")).collect();
        out.error_text(
            &format!(
                "the database has {} name(s) that `migrate check` refuses; nothing was written\n{}",
                self.names.len(),
                list.join("\n")
            ),
            Some(self.help),
        );
    }
}
