//! The entries of the corpus: `<name>/schema.sql`, `cases/<name>.sql`, `cases/<name>.toml`.

use std::path::PathBuf;

use super::corpus_dir;

/// One schema of the corpus: `<name>/schema.sql`, `cases/<name>.sql` or `cases/<name>.toml`.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    /// The SQL that builds the source database, or the declared schema (`.toml`).
    pub file: PathBuf,
    /// From a `-- corpus: expect-message TEXT` line.
    pub expect_message: Option<String>,
    /// From a `-- corpus: expect-note TEXT` line: a note of `pull` must hold TEXT.
    pub expect_note: Option<String>,
}

pub fn entries() -> Vec<Entry> {
    let root = corpus_dir();
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|d| d.path())
        .filter(|p| p.join("schema.sql").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 directory name")
            .to_string();
        out.push(entry(name, dir.join("schema.sql")));
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join("cases"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|d| d.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql" || e == "toml"))
        .collect();
    cases.sort();
    for path in cases {
        let stem = path
            .file_stem()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 file name");
        out.push(entry(format!("cases/{stem}"), path));
    }
    let mut names: Vec<&str> = out.iter().map(|e| e.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        panic!("two corpus entries are named `{}`: rename one", w[0]);
    }
    out
}

fn entry(name: String, file: PathBuf) -> Entry {
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let directive = |what: &str| {
        text.lines().find_map(|l| {
            l.strip_prefix(&format!("-- corpus: {what} "))
                .or_else(|| l.strip_prefix(&format!("# corpus: {what} ")))
                .map(|m| m.trim().to_string())
        })
    };
    Entry {
        name,
        file,
        expect_message: directive("expect-message"),
        expect_note: directive("expect-note"),
    }
}

impl Entry {
    /// A declared schema, not a database to adopt.
    pub fn is_declared(&self) -> bool {
        self.file.extension().is_some_and(|e| e == "toml")
    }
}
