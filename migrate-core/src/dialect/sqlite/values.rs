//! Defaults and backfills in SQLite's terms: PostgreSQL casts removed, PostgreSQL functions
//! replaced by SQLite's, array literals turned into the JSON arrays SQLite keeps arrays as.

use crate::config::Dialect;
use crate::schema::ColumnType;
use crate::sql::lex::{Token, TokenKind, lex};
use crate::sql::literal;

/// Removes PostgreSQL `::type` casts outside string literals.
pub fn strip_casts(expr: &str) -> String {
    let tokens: Vec<Token> = lex(expr, Dialect::Postgres).collect();
    let mut out = String::with_capacity(expr.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        i += 1;
        if t.kind == TokenKind::Operator && t.text(expr) == "::" {
            i = cast_type_end(expr, &tokens, i);
        } else {
            out.push_str(t.text(expr));
        }
    }
    out
}

/// The index of the first token after the type of a `::` cast whose type starts at `i`: words
/// (`double precision`, `timestamp with time zone`), quoted names, `(n)` and `[]`.
fn cast_type_end(expr: &str, tokens: &[Token], mut i: usize) -> usize {
    let kind_at = |i: usize| tokens.get(i).map(|t| t.kind);
    let text_at = |i: usize| tokens.get(i).map_or("", |t| t.text(expr));
    let skip_spaces = |mut i: usize| {
        while kind_at(i) == Some(TokenKind::Whitespace) {
            i += 1;
        }
        i
    };
    loop {
        i = skip_spaces(i);
        let start = i;
        if matches!(
            kind_at(i),
            Some(TokenKind::Word | TokenKind::QuotedIdent { .. })
        ) {
            i += 1;
        }
        if text_at(i) == "(" {
            while i < tokens.len() && text_at(i) != ")" {
                i += 1;
            }
            i = (i + 1).min(tokens.len());
        }
        while text_at(i) == "[" && text_at(i + 1) == "]" {
            i += 2;
        }
        let word: String = tokens[start..i].iter().map(|t| t.text(expr)).collect();
        let word = word.to_ascii_lowercase();
        let rest = text_at(skip_spaces(i)).to_ascii_lowercase();
        let continues = matches!(word.as_str(), "double" | "character" | "timestamp" | "time")
            && (rest.starts_with("precision")
                || rest.starts_with("varying")
                || rest.starts_with("with")
                || rest.starts_with("without"));
        let in_zone_phrase = matches!(word.as_str(), "with" | "without" | "time")
            && (rest.starts_with("time") || rest.starts_with("zone"));
        if !(continues || in_zone_phrase) || start == i {
            return i;
        }
    }
}

const UUID_V4: &str = "(lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))";

/// Whether `e` is a literal SQLite takes as a column default as it is: `NULL`, `TRUE`,
/// `FALSE`, a number (signed or not), or a plain string.
pub(super) fn is_literal(e: &str) -> bool {
    let Some(t) = only_token(e) else {
        let unsigned = e.strip_prefix(['+', '-']).and_then(only_token);
        return unsigned.is_some_and(|t| t.kind == TokenKind::Number) && e.parse::<f64>().is_ok();
    };
    match t.kind {
        TokenKind::Word => ["null", "true", "false"]
            .iter()
            .any(|w| e.eq_ignore_ascii_case(w)),
        TokenKind::Number => e.parse::<f64>().is_ok(),
        TokenKind::String { .. } => string_value(e).is_some(),
        _ => false,
    }
}

/// The one token `e` is, nothing around it.
fn only_token(e: &str) -> Option<Token> {
    let t = lex(e, Dialect::Postgres).next()?;
    (t.end == e.len()).then_some(t)
}

/// The value of `e` when it is one plain string literal (`'it''s'` is `it's`), nothing around it.
fn string_value(e: &str) -> Option<String> {
    let t = only_token(e)?;
    match t.kind {
        TokenKind::String { .. } => t.unquoted(e).map(|v| v.into_owned()),
        _ => None,
    }
}

/// A default expression SQLite accepts: a literal, `CURRENT_*`, or an expression in parentheses.
pub fn default_sql(expr: &str) -> String {
    let e = strip_casts(expr);
    let e = e.trim();
    match e.to_ascii_lowercase().as_str() {
        "now()"
        | "current_timestamp"
        | "localtimestamp"
        | "transaction_timestamp()"
        | "statement_timestamp()"
        | "clock_timestamp()" => return "CURRENT_TIMESTAMP".into(),
        "current_date" => return "CURRENT_DATE".into(),
        "current_time" | "localtime" => return "CURRENT_TIME".into(),
        "gen_random_uuid()" | "uuid_generate_v4()" => return UUID_V4.into(),
        _ => {}
    }
    if is_literal(e) {
        e.to_string()
    } else {
        format!("({e})")
    }
}

