//! `migrate backfill status|run|pause|resume`: batched backfills, managed apart from `up`.

use migrate_core::batch::{self, BackfillState};

use super::up::{Ready, prepare, run_error};
use super::{Exit, block_on, connect};
use crate::cli::{BackfillArgs, BackfillCommand, Global};
use crate::output::Output;
use crate::report::backfill::{StateChanged, StatusReport, Ticker};
use crate::report::run::Done;

pub fn run(global: &Global, command: &BackfillCommand, out: &Output) -> Exit {
    let ready = match prepare(global, out) {
        Ok(r) => r,
        Err(code) => return code,
    };
    match command {
        BackfillCommand::Status(args) => status(global, &ready, args, out),
        BackfillCommand::Run(args) => run_backfills(global, &ready, args, out),
        BackfillCommand::Pause(args) => flip(global, &ready, args, BackfillState::Paused, out),
        BackfillCommand::Resume(args) => flip(global, &ready, args, BackfillState::Running, out),
    }
}

fn status(global: &Global, ready: &Ready, args: &BackfillArgs, out: &Output) -> Exit {
    block_on(async {
        let mut conn = match connect(&ready.config, global, out).await {
            Ok(c) => c,
            Err(code) => return code,
        };
        let result = batch::status(&mut conn, &ready.sources, &ready.opts).await;
        conn.close().await;
        match result {
            Ok(mut rows) => {
                if let Some(v) = args.version {
                    rows.retain(|r| r.version == v);
                    if rows.is_empty() {
                        out.error(
                            &format!("no batch file has version {v}"),
                            Some("`migrate backfill status` lists every batch file"),
                        );
                        return Exit::Found;
                    }
                }
                out.emit(&StatusReport::new(&rows));
                Exit::Ok
            }
            Err(e) => run_error(out, &e, &ready.url),
        }
    })
}

fn run_backfills(global: &Global, ready: &Ready, args: &BackfillArgs, out: &Output) -> Exit {
    block_on(async {
        let mut conn = match connect(&ready.config, global, out).await {
            Ok(c) => c,
            Err(code) => return code,
        };
        let mut ticker = Ticker::new(out);
        let result = batch::run(
            &mut conn,
            &ready.sources,
            &ready.opts,
            args.version,
            &mut |e| ticker.event(&e),
        )
        .await;
        drop(ticker);
        conn.close().await;
        match result {
            Ok(summary) => {
                out.emit(&Done::of(&summary));
                Exit::Ok
            }
            Err(e) => run_error(out, &e, &ready.url),
        }
    })
}

fn flip(
    global: &Global,
    ready: &Ready,
    args: &BackfillArgs,
    to: BackfillState,
    out: &Output,
) -> Exit {
    block_on(async {
        let mut conn = match connect(&ready.config, global, out).await {
            Ok(c) => c,
            Err(code) => return code,
        };
        let result = batch::set_state(&mut conn, &ready.opts, args.version, to).await;
        conn.close().await;
        match result {
            Ok(versions) if versions.is_empty() => {
                let (what, hint) = match to {
                    BackfillState::Paused => (
                        "no running backfill to pause",
                        "a backfill can be paused once it started (`migrate backfill status` shows each one's state)",
                    ),
                    _ => (
                        "no paused backfill to resume",
                        "`migrate backfill status` shows each backfill's state",
                    ),
                };
                let what = match args.version {
                    Some(v) => format!("{what} with version {v}"),
                    None => what.to_string(),
                };
                out.error(&what, Some(hint));
                Exit::Found
            }
            Ok(versions) => {
                out.emit(&StateChanged::new(to.as_str(), versions));
                Exit::Ok
            }
            Err(e) => run_error(out, &e, &ready.url),
        }
    })
}
