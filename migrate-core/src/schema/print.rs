//! Writing the model back as schema TOML: canonical, deterministic, and read back unchanged.
//!
//! [`to_toml`] is the inverse of the loader: for every valid [`Schema`] `s`,
//! `load_str(path, &to_toml(&s)) == Ok(s)`, and the same schema always prints to the same bytes.
//! The migration directory's snapshot is written with it, so its output is stable on purpose:
//! changing how something prints changes every snapshot's checksum.
//!
//! The layout, in order:
//!
//! - top-level `drop_tables` / `drop_enums` / `extensions` / `external_types` (TOML puts top-level keys before any `[header]`);
//! - each enum as `[enums.NAME]`;
//! - each table as `[tables.NAME]`, then `[tables.NAME.columns]` with one inline table per column
//!   (the `=` signs aligned), then `[[tables.NAME.foreign_keys]]`, `[[tables.NAME.indexes]]` and
//!   `[[tables.NAME.checks]]`.
//!
//! Only keys that differ from what the loader would assume are written. Names the loader would
//! derive (`<table>_pkey`, `<table>_<cols>_fkey`, `<table>_<cols>_idx`, `<table>_<col>_key`) are left
//! out. A single-column primary key is written on its column (`primary_key = true`); the unique
//! indexes and foreign keys that the column shorthands (`unique = true`, `references = "t.c"`)
//! produce are written as those shorthands, as long as that keeps the model's order (the loader
//! builds shorthand indexes and foreign keys first, in column order).

use std::fmt::Write as _;

use super::model::{
    Column, ColumnType, Deferrable, Domain, Enum, FkAction, ForeignKey, Identity, Index,
    IndexMethod, Schema, Sequence, Table,
};
use super::names;

/// Prints a schema as canonical schema TOML.
pub fn to_toml(schema: &Schema) -> String {
    let mut out = String::new();
    if !schema.drop_tables.is_empty() {
        let _ = writeln!(out, "drop_tables = {}", string_array(&schema.drop_tables));
    }
    if !schema.drop_enums.is_empty() {
        let _ = writeln!(out, "drop_enums = {}", string_array(&schema.drop_enums));
    }
    super::objects::print_acknowledgements(&mut out, &schema.objects);
    if !schema.extensions.is_empty() {
        let _ = writeln!(out, "extensions = {}", string_array(&schema.extensions));
    }
    if !schema.external_types.is_empty() {
        let _ = writeln!(
            out,
            "external_types = {}",
            string_array(&schema.external_types)
        );
    }
    for e in &schema.enums {
        section_break(&mut out);
        print_enum(&mut out, e);
    }
    for d in &schema.domains {
        section_break(&mut out);
        print_domain(&mut out, d);
    }
    for s in &schema.sequences {
        section_break(&mut out);
        print_sequence(&mut out, s);
    }
    for t in &schema.tables {
        section_break(&mut out);
        print_table(&mut out, t);
    }
    super::objects::print(&mut out, &schema.objects);
    for f in &schema.families {
        section_break(&mut out);
        let head = format!(
            "pattern = {}\n{}{}",
            string(&f.pattern),
            f.schema
                .as_ref()
                .map_or_else(String::new, |s| format!("schema = {}\n", string(s))),
            f.lock_budget
                .as_ref()
                .map_or_else(String::new, |b| format!("lock_budget = {}\n", string(b)))
        );
        print_section(&mut out, &f.template, "families", &head);
    }
    out
}

fn print_domain(out: &mut String, d: &Domain) {
    let name = key(&d.name);
    let _ = writeln!(out, "[domains.{name}]");
    let _ = writeln!(out, "type = {}", string(&d.ty.to_string()));
    if d.not_null {
        out.push_str("not_null = true\n");
    }
    if let Some(v) = &d.default {
        let _ = writeln!(out, "default = {}", string(v));
    }
    if let Some(c) = &d.collation {
        let _ = writeln!(out, "collation = {}", string(c));
    }
    if let Some(c) = &d.comment {
        let _ = writeln!(out, "comment = {}", string(c));
    }
    for ck in &d.checks {
        let _ = writeln!(out, "\n[[domains.{name}.checks]]");
        let _ = writeln!(out, "name = {}", string(&ck.name));
        let _ = writeln!(out, "expr = {}", string(&ck.expr));
        if ck.not_valid {
            out.push_str("validated = false\n");
        }
    }
}

