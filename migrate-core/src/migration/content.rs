//! What a migration's text may not hold, found without a database.
//!
//! The runner refuses these before any SQL runs; `migrate check` and `embed_migrations!` report
//! them ahead of a deploy. Statements are recognised by their first keywords (after comments),
//! never by a substring: `'COMMIT;'` in a string, `-- COMMIT` in a comment or a table named
//! `"commit"` are not transaction control.
//!
//! - **NUL bytes**: no SQL statement holds one, and SQLite never finishes reading a file that does.
//! - **Directives**: see [`super::directive`].
//! - **Transaction control** in a file the runner runs in one transaction (`BEGIN`, `START
//!   TRANSACTION`, `COMMIT`, `END`, `ROLLBACK`, `ABORT`): it would commit part of the file without
//!   its history row, or record as applied what was rolled back. `SAVEPOINT`, `RELEASE` and
//!   `ROLLBACK TO` stay inside the transaction and are fine. A PostgreSQL `-- migrate:no-transaction`
//!   file may run transactions of its own, as long as it ends each one; on SQLite every file runs in
//!   one transaction. Two-phase commit (`PREPARE TRANSACTION`, `COMMIT PREPARED`, `ROLLBACK
//!   PREPARED`) is refused everywhere: a prepared transaction outlives the migration, locks held.
//! - **`COPY … FROM STDIN`**: the server waits for the client to send rows, which `migrate` does
//!   not (psql's inline data is a psql feature): the run would hang, holding the runner lock.
//!   `COPY … FROM 'server file'` and `FROM PROGRAM` read on the server and are fine. Likewise
//!   `COPY … TO STDOUT`, whose rows nobody reads (the statement fails with a protocol error).

use std::fmt;

use super::directive::{self, Directives};
use crate::config::Dialect;
use crate::diagnostic::Explain;
use crate::dialect::Capability;
use crate::sql::lex::{TokenKind, lex};
use crate::sql::split::{SplitStatement, split};

/// Something in a migration's text the runner refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentProblem {
    /// The 1-based line it is on, when it is on one.
    pub(crate) line: Option<usize>,
    pub(crate) kind: ContentKind,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ContentKind {
    /// A NUL byte.
    NulByte,
    /// A misspelled, misplaced or malformed `-- migrate:` directive.
    Directive { message: String, help: String },
    /// A transaction-control statement where the runner cannot allow it.
    TransactionControl {
        /// Its keywords, e.g. `COMMIT` or `START TRANSACTION`.
        statement: &'static str,
        why: TransactionRule,
    },
    /// `COPY … FROM STDIN`.
    CopyFromStdin,
    /// `COPY … TO STDOUT`.
    CopyToStdout,
    /// A file run statement by statement that cannot be split: something is never closed.
    Unclosed { message: String },
    /// A batch file's body is not one UPDATE or DELETE with `:batch` ([`super::batch`]).
    Batch { message: String, help: String },
}

/// Which rule a transaction-control statement breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransactionRule {
    /// The file runs in one transaction (it could opt out with `-- migrate:no-transaction`).
    FileTransaction,
    /// Every file runs in one transaction on this dialect (`title`), whatever its directives.
    EveryFileTransaction {
        /// The dialect's title.
        title: &'static str,
    },
    /// Two-phase commit, refused in every file.
    TwoPhase,
    /// A no-transaction file opens a transaction it never ends.
    LeftOpen,
}

impl Explain for ContentProblem {
    /// A stable machine-readable code.
    fn code(&self) -> &'static str {
        match self.kind {
            ContentKind::NulByte => "nul-byte",
            ContentKind::Directive { .. } => "bad-directive",
            ContentKind::TransactionControl { .. } => "transaction-control",
            ContentKind::CopyFromStdin => "copy-from-stdin",
            ContentKind::CopyToStdout => "copy-to-stdout",
            ContentKind::Unclosed { .. } => "unclosed",
            ContentKind::Batch { .. } => "bad-batch",
        }
    }

    fn help(&self) -> Option<String> {
        Some(self.fix())
    }
}

