//! PostgreSQL's lexical rules (`scan.l`, PostgreSQL 17).
//!
//! The dialect's answer to [`DialectOps::token`](crate::dialect::DialectOps::token), for the
//! lexer of [`crate::sql::lex`].

use crate::sql::lex::{StringPrefix, TokenKind, line_end, run};

pub(super) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

fn is_horiz_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | 0x0c)
}

pub(super) fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

pub(super) fn is_ident_cont(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || c == b'$'
}

fn is_dolq_cont(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

pub(super) fn is_op_char(c: u8) -> bool {
    matches!(
        c,
        b'~' | b'!'
            | b'@'
            | b'#'
            | b'^'
            | b'&'
            | b'|'
            | b'`'
            | b'?'
            | b'+'
            | b'-'
            | b'*'
            | b'/'
            | b'%'
            | b'<'
            | b'>'
            | b'='
    )
}

/// The token starting at `i`, the index just past it, and the end of the `+`/`-` bytes an
/// operator gave back (each a one-byte operator; `i` itself when none).
pub(super) fn token(b: &[u8], i: usize) -> (TokenKind, usize, usize) {
    if is_op_char(b[i]) && !matches!(&b[i..b.len().min(i + 2)], b"--" | b"/*") {
        let (end, given_back) = operator(b, i);
        return (TokenKind::Operator, end, given_back);
    }
    let (kind, end) = other_token(b, i);
    (kind, end, i)
}

fn other_token(b: &[u8], i: usize) -> (TokenKind, usize) {
    let c = b[i];
    let next = b.get(i + 1).copied();
    match c {
        c if is_space(c) => (TokenKind::Whitespace, i + run(b, i, is_space)),
        b'-' if next == Some(b'-') => (TokenKind::LineComment, line_end(b, i, true)),
        b'/' if next == Some(b'*') => block_comment(b, i),
        b'\'' => string(b, i + 1, StringPrefix::None),
        b'"' => quoted_ident(b, i + 1),
        b'b' | b'B' if next == Some(b'\'') => string(b, i + 2, StringPrefix::Bit),
        b'x' | b'X' if next == Some(b'\'') => string(b, i + 2, StringPrefix::Hex),
        b'n' | b'N' if next == Some(b'\'') => string(b, i + 2, StringPrefix::National),
        b'e' | b'E' if next == Some(b'\'') => string(b, i + 2, StringPrefix::Escape),
        b'u' | b'U' if next == Some(b'&') => match b.get(i + 2) {
            Some(b'\'') => string(b, i + 3, StringPrefix::Unicode),
            Some(b'"') => quoted_ident(b, i + 3),
            // `{xufailed}`: the `u` alone, not an identifier.
            _ => (TokenKind::Other, i + 1),
        },
        b'$' => dollar(b, i),
        b'0'..=b'9' => (TokenKind::Number, number(b, i)),
        b'.' if next.is_some_and(|n| n.is_ascii_digit()) => (TokenKind::Number, number(b, i)),
        b'.' if next == Some(b'.') => (TokenKind::Operator, i + 2),
        b':' if next == Some(b':') || next == Some(b'=') => (TokenKind::Operator, i + 2),
        b'(' | b')' | b'[' | b']' | b',' | b';' | b'.' | b':' => (TokenKind::Punct, i + 1),
        c if is_ident_start(c) => (TokenKind::Word, i + run(b, i, is_ident_cont)),
        _ => (TokenKind::Other, i + 1),
    }
}

/// `/* … */`, nested.
fn block_comment(b: &[u8], start: usize) -> (TokenKind, usize) {
    let mut depth = 0usize;
    let mut i = start;
    while i < b.len() {
        match (b[i], b.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                i += 2;
                depth -= 1;
                if depth == 0 {
                    return (TokenKind::BlockComment { terminated: true }, i);
                }
            }
            _ => i += 1,
        }
    }
    (TokenKind::BlockComment { terminated: false }, b.len())
}

/// A quoted identifier whose body starts at `body`.
fn quoted_ident(b: &[u8], body: usize) -> (TokenKind, usize) {
    let mut i = body;
    while let Some(n) = b[i..].iter().position(|&c| c == b'"') {
        i += n + 1;
        if b.get(i) != Some(&b'"') {
            return (TokenKind::QuotedIdent { terminated: true }, i);
        }
        i += 1;
    }
    (TokenKind::QuotedIdent { terminated: false }, b.len())
}

