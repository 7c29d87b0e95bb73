//! Declared database objects beside the tables: views, materialized views, functions,
//! procedures and triggers (`[views.NAME]`, `[functions.NAME]`, `[triggers.NAME]`).
//!
//! Their bodies are SQL the schema language does not parse: a view is its `SELECT`, a function
//! its whole `CREATE FUNCTION` statement. They are compared in the server's own spelling
//! (PostgreSQL's `pg_get_viewdef`, `pg_get_functiondef`; SQLite's `sqlite_master.sql`), which
//! introspection reads and `normalize` gives to a declared body, so that diffs converge.

use std::fmt::Write as _;

use crate::sql::lex::{TokenKind, lex};

/// Everything of a schema that is not an enum or a table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Objects {
    /// `[views.NAME]`, in declaration order.
    pub views: Vec<View>,
    /// `[functions.NAME]`, in declaration order.
    pub functions: Vec<Function>,
    /// `[triggers.NAME]`, in declaration order.
    pub triggers: Vec<Trigger>,
    /// Views whose removal the schema acknowledges (`drop_views = [...]`).
    pub drop_views: Vec<String>,
    /// Functions and procedures whose removal the schema acknowledges (`drop_functions`).
    pub drop_functions: Vec<String>,
    /// Triggers whose removal the schema acknowledges (`drop_triggers = [...]`).
    pub drop_triggers: Vec<String>,
}

impl Objects {
    /// Whether nothing is declared nor acknowledged.
    pub fn is_empty(&self) -> bool {
        self == &Objects::default()
    }

    /// The view named `name`.
    pub fn view(&self, name: &str) -> Option<&View> {
        self.views.iter().find(|v| v.name == name)
    }

    /// The function named `name` (its key).
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// The trigger named `name`.
    pub fn trigger(&self, name: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.name == name)
    }

    /// The declarations without their acknowledgements.
    pub fn without_acknowledgements(&self) -> Objects {
        Objects {
            drop_views: Vec::new(),
            drop_functions: Vec::new(),
            drop_triggers: Vec::new(),
            ..self.clone()
        }
    }
}

/// `[views.NAME]`: a view, or with `materialized = true` a materialized view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// The view's name (the key under `[views]`).
    pub name: String,
    /// `sql = "SELECT ..."`: the query, without `CREATE VIEW` and without a final `;`.
    pub sql: String,
    /// `materialized = true`: `CREATE MATERIALIZED VIEW` (PostgreSQL).
    pub materialized: bool,
    /// `comment = "..."`.
    pub comment: Option<String>,
    /// `indexes = ["CREATE INDEX ..."]`: a materialized view's indexes, each its whole
    /// statement as PostgreSQL prints it (`pg_get_indexdef`), sorted.
    pub indexes: Vec<String>,
}

/// `[functions.NAME]`: a function, procedure or aggregate, as its whole `CREATE` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The key under `[functions]`: the function's name, or `name(types)` for one of several
    /// overloads.
    pub name: String,
    /// `sql = "CREATE FUNCTION ..."`: the whole statement, without a final `;`.
    pub sql: String,
    /// `comment = "..."`.
    pub comment: Option<String>,
}

/// What a [`Function`]'s statement creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutineKind {
    /// `CREATE FUNCTION`.
    Function,
    /// `CREATE PROCEDURE`.
    Procedure,
    /// `CREATE AGGREGATE`.
    Aggregate,
}

impl RoutineKind {
    /// The SQL keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            RoutineKind::Function => "FUNCTION",
            RoutineKind::Procedure => "PROCEDURE",
            RoutineKind::Aggregate => "AGGREGATE",
        }
    }
}

/// The parts of a routine's `CREATE` statement the diff needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Function, procedure or aggregate.
    pub kind: RoutineKind,
    /// The name as written, schema-qualified or not (`public.touch`, `"Odd"`).
    pub name: String,
    /// The argument list as written, between its parentheses.
    pub args: String,
    /// Where the name starts and the argument list ends, in bytes of the statement.
    pub span: (usize, usize),
}

