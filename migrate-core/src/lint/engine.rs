//! One file through the parser, squawk's rules, `migrate`'s rules, `-- migrate:allow` and
//! `[lint]`'s levels.

use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use squawk_syntax::ast::{self, AstNode};

use super::allow::{self, AllowComment};
use super::catalog::{self, Origin};
use super::rules::{self, Ctx, Raw};
use super::{Allowed, FileReport, Finding, Level, LintConfig};
use crate::config::{Config, Dialect};
use crate::diagnostic::{SourceFile, did_you_mean};

/// What a lint run knows beyond the file: the dialect, the levels, and what the runner does.
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// The dialect the migrations are written in.
    pub dialect: Dialect,
    /// The rule levels of `[lint]`.
    pub levels: LintConfig,
    /// The runner sets `lock_timeout` before each migration (`migrate.toml` does not disable it),
    /// so `require-lock-timeout` has nothing to find.
    pub runner_lock_timeout: bool,
    /// The same for `statement_timeout` and `require-statement-timeout`.
    pub runner_statement_timeout: bool,
}

impl LintOptions {
    /// Default levels, the runner's timeouts on.
    pub fn new(dialect: Dialect) -> LintOptions {
        LintOptions {
            dialect,
            levels: LintConfig::default(),
            runner_lock_timeout: true,
            runner_statement_timeout: true,
        }
    }

    /// The options a project's `migrate.toml` gives.
    pub fn from_config(config: &Config) -> LintOptions {
        LintOptions {
            dialect: config.dialect,
            levels: config.lint.clone(),
            runner_lock_timeout: config.lock_timeout.is_some(),
            runner_statement_timeout: config.statement_timeout.is_some(),
        }
    }

    /// A rule's level in this run: `Off` when it does not apply to the dialect or the runner
    /// already makes it moot.
    fn level(&self, rule: &catalog::Rule) -> Level {
        let applies = rule.applies.to(self.dialect);
        let moot = (rule.id == "require-lock-timeout" && self.runner_lock_timeout)
            || (rule.id == "require-statement-timeout" && self.runner_statement_timeout);
        if applies && !moot {
            self.levels.level(rule)
        } else {
            Level::Off
        }
    }

    /// The options for one file: in a generated one, the schema's own choices are not findings.
    fn for_file(&self, generated: bool) -> LintOptions {
        let mut options = self.clone();
        if generated {
            for id in catalog::SCHEMA_CHOICES {
                options.levels.set(id, Level::Off);
            }
        }
        options
    }

    fn enabled(&self, id: &str) -> bool {
        catalog::find(id).is_some_and(|r| self.level(r) != Level::Off)
    }
}

/// Lints one migration file's text; `path` names it in the report.
///
/// Never panics on any text: squawk's parser gives up on a few statements by panicking (see
/// `guarded`); those statements are reported as `unchecked-statement` and the rest of the file
/// is checked without them.
pub fn lint_source(path: &Path, text: &str, options: &LintOptions) -> FileReport {
    let file = SourceFile::new(path, text);
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    // A batch file's `:batch` is a condition the runner fills in: read as `(true)`, the same
    // length, so every span stays where it was.
    let body = crate::migration::batch::filled(&text[bom..], options.dialect);
    let body = body.as_ref();
    let (mut findings, mut allowed) =
        guarded(|| analyse(body, options)).unwrap_or_else(|| analyse_around_stuck(body, options));
    for f in &mut findings {
        f.span = f.span.start + bom..f.span.end + bom;
    }
    for a in &mut allowed {
        a.finding.span = a.finding.span.start + bom..a.finding.span.end + bom;
    }
    findings.sort_by_key(|f| (f.span.start, f.rule));
    allowed.sort_by_key(|a| (a.finding.span.start, a.finding.rule));
    FileReport {
        file,
        findings,
        allowed,
    }
}

