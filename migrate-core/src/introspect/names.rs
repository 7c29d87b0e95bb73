//! The order introspection gives, and the model names it derives.

use std::collections::HashSet;

use crate::schema::{ForeignKey, Index, Schema};

/// The order introspection gives, a function of the content alone: enums and tables by name;
/// columns in table order; first the indexes and foreign keys a column's `unique = true` or
/// `references` can write (in column order), then the others by name; checks by name.
pub fn canonical_order(schema: &mut Schema) {
    schema.enums.sort_by(|a, b| a.name.cmp(&b.name));
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
    for t in &mut schema.tables {
        let position = |name: &str| t.columns.iter().position(|c| c.name == name);
        let ix_key = |ix: &Index| -> (usize, usize, String) {
            let shorthand = ix.unique_shorthand_of(&t.name).is_some();
            match (shorthand, ix.columns.first().and_then(|c| position(c))) {
                (true, Some(p)) => (0, p, ix.name.clone()),
                _ => (1, 0, ix.name.clone()),
            }
        };
        let fk_key = |fk: &ForeignKey| -> (usize, usize, String) {
            let shorthand = fk.columns.len() == 1 && !fk.ref_columns[0].contains('.');
            match (shorthand, fk.columns.first().and_then(|c| position(c))) {
                (true, Some(p)) => (0, p, fk.name.clone()),
                _ => (1, 0, fk.name.clone()),
            }
        };
        let mut indexes = std::mem::take(&mut t.indexes);
        indexes.sort_by_cached_key(ix_key);
        let mut fks = std::mem::take(&mut t.foreign_keys);
        fks.sort_by_cached_key(fk_key);
        t.indexes = indexes;
        t.foreign_keys = fks;
        t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

/// Gives every table a model name by `names::model_name`, made unique with a number
/// (`Pet2`).
pub fn derive_model_names(schema: &mut Schema) {
    let mut taken: HashSet<String> = HashSet::new();
    for t in &mut schema.tables {
        let base = crate::names::model_name(&t.name);
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        t.model = name;
    }
}
