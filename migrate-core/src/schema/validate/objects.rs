//! Views, functions and triggers: each needs its SQL, a trigger a declared table and a known
//! timing and events.

use std::collections::HashMap;

use super::Validator;
use crate::diagnostic::{Diagnostic, Location, did_you_mean};
use crate::schema::Schema;
use crate::schema::load::{RawSchema, RawTrigger, SpStr};
use crate::schema::objects::{
    ForEach, Function, Objects, Trigger, TriggerEvent, TriggerTiming, View, trim_sql,
};

impl Validator<'_> {
    /// `[views]`, `[functions]`, `[triggers]` and their `drop_*` lists, into `schema.objects`
    /// (the tables are already in `schema`).
    pub(super) fn objects(&mut self, raw: &RawSchema, schema: &mut Schema) {
        let mut out = Objects::default();
        let mut seen: HashMap<String, Location> = HashMap::new();
        for v in &raw.views {
            self.ident("view", &v.name);
            if let Some(first) = seen.get(&v.name.value) {
                self.duplicate("view", &v.name, first.clone());
                continue;
            }
            seen.insert(v.name.value.clone(), v.name.loc.clone());
            if schema.table(&v.name.value).is_some() {
                self.error(
                    "name-clash",
                    &v.name.loc,
                    format!("view `{}` has the name of a table", v.name.value),
                    "tables and views share one namespace: rename the view or the table",
                );
            }
            if let Some(c) = &v.comment {
                self.text("view comment", c);
            }
            let materialized = v.materialized.as_ref().is_some_and(|m| m.value);
            if !materialized && let Some(first) = v.indexes.first() {
                self.error(
                    "view-index",
                    &first.loc,
                    format!("view `{}` has indexes but is not materialized", v.name.value),
                    "only a materialized view has indexes: add `materialized = true`, or index the tables it reads",
                );
            }
            let Some(sql) = self.required_sql(
                &v.sql,
                &v.broken_keys,
                "view",
                &v.name,
                "sql = \"SELECT id, name FROM pets\"",
            ) else {
                continue;
            };
            let mut indexes: Vec<String> = v.indexes.iter().map(|i| trim_sql(&i.value)).collect();
            indexes.sort();
            out.views.push(View {
                name: v.name.value.clone(),
                sql,
                materialized,
                comment: v
                    .comment
                    .as_ref()
                    .map(|c| c.value.clone())
                    .filter(|c| !c.is_empty()),
                indexes,
            });
        }

        let mut seen: HashMap<String, Location> = HashMap::new();
        for f in &raw.functions {
            if f.name.value.is_empty() {
                self.ident("function", &f.name);
            }
            if let Some(first) = seen.get(&f.name.value) {
                self.duplicate("function", &f.name, first.clone());
                continue;
            }
            seen.insert(f.name.value.clone(), f.name.loc.clone());
            let example =
                "sql = \"CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ ... $$\"";
            let Some(sql) = self.required_sql(&f.sql, &f.broken_keys, "function", &f.name, example)
            else {
                continue;
            };
            if let Some(c) = &f.comment {
                self.text("function comment", c);
            }
            let function = Function {
                name: f.name.value.clone(),
                sql,
                comment: f
                    .comment
                    .as_ref()
                    .map(|c| c.value.clone())
                    .filter(|c| !c.is_empty()),
            };
            if function.signature().is_none() {
                let loc = f.sql.as_ref().map_or(&f.name.loc, |s| &s.loc).clone();
                self.error(
                    "bad-function",
                    &loc,
                    format!(
                        "the `sql` of function `{}` is not a `CREATE FUNCTION`, `CREATE PROCEDURE` or `CREATE AGGREGATE` statement",
                        f.name.value
                    ),
                    format!("write the whole statement: {example}"),
                );
                continue;
            }
            out.functions.push(function);
        }

        let mut seen: HashMap<String, Location> = HashMap::new();
        for t in &raw.triggers {
            self.ident("trigger", &t.name);
            if let Some(first) = seen.get(&t.name.value) {
                self.duplicate("trigger", &t.name, first.clone());
                continue;
            }
            seen.insert(t.name.value.clone(), t.name.loc.clone());
            if let Some(tr) = self.trigger(t, schema, &out) {
                out.triggers.push(tr);
            }
        }

        out.drop_views = raw.drop_views.iter().map(|d| d.value.clone()).collect();
        out.drop_functions = raw.drop_functions.iter().map(|d| d.value.clone()).collect();
        out.drop_triggers = raw.drop_triggers.iter().map(|d| d.value.clone()).collect();
        for (list, what, key) in [
            (&raw.drop_views, "view", "drop_views"),
            (&raw.drop_functions, "function", "drop_functions"),
            (&raw.drop_triggers, "trigger", "drop_triggers"),
        ] {
            for d in list {
                let declared = match what {
                    "view" => out.view(&d.value).is_some(),
                    "function" => out.function(&d.value).is_some(),
                    _ => out.trigger(&d.value).is_some(),
                };
                if declared {
                    self.error(
                        "drop-declared",
                        &d.loc,
                        format!("{what} `{}` is in `{key}` but is still declared", d.value),
                        format!("remove the {what}'s declaration to drop it, or remove it from `{key}` to keep it"),
                    );
                }
            }
        }
        schema.objects = out;
    }

    fn duplicate(&mut self, what: &str, name: &SpStr, first: Location) {
        self.push(
            Diagnostic::new(
                "duplicate-object",
                format!("{what} `{}` is declared twice", name.value),
            )
            .at(name.loc.clone())
            .related(first, "first declared here")
            .help(format!(
                "keep one declaration of the {what} and remove the other"
            )),
        );
    }

    /// The `sql` of a view or function: present and not empty.
    fn required_sql(
        &mut self,
        sql: &Option<SpStr>,
        broken: &[&'static str],
        what: &str,
        name: &SpStr,
        example: &str,
    ) -> Option<String> {
        match sql {
            Some(s) if !trim_sql(&s.value).is_empty() => {
                self.expression(&format!("{what} SQL"), s);
                Some(trim_sql(&s.value))
            }
            Some(s) => {
                self.error(
                    "empty-sql",
                    &s.loc,
                    format!("the `sql` of {what} `{}` is empty", name.value),
                    format!("write its SQL: {example}"),
                );
                None
            }
            None if broken.contains(&"sql") => None,
            None => {
                self.error(
                    "missing-sql",
                    &name.loc,
                    format!("{what} `{}` has no `sql`", name.value),
                    format!("add its SQL under [{what}s.{}]: {example}", name.value),
                );
                None
            }
        }
    }

    fn trigger(&mut self, t: &RawTrigger, schema: &Schema, objects: &Objects) -> Option<Trigger> {
        let n = &t.name.value;
        let mut ok = true;
        let table = match &t.table {
            Some(tb) if schema.table(&tb.value).is_some() || objects.view(&tb.value).is_some() => {
                tb.value.clone()
            }
            Some(tb) => {
                let names = schema
                    .tables
                    .iter()
                    .map(|t| t.name.as_str())
                    .chain(objects.views.iter().map(|v| v.name.as_str()));
                let help = match did_you_mean(&tb.value, names) {
                    Some(s) => format!("did you mean `table = \"{s}\"`?"),
                    None => "name a table or view the schema declares".to_string(),
                };
                self.error(
                    "unknown-table",
                    &tb.loc,
                    format!(
                        "trigger `{n}` is on `{}`, which the schema does not declare",
                        tb.value
                    ),
                    help,
                );
                return None;
            }
            None => {
                if !t.broken_keys.contains(&"table") {
                    self.error(
                        "missing-table",
                        &t.name.loc,
                        format!("trigger `{n}` has no `table`"),
                        format!("add the table it fires on: `table = \"documents\"` under [triggers.{n}]"),
                    );
                }
                return None;
            }
        };
        let timing = match &t.timing {
            Some(s) => match TriggerTiming::parse(&s.value.to_ascii_lowercase()) {
                Some(x) => Some(x),
                None => {
                    self.error(
                        "unknown-timing",
                        &s.loc,
                        format!("unknown trigger timing `{}`", s.value),
                        "write `timing = \"before\"`, `\"after\"` or `\"instead of\"`",
                    );
                    None
                }
            },
            None => {
                if !t.broken_keys.contains(&"timing") {
                    self.error(
                        "missing-timing",
                        &t.name.loc,
                        format!("trigger `{n}` has no `timing`"),
                        format!("add `timing = \"before\"` (or `\"after\"`, `\"instead of\"`) under [triggers.{n}]"),
                    );
                }
                None
            }
        };
        let mut events: Vec<TriggerEvent> = Vec::new();
        match &t.events {
            Some(list) if list.value.is_empty() => {
                self.error(
                    "missing-events",
                    &list.loc,
                    format!("trigger `{n}` fires on no event"),
                    "list them: `events = [\"insert\", \"update\"]`",
                );
                ok = false;
            }
            Some(list) => {
                for e in &list.value {
                    match TriggerEvent::parse(&e.value.to_ascii_lowercase()) {
                        Some(ev) if !events.contains(&ev) => events.push(ev),
                        Some(_) => {}
                        None => {
                            self.error(
                                "unknown-event",
                                &e.loc,
                                format!("unknown trigger event `{}`", e.value),
                                "the events are `insert`, `update`, `delete` and `truncate`",
                            );
                            ok = false;
                        }
                    }
                }
            }
            None => {
                if !t.broken_keys.contains(&"events") {
                    self.error(
                        "missing-events",
                        &t.name.loc,
                        format!("trigger `{n}` has no `events`"),
                        format!("add `events = [\"update\"]` under [triggers.{n}]"),
                    );
                }
                ok = false;
            }
        }
        events.sort();
        let for_each = match &t.for_each {
            None => ForEach::Row,
            Some(s) => match ForEach::parse(&s.value.to_ascii_lowercase()) {
                Some(f) => f,
                None => {
                    self.error(
                        "unknown-level",
                        &s.loc,
                        format!("unknown `for_each` value `{}`", s.value),
                        "write `for_each = \"row\"` or `for_each = \"statement\"`",
                    );
                    ok = false;
                    ForEach::Row
                }
            },
        };
        match (&t.function, &t.sql) {
            (Some(_), Some(s)) => {
                self.error(
                    "trigger-action",
                    &s.loc,
                    format!("trigger `{n}` has both `function` and `sql`"),
                    "PostgreSQL triggers call a `function`; SQLite triggers have a body, `sql = \"BEGIN ...; END\"`: keep one",
                );
                ok = false;
            }
            (None, None)
                if !t.broken_keys.contains(&"function") && !t.broken_keys.contains(&"sql") =>
            {
                self.error(
                    "missing-function",
                    &t.name.loc,
                    format!("trigger `{n}` has no `function`"),
                    format!("add the function it calls: `function = \"touch()\"` under [triggers.{n}] (on SQLite, its body: `sql = \"BEGIN ...; END\"`)"),
                );
                ok = false;
            }
            _ => {}
        }
        let timing = timing?;
        if !ok {
            return None;
        }
        let function = t.function.as_ref().map(|f| {
            let f = f.value.trim();
            if f.ends_with(')') {
                f.to_string()
            } else {
                format!("{f}()")
            }
        });
        Some(Trigger {
            name: n.clone(),
            table,
            timing,
            events,
            columns: t.columns.iter().map(|c| c.value.clone()).collect(),
            for_each,
            when: t.when.as_ref().map(|w| w.value.trim().to_string()),
            function,
            body: t.sql.as_ref().map(|s| trim_sql(&s.value)),
            old_table: t.old_table.as_ref().map(|s| s.value.clone()),
            new_table: t.new_table.as_ref().map(|s| s.value.clone()),
        })
    }
}

