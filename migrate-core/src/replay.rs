//! Replaying the migration directory: what the migrations really produce.
//!
//! A hand-written migration (`migrate new`) can create anything: tables the schema declares
//! later, functions, views, triggers. The snapshot cannot know what such a file does, so what the
//! directory produces is computed by applying it, through the runner (directives,
//! no-transaction and batch files behave as in `migrate up`), to an empty scratch database and
//! reading that database back ([`crate::introspect`]): a dev database, in the field's words
//! (a shadow database, elsewhere).
//!
//! - SQLite: an in-memory database, nothing to configure.
//! - PostgreSQL: a database of its own on `dev_database_url`, created and dropped; without the
//!   setting, a throwaway local server when the PostgreSQL binaries are installed; else an
//!   error naming the setting. Each dialect's [`crate::dialect::runtime::Runtime::scratch`]
//!   says how.
//!
//! The result is cached in the snapshot: `migrate generate` writes it with the chained sum of
//! the migrations it describes ([`crate::migration::MigrationDir::snapshot_is_current`]), so a
//! `generate` with nothing new replays nothing.

use std::time::Instant;

use crate::config::Dialect;
use crate::db::DbError;
use crate::diagnostic::Explain;
use crate::dialect::runtime::{Scratch, ScratchFrom};
use crate::introspect::{self, Options as IntrospectOptions};
use crate::migration::MigrationDir;
use crate::runner::{self, Event, Options, RunError, Source};
use crate::schema::Schema;

/// What to replay on.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The project's dialect.
    pub dialect: Dialect,
    /// The history table, left out of what is read back.
    pub history_table: &'a str,
    /// Where the scratch database comes from.
    pub from: ScratchFrom<'a>,
}

/// What the migrations produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    /// The scratch database read back, in the canonical model.
    pub schema: Schema,
    /// What the schema language could not represent.
    pub notes: Vec<String>,
    /// The declared schema given to [`replay`] as the scratch server holds it
    /// ([`introspect::represent`] and [`introspect::canonical_literals`]), to diff against.
    pub wanted: Option<Schema>,
    /// How many migrations were applied.
    pub applied: usize,
    /// What the scratch database was.
    pub on: String,
    /// How long it took, in milliseconds.
    pub ms: u64,
}

/// Why the directory could not be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// No scratch database could be had.
    #[error("cannot replay the migration directory: {}", .0.message)]
    Unavailable(DbError),
    /// A migration does not apply to an empty database.
    #[error("the migration directory does not replay on {on}: {error}")]
    Failed {
        /// What the scratch database was.
        on: String,
        /// The runner's error.
        error: Box<RunError>,
    },
    /// The scratch database could not be read back.
    #[error("cannot read back the replayed database: {}", .0.message)]
    Read(DbError),
}

impl Explain for ReplayError {
    fn code(&self) -> &'static str {
        match self {
            ReplayError::Unavailable(_) => "no-dev-database",
            ReplayError::Failed { .. } => "replay-failed",
            ReplayError::Read(_) => "database",
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            ReplayError::Unavailable(e) | ReplayError::Read(e) => e.help.clone(),
            // The runner's recovery advice is about the scratch database, which is gone.
            ReplayError::Failed { .. } => Some(
                "every migration must apply, in order, to an empty database: a database built from the \
                 directory fails the same way. If the file was never applied anywhere, fix it and run \
                 `migrate hash`; if it was, the fix is a new migration, or the file relies on something \
                 made outside the migrations (an extension, a role), which the scratch database lacks"
                    .into(),
            ),
        }
    }
}

/// Applies `sources` in order to an empty scratch database and reads it back. With `declared`,
/// also gives it as the scratch server reads it back ([`Replayed::wanted`]). `progress` hears
/// `(applied, total)` after each migration.
pub async fn replay(
    req: Request<'_>,
    sources: &[Source],
    declared: Option<&Schema>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Replayed, ReplayError> {
    let started = Instant::now();
    let Scratch {
        mut conn,
        what,
        release,
    } = req
        .dialect
        .runtime()
        .scratch(req.from)
        .await
        .map_err(ReplayError::Unavailable)?;
    let opts = Options {
        history_table: req.history_table.to_string(),
        // The directory's whole result: contract steps too (a database that has applied them
        // is what `status` compares with it).
        contracts: runner::Contracts::Apply,
        lock_timeout: None,
        statement_timeout: None,
        lock_retries: 0,
        applied_by: "migrate replay".into(),
        ..Options::default()
    };
    let total = sources.len();
    let mut applied = 0;
    let ran = runner::up(&mut conn, sources, &opts, &mut |e| {
        if let Event::Applied { .. } = e {
            applied += 1;
            progress(applied, total);
        }
    })
    .await;
    let result = match ran {
        Err(error) => Err(ReplayError::Failed {
            on: what.clone(),
            error: Box::new(error),
        }),
        Ok(summary) => {
            let opts = IntrospectOptions {
                history_table: req.history_table.to_string(),
                ..IntrospectOptions::default()
            };
            match introspect::introspect_with_notes(&mut conn, &opts).await {
                Ok(read) => {
                    let wanted = match declared {
                        Some(d) => {
                            let mut w = introspect::represent(req.dialect, d);
                            introspect::canonical_literals(&mut conn, &mut w).await;
                            Some(w)
                        }
                        None => None,
                    };
                    Ok(Replayed {
                        schema: read.schema,
                        notes: read.notes,
                        wanted,
                        applied: summary.applied.len(),
                        on: what,
                        ms: 0,
                    })
                }
                Err(e) => Err(ReplayError::Read(e)),
            }
        }
    };
    conn.close().await;
    if let Some(release) = release {
        release().await;
    }
    result.map(|mut r| {
        r.ms = runner::elapsed_ms(started);
        r
    })
}

/// [`replay`] from synchronous code (`migrate generate`, `build.rs`): on a thread of its own
/// with its own runtime, so that it works inside another runtime too.
pub fn replay_blocking(
    req: Request<'_>,
    sources: &[Source],
    declared: Option<&Schema>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Replayed, ReplayError> {
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| {
                    ReplayError::Unavailable(DbError::new(format!("cannot start a runtime: {e}")))
                })?
                .block_on(replay(req, sources, declared, progress))
        })
        .join()
        .unwrap_or_else(|_| {
            Err(ReplayError::Unavailable(DbError::new(
                "replaying the migration directory panicked",
            )))
        })
    })
}

