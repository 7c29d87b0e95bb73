//! Reading a SQLite database: five queries over `sqlite_master` joined with the table-valued
//! pragmas (`table_xinfo`, `foreign_key_list`, `index_list`, `index_xinfo`), whatever the number
//! of tables, plus each table's `CREATE TABLE` text for what only it holds: the names of the
//! primary key and of the foreign keys, and the checks.
//!
//! Column types are the declared ones ([`crate::dialect::sqlite::parse_declared`] undoes the ` text`
//! suffix a migration adds for TEXT affinity). An enum is a column whose declared type is not a
//! built-in one and that has a `CHECK ("col" IN (...labels...))`; its labels come from that check.
//! An `integer` single-column primary key is the table's rowid: an identity. SQLite keeps no
//! comments and only B-tree indexes.

use std::collections::{HashMap, HashSet};

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use crate::config::Dialect;
use crate::introspect::expr::{SyntaxError, Tok, Token, tokenize};
use super::runtime::{sqlite_default, unify_integer_references};
use crate::introspect::{Introspected, Options};
use crate::db::DbError;
use crate::schema::names;
use crate::schema::types::parse_type;
use crate::schema::{
    Check, Column, ColumnType, Enum, FkAction, ForeignKey, Identity, Index, IndexKey,
    IndexMethod, PrimaryKey, Schema, Table,
};
use crate::dialect::sqlite::parse_declared;

/// How many queries `introspect` runs, whatever the number of tables.
pub const QUERIES: usize = 6;

const TABLES_SQL: &str = "SELECT name, sql FROM sqlite_master \
     WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?1 \
     ORDER BY name";

const COLUMNS_SQL: &str = "SELECT m.name AS tbl, p.cid, p.name, p.type, p.\"notnull\", \
     p.dflt_value, p.pk, p.hidden \
     FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> ?1 \
     ORDER BY m.name, p.cid";

const FKS_SQL: &str = "SELECT m.name AS tbl, f.id, f.seq, f.\"table\" AS ref_table, f.\"from\", \
     f.\"to\", f.on_update, f.on_delete \
     FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> ?1 \
     ORDER BY m.name, f.id, f.seq";

const INDEXES_SQL: &str = "SELECT m.name AS tbl, i.name, i.\"unique\", i.origin, i.partial, \
     (SELECT s.sql FROM sqlite_master s WHERE s.type = 'index' AND s.name = i.name) AS sql \
     FROM sqlite_master m JOIN pragma_index_list(m.name) i \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> ?1 \
     ORDER BY m.name, i.name";

const OBJECTS_SQL: &str = "SELECT type, name, tbl_name, sql FROM sqlite_master \
     WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY type DESC, name";

const INDEX_COLUMNS_SQL: &str = "SELECT m.name AS idx, x.seqno, x.cid, x.name, x.\"desc\", \
     x.coll, x.\"key\" \
     FROM sqlite_master m JOIN pragma_index_xinfo(m.name) x \
     WHERE m.type = 'index' \
     ORDER BY m.name, x.seqno";

fn query_error(what: &str, e: &sqlx::Error) -> DbError {
    DbError::new(format!("cannot read the {what} of the database: {e}"))
}

fn get<'r, T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>>(
    row: &'r SqliteRow,
    col: &str,
) -> Result<T, DbError> {
    row.try_get(col)
        .map_err(|e| DbError::new(format!("unexpected schema data in `{col}`: {e}")))
}

async fn fetch(
    conn: &mut SqliteConnection,
    sql: &str,
    what: &str,
    history: &str,
) -> Result<Vec<SqliteRow>, DbError> {
    sqlx::query(sql)
        .bind(history)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| query_error(what, &e))
}

/// Reads the database in one read transaction.
pub(crate) async fn introspect(
    conn: &mut SqliteConnection,
    opts: &Options,
) -> Result<Introspected, DbError> {
    sqlx::raw_sql("BEGIN")
        .execute(&mut *conn)
        .await
        .map_err(|e| query_error("schema", &e))?;
    let result = read(conn, opts).await;
    let end = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
    let out = result?;
    end.map_err(|e| query_error("schema", &e))?;
    Ok(out)
}

struct RawColumn {
    name: String,
    declared: String,
    not_null: bool,
    default: Option<String>,
    pk: i64,
}

/// Every table's `CREATE TABLE` text, read for what only it holds.
struct Definitions {
    /// The tables' names, in name order.
    names: Vec<String>,
    /// A table's name → what its text says.
    parsed: HashMap<String, Parsed>,
    /// A table's name in lower case → as it is named: SQLite names are case-insensitive, and
    /// references may spell them differently.
    canonical: HashMap<String, String>,
}

