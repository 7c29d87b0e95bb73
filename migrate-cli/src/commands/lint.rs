//! `migrate lint [FILE...]`: check migrations before they ship; and the lint part of `check`,
//! `new` and `hash`.

use std::path::{Path, PathBuf};

use super::{Exit, load_config};
use crate::cli::{Format, Global, LintArgs};
use crate::output::Output;
use crate::report::lint::{RuleShown, print_findings, summary};
use migrate_core::config::{Config, Dialect};
use migrate_core::lint::{self, FileReport, LintOptions, catalog};
use migrate_core::migration::{Migration, MigrationDir};

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
        || LintOptions::new(Dialect::LINT_GRAMMAR),
        LintOptions::from_config,
    );
    if let Some(d) = args.dialect {
        options.dialect = d;
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
    print_findings(out, &reports);
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
        out.explain(&e);
        Exit::Usage
    })?;
    let baseline = if all { None } else { config.lint_baseline };
    let files: Vec<(&Path, &str)> = lint::unreleased(dir.migrations(), baseline)
        .map(|m| (m.path.as_path(), m.content.as_str()))
        .collect();
    Ok(lint::lint_many(&files, options))
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
    let mut texts = Vec::with_capacity(files.len());
    for path in files {
        let bytes = std::fs::read(&path).map_err(|e| unreadable(out, &path, &e))?;
        let Ok(text) = String::from_utf8(bytes) else {
            out.error(
                &format!("`{}` is not valid UTF-8", path.display()),
                Some("save the file as UTF-8"),
            );
            return Err(Exit::Usage);
        };
        texts.push((path, text));
    }
    Ok(lint::lint_many(&texts, options))
}

fn unreadable(out: &Output, path: &Path, e: &std::io::Error) -> Exit {
    out.error(
        &format!("cannot read `{}`: {e}", path.display()),
        Some("name an existing .sql file or directory"),
    );
    Exit::Usage
}

fn print_rules(out: &Output) {
    for r in catalog::RULES {
        out.emit(&RuleShown::of(r));
    }
}
