//! Random SQL text for the lexer and the statement splitter: statements made of the pieces that
//! decide where a statement ends — strings of every kind (continued over lines too), quoted
//! identifiers, dollar-quoted bodies, nested comments, parentheses, `CREATE FUNCTION … BEGIN
//! ATOMIC … END` bodies with `CASE … END` inside, `CREATE RULE … DO ALSO (…; …)`, SQLite triggers —
//! with semicolons inside and between them. Pieces are separated by white space, so no two fuse
//! into a token that PostgreSQL versions read differently.
//!
//! [`arb_sql`] holds nothing on which psql and the server disagree, so that psql can serve as the
//! splitter's oracle: an `E'…'` string continued on the next line (`E'a'` newline `'\';'`) keeps
//! its backslash escapes for the server, but psql, which lexes a line at a time, starts a plain
//! string there. The splitter follows the server. [`arb_sql_bytes`] has no such limit.

use proptest::prelude::*;

use migrate_core::config::Dialect;

/// One piece that is a token (or a few) on its own.
fn atom(dialect: Dialect) -> BoxedStrategy<String> {
    let common = prop_oneof![
        Just("x"),
        Just("a$b"),
        Just("\"q;\"\"q\""),
        Just("'a;b'"),
        Just("'it''s;'"),
        Just("-- c;\n"),
        Just("/* c; */"),
        Just("1"),
        Just("1.5e3"),
        Just(".5"),
        Just("+"),
        Just("<="),
        Just(","),
        Just("é"),
        Just("begin"),
        Just("end"),
        Just("case"),
        Just("create"),
        Just("function"),
        Just("trigger"),
        Just(";"),
        Just("\n"),
    ];
    match dialect {
        Dialect::Postgres => prop_oneof![
            4 => common,
            1 => prop_oneof![
                Just("E'x\\';y'"),
                Just("e'\\\\'"),
                Just("B'01'"),
                Just("X'1F'"),
                Just("N'n;'"),
                Just("U&'d;'"),
                Just("U&\"i;\""),
                Just("'multi'\n'line;'"),
                Just("$$ ; $$"),
                Just("$t$ $$ ; $x$ $t$"),
                Just("$1"),
                Just("$"),
                Just("/* a /* b; */ c */"),
                Just("::"),
                Just("+-"),
                Just("=-"),
                Just("->>"),
                Just("@-"),
                Just("1..2"),
                Just("0x1F"),
                Just("1_000"),
                Just("u&"),
                Just("atomic"),
                Just("procedure"),
                Just("or"),
                Just("replace"),
                Just("\\"),
            ],
        ]
        .prop_map(str::to_string)
        .boxed(),
        Dialect::Sqlite => prop_oneof![
            4 => common,
            1 => prop_oneof![
                Just("[a;b]"),
                Just("`c;``d`"),
                Just("x'00'"),
                Just("?1"),
                Just(":n"),
                Just("@m"),
                Just("$v"),
                Just("temp"),
                Just("explain"),
                Just("->>"),
                Just("/* a /* b; */"),
            ],
        ]
        .prop_map(str::to_string)
        .boxed(),
    }
}

/// A sequence of pieces, some of them groups: `( … )`, `BEGIN … END`, `CASE … END`.
fn body(dialect: Dialect) -> impl Strategy<Value = String> {
    let leaf = prop::collection::vec(atom(dialect), 0..8).prop_map(|v| v.join(" "));
    leaf.prop_recursive(3, 48, 4, move |inner| {
        prop::collection::vec(
            prop_oneof![
                3 => atom(dialect),
                1 => inner.clone().prop_map(|s| format!("( {s} )")),
                1 => inner.clone().prop_map(|s| format!("BEGIN {s} END")),
                1 => inner.clone().prop_map(|s| format!("CASE {s} END")),
            ],
            0..6,
        )
        .prop_map(|v| v.join(" "))
    })
}

