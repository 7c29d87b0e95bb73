//! `migrate lint` and the lint part of `check`, `new` and `hash`, as users and CI see them:
//! output formats, exit codes, suppression and `[lint]` configuration.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const CONFIG: &str = "dialect = \"postgres\"\nschema = \"schema\"\nmigrations = \"migrations\"\n";

const SCHEMA: &str = "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\n";

/// Three findings: ban-drop-column (error, line 2), require-concurrent-index-creation (error,
/// line 3), data-change-without-where (warning, line 4); ban-drop-table allowed on line 6.
const RISKY: &str = "-- A hand-written migration.\n\
                     ALTER TABLE pets DROP COLUMN bio;\n\
                     CREATE INDEX pets_name_idx ON pets (name);\n\
                     UPDATE pets SET name = '';\n\
                     -- migrate:allow ban-drop-table: nothing has read it since v2\n\
                     DROP TABLE old_pets;\n";

fn migrate(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migrate"));
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("DATABASE_URL")
        .env_remove("CI");
    cmd
}

fn project(config: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    fs::write(root.join("migrate.toml"), config).expect("write migrate.toml");
    fs::create_dir(root.join("schema")).expect("create schema/");
    fs::write(root.join("schema/schema.toml"), SCHEMA).expect("write schema.toml");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A project whose directory holds one generated migration and one hand-written `body`, recorded.
fn project_with_migration(config: &str, body: &str) -> TempDir {
    let dir = project(config);
    migrate(dir.path()).arg("generate").assert().success();
    let out = migrate(dir.path())
        .args(["new", "hand_written"])
        .assert()
        .success();
    let path = text(&out.get_output().stdout).trim().to_string();
    fs::write(dir.path().join(&path), body).expect("write the migration");
    migrate(dir.path()).arg("hash").output().expect("hash runs");
    dir
}

#[test]
fn text_output_shows_the_line_the_span_and_the_help() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(dir.path().join("m.sql"), RISKY).expect("write");
    let out = migrate(dir.path()).args(["lint", "m.sql"]).assert().code(1);
    let err = text(&out.get_output().stderr);
    assert!(
        err.contains("error[ban-drop-column]: Dropping a column may break existing clients."),
        "{err}"
    );
    assert!(err.contains(" --> m.sql:2:18"), "{err}");
    assert!(
        err.contains("2 | ALTER TABLE pets DROP COLUMN bio;"),
        "{err}"
    );
    assert!(
        err.contains("  |                  ^^^^^^^^^^^^^^^"),
        "{err}"
    );
    assert!(
        err.contains("= help: remove every use of the column"),
        "{err}"
    );
    assert!(err.contains("warning[data-change-without-where]"), "{err}");
    assert!(
        err.contains("note: m.sql:6:1: `ban-drop-table` allowed: nothing has read it since v2"),
        "the reason is printed for review: {err}"
    );
    assert!(
        err.contains("lint: 2 errors, 1 warning in 1 file checked (1 allowed)"),
        "{err}"
    );
    assert!(!err.contains("\x1b["), "no colour off a terminal");
}

#[test]
fn json_prints_one_object_per_finding() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(dir.path().join("m.sql"), RISKY).expect("write");
    let out = migrate(dir.path())
        .args(["lint", "--format", "json", "m.sql"])
        .assert()
        .code(1);
    let stdout = text(&out.get_output().stdout);
    let objects: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    let rules: Vec<&str> = objects
        .iter()
        .map(|o| o["rule"].as_str().expect("rule"))
        .collect();
    assert_eq!(
        rules,
        [
            "ban-drop-column",
            "require-concurrent-index-creation",
            "data-change-without-where",
            "ban-drop-table"
        ]
    );
    let first = &objects[0];
    for key in ["file", "line", "column", "rule", "level", "message", "help"] {
        assert!(!first[key].is_null(), "`{key}` in {first}");
    }
    assert_eq!(first["file"], "m.sql");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(2), Some(18))
    );
    assert_eq!(first["level"], "error");
    assert_eq!(objects[2]["level"], "warning");
    assert_eq!(objects[3]["level"], "allowed");
    assert_eq!(objects[3]["reason"], "nothing has read it since v2");
}

#[test]
fn warnings_alone_exit_zero_and_a_clean_file_prints_nothing_in_json() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(dir.path().join("w.sql"), "CREATE TABLE t (at timestamp);\n").expect("write");
    fs::write(
        dir.path().join("ok.sql"),
        "CREATE TABLE t (at timestamptz);\n",
    )
    .expect("write");
    let out = migrate(dir.path()).args(["lint", "w.sql"]).assert().code(0);
    assert!(text(&out.get_output().stderr).contains("warning[prefer-timestamp-tz]"));
    let out = migrate(dir.path())
        .args(["lint", "--format", "json", "ok.sql"])
        .assert()
        .code(0);
    assert_eq!(text(&out.get_output().stdout), "");
}

