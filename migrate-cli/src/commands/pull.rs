//! `migrate pull`: the live database's schema as schema TOML.

use std::path::PathBuf;

use super::diff::{options, print_notes, read_any_database};
use super::{Exit, block_on, load_config};
use crate::cli::Global;
use crate::output::Output;
use crate::report::diff::{Pulled, UnprintableNames};
use clap::Args;
use migrate_core::schema::print::to_toml;
use migrate_core::schema::validate::unprintable_names;

#[derive(Debug, Args)]
pub struct PullArgs {
    /// Write the schema to this file instead of standard output
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Overwrite the --output file if it exists
    #[arg(long, requires = "output")]
    pub force: bool,
    /// A PostgreSQL schema to read (repeat for several) [default: public]
    #[arg(long = "db-schema", value_name = "NAME")]
    pub db_schemas: Vec<String>,
    /// Leave out the tables whose name matches PATTERN (`*`: any characters, `?`: one; repeat
    /// for several), e.g. a table whose columns cannot be read
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,
    /// Read only the tables whose name matches PATTERN (repeat for several)
    #[arg(long, value_name = "PATTERN")]
    pub include: Vec<String>,
}

/// The comment at the top of a pulled schema.
pub const HEADER: &str = "\
# Read from a live database by `migrate pull`.
# Model names are derived from the table names (UpperCamelCase, singular): rename them freely.
";

pub fn run(global: &Global, args: &PullArgs, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(path) = &args.output
        && path.exists()
        && !args.force
    {
        out.error(
            &format!("{} already exists", path.display()),
            Some("pass --force to overwrite it, or choose another --output"),
        );
        return Exit::Usage;
    }
    let opts = options(&config, &args.db_schemas, &args.exclude, &args.include);
    let read = block_on(async {
        let (conn, live) = read_any_database(&config, global, &opts, out).await?;
        let dialect = conn.dialect();
        conn.close().await;
        Ok((dialect, live))
    });
    let (dialect, live) = match read {
        Ok(v) => v,
        Err(code) => return code,
    };
    print_notes(out, &live.notes);
    if refuse_unprintable_names(out, &live.schema) {
        return Exit::Found;
    }
    if dialect != config.dialect {
        out.note(&format!(
            "note: the database is {}, but migrate.toml says `dialect = \"{}\"`",
            dialect.as_str(),
            config.dialect.as_str()
        ));
    }
    let text = format!("{HEADER}\n{}", to_toml(&live.schema));
    let Some(path) = &args.output else {
        out.emit(&Pulled::printed(&text, &live.notes));
        return Exit::Ok;
    };
    let written = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => std::fs::create_dir_all(parent),
        None => Ok(()),
    }
    .and_then(|()| std::fs::write(path, &text));
    if let Err(e) = written {
        out.error(&format!("cannot write {}: {e}", path.display()), None);
        return Exit::Usage;
    }
    let counts = (live.schema.enums.len(), live.schema.tables.len());
    out.emit(&Pulled::written(path, counts, &live.notes));
    Exit::Ok
}

/// Reports the names of the database that `migrate check` would refuse (control characters,
/// line breaks, text-direction controls) and says so: the schema is not written, since a schema
/// with them fails every later command, and one without them would have the next `diff` drop
/// those objects. Returns whether there were any.
fn refuse_unprintable_names(out: &Output, schema: &migrate_core::schema::Schema) -> bool {
    let found = unprintable_names(schema);
    if found.is_empty() {
        return false;
    }
    out.emit(&UnprintableNames::new(found));
    true
}
