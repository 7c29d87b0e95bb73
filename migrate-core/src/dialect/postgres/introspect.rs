//! Reading a PostgreSQL database: [`QUERIES`] catalog queries in one read-only snapshot, whatever
//! the number of tables.
//!
//! 1. enums, with their labels in order and their comments;
//! 2. tables, with their comments;
//! 3. columns: type (resolved to the element type for arrays), type modifier, NOT NULL,
//!    identity, default (`pg_get_expr` without the relation: a default names no column, and
//!    deparsing with it costs three times as much; with it for a generated column's expression,
//!    which names columns), comment;
//! 4. constraints: primary keys, unique constraints, foreign keys, checks (`pg_get_expr`);
//! 5. indexes: keys (columns or expressions, `pg_get_indexdef` of each), order and NULLs, a
//!    non-default operator class or collation, `INCLUDE`, method, uniqueness, `NULLS NOT
//!    DISTINCT`, predicate. A unique constraint is read with the constraints, as one;
//! 6. partitioned tables: the partition key and each partition's bound (`partitions_read.rs`);
//! 7. views and materialized views, functions, procedures and aggregates, triggers
//!    (`introspect_objects.rs`);
//! 8. the extensions, and every object the language does not represent, one note per kind
//!    (`extras.rs`: the kinds of `REPRESENTED` are read above, or noted one by one);
//! 9. domains, with their checks;
//! 10. sequences of their own (not an identity's or a serial column's).
//!
//! Objects that belong to an extension, the history table, and the temporary NOT NULL checks a
//! migration creates and drops again are left out. Expressions come back in PostgreSQL's
//! spelling and are made canonical with [`crate::introspect::expr`].

use std::collections::HashMap;

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use crate::introspect::{Introspected, Options, context_of, expr};
use crate::db::DbError;
use crate::schema::types::VERBATIM_TYPES;
use crate::sql::ident;
use crate::schema::{
    Check, Column, ColumnType, Deferrable, Domain, Enum, FkAction, ForeignKey, Identity,
    IdentityOptions, Index, IndexKey, IndexMethod, Objects, PrimaryKey, Schema, Sequence, Table,
};

/// How many catalog queries `introspect` runs, whatever the number of tables.
pub const QUERIES: usize = 6 + super::introspect_objects::QUERIES + super::extras::QUERIES;

/// The kinds of object the catalog reader reads (domains, sequences of their own, and what
/// [`super::introspect_objects`] reads), or notes one by one when it cannot (a window function,
/// a constraint trigger): not noted again among the objects the language does not represent.
/// Partitioned tables and their partitions are read with the tables (a partition is no
/// `inheritance` note either).
pub(crate) const REPRESENTED: &[&str] = &[
    "domain",
    "sequence",
    "view",
    "materialized view",
    "function",
    "procedure",
    "aggregate",
    "window function",
    "trigger",
];

/// Not a member of an extension.
const NOT_EXTENSION: &str = "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d \
     WHERE d.objid = {oid} AND d.classid = {class}::regclass AND d.deptype = 'e')";

fn not_extension(oid: &str, class: &str) -> String {
    NOT_EXTENSION
        .replace("{oid}", oid)
        .replace("{class}", &format!("'pg_catalog.{class}'"))
}

fn enums_sql() -> String {
    format!(
        "SELECT t.oid::int8 AS oid, n.nspname::text AS schema, t.typname::text AS name, \
                d.description AS comment, \
                array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels \
         FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid \
         LEFT JOIN pg_catalog.pg_description d \
           ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0 \
         WHERE t.typtype = 'e' AND n.nspname = ANY($1) AND {} \
         GROUP BY t.oid, n.nspname, t.typname, d.description",
        not_extension("t.oid", "pg_type")
    )
}

// The catalog queries are written so that their plans cannot depend on the catalogs'
// statistics, which are often stale (a database whose tables were all just created, before
// autovacuum analyzes the catalogs): a join the planner believes to be small becomes a nested loop
// over a sequential scan, quadratic in the tables. So comments and extension members are read in
// one pass each, into one value (an aggregate without `GROUP BY` is one row, whatever the
// statistics say), and looked up per row: a jsonb object by key, in logarithmic time. The
// columns' comments stay a join: both sides are read in full and sorted by relation and column
// anyway, and with stale statistics the plans measured are a hash or a merge join (a `LATERAL`
// probe of `pg_description` per column was linear too, but 60% slower at 50,000 columns).

fn tables_sql() -> &'static str {
    "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, \
            d.comments ->> c.oid::text AS comment, c.relpersistence = 'u' AS unlogged \
     FROM pg_catalog.pg_class c \
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     CROSS JOIN (SELECT jsonb_object_agg(objoid::text, description) AS comments \
                 FROM pg_catalog.pg_description \
                 WHERE classoid = 'pg_catalog.pg_class'::regclass AND objsubid = 0) d \
     CROSS JOIN (SELECT coalesce(jsonb_object_agg(objid::text, true), '{}') AS members \
                 FROM pg_catalog.pg_depend \
                 WHERE classid = 'pg_catalog.pg_class'::regclass AND deptype = 'e') e \
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition \
       AND n.nspname = ANY($1) AND NOT (c.relname = $2 AND ($3::text IS NULL OR n.nspname = $3)) \
       AND NOT e.members ? c.oid::text"
}

