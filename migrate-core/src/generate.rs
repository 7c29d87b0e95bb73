//! Writing the next migration: declared schema vs the migration directory's snapshot.
//!
//! One code path serves `migrate generate` and `cargo build` ([`crate::build::run`]): load the
//! schema, open the directory, diff against the snapshot, refuse unacknowledged unsafe changes,
//! and write the migration file(s) together with the new snapshot in one step.
//!
//! A diff usually becomes one file. On PostgreSQL, statements that must run outside a transaction
//! get files of their own: new enum labels before (no transaction may use a label before it is
//! committed) and `CONCURRENTLY` / `VALIDATE` steps after; between them, each column whose
//! existing rows are filled in batches (a backfill, a volatile default) gets a `-- migrate:batch`
//! file, which the runner finishes before the steps after it. Each file starts with a header
//! saying what it does.

use std::path::{Path, PathBuf};

use crate::config::Dialect;
use crate::diagnostic::{Diagnostics, Explain};
use crate::diff::phased::{self, Phased, Step};
use crate::diff::{Change, Diff, diff};
use crate::migration::{MigrationDir, MigrationError, Version, snake_case};
use crate::safety::{Assessment, assess};
use crate::schema::{self, Schema};
use crate::sql::{self, Stage, render};

/// Longest generated file name stem (without version), cut at a word boundary.
const MAX_SLUG: usize = 60;

/// A migration file about to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Its file name, `<version>_<name>.sql`.
    pub name: String,
    /// Its SQL.
    pub content: String,
}

/// What generating would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The changes from the migration directory's snapshot to the declared schema.
    pub diff: Diff,
    /// The safety check of each change.
    pub assessments: Vec<Assessment>,
    /// The files it would write (none when a change is refused).
    pub files: Vec<PlannedFile>,
    /// Why a change that asks for the expand/contract route cannot take it. Nothing is written
    /// while there is one.
    pub problems: Vec<phased::Problem>,
}

impl Plan {
    /// Nothing to write: no change to the tables and enums, nor to a family's template.
    pub fn is_empty(&self) -> bool {
        self.diff.is_empty() && self.files.is_empty()
    }

    /// The changes that are refused until the schema acknowledges them.
    pub fn refusals(&self) -> Vec<&Assessment> {
        self.assessments.iter().filter(|a| a.refused()).collect()
    }
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The declared schema does not load.
    #[error("the schema has errors")]
    Schema(Diagnostics),
    /// The migration directory cannot be read or written.
    #[error(transparent)]
    Migrations(#[from] MigrationError),
    /// Changes the schema does not acknowledge.
    #[error("{} change(s) would lose data or break running code", .0.len())]
    Refused(Vec<Assessment>),
    /// What the migration directory produces could not be learned by replaying it.
    #[error("{message}")]
    Replay {
        /// A stable code (`no-dev-database`, `replay-failed`, ...).
        code: &'static str,
        /// What went wrong.
        message: String,
        /// How to fix it.
        help: Option<String>,
    },
}

impl GenerateError {
    fn replay(e: &dyn Explain) -> GenerateError {
        GenerateError::Replay {
            code: e.code(),
            message: e.to_string(),
            help: e.help(),
        }
    }
}

impl Explain for GenerateError {
    fn code(&self) -> &'static str {
        match self {
            GenerateError::Schema(_) => "schema-errors",
            GenerateError::Migrations(e) => e.code(),
            GenerateError::Refused(_) => "refused",
            GenerateError::Replay { code, .. } => code,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            GenerateError::Migrations(e) => e.help(),
            GenerateError::Replay { help, .. } => help.clone(),
            GenerateError::Schema(_) | GenerateError::Refused(_) => None,
        }
    }
}

/// The outcome of [`generate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Generated {
    /// The declared schema matches the snapshot; nothing was written.
    NoChange,
    /// These files were written, in order.
    Written(Vec<PathBuf>),
}

/// A partitioned table declared for a dialect without declarative partitioning: a problem each.
fn unpartitionable(dialect: Dialect, declared: &Schema) -> Vec<phased::Problem> {
    if dialect.ops().has(crate::dialect::Capability::Partitioning) {
        return Vec::new();
    }
    declared
        .tables
        .iter()
        .filter(|t| t.partitioning.is_some())
        .map(|t| phased::Problem {
            code: "unsupported-by-dialect",
            table: t.name.clone(),
            column: None,
            message: format!(
                "table `{}` is partitioned (`partition_by`), and {} has no declarative partitioning",
                t.name,
                dialect.ops().title()
            ),
            help: format!(
                "remove `partition_by`, `partition_ahead` and the [tables.{}.partitions.*] sections, or use PostgreSQL",
                t.name
            ),
        })
        .collect()
}

/// Plans the migration(s) from `current` to `declared`. `name` overrides the generated file name.
pub fn plan(dialect: Dialect, current: &Schema, declared: &Schema, name: Option<&str>) -> Plan {
    plan_by(
        dialect,
        current,
        declared,
        name,
        "`migrate generate` from the declared schema",
    )
}

