//! How a live schema differs from the one expected, one line each.

use std::collections::HashSet;

use super::normalize_for;
use crate::dialect::Dialect;
use crate::diff::{Change, diff};
use crate::schema::{ForeignKey, Identity, Index, IndexMethod, PrimaryKey, Schema};

/// How `live` differs from `expected` (both normalised for `dialect`), one line per difference,
/// from the database's point of view ("column `pets.name` has the type varchar(20), expected
/// text"), sorted. Empty when they match. On PostgreSQL, give `expected` the server's spelling of
/// its literals first ([`canonical_literals`](super::canonical_literals)) for an exact
/// comparison.
pub fn drift(live: &Schema, expected: &Schema, dialect: Dialect) -> Vec<String> {
    let live = normalize_for(dialect, live);
    let expected = normalize_for(dialect, expected);
    let changes = diff(&live, &expected).changes;
    let mut lines = Vec::new();
    let mut paired: HashSet<usize> = HashSet::new();
    for (i, c) in changes.iter().enumerate() {
        if paired.contains(&i) {
            continue;
        }
        // A drop and an add of the same name is one object defined differently.
        let partner = changes
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, o)| match (c, o) {
                (
                    Change::DropIndex { table: a, index: x },
                    Change::CreateIndex {
                        table: b, index: y, ..
                    },
                ) => a == b && x.name == y.name,
                (
                    Change::DropForeignKey { table: a, fk: x },
                    Change::AddForeignKey {
                        table: b, fk: y, ..
                    },
                ) => a == b && x.name == y.name,
                (
                    Change::DropCheck { table: a, check: x },
                    Change::AddCheck {
                        table: b, check: y, ..
                    },
                ) => a == b && x.name == y.name,
                (
                    Change::DropPrimaryKey { table: a, .. },
                    Change::AddPrimaryKey { table: b, .. },
                ) => a == b,
                (Change::DropView(a), Change::CreateView(b)) => a.name == b.name,
                (Change::DropFunction(a), Change::CreateFunction(b)) => a.name == b.name,
                (Change::DropTrigger(a), Change::CreateTrigger(b)) => a.name == b.name,
                _ => false,
            });
        if let Some((j, o)) = partner {
            paired.insert(j);
            lines.push(differs(c, o));
            continue;
        }
        if let Some(line) = drift_line(c, &live) {
            lines.push(line);
        }
    }
    lines.sort();
    lines
}

fn index_def(ix: &Index) -> String {
    let mut s = format!(
        "{}({})",
        if ix.unique { "UNIQUE " } else { "" },
        ix.columns.join(", ")
    );
    if ix.method != IndexMethod::Btree {
        s.push_str(&format!(" USING {}", ix.method.as_str()));
    }
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}

fn fk_def(fk: &ForeignKey) -> String {
    format!(
        "({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
        fk.columns.join(", "),
        fk.ref_table,
        fk.ref_columns.join(", "),
        fk.on_delete.sql(),
        fk.on_update.sql()
    )
}

fn pk_def(pk: &PrimaryKey) -> String {
    format!("`{}` ({})", pk.name, pk.columns.join(", "))
}

fn differs(drop: &Change, add: &Change) -> String {
    match (drop, add) {
        (Change::DropIndex { table, index: a }, Change::CreateIndex { index: b, .. }) => format!(
            "index `{}` on `{table}` is {}, expected {}",
            a.name,
            index_def(a),
            index_def(b)
        ),
        (Change::DropForeignKey { table, fk: a }, Change::AddForeignKey { fk: b, .. }) => format!(
            "foreign key `{}` of `{table}` is {}, expected {}",
            a.name,
            fk_def(a),
            fk_def(b)
        ),
        (Change::DropCheck { table, check: a }, Change::AddCheck { check: b, .. }) => format!(
            "check `{}` of `{table}` is ({}), expected ({})",
            a.name, a.expr, b.expr
        ),
        (Change::DropPrimaryKey { table, key: a }, Change::AddPrimaryKey { key: b, .. }) => {
            format!(
                "the primary key of `{table}` is {}, expected {}",
                pk_def(a),
                pk_def(b)
            )
        }
        (Change::DropView(a), Change::CreateView(_)) => {
            format!("view `{}` has another definition", a.name)
        }
        (Change::DropFunction(a), Change::CreateFunction(_)) => {
            format!("function `{}` has another definition", a.name)
        }
        (Change::DropTrigger(a), Change::CreateTrigger(_)) => {
            format!(
                "trigger `{}` on `{}` has another definition",
                a.name, a.table
            )
        }
        _ => format!("{}; {}", drop.describe(), add.describe()),
    }
}

