//! A diff in PostgreSQL, change by change: [`change_sql`] sends each [`Change`] to the function
//! for its kind (in `enums.rs`, `tables.rs`, `columns.rs`, `keys.rs`, `indexes.rs`), each writing
//! through a [`Cx`].

use super::{columns, domains, enums, indexes, keys, objects, partitions, tables};
use crate::diff::{Change, Diff};
use crate::schema::{Column, ColumnType, Schema, Table};
use crate::sql::{Batch, Rendered, Statement, ident};

/// What each change's renderer reads and writes: the schemas before and after the migration,
/// and the statements so far.
pub(super) struct Cx<'a> {
    pub(super) from: &'a Schema,
    pub(super) to: &'a Schema,
    out: &'a mut Vec<Statement>,
}

impl<'a> Cx<'a> {
    /// A statement in the migration's transaction.
    pub(super) fn tx(&mut self, sql: String) {
        self.out.push(Statement::tx(sql));
    }

    /// A statement after the transaction, committing on its own.
    pub(super) fn online(&mut self, sql: String) {
        self.out.push(Statement::online(sql));
    }

    /// A batched `UPDATE`: a file of its own between the transaction and the statements after
    /// it.
    pub(super) fn batch(&mut self, batch: Batch, sql: String) {
        self.out.push(Statement::batch(batch, sql));
    }

    /// A statement before the transaction, committing on its own.
    pub(super) fn before(&mut self, sql: String) {
        self.out.push(Statement::before(sql));
    }

    /// Where statements of a shared piece (`CREATE TABLE`) go.
    pub(super) fn out(&mut self) -> &mut Vec<Statement> {
        self.out
    }

    /// The label declared just before `value` in enum `name` of the new schema.
    pub(super) fn label_before(&self, name: &str, value: &str) -> Option<&'a str> {
        let values = &self.to.enum_type(name)?.values;
        let i = values.iter().position(|v| v == value)?;
        i.checked_sub(1).map(|p| values[p].as_str())
    }

    /// The column as it was before the migration, by its declared name (through renames).
    pub(super) fn old_column(&self, table: &str, column: &str) -> Option<&'a Column> {
        let new_table = self.to.table(table);
        let old_table = self.from.table(table).or_else(|| {
            new_table
                .and_then(|t| t.renamed_from.as_deref())
                .and_then(|r| self.from.table(r))
        })?;
        old_table.column(column).or_else(|| {
            new_table
                .and_then(|t| t.column(column))
                .and_then(|c| c.renamed_from.as_deref())
                .and_then(|r| old_table.column(r))
        })
    }

    /// The table as it was before the migration, by its declared name (through a rename).
    pub(super) fn old_table(&self, table: &str) -> Option<&'a Table> {
        self.from.table(table).or_else(|| {
            self.to
                .table(table)
                .and_then(|t| t.renamed_from.as_deref())
                .and_then(|r| self.from.table(r))
        })
    }

    /// Whether the column named `old` before the migration (of the table declared as `table`)
    /// changes type in it: its declared type differs, or it is of an enum the migration rebuilds
    /// (`ALTER COLUMN ... TYPE` then rewrites it, and rebuilds its indexes).
    pub(super) fn retyped(&self, table: &str, old: &str) -> bool {
        let Some(new_table) = self.to.table(table) else {
            return false;
        };
        new_table.columns.iter().any(|c| {
            self.old_column(table, &c.name).is_some_and(|oc| {
                oc.name == old
                    && (oc.ty != c.ty
                        || enum_of(&c.ty).is_some_and(|e| {
                            self.from.enum_type(e).map(|x| &x.values)
                                != self.to.enum_type(e).map(|x| &x.values)
                        }))
            })
        })
    }

    /// Whether a table, index or primary key of the declared schema is called `name`: relations
    /// share one namespace, so an old one of that name must be gone before the migration makes it.
    pub(super) fn declares_relation(&self, name: &str) -> bool {
        self.to.tables.iter().any(|t| {
            t.name == name
                || t.primary_key.as_ref().is_some_and(|pk| pk.name == name)
                || t.indexes.iter().any(|i| i.name == name)
        })
    }

    /// Whether a table, index or primary key is called `name` before the migration.
    pub(super) fn had_relation(&self, name: &str) -> bool {
        self.from.tables.iter().any(|t| {
            t.name == name
                || t.primary_key.as_ref().is_some_and(|pk| pk.name == name)
                || t.indexes.iter().any(|i| i.name == name)
        })
    }

    /// Whether a table, index or primary key of either schema is called `name`.
    pub(super) fn knows_relation(&self, name: &str) -> bool {
        self.declares_relation(name) || self.had_relation(name)
    }

    /// Whether a column of type `ty` can be made before the transaction: its enum, if any, exists
    /// with the same labels before the migration.
    pub(super) fn type_exists_before(&self, ty: &ColumnType) -> bool {
        enum_of(ty).is_none_or(|e| {
            self.from.enum_type(e).is_some_and(|old| {
                self.to.enum_type(e).is_some_and(|new| new.values == old.values)
            })
        })
    }

    /// The column as declared.
    pub(super) fn new_column(&self, table: &str, column: &str) -> Option<&'a Column> {
        self.to.table(table).and_then(|t| t.column(column))
    }

    /// Whether the column is in the table's declared primary key.
    pub(super) fn in_primary_key(&self, table: &str, column: &str) -> bool {
        self.to
            .table(table)
            .and_then(|t| t.primary_key.as_ref())
            .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    }

    /// The table's name before the migration's renames, which run after constraints are dropped.
    pub(super) fn name_before_renames<'t>(&self, table: &'t str) -> &'t str
    where
        'a: 't,
    {
        if self.from.table(table).is_some() {
            return table;
        }
        self.to
            .table(table)
            .and_then(|t| t.renamed_from.as_deref())
            .filter(|r| self.to.table(r).is_none() && self.from.table(r).is_some())
            .unwrap_or(table)
    }

    /// Whether `name` is an enum the migration drops and a table takes the name of: every table
    /// has a type of its name, so the enum is renamed aside before the table takes it, and
    /// dropped under that name once nothing uses it.
    pub(super) fn enum_moved_aside(&self, name: &str) -> bool {
        self.from.enum_type(name).is_some()
            && self.to.enum_type(name).is_none()
            && self.to.table(name).is_some()
    }

    /// Renames aside an enum whose name `table` takes (see [`Cx::enum_moved_aside`]).
    pub(super) fn move_enum_aside(&mut self, table: &str) {
        if self.enum_moved_aside(table) {
            self.tx(format!(
                "ALTER TYPE {} RENAME TO {}",
                ident(table),
                ident(&crate::diff::old_enum_name(table))
            ));
        }
    }
}

