//! `migrate hash`: re-record the manifest from the files as they are.

use migrate_core::migration::MigrationError;

use super::{Exit, load_config, open_dir};
use crate::cli::Global;
use crate::output::Output;
use crate::report::project::Rehashed;

pub fn run(global: &Global, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut dir = match open_dir(&config, false, out) {
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
            out.emit(&Rehashed::new(&resolved, &reports));
            super::lint::exit_code(&reports)
        }
        Err(MigrationError::Unverified { problems, .. }) => {
            super::report_problems(out, &problems);
            Exit::Found
        }
        Err(e) => {
            out.explain(&e);
            Exit::Usage
        }
    }
}
