//! The golden-transcript harness: runs `migrate` in a scratch project, records what each command
//! printed (exit code, stdout, stderr), normalises what changes from run to run, and compares the
//! transcript with `tests/golden/<case>.{txt,json}`.
//!
//! `MIGRATE_BLESS=1` rewrites the files instead of comparing; review the change with `git diff`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

/// How a scenario's commands print: for people, or `--format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Text,
    Json,
}

impl Mode {
    fn extension(self) -> &'static str {
        match self {
            Mode::Text => "txt",
            Mode::Json => "json",
        }
    }
}

/// One run of a scenario: a scratch project and the transcript of its recorded commands.
#[derive(Debug)]
pub struct Session {
    dir: TempDir,
    pub mode: Mode,
    /// `DATABASE_URL` for the commands, when the scenario uses a server.
    url: Option<String>,
    transcript: String,
    versions: HashMap<String, usize>,
}

impl Session {
    pub fn new(mode: Mode, url: Option<String>) -> Session {
        Session {
            dir: tempfile::tempdir().expect("a temporary directory"),
            mode,
            url,
            transcript: String::new(),
            versions: HashMap::new(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file of the project, creating its directory.
    pub fn write(&self, path: &str, content: &str) {
        let path = self.root().join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create the file's directory");
        }
        fs::write(&path, content).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Appends to a file of the project.
    pub fn append(&self, path: &str, content: &str) {
        let path = self.root().join(path);
        let mut text = fs::read_to_string(&path).unwrap_or_default();
        text.push_str(content);
        fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// The migration files (`<version>_<name>.sql`), oldest first.
    pub fn migrations(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.root().join("migrations"))
            .map(|d| {
                d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                    .filter(|n| {
                        n.ends_with(".sql")
                            && n.len() > 15
                            && n.as_bytes()[..14].iter().all(u8::is_ascii_digit)
                    })
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The version of the `i`-th migration file.
    pub fn version(&self, i: usize) -> String {
        self.migrations()[i][..14].to_string()
    }

    /// The newest migration file's path in the project.
    pub fn newest(&self) -> String {
        format!(
            "migrations/{}",
            self.migrations().last().expect("a migration")
        )
    }

    /// A hand-written migration (`migrate new`, its content, `migrate hash`), not recorded.
    /// `migrate hash` exits 1 when the file has lint errors: that is expected here.
    pub fn hand_written(&mut self, name: &str, sql: &str) {
        self.setup(&["new", name]);
        let path = self.newest();
        self.write(&path, sql);
        let out = self
            .command(&["hash"])
            .output()
            .expect("the migrate binary runs");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "setup `migrate hash` failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_migrate"));
        cmd.current_dir(self.root())
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("CI")
            .env_remove("MIGRATE_LOCKED")
            .env_remove("PGSSLMODE")
            .env_remove("PGSSLROOTCERT")
            .env_remove("CLICOLOR_FORCE")
            .env("NO_COLOR", "1")
            .env("USER", "golden")
            .stdin(Stdio::null());
        if let Some(url) = &self.url {
            cmd.env("DATABASE_URL", url);
        }
        cmd
    }

    /// Runs a command that prepares the scenario: not recorded, and it must succeed.
    pub fn setup(&mut self, args: &[&str]) {
        let out = self
            .command(args)
            .output()
            .expect("the migrate binary runs");
        assert!(
            out.status.success(),
            "setup `migrate {}` failed:\n{}\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Runs a command in the session's mode (`--format json` added unless the arguments choose a
    /// format) and records it; returns its exit code.
    pub fn run(&mut self, args: &[&str]) -> i32 {
        let mut full: Vec<&str> = Vec::new();
        if self.mode == Mode::Json && !args.contains(&"--format") {
            full.extend(["--format", "json"]);
        }
        full.extend(args);
        let out = self
            .command(&full)
            .output()
            .expect("the migrate binary runs");
        let code = out.status.code().expect("an exit code, not a signal");
        let mut entry = format!("$ migrate {}\n[exit {code}]\n", full.join(" "));
        section(&mut entry, "stdout", &out.stdout);
        section(&mut entry, "stderr", &out.stderr);
        entry.push('\n');
        self.number_migrations();
        let entry = self.normalise(&entry);
        self.transcript.push_str(&entry);
        code
    }

    /// Runs SQL on the scenario's database (SQLite file of the project, or the server's).
    pub fn sql(&self, sql: &str) {
        use sqlx::Connection;
        let url = match &self.url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.root().join("dev.db").display()),
        };
        block_on(async {
            if url.starts_with("sqlite:") {
                let mut c = sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("connect");
                sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
                c.close().await.expect("close");
            } else {
                let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
                sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
                c.close().await.expect("close");
            }
        });
    }

    /// What changes from run to run, replaced by stable placeholders: the project's path, the
    /// server's address and database, migration versions (numbered in order of appearance),
    /// times and durations.
    fn normalise(&mut self, text: &str) -> String {
        let mut text = text.to_string();
        let root = self.root().to_path_buf();
        let canonical = root.canonicalize().unwrap_or_else(|_| root.clone());
        for p in [&canonical, &root] {
            text = text.replace(&p.display().to_string(), "<project>");
        }
        if let Some(url) = &self.url {
            text = text.replace(url.as_str(), "<database-url>");
            if let Some((server, database)) = server_and_database(url) {
                text = text.replace(&server, "<server>");
                text = text.replace(&database, "<database>");
            }
        }
        let text = self.versions_replaced(&text);
        let text = times_replaced(&text);
        durations_replaced(&text)
    }

    /// Numbers the versions of the migration files by their place in the directory, oldest
    /// first; a version no file has any more keeps the number it had, and one never seen (the
    /// database's alone) gets the next free number when it first appears.
    fn number_migrations(&mut self) {
        for (i, name) in self.migrations().iter().enumerate() {
            self.versions.insert(name[..14].to_string(), i + 1);
        }
    }

    /// 14-digit versions as `<version-0001>`, `<version-0002>`, ... in order of first appearance
    /// in the session: as wide as a version, so that tables keep their columns.
    fn versions_replaced(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
            out.push_str(&rest[..start]);
            let run = &rest[start..];
            let len = run.find(|c: char| !c.is_ascii_digit()).unwrap_or(run.len());
            let digits = &run[..len];
            if len == 14 && digits.starts_with('2') {
                let next = self.versions.values().max().map_or(1, |n| n + 1);
                let n = *self.versions.entry(digits.to_string()).or_insert(next);
                out.push_str(&format!("<version-{n:04}>"));
            } else {
                out.push_str(digits);
            }
            rest = &run[len..];
        }
        out.push_str(rest);
        out
    }

    /// Compares the transcript with its golden file, or writes it with `MIGRATE_BLESS=1`.
    pub fn check(self, case: &str) {
        let path = golden_dir().join(format!("{case}.{}", self.mode.extension()));
        let bless = std::env::var_os("MIGRATE_BLESS").is_some_and(|v| !v.is_empty() && v != "0");
        if bless {
            fs::create_dir_all(golden_dir()).expect("create tests/golden");
            fs::write(&path, &self.transcript).expect("write the golden file");
            return;
        }
        let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}\nrun with MIGRATE_BLESS=1 to write it; got:\n{}",
                path.display(),
                self.transcript
            )
        });
        if expected != self.transcript {
            panic!(
                "{} differs (MIGRATE_BLESS=1 rewrites it; review with `git diff`):\n{}",
                path.display(),
                line_diff(&expected, &self.transcript)
            );
        }
    }
}

