//! Foreign keys: by name; a target renamed is followed; a retyped column recreates it.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::TableCx;
use crate::diff::{Change, Differ, unmatched};
use crate::schema::ForeignKey;

impl Differ {
    pub(super) fn foreign_keys(
        &mut self,
        cx: &TableCx<'_>,
        renamed: &HashMap<&str, &str>,
        dropped_keys: &HashSet<(&str, BTreeSet<&str>)>,
    ) {
        let (old, new, tname) = (cx.old, cx.new, cx.name());
        let map_cols = |cs: &[String]| cx.map_cols(cs);
        let retyped = &cx.retyped;
        let mut old_fks: Vec<ForeignKey> = old
            .foreign_keys
            .iter()
            // A foreign key that uses a dropped key goes, and comes back once the new key exists.
            .filter(|fk| {
                let key = fk.ref_columns.iter().map(String::as_str).collect();
                !dropped_keys.contains(&(fk.ref_table.as_str(), key))
            })
            .map(|fk| ForeignKey {
                columns: map_cols(&fk.columns),
                on_delete_columns: map_cols(&fk.on_delete_columns),
                ref_table: renamed
                    .get(fk.ref_table.as_str())
                    .map_or_else(|| fk.ref_table.clone(), |n| n.to_string()),
                ..fk.clone()
            })
            // A foreign key on a retyped column is dropped and added again around the change.
            .filter(|fk| !fk.columns.iter().any(|c| retyped.contains(c.as_str())))
            .collect();
        // Only `NOT VALID` differs: validated when the declared one is, else left as it is.
        for o in &mut old_fks {
            if let Some(n) = new.foreign_keys.iter().find(|n| n.name == o.name)
                && n.not_valid != o.not_valid
                && *n
                    == (ForeignKey {
                        not_valid: n.not_valid,
                        ..o.clone()
                    })
            {
                if o.not_valid {
                    self.add_fks.push(Change::ValidateConstraint {
                        table: tname.clone(),
                        name: o.name.clone(),
                    });
                }
                o.not_valid = n.not_valid;
            }
        }
        let (gone, added) = unmatched(&old_fks, &new.foreign_keys, |f| &f.name);
        let mut gone: Vec<&ForeignKey> = gone;
        for fk in added {
            let same = |o: &&ForeignKey| {
                ForeignKey {
                    name: fk.name.clone(),
                    ..(*o).clone()
                } == *fk
            };
            if let Some(pos) = gone.iter().position(same) {
                let o = gone.remove(pos);
                self.renames.push(Change::RenameConstraint {
                    table: tname.clone(),
                    from: o.name.clone(),
                    to: fk.name.clone(),
                });
            } else {
                self.add_fks.push(Change::AddForeignKey {
                    table: tname.clone(),
                    fk: fk.clone(),
                    existing_table: true,
                });
            }
        }
        let kept: HashSet<&str> = old_fks.iter().map(|f| f.name.as_str()).collect();
        for fk in &old.foreign_keys {
            let dropped =
                gone.iter().any(|g| g.name == fk.name) || !kept.contains(fk.name.as_str());
            if dropped {
                self.drop_fks.push(Change::DropForeignKey {
                    table: tname.clone(),
                    fk: fk.clone(),
                });
            }
        }
    }
}
