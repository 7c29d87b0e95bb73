//! `copy-from-stdin`: `COPY ... FROM STDIN` needs a client that streams the rows (psql does, with
//! the data after the statement); the runner sends statements only, so the migration fails.

use squawk_syntax::SyntaxKind;
use squawk_syntax::ast::{self, AstNode};

use super::{Ctx, Raw, token};

pub(super) const ID: &str = "copy-from-stdin";

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Vec<Raw>) {
    for stmt in ctx.stmts {
        if let ast::Stmt::Copy(copy) = stmt
            && token(copy.syntax(), SyntaxKind::FROM_KW).is_some()
            && token(copy.syntax(), SyntaxKind::STDIN_KW).is_some()
        {
            out.push(Raw::at(
                ID,
                copy.syntax(),
                "COPY FROM STDIN needs a client that streams rows; the migration runner sends none",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::run;
    use crate::config::Dialect::Postgres;

    #[test]
    fn flags_copy_from_stdin() {
        assert_eq!(
            run(super::ID, "COPY pets (id, name) FROM stdin;\n", Postgres),
            ["COPY pets (id, name) FROM stdin;"]
        );
    }

    #[test]
    fn passes_copy_to_stdout() {
        assert!(run(super::ID, "COPY pets TO stdout;\n", Postgres).is_empty());
    }
}
