//! Columns: added, dropped, renamed, and changed in place.

use std::collections::{HashMap, HashSet};

use crate::diff::{Change, Differ};
use crate::schema::{Column, Table};

impl Differ {
    /// Columns: matched by name, or by `renamed_from`. Returns the renamed ones, old name to new.
    pub(super) fn columns<'a>(
        &mut self,
        old: &'a Table,
        new: &'a Table,
    ) -> HashMap<&'a str, &'a str> {
        let tname = &new.name;
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
        column_renames
    }

    /// Column changes, ordered so each statement is valid after the previous ones: identity goes
    /// before a type change and comes back after the default is gone and the column is NOT NULL.
    fn column(&mut self, table: &str, old: &Column, new: &Column) {
        // A generated column's expression cannot be changed in place: the column is dropped and
        // added again (it holds nothing but what its expression computes).
        if old.generated != new.generated {
            self.drops.push(Change::DropColumn {
                table: table.to_string(),
                column: old.clone(),
            });
            self.columns.push(Change::AddColumn {
                table: table.to_string(),
                column: new.clone(),
            });
            return;
        }
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
        if old.collation != new.collation && old.ty == new.ty {
            self.columns.push(Change::SetCollation {
                table: t.clone(),
                column: c.clone(),
                ty: new.ty.clone(),
                from: old.collation.clone(),
                to: new.collation.clone(),
            });
        }
        // A new identity is made with its options; a dropped one takes them along.
        if old.identity.is_some()
            && new.identity.is_some()
            && old.identity_options != new.identity_options
        {
            self.columns.push(Change::SetIdentityOptions {
                table: t.clone(),
                column: c.clone(),
                from: old.identity_options.clone(),
                to: new.identity_options.clone(),
            });
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
