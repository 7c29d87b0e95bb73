//! Which changes are safe, and which must be acknowledged in the schema before they are generated.
//!
//! Every change gets a [`Risk`]. A change that loses data or breaks the code running against the
//! database today is refused until the schema file acknowledges it: `drop_tables`, `drop_columns`,
//! `drop_enums`, `drop_values`, `renamed_from`, `type_changed_from` or `backfill`. A refusal names
//! the change, says why, and prints the exact TOML that acknowledges it.

use std::fmt;

use crate::diff::{Change, Diff};
use crate::schema::print::{key, string};
use crate::schema::{ColumnType, Schema};

mod ack;

pub use ack::Acknowledgement;

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

/// A refusal, as shown to a person.
impl fmt::Display for Assessment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refused: {} {}: {}",
            self.subject, self.risk, self.reason
        )?;
        if let Some(ack) = &self.needs {
            write!(
                f,
                "\n  help: if this is intended, acknowledge it in the schema, in {}:\n\n      {}\n",
                ack.section(),
                ack.toml()
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  note: {hint}")?;
        }
        Ok(())
    }
}

/// Whether every value of `from` fits `to` unchanged.
pub fn is_widening(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType::*;
    match (from, to) {
        (SmallInt, Integer | BigInt | Numeric(None))
        | (Integer, BigInt | Numeric(None))
        | (BigInt, Numeric(None)) => true,
        (Real, Double) => true,
        (Varchar(Some(a)), Varchar(Some(b))) => b >= a,
        (Varchar(_), Varchar(None) | Text) => true,
        (Text, Varchar(None)) => true,
        (Char(_), Text | Varchar(None)) => true,
        (Char(a), Varchar(Some(b))) => b >= a,
        (Numeric(Some(_)), Numeric(None)) => true,
        (Numeric(Some((p1, s1))), Numeric(Some((p2, s2)))) => s2 >= s1 && p2 - s2 >= p1 - s1,
        (Timestamp, Timestamptz) => true,
        (Json, Jsonb) => true,
        (Array(a), Array(b)) => is_widening(a, b),
        _ => false,
    }
}

/// Classifies every change of `diff` (from `from` to `to`).
pub fn assess(diff: &Diff, from: &Schema, to: &Schema) -> Vec<Assessment> {
    diff.changes
        .iter()
        .enumerate()
        .map(|(i, c)| assess_one(i, c, diff, from, to))
        .collect()
}

/// The changes that are refused until acknowledged.
pub fn refusals(diff: &Diff, from: &Schema, to: &Schema) -> Vec<Assessment> {
    assess(diff, from, to)
        .into_iter()
        .filter(Assessment::refused)
        .collect()
}

