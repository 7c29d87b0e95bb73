//! A declared schema as a dialect holds and reads it back.

use super::expr::Context;
use crate::db::Connection;
use crate::dialect::Dialect;
use crate::schema::{Schema, Table};

/// The declared schema as `dialect` holds and reads it back, without acknowledgements: a database
/// built from the migrations of `schema` introspects to this (compare with
/// [`crate::diff::diff`], which ignores order and model names).
pub fn normalize_for(dialect: Dialect, schema: &Schema) -> Schema {
    represent(dialect, schema).without_acknowledgements()
}

/// [`normalize_for`], keeping the acknowledgements: what `migrate diff` migrates a database to.
pub fn represent(dialect: Dialect, schema: &Schema) -> Schema {
    dialect.runtime().represent(schema)
}

/// The columns an expression of `t` can use, for `expr::canonical`.
pub fn context_of(t: &Table) -> Context {
    Context::of_columns(t.columns.iter().map(|c| (c.name.as_str(), &c.ty)))
}

/// Finishes [`normalize_for`] with what only the server knows: on PostgreSQL, string-literal
/// defaults of non-text columns in the spelling the server stores them in (one query; see
/// the PostgreSQL driver). SQLite keeps defaults as written: nothing to do.
pub async fn canonical_literals(conn: &mut Connection<'_>, schema: &mut Schema) {
    conn.driver().canonical_literals(schema).await;
}
