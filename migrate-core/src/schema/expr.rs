//! A light scan of SQL expressions (checks, partial-index predicates) for the column names they use.
//!
//! This is not a SQL parser. It finds the identifiers that can only be column references: bare
//! words that are not keywords, not function names (followed by `(`), not type names (after `::`),
//! not the type of a typed literal (`date '2024-01-01'`), and every double-quoted identifier.

use std::ops::Range;

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
    let bytes = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut after_cast = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\'' => {
                i = skip_quoted(bytes, i, b'\'');
                after_cast = false;
            }
            b'"' => {
                let end = skip_quoted(bytes, i, b'"');
                let name = expr[i + 1..end.saturating_sub(1).max(i + 1)].replace("\"\"", "\"");
                if !after_cast {
                    out.push((name, i..end));
                }
                i = end;
                after_cast = false;
            }
            b'$' if bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit()) => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            b':' if bytes.get(i + 1) == Some(&b':') => {
                i += 2;
                after_cast = true;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                let word = &expr[start..i];
                let lower = word.to_ascii_lowercase();
                let is_keyword = KEYWORDS.contains(&lower.as_str());
                let next = expr[i..].trim_start();
                let is_call = next.starts_with('(');
                let is_typed_literal = next.starts_with('\'');
                let is_qualifier = next.starts_with('.');
                if !(after_cast || is_call || is_typed_literal || is_qualifier || is_keyword) {
                    out.push((lower, start..i));
                }
                // A multi-word type after `::` (`double precision`) keeps the cast state.
                after_cast = after_cast && is_keyword;
            }
            c if c.is_ascii_digit() => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                after_cast = false;
            }
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                i += 1;
                after_cast = false;
            }
        }
    }
    out
}

/// Index just past the closing quote (a doubled quote is an escaped one).
fn skip_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
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
    fn ranges_point_at_the_word() {
        let expr = "a > 0 and bee < 2";
        let refs = column_references(expr);
        assert_eq!(&expr[refs[1].1.clone()], "bee");
    }
}
