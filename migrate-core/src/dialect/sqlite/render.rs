//! A diff in SQLite, as a whole: SQLite's `ALTER TABLE` renames tables and columns and adds
//! simple columns; every other change to an existing table is folded into one rebuild of that
//! table ([`super::rebuild`]), whatever the number of changes.
//!
//! The statements come in this order: indexes in the way dropped, dropped tables, renames,
//! created tables (every foreign key inline), rebuilt tables, then added columns and indexes.
//! Migrations run with foreign-key enforcement off and a `foreign_key_check` before commit (the
//! runner does this), as SQLite's own procedure for schema changes requires.

use std::collections::{BTreeSet, HashSet};

use super::defs::{column_def, index_sql, native_add, table_body};
use super::objects::{around_rebuilds, create_trigger, create_view, drop_trigger, drop_view};
use super::rebuild::rebuild_table;
use crate::diff::{Change, Diff};
use crate::schema::{Schema, Table};
use crate::sql::{Rendered, Statement, ident};

/// What the whole diff decides before any statement is written.
pub(super) struct Plan<'d> {
    /// Tables the diff creates.
    created: HashSet<&'d str>,
    /// Tables the diff drops.
    dropped: HashSet<&'d str>,
    /// Existing tables rebuilt, by their declared name.
    pub(super) rebuild: BTreeSet<String>,
}

impl<'d> Plan<'d> {
    fn new(diff: &'d Diff, to: &Schema) -> Plan<'d> {
        let created: HashSet<&str> = diff
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::CreateTable(t) => Some(t.name.as_str()),
                _ => None,
            })
            .collect();
        let dropped: HashSet<&str> = diff
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::DropTable(t) => Some(t.name.as_str()),
                _ => None,
            })
            .collect();
        let rebuild = tables_to_rebuild(diff, to, &created, &dropped);
        Plan {
            created,
            dropped,
            rebuild,
        }
    }
}

/// Foreign keys dropped and added again unchanged (PostgreSQL rebuilds them around a new key):
/// nothing to do here.
fn readded_foreign_keys(diff: &Diff) -> HashSet<(&str, &str)> {
    diff.changes
        .iter()
        .filter_map(|c| match c {
            Change::AddForeignKey { table, fk, .. } => Some((table, fk)),
            _ => None,
        })
        .filter(|(table, fk)| {
            diff.changes.iter().any(|c| {
                matches!(c, Change::DropForeignKey { table: t, fk: f } if t == *table && f == *fk)
            })
        })
        .map(|(table, fk)| (table.as_str(), fk.name.as_str()))
        .collect()
}

/// Existing tables that need a rebuild, by their declared name: those with a change `ALTER
/// TABLE` cannot make, and those with a column of an enum whose labels change (its CHECK).
fn tables_to_rebuild(
    diff: &Diff,
    to: &Schema,
    created: &HashSet<&str>,
    dropped: &HashSet<&str>,
) -> BTreeSet<String> {
    let readded = readded_foreign_keys(diff);
    let mut rebuild: BTreeSet<String> = BTreeSet::new();
    let mut changed_enums: HashSet<&str> = HashSet::new();
    for change in &diff.changes {
        match change {
            Change::AddEnumValue { enum_name, .. } => {
                changed_enums.insert(enum_name);
            }
            Change::RebuildEnum { to: e, .. } => {
                changed_enums.insert(&e.name);
            }
            Change::AddColumn { table, column } if !native_add(column) => {
                rebuild.insert(table.clone());
            }
            Change::AddForeignKey { table, fk, .. } | Change::DropForeignKey { table, fk }
                if readded.contains(&(table.as_str(), fk.name.as_str())) => {}
            Change::AlterColumnType { table, .. }
            | Change::DropNotNull { table, .. }
            | Change::SetNotNull { table, .. }
            | Change::SetDefault { table, .. }
            | Change::SetIdentity { table, .. }
            | Change::SetCollation { table, .. }
            | Change::SetIdentityOptions { table, .. }
            | Change::AddPrimaryKey { table, .. }
            | Change::DropPrimaryKey { table, .. }
            | Change::RenameConstraint { table, .. }
            | Change::AddForeignKey { table, .. }
            | Change::DropForeignKey { table, .. }
            | Change::AddCheck { table, .. }
            | Change::DropCheck { table, .. }
            | Change::DropColumn { table, .. }
                if !created.contains(table.as_str()) && !dropped.contains(table.as_str()) =>
            {
                rebuild.insert(table.clone());
            }
            _ => {}
        }
    }
    for t in &to.tables {
        if !created.contains(t.name.as_str())
            && t.columns
                .iter()
                .any(|c| c.ty.enum_name().is_some_and(|e| changed_enums.contains(e)))
        {
            rebuild.insert(t.name.clone());
        }
    }
    rebuild
}