fn print_sequence(out: &mut String, s: &Sequence) {
    let _ = writeln!(out, "[sequences.{}]", key(&s.name));
    if s.ty != ColumnType::BigInt {
        let _ = writeln!(out, "type = {}", string(&s.ty.to_string()));
    }
    if let Some(v) = s.start {
        let _ = writeln!(out, "start = {v}");
    }
    if s.increment != 1 {
        let _ = writeln!(out, "increment = {}", s.increment);
    }
    if let Some(v) = s.min {
        let _ = writeln!(out, "min = {v}");
    }
    if let Some(v) = s.max {
        let _ = writeln!(out, "max = {v}");
    }
    if s.cycle {
        out.push_str("cycle = true\n");
    }
    if s.cache != 1 {
        let _ = writeln!(out, "cache = {}", s.cache);
    }
    if let Some(o) = &s.owned_by {
        let _ = writeln!(out, "owned_by = {}", string(o));
    }
}

/// A blank line between sections (none before the first).
pub(crate) fn section_break(out: &mut String) {
    if !out.is_empty() {
        out.push('\n');
    }
}

fn print_enum(out: &mut String, e: &Enum) {
    let _ = writeln!(out, "[enums.{}]", key(&e.name));
    let _ = writeln!(out, "values = {}", string_array(&e.values));
    if let Some(c) = &e.comment {
        let _ = writeln!(out, "comment = {}", string(c));
    }
    if !e.drop_values.is_empty() {
        let _ = writeln!(out, "drop_values = {}", string_array(&e.drop_values));
    }
}

/// How each part of a table is written: which indexes and foreign keys become column shorthands.
struct Plan<'t> {
    /// The primary key's only column, written as `primary_key = true` on it.
    pk_column: Option<&'t str>,
    /// How many leading indexes are written as `unique = true` on their column.
    shorthand_indexes: usize,
    /// How many leading foreign keys are written as `references = "t.c"` on their column.
    shorthand_fks: usize,
}

impl<'t> Plan<'t> {
    fn new(t: &'t Table) -> Plan<'t> {
        let position = |name: &str| t.columns.iter().position(|c| c.name == name);

        let pk_column = match &t.primary_key {
            Some(pk) if pk.columns.len() == 1 && position(&pk.columns[0]).is_some() => {
                Some(pk.columns[0].as_str())
            }
            _ => None,
        };

        // The loader appends one index per `unique = true` column, in column order, before the
        // `[[indexes]]` entries: only a leading run in strictly increasing column order can be
        // written back that way.
        let mut shorthand_indexes = 0;
        let mut last = None;
        for ix in &t.indexes {
            let Some(pos) = ix.unique_shorthand_of(&t.name).and_then(position) else {
                break;
            };
            if last.is_some_and(|l| pos <= l) {
                break;
            }
            last = Some(pos);
            shorthand_indexes += 1;
        }

        // Likewise for `references = "table.column"`, which come before `[[foreign_keys]]`.
        let mut shorthand_fks = 0;
        let mut last = None;
        for fk in &t.foreign_keys {
            let Some(pos) = fk_shorthand(fk).and_then(position) else {
                break;
            };
            if last.is_some_and(|l| pos <= l) {
                break;
            }
            last = Some(pos);
            shorthand_fks += 1;
        }

        Plan {
            pk_column,
            shorthand_indexes,
            shorthand_fks,
        }
    }
}

/// The column of a foreign key that `references = "table.column"` can express.
fn fk_shorthand(fk: &ForeignKey) -> Option<&str> {
    match (fk.columns.as_slice(), fk.ref_columns.as_slice()) {
        // `references` is split at its last dot, so the referenced column cannot hold one.
        ([col], [rc]) if !rc.contains('.') && fk.on_delete_columns.is_empty() && !fk.not_valid => {
            Some(col)
        }
        _ => None,
    }
}

fn derived_index_name(t: &Table, ix: &Index) -> String {
    names::index(&t.name, &ix.columns, ix.unique)
}

fn derived_fk_name(t: &Table, columns: &[String]) -> String {
    names::foreign_key(&t.name, columns)
}

fn print_table(out: &mut String, t: &Table) {
    print_section(out, t, "tables", "");
}

/// A table's declaration under `[section.NAME]`, `head` (lines) first.
fn print_section(out: &mut String, t: &Table, section: &str, head: &str) {
    let plan = Plan::new(t);
    let name = format!("{section}.{}", key(&t.name));

    let _ = writeln!(out, "[{name}]");
    out.push_str(head);
    let _ = writeln!(out, "model = {}", string(&t.model));
    if let Some(c) = &t.comment {
        let _ = writeln!(out, "comment = {}", string(c));
    }
    if t.unlogged {
        let _ = writeln!(out, "unlogged = true");
    }
    if let Some(pk) = &t.primary_key {
        if plan.pk_column.is_none() {
            let _ = writeln!(out, "primary_key = {}", string_array(&pk.columns));
        }
        if pk.name != names::primary_key(&t.name) {
            let _ = writeln!(out, "primary_key_name = {}", string(&pk.name));
        }
    }
    if let Some(r) = &t.renamed_from {
        let _ = writeln!(out, "renamed_from = {}", string(r));
    }
    if !t.drop_columns.is_empty() {
        let _ = writeln!(out, "drop_columns = {}", string_array(&t.drop_columns));
    }
    if let Some(st) = t.strategy {
        let _ = writeln!(out, "strategy = {}", string(st.as_str()));
    }
    if let Some(p) = &t.partitioning {
        super::partition_print::header(out, p);
    }
    if t.columns.is_empty() {
        // A table without columns says so: a missing `columns` is a mistake.
        let _ = writeln!(out, "columns = {{}}");
    }

    if !t.columns.is_empty() {
        let _ = writeln!(out, "\n[{name}.columns]");
        let keys: Vec<String> = t.columns.iter().map(|c| key(&c.name)).collect();
        let width = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0);
        for (c, k) in t.columns.iter().zip(&keys) {
            let pad = width - k.chars().count();
            let _ = writeln!(out, "{k}{:pad$} = {}", "", column_body(t, &plan, c));
        }
    }

