//! Splitting a migration file into statements, exactly as the database's own client does.
//!
//! A splitter that cuts at every `;` breaks stored procedures. This one reads the file once with
//! the [SQL lexer](super::lex), so a `;` inside a string, a quoted identifier, a comment or a
//! dollar-quoted body is never a boundary, and then decides as the database's client does:
//!
//! - **PostgreSQL**, as psql (`psqlscan.l`): a `;` inside parentheses does not end a statement
//!   (`CREATE RULE … DO ALSO (a; b)`), nor one inside a `BEGIN … END` body of a statement that
//!   starts `CREATE [OR REPLACE] FUNCTION|PROCEDURE` (SQL-standard bodies, `BEGIN ATOMIC … END`,
//!   where `CASE … END` nests), however long the signature before the body.
//! - **SQLite**, as `sqlite3_complete()`: a `CREATE [TEMP] TRIGGER` statement ends only at the
//!   `;` after `; END`.
//!
//! Those rules live in the dialect folders (`dialect/<name>/split.rs`), behind [`StatementEnds`];
//! this file holds the dialect-neutral loop.
//!
//! The work is linear in the length of the file: one pass over the tokens, never back to the
//! start of a statement; line numbers are counted on the way.

use std::ops::Range;

use super::lex::{Token, TokenKind, lex};
use crate::config::Dialect;

/// One statement of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitStatement {
    /// The statement's text, from its first token to its last: without the comments and white
    /// space around it and without the terminating `;`.
    pub sql: String,
    /// 1-based line of the statement's first token.
    pub line: usize,
    /// Byte range of [`sql`](Self::sql) in the file.
    pub span: Range<usize>,
}

/// Why a file could not be split: something opened and never closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// What is never closed, and how to close it.
    pub message: String,
    /// 1-based line where the unclosed thing starts.
    pub line: usize,
    /// Byte offset where it starts.
    pub offset: usize,
}

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for SplitError {}

impl crate::diagnostic::Explain for SplitError {
    /// Something (a quote, a comment, a body) is never closed.
    fn code(&self) -> &'static str {
        "unclosed"
    }
}

/// Splits `sql` into statements. Statements holding only comments and white space are dropped.
pub fn split(sql: &str, dialect: Dialect) -> Result<Vec<SplitStatement>, SplitError> {
    let mut lines = Lines::new(sql);
    let spans = statement_spans(sql, dialect).map_err(|(message, offset)| SplitError {
        line: lines.line_at(offset),
        message,
        offset,
    })?;
    Ok(spans
        .into_iter()
        .map(|span| SplitStatement {
            sql: sql[span.clone()].to_string(),
            line: lines.line_at(span.start),
            span,
        })
        .collect())
}

/// The byte range of each statement of `sql` (first token to last, without the `;`), or what is
/// never closed and where it opens.
pub(crate) fn statement_spans(
    sql: &str,
    dialect: Dialect,
) -> Result<Vec<Range<usize>>, (String, usize)> {
    let ops = dialect.ops();
    let mut ends = ops.statement_ends();
    let mut out = Vec::new();
    let mut current: Option<Range<usize>> = None;
    for token in lex(sql, dialect) {
        let open_comment_is_fine =
            ops.open_comment_runs_to_end() && matches!(token.kind, TokenKind::BlockComment { .. });
        if token.is_unterminated() && !open_comment_is_fine {
            return Err((unclosed(&token, sql), token.start));
        }
        if ends.ends_statement(&token, sql) {
            out.extend(current.take());
        } else if !token.is_trivia() {
            match &mut current {
                Some(span) => span.end = token.end,
                None => current = Some(token.span()),
            }
        }
    }
    if let Some(span) = &current
        && let Some((message, offset)) = ends.unclosed_at_end(span.start)
    {
        return Err((message, offset));
    }
    out.extend(current);
    Ok(out)
}

fn unclosed(token: &Token, sql: &str) -> String {
    let text = token.text(sql);
    match token.kind {
        TokenKind::String { .. } => {
            "a string literal is never closed: add its closing `'` (a quote inside a string is written twice: 'it''s')".into()
        }
        TokenKind::QuotedIdent { .. } => {
            let open = text.chars().find(|c| matches!(c, '"' | '`' | '[')).unwrap_or('"');
            let close = if open == '[' { ']' } else { open };
            format!("a quoted identifier (`{open}…{close}`) is never closed: add its closing `{close}`")
        }
        TokenKind::DollarString { .. } => {
            let tag_len = text[1..].find('$').map_or(1, |n| n + 2);
            let tag = &text[..tag_len];
            format!("the dollar-quoted body opened by `{tag}` is never closed: end it with `{tag}`")
        }
        _ => "a `/*` block comment is never closed: end it with `*/` (in PostgreSQL block comments nest, so each `/*` inside needs its own `*/`)".into(),
    }
}

