//! Where output goes and how it looks: colour only on a terminal, JSON when asked.

use std::io::IsTerminal;

use migrate_core::{Diagnostic, Explain};

use crate::cli::{ColorChoice, Format, Global};
use crate::report::{Failure, Report};

#[derive(Debug)]
pub struct Output {
    pub format: Format,
    color_stderr: bool,
    color_stdout: bool,
}

/// What a coloured word means, for [`Output::paint`] and [`Output::paint_err`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Done, fine: green.
    Good,
    /// Waiting, to be done: yellow.
    Waiting,
    /// Needs attention: bold red.
    Bad,
    /// In progress: cyan.
    Busy,
    /// Beside the point: dim.
    Quiet,
}

impl Tone {
    fn code(self) -> &'static str {
        match self {
            Tone::Good => "\x1b[32m",
            Tone::Waiting => "\x1b[33m",
            Tone::Bad => "\x1b[1;31m",
            Tone::Busy => "\x1b[36m",
            Tone::Quiet => "\x1b[2m",
        }
    }
}

impl Output {
    pub fn new(global: &Global) -> Output {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let auto = |terminal: bool| match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color_env && terminal,
        };
        Output {
            format: global.format,
            color_stderr: auto(std::io::stderr().is_terminal()),
            color_stdout: auto(std::io::stdout().is_terminal()),
        }
    }

    /// `text` coloured for stdout, when stdout gets colour.
    pub fn paint(&self, text: &str, tone: Tone) -> String {
        paint(self.color_stdout, text, tone)
    }

    /// `text` coloured for stderr, when stderr gets colour.
    pub fn paint_err(&self, text: &str, tone: Tone) -> String {
        paint(self.color_stderr, text, tone)
    }

    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// Whether stderr gets colour.
    pub fn color(&self) -> bool {
        self.color_stderr
    }

    /// Prints a report: one line of JSON (keys in alphabetical order) for programs, its text for
    /// people.
    pub fn emit(&self, report: &impl Report) {
        if self.json() {
            println!("{}", crate::report::to_json(report));
        } else {
            report.text(self);
        }
    }

    /// An error that has no source location, as a [`Failure`].
    pub fn error(&self, message: &str, help: Option<&str>) {
        self.emit(&Failure::new(message, help));
    }

    /// An error explained: its message, and its help when it has one.
    pub fn explain(&self, e: &dyn Explain) {
        self.error(&e.to_string(), e.help().as_deref());
    }

    /// `error: message` and `  = help: ...` for a person (stderr).
    pub fn error_text(&self, message: &str, help: Option<&str>) {
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

    /// A diagnostic for a person, with the source line shown (stderr).
    pub fn diagnostic(&self, d: &Diagnostic) {
        eprintln!("{}\n", d.render(self.color_stderr));
    }

    /// A line of progress or result for a person (stdout); nothing in JSON mode.
    pub fn say(&self, line: &str) {
        if !self.json() {
            println!("{line}");
        }
    }

    /// A note for a person (stderr); nothing in JSON mode.
    pub fn note(&self, line: &str) {
        if !self.json() {
            eprintln!("{line}");
        }
    }
}

fn paint(on: bool, text: &str, tone: Tone) -> String {
    if on {
        format!("{}{text}\x1b[0m", tone.code())
    } else {
        text.to_string()
    }
}
