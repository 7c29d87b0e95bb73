//! Tables: create, drop, rename, comment.

use super::defs::{comment_value, create_table};
use super::render::Cx;
use crate::schema::Table;
use crate::sql::ident;

/// `Change::CreateTable`, after renaming aside an enum that has the table's name.
pub(super) fn create(cx: &mut Cx<'_>, t: &Table) {
    cx.move_enum_aside(&t.name);
    create_table(t, cx.out());
}

/// `Change::DropTable`.
pub(super) fn drop(cx: &mut Cx<'_>, t: &Table) {
    cx.tx(format!("DROP TABLE {}", ident(&t.name)));
}

/// `Change::RenameTable`, after renaming aside an enum that has the new name.
pub(super) fn rename(cx: &mut Cx<'_>, old: &str, new: &str) {
    cx.move_enum_aside(new);
    cx.tx(format!("ALTER TABLE {} RENAME TO {}", ident(old), ident(new)));
    // PostgreSQL keeps an identity's sequence name: renamed too, so that the sequence is named
    // after the table as declared (`sequence` unset).
    if let Some(t) = cx.from.table(old) {
        for c in &t.columns {
            if c.identity.is_some() && c.identity_options.sequence.is_none() {
                cx.tx(format!(
                    "ALTER SEQUENCE IF EXISTS {} RENAME TO {}",
                    ident(&crate::schema::names::identity_sequence(old, &c.name)),
                    ident(&crate::schema::names::identity_sequence(new, &c.name))
                ));
            }
        }
    }
}

/// `Change::SetUnlogged`: the table is rewritten when it becomes LOGGED.
pub(super) fn set_unlogged(cx: &mut Cx<'_>, table: &str, unlogged: bool) {
    cx.tx(format!(
        "ALTER TABLE {} SET {}",
        ident(table),
        if unlogged { "UNLOGGED" } else { "LOGGED" }
    ));
}

/// `Change::SetTableComment`.
pub(super) fn set_comment(cx: &mut Cx<'_>, table: &str, comment: &Option<String>) {
    cx.tx(format!(
        "COMMENT ON TABLE {} IS {}",
        ident(table),
        comment_value(comment)
    ));
}