/// What is wrong (without the file's name, which the caller adds).
impl fmt::Display for ContentProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl ContentProblem {
    fn message(&self) -> String {
        match &self.kind {
            ContentKind::NulByte => "holds a NUL byte, which no SQL statement may hold (SQLite never finishes \
                reading such a file)"
                .into(),
            ContentKind::Directive { message, .. } => message.clone(),
            ContentKind::TransactionControl { statement, why } => match why {
                TransactionRule::FileTransaction | TransactionRule::EveryFileTransaction { .. } => format!(
                    "`{statement}` controls the transaction this file runs in: the runner already runs the \
                     whole file in one transaction with its history row, so part of the file could commit \
                     without being recorded, or be recorded as applied after it was rolled back"
                ),
                TransactionRule::TwoPhase => format!(
                    "`{statement}` is two-phase commit: a prepared transaction outlives the migration and \
                     holds its locks until someone ends it by hand"
                ),
                TransactionRule::LeftOpen => format!(
                    "`{statement}` opens a transaction this no-transaction file never ends: the runner's \
                     record of the migration would be left inside it"
                ),
            },
            ContentKind::CopyFromStdin => "`COPY … FROM STDIN` waits for the client to send the rows, and \
                `migrate` sends none (inline data after it is a psql feature): the run would hang, holding the \
                runner lock"
                .into(),
            ContentKind::CopyToStdout => "`COPY … TO STDOUT` sends rows to the client, and `migrate` reads none: \
                the statement fails with a protocol error (part-way through a no-transaction file)"
                .into(),
            ContentKind::Unclosed { message } => {
                format!("cannot be split into statements: {message}")
            }
            ContentKind::Batch { message, .. } => message.clone(),
        }
    }

    /// How to fix it.
    pub(crate) fn fix(&self) -> String {
        match &self.kind {
            ContentKind::NulByte => {
                "remove it: it usually comes from a bad paste or a file saved as UTF-16; \
                save the file as UTF-8 text"
                    .into()
            }
            ContentKind::Directive { help, .. } => help.clone(),
            ContentKind::TransactionControl { statement, why } => match why {
                TransactionRule::FileTransaction => format!(
                    "remove `{statement}`: the file already runs in one transaction; if it needs transactions \
                     of its own (or statements that cannot run in one, like CREATE INDEX CONCURRENTLY), make \
                     `-- migrate:no-transaction` its first line"
                ),
                TransactionRule::EveryFileTransaction { title } => format!(
                    "remove `{statement}`: on {title} every migration runs in one transaction with its history \
                     row, with or without `-- migrate:no-transaction`"
                ),
                TransactionRule::TwoPhase => {
                    format!("remove `{statement}`: a migration commits or rolls back on its own")
                }
                TransactionRule::LeftOpen => format!(
                    "end the transaction `{statement}` opens with `COMMIT;` before the end of the file"
                ),
            },
            ContentKind::CopyFromStdin => {
                "load the rows with `INSERT INTO … VALUES …`, or with `COPY … FROM \
                '/path/on/the/database/server'` (a file the database server can read)"
                    .into()
            }
            ContentKind::CopyToStdout => {
                "remove it (a migration changes the database; it does not export \
                rows), or write to a file on the database server: `COPY … TO '/path/on/the/server'`"
                    .into()
            }
            ContentKind::Unclosed { .. } => {
                "close it: a `-- migrate:no-transaction` file runs statement by \
                statement, so it must split exactly"
                    .into()
            }
            ContentKind::Batch { help, .. } => help.clone(),
        }
    }
}

