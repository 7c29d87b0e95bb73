//! A partitioned table's partitions: those added are attached, those gone detached (and
//! dropped, unless the schema keeps the detached table as a table of its own).

use super::{Change, Differ, TableCx};
use crate::schema::{PartitionBound, Schema, Table};

impl Differ {
    pub(super) fn partitions(&mut self, cx: &TableCx<'_>, from: &Schema, to: &Schema) {
        let (Some(old), Some(new)) = (&cx.old.partitioning, &cx.new.partitioning) else {
            return;
        };
        let tname = cx.name();
        let has_default = old
            .partitions
            .iter()
            .any(|p| p.bound == PartitionBound::Default);
        for p in &old.partitions {
            if new.partition(&p.name).is_some_and(|n| n.bound == p.bound) {
                continue;
            }
            // Kept as a table of its own when the schema declares one of its name.
            let keep = to.table(&p.name).is_some();
            self.drop_constraints.push(Change::DetachPartition {
                table: tname.clone(),
                partition: p.clone(),
                has_default,
                keep,
            });
            if !keep {
                self.drop_tables
                    .push(Change::DropTable(partition_table(cx.old, &p.name)));
            }
        }
        for p in &new.partitions {
            if old.partition(&p.name).is_some_and(|o| o.bound == p.bound) {
                continue;
            }
            self.columns.push(Change::AttachPartition {
                table: tname.clone(),
                partition: p.clone(),
                existing: from.table(&p.name).is_some() && to.table(&p.name).is_none(),
            });
        }
    }
}

/// The table a partition of `parent` is once detached: the parent's columns, named `name`.
fn partition_table(parent: &Table, name: &str) -> Table {
    Table {
        model: parent.model.clone(),
        columns: parent.columns.clone(),
        checks: parent.checks.clone(),
        ..Table::new(name)
    }
}

/// The partitions of `from` that `to` detaches and declares as tables of their own: those
/// tables exist already, and are not created.
pub(in crate::diff) fn detached_and_kept<'a>(from: &'a Schema, to: &Schema) -> Vec<&'a str> {
    let mut out = Vec::new();
    for old in &from.tables {
        let Some(op) = &old.partitioning else {
            continue;
        };
        let new_parts = to.table(&old.name).and_then(|t| t.partitioning.as_ref());
        for p in &op.partitions {
            let still = new_parts.is_some_and(|n| n.partition(&p.name).is_some());
            if !still && to.table(&p.name).is_some() && to.table(&old.name).is_some() {
                out.push(p.name.as_str());
            }
        }
    }
    out
}

/// The plain tables of `from` that `to` declares as new partitions of a partitioned table that
/// exists in both: they are attached, not created, nor dropped.
pub(in crate::diff) fn attached_tables<'a>(from: &'a Schema, to: &Schema) -> Vec<&'a str> {
    let mut out = Vec::new();
    for new in &to.tables {
        let Some(np) = &new.partitioning else {
            continue;
        };
        let Some(old) = from.table(&new.name) else {
            continue;
        };
        let Some(op) = &old.partitioning else {
            continue;
        };
        for p in &np.partitions {
            if op.partition(&p.name).is_none()
                && to.table(&p.name).is_none()
                && let Some(t) = from.table(&p.name)
            {
                out.push(t.name.as_str());
            }
        }
    }
    out
}
