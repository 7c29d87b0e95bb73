//! Every TOML snippet of the documentation is what it claims to be.
//!
//! Each ```` ```toml ```` block of `README.md`, `schema/README.md` and `docs/*.md` is checked:
//! - by default it is a whole schema, and the loader must accept it as it stands;
//! - after `<!-- checked as: migrate.toml -->` it is a configuration, and the configuration loader
//!   must accept it;
//! - after `<!-- checked as: toml -->` it is some other TOML file (an editor's settings): it must
//!   parse;
//! - after `<!-- checked inside: ... {snippet} ... -->` it is part of a schema: put in place of
//!   `{snippet}` in the comment's text, the whole must load.
//!
//! A snippet that does not load fails the test with the file, the line of its block and the
//! loader's diagnostics, so the documentation cannot drift from the language.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the repository")
        .to_path_buf()
}

/// How a block is checked.
#[derive(Debug, PartialEq)]
enum Kind {
    Schema,
    Config,
    Toml,
    Inside(String),
}

#[derive(Debug)]
struct Snippet {
    /// `file:line` of the block's opening fence.
    place: String,
    kind: Kind,
    text: String,
}

/// The TOML blocks of a Markdown file, with how each is to be checked.
fn snippets(root: &Path, rel: &str) -> Vec<Snippet> {
    let text = std::fs::read_to_string(root.join(rel))
        .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    // The text of the last HTML comment, when only blank lines stand between it and a fence.
    let mut comment: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("<!--") {
            let mut body = String::new();
            let mut rest = rest.to_string();
            loop {
                if let Some(end) = rest.find("-->") {
                    body.push_str(&rest[..end]);
                    break;
                }
                body.push_str(&rest);
                body.push('\n');
                i += 1;
                match lines.get(i) {
                    Some(l) => rest = (*l).to_string(),
                    None => panic!("{rel}: an HTML comment is not closed"),
                }
            }
            comment = Some(body);
            i += 1;
            continue;
        }
        if let Some(info) = trimmed.strip_prefix("```") {
            let fence_indent = line.len() - trimmed.len();
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && !lines[end].trim_start().starts_with("```") {
                end += 1;
            }
            if info.split_whitespace().next() == Some("toml") {
                let body: Vec<&str> = lines[start..end]
                    .iter()
                    .map(|l| l.get(fence_indent..).unwrap_or(l.trim_start()))
                    .collect();
                let kind = match comment.as_deref().map(str::trim) {
                    Some("checked as: migrate.toml") => Kind::Config,
                    Some("checked as: toml") => Kind::Toml,
                    Some(c) if c.starts_with("checked inside:") => {
                        let context = c["checked inside:".len()..].to_string();
                        assert!(
                            context.contains("{snippet}"),
                            "{rel}:{}: a `checked inside:` comment needs a `{{snippet}}`",
                            i + 1
                        );
                        Kind::Inside(context)
                    }
                    Some(c) if c.starts_with("checked") => {
                        panic!("{rel}:{}: unknown snippet comment `{c}`", i + 1)
                    }
                    _ => Kind::Schema,
                };
                out.push(Snippet {
                    place: format!("{rel}:{}", i + 1),
                    kind,
                    text: body.join("\n") + "\n",
                });
            }
            comment = None;
            i = end + 1;
            continue;
        }
        if !trimmed.is_empty() {
            comment = None;
        }
        i += 1;
    }
    out
}

/// The Markdown files whose snippets are checked.
fn documents(root: &Path) -> Vec<String> {
    let mut docs = vec!["README.md".to_string(), "schema/README.md".to_string()];
    let mut more: Vec<String> = std::fs::read_dir(root.join("docs"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .filter_map(|p| Some(format!("docs/{}", p.file_name()?.to_str()?)))
                .collect()
        })
        .unwrap_or_default();
    more.sort();
    docs.extend(more);
    docs
}

/// What is wrong with one snippet, if anything.
fn check(snippet: &Snippet) -> Option<String> {
    let name = format!("{}.toml", snippet.place.replace(['/', ':', '.'], "_"));
    match &snippet.kind {
        Kind::Schema => migrate_core::schema::load_str(&name, &snippet.text)
            .err()
            .map(|d| d.to_string()),
        Kind::Inside(context) => {
            let whole = context.replace("{snippet}", &snippet.text);
            migrate_core::schema::load_str(&name, &whole)
                .err()
                .map(|d| format!("{d}\nthe schema checked:\n{whole}"))
        }
        Kind::Config => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            migrate_core::config::Config::parse(&dir.path().join("migrate.toml"), &snippet.text)
                .err()
                .map(|d| d.to_string())
        }
        Kind::Toml => toml::de::DeTable::parse(&snippet.text)
            .err()
            .map(|e| e.to_string()),
    }
}

#[test]
fn every_toml_snippet_of_the_documentation_loads() {
    let root = repo_root();
    let mut all = Vec::new();
    for doc in documents(&root) {
        all.extend(snippets(&root, &doc));
    }
    // The documents this test was written for hold this many at least: a parser that finds none
    // would pass for nothing.
    let schemas = all.iter().filter(|s| s.kind != Kind::Config).count();
    let configs = all.iter().filter(|s| s.kind == Kind::Config).count();
    assert!(schemas >= 15, "found only {schemas} schema snippets");
    assert!(configs >= 3, "found only {configs} configuration snippets");
    let failures: Vec<String> = all
        .iter()
        .filter_map(|s| check(s).map(|e| format!("{} ({:?}):\n{e}", s.place, kind_name(&s.kind))))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} snippets do not load:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Schema => "a schema",
        Kind::Config => "migrate.toml",
        Kind::Toml => "TOML",
        Kind::Inside(_) => "part of a schema",
    }
}

/// The checker itself: a broken snippet in each form is caught.
#[test]
fn a_broken_snippet_of_each_kind_is_caught() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let doc = "x\n```toml\n[tables.cats.columns]\nid = \"uuid\"\n```\n\
               <!-- checked as: migrate.toml -->\n```toml\ndialect = \"mysql\"\n```\n\
               <!-- checked inside:\n[tables.t]\nmodel = \"T\"\n[tables.t.columns]\n{snippet}\n-->\n\
               ```toml\nid = \"integr\"\n```\n\
               <!-- checked as: toml -->\n```toml\na = \n```\n\
               ```sh\nnot = toml\n```\n";
    std::fs::write(dir.path().join("doc.md"), doc).expect("write doc.md");
    let found = snippets(dir.path(), "doc.md");
    let kinds: Vec<&str> = found.iter().map(|s| kind_name(&s.kind)).collect();
    assert_eq!(
        kinds,
        ["a schema", "migrate.toml", "part of a schema", "TOML"]
    );
    for s in &found {
        assert!(check(s).is_some(), "{} was accepted: {}", s.place, s.text);
    }
    assert!(check(&found[0]).is_some_and(|e| e.contains("model")));
}