fn shown(v: &Option<String>, none: &str) -> String {
    v.as_ref()
        .map_or_else(|| none.to_string(), |s| format!("{s:?}"))
}

fn drift_line(c: &Change, live: &Schema) -> Option<String> {
    let col = |t: &str, c: &str| format!("column `{t}.{c}`");
    let live_col = |t: &str, c: &str| live.table(t).and_then(|t| t.column(c));
    Some(match c {
        Change::CreateExtension(name) => format!("extension `{name}` is missing"),
        Change::CreateEnum(e) => format!("enum `{}` is missing", e.name),
        Change::CreateDomain(d) => format!("domain `{}` is missing", d.name),
        Change::AlterDomain { to, .. } => format!("domain `{}` differs", to.name),
        Change::CreateSequence(s) => format!("sequence `{}` is missing", s.name),
        Change::AlterSequence { to, .. } => format!("sequence `{}` differs", to.name),
        Change::DropEnum(e) => format!("enum `{}` exists but is not expected", e.name),
        Change::AddEnumValue {
            enum_name, value, ..
        } => format!("enum `{enum_name}` lacks the label `{value}`"),
        Change::RebuildEnum { from, to, .. } => format!(
            "enum `{}` has the labels ({}), expected ({})",
            to.name,
            from.values.join(", "),
            to.values.join(", ")
        ),
        Change::SetEnumComment { enum_name, comment } => format!(
            "enum `{enum_name}` has the comment {}, expected {}",
            shown(
                &live.enum_type(enum_name).and_then(|e| e.comment.clone()),
                "none"
            ),
            shown(comment, "none")
        ),
        Change::DropOldEnum { .. } => return None,
        Change::CreateTable(t) => format!("table `{}` is missing", t.name),
        Change::DropTable(t) => format!("table `{}` exists but is not expected", t.name),
        Change::RenameTable { from, to } => format!("table `{from}` is expected as `{to}`"),
        Change::SetTableComment { table, comment } => format!(
            "table `{table}` has the comment {}, expected {}",
            shown(&live.table(table).and_then(|t| t.comment.clone()), "none"),
            shown(comment, "none")
        ),
        Change::ValidateConstraint { table, name } => {
            format!("constraint `{name}` of `{table}` is NOT VALID, expected validated")
        }
        Change::SetUnlogged { table, unlogged } => format!(
            "table `{table}` is {}, expected {}",
            if *unlogged { "LOGGED" } else { "UNLOGGED" },
            if *unlogged { "UNLOGGED" } else { "LOGGED" }
        ),
        Change::AddColumn { table, column } => {
            format!("{} ({}) is missing", col(table, &column.name), column.ty)
        }
        Change::DropColumn { table, column } => {
            format!("{} exists but is not expected", col(table, &column.name))
        }
        Change::RenameColumn { table, from, to } => {
            format!("{} is expected as `{to}`", col(table, from))
        }
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
        } => format!("{} has the type {from}, expected {to}", col(table, column)),
        Change::DropNotNull { table, column } => {
            format!("{} is NOT NULL, expected nullable", col(table, column))
        }
        Change::SetNotNull { table, column, .. } => {
            format!("{} is nullable, expected NOT NULL", col(table, column))
        }
        Change::SetDefault {
            table,
            column,
            from,
            to,
        } => format!(
            "{} has the default {}, expected {}",
            col(table, column),
            from.as_deref().unwrap_or("none"),
            to.as_deref().unwrap_or("none")
        ),
        Change::SetIdentity {
            table,
            column,
            from,
            to,
        } => format!(
            "{} has identity {}, expected {}",
            col(table, column),
            from.map_or("none", Identity::as_str),
            to.map_or("none", Identity::as_str)
        ),
        Change::SetCollation {
            table,
            column,
            from,
            to,
            ..
        } => format!(
            "{} has the collation {}, expected {}",
            col(table, column),
            from.as_deref().unwrap_or("of its type"),
            to.as_deref().unwrap_or("of its type")
        ),
        Change::SetIdentityOptions {
            table,
            column,
            from,
            to,
        } => format!(
            "{} has the identity options {from:?}, expected {to:?}",
            col(table, column)
        ),
        Change::SetColumnComment {
            table,
            column,
            comment,
        } => format!(
            "{} has the comment {}, expected {}",
            col(table, column),
            shown(
                &live_col(table, column).and_then(|c| c.comment.clone()),
                "none"
            ),
            shown(comment, "none")
        ),
        Change::AddPrimaryKey { table, key } => {
            format!("table `{table}` lacks the primary key {}", pk_def(key))
        }
        Change::DropPrimaryKey { table, key } => format!(
            "table `{table}` has the primary key {}, expected none",
            pk_def(key)
        ),
        Change::RenameConstraint { table, from, to } => {
            format!("constraint `{from}` of `{table}` is expected to be named `{to}`")
        }
        Change::RenameIndex { from, to, .. } => {
            format!(
                "index `{}` is expected to be named `{}`",
                from.name, to.name
            )
        }
        Change::CreateIndex { table, index, .. } => format!(
            "index `{}` on `{table}` {} is missing",
            index.name,
            index_def(index)
        ),
        Change::DropIndex { table, index } => format!(
            "index `{}` on `{table}` exists but is not expected",
            index.name
        ),
        Change::AddForeignKey { table, fk, .. } => format!(
            "foreign key `{}` of `{table}` {} is missing",
            fk.name,
            fk_def(fk)
        ),
        Change::DropForeignKey { table, fk } => format!(
            "foreign key `{}` of `{table}` exists but is not expected",
            fk.name
        ),
        Change::AddCheck { table, check, .. } => format!(
            "check `{}` of `{table}` ({}) is missing",
            check.name, check.expr
        ),
        Change::DropCheck { table, check } => format!(
            "check `{}` of `{table}` exists but is not expected",
            check.name
        ),
        Change::AttachPartition {
            table, partition, ..
        } => {
            format!("partition `{}` of `{table}` is missing", partition.name)
        }
        Change::DetachPartition {
            table, partition, ..
        } => format!(
            "partition `{}` of `{table}` exists but is not expected",
            partition.name
        ),
        Change::CreateView(v) => format!("view `{}` is missing", v.name),
        Change::DropView(v) => format!("view `{}` exists but is not expected", v.name),
        Change::SetViewComment { view } => format!(
            "view `{}` has the comment {}, expected {}",
            view.name,
            shown(
                &live
                    .objects
                    .view(&view.name)
                    .and_then(|v| v.comment.clone()),
                "none"
            ),
            shown(&view.comment, "none")
        ),
        Change::CreateFunction(f) => format!("function `{}` is missing", f.name),
        Change::ReplaceFunction { to, .. } => {
            format!("function `{}` has another definition", to.name)
        }
        Change::DropFunction(f) => format!("function `{}` exists but is not expected", f.name),
        Change::CreateTrigger(t) => format!("trigger `{}` on `{}` is missing", t.name, t.table),
        Change::DropTrigger(t) => format!(
            "trigger `{}` on `{}` exists but is not expected",
            t.name, t.table
        ),
    })
}
