//! Reading SQLite's views and triggers back from their statements (`sqlite_master.sql`), in the
//! form `objects.rs` writes them.

use crate::schema::objects::{ForEach, Trigger, TriggerEvent, TriggerTiming};
use crate::sql::lex::{TokenKind, lex};

/// The query of a view's `CREATE VIEW name AS query` statement.
pub(crate) fn view_body(sql: &str) -> Option<String> {
    let mut depth = 0;
    for t in lex(sql, crate::config::Dialect::Sqlite) {
        let text = &sql[t.start..t.end];
        match text {
            "(" => depth += 1,
            ")" => depth -= 1,
            _ if depth == 0 && t.kind == TokenKind::Word && text.eq_ignore_ascii_case("AS") => {
                return Some(crate::schema::objects::trim_sql(&sql[t.end..]));
            }
            _ => {}
        }
    }
    None
}

/// A trigger's `CREATE TRIGGER` statement read back into the model: `None` when it is not in
/// the form the schema language writes (one event, `FOR EACH ROW`, a `BEGIN ... END` body).
pub(crate) fn parse_trigger(name: &str, table: &str, sql: &str) -> Option<Trigger> {
    let toks: Vec<(usize, usize, TokenKind)> = lex(sql, crate::config::Dialect::Sqlite)
        .filter(|t| {
            !matches!(
                t.kind,
                TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment { .. }
            )
        })
        .map(|t| (t.start, t.end, t.kind))
        .collect();
    let up = |i: usize| toks.get(i).map(|t| sql[t.0..t.1].to_ascii_uppercase());
    let mut i = 0;
    // CREATE [TEMP] TRIGGER [IF NOT EXISTS] name
    while up(i)? != "TRIGGER" {
        i += 1;
    }
    i += 1;
    if up(i)? == "IF" {
        i += 3;
    }
    i += 1; // the name
    if up(i)? == "." {
        i += 2;
    }
    let timing = match up(i)?.as_str() {
        "BEFORE" => {
            i += 1;
            TriggerTiming::Before
        }
        "AFTER" => {
            i += 1;
            TriggerTiming::After
        }
        "INSTEAD" => {
            i += 2;
            TriggerTiming::InsteadOf
        }
        _ => TriggerTiming::Before,
    };
    let event = TriggerEvent::parse(&up(i)?.to_ascii_lowercase())?;
    i += 1;
    let mut columns = Vec::new();
    if up(i)? == "OF" {
        i += 1;
        loop {
            let (s, e, k) = *toks.get(i)?;
            let text = &sql[s..e];
            columns.push(match k {
                TokenKind::QuotedIdent { .. } => crate::sql::lex::Token { kind: k, start: s, end: e }
                    .unquoted(sql)?
                    .into_owned(),
                _ => text.to_string(),
            });
            i += 1;
            if up(i)? != "," {
                break;
            }
            i += 1;
        }
    }
    if up(i)? != "ON" {
        return None;
    }
    i += 2; // ON table
    if up(i)? == "FOR" {
        i += 3;
    }
    let mut when = None;
    if up(i)? == "WHEN" {
        let start = toks.get(i + 1)?.0;
        let mut j = i + 1;
        while up(j)? != "BEGIN" {
            j += 1;
        }
        when = Some(sql[start..toks[j].0].trim().to_string());
        i = j;
    }
    if up(i)? != "BEGIN" {
        return None;
    }
    Some(Trigger {
        name: name.to_string(),
        table: table.to_string(),
        timing,
        events: vec![event],
        columns,
        for_each: ForEach::Row,
        when,
        function: None,
        body: Some(crate::schema::objects::trim_sql(&sql[toks[i].0..])),
        old_table: None,
        new_table: None,
    })
}
