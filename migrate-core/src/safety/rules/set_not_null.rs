//! `set-not-null`: making a nullable column NOT NULL fails on existing NULLs, and code running
//! today may still write NULL. Acknowledged by a `backfill` (or a `default`, which serves as one).

use crate::safety::{Acknowledgement, Assessment, Cx, Risk, SafetyCode};

pub(in crate::safety) fn assess(
    cx: &Cx<'_>,
    table: &str,
    column: &str,
    backfill: Option<&str>,
) -> Assessment {
    let acknowledged = backfill.is_some();
    Assessment {
        needs: Some(Acknowledgement::Backfill {
            table: table.to_string(),
            column: column.to_string(),
            new_column: false,
        }),
        acknowledged,
        hint: (!acknowledged).then(|| "a `default` also serves as the backfill value".into()),
        ..cx.found(
            SafetyCode::SetNotNull,
            Risk::BreaksCode,
            format!("making `{table}.{column}` NOT NULL"),
            "existing NULLs make the migration fail, and code running today may still write NULL",
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::rules::test::{PETS, refused};

    #[test]
    fn needs_a_backfill_or_a_default() {
        let b = PETS.replace("nullable = true", "nullable = false");
        let r = refused(PETS, &b);
        assert_eq!(r.len(), 1);
        assert!(
            r[0].contains("\n      backfill = \"<SQL expression for existing NULLs>\"\n"),
            "{}",
            r[0]
        );
        let d = PETS.replace("nullable = true", "default = 0");
        assert!(refused(PETS, &d).is_empty());
        let f = PETS.replace("nullable = true", "backfill = 0");
        assert!(refused(PETS, &f).is_empty());
    }
}
