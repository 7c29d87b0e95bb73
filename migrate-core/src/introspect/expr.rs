//! SQL expressions (defaults, checks, partial-index predicates) in one canonical spelling.
//!
//! PostgreSQL does not keep an expression as it was written: it stores a parsed tree and prints it
//! back (`pg_get_expr`) with its own spelling: identifiers quoted only where needed, keywords in
//! upper case, the casts it resolved made visible (`c <> 'x'::text`, `b::text` for a `varchar`
//! column), `IN (...)` as `= ANY (ARRAY[...])`, `BETWEEN` as two comparisons, `LIKE` as `~~`,
//! negative numbers as `'-1'::integer`, and its own parentheses. A declared `c <> 'x'` and the
//! `c <> 'x'::text` read back from the database mean the same thing.
//!
//! `canonical` maps both spellings to one: it parses the expression into a small tree, removes
//! exactly the casts PostgreSQL adds by itself (a literal compared with a column gets the column's
//! type; a `varchar` column used as `text`; a column cast to its own type; `::text` on a string
//! literal), turns the rewritten forms back into the usual ones (`IN`, `LIKE`, `-1`), and prints it
//! with PostgreSQL's quoting and keyword case and only the parentheses the precedence needs. The
//! result is valid SQL that means the same, so it can be written into a schema file and applied.
//!
//! What the parser does not know (sub-queries, `EXTRACT(... FROM ...)`, window functions, ...)
//! is only normalised for white space; such an expression may then be reported as changed.

#![warn(unreachable_pub, missing_docs)]

use std::collections::HashMap;

use crate::config::Dialect;
use crate::schema::ColumnType;
use crate::sql::lex::{StringPrefix, TokenKind, lex};

/// Words PostgreSQL quotes when they name something (its reserved, column-name and
/// type-or-function-name keywords, as of PostgreSQL 15).
const QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// Functions without parentheses, printed in upper case.
const VALUE_FUNCTIONS: &[&str] = &[
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "current_user",
    "current_role",
    "session_user",
    "user",
    "current_catalog",
    "current_schema",
];

/// Functions PostgreSQL prints in upper case (they are expressions of their own, not calls).
const UPPER_FUNCTIONS: &[&str] = &["coalesce", "nullif", "greatest", "least"];

