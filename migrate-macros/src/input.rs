//! Where the macros read from: the calling crate's directory, its `migrate.toml`, the schema and
//! the migration directory; and the `include_bytes!` lines that make the compiler track them.

use std::path::{Path, PathBuf};

use migrate_core::Explain;
use migrate_core::config::{CONFIG_FILE, Config, Dialect};
use migrate_core::diagnostic::{Diagnostics, plain};
use migrate_core::migration::{
    MigrationDir, MigrationError, SNAPSHOT_FILE, manifest::MANIFEST_FILE,
};
use migrate_core::schema::{self, Schema};
use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::error::{MacroError, explained};

/// Overrides `CARGO_MANIFEST_DIR` as the directory paths are relative to. For tests that compile
/// code elsewhere (the compile-fail suite builds its cases in a directory under `target/`).
pub(crate) const MANIFEST_DIR_VAR: &str = "MIGRATE_MANIFEST_DIR";

/// What an expansion knows of its surroundings.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    /// The calling crate's directory; `None` when neither variable is set.
    pub manifest_dir: Option<PathBuf>,
}

impl Env {
    /// `MIGRATE_MANIFEST_DIR`, else `CARGO_MANIFEST_DIR`, as read while the compiler runs.
    pub(crate) fn from_process() -> Env {
        let dir = std::env::var_os(MANIFEST_DIR_VAR)
            .filter(|v| !v.is_empty())
            .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
            .map(PathBuf::from);
        Env { manifest_dir: dir }
    }

    /// The crate directory, or an error at `span` saying why there is none.
    pub(crate) fn base(&self, span: Span) -> syn::Result<Base> {
        match &self.manifest_dir {
            Some(dir) if dir.is_absolute() => Ok(Base { dir: dir.clone() }),
            Some(dir) => Err(explained(
                span,
                &MacroError::RelativeCrateDir { dir: dir.clone() },
            )),
            None => Err(explained(span, &MacroError::NoCrateDir)),
        }
    }
}

/// The calling crate's directory: what relative paths are resolved against.
#[derive(Debug, Clone)]
pub(crate) struct Base {
    pub dir: PathBuf,
}

impl Base {
    /// Resolves a path written in the macro call; absolute paths are refused.
    pub(crate) fn resolve(&self, lit: &syn::LitStr) -> syn::Result<PathBuf> {
        let value = lit.value();
        let path = Path::new(&value);
        if value.is_empty() {
            return Err(explained(lit.span(), &MacroError::EmptyPath));
        }
        if path.is_absolute() || path.has_root() {
            return Err(explained(
                lit.span(),
                &MacroError::AbsolutePath {
                    value,
                    crate_dir: self.dir.clone(),
                },
            ));
        }
        Ok(self.dir.join(path))
    }

    /// `message` with paths inside the crate shown relative to it.
    pub(crate) fn clean(&self, message: &str) -> String {
        let mut prefix = self.dir.display().to_string();
        if !prefix.ends_with(std::path::MAIN_SEPARATOR) {
            prefix.push(std::path::MAIN_SEPARATOR);
        }
        message.replace(&prefix, "")
    }

    /// A path as shown to the user: relative to the crate when inside it.
    pub(crate) fn show(&self, path: &Path) -> String {
        path.strip_prefix(&self.dir)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// One compile error per diagnostic: `file:line:col: message`, then the help.
    pub(crate) fn diagnostics(&self, span: Span, diags: &Diagnostics) -> Vec<syn::Error> {
        diags
            .iter()
            .map(|d| syn::Error::new(span, self.explain(d)))
            .collect()
    }

    /// An error of the toolkit for rustc (message, then `  help:`), with paths inside the crate
    /// shown relative to it.
    pub(crate) fn explain(&self, e: &(impl Explain + ?Sized)) -> String {
        self.clean(&plain(e))
    }
}

/// What a `schema!` or `#[derive(Model)]` reads the schema from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A `migrate.toml`: its schema, migration directory and dialect.
    Config(Box<Config>),
    /// A schema file or directory alone.
    Schema(PathBuf),
}

