//! What a PostgreSQL database holds besides its tables, enums and declared objects (views,
//! functions, triggers: [`super::introspect_objects`]): its extensions (read whether or not it
//! has tables), its domains and sequences of their own, and every object the schema language
//! does not represent (policies, grants, rules, event triggers, foreign tables, operators,
//! inheritance, ...), listed in one note per kind with a count, so that nothing `pull` or `diff`
//! reads is lost without a word. [`QUERIES`] catalog queries.

use std::collections::BTreeMap;

use sqlx::{PgConnection, Row};

use crate::db::DbError;
use crate::schema::{Check, ColumnType, Domain, Sequence};

/// Not a member of an extension: `{oid}` of catalog `{class}`.
fn own(oid: &str, class: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.{class}'::regclass \
         AND e.objid = {oid} AND e.deptype = 'e')"
    )
}

/// How many catalog queries [`read`], [`read_domains`] and [`read_sequences`] run.
pub(super) const QUERIES: usize = 3;

/// `(kind, name)` of every object the schema language does not represent, in the schemas `$1`;
/// and one row `('extension', name)` per extension but plpgsql.
fn objects_sql() -> String {
    let rel = |kinds: &str, kind: &str| {
        format!(
            "SELECT '{kind}', c.relname::text FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ({kinds}) AND n.nspname = ANY($1) AND {}",
            own("c.oid", "pg_class")
        )
    };
    let proc = |kinds: &str, kind: &str| {
        format!(
            "SELECT '{kind}', format('%s(%s)', p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) \
             FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace \
             WHERE p.prokind IN ({kinds}) AND n.nspname = ANY($1) AND {}",
            own("p.oid", "pg_proc")
        )
    };
    let ty = |kinds: &str, kind: &str| {
        format!(
            "SELECT '{kind}', t.typname::text FROM pg_catalog.pg_type t \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
             LEFT JOIN pg_catalog.pg_class r ON r.oid = t.typrelid \
             WHERE t.typtype IN ({kinds}) AND (t.typrelid = 0 OR r.relkind = 'c') \
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid) \
               AND n.nspname = ANY($1) AND {}",
            own("t.oid", "pg_type")
        )
    };
    // A table's own objects: a policy, a rule, a trigger, a grant.
    let on_table = "JOIN pg_catalog.pg_class c ON c.oid = {rel} \
                    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace";
    let on = |rel: &str| on_table.replace("{rel}", rel);
    let parts = [
        "SELECT 'extension', extname::text FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql'"
            .to_string(),
        format!(
            "SELECT 'policy', format('%s on %s', p.polname, c.relname) FROM pg_catalog.pg_policy p {} \
             WHERE n.nspname = ANY($1)",
            on("p.polrelid")
        ),
        format!(
            "SELECT 'row-level security', c.relname::text FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relrowsecurity AND n.nspname = ANY($1) AND {}",
            own("c.oid", "pg_class")
        ),
        format!(
            "SELECT 'grant', format('on %s', c.relname) FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') \
               AND n.nspname = ANY($1) AND {}",
            own("c.oid", "pg_class")
        ),
        format!(
            "SELECT 'rule', format('%s on %s', r.rulename, c.relname) FROM pg_catalog.pg_rewrite r {} \
             WHERE r.rulename <> '_RETURN' AND n.nspname = ANY($1)",
            on("r.ev_class")
        ),
        format!(
            "SELECT 'trigger', format('%s on %s', t.tgname, c.relname) FROM pg_catalog.pg_trigger t {} \
             WHERE NOT t.tgisinternal AND n.nspname = ANY($1) AND {}",
            on("t.tgrelid"),
            own("c.oid", "pg_class")
        ),
        "SELECT 'event trigger', evtname::text FROM pg_catalog.pg_event_trigger e0 \
         WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_event_trigger'::regclass \
         AND e.objid = e0.oid AND e.deptype = 'e')"
            .to_string(),
        format!(
            "SELECT 'inheritance', format('%s inherits from %s', c.relname, p.relname) \
             FROM pg_catalog.pg_inherits i {} JOIN pg_catalog.pg_class p ON p.oid = i.inhparent \
             WHERE NOT c.relispartition AND c.relkind IN ('r', 'p', 'f') AND n.nspname = ANY($1)",
            on("i.inhrelid")
        ),
        rel("'f'", "foreign table"),
        rel("'v'", "view"),
        rel("'m'", "materialized view"),
        // A sequence no column owns (a serial's and an identity's are read with the column).
        format!(
            "{} AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass \
             AND d.objid = c.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i'))",
            rel("'S'", "sequence")
        ),
        proc("'f'", "function"),
        proc("'p'", "procedure"),
        proc("'a'", "aggregate"),
        proc("'w'", "window function"),
        format!(
            "SELECT 'operator', format('%s(%s, %s)', o.oprname, o.oprleft::regtype, o.oprright::regtype) \
             FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace \
             WHERE n.nspname = ANY($1) AND {}",
            own("o.oid", "pg_operator")
        ),
        ty("'d'", "domain"),
        ty("'c'", "composite type"),
        ty("'r'", "range type"),
        ty("'b'", "base type"),
        format!(
            "SELECT 'collation', co.collname::text FROM pg_catalog.pg_collation co \
             JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace \
             WHERE n.nspname = ANY($1) AND {}",
            own("co.oid", "pg_collation")
        ),
        format!(
            "SELECT 'text search configuration', cf.cfgname::text FROM pg_catalog.pg_ts_config cf \
             JOIN pg_catalog.pg_namespace n ON n.oid = cf.cfgnamespace \
             WHERE n.nspname = ANY($1) AND {}",
            own("cf.oid", "pg_ts_config")
        ),
        "SELECT 'statistics object', s.stxname::text FROM pg_catalog.pg_statistic_ext s \
         JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace WHERE n.nspname = ANY($1)"
            .to_string(),
        "SELECT 'publication', pubname::text FROM pg_catalog.pg_publication".to_string(),
    ];
    format!(
        "SELECT kind::text AS kind, name::text AS name FROM ({}) o(kind, name) ORDER BY 1, 2",
        parts.join(" UNION ALL ")
    )
}

