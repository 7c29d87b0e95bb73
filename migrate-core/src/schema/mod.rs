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
pub mod print;
pub mod types;
pub mod validate;

use std::path::Path;
use std::sync::Arc;

pub use model::*;

use crate::diagnostic::{Diagnostics, SourceFile};

/// Loads a schema file, or a directory of `.toml` files, into the canonical model.
///
/// Every problem in every file is reported, sorted by file and position.
pub fn load(path: &Path) -> Result<Schema, Diagnostics> {
    let files = load::read_sources(path)?;
    load_sources(files)
}

/// [`load`], then what the schema declares that `dialect` cannot hold (an operator class or
/// `INCLUDE` on SQLite), reported as errors too.
pub fn load_for(path: &Path, dialect: crate::config::Dialect) -> Result<Schema, Diagnostics> {
    let schema = load(path)?;
    check_for(schema, dialect)
}

/// The schema, or what it declares that `dialect` cannot hold.
pub fn check_for(schema: Schema, dialect: crate::config::Dialect) -> Result<Schema, Diagnostics> {
    let refused = dialect.ops().refuse(&schema);
    if refused.is_empty() {
        return Ok(schema);
    }
    let mut diags = Diagnostics::default();
    for d in refused {
        diags.push(d);
    }
    Err(diags)
}

/// Loads one schema from text; `path` is only used in diagnostics.
pub fn load_str(path: impl AsRef<Path>, text: &str) -> Result<Schema, Diagnostics> {
    load_sources(vec![SourceFile::new(path.as_ref(), text)])
}

/// Loads a schema from files already read.
pub fn load_sources(files: Vec<Arc<SourceFile>>) -> Result<Schema, Diagnostics> {
    let mut diags = Diagnostics::default();
    let raw = load::parse_sources(files, &mut diags);
    let schema = validate::validate(&raw, &mut diags);
    if diags.is_empty() {
        Ok(schema)
    } else {
        diags.sort();
        Err(diags)
    }
}
