//! Columns: add, drop, rename, change type, nullability, default, identity, comment.
//!
//! A column becomes NOT NULL through a validated CHECK ([`set_not_null_online`]), so `SET NOT
//! NULL` does not scan the table under an exclusive lock. The rows of a table with a key to walk
//! are filled in batches ([`fill_in_batches`], [`batch_key`]): a backfill, a new column's
//! volatile default and a new identity column (which `ADD COLUMN` would otherwise compute row by
//! row in a rewrite of the table).

use super::defs::{column_def, comment_value, not_null_check_name};
use super::quote::literal;
use super::render::Cx;
use super::types::{has_direct_cast, type_sql};
use crate::schema::{Column, ColumnType, Identity};
use crate::sql::{Batch, ident};

/// `Change::AddColumn`. A NOT NULL column with a backfill and no default is added nullable,
/// filled (in batches where it can be), then made NOT NULL without a long lock; so is a column
/// with a volatile default, or an identity, on a table with a key to walk.
pub(super) fn add(cx: &mut Cx<'_>, table: &str, column: &Column) {
    let t = ident(table);
    if super::keys::added_before(cx, table, column) {
        // Added nullable before the transaction, with the primary key built there; filled and
        // made NOT NULL there too.
        let old_table = cx.old_table(table).map_or(table, |t| t.name.as_str());
        // A volatile default is set once the column is there, so that adding it rewrites
        // nothing; the key's steps fill the rows with it.
        let volatile = column
            .default
            .as_deref()
            .filter(|d| column.identity.is_none() && rewrites_rows(d));
        let nullable = Column {
            nullable: true,
            default: if volatile.is_some() {
                None
            } else {
                column.default.clone()
            },
            ..column.clone()
        };
        let allow = if column.identity.is_some() {
            format!("{}\n", allow_rewrite(IDENTITY_REWRITE))
        } else {
            String::new()
        };
        cx.before(format!(
            "{allow}ALTER TABLE {} ADD COLUMN IF NOT EXISTS {}",
            ident(old_table),
            column_def(&nullable)
        ));
        if let Some(d) = volatile {
            cx.before(format!(
                "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {d}",
                ident(old_table),
                ident(&column.name)
            ));
        }
        if column.comment.is_some() {
            cx.tx(format!(
                "COMMENT ON COLUMN {t}.{} IS {}",
                ident(&column.name),
                comment_value(&column.comment)
            ));
        }
        return;
    }
    let needs_backfill = !column.nullable && column.default.is_none() && column.identity.is_none();
    match (&column.backfill, needs_backfill, &column.default) {
        (Some(b), true, _) => {
            let nullable = Column {
                nullable: true,
                ..column.clone()
            };
            cx.tx(format!("ALTER TABLE {t} ADD COLUMN {}", column_def(&nullable)));
            if !cx.in_primary_key(table, &column.name) {
                set_not_null_online(cx, table, &column.name, Some(b));
            }
        }
        (_, _, Some(d)) if column.identity.is_none() && rewrites_rows(d) => {
            match batch_key(cx, table, &column.name) {
                Some(batch) => add_with_volatile_default(cx, table, column, d, batch),
                None => cx.tx(format!(
                    "{}\nALTER TABLE {t} ADD COLUMN {}",
                    allow_rewrite(
                        "filling it in batches needs a primary key or a unique NOT NULL key that the column is not part of"
                    ),
                    column_def(column)
                )),
            }
        }
        _ if column.identity.is_some() => {
            match batch_key(cx, table, &column.name).filter(|_| {
                !cx.in_primary_key(table, &column.name)
                    && !cx.knows_relation(&fill_sequence_name(table, &column.name))
            }) {
                Some(batch) => add_identity_in_batches(cx, table, column, batch),
                None => cx.tx(format!(
                    "{}\nALTER TABLE {t} ADD COLUMN {}",
                    allow_rewrite(IDENTITY_REWRITE),
                    column_def(column)
                )),
            }
        }
        _ => cx.tx(format!("ALTER TABLE {t} ADD COLUMN {}", column_def(column))),
    }
    if column.comment.is_some() {
        cx.tx(format!(
            "COMMENT ON COLUMN {t}.{} IS {}",
            ident(&column.name),
            comment_value(&column.comment)
        ));
    }
}

