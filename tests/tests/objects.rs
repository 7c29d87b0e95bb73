//! Views, materialized views, functions, procedures and triggers on real databases:
//!
//! - declared as people write them → generated → applied to an empty database → read back:
//!   the diff against the declared schema (spelled by the server) is empty, and the pulled
//!   TOML loads back as what was read;
//! - a changed view body is rebuilt with the views that read it, and converges;
//! - a column type change under a view applies (the view is dropped and created again);
//! - views and triggers a hand-written migration made, which the schema does not declare,
//!   are kept, not dropped.
//!
//! On PostgreSQL and SQLite.

use migrate_core::config::Dialect;
use migrate_core::db::Connection;
use migrate_core::diff::diff;
use migrate_core::introspect::{self, Options, canonical_literals, keep_undeclared, normalize_for};
use migrate_core::schema::print::to_toml;
use migrate_core::schema::{Schema, load_str};
use migrate_core::sql::render;
use migrate_tests::{apply, pg::TestDb, sqlite::TestFile};

const PG_SCHEMA: &str = r#"
[tables.orders]
model = "Order"
[tables.orders.columns]
id = { type = "integer", primary_key = true }
total = "numeric"
placed_on = "date"
note = { type = "text", nullable = true }
updated_at = { type = "timestamptz", nullable = true }

[views.big_orders]
sql = "select id, total from orders where total > 100"
comment = "Orders over 100."

[views.biggest]
sql = "SELECT id FROM big_orders WHERE double_it(total) > 1000;"

[views.daily_totals]
materialized = true
sql = "SELECT placed_on, sum(total) AS total FROM orders GROUP BY placed_on"
indexes = ["CREATE UNIQUE INDEX daily_totals_day ON public.daily_totals USING btree (placed_on)"]

[functions.double_it]
sql = "create function double_it(n numeric) returns numeric language sql immutable as $$ select n * 2 $$"

[functions.touch]
comment = "Sets updated_at."
sql = """
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$"""

[functions.purge]
sql = "CREATE PROCEDURE purge(before timestamptz) LANGUAGE sql AS $$ DELETE FROM orders WHERE updated_at < before $$"

[triggers.orders_touch]
table = "orders"
timing = "before"
events = ["update"]
columns = ["note"]
when = "OLD.note IS DISTINCT FROM NEW.note"
function = "touch"

[triggers.orders_log]
table = "orders"
timing = "after"
events = ["insert"]
for_each = "statement"
new_table = "inserted"
function = "touch()"
"#;

fn schema(text: &str) -> Schema {
    load_str("schema.toml", text).unwrap_or_else(|e| panic!("{e}"))
}

async fn read(url: &str) -> Schema {
    let mut conn = Connection::connect(url).await.expect("connect");
    let s = introspect::introspect(&mut conn, &Options::default())
        .await
        .unwrap_or_else(|e| panic!("introspect: {e}"));
    conn.close().await;
    s
}

/// The declared schema as the database at `url` spells it.
async fn spelled(url: &str, dialect: Dialect, declared: &Schema) -> Schema {
    let mut s = normalize_for(dialect, declared);
    let mut conn = Connection::connect(url).await.expect("connect");
    canonical_literals(&mut conn, &mut s).await;
    conn.close().await;
    s
}

/// Migrates the database at `url` from what it holds to `declared`; returns the SQL applied.
async fn migrate_to(url: &str, dialect: Dialect, declared: &Schema) -> String {
    let live = read(url).await;
    let wanted = spelled(url, dialect, declared).await;
    let d = diff(&live, &wanted);
    let units = render(dialect, &d, &live, &wanted).units();
    let sql: String = units
        .iter()
        .flat_map(|u| u.statements.clone())
        .collect::<Vec<_>>()
        .join(";\n");
    if dialect == Dialect::Postgres {
        let mut conn = sqlx::PgConnection::connect_with_url(url).await;
        apply::postgres(&mut conn, &units)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    } else {
        let mut conn = sqlx::SqliteConnection::connect_with_url(url).await;
        apply::sqlite(&mut conn, &units)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    }
    sql
}

