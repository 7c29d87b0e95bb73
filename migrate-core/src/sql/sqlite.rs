//! SQLite SQL for a diff.
//!
//! SQLite's `ALTER TABLE` can rename tables and columns and add simple columns; everything else
//! (a type, nullability, default, key, foreign key or check change, a dropped column, a changed
//! enum) is done by rebuilding the table: create the new definition under a temporary name, copy
//! the rows, drop the old table, rename the new one, recreate its indexes. Rows in untouched columns
//! survive. Migrations run with foreign-key enforcement off and a `foreign_key_check` before commit
//! (the runner does this), as SQLite's own procedure for schema changes requires.
//!
//! Column types keep their schema spelling as the declared type (`integer`, `varchar(20)`), and
//! types held as text add ` text` (`uuid text`, `"text[] text"`, `"pet_type text"`): SQLite then
//! gives them TEXT affinity, so a JSON `'123'` or a label `'1'` stays text, and introspection reads
//! the exact type back ([`parse_declared`]). Enums also get a `CHECK (col IN (...))`.

use std::collections::{BTreeSet, HashSet};

use super::{Rendered, Statement, ident, idents, literal};
use crate::config::Dialect;
use crate::diff::{Change, Diff};
use crate::schema::{Column, ColumnType, Schema, Table};
use crate::sql::lex::{Token, TokenKind, lex};

/// Whether SQLite stores values of this type as text (ISO dates, UUIDs, JSON, labels).
fn stored_as_text(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::Uuid
            | ColumnType::Json
            | ColumnType::Jsonb
            | ColumnType::Date
            | ColumnType::Time
            | ColumnType::Timestamp
            | ColumnType::Timestamptz
            | ColumnType::Interval
            | ColumnType::Inet
            | ColumnType::Enum(_)
            | ColumnType::Array(_)
    )
}

/// The declared type: the schema spelling, plus ` text` for types held as text, so SQLite gives
/// the column TEXT affinity (a JSON `'123'` or a label `'1'` stays text) while the exact type can
/// still be read back. Quoted when it is not a plain SQLite type name.
pub fn type_sql(ty: &ColumnType) -> String {
    let mut s = ty.to_string();
    if stored_as_text(ty) {
        s.push_str(" text");
    }
    let plain = s.chars().all(|c| {
        c.is_ascii_alphanumeric() || c == '_' || c == '(' || c == ')' || c == ',' || c == ' '
    }) && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(ty, ColumnType::Enum(_));
    if plain { s } else { ident(&s) }
}

/// The type spelling a declared SQLite column type was written from (` text` removed once).
pub fn parse_declared(declared: &str) -> String {
    declared
        .strip_suffix(" text")
        .unwrap_or(declared)
        .to_string()
}

/// SQLite's type affinity for a declared type (the rules of section 3.1 of its datatype docs).
pub fn affinity(declared: &str) -> &'static str {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        "INTEGER"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "TEXT"
    } else if t.contains("BLOB") || t.is_empty() {
        "BLOB"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "REAL"
    } else {
        "NUMERIC"
    }
}

/// Removes PostgreSQL `::type` casts outside string literals.
pub fn strip_casts(expr: &str) -> String {
    let tokens: Vec<Token> = lex(expr, Dialect::Postgres).collect();
    let mut out = String::with_capacity(expr.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        i += 1;
        if t.kind == TokenKind::Operator && t.text(expr) == "::" {
            i = cast_type_end(expr, &tokens, i);
        } else {
            out.push_str(t.text(expr));
        }
    }
    out
}

/// The index of the first token after the type of a `::` cast whose type starts at `i`: words
/// (`double precision`, `timestamp with time zone`), quoted names, `(n)` and `[]`.
fn cast_type_end(expr: &str, tokens: &[Token], mut i: usize) -> usize {
    let kind_at = |i: usize| tokens.get(i).map(|t| t.kind);
    let text_at = |i: usize| tokens.get(i).map_or("", |t| t.text(expr));
    let skip_spaces = |mut i: usize| {
        while kind_at(i) == Some(TokenKind::Whitespace) {
            i += 1;
        }
        i
    };
    loop {
        i = skip_spaces(i);
        let start = i;
        if matches!(
            kind_at(i),
            Some(TokenKind::Word | TokenKind::QuotedIdent { .. })
        ) {
            i += 1;
        }
        if text_at(i) == "(" {
            while i < tokens.len() && text_at(i) != ")" {
                i += 1;
            }
            i = (i + 1).min(tokens.len());
        }
        while text_at(i) == "[" && text_at(i + 1) == "]" {
            i += 2;
        }
        let word: String = tokens[start..i].iter().map(|t| t.text(expr)).collect();
        let word = word.to_ascii_lowercase();
        let rest = text_at(skip_spaces(i)).to_ascii_lowercase();
        let continues = matches!(word.as_str(), "double" | "character" | "timestamp" | "time")
            && (rest.starts_with("precision")
                || rest.starts_with("varying")
                || rest.starts_with("with")
                || rest.starts_with("without"));
        let in_zone_phrase = matches!(word.as_str(), "with" | "without" | "time")
            && (rest.starts_with("time") || rest.starts_with("zone"));
        if !(continues || in_zone_phrase) || start == i {
            return i;
        }
    }
}

