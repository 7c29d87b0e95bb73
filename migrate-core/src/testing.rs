//! Random valid schemas for property tests (the `testing` feature).
//!
//! [`arb_schema`] generates models that the loader's validation accepts: every name is non-empty,
//! free of NUL and at most 63 bytes (derived names included), foreign keys target a primary key or
//! a unique non-partial index with columns of identical types, expressions only name columns of
//! their table, tables, indexes and primary keys share one namespace, and so on. Names are often
//! hostile (spaces, quotes, backslashes, newlines, control characters, non-ASCII) so that printers
//! and renderers are tested on them.
//!
//! ```ignore
//! use proptest::prelude::*;
//! proptest! {
//!     #[test]
//!     fn prints_and_loads_back(s in migrate_core::testing::arb_schema()) { /* ... */ }
//! }
//! ```
//!
//! The generator draws seeds (raw names, choices as [`Index`]es) and then builds the model from
//! them deterministically, repairing anything that would be invalid (renaming duplicates, dropping
//! a foreign key whose target has no key), so every drawn value is a valid schema.

use std::collections::HashSet;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

use crate::schema::model::{
    BUILTIN_TYPES, Check, Column, ColumnType, Enum, FkAction, ForeignKey, Identity,
    Index as SqlIndex, IndexMethod, PrimaryKey, Schema, Table,
};
use crate::schema::validate::MAX_IDENT_BYTES;

/// Longest generated table name, so derived names (`<table>_<column>_key`) usually fit.
const TABLE_NAME_BYTES: usize = 24;
/// Longest generated column name.
const COLUMN_NAME_BYTES: usize = 16;

/// Random schemas that the loader accepts, with up to 3 enums and 5 tables.
pub fn arb_schema() -> impl Strategy<Value = Schema> {
    (
        vec(arb_enum_seed(), 0..4),
        vec(arb_table_seed(), 0..6),
        vec(arb_fk_seed(), 0..6),
        vec(arb_name(), 0..3),
        vec(arb_name(), 0..3),
    )
        .prop_map(|(enums, tables, fks, drop_tables, drop_enums)| {
            build(SchemaSeed {
                enums,
                tables,
                fks,
                drop_tables,
                drop_enums,
            })
        })
}

/// A name as users might write one: mostly snake_case, sometimes hostile.
pub fn arb_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z][a-z0-9_]{0,10}",
        1 => "[A-Za-z][A-Za-z0-9 ]{0,8}",
        2 => r#"[a-zA-Z0-9 _."'\\\n\t#=\[\]{}éü€🐈\x07\x7f\u{85}-]{1,12}"#,
        1 => r"[^\x00]{1,8}",
    ]
}

/// Free text for comments and string literals: any characters, control characters included.
pub fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[a-zA-Z ,.]{0,30}",
        1 => r#"[a-z "'\\\n\r\t—é🐈]{0,20}"#,
        1 => r"[^\x00]{0,16}",
    ]
}

/// An explicit constraint or index name: sometimes exactly at the 63-byte limit.
fn arb_long_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => arb_name(),
        1 => "[a-z]{63}",
        1 => "é{31}x",
    ]
}

/// Any type but an enum (enums are chosen when the schema is built).
pub fn arb_builtin_type() -> impl Strategy<Value = ColumnType> {
    prop_oneof![
        Just(ColumnType::SmallInt),
        Just(ColumnType::Integer),
        Just(ColumnType::BigInt),
        Just(ColumnType::Real),
        Just(ColumnType::Double),
        Just(ColumnType::Numeric(None)),
        (1u32..=1000)
            .prop_flat_map(|p| (Just(p), 0..=p))
            .prop_map(|(p, s)| ColumnType::Numeric(Some((p, s)))),
        Just(ColumnType::Boolean),
        Just(ColumnType::Text),
        Just(ColumnType::Varchar(None)),
        (1u32..=10_485_760).prop_map(|n| ColumnType::Varchar(Some(n))),
        (1u32..=300).prop_map(ColumnType::Char),
        Just(ColumnType::Bytea),
        Just(ColumnType::Date),
        Just(ColumnType::Time),
        Just(ColumnType::Timestamp),
        Just(ColumnType::Timestamptz),
        Just(ColumnType::Interval),
        Just(ColumnType::Uuid),
        Just(ColumnType::Json),
        Just(ColumnType::Jsonb),
        Just(ColumnType::Inet),
    ]
}

