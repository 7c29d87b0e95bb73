//! A schema that is not valid TOML: the error names file:line:col.

migrate_macros::schema!("tests/fixtures/toml_syntax/broken");

fn main() {}