/// `Change::DropColumn`.
pub(super) fn drop(cx: &mut Cx<'_>, table: &str, column: &Column) {
    cx.tx(format!(
        "ALTER TABLE {} DROP COLUMN {}",
        ident(table),
        ident(&column.name)
    ));
}

/// `Change::RenameColumn`.
pub(super) fn rename(cx: &mut Cx<'_>, table: &str, old: &str, new: &str) {
    cx.tx(format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        ident(table),
        ident(old),
        ident(new)
    ));
    // An identity's sequence keeps its name in PostgreSQL: renamed after the column too.
    let declared = cx
        .to
        .tables
        .iter()
        .find(|t| t.name == table || t.renamed_from.as_deref() == Some(table))
        .and_then(|t| t.column(new));
    if declared.is_some_and(|c| c.identity.is_some() && c.identity_options.sequence.is_none()) {
        cx.tx(format!(
            "ALTER SEQUENCE IF EXISTS {} RENAME TO {}",
            ident(&crate::schema::names::identity_sequence(table, old)),
            ident(&crate::schema::names::identity_sequence(table, new))
        ));
    }
}

/// `Change::AlterColumnType`: a direct cast where PostgreSQL has one, through text otherwise;
/// the default is dropped around the change and set again.
pub(super) fn alter_type(
    cx: &mut Cx<'_>,
    table: &str,
    column: &str,
    old_ty: &ColumnType,
    new_ty: &ColumnType,
) {
    let (t, c) = (ident(table), ident(column));
    let old_default = cx
        .old_column(table, column)
        .and_then(|fc| fc.default.clone());
    let new_default = cx
        .new_column(table, column)
        .and_then(|tc| tc.default.clone());
    if old_default.is_some() {
        cx.tx(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"));
    }
    let using = if has_direct_cast(old_ty, new_ty) {
        format!("{c}::{}", type_sql(new_ty))
    } else {
        // Every type has a text form and reads one back.
        format!("{c}::text::{}", type_sql(new_ty))
    };
    cx.tx(format!(
        "ALTER TABLE {t} ALTER COLUMN {c} TYPE {} USING {using}",
        type_sql(new_ty)
    ));
    if let Some(d) = new_default.filter(|_| old_default.is_some()) {
        cx.tx(format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {d}"));
    }
}

/// `Change::DropNotNull`.
pub(super) fn drop_not_null(cx: &mut Cx<'_>, table: &str, column: &str) {
    cx.tx(format!(
        "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
        ident(table),
        ident(column)
    ));
}

/// `Change::SetNotNull`. A column that becomes an identity is filled and made NOT NULL with
/// it, and so is one that joins the primary key (nullable until now, it was not in the old one).
pub(super) fn set_not_null(cx: &mut Cx<'_>, table: &str, column: &str, backfill: Option<&str>) {
    let becomes_identity = cx
        .new_column(table, column)
        .is_some_and(|c| c.identity.is_some())
        && cx
            .old_column(table, column)
            .is_some_and(|oc| oc.identity.is_none());
    if !becomes_identity && !cx.in_primary_key(table, column) {
        set_not_null_online(cx, table, column, backfill);
    }
}

/// A column added with a default that `ADD COLUMN` would compute for each existing row in a
/// rewrite of the table under its exclusive lock: added without it, the default set for new
/// rows (both only change the catalog), the existing rows filled in batches, then made NOT NULL
/// without a long lock.
fn add_with_volatile_default(
    cx: &mut Cx<'_>,
    table: &str,
    column: &Column,
    default: &str,
    batch: Batch,
) {
    let (t, c) = (ident(table), ident(&column.name));
    let bare = Column {
        nullable: true,
        default: None,
        ..column.clone()
    };
    cx.tx(format!("ALTER TABLE {t} ADD COLUMN {}", column_def(&bare)));
    cx.tx(format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {default}"));
    fill_in_batches(cx, batch, &column.name, default);
    if !column.nullable {
        not_null_after_batches(cx, table, &column.name, default);
    }
}

/// Whether a column's default is computed row by row when `ADD COLUMN` fills the existing rows,
/// which rewrites the table: PostgreSQL stores a non-volatile default once and rewrites nothing.
/// Anything but literals, casts, operators, the `CURRENT_…` keywords and a call without arguments
/// of a function known not to be volatile (`now()`) counts as volatile: filling in batches is
/// right for any default, and only costs steps where it was not needed.
fn rewrites_rows(default: &str) -> bool {
    use crate::sql::lex::{TokenKind, lex};
    /// Functions without arguments whose value is the same for every row of a statement.
    const STABLE: &[&str] = &[
        "now",
        "transaction_timestamp",
        "statement_timestamp",
        "current_database",
        "current_schema",
        "pi",
        "version",
    ];
    let tokens: Vec<_> = lex(default, crate::config::Dialect::EXPRESSIONS)
        .filter(|t| !t.is_trivia())
        .collect();
    tokens.iter().enumerate().any(|(i, t)| {
        let called = tokens.get(i + 1).is_some_and(|n| n.text(default) == "(");
        if !called || !matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent { .. }) {
            return false;
        }
        let name = match t.kind {
            TokenKind::Word => t.text(default).to_ascii_lowercase(),
            _ => t.unquoted(default).unwrap_or_default().into_owned(),
        };
        let no_arguments = tokens.get(i + 2).is_some_and(|n| n.text(default) == ")");
        // A type name before a parenthesis (`numeric(10, 2)` after `::`) is no call, nor is
        // `CAST (… AS …)`: what they hold is read on its own.
        let type_name = i > 0 && tokens[i - 1].text(default) == "::";
        !type_name && name != "cast" && !(no_arguments && STABLE.contains(&name.as_str()))
    })
}

/// Why a new identity column that cannot be filled in batches (no key to walk, or part of the
/// primary key built before the transaction) is added in one rewrite of the table: the
/// identity's own sequence numbers the rows as it is added.
const IDENTITY_REWRITE: &str = "an identity numbers the existing rows from its own sequence as the column is added (filling it in batches first needs a key to walk that the column is not part of)";

/// The temporary sequence that numbers a new identity column's existing rows
/// ([`add_identity_in_batches`]), within PostgreSQL's 63 bytes.
fn fill_sequence_name(table: &str, column: &str) -> String {
    let mut name = not_null_check_name(table, column);
    name.truncate(name.len() - "_not_null".len());
    name.push_str("_fill");
    name
}

/// A new identity column on a table with rows, without a rewrite: added as a plain column whose
/// default draws from a temporary sequence (catalog-only steps), the existing rows numbered from
/// that sequence in batches, made NOT NULL without a long lock; then, in one short statement, the
/// default dropped and the column made an identity whose sequence starts past every number the
/// temporary one gave (its `last_value`: no scan for the largest), and the temporary sequence
/// dropped. That last step runs again harmlessly after a failure part-way.
fn add_identity_in_batches(cx: &mut Cx<'_>, table: &str, column: &Column, batch: Batch) {
    let Some(identity) = column.identity else {
        return;
    };
    let (t, c) = (ident(table), ident(&column.name));
    let seq = ident(&fill_sequence_name(table, &column.name));
    let bare = Column {
        nullable: true,
        default: None,
        identity: None,
        ..column.clone()
    };
    let next = format!("nextval({})", literal(&seq));
    cx.tx(format!("ALTER TABLE {t} ADD COLUMN {}", column_def(&bare)));
    let of_type = match column.ty {
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => {
            format!(" AS {}", type_sql(&column.ty))
        }
        _ => String::new(),
    };
    cx.tx(format!("CREATE SEQUENCE {seq}{of_type} OWNED BY {t}.{c}"));
    cx.tx(format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {next}"));
    fill_in_batches(cx, batch, &column.name, &next);
    // Run again from the top once the sequence is gone (a later step failed), the NOT NULL steps
    // must not name it: `to_regclass` is NULL then, and so is `nextval` of it, for no row (the
    // column is an identity by then).
    let next_if_any = format!("nextval(to_regclass({}))", literal(&seq));
    not_null_after_batches(cx, table, &column.name, &next_if_any);
    let kind = match identity {
        Identity::Always => "ALWAYS",
        Identity::ByDefault => "BY DEFAULT",
    };
    let add = format!("ALTER TABLE {t} ALTER COLUMN {c} ADD GENERATED {kind} AS IDENTITY (START WITH ");
    let body = format!(
        "\nBEGIN\n    IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = {}::regclass AND attname = {} AND attidentity <> '') THEN\n        \
         ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT;\n        \
         EXECUTE {} || (SELECT last_value + 1 FROM {seq}) || ')';\n    \
         END IF;\nEND\n",
        literal(&t),
        literal(&column.name),
        literal(&add),
    );
    cx.online(format!("DO {}", super::quote::dollar_quoted(&body)));
    cx.online(format!(
        "-- migrate:allow destructive-statement: the temporary sequence that numbered the rows \
         already there; the identity has a sequence of its own\nDROP SEQUENCE IF EXISTS {seq}"
    ));
}

/// The `-- migrate:allow` line of an `ADD COLUMN` that rewrites the table because no lock-free
/// route is sound for it: `migrate lint` reports it with `why`, for the reviewer.
fn allow_rewrite(why: &str) -> String {
    format!(
        "-- migrate:allow adding-field-with-default: {}; the table is rewritten under its exclusive lock",
        crate::sql::comment(why)
    )
}

/// How the rows of `table` can be filled in batches once the transaction has run: along its
/// primary key, or else along a unique index over NOT NULL columns that exists before the
/// migration too; never along a key `column` is part of. `None` when it has neither, or a name
/// the `-- migrate:batch` line cannot hold.
fn batch_key(cx: &Cx<'_>, table: &str, column: &str) -> Option<Batch> {
    let new = cx.to.table(table)?;
    let old = cx.old_table(table)?;
    if !crate::sql::batchable_name(table) {
        return None;
    }
    if let Some(pk) = &new.primary_key {
        return (!pk.columns.iter().any(|c| c == column)).then(|| Batch {
            table: table.to_string(),
            key: Vec::new(),
        });
    }
    // NOT NULL before and after, and not retyped (an index over a retyped column may be
    // dropped before the transaction and built again after the batches).
    let not_null_before = |c: &String| {
        new.column(c).is_some_and(|nc| !nc.nullable)
            && cx
                .old_column(table, c)
                .is_some_and(|oc| !oc.nullable && !cx.retyped(table, &oc.name))
    };
    let key = new.indexes.iter().find(|ix| {
        ix.is_key()
            && !ix.columns.iter().any(|c| c == column)
            && ix.columns.iter().all(|c| not_null_before(c) && crate::sql::batchable_name(c))
            && old.indexes.iter().any(|o| {
                o.is_key()
                    && o.columns.len() == ix.columns.len()
                    && o.columns.iter().zip(&ix.columns).all(|(oc, c)| {
                        cx.old_column(table, c).is_some_and(|before| &before.name == oc)
                    })
            })
    })?;
    Some(Batch {
        table: table.to_string(),
        key: key.columns.clone(),
    })
}

/// The batched fill of a column's NULLs with `value`, in a file of its own after the
/// transaction: each batch a short transaction over one range of the key.
fn fill_in_batches(cx: &mut Cx<'_>, batch: Batch, column: &str, value: &str) {
    let (t, c) = (ident(&batch.table), ident(column));
    cx.batch(
        batch,
        format!(
            "UPDATE {t} SET {c} = {value} WHERE {c} IS NULL AND {}",
            crate::sql::BATCH
        ),
    );
}

/// NOT NULL after a batched fill, without a long lock: a CHECK added `NOT VALID` (new rows must
/// hold a value from here on), the rows written without one while the batches ran filled (one
/// pass that finds few), the check validated, `SET NOT NULL` (which uses it), the check dropped.
fn not_null_after_batches(cx: &mut Cx<'_>, table: &str, column: &str, value: &str) {
    let (t, c) = (ident(table), ident(column));
    let check = ident(&not_null_check_name(table, column));
    // The online file runs statement by statement: dropping first makes it re-runnable from the
    // top after a failure part-way.
    cx.online(format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {check}"));
    cx.online(format!(
        "ALTER TABLE {t} ADD CONSTRAINT {check} CHECK ({c} IS NOT NULL) NOT VALID"
    ));
    cx.online(format!("UPDATE {t} SET {c} = {value} WHERE {c} IS NULL"));
    cx.online(format!("ALTER TABLE {t} VALIDATE CONSTRAINT {check}"));
    cx.online(format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"));
    cx.online(format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {check}"));
}

/// NOT NULL without a long lock, after the transaction: backfill (in batches where the table
/// has a key to walk, see [`batch_key`]), a CHECK added `NOT VALID` and validated, `SET NOT
/// NULL` (which uses the check), and the check dropped.
fn set_not_null_online(cx: &mut Cx<'_>, table: &str, column: &str, backfill: Option<&str>) {
    if let Some(b) = backfill
        && let Some(batch) = batch_key(cx, table, column)
    {
        fill_in_batches(cx, batch, column, b);
        not_null_after_batches(cx, table, column, b);
        return;
    }
    let (t, c) = (ident(table), ident(column));
    if let Some(b) = backfill {
        cx.online(format!("UPDATE {t} SET {c} = {b} WHERE {c} IS NULL"));
    }
    let check = ident(&not_null_check_name(table, column));
    // The online file runs statement by statement: dropping first makes it re-runnable from the
    // top after a failure part-way (e.g. a row that fails the check).
    cx.online(format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {check}"));
    cx.online(format!(
        "ALTER TABLE {t} ADD CONSTRAINT {check} CHECK ({c} IS NOT NULL) NOT VALID"
    ));
    cx.online(format!("ALTER TABLE {t} VALIDATE CONSTRAINT {check}"));
    cx.online(format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"));
    cx.online(format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {check}"));
}

/// NOT NULL without a long lock, before the transaction, for what the transaction builds on it
/// (an identity, a primary key): the steps of [`set_not_null_online`], on the table and column
/// (declared as `table` and `column`) under their names before the migration's renames.
pub(super) fn set_not_null_before(
    cx: &mut Cx<'_>,
    table: &str,
    column: &str,
    backfill: Option<&str>,
) {
    let old_table = cx.old_table(table).map_or(table, |t| t.name.as_str());
    let old_column = cx
        .old_column(table, column)
        .map_or(column, |c| c.name.as_str());
    let (t, c) = (ident(old_table), ident(old_column));
    if let Some(b) = backfill {
        cx.before(format!("UPDATE {t} SET {c} = {b} WHERE {c} IS NULL"));
    }
    let check = ident(&not_null_check_name(old_table, old_column));
    cx.before(format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {check}"));
    cx.before(format!(
        "ALTER TABLE {t} ADD CONSTRAINT {check} CHECK ({c} IS NOT NULL) NOT VALID"
    ));
    cx.before(format!("ALTER TABLE {t} VALIDATE CONSTRAINT {check}"));
    cx.before(format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"));
    cx.before(format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {check}"));
}

/// `Change::SetDefault`.
pub(super) fn set_default(cx: &mut Cx<'_>, table: &str, column: &str, new: Option<&str>) {
    let (t, c) = (ident(table), ident(column));
    cx.tx(match new {
        Some(d) => format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {d}"),
        None => format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"),
    });
}

/// `Change::SetIdentity`: add, change or drop `GENERATED … AS IDENTITY`.
pub(super) fn set_identity(
    cx: &mut Cx<'_>,
    table: &str,
    column: &str,
    old: Option<Identity>,
    new: Option<Identity>,
) {
    let (t, c) = (ident(table), ident(column));
    let kind = |id: Identity| match id {
        Identity::Always => "ALWAYS",
        Identity::ByDefault => "BY DEFAULT",
    };
    let sql = match (old, new) {
        (_, None) => format!("ALTER TABLE {t} ALTER COLUMN {c} DROP IDENTITY IF EXISTS"),
        (None, Some(n)) => {
            // Identity needs NOT NULL first, so existing NULLs get the backfill here (an ALWAYS
            // identity refuses the later UPDATE), and the NOT NULL step is left out.
            let old = cx.old_column(table, column);
            if old.is_some_and(|oc| oc.nullable) {
                let backfill = cx
                    .new_column(table, column)
                    .and_then(|c| c.backfill.clone());
                if old.is_some_and(|oc| cx.retyped(table, &oc.name)) {
                    // The backfill is of the new type: after the type change, which rewrites
                    // the table under its lock anyway.
                    if let Some(b) = backfill {
                        cx.tx(format!("UPDATE {t} SET {c} = {b} WHERE {c} IS NULL"));
                    }
                    cx.tx(format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"));
                } else {
                    set_not_null_before(cx, table, column, backfill.as_deref());
                }
            }
            let options = cx
                .new_column(table, column)
                .map(|c| super::defs::identity_options(&c.identity_options))
                .unwrap_or_default();
            let options = if options.is_empty() {
                String::new()
            } else {
                format!(" ({})", options.join(" "))
            };
            format!(
                "ALTER TABLE {t} ALTER COLUMN {c} ADD GENERATED {} AS IDENTITY{options}",
                kind(n)
            )
        }
        (Some(_), Some(n)) => format!("ALTER TABLE {t} ALTER COLUMN {c} SET GENERATED {}", kind(n)),
    };
    cx.tx(sql);
    // A new identity's sequence starts at 1: past the values the column already holds.
    if old.is_none() && new.is_some() {
        cx.tx(format!(
            "SELECT setval(pg_get_serial_sequence({}, {}), GREATEST(MAX({c}), 1), \
             MAX({c}) IS NOT NULL) FROM {t}",
            literal(&t),
            literal(column)
        ));
    }
}

/// `Change::SetCollation`: `ALTER COLUMN … TYPE <same type> COLLATE …`, which rebuilds the
/// column's indexes.
pub(super) fn set_collation(
    cx: &mut Cx<'_>,
    table: &str,
    column: &str,
    ty: &crate::schema::ColumnType,
    to: Option<&str>,
) {
    cx.tx(format!(
        "ALTER TABLE {} ALTER COLUMN {} TYPE {} COLLATE {}",
        ident(table),
        ident(column),
        super::types::type_sql(ty),
        ident(to.unwrap_or("default"))
    ));
}

/// `Change::SetIdentityOptions`: `ALTER COLUMN … SET START WITH …` for what changes, and the
/// sequence renamed when its name does.
pub(super) fn set_identity_options(
    cx: &mut Cx<'_>,
    table: &str,
    column: &str,
    from: &crate::schema::IdentityOptions,
    to: &crate::schema::IdentityOptions,
) {
    let mut sets = Vec::new();
    if from.start != to.start {
        sets.push(match to.start {
            Some(v) => format!("SET START WITH {v}"),
            // The default start is the minimum (or the maximum, descending).
            None => match to.increment.unwrap_or(1) > 0 {
                true => format!("SET START WITH {}", to.min.unwrap_or(1)),
                false => match to.max {
                    Some(m) => format!("SET START WITH {m}"),
                    None => "SET START WITH -1".to_string(),
                },
            },
        });
    }
    if from.increment != to.increment {
        sets.push(format!("SET INCREMENT BY {}", to.increment.unwrap_or(1)));
    }
    if from.min != to.min {
        sets.push(to.min.map_or_else(|| "SET NO MINVALUE".into(), |v| format!("SET MINVALUE {v}")));
    }
    if from.max != to.max {
        sets.push(to.max.map_or_else(|| "SET NO MAXVALUE".into(), |v| format!("SET MAXVALUE {v}")));
    }
    if from.cycle != to.cycle {
        sets.push(if to.cycle { "SET CYCLE" } else { "SET NO CYCLE" }.into());
    }
    if from.cache != to.cache {
        sets.push(format!("SET CACHE {}", to.cache.unwrap_or(1)));
    }
    if !sets.is_empty() {
        cx.tx(format!(
            "ALTER TABLE {} ALTER COLUMN {} {}",
            ident(table),
            ident(column),
            sets.join(" ")
        ));
    }
    if from.sequence != to.sequence {
        let default = crate::schema::names::identity_sequence(table, column);
        cx.tx(format!(
            "ALTER SEQUENCE {} RENAME TO {}",
            ident(from.sequence.as_deref().unwrap_or(&default)),
            ident(to.sequence.as_deref().unwrap_or(&default))
        ));
    }
}

/// `Change::SetColumnComment`.
pub(super) fn set_comment(cx: &mut Cx<'_>, table: &str, column: &str, comment: &Option<String>) {
    cx.tx(format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        ident(table),
        ident(column),
        comment_value(comment)
    ));
}

#[cfg(test)]
mod tests {
    use super::rewrites_rows;

    #[test]
    fn volatile_defaults_rewrite_the_rows() {
        for d in [
            "gen_random_uuid()",
            "random()",
            "clock_timestamp()",
            "nextval('pets_seq')",
            "timeofday()",
            "(random() * 10)::integer",
            "md5(random()::text)",
            "public.gen_random_uuid()",
            "\"gen_random_uuid\"()",
        ] {
            assert!(rewrites_rows(d), "{d}");
        }
        for d in [
            "0",
            "'unknown'",
            "now()",
            "NOW ( )",
            "CURRENT_TIMESTAMP",
            "CURRENT_DATE",
            "'{}'::jsonb",
            "'1.5'::numeric(10, 2)",
            "CAST('1' AS integer)",
            "-1",
            "true",
            "'random()'",
        ] {
            assert!(!rewrites_rows(d), "{d}");
        }
    }
}