/// A default or backfill of a column of type `ty`: as [`default_sql`], except that a PostgreSQL
/// array literal (`'{}'`, `'{1,2}'`, `'{"a b",NULL}'`) becomes the JSON array that SQLite keeps
/// arrays as.
pub fn value_sql(expr: &str, ty: &ColumnType) -> String {
    if let ColumnType::Array(element) = ty
        && let Some(json) = json_array(strip_casts(expr).trim(), element)
    {
        return literal(&json);
    }
    default_sql(expr)
}

/// The JSON text of a one-dimensional PostgreSQL array literal, if `e` is one.
fn json_array(e: &str, element: &ColumnType) -> Option<String> {
    use serde_json::Value;
    let text = string_value(e)?;
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut items = Vec::new();
    let mut chars = inner.trim().chars().peekable();
    while chars.peek().is_some() {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut item = String::new();
        let is_quoted = chars.next_if_eq(&'"').is_some();
        if is_quoted {
            loop {
                match chars.next()? {
                    '\\' => item.push(chars.next()?),
                    '"' => break,
                    c => item.push(c),
                }
            }
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
        } else {
            while let Some(c) = chars.next_if(|&c| c != ',') {
                if matches!(c, '{' | '}' | '"' | '\\') {
                    return None;
                }
                item.push(c);
            }
            item = item.trim().to_string();
        }
        let number = || serde_json::from_str::<serde_json::Number>(&item).ok();
        items.push(match element {
            _ if !is_quoted && item.eq_ignore_ascii_case("null") => Value::Null,
            ColumnType::SmallInt
            | ColumnType::Integer
            | ColumnType::BigInt
            | ColumnType::Real
            | ColumnType::Double
            | ColumnType::Numeric(_)
                if number().is_some() =>
            {
                Value::Number(number()?)
            }
            ColumnType::Boolean => Value::Bool(matches!(
                item.to_ascii_lowercase().as_str(),
                "t" | "true" | "y" | "yes" | "on" | "1"
            )),
            _ => Value::String(item),
        });
        match chars.next() {
            Some(',') | None => {}
            Some(_) => return None,
        }
    }
    Some(Value::Array(items).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_are_stripped_outside_strings() {
        assert_eq!(strip_casts("'a'::text"), "'a'");
        assert_eq!(strip_casts("x::double precision > 1"), "x > 1");
        assert_eq!(strip_casts("'it''s::x'::varchar(10)"), "'it''s::x'");
        assert_eq!(strip_casts("now()::timestamp with time zone"), "now()");
        assert_eq!(strip_casts("a::\"my type\"[] = b"), "a = b");
        // A `::` in a comment or a dollar-quoted body is no cast.
        assert_eq!(strip_casts("a -- x::int\n"), "a -- x::int\n");
        assert_eq!(strip_casts("$$x::int$$::text"), "$$x::int$$");
        assert_eq!(strip_casts("E'\\'::x'::text || b"), "E'\\'::x' || b");
    }

    #[test]
    fn defaults() {
        assert_eq!(default_sql("now()"), "CURRENT_TIMESTAMP");
        assert_eq!(default_sql("'draft'::text"), "'draft'");
        assert_eq!(default_sql("0"), "0");
        assert_eq!(default_sql("-1.5"), "-1.5");
        assert_eq!(default_sql("true"), "true");
        assert_eq!(default_sql("lower('A')"), "(lower('A'))");
        assert_eq!(default_sql("'it''s'"), "'it''s'");
        assert_eq!(default_sql("+2e3"), "+2e3");
        // Not one literal: a string continued on the next line, two strings, an E string.
        assert_eq!(default_sql("'a'\n'b'"), "('a'\n'b')");
        assert_eq!(default_sql("'a' || 'b'"), "('a' || 'b')");
        assert_eq!(default_sql("E'x'"), "(E'x')");
        assert_eq!(default_sql("inf"), "(inf)");
    }

    #[test]
    fn array_literals_become_json() {
        let int = ColumnType::Array(Box::new(ColumnType::Integer));
        let text = ColumnType::Array(Box::new(ColumnType::Text));
        let flag = ColumnType::Array(Box::new(ColumnType::Boolean));
        assert_eq!(value_sql("'{}'", &text), "'[]'");
        assert_eq!(value_sql("'{}'::text[]", &text), "'[]'");
        assert_eq!(value_sql("'{1, 2,NULL}'", &int), "'[1,2,null]'");
        assert_eq!(
            value_sql(r#"'{a,"b c","it''s","\"q\"",null,"NULL"}'"#, &text),
            r#"'["a","b c","it''s","\"q\"",null,"NULL"]'"#
        );
        assert_eq!(value_sql("'{t,f}'", &flag), "'[true,false]'");
        assert_eq!(value_sql("'{{1},{2}}'", &int), "'{{1},{2}}'");
        assert_eq!(value_sql("'{}'", &ColumnType::Json), "'{}'");
    }
}
