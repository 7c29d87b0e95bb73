//! The body of a batch file (`-- migrate:batch`, see [`super::directive::BatchSpec`]): exactly one
//! `UPDATE` or `DELETE` statement holding the placeholder `:batch` once, outside strings and
//! comments, which the backfill engine replaces with each batch's keyset range.

use std::ops::Range;

use super::content::{ContentKind, ContentProblem, statement_line};
use super::directive;
use crate::config::Dialect;
use crate::sql::lex::{Token, TokenKind, lex};
use crate::sql::split::split;

/// The placeholder a batch file's statement holds.
pub const PLACEHOLDER: &str = ":batch";

/// The byte ranges of `:batch` in `sql`, outside strings and comments: a `:name` parameter on
/// SQLite, a `:` followed by the word `batch` on PostgreSQL (whose lexer leaves psql's variables
/// to psql). `::batch` (a cast) and `:batchsize` are not it.
pub(crate) fn placeholders(sql: &str, dialect: Dialect) -> Vec<Range<usize>> {
    let tokens: Vec<Token> = lex(sql, dialect).collect();
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let text = t.text(sql);
        match t.kind {
            TokenKind::Param if text.eq_ignore_ascii_case(PLACEHOLDER) => out.push(t.span()),
            TokenKind::Punct if text == ":" => {
                if let Some(next) = tokens.get(i + 1)
                    && next.start == t.end
                    && next.is_word(sql, "batch")
                {
                    out.push(t.start..next.end);
                }
            }
            _ => {}
        }
    }
    out
}

/// A batch file's text with each `:batch` read as `(true)` (the same length), for tools that
/// parse it as plain SQL (the linter); any other text as it is.
#[cfg(feature = "lint")]
pub(crate) fn filled(sql: &str, dialect: Dialect) -> std::borrow::Cow<'_, str> {
    if directive::parse(sql).0.batch.is_none() {
        return std::borrow::Cow::Borrowed(sql);
    }
    let mut out = sql.to_string();
    for r in placeholders(sql, dialect) {
        out.replace_range(r, "(true)");
    }
    std::borrow::Cow::Owned(out)
}

