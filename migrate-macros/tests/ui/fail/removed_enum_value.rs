//! Removing an enum label is refused until the schema acknowledges it.

migrate_macros::schema!("tests/fixtures/removed_enum_value/refused");

fn main() {}
