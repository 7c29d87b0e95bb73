//! `migrate up`, `migrate status`, `migrate baseline` and `migrate resolve`: one runner path.

use migrate_core::Explain;
use migrate_core::config::Config;
use migrate_core::db::scrub;
use migrate_core::introspect;
use migrate_core::migration::MigrationDir;
use migrate_core::runner::{self, Event, Options, RunError, Source};
use serde_json::json;

use super::{
    Exit, block_on, connect, database_url, load_config, migration_error, report_findings,
    report_problems,
};
use crate::cli::{BaselineArgs, Global, ResolveArgs, UpArgs};
use crate::output::Output;

/// Everything a database command needs: configuration, verified sources, runner options.
struct Ready {
    config: Config,
    sources: Vec<Source>,
    opts: Options,
    url: String,
}

fn prepare(global: &Global, out: &Output) -> Result<Ready, Exit> {
    let config = load_config(global, out)?;
    let dir = MigrationDir::open(&config.migrations).map_err(|e| {
        migration_error(out, &e);
        Exit::Usage
    })?;
    // The files must match their manifest before anything touches the database.
    let problems = dir.verify();
    if !problems.is_empty() {
        report_problems(out, &problems);
        if !out.json() {
            eprintln!("nothing was run: fix the migration directory first");
        }
        return Err(Exit::Found);
    }
    let extra = super::extra_paths(&config, global);
    let sources = runner::sources_from_dir(&dir, &extra).map_err(|e| match e {
        RunError::Refused(refusals) => {
            report_findings(out, &[], &refusals);
            if !out.json() {
                eprintln!("nothing was run: fix the migrations first");
            }
            Exit::Found
        }
        e => {
            out.error(&e.to_string(), e.help().as_deref());
            Exit::Usage
        }
    })?;
    let ms = |s: &str| runner::parse_duration_ms(s).filter(|&v| v > 0);
    let opts = Options {
        history_table: config.history_table.clone(),
        lock_timeout_ms: ms(&config.lock_timeout),
        statement_timeout_ms: ms(&config.statement_timeout),
        lock_retries: config.lock_retries,
        // "0" (or no value) waits for good.
        runner_lock_timeout_ms: ms(&config.runner_lock_timeout),
        ..Options::default()
    };
    let url = database_url(&config, global, out)?;
    Ok(Ready {
        config,
        sources,
        opts,
        url,
    })
}

