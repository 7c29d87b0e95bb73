//! Checking what a schema means, across all its files, and building the canonical model.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::expr::column_references;
use super::load::{RawCheck, RawColumn, RawSchema, RawTable, Sp, SpStr};
use super::model::{
    Check, Column, ColumnType, Enum, FkAction, ForeignKey, Index, IndexMethod, PrimaryKey, Schema,
    Table,
};
use super::types::parse_type;
use crate::diagnostic::{Diagnostic, Diagnostics, Location, did_you_mean};

/// PostgreSQL's limit on identifier length, in bytes (NAMEDATALEN - 1).
pub const MAX_IDENT_BYTES: usize = 63;

/// Checks the declarations and builds the model. Every problem found is pushed to `diags`.
///
/// A schema with a file that is not valid TOML is not checked: its syntax errors come first.
pub fn validate(raw: &RawSchema, diags: &mut Diagnostics) -> Schema {
    if raw.syntax_errors {
        return Schema::default();
    }
    let mut v = Validator {
        diags,
        untyped: HashSet::new(),
        dropped_enums: raw.drop_enums.iter().map(|d| d.value.clone()).collect(),
    };
    v.run(raw)
}

struct Validator<'d> {
    diags: &'d mut Diagnostics,
    /// `(table, column)` of declared columns whose type was already reported as unusable; what
    /// names them does not report them again as unknown.
    untyped: HashSet<(String, String)>,
    /// Enums the schema drops (`drop_enums`): a column's previous type may name one.
    dropped_enums: Vec<String>,
}

/// The text of a default that is one SQL string literal, optionally cast (`'it''s'::mood`).
fn sql_string_literal(expr: &str) -> Option<String> {
    let e = expr.trim();
    let body = e.strip_prefix('\'')?;
    let mut out = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                out.push('\'');
                continue;
            }
            let rest = body[i + 1..].trim();
            return (rest.is_empty() || rest.starts_with("::")).then_some(out);
        }
        out.push(c);
    }
    None
}

fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An UpperCamelCase model-name suggestion from a table name (a starting point, not a guess to keep).
fn camel(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            cs.next()
                .map(|f| f.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase())
                .unwrap_or_default()
        })
        .collect()
}

/// The English singular of a table name's last word, for a model-name suggestion (`pets` -> `pet`).
fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if ["sses", "shes", "ches", "xes"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return name[..name.len() - 2].to_string();
    }
    if name.len() > 1
        && name.ends_with('s')
        && !["ss", "us", "is"].iter().any(|s| name.ends_with(s))
    {
        return name[..name.len() - 1].to_string();
    }
    name.to_string()
}

/// Where the text of a string value starts in the source, when it is written as a plain quoted
/// string (no escapes), so that a diagnostic can point inside it.
fn string_start(s: &SpStr) -> Option<usize> {
    let src = s.loc.file.text.get(s.loc.span.clone())?;
    match src.chars().next() {
        Some(q @ ('"' | '\''))
            if src.len() >= 2 && src.ends_with(q) && src[1..src.len() - 1] == s.value =>
        {
            Some(s.loc.span.start + 1)
        }
        _ => None,
    }
}

/// The location of `range` (bytes of the value) inside a string value, or of the whole value.
fn inside(s: &SpStr, range: Range<usize>) -> Location {
    match string_start(s) {
        Some(off) => Location::new(&s.loc.file, off + range.start..off + range.end),
        None => s.loc.clone(),
    }
}

