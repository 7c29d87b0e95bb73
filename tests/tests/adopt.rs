//! Adopting real PostgreSQL databases: what the schema language represents round-trips through
//! a real server (declared → generated → applied → read back → the same), and what it does not is
//! said in a note, one per kind, never lost silently.
//!
//! - UNLOGGED tables (`unlogged = true`), both ways (`SET LOGGED` / `SET UNLOGGED`);
//! - NOT VALID checks and foreign keys (`validated = false`), kept NOT VALID through a pull and a
//!   rebuild, and validated once declared so;
//! - extensions read from a database without tables;
//! - policies, grants, rules, inheritance, aggregates, operators, ... one note per kind with its
//!   count;
//! - domains (`[domains.NAME]`) and sequences of their own (`[sequences.NAME]`), read, printed,
//!   rebuilt and changed;
//! - SQLite refuses what it cannot build (`unsupported-by-dialect`, when the schema is loaded
//!   for it).

use migrate_core::config::Dialect;
use migrate_core::db::Connection;
use migrate_core::diff::{Change, diff};
use migrate_core::generate::plan;
use migrate_core::introspect::{self, Introspected, Options};
use migrate_core::schema::print::to_toml;
use migrate_core::schema::{Schema, load_str};
use migrate_core::sql::render;
use migrate_tests::{apply, pg::TestDb};

fn schema(src: &str) -> Schema {
    load_str("schema.toml", src).unwrap_or_else(|e| panic!("{e}"))
}

async fn pull(url: &str) -> Introspected {
    let mut conn = Connection::connect(url).await.expect("connect");
    let read = introspect::introspect_with_notes(&mut conn, &Options::default())
        .await
        .unwrap_or_else(|e| panic!("introspect: {e}"));
    conn.close().await;
    read
}

/// Applies the migration from `from` to `to` to the database at `db`.
async fn migrate(db: &TestDb, from: &Schema, to: &Schema) {
    let units = render(Dialect::Postgres, &diff(from, to), from, to).units();
    let mut conn = db.connect().await;
    apply::postgres(&mut conn, &units)
        .await
        .unwrap_or_else(|e| panic!("applying: {e}"));
}

async fn run(db: &TestDb, sql: &str) {
    let mut conn = Connection::connect(&db.url).await.expect("connect");
    conn.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    conn.close().await;
}

