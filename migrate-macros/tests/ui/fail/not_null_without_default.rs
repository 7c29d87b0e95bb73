//! Making a nullable column NOT NULL without a default or a backfill is refused until the schema acknowledges it.

migrate_macros::schema!("tests/fixtures/not_null_without_default/refused");

fn main() {}
