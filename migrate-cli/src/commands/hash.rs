//! `migrate hash`: re-record the manifest from the files as they are.

use migrate_core::Explain;
use serde_json::json;

use super::{Exit, load_config, migration_error, open_dir};
use crate::cli::Global;
use crate::output::Output;

pub fn run(global: &Global, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut dir = match open_dir(&config, global, false, out) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match dir.rehash() {
        Ok(resolved) => {
            // The files it re-recorded are the ones edited by hand: lint them.
            let touched: Vec<_> = dir
                .migrations()
                .iter()
                .filter(|m| resolved.iter().any(|p| p.path == m.path))
                .collect();
            let reports = super::lint::migration_reports(&config, &touched);
            if out.json() {
                let list: Vec<_> = resolved
                    .iter()
                    .map(|p| json!({ "code": p.code(), "file": p.path.display().to_string() }))
                    .collect();
                let lint: Vec<_> = reports
                    .iter()
                    .flat_map(|r| {
                        r.findings
                            .iter()
                            .map(move |f| migrate_core::lint::report::json(r, f))
                    })
                    .collect();
                println!("{}", json!({ "ok": true, "resolved": list, "lint": lint }));
            } else if resolved.is_empty() {
                out.say("the manifest already matches the files; nothing changed");
            } else {
                for p in &resolved {
                    out.say(&format!("re-recorded {} ({})", p.file_name(), p.code()));
                }
                super::lint::print_reports(out, &reports);
                super::lint::summary(&reports, false);
            }
            super::lint::exit_code(&reports)
        }
        Err(migrate_core::migration::MigrationError::Unverified { problems, .. }) => {
            super::report_problems(out, &problems);
            Exit::Found
        }
        Err(e) => {
            migration_error(out, &e);
            Exit::Usage
        }
    }
}
