//! Indexes: `unique = true` on a column, and `[[indexes]]`.

use super::Validator;
use crate::diagnostic::Location;
use crate::schema::load::{RawIndex, RawTable};
use crate::schema::model::{Deferrable, Index, IndexKey, IndexMethod, Table};
use crate::schema::names;

impl Validator<'_> {
    /// Unique columns become unique indexes named as PostgreSQL names unique constraints. The
    /// location of each goes to `index_locs`.
    pub(super) fn unique_columns(
        &mut self,
        t: &RawTable,
        table: &mut Table,
        index_locs: &mut Vec<Location>,
    ) {
        let tname = &t.name.value;
        for c in &t.columns {
            if let Some(u) = c.unique.as_ref().filter(|u| u.value) {
                let columns = [c.name.value.as_str()];
                let name = self.derived_name(
                    "unique index",
                    names::index(tname, &columns, true),
                    tname,
                    &columns,
                    &u.loc,
                    "name (in an [[indexes]] entry)",
                );
                index_locs.push(u.loc.clone());
                table.indexes.push(Index {
                    name,
                    columns: vec![c.name.value.clone()],
                    unique: true,
                    ..Index::default()
                });
            }
        }
    }

    /// The table's `[[indexes]]`. The location of each index kept goes to `index_locs`.
    pub(super) fn indexes(
        &mut self,
        t: &RawTable,
        table: &mut Table,
        column_names: &[&str],
        index_locs: &mut Vec<Location>,
    ) {
        let tname = &t.name.value;
        for ix in &t.indexes {
            let constraint = ix.constraint.as_ref().is_some_and(|c| c.value);
            // A UNIQUE constraint is unique: `constraint = true` says so alone.
            let unique = ix.unique.as_ref().map_or(constraint, |u| u.value);
            let method = ix.method.as_ref().map_or(IndexMethod::Btree, |m| m.value);
            let mut ok = true;
            if ix.columns.is_empty() {
                // Reported while reading the file (missing or empty `columns`).
                ok = false;
            }
            let mut seen: Vec<&str> = Vec::new();
            for (i, col) in ix.columns.iter().enumerate() {
                if ix.keys.get(i).is_some_and(|k| k.expression) {
                    self.expression_columns(tname, col, column_names, "index expression");
                    continue;
                }
                if seen.contains(&col.value.as_str()) {
                    self.error(
                        "duplicate-key-column",
                        &col.loc,
                        format!(
                            "column `{}` appears twice in an index of `{tname}`",
                            col.value
                        ),
                        "list each column once",
                    );
                    ok = false;
                }
                seen.push(&col.value);
                if !column_names.contains(&col.value.as_str()) {
                    self.unknown_column(tname, col, column_names, "an index");
                    ok = false;
                }
            }
            if unique && method != IndexMethod::Btree {
                let loc = ix.method.as_ref().map_or(&ix.loc, |m| &m.loc);
                self.error(
                    "unique-hash",
                    loc,
                    format!(
                        "a unique index of `{tname}` uses the {} method; only btree indexes enforce uniqueness",
                        method.as_str()
                    ),
                    format!("remove `method = \"{}\"` (btree is the default) or remove `unique = true`", method.as_str()),
                );
            }
            if let Some(p) = &ix.predicate {
                self.expression_columns(tname, p, column_names, "index predicate");
            }
            ok &= self.index_options(tname, ix, unique, column_names);
            let name = match &ix.name {
                Some(n) => {
                    self.ident("index", n);
                    n.value.clone()
                }
                None if ix.keys.iter().any(|k| k.expression) => {
                    self.error(
                        "unnamed-expression-index",
                        &ix.loc,
                        format!("an index of `{tname}` on an expression has no `name`"),
                        format!("name it, e.g. `name = \"{tname}_lower_email_idx\"`"),
                    );
                    ok = false;
                    String::new()
                }
                None => {
                    let columns: Vec<&str> = ix.columns.iter().map(|c| c.value.as_str()).collect();
                    let name = names::index(tname, &columns, unique);
                    self.derived_name("index", name, tname, &columns, &ix.loc, "name")
                }
            };
            if ok {
                index_locs.push(ix.name.as_ref().map_or(&ix.loc, |n| &n.loc).clone());
                let mut index = Index {
                    name,
                    columns: ix.columns.iter().map(|c| c.value.clone()).collect(),
                    unique,
                    predicate: ix.predicate.as_ref().map(|p| p.value.clone()),
                    method,
                    include: ix
                        .include
                        .as_ref()
                        .map(|i| i.value.iter().map(|c| c.value.clone()).collect())
                        .unwrap_or_default(),
                    nulls_not_distinct: ix.nulls_not_distinct.as_ref().is_some_and(|n| n.value),
                    constraint,
                    deferrable: ix.deferrable.as_ref().map_or(Deferrable::No, |d| d.value),
                    keys: Vec::new(),
                };
                index.set_keys(
                    ix.keys
                        .iter()
                        .map(|k| {
                            let desc = k.desc.as_ref().is_some_and(|d| d.value);
                            IndexKey {
                                expression: k.expression,
                                desc,
                                nulls_first: k.nulls_first.as_ref().map_or(desc, |n| n.value),
                                opclass: k.opclass.as_ref().map(|o| o.value.clone()),
                                collation: k.collation.as_ref().map(|c| c.value.clone()),
                            }
                        })
                        .collect(),
                );
                table.indexes.push(index);
            }
        }
    }
}

