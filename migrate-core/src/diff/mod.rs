//! Diffing two schema models into an ordered list of changes.
//!
//! [`diff`] compares the schema as it is (`from`: the last snapshot, or an introspected database)
//! with the schema as declared (`to`) and returns the changes that turn one into the other, in an
//! order a database accepts: foreign keys dropped before the tables they point at, enums created
//! before the tables that use them, referenced tables before referencing ones, and foreign keys of
//! a cycle added once both tables exist. The same input always gives the same output.
//!
//! Renames are never guessed: a table or column is renamed only when the declared schema says
//! `renamed_from`. A vanished column next to a new one of the same type is reported by the safety
//! check as a probable rename.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::schema::{Schema, Table};

mod change;
mod domains;
mod enums;
mod objects;
pub mod phased;
mod renames;
mod table;
mod tables;

pub use change::Change;
pub(crate) use enums::old_enum_name;
pub(crate) use renames::is_swap_name;
use renames::order_renames;
use tables::old_keys;

/// The changes from `from` to `to`, ordered for execution, plus what the check of unsafe changes
/// needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diff {
    /// The changes, in the order they run.
    pub changes: Vec<Change>,
}

impl Diff {
    /// Whether the schemas are the same: nothing to change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// How a declared table relates to the one it came from.
struct TablePair<'a> {
    old: &'a Table,
    new: &'a Table,
}

/// Computes the ordered changes that turn `from` into `to`.
pub fn diff(from: &Schema, to: &Schema) -> Diff {
    let mut d = Differ::default();
    d.run(from, to);
    Diff {
        changes: d.finish(),
    }
}

/// Changes sorted into phases; each phase keeps insertion order, so output is deterministic.
#[derive(Default)]
struct Differ {
    /// Triggers, views and functions dropped or dropped to be created again: first, before
    /// what they use changes.
    drop_objects: Vec<Change>,
    drop_fks: Vec<Change>,
    drop_constraints: Vec<Change>,
    /// Before renames and creations, which may take the names of their keys, indexes and types.
    drop_tables: Vec<Change>,
    renames: Vec<Change>,
    extensions: Vec<Change>,
    enums: Vec<Change>,
    /// Functions that read no table (or whose bodies PostgreSQL does not check): before the
    /// tables, whose defaults and checks may call them.
    functions: Vec<Change>,
    create_tables: Vec<Change>,
    columns: Vec<Change>,
    add_constraints: Vec<Change>,
    add_fks: Vec<Change>,
    drops: Vec<Change>,
    drop_enums: Vec<Change>,
    comments: Vec<Change>,
    /// Functions, views and triggers created, in dependency order: once the tables and columns
    /// they use exist.
    create_objects: Vec<Change>,
    /// `(table, name)` of primary keys renamed, both names: relations, unlike other constraints.
    renamed_keys: HashSet<(String, String)>,
}

