//! `rename-column`: code running today still uses the old name. Acknowledged by the
//! `renamed_from` that makes the change a rename at all, so it is never refused.

use crate::safety::{Acknowledgement, Assessment, Cx, Risk, SafetyCode};

pub(in crate::safety) fn assess(cx: &Cx<'_>, table: &str, from: &str, to: &str) -> Assessment {
    Assessment {
        needs: Some(Acknowledgement::RenamedColumn {
            table: table.to_string(),
            column: to.to_string(),
            from: from.to_string(),
        }),
        ..cx.found(
            SafetyCode::RenameColumn,
            Risk::BreaksCode,
            format!("renaming column `{table}.{from}` to `{to}`"),
            crate::safety::rules::running_code(cx.to.table(table).and_then(|t| {
                t.column(to)
                    .map(|c| c.strategy.or(t.strategy).unwrap_or_default())
            })),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::rules::test::{PETS, only};
    use crate::safety::{Risk, SafetyCode};

    #[test]
    fn breaks_code_and_is_acknowledged_by_renamed_from() {
        let b = PETS.replace(
            "name = \"text\"",
            "title = { type = \"text\", renamed_from = \"name\" }",
        );
        let a = only(PETS, &b, SafetyCode::RenameColumn);
        assert_eq!(a.risk, Risk::BreaksCode);
        assert!(!a.refused());
        assert_eq!(a.subject, "renaming column `pets.name` to `title`");
        assert_eq!(
            a.needs.map(|n| (n.section(), n.toml())),
            Some((
                "the column `title` in [tables.pets.columns]".into(),
                "renamed_from = \"name\"".into()
            ))
        );
    }
}
