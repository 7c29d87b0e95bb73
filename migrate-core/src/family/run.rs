//! Running a family migration (`-- migrate:family name=… pattern=…`): its members are the
//! tables the database holds when it runs, found in the catalog by the pattern (a `LIKE` first
//! cut, escaped, then [`Pattern::key_of`](super::Pattern::key_of)), in byte order of their names.
//!
//! **All or nothing** (no `lock_budget`): one transaction changes every member and records the
//! migration in the history; a failure on one member rolls back every member.
//!
//! **With `lock_budget`**: members are walked in name order, one transaction per batch of at
//! most N members (or members until T has passed), each batch recording the last member it
//! changed in the progress table (`migrate_backfills`, as a backfill records its last key) in
//! its transaction. A killed run resumes after the last batch that committed; the batch that
//! finds no member left records the migration in the history. Members are discovered again by
//! every batch, so one created while the walk is under way (after the last member changed) is
//! changed too. `backfill_pause` waits between two batches.
//!
//! Each member's statements are the file's with [`MEMBER`](super::MEMBER) bound to its name
//! ([`super::bind`]); the generated ones use `IF NOT EXISTS` forms where the dialect has them,
//! so a member that has the change already (made by the application with the new shape) is left
//! as it is.

use std::time::{Duration, Instant};

use crate::batch::{Progress, progress_table};
use crate::dialect::runtime::{Driver, HistoryRow, Report};
use crate::migration::directive::{FamilySpec, LockBudget};
use crate::runner::{Event, Options, RunError, Source, elapsed_ms};

/// The members of `spec` in the database now, sorted by name (bytes).
pub(crate) async fn members(
    db: &mut dyn Driver,
    spec: &FamilySpec,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = db
        .runtime()
        .family_members_sql(spec.schema.as_deref(), &spec.pattern.like());
    let rows = db.fetch_texts(&sql).await?;
    let mut out: Vec<String> = rows
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .filter(|name| spec.pattern.key_of(name).is_some())
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// The columns of each member of `spec`, `(member, columns)` sorted by member.
async fn member_columns(
    db: &mut dyn Driver,
    schema: Option<&str>,
    pattern: &super::Pattern,
) -> Result<Vec<(String, Vec<String>)>, sqlx::Error> {
    let sql = db.runtime().family_columns_sql(schema, &pattern.like());
    let rows = db.fetch_texts(&sql).await?;
    let mut map: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in rows {
        let mut it = r.into_iter();
        let (Some(Some(t)), Some(Some(c))) = (it.next(), it.next()) else {
            continue;
        };
        if pattern.key_of(&t).is_some() {
            map.entry(t).or_default().push(c);
        }
    }
    Ok(map.into_iter().collect())
}

/// One member table of a family, as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Member {
    /// The table's name.
    pub table: String,
    /// The member's key (the part of the name the pattern's placeholder stands for).
    pub key: String,
    /// The template's columns the member lacks: not at the latest shape when any.
    pub missing: Vec<String>,
    /// Columns the member has that the template does not declare (dropped from it, or added
    /// by hand).
    pub extra: Vec<String>,
}

