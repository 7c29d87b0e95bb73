//! Every rule with a failing and a passing twin, suppression, levels, and the catalogue's
//! agreement with squawk's rule list.

use std::path::Path;

use super::catalog::{Origin, RULES};
use super::*;
use crate::config::Dialect;

fn lint(sql: &str, dialect: Dialect) -> FileReport {
    lint_source(Path::new("m.sql"), sql, &LintOptions::new(dialect))
}

fn rules_of(report: &FileReport) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.rule).collect()
}

/// `(rule, failing twin, passing twin)` for every rule, on PostgreSQL unless the rule is SQLite's.
/// The failing twin must have the rule's finding; the passing twin (the rewrite its help
/// suggests, where there is one) must have none of it.
const TWINS: &[(&str, &str, &str)] = &[
    (
        "require-concurrent-index-creation",
        "CREATE INDEX pets_name_idx ON pets (name);",
        "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS pets_name_idx ON pets (name);",
    ),
    (
        "require-concurrent-index-deletion",
        "DROP INDEX pets_name_idx;",
        "-- migrate:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS pets_name_idx;",
    ),
    (
        "require-concurrent-reindex",
        "REINDEX INDEX pets_name_idx;",
        "-- migrate:no-transaction\nREINDEX INDEX CONCURRENTLY pets_name_idx;",
    ),
    (
        "require-concurrent-partition-detach",
        "ALTER TABLE events DETACH PARTITION events_2020;",
        "-- migrate:no-transaction\nALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;",
    ),
    (
        "constraint-missing-not-valid",
        "ALTER TABLE pets ADD CONSTRAINT pets_weight_check CHECK (weight > 0);",
        "ALTER TABLE pets ADD CONSTRAINT pets_weight_check CHECK (weight > 0) NOT VALID;",
    ),
    (
        "adding-foreign-key-constraint",
        "ALTER TABLE cats ADD CONSTRAINT cats_pet_fkey FOREIGN KEY (pet_id) REFERENCES pets (id);",
        "ALTER TABLE cats ADD CONSTRAINT cats_pet_fkey FOREIGN KEY (pet_id) REFERENCES pets (id) NOT VALID;",
    ),
    (
        "disallowed-unique-constraint",
        "ALTER TABLE pets ADD CONSTRAINT pets_name_key UNIQUE (name);",
        "ALTER TABLE pets ADD CONSTRAINT pets_name_key UNIQUE USING INDEX pets_name_key;",
    ),
    (
        "adding-serial-primary-key-field",
        "ALTER TABLE pets ADD PRIMARY KEY (id);",
        "ALTER TABLE pets ADD CONSTRAINT pets_pkey PRIMARY KEY USING INDEX pets_pkey_idx;",
    ),
    (
        "adding-field-with-default",
        "ALTER TABLE pets ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        "ALTER TABLE pets ADD COLUMN token uuid DEFAULT '00000000-0000-0000-0000-000000000000';",
    ),
    (
        "adding-required-field",
        "ALTER TABLE pets ADD COLUMN nickname text NOT NULL;",
        "ALTER TABLE pets ADD COLUMN nickname text NOT NULL DEFAULT '';",
    ),
    (
        "adding-not-nullable-field",
        "ALTER TABLE pets ALTER COLUMN name SET NOT NULL;",
        "ALTER TABLE pets ADD CONSTRAINT pets_name_not_null CHECK (name IS NOT NULL) NOT VALID;",
    ),
    (
        "changing-column-type",
        "ALTER TABLE pets ALTER COLUMN weight TYPE numeric;",
        "ALTER TABLE pets ADD COLUMN weight_numeric numeric;",
    ),
    (
        "ban-alter-domain-with-add-constraint",
        "ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0);",
        "ALTER TABLE pets ADD CONSTRAINT pets_weight_check CHECK (weight > 0) NOT VALID;",
    ),
    (
        "ban-create-domain-with-constraint",
        "CREATE DOMAIN positive AS bigint CHECK (VALUE > 0);",
        "CREATE DOMAIN positive AS bigint;",
    ),
    (
        "ban-drop-column",
        "ALTER TABLE pets DROP COLUMN bio;",
        "ALTER TABLE pets ADD COLUMN bio text;",
    ),
    (
        "ban-drop-table",
        "DROP TABLE pets;",
        "CREATE TABLE pets (id bigint PRIMARY KEY);",
    ),
    (
        "ban-drop-database",
        "DROP DATABASE app;",
        "CREATE TABLE pets (id bigint PRIMARY KEY);",
    ),
    (
        "ban-truncate-cascade",
        "TRUNCATE pets CASCADE;",
        "DELETE FROM pets WHERE id = 1;",
    ),
    (
        "renaming-column",
        "ALTER TABLE pets RENAME COLUMN nick TO nickname;",
        "ALTER TABLE pets ADD COLUMN nickname text;",
    ),
    (
        "renaming-table",
        "ALTER TABLE pets RENAME TO animals;",
        "CREATE TABLE animals (id bigint PRIMARY KEY);",
    ),
    (
        "ban-drop-not-null",
        "ALTER TABLE pets ALTER COLUMN name DROP NOT NULL;",
        "ALTER TABLE pets ALTER COLUMN name SET DEFAULT '';",
    ),
    (
        "transaction-nesting",
        "BEGIN;\nCREATE TABLE t (id bigint);\nCOMMIT;",
        "CREATE TABLE t (id bigint);",
    ),
    (
        "ban-uncommitted-transaction",
        "-- migrate:no-transaction\nBEGIN;\nCREATE TABLE t (id bigint);",
        "-- migrate:no-transaction\nBEGIN;\nCREATE TABLE t (id bigint);\nCOMMIT;",
    ),
    (
        "prefer-robust-stmts",
        "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY pets_name_idx ON pets (name);",
        "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS pets_name_idx ON pets (name);",
    ),
    (
        "prefer-bigint-over-int",
        "CREATE TABLE t (n integer);",
        "CREATE TABLE t (n bigint);",
    ),
    (
        "prefer-bigint-over-smallint",
        "CREATE TABLE t (n smallint);",
        "CREATE TABLE t (n bigint);",
    ),
    (
        "prefer-identity",
        "CREATE TABLE t (id bigserial PRIMARY KEY);",
        "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
    ),
    (
        "prefer-text-field",
        "CREATE TABLE t (name varchar(40));",
        "CREATE TABLE t (name text);",
    ),
    (
        "prefer-timestamp-tz",
        "CREATE TABLE t (at timestamp);",
        "CREATE TABLE t (at timestamptz);",
    ),
    (
        "ban-char-field",
        "CREATE TABLE t (code char(2));",
        "CREATE TABLE t (code text);",
    ),
    (
        "require-enum-value-ordering",
        "-- migrate:no-transaction\nALTER TYPE mood ADD VALUE 'meh';",
        "-- migrate:no-transaction\nALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';",
    ),
    (
        "identifier-too-long",
        "CREATE TABLE a_table_name_that_is_much_longer_than_sixty_three_bytes_and_then_some (id bigint);",
        "CREATE TABLE a_short_name (id bigint);",
    ),
    (
        "ban-duplicate-column-assignments",
        "UPDATE pets SET name = 'a', name = 'b' WHERE id = 1;",
        "UPDATE pets SET name = 'a' WHERE id = 1;",
    ),
    (
        "syntax-error",
        "CREATE TABLE t (id bigint",
        "CREATE TABLE t (id bigint);",
    ),
    (
        "unchecked-statement",
        "CREATE TABLE pets (id bigint) WITH OIDS;",
        "CREATE TABLE pets (id bigint);",
    ),
    (
        "bad-directive",
        "--migrate:allow ban-drop-table: never used\nDROP TABLE pets;",
        "-- migrate:allow ban-drop-table: never used\nDROP TABLE pets;",
    ),
    (
        "needs-no-transaction",
        "DROP INDEX CONCURRENTLY IF EXISTS pets_name_idx;",
        "-- migrate:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS pets_name_idx;",
    ),
    (
        "no-transaction-unneeded",
        "-- migrate:no-transaction\nCREATE TABLE t (id bigint);",
        "CREATE TABLE t (id bigint);",
    ),
    (
        "destructive-statement",
        "TRUNCATE pets;",
        "DELETE FROM pets WHERE id = 1;",
    ),
    (
        "data-change-without-where",
        "UPDATE pets SET name = '';",
        "UPDATE pets SET name = '' WHERE name IS NULL;",
    ),
    (
        "copy-from-stdin",
        "COPY pets FROM STDIN;",
        "INSERT INTO pets (id) VALUES (1);",
    ),
    (
        "sqlite-alter-unsupported",
        "ALTER TABLE pets ALTER COLUMN name SET NOT NULL;",
        "ALTER TABLE pets ADD COLUMN nickname text;",
    ),
    (
        "sqlite-drop-column",
        "ALTER TABLE pets DROP COLUMN bio;",
        "ALTER TABLE pets RENAME COLUMN bio TO about;",
    ),
    (
        "allow-without-reason",
        "-- migrate:allow ban-drop-table\nDROP TABLE pets;",
        "-- migrate:allow ban-drop-table: the table was never used\nDROP TABLE pets;",
    ),
    (
        "unknown-rule",
        "-- migrate:allow ban-drop-tabel: unused\nDROP TABLE pets;",
        "-- migrate:allow ban-drop-table: unused\nDROP TABLE pets;",
    ),
    (
        "unused-allow",
        "-- migrate:allow ban-drop-column: unused\nDROP TABLE pets;",
        "-- migrate:allow ban-drop-table: unused\nDROP TABLE pets;",
    ),
];

