//! Names that must differ: constraints within a table, relations across the schema.

use std::collections::HashMap;

use super::Validator;
use crate::diagnostic::{Diagnostic, Location};
use crate::schema::load::RawTable;
use crate::schema::model::{Schema, Table};

impl Validator<'_> {
    /// The primary key and the checks take their names in the table's constraint namespace,
    /// `names`, beside its foreign keys.
    pub(super) fn check_names(
        &mut self,
        t: &RawTable,
        table: &Table,
        names: &mut HashMap<String, Location>,
    ) {
        let tname = &t.name.value;
        if let Some(pk) = &table.primary_key {
            let loc = t.primary_key_name.as_ref().map_or(&t.name.loc, |n| &n.loc);
            self.unique_name(names, tname, &pk.name, loc);
        }
        for ck in &t.checks {
            if let Some(n) = &ck.name {
                self.unique_name(names, tname, &n.value, &n.loc);
            }
        }
    }

    pub(super) fn unique_name(
        &mut self,
        names: &mut HashMap<String, Location>,
        tname: &str,
        name: &str,
        loc: &Location,
    ) {
        if let Some(first) = names.get(name) {
            self.push(
                Diagnostic::new(
                    "duplicate-constraint",
                    format!("table `{tname}` has two constraints named `{name}`"),
                )
                .at(loc.clone())
                .related(first.clone(), "first named here")
                .help("give each constraint of a table its own name"),
            );
        } else {
            names.insert(name.to_string(), loc.clone());
        }
    }

    /// Tables, indexes and index-backed constraints share one namespace in PostgreSQL.
    pub(super) fn relation_names(
        &mut self,
        tables: &[&RawTable],
        schema: &Schema,
        index_locs: &[Vec<Location>],
    ) {
        let mut seen: HashMap<String, (String, Location)> = HashMap::new();
        for t in tables {
            seen.insert(
                t.name.value.clone(),
                (format!("table `{}`", t.name.value), t.name.loc.clone()),
            );
        }
        for ((t, table), locs) in tables.iter().zip(&schema.tables).zip(index_locs) {
            let mut relations: Vec<(String, String, Location)> = Vec::new();
            if let Some(pk) = &table.primary_key {
                let loc = t.primary_key_name.as_ref().map_or(&t.name.loc, |n| &n.loc);
                relations.push((
                    pk.name.clone(),
                    format!("primary key of `{}`", table.name),
                    loc.clone(),
                ));
            }
            for (ix, loc) in table.indexes.iter().zip(locs) {
                relations.push((
                    ix.name.clone(),
                    format!("index of `{}`", table.name),
                    loc.clone(),
                ));
            }
            for (name, what, loc) in relations {
                if let Some((first_what, first_loc)) = seen.get(&name) {
                    self.push(
                        Diagnostic::new("duplicate-name", format!("the {what} is named `{name}`, like the {first_what}"))
                            .at(loc)
                            .related(first_loc.clone(), "that name is taken here")
                            .help("tables, indexes and keys share one namespace: give the index its own `name`"),
                    );
                } else {
                    seen.insert(name, (what, loc));
                }
            }
        }
    }
}
