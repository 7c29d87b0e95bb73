//! Diffing two schema models into an ordered list of changes.
//!
//! [`diff`] compares the schema as it is (`from`: the last snapshot, or an introspected database)
//! with the schema as declared (`to`) and returns the changes that turn one into the other, in an
//! order a database accepts: foreign keys dropped before the tables they point at, enums created
//! before the tables that use them, referenced tables before referencing ones, and foreign keys of
//! a cycle added once both tables exist. The same input always gives the same output.
//!
//! Renames are never guessed: a table or column is renamed only when the declared schema says
//! `renamed_from`. A vanished column next to a new one of the same type is reported by the safety
//! check as a probable rename.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::schema::expr::column_references;
use crate::schema::{
    Check, Column, ColumnType, Enum, ForeignKey, Index, PrimaryKey, Schema, Table,
};

/// One change to a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    CreateEnum(Enum),
    DropEnum(Enum),
    /// `ALTER TYPE … ADD VALUE`; `before` is the label it goes before (none: at the end).
    AddEnumValue {
        enum_name: String,
        value: String,
        before: Option<String>,
    },
    /// Labels removed or reordered: the type is rebuilt and every column using it converted.
    RebuildEnum {
        from: Enum,
        to: Enum,
        /// `(table, column)` pairs that use the enum, in the declared schema.
        columns: Vec<(String, String)>,
    },
    SetEnumComment {
        enum_name: String,
        comment: Option<String>,
    },
    /// Drops the type a [`Change::RebuildEnum`] renamed away, once nothing uses it.
    DropOldEnum {
        name: String,
    },
    /// A new table, with its primary key, checks, and the foreign keys that can be created with it.
    CreateTable(Table),
    DropTable(Table),
    RenameTable {
        from: String,
        to: String,
    },
    SetTableComment {
        table: String,
        comment: Option<String>,
    },
    AddColumn {
        table: String,
        column: Column,
    },
    DropColumn {
        table: String,
        column: Column,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    AlterColumnType {
        table: String,
        column: String,
        from: ColumnType,
        to: ColumnType,
    },
    /// NOT NULL → nullable.
    DropNotNull {
        table: String,
        column: String,
    },
    /// nullable → NOT NULL; `backfill` fills existing NULLs first.
    SetNotNull {
        table: String,
        column: String,
        backfill: Option<String>,
    },
    SetDefault {
        table: String,
        column: String,
        from: Option<String>,
        to: Option<String>,
    },
    SetIdentity {
        table: String,
        column: String,
        from: Option<crate::schema::Identity>,
        to: Option<crate::schema::Identity>,
    },
    SetColumnComment {
        table: String,
        column: String,
        comment: Option<String>,
    },
    AddPrimaryKey {
        table: String,
        key: PrimaryKey,
    },
    DropPrimaryKey {
        table: String,
        key: PrimaryKey,
    },
    /// A primary key, foreign key or check keeps its definition under a new name.
    RenameConstraint {
        table: String,
        from: String,
        to: String,
    },
    /// An index keeps its definition under a new name.
    RenameIndex {
        table: String,
        from: Index,
        to: Index,
    },
    CreateIndex {
        table: String,
        index: Index,
        /// The table already exists: build without blocking writes.
        existing_table: bool,
    },
    DropIndex {
        table: String,
        index: Index,
    },
    AddForeignKey {
        table: String,
        fk: ForeignKey,
        /// The table already holds rows: add `NOT VALID`, then validate without blocking writes.
        existing_table: bool,
    },
    DropForeignKey {
        table: String,
        fk: ForeignKey,
    },
    AddCheck {
        table: String,
        check: Check,
        existing_table: bool,
    },
    DropCheck {
        table: String,
        check: Check,
    },
}

impl Change {
    /// The table the change is about, if any.
    pub fn table(&self) -> Option<&str> {
        use Change::*;
        match self {
            CreateEnum(_)
            | DropEnum(_)
            | AddEnumValue { .. }
            | RebuildEnum { .. }
            | SetEnumComment { .. }
            | DropOldEnum { .. } => None,
            CreateTable(t) | DropTable(t) => Some(&t.name),
            RenameTable { to, .. } => Some(to),
            SetTableComment { table, .. }
            | AddColumn { table, .. }
            | DropColumn { table, .. }
            | RenameColumn { table, .. }
            | AlterColumnType { table, .. }
            | DropNotNull { table, .. }
            | SetNotNull { table, .. }
            | SetDefault { table, .. }
            | SetIdentity { table, .. }
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
            | DropCheck { table, .. } => Some(table),
        }
    }

    /// What the change does, for people: "add column `pets.weight` (integer, nullable)".
    pub fn describe(&self) -> String {
        use Change::*;
        let col = |t: &str, c: &str| format!("`{t}.{c}`");
        match self {
            CreateEnum(e) => format!("create enum `{}` ({})", e.name, e.values.join(", ")),
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
        }
    }

