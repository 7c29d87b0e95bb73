//! Views, functions and triggers: compared by their definitions (in the server's spelling, see
//! [`crate::schema::objects`]), created in dependency order, and dropped to be created again
//! when PostgreSQL cannot change them in place.
//!
//! - A view whose body, kind or indexes change is dropped and created again (`CREATE OR
//!   REPLACE VIEW` refuses a changed column list, which the body alone does not tell), and so
//!   is every view that reads it. A view that reads a table whose columns change type, are
//!   dropped or renamed, or that is renamed or dropped, is too: PostgreSQL refuses `ALTER
//!   COLUMN TYPE` under a view.
//! - A function whose signature, parameter names and result stay is replaced (`CREATE OR
//!   REPLACE`); otherwise it is dropped and created again, with the triggers that call it and
//!   the views that mention it.
//! - A trigger that changes, or whose table or function is rebuilt, is dropped and created again.
//!
//! Dependencies are read from the names a body mentions ([`mentions`]), without parsing it.

use std::collections::{HashMap, HashSet};

use super::{Change, Differ};
use crate::schema::Schema;
use crate::schema::objects::{Function, Trigger, View, mentions, signature};
use crate::sql::lex::{TokenKind, lex};

impl Differ {
    pub(super) fn objects(&mut self, from: &Schema, to: &Schema) {
        let (old, new) = (&from.objects, &to.objects);
        if old.is_empty() && new.is_empty() {
            return;
        }
        let touched = self.touched_tables();

        // Functions.
        let mut fn_dropped: Vec<&Function> = Vec::new();
        let mut fn_created: Vec<&Function> = Vec::new();
        let mut fn_replaced: Vec<(&Function, &Function)> = Vec::new();
        for o in &old.functions {
            match new.function(&o.name) {
                None => fn_dropped.push(o),
                Some(n) if n.sql == o.sql && n.comment == o.comment => {}
                Some(n) if n.sql == o.sql => fn_replaced.push((o, n)),
                Some(n) if replaceable(o, n) => fn_replaced.push((o, n)),
                Some(n) => {
                    fn_dropped.push(o);
                    fn_created.push(n);
                }
            }
        }
        for n in &new.functions {
            if old.function(&n.name).is_none() {
                fn_created.push(n);
            }
        }
        // Bare names of functions dropped (or rebuilt): what mentions them is rebuilt too.
        let rebuilt_fns: HashSet<String> = fn_dropped.iter().filter_map(|f| bare_name(f)).collect();

        // Views: rebuilt when changed, when what they read changes, and when a view they read
        // is rebuilt or dropped.
        let mut rebuild: HashSet<&str> = HashSet::new();
        for o in &old.views {
            let changed = match new.view(&o.name) {
                None => true,
                Some(n) => {
                    n.sql != o.sql || n.materialized != o.materialized || n.indexes != o.indexes
                }
            };
            let reads_touched = mentions(&o.sql)
                .iter()
                .any(|m| touched.contains(m) || rebuilt_fns.contains(m));
            if changed || reads_touched {
                rebuild.insert(&o.name);
            }
        }
        loop {
            let before = rebuild.len();
            for o in &old.views {
                if !rebuild.contains(o.name.as_str())
                    && mentions(&o.sql)
                        .iter()
                        .any(|m| rebuild.contains(m.as_str()))
                {
                    rebuild.insert(&o.name);
                }
            }
            if rebuild.len() == before {
                break;
            }
        }

        // Triggers.
        let rebuilt_views: HashSet<String> = rebuild.iter().map(|v| v.to_string()).collect();
        let mut tr_dropped: Vec<&Trigger> = Vec::new();
        let mut tr_created: Vec<&Trigger> = Vec::new();
        for o in &old.triggers {
            let calls_rebuilt = o
                .function
                .as_deref()
                .and_then(|f| f.split('(').next())
                .map(|f| {
                    f.rsplit('.')
                        .next()
                        .unwrap_or(f)
                        .trim_matches('"')
                        .to_lowercase()
                })
                .is_some_and(|f| rebuilt_fns.contains(&f));
            let on_rebuilt = rebuilt_views.contains(&o.table) || self.table_dropped(&o.table);
            match new.trigger(&o.name) {
                None => tr_dropped.push(o),
                Some(n) if n != o || calls_rebuilt || on_rebuilt => {
                    tr_dropped.push(o);
                    tr_created.push(n);
                }
                Some(_) => {}
            }
        }
        for n in &new.triggers {
            if old.trigger(&n.name).is_none() {
                tr_created.push(n);
            }
        }

        // Drops: triggers, then views (readers first), then functions.
        for t in tr_dropped {
            self.drop_objects.push(Change::DropTrigger(t.clone()));
        }
        let dropped_views: Vec<&View> = old
            .views
            .iter()
            .filter(|v| rebuild.contains(v.name.as_str()))
            .collect();
        let mut order = dependency_order(&dropped_views, |v| &v.name, |v| &v.sql);
        order.reverse();
        for v in order {
            self.drop_objects.push(Change::DropView(v.clone()));
        }
        for f in fn_dropped {
            self.drop_objects.push(Change::DropFunction(f.clone()));
        }

        // Creates: functions and views together, each after what it mentions; then triggers.
        for (o, n) in fn_replaced {
            self.create_objects.push(Change::ReplaceFunction {
                from: o.clone(),
                to: n.clone(),
            });
        }
        let created_views: Vec<&View> = new
            .views
            .iter()
            .filter(|v| old.view(&v.name).is_none() || rebuild.contains(v.name.as_str()))
            .collect();
        enum Obj<'a> {
            F(&'a Function),
            V(&'a View),
        }
        let mut objs: Vec<(String, String, Obj<'_>)> = Vec::new();
        let relations: HashSet<String> = to
            .tables
            .iter()
            .map(|t| t.name.to_lowercase())
            .chain(new.views.iter().map(|v| v.name.to_lowercase()))
            .collect();
        // `LANGUAGE plpgsql` bodies are checked when called, not when created: such a function,
        // and one that reads no relation, is created early, unless it names a function created
        // late (an aggregate whose SFUNC reads a table).
        // A relation named outside the body (`RETURNS SETOF customer`, a parameter of a row
        // type) is checked when the function is created, whatever its language.
        let mut early: Vec<bool> = fn_created
            .iter()
            .map(|f| {
                let read = if squash(&f.sql).contains("languageplpgsql") {
                    mentions_outside_body(&f.sql)
                } else {
                    mentions(&f.sql)
                };
                !read.iter().any(|m| relations.contains(m))
            })
            .collect();
        loop {
            let late: HashSet<String> = fn_created
                .iter()
                .zip(&early)
                .filter(|(_, e)| !**e)
                .filter_map(|(f, _)| bare_name(f))
                .collect();
            let mut changed = false;
            for (f, e) in fn_created.iter().zip(early.iter_mut()) {
                if *e
                    && !squash(&f.sql).contains("languageplpgsql")
                    && mentions(&f.sql).iter().any(|m| late.contains(m))
                {
                    *e = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // Early ones each after the functions it names (an aggregate after its SFUNC and
        // FINALFUNC).
        let early_fns: Vec<(String, String, &Function)> = fn_created
            .iter()
            .zip(&early)
            .filter(|(_, e)| **e)
            .map(|(f, _)| (bare_name(f).unwrap_or_default(), f.sql.clone(), *f))
            .collect();
        let early_refs: Vec<&(String, String, &Function)> = early_fns.iter().collect();
        for (_, _, f) in dependency_order(&early_refs, |o| &o.0, |o| &o.1) {
            self.functions.push(Change::CreateFunction((*f).clone()));
        }
        for (f, _) in fn_created.iter().zip(&early).filter(|(_, e)| !**e) {
            objs.push((bare_name(f).unwrap_or_default(), f.sql.clone(), Obj::F(f)));
        }
        for v in created_views {
            objs.push((v.name.clone(), v.sql.clone(), Obj::V(v)));
        }
        let refs: Vec<&(String, String, Obj<'_>)> = objs.iter().collect();
        for (_, _, o) in dependency_order(&refs, |o| &o.0, |o| &o.1) {
            self.create_objects.push(match o {
                Obj::F(f) => Change::CreateFunction((*f).clone()),
                Obj::V(v) => Change::CreateView((*v).clone()),
            });
        }
        for t in tr_created {
            self.create_objects.push(Change::CreateTrigger(t.clone()));
        }

        // Comments of views kept.
        for n in &new.views {
            if let Some(o) = old.view(&n.name)
                && !rebuild.contains(n.name.as_str())
                && o.comment != n.comment
            {
                self.comments
                    .push(Change::SetViewComment { view: n.clone() });
            }
        }
    }

    /// Tables (old and new names) whose columns change in a way a view reading them cannot
    /// survive, or that are renamed or dropped.
    fn touched_tables(&self) -> HashSet<String> {
        let mut out = HashSet::new();
        for c in self
            .columns
            .iter()
            .chain(&self.renames)
            .chain(&self.drop_tables)
        {
            match c {
                Change::AlterColumnType { table, .. }
                | Change::DropColumn { table, .. }
                | Change::RenameColumn { table, .. } => {
                    out.insert(table.clone());
                }
                Change::RenameTable { from, to } => {
                    out.insert(from.clone());
                    out.insert(to.clone());
                }
                Change::DropTable(t) => {
                    out.insert(t.name.clone());
                }
                _ => {}
            }
        }
        for c in &self.enums {
            if let Change::RebuildEnum { columns, .. } = c {
                out.extend(columns.iter().map(|(t, _)| t.clone()));
            }
        }
        out
    }

    fn table_dropped(&self, table: &str) -> bool {
        self.drop_tables
            .iter()
            .any(|c| matches!(c, Change::DropTable(t) if t.name == table))
    }
}

/// A function's name without its schema or quotes, lowercased as an unquoted name is.
fn bare_name(f: &Function) -> Option<String> {
    let sig = f.signature()?;
    let last = sig.name.rsplit('.').next().unwrap_or(&sig.name);
    Some(
        match last.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
            Some(quoted) => quoted.to_string(),
            None => last.to_lowercase(),
        },
    )
}

/// Whether `CREATE OR REPLACE` turns `old` into `new`: the same kind, name and parameters
/// (names and types), and the same result.
fn replaceable(old: &Function, new: &Function) -> bool {
    let (Some(a), Some(b)) = (signature(&old.sql), signature(&new.sql)) else {
        return false;
    };
    a.kind == b.kind
        && squash(&a.name) == squash(&b.name)
        && squash(&a.drop_args()) == squash(&b.drop_args())
        && returns(&old.sql, a.span.1) == returns(&new.sql, b.span.1)
}

/// Lowercase without whitespace.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The `RETURNS ...` clause after the parameter list, squashed: up to the next clause keyword.
fn returns(sql: &str, from: usize) -> String {
    const CLAUSES: &[&str] = &[
        "LANGUAGE",
        "AS",
        "IMMUTABLE",
        "STABLE",
        "VOLATILE",
        "STRICT",
        "CALLED",
        "SECURITY",
        "PARALLEL",
        "COST",
        "ROWS",
        "SET",
        "WINDOW",
        "LEAKPROOF",
        "NOT",
        "EXTERNAL",
        "TRANSFORM",
        "SUPPORT",
        "BEGIN",
        "RETURN",
    ];
    let rest = &sql[from..];
    let mut out = String::new();
    let mut inside = false;
    for t in lex(rest, crate::config::Dialect::EXPRESSIONS) {
        let text = &rest[t.start..t.end];
        if matches!(
            t.kind,
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment { .. }
        ) {
            continue;
        }
        let upper = text.to_ascii_uppercase();
        if !inside {
            if upper == "RETURNS" {
                inside = true;
                continue;
            }
            if CLAUSES.contains(&upper.as_str()) {
                continue;
            }
            break;
        }
        if t.kind == TokenKind::Word && CLAUSES.contains(&upper.as_str()) {
            break;
        }
        out.push_str(&text.to_lowercase());
        out.push(' ');
    }
    out
}

/// The names `sql` mentions outside its dollar-quoted strings (a function's body).
fn mentions_outside_body(sql: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in lex(sql, crate::config::Dialect::EXPRESSIONS) {
        let name = match t.kind {
            TokenKind::Word => sql[t.start..t.end].to_lowercase(),
            TokenKind::QuotedIdent { .. } => match t.unquoted(sql) {
                Some(u) => u.into_owned(),
                None => continue,
            },
            _ => continue,
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// `items` ordered so that each comes after the others whose name its SQL mentions; in the
/// given order otherwise (and for a cycle).
fn dependency_order<'a, T>(
    items: &[&'a T],
    name: impl Fn(&T) -> &String,
    sql: impl Fn(&T) -> &String,
) -> Vec<&'a T> {
    let index: HashMap<String, usize> = items
        .iter()
        .enumerate()
        .map(|(i, t)| (name(t).clone(), i))
        .collect();
    let deps: Vec<Vec<usize>> = items
        .iter()
        .enumerate()
        .map(|(i, t)| {
            mentions(sql(t))
                .iter()
                .filter_map(|m| index.get(m).copied())
                .filter(|&j| j != i)
                .collect()
        })
        .collect();
    let mut done = vec![false; items.len()];
    let mut out = Vec::with_capacity(items.len());
    fn visit<'a, T>(
        i: usize,
        items: &[&'a T],
        deps: &[Vec<usize>],
        done: &mut [bool],
        stack: &mut Vec<usize>,
        out: &mut Vec<&'a T>,
    ) {
        if done[i] || stack.contains(&i) {
            return;
        }
        stack.push(i);
        for &d in &deps[i] {
            visit(d, items, deps, done, stack, out);
        }
        stack.pop();
        done[i] = true;
        out.push(items[i]);
    }
    for i in 0..items.len() {
        visit(i, items, &deps, &mut done, &mut Vec::new(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::schema::load_str;

    const BASE: &str = r#"
[tables.orders]
model = "Order"
[tables.orders.columns]
id = { type = "integer", primary_key = true }
total = "numeric"
"#;

    fn slugs(from: &str, to: &str) -> Vec<String> {
        let a = load_str("a.toml", &format!("{BASE}{from}")).unwrap_or_else(|e| panic!("{e}"));
        let b = load_str("b.toml", &format!("{BASE}{to}")).unwrap_or_else(|e| panic!("{e}"));
        diff(&a, &b).changes.iter().map(|c| c.describe()).collect()
    }

    /// Where the change that mentions `n` stands among `changes`.
    fn position(changes: &[String], n: &str) -> usize {
        changes
            .iter()
            .position(|x| x.contains(n))
            .unwrap_or_else(|| panic!("{n}: {changes:?}"))
    }

    #[test]
    fn views_are_created_after_what_they_read() {
        let to = r#"
[views.top]
sql = "SELECT id FROM big"
[views.big]
sql = "SELECT id, total FROM orders WHERE total > 100"
[functions.double]
sql = "CREATE FUNCTION double(n numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT n * 2 $$"
[views.doubled]
sql = "SELECT double(total) FROM orders"
"#;
        assert_eq!(
            slugs("", to),
            [
                "create function `double`",
                "create view `big`",
                "create view `top`",
                "create view `doubled`"
            ]
        );
    }

    #[test]
    fn a_changed_view_is_rebuilt_with_its_readers() {
        let from = r#"
[views.big]
sql = "SELECT id, total FROM orders WHERE total > 100"
[views.top]
sql = "SELECT id FROM big"
"#;
        let to = from.replace("100", "200");
        assert_eq!(
            slugs(from, &to),
            [
                "drop view `top`",
                "drop view `big`",
                "create view `big`",
                "create view `top`"
            ]
        );
    }

    #[test]
    fn a_column_type_change_rebuilds_the_views_reading_the_table() {
        let from = "[views.big]\nsql = \"SELECT id, total FROM orders\"\n";
        let to_base = BASE.replace(
            "total = \"numeric\"",
            "total = { type = \"bigint\", type_changed_from = \"numeric\" }",
        );
        let a = load_str("a.toml", &format!("{BASE}{from}")).unwrap();
        let b = load_str("b.toml", &format!("{to_base}{from}")).unwrap();
        let d: Vec<String> = diff(&a, &b).changes.iter().map(|c| c.describe()).collect();
        assert_eq!(
            d,
            [
                "drop view `big`",
                "change the type of `orders.total` from numeric to bigint",
                "create view `big`"
            ]
        );
    }

    #[test]
    fn functions_are_replaced_when_their_signature_stays() {
        let from = "[functions.f]\nsql = \"CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$\"\n";
        assert_eq!(
            slugs(from, &from.replace("SELECT a", "SELECT a + 1")),
            ["replace function `f`"]
        );
        assert_eq!(
            slugs(from, &from.replace("RETURNS int", "RETURNS bigint")),
            ["drop function `f`", "create function `f`"]
        );
    }

    #[test]
    fn an_aggregate_is_created_after_its_state_function() {
        let to = r#"
[functions.group_concat]
sql = "CREATE AGGREGATE public.group_concat(text) (SFUNC = public._group_concat, STYPE = text)"
[functions._group_concat]
sql = "CREATE FUNCTION public._group_concat(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT $1 || $2 $$"
"#;
        let s = slugs("", to);
        let at = |n: &str| position(&s, n);
        assert!(at("`_group_concat`") < at("`group_concat`"), "{s:?}");
    }

    #[test]
    fn a_plpgsql_function_returning_a_table_type_is_created_after_the_table() {
        let to = r#"
[functions.pick]
sql = "CREATE FUNCTION public.pick(n integer) RETURNS SETOF public.items LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY SELECT * FROM orders LIMIT n; END $$"
[tables.items]
model = "Item"
[tables.items.columns]
id = { type = "integer", primary_key = true }
"#;
        let s = slugs("", to);
        let at = |n: &str| position(&s, n);
        assert!(at("`items`") < at("`pick`"), "{s:?}");
    }

    #[test]
    fn triggers_follow_their_function() {
        let from = r#"
[functions.touch]
sql = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
[triggers.orders_touch]
table = "orders"
timing = "before"
events = ["update"]
function = "touch()"
"#;
        assert_eq!(
            slugs("", from),
            [
                "create function `touch`",
                "create trigger `orders_touch` on `orders`"
            ]
        );
        assert_eq!(
            slugs(from, &from.replace("RETURNS trigger", "RETURNS   trigger ")),
            ["replace function `touch`"]
        );
        assert_eq!(
            slugs(from, &from.replace("\"update\"", "\"insert\", \"update\"")),
            [
                "drop trigger `orders_touch` on `orders`",
                "create trigger `orders_touch` on `orders`"
            ]
        );
        assert_eq!(
            slugs(from, ""),
            [
                "drop trigger `orders_touch` on `orders`",
                "drop function `touch`"
            ]
        );
    }
}