/// Prints one runner event: a line for people, or a JSON line for logs.
fn event(out: &Output, e: &Event) {
    if out.json() {
        let v = match e {
            Event::Waiting {
                holder,
                waited_ms,
                timeout_ms,
                sqlite,
            } => json!({
                "event": "waiting", "waited_ms": waited_ms, "timeout_ms": timeout_ms,
                "lock": if *sqlite { "sqlite write lock" } else { "runner lock" },
                "holder": holder.as_ref().map(|h| json!({
                    "pid": h.pid, "migration": h.migration, "query": h.query, "active": h.active, "since": h.since,
                })),
                "message": waiting_text(holder.as_ref(), *waited_ms, *timeout_ms, *sqlite),
            }),
            Event::UpToDate => json!({ "event": "up_to_date" }),
            Event::Applying {
                version,
                name,
                description,
            } => {
                json!({ "event": "applying", "version": version, "name": name, "description": description })
            }
            Event::Retrying {
                version,
                name,
                attempt,
                wait_ms,
            } => json!({
                "event": "retrying", "version": version, "name": name, "attempt": attempt, "wait_ms": wait_ms,
                "reason": "lock timeout",
            }),
            Event::Applied {
                version,
                name,
                ms,
                rows,
            } => {
                json!({ "event": "applied", "version": version, "name": name, "ms": ms, "rows": rows })
            }
            Event::AlreadyApplied { version, name } => {
                json!({ "event": "already_applied", "version": version, "name": name })
            }
            Event::NotRun {
                version,
                name,
                statement,
            } => {
                json!({ "event": "not_run", "version": version, "name": name, "statement": statement })
            }
            Event::WouldApply {
                version,
                name,
                ms,
                rows,
            } => {
                json!({ "event": "would_apply", "version": version, "name": name, "ms": ms, "rows": rows })
            }
            Event::Skipped { version, name } => json!({
                "event": "skipped", "version": version, "name": name,
                "reason": "runs outside a transaction: a dry run cannot apply it",
            }),
            Event::Unchecked {
                version,
                name,
                after,
                error,
            } => json!({
                "event": "unchecked", "version": version, "name": name, "depends_on": after, "error": error,
            }),
            Event::Ahead { version, name } => json!({
                "event": "ahead", "version": version, "name": name,
                "message": "applied by a newer release: newer than every migration here",
            }),
        };
        println!("{v}");
        return;
    }
    match e {
        Event::Waiting {
            holder,
            waited_ms,
            timeout_ms,
            sqlite,
        } => eprintln!(
            "{}",
            waiting_text(holder.as_ref(), *waited_ms, *timeout_ms, *sqlite)
        ),
        Event::UpToDate => println!("up to date: no pending migrations"),
        Event::Applying {
            version,
            name,
            description,
        } => {
            if description.is_empty() {
                println!("applying {version}_{name}");
            } else {
                println!("applying {version}_{name} — {description}");
            }
        }
        Event::Retrying {
            version,
            name,
            attempt,
            wait_ms,
        } => eprintln!(
            "{version}_{name}: gave up waiting for a lock (lock timeout); retry {attempt} in {wait_ms} ms"
        ),
        Event::Applied {
            version, name, ms, ..
        } => println!("applied  {version}_{name} in {ms} ms"),
        Event::AlreadyApplied { version, name } => {
            println!("skipped  {version}_{name}: another runner applied it")
        }
        Event::NotRun { statement, .. } if statement.is_empty() => {
            println!(
                "  not run in a dry run (outside a transaction): <secure migration, content hidden>"
            )
        }
        Event::NotRun { statement, .. } => {
            println!("  not run in a dry run (it cannot run in a transaction): {statement}")
        }
        Event::WouldApply {
            version,
            name,
            ms,
            rows,
        } => {
            println!("would apply {version}_{name}: {ms} ms, {rows} row(s) affected (rolled back)")
        }
        Event::Skipped { version, name } => println!(
            "skipped  {version}_{name}: it runs outside a transaction, so a dry run cannot apply it; what \
             depends on it cannot be checked"
        ),
        Event::Unchecked {
            version,
            name,
            after,
            error,
        } => println!(
            "could not check {version}_{name}: it failed in the dry run, but it may depend on {after}, \
             which the dry run did not apply ({error})"
        ),
        Event::Ahead { version, name } => eprintln!(
            "note: {version}_{name} is ahead: a newer release applied it, and no migration here is newer; \
             nothing to do"
        ),
    }
}

/// What a waiting runner says: when it starts to wait, then every few seconds.
fn waiting_text(
    holder: Option<&runner::Holder>,
    waited_ms: u64,
    timeout_ms: Option<u64>,
    sqlite: bool,
) -> String {
    let limit = timeout_ms.map_or_else(
        || "no limit (runner_lock_timeout = \"0\")".to_string(),
        |t| format!("up to {} (runner_lock_timeout)", runner::human_ms(t)),
    );
    let waited = runner::human_ms(waited_ms);
    match (sqlite, holder, waited_ms) {
        (true, _, 0) => format!(
            "waiting for the SQLite write lock: another connection holds it (another `migrate up`, or the \
             application writing; SQLite cannot tell which process); waiting {limit}"
        ),
        (true, _, _) => format!(
            "still waiting for the SQLite write lock, held by a process SQLite cannot name ({waited} so far, {limit})"
        ),
        (false, Some(h), 0) => {
            format!("waiting for another runner: {h} holds the runner lock; waiting {limit}")
        }
        (false, Some(h), _) => format!("still waiting for {h} ({waited} so far, {limit})"),
        (false, None, 0) => {
            format!("waiting for another runner to release the runner lock; waiting {limit}")
        }
        (false, None, _) => format!("still waiting for another runner ({waited} so far, {limit})"),
    }
}

