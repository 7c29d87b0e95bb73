//! `build::run_in`: what a crate's build.rs does on `cargo build`.

use std::fs;

use migrate_core::build::{BuildError, Outcome, lint_warnings, render, run_in};
use migrate_core::generate::GenerateError;

const PETS: &str = "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"uuid\", primary_key = true }\nname = \"text\"\n";

fn project(schema: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        "dialect = \"sqlite\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n",
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), schema).expect("schema");
    dir
}

#[test]
fn writes_the_next_migration_then_is_up_to_date() {
    let p = project(PETS);
    let config = p.path().join("migrate.toml");
    let Outcome::Written(paths) = run_in(&config, None).expect("generates") else {
        panic!("nothing written")
    };
    assert_eq!(paths.len(), 1);
    assert!(paths[0].to_string_lossy().ends_with("_create_pets.sql"));
    assert_eq!(run_in(&config, None).expect("runs"), Outcome::UpToDate);
    assert_eq!(
        run_in(&config, Some("CI set")).expect("locked and up to date"),
        Outcome::UpToDate
    );
}

#[test]
fn locked_build_fails_on_a_missing_migration_and_writes_nothing() {
    let p = project(PETS);
    let config = p.path().join("migrate.toml");
    run_in(&config, None).expect("generates");
    fs::write(
        p.path().join("schema.toml"),
        format!("{PETS}weight = {{ type = \"integer\", nullable = true }}\n"),
    )
    .expect("edit");
    let before = fs::read_dir(p.path().join("migrations"))
        .expect("dir")
        .count();
    let err = run_in(&config, Some("MIGRATE_LOCKED=1")).unwrap_err();
    assert!(
        matches!(err, BuildError::MissingMigration { count: 1, .. }),
        "{err}"
    );
    assert!(
        render(&err).contains("MIGRATE_LOCKED=1"),
        "{}",
        render(&err)
    );
    assert_eq!(
        fs::read_dir(p.path().join("migrations"))
            .expect("dir")
            .count(),
        before
    );
}

#[test]
fn unacknowledged_drop_fails_the_build_with_the_toml_line() {
    let p = project(PETS);
    let config = p.path().join("migrate.toml");
    run_in(&config, None).expect("generates");
    fs::write(
        p.path().join("schema.toml"),
        PETS.replace("name = \"text\"\n", ""),
    )
    .expect("edit");
    for locked in [None, Some("CI set")] {
        let err = run_in(&config, locked).unwrap_err();
        assert!(
            matches!(err, BuildError::Generate(GenerateError::Refused(_))),
            "{err}"
        );
        assert!(
            render(&err).contains("drop_columns = [\"name\"]"),
            "{}",
            render(&err)
        );
    }
}

#[test]
fn schema_errors_fail_the_build_with_locations() {
    let p = project("[tables.pets]\nmodle = \"Pet\"\n");
    let err = run_in(&p.path().join("migrate.toml"), None).unwrap_err();
    let shown = render(&err);
    assert!(shown.contains("schema.toml:2:1"), "{shown}");
    assert!(shown.contains("did you mean `model`?"), "{shown}");
}

#[test]
fn lint_findings_become_one_cargo_warning_each() {
    let p = project(PETS);
    let config = p.path().join("migrate.toml");
    run_in(&config, None).expect("generates");
    assert_eq!(
        lint_warnings(&config),
        Vec::<String>::new(),
        "generated migrations are clean"
    );
    let mut dir =
        migrate_core::migration::MigrationDir::open(p.path().join("migrations")).expect("dir");
    let path = dir
        .add(
            "hand_written",
            "ALTER TABLE pets DROP COLUMN name;\nALTER TABLE pets ALTER COLUMN id SET NOT NULL;\n",
        )
        .expect("add");
    let warnings = lint_warnings(&config);
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    let file = path.display().to_string();
    assert_eq!(
        warnings[0],
        format!(
            "migrate lint: {file}:1:18: error[ban-drop-column]: Dropping a column may break existing clients. (help: {})",
            migrate_core::lint::catalog::find("ban-drop-column")
                .expect("rule")
                .help
        )
    );
    assert!(
        warnings[1].starts_with(&format!(
            "migrate lint: {file}:1:18: warning[sqlite-drop-column]"
        )),
        "{}",
        warnings[1]
    );
    assert!(
        warnings[2].starts_with(&format!(
            "migrate lint: {file}:2:18: error[sqlite-alter-unsupported]"
        )),
        "{}",
        warnings[2]
    );
    assert!(
        warnings.iter().all(|w| !w.contains('\n')),
        "cargo:warning takes one line"
    );
}
