//! Indexes. On a table with rows an index is built `CONCURRENTLY`, after the transaction, so
//! writes are not blocked while it builds.

use super::defs::{index_sql, unique_def};
use super::render::Cx;
use crate::schema::Index;
use crate::schema::expr::column_references;
use crate::sql::ident;

/// `Change::CreateIndex`. A UNIQUE constraint is added by `ALTER TABLE`; on a table with rows,
/// over its index built concurrently first (`UNIQUE USING INDEX`).
pub(super) fn create(cx: &mut Cx<'_>, table: &str, index: &Index, existing_table: bool) {
    if index.constraint && !existing_table {
        cx.tx(format!(
            "ALTER TABLE {} ADD {}",
            ident(table),
            unique_def(index, false)
        ));
        return;
    }
    let partitioned = cx.to.table(table).and_then(|t| t.partitioning.as_ref());
    if let (true, Some(p)) = (existing_table, partitioned) {
        super::partitions::create_index(cx, table, index, &p.partitions);
    } else if existing_table {
        // A concurrent build that fails leaves an invalid index behind: drop it first, so the
        // online file can be run again from the top (the drop of the old index of this name,
        // just before in the same file, does when there is one).
        if !replaces_dropped(cx, table, index) {
            cx.online(format!(
                "DROP INDEX CONCURRENTLY IF EXISTS {}",
                ident(&index.name)
            ));
        }
        cx.online(index_sql(table, index, true));
        if index.constraint {
            cx.online(format!(
                "ALTER TABLE {} ADD {}",
                ident(table),
                unique_def(index, true)
            ));
        }
    } else {
        cx.tx(index_sql(table, index, false));
    }
}

/// `Change::DropIndex`, of a table that exists before and after (a dropped table takes its
/// indexes along; a new one has none to drop). `DROP INDEX CONCURRENTLY` waits for the readers
/// of the table instead of queueing an ACCESS EXCLUSIVE lock behind them: in the online file
/// after the transaction, or before it when the transaction needs the index gone
/// ([`in_the_way`]). An index re-created under its name is dropped here first, then built again
/// by [`create`] in the same file.
pub(super) fn drop(cx: &mut Cx<'_>, table: &str, index: &Index) {
    if index.constraint {
        // A constraint's index goes with it, in the transaction (or before it, when in the way).
        let sql = format!(
            "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
            ident(table),
            ident(&index.name)
        );
        if in_the_way(cx, table, index) {
            cx.before(sql);
        } else {
            cx.tx(sql);
        }
        return;
    }
    let sql = format!("DROP INDEX CONCURRENTLY IF EXISTS {}", ident(&index.name));
    if in_the_way(cx, table, index) {
        cx.before(sql);
    } else {
        cx.online(sql);
    }
}

/// Whether `new` re-creates an old index of `table` under its name, which [`drop`] drops in the
/// online file just before: the old index of that name is dropped, not renamed to another.
fn replaces_dropped(cx: &Cx<'_>, table: &str, new: &Index) -> bool {
    let Some(old_table) = cx.old_table(table) else {
        return false;
    };
    let Some(old) = old_table.indexes.iter().find(|o| o.name == new.name) else {
        return false;
    };
    !maybe_renamed_from(cx, table, old) && !in_the_way(cx, table, old)
}

/// Whether the declared table has an index, under a name its old table did not have, that may
/// be `old` renamed (the same kind over as many columns): conservative, renames follow columns'.
fn maybe_renamed_from(cx: &Cx<'_>, table: &str, old: &Index) -> bool {
    let (Some(old_table), Some(new_table)) = (cx.old_table(table), cx.to.table(table)) else {
        return false;
    };
    new_table.indexes.iter().any(|n| {
        old_table.indexes.iter().all(|o| o.name != n.name) && same_kind(old, n)
    })
}

fn same_kind(a: &Index, b: &Index) -> bool {
    a.columns.len() == b.columns.len() && a.unique == b.unique && a.method == b.method
}

/// Whether the transaction needs the old index `old` of `table` gone before it runs: another
/// relation of the declared schema takes its name (a table, a primary key, an index renamed or
/// created in the transaction; not the index's own re-creation, built after the transaction),
/// or it covers a column whose type changes (`ALTER COLUMN ... TYPE` would rebuild it, and fails
/// to when its predicate names the old type).
fn in_the_way(cx: &Cx<'_>, table: &str, old: &Index) -> bool {
    let old_table = cx.old_table(table);
    // An index of the declared table under the same name is its re-creation, built after the
    // transaction, unless it may be another old index renamed to the name (in the transaction).
    let maybe_renamed = |new: &Index| {
        old_table.is_some_and(|ot| {
            ot.indexes.iter().any(|o| {
                o.name != new.name
                    && cx.to.table(table).is_none_or(|t| t.indexes.iter().all(|i| i.name != o.name))
                    && same_kind(o, new)
            })
        })
    };
    let taken = cx.to.tables.iter().any(|t| {
        t.name == old.name
            || t.primary_key.as_ref().is_some_and(|pk| pk.name == old.name)
            || t.indexes
                .iter()
                .any(|i| i.name == old.name && (t.name != table || maybe_renamed(i)))
    });
    let mut covered: Vec<String> = old.key_columns().cloned().collect();
    let exprs = old.predicate.iter().chain(
        old.columns
            .iter()
            .enumerate()
            .filter(|(i, _)| old.key(*i).expression)
            .map(|(_, e)| e),
    );
    for e in exprs {
        covered.extend(column_references(e).into_iter().map(|(c, _)| c));
    }
    taken || covered.iter().any(|c| cx.retyped(table, c))
}

/// `Change::RenameIndex`.
pub(super) fn rename(cx: &mut Cx<'_>, old: &Index, new: &Index) {
    cx.tx(format!(
        "ALTER INDEX {} RENAME TO {}",
        ident(&old.name),
        ident(&new.name)
    ));
}
