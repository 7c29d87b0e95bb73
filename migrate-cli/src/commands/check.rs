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
    match migrate_core::schema::load(&config.schema) {
        Ok(schema) => {
            if out.json() {
                println!(
                    "{}",
                    json!({
                        "ok": true,
                        "errors": [],
                        "tables": schema.tables.len(),
                        "enums": schema.enums.len(),
                    })
                );
            } else {
                out.say(&format!(
                    "ok: {} is valid ({} tables, {} enums)",
                    config.schema.display(),
                    schema.tables.len(),
                    schema.enums.len()
                ));
            }
            Exit::Ok
        }
        Err(diags) => {
            report(out, &diags);
            // A schema path that does not exist is a configuration problem, not a schema one.
            if diags.iter().any(|d| matches!(d.code, "schema-not-found" | "schema-empty")) {
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
