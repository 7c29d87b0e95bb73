//! `migrate up`, `migrate status`, `migrate baseline` and `migrate resolve`: one runner path.

use migrate_core::config::Config;
use migrate_core::db::scrub;
use migrate_core::introspect;
use migrate_core::migration::MigrationDir;
use migrate_core::runner::{self, Event, Options, RunError, Source};

use super::{
    Exit, block_on, connect, connect_existing, database_url, load_config, report_findings,
    report_problems,
};
use crate::cli::{BaselineArgs, ContractArgs, Global, ResolveArgs, StatusArgs, UpArgs};
use crate::output::Output;
use crate::report::backfill::Ticker;
use crate::report::run::{Disagrees, Done, EventLine, Failed, Recorded, Resolved, StatusReport};

/// Everything a database command needs: configuration, verified sources, runner options.
pub(super) struct Ready {
    pub(super) config: Config,
    /// The migration directory, verified.
    pub(super) dir: MigrationDir,
    pub(super) sources: Vec<Source>,
    pub(super) opts: Options,
    pub(super) url: String,
}

/// [`Ready`] but for the database: what a fleet shares between its targets.
pub(super) struct Parts {
    pub(super) config: Config,
    pub(super) dir: MigrationDir,
    pub(super) sources: Vec<Source>,
    pub(super) opts: Options,
}

pub(super) fn prepare(global: &Global, out: &Output) -> Result<Ready, Exit> {
    let config = load_config(global, out)?;
    prepare_with(config, global, out)
}

fn prepare_with(config: Config, global: &Global, out: &Output) -> Result<Ready, Exit> {
    let parts = prepare_parts(config, global, out)?;
    with_url(parts, global, out)
}

/// The verified sources and options, without choosing a database (a fleet has many).
pub(super) fn prepare_parts(config: Config, global: &Global, out: &Output) -> Result<Parts, Exit> {
    let (parts, problems) = parts(config, global, out)?;
    if !problems.is_empty() {
        report_problems(out, &problems);
        out.note("nothing was run: fix the migration directory first");
        return Err(Exit::Found);
    }
    parts.ok_or(Exit::Found)
}

fn with_url(parts: Parts, global: &Global, out: &Output) -> Result<Ready, Exit> {
    let url = database_url(&parts.config, global, out)?;
    Ok(Ready {
        config: parts.config,
        dir: parts.dir,
        sources: parts.sources,
        opts: parts.opts,
        url,
    })
}

/// The configuration, sources and options, and what is wrong with the directory. With problems,
/// the sources are read as the files are now when that is possible (`status` shows them as
/// `modified`), else there is no [`Ready`].
fn load(
    config: Config,
    global: &Global,
    out: &Output,
) -> Result<(Option<Ready>, Vec<migrate_core::migration::Problem>), Exit> {
    let (parts, problems) = parts(config, global, out)?;
    let ready = match parts {
        Some(parts) => Some(with_url(parts, global, out)?),
        None => None,
    };
    Ok((ready, problems))
}

/// [`load`] without choosing a database.
pub(super) fn parts(
    config: Config,
    global: &Global,
    out: &Output,
) -> Result<(Option<Parts>, Vec<migrate_core::migration::Problem>), Exit> {
    let dir = MigrationDir::open(&config.migrations)
        .map_err(|e| {
            out.explain(&e);
            Exit::Usage
        })?
        .with_baseline(config.lint_baseline);
    // The files must match their manifest before anything touches the database. The migrations
    // up to `lint_baseline` go on to the runner whatever their directives: it refuses to run one
    // that this database has not applied, and only warns about one it applied as it is.
    let problems = dir.verify();
    let extra = super::extra_paths(&config, global);
    let sources = match runner::sources_from_dir(&dir, &extra) {
        Ok(sources) => sources,
        // The directory's problems say why the files cannot be read.
        Err(_) if !problems.is_empty() => return Ok((None, problems)),
        Err(RunError::Refused(refusals)) => {
            report_findings(out, &[], &refusals);
            out.note("nothing was run: fix the migrations first");
            return Err(Exit::Found);
        }
        Err(e) => {
            out.explain(&e);
            return Err(Exit::Usage);
        }
    };
    let opts = Options {
        history_table: config.history_table.clone(),
        lock_timeout: config.lock_timeout,
        statement_timeout: config.statement_timeout,
        lock_retries: config.lock_retries,
        // "0" waits for good.
        runner_lock_timeout: config.runner_lock_timeout,
        backfill_batch_time: config.backfill_batch_time,
        backfill_pause: config.backfill_pause,
        backfill_max_lag: config.backfill_max_lag,
        ..Options::default()
    };
    let parts = Parts {
        config,
        dir,
        sources,
        opts,
    };
    Ok((Some(parts), problems))
}

