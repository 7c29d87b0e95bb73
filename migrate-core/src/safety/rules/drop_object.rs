//! `drop-view`, `drop-function`, `drop-trigger`: a view, function or trigger the schema no
//! longer declares is dropped, which breaks the code (or the behaviour) that relies on it.
//! Acknowledged by `drop_views`, `drop_functions`, `drop_triggers`. One dropped only to be
//! created again (its definition, or what it reads, changed) needs nothing; nor does a trigger
//! of a table the migration drops.

use crate::diff::Change;
use crate::safety::{Acknowledgement, Assessment, Cx, Risk, SafetyCode};
use crate::schema::{Function, Trigger, View};

pub(in crate::safety) fn view(cx: &Cx<'_>, v: &View) -> Option<Assessment> {
    let recreated = cx
        .diff
        .changes
        .iter()
        .any(|c| matches!(c, Change::CreateView(n) if n.name == v.name));
    if recreated {
        return None;
    }
    let what = if v.materialized {
        "materialized view"
    } else {
        "view"
    };
    Some(refusal(
        cx,
        SafetyCode::DropView,
        "drop_views",
        &v.name,
        &cx.to.objects.drop_views,
        format!("dropping {what} `{}`", v.name),
        "queries that read it fail",
    ))
}

pub(in crate::safety) fn function(cx: &Cx<'_>, f: &Function) -> Option<Assessment> {
    let recreated = cx
        .diff
        .changes
        .iter()
        .any(|c| matches!(c, Change::CreateFunction(n) if n.name == f.name));
    if recreated {
        return None;
    }
    Some(refusal(
        cx,
        SafetyCode::DropFunction,
        "drop_functions",
        &f.name,
        &cx.to.objects.drop_functions,
        format!("dropping function `{}`", f.name),
        "code that calls it fails",
    ))
}

pub(in crate::safety) fn trigger(cx: &Cx<'_>, t: &Trigger) -> Option<Assessment> {
    let recreated_or_table_gone = cx.diff.changes.iter().any(|c| match c {
        Change::CreateTrigger(n) => n.name == t.name,
        Change::DropTable(tb) => tb.name == t.table,
        _ => false,
    });
    if recreated_or_table_gone {
        return None;
    }
    Some(refusal(
        cx,
        SafetyCode::DropTrigger,
        "drop_triggers",
        &t.name,
        &cx.to.objects.drop_triggers,
        format!("dropping trigger `{}` on `{}`", t.name, t.table),
        "what it does on every write stops",
    ))
}

fn refusal(
    cx: &Cx<'_>,
    code: SafetyCode,
    key: &'static str,
    name: &str,
    acknowledged: &[String],
    subject: String,
    reason: &str,
) -> Assessment {
    Assessment {
        needs: Some(Acknowledgement::DropObject {
            key,
            name: name.to_string(),
        }),
        acknowledged: acknowledged.iter().any(|a| a == name),
        ..cx.found(code, Risk::BreaksCode, subject, reason)
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::rules::test::refused;

    const VIEW: &str = r#"
[tables.pets]
model = "Pet"
columns = { id = "integer" }
[views.pet_ids]
sql = "SELECT id FROM pets"
[functions.f]
sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$"
"#;

    #[test]
    fn refused_until_acknowledged() {
        let to = "[tables.pets]\nmodel = \"Pet\"\ncolumns = { id = \"integer\" }\n";
        let shown = refused(VIEW, to);
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].contains("drop_views = [\"pet_ids\"]"),
            "{}",
            shown[0]
        );
        assert!(
            shown[1].contains("drop_functions = [\"f\"]"),
            "{}",
            shown[1]
        );
        let acked = format!("drop_views = [\"pet_ids\"]\ndrop_functions = [\"f\"]\n{to}");
        assert!(refused(VIEW, &acked).is_empty());
    }

    #[test]
    fn a_rebuilt_view_needs_nothing() {
        assert!(refused(VIEW, &VIEW.replace("SELECT id", "SELECT id AS pet_id")).is_empty());
    }
}