const COLUMNS_SQL: &str = "\
SELECT a.attrelid::int8 AS rel, a.attnum::int4 AS num, a.attname::text AS name, \
       a.attnotnull AS not_null, a.attidentity::text AS identity, a.attgenerated::text AS generated, \
       a.atttypmod AS typmod, format_type(a.atttypid, a.atttypmod) AS formatted, \
       (t.typcategory = 'A' AND t.typelem <> 0) AS is_array, \
       b.oid::int8 AS base_oid, b.typname::text AS base_name, b.typtype::text AS base_kind, \
       bn.nspname::text AS base_schema, \
       pg_catalog.pg_get_expr(ad.adbin, CASE WHEN a.attgenerated <> '' THEN a.attrelid ELSE 0 END, true) \
         AS default_expr, \
       d.description AS comment, \
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 \
            THEN (SELECT co.collname::text FROM pg_catalog.pg_collation co WHERE co.oid = a.attcollation) \
       END AS collation, \
       sq.seqstart AS seq_start, sq.seqincrement AS seq_increment, sq.seqmin AS seq_min, \
       sq.seqmax AS seq_max, sq.seqcycle AS seq_cycle, sq.seqcache AS seq_cache, \
       sc.relname::text AS seq_name, \
       EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep \
               WHERE dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.refobjid = a.attrelid \
                 AND dep.refobjsubid = a.attnum AND dep.classid = 'pg_catalog.pg_class'::regclass \
                 AND dep.deptype = 'a') AS owns_sequence \
FROM pg_catalog.pg_attribute a \
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid \
JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END \
JOIN pg_catalog.pg_namespace bn ON bn.oid = b.typnamespace \
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
LEFT JOIN (pg_catalog.pg_depend sd \
           JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = sd.objid \
           JOIN pg_catalog.pg_class sc ON sc.oid = sd.objid) \
  ON a.attidentity <> '' AND sd.classid = 'pg_catalog.pg_class'::regclass \
     AND sd.refclassid = 'pg_catalog.pg_class'::regclass AND sd.refobjid = a.attrelid \
     AND sd.refobjsubid = a.attnum AND sd.deptype = 'i' \
LEFT JOIN pg_catalog.pg_description d \
  ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum \
WHERE a.attrelid = ANY($1::int8[]::oid[]) AND a.attnum > 0 AND NOT a.attisdropped \
ORDER BY a.attrelid, a.attnum";

const CONSTRAINTS_SQL: &str = "\
SELECT c.conrelid::int8 AS rel, c.conname::text AS name, c.contype::text AS kind, \
       c.conkey::int4[] AS cols, c.confrelid::int8 AS ref_rel, c.confkey::int4[] AS ref_cols, \
       c.confupdtype::text AS on_update, c.confdeltype::text AS on_delete, \
       c.confmatchtype::text AS match_type, c.condeferrable AS deferrable, \
       NOT c.convalidated AS not_valid, \
       CASE WHEN jsonb_typeof(to_jsonb(c) -> 'confdelsetcols') = 'array' \
            THEN ARRAY(SELECT x::int4 FROM jsonb_array_elements_text(to_jsonb(c) -> 'confdelsetcols') x) \
       END AS delete_set_cols, \
       pg_catalog.pg_get_expr(c.conbin, c.conrelid, true) AS expr, \
       c.condeferred AS deferred, \
       coalesce((to_jsonb(ix) ->> 'indnullsnotdistinct')::bool, false) AS nulls_not_distinct, \
       ARRAY(SELECT ix.indkey[k.n - 1]::int4 \
             FROM generate_series(ix.indnkeyatts + 1, array_length(ix.indkey::int2[], 1)) k(n) \
             ORDER BY k.n) AS include_cols \
FROM pg_catalog.pg_constraint c \
LEFT JOIN pg_catalog.pg_index ix ON ix.indexrelid = c.conindid AND c.contype = 'u' \
WHERE c.conrelid = ANY($1::int8[]::oid[]) AND c.contype IN ('p', 'u', 'f', 'c', 'x') \
ORDER BY c.conrelid, c.conname";

const INDEXES_SQL: &str = "\
SELECT i.indrelid::int8 AS rel, ic.relname::text AS name, i.indisunique AS is_unique, \
       i.indkey::text AS cols, i.indnkeyatts::int4 AS key_count, \
       i.indexprs IS NOT NULL AS has_exprs, i.indoption::text AS options, \
       am.amname::text AS method, \
       CASE WHEN i.indpred IS NOT NULL \
            THEN pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) END AS predicate, \
       coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::bool, false) AS nulls_not_distinct, \
       ARRAY(SELECT coalesce(pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true), '') \
             FROM generate_series(1, i.indnkeyatts::int) k(n) ORDER BY k.n) AS key_defs, \
       ARRAY(SELECT CASE WHEN oc.opcdefault THEN '' \
                         WHEN ocn.nspname = 'pg_catalog' THEN oc.opcname::text \
                         ELSE ocn.nspname::text || '.' || oc.opcname::text END \
             FROM generate_series(1, i.indnkeyatts::int) k(n) \
             JOIN pg_catalog.pg_opclass oc ON oc.oid = i.indclass[k.n - 1] \
             JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace \
             ORDER BY k.n) AS opclasses, \
       ARRAY(SELECT CASE WHEN i.indcollation[k.n - 1] IN (0, coalesce(a.attcollation, 100)) THEN '' \
                         ELSE coalesce(co.collname::text, '') END \
             FROM generate_series(1, i.indnkeyatts::int) k(n) \
             LEFT JOIN pg_catalog.pg_attribute a \
               ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n - 1] AND i.indkey[k.n - 1] <> 0 \
             LEFT JOIN pg_catalog.pg_collation co ON co.oid = i.indcollation[k.n - 1] \
             ORDER BY k.n) AS collations, \
       (SELECT string_agg(DISTINCT pn.nspname || '.' || p.proname, ', ') \
        FROM pg_catalog.pg_depend d \
        JOIN pg_catalog.pg_proc p ON p.oid = d.refobjid \
        JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace \
        WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = i.indexrelid \
          AND d.refclassid = 'pg_catalog.pg_proc'::regclass AND pn.nspname <> 'pg_catalog' \
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e \
                          WHERE e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid \
                            AND e.deptype = 'e')) AS own_functions \
FROM pg_catalog.pg_index i \
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
JOIN pg_catalog.pg_am am ON am.oid = ic.relam \
WHERE i.indrelid = ANY($1::int8[]::oid[]) \
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c \
                  WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) \
ORDER BY i.indrelid, ic.relname";

fn query_error(what: &str, e: &sqlx::Error) -> DbError {
    DbError::new(format!("cannot read the {what} of the database: {e}"))
}

fn get<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(
    row: &'r PgRow,
    col: &str,
) -> Result<T, DbError> {
    row.try_get(col)
        .map_err(|e| DbError::new(format!("unexpected catalog data in `{col}`: {e}")))
}