/// [`plan`], with the files' header saying they were generated by `origin`.
pub fn plan_by(
    dialect: Dialect,
    current: &Schema,
    declared: &Schema,
    name: Option<&str>,
    origin: &str,
) -> Plan {
    let d = diff(current, declared);
    let assessments = assess(dialect, &d, current, declared);
    let split = phased::split(&d, current, declared);
    let mut problems = split.problems.clone();
    problems.extend(unpartitionable(dialect, declared));
    if !split.phased.is_empty()
        && let Some(why) = dialect.ops().why_no_expand_contract()
    {
        for p in &split.phased {
            problems.push(phased::Problem {
                code: "expand-contract",
                table: p.table().to_string(),
                column: p.column().map(str::to_string),
                message: format!(
                    "{} cannot take the expand-contract route: {why}",
                    capitalize(&p.describe()).trim_end_matches('.')
                ),
                help: "remove `strategy = \"expand-contract\"` beside its acknowledgement (or write `strategy = \"in-place\"`)".into(),
            });
        }
    }
    let family_files = family_files(dialect, current, declared, name, origin, &mut problems);
    let files = if d.is_empty() || !problems.is_empty() {
        Vec::new()
    } else if split.phased.is_empty() {
        files(dialect, &d, &assessments, current, declared, name, origin)
    } else {
        // The assessments of the changes made in place, numbered as in their diff.
        let kept: Vec<Assessment> = assessments
            .iter()
            .filter_map(|a| {
                let at = split.kept.iter().position(|&i| i == a.change)?;
                Some(Assessment {
                    change: at,
                    ..a.clone()
                })
            })
            .collect();
        let mut out = if split.in_place.is_empty() {
            Vec::new()
        } else {
            files(
                dialect,
                &split.in_place,
                &kept,
                current,
                declared,
                name,
                origin,
            )
        };
        out.extend(phased_files(
            dialect,
            &split.phased,
            current,
            declared,
            name,
            origin,
        ));
        out
    };
    let mut files = files;
    if problems.is_empty() {
        files.extend(family_files);
    } else {
        files.clear();
    }
    Plan {
        diff: d,
        assessments,
        files,
        problems,
    }
}

/// One family migration per family whose template changed since `current`; a change the
/// template does not acknowledge is a problem (nothing is written).
fn family_files(
    dialect: Dialect,
    current: &Schema,
    declared: &Schema,
    name: Option<&str>,
    origin: &str,
    problems: &mut Vec<phased::Problem>,
) -> Vec<PlannedFile> {
    let mut out = Vec::new();
    for f in &declared.families {
        let Some(old) = current.family(&f.name) else {
            continue; // a new family: its members are created by the application
        };
        let Some(change) =
            crate::family::template_change(dialect, &declared.enums, f, &old.template, &f.template)
        else {
            continue;
        };
        if !change.refused.is_empty() {
            for (what, why, how) in &change.refused {
                problems.push(phased::Problem {
                    code: "expand-contract",
                    table: f.name.clone(),
                    column: None,
                    message: format!("family `{}`: {what} is refused: {why}", f.name),
                    help: if how.is_empty() {
                        "acknowledge it under [families.NAME] as a table's change is acknowledged"
                            .into()
                    } else {
                        format!("acknowledge it: {how}")
                    },
                });
            }
            continue;
        }
        let stem = match name {
            Some(n) => format!("{n}_{}", snake_case(&f.name)),
            None => shorten(&format!(
                "{}_{}",
                snake_case(&f.name),
                snake_case(change.describe.first().map_or("change", String::as_str))
            )),
        };
        out.push(PlannedFile {
            name: stem,
            content: crate::family::migration_file(f, &change, origin),
        });
    }
    out
}

/// Loads the schema, diffs it against what the migration directory produces, and writes the
/// next migration(s). Refuses, writing nothing, when a change needs an acknowledgement.
pub fn generate(
    dialect: Dialect,
    schema_path: &Path,
    migrations: &Path,
    name: Option<&str>,
) -> Result<Generated, GenerateError> {
    generate_at(dialect, schema_path, migrations, name, Version::now())
}

/// [`generate`] for a project's configuration: its dialect, schema and directory, with the
/// migrations up to its `lint_baseline` released (their content problems are warnings, see
/// [`MigrationDir::with_baseline`]).
pub fn generate_for(
    config: &crate::config::Config,
    name: Option<&str>,
) -> Result<Generated, GenerateError> {
    let opts = Options {
        name,
        ..Options::default()
    };
    generate_with(config, &opts).map(|o| o.generated)
}

/// [`generate`] as if the current time were `now`.
pub fn generate_at(
    dialect: Dialect,
    schema_path: &Path,
    migrations: &Path,
    name: Option<&str>,
    now: Version,
) -> Result<Generated, GenerateError> {
    let mut config = crate::config::Config::defaults(Path::new("."));
    config.dialect = dialect;
    config.schema = schema_path.to_path_buf();
    config.migrations = migrations.to_path_buf();
    let opts = Options {
        name,
        now: Some(now),
        ..Options::default()
    };
    generate_with(&config, &opts).map(|o| o.generated)
}

/// How `generate` learns what the migration directory produces when the snapshot does not
/// record the migrations as they are (one was written by hand, edited, removed, or added by
/// `migrate diff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Replay {
    /// Replay the directory on a scratch database, starting a throwaway local server when need
    /// be; an error when none can be had (`migrate generate`).
    #[default]
    Full,
    /// Replay only on what needs no server of its own (SQLite in memory, `dev_database_url`);
    /// else use the snapshot and say so ([`Basis::Stale`]): `build.rs`.
    NoServer,
    /// Never replay: the snapshot, saying so when it is stale (`migrate generate --offline`).
    Offline,
}

/// Hears `(applied, total)` as a replay applies each migration.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Options of [`generate_with`].
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// The file name after the version (default: describes the change).
    pub name: Option<&'a str>,
    /// Plan only: write nothing, not even a refreshed snapshot (`generate --print`).
    pub print: bool,
    /// When to replay the directory.
    pub replay: Replay,
    /// The time the version is taken from (default: now).
    pub now: Option<Version>,
    /// Progress of a replay, for long directories.
    pub progress: Option<Progress<'a>>,
}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("name", &self.name)
            .field("print", &self.print)
            .field("replay", &self.replay)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// Where the schema the directory produces came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The snapshot records the migrations as they are: nothing was replayed.
    Snapshot,
    /// The directory was replayed on a scratch database.
    Replayed {
        /// How many migrations were applied.
        migrations: usize,
        /// What the scratch database was.
        on: String,
        /// How long it took, in milliseconds.
        ms: u64,
    },
    /// The snapshot does not record the migrations as they are and the directory could not be
    /// replayed: the snapshot was used anyway. A hand-written migration's objects are unknown.
    Stale {
        /// Why it was not replayed.
        why: String,
    },
}