/// Reports a runner error; integrity problems are listed one by one. Returns the exit code.
fn run_error(out: &Output, e: &RunError, url: &str) -> Exit {
    let clean = |s: &str| scrub(s, url);
    match e {
        RunError::Integrity(problems) => {
            if out.json() {
                let list: Vec<_> = problems
                    .iter()
                    .map(|p| json!({ "code": p.code(), "version": p.version, "name": p.name, "message": clean(&p.to_string()), "help": p.help() }))
                    .collect();
                println!(
                    "{}",
                    json!({ "event": "refused", "ok": false, "problems": list })
                );
            } else {
                for p in problems {
                    out.error(
                        &format!("[{}] {}", p.code(), clean(&p.to_string())),
                        p.help().as_deref(),
                    );
                }
                eprintln!("nothing was run: {}", e);
            }
            Exit::Found
        }
        RunError::Refused(refusals) => {
            report_findings(out, &[], refusals);
            if !out.json() {
                eprintln!("nothing was run: {e}");
            }
            Exit::Found
        }
        RunError::Db(d) if d.message.starts_with("cannot connect") => {
            out.error(&clean(&d.message), d.help.as_deref());
            Exit::Usage
        }
        other => {
            let help = other.help();
            if out.json() {
                println!(
                    "{}",
                    json!({ "event": "failed", "ok": false, "error": clean(&other.to_string()), "help": help })
                );
            } else {
                out.error(&clean(&other.to_string()), help.as_deref());
            }
            Exit::Found
        }
    }
}

pub fn up(global: &Global, args: &UpArgs, out: &Output) -> Exit {
    let mut ready = match prepare(global, out) {
        Ok(r) => r,
        Err(code) => return code,
    };
    ready.opts.dry_run = args.dry_run;
    ready.opts.target = args.to;
    block_on(async {
        let mut conn = match connect(&ready.config, global, out).await {
            Ok(c) => c,
            Err(code) => return code,
        };
        let mut db = conn.db();
        let mut result = runner::up(&mut db, &ready.sources, &ready.opts, &mut |e| {
            event(out, &e)
        })
        .await;
        conn.close().await;
        if let Err(e @ RunError::ConnectionLost { .. }) = result {
            result = Err(settle_lost(&ready, global, e).await);
        }
        match result {
            Ok(summary) => {
                let n = summary.applied.len();
                if out.json() {
                    println!(
                        "{}",
                        json!({
                            "event": "done", "ok": true, "applied": n, "dry_run": summary.dry_run,
                            "unchecked": summary.unchecked.len(),
                        })
                    );
                } else if summary.dry_run && !summary.unchecked.is_empty() {
                    println!(
                        "dry run: {n} migration(s) would apply, {} could not be checked (see above); the database \
                         is unchanged",
                        summary.unchecked.len()
                    );
                } else if summary.dry_run && n > 0 {
                    println!("dry run: {n} migration(s) would apply; the database is unchanged");
                } else if n > 0 {
                    println!("done: {n} migration(s) applied");
                }
                Exit::Ok
            }
            Err(e) => run_error(out, &e, &ready.url),
        }
    })
}

/// The server ended the runner's session part-way through a migration: on a new connection,
/// record the stop in the history and read what the migration left. Without one, the error as is.
async fn settle_lost(ready: &Ready, global: &Global, e: RunError) -> RunError {
    let url = super::resolve_sqlite_url(&ready.url, &ready.config);
    let _ = global;
    match migrate_core::db::Conn::connect(&url).await {
        Ok(mut conn) => {
            let settled = runner::settle_lost(&mut conn.db(), &ready.sources, &ready.opts, e).await;
            conn.close().await;
            settled
        }
        Err(_) => e,
    }
}

