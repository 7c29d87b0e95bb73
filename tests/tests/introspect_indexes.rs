//! Indexes, UNIQUE constraints, column collations, identity options and `timestamp(p)`
//! precisions on real databases:
//! declared, generated, applied to an empty database, read back — and the read schema equals
//! the declared one, prints as TOML that loads back as itself, and `diff` finds nothing.
//!
//! - PostgreSQL: expression keys, DESC / NULLS, INCLUDE, operator classes, key collations,
//!   UNIQUE constraints (named, deferrable, NULLS NOT DISTINCT) kept constraints and unique
//!   indexes kept indexes, foreign keys to either, column collations, identity options and a
//!   sequence name of its own; an expression written unlike PostgreSQL prints it still compares
//!   equal (it is spelled by the server).
//! - SQLite: expression keys, DESC, key and column collations, a UNIQUE constraint (a unique
//!   index to SQLite); what SQLite lacks is refused, naming the dialect.

use migrate_core::config::Dialect;
use migrate_core::db::Connection;
use migrate_core::diff::diff;
use migrate_core::introspect::{self, Options, canonical_literals, canonical_order, normalize_for};
use migrate_core::schema::print::to_toml;
use migrate_core::schema::{Deferrable, Schema, load_str, load_str_for};
use migrate_core::sql::{Unit, render};
use migrate_tests::{apply, pg::TestDb, sqlite::TestFile};

fn units(dialect: Dialect, from: &Schema, to: &Schema) -> Vec<Unit> {
    render(dialect, &diff(from, to), from, to).units()
}

fn schema(text: &str) -> Schema {
    load_str("schema.toml", text).unwrap_or_else(|e| panic!("{e}"))
}