/// What [`generate_with`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The files written (none with [`Options::print`]).
    pub generated: Generated,
    /// The plan: changes, safety verdicts, files.
    pub plan: Plan,
    /// Where the current schema came from.
    pub basis: Basis,
    /// The snapshot was rewritten to record the migrations as they are (no new file).
    pub refreshed: bool,
}

/// Loads the schema, learns what the migration directory produces (the snapshot when it
/// records the migrations as they are, else a replay, see [`Replay`]), diffs, and writes the
/// next migration(s) with the new snapshot, unless `opts.print`. Refuses, writing nothing, when
/// a change needs an acknowledgement.
pub fn generate_with(
    config: &crate::config::Config,
    opts: &Options<'_>,
) -> Result<Outcome, GenerateError> {
    let declared =
        schema::load_for(&config.schema, config.dialect).map_err(GenerateError::Schema)?;
    let migrations = config.migrations.as_path();
    let mut dir = if migrations.is_dir() {
        MigrationDir::open(migrations)?
    } else if opts.print {
        return Ok(outcome_of(
            config,
            &Schema::default(),
            &declared,
            opts,
            Basis::Snapshot,
        ));
    } else {
        MigrationDir::create(migrations)?
    }
    .with_baseline(config.lint_baseline);
    let problems = dir.verify();
    if !problems.is_empty() {
        return Err(MigrationError::Unverified {
            dir: migrations.to_path_buf(),
            problems,
        }
        .into());
    }
    let snapshot = dir.snapshot()?;
    let fresh = dir.snapshot_is_current() && !acknowledges_unknown(&snapshot, &declared);
    let (plan, basis) = if fresh {
        (
            plan_for(config, &snapshot, &declared, opts.name),
            Basis::Snapshot,
        )
    } else if dir.migrations().is_empty() {
        let basis = Basis::Replayed {
            migrations: 0,
            on: "nothing (no migrations)".into(),
            ms: 0,
        };
        // No migration made anything; the families are the snapshot's (no database holds them).
        let none = Schema {
            families: snapshot.families.clone(),
            ..Schema::default()
        };
        (plan_for(config, &none, &declared, opts.name), basis)
    } else {
        replayed_plan(config, &dir, &declared, &snapshot, opts)?
    };
    if !plan.problems.is_empty() {
        return Err(GenerateError::Schema(problem_diagnostics(
            &config.schema,
            &plan.problems,
        )));
    }
    let refused: Vec<Assessment> = plan.refusals().into_iter().cloned().collect();
    if !refused.is_empty() {
        return Err(GenerateError::Refused(refused));
    }
    let stale = matches!(basis, Basis::Stale { .. });
    if opts.print || plan.is_empty() {
        // A replay that found nothing to write is recorded, so that the next run replays nothing;
        // a family added or removed is recorded too (its members are the application's to
        // create, so it needs no migration, but its next template change needs the snapshot).
        let families_changed = snapshot.families != declared.families;
        let refresh = !opts.print && ((!fresh && !stale) || families_changed);
        if refresh {
            dir.write_snapshot(&declared)?;
        }
        return Ok(Outcome {
            generated: Generated::NoChange,
            plan,
            basis,
            refreshed: refresh,
        });
    }
    let files: Vec<(&str, &str)> = plan
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.content.as_str()))
        .collect();
    let now = opts.now.unwrap_or_else(Version::now);
    let paths = if stale {
        dir.add_all_with_stale_snapshot_at(&files, &declared, now)?
    } else {
        dir.add_all_with_snapshot_at(&files, &declared, now)?
    };
    Ok(Outcome {
        generated: Generated::Written(paths),
        plan,
        basis,
        refreshed: false,
    })
}

/// [`plan`] with the project's `change_strategy` standing in for the schema's where it gives
/// none: for planning only, the snapshot records the schema as written.
fn plan_for(
    config: &crate::config::Config,
    current: &Schema,
    declared: &Schema,
    name: Option<&str>,
) -> Plan {
    let mut planned = declared.clone();
    phased::apply_default_strategy(&mut planned, config.change_strategy);
    plan(config.dialect, current, &planned, name)
}

fn outcome_of(
    config: &crate::config::Config,
    current: &Schema,
    declared: &Schema,
    opts: &Options<'_>,
    basis: Basis,
) -> Outcome {
    Outcome {
        generated: Generated::NoChange,
        plan: plan_for(config, current, declared, opts.name),
        basis,
        refreshed: false,
    }
}

/// Whether `declared` newly acknowledges dropping a table, enum, column, view, function or
/// trigger the snapshot does not have: something a hand-written migration made, which only a
/// replay knows. (An acknowledgement the snapshot carries too is an old one, of a drop already
/// generated.)
fn acknowledges_unknown(snapshot: &Schema, declared: &Schema) -> bool {
    let table = |name: &str| snapshot.tables.iter().find(|t| t.name == name);
    declared
        .drop_tables
        .iter()
        .any(|t| table(t).is_none() && !snapshot.drop_tables.contains(t))
        || declared.drop_enums.iter().any(|e| {
            !snapshot.enums.iter().any(|s| &s.name == e) && !snapshot.drop_enums.contains(e)
        })
        || declared.tables.iter().any(|t| {
            t.drop_columns.iter().any(|c| {
                table(&t.name).is_some_and(|s| {
                    !s.columns.iter().any(|sc| &sc.name == c) && !s.drop_columns.contains(c)
                })
            })
        })
        || {
            let (d, s) = (&declared.objects, &snapshot.objects);
            d.drop_views
                .iter()
                .any(|v| s.view(v).is_none() && !s.drop_views.contains(v))
                || d.drop_functions
                    .iter()
                    .any(|f| s.function(f).is_none() && !s.drop_functions.contains(f))
                || d.drop_triggers
                    .iter()
                    .any(|t| s.trigger(t).is_none() && !s.drop_triggers.contains(t))
        }
}

