//! Checking what a schema means, across all its files, and building the canonical model.

mod checks;
mod columns;
mod domains;
mod families;
mod foreign_keys;
mod indexes;
mod keys;
mod namespaces;
mod objects;
mod partitions;
mod table;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::load::{RawSchema, RawTable, SpStr};
use super::model::{Enum, ForeignKey, Schema};
use crate::config::Dialect;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::names;
use crate::sql::lex::{StringPrefix, TokenKind, lex};

/// The longest name a schema may use, in bytes, and the database that sets it
/// ([`Dialect::identifier_limit`]).
fn name_limit() -> Option<(usize, &'static str)> {
    Dialect::identifier_limit().map(|(max, d)| (max, d.ops().title()))
}

/// Checks the declarations and builds the model. Every problem found is pushed to `diags`.
///
/// A schema with a file that is not valid TOML is not checked: its syntax errors come first.
pub(crate) fn validate(raw: &RawSchema, diags: &mut Diagnostics) -> Schema {
    if raw.syntax_errors {
        return Schema::default();
    }
    let mut v = Validator {
        diags,
        untyped: HashSet::new(),
        dropped_enums: raw.drop_enums.iter().map(|d| d.value.clone()).collect(),
        // A declared domain is a type columns may name, like an external one.
        external_types: raw
            .external_types
            .iter()
            .chain(raw.domains.iter().map(|d| &d.name))
            .map(|d| d.value.clone())
            .collect(),
    };
    v.run(raw)
}

/// What `dialect` cannot hold of a valid schema: its views, functions and triggers
/// ([`objects::for_dialect`]) and its domains, sequences, UNLOGGED tables and NOT VALID
/// constraints ([`domains::for_dialect`]), each at the key that declares it, then what the
/// dialect itself refuses of the tables ([`crate::dialect::DialectOps::refuse`]: an operator
/// class on SQLite, say).
pub(crate) fn for_dialect(
    raw: &RawSchema,
    schema: &Schema,
    dialect: Dialect,
    diags: &mut Diagnostics,
) {
    objects::for_dialect(raw, dialect, diags);
    domains::for_dialect(raw, dialect, diags);
    for d in dialect.ops().refuse(schema) {
        diags.push(d);
    }
}

struct Validator<'d> {
    diags: &'d mut Diagnostics,
    /// `(table, column)` of declared columns whose type was already reported as unusable; what
    /// names them does not report them again as unknown.
    untyped: HashSet<(String, String)>,
    /// Enums the schema drops (`drop_enums`): a column's previous type may name one.
    dropped_enums: Vec<String>,
    /// `external_types`: names a column's type may use verbatim.
    external_types: Vec<String>,
}

/// The text of a default that is one SQL string literal, optionally cast (`'it''s'::mood`).
fn sql_string_literal(expr: &str) -> Option<String> {
    let e = expr.trim();
    let t = lex(e, Dialect::EXPRESSIONS).next()?;
    let value = match t.kind {
        TokenKind::String {
            prefix: StringPrefix::None,
            ..
        } => t.unquoted(e)?,
        _ => return None,
    };
    let rest = e[t.end..].trim();
    (rest.is_empty() || rest.starts_with("::")).then(|| value.into_owned())
}

fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
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

