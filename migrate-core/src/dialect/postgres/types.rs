//! Column types in PostgreSQL's spelling, and the casts between them.

use crate::schema::ColumnType;
use crate::sql::ident;

/// The PostgreSQL spelling of a column type.
pub fn type_sql(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Double => "double precision".into(),
        ColumnType::Enum(name) => ident(name),
        ColumnType::Array(inner) => format!("{}[]", type_sql(inner)),
        other => other.to_string(),
    }
}

/// Whether PostgreSQL has a cast from `from` to `to` that needs no detour through text.
pub(super) fn has_direct_cast(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType::*;
    let numeric =
        |t: &ColumnType| matches!(t, SmallInt | Integer | BigInt | Real | Double | Numeric(_));
    let textual = |t: &ColumnType| matches!(t, Text | Varchar(_) | Char(_));
    let temporal =
        |t: &ColumnType| matches!(t.without_precision(), Date | Timestamp | Timestamptz);
    (numeric(from) && numeric(to))
        || textual(from)
        || textual(to)
        || (temporal(from) && temporal(to))
        || matches!(
            (from, to),
            (Json | Jsonb, Json | Jsonb) | (Boolean, Integer) | (Integer, Boolean)
        )
}
