//! Which changes are safe, and which must be acknowledged in the schema before they are generated.
//!
//! Every change gets a [`Risk`]. A change that loses data or breaks the code running against the
//! database today is refused until the schema file acknowledges it: `drop_tables`, `drop_columns`,
//! `drop_enums`, `drop_values`, `renamed_from`, `type_changed_from` or `backfill`. A refusal names
//! the change, says why, and prints the exact TOML that acknowledges it.

use std::fmt;

use crate::diagnostic::Explain;
use crate::diff::{Change, Diff};
use crate::schema::{ColumnType, Schema};

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

/// The TOML that acknowledges a change: where it goes and the line itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The section the line belongs in, e.g. `[tables.pets]`, or `the top level`.
    pub section: String,
    /// The line, e.g. `drop_columns = ["bio"]`.
    pub line: String,
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

/// A refusal, as shown to a person: the change, its risk and why (the acknowledging TOML is
/// [`Explain::help`]).
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
    /// The risk, in kebab case: `loses-data`, `breaks-code`, `locks-table`, `safe`.
    fn code(&self) -> &'static str {
        match self.risk {
            Risk::Safe => "safe",
            Risk::LocksTable => "locks-table",
            Risk::BreaksCode => "breaks-code",
            Risk::LosesData => "loses-data",
        }
    }

    /// Where the acknowledging line goes, and the line.
    fn help(&self) -> Option<String> {
        self.needs.as_ref().map(|ack| {
            format!(
                "if this is intended, acknowledge it in the schema, in {}:\n\n      {}\n",
                ack.section, ack.line
            )
        })
    }

    fn note(&self) -> Option<String> {
        self.hint.clone()
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML table-header path segment, quoted when it is not a bare key.
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        s.to_string()
    } else {
        quoted(s)
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
                needs: Some(Acknowledgement {
                    section: "the top level of the schema".into(),
                    line: format!("drop_tables = [{}]", quoted(&t.name)),
                }),
                acknowledged: to.drop_tables.contains(&t.name),
                hint: renamed_into.map(|n| {
                    format!(
                        "new table `{n}` has the same columns: if it is `{}` renamed, add `renamed_from = {}` under [tables.{}] instead",
                        t.name,
                        quoted(&t.name),
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
                needs: Some(Acknowledgement {
                    section: format!("[tables.{}]", key(table)),
                    line: format!("drop_columns = [{}]", quoted(&column.name)),
                }),
                acknowledged: table_of(table).is_some_and(|t| t.drop_columns.contains(&column.name)),
                hint: candidates.first().map(|n| {
                    format!(
                        "probable rename: new column `{table}.{n}` has the same type `{}`; if `{}` was renamed to `{n}`, add `renamed_from = {}` to column `{n}` instead",
                        column.ty,
                        column.name,
                        quoted(&column.name)
                    )
                }),
            }
        }
        Change::RenameTable { from, to: new } => Assessment {
            change: i,
            risk: Risk::BreaksCode,
            subject: format!("renaming table `{from}` to `{new}`"),
            reason: "code running today still uses the old name".into(),
            needs: Some(Acknowledgement {
                section: format!("[tables.{}]", key(new)),
                line: format!("renamed_from = {}", quoted(from)),
            }),
            acknowledged: true,
            hint: None,
        },
        Change::RenameColumn { table, from, to: new } => Assessment {
            change: i,
            risk: Risk::BreaksCode,
            subject: format!("renaming column `{table}.{from}` to `{new}`"),
            reason: "code running today still uses the old name".into(),
            needs: Some(Acknowledgement {
                section: format!("the column `{new}` in [tables.{}.columns]", key(table)),
                line: format!("renamed_from = {}", quoted(from)),
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
                needs: Some(Acknowledgement {
                    section: format!("the column `{column}` in [tables.{}.columns]", key(table)),
                    line: format!("type_changed_from = {}", quoted(&from.to_string())),
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
                needs: Some(Acknowledgement {
                    section: format!("the column `{column}` in [tables.{}.columns]", key(table)),
                    line: "backfill = \"<SQL expression for existing NULLs>\"".into(),
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
                needs: Some(Acknowledgement {
                    section: format!("the column `{}` in [tables.{}.columns]", column.name, key(table)),
                    line: "default = \"<SQL expression>\"".into(),
                }),
                acknowledged: column.backfill.is_some(),
                hint: Some("or add it with `nullable = true`, fill it, and make it NOT NULL in a later migration".into()),
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
                let list = removed.iter().map(|v| quoted(v)).collect::<Vec<_>>().join(", ");
                Assessment {
                    change: i,
                    risk: Risk::LosesData,
                    subject: format!(
                        "removing {} from enum `{}`",
                        removed.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "),
                        new.name
                    ),
                    reason: "rows holding a removed label make the migration fail, and code running today may write it".into(),
                    needs: Some(Acknowledgement {
                        section: format!("[enums.{}]", key(&new.name)),
                        line: format!("drop_values = [{list}]"),
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
            needs: Some(Acknowledgement {
                section: "the top level of the schema".into(),
                line: format!("drop_enums = [{}]", quoted(&e.name)),
            }),
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
            .map(crate::diagnostic::plain)
            .expect("drop refused");
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
        assert!(crate::diagnostic::plain(&r[0]).contains("type_changed_from = \"bigint\""));
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
