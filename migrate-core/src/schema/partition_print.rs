//! Writing a partitioned table's `partition_by`, `partition_ahead` and partitions back as TOML
//! (`migrate pull`, acknowledgements), beside `print.rs`.

use std::fmt::Write as _;

use super::model::{PartitionBound, PartitionKey, Partitioning};
use super::print::{key, string, string_array};

/// `partition_by = {...}`, under `[tables.NAME]`.
///
/// `partition_ahead` is not written back: the model holds the partitions its rule gave on the
/// day the schema was read, and those are printed one by one. The snapshot of a migration
/// directory is printed this way, so that a later day's reading of the rule finds the
/// partitions that came due since missing from it, and `migrate generate` adds them.
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
}

/// One `[tables.NAME.partitions.PART]` section per partition.
pub(super) fn partitions(out: &mut String, table: &str, p: &Partitioning) {
    let name = key(table);
    for part in &p.partitions {
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