/// Reads the schemas of `opts` in one read-only snapshot.
pub(crate) async fn introspect(conn: &mut PgConnection, opts: &Options) -> Result<Introspected, DbError> {
    sqlx::raw_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *conn)
        .await
        .map_err(|e| query_error("catalog", &e))?;
    let result = read(conn, opts).await;
    // Read-only: ending the transaction either way changes nothing.
    let end = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
    let out = result?;
    end.map_err(|e| query_error("catalog", &e))?;
    Ok(out)
}

/// A table read, with what the later queries need to know of it.
struct TableInfo {
    schema: String,
    table: Table,
    /// attnum → column name.
    attnums: HashMap<i32, String>,
}

impl TableInfo {
    /// The names of the columns numbered `nums`; `None` when one of them is not read.
    fn names_of(&self, nums: &[i32]) -> Option<Vec<String>> {
        nums.iter().map(|n| self.attnums.get(n).cloned()).collect()
    }
}

/// What the catalog says so far: filled query by query ([`read`]), then made the schema read
/// ([`Catalog::finish`]).
struct Catalog<'o> {
    opts: &'o Options,
    /// What was read otherwise than the catalog holds it, or left out.
    notes: Vec<String>,
    enums: Vec<Enum>,
    /// An enum's oid → its name.
    enum_oids: HashMap<i64, String>,
    /// An enum's name → its schema.
    enum_schemas: HashMap<String, String>,
    /// The extensions, but the default plpgsql.
    extensions: Vec<String>,
    /// Domains, with their checks.
    domains: Vec<Domain>,
    /// Sequences of their own.
    sequences: Vec<Sequence>,
    /// The tables read, by oid.
    tables: HashMap<i64, TableInfo>,
    /// A table's name → its schema.
    table_schemas: HashMap<String, String>,
    /// The oids of the tables read: what the later queries ask about.
    oids: Vec<i64>,
    /// The types the language does not model (`external_types`).
    external: Vec<String>,
    /// Views, functions and triggers.
    objects: Objects,
}

/// A constraint of a table read, its columns known.
struct Constraint {
    rel: i64,
    table: String,
    name: String,
    columns: Vec<String>,
}

async fn read(conn: &mut PgConnection, opts: &Options) -> Result<Introspected, DbError> {
    let mut catalog = Catalog::new(opts);
    catalog.read_enums(conn).await?;
    catalog.read_tables(conn).await?;
    catalog.read_columns(conn).await?;
    catalog.read_constraints(conn).await?;
    catalog.read_indexes(conn).await?;
    catalog.read_partitions(conn).await?;
    catalog.objects =
        super::introspect_objects::read(conn, &opts.schemas, &mut catalog.notes).await?;
    catalog.read_extras(conn).await?;
    Ok(catalog.finish())
}

impl<'o> Catalog<'o> {
    fn new(opts: &'o Options) -> Catalog<'o> {
        Catalog {
            opts,
            notes: Vec::new(),
            enums: Vec::new(),
            enum_oids: HashMap::new(),
            enum_schemas: HashMap::new(),
            extensions: Vec::new(),
            domains: Vec::new(),
            sequences: Vec::new(),
            tables: HashMap::new(),
            table_schemas: HashMap::new(),
            oids: Vec::new(),
            external: Vec::new(),
            objects: Objects::default(),
        }
    }

    // ---- 1. enums ----

    async fn read_enums(&mut self, conn: &mut PgConnection) -> Result<(), DbError> {
        let rows = sqlx::query(&enums_sql())
            .bind(&self.opts.schemas)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| query_error("enums", &e))?;
        for row in &rows {
            self.enum_row(row)?;
        }
        Ok(())
    }

    fn enum_row(&mut self, row: &PgRow) -> Result<(), DbError> {
        let name: String = get(row, "name")?;
        let schema: String = get(row, "schema")?;
        if let Some(other) = self.enum_schemas.insert(name.clone(), schema.clone()) {
            return Err(same_name("enum", &name, &other, &schema));
        }
        self.enum_oids.insert(get(row, "oid")?, name.clone());
        self.enums.push(Enum {
            name,
            values: get(row, "labels")?,
            comment: get(row, "comment")?,
            drop_values: Vec::new(),
        });
        Ok(())
    }

    // ---- 2. tables ----

