//! Renaming a column without `renamed_from` is refused until the schema acknowledges it.

migrate_macros::schema!("tests/fixtures/rename_without_renamed_from/refused");

fn main() {}
