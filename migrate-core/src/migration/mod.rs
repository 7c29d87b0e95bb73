//! The migration directory: ordered SQL files, their integrity manifest, and the schema snapshot.
//!
//! ```text
//! migrations/
//!   20240101120000_create_pets.sql     <version>_<name>.sql, version = UTC YYYYMMDDHHMMSS
//!   20240102083000_add_cats.sql
//!   schema.snapshot.toml               the declared schema as of the last migration
//!   migrate.sum                        checksums of all of the above, chained (see `manifest`)
//! ```
//!
//! - [`MigrationDir`] opens a directory, [verifies](MigrationDir::verify) it, [adds](MigrationDir::add)
//!   migrations and re-records the manifest ([`MigrationDir::rehash`], for `migrate hash`).
//! - `checksum`: a file's checksum (SHA-256, insensitive to a BOM and to CRLF line endings).
//! - [`manifest`]: the `migrate.sum` format.
//! - [`directive`]: `-- migrate:` directives, the one parser the runner and the checks share.
//! - `content`: what a migration's text may not hold (NUL bytes, transaction control in a
//!   transactional file, `COPY … FROM STDIN`), found before any SQL runs.
//!
//! A migration, once recorded, is never edited: a fix is a new migration. The manifest makes an
//! edit visible (`migrate check`, `cargo build`), and makes two branches that both add migrations
//! conflict in git rather than merge silently into an order nobody tested.

pub mod batch;
pub(crate) mod checksum;
pub(crate) mod content;
mod dir;
pub mod directive;
pub mod manifest;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub use content::ContentProblem;
pub use dir::MigrationDir;
pub use directive::{Directive, Directives};

use crate::diagnostic::{Diagnostics, Explain, plain};

/// The snapshot's file name inside the migration directory.
pub const SNAPSHOT_FILE: &str = "schema.snapshot.toml";

/// The longest migration name accepted (file names stay well under common 255-byte limits).
pub(crate) const MAX_NAME_LEN: usize = 200;

/// What to do about a migration that changed after it was recorded.
const EDIT_HELP: &str = "a fix is a new migration, never an edit: restore the file (e.g. `git checkout -- <file>`) \
                         and add a new migration; if this migration was never applied anywhere, run `migrate hash`";

// ---------------------------------------------------------------------------------------------
// Versions and UTC time
// ---------------------------------------------------------------------------------------------

/// A migration's version: the 14-digit `YYYYMMDDHHMMSS` UTC timestamp that starts its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(u64);

impl Version {
    /// The largest version that fits in 14 digits.
    pub const MAX: Version = Version(99_999_999_999_999);

    /// Reads exactly 14 ASCII digits.
    pub fn parse(s: &str) -> Option<Version> {
        (s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok().map(Version))
            .flatten()
    }

    /// The version as a number (`20240101120000`).
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The version of a number, when it has at most 14 digits.
    pub fn from_u64(n: u64) -> Option<Version> {
        (n <= Version::MAX.0).then_some(Version(n))
    }

    /// The version of a UTC instant, in seconds since 1970-01-01T00:00:00Z (years 0 to 9999).
    pub(crate) fn from_unix_seconds(secs: i64) -> Version {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let y = y.clamp(0, 9999) as u64;
        let (hh, mm, ss) = (
            (rem / 3600) as u64,
            (rem % 3600 / 60) as u64,
            (rem % 60) as u64,
        );
        Version(
            ((((y * 100 + u64::from(m)) * 100 + u64::from(d)) * 100 + hh) * 100 + mm) * 100 + ss,
        )
    }

    /// The version of a point in time (a time before 1970 counts as 1970).
    pub(crate) fn from_system_time(t: SystemTime) -> Version {
        let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Version::from_unix_seconds(i64::try_from(secs).unwrap_or(i64::MAX / 2))
    }

    /// The current UTC second.
    pub fn now() -> Version {
        Version::from_system_time(SystemTime::now())
    }

