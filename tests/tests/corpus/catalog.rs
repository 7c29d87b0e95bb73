//! Comparing two databases' catalogs through `pg_dump --schema-only`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use migrate_core::config::Dialect;
use migrate_core::sql::split::split;
use migrate_tests::pg::client_program;

use super::shorten;

/// The schema of the database at `url` as `pg_dump --schema-only` prints it, normalized: one
/// statement per item, whitespace collapsed, comments, settings and ownership dropped, sorted.
/// The runner's history table is left out.
fn dump(url: &str) -> Result<Vec<String>, String> {
    let pg_dump = client_program("pg_dump").map_err(|e| e.to_string())?;
    let history = format!("public.{}", migrate_core::Migrator::DEFAULT_HISTORY_TABLE);
    let out = Command::new(&pg_dump)
        .args([
            "--schema-only",
            "--no-owner",
            "--exclude-table",
            &history,
            "-d",
            url,
        ])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", pg_dump.display()))?;
    if !out.status.success() {
        return Err(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    normalize_dump(&String::from_utf8_lossy(&out.stdout))
}

fn normalize_dump(text: &str) -> Result<Vec<String>, String> {
    let sql: String = text
        .lines()
        .filter(|l| !l.starts_with("--") && !l.starts_with('\\'))
        .map(|l| format!("{l}\n"))
        .collect();
    let statements = split(&sql, Dialect::Postgres).map_err(|e| format!("pg_dump output: {e}"))?;
    let mut out: Vec<String> = statements
        .into_iter()
        .map(|s| s.sql.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| {
            !s.is_empty()
                && !s.starts_with("SET ")
                && !s.starts_with("SELECT pg_catalog.set_config(")
        })
        .collect();
    out.sort();
    Ok(out)
}

/// What a statement of a dump creates, for a summary of differences.
fn kind(statement: &str) -> &'static str {
    const PREFIXES: &[(&str, &str)] = &[
        ("CREATE UNIQUE INDEX", "index"),
        ("CREATE INDEX", "index"),
        ("CREATE TABLE", "table"),
        ("CREATE UNLOGGED TABLE", "table"),
        ("CREATE MATERIALIZED VIEW", "materialized view"),
        ("CREATE VIEW", "view"),
        ("CREATE FUNCTION", "function"),
        ("CREATE PROCEDURE", "procedure"),
        ("CREATE AGGREGATE", "aggregate"),
        ("CREATE TRIGGER", "trigger"),
        ("CREATE CONSTRAINT TRIGGER", "trigger"),
        ("CREATE EVENT TRIGGER", "event trigger"),
        ("CREATE SEQUENCE", "sequence"),
        ("ALTER SEQUENCE", "sequence"),
        ("CREATE TYPE", "type"),
        ("CREATE DOMAIN", "domain"),
        ("CREATE EXTENSION", "extension"),
        ("COMMENT ON", "comment"),
        ("CREATE POLICY", "policy"),
        ("GRANT", "grant"),
        ("REVOKE", "grant"),
        ("CREATE OPERATOR", "operator"),
        ("ALTER INDEX", "index"),
        ("CREATE SCHEMA", "schema"),
        ("CREATE RULE", "rule"),
        ("CREATE TEXT SEARCH", "text search"),
        ("CREATE COLLATION", "collation"),
        ("CREATE CAST", "cast"),
    ];
    if let Some((_, k)) = PREFIXES.iter().find(|(p, _)| statement.starts_with(p)) {
        return k;
    }
    const ALTER_TABLE: &[(&str, &str)] = &[
        (" FOREIGN KEY ", "foreign key"),
        (" PRIMARY KEY ", "primary key"),
        (" UNIQUE ", "unique constraint"),
        (" CHECK ", "check"),
        (" EXCLUDE ", "exclusion constraint"),
        (" ADD GENERATED ", "identity"),
        (" SET DEFAULT ", "default"),
        (" ATTACH PARTITION ", "partition"),
        (" ROW LEVEL SECURITY", "row level security"),
        (" INHERIT ", "inheritance"),
    ];
    if statement.starts_with("ALTER TABLE") {
        return ALTER_TABLE
            .iter()
            .find(|(needle, _)| statement.contains(needle))
            .map_or("other ALTER TABLE", |(_, k)| k);
    }
    "other"
}

/// `a` minus `b`, both sorted.
fn missing_from<'a>(a: &'a [String], b: &[String]) -> Vec<&'a String> {
    let mut out = Vec::new();
    let mut j = 0;
    for s in a {
        while j < b.len() && b[j] < *s {
            j += 1;
        }
        if j < b.len() && b[j] == *s {
            j += 1;
        } else {
            out.push(s);
        }
    }
    out
}

fn summary(statements: &[&String]) -> String {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for s in statements {
        *kinds.entry(kind(s)).or_default() += 1;
    }
    kinds
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The two catalogs must hold the same statements; the differences go to `catalog.diff`.
pub fn compare_catalogs(source: &str, copy: &str, work: &Path) -> Result<(), String> {
    let (a, b) = (dump(source)?, dump(copy)?);
    let lost = missing_from(&a, &b);
    let added = missing_from(&b, &a);
    if lost.is_empty() && added.is_empty() {
        return Ok(());
    }
    let mut listing = String::new();
    for s in &lost {
        let _ = writeln!(listing, "- {s}");
    }
    for s in &added {
        let _ = writeln!(listing, "+ {s}");
    }
    let _ = std::fs::write(work.join("catalog.diff"), listing);
    let mut parts = Vec::new();
    if !lost.is_empty() {
        parts.push(format!("lost {}", summary(&lost)));
    }
    if !added.is_empty() {
        parts.push(format!("added {}", summary(&added)));
    }
    let example = lost
        .first()
        .or(added.first())
        .map_or(String::new(), |s| format!("; first: `{}`", shorten(s, 120)));
    Err(format!("{}{example}", parts.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumps_are_compared_without_order_comments_or_settings() {
        let a = "--\n-- Name: t\n--\nSET x = 1;\nSELECT pg_catalog.set_config('search_path', '', false);\n\
                 CREATE TABLE public.t (\n    id integer\n);\nCREATE FUNCTION public.f() RETURNS int\n    LANGUAGE sql\n    AS $$ SELECT 1; $$;\n\\restrict abc\n";
        let b = "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n\nCREATE TABLE public.t ( id integer );\n";
        assert_eq!(normalize_dump(a).unwrap(), normalize_dump(b).unwrap());
        assert_eq!(normalize_dump(a).unwrap().len(), 2);
        let c = "CREATE TABLE public.t ( id bigint );\n";
        assert_ne!(normalize_dump(a).unwrap(), normalize_dump(c).unwrap());

        let left = normalize_dump(
            "CREATE TABLE a (x int); CREATE INDEX i ON a (x); CREATE VIEW v AS SELECT 1;",
        )
        .unwrap();
        let right = normalize_dump(
            "CREATE TABLE a (x int); ALTER TABLE ONLY a ADD CONSTRAINT a_x_check CHECK (x > 0);",
        )
        .unwrap();
        let lost = missing_from(&left, &right);
        assert_eq!(summary(&lost), "1 index, 1 view");
        assert_eq!(summary(&missing_from(&right, &left)), "1 check");
    }
}
