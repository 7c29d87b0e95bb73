//! Writing the next migration: declared schema vs the migration directory's snapshot.
//!
//! One code path serves `migrate generate` and `cargo build` ([`crate::build::run`]): load the
//! schema, open the directory, diff against the snapshot, refuse unacknowledged unsafe changes,
//! and write the migration file(s) together with the new snapshot in one step.
//!
//! A diff usually becomes one file. On PostgreSQL, statements that must run outside a transaction
//! get files of their own: new enum labels before (no transaction may use a label before it is
//! committed) and `CONCURRENTLY` / `VALIDATE` steps after. Each file starts with a header saying
//! what it does.

use std::path::{Path, PathBuf};

use crate::config::Dialect;
use crate::diagnostic::Diagnostics;
use crate::diff::{Change, Diff, diff};
use crate::migration::{MigrationDir, MigrationError, Version, snake_case};
use crate::safety::{Assessment, assess};
use crate::schema::{self, Schema};
use crate::sql::{Stage, postgres, render};

/// Longest generated file name stem (without version), cut at a word boundary.
const MAX_SLUG: usize = 60;

/// A migration file about to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub name: String,
    pub content: String,
}

/// What generating would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub diff: Diff,
    pub assessments: Vec<Assessment>,
    pub files: Vec<PlannedFile>,
}

impl Plan {
    /// The changes that are refused until the schema acknowledges them.
    pub fn refusals(&self) -> Vec<&Assessment> {
        self.assessments.iter().filter(|a| a.refused()).collect()
    }
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("the schema has errors")]
    Schema(Diagnostics),
    #[error(transparent)]
    Migrations(#[from] MigrationError),
    #[error("{} change(s) would lose data or break running code", .0.len())]
    Refused(Vec<Assessment>),
}

/// The outcome of [`generate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Generated {
    /// The declared schema matches the snapshot; nothing was written.
    NoChange,
    /// These files were written, in order.
    Written(Vec<PathBuf>),
}

/// Plans the migration(s) from `current` to `declared`. `name` overrides the generated file name.
pub fn plan(dialect: Dialect, current: &Schema, declared: &Schema, name: Option<&str>) -> Plan {
    let d = diff(current, declared);
    let assessments = assess(&d, current, declared);
    let files = if d.is_empty() {
        Vec::new()
    } else {
        files(dialect, &d, &assessments, current, declared, name)
    };
    Plan {
        diff: d,
        assessments,
        files,
    }
}

/// Loads the schema, diffs it against the snapshot in `migrations`, and writes the next
/// migration(s). Refuses, writing nothing, when a change needs an acknowledgement.
pub fn generate(
    dialect: Dialect,
    schema_path: &Path,
    migrations: &Path,
    name: Option<&str>,
) -> Result<Generated, GenerateError> {
    generate_at(dialect, schema_path, migrations, name, Version::now())
}

/// [`generate`] as if the current time were `now`.
pub fn generate_at(
    dialect: Dialect,
    schema_path: &Path,
    migrations: &Path,
    name: Option<&str>,
    now: Version,
) -> Result<Generated, GenerateError> {
    let declared = schema::load(schema_path).map_err(GenerateError::Schema)?;
    let mut dir = if migrations.is_dir() {
        MigrationDir::open(migrations)?
    } else {
        MigrationDir::create(migrations)?
    };
    let problems = dir.verify();
    if !problems.is_empty() {
        return Err(MigrationError::Unverified {
            dir: migrations.to_path_buf(),
            problems,
        }
        .into());
    }
    let current = dir.snapshot()?;
    let plan = plan(dialect, &current, &declared, name);
    if plan.diff.is_empty() {
        return Ok(Generated::NoChange);
    }
    let refused: Vec<Assessment> = plan.refusals().into_iter().cloned().collect();
    if !refused.is_empty() {
        return Err(GenerateError::Refused(refused));
    }
    let files: Vec<(&str, &str)> = plan
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.content.as_str()))
        .collect();
    let paths = dir.add_all_with_snapshot_at(&files, &declared, now)?;
    Ok(Generated::Written(paths))
}

/// Changes that only accompany another one and do not name a file.
fn is_auxiliary(c: &Change, all: &[&Change]) -> bool {
    match c {
        Change::CreateIndex {
            existing_table: false,
            ..
        }
        | Change::DropOldEnum { .. }
        | Change::SetColumnComment { .. }
        | Change::SetTableComment { .. }
        | Change::SetEnumComment { .. } => true,
        Change::DropForeignKey { table, .. } => all
            .iter()
            .any(|o| matches!(o, Change::DropTable(t) if &t.name == table)),
        Change::RenameConstraint { table, .. } | Change::RenameIndex { table, .. } => all
            .iter()
            .any(|o| matches!(o, Change::RenameTable { to, .. } if to == table)),
        _ => false,
    }
}

/// A file name describing the changes: `create_pets`, `add_pets_weight`, `create_pets_and_2_more`.
pub fn describe_name(changes: &[&Change]) -> String {
    let main: Vec<&&Change> = changes
        .iter()
        .filter(|c| !is_auxiliary(c, changes))
        .collect();
    let main: Vec<&Change> = if main.is_empty() {
        changes.to_vec()
    } else {
        main.into_iter().copied().collect()
    };
    let slugs: Vec<String> = main.iter().map(|c| snake_case(&c.slug())).collect();
    let name = match slugs.as_slice() {
        [] => "migration".to_string(),
        [one] => one.clone(),
        [a, b] if a.len() + b.len() + 5 <= MAX_SLUG => format!("{a}_and_{b}"),
        [first, rest @ ..] => format!("{first}_and_{}_more", rest.len()),
    };
    shorten(&name)
}

