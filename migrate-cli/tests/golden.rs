//! Golden transcripts: what every command prints, for people and as `--format json`, in success
//! and failure, frozen byte for byte in `tests/golden/<case>.{txt,json}`.
//!
//! Each scenario runs twice on a fresh project, once per format. What varies between runs is
//! normalised (the project's path, the server's address, migration versions, times, durations):
//! see `golden/harness.rs`. `MIGRATE_BLESS=1 cargo test -p migrate-cli --test golden` rewrites
//! the files; review the change with `git diff`, as a user would see it.

#[path = "golden/harness.rs"]
mod harness;

use harness::{Mode, Session, block_on, golden};
use migrate_tests::pg::TestDb;

const SQLITE: &str = "dialect = \"sqlite\"\nschema = \"schema\"\nmigrations = \"migrations\"\n\
                      database_url = \"sqlite://dev.db\"\n";
const POSTGRES_OFFLINE: &str =
    "dialect = \"postgres\"\nschema = \"schema\"\nmigrations = \"migrations\"\n";

const PETS: &str = r#"[enums.pet_type]
values = ["CAT", "DOG"]

[tables.pets]
model = "Pet"
comment = "Store pets."

[tables.pets.columns]
id   = { type = "uuid", primary_key = true }
type = "pet_type"
name = "text"
bio  = { type = "text", nullable = true }
"#;

/// Two mistakes: an enum without values and a misspelled type.
const BROKEN: &str = r#"[enums.pet_type]
values = []

[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
weight = { type = "integr" }
"#;

/// A project: migrate.toml and schema/schema.toml.
fn project(s: &Session, config: &str, schema: &str) {
    s.write("migrate.toml", config);
    s.write("schema/schema.toml", schema);
}

/// `PETS` without `bio`.
fn pets_without_bio() -> String {
    PETS.replace("bio  = { type = \"text\", nullable = true }\n", "")
}

/// `PETS` with one more column.
fn pets_with_weight() -> String {
    format!("{PETS}weight = {{ type = \"integer\", nullable = true }}\n")
}

// ---------------------------------------------------------------------------------------------
// init, check
// ---------------------------------------------------------------------------------------------

#[test]
fn init() {
    golden("init", |s| {
        s.run(&["init"]);
        s.run(&["init", "--dialect", "postgres", "--dir", "other"]);
        s.run(&["init"]);
    });
}

#[test]
fn check_valid() {
    golden("check_valid", |s| {
        project(s, SQLITE, PETS);
        s.run(&["check"]);
    });
}

#[test]
fn check_schema_errors() {
    golden("check_schema_errors", |s| {
        project(s, SQLITE, BROKEN);
        s.run(&["check"]);
    });
}

#[test]
fn configuration_errors() {
    golden("configuration_errors", |s| {
        s.run(&["check"]);
        s.write(
            "migrate.toml",
            "dialect = \"mysql\"\nschema = \"schema\"\nmigratoins = \"m\"\n",
        );
        s.run(&["check"]);
        project(s, SQLITE, PETS);
        s.run(&["--env", "prod", "check"]);
        s.write("migrate.toml", "schema = \"nowhere\"\n");
        s.run(&["check"]);
    });
}

#[test]
fn check_migration_directory() {
    golden("check_migration_directory", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        let file = s.newest();
        s.append(&file, "-- edited by hand\n");
        s.write("migrations/notes.sql", "SELECT 1;\n");
        s.run(&["check"]);
    });
}

#[test]
fn check_statements_and_lint() {
    golden("check_statements_and_lint", |s| {
        project(s, POSTGRES_OFFLINE, PETS);
        s.setup(&["generate"]);
        s.hand_written(
            "index_names",
            "-- Index pet names.\nCREATE INDEX pets_name ON pets (name);\n",
        );
        s.run(&["check"]);
        s.hand_written("commit_inside", "BEGIN;\nDELETE FROM pets;\nCOMMIT;\n");
        s.run(&["check"]);
    });
}

// ---------------------------------------------------------------------------------------------
// generate, new, hash
// ---------------------------------------------------------------------------------------------

#[test]
fn generate() {
    golden("generate", |s| {
        project(s, SQLITE, PETS);
        s.run(&["generate"]);
        s.run(&["generate"]);
        s.write("schema/schema.toml", &pets_with_weight());
        s.run(&["generate", "--name", "add_weight"]);
        s.run(&["generate", "--name", "Add Weight"]);
    });
}

#[test]
fn generate_postgres_online_steps() {
    golden("generate_postgres_online_steps", |s| {
        project(s, POSTGRES_OFFLINE, PETS);
        s.setup(&["generate"]);
        s.write(
            "schema/schema.toml",
            &format!("{PETS}\n[[tables.pets.indexes]]\ncolumns = [\"name\"]\n"),
        );
        s.run(&["generate"]);
        let newest = s.newest();
        s.run(&["lint", &newest]);
    });
}