fn is_rust_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    s != "Self"
        && chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Validator<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn error(
        &mut self,
        code: &'static str,
        loc: &Location,
        message: String,
        help: impl Into<String>,
    ) {
        self.push(Diagnostic::new(code, message).at(loc.clone()).help(help));
    }

    /// Empty names, NUL bytes and names over PostgreSQL's 63-byte limit.
    fn ident(&mut self, what: &str, name: &SpStr) {
        let n = &name.value;
        if n.is_empty() {
            self.error(
                "empty-name",
                &name.loc,
                format!("{what} name is empty"),
                "give it a name",
            );
        } else if n.contains('\0') {
            self.error(
                "bad-name",
                &name.loc,
                format!("{what} name contains a NUL byte"),
                "remove the NUL byte",
            );
        } else if n.len() > MAX_IDENT_BYTES {
            self.error(
                "name-too-long",
                &name.loc,
                format!("{what} name `{n}` is {} bytes long; PostgreSQL allows at most {MAX_IDENT_BYTES}", n.len()),
                format!("shorten it to {MAX_IDENT_BYTES} bytes or fewer (PostgreSQL would silently truncate it)"),
            );
        }
    }

    /// Strings that reach SQL as values or expressions: enum labels, comments, defaults,
    /// backfills, checks and index predicates. A NUL byte is refused in every one: PostgreSQL
    /// cannot store it, and SQLite stops reading a statement at it (and a runner feeding it the
    /// rest would never finish). Other control characters are refused in enum labels (values
    /// code compares, invisible in every listing) and in comments, which may hold tabs and line
    /// breaks; in an expression they are SQL's to judge: data inside a string literal, a column
    /// name inside a quoted identifier (names are checked where they are declared), and a
    /// syntax error the server reports anywhere else.
    fn schema_strings(&mut self, raw: &RawSchema) {
        for e in &raw.enums {
            for label in e.values.iter().chain(&e.drop_values) {
                self.text("enum label", label, false);
            }
            if let Some(c) = &e.comment {
                self.text("enum comment", c, true);
            }
        }
        for t in &raw.tables {
            if let Some(c) = &t.comment {
                self.text("table comment", c, true);
            }
            for c in &t.columns {
                if let Some(comment) = &c.comment {
                    self.text("column comment", comment, true);
                }
                for (what, expr) in [("default", &c.default), ("backfill", &c.backfill)] {
                    if let Some(expr) = expr {
                        self.expression(what, expr);
                    }
                }
            }
            for check in &t.checks {
                if let Some(expr) = &check.expr {
                    self.expression("check expression", expr);
                }
            }
            for ix in &t.indexes {
                if let Some(p) = &ix.predicate {
                    self.expression("index predicate (`where`)", p);
                }
            }
        }
    }

    /// A SQL expression of [`schema_strings`](Self::schema_strings): its first NUL byte.
    fn expression(&mut self, what: &str, s: &SpStr) {
        if let Some(at) = s.value.find('\0') {
            self.nul_byte(what, &inside(s, at..at + 1));
        }
    }

    fn nul_byte(&mut self, what: &str, loc: &Location) {
        self.error(
            "nul-byte",
            loc,
            format!("{what} contains a NUL byte (`\\u0000`)"),
            "remove it: PostgreSQL cannot store a NUL byte in text, and SQLite stops reading a statement at one",
        );
    }

    /// A label or a comment of [`schema_strings`](Self::schema_strings): its first NUL byte
    /// or other control character (tabs and line breaks allowed when `layout` is).
    fn text(&mut self, what: &str, s: &SpStr, layout: bool) {
        let bad = s
            .value
            .char_indices()
            .find(|&(_, c)| c.is_control() && !(layout && matches!(c, '\t' | '\n' | '\r')));
        let Some((at, c)) = bad else { return };
        let loc = inside(s, at..at + c.len_utf8());
        if c == '\0' {
            self.nul_byte(what, &loc);
        } else {
            let code = format!("U+{:04X}", u32::from(c));
            let help = if layout {
                "remove it: tabs and line breaks are the only control characters allowed here"
                    .to_string()
            } else {
                "remove it: enum labels are values code compares, and a control character is invisible in every listing".to_string()
            };
            self.error(
                "control-character",
                &loc,
                format!("{what} contains the control character {code}"),
                help,
            );
        }
    }

    /// A generated name (`parts` joined by `_`) that would be too long: the user must name the
    /// object. Not reported when one of the parts is itself too long, which is reported already.
    fn derived_name(&mut self, what: &str, parts: &[&str], loc: &Location, key: &str) -> String {
        let name = parts.join("_");
        if name.len() > MAX_IDENT_BYTES && parts.iter().all(|p| p.len() <= MAX_IDENT_BYTES) {
            self.error(
                "name-too-long",
                loc,
                format!(
                    "the generated {what} name `{name}` is {} bytes long; PostgreSQL allows at most {MAX_IDENT_BYTES}",
                    name.len()
                ),
                format!("name it yourself with `{key} = \"...\"` ({MAX_IDENT_BYTES} bytes or fewer)"),
            );
        }
        name
    }

    fn run(&mut self, raw: &RawSchema) -> Schema {
        let mut schema = Schema::default();
        self.schema_strings(raw);

        // Enums, and duplicates across files.
        let mut enum_seen: HashMap<&str, &Location> = HashMap::new();
        for e in &raw.enums {
            self.ident("enum", &e.name);
            if let Some(first) = enum_seen.get(e.name.value.as_str()) {
                self.push(
                    Diagnostic::new(
                        "duplicate-enum",
                        format!("enum `{}` is declared twice", e.name.value),
                    )
                    .at(e.name.loc.clone())
                    .related((*first).clone(), "first declared here")
                    .help("keep one declaration of the enum and remove the other"),
                );
                continue;
            }
            enum_seen.insert(&e.name.value, &e.name.loc);
            schema.enums.push(self.enum_decl(e));
        }
        let enum_names: Vec<&str> = schema.enums.iter().map(|e| e.name.as_str()).collect();

        // Tables: duplicates, model names, name clashes with enums.
        let mut table_seen: HashMap<&str, &RawTable> = HashMap::new();
        let mut model_seen: HashMap<&str, &SpStr> = HashMap::new();
        let mut unique_tables: Vec<&RawTable> = Vec::new();
        for t in &raw.tables {
            self.ident("table", &t.name);
            if let Some(first) = table_seen.get(t.name.value.as_str()) {
                self.push(
                    Diagnostic::new("duplicate-table", format!("table `{}` is declared twice", t.name.value))
                        .at(t.name.loc.clone())
                        .related(first.name.loc.clone(), "first declared here")
                        .help("declare each table once, with all its columns, indexes and checks in one place"),
                );
                continue;
            }
            table_seen.insert(&t.name.value, t);
            if let Some(e) = raw.enums.iter().find(|e| e.name.value == t.name.value) {
                self.push(
                    Diagnostic::new(
                        "name-clash",
                        format!("table `{}` has the same name as an enum", t.name.value),
                    )
                    .at(t.name.loc.clone())
                    .related(e.name.loc.clone(), "enum declared here")
                    .help("PostgreSQL gives every table a type of the same name: rename the table or the enum"),
                );
            }
            match &t.model {
                None if t.broken_keys.contains(&"model") => {}
                None => self.error(
                    "missing-model",
                    &t.name.loc,
                    format!("table `{}` has no `model`", t.name.value),
                    format!(
                        "add `model = \"{}\"` (the Rust struct name) under [tables.{}]; it is never guessed",
                        camel(&singular(&t.name.value)),
                        t.name.value
                    ),
                ),
                Some(m) if !is_rust_type_name(&m.value) => self.error(
                    "bad-model",
                    &m.loc,
                    format!("model `{}` is not a Rust type name", m.value),
                    format!("use an UpperCamelCase name such as `{}`", camel(&m.value)),
                ),
                Some(m) => {
                    if let Some(first) = model_seen.get(m.value.as_str()) {
                        self.push(
                            Diagnostic::new(
                                "duplicate-model",
                                format!("model `{}` is used by two tables", m.value),
                            )
                            .at(m.loc.clone())
                            .related(first.loc.clone(), "first used here")
                            .help("give each table its own model name"),
                        );
                    } else {
                        model_seen.insert(&m.value, m);
                    }
                }
            }
            unique_tables.push(t);
        }

        let mut index_locs = Vec::new();
        for t in &unique_tables {
            let (table, locs) = self.table(t, &enum_names);
            schema.tables.push(table);
            index_locs.push(locs);
        }

        // Cross-table checks: enum defaults and foreign keys, then schema-wide relation names.
        let fks: Vec<Vec<ForeignKey>> = unique_tables
            .iter()
            .zip(&schema.tables)
            .map(|(t, table)| self.cross_table(t, table, &schema))
            .collect();
        for (table, fks) in schema.tables.iter_mut().zip(fks) {
            table.foreign_keys = fks;
        }
        self.relation_names(&unique_tables, &schema, &index_locs);

        // A table renamed from a table that is still declared: the rename cannot happen.
        for t in &unique_tables {
            if let Some(r) = &t.renamed_from
                && r.value != t.name.value
                && let Some(old) = table_seen.get(r.value.as_str())
            {
                self.push(
                    Diagnostic::new(
                        "rename-clash",
                        format!("table `{}` is renamed from `{}`, but `{}` is still declared", t.name.value, r.value, r.value),
                    )
                    .at(r.loc.clone())
                    .related(old.name.loc.clone(), "still declared here")
                    .help("a rename needs the old name gone: remove the old table's declaration, or remove `renamed_from`"),
                );
            }
        }

        // Acknowledgements that contradict declarations.
        for d in &raw.drop_tables {
            if let Some(t) = table_seen.get(d.value.as_str()) {
                self.push(
                    Diagnostic::new(
                        "drop-declared",
                        format!("table `{}` is in `drop_tables` but is still declared", d.value),
                    )
                    .at(d.loc.clone())
                    .related(t.name.loc.clone(), "declared here")
                    .help("remove the table's declaration to drop it, or remove it from `drop_tables` to keep it"),
                );
            }
        }
        for d in &raw.drop_enums {
            if let Some(first) = enum_seen.get(d.value.as_str()) {
                self.push(
                    Diagnostic::new(
                        "drop-declared",
                        format!("enum `{}` is in `drop_enums` but is still declared", d.value),
                    )
                    .at(d.loc.clone())
                    .related((*first).clone(), "declared here")
                    .help("remove the enum's declaration to drop it, or remove it from `drop_enums` to keep it"),
                );
            }
        }
        schema.drop_tables = raw.drop_tables.iter().map(|d| d.value.clone()).collect();
        schema.drop_enums = raw.drop_enums.iter().map(|d| d.value.clone()).collect();
        schema
    }

    fn enum_decl(&mut self, e: &super::load::RawEnum) -> Enum {
        let n = e.name.value.as_str();
        if super::model::BUILTIN_TYPES.contains(&n.to_ascii_lowercase().as_str()) {
            self.error(
                "enum-shadows-type",
                &e.name.loc,
                format!("enum `{n}` has the name of a built-in type"),
                format!("a column of type `{n}` would mean the built-in type: rename the enum, e.g. `{n}_kind`"),
            );
        } else if n.trim() != n || n.contains(['(', ')', '[', ']']) {
            self.error(
                "bad-name",
                &e.name.loc,
                format!("enum name `{n}` cannot be written as a column type"),
                "use a name without brackets, parentheses or surrounding spaces, e.g. `pet_type`",
            );
        }
        if e.values.is_empty() && !e.broken_keys.contains(&"values") {
            let loc = e.values_loc.as_ref().unwrap_or(&e.name.loc);
            self.error(
                "empty-enum",
                loc,
                format!("enum `{}` has no values", e.name.value),
                format!(
                    "list its labels: `values = [\"A\", \"B\"]` under [enums.{}]",
                    e.name.value
                ),
            );
        }
        let mut seen: HashMap<&str, &Location> = HashMap::new();
        for v in &e.values {
            if v.value.is_empty() {
                self.error(
                    "empty-name",
                    &v.loc,
                    format!("enum `{}` has an empty label", e.name.value),
                    "remove it or give it a name",
                );
            } else if v.value.len() > MAX_IDENT_BYTES {
                self.error(
                    "name-too-long",
                    &v.loc,
                    format!("enum label `{}` is {} bytes long; PostgreSQL allows at most {MAX_IDENT_BYTES}", v.value, v.value.len()),
                    format!("shorten it to {MAX_IDENT_BYTES} bytes or fewer"),
                );
            }
            if let Some(first) = seen.get(v.value.as_str()) {
                self.push(
                    Diagnostic::new(
                        "duplicate-enum-value",
                        format!("enum `{}` lists `{}` twice", e.name.value, v.value),
                    )
                    .at(v.loc.clone())
                    .related((*first).clone(), "first listed here")
                    .help("remove the second one"),
                );
            } else {
                seen.insert(&v.value, &v.loc);
            }
        }
        for d in &e.drop_values {
            if seen.contains_key(d.value.as_str()) {
                self.error(
                    "drop-declared",
                    &d.loc,
                    format!(
                        "`{}` is in `drop_values` of enum `{}` but is still in `values`",
                        d.value, e.name.value
                    ),
                    "remove it from `values` to drop it, or from `drop_values` to keep it",
                );
            }
        }
        let mut values = Vec::new();
        for v in &e.values {
            if !values.contains(&v.value) {
                values.push(v.value.clone());
            }
        }
        Enum {
            name: e.name.value.clone(),
            values,
            comment: e.comment.as_ref().map(|c| c.value.clone()),
            drop_values: e.drop_values.iter().map(|d| d.value.clone()).collect(),
        }
    }

    fn table(&mut self, t: &RawTable, enums: &[&str]) -> (Table, Vec<Location>) {
        let mut index_locs = Vec::new();
        let tname = &t.name.value;
        let mut table = Table {
            name: tname.clone(),
            model: t
                .model
                .as_ref()
                .map(|m| m.value.clone())
                .unwrap_or_default(),
            comment: t.comment.as_ref().map(|c| c.value.clone()),
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            drop_columns: t.drop_columns.iter().map(|d| d.value.clone()).collect(),
            renamed_from: t.renamed_from.as_ref().map(|r| r.value.clone()),
        };
        if t.columns.is_empty() && !t.broken_keys.contains(&"columns") {
            self.error(
                "no-columns",
                &t.name.loc,
                format!("table `{tname}` has no columns"),
                format!("declare its columns under [tables.{tname}.columns], e.g. `id = {{ type = \"uuid\", primary_key = true }}`"),
            );
        }

        // Columns.
        let mut col_seen: HashMap<&str, &Location> = HashMap::new();
        let mut pk_columns: Vec<&RawColumn> = Vec::new();
        for c in &t.columns {
            self.ident("column", &c.name);
            if let Some(first) = col_seen.get(c.name.value.as_str()) {
                // TOML rejects a repeated key in one table; this catches names that differ only in
                // how they were quoted.
                self.push(
                    Diagnostic::new(
                        "duplicate-column",
                        format!("column `{tname}.{}` is declared twice", c.name.value),
                    )
                    .at(c.name.loc.clone())
                    .related((*first).clone(), "first declared here")
                    .help("remove one of them"),
                );
                continue;
            }
            col_seen.insert(&c.name.value, &c.name.loc);
            if c.primary_key.as_ref().is_some_and(|p| p.value) {
                pk_columns.push(c);
            }
            match self.column(tname, c, enums) {
                Some(col) => table.columns.push(col),
                None => {
                    self.untyped.insert((tname.clone(), c.name.value.clone()));
                }
            }
        }
        let column_names: Vec<&str> = t.columns.iter().map(|c| c.name.value.as_str()).collect();

        // Acknowledged drops must not still be declared.
        for d in &t.drop_columns {
            if let Some(loc) = col_seen.get(d.value.as_str()) {
                self.push(
                    Diagnostic::new(
                        "drop-declared",
                        format!("column `{tname}.{}` is in `drop_columns` but is still declared", d.value),
                    )
                    .at(d.loc.clone())
                    .related((*loc).clone(), "declared here")
                    .help("remove the column's declaration to drop it, or remove it from `drop_columns` to keep it"),
                );
            }
        }
        for c in &t.columns {
            if let Some(r) = &c.renamed_from
                && r.value != c.name.value
                && col_seen.contains_key(r.value.as_str())
            {
                self.error(
                    "rename-clash",
                    &r.loc,
                    format!("`{tname}.{}` is renamed from `{}`, but `{}` is still declared", c.name.value, r.value, r.value),
                    "a rename needs the old name gone: remove the old column, or remove `renamed_from`",
                );
            }
        }

        // Primary key: column-level or table-level, not both.
        let pk_name = t
            .primary_key_name
            .as_ref()
            .map(|n| {
                self.ident("primary key", n);
                n.value.clone()
            })
            .unwrap_or_else(|| format!("{tname}_pkey"));
        match (&t.primary_key, pk_columns.as_slice()) {
            (Some(list), [first, ..]) => {
                let loc = first
                    .primary_key
                    .as_ref()
                    .map_or(&first.name.loc, |p| &p.loc);
                self.push(
                    Diagnostic::new("duplicate-primary-key", format!("table `{tname}` declares its primary key twice"))
                        .at(loc.clone())
                        .related(list.loc.clone(), "table-level primary key here")
                        .help("keep either the table's `primary_key = [...]` or the columns' `primary_key = true`"),
                );
            }
            (Some(list), []) => {
                if list.value.is_empty() {
                    self.error(
                        "empty-primary-key",
                        &list.loc,
                        format!("the primary key of `{tname}` lists no columns"),
                        "list the key's columns, e.g. `primary_key = [\"a\", \"b\"]`, or remove the key",
                    );
                }
                let mut seen: Vec<&str> = Vec::new();
                let mut ok = true;
                for col in &list.value {
                    if seen.contains(&col.value.as_str()) {
                        self.error(
                            "duplicate-key-column",
                            &col.loc,
                            format!(
                                "column `{}` appears twice in the primary key of `{tname}`",
                                col.value
                            ),
                            "list each column once",
                        );
                        ok = false;
                    }
                    seen.push(&col.value);
                    match t.columns.iter().find(|c| c.name.value == col.value) {
                        None => {
                            self.unknown_column(tname, col, &column_names, "the primary key");
                            ok = false;
                        }
                        Some(c) if c.nullable.as_ref().is_some_and(|n| n.value) => {
                            self.push(
                                Diagnostic::new(
                                    "nullable-primary-key",
                                    format!("primary key column `{tname}.{}` is nullable", col.value),
                                )
                                .at(col.loc.clone())
                                .related(
                                    c.nullable.as_ref().map_or(c.name.loc.clone(), |n| n.loc.clone()),
                                    "made nullable here",
                                )
                                .help("a primary key is never NULL: remove `nullable = true` from the column"),
                            );
                        }
                        Some(_) => {}
                    }
                }
                if ok && !list.value.is_empty() {
                    table.primary_key = Some(PrimaryKey {
                        name: pk_name,
                        columns: list.value.iter().map(|c| c.value.clone()).collect(),
                    });
                }
            }
            (None, [one]) => {
                table.primary_key = Some(PrimaryKey {
                    name: pk_name,
                    columns: vec![one.name.value.clone()],
                });
            }
            (None, [_, second, ..]) => {
                let loc = second
                    .primary_key
                    .as_ref()
                    .map_or(&second.name.loc, |p| &p.loc);
                let names: Vec<&str> = pk_columns.iter().map(|c| c.name.value.as_str()).collect();
                self.error(
                    "composite-primary-key",
                    loc,
                    format!("several columns of `{tname}` say `primary_key = true`"),
                    format!(
                        "declare a composite key on the table instead: `primary_key = [{}]` under [tables.{tname}]",
                        names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            (None, []) => {}
        }
        for c in &pk_columns {
            if let Some(n) = c.nullable.as_ref().filter(|n| n.value) {
                self.error(
                    "nullable-primary-key",
                    &n.loc,
                    format!("primary key column `{tname}.{}` is nullable", c.name.value),
                    "a primary key is never NULL: remove `nullable = true`",
                );
            }
        }
        if t.primary_key_name.is_none() && table.primary_key.is_some() {
            self.derived_name(
                "primary key",
                &[tname, "pkey"],
                &t.name.loc,
                "primary_key_name",
            );
        }

        // Unique columns become unique indexes named as PostgreSQL names unique constraints.
        for c in &t.columns {
            if let Some(u) = c.unique.as_ref().filter(|u| u.value) {
                let parts = [tname, c.name.value.as_str(), "key"];
                let name = self.derived_name(
                    "unique index",
                    &parts,
                    &u.loc,
                    "name (in an [[indexes]] entry)",
                );
                index_locs.push(u.loc.clone());
                table.indexes.push(Index {
                    name,
                    columns: vec![c.name.value.clone()],
                    unique: true,
                    predicate: None,
                    method: IndexMethod::Btree,
                });
            }
        }

        // Indexes.
        for ix in &t.indexes {
            let unique = ix.unique.as_ref().is_some_and(|u| u.value);
            let method = ix.method.as_ref().map_or(IndexMethod::Btree, |m| m.value);
            let mut ok = true;
            if ix.columns.is_empty() {
                // Reported while reading the file (missing or empty `columns`).
                ok = false;
            }
            let mut seen: Vec<&str> = Vec::new();
            for col in &ix.columns {
                if seen.contains(&col.value.as_str()) {
                    self.error(
                        "duplicate-key-column",
                        &col.loc,
                        format!(
                            "column `{}` appears twice in an index of `{tname}`",
                            col.value
                        ),
                        "list each column once",
                    );
                    ok = false;
                }
                seen.push(&col.value);
                if !column_names.contains(&col.value.as_str()) {
                    self.unknown_column(tname, col, &column_names, "an index");
                    ok = false;
                }
            }
            if unique && method != IndexMethod::Btree {
                let loc = ix.method.as_ref().map_or(&ix.loc, |m| &m.loc);
                self.error(
                    "unique-hash",
                    loc,
                    format!(
                        "a unique index of `{tname}` uses the {} method; only btree indexes enforce uniqueness",
                        method.as_str()
                    ),
                    format!("remove `method = \"{}\"` (btree is the default) or remove `unique = true`", method.as_str()),
                );
            }
            if let Some(p) = &ix.predicate {
                self.expression_columns(tname, p, &column_names, "index predicate");
            }
            let name = match &ix.name {
                Some(n) => {
                    self.ident("index", n);
                    n.value.clone()
                }
                None => {
                    let suffix = if unique { "key" } else { "idx" };
                    let mut parts = vec![tname.as_str()];
                    parts.extend(ix.columns.iter().map(|c| c.value.as_str()));
                    parts.push(suffix);
                    self.derived_name("index", &parts, &ix.loc, "name")
                }
            };
            if ok {
                index_locs.push(ix.name.as_ref().map_or(&ix.loc, |n| &n.loc).clone());
                table.indexes.push(Index {
                    name,
                    columns: ix.columns.iter().map(|c| c.value.clone()).collect(),
                    unique,
                    predicate: ix.predicate.as_ref().map(|p| p.value.clone()),
                    method,
                });
            }
        }

        // Checks.
        for ck in &t.checks {
            if let Some(check) = self.check(tname, ck, &column_names) {
                table.checks.push(check);
            }
        }
        (table, index_locs)
    }

    fn check(&mut self, tname: &str, ck: &RawCheck, column_names: &[&str]) -> Option<Check> {
        if let Some(n) = &ck.name {
            self.ident("check", n);
        }
        if let Some(e) = &ck.expr {
            if e.value.trim().is_empty() {
                self.error(
                    "empty-check",
                    &e.loc,
                    format!("a check of `{tname}` has an empty `expr`"),
                    "write the condition rows must meet, e.g. `expr = \"weight > 0\"`",
                );
                return None;
            }
            self.expression_columns(tname, e, column_names, "check");
        }
        Some(Check {
            name: ck.name.as_ref()?.value.clone(),
            expr: ck.expr.as_ref()?.value.clone(),
        })
    }

    /// Reports identifiers in a SQL expression that are not columns of the table.
    fn expression_columns(&mut self, tname: &str, expr: &SpStr, column_names: &[&str], what: &str) {
        for (name, range) in column_references(&expr.value) {
            if column_names.contains(&name.as_str()) {
                continue;
            }
            // Inside the string when the source is the plain quoted text.
            let loc = inside(expr, range);
            let help = match did_you_mean(&name, column_names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "the columns of `{tname}` are {}",
                    quoted_list(column_names.iter().copied())
                ),
            };
            self.error(
                "unknown-column",
                &loc,
                format!("{what} uses `{name}`, which is not a column of `{tname}`"),
                help,
            );
        }
    }

    fn unknown_column(&mut self, tname: &str, col: &SpStr, column_names: &[&str], what: &str) {
        let help = match did_you_mean(&col.value, column_names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if column_names.is_empty() => {
                format!("declare the column under [tables.{tname}.columns]")
            }
            None => format!(
                "the columns of `{tname}` are {}",
                quoted_list(column_names.iter().copied())
            ),
        };
        self.error(
            "unknown-column",
            &col.loc,
            format!(
                "{what} of `{tname}` names `{}`, which is not a column of `{tname}`",
                col.value
            ),
            help,
        );
    }

    fn column(&mut self, tname: &str, c: &RawColumn, enums: &[&str]) -> Option<Column> {
        let cname = &c.name.value;
        let ty_raw = c.ty.as_ref()?;
        let ty = match parse_type(&ty_raw.value, enums.iter().copied()) {
            Ok(ty) => Some(ty),
            Err(e) => {
                self.error("unknown-type", &ty_raw.loc, e.message, e.help);
                None
            }
        };
        let nullable = c.nullable.as_ref().is_some_and(|n| n.value);
        // The previous type may be an enum this change drops.
        let dropped = self.dropped_enums.clone();
        let previous: Vec<&str> = enums
            .iter()
            .copied()
            .chain(dropped.iter().map(String::as_str))
            .collect();
        let type_changed_from = c.type_changed_from.as_ref().and_then(|t| {
            parse_type(&t.value, previous.iter().copied())
                .map_err(|e| self.error("unknown-type", &t.loc, e.message, e.help))
                .ok()
        });

        if let Some(id) = &c.identity {
            if let Some(ty) = &ty
                && !ty.is_integer()
            {
                self.error(
                    "identity-type",
                    &id.loc,
                    format!("identity column `{tname}.{cname}` has type `{ty}`; identity needs an integer type"),
                    "use `type = \"bigint\"` (or `integer`/`smallint`), or remove `identity`",
                );
            }
            if let Some(d) = &c.default {
                self.error(
                    "identity-default",
                    &d.loc,
                    format!("identity column `{tname}.{cname}` also has a default"),
                    "an identity column generates its values: remove `default`",
                );
            }
            if nullable && let Some(n) = &c.nullable {
                self.error(
                    "identity-nullable",
                    &n.loc,
                    format!("identity column `{tname}.{cname}` is nullable"),
                    "identity columns are never NULL: remove `nullable = true`",
                );
            }
        }

        if let (Some(d), Some(ty)) = (&c.default, &ty) {
            self.default_expr(tname, cname, d, ty);
        }

        // Column-level foreign key keys without `references`.
        if c.references.is_none() {
            for (key, loc) in [
                ("constraint", c.constraint.as_ref().map(|s| &s.loc)),
                ("on_delete", c.on_delete.as_ref().map(|s| &s.loc)),
                ("on_update", c.on_update.as_ref().map(|s| &s.loc)),
            ] {
                if let Some(loc) = loc {
                    self.error(
                        "fk-without-references",
                        loc,
                        format!("`{key}` on `{tname}.{cname}` needs `references`"),
                        format!(
                            "add `references = \"table.column\"` to the column, or remove `{key}`"
                        ),
                    );
                }
            }
        }

        Some(Column {
            name: cname.clone(),
            ty: ty?,
            nullable,
            default: c.default.as_ref().map(|d| d.value.clone()),
            identity: c.identity.as_ref().map(|i| i.value),
            comment: c.comment.as_ref().map(|s| s.value.clone()),
            renamed_from: c.renamed_from.as_ref().map(|s| s.value.clone()),
            type_changed_from,
            backfill: c.backfill.as_ref().map(|s| s.value.clone()),
        })
    }

    /// Catches the most common default mistake: a string literal without SQL quotes.
    fn default_expr(&mut self, tname: &str, cname: &str, d: &SpStr, ty: &ColumnType) {
        let v = d.value.trim();
        if v.is_empty() {
            self.error(
                "empty-default",
                &d.loc,
                format!("the default of `{tname}.{cname}` is empty"),
                "write a SQL expression, e.g. `default = \"''\"` for an empty string, or remove `default`",
            );
            return;
        }
        if !ty.is_textual() {
            return;
        }
        let is_bare_word = v
            .chars()
            .all(|ch| ch.is_alphanumeric() || ch == '_' || ch == ' ')
            && !matches!(
                v.to_ascii_lowercase().as_str(),
                "null"
                    | "current_user"
                    | "session_user"
                    | "current_role"
                    | "user"
                    | "current_schema"
            );
        if is_bare_word {
            self.error(
                "unquoted-default",
                &d.loc,
                format!(
                    "the default of `{tname}.{cname}` is the SQL expression `{v}`, not a string"
                ),
                format!("a default is SQL: quote a string literal as `default = \"'{v}'\"`"),
            );
        }
    }

    /// Checks that need every table: enum defaults and foreign keys. Returns the table's foreign keys.
    fn cross_table(&mut self, t: &RawTable, table: &Table, schema: &Schema) -> Vec<ForeignKey> {
        let tname = &t.name.value;
        let mut fks: Vec<ForeignKey> = Vec::new();
        let mut names: HashMap<String, Location> = HashMap::new();

        // Enum defaults name a label of their enum.
        for c in &t.columns {
            if let (Some(d), Some(col)) = (&c.default, table.column(&c.name.value))
                && let ColumnType::Enum(en) = &col.ty
                && let Some(e) = schema.enum_type(en)
                && let Some(label) = sql_string_literal(&d.value)
                && !e.values.contains(&label)
            {
                let help = match did_you_mean(&label, e.values.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `'{s}'`?"),
                    None => format!(
                        "the labels of `{en}` are {}",
                        quoted_list(e.values.iter().map(String::as_str))
                    ),
                };
                self.error(
                    "unknown-enum-value",
                    &d.loc,
                    format!("the default of `{tname}.{}` is `{label}`, which is not a label of enum `{en}`", c.name.value),
                    help,
                );
            }
        }

        // Column-level `references = "table.column"`.
        for c in &t.columns {
            let Some(r) = &c.references else { continue };
            let Some((rt, rc)) = r
                .value
                .rsplit_once('.')
                .filter(|(t, c)| !t.is_empty() && !c.is_empty())
            else {
                self.error(
                    "bad-reference",
                    &r.loc,
                    format!(
                        "`references = \"{}\"` must name a table and a column",
                        r.value
                    ),
                    "write `references = \"table.column\"`, e.g. `references = \"pets.id\"`",
                );
                continue;
            };
            let name = match &c.constraint {
                Some(n) => {
                    self.ident("constraint", n);
                    n.value.clone()
                }
                None => self.derived_name(
                    "foreign key",
                    &[tname, &c.name.value, "fkey"],
                    &r.loc,
                    "constraint",
                ),
            };
            // Point at the table or the column inside `"table.column"`.
            let ref_table = Sp {
                value: rt.to_string(),
                loc: inside(r, 0..rt.len()),
            };
            let ref_col = Sp {
                value: rc.to_string(),
                loc: inside(r, rt.len() + 1..r.value.len()),
            };
            let cols = [c.name.clone()];
            if self.fk_target(
                tname,
                table,
                schema,
                &cols,
                &ref_table,
                std::slice::from_ref(&ref_col),
                &r.loc,
            ) && let Some(fk) = self.fk_model(
                table,
                name.clone(),
                &cols,
                rt,
                &[rc.to_string()],
                c.on_delete.as_ref(),
                c.on_update.as_ref(),
            ) {
                fks.push(fk);
            }
            let loc = c.constraint.as_ref().map_or(&r.loc, |n| &n.loc);
            self.unique_name(&mut names, tname, &name, loc);
        }

        // Table-level `[[foreign_keys]]`.
        for fk in &t.foreign_keys {
            // Missing or unreadable parts were reported while reading the file.
            if fk.broken_keys.contains(&"columns") || fk.broken_keys.contains(&"references") {
                continue;
            }
            let Some(rt) = &fk.ref_table else {
                if fk.columns.is_empty() {
                    continue;
                }
                self.error(
                    "bad-reference",
                    &fk.loc,
                    format!("a foreign key of `{tname}` has no referenced `table`"),
                    "write `references = { table = \"orders\", columns = [\"id\"] }`",
                );
                continue;
            };
            let name = match &fk.constraint {
                Some(n) => {
                    self.ident("constraint", n);
                    n.value.clone()
                }
                None => {
                    let mut parts = vec![tname.as_str()];
                    parts.extend(fk.columns.iter().map(|c| c.value.as_str()));
                    parts.push("fkey");
                    self.derived_name("foreign key", &parts, &fk.loc, "constraint")
                }
            };
            if fk.columns.len() != fk.ref_columns.len() {
                self.error(
                    "fk-arity",
                    &fk.loc,
                    format!(
                        "a foreign key of `{tname}` has {} column(s) but references {}",
                        fk.columns.len(),
                        fk.ref_columns.len()
                    ),
                    "list as many referenced columns as referencing ones, in matching order",
                );
                continue;
            }
            if fk.columns.is_empty() {
                continue;
            }
            let mut ok = true;
            for col in &fk.columns {
                if self.untyped.contains(&(tname.clone(), col.value.clone())) {
                    ok = false;
                } else if table.column(&col.value).is_none() {
                    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
                    self.unknown_column(tname, col, &names, "a foreign key");
                    ok = false;
                }
            }
            if ok
                && self.fk_target(
                    tname,
                    table,
                    schema,
                    &fk.columns,
                    rt,
                    &fk.ref_columns,
                    &rt.loc,
                )
            {
                let ref_cols: Vec<String> =
                    fk.ref_columns.iter().map(|c| c.value.clone()).collect();
                if let Some(model) = self.fk_model(
                    table,
                    name.clone(),
                    &fk.columns,
                    &rt.value,
                    &ref_cols,
                    fk.on_delete.as_ref(),
                    fk.on_update.as_ref(),
                ) {
                    fks.push(model);
                }
            }
            let loc = fk.constraint.as_ref().map_or(&fk.loc, |n| &n.loc);
            self.unique_name(&mut names, tname, &name, loc);
        }

        // Check names share the table's constraint namespace, primary key included.
        if let Some(pk) = &table.primary_key {
            let loc = t.primary_key_name.as_ref().map_or(&t.name.loc, |n| &n.loc);
            self.unique_name(&mut names, tname, &pk.name, loc);
        }
        for ck in &t.checks {
            if let Some(n) = &ck.name {
                self.unique_name(&mut names, tname, &n.value, &n.loc);
            }
        }

        fks
    }

    fn unique_name(
        &mut self,
        names: &mut HashMap<String, Location>,
        tname: &str,
        name: &str,
        loc: &Location,
    ) {
        if let Some(first) = names.get(name) {
            self.push(
                Diagnostic::new(
                    "duplicate-constraint",
                    format!("table `{tname}` has two constraints named `{name}`"),
                )
                .at(loc.clone())
                .related(first.clone(), "first named here")
                .help("give each constraint of a table its own name"),
            );
        } else {
            names.insert(name.to_string(), loc.clone());
        }
    }

    /// Checks the referenced table and columns exist, types match, and the target is a key. Type
    /// and key problems are reported `at` the reference.
    #[allow(clippy::too_many_arguments)]
    fn fk_target(
        &mut self,
        tname: &str,
        table: &Table,
        schema: &Schema,
        cols: &[SpStr],
        rt: &SpStr,
        rcs: &[SpStr],
        at: &Location,
    ) -> bool {
        let Some(target) = schema.table(&rt.value) else {
            let help = match did_you_mean(&rt.value, schema.tables.iter().map(|t| t.name.as_str()))
            {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "declare [tables.{}] or reference one of the declared tables",
                    rt.value
                ),
            };
            self.error(
                "unknown-table",
                &rt.loc,
                format!(
                    "foreign key of `{tname}` references table `{}`, which is not declared",
                    rt.value
                ),
                help,
            );
            return false;
        };
        let mut ok = true;
        for (col, rc) in cols.iter().zip(rcs) {
            let Some(target_col) = target.column(&rc.value) else {
                ok = false;
                if self
                    .untyped
                    .contains(&(target.name.clone(), rc.value.clone()))
                {
                    continue;
                }
                let names: Vec<&str> = target.columns.iter().map(|c| c.name.as_str()).collect();
                let help = match did_you_mean(&rc.value, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the columns of `{}` are {}",
                        target.name,
                        quoted_list(names.iter().copied())
                    ),
                };
                self.error(
                    "unknown-column",
                    &rc.loc,
                    format!(
                        "foreign key of `{tname}` references `{}.{}`, which is not a column",
                        target.name, rc.value
                    ),
                    help,
                );
                continue;
            };
            if let Some(own) = table.column(&col.value)
                && own.ty != target_col.ty
            {
                self.error(
                    "fk-type-mismatch",
                    at,
                    format!(
                        "`{tname}.{}` is `{}` but references `{}.{}` of type `{}`",
                        col.value, own.ty, target.name, rc.value, target_col.ty
                    ),
                    format!(
                        "make `{tname}.{}` of type `{}`, the type of the column it references",
                        col.value, target_col.ty
                    ),
                );
                ok = false;
            }
        }
        if ok {
            let wanted: Vec<&str> = rcs.iter().map(|c| c.value.as_str()).collect();
            let same = |cols: &[String]| {
                cols.len() == wanted.len() && wanted.iter().all(|w| cols.iter().any(|c| c == w))
            };
            let is_key = target
                .primary_key
                .as_ref()
                .is_some_and(|pk| same(&pk.columns))
                || target
                    .indexes
                    .iter()
                    .any(|ix| ix.unique && ix.predicate.is_none() && same(&ix.columns));
            if !is_key {
                self.error(
                    "fk-not-key",
                    at,
                    format!(
                        "foreign key of `{tname}` references `{}`({}), which is neither its primary key nor unique",
                        target.name,
                        wanted.join(", ")
                    ),
                    "reference the primary key, or add a unique index on the referenced column(s)",
                );
                ok = false;
            }
        }
        ok
    }

    #[allow(clippy::too_many_arguments)]
    fn fk_model(
        &mut self,
        table: &Table,
        name: String,
        cols: &[SpStr],
        ref_table: &str,
        ref_cols: &[String],
        on_delete: Option<&Sp<FkAction>>,
        on_update: Option<&Sp<FkAction>>,
    ) -> Option<ForeignKey> {
        for action in [on_delete, on_update].into_iter().flatten() {
            if action.value == FkAction::SetNull {
                for c in cols {
                    if table.column(&c.value).is_some_and(|col| !col.nullable) {
                        self.error(
                            "set-null-not-null",
                            &action.loc,
                            format!(
                                "`set null` on `{}.{}`, which is NOT NULL",
                                table.name, c.value
                            ),
                            "make the column `nullable = true`, or use `cascade` or `restrict`",
                        );
                        return None;
                    }
                }
            }
        }
        Some(ForeignKey {
            name,
            columns: cols.iter().map(|c| c.value.clone()).collect(),
            ref_table: ref_table.to_string(),
            ref_columns: ref_cols.to_vec(),
            on_delete: on_delete.map_or(FkAction::NoAction, |a| a.value),
            on_update: on_update.map_or(FkAction::NoAction, |a| a.value),
        })
    }

    /// Tables, indexes and index-backed constraints share one namespace in PostgreSQL.
    fn relation_names(
        &mut self,
        tables: &[&RawTable],
        schema: &Schema,
        index_locs: &[Vec<Location>],
    ) {
        let mut seen: HashMap<String, (String, Location)> = HashMap::new();
        for t in tables {
            seen.insert(
                t.name.value.clone(),
                (format!("table `{}`", t.name.value), t.name.loc.clone()),
            );
        }
        for ((t, table), locs) in tables.iter().zip(&schema.tables).zip(index_locs) {
            let mut relations: Vec<(String, String, Location)> = Vec::new();
            if let Some(pk) = &table.primary_key {
                let loc = t.primary_key_name.as_ref().map_or(&t.name.loc, |n| &n.loc);
                relations.push((
                    pk.name.clone(),
                    format!("primary key of `{}`", table.name),
                    loc.clone(),
                ));
            }
            for (ix, loc) in table.indexes.iter().zip(locs) {
                relations.push((
                    ix.name.clone(),
                    format!("index of `{}`", table.name),
                    loc.clone(),
                ));
            }
            for (name, what, loc) in relations {
                if let Some((first_what, first_loc)) = seen.get(&name) {
                    self.push(
                        Diagnostic::new("duplicate-name", format!("the {what} is named `{name}`, like the {first_what}"))
                            .at(loc)
                            .related(first_loc.clone(), "that name is taken here")
                            .help("tables, indexes and keys share one namespace: give the index its own `name`"),
                    );
                } else {
                    seen.insert(name, (what, loc));
                }
            }
        }
    }
}
