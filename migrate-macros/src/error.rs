//! The macros' own errors. Each is a message (its `Display`), a fix and a stable code, like every
//! error of the toolkit (`migrate_core::Explain`); [`explained`] renders one for rustc.

use std::path::PathBuf;

use migrate_core::Explain;
use migrate_core::config::Dialect;
use migrate_core::diagnostic::plain;
use proc_macro2::Span;

use crate::input::MANIFEST_DIR_VAR;

/// What the macros find wrong in their input or surroundings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MacroError {
    /// `MIGRATE_MANIFEST_DIR` or `CARGO_MANIFEST_DIR` is relative.
    RelativeCrateDir { dir: PathBuf },
    /// Neither variable is set.
    NoCrateDir,
    /// `schema!("")`.
    EmptyPath,
    /// An absolute path in a macro call.
    AbsolutePath { value: String, crate_dir: PathBuf },
    /// `schema!()` in a crate without `migrate.toml`.
    NoConfig { crate_dir: PathBuf },
    /// A path that does not exist (shown relative to the crate).
    NotFound { path: String },
    /// `embed_migrations!` without a migration directory.
    NoMigrationDir { path: String },
    /// Two items of the schema become one Rust type name.
    TypeNameTaken {
        enum_name: String,
        other: String,
        rust: String,
    },
    /// A table's `model` is the Rust name of something else.
    ModelTaken {
        table: String,
        model: String,
        other: String,
    },
    /// Two columns become one Rust field.
    FieldTaken {
        table: String,
        other: String,
        column: String,
        field: String,
    },
    /// Two labels become one Rust variant.
    VariantTaken {
        enum_name: String,
        other: String,
        label: String,
        variant: String,
    },
    /// An unknown key in `#[model(...)]`; `help` says what is allowed.
    UnknownModelKey { key: String, help: String },
    /// `#[model(skip, column = "...")]`.
    SkippedColumn,
    /// `#[derive(Model)]` without `#[model(table = "...")]`.
    NoTable { model: String },
    /// `#[model(table = "...")]` names no table; `help` suggests one.
    UnknownTable { name: String, help: String },
    /// Two fields map to one column.
    ColumnTaken {
        table: String,
        column: String,
        field: String,
    },
    /// A field maps to no column; `help` suggests one.
    UnknownColumn {
        table: String,
        column: String,
        help: String,
    },
    /// `schema!("path", key = ...)` with a key other than `dialect`.
    UnknownArgument { key: String },
    /// `dialect = "..."` beside a configuration, which names the dialect.
    DialectFromConfig,
    /// `dialect = "..."` that names no dialect.
    UnknownDialect { name: String },
}

impl std::fmt::Display for MacroError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MacroError::RelativeCrateDir { dir } => write!(
                f,
                "the crate directory `{}` is not an absolute path",
                dir.display()
            ),
            MacroError::NoCrateDir => {
                f.write_str("CARGO_MANIFEST_DIR is not set: the macro must run under cargo")
            }
            MacroError::EmptyPath => f.write_str("the path is empty"),
            MacroError::AbsolutePath { value, .. } => write!(
                f,
                "absolute path `{value}`: paths are relative to the crate's directory (the one with \
                 Cargo.toml), so the crate builds wherever it is checked out"
            ),
            MacroError::NoConfig { crate_dir } => write!(
                f,
                "no {} in the crate's directory `{}`",
                migrate_core::config::CONFIG_FILE,
                crate_dir.display()
            ),
            MacroError::NotFound { path } => write!(f, "`{path}` does not exist"),
            MacroError::NoMigrationDir { path } => write!(f, "no migration directory `{path}`"),
            MacroError::TypeNameTaken {
                enum_name,
                other,
                rust,
            } => write!(
                f,
                "enum `{enum_name}` and {other} both become the Rust type `{rust}`"
            ),
            MacroError::ModelTaken {
                table,
                model,
                other,
            } => write!(
                f,
                "table `{table}` has `model = \"{model}\"`, the Rust name of {other}"
            ),
            MacroError::FieldTaken {
                table,
                other,
                column,
                field,
            } => write!(
                f,
                "columns `{table}.{other}` and `{table}.{column}` both become the Rust field `{field}`"
            ),
            MacroError::VariantTaken {
                enum_name,
                other,
                label,
                variant,
            } => write!(
                f,
                "labels `{other}` and `{label}` of enum `{enum_name}` both become the Rust variant `{variant}`"
            ),
            MacroError::UnknownModelKey { key, .. } => {
                write!(f, "unknown key `{key}` in #[model(...)]")
            }
            MacroError::SkippedColumn => f.write_str("a skipped field has no column"),
            MacroError::NoTable { model } => {
                write!(f, "#[derive(Model)] needs the table `{model}` is a row of")
            }
            MacroError::UnknownTable { name, .. } => write!(f, "no table `{name}` in the schema"),
            MacroError::ColumnTaken {
                table,
                column,
                field,
            } => write!(
                f,
                "column `{table}.{column}` is already the field `{field}`"
            ),
            MacroError::UnknownColumn { table, column, .. } => {
                write!(f, "table `{table}` has no column `{column}`")
            }
            MacroError::UnknownArgument { key } => write!(f, "unknown argument `{key}`"),
            MacroError::DialectFromConfig => {
                f.write_str("the dialect comes from migrate.toml here")
            }
            MacroError::UnknownDialect { name } => write!(f, "unknown dialect `{name}`"),
        }
    }
}

