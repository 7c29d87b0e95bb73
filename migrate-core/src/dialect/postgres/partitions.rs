//! Declarative partitioning: `PARTITION BY` of a new table and its partitions, a partition
//! attached to or detached from a table with rows, and an index built on a partitioned table
//! without blocking writes (`ON ONLY` the parent, each partition `CONCURRENTLY`, then attached).

use super::defs::MAX_IDENT_BYTES;
use super::quote::literal;
use super::render::Cx;
use crate::schema::{
    Index, IndexMethod, Partition, PartitionBound, PartitionKey, Partitioning,
};
use crate::sql::{Statement, ident, idents};

/// Whether the declared `table` is partitioned: PostgreSQL builds none of its keys or indexes
/// `CONCURRENTLY`, nor adds a foreign key to it `NOT VALID` (PostgreSQL 15).
pub(super) fn is_partitioned(cx: &Cx<'_>, table: &str) -> bool {
    cx.to
        .table(table)
        .is_some_and(|t| t.partitioning.is_some())
}

/// ` PARTITION BY RANGE ("created_on")`, after a new table's column list.
pub(super) fn partition_by(p: &Partitioning) -> String {
    let keys: Vec<String> = p
        .keys
        .iter()
        .map(|k| match k {
            PartitionKey::Column(c) => ident(c),
            PartitionKey::Expression(e) => format!("({e})"),
        })
        .collect();
    format!(" PARTITION BY {} ({})", p.kind.sql(), keys.join(", "))
}

/// `FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')`, `FOR VALUES IN (...)`,
/// `FOR VALUES WITH (MODULUS 4, REMAINDER 0)`, or `DEFAULT`.
pub(super) fn bound_sql(b: &PartitionBound) -> String {
    let value = |v: &String| {
        if PartitionBound::is_unbounded(v) {
            v.to_ascii_uppercase()
        } else {
            literal(v)
        }
    };
    let list = |vs: &[String]| vs.iter().map(value).collect::<Vec<_>>().join(", ");
    match b {
        PartitionBound::Range { from, to } => {
            format!("FOR VALUES FROM ({}) TO ({})", list(from), list(to))
        }
        PartitionBound::List(vs) => format!("FOR VALUES IN ({})", list(vs)),
        PartitionBound::Hash { modulus, remainder } => {
            format!("FOR VALUES WITH (MODULUS {modulus}, REMAINDER {remainder})")
        }
        PartitionBound::Default => "DEFAULT".into(),
    }
}

/// The partitions of a new table, each `CREATE TABLE … PARTITION OF` (nothing to lock yet).
pub(super) fn create_partitions(table: &str, p: &Partitioning, out: &mut Vec<Statement>) {
    for part in &p.partitions {
        out.push(Statement::tx(format!(
            "CREATE TABLE {} PARTITION OF {} {}",
            ident(&part.name),
            ident(table),
            bound_sql(&part.bound)
        )));
    }
}

/// `Change::AttachPartition`: the partition is created as a table of the parent's shape, then
/// attached. `ATTACH PARTITION` takes a SHARE UPDATE EXCLUSIVE lock on the parent (reads and
/// writes go on), where `CREATE TABLE … PARTITION OF` takes ACCESS EXCLUSIVE; the new table is
/// empty, so checking its rows against the bound costs nothing. A default partition, if any, is
/// scanned for rows the new partition would hold, under its own ACCESS EXCLUSIVE lock.
pub(super) fn attach(cx: &mut Cx<'_>, table: &str, p: &Partition, existing: bool) {
    let attach = format!(
        "ALTER TABLE {} ATTACH PARTITION {} {}",
        ident(table),
        ident(&p.name),
        bound_sql(&p.bound)
    );
    if existing {
        return attach_existing(cx, table, p, attach);
    }
    cx.tx(format!(
        "CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)",
        ident(&p.name),
        ident(table)
    ));
    cx.tx(attach);
}

/// A table with rows attached as a partition: `ATTACH` scans it for rows outside the bound
/// under an ACCESS EXCLUSIVE lock on it, unless a valid CHECK implies the bound. So a CHECK
/// of the bound is added `NOT VALID` in the transaction and validated after it (SHARE UPDATE
/// EXCLUSIVE: reads and writes go on), then the table is attached (no scan) and the CHECK
/// dropped. A bound no CHECK is written for here (a hash, a default, several key columns, an
/// expression key) is attached with its scan.
fn attach_existing(cx: &mut Cx<'_>, table: &str, p: &Partition, attach: String) {
    let column = cx
        .to
        .table(table)
        .and_then(|t| t.partitioning.as_ref())
        .and_then(|k| match k.keys.as_slice() {
            [PartitionKey::Column(c)] => Some(ident(c)),
            _ => None,
        });
    let value = |v: &String| literal(v);
    let check = column.and_then(|c| match &p.bound {
        PartitionBound::Range { from, to } if from.len() == 1 && to.len() == 1 => {
            let mut parts = vec![format!("{c} IS NOT NULL")];
            if !PartitionBound::is_unbounded(&from[0]) {
                parts.push(format!("{c} >= {}", value(&from[0])));
            }
            if !PartitionBound::is_unbounded(&to[0]) {
                parts.push(format!("{c} < {}", value(&to[0])));
            }
            Some(parts.join(" AND "))
        }
        PartitionBound::List(vs) => Some(format!(
            "{c} IS NOT NULL AND {c} IN ({})",
            vs.iter().map(value).collect::<Vec<_>>().join(", ")
        )),
        _ => None,
    });
    let Some(check) = check else {
        cx.online(attach);
        return;
    };
    let name = partition_index_name(&p.name, "partition_bound");
    cx.tx(format!(
        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({check}) NOT VALID",
        ident(&p.name),
        ident(&name)
    ));
    cx.online(format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
        ident(&p.name),
        ident(&name)
    ));
    cx.online(attach);
    cx.online(format!(
        "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
        ident(&p.name),
        ident(&name)
    ));
}

