//! Indexes. On a table with rows an index is built `CONCURRENTLY`, after the transaction, so
//! writes are not blocked while it builds.

use super::defs::index_sql;
use super::render::Cx;
use crate::schema::Index;
use crate::sql::ident;

/// `Change::CreateIndex`.
pub(super) fn create(cx: &mut Cx<'_>, table: &str, index: &Index, existing_table: bool) {
    if existing_table {
        // A concurrent build that fails leaves an invalid index behind: drop it first, so the
        // online file can be run again from the top.
        cx.online(format!(
            "DROP INDEX CONCURRENTLY IF EXISTS {}",
            ident(&index.name)
        ));
        cx.online(index_sql(table, index, true));
    } else {
        cx.tx(index_sql(table, index, false));
    }
}

/// `Change::DropIndex`.
pub(super) fn drop(cx: &mut Cx<'_>, index: &Index) {
    cx.tx(format!("DROP INDEX {}", ident(&index.name)));
}

/// `Change::RenameIndex`.
pub(super) fn rename(cx: &mut Cx<'_>, old: &Index, new: &Index) {
    cx.tx(format!(
        "ALTER INDEX {} RENAME TO {}",
        ident(&old.name),
        ident(&new.name)
    ));
}
