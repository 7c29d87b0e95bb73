//! `add-primary-key`, `create-index`, `add-foreign-key`, `add-check`: a key, an index or a
//! constraint added to a table that already has rows. Nothing is lost and no code breaks; what
//! matters is how long the table is locked while it is built or checked, which depends on the
//! dialect: without one (refusals only), these rules have nothing to say.

use crate::dialect::{DialectOps, Execution};
use crate::safety::{Assessment, Cx, Risk, SafetyCode};
use crate::schema::{Check, ForeignKey, Index};

/// The risk of what `code` names carried out on `dialect` (as [`DialectOps::execution`] says),
/// and why.
fn wording(code: SafetyCode, dialect: &dyn DialectOps) -> (Risk, String) {
    let rebuilt = |what: &str| {
        format!(
            "{} cannot add {what} to a table: the table is rebuilt with it inside the migration's \
             transaction, and writes wait until it commits",
            dialect.title()
        )
    };
    match (dialect.execution(code), code) {
        (Execution::Concurrently, _) => (
            Risk::Safe,
            "built concurrently, without blocking writes (a migration of its own, outside a \
             transaction)"
                .into(),
        ),
        (Execution::NotValidThenValidated, _) => (
            Risk::Safe,
            "added NOT VALID, then validated without blocking writes".into(),
        ),
        (Execution::InTransaction, SafetyCode::AddPrimaryKey) => (
            Risk::LocksTable,
            "its unique index is built inside the migration's transaction, which locks the table \
             against reads and writes until it commits"
                .into(),
        ),
        (Execution::InTransaction, _) => (
            Risk::LocksTable,
            "built inside the migration's transaction, and writes wait until it commits".into(),
        ),
        (Execution::Rebuild, SafetyCode::AddPrimaryKey) => {
            (Risk::LocksTable, rebuilt("a primary key"))
        }
        (Execution::Rebuild, _) => (Risk::LocksTable, rebuilt("a constraint")),
    }
}

/// The assessment of what `code` names on a table with rows, as the dialect carries it out.
fn on_existing_table(cx: &Cx<'_>, code: SafetyCode, subject: String) -> Option<Assessment> {
    let (risk, reason) = wording(code, cx.dialect?.ops());
    Some(cx.found(code, risk, subject, reason))
}

/// A primary key added to an existing table (one created by the same diff has no rows).
pub(in crate::safety) fn add_primary_key(cx: &Cx<'_>, table: &str) -> Option<Assessment> {
    if cx.to.table(table).is_none() || cx.creates(table) {
        return None;
    }
    on_existing_table(
        cx,
        SafetyCode::AddPrimaryKey,
        format!("adding a primary key to `{table}`"),
    )
}

pub(in crate::safety) fn create_index(
    cx: &Cx<'_>,
    table: &str,
    index: &Index,
    existing_table: bool,
) -> Option<Assessment> {
    if !existing_table {
        return None;
    }
    on_existing_table(
        cx,
        SafetyCode::CreateIndex,
        format!("creating index `{}` on `{table}`", index.name),
    )
}

pub(in crate::safety) fn add_foreign_key(
    cx: &Cx<'_>,
    table: &str,
    fk: &ForeignKey,
    existing_table: bool,
) -> Option<Assessment> {
    if !existing_table {
        return None;
    }
    on_existing_table(
        cx,
        SafetyCode::AddForeignKey,
        format!("adding foreign key `{}` to `{table}`", fk.name),
    )
}

pub(in crate::safety) fn add_check(
    cx: &Cx<'_>,
    table: &str,
    check: &Check,
    existing_table: bool,
) -> Option<Assessment> {
    if !existing_table {
        return None;
    }
    on_existing_table(
        cx,
        SafetyCode::AddCheck,
        format!("adding check `{}` to `{table}`", check.name),
    )
}

#[cfg(test)]
mod tests {
    use crate::config::Dialect;
    use crate::diff::diff;
    use crate::safety::rules::test::{PETS, assessments, only, only_on};
    use crate::safety::{Risk, SafetyCode};
    use crate::schema::load_str;
    use crate::sql::{Stage, Statement, render};

    const KEYLESS: &str =
        "[tables.tags]\nmodel = \"Tag\"\n[tables.tags.columns]\nlabel = \"text\"\n";

    /// What the dialect's renderer writes for the changes from `before` to `after`.
    fn rendered(dialect: Dialect, before: &str, after: &str) -> Vec<Statement> {
        let a = load_str("before.toml", before).unwrap();
        let b = load_str("after.toml", after).unwrap();
        render(dialect, &diff(&a, &b), &a, &b).statements
    }

