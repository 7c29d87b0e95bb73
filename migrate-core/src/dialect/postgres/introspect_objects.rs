//! Reading views, materialized views, functions, procedures, aggregates and triggers, in the
//! server's own spelling (`pg_get_viewdef`, `pg_get_functiondef`, `pg_get_triggerdef`); and
//! spelling declared ones the same way ([`spell`]) so that the two compare equal.
//!
//! Only what the user made: members of an extension, internal triggers (those of foreign keys)
//! and everything outside the schemas read are left out.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use super::objects::{or_replace, trigger_sql};
use crate::db::DbError;
use crate::schema::objects::{
    ForEach, Function, Objects, Trigger, TriggerEvent, TriggerTiming, View, signature, trim_sql,
};
use crate::schema::Schema;
use crate::sql::ident;

/// How many catalog queries [`read`] runs.
pub(super) const QUERIES: usize = 3;

fn not_member(oid: &str, class: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = {oid} \
         AND d.classid = 'pg_catalog.{class}'::regclass AND d.deptype = 'e')"
    )
}

fn views_sql() -> String {
    format!(
        "SELECT c.relname::text AS name, c.relkind::text AS kind, \
                pg_catalog.pg_get_viewdef(c.oid, true) AS def, \
                pg_catalog.obj_description(c.oid, 'pg_class') AS comment, \
                ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i \
                      WHERE i.indrelid = c.oid ORDER BY 1) AS indexes \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY($1) AND {} \
         ORDER BY c.relname",
        not_member("c.oid", "pg_class")
    )
}

fn functions_sql() -> String {
    format!(
        "SELECT p.proname::text AS name, p.prokind::text AS kind, n.nspname::text AS schema, \
                CASE WHEN p.prokind IN ('f', 'p') THEN pg_catalog.pg_get_functiondef(p.oid) END AS def, \
                pg_catalog.obj_description(p.oid, 'pg_proc') AS comment, \
                pg_catalog.pg_get_function_identity_arguments(p.oid) AS args, \
                a.aggkind::text AS agg_kind, a.aggtransfn::regproc::text AS sfunc, \
                pg_catalog.format_type(a.aggtranstype, NULL) AS stype, \
                CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::regproc::text END AS finalfunc, \
                CASE WHEN a.aggcombinefn <> 0 THEN a.aggcombinefn::regproc::text END AS combinefunc, \
                a.agginitval AS initcond, \
                (a.aggserialfn <> 0 OR a.aggdeserialfn <> 0 OR a.aggmtransfn <> 0 OR a.aggfinalextra \
                 OR a.aggsortop <> 0 OR a.aggtransspace <> 0 \
                 OR a.aggfinalmodify NOT IN ('r')) AS agg_more \
         FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
         LEFT JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid \
         WHERE n.nspname = ANY($1) AND {} \
         ORDER BY p.proname, args",
        not_member("p.oid", "pg_proc")
    )
}

fn triggers_sql() -> String {
    format!(
        "SELECT t.tgname::text AS name, c.relname::text AS tbl, t.tgtype::int4 AS type, \
                pg_catalog.pg_get_triggerdef(t.oid, true) AS def, \
                (t.tgconstraint <> 0 OR t.tgenabled <> 'O') AS unusual, \
                t.tgoldtable::text AS old_table, t.tgnewtable::text AS new_table, \
                ARRAY(SELECT a.attname::text FROM unnest(t.tgattr::int2[]) WITH ORDINALITY k(num, ord) \
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.num \
                      ORDER BY k.ord) AS columns \
         FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE NOT t.tgisinternal AND n.nspname = ANY($1) AND {} \
         ORDER BY t.tgname, c.relname",
        not_member("t.oid", "pg_trigger")
    )
}

fn query_error(what: &str, e: &sqlx::Error) -> DbError {
    DbError::new(format!("cannot read the {what} of the database: {e}"))
}

fn get<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(
    row: &'r PgRow,
    col: &str,
) -> Result<T, DbError> {
    row.try_get(col)
        .map_err(|e| DbError::new(format!("unexpected catalog data in `{col}`: {e}")))
}