/// Prints one runner event: a line for people, or a JSON line for logs.
fn event(out: &Output, e: &Event) {
    out.emit(&EventLine(e));
}

/// Reports a runner error; integrity problems are listed one by one. Returns the exit code.
pub(super) fn run_error(out: &Output, e: &RunError, url: &str) -> Exit {
    match e {
        RunError::Integrity(problems) => {
            out.emit(&Disagrees::new(problems, e, url));
            Exit::Found
        }
        RunError::Refused(refusals) => {
            report_findings(out, &[], refusals);
            out.note(&e.to_string());
            Exit::Found
        }
        RunError::BackfillPaused { .. } | RunError::RustMigration { .. } => {
            out.emit(&Failed::new(e, url));
            Exit::Paused
        }
        RunError::Db(d) if d.message.starts_with("cannot connect") => {
            out.error(&scrub(&d.message, url), d.help.as_deref());
            Exit::Usage
        }
        other => {
            out.emit(&Failed::new(other, url));
            Exit::Found
        }
    }
}

pub fn up(global: &Global, args: &UpArgs, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let config = match super::fleet::select(config, global, &args.fleet, out) {
        Ok(super::fleet::Selected::Fleet(fleet)) => {
            return super::fleet::up(global, fleet, args, out);
        }
        Ok(super::fleet::Selected::One(config)) => config,
        Err(code) => return code,
    };
    let mut ready = match prepare_with(config, global, out) {
        Ok(r) => r,
        Err(code) => return code,
    };
    ready.opts.dry_run = args.dry_run;
    ready.opts.target = args.to;
    if args.contract {
        ready.opts.contracts = runner::Contracts::Apply;
    }
    apply(global, ready, out)
}

/// `migrate contract VERSION`: that contract step alone, once every migration before it is in.
pub fn contract(global: &Global, args: &ContractArgs, out: &Output) -> Exit {
    let mut ready = match prepare(global, out) {
        Ok(r) => r,
        Err(code) => return code,
    };
    ready.opts.contracts = runner::Contracts::Only(args.version);
    apply(global, ready, out)
}

fn apply(global: &Global, ready: Ready, out: &Output) -> Exit {
    block_on(async {
        let mut conn = match connect(&ready.config, global, out).await {
            Ok(c) => c,
            Err(code) => return code,
        };
        let mut ticker = Ticker::new(out);
        let mut result = runner::up(&mut conn, &ready.sources, &ready.opts, &mut |e| {
            ticker.event(&e)
        })
        .await;
        drop(ticker);
        conn.close().await;
        if let Err(e @ RunError::ConnectionLost { .. }) = result {
            result = Err(settle_lost(&ready, e).await);
        }
        match result {
            Ok(summary) => {
                out.emit(&Done::of(&summary));
                Exit::Ok
            }
            Err(e) => run_error(out, &e, &ready.url),
        }
    })
}

/// The server ended the runner's session part-way through a migration: on a new connection,
/// record the stop in the history and read what the migration left. Without one, the error as is.
async fn settle_lost(ready: &Ready, e: RunError) -> RunError {
    let url = super::resolve_url(&ready.url, &ready.config);
    settle_lost_at(&url, &ready.sources, &ready.opts, e).await
}

/// [`settle_lost`] on the database at `url` (resolved).
pub(super) async fn settle_lost_at(
    url: &str,
    sources: &[Source],
    opts: &Options,
    e: RunError,
) -> RunError {
    match migrate_core::db::Connection::connect(url).await {
        Ok(mut conn) => {
            let settled = runner::settle_lost(&mut conn, sources, opts, e).await;
            conn.close().await;
            settled
        }
        Err(_) => e,
    }
}

