//! Indexes: by name; an unmatched old index with the definition of an unmatched new one is a
//! rename.

use super::TableCx;
use crate::diff::{Change, Differ, unmatched};
use crate::schema::Index;

impl Differ {
    pub(super) fn indexes(&mut self, cx: &TableCx<'_>) {
        let (old, new, tname) = (cx.old, cx.new, cx.name());
        let map_cols = |cs: &[String]| cx.map_cols(cs);
        let over_retyped = |expr: &str| cx.over_retyped(expr);
        let old_ix: Vec<Index> = old
            .indexes
            .iter()
            .map(|ix| Index {
                columns: map_cols(&ix.columns),
                include: map_cols(&ix.include),
                ..ix.clone()
            })
            .collect();
        let (gone, added) = unmatched(&old_ix, &new.indexes, |i| &i.name);
        let mut gone: Vec<&Index> = gone;
        for ix in &new.indexes {
            if ix.predicate.as_deref().is_some_and(over_retyped)
                && let Some(o) = old.indexes.iter().find(|o| o.name == ix.name)
                && !added.contains(&ix)
            {
                self.drop_constraints.push(Change::DropIndex {
                    table: tname.clone(),
                    index: o.clone(),
                });
                self.add_constraints.push(Change::CreateIndex {
                    table: tname.clone(),
                    index: ix.clone(),
                    existing_table: true,
                });
            }
        }
        let mut pairs: Vec<(&Index, &Index)> = Vec::new();
        let mut creates: Vec<&Index> = Vec::new();
        for ix in added {
            let same = |o: &&Index| {
                Index {
                    name: ix.name.clone(),
                    ..(*o).clone()
                } == *ix
                    && !ix.predicate.as_deref().is_some_and(over_retyped)
            };
            match gone.iter().position(same) {
                Some(pos) => pairs.push((gone.remove(pos), ix)),
                None => creates.push(ix),
            }
        }
        // A rename into the name of an old index that is dropped (it was redefined), from an
        // index whose own name is declared again, reads to a dialect as two re-creations: the
        // drop would come after the rename has taken the name. Drop both and create the new one.
        let (pairs, unpaired): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(o, ix)| {
            !(gone.iter().any(|g| g.name == ix.name)
                && new.indexes.iter().any(|n| n.name == o.name))
        });
        for (o, ix) in unpaired {
            gone.push(o);
            creates.push(ix);
        }
        for (o, ix) in pairs {
            self.renames.push(Change::RenameIndex {
                table: tname.clone(),
                from: o.clone(),
                to: ix.clone(),
            });
        }
        for ix in creates {
            self.add_constraints.push(Change::CreateIndex {
                table: tname.clone(),
                index: ix.clone(),
                existing_table: true,
            });
        }
        for o in gone {
            let original = old.indexes.iter().find(|i| i.name == o.name).unwrap_or(o);
            self.drop_constraints.push(Change::DropIndex {
                table: tname.clone(),
                index: original.clone(),
            });
        }
    }
}