/// What the database says so far: filled query by query ([`read`]), then made the schema read
/// ([`Reading::finish`]).
struct Reading<'d> {
    defs: &'d Definitions,
    /// What was read otherwise than the database holds it, or left out.
    notes: Vec<String>,
    enums: Vec<Enum>,
    tables: Vec<Table>,
    /// A table's name → its position in `tables`.
    table_index: HashMap<String, usize>,
    /// A table's name → the foreign keys of its text already matched to a foreign key read.
    fk_names_taken: HashMap<String, HashSet<usize>>,
    /// Views and triggers.
    objects: crate::schema::Objects,
}

async fn read(conn: &mut SqliteConnection, opts: &Options) -> Result<Introspected, DbError> {
    let history = opts.history_table.as_str();
    let table_rows = fetch(conn, TABLES_SQL, "tables", history).await?;
    let column_rows = fetch(conn, COLUMNS_SQL, "columns", history).await?;
    let fk_rows = fetch(conn, FKS_SQL, "foreign keys", history).await?;
    let index_rows = fetch(conn, INDEXES_SQL, "indexes", history).await?;
    let index_column_rows = sqlx::query(INDEX_COLUMNS_SQL)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| query_error("index columns", &e))?;
    let object_rows = sqlx::query(OBJECTS_SQL)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| query_error("views and triggers", &e))?;

    let defs = definitions(&table_rows)?;
    let raw = raw_columns(&column_rows)?;
    let mut reading = Reading::new(&defs);
    reading.read_enums(&raw);
    reading.read_tables(raw);
    reading.read_foreign_keys(&fk_rows)?;
    reading.read_indexes(&index_rows, &index_column_rows)?;
    reading.read_objects(&object_rows)?;
    Ok(reading.finish())
}

/// The tables' `CREATE TABLE` texts, read.
fn definitions(rows: &[SqliteRow]) -> Result<Definitions, DbError> {
    let mut names: Vec<String> = Vec::new();
    let mut parsed: HashMap<String, Parsed> = HashMap::new();
    for row in rows {
        let name: String = get(row, "name")?;
        let sql: Option<String> = get(row, "sql")?;
        let p = sql
            .as_deref()
            .map(parse_create_table)
            .transpose()
            .map_err(|e| {
                DbError::new(format!("cannot read the definition of table `{name}`: {e}"))
            })?
            .unwrap_or_default();
        parsed.insert(name.clone(), p);
        names.push(name);
    }
    let canonical = names
        .iter()
        .map(|n| (n.to_lowercase(), n.clone()))
        .collect();
    Ok(Definitions {
        names,
        parsed,
        canonical,
    })
}

/// Each table's columns as `pragma_table_xinfo` gives them.
fn raw_columns(rows: &[SqliteRow]) -> Result<HashMap<String, Vec<RawColumn>>, DbError> {
    let mut raw: HashMap<String, Vec<RawColumn>> = HashMap::new();
    for row in rows {
        let table: String = get(row, "tbl")?;
        let name: String = get(row, "name")?;
        let hidden: i64 = get(row, "hidden")?;
        if hidden != 0 {
            return Err(DbError::new(format!(
                "column `{table}.{name}` is a generated or hidden column"
            ))
            .with_help("the schema language has no generated columns"));
        }
        raw.entry(table).or_default().push(RawColumn {
            name,
            declared: get::<Option<String>>(row, "type")?.unwrap_or_default(),
            not_null: get::<i64>(row, "notnull")? != 0,
            default: get(row, "dflt_value")?,
            pk: get(row, "pk")?,
        });
    }
    Ok(raw)
}