pub fn status(global: &Global, args: &StatusArgs, out: &Output) -> Exit {
    // A directory that disagrees with its manifest is reported, and the table still shown: it
    // says what the database has applied, which is what the fix depends on.
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let config = match super::fleet::select(config, global, &args.fleet, out) {
        Ok(super::fleet::Selected::Fleet(fleet)) => {
            return super::fleet::status(global, fleet, args, out);
        }
        Ok(super::fleet::Selected::One(config)) => config,
        Err(code) => return code,
    };
    let (ready, problems) = match load(config, global, out) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if !problems.is_empty() {
        report_problems(out, &problems);
    }
    let Some(ready) = ready else {
        return Exit::Found;
    };
    // The schema as of the last generated migration: what the applied migrations should produce.
    let snapshot = match ready.dir.snapshot() {
        Ok(s) => s,
        Err(e) => {
            out.explain(&e);
            return Exit::Usage;
        }
    };
    block_on(async {
        let mut conn = match status_connection(&ready.config, global, out).await {
            Ok(c) => c,
            Err(code) => return code,
        };
        let result = runner::status(&mut conn, &ready.sources, &ready.opts).await;
        let rows = match result {
            Ok(r) => r,
            Err(e) => {
                conn.close().await;
                return run_error(out, &e, &ready.url);
            }
        };
        // Drift: the live schema against the snapshot, once every migration is applied.
        let pending = rows
            .iter()
            .filter(|r| matches!(r.state, runner::State::Pending | runner::State::Running))
            .count();
        let ahead = rows
            .iter()
            .filter(|r| r.state == runner::State::Ahead)
            .count();
        // A run that stopped part-way leaves a schema no migration describes, and migrations newer
        // than the snapshot are not in it: no drift to speak of.
        let stopped = rows
            .iter()
            .any(|r| matches!(r.state, runner::State::Failed | runner::State::Interrupted));
        let drift = if pending == 0 && !stopped && ahead == 0 && !rows.is_empty() {
            let opts = introspect::Options {
                history_table: ready.config.history_table.clone(),
                ..introspect::Options::default()
            };
            match introspect::introspect(&mut conn, &opts).await {
                Ok(mut live) => {
                    // A family's members are the application's: no drift.
                    live.tables.retain(|t| {
                        !snapshot
                            .families
                            .iter()
                            .any(|f| f.parsed_pattern().key_of(&t.name).is_some())
                    });
                    let dialect = conn.dialect();
                    let mut from_snapshot = introspect::represent(dialect, &snapshot);
                    introspect::canonical_literals(&mut conn, &mut from_snapshot).await;
                    let lines = if ready.dir.snapshot_is_current() {
                        // The snapshot records the migrations as they are: it is the replay's
                        // cache (`migrate generate` keeps it), and a clean database needs no
                        // scratch one. It holds the declared schema, not what a hand-written
                        // migration made beside it, so drift found there is confirmed by a
                        // replay before it is reported.
                        let lines = introspect::drift(&live, &from_snapshot, dialect);
                        if lines.is_empty() {
                            if args.verbose {
                                out.note(
                                    "note: drift checked against the snapshot, which records the migrations as they are: nothing replayed",
                                );
                            }
                            lines
                        } else {
                            if args.verbose {
                                out.note(
                                    "note: the database differs from the snapshot: replaying the migration directory to tell what its migrations made from drift",
                                );
                            }
                            match replayed(&ready.config, &ready.dir, args.verbose, out).await {
                                Some(schema) => introspect::drift(&live, &schema, dialect),
                                None => lines,
                            }
                        }
                    } else {
                        if args.verbose {
                            out.note(
                                "note: the snapshot does not record the migrations as they are (one was written by hand, edited or removed): replaying the migration directory; `migrate generate` refreshes it",
                            );
                        }
                        match replayed(&ready.config, &ready.dir, args.verbose, out).await {
                            Some(schema) => introspect::drift(&live, &schema, dialect),
                            None => introspect::drift(&live, &from_snapshot, dialect),
                        }
                    };
                    Some(
                        lines
                            .into_iter()
                            .map(|l| attribute(&ready.dir, l))
                            .collect::<Vec<_>>(),
                    )
                }
                Err(e) => {
                    conn.close().await;
                    out.error(&scrub(&e.message, &ready.url), e.help.as_deref());
                    return Exit::Usage;
                }
            }
        } else {
            None
        };
        // A batch file under way reads as pending until its walk is done: say how far it is.
        let backfills = migrate_core::batch::status(&mut conn, &ready.sources, &ready.opts)
            .await
            .unwrap_or_default();
        let mut families = Vec::new();
        for f in &snapshot.families {
            match migrate_core::family::run::status(&mut conn, f).await {
                Ok(members) => families.push(crate::report::run::FamilyShown {
                    name: f.name.clone(),
                    pattern: f.pattern.clone(),
                    members,
                }),
                Err(e) => {
                    conn.close().await;
                    return run_error(out, &e, &ready.url);
                }
            }
        }
        conn.close().await;
        for b in backfills.iter().filter(|b| {
            matches!(
                b.state,
                migrate_core::batch::BackfillState::Running
                    | migrate_core::batch::BackfillState::Paused
            )
        }) {
            let done = b
                .percent()
                .map_or_else(|| format!("{} rows", b.rows_done), |p| format!("{p:.1}%"));
            out.note(&format!(
                "note: {}_{} is a backfill under way: {done} walked, {} (`migrate backfill status` shows more)",
                b.version,
                b.name,
                b.state.as_str()
            ));
        }
        let report = StatusReport::new(&rows, drift.as_deref(), &ready.url)
            .with_content_problems(&ready.sources)
            .with_families(families);
        out.emit(&report);
        if report.problems() > 0 || (args.exit_code && report.drifted()) || !problems.is_empty() {
            Exit::Found
        } else {
            Exit::Ok
        }
    })
}

