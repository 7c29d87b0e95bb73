//! Removing an enum label, acknowledged in the schema: it compiles.

migrate_macros::schema!("tests/fixtures/removed_enum_value/acknowledged");

fn main() {
    assert_eq!(PetType::ALL, [PetType::Cat, PetType::Dog]);
}
