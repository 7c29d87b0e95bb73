//! `partition_by`, `partition_ahead` and `[tables.NAME.partitions.*]`: their shape, read with
//! locations. Their meaning (bounds against the kind, the key's columns) is checked in
//! `validate/partitions.rs`.

use super::{Cx, DeValue, Entry, Sp, SpStr, kind};
use crate::diagnostic::Location;

/// `partition_by = { kind = "range", columns = [...] }`.
#[derive(Debug, Clone)]
pub(crate) struct RawPartitionBy {
    pub(crate) loc: Location,
    pub(crate) kind: Option<SpStr>,
    pub(crate) columns: Option<Sp<Vec<SpStr>>>,
    pub(crate) expressions: Option<Sp<Vec<SpStr>>>,
}

/// `partition_ahead = { every = "month", ahead = 3, start = "2026-01-01" }`.
#[derive(Debug, Clone)]
pub(crate) struct RawPartitionAhead {
    pub(crate) loc: Location,
    pub(crate) every: Option<SpStr>,
    pub(crate) ahead: Option<Sp<i64>>,
    pub(crate) start: Option<SpStr>,
}

/// `[tables.NAME.partitions.PART]`.
#[derive(Debug, Clone)]
pub(crate) struct RawPartition {
    pub(crate) name: SpStr,
    pub(crate) from: Option<Sp<Vec<SpStr>>>,
    pub(crate) to: Option<Sp<Vec<SpStr>>>,
    pub(crate) values: Option<Sp<Vec<SpStr>>>,
    pub(crate) modulus: Option<Sp<i64>>,
    pub(crate) remainder: Option<Sp<i64>>,
    pub(crate) default: Option<Sp<bool>>,
}

const PARTITION_BY_KEYS: &[&str] = &["kind", "columns", "expressions"];
const PARTITION_AHEAD_KEYS: &[&str] = &["every", "ahead", "start"];
const PARTITION_KEYS: &[&str] = &["from", "to", "values", "modulus", "remainder", "default"];

impl Cx<'_> {
    pub(super) fn partition_by(
        &mut self,
        table: &str,
        entry: Entry<'_, '_>,
    ) -> Option<RawPartitionBy> {
        let example = "partition_by = { kind = \"range\", columns = [\"created_on\"] }";
        let body = self.table(entry, "", example)?;
        self.check_keys(
            body,
            PARTITION_BY_KEYS,
            &format!("`partition_by` of `{table}`"),
        );
        let mut p = RawPartitionBy {
            loc: self.loc(entry.1.span()),
            kind: None,
            columns: None,
            expressions: None,
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "kind" => p.kind = self.string(item, "kind = \"range\""),
                "columns" => p.columns = self.strings(item, "columns = [\"created_on\"]"),
                "expressions" => {
                    p.expressions = self.strings(item, "expressions = [\"lower(region)\"]")
                }
                _ => {}
            }
        }
        Some(p)
    }

    pub(super) fn partition_ahead(
        &mut self,
        table: &str,
        entry: Entry<'_, '_>,
    ) -> Option<RawPartitionAhead> {
        let example = "partition_ahead = { every = \"month\", ahead = 3, start = \"2026-01-01\" }";
        let body = self.table(entry, "", example)?;
        self.check_keys(
            body,
            PARTITION_AHEAD_KEYS,
            &format!("`partition_ahead` of `{table}`"),
        );
        let mut p = RawPartitionAhead {
            loc: self.loc(entry.1.span()),
            every: None,
            ahead: None,
            start: None,
        };
        for item in body.iter() {
            match item.0.get_ref().as_ref() {
                "every" => p.every = self.string(item, "every = \"month\""),
                "ahead" => p.ahead = self.bound_integer(item, "ahead = 3"),
                "start" => p.start = self.string(item, "start = \"2026-01-01\""),
                _ => {}
            }
        }
        Some(p)
    }

    pub(super) fn partitions(&mut self, table: &str, entry: Entry<'_, '_>) -> Vec<RawPartition> {
        let example = format!("[tables.{table}.partitions.{table}_2026] with from and to");
        let Some(body) = self.table(entry, "", &example) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for part in body.iter() {
            let name = self.name(part.0);
            let Some(pbody) = self.table(part, "partition", &example) else {
                continue;
            };
            self.check_keys(
                pbody,
                PARTITION_KEYS,
                &format!("partition `{}` of `{table}`", name.value),
            );
            let mut p = RawPartition {
                name,
                from: None,
                to: None,
                values: None,
                modulus: None,
                remainder: None,
                default: None,
            };
            for item in pbody.iter() {
                match item.0.get_ref().as_ref() {
                    "from" => p.from = self.bound_values(item, "from = \"2026-01-01\""),
                    "to" => p.to = self.bound_values(item, "to = \"2027-01-01\""),
                    "values" => p.values = self.bound_values(item, "values = [\"eu\", \"uk\"]"),
                    "modulus" => p.modulus = self.bound_integer(item, "modulus = 4"),
                    "remainder" => p.remainder = self.bound_integer(item, "remainder = 0"),
                    "default" => p.default = self.boolean(item),
                    _ => {}
                }
            }
            out.push(p);
        }
        out
    }

    fn bound_integer(&mut self, (key, val): Entry<'_, '_>, example: &str) -> Option<Sp<i64>> {
        match val.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(Sp {
                    value: n,
                    loc: self.loc(val.span()),
                }),
                Err(_) => {
                    self.err(
                        "wrong-kind",
                        val.span(),
                        format!("`{}` is too large", key.get_ref()),
                        format!("write it as {example}"),
                    );
                    None
                }
            },
            other => {
                self.err(
                    "wrong-kind",
                    val.span(),
                    format!(
                        "`{}` must be an integer, found {}",
                        key.get_ref(),
                        kind(other)
                    ),
                    format!("write it as {example}"),
                );
                None
            }
        }
    }

    /// A bound: one value or an array of values, each a string or an integer.
    fn bound_values(&mut self, (key, val): Entry<'_, '_>, example: &str) -> Option<Sp<Vec<SpStr>>> {
        let one = |cx: &mut Self, v: &toml::Spanned<DeValue<'_>>| -> Option<SpStr> {
            let text = match v.get_ref() {
                DeValue::String(s) => s.to_string(),
                DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                    Ok(n) => n.to_string(),
                    Err(_) => i.as_str().to_string(),
                },
                other => {
                    cx.err(
                        "wrong-kind",
                        v.span(),
                        format!(
                            "a bound value of `{}` must be a string or an integer, found {}",
                            key.get_ref(),
                            kind(other)
                        ),
                        format!("write it as {example}"),
                    );
                    return None;
                }
            };
            Some(Sp {
                value: text,
                loc: cx.loc(v.span()),
            })
        };
        let values = match val.get_ref() {
            DeValue::Array(items) => items.iter().filter_map(|i| one(self, i)).collect(),
            _ => vec![one(self, val)?],
        };
        Some(Sp {
            value: values,
            loc: self.loc(val.span()),
        })
    }
}