    /// A short snake_case description, used to name generated migration files.
    pub fn slug(&self) -> String {
        use Change::*;
        match self {
            CreateEnum(e) => format!("create_{}", e.name),
            DropEnum(e) => format!("drop_{}", e.name),
            AddEnumValue { enum_name, .. } => format!("add_{enum_name}_value"),
            RebuildEnum { to, .. } => format!("change_{}", to.name),
            SetEnumComment { enum_name, .. } => format!("comment_{enum_name}"),
            DropOldEnum { name } => format!("drop_{name}"),
            CreateTable(t) => format!("create_{}", t.name),
            DropTable(t) => format!("drop_{}", t.name),
            RenameTable { from, to } => format!("rename_{from}_to_{to}"),
            SetTableComment { table, .. } => format!("comment_{table}"),
            AddColumn { table, column } => format!("add_{table}_{}", column.name),
            DropColumn { table, column } => format!("drop_{table}_{}", column.name),
            RenameColumn { table, to, .. } => format!("rename_{table}_{to}"),
            AlterColumnType { table, column, .. }
            | DropNotNull { table, column }
            | SetNotNull { table, column, .. }
            | SetDefault { table, column, .. }
            | SetIdentity { table, column, .. } => format!("alter_{table}_{column}"),
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
        }
    }
}

/// The changes from `from` to `to`, ordered for execution, plus what the check of unsafe changes
/// needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diff {
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// How a declared table relates to the one it came from.
struct TablePair<'a> {
    old: &'a Table,
    new: &'a Table,
}

/// Computes the ordered changes that turn `from` into `to`.
pub fn diff(from: &Schema, to: &Schema) -> Diff {
    let mut d = Differ::default();
    d.run(from, to);
    Diff {
        changes: d.finish(),
    }
}

/// Changes sorted into phases; each phase keeps insertion order, so output is deterministic.
#[derive(Default)]
struct Differ {
    drop_fks: Vec<Change>,
    drop_constraints: Vec<Change>,
    /// Before renames and creations, which may take the names of their keys, indexes and types.
    drop_tables: Vec<Change>,
    renames: Vec<Change>,
    enums: Vec<Change>,
    create_tables: Vec<Change>,
    columns: Vec<Change>,
    add_constraints: Vec<Change>,
    add_fks: Vec<Change>,
    drops: Vec<Change>,
    drop_enums: Vec<Change>,
    comments: Vec<Change>,
    /// `(table, name)` of primary keys renamed, both names: relations, unlike other constraints.
    renamed_keys: HashSet<(String, String)>,
}

