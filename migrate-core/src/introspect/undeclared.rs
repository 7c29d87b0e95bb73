//! What `migrate diff` leaves alone: what the database has and the schema does not declare.

use std::collections::{HashMap, HashSet};

use crate::schema::print as toml;
use crate::schema::{Check, ForeignKey, Index, Schema, Table};

/// Something the database has that the declared schema does not declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undeclared {
    /// What it is: "table `audit_log`", "index `pets_name_idx` on `pets`".
    pub object: String,
    /// The acknowledgement that lets `migrate diff` drop it, when the language has one.
    pub acknowledge: Option<String>,
    /// Whether the declared schema acknowledges dropping it (then it is dropped).
    pub dropped: bool,
}

/// The schema to migrate `live` to: `declared` plus every table, column, enum, enum label, index
/// and constraint of `live` that `declared` does not declare and does not acknowledge dropping
/// (`drop_tables`, `drop_columns`, `drop_enums`, `drop_values`); and the list of all of them.
/// Indexes and constraints have no acknowledgement: they are always kept. An object whose
/// definition the declared schema has under another name is not undeclared: it is renamed.
pub fn keep_undeclared(live: &Schema, declared: &Schema) -> (Schema, Vec<Undeclared>) {
    let mut target = declared.clone();
    let mut found = Vec::new();

    // Enums, and labels.
    for le in &live.enums {
        match target.enums.iter_mut().find(|e| e.name == le.name) {
            None => {
                let dropped = declared.drop_enums.contains(&le.name);
                found.push(Undeclared {
                    object: format!("enum `{}`", le.name),
                    acknowledge: Some(format!("drop_enums = [{}]", toml::string(&le.name))),
                    dropped,
                });
                if !dropped {
                    target.enums.push(le.clone());
                }
            }
            Some(e) => {
                let mut prev: Option<usize> = None;
                for v in &le.values {
                    if let Some(pos) = e.values.iter().position(|x| x == v) {
                        prev = Some(pos);
                        continue;
                    }
                    let dropped = e.drop_values.contains(v);
                    found.push(Undeclared {
                        object: format!("label `{v}` of enum `{}`", le.name),
                        acknowledge: Some(format!(
                            "drop_values = [{}] in [enums.{}]",
                            toml::string(v),
                            toml::key(&le.name)
                        )),
                        dropped,
                    });
                    if !dropped {
                        let at = prev.map_or(0, |p| p + 1);
                        e.values.insert(at, v.clone());
                        prev = Some(at);
                    }
                }
            }
        }
    }

    // Tables, by name or by a declared rename.
    let renamed_from: HashMap<&str, &str> = declared
        .tables
        .iter()
        .filter_map(|t| {
            t.renamed_from
                .as_deref()
                .filter(|r| declared.table(r).is_none())
                .map(|r| (r, t.name.as_str()))
        })
        .collect();
    let declared_tables: HashMap<&str, usize> = declared
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let kept_tables: HashSet<String> = declared
        .tables
        .iter()
        .map(|t| t.name.clone())
        .chain(
            live.tables
                .iter()
                .filter(|lt| {
                    !declared_tables.contains_key(lt.name.as_str())
                        && !renamed_from.contains_key(lt.name.as_str())
                        && !declared.drop_tables.contains(&lt.name)
                })
                .map(|lt| lt.name.clone()),
        )
        .collect();
    for lt in &live.tables {
        let declared_name = if declared_tables.contains_key(lt.name.as_str()) {
            Some(lt.name.as_str())
        } else {
            renamed_from.get(lt.name.as_str()).copied()
        };
        let Some(name) = declared_name else {
            let dropped = declared.drop_tables.contains(&lt.name);
            found.push(Undeclared {
                object: format!("table `{}`", lt.name),
                acknowledge: Some(format!("drop_tables = [{}]", toml::string(&lt.name))),
                dropped,
            });
            if !dropped {
                target.tables.push(lt.clone());
            }
            continue;
        };
        // Declared tables come first in the target, in the same order.
        let Some(t) = declared_tables
            .get(name)
            .and_then(|&i| target.tables.get_mut(i))
        else {
            continue;
        };
        keep_in_table(lt, t, &kept_tables, &mut found);
    }
    keep_objects(live, declared, &mut target, &mut found);
    (target, found)
}