/// The plan against the replayed directory: whatever the migrations made that the schema does
/// not declare (a hand-written table, say) stays, unless the schema acknowledges dropping it,
/// as `migrate diff` does against a live database. When no scratch database could be had and
/// `opts.replay` allows it, the plan against the `snapshot` instead ([`Basis::Stale`]).
#[cfg(feature = "runtime")]
fn replayed_plan(
    config: &crate::config::Config,
    dir: &MigrationDir,
    declared: &Schema,
    snapshot: &Schema,
    opts: &Options<'_>,
) -> Result<(Plan, Basis), GenerateError> {
    use crate::replay::{self, ReplayError, Request};
    let stale = |why: String| {
        (
            plan_for(config, snapshot, declared, opts.name),
            Basis::Stale { why },
        )
    };
    if opts.replay == Replay::Offline {
        return Ok(stale("replaying was turned off (--offline)".into()));
    }
    let sources = replay::sources(dir).map_err(|e| GenerateError::replay(&e))?;
    let req = Request {
        dialect: config.dialect,
        history_table: &config.history_table,
        from: crate::dialect::runtime::ScratchFrom {
            dev_url: config.dev_database_url.as_deref(),
            start_server: opts.replay == Replay::Full,
        },
    };
    let mut progress = |done: usize, total: usize| {
        if let Some(p) = opts.progress {
            p(done, total);
        }
    };
    match replay::replay_blocking(req, &sources, Some(declared), &mut progress) {
        Ok(r) => {
            let wanted = r
                .wanted
                .unwrap_or_else(|| crate::introspect::represent(config.dialect, declared));
            let (mut target, _) = crate::introspect::keep_undeclared(&r.schema, &wanted);
            // A database holds no template: what the families were is the snapshot's.
            let mut replayed = r.schema;
            replayed.families = dir.snapshot().map(|s| s.families).unwrap_or_default();
            target.families = declared.families.clone();
            let p = plan_for(config, &replayed, &target, opts.name);
            let basis = Basis::Replayed {
                migrations: r.applied,
                on: r.on,
                ms: r.ms,
            };
            Ok((p, basis))
        }
        Err(ReplayError::Unavailable(e)) if opts.replay == Replay::NoServer => Ok(stale(e.message)),
        Err(e) => Err(GenerateError::replay(&e)),
    }
}

#[cfg(not(feature = "runtime"))]
fn replayed_plan(
    config: &crate::config::Config,
    _dir: &MigrationDir,
    declared: &Schema,
    snapshot: &Schema,
    opts: &Options<'_>,
) -> Result<(Plan, Basis), GenerateError> {
    let why = "this build of migrate-core has no `runtime` feature to replay the directory with";
    Ok((
        plan_for(config, snapshot, declared, opts.name),
        Basis::Stale { why: why.into() },
    ))
}

