//! `drop-identity`: a column stops generating its values, and code running today inserts rows
//! without one. Nothing acknowledges it: removing `identity` from the schema says so already.

use crate::safety::{Assessment, Cx, Risk, SafetyCode};
use crate::schema::Identity;

pub(in crate::safety) fn assess(
    cx: &Cx<'_>,
    table: &str,
    column: &str,
    to: Option<Identity>,
) -> Option<Assessment> {
    to.is_none().then(|| {
        cx.found(
            SafetyCode::DropIdentity,
            Risk::BreaksCode,
            format!("removing identity from `{table}.{column}`"),
            "code running today inserts rows without a value for it",
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::safety::rules::test::{assessments, only};
    use crate::safety::{Risk, SafetyCode};

    const COUNTERS: &str = "[tables.counters]\nmodel = \"Counter\"\n[tables.counters.columns]\n\
                            id = { type = \"bigint\", identity = true, primary_key = true }\n";

    #[test]
    fn breaks_code_and_is_not_refused() {
        let b = COUNTERS.replace(", identity = true", "");
        let a = only(COUNTERS, &b, SafetyCode::DropIdentity);
        assert_eq!(a.risk, Risk::BreaksCode);
        assert!(!a.refused() && a.needs.is_none());
        // Adding or changing an identity is no concern of this rule.
        let always = COUNTERS.replace("identity = true", "identity = \"always\"");
        assert!(
            assessments(COUNTERS, &always)
                .iter()
                .all(|a| a.code == SafetyCode::Compatible)
        );
    }
}
