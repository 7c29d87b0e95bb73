//! `add-primary-key`, `create-index`, `add-foreign-key`, `add-check`: a key, an index or a
//! constraint added to a table that already has rows. Nothing is lost and no code breaks; what
//! matters is how long the table is locked while it is built or checked, which depends on the
//! dialect: without one (refusals only), these rules have nothing to say.

use crate::safety::{Assessment, Cx, Risk, SafetyCode};
use crate::schema::{Check, ForeignKey, Index};

/// A primary key added to an existing table (one created by the same diff has no rows).
pub(in crate::safety) fn add_primary_key(cx: &Cx<'_>, table: &str) -> Option<Assessment> {
    cx.dialect?;
    (cx.to.table(table).is_some() && !cx.creates(table)).then(|| {
        cx.found(
            SafetyCode::AddPrimaryKey,
            Risk::LocksTable,
            format!("adding a primary key to `{table}`"),
            "its index is built first without blocking writes, then attached",
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
    use crate::safety::rules::test::{PETS, assessments, only};
    use crate::safety::{Risk, SafetyCode};

    const KEYLESS: &str =
        "[tables.tags]\nmodel = \"Tag\"\n[tables.tags.columns]\nlabel = \"text\"\n";

    #[test]
    fn a_key_added_to_an_existing_table_locks_it() {
        let keyed = KEYLESS.replace(
            "label = \"text\"",
            "label = { type = \"text\", primary_key = true }",
        );
        let a = only(KEYLESS, &keyed, SafetyCode::AddPrimaryKey);
        assert_eq!(a.risk, Risk::LocksTable);
        assert!(!a.refused());
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
