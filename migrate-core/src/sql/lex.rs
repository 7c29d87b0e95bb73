//! The SQL lexer: one pass over the text, every byte in exactly one token.
//!
//! [`lex`] turns SQL text into [`Token`]s with byte spans: white space, comments (`--` line
//! comments; `/* */` block comments, nested in PostgreSQL), words (identifiers and keywords),
//! quoted identifiers, string literals of every kind, dollar-quoted bodies, numbers, parameters,
//! operators and punctuation. It follows the lexers of the servers themselves — PostgreSQL's
//! `scan.l` (as psql's `psqlscan.l` copies it) and SQLite's `tokenize.c` — so that a semicolon,
//! a quote or a comment means here what it means to the server.
//!
//! The lexer never fails and never looks back: the tokens tile the input (each starts where the
//! previous one ended, the last ends at the end of the text), so nothing is lost or reordered,
//! and lexing is linear in the length of the text. Something opened and never closed (a string,
//! a quoted identifier, a dollar-quoted body, a block comment) is one token that runs to the
//! end of the text with `terminated: false`; the caller decides whether that is an error.
//!
//! Words are not split into keywords and identifiers: most PostgreSQL keywords are unreserved,
//! so only the grammar can tell `begin` the keyword from a column named `begin`. Compare a word
//! with [`Token::is_word`]. psql's `:name` variables are not lexed: the server never sees them,
//! and `migrate` runs files through the server, not through psql.

use std::borrow::Cow;
use std::ops::Range;

use crate::config::Dialect;

/// One token: its kind and the byte range of its text in the lexed source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Spaces, tabs, newlines, form feeds.
    Whitespace,
    /// `-- …` up to (not including) the end of the line.
    LineComment,
    /// `/* … */`; nested in PostgreSQL, not in SQLite.
    BlockComment {
        /// Whether the comment is closed (else it runs to the end of the text).
        terminated: bool,
    },
    /// An identifier or a keyword, as written: `select`, `users`, `a$b`.
    Word,
    /// `"name"`, `U&"name"`; in SQLite also `` `name` `` and `[name]`.
    QuotedIdent {
        /// Whether the closing quote is there (else the name runs to the end of the text).
        terminated: bool,
    },
    /// A string literal: `'…'` and its prefixed forms. In PostgreSQL a string continued on the
    /// next line (`'a'` newline `'b'`) is one literal, and one token.
    String {
        /// `E`, `B`, `X`, `N`, `U&` or none.
        prefix: StringPrefix,
        /// Whether the closing quote is there (else the string runs to the end of the text).
        terminated: bool,
    },
    /// `$$ … $$` or `$tag$ … $tag$` (PostgreSQL).
    DollarString {
        /// Whether the closing tag is there (else the body runs to the end of the text).
        terminated: bool,
    },
    /// A numeric literal: `42`, `1_000`, `0x1F`, `1.5e-3`, `.5`. A number run into letters
    /// (`123abc`, which the server rejects) is one token, as the server reads it.
    Number,
    /// A parameter: `$1` (PostgreSQL); `?`, `?1`, `:name`, `@name`, `$name` (SQLite).
    Param,
    /// An operator: `+`, `<>`, `::`, `->>`, `@>`, `..`, `:=`, `=>`.
    Operator,
    /// One of `( ) [ ] , ; . :` (`[`/`]` only in PostgreSQL).
    Punct,
    /// A byte that starts no token (a backslash, a stray `$`, a control character, ...).
    Other,
}

/// The prefix of a string literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringPrefix {
    /// `'…'`: a standard string (`''` is a quote; a backslash is a backslash).
    None,
    /// `E'…'`: backslash escapes.
    Escape,
    /// `B'…'`: a bit string.
    Bit,
    /// `X'…'`: a hexadecimal bit string (PostgreSQL) or a blob (SQLite).
    Hex,
    /// `N'…'`: a national character string.
    National,
    /// `U&'…'`: Unicode escapes.
    Unicode,
}

impl Token {
    /// The byte range of the token.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The token's text in `src`, the text it was lexed from.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }

    /// White space or a comment: nothing the server executes.
    pub fn is_trivia(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment { .. }
        )
    }

    /// Whether this is the word `word`, in any case (`word` is ASCII).
    pub fn is_word(&self, src: &str, word: &str) -> bool {
        self.kind == TokenKind::Word && self.text(src).eq_ignore_ascii_case(word)
    }

    /// Whether something opened by this token is never closed.
    pub fn is_unterminated(&self) -> bool {
        matches!(
            self.kind,
            TokenKind::BlockComment { terminated: false }
                | TokenKind::QuotedIdent { terminated: false }
                | TokenKind::String {
                    terminated: false,
                    ..
                }
                | TokenKind::DollarString { terminated: false }
        )
    }

    /// The value of a quoted identifier (`"a""b"` is `a"b`), or of a string without a prefix
    /// (`'it''s'` is `it's`), both written as one piece; `None` for other tokens.
    pub fn unquoted<'a>(&self, src: &'a str) -> Option<Cow<'a, str>> {
        let text = self.text(src);
        let (open, close) = match self.kind {
            TokenKind::QuotedIdent { terminated: true } => {
                let open = text.as_bytes()[0];
                (open, if open == b'[' { b']' } else { open })
            }
            TokenKind::String {
                prefix: StringPrefix::None,
                terminated: true,
            } => (b'\'', b'\''),
            _ => return None,
        };
        let inner = text
            .strip_prefix(open as char)?
            .strip_suffix(close as char)?;
        if open == b'[' || !inner.contains(close as char) {
            return Some(Cow::Borrowed(inner));
        }
        // Every quote inside is doubled, unless the text is more than one piece (a string
        // continued on the next line), which has no single value here.
        let quote = close as char;
        let mut value = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == quote && chars.next() != Some(quote) {
                return None;
            }
            value.push(c);
        }
        Some(Cow::Owned(value))
    }
}

/// Lexes `src` as SQL of `dialect`. See the [module documentation](self).
pub fn lex(src: &str, dialect: Dialect) -> Lexer<'_> {
    Lexer {
        b: src.as_bytes(),
        pos: 0,
        singles_until: 0,
        dialect,
    }
}

/// The tokens of a text, one at a time ([`lex`]).
#[derive(Debug, Clone)]
pub struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
    /// The `+`/`-` bytes an operator gave back (`=-` is `=` then `-`) are one-byte operators up
    /// to here: known when the operator was lexed, so the run is not scanned again for each.
    singles_until: usize,
    dialect: Dialect,
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        if self.pos >= self.b.len() {
            return None;
        }
        let start = self.pos;
        let (kind, end) = if start < self.singles_until {
            (TokenKind::Operator, start + 1)
        } else {
            match self.dialect {
                Dialect::Postgres => {
                    let (kind, end, given_back) = pg::token(self.b, start);
                    self.singles_until = given_back;
                    (kind, end)
                }
                Dialect::Sqlite => lite::token(self.b, start),
            }
        };
        debug_assert!(end > start && end <= self.b.len());
        // Never stall, never run past the end, whatever a rule above got wrong.
        let end = end.clamp(start + 1, self.b.len());
        self.pos = end;
        Some(Token { kind, start, end })
    }
}

/// The length of the run of bytes from `i` on that satisfy `f`.
fn run(b: &[u8], i: usize, f: impl Fn(u8) -> bool) -> usize {
    b.get(i..)
        .map_or(0, |rest| rest.iter().take_while(|&&c| f(c)).count())
}

/// Index of the end of the line that `i` is on (a `\n`, or the end of the text).
fn line_end(b: &[u8], i: usize, also_cr: bool) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n' || (also_cr && c == b'\r'))
        .map_or(b.len(), |n| i + n)
}

/// PostgreSQL's lexical rules (`scan.l`, PostgreSQL 17).
mod pg {
    use super::{StringPrefix, TokenKind, line_end, run};

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
}

