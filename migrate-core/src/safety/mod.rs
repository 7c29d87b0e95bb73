//! Which changes are safe, and which must be acknowledged in the schema before they are generated.
//!
//! Every change gets a [`Risk`]. A change that loses data or breaks the code running against the
//! database today is refused until the schema file acknowledges it: `drop_tables`, `drop_columns`,
//! `drop_enums`, `drop_values`, `renamed_from`, `type_changed_from` or `backfill`. A refusal names
//! the change, says why, and prints the exact TOML that acknowledges it.
//!
//! Each rule is a function of its own in `rules/`, one file per change kind with its tests beside
//! it, and finds its assessment under a stable [`SafetyCode`]; `assess` dispatches each change to
//! its rule. A change no rule speaks for is [`SafetyCode::Compatible`].

use std::fmt;

use crate::config::Dialect;
use crate::diagnostic::Explain;
use crate::diff::{Change, Diff};
use crate::schema::Schema;

mod ack;
mod code;
mod rules;

pub use ack::Acknowledgement;
pub use code::SafetyCode;

/// How dangerous a change is, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Risk {
    /// Old and new code both keep working; nothing is lost.
    Safe,
    /// Holds a lock that blocks reads or writes of a busy table while it runs.
    LocksTable,
    /// Code running against the database today fails after it (a rename, a type change).
    BreaksCode,
    /// Rows or values are lost (a drop, a narrowing type change, a removed enum label).
    LosesData,
}

impl Risk {
    /// The risk, for people: "loses data".
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::LocksTable => "locks a busy table",
            Risk::BreaksCode => "breaks running code",
            Risk::LosesData => "loses data",
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the check found about one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Index into [`Diff::changes`].
    pub change: usize,
    /// The rule that found it.
    pub code: SafetyCode,
    /// How dangerous the change is.
    pub risk: Risk,
    /// What the change does, for people: "drop column `pets.bio`".
    pub subject: String,
    /// Why it has its risk.
    pub reason: String,
    /// The acknowledgement a risky change needs; `None` for changes that need none.
    pub needs: Option<Acknowledgement>,
    /// Whether the declared schema already acknowledges it.
    pub acknowledged: bool,
    /// Something else worth saying (a probable rename).
    pub hint: Option<String>,
}

impl Assessment {
    /// Refused: loses data or breaks code, and not acknowledged.
    pub fn refused(&self) -> bool {
        self.risk >= Risk::BreaksCode && !self.acknowledged
    }
}

/// A refusal, as shown to a person: the change, its risk and why (the acknowledging TOML is
/// [`Explain::help`]; [`plain`](crate::diagnostic::plain) shows both).
impl fmt::Display for Assessment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refused: {} {}: {}",
            self.subject, self.risk, self.reason
        )
    }
}

impl Explain for Assessment {
    /// The rule that found it.
    fn code(&self) -> &'static str {
        self.code.as_str()
    }

    /// Where the acknowledging line goes, and the line.
    fn help(&self) -> Option<String> {
        self.needs.as_ref().map(|ack| {
            format!(
                "if this is intended, acknowledge it in the schema, in {}{}:\n\n      {}\n",
                ack.section(),
                ack.placement(),
                ack.toml()
            )
        })
    }

    fn note(&self) -> Option<String> {
        self.hint.clone()
    }
}

/// What a rule sees: the change's place in the diff, the whole diff (a drop looks for the add that
/// may be its rename; a key counts as new with its table), the declared schema, which holds the
/// acknowledgements, and the dialect the migration is for, which decides how a change runs.
pub(crate) struct Cx<'a> {
    pub(crate) change: usize,
    pub(crate) diff: &'a Diff,
    pub(crate) to: &'a Schema,
    /// `None` when only refusals are wanted: they are the same on every dialect, and the rules
    /// that depend on one (how long a table is locked) never refuse.
    pub(crate) dialect: Option<Dialect>,
}

impl Cx<'_> {
    /// An assessment of this change with nothing to acknowledge; a rule adds what it needs.
    pub(crate) fn found(
        &self,
        code: SafetyCode,
        risk: Risk,
        subject: String,
        reason: impl Into<String>,
    ) -> Assessment {
        Assessment {
            change: self.change,
            code,
            risk,
            subject,
            reason: reason.into(),
            needs: None,
            acknowledged: true,
            hint: None,
        }
    }

    /// Whether the diff creates `table`.
    pub(crate) fn creates(&self, table: &str) -> bool {
        self.diff
            .changes
            .iter()
            .any(|c| matches!(c, Change::CreateTable(t) if t.name == table))
    }
}

