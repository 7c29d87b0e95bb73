//! The statement splitter's SQLite dialect against SQLite's own: `sqlite3_complete()`.
//!
//! `sqlite3_complete(text)` says whether `text` ends a statement (outside every string, comment
//! and trigger body). SQLite's cuts are therefore at each `;` where the text since the previous
//! cut is complete. Each statement of [`split`] must lie inside one such piece, and each piece
//! hold one statement or only white space and comments. Random files from
//! `migrate_tests::arb::{arb_sql, arb_sql_bytes}`, seeded by `MIGRATE_PROPTEST_SEED`;
//! `MIGRATE_PROPTEST_CASES` of each (default 300).
// The one call into SQLite's C API.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::ops::Range;

use migrate_core::config::Dialect;
use migrate_core::sql::split::split;
use migrate_tests::arb::{arb_sql, arb_sql_bytes};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn complete(sql: &str) -> bool {
    let c = CString::new(sql).expect("no NUL byte");
    // SAFETY: `c` is a NUL-terminated string that outlives the call, which only reads it.
    unsafe { libsqlite3_sys::sqlite3_complete(c.as_ptr()) != 0 }
}

/// SQLite's pieces of `sql`: up to and including each `;` that completes a statement, and the
/// rest.
fn sqlite_pieces(sql: &str) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (p, _) in sql.match_indices(';') {
        if complete(&sql[start..=p]) {
            pieces.push(start..p + 1);
            start = p + 1;
        }
    }
    pieces.push(start..sql.len());
    pieces
}

/// `s` is only white space, `--` comments and `/* */` comments (not nested, as in SQLite), and
/// the `;` that ends a piece.
fn trivia(s: &str) -> bool {
    let mut s = s.strip_suffix(';').unwrap_or(s);
    loop {
        s = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
        if let Some(rest) = s.strip_prefix("--") {
            s = rest.find('\n').map_or("", |n| &rest[n..]);
        } else if let Some(rest) = s.strip_prefix("/*") {
            s = rest.find("*/").map_or("", |n| &rest[n + 2..]);
        } else {
            return s.is_empty();
        }
    }
}

fn compare(sql: &str) -> Result<(), String> {
    let Ok(ours) = split(sql, Dialect::Sqlite) else {
        // Something never closed: SQLite does not see the end of a statement either.
        return if complete(&sql[sqlite_pieces(sql).last().map_or(0, |p| p.start)..]) {
            Err("split failed where SQLite completes the statement".into())
        } else {
            Ok(())
        };
    };
    let pieces = sqlite_pieces(sql);
    let mut next = 0;
    for piece in &pieces {
        let inside: Vec<_> = ours[next..]
            .iter()
            .take_while(|s| s.span.end <= piece.end)
            .collect();
        match inside.as_slice() {
            [] if trivia(&sql[piece.clone()]) => {}
            [one] if one.span.start >= piece.start => next += 1,
            _ => {
                return Err(format!(
                    "SQLite's statement {:?} holds {:?} of the split; the split: {:?}",
                    &sql[piece.clone()],
                    inside.iter().map(|s| s.sql.as_str()).collect::<Vec<_>>(),
                    ours.iter().map(|s| &s.sql).collect::<Vec<_>>()
                ));
            }
        }
    }
    if next != ours.len() {
        return Err(format!("split has extra statements: {:?}", &ours[next..]));
    }
    Ok(())
}

#[test]
fn splitter_agrees_with_sqlite3_complete() {
    let number = |name: &str| {
        std::env::var(name).ok().map(|v| {
            v.trim()
                .parse::<u64>()
                .unwrap_or_else(|_| panic!("{name}={v} is not a number"))
        })
    };
    let seed = number("MIGRATE_PROPTEST_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let cases = number("MIGRATE_PROPTEST_CASES").unwrap_or(300);
    println!("MIGRATE_PROPTEST_SEED={seed}");
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = seed.to_le_bytes()[i % 8] ^ (i as u8);
    }
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let mut failures = Vec::new();
    let statements = arb_sql(Dialect::Sqlite).boxed();
    let fused = arb_sql_bytes().boxed();
    for strategy in [statements, fused] {
        for _ in 0..cases {
            let sql = strategy
                .new_tree(&mut runner)
                .expect("generate")
                .current()
                .replace('\0', " ");
            if let Err(e) = compare(&sql) {
                failures.push(format!("{e}\nin: {sql:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} files split differently from sqlite3_complete (MIGRATE_PROPTEST_SEED={seed}):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