/// A backfill and a volatile default on a table with rows: the transaction, a batch file per
/// column, then the NOT NULL steps; the directory checks and lints clean.
#[test]
fn generate_postgres_batched_backfill() {
    golden("generate_postgres_batched_backfill", |s| {
        project(s, POSTGRES_OFFLINE, PETS);
        s.setup(&["generate"]);
        s.write(
            "schema/schema.toml",
            &PETS.replace(
                "bio  = { type = \"text\", nullable = true }",
                "bio  = { type = \"text\", backfill = \"''\" }\ntag  = { type = \"uuid\", default = \"gen_random_uuid()\" }",
            ),
        );
        s.run(&["generate"]);
        s.run(&["check"]);
        s.run(&["lint"]);
    });
}

#[test]
fn generate_refused() {
    golden("generate_refused", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        s.write(
            "schema/schema.toml",
            &pets_without_bio().replace("values = [\"CAT\", \"DOG\"]", "values = [\"CAT\"]"),
        );
        s.run(&["generate"]);
    });
}

#[test]
fn generate_errors() {
    golden("generate_errors", |s| {
        project(s, SQLITE, BROKEN);
        s.run(&["generate"]);
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        let file = s.newest();
        s.append(&file, "-- edited by hand\n");
        s.write("schema/schema.toml", &pets_with_weight());
        s.run(&["generate"]);
    });
}

#[test]
fn new_and_hash() {
    golden("new_and_hash", |s| {
        project(s, POSTGRES_OFFLINE, PETS);
        s.run(&["new", "Backfill Names"]);
        s.run(&["new", "backfill_names"]);
        s.run(&["hash"]);
        let file = s.newest();
        s.append(
            &file,
            "UPDATE pets SET name = 'x';\nALTER TABLE pets DROP COLUMN bio;\n",
        );
        s.run(&["check"]);
        s.run(&["hash"]);
        s.write("migrations/migrate.sum", "garbage\n");
        s.run(&["new", "another"]);
    });
}

// ---------------------------------------------------------------------------------------------
// lint
// ---------------------------------------------------------------------------------------------

const RISKY_SQL: &str = "CREATE INDEX pets_name ON pets (name);\n\
                         ALTER TABLE pets DROP COLUMN bio;\n\
                         -- migrate:allow ban-drop-table: the table was never used\n\
                         DROP TABLE old_pets;\n\
                         ALTER TABLE pets ADD COLUMN age int;\n";

#[test]
fn lint_files() {
    golden("lint_files", |s| {
        s.write("risky.sql", RISKY_SQL);
        s.write(
            "clean.sql",
            "CREATE TABLE t (id bigint PRIMARY KEY, name text);\n",
        );
        s.run(&["lint", "risky.sql"]);
        s.run(&["lint", "clean.sql"]);
        s.run(&["lint", "--dialect", "sqlite", "risky.sql"]);
        s.run(&["lint", "missing.sql"]);
        if s.mode == Mode::Text {
            s.run(&["--format", "github", "lint", "risky.sql"]);
            s.run(&["--format", "sarif", "lint", "risky.sql"]);
        }
    });
}

#[test]
fn lint_rules() {
    golden("lint_rules", |s| {
        s.run(&["lint", "--rules"]);
    });
}

// ---------------------------------------------------------------------------------------------
// up, status, baseline, resolve on SQLite
// ---------------------------------------------------------------------------------------------

#[test]
fn up_and_status() {
    golden("up_and_status", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        s.write("schema/schema.toml", &pets_with_weight());
        s.setup(&["generate"]);
        s.hand_written(
            "name_pets",
            "-- Give every pet a name.\nUPDATE pets SET name = 'Rex';\n",
        );
        let first = s.version(0);
        s.run(&["status"]);
        s.run(&["up", "--to", &first]);
        s.run(&["status"]);
        s.run(&["up", "--dry-run"]);
        s.run(&["up"]);
        s.run(&["up"]);
        s.run(&["status"]);
    });
}

#[test]
fn fleet_up_and_status() {
    golden("fleet_up_and_status", |s| {
        project(
            s,
            &format!(
                "{SQLITE}\n[environments.tenants]\ndatabase_urls = [\"sqlite://t1.db\", \"sqlite://no-such-dir/t2.db\", \"sqlite://t3.db\"]\n"
            ),
            PETS,
        );
        s.setup(&["generate"]);
        // One at a time, so that the lines come in the same order every run.
        s.run(&["status", "--env", "tenants", "--jobs", "1"]);
        s.run(&["up", "--env", "tenants", "--jobs", "1"]);
        s.run(&["up", "--env", "tenants", "--jobs", "1"]);
        s.run(&["status", "--env", "tenants", "--jobs", "1"]);
    });
}

