//! Reading `[views.NAME]`, `[functions.NAME]` and `[triggers.NAME]`.

use super::{Cx, Entry, RawSchema, Sp, SpStr};

pub(crate) const VIEW_KEYS: &[&str] = &["sql", "materialized", "comment", "indexes"];
pub(crate) const FUNCTION_KEYS: &[&str] = &["sql", "comment"];
pub(crate) const TRIGGER_KEYS: &[&str] = &[
    "table",
    "timing",
    "events",
    "columns",
    "for_each",
    "when",
    "function",
    "sql",
    "old_table",
    "new_table",
];

#[derive(Debug, Clone)]
pub(crate) struct RawView {
    pub(crate) name: SpStr,
    pub(crate) sql: Option<SpStr>,
    pub(crate) materialized: Option<Sp<bool>>,
    pub(crate) comment: Option<SpStr>,
    pub(crate) indexes: Vec<SpStr>,
    pub(crate) broken_keys: Vec<&'static str>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawFunction {
    pub(crate) name: SpStr,
    pub(crate) sql: Option<SpStr>,
    pub(crate) comment: Option<SpStr>,
    pub(crate) broken_keys: Vec<&'static str>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawTrigger {
    pub(crate) name: SpStr,
    pub(crate) table: Option<SpStr>,
    pub(crate) timing: Option<SpStr>,
    pub(crate) events: Option<Sp<Vec<SpStr>>>,
    pub(crate) columns: Vec<SpStr>,
    pub(crate) for_each: Option<SpStr>,
    pub(crate) when: Option<SpStr>,
    pub(crate) function: Option<SpStr>,
    pub(crate) sql: Option<SpStr>,
    pub(crate) old_table: Option<SpStr>,
    pub(crate) new_table: Option<SpStr>,
    pub(crate) broken_keys: Vec<&'static str>,
}

