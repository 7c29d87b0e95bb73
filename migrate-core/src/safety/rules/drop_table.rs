//! `drop-table`: dropping a table deletes every row in it. Acknowledged by `drop_tables`; a table
//! created with the same columns is pointed out as a probable rename.

use crate::diff::Change;
use crate::safety::{Acknowledgement, Assessment, Cx, Risk, SafetyCode};
use crate::schema::Table;
use crate::schema::print::{key, string};

pub(in crate::safety) fn assess(cx: &Cx<'_>, t: &Table) -> Assessment {
    let renamed_into = cx.diff.changes.iter().find_map(|c| match c {
        Change::CreateTable(n) if same_columns(n, t) => Some(n.name.as_str()),
        _ => None,
    });
    Assessment {
        needs: Some(Acknowledgement::DropTable {
            table: t.name.clone(),
        }),
        acknowledged: cx.to.drop_tables.contains(&t.name),
        hint: renamed_into.map(|n| {
            format!(
                "new table `{n}` has the same columns: if it is `{}` renamed, add `renamed_from = {}` under [tables.{}] instead",
                t.name,
                string(&t.name),
                key(n)
            )
        }),
        ..cx.found(
            SafetyCode::DropTable,
            Risk::LosesData,
            format!("dropping table `{}`", t.name),
            "every row in it is deleted",
        )
    }
}

/// The same column names and types, in the same order.
fn same_columns(a: &Table, b: &Table) -> bool {
    a.columns.len() == b.columns.len()
        && a.columns
            .iter()
            .zip(&b.columns)
            .all(|(a, b)| a.name == b.name && a.ty == b.ty)
}

#[cfg(test)]
mod tests {
    use crate::safety::SafetyCode;
    use crate::safety::rules::test::{PETS, only, refused};

    #[test]
    fn refused_until_drop_tables_names_it() {
        let shown = refused(PETS, "");
        assert_eq!(shown.len(), 1);
        assert!(
            shown[0].contains("\n      drop_tables = [\"pets\"]\n"),
            "{}",
            shown[0]
        );
        assert!(refused(PETS, "drop_tables = [\"pets\"]").is_empty());
    }

    #[test]
    fn a_new_table_with_the_same_columns_is_a_probable_rename() {
        let renamed = PETS
            .replace("pets", "animals")
            .replace("\"Pet\"", "\"Animal\"");
        let a = only(PETS, &renamed, SafetyCode::DropTable);
        assert_eq!(
            a.hint.as_deref(),
            Some(
                "new table `animals` has the same columns: if it is `pets` renamed, add `renamed_from = \"pets\"` under [tables.animals] instead"
            )
        );
        let other = renamed.replace("name = \"text\"", "title = \"text\"");
        assert_eq!(only(PETS, &other, SafetyCode::DropTable).hint, None);
    }
}
