//! The primary key: kept, renamed, or dropped and added.

use super::TableCx;
use crate::diff::{Change, Differ};
use crate::schema::PrimaryKey;

impl Differ {
    pub(super) fn primary_key(&mut self, cx: &TableCx<'_>) {
        let (old, new, tname) = (cx.old, cx.new, cx.name());
        let map_cols = |cs: &[String]| cx.map_cols(cs);
        // Primary key: same columns under another name is a rename.
        let old_pk = old.primary_key.as_ref().map(|pk| PrimaryKey {
            name: pk.name.clone(),
            columns: map_cols(&pk.columns),
        });
        match (&old_pk, &new.primary_key) {
            (Some(o), Some(n)) if o == n => {}
            (Some(o), Some(n)) if o.columns == n.columns => {
                for name in [&o.name, &n.name] {
                    self.renamed_keys.insert((tname.clone(), name.clone()));
                }
                self.renames.push(Change::RenameConstraint {
                    table: tname.clone(),
                    from: o.name.clone(),
                    to: n.name.clone(),
                })
            }
            _ => {
                if let Some(key) = &old.primary_key {
                    self.drop_constraints.push(Change::DropPrimaryKey {
                        table: tname.clone(),
                        key: key.clone(),
                    });
                }
                if let Some(key) = &new.primary_key {
                    self.add_constraints.push(Change::AddPrimaryKey {
                        table: tname.clone(),
                        key: key.clone(),
                    });
                }
            }
        }
    }
}