    async fn read_tables(&mut self, conn: &mut PgConnection) -> Result<(), DbError> {
        let history = self.opts.history_table.as_str();
        let (history_schema, history_name) = match history.split_once('.') {
            Some((schema, name)) => (Some(schema), name),
            None => (None, history),
        };
        let rows = sqlx::query(tables_sql())
            .bind(&self.opts.schemas)
            // `schema.table` is that table only; a plain name is skipped in every schema read.
            .bind(history_name)
            .bind(history_schema)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| query_error("tables", &e))?;
        for row in &rows {
            self.table_row(row)?;
        }
        Ok(())
    }

    fn table_row(&mut self, row: &PgRow) -> Result<(), DbError> {
        let oid: i64 = get(row, "oid")?;
        let name: String = get(row, "name")?;
        let schema: String = get(row, "schema")?;
        // A table left out is not read at all: what it holds blocks nothing.
        if !self.opts.reads_table(&name) {
            return Ok(());
        }
        if let Some(other) = self.table_schemas.insert(name.clone(), schema.clone()) {
            return Err(same_name("table", &name, &other, &schema));
        }
        self.oids.push(oid);
        self.tables.insert(
            oid,
            TableInfo {
                schema,
                table: Table {
                    comment: get(row, "comment")?,
                    unlogged: get(row, "unlogged")?,
                    ..Table::new(name)
                },
                attnums: HashMap::new(),
            },
        );
        Ok(())
    }

    // ---- 3. columns ----

    /// The columns of the tables read. What cannot be read is collected, to be named all at
    /// once.
    async fn read_columns(&mut self, conn: &mut PgConnection) -> Result<(), DbError> {
        let rows = sqlx::query(COLUMNS_SQL)
            .bind(&self.oids)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| query_error("columns", &e))?;
        let mut unreadable: Vec<DbError> = Vec::new();
        let mut generated: Vec<(i64, String, String)> = Vec::new();
        for row in &rows {
            let rel: i64 = get(row, "rel")?;
            let Some(table) = self.tables.get(&rel).map(|i| i.table.name.clone()) else {
                continue;
            };
            let name: String = get(row, "name")?;
            let ty = match self.column_type(row, &table, &name) {
                Ok(ty) => ty,
                Err(e) => {
                    unreadable.push(e);
                    continue;
                }
            };
            let (column, expression) = self.column(row, &table, name, ty)?;
            let info = self.tables.get_mut(&rel).expect("present");
            info.attnums.insert(get(row, "num")?, column.name.clone());
            if let Some(e) = expression {
                generated.push((rel, column.name.clone(), e));
            }
            info.table.columns.push(column);
        }
        if !unreadable.is_empty() {
            return Err(all_unreadable(unreadable));
        }
        self.generated_columns(generated);
        Ok(())
    }

    /// A column of type `ty` with its NOT NULL, identity, default and comment, and the
    /// expression of a stored generated column (which the catalog keeps where a default is).
    fn column(
        &mut self,
        row: &PgRow,
        table: &str,
        name: String,
        ty: ColumnType,
    ) -> Result<(Column, Option<String>), DbError> {
        // `s`: a stored generated column, whose expression is read where a default is.
        let generated = get::<String>(row, "generated")? == "s";
        let identity: String = get(row, "identity")?;
        let mut identity = match identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        let mut default: Option<String> = get(row, "default_expr")?;
        let expression = if generated { default.take() } else { None };
        // A `serial` column: a NOT NULL integer filled from a sequence, which is an identity
        // (said when the column does not own the sequence, as in a dump that lost OWNED BY). A
        // nullable column's is no identity: it stays a default, its sequence not read.
        let nextval = default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        let not_null: bool = get(row, "not_null")?;
        if nextval && ty.is_integer() && !not_null {
            self.notes.push(format!(
                "nullable column `{table}.{name}` defaults to the next value of a sequence: read as that default, the sequence as one of its own"
            ));
        } else if identity.is_none() && ty.is_integer() && nextval {
            identity = Some(Identity::ByDefault);
            default = None;
            let owned = if get::<bool>(row, "owns_sequence")? {
                ""
            } else {
                " (it does not own its sequence)"
            };
            self.notes.push(format!(
                "column `{table}.{name}` is a serial column{owned}: read as `identity = true`"
            ));
        }
        let default = default.and_then(|d| expr::canonical_default(&d, &ty));
        let identity_options = if get::<Option<String>>(row, "seq_name")?.is_some() {
            IdentityOptions {
                start: get(row, "seq_start")?,
                increment: get(row, "seq_increment")?,
                min: get(row, "seq_min")?,
                max: get(row, "seq_max")?,
                cycle: get::<Option<bool>>(row, "seq_cycle")?.unwrap_or(false),
                cache: get(row, "seq_cache")?,
                sequence: get(row, "seq_name")?,
            }
            .canonical(&ty, table, &name)
        } else {
            IdentityOptions::default()
        };
        let column = Column {
            nullable: !not_null,
            default,
            identity,
            comment: get(row, "comment")?,
            collation: get(row, "collation")?,
            identity_options,
            ..Column::new(name, ty)
        };
        Ok((column, expression))
    }

    /// Generated columns' expressions `(table oid, column, expression)`, made canonical once
    /// every column of the table is known.
    fn generated_columns(&mut self, generated: Vec<(i64, String, String)>) {
        for (rel, name, e) in generated {
            let Some(info) = self.tables.get_mut(&rel) else {
                continue;
            };
            let ctx = context_of(&info.table);
            if let Some(c) = info.table.columns.iter_mut().find(|c| c.name == name) {
                c.generated = Some(expr::canonical(&e, &ctx));
            }
        }
    }

    /// The model type of a column, from its (element) type and modifier.
    fn column_type(
        &mut self,
        row: &PgRow,
        table: &str,
        column: &str,
    ) -> Result<ColumnType, DbError> {
        let formatted: String = get(row, "formatted")?;
        let is_array: bool = get(row, "is_array")?;
        let base_oid: i64 = get(row, "base_oid")?;
        let base_name: String = get(row, "base_name")?;
        let base_kind: String = get(row, "base_kind")?;
        let base_schema: String = get(row, "base_schema")?;
        let typmod: i32 = get(row, "typmod")?;
        // A type the language does not model: kept as PostgreSQL spells it (the element type of
        // an array), and listed in `external_types` unless it is one of PostgreSQL's own it
        // knows.
        let other = |external: &mut Vec<String>| {
            let elem = if is_array {
                formatted.strip_suffix("[]").unwrap_or(&formatted)
            } else {
                formatted.as_str()
            };
            let base = elem.split('(').next().unwrap_or(elem).trim_end();
            if !VERBATIM_TYPES.contains(&base) && !external.iter().any(|e| e == base) {
                external.push(base.to_string());
            }
            ColumnType::Other(elem.to_string())
        };
        let base = if base_kind == "e" {
            match self.enum_oids.get(&base_oid) {
                Some(name) if self.enum_schemas.get(name) == Some(&base_schema) => {
                    ColumnType::Enum(name.clone())
                }
                _ => {
                    return Err(unsupported(
                        table,
                        column,
                        &format!("of the enum `{formatted}`, outside the schemas read"),
                        "read the enum's schema too",
                    ));
                }
            }
        } else if base_schema != "pg_catalog" {
            other(&mut self.external)
        } else {
            // The type modifier of a length or precision (varchar(n): n + 4).
            let len = (typmod >= 4).then(|| (typmod - 4) as u32);
            match base_name.as_str() {
                "int2" => ColumnType::SmallInt,
                "int4" => ColumnType::Integer,
                "int8" => ColumnType::BigInt,
                "float4" => ColumnType::Real,
                "float8" => ColumnType::Double,
                "numeric" => ColumnType::Numeric(len.map(|m| (m >> 16, m & 0xffff))),
                "bool" => ColumnType::Boolean,
                "text" => ColumnType::Text,
                "varchar" => ColumnType::Varchar(len),
                "bpchar" => match len {
                    Some(n) => ColumnType::Char(n),
                    None => other(&mut self.external),
                },
                "bytea" => ColumnType::Bytea,
                "date" => ColumnType::Date,
                "uuid" => ColumnType::Uuid,
                "json" => ColumnType::Json,
                "jsonb" => ColumnType::Jsonb,
                "inet" => ColumnType::Inet,
                "time" | "timestamp" | "timestamptz" => {
                    let ty = match base_name.as_str() {
                        "time" => ColumnType::Time,
                        "timestamp" => ColumnType::Timestamp,
                        _ => ColumnType::Timestamptz,
                    };
                    // `timestamp(p)`: the precision is the type modifier.
                    match u32::try_from(typmod) {
                        Ok(p) if p <= 6 => ColumnType::Precise(Box::new(ty), p),
                        _ => ty,
                    }
                }
                "interval" => {
                    // An interval's fields or precision have no spelling in the schema language.
                    if typmod >= 0 {
                        self.notes.push(format!(
                            "column `{table}.{column}` is `{formatted}`: read without its precision or fields"
                        ));
                    }
                    ColumnType::Interval
                }
                _ => other(&mut self.external),
            }
        };
        Ok(if is_array {
            ColumnType::Array(Box::new(base))
        } else {
            base
        })
    }

    // ---- 4. constraints: primary keys, unique constraints, foreign keys, checks ----

    async fn read_constraints(&mut self, conn: &mut PgConnection) -> Result<(), DbError> {
        let rows = sqlx::query(CONSTRAINTS_SQL)
            .bind(&self.oids)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| query_error("constraints", &e))?;
        for row in &rows {
            self.constraint(row)?;
        }
        Ok(())
    }

    fn constraint(&mut self, row: &PgRow) -> Result<(), DbError> {
        let rel: i64 = get(row, "rel")?;
        let Some(info) = self.tables.get(&rel) else {
            return Ok(());
        };
        let table = info.table.name.clone();
        let name: String = get(row, "name")?;
        let kind: String = get(row, "kind")?;
        let cols: Vec<i32> = get::<Option<Vec<i32>>>(row, "cols")?.unwrap_or_default();
        let Some(columns) = info.names_of(&cols) else {
            self.notes.push(format!(
                "constraint `{name}` of `{table}` uses a column that is not read: left out"
            ));
            return Ok(());
        };
        let c = Constraint {
            rel,
            table,
            name,
            columns,
        };
        match kind.as_str() {
            "p" => {
                self.table_mut(c.rel).primary_key = Some(PrimaryKey {
                    name: c.name,
                    columns: c.columns,
                });
            }
            "u" => self.unique_constraint(row, c)?,
            "f" => self.foreign_key(row, c)?,
            "c" => self.check(row, c)?,
            _ => self.notes.push(format!(
                "exclusion constraint `{}` of `{}` cannot be written in the schema language: left out",
                c.name, c.table
            )),
        }
        Ok(())
    }

    /// A UNIQUE constraint, read as the index it is with `constraint = true`: its `INCLUDE`
    /// columns, `NULLS NOT DISTINCT` and deferral.
    fn unique_constraint(&mut self, row: &PgRow, c: Constraint) -> Result<(), DbError> {
        let include_nums: Vec<i32> =
            get::<Option<Vec<i32>>>(row, "include_cols")?.unwrap_or_default();
        let Some(include) = self.tables[&c.rel].names_of(&include_nums) else {
            return Ok(());
        };
        let deferrable = match (get::<bool>(row, "deferrable")?, get::<bool>(row, "deferred")?) {
            (false, _) => Deferrable::No,
            (true, false) => Deferrable::InitiallyImmediate,
            (true, true) => Deferrable::InitiallyDeferred,
        };
        let index = Index {
            name: c.name,
            columns: c.columns,
            unique: true,
            include,
            nulls_not_distinct: get(row, "nulls_not_distinct")?,
            constraint: true,
            deferrable,
            ..Index::default()
        };
        self.table_mut(c.rel).indexes.push(index);
        Ok(())
    }

    fn foreign_key(&mut self, row: &PgRow, c: Constraint) -> Result<(), DbError> {
        let Constraint {
            rel,
            table,
            name,
            columns,
        } = c;
        let ref_rel: i64 = get(row, "ref_rel")?;
        let ref_nums: Vec<i32> = get::<Option<Vec<i32>>>(row, "ref_cols")?.unwrap_or_default();
        let Some(target) = self.tables.get(&ref_rel) else {
            self.notes.push(format!(
                "foreign key `{name}` of `{table}` references a table not read (outside the schemas read, {}, or left out): left out",
                self.opts.schemas.join(", ")
            ));
            return Ok(());
        };
        let Some(ref_columns) = target.names_of(&ref_nums) else {
            return Ok(());
        };
        let ref_table = target.table.name.clone();
        // `ON DELETE SET NULL (col)` (PostgreSQL 15; read where the catalog has it).
        let set_nums: Vec<i32> =
            get::<Option<Vec<i32>>>(row, "delete_set_cols")?.unwrap_or_default();
        let on_delete_columns = self.tables[&rel].names_of(&set_nums).unwrap_or_default();
        if get::<bool>(row, "deferrable")? {
            self.notes.push(format!(
                "foreign key `{name}` of `{table}` is DEFERRABLE: read as not deferrable"
            ));
        }
        if get::<String>(row, "match_type")? == "f" {
            self.notes.push(format!(
                "foreign key `{name}` of `{table}` is MATCH FULL: read as MATCH SIMPLE"
            ));
        }
        let fk = ForeignKey {
            name,
            columns,
            ref_table,
            ref_columns,
            on_delete: action(&get::<String>(row, "on_delete")?),
            on_update: action(&get::<String>(row, "on_update")?),
            on_delete_columns,
            not_valid: get(row, "not_valid")?,
        };
        self.table_mut(rel).foreign_keys.push(fk);
        Ok(())
    }

    fn check(&mut self, row: &PgRow, c: Constraint) -> Result<(), DbError> {
        let Some(e) = get::<Option<String>>(row, "expr")? else {
            return Ok(());
        };
        // A NOT NULL check a migration adds and drops again, left by a failed run.
        if let [col] = c.columns.as_slice()
            && c.name == crate::dialect::postgres::not_null_check_name(&c.table, col)
        {
            return Ok(());
        }
        let table = self.table_mut(c.rel);
        let expr = expr::canonical(&e, &context_of(table));
        table.checks.push(Check {
            name: c.name,
            expr,
            not_valid: get(row, "not_valid")?,
        });
        Ok(())
    }

    // ---- 5. indexes ----

    async fn read_indexes(&mut self, conn: &mut PgConnection) -> Result<(), DbError> {
        let rows = sqlx::query(INDEXES_SQL)
            .bind(&self.oids)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| query_error("indexes", &e))?;
        for row in &rows {
            self.index(row)?;
        }
        Ok(())
    }

    fn index(&mut self, row: &PgRow) -> Result<(), DbError> {
        let rel: i64 = get(row, "rel")?;
        let Some(info) = self.tables.get(&rel) else {
            return Ok(());
        };
        let tname = info.table.name.clone();
        let name: String = get(row, "name")?;
        let skip = |why: &str| format!("index `{name}` on `{tname}` {why}: left out");
        // int2vector's text form: numbers separated by spaces.
        let numbers = |col: &str| -> Result<Vec<i32>, DbError> {
            Ok(get::<String>(row, col)?
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect())
        };
        let nums = numbers("cols")?;
        let key_count: i32 = get(row, "key_count")?;
        let options = numbers("options")?;
        let method: String = get(row, "method")?;
        let Some(method) = IndexMethod::parse(&method) else {
            self.notes
                .push(skip(&format!("uses the access method `{method}`")));
            return Ok(());
        };
        // A function of the database's own (not an extension's) that the schema cannot create.
        if let Some(functions) = get::<Option<String>>(row, "own_functions")? {
            self.notes.push(skip(&format!(
                "calls {functions}, a function the schema language does not hold"
            )));
            return Ok(());
        }
        let key_count = (key_count.max(0) as usize).min(nums.len());
        let (key_nums, include_nums) = nums.split_at(key_count);
        let Some(include) = info.names_of(include_nums) else {
            return Ok(());
        };
        let ctx = context_of(&info.table);
        let key_defs: Vec<String> = get(row, "key_defs")?;
        let opclasses: Vec<String> = get(row, "opclasses")?;
        let collations: Vec<String> = get(row, "collations")?;
        let mut columns = Vec::new();
        let mut keys = Vec::new();
        for (k, num) in key_nums.iter().enumerate() {
            let option = options.get(k).copied().unwrap_or(0);
            let nonempty = |v: Option<&String>| v.filter(|s| !s.is_empty()).cloned();
            let key = IndexKey {
                expression: *num == 0,
                desc: option & 1 != 0,
                nulls_first: option & 2 != 0,
                opclass: nonempty(opclasses.get(k)),
                collation: nonempty(collations.get(k)),
            };
            if *num == 0 {
                let text = key_defs.get(k).cloned().unwrap_or_default();
                columns.push(expr::canonical(index_expression(&text), &ctx));
            } else {
                let Some(name) = info.attnums.get(num) else {
                    break;
                };
                columns.push(name.clone());
            }
            keys.push(key);
        }
        if columns.len() != key_nums.len() {
            return Ok(());
        }
        let predicate =
            get::<Option<String>>(row, "predicate")?.map(|p| expr::canonical(&p, &ctx));
        let mut index = Index {
            name,
            columns,
            unique: get(row, "is_unique")?,
            predicate,
            method,
            include,
            nulls_not_distinct: get(row, "nulls_not_distinct")?,
            ..Index::default()
        };
        index.set_keys(keys);
        self.table_mut(rel).indexes.push(index);
        Ok(())
    }

    // ---- 8-10. extensions, what the language does not represent, domains, sequences ----

    async fn read_extras(&mut self, conn: &mut PgConnection) -> Result<(), DbError> {
        let schemas = &self.opts.schemas;
        // The extensions (whether or not there are tables), and one note per kind of object the
        // language does not represent.
        let objects = super::extras::read(conn, schemas, REPRESENTED).await?;
        self.notes.extend(objects.notes);
        self.extensions = objects.extensions;
        let enums = &self.enums;
        self.domains = super::extras::read_domains(conn, schemas, |base| {
            let spelled = super::extras::schema_spelling(base);
            crate::schema::types::parse_column_type(&spelled, enums.iter().map(|e| e.name.as_str()), &[])
                .unwrap_or_else(|_| ColumnType::Other(base.to_string()))
        })
        .await?;
        self.sequences = super::extras::read_sequences(conn, schemas).await?;
        // A column of a declared domain names it, as a type of the schema's own.
        let domains = &self.domains;
        self.external.retain(|e| !domains.iter().any(|d| d.name == *e));
        Ok(())
    }

    // ---- 6. partitioned tables and their partitions ----

    /// The partition key and the partitions of each partitioned table read
    /// (`partitions_read.rs`).
    async fn read_partitions(&mut self, conn: &mut PgConnection) -> Result<(), DbError> {
        let mut by_oid: HashMap<i64, &mut Table> = self
            .tables
            .iter_mut()
            .map(|(oid, i)| (*oid, &mut i.table))
            .collect();
        super::partitions_read::read(conn, &self.oids, &mut by_oid, &mut self.notes).await
    }

    // ---- the schema read ----

    fn table_mut(&mut self, rel: i64) -> &mut Table {
        &mut self.tables.get_mut(&rel).expect("a table read").table
    }

    /// The schema read: tables in (schema, name) order, notes sorted.
    fn finish(self) -> Introspected {
        let mut external = self.external;
        external.sort();
        let mut schema = Schema {
            enums: self.enums,
            external_types: external,
            extensions: self.extensions,
            domains: self.domains,
            sequences: self.sequences,
            objects: self.objects,
            ..Default::default()
        };
        let mut infos: Vec<TableInfo> = self.tables.into_values().collect();
        infos.sort_by(|a, b| (&a.schema, &a.table.name).cmp(&(&b.schema, &b.table.name)));
        schema.tables = infos.into_iter().map(|i| i.table).collect();
        let mut notes = self.notes;
        notes.sort();
        Introspected { schema, notes }
    }
}

