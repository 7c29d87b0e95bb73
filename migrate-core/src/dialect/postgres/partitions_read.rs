//! Reading partitioned tables back: the partition key (`pg_get_partkeydef`) and each
//! partition's bound (`pg_get_expr(relpartbound)`), parsed into the model. The partitions are
//! not read as tables of their own (the tables query leaves out `relispartition`).

use std::collections::HashMap;

use sqlx::{PgConnection, Row};

use crate::db::DbError;
use crate::schema::{Partition, PartitionBound, PartitionKey, PartitionKind, Partitioning, Table};

/// The partitioned tables among `oids`, their key and their partitions (sorted by name).
const PARTITIONS_SQL: &str = "\
SELECT p.partrelid::int8 AS rel, pg_catalog.pg_get_partkeydef(p.partrelid) AS key, \
       coalesce(array_agg(c.relname::text ORDER BY c.relname) FILTER (WHERE c.oid IS NOT NULL), '{}') AS names, \
       coalesce(array_agg(pg_catalog.pg_get_expr(c.relpartbound, c.oid) ORDER BY c.relname) \
                FILTER (WHERE c.oid IS NOT NULL), '{}') AS bounds, \
       coalesce(array_agg(c.relname::text ORDER BY c.relname) FILTER (WHERE c.relkind = 'p'), '{}') AS nested \
FROM pg_catalog.pg_partitioned_table p \
LEFT JOIN pg_catalog.pg_inherits i ON i.inhparent = p.partrelid \
LEFT JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid \
WHERE p.partrelid = ANY($1::int8[]::oid[]) \
GROUP BY p.partrelid";

/// Reads the partitioning of the tables of `tables` (by oid) that are partitioned.
pub(super) async fn read(
    conn: &mut PgConnection,
    oids: &[i64],
    tables: &mut HashMap<i64, &mut Table>,
    notes: &mut Vec<String>,
) -> Result<(), DbError> {
    let rows = sqlx::query(PARTITIONS_SQL)
        .bind(oids)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| DbError::new(format!("cannot read the partitions of the database: {e}")))?;
    let get_err = |col: &str, e: sqlx::Error| {
        DbError::new(format!("unexpected catalog data in `{col}`: {e}"))
    };
    for row in &rows {
        let rel: i64 = row.try_get("rel").map_err(|e| get_err("rel", e))?;
        let Some(table) = tables.get_mut(&rel) else {
            continue;
        };
        let key: String = row.try_get("key").map_err(|e| get_err("key", e))?;
        let names: Vec<String> = row.try_get("names").map_err(|e| get_err("names", e))?;
        let bounds: Vec<String> = row.try_get("bounds").map_err(|e| get_err("bounds", e))?;
        let nested: Vec<String> = row.try_get("nested").map_err(|e| get_err("nested", e))?;
        let tname = table.name.clone();
        let Some((kind, keys)) = parse_key(&key) else {
            return Err(DbError::new(format!(
                "the partition key of `{tname}` ({key}) cannot be read"
            ))
            .with_help("the schema language reads partition keys of columns and expressions, without an operator class or collation"));
        };
        for n in &nested {
            notes.push(format!(
                "partition `{n}` of `{tname}` is partitioned itself: read as a plain partition (sub-partitions are not in the schema language)"
            ));
        }
        let mut partitions = Vec::new();
        for (name, bound) in names.into_iter().zip(bounds) {
            match parse_bound(&bound) {
                Some(b) => partitions.push(Partition { name, bound: b }),
                None => notes.push(format!(
                    "partition `{name}` of `{tname}` has a bound the schema language cannot write ({bound}): left out"
                )),
            }
        }
        table.partitioning = Some(Partitioning {
            kind,
            keys,
            partitions,
            ahead: None,
        });
    }
    Ok(())
}

/// `RANGE (a, (lower(b)))` → the kind and the key elements.
pub(super) fn parse_key(def: &str) -> Option<(PartitionKind, Vec<PartitionKey>)> {
    let def = def.trim();
    let open = def.find('(')?;
    let kind = PartitionKind::parse(def[..open].trim())?;
    let inner = def[open..].trim().strip_prefix('(')?.strip_suffix(')')?;
    let keys = split_top_level(inner)
        .into_iter()
        .map(|k| {
            let k = k.trim();
            match unquote_ident(k) {
                Some(c) => PartitionKey::Column(c),
                None => PartitionKey::Expression(strip_parens(k).to_string()),
            }
        })
        .collect();
    Some((kind, keys))
}

