//! A rename on the expand/contract route (`strategy` in the schema, `change_strategy` in
//! migrate.toml): it compiles, and the struct already has the new name.

migrate_macros::schema!("tests/fixtures/expand_contract");

fn main() {
    let _ = |p: Pet| p.nickname;
}