    for fk in &t.foreign_keys[plan.shorthand_fks..] {
        let _ = writeln!(out, "\n[[{name}.foreign_keys]]");
        if fk.name != derived_fk_name(t, &fk.columns) {
            let _ = writeln!(out, "constraint = {}", string(&fk.name));
        }
        let _ = writeln!(out, "columns = {}", string_array(&fk.columns));
        let _ = writeln!(
            out,
            "references = {{ table = {}, columns = {} }}",
            string(&fk.ref_table),
            string_array(&fk.ref_columns)
        );
        if fk.on_delete != FkAction::NoAction {
            let _ = writeln!(out, "on_delete = {}", string(fk.on_delete.as_str()));
        }
        if !fk.on_delete_columns.is_empty() {
            let _ = writeln!(
                out,
                "on_delete_columns = {}",
                string_array(&fk.on_delete_columns)
            );
        }
        if fk.on_update != FkAction::NoAction {
            let _ = writeln!(out, "on_update = {}", string(fk.on_update.as_str()));
        }
        if fk.not_valid {
            out.push_str("validated = false\n");
        }
    }

    for ix in &t.indexes[plan.shorthand_indexes..] {
        let _ = writeln!(out, "\n[[{name}.indexes]]");
        if ix.name != derived_index_name(t, ix) || ix.has_expressions() {
            let _ = writeln!(out, "name = {}", string(&ix.name));
        }
        let _ = writeln!(out, "columns = {}", index_columns(ix));
        if ix.constraint {
            out.push_str("constraint = true\n");
        } else if ix.unique {
            out.push_str("unique = true\n");
        }
        if !ix.include.is_empty() {
            let _ = writeln!(out, "include = {}", string_array(&ix.include));
        }
        if ix.nulls_not_distinct {
            out.push_str("nulls_not_distinct = true\n");
        }
        if ix.deferrable != Deferrable::No {
            let _ = writeln!(out, "deferrable = {}", string(ix.deferrable.as_str()));
        }
        if let Some(p) = &ix.predicate {
            let _ = writeln!(out, "where = {}", string(p));
        }
        if ix.method != IndexMethod::Btree {
            let _ = writeln!(out, "method = {}", string(ix.method.as_str()));
        }
    }

    for ck in &t.checks {
        let _ = writeln!(out, "\n[[{name}.checks]]");
        let _ = writeln!(out, "name = {}", string(&ck.name));
        let _ = writeln!(out, "expr = {}", string(&ck.expr));
        if ck.not_valid {
            out.push_str("validated = false\n");
        }
    }

    if let Some(p) = &t.partitioning {
        super::partition_print::partitions(out, &t.name, p);
    }
}

/// An index's `columns`: names, and an inline table for each key with an expression or options
/// (`{ column = "created_at", desc = true }`, `{ expr = "lower(email)" }`).
fn index_columns(ix: &Index) -> String {
    if ix.keys.is_empty() {
        return string_array(&ix.columns);
    }
    let items: Vec<String> = ix
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let k = ix.key(i);
            if k.is_plain() {
                return string(c);
            }
            let mut parts = vec![format!(
                "{} = {}",
                if k.expression { "expr" } else { "column" },
                string(c)
            )];
            if k.desc {
                parts.push("desc = true".into());
            }
            if k.nulls_differ() {
                let nulls = if k.nulls_first { "first" } else { "last" };
                parts.push(format!("nulls = {}", string(nulls)));
            }
            if let Some(o) = &k.opclass {
                parts.push(format!("opclass = {}", string(o)));
            }
            if let Some(c) = &k.collation {
                parts.push(format!("collation = {}", string(c)));
            }
            format!("{{ {} }}", parts.join(", "))
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// `{ generated = "always", start = 1000, increment = 10 }`.
fn identity_table(id: Identity, o: &crate::schema::IdentityOptions) -> String {
    let mut parts = Vec::new();
    if id == Identity::Always {
        parts.push(format!("generated = {}", string(id.as_str())));
    }
    for (k, v) in [
        ("start", o.start),
        ("increment", o.increment),
        ("min", o.min),
        ("max", o.max),
        ("cache", o.cache),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k} = {v}"));
        }
    }
    if o.cycle {
        parts.push("cycle = true".into());
    }
    if let Some(seq) = &o.sequence {
        parts.push(format!("sequence = {}", string(seq)));
    }
    format!("{{ {} }}", parts.join(", "))
}