impl Cx<'_> {
    /// `[views]`, `[functions]` or `[triggers]` at the top of a file, and the acknowledgements
    /// of their drops. Returns whether `key` was one of them.
    pub(super) fn objects_entry(&mut self, entry: Entry<'_, '_>, raw: &mut RawSchema) -> bool {
        match entry.0.get_ref().as_ref() {
            "views" => {
                if let Some(views) = self.table(entry, "", "[views.NAME] with sql = \"SELECT ...\"")
                {
                    for v in views.iter() {
                        if let Some(v) = self.view_decl(v) {
                            raw.views.push(v);
                        }
                    }
                }
            }
            "functions" => {
                if let Some(fs) = self.table(
                    entry,
                    "",
                    "[functions.NAME] with sql = \"CREATE FUNCTION ...\"",
                ) {
                    for f in fs.iter() {
                        if let Some(f) = self.function_decl(f) {
                            raw.functions.push(f);
                        }
                    }
                }
            }
            "triggers" => {
                if let Some(ts) = self.table(
                    entry,
                    "",
                    "[triggers.NAME] with table, timing, events and function",
                ) {
                    for t in ts.iter() {
                        if let Some(t) = self.trigger_decl(t) {
                            raw.triggers.push(t);
                        }
                    }
                }
            }
            "drop_views" => {
                if let Some(list) = self.strings(entry, "drop_views = [\"old_view\"]") {
                    raw.drop_views.extend(list.value);
                }
            }
            "drop_functions" => {
                if let Some(list) = self.strings(entry, "drop_functions = [\"old_function\"]") {
                    raw.drop_functions.extend(list.value);
                }
            }
            "drop_triggers" => {
                if let Some(list) = self.strings(entry, "drop_triggers = [\"old_trigger\"]") {
                    raw.drop_triggers.extend(list.value);
                }
            }
            _ => return false,
        }
        true
    }

    fn view_decl(&mut self, entry: Entry<'_, '_>) -> Option<RawView> {
        let name = self.name(entry.0);
        let example = format!("[views.{}] with sql = \"SELECT ...\"", name.value);
        let body = self.table(entry, "view", &example)?;
        let broken_keys = self.check_keys(body, VIEW_KEYS, &format!("view `{}`", name.value));
        let mut v = RawView {
            name,
            sql: None,
            materialized: None,
            comment: None,
            indexes: Vec::new(),
            broken_keys,
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "sql" => {
                    v.sql = self.string(item, "sql = \"SELECT id, name FROM pets\"");
                    if v.sql.is_none() {
                        v.broken_keys.push("sql");
                    }
                }
                "materialized" => v.materialized = self.boolean(item),
                "comment" => v.comment = self.string(item, "comment = \"What the view shows.\""),
                "indexes" => {
                    if let Some(list) = self.strings(
                        item,
                        "indexes = [\"CREATE UNIQUE INDEX totals_day ON totals (day)\"]",
                    ) {
                        v.indexes = list.value;
                    }
                }
                _ => {}
            }
        }
        Some(v)
    }

    fn function_decl(&mut self, entry: Entry<'_, '_>) -> Option<RawFunction> {
        let name = self.name(entry.0);
        let example = format!(
            "[functions.{}] with sql = \"CREATE FUNCTION ...\"",
            name.value
        );
        let body = self.table(entry, "function", &example)?;
        let broken_keys =
            self.check_keys(body, FUNCTION_KEYS, &format!("function `{}`", name.value));
        let mut f = RawFunction {
            name,
            sql: None,
            comment: None,
            broken_keys,
        };
        for item in body.iter() {
            if item.0.get_ref().as_ref() == "comment" {
                f.comment = self.string(item, "comment = \"What it does.\"");
            }
            if item.0.get_ref().as_ref() == "sql" {
                f.sql = self.string(
                    item,
                    "sql = \"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$\"",
                );
                if f.sql.is_none() {
                    f.broken_keys.push("sql");
                }
            }
        }
        Some(f)
    }

    fn trigger_decl(&mut self, entry: Entry<'_, '_>) -> Option<RawTrigger> {
        let name = self.name(entry.0);
        let example = format!(
            "[triggers.{}] with table, timing, events and function",
            name.value
        );
        let body = self.table(entry, "trigger", &example)?;
        let broken_keys = self.check_keys(body, TRIGGER_KEYS, &format!("trigger `{}`", name.value));
        let mut t = RawTrigger {
            name,
            table: None,
            timing: None,
            events: None,
            columns: Vec::new(),
            for_each: None,
            when: None,
            function: None,
            sql: None,
            old_table: None,
            new_table: None,
            broken_keys,
        };
        for item in body.iter() {
            let key = item.0.get_ref().as_ref();
            let (slot, example): (&mut Option<SpStr>, &str) = match key {
                "table" => (&mut t.table, "table = \"documents\""),
                "timing" => (&mut t.timing, "timing = \"before\""),
                "for_each" => (&mut t.for_each, "for_each = \"row\""),
                "when" => (&mut t.when, "when = \"OLD.body IS DISTINCT FROM NEW.body\""),
                "function" => (&mut t.function, "function = \"touch()\""),
                "sql" => (&mut t.sql, "sql = \"BEGIN UPDATE ...; END\""),
                "old_table" => (&mut t.old_table, "old_table = \"old_rows\""),
                "new_table" => (&mut t.new_table, "new_table = \"new_rows\""),
                "events" => {
                    t.events = self.strings(item, "events = [\"insert\", \"update\"]");
                    if t.events.is_none() {
                        t.broken_keys.push("events");
                    }
                    continue;
                }
                "columns" => {
                    if let Some(list) = self.strings(item, "columns = [\"body\"]") {
                        t.columns = list.value;
                    }
                    continue;
                }
                _ => continue,
            };
            *slot = self.string(item, example);
            if slot.is_none() {
                t.broken_keys.push(match key {
                    "table" => "table",
                    "timing" => "timing",
                    "function" => "function",
                    "sql" => "sql",
                    "when" => "when",
                    _ => "for_each",
                });
            }
        }
        Some(t)
    }
}
