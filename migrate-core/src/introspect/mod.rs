//! Reading a live database back into the schema model, and comparing it with a declared schema.
//!
//! - [`introspect`] reads enums, tables, columns, keys, indexes, foreign keys, checks and comments
//!   of a PostgreSQL or SQLite database into a [`Schema`]. On PostgreSQL it runs a fixed number of
//!   catalog queries (`dialect::postgres::introspect::QUERIES`), however many tables there are.
//! - [`normalize_for`] maps a declared schema to what a dialect holds and reads back, so that a
//!   database built from the generated migrations introspects to exactly
//!   `normalize_for(dialect, &declared)`: the same [`Schema`], compared with [`crate::diff::diff`].
//! - [`drift`] lists, one line each, how a live schema differs from the one expected.
//! - [`keep_undeclared`] is what `migrate diff` applies: the declared schema plus whatever the
//!   database has that the schema does not declare and does not acknowledge dropping.
//!
//! # What each dialect holds
//!
//! | declared | PostgreSQL reads back | SQLite reads back |
//! |---|---|---|
//! | defaults, checks, partial-index predicates | PostgreSQL's own spelling, made canonical ([`expr`]) | as the migration wrote them |
//! | comments | yes (an empty comment is none) | none |
//! | enums | yes, with their labels in order | the labels of a column's `CHECK (col IN (...))`: only enums some column uses directly; an array of another enum reads back as `text[]` |
//! | identity | by default / always | only an `integer` single-column primary key (the rowid), always "by default", and every such key is one |
//! | index methods | yes | `btree` |
//!
//! Model names are not in a database: introspection derives them
//! (`names::model_name`) and [`crate::diff::diff`] ignores them. Acknowledgements
//! (`drop_*`, `renamed_from`, `type_changed_from`, `backfill`) are not in a database either:
//! [`normalize_for`] removes them.

pub mod expr;

use std::collections::{HashMap, HashSet};

use crate::db::{Connection, DbError};
use crate::dialect::Dialect;
use crate::diff::{Change, diff};
use crate::migrator::Migrator;
use crate::schema::print as toml;
use crate::schema::{Check, ForeignKey, Identity, Index, IndexMethod, PrimaryKey, Schema, Table};
use expr::Context;

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The PostgreSQL schemas to read (default `["public"]`); ignored by SQLite. Tables of
    /// several schemas must have different names: the model has no schema qualifier.
    pub schemas: Vec<String>,
    /// The migration history table, which is not part of the declared schema: never read.
    pub history_table: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            schemas: vec!["public".to_string()],
            history_table: Migrator::DEFAULT_HISTORY_TABLE.to_string(),
        }
    }
}

/// A database read into the model, with what could not be represented.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Introspected {
    /// The database's schema, in the canonical model.
    pub schema: Schema,
    /// Objects left out or simplified because the schema language cannot express them
    /// (an expression index, a deferrable foreign key, ...), one sentence each.
    pub notes: Vec<String>,
}

/// Reads the database into the canonical model, in [`canonical_order`], with derived model names.
pub async fn introspect(conn: &mut Connection<'_>, opts: &Options) -> Result<Schema, DbError> {
    Ok(introspect_with_notes(conn, opts).await?.schema)
}

