//! Reading schema TOML into spanned declarations.
//!
//! This first pass checks the shape of each file (known keys, value kinds) and keeps every key's and
//! value's location. [`super::validate`] then checks meaning across all files and builds the model.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

mod identity;
mod indexes;
mod objects;

pub(crate) use indexes::RawIndexKey;
pub(crate) use objects::{RawFunction, RawTrigger, RawView};

use super::model::{Deferrable, FkAction, Identity, IndexMethod, Strategy};

mod partitions;
use crate::diagnostic::{Diagnostic, Diagnostics, Location, SourceFile, did_you_mean};
pub(crate) use partitions::{RawPartition, RawPartitionAhead, RawPartitionBy};

/// A value with the place it was written.
#[derive(Debug, Clone)]
pub(crate) struct Sp<T> {
    pub(crate) value: T,
    pub(crate) loc: Location,
}

pub(crate) type SpStr = Sp<String>;

#[derive(Debug, Clone)]
pub(crate) struct RawEnum {
    pub(crate) name: SpStr,
    pub(crate) values: Vec<SpStr>,
    pub(crate) values_loc: Option<Location>,
    pub(crate) comment: Option<SpStr>,
    pub(crate) drop_values: Vec<SpStr>,
    /// Keys written but unreadable (misspelled or of the wrong kind), already reported: not
    /// reported again as missing.
    pub(crate) broken_keys: Vec<&'static str>,
}

/// `[domains.NAME]`.
#[derive(Debug, Clone)]
pub(crate) struct RawDomain {
    pub(crate) name: SpStr,
    pub(crate) ty: Option<SpStr>,
    pub(crate) not_null: Option<Sp<bool>>,
    pub(crate) default: Option<SpStr>,
    pub(crate) collation: Option<SpStr>,
    pub(crate) comment: Option<SpStr>,
    pub(crate) checks: Vec<RawCheck>,
}