fn assess_one(i: usize, change: &Change, diff: &Diff, _from: &Schema, to: &Schema) -> Assessment {
    let safe = |subject: String, reason: &str| Assessment {
        change: i,
        risk: Risk::Safe,
        subject,
        reason: reason.to_string(),
        needs: None,
        acknowledged: true,
        hint: None,
    };
    let table_of = |t: &str| to.table(t);
    match change {
        Change::DropTable(t) => {
            let renamed_into = diff.changes.iter().find_map(|c| match c {
                Change::CreateTable(n)
                    if n.columns.len() == t.columns.len()
                        && n.columns.iter().zip(&t.columns).all(|(a, b)| a.name == b.name && a.ty == b.ty) =>
                {
                    Some(n.name.clone())
                }
                _ => None,
            });
            Assessment {
                change: i,
                risk: Risk::LosesData,
                subject: format!("dropping table `{}`", t.name),
                reason: "every row in it is deleted".into(),
                needs: Some(Acknowledgement::DropTable {
                    table: t.name.clone(),
                }),
                acknowledged: to.drop_tables.contains(&t.name),
                hint: renamed_into.map(|n| {
                    format!(
                        "new table `{n}` has the same columns: if it is `{}` renamed, add `renamed_from = {}` under [tables.{}] instead",
                        t.name,
                        string(&t.name),
                        key(&n)
                    )
                }),
            }
        }
        Change::DropColumn { table, column } => {
            let candidates: Vec<&str> = diff
                .changes
                .iter()
                .filter_map(|c| match c {
                    Change::AddColumn { table: t, column: n } if t == table && n.ty == column.ty => Some(n.name.as_str()),
                    _ => None,
                })
                .collect();
            Assessment {
                change: i,
                risk: Risk::LosesData,
                subject: format!("dropping column `{table}.{}`", column.name),
                reason: "its values in every row are deleted, and running code that reads or writes it fails".into(),
                needs: Some(Acknowledgement::DropColumn {
                    table: table.clone(),
                    column: column.name.clone(),
                }),
                acknowledged: table_of(table).is_some_and(|t| t.drop_columns.contains(&column.name)),
                hint: candidates.first().map(|n| {
                    format!(
                        "probable rename: new column `{table}.{n}` has the same type `{}`; if `{}` was renamed to `{n}`, add `renamed_from = {}` to column `{n}` instead",
                        column.ty,
                        column.name,
                        string(&column.name)
                    )
                }),
            }
        }
        Change::RenameTable { from, to: new } => Assessment {
            change: i,
            risk: Risk::BreaksCode,
            subject: format!("renaming table `{from}` to `{new}`"),
            reason: "code running today still uses the old name".into(),
            needs: Some(Acknowledgement::RenamedTable {
                table: new.clone(),
                from: from.clone(),
            }),
            acknowledged: true,
            hint: None,
        },
        Change::RenameColumn { table, from, to: new } => Assessment {
            change: i,
            risk: Risk::BreaksCode,
            subject: format!("renaming column `{table}.{from}` to `{new}`"),
            reason: "code running today still uses the old name".into(),
            needs: Some(Acknowledgement::RenamedColumn {
                table: table.clone(),
                column: new.clone(),
                from: from.clone(),
            }),
            acknowledged: true,
            hint: None,
        },
        Change::AlterColumnType { table, column, from, to: new } => {
            let widening = is_widening(from, new);
            let ack = table_of(table)
                .and_then(|t| t.column(column))
                .and_then(|c| c.type_changed_from.as_ref())
                == Some(from);
            Assessment {
                change: i,
                risk: if widening { Risk::BreaksCode } else { Risk::LosesData },
                subject: format!("changing the type of `{table}.{column}` from `{from}` to `{new}`"),
                reason: if widening {
                    "every value fits, but code running today reads and writes the old type".into()
                } else {
                    format!("values of `{from}` may not fit `{new}`, and code running today reads and writes the old type")
                },
                needs: Some(Acknowledgement::TypeChangedFrom {
                    table: table.clone(),
                    column: column.clone(),
                    from: from.clone(),
                }),
                acknowledged: ack,
                hint: None,
            }
        }
        Change::SetNotNull { table, column, backfill } => {
            let ack = backfill.is_some();
            Assessment {
                change: i,
                risk: Risk::BreaksCode,
                subject: format!("making `{table}.{column}` NOT NULL"),
                reason: "existing NULLs make the migration fail, and code running today may still write NULL".into(),
                needs: Some(Acknowledgement::Backfill {
                    table: table.clone(),
                    column: column.clone(),
                    new_column: false,
                }),
                acknowledged: ack,
                hint: (!ack).then(|| "a `default` also serves as the backfill value".into()),
            }
        }
        Change::AddColumn { table, column }
            if !column.nullable && column.default.is_none() && column.identity.is_none() =>
        {
            Assessment {
                change: i,
                risk: Risk::BreaksCode,
                subject: format!("adding NOT NULL column `{table}.{}` without a default", column.name),
                reason: "existing rows have no value for it, and code running today inserts rows without it".into(),
                needs: Some(Acknowledgement::Backfill {
                    table: table.clone(),
                    column: column.name.clone(),
                    new_column: true,
                }),
                acknowledged: column.backfill.is_some(),
                hint: Some(
                    "a `default` also serves, or add it with `nullable = true`, fill it, and make it NOT NULL in a later migration"
                        .into(),
                ),
            }
        }
        Change::RebuildEnum { from, to: new, .. } => {
            let removed: Vec<&String> = from.values.iter().filter(|v| !new.values.contains(v)).collect();
            if removed.is_empty() {
                Assessment {
                    change: i,
                    risk: Risk::LocksTable,
                    subject: format!("reordering the labels of enum `{}`", new.name),
                    reason: "the type is rebuilt and every column using it rewritten".into(),
                    needs: None,
                    acknowledged: true,
                    hint: None,
                }
            } else {
                Assessment {
                    change: i,
                    risk: Risk::LosesData,
                    subject: format!(
                        "removing {} from enum `{}`",
                        removed.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "),
                        new.name
                    ),
                    reason: "rows holding a removed label make the migration fail, and code running today may write it".into(),
                    needs: Some(Acknowledgement::DropValues {
                        enum_name: new.name.clone(),
                        values: removed.iter().map(|v| v.to_string()).collect(),
                    }),
                    acknowledged: removed.iter().all(|v| new.drop_values.contains(v)),
                    hint: None,
                }
            }
        }
        Change::DropEnum(e) => Assessment {
            change: i,
            risk: Risk::LosesData,
            subject: format!("dropping enum `{}`", e.name),
            reason: "the type and its labels are deleted".into(),
            needs: Some(Acknowledgement::DropEnum { name: e.name.clone() }),
            acknowledged: to.drop_enums.contains(&e.name),
            hint: None,
        },
        Change::SetIdentity { table, column, to: None, .. } => Assessment {
            change: i,
            risk: Risk::BreaksCode,
            subject: format!("removing identity from `{table}.{column}`"),
            reason: "code running today inserts rows without a value for it".into(),
            needs: None,
            acknowledged: true,
            hint: None,
        },
        Change::AddPrimaryKey { table, .. } if table_of(table).is_some() && !created(diff, table) => Assessment {
            change: i,
            risk: Risk::LocksTable,
            subject: format!("adding a primary key to `{table}`"),
            reason: "its index is built first without blocking writes, then attached".into(),
            needs: None,
            acknowledged: true,
            hint: None,
        },
        Change::CreateIndex { table, index, existing_table: true } => safe(
            format!("creating index `{}` on `{table}`", index.name),
            "built concurrently, without blocking writes (a migration of its own, outside a transaction)",
        ),
        Change::AddForeignKey { table, fk, existing_table: true } => safe(
            format!("adding foreign key `{}` to `{table}`", fk.name),
            "added NOT VALID, then validated without blocking writes",
        ),
        Change::AddCheck { table, check, existing_table: true } => safe(
            format!("adding check `{}` to `{table}`", check.name),
            "added NOT VALID, then validated without blocking writes",
        ),
        other => safe(other.slug().replace('_', " "), "compatible with code running today"),
    }
}