/// The domains of `$1`, with their checks (name, definition, validated: three items each).
fn domains_sql() -> String {
    format!(
        "SELECT t.typname::text AS name, pg_catalog.format_type(t.typbasetype, t.typtypmod) AS base, \
                b.typname::text AS base_name, bn.nspname::text AS base_schema, \
                t.typnotnull AS not_null, t.typdefault AS default_expr, \
                CASE WHEN t.typcollation <> b.typcollation THEN co.collname::text END AS collation, \
                d.description AS comment, \
                coalesce((SELECT array_agg(u.v ORDER BY c.conname, u.o) \
                          FROM pg_catalog.pg_constraint c, \
                               unnest(ARRAY[c.conname::text, pg_catalog.pg_get_constraintdef(c.oid, true), \
                                            c.convalidated::text]) WITH ORDINALITY u(v, o) \
                          WHERE c.contypid = t.oid AND c.contype = 'c'), '{{}}') AS checks \
         FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype \
         JOIN pg_catalog.pg_namespace bn ON bn.oid = b.typnamespace \
         LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation \
         LEFT JOIN pg_catalog.pg_description d \
           ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0 \
         WHERE t.typtype = 'd' AND n.nspname = ANY($1) AND {} \
         ORDER BY t.typname",
        own("t.oid", "pg_type")
    )
}

/// The sequences of `$1` but an identity's, with the column that owns each (`OWNED BY`), and
/// whether that column is a `serial` (a NOT NULL integer defaulting to it: read as an identity).
fn sequences_sql() -> String {
    format!(
        "SELECT c.relname::text AS name, pg_catalog.format_type(s.seqtypid, NULL) AS type, \
                s.seqstart AS start, s.seqincrement AS increment, s.seqmin AS min, s.seqmax AS max, \
                s.seqcache AS cache, s.seqcycle AS cycle, \
                oc.relname::text AS owner_table, a.attname::text AS owner_column, \
                coalesce(a.attnotnull AND a.atttypid IN (21, 23, 20) \
                         AND pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) LIKE 'nextval(%', false) AS serial \
         FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid \
         LEFT JOIN pg_catalog.pg_depend dep ON dep.classid = 'pg_catalog.pg_class'::regclass AND dep.objid = c.oid \
              AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.deptype = 'a' \
         LEFT JOIN pg_catalog.pg_class oc ON oc.oid = dep.refobjid \
         LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid \
         LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
         WHERE c.relkind = 'S' AND n.nspname = ANY($1) AND {} \
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = 'pg_catalog.pg_class'::regclass \
                           AND i.objid = c.oid AND i.deptype = 'i') \
         ORDER BY c.relname",
        own("c.oid", "pg_class")
    )
}