/// An index expression as `pg_get_indexdef` prints one key: without the parentheses it puts
/// around what is not a function call.
fn index_expression(text: &str) -> &str {
    let t = text.trim();
    match t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        // Only when the two are a pair: `(a) + (b)` keeps them.
        Some(inner) if balanced(inner) => inner,
        _ => t,
    }
}

/// Whether every parenthesis of `s` closes one opened before it, outside string literals and
/// quoted names.
fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for ch in s.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(ch),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

fn same_name(what: &str, name: &str, a: &str, b: &str) -> DbError {
    DbError::new(format!(
        "the schemas {a} and {b} both have a {what} named `{name}`"
    ))
    .with_help("the schema language has no schema qualifier: read one PostgreSQL schema at a time")
}

fn unsupported(table: &str, column: &str, what: &str, why: &str) -> DbError {
    DbError::new(format!("column `{table}.{column}` is {what}")).with_help(format!(
        "{why}; change the column, or leave its table out (`--exclude {table}`)"
    ))
}

/// One error naming every column that cannot be read, with the fix of each kind once.
fn all_unreadable(errors: Vec<DbError>) -> DbError {
    if errors.len() == 1 {
        return errors.into_iter().next().expect("one");
    }
    let mut helps: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for e in &errors {
        lines.push(format!("  {}", e.message));
        if let Some(h) = &e.help
            && !helps.contains(h)
        {
            helps.push(h.clone());
        }
    }
    DbError::new(format!(
        "{} columns cannot be read:\n{}",
        errors.len(),
        lines.join("\n")
    ))
    .with_help(helps.join("; "))
}

