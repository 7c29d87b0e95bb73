//! `sqlite3_complete()`'s statement boundaries (`complete.c`), for [`crate::sql::split`].

use crate::sql::lex::{Token, TokenKind};
use crate::sql::split::StatementEnds;

/// The kinds of token `sqlite3_complete()` tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Semi,
    Explain,
    Create,
    Temp,
    Trigger,
    End,
    Other,
}

/// `sqlite3_complete()`'s state machine (`complete.c`): a trigger body's `;` ends nothing until
/// `; END ;`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SqliteComplete {
    Start,
    Normal,
    Explain,
    Create,
    Trigger,
    Semi,
    End,
}

impl StatementEnds for SqliteComplete {
    fn ends_statement(&mut self, token: &Token, sql: &str) -> bool {
        use SqliteComplete::*;
        if token.is_trivia() {
            return false;
        }
        let is_semi = token.kind == TokenKind::Punct && token.text(sql) == ";";
        let class = if is_semi {
            Class::Semi
        } else {
            [
                ("explain", Class::Explain),
                ("create", Class::Create),
                ("temp", Class::Temp),
                ("temporary", Class::Temp),
                ("trigger", Class::Trigger),
                ("end", Class::End),
            ]
            .into_iter()
            .find(|(w, _)| token.is_word(sql, w))
            .map_or(Class::Other, |(_, class)| class)
        };
        // complete.c's `trans[state][token]`.
        let next = match (*self, class) {
            (Trigger | Semi, Class::Semi) => Semi,
            (_, Class::Semi) => Start,
            (Semi, Class::End) => End,
            (Trigger | Semi | End, _) => Trigger,
            (Start, Class::Explain) => Explain,
            (Start | Explain, Class::Create) => Create,
            (Explain, Class::Other) => Explain,
            (Create, Class::Temp) => Create,
            (Create, Class::Trigger) => Trigger,
            _ => Normal,
        };
        *self = next;
        is_semi && next == Start
    }

    fn unclosed_at_end(&self, start: usize) -> Option<(String, usize)> {
        matches!(*self, SqliteComplete::Trigger | SqliteComplete::Semi).then(|| {
            (
                "this CREATE TRIGGER has no END: end its body with END;".into(),
                start,
            )
        })
    }
}

