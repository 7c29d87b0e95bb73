//! A non-`Option` field for a nullable column is a compile error on the field.

#[derive(migrate_macros::Model)]
#[model(table = "pets", schema = "tests/fixtures/derive/migrate.toml")]
struct PetRow {
    id: i64,
    bio: String,
}

fn main() {
    assert_eq!(<PetRow as migrate_core::Table>::TABLE_NAME, "pets");
}
