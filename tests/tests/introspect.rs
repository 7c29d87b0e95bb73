//! Reading real databases back into the schema model.
//!
//! - A realistic hand-written schema (`tests/fixtures/realistic/schema.toml`, 35 tables) built
//!   from its generated migrations introspects to exactly `normalize_for(dialect, schema)`; its
//!   printed TOML (what `migrate pull` writes), generated and applied to an empty database,
//!   reads back as the identical TOML. On PostgreSQL and on SQLite.
//! - PostgreSQL introspection sends the same number of statements for 1 table as for 80,
//!   counted on the wire.
//! - Expressions people write (defaults, checks, predicates) read back from PostgreSQL as the
//!   canonical spelling of what was declared.

use std::path::Path;

use migrate_core::config::Dialect;
use migrate_core::db::Connection;
use migrate_core::diff::diff;
use migrate_core::introspect::{self, Options, canonical_literals, canonical_order, normalize_for};
use migrate_core::schema::print::to_toml;
use migrate_core::schema::{Schema, load, load_str};
use migrate_core::sql::{Unit, render};
use migrate_tests::pgwire::CountingProxy;
use migrate_tests::{apply, pg::TestDb, sqlite::TestFile};

fn units(dialect: Dialect, from: &Schema, to: &Schema) -> Vec<Unit> {
    render(dialect, &diff(from, to), from, to).units()
}

