//! Reading a live database back into the schema model, and comparing it with a declared schema.
//!
//! - [`introspect`] reads enums, tables, columns, keys, indexes, foreign keys, checks and comments
//!   of a PostgreSQL or SQLite database into a [`Schema`]. On PostgreSQL it runs a fixed number of
//!   catalog queries (`dialect::postgres::introspect::QUERIES`), however many tables there are.
//! - [`normalize_for`] maps a declared schema to what a dialect holds and reads back, so that a
//!   database built from the generated migrations introspects to exactly
//!   `normalize_for(dialect, &declared)`: the same [`Schema`], compared with [`crate::diff::diff`].
//! - [`drift()`] lists, one line each, how a live schema differs from the one expected.
//! - [`keep_undeclared`] is what `migrate diff` applies: the declared schema plus whatever the
//!   database has that the schema does not declare and does not acknowledge dropping.
//!
//! # What each dialect holds
//!
//! | declared | PostgreSQL reads back | SQLite reads back |
//! |---|---|---|
//! | defaults, checks, partial-index predicates | PostgreSQL's own spelling, made canonical ([`expr`]) | as the migration wrote them |
//! | comments | yes (an empty comment is none) | none |
//! | enums | yes, with their labels in order | the labels of a column's `CHECK (col IN (...))`: only enums some column uses directly; an array of another enum reads back as `text[]` |
//! | identity | by default / always | only an `integer` single-column primary key (the rowid), always "by default", and every such key is one |
//! | index methods | yes | `btree` |
//!
//! Model names are not in a database: introspection derives them
//! (`names::model_name`) and [`crate::diff::diff`] ignores them. Acknowledgements
//! (`drop_*`, `renamed_from`, `type_changed_from`, `backfill`) are not in a database either:
//! [`normalize_for`] removes them.

mod drift;
pub mod expr;
mod names;
mod normalize;
mod undeclared;

pub use drift::drift;
pub use names::{canonical_order, derive_model_names};
pub use normalize::{canonical_literals, context_of, normalize_for, represent};
pub use undeclared::{Undeclared, keep_undeclared};

use crate::db::{Connection, DbError};
use crate::migrator::Migrator;
use crate::schema::Schema;

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The PostgreSQL schemas to read (default `["public"]`); ignored by SQLite. Tables of
    /// several schemas must have different names: the model has no schema qualifier.
    pub schemas: Vec<String>,
    /// The migration history table, which is not part of the declared schema: never read.
    pub history_table: String,
    /// Tables not to read (`--exclude`), as name patterns: `*` stands for any run of
    /// characters, `?` for one. A table that cannot be represented then blocks nothing else.
    pub exclude: Vec<String>,
    /// When not empty, only the tables matching one of these patterns are read (`--include`).
    pub include: Vec<String>,
}

impl Options {
    /// Whether the table `name` is read: it matches an `include` pattern (when there are any)
    /// and no `exclude` pattern.
    pub fn reads_table(&self, name: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|p| matches_pattern(p, name)))
            && !self.exclude.iter().any(|p| matches_pattern(p, name))
    }
}

/// Whether `name` matches `pattern`, where `*` is any run of characters and `?` one character.
fn matches_pattern(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Linear backtracking over the last `*`.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// Leaves out the tables `opts` does not read, and the foreign keys that reference them (noted).
fn keep_read_tables(out: &mut Introspected, opts: &Options) {
    if opts.exclude.is_empty() && opts.include.is_empty() {
        return;
    }
    out.schema.tables.retain(|t| opts.reads_table(&t.name));
    retain_read_objects(&mut out.schema, opts);
    for t in &mut out.schema.tables {
        t.foreign_keys.retain(|fk| {
            let kept = opts.reads_table(&fk.ref_table);
            if !kept {
                out.notes.push(format!(
                    "foreign key `{}` of `{}` references `{}`, a table not read: left out",
                    fk.name, t.name, fk.ref_table
                ));
            }
            kept
        });
    }
}

/// Leaves out the views, functions and triggers `opts` does not read: the patterns match a
/// view's or function's name, and a trigger's table.
pub fn retain_read_objects(schema: &mut Schema, opts: &Options) {
    let o = &mut schema.objects;
    o.views.retain(|v| opts.reads_table(&v.name));
    o.functions
        .retain(|f| opts.reads_table(f.name.split('(').next().unwrap_or(&f.name)));
    o.triggers.retain(|t| opts.reads_table(&t.table));
}

impl Default for Options {
    fn default() -> Options {
        Options {
            schemas: vec!["public".to_string()],
            history_table: Migrator::DEFAULT_HISTORY_TABLE.to_string(),
            exclude: Vec::new(),
            include: Vec::new(),
        }
    }
}

/// A database read into the model, with what could not be represented.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Introspected {
    /// The database's schema, in the canonical model.
    pub schema: Schema,
    /// Objects left out or simplified because the schema language cannot express them
    /// (an expression index, a deferrable foreign key, ...), one sentence each.
    pub notes: Vec<String>,
}

