//! `-- migrate:` directives: the one parser the directory check, the runner and
//! `embed_migrations!` share, so what `migrate check` accepts is exactly what runs.
//!
//! A directive is a line comment `-- migrate:KEY` or `-- migrate:KEY VALUE`:
//!
//! | directive | where | means |
//! |---|---|---|
//! | `-- migrate:no-transaction` | top of the file | run statement by statement, outside a transaction |
//! | `-- migrate:lock-timeout 10s` | top of the file | this file's `lock_timeout` |
//! | `-- migrate:statement-timeout 2h` | top of the file | this file's `statement_timeout` |
//! | `-- migrate:secure` | top of the file | a placeholder: environments with `extra_migration_paths` must supply its content |
//! | `-- migrate:contract` | top of the file | the contract step of an expand/contract change: `migrate up` applies it only with `--contract` (or `migrate contract VERSION`) |
//! | `-- migrate:allow RULE: reason` | before any statement | suppresses one lint finding for the next statement |
//! | `-- migrate:batch table=T [key=a,b] [size=N]` | top of the file | a batched backfill: one `UPDATE`/`DELETE` with `:batch`, run in short keyset batches ([`BatchSpec`]) |
//! | `-- migrate:family name=F pattern=P [schema=S] [lock_budget=N\|T\|N,T]` | top of the file | a change to a table family's template, applied to every member the database holds when it runs ([`FamilySpec`]): the statements name the member `"{member}"` |
//! | `-- migrate:rust name=F table=T [key=a,b] [size=N]` | top of the file | a data migration in Rust: the function the application's `Migrator` registered as `F`, run over `T` in the same keyset batches ([`RustSpec`]); the file holds no SQL |
//!
//! The top of the file is every line before the first one that is neither blank nor a `--`
//! comment. A line that looks like a directive and is not one of these, as written, is an error:
//! a misspelled key (`lock_timeout`, `no-transactions`), a missing space (`--migrate:`), a file
//! directive below the first statement, a value where none is taken or a duration that is not one.
//! Silently ignoring any of them would run the file differently from how its author meant.

use std::time::Duration;

use crate::diagnostic::did_you_mean;
use crate::dialect::Dialect;
use crate::duration::{self, DurationError};
use crate::sql::lex::{Token, TokenKind, lex};

/// A well-formed directive as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The word after `-- migrate:` (`no-transaction`, `lock-timeout`).
    pub key: String,
    /// What follows the key, if anything (`5s`).
    pub value: Option<String>,
    /// The 1-based line it is on.
    pub line: usize,
}

/// What a migration's directives say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Directives {
    /// `-- migrate:no-transaction`.
    pub no_transaction: bool,
    /// `-- migrate:secure`: a placeholder whose content each environment with
    /// `extra_migration_paths` must supply.
    pub secure: bool,
    /// `-- migrate:lock-timeout` (zero: none for this file).
    pub lock_timeout: Option<Duration>,
    /// `-- migrate:statement-timeout` (zero: none for this file).
    pub statement_timeout: Option<Duration>,
    /// `-- migrate:contract`: the contract step of an expand/contract change, applied only on
    /// request once the old code is gone.
    pub contract: bool,
    /// `-- migrate:batch table=…`: the file is a batched backfill.
    pub batch: Option<BatchSpec>,
    /// `-- migrate:rust name=… table=…`: the file stands for a data migration in Rust.
    pub rust: Option<RustSpec>,
    /// `-- migrate:family name=… pattern=…`: the file changes every member of a table family.
    pub family: Option<FamilySpec>,
    /// Every well-formed directive, in file order.
    pub all: Vec<Directive>,
}

impl Directives {
    /// The first directive with this key.
    pub fn get(&self, key: &str) -> Option<&Directive> {
        self.all.iter().find(|d| d.key == key)
    }
}

/// A directive that is misspelled, misplaced or malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveError {
    /// The 1-based line it is on.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// What is wrong with one directive line and how to fix it: a [`DirectiveError`] without its
/// line ([`read_line`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LineError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl LineError {
    fn new(message: String, help: String) -> LineError {
        LineError { message, help }
    }
}

/// What a directive takes after its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Takes {
    Nothing,
    Duration,
    Text,
    /// `name=value` pairs ([`batch_spec`]).
    Params,
}

/// The directives that exist: key, what follows it, and whether it may stand below the top.
const KNOWN: &[(&str, Takes, bool)] = &[
    ("no-transaction", Takes::Nothing, false),
    ("lock-timeout", Takes::Duration, false),
    ("statement-timeout", Takes::Duration, false),
    ("secure", Takes::Nothing, false),
    ("contract", Takes::Nothing, false),
    ("allow", Takes::Text, true),
    ("batch", Takes::Params, false),
    ("rust", Takes::Params, false),
    ("family", Takes::Params, false),
];

/// The prefix of every directive.
pub const PREFIX: &str = "-- migrate:";

/// The text after `migrate:` when `line` looks like a directive (`--`, optional whitespace,
/// `migrate:` in any case), and whether it is written exactly as `-- migrate:`.
fn directive_like(line: &str) -> Option<(&str, bool)> {
    let rest = line.trim_start().strip_prefix("--")?;
    let body = rest.trim_start();
    let head = body.get(..8)?;
    if !head.eq_ignore_ascii_case("migrate:") {
        return None;
    }
    let exact = head == "migrate:" && rest.starts_with(char::is_whitespace);
    Some((&body[8..], exact))
}

