//! Rust names for SQL names: case conversion and the English singular, in one place.
//!
//! The model names `migrate pull` derives and the loader suggests, the types, variants and fields
//! the macros emit, and migration file names all split a name into words the same way (`heck`):
//! at anything that is not a letter or a digit, between a lower-case letter (or a digit after one)
//! and an upper-case one, and before the last capital of an acronym (`HTTPStatus` → `HTTP`,
//! `Status`). Letters are Unicode letters: `ünicode` is one word.

use heck::{ToSnakeCase, ToUpperCamelCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// The words of `s` as UpperCamelCase: `pet_type` → `PetType`, `GUINEA PIG` → `GuineaPig`,
/// `HTTPStatus` → `HttpStatus`, `ünicode` → `Ünicode`. Only letters and digits remain; the
/// result may be empty or start with a digit.
pub fn upper_camel(s: &str) -> String {
    s.to_upper_camel_case()
}

/// The words of `s` in lower case, joined by `_`: `HTTPStatus` → `http_status`, `my col` →
/// `my_col`, `x__y` → `x_y`. The result may be empty or start with a digit.
pub fn snake(s: &str) -> String {
    s.to_snake_case()
}

/// Whether `s` can name a Rust struct or enum as written: an upper-case letter, then letters,
/// digits and `_` as Rust identifiers allow them (Unicode's XID), and not `Self`.
pub(crate) fn is_rust_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    s != "Self"
        && chars
            .next()
            .is_some_and(|c| c.is_uppercase() && is_xid_start(c))
        && chars.all(is_xid_continue)
}

/// A Rust type name for `s`: its words as UpperCamelCase ([`upper_camel`]), with a `T` in front
/// when that would not be one ([`is_rust_type_name`]): `pet` → `Pet`, `2fa` → `T2fa`, `self` →
/// `TSelf`.
pub(crate) fn type_name(s: &str) -> String {
    let mut out = upper_camel(s);
    out.retain(is_xid_continue);
    if !is_rust_type_name(&out) {
        out.insert(0, 'T');
    }
    out
}

/// The model name for a table: its words as a Rust type name ([`type_name`]), the last word made
/// singular ([`singular`]): `order_lines` → `OrderLine`, `categories` → `Category`, `quizzes` →
/// `Quiz`, `statuses` → `Status`, `HTTPStatuses` → `HttpStatus`. A simple rule, not a dictionary:
/// rename models freely.
pub(crate) fn model_name(table: &str) -> String {
    let words = snake(table);
    let words = match words.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", singular(last)),
        None => singular(&words),
    };
    type_name(&words)
}

/// Words whose singular is no suffix rule, and words that are the same in both numbers.
const IRREGULAR: &[(&str, &str)] = &[
    ("people", "person"),
    ("children", "child"),
    ("men", "man"),
    ("women", "woman"),
    ("mice", "mouse"),
    ("geese", "goose"),
    ("feet", "foot"),
    ("teeth", "tooth"),
    ("aliases", "alias"),
    ("quizzes", "quiz"),
    ("news", "news"),
    ("series", "series"),
    ("species", "species"),
];

/// Plural endings whose singular drops the `es`.
const ES_ENDINGS: &[&str] = &["sses", "shes", "ches", "xes", "zzes"];

/// The English singular of one lower-case word, by a few rules: `pets` → `pet`, `categories` →
/// `category`, `boxes` → `box`, `addresses` → `address`, `statuses` → `status`, `houses` →
/// `house`, `quizzes` → `quiz`, `people` → `person`. A word that looks singular stays as it is
/// (`status`, `analysis`, `user`).
pub(crate) fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if let Some((_, one)) = IRREGULAR.iter().find(|(many, _)| *many == lower) {
        return (*one).to_string();
    }
    // `lower` has the bytes of `word`, so its suffixes cut `word` at the same places.
    let cut = |n: usize| word[..word.len() - n].to_string();
    let consonant_before = |suffix: &str| {
        lower
            .strip_suffix(suffix)
            .and_then(|stem| stem.chars().last())
            .is_some_and(|c| c.is_ascii_alphabetic() && !"aeiou".contains(c))
    };
    if lower.len() > 3 && lower.ends_with("ies") {
        format!("{}y", cut(3))
    } else if ES_ENDINGS.iter().any(|s| lower.ends_with(s)) {
        cut(2)
    } else if consonant_before("uses") {
        // `statuses`, `buses`, `campuses`; but `houses`, `causes`.
        cut(2)
    } else if lower.len() > 1
        && lower.ends_with('s')
        && !["ss", "us", "is"].iter().any(|s| lower.ends_with(s))
    {
        cut(1)
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names three copies of these rules disagreed on, and the usual ones.
    #[test]
    fn model_names() {
        for (table, model) in [
            ("pets", "Pet"),
            ("order_lines", "OrderLine"),
            ("categories", "Category"),
            ("addresses", "Address"),
            ("status", "Status"),
            ("statuses", "Status"),
            ("order_statuses", "OrderStatus"),
            ("quizzes", "Quiz"),
            ("buzzes", "Buzz"),
            ("boxes", "Box"),
            ("churches", "Church"),
            ("dishes", "Dish"),
            ("buses", "Bus"),
            ("houses", "House"),
            ("people", "Person"),
            ("news", "News"),
            ("analysis", "Analysis"),
            ("user", "User"),
            ("ünicode", "Ünicode"),
            ("été", "Été"),
            ("HTTPStatus", "HttpStatus"),
            ("HTTPStatuses", "HttpStatus"),
            ("OrderLines", "OrderLine"),
            ("2fa codes", "T2faCode"),
            ("my\"table", "MyTable"),
            ("self", "TSelf"),
            ("", "T"),
        ] {
            let got = model_name(table);
            assert_eq!(got, model, "{table}");
            assert!(is_rust_type_name(&got), "{table} -> {got}");
        }
    }

    #[test]
    fn case_conversion() {
        for (from, camel, snake_case) in [
            ("pet_type", "PetType", "pet_type"),
            ("GUINEA PIG", "GuineaPig", "guinea_pig"),
            ("inProgress", "InProgress", "in_progress"),
            ("HTTPStatus", "HttpStatus", "http_status"),
            ("ünicode", "Ünicode", "ünicode"),
            ("größe klein", "GrößeKlein", "größe_klein"),
            ("v2Beta", "V2Beta", "v2_beta"),
            ("x__y", "XY", "x_y"),
            ("a-b.c", "ABC", "a_b_c"),
            ("", "", ""),
        ] {
            assert_eq!(upper_camel(from), camel, "{from}");
            assert_eq!(snake(from), snake_case, "{from}");
        }
    }

    #[test]
    fn rust_type_names() {
        for name in ["Pet", "Ünicode", "É", "T2fa", "Pet_Kind", "HTTPStatus"] {
            assert!(is_rust_type_name(name), "{name}");
        }
        for name in [
            "", "pet", "Self", "2Fa", "_Pet", "Pet-Kind", "Pet Kind", "ünicode",
        ] {
            assert!(!is_rust_type_name(name), "{name}");
        }
        assert_eq!(type_name("pet"), "Pet");
        assert_eq!(type_name("pet-kind"), "PetKind");
        assert_eq!(type_name("2fa"), "T2fa");
    }
}
