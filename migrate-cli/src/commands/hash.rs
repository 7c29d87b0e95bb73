//! `migrate hash`: re-record the manifest from the files as they are.

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
            if out.json() {
                let list: Vec<_> = resolved
                    .iter()
                    .map(|p| json!({ "code": p.code(), "file": p.path.display().to_string() }))
                    .collect();
                println!("{}", json!({ "ok": true, "resolved": list }));
            } else if resolved.is_empty() {
                out.say("the manifest already matches the files; nothing changed");
            } else {
                for p in &resolved {
                    out.say(&format!("re-recorded {} ({})", p.file_name(), p.code()));
                }
            }
            Exit::Ok
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