async fn fetch_int(db: &TestDb, sql: &str) -> i64 {
    let mut conn = Connection::connect(&db.url).await.expect("connect");
    let n = conn
        .fetch_int(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    conn.close().await;
    n
}

/// The schema read back, printed and loaded again (what `migrate pull` writes), must be what
/// was read, and diff as nothing against `declared`.
fn same(read: &Schema, declared: &Schema) -> String {
    let text = to_toml(read);
    let back = load_str("pulled.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        &back, read,
        "the pulled schema does not load back as read:\n{text}"
    );
    let d = diff(read, declared);
    assert!(
        d.is_empty(),
        "the database differs from the declared schema: {:?}\n{text}",
        d.changes.iter().map(Change::describe).collect::<Vec<_>>()
    );
    text
}

const SESSIONS: &str = r#"
[tables.sessions]
model = "Session"
unlogged = true
columns = { id = { type = "text", primary_key = true }, data = "jsonb" }
"#;

#[tokio::test(flavor = "current_thread")]
async fn unlogged_tables_round_trip_and_change_both_ways() {
    let db = TestDb::new().await;
    let declared = schema(SESSIONS);
    migrate(&db, &Schema::default(), &declared).await;
    let persistence = "SELECT ascii(relpersistence)::int8 FROM pg_class WHERE relname = 'sessions'";
    assert_eq!(fetch_int(&db, persistence).await, 'u' as i64);
    let read = pull(&db.url).await;
    let text = same(&read.schema, &declared);
    assert!(text.contains("unlogged = true\n"), "{text}");

    // Declared LOGGED: `ALTER TABLE … SET LOGGED`, and back.
    let logged = schema(&SESSIONS.replace("unlogged = true\n", ""));
    let d = diff(&read.schema, &logged);
    assert_eq!(
        d.changes,
        [Change::SetUnlogged {
            table: "sessions".into(),
            unlogged: false
        }]
    );
    migrate(&db, &read.schema, &logged).await;
    assert_eq!(fetch_int(&db, persistence).await, 'p' as i64);
    same(&pull(&db.url).await.schema, &logged);
    migrate(&db, &logged, &declared).await;
    assert_eq!(fetch_int(&db, persistence).await, 'u' as i64);
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn not_valid_constraints_stay_not_valid_through_pull_and_rebuild() {
    let source = TestDb::new().await;
    // Rows that break both constraints, which NOT VALID lets stay.
    run(
        &source,
        "CREATE TABLE owners (id integer PRIMARY KEY);
         CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer, age integer);
         INSERT INTO pets VALUES (1, 42, -1);
         ALTER TABLE pets ADD CONSTRAINT pets_age_check CHECK (age >= 0) NOT VALID;
         ALTER TABLE pets ADD CONSTRAINT pets_owner_fkey FOREIGN KEY (owner_id) REFERENCES owners (id) NOT VALID;",
    )
    .await;
    let read = pull(&source.url).await;
    let text = to_toml(&read.schema);
    assert_eq!(text.matches("validated = false\n").count(), 2, "{text}");
    let pulled = schema(&text);
    same(&read.schema, &pulled);

    // Rebuilt from the pulled schema: still NOT VALID.
    let copy = TestDb::new().await;
    migrate(&copy, &Schema::default(), &pulled).await;
    let not_valid =
        "SELECT count(*) FROM pg_constraint WHERE conrelid = 'pets'::regclass AND NOT convalidated";
    assert_eq!(fetch_int(&copy, not_valid).await, 2);
    let again = pull(&copy.url).await;
    same(&again.schema, &pulled);

    // Declared validated: `VALIDATE CONSTRAINT`, on the copy (whose rows satisfy them).
    let validated = schema(&text.replace("validated = false\n", ""));
    let d = diff(&again.schema, &validated);
    assert_eq!(d.changes.len(), 2, "{:?}", d.changes);
    assert!(
        d.changes
            .iter()
            .all(|c| matches!(c, Change::ValidateConstraint { table, .. } if table == "pets")),
        "{:?}",
        d.changes
    );
    migrate(&copy, &again.schema, &validated).await;
    assert_eq!(fetch_int(&copy, not_valid).await, 0);
    same(&pull(&copy.url).await.schema, &validated);
    // The other way round changes nothing: a validated constraint checks new rows too.
    assert!(diff(&validated, &pulled).is_empty());
    source.close().await.expect("drop");
    copy.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn extensions_are_read_from_a_database_without_tables() {
    let db = TestDb::new().await;
    run(&db, "CREATE EXTENSION IF NOT EXISTS pg_trgm").await;
    let read = pull(&db.url).await;
    assert!(read.schema.tables.is_empty());
    assert_eq!(read.schema.extensions, ["pg_trgm"]);
    // Its functions, operators and types are the extension's: no note for them.
    assert!(read.notes.is_empty(), "{:?}", read.notes);
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn objects_the_language_lacks_are_noted_by_kind_with_counts() {
    let db = TestDb::new().await;
    run(
        &db,
        "CREATE TABLE notes (id integer PRIMARY KEY, owner text NOT NULL DEFAULT current_user, body text);
         ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
         CREATE POLICY notes_owner ON notes USING (owner = current_user);
         CREATE POLICY notes_insert ON notes FOR INSERT WITH CHECK (true);
         GRANT SELECT, INSERT ON notes TO PUBLIC;
         CREATE RULE notes_no_delete AS ON DELETE TO notes DO INSTEAD NOTHING;
         CREATE TABLE vehicles (id integer PRIMARY KEY, wheels integer NOT NULL);
         CREATE TABLE trucks (payload integer) INHERITS (vehicles);
         CREATE AGGREGATE total (integer) (SFUNC = int4pl, STYPE = integer);
         CREATE FUNCTION same_text(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
         CREATE OPERATOR === (LEFTARG = text, RIGHTARG = text, FUNCTION = same_text);
         CREATE TYPE pair AS (a integer, b integer);",
    )
    .await;
    let read = pull(&db.url).await;
    let notes = read.notes.join("\n");
    for expected in [
        "2 policies (not in the schema language, not read): `notes_insert on notes`, `notes_owner on notes`",
        "1 row-level security (",
        "1 grant (grants are not in the schema language, not read): `on notes`",
        "1 rule (not in the schema language, not read): `notes_no_delete on notes`",
        "1 inheritance (table inheritance is not in the schema language",
        "`trucks inherits from vehicles`",
        "1 operator (not in the schema language, not read): `===(text, text)`",
        "1 composite type (not in the schema language, not read): `pair`",
    ] {
        assert!(notes.contains(expected), "no `{expected}` in:\n{notes}");
    }
    // Functions and aggregates are in the language: read, and not noted.
    let functions: Vec<&str> = read
        .schema
        .objects
        .functions
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(functions, ["same_text", "total"], "{notes}");
    assert!(
        !notes.contains("aggregate") && !notes.contains("function"),
        "{notes}"
    );
    // One note per kind: the tables' own types (and their arrays) are no objects of their own.
    let kinds: Vec<&str> = read
        .notes
        .iter()
        .filter(|n| n.contains("base type"))
        .map(String::as_str)
        .collect();
    assert!(kinds.is_empty(), "{kinds:?}");
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn domains_and_sequences_round_trip_and_change() {
    let source = TestDb::new().await;
    run(
        &source,
        "CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
         CREATE DOMAIN code AS text COLLATE \"C\" NOT NULL DEFAULT 'x';
         COMMENT ON DOMAIN code IS 'A short code.';
         CREATE SEQUENCE order_numbers START WITH 100 INCREMENT BY 5;
         CREATE SEQUENCE countdown AS integer INCREMENT BY -1 MAXVALUE 10 CYCLE CACHE 3;
         CREATE TABLE films (id integer PRIMARY KEY, release_year year, code code,
                             number bigint DEFAULT nextval('order_numbers'));
         CREATE SEQUENCE films_seq OWNED BY films.number;",
    )
    .await;
    let read = pull(&source.url).await;
    assert_eq!(
        read.notes,
        [
            "nullable column `films.number` defaults to the next value of a sequence: read as that default, the sequence as one of its own"
        ]
    );
    assert!(read.schema.external_types.is_empty());
    let text = to_toml(&read.schema);
    for expected in [
        "[domains.year]\ntype = \"integer\"\n\n[[domains.year.checks]]\nname = \"year_check\"\nexpr = \"VALUE >= 1901 AND VALUE <= 2155\"\n",
        "[domains.code]\ntype = \"text\"\nnot_null = true\ndefault = \"'x'::text\"\ncollation = \"C\"\ncomment = \"A short code.\"\n",
        "[sequences.order_numbers]\nstart = 100\nincrement = 5\n",
        "[sequences.countdown]\ntype = \"integer\"\nincrement = -1\nmax = 10\ncycle = true\ncache = 3\n",
        "[sequences.films_seq]\nowned_by = \"films.number\"\n",
        "release_year = { type = \"year\", nullable = true }",
    ] {
        assert!(text.contains(expected), "no `{expected}` in:\n{text}");
    }
    let pulled = schema(&text);
    same(&read.schema, &pulled);

    // Rebuilt from what was pulled: the same, and the domain's check holds.
    let copy = TestDb::new().await;
    migrate(&copy, &Schema::default(), &pulled).await;
    same(&pull(&copy.url).await.schema, &pulled);
    let mut conn = Connection::connect(&copy.url).await.expect("connect");
    let refused = conn
        .execute("INSERT INTO films (id, release_year) VALUES (1, 1800)")
        .await;
    assert!(refused.is_err(), "the domain's check lets 1800 in");
    conn.execute("INSERT INTO films (id, release_year) VALUES (1, 1999)")
        .await
        .expect("insert");
    assert_eq!(
        conn.fetch_int("SELECT number FROM films")
            .await
            .expect("number"),
        100
    );
    conn.close().await;

    // Changed: a domain's check and default, a sequence's increment and owner.
    let changed = schema(
        &text
            .replace("VALUE >= 1901 AND VALUE <= 2155", "VALUE >= 1800")
            .replace("default = \"'x'::text\"", "default = \"'y'::text\"")
            .replace(
                "start = 100\nincrement = 5\n",
                "start = 100\nincrement = 10\n",
            )
            .replace("owned_by = \"films.number\"\n", ""),
    );
    let d = diff(&pulled, &changed);
    let described: Vec<String> = d.changes.iter().map(Change::describe).collect();
    assert_eq!(
        described,
        [
            "change domain `code`",
            "change domain `year`",
            "change sequence `order_numbers`",
            "change sequence `films_seq`"
        ]
    );
    migrate(&copy, &pulled, &changed).await;
    same(&pull(&copy.url).await.schema, &changed);
    // Not declared any more: left in the database, never dropped.
    let fewer = schema(&text.replace("[sequences.countdown]", "[sequences.countdown_gone]"));
    assert!(
        diff(&pulled, &fewer)
            .changes
            .iter()
            .all(|c| !c.describe().contains("`countdown`"))
    );
    source.close().await.expect("drop");
    copy.close().await.expect("drop");
}

#[test]
fn sequence_options_are_checked() {
    for (bad, what) in [
        ("increment = 0", "`increment = 0`"),
        ("min = 10\nmax = 5", "min 10, max 5"),
        ("type = \"smallint\"\nstart = 100000", "start 100000"),
        ("type = \"text\"", "a smallint, integer or bigint"),
        ("owned_by = \"nowhere.id\"", "not a declared column"),
    ] {
        let e = load_str("s.toml", &format!("[sequences.s]\n{bad}\n"))
            .err()
            .unwrap_or_else(|| panic!("`{bad}` accepted"));
        assert!(e.to_string().contains(what), "{bad}: {e}");
    }
    let e = load_str("s.toml", "[domains.d]\nnot_null = true\n").expect_err("no type");
    assert!(e.to_string().contains("domain `d` has no `type`"), "{e}");
}

#[test]
fn sqlite_refuses_what_it_cannot_build() {
    let text = format!(
        "{SESSIONS}\n[[tables.sessions.checks]]\nname = \"sessions_id_check\"\nexpr = \"id <> ''\"\nvalidated = false\n"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("schema.toml");
    std::fs::write(&path, &text).expect("write schema");
    let e = migrate_core::schema::load_for(&path, Dialect::Sqlite).expect_err("refused");
    let messages: Vec<&str> = e.0.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "table `sessions` is `unlogged = true`: SQLite has no UNLOGGED tables",
            "constraint `sessions_id_check` of `sessions` is `validated = false`: SQLite has no NOT VALID constraints",
        ]
    );
    assert!(
        e.0.iter().all(|d| d.code == "unsupported-by-dialect"),
        "{e}"
    );
    // PostgreSQL builds it.
    let s = migrate_core::schema::load_for(&path, Dialect::Postgres).expect("accepted");
    assert!(
        plan(Dialect::Postgres, &Schema::default(), &s, None)
            .problems
            .is_empty()
    );
}