fn text(row: &sqlx::postgres::PgRow, col: &str) -> Result<String, DbError> {
    row.try_get(col)
        .map_err(|e| DbError::new(format!("unexpected catalog data in `{col}`: {e}")))
}

fn value<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(
    row: &'r sqlx::postgres::PgRow,
    col: &str,
) -> Result<T, DbError> {
    row.try_get(col)
        .map_err(|e| DbError::new(format!("unexpected catalog data in `{col}`: {e}")))
}

/// The model type of a domain's base type: `parse` maps PostgreSQL's spelling of a built-in one,
/// anything else is kept verbatim.
pub(crate) async fn read_domains(
    conn: &mut PgConnection,
    schemas: &[String],
    parse: impl Fn(&str) -> ColumnType,
) -> Result<Vec<Domain>, DbError> {
    let rows = sqlx::query(&domains_sql())
        .bind(schemas)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| DbError::new(format!("cannot read the domains of the database: {e}")))?;
    let mut out = Vec::new();
    for row in &rows {
        let mut checks = Vec::new();
        for triple in value::<Vec<String>>(row, "checks")?.chunks(3) {
            let [name, def, validated] = triple else {
                return Err(DbError::new("unexpected catalog data in `checks`"));
            };
            let def = def.trim_end_matches(" NOT VALID");
            let expr = def
                .strip_prefix("CHECK (")
                .and_then(|d| d.strip_suffix(')'))
                .unwrap_or(def)
                .to_string();
            checks.push(Check {
                name: name.clone(),
                expr,
                not_valid: validated != "true",
            });
        }
        out.push(Domain {
            name: text(row, "name")?,
            ty: parse(&text(row, "base")?),
            not_null: value(row, "not_null")?,
            default: value(row, "default_expr")?,
            collation: value(row, "collation")?,
            checks,
            comment: value(row, "comment")?,
        });
    }
    Ok(out)
}

/// The sequences of their own: not an identity's, nor a serial column's (read as an identity).
pub(crate) async fn read_sequences(
    conn: &mut PgConnection,
    schemas: &[String],
) -> Result<Vec<Sequence>, DbError> {
    let rows = sqlx::query(&sequences_sql())
        .bind(schemas)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| DbError::new(format!("cannot read the sequences of the database: {e}")))?;
    let mut out = Vec::new();
    for row in &rows {
        if value::<bool>(row, "serial")? {
            continue;
        }
        let ty = match text(row, "type")?.as_str() {
            "smallint" => ColumnType::SmallInt,
            "integer" => ColumnType::Integer,
            _ => ColumnType::BigInt,
        };
        let owner_table: Option<String> = value(row, "owner_table")?;
        let owner_column: Option<String> = value(row, "owner_column")?;
        let s = Sequence {
            name: text(row, "name")?,
            ty,
            start: Some(value(row, "start")?),
            increment: value(row, "increment")?,
            min: Some(value(row, "min")?),
            max: Some(value(row, "max")?),
            cycle: value(row, "cycle")?,
            cache: value(row, "cache")?,
            owned_by: owner_table.zip(owner_column).map(|(t, c)| format!("{t}.{c}")),
        };
        out.push(s.canonical());
    }
    Ok(out)
}

