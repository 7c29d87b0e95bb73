//! A migration to run, from a directory or embedded in the binary, and the files a secure
//! migration reads at run time.

use super::*;

/// A migration to run: what the files (or the binary) hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The version: the number the file name starts with.
    pub version: u64,
    /// The name: the file name after the version, without `.sql`.
    pub name: String,
    /// The SQL, without a leading BOM.
    pub content: String,
    /// The checksum of the content, as the manifest and the history record it.
    pub checksum: String,
    /// `-- migrate:no-transaction`: the file runs statement by statement, outside a transaction.
    pub no_transaction: bool,
    /// `-- migrate:contract`: the contract step of an expand/contract change, applied only on
    /// request ([`Options::contracts`]).
    pub contract: bool,
    /// The file's leading comment, the first line of it.
    pub description: String,
    /// The content comes from an environment's extra migration path: never printed.
    pub secure: bool,
    /// `-- migrate:lock-timeout`: this file's lock timeout (zero: none), instead of
    /// [`Options::lock_timeout`].
    pub lock_timeout: Option<Duration>,
    /// `-- migrate:statement-timeout`: this file's statement timeout (zero: none), instead of
    /// [`Options::statement_timeout`].
    pub statement_timeout: Option<Duration>,
    /// `-- migrate:batch`: a batched backfill, run by [`crate::batch`] one short transaction per
    /// batch instead of in one transaction.
    pub batch: Option<crate::migration::directive::BatchSpec>,
    /// `-- migrate:rust name=…`: a data migration in Rust, walked as [`Source::batch`] says, its
    /// body the function registered under this name ([`crate::batch::rust`]).
    pub rust: Option<crate::batch::DataStep>,
    /// `-- migrate:family name=… pattern=…`: a change to every member of a table family, run by
    /// [`crate::family::run`].
    pub family: Option<crate::migration::directive::FamilySpec>,
    /// What its text holds that the runner refuses to run (NUL bytes, directive errors): a
    /// migration the database has not applied is refused for it ([`admit`]); one it applied with
    /// this very content is only warned about ([`Event::Tolerated`]).
    pub problems: Vec<ContentProblem>,
}

/// The first line of a file's leading comment, directives skipped.
pub fn description_of(content: &str) -> String {
    crate::migration::description(content)
}

impl Source {
    /// A migration from its content; directives are read from the top of the file (with the
    /// parser the directory check uses). A NUL byte or a directive error is kept in
    /// [`Source::problems`]: the runner refuses to run such a file, and only warns about it when
    /// the database already applied it as it is.
    pub fn new(version: u64, name: &str, content: &str) -> Result<Source, RunError> {
        let content = without_bom(content);
        let (directives, problems) = content::check_text(content);
        Ok(Source {
            version,
            name: name.to_string(),
            checksum: crate::migration::checksum::file_checksum(content.as_bytes()),
            no_transaction: directives.no_transaction,
            contract: directives.contract,
            description: description_of(content),
            secure: false,
            lock_timeout: directives.lock_timeout,
            statement_timeout: directives.statement_timeout,
            batch: batch_of(&directives),
            rust: rust_of(&directives),
            family: directives.family.clone(),
            problems,
            content: content.to_string(),
        })
    }

    /// The file name a refusal names.
    pub(super) fn file_name(&self) -> String {
        format!("{:014}_{}.sql", self.version, self.name)
    }

    /// A migration of a directory, with the checksum, directives and problems read when the
    /// directory was opened.
    pub fn from_migration(m: &Migration) -> Result<Source, RunError> {
        Ok(Source {
            version: m.version.as_u64(),
            name: m.name.clone(),
            content: m.content.clone(),
            checksum: m.checksum.clone(),
            no_transaction: m.directives.no_transaction,
            contract: m.directives.contract,
            description: m.description(),
            secure: false,
            lock_timeout: m.directives.lock_timeout,
            statement_timeout: m.directives.statement_timeout,
            batch: batch_of(&m.directives),
            rust: rust_of(&m.directives),
            family: m.directives.family.clone(),
            problems: m.problems.clone(),
        })
    }

    /// An embedded migration, with the checksum, `no-transaction` flag and timeouts
    /// `embed_migrations!` computed at compile time (by the parser the directory check uses).
    /// Its text is still checked for a NUL byte or a directive error, as [`Source::new`] checks
    /// it: an [`EmbeddedMigration`] may be written by hand, without the macro's checks.
    pub fn from_embedded(m: &EmbeddedMigration) -> Result<Source, RunError> {
        let content = without_bom(m.content);
        let (directives, problems) = content::check_text(content);
        Ok(Source {
            version: m.version,
            name: m.name.to_string(),
            content: content.to_string(),
            checksum: m.checksum.to_string(),
            no_transaction: m.no_transaction,
            contract: directives.contract,
            description: description_of(content),
            secure: false,
            lock_timeout: m.lock_timeout,
            statement_timeout: m.statement_timeout,
            batch: batch_of(&directives),
            rust: rust_of(&directives),
            family: directives.family.clone(),
            problems,
        })
    }
}

