//! Every rule `migrate lint` knows: its stable id, default level, where its check lives, the
//! dialects it applies to (every one, or those with a [`Capability`]), and the safe rewrite its
//! `help:` shows.
//!
//! Rules marked [`Origin::Squawk`] are checked by the `squawk-linter` crate; `migrate` sets their
//! level and writes their help (the rewrite that fits a `migrate` migration directory). Rules
//! marked [`Origin::Migrate`] are checked here, in `rules/`, one file per rule.

use super::Level;
use crate::dialect::{Capability, Dialect};

/// Where a rule's check is implemented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The `squawk-linter` crate's rule of the same id.
    Squawk,
    /// `migrate`'s own rule (`lint/rules/`).
    Migrate,
}

/// Which dialects a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Every dialect.
    Always,
    /// The dialects that have this capability.
    With(Capability),
}

impl Applies {
    /// Whether the rule applies to `dialect`.
    pub fn to(self, dialect: Dialect) -> bool {
        match self {
            Applies::Always => true,
            Applies::With(c) => dialect.ops().has(c),
        }
    }
}

/// One lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case id: what `[lint]` and `-- migrate:allow` name.
    pub id: &'static str,
    /// The level when `[lint]` does not set one.
    pub level: Level,
    /// Where the rule is implemented.
    pub origin: Origin,
    /// The dialects it applies to.
    pub applies: Applies,
    /// What it catches, in one line (for `migrate lint --rules` and the docs).
    pub summary: &'static str,
    /// The safe rewrite, shown as `help:` under every finding.
    pub help: &'static str,
}

/// PostgreSQL's grammar and locks: squawk's rules.
const POSTGRES_SQL: Applies = Applies::With(Capability::PostgresSql);
const ALWAYS: Applies = Applies::Always;
use Level::{Error, Off, Warning};
use Origin::{Migrate, Squawk};

const fn rule(
    id: &'static str,
    level: Level,
    origin: Origin,
    applies: Applies,
    summary: &'static str,
    help: &'static str,
) -> Rule {
    Rule {
        id,
        level,
        origin,
        applies,
        summary,
        help,
    }
}

