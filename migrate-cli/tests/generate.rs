//! `migrate generate`, `new`, `hash`, and `check` on the migration directory.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const PETS: &str = r#"
[tables.pets]
model = "Pet"
comment = "Store pets."

[tables.pets.columns]
id   = { type = "uuid", primary_key = true }
name = "text"
bio  = { type = "text", nullable = true }
"#;

fn migrate(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migrate"));
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("DATABASE_URL");
    cmd
}

fn project(dialect: &str, schema: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    fs::write(
        root.join("migrate.toml"),
        format!("dialect = \"{dialect}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n"),
    )
    .expect("write migrate.toml");
    fs::write(root.join("schema.toml"), schema).expect("write schema.toml");
    dir
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir.join("migrations"))
        .map(|r| {
            r.map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "sql"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn generated(dir: &Path) -> PathBuf {
    let out = migrate(dir)
        .arg("generate")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let path = text(&out).lines().last().expect("a path").to_string();
    dir.join(path)
}

#[test]
fn generate_writes_a_described_file_then_nothing() {
    let p = project("sqlite", PETS);
    let file = generated(p.path());
    let name = file
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.ends_with("_create_pets.sql") && name.len() == "20260101000000_create_pets.sql".len(),
        "{name}"
    );
    let body = fs::read_to_string(&file).expect("read");
    assert!(body.starts_with("-- Create table `pets`.\n"), "{body}");
    assert!(body.contains("CREATE TABLE \"pets\""));
    assert!(p.path().join("migrations/migrate.sum").is_file());
    assert!(p.path().join("migrations/schema.snapshot.toml").is_file());

    let again = migrate(p.path())
        .arg("generate")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(text(&again).contains("no changes"), "{}", text(&again));
    assert_eq!(sql_files(p.path()).len(), 1);
    migrate(p.path()).arg("check").assert().success();
}

#[test]
fn generate_names_and_orders_versions() {
    let p = project("sqlite", PETS);
    migrate(p.path())
        .args(["generate", "--name", "initial"])
        .assert()
        .success();
    fs::write(
        p.path().join("schema.toml"),
        format!("{PETS}weight = {{ type = \"integer\", nullable = true }}\n"),
    )
    .expect("write");
    let second = generated(p.path());
    assert!(
        second.to_string_lossy().ends_with("_add_pets_weight.sql"),
        "{}",
        second.display()
    );
    let files = sql_files(p.path());
    assert_eq!(files.len(), 2);
    assert!(files[0].to_string_lossy().ends_with("_initial.sql"));
    assert!(
        files[0] < files[1],
        "versions increase even within one second"
    );
    let bad = migrate(p.path())
        .args(["generate", "--name", "Bad Name"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        text(&bad.stderr).contains("bad_name"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn unsafe_change_is_refused_with_the_acknowledging_line() {
    let p = project("postgres", PETS);
    generated(p.path());
    // `bio` vanishes and `about` appears with the same type: a drop, and a probable rename.
    let edited = PETS.replace("bio  =", "about =");
    fs::write(p.path().join("schema.toml"), &edited).expect("write");
    let out = migrate(p.path())
        .arg("generate")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = text(&out.stderr);
    assert!(err.contains("dropping column `pets.bio`"), "{err}");
    assert!(err.contains("drop_columns = [\"bio\"]"), "{err}");
    assert!(err.contains("renamed_from = \"bio\""), "{err}");
    assert_eq!(sql_files(p.path()).len(), 1, "nothing written");

    let json = migrate(p.path())
        .args(["generate", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&json).expect("one JSON document");
    assert_eq!(
        v["refused"][0]["acknowledge_with"],
        "drop_columns = [\"bio\"]"
    );

    // Acknowledged as a rename instead, it generates a RENAME.
    let renamed = PETS.replace(
        "bio  = { type = \"text\", nullable = true }",
        "about = { type = \"text\", nullable = true, renamed_from = \"bio\" }",
    );
    fs::write(p.path().join("schema.toml"), renamed).expect("write");
    let file = generated(p.path());
    assert!(
        fs::read_to_string(file)
            .expect("read")
            .contains("RENAME COLUMN \"bio\" TO \"about\"")
    );
}

#[test]
fn new_creates_a_listed_file_and_checks_the_name() {
    let p = project("sqlite", PETS);
    let bad = migrate(p.path())
        .args(["new", "BackfillNames"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        text(&bad.stderr).contains("backfill_names"),
        "{}",
        text(&bad.stderr)
    );
    let out = migrate(p.path())
        .args(["new", "backfill_names"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let path = p.path().join(text(&out).trim());
    assert!(path.is_file());
    assert!(
        fs::read_to_string(p.path().join("migrations/migrate.sum"))
            .expect("manifest")
            .contains("_backfill_names.sql")
    );
    migrate(p.path()).arg("check").assert().success();
}

/// A project with three migrations, for tampering.
fn three_migrations() -> (TempDir, Vec<PathBuf>) {
    let p = project("sqlite", PETS);
    generated(p.path());
    migrate(p.path()).args(["new", "second"]).assert().success();
    migrate(p.path()).args(["new", "third"]).assert().success();
    let files = sql_files(p.path());
    assert_eq!(files.len(), 3);
    (p, files)
}

fn check_fails_naming(p: &TempDir, code: &str, file: &Path) {
    let out = migrate(p.path())
        .arg("check")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = text(&out.stderr);
    let name = file
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        err.contains(&format!("[{code}]")) && err.contains(&name),
        "want {code} naming {name}:\n{err}"
    );
    let json = migrate(p.path())
        .args(["check", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&json).expect("one JSON document");
    assert!(
        v["migrations"]
            .as_array()
            .expect("list")
            .iter()
            .any(|m| m["code"] == code),
        "{v}"
    );
}

#[test]
fn check_names_an_edited_file() {
    let (p, files) = three_migrations();
    fs::write(&files[1], "-- second\nSELECT 1;\n").expect("edit");
    check_fails_naming(&p, "edited", &files[1]);
    // Never applied anywhere: `hash` accepts the edit.
    let hashed = migrate(p.path())
        .arg("hash")
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        text(&hashed.stdout).contains("re-recorded"),
        "{}",
        text(&hashed.stdout)
    );
    migrate(p.path()).arg("check").assert().success();
}

#[test]
fn check_names_a_deleted_file() {
    let (p, files) = three_migrations();
    fs::remove_file(&files[1]).expect("delete");
    check_fails_naming(&p, "missing", &files[1]);
}

#[test]
fn check_names_an_unlisted_file() {
    let (p, files) = three_migrations();
    let stray = files[2].with_file_name("29991231235959_stray.sql");
    fs::write(&stray, "SELECT 1;\n").expect("write");
    check_fails_naming(&p, "unlisted", &stray);
}

#[test]
fn check_names_a_reordered_file() {
    let (p, files) = three_migrations();
    // Swap the manifest lines of the second and third migrations.
    let manifest = p.path().join("migrations/migrate.sum");
    let text = fs::read_to_string(&manifest).expect("manifest");
    let mut lines: Vec<&str> = text.lines().collect();
    let (a, b) = (
        lines
            .iter()
            .position(|l| l.contains("_second.sql"))
            .expect("second"),
        lines
            .iter()
            .position(|l| l.contains("_third.sql"))
            .expect("third"),
    );
    lines.swap(a, b);
    fs::write(&manifest, lines.join("\n") + "\n").expect("write");
    let out = migrate(p.path())
        .arg("check")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("[reordered]"), "{err}");
    assert!(
        err.contains("_second.sql") || err.contains("_third.sql"),
        "{err}"
    );
    let _ = files;
}

#[test]
fn crlf_checkout_is_not_an_edit() {
    let (p, files) = three_migrations();
    let body = fs::read_to_string(&files[0]).expect("read");
    fs::write(&files[0], format!("\u{feff}{}", body.replace('\n', "\r\n"))).expect("write");
    migrate(p.path()).arg("check").assert().success();
}
