//! Fleets: one migration directory applied to many databases (a database per tenant or shard).
//!
//! An environment names its fleet in `migrate.toml` ([`crate::config::Fleet`]): a list of URLs
//! (`database_urls`), a file of them (`targets_file`) or a command that prints them
//! (`targets_command`). [`targets`] reads that list into [`Target`]s, each with a label that is
//! its URL without its password (what every line of output names it by); [`Shard`] keeps the
//! part of the fleet one process of a Kubernetes Indexed Job owns; [`bounded`] runs one future
//! per target, at most `jobs` at a time.
//!
//! Each target is migrated by the ordinary runner on its own connection: its own runner lock, its
//! own transactions and its own history. So a failure on one target touches no other, and a
//! rerun finds the targets that are done already up to date in their history.

mod run;

pub use run::bounded;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::Fleet;
use crate::diagnostic::Explain;
use crate::redact::{mask_source, redact_url};

/// The environment variable an Indexed Job of Kubernetes sets to the pod's index.
pub const JOB_COMPLETION_INDEX: &str = "JOB_COMPLETION_INDEX";

/// One database of a fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The connection string as written (it may hold a password: never print it).
    pub url: String,
    /// The connection string without its password: how output names this target.
    pub label: String,
    /// Where it was listed, e.g. `tenants.txt:3` or `database_urls[2]`.
    pub origin: String,
}

impl Target {
    /// A target listed at `origin`.
    pub fn new(url: &str, origin: impl Into<String>) -> Target {
        Target {
            url: url.to_string(),
            label: redact_url(url),
            origin: origin.into(),
        }
    }
}

/// Why a fleet's list of databases could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// The targets file cannot be read.
    #[error("cannot read the targets file `{}`: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        error: String,
    },
    /// The targets command did not start, or did not succeed.
    #[error("the targets command `{command}` {failure}")]
    Command {
        /// The command, as configured.
        command: String,
        /// What went wrong: how it ended, and its error output (passwords masked).
        failure: String,
    },
    /// The list holds no database.
    #[error("the fleet listed by {origin} has no databases")]
    Empty {
        /// Where the list came from.
        origin: String,
    },
    /// One database is listed twice.
    #[error("{label} is listed twice in the fleet: at {first} and at {second}")]
    Duplicate {
        /// The database, its password masked.
        label: String,
        /// Where it is listed first.
        first: String,
        /// Where again.
        second: String,
    },
    /// `--shard` is not `INDEX/COUNT`.
    #[error("`--shard {given}`: {problem}")]
    BadShard {
        /// What was given.
        given: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl Explain for FleetError {
    fn code(&self) -> &'static str {
        match self {
            FleetError::Read { .. } => "targets-file",
            FleetError::Command { .. } => "targets-command",
            FleetError::Empty { .. } => "empty-fleet",
            FleetError::Duplicate { .. } => "duplicate-target",
            FleetError::BadShard { .. } => "bad-shard",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            FleetError::Read { .. } => {
                "write one database URL per line (`#` starts a comment); the path in migrate.toml is relative to it, `--targets-file` to the working directory".into()
            }
            FleetError::Command { .. } => {
                "the command runs with `sh -c` in migrate.toml's directory and must exit 0, printing one database URL per line".into()
            }
            FleetError::Empty { .. } => {
                "list at least one database URL, one per line (`#` starts a comment)".into()
            }
            FleetError::Duplicate { .. } => {
                "list each database once: two runs on one database would only take turns".into()
            }
            FleetError::BadShard { .. } => format!(
                "write `--shard INDEX/COUNT` with 0 <= INDEX < COUNT (e.g. `--shard 0/4`), or `--shard auto/COUNT` to read INDEX from {JOB_COMPLETION_INDEX}, which an Indexed Job of Kubernetes sets"
            ),
        })
    }
}

/// The databases of a fleet, in the order they are listed. Relative paths (a targets file) are
/// relative to `dir`, migrate.toml's directory, where a command runs too.
pub fn targets(fleet: &Fleet, dir: &Path) -> Result<Vec<Target>, FleetError> {
    match fleet {
        Fleet::Urls(urls) => {
            let list = urls
                .iter()
                .enumerate()
                .map(|(i, u)| Target::new(u, format!("database_urls[{i}]")))
                .collect();
            checked(list, "`database_urls`")
        }
        Fleet::File(path) => read_file(&dir.join(path)),
        Fleet::Command(command) => run_command(command, dir),
    }
}

