//! `migrate diff`: the next migration from the live database to the declared schema.

use clap::Args;
use migrate_core::config::Config;
use migrate_core::db::Conn;
use migrate_core::generate::{Plan, plan_by};
use migrate_core::introspect::{self, Introspected, Options, Undeclared};
use migrate_core::schema::{self, Schema};
use serde_json::json;

use super::{
    Exit, block_on, connect, load_config, migration_error, open_dir, report, report_problems,
};
use crate::cli::Global;
use crate::output::Output;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The file name after the version, in snake_case [default: describes the change]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Print the migration's SQL instead of writing a file
    #[arg(long)]
    pub print: bool,
    /// Exit with 1 when the database and the declared schema differ (after writing or printing)
    #[arg(long)]
    pub exit_code: bool,
    /// A PostgreSQL schema to read (repeat for several) [default: public]
    #[arg(long = "db-schema", value_name = "NAME")]
    pub db_schemas: Vec<String>,
}

/// Introspection options from the configuration and `--db-schema`.
pub fn options(config: &Config, db_schemas: &[String]) -> Options {
    let mut opts = Options {
        history_table: config.history_table.clone(),
        ..Options::default()
    };
    if !db_schemas.is_empty() {
        opts.schemas = db_schemas.to_vec();
    }
    opts
}

/// Connects and reads the database; a failure is reported (exit 2). Run it, and everything
/// else done with the connection, in one `block_on`: the connection lives in that runtime.
pub async fn read_database(
    config: &Config,
    global: &Global,
    opts: &Options,
    out: &Output,
) -> Result<(Conn, Introspected), Exit> {
    let mut conn = connect(config, global, out).await?;
    match introspect::introspect_with_notes(&mut conn, opts).await {
        Ok(live) => Ok((conn, live)),
        Err(e) => {
            out.error(&e.message, e.help.as_deref());
            conn.close().await;
            Err(Exit::Usage)
        }
    }
}

/// Prints what the database has that the schema language cannot express.
pub fn print_notes(out: &Output, notes: &[String]) {
    if !out.json() {
        for n in notes {
            // Notes quote names read from the database: print them on one line, as they are.
            eprintln!("note: {}", migrate_core::sql::printable(n));
        }
    }
}