/// The directives of a migration's text, with what every dialect refuses: NUL bytes and
/// directive errors.
pub(crate) fn check_text(content: &str) -> (Directives, Vec<ContentProblem>) {
    let mut problems = Vec::new();
    if let Some(at) = content.find('\0') {
        problems.push(ContentProblem {
            line: Some(line_of(content, at)),
            kind: ContentKind::NulByte,
        });
    }
    let (directives, errors) = directive::parse(content);
    problems.extend(errors.into_iter().map(|e| ContentProblem {
        line: Some(e.line),
        kind: ContentKind::Directive {
            message: e.message,
            help: e.help,
        },
    }));
    if directives.family.is_some() && !content.contains('\0') {
        // Outside a quoted identifier a member's name would be spliced into the SQL as written.
        let member = crate::family::MEMBER;
        problems.extend(
            crate::family::unquoted_members(content)
                .into_iter()
                .map(|at| ContentProblem {
                    line: Some(line_of(content, at)),
                    kind: ContentKind::Directive {
                        message: format!(
                            "`{member}` stands outside a double-quoted identifier in a family migration"
                        ),
                        help: format!(
                            "write the member table as `\"{member}\"` (or `\"schema\".\"{member}\"`): its name is put there quoted"
                        ),
                    },
                }),
        );
    }
    (directives, problems)
}

