//! Primary keys, foreign keys and checks. On a table with rows, a foreign key or check is added
//! `NOT VALID` and validated in a second statement, after the transaction, so the table is not
//! scanned under a lock that blocks writes.

use super::defs::{check_def, fk_def, pk_def};
use super::render::Cx;
use crate::schema::{Check, ForeignKey, PrimaryKey};
use crate::sql::ident;

/// `Change::AddPrimaryKey`. The key makes its columns NOT NULL at once: those new or nullable
/// until now get their backfill here, before it, instead of a NOT NULL step of their own. (An
/// identity is filled when it is added, and can be updated to nothing else.)
pub(super) fn add_primary_key(cx: &mut Cx<'_>, table: &str, key: &PrimaryKey) {
    for column in &key.columns {
        let Some(col) = cx.new_column(table, column) else {
            continue;
        };
        let backfill = col.backfill.as_ref().or(col.default.as_ref());
        let was_null = match cx.old_column(table, column) {
            Some(oc) => oc.nullable,
            None => col.default.is_none(),
        };
        if let Some(b) = backfill.filter(|_| was_null && col.identity.is_none()) {
            let c = ident(column);
            cx.tx(format!(
                "UPDATE {} SET {c} = {b} WHERE {c} IS NULL",
                ident(table)
            ));
        }
    }
    cx.tx(format!("ALTER TABLE {} ADD {}", ident(table), pk_def(key)));
}

/// `Change::DropPrimaryKey`, on the table's name before the migration's renames.
pub(super) fn drop_primary_key(cx: &mut Cx<'_>, table: &str, key: &PrimaryKey) {
    drop_constraint(cx, table, &key.name);
}

/// `Change::RenameConstraint`.
pub(super) fn rename_constraint(cx: &mut Cx<'_>, table: &str, old: &str, new: &str) {
    cx.tx(format!(
        "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
        ident(table),
        ident(old),
        ident(new)
    ));
}

/// `Change::AddForeignKey`.
pub(super) fn add_foreign_key(cx: &mut Cx<'_>, table: &str, fk: &ForeignKey, existing: bool) {
    add_constraint(cx, table, &fk.name, &fk_def(fk), existing);
}

/// `Change::DropForeignKey`.
pub(super) fn drop_foreign_key(cx: &mut Cx<'_>, table: &str, fk: &ForeignKey) {
    drop_constraint(cx, table, &fk.name);
}

/// `Change::AddCheck`.
pub(super) fn add_check(cx: &mut Cx<'_>, table: &str, check: &Check, existing: bool) {
    add_constraint(cx, table, &check.name, &check_def(check), existing);
}

/// `Change::DropCheck`.
pub(super) fn drop_check(cx: &mut Cx<'_>, table: &str, check: &Check) {
    drop_constraint(cx, table, &check.name);
}

/// `ADD <def>`: in the transaction on a new table; on an existing one, dropped if a failed run
/// left it, added `NOT VALID` and validated, each committing on its own.
fn add_constraint(cx: &mut Cx<'_>, table: &str, name: &str, def: &str, existing: bool) {
    let t = ident(table);
    if existing {
        cx.online(format!(
            "ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {}",
            ident(name)
        ));
        cx.online(format!("ALTER TABLE {t} ADD {def} NOT VALID"));
        cx.online(format!(
            "ALTER TABLE {t} VALIDATE CONSTRAINT {}",
            ident(name)
        ));
    } else {
        cx.tx(format!("ALTER TABLE {t} ADD {def}"));
    }
}

/// `DROP CONSTRAINT`, on the table's name before the migration's renames (which run after).
fn drop_constraint(cx: &mut Cx<'_>, table: &str, name: &str) {
    let table = cx.name_before_renames(table);
    cx.tx(format!(
        "ALTER TABLE {} DROP CONSTRAINT {}",
        ident(table),
        ident(name)
    ));
}