impl Differ {
    fn finish(self) -> Vec<Change> {
        [
            self.drop_fks,
            self.drop_constraints,
            self.drop_tables,
            order_renames(self.renames, &self.renamed_keys),
            self.enums,
            self.create_tables,
            self.columns,
            self.add_constraints,
            self.add_fks,
            self.drops,
            self.drop_enums,
            self.comments,
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn run(&mut self, from: &Schema, to: &Schema) {
        self.enums(from, to);

        // Pair declared tables with existing ones, by name or by `renamed_from`.
        let mut pairs: Vec<TablePair<'_>> = Vec::new();
        let mut created: Vec<&Table> = Vec::new();
        let mut matched_old: HashSet<&str> = HashSet::new();
        for new in &to.tables {
            let old = from.table(&new.name).or_else(|| {
                new.renamed_from
                    .as_deref()
                    .filter(|r| to.table(r).is_none())
                    .and_then(|r| from.table(r))
            });
            match old {
                Some(old) => {
                    matched_old.insert(&old.name);
                    pairs.push(TablePair { old, new });
                }
                None => created.push(new),
            }
        }
        let dropped: Vec<&Table> = from
            .tables
            .iter()
            .filter(|t| !matched_old.contains(t.name.as_str()))
            .collect();

        // Old names of renamed tables map to new names, for foreign keys that point at them.
        let renamed: HashMap<&str, &str> = pairs
            .iter()
            .filter(|p| p.old.name != p.new.name)
            .map(|p| (p.old.name.as_str(), p.new.name.as_str()))
            .collect();

        // Keys dropped or rebuilt, by old table and column names: PostgreSQL ties a foreign key
        // to the key it uses, so foreign keys that use one are dropped and added again. Keys
        // kept, by new names: a new table's foreign key can use them at once.
        let mut dropped_keys: HashSet<(&str, BTreeSet<&str>)> = HashSet::new();
        let mut kept_keys: HashSet<(&str, BTreeSet<String>)> = HashSet::new();
        for p in &pairs {
            for (before, after, kept) in old_keys(p) {
                if kept {
                    kept_keys.insert((p.new.name.as_str(), after.into_iter().collect()));
                } else {
                    let before = before.iter().map(String::as_str).collect();
                    dropped_keys.insert((p.old.name.as_str(), before));
                }
            }
        }

        for p in &pairs {
            if p.old.name != p.new.name {
                self.renames.push(Change::RenameTable {
                    from: p.old.name.clone(),
                    to: p.new.name.clone(),
                });
            }
            self.table(p, &renamed, &dropped_keys);
        }

        self.create_tables(&created, &kept_keys);

        for t in dropped {
            // A dropped table's own foreign keys go first, so dropped tables can go in any order.
            // (Foreign keys of surviving tables that point here vanish from the declared schema
            // and are dropped by that table's diff.)
            for fk in &t.foreign_keys {
                self.drop_fks.push(Change::DropForeignKey {
                    table: t.name.clone(),
                    fk: fk.clone(),
                });
            }
            self.drop_tables.push(Change::DropTable(t.clone()));
        }
    }

    fn enums(&mut self, from: &Schema, to: &Schema) {
        for new in &to.enums {
            match from.enum_type(&new.name) {
                None => self.enums.push(Change::CreateEnum(new.clone())),
                Some(old) => {
                    if old.values != new.values {
                        let only_added = old.values.iter().all(|v| new.values.contains(v)) && {
                            // Surviving labels keep their relative order.
                            let kept: Vec<&String> = new
                                .values
                                .iter()
                                .filter(|v| old.values.contains(v))
                                .collect();
                            kept.iter().zip(&old.values).all(|(a, b)| *a == b)
                        };
                        if only_added {
                            for (i, v) in new.values.iter().enumerate() {
                                if !old.values.contains(v) {
                                    let before = new.values[i + 1..]
                                        .iter()
                                        .find(|n| old.values.contains(n))
                                        .cloned();
                                    self.enums.push(Change::AddEnumValue {
                                        enum_name: new.name.clone(),
                                        value: v.clone(),
                                        before,
                                    });
                                }
                            }
                        } else {
                            // Columns that exist before the migration and already use the enum;
                            // new columns and retyped ones get the new type from their own change.
                            let columns = to
                                .tables
                                .iter()
                                .flat_map(|t| {
                                    let old_t = from.table(&t.name).or_else(|| {
                                        t.renamed_from.as_deref().and_then(|r| from.table(r))
                                    });
                                    t.columns
                                        .iter()
                                        .filter(move |c| {
                                            c.ty.enum_name() == Some(new.name.as_str())
                                                && old_t
                                                    .and_then(|ot| {
                                                        ot.column(&c.name).or_else(|| {
                                                            c.renamed_from
                                                                .as_deref()
                                                                .and_then(|r| ot.column(r))
                                                        })
                                                    })
                                                    .is_some_and(|oc| oc.ty == c.ty)
                                        })
                                        .map(|c| (t.name.clone(), c.name.clone()))
                                })
                                .collect();
                            self.enums.push(Change::RebuildEnum {
                                from: old.clone(),
                                to: new.clone(),
                                columns,
                            });
                            // Columns dropped or retyped later may use the old type until then.
                            self.drop_enums.push(Change::DropOldEnum {
                                name: old_enum_name(&new.name),
                            });
                        }
                    }
                    if old.comment != new.comment {
                        self.comments.push(Change::SetEnumComment {
                            enum_name: new.name.clone(),
                            comment: new.comment.clone(),
                        });
                    }
                }
            }
        }
        for old in &from.enums {
            if to.enum_type(&old.name).is_none() {
                self.drop_enums.push(Change::DropEnum(old.clone()));
            }
        }
    }

    /// New tables, referenced tables first; foreign keys that close a cycle or point at a table
    /// created later are added once every table exists.
    fn create_tables(&mut self, created: &[&Table], kept_keys: &HashSet<(&str, BTreeSet<String>)>) {
        let names: BTreeSet<&str> = created.iter().map(|t| t.name.as_str()).collect();
        let mut done: HashSet<&str> = HashSet::new();
        let mut remaining: Vec<&Table> = created.to_vec();
        while !remaining.is_empty() {
            // The first table (in declaration order) whose new dependencies all exist.
            let pos = remaining
                .iter()
                .position(|t| {
                    t.foreign_keys.iter().all(|fk| {
                        fk.ref_table == t.name
                            || !names.contains(fk.ref_table.as_str())
                            || done.contains(fk.ref_table.as_str())
                    })
                })
                // A cycle: take the first table and defer its forward references.
                .unwrap_or(0);
            let t = remaining.remove(pos);
            let mut table = t.clone();
            // A reference to the table's own unique index waits for the index.
            let to_own_key = |fk: &ForeignKey| {
                fk.ref_table == t.name
                    && t.primary_key.as_ref().is_some_and(|pk| {
                        pk.columns.len() == fk.ref_columns.len()
                            && fk.ref_columns.iter().all(|c| pk.columns.contains(c))
                    })
            };
            // A reference to a key that an existing table gets in this migration waits for it.
            let to_kept_key = |fk: &ForeignKey| {
                let key = (
                    fk.ref_table.as_str(),
                    fk.ref_columns.iter().cloned().collect(),
                );
                kept_keys.contains(&key)
            };
            let (inline, deferred): (Vec<ForeignKey>, Vec<ForeignKey>) =
                t.foreign_keys.iter().cloned().partition(|fk| {
                    to_own_key(fk)
                        || done.contains(fk.ref_table.as_str())
                        || (!names.contains(fk.ref_table.as_str()) && to_kept_key(fk))
                });
            table.foreign_keys = inline;
            // Indexes are created after the table, so the statement stays one per index.
            let indexes = std::mem::take(&mut table.indexes);
            self.create_tables.push(Change::CreateTable(table));
            for index in indexes {
                self.create_tables.push(Change::CreateIndex {
                    table: t.name.clone(),
                    index,
                    existing_table: false,
                });
            }
            for fk in deferred {
                // The new key of an existing table may be built concurrently, after the
                // transaction: the foreign key then comes after it, as on an existing table.
                let existing_table = !names.contains(fk.ref_table.as_str());
                self.add_fks.push(Change::AddForeignKey {
                    table: t.name.clone(),
                    fk,
                    existing_table,
                });
            }
            done.insert(&t.name);
        }
    }

    fn table(
        &mut self,
        p: &TablePair<'_>,
        renamed: &HashMap<&str, &str>,
        dropped_keys: &HashSet<(&str, BTreeSet<&str>)>,
    ) {
        let (old, new) = (p.old, p.new);
        let tname = &new.name;

        // Columns: match by name, or by `renamed_from`.
        let mut matched_old: HashSet<&str> = HashSet::new();
        let mut column_renames: HashMap<&str, &str> = HashMap::new();
        for col in &new.columns {
            let prev = old.column(&col.name).or_else(|| {
                col.renamed_from
                    .as_deref()
                    .filter(|r| new.column(r).is_none())
                    .and_then(|r| old.column(r))
            });
            match prev {
                None => self.columns.push(Change::AddColumn {
                    table: tname.clone(),
                    column: col.clone(),
                }),
                Some(prev) => {
                    matched_old.insert(&prev.name);
                    if prev.name != col.name {
                        column_renames.insert(&prev.name, &col.name);
                        self.renames.push(Change::RenameColumn {
                            table: tname.clone(),
                            from: prev.name.clone(),
                            to: col.name.clone(),
                        });
                    }
                    self.column(tname, prev, col);
                }
            }
        }
        for col in &old.columns {
            if !matched_old.contains(col.name.as_str()) {
                self.drops.push(Change::DropColumn {
                    table: tname.clone(),
                    column: col.clone(),
                });
            }
        }

        // Constraints compare after renames: old names mapped to new ones.
        let map_col = |c: &String| {
            column_renames
                .get(c.as_str())
                .map_or_else(|| c.clone(), |n| n.to_string())
        };
        let map_cols = |cs: &[String]| cs.iter().map(map_col).collect::<Vec<_>>();

        // Primary key: same columns under another name is a rename.
        let old_pk = old.primary_key.as_ref().map(|pk| PrimaryKey {
            name: pk.name.clone(),
            columns: map_cols(&pk.columns),
        });
        match (&old_pk, &new.primary_key) {
            (Some(o), Some(n)) if o == n => {}
            (Some(o), Some(n)) if o.columns == n.columns => {
                for name in [&o.name, &n.name] {
                    self.renamed_keys.insert((tname.clone(), name.clone()));
                }
                self.renames.push(Change::RenameConstraint {
                    table: tname.clone(),
                    from: o.name.clone(),
                    to: n.name.clone(),
                })
            }
            _ => {
                if let Some(key) = &old.primary_key {
                    self.drop_constraints.push(Change::DropPrimaryKey {
                        table: tname.clone(),
                        key: key.clone(),
                    });
                }
                if let Some(key) = &new.primary_key {
                    self.add_constraints.push(Change::AddPrimaryKey {
                        table: tname.clone(),
                        key: key.clone(),
                    });
                }
            }
        }

        // Columns whose type changes, directly or by a rebuilt enum. PostgreSQL parses the checks
        // and predicates over them again for the new type, from its own rendering of them, where
        // a string is a literal of the old type and a cast that did nothing is gone
        // (`length(t::text)` becomes `length(t)`): those that have either are dropped before the
        // change and added again after.
        let rebuilt: HashSet<String> = self
            .enums
            .iter()
            .filter_map(|c| match c {
                Change::RebuildEnum { to, .. } => Some(to.name.clone()),
                _ => None,
            })
            .collect();
        let retyped: HashSet<&str> = new
            .columns
            .iter()
            .filter(|c| {
                old.column(&c.name)
                    .or_else(|| c.renamed_from.as_deref().and_then(|r| old.column(r)))
                    .is_some_and(|o| o.ty != c.ty)
                    || c.ty.enum_name().is_some_and(|e| rebuilt.contains(e))
            })
            .map(|c| c.name.as_str())
            .collect();
        let over_retyped = |expr: &str| {
            (expr.contains('\'') || expr.contains("::"))
                && column_references(expr)
                    .iter()
                    .any(|(c, _)| retyped.contains(c.as_str()))
        };

        // Indexes, by name; an unmatched old index with the same definition as an unmatched new
        // one is a rename.
        let old_ix: Vec<Index> = old
            .indexes
            .iter()
            .map(|ix| Index {
                columns: map_cols(&ix.columns),
                ..ix.clone()
            })
            .collect();
        let (gone, added) = unmatched(&old_ix, &new.indexes, |i| &i.name);
        let mut gone: Vec<&Index> = gone;
        for ix in &new.indexes {
            if ix.predicate.as_deref().is_some_and(over_retyped)
                && let Some(o) = old.indexes.iter().find(|o| o.name == ix.name)
                && !added.contains(&ix)
            {
                self.drop_constraints.push(Change::DropIndex {
                    table: tname.clone(),
                    index: o.clone(),
                });
                self.add_constraints.push(Change::CreateIndex {
                    table: tname.clone(),
                    index: ix.clone(),
                    existing_table: true,
                });
            }
        }
        for ix in added {
            let same = |o: &&Index| {
                Index {
                    name: ix.name.clone(),
                    ..(*o).clone()
                } == *ix
                    && !ix.predicate.as_deref().is_some_and(over_retyped)
            };
            if let Some(pos) = gone.iter().position(same) {
                let o = gone.remove(pos);
                self.renames.push(Change::RenameIndex {
                    table: tname.clone(),
                    from: o.clone(),
                    to: ix.clone(),
                });
            } else {
                self.add_constraints.push(Change::CreateIndex {
                    table: tname.clone(),
                    index: ix.clone(),
                    existing_table: true,
                });
            }
        }
        for o in gone {
            let original = old.indexes.iter().find(|i| i.name == o.name).unwrap_or(o);
            self.drop_constraints.push(Change::DropIndex {
                table: tname.clone(),
                index: original.clone(),
            });
        }

        // Checks, by name, expressions compared as written; same expression renamed is a rename.
        let (gone, added) = unmatched(&old.checks, &new.checks, |c| &c.name);
        let mut gone: Vec<&Check> = gone;
        for ck in &new.checks {
            if over_retyped(&ck.expr) && !added.contains(&ck) {
                self.drop_constraints.push(Change::DropCheck {
                    table: tname.clone(),
                    check: ck.clone(),
                });
                self.add_constraints.push(Change::AddCheck {
                    table: tname.clone(),
                    check: ck.clone(),
                    existing_table: true,
                });
            }
        }
        for ck in added {
            let same = |o: &&Check| o.expr == ck.expr && !over_retyped(&ck.expr);
            if let Some(pos) = gone.iter().position(same) {
                let o = gone.remove(pos);
                self.renames.push(Change::RenameConstraint {
                    table: tname.clone(),
                    from: o.name.clone(),
                    to: ck.name.clone(),
                });
            } else {
                self.add_constraints.push(Change::AddCheck {
                    table: tname.clone(),
                    check: ck.clone(),
                    existing_table: true,
                });
            }
        }
        for o in gone {
            self.drop_constraints.push(Change::DropCheck {
                table: tname.clone(),
                check: o.clone(),
            });
        }

        // Foreign keys, by name; a target renamed is followed; a retyped column recreates it.
        let old_fks: Vec<ForeignKey> = old
            .foreign_keys
            .iter()
            // A foreign key that uses a dropped key goes, and comes back once the new key exists.
            .filter(|fk| {
                let key = fk.ref_columns.iter().map(String::as_str).collect();
                !dropped_keys.contains(&(fk.ref_table.as_str(), key))
            })
            .map(|fk| ForeignKey {
                columns: map_cols(&fk.columns),
                ref_table: renamed
                    .get(fk.ref_table.as_str())
                    .map_or_else(|| fk.ref_table.clone(), |n| n.to_string()),
                ..fk.clone()
            })
            // A foreign key on a retyped column is dropped and added again around the change.
            .filter(|fk| !fk.columns.iter().any(|c| retyped.contains(c.as_str())))
            .collect();
        let (gone, added) = unmatched(&old_fks, &new.foreign_keys, |f| &f.name);
        let mut gone: Vec<&ForeignKey> = gone;
        for fk in added {
            let same = |o: &&ForeignKey| {
                ForeignKey {
                    name: fk.name.clone(),
                    ..(*o).clone()
                } == *fk
            };
            if let Some(pos) = gone.iter().position(same) {
                let o = gone.remove(pos);
                self.renames.push(Change::RenameConstraint {
                    table: tname.clone(),
                    from: o.name.clone(),
                    to: fk.name.clone(),
                });
            } else {
                self.add_fks.push(Change::AddForeignKey {
                    table: tname.clone(),
                    fk: fk.clone(),
                    existing_table: true,
                });
            }
        }
        let kept: HashSet<&str> = old_fks.iter().map(|f| f.name.as_str()).collect();
        for fk in &old.foreign_keys {
            let dropped =
                gone.iter().any(|g| g.name == fk.name) || !kept.contains(fk.name.as_str());
            if dropped {
                self.drop_fks.push(Change::DropForeignKey {
                    table: tname.clone(),
                    fk: fk.clone(),
                });
            }
        }

        if old.comment != new.comment {
            self.comments.push(Change::SetTableComment {
                table: tname.clone(),
                comment: new.comment.clone(),
            });
        }
    }

    /// Column changes, ordered so each statement is valid after the previous ones: identity goes
    /// before a type change and comes back after the default is gone and the column is NOT NULL.
    fn column(&mut self, table: &str, old: &Column, new: &Column) {
        let t = table.to_string();
        let c = new.name.clone();
        let identity = Change::SetIdentity {
            table: t.clone(),
            column: c.clone(),
            from: old.identity,
            to: new.identity,
        };
        let identity_changed = old.identity != new.identity;
        if identity_changed && new.identity.is_none() {
            self.columns.push(identity.clone());
        }
        if old.ty != new.ty {
            self.columns.push(Change::AlterColumnType {
                table: t.clone(),
                column: c.clone(),
                from: old.ty.clone(),
                to: new.ty.clone(),
            });
        }
        if old.default != new.default {
            self.columns.push(Change::SetDefault {
                table: t.clone(),
                column: c.clone(),
                from: old.default.clone(),
                to: new.default.clone(),
            });
        }
        match (old.nullable, new.nullable) {
            (false, true) => self.columns.push(Change::DropNotNull {
                table: t.clone(),
                column: c.clone(),
            }),
            (true, false) => self.columns.push(Change::SetNotNull {
                table: t.clone(),
                column: c.clone(),
                backfill: new.backfill.clone().or_else(|| new.default.clone()),
            }),
            _ => {}
        }
        if identity_changed && new.identity.is_some() {
            self.columns.push(identity);
        }
        if old.comment != new.comment {
            self.comments.push(Change::SetColumnComment {
                table: t,
                column: c,
                comment: new.comment.clone(),
            });
        }
    }
}

/// The names a rename gives up and takes: relations (tables, indexes, and primary keys, which are
/// indexes too: those in `keys`) share one namespace, the constraints of a table and its columns
/// another each.
fn rename_names(c: &Change, keys: &HashSet<(String, String)>) -> (Vec<String>, Vec<String>) {
    match c {
        Change::RenameConstraint { table, from, to }
            if !keys.contains(&(table.clone(), to.clone())) =>
        {
            (
                vec![format!("c\0{table}\0{from}")],
                vec![format!("c\0{table}\0{to}")],
            )
        }
        Change::RenameTable { from, to } => (vec![format!("r\0{from}")], vec![format!("r\0{to}")]),
        Change::RenameIndex { from, to, .. } => (
            vec![format!("r\0{}", from.name)],
            vec![format!("r\0{}", to.name)],
        ),
        Change::RenameConstraint { table, from, to } => (
            vec![format!("r\0{from}"), format!("c\0{table}\0{from}")],
            vec![format!("r\0{to}"), format!("c\0{table}\0{to}")],
        ),
        Change::RenameColumn { table, from, to } => (
            vec![format!("k\0{table}\0{from}")],
            vec![format!("k\0{table}\0{to}")],
        ),
        _ => (Vec::new(), Vec::new()),
    }
}

/// Renames in an order in which every name is free when it is taken: a rename that takes a name
/// another one gives up goes after it, and the renames inside a renamed table that name it after
/// the table's. A cycle (two indexes that swap names) passes through a free name
/// ([`swap_name`]). Otherwise the order is kept.
fn order_renames(mut pending: Vec<Change>, keys: &HashSet<(String, String)>) -> Vec<Change> {
    let waits_for = |x: &Change, y: &Change| {
        // `ALTER INDEX` names no table; the other renames inside a table name it.
        let names_table = !matches!(x, Change::RenameTable { .. } | Change::RenameIndex { .. });
        let table_first = matches!(y, Change::RenameTable { to, .. }
            if names_table && x.table() == Some(to.as_str()));
        let (_, takes) = rename_names(x, keys);
        let (gives, _) = rename_names(y, keys);
        table_first || takes.iter().any(|n| gives.contains(n))
    };
    let mut out = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let next = (0..pending.len()).find(|&i| {
            !pending
                .iter()
                .enumerate()
                .any(|(j, y)| j != i && waits_for(&pending[i], y))
        });
        match next {
            Some(i) => out.push(pending.remove(i)),
            None => {
                let first = pending.remove(0);
                // A rename already set aside goes on as it is, or this would never end.
                let aside = rename_names(&first, keys)
                    .0
                    .iter()
                    .any(|n| is_swap_name(n.rsplit('\0').next().unwrap_or(n)));
                match via_free_name(&first, out.len()).filter(|_| !aside) {
                    Some((aside, rest)) => {
                        out.push(aside);
                        pending.insert(0, rest);
                    }
                    None => out.push(first),
                }
            }
        }
    }
    out
}

/// The free name a rename of a cycle passes through.
pub fn swap_name(n: usize) -> String {
    format!("_migrate_swap_{n}")
}

/// Whether `name` is one of [`swap_name`]'s.
pub fn is_swap_name(name: &str) -> bool {
    name.strip_prefix("_migrate_swap_")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `from → to` as `from → swap` and then `swap → to`.
fn via_free_name(c: &Change, n: usize) -> Option<(Change, Change)> {
    let mid = swap_name(n);
    Some(match c.clone() {
        Change::RenameIndex { table, from, to } => {
            let aside = Index {
                name: mid,
                ..from.clone()
            };
            (
                Change::RenameIndex {
                    table: table.clone(),
                    from,
                    to: aside.clone(),
                },
                Change::RenameIndex {
                    table,
                    from: aside,
                    to,
                },
            )
        }
        Change::RenameConstraint { table, from, to } => (
            Change::RenameConstraint {
                table: table.clone(),
                from,
                to: mid.clone(),
            },
            Change::RenameConstraint {
                table,
                from: mid,
                to,
            },
        ),
        Change::RenameColumn { table, from, to } => (
            Change::RenameColumn {
                table: table.clone(),
                from,
                to: mid.clone(),
            },
            Change::RenameColumn {
                table,
                from: mid,
                to,
            },
        ),
        Change::RenameTable { from, to } => (
            Change::RenameTable {
                from,
                to: mid.clone(),
            },
            Change::RenameTable { from: mid, to },
        ),
        _ => return None,
    })
}

/// The keys of a table before the migration (primary key, unique non-partial indexes): their
/// columns then, their columns after (through renames), and whether the migration keeps them (a
/// key whose columns change type is rebuilt, and only after the change fits the new types).
fn old_keys<'a>(p: &TablePair<'a>) -> Vec<(&'a [String], Vec<String>, bool)> {
    let (old, new) = (p.old, p.new);
    let renamed = |c: &String| {
        let to = new.column(c).or_else(|| {
            new.columns
                .iter()
                .find(|n| old.column(&n.name).is_none() && n.renamed_from.as_ref() == Some(c))
        });
        to.map_or_else(|| c.clone(), |n| n.name.clone())
    };
    let map = |cs: &[String]| cs.iter().map(renamed).collect::<Vec<_>>();
    let same_types = |before: &[String], after: &[String]| {
        before
            .iter()
            .zip(after)
            .all(|(b, a)| old.column(b).map(|c| &c.ty) == new.column(a).map(|c| &c.ty))
    };
    let mut keys = Vec::new();
    if let Some(pk) = &old.primary_key {
        let after = map(&pk.columns);
        let kept = new.primary_key.as_ref().is_some_and(|n| n.columns == after)
            && same_types(&pk.columns, &after);
        keys.push((pk.columns.as_slice(), after, kept));
    }
    for ix in old
        .indexes
        .iter()
        // PostgreSQL keeps no predicate that is always true, so a foreign key may use that index.
        .filter(|ix| {
            ix.unique
                && ix
                    .predicate
                    .as_deref()
                    .is_none_or(|p| p.trim().eq_ignore_ascii_case("true"))
        })
    {
        let mapped = Index {
            columns: map(&ix.columns),
            ..ix.clone()
        };
        // Kept under its name, or renamed: the same definition under a name that is new.
        let kept = new.indexes.iter().any(|n| {
            let renamed = old.indexes.iter().all(|o| o.name != n.name);
            (n.name == ix.name || renamed)
                && *n
                    == Index {
                        name: n.name.clone(),
                        ..mapped.clone()
                    }
        });
        let kept = kept && same_types(&ix.columns, &mapped.columns);
        keys.push((ix.columns.as_slice(), mapped.columns, kept));
    }
    keys
}

/// The name a rebuilt enum's previous type goes by until it is dropped.
pub fn old_enum_name(name: &str) -> String {
    const SUFFIX: &str = "__old";
    // Within PostgreSQL's 63 bytes, or it would truncate the name back to the enum's own.
    let mut cut = name
        .len()
        .min(crate::schema::validate::MAX_IDENT_BYTES - SUFFIX.len());
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{SUFFIX}", &name[..cut])
}

/// Items of `old` with no equal item of the same name in `new`, and items of `new` with no equal
/// item of the same name in `old`.
fn unmatched<'a, T: PartialEq>(
    old: &'a [T],
    new: &'a [T],
    name: impl Fn(&T) -> &String,
) -> (Vec<&'a T>, Vec<&'a T>) {
    let gone = old
        .iter()
        .filter(|o| new.iter().find(|n| name(n) == name(o)) != Some(*o))
        .collect();
    let added = new
        .iter()
        .filter(|n| old.iter().find(|o| name(o) == name(n)) != Some(*n))
        .collect();
    (gone, added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::load_str;

    fn schema(src: &str) -> Schema {
        load_str("t.toml", src).unwrap_or_else(|e| panic!("{e}"))
    }

    fn slugs(a: &str, b: &str) -> Vec<String> {
        diff(&schema(a), &schema(b))
            .changes
            .iter()
            .map(Change::slug)
            .collect()
    }

    const PETS: &str = r#"
[enums.kind]
values = ["CAT", "DOG"]
[tables.owners]
model = "Owner"
columns = { id = { type = "uuid", primary_key = true } }
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
owner_id = { type = "uuid", references = "owners.id" }
kind = "kind"
name = "text"
"#;

    #[test]
    fn empty_to_schema_creates_in_dependency_order() {
        let s = slugs("", PETS);
        assert_eq!(s, ["create_kind", "create_owners", "create_pets"]);
    }

    #[test]
    fn same_schema_is_empty() {
        assert!(diff(&schema(PETS), &schema(PETS)).is_empty());
    }

    #[test]
    fn referencing_table_declared_first_is_created_second() {
        let src = r#"
[tables.b]
model = "B"
columns = { id = { type = "integer", primary_key = true }, a_id = { type = "integer", references = "a.id" } }
[tables.a]
model = "A"
columns = { id = { type = "integer", primary_key = true } }
"#;
        assert_eq!(slugs("", src), ["create_a", "create_b"]);
    }

    #[test]
    fn cycles_defer_a_foreign_key() {
        let src = r#"
[tables.a]
model = "A"
columns = { id = { type = "integer", primary_key = true }, b_id = { type = "integer", nullable = true, references = "b.id" } }
[tables.b]
model = "B"
columns = { id = { type = "integer", primary_key = true }, a_id = { type = "integer", nullable = true, references = "a.id" } }
"#;
        assert_eq!(slugs("", src), ["create_a", "create_b", "add_a_b_id_fkey"]);
    }

    #[test]
    fn renames_follow_renamed_from() {
        let b = PETS.replace(
            "name = \"text\"",
            "title = { type = \"text\", renamed_from = \"name\" }",
        );
        assert_eq!(slugs(PETS, &b), ["rename_pets_title"]);
        let c = PETS
            .replace(
                "[tables.pets]\n",
                "[tables.animals]\nrenamed_from = \"pets\"\n",
            )
            .replace("tables.pets.", "tables.animals.");
        assert_eq!(
            slugs(PETS, &c),
            [
                "rename_pets_to_animals",
                "rename_animals_pkey",
                "rename_animals_owner_id_fkey"
            ]
        );
    }

    #[test]
    fn enum_values_added_in_place_or_rebuilt() {
        let b = PETS.replace(
            "[\"CAT\", \"DOG\"]",
            "[\"CAT\", \"BIRD\", \"DOG\", \"FISH\"]",
        );
        let d = diff(&schema(PETS), &schema(&b));
        assert_eq!(
            d.changes[0],
            Change::AddEnumValue {
                enum_name: "kind".into(),
                value: "BIRD".into(),
                before: Some("DOG".into())
            }
        );
        assert_eq!(
            d.changes[1],
            Change::AddEnumValue {
                enum_name: "kind".into(),
                value: "FISH".into(),
                before: None
            }
        );
        let c = PETS.replace("[\"CAT\", \"DOG\"]", "[\"CAT\"]");
        assert!(matches!(
            diff(&schema(PETS), &schema(&c)).changes[0],
            Change::RebuildEnum { .. }
        ));
    }

    #[test]
    fn dropped_table_drops_fk_first() {
        let b = r#"
[enums.kind]
values = ["CAT", "DOG"]
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
owner_id = { type = "uuid" }
kind = "kind"
name = "text"
"#;
        assert_eq!(slugs(PETS, b), ["drop_pets_owner_id_fkey", "drop_owners"]);
    }

    #[test]
    fn output_is_deterministic() {
        let a = diff(&Schema::default(), &schema(PETS));
        for _ in 0..5 {
            assert_eq!(diff(&Schema::default(), &schema(PETS)), a);
        }
    }
}
