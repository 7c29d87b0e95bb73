//! Passwords in database URLs never appear in any output — text or JSON, errors or connection
//! failures, from `--database-url`, DATABASE_URL, migrate.toml or an environment, even when the
//! password holds an unencoded `#`, `?`, `/` or `@`, or when migrate.toml has an error on the
//! URL's line — and removing them never rewrites other text.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// A project whose configuration is `config` (plus dialect, schema and migrations).
fn project(config: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!(
            "dialect = \"postgres\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n{config}"
        ),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), "").expect("schema");
    migrate_core::migration::MigrationDir::create(dir.path().join("migrations"))
        .expect("migrations");
    dir
}

fn migrate(dir: &Path, args: &[&str], env_url: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migrate"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("PGSSLMODE")
        .env_remove("PGSSLROOTCERT")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    if let Some(url) = env_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd.output().expect("migrate runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// URLs of a server that is not there, each with a password that is hard to find.
const URLS: &[&str] = &[
    "postgres://app:ab#SECRET@127.0.0.1:1/db",
    "postgres://app:ab?SECRET@127.0.0.1:1/db",
    "postgres://app:12/SECRET@127.0.0.1:1/db",
    "postgres://app:12#SECRET@127.0.0.1:1/db",
    "postgres://app:a@b/SECRET@127.0.0.1:1/db",
    "postgres://app:p@SECRET@127.0.0.1:1/db",
    "postgres://app:SECRET@127.0.0.1:1/db?sslmode=require",
    "postgres://127.0.0.1:1/db?user=app&password=SECRET",
    "postgresql://app:%53ECRET@127.0.0.1:1/db",
    "host=127.0.0.1 port=1 password=SECRET",
];

const COMMANDS: &[&[&str]] = &[
    &["status"],
    &["up"],
    &["up", "--dry-run"],
    &["diff"],
    &["pull"],
];

fn assert_hidden(o: &Output, what: &str) {
    let all = text(o);
    for secret in ["SECRET", "%53ECRET"] {
        assert!(!all.contains(secret), "password printed by {what}:\n{all}");
    }
    assert!(!all.trim().is_empty(), "{what} says nothing");
}

#[test]
fn passwords_never_print_from_any_source() {
    for url in URLS {
        let sources: [(&str, TempDir, Vec<&str>, Option<&str>); 4] = [
            (
                "--database-url",
                project(""),
                vec!["--database-url", url],
                None,
            ),
            ("DATABASE_URL", project(""), vec![], Some(url)),
            (
                "migrate.toml",
                project(&format!("database_url = {}\n", toml_string(url))),
                vec![],
                None,
            ),
            (
                "an environment",
                project(&format!(
                    "[environments.prod]\ndatabase_url = {}\n",
                    toml_string(url)
                )),
                vec!["--env", "prod"],
                None,
            ),
        ];
        for (source, dir, flags, env_url) in &sources {
            for command in COMMANDS {
                for format in ["text", "json"] {
                    let mut args: Vec<&str> = command.to_vec();
                    args.extend(flags.iter().copied());
                    args.extend(["--format", format]);
                    let o = migrate(dir.path(), &args, *env_url);
                    let what = format!("{args:?} with {url} from {source}");
                    assert_hidden(&o, &what);
                    assert_eq!(o.status.code(), Some(2), "{what}:\n{}", text(&o));
                }
            }
        }
    }
}

#[test]
fn unencoded_password_characters_are_explained() {
    let dir = project("");
    let o = migrate(
        dir.path(),
        &[
            "status",
            "--database-url",
            "postgres://app:ab#SECRET@127.0.0.1:1/db",
        ],
        None,
    );
    let all = text(&o);
    assert!(all.contains("postgres://app:***@127.0.0.1:1/db"), "{all}");
    assert!(all.contains("percent-encode"), "{all}");
    assert!(all.contains("%23"), "{all}");
}

#[test]
fn toml_errors_on_url_lines_never_print_the_password() {
    for config in [
        // Unterminated string.
        "database_url = \"postgres://app:SECRET@127.0.0.1:1/db\n",
        // Not quoted.
        "database_url = postgres://app:SECRET@127.0.0.1:1/db\n",
        // Not a string.
        "database_url = [\"postgres://app:SECRET@127.0.0.1:1/db\"]\n",
        "database_url = { url = 'postgres://app:SECRET@127.0.0.1:1/db' }\n",
        // In an environment, with an unencoded `#`.
        "[environments.prod]\ndatabase_url = [\"postgres://app:ab#SECRET@h/db\"]\n",
        "[environments.prod]\ndatabase_url = \"postgres://app:ab#SECRET@h/db\" extra\n",
        // A misspelled key, and a libpq string.
        "database_rul = \"postgres://app:SECRET@h/db\"\n",
        "[environments.prod]\ndatabse_url = \"host=h password=SECRET\"\n",
    ] {
        let dir = project(config);
        for args in [&["check"][..], &["status"], &["check", "--format", "json"]] {
            let o = migrate(dir.path(), args, None);
            let what = format!("{args:?} with\n{config}");
            assert_hidden(&o, &what);
            assert_ne!(o.status.code(), Some(0), "{what}");
            if args.len() == 1 {
                // The error still points at the line, masked.
                let all = text(&o);
                assert!(all.contains("migrate.toml:"), "{what}:\n{all}");
                assert!(all.contains("***"), "{what}:\n{all}");
            }
        }
    }
}

#[test]
fn redaction_never_rewrites_other_text() {
    // Passwords that also occur in the error text: "on" in "Connection", "1" in the address.
    for (password, kept) in [
        ("on", "Connection refused"),
        ("1", "@127.0.0.1:1/db"),
        ("db", "127.0.0.1:1/db"),
    ] {
        let url = format!("postgres://app:{password}@127.0.0.1:1/db");
        let dir = project("");
        for format in ["text", "json"] {
            let o = migrate(
                dir.path(),
                &["status", "--database-url", &url, "--format", format],
                None,
            );
            let all = text(&o);
            assert_eq!(o.status.code(), Some(2), "{all}");
            assert!(all.contains(kept), "`{kept}` rewritten:\n{all}");
            assert!(
                all.contains("postgres://app:***@127.0.0.1:1/db"),
                "password shown:\n{all}"
            );
        }
    }
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    migrate_core::schema::print::string(s)
}