impl Signature {
    /// The argument list without defaults, as `DROP FUNCTION` takes it.
    pub fn drop_args(&self) -> String {
        split_top_level(&self.args)
            .into_iter()
            .map(|a| {
                let lower = a.to_ascii_lowercase();
                let cut = [" default ", "="]
                    .iter()
                    .filter_map(|k| lower.find(k))
                    .min()
                    .unwrap_or(a.len());
                a[..cut].trim().to_string()
            })
            .filter(|a| !a.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Splits `s` at its top-level commas (outside parentheses and quotes).
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for t in lex(s, crate::config::Dialect::EXPRESSIONS) {
        let text = &s[t.start..t.end];
        match text {
            "(" | "[" => depth += 1,
            ")" | "]" => depth -= 1,
            "," if depth == 0 => {
                out.push(s[start..t.start].trim());
                start = t.end;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out
}

impl Function {
    /// What the statement creates and under which name, read from its text: `CREATE [OR
    /// REPLACE] FUNCTION|PROCEDURE|AGGREGATE name (args)`. `None` when it is not such a
    /// statement.
    pub fn signature(&self) -> Option<Signature> {
        signature(&self.sql)
    }
}

/// See [`Function::signature`].
pub fn signature(sql: &str) -> Option<Signature> {
    let tokens: Vec<_> = lex(sql, crate::config::Dialect::EXPRESSIONS)
        .filter(|t| {
            !matches!(
                t.kind,
                TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment { .. }
            )
        })
        .collect();
    let word = |i: usize| {
        tokens
            .get(i)
            .map(|t| sql[t.start..t.end].to_ascii_uppercase())
    };
    let mut i = 0;
    if word(i)? != "CREATE" {
        return None;
    }
    i += 1;
    if word(i)? == "OR" && word(i + 1)? == "REPLACE" {
        i += 2;
    }
    let kind = match word(i)?.as_str() {
        "FUNCTION" => RoutineKind::Function,
        "PROCEDURE" => RoutineKind::Procedure,
        "AGGREGATE" => RoutineKind::Aggregate,
        _ => return None,
    };
    i += 1;
    let name_start = tokens.get(i)?.start;
    // The name: identifiers joined by dots, up to the opening parenthesis.
    let mut j = i;
    while let Some(t) = tokens.get(j) {
        if &sql[t.start..t.end] == "(" {
            break;
        }
        j += 1;
    }
    let open = tokens.get(j)?;
    let name = sql[name_start..open.start].trim().to_string();
    if name.is_empty() {
        return None;
    }
    let mut depth = 0;
    for t in &tokens[j..] {
        match &sql[t.start..t.end] {
            "(" => depth += 1,
            ")" => {
                depth -= 1;
                if depth == 0 {
                    return Some(Signature {
                        kind,
                        name,
                        args: sql[open.end..t.start].trim().to_string(),
                        span: (name_start, t.end),
                    });
                }
            }
            _ => {}
        }
    }
    None
}

/// `[triggers.NAME]`: a row or statement trigger calling a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// The trigger's name (the key under `[triggers]`).
    pub name: String,
    /// `table = "..."`: the table (or view, for `instead of`) it is on.
    pub table: String,
    /// `timing = "before" | "after" | "instead of"`.
    pub timing: TriggerTiming,
    /// `events = ["insert", "update", "delete", "truncate"]`, in that order.
    pub events: Vec<TriggerEvent>,
    /// `columns = [...]`: `UPDATE OF` these columns only.
    pub columns: Vec<String>,
    /// `for_each = "row" | "statement"` (default `"row"`).
    pub for_each: ForEach,
    /// `when = "..."`: the condition, as SQL.
    pub when: Option<String>,
    /// `function = "touch()"`: the call, with its literal arguments (PostgreSQL); on SQLite,
    /// `sql` is the trigger's body instead.
    pub function: Option<String>,
    /// `sql = "BEGIN ... END"`: the body of a SQLite trigger.
    pub body: Option<String>,
    /// `old_table = "..."`: `REFERENCING OLD TABLE AS` this name (PostgreSQL, `after`).
    pub old_table: Option<String>,
    /// `new_table = "..."`: `REFERENCING NEW TABLE AS` this name.
    pub new_table: Option<String>,
}

/// When a trigger fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerTiming {
    /// `BEFORE`.
    Before,
    /// `AFTER`.
    After,
    /// `INSTEAD OF` (views).
    InsteadOf,
}

impl TriggerTiming {
    /// Every timing.
    pub const ALL: [TriggerTiming; 3] = [
        TriggerTiming::Before,
        TriggerTiming::After,
        TriggerTiming::InsteadOf,
    ];

    /// The spelling in a schema file.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerTiming::Before => "before",
            TriggerTiming::After => "after",
            TriggerTiming::InsteadOf => "instead of",
        }
    }

    /// The SQL.
    pub fn sql(self) -> &'static str {
        match self {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
            TriggerTiming::InsteadOf => "INSTEAD OF",
        }
    }