/// Whether a line is a directive, or looks like one (so it is never a description).
pub fn is_directive_like(line: &str) -> bool {
    directive_like(line).is_some()
}

/// Whether a line belongs to the top of a file: blank, or a `--` comment.
fn is_header_line(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with("--")
}

/// One line that is a directive as written, read on its own (where it stands is checked by
/// [`parse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineDirective<'a> {
    /// One of the known keys.
    pub key: &'static str,
    /// The text after the key, trimmed; `None` when there is none.
    pub value: Option<&'a str>,
    /// The byte offset of `value` in the line (the line's length when there is none).
    pub value_at: usize,
    /// A duration value.
    pub duration: Option<Duration>,
    /// Whether it may stand below the top of the file.
    anywhere: bool,
}

/// Reads one line: `None` when it does not look like a directive; an error (message, help) when
/// it looks like one and is not one as written: a missing space, a key in upper case, a
/// misspelled key, a value where none is taken, a missing value, a duration that is not one.
///
/// The one reading of a directive line: [`parse`] (the directory check, the runner,
/// `embed_migrations!`) and `migrate lint`'s `-- migrate:allow` use it alike.
pub fn read_line(line: &str) -> Option<Result<LineDirective<'_>, LineError>> {
    let (rest, exact) = directive_like(line)?;
    let rest = rest.trim();
    let (key, value) = match rest.split_once(char::is_whitespace) {
        Some((k, v)) => (k, Some(v.trim()).filter(|v| !v.is_empty())),
        None => (rest, None),
    };
    // Every piece is a slice of `line`: the value's offset is where its text starts.
    let value_at = value.map_or(line.len(), |v| v.as_ptr() as usize - line.as_ptr() as usize);
    let written = match value {
        Some(v) => format!("{PREFIX}{key} {v}"),
        None => format!("{PREFIX}{key}"),
    };
    if !exact {
        return Some(Err(LineError::new(
            format!("`{}` is not a directive as written", line.trim()),
            format!("write it as `{written}`: `--`, a space, then `migrate:` in lower case"),
        )));
    }
    let Some(&(known, takes, anywhere)) = KNOWN.iter().find(|(k, _, _)| *k == key) else {
        return Some(Err(LineError::new(
            unknown_message(key),
            unknown_help(key, value),
        )));
    };
    let duration = match (takes, value) {
        (Takes::Nothing, Some(v)) => {
            return Some(Err(LineError::new(
                format!("`{PREFIX}{known}` takes no value, found `{v}`"),
                format!("write `{PREFIX}{known}` alone on its line"),
            )));
        }
        (Takes::Duration, None) => {
            return Some(Err(LineError::new(
                format!("`{PREFIX}{known}` needs a duration"),
                format!("write e.g. `{PREFIX}{known} 5s` (units: ms, s, min, h; 0 disables)"),
            )));
        }
        (Takes::Duration, Some(v)) => match duration::parse(v) {
            Ok(d) => Some(d),
            Err(e) => {
                let example = match e {
                    DurationError::Malformed => "5s",
                    DurationError::TooLong => "1h",
                };
                return Some(Err(LineError::new(
                    format!("`{v}` in `{PREFIX}{known}` is {e}"),
                    format!(
                        "write e.g. `{PREFIX}{known} {example}` (units: {}; 0 disables)",
                        duration::UNITS
                    ),
                )));
            }
        },
        (Takes::Params, None) if known == "family" => {
            return Some(Err(LineError::new(
                format!("`{PREFIX}family` needs `name=<family> pattern=<pattern>`"),
                format!(
                    "write e.g. `{FAMILY_EXAMPLE}` (optionally `schema=audience` and `lock_budget=100`)"
                ),
            )));
        }
        (Takes::Params, None) => {
            let name = if known == "rust" {
                "name=fill_slugs "
            } else {
                ""
            };
            return Some(Err(LineError::new(
                format!("`{PREFIX}{known}` needs `{name}table=<table>`"),
                format!(
                    "write e.g. `{PREFIX}{known} {name}table=pets` (optionally `key=id` and `size=1000`)"
                ),
            )));
        }
        (Takes::Text, None) => {
            return Some(Err(LineError::new(
                format!("`{PREFIX}{known}` needs a rule and a reason"),
                format!("write `{PREFIX}{known} RULE: why this statement is safe`"),
            )));
        }
        _ => None,
    };
    Some(Ok(LineDirective {
        key: known,
        value,
        value_at,
        duration,
        anywhere,
    }))
}