/// The walk of a batch file, or of a data migration in Rust.
fn batch_of(
    d: &crate::migration::directive::Directives,
) -> Option<crate::migration::directive::BatchSpec> {
    d.batch
        .clone()
        .or_else(|| d.rust.as_ref().map(|r| r.batch.clone()))
}

fn rust_of(d: &crate::migration::directive::Directives) -> Option<crate::batch::DataStep> {
    d.rust
        .as_ref()
        .map(|r| crate::batch::DataStep::unregistered(&r.name))
}

fn without_bom(content: &str) -> &str {
    content.strip_prefix('\u{feff}').unwrap_or(content)
}

/// The migrations of a directory, in order, with an environment's secure content swapped in.
///
/// A migration listed in the manifest keeps its repository file as a placeholder (content for
/// development, or empty); when a file of the same name exists in one of `extra_paths`, that file's
/// content is what runs in this environment, and it is never printed: the placeholder's
/// description stands for it. An empty file there means "nothing to do in this environment".
/// Refused, before anything runs: files in `extra_paths` that the manifest does not list (anything
/// not listed is never run), and, in an environment that has `extra_paths`, a placeholder with no
/// file there — one marked `-- migrate:secure`, or one that holds no SQL — which would otherwise
/// run in its place.
pub fn sources_from_dir(
    dir: &MigrationDir,
    extra_paths: &[PathBuf],
) -> Result<Vec<Source>, RunError> {
    let mut overrides: BTreeMap<String, PathBuf> = BTreeMap::new();
    for extra in extra_paths {
        let entries = std::fs::read_dir(extra).map_err(|e| RunError::Secure {
            path: extra.clone(),
            message: format!("cannot read the extra migration path: {e}"),
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "sql") {
                let file = entry.file_name().to_string_lossy().into_owned();
                overrides.insert(file, path);
            }
        }
    }
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for m in dir.migrations() {
        let mut source = Source::from_migration(m)?;
        if let Some(path) = overrides.remove(&m.file_name()) {
            match secure_source(&source, &path) {
                Ok(secure) => source = secure,
                Err(RunError::Refused(r)) => refused.extend(r),
                Err(e) => return Err(e),
            }
        } else if !extra_paths.is_empty()
            && m.directives.rust.is_none()
            && (m.directives.secure || crate::migration::is_comment_only(&m.content))
        {
            refused.push(secure_missing(m, extra_paths));
        }
        out.push(source);
    }
    if let Some((file, path)) = overrides.into_iter().next() {
        return Err(RunError::Secure {
            path,
            message: format!(
                "`{file}` is not listed in the manifest, so it would never run; add a placeholder with \
                 `migrate new` under the same name, or remove the file"
            ),
        });
    }
    if !refused.is_empty() {
        return Err(RunError::Refused(refused));
    }
    Ok(out)
}

/// The environment's secure file in place of its placeholder, described by the placeholder.
fn secure_source(placeholder: &Source, path: &Path) -> Result<Source, RunError> {
    let content = std::fs::read_to_string(path).map_err(|e| RunError::Secure {
        path: path.to_path_buf(),
        message: format!("cannot read: {e}"),
    })?;
    let mut secure = Source::new(placeholder.version, &placeholder.name, &content)?;
    // An environment's file is read fresh on every run: it can always be fixed, so it is held to
    // the directives' rules whether or not it was applied.
    if !secure.problems.is_empty() {
        let file = path.display().to_string();
        return Err(RunError::Refused(
            secure
                .problems
                .iter()
                .map(|p| Refusal::of_content(secure.version, &secure.name, &file, p))
                .collect(),
        ));
    }
    secure.secure = true;
    // The secure file's own comments may name what it holds: only the placeholder speaks for it.
    secure.description.clone_from(&placeholder.description);
    Ok(secure)
}

/// A placeholder with no secure file in an environment that has extra migration paths.
fn secure_missing(m: &Migration, extra_paths: &[PathBuf]) -> Refusal {
    let file = m.file_name();
    let why = if m.directives.secure {
        "is marked `-- migrate:secure`"
    } else {
        "holds no SQL"
    };
    let paths = extra_paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect::<Vec<_>>()
        .join(", ");
    Refusal {
        version: m.version.as_u64(),
        name: m.name.clone(),
        file: m.path.display().to_string(),
        line: None,
        code: "secure-missing",
        message: format!(
            "is a placeholder (it {why}), and its secure file is missing from this environment's extra \
             migration paths ({paths}); the placeholder would run in its place"
        ),
        help: format!(
            "put this environment's `{file}` in {paths} (an empty file there means the migration does \
             nothing in this environment), or run without `--env` if this is not that environment"
        ),
    }
}
