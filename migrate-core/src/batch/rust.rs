//! Data migrations in Rust: a migration file `-- migrate:rust name=F table=T [key=…] [size=N]`
//! (no SQL) whose body is the function the application registered as `F` with
//! [`Migrator::data_migration`]. The backfill engine walks `T` as it walks a batch file and, in
//! each batch's transaction, calls the function with a [`DataBatch`]: the transaction to run SQL
//! on and the batch's key range. Progress, resumption after a kill and runners taking turns are
//! the engine's (see [`crate::batch`]).
//!
//! The `migrate` command cannot run Rust code: `migrate up` applies what comes before such a
//! migration and stops before it ([`RunError::RustMigration`]); the application's `Migrator`
//! runs it and what follows.

use std::fmt;
use std::sync::Arc;

use crate::dialect::runtime::{BoxFuture, Driver, Report};
use crate::migrator::Migrator;
use crate::runner::{Options, RunError, Source, Summary, Target};

/// What a data migration's function returns on failure: any error (`?` on a sqlx error works).
/// A sqlx lock or statement timeout makes the batch give way and be retried smaller, as a batch
/// file's does; any other error stops the migration (the batches committed before stay).
pub type DataError = Box<dyn std::error::Error + Send + Sync>;

/// A data migration's function: called once per batch, in the batch's transaction; returns the
/// rows it changed.
pub type DataFn = Arc<
    dyn for<'b, 'c> Fn(&'b mut DataBatch<'c>) -> BoxFuture<'b, Result<u64, DataError>>
        + Send
        + Sync,
>;

/// One batch of a data migration in Rust: the transaction it runs in and the keys it covers.
///
/// Everything run through it is committed with the batch's progress, or rolled back with it:
/// a killed run resumes after the last batch that committed, and no batch is done twice.
pub struct DataBatch<'c> {
    pub(crate) db: &'c mut dyn Driver,
    pub(crate) table: &'c str,
    pub(crate) key: &'c [String],
    pub(crate) lo: Option<&'c [String]>,
    pub(crate) hi: &'c [String],
    pub(crate) range: String,
}

impl fmt::Debug for DataBatch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataBatch")
            .field("table", &self.table)
            .field("key", &self.key)
            .field("lo", &self.lo)
            .field("hi", &self.hi)
            .finish_non_exhaustive()
    }
}

impl DataBatch<'_> {
    /// The rows of this batch as an SQL condition on the key, to put in a `WHERE` clause:
    /// `(("id") > (1000) AND ("id") <= (2000))` (a row-value comparison for a composite key).
    /// The bounds are SQL literals the database wrote, so the condition is safe to format in.
    pub fn range(&self) -> &str {
        &self.range
    }

    /// The walked table, quoted (and schema-qualified when the directive qualifies it).
    pub fn table(&self) -> &str {
        self.table
    }

    /// The key columns of the walk, unquoted, in order.
    pub fn key(&self) -> &[String] {
        self.key
    }

    /// The key of the last row before this batch (exclusive), as SQL literals, one per key
    /// column; `None` for the first batch.
    pub fn lo(&self) -> Option<&[String]> {
        self.lo
    }

    /// The key of the batch's last row (inclusive), as SQL literals, one per key column.
    pub fn hi(&self) -> &[String] {
        self.hi
    }

    /// Runs SQL that returns no rows (one or several statements) in the batch's transaction;
    /// the rows affected.
    pub async fn execute(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        self.db.execute(sql).await
    }

    /// Every row of a query in the batch's transaction, each column read as text (`None` for
    /// NULL): cast the columns that are not text (`id::text` on PostgreSQL, `CAST(id AS TEXT)`).
    /// For typed rows and bound parameters, use the dialect's sqlx connection (`postgres()`,
    /// `sqlite()`).
    pub async fn fetch(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
        self.db.fetch_texts(sql).await
    }
}

/// The Rust side of a `-- migrate:rust` file, on its runner source.
#[derive(Clone)]
pub struct DataStep {
    /// `name=` of the directive: the function's registered name.
    pub name: String,
    /// The registered function; `None` when the sources were not given any (the `migrate`
    /// command) or the application registered none under this name.
    pub(crate) func: Option<DataFn>,
    /// The sources come from a [`Migrator`], which could have registered it: a missing function
    /// is an error before anything runs (else the run stops before the migration).
    pub(crate) registry: bool,
}

impl DataStep {
    pub(crate) fn unregistered(name: &str) -> DataStep {
        DataStep {
            name: name.to_string(),
            func: None,
            registry: false,
        }
    }

    /// Whether a function is registered for it.
    pub fn registered(&self) -> bool {
        self.func.is_some()
    }
}

impl fmt::Debug for DataStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataStep")
            .field("name", &self.name)
            .field("registered", &self.func.is_some())
            .finish()
    }
}

