//! Views and triggers in SQLite. SQLite stores their statements as written
//! (`sqlite_master.sql`), so the statement is written in one canonical form and read back
//! from it ([`view_body`], [`parse_trigger`]).
//!
//! A table rebuild drops the table, and its triggers with it, and renames the new one into its
//! place, which SQLite refuses while a view reading it cannot be resolved: the views that read a
//! rebuilt table and the triggers on it are dropped first and created again last.

use super::render::{Groups, Plan};
use crate::diff::{Change, Diff};
use crate::schema::objects::{ForEach, Trigger, TriggerEvent, TriggerTiming, View, mentions};
use crate::schema::Schema;
use crate::sql::lex::{TokenKind, lex};
use crate::sql::{Statement, ident};

pub(super) fn create_view(v: &View) -> String {
    format!("CREATE VIEW {} AS\n{}", ident(&v.name), v.sql)
}

pub(super) fn drop_view(v: &View) -> String {
    format!("DROP VIEW {}", ident(&v.name))
}

pub(super) fn drop_trigger(t: &Trigger) -> String {
    format!("DROP TRIGGER {}", ident(&t.name))
}

pub(super) fn create_trigger(t: &Trigger) -> String {
    let event = t.events.first().copied().unwrap_or(TriggerEvent::Insert);
    let mut sql = format!(
        "CREATE TRIGGER {} {} {}",
        ident(&t.name),
        t.timing.sql(),
        event.as_str().to_ascii_uppercase()
    );
    if event == TriggerEvent::Update && !t.columns.is_empty() {
        let cols: Vec<String> = t.columns.iter().map(|c| ident(c)).collect();
        sql.push_str(&format!(" OF {}", cols.join(", ")));
    }
    sql.push_str(&format!(" ON {} FOR EACH ROW", ident(&t.table)));
    if let Some(w) = &t.when {
        sql.push_str(&format!(" WHEN {w}"));
    }
    sql.push('\n');
    sql.push_str(t.body.as_deref().unwrap_or("BEGIN SELECT 1; END"));
    sql
}

/// Drops and creates again the views reading a rebuilt table and the triggers on it (the diff
/// has not already).
pub(super) fn around_rebuilds(
    diff: &Diff,
    from: &Schema,
    to: &Schema,
    plan: &Plan<'_>,
    g: &mut Groups,
) {
    if plan.rebuild.is_empty() {
        return;
    }
    let in_diff = |name: &str| {
        diff.changes.iter().any(|c| match c {
            Change::DropView(v) | Change::CreateView(v) => v.name == name,
            Change::DropTrigger(t) | Change::CreateTrigger(t) => t.name == name,
            _ => false,
        })
    };
    // Views reading a rebuilt table, and the views reading those.
    let mut hit: Vec<&str> = plan.rebuild.iter().map(String::as_str).collect();
    let mut views: Vec<&View> = Vec::new();
    loop {
        let before = views.len();
        for v in &from.objects.views {
            if !views.iter().any(|x| x.name == v.name)
                && mentions(&v.sql).iter().any(|m| hit.contains(&m.as_str()))
            {
                views.push(v);
                hit.push(&v.name);
            }
        }
        if views.len() == before {
            break;
        }
    }
    for v in views.iter().rev() {
        if !in_diff(&v.name) {
            g.drop_objects.push(Statement::tx(drop_view(v)));
        }
    }
    for v in &views {
        if !in_diff(&v.name)
            && let Some(n) = to.objects.view(&v.name)
        {
            g.create_objects.push(Statement::tx(create_view(n)));
        }
    }
    for t in &from.objects.triggers {
        if plan.rebuild.contains(&t.table) && !in_diff(&t.name) {
            // The rebuild's DROP TABLE drops it.
            if let Some(n) = to.objects.trigger(&t.name) {
                g.create_objects.push(Statement::tx(create_trigger(n)));
            }
        }
    }
}

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
