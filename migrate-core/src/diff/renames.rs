//! Renames, ordered so that every name is free when it is taken.

use std::collections::HashSet;

use super::Change;
use crate::schema::Index;

/// The names a rename gives up and takes: relations (tables, indexes, and primary keys, which are
/// indexes too: those in `keys`) share one namespace, the constraints of a table and its columns
/// another each.
fn rename_names(c: &Change, keys: &HashSet<(String, String)>) -> (Vec<String>, Vec<String>) {
    match c {
        Change::RenameConstraint { table, from, to }
            if !keys.contains(&(table.clone(), to.clone())) =>
        {
            (
                vec![format!("c\0{table}\0{from}")],
                vec![format!("c\0{table}\0{to}")],
            )
        }
        Change::RenameTable { from, to } => (vec![format!("r\0{from}")], vec![format!("r\0{to}")]),
        Change::RenameIndex { from, to, .. } => (
            vec![format!("r\0{}", from.name)],
            vec![format!("r\0{}", to.name)],
        ),
        Change::RenameConstraint { table, from, to } => (
            vec![format!("r\0{from}"), format!("c\0{table}\0{from}")],
            vec![format!("r\0{to}"), format!("c\0{table}\0{to}")],
        ),
        Change::RenameColumn { table, from, to } => (
            vec![format!("k\0{table}\0{from}")],
            vec![format!("k\0{table}\0{to}")],
        ),
        _ => (Vec::new(), Vec::new()),
    }
}

/// Renames in an order in which every name is free when it is taken: a rename that takes a name
/// another one gives up goes after it, and the renames inside a renamed table that name it after
/// the table's. A cycle (two indexes that swap names) passes through a free name
/// ([`swap_name`]). Otherwise the order is kept.
pub(super) fn order_renames(
    mut pending: Vec<Change>,
    keys: &HashSet<(String, String)>,
) -> Vec<Change> {
    let waits_for = |x: &Change, y: &Change| {
        // `ALTER INDEX` names no table; the other renames inside a table name it.
        let names_table = !matches!(x, Change::RenameTable { .. } | Change::RenameIndex { .. });
        let table_first = matches!(y, Change::RenameTable { to, .. }
            if names_table && x.table() == Some(to.as_str()));
        let (_, takes) = rename_names(x, keys);
        let (gives, _) = rename_names(y, keys);
        table_first || takes.iter().any(|n| gives.contains(n))
    };
    let mut out = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let next = (0..pending.len()).find(|&i| {
            !pending
                .iter()
                .enumerate()
                .any(|(j, y)| j != i && waits_for(&pending[i], y))
        });
        match next {
            Some(i) => out.push(pending.remove(i)),
            None => {
                let first = pending.remove(0);
                // A rename already set aside goes on as it is, or this would never end.
                let aside = rename_names(&first, keys)
                    .0
                    .iter()
                    .any(|n| is_swap_name(n.rsplit('\0').next().unwrap_or(n)));
                match via_free_name(&first, out.len()).filter(|_| !aside) {
                    Some((aside, rest)) => {
                        out.push(aside);
                        pending.insert(0, rest);
                    }
                    None => out.push(first),
                }
            }
        }
    }
    out
}

/// The free name a rename of a cycle passes through.
pub(crate) fn swap_name(n: usize) -> String {
    format!("_migrate_swap_{n}")
}

/// Whether `name` is one of [`swap_name`]'s.
pub(crate) fn is_swap_name(name: &str) -> bool {
    name.strip_prefix("_migrate_swap_")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `from → to` as `from → swap` and then `swap → to`.
fn via_free_name(c: &Change, n: usize) -> Option<(Change, Change)> {
    let mid = swap_name(n);
    Some(match c.clone() {
        Change::RenameIndex { table, from, to } => {
            let aside = Index {
                name: mid,
                ..from.clone()
            };
            (
                Change::RenameIndex {
                    table: table.clone(),
                    from,
                    to: aside.clone(),
                },
                Change::RenameIndex {
                    table,
                    from: aside,
                    to,
                },
            )
        }
        Change::RenameConstraint { table, from, to } => (
            Change::RenameConstraint {
                table: table.clone(),
                from,
                to: mid.clone(),
            },
            Change::RenameConstraint {
                table,
                from: mid,
                to,
            },
        ),
        Change::RenameColumn { table, from, to } => (
            Change::RenameColumn {
                table: table.clone(),
                from,
                to: mid.clone(),
            },
            Change::RenameColumn {
                table,
                from: mid,
                to,
            },
        ),
        Change::RenameTable { from, to } => (
            Change::RenameTable {
                from,
                to: mid.clone(),
            },
            Change::RenameTable { from: mid, to },
        ),
        _ => return None,
    })
}
