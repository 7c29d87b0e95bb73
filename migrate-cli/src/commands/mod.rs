//! One module per command; each returns the process exit code.

mod backfill;
mod check;
mod database;
pub mod diff;
mod fleet;
mod generate;
mod hash;
mod init;
pub mod lint;
pub mod new;
pub mod pull;
mod up;

use std::path::{Path, PathBuf};

use migrate_core::config::{CONFIG_FILE, Config};

use crate::cli::{Cli, Command, Global};
use crate::output::Output;
use crate::report;

/// Exit codes: 0 success; 1 a check found something, a change was refused, or a migration failed;
/// 2 usage, configuration or connection error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Found = 1,
    Usage = 2,
    /// A batched backfill is paused, or a data migration in Rust is next (the application's
    /// Migrator runs it): `up` stopped before it, nothing failed.
    Paused = 3,
}

pub fn run(cli: Cli, out: &Output) -> Exit {
    match cli.command {
        Command::Init(args) => init::run(&args, out),
        Command::Check => check::run(&cli.global, out),
        Command::Generate(args) => generate::run(&cli.global, &args, out),
        Command::New(args) => new::run(&cli.global, &args, out),
        Command::Lint(args) => lint::run(&cli.global, &args, out),
        Command::Hash => hash::run(&cli.global, out),
        Command::Up(args) => up::up(&cli.global, &args, out),
        Command::Contract(args) => up::contract(&cli.global, &args, out),
        Command::Status(args) => up::status(&cli.global, &args, out),
        Command::Baseline(args) => up::baseline(&cli.global, &args, out),
        Command::Resolve(args) => up::resolve(&cli.global, &args, out),
        Command::Diff(args) => diff::run(&cli.global, &args, out),
        Command::Pull(args) => pull::run(&cli.global, &args, out),
        Command::Database(command) => database::run(&cli.global, &command, out),
        Command::Backfill(command) => backfill::run(&cli.global, &command, out),
        Command::SchemaJson => init::schema_json(),
        Command::Completions(args) => {
            use clap::CommandFactory;
            use std::io::Write;
            let mut command = Cli::command();
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "migrate", &mut script);
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = std::io::stdout().write_all(&script);
            Exit::Ok
        }
        Command::Down => {
            out.error(
                "migrate has no down migrations: a migration that ran is undone by a new one",
                Some(
                    "write the reverse as a new migration (`migrate new undo_NAME`, or change the schema back and `migrate generate`) and `migrate up`; \
                     in development, `migrate database reset` drops the database and applies every migration again, \
                     and a migration never applied anywhere can be deleted, then `migrate hash`",
                ),
            );
            Exit::Usage
        }
    }
}

/// Loads migrate.toml (from `--config` or the working directory); on failure reports and gives
/// the exit code.
pub fn load_config(global: &Global, out: &Output) -> Result<Config, Exit> {
    let path: PathBuf = global
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(CONFIG_FILE));
    if global.config.is_none() && !Path::new(CONFIG_FILE).exists() {
        out.error(
            "no migrate.toml in the current directory",
            Some("run `migrate init` to create one, or pass `--config PATH`"),
        );
        return Err(Exit::Usage);
    }
    let config = Config::load(&path).map_err(|diags| {
        report(out, &diags);
        Exit::Usage
    })?;
    if let Some(env) = &global.env
        && let Err(d) = config.environment(env)
    {
        out.explain(d.as_ref());
        return Err(Exit::Usage);
    }
    Ok(config)
}

/// Prints diagnostics for a person, or as one JSON document.
pub fn report(out: &Output, diags: &migrate_core::Diagnostics) {
    out.emit(&report::Diagnostics::new(diags));
}

/// Prints the schema's errors and gives the exit code: a `schema` setting that names no schema
/// file (a missing path, an empty directory) is a configuration error (2), the same in every
/// command; errors in the schema's content are findings (1).
pub fn report_schema_errors(
    out: &Output,
    config: &Config,
    diags: &migrate_core::Diagnostics,
) -> Exit {
    report(out, diags);
    if diags
        .iter()
        .any(|d| matches!(d.code, "schema-not-found" | "schema-empty"))
    {
        out.note(&format!(
            "the configuration's `schema` ({}) names no schema files",
            config.schema.display()
        ));
        return Exit::Usage;
    }
    let n = diags.len();
    out.note(&format!(
        "{n} error{} in the schema",
        if n == 1 { "" } else { "s" }
    ));
    Exit::Found
}