/// Reads every directive of a migration's text; every line that looks like a directive and is
/// not a valid one in its place is an error.
pub fn parse(content: &str) -> (Directives, Vec<DirectiveError>) {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut out = Directives::default();
    let mut errors = Vec::new();
    let mut in_header = true;
    for (i, line) in content.lines().enumerate() {
        let n = i + 1;
        in_header = in_header && is_header_line(line);
        let mut error = |e: LineError| {
            errors.push(DirectiveError {
                line: n,
                message: e.message,
                help: e.help,
            })
        };
        let d = match read_line(line) {
            None => continue,
            Some(Err(e)) => {
                error(e);
                continue;
            }
            Some(Ok(d)) => d,
        };
        let known = d.key;
        let written = match d.value {
            Some(v) => format!("{PREFIX}{known} {v}"),
            None => format!("{PREFIX}{known}"),
        };
        if !in_header && !d.anywhere {
            error(LineError::new(
                format!(
                    "`{written}` is not at the top of the file (it follows SQL or a `/*` comment), where \
                     it has no effect"
                ),
                "move it to the top of the file, before any SQL (comments and blank lines may come first)"
                    .into(),
            ));
            continue;
        }
        if !d.anywhere
            && let Some(first) = out.get(known)
        {
            let first = first.line;
            error(LineError::new(
                format!("`{PREFIX}{known}` is given twice (first on line {first})"),
                "keep one of them".into(),
            ));
            continue;
        }
        match known {
            "no-transaction" => out.no_transaction = true,
            "secure" => out.secure = true,
            "contract" => out.contract = true,
            "lock-timeout" => out.lock_timeout = d.duration,
            "statement-timeout" => out.statement_timeout = d.duration,
            "batch" => match batch_spec(d.value.unwrap_or(""), n) {
                Ok(spec) => out.batch = Some(spec),
                Err(e) => {
                    error(e);
                    continue;
                }
            },
            "family" => match family_spec(d.value.unwrap_or(""), n) {
                Ok(spec) => out.family = Some(spec),
                Err(e) => {
                    error(e);
                    continue;
                }
            },
            "rust" => match rust_spec(d.value.unwrap_or(""), n) {
                Ok(spec) => out.rust = Some(spec),
                Err(e) => {
                    error(e);
                    continue;
                }
            },
            _ => {}
        }
        out.all.push(Directive {
            key: known.to_string(),
            value: d.value.map(str::to_string),
            line: n,
        });
    }
    if let (Some(batch), Some(no_tx)) = (&out.batch, out.get("no-transaction")) {
        errors.push(DirectiveError {
            line: no_tx.line.max(batch.line),
            message: format!(
                "`{PREFIX}batch` and `{PREFIX}no-transaction` cannot be combined: a batch file already runs \
                 outside a whole-file transaction, one short transaction per batch"
            ),
            help: format!("remove `{PREFIX}no-transaction`"),
        });
    }
    if let Some(rust) = &out.rust {
        for other in ["batch", "no-transaction", "secure"] {
            if let Some(d) = out.get(other) {
                errors.push(DirectiveError {
                    line: d.line.max(rust.batch.line),
                    message: format!(
                        "`{PREFIX}rust` and `{PREFIX}{other}` cannot be combined: the file stands for a data \
                         migration in Rust, which runs one short transaction per batch"
                    ),
                    help: format!("remove `{PREFIX}{other}`"),
                });
            }
        }
    }
    if let Some(family) = &out.family {
        for other in ["batch", "rust", "no-transaction", "secure", "contract"] {
            if let Some(d) = out.get(other) {
                errors.push(DirectiveError {
                    line: d.line.max(family.line),
                    message: format!(
                        "`{PREFIX}family` and `{PREFIX}{other}` cannot be combined: a family migration runs \
                         its statements on every member, in one transaction or in batches of members"
                    ),
                    help: format!("remove `{PREFIX}{other}`"),
                });
            }
        }
    }
    (out, errors)
}

const FAMILY_EXAMPLE: &str = "-- migrate:family name=audience_data pattern=audience_data_{app}";

/// How much one transaction of a family migration may take: at most `tables` members, or members
/// until `time` has passed (at least one member each). With neither, all members go in one
/// transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LockBudget {
    /// At most this many member tables per transaction.
    pub tables: Option<u32>,
    /// No new member once a transaction has run this long.
    pub time: Option<Duration>,
}

/// `-- migrate:family name=<family> pattern=<prefix{key}suffix> [schema=<schema>]
/// [lock_budget=<tables>|<duration>|<tables>,<duration>]`: the file's statements change one
/// member, named `"{member}"` in them ([`crate::family::MEMBER`]); the runner finds the members
/// when it runs (tables of `schema` whose name matches `pattern`) and applies the statements to
/// each: all in one transaction, or, with `lock_budget`, in resumable batches of members tracked
/// in the progress table, as a backfill is.
///
/// Values are written bare or in double quotes (`""` for a quote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilySpec {
    /// The family's name (`[families.NAME]`).
    pub name: String,
    /// The member pattern.
    pub pattern: crate::family::Pattern,
    /// The schema the members live in.
    pub schema: Option<String>,
    /// How much one transaction may take; `None`: every member in one transaction.
    pub lock_budget: Option<LockBudget>,
    /// The 1-based line of the directive.
    pub line: usize,
}

/// Why `name=value` words could not be read: the message, whose help the directive gives.
#[derive(Debug)]
struct ParamsError(String);

impl std::fmt::Display for ParamsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `name=value` words, values bare or double-quoted.
fn params(value: &str) -> Result<Vec<(String, String)>, ParamsError> {
    let mut out = Vec::new();
    let mut chars = value.trim().chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            name.push(c);
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(ParamsError(format!("`{name}` is not `name=value`")));
        }
        let mut val = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        val.push('"');
                    }
                    Some('"') => break,
                    Some(c) => val.push(c),
                    None => {
                        return Err(ParamsError(format!(
                            "the value of `{name}=` has a quote that is never closed"
                        )));
                    }
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                val.push(c);
                chars.next();
            }
        }
        out.push((name, val));
    }
}