/// [`introspect`], also returning what the schema language could not represent.
pub async fn introspect_with_notes(
    conn: &mut Connection<'_>,
    opts: &Options,
) -> Result<Introspected, DbError> {
    let mut out = conn.driver().introspect(opts).await?;
    // The backfills' progress table sits beside the history table, and is no more the
    // application's than it is.
    let progress = crate::batch::progress_table(&opts.history_table);
    let plain = progress.rsplit('.').next().unwrap_or(&progress).to_string();
    out.schema
        .tables
        .retain(|t| t.name != progress && t.name != plain);
    canonical_order(&mut out.schema);
    derive_model_names(&mut out.schema);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/// The declared schema as `dialect` holds and reads it back, without acknowledgements: a database
/// built from the migrations of `schema` introspects to this (compare with
/// [`crate::diff::diff`], which ignores order and model names).
pub fn normalize_for(dialect: Dialect, schema: &Schema) -> Schema {
    represent(dialect, schema).without_acknowledgements()
}

/// [`normalize_for`], keeping the acknowledgements: what `migrate diff` migrates a database to.
pub fn represent(dialect: Dialect, schema: &Schema) -> Schema {
    dialect.runtime().represent(schema)
}

/// The columns an expression of `t` can use, for `expr::canonical`.
pub fn context_of(t: &Table) -> Context {
    Context::of_columns(t.columns.iter().map(|c| (c.name.as_str(), &c.ty)))
}

/// Finishes [`normalize_for`] with what only the server knows: on PostgreSQL, string-literal
/// defaults of non-text columns in the spelling the server stores them in (one query; see
/// the PostgreSQL driver). SQLite keeps defaults as written: nothing to do.
pub async fn canonical_literals(conn: &mut Connection<'_>, schema: &mut Schema) {
    conn.driver().canonical_literals(schema).await;
}

// ---------------------------------------------------------------------------------------------
// Order and names

/// The order introspection gives, a function of the content alone: enums and tables by name;
/// columns in table order; first the indexes and foreign keys a column's `unique = true` or
/// `references` can write (in column order), then the others by name; checks by name.
pub fn canonical_order(schema: &mut Schema) {
    schema.enums.sort_by(|a, b| a.name.cmp(&b.name));
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
    for t in &mut schema.tables {
        let position = |name: &str| t.columns.iter().position(|c| c.name == name);
        let ix_key = |ix: &Index| -> (usize, usize, String) {
            let shorthand = matches!(ix.columns.as_slice(), [c] if ix.unique
                && ix.predicate.is_none()
                && ix.method == IndexMethod::Btree
                && ix.name == crate::schema::names::index(&t.name, &[c], true));
            match (shorthand, ix.columns.first().and_then(|c| position(c))) {
                (true, Some(p)) => (0, p, ix.name.clone()),
                _ => (1, 0, ix.name.clone()),
            }
        };
        let fk_key = |fk: &ForeignKey| -> (usize, usize, String) {
            let shorthand = fk.columns.len() == 1 && !fk.ref_columns[0].contains('.');
            match (shorthand, fk.columns.first().and_then(|c| position(c))) {
                (true, Some(p)) => (0, p, fk.name.clone()),
                _ => (1, 0, fk.name.clone()),
            }
        };
        let mut indexes = std::mem::take(&mut t.indexes);
        indexes.sort_by_cached_key(ix_key);
        let mut fks = std::mem::take(&mut t.foreign_keys);
        fks.sort_by_cached_key(fk_key);
        t.indexes = indexes;
        t.foreign_keys = fks;
        t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

/// Gives every table a model name by `names::model_name`, made unique with a number
/// (`Pet2`).
pub fn derive_model_names(schema: &mut Schema) {
    let mut taken: HashSet<String> = HashSet::new();
    for t in &mut schema.tables {
        let base = crate::names::model_name(&t.name);
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        t.model = name;
    }
}

// ---------------------------------------------------------------------------------------------
// Drift

/// How `live` differs from `expected` (both normalised for `dialect`), one line per difference,
/// from the database's point of view ("column `pets.name` has the type varchar(20), expected
/// text"), sorted. Empty when they match. On PostgreSQL, give `expected` the server's spelling of
/// its literals first ([`canonical_literals`]) for an exact comparison.
pub fn drift(live: &Schema, expected: &Schema, dialect: Dialect) -> Vec<String> {
    let live = normalize_for(dialect, live);
    let expected = normalize_for(dialect, expected);
    let changes = diff(&live, &expected).changes;
    let mut lines = Vec::new();
    let mut paired: HashSet<usize> = HashSet::new();
    for (i, c) in changes.iter().enumerate() {
        if paired.contains(&i) {
            continue;
        }
        // A drop and an add of the same name is one object defined differently.
        let partner = changes
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, o)| match (c, o) {
                (
                    Change::DropIndex { table: a, index: x },
                    Change::CreateIndex {
                        table: b, index: y, ..
                    },
                ) => a == b && x.name == y.name,
                (
                    Change::DropForeignKey { table: a, fk: x },
                    Change::AddForeignKey {
                        table: b, fk: y, ..
                    },
                ) => a == b && x.name == y.name,
                (
                    Change::DropCheck { table: a, check: x },
                    Change::AddCheck {
                        table: b, check: y, ..
                    },
                ) => a == b && x.name == y.name,
                (
                    Change::DropPrimaryKey { table: a, .. },
                    Change::AddPrimaryKey { table: b, .. },
                ) => a == b,
                _ => false,
            });
        if let Some((j, o)) = partner {
            paired.insert(j);
            lines.push(differs(c, o));
            continue;
        }
        if let Some(line) = drift_line(c, &live) {
            lines.push(line);
        }
    }
    lines.sort();
    lines
}

fn index_def(ix: &Index) -> String {
    let mut s = format!(
        "{}({})",
        if ix.unique { "UNIQUE " } else { "" },
        ix.columns.join(", ")
    );
    if ix.method != IndexMethod::Btree {
        s.push_str(&format!(" USING {}", ix.method.as_str()));
    }
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}

fn fk_def(fk: &ForeignKey) -> String {
    format!(
        "({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
        fk.columns.join(", "),
        fk.ref_table,
        fk.ref_columns.join(", "),
        fk.on_delete.sql(),
        fk.on_update.sql()
    )
}

fn pk_def(pk: &PrimaryKey) -> String {
    format!("`{}` ({})", pk.name, pk.columns.join(", "))
}

fn differs(drop: &Change, add: &Change) -> String {
    match (drop, add) {
        (Change::DropIndex { table, index: a }, Change::CreateIndex { index: b, .. }) => format!(
            "index `{}` on `{table}` is {}, expected {}",
            a.name,
            index_def(a),
            index_def(b)
        ),
        (Change::DropForeignKey { table, fk: a }, Change::AddForeignKey { fk: b, .. }) => format!(
            "foreign key `{}` of `{table}` is {}, expected {}",
            a.name,
            fk_def(a),
            fk_def(b)
        ),
        (Change::DropCheck { table, check: a }, Change::AddCheck { check: b, .. }) => format!(
            "check `{}` of `{table}` is ({}), expected ({})",
            a.name, a.expr, b.expr
        ),
        (Change::DropPrimaryKey { table, key: a }, Change::AddPrimaryKey { key: b, .. }) => {
            format!(
                "the primary key of `{table}` is {}, expected {}",
                pk_def(a),
                pk_def(b)
            )
        }
        _ => format!("{}; {}", drop.describe(), add.describe()),
    }
}

fn shown(v: &Option<String>, none: &str) -> String {
    v.as_ref()
        .map_or_else(|| none.to_string(), |s| format!("{s:?}"))
}

fn drift_line(c: &Change, live: &Schema) -> Option<String> {
    let col = |t: &str, c: &str| format!("column `{t}.{c}`");
    let live_col = |t: &str, c: &str| live.table(t).and_then(|t| t.column(c));
    Some(match c {
        Change::CreateEnum(e) => format!("enum `{}` is missing", e.name),
        Change::DropEnum(e) => format!("enum `{}` exists but is not expected", e.name),
        Change::AddEnumValue {
            enum_name, value, ..
        } => format!("enum `{enum_name}` lacks the label `{value}`"),
        Change::RebuildEnum { from, to, .. } => format!(
            "enum `{}` has the labels ({}), expected ({})",
            to.name,
            from.values.join(", "),
            to.values.join(", ")
        ),
        Change::SetEnumComment { enum_name, comment } => format!(
            "enum `{enum_name}` has the comment {}, expected {}",
            shown(
                &live.enum_type(enum_name).and_then(|e| e.comment.clone()),
                "none"
            ),
            shown(comment, "none")
        ),
        Change::DropOldEnum { .. } => return None,
        Change::CreateTable(t) => format!("table `{}` is missing", t.name),
        Change::DropTable(t) => format!("table `{}` exists but is not expected", t.name),
        Change::RenameTable { from, to } => format!("table `{from}` is expected as `{to}`"),
        Change::SetTableComment { table, comment } => format!(
            "table `{table}` has the comment {}, expected {}",
            shown(&live.table(table).and_then(|t| t.comment.clone()), "none"),
            shown(comment, "none")
        ),
        Change::AddColumn { table, column } => {
            format!("{} ({}) is missing", col(table, &column.name), column.ty)
        }
        Change::DropColumn { table, column } => {
            format!("{} exists but is not expected", col(table, &column.name))
        }
        Change::RenameColumn { table, from, to } => {
            format!("{} is expected as `{to}`", col(table, from))
        }
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
        } => format!("{} has the type {from}, expected {to}", col(table, column)),
        Change::DropNotNull { table, column } => {
            format!("{} is NOT NULL, expected nullable", col(table, column))
        }
        Change::SetNotNull { table, column, .. } => {
            format!("{} is nullable, expected NOT NULL", col(table, column))
        }
        Change::SetDefault {
            table,
            column,
            from,
            to,
        } => format!(
            "{} has the default {}, expected {}",
            col(table, column),
            from.as_deref().unwrap_or("none"),
            to.as_deref().unwrap_or("none")
        ),
        Change::SetIdentity {
            table,
            column,
            from,
            to,
        } => format!(
            "{} has identity {}, expected {}",
            col(table, column),
            from.map_or("none", Identity::as_str),
            to.map_or("none", Identity::as_str)
        ),
        Change::SetColumnComment {
            table,
            column,
            comment,
        } => format!(
            "{} has the comment {}, expected {}",
            col(table, column),
            shown(
                &live_col(table, column).and_then(|c| c.comment.clone()),
                "none"
            ),
            shown(comment, "none")
        ),
        Change::AddPrimaryKey { table, key } => {
            format!("table `{table}` lacks the primary key {}", pk_def(key))
        }
        Change::DropPrimaryKey { table, key } => format!(
            "table `{table}` has the primary key {}, expected none",
            pk_def(key)
        ),
        Change::RenameConstraint { table, from, to } => {
            format!("constraint `{from}` of `{table}` is expected to be named `{to}`")
        }
        Change::RenameIndex { from, to, .. } => {
            format!(
                "index `{}` is expected to be named `{}`",
                from.name, to.name
            )
        }
        Change::CreateIndex { table, index, .. } => format!(
            "index `{}` on `{table}` {} is missing",
            index.name,
            index_def(index)
        ),
        Change::DropIndex { table, index } => format!(
            "index `{}` on `{table}` exists but is not expected",
            index.name
        ),
        Change::AddForeignKey { table, fk, .. } => format!(
            "foreign key `{}` of `{table}` {} is missing",
            fk.name,
            fk_def(fk)
        ),
        Change::DropForeignKey { table, fk } => format!(
            "foreign key `{}` of `{table}` exists but is not expected",
            fk.name
        ),
        Change::AddCheck { table, check, .. } => format!(
            "check `{}` of `{table}` ({}) is missing",
            check.name, check.expr
        ),
        Change::DropCheck { table, check } => format!(
            "check `{}` of `{table}` exists but is not expected",
            check.name
        ),
    })
}