impl<'d> Reading<'d> {
    fn new(defs: &'d Definitions) -> Reading<'d> {
        Reading {
            defs,
            notes: Vec::new(),
            enums: Vec::new(),
            tables: Vec::new(),
            table_index: HashMap::new(),
            fk_names_taken: HashMap::new(),
            objects: crate::schema::Objects::default(),
        }
    }

    // ---- enums ----

    /// Enums: a non-built-in declared type whose column has `CHECK (col IN (...))`.
    fn read_enums(&mut self, raw: &HashMap<String, Vec<RawColumn>>) {
        let defs = self.defs;
        for name in &defs.names {
            let p = &defs.parsed[name];
            for c in raw.get(name).map(Vec::as_slice).unwrap_or_default() {
                self.enum_of(name, p, c);
            }
        }
    }

    /// The enum column `c` of table `name` is of, if it is one.
    fn enum_of(&mut self, name: &str, p: &Parsed, c: &RawColumn) {
        let ty = parse_declared(&c.declared);
        if ty.ends_with("[]") || parse_type(&ty.to_ascii_lowercase(), []).is_ok() {
            return;
        }
        let Some(labels) = p.checks.iter().find_map(|ck| {
            ck.column
                .as_deref()
                .filter(|col| col.eq_ignore_ascii_case(&c.name))
                .and_then(|_| crate::introspect::expr::in_labels(&ck.text, &c.name))
        }) else {
            return;
        };
        match self.enums.iter().find(|e| e.name == ty) {
            Some(e) if e.values != labels => self.notes.push(format!(
                "column `{name}.{}` allows other labels of `{ty}` than an earlier column: the earlier ones are read",
                c.name
            )),
            Some(_) => {}
            None => self.enums.push(Enum {
                name: ty,
                values: labels,
                comment: None,
                drop_values: Vec::new(),
            }),
        }
    }

    // ---- tables: columns, primary key, checks ----

    fn read_tables(&mut self, mut raw: HashMap<String, Vec<RawColumn>>) {
        let enum_names: HashSet<String> = self.enums.iter().map(|e| e.name.clone()).collect();
        let defs = self.defs;
        for name in &defs.names {
            let cols = raw.remove(name).unwrap_or_default();
            let table = self.table(name, &defs.parsed[name], &cols, &enum_names);
            self.tables.push(table);
        }
        self.table_index = self
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
    }

    fn table(
        &mut self,
        name: &str,
        p: &Parsed,
        cols: &[RawColumn],
        enum_names: &HashSet<String>,
    ) -> Table {
        let mut pk_cols: Vec<(i64, String)> = cols
            .iter()
            .filter(|c| c.pk > 0)
            .map(|c| (c.pk, c.name.clone()))
            .collect();
        pk_cols.sort();
        let rowid = rowid(cols, &pk_cols, p.without_rowid);
        let columns = cols
            .iter()
            .map(|c| Column {
                collation: p.collations.get(&c.name.to_ascii_lowercase()).cloned(),
                ..self.column(name, c, rowid, enum_names)
            })
            .collect::<Vec<_>>();
        let primary_key = (!pk_cols.is_empty()).then(|| PrimaryKey {
            name: p
                .pk_name
                .clone()
                .unwrap_or_else(|| names::primary_key(name)),
            columns: pk_cols.into_iter().map(|(_, c)| c).collect(),
        });
        let checks = checks(name, p, &columns);
        Table {
            columns,
            primary_key,
            checks,
            ..Table::new(name.to_string())
        }
    }

    /// Column `c` of table `name`; `rowid`: the table's rowid column, if it has one.
    fn column(
        &mut self,
        name: &str,
        c: &RawColumn,
        rowid: Option<&str>,
        enum_names: &HashSet<String>,
    ) -> Column {
        let ty = self.column_type(&c.declared, enum_names, name, &c.name);
        let is_pk = c.pk > 0;
        let is_rowid = rowid == Some(c.name.as_str());
        let default = c.default.as_deref().and_then(|d| sqlite_default(d, &ty));
        if is_pk && !c.not_null && !is_rowid {
            self.notes.push(format!(
                "primary key column `{name}.{}` is not declared NOT NULL: read as NOT NULL",
                c.name
            ));
        }
        let identity = (is_rowid && default.is_none()).then_some(Identity::ByDefault);
        let ty = if identity.is_some() {
            ColumnType::Integer
        } else {
            ty
        };
        Column {
            nullable: !(c.not_null || is_pk),
            default,
            identity,
            ..Column::new(c.name.clone(), ty)
        }
    }

    /// The model type of a declared SQLite type.
    fn column_type(
        &mut self,
        declared: &str,
        enums: &HashSet<String>,
        table: &str,
        column: &str,
    ) -> ColumnType {
        let d = parse_declared(declared);
        let enum_names = || enums.iter().map(String::as_str);
        if let Ok(ty) = parse_type(&d, enum_names()) {
            return ty;
        }
        let lower = d.to_ascii_lowercase();
        if let Ok(ty) = parse_type(&lower, enum_names()) {
            return ty;
        }
        if let Some((_, to)) = ALIASES.iter().find(|(from, _)| *from == lower) {
            return parse_type(to, []).unwrap_or(ColumnType::Text);
        }
        if let Some(params) = lower.strip_prefix("decimal")
            && let Ok(ty) = parse_type(&format!("numeric{params}"), [])
        {
            return ty;
        }
        if d.ends_with("[]") {
            // An array of an enum no column uses directly: its labels are nowhere in the
            // database.
            return ColumnType::Array(Box::new(ColumnType::Text));
        }
        let ty = match crate::dialect::sqlite::affinity(&d) {
            "INTEGER" => ColumnType::BigInt,
            "TEXT" => ColumnType::Text,
            "BLOB" => ColumnType::Bytea,
            "REAL" => ColumnType::Double,
            _ => ColumnType::Numeric(None),
        };
        self.notes.push(format!(
            "column `{table}.{column}` is declared `{declared}`: read as `{ty}`"
        ));
        ty
    }

    // ---- foreign keys ----

    /// Foreign keys, grouped by id; names from the CREATE TABLE text.
    fn read_foreign_keys(&mut self, rows: &[SqliteRow]) -> Result<(), DbError> {
        let mut groups: Vec<(String, i64, Vec<&SqliteRow>)> = Vec::new();
        for row in rows {
            let table: String = get(row, "tbl")?;
            let id: i64 = get(row, "id")?;
            match groups.last_mut() {
                Some((t, i, rows)) if *t == table && *i == id => rows.push(row),
                _ => groups.push((table, id, vec![row])),
            }
        }
        for (table, _, rows) in groups {
            self.foreign_key(&table, &rows)?;
        }
        Ok(())
    }

    /// The foreign key of `table` whose columns are `rows` (one per column, in order).
    fn foreign_key(&mut self, table: &str, rows: &[&SqliteRow]) -> Result<(), DbError> {
        let Some(&ti) = self.table_index.get(table) else {
            return Ok(());
        };
        let first = rows[0];
        let ref_written: String = get(first, "ref_table")?;
        let Some(ref_table) = self.defs.canonical.get(&ref_written.to_lowercase()).cloned() else {
            self.notes.push(format!(
                "a foreign key of `{table}` references `{ref_written}`, which does not exist: left out"
            ));
            return Ok(());
        };
        let ref_ti = self.table_index[&ref_table];
        let mut columns = Vec::new();
        let mut ref_columns = Vec::new();
        for r in rows {
            columns.push(get::<String>(r, "from")?);
            if let Some(to) = get::<Option<String>>(r, "to")? {
                ref_columns.push(to);
            }
        }
        if ref_columns.is_empty() {
            ref_columns = self.tables[ref_ti]
                .primary_key
                .as_ref()
                .map(|pk| pk.columns.clone())
                .unwrap_or_default();
        }
        // Spellings as declared in the tables themselves.
        let columns: Vec<String> = columns
            .iter()
            .map(|c| spelled(&self.tables[ti], c))
            .collect();
        let ref_columns: Vec<String> = ref_columns
            .iter()
            .map(|c| spelled(&self.tables[ref_ti], c))
            .collect();
        let on_delete = action(&get::<String>(first, "on_delete")?);
        let on_update = action(&get::<String>(first, "on_update")?);
        // Its name: the first definition in the text that matches and is not taken yet.
        let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
        let taken = self.fk_names_taken.entry(table.to_string()).or_default();
        let name = self.defs.parsed[table]
            .fks
            .iter()
            .enumerate()
            .find(|(i, f)| {
                !taken.contains(i)
                    && lower(&f.columns) == lower(&columns)
                    && f.ref_table.eq_ignore_ascii_case(&ref_table)
                    && (f.ref_columns.is_empty() || lower(&f.ref_columns) == lower(&ref_columns))
                    && f.on_delete == on_delete
                    && f.on_update == on_update
            })
            .map(|(i, f)| {
                taken.insert(i);
                f.name.clone()
            })
            .unwrap_or_default()
            .unwrap_or_else(|| names::foreign_key(table, &columns));
        let fk = ForeignKey {
            on_delete_columns: Vec::new(),
            not_valid: false,
            name,
            columns,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
        };
        self.tables[ti].foreign_keys.push(fk);
        Ok(())
    }

    // ---- indexes ----

    fn read_indexes(
        &mut self,
        rows: &[SqliteRow],
        column_rows: &[SqliteRow],
    ) -> Result<(), DbError> {
        let mut index_columns: HashMap<String, Vec<&SqliteRow>> = HashMap::new();
        for row in column_rows {
            index_columns.entry(get(row, "idx")?).or_default().push(row);
        }
        for row in rows {
            self.index(row, &index_columns)?;
        }
        Ok(())
    }

    /// The index of `row`; `index_columns`: every index's columns, by index name.
    fn index(
        &mut self,
        row: &SqliteRow,
        index_columns: &HashMap<String, Vec<&SqliteRow>>,
    ) -> Result<(), DbError> {
        let table: String = get(row, "tbl")?;
        let Some(&ti) = self.table_index.get(&table) else {
            return Ok(());
        };
        let name: String = get(row, "name")?;
        let origin: String = get(row, "origin")?;
        if origin == "pk" {
            return Ok(());
        }
        let mut columns = Vec::new();
        let mut keys = Vec::new();
        let mut reason = None;
        let index_sql: Option<String> = get(row, "sql")?;
        let key_texts = index_sql.as_deref().and_then(index_key_texts);
        let no_collations = HashMap::new();
        let defs = self.defs;
        let column_collations = defs
            .parsed
            .get(&table)
            .map_or(&no_collations, |p| &p.collations);
        for (k, c) in index_columns
            .get(&name)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|c| get::<i64>(c, "key").is_ok_and(|k| k != 0))
            .enumerate()
        {
            let coll: Option<String> = get(c, "coll")?;
            let desc = get::<i64>(c, "desc")? != 0;
            let column: Option<String> = get(c, "name")?;
            // The column's own collation (or BINARY) is no key option.
            let own = column
                .as_deref()
                .and_then(|n| column_collations.get(&n.to_ascii_lowercase()))
                .map_or("binary", String::as_str);
            let collation = coll.filter(|c| !c.eq_ignore_ascii_case(own) && !c.eq_ignore_ascii_case("binary"));
            let key = IndexKey {
                expression: column.is_none(),
                desc,
                nulls_first: desc,
                opclass: None,
                collation,
            };
            match column {
                Some(col) => columns.push(col),
                None => match key_texts.as_ref().and_then(|t| t.get(k)) {
                    Some(text) => columns.push(text.clone()),
                    None => reason = Some("has an expression that cannot be read"),
                },
            }
            keys.push(key);
        }
        if let Some(reason) = reason {
            self.notes
                .push(format!("index `{name}` on `{table}` {reason}: left out"));
            return Ok(());
        }
        let unique = get::<i64>(row, "unique")? != 0;
        let (name, predicate) = if origin == "u" {
            // A UNIQUE constraint: its index has a name SQLite made up.
            (names::index(&table, &columns, true), None)
        } else {
            let sql: Option<String> = get(row, "sql")?;
            let predicate = if get::<i64>(row, "partial")? != 0 {
                sql.as_deref().and_then(where_clause)
            } else {
                None
            };
            (name, predicate)
        };
        let t = &mut self.tables[ti];
        let columns = columns.iter().map(|c| spelled(t, c)).collect();
        let mut index = Index {
            name,
            columns,
            unique,
            predicate,
            method: IndexMethod::Btree,
            ..Index::default()
        };
        index.set_keys(keys);
        t.indexes.push(index);
        Ok(())
    }