/// The parameters of `-- migrate:family` ([`FamilySpec`]).
fn family_spec(value: &str, line: usize) -> Result<FamilySpec, LineError> {
    const PARAMS: [&str; 4] = ["name", "pattern", "schema", "lock_budget"];
    let example = FAMILY_EXAMPLE;
    let pairs = params(value).map_err(|m| {
        LineError::new(
            format!("`{PREFIX}family`: {m}"),
            format!("write the parameters as `name=value` separated by spaces: `{example}`"),
        )
    })?;
    let (mut name, mut pattern, mut schema, mut budget) = (None, None, None, None);
    let mut seen: Vec<&str> = Vec::new();
    for (k, v) in pairs {
        let Some(&param) = PARAMS.iter().find(|p| **p == k) else {
            let help = match did_you_mean(&k, PARAMS.iter().copied()) {
                Some(p) => format!("did you mean `{p}=`? (`{example}`)"),
                None => format!(
                    "the parameters are `name=`, `pattern=`, `schema=` and `lock_budget=`: `{example}`"
                ),
            };
            return Err(LineError::new(
                format!("`{k}=` is not a parameter of `{PREFIX}family`"),
                help,
            ));
        };
        if seen.contains(&param) {
            return Err(LineError::new(
                format!("`{param}=` is given twice in `{PREFIX}family`"),
                "keep one of them".into(),
            ));
        }
        seen.push(param);
        if v.is_empty() || v.contains('\0') {
            return Err(LineError::new(
                format!("`{param}=` in `{PREFIX}family` has no value"),
                format!("write e.g. `{example}`"),
            ));
        }
        match param {
            "name" => name = Some(v),
            "pattern" => match crate::family::Pattern::parse(&v) {
                Ok(p) => pattern = Some(p),
                Err(e) => {
                    return Err(LineError::new(
                        format!("`pattern={v}` in `{PREFIX}family` {e}"),
                        format!("write one placeholder in braces: `{example}`"),
                    ));
                }
            },
            "schema" => schema = Some(v),
            _ => budget = Some(lock_budget(&v)?),
        }
    }
    let (Some(name), Some(pattern)) = (name, pattern) else {
        return Err(LineError::new(
            format!("`{PREFIX}family` needs `name=<family>` and `pattern=<pattern>`"),
            format!("write e.g. `{example}`"),
        ));
    };
    Ok(FamilySpec {
        name,
        pattern,
        schema,
        lock_budget: budget,
        line,
    })
}

/// `lock_budget=100`, `lock_budget=5s` or `lock_budget=100,5s`; an error when it is none of
/// them.
pub(crate) fn lock_budget(v: &str) -> Result<LockBudget, LineError> {
    let bad = || {
        LineError::new(
            format!("`lock_budget={v}` in `{PREFIX}family` is not a number of tables, a duration, or both"),
            "write e.g. `lock_budget=100` (at most 100 member tables per transaction), `lock_budget=5s`, or `lock_budget=100,5s`".to_string(),
        )
    };
    let mut b = LockBudget::default();
    for part in v.split(',') {
        let part = part.trim();
        if let Ok(n) = part.parse::<u32>() {
            if n == 0 || b.tables.is_some() {
                return Err(bad());
            }
            b.tables = Some(n);
        } else if let Ok(d) = duration::parse(part) {
            if d.is_zero() || b.time.is_some() {
                return Err(bad());
            }
            b.time = Some(d);
        } else {
            return Err(bad());
        }
    }
    Ok(b)
}

/// `-- migrate:rust name=<function> table=<table> [key=<col>,…] [size=<rows>]`: a data
/// migration in Rust. `name` is what the application registers the function under
/// (`Migrator::data_migration("fill_slugs", …)`); the rest walks the table as
/// `-- migrate:batch` does ([`BatchSpec`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustSpec {
    /// The registered function's name: a Rust-like identifier (letters, digits, `_`).
    pub name: String,
    /// The table, key and batch size of the walk.
    pub batch: BatchSpec,
}

/// The parameters of `-- migrate:rust` ([`RustSpec`]).
fn rust_spec(value: &str, line: usize) -> Result<RustSpec, LineError> {
    let example = format!("{PREFIX}rust name=fill_slugs table=pets");
    // `name=` anywhere among the parameters, outside double quotes; the rest is `batch`'s.
    let mut name: Option<&str> = None;
    let mut rest = String::new();
    let mut quoted = false;
    let mut at = 0;
    for (i, c) in value.char_indices() {
        if c == '"' {
            quoted = !quoted;
        }
        let word_start = i == 0 || value[..i].ends_with(char::is_whitespace);
        if quoted || i < at || !word_start || !value[i..].starts_with("name=") {
            continue;
        }
        let end = value[i..]
            .find(char::is_whitespace)
            .map_or(value.len(), |n| i + n);
        if name.is_some() {
            return Err(LineError::new(
                format!("`name=` is given twice in `{PREFIX}rust`"),
                "keep one of them".into(),
            ));
        }
        name = Some(&value[i + 5..end]);
        rest.push_str(&value[at..i]);
        at = end;
    }
    rest.push_str(&value[at..]);
    let Some(name) = name else {
        return Err(LineError::new(
            format!(
                "`{PREFIX}rust` needs `name=<function>`: the name the application's Migrator registers \
                 the data migration under"
            ),
            format!("write e.g. `{example}`"),
        ));
    };
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        return Err(LineError::new(
            format!("`name={name}` in `{PREFIX}rust` is not a name of letters, digits and `_`"),
            format!("write e.g. `{example}`"),
        ));
    }
    let batch = batch_spec(&rest, line).map_err(|e| {
        LineError::new(
            e.message
                .replace(&format!("{PREFIX}batch"), &format!("{PREFIX}rust")),
            e.help.replace(
                &format!("{PREFIX}batch"),
                &format!("{PREFIX}rust name={name}"),
            ),
        )
    })?;
    Ok(RustSpec {
        name: name.to_string(),
        batch,
    })
}

