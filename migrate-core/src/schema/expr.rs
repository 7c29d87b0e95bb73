//! A light scan of SQL expressions (checks, partial-index predicates) for the column names they use.
//!
//! This is not a SQL parser. It finds the identifiers that can only be column references: bare
//! words that are not keywords, not function names (followed by `(`), not type names (after `::`),
//! not the type of a typed literal (`date '2024-01-01'`), and every double-quoted identifier.

use std::ops::Range;

use crate::config::Dialect;
use crate::sql::lex::{Token, TokenKind, lex};

/// Words that are never column references in the expressions a schema holds.
const KEYWORDS: &[&str] = &[
    "all",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "between",
    "both",
    "case",
    "cast",
    "collate",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "desc",
    "distinct",
    "else",
    "end",
    "escape",
    "exists",
    "false",
    "first",
    "for",
    "from",
    "ilike",
    "in",
    "interval",
    "is",
    "isnull",
    "last",
    "leading",
    "like",
    "localtime",
    "localtimestamp",
    "not",
    "notnull",
    "null",
    "nulls",
    "or",
    "overlaps",
    "placing",
    "precision",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "then",
    "time",
    "to",
    "trailing",
    "true",
    "unknown",
    "user",
    "varying",
    "when",
    "with",
    "without",
    "zone",
    "character",
    "double",
];

/// Words that continue a type name before a typed literal's string
/// (`timestamp with time zone '…'`, `double precision '1.5'`, `bit varying '01'`).
const TYPE_WORDS: &[&str] = &["with", "without", "time", "zone", "precision", "varying"];

/// The Unicode normal forms of `IS [NOT] NFC NORMALIZED` and `normalize(s, NFC)`.
const NORMAL_FORMS: &[&str] = &["nfc", "nfd", "nfkc", "nfkd"];

/// Identifiers in `expr` that must name columns, with their byte ranges in `expr`.
///
/// Besides keywords, calls, casts and typed literals, the words of the forms PostgreSQL prints
/// back name no column: the field of `EXTRACT(year FROM d)`, the collation of `s COLLATE "C"`
/// (or `pg_catalog."default"`), the type of `CAST(n AS integer)`, the normal form of
/// `s IS NFC NORMALIZED` and `normalize(s, NFKC)`, and the `FROM`/`FOR`/`PLACING` of
/// `substring` and `overlay` (keywords).
pub fn column_references(expr: &str) -> Vec<(String, Range<usize>)> {
    // Only what the server reads: comments and white space name nothing.
    let tokens: Vec<Token> = lex(expr, Dialect::EXPRESSIONS)
        .filter(|t| !t.is_trivia())
        .collect();
    let text = |i: usize| tokens.get(i).map_or("", |t: &Token| t.text(expr));
    let word = |i: usize| {
        tokens
            .get(i)
            .filter(|t| is_word_like(t, t.text(expr)))
            .map(|t| t.text(expr).to_ascii_lowercase())
    };
    let mut out = Vec::new();
    // In a type name: after `::`, after `AS`, a multi-word or qualified type.
    let mut in_type = false;
    // In a collation name: after `COLLATE`, and after its schema's `.`.
    let mut in_collation = false;
    // The function each open parenthesis belongs to (lower case), or "" for a grouping.
    let mut calls: Vec<String> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let text_i = t.text(expr);
        let next = text(i + 1);
        let is_qualifier = next.starts_with('.');
        match t.kind {
            TokenKind::QuotedIdent { .. } => {
                let skip = in_type || in_collation;
                if !skip
                    && !is_qualifier
                    && let Some(name) = quoted_name(text_i)
                {
                    out.push((name, t.span()));
                }
                in_type = in_type && is_qualifier;
                in_collation = in_collation && is_qualifier;
            }
            TokenKind::Operator if text_i == "::" => in_type = true,
            TokenKind::Punct if text_i == "." => {}
            TokenKind::Punct if text_i == "(" => {
                let callee = if i > 0 { word(i - 1) } else { None };
                calls.push(callee.unwrap_or_default());
                in_type = false;
                in_collation = false;
            }
            TokenKind::Punct if text_i == ")" => {
                calls.pop();
                in_type = false;
                in_collation = false;
            }
            TokenKind::Word | TokenKind::Other if is_word_like(t, text_i) => {
                let lower = text_i.to_ascii_lowercase();
                let is_keyword = KEYWORDS.contains(&lower.as_str());
                let is_call = next.starts_with('(');
                let callee = calls.last().map_or("", String::as_str);
                let first_in_call = i > 0 && text(i - 1) == "(";
                let prev = if i > 0 { word(i - 1) } else { None };
                let prev = prev.as_deref().unwrap_or("");
                // `EXTRACT(year FROM d)`: the field.
                let is_field = callee == "extract" && first_in_call;
                // `s IS [NOT] NFC NORMALIZED`, `normalize(s, NFC)`.
                let is_form = NORMAL_FORMS.contains(&lower.as_str())
                    && (word(i + 1).as_deref() == Some("normalized")
                        || (callee == "normalize" && text(i - 1) == "," && next == ")"));
                // `ts AT TIME ZONE 'UTC'`, `ts AT LOCAL`; a column may be named `at`.
                let is_at_zone =
                    lower == "at" && matches!(word(i + 1).as_deref(), Some("time" | "local"));
                let is_normalized = lower == "normalized"
                    && (matches!(prev, "is" | "not") || NORMAL_FORMS.contains(&prev));
                let skip = in_type
                    || in_collation
                    || is_keyword
                    || is_call
                    || is_qualifier
                    || is_field
                    || is_form
                    || is_normalized
                    || is_at_zone
                    || is_typed_literal(&tokens, i + 1, expr);
                if !skip {
                    out.push((lower.clone(), t.span()));
                }
                // A multi-word type (`double precision`, `character varying`) or a qualified
                // one (`public.mood`) keeps the type state; so does a qualified collation.
                in_type = (in_type && (is_keyword || is_qualifier)) || lower == "as";
                in_collation = (in_collation && is_qualifier) || lower == "collate";
            }
            _ => {
                in_type = false;
                in_collation = false;
            }
        }
    }
    out
}

