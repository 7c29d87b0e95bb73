//! Compile-time support for the `migrate` toolkit.
//!
//! The macros read the schema with the same loader as the `migrate` CLI
//! (`migrate_core::schema::load`), and never touch a database.
//! `schema!`, `#[derive(Model)]` and `embed_migrations!` are built on this crate.