/// The findings of a file's text (without a byte-order mark), and those `-- migrate:allow`
/// suppressed.
fn analyse(body: &str, options: &LintOptions) -> (Vec<Finding>, Vec<Allowed>) {
    analyse_with(body, options, Vec::new())
}

/// [`analyse`], with findings found before parsing (`unchecked-statement`).
fn analyse_with(
    body: &str,
    options: &LintOptions,
    mut raw: Vec<Raw>,
) -> (Vec<Finding>, Vec<Allowed>) {
    let parse = squawk_syntax::SourceFile::parse(body);
    let stmts: Vec<ast::Stmt> = parse.tree().stmts().collect();
    let (directives, directive_errors) = crate::migration::directive::parse(body);
    let no_transaction = directives.no_transaction;
    let generated = is_generated(body);
    let options = &options.for_file(generated);
    let acknowledged = if generated {
        acknowledgements(body)
    } else {
        None
    };

    // `syntax-error` applies where the parser's grammar is the dialect's own.
    if options.enabled("syntax-error") {
        raw.extend(syntax_errors(&parse, body));
    }
    if options.enabled("bad-directive") {
        raw.extend(bad_directives(body, directive_errors));
    }
    raw.extend(squawk_findings(&parse, body, options, no_transaction));
    let ctx = Ctx {
        stmts: &stmts,
        dialect: options.dialect,
        no_transaction,
    };
    raw.extend(rules::check(&ctx, |id| options.enabled(id)));

    let statements: Vec<Range<usize>> = stmts
        .iter()
        .map(|s| rules::code_range(s.syntax()))
        .collect();
    let rebuilds: Vec<Range<usize>> = rules::rebuild_statements(&stmts)
        .into_iter()
        .map(|i| statements[i].clone())
        .collect();
    let type_rebuilds: Vec<Range<usize>> = rules::type_rebuild_statements(&stmts)
        .into_iter()
        .map(|i| statements[i].clone())
        .collect();
    raw.retain(|r| {
        let within = |spans: &[Range<usize>]| spans.iter().any(|s| s.contains(&r.span.start));
        !(matches!(r.rule, "ban-drop-table" | "renaming-table") && within(&rebuilds)
            || r.rule == "destructive-statement" && within(&type_rebuilds))
    });
    // Walking every token for comments costs as much as a rule: only when there can be one.
    let allows = if body.contains(crate::migration::directive::PREFIX) {
        allow::collect(&parse.syntax_node())
    } else {
        Vec::new()
    };
    let (mut findings, mut allowed) = suppress(raw, &allows, &statements, options);
    if let Some(reason) = acknowledged {
        let (covered, rest): (Vec<Finding>, Vec<Finding>) = findings
            .into_iter()
            .partition(|f| catalog::ACKNOWLEDGED_IN_SCHEMA.contains(&f.rule));
        findings = rest;
        allowed.extend(covered.into_iter().map(|finding| Allowed {
            finding,
            reason: reason.clone(),
        }));
    }
    (findings, allowed)
}

/// [`analyse`] for a file on which it panicked: each statement the parser (or a rule) gives up
/// on is blanked out (its bytes become spaces, so every offset stays) and reported as
/// `unchecked-statement`, and the rest is checked. When the file cannot be split into statements,
/// or still panics, the whole file is one `unchecked-statement`.
fn analyse_around_stuck(body: &str, options: &LintOptions) -> (Vec<Finding>, Vec<Allowed>) {
    let whole = || {
        let raw = vec![unchecked(0..body.trim_end().len(), "this file")];
        suppress(raw, &[], &[], options)
    };
    // Split as the parser reads the file.
    let Ok(statements) = crate::sql::split::split(body, Dialect::LINT_GRAMMAR) else {
        return whole();
    };
    let mut blanked = body.as_bytes().to_vec();
    let mut raw = Vec::new();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut cursor = 0;
    for st in &statements {
        let from = line_starts
            .get(st.line - 1)
            .copied()
            .unwrap_or(cursor)
            .max(cursor);
        let Some(at) = body[from..].find(&st.sql).map(|i| from + i) else {
            return whole();
        };
        let span = at..at + st.sql.len();
        cursor = span.end;
        // With its `;`: the parser may give up only where the statement ends.
        if guarded(|| analyse(&format!("{};", st.sql), options)).is_none() {
            for b in &mut blanked[span.clone()] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
            raw.push(unchecked(span, "this statement"));
        }
    }
    // Bytes became ASCII spaces whole characters at a time: still UTF-8.
    let Ok(blanked) = String::from_utf8(blanked) else {
        return whole();
    };
    guarded(|| analyse_with(&blanked, options, raw)).unwrap_or_else(whole)
}

