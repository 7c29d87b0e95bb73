//! One table: its declarations checked into the model, then what needs every table.

use std::collections::HashMap;

use super::Validator;
use crate::diagnostic::Location;
use crate::schema::load::RawTable;
use crate::schema::model::{ForeignKey, Schema, Table};

impl Validator<'_> {
    /// One table's declarations checked into the model, with the location of each of its indexes
    /// (for the schema-wide namespace of relations). Foreign keys wait for [`Self::cross_table`].
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
            strategy: t.strategy.as_ref().map(|s| s.value),
            unlogged: t.unlogged.as_ref().is_some_and(|u| u.value),
            ..Table::new(tname.clone())
        };
        if let Some(st) = &t.strategy
            && t.renamed_from.is_none()
            && t.drop_columns.is_empty()
        {
            self.error(
                "strategy-without-change",
                &st.loc,
                format!(
                    "`strategy = \"{}\"` on table `{tname}` has no acknowledged change to apply to",
                    st.value.as_str()
                ),
                "put `strategy` beside the acknowledgement it governs (`renamed_from` or `drop_columns` of [tables.NAME]), or remove it",
            );
        }
        // `columns = {}` declares a table without columns, which PostgreSQL allows.
        if t.columns.is_empty() && !t.has_columns_key && !t.broken_keys.contains(&"columns") {
            self.error(
                "no-columns",
                &t.name.loc,
                format!("table `{tname}` has no columns"),
                format!("declare its columns under [tables.{tname}.columns], e.g. `id = {{ type = \"uuid\", primary_key = true }}`, or write `columns = {{}}` for a table without any"),
            );
        }

        let pk_columns = self.columns(t, &mut table, enums);
        let column_names: Vec<&str> = t.columns.iter().map(|c| c.name.value.as_str()).collect();
        self.primary_key(t, &mut table, &pk_columns, &column_names);
        self.unique_columns(t, &mut table, &mut index_locs);
        self.indexes(t, &mut table, &column_names, &mut index_locs);
        self.checks(t, &mut table, &column_names);
        self.partitioning(t, &mut table, &column_names);
        for c in &t.columns {
            if let Some(g) = &c.generated {
                let what = format!("the expression of `{tname}.{}`", c.name.value);
                self.expression_columns(tname, g, &column_names, &what);
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
        // The table's constraint names: foreign keys, primary key and checks.
        let mut names: HashMap<String, Location> = HashMap::new();
        self.enum_defaults(t, table, schema);
        let mut fks = self.column_foreign_keys(t, table, schema, &mut names);
        fks.extend(self.table_foreign_keys(t, table, schema, &mut names));
        self.check_names(t, table, &mut names);
        fks
    }
}
