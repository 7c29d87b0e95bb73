//! The expand/contract route: which changes of a diff are made in phases instead of in place,
//! and what each phase must do, independently of the dialect.
//!
//! A change that breaks the code still running during a deploy (a column renamed or retyped, a
//! table renamed, a column dropped) can be made so that the old and the new code work together:
//!
//! 1. **expand**: the new shape is added beside the old one (a new column, kept equal to the old
//!    one in both directions by a trigger; a view under a renamed table's old name);
//! 2. **backfill**: a batched migration copies the existing rows into the new shape;
//! 3. **validate**: the new column's constraints and indexes are checked and built without
//!    blocking writes;
//! 4. **contract**: once the old code is gone, a migration marked `-- migrate:contract` removes the
//!    old shape. `migrate up` does not apply it unless asked (`--contract`, `migrate contract`).
//!
//! [`split`] takes the changes whose schema asks for this route (`strategy = "expand-contract"`
//! on the column or table, or the project's `change_strategy`) out of a [`Diff`]; the rest stays
//! in place. The dialect renders each [`Phased`] into [`PhasedSql`]
//! ([`DialectOps::render_phased`](crate::dialect::DialectOps::render_phased)).

use std::collections::HashSet;

use super::{Change, Diff};
use crate::schema::{Check, Column, ForeignKey, Index, Schema, Strategy, Table};

/// One change made in phases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phased {
    /// A column renamed (and maybe retyped): the new column is added beside the old one and both
    /// are kept in sync until the contract drops the old one.
    Shadow(Box<Shadow>),
    /// A table renamed: the table takes its new name and an updatable view keeps the old one
    /// until the contract drops it.
    RenameTable {
        /// Its previous name.
        from: String,
        /// Its new name.
        to: String,
        /// Renames of its keys and indexes that accompany the table's (made in the expand step).
        follow: Vec<Change>,
    },
    /// A column dropped: the old code may still write it, so it stays until the contract. A NOT
    /// NULL column without a default becomes nullable in the expand step, so that the new code,
    /// which no longer writes it, can insert.
    DropColumn {
        /// The table.
        table: String,
        /// The column, as it was.
        column: Column,
    },
    /// A table dropped: the old code may still use it, so the drop is the contract step, and
    /// nothing is expanded.
    DropTable {
        /// The table, as it was.
        table: String,
    },
    /// A nullable column becomes NOT NULL on a table with rows: a trigger fills the NULLs the
    /// old code still writes with `backfill`, a check holds new rows to it, a batched backfill
    /// fills the existing NULLs, and the contract step makes the column NOT NULL.
    SetNotNull {
        /// The table.
        table: String,
        /// The column, as declared.
        column: Column,
        /// The SQL expression for a missing value (the column's `backfill`, or its default).
        backfill: String,
    },
}

/// A column taking a new name (and maybe a new type) beside the old one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadow {
    /// The table (its declared name).
    pub table: String,
    /// The column as it was: its name and type are what the old code uses.
    pub old: Column,
    /// The column as declared.
    pub new: Column,
    /// Declared indexes that use the new column, each with the name it is built under (the
    /// declared name, or a temporary one while an index of the old column holds it).
    pub indexes: Vec<(Index, String)>,
    /// Declared foreign keys of the new column, each with the name it is added under.
    pub foreign_keys: Vec<(ForeignKey, String)>,
    /// Declared checks naming the new column, each with the name it is added under.
    pub checks: Vec<(Check, String)>,
}

impl Shadow {
    /// Whether the column changes type (not only its name).
    pub fn retyped(&self) -> bool {
        self.old.ty != self.new.ty
    }
}

impl Phased {
    /// The table the change is about (its declared name).
    pub fn table(&self) -> &str {
        match self {
            Phased::Shadow(s) => &s.table,
            Phased::RenameTable { to, .. } => to,
            Phased::DropColumn { table, .. }
            | Phased::SetNotNull { table, .. }
            | Phased::DropTable { table } => table,
        }
    }

