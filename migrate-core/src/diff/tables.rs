//! New tables in dependency order, and the keys of existing tables that foreign keys use.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};

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
        // Kahn's algorithm, in declaration order: each step takes the first table (by position
        // in `created`) whose new dependencies all exist, or, when none does (a cycle), the first
        // table not yet taken, whose forward references are then deferred. Linear (with a heap,
        // n log n) in the tables and their foreign keys.
        let index: HashMap<&str, usize> = created
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        // For each table, the number of its foreign keys to other new tables not yet created,
        // and for each table, the tables whose foreign keys reference it (once per key).
        let mut waiting: Vec<usize> = vec![0; created.len()];
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); created.len()];
        for (i, t) in created.iter().enumerate() {
            for fk in &t.foreign_keys {
                crate::ops::count();
                if fk.ref_table == t.name {
                    continue;
                }
                if let Some(&parent) = index.get(fk.ref_table.as_str()) {
                    waiting[i] += 1;
                    dependents[parent].push(i);
                }
            }
        }
        let mut ready: BinaryHeap<Reverse<usize>> = (0..created.len())
            .filter(|&i| waiting[i] == 0)
            .map(Reverse)
            .collect();
        let mut taken = vec![false; created.len()];
        let mut first_untaken = 0;
        for _ in 0..created.len() {
            crate::ops::count();
            let pos = loop {
                match ready.pop() {
                    Some(Reverse(i)) if taken[i] => continue,
                    Some(Reverse(i)) => break i,
                    None => {
                        // A cycle: take the first table and defer its forward references.
                        while taken[first_untaken] {
                            crate::ops::count();
                            first_untaken += 1;
                        }
                        break first_untaken;
                    }
                }
            };
            taken[pos] = true;
            for &child in &dependents[pos] {
                crate::ops::count();
                waiting[child] -= 1;
                if waiting[child] == 0 && !taken[child] {
                    ready.push(Reverse(child));
                }
            }
            let t = created[pos];
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

#[cfg(test)]
mod tests {
    use crate::diff::{Change, diff};
    use crate::schema::{Schema, load_str};

    /// `n` new tables, each declared before the table it references: the worst order for
    /// picking the next table by a scan of those left.
    fn chain(n: usize) -> Schema {
        let mut toml = String::new();
        for i in 0..n {
            let fk = if i + 1 < n {
                format!(
                    ", next_id = {{ type = \"bigint\", references = \"t{:05}.id\" }}",
                    i + 1
                )
            } else {
                String::new()
            };
            toml.push_str(&format!(
                "[tables.t{i:05}]\nmodel = \"T{i:05}\"\n\
                 columns = {{ id = {{ type = \"bigint\", primary_key = true }}{fk} }}\n"
            ));
        }
        load_str("scale.toml", &toml).expect("a valid schema")
    }

    /// Scale regression: ten times the tables may take at most twenty times the steps (a scan
    /// of the remaining tables per table takes about a hundred times).
    #[test]
    fn ordering_new_tables_is_linear_in_the_tables() {
        let steps = |n: usize| {
            let schema = chain(n);
            let (d, ops) = crate::ops::counted(|| diff(&Schema::default(), &schema));
            let created: Vec<&str> = d
                .changes
                .iter()
                .filter_map(|c| match c {
                    Change::CreateTable(t) => Some(t.name.as_str()),
                    _ => None,
                })
                .collect();
            // Referenced tables first: the last declared is created first.
            let expected: Vec<String> = (0..n).rev().map(|i| format!("t{i:05}")).collect();
            assert_eq!(created, expected);
            ops
        };
        let (small, large) = (steps(500), steps(5_000));
        assert!(
            large <= 20 * small,
            "500 tables: {small} steps; 5,000 tables: {large} steps"
        );
    }

    /// Cycles still take the first table declared, and defer its forward references.
    #[test]
    fn a_cycle_starts_at_the_first_table_declared() {
        let schema = load_str(
            "cycle.toml",
            "[tables.b]\nmodel = \"B\"\ncolumns = { id = { type = \"bigint\", primary_key = true }, \
             a_id = { type = \"bigint\", nullable = true, references = \"a.id\" } }\n\
             [tables.a]\nmodel = \"A\"\ncolumns = { id = { type = \"bigint\", primary_key = true }, \
             b_id = { type = \"bigint\", nullable = true, references = \"b.id\" } }\n\
             [tables.c]\nmodel = \"C\"\ncolumns = { id = { type = \"bigint\", primary_key = true }, \
             a_id = { type = \"bigint\", references = \"a.id\" } }\n",
        )
        .expect("a valid schema");
        let d = diff(&Schema::default(), &schema);
        let order: Vec<(&str, usize)> = d
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::CreateTable(t) => Some((t.name.as_str(), t.foreign_keys.len())),
                _ => None,
            })
            .collect();
        // `b` first, its key to `a` added later; then `a` (its key to `b` inline), then `c`.
        assert_eq!(order, [("b", 0), ("a", 1), ("c", 1)]);
        let deferred = d
            .changes
            .iter()
            .filter(|c| matches!(c, Change::AddForeignKey { table, .. } if table == "b"))
            .count();
        assert_eq!(deferred, 1);
    }
}
