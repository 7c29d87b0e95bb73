//! A migration with an error-level lint finding (an unacknowledged DROP COLUMN) fails to embed.

static MIGRATOR: migrate_core::Migrator =
    migrate_macros::embed_migrations!("tests/fixtures/lint_findings/migrations");

fn main() {
    let _ = MIGRATOR;
}