    /// The UTC instant this version names, when it is a valid date and time.
    pub(crate) fn to_unix_seconds(self) -> Option<i64> {
        let n = self.0;
        let (y, mo, d) = (
            (n / 10_000_000_000) as i64,
            (n / 100_000_000 % 100) as u32,
            (n / 1_000_000 % 100) as u32,
        );
        let (h, mi, s) = (
            (n / 10_000 % 100) as i64,
            (n / 100 % 100) as i64,
            (n % 100) as i64,
        );
        let valid = (1..=12).contains(&mo)
            && (1..=days_in_month(y, mo)).contains(&d)
            && h < 24
            && mi < 60
            && s < 60;
        valid.then(|| days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
    }

    /// Why this version is not a UTC date and time (`month 13`), or `None` when it is one.
    pub(crate) fn date_problem(self) -> Option<String> {
        let n = self.0;
        let (y, mo, d) = (
            (n / 10_000_000_000) as i64,
            (n / 100_000_000 % 100) as u32,
            (n / 1_000_000 % 100) as u32,
        );
        let (h, mi, s) = (n / 10_000 % 100, n / 100 % 100, n % 100);
        if !(1..=12).contains(&mo) {
            Some(format!("month {mo:02}"))
        } else if !(1..=days_in_month(y, mo)).contains(&d) {
            Some(format!("day {d:02} of month {mo:02}"))
        } else if h >= 24 {
            Some(format!("hour {h:02}"))
        } else if mi >= 60 {
            Some(format!("minute {mi:02}"))
        } else if s >= 60 {
            Some(format!("second {s:02}"))
        } else {
            None
        }
    }

    /// The version one second later (or the next number, for a version that is not a date).
    pub fn succ(self) -> Version {
        match self.to_unix_seconds() {
            Some(secs) if self.0 < 99_991_231_235_959 => Version::from_unix_seconds(secs + 1),
            _ => Version((self.0 + 1).min(Version::MAX.0)),
        }
    }

    /// The version for a new migration made at `now`: `now`, or one second after `last` when
    /// `now` is not later (versions are unique and increasing).
    pub fn next(last: Option<Version>, now: Version) -> Version {
        match last {
            Some(last) if now <= last => last.succ(),
            _ => now,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:014}", self.0)
    }
}

/// The proleptic Gregorian date `(year, month, day)` of a day count since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Eras of 400 years (146097 days) starting on March 1st, so the leap day ends a year.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The day count since 1970-01-01 of a proleptic Gregorian date; the inverse of [`civil_from_days`].
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 }); // [0, 11]
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// Whether `name` is a migration name: `^[a-z][a-z0-9_]*$`, at most [`MAX_NAME_LEN`] bytes.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && name.len() <= MAX_NAME_LEN
}

/// `Ok` when `name` is a migration name (`is_valid_name`); else the error, with a snake_case
/// spelling of it to suggest. The one check of `migrate new`, `generate --name`, `diff --name`
/// and [`MigrationDir::add`].
pub fn check_name(name: &str) -> Result<(), MigrationError> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(MigrationError::BadName {
            name: name.to_string(),
            suggestion: snake_case(name),
        })
    }
}

/// A snake_case spelling of `s`, to suggest when a name is not one (`"Add Cats!"` → `add_cats`):
/// its words ([`crate::names::snake`]) with what a migration name cannot hold (`[^a-z0-9]`) as
/// separators, and no digit in front.
pub(crate) fn snake_case(s: &str) -> String {
    let mut out = String::new();
    for ch in crate::names::snake(s).chars() {
        if ch.is_ascii_lowercase() || ch.is_ascii_digit() {
            out.push(ch);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_');
    let out = out.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
    let mut out: String = out.chars().take(MAX_NAME_LEN).collect();
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        "migration".to_string()
    } else {
        out
    }
}

/// The file name of a migration: `<version>_<name>.sql`.
pub fn file_name(version: Version, name: &str) -> String {
    format!("{version}_{name}.sql")
}

/// Why a file name is not `<version>_<name>.sql`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileNameError {
    /// Not a `.sql` file.
    #[error("a migration file name ends in `.sql`")]
    NotSql,
    /// No `<version>_` in front.
    #[error("a migration file name starts with a 14-digit UTC timestamp (YYYYMMDDHHMMSS) and `_`")]
    NoVersion,
    /// The name after the version is not snake_case.
    #[error(
        "the name after the version must be snake_case (a lower-case letter, then lower-case letters, \
         digits and `_`), e.g. `{suggestion}`"
    )]
    BadName {
        /// The file name with its name in snake_case.
        suggestion: String,
    },
}

