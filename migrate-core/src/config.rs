//! `migrate.toml`: where the schema and migrations live, and which database to talk to.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Diagnostics, Location, SourceFile, did_you_mean};
use crate::duration::{self, DurationError};

mod keys;

pub use keys::{ConfigKey, EnvironmentKey};

/// The file name looked for in the working directory.
pub const CONFIG_FILE: &str = "migrate.toml";
/// `backfill_batch_time` by default: the time one batch of a backfill aims at.
pub const DEFAULT_BACKFILL_BATCH_TIME: Duration = Duration::from_millis(200);
/// `backfill_max_lag` by default: the replication lag above which backfill batches wait.
pub const DEFAULT_BACKFILL_MAX_LAG: Duration = Duration::from_secs(10);

use crate::dialect::Capability;
pub use crate::dialect::Dialect;

/// `[environments.NAME]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Environment {
    /// The environment's database (`database_url = "..."`).
    pub database_url: Option<String>,
    /// The environment's fleet of databases, when it has one (`database_urls`, `targets_file`
    /// or `targets_command`; at most one of them, and not with `database_url`).
    pub fleet: Option<Fleet>,
    /// Extra directories holding the content of manifest-listed migrations (e.g. sensitive data).
    pub extra_migration_paths: Vec<PathBuf>,
}

/// Where a fleet's databases are listed: the same migration directory is applied to each (a
/// database per tenant or shard). `crate::fleet` reads the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fleet {
    /// `database_urls = ["...", ...]`.
    Urls(Vec<String>),
    /// `targets_file = "..."` (relative to migrate.toml): one URL per line, `#` comments.
    File(PathBuf),
    /// `targets_command = "..."`: run by `sh -c` in migrate.toml's directory; one URL per line
    /// of its standard output, `#` comments.
    Command(String),
}

impl Fleet {
    /// The key that declares it, for messages.
    pub fn key(&self) -> EnvironmentKey {
        match self {
            Fleet::Urls(_) => EnvironmentKey::DatabaseUrls,
            Fleet::File(_) => EnvironmentKey::TargetsFile,
            Fleet::Command(_) => EnvironmentKey::TargetsCommand,
        }
    }
}

/// A loaded `migrate.toml`, with paths resolved against the file's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The config file, when one was read.
    pub path: Option<PathBuf>,
    /// `dialect = "postgres" | "sqlite"`.
    pub dialect: Dialect,
    /// `schema = "..."`: a schema file, or a directory of them.
    pub schema: PathBuf,
    /// `migrations = "..."`: the migration directory.
    pub migrations: PathBuf,
    /// `database_url = "..."`: the default database.
    pub database_url: Option<String>,
    /// `dev_database_url = "..."`: a server `migrate` may create and drop scratch databases on,
    /// to replay the migration directory (PostgreSQL; SQLite replays in memory).
    pub dev_database_url: Option<String>,
    /// The table recording applied migrations: `name`, or `schema.name` on PostgreSQL (the schema
    /// is created when missing). Its name also keys the runner lock.
    pub history_table: String,
    /// `lock_timeout` for migrations, e.g. `"5s"`; `None` when `"0"` disables it. Default 5 s.
    pub lock_timeout: Option<Duration>,
    /// `statement_timeout` for migrations, e.g. `"15min"`; `None` when `"0"` disables it.
    /// Default 15 min.
    pub statement_timeout: Option<Duration>,
    /// Retries, with backoff, after a statement gives up waiting for a lock. Default 3.
    pub lock_retries: u32,
    /// How long `up` (and `baseline`) waits for another runner before giving up, e.g. `"10min"`;
    /// `None` when `"0"` waits for good. Default 10 min.
    pub runner_lock_timeout: Option<Duration>,
    /// `backfill_batch_time`: how long one batch of a batch file should take, e.g. `"200ms"`; its
    /// batch size adapts to it. Default 200 ms.
    pub backfill_batch_time: Duration,
    /// `backfill_pause`: how long to wait between two batches of a batch file, e.g. `"50ms"`,
    /// leaving room for other writers. Default 0 (none).
    pub backfill_pause: Duration,
    /// `backfill_max_lag`: between two batches, wait while a replica lags more than this (on
    /// PostgreSQL, where `pg_stat_replication` shows it); `None` when `"0"` or `"off"` turns it
    /// off. Default 10 s.
    pub backfill_max_lag: Option<Duration>,
    /// `[environments.NAME]`, chosen with `--env NAME`.
    pub environments: BTreeMap<String, Environment>,
    /// `[lint]`: rule levels (`rule-id = "error" | "warning" | "off"`).
    pub lint: crate::lint::LintConfig,
    /// `lint_baseline`: the newest version applied everywhere. `migrate lint` without files checks
    /// only the migrations after it, and the content problems of those up to it (a directive the
    /// strict parser refuses, a statement the runner refuses) are warnings, not errors.
    pub lint_baseline: Option<crate::migration::Version>,
    /// `change_strategy = "in-place" | "expand-contract"`: how an acknowledged rename, type
    /// change, NOT NULL or drop is made when the schema gives no `strategy` beside it. Default
    /// `"in-place"`.
    pub change_strategy: crate::schema::Strategy,
}

