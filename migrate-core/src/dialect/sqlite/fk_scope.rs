//! Which tables' foreign keys a SQLite migration can break.
//!
//! The runner applies a SQLite migration with `PRAGMA foreign_keys = OFF` (a table rebuild would
//! otherwise cascade or fail half-way) and checks the foreign keys before it commits. Checking the
//! whole database after every file makes applying `n` files cost `n` times the database: instead
//! the runner checks the tables a file can have broken, read from its statements:
//!
//! - a table a statement creates, alters, inserts into or updates: its own foreign keys (its rows
//!   may point nowhere);
//! - a table a statement deletes from, updates, replaces rows of, drops, alters or renames (or a
//!   rebuild's `DROP TABLE` and `ALTER TABLE … RENAME`): the foreign keys of every table that
//!   references it (their rows may have lost what they point at).
//!
//! Anything this cannot vouch for checks the whole database, as before: a statement of another
//! kind (`WITH … DELETE`, `PRAGMA`, `DROP INDEX`, which can take a parent's key away), a name in
//! another schema (`temp.t`, an attached database), a file that does not split, and a file that
//! writes rows while the database has a trigger (which may write to any table).

use std::collections::BTreeSet;

use crate::config::Dialect;
use crate::sql::lex::{Token, TokenKind, lex};
use crate::sql::split::split;

/// What a migration's foreign keys check must cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FkScope {
    /// The whole database: `PRAGMA foreign_key_check`.
    Everything,
    /// The foreign keys of `own`, and of every table that references one of `referenced`. Names
    /// are lower-cased (SQLite compares them case-insensitively).
    Tables {
        own: BTreeSet<String>,
        referenced: BTreeSet<String>,
        /// Some statement inserts, updates or deletes rows (a trigger could then write anywhere).
        writes_rows: bool,
    },
}

/// The scope of the foreign keys check after `sql`, a SQLite migration, ran.
pub(crate) fn scope(sql: &str) -> FkScope {
    let Ok(statements) = split(sql, Dialect::Sqlite) else {
        return FkScope::Everything;
    };
    let mut own = BTreeSet::new();
    let mut referenced = BTreeSet::new();
    let mut writes_rows = false;
    for st in &statements {
        let text = st.sql.as_str();
        let toks: Vec<Token> = lex(text, Dialect::Sqlite)
            .filter(|t| !t.is_trivia())
            .collect();
        let s = Statement { text, toks: &toks };
        match s.effect() {
            Some(e) => {
                own.extend(e.own);
                referenced.extend(e.referenced);
                writes_rows |= e.writes_rows;
            }
            None => return FkScope::Everything,
        }
    }
    FkScope::Tables {
        own,
        referenced,
        writes_rows,
    }
}

#[derive(Default)]
struct Effect {
    own: Vec<String>,
    referenced: Vec<String>,
    writes_rows: bool,
}

struct Statement<'a> {
    text: &'a str,
    toks: &'a [Token],
}