#[test]
fn status_drift() {
    golden("status_drift", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        s.setup(&["up"]);
        s.sql(
            "CREATE TABLE extra (id integer PRIMARY KEY); ALTER TABLE pets ADD COLUMN age integer;",
        );
        s.run(&["status"]);
    });
}

#[test]
fn up_failure() {
    golden("up_failure", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        s.hand_written(
            "broken",
            "-- Rename a column that is not there.\nUPDATE pets SET name = 'x';\nUPDATE pets SET nme = 'x';\n",
        );
        s.run(&["up"]);
        s.run(&["status"]);
    });
}

#[test]
fn up_refusals() {
    golden("up_refusals", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        // A statement the runner cannot run in its transaction: nothing runs.
        s.hand_written("commit_inside", "BEGIN;\nDELETE FROM pets;\nCOMMIT;\n");
        s.run(&["up"]);
        let newest = s.newest();
        std::fs::remove_file(s.root().join(newest)).expect("remove the refused migration");
        s.setup(&["hash"]);
        s.setup(&["up"]);
        // An applied migration edited and re-recorded: the history disagrees.
        let file = s.newest();
        s.append(&file, "-- edited by hand\n");
        s.setup(&["hash"]);
        s.run(&["up"]);
        s.run(&["status"]);
        // An edited migration not re-recorded: the directory disagrees.
        s.append(&file, "-- again\n");
        s.run(&["up"]);
        s.run(&["status"]);
    });
}

#[test]
fn up_ahead() {
    golden("up_ahead", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        s.hand_written("name_pets", "UPDATE pets SET name = 'Rex';\n");
        s.setup(&["up"]);
        let newest = s.newest();
        std::fs::remove_file(s.root().join(newest)).expect("remove the newest migration");
        s.setup(&["hash"]);
        s.run(&["up"]);
        s.run(&["status"]);
    });
}

#[test]
fn baseline_and_resolve() {
    golden("baseline_and_resolve", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        s.write("schema/schema.toml", &pets_with_weight());
        s.setup(&["generate"]);
        let first = s.version(0);
        s.run(&["baseline", &first]);
        s.run(&["status"]);
        s.run(&["baseline", "19990101000000"]);
        s.run(&["resolve", &first, "--applied"]);
        s.run(&["resolve", "20990101000000", "--rolled-back"]);
    });
}

#[test]
fn database_url_errors() {
    golden("database_url_errors", |s| {
        project(
            s,
            "dialect = \"sqlite\"\nschema = \"schema\"\nmigrations = \"migrations\"\n",
            PETS,
        );
        s.setup(&["generate"]);
        s.run(&["up"]);
        s.run(&["--database-url", "mysql://root:hunter2@db/app", "status"]);
        s.run(&[
            "--database-url",
            "postgres://app:hunter2@127.0.0.1:1/app?connect_timeout=5",
            "up",
        ]);
        s.run(&[
            "--database-url",
            "postgres://app:hunter2@127.0.0.1:1/app?connect_timeout=5",
            "pull",
        ]);
    });
}

// ---------------------------------------------------------------------------------------------
// diff, pull on SQLite
// ---------------------------------------------------------------------------------------------

#[test]
fn diff() {
    golden("diff", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        s.setup(&["up"]);
        s.run(&["diff"]);
        s.write("schema/schema.toml", &pets_with_weight());
        s.run(&["diff", "--print"]);
        s.run(&["diff", "--print", "--exit-code"]);
        s.run(&["diff", "--name", "Bad Name"]);
        s.run(&["diff", "--name", "add_weight"]);
    });
}

#[test]
fn diff_refused_and_undeclared() {
    golden("diff_refused_and_undeclared", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        s.setup(&["up"]);
        s.sql("CREATE TABLE extra (id integer PRIMARY KEY);");
        s.run(&["diff", "--exit-code"]);
        s.write("schema/schema.toml", &pets_without_bio());
        s.run(&["diff"]);
        s.write(
            "schema/schema.toml",
            &format!("drop_tables = [\"extra\"]\n{}", pets_with_weight()),
        );
        s.run(&["diff", "--print"]);
        s.write("schema/schema.toml", BROKEN);
        s.run(&["diff"]);
    });
}

