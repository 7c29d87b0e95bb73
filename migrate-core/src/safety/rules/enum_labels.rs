//! `reorder-enum-labels` and `remove-enum-labels`: an enum rebuilt with other labels. Reordering
//! rewrites every column of the type (a lock, nothing lost); removing labels fails on rows that
//! hold one, and code running today may write it: acknowledged by `drop_values`, every removed
//! label listed.

use crate::safety::{Acknowledgement, Assessment, Cx, Risk, SafetyCode};
use crate::schema::Enum;

pub(in crate::safety) fn assess(cx: &Cx<'_>, from: &Enum, to: &Enum) -> Assessment {
    let removed: Vec<&String> = from
        .values
        .iter()
        .filter(|v| !to.values.contains(v))
        .collect();
    if removed.is_empty() {
        return cx.found(
            SafetyCode::ReorderEnumLabels,
            Risk::LocksTable,
            format!("reordering the labels of enum `{}`", to.name),
            "the type is rebuilt and every column using it rewritten",
        );
    }
    let listed = removed
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Assessment {
        needs: Some(Acknowledgement::DropValues {
            enum_name: to.name.clone(),
            values: removed.iter().map(|v| v.to_string()).collect(),
        }),
        acknowledged: removed.iter().all(|v| to.drop_values.contains(v)),
        ..cx.found(
            SafetyCode::RemoveEnumLabels,
            Risk::LosesData,
            format!("removing {listed} from enum `{}`", to.name),
            "rows holding a removed label make the migration fail, and code running today may write it",
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::rules::test::{only, refused};
    use crate::safety::{Risk, SafetyCode};

    const MOOD: &str = "[enums.mood]\nvalues = [\"OK\", \"MEH\", \"BAD\"]\n";

    #[test]
    fn reordering_locks_and_is_not_refused() {
        let b = "[enums.mood]\nvalues = [\"BAD\", \"MEH\", \"OK\"]\n";
        let a = only(MOOD, b, SafetyCode::ReorderEnumLabels);
        assert_eq!(a.risk, Risk::LocksTable);
        assert!(!a.refused());
    }

    #[test]
    fn removing_is_refused_until_every_removed_label_is_listed() {
        let b = "[enums.mood]\nvalues = [\"OK\"]\n";
        let a = only(MOOD, b, SafetyCode::RemoveEnumLabels);
        assert_eq!(a.subject, "removing `MEH`, `BAD` from enum `mood`");
        assert!(
            crate::diagnostic::plain(&a).contains("\n      drop_values = [\"MEH\", \"BAD\"]\n"),
            "{a}"
        );
        let partly = "[enums.mood]\nvalues = [\"OK\"]\ndrop_values = [\"BAD\"]\n";
        assert_eq!(refused(MOOD, partly).len(), 1);
        let fully = "[enums.mood]\nvalues = [\"OK\"]\ndrop_values = [\"BAD\", \"MEH\"]\n";
        assert!(refused(MOOD, fully).is_empty());
    }
}
