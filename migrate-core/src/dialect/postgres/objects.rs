//! Views, materialized views, functions, procedures, aggregates and triggers.

use super::defs::comment_value;
use super::render::Cx;
use crate::schema::objects::{Function, Trigger, TriggerEvent, View, signature};
use crate::sql::ident;

fn kind(v: &View) -> &'static str {
    if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

pub(super) fn create_view(cx: &mut Cx<'_>, v: &View) {
    cx.tx(format!("CREATE {} {} AS\n{}", kind(v), ident(&v.name), v.sql));
    for ix in &v.indexes {
        cx.tx(ix.clone());
    }
    if v.comment.is_some() {
        set_view_comment(cx, v);
    }
}

pub(super) fn drop_view(cx: &mut Cx<'_>, v: &View) {
    cx.tx(format!("DROP {} {}", kind(v), ident(&v.name)));
}

pub(super) fn set_view_comment(cx: &mut Cx<'_>, v: &View) {
    cx.tx(format!(
        "COMMENT ON {} {} IS {}",
        kind(v),
        ident(&v.name),
        comment_value(&v.comment)
    ));
}

pub(super) fn create_function(cx: &mut Cx<'_>, f: &Function) {
    cx.tx(f.sql.clone());
    if f.comment.is_some() {
        comment_function(cx, f);
    }
}

/// `CREATE OR REPLACE ...`: the statement as declared, `OR REPLACE` added when it lacks it;
/// and its comment, when that changes.
pub(super) fn replace_function(cx: &mut Cx<'_>, from: &Function, f: &Function) {
    if from.sql != f.sql {
        cx.tx(or_replace(&f.sql));
    }
    if from.comment != f.comment {
        comment_function(cx, f);
    }
}

fn comment_function(cx: &mut Cx<'_>, f: &Function) {
    if let Some(sig) = signature(&f.sql) {
        cx.tx(format!(
            "COMMENT ON {} {}({}) IS {}",
            sig.kind.keyword(),
            sig.name,
            sig.drop_args(),
            comment_value(&f.comment)
        ));
    }
}

/// `sql`, a `CREATE FUNCTION|PROCEDURE|AGGREGATE` statement, as `CREATE OR REPLACE`.
pub(crate) fn or_replace(sql: &str) -> String {
    let trimmed = sql.trim_start();
    let lead = &sql[..sql.len() - trimmed.len()];
    let after_create = &trimmed[6.min(trimmed.len())..];
    let upper = after_create.trim_start().to_ascii_uppercase();
    if trimmed.len() >= 6
        && trimmed[..6].eq_ignore_ascii_case("CREATE")
        && !upper.starts_with("OR ")
    {
        format!("{lead}CREATE OR REPLACE{after_create}")
    } else {
        sql.to_string()
    }
}

pub(super) fn drop_function(cx: &mut Cx<'_>, f: &Function) {
    if let Some(sig) = signature(&f.sql) {
        cx.tx(format!(
            "DROP {} {}({})",
            sig.kind.keyword(),
            sig.name,
            sig.drop_args()
        ));
    }
}

pub(super) fn create_trigger(cx: &mut Cx<'_>, t: &Trigger) {
    cx.tx(trigger_sql(t));
}

/// The `CREATE TRIGGER` statement of `t`.
pub(crate) fn trigger_sql(t: &Trigger) -> String {
    let events: Vec<String> = t
        .events
        .iter()
        .map(|e| match e {
            TriggerEvent::Update if !t.columns.is_empty() => format!(
                "UPDATE OF {}",
                t.columns.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", ")
            ),
            e => e.as_str().to_ascii_uppercase(),
        })
        .collect();
    let mut sql = format!(
        "CREATE TRIGGER {} {} {} ON {}",
        ident(&t.name),
        t.timing.sql(),
        events.join(" OR "),
        ident(&t.table),
    );
    if t.old_table.is_some() || t.new_table.is_some() {
        sql.push_str(" REFERENCING");
        if let Some(o) = &t.old_table {
            sql.push_str(&format!(" OLD TABLE AS {}", ident(o)));
        }
        if let Some(n) = &t.new_table {
            sql.push_str(&format!(" NEW TABLE AS {}", ident(n)));
        }
    }
    sql.push_str(&format!(
        " FOR EACH {}",
        t.for_each.as_str().to_ascii_uppercase()
    ));
    if let Some(w) = &t.when {
        sql.push_str(&format!(" WHEN ({w})"));
    }
    sql.push_str(&format!(
        " EXECUTE FUNCTION {}",
        t.function.as_deref().unwrap_or("")
    ));
    sql
}

pub(super) fn drop_trigger(cx: &mut Cx<'_>, t: &Trigger) {
    cx.tx(format!(
        "DROP TRIGGER {} ON {}",
        ident(&t.name),
        ident(&t.table)
    ));
}
