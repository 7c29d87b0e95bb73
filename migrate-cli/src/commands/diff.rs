//! `migrate diff`: the next migration from the live database to the declared schema.

use clap::Args;
use migrate_core::config::Config;
use migrate_core::db::Connection;
use migrate_core::generate::plan_by;
use migrate_core::introspect::{self, Introspected, Options};
use migrate_core::migration::check_name;
use migrate_core::schema::{self, Schema};

use super::{Exit, block_on, load_config, open_dir, report_problems};
use crate::cli::Global;
use crate::output::Output;
use crate::report::diff::{DiffRefused, DiffReport};

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
    /// Leave out the tables whose name matches PATTERN (`*`: any characters, `?`: one; repeat
    /// for several), e.g. a table whose columns cannot be read
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,
    /// Read only the tables whose name matches PATTERN (repeat for several)
    #[arg(long, value_name = "PATTERN")]
    pub include: Vec<String>,
}

/// Introspection options from the configuration, `--db-schema`, `--exclude` and `--include`.
pub fn options(
    config: &Config,
    db_schemas: &[String],
    exclude: &[String],
    include: &[String],
) -> Options {
    let mut opts = Options {
        history_table: config.history_table.clone(),
        exclude: exclude.to_vec(),
        include: include.to_vec(),
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
) -> Result<(Connection<'static>, Introspected), Exit> {
    let conn = super::connect_existing(config, global, out).await?;
    introspect_conn(conn, opts, out).await
}

/// [`read_database`] of either dialect: `migrate pull` reads any database.
pub async fn read_any_database(
    config: &Config,
    global: &Global,
    opts: &Options,
    out: &Output,
) -> Result<(Connection<'static>, Introspected), Exit> {
    let conn = super::connect_any_dialect(config, global, out).await?;
    introspect_conn(conn, opts, out).await
}

async fn introspect_conn(
    mut conn: Connection<'static>,
    opts: &Options,
    out: &Output,
) -> Result<(Connection<'static>, Introspected), Exit> {
    match introspect::introspect_with_notes(&mut conn, opts).await {
        Ok(live) => Ok((conn, live)),
        Err(e) => {
            out.explain(&e);
            conn.close().await;
            Err(Exit::Usage)
        }
    }
}

/// Prints what the database has that the schema language cannot express.
pub fn print_notes(out: &Output, notes: &[String]) {
    for n in notes {
        // Notes quote names read from the database: print them on one line, as they are.
        out.note(&format!("note: {}", migrate_core::sql::printable(n)));
    }
}

pub fn run(global: &Global, args: &DiffArgs, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(Err(e)) = args.name.as_deref().map(check_name) {
        out.explain(&e);
        return Exit::Usage;
    }
    let declared = match schema::load_for(&config.schema, config.dialect) {
        Ok(s) => s,
        Err(diags) => return super::report_schema_errors(out, &config, &diags),
    };
    let opts = options(&config, &args.db_schemas, &args.exclude, &args.include);
    let read = block_on(async {
        let (mut conn, live) = read_database(&config, global, &opts, out).await?;
        let dialect = conn.dialect();
        let mut wanted = introspect::represent(dialect, &declared);
        // The tables not read are not compared either.
        wanted.tables.retain(|t| opts.reads_table(&t.name));
        introspect::retain_read_objects(&mut wanted, &opts);
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
    if !plan.problems.is_empty() {
        for p in &plan.problems {
            out.error(&p.message, Some(&p.help));
        }
        return Exit::Found;
    }
    let kept = undeclared.iter().filter(|u| !u.dropped).count();
    let differs = !plan.diff.is_empty() || kept > 0;
    let exit = if args.exit_code && differs {
        Exit::Found
    } else {
        Exit::Ok
    };

    let refusals = plan.refusals();
    if !refusals.is_empty() {
        out.emit(&DiffRefused::new(&refusals, &undeclared, &live.notes));
        return Exit::Found;
    }

    let shown = DiffReport::new(&plan, differs, &undeclared, &live.notes);
    if plan.diff.is_empty() {
        out.emit(&shown);
        return exit;
    }
    // A migration made against this one database must also fit every database built from the
    // directory: replayed, then this migration on top. When it does not, `--env` writes it as
    // that environment's fix-up instead.
    let fixup_for = match fits_the_directory(&config, &plan, args.print, global.env.as_deref(), out)
    {
        Ok(fixup_for) => fixup_for,
        Err(code) => return code,
    };
    // Only people are told about the snapshot.
    let snapshot_note = || !out.json() && snapshot_differs(&config, &declared);
    if args.print {
        out.emit(&shown.printed(&plan, snapshot_note()));
        return exit;
    }

    let mut dir = match open_dir(&config, true, out) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let problems = dir.verify();
    if !problems.is_empty() {
        report_problems(out, &problems);
        out.note("nothing was written: fix the migration directory first");
        return Exit::Found;
    }
    let files: Vec<(&str, &str)> = plan
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.content.as_str()))
        .collect();
    if let Some(env) = fixup_for {
        return match write_fixup(&config, env, &mut dir, &files, out) {
            Ok(paths) => {
                out.emit(&shown.written(&paths, snapshot_note()));
                out.note(&format!(
                    "note: an environment-specific fix-up: it runs on `--env {env}` alone, in order \
                     (`migrate up --env {env}`); every other database runs its placeholder, which does nothing"
                ));
                exit
            }
            Err(code) => code,
        };
    }
    match dir.add_all(&files) {
        Ok(paths) => {
            out.emit(&shown.written(&paths, snapshot_note()));
            exit
        }
        Err(e) => {
            out.explain(&e);
            Exit::Usage
        }
    }
}

/// Checks that the planned files apply on top of the replayed migration directory. When they do
/// not, the live database drifted from the directory and the migration would only fit it: with
/// `--env ENV` it is to be written as that environment's fix-up (`Ok(Some(ENV))`), else refused
/// (exit 1), or with `--print` only said. Not checked, with a note, when no scratch database can
/// be had or the directory does not replay.
fn fits_the_directory<'e>(
    config: &Config,
    plan: &migrate_core::generate::Plan,
    print: bool,
    env: Option<&'e str>,
    out: &Output,
) -> Result<Option<&'e str>, Exit> {
    use migrate_core::replay::{self, Fit, Request};
    let Ok(dir) = migrate_core::migration::MigrationDir::open(&config.migrations) else {
        return Ok(None);
    };
    let req = Request {
        dialect: config.dialect,
        history_table: &config.history_table,
        from: migrate_core::dialect::runtime::ScratchFrom {
            dev_url: config.dev_database_url.as_deref(),
            start_server: true,
        },
    };
    let files: Vec<(&str, &str)> = plan
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.content.as_str()))
        .collect();
    match block_on(replay::fits(req, &dir, &files)) {
        Ok(Fit::Applies) => Ok(None),
        Ok(Fit::Breaks { file, error }) => {
            let message = format!(
                "the migration fits this database only: on a database built from the migration directory, \
                 the new migration `{file}` fails: {error}"
            );
            let help = "the database drifted from the migration directory (`migrate status` lists how): undo the \
                        hand edits there, or make the change in a hand-written migration (`migrate new`) that works \
                        on both, or `migrate generate` for what the schema declares; or, to fix this environment \
                        alone, `migrate diff --env ENV` writes it as that environment's fix-up (in its \
                        `extra_migration_paths`, run there only)";
            if print {
                let warning = out.paint_err("warning", crate::output::Tone::Waiting);
                if !out.json() {
                    eprintln!(
                        "{warning}: {}
  help: {help}",
                        migrate_core::sql::printable(&message)
                    );
                }
                Ok(None)
            } else if let Some(env) = env {
                out.note(&format!(
                    "note: {}: written as a fix-up for `{env}` alone",
                    migrate_core::sql::printable(&message)
                ));
                Ok(Some(env))
            } else {
                out.error(&message, Some(&format!("{help}; nothing was written")));
                Err(Exit::Found)
            }
        }
        Err(e) => {
            out.note(&format!(
                "note: not checked against the migration directory (whether it applies to a database built from it): {e}"
            ));
            Ok(None)
        }
    }
}

