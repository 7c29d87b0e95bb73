//! Domains and sequences: created when declared and missing, altered when they differ, never
//! dropped (what else uses them, a column of another schema, a default, is not the schema's to
//! know; a sequence's current value would be lost): drop one by hand.

use super::{Change, Differ};
use crate::schema::{Schema, Sequence};

impl Differ {
    pub(super) fn domains_and_sequences(&mut self, from: &Schema, to: &Schema) {
        for d in &to.domains {
            match from.domains.iter().find(|o| o.name == d.name) {
                None => self.enums.push(Change::CreateDomain(d.clone())),
                Some(o) if o != d => self.enums.push(Change::AlterDomain {
                    from: o.clone(),
                    to: d.clone(),
                }),
                Some(_) => {}
            }
        }
        for s in &to.sequences {
            match from.sequences.iter().find(|o| o.name == s.name) {
                None => {
                    let unowned = Sequence {
                        owned_by: None,
                        ..s.clone()
                    };
                    self.enums.push(Change::CreateSequence(unowned.clone()));
                    // Owned once its table exists.
                    if s.owned_by.is_some() {
                        self.add_fks.push(Change::AlterSequence {
                            from: unowned,
                            to: s.clone(),
                        });
                    }
                }
                Some(o) if o.owned_by != s.owned_by => self.add_fks.push(Change::AlterSequence {
                    from: o.clone(),
                    to: s.clone(),
                }),
                Some(o) if o != s => self.enums.push(Change::AlterSequence {
                    from: o.clone(),
                    to: s.clone(),
                }),
                Some(_) => {}
            }
        }
    }
}
