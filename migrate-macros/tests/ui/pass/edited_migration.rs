//! The same migrations, as recorded: they embed.

static MIGRATOR: migrate_core::Migrator =
    migrate_macros::embed_migrations!("tests/fixtures/edited_migration/migrations");

fn main() {
    assert_eq!(MIGRATOR.migrations.len(), 1);
    assert_eq!(MIGRATOR.migrations[0].name, "create_pets");
}
