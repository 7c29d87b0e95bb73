//! `drop-enum`: dropping an enum deletes the type and its labels. Acknowledged by `drop_enums`.

use crate::safety::{Acknowledgement, Assessment, Cx, Risk, SafetyCode};
use crate::schema::Enum;

pub(in crate::safety) fn assess(cx: &Cx<'_>, e: &Enum) -> Assessment {
    Assessment {
        needs: Some(Acknowledgement::DropEnum {
            name: e.name.clone(),
        }),
        acknowledged: cx.to.drop_enums.contains(&e.name),
        ..cx.found(
            SafetyCode::DropEnum,
            Risk::LosesData,
            format!("dropping enum `{}`", e.name),
            "the type and its labels are deleted",
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::rules::test::refused;

    #[test]
    fn refused_until_drop_enums_names_it() {
        let mood = "[enums.mood]\nvalues = [\"OK\"]\n";
        let r = refused(mood, "");
        assert_eq!(r.len(), 1);
        assert!(
            r[0].contains("\n      drop_enums = [\"mood\"]\n"),
            "{}",
            r[0]
        );
        assert!(refused(mood, "drop_enums = [\"mood\"]").is_empty());
    }
}