#[test]
fn diff_dialect_mismatch() {
    golden("diff_dialect_mismatch", |s| {
        project(
            s,
            "dialect = \"postgres\"\nschema = \"schema\"\nmigrations = \"migrations\"\n\
             database_url = \"sqlite://dev.db\"\n",
            PETS,
        );
        s.sql("CREATE TABLE pets (id integer PRIMARY KEY);");
        s.run(&["diff"]);
        s.run(&["pull"]);
    });
}

#[test]
fn pull() {
    golden("pull", |s| {
        project(s, SQLITE, PETS);
        s.setup(&["generate"]);
        s.setup(&["up"]);
        s.sql("CREATE INDEX pets_lower_name ON pets (lower(name));");
        s.run(&["pull"]);
        s.run(&["pull", "--output", "pulled/schema.toml"]);
        s.run(&["pull", "--output", "pulled/schema.toml"]);
        s.run(&["pull", "--output", "pulled/schema.toml", "--force"]);
    });
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: the server's own messages, online steps, failed runs and their recovery
// ---------------------------------------------------------------------------------------------

const POSTGRES: &str = "dialect = \"postgres\"\nschema = \"schema\"\nmigrations = \"migrations\"\n";

/// Runs `scenario` once per mode, each on a fresh project and a fresh PostgreSQL database.
fn golden_postgres(case: &str, scenario: impl Fn(&mut Session)) {
    for mode in [Mode::Text, Mode::Json] {
        let db = block_on(TestDb::new());
        let mut s = Session::new(mode, Some(db.url.clone()));
        project(&s, POSTGRES, PETS);
        scenario(&mut s);
        s.check(case);
        block_on(db.close()).expect("drop the test database");
    }
}

#[test]
fn postgres_up_dry_run_and_status() {
    golden_postgres("postgres_up_dry_run_and_status", |s| {
        s.setup(&["generate"]);
        s.setup(&["up"]);
        s.write(
            "schema/schema.toml",
            &format!(
                "{}\n[[tables.pets.indexes]]\ncolumns = [\"name\"]\n",
                pets_with_weight()
            ),
        );
        s.setup(&["generate"]);
        s.run(&["up", "--dry-run"]);
        s.run(&["up"]);
        s.run(&["status"]);
        s.run(&["diff"]);
    });
}

#[test]
fn postgres_failed_and_resolved() {
    golden_postgres("postgres_failed_and_resolved", |s| {
        s.setup(&["generate"]);
        s.setup(&["up"]);
        // In a transaction: rolled back, with the line of the failing statement.
        s.hand_written(
            "bad_sql",
            "-- Fails in its transaction.\nSELECT 1;\nSELEC 2;\n",
        );
        s.run(&["up"]);
        let newest = s.newest();
        std::fs::remove_file(s.root().join(newest)).expect("remove the failing migration");
        s.setup(&["hash"]);
        // Outside a transaction: stopped part-way, then settled by hand.
        s.hand_written(
            "index_concurrently",
            "-- migrate:no-transaction\n-- Index names without blocking writes.\n\
             CREATE INDEX CONCURRENTLY IF NOT EXISTS pets_name ON pets (name);\n\
             CREATE INDEX CONCURRENTLY IF NOT EXISTS pets_nme ON pets (nme);\n",
        );
        s.run(&["up"]);
        s.run(&["status"]);
        s.run(&["up"]);
        let failed = s.version(1);
        s.run(&["resolve", &failed, "--rolled-back"]);
        s.run(&["resolve", &failed, "--rolled-back"]);
        s.run(&["status"]);
    });
}

/// A rename on the expand/contract route: `up` applies the expand step and the backfill and
/// stops before the contract step, `status` says what it waits for, `migrate contract` refuses
/// a file that is not one and applies the one that is.
#[test]
fn postgres_expand_contract() {
    golden_postgres("postgres_expand_contract", |s| {
        s.setup(&["generate"]);
        s.setup(&["up"]);
        s.write(
            "schema/schema.toml",
            &PETS.replace(
                "name = \"text\"",
                "full_name = { type = \"text\", renamed_from = \"name\", strategy = \"expand-contract\" }",
            ),
        );
        s.run(&["generate"]);
        // The generated files pass the checks, lint included.
        s.run(&["check"]);
        s.run(&["up"]);
        s.run(&["status"]);
        let first = s.version(0);
        s.run(&["contract", &first]);
        let contract = s.version(s.migrations().len() - 1);
        s.run(&["contract", &contract]);
        s.run(&["status"]);
    });
}

#[test]
fn postgres_pull() {
    golden_postgres("postgres_pull", |s| {
        s.setup(&["generate"]);
        s.setup(&["up"]);
        s.sql("CREATE INDEX pets_lower_name ON pets (lower(name));");
        s.run(&["pull"]);
        s.run(&["diff", "--print"]);
    });
}
