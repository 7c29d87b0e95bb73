//! An index's keys (`columns = ["a", { expr = "lower(b)" }, { column = "c", desc = true }]`) and
//! its UNIQUE-constraint keys (`constraint`, `deferrable`).

use toml::de::DeValue;

use super::{Cx, Entry, Sp, SpStr, kind};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::schema::model::Deferrable;

/// The keys of an index key written as an inline table.
pub(super) const INDEX_KEY_KEYS: &[&str] =
    &["column", "expr", "desc", "nulls", "opclass", "collation"];

/// One key of an index as written: `columns[i]` is its column or expression.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawIndexKey {
    /// `expr = "..."` rather than `column = "..."`.
    pub(crate) expression: bool,
    pub(crate) desc: Option<Sp<bool>>,
    /// `nulls = "first" | "last"`: `Some(true)` for first.
    pub(crate) nulls_first: Option<Sp<bool>>,
    pub(crate) opclass: Option<SpStr>,
    pub(crate) collation: Option<SpStr>,
}

const KEY_EXAMPLE: &str =
    "columns = [\"name\", { column = \"created_at\", desc = true }, { expr = \"lower(email)\" }]";

impl Cx<'_> {
    /// `columns = [...]` of an index: each entry a column name, or an inline table with a
    /// `column` or an `expr` and its options.
    pub(super) fn index_keys(
        &mut self,
        table: &str,
        (key, val): Entry<'_, '_>,
    ) -> Option<Sp<Vec<(SpStr, RawIndexKey)>>> {
        let DeValue::Array(items) = val.get_ref() else {
            self.err(
                "wrong-kind",
                val.span(),
                format!(
                    "`{}` must be an array of column names or key tables, found {}",
                    key.get_ref(),
                    kind(val.get_ref())
                ),
                format!("write it as {KEY_EXAMPLE}"),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items {
            match item.get_ref() {
                DeValue::String(s) => out.push((
                    Sp {
                        value: s.to_string(),
                        loc: self.loc(item.span()),
                    },
                    RawIndexKey::default(),
                )),
                DeValue::Table(body) => {
                    let context = format!("a key of an index of `{table}`");
                    self.check_keys(body, INDEX_KEY_KEYS, &context);
                    let mut target: Option<SpStr> = None;
                    let mut k = RawIndexKey::default();
                    for entry in body.iter() {
                        match entry.0.get_ref().as_ref() {
                            "column" | "expr" => {
                                let is_expr = entry.0.get_ref().as_ref() == "expr";
                                let example = if is_expr {
                                    "expr = \"lower(email)\""
                                } else {
                                    "column = \"email\""
                                };
                                if target.is_some() {
                                    self.err(
                                        "index-key-twice",
                                        entry.0.span(),
                                        format!("{context} names both a `column` and an `expr`"),
                                        "write one key per entry: `{ column = \"a\" }` or `{ expr = \"lower(a)\" }`",
                                    );
                                    continue;
                                }
                                target = self.string(entry, example);
                                k.expression = is_expr;
                            }
                            "desc" => k.desc = self.boolean(entry),
                            "nulls" => {
                                if let Some(s) = self.string(entry, "nulls = \"first\"") {
                                    match s.value.trim().to_ascii_lowercase().as_str() {
                                        "first" => k.nulls_first = Some(Sp { value: true, loc: s.loc }),
                                        "last" => k.nulls_first = Some(Sp { value: false, loc: s.loc }),
                                        _ => self.diags.push(
                                            Diagnostic::new(
                                                "bad-nulls",
                                                format!("`nulls` must be \"first\" or \"last\", found `{}`", s.value),
                                            )
                                            .at(s.loc)
                                            .help("write `nulls = \"first\"` or `nulls = \"last\"` (the default: last ascending, first with `desc = true`)"),
                                        ),
                                    }
                                }
                            }
                            "opclass" => {
                                k.opclass = self.string(entry, "opclass = \"varchar_pattern_ops\"")
                            }
                            "collation" => k.collation = self.string(entry, "collation = \"C\""),
                            _ => {}
                        }
                    }
                    match target {
                        Some(t) => out.push((t, k)),
                        None => self.err(
                            "missing-key",
                            item.span(),
                            format!("{context} has neither `column` nor `expr`"),
                            "write `{ column = \"name\", desc = true }` or `{ expr = \"lower(email)\" }`",
                        ),
                    }
                }
                other => self.err(
                    "wrong-kind",
                    item.span(),
                    format!(
                        "each entry of `{}` must be a column name or a key table, found {}",
                        key.get_ref(),
                        kind(other)
                    ),
                    format!("write it as {KEY_EXAMPLE}"),
                ),
            }
        }
        Some(Sp {
            value: out,
            loc: self.loc(val.span()),
        })
    }

    /// `deferrable = "initially immediate" | "initially deferred" | false`.
    pub(super) fn deferrable(&mut self, (key, val): Entry<'_, '_>) -> Option<Sp<Deferrable>> {
        let parsed = match val.get_ref() {
            DeValue::Boolean(false) => Some(Deferrable::No),
            DeValue::Boolean(true) => Some(Deferrable::InitiallyImmediate),
            DeValue::String(s) => Deferrable::parse(s),
            _ => None,
        };
        if let Some(value) = parsed {
            return Some(Sp {
                value,
                loc: self.loc(val.span()),
            });
        }
        let names = Deferrable::ALL.map(Deferrable::as_str);
        let written = match val.get_ref() {
            DeValue::String(s) => s.to_string(),
            other => kind(other).to_string(),
        };
        let help = match did_you_mean(&written, names.iter().copied()) {
            Some(n) => format!("did you mean `{} = \"{n}\"`?", key.get_ref()),
            None => "write `deferrable = \"initially deferred\"` (checked at commit) or `deferrable = \"initially immediate\"` (a transaction may defer it)".into(),
        };
        self.err(
            "bad-deferrable",
            val.span(),
            format!("unknown deferral `{written}`"),
            help,
        );
        None
    }
}
