//! The changes inside a table that exists before and after: columns, keys, indexes, checks,
//! foreign keys and its comment.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{Change, Differ, TablePair, unmatched};
use crate::schema::expr::column_references;
use crate::schema::{Check, Column, ForeignKey, Index, PrimaryKey};

impl Differ {
    pub(super) fn table(
        &mut self,
        p: &TablePair<'_>,
        renamed: &HashMap<&str, &str>,
        dropped_keys: &HashSet<(&str, BTreeSet<&str>)>,
    ) {
        let (old, new) = (p.old, p.new);
        let tname = &new.name;

        // Columns: match by name, or by `renamed_from`.
        let mut matched_old: HashSet<&str> = HashSet::new();
        let mut column_renames: HashMap<&str, &str> = HashMap::new();
        for col in &new.columns {
            let prev = old.column(&col.name).or_else(|| {
                col.renamed_from
                    .as_deref()
                    .filter(|r| new.column(r).is_none())
                    .and_then(|r| old.column(r))
            });
            match prev {
                None => self.columns.push(Change::AddColumn {
                    table: tname.clone(),
                    column: col.clone(),
                }),
                Some(prev) => {
                    matched_old.insert(&prev.name);
                    if prev.name != col.name {
                        column_renames.insert(&prev.name, &col.name);
                        self.renames.push(Change::RenameColumn {
                            table: tname.clone(),
                            from: prev.name.clone(),
                            to: col.name.clone(),
                        });
                    }
                    self.column(tname, prev, col);
                }
            }
        }
        for col in &old.columns {
            if !matched_old.contains(col.name.as_str()) {
                self.drops.push(Change::DropColumn {
                    table: tname.clone(),
                    column: col.clone(),
                });
            }
        }

        // Constraints compare after renames: old names mapped to new ones.
        let map_col = |c: &String| {
            column_renames
                .get(c.as_str())
                .map_or_else(|| c.clone(), |n| n.to_string())
        };
        let map_cols = |cs: &[String]| cs.iter().map(map_col).collect::<Vec<_>>();

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

        // Columns whose type changes, directly or by a rebuilt enum. PostgreSQL parses the checks
        // and predicates over them again for the new type, from its own rendering of them, where
        // a string is a literal of the old type and a cast that did nothing is gone
        // (`length(t::text)` becomes `length(t)`): those that have either are dropped before the
        // change and added again after.
        let rebuilt: HashSet<String> = self
            .enums
            .iter()
            .filter_map(|c| match c {
                Change::RebuildEnum { to, .. } => Some(to.name.clone()),
                _ => None,
            })
            .collect();
        let retyped: HashSet<&str> = new
            .columns
            .iter()
            .filter(|c| {
                old.column(&c.name)
                    .or_else(|| c.renamed_from.as_deref().and_then(|r| old.column(r)))
                    .is_some_and(|o| o.ty != c.ty)
                    || c.ty.enum_name().is_some_and(|e| rebuilt.contains(e))
            })
            .map(|c| c.name.as_str())
            .collect();
        let over_retyped = |expr: &str| {
            (expr.contains('\'') || expr.contains("::"))
                && column_references(expr)
                    .iter()
                    .any(|(c, _)| retyped.contains(c.as_str()))
        };

        // Indexes, by name; an unmatched old index with the same definition as an unmatched new
        // one is a rename.
        let old_ix: Vec<Index> = old
            .indexes
            .iter()
            .map(|ix| Index {
                columns: map_cols(&ix.columns),
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
        for ix in added {
            let same = |o: &&Index| {
                Index {
                    name: ix.name.clone(),
                    ..(*o).clone()
                } == *ix
                    && !ix.predicate.as_deref().is_some_and(over_retyped)
            };
            if let Some(pos) = gone.iter().position(same) {
                let o = gone.remove(pos);
                self.renames.push(Change::RenameIndex {
                    table: tname.clone(),
                    from: o.clone(),
                    to: ix.clone(),
                });
            } else {
                self.add_constraints.push(Change::CreateIndex {
                    table: tname.clone(),
                    index: ix.clone(),
                    existing_table: true,
                });
            }
        }
        for o in gone {
            let original = old.indexes.iter().find(|i| i.name == o.name).unwrap_or(o);
            self.drop_constraints.push(Change::DropIndex {
                table: tname.clone(),
                index: original.clone(),
            });
        }

        // Checks, by name, expressions compared as written; same expression renamed is a rename.
        let (gone, added) = unmatched(&old.checks, &new.checks, |c| &c.name);
        let mut gone: Vec<&Check> = gone;
        for ck in &new.checks {
            if over_retyped(&ck.expr) && !added.contains(&ck) {
                self.drop_constraints.push(Change::DropCheck {
                    table: tname.clone(),
                    check: ck.clone(),
                });
                self.add_constraints.push(Change::AddCheck {
                    table: tname.clone(),
                    check: ck.clone(),
                    existing_table: true,
                });
            }
        }
        for ck in added {
            let same = |o: &&Check| o.expr == ck.expr && !over_retyped(&ck.expr);
            if let Some(pos) = gone.iter().position(same) {
                let o = gone.remove(pos);
                self.renames.push(Change::RenameConstraint {
                    table: tname.clone(),
                    from: o.name.clone(),
                    to: ck.name.clone(),
                });
            } else {
                self.add_constraints.push(Change::AddCheck {
                    table: tname.clone(),
                    check: ck.clone(),
                    existing_table: true,
                });
            }
        }
        for o in gone {
            self.drop_constraints.push(Change::DropCheck {
                table: tname.clone(),
                check: o.clone(),
            });
        }

        // Foreign keys, by name; a target renamed is followed; a retyped column recreates it.
        let old_fks: Vec<ForeignKey> = old
            .foreign_keys
            .iter()
            // A foreign key that uses a dropped key goes, and comes back once the new key exists.
            .filter(|fk| {
                let key = fk.ref_columns.iter().map(String::as_str).collect();
                !dropped_keys.contains(&(fk.ref_table.as_str(), key))
            })
            .map(|fk| ForeignKey {
                columns: map_cols(&fk.columns),
                ref_table: renamed
                    .get(fk.ref_table.as_str())
                    .map_or_else(|| fk.ref_table.clone(), |n| n.to_string()),
                ..fk.clone()
            })
            // A foreign key on a retyped column is dropped and added again around the change.
            .filter(|fk| !fk.columns.iter().any(|c| retyped.contains(c.as_str())))
            .collect();
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

        if old.comment != new.comment {
            self.comments.push(Change::SetTableComment {
                table: tname.clone(),
                comment: new.comment.clone(),
            });
        }
    }

    /// Column changes, ordered so each statement is valid after the previous ones: identity goes
    /// before a type change and comes back after the default is gone and the column is NOT NULL.
    fn column(&mut self, table: &str, old: &Column, new: &Column) {
        let t = table.to_string();
        let c = new.name.clone();
        let identity = Change::SetIdentity {
            table: t.clone(),
            column: c.clone(),
            from: old.identity,
            to: new.identity,
        };
        let identity_changed = old.identity != new.identity;
        if identity_changed && new.identity.is_none() {
            self.columns.push(identity.clone());
        }
        if old.ty != new.ty {
            self.columns.push(Change::AlterColumnType {
                table: t.clone(),
                column: c.clone(),
                from: old.ty.clone(),
                to: new.ty.clone(),
            });
        }
        if old.default != new.default {
            self.columns.push(Change::SetDefault {
                table: t.clone(),
                column: c.clone(),
                from: old.default.clone(),
                to: new.default.clone(),
            });
        }
        match (old.nullable, new.nullable) {
            (false, true) => self.columns.push(Change::DropNotNull {
                table: t.clone(),
                column: c.clone(),
            }),
            (true, false) => self.columns.push(Change::SetNotNull {
                table: t.clone(),
                column: c.clone(),
                backfill: new.backfill.clone().or_else(|| new.default.clone()),
            }),
            _ => {}
        }
        if identity_changed && new.identity.is_some() {
            self.columns.push(identity);
        }
        if old.comment != new.comment {
            self.comments.push(Change::SetColumnComment {
                table: t,
                column: c,
                comment: new.comment.clone(),
            });
        }
    }
}
