//! `migrate generate`: the next migration from the declared schema.

use migrate_core::generate::{GenerateError, Generated, generate};
use serde_json::json;

use super::{Exit, load_config, migration_error, report, report_problems};
use crate::cli::{GenerateArgs, Global};
use crate::output::Output;

pub fn run(global: &Global, args: &GenerateArgs, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(name) = &args.name
        && !migrate_core::migration::is_valid_name(name)
    {
        out.error(
            &format!("`{name}` is not a snake_case migration name"),
            Some(&format!(
                "use lower case letters, digits and `_`, e.g. `{}`",
                migrate_core::migration::snake_case(name)
            )),
        );
        return Exit::Usage;
    }
    match generate(
        config.dialect,
        &config.schema,
        &config.migrations,
        args.name.as_deref(),
    ) {
        Ok(Generated::NoChange) => {
            if out.json() {
                println!("{}", json!({ "ok": true, "written": [] }));
            } else {
                out.say(
                    "no changes: the declared schema matches the last migration; nothing written",
                );
            }
            Exit::Ok
        }
        Ok(Generated::Written(paths)) => {
            if out.json() {
                let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                println!("{}", json!({ "ok": true, "written": list }));
            } else {
                for p in &paths {
                    out.say(&p.display().to_string());
                }
            }
            Exit::Ok
        }
        Err(GenerateError::Schema(diags)) => {
            report(out, &diags);
            Exit::Found
        }
        Err(GenerateError::Refused(refusals)) => {
            if out.json() {
                let list: Vec<_> = refusals
                    .iter()
                    .map(|r| {
                        json!({
                            "change": r.subject,
                            "risk": r.risk.as_str(),
                            "reason": r.reason,
                            "acknowledge_in": r.needs.as_ref().map(|n| n.section.clone()),
                            "acknowledge_with": r.needs.as_ref().map(|n| n.line.clone()),
                            "note": r.hint,
                        })
                    })
                    .collect();
                println!("{}", json!({ "ok": false, "refused": list }));
            } else {
                for r in &refusals {
                    eprintln!("error: {}\n", migrate_core::diagnostic::plain(r));
                }
                eprintln!(
                    "nothing was written: {} change(s) would lose data or break running code until acknowledged",
                    refusals.len()
                );
            }
            Exit::Found
        }
        Err(GenerateError::Migrations(migrate_core::migration::MigrationError::Unverified {
            problems,
            ..
        })) => {
            report_problems(out, &problems);
            if !out.json() {
                eprintln!("nothing was written: fix the migration directory first");
            }
            Exit::Found
        }
        Err(GenerateError::Migrations(e)) => {
            migration_error(out, &e);
            Exit::Usage
        }
    }
}