/// A dialect's rule for which `;` ends a statement, as its own client decides it: fed every
/// token of a file in order. Each dialect supplies one
/// ([`DialectOps::statement_ends`](crate::dialect::DialectOps::statement_ends)).
pub trait StatementEnds {
    /// Takes the next token; whether it is a `;` that ends the statement.
    fn ends_statement(&mut self, token: &Token, sql: &str) -> bool;

    /// At the end of the file, with a statement started at `start`: what is still open, and
    /// where it opens.
    fn unclosed_at_end(&self, start: usize) -> Option<(String, usize)>;
}

/// Line numbers of increasing offsets, counted once.
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The 1-based line of `offset`; offsets must not decrease from one call to the next (a
    /// smaller one is counted from the start again).
    fn line_at(&mut self, offset: usize) -> usize {
        if offset < self.at {
            self.at = 0;
            self.line = 1;
        }
        let offset = offset.min(self.text.len());
        self.line += self.text[self.at..offset]
            .iter()
            .filter(|&&c| c == b'\n')
            .count();
        self.at = offset;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(sql: &str) -> Vec<String> {
        split(sql, Dialect::Postgres)
            .unwrap()
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }

    fn lite(sql: &str) -> Vec<String> {
        split(sql, Dialect::Sqlite)
            .unwrap()
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }

    #[test]
    fn plain_statements() {
        assert_eq!(
            pg("SELECT 1; SELECT 2;\n\n-- done\n"),
            ["SELECT 1", "SELECT 2"]
        );
        assert_eq!(pg("SELECT 1"), ["SELECT 1"]);
        assert!(pg("-- only a comment;\n/* and; another */").is_empty());
        assert!(pg(";;  ;").is_empty());
        // Comments around a statement are not part of it.
        assert_eq!(pg("-- lead\n/* c */ SELECT 1 /* t */ ;"), ["SELECT 1"]);
    }

    #[test]
    fn strings_identifiers_and_comments_hide_semicolons() {
        let sql = "INSERT INTO \"a;b\" VALUES ('x;''y', E'it\\'s; ok');\n-- a; comment\n/* outer /* inner; */ still; */ SELECT 2;";
        let got = pg(sql);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with("E'it\\'s; ok')"));
        assert_eq!(got[1], "SELECT 2");
        // A string continued on the next line keeps an E string's escapes.
        assert_eq!(pg("SELECT E'a'\n'\\'; b';\nSELECT 2").len(), 2);
    }

    #[test]
    fn dollar_quoted_bodies() {
        let sql = r#"
CREATE FUNCTION f() RETURNS trigger AS $$
BEGIN
  NEW.x := 'a;b'; -- comment; here
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION g(a int) RETURNS int AS $body$
  SELECT $1 + 1; -- $$ inside is fine
$body$ LANGUAGE sql;
SELECT a$b$c FROM t;
"#;
        let got = pg(sql);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(got[0].contains("RETURN NEW;") && got[0].ends_with("LANGUAGE plpgsql"));
        assert!(got[1].ends_with("LANGUAGE sql"));
        assert_eq!(got[2], "SELECT a$b$c FROM t");
    }

    #[test]
    fn rules_keep_their_parenthesised_actions() {
        let sql = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); DELETE FROM b);\nCREATE RULE s AS ON UPDATE TO t DO INSTEAD (SELECT 1; SELECT 2); SELECT 3;";
        let got = pg(sql);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(got[0].ends_with("DELETE FROM b)"));
        assert!(got[1].ends_with("SELECT 2)"));
    }

    #[test]
    fn sql_standard_function_bodies() {
        let sql = "CREATE FUNCTION h() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END; SELECT 3;";
        assert_eq!(pg(sql).len(), 2);
        // A signature of any length before the body.
        let params: Vec<String> = (0..200)
            .map(|i| format!("p{i} integer DEFAULT {i}"))
            .collect();
        let long = format!(
            "CREATE OR REPLACE PROCEDURE p({}) LANGUAGE sql\nBEGIN ATOMIC\n  INSERT INTO t VALUES (1);\n  UPDATE t SET x = CASE WHEN x > 0 THEN 1 ELSE 2 END;\nEND;\nSELECT 1;",
            params.join(", ")
        );
        let got = pg(&long);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(got[0].ends_with("END"));
        // A transaction's BEGIN is not a body.
        assert_eq!(pg("BEGIN; SELECT 1; COMMIT;").len(), 3);
        assert_eq!(pg("CREATE TABLE t (a int); BEGIN; END;").len(), 3);
    }

    #[test]
    fn sqlite_triggers_end_at_end_semicolon() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = CASE WHEN 1 THEN 2 END; DELETE FROM b; END; SELECT 1;";
        assert_eq!(lite(sql).len(), 2);
        let temp = "create temp trigger t after insert on a begin select 1; end ; select 2";
        assert_eq!(lite(temp).len(), 2);
        // SQLite splits inside parentheses (its grammar has no `;` there) and has no dollar quotes.
        assert_eq!(lite("SELECT (1; 2)").len(), 2);
        assert_eq!(lite("SELECT [a;b], `c;d`, $x; SELECT 2").len(), 2);
        // An unclosed block comment is a comment to the end of the file in SQLite.
        assert_eq!(lite("SELECT 1; /* trailing"), ["SELECT 1"]);
    }

    #[test]
    fn lines_spans_and_unclosed() {
        let sql = "\n\nSELECT 1;\n  -- c\n  SELECT\n 2;";
        let s = split(sql, Dialect::Postgres).unwrap();
        assert_eq!((s[0].line, s[1].line), (3, 5));
        assert_eq!(&sql[s[1].span.clone()], "SELECT\n 2");
        // A file's header comments belong to no statement: the first starts at its first word.
        let s = split(
            "-- migrate:no-transaction\n-- Create index `i`.\n--\n/* note; */\n\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- next\nSELECT 2;",
            Dialect::Postgres,
        )
        .unwrap();
        assert_eq!(s[0].sql, "CREATE INDEX CONCURRENTLY i ON t (a)");
        assert_eq!((s[0].line, s[1].line), (6, 8));
        assert_eq!(s[1].sql, "SELECT 2");
        let e = split("SELECT 1;\nSELECT $x$ never", Dialect::Postgres).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("$x$"), "{e}");
        for open in [
            "SELECT 'open",
            "SELECT \"open",
            "/* open /* nested */",
            "SELECT (1;\nSELECT 2;",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;",
        ] {
            assert!(split(open, Dialect::Postgres).is_err(), "{open}");
        }
        let e = split("SELECT 1;\nSELECT (1;\nSELECT 2;", Dialect::Postgres).unwrap_err();
        assert_eq!((e.line, e.offset), (2, 17));
        assert!(
            split(
                "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1;",
                Dialect::Sqlite
            )
            .is_err()
        );
        assert!(split("SELECT [open", Dialect::Sqlite).is_err());
    }
}

