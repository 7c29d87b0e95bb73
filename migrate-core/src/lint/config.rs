//! `[lint]` in `migrate.toml`: `rule-id = "error" | "warning" | "off"`.

use std::collections::BTreeMap;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};

use super::{Level, catalog};
use crate::diagnostic::{Diagnostic, Diagnostics, Location, SourceFile, did_you_mean};

/// The rule levels `[lint]` sets; every other rule keeps its default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LintConfig {
    levels: BTreeMap<&'static str, Level>,
}

impl LintConfig {
    /// The level of a rule: `[lint]`'s, else the rule's default.
    pub fn level(&self, rule: &catalog::Rule) -> Level {
        self.levels.get(rule.id).copied().unwrap_or(rule.level)
    }

    /// Sets a rule's level; `false` when there is no such rule.
    pub fn set(&mut self, id: &str, level: Level) -> bool {
        match catalog::find(id) {
            Some(rule) => {
                self.levels.insert(rule.id, level);
                true
            }
            None => false,
        }
    }

    /// Reads the `[lint]` table; unknown rule ids and levels are reported with a fix.
    pub(crate) fn parse(
        table: &toml::Spanned<DeValue<'_>>,
        file: &Arc<SourceFile>,
        diags: &mut Diagnostics,
    ) -> LintConfig {
        let mut config = LintConfig::default();
        let DeValue::Table(entries) = table.get_ref() else {
            diags.push(
                Diagnostic::new("wrong-kind", "`lint` must be a table")
                    .at(Location::new(file, table.span()))
                    .help("write `[lint]` with lines like `ban-drop-column = \"warning\"`"),
            );
            return config;
        };
        config.read_entries(entries, file, diags);
        config
    }

    fn read_entries(
        &mut self,
        entries: &DeTable<'_>,
        file: &Arc<SourceFile>,
        diags: &mut Diagnostics,
    ) {
        for (key, value) in entries.iter() {
            let id = key.get_ref().as_ref();
            let level = match value.get_ref() {
                DeValue::String(s) => Level::parse(s),
                _ => None,
            };
            let Some(level) = level else {
                diags.push(
                    Diagnostic::new(
                        "bad-lint-level",
                        format!("the level of lint rule `{id}` must be \"error\", \"warning\" or \"off\""),
                    )
                    .at(Location::new(file, value.span()))
                    .help(format!("write `{id} = \"warning\"`")),
                );
                continue;
            };
            if !self.set(id, level) {
                diags.push(unknown_rule(id, Location::new(file, key.span())));
            }
        }
    }
}

/// `unknown-lint-rule` at `location`, with the closest rule id when there is one.
fn unknown_rule(id: &str, location: Location) -> Diagnostic {
    let help = match did_you_mean(id, catalog::ids()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "`migrate lint --rules` lists every rule id".to_string(),
    };
    Diagnostic::new(
        "unknown-lint-rule",
        format!("unknown lint rule `{id}` in [lint]"),
    )
    .at(location)
    .help(help)
}
