//! The statement splitter against PostgreSQL's own: psql.
//!
//! psql decides where a statement ends with the server's lexer rules plus its own (parentheses,
//! `BEGIN … END` bodies of functions), and it is what people run migration files with. Run with
//! `-s` (single step), psql prints each statement it would send and asks before sending it; the
//! answer `x` cancels it, so nothing runs and the printed statements are psql's split. Every
//! file is compared statement by statement with [`split`].
//!
//! psql's backslash commands (`\set`, `\d`, `\gset`, ...) and variables (`:name`) are psql's, not
//! SQL: the commands are cut (from the backslash to the end of the line) from each file, and a
//! space keeps each `:` from a name, before both splitters see it. Where psql itself differs
//! from the server (an `E'…'` string continued on the next line: psql lexes a line at a time),
//! the splitter follows the server.
//!
//! - `splitter_agrees_with_psql_on_the_sample`: the files under `tests/fixtures/sql-corpus/`
//!   (real migrations and PostgreSQL regression tests; origins and licences in its README).
//! - `splitter_agrees_with_psql_on_random_sql`: random statements from
//!   `migrate_tests::arb::arb_sql`, seeded by `MIGRATE_PROPTEST_SEED` (CI pins one);
//!   `MIGRATE_PROPTEST_CASES` files of about ten statements each (default 40).
//! - `splitter_agrees_with_psql_on_a_corpus` (ignored): every `.sql` file under the directories
//!   listed in `MIGRATE_SPLIT_CORPUS` (separated by `:`), e.g. a checkout of PostgreSQL's
//!   `src/test/regress/sql` and the migration directories of public projects:
//!   `MIGRATE_SPLIT_CORPUS=~/src/postgres/src/test/regress/sql:~/src/lemmy/migrations cargo test -p migrate-tests --test split_oracle -- --ignored`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use migrate_core::config::Dialect;
use migrate_core::sql::lex::{TokenKind, lex};
use migrate_core::sql::split::split;
use migrate_tests::pg::TestDb;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const ASK: &str =
    "***(Single step mode: verify command)*******************************************";
const ASKED: &str =
    "***(press return to proceed or enter x and return to cancel)********************";

fn psql() -> PathBuf {
    if let Ok(p) = std::env::var("PSQL") {
        return p.into();
    }
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("psql"))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!(
            "psql, the oracle of this test, is not on PATH: install it (Debian/Ubuntu: \
             apt-get install postgresql-client) or set PSQL to its path"
        )
    })
}

/// The statements psql reads from `file`, as it would send them, none of them run.
fn psql_statements(file: &Path, url: &str) -> Vec<String> {
    let mut child = Command::new(psql())
        .args(["-X", "-q", "-s", "-v", "ON_ERROR_STOP=0", "-f"])
        .arg(file)
        .arg(url)
        .env("PGCLIENTENCODING", "UTF8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run psql");
    let mut stdin = child.stdin.take().expect("psql's stdin");
    // Cancel every statement: `x` to each question, until psql has gone.
    let answers = std::thread::spawn(move || while stdin.write_all(b"x\n").is_ok() {});
    let out = child.wait_with_output().expect("psql's output");
    let _ = answers.join();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut statements = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in stdout.split('\n') {
        match &mut current {
            None if line == ASK => current = Some(Vec::new()),
            None => {}
            Some(_) if line == ASKED => statements.extend(current.take().map(|l| l.join("\n"))),
            Some(lines) => lines.push(line),
        }
    }
    assert!(
        out.status.success(),
        "psql failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    statements
}

/// `sql` as psql must read it to split it as the server would: without psql's backslash
/// commands (each, from its backslash to the end of its line), and with a space after each `:`
/// that would make psql substitute one of its variables (`:'LAST_ERROR_MESSAGE'`).
fn for_psql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut skip_to = 0;
    let mut colon_at = None;
    for t in lex(sql, Dialect::Postgres) {
        if t.start < skip_to {
            continue;
        }
        if colon_at == Some(t.start) && !t.is_trivia() {
            out.push_str(&sql[copied..t.start]);
            out.push(' ');
            copied = t.start;
        }
        colon_at = (t.kind == TokenKind::Punct && t.text(sql) == ":").then_some(t.end);
        if t.kind == TokenKind::Other && t.text(sql) == "\\" {
            out.push_str(&sql[copied..t.start]);
            let end = sql[t.start..]
                .find(['\n', '\r'])
                .map_or(sql.len(), |n| t.start + n);
            copied = end;
            skip_to = end;
        }
    }
    out.push_str(&sql[copied..]);
    out
}

/// `s` after its leading white space and comments, read without the lexer under test.
fn skip_trivia(mut s: &str) -> &str {
    loop {
        let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0c']);
        if let Some(rest) = t.strip_prefix("--") {
            s = rest.find(['\n', '\r']).map_or("", |n| &rest[n..]);
        } else if t.starts_with("/*") {
            let mut depth = 0;
            let mut i = 0;
            let b = t.as_bytes();
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            s = &t[i.min(t.len())..];
        } else {
            return t;
        }
    }
}