    /// What the change does, for people: "rename column `pets.nick` to `nickname`".
    pub fn describe(&self) -> String {
        match self {
            Phased::Shadow(s) if s.retyped() => format!(
                "rename column `{}.{}` to `{}` and change its type from {} to {}",
                s.table, s.old.name, s.new.name, s.old.ty, s.new.ty
            ),
            Phased::Shadow(s) => format!(
                "rename column `{}.{}` to `{}`",
                s.table, s.old.name, s.new.name
            ),
            Phased::RenameTable { from, to, .. } => format!("rename table `{from}` to `{to}`"),
            Phased::DropColumn { table, column } => {
                format!("drop column `{table}.{}`", column.name)
            }
            Phased::SetNotNull { table, column, .. } => {
                format!("make `{table}.{}` NOT NULL", column.name)
            }
            Phased::DropTable { table } => format!("drop table `{table}`"),
        }
    }

    /// The column whose `strategy` asks for the route; `None` when the table's does (or the
    /// project's `change_strategy`).
    pub fn column(&self) -> Option<&str> {
        match self {
            Phased::Shadow(s) => Some(&s.new.name),
            Phased::SetNotNull { column, .. } => Some(&column.name),
            Phased::RenameTable { .. } | Phased::DropColumn { .. } | Phased::DropTable { .. } => {
                None
            }
        }
    }

    /// A short snake_case description, naming the generated files and the trigger.
    pub fn slug(&self) -> String {
        match self {
            Phased::Shadow(s) if s.retyped() => format!("retype_{}_{}", s.table, s.new.name),
            Phased::Shadow(s) => format!("rename_{}_{}", s.table, s.new.name),
            Phased::RenameTable { from, to, .. } => format!("rename_{from}_to_{to}"),
            Phased::DropColumn { table, column } => format!("drop_{table}_{}", column.name),
            Phased::SetNotNull { table, column, .. } => {
                format!("not_null_{table}_{}", column.name)
            }
            Phased::DropTable { table } => format!("drop_{table}"),
        }
    }
}

/// One step of a phase: a statement, and what it is for (a comment above it in the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What the statement does and what must hold before the next one.
    pub why: String,
    /// The statement, without its `;`.
    pub sql: String,
}

impl Step {
    /// A step.
    pub fn new(why: impl Into<String>, sql: impl Into<String>) -> Step {
        Step {
            why: why.into(),
            sql: sql.into(),
        }
    }
}

/// A batched data migration: one `UPDATE` over `table` whose `WHERE` holds `:batch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchStep {
    /// The table walked.
    pub table: String,
    /// What the statement is for.
    pub why: String,
    /// The statement, with the `:batch` placeholder, without its `;`.
    pub sql: String,
}

/// The SQL of one [`Phased`] change, phase by phase; an empty phase has no file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhasedSql {
    /// The expand migration (one transaction).
    pub expand: Vec<Step>,
    /// The batched backfill of existing rows.
    pub backfill: Option<BatchStep>,
    /// After the backfill, statement by statement outside a transaction: `VALIDATE`,
    /// `CREATE INDEX CONCURRENTLY`.
    pub validate: Vec<Step>,
    /// The contract migration (one transaction), applied once the old code is gone.
    pub contract: Vec<Step>,
    /// What the old and the new code can and cannot do between expand and contract, for the
    /// expand file's header.
    pub notes: Vec<String>,
}

/// A diff split between what is made in place and what is made in phases.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Split {
    /// The changes made in place, in order.
    pub in_place: Diff,
    /// For each change of [`Split::in_place`], its index in the original diff.
    pub kept: Vec<usize>,
    /// The changes made in phases, in diff order.
    pub phased: Vec<Phased>,
    /// Why a change that asks for the expand/contract route cannot take it.
    pub problems: Vec<Problem>,
}

/// Why a change that asks for the expand/contract route cannot take it, or (with another
/// `code`) why the dialect cannot build what the schema declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The diagnostic's code: `expand-contract`.
    pub code: &'static str,
    /// The table (its declared name).
    pub table: String,
    /// The column whose `strategy` asks for it; `None`: the table's.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Fills in `default` as the strategy of every column and table that does not give one.
