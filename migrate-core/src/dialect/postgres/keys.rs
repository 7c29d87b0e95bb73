//! Primary keys, foreign keys and checks. On a table with rows, a foreign key or check is added
//! `NOT VALID` and validated in a second statement, after the transaction, so the table is not
//! scanned under a lock that blocks writes.

use super::columns::set_not_null_before;
use super::defs::{MAX_IDENT_BYTES, check_def, fk_def, pk_def};
use super::render::Cx;
use crate::schema::{Check, Column, ForeignKey, PrimaryKey};
use crate::sql::{ident, idents};

/// `Change::AddPrimaryKey`, on a table that exists before the migration (a new table has its key
/// in `CREATE TABLE`). When every key column exists before the transaction, the key's index is
/// built before it without blocking writes ([`add_primary_key_online`]); otherwise the key is
/// added in place ([`add_primary_key_in_place`]).
pub(super) fn add_primary_key(cx: &mut Cx<'_>, table: &str, key: &PrimaryKey) {
    match cx.old_table(table) {
        Some(old_table) if key_built_before(cx, table, key) => {
            add_primary_key_online(cx, table, key, &old_table.name)
        }
        _ => add_primary_key_in_place(cx, table, key),
    }
}

/// Whether every column of `key`, the declared key of the existing `table`, exists before the
/// transaction: an old column the migration does not retype, or a new one without identity
/// whose name the old table does not use, of a type that exists before the migration, which
/// [`columns::add`](super::columns::add) then adds before it ([`added_before`]).
fn key_built_before(cx: &Cx<'_>, table: &str, key: &PrimaryKey) -> bool {
    let Some(old_table) = cx.old_table(table) else {
        return false;
    };
    // A partitioned table's key is added in place: no index on one is built `CONCURRENTLY`.
    if super::partitions::is_partitioned(cx, table) {
        return false;
    }
    key.columns.iter().all(|c| {
        // A column the migration retypes is rewritten under the table's lock anyway, and its
        // old type may have no btree operator class (`json`): its key is added in place.
        cx.old_column(table, c).is_some_and(|o| !cx.retyped(table, &o.name))
            || cx.old_column(table, c).is_none() && cx.new_column(table, c).is_some_and(|col| {
                col.identity.is_none()
                    && old_table.column(c).is_none()
                    && cx.type_exists_before(&col.ty)
            })
    })
}

/// Whether the new `column` of `table` is added before the transaction, for the primary key
/// built there ([`key_built_before`]).
pub(super) fn added_before(cx: &Cx<'_>, table: &str, column: &Column) -> bool {
    let key = cx.to.table(table).and_then(|t| t.primary_key.as_ref());
    cx.old_column(table, &column.name).is_none()
        && key.is_some_and(|k| {
            k.columns.contains(&column.name) && key_built_before(cx, table, k)
        })
}

/// The key's unique index built `CONCURRENTLY` before the transaction, on the table and columns
/// as they are then (before the migration's renames), its columns made NOT NULL through a
/// validated CHECK; in the transaction, `PRIMARY KEY USING INDEX` takes it over (a brief lock,
/// no build, no scan), after the old key is dropped. The file before the transaction runs again
/// from the top after a failure: each step is dropped first if a failed run left it.
fn add_primary_key_online(cx: &mut Cx<'_>, table: &str, key: &PrimaryKey, old_table: &str) {
    let mut old_names = Vec::new();
    for column in &key.columns {
        let col = cx.new_column(table, column);
        let old = cx.old_column(table, column);
        old_names.push(old.map_or_else(|| column.clone(), |o| o.name.clone()));
        // An identity added by the migration is made NOT NULL where it is added; a new column
        // is added nullable.
        let becomes_identity = col.is_some_and(|c| c.identity.is_some())
            && old.is_some_and(|o| o.identity.is_none());
        if old.is_some_and(|o| !o.nullable) || becomes_identity {
            continue;
        }
        let backfill = col.and_then(|c| c.backfill.clone().or_else(|| c.default.clone()));
        set_not_null_before(cx, table, column, backfill.as_deref());
    }
    // Under the key's name, unless a relation has it before the migration (the old key, often):
    // then under a free one, which `USING INDEX` renames to the key's.
    let index = if cx.had_relation(&key.name) {
        free_name(cx, &key.name, "_new")
    } else {
        key.name.clone()
    };
    cx.before(format!(
        "DROP INDEX CONCURRENTLY IF EXISTS {}",
        ident(&index)
    ));
    cx.before(format!(
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {} ON {} ({})",
        ident(&index),
        ident(old_table),
        idents(&old_names)
    ));
    cx.tx(format!(
        "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY USING INDEX {}",
        ident(table),
        ident(&key.name),
        ident(&index)
    ));
}