    // ---- views and triggers ----

    fn read_objects(&mut self, rows: &[SqliteRow]) -> Result<(), DbError> {
        for row in rows {
            let kind: String = row.try_get("type").map_err(|e| query_error("views", &e))?;
            let name: String = row.try_get("name").map_err(|e| query_error("views", &e))?;
            let table: String = row.try_get("tbl_name").map_err(|e| query_error("views", &e))?;
            let sql: String = row.try_get("sql").map_err(|e| query_error("views", &e))?;
            if kind == "view" {
                match super::read_objects::view_body(&sql) {
                    Some(body) => self.objects.views.push(crate::schema::View {
                        name,
                        sql: body,
                        materialized: false,
                        comment: None,
                        indexes: Vec::new(),
                    }),
                    None => self
                        .notes
                        .push(format!("view `{name}` is not read: `{sql}` has no `AS`")),
                }
            } else {
                match super::read_objects::parse_trigger(&name, &table, &sql) {
                    Some(t) => self.objects.triggers.push(t),
                    None => self.notes.push(format!(
                        "trigger `{name}` on `{table}` is not read: `{sql}` has no spelling in the schema language"
                    )),
                }
            }
        }
        Ok(())
    }

    // ---- the schema read ----

    /// The schema read, notes sorted.
    fn finish(self) -> Introspected {
        let mut notes = self.notes;
        notes.sort();
        let mut schema = Schema {
            enums: self.enums,
            tables: self.tables,
            objects: self.objects,
            ..Schema::default()
        };
        unify_integer_references(&mut schema);
        Introspected { schema, notes }
    }
}

