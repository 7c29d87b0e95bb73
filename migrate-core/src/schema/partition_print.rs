//! Writing a partitioned table's `partition_by`, `partition_ahead` and partitions back as TOML
//! (`migrate pull`, acknowledgements), beside `print.rs`.

use std::fmt::Write as _;

use super::model::{Date, PartitionBound, PartitionKey, Partitioning};
use super::print::{key, string, string_array};

/// `partition_by = {...}` and `partition_ahead = {...}`, under `[tables.NAME]`.
pub(super) fn header(out: &mut String, p: &Partitioning) {
    let exprs = p
        .keys
        .iter()
        .any(|k| matches!(k, PartitionKey::Expression(_)));
    let keys: Vec<String> = p.keys.iter().map(ToString::to_string).collect();
    let _ = writeln!(
        out,
        "partition_by = {{ kind = {}, {} = {} }}",
        string(p.kind.as_str()),
        if exprs { "expressions" } else { "columns" },
        string_array(&keys)
    );
    if let Some(a) = &p.ahead {
        let _ = writeln!(
            out,
            "partition_ahead = {{ every = {}, ahead = {}, start = {} }}",
            string(a.every.as_str()),
            a.ahead,
            string(&a.start.to_string())
        );
    }
}

/// One `[tables.NAME.partitions.PART]` section per partition the rule does not give.
pub(super) fn partitions(out: &mut String, table: &str, p: &Partitioning) {
    let from_rule = p
        .ahead
        .as_ref()
        .map(|a| a.partitions(table, Date::today()))
        .unwrap_or_default();
    let name = key(table);
    for part in &p.partitions {
        if from_rule.contains(part) {
            continue;
        }
        let _ = writeln!(out, "\n[tables.{name}.partitions.{}]", key(&part.name));
        match &part.bound {
            PartitionBound::Range { from, to } => {
                let _ = writeln!(out, "from = {}", values(from));
                let _ = writeln!(out, "to = {}", values(to));
            }
            PartitionBound::List(vals) => {
                let _ = writeln!(out, "values = {}", string_array(vals));
            }
            PartitionBound::Hash { modulus, remainder } => {
                let _ = writeln!(out, "modulus = {modulus}");
                let _ = writeln!(out, "remainder = {remainder}");
            }
            PartitionBound::Default => out.push_str("default = true\n"),
        }
    }
}

/// One value as a string, several as an array.
fn values(v: &[String]) -> String {
    match v {
        [one] => string(one),
        _ => string_array(v),
    }
}