/// The timeout rules only speak when migrate.toml turns the runner's timeouts off.
const TIMEOUT_TWINS: &[&str] = &["require-lock-timeout", "require-statement-timeout"];

#[test]
fn every_rule_has_a_failing_and_a_passing_twin() {
    for rule in RULES {
        if rule.level == Level::Off || TIMEOUT_TWINS.contains(&rule.id) {
            continue;
        }
        let (_, fail, pass) = TWINS
            .iter()
            .find(|(id, _, _)| *id == rule.id)
            .unwrap_or_else(|| panic!("no twins for `{}`", rule.id));
        let dialect = *Dialect::ALL
            .iter()
            .find(|&&d| rule.applies.to(d))
            .expect("a dialect the rule applies to");
        let failing = lint(fail, dialect);
        assert!(
            rules_of(&failing).contains(&rule.id),
            "`{}` not found in its failing twin {fail:?}: {:?}",
            rule.id,
            rules_of(&failing)
        );
        let passing = lint(pass, dialect);
        assert!(
            !rules_of(&passing).contains(&rule.id),
            "`{}` found in its passing twin {pass:?}",
            rule.id
        );
    }
}

#[test]
fn timeout_rules_speak_only_when_the_runner_sets_no_timeout() {
    let sql = "ALTER TABLE pets ADD COLUMN a text;";
    assert!(lint(sql, Dialect::Postgres).findings.is_empty());
    let mut options = LintOptions::new(Dialect::Postgres);
    options.runner_lock_timeout = false;
    options.runner_statement_timeout = false;
    let report = lint_source(Path::new("m.sql"), sql, &options);
    assert_eq!(
        rules_of(&report),
        ["require-lock-timeout", "require-statement-timeout"]
    );
    let set = "SET lock_timeout = '5s';\nSET statement_timeout = '1min';\nALTER TABLE pets ADD COLUMN a text;";
    assert!(
        lint_source(Path::new("m.sql"), set, &options)
            .findings
            .is_empty()
    );
}