/// `ADD PRIMARY KEY` in the transaction, after the backfill of the key columns that are new or
/// nullable until now (instead of a NOT NULL step of their own; an identity is filled when it is
/// added, and can be updated to nothing else).
fn add_primary_key_in_place(cx: &mut Cx<'_>, table: &str, key: &PrimaryKey) {
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
    // The table exists before the migration: building the key here locks it while the index
    // builds. Said in the file, with the reason the lock-free route was not taken.
    let retyped = key.columns.iter().any(|c| {
        cx.old_column(table, c)
            .is_some_and(|o| cx.retyped(table, &o.name))
    });
    let why = if retyped {
        "a key column is retyped in this transaction, which rewrites the table under its \
         exclusive lock already"
    } else {
        "a key column, its type or its identity is created in this transaction, so the key's \
         index cannot be built before it; the table is locked while the index builds"
    };
    let allow = if cx.old_table(table).is_some() {
        format!(
            "-- migrate:allow adding-serial-primary-key-field: {why}\n\
             -- migrate:allow constraint-missing-not-valid: {why}\n"
        )
    } else {
        String::new()
    };
    cx.tx(format!("{allow}ALTER TABLE {} ADD {}", ident(table), pk_def(key)));
}

/// `base` with `suffix` (and a number, if need be), within PostgreSQL's 63 bytes, naming no
/// relation of either schema.
fn free_name(cx: &Cx<'_>, base: &str, suffix: &str) -> String {
    (1..)
        .map(|n| {
            let suffix = if n == 1 {
                suffix.to_string()
            } else {
                format!("{suffix}{n}")
            };
            let mut cut = base.len().min(MAX_IDENT_BYTES - suffix.len());
            while !base.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}{suffix}", &base[..cut])
        })
        .find(|name| !cx.knows_relation(name))
        .unwrap_or_else(|| unreachable!("names are endless"))
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
    // PostgreSQL 15 adds no foreign key `NOT VALID` to a partitioned table: it is validated in
    // the transaction.
    let existing = existing && !super::partitions::is_partitioned(cx, table);
    add_constraint(cx, table, &fk.name, &fk_def(fk), existing, fk.not_valid);
}

/// `Change::DropForeignKey`.
pub(super) fn drop_foreign_key(cx: &mut Cx<'_>, table: &str, fk: &ForeignKey) {
    if filled_before(cx, table, fk) {
        // The primary key built before the transaction fills a column of this foreign key
        // there, which the old key could refuse: it is dropped first (again after a failed
        // run, which already did).
        let t = cx.name_before_renames(table);
        cx.before(format!(
            "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
            ident(t),
            ident(&fk.name)
        ));
    } else {
        drop_constraint(cx, table, &fk.name);
    }
}

/// Whether the dropped foreign key `fk` of `table` holds a nullable column that the table's new
/// primary key, built before the transaction ([`add_primary_key_online`]), fills there.
fn filled_before(cx: &Cx<'_>, table: &str, fk: &ForeignKey) -> bool {
    let Some(key) = cx.to.table(table).and_then(|t| t.primary_key.as_ref()) else {
        return false;
    };
    key_built_before(cx, table, key)
        && key.columns.iter().any(|k| {
            cx.old_column(table, k).is_some_and(|o| {
                o.nullable && fk.columns.contains(&o.name) && !cx.retyped(table, &o.name)
            })
        })
}

/// `Change::AddCheck`.
pub(super) fn add_check(cx: &mut Cx<'_>, table: &str, check: &Check, existing: bool) {
    add_constraint(cx, table, &check.name, &check_def(check), existing, check.not_valid);
}

/// `Change::ValidateConstraint`: the rows already there are checked, under a lock that lets
/// reads and writes go on.
pub(super) fn validate(cx: &mut Cx<'_>, table: &str, name: &str) {
    cx.online(format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
        ident(table),
        ident(name)
    ));
}

/// `Change::DropCheck`.
pub(super) fn drop_check(cx: &mut Cx<'_>, table: &str, check: &Check) {
    drop_constraint(cx, table, &check.name);
}

/// `ADD <def>`: in the transaction on a new table; on an existing one, dropped if a failed run
/// left it, added `NOT VALID` and validated, each committing on its own. A constraint declared
/// `validated = false` is added `NOT VALID` and left so.
fn add_constraint(
    cx: &mut Cx<'_>,
    table: &str,
    name: &str,
    def: &str,
    existing: bool,
    not_valid: bool,
) {
    let t = ident(table);
    if existing {
        cx.online(format!(
            "ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {}",
            ident(name)
        ));
        cx.online(format!("ALTER TABLE {t} ADD {def} NOT VALID"));
        if !not_valid {
            cx.online(format!(
                "ALTER TABLE {t} VALIDATE CONSTRAINT {}",
                ident(name)
            ));
        }
    } else if not_valid {
        cx.tx(format!("ALTER TABLE {t} ADD {def} NOT VALID"));
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
