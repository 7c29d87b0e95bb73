//! Checks, and the columns SQL expressions use.

use super::{Validator, inside, quoted_list};
use crate::diagnostic::did_you_mean;
use crate::schema::expr::column_references;
use crate::schema::load::{RawCheck, RawTable, SpStr};
use crate::schema::model::{Check, Table};

impl Validator<'_> {
    pub(super) fn check(
        &mut self,
        tname: &str,
        ck: &RawCheck,
        column_names: &[&str],
    ) -> Option<Check> {
        if let Some(n) = &ck.name {
            self.ident("check", n);
        }
        if let Some(e) = &ck.expr {
            if e.value.trim().is_empty() {
                self.error(
                    "empty-check",
                    &e.loc,
                    format!("a check of `{tname}` has an empty `expr`"),
                    "write the condition rows must meet, e.g. `expr = \"weight > 0\"`",
                );
                return None;
            }
            self.expression_columns(tname, e, column_names, "check");
        }
        Some(Check {
            name: ck.name.as_ref()?.value.clone(),
            expr: ck.expr.as_ref()?.value.clone(),
            not_valid: ck.validated.as_ref().is_some_and(|v| !v.value),
        })
    }

    /// Reports identifiers in a SQL expression that are not columns of the table.
    pub(super) fn expression_columns(
        &mut self,
        tname: &str,
        expr: &SpStr,
        column_names: &[&str],
        what: &str,
    ) {
        for (name, range) in column_references(&expr.value) {
            if column_names.contains(&name.as_str()) {
                continue;
            }
            // Inside the string when the source is the plain quoted text.
            let loc = inside(expr, range);
            let help = match did_you_mean(&name, column_names.iter().copied()) {
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
                &loc,
                format!("{what} uses `{name}`, which is not a column of `{tname}`"),
                help,
            );
        }
    }

    /// The table's `[[checks]]`.
    pub(super) fn checks(&mut self, t: &RawTable, table: &mut Table, column_names: &[&str]) {
        let tname = &t.name.value;
        for ck in &t.checks {
            if let Some(check) = self.check(tname, ck, column_names) {
                table.checks.push(check);
            }
        }
    }
}