/// The problems of the expand/contract route, each at the `strategy` key that asks for it (or
/// the column or table it is about, when the project's `change_strategy` does).
fn problem_diagnostics(schema_path: &Path, problems: &[phased::Problem]) -> Diagnostics {
    let mut ignored = Diagnostics::default();
    let raw = schema::load::read_sources(schema_path)
        .map(|files| schema::load::parse_sources(files, &mut ignored))
        .ok();
    let located = |p: &phased::Problem| {
        let t = raw
            .as_ref()?
            .tables
            .iter()
            .find(|t| t.name.value == p.table)?;
        Some(match &p.column {
            Some(c) => {
                let c = t.columns.iter().find(|rc| rc.name.value == *c)?;
                c.strategy
                    .as_ref()
                    .map_or_else(|| c.name.loc.clone(), |s| s.loc.clone())
            }
            None => t
                .strategy
                .as_ref()
                .map_or_else(|| t.name.loc.clone(), |s| s.loc.clone()),
        })
    };
    Diagnostics(
        problems
            .iter()
            .map(|p| {
                let d = crate::diagnostic::Diagnostic::new(p.code, p.message.clone())
                    .help(p.help.clone());
                match located(p) {
                    Some(loc) => d.at(loc),
                    None => d,
                }
            })
            .collect(),
    )
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
pub(crate) fn describe_name(changes: &[&Change]) -> String {
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
    origin: &str,
) -> Vec<PlannedFile> {
    let units = render(dialect, d, current, declared).units();
    // Which changes have statements in which stage (a dialect that renders change by change may
    // split one across stages; one that renders the diff as a whole puts every change in one).
    let stages: Vec<Vec<Stage>> = d
        .changes
        .iter()
        .map(|c| dialect.ops().change_stages(c, current, declared))
        .collect();
    // The change of each batched statement, in order: each is a file of its own.
    let batched: Vec<usize> = stages
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.iter().filter(|st| **st == Stage::Batch).map(move |_| i))
        .collect();
    let many = units.len() > 1;
    // A transaction the dialect split in parts (too large for the server's lock table): each
    // part a file, holding the changes whose first statement it holds.
    let tx_parts = units.iter().filter(|u| u.stage == Stage::Tx).count();
    let part_of: Vec<Option<String>> = if tx_parts > 1 {
        d.changes
            .iter()
            .map(|c| {
                let alone = Diff {
                    changes: vec![c.clone()],
                };
                render(dialect, &alone, current, declared)
                    .statements
                    .into_iter()
                    .find(|s| s.stage == Stage::Tx)
                    .map(|s| s.sql)
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut batch_files = 0;
    let mut tx_part = 0;
    units
        .iter()
        .map(|unit| {
            let stage = unit.stage;
            let members: Vec<usize> = if stage == Stage::Batch {
                batch_files += 1;
                batched.get(batch_files - 1).copied().into_iter().collect()
            } else if stage == Stage::Tx && tx_parts > 1 {
                tx_part += 1;
                let held: std::collections::HashSet<&str> =
                    unit.statements.iter().map(String::as_str).collect();
                (0..d.changes.len())
                    .filter(|&i| part_of[i].as_deref().is_some_and(|s| held.contains(s)))
                    .collect()
            } else {
                (0..d.changes.len()).filter(|&i| stages[i].contains(&stage)).collect()
            };
            let changes: Vec<&Change> = members.iter().map(|&i| &d.changes[i]).collect();
            // The file before the transaction holds new enum labels, and may prepare keys and
            // drop indexes without blocking writes.
            let labels_alone = match stage {
                Stage::Before => dialect.ops().enum_labels_file(&unit.statements),
                Stage::Tx | Stage::After | Stage::Batch => None,
            };
            let only_labels = labels_alone.is_some();
            let file_name = match (name, many, stage) {
                (Some(n), true, Stage::Batch) if batched.len() > 1 => format!("{n}_backfill_{batch_files}"),
                (Some(n), true, Stage::Batch) => format!("{n}_backfill"),
                (None, _, Stage::Batch) => backfill_name(&changes),
                (Some(n), false, _) | (Some(n), true, Stage::Tx) => n.to_string(),
                (Some(n), true, Stage::Before) if only_labels => format!("{n}_enum_labels"),
                (Some(n), true, Stage::Before) => format!("{n}_prepare"),
                (Some(n), true, Stage::After) => format!("{n}_online"),
                (None, _, _) => describe_name(&changes),
            };
            let file_name = if stage == Stage::Tx && tx_part > 1 {
                format!("{file_name}_part_{tx_part}")
            } else {
                file_name
            };
            let mut header = unit.directives();
            for c in &changes {
                header.push_str(&comment_line(&capitalize(&c.describe())));
            }
            header.push_str("--\n");
            header.push_str(&comment_line(&format!("Generated by {origin}. Applied once per database;")));
            header.push_str(&comment_line("never edit it after it has been applied anywhere: a fix is a new migration."));
            match (stage, labels_alone) {
                (Stage::Before, Some(why)) => header.push_str(&comment_line(why)),
                (Stage::Before, None) => header.push_str(&comment_line(
                    "Runs statement by statement outside a transaction, before the one that needs it: no step holds a long lock, and new enum labels commit first.",
                )),
                (Stage::After, _) => header.push_str(&comment_line(
                    "Runs statement by statement outside a transaction, so no step holds a long lock.",
                )),
                (Stage::Batch, _) => header.push_str(&comment_line(
                    "Runs in batches along the table's primary key, each a short transaction of its own; the migrations after it run once every row is done.",
                )),
                (Stage::Tx, _) if tx_parts > 1 => header.push_str(&comment_line(&format!(
                    "Part {tx_part} of {tx_parts}: the changes are split in transactions that each fit in the server's lock table (max_locks_per_transaction)."
                ))),
                (Stage::Tx, _) => {}
            }
            for &i in &members {
                // A reordering of enum labels has no acknowledgement of its own: the new order, written
                // in the schema, is the only way to ask for one, and the rewrite it costs.
                let acknowledged = |a: &&crate::safety::Assessment| {
                    a.risk >= crate::safety::Risk::BreaksCode || a.code == crate::safety::SafetyCode::ReorderEnumLabels
                };
                if let Some(a) = assessments.iter().find(|a| a.change == i && acknowledged(a)) {
                    header.push_str(&comment_line(&format!("Acknowledged: {} {} ({}).", a.subject, a.risk, a.reason)));
                }
            }
            PlannedFile {
                name: file_name,
                content: format!("{header}\n{}", unit.body()),
            }
        })
        .collect()
}

/// The files of the changes made in phases: every expand file, then every backfill, then every
/// validation, then every contract, so that each phase of one change finds the earlier phases
/// of all of them done.
fn phased_files(
    dialect: Dialect,
    phased: &[Phased],
    current: &Schema,
    declared: &Schema,
    name: Option<&str>,
    origin: &str,
) -> Vec<PlannedFile> {
    let rendered: Vec<(&Phased, phased::PhasedSql)> = phased
        .iter()
        .map(|p| (p, dialect.ops().render_phased(p, current, declared)))
        .collect();
    let many = phased.len() > 1;
    let stem = |p: &Phased, phase: &str| match name {
        Some(n) if !many => format!("{n}_{phase}"),
        _ => format!("{}_{phase}", shorten(&snake_case(&p.slug()))),
    };
    // The schema acknowledges the change (`renamed_from`, `drop_columns`, ...): the line says so
    // to `migrate lint`, as the in-place files' do.
    let acknowledged = |p: &Phased| {
        comment_line(&format!(
            "Acknowledged: {} in phases (strategy = \"expand-contract\").",
            p.describe()
        ))
    };
    let generated = |out: &mut String| {
        out.push_str("--\n");
        out.push_str(&comment_line(&format!(
            "Generated by {origin}. Applied once per database;"
        )));
        out.push_str(&comment_line(
            "never edit it after it has been applied anywhere: a fix is a new migration.",
        ));
    };
    let mut files = Vec::new();
    for (p, sql) in &rendered {
        if sql.expand.is_empty() {
            continue;
        }
        let mut head = comment_line(&format!("Expand: {}", capitalize(&p.describe())));
        for n in &sql.notes {
            head.push_str(&comment_line(n));
        }
        head.push_str(&comment_line(
            "Deploy the new code with this migration: the old and the new code both work until the contract migration.",
        ));
        generated(&mut head);
        head.push_str(&acknowledged(p));
        files.push(PlannedFile {
            name: stem(p, "expand"),
            content: format!("{head}\n{}", steps(&sql.expand)),
        });
    }
    for (p, sql) in &rendered {
        let Some(b) = &sql.backfill else { continue };
        let mut head = format!(
            "-- migrate:batch table={}\n",
            crate::sql::directive_name(&b.table)
        );
        head.push_str(&comment_line(&format!(
            "Backfill: {}",
            capitalize(&p.describe())
        )));
        head.push_str(&comment_line(&b.why));
        head.push_str(&comment_line(
            "Runs in batches of rows, one short transaction each; the migrations after it wait until it has walked the whole table.",
        ));
        generated(&mut head);
        files.push(PlannedFile {
            name: stem(p, "backfill"),
            content: format!("{head}\n{};\n", b.sql),
        });
    }
    for (p, sql) in &rendered {
        if sql.validate.is_empty() {
            continue;
        }
        let mut head = String::from("-- migrate:no-transaction\n");
        head.push_str(&comment_line(&format!(
            "Validate: {}",
            capitalize(&p.describe())
        )));
        head.push_str(&comment_line(
            "After the backfill: checks and builds what the new column needs, statement by statement outside a transaction, so no step holds a long lock.",
        ));
        generated(&mut head);
        files.push(PlannedFile {
            name: stem(p, "validate"),
            content: format!("{head}\n{}", steps(&sql.validate)),
        });
    }
    for (p, sql) in &rendered {
        if sql.contract.is_empty() {
            continue;
        }
        let mut head = String::from("-- migrate:contract\n");
        head.push_str(&comment_line(&format!(
            "Contract: {}",
            capitalize(&p.describe())
        )));
        head.push_str(&comment_line(
            "Removes the old shape: the code that still uses it fails from here. `migrate up` stops before this file; apply it with `migrate up --contract` (or `migrate contract VERSION`) once every running copy of the old code is gone and the backfill before it has finished.",
        ));
        generated(&mut head);
        head.push_str(&acknowledged(p));
        files.push(PlannedFile {
            name: stem(p, "contract"),
            content: format!("{head}\n{}", steps(&sql.contract)),
        });
    }
    files
}

/// Statements, each under the comment that says what it is for.
fn steps(steps: &[Step]) -> String {
    let mut out = String::new();
    for (i, s) in steps.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&comment_line(&s.why));
        out.push_str(&s.sql);
        out.push_str(";\n");
    }
    out
}

/// The name of a batched fill's file: `backfill_pets_chip`.
fn backfill_name(changes: &[&Change]) -> String {
    let slug = match changes.first() {
        Some(Change::AddColumn { table, column }) => format!("{table}_{}", column.name),
        Some(Change::SetNotNull { table, column, .. }) => format!("{table}_{column}"),
        Some(other) => other.slug(),
        None => "rows".to_string(),
    };
    shorten(&format!("backfill_{}", snake_case(&slug)))
}

/// One `-- ` comment line of a file header. Names, defaults and reasons in `text` come from the
/// schema or the database: [`sql::comment`] keeps every one of them inside the comment.
fn comment_line(text: &str) -> String {
    format!("-- {}\n", sql::comment(text))
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

    /// New enum labels that a change in the same migration uses commit first, in a file of their
    /// own whose header says why; a dialect without that need writes one file.
    #[test]
    fn new_enum_labels_get_their_own_file_with_the_dialects_reason() {
        const KINDS: &str = "[enums.kind]\nvalues = [\"cat\"]\n";
        let a = load_str("a.toml", &format!("{KINDS}{PETS}")).unwrap();
        let b = load_str(
            "b.toml",
            &format!(
                "{}{PETS}kind = {{ type = \"kind\", default = \"'dog'\" }}\n",
                KINDS.replace("\"cat\"", "\"cat\", \"dog\"")
            ),
        )
        .unwrap();
        let p = plan(Dialect::Postgres, &a, &b, Some("dogs"));
        let names: Vec<&str> = p.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["dogs_enum_labels", "dogs"]);
        assert!(
            p.files[0].content.contains(
                "-- Runs outside a transaction: PostgreSQL lets no transaction use a new enum label before it commits.\n"
            ),
            "{}",
            p.files[0].content
        );
        assert_eq!(plan(Dialect::Sqlite, &a, &b, Some("dogs")).files.len(), 1);
    }

    /// Every header line is a comment, whatever the names and defaults hold, and the file splits
    /// into exactly the rendered statements: nothing of a name runs.
    #[test]
    fn header_comments_hold_every_name() {
        use crate::sql::split::split;
        let base = load_str(
            "a.toml",
            &format!("{PETS}[[tables.pets.indexes]]\ncolumns = [\"name\"]\n"),
        )
        .unwrap();
        let mut with_default = base.clone();
        with_default.tables[0].columns[1].default = Some("'a\nDROP TABLE x; --\r\nb'".into());
        for hostile in [
            "t\nDROP TABLE x;\n--",
            "t\rDROP TABLE x;\r--",
            "t\u{2028}DROP TABLE x;\u{85}--",
            "t */ DROP TABLE x; /* $$ $a$",
        ] {
            let mut to = with_default.clone();
            to.tables[0].name = hostile.into();
            to.tables[0].indexes[0].name = hostile.into();
            for dialect in [Dialect::Postgres, Dialect::Sqlite] {
                for from in [Schema::default(), base.clone()] {
                    let p = plan(dialect, &from, &to, None);
                    let units = render(dialect, &p.diff, &from, &to).units();
                    assert_eq!(p.files.len(), units.len());
                    for (f, unit) in p.files.iter().zip(&units) {
                        let (header, _) = f.content.split_once("\n\n").unwrap();
                        for line in header.lines() {
                            assert!(
                                line.starts_with("--"),
                                "{dialect}: {line:?} in\n{}",
                                f.content
                            );
                        }
                        let got: Vec<String> = split(&f.content, dialect)
                            .unwrap()
                            .into_iter()
                            .map(|s| {
                                // The header comments lead the first statement.
                                let mut sql = s.sql.trim();
                                while let Some(rest) = sql.strip_prefix("--") {
                                    sql = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
                                }
                                sql.to_string()
                            })
                            .collect();
                        assert_eq!(got, unit.statements, "{dialect}:\n{}", f.content);
                    }
                }
            }
        }
    }

    /// A drop the snapshot cannot know about (of a table a hand-written migration made) sends
    /// `generate` to replay; one it already carries (a drop generated before) does not.
    #[test]
    fn only_a_new_acknowledgement_of_an_unknown_object_needs_a_replay() {
        let snapshot = load_str("s.toml", PETS).unwrap();
        let with = |extra: &str| load_str("d.toml", &format!("{extra}{PETS}")).unwrap();
        assert!(!acknowledges_unknown(&snapshot, &with("")));
        assert!(acknowledges_unknown(
            &snapshot,
            &with("drop_tables = [\"audit\"]\n")
        ));
        let old = with("drop_tables = [\"audit\"]\n");
        assert!(!acknowledges_unknown(&old, &old));
        assert!(acknowledges_unknown(
            &snapshot,
            &with("drop_views = [\"hand_made\"]\n")
        ));
    }

    /// A backfill on a table with rows: the column added nullable in the transaction, filled in
    /// batches in a file of its own, made NOT NULL in the file after it.
    #[test]
    fn a_backfill_is_a_batch_file_between_the_add_and_the_not_null() {
        let a = load_str("a.toml", PETS).unwrap();
        let b = load_str(
            "b.toml",
            &format!("{PETS}chip = {{ type = \"text\", backfill = \"'unknown'\" }}\n"),
        )
        .unwrap();
        let p = plan(Dialect::Postgres, &a, &b, None);
        let names: Vec<&str> = p.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["add_pets_chip", "backfill_pets_chip", "add_pets_chip"]
        );
        let body = |f: &PlannedFile| f.content.split_once("\n\n").unwrap().1.to_string();
        assert_eq!(
            body(&p.files[0]),
            "ALTER TABLE \"pets\" ADD COLUMN \"chip\" text;\n"
        );
        assert!(
            p.files[1]
                .content
                .starts_with("-- migrate:batch table=pets\n-- Add column `pets.chip`"),
            "{}",
            p.files[1].content
        );
        assert_eq!(
            body(&p.files[1]),
            "UPDATE \"pets\" SET \"chip\" = 'unknown' WHERE \"chip\" IS NULL AND :batch;\n"
        );
        let after = &p.files[2].content;
        assert!(after.starts_with("-- migrate:no-transaction\n"), "{after}");
        let after_body = body(&p.files[2]);
        let steps: Vec<&str> = after_body.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            steps,
            [
                "ALTER TABLE \"pets\" DROP CONSTRAINT IF EXISTS \"pets_chip_not_null\";",
                "ALTER TABLE \"pets\" ADD CONSTRAINT \"pets_chip_not_null\" CHECK (\"chip\" IS NOT NULL) NOT VALID;",
                "UPDATE \"pets\" SET \"chip\" = 'unknown' WHERE \"chip\" IS NULL;",
                "ALTER TABLE \"pets\" VALIDATE CONSTRAINT \"pets_chip_not_null\";",
                "ALTER TABLE \"pets\" ALTER COLUMN \"chip\" SET NOT NULL;",
                "ALTER TABLE \"pets\" DROP CONSTRAINT IF EXISTS \"pets_chip_not_null\";",
            ]
        );
        let named = plan(Dialect::Postgres, &a, &b, Some("chips"));
        let names: Vec<&str> = named.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["chips", "chips_backfill", "chips_online"]);
        // SQLite makes a column NOT NULL by rebuilding the table, which copies every row anyway:
        // the backfill is part of that copy, in one file.
        let lite = plan(Dialect::Sqlite, &a, &b, None);
        assert_eq!(lite.files.len(), 1);
        assert!(!lite.files[0].content.contains(":batch"));
        // A table created in the same migration has no rows: no batches.
        let fresh = plan(Dialect::Postgres, &Schema::default(), &b, None);
        assert!(
            fresh
                .files
                .iter()
                .all(|f| !f.content.contains("migrate:batch"))
        );
    }

    /// Two batched fills are two files, in the order of their changes, each naming its table.
    #[test]
    fn each_batched_fill_is_a_file() {
        let owners = "[tables.owners]\nmodel = \"Owner\"\n[tables.owners.columns]\nid = { type = \"uuid\", primary_key = true }\n\"Full Name\" = { type = \"text\", nullable = true }\n";
        let a = load_str("a.toml", &format!("{PETS}{owners}")).unwrap();
        let to = format!(
            "{PETS}tag = {{ type = \"uuid\", default = \"gen_random_uuid()\" }}\n{}",
            owners.replace("nullable = true", "backfill = \"''\"")
        );
        let b = load_str("b.toml", &to).unwrap();
        let p = plan(Dialect::Postgres, &a, &b, Some("two"));
        let heads: Vec<(&str, &str)> = p
            .files
            .iter()
            .map(|f| (f.name.as_str(), f.content.lines().next().unwrap()))
            .collect();
        assert_eq!(
            heads,
            [
                ("two", "-- Add column `pets.tag` (uuid)."),
                ("two_backfill_1", "-- migrate:batch table=pets"),
                ("two_backfill_2", "-- migrate:batch table=owners"),
                ("two_online", "-- migrate:no-transaction"),
            ]
        );
        assert!(p.files[1].content.contains(
            "\nUPDATE \"pets\" SET \"tag\" = gen_random_uuid() WHERE \"tag\" IS NULL AND :batch;\n"
        ));
        assert!(p.files[2].content.contains(
            "\nUPDATE \"owners\" SET \"Full Name\" = '' WHERE \"Full Name\" IS NULL AND :batch;\n"
        ));
        assert!(
            p.files[2].content.starts_with(
                "-- migrate:batch table=owners\n-- Make `owners.Full Name` NOT NULL.\n"
            )
        );
        // The new rows take the default from the transaction on; the file after the batches
        // fills what was written without one while they ran, then makes the column NOT NULL.
        assert!(p.files[0].content.ends_with("ALTER TABLE \"pets\" ADD COLUMN \"tag\" uuid;\n\nALTER TABLE \"pets\" ALTER COLUMN \"tag\" SET DEFAULT gen_random_uuid();\n"));
        assert!(
            p.files[3]
                .content
                .contains("ALTER TABLE \"pets\" ALTER COLUMN \"tag\" SET NOT NULL;")
        );
    }

    /// A first migration too large for the server's lock table is split in transactions, one
    /// file each, every change in one of them.
    #[test]
    fn a_migration_too_large_for_the_lock_table_is_split() {
        let mut src = String::new();
        for i in 0..600 {
            src.push_str(&format!(
                "[tables.t{i}]\nmodel = \"T{i}\"\n[tables.t{i}.columns]\nid = {{ type = \"integer\", primary_key = true, identity = true }}\nname = {{ type = \"text\", unique = true }}\n"
            ));
        }
        let to = load_str("s.toml", &src).unwrap();
        let p = plan(Dialect::Postgres, &Schema::default(), &to, Some("adopt"));
        let names: Vec<&str> = p.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["adopt", "adopt_part_2", "adopt_part_3"]);
        assert!(p.files[1].content.contains("-- Part 2 of 3:"));
        let creates: usize = p
            .files
            .iter()
            .map(|f| f.content.matches("CREATE TABLE").count())
            .sum();
        assert_eq!(creates, 600);
        for f in &p.files {
            let described = f.content.matches("-- Create table").count();
            assert_eq!(
                described,
                f.content.matches("CREATE TABLE").count(),
                "{}",
                f.name
            );
        }
        // SQLite has no lock table: one file.
        assert_eq!(
            plan(Dialect::Sqlite, &Schema::default(), &to, Some("adopt"))
                .files
                .len(),
            1
        );
    }

    #[test]
    fn long_and_many() {
        let many = "[tables.a]\nmodel = \"A\"\ncolumns = { id = \"integer\" }\n[tables.b]\nmodel = \"B\"\ncolumns = { id = \"integer\" }\n[tables.c]\nmodel = \"C\"\ncolumns = { id = \"integer\" }\n";
        assert_eq!(names("", many, Dialect::Sqlite), ["create_a_and_2_more"]);
        assert!(shorten(&"x_".repeat(60)).len() <= MAX_SLUG);
    }
}