/// The databases listed in a targets file: one connection string per line, `#` comments.
pub fn read_file(path: &Path) -> Result<Vec<Target>, FleetError> {
    let text = std::fs::read_to_string(path).map_err(|e| FleetError::Read {
        path: path.to_path_buf(),
        error: e.to_string(),
    })?;
    let name = path.display().to_string();
    checked(
        parse_list(&text, &name),
        &format!("the targets file `{name}`"),
    )
}

/// The databases a targets command prints.
fn run_command(command: &str, dir: &Path) -> Result<Vec<Target>, FleetError> {
    let failed = |failure: String| FleetError::Command {
        command: mask_source(command).text,
        failure,
    };
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| failed(format!("did not start: {e}")))?;
    if !output.status.success() {
        let stderr = mask_source(String::from_utf8_lossy(&output.stderr).trim_end()).text;
        let how = match output.status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_string(),
        };
        return Err(failed(if stderr.is_empty() {
            how
        } else {
            format!("{how}: {stderr}")
        }));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| failed("printed something that is not UTF-8".into()))?;
    checked(
        parse_list(&text, "targets_command output"),
        "the targets command",
    )
}

/// One connection string per line; blank lines and comments (`#` at the start of a line or
/// after white space) are skipped. `name` names the list in each target's origin.
pub fn parse_list(text: &str, name: &str) -> Vec<Target> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let body = comment_start(line).map_or(line, |at| &line[..at]).trim();
            (!body.is_empty()).then(|| Target::new(body, format!("{name}:{}", i + 1)))
        })
        .collect()
}

/// Where a comment starts on a line: a `#` first, or after white space (a URL holds none).
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    bytes
        .iter()
        .enumerate()
        .find(|&(i, &b)| b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()))
        .map(|(i, _)| i)
}

/// The list, refused when empty or when a database is listed twice.
fn checked(list: Vec<Target>, origin: &str) -> Result<Vec<Target>, FleetError> {
    if list.is_empty() {
        return Err(FleetError::Empty {
            origin: origin.to_string(),
        });
    }
    for (i, t) in list.iter().enumerate() {
        if let Some(first) = list[..i].iter().find(|f| f.url == t.url) {
            return Err(FleetError::Duplicate {
                label: t.label.clone(),
                first: first.origin.clone(),
                second: t.origin.clone(),
            });
        }
    }
    Ok(list)
}

/// The part of a fleet one process owns: `--shard INDEX/COUNT`. A target belongs to the shard
/// its label hashes to, so it keeps its shard when other targets are added or removed (a tenant
/// created while the Job's pods start goes to exactly one of them), and a password changed in
/// the URL does not move it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// From 0.
    pub index: u32,
    /// How many shards share the fleet, from 1.
    pub count: u32,
}

impl Shard {
    /// `INDEX/COUNT`, or `auto/COUNT` with the index from `job_index` (the value of
    /// [`JOB_COMPLETION_INDEX`], when set).
    pub fn parse(given: &str, job_index: Option<&str>) -> Result<Shard, FleetError> {
        let bad = |problem: &str| FleetError::BadShard {
            given: given.to_string(),
            problem: problem.to_string(),
        };
        let (index, count) = given
            .split_once('/')
            .ok_or_else(|| bad("it is not INDEX/COUNT"))?;
        let count: u32 = count
            .trim()
            .parse()
            .ok()
            .filter(|&c| c > 0)
            .ok_or_else(|| bad("COUNT is not a whole number from 1"))?;
        let index: u32 = if index.trim() == "auto" {
            let value = job_index.ok_or_else(|| {
                bad(&format!(
                    "`auto` reads the index from {JOB_COMPLETION_INDEX}, which is not set"
                ))
            })?;
            value.trim().parse().map_err(|_| {
                bad(&format!(
                    "{JOB_COMPLETION_INDEX}={value} is not a whole number"
                ))
            })?
        } else {
            index
                .trim()
                .parse()
                .map_err(|_| bad("INDEX is not a whole number (or `auto`)"))?
        };
        if index >= count {
            return Err(bad(&format!(
                "INDEX {index} is not below COUNT {count}: shards are numbered from 0"
            )));
        }
        Ok(Shard { index, count })
    }

