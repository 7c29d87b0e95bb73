//! Opening, verifying and writing a migration directory.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use super::checksum::file_checksum;
use super::content;
use super::manifest::{MANIFEST_FILE, Manifest, ParseError, Parsed, chain};
use super::{
    Migration, MigrationError, Problem, ProblemKind, SNAPSHOT_FILE, Version, check_name, file_name,
    parse_file_name,
};
use crate::config::Dialect;
use crate::schema::{Schema, load_str, print};

/// The state of `migrate.sum` when the directory was opened.
#[derive(Debug, Clone)]
enum ManifestState {
    Absent,
    /// Present but unreadable as a manifest: the problem says why.
    Unusable(Problem),
    Parsed(Parsed),
}

/// A migration directory: its migrations in version order, its manifest and its snapshot.
///
/// Opening never fails because of what the files hold; [`verify`](MigrationDir::verify) reports
/// that. Writing ([`add`](MigrationDir::add), [`write_snapshot`](MigrationDir::write_snapshot))
/// refuses to run on a directory with problems, so it never records an edit as if it were the
/// original. Every file is written to a temporary file first and renamed into place, and the
/// manifest last: a failure leaves the directory as it was.
#[derive(Debug, Clone)]
pub struct MigrationDir {
    path: PathBuf,
    /// Well-named, readable migration files, sorted by version then name.
    migrations: Vec<Migration>,
    /// Files that are not usable migrations: bad names, unreadable, duplicate versions.
    scan_problems: Vec<Problem>,
    manifest: ManifestState,
    /// The snapshot file's bytes, when it exists.
    snapshot: Option<Vec<u8>>,
    /// The snapshot about to be written was not checked against the migrations.
    stale_snapshot: bool,
    /// `lint_baseline`: the newest version applied everywhere. The content problems of the
    /// migrations up to it are warnings (see [`MigrationDir::with_baseline`]).
    baseline: Option<Version>,
}

impl MigrationDir {
    /// Opens a migration directory.
    pub fn open(path: impl AsRef<Path>) -> Result<MigrationDir, MigrationError> {
        let path = path.as_ref().to_path_buf();
        if !path.is_dir() {
            return Err(MigrationError::NotFound { path });
        }
        let mut dir = MigrationDir {
            path: path.clone(),
            migrations: Vec::new(),
            scan_problems: Vec::new(),
            manifest: ManifestState::Absent,
            snapshot: None,
            stale_snapshot: false,
            baseline: None,
        };
        dir.scan(&path)?;
        dir.sort_and_check_versions();
        dir.manifest = read_manifest(&dir.manifest_path())?;
        dir.snapshot = read_optional(&dir.snapshot_path())?;
        Ok(dir)
    }

    /// The same directory, whose migrations up to `baseline` (`lint_baseline` in migrate.toml:
    /// the newest version applied everywhere) are released: what their text holds that the runner
    /// would refuse today (a directive the strict parser refuses, transaction control, `COPY …
    /// FROM STDIN`) is reported by [`MigrationDir::released_problems`] as a warning, not by
    /// [`MigrationDir::verify`] as an error. Such a file was applied as it is and can no longer be
    /// edited (its checksum is recorded), so refusing it would leave no way forward; the runner
    /// still refuses to run it on a database that has not applied it.
    pub fn with_baseline(mut self, baseline: Option<Version>) -> MigrationDir {
        self.baseline = baseline;
        self
    }

    /// Whether a migration is at or before the baseline.
    pub fn is_released(&self, m: &Migration) -> bool {
        self.baseline.is_some_and(|b| m.version <= b)
    }

    /// The content problems of the released migrations (see [`MigrationDir::with_baseline`]):
    /// NUL bytes and directive errors, and with a dialect the statements the runner refuses.
    /// Warnings.
    pub fn released_problems(&self, dialect: Option<Dialect>) -> Vec<Problem> {
        let mut out = Vec::new();
        for m in self.migrations.iter().filter(|m| self.is_released(m)) {
            let statements = dialect
                .map(|d| content::check_statements(&m.content, m.no_transaction(), d))
                .unwrap_or_default();
            out.extend(
                m.problems
                    .iter()
                    .cloned()
                    .chain(statements)
                    .map(|c| Problem::new(m.path.clone(), ProblemKind::Content(c))),
            );
        }
        out
    }

    /// Creates the directory (and its parents) with an empty manifest if it has none, and opens it.
    pub fn create(path: impl AsRef<Path>) -> Result<MigrationDir, MigrationError> {
        let path = path.as_ref();
        fs::create_dir_all(path).map_err(|e| MigrationError::write(path, e))?;
        let manifest = path.join(MANIFEST_FILE);
        if !manifest.exists() {
            write_atomic(&manifest, Manifest::default().render().as_bytes())?;
        }
        MigrationDir::open(path)
    }

