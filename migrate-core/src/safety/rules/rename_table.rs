//! `rename-table`: code running today still uses the old name. Acknowledged by the
//! `renamed_from` that makes the change a rename at all, so it is never refused.

use crate::safety::{Acknowledgement, Assessment, Cx, Risk, SafetyCode};

pub(in crate::safety) fn assess(cx: &Cx<'_>, from: &str, to: &str) -> Assessment {
    Assessment {
        needs: Some(Acknowledgement::RenamedTable {
            table: to.to_string(),
            from: from.to_string(),
        }),
        ..cx.found(
            SafetyCode::RenameTable,
            Risk::BreaksCode,
            format!("renaming table `{from}` to `{to}`"),
            crate::safety::rules::running_code(
                cx.to.table(to).map(|t| t.strategy.unwrap_or_default()),
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::rules::test::{PETS, only};
    use crate::safety::{Acknowledgement, Risk, SafetyCode};

    #[test]
    fn breaks_code_and_is_acknowledged_by_renamed_from() {
        let b = PETS
            .replace("[tables.pets]", "[tables.animals]\nrenamed_from = \"pets\"")
            .replace("tables.pets.", "tables.animals.");
        let a = only(PETS, &b, SafetyCode::RenameTable);
        assert_eq!(a.risk, Risk::BreaksCode);
        assert!(!a.refused());
        assert_eq!(
            a.needs,
            Some(Acknowledgement::RenamedTable {
                table: "animals".into(),
                from: "pets".into()
            })
        );
    }
}