/// An identifier as PostgreSQL prints it: bare when that reads back the same, else quoted.
pub(crate) fn quote_ident(name: &str) -> String {
    let safe = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !QUOTED_KEYWORDS.contains(&name);
    if safe {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// How PostgreSQL names a column type in a cast (`format_type` without the type modifier).
pub(crate) fn pg_type_name(ty: &ColumnType) -> String {
    match ty {
        ColumnType::SmallInt => "smallint".into(),
        ColumnType::Integer => "integer".into(),
        ColumnType::BigInt => "bigint".into(),
        ColumnType::Real => "real".into(),
        ColumnType::Double => "double precision".into(),
        ColumnType::Numeric(_) => "numeric".into(),
        ColumnType::Boolean => "boolean".into(),
        ColumnType::Text => "text".into(),
        ColumnType::Varchar(_) => "character varying".into(),
        ColumnType::Char(_) => "bpchar".into(),
        ColumnType::Bytea => "bytea".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time without time zone".into(),
        ColumnType::Timestamp => "timestamp without time zone".into(),
        ColumnType::Timestamptz => "timestamp with time zone".into(),
        ColumnType::Interval => "interval".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Json => "json".into(),
        ColumnType::Jsonb => "jsonb".into(),
        ColumnType::Inet => "inet".into(),
        ColumnType::Other(name) => name.clone(),
        ColumnType::Enum(name) => quote_ident(name),
        ColumnType::Array(inner) => format!("{}[]", pg_type_name(inner)),
        ColumnType::Precise(base, p) => {
            let name = pg_type_name(base);
            match name.split_once(' ') {
                Some((head, zone)) => format!("{head}({p}) {zone}"),
                None => format!("{name}({p})"),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// One token of SQL text, with its byte range in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: Tok,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A string literal's value (`'it''s'` is `it's`).
    Str(String),
    /// A string literal with a prefix (`E'\n'`, `B'101'`), kept as written.
    RawStr(String),
    Num(String),
    /// A bare word, as written (not yet folded to lower case).
    Word(String),
    /// A quoted identifier's name.
    Quoted(String),
    /// An operator (`<>`, `||`, `->>`), or one of `( ) [ ] , . ; ::`.
    Op(String),
}

/// Why SQL text could not be read: an expression, or SQLite's `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SyntaxError {
    #[error("unexpected character `{0}`")]
    UnexpectedChar(char),
    #[error("unclosed `{0}`")]
    Unclosed(char),
    #[error("unclosed string")]
    UnclosedString,
    /// What was expected, e.g. `` `)` `` or `a type name`.
    #[error("expected {0}")]
    Expected(String),
    /// What came instead, e.g. `NOT` or `end of expression`.
    #[error("unexpected {0}")]
    Unexpected(String),
    /// A construct, e.g. `` `IS DOCUMENT` ``.
    #[error("{0} is not supported")]
    Unsupported(String),
    /// A kind of construct, e.g. `subscripts`.
    #[error("{0} are not supported")]
    UnsupportedKind(&'static str),
    #[error("CASE without WHEN")]
    CaseWithoutWhen,
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    #[error("unbalanced parentheses")]
    UnbalancedParentheses,
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    #[error("no column list")]
    NoColumnList,
}

/// The tokens of SQL text ([`sql::lex`](crate::sql::lex)) as the expression parser reads them:
/// comments and white space skipped, strings and quoted identifiers unquoted. The text is lexed
/// as `dialect` reads it (SQLite's catalog: `[name]` and `` `name` `` are quoted identifiers);
/// a schema's expressions are [`Dialect::EXPRESSIONS`].
pub(crate) fn tokenize(src: &str, dialect: Dialect) -> Result<Vec<Token>, SyntaxError> {
    let mut out = Vec::new();
    for t in lex(src, dialect).filter(|t| !t.is_trivia()) {
        let text = t.text(src);
        let first = text.chars().next().unwrap_or(' ');
        let kind = match t.kind {
            TokenKind::String {
                terminated: false, ..
            } => {
                return Err(match text.strip_prefix('\'') {
                    Some(_) => SyntaxError::Unclosed('\''),
                    None => SyntaxError::UnclosedString,
                });
            }
            TokenKind::QuotedIdent { terminated: false } => {
                let quote = text.trim_start_matches(['u', 'U', '&']).chars().next();
                return Err(SyntaxError::Unclosed(quote.unwrap_or('"')));
            }
            TokenKind::String {
                prefix: StringPrefix::None,
                ..
            } => Tok::Str(string_value(text)),
            TokenKind::String { .. } => Tok::RawStr(text.to_string()),
            TokenKind::QuotedIdent { .. } => match t.unquoted(src) {
                Some(name) => Tok::Quoted(name.into_owned()),
                // `U&"…"`: Unicode escapes.
                None => return Err(SyntaxError::Unsupported(format!("`{text}`"))),
            },
            TokenKind::Number => Tok::Num(text.to_string()),
            TokenKind::Word => Tok::Word(text.to_string()),
            // `u&x` is the word `u`, then `&` (`{xufailed}`).
            TokenKind::Other if text.eq_ignore_ascii_case("u") => Tok::Word(text.to_string()),
            TokenKind::Operator | TokenKind::Punct if text != ":" => Tok::Op(text.to_string()),
            _ => return Err(SyntaxError::UnexpectedChar(first)),
        };
        out.push(Token {
            kind,
            start: t.start,
            end: t.end,
        });
    }
    Ok(out)
}

/// The value of a terminated string literal without a prefix: `'it''s'` is `it's`, and a string
/// continued on the next line (`'a'` newline `'b'`) is its pieces joined, as PostgreSQL reads it.
fn string_value(text: &str) -> String {
    let b = text.as_bytes();
    let mut value = Vec::with_capacity(b.len());
    let mut i = 0;
    // At the opening quote of a piece.
    while i < b.len() {
        i += 1;
        loop {
            match b.get(i) {
                Some(b'\'') if b.get(i + 1) == Some(&b'\'') => {
                    value.push(b'\'');
                    i += 2;
                }
                Some(b'\'') => {
                    i += 1;
                    break;
                }
                Some(&c) => {
                    value.push(c);
                    i += 1;
                }
                None => break,
            }
        }
        // Between pieces: white space and line comments, up to the next piece's quote.
        while i < b.len() && b[i] != b'\'' {
            if b[i..].starts_with(b"--") {
                i += b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .unwrap_or(b.len() - i);
            } else {
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&value).into_owned()
}

// ---------------------------------------------------------------------------------------------
// The tree

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr {
    Column(String),
    Str(String),
    RawStr(String),
    Num(String),
    /// `NULL`, `true`, `false`, or a value function such as `CURRENT_TIMESTAMP`: printed as is.
    Keyword(String),
    Call {
        name: String,
        args: Vec<Expr>,
        star: bool,
        distinct: bool,
    },
    Cast(Box<Expr>, String),
    /// `-`, `+` or `NOT`.
    Prefix(String, Box<Expr>),
    Binary(String, Box<Expr>, Box<Expr>),
    /// `IS NULL`, `IS NOT NULL`, `IS TRUE`, ...: the words after the operand.
    Is(Box<Expr>, String),
    /// `IS [NOT] DISTINCT FROM`.
    Distinct(Box<Expr>, Box<Expr>, bool),
    In(Box<Expr>, Vec<Expr>, bool),
    /// `x op ANY (array)` / `x op ALL (array)`.
    Quantified {
        left: Box<Expr>,
        op: String,
        all: bool,
        right: Box<Expr>,
    },
    Array(Vec<Expr>),
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
    },
}

// Binding strength, weakest first.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const IS: u8 = 4;
const CMP: u8 = 5;
const LIKE: u8 = 6;
const OTHER: u8 = 7;
const ADD: u8 = 8;
const MUL: u8 = 9;
const EXP: u8 = 10;
const UNARY: u8 = 11;
const CAST: u8 = 12;
const ATOM: u8 = 13;

const COMPARISONS: &[&str] = &["=", "<>", "<", ">", "<=", ">="];
const LIKES: &[&str] = &["~~", "!~~", "~~*", "!~~*"];

fn binary_strength(op: &str) -> u8 {
    match op {
        "OR" => OR,
        "AND" => AND,
        o if COMPARISONS.contains(&o) => CMP,
        o if LIKES.contains(&o) => LIKE,
        "+" | "-" => ADD,
        "*" | "/" | "%" => MUL,
        "^" => EXP,
        _ => OTHER,
    }
}

fn strength(e: &Expr) -> u8 {
    match e {
        Expr::Num(n) if n.starts_with('-') => UNARY,
        Expr::Column(_)
        | Expr::Str(_)
        | Expr::RawStr(_)
        | Expr::Num(_)
        | Expr::Keyword(_)
        | Expr::Call { .. }
        | Expr::Array(_)
        | Expr::Case { .. } => ATOM,
        Expr::Cast(..) => CAST,
        Expr::Prefix(op, _) if op == "NOT" => NOT,
        Expr::Prefix(..) => UNARY,
        Expr::Binary(op, ..) => binary_strength(op),
        Expr::Is(..) | Expr::Distinct(..) => IS,
        Expr::In(..) => LIKE,
        Expr::Quantified { .. } => CMP,
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
}

type PResult<T> = Result<T, SyntaxError>;

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.kind)
    }

    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|t| &t.kind)
    }

    fn word_at(&self, n: usize) -> Option<String> {
        match self.peek_at(n) {
            Some(Tok::Word(w)) => Some(w.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn is_word(&self, w: &str) -> bool {
        self.word_at(0).as_deref() == Some(w)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if o == op)
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.is_word(w) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_op(&mut self, op: &str) -> PResult<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(SyntaxError::Expected(format!("`{op}`")))
        }
    }

    fn expect_word(&mut self, w: &str) -> PResult<()> {
        if self.eat_word(w) {
            Ok(())
        } else {
            Err(SyntaxError::Expected(format!("`{w}`")))
        }
    }

    fn expr(&mut self) -> PResult<Expr> {
        self.or()
    }

    fn or(&mut self) -> PResult<Expr> {
        let mut left = self.and()?;
        while self.eat_word("or") {
            let right = self.and()?;
            left = Expr::Binary("OR".into(), Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> PResult<Expr> {
        let mut left = self.not()?;
        while self.eat_word("and") {
            let right = self.not()?;
            left = Expr::Binary("AND".into(), Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> PResult<Expr> {
        if self.eat_word("not") {
            let inner = self.not()?;
            return Ok(Expr::Prefix("NOT".into(), Box::new(inner)));
        }
        self.is()
    }

    fn is(&mut self) -> PResult<Expr> {
        let mut left = self.comparison()?;
        loop {
            if self.eat_word("isnull") {
                left = Expr::Is(Box::new(left), "IS NULL".into());
            } else if self.eat_word("notnull") {
                left = Expr::Is(Box::new(left), "IS NOT NULL".into());
            } else if self.eat_word("is") {
                let not = self.eat_word("not");
                let what = self
                    .word_at(0)
                    .ok_or_else(|| SyntaxError::Expected("a word after IS".into()))?;
                self.pos += 1;
                match what.as_str() {
                    "null" | "true" | "false" | "unknown" => {
                        let words = format!(
                            "IS {}{}",
                            if not { "NOT " } else { "" },
                            what.to_ascii_uppercase()
                        );
                        left = Expr::Is(Box::new(left), words);
                    }
                    "distinct" => {
                        self.expect_word("from")?;
                        let right = self.comparison()?;
                        left = Expr::Distinct(Box::new(left), Box::new(right), not);
                    }
                    other => return Err(SyntaxError::Unsupported(format!("`IS {other}`"))),
                }
            } else {
                return Ok(left);
            }
        }
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let left = self.like()?;
        if let Some(Tok::Op(op)) = self.peek() {
            let op = if op == "!=" {
                "<>".to_string()
            } else {
                op.clone()
            };
            if COMPARISONS.contains(&op.as_str()) {
                self.pos += 1;
                if let Some(q) = self
                    .word_at(0)
                    .filter(|w| matches!(w.as_str(), "any" | "some" | "all"))
                    && matches!(self.peek_at(1), Some(Tok::Op(o)) if o == "(")
                {
                    self.pos += 2;
                    let right = self.expr()?;
                    self.expect_op(")")?;
                    return Ok(Expr::Quantified {
                        left: Box::new(left),
                        op,
                        all: q == "all",
                        right: Box::new(right),
                    });
                }
                let right = self.like()?;
                return Ok(Expr::Binary(op, Box::new(left), Box::new(right)));
            }
        }
        Ok(left)
    }

    /// `LIKE`, `ILIKE`, `IN`, `BETWEEN`, with an optional `NOT` before them.
    fn like(&mut self) -> PResult<Expr> {
        let mut left = self.other()?;
        loop {
            let not = self.is_word("not")
                && matches!(
                    self.word_at(1).as_deref(),
                    Some("like" | "ilike" | "in" | "between")
                );
            if not {
                self.pos += 1;
            }
            let kw = self.word_at(0);
            if matches!(kw.as_deref(), Some("like" | "ilike")) {
                self.pos += 1;
                let insensitive = kw.as_deref() == Some("ilike");
                let op = match (not, insensitive) {
                    (false, false) => "~~",
                    (true, false) => "!~~",
                    (false, true) => "~~*",
                    (true, true) => "!~~*",
                };
                let right = self.other()?;
                left = Expr::Binary(op.into(), Box::new(left), Box::new(right));
            } else if self.eat_word("in") {
                self.expect_op("(")?;
                let mut items = vec![self.expr()?];
                while self.eat_op(",") {
                    items.push(self.expr()?);
                }
                self.expect_op(")")?;
                left = Expr::In(Box::new(left), items, not);
            } else if self.eat_word("between") {
                if self.is_word("symmetric") || self.is_word("asymmetric") {
                    return Err(SyntaxError::Unsupported("BETWEEN SYMMETRIC".into()));
                }
                let low = self.other()?;
                self.expect_word("and")?;
                let high = self.other()?;
                let (a, b, join) = if not {
                    ("<", ">", "OR")
                } else {
                    (">=", "<=", "AND")
                };
                left = Expr::Binary(
                    join.into(),
                    Box::new(Expr::Binary(
                        a.into(),
                        Box::new(left.clone()),
                        Box::new(low),
                    )),
                    Box::new(Expr::Binary(b.into(), Box::new(left), Box::new(high))),
                );
            } else if not {
                return Err(SyntaxError::Unexpected("NOT".into()));
            } else {
                return Ok(left);
            }
        }
    }

    /// Any other binary operator (`||`, `~`, `@>`, `->>`, ...), left-associative.
    fn other(&mut self) -> PResult<Expr> {
        let mut left = self.add()?;
        while let Some(Tok::Op(op)) = self.peek() {
            let op = op.clone();
            let known = COMPARISONS.contains(&op.as_str())
                || matches!(
                    op.as_str(),
                    "!=" | "+"
                        | "-"
                        | "*"
                        | "/"
                        | "%"
                        | "^"
                        | "("
                        | ")"
                        | "["
                        | "]"
                        | ","
                        | "."
                        | ";"
                        | "::"
                );
            if known {
                break;
            }
            self.pos += 1;
            let right = self.add()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn add(&mut self) -> PResult<Expr> {
        let mut left = self.mul()?;
        while let Some(op) = ["+", "-"].into_iter().find(|o| self.is_op(o)) {
            self.pos += 1;
            let right = self.mul()?;
            left = Expr::Binary(op.into(), Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn mul(&mut self) -> PResult<Expr> {
        let mut left = self.exp()?;
        while let Some(op) = ["*", "/", "%"].into_iter().find(|o| self.is_op(o)) {
            self.pos += 1;
            let right = self.exp()?;
            left = Expr::Binary(op.into(), Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn exp(&mut self) -> PResult<Expr> {
        let mut left = self.unary()?;
        while self.eat_op("^") {
            let right = self.unary()?;
            left = Expr::Binary("^".into(), Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> PResult<Expr> {
        for op in ["-", "+"] {
            if self.eat_op(op) {
                let inner = self.unary()?;
                return Ok(match (op, inner) {
                    // PostgreSQL folds a minus into a number constant.
                    ("-", Expr::Num(n)) if !n.starts_with('-') => Expr::Num(format!("-{n}")),
                    ("-", Expr::Num(n)) => Expr::Num(n[1..].to_string()),
                    (op, inner) => Expr::Prefix(op.into(), Box::new(inner)),
                });
            }
        }
        self.cast()
    }

    fn cast(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        loop {
            if self.eat_op("::") {
                let ty = self.type_name()?;
                e = Expr::Cast(Box::new(e), ty);
            } else if self.is_op("[") {
                return Err(SyntaxError::UnsupportedKind("subscripts"));
            } else {
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> PResult<Expr> {
        let tok = self
            .peek()
            .cloned()
            .ok_or_else(|| SyntaxError::Unexpected("end of expression".into()))?;
        match tok {
            Tok::Str(s) => {
                self.pos += 1;
                Ok(Expr::Str(s))
            }
            Tok::RawStr(s) => {
                self.pos += 1;
                Ok(Expr::RawStr(s))
            }
            Tok::Num(n) => {
                self.pos += 1;
                Ok(Expr::Num(n))
            }
            Tok::Op(o) if o == "(" => {
                self.pos += 1;
                let e = self.expr()?;
                self.expect_op(")")?;
                Ok(e)
            }
            Tok::Quoted(name) => {
                self.pos += 1;
                if self.is_op("(") {
                    return self.call(quote_ident(&name));
                }
                if self.is_op(".") {
                    return Err(SyntaxError::UnsupportedKind("qualified names"));
                }
                Ok(Expr::Column(name))
            }
            Tok::Word(w) => self.word(&w),
            Tok::Op(o) => Err(SyntaxError::Unexpected(format!("`{o}`"))),
        }
    }

    fn word(&mut self, w: &str) -> PResult<Expr> {
        let lower = w.to_ascii_lowercase();
        match lower.as_str() {
            "null" => {
                self.pos += 1;
                return Ok(Expr::Keyword("NULL".into()));
            }
            "true" | "false" => {
                self.pos += 1;
                return Ok(Expr::Keyword(lower));
            }
            "cast" if matches!(self.peek_at(1), Some(Tok::Op(o)) if o == "(") => {
                self.pos += 2;
                let e = self.expr()?;
                self.expect_word("as")?;
                let ty = self.type_name()?;
                self.expect_op(")")?;
                return Ok(Expr::Cast(Box::new(e), ty));
            }
            "array" if matches!(self.peek_at(1), Some(Tok::Op(o)) if o == "[") => {
                self.pos += 2;
                let mut items = Vec::new();
                if !self.eat_op("]") {
                    items.push(self.expr()?);
                    while self.eat_op(",") {
                        items.push(self.expr()?);
                    }
                    self.expect_op("]")?;
                }
                return Ok(Expr::Array(items));
            }
            "case" => {
                self.pos += 1;
                return self.case();
            }
            // Special syntax the parser does not know.
            "exists" | "select" | "extract" | "substring" | "position" | "overlay" | "trim" => {
                return Err(SyntaxError::Unsupported(format!("`{lower}`")));
            }
            _ => {}
        }
        if VALUE_FUNCTIONS.contains(&lower.as_str())
            && !matches!(self.peek_at(1), Some(Tok::Op(o)) if o == "(")
        {
            self.pos += 1;
            return Ok(Expr::Keyword(lower.to_ascii_uppercase()));
        }
        // A typed literal: `interval '1 day'`, `date '2024-01-01'`, `double precision '1'`.
        let save = self.pos;
        if let Ok(ty) = self.type_name()
            && let Some(Tok::Str(s)) = self.peek().cloned()
        {
            self.pos += 1;
            return Ok(Expr::Cast(Box::new(Expr::Str(s)), ty));
        }
        self.pos = save + 1;
        if self.is_op("(") {
            // `CURRENT_TIMESTAMP(0)`, `LOCALTIME(2)`: keywords with a precision, not functions
            // (`"current_timestamp"(0)` names none).
            let name = if UPPER_FUNCTIONS.contains(&lower.as_str())
                || VALUE_FUNCTIONS.contains(&lower.as_str())
            {
                lower.to_ascii_uppercase()
            } else {
                quote_ident(&lower)
            };
            return self.call(name);
        }
        if self.is_op(".") {
            return Err(SyntaxError::UnsupportedKind("qualified names"));
        }
        Ok(Expr::Column(lower))
    }

    fn call(&mut self, name: String) -> PResult<Expr> {
        self.expect_op("(")?;
        if self.eat_op("*") {
            self.expect_op(")")?;
            return Ok(Expr::Call {
                name,
                args: Vec::new(),
                star: true,
                distinct: false,
            });
        }
        let distinct = self.eat_word("distinct");
        let mut args = Vec::new();
        if !self.eat_op(")") {
            args.push(self.expr()?);
            while self.eat_op(",") {
                args.push(self.expr()?);
            }
            if self.is_word("order") || self.is_word("from") {
                return Err(SyntaxError::Unsupported("this call syntax".into()));
            }
            self.expect_op(")")?;
        }
        if self.is_word("over") || self.is_word("filter") || self.is_word("within") {
            return Err(SyntaxError::UnsupportedKind("window and aggregate clauses"));
        }
        Ok(Expr::Call {
            name,
            args,
            star: false,
            distinct,
        })
    }

    fn case(&mut self) -> PResult<Expr> {
        let operand = if self.is_word("when") {
            None
        } else {
            Some(Box::new(self.expr()?))
        };
        let mut whens = Vec::new();
        while self.eat_word("when") {
            let cond = self.expr()?;
            self.expect_word("then")?;
            let value = self.expr()?;
            whens.push((cond, value));
        }
        if whens.is_empty() {
            return Err(SyntaxError::CaseWithoutWhen);
        }
        let otherwise = if self.eat_word("else") {
            Some(Box::new(self.expr()?))
        } else {
            None
        };
        self.expect_word("end")?;
        Ok(Expr::Case {
            operand,
            whens,
            otherwise,
        })
    }

    /// A type name as PostgreSQL prints it (`character varying(10)`, `timestamp with time zone`,
    /// `"Pet Type"[]`).
    fn type_name(&mut self) -> PResult<String> {
        let mut name = match self.peek().cloned() {
            Some(Tok::Quoted(q)) => {
                self.pos += 1;
                quote_ident(&q)
            }
            Some(Tok::Word(w)) => {
                self.pos += 1;
                let w = w.to_ascii_lowercase();
                let mut words = w.clone();
                match w.as_str() {
                    "double" if self.is_word("precision") => {
                        self.pos += 1;
                        words = "double precision".into();
                    }
                    "character" | "char" | "bit" if self.is_word("varying") => {
                        self.pos += 1;
                        words = format!("{w} varying");
                    }
                    _ => {}
                }
                if self.is_op(".") {
                    return Err(SyntaxError::UnsupportedKind("qualified type names"));
                }
                words
            }
            _ => return Err(SyntaxError::Expected("a type name".into())),
        };
        let mut modifier = None;
        if self.eat_op("(") {
            let mut parts = Vec::new();
            loop {
                match self.peek().cloned() {
                    Some(Tok::Num(n)) => {
                        self.pos += 1;
                        parts.push(n);
                    }
                    _ => return Err(SyntaxError::Expected("a type modifier".into())),
                }
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
            modifier = Some(parts.join(","));
        }
        // `timestamp [(p)] with[out] time zone`.
        let mut zone = None;
        if matches!(name.as_str(), "timestamp" | "time")
            && (self.is_word("with") || self.is_word("without"))
        {
            let with = self.is_word("with");
            self.pos += 1;
            self.expect_word("time")?;
            self.expect_word("zone")?;
            zone = Some(with);
        }
        name = canonical_type(&name, modifier.as_deref(), zone);
        while self.is_op("[") {
            self.pos += 1;
            if let Some(Tok::Num(_)) = self.peek() {
                self.pos += 1;
            }
            self.expect_op("]")?;
            name.push_str("[]");
        }
        Ok(name)
    }
}

/// PostgreSQL's spelling of a type name (`format_type`).
fn canonical_type(name: &str, modifier: Option<&str>, zone: Option<bool>) -> String {
    let with_mod = |base: &str| match modifier {
        Some(m) => format!("{base}({m})"),
        None => base.to_string(),
    };
    match name {
        "int" | "int4" | "integer" => "integer".into(),
        "int2" | "smallint" => "smallint".into(),
        "int8" | "bigint" => "bigint".into(),
        "float4" | "real" => "real".into(),
        "float8" | "double precision" => "double precision".into(),
        "float" => match modifier.and_then(|m| m.parse::<u32>().ok()) {
            Some(p) if p <= 24 => "real".into(),
            _ => "double precision".into(),
        },
        "bool" | "boolean" => "boolean".into(),
        "varchar" | "character varying" | "char varying" => with_mod("character varying"),
        "char" | "character" => format!("character({})", modifier.unwrap_or("1")),
        "bpchar" => with_mod("bpchar"),
        "decimal" | "numeric" => with_mod("numeric"),
        "timestamptz" => with_mod_zone("timestamp", modifier, true),
        "timetz" => with_mod_zone("time", modifier, true),
        "timestamp" | "time" => with_mod_zone(name, modifier, zone.unwrap_or(false)),
        other => with_mod(other),
    }
}

fn with_mod_zone(base: &str, modifier: Option<&str>, with: bool) -> String {
    let m = modifier.map(|m| format!("({m})")).unwrap_or_default();
    format!(
        "{base}{m} {} time zone",
        if with { "with" } else { "without" }
    )
}

// ---------------------------------------------------------------------------------------------
// Rewriting what PostgreSQL adds

/// What an expression can refer to: the table's columns and their types.
#[derive(Debug, Default, Clone)]
pub struct Context {
    columns: HashMap<String, ColumnInfo>,
}

#[derive(Debug, Clone)]
struct ColumnInfo {
    /// The PostgreSQL type name, as [`pg_type_name`] spells it.
    ty: String,
    /// It holds text (`text`, `varchar`, `char`): PostgreSQL casts it to `text` where that is
    /// what an operator or function takes, and prints the cast.
    text: bool,
    /// A string literal compared with it is kept as written (text and enum labels); other types
    /// spell their values their own way (`'2024-01-01'` of a `timestamptz`).
    verbatim: bool,
}

impl Context {
    /// The context of a table's checks and partial-index predicates.
    pub(crate) fn of_columns<'a>(
        columns: impl IntoIterator<Item = (&'a str, &'a ColumnType)>,
    ) -> Context {
        Context {
            columns: columns
                .into_iter()
                .map(|(n, t)| {
                    let info = ColumnInfo {
                        ty: pg_type_name(t),
                        text: matches!(
                            t,
                            ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Char(_)
                        ),
                        verbatim: t.is_textual(),
                    };
                    (n.to_string(), info)
                })
                .collect(),
        }
    }

    fn column_type<'a>(&'a self, e: &'a Expr) -> Option<&'a str> {
        match e {
            Expr::Column(c) => self.columns.get(c).map(|i| i.ty.as_str()),
            Expr::Cast(_, t) => Some(t),
            _ => None,
        }
    }
}

/// The natural type of a number literal (what PostgreSQL makes of it unadorned).
fn number_type(n: &str) -> &'static str {
    if n.contains(['.', 'e', 'E']) {
        "numeric"
    } else if n.parse::<i32>().is_ok() {
        "integer"
    } else if n.parse::<i64>().is_ok() {
        "bigint"
    } else {
        "numeric"
    }
}

fn is_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && body.bytes().filter(|&b| b == b'.').count() <= 1
        && body.bytes().any(|b| b.is_ascii_digit())
}

/// A literal: a string or a number, possibly cast.
fn is_literal(e: &Expr) -> bool {
    match e {
        Expr::Str(_) | Expr::Num(_) => true,
        Expr::Cast(inner, _) => matches!(**inner, Expr::Str(_) | Expr::Num(_)),
        _ => false,
    }
}

const NUMERIC_TYPES: &[&str] = &[
    "smallint",
    "integer",
    "bigint",
    "real",
    "double precision",
    "numeric",
];

/// Removes the cast of a literal compared with a value of type `ty`: to `ty` itself, or, for a
/// number, to any numeric type when `ty` is one (`real_col >= 0::double precision`).
fn strip_literal_cast(e: Expr, ty: &str) -> Expr {
    match e {
        Expr::Cast(inner, t) if t == ty && matches!(*inner, Expr::Str(_) | Expr::Num(_)) => *inner,
        Expr::Cast(inner, t)
            if matches!(*inner, Expr::Num(_))
                && NUMERIC_TYPES.contains(&t.as_str())
                && NUMERIC_TYPES.contains(&ty) =>
        {
            *inner
        }
        other => other,
    }
}

fn rewrite(e: Expr, ctx: &Context) -> Expr {
    use Expr::*;
    match e {
        Cast(inner, ty) => {
            let inner = rewrite(*inner, ctx);
            match inner {
                // `'-1'::integer` is how PostgreSQL prints the number -1.
                Str(s) if is_number(&s) && s.starts_with('-') && number_type(&s) == ty => Num(s),
                // A string literal is text unless its context says otherwise.
                Str(s) if ty == "text" => Str(s),
                // A cast of a column to its own type does nothing; text types are used as text.
                Column(c)
                    if ctx
                        .columns
                        .get(&c)
                        .is_some_and(|i| i.ty == ty || (i.text && ty == "text")) =>
                {
                    Column(c)
                }
                other => Cast(Box::new(other), ty),
            }
        }
        Binary(op, l, r) => {
            let (l, r) = (rewrite(*l, ctx), rewrite(*r, ctx));
            if op == "AND" || op == "OR" {
                return Binary(op, Box::new(l), Box::new(r));
            }
            // A literal compared with a column takes the column's type: the cast is implied.
            let (l, r) = match (
                ctx.column_type(&l).map(str::to_string),
                ctx.column_type(&r).map(str::to_string),
            ) {
                (Some(t), _) if is_literal(&r) => (l, strip_literal_cast(r, &t)),
                (_, Some(t)) if is_literal(&l) => (strip_literal_cast(l, &t), r),
                _ => (l, r),
            };
            Binary(op, Box::new(l), Box::new(r))
        }
        Quantified {
            left,
            op,
            all,
            right,
        } => {
            let left = rewrite(*left, ctx);
            let right = rewrite(*right, ctx);
            let array = match right {
                Cast(inner, t) if t.ends_with("[]") && matches!(*inner, Array(_)) => *inner,
                other => other,
            };
            match (op.as_str(), all, array) {
                ("=", false, Array(items)) => in_list(left, items, false, ctx),
                ("<>", true, Array(items)) => in_list(left, items, true, ctx),
                (_, _, right) => Quantified {
                    left: Box::new(left),
                    op,
                    all,
                    right: Box::new(right),
                },
            }
        }
        In(left, items, not) => {
            let left = rewrite(*left, ctx);
            let items = items.into_iter().map(|i| rewrite(i, ctx)).collect();
            in_list(left, items, not, ctx)
        }
        Prefix(op, inner) => Prefix(op, Box::new(rewrite(*inner, ctx))),
        Is(inner, words) => Is(Box::new(rewrite(*inner, ctx)), words),
        Distinct(l, r, not) => {
            Distinct(Box::new(rewrite(*l, ctx)), Box::new(rewrite(*r, ctx)), not)
        }
        Call {
            name,
            args,
            star,
            distinct,
        } => Call {
            name,
            args: args.into_iter().map(|a| rewrite(a, ctx)).collect(),
            star,
            distinct,
        },
        Array(items) => Array(items.into_iter().map(|i| rewrite(i, ctx)).collect()),
        Case {
            operand,
            whens,
            otherwise,
        } => Case {
            operand: operand.map(|o| Box::new(rewrite(*o, ctx))),
            whens: whens
                .into_iter()
                .map(|(c, v)| (rewrite(c, ctx), rewrite(v, ctx)))
                .collect(),
            otherwise: otherwise.map(|o| Box::new(rewrite(*o, ctx))),
        },
        other => other,
    }
}

/// `x IN (...)`, with the implied casts of its literals removed; one item is `x = item`.
fn in_list(left: Expr, items: Vec<Expr>, not: bool, ctx: &Context) -> Expr {
    let ty = ctx.column_type(&left).map(str::to_string);
    let mut items: Vec<Expr> = items
        .into_iter()
        .map(|i| match &ty {
            Some(t) => strip_literal_cast(i, t),
            None => i,
        })
        .collect();
    if items.len() == 1 {
        let op = if not { "<>" } else { "=" };
        return Expr::Binary(op.into(), Box::new(left), Box::new(items.remove(0)));
    }
    Expr::In(Box::new(left), items, not)
}

// ---------------------------------------------------------------------------------------------
// Printing

fn print(e: &Expr, out: &mut String) {
    match e {
        Expr::Column(c) => out.push_str(&quote_ident(c)),
        Expr::Str(s) => {
            out.push('\'');
            out.push_str(&s.replace('\'', "''"));
            out.push('\'');
        }
        Expr::RawStr(s) | Expr::Num(s) | Expr::Keyword(s) => out.push_str(s),
        Expr::Call {
            name,
            args,
            star,
            distinct,
        } => {
            out.push_str(name);
            out.push('(');
            if *star {
                out.push('*');
            }
            if *distinct {
                out.push_str("DISTINCT ");
            }
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                print(a, out);
            }
            out.push(')');
        }
        Expr::Cast(inner, ty) => {
            child(inner, CAST, out);
            out.push_str("::");
            out.push_str(ty);
        }
        Expr::Prefix(op, inner) => {
            if op == "NOT" {
                out.push_str("NOT ");
                child(inner, NOT, out);
            } else {
                out.push_str(op);
                out.push(' ');
                child(inner, UNARY, out);
            }
        }
        Expr::Binary(op, l, r) => {
            let s = binary_strength(op);
            let (word, s) = match op.as_str() {
                "~~" => ("LIKE", s),
                "!~~" => ("NOT LIKE", s),
                "~~*" => ("ILIKE", s),
                "!~~*" => ("NOT ILIKE", s),
                o => (o, s),
            };
            // AND and OR are associative; comparisons and LIKE do not chain.
            let chains = matches!(s, AND | OR);
            let left_needs = if chains || s > LIKE { s } else { s + 1 };
            child_at(l, left_needs, same_op(l, op) && chains, out);
            out.push(' ');
            out.push_str(word);
            out.push(' ');
            child_at(r, s + 1, same_op(r, op) && chains, out);
        }
        Expr::Is(inner, words) => {
            child(inner, IS + 1, out);
            out.push(' ');
            out.push_str(words);
        }
        Expr::Distinct(l, r, not) => {
            child(l, IS + 1, out);
            out.push_str(if *not {
                " IS NOT DISTINCT FROM "
            } else {
                " IS DISTINCT FROM "
            });
            child(r, IS + 1, out);
        }
        Expr::In(left, items, not) => {
            child(left, LIKE + 1, out);
            out.push_str(if *not { " NOT IN (" } else { " IN (" });
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                print(item, out);
            }
            out.push(')');
        }
        Expr::Quantified {
            left,
            op,
            all,
            right,
        } => {
            child(left, CMP + 1, out);
            out.push(' ');
            out.push_str(op);
            out.push_str(if *all { " ALL (" } else { " ANY (" });
            print(right, out);
            out.push(')');
        }
        Expr::Array(items) => {
            out.push_str("ARRAY[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                print(item, out);
            }
            out.push(']');
        }
        Expr::Case {
            operand,
            whens,
            otherwise,
        } => {
            out.push_str("CASE");
            if let Some(o) = operand {
                out.push(' ');
                print(o, out);
            }
            for (c, v) in whens {
                out.push_str(" WHEN ");
                print(c, out);
                out.push_str(" THEN ");
                print(v, out);
            }
            if let Some(o) = otherwise {
                out.push_str(" ELSE ");
                print(o, out);
            }
            out.push_str(" END");
        }
    }
}

fn same_op(e: &Expr, op: &str) -> bool {
    matches!(e, Expr::Binary(o, ..) if o == op)
}

fn child(e: &Expr, needs: u8, out: &mut String) {
    child_at(e, needs, false, out);
}

/// Prints `e`, in parentheses when it binds less tightly than `needs`.
fn child_at(e: &Expr, needs: u8, exempt: bool, out: &mut String) {
    if strength(e) < needs && !exempt {
        out.push('(');
        print(e, out);
        out.push(')');
    } else {
        print(e, out);
    }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/// The canonical spelling of a check or partial-index predicate over the columns of `ctx`.
pub(crate) fn canonical(expr: &str, ctx: &Context) -> String {
    canonical_with(expr, ctx, &HashMap::new())
}

/// The string literals of `expr` compared with a column whose type spells its values its own
/// way (not text, not an enum), with that column's type: `('2024-01-01', "date")`.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // PostgreSQL's catalog reader uses it
pub(crate) fn typed_literals(expr: &str, ctx: &Context) -> Vec<(String, String)> {
    let mut found = Vec::new();
    if let Ok(e) = parse(expr) {
        let mut e = rewrite(e, ctx);
        typed_literal_slots(&mut e, ctx, &mut |lit, ty| {
            if let Expr::Str(v) = lit {
                found.push((v.clone(), ty.to_string()));
            }
        });
    }
    found
}

/// [`canonical`], with the literals [`typed_literals`] finds replaced by the server's spelling
/// of them, keyed by `(literal, type)`: a number or boolean is written bare.
pub(crate) fn canonical_with(
    expr: &str,
    ctx: &Context,
    spelled: &HashMap<(String, String), String>,
) -> String {
    match parse(expr) {
        Ok(e) => {
            let mut e = rewrite(e, ctx);
            if !spelled.is_empty() {
                typed_literal_slots(&mut e, ctx, &mut |lit, ty| {
                    if let Expr::Str(v) = lit
                        && let Some(s) = spelled.get(&(v.clone(), ty.to_string()))
                    {
                        *lit = server_value(s, ty);
                    }
                });
            }
            let mut out = String::new();
            print(&e, &mut out);
            out
        }
        Err(_) => squeeze(expr),
    }
}

/// A value of type `ty` (named as [`pg_type_name`] does) as the server prints a constant: a
/// number or boolean bare, anything else quoted.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // PostgreSQL's catalog reader uses it
pub(crate) fn server_spelling(v: &str, ty: &str) -> String {
    let mut out = String::new();
    print(&server_value(v, ty), &mut out);
    out
}

/// A value as the server prints it, as an expression of type `ty`.
fn server_value(v: &str, ty: &str) -> Expr {
    if NUMERIC_TYPES.contains(&ty) && is_number(v) {
        Expr::Num(v.to_string())
    } else if ty == "boolean" && matches!(v, "true" | "false") {
        Expr::Keyword(v.to_string())
    } else {
        Expr::Str(v.to_string())
    }
}

/// Calls `f` on every string literal compared (`=`, `<>`, `<`, ...) with, or listed in `IN` for, a
/// column whose values are not spelled verbatim, with the column's type.
fn typed_literal_slots(e: &mut Expr, ctx: &Context, f: &mut dyn FnMut(&mut Expr, &str)) {
    let typed = |x: &Expr| match x {
        Expr::Column(c) => ctx
            .columns
            .get(c)
            .filter(|i| !i.verbatim)
            .map(|i| i.ty.clone()),
        _ => None,
    };
    match e {
        Expr::Binary(op, l, r) if COMPARISONS.contains(&op.as_str()) => {
            if let Some(t) = typed(l)
                && matches!(**r, Expr::Str(_))
            {
                f(r, &t);
            } else if let Some(t) = typed(r)
                && matches!(**l, Expr::Str(_))
            {
                f(l, &t);
            }
            typed_literal_slots(l, ctx, f);
            typed_literal_slots(r, ctx, f);
        }
        Expr::In(left, items, _) => {
            if let Some(t) = typed(left) {
                for i in items.iter_mut().filter(|i| matches!(i, Expr::Str(_))) {
                    f(i, &t);
                }
            }
            typed_literal_slots(left, ctx, f);
            for i in items {
                typed_literal_slots(i, ctx, f);
            }
        }
        Expr::Binary(_, l, r) | Expr::Distinct(l, r, _) => {
            typed_literal_slots(l, ctx, f);
            typed_literal_slots(r, ctx, f);
        }
        Expr::Cast(x, _) | Expr::Prefix(_, x) | Expr::Is(x, _) => typed_literal_slots(x, ctx, f),
        Expr::Quantified { left, right, .. } => {
            typed_literal_slots(left, ctx, f);
            typed_literal_slots(right, ctx, f);
        }
        Expr::Call { args: items, .. } | Expr::Array(items) => {
            for i in items {
                typed_literal_slots(i, ctx, f);
            }
        }
        Expr::Case {
            operand,
            whens,
            otherwise,
        } => {
            for x in operand.iter_mut().chain(otherwise.iter_mut()) {
                typed_literal_slots(x, ctx, f);
            }
            for (c, v) in whens {
                typed_literal_slots(c, ctx, f);
                typed_literal_slots(v, ctx, f);
            }
        }
        Expr::Column(_) | Expr::Str(_) | Expr::RawStr(_) | Expr::Num(_) | Expr::Keyword(_) => {}
    }
}

/// The canonical spelling of a column default; `None` for `NULL` (no default).
pub(crate) fn canonical_default(expr: &str, ty: &ColumnType) -> Option<String> {
    match parse(expr) {
        Ok(e) => {
            // `('now'::text)::date`: a string made text, then converted when a row is inserted
            // (PostgreSQL keeps it so), is no constant: kept as it is, not frozen into `'now'`.
            if let Expr::Cast(inner, to) = &e
                && to != "text"
                && matches!(&**inner, Expr::Cast(s, t) if t == "text" && matches!(**s, Expr::Str(_)))
            {
                let mut out = String::new();
                print(&e, &mut out);
                return Some(out);
            }
            let e = rewrite(e, &Context::default());
            // A literal cast to the column's own type is what `DEFAULT 'x'` means.
            let e = strip_literal_cast(e, &pg_type_name(ty));
            // PostgreSQL stores no default for NULL, cast or not (`NULL::timestamp`).
            if let Expr::Cast(inner, _) = &e
                && **inner == Expr::Keyword("NULL".into())
            {
                return None;
            }
            if e == Expr::Keyword("NULL".into()) {
                return None;
            }
            let mut out = String::new();
            print(&e, &mut out);
            Some(out)
        }
        Err(_) => {
            let s = squeeze(expr);
            (!s.eq_ignore_ascii_case("null")).then_some(s)
        }
    }
}

/// The value of an expression that is one string literal (`'it''s'` is `it's`).
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // PostgreSQL's catalog reader uses it
pub(crate) fn string_literal(expr: &str) -> Option<String> {
    match parse(expr) {
        Ok(Expr::Str(s)) => Some(s),
        _ => None,
    }
}

/// The labels of `column IN ('a', 'b', ...)`, the CHECK that holds an enum's labels in SQLite.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))] // SQLite's catalog reader uses it
pub(crate) fn in_labels(expr: &str, column: &str) -> Option<Vec<String>> {
    let Ok(Expr::In(left, items, false)) = parse(expr) else {
        return None;
    };
    match *left {
        Expr::Column(c) if c.eq_ignore_ascii_case(column) => items
            .into_iter()
            .map(|i| match i {
                Expr::Str(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn parse(expr: &str) -> Result<Expr, SyntaxError> {
    let toks = tokenize(expr, Dialect::EXPRESSIONS)?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
    };
    let e = p.expr()?;
    if p.pos != toks.len() {
        return Err(SyntaxError::Unexpected("text after the expression".into()));
    }
    Ok(e)
}

/// White space outside strings, quoted names and comments collapsed to single spaces (a newline
/// after a line comment, which it ends), and trimmed.
fn squeeze(expr: &str) -> String {
    let expr = expr.trim();
    let mut out = String::with_capacity(expr.len());
    let mut after_line_comment = false;
    for t in lex(expr, Dialect::EXPRESSIONS) {
        match t.kind {
            TokenKind::Whitespace if after_line_comment => out.push('\n'),
            TokenKind::Whitespace => out.push(' '),
            _ => out.push_str(t.text(expr)),
        }
        after_line_comment = t.kind == TokenKind::LineComment;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        let cols = [
            ("a", ColumnType::Text),
            ("b", ColumnType::Varchar(Some(10))),
            ("c", ColumnType::Char(3)),
            ("d", ColumnType::Integer),
            ("e", ColumnType::Numeric(None)),
            ("f", ColumnType::Double),
            ("r", ColumnType::Real),
            ("n", ColumnType::Enum("Pet Type".into())),
            ("Weird Col", ColumnType::Integer),
            ("select", ColumnType::Integer),
            ("arr", ColumnType::Array(Box::new(ColumnType::Text))),
            ("ts", ColumnType::Timestamptz),
            ("j", ColumnType::Jsonb),
        ];
        Context::of_columns(cols.iter().map(|(n, t)| (*n, t)))
    }

    /// Declared spelling, and what PostgreSQL 15 prints for it (`pg_get_expr(.., true)`).
    const PAIRS: &[(&str, &str)] = &[
        ("a <> 'lit'", "a <> 'lit'::text"),
        ("\"b\" <> 'lit'", "b::text <> 'lit'::text"),
        ("length(\"d\"::text) > 0", "length(d::text) > 0"),
        ("\"a\" IS NULL OR \"b\" IS NULL", "a IS NULL OR b IS NULL"),
        ("true", "true"),
        ("n <> 'CAT'", "n <> 'CAT'::\"Pet Type\""),
        ("length(a::text) > 0", "length(a) > 0"),
        ("c = upper(c)", "c::text = upper(c::text)"),
        (
            "r >= 0 AND r <= 1",
            "r >= 0::double precision AND r <= 1::double precision",
        ),
        (
            "n in ('CAT','DOG')",
            "n = ANY (ARRAY['CAT'::\"Pet Type\", 'DOG'::\"Pet Type\"])",
        ),
        ("c <> 'x'", "c <> 'x'::bpchar"),
        (
            "(d > 0) and (e < 10) or (d < -5)",
            "d > 0 AND e < 10::numeric OR d < '-5'::integer",
        ),
        (
            "d > 0 and (e < 10 or d < -5)",
            "d > 0 AND (e < 10::numeric OR d < '-5'::integer)",
        ),
        ("not (d > 0)", "NOT d > 0"),
        ("length(b) > 0", "length(b::text) > 0"),
        (
            "\"Weird Col\" + 1 > \"select\" * 2",
            "(\"Weird Col\" + 1) > (\"select\" * 2)",
        ),
        ("(d + 1) * 2 > 3", "((d + 1) * 2) > 3"),
        (
            "a like 'x%' and a not like 'y%' and a ilike 'z'",
            "a ~~ 'x%'::text AND a !~~ 'y%'::text AND a ~~* 'z'::text",
        ),
        ("d not in (1,2,3)", "d <> ALL (ARRAY[1, 2, 3])"),
        (
            "b in ('x','y') or c in ('ab')",
            "(b::text = ANY (ARRAY['x'::character varying, 'y'::character varying]::text[])) OR c = 'ab'::bpchar",
        ),
        ("a ~ '^x'", "a ~ '^x'::text"),
        (
            "ts > now() - interval '1 day'",
            "ts > (now() - '1 day'::interval)",
        ),
        ("d is not null and e is null", "d IS NOT NULL AND e IS NULL"),
        ("upper(a) = a", "upper(a) = a"),
        ("coalesce(d, 0) >= 0", "COALESCE(d, 0) >= 0"),
        ("d between 1 and 10", "d >= 1 AND d <= 10"),
        ("j ? 'x'", "j ? 'x'::text"),
        ("d > -1", "d > '-1'::integer"),
        ("f > 1.5", "f > 1.5::double precision"),
        ("d::numeric > 1.5", "d::numeric > 1.5"),
        (
            "a <> '' and a is not null",
            "a <> ''::text AND a IS NOT NULL",
        ),
        (
            "n = 'CAT'::\"Pet Type\" or n = 'DOG'",
            "n = 'CAT'::\"Pet Type\" OR n = 'DOG'::\"Pet Type\"",
        ),
        ("d % 2 = 0", "(d % 2) = 0"),
        ("a = lower(a) || 'x'", "a = (lower(a) || 'x'::text)"),
        ("arr <> '{}'", "arr <> '{}'::text[]"),
        (
            "\"d\" IS NOT NULL OR \"a\" IS NULL",
            "d IS NOT NULL OR a IS NULL",
        ),
        ("d IS DISTINCT FROM 3", "d IS DISTINCT FROM 3"),
        (
            "case when d > 0 then true else false end",
            "\nCASE\n    WHEN d > 0 THEN true\n    ELSE false\nEND",
        ),
        ("d != 1", "d <> 1"),
    ];

    #[test]
    fn declared_and_printed_spellings_meet() {
        let ctx = ctx();
        for (declared, printed) in PAIRS {
            let a = canonical(declared, &ctx);
            let b = canonical(printed, &ctx);
            assert_eq!(a, b, "{declared}  vs  {printed}");
            assert_eq!(canonical(&a, &ctx), a, "not idempotent: {a}");
        }
    }

    #[test]
    fn canonical_reads_like_sql_people_write() {
        let ctx = ctx();
        assert_eq!(
            canonical(
                "b::text = ANY (ARRAY['x'::character varying, 'y'::character varying]::text[])",
                &ctx
            ),
            "b IN ('x', 'y')"
        );
        assert_eq!(canonical("d > '-1'::integer", &ctx), "d > -1");
        assert_eq!(canonical("((d + 1) * 2) > 3", &ctx), "(d + 1) * 2 > 3");
        assert_eq!(canonical("\"Weird Col\" > 0", &ctx), "\"Weird Col\" > 0");
        assert_eq!(canonical("\"select\" > 0", &ctx), "\"select\" > 0");
        assert_eq!(canonical("a ~~ 'x%'::text", &ctx), "a LIKE 'x%'");
        assert_eq!(
            canonical("now() - '1 day'::interval < ts", &ctx),
            "now() - '1 day'::interval < ts"
        );
        // Unknown syntax is only squeezed.
        assert_eq!(canonical("EXISTS  (SELECT 1)", &ctx), "EXISTS (SELECT 1)");
        assert_eq!(
            canonical("EXISTS  (SELECT 'a  b' -- c\n\n  )", &ctx),
            "EXISTS (SELECT 'a  b' -- c\n)"
        );
    }

    #[test]
    fn defaults() {
        let t = ColumnType::Text;
        assert_eq!(canonical_default("'x'::text", &t).as_deref(), Some("'x'"));
        assert_eq!(canonical_default("'x'", &t).as_deref(), Some("'x'"));
        assert_eq!(
            canonical_default("'it''s \\ x'::text", &t).as_deref(),
            Some("'it''s \\ x'")
        );
        let v = ColumnType::Varchar(Some(3));
        assert_eq!(
            canonical_default("'y'::character varying", &v).as_deref(),
            Some("'y'")
        );
        let e = ColumnType::Enum("Pet Type".into());
        assert_eq!(
            canonical_default("'CAT'::\"Pet Type\"", &e).as_deref(),
            Some("'CAT'")
        );
        let arr = ColumnType::Array(Box::new(ColumnType::Enum("mood".into())));
        assert_eq!(
            canonical_default("'{}'::mood[]", &arr).as_deref(),
            Some("'{}'")
        );
        assert_eq!(
            canonical_default("'-1'::integer", &ColumnType::SmallInt).as_deref(),
            Some("-1")
        );
        assert_eq!(
            canonical_default("-1", &ColumnType::SmallInt).as_deref(),
            Some("-1")
        );
        assert_eq!(
            canonical_default("'-2.5'::numeric", &ColumnType::Double).as_deref(),
            Some("-2.5")
        );
        assert_eq!(
            canonical_default("now()", &ColumnType::Timestamptz).as_deref(),
            Some("now()")
        );
        assert_eq!(
            canonical_default("current_timestamp", &ColumnType::Timestamptz).as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            canonical_default("CURRENT_TIMESTAMP(0)", &ColumnType::Timestamptz).as_deref(),
            Some("CURRENT_TIMESTAMP(0)")
        );
        assert_eq!(
            canonical_default("localtime(2)", &ColumnType::Time).as_deref(),
            Some("LOCALTIME(2)")
        );
        assert_eq!(
            canonical_default("NULL::timestamp", &ColumnType::Timestamp),
            None
        );
        assert_eq!(
            canonical_default("('now'::text)::date", &ColumnType::Date).as_deref(),
            canonical_default("'now'::text::date", &ColumnType::Date).as_deref(),
        );
        assert_ne!(
            canonical_default("('now'::text)::date", &ColumnType::Date).as_deref(),
            Some("'now'")
        );
        assert_eq!(canonical_default("NULL", &t), None);
        assert_eq!(
            canonical_default("TRUE", &ColumnType::Boolean).as_deref(),
            Some("true")
        );
        assert_eq!(
            canonical_default("(1+1)", &ColumnType::Integer).as_deref(),
            Some("1 + 1")
        );
        assert_eq!(
            canonical_default("lower('A'::text)", &t).as_deref(),
            Some("lower('A')")
        );
        assert_eq!(
            canonical_default("'{}'::jsonb", &ColumnType::Jsonb).as_deref(),
            Some("'{}'")
        );
    }

    #[test]
    fn tokens_come_from_the_sql_lexer() {
        let kinds = |src: &str, sqlite: bool| -> Result<Vec<Tok>, SyntaxError> {
            let dialect = if sqlite {
                Dialect::Sqlite
            } else {
                Dialect::Postgres
            };
            Ok(tokenize(src, dialect)?
                .into_iter()
                .map(|t| t.kind)
                .collect())
        };
        let word = |w: &str| Tok::Word(w.into());
        let op = |o: &str| Tok::Op(o.into());
        assert_eq!(
            kinds("a /* c /* nested */ */ <> 'it''s' -- c\n", false),
            Ok(vec![word("a"), op("<>"), Tok::Str("it's".into())])
        );
        // A string continued on the next line is one value.
        assert_eq!(
            kinds("'a'\n  'b''c'", false),
            Ok(vec![Tok::Str("ab'c".into())])
        );
        assert_eq!(
            kinds("E'\\'' || x::int", false),
            Ok(vec![
                Tok::RawStr("E'\\''".into()),
                op("||"),
                word("x"),
                op("::"),
                word("int")
            ])
        );
        // `=-` is two operators; `u&x` is `u & x`.
        assert_eq!(
            kinds("a=-1", false),
            Ok(vec![word("a"), op("="), op("-"), Tok::Num("1".into())])
        );
        assert_eq!(kinds("u&x", false), Ok(vec![word("u"), op("&"), word("x")]));
        assert_eq!(
            kinds("[a b] = `c`", true),
            Ok(vec![
                Tok::Quoted("a b".into()),
                op("="),
                Tok::Quoted("c".into())
            ])
        );
        assert_eq!(kinds("'open", false), Err(SyntaxError::Unclosed('\'')));
        assert_eq!(kinds("E'open", false), Err(SyntaxError::UnclosedString));
        assert_eq!(kinds("\"open", false), Err(SyntaxError::Unclosed('"')));
        assert_eq!(kinds("[open", true), Err(SyntaxError::Unclosed('[')));
        assert_eq!(kinds("$$x$$", false), Err(SyntaxError::UnexpectedChar('$')));
        assert_eq!(
            kinds("a \\ b", false),
            Err(SyntaxError::UnexpectedChar('\\'))
        );
    }

    #[test]
    fn quoting_follows_postgres() {
        assert_eq!(quote_ident("weight"), "weight");
        assert_eq!(quote_ident("Weight"), "\"Weight\"");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("name"), "name");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("1a"), "\"1a\"");
    }
}