/// Opens the migration directory; creates it (with an empty manifest) when `create` is set and
/// it does not exist.
pub fn open_dir(
    config: &Config,
    create: bool,
    out: &Output,
) -> Result<migrate_core::migration::MigrationDir, Exit> {
    use migrate_core::migration::MigrationDir;
    let result = if create && !config.migrations.is_dir() {
        MigrationDir::create(&config.migrations)
    } else {
        MigrationDir::open(&config.migrations)
    };
    result
        .map(|dir| dir.with_baseline(config.lint_baseline))
        .map_err(|e| {
            out.explain(&e);
            Exit::Usage
        })
}

/// Prints directory problems; JSON mode prints them as one document.
pub fn report_problems(out: &Output, problems: &[migrate_core::migration::Problem]) {
    report_findings(out, problems, &[]);
}

/// Prints directory problems and what the runner refuses in the migrations, all at once; JSON
/// mode prints them as one document (`migrations`: code, file, line, message, help).
pub fn report_findings(
    out: &Output,
    problems: &[migrate_core::migration::Problem],
    refusals: &[migrate_core::runner::Refusal],
) {
    out.emit(&report::Migrations::new(problems, refusals));
}

/// The selected environment's extra migration paths (none without `--env`).
pub fn extra_paths(config: &Config, global: &Global) -> Vec<PathBuf> {
    global
        .env
        .as_deref()
        .and_then(|e| config.environments.get(e))
        .map(|e| e.extra_migration_paths.clone())
        .unwrap_or_default()
}

/// The database URL: `--database-url`, else `DATABASE_URL`, else the environment's, else the
/// configuration's. A missing one is a configuration error that says where to set it.
pub fn database_url(config: &Config, global: &Global, out: &Output) -> Result<String, Exit> {
    configured_database_url(config, global).ok_or_else(|| {
        if let Some((name, fleet)) = global.env.as_deref().and_then(|e| {
            config
                .environments
                .get(e)
                .and_then(|env| env.fleet.as_ref())
                .map(|f| (e, f))
        }) {
            out.error(
                &format!(
                    "environment `{name}` is a fleet of databases (`{}`): this command works on one database",
                    fleet.key()
                ),
                Some("`migrate up` and `migrate status` work on every database of a fleet; pass --database-url to work on one of them"),
            );
            return Exit::Usage;
        }
        out.error(
            "no database URL",
            Some("set `database_url` in migrate.toml (or under [environments.NAME]), DATABASE_URL (in the environment or a .env file), or pass --database-url"),
        );
        Exit::Usage
    })
}

/// The database URL when one is configured ([`database_url`] without the error):
/// `--database-url`, else `DATABASE_URL` from the environment or, when it sets none, from a
/// `.env` file (the working directory's, else the one beside migrate.toml), else the selected
/// environment's, else the configuration's (unless the environment is a fleet).
pub fn configured_database_url(config: &Config, global: &Global) -> Option<String> {
    let config_dir = config.path.as_deref().and_then(Path::parent);
    let from_env = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| crate::dotenv::database_url([Path::new(".")].into_iter().chain(config_dir)));
    let environment = global
        .env
        .as_deref()
        .and_then(|e| config.environments.get(e));
    let from_environment = environment.and_then(|e| e.database_url.clone());
    // A fleet's environment names no one database: not the configuration's default either.
    let from_config = config
        .database_url
        .clone()
        .filter(|_| environment.is_none_or(|e| e.fleet.is_none()));
    global
        .database_url
        .clone()
        .or(from_env)
        .or(from_environment)
        .or(from_config)
}

/// Waits, at most about two seconds, until the clock has passed the directory's last version, so
/// that a migration made right after another (`migrate new` twice in one second) gets the
/// current second rather than one in the future. A last version further ahead (a clock set back)
/// is not waited for: the next version follows it.
pub fn wait_for_a_free_second(dir: &migrate_core::migration::MigrationDir) {
    use migrate_core::migration::Version;
    let Some(last) = dir.last_version() else {
        return;
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(2100);
    while Version::now() <= last && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Prints a warning for each migration whose description is still `migrate new`'s placeholder.
pub fn warn_placeholders<'a>(
    out: &Output,
    migrations: impl IntoIterator<Item = &'a migrate_core::migration::Migration>,
) {
    for m in migrations {
        if new::is_placeholder(&m.description()) {
            out.note(&new::placeholder_warning(&m.path.display().to_string()));
        }
    }
}

/// Runs a future to completion on a single-threaded runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
        .block_on(future)
}

