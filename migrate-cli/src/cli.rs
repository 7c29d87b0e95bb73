//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use migrate_core::config::Dialect;

/// Change database schemas safely, from one declarative schema file.
///
/// The schema (TOML) is the source of truth. `migrate` checks it, writes the next SQL migration
/// from it, and applies migrations once and only once per database.
///
/// Start with `migrate init`, edit schema/schema.toml, then run `migrate check`.
#[derive(Debug, Parser)]
#[command(
    name = "migrate",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options (for every command)")]
pub struct Global {
    /// The configuration file [default: ./migrate.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Use the settings of `[environments.NAME]` in the configuration
    #[arg(long, global = true, value_name = "NAME")]
    pub env: Option<String>,
    /// The database to use; overrides DATABASE_URL (from the environment or .env) and the configuration
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Output for people (`text`) or for programs (`json`); `migrate lint` and `migrate check`
    /// also write GitHub workflow annotations (`github`) and SARIF (`sarif`)
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Whether a command line asks for JSON output (`--format json` or `--format=json`), read
/// without clap: for the errors clap reports before it has parsed anything.
pub fn json_requested(args: impl IntoIterator<Item = std::ffi::OsString>) -> bool {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    args.iter().enumerate().any(|(i, a)| {
        a == "--format=json" || (a == "--format" && args.get(i + 1).is_some_and(|v| v == "json"))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// GitHub Actions workflow commands (`::error file=...`); lint findings only
    Github,
    /// SARIF 2.1.0, for code-scanning tools; lint findings only
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create migrate.toml, schema/schema.toml and migrations/ in the current directory
    ///
    /// Existing files are never overwritten.
    Init(InitArgs),
    /// Check the schema, offline: every problem is reported with file:line:col and a fix
    ///
    /// Exits 0 when the schema is valid, 1 when it has problems, 2 when the configuration is
    /// missing or broken.
    Check,
    /// Write the next migration: the declared schema vs what the migration directory produces
    ///
    /// Writes `migrations/<version>_<name>.sql` (and, on PostgreSQL, a separate no-transaction file
    /// for steps that must not hold long locks, and a `-- migrate:batch` file for each column whose
    /// existing rows are filled in batches before it becomes NOT NULL) and prints the paths. Changes that lose data or
    /// break running code are refused until the schema acknowledges them; the refusal prints the
    /// TOML line to add. No change: says so and writes nothing.
    ///
    /// What the migrations produce is the snapshot while it records them as they are; after a
    /// hand-written (`migrate new`), edited or removed migration, the directory is replayed on a
    /// scratch database (SQLite: in memory; PostgreSQL: `dev_database_url`, else a throwaway
    /// local server) and read back, so objects a hand-written migration made are known.
    Generate(GenerateArgs),
    /// Create an empty hand-written migration, listed in the manifest
    ///
    /// NAME must be snake_case (e.g. `backfill_pet_names`). The file starts with a comment to
    /// describe what it does; write plain SQL below it.
    New(NewArgs),
    /// Check migrations for statements that lock, rewrite, lose data or break running code
    ///
    /// With no FILE, checks the migrations after `lint_baseline` in migrate.toml (all of them when
    /// it is unset, or with --all); with files (any .sql path, or a directory of them), exactly
    /// those. Each finding names file:line:col, shows the statement, and says how to rewrite it
    /// safely. `-- migrate:allow RULE: reason` on the line above a statement suppresses one rule
    /// for it; `[lint]` in migrate.toml sets levels (`rule-id = "error" | "warning" | "off"`).
    ///
    /// Exits 1 when any finding is an error, 2 on a usage or configuration error.
    Lint(LintArgs),
    /// Re-record the manifest after a migration that was never applied was edited by hand
    ///
    /// Never use this for a migration applied anywhere: a fix for those is a new migration.
    Hash,
    /// Apply pending migrations in order, each once, with lock and statement timeouts
    ///
    /// Runners on one database take turns; a runner waiting for another says whom it waits for
    /// and gives up after `runner_lock_timeout` (10 min; "0" waits for good). Each migration runs in
    /// its own transaction unless it starts with `-- migrate:no-transaction`. Before any SQL runs, the files are checked against
    /// the manifest and the database's history: an edited, missing or failed migration stops it.
    ///
    /// It stops before a contract step (`-- migrate:contract`, the last phase of an expand/contract
    /// change, which removes what the old code still uses) and says what it waits for; --contract
    /// applies contract steps too, once every copy of the old code is gone.
    /// A data migration in Rust (`-- migrate:rust`) stops it before that file (exit 3): the
    /// application's Migrator runs it.
    ///
    /// On a fleet (an environment with `database_urls`, `targets_file` or `targets_command`, or
    /// --targets-file) it migrates every database, --jobs at a time, each line prefixed by the
    /// database's URL without its password, and ends with a table of each database's state. One
    /// database's failure stops no other (each has its own runner lock, transactions and
    /// history); a rerun skips the databases already up to date. Exits 1 when any database
    /// failed, else 2 when any could not be reached, else 3 when any stopped before a paused
    /// backfill or a Rust data migration, else 0.
    Up(UpArgs),
    /// Apply one contract step (`-- migrate:contract`) once the old code is gone
    ///
    /// The last phase of an expand/contract change: it drops the old column, view or trigger, so
    /// the code that still uses the old shape fails from then on. Refused while any migration
    /// before it is pending (its expand step, or a backfill that has not walked its whole table):
    /// run `migrate up` first. Deploy sequence: `migrate up` with the new code (expand and
    /// backfill), retire every copy of the old code, then `migrate contract VERSION`.
    Contract(ContractArgs),
    /// Every migration's state (applied, pending, running, modified, missing, failed, interrupted), when it ran and how long
    ///
    /// `running`: a runner is applying it now (its PID is shown). `failed`: a no-transaction file
    /// stopped part-way with an error; `interrupted`: its runner stopped part-way without one (killed,
    /// or its connection lost). For those two it says what the run left (which indexes are valid,
    /// INVALID or missing) and the exact commands to recover. Exits 1 when a migration is modified,
    /// missing, failed or interrupted.
    ///
    /// Once every migration is applied, it also reports drift: how the database differs from what
    /// the migration directory produces, replayed on a scratch database (so objects made by
    /// hand-written migrations are expected), each line naming the migration that last mentions
    /// the object, or none (a hand edit). Drift alone exits 0; with --exit-code, 1 (as `diff
    /// --exit-code`).
    ///
    /// On a fleet: each database's state (up-to-date, pending, drifted, problems, unreachable),
    /// how many migrations it has applied and pending, its drift, and a count of each state.
    Status(StatusArgs),
    /// Record migrations up to VERSION as applied without running them, to adopt an existing database
    Baseline(BaselineArgs),
    /// Write the next migration: the declared schema vs the live database
    ///
    /// Reads the database (see `migrate pull`), compares it with the declared schema and writes
    /// the migration that brings the database there, or prints it with --print. What the database
    /// has and the schema does not declare is listed and left in place: a table, column, enum or
    /// label is dropped only when the schema acknowledges it (`drop_tables`, `drop_columns`,
    /// `drop_enums`, `drop_values`); an undeclared index or constraint only goes with a column
    /// or table dropped so.
    ///
    /// The snapshot is not updated: it records what the migration directory produces from an empty
    /// database, and this migration is computed from one database's state instead, so it says
    /// nothing about the directory. Use `migrate generate` for the usual flow; use `diff` to bring
    /// one database (drifted, or adopted with `migrate pull`) in line with the schema.
    ///
    /// The migration is replayed on top of the migration directory on a scratch database: one that
    /// fails there (the database drifted) is refused, or with `--env ENV` written as that
    /// environment's fix-up: its SQL into the environment's `extra_migration_paths`, a
    /// placeholder that does nothing into the directory, so it runs there alone, in order.
    Diff(crate::commands::diff::DiffArgs),
    /// Write the live database's schema as schema TOML, to adopt a database that exists
    ///
    /// Enums, tables, columns, keys, indexes, foreign keys, checks and comments; model names are
    /// derived from table names (`order_lines` becomes `OrderLine`). What the schema language
    /// cannot express (an expression index, ...) is left out with a note. Then `migrate generate`
    /// writes the first migration and `migrate baseline` records it as applied.
    Pull(crate::commands::pull::PullArgs),
    /// Settle a migration that failed part-way outside a transaction
    ///
    /// --rolled-back forgets the failed run, so `migrate up` runs the file again; --applied records
    /// it as done (you completed it by hand). Refused while another runner holds the runner lock:
    /// the run may still be going on.
    Resolve(ResolveArgs),
    /// Create, drop or reset the development database the URL names
    ///
    /// `create` makes an empty database (a SQLite file, or a PostgreSQL database through the
    /// server's `postgres` database); `drop` deletes it and all its data; `reset` drops it,
    /// creates it and applies every migration. `drop` and `reset` ask on a terminal; scripts pass
    /// `--yes`. For development: production databases are never dropped by a migration tool.
    #[command(subcommand)]
    Database(DatabaseCommand),
    /// Batched backfills: their progress, and running, pausing or resuming them
    ///
    /// A batch file (first line `-- migrate:batch table=<table> [key=a,b] [size=N]`, one UPDATE or
    /// DELETE with `:batch` in its WHERE clause) runs in short keyset batches, each its own
    /// transaction, recording its progress in `migrate_backfills`; `migrate up` runs it to the end
    /// in order. `status` shows every batch file's progress; `run` runs the unfinished ones whose
    /// turn it is, without the runner lock (for a background job; several may share the work);
    /// `pause` makes runners stop after their current batch, and `up` stop there (exit 3);
    /// `resume` lets them go on from the last committed batch. See docs/backfills.md.
    #[command(subcommand)]
    Backfill(BackfillCommand),
    /// Print the JSON Schema of the schema language, for editors and validators
    ///
    /// `migrate init` writes it as migrate-schema.json, and the schema template's first line
    /// (`#:schema ../migrate-schema.json`) points editors at it. Save it again after upgrading
    /// `migrate`: `migrate schema-json > migrate-schema.json`.
    SchemaJson,
    /// Print a shell completion script
    ///
    /// bash: `migrate completions bash > ~/.local/share/bash-completion/completions/migrate`;
    /// zsh: `migrate completions zsh > ~/.zfunc/_migrate` (with `fpath+=~/.zfunc` before
    /// `compinit`); fish: `migrate completions fish > ~/.config/fish/completions/migrate.fish`.
    Completions(CompletionsArgs),
    /// There are no down migrations: this says what to do instead
    ///
    /// An applied migration is undone by a new migration that reverses it; in development,
    /// `migrate database reset` rebuilds the database from the migrations.
    #[command(alias = "rollback", alias = "undo", alias = "revert")]
    Down,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Subcommand)]
pub enum DatabaseCommand {
    /// Create the database (nothing to do when it exists)
    Create,
    /// Delete the database and all its data
    Drop(ConfirmArgs),
    /// Drop the database, create it, and apply every migration
    Reset(ConfirmArgs),
}

#[derive(Debug, Subcommand)]
pub enum BackfillCommand {
    /// Every batch file: table, rows done of the table's rows, percent, state, rate, last update
    Status(BackfillArgs),
    /// Run the unfinished backfills whose turn it is (every migration before them applied)
    ///
    /// Without the runner lock: runners take turns batch by batch, each batch locking the
    /// backfill's progress row, so several jobs never process the same batch. Stops at a
    /// migration that is not a batch file (`migrate up` applies it) and at a paused backfill.
    Run(BackfillArgs),
    /// Pause running backfills: runners stop after their current batch (exit 3 for `up`)
    Pause(BackfillArgs),
    /// Resume paused backfills from their last committed batch
    Resume(BackfillArgs),
}

#[derive(Debug, Args)]
pub struct BackfillArgs {
    /// Only this batch file (by default: all of them)
    #[arg(value_name = "VERSION", id = "backfill_version")]
    pub version: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// Do not ask: for scripts (without a terminal, `drop` and `reset` refuse to run without it)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Default, Args)]
pub struct StatusArgs {
    /// Exit with 1 when the database drifted from what the migrations produce
    #[arg(long)]
    pub exit_code: bool,
    /// Say what drift was measured against: the snapshot (when it records the migrations as they
    /// are) or a replay of the migration directory, and how long the replay took
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// The help section of the fleet's options.
const FLEET_HEADING: &str = "Fleet (the same migrations on many databases)";

/// A fleet: the same migrations on many databases (`database_urls`, `targets_file` or
/// `targets_command` in an environment; see docs/fleets.md).
#[derive(Debug, Default, Args)]
#[command(next_help_heading = FLEET_HEADING)]
pub struct FleetArgs {
    /// How many databases of a fleet to work on at once [default: 4]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// The fleet's databases, one URL per line (`#` comments); instead of the environment's
    #[arg(long, value_name = "PATH", conflicts_with = "database_url")]
    pub targets_file: Option<PathBuf>,
    /// Only this part of the fleet: INDEX/COUNT (from 0), or auto/COUNT to read INDEX from
    /// JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job)
    #[arg(long, value_name = "INDEX/COUNT")]
    pub shard: Option<String>,
}

#[derive(Debug, Default, Args)]
pub struct UpArgs {
    /// Run the pending migrations in a transaction that is rolled back, and report what they did
    #[arg(long)]
    pub dry_run: bool,
    /// Apply up to and including this version
    #[arg(long, value_name = "VERSION")]
    pub to: Option<u64>,
    /// Also apply contract steps (`-- migrate:contract`): only once every running copy of the old code is gone
    #[arg(long)]
    pub contract: bool,
    /// On a fleet, start no further database once one has failed (those running finish)
    #[arg(long, help_heading = FLEET_HEADING)]
    pub fail_fast: bool,
    #[command(flatten)]
    pub fleet: FleetArgs,
}

#[derive(Debug, Args)]
pub struct ContractArgs {
    /// The contract step's version (`migrate status` lists the waiting ones)
    #[arg(value_name = "VERSION", id = "contract_version")]
    pub version: u64,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The last version the database already has
    #[arg(value_name = "VERSION", id = "baseline_version")]
    pub version: u64,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("outcome").required(true).args(["rolled_back", "applied"]))]
pub struct ResolveArgs {
    /// The failed migration's version
    #[arg(value_name = "VERSION", id = "failed_version")]
    pub version: u64,
    /// Forget the failed run; `migrate up` runs the file again
    #[arg(long)]
    pub rolled_back: bool,
    /// Record it as applied
    #[arg(long)]
    pub applied: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The file name after the version, in snake_case [default: describes the change]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Show the SQL it would write and each change's safety verdict; write nothing
    #[arg(long, visible_alias = "dry-run")]
    pub print: bool,
    /// Never replay the migration directory: trust the snapshot even when it does not record the
    /// migrations as they are (says so)
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Migration files (or directories of them) to check [default: the unreleased migrations]
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Check every migration of the directory, ignoring `lint_baseline`
    #[arg(long, conflicts_with = "files")]
    pub all: bool,
    /// The SQL dialect of the files [default: migrate.toml's, else postgres]
    #[arg(long, value_name = "DIALECT", value_parser = DialectParser)]
    pub dialect: Option<Dialect>,
    /// List every rule: id, default level, what it catches
    #[arg(long, conflicts_with_all = ["files", "all"])]
    pub rules: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The migration's name, in snake_case
    pub name: String,
    /// A data migration in Rust: the file holds `-- migrate:rust name=NAME table=TABLE` and no
    /// SQL; its body is the function the application registers as NAME
    /// (`Migrator::data_migration`), run once per batch of TABLE's keys
    #[arg(long, requires = "table")]
    pub rust: bool,
    /// With --rust: the table the data migration walks, by its primary key
    #[arg(long, value_name = "TABLE", requires = "rust")]
    pub table: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The database the project targets
    #[arg(long, value_name = "DIALECT", value_parser = DialectParser, default_value_t = Dialect::DEFAULT)]
    pub dialect: Dialect,
    /// Where to create the project [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `--dialect NAME`: any registered dialect, by the name `migrate.toml` uses.
#[derive(Debug, Clone, Copy)]
pub struct DialectParser;

impl DialectParser {
    fn names() -> PossibleValuesParser {
        PossibleValuesParser::new(Dialect::ALL.iter().map(|d| d.as_str()))
    }
}

impl TypedValueParser for DialectParser {
    type Value = Dialect;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Dialect, clap::Error> {
        let name = DialectParser::names().parse_ref(cmd, arg, value)?;
        Dialect::parse(&name).ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidValue))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            Dialect::ALL.iter().map(|d| PossibleValue::new(d.as_str())),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