impl Explain for MacroError {
    fn code(&self) -> &'static str {
        match self {
            MacroError::RelativeCrateDir { .. } => "relative-crate-dir",
            MacroError::NoCrateDir => "no-crate-dir",
            MacroError::EmptyPath => "empty-path",
            MacroError::AbsolutePath { .. } => "absolute-path",
            MacroError::NoConfig { .. } => "no-config",
            MacroError::NotFound { .. } => "not-found",
            MacroError::NoMigrationDir { .. } => "no-migration-directory",
            MacroError::TypeNameTaken { .. } => "rust-type-taken",
            MacroError::ModelTaken { .. } => "model-taken",
            MacroError::FieldTaken { .. } => "rust-field-taken",
            MacroError::VariantTaken { .. } => "rust-variant-taken",
            MacroError::UnknownModelKey { .. } => "unknown-key",
            MacroError::SkippedColumn => "skipped-column",
            MacroError::NoTable { .. } => "no-table",
            MacroError::UnknownTable { .. } => "unknown-table",
            MacroError::ColumnTaken { .. } => "column-taken",
            MacroError::UnknownColumn { .. } => "unknown-column",
            MacroError::UnknownArgument { .. } => "unknown-argument",
            MacroError::DialectFromConfig => "dialect-from-config",
            MacroError::UnknownDialect { .. } => "unknown-dialect",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            MacroError::RelativeCrateDir { .. } => {
                format!("set {MANIFEST_DIR_VAR} to an absolute path, or leave it unset")
            }
            MacroError::NoCrateDir => {
                "build with cargo, or set MIGRATE_MANIFEST_DIR to the crate's directory".into()
            }
            MacroError::EmptyPath => {
                "name a path relative to the crate's directory, e.g. \"migrate.toml\"".into()
            }
            MacroError::AbsolutePath { crate_dir, .. } => format!(
                "write the path relative to `{}`",
                crate_dir.display()
            ),
            MacroError::NoConfig { .. } => {
                "create one with `migrate init`, or name the schema: `schema!(\"schema\")`".into()
            }
            MacroError::NotFound { .. } => "name a migrate.toml, a directory holding one, or a schema file or \
                                             directory, relative to the crate's directory"
                .into(),
            MacroError::NoMigrationDir { .. } => "create it with `migrate init` or `migrate generate`, or name the \
                                                   directory: `embed_migrations!(\"path/to/migrations\")`"
                .into(),
            MacroError::TypeNameTaken { .. } => "rename one of them in the schema".into(),
            MacroError::ModelTaken { table, .. } => {
                format!("choose another `model` for table `{table}`")
            }
            MacroError::FieldTaken { .. } => {
                "rename one of them in the schema (with `renamed_from`)".into()
            }
            MacroError::VariantTaken { .. } => "Rust variants are the labels in UpperCamelCase; labels that differ \
                                                 only in case or punctuation cannot both be variants"
                .into(),
            MacroError::UnknownModelKey { help, .. }
            | MacroError::UnknownTable { help, .. }
            | MacroError::UnknownColumn { help, .. } => help.clone(),
            MacroError::SkippedColumn => "remove `skip` or `column = \"...\"`".into(),
            MacroError::NoTable { .. } => {
                "add `#[model(table = \"...\")]` with the table's SQL name".into()
            }
            MacroError::ColumnTaken { .. } => {
                "map each column to one field; `#[model(skip)]` leaves a field out".into()
            }
            MacroError::UnknownArgument { .. } => "write `schema!()`, `schema!(\"path\")` or \
                                                    `schema!(\"path\", dialect = \"postgres\")`"
                .into(),
            MacroError::DialectFromConfig => {
                "remove the `dialect` argument, or change `dialect` in migrate.toml".into()
            }
            MacroError::UnknownDialect { .. } => format!(
                "write {}",
                Dialect::choices(|d| format!("`dialect = \"{d}\"`"))
            ),
        })
    }
}