    /// Reads the `.sql` files of one directory.
    fn scan(&mut self, dir: &Path) -> Result<(), MigrationError> {
        let entries = fs::read_dir(dir).map_err(|e| MigrationError::read(dir, e))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| MigrationError::read(dir, e))?;
            files.push(entry.path());
        }
        files.sort();
        // The canonical names of the migrations read so far (`<version>_<name>.sql`).
        let mut seen: HashMap<String, usize> = HashMap::new();
        for path in files {
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            // Hidden files (editors' swap files, interrupted writes) and other kinds of file are
            // not migrations.
            if file.starts_with('.')
                || !path.is_file()
                || file == MANIFEST_FILE
                || file == SNAPSHOT_FILE
            {
                continue;
            }
            if !file.ends_with(".sql") {
                // A file that was meant to be a migration would never run: say so.
                if let Some(reason) = near_miss(&file) {
                    self.scan_problems
                        .push(Problem::new(path, ProblemKind::BadFileName { reason }));
                }
                continue;
            }
            match parse_file_name(&file) {
                Err(reason) => {
                    self.scan_problems.push(Problem::new(
                        path,
                        ProblemKind::BadFileName {
                            reason: reason.to_string(),
                        },
                    ));
                    continue;
                }
                Ok((version, _)) => {
                    if let Some(reason) = version.date_problem() {
                        self.scan_problems
                            .push(Problem::new(path, ProblemKind::BadVersion { reason }));
                        continue;
                    }
                }
            }
            if let Some(&first) = seen.get(&file) {
                let other = self.migrations[first].path.clone();
                self.scan_problems
                    .push(Problem::new(path, ProblemKind::DuplicateVersion { other }));
                continue;
            }
            let bytes = match fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    let reason = e.to_string();
                    self.scan_problems
                        .push(Problem::new(path, ProblemKind::Unreadable { reason }));
                    continue;
                }
            };
            match Migration::from_file(path.clone(), &bytes) {
                Ok(m) => {
                    seen.insert(m.file_name(), self.migrations.len());
                    self.migrations.push(m);
                }
                Err(e) => {
                    let reason = match e {
                        MigrationError::NotUtf8 { reason, .. } => {
                            format!("not valid UTF-8 ({reason})")
                        }
                        other => other.to_string(),
                    };
                    self.scan_problems
                        .push(Problem::new(path, ProblemKind::Unreadable { reason }));
                }
            }
        }
        Ok(())
    }

    fn sort_and_check_versions(&mut self) {
        self.migrations
            .sort_by(|a, b| (a.version, &a.name).cmp(&(b.version, &b.name)));
    }

    /// Migrations that share a version with another; of two, the one the manifest does not list
    /// (or the later name) is the duplicate.
    fn duplicate_versions(&self) -> Vec<Problem> {
        let listed = |m: &Migration| match &self.manifest {
            ManifestState::Parsed(p) => p.manifest.entries.iter().any(|e| e.name == m.file_name()),
            _ => false,
        };
        let mut out = Vec::new();
        for pair in self.migrations.windows(2) {
            if pair[0].version == pair[1].version {
                let (keep, dup) = if listed(&pair[1]) && !listed(&pair[0]) {
                    (&pair[1], &pair[0])
                } else {
                    (&pair[0], &pair[1])
                };
                let other = keep.path.clone();
                out.push(Problem::new(
                    dup.path.clone(),
                    ProblemKind::DuplicateVersion { other },
                ));
            }
        }
        out
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `migrate.sum`.
    pub fn manifest_path(&self) -> PathBuf {
        self.path.join(MANIFEST_FILE)
    }

    /// `schema.snapshot.toml`.
    pub fn snapshot_path(&self) -> PathBuf {
        self.path.join(SNAPSHOT_FILE)
    }

    /// The migrations, in version order.
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// The migration with this version.
    pub fn get(&self, version: Version) -> Option<&Migration> {
        let i = self.migrations.partition_point(|m| m.version < version);
        self.migrations.get(i).filter(|m| m.version == version)
    }

    /// The latest version in the directory.
    pub fn last_version(&self) -> Option<Version> {
        self.migrations.last().map(|m| m.version)
    }

    /// Everything wrong with the directory, each naming its file. Empty when all is well.
    ///
    /// Finds files edited after they were recorded, listed out of version order, listed but
    /// missing, present but unlisted; a manifest that is missing, corrupt, in conflict or edited by
    /// hand; `.sql` files with bad names, unreadable files, and duplicate versions. The snapshot is
    /// checked like a migration.
    pub fn verify(&self) -> Vec<Problem> {
        let mut problems = self.scan_problems.clone();
        for m in self.migrations.iter().filter(|m| !self.is_released(m)) {
            problems.extend(
                m.problems
                    .iter()
                    .map(|c| Problem::new(m.path.clone(), ProblemKind::Content(c.clone()))),
            );
        }
        problems.extend(self.duplicate_versions());
        let parsed = match &self.manifest {
            ManifestState::Absent => {
                if !self.migrations.is_empty() || self.snapshot.is_some() {
                    problems.push(Problem::new(
                        self.manifest_path(),
                        ProblemKind::ManifestMissing,
                    ));
                }
                return problems;
            }
            ManifestState::Unusable(p) => {
                problems.push(p.clone());
                return problems;
            }
            ManifestState::Parsed(p) => p,
        };
        if !parsed.header_ok {
            problems.push(Problem::new(
                self.manifest_path(),
                ProblemKind::ManifestTampered,
            ));
        }
        let entries = &parsed.manifest.entries;
        // Every file looked up by name once: a directory of thousands of migrations is verified
        // in time linear in its size.
        let by_name: HashMap<String, &Migration> =
            self.migrations.iter().map(|m| (m.file_name(), m)).collect();
        let listed_names: HashSet<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        let locate = |file: &str| {
            by_name
                .get(file)
                .map_or_else(|| self.path.join(file), |m| m.path.clone())
        };
        // The migrations the manifest does not list, in order (usually none).
        let unlisted: Vec<&Migration> = self
            .migrations
            .iter()
            .filter(|m| !listed_names.contains(m.file_name().as_str()))
            .collect();

        // Order: each listed migration must come after every one listed before it. Lines out of
        // place are not checked against their neighbours' sums, which moving them changed.
        let listed: Vec<(usize, Version)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| parse_file_name(&e.name).ok().map(|(v, _)| (i, v)))
            .collect();
        let mut in_order: Vec<(usize, Version)> = listed.clone();
        in_order.sort_by(|&(i, v), &(j, w)| (v, &entries[i].name).cmp(&(w, &entries[j].name)));
        let mut out_of_place = vec![false; entries.len()];
        for (a, b) in listed.iter().zip(&in_order) {
            if a.0 != b.0 {
                out_of_place[a.0] = true;
            }
        }
        let mut latest: Option<(Version, &str)> = None;
        for &(i, v) in &listed {
            match latest {
                Some((lv, lname)) if v < lv => problems.push(Problem::new(
                    locate(&entries[i].name),
                    ProblemKind::Reordered {
                        after: lname.to_string(),
                    },
                )),
                _ => latest = Some((v, &entries[i].name)),
            }
        }

        // Each line against its file, chained from the line above as written, or (when that line
        // was changed by hand) from what the line above should say: a file is edited when
        // neither gives its line's sum.
        let unreadable: HashSet<String> =
            self.scan_problems.iter().map(Problem::file_name).collect();
        let mut fresh_prev = String::new();
        for (i, e) in entries.iter().enumerate() {
            let prev = if i == 0 {
                ""
            } else {
                entries[i - 1].chained.as_str()
            };
            let (path, sum) = if e.name == SNAPSHOT_FILE {
                (
                    self.snapshot_path(),
                    self.snapshot.as_deref().map(file_checksum),
                )
            } else {
                let m = by_name.get(e.name.as_str());
                (locate(&e.name), m.map(|m| m.checksum.clone()))
            };
            let Some(sum) = sum else {
                if !unreadable.contains(&e.name) {
                    problems.push(Problem::new(path, ProblemKind::Missing));
                }
                fresh_prev.clone_from(&e.chained);
                continue;
            };
            let fresh = chain(&fresh_prev, &e.name, &sum);
            // A line deleted above this one: its file is unlisted, and this line was chained
            // through it.
            let before = (i > 0).then(|| entries[i - 1].name.as_str());
            let through = unlisted_between(&unlisted, before, &e.name)
                .iter()
                .fold(prev.to_string(), |p, m| {
                    chain(&p, &m.file_name(), &m.checksum)
                });
            let skip = out_of_place[i] || (i > 0 && out_of_place[i - 1]);
            if !skip
                && chain(prev, &e.name, &sum) != e.chained
                && fresh != e.chained
                && chain(&through, &e.name, &sum) != e.chained
            {
                problems.push(Problem::new(path, ProblemKind::Edited));
            }
            fresh_prev = fresh;
        }

        for m in &unlisted {
            problems.push(Problem::new(m.path.clone(), ProblemKind::Unlisted));
        }
        if self.snapshot.is_some() && !listed_names.contains(SNAPSHOT_FILE) {
            problems.push(Problem::new(self.snapshot_path(), ProblemKind::Unlisted));
        }
        problems
    }

    /// The statements the runner would refuse in each migration on `dialect`: transaction control
    /// where the file runs in one transaction, `COPY … FROM STDIN`. For `migrate check` and
    /// `embed_migrations!`, which see every file ahead of a deploy; the runner checks the files it
    /// is about to run itself.
    pub fn verify_statements(&self, dialect: Dialect) -> Vec<Problem> {
        let mut out = Vec::new();
        for m in self.migrations.iter().filter(|m| !self.is_released(m)) {
            let found = content::check_statements(&m.content, m.no_transaction(), dialect);
            out.extend(
                found
                    .into_iter()
                    .map(|c| Problem::new(m.path.clone(), ProblemKind::Content(c))),
            );
        }
        out
    }

    /// The manifest of the files as they are now.
    fn manifest_of(migrations: &[Migration], snapshot: Option<&[u8]>) -> Manifest {
        let mut files: Vec<(String, String)> = migrations
            .iter()
            .map(|m| (m.file_name(), m.checksum.clone()))
            .collect();
        if let Some(bytes) = snapshot {
            files.push((SNAPSHOT_FILE.to_string(), file_checksum(bytes)));
        }
        Manifest::from_files(files.iter().map(|(n, s)| (n.as_str(), s.as_str())))
    }

    /// Fails with every problem, except those about the snapshot when it is being rewritten.
    fn require_clean(&self, rewriting_snapshot: bool) -> Result<(), MigrationError> {
        let snapshot = self.snapshot_path();
        let problems: Vec<Problem> = self
            .verify()
            .into_iter()
            .filter(|p| {
                !(rewriting_snapshot
                    && p.path == snapshot
                    && matches!(
                        p.kind,
                        ProblemKind::Edited | ProblemKind::Missing | ProblemKind::Unlisted
                    ))
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(MigrationError::Unverified {
                dir: self.path.clone(),
                problems,
            })
        }
    }

    /// Writes the next migration, `<version>_<name>.sql`, and records it in the manifest.
    ///
    /// The version is the current UTC second, or one second after the last migration's when that
    /// is not later. Refuses to write anything if [`verify`](MigrationDir::verify) finds a problem.
    pub fn add(&mut self, name: &str, content: &str) -> Result<PathBuf, MigrationError> {
        self.add_at(name, content, Version::now())
    }

    /// [`add`](MigrationDir::add), as if the current time were `now`.
    pub fn add_at(
        &mut self,
        name: &str,
        content: &str,
        now: Version,
    ) -> Result<PathBuf, MigrationError> {
        self.write_migration(name, content, now, None)
    }

    /// Adds a migration and replaces the snapshot with `schema`, recording both in one manifest
    /// write (what `migrate generate` does).
    pub fn add_with_snapshot(
        &mut self,
        name: &str,
        content: &str,
        schema: &Schema,
    ) -> Result<PathBuf, MigrationError> {
        self.add_with_snapshot_at(name, content, schema, Version::now())
    }

    /// [`add_with_snapshot`](MigrationDir::add_with_snapshot), as if the current time were `now`.
    pub fn add_with_snapshot_at(
        &mut self,
        name: &str,
        content: &str,
        schema: &Schema,
        now: Version,
    ) -> Result<PathBuf, MigrationError> {
        self.write_migration(name, content, now, Some(schema))
    }

    /// Writes several new migrations, in order, and records them (and the snapshot, when given)
    /// in the manifest in one step. On any failure every file written here is removed and the
    /// snapshot restored: the directory is as it was.
    pub fn add_all_with_snapshot_at(
        &mut self,
        files: &[(&str, &str)],
        schema: &Schema,
        now: Version,
    ) -> Result<Vec<PathBuf>, MigrationError> {
        self.write_migrations(files, now, Some(schema))
    }

    /// [`add_all_with_snapshot_at`](MigrationDir::add_all_with_snapshot_at), with a snapshot
    /// that does not claim to record the migrations (it was not checked against them: see
    /// [`snapshot_is_current`](MigrationDir::snapshot_is_current)).
    pub fn add_all_with_stale_snapshot_at(
        &mut self,
        files: &[(&str, &str)],
        schema: &Schema,
        now: Version,
    ) -> Result<Vec<PathBuf>, MigrationError> {
        self.stale_snapshot = true;
        let written = self.write_migrations(files, now, Some(schema));
        self.stale_snapshot = false;
        written
    }

    /// Writes several new migrations, in order, and records them in the manifest in one step,
    /// leaving the snapshot as it is (what `migrate diff` does).
    pub fn add_all(&mut self, files: &[(&str, &str)]) -> Result<Vec<PathBuf>, MigrationError> {
        self.write_migrations(files, Version::now(), None)
    }

    fn write_migration(
        &mut self,
        name: &str,
        content: &str,
        now: Version,
        schema: Option<&Schema>,
    ) -> Result<PathBuf, MigrationError> {
        let mut paths = self.write_migrations(&[(name, content)], now, schema)?;
        Ok(paths.remove(0))
    }

    fn write_migrations(
        &mut self,
        files: &[(&str, &str)],
        now: Version,
        schema: Option<&Schema>,
    ) -> Result<Vec<PathBuf>, MigrationError> {
        for (name, _) in files {
            check_name(name)?;
        }
        self.require_clean(schema.is_some())?;
        let mut migrations = self.migrations.clone();
        let mut paths = Vec::new();
        let mut last = self.last_version();
        for (name, content) in files {
            let version = Version::next(last, now);
            // Past 9999-12-31 23:59:59 no version is a date.
            if version.date_problem().is_some() || last.is_some_and(|l| version <= l) {
                return Err(MigrationError::VersionsExhausted {
                    last: last.unwrap_or(version),
                });
            }
            let path = self.path.join(file_name(version, name));
            migrations.push(Migration::from_file(path.clone(), content.as_bytes())?);
            paths.push((path, *content));
            last = Some(version);
        }

        let new_snapshot = schema.map(|s| {
            if self.stale_snapshot {
                snapshot_bytes(&[], s)
            } else {
                snapshot_bytes(&migrations, s)
            }
        });
        let snapshot = new_snapshot.as_deref().or(self.snapshot.as_deref());
        let manifest = MigrationDir::manifest_of(&migrations, snapshot);

        let remove_written = |written: &[PathBuf]| {
            for p in written {
                let _ = fs::remove_file(p);
            }
        };
        let mut written = Vec::new();
        for (path, content) in &paths {
            if let Err(e) = write_new(path, content.as_bytes()) {
                remove_written(&written);
                return Err(e);
            }
            written.push(path.clone());
        }
        if let Some(bytes) = &new_snapshot
            && let Err(e) = write_atomic(&self.snapshot_path(), bytes)
        {
            remove_written(&written);
            return Err(e);
        }
        if let Err(e) = write_atomic(&self.manifest_path(), manifest.render().as_bytes()) {
            remove_written(&written);
            if new_snapshot.is_some() {
                self.restore_snapshot();
            }
            return Err(e);
        }

        self.migrations = migrations;
        if let Some(bytes) = new_snapshot {
            self.snapshot = Some(bytes);
        }
        self.set_manifest(manifest);
        Ok(written)
    }

    /// Puts the snapshot file back as it was when the directory was read (best effort).
    fn restore_snapshot(&self) {
        let _ = match &self.snapshot {
            Some(bytes) => write_atomic(&self.snapshot_path(), bytes),
            None => fs::remove_file(self.snapshot_path())
                .map_err(|e| MigrationError::write(&self.snapshot_path(), e)),
        };
    }

    fn set_manifest(&mut self, manifest: Manifest) {
        self.manifest = ManifestState::Parsed(Parsed {
            header: manifest.header(),
            header_ok: true,
            manifest,
        });
    }

    /// Re-records the manifest from the files as they are (`migrate hash`), and returns the
    /// problems this resolved.
    ///
    /// This accepts every edit, so it is for migrations that were never applied anywhere. Files
    /// that cannot be ordered (bad names, duplicate versions) or read must be fixed first.
    pub fn rehash(&mut self) -> Result<Vec<Problem>, MigrationError> {
        let mut blocking = self.scan_problems.clone();
        blocking.extend(self.duplicate_versions());
        if !blocking.is_empty() {
            return Err(MigrationError::Unverified {
                dir: self.path.clone(),
                problems: blocking,
            });
        }
        // What re-recording resolves: not what a file's text holds.
        let before: Vec<Problem> = self
            .verify()
            .into_iter()
            .filter(|p| !matches!(p.kind, ProblemKind::Content(_)))
            .collect();
        let manifest = MigrationDir::manifest_of(&self.migrations, self.snapshot.as_deref());
        write_atomic(&self.manifest_path(), manifest.render().as_bytes())?;
        self.set_manifest(manifest);
        Ok(before)
    }

    /// The chained sum of the migration files as they are now (the manifest's line of the last
    /// migration, `h1:` omitted); empty when there is none. It changes whenever a migration is
    /// added, edited, removed or reordered, so it keys what the directory produces.
    pub fn migrations_sum(&self) -> String {
        migrations_sum(&self.migrations)
    }

    /// The migrations' chained sum the snapshot was written for (its first line,
    /// `# migrations: h1:<sum>`), when it records one.
    pub fn snapshot_sum(&self) -> Option<String> {
        let bytes = self.snapshot.as_deref()?;
        let first = bytes.split(|&b| b == b'\n').next()?;
        let first = std::str::from_utf8(first).ok()?.trim_end_matches('\r');
        let sum = first
            .strip_prefix(SNAPSHOT_HEADER)?
            .split_whitespace()
            .next()?;
        Some(sum.to_string())
    }

    /// Whether the snapshot is the schema of the migrations as they are now: it records their
    /// chained sum, or there are no migrations and no snapshot. When it is not (a migration was
    /// written by hand, edited, or removed since), the directory must be replayed to know what
    /// it produces.
    pub fn snapshot_is_current(&self) -> bool {
        if self.migrations.is_empty() && self.snapshot.is_none() {
            return true;
        }
        self.snapshot_sum().as_deref() == Some(self.migrations_sum().as_str())
    }

    /// The schema as of the last migration; an empty schema when there is no snapshot yet.
    pub fn snapshot(&self) -> Result<Schema, MigrationError> {
        let Some(bytes) = &self.snapshot else {
            return Ok(Schema::default());
        };
        let path = self.snapshot_path();
        let text = std::str::from_utf8(bytes).map_err(|e| MigrationError::NotUtf8 {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        load_str(&path, text).map_err(|diagnostics| MigrationError::Snapshot { path, diagnostics })
    }

    /// Replaces the snapshot with `schema` and records it in the manifest.
    ///
    /// Refuses if the directory has problems other than with the snapshot itself.
    pub fn write_snapshot(&mut self, schema: &Schema) -> Result<(), MigrationError> {
        self.require_clean(true)?;
        let bytes = snapshot_bytes(&self.migrations, schema);
        let manifest = MigrationDir::manifest_of(&self.migrations, Some(&bytes));
        write_atomic(&self.snapshot_path(), &bytes)?;
        if let Err(e) = write_atomic(&self.manifest_path(), manifest.render().as_bytes()) {
            self.restore_snapshot();
            return Err(e);
        }
        self.snapshot = Some(bytes);
        self.set_manifest(manifest);
        Ok(())
    }
}

/// The first line of a snapshot, before the chained sum of the migrations it was written for.
const SNAPSHOT_HEADER: &str = "# migrations: h1:";

/// The chained sum of these migrations, in order (see [`MigrationDir::migrations_sum`]).
fn migrations_sum(migrations: &[Migration]) -> String {
    let names: Vec<String> = migrations.iter().map(Migration::file_name).collect();
    Manifest::from_files(
        names
            .iter()
            .zip(migrations)
            .map(|(n, m)| (n.as_str(), m.checksum.as_str())),
    )
    .entries
    .pop()
    .map(|e| e.chained)
    .unwrap_or_default()
}

/// A snapshot file: a header naming the migrations it is the schema of, then the schema.
fn snapshot_bytes(migrations: &[Migration], schema: &Schema) -> Vec<u8> {
    format!(
        "{SNAPSHOT_HEADER}{}\n# The schema the migrations above produce, written by `migrate generate`: do not edit.\n# When the sum differs from the migrations' (one was written by hand, edited or removed),\n# `migrate generate` replays the directory on a scratch database instead of trusting this file.\n{}",
        migrations_sum(migrations),
        print::to_toml(schema)
    )
    .into_bytes()
}

/// Why a file that does not end in `.sql` looks like a migration that would never run (a wrong
/// extension or case, or a name starting with a digit), or `None` for other files (`README.md`).
/// Of the unlisted migrations (in order), those whose place is between the listed files `after`
/// (`None`: the start) and `before` (the snapshot: the end). Two binary searches.
fn unlisted_between<'a>(
    unlisted: &'a [&'a Migration],
    after: Option<&str>,
    before: &str,
) -> &'a [&'a Migration] {
    if unlisted.is_empty() {
        return &[];
    }
    fn key(m: &Migration) -> (Version, &str) {
        (m.version, m.name.as_str())
    }
    let low = match after.map(parse_file_name) {
        Some(Ok(l)) => unlisted.partition_point(|m| key(m) <= l),
        _ => 0,
    };
    let high = match parse_file_name(before) {
        Ok(h) => unlisted.partition_point(|m| key(m) < h),
        Err(_) => unlisted.len(),
    };
    unlisted.get(low..high.max(low)).unwrap_or(&[])
}