impl Statement<'_> {
    fn word(&self, i: usize, w: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.is_word(self.text, w))
    }

    fn has_word(&self, w: &str) -> bool {
        self.toks.iter().any(|t| t.is_word(self.text, w))
    }

    /// `IF NOT EXISTS` / `IF EXISTS` at `i`: the index after it.
    fn skip_if(&self, i: usize) -> usize {
        if !self.word(i, "if") {
            i
        } else if self.word(i + 1, "not") {
            i + 3
        } else {
            i + 2
        }
    }

    /// The table named at `i` (`name`, `"name"`, `main.name`), lower-cased, and the index after
    /// it; `None` for another schema's table or no name.
    fn name(&self, i: usize) -> Option<(String, usize)> {
        let one = |i: usize| {
            let t = self.toks.get(i)?;
            let value = match t.kind {
                TokenKind::Word => t.text(self.text).into(),
                _ => t.unquoted(self.text)?,
            };
            Some(value.to_ascii_lowercase())
        };
        let first = one(i)?;
        let dot = self
            .toks
            .get(i + 1)
            .is_some_and(|t| t.kind == TokenKind::Punct && t.text(self.text) == ".");
        if !dot {
            return Some((first, i + 1));
        }
        if first != "main" {
            return None;
        }
        Some((one(i + 2)?, i + 3))
    }

    /// What the statement can change; `None`: anything.
    fn effect(&self) -> Option<Effect> {
        let mut e = Effect::default();
        let first = |w: &str| self.word(0, w);
        if first("create") {
            if self.word(1, "temp") || self.word(1, "temporary") {
                return None;
            }
            if self.word(1, "table") {
                let (name, _) = self.name(self.skip_if(2))?;
                e.own.push(name);
            } else if !["unique", "index", "view", "trigger", "virtual"]
                .iter()
                .any(|w| self.word(1, w))
            {
                return None;
            }
        } else if first("drop") {
            if self.word(1, "table") {
                let (name, _) = self.name(self.skip_if(2))?;
                e.referenced.push(name);
            } else if !(self.word(1, "view") || self.word(1, "trigger")) {
                return None;
            }
        } else if first("alter") {
            if !self.word(1, "table") {
                return None;
            }
            let (name, next) = self.name(2)?;
            e.own.push(name.clone());
            e.referenced.push(name);
            // `RENAME TO new`: the table and the references to it now go by the new name.
            if self.word(next, "rename") && self.word(next + 1, "to") {
                let (new, _) = self.name(next + 2)?;
                e.own.push(new.clone());
                e.referenced.push(new);
            }
        } else if first("insert") || first("replace") {
            let into = self
                .toks
                .iter()
                .position(|t| t.is_word(self.text, "into"))?;
            let (name, _) = self.name(into + 1)?;
            e.writes_rows = true;
            // `OR REPLACE`, `REPLACE INTO` and an upsert remove or change existing rows.
            if self.has_word("replace") || self.has_word("conflict") {
                e.referenced.push(name.clone());
            }
            e.own.push(name);
        } else if first("update") {
            let at = if self.word(1, "or") { 3 } else { 1 };
            let (name, _) = self.name(at)?;
            e.writes_rows = true;
            e.own.push(name.clone());
            e.referenced.push(name);
        } else if first("delete") {
            if !self.word(1, "from") {
                return None;
            }
            let (name, _) = self.name(2)?;
            e.writes_rows = true;
            e.referenced.push(name);
        } else if !["select", "values", "analyze", "reindex"]
            .iter()
            .any(|w| first(w))
        {
            return None;
        }
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(own: &[&str], referenced: &[&str], writes_rows: bool) -> FkScope {
        FkScope::Tables {
            own: own.iter().map(|s| s.to_string()).collect(),
            referenced: referenced.iter().map(|s| s.to_string()).collect(),
            writes_rows,
        }
    }

    #[test]
    fn created_and_changed_tables_are_read_from_the_statements() {
        let sql = "-- A comment.\nCREATE TABLE IF NOT EXISTS \"Pet\" (id integer primary key, \
                   owner integer REFERENCES owner (id));\nCREATE UNIQUE INDEX pet_name ON pet (name);\n\
                   CREATE VIEW v AS SELECT 1;\nSELECT 1;";
        assert_eq!(scope(sql), tables(&["pet"], &[], false));
        let rebuild = "CREATE TABLE new_pet (id integer primary key);\n\
                       INSERT INTO new_pet (id) SELECT id FROM pet;\nDROP TABLE pet;\n\
                       ALTER TABLE new_pet RENAME TO pet;";
        assert_eq!(
            scope(rebuild),
            tables(&["new_pet", "pet"], &["new_pet", "pet"], true)
        );
        assert_eq!(
            scope("DELETE FROM main.[Owner] WHERE id = 1; UPDATE OR IGNORE pet SET owner = 2"),
            tables(&["pet"], &["owner", "pet"], true)
        );
        assert_eq!(
            scope("INSERT OR REPLACE INTO owner VALUES (1); REPLACE INTO `pet` VALUES (2)"),
            tables(&["owner", "pet"], &["owner", "pet"], true)
        );
    }

    #[test]
    fn anything_else_checks_the_whole_database() {
        for sql in [
            "WITH x AS (SELECT 1) DELETE FROM pet",
            "PRAGMA writable_schema = ON",
            "DROP INDEX owner_key",
            "CREATE TEMP TABLE t (id int)",
            "INSERT INTO aux.pet VALUES (1)",
            "CREATE TABLE ok (id int); ATTACH 'x.db' AS aux",
            "CREATE TABLE 'unclosed",
        ] {
            assert_eq!(scope(sql), FkScope::Everything, "{sql}");
        }
    }
}
