//! A migration edited after it was recorded in migrate.sum fails to embed.

static MIGRATOR: migrate_core::Migrator =
    migrate_macros::embed_migrations!("tests/fixtures/edited_migration/edited");

fn main() {
    let _ = MIGRATOR;
}