fn created(diff: &Diff, table: &str) -> bool {
    diff.changes
        .iter()
        .any(|c| matches!(c, Change::CreateTable(t) if t.name == table))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::schema::load_str;

    fn refused(a: &str, b: &str) -> Vec<Assessment> {
        let (a, b) = (
            load_str("a.toml", a).unwrap(),
            load_str("b.toml", b).unwrap(),
        );
        refusals(&diff(&a, &b), &a, &b)
    }

    const BASE: &str = r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
name = "text"
weight = { type = "bigint", nullable = true }
"#;

    #[test]
    fn drop_column_needs_acknowledgement_and_flags_probable_rename() {
        let b = BASE.replace(
            "name = \"text\"",
            "title = { type = \"text\", nullable = true }",
        );
        let r = refused(BASE, &b);
        assert_eq!(r.len(), 1);
        let shown = r
            .iter()
            .find(|a| a.subject.contains("dropping"))
            .expect("drop refused")
            .to_string();
        assert!(shown.contains("drop_columns = [\"name\"]"), "{shown}");
        assert!(shown.contains("probable rename"), "{shown}");
        let acked = b.replace(
            "model = \"Pet\"",
            "model = \"Pet\"\ndrop_columns = [\"name\"]",
        );
        assert!(refused(BASE, &acked).is_empty());
    }

    #[test]
    fn narrowing_needs_type_changed_from() {
        let b = BASE.replace("type = \"bigint\"", "type = \"integer\"");
        let r = refused(BASE, &b);
        assert_eq!(r[0].risk, Risk::LosesData);
        assert!(r[0].to_string().contains("type_changed_from = \"bigint\""));
        let acked = BASE.replace(
            "type = \"bigint\"",
            "type = \"integer\", type_changed_from = \"bigint\"",
        );
        assert!(refused(BASE, &acked).is_empty());
    }

    #[test]
    fn not_null_needs_backfill_or_default() {
        let b = BASE.replace("nullable = true", "nullable = false");
        assert_eq!(refused(BASE, &b).len(), 1);
        let d = BASE.replace("nullable = true", "default = 0");
        assert!(refused(BASE, &d).is_empty());
        let f = BASE.replace("nullable = true", "backfill = 0");
        assert!(refused(BASE, &f).is_empty());
    }

    #[test]
    fn a_new_not_null_column_is_acknowledged_by_the_backfill_its_refusal_shows() {
        let b = BASE.replace("name = \"text\"", "name = \"text\"\nage = \"integer\"");
        let r = refused(BASE, &b);
        assert_eq!(r.len(), 1);
        let shown = r[0].to_string();
        assert!(
            shown.contains("\n      backfill = \"<SQL expression for existing rows>\"\n"),
            "{shown}"
        );
        let acked = b.replace(
            "age = \"integer\"",
            "age = { type = \"integer\", backfill = 0 }",
        );
        assert!(refused(BASE, &acked).is_empty());
        let defaulted = b.replace(
            "age = \"integer\"",
            "age = { type = \"integer\", default = 0 }",
        );
        assert!(refused(BASE, &defaulted).is_empty());
    }

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
        let shown: Vec<String> = assess(&diff(&a, &b), &a, &b)
            .iter()
            .map(|a| format!("[refused: {}] {a}", a.refused()))
            .collect();
        let shown = shown.join("\n---\n");
        assert_eq!(shown, EVERY_ASSESSMENT);
    }

    const EVERY_ASSESSMENT: &str = r#"[refused: true] refused: dropping table `visits` loses data: every row in it is deleted
  help: if this is intended, acknowledge it in the schema, in the top level of the schema:

      drop_tables = ["visits"]

  note: new table `calls` has the same columns: if it is `visits` renamed, add `renamed_from = "visits"` under [tables.calls] instead
