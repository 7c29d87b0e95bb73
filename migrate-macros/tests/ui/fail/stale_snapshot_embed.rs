//! A snapshot that does not record the migrations as they are: `embed_migrations!` embeds them
//! and says so with a `deprecated` compiler warning at the macro call, here denied.

#![deny(deprecated)]

static MIGRATOR: migrate_core::Migrator =
    migrate_macros::embed_migrations!("tests/fixtures/lint_findings/allowed");

fn main() {
    let _ = MIGRATOR;
}
