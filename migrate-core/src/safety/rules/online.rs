//! `add-primary-key`, `create-index`, `add-foreign-key`, `add-check`: a key, an index or a
//! constraint added to a table that already has rows. Nothing is lost and no code breaks; what
//! matters is how long the table is locked while it is built or checked, which depends on the
//! dialect: without one (refusals only), these rules have nothing to say.

use crate::config::Dialect;
use crate::safety::{Assessment, Cx, Risk, SafetyCode};
use crate::schema::{Check, ForeignKey, Index};

/// How a dialect's renderer carries out a change to a table with rows (the tests check that the
/// SQL it writes agrees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Execution {
    /// A plain statement in the migration's transaction, holding its lock until it commits.
    InTransaction,
    /// SQLite cannot alter a table's keys or constraints: the table is rebuilt (copied into a new
    /// one with the change) in the migration's transaction.
    Rebuild,
}

/// A primary key added to an existing table (one created by the same diff has no rows).
pub(in crate::safety) fn add_primary_key(cx: &Cx<'_>, table: &str) -> Option<Assessment> {
    let execution = match cx.dialect? {
        Dialect::Postgres => Execution::InTransaction,
        Dialect::Sqlite => Execution::Rebuild,
    };
    let reason = match execution {
        Execution::InTransaction => {
            "its unique index is built inside the migration's transaction, which locks the table \
             against reads and writes until it commits"
        }
        Execution::Rebuild => {
            "SQLite cannot add a primary key to a table: the table is rebuilt with it inside the \
             migration's transaction, and writes wait until it commits"
        }
    };
    (cx.to.table(table).is_some() && !cx.creates(table)).then(|| {
        cx.found(
            SafetyCode::AddPrimaryKey,
            Risk::LocksTable,
            format!("adding a primary key to `{table}`"),
            reason,
        )
    })
}

pub(in crate::safety) fn create_index(
    cx: &Cx<'_>,
    table: &str,
    index: &Index,
    existing_table: bool,
) -> Option<Assessment> {
    cx.dialect?;
    existing_table.then(|| {
        cx.found(
            SafetyCode::CreateIndex,
            Risk::Safe,
            format!("creating index `{}` on `{table}`", index.name),
            "built concurrently, without blocking writes (a migration of its own, outside a transaction)",
        )
    })
}

pub(in crate::safety) fn add_foreign_key(
    cx: &Cx<'_>,
    table: &str,
    fk: &ForeignKey,
    existing_table: bool,
) -> Option<Assessment> {
    cx.dialect?;
    existing_table.then(|| {
        cx.found(
            SafetyCode::AddForeignKey,
            Risk::Safe,
            format!("adding foreign key `{}` to `{table}`", fk.name),
            "added NOT VALID, then validated without blocking writes",
        )
    })
}

pub(in crate::safety) fn add_check(
    cx: &Cx<'_>,
    table: &str,
    check: &Check,
    existing_table: bool,
) -> Option<Assessment> {
    cx.dialect?;
    existing_table.then(|| {
        cx.found(
            SafetyCode::AddCheck,
            Risk::Safe,
            format!("adding check `{}` to `{table}`", check.name),
            "added NOT VALID, then validated without blocking writes",
        )
    })
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

    #[test]
    fn indexes_and_constraints_on_existing_tables_are_safe() {
        let b = format!(
            "{PETS}[[tables.pets.indexes]]\ncolumns = [\"name\"]\n[[tables.pets.checks]]\nname = \"heavy\"\nexpr = \"weight > 0\"\n"
        );
        for code in [SafetyCode::CreateIndex, SafetyCode::AddCheck] {
            let a = only(PETS, &b, code);
            assert_eq!(a.risk, Risk::Safe, "{a}");
        }
        // On a table created with them, they are part of creating it.
        assert!(
            assessments("", &b)
                .iter()
                .all(|a| a.code == SafetyCode::Compatible)
        );
    }
}