---
[refused: false] refused: renaming table `owners` to `people` breaks running code: code running today still uses the old name
  help: if this is intended, acknowledge it in the schema, in [tables.people]:

      renamed_from = "owners"

---
[refused: false] refused: rename people pkey safe: compatible with code running today
---
[refused: false] refused: renaming column `pets.name` to `full_name` breaks running code: code running today still uses the old name
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
[refused: false] refused: changing the type of `pets.age` from `integer` to `bigint` breaks running code: every value fits, but code running today reads and writes the old type
  help: if this is intended, acknowledge it in the schema, in the column `age` in [tables.pets.columns]:

      type_changed_from = "integer"

---
[refused: true] refused: adding NOT NULL column `pets.chip` without a default breaks running code: existing rows have no value for it, and code running today inserts rows without it
  help: if this is intended, acknowledge it in the schema, in the column `chip` in [tables.pets.columns]:

      backfill = "<SQL expression for existing rows>"

  note: a `default` also serves, or add it with `nullable = true`, fill it, and make it NOT NULL in a later migration
---
[refused: false] refused: add pets note safe: compatible with code running today
---
[refused: false] refused: creating index `pets_nick_idx` on `pets` safe: built concurrently, without blocking writes (a migration of its own, outside a transaction)
---
[refused: false] refused: adding check `pets_weight_positive` to `pets` safe: added NOT VALID, then validated without blocking writes
---
[refused: false] refused: adding a primary key to `tags` locks a busy table: its index is built first without blocking writes, then attached
---
[refused: false] refused: adding foreign key `pets_owner_id_fkey` to `pets` safe: added NOT VALID, then validated without blocking writes
---
[refused: true] refused: dropping column `pets.bio` loses data: its values in every row are deleted, and running code that reads or writes it fails
  help: if this is intended, acknowledge it in the schema, in [tables.pets]:

      drop_columns = ["bio"]

  note: probable rename: new column `pets.about` has the same type `text`; if `bio` was renamed to `about`, add `renamed_from = "bio"` to column `about` instead
---
[refused: false] refused: drop mood  old safe: compatible with code running today
---
[refused: false] refused: drop size  old safe: compatible with code running today
---
[refused: true] refused: dropping enum `old_kind` loses data: the type and its labels are deleted
  help: if this is intended, acknowledge it in the schema, in the top level of the schema:

      drop_enums = ["old_kind"]
"#;

    #[test]
    fn widening() {
        assert!(is_widening(&ColumnType::Integer, &ColumnType::BigInt));
        assert!(!is_widening(&ColumnType::BigInt, &ColumnType::Integer));
        assert!(is_widening(
            &ColumnType::Varchar(Some(10)),
            &ColumnType::Text
        ));
        assert!(!is_widening(
            &ColumnType::Text,
            &ColumnType::Varchar(Some(10))
        ));
        assert!(is_widening(
            &ColumnType::Numeric(Some((10, 2))),
            &ColumnType::Numeric(Some((12, 3)))
        ));
        assert!(!is_widening(
            &ColumnType::Numeric(Some((10, 2))),
            &ColumnType::Numeric(Some((10, 3)))
        ));
    }
}
