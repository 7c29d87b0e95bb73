//! Table definitions: columns (an enum's labels as a CHECK, an identity key as the rowid
//! alias), keys, foreign keys and checks inline, and `CREATE INDEX`.

use super::types::type_sql;
use super::values::{is_literal, strip_casts, value_sql};
use crate::schema::{Column, ColumnType, Schema, Table};
use crate::sql::{Statement, ident, idents, literal};

fn enum_check(c: &Column, schema: &Schema) -> Option<String> {
    let ColumnType::Enum(name) = &c.ty else {
        return None;
    };
    let e = schema.enum_type(name)?;
    let values = e
        .values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!("CHECK ({} IN ({values}))", ident(&c.name)))
}

/// Whether the column is an identity key, which SQLite makes its rowid alias.
pub(super) fn is_rowid_alias(c: &Column, table: &Table) -> bool {
    c.identity.is_some()
        && table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == c.name)
}

pub(super) fn column_def(c: &Column, table: &Table, schema: &Schema) -> String {
    // An identity key is SQLite's rowid alias, which must be declared exactly INTEGER.
    let rowid = is_rowid_alias(c, table);
    let ty = if rowid {
        "integer".to_string()
    } else {
        type_sql(&c.ty)
    };
    let mut s = format!("{} {ty}", ident(&c.name));
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(&value_sql(d, &c.ty));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({g}) STORED"));
    }
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", ident(coll)));
    }
    if let Some(check) = enum_check(c, schema) {
        s.push(' ');
        s.push_str(&check);
    }
    s
}

/// The body of `CREATE TABLE name (...)` for the declared table.
pub(super) fn table_body(t: &Table, schema: &Schema) -> String {
    let mut lines: Vec<String> = t.columns.iter().map(|c| column_def(c, t, schema)).collect();
    if let Some(pk) = &t.primary_key {
        lines.push(format!(
            "CONSTRAINT {} PRIMARY KEY ({})",
            ident(&pk.name),
            idents(&pk.columns)
        ));
    }
    for fk in &t.foreign_keys {
        let mut s = format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
            ident(&fk.name),
            idents(&fk.columns),
            ident(&fk.ref_table),
            idents(&fk.ref_columns)
        );
        if fk.on_delete != Default::default() {
            s.push_str(" ON DELETE ");
            s.push_str(fk.on_delete.sql());
        }
        if fk.on_update != Default::default() {
            s.push_str(" ON UPDATE ");
            s.push_str(fk.on_update.sql());
        }
        lines.push(s);
    }
    for ck in &t.checks {
        lines.push(format!(
            "CONSTRAINT {} CHECK ({})",
            ident(&ck.name),
            strip_casts(&ck.expr)
        ));
    }
    format!("(\n    {}\n)", lines.join(",\n    "))
}

pub(super) fn index_sql(table: &str, ix: &crate::schema::Index) -> String {
    let mut s = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if ix.unique { "UNIQUE " } else { "" },
        ident(&ix.name),
        ident(table),
        index_keys(ix)
    );
    // A predicate that is always true limits nothing; written out, it would make the index
    // partial, and SQLite lets no foreign key use a partial index.
    if let Some(p) = ix.partial_predicate() {
        s.push_str(" WHERE ");
        s.push_str(&strip_casts(p));
    }
    s
}

/// An index's keys: `"a", (lower("b")), "c" COLLATE "NOCASE" DESC`. What SQLite lacks (operator
/// classes, NULLS FIRST/LAST) is refused before rendering (`Sqlite::refuse`).
fn index_keys(ix: &crate::schema::Index) -> String {
    let keys: Vec<String> = ix
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let k = ix.key(i);
            let mut s = if k.expression {
                format!("({})", strip_casts(c))
            } else {
                ident(c)
            };
            if let Some(coll) = &k.collation {
                s.push_str(&format!(" COLLATE {}", ident(coll)));
            }
            if k.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect();
    keys.join(", ")
}

/// `CREATE TABLE` and its indexes.
pub fn create_table(t: &Table, schema: &Schema, out: &mut Vec<Statement>) {
    out.push(Statement::tx(format!(
        "CREATE TABLE {} {}",
        ident(&t.name),
        table_body(t, schema)
    )));
    for ix in &t.indexes {
        out.push(Statement::tx(index_sql(&t.name, ix)));
    }
}

/// Whether SQLite's `ADD COLUMN` can add this column as declared.
pub(super) fn native_add(c: &Column) -> bool {
    let literal_default = c
        .default
        .as_deref()
        .is_some_and(|d| is_literal(strip_casts(d).trim()));
    c.identity.is_none()
        && if c.nullable {
            c.default.is_none() || literal_default
        } else {
            literal_default
                && !c
                    .default
                    .as_deref()
                    .is_some_and(|d| d.trim().eq_ignore_ascii_case("null"))
        }
}
