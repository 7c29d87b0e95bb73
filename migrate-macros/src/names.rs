//! Rust names for SQL names: UpperCamelCase types and variants, snake_case fields.

use migrate_core::names;
use proc_macro2::{Ident, Span};

/// `"GUINEA PIG"` → `GuineaPig`, `pet_type` → `PetType`, `inProgress` → `InProgress` (the words
/// of [`migrate_core::names`]). A name that would not start with a letter gets a `V` in front
/// (`"1st"` → `V1st`).
pub(crate) fn upper_camel(s: &str) -> String {
    let mut out = names::upper_camel(s);
    if !out.chars().next().is_some_and(char::is_alphabetic) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

/// `created_at` → `created_at`, `Name` → `name`, `my col` → `my_col`, `2fa` → `_2fa`.
pub(crate) fn snake(s: &str) -> String {
    let mut out = names::snake(s);
    if out.is_empty() {
        out.push_str("column");
    }
    if !out.chars().next().is_some_and(char::is_alphabetic) {
        out.insert(0, '_');
    }
    out
}

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// The identifier for a name that is otherwise valid: a raw identifier for a keyword (`r#type`),
/// a trailing `_` for the few keywords that cannot be raw (`self_`).
pub(crate) fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        return Ident::new(&format!("{name}_"), Span::call_site());
    }
    if syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, Span::call_site())
    } else if let Ok(raw) = syn::parse_str::<Ident>(&format!("r#{name}")) {
        raw
    } else {
        Ident::new(&format!("{name}_"), Span::call_site())
    }
}

/// The field for a column: its identifier, and whether `#[sqlx(rename = "…")]` is needed.
pub(crate) fn field(column: &str) -> (Ident, bool) {
    let name = snake(column);
    let id = ident(&name);
    let rename = id != column || name != column;
    (id, rename)
}

/// The identifier for a type or variant name built by [`upper_camel`].
pub(crate) fn type_ident(name: &str) -> Ident {
    ident(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel() {
        for (from, to) in [
            ("GUINEA PIG", "GuineaPig"),
            ("CAT", "Cat"),
            ("pet_type", "PetType"),
            ("inProgress", "InProgress"),
            ("HTTPStatus", "HttpStatus"),
            ("v2", "V2"),
            ("1st", "V1st"),
            ("self", "Self_"),
            ("größe klein", "GrößeKlein"),
            ("a-b.c", "ABC"),
            ("", "V"),
        ] {
            assert_eq!(upper_camel(from), to, "{from}");
        }
    }

    #[test]
    fn snake_fields() {
        for (from, to, rename) in [
            ("created_at", "created_at", false),
            ("type", "r#type", true),
            ("Name", "name", true),
            ("my col", "my_col", true),
            ("2fa", "_2fa", true),
            ("self", "self_", true),
            ("HTTPStatus", "http_status", true),
            ("x__y", "x_y", true),
        ] {
            let (id, r) = field(from);
            assert_eq!((id.to_string().as_str(), r), (to, rename), "{from}");
        }
    }
}
