//! `migrate`'s own lint rules, one file per rule; each has a failing and a passing twin in its
//! tests. The rules `squawk-linter` provides are not re-implemented here.

mod copy_from_stdin;
mod data_change_without_where;
mod destructive_statement;
mod needs_no_transaction;
mod no_transaction_unneeded;
mod sqlite_alter_unsupported;
mod sqlite_drop_column;

use squawk_syntax::ast::{self, AstNode};
use squawk_syntax::{SyntaxKind, SyntaxNode, SyntaxToken};

use crate::config::Dialect;

/// What a rule sees: the file's statements and what the migration directory says about it.
pub(super) struct Ctx<'a> {
    pub stmts: &'a [ast::Stmt],
    pub dialect: Dialect,
    /// The file starts with `-- migrate:no-transaction`.
    pub no_transaction: bool,
}

/// A finding before levels and suppressions: byte span in the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Raw {
    pub rule: &'static str,
    pub message: String,
    pub span: std::ops::Range<usize>,
}

impl Raw {
    fn at(rule: &'static str, node: &SyntaxNode, message: impl Into<String>) -> Raw {
        Raw {
            rule,
            message: message.into(),
            span: code_range(node),
        }
    }
}

type Check = fn(&Ctx<'_>, &mut Vec<Raw>);

/// Every own rule: its id and its check.
const CHECKS: &[(&str, Check)] = &[
    (needs_no_transaction::ID, needs_no_transaction::check),
    (no_transaction_unneeded::ID, no_transaction_unneeded::check),
    (destructive_statement::ID, destructive_statement::check),
    (
        data_change_without_where::ID,
        data_change_without_where::check,
    ),
    (copy_from_stdin::ID, copy_from_stdin::check),
    (
        sqlite_alter_unsupported::ID,
        sqlite_alter_unsupported::check,
    ),
    (sqlite_drop_column::ID, sqlite_drop_column::check),
];

/// Runs the own rules `enabled` says yes to.
pub(super) fn check(ctx: &Ctx<'_>, enabled: impl Fn(&str) -> bool) -> Vec<Raw> {
    let mut out = Vec::new();
    for (id, check) in CHECKS {
        if enabled(id) {
            check(ctx, &mut out);
        }
    }
    out
}

/// The ids of the own rules that have a check here.
#[cfg(test)]
pub(super) fn ids() -> impl Iterator<Item = &'static str> {
    CHECKS.iter().map(|(id, _)| *id)
}

/// A node's range without its leading comments and whitespace, as bytes.
pub(super) fn code_range(node: &SyntaxNode) -> std::ops::Range<usize> {
    let range = node.text_range();
    let start = node
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| !t.kind().is_trivia())
        .map_or(range.start(), |t| t.text_range().start());
    usize::from(start)..usize::from(range.end())
}

/// The first token of `kind` in `node` (outside nested statements' bodies it does not matter here).
pub(super) fn token(node: &SyntaxNode, kind: SyntaxKind) -> Option<SyntaxToken> {
    node.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| t.kind() == kind)
}

/// The unquoted, lower-cased name a path ends with (`public."Pets"` → `Pets`, `Pets` → `pets`).
pub(super) fn last_name(node: &SyntaxNode) -> Option<String> {
    let path = node
        .descendants()
        .find(|n| matches!(n.kind(), SyntaxKind::PATH | SyntaxKind::PATH_REF))?;
    let segment = path
        .children()
        .filter(|n| {
            matches!(
                n.kind(),
                SyntaxKind::PATH_SEGMENT | SyntaxKind::PATH_SEGMENT_REF
            )
        })
        .last()?;
    Some(normalize_name(&segment.text().to_string()))
}

fn normalize_name(text: &str) -> String {
    let text = text.trim();
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => text.to_lowercase(),
    }
}