fn shorten(name: &str) -> String {
    if name.len() <= MAX_SLUG {
        return name.to_string();
    }
    let cut = name[..MAX_SLUG]
        .rfind('_')
        .filter(|&i| i > 0)
        .unwrap_or(MAX_SLUG);
    name[..cut].trim_end_matches('_').to_string()
}

fn files(
    dialect: Dialect,
    d: &Diff,
    assessments: &[Assessment],
    current: &Schema,
    declared: &Schema,
    name: Option<&str>,
) -> Vec<PlannedFile> {
    let units = render(dialect, d, current, declared).units();
    // Which changes have statements in which stage (PostgreSQL splits per change; SQLite has one).
    let stages: Vec<Vec<Stage>> = d
        .changes
        .iter()
        .map(|c| match dialect {
            Dialect::Postgres => postgres::change_statements(c, current, declared)
                .iter()
                .map(|s| s.stage)
                .collect(),
            Dialect::Sqlite => vec![Stage::Tx],
        })
        .collect();
    let present: Vec<Stage> = [Stage::Before, Stage::Tx, Stage::After]
        .into_iter()
        .filter(|st| stages.iter().any(|s| s.contains(st)))
        .collect();
    let many = units.len() > 1;
    units
        .iter()
        .zip(present)
        .map(|(unit, stage)| {
            let members: Vec<usize> = (0..d.changes.len()).filter(|&i| stages[i].contains(&stage)).collect();
            let changes: Vec<&Change> = members.iter().map(|&i| &d.changes[i]).collect();
            let file_name = match (name, many, stage) {
                (Some(n), false, _) | (Some(n), true, Stage::Tx) => n.to_string(),
                (Some(n), true, Stage::Before) => format!("{n}_enum_labels"),
                (Some(n), true, Stage::After) => format!("{n}_online"),
                (None, _, _) => describe_name(&changes),
            };
            let mut header = String::new();
            if unit.no_transaction {
                header.push_str("-- migrate:no-transaction\n");
            }
            for c in &changes {
                header.push_str(&format!("-- {}\n", capitalize(&c.describe())));
            }
            header.push_str("--\n");
            header.push_str("-- Generated by `migrate generate` from the declared schema. Applied once per database;\n");
            header.push_str("-- never edit it after it has been applied anywhere: a fix is a new migration.\n");
            match stage {
                Stage::Before => header.push_str(
                    "-- Runs outside a transaction: PostgreSQL lets no transaction use a new enum label before it commits.\n",
                ),
                Stage::After => header.push_str(
                    "-- Runs statement by statement outside a transaction, so no step holds a long lock.\n",
                ),
                Stage::Tx => {}
            }
            for &i in &members {
                if let Some(a) = assessments.iter().find(|a| a.change == i && a.risk >= crate::safety::Risk::BreaksCode) {
                    header.push_str(&format!("-- Acknowledged: {} {} ({}).\n", a.subject, a.risk, a.reason));
                }
            }
            PlannedFile {
                name: file_name,
                content: format!("{header}\n{}", unit.body()),
            }
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str() + ".",
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::load_str;

    fn names(a: &str, b: &str, dialect: Dialect) -> Vec<String> {
        let (a, b) = (
            load_str("a.toml", a).unwrap(),
            load_str("b.toml", b).unwrap(),
        );
        plan(dialect, &a, &b, None)
            .files
            .into_iter()
            .map(|f| f.name)
            .collect()
    }

    const PETS: &str = "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"uuid\", primary_key = true }\nname = \"text\"\n";

    #[test]
    fn file_names_describe_the_change() {
        assert_eq!(names("", PETS, Dialect::Postgres), ["create_pets"]);
        let with_weight = PETS.replace(
            "name = \"text\"",
            "name = \"text\"\nweight = { type = \"integer\", nullable = true }",
        );
        assert_eq!(
            names(PETS, &with_weight, Dialect::Sqlite),
            ["add_pets_weight"]
        );
        let indexed = format!("{PETS}[[tables.pets.indexes]]\ncolumns = [\"name\"]\n");
        assert_eq!(
            names(PETS, &indexed, Dialect::Postgres),
            ["create_pets_name_idx"]
        );
    }

    #[test]
    fn online_steps_get_their_own_file_with_a_header() {
        let a = load_str("a.toml", PETS).unwrap();
        let b = load_str(
            "b.toml",
            &format!("{}weight = {{ type = \"integer\", nullable = true }}\n[[tables.pets.indexes]]\ncolumns = [\"name\"]\n", PETS),
        )
        .unwrap();
        let p = plan(Dialect::Postgres, &a, &b, None);
        let names: Vec<&str> = p.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["add_pets_weight", "create_pets_name_idx"]);
        assert!(
            p.files[1].content.starts_with(
                "-- migrate:no-transaction\n-- Create index `pets_name_idx` on `pets`.\n"
            ),
            "{}",
            p.files[1].content
        );
        assert!(p.files[1].content.contains("CREATE INDEX CONCURRENTLY"));
        assert!(
            p.files[0]
                .content
                .starts_with("-- Add column `pets.weight` (integer, nullable).\n")
        );
        let named = plan(Dialect::Postgres, &a, &b, Some("weights"));
        let names: Vec<&str> = named.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["weights", "weights_online"]);
    }

    #[test]
    fn long_and_many() {
        let many = "[tables.a]\nmodel = \"A\"\ncolumns = { id = \"integer\" }\n[tables.b]\nmodel = \"B\"\ncolumns = { id = \"integer\" }\n[tables.c]\nmodel = \"C\"\ncolumns = { id = \"integer\" }\n";
        assert_eq!(names("", many, Dialect::Sqlite), ["create_a_and_2_more"]);
        assert!(shorten(&"x_".repeat(60)).len() <= MAX_SLUG);
    }
}