/// Every rule, in the order the documentation lists them.
pub const RULES: &[Rule] = &[
    // ---- Locks and table rewrites (squawk) ------------------------------------------------
    rule(
        "require-concurrent-index-creation",
        Error,
        Squawk,
        POSTGRES_SQL,
        "CREATE INDEX on an existing table blocks writes while the index builds",
        "build it without blocking writes: `CREATE INDEX CONCURRENTLY IF NOT EXISTS name ON table (...)` \
         in a migration of its own that starts with `-- migrate:no-transaction`",
    ),
    rule(
        "require-concurrent-index-deletion",
        Error,
        Squawk,
        POSTGRES_SQL,
        "DROP INDEX takes an ACCESS EXCLUSIVE lock on the table",
        "`DROP INDEX CONCURRENTLY IF EXISTS name` in a migration of its own that starts with \
         `-- migrate:no-transaction`",
    ),
    rule(
        "require-concurrent-reindex",
        Error,
        Squawk,
        POSTGRES_SQL,
        "REINDEX without CONCURRENTLY blocks writes (and reads that use the index)",
        "`REINDEX INDEX CONCURRENTLY name` in a migration that starts with `-- migrate:no-transaction`",
    ),
    rule(
        "require-concurrent-partition-detach",
        Error,
        Squawk,
        POSTGRES_SQL,
        "DETACH PARTITION without CONCURRENTLY locks the parent table",
        "`ALTER TABLE parent DETACH PARTITION child CONCURRENTLY` in a migration that starts with \
         `-- migrate:no-transaction`",
    ),
    rule(
        "constraint-missing-not-valid",
        Error,
        Squawk,
        POSTGRES_SQL,
        "ADD CONSTRAINT scans the whole table under a lock (or validates in the transaction that added it)",
        "add it with `NOT VALID` (existing rows are not checked, new ones are), then \
         `ALTER TABLE t VALIDATE CONSTRAINT c` in a later migration: validation takes a lock that lets \
         reads and writes go on",
    ),
    rule(
        "adding-foreign-key-constraint",
        Error,
        Squawk,
        POSTGRES_SQL,
        "a foreign key added to an existing table locks both tables while every row is checked",
        "`ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (col) REFERENCES other (id) NOT VALID`, then \
         `ALTER TABLE t VALIDATE CONSTRAINT fk` in a later migration",
    ),
    rule(
        "disallowed-unique-constraint",
        Error,
        Squawk,
        POSTGRES_SQL,
        "ADD CONSTRAINT ... UNIQUE builds its index while blocking reads and writes",
        "build the index first: `CREATE UNIQUE INDEX CONCURRENTLY t_col_key ON t (col)` in a \
         `-- migrate:no-transaction` migration, then `ALTER TABLE t ADD CONSTRAINT t_col_key UNIQUE USING INDEX t_col_key`",
    ),
    rule(
        "adding-serial-primary-key-field",
        Error,
        Squawk,
        POSTGRES_SQL,
        "ADD PRIMARY KEY builds its index while blocking reads and writes",
        "build the index first: `CREATE UNIQUE INDEX CONCURRENTLY t_pkey_idx ON t (id)` in a \
         `-- migrate:no-transaction` migration, then `ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey_idx`",
    ),
    rule(
        "adding-field-with-default",
        Error,
        Squawk,
        POSTGRES_SQL,
        "a column added with a volatile default (or a generated column) rewrites the table under an ACCESS EXCLUSIVE lock",
        "add the column with no default or a constant one (PostgreSQL 11+ stores a constant without a rewrite), \
         backfill the values in batches, then `ALTER COLUMN ... SET DEFAULT ...`",
    ),
    rule(
        "adding-required-field",
        Error,
        Squawk,
        POSTGRES_SQL,
        "a NOT NULL column without a default fails on a table with rows, and breaks code that inserts without it",
        "give it a constant `DEFAULT`, or add it nullable, backfill it in batches, then make it NOT NULL \
         through a validated CHECK (see adding-not-nullable-field)",
    ),
    rule(
        "adding-not-nullable-field",
        Error,
        Squawk,
        POSTGRES_SQL,
        "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
        "`ALTER TABLE t ADD CONSTRAINT t_col_not_null CHECK (col IS NOT NULL) NOT VALID`; in a later migration \
         `ALTER TABLE t VALIDATE CONSTRAINT t_col_not_null`, then `ALTER COLUMN col SET NOT NULL` (no scan: the \
         validated check proves it) and `DROP CONSTRAINT t_col_not_null`",
    ),
    rule(
        "changing-column-type",
        Error,
        Squawk,
        POSTGRES_SQL,
        "ALTER COLUMN ... TYPE rewrites the table under an ACCESS EXCLUSIVE lock and breaks running code",
        "expand and contract: add a column of the new type, write both, backfill it in batches, move the \
         readers to it, then drop the old one (`strategy = \"expand-contract\"` in the schema does this)",
    ),
    rule(
        "ban-alter-domain-with-add-constraint",
        Error,
        Squawk,
        POSTGRES_SQL,
        "ALTER DOMAIN ... ADD CONSTRAINT checks every column of the domain under a lock",
        "put the CHECK on the table columns instead, added `NOT VALID` and validated in a later migration",
    ),
    rule(
        "ban-create-domain-with-constraint",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "a domain with a constraint cannot later change that constraint without locking every table using it",
        "use a plain domain (or the base type) and put the CHECK on the table columns",
    ),
    // ---- Breaking running code (squawk) ---------------------------------------------------
    rule(
        "ban-drop-column",
        Error,
        Squawk,
        ALWAYS,
        "dropping a column loses its data and breaks running code that reads it",
        "remove every use of the column from the code and deploy that first; then drop it with \
         `-- migrate:allow ban-drop-column: <why it is safe>` on the line above (or declare `drop_columns` in \
         the schema and run `migrate generate`)",
    ),
    rule(
        "ban-drop-table",
        Error,
        Squawk,
        ALWAYS,
        "dropping a table loses its data and breaks running code that uses it",
        "remove every use of the table from the code and deploy that first; then drop it with \
         `-- migrate:allow ban-drop-table: <why it is safe>` on the line above (or declare `drop_tables` in \
         the schema and run `migrate generate`)",
    ),
    rule(
        "ban-drop-database",
        Error,
        Squawk,
        POSTGRES_SQL,
        "DROP DATABASE in a migration deletes everything",
        "drop databases by hand (or with `migrate database drop` on a development machine), never in a migration",
    ),
    rule(
        "ban-truncate-cascade",
        Error,
        Squawk,
        POSTGRES_SQL,
        "TRUNCATE ... CASCADE empties every table that references this one, too",
        "truncate the tables you mean by name, without CASCADE, with `-- migrate:allow destructive-statement: <why>`",
    ),
    rule(
        "renaming-column",
        Error,
        Squawk,
        ALWAYS,
        "renaming a column breaks running code that uses the old name",
        "expand and contract: add the new column, write both, backfill, move readers, then drop the old one; \
         if no running code uses the column yet, say so with `-- migrate:allow renaming-column: <why>`",
    ),
    rule(
        "renaming-table",
        Error,
        Squawk,
        ALWAYS,
        "renaming a table breaks running code that uses the old name",
        "rename it and `CREATE VIEW old_name AS SELECT * FROM new_name` in the same migration, drop the view once \
         no code uses the old name; or, if nothing uses it yet, `-- migrate:allow renaming-table: <why>`",
    ),
    rule(
        "ban-drop-not-null",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "DROP NOT NULL breaks running code that assumes the column is never NULL",
        "make sure every reader handles NULL first; then keep the statement with \
         `-- migrate:allow ban-drop-not-null: <why>`",
    ),
    // ---- Transactions (squawk) ------------------------------------------------------------
    rule(
        "transaction-nesting",
        Error,
        Squawk,
        ALWAYS,
        "BEGIN/COMMIT inside a migration that the runner already wraps in a transaction",
        "remove BEGIN/COMMIT/ROLLBACK: each migration runs in its own transaction; split statements that must \
         commit separately into migrations of their own",
    ),
    rule(
        "ban-uncommitted-transaction",
        Error,
        Squawk,
        ALWAYS,
        "a BEGIN with no COMMIT leaves the session in an open transaction",
        "remove the BEGIN (the runner manages transactions), or end the block with COMMIT",
    ),
    rule(
        "prefer-robust-stmts",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "a statement in a no-transaction migration that fails when run a second time",
        "a no-transaction migration that fails part-way is run again from the top: write `IF NOT EXISTS` / \
         `IF EXISTS` so every statement can be repeated",
    ),
    // ---- Types (squawk) -------------------------------------------------------------------
    rule(
        "prefer-bigint-over-int",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "a 32-bit integer column (`int`, `serial`) runs out at 2^31, and widening it rewrites the table",
        "use `bigint` (`bigint GENERATED ALWAYS AS IDENTITY` for keys)",
    ),
    rule(
        "prefer-bigint-over-smallint",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "a 16-bit integer column runs out at 32767, and widening it rewrites the table",
        "use `bigint` (`integer` when the range is known to be small)",
    ),
    rule(
        "prefer-identity",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "`serial` columns own a sequence with surprising permissions and dump behaviour",
        "`bigint GENERATED ALWAYS AS IDENTITY` (in the schema: `identity = true`)",
    ),
    rule(
        "prefer-text-field",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "changing a `varchar(n)` length later takes an ACCESS EXCLUSIVE lock",
        "`text` with `CHECK (char_length(col) <= n)`: the check can be replaced `NOT VALID` without a lock",
    ),
    rule(
        "prefer-timestamp-tz",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "`timestamp` without time zone changes meaning when a client's time zone differs",
        "`timestamptz` (`timestamp with time zone`): it stores an instant",
    ),
    rule(
        "ban-char-field",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "`char(n)` pads values with spaces and is never faster than `text`",
        "`text` (or `varchar(n)`)",
    ),
    rule(
        "require-enum-value-ordering",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "ALTER TYPE ... ADD VALUE without BEFORE/AFTER puts the label last, whatever the intended order",
        "say where it goes: `ALTER TYPE t ADD VALUE 'x' BEFORE 'y'` (or `AFTER`)",
    ),
    rule(
        "identifier-too-long",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "PostgreSQL silently truncates identifiers longer than 63 bytes",
        "use a name of at most 63 bytes, so the database's name is the one the code and schema use",
    ),
    rule(
        "ban-duplicate-column-assignments",
        Error,
        Squawk,
        POSTGRES_SQL,
        "a column assigned twice in one UPDATE or INSERT fails",
        "assign each column once",
    ),
    // ---- Timeouts (squawk; the runner sets them) ------------------------------------------
    rule(
        "require-lock-timeout",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "a statement that waits for a lock with no lock_timeout (only when migrate.toml sets `lock_timeout = \"0\"`)",
        "keep the runner's `lock_timeout` (remove `lock_timeout = \"0\"` from migrate.toml), or \
         `SET lock_timeout = '5s';` at the top of the migration",
    ),
    rule(
        "require-statement-timeout",
        Warning,
        Squawk,
        POSTGRES_SQL,
        "a slow statement with no statement_timeout (only when migrate.toml sets `statement_timeout = \"0\"`)",
        "keep the runner's `statement_timeout` (remove `statement_timeout = \"0\"` from migrate.toml), or \
         `SET statement_timeout = '15min';` at the top of the migration",
    ),
    rule(
        "require-table-schema",
        Off,
        Squawk,
        POSTGRES_SQL,
        "a table named without its schema (`public.pets`); off unless `[lint]` turns it on",
        "name the schema: `public.pets`",
    ),
    // ---- migrate's own rules --------------------------------------------------------------
    rule(
        "syntax-error",
        Error,
        Migrate,
        POSTGRES_SQL,
        "the migration is not valid PostgreSQL",
        "fix the SQL: the runner would fail on this statement",
    ),
    rule(
        "unchecked-statement",
        Warning,
        Migrate,
        ALWAYS,
        "a statement the SQL parser gives up on (e.g. `WITH OIDS`): no rule checked it",
        "review the statement by hand; it runs as written. The parser is squawk's: a statement it cannot \
         read is worth reporting to the squawk project",
    ),
    rule(
        "bad-directive",
        Error,
        Migrate,
        ALWAYS,
        "a `-- migrate:` line that is not a directive as written (misspelled, misplaced, no space after `--`)",
        "write it as the migration directory reads it: `-- migrate:KEY [VALUE]` at the top of the file \
         (`-- migrate:allow` may stand before any statement); `migrate check` and `migrate up` refuse the file \
         until then",
    ),
    rule(
        "needs-no-transaction",
        Error,
        Migrate,
        ALWAYS,
        "a statement that cannot run inside a transaction, in a migration the runner wraps in one",
        "move the statement to a migration of its own whose first line is `-- migrate:no-transaction`",
    ),
    rule(
        "no-transaction-unneeded",
        Warning,
        Migrate,
        ALWAYS,
        "`-- migrate:no-transaction` on a migration with no statement that needs it",
        "remove `-- migrate:no-transaction`: in a transaction, a failure part-way leaves nothing behind",
    ),
    rule(
        "destructive-statement",
        Error,
        Migrate,
        ALWAYS,
        "TRUNCATE, or dropping a schema, type, sequence, view, function or extension that code or data depends on",
        "remove every use from the code first; then keep the statement with \
         `-- migrate:allow destructive-statement: <why it is safe>` on the line above",
    ),
    rule(
        "data-change-without-where",
        Warning,
        Migrate,
        ALWAYS,
        "UPDATE or DELETE of every row of a table that exists before this migration, in one statement",
        "make it a batched data migration of its own: first line `-- migrate:batch table=t`, the statement \
         `UPDATE t SET ... WHERE <not yet done> AND :batch`; the runner walks the table in key order, one \
         short transaction per batch, resumable (docs/backfills.md), so no transaction holds every row lock",
    ),
    rule(
        "copy-from-stdin",
        Error,
        Migrate,
        ALWAYS,
        "COPY ... FROM STDIN: the runner has no input stream to send",
        "load the rows with `INSERT ... VALUES`, or with `psql \\copy` outside the migration",
    ),
    rule(
        "sqlite-alter-unsupported",
        Error,
        Migrate,
        Applies::With(Capability::LimitedAlterTable),
        "an ALTER TABLE form SQLite does not have (ALTER COLUMN, ADD/DROP CONSTRAINT, several actions, a \
         NOT NULL / UNIQUE / PRIMARY KEY / non-constant-default column)",
        "rebuild the table: `CREATE TABLE new_t (...)`, `INSERT INTO new_t SELECT ... FROM t`, `DROP TABLE t`, \
         `ALTER TABLE new_t RENAME TO t`, then re-create its indexes (what `migrate generate` writes)",
    ),
    rule(
        "sqlite-drop-column",
        Warning,
        Migrate,
        Applies::With(Capability::RestrictedDropColumn),
        "SQLite's DROP COLUMN fails when the column is a key, UNIQUE, indexed, referenced, or used by a view, \
         trigger, CHECK or generated column",
        "drop the indexes and views using it first, or rebuild the table without the column (what \
         `migrate generate` writes)",
    ),
    rule(
        "allow-without-reason",
        Error,
        Migrate,
        ALWAYS,
        "`-- migrate:allow RULE` with no reason: the reason is what a reviewer reads",
        "write why it is safe after a colon: `-- migrate:allow RULE: <reason>`",
    ),
    rule(
        "unknown-rule",
        Error,
        Migrate,
        ALWAYS,
        "`-- migrate:allow` names a rule that does not exist",
        "name a rule `migrate lint --rules` lists",
    ),
    rule(
        "unused-allow",
        Warning,
        Migrate,
        ALWAYS,
        "`-- migrate:allow` that suppresses nothing in the statement after it",
        "remove the comment, or move it to the line above the statement it is about",
    ),
];

