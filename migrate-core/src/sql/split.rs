//! Splitting a migration file into statements, exactly.
//!
//! A splitter that cuts at every `;` breaks stored procedures. This one cuts only at a `;` that is
//! outside every string, identifier, comment and body: single-quoted strings (`''` escapes),
//! `E'…'` strings (backslash escapes), dollar-quoted bodies (`$$…$$`, `$tag$…$tag$`), double-quoted
//! identifiers, `--` line comments, nested `/* … */` block comments, SQL-standard `BEGIN ATOMIC …
//! END` function bodies, and SQLite's `CREATE TRIGGER … BEGIN … END` bodies (with `CASE … END`
//! inside either kind of body). For SQLite, `[…]` and `` `…` `` identifiers are quoted too.

use crate::config::Dialect;

/// One statement of a file: its text without the terminating `;`, and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitStatement {
    pub sql: String,
    /// 1-based line of the statement's first character.
    pub line: usize,
}

/// Why a file could not be split: something opened and never closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub message: String,
    /// 1-based line where the unclosed thing starts.
    pub line: usize,
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

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Splits `sql` into statements. Statements holding only comments and whitespace are dropped.
pub fn split(sql: &str, dialect: Dialect) -> Result<Vec<SplitStatement>, SplitError> {
    let b = sql.as_bytes();
    let line_at = |i: usize| sql[..i].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    // Words of the current statement seen at top level, for body detection.
    let mut words: Vec<String> = Vec::new();
    let mut body_depth = 0usize;
    let mut has_code = false;

    let unclosed = |what: &str, at: usize| SplitError {
        message: format!("{what} is never closed"),
        line: line_at(at),
    };

    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let open = i;
                let mut depth = 0usize;
                loop {
                    if i + 1 >= b.len() {
                        return Err(unclosed("a /* block comment", open));
                    }
                    if b[i] == b'/' && b[i + 1] == b'*' {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b[i + 1] == b'/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'\'' => {
                has_code = true;
                // `E'...'` (any case), not part of a longer word, takes backslash escapes.
                let escapes = dialect == Dialect::Postgres
                    && i > 0
                    && (b[i - 1] == b'E' || b[i - 1] == b'e')
                    && (i < 2 || !is_ident_byte(b[i - 2]));
                let open = i;
                i += 1;
                loop {
                    if i >= b.len() {
                        return Err(unclosed("a ' string", open));
                    }
                    if escapes && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
            }
            b'"' | b'`' | b'[' if c == b'"' || dialect == Dialect::Sqlite => {
                has_code = true;
                let close = if c == b'[' { b']' } else { c };
                let open = i;
                i += 1;
                loop {
                    if i >= b.len() {
                        return Err(unclosed("a quoted identifier", open));
                    }
                    if b[i] == close {
                        if close != b']' && b.get(i + 1) == Some(&close) {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
            }
            b'$' if dialect == Dialect::Postgres && (i == 0 || !is_ident_byte(b[i - 1])) => {
                has_code = true;
                // `$tag$` where tag is empty or an identifier not starting with a digit.
                let mut j = i + 1;
                while j < b.len() && is_ident_byte(b[j]) && !(j == i + 1 && b[j].is_ascii_digit()) {
                    j += 1;
                }
                if j < b.len() && b[j] == b'$' {
                    let tag = &sql[i..=j];
                    let open = i;
                    match sql[j + 1..].find(tag) {
                        Some(end) => i = j + 1 + end + tag.len(),
                        None => {
                            return Err(unclosed(&format!("the dollar-quoted body {tag}"), open));
                        }
                    }
                } else {
                    // A parameter such as `$1`.
                    i = j.max(i + 1);
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                has_code = true;
                let s = i;
                while i < b.len() && (is_ident_byte(b[i]) || b[i] == b'$') {
                    i += 1;
                }
                let word = sql[s..i].to_ascii_uppercase();
                if body_depth > 0 {
                    match word.as_str() {
                        "CASE" | "BEGIN" => body_depth += 1,
                        "END" => body_depth -= 1,
                        _ => {}
                    }
                } else {
                    let atomic_body =
                        word == "ATOMIC" && words.last().is_some_and(|w| w == "BEGIN");
                    let trigger_body = word == "BEGIN"
                        && dialect == Dialect::Sqlite
                        && words.first().is_some_and(|w| w == "CREATE")
                        && words.iter().take(4).any(|w| w == "TRIGGER");
                    if atomic_body || trigger_body {
                        body_depth = 1;
                    }
                }
                if words.len() < 64 {
                    words.push(word);
                }
            }
            b';' if body_depth == 0 => {
                if has_code {
                    push(sql, start, i, &mut out, line_at);
                }
                i += 1;
                start = i;
                words.clear();
                has_code = false;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                has_code = true;
                i += 1;
            }
        }
    }
    if body_depth > 0 {
        return Err(unclosed("a BEGIN … END body", start));
    }
    if has_code {
        push(sql, start, b.len(), &mut out, line_at);
    }
    Ok(out)
}

fn push(
    sql: &str,
    start: usize,
    end: usize,
    out: &mut Vec<SplitStatement>,
    line_at: impl Fn(usize) -> usize,
) {
    let text = &sql[start..end];
    // Comments before a statement (a file's header, a note above it) are not part of it: the
    // statement starts, and its line is counted, at its first word.
    let lead = text.len() - skip_comments(text).len();
    let body = text[lead..].trim_end();
    if !body.is_empty() {
        out.push(SplitStatement {
            sql: body.to_string(),
            line: line_at(start + lead),
        });
    }
}

/// `text` without its leading whitespace and comments (`--` lines, `/* */` blocks, nested).
fn skip_comments(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix("--") {
            text = rest.find('\n').map_or("", |i| &rest[i..]);
        } else if text.starts_with("/*") {
            let b = text.as_bytes();
            let (mut i, mut depth) = (0, 0usize);
            while i + 1 < b.len() {
                if b[i] == b'/' && b[i + 1] == b'*' {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b[i + 1] == b'/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            text = &text[i.min(text.len())..];
        } else {
            return text;
        }
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

    #[test]
    fn plain_statements() {
        assert_eq!(
            pg("SELECT 1; SELECT 2;\n\n-- done\n"),
            ["SELECT 1", "SELECT 2"]
        );
        assert_eq!(pg("SELECT 1"), ["SELECT 1"]);
        assert!(pg("-- only a comment;\n/* and; another */").is_empty());
    }

    #[test]
    fn strings_identifiers_and_comments_hide_semicolons() {
        let sql = "INSERT INTO \"a;b\" VALUES ('x;''y', E'it\\'s; ok');\n-- a; comment\n/* outer /* inner; */ still; */ SELECT 2;";
        let got = pg(sql);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with("E'it\\'s; ok')"));
        assert!(got[1].ends_with("SELECT 2"));
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
    fn begin_atomic_and_triggers() {
        let sql = "CREATE FUNCTION h() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END; SELECT 3;";
        assert_eq!(pg(sql).len(), 2);
        let lite = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = CASE WHEN 1 THEN 2 END; DELETE FROM b; END; SELECT 1;";
        assert_eq!(split(lite, Dialect::Sqlite).unwrap().len(), 2);
        // A transaction's BEGIN is not a body.
        assert_eq!(pg("BEGIN; SELECT 1; COMMIT;").len(), 3);
    }

    #[test]
    fn lines_and_unclosed() {
        let s = split("\n\nSELECT 1;\n  SELECT\n 2;", Dialect::Postgres).unwrap();
        assert_eq!((s[0].line, s[1].line), (3, 4));
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
        assert!(split("SELECT 'open", Dialect::Postgres).is_err());
        assert!(split("/* open /* nested */", Dialect::Postgres).is_err());
    }
}