/// The names of the tables created by the statements before `index`.
pub(super) fn created_before(stmts: &[ast::Stmt], index: usize) -> Vec<String> {
    stmts[..index]
        .iter()
        .filter_map(|s| match s {
            ast::Stmt::CreateTable(t) => t.table_name().and_then(|n| last_name(n.syntax())),
            ast::Stmt::CreateTableAs(t) => t.table_name().and_then(|n| last_name(n.syntax())),
            _ => None,
        })
        .collect()
}

/// The statements of table rebuilds: `DROP TABLE t` followed by `ALTER TABLE new_t RENAME TO t`
/// (what `migrate generate` writes for SQLite changes its `ALTER TABLE` cannot make, and the
/// usual hand-written swap). The table lives on under its name, so neither statement is the
/// drop or the rename `ban-drop-table` and `renaming-table` are about.
pub(super) fn rebuild_statements(stmts: &[ast::Stmt]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, stmt) in stmts.iter().enumerate() {
        let ast::Stmt::DropTable(drop) = stmt else {
            continue;
        };
        let dropped: Vec<String> = drop
            .table_name_refs()
            .filter_map(|t| last_name(t.syntax()))
            .collect();
        let swap = stmts.iter().enumerate().skip(i + 1).find(|(_, s)| {
            let ast::Stmt::AlterTable(alter) = s else {
                return false;
            };
            alter.actions().any(|a| match a {
                ast::AlterTableAction::TableRenameTo(r) => r
                    .table_name()
                    .and_then(|n| last_name(n.syntax()))
                    .is_some_and(|n| dropped.contains(&n)),
                _ => false,
            })
        });
        if let Some((j, _)) = swap {
            out.extend([i, j]);
        }
    }
    out
}

/// The `DROP TYPE` statements of type rebuilds: `ALTER TYPE t RENAME TO t_old`, then `CREATE
/// TYPE t`, then `DROP TYPE t_old` (what `migrate generate` writes to remove or reorder the labels
/// of an enum, converting each column in between). The type lives on under its name, so the drop
/// is not the loss `destructive-statement` is about.
pub(super) fn type_rebuild_statements(stmts: &[ast::Stmt]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, stmt) in stmts.iter().enumerate() {
        let ast::Stmt::AlterType(alter) = stmt else {
            continue;
        };
        let Some(ast::AlterTypeAction::TypeRenameTo(rename)) = alter.action() else {
            continue;
        };
        let (Some(name), Some(aside)) = (
            alter.type_name_ref().and_then(|n| last_name(n.syntax())),
            rename
                .type_name()
                .map(|n| normalize_name(&n.syntax().text().to_string())),
        ) else {
            continue;
        };
        let Some(created) = stmts.iter().skip(i + 1).position(|s| {
            matches!(s, ast::Stmt::CreateType(c) if last_name(c.syntax()).as_ref() == Some(&name))
        }) else {
            continue;
        };
        let dropped = stmts
            .iter()
            .enumerate()
            .skip(i + 2 + created)
            .find(|(_, s)| {
                let ast::Stmt::DropType(drop) = s else {
                    return false;
                };
                let names: Vec<String> = drop
                    .type_name_refs()
                    .filter_map(|t| last_name(t.syntax()))
                    .collect();
                names == [aside.clone()]
            });
        if let Some((k, _)) = dropped {
            out.push(k);
        }
    }
    out
}

#[cfg(test)]
pub(super) mod test_support {
    use super::*;

    /// The own-rule findings of `sql` for `rule`, as `(rule, text of the span)`.
    pub(crate) fn run(rule: &str, sql: &str, dialect: Dialect) -> Vec<String> {
        let parse = squawk_syntax::SourceFile::parse(sql);
        let stmts: Vec<ast::Stmt> = parse.tree().stmts().collect();
        let no_transaction = crate::migration::directive::parse(sql).0.no_transaction;
        let ctx = Ctx {
            stmts: &stmts,
            dialect,
            no_transaction,
        };
        check(&ctx, |id| id == rule)
            .into_iter()
            .map(|r| sql[r.span].to_string())
            .collect()
    }
}
