//! The apply loop: `up` under the runner lock, one file at a time, and what a failure left.

use super::*;

/// Applies every pending migration (up to `opts.target`), in order, each once.
pub fn up<'a, 'c: 'a>(
    db: &'a mut Connection<'c>,
    sources: &'a [Source],
    opts: &'a Options,
    report: Report<'a>,
) -> BoxFuture<'a, Result<Summary, RunError>> {
    Box::pin(async move {
        if let Some(t) = opts.target
            && !sources.iter().any(|s| s.version == t)
        {
            return Err(RunError::UnknownVersion(t));
        }
        let db = db.driver();
        lock(db, opts, report).await?;
        let result = up_locked(db, sources, opts, report).await;
        db.unlock(opts).await;
        result
    })
}

async fn up_locked(
    db: &mut dyn Driver,
    sources: &[Source],
    opts: &Options,
    report: Report<'_>,
) -> Result<Summary, RunError> {
    let applied = db
        .read_history(&opts.history_table)
        .await
        .map_err(|e| db.error(e))?;
    db.history_read().await;
    let (ahead, mut problems): (Vec<Integrity>, Vec<Integrity>) =
        check_integrity(sources, &applied)
            .into_iter()
            .partition(|i| i.kind == IntegrityKind::Ahead);
    if !problems.is_empty() {
        advise_dirty(db, sources, &mut problems).await;
        return Err(RunError::Integrity(problems));
    }
    for a in ahead {
        report(Event::Ahead {
            version: a.version,
            name: a.name,
        });
    }
    for refusal in tolerated(sources, &applied) {
        report(Event::Tolerated(refusal));
    }
    let done: std::collections::HashSet<u64> = applied.iter().map(|a| a.version).collect();
    let pending: Vec<&Source> = sources
        .iter()
        .filter(|s| !done.contains(&s.version) && opts.target.is_none_or(|t| s.version <= t))
        .collect();
    let (pending, held) = contract::gate(pending, sources, &done, opts)?;
    let refused = admit(&pending, db.dialect());
    if !refused.is_empty() {
        return Err(RunError::Refused(refused));
    }
    let missing = crate::batch::rust::unregistered(&pending);
    if !missing.is_empty() {
        return Err(RunError::Unregistered(missing));
    }
    let mut summary = Summary {
        dry_run: opts.dry_run,
        ..Summary::default()
    };
    if pending.is_empty() {
        if held.is_empty() {
            report(Event::UpToDate);
        }
        held.into_iter().for_each(&mut *report);
        return Ok(summary);
    }
    if opts.dry_run {
        let summary = dry_run(db, &pending, opts, report).await;
        held.into_iter().for_each(&mut *report);
        return summary;
    }
    db.before_apply(opts).await?;
    let count = pending.len();
    for (i, &s) in pending.iter().enumerate() {
        if let Some(e) = crate::batch::rust::needs_application(s) {
            return Err(e);
        }
        report(Event::Applying {
            version: s.version,
            name: s.name.clone(),
            description: s.description.clone(),
        });
        let outcome = match (&s.batch, &s.family) {
            (Some(_), _) => crate::batch::apply(db, s, opts, &mut *report).await,
            (None, Some(_)) => crate::family::run::apply(db, s, opts, &mut *report).await,
            (None, None) => {
                db.apply(Apply {
                    source: s,
                    opts,
                    last: i + 1 == count,
                    next: pending.get(i + 1).copied(),
                    report: &mut *report,
                })
                .await
            }
        }
        .map_err(|e| in_migration(s, e))?;
        match outcome {
            Some((ms, rows)) => {
                report(Event::Applied {
                    version: s.version,
                    name: s.name.clone(),
                    ms,
                    rows,
                });
                summary.applied.push((s.version, s.name.clone(), ms));
            }
            None => report(Event::AlreadyApplied {
                version: s.version,
                name: s.name.clone(),
            }),
        }
        if let Some(e) = db.committed() {
            report(e);
        }
    }
    held.into_iter().for_each(&mut *report);
    Ok(summary)
}

/// Names the migration in a bare database error that stopped it.
fn in_migration(s: &Source, e: RunError) -> RunError {
    match e {
        RunError::Db(d) => RunError::Failed {
            version: s.version,
            name: s.name.clone(),
            line: None,
            error: d.message,
            recovery: d.help.unwrap_or_else(|| {
                "`migrate status` shows what was applied; run `migrate up` again once the cause is fixed".into()
            }),
        },
        other => other,
    }
}

