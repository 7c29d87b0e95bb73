//! The pet registry: its models come from `schema/` through `schema!()`.

migrate_macros::schema!();

fn main() {
    for kind in PetType::ALL {
        println!("{kind}");
    }
}
