//! Integrity before any SQL: the history against the files, and what a pending file may not hold.

use super::*;

/// Something the database's history says that the files contradict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrity {
    /// The migration's version.
    pub version: u64,
    /// The migration's name.
    pub name: String,
    /// What is wrong.
    pub kind: IntegrityKind,
}

/// What the history and the files disagree about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntegrityKind {
    /// Applied, and the file's content changed since.
    Modified,
    /// Applied, and the file is gone.
    Missing,
    /// An earlier no-transaction run failed part-way (`error` recorded), or its runner stopped
    /// before it finished (no `error`: killed, or its connection lost).
    Dirty {
        /// The error the run recorded.
        error: Option<String>,
        /// What the database shows the run left and the exact way back, when it could be read.
        advice: Option<String>,
    },
    /// Not applied, and older than the newest applied migration.
    OutOfOrder {
        /// The version of the newest applied migration.
        newest: u64,
    },
    /// Applied, with no file here, and newer than every file here: a newer release applied it
    /// (an older one starting during a rolling deploy). A note, not a refusal.
    Ahead,
}

impl Explain for Integrity {
    fn code(&self) -> &'static str {
        match self.kind {
            IntegrityKind::Modified => "modified",
            IntegrityKind::Missing => "missing",
            IntegrityKind::Dirty { .. } => "dirty",
            IntegrityKind::OutOfOrder { .. } => "out-of-order",
            IntegrityKind::Ahead => "ahead",
        }
    }

    fn help(&self) -> Option<String> {
        Some(self.fix())
    }
}

impl std::fmt::Display for Integrity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl Integrity {
    fn message(&self) -> String {
        let m = format!("{}_{}", self.version, self.name);
        match &self.kind {
            IntegrityKind::Modified => {
                format!("migration {m} was applied, and its file has changed since")
            }
            IntegrityKind::Missing => format!("migration {m} was applied, and its file is gone"),
            IntegrityKind::Dirty {
                error: Some(error), ..
            } => format!("migration {m} failed part-way in an earlier run: {error}"),
            IntegrityKind::Dirty { error: None, .. } => format!(
                "migration {m} did not finish in an earlier run: its runner stopped part-way (the process \
                 was killed, or it lost its connection) and recorded no error"
            ),
            IntegrityKind::OutOfOrder { newest } => {
                format!(
                    "migration {m} is not applied, and is older than the newest applied one ({newest})"
                )
            }
            IntegrityKind::Ahead => format!(
                "migration {m} is applied and newer than every migration here: a newer release applied it"
            ),
        }
    }

    pub(super) fn fix(&self) -> String {
        let v = self.version;
        match &self.kind {
            IntegrityKind::Modified => "an applied migration is never edited: restore the file as it was applied \
                 (e.g. from git) and make the fix a new migration (`migrate new NAME`)"
                .into(),
            IntegrityKind::Missing => "restore the file from version control; applied migrations stay in the \
                 directory (and in the manifest) for good"
                .into(),
            IntegrityKind::Dirty {
                advice: Some(advice),
                ..
            } => advice.clone(),
            IntegrityKind::Dirty { error, .. } => format!(
                "{}, repair the database by hand, then run `migrate resolve {v} --rolled-back` to run the file \
                 again, or `migrate resolve {v} --applied` if you completed it by hand",
                if error.is_some() {
                    "look at what the failed statement left (the error says which line)"
                } else {
                    "look at what its statements left (no error says where it stopped)"
                }
            ),
            IntegrityKind::OutOfOrder { .. } => "it was probably merged from another branch: give it a new version \
                 (`migrate new NAME`, move its SQL there, `migrate hash`) so migrations run in one order everywhere"
                .into(),
            IntegrityKind::Ahead => "nothing to do: this release is older than the database's migrations (e.g. \
                 during a rolling deploy); the release that has the file applies what comes after it"
                .into(),
        }
    }
}