const UUID_V4: &str = "(lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))";

/// Whether `e` is a literal SQLite takes as a column default as it is: `NULL`, `TRUE`,
/// `FALSE`, a number (signed or not), or a plain string.
fn is_literal(e: &str) -> bool {
    let Some(t) = only_token(e) else {
        let unsigned = e.strip_prefix(['+', '-']).and_then(only_token);
        return unsigned.is_some_and(|t| t.kind == TokenKind::Number) && e.parse::<f64>().is_ok();
    };
    match t.kind {
        TokenKind::Word => ["null", "true", "false"]
            .iter()
            .any(|w| e.eq_ignore_ascii_case(w)),
        TokenKind::Number => e.parse::<f64>().is_ok(),
        TokenKind::String { .. } => string_value(e).is_some(),
        _ => false,
    }
}

/// The one token `e` is, nothing around it.
fn only_token(e: &str) -> Option<Token> {
    let t = lex(e, Dialect::Postgres).next()?;
    (t.end == e.len()).then_some(t)
}

/// The value of `e` when it is one plain string literal (`'it''s'` is `it's`), nothing around it.
fn string_value(e: &str) -> Option<String> {
    let t = only_token(e)?;
    match t.kind {
        TokenKind::String { .. } => t.unquoted(e).map(|v| v.into_owned()),
        _ => None,
    }
}

/// A default expression SQLite accepts: a literal, `CURRENT_*`, or an expression in parentheses.
pub fn default_sql(expr: &str) -> String {
    let e = strip_casts(expr);
    let e = e.trim();
    match e.to_ascii_lowercase().as_str() {
        "now()"
        | "current_timestamp"
        | "localtimestamp"
        | "transaction_timestamp()"
        | "statement_timestamp()"
        | "clock_timestamp()" => return "CURRENT_TIMESTAMP".into(),
        "current_date" => return "CURRENT_DATE".into(),
        "current_time" | "localtime" => return "CURRENT_TIME".into(),
        "gen_random_uuid()" | "uuid_generate_v4()" => return UUID_V4.into(),
        _ => {}
    }
    if is_literal(e) {
        e.to_string()
    } else {
        format!("({e})")
    }
}

/// A default or backfill of a column of type `ty`: as [`default_sql`], except that a PostgreSQL
/// array literal (`'{}'`, `'{1,2}'`, `'{"a b",NULL}'`) becomes the JSON array that SQLite keeps
/// arrays as.
pub fn value_sql(expr: &str, ty: &ColumnType) -> String {
    if let ColumnType::Array(element) = ty
        && let Some(json) = json_array(strip_casts(expr).trim(), element)
    {
        return literal(&json);
    }
    default_sql(expr)
}

/// The JSON text of a one-dimensional PostgreSQL array literal, if `e` is one.
fn json_array(e: &str, element: &ColumnType) -> Option<String> {
    use serde_json::Value;
    let text = string_value(e)?;
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut items = Vec::new();
    let mut chars = inner.trim().chars().peekable();
    while chars.peek().is_some() {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut item = String::new();
        let is_quoted = chars.next_if_eq(&'"').is_some();
        if is_quoted {
            loop {
                match chars.next()? {
                    '\\' => item.push(chars.next()?),
                    '"' => break,
                    c => item.push(c),
                }
            }
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
        } else {
            while let Some(c) = chars.next_if(|&c| c != ',') {
                if matches!(c, '{' | '}' | '"' | '\\') {
                    return None;
                }
                item.push(c);
            }
            item = item.trim().to_string();
        }
        let number = || serde_json::from_str::<serde_json::Number>(&item).ok();
        items.push(match element {
            _ if !is_quoted && item.eq_ignore_ascii_case("null") => Value::Null,
            ColumnType::SmallInt
            | ColumnType::Integer
            | ColumnType::BigInt
            | ColumnType::Real
            | ColumnType::Double
            | ColumnType::Numeric(_)
                if number().is_some() =>
            {
                Value::Number(number()?)
            }
            ColumnType::Boolean => Value::Bool(matches!(
                item.to_ascii_lowercase().as_str(),
                "t" | "true" | "y" | "yes" | "on" | "1"
            )),
            _ => Value::String(item),
        });
        match chars.next() {
            Some(',') | None => {}
            Some(_) => return None,
        }
    }
    Some(Value::Array(items).to_string())
}