/// A type as `format_type` spells it, as the schema language does (`character varying(20)` is
/// `varchar(20)`, `timestamp without time zone` is `timestamp`; a precision of the time types
/// has no spelling in the language and is left out).
pub(crate) fn schema_spelling(formatted: &str) -> String {
    let (elem, array) = match formatted.strip_suffix("[]") {
        Some(e) => (e, "[]"),
        None => (formatted, ""),
    };
    let time = |name: &str, zone: bool| {
        let rest = elem.strip_prefix(name)?;
        let rest = match rest.strip_prefix('(') {
            Some(r) => r.split_once(')')?.1,
            None => rest,
        };
        match (rest, zone) {
            (" without time zone", _) => Some(name.to_string()),
            (" with time zone", true) => Some(format!("{name}tz")),
            _ => None,
        }
    };
    let spelled = if let Some(t) = time("timestamp", true).or_else(|| time("time", false)) {
        t
    } else if let Some(n) = elem.strip_prefix("character varying") {
        format!("varchar{n}")
    } else if let Some(n) = elem.strip_prefix("character") {
        format!("char{n}")
    } else if elem == "double precision" {
        "double".to_string()
    } else {
        elem.to_string()
    };
    format!("{spelled}{array}")
}

/// What [`read`] finds.
pub(crate) struct Objects {
    /// The extensions, but plpgsql, sorted.
    pub extensions: Vec<String>,
    /// One note per kind of object the schema language does not represent.
    pub notes: Vec<String>,
}

/// The kinds the reader of tables represents itself, or notes one by one: not noted again.
pub(crate) type Represented<'a> = &'a [&'a str];

/// Reads the extensions and the objects of `schemas` the schema language does not represent,
/// leaving out the kinds in `represented`.
pub(crate) async fn read(
    conn: &mut PgConnection,
    schemas: &[String],
    represented: Represented<'_>,
) -> Result<Objects, DbError> {
    let rows = sqlx::query(&objects_sql())
        .bind(schemas)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| DbError::new(format!("cannot read the objects of the database: {e}")))?;
    let mut extensions = Vec::new();
    let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in &rows {
        let kind: String = row
            .try_get("kind")
            .map_err(|e| DbError::new(format!("unexpected catalog data in `kind`: {e}")))?;
        let name: String = row
            .try_get("name")
            .map_err(|e| DbError::new(format!("unexpected catalog data in `name`: {e}")))?;
        if kind == "extension" {
            extensions.push(name);
        } else if !represented.contains(&kind.as_str()) {
            kinds.entry(kind).or_default().push(name);
        }
    }
    extensions.sort();
    let notes = kinds
        .into_iter()
        .map(|(kind, names)| note(&kind, &names))
        .collect();
    Ok(Objects { extensions, notes })
}

/// `2 policies are not in the schema language, not read: `a on t`, `b on t``.
fn note(kind: &str, names: &[String]) -> String {
    let plural = match (names.len(), kind) {
        (1, _) => kind.to_string(),
        (_, "row-level security") => kind.to_string(),
        (_, "policy") => "policies".to_string(),
        (_, "inheritance") => "inheritances".to_string(),
        (_, k) => format!("{k}s"),
    };
    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let what = match kind {
        "inheritance" => "table inheritance is not in the schema language: each child is read as a table of its own, holding its parent's columns",
        "row-level security" => "row-level security is not in the schema language, not read",
        "grant" => "grants are not in the schema language, not read",
        _ => "not in the schema language, not read",
    };
    format!("{} {plural} ({what}): {}", names.len(), listed.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_spelled_as_the_schema_language_does() {
        for (pg, schema) in [
            ("timestamp without time zone", "timestamp"),
            ("timestamp(3) with time zone", "timestamptz"),
            ("time without time zone", "time"),
            ("character varying(20)", "varchar(20)"),
            ("character varying", "varchar"),
            ("character(2)", "char(2)"),
            ("double precision", "double"),
            ("integer[]", "integer[]"),
            ("numeric(10,2)", "numeric(10,2)"),
        ] {
            assert_eq!(schema_spelling(pg), schema, "{pg}");
        }
    }

    #[test]
    fn one_note_per_kind_with_its_count() {
        assert_eq!(
            note("policy", &["a on t".into(), "b on t".into()]),
            "2 policies (not in the schema language, not read): `a on t`, `b on t`"
        );
        assert_eq!(
            note("grant", &["on t".into()]),
            "1 grant (grants are not in the schema language, not read): `on t`"
        );
        assert!(note("inheritance", &["a inherits from b".into()]).contains("table of its own"));
    }
}