pub fn apply_default_strategy(schema: &mut Schema, default: Strategy) {
    schema.change_strategy.get_or_insert(default);
    for t in &mut schema.tables {
        t.strategy.get_or_insert(default);
        for c in &mut t.columns {
            c.strategy.get_or_insert(default);
        }
    }
}

fn column_strategy(table: &Table, column: &Column) -> Strategy {
    column.strategy.or(table.strategy).unwrap_or_default()
}

/// Splits `diff` (from `from` to `to`) into what is made in place and what is made in phases.
pub fn split(diff: &Diff, from: &Schema, to: &Schema) -> Split {
    let mut out = Split::default();
    // (table, new column) of each shadowed column, and its index in `out.phased`.
    let mut shadows: Vec<((String, String), usize)> = Vec::new();
    let old_table = |name: &str| -> Option<&Table> {
        from.table(name).or_else(|| {
            to.table(name)
                .and_then(|t| t.renamed_from.as_deref())
                .and_then(|r| from.table(r))
        })
    };
    // First pass: the shadowed columns and renamed tables.
    for c in &diff.changes {
        match c {
            Change::RenameColumn {
                table,
                from: old_name,
                to: new_name,
            } => {
                let (Some(t), Some(ot)) = (to.table(table), old_table(table)) else {
                    continue;
                };
                let (Some(new), Some(old)) = (t.column(new_name), ot.column(old_name)) else {
                    continue;
                };
                if column_strategy(t, new) != Strategy::ExpandContract {
                    continue;
                }
                if let Some((message, help)) = unshadowable(from, ot, old) {
                    out.problems.push(Problem {
                        code: "expand-contract",
                        table: table.clone(),
                        column: Some(new_name.clone()),
                        message,
                        help,
                    });
                    continue;
                }
                shadows.push(((table.clone(), new_name.clone()), out.phased.len()));
                out.phased
                    .push(Phased::Shadow(Box::new(shadow(t, ot, old, new, diff))));
            }
            Change::AlterColumnType { table, column, .. } => {
                let Some(t) = to.table(table) else { continue };
                let Some(new) = t.column(column) else {
                    continue;
                };
                let renamed = new
                    .renamed_from
                    .as_deref()
                    .is_some_and(|r| r != column && t.column(r).is_none());
                if column_strategy(t, new) == Strategy::ExpandContract && !renamed {
                    out.problems.push(Problem {
                        code: "expand-contract",
                        table: table.clone(),
                        column: Some(column.clone()),
                        message: format!(
                            "the type change of `{table}.{column}` cannot take the expand-contract route under the same name: the old code reads `{column}` as {} while the new code reads it as {}",
                            new.type_changed_from.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "before".into()),
                            new.ty
                        ),
                        help: format!(
                            "give the retyped column a new name (`{column}_new = {{ type = \"{}\", renamed_from = \"{column}\", type_changed_from = \"...\", strategy = \"expand-contract\" }}`), or make the change in place (`strategy = \"in-place\"`)",
                            new.ty
                        ),
                    });
                }
            }
            Change::RenameTable {
                from: old_name,
                to: new_name,
            } => {
                let Some(t) = to.table(new_name) else {
                    continue;
                };
                if t.strategy.unwrap_or_default() != Strategy::ExpandContract {
                    continue;
                }
                let follow = diff
                    .changes
                    .iter()
                    .filter(|o| {
                        matches!(o, Change::RenameConstraint { table, .. } | Change::RenameIndex { table, .. } if table == new_name)
                    })
                    .cloned()
                    .collect();
                out.phased.push(Phased::RenameTable {
                    from: old_name.clone(),
                    to: new_name.clone(),
                    follow,
                });
            }
            Change::SetNotNull {
                table,
                column,
                backfill: Some(backfill),
            } => {
                let (Some(t), Some(ot)) = (to.table(table), old_table(table)) else {
                    continue;
                };
                let Some(new) = t.column(column) else {
                    continue;
                };
                // A column that becomes an identity, or joins the primary key, is made NOT NULL
                // with that change, in place.
                let old_identity = ot
                    .column(new.renamed_from.as_deref().unwrap_or(column))
                    .and_then(|c| c.identity);
                let keyed = t
                    .primary_key
                    .as_ref()
                    .is_some_and(|pk| pk.columns.contains(column));
                if column_strategy(t, new) != Strategy::ExpandContract
                    || new.renamed_from.is_some()
                    || keyed
                    || (new.identity.is_some() && old_identity.is_none())
                {
                    continue;
                }
                out.phased.push(Phased::SetNotNull {
                    table: table.clone(),
                    column: new.clone(),
                    backfill: backfill.clone(),
                });
            }
            Change::DropTable(t) if to.change_strategy == Some(Strategy::ExpandContract) => {
                out.phased.push(Phased::DropTable {
                    table: t.name.clone(),
                });
            }
            Change::DropColumn { table, column } => {
                let Some(t) = to.table(table) else { continue };
                if t.strategy.unwrap_or_default() != Strategy::ExpandContract {
                    continue;
                }
                out.phased.push(Phased::DropColumn {
                    table: table.clone(),
                    column: column.clone(),
                });
            }
            _ => {}
        }
    }
    let shadowed =
        |table: &str, column: &str| shadows.iter().any(|((t, c), _)| t == table && c == column);
    let mut absorbed_names: HashSet<(String, String)> = HashSet::new();
    for p in &out.phased {
        if let Phased::Shadow(s) = p {
            for (ix, _) in &s.indexes {
                absorbed_names.insert((s.table.clone(), ix.name.clone()));
            }
            for (fk, _) in &s.foreign_keys {
                absorbed_names.insert((s.table.clone(), fk.name.clone()));
            }
            for (ck, _) in &s.checks {
                absorbed_names.insert((s.table.clone(), ck.name.clone()));
            }
        }
    }
    let absorbed =
        |table: &str, name: &str| absorbed_names.contains(&(table.to_string(), name.to_string()));
    let renamed_tables: Vec<&str> = out
        .phased
        .iter()
        .filter_map(|p| match p {
            Phased::RenameTable { to, .. } => Some(to.as_str()),
            _ => None,
        })
        .collect();
    // Second pass: what stays in place.
    for (i, c) in diff.changes.iter().enumerate() {
        let taken = match c {
            Change::RenameColumn { table, to, .. }
            | Change::AlterColumnType {
                table, column: to, ..
            }
            | Change::SetDefault {
                table, column: to, ..
            }
            | Change::DropNotNull { table, column: to }
            | Change::SetIdentity {
                table, column: to, ..
            }
            | Change::SetCollation {
                table, column: to, ..
            }
            | Change::SetIdentityOptions {
                table, column: to, ..
            }
            | Change::SetColumnComment {
                table, column: to, ..
            } => shadowed(table, to),
            Change::RenameTable { to, .. } => renamed_tables.contains(&to.as_str()),
            Change::RenameConstraint { table, to, .. } => {
                renamed_tables.contains(&table.as_str()) || absorbed(table, to)
            }
            Change::RenameIndex { table, to, .. } => {
                renamed_tables.contains(&table.as_str()) || absorbed(table, &to.name)
            }
            Change::CreateIndex { table, index, .. } | Change::DropIndex { table, index } => {
                absorbed(table, &index.name)
            }
            Change::AddForeignKey { table, fk, .. } => absorbed(table, &fk.name),
            // A dropped table's own foreign keys go with it, in the contract step.
            Change::DropForeignKey { table, fk } => {
                absorbed(table, &fk.name)
                    || out
                        .phased
                        .iter()
                        .any(|p| matches!(p, Phased::DropTable { table: t } if t == table))
            }
            Change::AddCheck { table, check, .. } | Change::DropCheck { table, check } => {
                absorbed(table, &check.name)
            }
            Change::SetNotNull {
                table, column: c, ..
            } => {
                shadowed(table, c)
                    || out.phased.iter().any(|p| {
                        matches!(p, Phased::SetNotNull { table: t, column, .. } if t == table && column.name == *c)
                    })
            }
            Change::DropTable(t) => out
                .phased
                .iter()
                .any(|p| matches!(p, Phased::DropTable { table } if *table == t.name)),
            Change::DropColumn { table, column } => out.phased.iter().any(|p| {
                matches!(p, Phased::DropColumn { table: t, column: c } if t == table && c.name == column.name)
            }),
            _ => false,
        };
        if !taken {
            out.in_place.changes.push(c.clone());
            out.kept.push(i);
        }
    }
    out
}

