//! What generated and derived models implement.

/// A Rust type that is a row of a declared table: implemented by `schema!` for the structs it
/// generates, and by `#[derive(Model)]` for hand-written ones (checked against the schema).
pub trait Table {
    /// The SQL table name, exactly as declared (never guessed from the type name).
    const TABLE_NAME: &'static str;
    /// The SQL column names, in declaration order.
    const COLUMNS: &'static [&'static str];
    /// The SQL column names of the primary key, in key order (empty when there is none).
    const PRIMARY_KEY: &'static [&'static str];
    /// The Rust type of the primary key: the column's type, a tuple for a composite key, `()` when
    /// the table has none.
    type PrimaryKey;
}