    /// Whether `target` belongs to this shard.
    pub fn owns(&self, target: &Target) -> bool {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(target.label.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % u64::from(self.count) == u64::from(self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_skip_comments_and_blank_lines_and_name_each_line() {
        let list = parse_list(
            "# tenants\n\npostgres://app:pw@db1/a   # first tenant\n  sqlite://t/b.db\nhost=db2 password=xy dbname=c\n",
            "t.txt",
        );
        let shown: Vec<(&str, &str, &str)> = list
            .iter()
            .map(|t| (t.url.as_str(), t.label.as_str(), t.origin.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "postgres://app:pw@db1/a",
                    "postgres://app:***@db1/a",
                    "t.txt:3"
                ),
                ("sqlite://t/b.db", "sqlite://t/b.db", "t.txt:4"),
                (
                    "host=db2 password=xy dbname=c",
                    "host=db2 password=*** dbname=c",
                    "t.txt:5"
                ),
            ]
        );
    }

    #[test]
    fn empty_and_duplicate_lists_are_refused_without_their_passwords() {
        let e = checked(parse_list("# none yet\n", "t.txt"), "the targets file").unwrap_err();
        assert_eq!(e.code(), "empty-fleet");
        let e = checked(
            parse_list(
                "postgres://u:SECRET@h/a\npostgres://u:SECRET@h/b\npostgres://u:SECRET@h/a\n",
                "t.txt",
            ),
            "the targets file",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "postgres://u:***@h/a is listed twice in the fleet: at t.txt:1 and at t.txt:3"
        );
    }

    #[test]
    fn a_failing_command_is_reported_with_its_output_masked() {
        let dir = tempfile::tempdir().expect("dir");
        let fleet = Fleet::Command(
            "echo postgres://u@h/a; echo 'no route to postgres://u:SECRET@h/b' >&2; exit 3".into(),
        );
        let e = targets(&fleet, dir.path()).unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains("exited with status 3"), "{shown}");
        assert!(shown.contains("postgres://u:***@h/b"), "{shown}");
        assert!(!shown.contains("SECRET"), "{shown}");
        let fleet = Fleet::Command(
            "printf 'postgres://u@h/a\\n# b is retired\\npostgres://u@h/c\\n'".into(),
        );
        let list = targets(&fleet, dir.path()).expect("listed");
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].origin, "targets_command output:3");
        std::fs::write(dir.path().join("t.txt"), "postgres://u@h/z\n").expect("write");
        let list = targets(&Fleet::File("t.txt".into()), dir.path()).expect("read");
        assert_eq!(list[0].label, "postgres://u@h/z");
        let e = targets(&Fleet::File("missing.txt".into()), dir.path()).unwrap_err();
        assert_eq!(e.code(), "targets-file");
    }

    #[test]
    fn shards_split_a_fleet_exactly_once() {
        let fleet: Vec<Target> = (0..200)
            .map(|i| Target::new(&format!("postgres://u:pw{i}@h/tenant_{i}"), "x"))
            .collect();
        let shards: Vec<Shard> = (0..4)
            .map(|i| Shard::parse(&format!("{i}/4"), None).expect("shard"))
            .collect();
        for t in &fleet {
            assert_eq!(
                shards.iter().filter(|s| s.owns(t)).count(),
                1,
                "{}",
                t.label
            );
        }
        for s in &shards {
            let n = fleet.iter().filter(|t| s.owns(t)).count();
            assert!((25..=75).contains(&n), "shard {s} has {n} of 200");
        }
        // The password is no part of the label: changing it keeps the shard.
        let moved = Target::new("postgres://u:other@h/tenant_7", "x");
        assert!(shards.iter().all(|s| s.owns(&fleet[7]) == s.owns(&moved)));
        assert_eq!(
            Shard::parse("auto/3", Some("2")),
            Ok(Shard { index: 2, count: 3 })
        );
        for (given, job) in [
            ("3/3", None),
            ("1", None),
            ("a/2", None),
            ("0/0", None),
            ("auto/2", None),
            ("auto/2", Some("x")),
        ] {
            let e = Shard::parse(given, job).unwrap_err();
            assert_eq!(e.code(), "bad-shard", "{given}");
        }
    }
}