/// Why the column cannot be shadowed, when it cannot: it is part of a key that other rows
/// point at, or of the primary key.
fn unshadowable(from: &Schema, table: &Table, old: &Column) -> Option<(String, String)> {
    let t = &table.name;
    let c = &old.name;
    if table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.contains(c))
    {
        return Some((
            format!(
                "`{t}.{c}` is in the primary key: the expand-contract route cannot add a second copy of it"
            ),
            "make this change in place (`strategy = \"in-place\"`) at a quiet time".into(),
        ));
    }
    if old.identity.is_some() {
        return Some((
            format!(
                "`{t}.{c}` is an identity column: the expand-contract route cannot give a second column the same generated values"
            ),
            "make this change in place (`strategy = \"in-place\"`) at a quiet time".into(),
        ));
    }
    for other in &from.tables {
        for fk in &other.foreign_keys {
            if fk.ref_table == *t && fk.ref_columns.contains(c) {
                return Some((
                    format!(
                        "`{t}.{c}` is referenced by the foreign key `{}` of `{}`: the contract step could not drop it",
                        fk.name, other.name
                    ),
                    "make this change in place (`strategy = \"in-place\"`), or move the foreign key first".into(),
                ));
            }
        }
    }
    None
}

/// The shadow of `old` as `new`, with the declared indexes, foreign keys and checks that use
/// the new column and the names they are built under.
fn shadow(t: &Table, ot: &Table, old: &Column, new: &Column, diff: &Diff) -> Shadow {
    let col = &new.name;
    let mentions = |expr: &str| {
        crate::schema::expr::column_references(expr)
            .iter()
            .any(|(c, _)| c == col)
    };
    let indexes: Vec<&Index> = t
        .indexes
        .iter()
        .filter(|i| i.columns.contains(col) || i.predicate.as_deref().is_some_and(mentions))
        .collect();
    let foreign_keys: Vec<&ForeignKey> = t
        .foreign_keys
        .iter()
        .filter(|f| f.columns.contains(col))
        .collect();
    let checks: Vec<&Check> = t.checks.iter().filter(|c| mentions(&c.expr)).collect();
    let declared: HashSet<&str> = indexes
        .iter()
        .map(|i| i.name.as_str())
        .chain(foreign_keys.iter().map(|f| f.name.as_str()))
        .chain(checks.iter().map(|c| c.name.as_str()))
        .collect();
    // Names the old table keeps during the transition: its indexes and constraints, unless
    // the diff drops them in place. One the new column declares again stays on the old column
    // (the old code keeps it) until the contract step drops that column with it.
    let dropped: HashSet<&str> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::DropIndex { table, index } if *table == t.name => Some(index.name.as_str()),
            Change::DropForeignKey { table, fk } if *table == t.name => Some(fk.name.as_str()),
            Change::DropCheck { table, check } if *table == t.name => Some(check.name.as_str()),
            _ => None,
        })
        .filter(|n| !declared.contains(n))
        .collect();
    let held: HashSet<&str> = ot
        .indexes
        .iter()
        .map(|i| i.name.as_str())
        .chain(ot.foreign_keys.iter().map(|f| f.name.as_str()))
        .chain(ot.checks.iter().map(|c| c.name.as_str()))
        .chain(ot.primary_key.iter().map(|k| k.name.as_str()))
        .filter(|n| !dropped.contains(n))
        .collect();
    let name_for = |declared: &str| -> String {
        if held.contains(declared) {
            temporary_name(declared)
        } else {
            declared.to_string()
        }
    };
    Shadow {
        table: t.name.clone(),
        old: old.clone(),
        new: new.clone(),
        indexes: indexes
            .into_iter()
            .map(|i| (i.clone(), name_for(&i.name)))
            .collect(),
        foreign_keys: foreign_keys
            .into_iter()
            .map(|f| (f.clone(), name_for(&f.name)))
            .collect(),
        checks: checks
            .into_iter()
            .map(|c| (c.clone(), name_for(&c.name)))
            .collect(),
    }
}

