//! The Rust type of each column type (the table in schema/README.md), as emitted code, as shown
//! to a person, and as recognised in a hand-written struct.
//!
//! Dates and times are `chrono` types; `numeric` is `rust_decimal::Decimal`. The emitted code
//! names them through sqlx's re-exports (`::sqlx::types::…`), so a crate that depends on sqlx with
//! the matching features needs nothing else.

use std::collections::BTreeMap;

use migrate_core::schema::{ColumnType, Schema};
use proc_macro2::TokenStream;
use quote::quote;

use crate::names;

/// The Rust names of a schema's enums, by SQL name.
#[derive(Debug, Clone, Default)]
pub(crate) struct EnumNames(BTreeMap<String, String>);

impl EnumNames {
    pub(crate) fn of(schema: &Schema) -> EnumNames {
        EnumNames(
            schema
                .enums
                .iter()
                .map(|e| (e.name.clone(), names::upper_camel(&e.name)))
                .collect(),
        )
    }

    /// The Rust name of an enum; the UpperCamelCase of its SQL name.
    pub(crate) fn get(&self, sql: &str) -> String {
        self.0
            .get(sql)
            .cloned()
            .unwrap_or_else(|| names::upper_camel(sql))
    }
}

/// The emitted type of a NOT NULL column of this type.
pub(crate) fn tokens(ty: &ColumnType, enums: &EnumNames) -> TokenStream {
    use ColumnType::*;
    match ty {
        SmallInt => quote!(i16),
        Integer => quote!(i32),
        BigInt => quote!(i64),
        Real => quote!(f32),
        Double => quote!(f64),
        Numeric(_) => quote!(::sqlx::types::Decimal),
        Boolean => quote!(bool),
        Text | Varchar(_) | Char(_) => quote!(::std::string::String),
        Bytea => quote!(::std::vec::Vec<u8>),
        Date => quote!(::sqlx::types::chrono::NaiveDate),
        Time => quote!(::sqlx::types::chrono::NaiveTime),
        Timestamp => quote!(::sqlx::types::chrono::NaiveDateTime),
        Timestamptz => {
            quote!(::sqlx::types::chrono::DateTime<::sqlx::types::chrono::Utc>)
        }
        Interval => quote!(::sqlx::postgres::types::PgInterval),
        Uuid => quote!(::sqlx::types::Uuid),
        Json | Jsonb => quote!(::sqlx::types::JsonValue),
        Inet => quote!(::sqlx::types::ipnetwork::IpNetwork),
        // Read as text (`col::text`): the model has no `FromRow` for its table.
        Other(_) => quote!(::std::string::String),
        Enum(name) => {
            let id = names::type_ident(&enums.get(name));
            quote!(#id)
        }
        Array(inner) => {
            let inner = tokens(inner, enums);
            quote!(::std::vec::Vec<#inner>)
        }
        Precise(base, _) => tokens(base, enums),
    }
}

/// The emitted type of a column: `Option<T>` when nullable.
pub(crate) fn column_tokens(ty: &ColumnType, nullable: bool, enums: &EnumNames) -> TokenStream {
    let t = tokens(ty, enums);
    if nullable {
        quote!(::core::option::Option<#t>)
    } else {
        t
    }
}

/// The Rust type as a person writes it (the schema reference's spelling).
pub(crate) fn display(ty: &ColumnType, enums: &EnumNames) -> String {
    use ColumnType::*;
    match ty {
        SmallInt => "i16".into(),
        Integer => "i32".into(),
        BigInt => "i64".into(),
        Real => "f32".into(),
        Double => "f64".into(),
        Numeric(_) => "rust_decimal::Decimal".into(),
        Boolean => "bool".into(),
        Text | Varchar(_) | Char(_) => "String".into(),
        Bytea => "Vec<u8>".into(),
        Date => "chrono::NaiveDate".into(),
        Time => "chrono::NaiveTime".into(),
        Timestamp => "chrono::NaiveDateTime".into(),
        Timestamptz => "chrono::DateTime<Utc>".into(),
        Interval => "sqlx::postgres::types::PgInterval".into(),
        Uuid => "uuid::Uuid".into(),
        Json | Jsonb => "serde_json::Value".into(),
        Inet => "ipnetwork::IpNetwork".into(),
        Other(_) => "String".into(),
        Enum(name) => enums.get(name),
        Array(inner) => format!("Vec<{}>", display(inner, enums)),
        Precise(base, _) => display(base, enums),
    }
}

/// [`display`], as `Option<T>` when nullable.
pub(crate) fn display_column(ty: &ColumnType, nullable: bool, enums: &EnumNames) -> String {
    let t = display(ty, enums);
    if nullable { format!("Option<{t}>") } else { t }
}

/// The last segment of a path type, with its generic type arguments: `a::b::Vec<u8>` → `Vec`,
/// `[u8]`. `None` for anything that is not a plain path type.
fn last_segment(ty: &syn::Type) -> Option<(String, Vec<&syn::Type>)> {
    let ty = match ty {
        syn::Type::Group(g) => &*g.elem,
        syn::Type::Paren(p) => &*p.elem,
        other => other,
    };
    let syn::Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let seg = p.path.segments.last()?;
    let args = match &seg.arguments {
        syn::PathArguments::None => Vec::new(),
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        syn::PathArguments::Parenthesized(_) => return None,
    };
    Some((seg.ident.to_string(), args))
}

/// When `ty` is `Option<T>`: `T`.
pub(crate) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    match last_segment(ty)? {
        (name, args) if name == "Option" && args.len() == 1 => Some(args[0]),
        _ => None,
    }
}

/// Whether a written type (not `Option`) is one the column type maps to. Recognised by the
/// type's last path segment, so `Uuid`, `uuid::Uuid` and `sqlx::types::Uuid` all match.
pub(crate) fn matches(col: &ColumnType, ty: &syn::Type, enums: &EnumNames) -> bool {
    use ColumnType::*;
    let Some((name, args)) = last_segment(ty) else {
        return false;
    };
    let plain = |accepted: &[&str]| args.is_empty() && accepted.contains(&name.as_str());
    match col {
        SmallInt => plain(&["i16"]),
        Integer => plain(&["i32"]),
        BigInt => plain(&["i64"]),
        Real => plain(&["f32"]),
        Double => plain(&["f64"]),
        Numeric(_) => plain(&["Decimal", "BigDecimal"]),
        Boolean => plain(&["bool"]),
        Text | Varchar(_) | Char(_) => plain(&["String"]),
        Bytea => {
            name == "Vec"
                && args.len() == 1
                && last_segment(args[0]).is_some_and(|(n, a)| n == "u8" && a.is_empty())
        }
        Date => plain(&["NaiveDate"]),
        Time => plain(&["NaiveTime"]),
        Timestamp => plain(&["NaiveDateTime"]),
        Timestamptz => name == "DateTime" && args.len() == 1,
        Interval => plain(&["PgInterval"]),
        Uuid => plain(&["Uuid"]),
        Json | Jsonb => plain(&["Value", "JsonValue"]) || (name == "Json" && args.len() == 1),
        Inet => plain(&["IpNetwork", "IpNet", "IpAddr"]),
        Other(_) => plain(&["String"]),
        Enum(e) => plain(&[enums.get(e).as_str()]),
        Array(inner) => name == "Vec" && args.len() == 1 && matches(inner, args[0], enums),
        Precise(base, _) => matches(base, ty, enums),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_core::schema::types::parse_type;

    fn ty(s: &str) -> syn::Type {
        syn::parse_str(s).expect("a type")
    }

    #[test]
    fn written_types_are_recognised() {
        let enums = EnumNames(BTreeMap::from([("pet_type".into(), "PetType".into())]));
        let check = |col: ColumnType, written: &str| matches(&col, &ty(written), &enums);
        assert!(check(ColumnType::Uuid, "Uuid"));
        assert!(check(ColumnType::Uuid, "::sqlx::types::Uuid"));
        assert!(check(ColumnType::Text, "String"));
        assert!(!check(ColumnType::Text, "i32"));
        assert!(!check(ColumnType::Integer, "i64"));
        assert!(check(ColumnType::Bytea, "Vec<u8>"));
        assert!(!check(ColumnType::Bytea, "Vec<i8>"));
        assert!(check(
            ColumnType::Timestamptz,
            "chrono::DateTime<chrono::Utc>"
        ));
        assert!(check(ColumnType::Json, "sqlx::types::Json<Vec<String>>"));
        assert!(check(ColumnType::Enum("pet_type".into()), "crate::PetType"));
        assert!(check(
            ColumnType::Array(Box::new(ColumnType::Enum("pet_type".into()))),
            "Vec<PetType>"
        ));
        assert!(!check(ColumnType::Text, "Option<String>"));
        assert_eq!(option_inner(&ty("Option<String>")), Some(&ty("String")));
        assert_eq!(option_inner(&ty("String")), None);
    }

    /// The "Rust" column of the types table in schema/README.md is what `display` says.
    #[test]
    fn the_schema_reference_table_agrees() {
        let readme = include_str!("../../schema/README.md");
        let section = readme
            .split("## Types")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .expect("a Types section");
        let enums = EnumNames::default();
        let mut rows = 0;
        for line in section.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (types, rust) = (cells[1], cells[5].trim_matches('`'));
            let first = types.split('`').nth(1).expect("a type in backticks");
            let Ok(col) = parse_type(first, std::iter::empty()) else {
                continue; // "an enum's name", "T[]"
            };
            assert_eq!(display(&col, &enums), rust, "{line}");
            rows += 1;
        }
        assert!(rows >= 18, "only {rows} rows read");
    }
}
