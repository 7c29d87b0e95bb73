//! The keys `migrate.toml` knows, each written once: the loader dispatches on these enums and
//! suggests from them, so a key cannot be read without being suggested, or suggested without
//! being read (a `match` over a key that misses a variant does not compile).

/// An enum of keys, its `ALL` list and its `as_str` names, from one list of `Variant = "name"`.
macro_rules! keys {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every key, in the order the documentation lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The key as written in `migrate.toml`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The key written as `s`, when it is one.
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|k| k.as_str() == s)
            }

            /// Every key as written, for suggestions and help texts.
            pub fn names() -> impl Iterator<Item = &'static str> + Clone {
                $name::ALL.iter().map(|k| k.as_str())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keys! {
    /// A top-level key of `migrate.toml`.
    pub enum ConfigKey {
        /// `dialect = "postgres" | "sqlite"`.
        Dialect = "dialect",
        /// `schema`: a schema file or a directory of them.
        Schema = "schema",
        /// `migrations`: the migration directory.
        Migrations = "migrations",
        /// `database_url`.
        DatabaseUrl = "database_url",
        /// `dev_database_url`: a scratch PostgreSQL server the migration directory is replayed on.
        DevDatabaseUrl = "dev_database_url",
        /// `history_table`: `name`, or `schema.name` on PostgreSQL.
        HistoryTable = "history_table",
        /// `lock_timeout`: a duration; `"0"` disables it.
        LockTimeout = "lock_timeout",
        /// `statement_timeout`: a duration; `"0"` disables it.
        StatementTimeout = "statement_timeout",
        /// `lock_retries`: 0 to 100.
        LockRetries = "lock_retries",
        /// `runner_lock_timeout`: a duration; `"0"` waits for good.
        RunnerLockTimeout = "runner_lock_timeout",
        /// `backfill_batch_time`: a batch file's target batch duration.
        BackfillBatchTime = "backfill_batch_time",
        /// `backfill_pause`: a pause between a batch file's batches; `"0"`: none.
        BackfillPause = "backfill_pause",
        /// `backfill_max_lag`: the replication lag above which batches wait; `"0"` or `"off"`:
        /// never.
        BackfillMaxLag = "backfill_max_lag",
        /// `[environments.NAME]`.
        Environments = "environments",
        /// `[lint]`: rule levels.
        Lint = "lint",
        /// `lint_baseline`: a migration version.
        LintBaseline = "lint_baseline",
        /// `change_strategy = "in-place" | "expand-contract"`: how acknowledged renames, type
        /// changes and drops are made when the schema does not say.
        ChangeStrategy = "change_strategy",
    }
}

keys! {
    /// A key of an `[environments.NAME]` table.
    pub enum EnvironmentKey {
        /// `database_url`.
        DatabaseUrl = "database_url",
        /// `extra_migration_paths = ["..."]`.
        ExtraMigrationPaths = "extra_migration_paths",
        /// `database_urls = ["...", ...]`: a fleet, the same migrations applied to each.
        DatabaseUrls = "database_urls",
        /// `targets_file = "..."`: a fleet listed in a file, one URL per line.
        TargetsFile = "targets_file",
        /// `targets_command = "..."`: a fleet listed by a command, one URL per line of its output.
        TargetsCommand = "targets_command",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_are_distinct() {
        for k in ConfigKey::ALL {
            assert_eq!(ConfigKey::parse(k.as_str()), Some(*k));
        }
        for k in EnvironmentKey::ALL {
            assert_eq!(EnvironmentKey::parse(k.as_str()), Some(*k));
        }
        let mut names: Vec<&str> = ConfigKey::names().collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ConfigKey::ALL.len());
        assert_eq!(ConfigKey::parse("lock_timout"), None);
    }
}
