//! Narrowing a column type is refused until the schema acknowledges it.

migrate_macros::schema!("tests/fixtures/narrowing_type/refused");

fn main() {}