/// Squawk's rules that `migrate` does not expose, and why (a squawk upgrade that adds a rule fails
/// a test until it is added to [`RULES`] or here).
pub const NOT_EXPOSED: &[(&str, &str)] = &[
    (
        "unused-ignore",
        "about squawk's own `squawk-ignore` comments; `-- migrate:allow` has unused-allow",
    ),
    (
        "ban-concurrent-index-creation-in-transaction",
        "covered by needs-no-transaction, which also flags a migration of one statement (squawk assumes a \
         lone statement runs outside a transaction; `migrate`'s runner wraps it in one)",
    ),
    (
        "prefer-repack",
        "speaks only for PostgreSQL 19 (`REPACK`); `migrate` targets a server version below that",
    ),
    (
        "require-timeout-settings",
        "an alias of require-lock-timeout and require-statement-timeout",
    ),
];

/// Rules about choices the schema declares (column types, names): in a migration `migrate
/// generate` wrote, the schema made the choice and is where it is reviewed, so these rules check
/// hand-written migrations only.
pub const SCHEMA_CHOICES: &[&str] = &[
    "prefer-bigint-over-int",
    "prefer-bigint-over-smallint",
    "prefer-identity",
    "prefer-text-field",
    "prefer-timestamp-tz",
    "ban-char-field",
    "identifier-too-long",
    // `nullable = true` and `renamed_from` declare these changes explicitly.
    "ban-drop-not-null",
    "renaming-column",
    "renaming-table",
];

/// Rules about changes the schema acknowledges (`drop_tables`, `drop_columns`, `renamed_from`,
/// `type_changed_from`, `drop_enums`, `backfill`, ...): in a migration `migrate generate` wrote, the header's
/// `-- Acknowledged:` lines are the acknowledgement, and findings of these rules are reported as
/// allowed with that text as the reason.
pub const ACKNOWLEDGED_IN_SCHEMA: &[&str] = &[
    "ban-drop-table",
    "ban-drop-column",
    "renaming-table",
    "renaming-column",
    "changing-column-type",
    "ban-drop-not-null",
    "adding-not-nullable-field",
    "adding-required-field",
    "destructive-statement",
    "sqlite-drop-column",
];

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Every rule id, for did-you-mean suggestions.
pub fn ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.id)
}
