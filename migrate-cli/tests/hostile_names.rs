//! Names that look like SQL, as a user and an attacker write them: every name with quotes,
//! semicolons, `--`, `/*`, `*/`, `$$`, `$tag$`, backslashes, non-ASCII or PostgreSQL's full 63
//! bytes either applies and reads back exactly, or is refused by `migrate check`; nothing in a
//! name ever runs. A `canary` table, which every hostile name tries to drop, proves it.
//!
//! The same holds for names that come from a database (`migrate pull`, `migrate diff`): `pull`
//! refuses to write a schema with names `check` refuses, and the migration `diff` writes to drop
//! such a table drops that table and nothing else.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use migrate_core::schema::print::{key, string};
use migrate_core::schema::{Schema, load_str};
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use serde_json::Value;
use tempfile::TempDir;

/// Names every part of `migrate` must carry through SQL exactly.
fn accepted_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "it's",
        "a\"b",
        "x; DROP TABLE canary; --",
        "x -- DROP TABLE canary",
        "/* DROP TABLE canary",
        "*/ DROP TABLE canary; /*",
        "$$ DROP TABLE canary $$",
        "$tag$ DROP TABLE canary; $tag$",
        "back\\slash",
        "ends in \\",
        "\\'); DROP TABLE canary; --",
        "[bracket]",
        "`tick`",
        "%s %n ? :p @v",
        "select",
        "Mixed Case",
        " padded ",
        "ünïcödé",
        "名前",
        "emoji 😀",
        "E'\\x41'",
    ]
    .map(String::from)
    .to_vec();
    // PostgreSQL's limit, in ASCII and in two-byte characters.
    names.push("n".repeat(63));
    names.push(format!("{}x", "é".repeat(31)));
    names
}

/// Characters `check` refuses in a name, with what the message calls them.
const REFUSED: &[(char, &str)] = &[
    ('\n', "a line break"),
    ('\r', "a line break"),
    ('\u{2028}', "a line break"),
    ('\u{2029}', "a line break"),
    ('\t', "a tab"),
    ('\u{1}', "a control character"),
    ('\u{b}', "a control character"),
    ('\u{c}', "a control character"),
    ('\u{1b}', "a control character"),
    ('\u{7f}', "a control character"),
    ('\u{85}', "a control character"),
    ('\u{9b}', "a control character"),
    ('\u{202e}', "a text-direction control"),
    ('\u{2067}', "a text-direction control"),
];

fn migrate(dir: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migrate"))
        .current_dir(dir)
        .args(args)
        .args(["--database-url", url])
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("migrate runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "migrate failed:\n{}", text(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn project(dialect: &str, schema: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!("dialect = \"{dialect}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n"),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), schema).expect("schema");
    dir
}

