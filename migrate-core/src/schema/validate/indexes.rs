//! Indexes: `unique = true` on a column, and `[[indexes]]`.

use super::Validator;
use crate::diagnostic::Location;
use crate::schema::load::RawTable;
use crate::schema::model::{Index, IndexMethod, Table};
use crate::schema::names;

impl Validator<'_> {
    /// Unique columns become unique indexes named as PostgreSQL names unique constraints. The
    /// location of each goes to `index_locs`.
    pub(super) fn unique_columns(
        &mut self,
        t: &RawTable,
        table: &mut Table,
        index_locs: &mut Vec<Location>,
    ) {
        let tname = &t.name.value;
        for c in &t.columns {
            if let Some(u) = c.unique.as_ref().filter(|u| u.value) {
                let columns = [c.name.value.as_str()];
                let name = self.derived_name(
                    "unique index",
                    names::index(tname, &columns, true),
                    tname,
                    &columns,
                    &u.loc,
                    "name (in an [[indexes]] entry)",
                );
                index_locs.push(u.loc.clone());
                table.indexes.push(Index {
                    name,
                    columns: vec![c.name.value.clone()],
                    unique: true,
                    predicate: None,
                    method: IndexMethod::Btree,
                });
            }
        }
    }

    /// The table's `[[indexes]]`. The location of each index kept goes to `index_locs`.
    pub(super) fn indexes(
        &mut self,
        t: &RawTable,
        table: &mut Table,
        column_names: &[&str],
        index_locs: &mut Vec<Location>,
    ) {
        let tname = &t.name.value;
        for ix in &t.indexes {
            let unique = ix.unique.as_ref().is_some_and(|u| u.value);
            let method = ix.method.as_ref().map_or(IndexMethod::Btree, |m| m.value);
            let mut ok = true;
            if ix.columns.is_empty() {
                // Reported while reading the file (missing or empty `columns`).
                ok = false;
            }
            let mut seen: Vec<&str> = Vec::new();
            for col in &ix.columns {
                if seen.contains(&col.value.as_str()) {
                    self.error(
                        "duplicate-key-column",
                        &col.loc,
                        format!(
                            "column `{}` appears twice in an index of `{tname}`",
                            col.value
                        ),
                        "list each column once",
                    );
                    ok = false;
                }
                seen.push(&col.value);
                if !column_names.contains(&col.value.as_str()) {
                    self.unknown_column(tname, col, column_names, "an index");
                    ok = false;
                }
            }
            if unique && method != IndexMethod::Btree {
                let loc = ix.method.as_ref().map_or(&ix.loc, |m| &m.loc);
                self.error(
                    "unique-hash",
                    loc,
                    format!(
                        "a unique index of `{tname}` uses the {} method; only btree indexes enforce uniqueness",
                        method.as_str()
                    ),
                    format!("remove `method = \"{}\"` (btree is the default) or remove `unique = true`", method.as_str()),
                );
            }
            if let Some(p) = &ix.predicate {
                self.expression_columns(tname, p, column_names, "index predicate");
            }
            let name = match &ix.name {
                Some(n) => {
                    self.ident("index", n);
                    n.value.clone()
                }
                None => {
                    let columns: Vec<&str> = ix.columns.iter().map(|c| c.value.as_str()).collect();
                    let name = names::index(tname, &columns, unique);
                    self.derived_name("index", name, tname, &columns, &ix.loc, "name")
                }
            };
            if ok {
                index_locs.push(ix.name.as_ref().map_or(&ix.loc, |n| &n.loc).clone());
                table.indexes.push(Index {
                    name,
                    columns: ix.columns.iter().map(|c| c.value.clone()).collect(),
                    unique,
                    predicate: ix.predicate.as_ref().map(|p| p.value.clone()),
                    method,
                });
            }
        }
    }
}
