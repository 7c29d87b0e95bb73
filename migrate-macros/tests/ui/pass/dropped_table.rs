//! Dropping a table, acknowledged in the schema: it compiles.

migrate_macros::schema!("tests/fixtures/dropped_table/acknowledged");

fn main() {
    let _ = <Pet as migrate_core::Table>::TABLE_NAME;
}
