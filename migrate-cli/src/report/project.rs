//! What `init`, `check` and `hash` report.

use std::path::Path;

use migrate_core::Explain;
use migrate_core::lint::FileReport;
use migrate_core::lint::report::FindingJson;
use migrate_core::migration::Problem;
use serde::Serialize;

use super::Report;
use super::lint::{findings_json, print_findings, summary};
use crate::output::Output;

/// A new project: `{"ok": true, "config": path}`.
#[derive(Debug, Serialize)]
pub struct Initialised {
    ok: bool,
    config: String,
    /// `--dir`, when given: the next steps run there.
    #[serde(skip)]
    dir: Option<String>,
}

impl Report for Initialised {
    fn text(&self, out: &Output) {
        match &self.dir {
            Some(dir) => out.say(&format!(
                "\nNext: `cd {dir}`, declare tables in schema/schema.toml, then run `migrate check`."
            )),
            None => {
                out.say("\nNext: declare tables in schema/schema.toml, then run `migrate check`.")
            }
        }
    }
}

impl Initialised {
    pub fn new(config: &Path, dir: Option<&Path>) -> Initialised {
        Initialised {
            ok: true,
            config: config.display().to_string(),
            dir: dir.map(|d| d.display().to_string()),
        }
    }
}

/// A valid schema, and the lint findings of the unreleased migrations: `{"ok": ..., "errors":
/// [], "tables": n, "enums": n, "lint": [...]}`.
#[derive(Debug, Serialize)]
pub struct Checked<'a> {
    ok: bool,
    errors: &'a [migrate_core::Diagnostic],
    tables: usize,
    enums: usize,
    lint: Vec<FindingJson<'a>>,
    /// What the runner refuses in the migrations up to `lint_baseline`: warnings.
    warnings: Vec<Released>,
    #[serde(skip)]
    schema_path: &'a Path,
}

/// A problem of a migration at or before `lint_baseline`: a warning, `{"code", "file", "line",
/// "message", "help", "note"}`.
#[derive(Debug, Serialize)]
pub struct Released {
    code: &'static str,
    file: String,
    line: Option<usize>,
    message: String,
    help: Option<String>,
    note: &'static str,
}

impl Released {
    const NOTE: &'static str = "at or before `lint_baseline`, so a warning: it was applied as it is and \
        can no longer change; `migrate up` refuses to run it on a database that has not applied it";

    pub fn of(p: &Problem) -> Released {
        let help = match &p.kind {
            migrate_core::migration::ProblemKind::Content(c) => c.help(),
            _ => p.help(),
        };
        Released {
            code: p.code(),
            file: p.path.display().to_string(),
            line: p.line(),
            message: p.to_string(),
            help,
            note: Released::NOTE,
        }
    }

    /// `warning: [code] message`, the note and the help (stderr).
    pub fn print(&self) {
        eprintln!(
            "warning: [{}] {}\n  = note: {}",
            self.code, self.message, self.note
        );
        if let Some(help) = &self.help {
            eprintln!("  = help: {help}");
        }
    }
}

impl<'a> Checked<'a> {
    /// `schema` (read from `schema_path`) is valid; `lint` are the unreleased migrations'
    /// findings, `ok` whether none is an error.
    pub fn new(
        schema: &migrate_core::schema::Schema,
        schema_path: &'a Path,
        lint: &'a [FileReport],
        ok: bool,
        warnings: Vec<Released>,
    ) -> Checked<'a> {
        Checked {
            ok,
            errors: &[],
            tables: schema.tables.len(),
            enums: schema.enums.len(),
            lint: findings_json(lint),
            warnings,
            schema_path,
        }
    }
}

impl Report for Checked<'_> {
    fn text(&self, out: &Output) {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        out.say(&format!(
            "ok: {} is valid ({}, {})",
            self.schema_path.display(),
            plural(self.tables, "table", "tables"),
            plural(self.enums, "enum", "enums")
        ));
    }
}

/// What `hash` re-recorded, and the lint findings of those files: `{"ok": true, "resolved":
/// [{"code", "file"}], "lint": [...]}`.
#[derive(Debug, Serialize)]
pub struct Rehashed<'a> {
    ok: bool,
    resolved: Vec<ResolvedShown>,
    lint: Vec<FindingJson<'a>>,
    #[serde(skip)]
    reports: &'a [FileReport],
}

#[derive(Debug, Serialize)]
struct ResolvedShown {
    code: &'static str,
    file: String,
    #[serde(skip)]
    file_name: String,
}

impl<'a> Rehashed<'a> {
    pub fn new(resolved: &[Problem], reports: &'a [FileReport]) -> Rehashed<'a> {
        Rehashed {
            ok: true,
            resolved: resolved
                .iter()
                .map(|p| ResolvedShown {
                    code: p.code(),
                    file: p.path.display().to_string(),
                    file_name: p.file_name(),
                })
                .collect(),
            lint: findings_json(reports),
            reports,
        }
    }
}

impl Report for Rehashed<'_> {
    fn text(&self, out: &Output) {
        if self.resolved.is_empty() {
            out.say("the manifest already matches the files; nothing changed");
            return;
        }
        for p in &self.resolved {
            out.say(&format!("re-recorded {} ({})", p.file_name, p.code));
        }
        print_findings(out, self.reports);
        summary(self.reports, false);
    }
}