fn unchecked(span: Range<usize>, what: &str) -> Raw {
    Raw {
        rule: "unchecked-statement",
        message: format!(
            "the SQL parser gave up on {what} (a limitation of squawk's grammar, which stops rather than \
             loop): no rule checked it"
        ),
        span,
    }
}

thread_local! {
    /// How many [`guarded`] calls this thread is inside: the panic hook of
    /// [`quiet_parser_panics`] stays silent while it is not zero.
    static GUARDED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `f`, turning a panic into `None`.
///
/// squawk's parser asserts that it makes progress: on a few inputs (e.g. `WITH OIDS`, or a
/// column list that starts with the reserved word `WITH`, both in PostgreSQL's regression
/// tests) it panics with "the parser seems stuck" instead of looping. A lint run must still
/// report every other file and statement, so the analysis runs under `catch_unwind`.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    GUARDED.with(|g| g.set(g.get() + 1));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    GUARDED.with(|g| g.set(g.get() - 1));
    result
}

/// Keeps the panic message of a statement the parser gives up on (see `guarded`) off stderr:
/// installs, once, a panic hook that is silent on a thread while it lints and otherwise calls the
/// hook it replaced. For programs that lint (the `migrate` command); a library leaves the hook
/// alone, so such a panic prints its message there, and the lint run goes on.
pub fn quiet_parser_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(std::cell::Cell::get) == 0 {
                previous(info);
            }
        }));
    });
}

/// Each misspelled, misplaced or malformed `-- migrate:` directive, as the migration directory's
/// own parser found it: the line, with what is wrong and the fix.
fn bad_directives(
    body: &str,
    errors: Vec<crate::migration::directive::DirectiveError>,
) -> Vec<Raw> {
    if errors.is_empty() {
        return Vec::new();
    }
    let lines: Vec<Range<usize>> = line_ranges(body);
    errors
        .into_iter()
        .filter_map(|e| {
            let line = lines.get(e.line - 1)?;
            let text = &body[line.clone()];
            let start = line.start + (text.len() - text.trim_start().len());
            let end = line.start + text.trim_end().len();
            Some(Raw {
                rule: "bad-directive",
                message: format!("{}: {}", e.message, e.help),
                span: start..end,
            })
        })
        .collect()
}

/// The byte range of each line, as `str::lines` reads them (without `\n` or `\r\n`).
fn line_ranges(text: &str) -> Vec<Range<usize>> {
    text.lines()
        .map(|line| {
            let at = line.as_ptr() as usize - text.as_ptr() as usize;
            at..at + line.len()
        })
        .collect()
}

/// Whether `migrate generate` (or `migrate diff`) wrote the file: its header comment says so.
fn is_generated(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with("--"))
        .any(|l| l.starts_with("-- Generated by `migrate "))
}

/// The `-- Acknowledged: ...` lines of a generated file's header, joined: the schema's
/// acknowledgement of the destructive changes the file makes.
fn acknowledgements(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with("--"))
        .filter_map(|l| l.strip_prefix("-- Acknowledged: "))
        .map(|l| l.trim_end_matches('.'))
        .collect();
    (!lines.is_empty()).then(|| format!("acknowledged in the schema: {}", lines.join("; ")))
}

