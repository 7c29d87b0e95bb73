//! The dry run: pending migrations applied and rolled back.

use super::*;

/// Applies the pending migrations in one transaction and rolls it back.
///
/// A file that cannot run in a transaction (a PostgreSQL no-transaction file) is skipped (its
/// statements reported), and a later migration that then fails may depend on it, so its failure
/// is reported as what could not be checked, not as a verdict; the dry run goes on from before it.
pub(super) async fn dry_run(
    db: &mut dyn Driver,
    pending: &[&Source],
    opts: &Options,
    report: Report<'_>,
) -> Result<Summary, RunError> {
    let mut summary = Summary {
        dry_run: true,
        ..Summary::default()
    };
    db.begin_dry_run(opts, &mut *report).await?;
    let mut result = Ok(());
    // The first file the dry run skipped: what comes after it may depend on it.
    let mut skipped: Option<String> = None;
    for s in pending {
        report(Event::Applying {
            version: s.version,
            name: s.name.clone(),
            description: s.description.clone(),
        });
        if s.family.is_some() || s.rust.as_ref().is_some_and(|r| !r.registered()) {
            // A family migration's members are found when it runs; `migrate` cannot run Rust
            // code: what follows may depend on what either does.
            report(Event::Skipped {
                version: s.version,
                name: s.name.clone(),
            });
            summary.unchecked.push((s.version, s.name.clone()));
            skipped.get_or_insert_with(|| format!("{}_{}", s.version, s.name));
            continue;
        }
        if s.batch.is_some() {
            // A sample of batches, timed and undone: what follows may depend on the whole walk,
            // which the dry run did not do.
            if let Err(e) = db.dry_run_savepoint(s, opts).await {
                result = Err(db.error(e));
                break;
            }
            let sampled = crate::batch::sample(db, s, opts).await;
            if let Err(e) = db.dry_run_undo().await {
                result = Err(db.error(e));
                break;
            }
            match sampled {
                Ok(estimate) => {
                    summary
                        .applied
                        .push((s.version, s.name.clone(), estimate.sampled_ms));
                    report(Event::BackfillEstimate {
                        version: s.version,
                        name: s.name.clone(),
                        estimate,
                    });
                    skipped.get_or_insert_with(|| format!("{}_{}", s.version, s.name));
                    continue;
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if !db.runs_in_transaction(s) {
            if let Err(e) = report_not_run(s, db.dialect(), report) {
                result = Err(e);
                break;
            }
            report(Event::Skipped {
                version: s.version,
                name: s.name.clone(),
            });
            summary.unchecked.push((s.version, s.name.clone()));
            skipped.get_or_insert_with(|| format!("{}_{}", s.version, s.name));
            continue;
        }
        let start = Instant::now();
        if let Err(e) = db.dry_run_savepoint(s, opts).await {
            result = Err(db.error(e));
            break;
        }
        let rows = match db.run_file(s).await {
            Ok(n) => n,
            Err(f) => match &skipped {
                Some(after) => {
                    if let Err(e) = db.dry_run_undo().await {
                        result = Err(db.error(e));
                        break;
                    }
                    report(Event::Unchecked {
                        version: s.version,
                        name: s.name.clone(),
                        after: after.clone(),
                        error: error_text(s, &f.error, db.dialect()),
                    });
                    summary.unchecked.push((s.version, s.name.clone()));
                    continue;
                }
                None => {
                    result = Err(failure(
                        s,
                        &f.error,
                        f.line,
                        "this was a dry run: nothing was changed. Fix the migration before applying it".into(),
                        db.dialect(),
                    ));
                    break;
                }
            },
        };
        let ms = elapsed_ms(start);
        report(Event::WouldApply {
            version: s.version,
            name: s.name.clone(),
            ms,
            rows,
        });
        summary.applied.push((s.version, s.name.clone(), ms));
    }
    let rollback = db.end_dry_run().await;
    rollback.map_err(|e| db.error(e))?;
    result.map(|()| summary)
}

/// Dry run: reports each statement of a file that cannot run in its transaction as not run (none
/// for a secure one, whose content is never shown).
fn report_not_run(s: &Source, dialect: Dialect, report: Report<'_>) -> Result<(), RunError> {
    let statements = split(&s.content, dialect).map_err(|e| RunError::Failed {
        version: s.version,
        name: s.name.clone(),
        line: Some(e.line),
        error: e.message,
        recovery: "fix the file".into(),
    })?;
    for st in statements {
        report(Event::NotRun {
            version: s.version,
            name: s.name.clone(),
            statement: if s.secure { String::new() } else { st.sql },
        });
        if s.secure {
            break;
        }
    }
    Ok(())
}
