//! The expand/contract route on PostgreSQL: the SQL of each phase of a [`Phased`] change.
//!
//! A renamed (or retyped) column gets a new column beside the old one and a `BEFORE INSERT OR
//! UPDATE` trigger that keeps the two equal whichever one a statement writes: the old code
//! writes the old column, the new code the new one, and each reads what the other wrote. The
//! trigger and its function are named after the change (`rename_pets_nickname_sync`). A renamed
//! table keeps its old name as a view, which PostgreSQL makes updatable by itself (a simple view
//! over one table). Every statement is idempotent where PostgreSQL allows it.

use super::defs::{MAX_IDENT_BYTES, check_def, comment_value, fk_def, index_sql, not_null_check_name};
use super::types::{has_direct_cast, type_sql};
use crate::diff::Diff;
use crate::diff::phased::{BatchStep, Phased, PhasedSql, Shadow, Step};
use crate::schema::{Check, ColumnType, ForeignKey, Index, Schema};
use crate::sql::{Stage, ident};

/// The SQL of `p`, phase by phase.
pub(super) fn render(p: &Phased, from: &Schema, to: &Schema) -> PhasedSql {
    match p {
        Phased::Shadow(s) => shadow(s, &sync_name(&p.slug())),
        Phased::RenameTable {
            from: old,
            to: new,
            follow,
        } => rename_table(old, new, follow, from, to),
        Phased::DropColumn { table, column } => {
            let (t, c) = (ident(table), ident(&column.name));
            let mut out = PhasedSql::default();
            if !column.nullable && column.default.is_none() && column.identity.is_none() {
                out.expand.push(Step::new(
                    format!(
                        "The new code no longer writes `{}`: it must accept no value until the contract step drops it.",
                        column.name
                    ),
                    format!("ALTER TABLE {t} ALTER COLUMN {c} DROP NOT NULL"),
                ));
            }
            out.contract.push(Step::new(
                format!(
                    "Only once no running code reads or writes `{}`: drops it and its data.",
                    column.name
                ),
                format!("ALTER TABLE {t} DROP COLUMN IF EXISTS {c}"),
            ));
            out.notes.push(format!(
                "Until the contract step, `{table}.{}` stays: the old code may still read and write it.",
                column.name
            ));
            out
        }
        Phased::DropTable { table } => PhasedSql {
            contract: vec![Step::new(
                format!(
                    "Only once no running code uses `{table}`: drops it, its rows and its own foreign keys."
                ),
                format!("DROP TABLE IF EXISTS {}", ident(table)),
            )],
            notes: vec![format!(
                "Until the contract step, `{table}` stays: the old code may still read and write it."
            )],
            ..PhasedSql::default()
        },
        Phased::SetNotNull {
            table,
            column,
            backfill,
        } => set_not_null(table, &column.name, backfill, &sync_name(&p.slug())),
    }
}

/// NOT NULL on a column the old code may still write NULL into: a trigger fills those with
/// `backfill` (evaluated over the row, so it may name its columns), a check holds new rows to
/// it, the existing NULLs are filled in batches, and the contract step sets NOT NULL.
fn set_not_null(table: &str, column: &str, backfill: &str, sync: &str) -> PhasedSql {
    let (t, c, f) = (ident(table), ident(column), ident(sync));
    let check = ident(&not_null_check_name(table, column));
    let mut out = PhasedSql::default();
    let body = format!(
        "
BEGIN
    -- The old code may still write NULL: the value it means is the backfill's.
    IF NEW.{c} IS NULL THEN
        NEW.{c} := (SELECT {backfill} FROM (SELECT NEW.*) AS {t});
    END IF;
    RETURN NEW;
END
"
    );
    add_trigger(
        &mut out.expand,
        Trigger { name: &f, table: &t, columns: &c, body: &body },
        format!("Fills a NULL written to `{column}` with the backfill, `{backfill}`."),
        "From here no write leaves a NULL; the rows written before are filled by the backfill migration that follows.",
    );
    out.expand.push(Step::new(
        "Holds new rows to it now (NOT VALID: the existing rows are checked after the backfill).",
        format!("ALTER TABLE {t} ADD CONSTRAINT {check} CHECK ({c} IS NOT NULL) NOT VALID"),
    ));
    out.backfill = Some(BatchStep {
        table: table.to_string(),
        why: format!("Fills the existing NULLs of `{column}` with `{backfill}`, a batch of rows per short transaction."),
        sql: format!("UPDATE {t} SET {c} = {backfill} WHERE {c} IS NULL AND :batch"),
    });
    out.validate.push(Step::new(
        "Every row now has a value: checks the rows written before the expand step, without blocking writes.",
        format!("ALTER TABLE {t} VALIDATE CONSTRAINT {check}"),
    ));
    drop_trigger(
        &mut out.contract,
        &f,
        &t,
        "Only once no running code writes NULL: the trigger and its function go.",
    );
    out.contract.push(Step::new(
        "NOT NULL: the validated check spares PostgreSQL the scan of the table. A NULL written from here fails.",
        format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"),
    ));
    out.contract.push(Step::new(
        "The check, replaced by NOT NULL.",
        format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {check}"),
    ));
    out.notes.push(format!(
        "Between expand and contract a NULL the old code writes to `{table}.{column}` becomes `{backfill}`; the new code reads a value in every row once the backfill has run."
    ));
    out
}