/// Classifies every change of `diff` (from `from` to `to`), for migrations on `dialect`.
pub(crate) fn assess(
    dialect: Dialect,
    diff: &Diff,
    _from: &Schema,
    to: &Schema,
) -> Vec<Assessment> {
    assess_on(Some(dialect), diff, to)
}

/// The changes that are refused until acknowledged: the same on every dialect.
pub fn refusals(diff: &Diff, _from: &Schema, to: &Schema) -> Vec<Assessment> {
    assess_on(None, diff, to)
        .into_iter()
        .filter(Assessment::refused)
        .collect()
}

fn assess_on(dialect: Option<Dialect>, diff: &Diff, to: &Schema) -> Vec<Assessment> {
    diff.changes
        .iter()
        .enumerate()
        .map(|(change, c)| {
            let cx = Cx {
                change,
                diff,
                to,
                dialect,
            };
            assess_one(&cx, c)
        })
        .collect()
}

/// The rule for one change: every kind of change is listed, so a new one must be placed.
fn assess_one(cx: &Cx<'_>, change: &Change) -> Assessment {
    use rules::*;
    let found = match change {
        Change::DropTable(t) => Some(drop_table::assess(cx, t)),
        Change::DropColumn { table, column } => Some(drop_column::assess(cx, table, column)),
        Change::RenameTable { from, to } => Some(rename_table::assess(cx, from, to)),
        Change::RenameColumn { table, from, to } => {
            Some(rename_column::assess(cx, table, from, to))
        }
        Change::AlterColumnType {
            table,
            column,
            from,
            to,
        } => Some(change_type::assess(cx, table, column, from, to)),
        Change::SetNotNull {
            table,
            column,
            backfill,
        } => Some(set_not_null::assess(cx, table, column, backfill.as_deref())),
        Change::AddColumn { table, column } => add_not_null_column::assess(cx, table, column),
        Change::RebuildEnum { from, to, .. } => Some(enum_labels::assess(cx, from, to)),
        Change::DropEnum(e) => Some(drop_enum::assess(cx, e)),
        Change::SetIdentity {
            table, column, to, ..
        } => drop_identity::assess(cx, table, column, *to),
        Change::AddPrimaryKey { table, .. } => online::add_primary_key(cx, table),
        Change::CreateIndex {
            table,
            index,
            existing_table,
        } => online::create_index(cx, table, index, *existing_table),
        Change::AddForeignKey {
            table,
            fk,
            existing_table,
        } => online::add_foreign_key(cx, table, fk, *existing_table),
        Change::AddCheck {
            table,
            check,
            existing_table,
        } => online::add_check(cx, table, check, *existing_table),
        Change::DropView(v) => drop_object::view(cx, v),
        Change::DropFunction(f) => drop_object::function(cx, f),
        Change::DropTrigger(t) => drop_object::trigger(cx, t),
        Change::CreateView(_)
        | Change::SetViewComment { .. }
        | Change::CreateFunction(_)
        | Change::ReplaceFunction { .. }
        | Change::CreateTrigger(_)
        | Change::CreateExtension(_)
        | Change::CreateEnum(_)
        | Change::CreateDomain(_)
        | Change::AlterDomain { .. }
        | Change::CreateSequence(_)
        | Change::AlterSequence { .. }
        | Change::AddEnumValue { .. }
        | Change::SetEnumComment { .. }
        | Change::DropOldEnum { .. }
        | Change::CreateTable(_)
        | Change::SetTableComment { .. }
        | Change::SetUnlogged { .. }
        | Change::ValidateConstraint { .. }
        | Change::DropNotNull { .. }
        | Change::SetDefault { .. }
        | Change::SetCollation { .. }
        | Change::SetIdentityOptions { .. }
        | Change::SetColumnComment { .. }
        | Change::DropPrimaryKey { .. }
        | Change::RenameConstraint { .. }
        | Change::RenameIndex { .. }
        | Change::DropIndex { .. }
        | Change::DropForeignKey { .. }
        | Change::DropCheck { .. }
        | Change::AttachPartition { .. }
        | Change::DetachPartition { .. } => None,
    };
    found.unwrap_or_else(|| compatible(cx, change))
}

