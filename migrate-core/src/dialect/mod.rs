//! The dialect seam: everything `migrate` knows about one database, behind one trait.
//!
//! Each dialect is a folder (`postgres/`, `sqlite/`) whose `mod.rs` implements [`DialectOps`]:
//! its name, how it quotes and limits identifiers, how its client splits a file into statements,
//! which statements must run outside a transaction, the SQL of every [`Change`], what it refuses
//! in a migration file, how an enum maps to Rust, and the capabilities that the safety and lint
//! rules ask about. This part is pure (no database client): the proc-macro crate uses it.
//! The database-facing half of a dialect (connecting, applying, locking, introspecting) lives in
//! the same folder behind the `runtime` feature: [`runtime::Runtime`] (`<dialect>/runtime.rs`),
//! and the connection's [`runtime`] driver (`<dialect>/driver.rs` and its helpers), behind the
//! dialect's own cargo feature (`postgres`, `sqlite`).
//!
//! A dialect is registered once, in the `dialects!` list at the bottom of this file; that list
//! declares the folder, the [`Dialect`] variant, [`Dialect::ALL`] and [`Dialect::ops`], the only
//! `match` on a dialect. Everything else asks [`Dialect::ops`].

use std::fmt;

#[cfg(feature = "runtime")]
pub mod runtime;

use crate::diff::phased::{Phased, PhasedSql};
use crate::diff::{Change, Diff};
use crate::safety::SafetyCode;
use crate::schema::{ColumnType, Schema};
use crate::sql::lex::TokenKind;
use crate::sql::split::StatementEnds;
use crate::sql::{Rendered, Stage};

/// What a dialect knows without a database. One implementation per dialect folder.
///
/// Methods with a default describe what most SQL databases do; a dialect overrides what differs.
pub trait DialectOps: fmt::Debug + Sync {
    /// The variant this implements.
    fn dialect(&self) -> Dialect;

    /// The name written in `migrate.toml` (`dialect = "postgres"`) and shown in output.
    fn name(&self) -> &'static str;

    /// Other spellings accepted in `migrate.toml` and on the command line.
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }

    /// The product's own name, for messages: `PostgreSQL`, `SQLite`.
    fn title(&self) -> &'static str;

    /// The `database_url` that `migrate init` writes for a new project.
    fn example_url(&self) -> &'static str;

    /// Whether the dialect can do (or behaves as) `capability` says. The lint and safety rules
    /// ask this instead of naming a dialect.
    fn has(&self, capability: Capability) -> bool;

    // ---- identifiers and literals ----

    /// A quoted identifier. Every identifier `migrate` writes is quoted, always.
    fn quote_ident(&self, name: &str) -> String {
        crate::sql::ident(name)
    }

    /// The longest identifier the database keeps, in bytes; `None` when it has no limit.
    fn max_identifier_bytes(&self) -> Option<usize> {
        None
    }

    /// A string literal that reads back as `text`.
    fn literal(&self, text: &str) -> String {
        crate::sql::literal(text)
    }

    /// Why a table name cannot be schema-qualified here, for a dialect without
    /// [`Capability::Schemas`].
    fn why_no_schemas(&self) -> String {
        format!("{} has no schemas", self.title())
    }

    // ---- migration files ----

    /// The token of `src` that starts at byte `at`, by the dialect's lexical rules (the
    /// [lexer](crate::sql::lex) calls this): its kind, the byte just past it, and up to where the
    /// bytes after it are one-byte operators (an operator that gives a trailing `+`/`-` back, as
    /// PostgreSQL's `=-` is `=` then `-`; `0` when none is).
    fn token(&self, src: &[u8], at: usize) -> (TokenKind, usize, usize);

    /// A fresh splitter state: which `;` ends a statement, as the dialect's own client decides.
    fn statement_ends(&self) -> Box<dyn StatementEnds>;

    /// Whether a block comment never closed is a comment to the end of the file (SQLite), not
    /// an error.
    fn open_comment_runs_to_end(&self) -> bool {
        false
    }

    // ---- rendering a diff ----

    /// What `schema` declares that this database cannot hold (an operator class on SQLite),
    /// each a diagnostic naming the object, the dialect and the fix. Empty, the default, when
    /// the dialect holds every declaration.
    fn refuse(&self, schema: &Schema) -> Vec<crate::diagnostic::Diagnostic> {
        let _ = schema;
        Vec::new()
    }

    /// The SQL of every change of `diff`, in order, each statement in its [`Stage`].
    fn render(&self, diff: &Diff, from: &Schema, to: &Schema) -> Rendered;

    /// A statement of a family migration ([`crate::family`]), rewritten to leave a member that
    /// already has its change as it is (`ADD COLUMN IF NOT EXISTS`, `CREATE INDEX IF NOT
    /// EXISTS`, …) and to run inside the migration's transaction (no `CONCURRENTLY`). The
    /// default leaves it as it is.
    fn family_statement(&self, sql: &str) -> String {
        sql.to_string()
    }

    /// The stages that `change` has statements in, for naming and grouping generated files.
    /// A dialect that renders a diff as a whole (not change by change) puts every change in
    /// [`Stage::Tx`], the default.
    fn change_stages(&self, change: &Change, from: &Schema, to: &Schema) -> Vec<Stage> {
        let _ = (change, from, to);
        vec![Stage::Tx]
    }

    /// Whether `statements`, a file of [`Stage::Before`], hold only new enum labels, and if so
    /// the sentence its header gives for running them alone (the file is then named
    /// `<name>_enum_labels`). `None`, the default, for a dialect that never puts labels there.
    fn enum_labels_file(&self, statements: &[String]) -> Option<&'static str> {
        let _ = statements;
        None
    }

    /// How the renderer carries out what `code` names on a table that already has rows: what
    /// the safety rules for keys, indexes and constraints report.
    fn execution(&self, code: SafetyCode) -> Execution;

    // ---- the expand/contract route ----

    /// Why a change cannot take the expand/contract route here (`strategy = "expand-contract"`);
    /// `None` when it can, and [`render_phased`](Self::render_phased) writes its phases.
    fn why_no_expand_contract(&self) -> Option<String> {
        Some(format!(
            "{} has no generated expand/contract steps; the change is made in place",
            self.title()
        ))
    }

    /// The SQL of each phase of a change made in phases (expand, backfill, validate, contract).
    /// Asked only when [`why_no_expand_contract`](Self::why_no_expand_contract) is `None`.
    fn render_phased(&self, change: &Phased, from: &Schema, to: &Schema) -> PhasedSql {
        let _ = (change, from, to);
        PhasedSql::default()
    }

    // ---- macros ----

    /// How `schema!` maps an enum type onto sqlx for this dialect.
    fn sqlx_enum(&self) -> SqlxEnum;

    /// Whether sqlx decodes, from this dialect's rows, the Rust type `schema!` maps a column of
    /// type `ty` to. A table's `FromRow` impl for the dialect is written only when every
    /// column's is (a schema mapped for every dialect may use types only one of them has).
    fn sqlx_decodes(&self, ty: &ColumnType) -> bool {
        // A type the language does not model maps to a `String` sqlx does not decode it into.
        !ty.is_other()
    }
}

