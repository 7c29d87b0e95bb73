//! A table the schema does not declare is a compile error on the attribute.

#[derive(migrate_macros::Model)]
#[model(table = "pet", schema = "tests/fixtures/derive/migrate.toml")]
struct PetRow {
    id: i64,
    name: String,
}

fn main() {
    assert_eq!(<PetRow as migrate_core::Table>::COLUMNS, ["id", "name"]);
}