fn action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// Spells the string literals of non-text values the way the server stores them: the defaults of
/// columns whose type is not text (an interval, a timestamp, `bytea`, JSON, ...) and the literals
/// that checks and partial-index predicates compare with such columns (`'0 seconds'` is
/// `'00:00:00'`, `''` is `'\x'` for `bytea`, `'2024-01-01'` of a `timestamptz` column is
/// `'2024-01-01 00:00:00+00'` in the session's time zone). Text cannot tell these apart; the
/// server can, in one query. If it rejects a literal, everything is left as it was.
///
/// Then the checks are spelled by the server itself ([`server_checks`]), so that a check written
/// `price < 1e6` or `date_part('year', born) > 1900` compares equal to what PostgreSQL stores.
pub(crate) async fn canonical_literals(conn: &mut PgConnection, schema: &mut Schema) {
    super::introspect_objects::spell(conn, schema).await;
    server_index_expressions(conn, schema).await;
    let spelled = server_checks(conn, schema).await;
    literals(conn, schema, &spelled).await;
}

/// Each table's checks as PostgreSQL stores and prints them: the table is created with its
/// checks as a temporary table, in a transaction rolled back at once, and its checks are read
/// back and made canonical as the catalog reader does for a live table. A table the server
/// refuses (a type or function it lacks) keeps its checks as they are. Returns the positions of
/// the tables whose checks the server spelled.
async fn server_checks(conn: &mut PgConnection, schema: &mut Schema) -> Vec<usize> {
    let mut spelled = Vec::new();
    if schema.tables.iter().all(|t| t.checks.is_empty()) {
        return spelled;
    }
    if sqlx::raw_sql("BEGIN").execute(&mut *conn).await.is_err() {
        return spelled;
    }
    for (i, t) in schema.tables.iter_mut().enumerate() {
        if t.checks.is_empty() {
            continue;
        }
        let name = format!("migrate_checks_{i}");
        let mut parts: Vec<String> = t
            .columns
            .iter()
            .map(|c| format!("{} {}", ident(&c.name), super::types::type_sql(&c.ty)))
            .collect();
        parts.extend(
            t.checks
                .iter()
                .map(|ck| format!("CONSTRAINT {} CHECK ({})", ident(&ck.name), ck.expr)),
        );
        let create = format!("CREATE TEMP TABLE {} ({})", ident(&name), parts.join(", "));
        if sqlx::raw_sql("SAVEPOINT migrate_checks")
            .execute(&mut *conn)
            .await
            .is_err()
        {
            break;
        }
        let read = async {
            sqlx::raw_sql(&create).execute(&mut *conn).await?;
            sqlx::query(
                "SELECT conname::text AS name, pg_catalog.pg_get_expr(conbin, conrelid, true) AS expr \
                 FROM pg_catalog.pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'",
            )
            .bind(format!("pg_temp.{}", ident(&name)))
            .fetch_all(&mut *conn)
            .await
        }
        .await;
        let rollback = sqlx::raw_sql("ROLLBACK TO SAVEPOINT migrate_checks")
            .execute(&mut *conn)
            .await;
        let Ok(rows) = read else {
            if rollback.is_err() {
                break;
            }
            continue;
        };
        let ctx = context_of(t);
        for row in &rows {
            let (Ok(n), Ok(Some(e))) = (
                row.try_get::<String, _>("name"),
                row.try_get::<Option<String>, _>("expr"),
            ) else {
                continue;
            };
            if let Some(ck) = t.checks.iter_mut().find(|c| c.name == n) {
                ck.expr = expr::canonical(&e, &ctx);
            }
        }
        spelled.push(i);
        if rollback.is_err() {
            break;
        }
    }
    let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
    spelled
}