fn enum_check(c: &Column, schema: &Schema) -> Option<String> {
    let ColumnType::Enum(name) = &c.ty else {
        return None;
    };
    let e = schema.enum_type(name)?;
    let values = e
        .values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!("CHECK ({} IN ({values}))", ident(&c.name)))
}

/// Whether the column is an identity key, which SQLite makes its rowid alias.
fn is_rowid_alias(c: &Column, table: &Table) -> bool {
    c.identity.is_some()
        && table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == c.name)
}

fn column_def(c: &Column, table: &Table, schema: &Schema) -> String {
    // An identity key is SQLite's rowid alias, which must be declared exactly INTEGER.
    let rowid = is_rowid_alias(c, table);
    let ty = if rowid {
        "integer".to_string()
    } else {
        type_sql(&c.ty)
    };
    let mut s = format!("{} {ty}", ident(&c.name));
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(&value_sql(d, &c.ty));
    }
    if let Some(check) = enum_check(c, schema) {
        s.push(' ');
        s.push_str(&check);
    }
    s
}

/// The body of `CREATE TABLE name (...)` for the declared table.
fn table_body(t: &Table, schema: &Schema) -> String {
    let mut lines: Vec<String> = t.columns.iter().map(|c| column_def(c, t, schema)).collect();
    if let Some(pk) = &t.primary_key {
        lines.push(format!(
            "CONSTRAINT {} PRIMARY KEY ({})",
            ident(&pk.name),
            idents(&pk.columns)
        ));
    }
    for fk in &t.foreign_keys {
        let mut s = format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
            ident(&fk.name),
            idents(&fk.columns),
            ident(&fk.ref_table),
            idents(&fk.ref_columns)
        );
        if fk.on_delete != Default::default() {
            s.push_str(" ON DELETE ");
            s.push_str(fk.on_delete.sql());
        }
        if fk.on_update != Default::default() {
            s.push_str(" ON UPDATE ");
            s.push_str(fk.on_update.sql());
        }
        lines.push(s);
    }
    for ck in &t.checks {
        lines.push(format!(
            "CONSTRAINT {} CHECK ({})",
            ident(&ck.name),
            strip_casts(&ck.expr)
        ));
    }
    format!("(\n    {}\n)", lines.join(",\n    "))
}

fn index_sql(table: &str, ix: &crate::schema::Index) -> String {
    let mut s = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if ix.unique { "UNIQUE " } else { "" },
        ident(&ix.name),
        ident(table),
        idents(&ix.columns)
    );
    // A predicate that is always true limits nothing; written out, it would make the index
    // partial, and SQLite lets no foreign key use a partial index.
    if let Some(p) = ix.partial_predicate() {
        s.push_str(" WHERE ");
        s.push_str(&strip_casts(p));
    }
    s
}

/// `CREATE TABLE` and its indexes.
pub fn create_table(t: &Table, schema: &Schema, out: &mut Vec<Statement>) {
    out.push(Statement::tx(format!(
        "CREATE TABLE {} {}",
        ident(&t.name),
        table_body(t, schema)
    )));
    for ix in &t.indexes {
        out.push(Statement::tx(index_sql(&t.name, ix)));
    }
}

/// Whether SQLite's `ADD COLUMN` can add this column as declared.
fn native_add(c: &Column) -> bool {
    let literal_default = c
        .default
        .as_deref()
        .is_some_and(|d| is_literal(strip_casts(d).trim()));
    c.identity.is_none()
        && if c.nullable {
            c.default.is_none() || literal_default
        } else {
            literal_default
                && !c
                    .default
                    .as_deref()
                    .is_some_and(|d| d.trim().eq_ignore_ascii_case("null"))
        }
}