/// Something in a migration the runner refuses before any SQL runs: a NUL byte, a directive
/// error, transaction control or `COPY … FROM STDIN` where they cannot work, a missing secure file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The migration's version.
    pub version: u64,
    /// The migration's name.
    pub name: String,
    /// The file: the migration's, or the environment's secure file.
    pub file: String,
    /// The 1-based line, when it is on one.
    pub line: Option<usize>,
    /// A stable code, the same `migrate check` reports (e.g. `transaction-control`).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl Refusal {
    /// A content problem of a migration, as a refusal naming its file.
    pub fn of_content(version: u64, name: &str, file: &str, p: &ContentProblem) -> Refusal {
        Refusal {
            version,
            name: name.to_string(),
            file: file.to_string(),
            line: p.line,
            code: p.code(),
            message: p.to_string(),
            help: p.fix(),
        }
    }

    /// `file:line`, or the file alone.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }
}

/// `` `file:line` `` and what is wrong.
impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` {}", self.location(), self.message)
    }
}

impl Explain for Refusal {
    fn code(&self) -> &'static str {
        self.code
    }

    fn help(&self) -> Option<String> {
        Some(self.help.clone())
    }
}

/// The statements the runner refuses in the migrations it is about to run, on this dialect.
pub fn admit(sources: &[&Source], dialect: Dialect) -> Vec<Refusal> {
    let mut out = Vec::new();
    for s in sources {
        let file = s.file_name();
        out.extend(
            s.problems
                .iter()
                .cloned()
                .chain(content::check_statements(
                    &s.content,
                    s.no_transaction,
                    dialect,
                ))
                .map(|p| Refusal::of_content(s.version, &s.name, &file, &p)),
        );
    }
    out
}

/// The directive errors (and NUL bytes) of the migrations this database applied with the content
/// they have now: reported as [`Event::Tolerated`], never refused — the files cannot change any
/// more, and nothing runs them again here. (What [`admit`] checks in statements is only ever
/// checked before a file runs, as before.)
pub(super) fn tolerated(sources: &[Source], applied: &[Applied]) -> Vec<Refusal> {
    let done: BTreeMap<u64, &Applied> = applied.iter().map(|a| (a.version, a)).collect();
    sources
        .iter()
        .filter(|s| {
            done.get(&s.version)
                .is_some_and(|a| a.success && a.checksum == s.checksum)
        })
        .flat_map(|s| {
            let file = s.file_name();
            s.problems
                .iter()
                .map(move |p| Refusal::of_content(s.version, &s.name, &file, p))
        })
        .collect()
}

/// Compares the history with the sources; every contradiction is reported, none is fixed.
/// [`IntegrityKind::Ahead`] entries are notes, not contradictions.
pub fn check_integrity(sources: &[Source], applied: &[Applied]) -> Vec<Integrity> {
    let mut out = Vec::new();
    let by_version: BTreeMap<u64, &Source> = sources.iter().map(|s| (s.version, s)).collect();
    let newest_local = sources.iter().map(|s| s.version).max();
    for a in applied {
        match by_version.get(&a.version) {
            _ if !a.success => out.push(Integrity {
                version: a.version,
                name: a.name.clone(),
                kind: IntegrityKind::Dirty {
                    error: a.error.clone(),
                    advice: None,
                },
            }),
            None if newest_local.is_none_or(|n| a.version > n) => out.push(Integrity {
                version: a.version,
                name: a.name.clone(),
                kind: IntegrityKind::Ahead,
            }),
            None => out.push(Integrity {
                version: a.version,
                name: a.name.clone(),
                kind: IntegrityKind::Missing,
            }),
            Some(s) if s.checksum != a.checksum => out.push(Integrity {
                version: a.version,
                name: a.name.clone(),
                kind: IntegrityKind::Modified,
            }),
            Some(_) => {}
        }
    }
    if let Some(newest) = applied.iter().map(|a| a.version).max() {
        let done: std::collections::HashSet<u64> = applied.iter().map(|a| a.version).collect();
        for s in sources
            .iter()
            .filter(|s| s.version < newest && !done.contains(&s.version))
        {
            out.push(Integrity {
                version: s.version,
                name: s.name.clone(),
                kind: IntegrityKind::OutOfOrder { newest },
            });
        }
    }
    out.sort_by_key(|i| i.version);
    out
}
