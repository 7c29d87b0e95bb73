//! `needs-no-transaction`: a statement PostgreSQL (or SQLite) refuses to run inside a transaction,
//! in a migration the runner wraps in one.
//!
//! `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY`,
//! `DETACH PARTITION ... CONCURRENTLY`, `VACUUM`, `CREATE`/`DROP DATABASE`, `ALTER SYSTEM`,
//! `CREATE`/`DROP TABLESPACE` — in a transactional migration, or after an explicit `BEGIN` in a
//! `-- migrate:no-transaction` one. (squawk's `ban-concurrent-index-creation-in-transaction`
//! skips a migration of one statement, which tools that run such a file outside a transaction
//! need; `migrate`'s runner wraps every file without the directive in a transaction.)

use squawk_syntax::SyntaxKind;
use squawk_syntax::ast::{self, AstNode};

use super::{Ctx, Raw, token};

pub(super) const ID: &str = "needs-no-transaction";

/// What the statement is, when it cannot run in a transaction.
pub(super) fn refuses_transaction(stmt: &ast::Stmt) -> Option<&'static str> {
    let concurrently = || token(stmt.syntax(), SyntaxKind::CONCURRENTLY_KW).is_some();
    match stmt {
        ast::Stmt::CreateIndex(i) if i.concurrently_token().is_some() => {
            Some("CREATE INDEX CONCURRENTLY")
        }
        ast::Stmt::DropIndex(d) if d.concurrently_token().is_some() => {
            Some("DROP INDEX CONCURRENTLY")
        }
        ast::Stmt::Reindex(_) if concurrently() => Some("REINDEX ... CONCURRENTLY"),
        ast::Stmt::AlterTable(t)
            if t.actions()
                .any(|a| matches!(a, ast::AlterTableAction::DetachPartition(_)))
                && concurrently() =>
        {
            Some("DETACH PARTITION ... CONCURRENTLY")
        }
        ast::Stmt::Vacuum(_) => Some("VACUUM"),
        ast::Stmt::CreateDatabase(_) => Some("CREATE DATABASE"),
        ast::Stmt::DropDatabase(_) => Some("DROP DATABASE"),
        ast::Stmt::AlterSystem(_) => Some("ALTER SYSTEM"),
        ast::Stmt::CreateTablespace(_) => Some("CREATE TABLESPACE"),
        ast::Stmt::DropTablespace(_) => Some("DROP TABLESPACE"),
        _ => None,
    }
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Raw>) {
    let mut in_transaction = !ctx.no_transaction;
    for stmt in ctx.stmts {
        match stmt {
            // In a transactional migration BEGIN and COMMIT are transaction-nesting's findings;
            // the runner's transaction goes on around them.
            ast::Stmt::Begin(_) if ctx.no_transaction => in_transaction = true,
            ast::Stmt::Commit(_) | ast::Stmt::Rollback(_) if ctx.no_transaction => {
                in_transaction = false
            }
            _ => {}
        }
        if !in_transaction {
            continue;
        }
        if let Some(what) = refuses_transaction(stmt) {
            let message = if ctx.no_transaction {
                format!(
                    "{what} cannot run inside a transaction, and this statement follows a BEGIN"
                )
            } else {
                format!("{what} cannot run inside a transaction, and this migration runs in one")
            };
            out.push(Raw::at(ID, stmt.syntax(), message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use crate::config::Dialect::{Postgres, Sqlite};

    #[test]
    fn flags_statements_that_refuse_a_transaction() {
        let sql =
            "DROP INDEX CONCURRENTLY pets_name_idx;\nVACUUM pets;\nREINDEX INDEX CONCURRENTLY i;\n";
        assert_eq!(
            run(super::ID, sql, Postgres),
            [
                "DROP INDEX CONCURRENTLY pets_name_idx;",
                "VACUUM pets;",
                "REINDEX INDEX CONCURRENTLY i;"
            ]
        );
        // One statement alone is wrapped in a transaction too.
        let one = "CREATE INDEX CONCURRENTLY i ON t (a);";
        assert_eq!(run(super::ID, one, Postgres), [one]);
        // After an explicit BEGIN in a no-transaction migration.
        let begun =
            "-- migrate:no-transaction\nBEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\n";
        assert_eq!(
            run(super::ID, begun, Postgres),
            ["CREATE INDEX CONCURRENTLY i ON t (a);"]
        );
        assert_eq!(run(super::ID, "VACUUM;", Sqlite), ["VACUUM;"]);
    }

    #[test]
    fn passes_in_a_no_transaction_file_and_for_plain_statements() {
        let sql =
            "-- migrate:no-transaction\nDROP INDEX CONCURRENTLY pets_name_idx;\nVACUUM pets;\n";
        assert!(run(super::ID, sql, Postgres).is_empty());
        assert!(
            run(
                super::ID,
                "DROP INDEX pets_name_idx;\nREINDEX INDEX i;\n",
                Postgres
            )
            .is_empty()
        );
    }
}
