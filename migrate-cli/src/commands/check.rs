//! `migrate check`: validate the schema offline.

use migrate_core::Explain;
use migrate_core::runner::{self, Refusal, RunError};

use super::{Exit, load_config, report};
use crate::cli::Global;
use crate::output::Output;
use crate::report::Refused;
use crate::report::lint::{print_findings, summary};
use crate::report::project::{Checked, Released};

pub fn run(global: &Global, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // The migration directory: every edited, reordered, deleted or unlisted file is named, and
    // everything the runner would refuse in a file before running it.
    let mut released = Vec::new();
    let (problems, refusals) = if config.migrations.is_dir() {
        match migrate_core::migration::MigrationDir::open(&config.migrations) {
            Ok(dir) => {
                // Up to `lint_baseline`, what the runner refuses in a file is a warning: applied
                // everywhere, it cannot be edited, and the runner refuses it only where it runs.
                let dir = dir.with_baseline(config.lint_baseline);
                // Those after `lint_baseline`: the released ones can no longer be edited.
                super::warn_placeholders(
                    out,
                    dir.migrations()
                        .iter()
                        .filter(|m| config.lint_baseline.is_none_or(|b| m.version > b)),
                );
                released = dir
                    .released_problems(Some(config.dialect))
                    .iter()
                    .map(Released::of)
                    .collect();
                if !out.json() {
                    for w in &released {
                        w.print();
                    }
                }
                let mut problems = dir.verify();
                // The environment's files replace the directory's: only a sound directory has them.
                let refusals = if problems.is_empty() {
                    secure_refusals(&dir, &config, global)
                } else {
                    Vec::new()
                };
                problems.extend(dir.verify_statements(config.dialect));
                (problems, refusals)
            }
            Err(e) => {
                out.explain(&e);
                return Exit::Usage;
            }
        }
    } else {
        (Vec::new(), Vec::new())
    };
    let schema = migrate_core::schema::load_for(&config.schema, config.dialect);
    // The unreleased migrations, linted (`migrate lint` without files).
    let options = migrate_core::lint::LintOptions::from_config(&config);
    let mut lint = match super::lint::directory_reports(&config, false, &options, out) {
        Ok(reports) => reports,
        Err(code) => return code,
    };
    // A statement the runner refuses is reported once, as the refusal.
    for report in &mut lint {
        let refused: Vec<(usize, &str)> = problems
            .iter()
            .filter(|p| p.path == report.file.path)
            .filter_map(|p| Some((p.line()?, p.code())))
            .collect();
        report.drop_refused(&refused);
    }
    if !out.json() {
        print_findings(out, &lint);
        summary(&lint, false);
    }
    let lint_exit = super::lint::exit_code(&lint);
    // What `migrate generate` would refuse: the declared schema against the directory's snapshot
    // (only from a sound directory, whose snapshot can be trusted).
    let unsafe_changes = match &schema {
        Ok(declared) if problems.is_empty() => safety_refusals(&config, declared),
        _ => Vec::new(),
    };
    if !unsafe_changes.is_empty() {
        out.emit(&Refused::checked(&unsafe_changes));
    }
    if !problems.is_empty() || !refusals.is_empty() {
        if let Err(diags) = &schema {
            report(out, diags);
        }
        super::report_findings(out, &problems, &refusals);
        let n = problems.len() + refusals.len();
        out.note(&format!(
            "{n} problem{} in {}",
            if n == 1 { "" } else { "s" },
            config.migrations.display()
        ));
        return Exit::Found;
    }
    match schema {
        Ok(_) if !unsafe_changes.is_empty() => Exit::Found,
        Ok(schema) => {
            out.emit(&Checked::new(
                &schema,
                &config.schema,
                &lint,
                lint_exit == Exit::Ok,
                released,
            ));
            lint_exit
        }
        Err(diags) => super::report_schema_errors(out, &config, &diags),
    }
}

/// The changes since the directory's snapshot that `migrate generate` refuses until the schema
/// acknowledges them (none without a migration directory).
fn safety_refusals(
    config: &migrate_core::config::Config,
    declared: &migrate_core::schema::Schema,
) -> Vec<migrate_core::safety::Assessment> {
    if !config.migrations.is_dir() {
        return Vec::new();
    }
    let Ok(current) =
        migrate_core::migration::MigrationDir::open(&config.migrations).and_then(|d| d.snapshot())
    else {
        return Vec::new();
    };
    migrate_core::generate::plan(config.dialect, &current, declared, None)
        .refusals()
        .into_iter()
        .cloned()
        .collect()
}

/// With `--env NAME`: what the runner would refuse in that environment's secure files (a missing
/// one, a NUL byte, a bad directive, a statement it cannot run), checked offline like the rest.
fn secure_refusals(
    dir: &migrate_core::migration::MigrationDir,
    config: &migrate_core::config::Config,
    global: &Global,
) -> Vec<Refusal> {
    let extra = super::extra_paths(config, global);
    if extra.is_empty() {
        return Vec::new();
    }
    match runner::sources_from_dir(dir, &extra) {
        Ok(sources) => {
            let secure: Vec<&runner::Source> = sources.iter().filter(|s| s.secure).collect();
            runner::admit(&secure, config.dialect)
        }
        Err(RunError::Refused(refusals)) => refusals,
        Err(e) => {
            let help = e.help().unwrap_or_else(|| {
                "check the environment's `extra_migration_paths` and the files in them".into()
            });
            let (file, message) = match e {
                RunError::Secure { path, message } => (path.display().to_string(), message),
                other => (String::new(), other.to_string()),
            };
            vec![Refusal {
                version: 0,
                name: String::new(),
                file,
                line: None,
                code: "secure-unreadable",
                message,
                help,
            }]
        }
    }
}