/// Views, functions and triggers the database has and the schema does not declare: kept unless
/// `drop_views`, `drop_functions` or `drop_triggers` names them (a trigger of a table that is
/// not kept goes with it). A kind the schema does not declare at all (no `[views]`, no
/// `drop_views`) is not the schema's concern: its objects are kept without a word, as before
/// the language had them (a hand-written migration's views are no difference for `diff
/// --exit-code`); once the schema declares one, the others are listed as undeclared tables are.
fn keep_objects(
    live: &Schema,
    declared: &Schema,
    target: &mut Schema,
    found: &mut Vec<Undeclared>,
) {
    let d = &declared.objects;
    let views = !d.views.is_empty() || !d.drop_views.is_empty();
    let functions = !d.functions.is_empty() || !d.drop_functions.is_empty();
    let triggers = !d.triggers.is_empty() || !d.drop_triggers.is_empty();
    for v in &live.objects.views {
        if d.view(&v.name).is_some() || target.table(&v.name).is_some() {
            continue;
        }
        if !views {
            target.objects.views.push(v.clone());
            continue;
        }
        let dropped = d.drop_views.contains(&v.name);
        found.push(Undeclared {
            object: format!(
                "{}view `{}`",
                if v.materialized { "materialized " } else { "" },
                v.name
            ),
            acknowledge: Some(format!("drop_views = [{}]", toml::string(&v.name))),
            dropped,
        });
        if !dropped {
            target.objects.views.push(v.clone());
        }
    }
    for f in &live.objects.functions {
        if d.function(&f.name).is_some() {
            continue;
        }
        if !functions {
            target.objects.functions.push(f.clone());
            continue;
        }
        let dropped = d.drop_functions.contains(&f.name);
        found.push(Undeclared {
            object: format!("function `{}`", f.name),
            acknowledge: Some(format!("drop_functions = [{}]", toml::string(&f.name))),
            dropped,
        });
        if !dropped {
            target.objects.functions.push(f.clone());
        }
    }
    for t in &live.objects.triggers {
        if d.trigger(&t.name).is_some() {
            continue;
        }
        let on_kept = target.table(&t.table).is_some() || target.objects.view(&t.table).is_some();
        if !triggers {
            if on_kept {
                target.objects.triggers.push(t.clone());
            }
            continue;
        }
        let dropped = d.drop_triggers.contains(&t.name) || !on_kept;
        found.push(Undeclared {
            object: format!("trigger `{}` on `{}`", t.name, t.table),
            acknowledge: on_kept.then(|| format!("drop_triggers = [{}]", toml::string(&t.name))),
            dropped,
        });
        if !dropped {
            target.objects.triggers.push(t.clone());
        }
    }
}

/// `tables`: the names of the tables the result has.
fn keep_in_table(
    live: &Table,
    t: &mut Table,
    tables: &HashSet<String>,
    found: &mut Vec<Undeclared>,
) {
    let tname = t.name.clone();
    // Columns: a declared column matches by name or by its `renamed_from`.
    for lc in &live.columns {
        let declared = t.columns.iter().any(|c| {
            c.name == lc.name
                || (c.renamed_from.as_deref() == Some(lc.name.as_str())
                    && live.column(&c.name).is_none())
        });
        if declared {
            continue;
        }
        let dropped = t.drop_columns.contains(&lc.name);
        found.push(Undeclared {
            object: format!("column `{tname}.{}`", lc.name),
            acknowledge: Some(format!(
                "drop_columns = [{}] in [tables.{}]",
                toml::string(&lc.name),
                toml::key(&tname)
            )),
            dropped,
        });
        if !dropped {
            t.columns.push(lc.clone());
        }
    }
    let has_column = |t: &Table, cols: &[String]| cols.iter().all(|c| t.column(c).is_some());

    // Indexes: kept unless declared by name, or declared under another name (a rename).
    for lix in &live.indexes {
        let by_name = t.indexes.iter().any(|i| i.name == lix.name);
        let renamed = t.indexes.iter().any(|i| {
            live.indexes.iter().all(|l| l.name != i.name)
                && Index {
                    name: lix.name.clone(),
                    ..i.clone()
                } == *lix
        });
        if by_name || renamed {
            continue;
        }
        let object = format!("index `{}` on `{tname}`", lix.name);
        if !has_column(t, &lix.columns) {
            // Its column is dropped, as acknowledged: it goes with it.
            found.push(Undeclared {
                object,
                acknowledge: None,
                dropped: true,
            });
            continue;
        }
        found.push(kept(object));
        t.indexes.push(lix.clone());
    }
    for lck in &live.checks {
        let declared = t.checks.iter().any(|c| {
            c.name == lck.name
                || (c.expr == lck.expr && live.checks.iter().all(|l| l.name != c.name))
        });
        if declared {
            continue;
        }
        found.push(kept(format!("check `{}` of `{tname}`", lck.name)));
        t.checks.push(Check { ..lck.clone() });
    }
    for lfk in &live.foreign_keys {
        let declared = t.foreign_keys.iter().any(|f| {
            f.name == lfk.name
                || (live.foreign_keys.iter().all(|l| l.name != f.name)
                    && ForeignKey {
                        name: lfk.name.clone(),
                        ..f.clone()
                    } == *lfk)
        });
        if declared {
            continue;
        }
        let object = format!("foreign key `{}` of `{tname}`", lfk.name);
        if !has_column(t, &lfk.columns) || !tables.contains(lfk.ref_table.as_str()) {
            // Its columns or the table it references are dropped, as acknowledged.
            found.push(Undeclared {
                object,
                acknowledge: None,
                dropped: true,
            });
            continue;
        }
        found.push(kept(object));
        t.foreign_keys.push(lfk.clone());
    }
    if let (Some(lpk), None) = (&live.primary_key, &t.primary_key)
        && has_column(t, &lpk.columns)
    {
        found.push(kept(format!("primary key `{}` of `{tname}`", lpk.name)));
        t.primary_key = Some(lpk.clone());
    }
}

fn kept(object: String) -> Undeclared {
    Undeclared {
        object,
        acknowledge: None,
        dropped: false,
    }
}
