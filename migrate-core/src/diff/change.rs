//! [`Change`]: one change to a schema, and how it is described and named.

use crate::schema::{
    Check, Column, ColumnType, Domain, Enum, ForeignKey, Function, Index, Partition, PrimaryKey,
    Sequence, Table, Trigger, View,
};

/// One change to a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `CREATE EXTENSION IF NOT EXISTS`: an extension the schema declares (`extensions`) and the
    /// database lacks; first, since types and functions of the schema may be its.
    CreateExtension(String),
    /// `CREATE TYPE … AS ENUM`.
    CreateEnum(Enum),
    /// `CREATE DOMAIN`.
    CreateDomain(Domain),
    /// A domain's default, NOT NULL, checks or comment change (its type or collation: it is
    /// dropped and created again, which PostgreSQL refuses while a column uses it).
    AlterDomain {
        /// Before the change.
        from: Domain,
        /// After the change.
        to: Domain,
    },
    /// `CREATE SEQUENCE` (its owner is set by an [`Change::AlterSequence`] once its table exists).
    CreateSequence(Sequence),
    /// `ALTER SEQUENCE`: its options or its owner.
    AlterSequence {
        /// Before the change.
        from: Sequence,
        /// After the change.
        to: Sequence,
    },
    /// `DROP TYPE` of an enum.
    DropEnum(Enum),
    /// `ALTER TYPE … ADD VALUE`; `before` is the label it goes before (none: at the end).
    AddEnumValue {
        /// The enum type.
        enum_name: String,
        /// The new label.
        value: String,
        /// The label it goes before; `None`: at the end.
        before: Option<String>,
    },
    /// Labels removed or reordered: the type is rebuilt and every column using it converted.
    RebuildEnum {
        /// Before the change.
        from: Enum,
        /// After the change.
        to: Enum,
        /// `(table, column)` pairs that use the enum, in the declared schema.
        columns: Vec<(String, String)>,
    },
    /// `COMMENT ON TYPE`.
    SetEnumComment {
        /// The enum type.
        enum_name: String,
        /// The new comment; `None` removes it.
        comment: Option<String>,
    },
    /// Drops the type a [`Change::RebuildEnum`] renamed away, once nothing uses it.
    DropOldEnum {
        /// The name of the replaced type.
        name: String,
    },
    /// A new table, with its primary key, checks, and the foreign keys that can be created with it.
    CreateTable(Table),
    /// `DROP TABLE`.
    DropTable(Table),
    /// `ALTER TABLE … RENAME TO`.
    RenameTable {
        /// Before the change.
        from: String,
        /// After the change.
        to: String,
    },
    /// `COMMENT ON TABLE`.
    SetTableComment {
        /// The table.
        table: String,
        /// The new comment; `None` removes it.
        comment: Option<String>,
    },
    /// `ALTER TABLE … SET UNLOGGED` / `SET LOGGED`.
    SetUnlogged {
        /// The table.
        table: String,
        /// Whether the table becomes UNLOGGED (else LOGGED).
        unlogged: bool,
    },
    /// `VALIDATE CONSTRAINT`: a `NOT VALID` foreign key or check becomes validated (the other
    /// way needs no change: a validated constraint is also one that checks new rows).
    ValidateConstraint {
        /// The table.
        table: String,
        /// The constraint.
        name: String,
    },
    /// `ADD COLUMN`.
    AddColumn {
        /// The table.
        table: String,
        /// The column.
        column: Column,
    },
    /// `DROP COLUMN`.
    DropColumn {
        /// The table.
        table: String,
        /// The column.
        column: Column,
    },
    /// `RENAME COLUMN`.
    RenameColumn {
        /// The table.
        table: String,
        /// Before the change.
        from: String,
        /// After the change.
        to: String,
    },
    /// A column changes type.
    AlterColumnType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Before the change.
        from: ColumnType,
        /// After the change.
        to: ColumnType,
    },
    /// NOT NULL → nullable.
    DropNotNull {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// nullable → NOT NULL; `backfill` fills existing NULLs first.
    SetNotNull {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// SQL that fills existing NULLs first.
        backfill: Option<String>,
    },
    /// A column default is set, changed or dropped.
    SetDefault {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Before the change.
        from: Option<String>,
        /// After the change.
        to: Option<String>,
    },
    /// A column becomes, or stops being, an identity column.
    SetIdentity {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Before the change.
        from: Option<crate::schema::Identity>,
        /// After the change.
        to: Option<crate::schema::Identity>,
    },
    /// A column's collation changes (`collation = "C"`).
    SetCollation {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The column's type (PostgreSQL changes a collation with `TYPE … COLLATE`).
        ty: crate::schema::ColumnType,
        /// Before the change; `None`, the type's.
        from: Option<String>,
        /// After the change.
        to: Option<String>,
    },
    /// The options of an identity column's sequence change (`identity = { start = 1000 }`).
    SetIdentityOptions {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Before the change.
        from: crate::schema::IdentityOptions,
        /// After the change.
        to: crate::schema::IdentityOptions,
    },
    /// `COMMENT ON COLUMN`.
    SetColumnComment {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The new comment; `None` removes it.
        comment: Option<String>,
    },
    /// A primary key is added.
    AddPrimaryKey {
        /// The table.
        table: String,
        /// The primary key.
        key: PrimaryKey,
    },
    /// A primary key is dropped.
    DropPrimaryKey {
        /// The table.
        table: String,
        /// The primary key.
        key: PrimaryKey,
    },
    /// A primary key, foreign key or check keeps its definition under a new name.
    RenameConstraint {
        /// The table.
        table: String,
        /// Before the change.
        from: String,
        /// After the change.
        to: String,
    },
    /// An index keeps its definition under a new name.
    RenameIndex {
        /// The table.
        table: String,
        /// Before the change.
        from: Index,
        /// After the change.
        to: Index,
    },
    /// `CREATE INDEX`.
    CreateIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
        /// The table already exists: build without blocking writes.
        existing_table: bool,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
    /// A foreign key is added.
    AddForeignKey {
        /// The table.
        table: String,
        /// The foreign key.
        fk: ForeignKey,
        /// The table already holds rows: add `NOT VALID`, then validate without blocking writes.
        existing_table: bool,
    },
    /// A foreign key is dropped.
    DropForeignKey {
        /// The table.
        table: String,
        /// The foreign key.
        fk: ForeignKey,
    },
    /// A check constraint is added.
    AddCheck {
        /// The table.
        table: String,
        /// The check.
        check: Check,
        /// The table already holds rows: add `NOT VALID`, then validate without blocking writes.
        existing_table: bool,
    },
    /// A check constraint is dropped.
    DropCheck {
        /// The table.
        table: String,
        /// The check.
        check: Check,
    },
    /// A partition added to a partitioned table that exists: created as a table of the
    /// parent's shape, then attached (`ATTACH PARTITION` takes a SHARE UPDATE EXCLUSIVE lock on
    /// the parent, which lets reads and writes go on).
    AttachPartition {
        /// The partitioned table.
        table: String,
        /// The new partition.
        partition: Partition,
        /// The partition is a table that exists (with rows), declared as a plain table before:
        /// it is attached, not created.
        existing: bool,
    },
    /// A partition taken out of a partitioned table that stays: `DETACH PARTITION`,
    /// `CONCURRENTLY` when the table has no default partition. The detached table is dropped
    /// next ([`Change::DropTable`], refused until acknowledged) unless the schema declares it as
    /// a table of its own.
    DetachPartition {
        /// The partitioned table.
        table: String,
        /// The partition.
        partition: Partition,
        /// Whether the parent has a default partition (no `CONCURRENTLY` then).
        has_default: bool,
        /// Whether the schema keeps the detached table, declared as a table of its own.
        keep: bool,
    },
    /// `CREATE [MATERIALIZED] VIEW`, with its comment and indexes.
    CreateView(View),
    /// `DROP [MATERIALIZED] VIEW`: dropped for good, or to be created again
    /// ([`Change::CreateView`] of the same name follows) when its body or something it reads
    /// changes.
    DropView(View),
    /// `COMMENT ON [MATERIALIZED] VIEW`.
    SetViewComment {
        /// The view as declared.
        view: View,
    },
    /// `CREATE FUNCTION` (or procedure, aggregate).
    CreateFunction(Function),
    /// `CREATE OR REPLACE`: the same signature and result, a new body.
    ReplaceFunction {
        /// Before the change.
        from: Function,
        /// After the change.
        to: Function,
    },
    /// `DROP FUNCTION` (or procedure, aggregate).
    DropFunction(Function),
    /// `CREATE TRIGGER`.
    CreateTrigger(Trigger),
    /// `DROP TRIGGER`.
    DropTrigger(Trigger),
}