// ---------------------------------------------------------------------------------------------
// What `migrate diff` leaves alone

/// Something the database has that the declared schema does not declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undeclared {
    /// What it is: "table `audit_log`", "index `pets_name_idx` on `pets`".
    pub object: String,
    /// The acknowledgement that lets `migrate diff` drop it, when the language has one.
    pub acknowledge: Option<String>,
    /// Whether the declared schema acknowledges dropping it (then it is dropped).
    pub dropped: bool,
}

/// The schema to migrate `live` to: `declared` plus every table, column, enum, enum label, index
/// and constraint of `live` that `declared` does not declare and does not acknowledge dropping
/// (`drop_tables`, `drop_columns`, `drop_enums`, `drop_values`); and the list of all of them.
/// Indexes and constraints have no acknowledgement: they are always kept. An object whose
/// definition the declared schema has under another name is not undeclared: it is renamed.
pub fn keep_undeclared(live: &Schema, declared: &Schema) -> (Schema, Vec<Undeclared>) {
    let mut target = declared.clone();
    let mut found = Vec::new();

    // Enums, and labels.
    for le in &live.enums {
        match target.enums.iter_mut().find(|e| e.name == le.name) {
            None => {
                let dropped = declared.drop_enums.contains(&le.name);
                found.push(Undeclared {
                    object: format!("enum `{}`", le.name),
                    acknowledge: Some(format!("drop_enums = [{}]", toml::string(&le.name))),
                    dropped,
                });
                if !dropped {
                    target.enums.push(le.clone());
                }
            }
            Some(e) => {
                let mut prev: Option<usize> = None;
                for v in &le.values {
                    if let Some(pos) = e.values.iter().position(|x| x == v) {
                        prev = Some(pos);
                        continue;
                    }
                    let dropped = e.drop_values.contains(v);
                    found.push(Undeclared {
                        object: format!("label `{v}` of enum `{}`", le.name),
                        acknowledge: Some(format!(
                            "drop_values = [{}] in [enums.{}]",
                            toml::string(v),
                            toml::key(&le.name)
                        )),
                        dropped,
                    });
                    if !dropped {
                        let at = prev.map_or(0, |p| p + 1);
                        e.values.insert(at, v.clone());
                        prev = Some(at);
                    }
                }
            }
        }
    }

    // Tables, by name or by a declared rename.
    let renamed_from: HashMap<&str, &str> = declared
        .tables
        .iter()
        .filter_map(|t| {
            t.renamed_from
                .as_deref()
                .filter(|r| declared.table(r).is_none())
                .map(|r| (r, t.name.as_str()))
        })
        .collect();
    let declared_tables: HashMap<&str, usize> = declared
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let kept_tables: HashSet<String> = declared
        .tables
        .iter()
        .map(|t| t.name.clone())
        .chain(
            live.tables
                .iter()
                .filter(|lt| {
                    !declared_tables.contains_key(lt.name.as_str())
                        && !renamed_from.contains_key(lt.name.as_str())
                        && !declared.drop_tables.contains(&lt.name)
                })
                .map(|lt| lt.name.clone()),
        )
        .collect();
    for lt in &live.tables {
        let declared_name = if declared_tables.contains_key(lt.name.as_str()) {
            Some(lt.name.as_str())
        } else {
            renamed_from.get(lt.name.as_str()).copied()
        };
        let Some(name) = declared_name else {
            let dropped = declared.drop_tables.contains(&lt.name);
            found.push(Undeclared {
                object: format!("table `{}`", lt.name),
                acknowledge: Some(format!("drop_tables = [{}]", toml::string(&lt.name))),
                dropped,
            });
            if !dropped {
                target.tables.push(lt.clone());
            }
            continue;
        };
        // Declared tables come first in the target, in the same order.
        let Some(t) = declared_tables
            .get(name)
            .and_then(|&i| target.tables.get_mut(i))
        else {
            continue;
        };
        keep_in_table(lt, t, &kept_tables, &mut found);
    }
    (target, found)
}