    /// The timing spelled `s`.
    pub fn parse(s: &str) -> Option<TriggerTiming> {
        TriggerTiming::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// What fires a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TriggerEvent {
    /// `INSERT`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// `TRUNCATE`.
    Truncate,
}

impl TriggerEvent {
    /// Every event, in canonical order.
    pub const ALL: [TriggerEvent; 4] = [
        TriggerEvent::Insert,
        TriggerEvent::Update,
        TriggerEvent::Delete,
        TriggerEvent::Truncate,
    ];

    /// The spelling in a schema file.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerEvent::Insert => "insert",
            TriggerEvent::Update => "update",
            TriggerEvent::Delete => "delete",
            TriggerEvent::Truncate => "truncate",
        }
    }

    /// The event spelled `s`.
    pub fn parse(s: &str) -> Option<TriggerEvent> {
        TriggerEvent::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// `FOR EACH ROW` or `FOR EACH STATEMENT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForEach {
    /// Once per row.
    #[default]
    Row,
    /// Once per statement.
    Statement,
}

impl ForEach {
    /// The spelling in a schema file.
    pub fn as_str(self) -> &'static str {
        match self {
            ForEach::Row => "row",
            ForEach::Statement => "statement",
        }
    }

    /// The level spelled `s`.
    pub fn parse(s: &str) -> Option<ForEach> {
        [ForEach::Row, ForEach::Statement]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

/// `drop_views`, `drop_functions`, `drop_triggers`, at the top of a schema file.
pub(crate) fn print_acknowledgements(out: &mut String, o: &Objects) {
    use super::print::string_array;
    for (key, list) in [
        ("drop_views", &o.drop_views),
        ("drop_functions", &o.drop_functions),
        ("drop_triggers", &o.drop_triggers),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "{key} = {}", string_array(list));
        }
    }
}