/// Connects to the database the configuration and flags select, after checking that the URL
/// names a database of the configured dialect (a SQLite project pointed at PostgreSQL would
/// otherwise fail later, on SQL it cannot run). A SQLite file is created when missing. A failure
/// is exit 2.
pub async fn connect(
    config: &Config,
    global: &Global,
    out: &Output,
) -> Result<migrate_core::db::Connection<'static>, Exit> {
    let url = database_url(config, global, out)?;
    check_dialect(config, &url, out)?;
    open(config, &url, out).await
}

/// [`connect`] to a database that must exist already: a command that only reads it (`status`,
/// `diff`) never leaves an empty SQLite file behind, and says how to create the database.
pub async fn connect_existing(
    config: &Config,
    global: &Global,
    out: &Output,
) -> Result<migrate_core::db::Connection<'static>, Exit> {
    let url = database_url(config, global, out)?;
    check_dialect(config, &url, out)?;
    if let Some(path) = database_file(&resolve_url(&url, config))
        && !path.exists()
    {
        out.error(
            &format!(
                "the database {} does not exist",
                migrate_core::redact::redact_url(&url)
            ),
            Some(
                "create it with `migrate database create`, or run `migrate up`, which creates it and applies the migrations",
            ),
        );
        return Err(Exit::Usage);
    }
    open(config, &url, out).await
}

/// [`connect`] to a database of either dialect (`migrate pull` reads any database).
pub async fn connect_any_dialect(
    config: &Config,
    global: &Global,
    out: &Output,
) -> Result<migrate_core::db::Connection<'static>, Exit> {
    let url = database_url(config, global, out)?;
    open(config, &url, out).await
}

async fn open(
    config: &Config,
    url: &str,
    out: &Output,
) -> Result<migrate_core::db::Connection<'static>, Exit> {
    // A relative SQLite path is relative to the configuration file, like every other path in it.
    let url = resolve_url(url, config);
    migrate_core::db::Connection::connect(&url)
        .await
        .map_err(|e| {
            let help = missing_database_help(&e.message).or(e.help.clone());
            out.error(&e.message, help.as_deref());
            Exit::Usage
        })
}

/// A connection refused because the database does not exist: how to create it.
fn missing_database_help(message: &str) -> Option<String> {
    (message.contains("database") && message.contains("does not exist")).then(|| {
        "create it with `migrate database create` (or `migrate database reset` to create it and apply every migration)".to_string()
    })
}

/// The URL's dialect against the configuration's, before anything connects or runs.
pub fn check_dialect(config: &Config, url: &str, out: &Output) -> Result<(), Exit> {
    let dialect = migrate_core::db::dialect_of(url).map_err(|e| {
        out.explain(&e);
        Exit::Usage
    })?;
    if dialect == config.dialect {
        return Ok(());
    }
    let want = config.dialect.runtime().url_form();
    out.error(
        &format!(
            "the database URL {} is {}, but migrate.toml says `dialect = \"{}\"`; nothing was run",
            migrate_core::redact::redact_url(url),
            dialect.as_str(),
            config.dialect.as_str()
        ),
        Some(&format!(
            "point the URL (--database-url, DATABASE_URL or `database_url` in migrate.toml) at a {} database ({want}), or change `dialect` if the project moved",
            config.dialect.as_str()
        )),
    );
    Err(Exit::Usage)
}

/// The file a (resolved) URL names, for a dialect whose databases are files (none for
/// `:memory:` or a server's database).
pub fn database_file(url: &str) -> Option<PathBuf> {
    migrate_core::db::dialect_of(url)
        .ok()?
        .runtime()
        .database_file(url)
}

/// The URL with a relative file path (a SQLite file) made relative to the configuration file's
/// directory, like every other path in it.
pub(crate) fn resolve_url(url: &str, config: &Config) -> String {
    let base = config
        .path
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."));
    migrate_core::db::resolve_url(url, base)
}