/// The rowid column of a table: its one primary key column when declared `integer` (`pk_cols`:
/// the primary key's columns in order), unless the table is `WITHOUT ROWID`.
fn rowid<'c>(
    cols: &'c [RawColumn],
    pk_cols: &[(i64, String)],
    without_rowid: bool,
) -> Option<&'c str> {
    match (pk_cols, without_rowid) {
        ([(_, col)], false) => cols
            .iter()
            .find(|c| &c.name == col)
            .filter(|c| c.declared.eq_ignore_ascii_case("integer"))
            .map(|c| c.name.as_str()),
        _ => None,
    }
}

/// The checks of table `name`: every one of its text but the enum checks of `columns`.
fn checks(name: &str, p: &Parsed, columns: &[Column]) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut unnamed = 0;
    for ck in &p.checks {
        if let Some(col) = &ck.column
            && let Some(c) = columns.iter().find(|c| c.name.eq_ignore_ascii_case(col))
            && matches!(c.ty, ColumnType::Enum(_))
            && crate::introspect::expr::in_labels(&ck.text, &c.name).is_some()
        {
            continue;
        }
        let check_name = match (&ck.name, &ck.column) {
            (Some(n), _) => n.clone(),
            (None, Some(col)) => format!("{name}_{col}_check"),
            (None, None) => {
                unnamed += 1;
                if unnamed == 1 {
                    format!("{name}_check")
                } else {
                    format!("{name}_check{}", unnamed - 1)
                }
            }
        };
        checks.push(Check {
            name: check_name,
            expr: ck.text.trim().to_string(),
            not_valid: false,
        });
    }
    checks
}