/// `[views.NAME]`, `[functions.NAME]` and `[triggers.NAME]` sections, after the tables.
pub(crate) fn print(out: &mut String, o: &Objects) {
    use super::print::{key, section_break, sql_string, string, string_array};
    for v in &o.views {
        section_break(out);
        let _ = writeln!(out, "[views.{}]", key(&v.name));
        if v.materialized {
            let _ = writeln!(out, "materialized = true");
        }
        if let Some(c) = &v.comment {
            let _ = writeln!(out, "comment = {}", string(c));
        }
        let _ = writeln!(out, "sql = {}", sql_string(&v.sql));
        if !v.indexes.is_empty() {
            let _ = writeln!(out, "indexes = {}", string_array(&v.indexes));
        }
    }
    for f in &o.functions {
        section_break(out);
        let _ = writeln!(out, "[functions.{}]", key(&f.name));
        if let Some(c) = &f.comment {
            let _ = writeln!(out, "comment = {}", string(c));
        }
        let _ = writeln!(out, "sql = {}", sql_string(&f.sql));
    }
    for t in &o.triggers {
        section_break(out);
        let _ = writeln!(out, "[triggers.{}]", key(&t.name));
        let _ = writeln!(out, "table = {}", string(&t.table));
        let _ = writeln!(out, "timing = {}", string(t.timing.as_str()));
        let events: Vec<String> = t.events.iter().map(|e| e.as_str().to_string()).collect();
        let _ = writeln!(out, "events = {}", string_array(&events));
        if !t.columns.is_empty() {
            let _ = writeln!(out, "columns = {}", string_array(&t.columns));
        }
        if t.for_each != ForEach::Row {
            let _ = writeln!(out, "for_each = {}", string(t.for_each.as_str()));
        }
        if let Some(o) = &t.old_table {
            let _ = writeln!(out, "old_table = {}", string(o));
        }
        if let Some(n) = &t.new_table {
            let _ = writeln!(out, "new_table = {}", string(n));
        }
        if let Some(w) = &t.when {
            let _ = writeln!(out, "when = {}", sql_string(w));
        }
        if let Some(f) = &t.function {
            let _ = writeln!(out, "function = {}", string(f));
        }
        if let Some(b) = &t.body {
            let _ = writeln!(out, "sql = {}", sql_string(b));
        }
    }
}

/// The SQL of a view's or function's body made comparable without a server: surrounding
/// whitespace and a final `;` removed.
pub fn trim_sql(sql: &str) -> String {
    let t = sql.trim();
    t.strip_suffix(';').unwrap_or(t).trim_end().to_string()
}

/// The identifiers a SQL body mentions, lowercased and unquoted: what a view or function may
/// depend on (tables, views, functions), read without parsing.
pub fn mentions(sql: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    mentions_into(sql, &mut out);
    out
}