/// The expression keys of each table's indexes as PostgreSQL stores and prints them, the way
/// [`server_checks`] spells checks: the table is created as a temporary table with those
/// indexes, in a transaction rolled back at once, and each key is read back with
/// `pg_get_indexdef` and made canonical as the catalog reader does. A table the server refuses
/// keeps its expressions as they are.
async fn server_index_expressions(conn: &mut PgConnection, schema: &mut Schema) {
    let has_exprs = |t: &Table| t.indexes.iter().any(Index::has_expressions);
    if !schema.tables.iter().any(has_exprs) {
        return;
    }
    if sqlx::raw_sql("BEGIN").execute(&mut *conn).await.is_err() {
        return;
    }
    for (i, t) in schema.tables.iter_mut().enumerate() {
        if !has_exprs(t) {
            continue;
        }
        let name = format!("migrate_index_exprs_{i}");
        let columns: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                let mut s = format!("{} {}", ident(&c.name), super::types::type_sql(&c.ty));
                if let Some(coll) = &c.collation {
                    s.push_str(&format!(" COLLATE {}", ident(coll)));
                }
                s
            })
            .collect();
        let mut sql = vec![format!(
            "CREATE TEMP TABLE {} ({})",
            ident(&name),
            columns.join(", ")
        )];
        let with_exprs: Vec<usize> = (0..t.indexes.len())
            .filter(|j| t.indexes[*j].has_expressions())
            .collect();
        for j in &with_exprs {
            sql.push(format!(
                "CREATE INDEX {} ON pg_temp.{} USING {} ({})",
                ident(&format!("{name}_{j}")),
                ident(&name),
                t.indexes[*j].method.as_str(),
                super::defs::index_keys(&t.indexes[*j])
            ));
        }
        if sqlx::raw_sql("SAVEPOINT migrate_index_exprs")
            .execute(&mut *conn)
            .await
            .is_err()
        {
            break;
        }
        let script = sql.join(";\n");
        let read = async {
            sqlx::raw_sql(&script).execute(&mut *conn).await?;
            let mut keys: Vec<(usize, Vec<String>)> = Vec::new();
            for j in &with_exprs {
                let row = sqlx::query(
                    "SELECT ARRAY(SELECT coalesce(pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true), '') \
                     FROM generate_series(1, i.indnkeyatts::int) k(n) ORDER BY k.n) AS keys \
                     FROM pg_catalog.pg_index i WHERE i.indexrelid = $1::regclass",
                )
                .bind(format!("pg_temp.{}", ident(&format!("{name}_{j}"))))
                .fetch_one(&mut *conn)
                .await?;
                keys.push((*j, row.try_get("keys")?));
            }
            Ok::<_, sqlx::Error>(keys)
        }
        .await;
        let rollback = sqlx::raw_sql("ROLLBACK TO SAVEPOINT migrate_index_exprs")
            .execute(&mut *conn)
            .await;
        if let Ok(keys) = read {
            let ctx = context_of(t);
            for (j, texts) in keys {
                let ix = &mut t.indexes[j];
                for (k, text) in texts.iter().enumerate() {
                    if ix.keys.get(k).is_some_and(|key| key.expression)
                        && let Some(c) = ix.columns.get_mut(k)
                    {
                        *c = expr::canonical(index_expression(text), &ctx);
                    }
                }
            }
        }
        if rollback.is_err() {
            break;
        }
    }
    let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
}

