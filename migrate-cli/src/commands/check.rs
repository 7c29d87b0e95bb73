//! `migrate check`: validate the schema offline.

use serde_json::json;

use super::{Exit, load_config, report};
use crate::cli::Global;
use crate::output::Output;

pub fn run(global: &Global, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // The migration directory: every edited, reordered, deleted or unlisted file is named.
    let problems = if config.migrations.is_dir() {
        match migrate_core::migration::MigrationDir::open(&config.migrations) {
            Ok(dir) => dir.verify(),
            Err(e) => {
                super::migration_error(out, &e);
                return Exit::Usage;
            }
        }
    } else {
        Vec::new()
    };
    let schema = migrate_core::schema::load(&config.schema);
    // The unreleased migrations, linted (`migrate lint` without files).
    let options = migrate_core::lint::LintOptions::from_config(&config);
    let lint = match super::lint::directory_reports(&config, false, &options, out) {
        Ok(reports) => reports,
        Err(code) => return code,
    };
    if !out.json() {
        super::lint::print_reports(out, &lint);
        super::lint::summary(&lint, false);
    }
    let lint_exit = super::lint::exit_code(&lint);
    if !problems.is_empty() {
        if let Err(diags) = &schema {
            report(out, diags);
        }
        super::report_problems(out, &problems);
        if !out.json() {
            let n = problems.len();
            eprintln!(
                "{n} problem{} in {}",
                if n == 1 { "" } else { "s" },
                config.migrations.display()
            );
        }
        return Exit::Found;
    }
    match schema {
        Ok(schema) => {
            if out.json() {
                let findings: Vec<_> = lint
                    .iter()
                    .flat_map(|r| {
                        r.findings
                            .iter()
                            .map(move |f| migrate_core::lint::report::json(r, f))
                    })
                    .collect();
                println!(
                    "{}",
                    json!({
                        "ok": lint_exit == Exit::Ok,
                        "errors": [],
                        "tables": schema.tables.len(),
                        "enums": schema.enums.len(),
                        "lint": findings,
                    })
                );
            } else {
                let plural = |n: usize, one: &str, many: &str| {
                    format!("{n} {}", if n == 1 { one } else { many })
                };
                out.say(&format!(
                    "ok: {} is valid ({}, {})",
                    config.schema.display(),
                    plural(schema.tables.len(), "table", "tables"),
                    plural(schema.enums.len(), "enum", "enums")
                ));
            }
            lint_exit
        }
        Err(diags) => {
            report(out, &diags);
            // A schema path that does not exist is a configuration problem, not a schema one.
            if diags
                .iter()
                .any(|d| matches!(d.code, "schema-not-found" | "schema-empty"))
            {
                if !out.json() {
                    eprintln!(
                        "the configuration's `schema` ({}) names no schema files",
                        config.schema.display()
                    );
                }
                return Exit::Usage;
            }
            if !out.json() {
                let n = diags.len();
                eprintln!("{n} error{} in the schema", if n == 1 { "" } else { "s" });
            }
            Exit::Found
        }
    }
}