/// A capability a rule may ask a dialect about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Its SQL is PostgreSQL's: the PostgreSQL grammar parses it, and the PostgreSQL lock rules
    /// (squawk's) and `syntax-error` apply.
    PostgresSql,
    /// A table may be schema-qualified (`schema.table`), e.g. the history table.
    Schemas,
    /// `-- migrate:no-transaction` runs a file statement by statement outside a transaction;
    /// without it, every file runs in one transaction whatever its directives say.
    NoTransactionFiles,
    /// `COPY … FROM STDIN` / `TO STDOUT` exist (and would wait for, or send to, a client).
    CopyStdio,
    /// `ALTER TABLE` does one of rename / `ADD COLUMN` (no key, no UNIQUE, a constant default) /
    /// `DROP COLUMN` per statement; anything else needs a table rebuild.
    LimitedAlterTable,
    /// `DROP COLUMN` fails when the column is a key, UNIQUE, indexed, referenced, or used by a
    /// view, trigger, CHECK or generated column.
    RestrictedDropColumn,
    /// Declarative partitioning: `PARTITION BY`, partitions attached and detached.
    Partitioning,
    /// Functions, procedures, aggregates and materialized views exist, and a trigger calls a
    /// function; without it a trigger has a body of statements and none of those exist.
    Routines,
    /// Domains, sequences of their own, UNLOGGED tables and NOT VALID constraints exist.
    StorageOptions,
}

/// How a dialect carries out a key, index or constraint added to a table with rows (the safety
/// tests check that the SQL its renderer writes agrees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Execution {
    /// `CREATE INDEX CONCURRENTLY`, in a migration of its own outside a transaction.
    Concurrently,
    /// `ADD ... NOT VALID`, then `VALIDATE CONSTRAINT`, outside a transaction.
    NotValidThenValidated,
    /// A plain statement in the migration's transaction, holding its lock until it commits.
    InTransaction,
    /// The table is rebuilt (copied into a new one with the change) in the migration's
    /// transaction: the dialect cannot alter a table's keys or constraints.
    Rebuild,
}

/// The sqlx side of what `schema!` generates for a dialect: the names its impls use, under
/// `::sqlx::` (an enum type's `Type`, `Encode`, `Decode`; a table's `FromRow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqlxEnum {
    /// The database type: `Postgres` (`::sqlx::Postgres`).
    pub database: &'static str,
    /// The driver module: `postgres` (`::sqlx::postgres`).
    pub module: &'static str,
    /// The type-info type in that module: `PgTypeInfo`.
    pub type_info: &'static str,
    /// The row type in that module, which `schema!`'s `FromRow` impls read: `PgRow`.
    pub row: &'static str,
    /// How a label is stored.
    pub storage: EnumStorage,
}