/// Column `c` spelled as table `t` declares it (SQLite names are case-insensitive).
fn spelled(t: &Table, c: &str) -> String {
    t.columns
        .iter()
        .find(|col| col.name.eq_ignore_ascii_case(c))
        .map_or_else(|| c.to_string(), |col| col.name.clone())
}

fn action(s: &str) -> FkAction {
    FkAction::parse(s).unwrap_or_default()
}

/// Built-in spellings other tools write, and what they mean here.
const ALIASES: &[(&str, &str)] = &[
    ("int", "integer"),
    ("int4", "integer"),
    ("mediumint", "integer"),
    ("int2", "smallint"),
    ("tinyint", "smallint"),
    ("int8", "bigint"),
    ("unsigned big int", "bigint"),
    ("bool", "boolean"),
    ("float", "double"),
    ("float8", "double"),
    ("double precision", "double"),
    ("float4", "real"),
    ("datetime", "timestamp"),
    ("clob", "text"),
    ("string", "text"),
    ("blob", "bytea"),
];

// ---------------------------------------------------------------------------------------------
// CREATE TABLE text

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Parsed {
    pk_name: Option<String>,
    /// `COLLATE name` of columns, by column name in lower case.
    collations: HashMap<String, String>,
    fks: Vec<ParsedFk>,
    checks: Vec<ParsedCheck>,
    without_rowid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ParsedFk {
    name: Option<String>,
    columns: Vec<String>,
    ref_table: String,
    ref_columns: Vec<String>,
    on_delete: FkAction,
    on_update: FkAction,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ParsedCheck {
    name: Option<String>,
    /// The column it is declared on, for a column constraint.
    column: Option<String>,
    /// The condition exactly as written between the parentheses.
    text: String,
}

fn is_word(t: &Token, w: &str) -> bool {
    matches!(&t.kind, Tok::Word(x) if x.eq_ignore_ascii_case(w))
}

fn is_op(t: &Token, op: &str) -> bool {
    matches!(&t.kind, Tok::Op(x) if x == op)
}

fn name_of(t: &Token) -> Option<String> {
    match &t.kind {
        Tok::Word(w) => Some(w.clone()),
        Tok::Quoted(q) | Tok::Str(q) => Some(q.clone()),
        _ => None,
    }
}

/// The index just past the parenthesis that closes the one at `open`.
fn close_of(toks: &[Token], open: usize) -> Result<usize, SyntaxError> {
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if is_op(t, "(") {
            depth += 1;
        } else if is_op(t, ")") {
            depth -= 1;
            if depth == 0 {
                return Ok(i);
            }
        }
    }
    Err(SyntaxError::UnbalancedParentheses)
}

/// The names in a parenthesised list starting at `open`, and the index past it.
fn name_list(toks: &[Token], open: usize) -> Result<(Vec<String>, usize), SyntaxError> {
    let close = close_of(toks, open)?;
    let mut out = Vec::new();
    let mut i = open + 1;
    while i < close {
        if let Some(n) = name_of(&toks[i]) {
            out.push(n);
            // Skip `COLLATE x`, `ASC`, `DESC` after the name.
            i += 1;
            while i < close && !is_op(&toks[i], ",") {
                i += 1;
            }
        }
        i += 1;
    }
    Ok((out, close + 1))
}

fn parse_create_table(sql: &str) -> Result<Parsed, SyntaxError> {
    let toks = tokenize(sql, Dialect::Sqlite)?;
    let open = toks
        .iter()
        .position(|t| is_op(t, "("))
        .ok_or(SyntaxError::NoColumnList)?;
    if toks[..open].iter().any(|t| is_word(t, "as")) {
        return Ok(Parsed::default());
    }
    let close = close_of(&toks, open)?;
    let mut p = Parsed {
        without_rowid: toks[close..].iter().any(|t| is_word(t, "rowid")),
        ..Parsed::default()
    };
    // Items of the body, split at top-level commas.
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0;
    let mut start = open + 1;
    for (i, t) in toks.iter().enumerate().take(close).skip(open + 1) {
        if is_op(t, "(") {
            depth += 1;
        } else if is_op(t, ")") {
            depth -= 1;
        } else if depth == 0 && is_op(t, ",") {
            items.push((start, i));
            start = i + 1;
        }
    }
    items.push((start, close));

    for (from, to) in items {
        let item = &toks[from..to];
        let Some(first) = item.first() else { continue };
        let table_constraint = ["constraint", "primary", "unique", "check", "foreign"]
            .iter()
            .any(|w| is_word(first, w));
        let (column, mut i) = if table_constraint {
            (None, 0)
        } else {
            (name_of(first), 1)
        };
        let mut pending: Option<String> = None;
        while i < item.len() {
            let t = &item[i];
            if is_word(t, "constraint") {
                pending = item.get(i + 1).and_then(name_of);
                i += 2;
            } else if is_word(t, "primary") {
                p.pk_name = pending.take();
                i += 2;
                if table_constraint && item.get(i).is_some_and(|t| is_op(t, "(")) {
                    i = name_list(item, i)?.1;
                }
            } else if is_word(t, "check") && item.get(i + 1).is_some_and(|t| is_op(t, "(")) {
                let close = close_of(item, i + 1)?;
                let text = sql[item[i + 1].end..item[close].start].to_string();
                p.checks.push(ParsedCheck {
                    name: pending.take(),
                    column: column.clone(),
                    text,
                });
                i = close + 1;
            } else if is_word(t, "foreign") {
                // FOREIGN KEY (cols) REFERENCES ...
                let (columns, next) = name_list(item, i + 2)?;
                let (fk, next) = references(item, next, pending.take(), columns)?;
                p.fks.push(fk);
                i = next;
            } else if is_word(t, "references") {
                let columns = column.iter().cloned().collect();
                let (fk, next) = references(item, i, pending.take(), columns)?;
                p.fks.push(fk);
                i = next;
            } else if is_op(t, "(") {
                i = close_of(item, i)? + 1;
            } else {
                if is_word(t, "collate")
                    && let (Some(col), Some(coll)) = (&column, item.get(i + 1).and_then(name_of))
                {
                    p.collations.insert(col.to_ascii_lowercase(), coll);
                }
                if is_word(t, "unique")
                    || is_word(t, "not")
                    || is_word(t, "default")
                    || is_word(t, "collate")
                {
                    pending = None;
                }
                i += 1;
            }
        }
    }
    Ok(p)
}

/// `REFERENCES table [(cols)] [actions]` starting at `at`.
fn references(
    item: &[Token],
    at: usize,
    name: Option<String>,
    columns: Vec<String>,
) -> Result<(ParsedFk, usize), SyntaxError> {
    if !item.get(at).is_some_and(|t| is_word(t, "references")) {
        return Err(SyntaxError::Expected("REFERENCES".into()));
    }
    let ref_table = item
        .get(at + 1)
        .and_then(name_of)
        .ok_or_else(|| SyntaxError::Expected("the referenced table".into()))?;
    let mut next = at + 2;
    let mut ref_columns = Vec::new();
    if item.get(next).is_some_and(|t| is_op(t, "(")) {
        let (cols, after) = name_list(item, next)?;
        ref_columns = cols;
        next = after;
    }
    // ON DELETE / ON UPDATE <action>, in either order.
    let (mut on_delete, mut on_update) = (FkAction::NoAction, FkAction::NoAction);
    while item.get(next).is_some_and(|t| is_word(t, "on")) {
        let which = item.get(next + 1);
        let mut words = Vec::new();
        let mut i = next + 2;
        while let Some(Tok::Word(w)) = item.get(i).map(|t| &t.kind) {
            let w = w.to_ascii_lowercase();
            if matches!(
                w.as_str(),
                "on" | "match" | "deferrable" | "not" | "constraint"
            ) || words.len() == 2
            {
                break;
            }
            words.push(w);
            i += 1;
        }
        let action = FkAction::parse(&words.join(" ")).unwrap_or_default();
        match which {
            Some(t) if is_word(t, "delete") => on_delete = action,
            Some(t) if is_word(t, "update") => on_update = action,
            _ => break,
        }
        next = i;
    }
    Ok((
        ParsedFk {
            name,
            columns,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
        },
        next,
    ))
}

/// Each key of `CREATE INDEX name ON table (keys) ...` as written, without its `COLLATE`,
/// `ASC` or `DESC`, and an expression without the parentheses around it.
fn index_key_texts(sql: &str) -> Option<Vec<String>> {
    let toks = tokenize(sql, Dialect::Sqlite).ok()?;
    let on = toks.iter().position(|t| is_word(t, "on"))?;
    let open = on + toks[on..].iter().position(|t| is_op(t, "("))?;
    let close = close_of(&toks, open).ok()?;
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0;
    let mut start = open + 1;
    for (i, t) in toks.iter().enumerate().take(close).skip(open + 1) {
        if is_op(t, "(") {
            depth += 1;
        } else if is_op(t, ")") {
            depth -= 1;
        } else if depth == 0 && is_op(t, ",") {
            items.push((start, i));
            start = i + 1;
        }
    }
    items.push((start, close));
    let mut out = Vec::new();
    for (from, mut to) in items {
        // Trailing `ASC` / `DESC`, then `COLLATE name`.
        if to > from && (is_word(&toks[to - 1], "asc") || is_word(&toks[to - 1], "desc")) {
            to -= 1;
        }
        if to >= from + 2 && is_word(&toks[to - 2], "collate") {
            to -= 2;
        }
        if to <= from {
            return None;
        }
        let mut text = sql[toks[from].start..toks[to - 1].end].trim();
        if is_op(&toks[from], "(") && close_of(&toks, from).ok()? == to - 1 {
            text = sql[toks[from].end..toks[to - 1].start].trim();
        }
        out.push(text.to_string());
    }
    Some(out)
}

/// The condition of `CREATE INDEX ... WHERE <condition>`, as written.
fn where_clause(sql: &str) -> Option<String> {
    let toks = tokenize(sql, Dialect::Sqlite).ok()?;
    let mut depth = 0;
    for t in &toks {
        if is_op(t, "(") {
            depth += 1;
        } else if is_op(t, ")") {
            depth -= 1;
        } else if depth == 0 && is_word(t, "where") {
            let rest = sql[t.end..].trim();
            return Some(rest.trim_end_matches(';').trim_end().to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_and_checks_from_create_table() {
        let sql = r#"CREATE TABLE "pets" (
    "id" uuid text NOT NULL,
    "kind" "pet kind text" NOT NULL DEFAULT 'CAT' CHECK ("kind" IN ('CAT', 'DOG')),
    "owner" integer REFERENCES owners (id) ON DELETE CASCADE,
    "n" varchar(20) CONSTRAINT "n_ok" CHECK (length(n) > 0),
    CONSTRAINT "pets_pk" PRIMARY KEY ("id"),
    CONSTRAINT "pets_fk" FOREIGN KEY ("id", "n") REFERENCES "other" ("a", "b") ON DELETE SET NULL,
    CONSTRAINT "weird, name" CHECK (("n") <> 'a,b'),
    CHECK (1 = 1)
)"#;
        let p = parse_create_table(sql).expect("parses");
        assert_eq!(p.pk_name.as_deref(), Some("pets_pk"));
        assert_eq!(p.fks.len(), 2);
        assert_eq!(p.fks[0].name, None);
        assert_eq!(p.fks[0].columns, ["owner"]);
        assert_eq!(p.fks[0].ref_table, "owners");
        assert_eq!(p.fks[1].name.as_deref(), Some("pets_fk"));
        assert_eq!(p.fks[1].ref_columns, ["a", "b"]);
        assert_eq!(p.fks[0].on_delete, FkAction::Cascade);
        assert_eq!(p.fks[1].on_delete, FkAction::SetNull);
        assert_eq!(p.fks[1].on_update, FkAction::NoAction);
        let checks: Vec<(Option<&str>, Option<&str>, &str)> = p
            .checks
            .iter()
            .map(|c| (c.name.as_deref(), c.column.as_deref(), c.text.as_str()))
            .collect();
        assert_eq!(
            checks,
            [
                (None, Some("kind"), "\"kind\" IN ('CAT', 'DOG')"),
                (Some("n_ok"), Some("n"), "length(n) > 0"),
                (Some("weird, name"), None, "(\"n\") <> 'a,b'"),
                (None, None, "1 = 1"),
            ]
        );
        assert!(!p.without_rowid);
    }

    #[test]
    fn index_predicates() {
        assert_eq!(
            where_clause("CREATE INDEX \"i\" ON \"t\" (\"a\") WHERE \"a\" > 0 AND b IN (1, 2)")
                .as_deref(),
            Some("\"a\" > 0 AND b IN (1, 2)")
        );
        assert_eq!(where_clause("CREATE INDEX i ON t (\"where\")"), None);
    }
}
