//! The corrected struct compiles.

#[derive(migrate_macros::Model)]
#[model(table = "pets", schema = "tests/fixtures/derive/migrate.toml")]
struct PetRow {
    id: i64,
    name: String,
}

fn main() {
    assert_eq!(<PetRow as migrate_core::Table>::TABLE_NAME, "pets");
}
