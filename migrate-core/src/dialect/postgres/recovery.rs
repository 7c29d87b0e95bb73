//! What a failed or interrupted no-transaction migration left behind, and the exact way back.
//!
//! A `-- migrate:no-transaction` file runs statement by statement, so a failure, a killed runner
//! or a terminated session leaves the statements before it applied. For `CREATE INDEX
//! CONCURRENTLY` — what `migrate generate` writes for every index on an existing table — the
//! database says exactly where it stopped: each index of the file is valid, INVALID (its build did
//! not finish: `pg_index.indisvalid` is false) or missing. The advice names each one and gives
//! the commands that lead back to a clean run.

use sqlx::PgConnection;

use crate::runner::Source;
use crate::dialect::Dialect;
use crate::sql::lex::{Token, TokenKind, lex};
use crate::sql::split::split;

/// Where an index of the file stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IndexState {
    Valid,
    /// Built part-way: present, ignored by queries, still maintained by writes.
    Invalid,
    Missing,
}

/// One statement of a no-transaction file, as far as recovery is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Step {
    /// 1-based line of the statement in the file.
    pub line: usize,
    /// `CREATE INDEX CONCURRENTLY <name>`: the name as written, and what the database has.
    pub index: Option<(String, IndexState)>,
}

/// The index a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON ...` statement builds,
/// as written (quotes and schema kept, so it resolves as the statement did).
pub(super) fn concurrent_index_name(statement: &str) -> Option<String> {
    let mut tokens = lex(statement, Dialect::Postgres).peekable();
    let mut word = |expected: &str| -> Option<()> {
        while tokens.next_if(Token::is_trivia).is_some() {}
        tokens.next_if(|t| t.is_word(statement, expected)).map(drop)
    };
    word("CREATE")?;
    let _ = word("UNIQUE");
    word("INDEX")?;
    word("CONCURRENTLY")?;
    if word("IF").is_some() {
        word("NOT")?;
        word("EXISTS")?;
    }
    while tokens.next_if(Token::is_trivia).is_some() {}
    // A name, then `.` and a name as long as they follow without a space: `ops."i"`.
    let is_name = |t: &Token| {
        matches!(
            t.kind,
            TokenKind::Word | TokenKind::QuotedIdent { terminated: true }
        )
    };
    let first = tokens.next().filter(is_name)?;
    let mut end = first.end;
    while tokens.next_if(|t| t.start == end && t.text(statement) == ".").is_some() {
        end = tokens.next().filter(is_name)?.end;
    }
    let name = &statement[first.start..end];
    // `CREATE INDEX CONCURRENTLY ON t (a)`: the server picks the name; it cannot be named here.
    (!name.eq_ignore_ascii_case("ON")).then(|| name.to_string())
}

/// The file's statements with the state of each index it builds. Empty when the file cannot be
/// split, or is secure (nothing of its content is shown, index names included); an index whose
/// state cannot be read counts as not an index.
pub(super) async fn inspect(c: &mut PgConnection, s: &Source) -> Vec<Step> {
    if s.secure {
        return Vec::new();
    }
    let Ok(statements) = split(&s.content, Dialect::Postgres) else {
        return Vec::new();
    };
    let mut steps = Vec::with_capacity(statements.len());
    for st in statements {
        let index = match concurrent_index_name(&st.sql) {
            Some(name) => index_state(c, &name).await.map(|state| (name, state)),
            None => None,
        };
        steps.push(Step {
            line: st.line,
            index,
        });
    }
    steps
}

async fn index_state(c: &mut PgConnection, name: &str) -> Option<IndexState> {
    let valid: Option<Option<bool>> = sqlx::query_scalar(
        "SELECT (SELECT i.indisvalid FROM pg_catalog.pg_index i WHERE i.indexrelid = to_regclass($1))",
    )
    .bind(name)
    .fetch_optional(&mut *c)
    .await
    .ok()?;
    Some(match valid.flatten() {
        Some(true) => IndexState::Valid,
        Some(false) => IndexState::Invalid,
        None => IndexState::Missing,
    })
}

fn drop_index(name: &str) -> String {
    format!("`DROP INDEX CONCURRENTLY IF EXISTS {name};`")
}