/// Splits a migration file name into its version and name.
pub fn parse_file_name(file: &str) -> Result<(Version, &str), FileNameError> {
    let Some(stem) = file.strip_suffix(".sql") else {
        return Err(FileNameError::NotSql);
    };
    let (version, name) = match stem.split_once('_') {
        Some((v, n)) => (v, n),
        None => (stem, ""),
    };
    let Some(version) = Version::parse(version) else {
        return Err(FileNameError::NoVersion);
    };
    if !is_valid_name(name) {
        return Err(FileNameError::BadName {
            suggestion: file_name(version, &snake_case(name)),
        });
    }
    Ok((version, name))
}

// ---------------------------------------------------------------------------------------------
// Migrations and directives
// ---------------------------------------------------------------------------------------------

/// The first line of a migration's leading comment, directives skipped: what the migration says
/// it does.
pub(crate) fn description(content: &str) -> String {
    content
        .strip_prefix('\u{feff}')
        .unwrap_or(content)
        .lines()
        .map(str::trim)
        .take_while(|l| l.starts_with("--") || l.is_empty())
        .filter(|l| l.starts_with("--") && !directive::is_directive_like(l))
        .map(|l| l.trim_start_matches('-').trim())
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

/// Whether a migration holds no SQL: only blank lines and `--` comments (a placeholder).
pub(crate) fn is_comment_only(content: &str) -> bool {
    content
        .strip_prefix('\u{feff}')
        .unwrap_or(content)
        .lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with("--"))
}

/// One migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The UTC timestamp the file name starts with.
    pub version: Version,
    /// The snake_case name after the version.
    pub name: String,
    /// Where the file is.
    pub path: PathBuf,
    /// The file's text, without a leading byte-order mark.
    pub content: String,
    /// `checksum::file_checksum` of the file.
    pub checksum: String,
    /// What its `-- migrate:` directives say.
    pub directives: Directives,
    /// What its text may not hold (NUL bytes, directive errors), line by line.
    pub problems: Vec<ContentProblem>,
}