impl Config {
    /// The defaults `migrate init` writes, rooted at `dir`.
    pub fn defaults(dir: &Path) -> Config {
        Config {
            path: None,
            dialect: Dialect::DEFAULT,
            schema: dir.join("schema"),
            migrations: dir.join("migrations"),
            database_url: None,
            dev_database_url: None,
            history_table: "migrate_history".into(),
            lock_timeout: Some(Duration::from_secs(5)),
            statement_timeout: Some(Duration::from_secs(15 * 60)),
            lock_retries: 3,
            runner_lock_timeout: Some(Duration::from_secs(10 * 60)),
            backfill_batch_time: DEFAULT_BACKFILL_BATCH_TIME,
            backfill_pause: Duration::ZERO,
            backfill_max_lag: Some(DEFAULT_BACKFILL_MAX_LAG),
            environments: BTreeMap::new(),
            lint: crate::lint::LintConfig::default(),
            lint_baseline: None,
            change_strategy: crate::schema::Strategy::InPlace,
        }
    }

    /// Reads and checks a config file; every problem is reported with its location.
    pub fn load(path: &Path) -> Result<Config, Diagnostics> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostics(vec![
                Diagnostic::new(
                    "config-not-found",
                    format!("cannot read `{}`: {e}", path.display()),
                )
                .help("run `migrate init` to create one, or pass `--config PATH`"),
            ])
        })?;
        Config::parse(path, &text)
    }

    /// Parses config text; `path` names the file in diagnostics and anchors relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Diagnostics> {
        // Diagnostics show source lines: never one with a password in it.
        let masked = crate::redact::mask_source(text);
        let file = SourceFile::new(path, masked.text.as_str());
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut cfg = Config::defaults(dir);
        cfg.path = Some(path.to_path_buf());
        let mut diags = Diagnostics::default();
        let (root, errors) = DeTable::parse_recoverable(text);
        for e in errors {
            diags.push(
                Diagnostic::new(
                    "toml-syntax",
                    format!(
                        "TOML syntax error: {}",
                        crate::redact::mask_source(e.message().trim_end()).text
                    ),
                )
                .at(Location::new(&file, masked.span(e.span().unwrap_or(0..0))))
                .help("fix the TOML syntax of migrate.toml"),
            );
        }
        let loc = |span: std::ops::Range<usize>| Location::new(&file, masked.span(span));
        let string = |diags: &mut Diagnostics,
                      key: &str,
                      v: &toml::Spanned<DeValue<'_>>|
         -> Option<String> {
            match v.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => {
                    diags.push(
                        Diagnostic::new("wrong-kind", format!("`{key}` must be a string"))
                            .at(loc(v.span()))
                            .help(format!("write it as `{key} = \"...\"`")),
                    );
                    None
                }
            }
        };
        let unknown = |diags: &mut Diagnostics,
                       key: &toml::Spanned<std::borrow::Cow<'_, str>>,
                       allowed: &[&'static str]| {
            let k = key.get_ref().as_ref();
            let help = match did_you_mean(k, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "the keys allowed here are {}",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            diags.push(
                Diagnostic::new("unknown-key", format!("unknown key `{k}` in migrate.toml"))
                    .at(loc(key.span()))
                    .help(help),
            );
        };

        let mut history_table_span = None;
        let mut change_strategy_span = None;
        for (key, value) in root.get_ref().iter() {
            let Some(known) = ConfigKey::parse(key.get_ref()) else {
                unknown(&mut diags, key, &ConfigKey::names().collect::<Vec<_>>());
                continue;
            };
            match known {
                ConfigKey::Dialect => {
                    if let Some(s) = string(&mut diags, "dialect", value) {
                        match Dialect::parse(&s) {
                            Some(d) => cfg.dialect = d,
                            None => diags.push(
                                Diagnostic::new(
                                    "unknown-dialect",
                                    format!("unknown dialect `{s}`"),
                                )
                                .at(loc(value.span()))
                                .help(format!(
                                    "use {}",
                                    Dialect::choices(|d| format!("`dialect = \"{d}\"`"))
                                )),
                            ),
                        }
                    }
                }
                ConfigKey::Schema => {
                    if let Some(s) = string(&mut diags, "schema", value) {
                        cfg.schema = dir.join(s);
                    }
                }
                ConfigKey::Migrations => {
                    if let Some(s) = string(&mut diags, "migrations", value) {
                        cfg.migrations = dir.join(s);
                    }
                }
                ConfigKey::DatabaseUrl => {
                    cfg.database_url = string(&mut diags, "database_url", value)
                }
                ConfigKey::DevDatabaseUrl => {
                    cfg.dev_database_url = string(&mut diags, "dev_database_url", value)
                }
                ConfigKey::HistoryTable => {
                    if let Some(s) = string(&mut diags, "history_table", value) {
                        history_table_span = Some(value.span());
                        cfg.history_table = s;
                    }
                }
                key @ (ConfigKey::BackfillBatchTime | ConfigKey::BackfillPause) => {
                    if let Some(s) = string(&mut diags, key.as_str(), value) {
                        match duration::parse(&s) {
                            Ok(d) if key == ConfigKey::BackfillBatchTime && d.is_zero() => diags.push(
                                Diagnostic::new(
                                    "bad-duration",
                                    "`backfill_batch_time` cannot be 0: it is the duration batches aim at",
                                )
                                .at(loc(value.span()))
                                .help("write e.g. `backfill_batch_time = \"200ms\"` (the default)"),
                            ),
                            Ok(d) if key == ConfigKey::BackfillBatchTime => {
                                cfg.backfill_batch_time = d;
                            }
                            Ok(d) => cfg.backfill_pause = d,
                            Err(e) => diags.push(bad_duration(key, &s, e).at(loc(value.span()))),
                        }
                    }
                }
                ConfigKey::BackfillMaxLag => {
                    let key = ConfigKey::BackfillMaxLag;
                    if let Some(s) = string(&mut diags, key.as_str(), value) {
                        if s.trim().eq_ignore_ascii_case("off") {
                            cfg.backfill_max_lag = None;
                        } else {
                            match duration::parse(&s) {
                                Ok(d) => cfg.backfill_max_lag = duration::nonzero(d),
                                Err(e) => {
                                    diags.push(bad_duration(key, &s, e).at(loc(value.span())))
                                }
                            }
                        }
                    }
                }
                key @ (ConfigKey::LockTimeout
                | ConfigKey::StatementTimeout
                | ConfigKey::RunnerLockTimeout) => {
                    if let Some(s) = string(&mut diags, key.as_str(), value) {
                        match duration::parse(&s) {
                            Ok(d) => {
                                let d = duration::nonzero(d);
                                match key {
                                    ConfigKey::LockTimeout => cfg.lock_timeout = d,
                                    ConfigKey::StatementTimeout => cfg.statement_timeout = d,
                                    _ => cfg.runner_lock_timeout = d,
                                }
                            }
                            Err(e) => diags.push(bad_duration(key, &s, e).at(loc(value.span()))),
                        }
                    }
                }
                ConfigKey::LockRetries => match value.get_ref() {
                    DeValue::Integer(i) if i.as_str().parse::<u32>().is_ok_and(|n| n <= 100) => {
                        cfg.lock_retries = i.as_str().parse().unwrap_or(3);
                    }
                    _ => diags.push(
                        Diagnostic::new(
                            "wrong-kind",
                            "`lock_retries` must be a whole number from 0 to 100",
                        )
                        .at(loc(value.span()))
                        .help("write e.g. `lock_retries = 3`"),
                    ),
                },
                ConfigKey::Lint => {
                    cfg.lint = crate::lint::LintConfig::parse(value, &file, &mut diags)
                }
                ConfigKey::LintBaseline => {
                    if let Some(s) = string(&mut diags, "lint_baseline", value) {
                        match crate::migration::Version::parse(s.trim()) {
                            Some(v) => cfg.lint_baseline = Some(v),
                            None => diags.push(
                                Diagnostic::new(
                                    "bad-version",
                                    format!("`lint_baseline = \"{s}\"` is not a migration version"),
                                )
                                .at(loc(value.span()))
                                .help("write the 14-digit version of the newest migration already applied everywhere, e.g. `lint_baseline = \"20240101120000\"`"),
                            ),
                        }
                    }
                }
                ConfigKey::ChangeStrategy => {
                    if let Some(s) = string(&mut diags, "change_strategy", value) {
                        match crate::schema::Strategy::parse(s.trim()) {
                            Some(st) => {
                                cfg.change_strategy = st;
                                change_strategy_span = Some(value.span());
                            }
                            None => {
                                let names = crate::schema::Strategy::ALL.map(|s| s.as_str());
                                let help = match did_you_mean(&s, names.iter().copied()) {
                                    Some(n) => format!("did you mean `change_strategy = \"{n}\"`?"),
                                    None => "write `change_strategy = \"in-place\"` (one migration per change) or `change_strategy = \"expand-contract\"` (old and new code run together)".into(),
                                };
                                diags.push(
                                    Diagnostic::new(
                                        "unknown-strategy",
                                        format!("unknown change strategy `{s}`"),
                                    )
                                    .at(loc(value.span()))
                                    .help(help),
                                );
                            }
                        }
                    }
                }
                ConfigKey::Environments => {
                    let DeValue::Table(envs) = value.get_ref() else {
                        diags.push(
                            Diagnostic::new("wrong-kind", "`environments` must be a table")
                                .at(loc(value.span()))
                                .help("write `[environments.prod]` with `database_url = \"...\"`"),
                        );
                        continue;
                    };
                    for (name, body) in envs.iter() {
                        let DeValue::Table(body) = body.get_ref() else {
                            diags.push(
                                Diagnostic::new(
                                    "wrong-kind",
                                    format!("environment `{}` must be a table", name.get_ref()),
                                )
                                .at(loc(body.span()))
                                .help(format!("write `[environments.{}]`", name.get_ref())),
                            );
                            continue;
                        };
                        let mut env = Environment::default();
                        // The keys that name this environment's databases, for "choose one".
                        let mut targets: Vec<(EnvironmentKey, std::ops::Range<usize>)> = Vec::new();
                        for (k, v) in body.iter() {
                            let Some(known) = EnvironmentKey::parse(k.get_ref()) else {
                                unknown(
                                    &mut diags,
                                    k,
                                    &EnvironmentKey::names().collect::<Vec<_>>(),
                                );
                                continue;
                            };
                            if matches!(
                                known,
                                EnvironmentKey::DatabaseUrl
                                    | EnvironmentKey::DatabaseUrls
                                    | EnvironmentKey::TargetsFile
                                    | EnvironmentKey::TargetsCommand
                            ) {
                                targets.push((known, k.span()));
                            }
                            match known {
                                EnvironmentKey::DatabaseUrl => env.database_url = string(&mut diags, "database_url", v),
                                EnvironmentKey::DatabaseUrls => match v.get_ref() {
                                    DeValue::Array(items) if !items.is_empty() => {
                                        let urls: Vec<String> = items
                                            .iter()
                                            .filter_map(|item| string(&mut diags, "database_urls", item))
                                            .collect();
                                        env.fleet = Some(Fleet::Urls(urls));
                                    }
                                    DeValue::Array(_) => diags.push(
                                        Diagnostic::new("empty-fleet", "`database_urls` is empty: a fleet needs at least one database")
                                            .at(loc(v.span()))
                                            .help("list the databases, e.g. `database_urls = [\"postgres://app@db1/tenant_a\", \"postgres://app@db1/tenant_b\"]`, or remove the key"),
                                    ),
                                    _ => diags.push(
                                        Diagnostic::new("wrong-kind", "`database_urls` must be an array of URLs")
                                            .at(loc(v.span()))
                                            .help("write `database_urls = [\"postgres://app@db1/tenant_a\", \"postgres://app@db1/tenant_b\"]`"),
                                    ),
                                },
                                EnvironmentKey::TargetsFile => {
                                    if let Some(s) = string(&mut diags, "targets_file", v) {
                                        env.fleet = Some(Fleet::File(dir.join(s)));
                                    }
                                }
                                EnvironmentKey::TargetsCommand => {
                                    if let Some(s) = string(&mut diags, "targets_command", v) {
                                        if s.trim().is_empty() {
                                            diags.push(
                                                Diagnostic::new("wrong-kind", "`targets_command` is empty")
                                                    .at(loc(v.span()))
                                                    .help("write a command that prints one database URL per line, e.g. `targets_command = \"./list-tenants.sh\"`"),
                                            );
                                        } else {
                                            env.fleet = Some(Fleet::Command(s));
                                        }
                                    }
                                }
                                EnvironmentKey::ExtraMigrationPaths => match v.get_ref() {
                                    DeValue::Array(items) => {
                                        for item in items {
                                            if let Some(s) = string(&mut diags, "extra_migration_paths", item) {
                                                env.extra_migration_paths.push(dir.join(s));
                                            }
                                        }
                                    }
                                    _ => diags.push(
                                        Diagnostic::new("wrong-kind", "`extra_migration_paths` must be an array")
                                            .at(loc(v.span()))
                                            .help("write `extra_migration_paths = [\"/mnt/secure-migrations\"]`"),
                                    ),
                                },
                            }
                        }
                        if let [(first, _), rest @ ..] = targets.as_slice()
                            && let Some((second, span)) = rest.first()
                        {
                            diags.push(
                                Diagnostic::new(
                                    "conflicting-targets",
                                    format!(
                                        "environment `{}` names its databases twice: `{first}` and `{second}`",
                                        name.get_ref()
                                    ),
                                )
                                .at(loc(span.clone()))
                                .help("keep one: `database_url` for one database; `database_urls`, `targets_file` or `targets_command` for a fleet"),
                            );
                        }
                        cfg.environments.insert(name.get_ref().to_string(), env);
                    }
                }
            }
        }
        if let Some(problem) = history_table_problem(cfg.dialect, &cfg.history_table) {
            let mut d = Diagnostic::new("bad-history-table", problem);
            if let Some(span) = history_table_span {
                d = d.at(loc(span));
            }
            diags.push(d.help(
                "PostgreSQL: `history_table = \"migrate_history\"` or `\"schema.migrate_history\"` (the schema is \
                 created when missing); SQLite: a plain name",
            ));
        }
        if cfg.change_strategy == crate::schema::Strategy::ExpandContract
            && let Some(why) = cfg.dialect.ops().why_no_expand_contract()
        {
            let mut d = Diagnostic::new(
                "strategy-unsupported",
                format!(
                    "`change_strategy = \"expand-contract\"` is not available on {}: {why}",
                    cfg.dialect.ops().title()
                ),
            );
            if let Some(span) = change_strategy_span {
                d = d.at(loc(span));
            }
            diags.push(d.help("remove `change_strategy` (or write `change_strategy = \"in-place\"`): the change is made in one migration, and the application restarts with it"));
        }
        if diags.is_empty() {
            Ok(cfg)
        } else {
            Err(diags)
        }
    }

    /// The environment `--env NAME` selects, or an error naming the ones that exist.
    pub fn environment(&self, name: &str) -> Result<&Environment, Box<Diagnostic>> {
        self.environments.get(name).ok_or_else(|| {
            let names: Vec<&str> = self.environments.keys().map(String::as_str).collect();
            let help = match did_you_mean(name, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if names.is_empty() => format!("add `[environments.{name}]` to migrate.toml"),
                None => format!("the environments are {}", names.join(", ")),
            };
            Box::new(
                Diagnostic::new(
                    "unknown-environment",
                    format!("no environment `{name}` in migrate.toml"),
                )
                .help(help),
            )
        })
    }
}