#[test]
fn github_annotations() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(dir.path().join("m.sql"), RISKY).expect("write");
    let out = migrate(dir.path())
        .args(["lint", "--format", "github", "m.sql"])
        .assert()
        .code(1);
    let stdout = text(&out.get_output().stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(
        lines[0].starts_with(
            "::error file=m.sql,line=2,col=18,endLine=2,endColumn=33,title=migrate lint%3A ban-drop-column::Dropping a column"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("%0Ahelp: "),
        "newlines are escaped: {}",
        lines[0]
    );
    assert!(
        lines[2].starts_with("::warning file=m.sql,line=4,"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("::notice file=m.sql,line=6,"),
        "{}",
        lines[3]
    );
}

#[test]
fn sarif_log() {
    let dir = tempfile::tempdir().expect("tmp");
    fs::write(dir.path().join("m.sql"), RISKY).expect("write");
    let out = migrate(dir.path())
        .args(["lint", "--format", "sarif", "m.sql"])
        .assert()
        .code(1);
    let log: Value = serde_json::from_slice(&out.get_output().stdout).expect("one SARIF document");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    let first = &results[0];
    assert_eq!(first["ruleId"], "ban-drop-column");
    assert_eq!(first["level"], "error");
    let index = first["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[index]["id"], "ban-drop-column");
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(2), Some(18))
    );
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "m.sql"
    );
    let allowed = &results[3];
    assert_eq!(allowed["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        allowed["suppressions"][0]["justification"],
        "nothing has read it since v2"
    );
}

#[test]
fn lint_config_sets_levels_and_rejects_unknown_rules() {
    let config = format!(
        "{CONFIG}[lint]\nban-drop-column = \"warning\"\nrequire-concurrent-index-creation = \"off\"\n"
    );
    let dir = project(&config);
    fs::write(dir.path().join("m.sql"), RISKY).expect("write");
    let out = migrate(dir.path())
        .args(["lint", "--format", "json", "m.sql"])
        .assert()
        .code(0);
    let stdout = text(&out.get_output().stdout);
    let drop: Value = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON"))
        .find(|o| o["rule"] == "ban-drop-column")
        .expect("ban-drop-column is still reported");
    assert_eq!(drop["level"], "warning");
    assert!(
        !stdout.contains("require-concurrent-index-creation"),
        "{stdout}"
    );

    let bad = format!("{CONFIG}[lint]\nban-drop-colum = \"warning\"\n");
    let dir = project(&bad);
    fs::write(dir.path().join("m.sql"), RISKY).expect("write");
    let out = migrate(dir.path()).args(["lint", "m.sql"]).assert().code(2);
    let err = text(&out.get_output().stderr);
    assert!(
        err.contains("unknown lint rule `ban-drop-colum` in [lint]"),
        "{err}"
    );
    assert!(err.contains("did you mean `ban-drop-column`?"), "{err}");
    assert!(err.contains("migrate.toml:5:1"), "{err}");
}

#[test]
fn without_files_lints_the_migrations_after_the_baseline() {
    let dir = project_with_migration(CONFIG, RISKY);
    let out = migrate(dir.path())
        .args(["lint", "--format", "json"])
        .assert()
        .code(1);
    let stdout = text(&out.get_output().stdout);
    assert!(stdout.contains("_hand_written.sql"), "{stdout}");
    assert_eq!(
        stdout.lines().count(),
        4,
        "the generated migration is clean: {stdout}"
    );

    // A baseline at or after the hand-written migration: nothing left to check, unless --all.
    let hand = fs::read_dir(dir.path().join("migrations"))
        .expect("migrations/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.ends_with("_hand_written.sql"))
        .expect("the hand-written migration");
    let version = &hand[..14];
    fs::write(
        dir.path().join("migrate.toml"),
        format!("{CONFIG}lint_baseline = \"{version}\"\n"),
    )
    .expect("write");
    migrate(dir.path())
        .args(["lint", "--format", "json"])
        .assert()
        .code(0)
        .stdout("");
    migrate(dir.path())
        .args(["lint", "--all", "--format", "json"])
        .assert()
        .code(1);
}

#[test]
fn check_reports_lint_findings() {
    let dir = project_with_migration(CONFIG, RISKY);
    let out = migrate(dir.path()).arg("check").assert().code(1);
    let err = text(&out.get_output().stderr);
    assert!(err.contains("error[ban-drop-column]"), "{err}");
    let out = migrate(dir.path())
        .args(["check", "--format", "json"])
        .assert()
        .code(1);
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).expect("one JSON document");
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["lint"].as_array().map(Vec::len), Some(3));

    let clean = project_with_migration(CONFIG, "CREATE TABLE owners (id bigint PRIMARY KEY);\n");
    migrate(clean.path()).arg("check").assert().code(0);
}

#[test]
fn hash_lints_the_files_it_records() {
    let dir = project(CONFIG);
    migrate(dir.path()).arg("generate").assert().success();
    let out = migrate(dir.path())
        .args(["new", "drop_bio"])
        .assert()
        .success();
    let path = text(&out.get_output().stdout).trim().to_string();
    fs::write(
        dir.path().join(&path),
        "ALTER TABLE pets DROP COLUMN bio;\n",
    )
    .expect("edit");
    let out = migrate(dir.path()).arg("hash").assert().code(1);
    let err = text(&out.get_output().stderr);
    assert!(err.contains("error[ban-drop-column]"), "{err}");
    assert!(
        text(&out.get_output().stdout).contains("re-recorded"),
        "the manifest is still recorded"
    );
    migrate(dir.path()).arg("check").assert().code(1);
}

#[test]
fn new_writes_a_lint_clean_file() {
    let dir = project(CONFIG);
    let out = migrate(dir.path())
        .args(["new", "backfill"])
        .assert()
        .success();
    assert_eq!(
        text(&out.get_output().stderr),
        "",
        "the template has no findings"
    );
}

#[test]
fn rules_lists_every_rule() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = migrate(dir.path())
        .args(["lint", "--rules"])
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    for id in [
        "ban-drop-column",
        "needs-no-transaction",
        "sqlite-alter-unsupported",
        "unused-allow",
    ] {
        assert!(stdout.contains(id), "{id}: {stdout}");
    }
}

#[test]
fn missing_files_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = migrate(dir.path())
        .args(["lint", "nope.sql"])
        .assert()
        .code(2);
    assert!(text(&out.get_output().stderr).contains("cannot read `nope.sql`"));
}
