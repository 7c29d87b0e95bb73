//! `migrate diff` and `migrate pull` as processes against real databases: the flow of a project
//! (generate, up, pull, diff), `--print` and `--exit-code`, objects the schema does not declare
//! reported and kept, `--output` and `--force`, JSON, and no password in any output.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use migrate_core::config::Dialect;
use migrate_core::introspect::normalize_for;
use migrate_core::schema;
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use serde_json::Value;
use tempfile::TempDir;

const SCHEMA: &str = r#"
[enums.kind]
values = ["CAT", "DOG"]
comment = "Kinds of pet."

[tables.owners]
model = "Owner"
comment = "People."
[tables.owners.columns]
id    = { type = "bigint", identity = true, primary_key = true }
email = { type = "varchar(200)", unique = true }

[tables.pets]
model = "Pet"
[tables.pets.columns]
id       = { type = "uuid", primary_key = true }
owner_id = { type = "bigint", references = "owners.id", on_delete = "cascade" }
kind     = { type = "kind", default = "'CAT'" }
name     = { type = "text", comment = "The pet's name." }
born     = { type = "date", nullable = true }

[[tables.pets.indexes]]
columns = ["name"]
where = "born IS NOT NULL"

[[tables.pets.checks]]
name = "pets_name_given"
expr = "name <> ''"
"#;

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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