impl Validator<'_> {
    /// `include`, `nulls_not_distinct`, `constraint` and `deferrable`, and what a UNIQUE
    /// constraint cannot have. Whether the index can be kept.
    fn index_options(
        &mut self,
        tname: &str,
        ix: &RawIndex,
        unique: bool,
        column_names: &[&str],
    ) -> bool {
        let mut ok = true;
        if let Some(include) = &ix.include {
            for col in &include.value {
                if !column_names.contains(&col.value.as_str()) {
                    self.unknown_column(tname, col, column_names, "an index's `include`");
                    ok = false;
                }
            }
        }
        if let Some(n) = ix
            .nulls_not_distinct
            .as_ref()
            .filter(|n| n.value && !unique)
        {
            self.error(
                "nulls-not-distinct-not-unique",
                &n.loc,
                format!("`nulls_not_distinct` on an index of `{tname}` that is not unique"),
                "add `unique = true`, or remove `nulls_not_distinct`",
            );
            ok = false;
        }
        let constraint = ix.constraint.as_ref().filter(|c| c.value);
        if constraint.is_some()
            && let Some(u) = ix.unique.as_ref().filter(|u| !u.value)
        {
            self.error(
                "constraint-not-unique",
                &u.loc,
                format!("a UNIQUE constraint of `{tname}` says `unique = false`"),
                "remove `unique = false` (a constraint is unique), or remove `constraint = true` for a plain index",
            );
            ok = false;
        }
        if let Some(d) = ix.deferrable.as_ref().filter(|d| d.value != Deferrable::No)
            && constraint.is_none()
        {
            self.error(
                "deferrable-index",
                &d.loc,
                format!("an index of `{tname}` is `deferrable`: only a UNIQUE constraint can be"),
                "add `constraint = true` (a UNIQUE constraint), or remove `deferrable`",
            );
            ok = false;
        }
        if let Some(c) = constraint {
            let why = if ix.keys.iter().any(|k| k.expression) {
                Some("an expression key")
            } else if ix.predicate.is_some() {
                Some("a `where` predicate")
            } else if ix
                .method
                .as_ref()
                .is_some_and(|m| m.value != IndexMethod::Btree)
            {
                Some("a `method`")
            } else if ix.keys.iter().any(|k| {
                k.desc.is_some()
                    || k.nulls_first.is_some()
                    || k.opclass.is_some()
                    || k.collation.is_some()
            }) {
                Some("key options (`desc`, `nulls`, `opclass`, `collation`)")
            } else {
                None
            };
            if let Some(why) = why {
                self.error(
                    "constraint-index-options",
                    &c.loc,
                    format!(
                        "a UNIQUE constraint of `{tname}` has {why}, which only an index can have"
                    ),
                    "remove `constraint = true` to declare a unique index, or list plain columns",
                );
                ok = false;
            }
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::{Deferrable, IndexKey, load_str};

    const TABLE: &str = "[tables.t]\nmodel = \"T\"\ncolumns = { id = \"bigint\", a = \"text\", b = { type = \"text\", nullable = true } }\n";

    fn codes(indexes: &str) -> Vec<String> {
        match load_str("s.toml", &format!("{TABLE}{indexes}")) {
            Ok(_) => Vec::new(),
            Err(e) => e.iter().map(|d| d.code.to_string()).collect(),
        }
    }

    #[test]
    fn keys_and_constraint_options_are_read() {
        let s = load_str(
            "s.toml",
            &format!(
                "{TABLE}[[tables.t.indexes]]\nname = \"t_x\"\ncolumns = [{{ expr = \"lower(a)\" }}, {{ column = \"b\", desc = true, nulls = \"last\", opclass = \"text_pattern_ops\", collation = \"C\" }}, \"id\"]\ninclude = [\"b\"]\n\
                 [[tables.t.indexes]]\ncolumns = [\"a\"]\nconstraint = true\ndeferrable = \"initially deferred\"\nnulls_not_distinct = true\n\
                 [[tables.t.indexes]]\ncolumns = [{{ column = \"id\", nulls = \"last\" }}]\n"
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let t = &s.tables[0];
        let x = &t.indexes[0];
        assert_eq!(x.columns, ["lower(a)", "b", "id"]);
        assert!(x.key(0).expression);
        assert_eq!(
            x.key(1),
            IndexKey {
                expression: false,
                desc: true,
                nulls_first: false,
                opclass: Some("text_pattern_ops".into()),
                collation: Some("C".into()),
            }
        );
        assert!(x.key(2).is_plain());
        assert_eq!(x.include, ["b"]);
        assert!(!x.is_key(), "an expression index is no foreign-key target");
        let c = &t.indexes[1];
        assert_eq!(c.name, "t_a_key");
        assert!(c.unique && c.constraint && c.nulls_not_distinct);
        assert_eq!(c.deferrable, Deferrable::InitiallyDeferred);
        // `nulls = "last"` ascending is the default: the key is plain, and `keys` empty.
        assert!(t.indexes[2].keys.is_empty());
        // What is read prints back as itself.
        let printed = crate::schema::print::to_toml(&s);
        assert_eq!(load_str("p.toml", &printed).ok(), Some(s), "{printed}");
    }

    #[test]
    fn options_that_do_not_go_together_are_refused() {
        for (indexes, code) in [
            (
                "[[tables.t.indexes]]\ncolumns = [{ expr = \"lower(a)\" }]\n",
                "unnamed-expression-index",
            ),
            (
                "[[tables.t.indexes]]\ncolumns = [\"a\"]\nnulls_not_distinct = true\n",
                "nulls-not-distinct-not-unique",
            ),
            (
                "[[tables.t.indexes]]\ncolumns = [\"a\"]\nunique = true\ndeferrable = \"initially deferred\"\n",
                "deferrable-index",
            ),
            (
                "[[tables.t.indexes]]\ncolumns = [\"a\"]\nconstraint = true\nunique = false\n",
                "constraint-not-unique",
            ),
            (
                "[[tables.t.indexes]]\ncolumns = [{ column = \"a\", desc = true }]\nconstraint = true\n",
                "constraint-index-options",
            ),
            (
                "[[tables.t.indexes]]\nname = \"t_x\"\ncolumns = [{ expr = \"lower(nope)\" }]\n",
                "unknown-column",
            ),
            (
                "[[tables.t.indexes]]\ncolumns = [\"a\"]\ninclude = [\"nope\"]\n",
                "unknown-column",
            ),
            (
                "[[tables.t.indexes]]\ncolumns = [{ column = \"a\", nulls = \"middle\" }]\n",
                "bad-nulls",
            ),
            (
                "[[tables.t.indexes]]\ncolumns = [\"a\"]\nconstraint = true\ndeferrable = \"later\"\n",
                "bad-deferrable",
            ),
            (
                "[[tables.t.indexes]]\ncolumns = [{ column = \"a\", expr = \"lower(a)\" }]\n",
                "index-key-twice",
            ),
        ] {
            let got = codes(indexes);
            assert!(
                got.iter().any(|c| c == code),
                "{indexes}: expected {code}, got {got:?}"
            );
        }
    }
}