/// A string literal whose body starts at `body`, with every continuation (`'a'` newline `'b'`).
fn string(b: &[u8], body: usize, prefix: StringPrefix) -> (TokenKind, usize) {
    let mut i = body;
    loop {
        match string_piece_end(b, i, prefix) {
            Some(end) => match continuation(b, end) {
                Some(next_body) => i = next_body,
                None => {
                    return (
                        TokenKind::String {
                            prefix,
                            terminated: true,
                        },
                        end,
                    );
                }
            },
            None => {
                return (
                    TokenKind::String {
                        prefix,
                        terminated: false,
                    },
                    b.len(),
                );
            }
        }
    }
}

/// The index just past the closing quote of one piece of a string whose body starts at `i`.
fn string_piece_end(b: &[u8], mut i: usize, prefix: StringPrefix) -> Option<usize> {
    // Bit strings take no doubled quote: `B'01''1'` is two literals, as the server reads it;
    // a doubled quote in other strings is a quote.
    let doubles = !matches!(prefix, StringPrefix::Bit | StringPrefix::Hex);
    let escapes = prefix == StringPrefix::Escape;
    while i < b.len() {
        match b[i] {
            b'\\' if escapes => i += 2,
            b'\'' if doubles && b.get(i + 1) == Some(&b'\'') => i += 2,
            b'\'' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// After a closing quote at `end - 1`: white space with a newline and then a quote continue
/// the string (`{quotecontinue}`). The index just past that quote, if so.
fn continuation(b: &[u8], end: usize) -> Option<usize> {
    let mut i = end;
    let mut newline = false;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' || c == b'\r' {
            newline = true;
            i += 1;
        } else if is_horiz_space(c) {
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            i = line_end(b, i, true);
        } else {
            break;
        }
    }
    (newline && b.get(i) == Some(&b'\'')).then_some(i + 1)
}

/// `$1`, `$tag$ … $tag$`, or a lone `$`.
fn dollar(b: &[u8], start: usize) -> (TokenKind, usize) {
    let next = b.get(start + 1).copied();
    if next.is_some_and(|c| c.is_ascii_digit()) {
        // `{param}`, and `{param_junk}`: `$1abc` is one token.
        let digits = start + 1 + decinteger(b, start + 1);
        return (TokenKind::Param, digits + identifier(b, digits));
    }
    let tag_end = if next.is_some_and(is_ident_start) {
        start + 1 + run(b, start + 1, is_dolq_cont)
    } else {
        start + 1
    };
    if b.get(tag_end) != Some(&b'$') {
        // `{dolqfailed}` and `{other}`: the `$` alone.
        return (TokenKind::Other, start + 1);
    }
    let tag = &b[start..=tag_end];
    match dollar_body_end(b, tag_end + 1, tag) {
        Some(end) => (TokenKind::DollarString { terminated: true }, end),
        None => (TokenKind::DollarString { terminated: false }, b.len()),
    }
}

/// The index just past the closing `tag` of a dollar-quoted body starting at `i`. Each `$`
/// starts a candidate delimiter (`$ident$` or `$$`); a candidate that is not the tag gives its
/// closing `$` back, as `{dolqdelim}` does, so every byte is looked at at most twice.
fn dollar_body_end(b: &[u8], mut i: usize, tag: &[u8]) -> Option<usize> {
    while let Some(n) = b[i..].iter().position(|&c| c == b'$') {
        let open = i + n;
        let close = if b.get(open + 1).copied().is_some_and(is_ident_start) {
            open + 1 + run(b, open + 1, is_dolq_cont)
        } else {
            open + 1
        };
        if b.get(close) == Some(&b'$') {
            if &b[open..=close] == tag {
                return Some(close + 1);
            }
            i = close;
        } else {
            i = close.max(open + 1);
        }
    }
    None
}

/// An operator: the longest run of operator characters, cut before a comment start, and
/// without trailing `+`/`-` unless it holds a character no SQL operator has (so `=-` is two
/// operators and `?-` one). Returns its end and the end of the `+`/`-` bytes it gave back:
/// each of those is an operator of one byte (what is left of the run from there holds no
/// comment start and no other character), so the run is scanned once, not once per byte.
fn operator(b: &[u8], start: usize) -> (usize, usize) {
    let mut end = start + run(b, start, is_op_char);
    if let Some(cut) =
        (start..end.saturating_sub(1)).find(|&j| matches!(&b[j..j + 2], b"/*" | b"--"))
    {
        end = cut;
    }
    let len = end - start;
    if len > 1 && matches!(b[end - 1], b'+' | b'-') {
        let special = b[start..end - 1].iter().any(|c| {
            matches!(
                c,
                b'~' | b'!' | b'@' | b'#' | b'^' | b'&' | b'|' | b'`' | b'?' | b'%'
            )
        });
        if !special {
            let run_end = end;
            while end - start > 1 && matches!(b[end - 1], b'+' | b'-') {
                end -= 1;
            }
            return (end, run_end);
        }
    }
    (end.max(start + 1), start)
}

/// `{decdigit}(_?{decdigit})*` at `i`: its length, 0 if none.
fn decinteger(b: &[u8], i: usize) -> usize {
    digits_with_underscores(b, i, |c| c.is_ascii_digit())
}

fn digits_with_underscores(b: &[u8], i: usize, digit: impl Fn(u8) -> bool) -> usize {
    if !b.get(i).copied().is_some_and(&digit) {
        return 0;
    }
    let mut j = i + 1;
    loop {
        match b.get(j) {
            Some(&c) if digit(c) => j += 1,
            Some(b'_') if b.get(j + 1).copied().is_some_and(&digit) => j += 2,
            _ => return j - i,
        }
    }
}

/// `{identifier}` at `i`: its length, 0 if none.
fn identifier(b: &[u8], i: usize) -> usize {
    if b.get(i).copied().is_some_and(is_ident_start) {
        run(b, i, is_ident_cont)
    } else {
        0
    }
}

/// A number at `start` (a digit, or `.` and a digit): the index just past the longest match
/// of PostgreSQL's number rules (`{decinteger}`, `{hexinteger}` and kin, `{numeric}`,
/// `{real}`, their `fail` and `junk` forms), as flex picks it.
fn number(b: &[u8], start: usize) -> usize {
    let mut best = start + 1;
    let int = decinteger(b, start);
    if int > 0 {
        best = best.max(start + int);
        // `{numericfail}` (`1..`): the integer alone, the `..` is lexed after it.
        if b.get(start + int) == Some(&b'.') && b.get(start + int + 1) == Some(&b'.') {
            return start + int;
        }
    }
    // `0x1F`, `0o17`, `0b101`, their `fail` (`0x`, `0x_`) and `junk` forms.
    if b[start] == b'0' {
        let radix: Option<fn(u8) -> bool> = match b.get(start + 1) {
            Some(b'x' | b'X') => Some(|c: u8| c.is_ascii_hexdigit()),
            Some(b'o' | b'O') => Some(|c: u8| (b'0'..=b'7').contains(&c)),
            Some(b'b' | b'B') => Some(|c: u8| c == b'0' || c == b'1'),
            _ => None,
        };
        if let Some(digit) = radix {
            let body = start + 2;
            let underscore = usize::from(b.get(body) == Some(&b'_'));
            let n = digits_with_underscores(b, body + underscore, digit);
            if n > 0 {
                let end = body + underscore + n;
                best = best.max(end + identifier(b, end));
            } else {
                best = best.max(body + underscore);
            }
        }
    }
    // `{numeric}`: `1.`, `1.5`, `.5`.
    let numeric_end = if int > 0 && b.get(start + int) == Some(&b'.') {
        let frac = start + int + 1;
        Some(frac + decinteger(b, frac))
    } else if int == 0 && b[start] == b'.' {
        let n = decinteger(b, start + 1);
        (n > 0).then_some(start + 1 + n)
    } else {
        None
    };
    let base = numeric_end.or((int > 0).then_some(start + int));
    if let Some(base) = base {
        // `{integer_junk}`, `{numeric_junk}`.
        best = best.max(base + identifier(b, base));
        // `{real}`, `{realfail}`, `{real_junk}`.
        if matches!(b.get(base), Some(b'e' | b'E')) {
            let mut j = base + 1;
            let sign = matches!(b.get(j), Some(b'+' | b'-'));
            if sign {
                j += 1;
            }
            let exp = decinteger(b, j);
            if exp > 0 {
                let end = j + exp;
                best = best.max(end + identifier(b, end));
            } else if sign {
                best = best.max(j);
            }
        }
    }
    best
}