/// `compatible`: a change no rule speaks for.
fn compatible(cx: &Cx<'_>, change: &Change) -> Assessment {
    cx.found(
        SafetyCode::Compatible,
        Risk::Safe,
        change.slug().replace('_', " "),
        "compatible with code running today",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::schema::load_str;

    const BEFORE: &str = r#"
[enums.mood]
values = ["OK", "MEH", "BAD"]
[enums.size]
values = ["S", "M", "L"]
[enums.old_kind]
values = ["A"]

[tables.visits]
model = "Visit"
[tables.visits.columns]
id = { type = "bigint", primary_key = true }
at = "timestamptz"

[tables.owners]
model = "Owner"
[tables.owners.columns]
id = { type = "bigint", primary_key = true }

[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "bigint", identity = true, primary_key = true }
name = "text"
bio = "text"
nick = { type = "text", nullable = true }
weight = "bigint"
age = "integer"
owner_id = "bigint"
mood = "mood"
size = "size"

[tables.tags]
model = "Tag"
[tables.tags.columns]
label = "text"

[views.old_view]
sql = "SELECT id FROM pets"

[functions.old_fn]
sql = "CREATE FUNCTION old_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"

[triggers.pets_touch]
table = "pets"
timing = "before"
events = ["update"]
function = "old_fn()"
"#;

    const AFTER: &str = r#"
[enums.mood]
values = ["OK", "MEH"]
[enums.size]
values = ["L", "M", "S"]

[tables.calls]
model = "Call"
[tables.calls.columns]
id = { type = "bigint", primary_key = true }
at = "timestamptz"

[tables.people]
model = "Person"
renamed_from = "owners"
[tables.people.columns]
id = { type = "bigint", primary_key = true }

[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "bigint", primary_key = true }
full_name = { type = "text", renamed_from = "name" }
about = { type = "text", nullable = true }
nick = "text"
weight = "integer"
age = { type = "bigint", type_changed_from = "integer" }
owner_id = { type = "bigint", references = "people.id" }
mood = "mood"
size = "size"
chip = "uuid"
note = { type = "text", nullable = true }
[[tables.pets.indexes]]
columns = ["nick"]
[[tables.pets.checks]]
name = "pets_weight_positive"
expr = "weight > 0"

[tables.tags]
model = "Tag"
[tables.tags.columns]
label = { type = "text", primary_key = true }
"#;

    /// Every kind of assessment, as shown: a guard on the wording of each rule.
    #[test]
    fn every_assessment_reads_as_reviewed() {
        let (a, b) = (
            load_str("a.toml", BEFORE).unwrap(),
            load_str("b.toml", AFTER).unwrap(),
        );
        let shown: Vec<String> = assess(Dialect::Postgres, &diff(&a, &b), &a, &b)
            .iter()
            .map(|a| format!("[refused: {}] {}", a.refused(), crate::diagnostic::plain(a)))
            .collect();
        let shown = shown.join("\n---\n");
        assert_eq!(shown, EVERY_ASSESSMENT);
    }

    const EVERY_ASSESSMENT: &str = r#"[refused: true] refused: dropping trigger `pets_touch` on `pets` breaks running code: what it does on every write stops
  help: if this is intended, acknowledge it in the schema, in the top level of the schema (above the first `[header]` of a file):

      drop_triggers = ["pets_touch"]

---
[refused: true] refused: dropping view `old_view` breaks running code: queries that read it fail
  help: if this is intended, acknowledge it in the schema, in the top level of the schema (above the first `[header]` of a file):

      drop_views = ["old_view"]

---
[refused: true] refused: dropping function `old_fn` breaks running code: code that calls it fails
  help: if this is intended, acknowledge it in the schema, in the top level of the schema (above the first `[header]` of a file):

      drop_functions = ["old_fn"]

---
[refused: true] refused: dropping table `visits` loses data: every row in it is deleted
  help: if this is intended, acknowledge it in the schema, in the top level of the schema (above the first `[header]` of a file):

      drop_tables = ["visits"]

  note: new table `calls` has the same columns: if it is `visits` renamed, add `renamed_from = "visits"` under [tables.calls] instead
---
[refused: false] refused: renaming table `owners` to `people` breaks running code: code running today still uses the old name (`strategy = "expand-contract"` keeps it working until a contract step)
  help: if this is intended, acknowledge it in the schema, in [tables.people] (below `[tables.people]`, above `[tables.people.columns]`):

      renamed_from = "owners"

---
[refused: false] refused: rename people pkey safe: compatible with code running today
---
[refused: false] refused: renaming column `pets.name` to `full_name` breaks running code: code running today still uses the old name (`strategy = "expand-contract"` keeps it working until a contract step)
  help: if this is intended, acknowledge it in the schema, in the column `full_name` in [tables.pets.columns]:

      renamed_from = "name"

---
[refused: true] refused: removing `BAD` from enum `mood` loses data: rows holding a removed label make the migration fail, and code running today may write it
  help: if this is intended, acknowledge it in the schema, in [enums.mood]:

      drop_values = ["BAD"]

---
[refused: false] refused: reordering the labels of enum `size` locks a busy table: the type is rebuilt and every column using it rewritten
---
[refused: false] refused: create calls safe: compatible with code running today
---
[refused: false] refused: removing identity from `pets.id` breaks running code: code running today inserts rows without a value for it
---
[refused: false] refused: add pets about safe: compatible with code running today
---
[refused: true] refused: making `pets.nick` NOT NULL breaks running code: existing NULLs make the migration fail, and code running today may still write NULL
  help: if this is intended, acknowledge it in the schema, in the column `nick` in [tables.pets.columns]:

      backfill = "<SQL expression for existing NULLs>"

  note: a `default` also serves as the backfill value
---
[refused: true] refused: changing the type of `pets.weight` from `bigint` to `integer` loses data: values of `bigint` may not fit `integer`, and code running today reads and writes the old type
  help: if this is intended, acknowledge it in the schema, in the column `weight` in [tables.pets.columns]:

      type_changed_from = "bigint"

---
[refused: false] refused: changing the type of `pets.age` from `integer` to `bigint` breaks running code: every value fits, but code running today reads and writes the old type (with a new name, `strategy = "expand-contract"` keeps the old column working until a contract step)
  help: if this is intended, acknowledge it in the schema, in the column `age` in [tables.pets.columns]:

      type_changed_from = "integer"

---
[refused: true] refused: adding NOT NULL column `pets.chip` without a default or a backfill breaks running code: existing rows have no value for it, and code running today inserts rows without it
  help: if this is intended, acknowledge it in the schema, in the column `chip` in [tables.pets.columns]:

      backfill = "<SQL expression for existing rows>"

  note: the `backfill` value fills the existing rows before the column becomes NOT NULL (in short batches, a migration file of its own, where the table has a key to walk them by); a `default` also serves, for existing and future rows; or add it with `nullable = true`, fill it, and make it NOT NULL in a later migration
---
[refused: false] refused: add pets note safe: compatible with code running today
---
[refused: false] refused: creating index `pets_nick_idx` on `pets` safe: built concurrently, without blocking writes (a migration of its own, outside a transaction)
---
[refused: false] refused: adding check `pets_weight_positive` to `pets` safe: added NOT VALID, then validated without blocking writes
---
[refused: false] refused: adding a primary key to `tags` locks a busy table: its unique index is built inside the migration's transaction, which locks the table against reads and writes until it commits
---
[refused: false] refused: adding foreign key `pets_owner_id_fkey` to `pets` safe: added NOT VALID, then validated without blocking writes
---
[refused: true] refused: dropping column `pets.bio` loses data: its values in every row are deleted, and running code that reads or writes it fails
  help: if this is intended, acknowledge it in the schema, in [tables.pets] (below `[tables.pets]`, above `[tables.pets.columns]`):

      drop_columns = ["bio"]

  note: probable rename: new column `pets.about` has the same type `text`; if `bio` was renamed to `about`, add `renamed_from = "bio"` to column `about` instead
---
[refused: false] refused: drop mood  old safe: compatible with code running today
---
[refused: false] refused: drop size  old safe: compatible with code running today
---
[refused: true] refused: dropping enum `old_kind` loses data: the type and its labels are deleted
  help: if this is intended, acknowledge it in the schema, in the top level of the schema (above the first `[header]` of a file):

      drop_enums = ["old_kind"]
"#;

    #[test]
    fn every_code_is_some_rules_and_refusals_are_the_unacknowledged_risky_ones() {
        let (a, b) = (
            load_str("a.toml", BEFORE).unwrap(),
            load_str("b.toml", AFTER).unwrap(),
        );
        let d = diff(&a, &b);
        let all = assess(Dialect::Postgres, &d, &a, &b);
        let codes: std::collections::BTreeSet<SafetyCode> = all.iter().map(|a| a.code).collect();
        assert_eq!(codes.len(), SafetyCode::ALL.len(), "{codes:?}");
        let refused: Vec<usize> = refusals(&d, &a, &b).iter().map(|r| r.change).collect();
        let expected: Vec<usize> = all
            .iter()
            .filter(|a| a.risk >= Risk::BreaksCode && !a.acknowledged)
            .map(|a| a.change)
            .collect();
        assert_eq!(refused, expected);
        assert!(all.iter().enumerate().all(|(i, a)| a.change == i));
    }

    #[test]
    fn refusals_are_the_same_on_every_dialect() {
        let (a, b) = (
            load_str("a.toml", BEFORE).unwrap(),
            load_str("b.toml", AFTER).unwrap(),
        );
        let d = diff(&a, &b);
        let refused = refusals(&d, &a, &b);
        assert_eq!(refused.len(), 10);
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let on: Vec<Assessment> = assess(dialect, &d, &a, &b)
                .into_iter()
                .filter(Assessment::refused)
                .collect();
            assert_eq!(on, refused, "{dialect}");
        }
    }
}