/// Renders the diff for SQLite.
pub fn render(diff: &Diff, from: &Schema, to: &Schema) -> Rendered {
    let created: HashSet<&str> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateTable(t) => Some(t.name.as_str()),
            _ => None,
        })
        .collect();
    let dropped: HashSet<&str> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable(t) => Some(t.name.as_str()),
            _ => None,
        })
        .collect();

    // Foreign keys dropped and added again unchanged (PostgreSQL rebuilds them around a new
    // key): nothing to do here.
    let readded: HashSet<(&str, &str)> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::AddForeignKey { table, fk, .. } => Some((table, fk)),
            _ => None,
        })
        .filter(|(table, fk)| {
            diff.changes.iter().any(|c| {
                matches!(c, Change::DropForeignKey { table: t, fk: f } if t == *table && f == *fk)
            })
        })
        .map(|(table, fk)| (table.as_str(), fk.name.as_str()))
        .collect();

    // Existing tables that need a rebuild, by their declared name.
    let mut rebuild: BTreeSet<String> = BTreeSet::new();
    let mut changed_enums: HashSet<&str> = HashSet::new();
    for change in &diff.changes {
        match change {
            Change::AddEnumValue { enum_name, .. } => {
                changed_enums.insert(enum_name);
            }
            Change::RebuildEnum { to: e, .. } => {
                changed_enums.insert(&e.name);
            }
            Change::AddColumn { table, column } if !native_add(column) => {
                rebuild.insert(table.clone());
            }
            Change::AddForeignKey { table, fk, .. } | Change::DropForeignKey { table, fk }
                if readded.contains(&(table.as_str(), fk.name.as_str())) => {}
            Change::AlterColumnType { table, .. }
            | Change::DropNotNull { table, .. }
            | Change::SetNotNull { table, .. }
            | Change::SetDefault { table, .. }
            | Change::SetIdentity { table, .. }
            | Change::AddPrimaryKey { table, .. }
            | Change::DropPrimaryKey { table, .. }
            | Change::RenameConstraint { table, .. }
            | Change::AddForeignKey { table, .. }
            | Change::DropForeignKey { table, .. }
            | Change::AddCheck { table, .. }
            | Change::DropCheck { table, .. }
            | Change::DropColumn { table, .. }
                if !created.contains(table.as_str()) && !dropped.contains(table.as_str()) =>
            {
                rebuild.insert(table.clone());
            }
            _ => {}
        }
    }
    for t in &to.tables {
        if !created.contains(t.name.as_str())
            && t.columns
                .iter()
                .any(|c| c.ty.enum_name().is_some_and(|e| changed_enums.contains(e)))
        {
            rebuild.insert(t.name.clone());
        }
    }

    // Indexes are dropped before anything is renamed or created, which may take their names.
    // Those of a table about to be rebuilt go with the table, unless a table or an index of
    // another table takes the name first: renamed and new tables, their indexes, and the indexes
    // of the other rebuilt tables.
    let mut taken: Vec<(Option<&str>, &str)> = Vec::new();
    for change in &diff.changes {
        match change {
            Change::RenameTable { to: new, .. } | Change::CreateTable(Table { name: new, .. }) => {
                taken.push((None, new));
            }
            Change::CreateIndex { table, index, .. } if created.contains(table.as_str()) => {
                taken.push((None, &index.name));
            }
            _ => {}
        }
    }
    for name in &rebuild {
        for ix in to.table(name).iter().flat_map(|t| &t.indexes) {
            taken.push((Some(name), &ix.name));
        }
    }
    let mut drop_indexes = Vec::new();
    for name in &rebuild {
        let old = from.table(name).or_else(|| {
            to.table(name)
                .and_then(|t| t.renamed_from.as_deref())
                .and_then(|r| from.table(r))
        });
        for ix in old.iter().flat_map(|t| &t.indexes) {
            if taken
                .iter()
                .any(|(owner, n)| *n == ix.name && *owner != Some(name.as_str()))
            {
                drop_indexes.push(Statement::tx(format!("DROP INDEX {}", ident(&ix.name))));
            }
        }
    }
    let mut early = Vec::new();
    let mut creates = Vec::new();
    let mut late = Vec::new();
    let mut drops = Vec::new();
    for change in &diff.changes {
        match change {
            Change::RenameTable { from: old, to: new } => {
                early.push(Statement::tx(format!(
                    "ALTER TABLE {} RENAME TO {}",
                    ident(old),
                    ident(new)
                )));
            }
            Change::RenameColumn {
                table,
                from: old,
                to: new,
            } => early.push(Statement::tx(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                ident(table),
                ident(old),
                ident(new)
            ))),
            Change::DropIndex { table, index }
            | Change::RenameIndex {
                table, from: index, ..
            } if !rebuild.contains(table) && !dropped.contains(table.as_str()) => {
                // An index renamed through a free name (a swap) never exists under that name here:
                // its old name is dropped and its new one created.
                if !crate::diff::is_swap_name(&index.name) {
                    drop_indexes.push(Statement::tx(format!("DROP INDEX {}", ident(&index.name))));
                }
                if let Change::RenameIndex { to: new, .. } = change
                    && !crate::diff::is_swap_name(&new.name)
                {
                    late.push(Statement::tx(index_sql(table, new)));
                }
            }
            Change::CreateTable(t) => {
                // Every foreign key inline: SQLite cannot add one later, and does not need the
                // referenced table to exist yet.
                let full = to.table(&t.name).unwrap_or(t);
                creates.push(Statement::tx(format!(
                    "CREATE TABLE {} {}",
                    ident(&full.name),
                    table_body(full, to)
                )));
            }
            Change::CreateIndex { table, index, .. } if created.contains(table.as_str()) => {
                creates.push(Statement::tx(index_sql(table, index)));
            }
            Change::CreateIndex { table, index, .. } if !rebuild.contains(table) => {
                late.push(Statement::tx(index_sql(table, index)));
            }
            Change::AddColumn { table, column } if !rebuild.contains(table) => {
                let t = to.table(table);
                let def = match t {
                    Some(t) => column_def(column, t, to),
                    None => continue,
                };
                late.push(Statement::tx(format!(
                    "ALTER TABLE {} ADD COLUMN {def}",
                    ident(table)
                )));
            }
            Change::DropTable(t) => {
                drops.push(Statement::tx(format!("DROP TABLE {}", ident(&t.name))))
            }
            _ => {}
        }
    }

    let mut rebuilds = Vec::new();
    for name in &rebuild {
        if let Some(t) = to.table(name) {
            rebuild_table(t, from, to, &mut rebuilds);
        }
    }

    // Dropped tables go before renames and creations too, for the same reason.
    let statements = [drop_indexes, drops, early, creates, rebuilds, late]
        .into_iter()
        .flatten()
        .collect();
    Rendered { statements }
}