/// A SQL string literal of `s` (standard, as a user writes a default).
fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn sql_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A schema using each name as a table, a column, an enum label, a foreign key, and (when it
/// leaves room under 63 bytes) inside an enum, an index and a check name; comments carry it too.
fn hostile_schema(names: &[String]) -> String {
    let mut s = String::from(
        "[tables.parents]\nmodel = \"Parent\"\ncolumns = { id = { type = \"integer\", primary_key = true } }\n\n",
    );
    for (i, n) in names.iter().enumerate() {
        let room = n.len() <= 50;
        let named = |prefix: &str| {
            if room {
                format!("{prefix}{i} {n}")
            } else {
                format!("{prefix}{i}")
            }
        };
        // An enum name is also written as a column type: no brackets, parentheses, or spaces
        // around it.
        let enum_name = named("e")
            .replace(['(', ')', '[', ']'], "_")
            .trim()
            .to_string();
        let table = key(n);
        s.push_str(&format!(
            "[enums.{}]\nvalues = [{}, \"plain\"]\ncomment = {}\n\n",
            key(&enum_name),
            string(n),
            string(&format!("enum {n}\n*/ DROP TABLE canary; --"))
        ));
        s.push_str(&format!(
            "[tables.{table}]\nmodel = \"T{i}\"\ncomment = {}\nprimary_key_name = {}\n",
            string(&format!("table {n}\nDROP TABLE canary; -- '")),
            string(&format!("pk{i}")),
        ));
        s.push_str(&format!("[tables.{table}.columns]\n"));
        s.push_str("id = { type = \"integer\", primary_key = true }\n");
        s.push_str(&format!(
            "{} = {{ type = \"text\", nullable = true, comment = {} }}\n",
            key(n),
            string(n)
        ));
        s.push_str(&format!(
            "kind = {{ type = {}, default = {} }}\n",
            string(&enum_name),
            string(&sql_text(n))
        ));
        s.push_str(&format!(
            "parent = {{ type = \"integer\", nullable = true, references = \"parents.id\", constraint = {} }}\n",
            string(n)
        ));
        s.push_str(&format!(
            "[[tables.{table}.indexes]]\ncolumns = [{}]\nname = {}\n",
            string(n),
            string(&named("ix"))
        ));
        s.push_str(&format!(
            "[[tables.{table}.checks]]\nname = {}\nexpr = {}\n\n",
            string(&named("ck")),
            string(&format!("{} <> {}", sql_ident(n), sql_text(n)))
        ));
    }
    s
}

/// Every name of a schema, by kind, sorted: what must read back exactly.
fn names_of(s: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for e in &s.enums {
        out.push(format!("enum {:?}", e.name));
        for v in &e.values {
            out.push(format!("label {:?} of {:?}", v, e.name));
        }
    }
    for t in &s.tables {
        out.push(format!("table {:?}", t.name));
        for c in &t.columns {
            out.push(format!("column {:?} of {:?}", c.name, t.name));
        }
        if let Some(pk) = &t.primary_key {
            out.push(format!("primary key {:?} of {:?}", pk.name, t.name));
        }
        for ix in &t.indexes {
            out.push(format!(
                "index {:?} of {:?} on {:?}",
                ix.name, t.name, ix.columns
            ));
        }
        for fk in &t.foreign_keys {
            out.push(format!("foreign key {:?} of {:?}", fk.name, t.name));
        }
        for ck in &t.checks {
            out.push(format!("check {:?} of {:?}", ck.name, t.name));
        }
    }
    out.sort();
    out
}

/// check, generate, up, then pull and diff: the names read back exactly, nothing else changed,
/// and the canary is still there.
fn round_trip(dialect: &str, url: &str) {
    let schema = hostile_schema(&accepted_names());
    let declared = load_str("schema.toml", &schema)
        .unwrap_or_else(|e| panic!("the hostile schema is valid: {e}\n{schema}"));
    let p = project(dialect, &schema);
    ok(&migrate(p.path(), url, &["check"]));
    ok(&migrate(p.path(), url, &["generate"]));
    ok(&migrate(p.path(), url, &["up"]));

    let pulled: Value =
        serde_json::from_str(&ok(&migrate(p.path(), url, &["pull", "--format", "json"])))
            .expect("pull prints JSON");
    let pulled_text = pulled["schema"].as_str().expect("the schema");
    let mut live = load_str("pulled.toml", pulled_text)
        .unwrap_or_else(|e| panic!("the pulled schema passes check: {e}\n{pulled_text}"));
    live.tables.retain(|t| t.name != "canary");
    assert_eq!(names_of(&live), names_of(&declared), "names read back");

    let diff: Value = serde_json::from_str(&ok(&migrate(
        p.path(),
        url,
        &["diff", "--print", "--format", "json"],
    )))
    .expect("diff prints JSON");
    assert_eq!(diff["changes"], serde_json::json!([]), "{diff}");
}

const CANARY: &str = "CREATE TABLE canary (id integer PRIMARY KEY); INSERT INTO canary VALUES (1)";

#[tokio::test(flavor = "current_thread")]
async fn hostile_names_apply_and_read_back_exactly_on_postgres() {
    let db = TestDb::new().await;
    let pool = db.pool().await;
    sqlx::raw_sql(CANARY).execute(&pool).await.expect("canary");
    round_trip("postgres", &db.url);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM canary")
        .fetch_one(&pool)
        .await
        .expect("the canary table is still there");
    assert_eq!(left, 1);
    pool.close().await;
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn hostile_names_apply_and_read_back_exactly_on_sqlite() {
    let file = TestFile::new();
    let pool = file.pool().await;
    sqlx::raw_sql(CANARY).execute(&pool).await.expect("canary");
    round_trip("sqlite", &file.url);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM canary")
        .fetch_one(&pool)
        .await
        .expect("the canary table is still there");
    assert_eq!(left, 1);
}

#[test]
fn check_refuses_names_with_control_characters() {
    for &(c, kind) in REFUSED {
        let name = format!("t{c}DROP TABLE canary;{c}--");
        let places = [
            format!(
                "[tables.{}]\nmodel = \"T\"\ncolumns = {{ id = \"integer\" }}\n",
                key(&name)
            ),
            format!(
                "[tables.t]\nmodel = \"T\"\ncolumns = {{ {} = \"integer\" }}\n",
                key(&name)
            ),
            format!("[enums.{}]\nvalues = [\"a\"]\n", key(&name)),
            format!("[enums.e]\nvalues = [{}]\n", string(&name)),
            format!(
                "[tables.t]\nmodel = \"T\"\ncolumns = {{ id = \"integer\" }}\n[[tables.t.indexes]]\ncolumns = [\"id\"]\nname = {}\n",
                string(&name)
            ),
            format!(
                "[tables.t]\nmodel = \"T\"\ncolumns = {{ id = \"integer\" }}\n[[tables.t.checks]]\nname = {}\nexpr = \"id > 0\"\n",
                string(&name)
            ),
            format!(
                "[tables.p]\nmodel = \"P\"\ncolumns = {{ id = {{ type = \"integer\", primary_key = true }} }}\n\
                 [tables.t]\nmodel = \"T\"\ncolumns = {{ p = {{ type = \"integer\", references = \"p.id\", constraint = {} }} }}\n",
                string(&name)
            ),
            format!(
                "[tables.t]\nmodel = \"T\"\nprimary_key_name = {}\ncolumns = {{ id = {{ type = \"integer\", primary_key = true }} }}\n",
                string(&name)
            ),
        ];
        for schema in places {
            let p = project("sqlite", &schema);
            let out = migrate(p.path(), "sqlite://unused.db", &["check"]);
            let all = text(&out);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{c:?} accepted in:\n{schema}\n{all}"
            );
            assert!(all.contains("error[bad-name]"), "{all}");
            assert!(all.contains(&format!("contains {kind}")), "{c:?}: {all}");
            assert!(all.contains("help: write the"), "{all}");
            // The message shows the name escaped; only the quoted source line may hold the
            // character itself (a TOML file cannot hold most of them raw).
            let message = all.lines().next().unwrap_or_default();
            assert!(!message.contains(c), "{c:?} printed raw: {message:?}");
            let json = migrate(
                p.path(),
                "sqlite://unused.db",
                &["check", "--format", "json"],
            );
            assert_eq!(json.status.code(), Some(1));
            assert!(!p.path().join("unused.db").exists());
        }
    }
}

/// A database that already holds a table whose name runs SQL after a line break.
const HOSTILE_TABLE: &str = "t\nDROP TABLE canary;\n--";

async fn pull_and_diff_never_run_a_name(dialect: &str, url: &str) {
    let schema = format!(
        "drop_tables = [{}]\n[tables.kept]\nmodel = \"Kept\"\ncolumns = {{ id = \"integer\" }}\n",
        string(HOSTILE_TABLE)
    );
    let p = project(dialect, &schema);

    // pull: reported, nothing written.
    let out = migrate(p.path(), url, &["pull", "--output", "pulled.toml"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("table name `t\\nDROP TABLE canary;\\n--` contains a line break"),
        "{all}"
    );
    assert!(all.contains("rename them in the database"), "{all}");
    assert!(!all.contains("\nDROP TABLE canary;"), "printed raw: {all}");
    assert!(!p.path().join("pulled.toml").exists());
    let json = migrate(p.path(), url, &["pull", "--format", "json"]);
    let v: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["names"].as_array().map(Vec::len), Some(1), "{v}");

    // diff: the acknowledged drop removes that table, and only it.
    ok(&migrate(p.path(), url, &["diff"]));
    let files: Vec<String> = fs::read_dir(p.path().join("migrations"))
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .filter(|f| f.extension().is_some_and(|e| e == "sql"))
        .map(|f| fs::read_to_string(f).expect("read"))
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.contains("-- Drop table `t\\nDROP TABLE canary;\\n--`.")),
        "{files:?}"
    );
    ok(&migrate(p.path(), url, &["up"]));
}