#[cfg(test)]
mod phased_tests {
    use super::*;
    use crate::schema::load_str;

    const FROM: &str = "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nnick = \"text\"\nweight = { type = \"integer\", nullable = true }\n";

    fn to(cols: &str) -> Schema {
        load_str(
            "s.toml",
            &format!("[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = {{ type = \"bigint\", primary_key = true }}\n{cols}\n"),
        )
        .unwrap()
    }

    #[test]
    fn a_rename_becomes_expand_backfill_validate_and_contract() {
        let from = load_str("s.toml", FROM).unwrap();
        let to = to(
            "nickname = { type = \"text\", renamed_from = \"nick\", strategy = \"expand-contract\" }\nweight = { type = \"integer\", nullable = true }",
        );
        let p = plan(Dialect::Postgres, &from, &to, None);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let names: Vec<&str> = p.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "rename_pets_nickname_expand",
                "rename_pets_nickname_backfill",
                "rename_pets_nickname_validate",
                "rename_pets_nickname_contract"
            ]
        );
        assert!(
            p.files[1]
                .content
                .starts_with("-- migrate:batch table=pets\n")
        );
        assert!(p.files[3].content.starts_with("-- migrate:contract\n"));
        for f in &p.files {
            println!("==== {}\n{}", f.name, f.content);
        }
    }

    /// The backfill of the expand/contract route names its table as the directive reads it.
    #[test]
    fn an_expand_contract_backfill_names_an_odd_table_readably() {
        let odd = |s: &str| s.replace("[tables.pets", "[tables.\"Pet Table\"");
        let from = load_str("s.toml", &odd(FROM)).unwrap();
        let to = load_str(
            "s.toml",
            &odd("[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nnickname = { type = \"text\", renamed_from = \"nick\", strategy = \"expand-contract\" }\nweight = { type = \"integer\", nullable = true }\n"),
        )
        .unwrap();
        let p = plan(Dialect::Postgres, &from, &to, None);
        let backfill = &p.files[1].content;
        assert!(
            backfill.starts_with("-- migrate:batch table=\"Pet Table\"\n"),
            "{backfill}"
        );
        let (d, errors) = crate::migration::directive::parse(backfill);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(d.batch.expect("a batch file").table, "Pet Table");
    }

    #[test]
    fn expand_contract_is_refused_on_sqlite() {
        let from = load_str("s.toml", FROM).unwrap();
        let to = to(
            "nickname = { type = \"text\", renamed_from = \"nick\", strategy = \"expand-contract\" }\nweight = { type = \"integer\", nullable = true }",
        );
        let p = plan(Dialect::Sqlite, &from, &to, None);
        assert!(p.files.is_empty());
        assert_eq!(p.problems.len(), 1);
        assert!(
            p.problems[0]
                .message
                .contains("one application owns a SQLite file"),
            "{:?}",
            p.problems
        );
    }

    #[test]
    fn on_sqlite_the_refusal_points_at_the_strategy_key() {
        let dir = tempfile::tempdir().unwrap();
        let schema = dir.path().join("schema.toml");
        let migrations = dir.path().join("migrations");
        std::fs::write(&schema, FROM).unwrap();
        let t0 = Version::parse("20260101000000").unwrap();
        generate_at(Dialect::Sqlite, &schema, &migrations, None, t0).unwrap();
        std::fs::write(
            &schema,
            FROM.replace(
                "nick = \"text\"",
                "nick2 = { type = \"text\", renamed_from = \"nick\", strategy = \"expand-contract\" }",
            ),
        )
        .unwrap();
        let t1 = Version::parse("20260102000000").unwrap();
        let Err(GenerateError::Schema(d)) =
            generate_at(Dialect::Sqlite, &schema, &migrations, None, t1)
        else {
            panic!("not refused")
        };
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].code, "expand-contract");
        assert_eq!(d.0[0].line_col(), Some((5, 60)), "{}", d.0[0].render(false));
    }
}