fn near_miss(file: &str) -> Option<String> {
    let lower = file.to_ascii_lowercase();
    if !lower.contains(".sql") && !file.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let why = if lower.ends_with(".sql") {
        "its extension must be `.sql`, in lower case"
    } else if lower.contains(".sql") {
        "only files ending in `.sql` are migrations"
    } else {
        "it does not end in `.sql`"
    };
    let stem = file.split('.').next().unwrap_or(file);
    let suggestion = format!("{stem}.sql");
    Some(match parse_file_name(&suggestion) {
        Ok(_) => format!("{why}, so it would never run; did you mean `{suggestion}`?"),
        Err(_) => format!("{why}, so it would never run"),
    })
}

/// Reads `migrate.sum`, if it exists.
fn read_manifest(path: &Path) -> Result<ManifestState, MigrationError> {
    let Some(bytes) = read_optional(path)? else {
        return Ok(ManifestState::Absent);
    };
    let corrupt = |line: usize, reason: String| {
        ManifestState::Unusable(Problem::new(
            path.to_path_buf(),
            ProblemKind::ManifestCorrupt { line, reason },
        ))
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(corrupt(1, "it is not valid UTF-8".into()));
    };
    let parsed = match Manifest::parse(&text) {
        Ok(p) => p,
        Err(ParseError::Conflict { line }) => {
            return Ok(ManifestState::Unusable(Problem::new(
                path.to_path_buf(),
                ProblemKind::ManifestConflict { line },
            )));
        }
        Err(ParseError::Syntax { line, reason }) => return Ok(corrupt(line, reason)),
    };
    // Every line names a migration file, or the snapshot as the last line.
    let n = parsed.manifest.entries.len();
    for (i, e) in parsed.manifest.entries.iter().enumerate() {
        // The header is line 1; blank lines are not counted here, which only matters for the
        // line number of a hand-edited file.
        let line = i + 2;
        if e.name == SNAPSHOT_FILE {
            if i + 1 != n {
                return Ok(corrupt(
                    line,
                    format!("`{SNAPSHOT_FILE}` must be the last line"),
                ));
            }
        } else if let Err(reason) = parse_file_name(&e.name) {
            return Ok(corrupt(
                line,
                format!("`{}` is not a migration file: {reason}", e.name),
            ));
        }
    }
    Ok(ManifestState::Parsed(parsed))
}

