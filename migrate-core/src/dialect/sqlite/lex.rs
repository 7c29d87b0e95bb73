//! SQLite's lexical rules (`tokenize.c`).
//!
//! The dialect's answer to [`DialectOps::token`](crate::dialect::DialectOps::token), for the
//! lexer of [`crate::sql::lex`].

use crate::sql::lex::{StringPrefix, TokenKind, line_end, run};

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// SQLite's `IdChar`: letters, digits, `_`, `$` and every byte of a multibyte character.
pub(super) fn is_id_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

pub(super) fn token(b: &[u8], i: usize) -> (TokenKind, usize) {
    let c = b[i];
    let next = b.get(i + 1).copied();
    match c {
        b' ' | b'\t' | b'\n' | 0x0c | b'\r' => (TokenKind::Whitespace, i + run(b, i, is_space)),
        b'-' if next == Some(b'-') => (TokenKind::LineComment, line_end(b, i, false)),
        b'-' if next == Some(b'>') => {
            let len = if b.get(i + 2) == Some(&b'>') { 3 } else { 2 };
            (TokenKind::Operator, i + len)
        }
        b'/' if next == Some(b'*') => block_comment(b, i),
        b'\'' => {
            let (terminated, end) = quoted(b, i + 1, b'\'');
            let kind = TokenKind::String {
                prefix: StringPrefix::None,
                terminated,
            };
            (kind, end)
        }
        b'"' | b'`' => {
            let (terminated, end) = quoted(b, i + 1, c);
            (TokenKind::QuotedIdent { terminated }, end)
        }
        b'[' => match b[i + 1..].iter().position(|&c| c == b']') {
            Some(n) => (TokenKind::QuotedIdent { terminated: true }, i + n + 2),
            None => (TokenKind::QuotedIdent { terminated: false }, b.len()),
        },
        b'x' | b'X' if next == Some(b'\'') => {
            let (terminated, end) = quoted(b, i + 2, b'\'');
            let kind = TokenKind::String {
                prefix: StringPrefix::Hex,
                terminated,
            };
            (kind, end)
        }
        b'0'..=b'9' => (TokenKind::Number, number(b, i)),
        b'.' if next.is_some_and(|n| n.is_ascii_digit()) => (TokenKind::Number, number(b, i)),
        b'?' => (
            TokenKind::Param,
            i + 1 + run(b, i + 1, |c| c.is_ascii_digit()),
        ),
        b'$' | b'@' | b':' | b'#' => variable(b, i),
        b'=' => (TokenKind::Operator, i + 1 + usize::from(next == Some(b'='))),
        b'<' if matches!(next, Some(b'=' | b'>' | b'<')) => (TokenKind::Operator, i + 2),
        b'>' if matches!(next, Some(b'=' | b'>')) => (TokenKind::Operator, i + 2),
        b'!' if next == Some(b'=') => (TokenKind::Operator, i + 2),
        b'|' if next == Some(b'|') => (TokenKind::Operator, i + 2),
        b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>' | b'|' | b'&' | b'~' => {
            (TokenKind::Operator, i + 1)
        }
        b'(' | b')' | b',' | b';' | b'.' => (TokenKind::Punct, i + 1),
        c if is_id_char(c) => (TokenKind::Word, i + run(b, i, is_id_char)),
        _ => (TokenKind::Other, i + 1),
    }
}

/// `/* … */`, not nested; one never closed is a comment to the end of the text, as SQLite
/// reads it.
fn block_comment(b: &[u8], start: usize) -> (TokenKind, usize) {
    match b[start + 2..].windows(2).position(|w| w == b"*/") {
        Some(n) => (
            TokenKind::BlockComment { terminated: true },
            start + 2 + n + 2,
        ),
        None => (TokenKind::BlockComment { terminated: false }, b.len()),
    }
}

/// A quoted string or identifier whose body starts at `body` (a doubled quote is a quote).
fn quoted(b: &[u8], body: usize, q: u8) -> (bool, usize) {
    let mut i = body;
    while let Some(n) = b[i..].iter().position(|&c| c == q) {
        i += n + 1;
        if b.get(i) != Some(&q) {
            return (true, i);
        }
        i += 1;
    }
    (false, b.len())
}

/// `$name`, `@name`, `:name`, `#name` (with Tcl's `::` inside); a lone sigil is not a
/// token of its own. SQLite's parser also reads a Tcl array suffix (`$a(x)`) as part of the
/// variable, but `sqlite3_complete()`, which decides where a statement ends, does not: the
/// `(` is lexed on its own, as there.
fn variable(b: &[u8], start: usize) -> (TokenKind, usize) {
    let mut i = start + 1;
    let mut n = 0;
    while i < b.len() {
        if is_id_char(b[i]) {
            n += 1;
            i += 1;
        } else if b[i] == b':' && b.get(i + 1) == Some(&b':') {
            i += 2;
        } else {
            break;
        }
    }
    if n == 0 {
        (TokenKind::Other, start + 1)
    } else {
        (TokenKind::Param, i)
    }
}

fn number(b: &[u8], start: usize) -> usize {
    let digits = |i: usize| run(b, i, |c| c.is_ascii_digit() || c == b'_');
    let mut i = start;
    if b[i] == b'0'
        && matches!(b.get(i + 1), Some(b'x' | b'X'))
        && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        i += 2 + run(b, i + 2, |c| c.is_ascii_hexdigit() || c == b'_');
    } else {
        i += digits(i);
        if b.get(i) == Some(&b'.') {
            i += 1;
            i += digits(i);
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
            if b.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
                i += 1 + sign;
                i += digits(i);
            }
        }
    }
    // A number run into letters is one (illegal) token.
    i + run(b, i, is_id_char)
}
