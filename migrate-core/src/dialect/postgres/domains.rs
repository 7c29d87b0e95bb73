//! Domains and sequences: `CREATE DOMAIN`, `ALTER DOMAIN`, `CREATE SEQUENCE`, `ALTER SEQUENCE`.

use super::defs::comment_value;
use super::render::Cx;
use super::types::type_sql;
use crate::schema::{Domain, Sequence};
use crate::sql::ident;

/// A column's or domain's `table.column` owner, quoted.
fn owner(o: &str) -> String {
    match o.rsplit_once('.') {
        Some((t, c)) => format!("{}.{}", ident(t), ident(c)),
        None => ident(o),
    }
}

fn check_sql(name: &str, expr: &str, not_valid: bool) -> String {
    format!(
        "CONSTRAINT {} CHECK ({expr}){}",
        ident(name),
        if not_valid { " NOT VALID" } else { "" }
    )
}

/// `Change::CreateDomain`: its checks written in it, but a NOT VALID one added after.
pub(super) fn create_domain(cx: &mut Cx<'_>, d: &Domain) {
    let mut sql = format!("CREATE DOMAIN {} AS {}", ident(&d.name), type_sql(&d.ty));
    if let Some(c) = &d.collation {
        sql.push_str(&format!(" COLLATE {}", ident(c)));
    }
    if let Some(v) = &d.default {
        sql.push_str(&format!(" DEFAULT {v}"));
    }
    if d.not_null {
        sql.push_str(" NOT NULL");
    }
    for ck in d.checks.iter().filter(|c| !c.not_valid) {
        sql.push(' ');
        sql.push_str(&check_sql(&ck.name, &ck.expr, false));
    }
    cx.tx(sql);
    for ck in d.checks.iter().filter(|c| c.not_valid) {
        cx.tx(format!(
            "ALTER DOMAIN {} ADD {}",
            ident(&d.name),
            check_sql(&ck.name, &ck.expr, true)
        ));
    }
    if d.comment.is_some() {
        cx.tx(format!(
            "COMMENT ON DOMAIN {} IS {}",
            ident(&d.name),
            comment_value(&d.comment)
        ));
    }
}

/// `Change::AlterDomain`.
pub(super) fn alter_domain(cx: &mut Cx<'_>, old: &Domain, new: &Domain) {
    let name = ident(&new.name);
    if old.ty != new.ty || old.collation != new.collation {
        // No ALTER for these: PostgreSQL refuses the drop while a column uses the domain.
        cx.tx(format!("DROP DOMAIN {name}"));
        create_domain(cx, new);
        return;
    }
    for ck in &old.checks {
        let kept = new
            .checks
            .iter()
            .any(|n| n.name == ck.name && n.expr == ck.expr);
        if !kept {
            cx.tx(format!(
                "ALTER DOMAIN {name} DROP CONSTRAINT {}",
                ident(&ck.name)
            ));
        }
    }
    if old.default != new.default {
        cx.tx(match &new.default {
            Some(v) => format!("ALTER DOMAIN {name} SET DEFAULT {v}"),
            None => format!("ALTER DOMAIN {name} DROP DEFAULT"),
        });
    }
    if old.not_null != new.not_null {
        let set = if new.not_null { "SET" } else { "DROP" };
        cx.tx(format!("ALTER DOMAIN {name} {set} NOT NULL"));
    }
    for ck in &new.checks {
        match old
            .checks
            .iter()
            .find(|o| o.name == ck.name && o.expr == ck.expr)
        {
            None => cx.tx(format!(
                "ALTER DOMAIN {name} ADD {}",
                check_sql(&ck.name, &ck.expr, ck.not_valid)
            )),
            Some(o) if o.not_valid && !ck.not_valid => cx.tx(format!(
                "ALTER DOMAIN {name} VALIDATE CONSTRAINT {}",
                ident(&ck.name)
            )),
            Some(_) => {}
        }
    }
    if old.comment != new.comment {
        cx.tx(format!(
            "COMMENT ON DOMAIN {name} IS {}",
            comment_value(&new.comment)
        ));
    }
}

/// The options of a sequence, every one written (`ALTER SEQUENCE` keeps what is not).
fn options(s: &Sequence) -> String {
    format!(
        "AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {} {}",
        type_sql(&s.ty),
        s.increment,
        s.min_value(),
        s.max_value(),
        s.start_value(),
        s.cache,
        if s.cycle { "CYCLE" } else { "NO CYCLE" }
    )
}

/// `Change::CreateSequence`.
pub(super) fn create_sequence(cx: &mut Cx<'_>, s: &Sequence) {
    let owned = s
        .owned_by
        .as_deref()
        .map(|o| format!(" OWNED BY {}", owner(o)))
        .unwrap_or_default();
    cx.tx(format!(
        "CREATE SEQUENCE {} {}{owned}",
        ident(&s.name),
        options(s)
    ));
}

/// `Change::AlterSequence`: its options, or its owner (the sequence's current value is kept).
pub(super) fn alter_sequence(cx: &mut Cx<'_>, old: &Sequence, new: &Sequence) {
    let name = ident(&new.name);
    let same_options = Sequence {
        owned_by: None,
        ..old.clone()
    } == Sequence {
        owned_by: None,
        ..new.clone()
    };
    if !same_options {
        cx.tx(format!("ALTER SEQUENCE {name} {}", options(new)));
    }
    if old.owned_by != new.owned_by {
        let to = new.owned_by.as_deref().map_or("NONE".to_string(), owner);
        cx.tx(format!("ALTER SEQUENCE {name} OWNED BY {to}"));
    }
}
