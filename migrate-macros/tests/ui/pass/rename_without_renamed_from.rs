//! Renaming a column without `renamed_from`, acknowledged in the schema: it compiles.

migrate_macros::schema!("tests/fixtures/rename_without_renamed_from/acknowledged");

fn main() {
    let _ = |p: Pet| p.nickname;
}