/// A name for an object built while the old one still holds its declared name: `<name>_new`,
/// cut to the dialects' identifier limit. The contract step renames it to the declared name.
fn temporary_name(declared: &str) -> String {
    let limit = crate::dialect::Dialect::identifier_limit().map_or(usize::MAX, |(max, _)| max);
    let mut base = declared.to_string();
    while base.len() + 4 > limit {
        base.pop();
    }
    format!("{base}_new")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::schema::load_str;

    fn schema(cols: &str, extra: &str) -> Schema {
        load_str(
            "s.toml",
            &format!(
                "[tables.pets]\nmodel = \"Pet\"\n{extra}\n[tables.pets.columns]\nid = {{ type = \"bigint\", primary_key = true }}\n{cols}\n"
            ),
        )
        .unwrap()
    }

    #[test]
    fn a_rename_with_the_strategy_is_phased_and_its_index_follows() {
        let from = load_str(
            "s.toml",
            "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nnick = \"text\"\n[[tables.pets.indexes]]\ncolumns = [\"nick\"]\n",
        )
        .unwrap();
        let to = load_str(
            "s.toml",
            "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nnickname = { type = \"text\", renamed_from = \"nick\", strategy = \"expand-contract\" }\n[[tables.pets.indexes]]\ncolumns = [\"nickname\"]\n",
        )
        .unwrap();
        let d = diff(&from, &to);
        let s = split(&d, &from, &to);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert!(s.in_place.is_empty(), "{:?}", s.in_place);
        let [Phased::Shadow(sh)] = s.phased.as_slice() else {
            panic!("{:?}", s.phased)
        };
        assert_eq!(
            (sh.old.name.as_str(), sh.new.name.as_str()),
            ("nick", "nickname")
        );
        assert_eq!(sh.indexes.len(), 1);
        assert_eq!(sh.indexes[0].1, "pets_nickname_idx");
    }

    #[test]
    fn without_the_strategy_the_rename_stays_in_place() {
        let from = schema("nick = \"text\"", "");
        let to = schema(
            "nickname = { type = \"text\", renamed_from = \"nick\" }",
            "",
        );
        let d = diff(&from, &to);
        let s = split(&d, &from, &to);
        assert!(s.phased.is_empty());
        assert_eq!(s.in_place, d);
        let mut to = to;
        apply_default_strategy(&mut to, Strategy::ExpandContract);
        assert_eq!(split(&d, &from, &to).phased.len(), 1);
    }

    #[test]
    fn a_type_change_under_the_same_name_is_a_problem() {
        let from = schema("weight = \"integer\"", "");
        let to = schema(
            "weight = { type = \"bigint\", type_changed_from = \"integer\", strategy = \"expand-contract\" }",
            "",
        );
        let s = split(&diff(&from, &to), &from, &to);
        assert_eq!(s.problems.len(), 1, "{:?}", s);
        assert!(s.problems[0].help.contains("weight_new"));
    }

    #[test]
    fn a_primary_key_column_is_refused() {
        let from = schema("", "");
        let to = load_str(
            "s.toml",
            "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nkey = { type = \"bigint\", primary_key = true, renamed_from = \"id\", strategy = \"expand-contract\" }\n",
        )
        .unwrap();
        let s = split(&diff(&from, &to), &from, &to);
        assert_eq!(s.problems.len(), 1, "{:?}", s);
    }

    #[test]
    fn an_identity_column_is_refused() {
        let from = schema("n = { type = \"bigint\", identity = true }", "");
        let to = schema(
            "m = { type = \"bigint\", identity = true, renamed_from = \"n\", strategy = \"expand-contract\" }",
            "",
        );
        let s = split(&diff(&from, &to), &from, &to);
        assert_eq!(s.problems.len(), 1, "{s:?}");
        assert!(s.problems[0].message.contains("identity"), "{s:?}");
        assert_eq!(s.problems[0].column.as_deref(), Some("m"));
    }

    #[test]
    fn temporary_names_fit() {
        assert_eq!(temporary_name("a_idx"), "a_idx_new");
        assert!(temporary_name(&"x".repeat(63)).len() <= 63);
    }
}
