//! `migrate new NAME`: an empty hand-written migration, listed in the manifest.

use migrate_core::migration::{MigrationError, check_name};

use super::{Exit, load_config, open_dir};
use crate::cli::{Global, NewArgs};
use crate::output::Output;
use crate::report::Written;

/// The end of the description line `migrate new` writes, for the user to replace. A migration
/// whose description still ends so is warned about (`check`, `hash`, `up`): its description is
/// what the history records.
pub const PLACEHOLDER: &str = ": describe what this migration does and why.";

/// Whether a migration's description is still `migrate new`'s placeholder.
pub fn is_placeholder(description: &str) -> bool {
    description.ends_with(PLACEHOLDER)
}

/// The warning for a migration whose description is still the placeholder.
pub fn placeholder_warning(file: &str) -> String {
    format!(
        "warning: {file}: its description is still `migrate new`'s placeholder (\"...{PLACEHOLDER}\"); \
         the history records it: replace the first comment line with what the migration does"
    )
}

pub fn run(global: &Global, args: &NewArgs, out: &Output) -> Exit {
    if let Err(e) = check_name(&args.name) {
        out.explain(&e);
        return Exit::Usage;
    }
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut dir = match open_dir(&config, true, out) {
        Ok(d) => d,
        Err(code) => return code,
    };
    super::wait_for_a_free_second(&dir);
    let content = format!(
        "-- {}{PLACEHOLDER}\n--\n\
         -- Hand-written. Applied once per database; once applied anywhere, never edit it: a fix is a\n\
         -- new migration. Add `-- migrate:no-transaction` as the first line for statements that\n\
         -- cannot run in a transaction (e.g. CREATE INDEX CONCURRENTLY).\n\n",
        args.name.replace('_', " ")
    );
    match dir.add(&args.name, &content) {
        Ok(path) => {
            let lint = dir
                .migrations()
                .iter()
                .filter(|m| m.path == path)
                .collect::<Vec<_>>();
            let reports = super::lint::migration_reports(&config, &lint);
            if !out.json() {
                crate::report::lint::print_findings(out, &reports);
            }
            out.emit(&Written::new(&[path]));
            Exit::Ok
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
