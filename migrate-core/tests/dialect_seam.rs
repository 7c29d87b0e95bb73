//! The dialect seam holds: no code outside `migrate-core/src/dialect/` names a dialect.
//!
//! Adding a dialect must mean one new folder (`migrate-core/src/dialect/<name>/`), one line in
//! the `dialects!` registration of `dialect/mod.rs`, and its test goldens. So the library code of
//! the three crates (`migrate-core`, `migrate-cli`, `migrate-macros`; tests may name dialects)
//! may not, outside `dialect/`:
//!
//! - name a dialect's variant (`Dialect::Postgres`, `Dialect::Sqlite`, or any later one): ask
//!   `Dialect::ops()` / `Dialect::runtime()` instead, or a `Capability`;
//! - match a driver enum (`Conn::…`, `Db::…`, the connection types the seam replaced);
//! - reach into a dialect's folder by path (`dialect::postgres::…`, `sql::sqlite::…`).
//!
//! [`ALLOWED`] lists the files that still do, each with why. It can only shrink: a listed file
//! that no longer does fails the test until it is taken off the list. The test prints how many
//! files outside the dialect folders a new dialect would touch: the registration, plus that list.

use std::fs;
use std::path::{Path, PathBuf};

/// Files (relative to the workspace root) allowed to name a dialect outside `dialect/`, and why.
/// Only ever remove entries.
const ALLOWED: &[(&str, &str)] = &[];

/// Crates whose library code is checked.
const CRATES: &[&str] = &["migrate-core", "migrate-cli", "migrate-macros"];

/// The folder every dialect lives in, with the registration (`mod.rs`).
const DIALECT_DIR: &str = "migrate-core/src/dialect";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Whether the whole file is test code: `tests.rs`, `*_tests.rs`, `test_support.rs`.
fn is_test_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == "tests.rs" || name.ends_with("_tests.rs") || name == "test_support.rs"
}

/// The file's code without its test modules (`#[cfg(test)]` then a top-level `mod … {`, to the
/// `}` that closes it at the start of a line, as rustfmt writes it) and without comment lines.
fn library_code(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        let t = line.trim_start();
        let opens_test_module = t.starts_with("#[cfg(test)]")
            && lines.peek().is_some_and(|(_, next)| {
                (next.starts_with("mod ") || next.starts_with("pub"))
                    && next.contains("mod ")
                    && next.trim_end().ends_with('{')
            });
        if opens_test_module {
            for (_, l) in lines.by_ref() {
                if l == "}" {
                    break;
                }
            }
            continue;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push((i + 1, line));
    }
    out
}

/// The registered dialects: `(Variant, folder)` from the `dialects!` list of `dialect/mod.rs`.
fn registered(root: &Path) -> Vec<(String, String)> {
    let text = fs::read_to_string(root.join(DIALECT_DIR).join("mod.rs")).expect("dialect/mod.rs");
    let start = text
        .find("\ndialects! {")
        .expect("the `dialects! { … }` registration in dialect/mod.rs");
    let body = &text[start..];
    let body = &body[..body.find("\n}").expect("the end of the registration")];
    body.lines()
        .filter_map(|l| {
            let (variant, rest) = l.trim().split_once("=>")?;
            let folder = rest.trim().split("::").next()?.trim();
            Some((variant.trim().to_string(), folder.to_string()))
        })
        .collect()
}

