//! Checks: by name, expressions compared as written; the same expression renamed is a rename.

use super::TableCx;
use crate::diff::{Change, Differ, unmatched};
use crate::schema::Check;

impl Differ {
    pub(super) fn checks(&mut self, cx: &TableCx<'_>) {
        let (old, new, tname) = (cx.old, cx.new, cx.name());
        let over_retyped = |expr: &str| cx.over_retyped(expr);
        // Only `NOT VALID` differs: validated when the declared one is, else left as it is.
        let mut old_checks = old.checks.clone();
        for o in &mut old_checks {
            if let Some(n) = new.checks.iter().find(|n| n.name == o.name)
                && n.not_valid != o.not_valid
                && n.expr == o.expr
                && !over_retyped(&n.expr)
            {
                if o.not_valid {
                    self.add_constraints.push(Change::ValidateConstraint {
                        table: tname.clone(),
                        name: o.name.clone(),
                    });
                }
                o.not_valid = n.not_valid;
            }
        }
        let (gone, added) = unmatched(&old_checks, &new.checks, |c| &c.name);
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
            let same = |o: &&Check| {
                o.expr == ck.expr && o.not_valid == ck.not_valid && !over_retyped(&ck.expr)
            };
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
    }
}