impl Migration {
    /// Builds a migration from a file's name and bytes.
    pub fn from_file(path: PathBuf, bytes: &[u8]) -> Result<Migration, MigrationError> {
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default()
            .to_string();
        let (version, name) =
            parse_file_name(&file).map_err(|reason| MigrationError::BadFileName {
                path: path.clone(),
                reason,
            })?;
        let name = name.to_string();
        let text = std::str::from_utf8(bytes).map_err(|e| MigrationError::NotUtf8 {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let content = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
        let (directives, problems) = content::check_text(&content);
        Ok(Migration {
            version,
            name,
            checksum: checksum::file_checksum(bytes),
            directives,
            problems,
            content,
            path,
        })
    }

    /// `<version>_<name>.sql`.
    pub fn file_name(&self) -> String {
        crate::ops::count();
        file_name(self.version, &self.name)
    }

    /// The first directive with this key.
    pub fn directive(&self, key: &str) -> Option<&Directive> {
        self.directives.get(key)
    }

    /// `-- migrate:no-transaction`: run the file outside a transaction (e.g. for
    /// `CREATE INDEX CONCURRENTLY`).
    pub fn no_transaction(&self) -> bool {
        self.directives.no_transaction
    }

    /// What the migration says it does: the first line of its leading comment.
    pub fn description(&self) -> String {
        description(&self.content)
    }
}

// ---------------------------------------------------------------------------------------------
// Problems and errors
// ---------------------------------------------------------------------------------------------

/// Something wrong with a migration directory, found by [`MigrationDir::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file the problem is about.
    pub path: PathBuf,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Migrations (or a snapshot) exist, but `migrate.sum` does not.
    ManifestMissing,
    /// `migrate.sum` is not in the manifest format.
    ManifestCorrupt {
        /// The 1-based line of `migrate.sum`.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// `migrate.sum` holds git conflict markers.
    ManifestConflict {
        /// The 1-based line of the first marker.
        line: usize,
    },
    /// `migrate.sum` was edited by hand: its header sum does not match its lines.
    ManifestTampered,
    /// The file changed after it was recorded.
    Edited,
    /// The manifest lists the file after `after`, a migration with a later version.
    Reordered {
        /// The file name listed before it.
        after: String,
    },
    /// The manifest lists the file, but it does not exist.
    Missing,
    /// The file exists, but the manifest does not list it.
    Unlisted,
    /// A `.sql` file whose name is not `<version>_<name>.sql`.
    BadFileName {
        /// What is wrong with the name.
        reason: String,
    },
    /// Two migration files share a version.
    DuplicateVersion {
        /// The other file.
        other: PathBuf,
    },
    /// The file could not be read, or is not UTF-8.
    Unreadable {
        /// Why.
        reason: String,
    },
    /// A file name that is not a UTC date and time.
    BadVersion {
        /// What is wrong with the date and time.
        reason: String,
    },
    /// What the file's text may not hold, on a line of it.
    Content(ContentProblem),
}

impl Problem {
    fn new(path: PathBuf, kind: ProblemKind) -> Problem {
        Problem { path, kind }
    }

    /// The file's name, as listed in the manifest.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    fn is_snapshot(&self) -> bool {
        self.file_name() == SNAPSHOT_FILE
    }

    /// The 1-based line of the file the problem is on, when it is on one.
    pub fn line(&self) -> Option<usize> {
        match &self.kind {
            ProblemKind::ManifestCorrupt { line, .. } | ProblemKind::ManifestConflict { line } => {
                Some(*line)
            }
            ProblemKind::Content(c) => c.line,
            _ => None,
        }
    }
}

impl Explain for Problem {
    /// A stable machine-readable code, e.g. `edited`.
    fn code(&self) -> &'static str {
        match &self.kind {
            ProblemKind::ManifestMissing => "manifest-missing",
            ProblemKind::ManifestCorrupt { .. } => "manifest-corrupt",
            ProblemKind::ManifestConflict { .. } => "manifest-conflict",
            ProblemKind::ManifestTampered => "manifest-tampered",
            ProblemKind::Edited => "edited",
            ProblemKind::Reordered { .. } => "reordered",
            ProblemKind::Missing => "missing",
            ProblemKind::Unlisted => "unlisted",
            ProblemKind::BadFileName { .. } => "bad-file-name",
            ProblemKind::DuplicateVersion { .. } => "duplicate-version",
            ProblemKind::Unreadable { .. } => "unreadable",
            ProblemKind::BadVersion { .. } => "bad-version",
            ProblemKind::Content(c) => c.code(),
        }
    }

    /// How to fix it.
    fn help(&self) -> Option<String> {
        Some(self.fix())
    }
}

