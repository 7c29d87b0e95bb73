const _: () = {
    const _: &[u8] = ::core::include_bytes!(
        "$CRATE/tests/expand/schema.toml"
    );
};
#[automatically_derived]
impl<'a> ::migrate_core::Table for PetSummary<'a> {
    const TABLE_NAME: &'static str = "pets";
    const COLUMNS: &'static [&'static str] = &["id", "type", "Display Name"];
    const PRIMARY_KEY: &'static [&'static str] = &["id"];
    type PrimaryKey = ::sqlx::types::Uuid;
}
