//! The table rebuild: SQLite's `ALTER TABLE` cannot change a column's type, nullability or
//! default, a key, a foreign key or a check, nor drop a constrained column, so the table is
//! created anew under a temporary name, the rows copied, the old table dropped and the new one
//! renamed, its indexes created again. Rows in untouched columns survive.

use super::defs::{index_sql, is_rowid_alias, table_body};
use super::types::{affinity, type_sql};
use super::values::value_sql;
use crate::schema::{Schema, Table};
use crate::sql::{Statement, ident};

/// Rebuilds an existing table into its declared definition, keeping its rows. Renames of the
/// table and its columns have already run, so the old table and columns go by their new names.
pub(super) fn rebuild_table(t: &Table, from: &Schema, to: &Schema, out: &mut Vec<Statement>) {
    let old = from
        .table(&t.name)
        .or_else(|| t.renamed_from.as_deref().and_then(|r| from.table(r)));
    let Some(old) = old else { return };
    let tmp = format!("_migrate_new_{}", t.name);
    out.push(Statement::tx(format!(
        "CREATE TABLE {} {}",
        ident(&tmp),
        table_body(t, to)
    )));

    let mut cols = Vec::new();
    let mut exprs = Vec::new();
    for c in &t.columns {
        let prev = old
            .column(&c.name)
            .or_else(|| c.renamed_from.as_deref().and_then(|r| old.column(r)));
        let backfill = c
            .backfill
            .as_deref()
            .or(c.default.as_deref())
            .map(|e| value_sql(e, &c.ty));
        let expr = match prev {
            Some(p) => {
                let mut e = ident(&c.name);
                let (a, b) = (affinity(&type_sql(&p.ty)), affinity(&type_sql(&c.ty)));
                // Casting to NUMERIC would turn text such as an enum label into 0.
                if p.ty != c.ty && a != b && matches!(b, "INTEGER" | "REAL" | "TEXT") {
                    e = format!("CAST({e} AS {b})");
                }
                if p.nullable
                    && !c.nullable
                    && let Some(b) = &backfill
                {
                    e = format!("COALESCE({e}, {b})");
                }
                e
            }
            None => match (&c.backfill, c.nullable) {
                (Some(b), _) => value_sql(b, &c.ty),
                // SQLite generates only its rowid alias: a new identity elsewhere numbers the
                // rows as the rowid does.
                _ if c.identity.is_some() && !is_rowid_alias(c, t) => "rowid".into(),
                _ => continue,
            },
        };
        cols.push(ident(&c.name));
        exprs.push(expr);
    }
    // Every column is new and takes its default: copy one anyway, so every row is kept.
    if cols.is_empty()
        && let Some(c) = t.columns.first()
    {
        cols.push(ident(&c.name));
        exprs.push(
            c.default
                .as_deref()
                .map_or_else(|| "NULL".into(), |d| value_sql(d, &c.ty)),
        );
    }
    out.push(Statement::tx(format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        ident(&tmp),
        cols.join(", "),
        exprs.join(", "),
        ident(&t.name)
    )));
    out.push(Statement::tx(format!("DROP TABLE {}", ident(&t.name))));
    out.push(Statement::tx(format!(
        "ALTER TABLE {} RENAME TO {}",
        ident(&tmp),
        ident(&t.name)
    )));
    for ix in &t.indexes {
        out.push(Statement::tx(index_sql(&t.name, ix)));
    }
}
