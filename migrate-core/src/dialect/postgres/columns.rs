//! Columns: add, drop, rename, change type, nullability, default, identity, comment.
//!
//! A column becomes NOT NULL through a validated CHECK ([`set_not_null_online`]), so `SET NOT
//! NULL` does not scan the table under an exclusive lock.

use super::defs::{column_def, comment_value, not_null_check_name};
use super::quote::literal;
use super::render::Cx;
use super::types::{has_direct_cast, type_sql};
use crate::schema::{Column, ColumnType, Identity};
use crate::sql::ident;

/// `Change::AddColumn`. A NOT NULL column with a backfill and no default is added nullable,
/// filled, then made NOT NULL without a long lock.
pub(super) fn add(cx: &mut Cx<'_>, table: &str, column: &Column) {
    let t = ident(table);
    let needs_backfill = !column.nullable && column.default.is_none() && column.identity.is_none();
    match (&column.backfill, needs_backfill) {
        (Some(b), true) => {
            let nullable = Column {
                nullable: true,
                ..column.clone()
            };
            cx.tx(format!("ALTER TABLE {t} ADD COLUMN {}", column_def(&nullable)));
            if !cx.in_primary_key(table, &column.name) {
                set_not_null_online(cx, table, &column.name, Some(b));
            }
        }
        _ => cx.tx(format!("ALTER TABLE {t} ADD COLUMN {}", column_def(column))),
    }
    if column.comment.is_some() {
        cx.tx(format!(
            "COMMENT ON COLUMN {t}.{} IS {}",
            ident(&column.name),
            comment_value(&column.comment)
        ));
    }
}

/// `Change::DropColumn`.
pub(super) fn drop(cx: &mut Cx<'_>, table: &str, column: &Column) {
    cx.tx(format!(
        "ALTER TABLE {} DROP COLUMN {}",
        ident(table),
        ident(&column.name)
    ));
}

/// `Change::RenameColumn`.
pub(super) fn rename(cx: &mut Cx<'_>, table: &str, old: &str, new: &str) {
    cx.tx(format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        ident(table),
        ident(old),
        ident(new)
    ));
}

/// `Change::AlterColumnType`: a direct cast where PostgreSQL has one, through text otherwise;
/// the default is dropped around the change and set again.
pub(super) fn alter_type(
    cx: &mut Cx<'_>,
    table: &str,
    column: &str,
    old_ty: &ColumnType,
    new_ty: &ColumnType,
) {
    let (t, c) = (ident(table), ident(column));
    let old_default = cx
        .old_column(table, column)
        .and_then(|fc| fc.default.clone());
    let new_default = cx
        .new_column(table, column)
        .and_then(|tc| tc.default.clone());
    if old_default.is_some() {
        cx.tx(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"));
    }
    let using = if has_direct_cast(old_ty, new_ty) {
        format!("{c}::{}", type_sql(new_ty))
    } else {
        // Every type has a text form and reads one back.
        format!("{c}::text::{}", type_sql(new_ty))
    };
    cx.tx(format!(
        "ALTER TABLE {t} ALTER COLUMN {c} TYPE {} USING {using}",
        type_sql(new_ty)
    ));
    if let Some(d) = new_default.filter(|_| old_default.is_some()) {
        cx.tx(format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {d}"));
    }
}

/// `Change::DropNotNull`.
pub(super) fn drop_not_null(cx: &mut Cx<'_>, table: &str, column: &str) {
    cx.tx(format!(
        "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
        ident(table),
        ident(column)
    ));
}

/// `Change::SetNotNull`. A column that becomes an identity is filled and made NOT NULL with
/// it, and so is one that joins the primary key (nullable until now, it was not in the old one).
pub(super) fn set_not_null(cx: &mut Cx<'_>, table: &str, column: &str, backfill: Option<&str>) {
    let becomes_identity = cx
        .new_column(table, column)
        .is_some_and(|c| c.identity.is_some())
        && cx
            .old_column(table, column)
            .is_some_and(|oc| oc.identity.is_none());
    if !becomes_identity && !cx.in_primary_key(table, column) {
        set_not_null_online(cx, table, column, backfill);
    }
}

/// NOT NULL without a long lock, after the transaction: backfill, a CHECK added `NOT VALID` and
/// validated, `SET NOT NULL` (which uses the check), and the check dropped.
fn set_not_null_online(cx: &mut Cx<'_>, table: &str, column: &str, backfill: Option<&str>) {
    let (t, c) = (ident(table), ident(column));
    if let Some(b) = backfill {
        cx.online(format!("UPDATE {t} SET {c} = {b} WHERE {c} IS NULL"));
    }
    let check = ident(&not_null_check_name(table, column));
    // The online file runs statement by statement: dropping first makes it re-runnable from the
    // top after a failure part-way (e.g. a row that fails the check).
    cx.online(format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {check}"));
    cx.online(format!(
        "ALTER TABLE {t} ADD CONSTRAINT {check} CHECK ({c} IS NOT NULL) NOT VALID"
    ));
    cx.online(format!("ALTER TABLE {t} VALIDATE CONSTRAINT {check}"));
    cx.online(format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"));
    cx.online(format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {check}"));
}

/// `Change::SetDefault`.
pub(super) fn set_default(cx: &mut Cx<'_>, table: &str, column: &str, new: Option<&str>) {
    let (t, c) = (ident(table), ident(column));
    cx.tx(match new {
        Some(d) => format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {d}"),
        None => format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"),
    });
}

/// `Change::SetIdentity`: add, change or drop `GENERATED … AS IDENTITY`.
pub(super) fn set_identity(
    cx: &mut Cx<'_>,
    table: &str,
    column: &str,
    old: Option<Identity>,
    new: Option<Identity>,
) {
    let (t, c) = (ident(table), ident(column));
    let kind = |id: Identity| match id {
        Identity::Always => "ALWAYS",
        Identity::ByDefault => "BY DEFAULT",
    };
    let sql = match (old, new) {
        (_, None) => format!("ALTER TABLE {t} ALTER COLUMN {c} DROP IDENTITY IF EXISTS"),
        (None, Some(n)) => {
            // Identity needs NOT NULL first, so existing NULLs get the backfill here (an ALWAYS
            // identity refuses the later UPDATE), and the NOT NULL step is left out.
            if cx.old_column(table, column).is_some_and(|oc| oc.nullable) {
                let backfill = cx
                    .new_column(table, column)
                    .and_then(|c| c.backfill.as_deref());
                if let Some(b) = backfill {
                    cx.tx(format!("UPDATE {t} SET {c} = {b} WHERE {c} IS NULL"));
                }
                cx.tx(format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"));
            }
            format!(
                "ALTER TABLE {t} ALTER COLUMN {c} ADD GENERATED {} AS IDENTITY",
                kind(n)
            )
        }
        (Some(_), Some(n)) => format!("ALTER TABLE {t} ALTER COLUMN {c} SET GENERATED {}", kind(n)),
    };
    cx.tx(sql);
    // A new identity's sequence starts at 1: past the values the column already holds.
    if old.is_none() && new.is_some() {
        cx.tx(format!(
            "SELECT setval(pg_get_serial_sequence({}, {}), GREATEST(MAX({c}), 1), \
             MAX({c}) IS NOT NULL) FROM {t}",
            literal(&t),
            literal(column)
        ));
    }
}

/// `Change::SetColumnComment`.
pub(super) fn set_comment(cx: &mut Cx<'_>, table: &str, column: &str, comment: &Option<String>) {
    cx.tx(format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        ident(table),
        ident(column),
        comment_value(comment)
    ));
}