#[test]
fn timeout_rules_follow_the_timeouts_the_runner_reads_from_migrate_toml() {
    // "0ms" turns the runner's timeout off just as "0" does: the rules speak for both.
    for zero in ["0", "0ms", "0s", "00min"] {
        let text = format!("dialect = \"postgres\"\nlock_timeout = \"{zero}\"\n");
        let config =
            crate::config::Config::parse(Path::new("migrate.toml"), &text).expect("config");
        let options = LintOptions::from_config(&config);
        assert!(!options.runner_lock_timeout, "{zero}");
        assert!(options.runner_statement_timeout, "{zero}");
    }
}

#[test]
fn spans_levels_and_help() {
    let sql = "-- add a column\nALTER TABLE pets DROP COLUMN bio;\n";
    let report = lint(sql, Dialect::Postgres);
    let [f] = report.findings.as_slice() else {
        panic!("{:?}", report.findings)
    };
    assert_eq!(f.rule, "ban-drop-column");
    assert_eq!(f.level, Level::Error);
    assert_eq!(&sql[f.span.clone()], "DROP COLUMN bio");
    assert_eq!(report.line_col(f), (2, 18));
    assert!(
        f.help.contains("-- migrate:allow ban-drop-column"),
        "{}",
        f.help
    );
    assert!(report.has_errors());
}