/// `tables`: the names of the tables the result has.
fn keep_in_table(
    live: &Table,
    t: &mut Table,
    tables: &HashSet<String>,
    found: &mut Vec<Undeclared>,
) {
    let tname = t.name.clone();
    // Columns: a declared column matches by name or by its `renamed_from`.
    for lc in &live.columns {
        let declared = t.columns.iter().any(|c| {
            c.name == lc.name
                || (c.renamed_from.as_deref() == Some(lc.name.as_str())
                    && live.column(&c.name).is_none())
        });
        if declared {
            continue;
        }
        let dropped = t.drop_columns.contains(&lc.name);
        found.push(Undeclared {
            object: format!("column `{tname}.{}`", lc.name),
            acknowledge: Some(format!(
                "drop_columns = [{}] in [tables.{}]",
                toml::string(&lc.name),
                toml::key(&tname)
            )),
            dropped,
        });
        if !dropped {
            t.columns.push(lc.clone());
        }
    }
    let has_column = |t: &Table, cols: &[String]| cols.iter().all(|c| t.column(c).is_some());

    // Indexes: kept unless declared by name, or declared under another name (a rename).
    for lix in &live.indexes {
        let by_name = t.indexes.iter().any(|i| i.name == lix.name);
        let renamed = t.indexes.iter().any(|i| {
            live.indexes.iter().all(|l| l.name != i.name)
                && Index {
                    name: lix.name.clone(),
                    ..i.clone()
                } == *lix
        });
        if by_name || renamed {
            continue;
        }
        let object = format!("index `{}` on `{tname}`", lix.name);
        if !has_column(t, &lix.columns) {
            // Its column is dropped, as acknowledged: it goes with it.
            found.push(Undeclared {
                object,
                acknowledge: None,
                dropped: true,
            });
            continue;
        }
        found.push(kept(object));
        t.indexes.push(lix.clone());
    }
    for lck in &live.checks {
        let declared = t.checks.iter().any(|c| {
            c.name == lck.name
                || (c.expr == lck.expr && live.checks.iter().all(|l| l.name != c.name))
        });
        if declared {
            continue;
        }
        found.push(kept(format!("check `{}` of `{tname}`", lck.name)));
        t.checks.push(Check { ..lck.clone() });
    }
    for lfk in &live.foreign_keys {
        let declared = t.foreign_keys.iter().any(|f| {
            f.name == lfk.name
                || (live.foreign_keys.iter().all(|l| l.name != f.name)
                    && ForeignKey {
                        name: lfk.name.clone(),
                        ..f.clone()
                    } == *lfk)
        });
        if declared {
            continue;
        }
        let object = format!("foreign key `{}` of `{tname}`", lfk.name);
        if !has_column(t, &lfk.columns) || !tables.contains(lfk.ref_table.as_str()) {
            // Its columns or the table it references are dropped, as acknowledged.
            found.push(Undeclared {
                object,
                acknowledge: None,
                dropped: true,
            });
            continue;
        }
        found.push(kept(object));
        t.foreign_keys.push(lfk.clone());
    }
    if let (Some(lpk), None) = (&live.primary_key, &t.primary_key)
        && has_column(t, &lpk.columns)
    {
        found.push(kept(format!("primary key `{}` of `{tname}`", lpk.name)));
        t.primary_key = Some(lpk.clone());
    }
}