impl Change {
    /// The table the change is about, if any.
    pub fn table(&self) -> Option<&str> {
        use Change::*;
        match self {
            CreateExtension(_)
            | CreateEnum(_)
            | CreateDomain(_)
            | AlterDomain { .. }
            | CreateSequence(_)
            | AlterSequence { .. }
            | DropEnum(_)
            | AddEnumValue { .. }
            | RebuildEnum { .. }
            | SetEnumComment { .. }
            | DropOldEnum { .. }
            | CreateView(_)
            | DropView(_)
            | SetViewComment { .. }
            | CreateFunction(_)
            | ReplaceFunction { .. }
            | DropFunction(_) => None,
            CreateTrigger(t) | DropTrigger(t) => Some(&t.table),
            CreateTable(t) | DropTable(t) => Some(&t.name),
            RenameTable { to, .. } => Some(to),
            SetTableComment { table, .. }
            | SetUnlogged { table, .. }
            | ValidateConstraint { table, .. }
            | AddColumn { table, .. }
            | DropColumn { table, .. }
            | RenameColumn { table, .. }
            | AlterColumnType { table, .. }
            | DropNotNull { table, .. }
            | SetNotNull { table, .. }
            | SetDefault { table, .. }
            | SetIdentity { table, .. }
            | SetCollation { table, .. }
            | SetIdentityOptions { table, .. }
            | SetColumnComment { table, .. }
            | AddPrimaryKey { table, .. }
            | DropPrimaryKey { table, .. }
            | RenameConstraint { table, .. }
            | RenameIndex { table, .. }
            | CreateIndex { table, .. }
            | DropIndex { table, .. }
            | AddForeignKey { table, .. }
            | DropForeignKey { table, .. }
            | AddCheck { table, .. }
            | DropCheck { table, .. }
            | AttachPartition { table, .. }
            | DetachPartition { table, .. } => Some(table),
        }
    }

