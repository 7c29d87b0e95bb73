//! psql's statement boundaries (`psqlscan.l`), for [`crate::sql::split`].

use crate::sql::lex::{Token, TokenKind};
use crate::sql::split::StatementEnds;

/// psql's rules (`psqlscan.l`): parenthesis depth, and the `BEGIN … END` depth of statements
/// that start `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
#[derive(Debug, Default)]
pub(super) struct Psql {
    paren_depth: usize,
    /// Where the outermost open `(` is.
    paren_open: usize,
    begin_depth: usize,
    /// Where the outermost open `BEGIN` is.
    begin_open: usize,
    /// The first letter of each of the statement's first four words, when that word is one of
    /// `create`, `or`, `replace`, `function`, `procedure` (0 otherwise).
    identifiers: [u8; 4],
    identifier_count: usize,
}

impl StatementEnds for Psql {
    fn ends_statement(&mut self, token: &Token, sql: &str) -> bool {
        match token.kind {
            TokenKind::Punct => match token.text(sql) {
                "(" => {
                    if self.paren_depth == 0 {
                        self.paren_open = token.start;
                    }
                    self.paren_depth += 1;
                }
                ")" => self.paren_depth = self.paren_depth.saturating_sub(1),
                ";" if self.paren_depth == 0 && self.begin_depth == 0 => {
                    self.identifier_count = 0;
                    return true;
                }
                _ => {}
            },
            TokenKind::Word => self.word(token, sql),
            _ => {}
        }
        false
    }

    fn unclosed_at_end(&self, _start: usize) -> Option<(String, usize)> {
        if self.begin_depth > 0 {
            Some((
                "this BEGIN of a function body has no matching END: every statement after it would be part of the function; end the body with END".into(),
                self.begin_open,
            ))
        } else if self.paren_depth > 0 {
            Some((
                "this `(` is never closed: every statement after it would be read as part of this one; add the missing `)`".into(),
                self.paren_open,
            ))
        } else {
            None
        }
    }
}

impl Psql {
    fn word(&mut self, token: &Token, sql: &str) {
        let word = token.text(sql);
        if self.identifier_count == 0 {
            self.identifiers = [0; 4];
        }
        if ["create", "function", "procedure", "or", "replace"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
            && let Some(slot) = self.identifiers.get_mut(self.identifier_count)
        {
            *slot = word.as_bytes()[0].to_ascii_lowercase();
        }
        self.identifier_count = self.identifier_count.saturating_add(1);
        let [first, second, third, fourth] = self.identifiers;
        let routine = first == b'c'
            && (matches!(second, b'f' | b'p')
                || (second == b'o' && third == b'r' && matches!(fourth, b'f' | b'p')));
        if !routine || self.paren_depth > 0 {
            return;
        }
        if word.eq_ignore_ascii_case("begin") {
            if self.begin_depth == 0 {
                self.begin_open = token.start;
            }
            self.begin_depth += 1;
        } else if word.eq_ignore_ascii_case("case") {
            // CASE also ends with END; it only matters inside a body.
            if self.begin_depth >= 1 {
                self.begin_depth += 1;
            }
        } else if word.eq_ignore_ascii_case("end") {
            self.begin_depth = self.begin_depth.saturating_sub(1);
        }
    }
}