/// `FOR VALUES FROM ('a') TO (MAXVALUE)`, `FOR VALUES IN (1, 2)`,
/// `FOR VALUES WITH (modulus 4, remainder 0)` or `DEFAULT`.
pub(super) fn parse_bound(b: &str) -> Option<PartitionBound> {
    let b = b.trim();
    if b.eq_ignore_ascii_case("DEFAULT") {
        return Some(PartitionBound::Default);
    }
    let rest = b.strip_prefix("FOR VALUES ")?.trim();
    if let Some(r) = rest.strip_prefix("FROM ") {
        let to_at = find_top_level(r, " TO ")?;
        let from = values(r[..to_at].trim())?;
        let to = values(r[to_at + 4..].trim())?;
        return Some(PartitionBound::Range { from, to });
    }
    if let Some(r) = rest.strip_prefix("IN ") {
        return values(r.trim()).map(PartitionBound::List);
    }
    if let Some(r) = rest.strip_prefix("WITH ") {
        let inner = r.trim().strip_prefix('(')?.strip_suffix(')')?;
        let mut modulus = None;
        let mut remainder = None;
        for part in inner.split(',') {
            let mut words = part.split_whitespace();
            let (k, v) = (words.next()?, words.next()?.parse::<u32>().ok()?);
            match k.to_ascii_lowercase().as_str() {
                "modulus" => modulus = Some(v),
                "remainder" => remainder = Some(v),
                _ => return None,
            }
        }
        return Some(PartitionBound::Hash {
            modulus: modulus?,
            remainder: remainder?,
        });
    }
    None
}

/// `('a', 1, MINVALUE)` → `["a", "1", "minvalue"]`; `None` for a NULL or anything else.
fn values(list: &str) -> Option<Vec<String>> {
    let inner = list.strip_prefix('(')?.strip_suffix(')')?;
    split_top_level(inner)
        .into_iter()
        .map(|v| {
            let v = v.trim();
            if let Some(q) = v.strip_prefix('\'') {
                let body = q.strip_suffix('\'')?;
                Some(body.replace("''", "'"))
            } else if ["minvalue", "maxvalue", "true", "false"]
                .iter()
                .any(|w| v.eq_ignore_ascii_case(w))
            {
                Some(v.to_ascii_lowercase())
            } else if !v.is_empty()
                && v.trim_start_matches('-')
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.')
            {
                Some(v.to_string())
            } else {
                None
            }
        })
        .collect()
}

/// Splits at the commas outside parentheses and quotes.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut dquoted, mut start) = (0i32, false, false, 0);
    for (i, c) in s.char_indices() {
        match c {
            '\'' if !dquoted => quoted = !quoted,
            '"' if !quoted => dquoted = !dquoted,
            '(' if !quoted && !dquoted => depth += 1,
            ')' if !quoted && !dquoted => depth -= 1,
            ',' if !quoted && !dquoted && depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if !s[start..].trim().is_empty() {
        out.push(&s[start..]);
    }
    out
}

/// Where `needle` first occurs outside quotes and parentheses.
fn find_top_level(s: &str, needle: &str) -> Option<usize> {
    let (mut depth, mut quoted) = (0i32, false);
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            _ if !quoted && depth == 0 && s[i..].starts_with(needle) => return Some(i),
            _ => {}
        }
    }
    None
}

/// A column name as PostgreSQL writes it: bare (lowercase) or double-quoted.
fn unquote_ident(s: &str) -> Option<String> {
    if let Some(q) = s.strip_prefix('"') {
        let body = q.strip_suffix('"')?;
        if body.replace("\"\"", "").contains('"') {
            return None;
        }
        return Some(body.replace("\"\"", "\""));
    }
    let bare = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !s.starts_with(|c: char| c.is_ascii_digit() || c == '$');
    bare.then(|| s.to_string())
}

/// `(expr)` → `expr`, when the outer parentheses enclose the whole.
fn strip_parens(s: &str) -> &str {
    let t = s.trim();
    if !t.starts_with('(') {
        return t;
    }
    let (mut depth, mut quoted) = (0i32, false);
    for (i, c) in t.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return if i == t.len() - 1 { &t[1..i] } else { t };
                }
            }
            _ => {}
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(
            parse_key("RANGE (taken_on)"),
            Some((PartitionKind::Range, vec![PartitionKey::Column("taken_on".into())]))
        );
        assert_eq!(
            parse_key("LIST (\"Region\", (lower(name)))"),
            Some((
                PartitionKind::List,
                vec![
                    PartitionKey::Column("Region".into()),
                    PartitionKey::Expression("lower(name)".into())
                ]
            ))
        );
        assert_eq!(
            parse_key("HASH (id)").map(|k| k.0),
            Some(PartitionKind::Hash)
        );
    }

    #[test]
    fn bounds() {
        assert_eq!(
            parse_bound("FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"),
            Some(PartitionBound::Range {
                from: vec!["2025-01-01".into()],
                to: vec!["2026-01-01".into()]
            })
        );
        assert_eq!(
            parse_bound("FOR VALUES FROM (MINVALUE, 0) TO (10, MAXVALUE)"),
            Some(PartitionBound::Range {
                from: vec!["minvalue".into(), "0".into()],
                to: vec!["10".into(), "maxvalue".into()]
            })
        );
        assert_eq!(
            parse_bound("FOR VALUES IN ('it''s', 'a, b')"),
            Some(PartitionBound::List(vec!["it's".into(), "a, b".into()]))
        );
        assert_eq!(
            parse_bound("FOR VALUES WITH (modulus 4, remainder 3)"),
            Some(PartitionBound::Hash {
                modulus: 4,
                remainder: 3
            })
        );
        assert_eq!(parse_bound("DEFAULT"), Some(PartitionBound::Default));
        assert_eq!(parse_bound("FOR VALUES IN (NULL)"), None);
    }
}