/// Whether new migration files fit the directory ([`fits`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fit {
    /// They apply on top of the replayed directory.
    Applies,
    /// This one fails there: it suits a database that drifted from the directory, not the
    /// databases built from it.
    Breaks {
        /// The planned file's name.
        file: String,
        /// What the scratch database said.
        error: String,
    },
}

/// Replays the directory, then `files` (`(name, SQL)`, as they would be written next) on top:
/// whether a migration made against one live database (`migrate diff`) fits every database built
/// from the directory.
pub async fn fits(
    req: Request<'_>,
    dir: &MigrationDir,
    files: &[(&str, &str)],
) -> Result<Fit, ReplayError> {
    let mut all = sources(dir).map_err(|error| ReplayError::Failed {
        on: "the migration directory".into(),
        error: Box::new(error),
    })?;
    let mut last = dir.last_version();
    let mut planned = Vec::new();
    for (name, sql) in files {
        let version = crate::migration::Version::next(last, crate::migration::Version::now());
        last = Some(version);
        let source =
            Source::new(version.as_u64(), name, sql).map_err(|error| ReplayError::Failed {
                on: "the planned migration".into(),
                error: Box::new(error),
            })?;
        planned.push(version.as_u64());
        all.push(source);
    }
    match replay(req, &all, None, &mut |_, _| {}).await {
        Ok(_) => Ok(Fit::Applies),
        Err(ReplayError::Failed { error, .. }) => match *error {
            RunError::Failed {
                version,
                name,
                error,
                ..
            } if planned.contains(&version) => Ok(Fit::Breaks { file: name, error }),
            other => Err(ReplayError::Failed {
                on: "the migration directory".into(),
                error: Box::new(other),
            }),
        },
        Err(e) => Err(e),
    }
}

/// The sources to replay: every migration of the directory as the repository holds it (no
/// environment's secure files: a placeholder's development content runs). A migration up to
/// `lint_baseline` ([`MigrationDir::with_baseline`]) runs as it is, whatever it holds that the
/// runner refuses today (a misspelled directive): every database applied it so.
pub fn sources(dir: &MigrationDir) -> Result<Vec<Source>, RunError> {
    let mut sources = runner::sources_from_dir(dir, &[])?;
    for (s, m) in sources.iter_mut().zip(dir.migrations()) {
        if dir.is_released(m) {
            s.problems.clear();
        }
        // A data migration in Rust changes rows, never the schema, and a scratch database has
        // no rows: it replays as the empty file it is (no registered function needed).
        if s.rust.take().is_some() {
            s.batch = None;
        }
    }
    Ok(sources)
}

/// The newest migration whose text mentions `name` (a table, `table.column`'s table, an index,
/// an enum), as its file name: where an object most likely comes from. Case-insensitive, on
/// the name as a word (`pets` does not match `pets_archive`).
pub fn last_mentioning(dir: &MigrationDir, name: &str) -> Option<String> {
    let needle = name.to_lowercase();
    if needle.is_empty() {
        return None;
    }
    let word = |c: char| c.is_alphanumeric() || c == '_';
    dir.migrations().iter().rev().find_map(|m| {
        let text = m.content.to_lowercase();
        let mut from = 0;
        while let Some(i) = text[from..].find(&needle) {
            let at = from + i;
            let end = at + needle.len();
            let before = text[..at].chars().next_back().is_none_or(|c| !word(c));
            let after = text[end..].chars().next().is_none_or(|c| !word(c));
            if before && after {
                return Some(m.file_name());
            }
            from = end;
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_migration_mentioning_a_name_is_found_as_a_word() {
        let tmp = tempfile::tempdir().unwrap();
        let mut dir = MigrationDir::create(tmp.path()).unwrap();
        let v = |s| crate::migration::Version::parse(s).unwrap();
        dir.add_at("pets", "CREATE TABLE pets (id int);\n", v("20240101000000"))
            .unwrap();
        dir.add_at(
            "archive",
            "CREATE TABLE pets_archive (id int);\n",
            v("20240102000000"),
        )
        .unwrap();
        assert_eq!(
            last_mentioning(&dir, "pets").as_deref(),
            Some("20240101000000_pets.sql")
        );
        assert_eq!(
            last_mentioning(&dir, "PETS_ARCHIVE").as_deref(),
            Some("20240102000000_archive.sql")
        );
        assert_eq!(last_mentioning(&dir, "cats"), None);
    }
}