pub fn run(global: &Global, args: &DiffArgs, out: &Output) -> Exit {
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
    let declared = match schema::load(&config.schema) {
        Ok(s) => s,
        Err(diags) => {
            report(out, &diags);
            return Exit::Found;
        }
    };
    let opts = options(&config, &args.db_schemas);
    let read = block_on(async {
        let (mut conn, live) = read_database(&config, global, &opts, out).await?;
        let dialect = conn.dialect();
        let mut wanted = introspect::represent(dialect, &declared);
        introspect::canonical_literals(&mut conn, &mut wanted).await;
        conn.close().await;
        Ok((dialect, live, wanted))
    });
    let (dialect, live, wanted) = match read {
        Ok(v) => v,
        Err(code) => return code,
    };
    if dialect != config.dialect {
        out.error(
            &format!(
                "the database is {}, but migrate.toml says `dialect = \"{}\"`",
                dialect.as_str(),
                config.dialect.as_str()
            ),
            Some("point --database-url at a database of the configured dialect"),
        );
        return Exit::Usage;
    }
    print_notes(out, &live.notes);

    // Whatever the database has that the schema does not declare stays, unless acknowledged.
    let (target, undeclared) = introspect::keep_undeclared(&live.schema, &wanted);
    let plan = plan_by(
        dialect,
        &live.schema,
        &target,
        args.name.as_deref(),
        "`migrate diff` from the declared schema and the live database",
    );
    let kept = undeclared.iter().filter(|u| !u.dropped).count();
    let differs = !plan.diff.is_empty() || kept > 0;
    let exit = if args.exit_code && differs {
        Exit::Found
    } else {
        Exit::Ok
    };

    let refusals = plan.refusals();
    if !refusals.is_empty() {
        report_undeclared(out, &undeclared);
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
            println!(
                "{}",
                json!({ "ok": false, "refused": list, "undeclared": undeclared_json(&undeclared), "notes": live.notes })
            );
        } else {
            for r in &refusals {
                eprintln!("error: {}\n", migrate_core::diagnostic::plain(*r));
            }
            eprintln!(
                "nothing was written: {} change(s) would lose data or break running code until acknowledged",
                refusals.len()
            );
        }
        return Exit::Found;
    }

    if plan.diff.is_empty() {
        if out.json() {
            println!(
                "{}",
                json!({ "ok": true, "differs": differs, "changes": [], "undeclared": undeclared_json(&undeclared), "notes": live.notes })
            );
        } else {
            report_undeclared(out, &undeclared);
            out.say(if kept > 0 {
                "no migration needed: the database has everything the schema declares"
            } else {
                "no changes: the database matches the declared schema"
            });
        }
        return exit;
    }

    let changes: Vec<String> = plan.diff.changes.iter().map(|c| c.describe()).collect();
    if args.print {
        if out.json() {
            let files: Vec<_> = plan
                .files
                .iter()
                .map(|f| json!({ "name": f.name, "sql": f.content }))
                .collect();
            println!(
                "{}",
                json!({ "ok": true, "differs": true, "changes": changes, "files": files, "undeclared": undeclared_json(&undeclared), "notes": live.notes })
            );
        } else {
            report_undeclared(out, &undeclared);
            print_files(&plan);
            snapshot_note(&config, &declared);
        }
        return exit;
    }

    let mut dir = match open_dir(&config, global, true, out) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let problems = dir.verify();
    if !problems.is_empty() {
        report_problems(out, &problems);
        if !out.json() {
            eprintln!("nothing was written: fix the migration directory first");
        }
        return Exit::Found;
    }
    let files: Vec<(&str, &str)> = plan
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.content.as_str()))
        .collect();
    match dir.add_all(&files) {
        Ok(paths) => {
            if out.json() {
                let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                println!(
                    "{}",
                    json!({ "ok": true, "differs": true, "changes": changes, "written": list, "undeclared": undeclared_json(&undeclared), "notes": live.notes })
                );
            } else {
                report_undeclared(out, &undeclared);
                for p in &paths {
                    out.say(&p.display().to_string());
                }
                snapshot_note(&config, &declared);
            }
            exit
        }
        Err(e) => {
            migration_error(out, &e);
            Exit::Usage
        }
    }
}

fn print_files(plan: &Plan) {
    let many = plan.files.len() > 1;
    for (i, f) in plan.files.iter().enumerate() {
        if many {
            if i > 0 {
                println!();
            }
            println!("-- migration {} of {}: {}", i + 1, plan.files.len(), f.name);
        }
        print!("{}", f.content);
    }
}

fn undeclared_json(list: &[Undeclared]) -> Vec<serde_json::Value> {
    list.iter()
        .map(|u| {
            json!({
                "object": u.object,
                "dropped": u.dropped,
                "acknowledge_with": u.acknowledge,
            })
        })
        .collect()
}

/// Lists the database's objects that the schema does not declare, and what happens to each.
fn report_undeclared(out: &Output, list: &[Undeclared]) {
    if list.is_empty() || out.json() {
        return;
    }
    eprintln!(
        "The database has {} object(s) the schema does not declare; none is dropped unless acknowledged:",
        list.len()
    );
    for u in list {
        let what = match (&u.acknowledge, u.dropped) {
            (_, true) => "dropped, as acknowledged".to_string(),
            (Some(ack), false) => format!("left in place (to drop it: `{ack}`)"),
            (None, false) => {
                "left in place (declare it, or drop it in a hand-written migration: `migrate new`)"
                    .to_string()
            }
        };
        eprintln!("  - {}: {what}", migrate_core::sql::printable(&u.object));
    }
    eprintln!();
}

/// Says so when `migrate generate` would also write a migration: `diff` never updates the
/// snapshot.
fn snapshot_note(config: &Config, declared: &Schema) {
    if !config.migrations.is_dir() {
        return;
    }
    let Ok(dir) = migrate_core::migration::MigrationDir::open(&config.migrations) else {
        return;
    };
    let Ok(snapshot) = dir.snapshot() else {
        return;
    };
    if !migrate_core::diff::diff(&snapshot, declared).is_empty() {
        eprintln!(
            "note: the declared schema also differs from the migration directory's snapshot; `migrate generate` \
             writes its own migration for that (`migrate diff` never updates the snapshot)"
        );
    }
}