/// What stands in the repository for an environment's fix-up: it keeps the fix-up's place in the
/// order (listed in the manifest) and does nothing where it runs as it is. A statement, not only
/// comments: a placeholder with no SQL must have its file in every environment that has
/// `extra_migration_paths`, and this one concerns a single environment.
fn fixup_placeholder(env: &str) -> String {
    format!(
        "-- An environment-specific fix-up for `{env}` alone, written by `migrate diff --env {env}`:\n\
         -- that database drifted from this directory, so the migration that brings it to the schema\n\
         -- would fail on the databases built from the directory. Its SQL is the file of this name in\n\
         -- the `extra_migration_paths` of `[environments.{env}]`, which runs there in place of this\n\
         -- file. Everywhere else this file runs as it is, and does nothing.\n\
         SELECT 1;\n"
    )
}

/// Writes `files` as the fix-up of environment `env`: each file's SQL into the environment's
/// first `extra_migration_paths` directory, and a placeholder of the same name into the
/// migration directory (listed in the manifest, so it runs in order). Refused, nothing written,
/// when the environment has no such path. Returns the paths written, SQL files first.
fn write_fixup(
    config: &Config,
    env: &str,
    dir: &mut migrate_core::migration::MigrationDir,
    files: &[(&str, &str)],
    out: &Output,
) -> Result<Vec<std::path::PathBuf>, Exit> {
    let Some(secure) = config
        .environments
        .get(env)
        .and_then(|e| e.extra_migration_paths.first())
    else {
        out.error(
            &format!(
                "the migration fits this database only, and `[environments.{env}]` has no secure migration path to write it to as that environment's fix-up"
            ),
            Some(&format!(
                "add `extra_migration_paths = [\"secure/{env}\"]` under `[environments.{env}]` in migrate.toml \
                 (a directory only `{env}`'s deployments read, e.g. outside the repository), then run this again; \
                 nothing was written"
            )),
        );
        return Err(Exit::Usage);
    };
    if let Err(e) = std::fs::create_dir_all(secure) {
        out.error(
            &format!("cannot create `{}`: {e}", secure.display()),
            Some("check the environment's `extra_migration_paths`; nothing was written"),
        );
        return Err(Exit::Usage);
    }
    // The placeholders first: the versions they get name the fix-up files.
    let placeholder = fixup_placeholder(env);
    let planned: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, _)| (*name, placeholder.as_str()))
        .collect();
    let written = match dir.add_all(&planned) {
        Ok(paths) => paths,
        Err(e) => {
            out.explain(&e);
            return Err(Exit::Usage);
        }
    };
    let mut paths = Vec::new();
    for (path, (_, sql)) in written.iter().zip(files) {
        let Some(file) = path.file_name() else {
            continue;
        };
        let target = secure.join(file);
        if let Err(e) = std::fs::write(&target, sql) {
            out.error(
                &format!("cannot write `{}`: {e}", target.display()),
                Some(&format!(
                    "the placeholder `{}` is written: write the fix-up there by hand, or delete the placeholder and run `migrate hash`",
                    path.display()
                )),
            );
            return Err(Exit::Usage);
        }
        paths.push(target);
    }
    paths.extend(written);
    Ok(paths)
}

/// Whether `migrate generate` would also write a migration: `diff` never updates the snapshot.
fn snapshot_differs(config: &Config, declared: &Schema) -> bool {
    if !config.migrations.is_dir() {
        return false;
    }
    let Ok(dir) = migrate_core::migration::MigrationDir::open(&config.migrations) else {
        return false;
    };
    let Ok(snapshot) = dir.snapshot() else {
        return false;
    };
    !migrate_core::diff::diff(&snapshot, declared).is_empty()
}