/// What the migration directory produces, replayed on a scratch database (see
/// `migrate_core::replay`); `None`, with a note saying why, when it cannot be replayed here: the
/// snapshot stands in, which does not know what hand-written migrations made.
pub(super) async fn replayed(
    config: &Config,
    dir: &MigrationDir,
    verbose: bool,
    out: &Output,
) -> Option<migrate_core::schema::Schema> {
    use migrate_core::Explain as _;
    use migrate_core::replay::{self, Request};
    let req = Request {
        dialect: config.dialect,
        history_table: &config.history_table,
        from: migrate_core::dialect::runtime::ScratchFrom {
            dev_url: config.dev_database_url.as_deref(),
            start_server: true,
        },
    };
    // The directory as the repository holds it: an environment's secure files (`--env`) never
    // run on a scratch database, which is not that environment's.
    let sources = match replay::sources(dir) {
        Ok(s) => s,
        Err(e) => {
            out.note(&format!(
                "note: drift is checked against the snapshot: the migration directory cannot be replayed: {e}"
            ));
            return None;
        }
    };
    match replay::replay(req, &sources, None, &mut |_, _| {}).await {
        Ok(r) => {
            if verbose {
                out.note(&format!(
                    "note: replayed {} migration(s) on {} in {} ms",
                    r.applied, r.on, r.ms
                ));
            }
            Some(r.schema)
        }
        Err(e) => {
            out.note(&format!(
                "note: drift is checked against the snapshot, which does not know what hand-written migrations made: {e}"
            ));
            if let Some(help) = e.help() {
                out.note(&format!("  help: {help}"));
            }
            None
        }
    }
}

/// A drift line with where the object most likely comes from: the newest migration whose text
/// names it, or none (made by hand).
pub(super) fn attribute(dir: &MigrationDir, line: String) -> String {
    // The first `quoted` name: `table`, `table.column`, an index or an enum.
    let Some(name) = line.split('`').nth(1) else {
        return line;
    };
    // A column by its own name: its table's migration says nothing about it.
    let leaf = name.split_once('.').map_or(name, |(_, c)| c);
    match migrate_core::replay::last_mentioning(dir, leaf) {
        Some(file) => format!("{line} (`{leaf}` last named by migration {file})"),
        None => format!("{line} (no migration names `{leaf}`: changed by hand?)"),
    }
}

/// The database `status` reads. A SQLite file that does not exist yet is not created (`status`
/// only reads): it is read as the empty database it would be, every migration pending.
async fn status_connection(
    config: &Config,
    global: &Global,
    out: &Output,
) -> Result<migrate_core::db::Connection<'static>, Exit> {
    let url = database_url(config, global, out)?;
    super::check_dialect(config, &url, out)?;
    let scratch = config.dialect.runtime().scratch_url();
    match (
        super::database_file(&super::resolve_url(&url, config)),
        scratch,
    ) {
        (Some(path), Some(scratch)) if !path.exists() => {
            out.note(&format!(
                "note: the database {} does not exist yet: `migrate up` creates it (or `migrate database create`)",
                migrate_core::redact::redact_url(&url)
            ));
            // Only a file database has no file: read an empty one of its kind.
            migrate_core::db::Connection::connect(scratch)
                .await
                .map_err(|e| {
                    out.explain(&e);
                    Exit::Usage
                })
        }
        _ => connect_existing(config, global, out).await,
    }
}

pub fn baseline(global: &Global, args: &BaselineArgs, out: &Output) -> Exit {
    let ready = match prepare(global, out) {
        Ok(r) => r,
        Err(code) => return code,
    };
    block_on(async {
        let mut conn = match connect(&ready.config, global, out).await {
            Ok(c) => c,
            Err(code) => return code,
        };
        let result = runner::baseline(
            &mut conn,
            &ready.sources,
            args.version,
            &ready.opts,
            &mut |e| event(out, &e),
        )
        .await;
        conn.close().await;
        match result {
            Ok(n) => {
                out.emit(&Recorded::new(n, args.version));
                Exit::Ok
            }
            Err(e) => run_error(out, &e, &ready.url),
        }
    })
}

pub fn resolve(global: &Global, args: &ResolveArgs, out: &Output) -> Exit {
    let ready = match prepare(global, out) {
        Ok(r) => r,
        Err(code) => return code,
    };
    block_on(async {
        let mut conn = match connect(&ready.config, global, out).await {
            Ok(c) => c,
            Err(code) => return code,
        };
        let result = runner::resolve(&mut conn, args.version, args.applied, &ready.opts).await;
        conn.close().await;
        match result {
            Ok(()) => {
                out.emit(&Resolved::new(args.version, args.applied));
                Exit::Ok
            }
            Err(e) => run_error(out, &e, &ready.url),
        }
    })
}