/// Whether the tokens from `from` on are the rest of a typed literal: the words that continue a
/// type name (`with time zone`), then a string.
fn is_typed_literal(tokens: &[Token], from: usize, expr: &str) -> bool {
    for t in &tokens[from.min(tokens.len())..] {
        match t.kind {
            TokenKind::String { .. } => return true,
            TokenKind::Word if TYPE_WORDS.contains(&t.text(expr).to_ascii_lowercase().as_str()) => {
            }
            _ => return false,
        }
    }
    false
}

/// A word token, or the `u` of a `u&` that starts no Unicode string.
fn is_word_like(t: &Token, text: &str) -> bool {
    t.kind == TokenKind::Word || (t.kind == TokenKind::Other && text.eq_ignore_ascii_case("u"))
}

/// The name a quoted identifier token spells: `"a""b"` is `a"b`; `U&"abc"` is `abc` when it
/// holds no escape. One never closed names the rest of the text.
fn quoted_name(text: &str) -> Option<String> {
    let (unicode, body) = match text.strip_prefix(['u', 'U']) {
        Some(rest) => (true, rest.strip_prefix('&')?),
        None => (false, text),
    };
    let inner = body.strip_prefix('"')?;
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    if unicode && inner.contains('\\') {
        return None;
    }
    Some(inner.replace("\"\"", "\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(expr: &str) -> Vec<String> {
        column_references(expr)
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    }

    #[test]
    fn finds_columns_only() {
        assert_eq!(names("weight > 0 AND weight < 1000"), ["weight", "weight"]);
        assert_eq!(names("length(name) > 0"), ["name"]);
        assert_eq!(names("status <> 'deleted'::text"), ["status"]);
        assert_eq!(names("deleted_at IS NULL"), ["deleted_at"]);
        assert_eq!(names("x::double precision > 1.5e3"), ["x"]);
        assert_eq!(names("born > date '2000-01-01'"), ["born"]);
        assert_eq!(names(r#""my ""col""" IS NOT NULL"#), [r#"my "col""#]);
        assert_eq!(names("kind IN ('a', 'it''s')"), ["kind"]);
        assert_eq!(
            names("now() > created_at + interval '1 day'"),
            ["created_at"]
        );
    }

    #[test]
    fn forms_postgresql_prints_back_name_no_keyword() {
        assert_eq!(names("EXTRACT(year FROM born) > 1900"), ["born"]);
        assert_eq!(names("EXTRACT(epoch FROM at) > (0)::numeric"), ["at"]);
        assert_eq!(names(r#"((code COLLATE "C") >= 'A'::text)"#), ["code"]);
        assert_eq!(
            names(r#"name COLLATE pg_catalog."default" <> ''"#),
            ["name"]
        );
        assert_eq!(names("name IS NFC NORMALIZED"), ["name"]);
        assert_eq!(names("(name IS NOT NFKD NORMALIZED)"), ["name"]);
        assert_eq!(names("normalize(name, NFKC) = name"), ["name", "name"]);
        assert_eq!(names("CAST(value AS integer) >= 0"), ["value"]);
        assert_eq!(names("CAST(v AS character varying(3)) <> w"), ["v", "w"]);
        assert_eq!(names("CAST(v AS public.mood) <> 'x'"), ["v"]);
        assert_eq!(names("SUBSTRING(iso FROM 1 FOR 2) <> 'XX'::text"), ["iso"]);
        assert_eq!(
            names("overlay(s placing 'x' from 2 for 1) <> t"),
            ["s", "t"]
        );
        assert_eq!(
            names("published_at > timestamp with time zone '2000-01-01 00:00:00+00'"),
            ["published_at"]
        );
        assert_eq!(names("d > double precision '1.5'"), ["d"]);
        assert_eq!(names("x::public.mood = y"), ["x", "y"]);
        // Columns named like the words of these forms still count where they are columns.
        assert_eq!(
            names("normalized AND year > 0 AND nfc IS NOT NULL"),
            ["normalized", "year", "nfc"]
        );
        assert_eq!(names("extract(year FROM year) > 0"), ["year"]);
        assert_eq!(names("at AT TIME ZONE 'UTC' > at"), ["at", "at"]);
    }

    #[test]
    fn comments_and_bodies_name_nothing() {
        assert_eq!(names("a /* b */ > 0 -- c\n AND d"), ["a", "d"]);
        assert_eq!(names("x <> $$ y $$ AND $1 > z"), ["x", "z"]);
        assert_eq!(names("e <> E'it\\'s' AND f = B'01'"), ["e", "f"]);
        // `u&x` is `u & x`; `U&"…"` a quoted name.
        assert_eq!(names("u&x > 0 AND U&\"w\" > 0"), ["u", "x", "w"]);
        // A cast to a quoted type names no column; a name never closed runs to the end.
        assert_eq!(names("a::\"my type\" = \"b"), ["a", "b"]);
    }

    #[test]
    fn ranges_point_at_the_word() {
        let expr = "a > 0 and bee < 2";
        let refs = column_references(expr);
        assert_eq!(&expr[refs[1].1.clone()], "bee");
    }
}