/// `-- migrate:batch table=<table> [key=<col>,<col>…] [size=<rows>]`: the table the batched
/// statement walks, the unique NOT NULL columns it walks it by (empty: its primary key), and a
/// fixed batch size (else the size adapts to `backfill_batch_time`).
///
/// Names are written bare, exactly as the table or column is named (`pets`, `createdAt`), or in
/// double quotes when they hold anything but letters, digits, `_` and `$` (`"pet table"`, with
/// `""` for a quote). A table may be schema-qualified: `table=ops.pets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSpec {
    /// The table's schema, when qualified.
    pub schema: Option<String>,
    /// The table.
    pub table: String,
    /// `key=`: the columns to walk by, in order; empty for the table's primary key.
    pub key: Vec<String>,
    /// `size=`: a fixed number of rows per batch.
    pub size: Option<u32>,
    /// The 1-based line of the directive.
    pub line: usize,
}

/// The largest fixed batch `size=` accepts.
pub const MAX_BATCH_SIZE: u32 = 1_000_000;

/// The parameters of `-- migrate:batch` ([`BatchSpec`]).
fn batch_spec(value: &str, line: usize) -> Result<BatchSpec, LineError> {
    const PARAMS: [&str; 3] = ["table", "key", "size"];
    let example = format!("{PREFIX}batch table=pets key=id size=1000");
    let mut spec = BatchSpec {
        schema: None,
        table: String::new(),
        key: Vec::new(),
        size: None,
        line,
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once('=') else {
            let word = rest.split_whitespace().next().unwrap_or(rest);
            return Err(LineError::new(
                format!("`{word}` in `{PREFIX}batch` is not `name=value`"),
                format!("write the parameters as `name=value` separated by spaces: `{example}`"),
            ));
        };
        let name = name.trim();
        let Some(&param) = PARAMS.iter().find(|p| **p == name) else {
            let help = match did_you_mean(name, PARAMS.iter().copied()) {
                Some(p) => format!("did you mean `{p}=`? (`{example}`)"),
                None => format!("the parameters are `table=`, `key=` and `size=`: `{example}`"),
            };
            return Err(LineError::new(
                format!("`{name}=` is not a parameter of `{PREFIX}batch`"),
                help,
            ));
        };
        if seen.contains(&param) {
            return Err(LineError::new(
                format!("`{param}=` is given twice in `{PREFIX}batch`"),
                "keep one of them".into(),
            ));
        }
        seen.push(param);
        let (names, after) = batch_names(after).map_err(|m| {
            LineError::new(
                format!("`{param}=` in `{PREFIX}batch`: {m}"),
                format!(
                    "write a name bare (letters, digits, `_`, `$`) or in double quotes: `{example}`"
                ),
            )
        })?;
        rest = after.trim_start();
        match param {
            "table" => {
                let one = match names.as_slice() {
                    [one] => one.as_slice(),
                    _ => &[][..],
                };
                match one {
                    [table] => spec.table.clone_from(table),
                    [schema, table] => {
                        spec.schema = Some(schema.clone());
                        spec.table.clone_from(table);
                    }
                    _ => {
                        return Err(LineError::new(
                            format!(
                                "`table=` in `{PREFIX}batch` names one table, optionally `schema.table`"
                            ),
                            format!("write e.g. `{PREFIX}batch table=pets`"),
                        ));
                    }
                }
            }
            "key" => {
                for n in names {
                    match n.as_slice() {
                        [col] if !spec.key.contains(col) => spec.key.push(col.clone()),
                        [col] => {
                            return Err(LineError::new(
                                format!("`key=` in `{PREFIX}batch` names `{col}` twice"),
                                "name each key column once".into(),
                            ));
                        }
                        _ => {
                            return Err(LineError::new(
                                format!("`key=` in `{PREFIX}batch` names columns, not `a.b`"),
                                format!(
                                    "write the columns of the table, comma-separated: `{PREFIX}batch table=t key=a,b`"
                                ),
                            ));
                        }
                    }
                }
            }
            _ => {
                let text: Vec<String> = names.iter().map(|n| n.join(".")).collect();
                let text = text.join(",");
                match text.parse::<u32>() {
                    Ok(n) if (1..=MAX_BATCH_SIZE).contains(&n) => spec.size = Some(n),
                    _ => {
                        return Err(LineError::new(
                            format!("`size={text}` in `{PREFIX}batch` is not a number of rows from 1 to {MAX_BATCH_SIZE}"),
                            "write e.g. `size=1000`, or leave `size=` out so the batch size adapts to \
                             `backfill_batch_time`"
                                .to_string(),
                        ));
                    }
                }
            }
        }
    }
    if spec.table.is_empty() {
        return Err(LineError::new(
            format!("`{PREFIX}batch` needs `table=<table>`: the table its statement walks"),
            format!("write e.g. `{example}`"),
        ));
    }
    Ok(spec)
}

/// Why a list of names in `-- migrate:batch` (or `-- migrate:rust`) cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum NameError {
    /// A double quote that is never closed; the text of the whole list.
    #[error("`{0}` has a quote that is never closed")]
    Unclosed(String),
    /// Nothing where a name goes (the end, white space, `""`).
    #[error("a name is missing")]
    Missing,
    /// A character that is no part of a bare name, where a name or a separator goes.
    #[error("`{0}` cannot stand in a bare name")]
    NotInName(char),
}