/// One statement, terminated by `;` or not.
fn statement(dialect: Dialect) -> impl Strategy<Value = String> {
    let head = match dialect {
        Dialect::Postgres => prop_oneof![
            Just(""),
            Just("SELECT"),
            Just("CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql"),
            Just("create or replace procedure p()"),
            Just("CREATE RULE r AS ON INSERT TO t DO ALSO"),
            Just("CREATE PROCEDURE p() BEGIN ATOMIC"),
        ]
        .boxed(),
        Dialect::Sqlite => prop_oneof![
            Just(""),
            Just("SELECT"),
            Just("CREATE TRIGGER t AFTER INSERT ON a BEGIN"),
            Just("create temp trigger t before delete on a begin"),
            Just("EXPLAIN CREATE TRIGGER t AFTER INSERT ON a BEGIN"),
        ]
        .boxed(),
    };
    (head, body(dialect), any::<bool>())
        .prop_map(|(head, body, end)| format!("{head} {body}{}", if end { ";" } else { "" }))
}

/// A file of statements.
pub fn arb_sql(dialect: Dialect) -> impl Strategy<Value = String> {
    prop::collection::vec(statement(dialect), 0..12).prop_map(|v| v.join("\n"))
}

/// Text made of the bytes that open and close things, run together with no space between them
/// (so pieces fuse into longer tokens), and arbitrary text.
pub fn arb_sql_bytes() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            "'", "\"", "`", "[", "]", "$", "$$", "$a$", "--", "/*", "*/", ";", "(", ")", "\n",
            "\r", " ", "E", "e'", "U&", "\\", "begin", "end", "case", "create", "function",
            "trigger", "atomic", "1", ".", "e", "+", "-", "x", "é", "\u{0}",
        ])
        .prop_map(str::to_string),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..64).prop_map(|v| v.concat())
}

#[cfg(test)]
mod tests {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    use super::*;
    use migrate_core::sql::lex::{TokenKind, lex};
    use migrate_core::sql::split::split;

    fn env_number(name: &str) -> Option<u64> {
        let v = std::env::var(name).ok()?;
        Some(
            v.trim()
                .parse()
                .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        )
    }

    /// Seeded from `MIGRATE_PROPTEST_SEED` (else the clock, printed); `MIGRATE_PROPTEST_CASES`
    /// multiplies the number of cases for a long run.
    fn runner(cases: u32) -> TestRunner {
        let seed = env_number("MIGRATE_PROPTEST_SEED").unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        });
        println!("MIGRATE_PROPTEST_SEED={seed}");
        let cases = env_number("MIGRATE_PROPTEST_CASES").map_or(cases, |n| n as u32);
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = seed.to_le_bytes()[i % 8] ^ (i as u8);
        }
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
    }

    /// What the splitter promises of any text: no panic; the tokens tile the text on character
    /// boundaries; the statements are in order, do not overlap, are the text at their spans, and
    /// what lies between them is only white space, comments and `;`; each statement split again
    /// is itself.
    fn check(sql: &str, dialect: Dialect) -> Result<(), TestCaseError> {
        let mut at = 0;
        for t in lex(sql, dialect) {
            prop_assert_eq!(t.start, at);
            prop_assert!(t.end > t.start && sql.is_char_boundary(t.end), "{:?}", t);
            at = t.end;
        }
        prop_assert_eq!(at, sql.len());
        let Ok(statements) = split(sql, dialect) else {
            return Ok(());
        };
        let mut gap_start = 0;
        for st in &statements {
            prop_assert!(st.span.start >= gap_start && st.span.end > st.span.start);
            prop_assert_eq!(&sql[st.span.clone()], st.sql.as_str());
            let line = sql[..st.span.start].matches('\n').count() + 1;
            prop_assert_eq!(st.line, line);
            separators_only(&sql[gap_start..st.span.start], dialect)?;
            let again = split(&st.sql, dialect).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(again.len(), 1, "{:?} split again: {:?}", st.sql, again);
            prop_assert_eq!(&again[0].sql, &st.sql);
            gap_start = st.span.end;
        }
        separators_only(&sql[gap_start..], dialect)
    }

    fn separators_only(gap: &str, dialect: Dialect) -> Result<(), TestCaseError> {
        for t in lex(gap, dialect) {
            let separator = t.kind == TokenKind::Punct && t.text(gap) == ";";
            prop_assert!(
                t.is_trivia() || separator,
                "{:?} lost between statements in {:?}",
                t.text(gap),
                gap
            );
        }
        Ok(())
    }

    #[test]
    fn splitting_loses_and_reorders_nothing() {
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            runner(128)
                .run(&arb_sql(dialect), |sql| check(&sql, dialect))
                .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            runner(256)
                .run(&arb_sql_bytes(), |sql| check(&sql, dialect))
                .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
        }
    }
}
