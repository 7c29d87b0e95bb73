//! `destructive-statement`: statements that delete data or objects other code depends on, which
//! squawk's rules do not already cover (`ban-drop-table`, `ban-drop-column`, `ban-drop-database`,
//! `ban-truncate-cascade` do): `TRUNCATE`, and `DROP` of a schema, type, sequence, view,
//! materialized view, function, procedure, extension or domain. A hand-written migration keeps one
//! only with `-- migrate:allow destructive-statement: <why>`, the acknowledgement a reviewer reads.

use squawk_syntax::ast::{self, AstNode};

use super::{Ctx, Raw};

pub(super) const ID: &str = "destructive-statement";

fn destroys(stmt: &ast::Stmt) -> Option<&'static str> {
    Some(match stmt {
        ast::Stmt::Truncate(t)
            if t.drop_behavior()
                .is_none_or(|b| !matches!(b, ast::DropBehavior::Cascade(_))) =>
        {
            "TRUNCATE deletes every row of the table"
        }
        ast::Stmt::DropSchema(_) => {
            "DROP SCHEMA deletes the schema (and with CASCADE, everything in it)"
        }
        ast::Stmt::DropType(_) => "DROP TYPE deletes a type that columns and code may use",
        ast::Stmt::DropSequence(_) => {
            "DROP SEQUENCE deletes a sequence that defaults and code may use"
        }
        ast::Stmt::DropView(_) => "DROP VIEW deletes a view that running code may query",
        ast::Stmt::DropMaterializedView(_) => {
            "DROP MATERIALIZED VIEW deletes a view that running code may query"
        }
        ast::Stmt::DropFunction(_) => {
            "DROP FUNCTION deletes a function that code, triggers or defaults may call"
        }
        ast::Stmt::DropProcedure(_) => "DROP PROCEDURE deletes a procedure that code may call",
        ast::Stmt::DropExtension(_) => "DROP EXTENSION deletes the extension's types and functions",
        ast::Stmt::DropDomain(_) => "DROP DOMAIN deletes a type that columns may use",
        _ => return None,
    })
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Raw>) {
    for stmt in ctx.stmts {
        if let Some(what) = destroys(stmt) {
            out.push(Raw::at(ID, stmt.syntax(), what));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use crate::config::Dialect::Postgres;

    #[test]
    fn flags_destructive_statements() {
        let sql = "TRUNCATE pets;\nDROP TYPE mood;\nDROP VIEW v;\nDROP SCHEMA old;\n";
        assert_eq!(
            run(super::ID, sql, Postgres),
            [
                "TRUNCATE pets;",
                "DROP TYPE mood;",
                "DROP VIEW v;",
                "DROP SCHEMA old;"
            ]
        );
    }

    #[test]
    fn passes_creations_and_what_squawk_covers() {
        let sql = "CREATE TYPE mood AS ENUM ('ok');\nCREATE VIEW v AS SELECT 1;\nTRUNCATE pets CASCADE;\n";
        assert!(run(super::ID, sql, Postgres).is_empty());
    }
}