pub fn status(global: &Global, out: &Output) -> Exit {
    let ready = match prepare(global, out) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // The schema as of the last generated migration: what the applied migrations should produce.
    let snapshot = match MigrationDir::open(&ready.config.migrations).and_then(|d| d.snapshot()) {
        Ok(s) => s,
        Err(e) => {
            migration_error(out, &e);
            return Exit::Usage;
        }
    };
    block_on(async {
        let mut conn = match connect(&ready.config, global, out).await {
            Ok(c) => c,
            Err(code) => return code,
        };
        let result = runner::status(&mut conn.db(), &ready.sources, &ready.opts).await;
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
                Ok(live) => {
                    let dialect = conn.dialect();
                    let mut expected = introspect::represent(dialect, &snapshot);
                    introspect::canonical_literals(&mut conn, &mut expected).await;
                    Some(introspect::drift(&live, &expected, dialect))
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
        conn.close().await;
        // Running is not a problem: like pending, it is on its way.
        let bad = rows
            .iter()
            .filter(|r| {
                !matches!(
                    r.state,
                    runner::State::Applied
                        | runner::State::Pending
                        | runner::State::Running
                        | runner::State::Ahead
                )
            })
            .count();
        let drifted = drift.as_ref().is_some_and(|d| !d.is_empty());
        if out.json() {
            let list: Vec<_> = rows
                .iter()
                .map(|r| {
                    json!({
                        "version": r.version, "name": r.name, "state": r.state.as_str(),
                        "applied_at": r.applied_at, "duration_ms": r.execution_ms,
                        "applied_by": r.applied_by, "description": r.description, "error": r.error,
                        "runner_pid": r.holder.as_ref().map(|h| h.pid), "help": r.help,
                    })
                })
                .collect();
            println!(
                "{}",
                json!({ "ok": bad == 0 && !drifted, "migrations": list, "drift": drift })
            );
        } else {
            println!(
                "{:<14}  {:<11}  {:<24}  {:>9}  NAME",
                "VERSION", "STATE", "APPLIED AT", "DURATION"
            );
            for r in &rows {
                println!(
                    "{:<14}  {:<11}  {:<24}  {:>9}  {}",
                    r.version,
                    r.state.as_str(),
                    r.applied_at.as_deref().unwrap_or("-"),
                    r.execution_ms
                        .map_or_else(|| "-".to_string(), |ms| format!("{ms} ms")),
                    r.name
                );
            }
            for r in rows.iter().filter(|r| r.help.is_some()) {
                println!("\n{}_{} is {}:", r.version, r.name, r.state.as_str());
                if let Some(error) = &r.error {
                    println!("  error: {}", scrub(error, &ready.url));
                }
                if let Some(help) = &r.help {
                    println!("  help: {help}");
                }
            }
            let running = rows
                .iter()
                .filter(|r| r.state == runner::State::Running)
                .count();
            println!(
                "\n{} migration(s): {} pending, {running} running, {} with problems",
                rows.len(),
                pending - running,
                bad
            );
            if ahead > 0 {
                println!(
                    "{ahead} ahead: applied by a newer release, newer than every migration here (nothing to do)"
                );
            }
            match &drift {
                None if pending > 0 => println!("drift: not checked while migrations are pending"),
                None if stopped => {
                    println!("drift: not checked while a migration is failed or interrupted")
                }
                None if ahead > 0 => {
                    println!(
                        "drift: not checked: the database has migrations newer than these files"
                    )
                }
                None => {}
                Some(d) if d.is_empty() => {
                    println!("drift: none; the database matches the migrations")
                }
                Some(d) => {
                    println!("drift: the database differs from what the migrations produce:");
                    for line in d {
                        println!("  - {line}");
                    }
                    println!(
                        "  (changed by hand, or by a hand-written migration the schema does not declare: `migrate diff` writes a migration back to the schema)"
                    );
                }
            }
        }
        if bad > 0 || drifted {
            Exit::Found
        } else {
            Exit::Ok
        }
    })
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
        let mut db = conn.db();
        let result = runner::baseline(
            &mut db,
            &ready.sources,
            args.version,
            &ready.opts,
            &mut |e| event(out, &e),
        )
        .await;
        conn.close().await;
        match result {
            Ok(n) => {
                if out.json() {
                    println!("{}", json!({ "ok": true, "recorded": n }));
                } else {
                    println!(
                        "recorded {n} migration(s) up to {} as applied, without running them",
                        args.version
                    );
                }
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
        let mut db = conn.db();
        let result = runner::resolve(&mut db, args.version, args.applied, &ready.opts).await;
        conn.close().await;
        match result {
            Ok(()) => {
                let what = if args.applied {
                    "recorded as applied"
                } else {
                    "forgotten; `migrate up` runs it again"
                };
                if out.json() {
                    println!(
                        "{}",
                        json!({ "ok": true, "version": args.version, "applied": args.applied })
                    );
                } else {
                    println!("{}: {what}", args.version);
                }
                Exit::Ok
            }
            Err(e) => run_error(out, &e, &ready.url),
        }
    })
}