/// Views, functions and triggers `dialect` cannot hold: on a dialect without
/// [`Capability::Routines`] (SQLite) functions, procedures, materialized views and triggers
/// calling a function, and triggers with more than one event; on one with it (PostgreSQL),
/// triggers with a body of statements instead of a function.
pub(crate) fn for_dialect(
    raw: &RawSchema,
    dialect: crate::config::Dialect,
    diags: &mut crate::diagnostic::Diagnostics,
) {
    use crate::dialect::Capability;
    let ops = dialect.ops();
    let title = ops.title();
    let mut err = |loc: &Location, message: String, help: String| {
        diags.push(
            Diagnostic::new("unsupported-by-dialect", message)
                .at(loc.clone())
                .help(help),
        );
    };
    if ops.has(Capability::Routines) {
        for t in &raw.triggers {
            if let Some(s) = &t.sql {
                err(
                    &s.loc,
                    format!(
                        "trigger `{}` has a body (`sql`), which {title} triggers do not have",
                        t.name.value
                    ),
                    format!(
                        "a {title} trigger calls a function: declare it under [functions.NAME] and write `function = \"name()\"` instead of `sql`"
                    ),
                );
            }
        }
        return;
    }
    for f in &raw.functions {
        err(
            &f.name.loc,
            format!(
                "function `{}` cannot be created: {title} has no functions, procedures or aggregates",
                f.name.value
            ),
            format!(
                "remove [functions.{}] from the schema of this {title} project (the `dialect` of migrate.toml)",
                f.name.value
            ),
        );
    }
    for v in &raw.views {
        if let Some(m) = v.materialized.as_ref().filter(|m| m.value) {
            err(
                &m.loc,
                format!(
                    "view `{}` cannot be materialized: {title} has no materialized views",
                    v.name.value
                ),
                "remove `materialized = true` (a plain view), or keep the results in a table"
                    .to_string(),
            );
        }
    }
    for t in &raw.triggers {
        if let Some(f) = &t.function {
            err(
                &f.loc,
                format!(
                    "trigger `{}` calls a function, which {title} triggers cannot",
                    t.name.value
                ),
                format!(
                    "write its statements instead: `sql = \"BEGIN ...; END\"` under [triggers.{}]",
                    t.name.value
                ),
            );
        }
        if let Some(events) = t.events.as_ref().filter(|e| e.value.len() > 1) {
            err(
                &events.loc,
                format!(
                    "trigger `{}` fires on {} events; a {title} trigger fires on one",
                    t.name.value,
                    events.value.len()
                ),
                "declare one trigger per event".to_string(),
            );
        }
        if let Some(s) = t
            .for_each
            .as_ref()
            .filter(|s| s.value.eq_ignore_ascii_case("statement"))
        {
            err(
                &s.loc,
                format!(
                    "trigger `{}` is a statement trigger, which {title} does not have",
                    t.name.value
                ),
                "remove `for_each`: a {title} trigger fires for each row".replace("{title}", title),
            );
        }
    }
}