/// Reads the objects of `schemas`; what cannot be represented goes to `notes`.
pub(super) async fn read(
    conn: &mut PgConnection,
    schemas: &[String],
    notes: &mut Vec<String>,
) -> Result<Objects, DbError> {
    let mut out = Objects::default();
    let rows = sqlx::query(&views_sql())
        .bind(schemas)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| query_error("views", &e))?;
    for row in &rows {
        let def: Option<String> = get(row, "def")?;
        out.views.push(View {
            name: get(row, "name")?,
            sql: trim_sql(&def.unwrap_or_default()),
            materialized: get::<String>(row, "kind")? == "m",
            comment: get::<Option<String>>(row, "comment")?.filter(|c| !c.is_empty()),
            indexes: get(row, "indexes")?,
        });
    }

    let rows = sqlx::query(&functions_sql())
        .bind(schemas)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| query_error("functions", &e))?;
    let mut found: Vec<(String, String, String, Option<String>)> = Vec::new();
    for row in &rows {
        let name: String = get(row, "name")?;
        let args: String = get(row, "args")?;
        let kind: String = get(row, "kind")?;
        let sql = match kind.as_str() {
            "f" | "p" => get::<Option<String>>(row, "def")?.map(|d| trim_sql(&d)),
            "a" => aggregate(row, &name, &args)?,
            _ => None,
        };
        match sql {
            Some(sql) => found.push((
                name,
                args,
                sql,
                get::<Option<String>>(row, "comment")?.filter(|c| !c.is_empty()),
            )),
            None => notes.push(format!(
                "{} `{name}({args})` is not read: the schema language has no spelling for it",
                match kind.as_str() {
                    "a" => "aggregate",
                    "w" => "window function",
                    _ => "routine",
                }
            )),
        }
    }
    for (name, args, sql, comment) in &found {
        let overloaded = found.iter().filter(|(n, _, _, _)| n == name).count() > 1;
        let key = if overloaded {
            format!("{name}({args})")
        } else {
            name.clone()
        };
        out.functions.push(Function {
            name: key,
            sql: sql.clone(),
            comment: comment.clone(),
        });
    }

    let rows = sqlx::query(&triggers_sql())
        .bind(schemas)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| query_error("triggers", &e))?;
    for row in &rows {
        let name: String = get(row, "name")?;
        let table: String = get(row, "tbl")?;
        let def: String = get(row, "def")?;
        if get::<bool>(row, "unusual")? {
            notes.push(format!(
                "trigger `{name}` on `{table}` is not read: a constraint trigger or a disabled one has no spelling in the schema language"
            ));
            continue;
        }
        if out.trigger(&name).is_some() {
            notes.push(format!(
                "trigger `{name}` on `{table}` is not read: another table has a trigger of that name, and trigger names are keys of the schema"
            ));
            continue;
        }
        match trigger(&name, &table, get(row, "type")?, get(row, "columns")?, &def) {
            Some(t) => out.triggers.push(Trigger {
                old_table: get(row, "old_table")?,
                new_table: get(row, "new_table")?,
                ..t
            }),
            None => notes.push(format!(
                "trigger `{name}` on `{table}` is not read: `{def}` has no spelling in the schema language"
            )),
        }
    }
    Ok(out)
}

/// `CREATE OR REPLACE AGGREGATE` of a plain aggregate (a state function, its type, and
/// optionally a final and a combine function and an initial state); `None` for other kinds.
fn aggregate(row: &PgRow, name: &str, args: &str) -> Result<Option<String>, DbError> {
    if get::<Option<String>>(row, "agg_kind")?.as_deref() != Some("n")
        || get::<Option<bool>>(row, "agg_more")?.unwrap_or(true)
    {
        return Ok(None);
    }
    let schema: String = get(row, "schema")?;
    let mut parts = vec![
        format!("SFUNC = {}", get::<String>(row, "sfunc")?),
        format!("STYPE = {}", get::<String>(row, "stype")?),
    ];
    if let Some(f) = get::<Option<String>>(row, "finalfunc")? {
        parts.push(format!("FINALFUNC = {f}"));
    }
    if let Some(f) = get::<Option<String>>(row, "combinefunc")? {
        parts.push(format!("COMBINEFUNC = {f}"));
    }
    if let Some(i) = get::<Option<String>>(row, "initcond")? {
        parts.push(format!("INITCOND = {}", super::literal(&i)));
    }
    Ok(Some(format!(
        "CREATE OR REPLACE AGGREGATE {}.{}({args}) (\n    {}\n)",
        ident(&schema),
        ident(name),
        parts.join(",\n    ")
    )))
}

/// A trigger from its `tgtype` bits, its `UPDATE OF` columns and its definition (for `WHEN`
/// and the function call).
fn trigger(name: &str, table: &str, ty: i32, columns: Vec<String>, def: &str) -> Option<Trigger> {
    const ROW: i32 = 1;
    const BEFORE: i32 = 2;
    const INSERT: i32 = 4;
    const DELETE: i32 = 8;
    const UPDATE: i32 = 16;
    const TRUNCATE: i32 = 32;
    const INSTEAD: i32 = 64;
    let timing = if ty & INSTEAD != 0 {
        TriggerTiming::InsteadOf
    } else if ty & BEFORE != 0 {
        TriggerTiming::Before
    } else {
        TriggerTiming::After
    };
    let mut events = Vec::new();
    for (bit, e) in [
        (INSERT, TriggerEvent::Insert),
        (UPDATE, TriggerEvent::Update),
        (DELETE, TriggerEvent::Delete),
        (TRUNCATE, TriggerEvent::Truncate),
    ] {
        if ty & bit != 0 {
            events.push(e);
        }
    }
    const CALL: &str = " EXECUTE FUNCTION ";
    let at = def.find(CALL)?;
    let function = def[at + CALL.len()..].trim().to_string();
    let head = &def[..at];
    let when = head.find(" WHEN (").map(|w| {
        let inner = &head[w + " WHEN (".len()..];
        inner.strip_suffix(')').unwrap_or(inner).to_string()
    });
    Some(Trigger {
        name: name.to_string(),
        table: table.to_string(),
        timing,
        events,
        columns,
        for_each: if ty & ROW != 0 {
            ForEach::Row
        } else {
            ForEach::Statement
        },
        when,
        function: Some(function),
        body: None,
        old_table: None,
        new_table: None,
    })
}

