//! The safety rules, one file per change kind (the layout of squawk's rules): each a function
//! from its change to an [`Assessment`](super::Assessment), with its tests beside it.

pub(super) mod add_not_null_column;
pub(super) mod change_type;
pub(super) mod drop_column;
pub(super) mod drop_enum;
pub(super) mod drop_identity;
pub(super) mod drop_object;
pub(super) mod drop_table;
pub(super) mod enum_labels;
pub(super) mod online;
pub(super) mod rename_column;
pub(super) mod rename_table;
pub(super) mod set_not_null;

/// Why a rename breaks the code running today, and how `strategy` changes that: with
/// `"expand-contract"` the old name keeps working until the contract step.
pub(in crate::safety) fn running_code(strategy: Option<crate::schema::Strategy>) -> String {
    if strategy == Some(crate::schema::Strategy::ExpandContract) {
        "code running today keeps the old name until the contract step (expand-contract)".into()
    } else {
        "code running today still uses the old name (`strategy = \"expand-contract\"` keeps it working until a contract step)".into()
    }
}

/// What the rules' tests share: two schemas in, their assessments out.
#[cfg(test)]
pub(super) mod test {
    use crate::config::Dialect;
    use crate::diff::diff;
    use crate::safety::{Assessment, SafetyCode, assess};
    use crate::schema::load_str;

    /// Every assessment of the changes from `before` to `after` (schema TOML), on PostgreSQL.
    pub(crate) fn assessments(before: &str, after: &str) -> Vec<Assessment> {
        assessments_on(Dialect::Postgres, before, after)
    }

    /// [`assessments`] on `dialect`.
    pub(crate) fn assessments_on(dialect: Dialect, before: &str, after: &str) -> Vec<Assessment> {
        let a = load_str("before.toml", before).unwrap_or_else(|e| panic!("{e:?}"));
        let b = load_str("after.toml", after).unwrap_or_else(|e| panic!("{e:?}"));
        assess(dialect, &diff(&a, &b), &a, &b)
    }

    /// The one assessment with `code`, on PostgreSQL.
    pub(crate) fn only(before: &str, after: &str, code: SafetyCode) -> Assessment {
        only_on(Dialect::Postgres, before, after, code)
    }

    /// [`only`] on `dialect`.
    pub(crate) fn only_on(
        dialect: Dialect,
        before: &str,
        after: &str,
        code: SafetyCode,
    ) -> Assessment {
        let all = assessments_on(dialect, before, after);
        let mut found = all.iter().filter(|a| a.code == code);
        match (found.next(), found.next()) {
            (Some(a), None) => a.clone(),
            _ => panic!("not exactly one {code}: {all:#?}"),
        }
    }

    /// The refused ones, as shown.
    pub(crate) fn refused(before: &str, after: &str) -> Vec<String> {
        assessments(before, after)
            .iter()
            .filter(|a| a.refused())
            .map(crate::diagnostic::plain)
            .collect()
    }

    /// A table `pets` to change.
    pub(crate) const PETS: &str = r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
name = "text"
weight = { type = "bigint", nullable = true }
"#;
}