/// SQLite's lexical rules (`tokenize.c`).
mod lite {
    use super::{StringPrefix, TokenKind, line_end, run};

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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str, dialect: Dialect) -> Vec<(TokenKind, &str)> {
        lex(sql, dialect)
            .filter(|t| t.kind != TokenKind::Whitespace)
            .map(|t| (t.kind, t.text(sql)))
            .collect()
    }

    fn pg(sql: &str) -> Vec<(TokenKind, &str)> {
        kinds(sql, Dialect::Postgres)
    }

    fn texts(sql: &str) -> Vec<&str> {
        pg(sql).into_iter().map(|(_, t)| t).collect()
    }

    const DONE: TokenKind = TokenKind::String {
        prefix: StringPrefix::None,
        terminated: true,
    };

    #[test]
    fn tokens_tile_the_input() {
        let sql = "SELECT 'a''b', E'c\\'d', $x$ $y$ $x$, \"q\"\"q\" /* /* */ */ -- c\n;";
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let mut at = 0;
            for t in lex(sql, dialect) {
                assert_eq!(t.start, at);
                at = t.end;
            }
            assert_eq!(at, sql.len());
        }
    }

    #[test]
    fn words_numbers_operators() {
        assert_eq!(
            texts("a$b$c >= 1.5e-3 AND x::int[] <@ '{1}' ||/* c */y"),
            [
                "a$b$c", ">=", "1.5e-3", "AND", "x", "::", "int", "[", "]", "<@", "'{1}'", "||",
                "/* c */", "y"
            ]
        );
        // `=-` is two operators, `?-` one, `@-` one.
        assert_eq!(texts("a=-1"), ["a", "=", "-", "1"]);
        assert_eq!(texts("a ?- b @- c"), ["a", "?-", "b", "@-", "c"]);
        // An operator stops at a comment start.
        assert_eq!(texts("a +-- c\n"), ["a", "+", "-- c"]);
        assert_eq!(
            texts("1..10 .5 0x1F 1_000 0b"),
            ["1", "..", "10", ".5", "0x1F", "1_000", "0b"]
        );
        assert_eq!(texts("$1, $2abc"), ["$1", ",", "$2abc"]);
        assert_eq!(texts("x := 1 => 2"), ["x", ":=", "1", "=>", "2"]);
    }

    #[test]
    fn strings_of_every_kind() {
        let got = pg("'it''s' E'a\\'b' B'01' X'1F' N'n' U&'\\0041' e'\\\\'");
        let prefixes: Vec<_> = got
            .iter()
            .map(|(k, _)| match k {
                TokenKind::String {
                    prefix,
                    terminated: true,
                } => *prefix,
                other => panic!("{other:?}"),
            })
            .collect();
        use StringPrefix::*;
        assert_eq!(
            prefixes,
            [None, Escape, Bit, Hex, National, Unicode, Escape]
        );
        // A string continued on the next line is one literal, even across a comment.
        assert_eq!(texts("'a' -- c\n  'b' x"), ["'a' -- c\n  'b'", "x"]);
        // Not on the same line.
        assert_eq!(texts("'a' 'b'"), ["'a'", "'b'"]);
        // The continuation of an E string keeps its escapes.
        assert_eq!(texts("E'a'\n'\\';' x"), ["E'a'\n'\\';'", "x"]);
        // A word ending in e is not a prefix.
        assert_eq!(texts("type'x'"), ["type", "'x'"]);
        // `U&` not before a quote: `U` is not a word (psql counts no identifier there).
        assert_eq!(pg("u&x")[0], (TokenKind::Other, "u"));
        assert_eq!(
            pg("'open")[0].0,
            TokenKind::String {
                prefix: StringPrefix::None,
                terminated: false
            }
        );
    }

    #[test]
    fn dollar_quotes() {
        assert_eq!(
            texts("$$ a ' b $$ $fn$ $$ $f$ $fn$x $1 $"),
            ["$$ a ' b $$", "$fn$ $$ $f$ $fn$", "x", "$1", "$"]
        );
        // A tag cannot start with a digit; `$a` without a closing `$` is `$` then a word.
        assert_eq!(texts("$1$ $a b"), ["$1", "$", "$", "a", "b"]);
        // The closing `$` of a candidate that is not the tag starts the next candidate.
        assert_eq!(texts("$q$ $x$q$ y"), ["$q$ $x$q$", "y"]);
        assert_eq!(
            pg("$t$ never")[0].0,
            TokenKind::DollarString { terminated: false }
        );
    }

    #[test]
    fn comments() {
        assert_eq!(
            pg("/* a /* b */ c */ d")[0],
            (
                TokenKind::BlockComment { terminated: true },
                "/* a /* b */ c */"
            )
        );
        assert_eq!(texts("-- a\r\nb"), ["-- a", "b"]);
        // SQLite does not nest block comments.
        let lite = kinds("/* a /* b */ c */", Dialect::Sqlite);
        assert_eq!(lite[0].1, "/* a /* b */");
    }

    #[test]
    fn sqlite_quotes_and_variables() {
        let got: Vec<_> = kinds(
            "[a b] `c``d` \"e\" x'00' ?1 :n @m $v::w(x) $",
            Dialect::Sqlite,
        )
        .into_iter()
        .map(|(_, t)| t)
        .collect();
        assert_eq!(
            got,
            [
                "[a b]", "`c``d`", "\"e\"", "x'00'", "?1", ":n", "@m", "$v::w", "(", "x", ")", "$"
            ]
        );
    }

    #[test]
    fn unquoted_values() {
        let sql = r#"'it''s' "a""b" 'x'"#;
        let toks: Vec<_> = lex(sql, Dialect::Postgres)
            .filter(|t| !t.is_trivia())
            .collect();
        assert_eq!(toks[0].unquoted(sql).as_deref(), Some("it's"));
        assert_eq!(toks[1].unquoted(sql).as_deref(), Some("a\"b"));
        assert_eq!(toks[2].kind, DONE);
        assert!(matches!(toks[2].unquoted(sql), Some(Cow::Borrowed("x"))));
        let lite = "[a]";
        let t = lex(lite, Dialect::Sqlite).next().unwrap();
        assert_eq!(t.unquoted(lite).as_deref(), Some("a"));
    }
}