impl Differ {
    fn finish(self) -> Vec<Change> {
        [
            self.drop_objects,
            self.drop_fks,
            self.drop_constraints,
            self.drop_tables,
            order_renames(self.renames, &self.renamed_keys),
            self.extensions,
            self.enums,
            self.functions,
            self.create_tables,
            self.columns,
            self.add_constraints,
            self.add_fks,
            self.drops,
            self.drop_enums,
            self.comments,
            self.create_objects,
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn run(&mut self, from: &Schema, to: &Schema) {
        // Extensions are created, never dropped: what else uses them is not the schema's to know.
        for name in &to.extensions {
            if !from.extensions.contains(name) {
                self.extensions.push(Change::CreateExtension(name.clone()));
            }
        }
        self.enums(from, to);
        self.domains_and_sequences(from, to);

        // Pair declared tables with existing ones, by name or by `renamed_from`.
        let mut pairs: Vec<TablePair<'_>> = Vec::new();
        let mut created: Vec<&Table> = Vec::new();
        let mut matched_old: HashSet<&str> = HashSet::new();
        // A partition detached and declared as a table of its own exists already.
        let kept = table::detached_and_kept(from, to);
        for new in &to.tables {
            if kept.contains(&new.name.as_str()) {
                continue;
            }
            let old = from.table(&new.name).or_else(|| {
                new.renamed_from
                    .as_deref()
                    .filter(|r| to.table(r).is_none())
                    .and_then(|r| from.table(r))
            });
            match old {
                Some(old) => {
                    matched_old.insert(&old.name);
                    pairs.push(TablePair { old, new });
                }
                None => created.push(new),
            }
        }
        // A plain table that becomes a partition is attached, not dropped.
        matched_old.extend(table::attached_tables(from, to));
        let dropped: Vec<&Table> = from
            .tables
            .iter()
            .filter(|t| !matched_old.contains(t.name.as_str()))
            .collect();

        // Old names of renamed tables map to new names, for foreign keys that point at them.
        let renamed: HashMap<&str, &str> = pairs
            .iter()
            .filter(|p| p.old.name != p.new.name)
            .map(|p| (p.old.name.as_str(), p.new.name.as_str()))
            .collect();

        // Keys dropped or rebuilt, by old table and column names: PostgreSQL ties a foreign key
        // to the key it uses, so foreign keys that use one are dropped and added again. Keys
        // kept, by new names: a new table's foreign key can use them at once.
        let mut dropped_keys: HashSet<(&str, BTreeSet<&str>)> = HashSet::new();
        let mut kept_keys: HashSet<(&str, BTreeSet<String>)> = HashSet::new();
        for p in &pairs {
            for (before, after, kept) in old_keys(p) {
                if kept {
                    kept_keys.insert((p.new.name.as_str(), after.into_iter().collect()));
                } else {
                    let before = before.iter().map(String::as_str).collect();
                    dropped_keys.insert((p.old.name.as_str(), before));
                }
            }
        }

        for p in &pairs {
            if p.old.name != p.new.name {
                self.renames.push(Change::RenameTable {
                    from: p.old.name.clone(),
                    to: p.new.name.clone(),
                });
            }
            self.table(p, &renamed, &dropped_keys, (from, to));
        }

        self.create_tables(&created, &kept_keys);

        for t in dropped {
            // A dropped table's own foreign keys go first, so dropped tables can go in any order.
            // (Foreign keys of surviving tables that point here vanish from the declared schema
            // and are dropped by that table's diff.)
            for fk in &t.foreign_keys {
                self.drop_fks.push(Change::DropForeignKey {
                    table: t.name.clone(),
                    fk: fk.clone(),
                });
            }
            self.drop_tables.push(Change::DropTable(t.clone()));
        }
        self.objects(from, to);
    }
}

/// Items of `old` with no equal item of the same name in `new`, and items of `new` with no equal
/// item of the same name in `old`.
fn unmatched<'a, T: PartialEq>(
    old: &'a [T],
    new: &'a [T],
    name: impl Fn(&T) -> &String,
) -> (Vec<&'a T>, Vec<&'a T>) {
    let gone = old
        .iter()
        .filter(|o| new.iter().find(|n| name(n) == name(o)) != Some(*o))
        .collect();
    let added = new
        .iter()
        .filter(|n| old.iter().find(|o| name(o) == name(n)) != Some(*n))
        .collect();
    (gone, added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::load_str;

    fn schema(src: &str) -> Schema {
        load_str("t.toml", src).unwrap_or_else(|e| panic!("{e}"))
    }

    fn slugs(a: &str, b: &str) -> Vec<String> {
        diff(&schema(a), &schema(b))
            .changes
            .iter()
            .map(Change::slug)
            .collect()
    }

    const PETS: &str = r#"
[enums.kind]
values = ["CAT", "DOG"]
[tables.owners]
model = "Owner"
columns = { id = { type = "uuid", primary_key = true } }
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
owner_id = { type = "uuid", references = "owners.id" }
kind = "kind"
name = "text"
"#;

    #[test]
    fn empty_to_schema_creates_in_dependency_order() {
        let s = slugs("", PETS);
        assert_eq!(s, ["create_kind", "create_owners", "create_pets"]);
    }

    #[test]
    fn same_schema_is_empty() {
        assert!(diff(&schema(PETS), &schema(PETS)).is_empty());
    }

    #[test]
    fn referencing_table_declared_first_is_created_second() {
        let src = r#"
[tables.b]
model = "B"
columns = { id = { type = "integer", primary_key = true }, a_id = { type = "integer", references = "a.id" } }
[tables.a]
model = "A"
columns = { id = { type = "integer", primary_key = true } }
"#;
        assert_eq!(slugs("", src), ["create_a", "create_b"]);
    }

    #[test]
    fn cycles_defer_a_foreign_key() {
        let src = r#"
[tables.a]
model = "A"
columns = { id = { type = "integer", primary_key = true }, b_id = { type = "integer", nullable = true, references = "b.id" } }
[tables.b]
model = "B"
columns = { id = { type = "integer", primary_key = true }, a_id = { type = "integer", nullable = true, references = "a.id" } }
"#;
        assert_eq!(slugs("", src), ["create_a", "create_b", "add_a_b_id_fkey"]);
    }

    #[test]
    fn renames_follow_renamed_from() {
        let b = PETS.replace(
            "name = \"text\"",
            "title = { type = \"text\", renamed_from = \"name\" }",
        );
        assert_eq!(slugs(PETS, &b), ["rename_pets_title"]);
        let c = PETS
            .replace(
                "[tables.pets]\n",
                "[tables.animals]\nrenamed_from = \"pets\"\n",
            )
            .replace("tables.pets.", "tables.animals.");
        assert_eq!(
            slugs(PETS, &c),
            [
                "rename_pets_to_animals",
                "rename_animals_pkey",
                "rename_animals_owner_id_fkey"
            ]
        );
    }

    #[test]
    fn enum_values_added_in_place_or_rebuilt() {
        let b = PETS.replace(
            "[\"CAT\", \"DOG\"]",
            "[\"CAT\", \"BIRD\", \"DOG\", \"FISH\"]",
        );
        let d = diff(&schema(PETS), &schema(&b));
        assert_eq!(
            d.changes[0],
            Change::AddEnumValue {
                enum_name: "kind".into(),
                value: "BIRD".into(),
                before: Some("DOG".into())
            }
        );
        assert_eq!(
            d.changes[1],
            Change::AddEnumValue {
                enum_name: "kind".into(),
                value: "FISH".into(),
                before: None
            }
        );
        let c = PETS.replace("[\"CAT\", \"DOG\"]", "[\"CAT\"]");
        assert!(matches!(
            diff(&schema(PETS), &schema(&c)).changes[0],
            Change::RebuildEnum { .. }
        ));
    }

    #[test]
    fn dropped_table_drops_fk_first() {
        let b = r#"
[enums.kind]
values = ["CAT", "DOG"]
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
owner_id = { type = "uuid" }
kind = "kind"
name = "text"
"#;
        assert_eq!(slugs(PETS, b), ["drop_pets_owner_id_fkey", "drop_owners"]);
    }

    #[test]
    fn output_is_deterministic() {
        let a = diff(&Schema::default(), &schema(PETS));
        for _ in 0..5 {
            assert_eq!(diff(&Schema::default(), &schema(PETS)), a);
        }
    }

    /// Declared extensions the database lacks are created first; undeclared ones are kept.
    #[test]
    fn extensions_are_created_first_and_never_dropped() {
        let t = "[tables.t]\nmodel = \"T\"\ncolumns = { e = \"citext\" }\n";
        let with = format!(
            "extensions = [\"citext\"]\nexternal_types = [\"citext\"]\n[enums.k]\nvalues = [\"a\"]\n{t}"
        );
        assert_eq!(
            slugs("", &with),
            ["create_extension_citext", "create_k", "create_t"]
        );
        assert!(slugs(&with, &with.replace("extensions = [\"citext\"]\n", "")).is_empty());
    }
}