    /// What the change does, for people: "add column `pets.weight` (integer, nullable)".
    pub fn describe(&self) -> String {
        use Change::*;
        let col = |t: &str, c: &str| format!("`{t}.{c}`");
        match self {
            CreateExtension(name) => format!("create extension `{name}`"),
            CreateEnum(e) => format!("create enum `{}` ({})", e.name, e.values.join(", ")),
            CreateDomain(d) => format!("create domain `{}` ({})", d.name, d.ty),
            AlterDomain { to, .. } => format!("change domain `{}`", to.name),
            CreateSequence(s) => format!("create sequence `{}`", s.name),
            AlterSequence { to, .. } => format!("change sequence `{}`", to.name),
            DropEnum(e) => format!("drop enum `{}`", e.name),
            AddEnumValue {
                enum_name,
                value,
                before,
            } => match before {
                Some(b) => format!("add label `{value}` to enum `{enum_name}`, before `{b}`"),
                None => format!("add label `{value}` to enum `{enum_name}`"),
            },
            RebuildEnum { to, .. } => {
                format!("rebuild enum `{}` as ({})", to.name, to.values.join(", "))
            }
            SetEnumComment { enum_name, .. } => format!("set the comment of enum `{enum_name}`"),
            DropOldEnum { name } => format!("drop the replaced type `{name}`"),
            CreateTable(t) => format!("create table `{}`", t.name),
            DropTable(t) => format!("drop table `{}`", t.name),
            RenameTable { from, to } => format!("rename table `{from}` to `{to}`"),
            SetTableComment { table, .. } => format!("set the comment of table `{table}`"),
            ValidateConstraint { table, name } => {
                format!("validate constraint `{name}` of `{table}`")
            }
            SetUnlogged { table, unlogged } => format!(
                "make table `{table}` {}",
                if *unlogged { "UNLOGGED" } else { "LOGGED" }
            ),
            AddColumn { table, column } => format!(
                "add column {} ({}{})",
                col(table, &column.name),
                column.ty,
                if column.nullable { ", nullable" } else { "" }
            ),
            DropColumn { table, column } => format!("drop column {}", col(table, &column.name)),
            RenameColumn { table, from, to } => {
                format!("rename column {} to `{to}`", col(table, from))
            }
            AlterColumnType {
                table,
                column,
                from,
                to,
            } => {
                format!(
                    "change the type of {} from {from} to {to}",
                    col(table, column)
                )
            }
            DropNotNull { table, column } => format!("make {} nullable", col(table, column)),
            SetNotNull { table, column, .. } => format!("make {} NOT NULL", col(table, column)),
            SetDefault {
                table, column, to, ..
            } => match to {
                Some(d) => format!("set the default of {} to {d}", col(table, column)),
                None => format!("drop the default of {}", col(table, column)),
            },
            SetIdentity {
                table, column, to, ..
            } => match to {
                Some(i) => format!("make {} an identity ({})", col(table, column), i.as_str()),
                None => format!("drop the identity of {}", col(table, column)),
            },
            SetCollation {
                table, column, to, ..
            } => match to {
                Some(c) => format!("set the collation of {} to `{c}`", col(table, column)),
                None => format!(
                    "reset the collation of {} to its type's",
                    col(table, column)
                ),
            },
            SetIdentityOptions { table, column, .. } => {
                format!("change the identity options of {}", col(table, column))
            }
            SetColumnComment { table, column, .. } => {
                format!("set the comment of {}", col(table, column))
            }
            AddPrimaryKey { table, key } => format!("add primary key `{}` to `{table}`", key.name),
            DropPrimaryKey { table, key } => {
                format!("drop primary key `{}` of `{table}`", key.name)
            }
            RenameConstraint { table, from, to } => {
                format!("rename constraint `{from}` of `{table}` to `{to}`")
            }
            RenameIndex { from, to, .. } => {
                format!("rename index `{}` to `{}`", from.name, to.name)
            }
            CreateIndex { table, index, .. } => format!(
                "create {}index `{}` on `{table}`",
                if index.unique { "unique " } else { "" },
                index.name
            ),
            DropIndex { index, .. } => format!("drop index `{}`", index.name),
            AddForeignKey { table, fk, .. } => {
                format!(
                    "add foreign key `{}` from `{table}` to `{}`",
                    fk.name, fk.ref_table
                )
            }
            DropForeignKey { table, fk } => format!("drop foreign key `{}` of `{table}`", fk.name),
            AddCheck { table, check, .. } => format!("add check `{}` to `{table}`", check.name),
            DropCheck { table, check } => format!("drop check `{}` of `{table}`", check.name),
            AttachPartition {
                table, partition, ..
            } => format!("attach partition `{}` to `{table}`", partition.name),
            DetachPartition {
                table, partition, ..
            } => format!("detach partition `{}` from `{table}`", partition.name),
            CreateView(v) => format!("create {}view `{}`", materialized(v), v.name),
            DropView(v) => format!("drop {}view `{}`", materialized(v), v.name),
            SetViewComment { view } => format!("set the comment of view `{}`", view.name),
            CreateFunction(f) => format!("create {} `{}`", routine(f), f.name),
            ReplaceFunction { to, .. } => format!("replace {} `{}`", routine(to), to.name),
            DropFunction(f) => format!("drop {} `{}`", routine(f), f.name),
            CreateTrigger(t) => format!("create trigger `{}` on `{}`", t.name, t.table),
            DropTrigger(t) => format!("drop trigger `{}` on `{}`", t.name, t.table),
        }
    }

