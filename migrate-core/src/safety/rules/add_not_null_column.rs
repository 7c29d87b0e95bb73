//! `add-not-null-column`: a NOT NULL column without a default has no value for the existing rows,
//! and code running today inserts rows without it. Acknowledged by a `backfill` for the existing
//! rows; a `default`, an identity or `nullable = true` make it a change no rule speaks for.

use crate::safety::{Acknowledgement, Assessment, Cx, Risk, SafetyCode};
use crate::schema::Column;

pub(in crate::safety) fn assess(cx: &Cx<'_>, table: &str, column: &Column) -> Option<Assessment> {
    if column.nullable || column.default.is_some() || column.identity.is_some() {
        return None;
    }
    Some(Assessment {
        needs: Some(Acknowledgement::Backfill {
            table: table.to_string(),
            column: column.name.clone(),
            new_column: true,
        }),
        acknowledged: column.backfill.is_some(),
        hint: Some(
            "the `backfill` value fills the existing rows before the column becomes NOT NULL (in short batches, a migration file of its own, where the table has a key to walk them by); a `default` also serves, for existing and future rows; or add it with `nullable = true`, fill it, and make it NOT NULL in a later migration"
                .into(),
        ),
        ..cx.found(
            SafetyCode::AddNotNullColumn,
            Risk::BreaksCode,
            format!(
                "adding NOT NULL column `{table}.{}` without a default or a backfill",
                column.name
            ),
            "existing rows have no value for it, and code running today inserts rows without it",
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::safety::SafetyCode;
    use crate::safety::rules::test::{PETS, assessments, refused};

    fn with(column: &str) -> String {
        PETS.replace("name = \"text\"", &format!("name = \"text\"\n{column}"))
    }

    #[test]
    fn is_acknowledged_by_the_backfill_its_refusal_shows() {
        let r = refused(PETS, &with("age = \"integer\""));
        assert_eq!(r.len(), 1);
        assert!(
            r[0].contains("\n      backfill = \"<SQL expression for existing rows>\"\n"),
            "{}",
            r[0]
        );
        assert!(refused(PETS, &with("age = { type = \"integer\", backfill = 0 }")).is_empty());
    }

    #[test]
    fn the_refusal_names_both_ways_out() {
        let r = refused(PETS, &with("age = \"integer\""));
        assert!(r[0].contains("without a default or a backfill"), "{}", r[0]);
        assert!(
            r[0].contains("`backfill` value fills the existing rows"),
            "{}",
            r[0]
        );
        assert!(r[0].contains("a `default` also serves"), "{}", r[0]);
    }

    #[test]
    fn a_default_an_identity_or_nullable_need_nothing() {
        for column in [
            "age = { type = \"integer\", default = 0 }",
            "age = { type = \"integer\", identity = true }",
            "age = { type = \"integer\", nullable = true }",
        ] {
            let all = assessments(PETS, &with(column));
            assert!(
                all.iter().all(|a| a.code == SafetyCode::Compatible),
                "{column}: {all:#?}"
            );
        }
    }
}