/// Why `name` cannot be a name, when it holds a control character (a line break, tab, escape…),
/// a line separator or a text-direction control: such a name would print as something else in
/// every message, header and review, and a line break in it could end a SQL comment. Gives the
/// message and the help; `what` is e.g. "table" or "enum label".
pub(crate) fn unprintable_name(what: &str, name: &str) -> Option<(String, String)> {
    let bad = name.chars().find(|&c| crate::sql::is_unprintable(c))?;
    let kind = match bad {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => "a line break",
        '\t' => "a tab",
        c if c.is_control() => "a control character",
        _ => "a text-direction control",
    };
    let shown = crate::sql::printable(name);
    let escaped = crate::sql::printable(&bad.to_string()).into_owned();
    let fixed: String = name
        .chars()
        .map(|c| {
            if crate::sql::is_unprintable(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let (subject, noun) = if what == "enum label" {
        (format!("{what} `{shown}`"), "label")
    } else {
        (format!("{what} name `{shown}`"), "name")
    };
    Some((
        format!("{subject} contains {kind} (`{escaped}`)"),
        format!(
            "write the {noun} without it, e.g. `{fixed}`: names must print as they are, so \
             control characters, line breaks and text-direction controls are refused"
        ),
    ))
}

/// Every name of `schema` that `unprintable_name` refuses, each as a message naming the object
/// (for a schema read from a database, which no `check` has seen).
pub fn unprintable_names(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let mut look = |what: &str, name: &str, owner: Option<&str>| {
        if let Some((message, _)) = unprintable_name(what, name) {
            match owner {
                Some(t) => out.push(format!("{message}, in `{}`", crate::sql::printable(t))),
                None => out.push(message),
            }
        }
    };
    for e in &schema.enums {
        look("enum", &e.name, None);
        for v in &e.values {
            look("enum label", v, Some(&e.name));
        }
    }
    for t in &schema.tables {
        look("table", &t.name, None);
        let owner = Some(t.name.as_str());
        for c in &t.columns {
            look("column", &c.name, owner);
        }
        if let Some(pk) = &t.primary_key {
            look("primary key", &pk.name, owner);
        }
        for ix in &t.indexes {
            look("index", &ix.name, owner);
        }
        for fk in &t.foreign_keys {
            look("constraint", &fk.name, owner);
        }
        for ck in &t.checks {
            look("check", &ck.name, owner);
        }
    }
    out
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

    /// The `model` of a table or a family's template (`noun`, under `[section.NAME]`): required
    /// and a Rust type name. The valid one, for the caller's checks of clashes.
    fn model<'r>(
        &mut self,
        t: &'r RawTable,
        noun: &str,
        section: &str,
        struct_of: &str,
    ) -> Option<&'r SpStr> {
        match &t.model {
            None if t.broken_keys.contains(&"model") => None,
            None => {
                self.error(
                    "missing-model",
                    &t.name.loc,
                    format!("{noun} `{}` has no `model`", t.name.value),
                    format!(
                        "add `model = \"{}\"` ({struct_of}) under [{section}.{}]; it is never guessed",
                        names::model_name(&t.name.value),
                        t.name.value
                    ),
                );
                None
            }
            Some(m) if !names::is_rust_type_name(&m.value) => {
                self.error(
                    "bad-model",
                    &m.loc,
                    format!("model `{}` is not a Rust type name", m.value),
                    format!(
                        "use an UpperCamelCase name such as `{}`",
                        names::type_name(&m.value)
                    ),
                );
                None
            }
            Some(m) => Some(m),
        }
    }

    /// Empty names, NUL bytes, control characters and names over the identifier limit.
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
        } else if let Some((message, help)) = unprintable_name(what, n) {
            self.error("bad-name", &name.loc, message, help);
        } else if let Some((max, db)) = name_limit().filter(|(max, _)| n.len() > *max) {
            self.error(
                "name-too-long",
                &name.loc,
                format!(
                    "{what} name `{n}` is {} bytes long; {db} allows at most {max}",
                    n.len()
                ),
                format!("shorten it to {max} bytes or fewer ({db} would silently truncate it)"),
            );
        }
    }

    /// Strings that reach SQL as values or expressions: comments, defaults, backfills, checks
    /// and index predicates (enum labels are checked as names are). A NUL byte is refused in
    /// every one: PostgreSQL cannot store it, and SQLite stops reading a statement at it (and a
    /// runner feeding it the rest would never finish). Other control characters are refused in
    /// comments, which may hold tabs and line breaks; in an expression they are SQL's to judge:
    /// data inside a string literal, a column name inside a quoted identifier (names are checked
    /// where they are declared), and a syntax error the server reports anywhere else.
    fn schema_strings(&mut self, raw: &RawSchema) {
        for e in &raw.enums {
            if let Some(c) = &e.comment {
                self.text("enum comment", c);
            }
        }
        for t in raw
            .tables
            .iter()
            .chain(raw.families.iter().map(|f| &f.template))
        {
            if let Some(c) = &t.comment {
                self.text("table comment", c);
            }
            for c in &t.columns {
                if let Some(comment) = &c.comment {
                    self.text("column comment", comment);
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

    /// A comment of [`schema_strings`](Self::schema_strings): its first NUL byte or other
    /// control character but a tab or a line break.
    fn text(&mut self, what: &str, s: &SpStr) {
        let bad = s
            .value
            .char_indices()
            .find(|&(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
        let Some((at, c)) = bad else { return };
        let loc = inside(s, at..at + c.len_utf8());
        if c == '\0' {
            self.nul_byte(what, &loc);
        } else {
            self.error(
                "control-character",
                &loc,
                format!(
                    "{what} contains the control character U+{:04X}",
                    u32::from(c)
                ),
                "remove it: tabs and line breaks are the only control characters allowed here",
            );
        }
    }

    /// A name derived ([`super::names`]) from `table` and `columns` that would be too long: the
    /// user must name the object. Not reported when the table's or a column's name is itself too
    /// long, which is reported already.
    fn derived_name(
        &mut self,
        what: &str,
        name: String,
        table: &str,
        columns: &[&str],
        loc: &Location,
        key: &str,
    ) -> String {
        let Some((max, db)) = name_limit() else {
            return name;
        };
        let parts_fit = std::iter::once(table)
            .chain(columns.iter().copied())
            .all(|p| p.len() <= max);
        if name.len() > max && parts_fit {
            self.error(
                "name-too-long",
                loc,
                format!(
                    "the generated {what} name `{name}` is {} bytes long; {db} allows at most {max}",
                    name.len()
                ),
                format!("name it yourself with `{key} = \"...\"` ({max} bytes or fewer)"),
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
        schema.domains = self.domains(raw, &enum_names);

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
            if let Some(m) = self.model(t, "table", "tables", "the Rust struct name") {
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
        self.partition_names(&unique_tables);

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
        schema.sequences = self.sequences(raw, &schema);
        let mut external: Vec<String> =
            raw.external_types.iter().map(|e| e.value.clone()).collect();
        external.sort();
        external.dedup();
        schema.external_types = external;
        let mut extensions: Vec<String> = Vec::new();
        for e in &raw.extensions {
            self.ident("extension", e);
            extensions.push(e.value.clone());
        }
        extensions.sort();
        extensions.dedup();
        schema.extensions = extensions;
        self.objects(raw, &mut schema);
        schema.families = self.families(raw, &schema);
        for f in &raw.families {
            if let Some(t) = table_seen.get(f.template.name.value.as_str()) {
                self.push(
                    Diagnostic::new(
                        "name-clash",
                        format!("family `{}` has the same name as a table", f.template.name.value),
                    )
                    .at(f.template.name.loc.clone())
                    .related(t.name.loc.clone(), "table declared here")
                    .help("give the family a name of its own (its members are named by its `pattern`)"),
                );
            }
        }
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
            // An empty label is a label: PostgreSQL allows `''`.
            if let Some((message, help)) = unprintable_name("enum label", &v.value) {
                self.error("bad-name", &v.loc, message, help);
            } else if let Some((max, db)) = name_limit().filter(|(max, _)| v.value.len() > *max) {
                self.error(
                    "name-too-long",
                    &v.loc,
                    format!(
                        "enum label `{}` is {} bytes long; {db} allows at most {max}",
                        v.value,
                        v.value.len()
                    ),
                    format!("shorten it to {max} bytes or fewer"),
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
}

#[cfg(test)]
mod tests {
    use crate::schema::load_str;

    /// A name over the shortest identifier limit of the dialects is refused, naming the database
    /// whose limit it is; a name at the limit is accepted.
    #[test]
    fn names_over_the_identifier_limit_are_refused_with_the_limit() {
        let (max, db) = super::name_limit().expect("a dialect limits identifiers");
        assert_eq!((max, db), (63, "PostgreSQL"), "NAMEDATALEN - 1");
        let schema = |table: &str, label: &str| {
            format!(
                "[enums.kind]\nvalues = [\"{label}\"]\n[tables.{table}]\nmodel = \"T\"\ncolumns = {{ id = \"integer\" }}\n"
            )
        };
        let fits = "t".repeat(max);
        load_str("s.toml", &schema(&fits, &fits)).unwrap_or_else(|e| panic!("{e}"));

        let long = "t".repeat(max + 1);
        let e = load_str("s.toml", &schema(&long, &long)).unwrap_err();
        let messages: Vec<String> = e.0.iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            messages,
            [
                format!(
                    "enum label `{long}` is {} bytes long; {db} allows at most {max}",
                    max + 1
                ),
                format!(
                    "table name `{long}` is {} bytes long; {db} allows at most {max}",
                    max + 1
                ),
            ]
        );
        assert!(e.0.iter().all(|d| d.code == "name-too-long"), "{e}");
    }
}
