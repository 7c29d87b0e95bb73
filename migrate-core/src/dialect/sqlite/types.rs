//! Column types as SQLite declares them, and the affinity SQLite gives a declared type.
//!
//! Column types keep their schema spelling as the declared type (`integer`, `varchar(20)`), and
//! types held as text add ` text` (`uuid text`, `"text[] text"`, `"pet_type text"`): SQLite then
//! gives them TEXT affinity, so a JSON `'123'` or a label `'1'` stays text, and introspection
//! reads the exact type back ([`parse_declared`]).

use crate::schema::ColumnType;
use crate::sql::ident;

/// Whether SQLite stores values of this type as text (ISO dates, UUIDs, JSON, labels).
pub(super) fn stored_as_text(ty: &ColumnType) -> bool {
    matches!(
        ty.without_precision(),
        ColumnType::Uuid
            | ColumnType::Json
            | ColumnType::Jsonb
            | ColumnType::Date
            | ColumnType::Time
            | ColumnType::Timestamp
            | ColumnType::Timestamptz
            | ColumnType::Interval
            | ColumnType::Inet
            | ColumnType::Enum(_)
            | ColumnType::Array(_)
    )
}

/// The declared type: the schema spelling, plus ` text` for types held as text, so SQLite gives
/// the column TEXT affinity (a JSON `'123'` or a label `'1'` stays text) while the exact type can
/// still be read back. Quoted when it is not a plain SQLite type name.
pub fn type_sql(ty: &ColumnType) -> String {
    let mut s = ty.to_string();
    if stored_as_text(ty) {
        s.push_str(" text");
    }
    let plain = s.chars().all(|c| {
        c.is_ascii_alphanumeric() || c == '_' || c == '(' || c == ')' || c == ',' || c == ' '
    }) && s.starts_with(|c: char| c.is_ascii_alphabetic())
        // SQLite's grammar ends a type name at its `(n)`: `timestamp(3) text` is quoted.
        && !matches!(ty, ColumnType::Enum(_) | ColumnType::Precise(..));
    if plain { s } else { ident(&s) }
}

/// The type spelling a declared SQLite column type was written from (` text` removed once).
pub fn parse_declared(declared: &str) -> String {
    declared
        .strip_suffix(" text")
        .unwrap_or(declared)
        .to_string()
}

/// SQLite's type affinity for a declared type (the rules of section 3.1 of its datatype docs).
pub fn affinity(declared: &str) -> &'static str {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        "INTEGER"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "TEXT"
    } else if t.contains("BLOB") || t.is_empty() {
        "BLOB"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "REAL"
    } else {
        "NUMERIC"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_keep_their_spelling() {
        assert_eq!(type_sql(&ColumnType::Varchar(Some(20))), "varchar(20)");
        assert_eq!(
            type_sql(&ColumnType::Array(Box::new(ColumnType::Text))),
            "\"text[] text\""
        );
        assert_eq!(affinity("varchar(20)"), "TEXT");
        assert_eq!(affinity("double"), "REAL");
        assert_eq!(affinity("text[]"), "TEXT");
        assert_eq!(type_sql(&ColumnType::Uuid), "uuid text");
        assert_eq!(
            type_sql(&ColumnType::Enum("pet type".into())),
            "\"pet type text\""
        );
        assert_eq!(
            type_sql(&ColumnType::Array(Box::new(ColumnType::Uuid))),
            "\"uuid[] text\""
        );
        assert_eq!(affinity("uuid text"), "TEXT");
        assert_eq!(parse_declared("pet type text"), "pet type");
        assert_eq!(parse_declared("my text text"), "my text");
    }
}
