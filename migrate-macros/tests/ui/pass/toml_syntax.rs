//! The same schema with its syntax fixed.

migrate_macros::schema!("tests/fixtures/toml_syntax/fixed");

fn main() {
    let _ = |p: Pet| p.bio;
}