/// `[sequences.NAME]`.
#[derive(Debug, Clone)]
pub(crate) struct RawSequence {
    pub(crate) name: SpStr,
    pub(crate) ty: Option<SpStr>,
    pub(crate) start: Option<Sp<i64>>,
    pub(crate) increment: Option<Sp<i64>>,
    pub(crate) min: Option<Sp<i64>>,
    pub(crate) max: Option<Sp<i64>>,
    pub(crate) cycle: Option<Sp<bool>>,
    pub(crate) cache: Option<Sp<i64>>,
    pub(crate) owned_by: Option<SpStr>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawColumn {
    pub(crate) name: SpStr,
    pub(crate) ty: Option<SpStr>,
    pub(crate) nullable: Option<Sp<bool>>,
    pub(crate) default: Option<SpStr>,
    pub(crate) identity: Option<Sp<Identity>>,
    pub(crate) primary_key: Option<Sp<bool>>,
    pub(crate) unique: Option<Sp<bool>>,
    pub(crate) references: Option<SpStr>,
    pub(crate) constraint: Option<SpStr>,
    pub(crate) on_delete: Option<Sp<FkAction>>,
    pub(crate) on_update: Option<Sp<FkAction>>,
    pub(crate) comment: Option<SpStr>,
    pub(crate) renamed_from: Option<SpStr>,
    pub(crate) type_changed_from: Option<SpStr>,
    pub(crate) backfill: Option<SpStr>,
    pub(crate) strategy: Option<Sp<Strategy>>,
    pub(crate) generated: Option<SpStr>,
    pub(crate) collation: Option<SpStr>,
    /// The options of `identity = { ... }`.
    pub(crate) identity_options: Option<Sp<crate::schema::model::IdentityOptions>>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawForeignKey {
    pub(crate) loc: Location,
    pub(crate) constraint: Option<SpStr>,
    pub(crate) columns: Vec<SpStr>,
    pub(crate) ref_table: Option<SpStr>,
    pub(crate) ref_columns: Vec<SpStr>,
    pub(crate) on_delete: Option<Sp<FkAction>>,
    pub(crate) on_update: Option<Sp<FkAction>>,
    pub(crate) on_delete_columns: Option<Sp<Vec<SpStr>>>,
    pub(crate) validated: Option<Sp<bool>>,
    /// See [`RawEnum::broken_keys`].
    pub(crate) broken_keys: Vec<&'static str>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawIndex {
    pub(crate) loc: Location,
    pub(crate) name: Option<SpStr>,
    pub(crate) columns: Vec<SpStr>,
    pub(crate) unique: Option<Sp<bool>>,
    pub(crate) predicate: Option<SpStr>,
    pub(crate) method: Option<Sp<IndexMethod>>,
    /// Each key's options, one per entry of `columns`.
    pub(crate) keys: Vec<RawIndexKey>,
    pub(crate) include: Option<Sp<Vec<SpStr>>>,
    pub(crate) nulls_not_distinct: Option<Sp<bool>>,
    pub(crate) constraint: Option<Sp<bool>>,
    pub(crate) deferrable: Option<Sp<Deferrable>>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawCheck {
    pub(crate) name: Option<SpStr>,
    pub(crate) expr: Option<SpStr>,
    pub(crate) validated: Option<Sp<bool>>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawTable {
    pub(crate) name: SpStr,
    pub(crate) model: Option<SpStr>,
    pub(crate) comment: Option<SpStr>,
    pub(crate) columns: Vec<RawColumn>,
    pub(crate) primary_key: Option<Sp<Vec<SpStr>>>,
    pub(crate) primary_key_name: Option<SpStr>,
    pub(crate) foreign_keys: Vec<RawForeignKey>,
    pub(crate) indexes: Vec<RawIndex>,
    pub(crate) checks: Vec<RawCheck>,
    pub(crate) drop_columns: Vec<SpStr>,
    pub(crate) renamed_from: Option<SpStr>,
    pub(crate) strategy: Option<Sp<Strategy>>,
    pub(crate) unlogged: Option<Sp<bool>>,
    /// `partition_by = {...}`.
    pub(crate) partition_by: Option<RawPartitionBy>,
    /// `partition_ahead = {...}`.
    pub(crate) partition_ahead: Option<RawPartitionAhead>,
    /// `[tables.NAME.partitions.*]`.
    pub(crate) partitions: Vec<RawPartition>,
    /// Whether `columns` is written (`columns = {}` declares a table without columns).
    pub(crate) has_columns_key: bool,
    /// See [`RawEnum::broken_keys`].
    pub(crate) broken_keys: Vec<&'static str>,
}

/// `[families.NAME]`: a template table (read as a `[tables.NAME]` is) with its member pattern.
#[derive(Debug, Clone)]
pub(crate) struct RawFamily {
    pub(crate) template: RawTable,
    pub(crate) pattern: Option<SpStr>,
    pub(crate) schema: Option<SpStr>,
    pub(crate) lock_budget: Option<SpStr>,
}

/// Everything declared across the schema's files, in declaration order, with locations.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawSchema {
    pub(crate) files: Vec<Arc<SourceFile>>,
    pub(crate) enums: Vec<RawEnum>,
    pub(crate) tables: Vec<RawTable>,
    pub(crate) families: Vec<RawFamily>,
    pub(crate) drop_tables: Vec<SpStr>,
    pub(crate) drop_enums: Vec<SpStr>,
    pub(crate) external_types: Vec<SpStr>,
    pub(crate) extensions: Vec<SpStr>,
    pub(crate) domains: Vec<RawDomain>,
    pub(crate) sequences: Vec<RawSequence>,
    pub(crate) views: Vec<RawView>,
    pub(crate) functions: Vec<RawFunction>,
    pub(crate) triggers: Vec<RawTrigger>,
    pub(crate) drop_views: Vec<SpStr>,
    pub(crate) drop_functions: Vec<SpStr>,
    pub(crate) drop_triggers: Vec<SpStr>,
    /// A file is not valid TOML: what was recovered from it is incomplete, so it is not validated.
    pub(crate) syntax_errors: bool,
}

const TOP_KEYS: &[&str] = &[
    "enums",
    "tables",
    "families",
    "drop_tables",
    "drop_enums",
    "external_types",
    "extensions",
    "domains",
    "sequences",
    "views",
    "functions",
    "triggers",
    "drop_views",
    "drop_functions",
    "drop_triggers",
];

/// Where each acknowledgement key goes, for one found elsewhere: `(key, what it acknowledges,
/// where it goes)`. `{table}` stands for the table it was found in.
const ACKNOWLEDGEMENTS: &[(&str, &str, &str)] = &[
    (
        "drop_tables",
        "dropped tables",
        "at the top level of a schema file, above its first `[header]`",
    ),
    (
        "drop_enums",
        "dropped enums",
        "at the top level of a schema file, above its first `[header]`",
    ),
    (
        "drop_columns",
        "dropped columns",
        "under [tables.{table}], before its [tables.{table}.columns] header (or as `drop_columns = [...]` right after the `[tables.{table}]` line)",
    ),
    (
        "drop_values",
        "removed enum labels",
        "under [enums.NAME], beside `values`",
    ),
    (
        "renamed_from",
        "a rename",
        "on the renamed column (`new_name = { type = \"text\", renamed_from = \"old_name\" }`) or under the renamed [tables.NAME]",
    ),
    (
        "type_changed_from",
        "a type change",
        "on the column: `col = { type = \"bigint\", type_changed_from = \"integer\" }`",
    ),
    (
        "backfill",
        "a NOT NULL column's value for existing rows",
        "on the column: `col = { type = \"text\", backfill = \"'unknown'\" }`",
    ),
];

/// The help for an acknowledgement key found where it does not belong, if `key` is one.
fn misplaced_acknowledgement(key: &str, table: Option<&str>) -> Option<String> {
    let (_, what, place) = ACKNOWLEDGEMENTS.iter().find(|(k, _, _)| *k == key)?;
    let place = place.replace("{table}", table.unwrap_or("NAME"));
    Some(format!("`{key}` acknowledges {what}, and goes {place}"))
}
const ENUM_KEYS: &[&str] = &["values", "comment", "drop_values"];
const DOMAIN_KEYS: &[&str] = &[
    "type",
    "not_null",
    "default",
    "collation",
    "comment",
    "checks",
];
const SEQUENCE_KEYS: &[&str] = &[
    "type",
    "start",
    "increment",
    "min",
    "max",
    "cycle",
    "cache",
    "owned_by",
];
const TABLE_KEYS: &[&str] = &[
    "model",
    "comment",
    "columns",
    "primary_key",
    "primary_key_name",
    "foreign_keys",
    "indexes",
    "checks",
    "drop_columns",
    "renamed_from",
    "strategy",
    "unlogged",
    "partition_by",
    "partition_ahead",
    "partitions",
];
/// A family's keys: a table's, but for a rename and a strategy (a family is not renamed, and
/// its changes are made in place on every member), and its pattern and schema.
const FAMILY_KEYS: &[&str] = &[
    "pattern",
    "schema",
    "lock_budget",
    "model",
    "comment",
    "columns",
    "primary_key",
    "primary_key_name",
    "foreign_keys",
    "indexes",
    "checks",
    "drop_columns",
    // Read so that the validator refuses them with a reason (a member is a plain table).
    "partition_by",
    "partition_ahead",
    "partitions",
];
const COLUMN_KEYS: &[&str] = &[
    "type",
    "nullable",
    "default",
    "identity",
    "primary_key",
    "unique",
    "references",
    "constraint",
    "on_delete",
    "on_update",
    "comment",
    "renamed_from",
    "type_changed_from",
    "backfill",
    "strategy",
    "generated",
    "collation",
];
const FK_KEYS: &[&str] = &[
    "constraint",
    "columns",
    "references",
    "on_delete",
    "on_update",
    "on_delete_columns",
    "validated",
];
const FK_REF_KEYS: &[&str] = &["table", "columns"];
const INDEX_KEYS: &[&str] = &[
    "name",
    "columns",
    "unique",
    "where",
    "method",
    "include",
    "nulls_not_distinct",
    "constraint",
    "deferrable",
];
const CHECK_KEYS: &[&str] = &["name", "expr", "validated"];

/// Lists the `.toml` files a schema path names: the file itself, or a directory's files sorted by name.
#[allow(clippy::result_large_err)] // one diagnostic, on a path that is not hot
pub fn schema_files(path: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::new("schema-not-found", format!("cannot read schema `{}`: {e}", path.display())).help(
            "point `schema` in migrate.toml at a .toml file or a directory of them, or run `migrate init`",
        )
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| {
        Diagnostic::new(
            "schema-not-found",
            format!("cannot list `{}`: {e}", path.display()),
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            Diagnostic::new(
                "schema-not-found",
                format!("cannot list `{}`: {e}", path.display()),
            )
        })?;
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "toml") && p.is_file() {
            files.push(p);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(Diagnostic::new(
            "schema-empty",
            format!("schema directory `{}` holds no .toml files", path.display()),
        )
        .help(
            "add a file such as schema.toml with a [tables.NAME] section, or run `migrate init`",
        ));
    }
    Ok(files)
}

/// Reads the files of a schema path. Unreadable files become diagnostics.
pub fn read_sources(path: &Path) -> Result<Vec<Arc<SourceFile>>, Diagnostics> {
    let files = schema_files(path).map_err(|d| Diagnostics(vec![d]))?;
    let mut out = Vec::new();
    let mut diags = Diagnostics::default();
    for f in files {
        match std::fs::read(&f) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => out.push(SourceFile::new(f, text)),
                Err(e) => diags.push(
                    Diagnostic::new(
                        "not-utf8",
                        format!("`{}` is not valid UTF-8: {e}", f.display()),
                    )
                    .help("save the file as UTF-8"),
                ),
            },
            Err(e) => diags.push(Diagnostic::new(
                "io",
                format!("cannot read `{}`: {e}", f.display()),
            )),
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// Parses every file into one [`RawSchema`], collecting all shape errors of all files.
pub(crate) fn parse_sources(files: Vec<Arc<SourceFile>>, diags: &mut Diagnostics) -> RawSchema {
    let mut raw = RawSchema::default();
    for file in &files {
        // A BOM is not part of the TOML.
        let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
        let offset = file.text.len() - text.len();
        let (root, errors) = DeTable::parse_recoverable(text);
        let mut cx = Cx {
            file: Arc::clone(file),
            offset,
            diags,
        };
        for e in &errors {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim_end();
            cx.diags.push(
                Diagnostic::new("toml-syntax", format!("TOML syntax error: {message}"))
                    .at(cx.loc(span))
                    .help(syntax_help(message)),
            );
        }
        // What the parser recovered from a broken file is incomplete: checking it would report
        // keys as missing that are only unreadable.
        if errors.is_empty() {
            cx.file_body(root.get_ref(), &mut raw);
        } else {
            raw.syntax_errors = true;
        }
    }
    raw.files = files;
    raw
}

/// How to fix the most common TOML mistakes.
fn syntax_help(message: &str) -> &'static str {
    const UNCLOSED_STRING: &str = "end the string with the quote it starts with, on the same line (or use `\"\"\"` for several lines)";
    const HELPS: &[(&str, &str)] = &[
        (
            "duplicate key",
            "a key may appear only once in a table: remove or rename one of them",
        ),
        (
            "expected `=`",
            "write a key and its value as `key = value`, e.g. `model = \"Pet\"`",
        ),
        (
            "unclosed table",
            "close the table header with `]`, e.g. `[tables.pets]`",
        ),
        (
            "unclosed array table",
            "close the header with `]]`, e.g. `[[tables.pets.indexes]]`",
        ),
        (
            "unclosed array",
            "close the array with `]`, e.g. `values = [\"CAT\", \"DOG\"]`",
        ),
        (
            "unclosed inline table",
            "close the inline table with `}`, e.g. `id = { type = \"uuid\" }`",
        ),
        (
            "escaped value",
            "write a backslash as `\\\\`, or use a literal string in single quotes",
        ),
        (
            "expected newline",
            "put each `key = value` on a line of its own; start a comment with `#`",
        ),
        (
            "must be quoted",
            "quote text values, e.g. `model = \"Pet\"` or `type = \"text\"`",
        ),
        (
            "missing comma",
            "separate the entries with `,`, e.g. `{ type = \"uuid\", primary_key = true }`",
        ),
        ("invalid basic string", UNCLOSED_STRING),
        ("invalid literal string", UNCLOSED_STRING),
    ];
    HELPS
        .iter()
        .find(|(needle, _)| message.contains(needle))
        .map_or(
            "fix the TOML syntax; see the schema language reference in schema/README.md",
            |(_, help)| help,
        )
}

struct Cx<'d> {
    file: Arc<SourceFile>,
    offset: usize,
    diags: &'d mut Diagnostics,
}

type Entry<'a, 'i> = (&'a Spanned<Cow<'i, str>>, &'a Spanned<DeValue<'i>>);

fn kind(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl Cx<'_> {
    fn loc(&self, span: Range<usize>) -> Location {
        Location::new(&self.file, span.start + self.offset..span.end + self.offset)
    }

    fn err(
        &mut self,
        code: &'static str,
        span: Range<usize>,
        message: String,
        help: impl Into<String>,
    ) {
        let d = Diagnostic::new(code, message).at(self.loc(span)).help(help);
        self.diags.push(d);
    }

    /// Reports keys not in `allowed`, suggesting the closest known key. Returns the keys suggested,
    /// which are not to be reported again as missing.
    fn check_keys(
        &mut self,
        table: &DeTable<'_>,
        allowed: &[&'static str],
        context: &str,
    ) -> Vec<&'static str> {
        let mut suggested = Vec::new();
        for key in table.keys() {
            let k = key.get_ref().as_ref();
            if allowed.contains(&k) {
                continue;
            }
            let top_level_here = !std::ptr::eq(allowed, TOP_KEYS) && TOP_KEYS.contains(&k);
            let help = match did_you_mean(k, allowed.iter().copied()) {
                _ if top_level_here => format!(
                    "`{k}` is a top-level key, but TOML puts every key after a `[header]` into that \
                     header's table: move `{k} = ...` above the first `[header]` of the file"
                ),
                _ if misplaced_acknowledgement(k, None).is_some() => {
                    let table = context
                        .strip_prefix("table `")
                        .or_else(|| context.strip_prefix("column `"))
                        .and_then(|r| r.split(['`', '.']).next());
                    misplaced_acknowledgement(k, table).unwrap_or_default()
                }
                Some(s) => {
                    suggested.push(s);
                    format!("did you mean `{s}`?")
                }
                None => format!(
                    "the keys allowed here are {}",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            self.err(
                "unknown-key",
                key.span(),
                format!("unknown key `{k}` in {context}"),
                help,
            );
        }
        suggested
    }

    fn string(&mut self, (key, val): Entry<'_, '_>, example: &str) -> Option<SpStr> {
        match val.get_ref() {
            DeValue::String(s) => Some(Sp {
                value: s.to_string(),
                loc: self.loc(val.span()),
            }),
            other => {
                self.err(
                    "wrong-kind",
                    val.span(),
                    format!(
                        "`{}` must be a string, found {}",
                        key.get_ref(),
                        kind(other)
                    ),
                    format!("write it as {example}"),
                );
                None
            }
        }
    }

    fn boolean(&mut self, (key, val): Entry<'_, '_>) -> Option<Sp<bool>> {
        match val.get_ref() {
            DeValue::Boolean(b) => Some(Sp {
                value: *b,
                loc: self.loc(val.span()),
            }),
            other => {
                let k = key.get_ref();
                self.err(
                    "wrong-kind",
                    val.span(),
                    format!("`{k}` must be true or false, found {}", kind(other)),
                    format!("write `{k} = true` or leave the key out"),
                );
                None
            }
        }
    }

    fn strings(&mut self, (key, val): Entry<'_, '_>, example: &str) -> Option<Sp<Vec<SpStr>>> {
        let DeValue::Array(items) = val.get_ref() else {
            self.err(
                "wrong-kind",
                val.span(),
                format!(
                    "`{}` must be an array of strings, found {}",
                    key.get_ref(),
                    kind(val.get_ref())
                ),
                format!("write it as {example}"),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items {
            match item.get_ref() {
                DeValue::String(s) => out.push(Sp {
                    value: s.to_string(),
                    loc: self.loc(item.span()),
                }),
                other => self.err(
                    "wrong-kind",
                    item.span(),
                    format!(
                        "`{}` must hold only strings, found {}",
                        key.get_ref(),
                        kind(other)
                    ),
                    format!("write it as {example}"),
                ),
            }
        }
        Some(Sp {
            value: out,
            loc: self.loc(val.span()),
        })
    }

    fn table<'a, 'i>(
        &mut self,
        (key, val): Entry<'a, 'i>,
        what: &str,
        example: &str,
    ) -> Option<&'a DeTable<'i>> {
        match val.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                let what = if what.is_empty() {
                    String::new()
                } else {
                    format!("{what} ")
                };
                self.err(
                    "wrong-kind",
                    val.span(),
                    format!(
                        "{what}`{}` must be a table, found {}",
                        key.get_ref(),
                        kind(other)
                    ),
                    format!("write it as {example}"),
                );
                None
            }
        }
    }

    /// An array of tables (`[[tables.t.indexes]]` or `indexes = [{...}]`).
    fn tables<'a, 'i>(
        &mut self,
        (key, val): Entry<'a, 'i>,
        example: &str,
    ) -> Vec<(&'a DeTable<'i>, Range<usize>)> {
        let DeValue::Array(items) = val.get_ref() else {
            self.err(
                "wrong-kind",
                val.span(),
                format!(
                    "`{}` must be an array of tables, found {}",
                    key.get_ref(),
                    kind(val.get_ref())
                ),
                format!("write each entry as {example}"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.get_ref() {
                DeValue::Table(t) => {
                    let span = item.span();
                    // A `[[header]]` entry has an empty span: point at the key instead.
                    let span = if span.is_empty() { key.span() } else { span };
                    out.push((t, span));
                }
                other => self.err(
                    "wrong-kind",
                    item.span(),
                    format!(
                        "each entry of `{}` must be a table, found {}",
                        key.get_ref(),
                        kind(other)
                    ),
                    format!("write each entry as {example}"),
                ),
            }
        }
        out
    }

    /// `strategy = "in-place" | "expand-contract"`.
    fn strategy(&mut self, entry: Entry<'_, '_>) -> Option<Sp<Strategy>> {
        let s = self.string(entry, "strategy = \"expand-contract\"")?;
        if let Some(value) = Strategy::parse(&s.value) {
            return Some(Sp { value, loc: s.loc });
        }
        let names = Strategy::ALL.map(Strategy::as_str);
        let help = match did_you_mean(&s.value, names.iter().copied()) {
            Some(n) => format!("did you mean `strategy = \"{n}\"`?"),
            None => "write `strategy = \"expand-contract\"` (old and new code run together: the change is made in an expand and a contract migration) or `strategy = \"in-place\"` (one migration)".to_string(),
        };
        self.diags.push(
            Diagnostic::new(
                "unknown-strategy",
                format!("unknown strategy `{}`", s.value),
            )
            .at(s.loc)
            .help(help),
        );
        None
    }

    fn action(&mut self, entry: Entry<'_, '_>) -> Option<Sp<FkAction>> {
        let s = self.string(entry, "\"cascade\"")?;
        match FkAction::parse(&s.value) {
            Some(a) => Some(Sp {
                value: a,
                loc: s.loc,
            }),
            None => {
                let names: Vec<&str> = FkAction::ALL.iter().map(|a| a.as_str()).collect();
                let help = match did_you_mean(&s.value, names.iter().copied()) {
                    Some(n) => format!("did you mean `\"{n}\"`?"),
                    None => format!(
                        "use one of {}",
                        names
                            .iter()
                            .map(|n| format!("`\"{n}\"`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                self.diags.push(
                    Diagnostic::new(
                        "unknown-action",
                        format!(
                            "unknown foreign-key action `{}` for `{}`",
                            s.value,
                            entry.0.get_ref()
                        ),
                    )
                    .at(s.loc)
                    .help(help),
                );
                None
            }
        }
    }

    fn file_body(&mut self, root: &DeTable<'_>, raw: &mut RawSchema) {
        self.check_keys(root, TOP_KEYS, "the schema file");
        for entry in root.iter() {
            match entry.0.get_ref().as_ref() {
                "enums" => {
                    if let Some(enums) = self.table(entry, "", "[enums.NAME] with values = [...]") {
                        for e in enums.iter() {
                            if let Some(en) = self.enum_decl(e) {
                                raw.enums.push(en);
                            }
                        }
                    }
                }
                "domains" => {
                    let example = "[domains.NAME] with type = \"integer\"";
                    if let Some(domains) = self.table(entry, "", example) {
                        for d in domains.iter() {
                            if let Some(d) = self.domain_decl(d) {
                                raw.domains.push(d);
                            }
                        }
                    }
                }
                "sequences" => {
                    let example = "[sequences.NAME] with start = 1";
                    if let Some(sequences) = self.table(entry, "", example) {
                        for s in sequences.iter() {
                            if let Some(s) = self.sequence_decl(s) {
                                raw.sequences.push(s);
                            }
                        }
                    }
                }
                "tables" => {
                    if let Some(tables) =
                        self.table(entry, "", "[tables.NAME] with model and columns")
                    {
                        for t in tables.iter() {
                            if let Some(tb) = self.table_decl(t) {
                                raw.tables.push(tb);
                            }
                        }
                    }
                }
                "families" => {
                    if let Some(families) = self.table(
                        entry,
                        "",
                        "[families.NAME] with pattern = \"name_{key}\", model and columns",
                    ) {
                        for f in families.iter() {
                            if let Some(fam) = self.family_decl(f) {
                                raw.families.push(fam);
                            }
                        }
                    }
                }
                "drop_tables" => {
                    if let Some(list) = self.strings(entry, "drop_tables = [\"old_table\"]") {
                        raw.drop_tables.extend(list.value);
                    }
                }
                "drop_enums" => {
                    if let Some(list) = self.strings(entry, "drop_enums = [\"old_enum\"]") {
                        raw.drop_enums.extend(list.value);
                    }
                }
                "extensions" => {
                    if let Some(list) = self.strings(entry, "extensions = [\"citext\"]") {
                        raw.extensions.extend(list.value);
                    }
                }
                "external_types" => {
                    if let Some(list) = self.strings(entry, "external_types = [\"citext\"]") {
                        raw.external_types.extend(list.value);
                    }
                }
                _ => {
                    self.objects_entry(entry, raw);
                }
            }
        }
    }

    fn name(&self, key: &Spanned<Cow<'_, str>>) -> SpStr {
        Sp {
            value: key.get_ref().to_string(),
            loc: self.loc(key.span()),
        }
    }

    fn domain_decl(&mut self, entry: Entry<'_, '_>) -> Option<RawDomain> {
        let name = self.name(entry.0);
        let dname = name.value.clone();
        let example = format!("[domains.{dname}] with type = \"integer\"");
        let body = self.table(entry, "domain", &example)?;
        self.check_keys(body, DOMAIN_KEYS, &format!("domain `{dname}`"));
        let mut d = RawDomain {
            name,
            ty: None,
            not_null: None,
            default: None,
            collation: None,
            comment: None,
            checks: Vec::new(),
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "type" => d.ty = self.string(item, "type = \"integer\""),
                "not_null" => d.not_null = self.boolean(item),
                "default" => d.default = self.default_value(item),
                "collation" => d.collation = self.string(item, "collation = \"C\""),
                "comment" => d.comment = self.string(item, "comment = \"What it holds.\""),
                "checks" => {
                    let example = format!("[[domains.{dname}.checks]] with name and expr");
                    for (ck, span) in self.tables(item, &example) {
                        d.checks.push(self.check(&dname, ck, span));
                    }
                }
                _ => {}
            }
        }
        Some(d)
    }

    fn sequence_decl(&mut self, entry: Entry<'_, '_>) -> Option<RawSequence> {
        let name = self.name(entry.0);
        let example = format!("[sequences.{}] with start = 1", name.value);
        let body = self.table(entry, "sequence", &example)?;
        self.check_keys(body, SEQUENCE_KEYS, &format!("sequence `{}`", name.value));
        let mut s = RawSequence {
            name,
            ty: None,
            start: None,
            increment: None,
            min: None,
            max: None,
            cycle: None,
            cache: None,
            owned_by: None,
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "type" => s.ty = self.string(item, "type = \"bigint\""),
                "start" => s.start = self.integer(item),
                "increment" => s.increment = self.integer(item),
                "min" => s.min = self.integer(item),
                "max" => s.max = self.integer(item),
                "cycle" => s.cycle = self.boolean(item),
                "cache" => s.cache = self.integer(item),
                "owned_by" => s.owned_by = self.string(item, "owned_by = \"orders.number\""),
                _ => {}
            }
        }
        Some(s)
    }

    fn integer(&mut self, (key, val): Entry<'_, '_>) -> Option<Sp<i64>> {
        let parsed = match val.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
            }
            _ => None,
        };
        match parsed {
            Some(value) => Some(Sp {
                value,
                loc: self.loc(val.span()),
            }),
            None => {
                let k = key.get_ref();
                self.err(
                    "wrong-kind",
                    val.span(),
                    format!(
                        "`{k}` must be a 64-bit integer, found {}",
                        kind(val.get_ref())
                    ),
                    format!("write `{k} = 1`"),
                );
                None
            }
        }
    }

    fn enum_decl(&mut self, entry: Entry<'_, '_>) -> Option<RawEnum> {
        let name = self.name(entry.0);
        let example = format!("[enums.{}] with values = [\"A\", \"B\"]", name.value);
        let body = self.table(entry, "enum", &example)?;
        let broken_keys = self.check_keys(body, ENUM_KEYS, &format!("enum `{}`", name.value));
        let mut e = RawEnum {
            name,
            values: Vec::new(),
            values_loc: None,
            comment: None,
            drop_values: Vec::new(),
            broken_keys,
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "values" => match self.strings(item, "values = [\"CAT\", \"DOG\"]") {
                    Some(v) => {
                        e.values = v.value;
                        e.values_loc = Some(v.loc);
                    }
                    None => e.broken_keys.push("values"),
                },
                "comment" => e.comment = self.string(item, "comment = \"What it means.\""),
                "drop_values" => {
                    if let Some(v) = self.strings(item, "drop_values = [\"OLD\"]") {
                        e.drop_values = v.value;
                    }
                }
                _ => {}
            }
        }
        Some(e)
    }

    /// `[families.NAME]`: the template is read as a table is, beside `pattern` and `schema`.
    fn family_decl(&mut self, entry: Entry<'_, '_>) -> Option<RawFamily> {
        let template = self.table_body(entry, "families", FAMILY_KEYS)?;
        let DeValue::Table(body) = entry.1.get_ref() else {
            return None;
        };
        let mut f = RawFamily {
            template,
            pattern: None,
            schema: None,
            lock_budget: None,
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "pattern" => f.pattern = self.string(item, "pattern = \"audience_data_{app}\""),
                "schema" => f.schema = self.string(item, "schema = \"audience\""),
                // A number of tables may be written bare.
                "lock_budget" => f.lock_budget = self.default_value(item),
                _ => {}
            }
        }
        Some(f)
    }

    fn table_decl(&mut self, entry: Entry<'_, '_>) -> Option<RawTable> {
        self.table_body(entry, "tables", TABLE_KEYS)
    }

    /// A table's declaration under `[section.NAME]`, with the keys `allowed` there.
    fn table_body(
        &mut self,
        entry: Entry<'_, '_>,
        section: &str,
        allowed: &[&'static str],
    ) -> Option<RawTable> {
        let name = self.name(entry.0);
        let tname = name.value.clone();
        let what = if section == "families" {
            "family"
        } else {
            "table"
        };
        let body = self.table(
            entry,
            what,
            &format!("[{section}.{tname}] with model and columns"),
        )?;
        let broken_keys = self.check_keys(body, allowed, &format!("{what} `{tname}`"));
        let mut t = RawTable {
            name,
            model: None,
            comment: None,
            columns: Vec::new(),
            primary_key: None,
            primary_key_name: None,
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            drop_columns: Vec::new(),
            renamed_from: None,
            strategy: None,
            unlogged: None,
            partition_by: None,
            partition_ahead: None,
            partitions: Vec::new(),
            has_columns_key: false,
            broken_keys,
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "model" => {
                    t.model = self.string(item, "model = \"Pet\"");
                    if t.model.is_none() {
                        t.broken_keys.push("model");
                    }
                }
                "comment" => t.comment = self.string(item, "comment = \"What the table holds.\""),
                "renamed_from" => t.renamed_from = self.string(item, "renamed_from = \"old_name\""),
                "strategy" => t.strategy = self.strategy(item),
                "unlogged" => t.unlogged = self.boolean(item),
                "partition_by" => t.partition_by = self.partition_by(&tname, item),
                "partition_ahead" => t.partition_ahead = self.partition_ahead(&tname, item),
                "partitions" => t.partitions = self.partitions(&tname, item),
                "primary_key_name" => {
                    t.primary_key_name = self.string(item, "primary_key_name = \"pets_pkey\"")
                }
                "primary_key" => t.primary_key = self.strings(item, "primary_key = [\"a\", \"b\"]"),
                "drop_columns" => {
                    if let Some(v) = self.strings(item, "drop_columns = [\"old_column\"]") {
                        t.drop_columns = v.value;
                    }
                }
                "columns" => {
                    t.has_columns_key = true;
                    let example =
                        format!("[{section}.{tname}.columns] with name = {{ type = \"text\" }}");
                    match self.table(item, "", &example) {
                        Some(cols) => {
                            for c in cols.iter() {
                                // `drop_columns = [...]` below `[tables.t.columns]` is read by
                                // TOML as a column: say where it goes instead.
                                let key = c.0.get_ref().as_ref();
                                if !matches!(c.1.get_ref(), DeValue::Table(_))
                                    && let Some(help) = misplaced_acknowledgement(key, Some(&tname))
                                {
                                    self.err(
                                        "misplaced-acknowledgement",
                                        c.0.span(),
                                        format!(
                                            "`{key}` is not a column of `{tname}`: it is an acknowledgement, misplaced under [tables.{tname}.columns]"
                                        ),
                                        help,
                                    );
                                    continue;
                                }
                                t.columns.push(self.column(&tname, c));
                            }
                        }
                        None => t.broken_keys.push("columns"),
                    }
                }
                "indexes" => {
                    let example = format!("[[{section}.{tname}.indexes]] with columns = [\"a\"]");
                    for (ix, span) in self.tables(item, &example) {
                        t.indexes.push(self.index(&tname, ix, span));
                    }
                }
                "checks" => {
                    let example = format!("[[{section}.{tname}.checks]] with name and expr");
                    for (ck, span) in self.tables(item, &example) {
                        t.checks.push(self.check(&tname, ck, span));
                    }
                }
                "foreign_keys" => {
                    let example = format!(
                        "[[{section}.{tname}.foreign_keys]] with columns and references = {{ table, columns }}"
                    );
                    for (fk, span) in self.tables(item, &example) {
                        t.foreign_keys.push(self.foreign_key(&tname, fk, span));
                    }
                }
                _ => {}
            }
        }
        Some(t)
    }

    /// A column; one whose declaration is unreadable is kept without a type, so that what names it
    /// does not report it again as unknown.
    fn column(&mut self, table: &str, entry: Entry<'_, '_>) -> RawColumn {
        let name = self.name(entry.0);
        let mut c = RawColumn {
            name,
            ty: None,
            nullable: None,
            default: None,
            identity: None,
            primary_key: None,
            unique: None,
            references: None,
            constraint: None,
            on_delete: None,
            on_update: None,
            comment: None,
            renamed_from: None,
            type_changed_from: None,
            backfill: None,
            strategy: None,
            generated: None,
            collation: None,
            identity_options: None,
        };
        // Shorthand: `name = "text"`.
        if let DeValue::String(s) = entry.1.get_ref() {
            c.ty = Some(Sp {
                value: s.to_string(),
                loc: self.loc(entry.1.span()),
            });
            return c;
        }
        let cname = c.name.value.clone();
        let example = format!("{cname} = {{ type = \"text\" }}");
        let Some(body) = self.table(entry, "column", &example) else {
            return c;
        };
        let suggested = self.check_keys(body, COLUMN_KEYS, &format!("column `{table}.{cname}`"));
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "type" => c.ty = self.string(item, "type = \"text\""),
                "nullable" => c.nullable = self.boolean(item),
                "primary_key" => c.primary_key = self.boolean(item),
                "unique" => c.unique = self.boolean(item),
                "default" => c.default = self.default_value(item),
                "identity" => match item.1.get_ref() {
                    DeValue::Table(body) => {
                        if let Some((id, options)) = self.identity_table(item, body) {
                            c.identity = Some(id);
                            c.identity_options = Some(options);
                        }
                    }
                    _ => c.identity = self.identity(item),
                },
                "references" => c.references = self.string(item, "references = \"table.column\""),
                "constraint" => {
                    c.constraint = self.string(item, "constraint = \"cats_pet_id_fkey\"")
                }
                "on_delete" => c.on_delete = self.action(item),
                "on_update" => c.on_update = self.action(item),
                "comment" => c.comment = self.string(item, "comment = \"What the column holds.\""),
                "renamed_from" => c.renamed_from = self.string(item, "renamed_from = \"old_name\""),
                "type_changed_from" => {
                    c.type_changed_from = self.string(item, "type_changed_from = \"bigint\"")
                }
                "backfill" => c.backfill = self.default_value(item),
                "strategy" => c.strategy = self.strategy(item),
                "generated" => {
                    c.generated = self.string(item, "generated = \"quantity * unit_price\"")
                }
                "collation" => c.collation = self.string(item, "collation = \"C\""),
                _ => {}
            }
        }
        if !has_key(body, "type") && !suggested.contains(&"type") {
            let (key, val) = entry;
            let span = if val.span().is_empty() {
                key.span()
            } else {
                val.span()
            };
            self.err(
                "missing-type",
                span,
                format!("column `{table}.{cname}` has no `type`"),
                format!("add a type, e.g. `{cname} = {{ type = \"text\" }}`"),
            );
        }
        c
    }

