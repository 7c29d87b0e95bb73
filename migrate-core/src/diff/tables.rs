//! New tables in dependency order, and the keys of existing tables that foreign keys use.

use std::collections::{BTreeSet, HashSet};

use super::{Change, Differ, TablePair};
use crate::schema::{ForeignKey, Index, Table};

impl Differ {
    /// New tables, referenced tables first; foreign keys that close a cycle or point at a table
    /// created later are added once every table exists.
    pub(super) fn create_tables(
        &mut self,
        created: &[&Table],
        kept_keys: &HashSet<(&str, BTreeSet<String>)>,
    ) {
        let names: BTreeSet<&str> = created.iter().map(|t| t.name.as_str()).collect();
        let mut done: HashSet<&str> = HashSet::new();
        let mut remaining: Vec<&Table> = created.to_vec();
        while !remaining.is_empty() {
            // The first table (in declaration order) whose new dependencies all exist.
            let pos = remaining
                .iter()
                .position(|t| {
                    t.foreign_keys.iter().all(|fk| {
                        fk.ref_table == t.name
                            || !names.contains(fk.ref_table.as_str())
                            || done.contains(fk.ref_table.as_str())
                    })
                })
                // A cycle: take the first table and defer its forward references.
                .unwrap_or(0);
            let t = remaining.remove(pos);
            let mut table = t.clone();
            // A reference to the table's own primary key is created with the table; one to its own
            // unique index waits for the index.
            let to_own_key =
                |fk: &ForeignKey| fk.ref_table == t.name && t.is_primary_key(&fk.ref_columns);
            // A reference to a key that an existing table gets in this migration waits for it.
            let to_kept_key = |fk: &ForeignKey| {
                let key = (
                    fk.ref_table.as_str(),
                    fk.ref_columns.iter().cloned().collect(),
                );
                kept_keys.contains(&key)
            };
            let (inline, deferred): (Vec<ForeignKey>, Vec<ForeignKey>) =
                t.foreign_keys.iter().cloned().partition(|fk| {
                    to_own_key(fk)
                        || done.contains(fk.ref_table.as_str())
                        || (!names.contains(fk.ref_table.as_str()) && to_kept_key(fk))
                });
            table.foreign_keys = inline;
            // Indexes are created after the table, so the statement stays one per index.
            let indexes = std::mem::take(&mut table.indexes);
            self.create_tables.push(Change::CreateTable(table));
            for index in indexes {
                self.create_tables.push(Change::CreateIndex {
                    table: t.name.clone(),
                    index,
                    existing_table: false,
                });
            }
            for fk in deferred {
                // The new key of an existing table may be built concurrently, after the
                // transaction: the foreign key then comes after it, as on an existing table.
                let existing_table = !names.contains(fk.ref_table.as_str());
                self.add_fks.push(Change::AddForeignKey {
                    table: t.name.clone(),
                    fk,
                    existing_table,
                });
            }
            done.insert(&t.name);
        }
    }
}

/// The keys of a table before the migration ([`Table::keys`]): their columns then, their columns
/// after (through renames), and whether the migration keeps them (a key whose columns change type
/// is rebuilt, and only after the change fits the new types).
pub(super) fn old_keys<'a>(p: &TablePair<'a>) -> Vec<(&'a [String], Vec<String>, bool)> {
    let (old, new) = (p.old, p.new);
    let renamed = |c: &String| {
        let to = new.column(c).or_else(|| {
            new.columns
                .iter()
                .find(|n| old.column(&n.name).is_none() && n.renamed_from.as_ref() == Some(c))
        });
        to.map_or_else(|| c.clone(), |n| n.name.clone())
    };
    let map = |cs: &[String]| cs.iter().map(renamed).collect::<Vec<_>>();
    let same_types = |before: &[String], after: &[String]| {
        before
            .iter()
            .zip(after)
            .all(|(b, a)| old.column(b).map(|c| &c.ty) == new.column(a).map(|c| &c.ty))
    };
    let mut keys = Vec::new();
    if let Some(pk) = &old.primary_key {
        let after = map(&pk.columns);
        let kept = new.primary_key.as_ref().is_some_and(|n| n.columns == after)
            && same_types(&pk.columns, &after);
        keys.push((pk.columns.as_slice(), after, kept));
    }
    for ix in old.indexes.iter().filter(|ix| ix.is_key()) {
        let mapped = Index {
            columns: map(&ix.columns),
            ..ix.clone()
        };
        // Kept under its name, or renamed: the same definition under a name that is new.
        let kept = new.indexes.iter().any(|n| {
            let renamed = old.indexes.iter().all(|o| o.name != n.name);
            (n.name == ix.name || renamed)
                && *n
                    == Index {
                        name: n.name.clone(),
                        ..mapped.clone()
                    }
        });
        let kept = kept && same_types(&ix.columns, &mapped.columns);
        keys.push((ix.columns.as_slice(), mapped.columns, kept));
    }
    keys
}