/// Indexes are dropped before anything is renamed or created, which may take their names.
/// Those of a table about to be rebuilt go with the table, unless a table or an index of another
/// table takes the name first: renamed and new tables, their indexes, and the indexes of the
/// other rebuilt tables.
fn indexes_in_the_way(diff: &Diff, from: &Schema, to: &Schema, plan: &Plan<'_>) -> Vec<Statement> {
    let mut taken: Vec<(Option<&str>, &str)> = Vec::new();
    for change in &diff.changes {
        match change {
            Change::RenameTable { to: new, .. } | Change::CreateTable(Table { name: new, .. }) => {
                taken.push((None, new));
            }
            Change::CreateIndex { table, index, .. } if plan.created.contains(table.as_str()) => {
                taken.push((None, &index.name));
            }
            _ => {}
        }
    }
    for name in &plan.rebuild {
        for ix in to.table(name).iter().flat_map(|t| &t.indexes) {
            taken.push((Some(name), &ix.name));
        }
    }
    let mut drop_indexes = Vec::new();
    for name in &plan.rebuild {
        let old = from.table(name).or_else(|| {
            to.table(name)
                .and_then(|t| t.renamed_from.as_deref())
                .and_then(|r| from.table(r))
        });
        for ix in old.iter().flat_map(|t| &t.indexes) {
            if taken
                .iter()
                .any(|(owner, n)| *n == ix.name && *owner != Some(name.as_str()))
            {
                drop_indexes.push(Statement::tx(format!("DROP INDEX {}", ident(&ix.name))));
            }
        }
    }
    drop_indexes
}

/// The statements of the changes `ALTER TABLE` (or `CREATE`/`DROP`) makes directly, in the
/// groups they run in.
#[derive(Default)]
pub(super) struct Groups {
    drop_indexes: Vec<Statement>,
    drops: Vec<Statement>,
    early: Vec<Statement>,
    creates: Vec<Statement>,
    late: Vec<Statement>,
    /// Views and triggers dropped, first; and created, last.
    pub(super) drop_objects: Vec<Statement>,
    pub(super) create_objects: Vec<Statement>,
}

/// Sorts each change that is not part of a rebuild into its group.
fn direct_changes(diff: &Diff, to: &Schema, plan: &Plan<'_>, g: &mut Groups) {
    for change in &diff.changes {
        match change {
            Change::RenameTable { from: old, to: new } => {
                g.early.push(Statement::tx(format!(
                    "ALTER TABLE {} RENAME TO {}",
                    ident(old),
                    ident(new)
                )));
            }
            Change::RenameColumn {
                table,
                from: old,
                to: new,
            } => g.early.push(Statement::tx(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                ident(table),
                ident(old),
                ident(new)
            ))),
            Change::DropIndex { table, index }
            | Change::RenameIndex {
                table, from: index, ..
            } if !plan.rebuild.contains(table) && !plan.dropped.contains(table.as_str()) => {
                // An index renamed through a free name (a swap) never exists under that name here:
                // its old name is dropped and its new one created.
                if !crate::diff::is_swap_name(&index.name) {
                    g.drop_indexes
                        .push(Statement::tx(format!("DROP INDEX {}", ident(&index.name))));
                }
                if let Change::RenameIndex { to: new, .. } = change
                    && !crate::diff::is_swap_name(&new.name)
                {
                    g.late.push(Statement::tx(index_sql(table, new)));
                }
            }
            Change::CreateTable(t) => {
                // Every foreign key inline: SQLite cannot add one later, and does not need the
                // referenced table to exist yet.
                let full = to.table(&t.name).unwrap_or(t);
                g.creates.push(Statement::tx(format!(
                    "CREATE TABLE {} {}",
                    ident(&full.name),
                    table_body(full, to)
                )));
            }
            Change::CreateIndex { table, index, .. } if plan.created.contains(table.as_str()) => {
                g.creates.push(Statement::tx(index_sql(table, index)));
            }
            Change::CreateIndex { table, index, .. } if !plan.rebuild.contains(table) => {
                g.late.push(Statement::tx(index_sql(table, index)));
            }
            Change::AddColumn { table, column } if !plan.rebuild.contains(table) => {
                let t = to.table(table);
                let def = match t {
                    Some(t) => column_def(column, t, to),
                    None => continue,
                };
                g.late.push(Statement::tx(format!(
                    "ALTER TABLE {} ADD COLUMN {def}",
                    ident(table)
                )));
            }
            Change::DropTable(t) => g
                .drops
                .push(Statement::tx(format!("DROP TABLE {}", ident(&t.name)))),
            Change::DropView(v) => g.drop_objects.push(Statement::tx(drop_view(v))),
            Change::DropTrigger(t) => g.drop_objects.push(Statement::tx(drop_trigger(t))),
            Change::CreateView(v) => g.create_objects.push(Statement::tx(create_view(v))),
            Change::CreateTrigger(t) => g.create_objects.push(Statement::tx(create_trigger(t))),
            _ => {}
        }
    }
}

/// Renders the diff for SQLite.
pub fn render(diff: &Diff, from: &Schema, to: &Schema) -> Rendered {
    let plan = Plan::new(diff, to);
    let mut g = Groups {
        drop_indexes: indexes_in_the_way(diff, from, to, &plan),
        ..Groups::default()
    };
    direct_changes(diff, to, &plan, &mut g);

    let mut rebuilds = Vec::new();
    for name in &plan.rebuild {
        if let Some(t) = to.table(name) {
            rebuild_table(t, from, to, &mut rebuilds);
        }
    }

    around_rebuilds(diff, from, to, &plan, &mut g);

    // Dropped tables go before renames and creations too, for the same reason.
    let statements = [
        g.drop_objects,
        g.drop_indexes,
        g.drops,
        g.early,
        g.creates,
        rebuilds,
        g.late,
        g.create_objects,
    ]
        .into_iter()
        .flatten()
        .collect();
    Rendered { statements }
}
