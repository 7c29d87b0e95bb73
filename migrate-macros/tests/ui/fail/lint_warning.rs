//! A warning-level lint finding is a `deprecated` compiler warning at the macro call: here denied.

#![deny(deprecated)]

static MIGRATOR: migrate_core::Migrator =
    migrate_macros::embed_migrations!("tests/fixtures/lint_findings/allowed");

fn main() {
    let _ = MIGRATOR;
}
