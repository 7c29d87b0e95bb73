//! `migrate generate`: the next migration from the declared schema.

use migrate_core::generate::{GenerateError, Options, Replay, generate_with};
use migrate_core::migration::{MigrationError, check_name};

use super::{Exit, load_config, report_problems};
use crate::cli::{GenerateArgs, Global};
use crate::output::Output;
use crate::report::Refused;
use crate::report::generate::Generation;

pub fn run(global: &Global, args: &GenerateArgs, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(Err(e)) = args.name.as_deref().map(check_name) {
        out.explain(&e);
        return Exit::Usage;
    }
    if !args.print
        && let Ok(dir) = migrate_core::migration::MigrationDir::open(&config.migrations)
    {
        super::wait_for_a_free_second(&dir);
    }
    // A long replay shows how far it got, on a terminal.
    let terminal = !out.json() && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = move |done: usize, total: usize| {
        if terminal && total >= 50 && (done.is_multiple_of(25) || done == total) {
            eprint!("\rreplaying the migration directory: {done}/{total}");
            if done == total {
                eprint!("\r\x1b[2K");
            }
        }
    };
    let opts = Options {
        name: args.name.as_deref(),
        print: args.print,
        replay: if args.offline {
            Replay::Offline
        } else {
            Replay::Full
        },
        now: None,
        progress: Some(&progress),
    };
    match generate_with(&config, &opts) {
        Ok(outcome) => {
            out.emit(&Generation::new(&outcome, args.print));
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
        Err(e @ GenerateError::Replay { code, .. }) => {
            out.explain(&e);
            if code == "replay-failed" {
                Exit::Found
            } else {
                if code == "no-dev-database" {
                    out.note("note: `migrate generate --offline` generates from the snapshot instead, which may not know what hand-written migrations did");
                }
                Exit::Usage
            }
        }
        Err(GenerateError::Migrations(e)) => {
            out.explain(&e);
            Exit::Usage
        }
    }
}