/// Why `table` cannot name the history table on `dialect`; `None` when it can. A dot makes it
/// schema-qualified on PostgreSQL; SQLite has no schemas.
pub fn history_table_problem(dialect: Dialect, table: &str) -> Option<String> {
    let parts: Vec<&str> = table.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Some(format!(
            "`history_table = \"{table}\"` has an empty name part: write `migrate_history`, or `schema.table` on PostgreSQL"
        ));
    }
    let ops = dialect.ops();
    match (ops.has(Capability::Schemas), parts.len()) {
        (_, 1) | (true, 2) => None,
        (true, _) => Some(format!(
            "`history_table = \"{table}\"` has more than one dot: write `table` or `schema.table` (e.g. `ops.migrate_history`)"
        )),
        (false, _) => Some(format!(
            "`history_table = \"{table}\"`: {}; use a plain name such as `{}`",
            ops.why_no_schemas(),
            parts.join("_")
        )),
    }
}

/// A duration key whose value is not one, or is too long.
fn bad_duration(key: ConfigKey, value: &str, e: DurationError) -> Diagnostic {
    let zero = match key {
        ConfigKey::RunnerLockTimeout => "\"0\" waits for good",
        ConfigKey::BackfillBatchTime => "e.g. \"200ms\" (the default)",
        ConfigKey::BackfillPause => "\"0\": no pause",
        ConfigKey::BackfillMaxLag => "\"0\" or \"off\": never wait for replicas",
        _ => "\"0\" disables it",
    };
    Diagnostic::new("bad-duration", format!("`{key} = \"{value}\"` is {e}")).help(format!(
        "write a number with a unit: \"500ms\", \"5s\", \"10min\", \"2h\"; {zero}"
    ))
}