    /// A short snake_case description, used to name generated migration files.
    pub fn slug(&self) -> String {
        use Change::*;
        match self {
            CreateExtension(name) => format!("create_extension_{name}"),
            CreateEnum(e) => format!("create_{}", e.name),
            CreateDomain(d) => format!("create_{}", d.name),
            AlterDomain { to, .. } => format!("change_{}", to.name),
            CreateSequence(s) => format!("create_{}", s.name),
            AlterSequence { to, .. } => format!("change_{}", to.name),
            DropEnum(e) => format!("drop_{}", e.name),
            AddEnumValue { enum_name, .. } => format!("add_{enum_name}_value"),
            RebuildEnum { to, .. } => format!("change_{}", to.name),
            SetEnumComment { enum_name, .. } => format!("comment_{enum_name}"),
            DropOldEnum { name } => format!("drop_{name}"),
            CreateTable(t) => format!("create_{}", t.name),
            DropTable(t) => format!("drop_{}", t.name),
            RenameTable { from, to } => format!("rename_{from}_to_{to}"),
            SetTableComment { table, .. } => format!("comment_{table}"),
            SetUnlogged { table, unlogged } => {
                format!("{}_{table}", if *unlogged { "unlog" } else { "log" })
            }
            ValidateConstraint { name, .. } => format!("validate_{name}"),
            AddColumn { table, column } => format!("add_{table}_{}", column.name),
            DropColumn { table, column } => format!("drop_{table}_{}", column.name),
            RenameColumn { table, to, .. } => format!("rename_{table}_{to}"),
            AlterColumnType { table, column, .. }
            | DropNotNull { table, column }
            | SetNotNull { table, column, .. }
            | SetDefault { table, column, .. }
            | SetIdentity { table, column, .. }
            | SetCollation { table, column, .. }
            | SetIdentityOptions { table, column, .. } => format!("alter_{table}_{column}"),
            SetColumnComment { table, column, .. } => format!("comment_{table}_{column}"),
            AddPrimaryKey { table, .. } | DropPrimaryKey { table, .. } => {
                format!("alter_{table}_primary_key")
            }
            RenameConstraint { to, .. } => format!("rename_{to}"),
            RenameIndex { to, .. } => format!("rename_{}", to.name),
            CreateIndex { index, .. } => format!("create_{}", index.name),
            DropIndex { index, .. } => format!("drop_{}", index.name),
            AddForeignKey { fk, .. } => format!("add_{}", fk.name),
            DropForeignKey { fk, .. } => format!("drop_{}", fk.name),
            AddCheck { check, .. } => format!("add_{}", check.name),
            DropCheck { check, .. } => format!("drop_{}", check.name),
            AttachPartition { partition, .. } => format!("attach_{}", partition.name),
            DetachPartition { partition, .. } => format!("detach_{}", partition.name),
            CreateView(v) => format!("create_{}", v.name),
            DropView(v) => format!("drop_{}", v.name),
            SetViewComment { view } => format!("comment_{}", view.name),
            CreateFunction(f) => format!("create_{}", slug_name(&f.name)),
            ReplaceFunction { to, .. } => format!("replace_{}", slug_name(&to.name)),
            DropFunction(f) => format!("drop_{}", slug_name(&f.name)),
            CreateTrigger(t) => format!("create_{}", t.name),
            DropTrigger(t) => format!("drop_{}", t.name),
        }
    }
}

fn materialized(v: &View) -> &'static str {
    if v.materialized { "materialized " } else { "" }
}

/// "function", "procedure" or "aggregate".
fn routine(f: &Function) -> String {
    f.signature()
        .map_or("function", |s| s.kind.keyword())
        .to_ascii_lowercase()
}

/// A function's key without its argument list (`f(integer)` → `f`).
fn slug_name(name: &str) -> &str {
    name.split('(').next().unwrap_or(name)
}
