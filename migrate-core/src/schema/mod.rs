//! The schema language: the model, reading TOML with locations, and validation.
//!
//! ```no_run
//! let schema = migrate_core::schema::load(std::path::Path::new("schema"))?;
//! for table in &schema.tables {
//!     println!("{} -> {}", table.name, table.model);
//! }
//! # Ok::<(), migrate_core::diagnostic::Diagnostics>(())
//! ```

pub mod expr;
pub mod load;
pub mod model;
pub mod names;
pub mod objects;
pub mod partition;
mod partition_print;
pub mod print;
pub mod types;
pub mod validate;

use std::path::Path;
use std::sync::Arc;

pub use model::*;
pub use objects::{
    ForEach, Function, Objects, RoutineKind, Trigger, TriggerEvent, TriggerTiming, View,
};

use crate::diagnostic::{Diagnostics, SourceFile};

/// Loads a schema file, or a directory of `.toml` files, into the canonical model.
///
/// Every problem in every file is reported, sorted by file and position.
pub fn load(path: &Path) -> Result<Schema, Diagnostics> {
    let files = load::read_sources(path)?;
    load_sources(files)
}

/// [`load()`], then what `dialect` cannot hold of it (a function, an operator class or
/// `INCLUDE` on SQLite, say), each problem an `unsupported-by-dialect` error naming the fix:
/// what `migrate check`, `generate`, `diff` and `build.rs` load.
pub fn load_for(path: &Path, dialect: crate::config::Dialect) -> Result<Schema, Diagnostics> {
    let files = load::read_sources(path)?;
    load_sources_for(files, Some(dialect))
}

/// [`load_str`], then what `dialect` cannot hold of it, as [`load_for`] reports it.
pub fn load_str_for(
    path: impl AsRef<Path>,
    text: &str,
    dialect: crate::config::Dialect,
) -> Result<Schema, Diagnostics> {
    load_sources_for(vec![SourceFile::new(path.as_ref(), text)], Some(dialect))
}

/// Loads one schema from text; `path` is only used in diagnostics.
pub fn load_str(path: impl AsRef<Path>, text: &str) -> Result<Schema, Diagnostics> {
    load_sources(vec![SourceFile::new(path.as_ref(), text)])
}

/// Loads a schema from files already read.
pub fn load_sources(files: Vec<Arc<SourceFile>>) -> Result<Schema, Diagnostics> {
    load_sources_for(files, None)
}

/// Loads a schema from files already read; with a dialect, a valid schema is then checked for
/// what that dialect cannot hold.
fn load_sources_for(
    files: Vec<Arc<SourceFile>>,
    dialect: Option<crate::config::Dialect>,
) -> Result<Schema, Diagnostics> {
    let mut diags = Diagnostics::default();
    let raw = load::parse_sources(files, &mut diags);
    let schema = validate::validate(&raw, &mut diags);
    if let Some(dialect) = dialect.filter(|_| diags.is_empty()) {
        validate::for_dialect(&raw, &schema, dialect, &mut diags);
    }
    if diags.is_empty() {
        Ok(schema)
    } else {
        diags.sort();
        Err(diags)
    }
}
