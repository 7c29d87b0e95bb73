//! Findings for people and for programs: the project's diagnostic style (file:line:col, the source
//! line, the span underlined, `help:`), one JSON object per finding, GitHub workflow annotations,
//! and SARIF 2.1.0 for code-scanning tools.

use serde_json::{Value, json};

use super::{Allowed, FileReport, Finding, Level, catalog};
use crate::diagnostic::{Location, Place};

/// A finding in the project's diagnostic style, with the source line and the span underlined.
pub fn render(report: &FileReport, finding: &Finding, color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Level as SnippetLevel, Renderer, Snippet};

    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let level = match finding.level {
        Level::Error => SnippetLevel::ERROR,
        Level::Warning | Level::Off => SnippetLevel::WARNING,
    };
    let text = report.file.text.as_str();
    let bom = text.len() - text.trim_start_matches('\u{feff}').len();
    let source = &text[bom..];
    let span = clamp(
        source,
        finding.span.start.saturating_sub(bom)..finding.span.end.saturating_sub(bom),
    );
    let group = level
        .primary_title(finding.message.as_str())
        .id(finding.rule)
        .element(
            Snippet::source(source)
                .path(report.file.path.to_string_lossy())
                .annotation(AnnotationKind::Primary.span(span)),
        )
        .element(SnippetLevel::HELP.message(finding.help.as_str()));
    renderer.render(&[group])
}

/// A suppressed finding, for review output: where, which rule, and the reason given.
pub fn render_allowed(report: &FileReport, allowed: &Allowed) -> String {
    let (line, col) = report.line_col(&allowed.finding);
    format!(
        "note: {}:{line}:{col}: `{}` allowed: {}",
        report.file.path.display(),
        allowed.finding.rule,
        allowed.reason
    )
}

/// `path:line:col: level[rule]: message (help: ...)` on one line, as `cargo:warning` shows it.
pub fn one_line(report: &FileReport, finding: &Finding) -> String {
    let (line, col) = report.line_col(finding);
    format!(
        "{}:{line}:{col}: {}[{}]: {} (help: {})",
        report.file.path.display(),
        finding.level,
        finding.rule,
        finding.message,
        finding.help
    )
}

/// A finding for programs: `file`, `line`, `column`, `end_line`, `end_column`, `rule`, `level`,
/// `message`, `help`; a suppressed one has `level` `"allowed"` and its `reason`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FindingJson<'a> {
    /// Where: file, line and column of the start and the end.
    #[serde(flatten)]
    pub place: Place,
    /// The rule's id.
    pub rule: &'static str,
    /// `error`, `warning` or `allowed`.
    pub level: &'static str,
    /// What is wrong.
    pub message: &'a str,
    /// The safe rewrite.
    pub help: &'a str,
    /// Why it is allowed (`-- migrate:allow RULE: reason`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
}

/// One finding as JSON (see [`FindingJson`]).
pub fn json<'a>(report: &FileReport, finding: &'a Finding) -> FindingJson<'a> {
    FindingJson {
        place: Place::of(&Location::new(&report.file, finding.span.clone())),
        rule: finding.rule,
        level: finding.level.as_str(),
        message: &finding.message,
        help: &finding.help,
        reason: None,
    }
}

/// A suppressed finding as JSON: as [`json()`], with `level` `"allowed"` and the `reason`.
pub fn json_allowed<'a>(report: &FileReport, allowed: &'a Allowed) -> FindingJson<'a> {
    FindingJson {
        level: "allowed",
        reason: Some(&allowed.reason),
        ..json(report, &allowed.finding)
    }
}

/// A GitHub Actions workflow command (`::error file=...::message`) for a finding.
pub fn github(report: &FileReport, finding: &Finding) -> String {
    let (line, col) = report.file.line_col(finding.span.start);
    let (end_line, end_col) = report.file.line_col(finding.span.end);
    let command = match finding.level {
        Level::Error => "error",
        Level::Warning | Level::Off => "warning",
    };
    format!(
        "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
        escape_property(&report.file.path.display().to_string()),
        escape_property(&format!("migrate lint: {}", finding.rule)),
        escape_data(&format!("{}\nhelp: {}", finding.message, finding.help)),
    )
}

/// A GitHub `::notice` for a suppressed finding, so reviewers see the reason beside the line.
pub fn github_allowed(report: &FileReport, allowed: &Allowed) -> String {
    let (line, col) = report.file.line_col(allowed.finding.span.start);
    format!(
        "::notice file={},line={line},col={col},title={}::{}",
        escape_property(&report.file.path.display().to_string()),
        escape_property(&format!("migrate lint: {} allowed", allowed.finding.rule)),
        escape_data(&format!(
            "{}\nallowed: {}",
            allowed.finding.message, allowed.reason
        )),
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Every finding of every file as one SARIF 2.1.0 log; suppressed findings carry an in-source
/// suppression with their reason.
pub fn sarif(reports: &[FileReport]) -> Value {
    let rules: Vec<Value> = catalog::RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.summary },
                "help": { "text": r.help },
                "defaultConfiguration": { "level": sarif_level(r.level) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        for f in &report.findings {
            results.push(sarif_result(report, f, None));
        }
        for a in &report.allowed {
            results.push(sarif_result(report, &a.finding, Some(&a.reason)));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "migrate lint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Off => "none",
    }
}

fn sarif_result(report: &FileReport, f: &Finding, reason: Option<&str>) -> Value {
    let (line, col) = report.file.line_col(f.span.start);
    let (end_line, end_col) = report.file.line_col(f.span.end);
    let index = catalog::RULES.iter().position(|r| r.id == f.rule);
    let mut v = json!({
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": sarif_level(f.level),
        "message": { "text": format!("{}\nhelp: {}", f.message, f.help) },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": uri(&report.file.path) },
            "region": {
                "startLine": line, "startColumn": col,
                "endLine": end_line, "endColumn": end_col,
            },
        }}],
    });
    if let Some(reason) = reason {
        v["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
    }
    v
}

/// A relative URI for a path (forward slashes; SARIF consumers resolve it against the checkout).
fn uri(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").unwrap_or(&s).replace(' ', "%20")
}

fn clamp(text: &str, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start);
    start..floor(span.end).max(start)
}