/// The trigger's and its function's name: the change's slug and `_sync`, within 63 bytes.
fn sync_name(slug: &str) -> String {
    let mut base = slug.to_string();
    while base.len() + "_sync".len() > MAX_IDENT_BYTES {
        base.pop();
    }
    format!("{base}_sync")
}

/// `value` (an expression of type `from`) as type `to`: as it is when the types are equal, a
/// direct cast where PostgreSQL has one, through text otherwise.
fn cast(value: &str, from: &ColumnType, to: &ColumnType) -> String {
    if from == to {
        value.to_string()
    } else if has_direct_cast(from, to) {
        format!("({value})::{}", type_sql(to))
    } else {
        format!("({value})::text::{}", type_sql(to))
    }
}

fn shadow(s: &Shadow, sync: &str) -> PhasedSql {
    let t = ident(&s.table);
    let (o, n) = (ident(&s.old.name), ident(&s.new.name));
    let (old_name, new_name) = (&s.old.name, &s.new.name);
    let (old_ty, new_ty) = (&s.old.ty, &s.new.ty);
    let f = ident(sync);
    let to_new = |v: &str| cast(v, old_ty, new_ty);
    let to_old = |v: &str| cast(v, new_ty, old_ty);
    let mut out = PhasedSql::default();

    // ---- expand ----
    out.expand.push(Step::new(
        "The new column, for the new code: nullable and without a default, so adding it rewrites no row and holds its lock only for a moment. The old code never names it.",
        format!(
            "ALTER TABLE {t} ADD COLUMN IF NOT EXISTS {n} {}",
            type_sql(new_ty)
        ),
    ));
    let body = format!(
        "
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- The new code writes {n}; the old code writes {o} and leaves {n} NULL.
        IF NEW.{n} IS NOT NULL THEN
            NEW.{o} := {back};
        ELSE
            NEW.{n} := {fwd};
        END IF;
    ELSIF NEW.{n} IS DISTINCT FROM OLD.{n} AND NEW.{n} IS DISTINCT FROM {fwd} THEN
        -- The new code changed {n}: the old code reads it as {o}.
        NEW.{o} := {back};
    ELSIF NEW.{o} IS DISTINCT FROM OLD.{o} THEN
        -- The old code changed {o}: the new code reads it as {n}.
        NEW.{n} := {fwd};
    END IF;
    RETURN NEW;
END
",
        back = to_old(&format!("NEW.{n}")),
        fwd = to_new(&format!("NEW.{o}")),
    );
    add_trigger(
        &mut out.expand,
        Trigger { name: &f, table: &t, columns: &format!("{o}, {n}"), body: &body },
        format!(
            "Keeps `{old_name}` and `{new_name}` equal in both directions, whichever one a statement writes{}.",
            if s.retyped() {
                format!(" (converting {old_ty} to {new_ty} and back)")
            } else {
                String::new()
            }
        ),
        "From here every write keeps both columns equal; rows written before are copied by the backfill migration that follows.",
    );
    let not_null = (!s.new.nullable).then(|| ident(&not_null_check_name(&s.table, new_name)));
    if let Some(check) = &not_null {
        out.expand.push(Step::new(
            format!(
                "`{new_name}` is NOT NULL once the contract step runs; until then a check holds new rows to it (NOT VALID: existing rows are checked after the backfill)."
            ),
            format!("ALTER TABLE {t} ADD CONSTRAINT {check} CHECK ({n} IS NOT NULL) NOT VALID"),
        ));
    }
    if s.new.comment.is_some() {
        out.expand.push(Step::new(
            "The column's comment.",
            format!(
                "COMMENT ON COLUMN {t}.{n} IS {}",
                comment_value(&s.new.comment)
            ),
        ));
    }
    for (fk, name) in &s.foreign_keys {
        let fk = ForeignKey {
            name: name.clone(),
            ..fk.clone()
        };
        out.expand.push(Step::new(
            format!(
                "The foreign key of `{new_name}`, enforced for new rows now (NOT VALID) and checked for the others after the backfill."
            ),
            format!("ALTER TABLE {t} ADD {} NOT VALID", fk_def(&fk)),
        ));
    }
    for (ck, name) in &s.checks {
        let ck = Check {
            name: name.clone(),
            ..ck.clone()
        };
        out.expand.push(Step::new(
            format!(
                "The check `{}` on `{new_name}`, enforced for new rows now (NOT VALID) and checked for the others after the backfill.",
                ck.name
            ),
            format!("ALTER TABLE {t} ADD {} NOT VALID", check_def(&ck)),
        ));
    }

    // ---- backfill ----
    let fwd_col = to_new(&o);
    out.backfill = Some(BatchStep {
        table: s.table.clone(),
        why: format!(
            "Copies `{old_name}` into `{new_name}` for the rows written before the trigger existed, a batch of rows per short transaction. The trigger keeps `{old_name}` as it is (the new value already matches it)."
        ),
        sql: format!(
            "UPDATE {t} SET {n} = {fwd_col} WHERE {n} IS DISTINCT FROM {fwd_col} AND :batch"
        ),
    });

    // ---- validate ----
    if let Some(check) = &not_null {
        out.validate.push(Step::new(
            format!(
                "Every row now has `{new_name}`: checks the rows written before the expand step without blocking writes."
            ),
            format!("ALTER TABLE {t} VALIDATE CONSTRAINT {check}"),
        ));
    }
    for (fk, name) in &s.foreign_keys {
        out.validate.push(Step::new(
            format!("Checks the foreign key `{}` for every row, without blocking writes.", fk.name),
            format!("ALTER TABLE {t} VALIDATE CONSTRAINT {}", ident(name)),
        ));
    }
    for (ck, name) in &s.checks {
        out.validate.push(Step::new(
            format!("Checks `{}` for every row, without blocking writes.", ck.name),
            format!("ALTER TABLE {t} VALIDATE CONSTRAINT {}", ident(name)),
        ));
    }
    for (ix, name) in &s.indexes {
        let ix = Index {
            name: name.clone(),
            ..ix.clone()
        };
        out.validate.push(Step::new(
            "A concurrent build that failed leaves an INVALID index: dropped first, so this file can run again from the top.",
            format!("DROP INDEX CONCURRENTLY IF EXISTS {}", ident(&ix.name)),
        ));
        out.validate.push(Step::new(
            format!(
                "The index `{}` on the new column, built without blocking writes.",
                ix.name
            ),
            index_sql(&s.table, &ix, true),
        ));
    }

    // ---- contract ----
    drop_trigger(
        &mut out.contract,
        &f,
        &t,
        "Only once no running code uses the old name: the two columns stop being kept in sync.",
    );
    out.contract.push(Step::new(
        format!("The old column, with its indexes and constraints: the old code that used `{old_name}` fails from here."),
        format!("ALTER TABLE {t} DROP COLUMN IF EXISTS {o}"),
    ));
    if let Some(check) = &not_null {
        out.contract.push(Step::new(
            "NOT NULL: the validated check spares PostgreSQL the scan of the table.",
            format!("ALTER TABLE {t} ALTER COLUMN {n} SET NOT NULL"),
        ));
        out.contract.push(Step::new(
            "The check, replaced by NOT NULL.",
            format!("ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {check}"),
        ));
    }
    if let Some(d) = &s.new.default {
        out.contract.push(Step::new(
            "The declared default: added only now, so that until here a row the old code inserted took the old column's value, not this default.",
            format!("ALTER TABLE {t} ALTER COLUMN {n} SET DEFAULT {d}"),
        ));
    }
    for (ix, name) in &s.indexes {
        if *name != ix.name {
            out.contract.push(Step::new(
                "The index takes its declared name, freed by the old column's.",
                format!("ALTER INDEX {} RENAME TO {}", ident(name), ident(&ix.name)),
            ));
        }
    }
    for (decl, name) in s
        .foreign_keys
        .iter()
        .map(|(f, n)| (&f.name, n))
        .chain(s.checks.iter().map(|(c, n)| (&c.name, n)))
    {
        if name != decl {
            out.contract.push(Step::new(
                "The constraint takes its declared name, freed by the old column's.",
                format!(
                    "ALTER TABLE {t} RENAME CONSTRAINT {} TO {}",
                    ident(name),
                    ident(decl)
                ),
            ));
        }
    }

    out.notes.push(format!(
        "Between expand and contract the old code reads and writes `{old_name}`{}, the new code `{new_name}`{}; the trigger `{sync}` copies each write to the other column.",
        if s.retyped() { format!(" ({old_ty})") } else { String::new() },
        if s.retyped() { format!(" ({new_ty})") } else { String::new() },
    ));
    if s.retyped() {
        out.notes.push(format!(
            "A value the new code writes that {old_ty} cannot hold fails the write (the trigger converts it back for the old code)."
        ));
    }
    if s.new.default.is_some() {
        out.notes.push(format!(
            "`{new_name}` gets its default in the contract step; until then a row inserted without it takes `{old_name}`'s."
        ));
    }
    out
}