#[test]
fn a_bom_shifts_nothing() {
    let sql = "\u{feff}DROP TABLE pets;\n";
    let report = lint(sql, Dialect::Postgres);
    assert_eq!(&sql[report.findings[0].span.clone()], "DROP TABLE pets;");
    assert_eq!(report.line_col(&report.findings[0]), (1, 1));
}

#[test]
fn allow_suppresses_one_rule_for_the_next_statement_only() {
    let sql = "-- migrate:allow ban-drop-column: `bio` has been unused since v2.3\n\
               ALTER TABLE pets DROP COLUMN bio;\n\
               ALTER TABLE pets DROP COLUMN age;\n";
    let report = lint(sql, Dialect::Postgres);
    assert_eq!(rules_of(&report), ["ban-drop-column"]);
    assert_eq!(&sql[report.findings[0].span.clone()], "DROP COLUMN age");
    let [allowed] = report.allowed.as_slice() else {
        panic!("{:?}", report.allowed)
    };
    assert_eq!(allowed.finding.rule, "ban-drop-column");
    assert_eq!(allowed.reason, "`bio` has been unused since v2.3");
    assert_eq!(&sql[allowed.finding.span.clone()], "DROP COLUMN bio");
}

#[test]
fn allow_names_several_rules_and_leaves_others() {
    let sql = "-- migrate:allow ban-drop-column, renaming-column: the app moved to v3\n\
               ALTER TABLE pets DROP COLUMN bio, RENAME COLUMN nick TO nickname, ALTER COLUMN a TYPE bigint;\n";
    let report = lint(sql, Dialect::Postgres);
    assert_eq!(rules_of(&report), ["changing-column-type"]);
    assert_eq!(report.allowed.len(), 2);
}

#[test]
fn allow_without_reason_suppresses_nothing() {
    let report = lint(
        "-- migrate:allow ban-drop-table\nDROP TABLE pets;\n",
        Dialect::Postgres,
    );
    assert_eq!(
        rules_of(&report),
        ["allow-without-reason", "ban-drop-table"]
    );
    assert!(report.allowed.is_empty());
}

/// The directory check's directive parser decides what an allow is: a line it refuses suppresses
/// nothing and is a `bad-directive` finding, with the fix.
#[test]
fn an_allow_the_directory_check_refuses_suppresses_nothing() {
    for sql in [
        "--migrate:allow ban-drop-table: never used\nDROP TABLE pets;\n",
        "-- MIGRATE:allow ban-drop-table: never used\nDROP TABLE pets;\n",
        "-- migrate:allows ban-drop-table: never used\nDROP TABLE pets;\n",
    ] {
        let report = lint(sql, Dialect::Postgres);
        assert_eq!(
            rules_of(&report),
            ["bad-directive", "ban-drop-table"],
            "{sql}"
        );
        assert!(report.allowed.is_empty(), "{sql}");
        let bad = &report.findings[0];
        assert_eq!(&sql[bad.span.clone()], sql.lines().next().unwrap_or(""));
        assert!(
            bad.message.contains("-- migrate:allow ban-drop-table"),
            "{}",
            bad.message
        );
        let (_, errors) = crate::migration::directive::parse(sql);
        assert_eq!(errors.len(), 1, "{sql}: the directory check refuses it too");
    }
    let report = lint(
        "-- migrate:lock_timeout 5s\nCREATE TABLE t (id bigint);\n",
        Dialect::Sqlite,
    );
    assert_eq!(rules_of(&report), ["bad-directive"]);
    assert!(
        report.findings[0]
            .message
            .contains("-- migrate:lock-timeout 5s")
    );
}

