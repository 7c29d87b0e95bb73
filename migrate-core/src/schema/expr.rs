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
    "at",
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

/// Identifiers in `expr` that must name columns, with their byte ranges in `expr`.
pub fn column_references(expr: &str) -> Vec<(String, Range<usize>)> {
    let tokens: Vec<Token> = lex(expr, Dialect::EXPRESSIONS).collect();
    let mut out = Vec::new();
    let mut after_cast = false;
    for (i, t) in tokens.iter().enumerate() {
        let text = t.text(expr);
        match t.kind {
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment { .. } => {}
            TokenKind::QuotedIdent { .. } => {
                if !after_cast && let Some(name) = quoted_name(text) {
                    out.push((name, t.span()));
                }
                after_cast = false;
            }
            TokenKind::Operator if text == "::" => after_cast = true,
            // `u&x` is the word `u`, then `&` (`{xufailed}`).
            TokenKind::Word | TokenKind::Other if is_word_like(t, text) => {
                let lower = text.to_ascii_lowercase();
                let is_keyword = KEYWORDS.contains(&lower.as_str());
                // The next token after white space: a call, a typed literal, a qualifier.
                let next = tokens[i + 1..]
                    .iter()
                    .find(|n| n.kind != TokenKind::Whitespace)
                    .map_or("", |n| n.text(expr));
                let is_call = next.starts_with('(');
                let is_typed_literal = next.starts_with('\'');
                let is_qualifier = next.starts_with('.');
                if !(after_cast || is_call || is_typed_literal || is_qualifier || is_keyword) {
                    out.push((lower, t.span()));
                }
                // A multi-word type after `::` (`double precision`) keeps the cast state.
                after_cast = after_cast && is_keyword;
            }
            _ => after_cast = false,
        }
    }
    out
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