/// The string literals of non-text values, spelled by the server (see [`canonical_literals`]);
/// the checks of the tables at `spelled` are already as the server prints them.
async fn literals(conn: &mut PgConnection, schema: &mut Schema, spelled_checks: &[usize]) {
    // Every (literal, type) to ask about, once.
    let mut asked: Vec<(String, String)> = Vec::new();
    let mut ask = |value: String, ty: String| {
        if !asked.contains(&(value.clone(), ty.clone())) {
            asked.push((value, ty));
        }
    };
    for (i, t) in schema.tables.iter().enumerate() {
        let ctx = context_of(t);
        for c in &t.columns {
            if !c.ty.is_textual()
                && let Some(value) = c.default.as_deref().and_then(expr::string_literal)
            {
                ask(value, expr::pg_type_name(&c.ty));
            }
        }
        let own = !spelled_checks.contains(&i);
        let exprs = t.checks.iter().filter(|_| own).map(|c| c.expr.as_str());
        let predicates = t.indexes.iter().filter_map(|i| i.predicate.as_deref());
        for e in exprs.chain(predicates) {
            for (value, ty) in expr::typed_literals(e, &ctx) {
                ask(value, ty);
            }
        }
    }
    if asked.is_empty() {
        return;
    }
    // `format('%s', ..)` prints with the type's output function, as the catalog does
    // (a cast to text would add an `inet`'s netmask).
    let casts: Vec<String> = asked
        .iter()
        .map(|(v, ty)| format!("format('%s', {}::{ty})", crate::dialect::postgres::literal(v)))
        .collect();
    let sql = format!("SELECT ARRAY[{}]::text[]", casts.join(", "));
    let Ok(row) = sqlx::query(&sql).fetch_one(&mut *conn).await else {
        return;
    };
    let Ok(values) = row.try_get::<Vec<String>, _>(0) else {
        return;
    };
    let spelled: HashMap<(String, String), String> = asked
        .into_iter()
        .zip(values)
        .map(|((v, ty), out)| {
            // A boolean's output is `t`; the catalog prints constants `true`.
            let out = match (ty.as_str(), out.as_str()) {
                ("boolean", "t") => "true".to_string(),
                ("boolean", "f") => "false".to_string(),
                _ => out,
            };
            ((v, ty), out)
        })
        .collect();
    for (i, t) in schema.tables.iter_mut().enumerate() {
        let ctx = context_of(t);
        for c in &mut t.columns {
            if c.ty.is_textual() {
                continue;
            }
            let Some(value) = c.default.as_deref().and_then(expr::string_literal) else {
                continue;
            };
            if let Some(v) = spelled.get(&(value, expr::pg_type_name(&c.ty))) {
                c.default = Some(expr::server_spelling(v, &expr::pg_type_name(&c.ty)));
            }
        }
        let own = !spelled_checks.contains(&i);
        for ck in t.checks.iter_mut().filter(|_| own) {
            ck.expr = expr::canonical_with(&ck.expr, &ctx, &spelled);
        }
        for ix in &mut t.indexes {
            ix.predicate = ix
                .predicate
                .as_deref()
                .map(|p| expr::canonical_with(p, &ctx, &spelled));
        }
    }
}
