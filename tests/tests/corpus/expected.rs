//! `EXPECTED.toml`: the stage each entry reaches today, read, compared and written back.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use toml::de::{DeTable, DeValue};

use super::{Outcome, corpus_dir};

/// The stages of a round trip, in order; `Ok` is reached by an entry that passes them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Load,
    Pull,
    Check,
    Generate,
    Apply,
    Catalog,
    Diff,
    Ok,
}

/// Every stage, in order.
pub const STAGES: [Stage; 8] = [
    Stage::Load,
    Stage::Pull,
    Stage::Check,
    Stage::Generate,
    Stage::Apply,
    Stage::Catalog,
    Stage::Diff,
    Stage::Ok,
];

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Pull => "pull",
            Stage::Check => "check",
            Stage::Generate => "generate",
            Stage::Apply => "apply",
            Stage::Catalog => "catalog",
            Stage::Diff => "diff",
            Stage::Ok => "ok",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        STAGES.into_iter().find(|st| st.name() == s)
    }
}

/// What `EXPECTED.toml` says of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub reaches: Stage,
    /// For an entry with an expected message: whether its error contains it.
    pub message: Option<bool>,
    /// For an entry with an expected note: whether a note of `pull` holds it.
    pub note: Option<bool>,
    /// Run only with `MIGRATE_CORPUS_ALL=1`.
    pub slow: bool,
}

pub fn read_expected() -> BTreeMap<String, Expected> {
    let path = expected_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        return BTreeMap::new();
    };
    let doc = DeTable::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let Some(DeValue::Table(entries)) = doc.get_ref().get("entries").map(|e| e.get_ref()) else {
        panic!("{}: no [entries.NAME] tables", path.display());
    };
    entries
        .iter()
        .map(|(name, v)| {
            let name = name.get_ref().to_string();
            let bad = |what: &str| -> ! {
                panic!(
                    "{}: entry `{name}`: {what}; stages are {}",
                    path.display(),
                    STAGES.map(Stage::name).join(", ")
                )
            };
            let DeValue::Table(fields) = v.get_ref() else {
                bad("not a table");
            };
            let field = |key: &str| fields.get(key).map(|f| f.get_ref());
            let reaches = match field("reaches") {
                Some(DeValue::String(s)) => {
                    Stage::parse(s).unwrap_or_else(|| bad("`reaches` must name a stage"))
                }
                _ => bad("`reaches` must name a stage"),
            };
            let flag = |key: &str| match field(key) {
                Some(DeValue::Boolean(b)) => Some(*b),
                None => None,
                Some(_) => bad(&format!("`{key}` must be true or false")),
            };
            let expected = Expected {
                reaches,
                message: flag("message"),
                note: flag("note"),
                slow: flag("slow").unwrap_or(false),
            };
            (name, expected)
        })
        .collect()
}

pub fn write_expected(expected: &BTreeMap<String, Expected>) {
    let mut out = String::from(
        "# The stage each entry of the round-trip corpus reaches today: the first that fails, or \"ok\".\n\
         # Stages, in order: load, pull, check, generate, apply, catalog, diff, ok.\n\
         # `tests/tests/corpus/` fails when an entry reaches an earlier stage than written here, and\n\
         # when it reaches a later one: then record it with\n\
         #   MIGRATE_CORPUS_BLESS=1 cargo test -p migrate-tests --test corpus\n\
         # `message`: whether the entry's error holds the text its `-- corpus: expect-message` names.\n\
         # `note`: whether a note of `pull` holds the text its `-- corpus: expect-note` names.\n\
         # `slow = true`: run only with MIGRATE_CORPUS_ALL=1.\n",
    );
    let mut names: Vec<&String> = expected.keys().collect();
    names.sort_by_key(|n| (n.starts_with("cases/"), n.as_str()));
    for name in names {
        let e = &expected[name];
        let key = if name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            name.clone()
        } else {
            format!("\"{name}\"")
        };
        let _ = write!(
            out,
            "\n[entries.{key}]\nreaches = \"{}\"\n",
            e.reaches.name()
        );
        if let Some(m) = e.message {
            let _ = writeln!(out, "message = {m}");
        }
        if let Some(n) = e.note {
            let _ = writeln!(out, "note = {n}");
        }
        if e.slow {
            out.push_str("slow = true\n");
        }
    }
    std::fs::write(expected_path(), out).expect("write EXPECTED.toml");
}

/// Where the expectations are.
pub fn expected_path() -> PathBuf {
    corpus_dir().join("EXPECTED.toml")
}

/// How an outcome compares with its expectation: negative worse, positive better.
pub fn compare(outcome: &Outcome, expected: &Expected) -> std::cmp::Ordering {
    outcome
        .reached
        .cmp(&expected.reaches)
        .then_with(|| match (outcome.message, expected.message) {
            (Some(now), Some(then)) => now.cmp(&then),
            _ => std::cmp::Ordering::Equal,
        })
        .then_with(|| match (outcome.note, expected.note) {
            (Some(now), Some(then)) => now.cmp(&then),
            (Some(true), None) => std::cmp::Ordering::Greater,
            _ => std::cmp::Ordering::Equal,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_ordered_for_the_ratchet() {
        let at = |reached, message| Outcome {
            reached,
            error: String::new(),
            tables: 0,
            notes: 0,
            diff_after: None,
            message,
            note: None,
        };
        let expect = |reaches, message| Expected {
            reaches,
            message,
            note: None,
            slow: false,
        };
        use std::cmp::Ordering::*;
        assert_eq!(
            compare(&at(Stage::Pull, None), &expect(Stage::Apply, None)),
            Less
        );
        assert_eq!(
            compare(&at(Stage::Ok, None), &expect(Stage::Diff, None)),
            Greater
        );
        assert_eq!(
            compare(&at(Stage::Apply, None), &expect(Stage::Apply, None)),
            Equal
        );
        assert_eq!(
            compare(
                &at(Stage::Apply, Some(false)),
                &expect(Stage::Apply, Some(true))
            ),
            Less
        );
        assert_eq!(
            compare(
                &at(Stage::Apply, Some(true)),
                &expect(Stage::Apply, Some(false))
            ),
            Greater
        );
        for s in STAGES {
            assert_eq!(Stage::parse(s.name()), Some(s));
        }
    }
}
