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
    let content = match (&args.table, args.rust) {
        (Some(table), true) => match rust_file(&args.name, table) {
            Ok(c) => c,
            Err((message, help)) => {
                out.error(&message, Some(&help));
                return Exit::Usage;
            }
        },
        _ => format!(
            "-- {}{PLACEHOLDER}\n--\n\
             -- Hand-written. Applied once per database; once applied anywhere, never edit it: a fix is a\n\
             -- new migration. Add `-- migrate:no-transaction` as the first line for statements that\n\
             -- cannot run in a transaction (e.g. CREATE INDEX CONCURRENTLY).\n\n",
            args.name.replace('_', " ")
        ),
    };
    super::wait_for_a_free_second(&dir);
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

/// The file of a data migration in Rust named `name` walking `table`: its directive and how to
/// supply its body; an error (message, help) for a table name the directive cannot hold.
fn rust_file(name: &str, table: &str) -> Result<String, (String, String)> {
    let bare = !table.is_empty()
        && table
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.');
    let table = if bare {
        table.to_string()
    } else {
        format!("\"{}\"", table.replace('"', "\"\""))
    };
    let content = format!(
        "-- {words}{PLACEHOLDER}\n\
         -- migrate:rust name={name} table={table}\n\
         --\n\
         -- A data migration in Rust: no SQL here. Its body is the function your application registers\n\
         -- as `{name}` on its Migrator, called once per batch of the table's keys, in the batch's\n\
         -- transaction, returning the rows it changed:\n\
         --\n\
         --   embed_migrations!().data_migration(\"{name}\", \"what it does\", |batch| Box::pin(async move {{\n\
         --       let sql = format!(\"UPDATE … WHERE {{}}\", batch.range());\n\
         --       Ok(batch.execute(&sql).await?)\n\
         --   }}))\n\
         --\n\
         -- `migrate up` stops before it: the application's Migrator runs it (and what follows).\n\
         -- Add `key=a,b` to walk by other unique NOT NULL columns, `size=N` to fix the batch size.\n",
        words = name.replace('_', " "),
    );
    let (_, errors) = migrate_core::migration::directive::parse(&content);
    match errors.into_iter().next() {
        Some(e) => Err((format!("--table {table}: {}", e.message), e.help)),
        None => Ok(content),
    }
}
