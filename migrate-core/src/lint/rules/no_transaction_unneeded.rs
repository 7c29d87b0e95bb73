//! `no-transaction-unneeded`: `-- migrate:no-transaction` on a migration that has no statement
//! that needs it. Without a transaction, a failure part-way leaves the first statements applied.
//!
//! Statements that need it, or are why a migration may run outside one on purpose: those of
//! `needs-no-transaction`, `ALTER TYPE ... ADD VALUE` (no transaction
//! may use a new label before it commits), `VALIDATE CONSTRAINT` (each validation commits on its
//! own, holding no lock for the others), `UPDATE`/`DELETE` and `CALL` (batches that commit one by
//! one).

use squawk_syntax::ast::{self, AstNode};

use super::needs_no_transaction::refuses_transaction;
use super::{Ctx, Raw};

pub(super) const ID: &str = "no-transaction-unneeded";

fn wants_no_transaction(stmt: &ast::Stmt) -> bool {
    refuses_transaction(stmt).is_some()
        || match stmt {
            ast::Stmt::AlterType(t) => {
                matches!(t.action(), Some(ast::AlterTypeAction::AddValue(_)))
            }
            ast::Stmt::AlterTable(t) => t
                .actions()
                .any(|a| matches!(a, ast::AlterTableAction::ValidateConstraint(_))),
            ast::Stmt::Update(_) | ast::Stmt::Delete(_) | ast::Stmt::Call(_) => true,
            _ => false,
        }
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Raw>) {
    if !ctx.no_transaction || ctx.stmts.is_empty() || ctx.stmts.iter().any(wants_no_transaction) {
        return;
    }
    let first = &ctx.stmts[0];
    out.push(Raw::at(
        ID,
        first.syntax(),
        "this migration runs outside a transaction (`-- migrate:no-transaction`), but none of its \
         statements needs that",
    ));
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use crate::config::Dialect::Postgres;

    #[test]
    fn flags_a_no_transaction_file_that_does_not_need_it() {
        let sql = "-- migrate:no-transaction\nCREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN a text;\n";
        assert_eq!(
            run(super::ID, sql, Postgres),
            ["CREATE TABLE t (id bigint);"]
        );
    }

    #[test]
    fn passes_when_a_statement_needs_it_or_the_file_is_transactional() {
        for sql in [
            "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n",
            "-- migrate:no-transaction\nALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';\n",
            "-- migrate:no-transaction\nALTER TABLE t VALIDATE CONSTRAINT c;\n",
            "CREATE TABLE t (id bigint);\n",
        ] {
            assert!(run(super::ID, sql, Postgres).is_empty(), "{sql}");
        }
    }
}