/// What is wrong, naming the file.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl Problem {
    fn message(&self) -> String {
        let p = self.path.display();
        let f = self.file_name();
        match &self.kind {
            ProblemKind::ManifestMissing => {
                format!("`{p}` is missing: the migrations are not recorded")
            }
            ProblemKind::ManifestCorrupt { line, reason } => {
                format!("`{p}` line {line} is corrupt: {reason}")
            }
            ProblemKind::ManifestConflict { line } => {
                format!("`{p}` has a git merge conflict (line {line})")
            }
            ProblemKind::ManifestTampered => {
                format!(
                    "`{p}` was edited by hand: its first line does not match the lines below it"
                )
            }
            ProblemKind::Edited if self.is_snapshot() => {
                format!("the schema snapshot `{p}` changed after it was recorded")
            }
            ProblemKind::Edited => format!(
                "migration `{p}` changed after it was recorded in {}",
                manifest::MANIFEST_FILE
            ),
            ProblemKind::Reordered { after } => {
                format!(
                    "`{f}` is listed after `{after}` in {}, but its version is earlier",
                    manifest::MANIFEST_FILE
                )
            }
            ProblemKind::Missing => format!(
                "`{p}` is listed in {} but does not exist",
                manifest::MANIFEST_FILE
            ),
            ProblemKind::Unlisted => format!("`{p}` is not listed in {}", manifest::MANIFEST_FILE),
            ProblemKind::BadFileName { reason } => {
                format!("`{p}` is not a migration file name: {reason}")
            }
            ProblemKind::DuplicateVersion { other } => {
                format!("`{p}` has the same version as `{}`", other.display())
            }
            ProblemKind::Unreadable { reason } => format!("cannot read `{p}`: {reason}"),
            ProblemKind::BadVersion { reason } => {
                format!("`{p}`: its version is not a UTC date and time ({reason})")
            }
            ProblemKind::Content(c) => match c.line {
                Some(line) => format!("`{p}:{line}` {c}"),
                None => format!("`{p}` {c}"),
            },
        }
    }

    fn fix(&self) -> String {
        let f = self.file_name();
        match &self.kind {
            ProblemKind::ManifestMissing => {
                "run `migrate hash` to record the migrations, and commit migrate.sum with them".into()
            }
            ProblemKind::ManifestCorrupt { .. } | ProblemKind::ManifestTampered => {
                "restore migrate.sum from version control; if the migrations on disk are the intended ones and were \
                 never applied anywhere, run `migrate hash` to re-record them"
                    .into()
            }
            ProblemKind::ManifestConflict { .. } => {
                "two branches added migrations: keep both sets of files, give yours a version later than theirs \
                 (rename the file, or re-create it with `migrate generate`/`migrate new`), then run `migrate hash`"
                    .into()
            }
            ProblemKind::Edited if self.is_snapshot() => {
                "the snapshot is written by `migrate generate`, not by hand: restore it from version control \
                 (e.g. `git checkout -- <file>`); to change the schema, edit the schema files and run `migrate generate`"
                    .into()
            }
            ProblemKind::Edited => EDIT_HELP.replace("<file>", &self.path.display().to_string()),
            ProblemKind::Reordered { .. } => format!(
                "migrations run in version order: restore migrate.sum from version control; if `{f}` was never \
                 applied anywhere, re-create it with a later version, then run `migrate hash`"
            ),
            ProblemKind::Missing if self.is_snapshot() => {
                "restore the snapshot from version control, or run `migrate hash` if it was removed on purpose".into()
            }
            ProblemKind::Missing => format!(
                "a recorded migration must stay: restore `{f}` from version control; if it was never applied \
                 anywhere and was removed on purpose, run `migrate hash`"
            ),
            ProblemKind::Unlisted => format!(
                "create migrations with `migrate generate` or `migrate new`, which record them; to record `{f}` as \
                 it is, run `migrate hash`"
            ),
            ProblemKind::BadFileName { .. } => {
                "rename it to `<YYYYMMDDHHMMSS>_<snake_case_name>.sql`, or move it out of the migration directory".into()
            }
            ProblemKind::DuplicateVersion { .. } => format!(
                "versions must be unique: if `{f}` was never applied anywhere, re-create it with `migrate new` (which \
                 takes the next free version) and delete this file, then run `migrate hash`"
            ),
            ProblemKind::Unreadable { .. } => "save the file as UTF-8 and check its permissions".into(),
            ProblemKind::BadVersion { .. } => format!(
                "versions are UTC timestamps, YYYYMMDDHHMMSS: rename `{f}` to a real time that keeps its place in \
                 the order, then run `migrate hash` (only if it was never applied anywhere: a version, once \
                 applied, stays), or re-create it with `migrate new`, which takes the current time"
            ),
            ProblemKind::Content(c @ ContentProblem {
                kind: content::ContentKind::NulByte,
                ..
            }) => c.fix(),
            ProblemKind::Content(c) => format!(
                "{} (already applied, so `{f}` cannot change? set `lint_baseline` in migrate.toml to its \
                 version or a later one applied everywhere: its problems become warnings, and `migrate up` \
                 refuses it only where it is not applied)",
                c.fix()
            ),
        }
    }
}