impl PartialEq for DataStep {
    fn eq(&self, other: &DataStep) -> bool {
        self.name == other.name
            && self.registry == other.registry
            && match (&self.func, &other.func) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl Eq for DataStep {}

/// A registered data migration.
#[derive(Clone)]
struct Registration {
    name: &'static str,
    description: &'static str,
    func: DataFn,
}

/// A [`Migrator`] with data migrations in Rust registered ([`Migrator::data_migration`]).
#[derive(Clone)]
pub struct DataMigrator {
    migrator: Migrator,
    data: Vec<Registration>,
}

impl fmt::Debug for DataMigrator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataMigrator")
            .field("migrator", &self.migrator)
            .field(
                "data_migrations",
                &self.data.iter().map(|r| r.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Migrator {
    /// Registers the body of a data migration in Rust: the function the migration files marked
    /// `-- migrate:rust name=<name> table=…` run, once per batch of the table's keys, in the
    /// batch's transaction. `description` is recorded in the history. It returns the rows it
    /// changed.
    ///
    /// ```ignore
    /// let migrator = embed_migrations!().data_migration(
    ///     "fill_slugs",
    ///     "Fill pets.slug from the name",
    ///     |batch| Box::pin(async move {
    ///         let sql = format!("UPDATE pets SET slug = lower(name) WHERE {}", batch.range());
    ///         Ok(batch.execute(&sql).await?)
    ///     }),
    /// );
    /// migrator.run(&pool).await?;
    /// ```
    pub fn data_migration<F>(
        self,
        name: &'static str,
        description: &'static str,
        func: F,
    ) -> DataMigrator
    where
        F: for<'b, 'c> Fn(&'b mut DataBatch<'c>) -> BoxFuture<'b, Result<u64, DataError>>
            + Send
            + Sync
            + 'static,
    {
        DataMigrator {
            migrator: self,
            data: Vec::new(),
        }
        .data_migration(name, description, func)
    }
}

impl DataMigrator {
    /// Registers one more data migration (see [`Migrator::data_migration`]); a name registered
    /// again replaces the earlier function.
    pub fn data_migration<F>(
        mut self,
        name: &'static str,
        description: &'static str,
        func: F,
    ) -> DataMigrator
    where
        F: for<'b, 'c> Fn(&'b mut DataBatch<'c>) -> BoxFuture<'b, Result<u64, DataError>>
            + Send
            + Sync
            + 'static,
    {
        self.data.retain(|r| r.name != name);
        self.data.push(Registration {
            name,
            description,
            func: Arc::new(func),
        });
        self
    }

    /// The migrations as runner sources, each `-- migrate:rust` file with its function (and the
    /// registration's description, when it gives one).
    pub fn sources(&self) -> Result<Vec<Source>, RunError> {
        let mut sources = self.migrator.sources()?;
        for s in &mut sources {
            let Some(step) = &mut s.rust else { continue };
            if let Some(r) = self.data.iter().find(|r| r.name == step.name) {
                step.func = Some(r.func.clone());
                if !r.description.trim().is_empty() {
                    s.description = r.description.trim().to_string();
                }
            }
        }
        Ok(sources)
    }

    /// Applies every pending migration, each once, with the default options (see
    /// [`Migrator::run`]).
    pub async fn run<T: Target>(
        &self,
        target: &T,
    ) -> Result<Summary, crate::migrator::MigrateError> {
        let opts = Options {
            history_table: self.migrator.history_table.to_string(),
            ..Options::default()
        };
        self.run_with(target, &opts, &mut |_| {})
            .await
            .map_err(Into::into)
    }

    /// [`run`](DataMigrator::run) with options and a progress callback.
    pub async fn run_with<T: Target>(
        &self,
        target: &T,
        opts: &Options,
        report: Report<'_>,
    ) -> Result<Summary, RunError> {
        let sources = self.sources()?;
        target.apply(&sources, opts, report).await
    }
}

/// A function's future, a panic in it caught (as `std::panic::catch_unwind` catches one in a
/// closure).
pub(crate) struct CatchUnwind<'b>(pub(crate) BoxFuture<'b, Result<u64, DataError>>);

impl std::future::Future for CatchUnwind<'_> {
    type Output = std::thread::Result<Result<u64, DataError>>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let future = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| future.poll(cx))) {
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Ok(std::task::Poll::Ready(r)) => std::task::Poll::Ready(Ok(r)),
            Err(panic) => std::task::Poll::Ready(Err(panic)),
        }
    }
}

/// What a panic said, when it said it with a string.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// The pending data migrations in Rust whose function is missing, when the sources come from
/// a [`Migrator`]: `(version, name, function)`.
pub(crate) fn unregistered(pending: &[&Source]) -> Vec<(u64, String, String)> {
    pending
        .iter()
        .filter_map(|s| {
            let step = s.rust.as_ref()?;
            (step.registry && step.func.is_none())
                .then(|| (s.version, s.name.clone(), step.name.clone()))
        })
        .collect()
}

/// The error of a data migration in Rust that `migrate` (no registry) reaches.
pub(crate) fn needs_application(s: &Source) -> Option<RunError> {
    let step = s.rust.as_ref()?;
    (step.func.is_none()).then(|| RunError::RustMigration {
        version: s.version,
        name: s.name.clone(),
        function: step.name.clone(),
    })
}

/// The registration call that supplies a missing function, for help texts.
pub(crate) fn registration_call(function: &str) -> String {
    format!(
        ".data_migration(\"{function}\", \"what it does\", |batch| Box::pin(async move {{ … }}))"
    )
}
