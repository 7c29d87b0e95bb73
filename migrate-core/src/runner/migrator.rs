//! The embedded `Migrator`: the pools it runs on, and loading a migration directory.

use super::*;

/// A database an embedded [`Migrator`] can run against: a pool of a dialect whose feature is on
/// (`sqlx::PgPool`, `sqlx::SqlitePool`; each dialect implements it in its folder).
pub trait Target: Sync {
    /// Applies `sources` on one connection of the pool.
    fn apply<'a>(
        &'a self,
        sources: &'a [Source],
        opts: &'a Options,
        report: Report<'a>,
    ) -> BoxFuture<'a, Result<Summary, RunError>>;
}

impl Migrator {
    /// The embedded migrations as runner sources.
    pub fn sources(&self) -> Result<Vec<Source>, RunError> {
        let mut sources: Vec<Source> = self
            .migrations
            .iter()
            .map(Source::from_embedded)
            .collect::<Result<_, _>>()?;
        // A Migrator can register the functions of data migrations in Rust: one it does not
        // register is an error before anything runs.
        for step in sources.iter_mut().filter_map(|s| s.rust.as_mut()) {
            step.registry = true;
        }
        Ok(sources)
    }

    /// Applies every pending migration, each once, with the default lock and statement timeouts.
    /// The error reads as the `migrate` command's (see [`crate::migrator::MigrateError`]).
    pub async fn run<T: Target>(
        &self,
        target: &T,
    ) -> Result<Summary, crate::migrator::MigrateError> {
        let opts = Options {
            history_table: self.history_table.to_string(),
            ..Options::default()
        };
        self.run_with(target, &opts, &mut |_| {})
            .await
            .map_err(Into::into)
    }

    /// [`run`](Migrator::run) with options and a progress callback.
    pub async fn run_with<T: Target>(
        &self,
        target: &T,
        opts: &Options,
        report: &mut (dyn FnMut(Event) + Send),
    ) -> Result<Summary, RunError> {
        let sources = self.sources()?;
        target.apply(&sources, opts, report).await
    }
}

/// Why [`load_dir`] could not read a migration directory.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The directory or the manifest could not be read.
    #[error(transparent)]
    Dir(#[from] crate::migration::MigrationError),
    /// An environment's secure files could not be used in place of their placeholders.
    #[error(transparent)]
    Sources(#[from] RunError),
}

impl Explain for LoadError {
    fn code(&self) -> &'static str {
        match self {
            LoadError::Dir(e) => e.code(),
            LoadError::Sources(e) => e.code(),
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            LoadError::Dir(e) => e.help(),
            LoadError::Sources(e) => e.help(),
        }
    }
}

/// Reads a migration directory (verified against its manifest) into runner sources.
pub fn load_dir(
    path: &Path,
    extra_paths: &[PathBuf],
) -> Result<(MigrationDir, Vec<Source>), LoadError> {
    let dir = MigrationDir::open(path)?;
    let sources = sources_from_dir(&dir, extra_paths)?;
    Ok((dir, sources))
}