/// A file's bytes, or `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, MigrationError> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(MigrationError::read(path, e)),
    }
}

/// The temporary file a write goes through: hidden, next to the target.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

fn write_temp(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let tmp = temp_path(path);
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    match written {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Makes a rename durable (best effort: not every platform can sync a directory).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent()
        && let Ok(d) = fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
}

/// Replaces `path` with `bytes` atomically: a temporary file, renamed over it.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), MigrationError> {
    let tmp = write_temp(path, bytes).map_err(|e| MigrationError::write(path, e))?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(MigrationError::write(path, e));
    }
    sync_dir(path);
    Ok(())
}

/// Writes a new file atomically, refusing to replace one that exists.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), MigrationError> {
    let tmp = write_temp(path, bytes).map_err(|e| MigrationError::write(path, e))?;
    // A hard link fails if the target exists; where links are unsupported, check and rename.
    let placed = match fs::hard_link(&tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if path.exists() => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the file already exists",
        )),
        Err(_) => fs::rename(&tmp, path),
    };
    let _ = fs::remove_file(&tmp);
    placed.map_err(|e| MigrationError::write(path, e))?;
    sync_dir(path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Explain, plain};
    use crate::migration::is_valid_name;
    use crate::schema::model::{Column, ColumnType, PrimaryKey, Table};

    fn v(s: &str) -> Version {
        Version::parse(s).expect("valid version")
    }

    const NOW: &str = "20240601120000";

    /// A directory with three migrations added in the same second.
    fn setup() -> (tempfile::TempDir, MigrationDir) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut dir = MigrationDir::create(tmp.path().join("migrations")).expect("create");
        for (name, sql) in [
            ("create_pets", "CREATE TABLE pets (id uuid PRIMARY KEY);\n"),
            ("create_cats", "CREATE TABLE cats (id uuid PRIMARY KEY);\n"),
            (
                "add_index",
                "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY pets_x ON pets (id);\n",
            ),
        ] {
            dir.add_at(name, sql, v(NOW)).expect("add");
        }
        (tmp, dir)
    }

    fn reopen(dir: &MigrationDir) -> MigrationDir {
        MigrationDir::open(dir.path()).expect("open")
    }

    /// The problems of a freshly opened directory, as `(code, file name)`.
    fn problems(dir: &MigrationDir) -> Vec<(&'static str, String)> {
        reopen(dir)
            .verify()
            .iter()
            .map(|p| (p.code(), p.file_name()))
            .collect()
    }

    fn file(dir: &MigrationDir, i: usize) -> PathBuf {
        dir.migrations()[i].path.clone()
    }

    fn name(dir: &MigrationDir, i: usize) -> String {
        dir.migrations()[i].file_name()
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).expect("read")
    }

    fn write(path: &Path, text: &str) {
        fs::write(path, text).expect("write");
    }

    fn pets_schema() -> Schema {
        Schema {
            tables: vec![Table {
                name: "pets".into(),
                model: "Pet".into(),
                comment: Some("Pets, \"quoted\".".into()),
                columns: vec![Column {
                    name: "id".into(),
                    ty: ColumnType::Uuid,
                    nullable: false,
                    default: None,
                    identity: None,
                    comment: None,
                    renamed_from: None,
                    type_changed_from: None,
                    backfill: None,
                    strategy: None,
                    generated: None,
                    collation: None,
                    identity_options: Default::default(),
                }],
                primary_key: Some(PrimaryKey {
                    name: "pets_pkey".into(),
                    columns: vec!["id".into()],
                }),
                foreign_keys: vec![],
                indexes: vec![],
                checks: vec![],
                drop_columns: vec![],
                renamed_from: None,
                strategy: None,
                unlogged: false,
                partitioning: None,
            }],
            ..Schema::default()
        }
    }

    #[test]
    fn add_writes_increasing_versions_and_a_clean_manifest() {
        let (_tmp, dir) = setup();
        let names: Vec<String> = dir.migrations().iter().map(Migration::file_name).collect();
        assert_eq!(
            names,
            [
                "20240601120000_create_pets.sql",
                "20240601120001_create_cats.sql",
                "20240601120002_add_index.sql"
            ]
        );
        assert!(dir.verify().is_empty(), "{:?}", dir.verify());
        let fresh = reopen(&dir);
        assert!(fresh.verify().is_empty(), "{:?}", fresh.verify());
        assert_eq!(fresh.migrations(), dir.migrations());
        assert!(fresh.migrations()[2].no_transaction());
        assert_eq!(fresh.last_version(), Some(v("20240601120002")));
        assert_eq!(
            fresh.get(v("20240601120001")).map(|m| m.name.as_str()),
            Some("create_cats")
        );

        // The manifest: a header and one chained line per migration, in order.
        let text = read(&dir.manifest_path());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(
            lines[0].starts_with("h1:") && lines[0].len() == 67,
            "{text}"
        );
        for (line, m) in lines[1..].iter().zip(dir.migrations()) {
            assert!(
                line.starts_with(&format!("{} h1:", m.file_name())),
                "{text}"
            );
        }
        let mut prev = String::new();
        for (line, m) in lines[1..].iter().zip(dir.migrations()) {
            let expected = chain(&prev, &m.file_name(), &m.checksum);
            assert!(line.ends_with(&expected));
            prev = expected;
        }

        // A later clock is used as is; an earlier one continues after the last version.
        let mut dir = fresh;
        let p = dir.add_at("later", "", v("20250101000000")).expect("add");
        assert!(p.ends_with("20250101000000_later.sql"));
        let p = dir.add_at("earlier", "", v("20240101000000")).expect("add");
        assert!(p.ends_with("20250101000001_earlier.sql"));
        // The real clock.
        let p = dir.add("now", "SELECT 1;\n").expect("add");
        assert!(
            dir.last_version() > Some(v("20250101000001")),
            "{}",
            p.display()
        );
        assert!(problems(&dir).is_empty());
    }

    #[test]
    fn manifest_is_stable_byte_for_byte() {
        let (_tmp, mut dir) = setup();
        dir.write_snapshot(&pets_schema()).expect("snapshot");
        let manifest = read(&dir.manifest_path());
        let snapshot = read(&dir.snapshot_path());
        assert!(dir.rehash().expect("rehash").is_empty());
        assert_eq!(read(&dir.manifest_path()), manifest);
        let mut fresh = reopen(&dir);
        fresh.rehash().expect("rehash");
        assert_eq!(read(&dir.manifest_path()), manifest);
        fresh.write_snapshot(&pets_schema()).expect("snapshot");
        assert_eq!(read(&dir.snapshot_path()), snapshot);
        assert_eq!(read(&dir.manifest_path()), manifest);

        // The same files written in another directory give the same bytes.
        let (_tmp2, mut other) = setup();
        other.write_snapshot(&pets_schema()).expect("snapshot");
        assert_eq!(read(&other.manifest_path()), manifest);
    }

    #[test]
    fn empty_and_new_directories() {
        let tmp = tempfile::tempdir().expect("tempdir");
        // No manifest and no migrations: nothing to complain about.
        let dir = MigrationDir::open(tmp.path()).expect("open");
        assert!(dir.verify().is_empty());
        assert!(dir.migrations().is_empty());
        assert_eq!(dir.snapshot().expect("snapshot"), Schema::default());
        // `create` writes an empty manifest, and is idempotent.
        let created = MigrationDir::create(tmp.path().join("a/b")).expect("create");
        let text = read(&created.manifest_path());
        assert_eq!(
            text,
            "h1:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        );
        MigrationDir::create(tmp.path().join("a/b")).expect("create again");
        assert_eq!(read(&created.manifest_path()), text);
        // A missing directory is an error that says what to do.
        let err = MigrationDir::open(tmp.path().join("nope")).expect_err("missing");
        assert!(plain(&err).contains("migrate init"), "{err}");
    }

    #[test]
    fn detects_an_edited_migration_but_not_line_endings_or_a_bom() {
        let (_tmp, dir) = setup();
        let path = file(&dir, 1);
        let original = read(&path);

        write(&path, &original.replace('\n', "\r\n"));
        assert!(problems(&dir).is_empty(), "CRLF is not an edit");
        write(&path, &format!("\u{feff}{original}"));
        assert!(problems(&dir).is_empty(), "a BOM is not an edit");
        assert!(!reopen(&dir).migrations()[1].content.starts_with('\u{feff}'));

        write(&path, &original.replace("cats", "dogs"));
        assert_eq!(problems(&dir), [("edited", name(&dir, 1))]);
        let p = &reopen(&dir).verify()[0];
        let text = plain(p);
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(
            text.contains("a fix is a new migration, never an edit"),
            "{text}"
        );
        assert!(text.contains("migrate hash"), "{text}");

        // Writing refuses until it is fixed, and says why.
        let mut fresh = reopen(&dir);
        let err = fresh.add_at("more", "", v(NOW)).expect_err("refused");
        assert!(matches!(&err, MigrationError::Unverified { problems, .. } if problems.len() == 1));
        assert!(err.to_string().contains(&name(&dir, 1)), "{err}");
        assert_eq!(
            fs::read_dir(dir.path()).expect("ls").count(),
            4,
            "nothing was written"
        );

        // `migrate hash` accepts the edit.
        let resolved = fresh.rehash().expect("rehash");
        assert_eq!(resolved.len(), 1);
        assert!(problems(&dir).is_empty());
    }

    #[test]
    fn detects_missing_and_unlisted_files() {
        let (_tmp, dir) = setup();
        let first = file(&dir, 0);
        let content = read(&first);
        fs::remove_file(&first).expect("rm");
        assert_eq!(problems(&dir), [("missing", name(&dir, 0))]);
        write(&first, &content);

        let extra = dir.path().join("20240601130000_extra.sql");
        write(&extra, "SELECT 1;\n");
        assert_eq!(
            problems(&dir),
            [("unlisted", "20240601130000_extra.sql".to_string())]
        );
        // A renamed file is both.
        fs::remove_file(&extra).expect("rm");
        let renamed = dir.path().join("20240601120000_create_pet.sql");
        fs::rename(&first, &renamed).expect("mv");
        assert_eq!(
            problems(&dir),
            [
                ("missing", name(&dir, 0)),
                ("unlisted", "20240601120000_create_pet.sql".to_string())
            ]
        );
        // Deleting the middle file does not make the next one look edited.
        fs::rename(&renamed, &first).expect("mv");
        fs::remove_file(file(&dir, 1)).expect("rm");
        assert_eq!(problems(&dir), [("missing", name(&dir, 1))]);
    }

    #[test]
    fn detects_reordered_and_tampered_manifests() {
        let (_tmp, dir) = setup();
        let text = read(&dir.manifest_path());

        // Swapping two lines by hand.
        let mut lines: Vec<&str> = text.lines().collect();
        lines.swap(2, 3);
        write(&dir.manifest_path(), &(lines.join("\n") + "\n"));
        assert_eq!(
            problems(&dir),
            [
                ("manifest-tampered", MANIFEST_FILE.to_string()),
                ("reordered", name(&dir, 1))
            ]
        );

        // Reordered with a consistent header (e.g. written by a tool): still reordered, not edited.
        let parsed = Manifest::parse(&text).expect("parses").manifest;
        let mut entries = parsed.entries.clone();
        entries.swap(0, 2);
        write(&dir.manifest_path(), &Manifest { entries }.render());
        let found = problems(&dir);
        assert_eq!(
            found,
            [("reordered", name(&dir, 1)), ("reordered", name(&dir, 0))],
            "{found:?}"
        );
        let p = plain(&reopen(&dir).verify()[0]);
        assert!(
            p.contains(&format!("listed after `{}`", name(&dir, 2))),
            "{p}"
        );

        // Changing a sum by hand.
        let mut entries = parsed.entries.clone();
        entries[1].chained = entries[0].chained.clone();
        let body: String = entries
            .iter()
            .map(|e| format!("{} h1:{}\n", e.name, e.chained))
            .collect();
        let header = text.lines().next().unwrap_or_default();
        write(&dir.manifest_path(), &format!("{header}\n{body}"));
        assert_eq!(
            problems(&dir),
            [
                ("manifest-tampered", MANIFEST_FILE.to_string()),
                ("edited", name(&dir, 1))
            ]
        );

        // Deleting a line by hand.
        let mut lines: Vec<&str> = text.lines().collect();
        lines.remove(3);
        write(&dir.manifest_path(), &(lines.join("\n") + "\n"));
        assert_eq!(
            problems(&dir),
            [
                ("manifest-tampered", MANIFEST_FILE.to_string()),
                ("unlisted", name(&dir, 2))
            ]
        );

        // `migrate hash` puts it right.
        reopen(&dir).rehash().expect("rehash");
        assert_eq!(read(&dir.manifest_path()), text);
    }

    #[test]
    fn detects_corrupt_missing_and_conflicted_manifests() {
        let (_tmp, dir) = setup();
        let text = read(&dir.manifest_path());
        let corrupt = |dir: &MigrationDir| {
            let p = reopen(dir).verify();
            assert_eq!(p.len(), 1, "{p:?}");
            assert_eq!(p[0].file_name(), MANIFEST_FILE);
            p[0].clone()
        };

        write(&dir.manifest_path(), &text.replacen("h1:", "h1:zz", 1));
        let p = corrupt(&dir);
        assert!(
            matches!(p.kind, ProblemKind::ManifestCorrupt { line: 1, .. }),
            "{p}"
        );

        write(
            &dir.manifest_path(),
            &text.replacen(".sql h1:", ".sql sha1:", 1),
        );
        assert!(matches!(
            corrupt(&dir).kind,
            ProblemKind::ManifestCorrupt { line: 2, .. }
        ));

        write(
            &dir.manifest_path(),
            &format!("{text}README.md h1:{}\n", "0".repeat(64)),
        );
        assert!(matches!(
            corrupt(&dir).kind,
            ProblemKind::ManifestCorrupt { line: 5, .. }
        ));

        write(&dir.manifest_path(), "");
        assert!(matches!(
            corrupt(&dir).kind,
            ProblemKind::ManifestCorrupt { line: 1, .. }
        ));

        fs::write(dir.manifest_path(), b"h1:\xff\n").expect("write");
        assert!(matches!(
            corrupt(&dir).kind,
            ProblemKind::ManifestCorrupt { .. }
        ));

        let mut lines: Vec<&str> = text.lines().collect();
        let ours = lines[3];
        lines.splice(
            3..4,
            [
                "<<<<<<< HEAD",
                ours,
                "=======",
                "20240601120002_theirs.sql h1:00",
                ">>>>>>> theirs",
            ],
        );
        write(&dir.manifest_path(), &(lines.join("\n") + "\n"));
        let p = corrupt(&dir);
        assert_eq!(p.code(), "manifest-conflict");
        assert!(p.help().unwrap_or_default().contains("two branches"), "{p}");

        fs::remove_file(dir.manifest_path()).expect("rm");
        assert_eq!(corrupt(&dir).code(), "manifest-missing");

        // Every one of them blocks writing, and `migrate hash` fixes every one.
        let mut fresh = reopen(&dir);
        assert!(fresh.add_at("x", "", v(NOW)).is_err());
        fresh.rehash().expect("rehash");
        assert_eq!(read(&dir.manifest_path()), text);
    }

    #[test]
    fn detects_bad_names_duplicate_versions_and_unreadable_files() {
        let (_tmp, dir) = setup();
        for bad in ["2024_oops.sql", "20240601120000_Bad-Name.sql", "notes.sql"] {
            write(&dir.path().join(bad), "SELECT 1;\n");
        }
        // Not migrations, not problems.
        write(&dir.path().join("README.md"), "hi");
        write(&dir.path().join(".20240601120009_swap.sql"), "");
        fs::create_dir(dir.path().join("20240601120008_a_directory.sql")).expect("mkdir");
        let mut found = problems(&dir);
        found.sort();
        assert_eq!(
            found,
            [
                ("bad-file-name", "20240601120000_Bad-Name.sql".to_string()),
                ("bad-file-name", "2024_oops.sql".to_string()),
                ("bad-file-name", "notes.sql".to_string()),
            ]
        );
        let p = reopen(&dir)
            .verify()
            .into_iter()
            .find(|p| p.file_name() == "20240601120000_Bad-Name.sql");
        let text = p.map(|p| p.to_string()).unwrap_or_default();
        assert!(text.contains("20240601120000_bad_name.sql"), "{text}");
        // `migrate hash` cannot order them: it refuses and names them.
        let err = reopen(&dir).rehash().expect_err("refused");
        assert!(err.to_string().contains("2024_oops.sql"), "{err}");
        for bad in ["2024_oops.sql", "20240601120000_Bad-Name.sql", "notes.sql"] {
            fs::remove_file(dir.path().join(bad)).expect("rm");
        }

        let dup = dir.path().join("20240601120001_also_second.sql");
        write(&dup, "SELECT 2;\n");
        let also = "20240601120001_also_second.sql".to_string();
        assert_eq!(
            problems(&dir),
            [("duplicate-version", also.clone()), ("unlisted", also)]
        );
        let p = &reopen(&dir).verify()[0];
        assert!(
            p.to_string().contains("20240601120001_create_cats.sql"),
            "{p}"
        );
        assert!(
            reopen(&dir).rehash().is_err(),
            "duplicate versions cannot be ordered"
        );
        fs::remove_file(&dup).expect("rm");

        fs::write(file(&dir, 0), b"SELECT '\xff';\n").expect("write");
        assert_eq!(problems(&dir), [("unreadable", name(&dir, 0))]);
    }

    /// The snapshot records the migrations it was written for: adding, editing or removing one
    /// (and re-recording the manifest) makes it stale, so `generate` replays the directory.
    #[test]
    fn the_snapshot_records_the_migrations_it_describes() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut dir = MigrationDir::create(tmp.path().join("migrations")).expect("create");
        assert!(dir.snapshot_is_current(), "no migrations, no snapshot");
        dir.add_with_snapshot_at("pets", "CREATE TABLE pets ();\n", &pets_schema(), v(NOW))
            .expect("add");
        assert!(dir.snapshot_is_current());
        assert_eq!(dir.snapshot_sum(), Some(dir.migrations_sum()));
        assert!(reopen(&dir).snapshot_is_current());

        // A hand-written migration: the snapshot no longer describes the directory.
        dir.add_at("by_hand", "CREATE VIEW v AS SELECT 1;\n", v(NOW))
            .expect("add");
        assert!(!reopen(&dir).snapshot_is_current());

        // Removed again and re-recorded: the sum is the first one's again.
        let by_hand = reopen(&dir).migrations()[1].path.clone();
        assert!(by_hand.ends_with(format!("{}_by_hand.sql", v("20240601120001"))));
        fs::remove_file(by_hand).expect("rm");
        reopen(&dir).rehash().expect("rehash");
        assert!(reopen(&dir).snapshot_is_current());

        // Its own migration removed: stale, and the snapshot still loads.
        let pets = reopen(&dir).migrations()[0].path.clone();
        fs::remove_file(pets).expect("rm");
        reopen(&dir).rehash().expect("rehash");
        let dir = reopen(&dir);
        assert!(!dir.snapshot_is_current());
        assert_eq!(dir.snapshot().expect("load"), pets_schema());
    }

    #[test]
    fn snapshot_round_trip_and_protection() {
        let (_tmp, mut dir) = setup();
        assert_eq!(dir.snapshot().expect("empty"), Schema::default());
        dir.write_snapshot(&Schema::default()).expect("write");
        // The empty schema: the header alone, every line of it a comment.
        let text = read(&dir.snapshot_path());
        assert!(text.starts_with(SNAPSHOT_HEADER), "{text}");
        assert!(text.lines().all(|l| l.starts_with('#')), "{text}");
        assert_eq!(reopen(&dir).snapshot().expect("empty"), Schema::default());
        let schema = pets_schema();
        dir.write_snapshot(&schema).expect("write");
        assert_eq!(dir.snapshot().expect("load"), schema);
        let fresh = reopen(&dir);
        assert_eq!(fresh.snapshot().expect("load"), schema);
        assert!(fresh.verify().is_empty());
        // The snapshot is the manifest's last line.
        let text = read(&dir.manifest_path());
        assert!(
            text.lines()
                .last()
                .is_some_and(|l| l.starts_with("schema.snapshot.toml h1:")),
            "{text}"
        );

        // Editing it by hand is detected, and named.
        let original = read(&dir.snapshot_path());
        write(&dir.snapshot_path(), &original.replace("Pet", "Animal"));
        assert_eq!(problems(&dir), [("edited", SNAPSHOT_FILE.to_string())]);
        let p = plain(&reopen(&dir).verify()[0]);
        assert!(
            p.contains("snapshot") && p.contains("migrate generate"),
            "{p}"
        );
        // Rewriting the snapshot is allowed and fixes it; adding a migration is not.
        assert!(reopen(&dir).add_at("x", "", v(NOW)).is_err());
        reopen(&dir).write_snapshot(&schema).expect("rewrite");
        assert!(problems(&dir).is_empty());

        fs::remove_file(dir.snapshot_path()).expect("rm");
        assert_eq!(problems(&dir), [("missing", SNAPSHOT_FILE.to_string())]);
        reopen(&dir).rehash().expect("rehash");
        assert!(problems(&dir).is_empty());
        write(&dir.snapshot_path(), &original);
        assert_eq!(problems(&dir), [("unlisted", SNAPSHOT_FILE.to_string())]);

        // A snapshot that does not load is an error naming it.
        reopen(&dir).rehash().expect("rehash");
        write(&dir.snapshot_path(), "[tables.x]\n");
        let err = reopen(&dir).snapshot().expect_err("invalid");
        assert!(err.to_string().contains(SNAPSHOT_FILE), "{err}");

        // A snapshot line that is not last is corrupt.
        let parsed = Manifest::parse(&text).expect("parses").manifest;
        let mut entries = parsed.entries;
        let snap = entries.pop().expect("snapshot line");
        entries.insert(0, snap);
        write(&dir.manifest_path(), &Manifest { entries }.render());
        assert_eq!(
            problems(&dir),
            [("manifest-corrupt", MANIFEST_FILE.to_string())]
        );
    }

    #[test]
    fn add_with_snapshot_records_both() {
        let (_tmp, mut dir) = setup();
        let schema = pets_schema();
        let p = dir
            .add_with_snapshot_at("pets", "CREATE TABLE pets ();\n", &schema, v(NOW))
            .expect("add");
        assert!(p.ends_with("20240601120003_pets.sql"));
        let fresh = reopen(&dir);
        assert!(fresh.verify().is_empty(), "{:?}", fresh.verify());
        assert_eq!(fresh.snapshot().expect("load"), schema);
        let lines: Vec<String> = read(&dir.manifest_path())
            .lines()
            .map(String::from)
            .collect();
        assert_eq!(lines.len(), 6);
        assert!(lines[4].starts_with("20240601120003_pets.sql h1:"));
        assert!(lines[5].starts_with("schema.snapshot.toml h1:"));
        // A plain add keeps the snapshot last.
        let mut fresh = fresh;
        fresh.add_at("hand_written", "", v(NOW)).expect("add");
        let text = read(&dir.manifest_path());
        assert!(
            text.lines()
                .last()
                .is_some_and(|l| l.starts_with("schema.snapshot.toml")),
            "{text}"
        );
        assert!(problems(&dir).is_empty());
    }

    #[test]
    fn failed_writes_lose_nothing() {
        let (_tmp, dir) = setup();
        let mut dir = reopen(&dir);
        dir.write_snapshot(&pets_schema()).expect("snapshot");
        let manifest = read(&dir.manifest_path());
        let snapshot = read(&dir.snapshot_path());
        let listing = |dir: &MigrationDir| {
            let mut names: Vec<String> = fs::read_dir(dir.path())
                .expect("ls")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let before = listing(&dir);

        // The manifest cannot be replaced (a directory is in its way).
        let mut opened = reopen(&dir);
        fs::rename(dir.manifest_path(), dir.path().join("saved.sum")).expect("mv");
        fs::create_dir(dir.manifest_path()).expect("mkdir");
        fs::write(dir.manifest_path().join("keep"), "x").expect("write");
        let err = opened
            .add_at("doomed", "SELECT 1;\n", v(NOW))
            .expect_err("fails");
        assert!(matches!(err, MigrationError::Write { .. }), "{err}");
        let err = opened
            .add_with_snapshot_at("doomed", "SELECT 1;\n", &Schema::default(), v(NOW))
            .expect_err("fails");
        assert!(err.to_string().contains(MANIFEST_FILE), "{err}");
        let err = opened
            .write_snapshot(&Schema::default())
            .expect_err("fails");
        assert!(matches!(err, MigrationError::Write { .. }), "{err}");
        fs::remove_dir_all(dir.manifest_path()).expect("rm");
        fs::rename(dir.path().join("saved.sum"), dir.manifest_path()).expect("mv");

        assert_eq!(listing(&dir), before, "no new or temporary files");
        assert_eq!(read(&dir.manifest_path()), manifest);
        assert_eq!(
            read(&dir.snapshot_path()),
            snapshot,
            "the snapshot was restored"
        );
        assert!(problems(&dir).is_empty());
        // The in-memory state did not move either: the next add takes the next version.
        let p = opened.add_at("works", "", v(NOW)).expect("add");
        assert!(p.ends_with("20240601120003_works.sql"));
    }

    #[test]
    fn bad_migration_names_are_refused_with_a_suggestion() {
        let (_tmp, mut dir) = setup();
        for bad in ["Add Cats", "", "2fa", "add-cats", "ça"] {
            let err = dir.add_at(bad, "", v(NOW)).expect_err(bad);
            let MigrationError::BadName { suggestion, .. } = &err else {
                panic!("{err}")
            };
            assert!(is_valid_name(suggestion), "{suggestion}");
            assert!(plain(&err).contains("snake_case"), "{err}");
        }
        assert_eq!(dir.migrations().len(), 3);
    }

    #[test]
    fn deleting_any_one_manifest_line_blames_exactly_that_file() {
        let (_tmp, dir) = setup();
        let text = read(&dir.manifest_path());
        for gone in 0..3 {
            let kept: String = text
                .lines()
                .filter(|l| !l.starts_with(&name(&dir, gone)))
                .map(|l| format!("{l}\n"))
                .collect();
            write(&dir.manifest_path(), &kept);
            assert_eq!(
                problems(&dir),
                [
                    ("manifest-tampered", MANIFEST_FILE.to_string()),
                    ("unlisted", name(&dir, gone))
                ],
                "line of {gone} deleted"
            );
        }
        // Two lines in a row, and the snapshot's neighbour.
        let mut d = reopen(&dir);
        d.rehash().expect("rehash");
        d.write_snapshot(&pets_schema()).expect("snapshot");
        let text = read(&dir.manifest_path());
        let kept: String = text
            .lines()
            .filter(|l| !l.starts_with(&name(&dir, 1)) && !l.starts_with(&name(&dir, 2)))
            .map(|l| format!("{l}\n"))
            .collect();
        write(&dir.manifest_path(), &kept);
        assert_eq!(
            problems(&dir),
            [
                ("manifest-tampered", MANIFEST_FILE.to_string()),
                ("unlisted", name(&dir, 1)),
                ("unlisted", name(&dir, 2))
            ]
        );
        // An edit next to a deleted line is still an edit.
        write(
            &file(&dir, 0),
            "CREATE TABLE pets (id bigint PRIMARY KEY);\n",
        );
        let found = problems(&dir);
        assert!(found.contains(&("edited", name(&dir, 0))), "{found:?}");
    }

    #[test]
    fn near_miss_names_and_impossible_versions_are_problems() {
        let (_tmp, dir) = setup();
        for f in [
            "20240601120005_m7.SQL",
            "20240601120006_m8.sql.txt",
            "20240601120007_m9",
            "20241399999999_bad.sql",
            "00000000000001_init.sql",
        ] {
            write(&dir.path().join(f), "SELECT 1;\n");
        }
        write(&dir.path().join("README.md"), "notes");
        write(&dir.path().join("notes.txt"), "notes");
        let mut found = problems(&dir);
        found.sort();
        assert_eq!(
            found,
            [
                ("bad-file-name", "20240601120005_m7.SQL".to_string()),
                ("bad-file-name", "20240601120006_m8.sql.txt".to_string()),
                ("bad-file-name", "20240601120007_m9".to_string()),
                ("bad-version", "00000000000001_init.sql".to_string()),
                ("bad-version", "20241399999999_bad.sql".to_string()),
            ]
        );
        let all = reopen(&dir).verify();
        let said = |f: &str| {
            all.iter()
                .find(|p| p.file_name() == f)
                .map(plain)
                .unwrap_or_default()
        };
        assert!(said("20240601120005_m7.SQL").contains("did you mean `20240601120005_m7.sql`?"));
        assert!(said("20241399999999_bad.sql").contains("month 13"));
        assert!(said("20241399999999_bad.sql").contains("migrate hash"));
        // Neither can be ordered or recorded.
        assert!(reopen(&dir).rehash().is_err());
    }

    #[test]
    fn content_problems_are_directory_problems_with_their_line() {
        let (_tmp, dir) = setup();
        write(
            &file(&dir, 1),
            "-- migrate:lock_timeout 2s\nCREATE TABLE cats (id uuid PRIMARY KEY);\nCOMMIT;\n",
        );
        reopen(&dir).rehash().expect("rehash");
        let d = reopen(&dir);
        let found: Vec<_> = d.verify().iter().map(|p| (p.code(), p.line())).collect();
        assert_eq!(found, [("bad-directive", Some(1))]);
        let p = &d.verify()[0];
        assert!(
            p.message().contains(&format!("{}:1`", name(&dir, 1))),
            "{p}"
        );
        assert!(
            p.help()
                .unwrap_or_default()
                .contains("-- migrate:lock-timeout 2s"),
            "{p}"
        );
        let statements: Vec<_> = d
            .verify_statements(Dialect::Postgres)
            .iter()
            .map(|p| (p.code(), p.file_name(), p.line()))
            .collect();
        assert_eq!(
            statements,
            [("transaction-control", name(&dir, 1), Some(3))]
        );
        // Writing refuses a directory with problems, like any other.
        assert!(reopen(&dir).add_at("next", "", v(NOW)).is_err());
    }

    /// At or before the baseline, a file's content problems are warnings: the directory verifies,
    /// and can be written to; after it, they are errors as before.
    #[test]
    fn content_problems_up_to_the_baseline_are_warnings() {
        let (_tmp, dir) = setup();
        write(
            &file(&dir, 1),
            "-- migrate:lock_timeout 2s\nCREATE TABLE cats (id uuid PRIMARY KEY);\nCOMMIT;\n",
        );
        reopen(&dir).rehash().expect("rehash");
        let first = reopen(&dir)
            .migrations()
            .iter()
            .find(|m| m.path == file(&dir, 1))
            .expect("the file")
            .version;
        let released = reopen(&dir).with_baseline(Some(first));
        assert!(
            released
                .migrations()
                .iter()
                .any(|m| released.is_released(m))
        );
        assert_eq!(released.verify(), []);
        assert_eq!(released.verify_statements(Dialect::Postgres), []);
        let warnings: Vec<_> = released
            .released_problems(Some(Dialect::Postgres))
            .iter()
            .map(|p| (p.code(), p.line()))
            .collect();
        assert_eq!(
            warnings,
            [("bad-directive", Some(1)), ("transaction-control", Some(3))]
        );
        assert!(
            reopen(&dir)
                .with_baseline(Some(first))
                .add_at("next", "", v(NOW))
                .is_ok()
        );
        // A baseline before it changes nothing; the error says how to get here.
        let before = Version::from_u64(first.as_u64() - 1).expect("a version");
        let strict = reopen(&dir).with_baseline(Some(before));
        assert_eq!(strict.released_problems(Some(Dialect::Postgres)), []);
        let problems = strict.verify();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .help()
                .is_some_and(|h| h.contains("lint_baseline")),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn versions_run_out_only_at_the_end_of_time() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut dir = MigrationDir::create(tmp.path()).expect("create");
        dir.add_at("last", "", v("99991231235959")).expect("add");
        let err = dir.add_at("after", "", v(NOW)).expect_err("exhausted");
        assert!(
            matches!(err, MigrationError::VersionsExhausted { .. }),
            "{err}"
        );
    }

    /// Scale regression: opening and verifying ten times the files may format at most twenty
    /// times the file names (a file looked up by a search that formats every name, as there
    /// once was, formats about a hundred times as many).
    #[test]
    fn opening_and_verifying_is_linear_in_the_files() {
        let names_formatted = |n: usize| {
            let tmp = tempfile::tempdir().expect("temp dir");
            let mut dir = MigrationDir::create(tmp.path()).expect("create");
            let files: Vec<(String, String)> = (0..n)
                .map(|i| (format!("m{i}"), format!("SELECT {i};\n")))
                .collect();
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            dir.add_all(&refs).expect("add");
            // One file is left out of the manifest: the lookups of the unlisted run too.
            let last = dir.migrations()[n / 2].path.clone();
            let text = read(&dir.manifest_path());
            let name = last
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let kept: String = text
                .lines()
                .filter(|l| !l.starts_with(&name))
                .map(|l| format!("{l}\n"))
                .collect();
            write(&dir.manifest_path(), &kept);
            let (problems, ops) = crate::ops::counted(|| {
                let dir = MigrationDir::open(tmp.path()).expect("open");
                dir.verify()
            });
            let kinds: Vec<&str> = problems.iter().map(|p| p.code()).collect();
            assert!(kinds.contains(&"unlisted"), "{kinds:?}");
            ops
        };
        let (small, large) = (names_formatted(500), names_formatted(5_000));
        assert!(
            large <= 20 * small,
            "500 files: {small} names formatted; 5,000 files: {large}"
        );
    }
}