/// Renders every change in order.
pub fn render(diff: &Diff, from: &Schema, to: &Schema) -> Rendered {
    let mut out: Vec<Statement> = Vec::new();
    let mut parts = super::locks::Parts::default();
    for change in &diff.changes {
        let first = out.len();
        change_sql(change, from, to, &mut out);
        parts.assign(&mut out[first..]);
    }
    Rendered { statements: out }
}

/// The statements of one change.
pub fn change_statements(change: &Change, from: &Schema, to: &Schema) -> Vec<Statement> {
    let mut out = Vec::new();
    change_sql(change, from, to, &mut out);
    out
}

/// Writes the statements of one change: the one function of its kind.
fn change_sql(change: &Change, from: &Schema, to: &Schema, out: &mut Vec<Statement>) {
    let cx = &mut Cx { from, to, out };
    match change {
        Change::CreateExtension(name) => {
            cx.tx(format!("CREATE EXTENSION IF NOT EXISTS {}", crate::sql::ident(name)));
        }
        Change::CreateEnum(e) => enums::create(cx, e),
        Change::CreateDomain(d) => domains::create_domain(cx, d),
        Change::AlterDomain { from: old, to: new } => domains::alter_domain(cx, old, new),
        Change::CreateSequence(s) => domains::create_sequence(cx, s),
        Change::AlterSequence { from: old, to: new } => domains::alter_sequence(cx, old, new),
        Change::DropEnum(e) => enums::drop(cx, e),
        Change::AddEnumValue {
            enum_name,
            value,
            before,
        } => enums::add_value(cx, enum_name, value, before.as_deref()),
        Change::RebuildEnum {
            from: old,
            to: new,
            columns,
        } => enums::rebuild(cx, old, new, columns),
        Change::DropOldEnum { name } => enums::drop_old(cx, name),
        Change::SetEnumComment { enum_name, comment } => enums::set_comment(cx, enum_name, comment),
        Change::CreateTable(t) => tables::create(cx, t),
        Change::DropTable(t) => tables::drop(cx, t),
        Change::RenameTable { from: old, to: new } => tables::rename(cx, old, new),
        Change::SetTableComment { table, comment } => tables::set_comment(cx, table, comment),
        Change::SetUnlogged { table, unlogged } => tables::set_unlogged(cx, table, *unlogged),
        Change::ValidateConstraint { table, name } => keys::validate(cx, table, name),
        Change::AddColumn { table, column } => columns::add(cx, table, column),
        Change::DropColumn { table, column } => columns::drop(cx, table, column),
        Change::RenameColumn {
            table,
            from: old,
            to: new,
        } => columns::rename(cx, table, old, new),
        Change::AlterColumnType {
            table,
            column,
            from: old_ty,
            to: new_ty,
        } => columns::alter_type(cx, table, column, old_ty, new_ty),
        Change::DropNotNull { table, column } => columns::drop_not_null(cx, table, column),
        Change::SetNotNull {
            table,
            column,
            backfill,
        } => columns::set_not_null(cx, table, column, backfill.as_deref()),
        Change::SetDefault {
            table,
            column,
            to: new,
            ..
        } => columns::set_default(cx, table, column, new.as_deref()),
        Change::SetCollation {
            table,
            column,
            ty,
            to,
            ..
        } => columns::set_collation(cx, table, column, ty, to.as_deref()),
        Change::SetIdentityOptions {
            table,
            column,
            from,
            to,
        } => columns::set_identity_options(cx, table, column, from, to),
        Change::SetIdentity {
            table,
            column,
            from: old,
            to: new,
        } => columns::set_identity(cx, table, column, *old, *new),
        Change::SetColumnComment {
            table,
            column,
            comment,
        } => columns::set_comment(cx, table, column, comment),
        Change::AddPrimaryKey { table, key } => keys::add_primary_key(cx, table, key),
        Change::DropPrimaryKey { table, key } => keys::drop_primary_key(cx, table, key),
        Change::RenameConstraint {
            table,
            from: old,
            to: new,
        } => keys::rename_constraint(cx, table, old, new),
        Change::AddForeignKey {
            table,
            fk,
            existing_table,
        } => keys::add_foreign_key(cx, table, fk, *existing_table),
        Change::DropForeignKey { table, fk } => keys::drop_foreign_key(cx, table, fk),
        Change::AddCheck {
            table,
            check,
            existing_table,
        } => keys::add_check(cx, table, check, *existing_table),
        Change::DropCheck { table, check } => keys::drop_check(cx, table, check),
        Change::RenameIndex {
            from: old, to: new, ..
        } => indexes::rename(cx, old, new),
        Change::CreateIndex {
            table,
            index,
            existing_table,
        } => indexes::create(cx, table, index, *existing_table),
        Change::DropIndex { table, index } => indexes::drop(cx, table, index),
        Change::AttachPartition {
            table,
            partition,
            existing,
        } => partitions::attach(cx, table, partition, *existing),
        Change::DetachPartition {
            table,
            partition,
            has_default,
            keep,
        } => partitions::detach(cx, table, partition, *has_default, *keep),
        Change::CreateView(v) => objects::create_view(cx, v),
        Change::DropView(v) => objects::drop_view(cx, v),
        Change::SetViewComment { view } => objects::set_view_comment(cx, view),
        Change::CreateFunction(f) => objects::create_function(cx, f),
        Change::ReplaceFunction { from, to } => objects::replace_function(cx, from, to),
        Change::DropFunction(f) => objects::drop_function(cx, f),
        Change::CreateTrigger(t) => objects::create_trigger(cx, t),
        Change::DropTrigger(t) => objects::drop_trigger(cx, t),
    }
}

/// The enum a column of type `ty` holds, directly or as array elements.
fn enum_of(ty: &ColumnType) -> Option<&str> {
    match ty {
        ColumnType::Enum(e) => Some(e),
        ColumnType::Array(inner) => enum_of(inner),
        _ => None,
    }
}
