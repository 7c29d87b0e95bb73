//! Marking history by hand: `baseline`, and `resolve` of a failed or interrupted run.

use super::*;

/// Records every migration up to and including `version` as applied without running it, to
/// adopt a database that already has that schema. Returns how many were recorded.
pub async fn baseline(
    db: &mut Connection<'_>,
    sources: &[Source],
    version: u64,
    opts: &Options,
    report: Report<'_>,
) -> Result<usize, RunError> {
    if !sources.iter().any(|s| s.version == version) {
        return Err(RunError::UnknownVersion(version));
    }
    let db = db.driver();
    lock(db, opts, report).await?;
    let result = baseline_locked(db, sources, version, opts).await;
    db.end_locked_change(opts, result.is_ok()).await?;
    result
}

async fn baseline_locked(
    db: &mut dyn Driver,
    sources: &[Source],
    version: u64,
    opts: &Options,
) -> Result<usize, RunError> {
    let runtime = db.runtime();
    let create = runtime.create_history_sql(&opts.history_table);
    db.execute(&create).await.map_err(|e| db.error(e))?;
    let applied = db
        .read_history(&opts.history_table)
        .await
        .map_err(|e| db.error(e))?;
    let done: std::collections::HashSet<u64> = applied.iter().map(|a| a.version).collect();
    let mut n = 0;
    for s in sources
        .iter()
        .filter(|s| s.version <= version && !done.contains(&s.version))
    {
        let mut s = s.clone();
        s.description = format!(
            "baseline: recorded as applied without running. {}",
            s.description
        )
        .trim_end()
        .to_string();
        let sql = runtime.insert_history_sql(&HistoryRow {
            table: &opts.history_table,
            source: &s,
            success: true,
            execution_ms: None,
            applied_by: &opts.applied_by,
        });
        db.execute(&sql).await.map_err(|e| db.error(e))?;
        n += 1;
    }
    Ok(n)
}

/// Settles a failed (dirty) run: `applied = false` forgets it so the file runs again;
/// `applied = true` records it as done (completed by hand).
///
/// Under the runner lock, never waiting for it: while another runner holds it, the run to settle
/// may still be going on ([`RunError::InProgress`]), and a running `up` must never lose its
/// history row. With the lock held, an unsuccessful row is a run that has stopped.
pub async fn resolve(
    db: &mut Connection<'_>,
    version: u64,
    applied: bool,
    opts: &Options,
) -> Result<(), RunError> {
    let db = db.driver();
    check_table(db, opts)?;
    if let Err(holder) = db.lock_for_resolve(opts).await? {
        return Err(RunError::InProgress { version, holder });
    }
    let result = resolve_locked(db, version, applied, opts).await;
    db.end_locked_change(opts, result.is_ok()).await?;
    result
}

async fn resolve_locked(
    db: &mut dyn Driver,
    version: u64,
    applied: bool,
    opts: &Options,
) -> Result<(), RunError> {
    let rows = db
        .read_history(&opts.history_table)
        .await
        .map_err(|e| db.error(e))?;
    let Some(row) = rows.iter().find(|r| r.version == version) else {
        return Err(RunError::UnknownVersion(version));
    };
    if row.success {
        return Err(RunError::NotFailed {
            version,
            name: row.name.clone(),
        });
    }
    let runtime = db.runtime();
    let sql = if applied {
        runtime.mark_applied_sql(&opts.history_table, version)
    } else {
        runtime.delete_history_sql(&opts.history_table, version)
    };
    db.execute(&sql).await.map_err(|e| db.error(e))?;
    Ok(())
}
