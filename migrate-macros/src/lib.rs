//! Compile-time support for the `migrate` toolkit: `schema!`, `#[derive(Model)]` and
//! `embed_migrations!`.
//!
//! The macros read the schema, the configuration and the migration directory with the same code
//! as the `migrate` CLI (`migrate_core`), and never touch a database. Every path they read is
//! relative to the calling crate's directory (the one with its `Cargo.toml`); absolute paths are
//! refused, so a crate builds wherever it is checked out. Each file read is included in the
//! expansion with `include_bytes!`, so editing it recompiles the crate; a file *added* to a
//! directory is only noticed when the crate's `build.rs` says `cargo:rerun-if-changed` for that
//! directory, which `migrate_core::build::run()` does.
//!
//! # What the calling crate depends on
//!
//! The expansions name `::migrate_core` and `::sqlx`, so the calling crate depends on both:
//!
//! ```toml
//! [dependencies]
//! migrate-core = "0.1"
//! migrate-macros = "0.1"
//! sqlx = { version = "0.8", features = ["derive", "sqlite", "uuid", "chrono"] }
//! ```
//!
//! `sqlite` and/or `postgres` for the dialects the structs and enums are mapped for (each table's
//! `sqlx::FromRow` impl is written out for those dialects' row types, so sqlx's `derive` feature
//! is not needed; a table with a column type that sqlx's SQLite driver cannot decode, e.g. an
//! array or `numeric`, gets no `SqliteRow` impl); and one feature per kind of column type the schema uses: `uuid`, `chrono` (dates
//! and times are `chrono` types), `json`, `rust_decimal` (`numeric`), `ipnetwork` (`inet`). The
//! column types are named through sqlx's re-exports (`sqlx::types::Uuid`, …), so the crate needs no
//! direct dependency on `uuid` or `chrono` to use the generated structs.
//!
//! # `schema!`
//!
//! ```ignore
//! migrate_macros::schema!();                  // the crate's migrate.toml
//! migrate_macros::schema!("migrate.toml");    // a configuration file, or a directory holding one
//! migrate_macros::schema!("schema");          // a schema file or directory, without migrations
//! migrate_macros::schema!("schema", dialect = "postgres");
//! ```
//!
//! For each table: a struct named by its `model`, one field per column (`Option<T>` when
//! nullable), deriving `Debug, Clone, PartialEq`, implementing `sqlx::FromRow` for the row type of
//! each dialect and `migrate_core::Table`, documented with the schema's comments. A column whose
//! name is not a snake_case Rust identifier (`type`, `Name`, `my col`) gets a field name that is
//! (`r#type`, `name`, `my_col`), read from the column by its name.
//!
//! For each enum: a Rust enum whose variants are the labels in UpperCamelCase (`"GUINEA PIG"` →
//! `GuineaPig`), with `as_str`, `FromStr`, `Display`, `ALL`, `LABELS` and `TYPE_NAME`, and the sqlx
//! mapping to the exact labels: as the enum type (`Type`, `Encode`, `Decode`, `PgHasArrayType`) on
//! PostgreSQL, as TEXT on SQLite. The mapping is generated for the configuration's `dialect`; for a
//! bare schema path, for the `dialect = "…"` argument, or for both dialects when it is not given.
//!
//! Arrays (`T[]`) are `Vec<T>`: PostgreSQL arrays. SQLite holds them as JSON text, which sqlx does
//! not decode into a `Vec`, so on SQLite a struct with an array column does not implement
//! `FromRow` for SQLite rows (the rest of the struct is unaffected).
//!
//! **Build time.** The macro runs on every build of the crate that calls it, and the compiler
//! checks the items it generates each time. For a large schema, call `schema!()` in a small
//! library crate of its own (the models crate) that the application depends on: editing the
//! application then costs nothing for the schema (see docs/benchmarks.md: 500 tables add about
//! 0.1 s to an incremental build that way, and about 5 s when `schema!()` is in the edited crate).
//!
//! With a configuration, `schema!` also compares the declared schema with the migration
//! directory's snapshot, as `migrate generate` does, and fails to compile on any change that loses
//! data or breaks running code until the schema acknowledges it — with the same message and the
//! same acknowledging TOML line. Schema errors are compile errors naming `file:line:col`.
//!
//! The snapshot stands for what the migrations produce while its first line records their chained
//! sum. When it does not (a migration was written by hand, edited or removed since `migrate
//! generate` wrote it), `migrate generate` replays the directory on a scratch database; a macro has
//! no database, so `schema!` checks against the snapshot anyway and says so with a compiler
//! warning (a `deprecated` one at the macro call: stable Rust has no other) naming the fix:
//! `migrate generate`, or a `build.rs` calling `migrate_core::build::run()`. `embed_migrations!`
//! gives the same warning when the directory has a stale snapshot.
//!
//! # `#[derive(Model)]`
//!
//! ```ignore
//! #[derive(migrate_macros::Model, sqlx::FromRow)]
//! #[model(table = "pets")]                    // optional: schema = "path", as for schema!
//! struct PetName {
//!     id: sqlx::types::Uuid,
//!     #[model(column = "name")]
//!     #[sqlx(rename = "name")]
//!     title: String,
//!     nickname: Option<String>,
//!     #[model(skip)]
//!     #[sqlx(skip)]
//!     shown: bool,
//! }
//! ```
//!
//! Checks at compile time that the table exists, that every field (but the skipped ones) is a
//! column of it, of a Rust type that column maps to, and `Option<T>` exactly when the column is
//! nullable; then implements `migrate_core::Table` (`COLUMNS` are the struct's columns, in field
//! order). The type check is by the type's written form (`Uuid`, `uuid::Uuid` and
//! `sqlx::types::Uuid` all pass); for a type alias or a newtype, `#[model(unchecked)]` skips it
//! for one field. Every problem is reported at once, on the field or attribute at fault.
//!
//! # `embed_migrations!`
//!
//! ```ignore
//! static MIGRATOR: migrate_core::Migrator = migrate_macros::embed_migrations!();
//! static OTHER: migrate_core::Migrator = migrate_macros::embed_migrations!("db/migrations");
//! ```
//!
//! Embeds the migration directory (the configuration's `migrations`, or `migrations/` when the
//! crate has no `migrate.toml`) with each file's checksum computed at compile time by the CLI's
//! checksum function, and fails to compile when the files and the manifest disagree.

mod codegen;
mod ctxt;
mod embed;
mod error;
#[cfg(test)]
mod expand_tests;
mod input;
mod model;
mod names;
mod schema_macro;
mod types;
mod warning;

use proc_macro::TokenStream;

use crate::input::Env;

/// Generates the model structs, `Table` impls and enums of the crate's schema, and fails to
/// compile on an unacknowledged unsafe change. See the crate documentation.
#[proc_macro]
pub fn schema(input: TokenStream) -> TokenStream {
    schema_macro::expand(input.into(), &Env::from_process()).into()
}

/// Checks a hand-written struct against a table of the schema and implements
/// `migrate_core::Table` for it. See the crate documentation.
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model::expand(input.into(), &Env::from_process()).into()
}

/// Embeds the migration directory as a `migrate_core::Migrator`. See the crate documentation.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    embed::expand(input.into(), &Env::from_process()).into()
}
