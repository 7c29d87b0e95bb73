//! `migrate lint [FILE...]`: check migrations before they ship; and the lint part of `check`,
//! `new` and `hash`.

use std::path::{Path, PathBuf};

use migrate_core::config::{Config, Dialect};
use migrate_core::lint::{self, FileReport, Level, LintOptions, catalog, report};
use migrate_core::migration::{Migration, MigrationDir};
use serde_json::json;

use super::{Exit, load_config};
use crate::cli::{Format, Global, InitDialect, LintArgs};
use crate::output::Output;

pub fn run(global: &Global, args: &LintArgs, out: &Output) -> Exit {
    if args.rules {
        print_rules(out);
        return Exit::Ok;
    }
    // With files, a migrate.toml is optional: its dialect and levels apply when there is one.
    let config = if args.files.is_empty()
        || global.config.is_some()
        || Path::new(migrate_core::config::CONFIG_FILE).exists()
    {
        match load_config(global, out) {
            Ok(c) => Some(c),
            Err(code) => return code,
        }
    } else {
        None
    };
    let mut options = config.as_ref().map_or_else(
        || LintOptions::new(Dialect::Postgres),
        LintOptions::from_config,
    );
    if let Some(d) = args.dialect {
        options.dialect = match d {
            InitDialect::Postgres => Dialect::Postgres,
            InitDialect::Sqlite => Dialect::Sqlite,
        };
    }
    let reports = if args.files.is_empty() {
        let Some(config) = &config else {
            return Exit::Usage;
        };
        match directory_reports(config, args.all, &options, out) {
            Ok(r) => r,
            Err(code) => return code,
        }
    } else {
        match file_reports(&args.files, &options, out) {
            Ok(r) => r,
            Err(code) => return code,
        }
    };
    print_reports(out, &reports);
    if !matches!(out.format, Format::Json | Format::Github | Format::Sarif) {
        summary(&reports, true);
    }
    exit_code(&reports)
}

/// 1 when any finding is an error.
pub fn exit_code(reports: &[FileReport]) -> Exit {
    if reports.iter().any(FileReport::has_errors) {
        Exit::Found
    } else {
        Exit::Ok
    }
}

/// The unreleased migrations of the configured directory (all with `all`).
pub fn directory_reports(
    config: &Config,
    all: bool,
    options: &LintOptions,
    out: &Output,
) -> Result<Vec<FileReport>, Exit> {
    if !config.migrations.is_dir() {
        return Ok(Vec::new());
    }
    let dir = MigrationDir::open(&config.migrations).map_err(|e| {
        super::migration_error(out, &e);
        Exit::Usage
    })?;
    let baseline = if all { None } else { config.lint_baseline };
    Ok(lint::unreleased(dir.migrations(), baseline)
        .map(|m| lint::lint_migration(m, options))
        .collect())
}

/// The reports of the migrations `paths` name, for `new` and `hash`.
pub fn migration_reports(config: &Config, migrations: &[&Migration]) -> Vec<FileReport> {
    let options = LintOptions::from_config(config);
    migrations
        .iter()
        .map(|m| lint::lint_migration(m, &options))
        .collect()
}

fn file_reports(
    paths: &[PathBuf],
    options: &LintOptions,
    out: &Output,
) -> Result<Vec<FileReport>, Exit> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut sql: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| unreadable(out, path, &e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "sql") && p.is_file())
                .collect();
            sql.sort();
            files.extend(sql);
        } else {
            files.push(path.clone());
        }
    }
    let mut reports = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).map_err(|e| unreadable(out, &path, &e))?;
        let Ok(text) = String::from_utf8(bytes) else {
            out.error(
                &format!("`{}` is not valid UTF-8", path.display()),
                Some("save the file as UTF-8"),
            );
            return Err(Exit::Usage);
        };
        reports.push(lint::lint_source(&path, &text, options));
    }
    Ok(reports)
}

fn unreadable(out: &Output, path: &Path, e: &std::io::Error) -> Exit {
    out.error(
        &format!("cannot read `{}`: {e}", path.display()),
        Some("name an existing .sql file or directory"),
    );
    Exit::Usage
}

/// Prints findings in the selected format: text (stderr), JSON lines, GitHub annotations or one
/// SARIF document (stdout).
pub fn print_reports(out: &Output, reports: &[FileReport]) {
    match out.format {
        Format::Text => {
            for r in reports {
                for f in &r.findings {
                    eprintln!("{}\n", report::render(r, f, out.color()));
                }
                for a in &r.allowed {
                    eprintln!("{}", report::render_allowed(r, a));
                }
            }
        }
        Format::Json => {
            for r in reports {
                for f in &r.findings {
                    println!("{}", report::json(r, f));
                }
                for a in &r.allowed {
                    println!("{}", report::json_allowed(r, a));
                }
            }
        }
        Format::Github => {
            for r in reports {
                for f in &r.findings {
                    println!("{}", report::github(r, f));
                }
                for a in &r.allowed {
                    println!("{}", report::github_allowed(r, a));
                }
            }
        }
        Format::Sarif => println!("{}", report::sarif(reports)),
    }
}

/// `2 errors, 1 warning in 3 files checked (1 allowed)` on stderr; `quiet_when_clean` prints a
/// line for a clean run too.
pub fn summary(reports: &[FileReport], clean_line: bool) {
    let count = |level| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.level == level)
            .count()
    };
    let (errors, warnings) = (count(Level::Error), count(Level::Warning));
    let allowed: usize = reports.iter().map(|r| r.allowed.len()).sum();
    if errors + warnings == 0 && !clean_line {
        return;
    }
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "lint: {}, {} in {} checked",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(reports.len(), "file")
    );
    if allowed > 0 {
        line.push_str(&format!(" ({allowed} allowed)"));
    }
    eprintln!("{line}");
}

fn print_rules(out: &Output) {
    if out.format == Format::Json {
        for r in catalog::RULES {
            println!(
                "{}",
                json!({ "rule": r.id, "level": r.level.as_str(), "summary": r.summary, "help": r.help })
            );
        }
        return;
    }
    for r in catalog::RULES {
        println!("{:<40} {:<8} {}", r.id, r.level.as_str(), r.summary);
    }
}
