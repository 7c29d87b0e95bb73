//! Where output goes and how it looks: colour only on a terminal, JSON when asked.

use std::io::IsTerminal;

use migrate_core::{Diagnostic, Explain};
use serde_json::{Value, json};

use crate::cli::{ColorChoice, Format, Global};

#[derive(Debug)]
pub struct Output {
    pub format: Format,
    color_stderr: bool,
}

impl Output {
    pub fn new(global: &Global) -> Output {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color_stderr = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color_env && std::io::stderr().is_terminal(),
        };
        Output {
            format: global.format,
            color_stderr,
        }
    }

    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// Whether stderr gets colour.
    pub fn color(&self) -> bool {
        self.color_stderr
    }

    /// A diagnostic for a person, with the source line shown (stderr).
    pub fn diagnostic(&self, d: &Diagnostic) {
        eprintln!("{}\n", d.render(self.color_stderr));
    }

    /// An error that has no source location (stderr, or a JSON object on stdout).
    pub fn error(&self, message: &str, help: Option<&str>) {
        if self.json() {
            println!("{}", json!({ "ok": false, "error": message, "help": help }));
            return;
        }
        let (red, bold, reset) = if self.color_stderr {
            ("\x1b[1;31m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        eprintln!("{red}error{reset}{bold}: {message}{reset}");
        if let Some(help) = help {
            eprintln!("  = help: {help}");
        }
    }

    /// An error explained: its message, and its help when it has one.
    pub fn explain(&self, e: &dyn Explain) {
        self.error(&e.to_string(), e.help().as_deref());
    }

    /// A line of progress or result for a person (stdout); nothing in JSON mode.
    pub fn say(&self, line: &str) {
        if !self.json() {
            println!("{line}");
        }
    }
}

/// A diagnostic as JSON: code, message, file, line, column, help, related.
pub fn diagnostic_json(d: &Diagnostic) -> Value {
    let place = |loc: &migrate_core::diagnostic::Location| {
        let (line, column) = loc.line_col();
        let (end_line, end_column) = loc.file.line_col(loc.span.end);
        json!({
            "file": loc.file.path.display().to_string(),
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
        })
    };
    let mut v = json!({
        "code": d.code,
        "message": d.message,
        "help": d.help,
    });
    if let Some(loc) = &d.location {
        v["location"] = place(loc);
    }
    if let Some((loc, label)) = &d.related {
        let mut r = place(loc);
        r["label"] = json!(label);
        v["related"] = r;
    }
    v
}