#[tokio::test(flavor = "current_thread")]
async fn a_database_name_never_runs_on_postgres() {
    let db = TestDb::new().await;
    let pool = db.pool().await;
    sqlx::raw_sql(CANARY).execute(&pool).await.expect("canary");
    sqlx::raw_sql(&format!(
        "CREATE TABLE {} (id integer)",
        sql_ident(HOSTILE_TABLE)
    ))
    .execute(&pool)
    .await
    .expect("hostile table");
    pull_and_diff_never_run_a_name("postgres", &db.url).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT relname::text FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .expect("tables");
    assert_eq!(tables, ["canary", "kept", "migrate_history"]);
    pool.close().await;
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn a_database_name_never_runs_on_sqlite() {
    let file = TestFile::new();
    let pool = file.pool().await;
    sqlx::raw_sql(CANARY).execute(&pool).await.expect("canary");
    sqlx::raw_sql(&format!(
        "CREATE TABLE {} (id integer)",
        sql_ident(HOSTILE_TABLE)
    ))
    .execute(&pool)
    .await
    .expect("hostile table");
    pull_and_diff_never_run_a_name("sqlite", &file.url).await;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
            .fetch_all(&pool)
            .await
            .expect("tables");
    assert_eq!(tables, ["canary", "kept", "migrate_history"]);
}

/// PostgreSQL with `standard_conforming_strings = off` reads `\` in a plain literal as an escape
/// (`'ends\'` never ends). Every literal `migrate` writes — enum labels, comments, the history
/// row — must read back exactly all the same.
#[tokio::test(flavor = "current_thread")]
async fn backslashes_survive_standard_conforming_strings_off() {
    let db = TestDb::new().await;
    let pool = db.pool().await;
    sqlx::raw_sql(CANARY).execute(&pool).await.expect("canary");
    sqlx::raw_sql(&format!(
        "ALTER DATABASE {} SET standard_conforming_strings = off",
        sql_ident(&db.name)
    ))
    .execute(&pool)
    .await
    .expect("setting");
    let labels = ["ends\\", "\\'); DROP TABLE canary; --", "a\\nb"];
    let comment = "it\\'s\\\\ \\x41 \\u0041";
    let schema = format!(
        "[enums.e]\nvalues = [{}]\ncomment = {}\n[tables.\"t\\\\\"]\nmodel = \"T\"\ncomment = {}\ncolumns = {{ kind = {{ type = \"e\", comment = {} }} }}\n",
        labels.map(string).join(", "),
        string(comment),
        string(comment),
        string(comment),
    );
    let p = project("postgres", &schema);
    ok(&migrate(p.path(), &db.url, &["generate"]));
    ok(&migrate(p.path(), &db.url, &["up"]));
    let pulled: Value = serde_json::from_str(&ok(&migrate(
        p.path(),
        &db.url,
        &["pull", "--format", "json"],
    )))
    .expect("JSON");
    let live = load_str("pulled.toml", pulled["schema"].as_str().expect("schema")).expect("valid");
    let e = live.enum_type("e").expect("the enum");
    assert_eq!(e.values, labels);
    assert_eq!(e.comment.as_deref(), Some(comment));
    let t = live.table("t\\").expect("the table");
    assert_eq!(t.comment.as_deref(), Some(comment));
    assert_eq!(t.columns[0].comment.as_deref(), Some(comment));
    let description: String = sqlx::query_scalar("SELECT description FROM migrate_history")
        .fetch_one(&pool)
        .await
        .expect("history");
    assert!(description.contains(labels[1]), "{description}");
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM canary")
        .fetch_one(&pool)
        .await
        .expect("the canary table is still there");
    assert_eq!(left, 1);
    pool.close().await;
    db.close().await.expect("drop");
}

/// The history table's name reaches SQL too, schema included — inside a `DO $tag$ … $tag$`
/// block when its schema must be created.
#[tokio::test(flavor = "current_thread")]
async fn a_hostile_history_table_name_never_runs() {
    let db = TestDb::new().await;
    let pool = db.pool().await;
    sqlx::raw_sql(CANARY).execute(&pool).await.expect("canary");
    let schema = "s$migrate$; DROP TABLE canary; --\\";
    let table = "h$$'; DROP TABLE canary; --";
    let p = project("postgres", "");
    let config = p.path().join("migrate.toml");
    let base = fs::read_to_string(&config).expect("config");
    fs::write(
        &config,
        format!(
            "{base}history_table = {}\n",
            string(&format!("{schema}.{table}"))
        ),
    )
    .expect("config");
    let mut md =
        migrate_core::migration::MigrationDir::create(p.path().join("migrations")).expect("dir");
    md.add_at(
        "one",
        "CREATE TABLE one (id integer);\n",
        migrate_core::migration::Version::parse("20240101000000").expect("version"),
    )
    .expect("migration");
    ok(&migrate(p.path(), &db.url, &["up"]));
    // status reads the history back (and reports drift: the schema file is empty).
    let status = text(&migrate(p.path(), &db.url, &["status"]));
    assert!(status.contains("20240101000000  applied"), "{status}");
    let rows: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {}.{}",
        sql_ident(schema),
        sql_ident(table)
    ))
    .fetch_one(&pool)
    .await
    .expect("the history table, by its exact name");
    assert_eq!(rows, 1);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM canary")
        .fetch_one(&pool)
        .await
        .expect("the canary table is still there");
    assert_eq!(left, 1);
    pool.close().await;
    db.close().await.expect("drop");
}
