//! Foreign keys: what they reference, and what they do on delete and update.

use std::collections::HashMap;

use super::{Validator, inside, quoted_list};
use crate::diagnostic::{Location, did_you_mean};
use crate::schema::load::{RawForeignKey, RawTable, Sp, SpStr};
use crate::schema::model::{FkAction, ForeignKey, Schema, Table};
use crate::schema::names;

impl Validator<'_> {
    /// Column-level `references = "table.column"`. Their names go to the table's constraint
    /// namespace, `names`.
    pub(super) fn column_foreign_keys(
        &mut self,
        t: &RawTable,
        table: &Table,
        schema: &Schema,
        names: &mut HashMap<String, Location>,
    ) -> Vec<ForeignKey> {
        let tname = &t.name.value;
        let mut fks = Vec::new();
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
            // Checked whatever the target: every problem is reported at once.
            let actions_ok =
                self.set_null_allowed(table, &cols, c.on_delete.as_ref(), c.on_update.as_ref());
            if self.fk_target(
                tname,
                table,
                schema,
                &cols,
                &ref_table,
                std::slice::from_ref(&ref_col),
                &r.loc,
            ) && actions_ok
                && let Some(fk) = self.fk_model(
                    name.clone(),
                    &cols,
                    rt,
                    &[rc.to_string()],
                    c.on_delete.as_ref(),
                    c.on_update.as_ref(),
                )
            {
                fks.push(fk);
            }
            let loc = c.constraint.as_ref().map_or(&r.loc, |n| &n.loc);
            self.unique_name(names, tname, &name, loc);
        }
        fks
    }

    /// Table-level `[[foreign_keys]]`. Their names go to the table's constraint namespace, `names`.
    pub(super) fn table_foreign_keys(
        &mut self,
        t: &RawTable,
        table: &Table,
        schema: &Schema,
        names: &mut HashMap<String, Location>,
    ) -> Vec<ForeignKey> {
        let tname = &t.name.value;
        let mut fks = Vec::new();
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
            // Checked whatever the target: every problem is reported at once.
            let set_columns = self.on_delete_columns(tname, fk);
            ok &= set_columns.is_some();
            let set_columns = set_columns.unwrap_or_default();
            let nulled: &[SpStr] = if set_columns.is_empty() {
                &fk.columns
            } else {
                &set_columns
            };
            let actions_ok = ok
                && self.set_null_allowed(
                    table,
                    nulled,
                    fk.on_delete.as_ref(),
                    fk.on_update.as_ref(),
                );
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
                && actions_ok
            {
                let ref_cols: Vec<String> =
                    fk.ref_columns.iter().map(|c| c.value.clone()).collect();
                if let Some(model) = self.fk_model(
                    name.clone(),
                    &fk.columns,
                    &rt.value,
                    &ref_cols,
                    fk.on_delete.as_ref(),
                    fk.on_update.as_ref(),
                ) {
                    fks.push(ForeignKey {
                        on_delete_columns: set_columns.iter().map(|c| c.value.clone()).collect(),
                        not_valid: fk.validated.as_ref().is_some_and(|v| !v.value),
                        ..model
                    });
                }
            }
            let loc = fk.constraint.as_ref().map_or(&fk.loc, |n| &n.loc);
            self.unique_name(names, tname, &name, loc);
        }
        fks
    }

    /// Checks the referenced table and columns exist, types match, and the target is a key. Type
    /// and key problems are reported `at` the reference.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fk_target(
        &mut self,
        tname: &str,
        table: &Table,
        schema: &Schema,
        cols: &[SpStr],
        rt: &SpStr,
        rcs: &[SpStr],
        at: &Location,
    ) -> bool {
        let Some(target) = schema.table(&rt.value) else {
            let help = match did_you_mean(&rt.value, schema.tables.iter().map(|t| t.name.as_str()))
            {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "declare [tables.{}] or reference one of the declared tables",
                    rt.value
                ),
            };
            self.error(
                "unknown-table",
                &rt.loc,
                format!(
                    "foreign key of `{tname}` references table `{}`, which is not declared",
                    rt.value
                ),
                help,
            );
            return false;
        };
        let mut ok = true;
        for (col, rc) in cols.iter().zip(rcs) {
            let Some(target_col) = target.column(&rc.value) else {
                ok = false;
                if self
                    .untyped
                    .contains(&(target.name.clone(), rc.value.clone()))
                {
                    continue;
                }
                let names: Vec<&str> = target.columns.iter().map(|c| c.name.as_str()).collect();
                let help = match did_you_mean(&rc.value, names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if names.is_empty() => format!(
                        "`{}` declares no columns: declare them under [tables.{}.columns]",
                        target.name, target.name
                    ),
                    None => format!(
                        "the columns of `{}` are {}",
                        target.name,
                        quoted_list(names.iter().copied())
                    ),
                };
                self.error(
                    "unknown-column",
                    &rc.loc,
                    format!(
                        "foreign key of `{tname}` references `{}.{}`, which is not a column",
                        target.name, rc.value
                    ),
                    help,
                );
                continue;
            };
            if let Some(own) = table.column(&col.value)
                && !own.ty.can_reference(&target_col.ty)
            {
                self.error(
                    "fk-type-mismatch",
                    at,
                    format!(
                        "`{tname}.{}` is `{}` but references `{}.{}` of type `{}`",
                        col.value, own.ty, target.name, rc.value, target_col.ty
                    ),
                    format!(
                        "make `{tname}.{}` of type `{}`, the type of the column it references",
                        col.value, target_col.ty
                    ),
                );
                ok = false;
            }
        }
        if ok {
            let wanted: Vec<&str> = rcs.iter().map(|c| c.value.as_str()).collect();
            if !target.has_key(&wanted) {
                self.error(
                    "fk-not-key",
                    at,
                    format!(
                        "foreign key of `{tname}` references `{}`({}), which is neither its primary key nor unique",
                        target.name,
                        wanted.join(", ")
                    ),
                    "reference the primary key, or add a unique index on the referenced column(s)",
                );
                ok = false;
            }
        }
        ok
    }

    /// The columns of `on_delete_columns` (empty when not written); `None` (reported) when it is
    /// written without `on_delete = "set null"` or `"set default"`, or names a column that is
    /// not one of the foreign key's.
    fn on_delete_columns(&mut self, tname: &str, fk: &RawForeignKey) -> Option<Vec<SpStr>> {
        let Some(cols) = &fk.on_delete_columns else {
            return Some(Vec::new());
        };
        let sets = fk
            .on_delete
            .as_ref()
            .is_some_and(|a| matches!(a.value, FkAction::SetNull | FkAction::SetDefault));
        if !sets {
            self.error(
                "on-delete-columns-action",
                &cols.loc,
                format!("a foreign key of `{tname}` has `on_delete_columns` without `on_delete = \"set null\"` or `\"set default\"`"),
                "add `on_delete = \"set null\"` (or `\"set default\"`), or remove `on_delete_columns`",
            );
            return None;
        }
        let mut ok = true;
        for c in &cols.value {
            if !fk.columns.iter().any(|k| k.value == c.value) {
                self.error(
                    "on-delete-columns-action",
                    &c.loc,
                    format!("`on_delete_columns` of a foreign key of `{tname}` names `{}`, which is not one of its columns", c.value),
                    format!(
                        "list some of the foreign key's columns: {}",
                        quoted_list(fk.columns.iter().map(|k| k.value.as_str()))
                    ),
                );
                ok = false;
            }
        }
        ok.then(|| cols.value.clone())
    }

    /// `set null` only on nullable columns; false (reported) otherwise.
    fn set_null_allowed(
        &mut self,
        table: &Table,
        cols: &[SpStr],
        on_delete: Option<&Sp<FkAction>>,
        on_update: Option<&Sp<FkAction>>,
    ) -> bool {
        for action in [on_delete, on_update].into_iter().flatten() {
            if action.value == FkAction::SetNull {
                for c in cols {
                    if table.column(&c.value).is_some_and(|col| !col.nullable) {
                        self.error(
                            "set-null-not-null",
                            &action.loc,
                            format!(
                                "`set null` on `{}.{}`, which is NOT NULL",
                                table.name, c.value
                            ),
                            "make the column `nullable = true`, or use `cascade` or `restrict`",
                        );
                        return false;
                    }
                }
            }
        }
        true
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn fk_model(
        &mut self,
        name: String,
        cols: &[SpStr],
        ref_table: &str,
        ref_cols: &[String],
        on_delete: Option<&Sp<FkAction>>,
        on_update: Option<&Sp<FkAction>>,
    ) -> Option<ForeignKey> {
        Some(ForeignKey {
            name,
            columns: cols.iter().map(|c| c.value.clone()).collect(),
            ref_table: ref_table.to_string(),
            ref_columns: ref_cols.to_vec(),
            on_delete: on_delete.map_or(FkAction::NoAction, |a| a.value),
            on_update: on_update.map_or(FkAction::NoAction, |a| a.value),
            on_delete_columns: Vec::new(),
            not_valid: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::load_str;

    const CODES: &str = r#"
[tables.codes]
model = "Code"
columns = { code = "text" }
[[tables.codes.indexes]]
columns = ["code"]
unique = true
where = "WHERE"
[tables.uses]
model = "Use"
columns = { code = { type = "text", references = "codes.code" } }
"#;

    /// The differ ties a foreign key to a unique index `where = "true"` (it covers every row), so
    /// the loader lets a foreign key reference it; a partial unique index is no key.
    #[test]
    fn a_unique_index_where_true_is_a_key() {
        let s =
            load_str("s.toml", &CODES.replace("WHERE", "true")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.tables[1].foreign_keys.len(), 1);
        let e = load_str("s.toml", &CODES.replace("WHERE", "code <> ''")).unwrap_err();
        assert_eq!(e.0.len(), 1, "{e}");
        assert_eq!(e.0[0].code, "fk-not-key");
    }

    fn reference(own: &str, key: &str) -> Result<(), Vec<&'static str>> {
        let src = format!(
            r#"
[tables.owners]
model = "Owner"
columns = {{ id = {{ type = "{key}", primary_key = true }} }}
[tables.pets]
model = "Pet"
columns = {{ owner_id = {{ type = "{own}", references = "owners.id" }} }}
"#
        );
        load_str("s.toml", &src)
            .map(drop)
            .map_err(|e| e.0.iter().map(|d| d.code).collect())
    }

    /// What PostgreSQL accepts between two types of the same kind passes; other kinds do not.
    #[test]
    fn a_key_of_a_wider_or_equal_kind_of_type_can_be_referenced() {
        for (own, key) in [
            ("bigint", "integer"),
            ("smallint", "bigint"),
            ("integer", "numeric(10,2)"),
            ("bigint", "double"),
            ("numeric", "real"),
            ("varchar(20)", "text"),
            ("text", "char(3)"),
            ("timestamptz", "date"),
        ] {
            assert_eq!(reference(own, key), Ok(()), "{own} -> {key}");
        }
        for (own, key) in [
            ("integer", "uuid"),
            ("text", "integer"),
            ("double", "bigint"),
            ("numeric", "integer"),
            ("date", "text"),
            ("integer[]", "bigint[]"),
        ] {
            assert_eq!(
                reference(own, key),
                Err(vec!["fk-type-mismatch"]),
                "{own} -> {key}"
            );
        }
    }
}