/// A column's inline table: `{ type = "uuid", primary_key = true }`.
fn column_body(t: &Table, plan: &Plan<'_>, c: &Column) -> String {
    let mut parts: Vec<String> = vec![format!("type = {}", string(&c.ty.to_string()))];
    if plan.pk_column == Some(c.name.as_str()) {
        parts.push("primary_key = true".into());
    }
    match c.identity {
        Some(id) if !c.identity_options.is_default() => parts.push(format!(
            "identity = {}",
            identity_table(id, &c.identity_options)
        )),
        Some(Identity::ByDefault) => parts.push("identity = true".into()),
        Some(Identity::Always) => {
            parts.push(format!("identity = {}", string(Identity::Always.as_str())))
        }
        None => {}
    }
    if c.nullable {
        parts.push("nullable = true".into());
    }
    if let Some(d) = &c.default {
        parts.push(format!("default = {}", string(d)));
    }
    if let Some(coll) = &c.collation {
        parts.push(format!("collation = {}", string(coll)));
    }
    if t.indexes[..plan.shorthand_indexes]
        .iter()
        .any(|ix| ix.columns.first() == Some(&c.name))
    {
        parts.push("unique = true".into());
    }
    if let Some(fk) = t.foreign_keys[..plan.shorthand_fks]
        .iter()
        .find(|fk| fk.columns.first() == Some(&c.name))
    {
        parts.push(format!(
            "references = {}",
            string(&format!("{}.{}", fk.ref_table, fk.ref_columns[0]))
        ));
        if fk.name != derived_fk_name(t, &fk.columns) {
            parts.push(format!("constraint = {}", string(&fk.name)));
        }
        if fk.on_delete != FkAction::NoAction {
            parts.push(format!("on_delete = {}", string(fk.on_delete.as_str())));
        }
        if fk.on_update != FkAction::NoAction {
            parts.push(format!("on_update = {}", string(fk.on_update.as_str())));
        }
    }
    if let Some(r) = &c.renamed_from {
        parts.push(format!("renamed_from = {}", string(r)));
    }
    if let Some(ty) = &c.type_changed_from {
        parts.push(format!("type_changed_from = {}", string(&ty.to_string())));
    }
    if let Some(b) = &c.backfill {
        parts.push(format!("backfill = {}", string(b)));
    }
    if let Some(st) = c.strategy {
        parts.push(format!("strategy = {}", string(st.as_str())));
    }
    if let Some(g) = &c.generated {
        parts.push(format!("generated = {}", string(g)));
    }
    if let Some(cm) = &c.comment {
        parts.push(format!("comment = {}", string(cm)));
    }
    format!("{{ {} }}", parts.join(", "))
}

/// A TOML key: bare when it can be (`A-Z a-z 0-9 _ -`), otherwise a quoted string.
pub fn key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare { name.to_string() } else { string(name) }
}

/// A TOML basic string. Quotes, backslashes and control characters are escaped; other
/// characters, non-ASCII included, are written as they are (TOML files are UTF-8).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            // Other C0 controls, DEL and the C1 controls.
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string of SQL: a multi-line literal string (`'''`, read as written) when it spans lines
/// and can be one, else a basic string.
pub(crate) fn sql_string(s: &str) -> String {
    let literal = s.contains('\n')
        && !s.contains("'''")
        && !s.ends_with('\'')
        && !s.starts_with('\n')
        && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if literal {
        format!("'''\n{s}'''")
    } else {
        string(s)
    }
}