/// What a line names that it may not, if anything.
fn violation(line: &str, dialects: &[(String, String)]) -> Option<String> {
    for (variant, folder) in dialects {
        // Each a whole path segment: `dialect::postgres::…`, and a re-export of the folder
        // (`pub use crate::dialect::postgres;`) as well.
        for needle in [
            format!("Dialect::{variant}"),
            format!("dialect::{folder}"),
            format!("sql::{folder}"),
        ] {
            let whole = line.match_indices(&needle).any(|(at, _)| {
                let after = line[at + needle.len()..].chars().next();
                let before = line[..at].chars().next_back();
                !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            if whole {
                return Some(needle);
            }
        }
    }
    ["Conn::", "Db::"]
        .into_iter()
        .find(|n| {
            line.match_indices(n).any(|(at, _)| {
                !line[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .map(str::to_string)
}

/// The crates' `Cargo.toml` files that declare a feature named after every registered dialect
/// (its driver's): a new dialect adds one line to each.
fn feature_manifests(root: &Path, dialects: &[(String, String)]) -> Vec<String> {
    CRATES
        .iter()
        .map(|krate| format!("{krate}/Cargo.toml"))
        .filter(|manifest| {
            let text = fs::read_to_string(root.join(manifest)).unwrap_or_default();
            let features = text
                .split("\n[features]\n")
                .nth(1)
                .map(|rest| rest.split("\n[").next().unwrap_or(rest))
                .unwrap_or("");
            dialects.iter().all(|(_, folder)| {
                features
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("{folder} =")))
            })
        })
        .collect()
}

#[test]
fn no_dialect_is_named_outside_its_folder() {
    let root = workspace();
    let dialects = registered(&root);
    assert!(
        dialects.len() >= 2,
        "the registration lists {dialects:?}: expected every dialect"
    );
    for (variant, folder) in &dialects {
        let dir = root.join(DIALECT_DIR).join(folder);
        assert!(
            dir.join("mod.rs").is_file(),
            "`{variant}` is registered but {} has no mod.rs",
            dir.display()
        );
    }

    let mut found: Vec<(String, usize, String)> = Vec::new();
    for krate in CRATES {
        let mut files = Vec::new();
        rust_files(&root.join(krate).join("src"), &mut files);
        for path in files {
            let rel = path
                .strip_prefix(&root)
                .expect("under the workspace")
                .to_string_lossy()
                .replace('\\', "/");
            if rel.starts_with(&format!("{DIALECT_DIR}/")) || is_test_file(&rel) {
                continue;
            }
            let text = fs::read_to_string(&path).expect("a source file");
            for (line_no, line) in library_code(&text) {
                if let Some(what) = violation(line, &dialects) {
                    found.push((rel.clone(), line_no, what));
                }
            }
        }
    }

    let unexpected: Vec<String> = found
        .iter()
        .filter(|(f, _, _)| !ALLOWED.iter().any(|(a, _)| a == f))
        .map(|(f, l, w)| format!("{f}:{l}: `{w}`"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "code outside {DIALECT_DIR}/ names a dialect; ask `Dialect::ops()` (a `DialectOps` \
         method or `Capability`) or `Dialect::runtime()` instead, or move the code into the \
         dialect's folder:\n  {}",
        unexpected.join("\n  ")
    );

    let cleared: Vec<&str> = ALLOWED
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| !found.iter().any(|(f, _, _)| f == a))
        .collect();
    assert!(
        cleared.is_empty(),
        "these files no longer name a dialect: take them off ALLOWED in {}: {cleared:?}",
        file!()
    );

    // What a new dialect touches outside its folder: the registration, the manifests that give
    // its driver a cargo feature, and every file that still names a dialect (all of them on
    // ALLOWED, as checked above).
    let mut touched: Vec<String> = vec![format!("{DIALECT_DIR}/mod.rs (the registration)")];
    touched.extend(feature_manifests(&root, &dialects));
    for (f, _, _) in &found {
        if !touched.contains(f) {
            touched.push(f.clone());
        }
    }
    println!(
        "a new dialect touches {} file(s) outside its folder: {}",
        touched.len(),
        touched.join(", ")
    );
    assert!(
        touched.len() <= 3 + ALLOWED.len(),
        "a dialect touches more than the registration, two Cargo.toml feature lines and ALLOWED: \
         {touched:?}"
    );
}

#[test]
fn the_guard_sees_what_it_guards_against() {
    let dialects = vec![
        ("Postgres".to_string(), "postgres".to_string()),
        ("Sqlite".to_string(), "sqlite".to_string()),
    ];
    for bad in [
        "    Dialect::Postgres => 1,",
        "if d == Dialect::Sqlite {",
        "let x = crate::sql::sqlite::value_sql(a, b);",
        "use crate::dialect::postgres::literal;",
        "pub use crate::dialect::postgres;",
        "Conn::Pg(c) => c,",
        "match db { Db::Lite(_) => {} }",
    ] {
        assert!(violation(bad, &dialects).is_some(), "{bad}");
    }
    for fine in [
        "Dialect::ALL.iter()",
        "Dialect::DEFAULT",
        "Dialect::parse(s)",
        "let ops = dialect.ops();",
        "MyConn::new()",
        "pub use crate::dialect::{postgres, sqlite};",
        "Dialect::Postgresql_like_name_is_not_a_variant_here",
    ] {
        assert!(violation(fine, &dialects).is_none(), "{fine}");
    }
    let code = "fn a() {}\n// Dialect::Postgres in a comment\n#[cfg(test)]\npub(super) mod test {\n    \
                Dialect::Sqlite\n}\nfn b() {}\n";
    let lines: Vec<usize> = library_code(code).iter().map(|(n, _)| *n).collect();
    assert_eq!(lines, [1, 7]);
}