/// Reads the database into the canonical model, in [`canonical_order`], with derived model names.
pub async fn introspect(conn: &mut Connection<'_>, opts: &Options) -> Result<Schema, DbError> {
    Ok(introspect_with_notes(conn, opts).await?.schema)
}

/// [`introspect`], also returning what the schema language could not represent.
pub async fn introspect_with_notes(
    conn: &mut Connection<'_>,
    opts: &Options,
) -> Result<Introspected, DbError> {
    let mut out = conn.driver().introspect(opts).await?;
    // The backfills' progress table sits beside the history table, and is no more the
    // application's than it is.
    let progress = crate::batch::progress_table(&opts.history_table);
    let plain = progress.rsplit('.').next().unwrap_or(&progress).to_string();
    out.schema
        .tables
        .retain(|t| t.name != progress && t.name != plain);
    keep_read_tables(&mut out, opts);
    canonical_order(&mut out.schema);
    derive_model_names(&mut out.schema);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::Dialect;
    use crate::diff::{Change, diff};
    use crate::schema::ColumnType;
    use crate::schema::load_str;
    use crate::schema::{Identity, IndexMethod};

    fn schema(src: &str) -> Schema {
        load_str("t.toml", src).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn table_patterns() {
        assert!(matches_pattern("wagtail*", "wagtailcore_page"));
        assert!(matches_pattern("*_log", "audit_log"));
        assert!(matches_pattern("a?c", "abc"));
        assert!(matches_pattern("*a*b*", "xxaxxbxx"));
        assert!(!matches_pattern("*a*b", "xxaxxbxx"));
        assert!(!matches_pattern("pets", "pets2"));
        let opts = Options {
            include: vec!["app_*".into()],
            exclude: vec!["*_old".into()],
            ..Options::default()
        };
        assert!(opts.reads_table("app_users"));
        assert!(!opts.reads_table("app_users_old"));
        assert!(!opts.reads_table("auth_user"));
        assert!(Options::default().reads_table("anything"));

        let mut s = schema(
            "[tables.app_users]\nmodel = \"U\"\ncolumns = { id = \"integer\" }\n\
             [views.app_names]\nsql = \"SELECT 1\"\n[views.auth_names]\nsql = \"SELECT 1\"\n\
             [functions.auth_check]\nsql = \"CREATE FUNCTION auth_check() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$\"\n",
        );
        retain_read_objects(&mut s, &opts);
        let views: Vec<&str> = s.objects.views.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(views, ["app_names"]);
        assert!(s.objects.functions.is_empty());
    }

    #[test]
    fn model_names_are_unique() {
        let mut s = schema(
            "[tables.pet]\nmodel = \"A\"\ncolumns = { id = \"integer\" }\n[tables.pets]\nmodel = \"B\"\ncolumns = { id = \"integer\" }\n",
        );
        derive_model_names(&mut s);
        let models: Vec<&str> = s.tables.iter().map(|t| t.model.as_str()).collect();
        assert_eq!(models, ["Pet", "Pet2"]);
    }

    const PETS: &str = r#"
[enums.kind]
values = ["CAT", "DOG"]
comment = "Kinds."
[tables.pets]
model = "Pet"
comment = "Pets."
[tables.pets.columns]
id = { type = "integer", identity = true, primary_key = true }
name = { type = "varchar(20)", default = "'x'::text", comment = "" }
kind = { type = "kind", default = "'CAT'" }
moods = { type = "kind[]", nullable = true }
born = { type = "timestamptz", default = "now()" }
[[tables.pets.indexes]]
columns = ["name"]
method = "hash"
where = "\"name\" <> 'x'"
[[tables.pets.checks]]
name = "pets_name"
expr = "length(\"name\") > 0"
"#;

    #[test]
    fn normalises_per_dialect() {
        let s = schema(PETS);
        let pg = normalize_for(Dialect::Postgres, &s);
        let t = &pg.tables[0];
        assert_eq!(t.column("name").and_then(|c| c.comment.clone()), None);
        assert_eq!(
            t.column("name").and_then(|c| c.default.as_deref()),
            Some("'x'")
        );
        assert_eq!(t.checks[0].expr, "length(name) > 0");
        assert_eq!(t.indexes[0].predicate.as_deref(), Some("name <> 'x'"));
        assert_eq!(t.indexes[0].method, IndexMethod::Hash);

        let lite = normalize_for(Dialect::Sqlite, &s);
        let t = &lite.tables[0];
        assert_eq!(lite.enums[0].comment, None);
        assert_eq!(t.comment, None);
        assert_eq!(t.indexes[0].method, IndexMethod::Btree);
        assert_eq!(
            t.column("born").and_then(|c| c.default.as_deref()),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            t.column("name").and_then(|c| c.default.as_deref()),
            Some("'x'")
        );
        assert_eq!(
            t.column("id").and_then(|c| c.identity),
            Some(Identity::ByDefault)
        );
        assert_eq!(t.checks[0].expr, "length(\"name\") > 0");
    }

    #[test]
    fn sqlite_keeps_only_enums_a_column_uses() {
        let s = schema(
            "[enums.mood]\nvalues = [\"a\"]\n[tables.t]\nmodel = \"T\"\ncolumns = { m = \"mood[]\" }\n",
        );
        let lite = normalize_for(Dialect::Sqlite, &s);
        assert!(lite.enums.is_empty());
        assert_eq!(
            lite.tables[0].columns[0].ty,
            ColumnType::Array(Box::new(ColumnType::Text))
        );
    }

    #[test]
    fn drift_lines_name_each_difference() {
        let a = schema(PETS);
        let mut b = a.clone();
        b.tables[0].columns[1].ty = ColumnType::Text;
        b.tables[0].indexes[0].columns = vec!["id".into()];
        let lines = drift(&b, &a, Dialect::Postgres);
        assert_eq!(
            lines,
            [
                "column `pets.name` has the type text, expected varchar(20)",
                "index `pets_name_idx` on `pets` is (id) USING hash WHERE name <> 'x', expected (name) USING hash WHERE name <> 'x'"
            ]
        );
        assert!(drift(&a, &a, Dialect::Sqlite).is_empty());
    }

    #[test]
    fn undeclared_objects_are_kept_unless_acknowledged() {
        let declared = schema(
            "drop_tables = [\"old\"]\n[enums.kind]\nvalues = [\"A\", \"C\"]\n[tables.pets]\nmodel = \"Pet\"\ncolumns = { id = \"integer\" }\n",
        );
        let live = schema(
            r#"
[enums.kind]
values = ["A", "B", "C"]
[tables.pets]
model = "Pet"
columns = { id = "integer", legacy = "text" }
indexes = [{ columns = ["legacy"] }]
[tables.old]
model = "Old"
columns = { id = "integer" }
[tables.other]
model = "Other"
columns = { id = "integer" }
"#,
        );
        let (target, found) = keep_undeclared(&live, &declared);
        let objects: Vec<(&str, bool)> = found
            .iter()
            .map(|u| (u.object.as_str(), u.dropped))
            .collect();
        assert_eq!(
            objects,
            [
                ("label `B` of enum `kind`", false),
                ("column `pets.legacy`", false),
                ("index `pets_legacy_idx` on `pets`", false),
                ("table `old`", true),
                ("table `other`", false),
            ]
        );
        assert_eq!(target.enums[0].values, ["A", "B", "C"]);
        let d = diff(&live, &target);
        assert_eq!(
            d.changes.iter().map(Change::slug).collect::<Vec<_>>(),
            ["drop_old"]
        );
    }
}
