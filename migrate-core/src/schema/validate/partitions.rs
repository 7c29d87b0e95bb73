//! Partitioned tables: the key against the columns, each partition's bound against the kind,
//! the rule of `partition_ahead`, and PostgreSQL's rule that a primary key or unique index of a
//! partitioned table holds every column of the partition key.

use std::collections::HashMap;

use super::Validator;
use crate::diagnostic::{Diagnostic, Location};
use crate::schema::load::{RawPartition, RawTable};
use crate::schema::model::{
    Date, Partition, PartitionAhead, PartitionBound, PartitionEvery, PartitionKey, PartitionKind,
    Partitioning, Table,
};

impl Validator<'_> {
    /// `partition_by`, `partition_ahead` and the partitions of `t`, into `table.partitioning`.
    pub(super) fn partitioning(&mut self, t: &RawTable, table: &mut Table, column_names: &[&str]) {
        let tname = &t.name.value;
        let Some(by) = &t.partition_by else {
            let stray = t
                .partitions
                .first()
                .map(|p| &p.name.loc)
                .or(t.partition_ahead.as_ref().map(|a| &a.loc));
            if let Some(loc) = stray {
                self.error(
                    "partitions-without-key",
                    loc,
                    format!("table `{tname}` declares partitions but no `partition_by`"),
                    format!("add `partition_by = {{ kind = \"range\", columns = [\"...\"] }}` under [tables.{tname}]"),
                );
            }
            return;
        };
        let kind = match &by.kind {
            Some(k) => match PartitionKind::parse(&k.value) {
                Some(kind) => Some(kind),
                None => {
                    self.error(
                        "unknown-partition-kind",
                        &k.loc,
                        format!("unknown partitioning kind `{}`", k.value),
                        "write `kind = \"range\"`, `kind = \"list\"` or `kind = \"hash\"`",
                    );
                    None
                }
            },
            None => {
                self.error(
                    "missing-partition-kind",
                    &by.loc,
                    format!("`partition_by` of `{tname}` has no `kind`"),
                    "add `kind = \"range\"`, `\"list\"` or `\"hash\"` to it",
                );
                None
            }
        };
        let mut keys = Vec::new();
        if let Some(cols) = &by.columns {
            for c in &cols.value {
                if !column_names.contains(&c.value.as_str()) {
                    self.error(
                        "unknown-column",
                        &c.loc,
                        format!("the partition key of `{tname}` names `{}`, which is not a column of it", c.value),
                        format!("name one of the columns of [tables.{tname}.columns], or declare `{}`", c.value),
                    );
                }
                keys.push(PartitionKey::Column(c.value.clone()));
            }
        }
        if let Some(exprs) = &by.expressions {
            for e in &exprs.value {
                let what = format!("the partition key of `{tname}`");
                self.expression_columns(tname, e, column_names, &what);
                keys.push(PartitionKey::Expression(e.value.trim().to_string()));
            }
        }
        if by.columns.is_some() && by.expressions.is_some() {
            self.error(
                "mixed-partition-key",
                &by.loc,
                format!("`partition_by` of `{tname}` has both `columns` and `expressions`"),
                "write the whole key as `expressions = [...]` (a column name is an expression), in key order",
            );
        }
        if keys.is_empty() {
            self.error(
                "empty-partition-key",
                &by.loc,
                format!("`partition_by` of `{tname}` names no column"),
                "add `columns = [\"created_on\"]` (or `expressions = [...]`)",
            );
        }
        let Some(kind) = kind else { return };
        if kind == PartitionKind::List && keys.len() > 1 {
            self.error(
                "list-partition-key",
                &by.loc,
                format!(
                    "list partitioning of `{tname}` has {} key columns; PostgreSQL allows one",
                    keys.len()
                ),
                "partition by one column, or use `kind = \"range\"`",
            );
        }
        let mut partitions = Vec::new();
        let mut defaults: Option<&Location> = None;
        for p in &t.partitions {
            self.ident("partition", &p.name);
            if let Some(bound) = self.bound(tname, kind, keys.len(), p) {
                if bound == PartitionBound::Default {
                    if let Some(first) = defaults {
                        self.push(
                            Diagnostic::new(
                                "two-default-partitions",
                                format!("table `{tname}` has two default partitions"),
                            )
                            .at(p.name.loc.clone())
                            .related(first.clone(), "the first is here")
                            .help("keep one partition with `default = true`"),
                        );
                    }
                    defaults = Some(&p.name.loc);
                }
                partitions.push(Partition {
                    name: p.name.value.clone(),
                    bound,
                });
            }
        }
        let ahead = t.partition_ahead.as_ref().and_then(|a| {
            let every = a.every.as_ref().and_then(|e| {
                let every = PartitionEvery::parse(&e.value);
                if every.is_none() {
                    self.error(
                        "unknown-partition-step",
                        &e.loc,
                        format!("unknown step `{}` of `partition_ahead`", e.value),
                        "write `every = \"day\"`, `\"week\"`, `\"month\"` or `\"year\"`",
                    );
                }
                every
            });
            let start = a.start.as_ref().and_then(|s| {
                let d = Date::parse(&s.value);
                if d.is_none() {
                    self.error(
                        "bad-partition-start",
                        &s.loc,
                        format!("`start = \"{}\"` of `partition_ahead` is not a date", s.value),
                        "write the first partition's lower bound as `start = \"YYYY-MM-DD\"`",
                    );
                }
                d
            });
            let ahead = match &a.ahead {
                Some(n) if !(0..=1000).contains(&n.value) => {
                    self.error(
                        "bad-partition-ahead",
                        &n.loc,
                        format!("`ahead = {}` of `partition_ahead` is out of range", n.value),
                        "write how many partitions past the current one to declare, from 0 to 1000",
                    );
                    None
                }
                Some(n) => Some(n.value as u32),
                None => Some(0),
            };
            if a.every.is_none() || a.start.is_none() {
                self.error(
                    "incomplete-partition-ahead",
                    &a.loc,
                    format!("`partition_ahead` of `{tname}` needs `every` and `start`"),
                    "write `partition_ahead = { every = \"month\", ahead = 3, start = \"2026-01-01\" }`",
                );
            }
            if kind != PartitionKind::Range || keys.len() != 1 {
                self.error(
                    "partition-ahead-needs-range",
                    &a.loc,
                    format!("`partition_ahead` of `{tname}` needs range partitioning over one date column"),
                    format!("write `partition_by = {{ kind = \"range\", columns = [\"created_on\"] }}` under [tables.{tname}], or declare the partitions one by one"),
                );
                return None;
            }
            Some(PartitionAhead {
                every: every?,
                ahead: ahead?,
                start: start?,
            })
        });
        if let Some(rule) = &ahead {
            for p in rule.partitions(tname, Date::today()) {
                if partitions.iter().all(|q| q.name != p.name) {
                    partitions.push(p);
                }
            }
        }
        partitions.sort_by(|a, b| a.name.cmp(&b.name));
        let partitioning = Partitioning {
            kind,
            keys,
            partitions,
            ahead,
        };
        self.keys_hold_partition_key(t, table, &partitioning);
        table.partitioning = Some(partitioning);
    }

    /// One partition's bound, checked against the kind and the key's length.
    fn bound(
        &mut self,
        tname: &str,
        kind: PartitionKind,
        key_len: usize,
        p: &RawPartition,
    ) -> Option<PartitionBound> {
        let pname = &p.name.value;
        let is_default = p.default.as_ref().is_some_and(|d| d.value);
        let fix = match kind {
            PartitionKind::Range => {
                "write `from = \"...\"` and `to = \"...\"` (or `default = true`)"
            }
            PartitionKind::List => "write `values = [\"...\"]` (or `default = true`)",
            PartitionKind::Hash => "write `modulus = N` and `remainder = R`, with R < N",
        };
        let bad = |v: &mut Self, loc: &Location, what: String| {
            v.error(
                "bad-partition-bound",
                loc,
                format!(
                    "partition `{pname}` of `{tname}` ({} partitioning) {what}",
                    kind.as_str()
                ),
                fix,
            );
            None
        };
        let norm = |vals: &[crate::schema::load::SpStr]| -> Vec<String> {
            vals.iter()
                .map(|v| {
                    let lower = v.value.trim().to_ascii_lowercase();
                    if PartitionBound::is_unbounded(&lower) {
                        lower
                    } else {
                        v.value.clone()
                    }
                })
                .collect()
        };
        let others = [
            p.from.as_ref().map(|x| ("from", &x.loc)),
            p.to.as_ref().map(|x| ("to", &x.loc)),
            p.values.as_ref().map(|x| ("values", &x.loc)),
            p.modulus.as_ref().map(|x| ("modulus", &x.loc)),
            p.remainder.as_ref().map(|x| ("remainder", &x.loc)),
        ];
        let allowed: &[&str] = match kind {
            _ if is_default => &[],
            PartitionKind::Range => &["from", "to"],
            PartitionKind::List => &["values"],
            PartitionKind::Hash => &["modulus", "remainder"],
        };
        for (key, loc) in others.into_iter().flatten() {
            if !allowed.contains(&key) {
                let what = if is_default {
                    format!("is the default partition and has `{key}`")
                } else {
                    format!("has `{key}`")
                };
                return bad(self, loc, what);
            }
        }
        if is_default {
            if kind == PartitionKind::Hash {
                return bad(
                    self,
                    &p.name.loc,
                    "is a default partition, which hash partitioning has none of".into(),
                );
            }
            return Some(PartitionBound::Default);
        }
        match kind {
            PartitionKind::Range => {
                let (Some(from), Some(to)) = (&p.from, &p.to) else {
                    return bad(self, &p.name.loc, "needs both `from` and `to`".into());
                };
                for (b, what) in [(from, "from"), (to, "to")] {
                    if b.value.len() != key_len {
                        return bad(
                            self,
                            &b.loc,
                            format!(
                                "has {} value(s) in `{what}` for a key of {key_len}",
                                b.value.len()
                            ),
                        );
                    }
                }
                Some(PartitionBound::Range {
                    from: norm(&from.value),
                    to: norm(&to.value),
                })
            }
            PartitionKind::List => {
                let Some(values) = &p.values else {
                    return bad(self, &p.name.loc, "needs `values`".into());
                };
                if values.value.is_empty() {
                    return bad(self, &values.loc, "has no values".into());
                }
                Some(PartitionBound::List(
                    values.value.iter().map(|v| v.value.clone()).collect(),
                ))
            }
            PartitionKind::Hash => {
                let (Some(m), Some(r)) = (&p.modulus, &p.remainder) else {
                    return bad(
                        self,
                        &p.name.loc,
                        "needs both `modulus` and `remainder`".into(),
                    );
                };
                if m.value < 1 || m.value > i64::from(i32::MAX) || r.value < 0 || r.value >= m.value
                {
                    return bad(
                        self,
                        &r.loc,
                        format!(
                            "has `modulus = {}, remainder = {}`: the remainder must be at least 0 and less than the modulus",
                            m.value, r.value
                        ),
                    );
                }
                Some(PartitionBound::Hash {
                    modulus: m.value as u32,
                    remainder: r.value as u32,
                })
            }
        }
    }

    /// PostgreSQL's rule: a primary key or unique index of a partitioned table holds every
    /// column of the partition key, and none can exist when the key has an expression.
    fn keys_hold_partition_key(&mut self, t: &RawTable, table: &Table, p: &Partitioning) {
        let tname = &table.name;
        let key_cols: Vec<&str> = p.key_columns().collect();
        let mut uniques: Vec<(String, &[String], Location)> = Vec::new();
        if let Some(pk) = &table.primary_key {
            let loc = t
                .primary_key
                .as_ref()
                .map(|k| k.loc.clone())
                .or_else(|| {
                    t.columns
                        .iter()
                        .find(|c| c.primary_key.as_ref().is_some_and(|b| b.value))
                        .map(|c| c.name.loc.clone())
                })
                .unwrap_or_else(|| t.name.loc.clone());
            uniques.push(("primary key".into(), &pk.columns, loc));
        }
        for ix in table.indexes.iter().filter(|i| i.unique) {
            let loc = t
                .indexes
                .iter()
                .find(|r| r.name.as_ref().is_some_and(|n| n.value == ix.name))
                .map(|r| r.loc.clone())
                .or_else(|| {
                    t.columns
                        .iter()
                        .find(|c| ix.columns == [c.name.value.clone()])
                        .map(|c| c.name.loc.clone())
                })
                .or_else(|| {
                    t.indexes
                        .iter()
                        .find(|r| r.columns.iter().map(|c| &c.value).eq(ix.columns.iter()))
                        .map(|r| r.loc.clone())
                })
                .unwrap_or_else(|| t.name.loc.clone());
            uniques.push((format!("unique index `{}`", ix.name), &ix.columns, loc));
        }
        for (what, cols, loc) in uniques {
            if p.has_expression() {
                self.error(
                    "unique-on-expression-partitioning",
                    &loc,
                    format!("the {what} of `{tname}` cannot exist: the table is partitioned by an expression"),
                    "PostgreSQL enforces uniqueness on a partitioned table only over plain partition-key columns: partition by columns, or drop the key (make it unique per partition instead)",
                );
                continue;
            }
            let missing: Vec<&str> = key_cols
                .iter()
                .copied()
                .filter(|k| !cols.iter().any(|c| c == k))
                .collect();
            if !missing.is_empty() {
                let fixed: Vec<String> = cols
                    .iter()
                    .map(|c| format!("\"{c}\""))
                    .chain(missing.iter().map(|m| format!("\"{m}\"")))
                    .collect();
                self.error(
                    "key-without-partition-columns",
                    &loc,
                    format!(
                        "the {what} of partitioned table `{tname}` lacks the partition key column{} {}",
                        if missing.len() == 1 { "" } else { "s" },
                        missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                    ),
                    format!(
                        "PostgreSQL checks uniqueness within each partition, so a unique key must hold every partition-key column: make it [{}]",
                        fixed.join(", ")
                    ),
                );
            }
        }
    }

    /// Partition names take their place among the schema's relations: no two alike, and none a
    /// table's name.
    pub(super) fn partition_names(&mut self, tables: &[&RawTable]) {
        let mut seen: HashMap<&str, (&str, &Location)> = HashMap::new();
        for t in tables {
            seen.insert(&t.name.value, ("table", &t.name.loc));
        }
        for t in tables {
            for p in &t.partitions {
                if let Some((what, first)) = seen.get(p.name.value.as_str()) {
                    self.push(
                        Diagnostic::new(
                            "duplicate-name",
                            format!("partition `{}` of `{}` has the name of a {what}", p.name.value, t.name.value),
                        )
                        .at(p.name.loc.clone())
                        .related((*first).clone(), "that name is taken here")
                        .help("a partition is a table: give it a name no other table or partition has"),
                    );
                } else {
                    seen.insert(&p.name.value, ("partition", &p.name.loc));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::model::{PartitionBound, PartitionKey, PartitionKind};
    use crate::schema::{load_str, print};

    const EVENTS: &str = r#"
[tables.events]
model = "Event"
primary_key = ["id", "created_on"]
partition_by = { kind = "range", columns = ["created_on"] }

[tables.events.columns]
id = "bigint"
created_on = "date"

[tables.events.partitions.events_2025]
from = "2025-01-01"
to = "2026-01-01"

[tables.events.partitions.events_rest]
default = true

[tables.regions]
model = "Region"
partition_by = { kind = "list", columns = ["code"] }
columns = { code = "text" }
partitions.regions_eu = { values = ["fr", "de"] }

[tables.hashed]
model = "Hashed"
partition_by = { kind = "hash", columns = ["id"] }
columns = { id = { type = "bigint", primary_key = true } }
partitions.hashed_0 = { modulus = 2, remainder = 0 }
partitions.hashed_1 = { modulus = 2, remainder = 1 }
"#;

    fn errors(src: &str) -> String {
        match load_str("s.toml", src) {
            Ok(_) => String::new(),
            Err(d) => d.to_string(),
        }
    }

    #[test]
    fn every_kind_loads_and_prints_back() {
        let s = load_str("s.toml", EVENTS).unwrap_or_else(|e| panic!("{e}"));
        let p = s
            .table("events")
            .and_then(|t| t.partitioning.as_ref())
            .expect("partitioned");
        assert_eq!(p.kind, PartitionKind::Range);
        assert_eq!(p.keys, [PartitionKey::Column("created_on".into())]);
        assert_eq!(p.partitions.len(), 2);
        assert_eq!(
            p.partition("events_rest").map(|x| &x.bound),
            Some(&PartitionBound::Default)
        );
        let hashed = s
            .table("hashed")
            .and_then(|t| t.partitioning.as_ref())
            .expect("hash");
        assert_eq!(
            hashed.partition("hashed_1").map(|x| &x.bound),
            Some(&PartitionBound::Hash {
                modulus: 2,
                remainder: 1
            })
        );
        let printed = print::to_toml(&s);
        let again = load_str("p.toml", &printed).unwrap_or_else(|e| panic!("{e}\n{printed}"));
        assert_eq!(again, s, "{printed}");
    }

    #[test]
    fn a_key_without_the_partition_column_is_refused_with_the_fix() {
        let src = EVENTS.replace(
            r#"primary_key = ["id", "created_on"]"#,
            r#"primary_key = ["id"]"#,
        );
        let e = errors(&src);
        assert!(
            e.contains("lacks the partition key column `created_on`"),
            "{e}"
        );
        assert!(e.contains(r#"make it ["id", "created_on"]"#), "{e}");
        let unique = EVENTS.replace(
            r#"id = "bigint""#,
            r#"id = { type = "bigint", unique = true }"#,
        );
        assert!(
            errors(&unique).contains("unique index `events_id_key`"),
            "{}",
            errors(&unique)
        );
    }

    #[test]
    fn bounds_must_fit_the_kind() {
        let e = errors(&EVENTS.replace(
            r#"partitions.regions_eu = { values = ["fr", "de"] }"#,
            r#"partitions.regions_eu = { from = "a", to = "b" }"#,
        ));
        assert!(
            e.contains("partition `regions_eu` of `regions` (list partitioning) has `from`"),
            "{e}"
        );
        let e = errors(&EVENTS.replace("remainder = 1", "remainder = 2"));
        assert!(
            e.contains("the remainder must be at least 0 and less than the modulus"),
            "{e}"
        );
        let e = errors(&EVENTS.replace(r#"kind = "hash""#, r#"kind = "hsah""#));
        assert!(e.contains("unknown partitioning kind `hsah`"), "{e}");
        let e = errors(&EVENTS.replace(r#"columns = ["code"]"#, r#"columns = ["kode"]"#));
        assert!(
            e.contains("names `kode`, which is not a column of it"),
            "{e}"
        );
        let e = errors(&format!(
            "{EVENTS}\n[tables.events.partitions.events_other]\ndefault = true\n"
        ));
        assert!(e.contains("two default partitions"), "{e}");
        let e = errors(&EVENTS.replace(
            "[tables.events.partitions.events_rest]",
            "[tables.events.partitions.regions]",
        ));
        assert!(
            e.contains("partition `regions` of `events` has the name of a table"),
            "{e}"
        );
    }

    #[test]
    fn partitions_ahead_are_declared_up_to_n_past_today() {
        let src = EVENTS.replace(
            r#"partition_by = { kind = "range", columns = ["created_on"] }"#,
            "partition_by = { kind = \"range\", columns = [\"created_on\"] }\npartition_ahead = { every = \"month\", ahead = 2, start = \"2026-01-01\" }",
        );
        let s = load_str("s.toml", &src).unwrap_or_else(|e| panic!("{e}"));
        let p = s
            .table("events")
            .and_then(|t| t.partitioning.as_ref())
            .expect("partitioned");
        assert!(p.partition("events_p2026_01").is_some());
        // The two declared, then one a month from January to two past the current month.
        assert!(p.partitions.len() >= 2 + 3, "{:?}", p.partitions);
        // Printed as the partitions it gave (a snapshot read next month still lacks next
        // month's), not as the rule.
        let printed = print::to_toml(&s);
        assert!(!printed.contains("partition_ahead"), "{printed}");
        assert!(
            printed.contains("[tables.events.partitions.events_p2026_01]"),
            "{printed}"
        );
        let mut back = load_str("p.toml", &printed).unwrap_or_else(|e| panic!("{e}"));
        for t in &mut back.tables {
            if let (Some(b), Some(o)) = (
                &mut t.partitioning,
                s.table(&t.name).and_then(|x| x.partitioning.as_ref()),
            ) {
                b.ahead = o.ahead.clone();
            }
        }
        assert_eq!(back, s);
        let e = errors(&src.replace(r#"every = "month""#, r#"every = "fortnight""#));
        assert!(e.contains("unknown step `fortnight`"), "{e}");
        let e = errors(&src.replace(
            r#"kind = "list", columns = ["code"] }"#,
            r#"kind = "list", columns = ["code"] }
partition_ahead = { every = "day", start = "2026-01-01" }"#,
        ));
        assert!(
            e.contains("needs range partitioning over one date column"),
            "{e}"
        );
    }
}