impl Member {
    /// Whether the member has the template's columns, and no other.
    pub fn current(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Every member of `family` in the database, with what it lacks of the template's columns.
pub async fn status(
    db: &mut crate::db::Connection<'_>,
    family: &crate::schema::Family,
) -> Result<Vec<Member>, RunError> {
    let db = db.driver();
    let pattern = family.parsed_pattern();
    let found = member_columns(db, family.schema.as_deref(), &pattern)
        .await
        .map_err(|e| db.error(e))?;
    let declared: Vec<&str> = family
        .template
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    Ok(found
        .into_iter()
        .map(|(table, columns)| Member {
            key: pattern.key_of(&table).unwrap_or_default().to_string(),
            missing: declared
                .iter()
                .filter(|c| !columns.iter().any(|x| x == *c))
                .map(|c| c.to_string())
                .collect(),
            extra: columns
                .iter()
                .filter(|c| !declared.contains(&c.as_str()))
                .cloned()
                .collect(),
            table,
        })
        .collect())
}

/// The statements of a family file, each to be bound to one member.
fn statements(s: &Source, db: &dyn Driver) -> Vec<String> {
    crate::sql::split::split(&s.content, db.dialect())
        .map(|v| v.into_iter().map(|st| st.sql).collect())
        .unwrap_or_else(|_| vec![s.content.clone()])
}

/// Applies a family migration; `Some((ms, members changed))` when this runner recorded it,
/// `None` when another runner finished it first.
pub(crate) async fn apply(
    db: &mut dyn Driver,
    s: &Source,
    opts: &Options,
    report: Report<'_>,
) -> Result<Option<(u64, u64)>, RunError> {
    let Some(spec) = &s.family else {
        return Ok(None);
    };
    crate::batch::ensure_tables(db, opts).await?;
    match spec.lock_budget {
        None => whole(db, s, spec, opts, report).await.map(Some),
        Some(budget) => batches(db, s, spec, budget, opts, report).await,
    }
}

fn timeouts(s: &Source, opts: &Options) -> (Option<Duration>, Option<Duration>) {
    let lock = s
        .lock_timeout
        .or(opts.lock_timeout)
        .filter(|d| !d.is_zero());
    let statement = s
        .statement_timeout
        .or(opts.statement_timeout)
        .filter(|d| !d.is_zero());
    (lock, statement)
}

/// A failure on `member`: the transaction was rolled back.
fn failed(
    s: &Source,
    db: &dyn Driver,
    member: &str,
    e: &sqlx::Error,
    recovery: String,
) -> RunError {
    RunError::Failed {
        version: s.version,
        name: s.name.clone(),
        line: None,
        error: format!(
            "on member table `{}`: {}",
            crate::sql::printable(member),
            crate::runner::error_text(s, e, db.dialect())
        ),
        recovery,
    }
}

/// Every member in one transaction, with the history row.
async fn whole(
    db: &mut dyn Driver,
    s: &Source,
    spec: &FamilySpec,
    opts: &Options,
    report: Report<'_>,
) -> Result<(u64, u64), RunError> {
    let start = Instant::now();
    let body = statements(s, db);
    let (lock, statement) = timeouts(s, opts);
    db.begin_batch(lock, statement)
        .await
        .map_err(|e| db.error(e))?;
    let found = match members(db, spec).await {
        Ok(m) => m,
        Err(e) => {
            let _ = db.execute("ROLLBACK").await;
            return Err(db.error(e));
        }
    };
    let total = found.len() as u64;
    for (i, member) in found.iter().enumerate() {
        if let Err(e) = change(db, &body, member).await {
            let _ = db.execute("ROLLBACK").await;
            return Err(failed(
                s,
                db,
                member,
                &e,
                format!(
                    "the migration's one transaction was rolled back: no member table was changed. Fix the cause \
                     and run `migrate up` again ({total} members in one transaction: if the database ran out of \
                     locks, raise `max_locks_per_transaction`, or give the family a `lock_budget` under \
                     [families.{}] so that each transaction changes fewer)",
                    spec.name
                ),
            ));
        }
        report(Event::FamilyMember {
            version: s.version,
            name: s.name.clone(),
            member: member.clone(),
            done: i as u64 + 1,
            total,
        });
    }
    let ms = elapsed_ms(start);
    let record = db.runtime().insert_history_sql(&HistoryRow {
        table: &opts.history_table,
        source: s,
        success: true,
        execution_ms: Some(i64::try_from(ms).unwrap_or(i64::MAX)),
        applied_by: &opts.applied_by,
    });
    let done = async {
        db.execute(&record).await?;
        db.execute("COMMIT").await
    }
    .await;
    if let Err(e) = done {
        let _ = db.execute("ROLLBACK").await;
        return Err(db.error(e));
    }
    report(Event::FamilyDone {
        version: s.version,
        name: s.name.clone(),
        changed: total,
        skipped: 0,
    });
    Ok((ms, total))
}

/// The file's statements on one member.
async fn change(db: &mut dyn Driver, body: &[String], member: &str) -> Result<(), sqlx::Error> {
    for st in body {
        db.execute(&super::bind(st, member)).await?;
    }
    Ok(())
}

/// The progress table's name for a family's walk: `schema.pattern` or `pattern`.
fn shown(spec: &FamilySpec) -> String {
    match &spec.schema {
        Some(sc) => format!("{sc}.{}", spec.pattern),
        None => spec.pattern.to_string(),
    }
}

/// In batches of members within `budget`, each committing with its progress.
async fn batches(
    db: &mut dyn Driver,
    s: &Source,
    spec: &FamilySpec,
    budget: LockBudget,
    opts: &Options,
    report: Report<'_>,
) -> Result<Option<(u64, u64)>, RunError> {
    let start = Instant::now();
    let body = statements(s, db);
    let table = progress_table(&opts.history_table);
    let rt = db.runtime();
    let runner = crate::batch::runner_name(opts);
    let filter = format!("version = {}", s.version);
    let key = vec!["member".to_string()];
    let size = u64::from(budget.tables.unwrap_or(0));
    let start_sql =
        crate::batch::start_sql_for(rt, &table, s, &shown(spec), &key, None, size, &runner);
    db.execute(&start_sql).await.map_err(|e| db.error(e))?;
    let (lock, statement) = timeouts(s, opts);
    let mut changed = 0u64;
    let mut skipped: Option<u64> = None;
    let mut first = true;
    loop {
        if !first && !opts.backfill_pause.is_zero() {
            // Room for the application's own work between two batches, as a backfill leaves.
            tokio::time::sleep(opts.backfill_pause).await;
        }
        first = false;
        db.begin_batch(lock, statement)
            .await
            .map_err(|e| db.error(e))?;
        let step = batch(
            db, s, spec, budget, &table, &filter, &body, &runner, opts, start,
        )
        .await;
        let (p, done, finished) = match step {
            Ok(Some(x)) => x,
            Ok(None) => {
                let _ = db.execute("ROLLBACK").await;
                return Ok(None);
            }
            Err(Stop::Db(e)) => {
                let _ = db.execute("ROLLBACK").await;
                return Err(db.error(e));
            }
            Err(Stop::Member(member, e)) => {
                let _ = db.execute("ROLLBACK").await;
                return Err(failed(
                    s,
                    db,
                    &member,
                    &e,
                    format!(
                        "the failed batch was rolled back; every batch before it is kept ({changed} member tables \
                         changed in this run). Fix the cause and run `migrate up` again: it resumes after the last \
                         batch that committed"
                    ),
                ));
            }
        };
        if let Err(e) = db.execute("COMMIT").await {
            let _ = db.execute("ROLLBACK").await;
            return Err(db.error(e));
        }
        skipped.get_or_insert(p.rows_done);
        for (i, member) in done.iter().enumerate() {
            report(Event::FamilyMember {
                version: s.version,
                name: s.name.clone(),
                member: member.clone(),
                done: changed + i as u64 + 1,
                total: changed + done.len() as u64,
            });
        }
        changed += done.len() as u64;
        if finished {
            report(Event::FamilyDone {
                version: s.version,
                name: s.name.clone(),
                changed,
                skipped: skipped.unwrap_or(0),
            });
            return Ok(Some((elapsed_ms(start), changed)));
        }
    }
}

enum Stop {
    Db(sqlx::Error),
    Member(String, sqlx::Error),
}

impl From<sqlx::Error> for Stop {
    fn from(e: sqlx::Error) -> Stop {
        Stop::Db(e)
    }
}

/// One batch inside its transaction: the progress row locked, the next members after its last
/// one changed within the budget, the row updated (and, at the end, the history written).
/// `None`: another runner finished the walk.
#[allow(clippy::too_many_arguments)] // one transaction's whole context
async fn batch(
    db: &mut dyn Driver,
    s: &Source,
    spec: &FamilySpec,
    budget: LockBudget,
    table: &str,
    filter: &str,
    body: &[String],
    runner: &str,
    opts: &Options,
    start: Instant,
) -> Result<Option<(Progress, Vec<String>, bool)>, Stop> {
    let rt = db.runtime();
    let rows = db
        .fetch_texts(&rt.select_backfills_sql(table, filter, true))
        .await?;
    let Some(p) = rows.first().and_then(|r| crate::batch::parse_progress(r)) else {
        return Err(Stop::Db(sqlx::Error::RowNotFound));
    };
    if p.state == crate::batch::BackfillState::Finished {
        return Ok(None);
    }
    let last = p.last_key.as_ref().and_then(|k| k.first().cloned());
    let pending: Vec<String> = members(db, spec)
        .await?
        .into_iter()
        .filter(|m| last.as_ref().is_none_or(|l| m > l))
        .collect();
    let began = Instant::now();
    let mut done = Vec::new();
    for member in &pending {
        let full = budget
            .tables
            .is_some_and(|n| done.len() as u64 >= u64::from(n));
        let late = budget.time.is_some_and(|t| began.elapsed() >= t);
        if !done.is_empty() && (full || late) {
            break;
        }
        change(db, body, member)
            .await
            .map_err(|e| Stop::Member(member.clone(), e))?;
        done.push(member.clone());
    }
    let finished = done.len() == pending.len();
    let last_key = done.last().map(|m| vec![m.clone()]);
    let n = done.len() as u64;
    let mut sql = crate::batch::batch_sql_for(
        rt,
        table,
        s.version,
        last_key.as_deref(),
        n,
        u64::from(budget.tables.unwrap_or(0)),
        finished,
        runner,
    );
    if finished {
        let record = rt.insert_history_sql(&HistoryRow {
            table: &opts.history_table,
            source: s,
            success: true,
            execution_ms: Some(i64::try_from(elapsed_ms(start)).unwrap_or(i64::MAX)),
            applied_by: &opts.applied_by,
        });
        let started = crate::batch::history_start_sql_for(table, &opts.history_table, s.version);
        sql = format!("{sql};\n{record};\n{started}");
    }
    db.execute(&sql).await?;
    Ok(Some((p, done, finished)))
}