/// What is wrong with a batch file's body on `dialect` (nothing for a file without
/// `-- migrate:batch`, unless it holds `:batch`, which only a batch file fills in).
pub(crate) fn check(content: &str, dialect: Dialect) -> Vec<ContentProblem> {
    let (directives, _) = directive::parse(content);
    let problem = |line: usize, message: String, help: String| ContentProblem {
        line: Some(line),
        kind: ContentKind::Batch { message, help },
    };
    let example = "UPDATE \"pets\" SET \"name_norm\" = lower(\"name\") WHERE \"name_norm\" IS NULL AND :batch;";
    let Some(spec) = directives.batch else {
        return match placeholders(content, dialect).first() {
            Some(at) => vec![problem(
                line_of(content, at.start),
                "`:batch` is filled in only in a batch file, and this file has no `-- migrate:batch` directive"
                    .into(),
                "make `-- migrate:batch table=<table>` the first line, or remove `:batch`".into(),
            )],
            None => Vec::new(),
        };
    };
    let Ok(statements) = split(content, dialect) else {
        // The statement is never closed: the database says where when it runs.
        return Vec::new();
    };
    let statements: Vec<_> = statements
        .iter()
        .filter(|st| lex(&st.sql, dialect).any(|t| !t.is_trivia() && t.text(&st.sql) != ";"))
        .collect();
    let Some(first) = statements.first() else {
        return vec![problem(
            spec.line,
            "this batch file holds no statement".into(),
            format!("write the one UPDATE or DELETE it runs per batch, e.g. `{example}`"),
        )];
    };
    let mut out = Vec::new();
    if let Some(second) = statements.get(1) {
        out.push(problem(
            statement_line(second, dialect),
            format!(
                "a batch file holds exactly one UPDATE or DELETE statement (it runs once per batch), and this \
                 one holds {}",
                statements.len()
            ),
            "move the other statements into a migration of their own, before or after this one (`migrate new NAME`)"
                .into(),
        ));
    }
    let line = statement_line(first, dialect);
    let word = lex(&first.sql, dialect)
        .find(|t| !t.is_trivia())
        .map(|t| t.text(&first.sql).to_ascii_uppercase())
        .unwrap_or_default();
    if word != "UPDATE" && word != "DELETE" {
        out.push(problem(
            line,
            format!("a batch file runs an UPDATE or DELETE per batch, and its statement is `{word} …`"),
            format!(
                "write the data change as one UPDATE or DELETE with `:batch` in its WHERE clause, e.g. `{example}`; \
                 other statements belong in a migration without `-- migrate:batch`"
            ),
        ));
    }
    let found = placeholders(&first.sql, dialect);
    match found.len() {
        0 => out.push(problem(
            line,
            "the batch file's statement has no `:batch` (outside strings and comments): each batch would \
             change the whole table"
                .into(),
            format!("add `AND :batch` to its WHERE clause, e.g. `{example}`"),
        )),
        1 => {}
        n => out.push(problem(
            first.line + first.sql[..found[1].start].matches('\n').count(),
            format!("`:batch` appears {n} times in the batch file's statement"),
            "write it once, as one condition of the WHERE clause (`… AND :batch`)".into(),
        )),
    }
    out
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(sql: &str, dialect: Dialect) -> Vec<(usize, String)> {
        check(sql, dialect)
            .into_iter()
            .map(|p| (p.line.unwrap_or(0), format!("{} / {}", p, p.fix())))
            .collect()
    }

    #[test]
    fn finds_the_placeholder_outside_strings_and_comments() {
        for d in Dialect::ALL {
            let sql = "UPDATE t SET a = ':batch' -- :batch\n WHERE b::text = 'x' AND :batch /* :batch */;";
            let found = placeholders(sql, *d);
            assert_eq!(found.len(), 1, "{d:?}");
            assert_eq!(&sql[found[0].clone()], ":batch");
            assert!(placeholders("WHERE :batchsize", *d).is_empty(), "{d:?}");
        }
    }

    #[test]
    fn a_good_batch_file_passes() {
        for d in Dialect::ALL {
            let sql = "-- migrate:batch table=pets\n-- Fill name_norm.\nUPDATE \"pets\" SET \"name_norm\" = lower(\"name\")\n  WHERE \"name_norm\" IS NULL AND :batch;\n";
            assert_eq!(problems(sql, *d), [], "{d:?}");
            let sql =
                "-- migrate:batch table=pets key=id\nDELETE FROM pets WHERE gone AND :batch\n";
            assert_eq!(problems(sql, *d), [], "{d:?}");
        }
    }

    #[test]
    fn bad_bodies_say_where_and_how() {
        for d in Dialect::ALL {
            for (sql, line, needle) in [
                (
                    "-- migrate:batch table=t\nUPDATE t SET a = 1 WHERE :batch;\nUPDATE t SET b = 1 WHERE :batch;\n",
                    3,
                    "exactly one UPDATE or DELETE",
                ),
                (
                    "-- migrate:batch table=t\nINSERT INTO t SELECT 1 WHERE :batch;\n",
                    2,
                    "its statement is `INSERT …`",
                ),
                (
                    "-- migrate:batch table=t\nUPDATE t SET a = ':batch' -- :batch\n;\n",
                    2,
                    "add `AND :batch`",
                ),
                (
                    "-- migrate:batch table=t\nUPDATE t SET a = 1\nWHERE :batch\nAND :batch;\n",
                    4,
                    "appears 2 times",
                ),
                (
                    "-- migrate:batch table=t\n-- nothing\n",
                    1,
                    "holds no statement",
                ),
                (
                    "-- plain\nUPDATE t SET a = 1 WHERE :batch;\n",
                    2,
                    "no `-- migrate:batch` directive",
                ),
            ] {
                let found = problems(sql, *d);
                assert_eq!(found.len(), 1, "{d:?} {sql}: {found:?}");
                assert_eq!(found[0].0, line, "{d:?} {sql}: {found:?}");
                assert!(found[0].1.contains(needle), "{d:?} {sql}: {found:?}");
            }
        }
    }
}