pub use crate::redact::redact_url;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_database_url_is_read() {
        let cfg = Config::parse(
            Path::new("migrate.toml"),
            "dev_database_url = \"postgres://u@h/scratch\"\n",
        )
        .expect("parses");
        assert_eq!(
            cfg.dev_database_url.as_deref(),
            Some("postgres://u@h/scratch")
        );
        let err = Config::parse(Path::new("migrate.toml"), "dev_database_url = 1\n").unwrap_err();
        assert_eq!(err.0[0].code, "wrong-kind");
    }

    #[test]
    fn parses_and_reports_unknown_keys() {
        let cfg = Config::parse(
            Path::new("/p/migrate.toml"),
            "dialect = \"postgres\"\nschema = \"s.toml\"\n[environments.prod]\ndatabase_url = \"postgres://x\"\nextra_migration_paths = [\"/sec\"]\n",
        )
        .expect("valid config");
        assert_eq!(cfg.dialect, Dialect::Postgres);
        assert_eq!(cfg.schema, Path::new("/p/s.toml"));
        assert_eq!(
            cfg.environments["prod"].extra_migration_paths,
            [PathBuf::from("/sec")]
        );

        assert_eq!(cfg.runner_lock_timeout, Some(Duration::from_secs(600)));
        let cfg = Config::parse(
            Path::new("migrate.toml"),
            "dialect = \"postgres\"\nrunner_lock_timeout = \"0\"\nhistory_table = \"ops.migrate_history\"\n",
        )
        .expect("valid config");
        assert_eq!(cfg.runner_lock_timeout, None);
        assert_eq!(cfg.history_table, "ops.migrate_history");
        let err = Config::parse(
            Path::new("migrate.toml"),
            "runner_lock_timeout = \"soon\"\n",
        )
        .unwrap_err();
        assert!(
            err.0[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("\"0\" waits for good")
        );
        // SQLite has no schemas: a dotted history table is refused where it is written.
        let err = Config::parse(
            Path::new("migrate.toml"),
            "dialect = \"sqlite\"\nhistory_table = \"ops.h\"\n",
        )
        .unwrap_err();
        assert_eq!(err.0[0].code, "bad-history-table");
        assert_eq!(err.0[0].line_col(), Some((2, 17)));
        assert!(err.0[0].message.contains("`ops_h`"), "{}", err.0[0].message);

        let err = Config::parse(Path::new("migrate.toml"), "dialekt = \"sqlite\"\n").unwrap_err();
        assert_eq!(err.0[0].line_col(), Some((1, 1)));
        assert!(err.0[0].help.as_deref().unwrap_or("").contains("`dialect`"));
    }

    #[test]
    fn backfill_tuning_is_read_and_checked() {
        let cfg = Config::parse(
            Path::new("migrate.toml"),
            "backfill_batch_time = \"50ms\"\nbackfill_pause = \"1s\"\n",
        )
        .expect("valid config");
        assert_eq!(cfg.backfill_batch_time, Duration::from_millis(50));
        assert_eq!(cfg.backfill_pause, Duration::from_secs(1));
        let cfg = Config::parse(Path::new("migrate.toml"), "").expect("valid config");
        assert_eq!(cfg.backfill_batch_time, Duration::from_millis(200));
        assert_eq!(cfg.backfill_pause, Duration::ZERO);
        assert_eq!(cfg.backfill_max_lag, Some(Duration::from_secs(10)));
        for (text, lag) in [
            ("\"2s\"", Some(Duration::from_secs(2))),
            ("\"0\"", None),
            ("\"off\"", None),
        ] {
            let cfg = Config::parse(
                Path::new("migrate.toml"),
                &format!("backfill_max_lag = {text}\n"),
            )
            .expect("valid config");
            assert_eq!(cfg.backfill_max_lag, lag, "{text}");
        }
        let err =
            Config::parse(Path::new("migrate.toml"), "backfill_max_lag = \"a bit\"\n").unwrap_err();
        assert_eq!(
            err.0[0].message,
            "`backfill_max_lag = \"a bit\"` is not a duration"
        );
        assert!(err.0[0].help.as_deref().unwrap_or("").contains("\"off\""));
        let err =
            Config::parse(Path::new("migrate.toml"), "backfill_max_lgs = \"1s\"\n").unwrap_err();
        assert!(
            err.0[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("`backfill_max_lag`"),
            "{:?}",
            err.0[0].help
        );
        let err = Config::parse(
            Path::new("migrate.toml"),
            "backfill_batch_time = \"0\"\nbackfill_pause = \"soon\"\n",
        )
        .unwrap_err();
        let shown: Vec<(Option<(usize, usize)>, &str)> = err
            .0
            .iter()
            .map(|d| (d.line_col(), d.message.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    Some((1, 23)),
                    "`backfill_batch_time` cannot be 0: it is the duration batches aim at"
                ),
                (
                    Some((2, 18)),
                    "`backfill_pause = \"soon\"` is not a duration"
                ),
            ]
        );
    }

    #[test]
    fn durations_are_parsed_once_and_a_too_long_one_is_an_error() {
        let cfg = Config::parse(
            Path::new("migrate.toml"),
            "lock_timeout = \"250ms\"\nstatement_timeout = \"0s\"\nrunner_lock_timeout = \"2h\"\n",
        )
        .expect("valid config");
        assert_eq!(cfg.lock_timeout, Some(Duration::from_millis(250)));
        assert_eq!(cfg.statement_timeout, None, "zero disables it");
        assert_eq!(cfg.runner_lock_timeout, Some(Duration::from_secs(7_200)));

        // Too long for a u64 of milliseconds: once accepted here and then dropped, which ran
        // every migration with no lock timeout at all.
        let err = Config::parse(
            Path::new("migrate.toml"),
            "lock_timeout = \"99999999999999999999s\"\nstatement_timeout = \"600h\"\nrunner_lock_timeout = \"soon\"\n",
        )
        .unwrap_err();
        type Shown<'a> = (&'a str, &'a str, Option<(usize, usize)>);
        let shown: Vec<Shown<'_>> = err
            .0
            .iter()
            .map(|d| (d.code, d.message.as_str(), d.line_col()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "bad-duration",
                    "`lock_timeout = \"99999999999999999999s\"` is longer than the longest timeout, 2147483647 ms (about 24 days)",
                    Some((1, 16))
                ),
                (
                    "bad-duration",
                    "`statement_timeout = \"600h\"` is longer than the longest timeout, 2147483647 ms (about 24 days)",
                    Some((2, 21))
                ),
                (
                    "bad-duration",
                    "`runner_lock_timeout = \"soon\"` is not a duration",
                    Some((3, 23))
                ),
            ]
        );
        assert!(
            err.0[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("\"0\" disables it")
        );
    }

    #[test]
    fn every_key_gets_a_suggestion_when_misspelled() {
        for (typo, key) in [
            ("lock_timout", "lock_timeout"),
            ("statment_timeout", "statement_timeout"),
            ("lock_retires", "lock_retries"),
            ("runner_lock_timout", "runner_lock_timeout"),
            ("lint_basline", "lint_baseline"),
            ("histroy_table", "history_table"),
            ("enviroments", "environments"),
            ("dev_databse_url", "dev_database_url"),
            ("dev_db_url", "dev_database_url"),
            ("change_stratgy", "change_strategy"),
        ] {
            let err =
                Config::parse(Path::new("migrate.toml"), &format!("{typo} = 1\n")).unwrap_err();
            assert_eq!(err.0.len(), 1, "{typo}");
            assert_eq!(err.0[0].code, "unknown-key");
            assert_eq!(
                err.0[0].help.as_deref(),
                Some(format!("did you mean `{key}`?").as_str()),
                "{typo}"
            );
        }
        for (typo, key) in [
            ("extra_migration_path", "extra_migration_paths"),
            ("database_ulrs", "database_urls"),
            ("databse_urls", "database_urls"),
            ("target_file", "targets_file"),
            ("targets_comand", "targets_command"),
        ] {
            let err = Config::parse(
                Path::new("migrate.toml"),
                &format!("[environments.prod]\n{typo} = []\n"),
            )
            .unwrap_err();
            assert_eq!(
                err.0[0].help.as_deref(),
                Some(format!("did you mean `{key}`?").as_str()),
                "{typo}"
            );
        }
        // With nothing close, the help lists every key.
        let err = Config::parse(Path::new("migrate.toml"), "zzz = 1\n").unwrap_err();
        let help = err.0[0].help.as_deref().unwrap_or("");
        for k in ConfigKey::ALL {
            assert!(help.contains(&format!("`{k}`")), "{k} missing from {help}");
        }
    }

    #[test]
    fn fleets_are_read_from_one_key_each() {
        let cfg = Config::parse(
            Path::new("/p/migrate.toml"),
            "[environments.a]\ndatabase_urls = [\"postgres://u@h/t1\", \"postgres://u@h/t2\"]\n\
             [environments.b]\ntargets_file = \"tenants.txt\"\n\
             [environments.c]\ntargets_command = \"./list-tenants\"\n\
             [environments.d]\ndatabase_url = \"postgres://u@h/one\"\n",
        )
        .expect("valid config");
        assert_eq!(
            cfg.environments["a"].fleet,
            Some(Fleet::Urls(vec![
                "postgres://u@h/t1".into(),
                "postgres://u@h/t2".into()
            ]))
        );
        assert_eq!(
            cfg.environments["b"].fleet,
            Some(Fleet::File(PathBuf::from("/p/tenants.txt")))
        );
        assert_eq!(
            cfg.environments["c"].fleet,
            Some(Fleet::Command("./list-tenants".into()))
        );
        assert_eq!(cfg.environments["d"].fleet, None);

        // Two ways of naming the databases: refused on the second.
        let err = Config::parse(
            Path::new("migrate.toml"),
            "[environments.prod]\ndatabase_url = \"postgres://u@h/x\"\ntargets_file = \"t.txt\"\n",
        )
        .unwrap_err();
        assert_eq!(err.0[0].code, "conflicting-targets");
        assert_eq!(err.0[0].line_col(), Some((3, 1)));
        assert!(
            err.0[0]
                .message
                .contains("`database_url` and `targets_file`")
        );
        for (text, code) in [
            ("database_urls = []", "empty-fleet"),
            ("database_urls = \"postgres://u@h/x\"", "wrong-kind"),
            ("database_urls = [1]", "wrong-kind"),
            ("targets_command = \" \"", "wrong-kind"),
            ("targets_file = 3", "wrong-kind"),
        ] {
            let err = Config::parse(
                Path::new("migrate.toml"),
                &format!("[environments.prod]\n{text}\n"),
            )
            .unwrap_err();
            assert_eq!(err.0[0].code, code, "{text}");
            assert_eq!(err.0[0].line_col().map(|(l, _)| l), Some(2), "{text}");
        }
    }

    #[test]
    fn change_strategy_is_read_checked_and_refused_on_sqlite() {
        let cfg = Config::parse(
            Path::new("migrate.toml"),
            "dialect = \"postgres\"\nchange_strategy = \"expand-contract\"\n",
        )
        .expect("valid config");
        assert_eq!(cfg.change_strategy, crate::schema::Strategy::ExpandContract);
        let err = Config::parse(
            Path::new("migrate.toml"),
            "change_strategy = \"expand_contract\"\n",
        )
        .unwrap_err();
        assert_eq!(err.0[0].code, "unknown-strategy");
        assert_eq!(err.0[0].line_col(), Some((1, 19)));
        assert_eq!(
            err.0[0].help.as_deref(),
            Some("did you mean `change_strategy = \"expand-contract\"`?")
        );
        let err = Config::parse(
            Path::new("migrate.toml"),
            "dialect = \"sqlite\"\nchange_strategy = \"expand-contract\"\n",
        )
        .unwrap_err();
        assert_eq!(err.0[0].code, "strategy-unsupported");
        assert_eq!(err.0[0].line_col(), Some((2, 19)));
        assert!(
            err.0[0]
                .message
                .contains("one application owns a SQLite file")
        );
    }
}