/// Gives each dirty migration of a no-transaction file the advice its database state calls for
/// (on PostgreSQL: which indexes are valid, INVALID or missing).
pub(super) async fn advise_dirty(
    db: &mut dyn Driver,
    sources: &[Source],
    problems: &mut [Integrity],
) {
    for p in problems.iter_mut() {
        let IntegrityKind::Dirty { error, advice } = &mut p.kind else {
            continue;
        };
        let Some(s) = sources.iter().find(|s| s.version == p.version) else {
            continue;
        };
        if !s.no_transaction {
            continue;
        }
        let Some(steps) = db.recovery_advice(s, None).await else {
            continue;
        };
        let what = if error.is_some() {
            ""
        } else {
            "Its runner stopped part-way without recording an error (the process was killed, or it \
             lost its connection). "
        };
        *advice = Some(format!("{what}{steps}"));
    }
}

/// A migration that failed with a database error.
pub(crate) fn failure(
    s: &Source,
    e: &sqlx::Error,
    line: Option<usize>,
    recovery: String,
    dialect: Dialect,
) -> RunError {
    RunError::Failed {
        version: s.version,
        name: s.name.clone(),
        line,
        error: error_text(s, e, dialect),
        recovery,
    }
}

/// What a database error says, with what the server adds to it (PostgreSQL's DETAIL and HINT,
/// each on a line of its own); for a secure migration only its code (SQLSTATE, SQLite result
/// code), since the server's message can echo values from the file.
pub(crate) fn error_text(s: &Source, e: &sqlx::Error, dialect: Dialect) -> String {
    let sqlx::Error::Database(d) = e else {
        return e.to_string();
    };
    if !s.secure {
        let mut text = e.to_string();
        for line in dialect.runtime().error_details(e) {
            text.push_str("\n  ");
            text.push_str(&line);
        }
        return text;
    }
    let hidden = "the database's message is not shown for a secure migration";
    match d.code() {
        Some(code) => format!("{}; {hidden}", dialect.runtime().describe_code(&code)),
        None => format!("the database refused a statement; {hidden}"),
    }
}

/// Runs a file's SQL in the caller's transaction: whole, or for a secure migration statement by
/// statement, so that a failure is known by its statement's line without the server's message.
pub(crate) async fn run_file<E: Exec + ?Sized>(c: &mut E, s: &Source) -> Result<u64, Failed> {
    let dialect = c.dialect();
    let statements = match split(&s.content, dialect) {
        Ok(st) if s.secure => st,
        _ => {
            let result = c.execute(&s.content).await;
            return result.map_err(|error| Failed {
                line: c.error_line(&error, &s.content),
                error,
            });
        }
    };
    let mut rows = 0;
    for st in &statements {
        match c.execute(&st.sql).await {
            Ok(n) => rows += n,
            Err(error) => {
                let line = c
                    .error_line(&error, &st.sql)
                    .map(|l| l + st.line - 1)
                    .unwrap_or_else(|| content::statement_line(st, dialect));
                return Err(Failed {
                    error,
                    line: Some(line),
                });
            }
        }
    }
    Ok(rows)
}

/// What to do after a transactional migration failed.
pub(crate) const TX_RECOVERY: &str = "the migration ran in one transaction, which was rolled back: the database is as it \
    was. Fix the cause; if the file itself is wrong and was never applied anywhere, fix it and run `migrate hash`";

/// After a [`RunError::ConnectionLost`] that left the history unfinished, on a new connection:
/// records the stop (only while the row is still unfinished, so nothing later is overwritten) and
/// works out the advice from what the database shows. Returns the error to report; any other
/// error comes back unchanged.
pub async fn settle_lost(
    db: &mut Connection<'_>,
    sources: &[Source],
    opts: &Options,
    err: RunError,
) -> RunError {
    let RunError::ConnectionLost {
        unrecorded: true, ..
    } = &err
    else {
        return err;
    };
    let text = err.to_string();
    let RunError::ConnectionLost {
        version,
        name,
        line,
        error,
        mut recovery,
        ..
    } = err
    else {
        return err;
    };
    let source = sources.iter().find(|s| s.version == version);
    db.driver()
        .settle_lost(source, opts, version, &text, &mut recovery)
        .await;
    RunError::ConnectionLost {
        version,
        name,
        line,
        error,
        recovery,
        unrecorded: false,
    }
}
