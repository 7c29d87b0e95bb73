//! Dropping a table is refused until the schema acknowledges it.

migrate_macros::schema!("tests/fixtures/dropped_table/refused");

fn main() {}