/// The parser's errors, one finding each (at most one per line: the first error on a line
/// explains the rest).
fn syntax_errors(parse: &squawk_syntax::Parse<squawk_syntax::SourceFile>, text: &str) -> Vec<Raw> {
    let mut out: Vec<Raw> = Vec::new();
    let mut last_line = None;
    let (mut line, mut counted) = (0, 0);
    for e in parse.errors() {
        let start = usize::from(e.range().start()).min(text.len());
        let end = usize::from(e.range().end()).max(start);
        // Errors come in file order: count the lines from the previous one on.
        if start >= counted {
            line += text.as_bytes()[counted..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted = start;
        } else {
            line = text.as_bytes()[..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted = start;
        }
        if last_line == Some(line) {
            continue;
        }
        last_line = Some(line);
        out.push(Raw {
            rule: "syntax-error",
            message: format!("syntax error: {}", e.message()),
            span: start..end,
        });
    }
    out
}

/// squawk's findings for the enabled squawk rules.
fn squawk_findings(
    parse: &squawk_syntax::Parse<squawk_syntax::SourceFile>,
    text: &str,
    options: &LintOptions,
    no_transaction: bool,
) -> Vec<Raw> {
    let rules: Vec<squawk_linter::Rule> = catalog::RULES
        .iter()
        .filter(|r| r.origin == Origin::Squawk && options.level(r) != Level::Off)
        .filter_map(|r| squawk_linter::Rule::from_str(r.id).ok())
        .collect();
    if rules.is_empty() {
        return Vec::new();
    }
    let mut linter = squawk_linter::Linter::from(rules);
    linter.settings.assume_in_transaction = !no_transaction;
    linter
        .lint(parse, text)
        .into_iter()
        .filter(|v| !is_idempotent_action(v, text) && !is_stable_default(v, text))
        .filter_map(|v| {
            let rule = catalog::find(&v.code.to_string())?;
            Some(Raw {
                rule: rule.id,
                message: v.message,
                span: usize::from(v.text_range.start())..usize::from(v.text_range.end()),
            })
        })
        .collect()
}

/// Whether a `prefer-robust-stmts` finding is about an action that runs again without failing:
/// `SET`/`DROP NOT NULL`, `SET`/`DROP DEFAULT` and `VALIDATE CONSTRAINT` (squawk flags every
/// ALTER TABLE action it has no `IF [NOT] EXISTS` form for).
fn is_idempotent_action(v: &squawk_linter::Violation, text: &str) -> bool {
    if v.code != squawk_linter::Rule::PreferRobustStmts {
        return false;
    }
    let span = usize::from(v.text_range.start())..usize::from(v.text_range.end());
    let Some(action) = text.get(span) else {
        return false;
    };
    let words: Vec<String> = action
        .split_whitespace()
        .map(str::to_ascii_uppercase)
        .collect();
    let tail: Vec<&str> = words
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(String::as_str)
        .collect();
    match words.first().map(String::as_str) {
        Some("VALIDATE") => true,
        Some("ALTER") => {
            matches!(
                tail.as_slice(),
                ["SET" | "DROP", "NOT"] | ["NOT", "NULL"] | [_, "DEFAULT"]
            ) || words.iter().any(|w| w == "DEFAULT") && !words.iter().any(|w| w == "TYPE")
        }
        _ => false,
    }
}

/// Whether an `adding-field-with-default` finding is about a default PostgreSQL 11+ evaluates
/// once and stores without a rewrite, which squawk takes for volatile: `CURRENT_DATE`,
/// `CURRENT_TIME`, `LOCALTIME`, `LOCALTIMESTAMP` (stable; squawk accepts only
/// `CURRENT_TIMESTAMP` and `now()`), and a signed number (`-0.25`: squawk sees the minus as an
/// operator call).
fn is_stable_default(v: &squawk_linter::Violation, text: &str) -> bool {
    if v.code != squawk_linter::Rule::AddingFieldWithDefault {
        return false;
    }
    let span = usize::from(v.text_range.start())..usize::from(v.text_range.end());
    let Some(expr) = text.get(span) else {
        return false;
    };
    let word = expr
        .split('(')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    matches!(
        word.as_str(),
        "CURRENT_DATE" | "CURRENT_TIME" | "CURRENT_TIMESTAMP" | "LOCALTIME" | "LOCALTIMESTAMP"
    ) || is_signed_number(expr)
}

/// `-1`, `+0.5`, `-1.5e3`, `- 2`: a sign, then a numeric literal.
fn is_signed_number(expr: &str) -> bool {
    let Some(rest) = expr.trim().strip_prefix(['-', '+']) else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-' | '_'))
        && rest.replace('_', "").parse::<f64>().is_ok()
}

/// Applies the `-- migrate:allow` comments and the levels: `(findings, allowed)`.
fn suppress(
    raw: Vec<Raw>,
    allows: &[AllowComment],
    statements: &[Range<usize>],
    options: &LintOptions,
) -> (Vec<Finding>, Vec<Allowed>) {
    // The statement each allow comment is about: the first that starts after it.
    let target: Vec<Option<usize>> = allows
        .iter()
        .map(|a| statements.iter().position(|s| s.start >= a.span.end))
        .collect();
    let mut used = vec![false; allows.len()];
    let mut findings = Vec::new();
    let mut allowed = Vec::new();
    let mut meta = Vec::new();

    for (a, allow) in allows.iter().enumerate() {
        if allow.reason.is_empty() {
            meta.push(Raw {
                rule: "allow-without-reason",
                message: "`-- migrate:allow` without a reason".into(),
                span: allow.span.clone(),
            });
            used[a] = true; // reported once, as this
        }
        if allow.rules.is_empty() {
            meta.push(Raw {
                rule: "unknown-rule",
                message: "`-- migrate:allow` names no rule".into(),
                span: allow.span.clone(),
            });
            used[a] = true;
        }
        for (name, span) in &allow.rules {
            if catalog::find(name).is_none() {
                let hint = did_you_mean(name, catalog::ids())
                    .map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
                meta.push(Raw {
                    rule: "unknown-rule",
                    message: format!("`-- migrate:allow` names no rule `{name}`{hint}"),
                    span: span.clone(),
                });
                used[a] = true;
            }
        }
    }

    for r in raw {
        let Some(rule) = catalog::find(r.rule) else {
            continue;
        };
        let level = options.level(rule);
        if level == Level::Off {
            continue;
        }
        let stmt = statement_of(statements, r.span.start);
        let by = allows.iter().enumerate().find(|(a, allow)| {
            target[*a].is_some()
                && target[*a] == stmt
                && !allow.reason.is_empty()
                && allow.rules.iter().any(|(n, _)| n == rule.id)
        });
        let finding = Finding {
            rule: rule.id,
            level,
            message: r.message,
            help: rule.help.to_string(),
            span: r.span,
        };
        match by {
            Some((a, allow)) => {
                used[a] = true;
                allowed.push(Allowed {
                    finding,
                    reason: allow.reason.clone(),
                });
            }
            None => findings.push(finding),
        }
    }

    for (a, allow) in allows.iter().enumerate() {
        if !used[a] {
            meta.push(Raw {
                rule: "unused-allow",
                message: format!(
                    "`-- migrate:allow {}` suppresses nothing in the statement after it",
                    allow
                        .rules
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                span: allow.span.clone(),
            });
        }
    }
    for m in meta {
        let Some(rule) = catalog::find(m.rule) else {
            continue;
        };
        let level = options.level(rule);
        if level != Level::Off {
            findings.push(Finding {
                rule: rule.id,
                level,
                message: m.message,
                help: rule.help.to_string(),
                span: m.span,
            });
        }
    }
    (findings, allowed)
}

/// The index of the statement holding byte `at`: the last one starting at or before it.
fn statement_of(statements: &[Range<usize>], at: usize) -> Option<usize> {
    statements.iter().rposition(|s| s.start <= at)
}