/// The statements the runner refuses in this file on this dialect: transaction control where it
/// cannot be allowed, and `COPY … FROM STDIN`.
pub(crate) fn check_statements(
    content: &str,
    no_transaction: bool,
    dialect: Dialect,
) -> Vec<ContentProblem> {
    if content.contains('\0') {
        return Vec::new(); // refused already, and nothing past it is read reliably
    }
    let ops = dialect.ops();
    let statements = match split(content, dialect) {
        Ok(s) => s,
        // Only a file run statement by statement depends on splitting; in any other, the
        // database reports what is never closed.
        Err(e) if no_transaction && ops.has(Capability::NoTransactionFiles) => {
            return vec![ContentProblem {
                line: Some(e.line),
                kind: ContentKind::Unclosed { message: e.message },
            }];
        }
        Err(_) => return Vec::new(),
    };
    let in_transaction = !no_transaction || !ops.has(Capability::NoTransactionFiles);
    let mut problems = Vec::new();
    let mut open: Option<(usize, &'static str)> = None;
    for st in &statements {
        let tokens = tokens(&st.sql, dialect);
        if tokens.is_empty() {
            continue;
        }
        let line = statement_line(st, dialect);
        let words: Vec<&str> = tokens
            .iter()
            .take(3)
            .map(|t| t.word.as_deref().unwrap_or(""))
            .collect();
        if let Some((kind, statement)) = transaction_statement(&words) {
            let why = match kind {
                Tx::TwoPhase => Some(TransactionRule::TwoPhase),
                _ if in_transaction => Some(if ops.has(Capability::NoTransactionFiles) {
                    TransactionRule::FileTransaction
                } else {
                    TransactionRule::EveryFileTransaction { title: ops.title() }
                }),
                Tx::Begin => {
                    open = Some((line, statement));
                    None
                }
                Tx::End => {
                    open = None;
                    None
                }
            };
            if let Some(why) = why {
                problems.push(ContentProblem {
                    line: Some(line),
                    kind: ContentKind::TransactionControl { statement, why },
                });
            }
        } else if ops.has(Capability::CopyStdio) && words[0] == "COPY" {
            let kind = match copy_endpoint(&tokens) {
                Some(("FROM", "STDIN")) => Some(ContentKind::CopyFromStdin),
                Some(("TO", "STDOUT")) => Some(ContentKind::CopyToStdout),
                _ => None,
            };
            if let Some(kind) = kind {
                problems.push(ContentProblem {
                    line: Some(line),
                    kind,
                });
            }
        }
    }
    if let Some((line, statement)) = open {
        problems.push(ContentProblem {
            line: Some(line),
            kind: ContentKind::TransactionControl {
                statement,
                why: TransactionRule::LeftOpen,
            },
        });
    }
    problems.extend(super::batch::check(content, dialect));
    problems
}

/// The 1-based line of a split statement's first keyword, the comments before it skipped.
pub(crate) fn statement_line(st: &SplitStatement, dialect: Dialect) -> usize {
    let at = tokens(&st.sql, dialect).first().map_or(0, |t| t.at);
    st.line + st.sql[..at].matches('\n').count()
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tx {
    Begin,
    End,
    TwoPhase,
}

/// Whether a statement's first keywords make it transaction control, and which.
fn transaction_statement(words: &[&str]) -> Option<(Tx, &'static str)> {
    let second = words.get(1).copied().unwrap_or("");
    let third = words.get(2).copied().unwrap_or("");
    match words.first().copied().unwrap_or("") {
        "BEGIN" => Some((Tx::Begin, "BEGIN")),
        "START" if second == "TRANSACTION" => Some((Tx::Begin, "START TRANSACTION")),
        "COMMIT" if second == "PREPARED" => Some((Tx::TwoPhase, "COMMIT PREPARED")),
        "COMMIT" => Some((Tx::End, "COMMIT")),
        "END" => Some((Tx::End, "END")),
        "ABORT" => Some((Tx::End, "ABORT")),
        "ROLLBACK" if second == "PREPARED" => Some((Tx::TwoPhase, "ROLLBACK PREPARED")),
        // `ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name` stays inside the transaction.
        "ROLLBACK"
            if second == "TO" || (matches!(second, "WORK" | "TRANSACTION") && third == "TO") =>
        {
            None
        }
        "ROLLBACK" => Some((Tx::End, "ROLLBACK")),
        "PREPARE" if second == "TRANSACTION" => Some((Tx::TwoPhase, "PREPARE TRANSACTION")),
        _ => None,
    }
}

/// Where a `COPY` statement reads or writes: its first `FROM` or `TO` outside parentheses, and
/// the bare word after it (`STDIN`, `STDOUT`, `PROGRAM`; empty for a file name, a string).
fn copy_endpoint(tokens: &[Token]) -> Option<(&'static str, &str)> {
    let mut top = tokens.iter().filter(|t| t.depth == 0).skip(1);
    while let Some(t) = top.next() {
        let direction = match t.word.as_deref() {
            Some("FROM") => "FROM",
            Some("TO") => "TO",
            _ => continue,
        };
        let target = top.next().and_then(|t| t.word.as_deref()).unwrap_or("");
        return Some((direction, target));
    }
    None
}

/// A token of a statement: a bare word (upper-cased), or anything else (`None`: a string, a
/// quoted identifier, a symbol), with its byte offset and parenthesis depth.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    word: Option<String>,
    at: usize,
    depth: usize,
}

/// The tokens of one statement, comments skipped.
fn tokens(sql: &str, dialect: Dialect) -> Vec<Token> {
    let mut depth = 0usize;
    let mut out = Vec::new();
    for t in lex(sql, dialect).filter(|t| !t.is_trivia()) {
        // A `(` is inside the parentheses it opens, a `)` outside those it closes.
        match (t.kind, t.text(sql)) {
            (TokenKind::Punct, "(") => depth += 1,
            (TokenKind::Punct, ")") => depth = depth.saturating_sub(1),
            _ => {}
        }
        let word = (t.kind == TokenKind::Word).then(|| t.text(sql).to_ascii_uppercase());
        out.push(Token {
            word,
            at: t.start,
            depth,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(sql: &str, no_transaction: bool, dialect: Dialect) -> Vec<(&'static str, usize)> {
        check_statements(sql, no_transaction, dialect)
            .iter()
            .map(|p| (p.code(), p.line.unwrap_or(0)))
            .collect()
    }

    fn pg(sql: &str) -> Vec<(&'static str, usize)> {
        found(sql, false, Dialect::Postgres)
    }

    #[test]
    fn transaction_control_by_first_keywords() {
        for (sql, line) in [
            ("COMMIT;", 1),
            ("SELECT 1;\ncommit work;", 2),
            ("-- comment\n/* block; */ Begin;\nSELECT 1;", 2),
            (
                "SELECT 1;\n\n  -- lead\n  START TRANSACTION ISOLATION LEVEL SERIALIZABLE;",
                4,
            ),
            ("END;", 1),
            ("ABORT;", 1),
            ("ROLLBACK;", 1),
            ("ROLLBACK AND CHAIN;", 1),
            ("PREPARE TRANSACTION 'x';", 1),
            ("COMMIT PREPARED 'x';", 1),
            ("ROLLBACK PREPARED 'x';", 1),
        ] {
            assert_eq!(pg(sql), [("transaction-control", line)], "{sql}");
        }
        for sql in [
            "SAVEPOINT a; SELECT 1; ROLLBACK TO SAVEPOINT a; RELEASE SAVEPOINT a; ROLLBACK TO a; ROLLBACK WORK TO a;",
            "INSERT INTO t VALUES ('COMMIT; ROLLBACK;');",
            "-- COMMIT;\nSELECT 1;",
            "CREATE TABLE \"commit\" (\"begin\" int);",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
            "DO $$ BEGIN COMMIT; END $$;",
            "SELECT E'it\\'s; COMMIT';",
            "PREPARE q AS SELECT 1;",
            "COMMENT ON TABLE t IS 'x';",
        ] {
            assert_eq!(pg(sql), [], "{sql}");
        }
    }

    #[test]
    fn no_transaction_files_on_each_dialect() {
        let own =
            "BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON t (id);";
        assert_eq!(found(own, true, Dialect::Postgres), []);
        assert_eq!(
            found("SELECT 1;\nBEGIN;\nSELECT 2;", true, Dialect::Postgres),
            [("transaction-control", 2)]
        );
        assert_eq!(
            found("PREPARE TRANSACTION 'x';", true, Dialect::Postgres),
            [("transaction-control", 1)]
        );
        // SQLite runs every file in one transaction.
        let p = check_statements(own, true, Dialect::Sqlite);
        assert_eq!(p.len(), 2);
        assert!(p[0].fix().contains("SQLite"), "{}", p[0].fix());
        // A SQLite trigger body is not a transaction.
        let trigger =
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; END;\nBEGIN IMMEDIATE;";
        assert_eq!(
            found(trigger, false, Dialect::Sqlite),
            [("transaction-control", 2)]
        );
        assert_eq!(
            found("SELECT [begin], `commit` FROM t;", false, Dialect::Sqlite),
            []
        );
        // SQLite has no COPY: its own syntax error says so.
        assert_eq!(found("COPY t FROM STDIN;", false, Dialect::Sqlite), []);
    }

    #[test]
    fn copy_from_stdin() {
        for sql in [
            "COPY t FROM STDIN;",
            "copy t (a, b) from stdin with (format csv);",
            "COPY \"from\" (\"to\") FROM Stdin;",
            "COPY BINARY t FROM STDIN;",
        ] {
            assert_eq!(pg(sql), [("copy-from-stdin", 1)], "{sql}");
        }
        for sql in [
            "COPY t FROM '/srv/seed.csv';",
            "COPY t FROM PROGRAM 'cat /srv/seed.csv';",
            "COPY (SELECT 'FROM STDIN') TO '/tmp/x';",
            "COPY t TO PROGRAM 'gzip > /tmp/t.gz';",
            "SELECT 'COPY t FROM STDIN';",
        ] {
            assert_eq!(pg(sql), [], "{sql}");
        }
        for sql in [
            "COPY t TO STDOUT;",
            "COPY (SELECT 1 FROM t) TO stdout WITH (FORMAT csv);",
        ] {
            assert_eq!(pg(sql), [("copy-to-stdout", 1)], "{sql}");
        }
    }

    #[test]
    fn nul_bytes_and_directives_name_their_lines() {
        let (_, p) = check_text("SELECT 1;\nSELECT '\0';\n");
        assert_eq!(
            p.iter().map(|p| (p.code(), p.line)).collect::<Vec<_>>(),
            [("nul-byte", Some(2))]
        );
        let (d, p) = check_text("-- migrate:no-transaction\n-- migrate:lock_timeout 1s\n");
        assert!(d.no_transaction);
        assert_eq!(
            p.iter().map(|p| (p.code(), p.line)).collect::<Vec<_>>(),
            [("bad-directive", Some(2))]
        );
        assert!(p[0].fix().contains("lock-timeout"));
    }

    #[test]
    fn unclosed_only_matters_when_split() {
        let open = "SELECT 'never closed;";
        assert_eq!(found(open, true, Dialect::Postgres), [("unclosed", 1)]);
        assert_eq!(found(open, false, Dialect::Postgres), []);
    }
}
