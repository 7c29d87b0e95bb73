//! Views and triggers in SQLite. SQLite stores their statements as written
//! (`sqlite_master.sql`), so the statement is written in one canonical form and read back
//! from it (`read_objects.rs`).
//!
//! A table rebuild drops the table, and its triggers with it, and renames the new one into its
//! place, which SQLite refuses while a view reading it cannot be resolved: the views that read a
//! rebuilt table and the triggers on it are dropped first and created again last.

use super::render::{Groups, Plan};
use crate::diff::{Change, Diff};
use crate::schema::objects::{Trigger, TriggerEvent, View, mentions};
use crate::schema::Schema;
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