/// squawk's parser panics on a few statements; each is reported and the rest of the file is
/// still checked, at the right offsets.
#[test]
fn a_statement_the_parser_gives_up_on_is_reported_and_the_rest_checked() {
    quiet_parser_panics();
    let sql = "DROP TABLE a;\n\nCREATE TABLE withoid() WITH OIDS;\nCREATE TABLE foo (with baz);\n\
               ALTER TABLE pets DROP COLUMN bio;\n";
    let report = lint(sql, Dialect::Postgres);
    assert_eq!(
        rules_of(&report),
        [
            "ban-drop-table",
            "unchecked-statement",
            "unchecked-statement",
            "ban-drop-column"
        ]
    );
    let texts: Vec<&str> = report
        .findings
        .iter()
        .map(|f| &sql[f.span.clone()])
        .collect();
    assert_eq!(texts[1], "CREATE TABLE withoid() WITH OIDS");
    assert_eq!(texts[2], "CREATE TABLE foo (with baz)");
    assert_eq!(texts[3], "DROP COLUMN bio");
    assert_eq!(report.line_col(&report.findings[1]), (3, 1));
    // A file that cannot even be split is one finding.
    let report = lint(
        "CREATE TABLE withoid() WITH OIDS; SELECT 'open",
        Dialect::Postgres,
    );
    assert_eq!(rules_of(&report), ["unchecked-statement"]);
}

#[test]
fn unknown_rule_in_allow_suggests_the_closest() {
    let sql = "-- migrate:allow ban-drop-tabel: unused\nDROP TABLE pets;\n";
    let report = lint(sql, Dialect::Postgres);
    let unknown = report
        .findings
        .iter()
        .find(|f| f.rule == "unknown-rule")
        .expect("unknown-rule");
    assert!(
        unknown.message.contains("did you mean `ban-drop-table`?"),
        "{}",
        unknown.message
    );
    assert_eq!(&sql[unknown.span.clone()], "ban-drop-tabel");
    assert!(rules_of(&report).contains(&"ban-drop-table"));
}

#[test]
fn levels_from_lint_config() {
    let sql = "DROP TABLE pets;\nCREATE TABLE t (n integer);\n";
    let mut options = LintOptions::new(Dialect::Postgres);
    assert!(options.levels.set("ban-drop-table", Level::Warning));
    assert!(options.levels.set("prefer-bigint-over-int", Level::Off));
    assert!(!options.levels.set("no-such-rule", Level::Off));
    let report = lint_source(Path::new("m.sql"), sql, &options);
    assert_eq!(rules_of(&report), ["ban-drop-table"]);
    assert_eq!(report.findings[0].level, Level::Warning);
    assert!(!report.has_errors());
}

#[test]
fn lint_config_from_migrate_toml() {
    let text =
        "dialect = \"postgres\"\n[lint]\nban-drop-table = \"warning\"\nprefer-identity = \"off\"\n";
    let config = crate::config::Config::parse(Path::new("migrate.toml"), text).expect("valid");
    let find = |id| catalog::find(id).expect("a rule");
    assert_eq!(config.lint.level(find("ban-drop-table")), Level::Warning);
    assert_eq!(config.lint.level(find("prefer-identity")), Level::Off);
    assert_eq!(config.lint.level(find("ban-drop-column")), Level::Error);

    let bad =
        "[lint]\nban-drop-tabel = \"warning\"\nban-drop-column = \"fatal\"\nlint_baseline = 1\n";
    let err = crate::config::Config::parse(Path::new("migrate.toml"), bad).expect_err("invalid");
    let codes: Vec<&str> = err.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["unknown-lint-rule", "bad-lint-level", "bad-lint-level"]
    );
    assert_eq!(
        err.0[0].help.as_deref(),
        Some("did you mean `ban-drop-table`?")
    );
    assert_eq!(err.0[0].line_col(), Some((2, 1)));

    let baseline = "lint_baseline = \"20240101120000\"\n";
    let config = crate::config::Config::parse(Path::new("migrate.toml"), baseline).expect("valid");
    assert_eq!(
        config.lint_baseline.map(|v| v.to_string()).as_deref(),
        Some("20240101120000")
    );
    assert!(
        crate::config::Config::parse(Path::new("migrate.toml"), "lint_baseline = \"2024\"\n")
            .is_err()
    );
}

#[test]
fn sqlite_gets_only_the_rules_that_apply() {
    let sql = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, at timestamp, n int);\n\
               CREATE INDEX t_n ON t (n);\nALTER TABLE t RENAME COLUMN n TO m;\n";
    let report = lint(sql, Dialect::Sqlite);
    assert_eq!(
        rules_of(&report),
        ["renaming-column"],
        "no syntax errors or PostgreSQL advice on SQLite"
    );
}