/// Rebuilds an existing table into its declared definition, keeping its rows. Renames of the
/// table and its columns have already run, so the old table and columns go by their new names.
fn rebuild_table(t: &Table, from: &Schema, to: &Schema, out: &mut Vec<Statement>) {
    let old = from
        .table(&t.name)
        .or_else(|| t.renamed_from.as_deref().and_then(|r| from.table(r)));
    let Some(old) = old else { return };
    let tmp = format!("_migrate_new_{}", t.name);
    out.push(Statement::tx(format!(
        "CREATE TABLE {} {}",
        ident(&tmp),
        table_body(t, to)
    )));

    let mut cols = Vec::new();
    let mut exprs = Vec::new();
    for c in &t.columns {
        let prev = old
            .column(&c.name)
            .or_else(|| c.renamed_from.as_deref().and_then(|r| old.column(r)));
        let backfill = c
            .backfill
            .as_deref()
            .or(c.default.as_deref())
            .map(|e| value_sql(e, &c.ty));
        let expr = match prev {
            Some(p) => {
                let mut e = ident(&c.name);
                let (a, b) = (affinity(&type_sql(&p.ty)), affinity(&type_sql(&c.ty)));
                // Casting to NUMERIC would turn text such as an enum label into 0.
                if p.ty != c.ty && a != b && matches!(b, "INTEGER" | "REAL" | "TEXT") {
                    e = format!("CAST({e} AS {b})");
                }
                if p.nullable
                    && !c.nullable
                    && let Some(b) = &backfill
                {
                    e = format!("COALESCE({e}, {b})");
                }
                e
            }
            None => match (&c.backfill, c.nullable) {
                (Some(b), _) => value_sql(b, &c.ty),
                // SQLite generates only its rowid alias: a new identity elsewhere numbers the
                // rows as the rowid does.
                _ if c.identity.is_some() && !is_rowid_alias(c, t) => "rowid".into(),
                _ => continue,
            },
        };
        cols.push(ident(&c.name));
        exprs.push(expr);
    }
    // Every column is new and takes its default: copy one anyway, so every row is kept.
    if cols.is_empty()
        && let Some(c) = t.columns.first()
    {
        cols.push(ident(&c.name));
        exprs.push(
            c.default
                .as_deref()
                .map_or_else(|| "NULL".into(), |d| value_sql(d, &c.ty)),
        );
    }
    out.push(Statement::tx(format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        ident(&tmp),
        cols.join(", "),
        exprs.join(", "),
        ident(&t.name)
    )));
    out.push(Statement::tx(format!("DROP TABLE {}", ident(&t.name))));
    out.push(Statement::tx(format!(
        "ALTER TABLE {} RENAME TO {}",
        ident(&tmp),
        ident(&t.name)
    )));
    for ix in &t.indexes {
        out.push(Statement::tx(index_sql(&t.name, ix)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_are_stripped_outside_strings() {
        assert_eq!(strip_casts("'a'::text"), "'a'");
        assert_eq!(strip_casts("x::double precision > 1"), "x > 1");
        assert_eq!(strip_casts("'it''s::x'::varchar(10)"), "'it''s::x'");
        assert_eq!(strip_casts("now()::timestamp with time zone"), "now()");
        assert_eq!(strip_casts("a::\"my type\"[] = b"), "a = b");
        // A `::` in a comment or a dollar-quoted body is no cast.
        assert_eq!(strip_casts("a -- x::int\n"), "a -- x::int\n");
        assert_eq!(strip_casts("$$x::int$$::text"), "$$x::int$$");
        assert_eq!(strip_casts("E'\\'::x'::text || b"), "E'\\'::x' || b");
    }

    #[test]
    fn defaults() {
        assert_eq!(default_sql("now()"), "CURRENT_TIMESTAMP");
        assert_eq!(default_sql("'draft'::text"), "'draft'");
        assert_eq!(default_sql("0"), "0");
        assert_eq!(default_sql("-1.5"), "-1.5");
        assert_eq!(default_sql("true"), "true");
        assert_eq!(default_sql("lower('A')"), "(lower('A'))");
        assert_eq!(default_sql("'it''s'"), "'it''s'");
        assert_eq!(default_sql("+2e3"), "+2e3");
        // Not one literal: a string continued on the next line, two strings, an E string.
        assert_eq!(default_sql("'a'\n'b'"), "('a'\n'b')");
        assert_eq!(default_sql("'a' || 'b'"), "('a' || 'b')");
        assert_eq!(default_sql("E'x'"), "(E'x')");
        assert_eq!(default_sql("inf"), "(inf)");
    }

    #[test]
    fn array_literals_become_json() {
        let int = ColumnType::Array(Box::new(ColumnType::Integer));
        let text = ColumnType::Array(Box::new(ColumnType::Text));
        let flag = ColumnType::Array(Box::new(ColumnType::Boolean));
        assert_eq!(value_sql("'{}'", &text), "'[]'");
        assert_eq!(value_sql("'{}'::text[]", &text), "'[]'");
        assert_eq!(value_sql("'{1, 2,NULL}'", &int), "'[1,2,null]'");
        assert_eq!(
            value_sql(r#"'{a,"b c","it''s","\"q\"",null,"NULL"}'"#, &text),
            r#"'["a","b c","it''s","\"q\"",null,"NULL"]'"#
        );
        assert_eq!(value_sql("'{t,f}'", &flag), "'[true,false]'");
        assert_eq!(value_sql("'{{1},{2}}'", &int), "'{{1},{2}}'");
        assert_eq!(value_sql("'{}'", &ColumnType::Json), "'{}'");
    }

    #[test]
    fn types_keep_their_spelling() {
        assert_eq!(type_sql(&ColumnType::Varchar(Some(20))), "varchar(20)");
        assert_eq!(
            type_sql(&ColumnType::Array(Box::new(ColumnType::Text))),
            "\"text[] text\""
        );
        assert_eq!(affinity("varchar(20)"), "TEXT");
        assert_eq!(affinity("double"), "REAL");
        assert_eq!(affinity("text[]"), "TEXT");
        assert_eq!(type_sql(&ColumnType::Uuid), "uuid text");
        assert_eq!(
            type_sql(&ColumnType::Enum("pet type".into())),
            "\"pet type text\""
        );
        assert_eq!(
            type_sql(&ColumnType::Array(Box::new(ColumnType::Uuid))),
            "\"uuid[] text\""
        );
        assert_eq!(affinity("uuid text"), "TEXT");
        assert_eq!(parse_declared("pet type text"), "pet type");
        assert_eq!(parse_declared("my text text"), "my text");
    }
}