fn arb_action() -> impl Strategy<Value = FkAction> {
    prop_oneof![
        3 => Just(FkAction::NoAction),
        1 => Just(FkAction::Restrict),
        1 => Just(FkAction::Cascade),
        1 => Just(FkAction::SetNull),
        1 => Just(FkAction::SetDefault),
    ]
}

fn arb_method() -> impl Strategy<Value = IndexMethod> {
    prop_oneof![
        4 => Just(IndexMethod::Btree),
        1 => proptest::sample::select(IndexMethod::ALL.to_vec()),
    ]
}

#[derive(Debug, Clone)]
struct SchemaSeed {
    enums: Vec<EnumSeed>,
    tables: Vec<TableSeed>,
    fks: Vec<FkSeed>,
    drop_tables: Vec<String>,
    drop_enums: Vec<String>,
}

#[derive(Debug, Clone)]
struct EnumSeed {
    name: String,
    values: Vec<String>,
    comment: Option<String>,
    drop_values: Vec<String>,
}

fn arb_enum_seed() -> impl Strategy<Value = EnumSeed> {
    (
        arb_name(),
        vec(prop_oneof![5 => arb_name(), 1 => arb_long_name()], 1..5),
        proptest::option::of(arb_text()),
        vec(arb_name(), 0..2),
    )
        .prop_map(|(name, values, comment, drop_values)| EnumSeed {
            name,
            values,
            comment,
            drop_values,
        })
}

#[derive(Debug, Clone)]
struct TypeSeed {
    base: ColumnType,
    /// Use the n-th enum instead of `base`, when the schema has enums.
    enum_pick: Option<Index>,
    array: bool,
}

fn arb_type_seed() -> impl Strategy<Value = TypeSeed> {
    (
        arb_builtin_type(),
        proptest::option::weighted(0.2, any::<Index>()),
        proptest::bool::weighted(0.15),
    )
        .prop_map(|(base, enum_pick, array)| TypeSeed {
            base,
            enum_pick,
            array,
        })
}

#[derive(Debug, Clone)]
struct ColumnSeed {
    name: String,
    ty: TypeSeed,
    nullable: bool,
    /// 0: none; else a kind of default, with `default_text` as raw material.
    default_kind: u8,
    default_text: String,
    default_pick: Index,
    identity: Option<Identity>,
    comment: Option<String>,
    renamed_from: Option<String>,
    type_changed_from: Option<TypeSeed>,
    backfill: Option<String>,
}

fn arb_column_seed() -> impl Strategy<Value = ColumnSeed> {
    (
        (arb_name(), arb_type_seed(), any::<bool>()),
        (0u8..6, arb_text(), any::<Index>()),
        proptest::option::weighted(
            0.15,
            prop_oneof![Just(Identity::ByDefault), Just(Identity::Always)],
        ),
        proptest::option::weighted(0.3, arb_text()),
        proptest::option::weighted(0.1, arb_name()),
        proptest::option::weighted(0.1, arb_type_seed()),
        proptest::option::weighted(0.1, arb_text()),
    )
        .prop_map(
            |(
                (name, ty, nullable),
                (default_kind, default_text, default_pick),
                identity,
                comment,
                renamed_from,
                type_changed_from,
                backfill,
            )| ColumnSeed {
                name,
                ty,
                nullable,
                default_kind,
                default_text,
                default_pick,
                identity,
                comment,
                renamed_from,
                type_changed_from,
                backfill,
            },
        )
}

/// A SQL condition over the table's columns.
#[derive(Debug, Clone)]
struct ExprSeed {
    kind: u8,
    columns: Vec<Index>,
    literal: String,
}

fn arb_expr_seed() -> impl Strategy<Value = ExprSeed> {
    (0u8..5, vec(any::<Index>(), 1..3), arb_text()).prop_map(|(kind, columns, literal)| ExprSeed {
        kind,
        columns,
        literal,
    })
}

#[derive(Debug, Clone)]
struct IndexSeed {
    columns: Vec<Index>,
    unique: bool,
    method: IndexMethod,
    predicate: Option<ExprSeed>,
    /// `None`: the derived name (when it fits and is free).
    name: Option<String>,
}