fn rename_table(
    old: &str,
    new: &str,
    follow: &[crate::diff::Change],
    from: &Schema,
    to: &Schema,
) -> PhasedSql {
    let (o, n) = (ident(old), ident(new));
    let mut out = PhasedSql::default();
    out.expand.push(Step::new(
        "The table takes its new name, for the new code.",
        format!("ALTER TABLE {o} RENAME TO {n}"),
    ));
    let renames = super::render::render(
        &Diff {
            changes: follow.to_vec(),
        },
        from,
        to,
    );
    for st in renames.statements.into_iter().filter(|s| s.stage == Stage::Tx) {
        out.expand.push(Step::new("Its keys and indexes follow it.", st.sql));
    }
    out.expand.push(Step::new(
        "The old name, for the old code: a view over one table, which PostgreSQL lets the old code insert, update and delete through.",
        format!("CREATE OR REPLACE VIEW {o} AS SELECT * FROM {n}"),
    ));
    out.contract.push(Step::new(
        format!("Only once no running code uses `{old}`: the view goes; the old code fails from here."),
        format!("DROP VIEW IF EXISTS {o}"),
    ));
    out.notes.push(format!(
        "Between expand and contract the old code uses the view `{old}`, the new code the table `{new}`. A column added to `{new}` meanwhile is not in the view."
    ));
    out
}