    /// `default` / `backfill`: a SQL expression as a string, or a number or boolean literal.
    fn default_value(&mut self, (key, val): Entry<'_, '_>) -> Option<SpStr> {
        let text = match val.get_ref() {
            DeValue::String(s) => s.to_string(),
            // SQL reads decimal only: `0xff`, `0o17` and `0b101` become `255`, `15`, `5`.
            DeValue::Integer(i) => {
                match i128::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(n) => n.to_string(),
                    Err(_) => i.to_string(),
                }
            }
            DeValue::Float(f)
                if ["inf", "+inf", "-inf", "nan", "+nan", "-nan"].contains(&f.as_str()) =>
            {
                self.err(
                    "bad-default",
                    val.span(),
                    format!("`{}` cannot be {} in SQL as a bare number", key.get_ref(), f.as_str()),
                    format!(
                        "write it as a SQL expression, e.g. `{} = \"'Infinity'\"` for a real or double column",
                        key.get_ref()
                    ),
                );
                return None;
            }
            DeValue::Float(f) => f.as_str().replace('_', ""),
            DeValue::Boolean(b) => b.to_string(),
            other => {
                self.err(
                    "wrong-kind",
                    val.span(),
                    format!(
                        "`{}` must be a SQL expression string or a number or boolean, found {}",
                        key.get_ref(),
                        kind(other)
                    ),
                    format!(
                        "write e.g. `{0} = \"now()\"`, `{0} = \"'draft'\"` or `{0} = 0`",
                        key.get_ref()
                    ),
                );
                return None;
            }
        };
        Some(Sp {
            value: text,
            loc: self.loc(val.span()),
        })
    }

    fn identity(&mut self, (key, val): Entry<'_, '_>) -> Option<Sp<Identity>> {
        let id = match val.get_ref() {
            DeValue::Boolean(true) => Some(Identity::ByDefault),
            DeValue::Boolean(false) => return None,
            DeValue::String(s) => match s.trim().to_ascii_lowercase().replace('_', " ").as_str() {
                "always" => Some(Identity::Always),
                "by default" => Some(Identity::ByDefault),
                _ => None,
            },
            _ => None,
        };
        match id {
            Some(value) => Some(Sp {
                value,
                loc: self.loc(val.span()),
            }),
            None => {
                self.err(
                    "bad-identity",
                    val.span(),
                    format!("`{}` must be true, \"by default\" or \"always\"", key.get_ref()),
                    "write `identity = true` (generated unless a value is given) or `identity = \"always\"`",
                );
                None
            }
        }
    }

    fn index(&mut self, table: &str, body: &DeTable<'_>, span: Range<usize>) -> RawIndex {
        let suggested = self.check_keys(body, INDEX_KEYS, &format!("an index of `{table}`"));
        let mut ix = RawIndex {
            loc: self.loc(span.clone()),
            name: None,
            columns: Vec::new(),
            unique: None,
            predicate: None,
            method: None,
            keys: Vec::new(),
            include: None,
            nulls_not_distinct: None,
            constraint: None,
            deferrable: None,
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "name" => ix.name = self.string(item, "name = \"pets_name_idx\""),
                "include" => ix.include = self.strings(item, "include = [\"title\"]"),
                "nulls_not_distinct" => ix.nulls_not_distinct = self.boolean(item),
                "constraint" => ix.constraint = self.boolean(item),
                "deferrable" => ix.deferrable = self.deferrable(item),
                "columns" => {
                    if let Some(v) = self.index_keys(table, item) {
                        if v.value.is_empty() {
                            self.diags.push(
                                Diagnostic::new(
                                    "empty-index",
                                    format!("an index of `{table}` lists no columns"),
                                )
                                .at(v.loc.clone())
                                .help("list the indexed columns, e.g. `columns = [\"name\"]`"),
                            );
                        }
                        (ix.columns, ix.keys) = v.value.into_iter().unzip();
                    }
                }
                "unique" => ix.unique = self.boolean(item),
                "where" => ix.predicate = self.string(item, "where = \"deleted_at IS NULL\""),
                "method" => {
                    if let Some(s) = self.string(item, "method = \"btree\"") {
                        match IndexMethod::parse(&s.value) {
                            Some(m) => {
                                ix.method = Some(Sp {
                                    value: m,
                                    loc: s.loc,
                                })
                            }
                            None => {
                                let names: Vec<&str> =
                                    IndexMethod::ALL.iter().map(|m| m.as_str()).collect();
                                let help = match did_you_mean(&s.value, names.iter().copied()) {
                                    Some(n) => format!("did you mean `{n}`?"),
                                    None => format!("use one of {}", names.join(", ")),
                                };
                                self.diags.push(
                                    Diagnostic::new(
                                        "unknown-method",
                                        format!("unknown index method `{}`", s.value),
                                    )
                                    .at(s.loc)
                                    .help(help),
                                );
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if !has_key(body, "columns") && !suggested.contains(&"columns") {
            self.err(
                "missing-key",
                span,
                format!("an index of `{table}` has no `columns`"),
                "add the indexed columns, e.g. `columns = [\"name\"]`",
            );
        }
        ix
    }

    fn check(&mut self, table: &str, body: &DeTable<'_>, span: Range<usize>) -> RawCheck {
        let suggested = self.check_keys(body, CHECK_KEYS, &format!("a check of `{table}`"));
        let mut ck = RawCheck {
            name: None,
            expr: None,
            validated: None,
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "name" => ck.name = self.string(item, "name = \"pets_weight_positive\""),
                "expr" => ck.expr = self.string(item, "expr = \"weight > 0\""),
                "validated" => ck.validated = self.boolean(item),
                _ => {}
            }
        }
        if !has_key(body, "name") && !suggested.contains(&"name") {
            self.err(
                "missing-key",
                span.clone(),
                format!("a check of `{table}` has no `name`"),
                format!("name the constraint, e.g. `name = \"{table}_weight_positive\"`"),
            );
        }
        if !has_key(body, "expr") && !suggested.contains(&"expr") {
            self.err(
                "missing-key",
                span,
                format!("a check of `{table}` has no `expr`"),
                "add the condition rows must meet, e.g. `expr = \"weight > 0\"`",
            );
        }
        ck
    }

    fn foreign_key(
        &mut self,
        table: &str,
        body: &DeTable<'_>,
        span: Range<usize>,
    ) -> RawForeignKey {
        let broken_keys = self.check_keys(body, FK_KEYS, &format!("a foreign key of `{table}`"));
        let mut fk = RawForeignKey {
            loc: self.loc(span.clone()),
            constraint: None,
            columns: Vec::new(),
            ref_table: None,
            ref_columns: Vec::new(),
            on_delete: None,
            on_update: None,
            on_delete_columns: None,
            validated: None,
            broken_keys,
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "constraint" => {
                    fk.constraint = self.string(item, "constraint = \"lines_order_fkey\"")
                }
                "columns" => match self.strings(item, "columns = [\"order_id\", \"shop_id\"]") {
                    Some(v) if v.value.is_empty() => {
                        self.diags.push(
                            Diagnostic::new(
                                "empty-foreign-key",
                                format!("a foreign key of `{table}` lists no columns"),
                            )
                            .at(v.loc)
                            .help("list the referencing columns, e.g. `columns = [\"order_id\"]`"),
                        );
                        fk.broken_keys.push("columns");
                    }
                    Some(v) => fk.columns = v.value,
                    None => fk.broken_keys.push("columns"),
                },
                "on_delete" => fk.on_delete = self.action(item),
                "on_update" => fk.on_update = self.action(item),
                "on_delete_columns" => {
                    fk.on_delete_columns = self.strings(item, "on_delete_columns = [\"author_id\"]")
                }
                "validated" => fk.validated = self.boolean(item),
                "references" => {
                    let example =
                        "references = { table = \"orders\", columns = [\"id\", \"shop_id\"] }";
                    let Some(r) = self.table(item, "", example) else {
                        fk.broken_keys.push("references");
                        continue;
                    };
                    let suggested = self.check_keys(r, FK_REF_KEYS, "`references`");
                    if suggested.contains(&"table") {
                        fk.broken_keys.push("references");
                    }
                    for ri in r.iter() {
                        match ri.0.get_ref().as_ref() {
                            "table" => {
                                fk.ref_table = self.string(ri, "table = \"orders\"");
                                if fk.ref_table.is_none() {
                                    fk.broken_keys.push("references");
                                }
                            }
                            "columns" => match self.strings(ri, "columns = [\"id\"]") {
                                Some(v) => fk.ref_columns = v.value,
                                None => fk.broken_keys.push("references"),
                            },
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        for key in ["columns", "references"] {
            if !has_key(body, key) && !fk.broken_keys.contains(&key) {
                fk.broken_keys.push(key);
                self.err(
                    "missing-key",
                    span.clone(),
                    format!("a foreign key of `{table}` has no `{key}`"),
                    "write `columns = [\"order_id\"]` and `references = { table = \"orders\", columns = [\"id\"] }`",
                );
            }
        }
        fk
    }
}

fn has_key(table: &DeTable<'_>, key: &str) -> bool {
    table.keys().any(|k| k.get_ref().as_ref() == key)
}