fn arb_index_seed() -> impl Strategy<Value = IndexSeed> {
    (
        vec(any::<Index>(), 1..4),
        any::<bool>(),
        arb_method(),
        proptest::option::weighted(0.25, arb_expr_seed()),
        proptest::option::weighted(0.3, arb_long_name()),
    )
        .prop_map(|(columns, unique, method, predicate, name)| IndexSeed {
            columns,
            unique,
            method,
            predicate,
            name,
        })
}

#[derive(Debug, Clone)]
struct TableSeed {
    name: String,
    model: String,
    comment: Option<String>,
    renamed_from: Option<String>,
    columns: Vec<ColumnSeed>,
    /// 0: no primary key; 1: one column; 2: composite.
    pk_kind: u8,
    pk_columns: Vec<Index>,
    pk_name: Option<String>,
    indexes: Vec<IndexSeed>,
    checks: Vec<(String, ExprSeed)>,
    drop_columns: Vec<String>,
}

fn arb_table_seed() -> impl Strategy<Value = TableSeed> {
    (
        (
            arb_name(),
            "[A-Z][A-Za-z0-9_]{0,10}",
            proptest::option::weighted(0.4, arb_text()),
            proptest::option::weighted(0.1, arb_name()),
        ),
        vec(arb_column_seed(), 1..7),
        (
            0u8..3,
            vec(any::<Index>(), 2..4),
            proptest::option::weighted(0.2, arb_long_name()),
        ),
        vec(arb_index_seed(), 0..4),
        vec((arb_long_name(), arb_expr_seed()), 0..3),
        vec(arb_name(), 0..2),
    )
        .prop_map(
            |(
                (name, model, comment, renamed_from),
                columns,
                (pk_kind, pk_columns, pk_name),
                indexes,
                checks,
                drop_columns,
            )| {
                TableSeed {
                    name,
                    model,
                    comment,
                    renamed_from,
                    columns,
                    pk_kind,
                    pk_columns,
                    pk_name,
                    indexes,
                    checks,
                    drop_columns,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct FkSeed {
    from: Index,
    to: Index,
    key: Index,
    /// Rotates the referenced columns (a key is matched as a set).
    rotate: Index,
    column_names: Vec<String>,
    nullable: bool,
    on_delete: FkAction,
    on_update: FkAction,
    name: Option<String>,
}

fn arb_fk_seed() -> impl Strategy<Value = FkSeed> {
    (
        (
            any::<Index>(),
            any::<Index>(),
            any::<Index>(),
            any::<Index>(),
        ),
        vec(arb_name(), 3),
        any::<bool>(),
        arb_action(),
        arb_action(),
        proptest::option::weighted(0.3, arb_long_name()),
    )
        .prop_map(
            |((from, to, key, rotate), column_names, nullable, on_delete, on_update, name)| {
                FkSeed {
                    from,
                    to,
                    key,
                    rotate,
                    column_names,
                    nullable,
                    on_delete,
                    on_update,
                    name,
                }
            },
        )
}

/// Names taken in one namespace; [`Namer::claim`] makes a name unique and short enough.
#[derive(Debug, Default)]
struct Namer {
    used: HashSet<String>,
}

impl Namer {
    /// Takes `name` exactly if it is free and valid.
    fn take(&mut self, name: &str) -> bool {
        valid_ident(name) && self.used.insert(name.to_string())
    }

    /// Takes `base` (cut to `max` bytes), or `base_2`, `base_3`, ... when taken.
    fn claim(&mut self, base: &str, max: usize) -> String {
        let base = clean(base, max);
        if self.take(&base) {
            return base;
        }
        for n in 2.. {
            let suffix = format!("_{n}");
            let name = format!("{}{suffix}", truncate(&base, max - suffix.len()));
            if self.take(&name) {
                return name;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }
}

fn valid_ident(name: &str) -> bool {
    !name.is_empty() && !name.contains('\0') && name.len() <= MAX_IDENT_BYTES
}

/// Cuts a string to at most `max` bytes, at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A usable name: no NUL, at most `max` bytes, not empty.
fn clean(s: &str, max: usize) -> String {
    let s: String = s.chars().filter(|&c| c != '\0').collect();
    let s = truncate(&s, max);
    if s.is_empty() {
        "x".to_string()
    } else {
        s.to_string()
    }
}

/// Whether `name` can be written as a column type and read back as this enum.
fn enum_name_is_spellable(name: &str) -> bool {
    name == name.trim()
        && !name.contains('(')
        && !name.ends_with("[]")
        && !BUILTIN_TYPES.contains(&name)
}

/// A SQL string literal.
fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A double-quoted SQL identifier.
fn sql_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn build_type(seed: &TypeSeed, enums: &[Enum]) -> ColumnType {
    let base = match &seed.enum_pick {
        Some(pick) if !enums.is_empty() => ColumnType::Enum(pick.get(enums).name.clone()),
        _ => seed.base.clone(),
    };
    if seed.array {
        ColumnType::Array(Box::new(base))
    } else {
        base
    }
}

fn build_expr(seed: &ExprSeed, columns: &[Column]) -> String {
    let cols: Vec<String> = seed
        .columns
        .iter()
        .map(|p| sql_ident(&p.get(columns).name))
        .collect();
    match seed.kind {
        0 => format!("{} IS NOT NULL", cols[0]),
        1 => format!("{} <> {}", cols[0], sql_string(&seed.literal)),
        2 => cols
            .iter()
            .map(|c| format!("{c} IS NULL"))
            .collect::<Vec<_>>()
            .join(" OR "),
        3 => format!("length({}::text) > 0", cols[0]),
        _ => "true".to_string(),
    }
}

fn build_default(seed: &ColumnSeed, ty: &ColumnType, enums: &[Enum]) -> Option<String> {
    if seed.default_kind == 0 {
        return None;
    }
    if let ColumnType::Enum(name) = ty {
        let e = enums.iter().find(|e| &e.name == name)?;
        return Some(sql_string(seed.default_pick.get::<String>(&e.values)));
    }
    if ty.is_textual() {
        return Some(sql_string(&seed.default_text));
    }
    let text = match seed.default_kind {
        1 => "0",
        2 => "now()",
        3 => "'{}'",
        4 => "gen_random_uuid()",
        _ => seed.default_text.as_str(),
    };
    (!text.trim().is_empty()).then(|| text.to_string())
}

fn build(seed: SchemaSeed) -> Schema {
    let mut schema = Schema::default();
    // Enums and tables: PostgreSQL gives each table a type of its name, so they share a namespace.
    let mut type_names = Namer::default();
    type_names
        .used
        .extend(BUILTIN_TYPES.iter().map(|s| s.to_string()));

    for (i, e) in seed.enums.iter().enumerate() {
        let mut name = type_names.claim(&e.name, 20);
        if !enum_name_is_spellable(&name) {
            type_names.used.remove(&name);
            name = type_names.claim(&format!("enum_{i}"), 20);
        }
        let mut labels = Namer::default();
        let values: Vec<String> = e
            .values
            .iter()
            .map(|v| labels.claim(v, MAX_IDENT_BYTES))
            .collect();
        let drop_values = e
            .drop_values
            .iter()
            .filter(|d| !values.contains(d))
            .cloned()
            .collect();
        schema.enums.push(Enum {
            name,
            values,
            comment: e.comment.clone(),
            drop_values,
        });
    }

    // Tables, primary keys and indexes share one namespace; every table name is claimed first.
    let mut models = Namer::default();
    let mut column_namers: Vec<Namer> = Vec::new();
    for t in &seed.tables {
        let name = type_names.claim(&t.name, TABLE_NAME_BYTES);
        let model = models.claim(&t.model, 40);
        let mut namer = Namer::default();
        let columns: Vec<Column> = t
            .columns
            .iter()
            .map(|c| {
                let ty = build_type(&c.ty, &schema.enums);
                let identity = c.identity.filter(|_| ty.is_integer());
                let default = if identity.is_some() {
                    None
                } else {
                    build_default(c, &ty, &schema.enums)
                };
                Column {
                    name: namer.claim(&c.name, COLUMN_NAME_BYTES),
                    nullable: c.nullable && identity.is_none(),
                    default,
                    identity,
                    comment: c.comment.clone(),
                    renamed_from: c.renamed_from.clone(),
                    type_changed_from: c
                        .type_changed_from
                        .as_ref()
                        .map(|t| build_type(t, &schema.enums)),
                    backfill: c.backfill.clone(),
                    ty,
                }
            })
            .collect();
        column_namers.push(namer);
        schema.tables.push(Table {
            name,
            model,
            comment: t.comment.clone(),
            columns,
            primary_key: None,
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            drop_columns: Vec::new(),
            renamed_from: t.renamed_from.clone(),
        });
    }
    let mut relations = Namer::default();
    relations
        .used
        .extend(schema.tables.iter().map(|t| t.name.clone()));

    let mut constraint_namers: Vec<Namer> = Vec::new();
    for (t, ts) in schema.tables.iter_mut().zip(&seed.tables) {
        // Primary key.
        let mut pk_cols: Vec<usize> = Vec::new();
        let wanted = match ts.pk_kind {
            0 => 0,
            1 => 1,
            _ => ts.pk_columns.len(),
        };
        for pick in ts.pk_columns.iter().take(wanted) {
            let i = pick.index(t.columns.len());
            if !pk_cols.contains(&i) {
                pk_cols.push(i);
            }
        }
        if !pk_cols.is_empty() {
            for &i in &pk_cols {
                t.columns[i].nullable = false;
            }
            let derived = format!("{}_pkey", t.name);
            let name = match &ts.pk_name {
                None if relations.take(&derived) => derived,
                None => relations.claim(&format!("{}_pk", t.name), MAX_IDENT_BYTES),
                Some(n) => relations.claim(n, MAX_IDENT_BYTES),
            };
            t.primary_key = Some(PrimaryKey {
                name,
                columns: pk_cols.iter().map(|&i| t.columns[i].name.clone()).collect(),
            });
        }

        // Indexes.
        for ix in &ts.indexes {
            let mut cols: Vec<String> = Vec::new();
            for pick in &ix.columns {
                let c = &pick.get(&t.columns).name;
                if !cols.contains(c) {
                    cols.push(c.clone());
                }
            }
            let method = if ix.unique && ix.method == IndexMethod::Hash {
                IndexMethod::Btree
            } else {
                ix.method
            };
            let suffix = if ix.unique { "key" } else { "idx" };
            let derived = format!("{}_{}_{suffix}", t.name, cols.join("_"));
            let name = match &ix.name {
                None if relations.take(&derived) => derived,
                None => relations.claim(&format!("{}_{suffix}", t.name), MAX_IDENT_BYTES),
                Some(n) => relations.claim(n, MAX_IDENT_BYTES),
            };
            let predicate = ix.predicate.as_ref().map(|p| build_expr(p, &t.columns));
            t.indexes.push(SqlIndex {
                name,
                columns: cols,
                unique: ix.unique,
                predicate,
                method,
            });
        }

        // Checks: their names share the table's constraint namespace with foreign keys.
        let mut constraints = Namer::default();
        for (name, expr) in &ts.checks {
            t.checks.push(Check {
                name: constraints.claim(name, MAX_IDENT_BYTES),
                expr: build_expr(expr, &t.columns),
            });
        }
        constraint_namers.push(constraints);

        t.drop_columns = ts.drop_columns.clone();
    }

    // Foreign keys: each adds columns of the key's types to the referencing table.
    if !schema.tables.is_empty() {
        for fk in &seed.fks {
            let from = fk.from.index(schema.tables.len());
            let to = fk.to.index(schema.tables.len());
            let target = &schema.tables[to];
            let mut keys: Vec<&[String]> = Vec::new();
            if let Some(pk) = &target.primary_key {
                keys.push(&pk.columns);
            }
            for ix in &target.indexes {
                if ix.unique && ix.predicate.is_none() {
                    keys.push(&ix.columns);
                }
            }
            if keys.is_empty() {
                continue;
            }
            let mut ref_columns = fk.key.get(&keys).to_vec();
            let shift = fk.rotate.index(ref_columns.len());
            ref_columns.rotate_left(shift);
            let ref_types: Vec<ColumnType> = ref_columns
                .iter()
                .map(|c| {
                    target
                        .column(c)
                        .map(|c| c.ty.clone())
                        .unwrap_or(ColumnType::Text)
                })
                .collect();
            let ref_table = target.name.clone();

            let nullable = fk.nullable
                || fk.on_delete == FkAction::SetNull
                || fk.on_update == FkAction::SetNull;
            let t = &mut schema.tables[from];
            let namer = &mut column_namers[from];
            let mut columns = Vec::new();
            for (i, ty) in ref_types.into_iter().enumerate() {
                let base = &fk.column_names[i % fk.column_names.len()];
                let name = namer.claim(base, COLUMN_NAME_BYTES);
                t.columns.push(Column {
                    name: name.clone(),
                    ty,
                    nullable,
                    default: None,
                    identity: None,
                    comment: None,
                    renamed_from: None,
                    type_changed_from: None,
                    backfill: None,
                });
                columns.push(name);
            }
            let constraints = &mut constraint_namers[from];
            let derived = format!("{}_{}_fkey", t.name, columns.join("_"));
            let name = match &fk.name {
                None if constraints.take(&derived) => derived,
                None => constraints.claim(&format!("{}_fkey", t.name), MAX_IDENT_BYTES),
                Some(n) => constraints.claim(n, MAX_IDENT_BYTES),
            };
            t.foreign_keys.push(ForeignKey {
                name,
                columns,
                ref_table,
                ref_columns,
                on_delete: fk.on_delete,
                on_update: fk.on_update,
            });
        }
    }

    // What must not name a declared object: renames from a column still declared, and drops.
    for t in &mut schema.tables {
        let names: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
        for c in &mut t.columns {
            if c.renamed_from
                .as_ref()
                .is_some_and(|r| *r != c.name && names.contains(r))
            {
                c.renamed_from = None;
            }
        }
        t.drop_columns.retain(|d| !names.contains(d));
    }
    schema.drop_tables = seed
        .drop_tables
        .into_iter()
        .filter(|d| schema.table(d).is_none())
        .collect();
    schema.drop_enums = seed
        .drop_enums
        .into_iter()
        .filter(|d| schema.enum_type(d).is_none())
        .collect();
    schema
}

#[cfg(test)]
mod tests {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRunner};

    use super::*;
    use crate::schema::load_str;
    use crate::schema::print::to_toml;

    fn config(cases: u32) -> Config {
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        }
    }

    /// The contract of the printer: what it writes loads back as the same model, byte-stable.
    #[test]
    fn printed_schemas_load_back_unchanged() {
        let mut runner = TestRunner::new(config(512));
        runner
            .run(&arb_schema(), |s| {
                let text = to_toml(&s);
                let back = load_str("printed.toml", &text)
                    .map_err(|e| TestCaseError::fail(format!("{e}\n--- printed ---\n{text}")))?;
                prop_assert_eq!(&back, &s, "--- printed ---\n{}", text);
                prop_assert_eq!(to_toml(&back), text);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// The generator is not trivially small: it reaches the interesting shapes.
    #[test]
    fn generator_covers_the_model() {
        let mut runner = TestRunner::new(config(256));
        let (mut composite_pk, mut multi_fk, mut partial, mut enum_col, mut quoted) =
            (0, 0, 0, 0, 0);
        for _ in 0..256 {
            let s = arb_schema()
                .new_tree(&mut runner)
                .map(|t| t.current())
                .unwrap_or_else(|e| panic!("{e}"));
            for t in &s.tables {
                composite_pk +=
                    usize::from(t.primary_key.as_ref().is_some_and(|p| p.columns.len() > 1));
                multi_fk += t
                    .foreign_keys
                    .iter()
                    .filter(|f| f.columns.len() > 1)
                    .count();
                partial += t.indexes.iter().filter(|i| i.predicate.is_some()).count();
                enum_col += t
                    .columns
                    .iter()
                    .filter(|c| c.ty.enum_name().is_some())
                    .count();
                quoted += usize::from(t.name.contains(['"', ' ', '\\', '\n']));
            }
        }
        for (what, n) in [
            ("composite primary keys", composite_pk),
            ("multi-column foreign keys", multi_fk),
            ("partial indexes", partial),
            ("enum columns", enum_col),
            ("table names that need quoting", quoted),
        ] {
            assert!(n > 5, "only {n} {what} in 256 schemas");
        }
    }
}
