//! The primary key: declared on a column or on the table, never both.

use super::Validator;
use crate::diagnostic::Diagnostic;
use crate::schema::load::{RawColumn, RawTable};
use crate::schema::model::{PrimaryKey, Table};
use crate::schema::names;

impl Validator<'_> {
    /// The primary key, from the table's `primary_key = [...]` or the `pk_columns` that say
    /// `primary_key = true`.
    pub(super) fn primary_key(
        &mut self,
        t: &RawTable,
        table: &mut Table,
        pk_columns: &[&RawColumn],
        column_names: &[&str],
    ) {
        let tname = &t.name.value;
        // Primary key: column-level or table-level, not both.
        let pk_name = t
            .primary_key_name
            .as_ref()
            .map(|n| {
                self.ident("primary key", n);
                n.value.clone()
            })
            .unwrap_or_else(|| names::primary_key(tname));
        match (&t.primary_key, pk_columns) {
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
                            self.unknown_column(tname, col, column_names, "the primary key");
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
        for c in pk_columns {
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
    }
}