/// Runs `scenario` once per mode, each on a fresh project, and checks both transcripts.
pub fn golden(case: &str, scenario: impl Fn(&mut Session)) {
    for mode in [Mode::Text, Mode::Json] {
        let mut s = Session::new(mode, None);
        scenario(&mut s);
        s.check(case);
    }
}

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn section(entry: &mut String, name: &str, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let text = String::from_utf8_lossy(bytes);
    entry.push_str(&format!("[{name}]\n{text}"));
    if !text.ends_with('\n') {
        entry.push_str("\n[no newline at the end]\n");
    }
}

/// `127.0.0.1:5432` and `mt_...` of a PostgreSQL URL.
fn server_and_database(url: &str) -> Option<(String, String)> {
    let rest = url.split_once("://")?.1;
    let after_user = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let (server, database) = after_user.split_once('/')?;
    let database = database.split('?').next().unwrap_or(database);
    Some((server.to_string(), database.to_string()))
}

/// `2026-12-01T13:45:21.167Z`, `2026-12-01 13:45:21.123456+00` and the like as `<time>`,
/// padded to the same width so that tables keep their columns.
fn times_replaced(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if let Some(len) = time_at(&b[i..])
            && (i == 0 || !b[i - 1].is_ascii_digit())
        {
            out.push_str(&text[copied..i]);
            out.push_str(&format!("{:<len$}", "<time>"));
            i += len;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The length of a date and time at the start of `b`.
fn time_at(b: &[u8]) -> Option<usize> {
    let pattern = b"dddd-dd-dd?dd:dd:dd";
    if b.len() < pattern.len() {
        return None;
    }
    for (c, p) in b.iter().zip(pattern) {
        let ok = match p {
            b'd' => c.is_ascii_digit(),
            b'?' => *c == b'T' || *c == b' ',
            p => c == p,
        };
        if !ok {
            return None;
        }
    }
    let mut n = pattern.len();
    let digits = |n: usize| b[n..].iter().take_while(|c| c.is_ascii_digit()).count();
    if b.get(n) == Some(&b'.') && digits(n + 1) > 0 {
        n += 1 + digits(n + 1);
    }
    match b.get(n) {
        Some(b'Z') => n += 1,
        Some(b'+' | b'-') if digits(n + 1) >= 2 => {
            n += 1 + digits(n + 1);
            if b.get(n) == Some(&b':') && digits(n + 1) >= 2 {
                n += 1 + digits(n + 1);
            }
        }
        _ => {}
    }
    Some(n)
}

/// Measured durations as `N`: `12 ms` (the width of the field kept, for tables), and the JSON
/// fields `ms`, `duration_ms` and `waited_ms`.
fn durations_replaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut line = line.to_string();
        for key in ["\"ms\":", "\"duration_ms\":", "\"waited_ms\":"] {
            line = number_after(&line, key);
        }
        out.push_str(&ms_fields(&line));
    }
    out
}