/// An error of the toolkit as a compile error at `span`: its message, then `  help:` (the one
/// place the macros write that line, for every error they report).
pub(crate) fn explained(span: Span, e: &(impl Explain + ?Sized)) -> syn::Error {
    syn::Error::new(span, plain(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message as rustc shows it, frozen: a change of wording is a reviewed change here.
    #[test]
    fn each_error_reads_as_message_then_help() {
        let cases = [
            (
                MacroError::RelativeCrateDir {
                    dir: "crate".into(),
                },
                "the crate directory `crate` is not an absolute path\n  help: set MIGRATE_MANIFEST_DIR to an \
                 absolute path, or leave it unset",
            ),
            (
                MacroError::NoCrateDir,
                "CARGO_MANIFEST_DIR is not set: the macro must run under cargo\n  help: build with cargo, or set \
                 MIGRATE_MANIFEST_DIR to the crate's directory",
            ),
            (
                MacroError::EmptyPath,
                "the path is empty\n  help: name a path relative to the crate's directory, e.g. \"migrate.toml\"",
            ),
            (
                MacroError::AbsolutePath {
                    value: "/s".into(),
                    crate_dir: "/c".into(),
                },
                "absolute path `/s`: paths are relative to the crate's directory (the one with Cargo.toml), so the \
                 crate builds wherever it is checked out\n  help: write the path relative to `/c`",
            ),
            (
                MacroError::NoConfig {
                    crate_dir: "/c".into(),
                },
                "no migrate.toml in the crate's directory `/c`\n  help: create one with `migrate init`, or name the \
                 schema: `schema!(\"schema\")`",
            ),
            (
                MacroError::NotFound { path: "s".into() },
                "`s` does not exist\n  help: name a migrate.toml, a directory holding one, or a schema file or \
                 directory, relative to the crate's directory",
            ),
            (
                MacroError::NoMigrationDir { path: "m".into() },
                "no migration directory `m`\n  help: create it with `migrate init` or `migrate generate`, or name \
                 the directory: `embed_migrations!(\"path/to/migrations\")`",
            ),
            (
                MacroError::TypeNameTaken {
                    enum_name: "kind".into(),
                    other: "table `kinds`".into(),
                    rust: "Kind".into(),
                },
                "enum `kind` and table `kinds` both become the Rust type `Kind`\n  help: rename one of them in the \
                 schema",
            ),
            (
                MacroError::ModelTaken {
                    table: "pets".into(),
                    model: "Kind".into(),
                    other: "enum `kind`".into(),
                },
                "table `pets` has `model = \"Kind\"`, the Rust name of enum `kind`\n  help: choose another `model` \
                 for table `pets`",
            ),
            (
                MacroError::FieldTaken {
                    table: "t".into(),
                    other: "A".into(),
                    column: "a".into(),
                    field: "a".into(),
                },
                "columns `t.A` and `t.a` both become the Rust field `a`\n  help: rename one of them in the schema \
                 (with `renamed_from`)",
            ),
            (
                MacroError::VariantTaken {
                    enum_name: "e".into(),
                    other: "A B".into(),
                    label: "a_b".into(),
                    variant: "AB".into(),
                },
                "labels `A B` and `a_b` of enum `e` both become the Rust variant `AB`\n  help: Rust variants are \
                 the labels in UpperCamelCase; labels that differ only in case or punctuation cannot both be \
                 variants",
            ),
            (
                MacroError::UnknownModelKey {
                    key: "tabel".into(),
                    help: "did you mean `table`?".into(),
                },
                "unknown key `tabel` in #[model(...)]\n  help: did you mean `table`?",
            ),
            (
                MacroError::SkippedColumn,
                "a skipped field has no column\n  help: remove `skip` or `column = \"...\"`",
            ),
            (
                MacroError::NoTable {
                    model: "Pet".into(),
                },
                "#[derive(Model)] needs the table `Pet` is a row of\n  help: add `#[model(table = \"...\")]` with \
                 the table's SQL name",
            ),
            (
                MacroError::UnknownTable {
                    name: "pest".into(),
                    help: "did you mean `pets`?".into(),
                },
                "no table `pest` in the schema\n  help: did you mean `pets`?",
            ),
            (
                MacroError::ColumnTaken {
                    table: "pets".into(),
                    column: "name".into(),
                    field: "title".into(),
                },
                "column `pets.name` is already the field `title`\n  help: map each column to one field; \
                 `#[model(skip)]` leaves a field out",
            ),
            (
                MacroError::UnknownColumn {
                    table: "pets".into(),
                    column: "nme".into(),
                    help: "did you mean `name`?".into(),
                },
                "table `pets` has no column `nme`\n  help: did you mean `name`?",
            ),
            (
                MacroError::UnknownArgument {
                    key: "dialct".into(),
                },
                "unknown argument `dialct`\n  help: write `schema!()`, `schema!(\"path\")` or `schema!(\"path\", \
                 dialect = \"postgres\")`",
            ),
            (
                MacroError::DialectFromConfig,
                "the dialect comes from migrate.toml here\n  help: remove the `dialect` argument, or change \
                 `dialect` in migrate.toml",
            ),
            (
                MacroError::UnknownDialect {
                    name: "mysql".into(),
                },
                "unknown dialect `mysql`\n  help: write `dialect = \"postgres\"` or `dialect = \"sqlite\"`",
            ),
        ];
        for (error, shown) in cases {
            assert_eq!(plain(&error), shown, "{}", error.code());
        }
    }
}
