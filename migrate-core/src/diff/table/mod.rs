//! The changes inside a table that exists before and after: its columns, primary key, indexes,
//! checks, foreign keys and comment, each in a module of its own over a [`TableCx`].

mod checks;
mod columns;
mod foreign_keys;
mod indexes;
mod key;
mod partitions;

pub(super) use partitions::{attached_tables, detached_and_kept};

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{Change, Differ, TablePair};
use crate::schema::expr::column_references;
use crate::schema::{Schema, Table};

/// What the parts of a table's diff share: the table before and after, and what happened to its
/// columns.
struct TableCx<'a> {
    old: &'a Table,
    new: &'a Table,
    /// Renamed columns: old name to new name.
    column_renames: HashMap<&'a str, &'a str>,
    /// The columns whose type changes, by new name ([`Differ::retyped`]).
    retyped: HashSet<&'a str>,
}

impl TableCx<'_> {
    fn name(&self) -> &String {
        &self.new.name
    }

    /// Column names after the migration: constraints compare after renames.
    fn map_cols(&self, cs: &[String]) -> Vec<String> {
        let map_col = |c: &String| {
            self.column_renames
                .get(c.as_str())
                .map_or_else(|| c.clone(), |n| n.to_string())
        };
        cs.iter().map(map_col).collect()
    }

    /// Whether PostgreSQL must parse `expr` again after the migration: it uses a retyped column
    /// and holds a string or a cast ([`Differ::retyped`]).
    fn over_retyped(&self, expr: &str) -> bool {
        (expr.contains('\'') || expr.contains("::"))
            && column_references(expr)
                .iter()
                .any(|(c, _)| self.retyped.contains(c.as_str()))
    }
}

impl Differ {
    pub(super) fn table(
        &mut self,
        p: &TablePair<'_>,
        renamed: &HashMap<&str, &str>,
        dropped_keys: &HashSet<(&str, BTreeSet<&str>)>,
        (from, to): (&Schema, &Schema),
    ) {
        let (old, new) = (p.old, p.new);
        let column_renames = self.columns(old, new);
        let retyped = self.retyped(old, new);
        let cx = TableCx {
            old,
            new,
            column_renames,
            retyped,
        };
        self.primary_key(&cx);
        self.indexes(&cx);
        self.checks(&cx);
        self.foreign_keys(&cx, renamed, dropped_keys);
        self.table_comment(&cx);
        self.persistence(&cx);
        self.partitions(&cx, from, to);
    }

    /// Columns whose type changes, directly or by a rebuilt enum. PostgreSQL parses the checks
    /// and predicates over them again for the new type, from its own rendering of them, where
    /// a string is a literal of the old type and a cast that did nothing is gone
    /// (`length(t::text)` becomes `length(t)`): those that have either are dropped before the
    /// change and added again after.
    fn retyped<'a>(&self, old: &Table, new: &'a Table) -> HashSet<&'a str> {
        let rebuilt: HashSet<String> = self
            .enums
            .iter()
            .filter_map(|c| match c {
                Change::RebuildEnum { to, .. } => Some(to.name.clone()),
                _ => None,
            })
            .collect();
        new.columns
            .iter()
            .filter(|c| {
                old.column(&c.name)
                    .or_else(|| c.renamed_from.as_deref().and_then(|r| old.column(r)))
                    .is_some_and(|o| o.ty != c.ty)
                    || c.ty.enum_name().is_some_and(|e| rebuilt.contains(e))
            })
            .map(|c| c.name.as_str())
            .collect()
    }

    /// UNLOGGED or LOGGED.
    fn persistence(&mut self, cx: &TableCx<'_>) {
        let (old, new, tname) = (cx.old, cx.new, cx.name());
        if old.unlogged != new.unlogged {
            self.columns.push(Change::SetUnlogged {
                table: tname.clone(),
                unlogged: new.unlogged,
            });
        }
    }

    fn table_comment(&mut self, cx: &TableCx<'_>) {
        let (old, new, tname) = (cx.old, cx.new, cx.name());
        if old.comment != new.comment {
            self.comments.push(Change::SetTableComment {
                table: tname.clone(),
                comment: new.comment.clone(),
            });
        }
    }
}