/// `s` with each run of newlines as one: psql skips empty lines outside quotes as it reads.
fn without_empty_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c == '\n' && out.ends_with('\n')) {
            out.push(c);
        }
    }
    out
}

/// Compares the split of `sql` with psql's; the number of statements, or a description of the
/// first difference.
fn compare(sql: &str, psql: &[String]) -> Result<usize, String> {
    // psql sends comments alone, and `;` alone; the splitter drops both.
    let theirs: Vec<String> = psql
        .iter()
        .map(|s| without_empty_lines(skip_trivia(s)))
        .filter(|s| !skip_trivia(s.strip_suffix(';').unwrap_or(s)).is_empty())
        .collect();
    let ours = match split(sql, Dialect::Postgres) {
        Ok(ours) => ours,
        Err(e) => {
            // Something never closed: psql sends it, open, in the rest of the file.
            let open: String = sql[e.offset..].chars().take(16).collect();
            return match theirs.last() {
                Some(last) if last.contains(&without_empty_lines(&open)) => Ok(theirs.len()),
                _ => Err(format!("split failed ({e}) where psql did not")),
            };
        }
    };
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        let a_sql = without_empty_lines(&a.sql);
        let rest = b
            .strip_prefix(a_sql.as_str())
            .map(|r| r.strip_suffix(';').unwrap_or(r));
        if !rest.is_some_and(|r| skip_trivia(r).is_empty()) {
            return Err(format!(
                "statement {} differs:\n--- split (line {}) ---\n{}\n--- psql ---\n{}",
                i + 1,
                a.line,
                a.sql,
                b
            ));
        }
    }
    if ours.len() != theirs.len() {
        let n = ours.len().min(theirs.len());
        return Err(format!(
            "split gives {} statements, psql {}; the first extra one:\n{}",
            ours.len(),
            theirs.len(),
            ours.get(n)
                .map(|s| s.sql.clone())
                .or(theirs.get(n).cloned())
                .unwrap_or_default()
        ));
    }
    Ok(ours.len())
}

/// Compares every file; panics listing each that differs.
fn compare_files(url: &str, files: &[(String, String)]) -> usize {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut failures = Vec::new();
    let mut statements = 0;
    for (i, (name, text)) in files.iter().enumerate() {
        let text = for_psql(text);
        let path = dir.path().join(format!("{i}.sql"));
        std::fs::write(&path, &text).expect("write");
        match compare(&text, &psql_statements(&path, url)) {
            Ok(n) => statements += n,
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files split differently from psql:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
    statements
}

/// Every `.sql` file under `dir`, in name order; files that are not UTF-8 are skipped.
fn sql_files(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sql_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "sql")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.push((path.display().to_string(), text));
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn splitter_agrees_with_psql_on_the_sample() {
    let db = TestDb::new().await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sql-corpus");
    let mut files = Vec::new();
    sql_files(&dir, &mut files);
    assert!(
        files.len() >= 10,
        "the sample is missing: {}",
        dir.display()
    );
    let n = compare_files(&db.url, &files);
    assert!(n > 1000, "only {n} statements compared");
}

#[tokio::test(flavor = "current_thread")]
async fn splitter_agrees_with_psql_on_random_sql() {
    let db = TestDb::new().await;
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
    let cases = number("MIGRATE_PROPTEST_CASES").unwrap_or(40);
    println!("MIGRATE_PROPTEST_SEED={seed} MIGRATE_PROPTEST_CASES={cases}");
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = seed.to_le_bytes()[i % 8] ^ (i as u8);
    }
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let strategy = migrate_tests::arb::arb_sql(Dialect::Postgres);
    let files: Vec<(String, String)> = (0..cases)
        .map(|i| {
            let sql = strategy.new_tree(&mut runner).expect("generate").current();
            (
                format!("case {i} (MIGRATE_PROPTEST_SEED={seed})\n{sql}\n"),
                sql,
            )
        })
        .collect();
    compare_files(&db.url, &files);
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs MIGRATE_SPLIT_CORPUS: directories of .sql files"]
async fn splitter_agrees_with_psql_on_a_corpus() {
    let dirs = std::env::var("MIGRATE_SPLIT_CORPUS")
        .expect("set MIGRATE_SPLIT_CORPUS to directories of .sql files, separated by `:`");
    let db = TestDb::new().await;
    let mut files = Vec::new();
    for dir in std::env::split_paths(&dirs) {
        sql_files(&dir, &mut files);
    }
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let n = compare_files(&db.url, &files);
    println!(
        "{} files, {bytes} bytes, {n} statements: as psql splits them",
        files.len()
    );
}
