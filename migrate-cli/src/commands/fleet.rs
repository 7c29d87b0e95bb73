//! `migrate up` and `migrate status` on a fleet: the same migration directory on many databases
//! (`database_urls`, `targets_file` or `targets_command` in an environment, or
//! `--targets-file`), at most `--jobs` at a time, each on its own connection with its own runner
//! lock, transactions and history. The targets are read by `migrate_core::fleet`.

use std::path::Path;
use std::time::Instant;

use migrate_core::Explain as _;
use migrate_core::config::Config;
use migrate_core::db::{Connection, scrub};
use migrate_core::fleet::{self, JOB_COMPLETION_INDEX, Shard, Target};
use migrate_core::introspect;
use migrate_core::runner::{self, Event, RunError, State};

use super::Exit;
use super::up::{Parts, attribute, parts, prepare_parts, replayed, settle_lost_at};
use crate::cli::{FleetArgs, Global, StatusArgs, UpArgs};
use crate::output::Output;
use crate::report::fleet::{
    FleetDone, FleetStatus, Scope, TargetDone, TargetLog, TargetStatus, UpState,
};
use crate::report::run::StatusReport;

/// How many databases of a fleet are worked on at once without `--jobs`.
pub const DEFAULT_JOBS: u16 = 4;

/// What a command works on: one database, or a fleet.
pub(super) enum Selected {
    One(Config),
    Fleet(Fleet),
}

/// A fleet chosen, its targets read and checked.
pub(super) struct Fleet {
    config: Config,
    targets: Vec<Target>,
    scope: Scope,
}

/// A fleet when one is chosen: `--targets-file`, else the `--env` environment's
/// `database_urls`, `targets_file` or `targets_command`. `--database-url` names one database
/// and wins over an environment's fleet; a fleet chosen with `--env` wins over `DATABASE_URL`,
/// which is ambient (a `.env` file). Every target is checked for the configured dialect before
/// anything runs.
pub(super) fn select(
    config: Config,
    global: &Global,
    args: &FleetArgs,
    out: &Output,
) -> Result<Selected, Exit> {
    let config_dir = config
        .path
        .as_deref()
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let env_fleet = global
        .env
        .as_deref()
        .and_then(|e| config.environments.get(e))
        .and_then(|e| e.fleet.clone());
    let listed = match (&args.targets_file, &global.database_url, env_fleet) {
        (Some(path), _, _) => fleet::read_file(path),
        (None, None, Some(f)) => fleet::targets(&f, &config_dir),
        (None, _, _) => {
            if args.shard.is_some() {
                out.error(
                    "--shard splits a fleet, and no fleet is chosen",
                    Some("choose an environment with `database_urls`, `targets_file` or `targets_command` (`--env NAME`), or pass `--targets-file PATH`"),
                );
                return Err(Exit::Usage);
            }
            if args.jobs.is_some() {
                out.note("note: --jobs sets how many databases of a fleet are migrated at once; one database runs its migrations in order");
            }
            return Ok(Selected::One(config));
        }
    };
    let listed = listed.map_err(|e| {
        out.explain(&e);
        Exit::Usage
    })?;
    let shard = match &args.shard {
        Some(given) => Some(
            Shard::parse(given, std::env::var(JOB_COMPLETION_INDEX).ok().as_deref()).map_err(
                |e| {
                    out.explain(&e);
                    Exit::Usage
                },
            )?,
        ),
        None => None,
    };
    let count = listed.len();
    let targets: Vec<Target> = listed
        .into_iter()
        .filter(|t| shard.is_none_or(|s| s.owns(t)))
        .collect();
    let mut bad = false;
    for t in &targets {
        if super::check_dialect(&config, &t.url, out).is_err() {
            out.note(&format!("  (listed at {})", t.origin));
            bad = true;
        }
    }
    if bad {
        return Err(Exit::Usage);
    }
    let scope = Scope {
        listed: count,
        targets: targets.len(),
        shard: shard.map(|s| s.to_string()),
        jobs: usize::from(args.jobs.unwrap_or(DEFAULT_JOBS)).min(targets.len().max(1)),
    };
    Ok(Selected::Fleet(Fleet {
        config,
        targets,
        scope,
    }))
}

/// `migrate up` on every target of the fleet.
pub(super) fn up(global: &Global, fleet: Fleet, args: &UpArgs, out: &Output) -> Exit {
    let Fleet {
        config,
        targets,
        scope,
    } = fleet;
    let mut parts = match prepare_parts(config, global, out) {
        Ok(p) => p,
        Err(code) => return code,
    };
    parts.opts.dry_run = args.dry_run;
    parts.opts.target = args.to;
    if args.contract {
        parts.opts.contracts = runner::Contracts::Apply;
    }
    scope.say(
        out,
        if args.dry_run {
            "dry run on"
        } else {
            "migrating"
        },
    );
    let results = super::block_on(fleet::bounded(
        &targets,
        scope.jobs,
        |_, t| up_one(&parts, t, out),
        |r: &TargetDone| args.fail_fast && r.failed(),
    ));
    let results: Vec<TargetDone> = results
        .into_iter()
        .zip(&targets)
        .map(|(r, t)| r.unwrap_or_else(|| TargetDone::new(&t.label, UpState::NotStarted, None)))
        .collect();
    let done = FleetDone::new(&scope, &results, args.dry_run);
    out.emit(&done);
    done.exit()
}

