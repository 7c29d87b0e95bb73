//! The same DROP COLUMN acknowledged with `-- migrate:allow ban-drop-column: reason` embeds; its
//! warning-level finding (SQLite's DROP COLUMN limits) is a compiler warning, not an error.

static MIGRATOR: migrate_core::Migrator =
    migrate_macros::embed_migrations!("tests/fixtures/lint_findings/allowed");

fn main() {
    assert_eq!(MIGRATOR.migrations.len(), 2);
}