/// A row trigger of the expand step: `name` (quoted) is both the trigger and its function, on
/// the quoted `table`, fired before an insert or an update of `columns`.
struct Trigger<'a> {
    name: &'a str,
    table: &'a str,
    columns: &'a str,
    body: &'a str,
}

/// The trigger's function (`why`), then the trigger itself (`when`), replaced rather than
/// stacked when the file runs again.
fn add_trigger(steps: &mut Vec<Step>, tr: Trigger<'_>, why: String, when: &str) {
    let Trigger {
        name: f,
        table: t,
        columns,
        body,
    } = tr;
    steps.push(Step::new(
        why,
        format!(
            "CREATE OR REPLACE FUNCTION {f}() RETURNS trigger LANGUAGE plpgsql AS {}",
            super::quote::dollar_quoted(body)
        ),
    ));
    steps.push(Step::new(
        "Replaced, not stacked, when this file runs again.",
        format!("DROP TRIGGER IF EXISTS {f} ON {t}"),
    ));
    steps.push(Step::new(
        when,
        format!(
            "CREATE TRIGGER {f} BEFORE INSERT OR UPDATE OF {columns} ON {t} FOR EACH ROW EXECUTE FUNCTION {f}()"
        ),
    ));
}

/// The contract step's end of a trigger of [`add_trigger`]: the trigger (`why`), then its
/// function.
fn drop_trigger(steps: &mut Vec<Step>, f: &str, t: &str, why: &str) {
    steps.push(Step::new(why, format!("DROP TRIGGER IF EXISTS {f} ON {t}")));
    steps.push(Step::new(
        "The trigger's function, unused from here.",
        format!("DROP FUNCTION IF EXISTS {f}()"),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_go_through_text_without_a_direct_one() {
        assert_eq!(cast("x", &ColumnType::Text, &ColumnType::Text), "x");
        assert_eq!(
            cast("x", &ColumnType::Integer, &ColumnType::BigInt),
            "(x)::bigint"
        );
        assert_eq!(
            cast("x", &ColumnType::Uuid, &ColumnType::Integer),
            "(x)::text::integer"
        );
    }

    #[test]
    fn sync_names_fit() {
        assert_eq!(sync_name("rename_pets_nickname"), "rename_pets_nickname_sync");
        assert_eq!(sync_name(&"x".repeat(80)).len(), 63);
    }
}