/// A list of problems, one per paragraph.
fn problem_list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("- {}", plain(p)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why a migration directory operation failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// The directory does not exist.
    #[error("no migration directory at `{}`", path.display())]
    NotFound {
        /// The directory.
        path: PathBuf,
    },

    /// A file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// A file could not be written.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// A file is not UTF-8.
    #[error("`{}` is not valid UTF-8: {reason}", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Why (the UTF-8 decoder's message).
        reason: String,
    },

    /// A file name is not `<version>_<name>.sql`.
    #[error("`{}` is not a migration file name: {reason}", path.display())]
    BadFileName {
        /// The file.
        path: PathBuf,
        /// What is wrong with its name.
        reason: FileNameError,
    },

    /// A migration name given is not snake_case.
    #[error("`{name}` is not a snake_case migration name")]
    BadName {
        /// The name given.
        name: String,
        /// It in snake_case.
        suggestion: String,
    },

    /// The directory has problems; nothing was written.
    #[error(
        "the migration directory `{}` has problems; nothing was written:\n{}",
        dir.display(),
        problem_list(problems)
    )]
    Unverified {
        /// The migration directory.
        dir: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },

    /// The snapshot of the schema does not load.
    #[error("the schema snapshot `{}` does not load:\n{diagnostics}", path.display())]
    Snapshot {
        /// The snapshot file.
        path: PathBuf,
        /// Why.
        diagnostics: Diagnostics,
    },

    /// The last version is the largest there is.
    #[error("no version is left after `{last}`")]
    VersionsExhausted {
        /// The last version.
        last: Version,
    },
}

impl Explain for MigrationError {
    fn code(&self) -> &'static str {
        match self {
            MigrationError::NotFound { .. } => "no-migration-directory",
            MigrationError::Read { .. } => "unreadable",
            MigrationError::Write { .. } => "unwritable",
            MigrationError::NotUtf8 { .. } => "not-utf8",
            MigrationError::BadFileName { .. } => "bad-file-name",
            MigrationError::BadName { .. } => "bad-migration-name",
            MigrationError::Unverified { .. } => "unverified",
            MigrationError::Snapshot { .. } => "bad-snapshot",
            MigrationError::VersionsExhausted { .. } => "versions-exhausted",
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            MigrationError::NotFound { .. } => {
                Some("run `migrate init`, or set `migrations` in migrate.toml".into())
            }
            MigrationError::Write { .. } => {
                Some("nothing was changed; check the directory's permissions and free space".into())
            }
            MigrationError::NotUtf8 { .. } => Some("save the file as UTF-8".into()),
            MigrationError::BadName { suggestion, .. } => Some(format!(
                "use snake_case (a lower-case letter, then lower-case letters, digits and `_`, at most \
                 {MAX_NAME_LEN} bytes), e.g. `{suggestion}`"
            )),
            MigrationError::Snapshot { .. } => Some(
                "the snapshot is written by `migrate generate`; restore it from version control"
                    .into(),
            ),
            MigrationError::VersionsExhausted { .. } => Some(
                "versions are 14-digit UTC timestamps; rename the migrations to real timestamps"
                    .into(),
            ),
            MigrationError::Read { .. }
            | MigrationError::BadFileName { .. }
            | MigrationError::Unverified { .. } => None,
        }
    }
}

