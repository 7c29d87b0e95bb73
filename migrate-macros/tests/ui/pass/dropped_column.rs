//! Dropping a column, acknowledged in the schema: it compiles.

migrate_macros::schema!("tests/fixtures/dropped_column/acknowledged");

fn main() {
    let _ = |p: Pet| (p.id, p.name);
}