/// One target of `up`: its own connection, runner lock, transactions and history.
async fn up_one(parts: &Parts, target: &Target, out: &Output) -> TargetDone {
    let started = Instant::now();
    let mut log = TargetLog::new(out, &target.label);
    let url = super::resolve_url(&target.url, &parts.config);
    let done = match Connection::connect(&url).await {
        Err(e) => {
            let mut done = TargetDone::new(&target.label, UpState::Unreachable, Some(started));
            done.error = Some(scrub(&e.message, &target.url));
            done.help = listed_at(e.help.clone(), target);
            done
        }
        Ok(mut conn) => {
            let mut report = |e: Event| log.event(&e);
            let mut result = runner::up(&mut conn, &parts.sources, &parts.opts, &mut report).await;
            conn.close().await;
            if let Err(e @ RunError::ConnectionLost { .. }) = result {
                result = Err(settle_lost_at(&url, &parts.sources, &parts.opts, e).await);
            }
            outcome(target, result, parts.opts.dry_run, started)
        }
    };
    done.log(&log);
    done
}

/// A target's run as its row of the summary (exit codes as `migrate up` on it alone).
fn outcome(
    target: &Target,
    result: Result<runner::Summary, RunError>,
    dry_run: bool,
    started: Instant,
) -> TargetDone {
    let hide = |s: &str| scrub(s, &target.url);
    let e = match result {
        Ok(summary) => {
            let state = match (summary.applied.len(), dry_run) {
                (0, _) => UpState::UpToDate,
                (_, true) => UpState::Checked,
                (_, false) => UpState::Applied,
            };
            let mut done = TargetDone::new(&target.label, state, Some(started));
            done.applied = summary.applied.len();
            return done;
        }
        Err(e) => e,
    };
    let state = match &e {
        RunError::BackfillPaused { .. } | RunError::RustMigration { .. } => UpState::Paused,
        RunError::Db(d) if d.message.starts_with("cannot connect") => UpState::Unreachable,
        _ => UpState::Failed,
    };
    let mut done = TargetDone::new(&target.label, state, Some(started));
    done.error = Some(hide(&e.to_string()));
    done.help = listed_at(e.help().map(|h| hide(&h)), target);
    done.details = match &e {
        RunError::Integrity(problems) => problems
            .iter()
            .map(|p| hide(&format!("[{}] {p}", p.code())))
            .collect(),
        RunError::Refused(refusals) => refusals
            .iter()
            .map(|r| hide(&format!("[{}] {r}", r.code)))
            .collect(),
        _ => Vec::new(),
    };
    done
}

/// A connection's help names where one database's URL is set: a fleet's target says where it
/// is listed instead.
fn listed_at(help: Option<String>, target: &Target) -> Option<String> {
    const ONE_DATABASE: &str = "migrate.toml `database_url`, DATABASE_URL or --database-url";
    help.map(|h| h.replace(ONE_DATABASE, &format!("listed at {}", target.origin)))
}

/// `migrate status` on every target of the fleet: each target's migrations, then drift on those
/// with every migration applied, against what the directory produces (replayed once).
pub(super) fn status(global: &Global, fleet: Fleet, args: &StatusArgs, out: &Output) -> Exit {
    let Fleet {
        config,
        targets,
        scope,
    } = fleet;
    let (parts, problems) = match parts(config, global, out) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if !problems.is_empty() {
        super::report_problems(out, &problems);
    }
    let Some(parts) = parts else {
        return Exit::Found;
    };
    let snapshot = match parts.dir.snapshot() {
        Ok(s) => s,
        Err(e) => {
            out.explain(&e);
            return Exit::Usage;
        }
    };
    scope.say(out, "reading");
    let results = super::block_on(async {
        // First every target's migrations: which ones can be checked for drift.
        let rows = fleet::bounded(
            &targets,
            scope.jobs,
            |_, t| status_one(&parts, t),
            |_| false,
        )
        .await;
        let mut results: Vec<TargetStatus> = rows.into_iter().flatten().collect();
        // Then drift, on a database whose every migration is applied, against the directory
        // replayed once for the whole fleet.
        if results.iter().any(|r| r.checkable) {
            let expected = replayed(&parts.config, &parts.dir, false, out).await;
            let checked = fleet::bounded(
                &targets,
                scope.jobs,
                |i, t| {
                    let check = results[i].checkable;
                    let (parts, expected, snapshot) = (&parts, &expected, &snapshot);
                    async move {
                        if check {
                            Some(drift_of(parts, t, expected.as_ref(), snapshot).await)
                        } else {
                            None
                        }
                    }
                },
                |_| false,
            )
            .await;
            for (r, drift) in results.iter_mut().zip(checked) {
                match drift.flatten() {
                    Some(Ok(lines)) => {
                        if !lines.is_empty() {
                            r.state = "drifted";
                            if args.exit_code {
                                r.exit = Exit::Found as u8;
                            }
                        }
                        r.drift = Some(lines);
                    }
                    Some(Err(e)) => {
                        r.state = "unreachable";
                        r.error = Some(e.0);
                        r.help = e.1;
                        r.exit = Exit::Usage as u8;
                    }
                    None => {}
                }
            }
        }
        results
    });
    for r in &results {
        r.log(out);
    }
    let report = FleetStatus::new(&scope, &results, args.exit_code);
    out.emit(&report);
    if problems.is_empty() {
        report.exit()
    } else {
        Exit::Found
    }
}