/// A TOML array of basic strings: `["a", "b"]`.
pub(crate) fn string_array(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::schema::model::{Check, ColumnType, PrimaryKey, Strategy};
    use crate::schema::{load, load_str};

    fn round_trip(s: &Schema) -> String {
        let text = to_toml(s);
        let back = load_str("printed.toml", &text)
            .unwrap_or_else(|e| panic!("{e}\n--- printed ---\n{text}"));
        assert_eq!(&back, s, "--- printed ---\n{text}");
        assert_eq!(to_toml(&back), text, "printing is not stable");
        text
    }

    fn col(name: &str, ty: ColumnType) -> Column {
        Column::new(name, ty)
    }

    fn table(name: &str, model: &str, columns: Vec<Column>) -> Table {
        Table {
            model: model.into(),
            columns,
            ..Table::new(name)
        }
    }

    fn pk(table: &str, cols: &[&str]) -> Option<PrimaryKey> {
        Some(PrimaryKey {
            name: format!("{table}_pkey"),
            columns: cols.iter().map(|c| c.to_string()).collect(),
        })
    }

    fn index(name: &str, cols: &[&str], unique: bool) -> Index {
        Index {
            name: name.into(),
            columns: cols.iter().map(|c| c.to_string()).collect(),
            unique,
            predicate: None,
            method: IndexMethod::Btree,
            ..Index::default()
        }
    }

    fn fk(name: &str, cols: &[&str], rt: &str, rcs: &[&str]) -> ForeignKey {
        ForeignKey {
            name: name.into(),
            columns: cols.iter().map(|c| c.to_string()).collect(),
            ref_table: rt.into(),
            ref_columns: rcs.iter().map(|c| c.to_string()).collect(),
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
            on_delete_columns: Vec::new(),
            not_valid: false,
        }
    }

    #[test]
    fn families_round_trip() {
        let text = r#"
[tables.apps]
model = "App"
[tables.apps.columns]
id = { type = "bigint", primary_key = true }

[families.audience_data]
model = "AudienceData"
pattern = "audience_data_{app}"
schema = "audience"
lock_budget = 100
comment = "One table per app."
[families.audience_data.columns]
id = { type = "bigint", primary_key = true }
app_id = { type = "bigint", references = "apps.id" }
name = { type = "text", nullable = true }
[[families.audience_data.indexes]]
columns = ["name"]
"#;
        let s = load_str("s.toml", text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.families.len(), 1);
        let printed = to_toml(&s);
        assert!(printed.contains("[families.audience_data]\npattern = \"audience_data_{app}\"\nschema = \"audience\"\nlock_budget = \"100\"\nmodel"), "{printed}");
        let again = load_str("p.toml", &printed).unwrap_or_else(|e| panic!("{e}\n{printed}"));
        assert_eq!(again, s);
    }

    #[test]
    fn pets_example_round_trips() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/pets/schema");
        let s = load(&dir).unwrap_or_else(|e| panic!("{e}"));
        let text = round_trip(&s);
        assert!(
            text.contains("id         = { type = \"uuid\", primary_key = true"),
            "{text}"
        );
        // The example names its foreign key differently from the derived name, and declares the
        // unique index in an [[indexes]] entry without a name: it prints as the column shorthand.
        assert!(
            text.contains("constraint = \"cats_pets_id_fkey\""),
            "{text}"
        );
        assert!(text.contains("pet_id                      = { type = \"uuid\", unique = true, references = \"pets.id\""), "{text}");
        assert!(!text.contains("name = \"pets_name_idx\""), "{text}");
    }

    #[test]
    fn exact_output() {
        let mut pets = table(
            "pets",
            "Pet",
            vec![
                col("id", ColumnType::Uuid),
                Column {
                    default: Some("now()".into()),
                    ..col("created_at", ColumnType::Timestamptz)
                },
                col("kind", ColumnType::Enum("pet_type".into())),
                Column {
                    nullable: true,
                    ..col("nickname", ColumnType::Text)
                },
            ],
        );
        pets.primary_key = pk("pets", &["id"]);
        pets.indexes
            .push(index("pets_nickname_key", &["nickname"], true));
        pets.checks.push(Check {
            name: "pets_kind_known".into(),
            expr: "kind <> 'OTHER'".into(),
            not_valid: false,
        });
        let s = Schema {
            enums: vec![Enum {
                name: "pet_type".into(),
                values: vec!["CAT".into(), "DOG".into(), "OTHER".into()],
                comment: Some("Kinds.".into()),
                drop_values: vec![],
            }],
            tables: vec![pets],
            drop_tables: vec!["old".into()],
            drop_enums: vec![],
            change_strategy: None,
            extensions: vec![],
            external_types: vec![],
            domains: vec![],
            sequences: vec![],
            objects: Default::default(),
            families: vec![],
        };
        let text = round_trip(&s);
        let expected = r#"drop_tables = ["old"]

[enums.pet_type]
values = ["CAT", "DOG", "OTHER"]
comment = "Kinds."

[tables.pets]
model = "Pet"

[tables.pets.columns]
id         = { type = "uuid", primary_key = true }
created_at = { type = "timestamptz", default = "now()" }
kind       = { type = "pet_type" }
nickname   = { type = "text", nullable = true, unique = true }

[[tables.pets.checks]]
name = "pets_kind_known"
expr = "kind <> 'OTHER'"
"#;
        assert_eq!(text, expected);
    }

    #[test]
    fn hostile_names_and_strings() {
        let weird = [
            "my table",
            "my\"col",
            "back\\slash",
            "new line",
            "tab here",
            "ünïcödé",
            "emoji 🐈",
            "dotted.name",
            "user",
            "select",
            "1starts_with_digit",
            "'single'",
            "[brackets]",
            "=equals=",
            "#hash",
        ];
        let mut cols = vec![col("id", ColumnType::BigInt)];
        for (i, w) in weird.iter().enumerate() {
            cols.push(Column {
                nullable: i % 2 == 0,
                // Comments hold no control characters but tabs and line breaks.
                comment: Some(format!(
                    "comment with \"quotes\", a \\ and\na newline for {}",
                    w.replace(|c: char| c.is_control() && c != '\n' && c != '\t', "")
                )),
                ..col(w, ColumnType::Text)
            });
        }
        let mut t = table("my table", "MyTable", cols);
        t.comment = Some("Says \"hi\"\r\n\tand 'bye' — ünïcödé \\n literally".into());
        t.primary_key = pk("my table", &["id"]);
        t.checks.push(Check {
            name: "weird \"check\"".into(),
            expr: r#""my""col" <> 'it''s' AND "new line" IS NOT NULL"#.into(),
            not_valid: false,
        });
        t.indexes.push(Index {
            predicate: Some(r#""back\slash" IS NOT NULL"#.into()),
            ..index("my table_my\"col_idx", &["my\"col"], false)
        });
        // Names with control characters: only acknowledgements may hold them.
        t.drop_columns = vec![
            "gone \"col\"".into(),
            "new\nline".into(),
            "tab\there".into(),
            "bell\u{7}del\u{7f}c1\u{85}".into(),
        ];
        t.renamed_from = Some("old table".into());
        let s = Schema {
            enums: vec![Enum {
                name: "my enum".into(),
                values: vec!["A B".into(), "it's".into(), "quote\"d".into(), "ü".into()],
                comment: Some("multi\nline".into()),
                drop_values: vec!["gone\\".into()],
            }],
            tables: vec![t],
            drop_tables: vec!["old \"t\"".into()],
            drop_enums: vec!["e\u{1}".into()],
            change_strategy: None,
            extensions: vec![],
            external_types: vec![],
            domains: vec![],
            sequences: vec![],
            objects: Default::default(),
            families: vec![],
        };
        let text = round_trip(&s);
        assert!(text.contains("[tables.\"my table\"]"), "{text}");
        assert!(text.contains("\n\"my\\\"col\""), "{text}");
        assert!(text.contains("\nuser "), "{text}");
        assert!(text.contains("\\u0007"), "{text}");
    }

    #[test]
    fn every_type() {
        let types = [
            ColumnType::SmallInt,
            ColumnType::Integer,
            ColumnType::BigInt,
            ColumnType::Real,
            ColumnType::Double,
            ColumnType::Numeric(None),
            ColumnType::Numeric(Some((10, 0))),
            ColumnType::Numeric(Some((10, 2))),
            ColumnType::Boolean,
            ColumnType::Text,
            ColumnType::Varchar(None),
            ColumnType::Varchar(Some(255)),
            ColumnType::Char(1),
            ColumnType::Char(3),
            ColumnType::Bytea,
            ColumnType::Date,
            ColumnType::Time,
            ColumnType::Timestamp,
            ColumnType::Timestamptz,
            ColumnType::Interval,
            ColumnType::Uuid,
            ColumnType::Json,
            ColumnType::Jsonb,
            ColumnType::Inet,
            ColumnType::Enum("mood".into()),
            ColumnType::Array(Box::new(ColumnType::Text)),
            ColumnType::Array(Box::new(ColumnType::Enum("mood".into()))),
            ColumnType::Array(Box::new(ColumnType::Numeric(Some((5, 1))))),
        ];
        let mut cols: Vec<Column> = types
            .iter()
            .enumerate()
            .map(|(i, ty)| Column {
                nullable: true,
                type_changed_from: Some(types[(i + 1) % types.len()].clone()),
                backfill: (i % 3 == 0).then(|| "0".to_string()),
                renamed_from: (i % 4 == 0).then(|| format!("old_{i}")),
                strategy: (i % 5 == 0).then_some(Strategy::ExpandContract),
                ..col(&format!("c{i}"), ty.clone())
            })
            .collect();
        cols.insert(
            0,
            Column {
                identity: Some(Identity::Always),
                ..col("id", ColumnType::BigInt)
            },
        );
        cols.insert(
            1,
            Column {
                identity: Some(Identity::ByDefault),
                ..col("seq", ColumnType::Integer)
            },
        );
        cols.push(Column {
            default: Some("'happy'".into()),
            ..col("m", ColumnType::Enum("mood".into()))
        });
        let mut t = table("all_types", "AllTypes", cols);
        t.primary_key = pk("all_types", &["id"]);
        let s = Schema {
            enums: vec![Enum {
                name: "mood".into(),
                values: vec!["happy".into(), "sad".into()],
                comment: None,
                drop_values: vec![],
            }],
            tables: vec![t],
            ..Schema::default()
        };
        let text = round_trip(&s);
        assert!(text.contains("identity = \"always\""), "{text}");
        assert!(text.contains("identity = true"), "{text}");
        assert!(text.contains("type = \"numeric(10)\""), "{text}");
        assert!(text.contains("type = \"mood[]\""), "{text}");
    }

    #[test]
    fn composite_keys_fks_and_index_kinds() {
        let mut orders = table(
            "orders",
            "Order",
            vec![
                col("id", ColumnType::BigInt),
                col("shop_id", ColumnType::Integer),
                col("tags", ColumnType::Jsonb),
            ],
        );
        orders.primary_key = Some(PrimaryKey {
            name: "orders_pk".into(),
            columns: vec!["shop_id".into(), "id".into()],
        });
        orders.indexes.push(Index {
            method: IndexMethod::Gin,
            ..index("orders_tags_idx", &["tags"], false)
        });
        orders.indexes.push(Index {
            predicate: Some("tags IS NOT NULL".into()),
            ..index("orders_id_key", &["id"], true)
        });
        let mut lines = table(
            "lines",
            "Line",
            vec![
                col("order_id", ColumnType::BigInt),
                col("shop_id", ColumnType::Integer),
                col("n", ColumnType::Integer),
                Column {
                    nullable: true,
                    ..col("parent_n", ColumnType::Integer)
                },
                Column {
                    nullable: true,
                    ..col("parent_order", ColumnType::BigInt)
                },
                Column {
                    nullable: true,
                    ..col("parent_shop", ColumnType::Integer)
                },
            ],
        );
        lines.primary_key = pk("lines", &["order_id", "shop_id", "n"]);
        lines.foreign_keys.push(ForeignKey {
            on_delete: FkAction::Cascade,
            on_update: FkAction::Restrict,
            ..fk(
                "lines_order_fkey",
                &["order_id", "shop_id"],
                "orders",
                &["id", "shop_id"],
            )
        });
        lines.foreign_keys.push(ForeignKey {
            on_delete: FkAction::SetNull,
            ..fk(
                "lines_parent_order_parent_shop_parent_n_fkey",
                &["parent_order", "parent_shop", "parent_n"],
                "lines",
                &["order_id", "shop_id", "n"],
            )
        });
        lines.indexes.push(index("lines_n_key", &["n"], true)); // shorthand
        lines
            .indexes
            .push(index("lines_shop_id_key", &["shop_id"], true)); // after `n`: not a shorthand
        lines.indexes.push(Index {
            method: IndexMethod::Hash,
            ..index("lines_n_idx", &["n"], false)
        });
        lines.indexes.push(Index {
            method: IndexMethod::Brin,
            ..index("custom", &["order_id", "n"], false)
        });
        let s = Schema {
            tables: vec![orders, lines],
            ..Schema::default()
        };
        let text = round_trip(&s);
        assert!(
            text.contains("primary_key = [\"shop_id\", \"id\"]\nprimary_key_name = \"orders_pk\""),
            "{text}"
        );
        assert!(text.contains("method = \"gin\""), "{text}");
        assert!(text.contains("where = \"tags IS NOT NULL\""), "{text}");
        assert!(text.contains("constraint = \"lines_order_fkey\""), "{text}");
        assert!(
            !text.contains("constraint = \"lines_parent_order"),
            "{text}"
        );
        assert!(
            text.contains("n            = { type = \"integer\", unique = true }"),
            "{text}"
        );
    }

    #[test]
    fn shorthand_fks_keep_their_order() {
        let mut a = table("a", "A", vec![col("id", ColumnType::Uuid)]);
        a.primary_key = pk("a", &["id"]);
        let mut b = table(
            "b",
            "B",
            vec![
                col("id", ColumnType::Uuid),
                col("x", ColumnType::Uuid),
                Column {
                    nullable: true,
                    ..col("y", ColumnType::Uuid)
                },
            ],
        );
        b.primary_key = Some(PrimaryKey {
            name: "b_primary".into(),
            columns: vec!["id".into()],
        });
        // `y` before `x`: only the first can be a shorthand.
        b.foreign_keys.push(ForeignKey {
            on_delete: FkAction::SetNull,
            on_update: FkAction::SetDefault,
            ..fk("b_y_fkey", &["y"], "a", &["id"])
        });
        b.foreign_keys.push(fk("bx", &["x"], "b", &["id"]));
        let s = Schema {
            tables: vec![a, b],
            ..Schema::default()
        };
        let text = round_trip(&s);
        assert!(
            text.contains(r#"y  = { type = "uuid", nullable = true, references = "a.id", on_delete = "set null", on_update = "set default" }"#),
            "{text}"
        );
        assert!(
            text.contains("constraint = \"bx\"\ncolumns = [\"x\"]"),
            "{text}"
        );
        assert!(text.contains("primary_key_name = \"b_primary\""), "{text}");
    }

    #[test]
    fn dotted_referenced_column_uses_the_table_form() {
        let mut a = table("a.b", "A", vec![col("c.d", ColumnType::Uuid)]);
        a.primary_key = pk("a.b", &["c.d"]);
        let mut b = table(
            "b",
            "B",
            vec![col("x", ColumnType::Uuid), col("y", ColumnType::Uuid)],
        );
        b.foreign_keys.push(fk("b_x_fkey", &["x"], "a.b", &["c.d"]));
        let s = Schema {
            tables: vec![a, b],
            ..Schema::default()
        };
        let text = round_trip(&s);
        assert!(text.contains("[[tables.b.foreign_keys]]"), "{text}");
        // A dotted table name is fine in the shorthand: it is split at the last dot.
        let mut a2 = table("a.b", "A", vec![col("cd", ColumnType::Uuid)]);
        a2.primary_key = pk("a.b", &["cd"]);
        let mut b2 = table("b", "B", vec![col("x", ColumnType::Uuid)]);
        b2.foreign_keys.push(fk("b_x_fkey", &["x"], "a.b", &["cd"]));
        let s = Schema {
            tables: vec![a2, b2],
            ..Schema::default()
        };
        let text = round_trip(&s);
        assert!(text.contains("references = \"a.b.cd\""), "{text}");
    }

    /// A table without columns, an empty enum label and types the language does not model print
    /// and load back.
    #[test]
    fn what_postgresql_allows_round_trips() {
        let s = Schema {
            enums: vec![Enum {
                name: "answer".into(),
                values: vec![String::new(), "yes".into()],
                comment: None,
                drop_values: Vec::new(),
            }],
            tables: vec![
                table("placeholder", "Placeholder", Vec::new()),
                table(
                    "docs",
                    "Doc",
                    vec![
                        col("search", ColumnType::Other("tsvector".into())),
                        col("email", ColumnType::Other("citext".into())),
                        col(
                            "tags",
                            ColumnType::Array(Box::new(ColumnType::Other("citext".into()))),
                        ),
                        col("flags", ColumnType::Other("bit(8)".into())),
                        Column {
                            generated: Some("length(email)".into()),
                            nullable: true,
                            ..col("email_length", ColumnType::Integer)
                        },
                    ],
                ),
            ],
            external_types: vec!["citext".into()],
            extensions: vec!["citext".into()],
            ..Schema::default()
        };
        let text = round_trip(&s);
        assert!(text.contains("values = [\"\", \"yes\"]"), "{text}");
        assert!(
            text.starts_with("extensions = [\"citext\"]\nexternal_types = [\"citext\"]\n"),
            "{text}"
        );
        assert!(
            text.contains("tags         = { type = \"citext[]\" }"),
            "{text}"
        );
        assert!(
            text.contains("{ type = \"integer\", nullable = true, generated = \"length(email)\" }"),
            "{text}"
        );
        assert!(
            text.contains("[tables.placeholder]\nmodel = \"Placeholder\"\ncolumns = {}\n"),
            "{text}"
        );
        // Without `columns` at all, a table is still a mistake.
        let e = load_str("s.toml", "[tables.t]\nmodel = \"T\"\n").unwrap_err();
        assert_eq!(e.0[0].code, "no-columns", "{e}");
    }

    #[test]
    fn empty_schema_prints_nothing() {
        assert_eq!(to_toml(&Schema::default()), "");
    }

    #[test]
    fn keys_and_strings() {
        assert_eq!(key("user"), "user");
        assert_eq!(key("a-b_9"), "a-b_9");
        assert_eq!(key("my table"), "\"my table\"");
        assert_eq!(key("my\"col"), "\"my\\\"col\"");
        assert_eq!(key(""), "\"\"");
        assert_eq!(key("é"), "\"é\"");
        assert_eq!(string("a\\b\"c\nd\u{0}"), "\"a\\\\b\\\"c\\nd\\u0000\"");
    }
}
