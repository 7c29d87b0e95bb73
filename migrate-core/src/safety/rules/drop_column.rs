//! `drop-column`: dropping a column deletes its values, and code that reads or writes it fails.
//! Acknowledged by `drop_columns`; a column added to the table with the same type is pointed out
//! as a probable rename.

use crate::diff::Change;
use crate::safety::{Acknowledgement, Assessment, Cx, Risk, SafetyCode};
use crate::schema::Column;
use crate::schema::print::string;

pub(in crate::safety) fn assess(cx: &Cx<'_>, table: &str, column: &Column) -> Assessment {
    let renamed_into = cx.diff.changes.iter().find_map(|c| match c {
        Change::AddColumn {
            table: t,
            column: n,
        } if t == table && n.ty == column.ty => Some(n.name.as_str()),
        _ => None,
    });
    Assessment {
        needs: Some(Acknowledgement::DropColumn {
            table: table.to_string(),
            column: column.name.clone(),
        }),
        // A generated column whose expression changes is dropped and added again: its values are
        // computed anew and the column stays.
        acknowledged: cx
            .to
            .table(table)
            .is_some_and(|t| t.drop_columns.contains(&column.name))
            || (column.generated.is_some() && regenerated(cx, table, &column.name)),
        hint: renamed_into
            .map(|n| {
                format!(
                    "probable rename: new column `{table}.{n}` has the same type `{}`; if `{}` was renamed to `{n}`, add `renamed_from = {}` to column `{n}` instead",
                    column.ty,
                    column.name,
                    string(&column.name)
                )
            })
            .or_else(|| {
                let phased = cx.to.table(table).and_then(|t| t.strategy)
                    == Some(crate::schema::Strategy::ExpandContract);
                (!phased).then(|| format!(
                    "to keep the running code working until it is gone, add `strategy = \"expand-contract\"` under [tables.{table}] too: the column is then dropped by a contract step that `migrate up --contract` applies"
                ))
            }),
        ..cx.found(
            SafetyCode::DropColumn,
            Risk::LosesData,
            format!("dropping column `{table}.{}`", column.name),
            "its values in every row are deleted, and running code that reads or writes it fails",
        )
    }
}

/// Whether the diff adds back a column of this name, as it does when a generated column's
/// expression changes.
fn regenerated(cx: &Cx<'_>, table: &str, column: &str) -> bool {
    cx.diff.changes.iter().any(|c| {
        matches!(c, Change::AddColumn { table: t, column: n } if t == table && n.name == column)
    })
}

#[cfg(test)]
mod tests {
    use crate::safety::rules::test::{PETS, refused};

    #[test]
    fn needs_acknowledgement_and_flags_a_probable_rename() {
        let b = PETS.replace(
            "name = \"text\"",
            "title = { type = \"text\", nullable = true }",
        );
        let r = refused(PETS, &b);
        assert_eq!(r.len(), 1);
        assert!(r[0].contains("drop_columns = [\"name\"]"), "{}", r[0]);
        assert!(
            r[0].contains(
                "probable rename: new column `pets.title` has the same type `text`; if `name` was renamed to `title`, add `renamed_from = \"name\"` to column `title` instead"
            ),
            "{}",
            r[0]
        );
        let acked = b.replace(
            "model = \"Pet\"",
            "model = \"Pet\"\ndrop_columns = [\"name\"]",
        );
        assert!(refused(PETS, &acked).is_empty());
    }

    #[test]
    fn no_rename_hint_for_a_column_of_another_type() {
        let b = PETS.replace(
            "name = \"text\"",
            "title = { type = \"integer\", nullable = true }",
        );
        let r = refused(PETS, &b);
        assert!(!r[0].contains("probable rename"), "{}", r[0]);
    }

    /// A generated column whose expression changes is dropped and added again, unrefused; one
    /// dropped for good still needs its acknowledgement.
    #[test]
    fn a_regenerated_column_needs_no_acknowledgement() {
        let a = PETS.replace(
            "weight = { type = \"bigint\", nullable = true }",
            "weight = { type = \"bigint\", nullable = true, generated = \"length(name)\" }",
        );
        let b = a.replace("length(name)", "length(name) * 2");
        let d = crate::diff::diff(
            &crate::schema::load_str("a.toml", &a).unwrap_or_else(|e| panic!("{e}")),
            &crate::schema::load_str("b.toml", &b).unwrap_or_else(|e| panic!("{e}")),
        );
        let kinds: Vec<String> = d.changes.iter().map(|c| c.describe()).collect();
        assert_eq!(kinds.len(), 2, "{kinds:?}");
        assert!(refused(&a, &b).is_empty(), "{:?}", refused(&a, &b));
        assert_eq!(
            refused(
                &a,
                PETS.replace("weight = { type = \"bigint\", nullable = true }\n", "")
                    .as_str()
            )
            .len(),
            1
        );
    }
}