/// `Change::DetachPartition`: `DETACH PARTITION … CONCURRENTLY` before the transaction (it
/// cannot run in one), which waits for the queries using the partition instead of locking the
/// parent; a plain `DETACH` in the transaction when the table has a default partition, which
/// `CONCURRENTLY` refuses. A concurrent detach leaves a CHECK of the partition's bound on the
/// detached table (PostgreSQL names it `<partition>_<key columns>_check`): a table the schema
/// keeps loses it in the transaction, as the schema does not declare it.
pub(super) fn detach(cx: &mut Cx<'_>, table: &str, p: &Partition, has_default: bool, keep: bool) {
    if has_default {
        cx.tx(format!(
            "ALTER TABLE {} DETACH PARTITION {}",
            ident(table),
            ident(&p.name)
        ));
        return;
    }
    cx.before(format!(
        "ALTER TABLE {} DETACH PARTITION {} CONCURRENTLY",
        ident(table),
        ident(&p.name)
    ));
    let columns: Vec<String> = cx
        .from
        .table(table)
        .and_then(|t| t.partitioning.as_ref())
        .map(|k| k.key_columns().map(str::to_string).collect())
        .unwrap_or_default();
    let check = format!("{}_{}_check", p.name, columns.join("_"));
    if keep && !columns.is_empty() && check.len() <= MAX_IDENT_BYTES {
        cx.tx(format!(
            "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
            ident(&p.name),
            ident(&check)
        ));
    }
}

/// An index added to a partitioned table that exists, after the transaction: created `ON ONLY`
/// the parent (invalid, and instant: no rows are read), built on each partition
/// `CONCURRENTLY`, and each attached; the parent's index is valid once every partition's is.
/// (`CREATE INDEX CONCURRENTLY` on a partitioned table is an error.)
pub(super) fn create_index(cx: &mut Cx<'_>, table: &str, index: &Index, partitions: &[Partition]) {
    cx.online(on_only_sql(table, index));
    for p in partitions {
        let child = Index {
            name: partition_index_name(&p.name, &index.name),
            ..index.clone()
        };
        cx.online(super::defs::index_sql(&p.name, &child, true));
        cx.online(format!(
            "ALTER INDEX {} ATTACH PARTITION {}",
            ident(&index.name),
            ident(&child.name)
        ));
    }
}

/// `CREATE INDEX IF NOT EXISTS … ON ONLY parent …`.
fn on_only_sql(table: &str, ix: &Index) -> String {
    let mut s = format!(
        "CREATE {}INDEX IF NOT EXISTS {} ON ONLY {}",
        if ix.unique { "UNIQUE " } else { "" },
        ident(&ix.name),
        ident(table)
    );
    if ix.method != IndexMethod::Btree {
        s.push_str(" USING ");
        s.push_str(ix.method.as_str());
    }
    s.push_str(&format!(" ({})", idents(&ix.columns)));
    if let Some(p) = &ix.predicate {
        s.push_str(" WHERE ");
        s.push_str(p);
    }
    s
}

/// The name of a partition's share of index `index`: `<partition>_<index>`, cut to 63 bytes
/// with a short hash of the whole name kept at the end, so that two long names stay apart.
pub(super) fn partition_index_name(partition: &str, index: &str) -> String {
    let full = format!("{partition}_{index}");
    if full.len() <= MAX_IDENT_BYTES {
        return full;
    }
    let hash = full
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    let suffix = format!("_{:08x}", hash as u32);
    let mut cut = MAX_IDENT_BYTES - suffix.len();
    while !full.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &full[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_literals_but_for_minvalue_and_maxvalue() {
        assert_eq!(
            bound_sql(&PartitionBound::Range {
                from: vec!["minvalue".into()],
                to: vec!["2026-01-01".into()]
            }),
            "FOR VALUES FROM (MINVALUE) TO ('2026-01-01')"
        );
        assert_eq!(
            bound_sql(&PartitionBound::List(vec!["it's".into(), "b".into()])),
            "FOR VALUES IN ('it''s', 'b')"
        );
        assert_eq!(
            bound_sql(&PartitionBound::Hash {
                modulus: 4,
                remainder: 1
            }),
            "FOR VALUES WITH (MODULUS 4, REMAINDER 1)"
        );
    }

    #[test]
    fn long_partition_index_names_fit() {
        let n = partition_index_name(&"p".repeat(40), &"i".repeat(40));
        assert_eq!(n.len(), MAX_IDENT_BYTES);
        assert_ne!(n, partition_index_name(&"p".repeat(40), &"j".repeat(40)));
        assert_eq!(partition_index_name("events_p2026_01", "events_at_idx"), "events_p2026_01_events_at_idx");
    }
}
