//! Defaults and backfills in SQLite's terms: PostgreSQL casts removed, PostgreSQL functions
//! replaced by SQLite's, array literals turned into the JSON arrays SQLite keeps arrays as.

use crate::schema::ColumnType;
use crate::sql::literal;

/// Removes PostgreSQL `::type` casts outside string literals.
pub fn strip_casts(expr: &str) -> String {
    let b = expr.as_bytes();
    let mut out = String::with_capacity(expr.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                let start = i;
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                out.push_str(&expr[start..i]);
            }
            b':' if b.get(i + 1) == Some(&b':') => {
                i += 2;
                // The type: words (`double precision`), quoted names, `(n)` and `[]`.
                loop {
                    while i < b.len() && b[i] == b' ' {
                        i += 1;
                    }
                    let start = i;
                    if i < b.len() && b[i] == b'"' {
                        i += 1;
                        while i < b.len() && b[i] != b'"' {
                            i += 1;
                        }
                        i = (i + 1).min(b.len());
                    } else {
                        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                            i += 1;
                        }
                    }
                    if i < b.len() && b[i] == b'(' {
                        while i < b.len() && b[i] != b')' {
                            i += 1;
                        }
                        i = (i + 1).min(b.len());
                    }
                    while i + 1 < b.len() && b[i] == b'[' && b[i + 1] == b']' {
                        i += 2;
                    }
                    let word = expr[start..i].to_ascii_lowercase();
                    let rest = expr[i..].trim_start().to_ascii_lowercase();
                    let continues =
                        matches!(word.as_str(), "double" | "character" | "timestamp" | "time")
                            && (rest.starts_with("precision")
                                || rest.starts_with("varying")
                                || rest.starts_with("with")
                                || rest.starts_with("without"));
                    let in_zone_phrase = matches!(word.as_str(), "with" | "without" | "time")
                        && (rest.starts_with("time") || rest.starts_with("zone"));
                    if !(continues || in_zone_phrase) || start == i {
                        break;
                    }
                }
            }
            _ => {
                let ch = expr[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

const UUID_V4: &str = "(lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))";

pub(super) fn is_literal(e: &str) -> bool {
    let l = e.to_ascii_lowercase();
    matches!(l.as_str(), "null" | "true" | "false")
        || e.parse::<f64>().is_ok()
        || (e.starts_with('\'')
            && e.ends_with('\'')
            && e.len() >= 2
            && !e[1..e.len() - 1].replace("''", "").contains('\''))
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
    if is_literal(e) || (e.starts_with('-') && e[1..].parse::<f64>().is_ok()) {
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
    let quoted = e.strip_prefix('\'')?.strip_suffix('\'')?;
    if quoted.replace("''", "").contains('\'') {
        return None;
    }
    let text = quoted.replace("''", "'");
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
    }

    #[test]
    fn defaults() {
        assert_eq!(default_sql("now()"), "CURRENT_TIMESTAMP");
        assert_eq!(default_sql("'draft'::text"), "'draft'");
        assert_eq!(default_sql("0"), "0");
        assert_eq!(default_sql("-1.5"), "-1.5");
        assert_eq!(default_sql("true"), "true");
        assert_eq!(default_sql("lower('A')"), "(lower('A'))");
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
