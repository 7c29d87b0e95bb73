//! `sqlite-drop-column`: SQLite's `ALTER TABLE ... DROP COLUMN` (3.35+) fails when the column is
//! a key, UNIQUE, indexed, part of a foreign key, or used by a view, trigger, CHECK or generated
//! column; what the statement alone does not show, so it is a warning.

use squawk_syntax::ast::{self, AstNode};

use super::{Ctx, Raw};
use crate::dialect::Capability;

pub(super) const ID: &str = "sqlite-drop-column";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Raw>) {
    if !ctx.dialect.ops().has(Capability::RestrictedDropColumn) {
        return;
    }
    for stmt in ctx.stmts {
        let ast::Stmt::AlterTable(alter) = stmt else {
            continue;
        };
        for action in alter.actions() {
            if let ast::AlterTableAction::DropColumn(drop) = action {
                out.push(Raw::at(
                    ID,
                    drop.syntax(),
                    "SQLite refuses DROP COLUMN when the column is a key, UNIQUE, indexed, referenced, \
                     or used by a view, trigger, CHECK or generated column",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use crate::config::Dialect::{Postgres, Sqlite};

    #[test]
    fn flags_drop_column_on_sqlite() {
        assert_eq!(
            run(super::ID, "ALTER TABLE pets DROP COLUMN bio;", Sqlite),
            ["DROP COLUMN bio"]
        );
    }

    #[test]
    fn passes_other_alters_and_postgres() {
        assert!(run(super::ID, "ALTER TABLE pets RENAME COLUMN a TO b;", Sqlite).is_empty());
        assert!(run(super::ID, "ALTER TABLE pets DROP COLUMN bio;", Postgres).is_empty());
    }
}