#[cfg(test)]
mod scale {
    use super::*;
    use std::time::Duration;

    use crate::test_clock::cpu_time;

    /// Text of about `bytes` bytes made of `unit` repeated.
    fn repeat(unit: &str, bytes: usize) -> String {
        unit.repeat(bytes / unit.len() + 1)
    }

    /// The CPU time of one split: other work on the machine does not stretch it.
    fn time(sql: &str, dialect: Dialect) -> Duration {
        cpu_time(|| {
            let _ = std::hint::black_box(split(sql, dialect));
        })
    }

    /// The fastest of several runs of each text, taken in turns.
    fn fastest_pair(small: &str, big: &str, dialect: Dialect) -> (Duration, Duration) {
        let mut best = (Duration::MAX, Duration::MAX);
        for _ in 0..3 {
            best.0 = best.0.min(time(small, dialect));
            best.1 = best.1.min(time(big, dialect));
        }
        best
    }

    /// Splitting 64 times the text takes about 64 times as long, not 4,096 times: a ratio with
    /// a generous margin (512: caches favour the small text), never an absolute time, over the
    /// shapes that made splitters quadratic (many statements, a long body, long runs of
    /// operators, nested comments, strings continued over lines, a long signature before a
    /// body). Time is the thread's CPU time; a quadratic splitter fails every attempt.
    #[test]
    fn splitting_is_linear() {
        let statements = concat!(
            "INSERT INTO t VALUES (1, 'a;b', E'c\\'d');\n-- note; here\n",
            "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT $1 $f$ $$ ; $fn$ LANGUAGE sql;\n",
            "SELECT 1 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- 2;\n",
            "/* a /* b */ c */ SELECT 'x'\n'y'\n'z';\n",
        );
        let shapes = [
            ("", statements, ""),
            // One statement each: nothing to cut, everything inside one thing.
            ("SELECT $$", "a $b$ c $ d ; ", "$$;"),
            ("SELECT (", "(1; 2), ", "0);"),
            (
                "CREATE PROCEDURE p(a int, b text) LANGUAGE sql BEGIN ATOMIC ",
                "SELECT CASE WHEN 1 = 1 THEN 1 END; ",
                "END;",
            ),
        ];
        let small = 1 << 14;
        for (head, unit, tail) in shapes {
            let make = |n| format!("{head}{}{tail}", repeat(unit, n));
            let (small_sql, big_sql) = (make(small), make(64 * small));
            for dialect in [Dialect::Postgres, Dialect::Sqlite] {
                let ratios: Vec<f64> = (0..3)
                    .map(|_| {
                        let (t1, t64) = fastest_pair(&small_sql, &big_sql, dialect);
                        t64.as_secs_f64() / t1.as_secs_f64().max(1e-6)
                    })
                    .take_while(|ratio| *ratio >= 512.0)
                    .collect();
                assert!(
                    ratios.len() < 3,
                    "{dialect:?}: 64x the text took {ratios:.0?}x the time for {:?}",
                    &small_sql[..60]
                );
            }
        }
    }
}
