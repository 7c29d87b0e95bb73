//! What the commands report, as typed values.
//!
//! Each report derives `Serialize`, which is its `--format json` form, and says how it reads for
//! a person ([`Report::text`]); [`Output::emit`](crate::output::Output::emit) prints one or the
//! other. A command builds its reports from what the library returns and emits them; no command
//! writes JSON by hand.
//!
//! The JSON of a report is one line, its objects' keys in alphabetical order.

pub mod backfill;
pub mod diff;
pub mod fleet;
pub mod generate;
pub mod lint;
pub mod project;
pub mod run;

use migrate_core::diagnostic::plain;
use migrate_core::migration::Problem;
use migrate_core::runner::Refusal;
use migrate_core::safety::Assessment;
use migrate_core::{Diagnostic, Explain};
use serde::Serialize;

use crate::output::Output;

/// A report: `Serialize` is its form for programs, [`Report::text`] its form for people.
pub trait Report: Serialize {
    /// Prints the report for people: results on stdout, errors and notes on stderr.
    fn text(&self, out: &Output);
}

/// A report as one line of JSON. Through a `serde_json::Value`, whose objects keep their keys in
/// alphabetical order: the output does not depend on the order of a struct's fields.
pub fn to_json(report: &impl Serialize) -> String {
    match serde_json::to_value(report) {
        Ok(value) => value.to_string(),
        // Only maps with keys that are not strings fail, and no report has one.
        Err(e) => format!(
            "{{\"error\":{},\"ok\":false}}",
            serde_json::Value::String(format!("cannot write the report as JSON: {e}"))
        ),
    }
}

/// An error that has no place in a file: `{"ok": false, "error": ..., "help": ...}`.
#[derive(Debug, Serialize)]
pub struct Failure {
    ok: bool,
    error: String,
    help: Option<String>,
}

impl Failure {
    pub fn new(error: &str, help: Option<&str>) -> Failure {
        Failure {
            ok: false,
            error: error.to_string(),
            help: help.map(str::to_string),
        }
    }
}

impl Report for Failure {
    fn text(&self, out: &Output) {
        out.error_text(&self.error, self.help.as_deref());
    }
}

/// Problems in source files, each with its place and fix: `{"ok": false, "errors": [...]}`.
#[derive(Debug, Serialize)]
pub struct Diagnostics<'a> {
    ok: bool,
    errors: &'a [Diagnostic],
}

impl<'a> Diagnostics<'a> {
    pub fn new(diags: &'a migrate_core::Diagnostics) -> Diagnostics<'a> {
        Diagnostics {
            ok: false,
            errors: &diags.0,
        }
    }
}

impl Report for Diagnostics<'_> {
    fn text(&self, out: &Output) {
        for d in self.errors {
            out.diagnostic(d);
        }
    }
}

/// What is wrong in the migration directory and in the migrations the runner would run:
/// `{"ok": false, "migrations": [...]}`, each with its code, file, line, message and help
/// (and the migration's version and name, for what the runner refuses).
#[derive(Debug, Serialize)]
pub struct Migrations {
    ok: bool,
    migrations: Vec<MigrationProblem>,
}

/// One problem of [`Migrations`].
#[derive(Debug, Serialize)]
struct MigrationProblem {
    code: &'static str,
    file: String,
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    message: String,
    help: Option<String>,
}

impl Migrations {
    pub fn new(problems: &[Problem], refusals: &[Refusal]) -> Migrations {
        let problems = problems.iter().map(|p| MigrationProblem {
            code: p.code(),
            file: p.path.display().to_string(),
            line: p.line(),
            version: None,
            name: None,
            message: p.to_string(),
            help: p.help(),
        });
        let refusals = refusals.iter().map(|r| MigrationProblem {
            code: r.code,
            file: r.file.clone(),
            line: r.line,
            version: Some(r.version),
            name: Some(r.name.clone()),
            message: r.to_string(),
            help: r.help(),
        });
        Migrations {
            ok: false,
            migrations: problems.chain(refusals).collect(),
        }
    }
}

impl Report for Migrations {
    fn text(&self, out: &Output) {
        for p in &self.migrations {
            out.error_text(&format!("[{}] {}", p.code, p.message), p.help.as_deref());
        }
    }
}

/// Files written (`generate`, `new`): `{"ok": true, "written": [...]}`; none when the schema
/// matched.
#[derive(Debug, Serialize)]
pub struct Written {
    ok: bool,
    written: Vec<String>,
}

impl Written {
    pub fn new(paths: &[std::path::PathBuf]) -> Written {
        Written {
            ok: true,
            written: paths.iter().map(|p| p.display().to_string()).collect(),
        }
    }
}

impl Report for Written {
    fn text(&self, out: &Output) {
        if self.written.is_empty() {
            out.say("no changes: the declared schema matches the last migration; nothing written");
        }
        for p in &self.written {
            out.say(p);
        }
    }
}

/// Changes refused until the schema acknowledges them: `{"ok": false, "refused": [...]}`.
#[derive(Debug, Serialize)]
pub struct Refused<'a> {
    ok: bool,
    refused: Vec<RefusedChange<'a>>,
    /// Found by `migrate check`, which writes nothing anyway.
    #[serde(skip)]
    checked: bool,
}

impl<'a> Refused<'a> {
    pub fn new(refusals: impl IntoIterator<Item = &'a Assessment>) -> Refused<'a> {
        Refused {
            ok: false,
            refused: refusals.into_iter().map(RefusedChange).collect(),
            checked: false,
        }
    }

    /// What `migrate generate` would refuse, as `migrate check` reports it.
    pub fn checked(refusals: impl IntoIterator<Item = &'a Assessment>) -> Refused<'a> {
        Refused {
            checked: true,
            ..Refused::new(refusals)
        }
    }
}

impl Report for Refused<'_> {
    fn text(&self, out: &Output) {
        let error = out.paint_err("error", crate::output::Tone::Bad);
        for r in &self.refused {
            eprintln!("{error}: {}\n", plain(r.0));
        }
        let n = self.refused.len();
        if self.checked {
            eprintln!(
                "`migrate generate` would refuse {n} change(s) since the last migration: they lose data or break running code until acknowledged"
            );
        } else {
            eprintln!(
                "nothing was written: {n} change(s) would lose data or break running code until acknowledged"
            );
        }
    }
}

/// A refused change for programs: `change`, `risk`, `reason`, where and how to acknowledge it,
/// and a `note`.
#[derive(Debug)]
pub struct RefusedChange<'a>(pub &'a Assessment);

impl Serialize for RefusedChange<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            change: &'a str,
            risk: &'static str,
            reason: &'a str,
            acknowledge_in: Option<String>,
            acknowledge_with: Option<String>,
            note: Option<&'a str>,
        }
        let a = self.0;
        Shown {
            change: &a.subject,
            risk: a.risk.as_str(),
            reason: &a.reason,
            acknowledge_in: a.needs.as_ref().map(|n| n.section()),
            acknowledge_with: a.needs.as_ref().map(|n| n.toml()),
            note: a.hint.as_deref(),
        }
        .serialize(serializer)
    }
}