/// The changes still needed from the database at `url` to `declared`: none, when it converged.
async fn remaining(url: &str, dialect: Dialect, declared: &Schema) -> Vec<String> {
    let live = read(url).await;
    let wanted = spelled(url, dialect, declared).await;
    diff(&live, &wanted)
        .changes
        .iter()
        .map(|c| c.describe())
        .collect()
}

trait ConnectWithUrl: Sized {
    async fn connect_with_url(url: &str) -> Self;
}

impl ConnectWithUrl for sqlx::PgConnection {
    async fn connect_with_url(url: &str) -> Self {
        use sqlx::Connection as _;
        sqlx::PgConnection::connect(url).await.expect("connect")
    }
}

impl ConnectWithUrl for sqlx::SqliteConnection {
    async fn connect_with_url(url: &str) -> Self {
        use sqlx::Connection as _;
        sqlx::SqliteConnection::connect(url).await.expect("connect")
    }
}

#[tokio::test(flavor = "current_thread")]
async fn postgres_objects_round_trip() {
    let db = TestDb::new().await;
    let declared = schema(PG_SCHEMA);
    let sql = migrate_to(&db.url, Dialect::Postgres, &declared).await;
    // Functions before the views that call them, views after the views they read.
    let at = |s: &str| sql.find(s).unwrap_or_else(|| panic!("{s} not in\n{sql}"));
    assert!(
        at("public.double_it(n numeric)") < at("CREATE VIEW \"biggest\""),
        "{sql}"
    );
    assert!(
        at("CREATE VIEW \"big_orders\"") < at("CREATE VIEW \"biggest\""),
        "{sql}"
    );
    assert_eq!(
        remaining(&db.url, Dialect::Postgres, &declared).await,
        Vec::<String>::new()
    );

    // What `pull` writes loads back as what was read, and builds the same objects again.
    let live = read(&db.url).await;
    assert_eq!(live.objects.views.len(), 3);
    assert_eq!(live.objects.functions.len(), 3);
    assert_eq!(live.objects.triggers.len(), 2);
    let text = to_toml(&live);
    let pulled = load_str("pulled.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(pulled, live, "{text}");
    let again = TestDb::new().await;
    migrate_to(&again.url, Dialect::Postgres, &pulled).await;
    assert_eq!(to_toml(&read(&again.url).await), text);
    db.close().await.expect("drop");
    again.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn postgres_view_body_change_and_column_type_change_under_a_view() {
    let db = TestDb::new().await;
    let declared = schema(PG_SCHEMA);
    migrate_to(&db.url, Dialect::Postgres, &declared).await;

    // A new body: the view and the view reading it are rebuilt.
    let changed_text = PG_SCHEMA.replace("total > 100", "total > 200");
    let changed = schema(&changed_text);
    let sql = migrate_to(&db.url, Dialect::Postgres, &changed).await;
    assert!(sql.contains("DROP VIEW \"biggest\""), "{sql}");
    assert!(sql.contains("200"), "{sql}");
    assert_eq!(
        remaining(&db.url, Dialect::Postgres, &changed).await,
        Vec::<String>::new()
    );

    // A column type change under the views: PostgreSQL refuses it while they exist.
    let retyped_text = changed_text.replace(
        "total = \"numeric\"",
        "total = { type = \"numeric(12,2)\", type_changed_from = \"numeric\" }",
    );
    let retyped = schema(&retyped_text);
    let sql = migrate_to(&db.url, Dialect::Postgres, &retyped).await;
    assert!(
        sql.contains("DROP MATERIALIZED VIEW \"daily_totals\""),
        "{sql}"
    );
    assert_eq!(
        remaining(&db.url, Dialect::Postgres, &retyped).await,
        Vec::<String>::new()
    );

    // A changed function body is replaced in place.
    let replaced = schema(&retyped_text.replace("select n * 2", "select n + n"));
    let sql = migrate_to(&db.url, Dialect::Postgres, &replaced).await;
    assert!(
        sql.contains("CREATE OR REPLACE FUNCTION public.double_it"),
        "{sql}"
    );
    assert!(!sql.contains("DROP"), "{sql}");
    assert_eq!(
        remaining(&db.url, Dialect::Postgres, &replaced).await,
        Vec::<String>::new()
    );
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn postgres_undeclared_objects_are_kept() {
    let db = TestDb::new().await;
    let declared = schema(
        "[tables.orders]\nmodel = \"Order\"\ncolumns = { id = \"integer\", total = \"numeric\" }\n",
    );
    migrate_to(&db.url, Dialect::Postgres, &declared).await;
    {
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(&db.url).await.expect("connect");
        sqlx::raw_sql(
            "CREATE VIEW hand_made AS SELECT id FROM orders; \
             CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;",
        )
        .execute(&mut conn)
        .await
        .expect("hand-written");
    }
    // The schema declares no views or functions: they are not its concern, kept silently.
    let live = read(&db.url).await;
    let wanted = spelled(&db.url, Dialect::Postgres, &declared).await;
    let (target, found) = keep_undeclared(&live, &wanted);
    assert!(diff(&live, &target).is_empty());
    assert!(found.is_empty(), "{found:?}");
    // Once it declares some, the others are listed (and kept), as undeclared tables are.
    let some = schema(
        "[tables.orders]\nmodel = \"Order\"\ncolumns = { id = \"integer\", total = \"numeric\" }\n\
         [views.totals]\nsql = \"SELECT sum(total) FROM orders\"\n\
         [functions.g]\nsql = \"CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$\"\n",
    );
    let wanted = spelled(&db.url, Dialect::Postgres, &some).await;
    let (target, found) = keep_undeclared(&live, &wanted);
    let objects: Vec<&str> = found.iter().map(|u| u.object.as_str()).collect();
    assert_eq!(objects, ["view `hand_made`", "function `f`"]);
    let changes: Vec<String> = diff(&live, &target)
        .changes
        .iter()
        .map(|c| c.describe())
        .collect();
    assert_eq!(changes, ["create function `g`", "create view `totals`"]);
    db.close().await.expect("drop");
}

const SQLITE_SCHEMA: &str = r#"
[tables.orders]
model = "Order"
[tables.orders.columns]
id = { type = "integer", primary_key = true }
total = "integer"
note = { type = "text", nullable = true }

[tables.audit]
model = "Audit"
columns = { order_id = "integer" }

[views.big_orders]
sql = "SELECT id, total FROM orders WHERE total > 100"

[views.biggest]
sql = "SELECT id FROM big_orders WHERE total > 1000"

[triggers.orders_audit]
table = "orders"
timing = "after"
events = ["update"]
columns = ["note"]
when = "OLD.note IS NOT NEW.note"
sql = "BEGIN INSERT INTO audit (order_id) VALUES (NEW.id); END"
"#;

#[tokio::test(flavor = "current_thread")]
async fn sqlite_views_and_triggers_round_trip_and_survive_a_rebuild() {
    let file = TestFile::new();
    let declared = schema(SQLITE_SCHEMA);
    migrate_to(&file.url, Dialect::Sqlite, &declared).await;
    assert_eq!(
        remaining(&file.url, Dialect::Sqlite, &declared).await,
        Vec::<String>::new()
    );
    let live = read(&file.url).await;
    assert_eq!(live.objects.views.len(), 2);
    assert_eq!(live.objects.triggers.len(), 1);
    let text = to_toml(&live);
    assert_eq!(
        load_str("pulled.toml", &text).expect("loads"),
        live,
        "{text}"
    );

    // A new body.
    let changed = schema(&SQLITE_SCHEMA.replace("total > 100", "total > 200"));
    migrate_to(&file.url, Dialect::Sqlite, &changed).await;
    assert_eq!(
        remaining(&file.url, Dialect::Sqlite, &changed).await,
        Vec::<String>::new()
    );

    // A column made nullable rebuilds `orders`: its views and trigger are made again around it.
    let retyped = schema(&SQLITE_SCHEMA.replace(
        "total = \"integer\"",
        "total = { type = \"integer\", nullable = true }",
    ));
    migrate_to(&file.url, Dialect::Sqlite, &retyped).await;
    assert_eq!(
        remaining(&file.url, Dialect::Sqlite, &retyped).await,
        Vec::<String>::new()
    );
    let live = read(&file.url).await;
    assert_eq!(
        live.objects.triggers.len(),
        1,
        "the trigger survives the rebuild"
    );
}