/// [`mentions`], into `out`; a dollar-quoted string (a function's body) is read too.
fn mentions_into(sql: &str, out: &mut Vec<String>) {
    for t in lex(sql, crate::config::Dialect::EXPRESSIONS) {
        if let TokenKind::DollarString { .. } = t.kind {
            let text = &sql[t.start..t.end];
            // `$tag$ body $tag$`: the body between the two tags.
            if let Some(open) = text[1..].find('$') {
                let tag = &text[..open + 2];
                if text.len() >= 2 * tag.len() {
                    mentions_into(&text[tag.len()..text.len() - tag.len()], out);
                }
            }
            continue;
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_read_from_the_statement() {
        let s = signature(
            "create or replace function public.f(a integer, b text DEFAULT 'x', c int = 1) returns int language sql as $$ select 1 $$",
        )
        .unwrap();
        assert_eq!(s.kind, RoutineKind::Function);
        assert_eq!(s.name, "public.f");
        assert_eq!(s.drop_args(), "a integer, b text, c int");
        let s =
            signature("CREATE PROCEDURE purge(before timestamptz) LANGUAGE sql AS $$ $$").unwrap();
        assert_eq!((s.kind, s.name.as_str()), (RoutineKind::Procedure, "purge"));
        let s = signature("CREATE AGGREGATE text_concat(text) (SFUNC = textcat, STYPE = text)")
            .unwrap();
        assert_eq!((s.kind, s.args.as_str()), (RoutineKind::Aggregate, "text"));
        assert!(signature("SELECT 1").is_none());
    }

    const OBJECTS: &str = r#"
drop_views = ["old"]
[tables.documents]
model = "Document"
columns = { id = "integer", body = "text" }

[views.long_documents]
sql = '''
SELECT id
  FROM documents
 WHERE length(body) > 100'''
comment = "Long ones."

[views.totals]
materialized = true
sql = "SELECT count(*) AS n FROM documents;"
indexes = ["CREATE UNIQUE INDEX totals_n ON public.totals USING btree (n)"]

[functions.touch]
sql = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
comment = "Sets updated_at."

[triggers.documents_log]
table = "documents"
timing = "after"
events = ["insert"]
for_each = "statement"
new_table = "inserted"
function = "touch()"

[triggers.documents_touch]
table = "documents"
timing = "before"
events = ["update", "insert"]
columns = ["body"]
for_each = "statement"
when = "true"
function = "touch"
"#;

    #[test]
    fn objects_load_and_print_back() {
        let s = crate::schema::load_str("s.toml", OBJECTS).unwrap_or_else(|e| panic!("{e}"));
        let o = &s.objects;
        assert_eq!(o.drop_views, ["old"]);
        assert_eq!(o.views[1].sql, "SELECT count(*) AS n FROM documents");
        assert!(o.views[1].materialized);
        assert_eq!(o.functions[0].comment.as_deref(), Some("Sets updated_at."));
        assert_eq!(o.triggers[0].new_table.as_deref(), Some("inserted"));
        let t = &o.triggers[1];
        assert_eq!(t.events, [TriggerEvent::Insert, TriggerEvent::Update]);
        assert_eq!(t.function.as_deref(), Some("touch()"));
        assert_eq!(t.for_each, ForEach::Statement);
        let printed = crate::schema::print::to_toml(&s);
        assert!(
            printed.contains("sql = '''\nSELECT id\n  FROM documents"),
            "{printed}"
        );
        let again = crate::schema::load_str("p.toml", &printed)
            .unwrap_or_else(|e| panic!("{e}\n{printed}"));
        assert_eq!(again, s);
    }

    #[test]
    fn bad_objects_are_reported_at_their_place() {
        let src = r#"
[tables.documents]
model = "Document"
columns = { id = "integer" }
[views.v]
materialized = "yes"
[functions.f]
sql = "SELECT 1"
[triggers.t]
table = "document"
timing = "during"
events = ["upsert"]
"#;
        let e = crate::schema::load_str("s.toml", src)
            .unwrap_err()
            .to_string();
        for want in [
            "s.toml:6:16",
            "`materialized` must be true or false",
            "view `v` has no `sql`",
            "is not a `CREATE FUNCTION`",
            "trigger `t` is on `document`, which the schema does not declare",
            "did you mean `table = \"documents\"`?",
        ] {
            assert!(e.contains(want), "{want}: {e}");
        }
    }

    #[test]
    fn sqlite_refuses_what_it_cannot_hold() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("schema.toml");
        std::fs::write(&path, OBJECTS).unwrap();
        let e = crate::schema::load_for(&path, crate::config::Dialect::Sqlite)
            .unwrap_err()
            .to_string();
        for want in [
            "function `touch` cannot be created: SQLite has no functions",
            "view `totals` cannot be materialized: SQLite has no materialized views",
            "trigger `documents_touch` calls a function, which SQLite triggers cannot",
            "trigger `documents_touch` fires on 2 events",
            "schema.toml:15:16",
        ] {
            assert!(e.contains(want), "{want}: {e}");
        }
        assert!(crate::schema::load_for(&path, crate::config::Dialect::Postgres).is_ok());
    }

    #[test]
    fn mentions_reach_into_function_bodies() {
        let m = mentions("CREATE FUNCTION f() RETURNS int AS $fn$ SELECT n FROM counts $fn$");
        assert!(m.contains(&"counts".to_string()), "{m:?}");
    }

    #[test]
    fn mentions_are_identifiers() {
        assert_eq!(
            mentions("SELECT \"Id\", total FROM public.orders o WHERE x = 'big_orders'"),
            [
                "select", "Id", "total", "from", "public", "orders", "o", "where", "x"
            ]
        );
    }
}
