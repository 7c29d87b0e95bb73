//! Narrowing a column type, acknowledged in the schema: it compiles.

migrate_macros::schema!("tests/fixtures/narrowing_type/acknowledged");

fn main() {
    let _ = |p: Pet| -> Option<i32> { p.weight };
}