/// How a dialect stores an enum label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumStorage {
    /// As a database type of its own, named by the (quoted) enum name, with an array type;
    /// `array_trait` is the driver module's trait for the array type (`PgHasArrayType`).
    NamedType {
        /// The driver module's trait for the array type.
        array_trait: &'static str,
    },
    /// As text (with a CHECK constraint on the labels).
    Text,
}

impl Dialect {
    /// What a configuration without `dialect` and a new project (`migrate init`) use.
    pub const DEFAULT: Dialect = Dialect::Sqlite;

    /// The dialect whose grammar the linter parses (squawk reads PostgreSQL): what `migrate lint`
    /// reads a file as outside a project, and how it splits a file the parser gives up on.
    pub const LINT_GRAMMAR: Dialect = Dialect::Postgres;

    /// The dialect whose syntax a schema's expressions (defaults, checks, index expressions and
    /// predicates) are written in and compared as: PostgreSQL's, which the other dialects'
    /// renderers translate (SQLite's strips `::` casts). The lexer reads them with its rules.
    pub const EXPRESSIONS: Dialect = Dialect::Postgres;

    /// Parses a name from `migrate.toml` or the command line (`postgres`, `postgresql`, `sqlite`).
    pub fn parse(s: &str) -> Option<Dialect> {
        Dialect::ALL.iter().copied().find(|d| {
            let ops = d.ops();
            ops.name() == s || ops.aliases().contains(&s)
        })
    }

    /// The longest identifier a schema may use, in bytes, and the dialect whose limit that is:
    /// the shortest [`DialectOps::max_identifier_bytes`] of the registered dialects, since a
    /// schema is written once for all of them. `None` when none limits identifiers.
    pub fn identifier_limit() -> Option<(usize, Dialect)> {
        Dialect::ALL
            .iter()
            .filter_map(|d| Some((d.ops().max_identifier_bytes()?, *d)))
            .min_by_key(|(max, _)| *max)
    }

    /// The name written in `migrate.toml`.
    pub fn as_str(self) -> &'static str {
        self.ops().name()
    }

    /// Every dialect's name written as `form` writes it, joined with `or`, for help texts:
    /// `` Dialect::choices(|d| format!("`dialect = \"{d}\"`")) `` is
    /// `` `dialect = "postgres"` or `dialect = "sqlite"` ``.
    pub fn choices(form: impl Fn(&str) -> String) -> String {
        Dialect::ALL
            .iter()
            .map(|d| form(d.as_str()))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares each dialect's folder and [`Dialect`] variant, [`Dialect::ALL`] and [`Dialect::ops`].
macro_rules! dialects {
    ($( $(#[$doc:meta])* $variant:ident => $folder:ident :: $ops:ident, )+) => {
        $( pub mod $folder; )+

        /// The SQL dialect migrations are written for. Ask [`Dialect::ops`] what it knows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Dialect {
            $( $(#[$doc])* $variant, )+
        }

        impl Dialect {
            /// Every dialect, in registration order.
            pub const ALL: &'static [Dialect] = &[$( Dialect::$variant, )+];

            /// What this dialect knows: the one place a dialect is matched.
            pub fn ops(self) -> &'static dyn DialectOps {
                match self {
                    $( Dialect::$variant => &$folder::$ops, )+
                }
            }

            /// How this dialect reaches a database (the `runtime` feature): the same registered
            /// value, seen through [`runtime::Runtime`]. Its driver may be compiled out (the
            /// dialect's cargo feature): connecting then says which feature to build with.
            #[cfg(feature = "runtime")]
            pub fn runtime(self) -> &'static dyn runtime::Runtime {
                match self {
                    $( Dialect::$variant => &$folder::$ops, )+
                }
            }
        }
    };
}

// The registration: one line per dialect.
dialects! {
    /// PostgreSQL.
    Postgres => postgres::Postgres,
    /// SQLite.
    Sqlite => sqlite::Sqlite,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &d in Dialect::ALL {
            assert_eq!(d.ops().dialect(), d);
            assert_eq!(Dialect::parse(d.as_str()), Some(d));
            for alias in d.ops().aliases() {
                assert_eq!(Dialect::parse(alias), Some(d));
            }
        }
        assert_eq!(Dialect::parse("postgresql"), Some(Dialect::Postgres));
        assert_eq!(Dialect::parse("mysql"), None);
        assert_eq!(
            Dialect::choices(|d| format!("`{d}`")),
            "`postgres` or `sqlite`"
        );
    }
}