#[test]
fn catalogue_matches_squawk_and_the_own_checks() {
    // Every squawk rule on by default is exposed or explained.
    for rule in enum_all_squawk_rules() {
        let id = rule.to_string();
        assert!(
            catalog::find(&id).is_some() || catalog::NOT_EXPOSED.iter().any(|(n, _)| *n == id),
            "squawk rule `{id}` is neither in the catalogue nor in NOT_EXPOSED"
        );
    }
    for rule in RULES {
        match rule.origin {
            Origin::Squawk => assert!(
                rule.id.parse::<squawk_linter::Rule>().is_ok(),
                "`{}` is not a squawk rule",
                rule.id
            ),
            Origin::Migrate => assert!(
                super::rules::ids().any(|id| id == rule.id)
                    || [
                        "syntax-error",
                        "unchecked-statement",
                        "bad-directive",
                        "allow-without-reason",
                        "unknown-rule",
                        "unused-allow"
                    ]
                    .contains(&rule.id),
                "own rule `{}` has no check",
                rule.id
            ),
        }
        assert!(!rule.help.is_empty() && !rule.summary.is_empty());
        assert!(
            rule.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{}",
            rule.id
        );
    }
    let mut ids: Vec<&str> = catalog::ids().collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len(), "duplicate rule ids");
}

/// squawk's rules that are on by default (its `Linter::with_default_rules`).
fn enum_all_squawk_rules() -> Vec<squawk_linter::Rule> {
    squawk_linter::Linter::with_default_rules()
        .rules
        .into_iter()
        .collect()
}

#[test]
fn a_table_rebuild_is_neither_a_drop_nor_a_rename() {
    let sql = "CREATE TABLE \"_new_pets\" (id integer PRIMARY KEY, name text NOT NULL);\n\
               INSERT INTO \"_new_pets\" (id, name) SELECT id, name FROM pets;\n\
               DROP TABLE pets;\nALTER TABLE \"_new_pets\" RENAME TO pets;\n";
    assert!(
        lint(sql, Dialect::Sqlite).findings.is_empty(),
        "{:?}",
        lint(sql, Dialect::Sqlite).findings
    );
    // A drop alone, or a rename to another name, is still reported.
    let drop = "DROP TABLE pets;\nALTER TABLE cats RENAME TO dogs;\n";
    assert_eq!(
        rules_of(&lint(drop, Dialect::Sqlite)),
        ["ban-drop-table", "renaming-table"]
    );
}

#[test]
fn an_enum_rebuild_drops_no_type() {
    let rebuild = "ALTER TYPE \"mood\" RENAME TO \"mood__old\";\n\
                   CREATE TYPE \"mood\" AS ENUM ('ok', 'bad');\n\
                   DROP TYPE \"mood__old\";\n";
    assert!(
        lint(rebuild, Dialect::Postgres).findings.is_empty(),
        "{:?}",
        lint(rebuild, Dialect::Postgres).findings
    );
    // A renamed type dropped without being created again, or another type dropped, is a loss.
    let aside = "ALTER TYPE mood RENAME TO mood__old;\nDROP TYPE mood__old;\n";
    assert_eq!(
        rules_of(&lint(aside, Dialect::Postgres)),
        ["destructive-statement"]
    );
    let other = "ALTER TYPE mood RENAME TO mood__old;\nCREATE TYPE mood AS ENUM ('ok');\n\
                 DROP TYPE feeling;\n";
    assert_eq!(
        rules_of(&lint(other, Dialect::Postgres)),
        ["destructive-statement"]
    );
}

#[test]
fn a_negative_constant_default_rewrites_nothing() {
    let sql = "ALTER TABLE a ADD COLUMN b real DEFAULT -0.25 NOT NULL;\n\
               ALTER TABLE a ADD COLUMN c bigint DEFAULT +1e3;\n";
    assert!(
        lint(sql, Dialect::Postgres).findings.is_empty(),
        "{:?}",
        lint(sql, Dialect::Postgres).findings
    );
    // A volatile call is still a rewrite, signed or not.
    let volatile = "ALTER TABLE a ADD COLUMN b double precision DEFAULT -random();\n";
    assert_eq!(
        rules_of(&lint(volatile, Dialect::Postgres)),
        ["adding-field-with-default"]
    );
}
