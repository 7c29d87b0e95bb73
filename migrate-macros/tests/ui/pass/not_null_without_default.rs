//! Making a nullable column NOT NULL without a default or a backfill, acknowledged in the schema: it compiles.

migrate_macros::schema!("tests/fixtures/not_null_without_default/acknowledged");

fn main() {
    let _ = |p: Pet| -> String { p.nickname };
}
