//! Columns: types, identity, defaults, and names that are not columns.

use std::collections::HashMap;

use super::{Validator, quoted_list, sql_string_literal};
use crate::diagnostic::{Diagnostic, Location, did_you_mean};
use crate::schema::load::{RawColumn, RawTable, SpStr};
use crate::schema::model::{Column, ColumnType, Schema, Table};
use crate::schema::types::parse_column_type;

impl Validator<'_> {
    pub(super) fn unknown_column(
        &mut self,
        tname: &str,
        col: &SpStr,
        column_names: &[&str],
        what: &str,
    ) {
        let help = match did_you_mean(&col.value, column_names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if column_names.is_empty() => {
                format!("declare the column under [tables.{tname}.columns]")
            }
            None => format!(
                "the columns of `{tname}` are {}",
                quoted_list(column_names.iter().copied())
            ),
        };
        self.error(
            "unknown-column",
            &col.loc,
            format!(
                "{what} of `{tname}` names `{}`, which is not a column of `{tname}`",
                col.value
            ),
            help,
        );
    }

    pub(super) fn column(&mut self, tname: &str, c: &RawColumn, enums: &[&str]) -> Option<Column> {
        let cname = &c.name.value;
        let ty_raw = c.ty.as_ref()?;
        let ty = match parse_column_type(&ty_raw.value, enums.iter().copied(), &self.external_types)
        {
            Ok(ty) => Some(ty),
            Err(e) => {
                self.error("unknown-type", &ty_raw.loc, e.message, e.help);
                None
            }
        };
        let nullable = c.nullable.as_ref().is_some_and(|n| n.value);
        // The previous type may be an enum this change drops.
        let dropped = self.dropped_enums.clone();
        let previous: Vec<&str> = enums
            .iter()
            .copied()
            .chain(dropped.iter().map(String::as_str))
            .collect();
        let type_changed_from = c.type_changed_from.as_ref().and_then(|t| {
            parse_column_type(&t.value, previous.iter().copied(), &self.external_types)
                .map_err(|e| self.error("unknown-type", &t.loc, e.message, e.help))
                .ok()
        });

        if let Some(id) = &c.identity {
            if let Some(ty) = &ty
                && !ty.is_integer()
            {
                self.error(
                    "identity-type",
                    &id.loc,
                    format!("identity column `{tname}.{cname}` has type `{ty}`; identity needs an integer type"),
                    "use `type = \"bigint\"` (or `integer`/`smallint`), or remove `identity`",
                );
            }
            if let Some(d) = &c.default {
                self.error(
                    "identity-default",
                    &d.loc,
                    format!("identity column `{tname}.{cname}` also has a default"),
                    "an identity column generates its values: remove `default`",
                );
            }
            if nullable && let Some(n) = &c.nullable {
                self.error(
                    "identity-nullable",
                    &n.loc,
                    format!("identity column `{tname}.{cname}` is nullable"),
                    "identity columns are never NULL: remove `nullable = true`",
                );
            }
        }

        if let Some(g) = &c.generated {
            let other = [
                ("default", c.default.is_some()),
                ("identity", c.identity.is_some()),
            ];
            if g.value.trim().is_empty() {
                self.error(
                    "empty-generated",
                    &g.loc,
                    format!("generated column `{tname}.{cname}` has an empty expression"),
                    "write the SQL expression the column is computed by, e.g. `generated = \"quantity * unit_price\"`",
                );
            }
            for (key, present) in other {
                if present {
                    self.error(
                        "generated-default",
                        &g.loc,
                        format!("generated column `{tname}.{cname}` also has `{key}`"),
                        format!("a generated column is computed from its row: remove `{key}`, or `generated`"),
                    );
                }
            }
        }

        if let (Some(d), Some(ty)) = (&c.default, &ty) {
            self.default_expr(tname, cname, d, ty);
        }

        // Column-level foreign key keys without `references`.
        if c.references.is_none() {
            for (key, loc) in [
                ("constraint", c.constraint.as_ref().map(|s| &s.loc)),
                ("on_delete", c.on_delete.as_ref().map(|s| &s.loc)),
                ("on_update", c.on_update.as_ref().map(|s| &s.loc)),
            ] {
                if let Some(loc) = loc {
                    self.error(
                        "fk-without-references",
                        loc,
                        format!("`{key}` on `{tname}.{cname}` needs `references`"),
                        format!(
                            "add `references = \"table.column\"` to the column, or remove `{key}`"
                        ),
                    );
                }
            }
        }

        // A strategy says how an acknowledged change is made: alone, it has nothing to apply to.
        if let Some(st) = &c.strategy
            && c.renamed_from.is_none()
            && c.type_changed_from.is_none()
            && c.backfill.is_none()
        {
            self.error(
                "strategy-without-change",
                &st.loc,
                format!(
                    "`strategy = \"{}\"` on `{tname}.{cname}` has no acknowledged change to apply to",
                    st.value.as_str()
                ),
                "put `strategy` beside the acknowledgement it governs (`renamed_from`, `type_changed_from` or `backfill`), or remove it",
            );
        }

        let ty = ty?;
        let identity_options = c
            .identity_options
            .as_ref()
            .map(|o| o.value.canonical(&ty, tname, cname))
            .unwrap_or_default();
        Some(Column {
            name: cname.clone(),
            ty,
            nullable,
            default: c.default.as_ref().map(|d| d.value.clone()),
            identity: c.identity.as_ref().map(|i| i.value),
            comment: c.comment.as_ref().map(|s| s.value.clone()),
            renamed_from: c.renamed_from.as_ref().map(|s| s.value.clone()),
            type_changed_from,
            backfill: c.backfill.as_ref().map(|s| s.value.clone()),
            strategy: c.strategy.as_ref().map(|s| s.value),
            generated: c.generated.as_ref().map(|s| s.value.clone()),
            collation: c.collation.as_ref().map(|s| s.value.clone()),
            identity_options,
        })
    }

    /// Catches the most common default mistake: a string literal without SQL quotes.
    pub(super) fn default_expr(&mut self, tname: &str, cname: &str, d: &SpStr, ty: &ColumnType) {
        let v = d.value.trim();
        if v.is_empty() {
            self.error(
                "empty-default",
                &d.loc,
                format!("the default of `{tname}.{cname}` is empty"),
                "write a SQL expression, e.g. `default = \"''\"` for an empty string, or remove `default`",
            );
            return;
        }
        if !ty.is_textual() {
            return;
        }
        let is_bare_word = v
            .chars()
            .all(|ch| ch.is_alphanumeric() || ch == '_' || ch == ' ')
            && !matches!(
                v.to_ascii_lowercase().as_str(),
                "null"
                    | "current_user"
                    | "session_user"
                    | "current_role"
                    | "user"
                    | "current_schema"
            );
        if is_bare_word {
            self.error(
                "unquoted-default",
                &d.loc,
                format!(
                    "the default of `{tname}.{cname}` is the SQL expression `{v}`, not a string"
                ),
                format!("a default is SQL: quote a string literal as `default = \"'{v}'\"`"),
            );
        }
    }

    /// The columns, checked into `table`: names, types, drops and renames. Returns those that say
    /// `primary_key = true`.
    pub(super) fn columns<'t>(
        &mut self,
        t: &'t RawTable,
        table: &mut Table,
        enums: &[&str],
    ) -> Vec<&'t RawColumn> {
        let tname = &t.name.value;
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
        pk_columns
    }

    /// A default of an enum column names a label of its enum.
    pub(super) fn enum_defaults(&mut self, t: &RawTable, table: &Table, schema: &Schema) {
        let tname = &t.name.value;
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
    }
}
