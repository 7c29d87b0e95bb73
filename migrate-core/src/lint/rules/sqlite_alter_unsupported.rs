//! `sqlite-alter-unsupported`: `ALTER TABLE` forms SQLite does not have. SQLite's `ALTER TABLE`
//! does one of `RENAME TO`, `RENAME COLUMN`, `ADD COLUMN` or `DROP COLUMN` per statement, and an
//! added column may not be a PRIMARY KEY or UNIQUE, may not be NOT NULL without a non-NULL
//! default, and may only default to a constant. Anything else needs a table rebuild.

use squawk_syntax::ast::{self, AstNode};

use super::{Ctx, Raw};
use crate::dialect::Capability;

pub(super) const ID: &str = "sqlite-alter-unsupported";

/// Why SQLite refuses this action, if it does.
fn refusal(action: &ast::AlterTableAction) -> Option<String> {
    match action {
        ast::AlterTableAction::RenameColumn(_)
        | ast::AlterTableAction::TableRenameTo(_)
        | ast::AlterTableAction::DropColumn(_) => None,
        ast::AlterTableAction::AddColumn(add) => add_column_refusal(add),
        other => {
            let text = other.syntax().text().to_string();
            let words: Vec<&str> = text.split_whitespace().take(2).collect();
            Some(format!(
                "SQLite's ALTER TABLE has no `{}`",
                words.join(" ").to_uppercase()
            ))
        }
    }
}

fn add_column_refusal(add: &ast::AddColumn) -> Option<String> {
    let mut not_null = false;
    let mut default: Option<ast::Expr> = None;
    for c in add.constraints() {
        match c {
            ast::Constraint::PrimaryKeyConstraint(_) => {
                return Some("SQLite cannot add a PRIMARY KEY column".into());
            }
            ast::Constraint::UniqueConstraint(_) => {
                return Some("SQLite cannot add a UNIQUE column".into());
            }
            ast::Constraint::NotNullConstraint(_) => not_null = true,
            ast::Constraint::DefaultConstraint(d) => default = d.expr(),
            _ => {}
        }
    }
    match &default {
        Some(expr) if !is_constant(expr) => {
            Some("SQLite cannot add a column whose default is not a constant".into())
        }
        Some(expr) if not_null && is_null(expr) => {
            Some("SQLite cannot add a NOT NULL column whose default is NULL".into())
        }
        None if not_null => Some("SQLite cannot add a NOT NULL column without a default".into()),
        _ => None,
    }
}

fn is_constant(expr: &ast::Expr) -> bool {
    match expr {
        ast::Expr::Literal(_) => {
            let text = expr.syntax().text().to_string().to_ascii_uppercase();
            // CURRENT_TIME, CURRENT_DATE and CURRENT_TIMESTAMP are literals in the grammar.
            !text.starts_with("CURRENT_")
        }
        ast::Expr::PrefixExpr(p) => p.expr().is_some_and(|e| matches!(e, ast::Expr::Literal(_))),
        _ => false,
    }
}

fn is_null(expr: &ast::Expr) -> bool {
    expr.syntax()
        .text()
        .to_string()
        .trim()
        .eq_ignore_ascii_case("null")
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Raw>) {
    if !ctx.dialect.ops().has(Capability::LimitedAlterTable) {
        return;
    }
    for stmt in ctx.stmts {
        let ast::Stmt::AlterTable(alter) = stmt else {
            continue;
        };
        let actions: Vec<ast::AlterTableAction> = alter.actions().collect();
        if actions.len() > 1 {
            out.push(Raw::at(
                ID,
                alter.syntax(),
                "SQLite's ALTER TABLE makes one change per statement",
            ));
            continue;
        }
        for action in &actions {
            if let Some(why) = refusal(action) {
                out.push(Raw::at(ID, action.syntax(), why));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use crate::config::Dialect::{Postgres, Sqlite};

    #[test]
    fn flags_what_sqlite_cannot_alter() {
        let sql = "ALTER TABLE pets ALTER COLUMN name TYPE text;\n\
                   ALTER TABLE pets ADD CONSTRAINT c CHECK (id > 0);\n\
                   ALTER TABLE pets ADD COLUMN a text NOT NULL;\n\
                   ALTER TABLE pets ADD COLUMN b text DEFAULT CURRENT_TIMESTAMP;\n\
                   ALTER TABLE pets ADD COLUMN c integer UNIQUE;\n\
                   ALTER TABLE pets ADD COLUMN d text, ADD COLUMN e text;\n";
        let found = run(super::ID, sql, Sqlite);
        assert_eq!(
            found,
            [
                "ALTER COLUMN name TYPE text",
                "ADD CONSTRAINT c CHECK (id > 0)",
                "ADD COLUMN a text NOT NULL",
                "ADD COLUMN b text DEFAULT CURRENT_TIMESTAMP",
                "ADD COLUMN c integer UNIQUE",
                "ALTER TABLE pets ADD COLUMN d text, ADD COLUMN e text;",
            ]
        );
        assert!(run(super::ID, sql, Postgres).is_empty(), "SQLite only");
    }

    #[test]
    fn passes_what_sqlite_can_alter() {
        let sql = "ALTER TABLE pets ADD COLUMN a text NOT NULL DEFAULT '';\n\
                   ALTER TABLE pets ADD COLUMN b integer DEFAULT -1;\n\
                   ALTER TABLE pets RENAME COLUMN a TO aa;\n\
                   ALTER TABLE pets RENAME TO animals;\n\
                   ALTER TABLE animals DROP COLUMN b;\n";
        assert!(run(super::ID, sql, Sqlite).is_empty());
    }
}
