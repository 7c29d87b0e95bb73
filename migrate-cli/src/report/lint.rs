//! What `lint` reports, and the lint part of `check`, `new` and `hash`: findings in the format
//! asked for, the summary line, and the rules.

use migrate_core::lint::report::{self, FindingJson};
use migrate_core::lint::{FileReport, Level, Rule};
use serde::Serialize;

use super::{Report, to_json};
use crate::cli::Format;
use crate::output::Output;

/// Prints findings in the selected format: text (stderr), JSON lines, GitHub annotations or one
/// SARIF document (stdout). Written through one buffer: a thousand findings are a few writes, not
/// a thousand.
pub fn print_findings(out: &Output, reports: &[FileReport]) {
    let mut buffer = String::new();
    let mut line = |text: String| {
        buffer.push_str(&text);
        buffer.push('\n');
    };
    match out.format {
        Format::Text => {
            for r in reports {
                for f in &r.findings {
                    line(format!("{}\n", report::render(r, f, out.color())));
                }
                for a in &r.allowed {
                    line(report::render_allowed(r, a));
                }
            }
        }
        Format::Json => {
            for r in reports {
                for f in &r.findings {
                    line(to_json(&report::json(r, f)));
                }
                for a in &r.allowed {
                    line(to_json(&report::json_allowed(r, a)));
                }
            }
        }
        Format::Github => {
            for r in reports {
                for f in &r.findings {
                    line(report::github(r, f));
                }
                for a in &r.allowed {
                    line(report::github_allowed(r, a));
                }
            }
        }
        Format::Sarif => line(report::sarif(reports).to_string()),
    }
    let written = if out.format == Format::Text {
        std::io::Write::write_all(&mut std::io::stderr().lock(), buffer.as_bytes())
    } else {
        std::io::Write::write_all(&mut std::io::stdout().lock(), buffer.as_bytes())
    };
    // A closed pipe (`migrate lint | head`) ends the output, not the run.
    let _ = written;
}

/// `2 errors, 1 warning in 3 files checked (1 allowed)` on stderr; `quiet_when_clean` prints a
/// line for a clean run too.
pub fn summary(reports: &[FileReport], clean_line: bool) {
    let count = |level| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.level == level)
            .count()
    };
    let (errors, warnings) = (count(Level::Error), count(Level::Warning));
    let allowed: usize = reports.iter().map(|r| r.allowed.len()).sum();
    if errors + warnings == 0 && !clean_line {
        return;
    }
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "lint: {}, {} in {} checked",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(reports.len(), "file")
    );
    if allowed > 0 {
        line.push_str(&format!(" ({allowed} allowed)"));
    }
    eprintln!("{line}");
}

/// A rule of `lint --rules`: a line of the table, or `{"rule", "level", "summary", "help"}`.
#[derive(Debug, Serialize)]
pub struct RuleShown {
    rule: &'static str,
    level: &'static str,
    summary: &'static str,
    help: &'static str,
}

impl RuleShown {
    pub fn of(rule: &Rule) -> RuleShown {
        RuleShown {
            rule: rule.id,
            level: rule.level.as_str(),
            summary: rule.summary,
            help: rule.help,
        }
    }
}

impl Report for RuleShown {
    fn text(&self, _: &Output) {
        println!("{:<40} {:<8} {}", self.rule, self.level, self.summary);
    }
}

/// Every finding of `reports` for programs.
pub fn findings_json(reports: &[FileReport]) -> Vec<FindingJson<'_>> {
    reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| report::json(r, f)))
        .collect()
}
