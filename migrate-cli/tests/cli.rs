//! The `migrate` binary as a user and a script see it: output, colour, JSON and exit codes.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const CONFIG: &str = "dialect = \"sqlite\"\nschema = \"schema\"\nmigrations = \"migrations\"\n";

const VALID: &str = r#"
[enums.pet_type]
values = ["CAT", "DOG"]

[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
type = "pet_type"
name = "text"
"#;

/// Two mistakes: an enum without values (line 3) and a misspelled type (line 8).
const BROKEN: &str = r#"
[enums.pet_type]
values = []

[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
weight = { type = "integr" }
"#;

/// `migrate` run in `dir`, as from a terminal session without colour preferences.
fn migrate(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migrate"));
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("DATABASE_URL");
    cmd
}

/// A project directory with a configuration and the given schema.
fn project(schema: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    fs::write(root.join("migrate.toml"), CONFIG).expect("write migrate.toml");
    fs::create_dir(root.join("schema")).expect("create schema/");
    fs::create_dir(root.join("migrations")).expect("create migrations/");
    fs::write(root.join("schema/schema.toml"), schema).expect("write schema.toml");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_reports_every_error_with_place_source_and_help() {
    let dir = project(BROKEN);
    let out = migrate(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = text(&out.stderr);
    assert!(err.contains("schema/schema.toml:3:10"), "{err}");
    assert!(err.contains("values = []"), "{err}");
    assert!(err.contains("schema/schema.toml:9:19"), "{err}");
    assert!(err.contains("weight = { type = \"integr\" }"), "{err}");
    assert!(err.contains("help: did you mean `integer`?"), "{err}");
    assert!(err.contains("help: list its labels"), "{err}");
    assert!(err.contains("2 errors"), "{err}");
    // Not a terminal: no colour.
    assert!(!err.contains("\x1b["), "{err:?}");
    assert!(!text(&out.stdout).contains("\x1b["));
}

#[test]
fn color_always_colours_and_never_does_not() {
    let dir = project(BROKEN);
    let out = migrate(dir.path())
        .args(["--color", "always", "check"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(text(&out.stderr).contains("\x1b["), "{}", text(&out.stderr));
    let out = migrate(dir.path())
        .args(["--color", "never", "check"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(!text(&out.stderr).contains("\x1b["));
}

#[test]
fn check_json_is_one_document_with_every_error() {
    let dir = project(BROKEN);
    let out = migrate(dir.path())
        .args(["--format", "json", "check"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(text(&out.stderr), "", "JSON mode writes nothing for people");
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    assert_eq!(doc["ok"], false);
    let errors = doc["errors"].as_array().unwrap();
    let got: Vec<(String, u64, u64, String)> = errors
        .iter()
        .map(|e| {
            let loc = &e["location"];
            (
                loc["file"].as_str().unwrap().to_string(),
                loc["line"].as_u64().unwrap(),
                loc["column"].as_u64().unwrap(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "schema/schema.toml".to_string(),
                3,
                10,
                "empty-enum".to_string()
            ),
            (
                "schema/schema.toml".to_string(),
                9,
                19,
                "unknown-type".to_string()
            ),
        ]
    );
    assert!(
        errors
            .iter()
            .all(|e| e["help"].as_str().is_some_and(|h| !h.is_empty()))
    );
    assert!(errors[1]["message"].as_str().unwrap().contains("integr"));
}

#[test]
fn valid_schema_passes() {
    let dir = project(VALID);
    let out = migrate(dir.path())
        .arg("check")
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(text(&out.stdout).contains("ok"), "{}", text(&out.stdout));
    assert_eq!(text(&out.stderr), "");

    let out = migrate(dir.path())
        .args(["--format", "json", "check"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["errors"], serde_json::json!([]));
}

#[test]
fn no_config_is_a_usage_error_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let out = migrate(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = text(&out.stderr);
    assert!(err.contains("migrate.toml"), "{err}");
    assert!(err.contains("migrate init"), "{err}");

    let out = migrate(dir.path())
        .args(["--format", "json", "check"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    assert!(doc["help"].as_str().unwrap().contains("migrate init"));
}

#[test]
fn broken_config_is_a_usage_error_with_its_place() {
    let dir = project(VALID);
    fs::write(
        dir.path().join("migrate.toml"),
        format!("{CONFIG}dialekt = \"sqlite\"\n"),
    )
    .unwrap();
    let out = migrate(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = text(&out.stderr);
    assert!(err.contains("migrate.toml:4:1"), "{err}");
    assert!(err.contains("unknown key `dialekt`"), "{err}");
    assert!(err.contains("did you mean `dialect`?"), "{err}");
}

/// A timeout too long to set is refused where it is written, before anything connects: it
/// once passed the check and then ran every migration with no lock timeout.
#[test]
fn a_timeout_too_long_to_set_is_a_config_error_not_no_timeout() {
    let dir = project(VALID);
    fs::write(
        dir.path().join("migrate.toml"),
        format!("{CONFIG}lock_timeout = \"99999999999999999999s\"\n"),
    )
    .unwrap();
    let out = migrate(dir.path())
        .args(["up", "--database-url", "sqlite://never.db"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = text(&out.stderr);
    assert!(err.contains("migrate.toml:4:16"), "{err}");
    assert!(err.contains("is longer than the longest timeout"), "{err}");
    assert!(!dir.path().join("never.db").exists(), "nothing connected");
}

#[test]
fn unknown_environment_is_a_usage_error() {
    let dir = project(VALID);
    let out = migrate(dir.path())
        .args(["--env", "prod", "check"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = text(&out.stderr);
    assert!(err.contains("prod"), "{err}");
    assert!(err.contains("[environments.prod]"), "{err}");
}

#[test]
fn init_creates_a_project_that_checks_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = migrate(dir.path())
        .arg("init")
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(
        text(&out.stdout).contains("migrate.toml"),
        "{}",
        text(&out.stdout)
    );
    let root = dir.path();
    assert!(root.join("migrate.toml").is_file());
    assert!(root.join("schema/schema.toml").is_file());
    assert!(root.join("migrations").is_dir());

    migrate(root).arg("check").assert().code(0);

    // A second run changes nothing, even after the user edited the files.
    fs::write(root.join("schema/schema.toml"), VALID).unwrap();
    let config = fs::read_to_string(root.join("migrate.toml")).unwrap();
    let out = migrate(root)
        .arg("init")
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        fs::read_to_string(root.join("schema/schema.toml")).unwrap(),
        VALID
    );
    assert_eq!(
        fs::read_to_string(root.join("migrate.toml")).unwrap(),
        config
    );
    migrate(root).arg("check").assert().code(0);
}

#[test]
fn help_says_what_commands_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = migrate(dir.path())
        .arg("--help")
        .assert()
        .code(0)
        .get_output()
        .clone();
    let help = text(&out.stdout);
    assert!(help.contains("Change database schemas safely"), "{help}");
    assert!(help.contains("init") && help.contains("check"), "{help}");

    let out = migrate(dir.path())
        .args(["check", "--help"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let help = text(&out.stdout);
    assert!(help.contains("Check the schema, offline"), "{help}");
    assert!(help.contains("file:line:col"), "{help}");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = migrate(dir.path())
        .arg("frobnicate")
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(text(&out.stderr).contains("frobnicate"));
}

#[test]
fn a_schema_directory_without_files_is_a_configuration_error_for_every_command() {
    let dir = project(VALID);
    fs::remove_file(dir.path().join("schema/schema.toml")).expect("empty schema/");
    for command in [&["check"][..], &["generate"], &["diff", "--print"]] {
        let out = migrate(dir.path())
            .args(command)
            .args(["--database-url", "sqlite://dev.db"])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = text(&out.stderr);
        assert!(err.contains("names no schema files"), "{command:?}: {err}");
    }
}

#[test]
fn status_reads_a_missing_sqlite_file_as_empty_and_never_creates_it() {
    let dir = project(VALID);
    migrate(dir.path()).arg("generate").assert().code(0);
    let out = migrate(dir.path())
        .args(["--database-url", "sqlite://dev.db", "status"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(
        text(&out.stdout).contains("pending"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("does not exist yet"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !dir.path().join("dev.db").exists(),
        "status created the file"
    );
}

#[test]
fn a_url_of_the_other_dialect_is_refused_before_anything_runs() {
    let dir = project(VALID);
    migrate(dir.path()).arg("generate").assert().code(0);
    for command in ["up", "status", "baseline"] {
        let mut cmd = migrate(dir.path());
        cmd.args([
            "--database-url",
            "postgres://app:secret@127.0.0.1:1/app",
            command,
        ]);
        if command == "baseline" {
            cmd.arg("20200101000000");
        }
        let out = cmd.assert().code(2).get_output().clone();
        let err = text(&out.stderr);
        assert!(
            err.contains("is postgres, but migrate.toml says `dialect = \"sqlite\"`"),
            "{command}: {err}"
        );
        assert!(!err.contains("secret"), "{err}");
        assert!(
            !err.contains("cannot connect"),
            "it tried to connect: {err}"
        );
    }
}

#[test]
fn status_with_an_edited_file_shows_the_problem_and_the_table() {
    let dir = project(VALID);
    migrate(dir.path()).arg("generate").assert().code(0);
    migrate(dir.path())
        .args(["--database-url", "sqlite://dev.db", "up"])
        .assert()
        .code(0);
    let file = fs::read_dir(dir.path().join("migrations"))
        .expect("migrations/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "sql"))
        .expect("a migration");
    let mut sql = fs::read_to_string(&file).expect("the migration");
    sql.push_str("-- edited by hand\n");
    fs::write(&file, sql).expect("edit the migration");
    let out = migrate(dir.path())
        .args(["--database-url", "sqlite://dev.db", "status"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(stdout.contains("modified"), "{stdout}");
    assert!(stderr.contains("[edited]"), "{stderr}");
    assert!(!stderr.contains("nothing was run"), "{stderr}");
}

#[test]
fn check_reports_what_generate_would_refuse() {
    let dir = project(VALID);
    migrate(dir.path()).arg("generate").assert().code(0);
    // `name` dropped without `drop_columns`: generate refuses, so check must not say ok.
    fs::write(
        dir.path().join("schema/schema.toml"),
        VALID.replace("name = \"text\"\n", ""),
    )
    .expect("write the schema");
    let out = migrate(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = text(&out.stderr);
    assert!(err.contains("dropping column `pets.name`"), "{err}");
    assert!(err.contains("drop_columns = [\"name\"]"), "{err}");
    assert!(
        err.contains("`migrate generate` would refuse 1 change"),
        "{err}"
    );
    migrate(dir.path()).arg("generate").assert().code(1);
}

#[test]
fn command_help_shows_global_options_apart() {
    let dir = tempfile::tempdir().unwrap();
    let out = migrate(dir.path())
        .args(["up", "-h"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let help = text(&out.stdout);
    let heading = help
        .find("Global options")
        .unwrap_or_else(|| panic!("{help}"));
    let dry_run = help.find("--dry-run").expect("--dry-run");
    let config = help.find("--config").expect("--config");
    assert!(dry_run < heading && heading < config, "{help}");
}

#[test]
fn usage_errors_are_json_when_json_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--format", "json", "frobnicate"][..],
        &["--format=json", "up", "--to", "soon"],
    ] {
        let out = migrate(dir.path())
            .args(args)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let doc: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", text(&out.stdout)));
        assert_eq!(doc["ok"], false);
        assert!(doc["error"].as_str().is_some_and(|e| !e.is_empty()));
        assert_eq!(text(&out.stderr), "");
    }
}

#[test]
fn init_in_another_directory_names_its_paths_and_writes_the_json_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = migrate(dir.path())
        .args(["init", "--dir", "proj"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let said = text(&out.stdout);
    assert!(said.contains("created  proj/schema/schema.toml"), "{said}");
    assert!(said.contains("`cd proj`"), "{said}");
    let schema = fs::read_to_string(dir.path().join("proj/schema/schema.toml")).unwrap();
    assert!(
        schema.starts_with("#:schema ../migrate-schema.json\n"),
        "{schema}"
    );
    let json = fs::read_to_string(dir.path().join("proj/migrate-schema.json")).unwrap();
    let printed = migrate(dir.path())
        .arg("schema-json")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(text(&printed), json);
    let doc: Value = serde_json::from_str(&json).expect("the JSON Schema is JSON");
    assert!(doc["properties"]["tables"].is_object(), "{doc}");
}

/// The `.sql` files of `migrations/`, sorted.
fn sql_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = fs::read_dir(dir.join("migrations"))
        .expect("migrations/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

/// The current UTC time as a migration version (YYYYMMDDHHMMSS), from the `date` of the system.
fn utc_now_version() -> u64 {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y%m%d%H%M%S"])
        .output()
        .expect("date runs");
    text(&out.stdout).trim().parse().expect("a version")
}

#[test]
fn migrations_made_in_quick_succession_never_get_versions_in_the_future() {
    let dir = project(VALID);
    for name in ["first", "second", "third"] {
        migrate(dir.path()).args(["new", name]).assert().code(0);
    }
    let now = utc_now_version();
    let versions: Vec<u64> = sql_files(dir.path())
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name[..14].parse().unwrap()
        })
        .collect();
    assert_eq!(versions.len(), 3);
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(
        versions.iter().all(|v| *v <= now),
        "{versions:?} after {now}"
    );
}

#[test]
fn an_unedited_placeholder_description_is_warned_about() {
    let dir = project(VALID);
    migrate(dir.path())
        .args(["new", "fill_names"])
        .assert()
        .code(0);
    let out = migrate(dir.path())
        .arg("check")
        .assert()
        .code(0)
        .get_output()
        .clone();
    let err = text(&out.stderr);
    assert!(
        err.contains("_fill_names.sql: its description is still"),
        "{err}"
    );
    // Edited: no warning.
    let file = &sql_files(dir.path())[0];
    fs::write(file, "-- Give every pet a name.\nSELECT 1;\n").unwrap();
    migrate(dir.path()).arg("hash").assert().code(0);
    let out = migrate(dir.path())
        .arg("check")
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(
        !text(&out.stderr).contains("placeholder"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn hash_warns_when_it_re_records_an_applied_migration() {
    let dir = project(VALID);
    migrate(dir.path())
        .args(["new", "fill_names"])
        .assert()
        .code(0);
    let file = sql_files(dir.path())[0].clone();
    fs::write(&file, "-- Give every pet a name.\nSELECT 1;\n").unwrap();
    migrate(dir.path()).arg("hash").assert().code(0);
    migrate(dir.path())
        .args(["--database-url", "sqlite://dev.db", "up"])
        .assert()
        .code(0);
    fs::write(&file, "-- Give every pet a name.\nSELECT 2;\n").unwrap();
    let out = migrate(dir.path())
        .args(["--database-url", "sqlite://dev.db", "hash"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let err = text(&out.stderr);
    assert!(
        err.contains("was already applied on sqlite://dev.db"),
        "{err}"
    );
    // Without a database to ask, nothing to say.
    fs::write(&file, "-- Give every pet a name.\nSELECT 3;\n").unwrap();
    let out = migrate(dir.path())
        .arg("hash")
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(!text(&out.stderr).contains("already applied"));
}

#[test]
fn status_states_and_refusals_are_coloured_only_when_asked_or_on_a_terminal() {
    let dir = project(VALID);
    migrate(dir.path()).arg("generate").assert().code(0);
    let status = |extra: &[&str], no_color: bool| {
        let mut cmd = migrate(dir.path());
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd
            .args(extra)
            .args(["--database-url", "sqlite://dev.db", "status"])
            .assert()
            .code(0)
            .get_output()
            .clone();
        text(&out.stdout)
    };
    assert!(status(&["--color", "always"], false).contains("\x1b[33mpending"));
    // Not a terminal, NO_COLOR, or never: plain.
    assert!(!status(&[], false).contains('\x1b'));
    assert!(!status(&["--color", "never"], false).contains('\x1b'));
    assert!(!status(&[], true).contains('\x1b'));

    fs::write(
        dir.path().join("schema/schema.toml"),
        VALID.replace("name = \"text\"\n", ""),
    )
    .unwrap();
    let out = migrate(dir.path())
        .args(["--color", "always", "generate"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        text(&out.stderr).contains("\x1b[1;31merror\x1b[0m: refused"),
        "{:?}",
        text(&out.stderr)
    );
    let out = migrate(dir.path())
        .arg("generate")
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(!text(&out.stderr).contains('\x1b'));
}

#[test]
fn completion_scripts_for_bash_zsh_and_fish() {
    let dir = tempfile::tempdir().unwrap();
    let script = |shell: &str| {
        let out = migrate(dir.path())
            .args(["completions", shell])
            .assert()
            .code(0)
            .get_output()
            .clone();
        text(&out.stdout)
    };
    let bash = script("bash");
    assert!(
        bash.contains("_migrate()") && bash.contains("database"),
        "{bash}"
    );
    // bash reads it: a syntax check, then the completion is registered.
    fs::write(dir.path().join("migrate.bash"), &bash).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-c")
        .arg("source ./migrate.bash && complete -p migrate")
        .current_dir(dir.path())
        .output()
        .expect("bash runs");
    assert!(
        checked.status.success() && text(&checked.stdout).contains("_migrate"),
        "{}",
        text(&checked.stderr)
    );
    assert!(script("zsh").starts_with("#compdef migrate"));
    assert!(script("fish").contains("complete -c migrate"));
    migrate(dir.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn down_and_rollback_say_what_to_do_instead() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["down", "rollback"] {
        let out = migrate(dir.path())
            .arg(command)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = text(&out.stderr);
        assert!(err.contains("no down migrations"), "{err}");
        assert!(err.contains("a new migration"), "{err}");
        assert!(err.contains("migrate database reset"), "{err}");
    }
}

#[test]
fn database_url_comes_from_dot_env_when_the_environment_sets_none() {
    let dir = project(VALID);
    migrate(dir.path()).arg("generate").assert().code(0);
    fs::write(
        dir.path().join(".env"),
        "# local development\nexport DATABASE_URL=\"sqlite://from-dotenv.db\"\n",
    )
    .unwrap();
    migrate(dir.path()).arg("up").assert().code(0);
    assert!(dir.path().join("from-dotenv.db").exists());
    // The environment's DATABASE_URL wins over the file.
    migrate(dir.path())
        .env("DATABASE_URL", "sqlite://from-env.db")
        .arg("up")
        .assert()
        .code(0);
    assert!(dir.path().join("from-env.db").exists());
    // Run from elsewhere with --config: the .env beside migrate.toml is read.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = migrate(elsewhere.path())
        .arg("--config")
        .arg(dir.path().join("migrate.toml"))
        .arg("status")
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(
        text(&out.stdout).contains("applied"),
        "{}",
        text(&out.stdout)
    );
}