/// What to do about a no-transaction file that stopped part-way: `failed` is the 0-based index
/// and the text of the statement that failed, when known (`None`: its runner stopped without
/// saying where).
pub(super) fn advice(s: &Source, steps: &[Step], failed: Option<(usize, &str)>) -> String {
    let v = s.version;
    let total = steps.len();
    let mut out = String::new();
    let failed_sql = failed.map(|f| f.1);
    let failed = failed.map(|f| f.0);
    if let Some(i) = failed.filter(|_| total == 0) {
        out.push_str(&format!(
            "statement {} failed; any before it ran and stay applied; nothing after it ran. ",
            i + 1
        ));
    } else if let Some(i) = failed {
        let line = steps
            .get(i)
            .map_or(String::new(), |st| format!(" (line {})", st.line));
        out.push_str(&match i {
            0 => format!("statement 1 of {total}{line} failed; nothing after it ran. "),
            1 => format!(
                "statement 2 of {total}{line} failed; statement 1 ran and stays applied; nothing after it ran. "
            ),
            _ => format!(
                "statement {} of {total}{line} failed; statements 1–{i} ran and stay applied; nothing after it ran. ",
                i + 1
            ),
        });
    }
    let indexes: Vec<(&str, IndexState, usize)> = steps
        .iter()
        .filter_map(|st| {
            st.index
                .as_ref()
                .map(|(n, state)| (n.as_str(), *state, st.line))
        })
        .collect();
    let invalid: Vec<&(&str, IndexState, usize)> = indexes
        .iter()
        .filter(|i| i.1 == IndexState::Invalid)
        .collect();
    for (name, _, line) in &invalid {
        out.push_str(&format!(
            "The index {name} (line {line}) is INVALID: its build did not finish. "
        ));
    }
    let only_indexes = !steps.is_empty() && indexes.len() == total;
    if !only_indexes {
        if !invalid.is_empty() {
            let drops: Vec<String> = invalid.iter().map(|i| drop_index(i.0)).collect();
            out.push_str(&format!("Drop it with {}; then ", drops.join(" ")));
        } else if failed_sql.is_some_and(|q| q.to_ascii_uppercase().contains("VALIDATE CONSTRAINT"))
        {
            out.push_str(
                "The constraint exists NOT VALID: some rows violate it. Fix those rows, then ",
            );
        } else if failed.is_some() {
            out.push_str("Fix the cause, then ");
        } else {
            out.push_str(
                "Look at what the statements that ran left, repair the database by hand, then ",
            );
        }
        out.push_str(&format!(
            "run `migrate resolve {v} --rolled-back` and `migrate up` to run the file again from the start \
             (its statements must be safe to repeat), or finish it by hand and run `migrate resolve {v} --applied`"
        ));
        return out;
    }
    let valid: Vec<&str> = indexes
        .iter()
        .filter(|i| i.1 == IndexState::Valid)
        .map(|i| i.0)
        .collect();
    if valid.len() == total && failed.is_none() {
        out.push_str(&format!(
            "Every index this file builds exists and is valid: the file completed before its runner stopped. \
             Record it: `migrate resolve {v} --applied`"
        ));
        return out;
    }
    if failed.is_some() {
        out.push_str("Fix the cause (the error above), then: ");
    } else {
        out.push_str("Next: ");
    }
    let mut commands: Vec<String> = invalid.iter().map(|i| drop_index(i.0)).collect();
    commands.extend(valid.iter().map(|n| drop_index(n)));
    commands.push(format!("`migrate resolve {v} --rolled-back`"));
    commands.push("`migrate up`".into());
    out.push_str(&commands.join(", then "));
    out.push_str(" builds every index of the file again");
    if !valid.is_empty() {
        out.push_str(&format!(
            " (to keep the {} already valid instead, run the file's other statements by hand and record it with \
             --applied)",
            valid.len()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names_as_written() {
        let n = |s: &str| concurrent_index_name(s);
        assert_eq!(
            n("CREATE UNIQUE INDEX CONCURRENTLY \"pets_name_key\" ON \"pets\" (\"name\")")
                .as_deref(),
            Some("\"pets_name_key\"")
        );
        assert_eq!(
            n("create index concurrently if not exists ops.i_1 on t (a)").as_deref(),
            Some("ops.i_1")
        );
        assert_eq!(
            n("CREATE INDEX CONCURRENTLY \"a\"\"b\".\"c d\" ON t (a)").as_deref(),
            Some("\"a\"\"b\".\"c d\"")
        );
        assert_eq!(n("CREATE INDEX CONCURRENTLY ON t (a)"), None);
        // A generated file's header leads its first statement; comments may sit anywhere.
        assert_eq!(
            n("-- migrate:no-transaction\n-- Create index `i`.\n--\nCREATE /* x */ INDEX\n  CONCURRENTLY \"i\" ON t (a)")
                .as_deref(),
            Some("\"i\"")
        );
        assert_eq!(n("CREATE INDEX CONCURRENTLY \"un closed ON t (a)"), None);
        assert_eq!(n("CREATE INDEX CONCURRENTLY a. b ON t (a)"), None);
        assert_eq!(n("CREATE INDEX i ON t (a)"), None);
        assert_eq!(n("ALTER TABLE t VALIDATE CONSTRAINT c"), None);
    }

    fn step(line: usize, name: &str, state: IndexState) -> Step {
        Step {
            line,
            index: Some((name.into(), state)),
        }
    }

    #[test]
    fn advice_names_every_index_and_the_commands() {
        let s = Source::new(7, "idx", "").expect("source");
        let steps = [
            step(5, "\"a\"", IndexState::Valid),
            step(7, "\"b\"", IndexState::Invalid),
            step(9, "\"c\"", IndexState::Missing),
        ];
        let a = advice(
            &s,
            &steps,
            Some((1, "CREATE INDEX CONCURRENTLY \"b\" ON t (b)")),
        );
        assert!(a.starts_with("statement 2 of 3 (line 7) failed"), "{a}");
        assert!(a.contains("The index \"b\" (line 7) is INVALID"), "{a}");
        assert!(
            a.contains("`DROP INDEX CONCURRENTLY IF EXISTS \"b\";`, then `DROP INDEX CONCURRENTLY IF EXISTS \"a\";`, then `migrate resolve 7 --rolled-back`, then `migrate up`"),
            "{a}"
        );
        let done = [
            step(5, "\"a\"", IndexState::Valid),
            step(7, "\"b\"", IndexState::Valid),
        ];
        assert!(advice(&s, &done, None).contains("`migrate resolve 7 --applied`"));
        let mixed = [
            step(5, "\"a\"", IndexState::Invalid),
            Step {
                line: 6,
                index: None,
            },
        ];
        let a = advice(&s, &mixed, None);
        assert!(
            a.contains("Drop it with `DROP INDEX CONCURRENTLY IF EXISTS \"a\";`"),
            "{a}"
        );
        assert!(a.contains("`migrate resolve 7 --rolled-back`"), "{a}");
        // A secure file is not inspected: generic advice, no name from its content.
        let a = advice(&s, &[], Some((1, "")));
        assert!(a.starts_with("statement 2 failed;"), "{a}");
        assert!(a.contains("`migrate resolve 7 --applied`"), "{a}");
    }
}