#[track_caller]
fn ok(o: &Output) {
    assert_eq!(code(o), 0, "stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o));
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

fn sql_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir.join("migrations"))
        .map(|d| {
            d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A project whose database has the schema: `migrate generate`, then `migrate up`.
fn deployed(dialect: &str, url: &str) -> TempDir {
    let dir = project(dialect, SCHEMA);
    ok(&migrate(dir.path(), url, &["generate"]));
    ok(&migrate(dir.path(), url, &["up"]));
    dir
}

async fn execute(url: &str, sql: &str) {
    let mut conn = migrate_core::db::Connection::connect(url)
        .await
        .expect("connect");
    conn.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    conn.close().await;
}

/// The flow of the issue on one database: pull reads back what was declared; diff finds
/// nothing; a changed schema gives a migration with --print (nothing written) and without it
/// (a file, not the snapshot); once applied, diff finds nothing again.
fn project_flow(dialect: Dialect, url: &str) {
    let name = dialect.as_str();
    let dir = deployed(name, url);
    let root = dir.path();

    let pulled = migrate(root, url, &["pull", "--output", "pulled/schema.toml"]);
    ok(&pulled);
    assert!(
        stdout(&pulled).contains("pulled/schema.toml"),
        "{}",
        stdout(&pulled)
    );
    let text = fs::read_to_string(root.join("pulled/schema.toml")).expect("written");
    assert!(
        text.starts_with("# Read from a live database by `migrate pull`."),
        "{text}"
    );
    let back = schema::load_str("pulled.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let declared = schema::load_str("schema.toml", SCHEMA).expect("valid");
    assert!(
        migrate_core::diff::diff(&back, &normalize_for(dialect, &declared)).is_empty(),
        "{text}"
    );
    assert_eq!(
        back.tables
            .iter()
            .map(|t| t.model.as_str())
            .collect::<Vec<_>>(),
        ["Owner", "Pet"]
    );
    if dialect == Dialect::Postgres {
        assert!(text.contains("comment = \"The pet's name.\""), "{text}");
    }
    // Without --output: the same text on stdout.
    let printed = migrate(root, url, &["pull"]);
    ok(&printed);
    assert_eq!(stdout(&printed), text);

    let same = migrate(root, url, &["diff", "--exit-code"]);
    ok(&same);
    assert!(stdout(&same).contains("no changes"), "{}", stdout(&same));

    // A changed schema.
    let changed = SCHEMA.replace(
        "born     = { type = \"date\", nullable = true }",
        "born     = { type = \"date\", nullable = true }\nweight   = { type = \"integer\", nullable = true }",
    ) + "\n[[tables.owners.indexes]]\ncolumns = [\"email\", \"id\"]\n";
    fs::write(root.join("schema.toml"), &changed).expect("schema");
    let snapshot = fs::read(root.join("migrations/schema.snapshot.toml")).ok();
    let before = sql_files(root);

    let print = migrate(root, url, &["diff", "--print", "--exit-code"]);
    assert_eq!(code(&print), 1, "{}{}", stdout(&print), stderr(&print));
    let sql = stdout(&print);
    assert!(sql.contains("ADD COLUMN \"weight\" integer"), "{sql}");
    assert!(sql.contains("CREATE INDEX"), "{sql}");
    assert!(sql.contains("-- Generated by `migrate diff`"), "{sql}");
    assert_eq!(sql_files(root), before, "--print writes nothing");

    let write = migrate(root, url, &["diff", "--name", "catch_up"]);
    ok(&write);
    let after = sql_files(root);
    assert!(after.len() > before.len(), "{after:?}");
    assert!(
        after.iter().any(|f| f.ends_with("_catch_up.sql")),
        "{after:?}"
    );
    assert_eq!(
        fs::read(root.join("migrations/schema.snapshot.toml")).ok(),
        snapshot,
        "diff leaves the snapshot alone"
    );
    assert!(
        stderr(&write).contains("`migrate generate` writes its own migration"),
        "{}",
        stderr(&write)
    );
    ok(&migrate(root, url, &["check"]));
    ok(&migrate(root, url, &["up"]));
    ok(&migrate(root, url, &["diff", "--exit-code"]));
}

#[tokio::test(flavor = "current_thread")]
async fn project_flow_on_postgres() {
    let db = TestDb::new().await;
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || project_flow(Dialect::Postgres, &url))
        .await
        .expect("flow");
    db.close().await.expect("drop");
}

#[test]
fn project_flow_on_sqlite() {
    let file = TestFile::new();
    project_flow(Dialect::Sqlite, &file.url);
}

/// What the database has and the schema does not declare is listed and never dropped, unless
/// the schema acknowledges it.
fn undeclared(dialect: Dialect, url: &str, add: &str) {
    let dir = deployed(dialect.as_str(), url);
    let root = dir.path();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(execute(url, add));

    let out = migrate(root, url, &["diff", "--print", "--exit-code"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let report = stderr(&out);
    for object in [
        "table `audit`: left in place (to drop it: `drop_tables = [\"audit\"]`)",
        "column `pets.legacy`: left in place (to drop it: `drop_columns = [\"legacy\"] in [tables.pets]`)",
        "index `pets_legacy_idx` on `pets`: left in place",
    ] {
        assert!(report.contains(object), "missing `{object}` in:\n{report}");
    }
    assert!(
        stdout(&out).contains("no migration needed"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("DROP"), "{}", stdout(&out));

    // JSON lists them too.
    let json = migrate(root, url, &["--format", "json", "diff", "--print"]);
    ok(&json);
    let v: Value = serde_json::from_str(&stdout(&json)).expect("json");
    assert_eq!(v["differs"], true);
    let objects: Vec<&str> = v["undeclared"]
        .as_array()
        .expect("list")
        .iter()
        .map(|u| u["object"].as_str().expect("object"))
        .collect();
    assert!(objects.contains(&"table `audit`"), "{objects:?}");

    // Acknowledged: dropped.
    let acked = format!("drop_tables = [\"audit\"]\n{SCHEMA}").replace(
        "model = \"Pet\"\n",
        "model = \"Pet\"\ndrop_columns = [\"legacy\"]\n",
    );
    fs::write(root.join("schema.toml"), acked).expect("schema");
    let out = migrate(root, url, &["diff", "--print"]);
    ok(&out);
    let sql = stdout(&out);
    assert!(sql.contains("DROP TABLE \"audit\""), "{sql}");
    assert!(
        stderr(&out).contains("table `audit`: dropped, as acknowledged"),
        "{}",
        stderr(&out)
    );
    if dialect == Dialect::Postgres {
        assert!(sql.contains("DROP COLUMN \"legacy\""), "{sql}");
        // The undeclared index on the dropped column goes with it.
        assert!(
            stderr(&out).contains("index `pets_legacy_idx` on `pets`: dropped, as acknowledged"),
            "{}",
            stderr(&out)
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn undeclared_objects_are_reported_and_kept_on_postgres() {
    let db = TestDb::new().await;
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || {
        undeclared(
            Dialect::Postgres,
            &url,
            "CREATE TABLE audit (id integer PRIMARY KEY, what text);\
             ALTER TABLE pets ADD COLUMN legacy text;\
             CREATE INDEX pets_legacy_idx ON pets (legacy);",
        )
    })
    .await
    .expect("undeclared");
    db.close().await.expect("drop");
}

#[test]
fn undeclared_objects_are_reported_and_kept_on_sqlite() {
    let file = TestFile::new();
    undeclared(
        Dialect::Sqlite,
        &file.url,
        "CREATE TABLE audit (id integer PRIMARY KEY, what text);\
         ALTER TABLE pets ADD COLUMN legacy text;\
         CREATE INDEX pets_legacy_idx ON pets (legacy);",
    );
}

#[test]
fn pull_refuses_to_overwrite_without_force() {
    let file = TestFile::new();
    let dir = deployed("sqlite", &file.url);
    let root = dir.path();
    fs::write(root.join("mine.toml"), "# mine\n").expect("write");
    let out = migrate(root, &file.url, &["pull", "--output", "mine.toml"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(root.join("mine.toml")).expect("read"),
        "# mine\n"
    );
    ok(&migrate(
        root,
        &file.url,
        &["pull", "--output", "mine.toml", "--force"],
    ));
    let text = fs::read_to_string(root.join("mine.toml")).expect("read");
    assert!(text.contains("[tables.pets]"), "{text}");
}

#[test]
fn connection_errors_are_exit_2_without_the_password() {
    let dir = project("postgres", SCHEMA);
    let url = "postgres://app:s3cret-pw@127.0.0.1:1/nothing";
    for args in [&["diff"][..], &["pull"][..]] {
        let out = migrate(dir.path(), url, args);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains("s3cret-pw"), "{all}");
        assert!(all.contains("cannot connect"), "{all}");
    }
}

#[test]
fn a_schema_with_errors_is_exit_1_before_connecting() {
    let dir = project(
        "sqlite",
        "[tables.t]\nmodel = \"T\"\ncolumns = { id = \"int\" }\n",
    );
    let out = migrate(dir.path(), "sqlite://never-created.db", &["diff"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown-type"), "{}", stderr(&out));
    assert!(!dir.path().join("never-created.db").exists());
}

/// `pull` names each model after the words of its table, the last one singular, in Unicode:
/// names that three copies of the rule once spelled three ways. The loader takes what it writes.
#[test]
fn pull_names_models_by_words_and_singulars() {
    let file = TestFile::new();
    let dir = project("sqlite", "");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(execute(
        &file.url,
        "CREATE TABLE quizzes (id integer PRIMARY KEY);\
         CREATE TABLE statuses (id integer PRIMARY KEY);\
         CREATE TABLE \"ünicode\" (id integer PRIMARY KEY);\
         CREATE TABLE \"HTTPStatus\" (id integer PRIMARY KEY);",
    ));
    ok(&migrate(
        dir.path(),
        &file.url,
        &["pull", "--output", "pulled.toml"],
    ));
    let pulled = schema::load(&dir.path().join("pulled.toml")).unwrap_or_else(|e| panic!("{e}"));
    let models: Vec<(&str, &str)> = pulled
        .tables
        .iter()
        .map(|t| (t.name.as_str(), t.model.as_str()))
        .collect();
    assert_eq!(
        models,
        [
            ("HTTPStatus", "HttpStatus"),
            ("quizzes", "Quiz"),
            ("statuses", "Status"),
            ("ünicode", "Ünicode"),
        ]
    );
}

/// Columns that cannot be read are named all at once, with `--exclude` as the fix; excluded,
/// their tables block nothing: `pull` reads the rest, `diff` compares the rest (and leaves the
/// excluded tables alone), and verbatim types (`tsvector`) are read as they are.
#[tokio::test(flavor = "current_thread")]
async fn pull_names_every_unreadable_column_and_exclude_reads_the_rest() {
    let db = TestDb::new().await;
    let url = db.url.clone();
    execute(
        &url,
        "CREATE TYPE shade AS ENUM ('dark', 'light');\
         CREATE SCHEMA other;\
         CREATE TYPE other.mood AS ENUM ('happy');\
         CREATE TABLE lines (id integer PRIMARY KEY, mood other.mood);\
         CREATE TABLE feelings (id integer PRIMARY KEY, mood other.mood);\
         CREATE TABLE docs (id integer PRIMARY KEY, search tsvector, tint shade);",
    )
    .await;
    tokio::task::spawn_blocking(move || {
        let dir = project("postgres", "");
        let root = dir.path();
        let out = migrate(root, &url, &["pull"]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("2 columns cannot be read"), "{err}");
        assert!(
            err.contains("`lines.mood`") && err.contains("`feelings.mood`"),
            "{err}"
        );
        assert!(err.contains("--exclude"), "{err}");

        let out = migrate(
            root,
            &url,
            &[
                "pull",
                "--exclude",
                "lines",
                "--exclude",
                "feel*",
                "--output",
                "schema.toml",
                "--force",
            ],
        );
        ok(&out);
        let text = fs::read_to_string(root.join("schema.toml")).expect("read");
        assert!(
            text.contains("search = { type = \"tsvector\", nullable = true }"),
            "{text}"
        );
        assert!(
            !text.contains("[tables.lines]") && !text.contains("[tables.feelings]"),
            "{text}"
        );

        let out = migrate(
            root,
            &url,
            &[
                "diff",
                "--exit-code",
                "--print",
                "--exclude",
                "lines",
                "--exclude",
                "feel*",
            ],
        );
        assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
        let out = migrate(root, &url, &["pull", "--include", "docs"]);
        ok(&out);
        assert!(stdout(&out).contains("[tables.docs]"), "{}", stdout(&out));
    })
    .await
    .expect("pull");
    db.close().await.expect("drop");
}