/// A comma-separated list of names, each `a` or `a.b`, bare or in double quotes; the rest of the
/// text after the list (which ends at white space).
///
/// Read with the SQL lexer ([`crate::sql::lex`]) by the rules a schema's expressions are
/// written in ([`Dialect::EXPRESSIONS`]): a bare name is one word or number token (`pets`,
/// `createdAt`, `a$b`, `1000`), a quoted one a quoted identifier (`"pet table"`, `""` for a
/// quote), and `,` and `.` are punctuation. [`reads_bare`] says which names the generator may
/// write bare.
fn batch_names(text: &str) -> Result<(Vec<Vec<String>>, &str), NameError> {
    let first_char = |t: &Token| NameError::NotInName(t.text(text).chars().next().unwrap_or(' '));
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    let mut tokens = lex(text, Dialect::EXPRESSIONS).peekable();
    loop {
        let part = match tokens.next() {
            None => return Err(NameError::Missing),
            Some(t) => match t.kind {
                TokenKind::Word | TokenKind::Number => t.text(text).to_string(),
                TokenKind::QuotedIdent { terminated: false } => {
                    return Err(NameError::Unclosed(text.to_string()));
                }
                TokenKind::QuotedIdent { terminated: true } if t.text(text).starts_with('"') => {
                    let name = t.unquoted(text).ok_or_else(|| first_char(&t))?;
                    if name.is_empty() {
                        return Err(match tokens.peek() {
                            None => NameError::Missing,
                            Some(next) if next.kind == TokenKind::Whitespace => NameError::Missing,
                            Some(next) => first_char(next),
                        });
                    }
                    name.into_owned()
                }
                TokenKind::Whitespace => return Err(NameError::Missing),
                _ => return Err(first_char(&t)),
            },
        };
        out.last_mut().expect("one list at least").push(part);
        match tokens.next() {
            Some(t) if t.kind == TokenKind::Punct && t.text(text) == "," => out.push(Vec::new()),
            Some(t) if t.kind == TokenKind::Punct && t.text(text) == "." => {}
            Some(t) if t.kind == TokenKind::Whitespace => return Ok((out, &text[t.start..])),
            None => return Ok((out, "")),
            Some(t) => return Err(first_char(&t)),
        }
    }
}

/// Whether `name` can be written bare in `-- migrate:batch` and read back as itself: ASCII
/// letters, digits, `_` and `$`, which [`batch_names`] reads as one word or number.
pub(crate) fn reads_bare(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && matches!(
            lex(name, Dialect::EXPRESSIONS).collect::<Vec<_>>().as_slice(),
            [t] if matches!(t.kind, TokenKind::Word | TokenKind::Number)
        )
}

fn unknown_message(key: &str) -> String {
    if key.is_empty() {
        format!("`{PREFIX}` names no directive")
    } else {
        format!("`{PREFIX}{key}` is not a directive")
    }
}

