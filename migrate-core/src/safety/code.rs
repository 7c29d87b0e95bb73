//! The stable ids of the safety rules' findings.

use std::fmt;

/// Which rule assessed a change: a stable kebab-case id (`drop-column`), for machines, filters and
/// documentation. Each rule in `safety/rules/` gives one or two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SafetyCode {
    /// `drop-table`: every row of the table is deleted.
    DropTable,
    /// `drop-column`: the column's values are deleted.
    DropColumn,
    /// `rename-table`: code running today uses the old name.
    RenameTable,
    /// `rename-column`: code running today uses the old name.
    RenameColumn,
    /// `change-type`: a column's type changes (widening or narrowing).
    ChangeType,
    /// `set-not-null`: a nullable column becomes NOT NULL.
    SetNotNull,
    /// `add-not-null-column`: a NOT NULL column without a default is added to a table.
    AddNotNullColumn,
    /// `reorder-enum-labels`: an enum is rebuilt with its labels in a new order.
    ReorderEnumLabels,
    /// `remove-enum-labels`: labels are removed from an enum.
    RemoveEnumLabels,
    /// `drop-enum`: an enum type and its labels are deleted.
    DropEnum,
    /// `drop-identity`: a column stops generating its values.
    DropIdentity,
    /// `add-primary-key`: an existing table gets a primary key.
    AddPrimaryKey,
    /// `create-index`: an index on an existing table.
    CreateIndex,
    /// `add-foreign-key`: a foreign key on an existing table.
    AddForeignKey,
    /// `add-check`: a check on an existing table.
    AddCheck,
    /// `drop-view`: a view (or materialized view) is dropped for good.
    DropView,
    /// `drop-function`: a function or procedure is dropped for good.
    DropFunction,
    /// `drop-trigger`: a trigger is dropped for good.
    DropTrigger,
    /// `compatible`: no rule applies; old and new code both keep working.
    Compatible,
}

impl SafetyCode {
    /// Every code, in the order of the rules.
    pub const ALL: &'static [SafetyCode] = &[
        SafetyCode::DropTable,
        SafetyCode::DropColumn,
        SafetyCode::RenameTable,
        SafetyCode::RenameColumn,
        SafetyCode::ChangeType,
        SafetyCode::SetNotNull,
        SafetyCode::AddNotNullColumn,
        SafetyCode::ReorderEnumLabels,
        SafetyCode::RemoveEnumLabels,
        SafetyCode::DropEnum,
        SafetyCode::DropIdentity,
        SafetyCode::AddPrimaryKey,
        SafetyCode::CreateIndex,
        SafetyCode::AddForeignKey,
        SafetyCode::AddCheck,
        SafetyCode::DropView,
        SafetyCode::DropFunction,
        SafetyCode::DropTrigger,
        SafetyCode::Compatible,
    ];

    /// The id, e.g. `drop-column`.
    pub fn as_str(self) -> &'static str {
        match self {
            SafetyCode::DropTable => "drop-table",
            SafetyCode::DropColumn => "drop-column",
            SafetyCode::RenameTable => "rename-table",
            SafetyCode::RenameColumn => "rename-column",
            SafetyCode::ChangeType => "change-type",
            SafetyCode::SetNotNull => "set-not-null",
            SafetyCode::AddNotNullColumn => "add-not-null-column",
            SafetyCode::ReorderEnumLabels => "reorder-enum-labels",
            SafetyCode::RemoveEnumLabels => "remove-enum-labels",
            SafetyCode::DropEnum => "drop-enum",
            SafetyCode::DropIdentity => "drop-identity",
            SafetyCode::AddPrimaryKey => "add-primary-key",
            SafetyCode::CreateIndex => "create-index",
            SafetyCode::AddForeignKey => "add-foreign-key",
            SafetyCode::AddCheck => "add-check",
            SafetyCode::DropView => "drop-view",
            SafetyCode::DropFunction => "drop-function",
            SafetyCode::DropTrigger => "drop-trigger",
            SafetyCode::Compatible => "compatible",
        }
    }
}

impl fmt::Display for SafetyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_kebab_case() {
        let mut ids: Vec<&str> = SafetyCode::ALL.iter().map(|c| c.as_str()).collect();
        for id in &ids {
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{id}"
            );
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SafetyCode::ALL.len());
    }
}