/// The read schema equals `expected` field for field (model names aside).
fn assert_same(live: &Schema, expected: &Schema) {
    let d = diff(live, expected);
    assert!(
        d.is_empty(),
        "the database differs from the declared schema:\n{}",
        d.changes
            .iter()
            .map(|c| c.describe())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let mut expected = expected.clone();
    canonical_order(&mut expected);
    for t in &mut expected.tables {
        if let Some(l) = live.table(&t.name) {
            t.model = l.model.clone();
        }
    }
    assert_eq!(*live, expected);
}

async fn read(url: &str) -> Schema {
    let mut conn = Connection::connect(url).await.expect("connect");
    let s = introspect::introspect(&mut conn, &Options::default())
        .await
        .unwrap_or_else(|e| panic!("introspect: {e}"));
    conn.close().await;
    s
}

/// The printed schema loads back as the same model, as `migrate pull` needs.
fn printed(live: &Schema) -> String {
    let text = to_toml(live);
    let back = load_str("pulled.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        back, *live,
        "the pulled schema does not load back as read:\n{text}"
    );
    text
}

async fn build_postgres(schema: &Schema) -> TestDb {
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    apply::postgres(
        &mut conn,
        &units(Dialect::Postgres, &Schema::default(), schema),
    )
    .await
    .unwrap_or_else(|e| panic!("creating the schema: {e}"));
    db
}

async fn expected_postgres(url: &str, declared: &Schema) -> Schema {
    let mut expected = normalize_for(Dialect::Postgres, declared);
    let mut conn = Connection::connect(url).await.expect("connect");
    canonical_literals(&mut conn, &mut expected).await;
    conn.close().await;
    expected
}

const POSTGRES: &str = r#"
[tables.accounts]
model = "Account"
[tables.accounts.columns]
id      = { type = "bigint", primary_key = true, identity = { generated = "always", start = 1000, increment = 10 } }
number  = { type = "integer", identity = { min = 5, max = 9999, cycle = true, cache = 20, sequence = "account_numbers" } }
email   = "text"
handle  = { type = "text", collation = "C" }
label   = { type = "varchar(40)", collation = "POSIX", nullable = true }
slug    = "varchar(80)"
title   = { type = "text", nullable = true }
list_id = "bigint"
rank    = "integer"
room    = { type = "integer", nullable = true }
day     = { type = "date", nullable = true }
seen_at = { type = "timestamptz", nullable = true }
made_at = "timestamptz(6)"
local   = { type = "timestamp(0)", nullable = true }
opens   = { type = "time(3)", nullable = true }

[[tables.accounts.indexes]]
name    = "accounts_email_lower"
columns = [{ expr = "lower(email)" }]
unique  = true

[[tables.accounts.indexes]]
name    = "accounts_recent"
columns = [{ column = "seen_at", desc = true, nulls = "last" }, { column = "rank", nulls = "first" }, { expr = "(rank + 1) * 2", desc = true }]

[[tables.accounts.indexes]]
name    = "accounts_slug_prefix"
columns = [{ column = "slug", opclass = "varchar_pattern_ops" }, { column = "email", collation = "C" }]
include = ["title"]
where   = "day IS NOT NULL"

[[tables.accounts.indexes]]
columns    = ["email"]
constraint = true

[[tables.accounts.indexes]]
columns    = ["list_id", "rank"]
constraint = true
deferrable = "initially deferred"

[[tables.accounts.indexes]]
name       = "accounts_room_day"
columns    = ["room", "day"]
constraint = true
nulls_not_distinct = true
include    = ["title"]

[[tables.accounts.indexes]]
columns = ["day"]
unique  = true
nulls_not_distinct = true

[[tables.accounts.indexes]]
name    = "accounts_handle_key_covering"
columns = ["handle"]
unique  = true
include = ["label"]

[tables.logins]
model = "Login"
[tables.logins.columns]
id     = { type = "bigint", primary_key = true }
email  = { type = "text", references = "accounts.email" }
handle = { type = "text", references = "accounts.handle" }
"#;

#[tokio::test(flavor = "current_thread")]
async fn indexes_constraints_collations_and_identities_round_trip_on_postgres() {
    let declared = schema(POSTGRES);
    let accounts = declared.table("accounts").expect("declared");
    let constraint = |n: &str| {
        accounts
            .indexes
            .iter()
            .find(|i| i.name == n)
            .expect(n)
            .clone()
    };
    assert!(constraint("accounts_email_key").constraint);
    assert_eq!(
        constraint("accounts_list_id_rank_key").deferrable,
        Deferrable::InitiallyDeferred
    );
    let db = build_postgres(&declared).await;
    let live = read(&db.url).await;
    assert_same(&live, &expected_postgres(&db.url, &declared).await);

    // A constraint stays a constraint, a unique index an index: in the catalog too.
    let mut conn = db.connect().await;
    let kinds: Vec<(String, String)> = sqlx::query_as(
        "SELECT conname::text, contype::text FROM pg_constraint \
         WHERE conrelid = 'accounts'::regclass AND contype = 'u' ORDER BY conname",
    )
    .fetch_all(&mut conn)
    .await
    .expect("constraints");
    let names: Vec<&str> = kinds.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "accounts_email_key",
            "accounts_list_id_rank_key",
            "accounts_room_day"
        ]
    );
    // `ON CONFLICT ON CONSTRAINT` finds it by name.
    sqlx::raw_sql(
        "INSERT INTO accounts (email, handle, slug, list_id, rank, room, day, made_at) \
         VALUES ('a@x', 'a', 's', 1, 1, 1, '2026-01-01', now()); \
         INSERT INTO accounts (email, handle, slug, list_id, rank, room, day, made_at) \
         VALUES ('a@x', 'b', 't', 1, 2, 2, '2026-01-02', now()) \
         ON CONFLICT ON CONSTRAINT accounts_email_key DO NOTHING",
    )
    .execute(&mut conn)
    .await
    .expect("ON CONFLICT ON CONSTRAINT");
    drop(conn);

    // Pull, generate from what was pulled, apply to an empty database, pull again.
    let first = printed(&live);
    assert!(first.contains("constraint = true"), "{first}");
    assert!(
        first.contains("opclass = \"varchar_pattern_ops\""),
        "{first}"
    );
    assert!(first.contains("sequence = \"account_numbers\""), "{first}");
    let pulled = load_str("pulled.toml", &first).expect("loads");
    let again = build_postgres(&pulled).await;
    let second = printed(&read(&again.url).await);
    assert_eq!(first, second, "pulling twice gives different schemas");
    db.close().await.expect("drop");
    again.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn index_expressions_compare_in_the_servers_spelling_on_postgres() {
    let written = |expr: &str| {
        schema(&format!(
            "[tables.t]\nmodel = \"T\"\ncolumns = {{ id = \"bigint\", a = \"integer\", b = \"varchar(20)\" }}\n\
             [[tables.t.indexes]]\nname = \"t_expr\"\ncolumns = [{{ expr = \"{expr}\" }}, \"id\"]\n"
        ))
    };
    let db = build_postgres(&written("lower(b)")).await;
    for same in [
        "lower(b)",
        "LOWER( b )",
        "lower(b::text)",
        "lower((b)::text)",
    ] {
        let live = read(&db.url).await;
        let expected = expected_postgres(&db.url, &written(same)).await;
        assert!(
            diff(&live, &expected).is_empty(),
            "`{same}` differs from the index built from `lower(b)`: {:?}",
            diff(&live, &expected).changes
        );
    }
    let other = expected_postgres(&db.url, &written("upper(b)")).await;
    assert!(!diff(&read(&db.url).await, &other).is_empty());
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn changed_options_migrate_on_postgres() {
    let from = schema(
        "[tables.t]\nmodel = \"T\"\n[tables.t.columns]\n\
         id = { type = \"bigint\", primary_key = true, identity = true }\n\
         word = \"text\"\ncode = \"text\"\n\
         [[tables.t.indexes]]\ncolumns = [\"code\"]\nunique = true\n",
    );
    let to = schema(
        "[tables.t]\nmodel = \"T\"\n[tables.t.columns]\n\
         id = { type = \"bigint\", primary_key = true, identity = { start = 50, increment = 5, sequence = \"t_ids\" } }\n\
         word = { type = \"text\", collation = \"C\" }\ncode = \"text\"\n\
         [[tables.t.indexes]]\ncolumns = [\"code\"]\nconstraint = true\ndeferrable = \"initially immediate\"\n",
    );
    let db = build_postgres(&from).await;
    let mut conn = db.connect().await;
    sqlx::raw_sql("INSERT INTO t (word, code) VALUES ('a', 'x'), ('b', 'y')")
        .execute(&mut conn)
        .await
        .expect("rows");
    apply::postgres(&mut conn, &units(Dialect::Postgres, &from, &to))
        .await
        .unwrap_or_else(|e| panic!("migrating: {e}"));
    drop(conn);
    let live = read(&db.url).await;
    assert_same(&live, &expected_postgres(&db.url, &to).await);
    db.close().await.expect("drop");
}

const SQLITE: &str = r#"
[tables.accounts]
model = "Account"
[tables.accounts.columns]
id      = { type = "integer", primary_key = true, identity = true }
email   = "text"
handle  = { type = "text", collation = "NOCASE" }
list_id = "integer"
rank    = "integer"
made_at = { type = "timestamp(3)", nullable = true }

[[tables.accounts.indexes]]
name    = "accounts_email_lower"
columns = [{ expr = "lower(email)" }]
unique  = true

[[tables.accounts.indexes]]
name    = "accounts_recent"
columns = [{ column = "rank", desc = true }, { column = "email", collation = "NOCASE" }, "handle"]

[[tables.accounts.indexes]]
columns    = ["list_id", "rank"]
constraint = true

[tables.logins]
model = "Login"
[tables.logins.columns]
id      = { type = "integer", primary_key = true }
list_id = "integer"
rank    = "integer"

[[tables.logins.foreign_keys]]
columns    = ["list_id", "rank"]
references = { table = "accounts", columns = ["list_id", "rank"] }
"#;

async fn build_sqlite(schema: &Schema) -> TestFile {
    let file = TestFile::new();
    let mut conn = file.connect().await;
    apply::sqlite(
        &mut conn,
        &units(Dialect::Sqlite, &Schema::default(), schema),
    )
    .await
    .unwrap_or_else(|e| panic!("creating the schema: {e}"));
    file
}

#[tokio::test(flavor = "current_thread")]
async fn index_keys_collations_and_unique_constraints_round_trip_on_sqlite() {
    let declared =
        load_str_for("schema.toml", SQLITE, Dialect::Sqlite).unwrap_or_else(|e| panic!("{e}"));
    let file = build_sqlite(&declared).await;
    let live = read(&file.url).await;
    assert_same(&live, &normalize_for(Dialect::Sqlite, &declared));

    let first = printed(&live);
    let pulled = load_str("pulled.toml", &first).expect("loads");
    let again = build_sqlite(&pulled).await;
    let second = printed(&read(&again.url).await);
    assert_eq!(first, second, "pulling twice gives different schemas");
}

#[test]
fn what_sqlite_lacks_is_refused_naming_the_dialect() {
    let text = "[tables.t]\nmodel = \"T\"\n[tables.t.columns]\n\
         id = { type = \"bigint\", primary_key = true, identity = { start = 10 } }\n\
         a = \"text\"\nb = { type = \"text\", nullable = true }\n\
         [[tables.t.indexes]]\nname = \"t_a\"\ncolumns = [{ column = \"a\", opclass = \"text_pattern_ops\" }]\ninclude = [\"b\"]\n\
         [[tables.t.indexes]]\ncolumns = [\"b\"]\nconstraint = true\ndeferrable = \"initially deferred\"\nnulls_not_distinct = true\n\
         [[tables.t.indexes]]\nname = \"t_nulls\"\ncolumns = [{ column = \"a\", nulls = \"first\" }]\n";
    assert!(load_str_for("schema.toml", text, Dialect::Postgres).is_ok());
    let err = load_str_for("schema.toml", text, Dialect::Sqlite)
        .expect_err("refused")
        .to_string();
    for needle in [
        "index `t_a` of `t` has an operator class (`opclass`), which SQLite does not have",
        "index `t_a` of `t` has `include` columns",
        "index `t_b_key` of `t` has `nulls_not_distinct`",
        "index `t_b_key` of `t` has a deferrable UNIQUE constraint",
        "index `t_nulls` of `t` has a key with NULLs ordered against its direction",
        "column `t.id` sets identity options, which SQLite does not have",
    ] {
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
}
