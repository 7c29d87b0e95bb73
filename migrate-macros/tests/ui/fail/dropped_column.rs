//! Dropping a column is refused until the schema acknowledges it.

migrate_macros::schema!("tests/fixtures/dropped_column/refused");

fn main() {}
