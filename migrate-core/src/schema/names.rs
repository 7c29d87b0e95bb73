//! The names a schema gives the keys, indexes and foreign keys it does not name.
//!
//! They follow PostgreSQL's own conventions for constraints it names (`pets_pkey`,
//! `pets_owner_id_fkey`, `pets_name_key`), so that a database created by hand reads back with the
//! names a schema file would derive. The loader derives them, the printer leaves them out again,
//! and introspection of SQLite, which keeps no names for unnamed constraints, gives them back.

/// `<table>_pkey`: the name of a primary key.
pub fn primary_key(table: &str) -> String {
    format!("{table}_pkey")
}

/// `<table>_<columns>_key` for a unique index (the name of a unique constraint), and
/// `<table>_<columns>_idx` for any other.
pub fn index<S: AsRef<str>>(table: &str, columns: &[S], unique: bool) -> String {
    derived(table, columns, if unique { "key" } else { "idx" })
}

/// `<table>_<columns>_fkey`: the name of a foreign key.
pub fn foreign_key<S: AsRef<str>>(table: &str, columns: &[S]) -> String {
    derived(table, columns, "fkey")
}

/// `<table>_<column>_seq`: the name PostgreSQL gives an identity column's sequence, with the
/// longer of the two names cut first to fit 63 bytes, as PostgreSQL's `makeObjectName` does.
pub fn identity_sequence(table: &str, column: &str) -> String {
    const MAX: usize = 63;
    let avail = MAX.saturating_sub("_seq".len() + 1);
    let (mut a, mut b) = (table.len(), column.len());
    while a + b > avail {
        if a > b {
            a -= 1;
        } else {
            b -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    format!("{}_{}_seq", clip(table, a), clip(column, b))
}

/// The table, the columns and the suffix, joined by `_`.
fn derived<S: AsRef<str>>(table: &str, columns: &[S], suffix: &str) -> String {
    let mut name = table.to_string();
    for c in columns {
        name.push('_');
        name.push_str(c.as_ref());
    }
    name.push('_');
    name.push_str(suffix);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_conventions() {
        assert_eq!(primary_key("pets"), "pets_pkey");
        assert_eq!(index("pets", &["name"], true), "pets_name_key");
        assert_eq!(
            index("pets", &["owner_id", "name"], false),
            "pets_owner_id_name_idx"
        );
        assert_eq!(foreign_key("pets", &["owner_id"]), "pets_owner_id_fkey");
        assert_eq!(
            foreign_key("lines", &["order", "shop"]),
            "lines_order_shop_fkey"
        );
        assert_eq!(identity_sequence("orders", "id"), "orders_id_seq");
        // Cut as PostgreSQL cuts it: the longer name first, to 63 bytes.
        let long = identity_sequence(&"t".repeat(70), "id");
        assert_eq!(long, format!("{}_id_seq", "t".repeat(56)));
        assert_eq!(long.len(), 63);
        // With no columns: the base a generator numbers when the derived name is taken.
        assert_eq!(index::<&str>("pets", &[], false), "pets_idx");
    }
}