fn kept(object: String) -> Undeclared {
    Undeclared {
        object,
        acknowledge: None,
        dropped: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ColumnType;
    use crate::schema::load_str;

    fn schema(src: &str) -> Schema {
        load_str("t.toml", src).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn model_names_are_unique() {
        let mut s = schema(
            "[tables.pet]\nmodel = \"A\"\ncolumns = { id = \"integer\" }\n[tables.pets]\nmodel = \"B\"\ncolumns = { id = \"integer\" }\n",
        );
        derive_model_names(&mut s);
        let models: Vec<&str> = s.tables.iter().map(|t| t.model.as_str()).collect();
        assert_eq!(models, ["Pet", "Pet2"]);
    }

    const PETS: &str = r#"
[enums.kind]
values = ["CAT", "DOG"]
comment = "Kinds."
[tables.pets]
model = "Pet"
comment = "Pets."
[tables.pets.columns]
id = { type = "integer", identity = true, primary_key = true }
name = { type = "varchar(20)", default = "'x'::text", comment = "" }
kind = { type = "kind", default = "'CAT'" }
moods = { type = "kind[]", nullable = true }
born = { type = "timestamptz", default = "now()" }
[[tables.pets.indexes]]
columns = ["name"]
method = "hash"
where = "\"name\" <> 'x'"
[[tables.pets.checks]]
name = "pets_name"
expr = "length(\"name\") > 0"
"#;

    #[test]
    fn normalises_per_dialect() {
        let s = schema(PETS);
        let pg = normalize_for(Dialect::Postgres, &s);
        let t = &pg.tables[0];
        assert_eq!(t.column("name").and_then(|c| c.comment.clone()), None);
        assert_eq!(
            t.column("name").and_then(|c| c.default.as_deref()),
            Some("'x'")
        );
        assert_eq!(t.checks[0].expr, "length(name) > 0");
        assert_eq!(t.indexes[0].predicate.as_deref(), Some("name <> 'x'"));
        assert_eq!(t.indexes[0].method, IndexMethod::Hash);

        let lite = normalize_for(Dialect::Sqlite, &s);
        let t = &lite.tables[0];
        assert_eq!(lite.enums[0].comment, None);
        assert_eq!(t.comment, None);
        assert_eq!(t.indexes[0].method, IndexMethod::Btree);
        assert_eq!(
            t.column("born").and_then(|c| c.default.as_deref()),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            t.column("name").and_then(|c| c.default.as_deref()),
            Some("'x'")
        );
        assert_eq!(
            t.column("id").and_then(|c| c.identity),
            Some(Identity::ByDefault)
        );
        assert_eq!(t.checks[0].expr, "length(\"name\") > 0");
    }

    #[test]
    fn sqlite_keeps_only_enums_a_column_uses() {
        let s = schema(
            "[enums.mood]\nvalues = [\"a\"]\n[tables.t]\nmodel = \"T\"\ncolumns = { m = \"mood[]\" }\n",
        );
        let lite = normalize_for(Dialect::Sqlite, &s);
        assert!(lite.enums.is_empty());
        assert_eq!(
            lite.tables[0].columns[0].ty,
            ColumnType::Array(Box::new(ColumnType::Text))
        );
    }

    #[test]
    fn drift_lines_name_each_difference() {
        let a = schema(PETS);
        let mut b = a.clone();
        b.tables[0].columns[1].ty = ColumnType::Text;
        b.tables[0].indexes[0].columns = vec!["id".into()];
        let lines = drift(&b, &a, Dialect::Postgres);
        assert_eq!(
            lines,
            [
                "column `pets.name` has the type text, expected varchar(20)",
                "index `pets_name_idx` on `pets` is (id) USING hash WHERE name <> 'x', expected (name) USING hash WHERE name <> 'x'"
            ]
        );
        assert!(drift(&a, &a, Dialect::Sqlite).is_empty());
    }

    #[test]
    fn undeclared_objects_are_kept_unless_acknowledged() {
        let declared = schema(
            "drop_tables = [\"old\"]\n[enums.kind]\nvalues = [\"A\", \"C\"]\n[tables.pets]\nmodel = \"Pet\"\ncolumns = { id = \"integer\" }\n",
        );
        let live = schema(
            r#"
[enums.kind]
values = ["A", "B", "C"]
[tables.pets]
model = "Pet"
columns = { id = "integer", legacy = "text" }
indexes = [{ columns = ["legacy"] }]
[tables.old]
model = "Old"
columns = { id = "integer" }
[tables.other]
model = "Other"
columns = { id = "integer" }
"#,
        );
        let (target, found) = keep_undeclared(&live, &declared);
        let objects: Vec<(&str, bool)> = found
            .iter()
            .map(|u| (u.object.as_str(), u.dropped))
            .collect();
        assert_eq!(
            objects,
            [
                ("label `B` of enum `kind`", false),
                ("column `pets.legacy`", false),
                ("index `pets_legacy_idx` on `pets`", false),
                ("table `old`", true),
                ("table `other`", false),
            ]
        );
        assert_eq!(target.enums[0].values, ["A", "B", "C"]);
        let d = diff(&live, &target);
        assert_eq!(
            d.changes.iter().map(Change::slug).collect::<Vec<_>>(),
            ["drop_old"]
        );
    }
}