impl MigrationError {
    pub(crate) fn read(path: &Path, source: std::io::Error) -> MigrationError {
        MigrationError::Read {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn write(path: &Path, source: std::io::Error) -> MigrationError {
        MigrationError::Write {
            path: path.to_path_buf(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(10_957), (2000, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_722), (2023, 12, 31));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(2_932_896), (9999, 12, 31));
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
        assert_eq!(
            days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28),
            1,
            "2100 is not a leap year"
        );
        assert_eq!(
            days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28),
            2,
            "2000 is"
        );
        // Every day from year 0 to 10000 round-trips, and consecutive days are consecutive dates.
        let mut prev = civil_from_days(-719_529);
        for days in -719_528..=2_932_897 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d));
            let next_of_prev = if prev.2 < days_in_month(prev.0, prev.1) {
                (prev.0, prev.1, prev.2 + 1)
            } else if prev.1 < 12 {
                (prev.0, prev.1 + 1, 1)
            } else {
                (prev.0 + 1, 1, 1)
            };
            assert_eq!((y, m, d), next_of_prev);
            prev = (y, m, d);
        }
    }

    #[test]
    fn versions_from_time() {
        assert_eq!(Version::from_unix_seconds(0).to_string(), "19700101000000");
        assert_eq!(
            Version::from_unix_seconds(1_700_000_000).to_string(),
            "20231114221320"
        );
        assert_eq!(
            Version::from_unix_seconds(951_782_400).to_string(),
            "20000229000000"
        );
        assert_eq!(
            Version::from_unix_seconds(1_709_251_199).to_string(),
            "20240229235959"
        );
        assert_eq!(Version::from_unix_seconds(-1).to_string(), "19691231235959");
        let t = UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_999);
        assert_eq!(Version::from_system_time(t).to_string(), "20231114221320");
        assert_eq!(
            Version::from_system_time(UNIX_EPOCH - std::time::Duration::from_secs(5)).to_string(),
            "19700101000000"
        );
        for secs in [
            0,
            1_700_000_000,
            951_782_400,
            4_102_444_799,
            253_402_300_799,
        ] {
            assert_eq!(
                Version::from_unix_seconds(secs).to_unix_seconds(),
                Some(secs)
            );
        }
        assert!(Version::now() > Version::parse("20240101000000").expect("valid"));
    }

    #[test]
    fn version_parsing_and_validity() {
        assert_eq!(
            Version::parse("20240101120000").map(Version::as_u64),
            Some(20_240_101_120_000)
        );
        assert_eq!(
            Version::parse("00000000000001").map(|v| v.to_string()),
            Some("00000000000001".into())
        );
        for bad in [
            "2024010112000",
            "202401011200000",
            "2024010112000a",
            "+2024010112000",
            "",
        ] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
        for not_a_date in [
            "20241301000000",
            "20240230000000",
            "20230229000000",
            "20240101240000",
            "20240101006000",
        ] {
            let v = Version::parse(not_a_date).expect("14 digits");
            assert_eq!(v.to_unix_seconds(), None, "{not_a_date}");
        }
        assert_eq!(Version::from_u64(100_000_000_000_000), None);
    }

    #[test]
    fn next_versions_increase_strictly() {
        let v = |s: &str| Version::parse(s).expect("valid");
        let now = v("20240601120000");
        assert_eq!(Version::next(None, now), now);
        assert_eq!(Version::next(Some(v("20240601115959")), now), now);
        // Same second, or a last version in the future: one second after the last.
        assert_eq!(Version::next(Some(now), now), v("20240601120001"));
        assert_eq!(
            Version::next(Some(v("20240601120059")), now),
            v("20240601120100")
        );
        assert_eq!(
            Version::next(Some(v("20240601235959")), now),
            v("20240602000000")
        );
        assert_eq!(
            Version::next(Some(v("20240229235959")), v("20240101000000")),
            v("20240301000000")
        );
        assert_eq!(
            Version::next(Some(v("20241231235959")), now),
            v("20250101000000")
        );
        // A version that is not a date: the next number.
        assert_eq!(
            Version::next(Some(v("99999999999998")), now),
            v("99999999999999")
        );
        assert_eq!(
            Version::next(Some(v("20240101006000")), v("20240101000000")),
            v("20240101006001")
        );
        // Many in one second.
        let mut last = None;
        for _ in 0..100 {
            let next = Version::next(last, now);
            assert!(last.is_none_or(|l| next > l));
            last = Some(next);
        }
        assert_eq!(last, Some(v("20240601120139")));
    }

    #[test]
    fn names() {
        for ok in ["a", "create_pets", "add_2fa", "x_", "a__b"] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in [
            "",
            "Create",
            "1abc",
            "_a",
            "add-cats",
            "add cats",
            "ünï",
            &"a".repeat(201),
        ] {
            assert!(!is_valid_name(bad), "{bad}");
        }
        assert_eq!(snake_case("Add Cats!"), "add_cats");
        assert_eq!(snake_case("addCatsTable"), "add_cats_table");
        assert_eq!(snake_case("add-cats"), "add_cats");
        assert_eq!(snake_case("2fa"), "fa");
        assert_eq!(snake_case("!!!"), "migration");
        assert_eq!(snake_case("HTTPStatus"), "http_status");
        assert_eq!(snake_case("add_HTTPStatus"), "add_http_status");
        assert_eq!(snake_case("create_ünicode"), "create_nicode");
        assert!(is_valid_name(&snake_case("ÜBER straße -- x")));
    }

    #[test]
    fn one_name_check_with_its_fix() {
        assert!(check_name("add_cats_2").is_ok());
        let err = check_name("Add Cats!").expect_err("not snake_case");
        assert_eq!(err.code(), "bad-migration-name");
        assert_eq!(
            plain(&err),
            "`Add Cats!` is not a snake_case migration name\n  help: use snake_case (a lower-case letter, \
             then lower-case letters, digits and `_`, at most 200 bytes), e.g. `add_cats`"
        );
        let long = "a".repeat(MAX_NAME_LEN + 1);
        assert!(check_name(&long).is_err());
    }

    #[test]
    fn file_names() {
        let v = Version::parse("20240101120000").expect("valid");
        assert_eq!(
            file_name(v, "create_pets"),
            "20240101120000_create_pets.sql"
        );
        assert_eq!(
            parse_file_name("20240101120000_create_pets.sql"),
            Ok((v, "create_pets"))
        );
        for bad in [
            "20240101120000_create_pets.SQL",
            "2024010112000_create_pets.sql",
            "20240101120000.sql",
            "20240101120000_.sql",
            "20240101120000_Create.sql",
            "20240101120000-create.sql",
            "20240101120000_create.down.sql",
            "create.sql",
        ] {
            assert!(parse_file_name(bad).is_err(), "{bad}");
        }
        let err = parse_file_name("20240101120000_Create Pets.sql").expect_err("bad");
        assert!(
            err.to_string().contains("20240101120000_create_pets.sql"),
            "{err}"
        );
    }

    #[test]
    fn migrations_read_their_directives_and_description() {
        let sql = "\u{feff}-- migrate:no-transaction\n\n-- migrate:lock-timeout 5s \n-- Build the index.\n\
                   CREATE INDEX CONCURRENTLY x ON t (a);\n";
        let m = Migration::from_file(PathBuf::from("m/20240101120000_idx.sql"), sql.as_bytes())
            .expect("valid");
        assert!(m.no_transaction());
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(
            m.directive("lock-timeout").and_then(|d| d.value.as_deref()),
            Some("5s")
        );
        assert_eq!(m.description(), "Build the index.");
        assert!(!m.content.starts_with('\u{feff}'));
        assert_eq!(m.file_name(), "20240101120000_idx.sql");
        // A directive the runner would not read is a problem of the file, never ignored.
        let m = Migration::from_file(
            PathBuf::from("m/20240101120000_idx.sql"),
            b"--migrate:no-transaction\nSELECT 1;\0\n",
        )
        .expect("still a migration");
        let codes: Vec<_> = m.problems.iter().map(|p| (p.code(), p.line)).collect();
        assert_eq!(codes, [("nul-byte", Some(2)), ("bad-directive", Some(1))]);
        assert_eq!(
            description("--migrate:no-transaction\n-- What it does.\n"),
            "What it does."
        );
        assert!(is_comment_only("-- Placeholder.\n\n--\n"));
        assert!(!is_comment_only("-- Placeholder.\nSELECT 1;\n"));
    }

    #[test]
    fn versions_that_are_not_dates_say_why() {
        let why = |s: &str| Version::parse(s).expect("14 digits").date_problem();
        assert_eq!(why("20241399999999").as_deref(), Some("month 13"));
        assert_eq!(why("20240230000000").as_deref(), Some("day 30 of month 02"));
        assert_eq!(why("20240101240000").as_deref(), Some("hour 24"));
        assert_eq!(why("20240101006000").as_deref(), Some("minute 60"));
        assert_eq!(why("20240101000060").as_deref(), Some("second 60"));
        assert_eq!(why("20240229235959"), None);
        assert_eq!(why("00000000000001").as_deref(), Some("month 00"));
    }
}