impl Source {
    /// The crate's `migrate.toml` (no path given), or the path given: a `migrate.toml`, a directory
    /// holding one, or else a schema file or directory.
    pub(crate) fn find(base: &Base, lit: Option<&syn::LitStr>, span: Span) -> syn::Result<Source> {
        let path = match lit {
            None => {
                let config = base.dir.join(CONFIG_FILE);
                if !config.is_file() {
                    return Err(explained(
                        span,
                        &MacroError::NoConfig {
                            crate_dir: base.dir.clone(),
                        },
                    ));
                }
                config
            }
            Some(lit) => base.resolve(lit)?,
        };
        let config = if path.is_dir() && path.join(CONFIG_FILE).is_file() {
            Some(path.join(CONFIG_FILE))
        } else if path.file_name().is_some_and(|f| f == CONFIG_FILE) {
            Some(path.clone())
        } else {
            None
        };
        let span = lit.map_or(span, syn::LitStr::span);
        match config {
            Some(config_path) => {
                let config = Config::load(&config_path).map_err(|d| {
                    combine(base.diagnostics(span, &d))
                        .unwrap_or_else(|| syn::Error::new(span, "cannot read the configuration"))
                })?;
                Ok(Source::Config(Box::new(config)))
            }
            None if path.exists() => Ok(Source::Schema(path)),
            None => Err(explained(
                span,
                &MacroError::NotFound {
                    path: base.show(&path),
                },
            )),
        }
    }

    pub(crate) fn schema_path(&self) -> &Path {
        match self {
            Source::Config(c) => &c.schema,
            Source::Schema(p) => p,
        }
    }

    /// The configuration file, when there is one.
    pub(crate) fn config_path(&self) -> Option<&Path> {
        match self {
            Source::Config(c) => c.path.as_deref(),
            Source::Schema(_) => None,
        }
    }
}

/// Joins errors into one, so a `syn::Result` can carry them all.
pub(crate) fn combine(errors: Vec<syn::Error>) -> Option<syn::Error> {
    let mut it = errors.into_iter();
    let mut first = it.next()?;
    for e in it {
        first.combine(e);
    }
    Some(first)
}

/// A loaded schema and the files it was read from.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub schema: Result<Schema, Diagnostics>,
    /// Every file read, for tracking.
    pub files: Vec<PathBuf>,
}

/// Loads the schema at `path`, keeping the list of files for tracking.
pub(crate) fn load_schema(path: &Path) -> Loaded {
    let files = schema::load::schema_files(path).unwrap_or_default();
    let schema = match schema::load::read_sources(path) {
        Ok(sources) => schema::load_sources(sources),
        Err(d) => Err(d),
    };
    Loaded { schema, files }
}

/// The migration directory's snapshot: the schema as of the last migration (empty when there is
/// no directory or no snapshot yet), the files read, and whether it is stale: it does not record
/// the migrations as they are (`MigrationDir::snapshot_is_current`), so it may miss what a
/// hand-written migration did. A macro cannot replay the directory (no database): it uses the
/// snapshot and says so.
pub(crate) fn load_snapshot(dir: &Path) -> (Result<Schema, MigrationError>, Vec<PathBuf>, bool) {
    if !dir.is_dir() {
        return (Ok(Schema::default()), Vec::new(), false);
    }
    let mut files = Vec::new();
    for f in [SNAPSHOT_FILE, MANIFEST_FILE] {
        let p = dir.join(f);
        if p.is_file() {
            files.push(p);
        }
    }
    match MigrationDir::open(dir) {
        Ok(d) => (d.snapshot(), files, !d.snapshot_is_current()),
        Err(e) => (Err(e), files, false),
    }
}

/// The dialects a configuration or an explicit argument selects; both when neither says.
pub(crate) fn dialects(source: &Source, explicit: Option<Dialect>) -> Vec<Dialect> {
    match (source, explicit) {
        (_, Some(d)) => vec![d],
        (Source::Config(c), None) => vec![c.dialect],
        (Source::Schema(_), None) => Dialect::ALL.to_vec(),
    }
}

/// `const _: &[u8] = include_bytes!("<absolute path>");` for each file, so that editing it makes
/// the compiler expand the macro again.
pub(crate) fn track<'a>(files: impl IntoIterator<Item = &'a PathBuf>) -> TokenStream {
    let mut seen: Vec<&PathBuf> = Vec::new();
    let mut out = TokenStream::new();
    for f in files {
        if seen.contains(&f) {
            continue;
        }
        seen.push(f);
        let Some(path) = f.to_str() else { continue };
        out.extend(quote! { const _: &[u8] = ::core::include_bytes!(#path); });
    }
    out
}
