//! Enums: created, dropped, given labels, or rebuilt.

use super::{Change, Differ};
use crate::dialect::Dialect;
use crate::schema::Schema;

impl Differ {
    pub(super) fn enums(&mut self, from: &Schema, to: &Schema) {
        for new in &to.enums {
            match from.enum_type(&new.name) {
                None => self.enums.push(Change::CreateEnum(new.clone())),
                Some(old) => {
                    if old.values != new.values {
                        let only_added = old.values.iter().all(|v| new.values.contains(v)) && {
                            // Surviving labels keep their relative order.
                            let kept: Vec<&String> = new
                                .values
                                .iter()
                                .filter(|v| old.values.contains(v))
                                .collect();
                            kept.iter().zip(&old.values).all(|(a, b)| *a == b)
                        };
                        if only_added {
                            for (i, v) in new.values.iter().enumerate() {
                                if !old.values.contains(v) {
                                    let before = new.values[i + 1..]
                                        .iter()
                                        .find(|n| old.values.contains(n))
                                        .cloned();
                                    self.enums.push(Change::AddEnumValue {
                                        enum_name: new.name.clone(),
                                        value: v.clone(),
                                        before,
                                    });
                                }
                            }
                        } else {
                            // Columns that exist before the migration and already use the enum;
                            // new columns and retyped ones get the new type from their own change.
                            let columns = to
                                .tables
                                .iter()
                                .flat_map(|t| {
                                    let old_t = from.table(&t.name).or_else(|| {
                                        t.renamed_from.as_deref().and_then(|r| from.table(r))
                                    });
                                    t.columns
                                        .iter()
                                        .filter(move |c| {
                                            c.ty.enum_name() == Some(new.name.as_str())
                                                && old_t
                                                    .and_then(|ot| {
                                                        ot.column(&c.name).or_else(|| {
                                                            c.renamed_from
                                                                .as_deref()
                                                                .and_then(|r| ot.column(r))
                                                        })
                                                    })
                                                    .is_some_and(|oc| oc.ty == c.ty)
                                        })
                                        .map(|c| (t.name.clone(), c.name.clone()))
                                })
                                .collect();
                            self.enums.push(Change::RebuildEnum {
                                from: old.clone(),
                                to: new.clone(),
                                columns,
                            });
                            // Columns dropped or retyped later may use the old type until then.
                            self.drop_enums.push(Change::DropOldEnum {
                                name: old_enum_name(&new.name),
                            });
                        }
                    }
                    if old.comment != new.comment {
                        self.comments.push(Change::SetEnumComment {
                            enum_name: new.name.clone(),
                            comment: new.comment.clone(),
                        });
                    }
                }
            }
        }
        for old in &from.enums {
            if to.enum_type(&old.name).is_none() {
                self.drop_enums.push(Change::DropEnum(old.clone()));
            }
        }
    }
}

/// The name a rebuilt enum's previous type goes by until it is dropped.
pub(crate) fn old_enum_name(name: &str) -> String {
    const SUFFIX: &str = "__old";
    // Within the identifier limit, or the database would truncate the name back to the enum's own.
    let max = Dialect::identifier_limit().map_or(usize::MAX, |(max, _)| max);
    let mut cut = name.len().min(max - SUFFIX.len());
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{SUFFIX}", &name[..cut])
}