/// A target's migrations: pending, applied, with problems.
async fn status_one(parts: &Parts, target: &Target) -> TargetStatus {
    let mut status = TargetStatus {
        target: target.label.clone(),
        state: "unreachable",
        applied: 0,
        pending: 0,
        problems: 0,
        drift: None,
        error: None,
        help: None,
        exit: Exit::Usage as u8,
        details: Vec::new(),
        checkable: false,
    };
    let mut conn = match connect_existing(parts, target).await {
        Ok((c, missing)) => {
            if missing {
                status
                    .details
                    .push("the database does not exist yet: `migrate up` creates it".to_string());
            }
            c
        }
        Err((error, help)) => {
            status.error = Some(error);
            status.help = listed_at(help, target);
            return status;
        }
    };
    let rows = runner::status(&mut conn, &parts.sources, &parts.opts).await;
    conn.close().await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => {
            if !matches!(&e, RunError::Db(d) if d.message.starts_with("cannot connect")) {
                (status.state, status.exit) = ("problems", Exit::Found as u8);
            }
            status.error = Some(scrub(&e.to_string(), &target.url));
            status.help = listed_at(e.help().map(|h| scrub(&h, &target.url)), target);
            return status;
        }
    };
    let report =
        StatusReport::new(&rows, None, &target.label).with_content_problems(&parts.sources);
    status.applied = rows.iter().filter(|r| r.state == State::Applied).count();
    status.pending = rows
        .iter()
        .filter(|r| matches!(r.state, State::Pending | State::Running))
        .count();
    status.problems = report.problems();
    status.details.extend(
        rows.iter()
            .filter(|r| {
                !matches!(
                    r.state,
                    State::Applied | State::Pending | State::Running | State::Ahead
                )
            })
            .map(|r| {
                let error = r
                    .error
                    .as_deref()
                    .map(|e| format!(": {}", scrub(e, &target.url)))
                    .unwrap_or_default();
                format!("{}_{} is {}{error}", r.version, r.name, r.state.as_str())
            }),
    );
    // Not with migrations newer than these files (ahead), nor with none at all: nothing to
    // compare with.
    status.checkable = status.problems == 0
        && status.pending == 0
        && !rows.is_empty()
        && !rows.iter().any(|r| r.state == State::Ahead);
    (status.state, status.exit) = if status.problems > 0 {
        ("problems", Exit::Found as u8)
    } else if status.pending > 0 {
        ("pending", Exit::Ok as u8)
    } else {
        ("up-to-date", Exit::Ok as u8)
    };
    status
}

/// A database `status` reads: never created. A SQLite file not there yet reads as the empty
/// database it would be.
async fn connect_existing(
    parts: &Parts,
    target: &Target,
) -> Result<(Connection<'static>, bool), (String, Option<String>)> {
    let url = super::resolve_url(&target.url, &parts.config);
    let scratch = parts.config.dialect.runtime().scratch_url();
    let (url, missing) = match (super::database_file(&url), scratch) {
        (Some(path), Some(scratch)) if !path.exists() => (scratch.to_string(), true),
        _ => (url, false),
    };
    Connection::connect(&url)
        .await
        .map(|c| (c, missing))
        .map_err(|e| (scrub(&e.message, &target.url), e.help.clone()))
}

/// A target's drift: the live schema against what the migrations produce.
async fn drift_of(
    parts: &Parts,
    target: &Target,
    replayed: Option<&migrate_core::schema::Schema>,
    snapshot: &migrate_core::schema::Schema,
) -> Result<Vec<String>, (String, Option<String>)> {
    let (mut conn, _) = connect_existing(parts, target).await?;
    let opts = introspect::Options {
        history_table: parts.config.history_table.clone(),
        ..introspect::Options::default()
    };
    let live = introspect::introspect(&mut conn, &opts).await;
    let dialect = conn.dialect();
    let result = match live {
        Ok(live) => {
            let expected = match replayed {
                Some(schema) => schema.clone(),
                None => {
                    let mut expected = introspect::represent(dialect, snapshot);
                    introspect::canonical_literals(&mut conn, &mut expected).await;
                    expected
                }
            };
            Ok(introspect::drift(&live, &expected, dialect)
                .into_iter()
                .map(|l| attribute(&parts.dir, l))
                .collect())
        }
        Err(e) => Err((
            scrub(&e.message, &target.url),
            listed_at(e.help.clone(), target),
        )),
    };
    conn.close().await;
    result
}