/// Spells the declared views, functions and triggers of `schema` as the server prints them,
/// each made in a transaction rolled back at once: a view as a temporary view, a function in
/// the session's temporary schema (so nothing of the database is touched or locked), a trigger
/// with a `WHEN` condition on its table (waiting at most a moment for the lock). One the server
/// refuses (a table not there yet) keeps its text: the diff then makes it, and the next diff
/// compares the server's spelling.
pub(super) async fn spell(conn: &mut PgConnection, schema: &mut Schema) {
    if schema.objects.views.is_empty()
        && schema.objects.functions.is_empty()
        && schema.objects.triggers.iter().all(|t| t.when.is_none())
    {
        return;
    }
    let current: String = match sqlx::query_scalar("SELECT quote_ident(current_schema())")
        .fetch_one(&mut *conn)
        .await
    {
        Ok(Some::<String>(s)) => s,
        _ => return,
    };
    for v in &mut schema.objects.views {
        let sql = format!("CREATE TEMPORARY VIEW migrate_spelled_view AS\n{}", v.sql);
        let read = "SELECT pg_catalog.pg_get_viewdef('pg_temp.migrate_spelled_view'::regclass, true)";
        if let Some(def) = in_rollback(conn, &[&sql], read).await {
            v.sql = trim_sql(&def);
        }
    }
    for f in &mut schema.objects.functions {
        let Some(sig) = signature(&f.sql) else {
            continue;
        };
        let bare = sig.name.rsplit('.').next().unwrap_or(&sig.name).to_string();
        let qualified = if sig.name.contains('.') {
            sig.name.clone()
        } else {
            format!("{current}.{bare}")
        };
        let temp = format!(
            "{}pg_temp.{bare}({}){}",
            &f.sql[..sig.span.0],
            sig.args,
            &f.sql[sig.span.1..]
        );
        let temp = or_replace(&temp);
        let read = "SELECT CASE WHEN p.prokind = 'a' THEN NULL ELSE pg_catalog.pg_get_functiondef(p.oid) END \
                    FROM pg_catalog.pg_proc p WHERE p.pronamespace = pg_catalog.pg_my_temp_schema()";
        let Some(def) = in_rollback(conn, &["SET LOCAL check_function_bodies = off", &temp], read).await
        else {
            continue;
        };
        // `CREATE OR REPLACE FUNCTION pg_temp_3.name(` → the name the function will have.
        let Some(spelled) = signature(&def) else {
            continue;
        };
        f.sql = trim_sql(&format!(
            "{}{}({}){}",
            &def[..spelled.span.0],
            qualified,
            spelled.args,
            &def[spelled.span.1..]
        ));
    }
    for t in &mut schema.objects.triggers {
        if t.when.is_none() || t.function.is_none() {
            continue;
        }
        let create = trigger_sql(t);
        let read = format!(
            "SELECT pg_catalog.pg_get_triggerdef(t.oid, true) FROM pg_catalog.pg_trigger t \
             WHERE t.tgname = {} AND t.tgrelid = {}::regclass",
            super::literal(&t.name),
            super::literal(&ident(&t.table))
        );
        let drop = format!("DROP TRIGGER IF EXISTS {} ON {}", ident(&t.name), ident(&t.table));
        let Some(def) = in_rollback(conn, &["SET LOCAL lock_timeout = '200ms'", &drop, &create], &read).await
        else {
            continue;
        };
        if let Some(read) = trigger(&t.name, &t.table, 0, Vec::new(), &def) {
            t.when = read.when;
            t.function = read.function;
        }
    }
}

/// Runs `statements` in a transaction, reads one text with `read`, and rolls back.
async fn in_rollback(conn: &mut PgConnection, statements: &[&str], read: &str) -> Option<String> {
    sqlx::raw_sql("BEGIN").execute(&mut *conn).await.ok()?;
    let result = async {
        for s in statements {
            sqlx::raw_sql(s).execute(&mut *conn).await.ok()?;
        }
        sqlx::query_scalar::<_, Option<String>>(read)
            .fetch_one(&mut *conn)
            .await
            .ok()
            .flatten()
    }
    .await;
    sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.ok()?;
    result
}
