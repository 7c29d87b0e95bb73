//! `data-change-without-where`: `UPDATE` or `DELETE` with no `WHERE` on a table that exists before
//! this migration: one statement locks and rewrites every row in one transaction. A table the same
//! migration creates is empty, so filling it is fine.

use squawk_syntax::ast::{self, AstNode};

use super::{Ctx, Raw, created_before, last_name};

pub(super) const ID: &str = "data-change-without-where";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Raw>) {
    for (i, stmt) in ctx.stmts.iter().enumerate() {
        let (verb, table) = match stmt {
            ast::Stmt::Update(u) if u.where_clause_or_current_of().is_none() => (
                "UPDATE",
                u.relation_name().and_then(|r| last_name(r.syntax())),
            ),
            ast::Stmt::Delete(d) if d.where_clause_or_current_of().is_none() => (
                "DELETE",
                d.relation_name().and_then(|r| last_name(r.syntax())),
            ),
            _ => continue,
        };
        let Some(table) = table else { continue };
        if created_before(ctx.stmts, i).contains(&table) {
            continue;
        }
        out.push(Raw::at(
            ID,
            stmt.syntax(),
            format!("{verb} without WHERE changes every row of `{table}` in one transaction"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use crate::config::Dialect::{Postgres, Sqlite};

    #[test]
    fn flags_whole_table_changes_of_existing_tables() {
        let sql = "UPDATE pets SET name = upper(name);\nDELETE FROM public.cats;\n";
        assert_eq!(
            run(super::ID, sql, Postgres),
            [
                "UPDATE pets SET name = upper(name);",
                "DELETE FROM public.cats;"
            ]
        );
        assert_eq!(
            run(super::ID, "DELETE FROM cats;", Sqlite),
            ["DELETE FROM cats;"]
        );
    }

    #[test]
    fn passes_with_where_or_on_a_table_created_here() {
        let sql = "UPDATE pets SET name = 'x' WHERE id = 1;\nDELETE FROM cats WHERE false;\n\
                   CREATE TABLE dogs (id bigint, name text);\nUPDATE dogs SET name = 'rex';\n";
        assert!(run(super::ID, sql, Postgres).is_empty());
    }
}
