//! One table: its declarations checked into the model, then what needs every table.

use std::collections::HashMap;

use super::{Validator, inside, quoted_list, sql_string_literal};
use crate::diagnostic::{Diagnostic, Location, did_you_mean};
use crate::schema::load::{RawColumn, RawTable, Sp};
use crate::schema::model::{ColumnType, ForeignKey, Index, IndexMethod, PrimaryKey, Schema, Table};
use crate::schema::names;

impl Validator<'_> {
    pub(super) fn table(&mut self, t: &RawTable, enums: &[&str]) -> (Table, Vec<Location>) {
        let mut index_locs = Vec::new();
        let tname = &t.name.value;
        let mut table = Table {
            model: t
                .model
                .as_ref()
                .map(|m| m.value.clone())
                .unwrap_or_default(),
            comment: t.comment.as_ref().map(|c| c.value.clone()),
            drop_columns: t.drop_columns.iter().map(|d| d.value.clone()).collect(),
            renamed_from: t.renamed_from.as_ref().map(|r| r.value.clone()),
            ..Table::new(tname.clone())
        };
        if t.columns.is_empty() && !t.broken_keys.contains(&"columns") {
            self.error(
                "no-columns",
                &t.name.loc,
                format!("table `{tname}` has no columns"),
                format!("declare its columns under [tables.{tname}.columns], e.g. `id = {{ type = \"uuid\", primary_key = true }}`"),
            );
        }

        // Columns.
        let mut col_seen: HashMap<&str, &Location> = HashMap::new();
        let mut pk_columns: Vec<&RawColumn> = Vec::new();
        for c in &t.columns {
            self.ident("column", &c.name);
            if let Some(first) = col_seen.get(c.name.value.as_str()) {
                // TOML rejects a repeated key in one table; this catches names that differ only in
                // how they were quoted.
                self.push(
                    Diagnostic::new(
                        "duplicate-column",
                        format!("column `{tname}.{}` is declared twice", c.name.value),
                    )
                    .at(c.name.loc.clone())
                    .related((*first).clone(), "first declared here")
                    .help("remove one of them"),
                );
                continue;
            }
            col_seen.insert(&c.name.value, &c.name.loc);
            if c.primary_key.as_ref().is_some_and(|p| p.value) {
                pk_columns.push(c);
            }
            match self.column(tname, c, enums) {
                Some(col) => table.columns.push(col),
                None => {
                    self.untyped.insert((tname.clone(), c.name.value.clone()));
                }
            }
        }
        let column_names: Vec<&str> = t.columns.iter().map(|c| c.name.value.as_str()).collect();

        // Acknowledged drops must not still be declared.
        for d in &t.drop_columns {
            if let Some(loc) = col_seen.get(d.value.as_str()) {
                self.push(
                    Diagnostic::new(
                        "drop-declared",
                        format!("column `{tname}.{}` is in `drop_columns` but is still declared", d.value),
                    )
                    .at(d.loc.clone())
                    .related((*loc).clone(), "declared here")
                    .help("remove the column's declaration to drop it, or remove it from `drop_columns` to keep it"),
                );
            }
        }
        for c in &t.columns {
            if let Some(r) = &c.renamed_from
                && r.value != c.name.value
                && col_seen.contains_key(r.value.as_str())
            {
                self.error(
                    "rename-clash",
                    &r.loc,
                    format!("`{tname}.{}` is renamed from `{}`, but `{}` is still declared", c.name.value, r.value, r.value),
                    "a rename needs the old name gone: remove the old column, or remove `renamed_from`",
                );
            }
        }

        // Primary key: column-level or table-level, not both.
        let pk_name = t
            .primary_key_name
            .as_ref()
            .map(|n| {
                self.ident("primary key", n);
                n.value.clone()
            })
            .unwrap_or_else(|| names::primary_key(tname));
        match (&t.primary_key, pk_columns.as_slice()) {
            (Some(list), [first, ..]) => {
                let loc = first
                    .primary_key
                    .as_ref()
                    .map_or(&first.name.loc, |p| &p.loc);
                self.push(
                    Diagnostic::new("duplicate-primary-key", format!("table `{tname}` declares its primary key twice"))
                        .at(loc.clone())
                        .related(list.loc.clone(), "table-level primary key here")
                        .help("keep either the table's `primary_key = [...]` or the columns' `primary_key = true`"),
                );
            }
            (Some(list), []) => {
                if list.value.is_empty() {
                    self.error(
                        "empty-primary-key",
                        &list.loc,
                        format!("the primary key of `{tname}` lists no columns"),
                        "list the key's columns, e.g. `primary_key = [\"a\", \"b\"]`, or remove the key",
                    );
                }
                let mut seen: Vec<&str> = Vec::new();
                let mut ok = true;
                for col in &list.value {
                    if seen.contains(&col.value.as_str()) {
                        self.error(
                            "duplicate-key-column",
                            &col.loc,
                            format!(
                                "column `{}` appears twice in the primary key of `{tname}`",
                                col.value
                            ),
                            "list each column once",
                        );
                        ok = false;
                    }
                    seen.push(&col.value);
                    match t.columns.iter().find(|c| c.name.value == col.value) {
                        None => {
                            self.unknown_column(tname, col, &column_names, "the primary key");
                            ok = false;
                        }
                        Some(c) if c.nullable.as_ref().is_some_and(|n| n.value) => {
                            self.push(
                                Diagnostic::new(
                                    "nullable-primary-key",
                                    format!("primary key column `{tname}.{}` is nullable", col.value),
                                )
                                .at(col.loc.clone())
                                .related(
                                    c.nullable.as_ref().map_or(c.name.loc.clone(), |n| n.loc.clone()),
                                    "made nullable here",
                                )
                                .help("a primary key is never NULL: remove `nullable = true` from the column"),
                            );
                        }
                        Some(_) => {}
                    }
                }
                if ok && !list.value.is_empty() {
                    table.primary_key = Some(PrimaryKey {
                        name: pk_name,
                        columns: list.value.iter().map(|c| c.value.clone()).collect(),
                    });
                }
            }
            (None, [one]) => {
                table.primary_key = Some(PrimaryKey {
                    name: pk_name,
                    columns: vec![one.name.value.clone()],
                });
            }
            (None, [_, second, ..]) => {
                let loc = second
                    .primary_key
                    .as_ref()
                    .map_or(&second.name.loc, |p| &p.loc);
                let names: Vec<&str> = pk_columns.iter().map(|c| c.name.value.as_str()).collect();
                self.error(
                    "composite-primary-key",
                    loc,
                    format!("several columns of `{tname}` say `primary_key = true`"),
                    format!(
                        "declare a composite key on the table instead: `primary_key = [{}]` under [tables.{tname}]",
                        names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            (None, []) => {}
        }
        for c in &pk_columns {
            if let Some(n) = c.nullable.as_ref().filter(|n| n.value) {
                self.error(
                    "nullable-primary-key",
                    &n.loc,
                    format!("primary key column `{tname}.{}` is nullable", c.name.value),
                    "a primary key is never NULL: remove `nullable = true`",
                );
            }
        }
        if t.primary_key_name.is_none() && table.primary_key.is_some() {
            self.derived_name(
                "primary key",
                names::primary_key(tname),
                tname,
                &[],
                &t.name.loc,
                "primary_key_name",
            );
        }

        // Unique columns become unique indexes named as PostgreSQL names unique constraints.
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

        // Indexes.
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
                    self.unknown_column(tname, col, &column_names, "an index");
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
                self.expression_columns(tname, p, &column_names, "index predicate");
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

        // Checks.
        for ck in &t.checks {
            if let Some(check) = self.check(tname, ck, &column_names) {
                table.checks.push(check);
            }
        }
        (table, index_locs)
    }

    /// Checks that need every table: enum defaults and foreign keys. Returns the table's foreign keys.
    pub(super) fn cross_table(
        &mut self,
        t: &RawTable,
        table: &Table,
        schema: &Schema,
    ) -> Vec<ForeignKey> {
        let tname = &t.name.value;
        let mut fks: Vec<ForeignKey> = Vec::new();
        let mut names: HashMap<String, Location> = HashMap::new();

        // Enum defaults name a label of their enum.
        for c in &t.columns {
            if let (Some(d), Some(col)) = (&c.default, table.column(&c.name.value))
                && let ColumnType::Enum(en) = &col.ty
                && let Some(e) = schema.enum_type(en)
                && let Some(label) = sql_string_literal(&d.value)
                && !e.values.contains(&label)
            {
                let help = match did_you_mean(&label, e.values.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `'{s}'`?"),
                    None => format!(
                        "the labels of `{en}` are {}",
                        quoted_list(e.values.iter().map(String::as_str))
                    ),
                };
                self.error(
                    "unknown-enum-value",
                    &d.loc,
                    format!("the default of `{tname}.{}` is `{label}`, which is not a label of enum `{en}`", c.name.value),
                    help,
                );
            }
        }

        // Column-level `references = "table.column"`.
        for c in &t.columns {
            let Some(r) = &c.references else { continue };
            let Some((rt, rc)) = r
                .value
                .rsplit_once('.')
                .filter(|(t, c)| !t.is_empty() && !c.is_empty())
            else {
                self.error(
                    "bad-reference",
                    &r.loc,
                    format!(
                        "`references = \"{}\"` must name a table and a column",
                        r.value
                    ),
                    "write `references = \"table.column\"`, e.g. `references = \"pets.id\"`",
                );
                continue;
            };
            let name = match &c.constraint {
                Some(n) => {
                    self.ident("constraint", n);
                    n.value.clone()
                }
                None => {
                    let columns = [c.name.value.as_str()];
                    let name = names::foreign_key(tname, &columns);
                    self.derived_name("foreign key", name, tname, &columns, &r.loc, "constraint")
                }
            };
            // Point at the table or the column inside `"table.column"`.
            let ref_table = Sp {
                value: rt.to_string(),
                loc: inside(r, 0..rt.len()),
            };
            let ref_col = Sp {
                value: rc.to_string(),
                loc: inside(r, rt.len() + 1..r.value.len()),
            };
            let cols = [c.name.clone()];
            if self.fk_target(
                tname,
                table,
                schema,
                &cols,
                &ref_table,
                std::slice::from_ref(&ref_col),
                &r.loc,
            ) && let Some(fk) = self.fk_model(
                table,
                name.clone(),
                &cols,
                rt,
                &[rc.to_string()],
                c.on_delete.as_ref(),
                c.on_update.as_ref(),
            ) {
                fks.push(fk);
            }
            let loc = c.constraint.as_ref().map_or(&r.loc, |n| &n.loc);
            self.unique_name(&mut names, tname, &name, loc);
        }

        // Table-level `[[foreign_keys]]`.
        for fk in &t.foreign_keys {
            // Missing or unreadable parts were reported while reading the file.
            if fk.broken_keys.contains(&"columns") || fk.broken_keys.contains(&"references") {
                continue;
            }
            let Some(rt) = &fk.ref_table else {
                if fk.columns.is_empty() {
                    continue;
                }
                self.error(
                    "bad-reference",
                    &fk.loc,
                    format!("a foreign key of `{tname}` has no referenced `table`"),
                    "write `references = { table = \"orders\", columns = [\"id\"] }`",
                );
                continue;
            };
            let name = match &fk.constraint {
                Some(n) => {
                    self.ident("constraint", n);
                    n.value.clone()
                }
                None => {
                    let columns: Vec<&str> = fk.columns.iter().map(|c| c.value.as_str()).collect();
                    let name = names::foreign_key(tname, &columns);
                    self.derived_name("foreign key", name, tname, &columns, &fk.loc, "constraint")
                }
            };
            if fk.columns.len() != fk.ref_columns.len() {
                self.error(
                    "fk-arity",
                    &fk.loc,
                    format!(
                        "a foreign key of `{tname}` has {} column(s) but references {}",
                        fk.columns.len(),
                        fk.ref_columns.len()
                    ),
                    "list as many referenced columns as referencing ones, in matching order",
                );
                continue;
            }
            if fk.columns.is_empty() {
                continue;
            }
            let mut ok = true;
            for col in &fk.columns {
                if self.untyped.contains(&(tname.clone(), col.value.clone())) {
                    ok = false;
                } else if table.column(&col.value).is_none() {
                    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
                    self.unknown_column(tname, col, &names, "a foreign key");
                    ok = false;
                }
            }
            if ok
                && self.fk_target(
                    tname,
                    table,
                    schema,
                    &fk.columns,
                    rt,
                    &fk.ref_columns,
                    &rt.loc,
                )
            {
                let ref_cols: Vec<String> =
                    fk.ref_columns.iter().map(|c| c.value.clone()).collect();
                if let Some(model) = self.fk_model(
                    table,
                    name.clone(),
                    &fk.columns,
                    &rt.value,
                    &ref_cols,
                    fk.on_delete.as_ref(),
                    fk.on_update.as_ref(),
                ) {
                    fks.push(model);
                }
            }
            let loc = fk.constraint.as_ref().map_or(&fk.loc, |n| &n.loc);
            self.unique_name(&mut names, tname, &name, loc);
        }

        // Check names share the table's constraint namespace, primary key included.
        if let Some(pk) = &table.primary_key {
            let loc = t.primary_key_name.as_ref().map_or(&t.name.loc, |n| &n.loc);
            self.unique_name(&mut names, tname, &pk.name, loc);
        }
        for ck in &t.checks {
            if let Some(n) = &ck.name {
                self.unique_name(&mut names, tname, &n.value, &n.loc);
            }
        }

        fks
    }
}
