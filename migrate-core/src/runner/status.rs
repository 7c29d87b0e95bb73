//! What each migration's state is: `migrate status`.

use super::*;

/// The state of one migration, for `migrate status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Its version.
    pub version: u64,
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub state: State,
    /// The first line of its leading comment (as the history records it, once applied).
    pub description: String,
    /// When its run finished (or, unfinished, started), as the history records it; `None`: not
    /// in the history.
    pub applied_at: Option<String>,
    /// How long its run took, in milliseconds, as the history records it.
    pub execution_ms: Option<i64>,
    /// Who applied it, as the history records it.
    pub applied_by: Option<String>,
    /// The error its failed run recorded.
    pub error: Option<String>,
    /// `Running`: the runner applying it now.
    pub holder: Option<Holder>,
    /// `Running`, `Failed`, `Interrupted`: what happened and the exact next commands.
    pub help: Option<String>,
}

/// Where one migration stands, for `migrate status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Applied, with the content its file has now.
    Applied,
    /// Not applied yet.
    Pending,
    /// Applied, and the file changed since.
    Modified,
    /// Applied, and the file is gone.
    Missing,
    /// A no-transaction run failed part-way (dirty), with its error recorded.
    Failed,
    /// Applied, with no file here, and newer than every file here: a newer release applied it.
    Ahead,
    /// Being applied now: a runner holds the runner lock and applies it (PostgreSQL).
    Running,
    /// A no-transaction run whose runner stopped part-way without recording an error (the
    /// process was killed, or it lost its connection) and no runner is applying it (dirty).
    Interrupted,
}

impl State {
    /// The state as `migrate status` prints it: `applied`, `pending`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::Modified => "modified",
            State::Missing => "missing",
            State::Failed => "failed",
            State::Ahead => "ahead",
            State::Running => "running",
            State::Interrupted => "interrupted",
        }
    }
}

/// Every migration, local or recorded, with its state. Reads only.
pub async fn status(
    db: &mut Connection<'_>,
    sources: &[Source],
    opts: &Options,
) -> Result<Vec<Status>, RunError> {
    check_table(db.driver(), opts)?;
    // What a waiting contract step says of the backfills before it.
    let backfills = if sources.iter().any(|s| s.contract) {
        crate::batch::status(db, sources, opts)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let db = db.driver();
    let applied = db
        .read_history(&opts.history_table)
        .await
        .map_err(|e| db.error(e))?;
    // A runner at work right now, and the migration it says it applies.
    let holder = db.holder(opts).await?;
    let running = |version: u64| {
        holder
            .as_ref()
            .filter(|h| h.version.is_none_or(|v| v == version))
    };
    let mut out: BTreeMap<u64, Status> = BTreeMap::new();
    for s in sources {
        let now = holder.as_ref().filter(|h| h.version == Some(s.version));
        out.insert(
            s.version,
            Status {
                version: s.version,
                name: s.name.clone(),
                state: if now.is_some() {
                    State::Running
                } else {
                    State::Pending
                },
                description: s.description.clone(),
                applied_at: None,
                execution_ms: None,
                applied_by: None,
                error: None,
                holder: now.cloned(),
                help: now.map(running_help),
            },
        );
    }
    let newest_local = sources.iter().map(|s| s.version).max();
    let by_version: BTreeMap<u64, &Source> = sources.iter().map(|s| (s.version, s)).collect();
    for a in applied {
        let local = by_version.get(&a.version).copied();
        let unfinished = !a.success && a.finished_at.is_none() && a.error.is_none();
        let state = match local {
            _ if unfinished && running(a.version).is_some() => State::Running,
            _ if unfinished => State::Interrupted,
            _ if !a.success => State::Failed,
            None if newest_local.is_none_or(|n| a.version > n) => State::Ahead,
            None => State::Missing,
            Some(s) if s.checksum != a.checksum => State::Modified,
            Some(_) => State::Applied,
        };
        // A secure migration is described by its placeholder only, whatever an older run stored.
        let description = match local {
            Some(s) if s.secure => s.description.clone(),
            _ => a.description,
        };
        let holder = (state == State::Running)
            .then(|| running(a.version).cloned())
            .flatten();
        let help = match state {
            State::Running => holder.as_ref().map(running_help),
            State::Failed | State::Interrupted => {
                let mut p = [Integrity {
                    version: a.version,
                    name: a.name.clone(),
                    kind: IntegrityKind::Dirty {
                        error: a.error.clone(),
                        advice: None,
                    },
                }];
                advise_dirty(db, sources, &mut p).await;
                Some(p[0].fix())
            }
            _ => None,
        };
        out.insert(
            a.version,
            Status {
                version: a.version,
                name: a.name,
                state,
                description,
                applied_at: a.finished_at.or(Some(a.started_at)),
                execution_ms: a.execution_ms,
                applied_by: Some(a.applied_by),
                error: a.error,
                holder,
                help,
            },
        );
    }
    contract::annotate(&mut out, sources, &backfills);
    Ok(out.into_values().collect())
}

fn running_help(h: &Holder) -> String {
    format!(
        "runner {h} is applying it now; `migrate status` again shows how it ends. If it is stuck, end it with \
         `SELECT pg_terminate_backend({});`",
        h.pid
    )
}