/// `"key":123` as `"key":"N"`.
fn number_after(line: &str, key: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(key) {
        let after = at + key.len();
        out.push_str(&rest[..after]);
        let digits = rest[after..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - after);
        if digits > 0 {
            out.push_str("\"N\"");
        }
        rest = &rest[after + digits..];
    }
    out.push_str(rest);
    out
}

/// `   12 ms` as ` N ms`: the digits before ` ms`, with the spaces before them (a table's
/// padding depends on the number's width).
fn ms_fields(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let end = i + b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            let unit = line[end..].strip_prefix(" ms");
            if unit.is_some_and(|u| !u.starts_with(|c: char| c.is_alphanumeric())) {
                let mut start = i;
                while start > copied && b[start - 1] == b' ' {
                    start -= 1;
                }
                out.push_str(&line[copied..start]);
                out.push_str(if start < i { " N" } else { "N" });
                copied = end;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&line[copied..]);
    out
}

/// The first lines where two texts differ, with a little context.
fn line_diff(expected: &str, got: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let first = e
        .iter()
        .zip(&g)
        .position(|(a, b)| a != b)
        .unwrap_or(e.len().min(g.len()));
    let from = first.saturating_sub(3);
    let mut out = format!("first difference at line {}\n", first + 1);
    for l in &e[from..(first + 8).min(e.len())] {
        out.push_str(&format!("- {l}\n"));
    }
    for l in &g[from..(first + 8).min(g.len())] {
        out.push_str(&format!("+ {l}\n"));
    }
    out
}

pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisers_keep_widths_and_replace_only_what_varies() {
        assert_eq!(
            times_replaced("at 2026-12-01T13:45:21.167Z  x"),
            format!("at {:<24}  x", "<time>")
        );
        assert_eq!(
            times_replaced("2026-12-01 13:45:21.123456+00 |"),
            format!("{:<29} |", "<time>")
        );
        assert_eq!(times_replaced("120261201134521"), "120261201134521");
        assert_eq!(ms_fields("applied in 12 ms\n"), "applied in N ms\n");
        assert_eq!(ms_fields("x      3 ms  y\n"), "x N ms  y\n");
        assert_eq!(ms_fields("timeout 5000 msg"), "timeout 5000 msg");
        assert_eq!(
            number_after(r#"{"ms":12,"rows":3}"#, "\"ms\":"),
            r#"{"ms":"N","rows":3}"#
        );
        let mut s = Session::new(Mode::Text, None);
        assert_eq!(
            s.versions_replaced("20261201134521_a 20261201134522 20261201134521 123"),
            "<version-0001>_a <version-0002> <version-0001> 123"
        );
    }
}