fn unknown_help(key: &str, value: Option<&str>) -> String {
    // Compare as if `_` were `-`, so `lock_timeout` finds `lock-timeout`.
    let normalized = key.replace('_', "-");
    let keys = KNOWN.iter().map(|(k, _, _)| *k);
    match did_you_mean(&normalized, keys.clone()) {
        Some(k) => {
            let fixed = match value {
                Some(v) => format!("{PREFIX}{k} {v}"),
                None => format!("{PREFIX}{k}"),
            };
            format!("did you mean `{fixed}`?")
        }
        None => format!(
            "the directives are {}; a comment that is not a directive must not start with `migrate:`",
            keys.map(|k| format!("`{PREFIX}{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(sql: &str) -> Vec<(usize, String)> {
        parse(sql)
            .1
            .into_iter()
            .map(|e| (e.line, format!("{} / {}", e.message, e.help)))
            .collect()
    }

    #[test]
    fn reads_the_directives_at_the_top() {
        let sql = "\u{feff}-- Build the index.\n-- migrate:no-transaction\n\n-- migrate:lock-timeout 5s \n\
                   --   migrate:statement-timeout 2h\n-- a plain comment\nCREATE INDEX CONCURRENTLY x ON t (a);\n\
                   -- migrate:allow ban-drop-column: the column was never read\nALTER TABLE t DROP COLUMN b;\n";
        let (d, errs) = parse(sql);
        assert!(errs.is_empty(), "{errs:?}");
        assert!(d.no_transaction && !d.secure);
        assert_eq!(d.lock_timeout, Some(Duration::from_secs(5)));
        assert_eq!(d.statement_timeout, Some(Duration::from_secs(7_200)));
        let keys: Vec<(&str, usize)> = d.all.iter().map(|d| (d.key.as_str(), d.line)).collect();
        assert_eq!(
            keys,
            [
                ("no-transaction", 2),
                ("lock-timeout", 4),
                ("statement-timeout", 5),
                ("allow", 8)
            ]
        );
        assert_eq!(
            d.get("allow").and_then(|a| a.value.as_deref()),
            Some("ban-drop-column: the column was never read")
        );
        assert_eq!(parse(""), (Directives::default(), Vec::new()));
        assert!(parse("-- migrate:secure\n").0.secure);
    }

    #[test]
    fn a_family_directive_reads_its_pattern_schema_and_lock_budget() {
        let (d, errs) = parse(
            "-- migrate:family name=audience_data pattern=\"audience data_{app}\" schema=audience lock_budget=100,5s\nSELECT 1;\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let f = d.family.unwrap();
        assert_eq!(f.name, "audience_data");
        assert_eq!(f.pattern.member("7"), "audience data_7");
        assert_eq!(f.schema.as_deref(), Some("audience"));
        assert_eq!(
            f.lock_budget,
            Some(LockBudget {
                tables: Some(100),
                time: Some(Duration::from_secs(5))
            })
        );
        let e = errors("-- migrate:family name=a pattern=a_{k} lock_budget=0\n");
        assert!(e[0].1.contains("lock_budget=0"), "{e:?}");
        let e = errors("-- migrate:family name=a pattern=nokey\n");
        assert!(e[0].1.contains("placeholder"), "{e:?}");
        let e = errors("-- migrate:family name=a\n");
        assert!(e[0].1.contains("pattern=<pattern>"), "{e:?}");
        let e = errors("-- migrate:family name=a pattern=a_{k} patern=x\n");
        assert!(e[0].1.contains("did you mean `pattern=`"), "{e:?}");
        let e = errors("-- migrate:family name=a pattern=a_{k}\n-- migrate:no-transaction\n");
        assert!(e[0].1.contains("cannot be combined"), "{e:?}");
    }

    #[test]
    fn misspellings_are_errors_with_a_suggestion() {
        let e = errors("--migrate:no-transaction\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].1.contains("`-- migrate:no-transaction`"), "{e:?}");
        let e = errors("-- MIGRATE:no-transaction\n");
        assert!(e[0].1.contains("`-- migrate:no-transaction`"), "{e:?}");
        let e = errors("-- migrate:lock_timeout 5s\n");
        assert!(
            e[0].1
                .contains("did you mean `-- migrate:lock-timeout 5s`?"),
            "{e:?}"
        );
        let e = errors("-- migrate:no-transactions\n");
        assert!(
            e[0].1.contains("did you mean `-- migrate:no-transaction`?"),
            "{e:?}"
        );
        let e = errors("-- migrate:no_transaction\n");
        assert!(e[0].1.contains("`-- migrate:no-transaction`"), "{e:?}");
        let e = errors("-- migrate:frobnicate\n");
        assert!(e[0].1.contains("-- migrate:secure"), "lists them: {e:?}");
        let e = errors("-- migrate:\n");
        assert!(e[0].1.contains("names no directive"), "{e:?}");
    }

    #[test]
    fn values_places_and_repeats() {
        for (sql, line, needle) in [
            ("-- migrate:no-transaction yes\n", 1, "takes no value"),
            ("-- migrate:lock-timeout\n", 1, "needs a duration"),
            ("-- migrate:lock-timeout soon\n", 1, "not a duration"),
            ("-- migrate:allow\n", 1, "needs a rule"),
            (
                "-- migrate:lock-timeout 1s\n-- migrate:lock-timeout 2s\n",
                2,
                "given twice (first on line 1)",
            ),
            (
                "SELECT 1;\n-- migrate:no-transaction\n",
                2,
                "not at the top of the file",
            ),
            (
                "/* top */\n-- migrate:secure\n",
                2,
                "not at the top of the file",
            ),
            ("SELECT 1;\n--migrate:allow x: y\n", 2, "as written"),
        ] {
            let e = errors(sql);
            assert_eq!(e.len(), 1, "{sql}: {e:?}");
            assert_eq!(e[0].0, line, "{sql}");
            assert!(e[0].1.contains(needle), "{sql}: {e:?}");
        }
        // Prose that merely mentions directives is not one.
        let (d, e) = parse(
            "-- Add `-- migrate:no-transaction` as the first line if needed.\n-- migrated: yes\nSELECT 1;\n",
        );
        assert!(e.is_empty() && d == Directives::default(), "{e:?}");
    }

    #[test]
    fn durations_too_long_are_errors() {
        let (d, e) = parse(
            "-- migrate:lock-timeout 99999999999999999999h\n-- migrate:statement-timeout 597h\n",
        );
        assert_eq!(d.lock_timeout, None);
        let shown: Vec<(usize, &str, &str)> = e
            .iter()
            .map(|e| (e.line, e.message.as_str(), e.help.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    1,
                    "`99999999999999999999h` in `-- migrate:lock-timeout` is longer than the longest timeout, 2147483647 ms (about 24 days)",
                    "write e.g. `-- migrate:lock-timeout 1h` (units: ms, s, min, h; 0 disables)"
                ),
                (
                    2,
                    "`597h` in `-- migrate:statement-timeout` is longer than the longest timeout, 2147483647 ms (about 24 days)",
                    "write e.g. `-- migrate:statement-timeout 1h` (units: ms, s, min, h; 0 disables)"
                ),
            ]
        );
    }

    #[test]
    fn reads_a_batch_directive() {
        let (d, e) = parse("-- migrate:batch table=pets\nUPDATE pets SET a = 1 WHERE :batch;\n");
        assert!(e.is_empty(), "{e:?}");
        let b = d.batch.expect("a batch file");
        assert_eq!(
            (b.schema, b.table.as_str(), b.key.len(), b.size, b.line),
            (None, "pets", 0, None, 1)
        );
        let (d, e) = parse(
            "-- Fill it.\n-- migrate:batch table=ops.\"Pet Table\" key=tenant_id,\"Id\"\"x\" size=500\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let b = d.batch.expect("a batch file");
        assert_eq!(b.schema.as_deref(), Some("ops"));
        assert_eq!(b.table, "Pet Table");
        assert_eq!(b.key, ["tenant_id", "Id\"x"]);
        assert_eq!((b.size, b.line), (Some(500), 2));
    }

    #[test]
    fn reads_a_rust_directive() {
        let (d, e) = parse(
            "-- Fill the slugs.\n-- migrate:rust table=\"pet table\" name=fill_slugs key=id size=50\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let r = d.rust.expect("a rust file");
        assert_eq!(r.name, "fill_slugs");
        assert_eq!(r.batch.table, "pet table");
        assert_eq!(
            (r.batch.key.as_slice(), r.batch.size, r.batch.line),
            (&["id".to_string()][..], Some(50), 2)
        );
        assert!(d.batch.is_none());
        for (sql, needle) in [
            ("-- migrate:rust\n", "needs `name=fill_slugs table=<table>`"),
            ("-- migrate:rust table=pets\n", "needs `name=<function>`"),
            (
                "-- migrate:rust name=fill-slugs table=pets\n",
                "letters, digits and `_`",
            ),
            ("-- migrate:rust name=a name=b table=pets\n", "given twice"),
            (
                "-- migrate:rust name=a\n",
                "`-- migrate:rust` needs `table=<table>`",
            ),
            (
                "-- migrate:rust name=a tabel=pets\n",
                "did you mean `table=`?",
            ),
            (
                "-- migrate:rust name=a table=pets\n-- migrate:no-transaction\n",
                "cannot be combined",
            ),
            (
                "-- migrate:rust name=a table=pets\n-- migrate:batch table=pets\n",
                "cannot be combined",
            ),
        ] {
            let e = errors(sql);
            assert_eq!(e.len(), 1, "{sql}: {e:?}");
            assert!(e[0].1.contains(needle), "{sql}: {e:?}");
        }
    }

    #[test]
    fn batch_names_are_read_with_the_sql_lexer() {
        let read = |text| batch_names(text).map(|(names, rest)| (names, rest.to_string()));
        let names = |lists: &[&[&str]]| -> Vec<Vec<String>> {
            lists
                .iter()
                .map(|l| l.iter().map(|n| n.to_string()).collect())
                .collect()
        };
        assert_eq!(
            read("ops.\"Pet \"\"x\"\"\",a$b,1000 key=id"),
            Ok((
                names(&[&["ops", "Pet \"x\""], &["a$b"], &["1000"]]),
                " key=id".to_string()
            ))
        );
        assert_eq!(read("ünicode"), Ok((names(&[&["ünicode"]]), String::new())));
        assert_eq!(read(""), Err(NameError::Missing));
        assert_eq!(read("a, b"), Err(NameError::Missing));
        assert_eq!(read("\"\""), Err(NameError::Missing));
        assert_eq!(read("\"\",a"), Err(NameError::NotInName(',')));
        assert_eq!(read("a..b"), Err(NameError::NotInName('.')));
        assert_eq!(read("a--b"), Err(NameError::NotInName('-')));
        assert_eq!(read("'a'"), Err(NameError::NotInName('\'')));
        assert_eq!(read("\"a b"), Err(NameError::Unclosed("\"a b".to_string())));
        assert_eq!(
            NameError::NotInName('-').to_string(),
            "`-` cannot stand in a bare name"
        );
    }

    #[test]
    fn names_written_bare_read_back_as_themselves() {
        for name in ["pets", "createdAt", "a$b", "_x", "2fa", "1000"] {
            assert!(reads_bare(name), "{name}");
            assert_eq!(
                batch_names(name),
                Ok((vec![vec![name.to_string()]], "")),
                "{name}"
            );
        }
        // `$x` lexes as `$` and a word, `1.5` as a number with a dot: quoted.
        for name in ["", "$x", "1.5", "pet table", "a-b", "ünicode", "x\"y"] {
            assert!(!reads_bare(name), "{name}");
        }
    }

    #[test]
    fn bad_batch_directives_say_how_to_fix_them() {
        for (sql, needle) in [
            ("-- migrate:batch\n", "needs `table=<table>`"),
            ("-- migrate:batch key=id\n", "needs `table=<table>`"),
            ("-- migrate:batch tabel=pets\n", "did you mean `table=`?"),
            ("-- migrate:batch table=pets table=cats\n", "given twice"),
            ("-- migrate:batch table=pets size=0\n", "from 1 to 1000000"),
            (
                "-- migrate:batch table=pets size=many\n",
                "not a number of rows",
            ),
            ("-- migrate:batch table=a.b.c\n", "names one table"),
            (
                "-- migrate:batch table=pets key=id,id\n",
                "names `id` twice",
            ),
            ("-- migrate:batch table=pets key=\n", "a name is missing"),
            (
                "-- migrate:batch table=pet-s\n",
                "`-` cannot stand in a bare name",
            ),
            ("-- migrate:batch table=\"pets\n", "never closed"),
            ("-- migrate:batch pets\n", "is not `name=value`"),
            (
                "-- migrate:batch table=pets\n-- migrate:no-transaction\n",
                "cannot be combined",
            ),
            ("SELECT 1;\n-- migrate:batch table=pets\n", "not at the top"),
        ] {
            let e = errors(sql);
            assert_eq!(e.len(), 1, "{sql}: {e:?}");
            assert!(e[0].1.contains(needle), "{sql}: {e:?}");
        }
    }
}
