//! `migrate generate`: the next migration from the declared schema.

use migrate_core::generate::{GenerateError, Generated, generate_for};
use migrate_core::migration::{MigrationError, check_name};

use super::{Exit, load_config, report_problems};
use crate::cli::{GenerateArgs, Global};
use crate::output::Output;
use crate::report::{Refused, Written};

pub fn run(global: &Global, args: &GenerateArgs, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(Err(e)) = args.name.as_deref().map(check_name) {
        out.explain(&e);
        return Exit::Usage;
    }
    if let Ok(dir) = migrate_core::migration::MigrationDir::open(&config.migrations) {
        super::wait_for_a_free_second(&dir);
    }
    match generate_for(&config, args.name.as_deref()) {
        Ok(Generated::NoChange) => {
            out.emit(&Written::new(&[]));
            Exit::Ok
        }
        Ok(Generated::Written(paths)) => {
            out.emit(&Written::new(&paths));
            Exit::Ok
        }
        Err(GenerateError::Schema(diags)) => super::report_schema_errors(out, &config, &diags),
        Err(GenerateError::Refused(refusals)) => {
            out.emit(&Refused::new(&refusals));
            Exit::Found
        }
        Err(GenerateError::Migrations(MigrationError::Unverified { problems, .. })) => {
            report_problems(out, &problems);
            out.note("nothing was written: fix the migration directory first");
            Exit::Found
        }
        Err(GenerateError::Migrations(e)) => {
            out.explain(&e);
            Exit::Usage
        }
    }
}