    #[test]
    fn a_key_added_to_an_existing_table_locks_it_as_each_dialect_builds_it() {
        let keyed = KEYLESS.replace(
            "label = \"text\"",
            "label = { type = \"text\", primary_key = true }",
        );
        let pg = only_on(
            Dialect::Postgres,
            KEYLESS,
            &keyed,
            SafetyCode::AddPrimaryKey,
        );
        assert_eq!(pg.risk, Risk::LocksTable);
        assert!(!pg.refused());
        assert_eq!(
            pg.reason,
            "its unique index is built inside the migration's transaction, which locks the table \
             against reads and writes until it commits"
        );
        // As PostgreSQL's renderer writes it: one ADD ... PRIMARY KEY, in the transaction.
        let sql = rendered(Dialect::Postgres, KEYLESS, &keyed);
        let add: Vec<&Statement> = sql
            .iter()
            .filter(|s| s.sql.contains("PRIMARY KEY"))
            .collect();
        assert_eq!(add.len(), 1, "{sql:?}");
        assert_eq!(add[0].stage, Stage::Tx);
        assert!(
            add[0].sql.starts_with("ALTER TABLE \"tags\" ADD"),
            "{sql:?}"
        );

        let lite = only_on(Dialect::Sqlite, KEYLESS, &keyed, SafetyCode::AddPrimaryKey);
        assert_eq!(lite.risk, Risk::LocksTable);
        assert_eq!(
            lite.reason,
            "SQLite cannot add a primary key to a table: the table is rebuilt with it inside the \
             migration's transaction, and writes wait until it commits"
        );
        // As SQLite's renderer writes it: the rows copied into a new table, in the transaction.
        let sql = rendered(Dialect::Sqlite, KEYLESS, &keyed);
        assert!(sql.iter().all(|s| s.stage == Stage::Tx), "{sql:?}");
        assert!(
            sql.iter().any(|s| s.sql.starts_with("INSERT INTO")),
            "{sql:?}"
        );

        // A new table's key is part of creating it.
        assert!(
            assessments("", &keyed)
                .iter()
                .all(|a| a.code == SafetyCode::Compatible)
        );
    }

    /// `pets` with an index, a check and a foreign key added, and the table it references.
    fn with_index_check_and_fk() -> (String, String) {
        let owners = "[tables.owners]\nmodel = \"Owner\"\n[tables.owners.columns]\nid = { type = \"uuid\", primary_key = true }\n";
        let before = format!("{owners}{PETS}");
        let after = format!(
            "{owners}{}[[tables.pets.indexes]]\ncolumns = [\"name\"]\n[[tables.pets.checks]]\nname = \"heavy\"\nexpr = \"weight > 0\"\n",
            PETS.replace("name = \"text\"", "name = \"text\"\nowner_id = { type = \"uuid\", nullable = true, references = \"owners.id\" }")
        );
        (before, after)
    }

    #[test]
    fn on_postgres_indexes_and_constraints_on_existing_tables_are_built_without_blocking_writes() {
        let (before, after) = with_index_check_and_fk();
        let index = only(&before, &after, SafetyCode::CreateIndex);
        assert_eq!(index.risk, Risk::Safe);
        assert_eq!(
            index.reason,
            "built concurrently, without blocking writes (a migration of its own, outside a transaction)"
        );
        for code in [SafetyCode::AddCheck, SafetyCode::AddForeignKey] {
            let a = only(&before, &after, code);
            assert_eq!(a.risk, Risk::Safe, "{a}");
            assert_eq!(
                a.reason,
                "added NOT VALID, then validated without blocking writes"
            );
        }
        // As PostgreSQL's renderer writes them: outside the transaction.
        let sql = rendered(Dialect::Postgres, &before, &after);
        let online = |needle: &str| {
            sql.iter()
                .any(|s| s.stage == Stage::After && s.sql.contains(needle))
        };
        assert!(online("CREATE INDEX CONCURRENTLY"), "{sql:?}");
        assert!(online("CHECK (weight > 0) NOT VALID"), "{sql:?}");
        assert!(online("FOREIGN KEY (\"owner_id\")"), "{sql:?}");
        assert!(online("VALIDATE CONSTRAINT"), "{sql:?}");
        // On a table created with them, they are part of creating it.
        assert!(
            assessments("", &after)
                .iter()
                .all(|a| a.code == SafetyCode::Compatible)
        );
    }

    #[test]
    fn on_sqlite_indexes_and_constraints_on_existing_tables_hold_the_write_lock() {
        let (before, after) = with_index_check_and_fk();
        let index = only_on(Dialect::Sqlite, &before, &after, SafetyCode::CreateIndex);
        assert_eq!(index.risk, Risk::LocksTable);
        assert_eq!(
            index.reason,
            "built inside the migration's transaction, and writes wait until it commits"
        );
        for code in [SafetyCode::AddCheck, SafetyCode::AddForeignKey] {
            let a = only_on(Dialect::Sqlite, &before, &after, code);
            assert_eq!(a.risk, Risk::LocksTable, "{a}");
            assert_eq!(
                a.reason,
                "SQLite cannot add a constraint to a table: the table is rebuilt with it inside the \
                 migration's transaction, and writes wait until it commits"
            );
        }
        // As SQLite's renderer writes them: in the transaction, the table copied.
        let sql = rendered(Dialect::Sqlite, &before, &after);
        assert!(sql.iter().all(|s| s.stage == Stage::Tx), "{sql:?}");
        assert!(
            sql.iter().any(|s| s.sql.starts_with("INSERT INTO")),
            "{sql:?}"
        );
        let index_only = rendered(
            Dialect::Sqlite,
            PETS,
            &format!("{PETS}[[tables.pets.indexes]]\ncolumns = [\"name\"]\n"),
        );
        assert!(
            index_only
                .iter()
                .all(|s| s.stage == Stage::Tx && !s.sql.starts_with("INSERT INTO")),
            "{index_only:?}"
        );
        assert!(
            index_only.iter().any(|s| s.sql.starts_with("CREATE INDEX")),
            "{index_only:?}"
        );
    }
}
