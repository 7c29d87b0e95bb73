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
//! The rules of each dialect live in its folder (`dialect/<name>/lex.rs`), behind
//! [`DialectOps::token`]; the [`Lexer`] here is the dialect-neutral loop.
//!
//! Words are not split into keywords and identifiers: most PostgreSQL keywords are unreserved,
//! so only the grammar can tell `begin` the keyword from a column named `begin`. Compare a word
//! with [`Token::is_word`]. psql's `:name` variables are not lexed: the server never sees them,
//! and `migrate` runs files through the server, not through psql.

use std::borrow::Cow;
use std::ops::Range;

use crate::config::Dialect;
use crate::dialect::DialectOps;

/// One token: its kind and the byte range of its text in the lexed source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
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
    BlockComment { terminated: bool },
    /// An identifier or a keyword, as written: `select`, `users`, `a$b`.
    Word,
    /// `"name"`, `U&"name"`; in SQLite also `` `name` `` and `[name]`.
    QuotedIdent { terminated: bool },
    /// A string literal: `'…'` and its prefixed forms. In PostgreSQL a string continued on the
    /// next line (`'a'` newline `'b'`) is one literal, and one token.
    String {
        prefix: StringPrefix,
        terminated: bool,
    },
    /// `$$ … $$` or `$tag$ … $tag$` (PostgreSQL).
    DollarString { terminated: bool },
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
        rules: dialect.ops(),
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
    /// The dialect's token rules ([`DialectOps::token`]).
    rules: &'static dyn DialectOps,
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
            let (kind, end, given_back) = self.rules.token(self.b, start);
            self.singles_until = given_back;
            (kind, end)
        };
        debug_assert!(end > start && end <= self.b.len());
        // Never stall, never run past the end, whatever a rule above got wrong.
        let end = end.clamp(start + 1, self.b.len());
        self.pos = end;
        Some(Token { kind, start, end })
    }
}

/// The length of the run of bytes from `i` on that satisfy `f`.
pub(crate) fn run(b: &[u8], i: usize, f: impl Fn(u8) -> bool) -> usize {
    b.get(i..)
        .map_or(0, |rest| rest.iter().take_while(|&&c| f(c)).count())
}

/// Index of the end of the line that `i` is on (a `\n`, or the end of the text).
pub(crate) fn line_end(b: &[u8], i: usize, also_cr: bool) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b'\n' || (also_cr && c == b'\r'))
        .map_or(b.len(), |n| i + n)
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
