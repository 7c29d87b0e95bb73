//! The compile-fail suite's migration directories, made by the real generator.
//!
//! Each `tests/fixtures/<case>/` has the schema its migrations were generated from (`before.toml`,
//! or `schema.toml` for a case with no unsafe change) and `migrations/`, generated from it with
//! `migrate_core::generate` at a fixed version. The cases' `migrate.toml` files point at it and
//! declare a changed schema. `edited_migration/edited/` is a copy of its `migrations/` whose
//! migration was edited after it was recorded. `lint_findings/migrations/` adds a hand-written
//! migration with a lint error and a lint warning; `lint_findings/allowed/` is the same with the
//! error acknowledged by `-- migrate:allow`, leaving the warning.
//!
//! To regenerate them after changing a case's schema:
//!
//! ```text
//! cargo test -p migrate-macros --test fixture_migrations -- --ignored
//! ```

use migrate_core::Explain;
use std::fs;
use std::path::{Path, PathBuf};

use migrate_core::config::Dialect;
use migrate_core::generate::{Generated, generate_at};
use migrate_core::migration::{MigrationDir, Version};
use migrate_core::schema;

/// The version every fixture migration gets, so regenerating changes nothing that did not change.
const VERSION: &str = "20240101120000";

fn cases() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out: Vec<(PathBuf, PathBuf)> = fs::read_dir(&root)
        .expect("tests/fixtures")
        .map(|e| e.expect("an entry").path())
        .filter_map(|case| {
            ["before.toml", "schema.toml"]
                .iter()
                .map(|f| case.join(f))
                .find(|p| p.is_file())
                .map(|schema| (case, schema))
        })
        .collect();
    out.sort();
    assert!(out.len() >= 9, "only {} fixture cases", out.len());
    out
}

/// The hand-written migration of `lint_findings/migrations/`: ban-drop-column (an error) and
/// sqlite-drop-column (a warning).
const HAND_WRITTEN: &str = "-- Hand-written.\nALTER TABLE pets DROP COLUMN bio;\n";

/// The acknowledgement `lint_findings/allowed/` puts above its statement.
const ALLOW: &str = "-- migrate:allow ban-drop-column: nothing has read `bio` since v2\n";

/// Writes `lint_findings`' hand-written migrations into `dir` (freshly generated).
fn add_hand_written(dir: &Path, content: &str) {
    let version = Version::parse("20240101120001").expect("a version");
    MigrationDir::open(dir)
        .expect("the generated directory")
        .add_at("drop_bio", content, version)
        .expect("add the hand-written migration");
}

/// Appended to the migration in `edited_migration/edited/`.
const EDIT: &str = "-- An edit made after the migration was recorded.\n";

#[test]
#[ignore = "rewrites tests/fixtures/*/migrations; run it after changing a fixture's schema"]
fn regenerate() {
    let version = Version::parse(VERSION).expect("a version");
    for (case, schema) in cases() {
        let migrations = case.join("migrations");
        if migrations.exists() {
            fs::remove_dir_all(&migrations).expect("remove migrations/");
        }
        let written = generate_at(Dialect::Sqlite, &schema, &migrations, None, version)
            .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        assert!(
            matches!(written, Generated::Written(_)),
            "{}",
            case.display()
        );
        if case.ends_with("lint_findings") {
            let allowed = case.join("allowed");
            if allowed.exists() {
                fs::remove_dir_all(&allowed).expect("remove allowed/");
            }
            generate_at(Dialect::Sqlite, &schema, &allowed, None, version)
                .expect("generate allowed/");
            add_hand_written(
                &allowed,
                &HAND_WRITTEN.replace("ALTER", &format!("{ALLOW}ALTER")),
            );
            add_hand_written(&migrations, HAND_WRITTEN);
        }
        if case.ends_with("edited_migration") {
            let edited = case.join("edited");
            if edited.exists() {
                fs::remove_dir_all(&edited).expect("remove edited/");
            }
            fs::create_dir(&edited).expect("create edited/");
            for entry in fs::read_dir(&migrations).expect("migrations/") {
                let path = entry.expect("an entry").path();
                let mut bytes = fs::read(&path).expect("read");
                if path.extension().is_some_and(|e| e == "sql") {
                    bytes.extend_from_slice(EDIT.as_bytes());
                }
                fs::write(edited.join(path.file_name().expect("a name")), bytes).expect("write");
            }
        }
    }
}

/// Every fixture's migrations verify, and its snapshot is the schema they were generated from.
#[test]
fn fixtures_are_intact() {
    for (case, schema_path) in cases() {
        let dir = MigrationDir::open(case.join("migrations"))
            .unwrap_or_else(|e| panic!("{}: {e} (regenerate the fixtures)", case.display()));
        assert_eq!(dir.verify(), [], "{}", case.display());
        let declared = schema::load(&schema_path).expect("the fixture's schema loads");
        assert_eq!(
            dir.snapshot().expect("a snapshot"),
            declared,
            "{}: the migrations are not those of {} (regenerate the fixtures)",
            case.display(),
            schema_path.display()
        );
    }
    let edited =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/edited_migration/edited");
    let problems = MigrationDir::open(&edited).expect("edited/").verify();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code(), "edited");
}