fn fixture() -> Schema {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/realistic/schema.toml");
    load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `expected` with the model names of `live`, in introspection's order: the two must then be
/// equal field for field, which is stricter than an empty diff.
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

/// What a PostgreSQL database built from `declared` must read back as.
async fn expected_postgres(url: &str, declared: &Schema) -> Schema {
    let mut expected = normalize_for(Dialect::Postgres, declared);
    let mut conn = Connection::connect(url).await.expect("connect");
    canonical_literals(&mut conn, &mut expected).await;
    conn.close().await;
    expected
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
    assert_eq!(back, *live, "the pulled schema does not load back as read");
    text
}

#[tokio::test(flavor = "current_thread")]
async fn realistic_schema_round_trips_on_postgres() {
    let declared = fixture();
    assert!(declared.tables.len() >= 30);
    let db = build_postgres(&declared).await;
    let live = read(&db.url).await;

    assert_same(&live, &expected_postgres(&db.url, &declared).await);

    // Pull, generate from what was pulled, apply to an empty database, pull again.
    let first = printed(&live);
    let pulled = load_str("pulled.toml", &first).expect("loads");
    let again = build_postgres(&pulled).await;
    let second = printed(&read(&again.url).await);
    assert_eq!(first, second, "pulling twice gives different schemas");
    db.close().await.expect("drop");
    again.close().await.expect("drop");
}

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
async fn realistic_schema_round_trips_on_sqlite() {
    let declared = fixture();
    let file = build_sqlite(&declared).await;
    let live = read(&file.url).await;
    assert_same(&live, &normalize_for(Dialect::Sqlite, &declared));

    let first = printed(&live);
    let pulled = load_str("pulled.toml", &first).expect("loads");
    let again = build_sqlite(&pulled).await;
    let second = printed(&read(&again.url).await);
    assert_eq!(first, second, "pulling twice gives different schemas");
}

/// `n` tables with a key, a foreign key to the previous table, an index, a check, comments.
fn tables(n: usize) -> Schema {
    let mut toml = String::from("[enums.state]\nvalues = [\"on\", \"off\"]\n");
    for i in 0..n {
        let fk = if i == 0 {
            String::new()
        } else {
            format!(
                ", prev = {{ type = \"bigint\", nullable = true, references = \"t{}.id\" }}",
                i - 1
            )
        };
        toml.push_str(&format!(
            "[tables.t{i}]\nmodel = \"T{i}\"\ncomment = \"Table {i}.\"\n\
             columns = {{ id = {{ type = \"bigint\", identity = true, primary_key = true }}, \
             name = {{ type = \"varchar(40)\", default = \"'x'\", comment = \"A name.\" }}, \
             state = {{ type = \"state\", default = \"'on'\" }}{fk} }}\n\
             indexes = [{{ columns = [\"name\"], where = \"name <> ''\" }}]\n\
             checks = [{{ name = \"t{i}_name\", expr = \"length(name) > 0\" }}]\n"
        ));
    }
    load_str("tables.toml", &toml).expect("valid")
}

#[tokio::test(flavor = "current_thread")]
async fn catalog_queries_do_not_grow_with_the_number_of_tables() {
    let mut counts = Vec::new();
    for n in [1, 80] {
        let declared = tables(n);
        let db = build_postgres(&declared).await;
        let proxy = CountingProxy::start(&db.url);
        let mut conn = Connection::connect(&proxy.url).await.expect("connect");
        proxy.reset();
        let live = introspect::introspect(&mut conn, &Options::default())
            .await
            .expect("introspect");
        counts.push((n, proxy.statements(), proxy.log()));
        conn.close().await;
        assert_eq!(live.tables.len(), n);
        assert_same(&live, &normalize_for(Dialect::Postgres, &declared));
        db.close().await.expect("drop");
    }
    let (_, one, log) = &counts[0];
    let (_, many, _) = &counts[1];
    assert_eq!(
        one, many,
        "statements for 1 table: {one}, for 80 tables: {many}"
    );
    // The catalog queries, and BEGIN and ROLLBACK around them: nothing else.
    assert_eq!(
        *one,
        migrate_core::dialect::postgres::introspect::QUERIES + 2,
        "statements sent:\n{}",
        log.join("\n---\n")
    );
}

/// Declared expressions as people write them; each must read back as its canonical spelling.
const CHECKS: &[&str] = &[
    "a <> 'lit'",
    "\"b\" <> 'it''s'",
    "length(\"d\"::text) > 0",
    "\"a\" IS NULL OR \"b\" IS NULL",
    "n <> 'CAT'",
    "n IN ('CAT', 'DOG')",
    "c <> 'x'",
    "(d > 0) and (e < 10) or (d < -5)",
    "d > 0 and (e < 10 or d < -5)",
    "not (d > 0)",
    "length(b) > 0",
    "\"Weird Col\" + 1 > \"select\" * 2",
    "(d + 1) * 2 > 3",
    "a like 'x%' and a not like 'y%' and a ilike 'z'",
    "d not in (1, 2, 3)",
    "b in ('x','y') or c in ('ab')",
    "a ~ '^x'",
    "ts > now() - interval '1 day'",
    "d is not null and e is null",
    "coalesce(d, 0) >= 0",
    "d between 1 and 10",
    "j ? 'x'",
    "d > -1",
    "f > 1.5",
    "r >= 0 AND r <= 1",
    "d::numeric > 1.5",
    "a = lower(a) || 'x'",
    "arr <> '{}'",
    "d IS DISTINCT FROM 3",
    "case when d > 0 then true else false end",
    "d != 1",
    "c = upper(c)",
    "bo",
    "NOT bo",
    "d % 2 = 0",
    "- d < 0",
    "ts >= '2024-01-01'",
    "ts IN ('2024-01-01', '2024-01-02 10:00')",
    "j <> '{\"b\":1, \"a\":[1,2]}'",
    "bo = 't'",
    "d <> '7'",
    "upper(a) = a AND lower(b) = b",
];

#[tokio::test(flavor = "current_thread")]
async fn expressions_read_back_canonically_on_postgres() {
    let mut toml = String::from(
        "[enums.\"Pet Type\"]\nvalues = [\"CAT\", \"DOG\"]\n[tables.t]\nmodel = \"T\"\n[tables.t.columns]\n\
         a = \"text\"\nb = \"varchar(10)\"\nc = \"char(3)\"\nd = \"integer\"\ne = \"numeric\"\n\
         f = \"double\"\nr = \"real\"\nn = \"Pet Type\"\n\"Weird Col\" = \"integer\"\n\"select\" = \"integer\"\n\
         arr = \"text[]\"\nj = \"jsonb\"\nts = \"timestamptz\"\nbo = \"boolean\"\n",
    );
    for (i, expr) in CHECKS.iter().enumerate() {
        toml.push_str(&format!(
            "[[tables.t.checks]]\nname = \"c{i:02}\"\nexpr = {}\n",
            toml_string(expr)
        ));
    }
    let declared = load_str("checks.toml", &toml).unwrap_or_else(|e| panic!("{e}"));
    let db = build_postgres(&declared).await;
    let live = read(&db.url).await;
    assert_same(&live, &expected_postgres(&db.url, &declared).await);
    db.close().await.expect("drop");
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[tokio::test(flavor = "current_thread")]
async fn what_the_language_cannot_express_is_left_out_with_a_note_on_postgres() {
    let db = TestDb::new().await;
    let mut conn = Connection::connect(&db.url).await.expect("connect");
    conn.execute(
        "CREATE TABLE parent (id serial PRIMARY KEY, name text COLLATE \"C\", tag varchar(10));
         CREATE TABLE child (
             id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
             parent_id integer REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED,
             at timestamp(3)
         );
         CREATE INDEX parent_lower ON parent (lower(name));
         CREATE INDEX parent_desc ON parent (name DESC);
         CREATE INDEX parent_include ON parent (id) INCLUDE (name);
         CREATE INDEX parent_pattern ON parent (tag varchar_pattern_ops);
         CREATE INDEX parent_collated ON parent (tag COLLATE \"C\");
         CREATE INDEX parent_plain ON parent (tag);
         CREATE FUNCTION own_upper(text) RETURNS text IMMUTABLE LANGUAGE sql AS 'SELECT upper($1)';
         CREATE INDEX parent_own_function ON parent (own_upper(name));
         CREATE TABLE migrate_history (version bigint);
         CREATE TYPE ext_kind AS ENUM ('a');
         CREATE TABLE ext_table (id integer);
         ALTER EXTENSION plpgsql ADD TYPE ext_kind;
         ALTER EXTENSION plpgsql ADD TABLE ext_table;",
    )
    .await
    .expect("create");
    let read = introspect::introspect_with_notes(&mut conn, &Options::default())
        .await
        .expect("introspect");
    conn.close().await;
    let names: Vec<&str> = read.schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["child", "parent"],
        "the history table and extension members are skipped"
    );
    assert!(read.schema.enums.is_empty());
    let parent = read.schema.table("parent").expect("parent");
    assert_eq!(
        parent.column("id").and_then(|c| c.identity),
        Some(migrate_core::schema::Identity::ByDefault),
        "serial is an identity"
    );
    assert_eq!(parent.column("id").and_then(|c| c.default.clone()), None);
    assert_eq!(
        read.schema
            .table("child")
            .and_then(|t| t.column("at"))
            .map(|c| c.ty.to_string())
            .as_deref(),
        Some("timestamp(3)"),
        "a precision is read exactly"
    );
    // Expression, DESC, INCLUDE, operator-class and collated indexes are read (see
    // `introspect_indexes.rs`); one calling a function of the database's own is not.
    let indexes: Vec<&str> = parent.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        indexes,
        [
            "parent_collated",
            "parent_desc",
            "parent_include",
            "parent_lower",
            "parent_pattern",
            "parent_plain"
        ]
    );
    let notes = read.notes.join("\n");
    for expected in [
        "index `parent_own_function` on `parent` calls public.own_upper, a function the schema language does not hold: left out",
        "foreign key `child_parent_id_fkey` of `child` is DEFERRABLE: read as not deferrable",
        "column `parent.id` is a serial column: read as `identity = true`",
    ] {
        assert!(
            notes.contains(expected),
            "missing `{expected}` in:\n{notes}"
        );
    }
    db.close().await.expect("drop");
}

/// A type the language does not model is read verbatim (PostgreSQL's own by name, the others
/// listed in `external_types`); what cannot be read at all is one error naming every column.
/// A stored generated column is read with its expression; a column of a domain names it.
#[tokio::test(flavor = "current_thread")]
async fn types_the_language_lacks_are_read_verbatim() {
    let db = TestDb::new().await;
    let mut conn = Connection::connect(&db.url).await.expect("connect");
    conn.execute(
        "CREATE DOMAIN year AS integer CHECK (VALUE > 0);
         CREATE TABLE shapes (id integer, at point, tags tsvector[], born year, flags bit(8),
           twice integer GENERATED ALWAYS AS (id * 2) STORED)",
    )
    .await
    .expect("create");
    let read = introspect::introspect(&mut conn, &Options::default())
        .await
        .expect("read");
    let t = read.table("shapes").expect("shapes");
    let ty = |c: &str| t.column(c).expect(c).ty.to_string();
    assert_eq!(
        [ty("at"), ty("tags"), ty("born"), ty("flags")],
        ["point", "tsvector[]", "year", "bit(8)"]
    );
    // A domain is read as one (`[domains.year]`), so it is not an external type.
    assert!(read.external_types.is_empty());
    assert_eq!(
        read.domains
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>(),
        ["year"]
    );
    assert_eq!(
        t.column("twice").and_then(|c| c.generated.as_deref()),
        Some("id * 2")
    );

    conn.execute(
        "CREATE SCHEMA other;
         CREATE TYPE other.mood AS ENUM ('ok');
         CREATE TABLE a (x integer, y other.mood);
         CREATE TABLE b (x integer, y other.mood)",
    )
    .await
    .expect("create");
    let err = introspect::introspect(&mut conn, &Options::default())
        .await
        .expect_err("enums of a schema not read");
    assert!(err.message.starts_with("2 columns cannot be read"), "{err}");
    assert!(
        err.message.contains("`a.y`") && err.message.contains("`b.y`"),
        "{err}"
    );
    assert!(err.help.is_some_and(|h| h.contains("--exclude")));
    let rest = Options {
        exclude: vec!["a".into(), "b".into()],
        ..Options::default()
    };
    let read = introspect::introspect(&mut conn, &rest)
        .await
        .expect("the rest");
    assert!(read.table("shapes").is_some() && read.table("a").is_none());
    conn.close().await;
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn other_postgres_schemas_are_read_when_asked() {
    let db = TestDb::new().await;
    let mut conn = Connection::connect(&db.url).await.expect("connect");
    conn.execute(
        "CREATE SCHEMA app;
         CREATE TYPE app.mood AS ENUM ('ok');
         CREATE TABLE app.pets (id integer PRIMARY KEY, mood app.mood);
         CREATE TABLE public.owners (id integer PRIMARY KEY);",
    )
    .await
    .expect("create");
    let public = introspect::introspect(&mut conn, &Options::default())
        .await
        .expect("public");
    assert_eq!(public.tables.len(), 1);
    assert_eq!(public.tables[0].name, "owners");
    let app = Options {
        schemas: vec!["app".into()],
        ..Options::default()
    };
    let read = introspect::introspect(&mut conn, &app).await.expect("app");
    assert_eq!(read.tables[0].name, "pets");
    assert_eq!(read.enums[0].name, "mood");

    // The model has no schema qualifier: the same name in two schemas read together is an error.
    conn.execute("CREATE TABLE app.owners (id integer)")
        .await
        .expect("create");
    let both = Options {
        schemas: vec!["public".into(), "app".into()],
        ..Options::default()
    };
    let err = introspect::introspect(&mut conn, &both)
        .await
        .expect_err("two tables named owners");
    assert!(err.message.contains("named `owners`"), "{}", err.message);
    conn.close().await;
    db.close().await.expect("drop");
}
