//! Enum types: `CREATE TYPE … AS ENUM`, new labels, and the rebuild that removes or reorders
//! labels.

use super::defs::{comment_value, enum_values};
use super::quote::literal;
use super::render::Cx;
use super::types::type_sql;
use crate::schema::{ColumnType, Enum};
use crate::sql::ident;

/// `Change::CreateEnum`.
pub(super) fn create(cx: &mut Cx<'_>, e: &Enum) {
    cx.tx(format!(
        "CREATE TYPE {} AS ENUM ({})",
        ident(&e.name),
        enum_values(e)
    ));
    if e.comment.is_some() {
        cx.tx(format!(
            "COMMENT ON TYPE {} IS {}",
            ident(&e.name),
            comment_value(&e.comment)
        ));
    }
}

/// `Change::DropEnum`: under its moved-aside name when a table took its name.
pub(super) fn drop(cx: &mut Cx<'_>, e: &Enum) {
    let name = if cx.enum_moved_aside(&e.name) {
        crate::diff::old_enum_name(&e.name)
    } else {
        e.name.clone()
    };
    cx.tx(format!("DROP TYPE {}", ident(&name)));
}

/// `Change::AddEnumValue`: before the transaction, since PostgreSQL lets no transaction use a
/// label before the label is committed.
pub(super) fn add_value(cx: &mut Cx<'_>, enum_name: &str, value: &str, before: Option<&str>) {
    let mut s = format!(
        "ALTER TYPE {} ADD VALUE IF NOT EXISTS {}",
        ident(enum_name),
        literal(value)
    );
    if let Some(b) = before {
        s.push_str(&format!(" BEFORE {}", literal(b)));
    } else if let Some(after) = cx.label_before(enum_name, value) {
        // Last in the declared order: say so, rather than rely on where PostgreSQL puts it.
        s.push_str(&format!(" AFTER {}", literal(after)));
    }
    cx.before(s);
}

/// `Change::RebuildEnum`: rename the old type away, create the new one, convert each column
/// through text.
pub(super) fn rebuild(cx: &mut Cx<'_>, old: &Enum, new: &Enum, columns: &[(String, String)]) {
    let old_name = crate::diff::old_enum_name(&new.name);
    cx.tx(format!(
        "ALTER TYPE {} RENAME TO {}",
        ident(&old.name),
        ident(&old_name)
    ));
    cx.tx(format!(
        "CREATE TYPE {} AS ENUM ({})",
        ident(&new.name),
        enum_values(new)
    ));
    for (table, column) in columns {
        let col = cx.new_column(table, column);
        let (t, c) = (ident(table), ident(column));
        let ty = col.map_or_else(|| ident(&new.name), |c| type_sql(&c.ty));
        let is_array = col.is_some_and(|c| matches!(c.ty, ColumnType::Array(_)));
        let had_default = cx
            .old_column(table, column)
            .is_some_and(|fc| fc.default.is_some());
        if had_default {
            cx.tx(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"));
        }
        let via = if is_array { "text[]" } else { "text" };
        cx.tx(format!(
            "ALTER TABLE {t} ALTER COLUMN {c} TYPE {ty} USING {c}::{via}::{ty}"
        ));
        if let Some(d) = col.and_then(|c| c.default.as_ref()) {
            cx.tx(format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {d}"));
        }
    }
    if new.comment.is_some() {
        cx.tx(format!(
            "COMMENT ON TYPE {} IS {}",
            ident(&new.name),
            comment_value(&new.comment)
        ));
    }
}

/// `Change::DropOldEnum`: the type a rebuild renamed away.
pub(super) fn drop_old(cx: &mut Cx<'_>, name: &str) {
    cx.tx(format!("DROP TYPE {}", ident(name)));
}

/// `Change::SetEnumComment`.
pub(super) fn set_comment(cx: &mut Cx<'_>, enum_name: &str, comment: &Option<String>) {
    cx.tx(format!(
        "COMMENT ON TYPE {} IS {}",
        ident(enum_name),
        comment_value(comment)
    ));
}
