//! `change-type`: a column's type changes. Code running today reads and writes the old type, so
//! every change is acknowledged by `type_changed_from` (exactly the previous type); a narrowing
//! one also loses the values that do not fit.

use crate::safety::{Acknowledgement, Assessment, Cx, Risk, SafetyCode};
use crate::schema::ColumnType;

pub(in crate::safety) fn assess(
    cx: &Cx<'_>,
    table: &str,
    column: &str,
    from: &ColumnType,
    to: &ColumnType,
) -> Assessment {
    let widening = is_widening(from, to);
    let named = cx
        .to
        .table(table)
        .and_then(|t| t.column(column))
        .and_then(|c| c.type_changed_from.as_ref());
    let acknowledged = named == Some(from);
    // An acknowledgement that names another type is a mistake to point at, not a silent repeat.
    let hint = named.filter(|n| *n != from).map(|n| {
        format!(
            "your acknowledgement names `{n}`, but the old type is `{from}`: write `type_changed_from = \"{from}\"`"
        )
    });
    let phased = cx
        .to
        .table(table)
        .and_then(|t| t.column(column).map(|c| c.strategy.or(t.strategy)))
        .flatten()
        == Some(crate::schema::Strategy::ExpandContract);
    let (risk, reason) = if widening {
        (
            Risk::BreaksCode,
            if phased {
                "every value fits; code running today keeps the old column and type until the contract step".to_string()
            } else {
                "every value fits, but code running today reads and writes the old type (with a new name, `strategy = \"expand-contract\"` keeps the old column working until a contract step)".to_string()
            },
        )
    } else {
        (
            Risk::LosesData,
            format!(
                "values of `{from}` may not fit `{to}`, and code running today reads and writes the old type"
            ),
        )
    };
    Assessment {
        needs: Some(Acknowledgement::TypeChangedFrom {
            table: table.to_string(),
            column: column.to_string(),
            from: from.clone(),
        }),
        acknowledged,
        hint,
        ..cx.found(
            SafetyCode::ChangeType,
            risk,
            format!("changing the type of `{table}.{column}` from `{from}` to `{to}`"),
            reason,
        )
    }
}

/// Whether every value of `from` fits `to` unchanged. `timestamp` → `timestamptz` counts: each
/// value is read in the session's time zone, and kept.
fn is_widening(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType::*;
    match (from, to) {
        (SmallInt, Integer | BigInt | Numeric(None))
        | (Integer, BigInt | Numeric(None))
        | (BigInt, Numeric(None)) => true,
        (Real, Double) => true,
        (Varchar(Some(a)), Varchar(Some(b))) => b >= a,
        (Varchar(_), Varchar(None) | Text) => true,
        (Text, Varchar(None)) => true,
        (Char(_), Text | Varchar(None)) => true,
        (Char(a), Varchar(Some(b))) => b >= a,
        (Numeric(Some(_)), Numeric(None)) => true,
        (Numeric(Some((p1, s1))), Numeric(Some((p2, s2)))) => s2 >= s1 && p2 - s2 >= p1 - s1,
        (Timestamp, Timestamptz) => true,
        (Json, Jsonb) => true,
        (Array(a), Array(b)) => is_widening(a, b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safety::rules::test::{PETS, only, refused};

    #[test]
    fn narrowing_loses_data_until_type_changed_from_names_the_old_type() {
        let b = PETS.replace("type = \"bigint\"", "type = \"integer\"");
        let a = only(PETS, &b, SafetyCode::ChangeType);
        assert_eq!(a.risk, Risk::LosesData);
        assert!(crate::diagnostic::plain(&a).contains("type_changed_from = \"bigint\""));
        let wrong = PETS.replace(
            "type = \"bigint\"",
            "type = \"integer\", type_changed_from = \"smallint\"",
        );
        let r = refused(PETS, &wrong);
        assert_eq!(r.len(), 1, "only the exact old type acknowledges it");
        assert!(
            r[0].contains("your acknowledgement names `smallint`, but the old type is `bigint`"),
            "{}",
            r[0]
        );
        let acked = PETS.replace(
            "type = \"bigint\"",
            "type = \"integer\", type_changed_from = \"bigint\"",
        );
        assert!(refused(PETS, &acked).is_empty());
    }

    #[test]
    fn widening_breaks_code_and_is_refused_too() {
        let b = PETS.replace("name = \"text\"", "name = \"varchar(10)\"");
        let narrow = only(PETS, &b, SafetyCode::ChangeType);
        assert_eq!(narrow.risk, Risk::LosesData);
        let wide = only(&b, PETS, SafetyCode::ChangeType);
        assert_eq!(wide.risk, Risk::BreaksCode);
        assert!(wide.refused());
        assert!(
            wide.reason.starts_with(
                "every value fits, but code running today reads and writes the old type"
            ),
            "{}",
            wide.reason
        );
    }

    #[test]
    fn widening() {
        assert!(is_widening(&ColumnType::Integer, &ColumnType::BigInt));
        assert!(!is_widening(&ColumnType::BigInt, &ColumnType::Integer));
        assert!(is_widening(
            &ColumnType::Varchar(Some(10)),
            &ColumnType::Text
        ));
        assert!(!is_widening(
            &ColumnType::Text,
            &ColumnType::Varchar(Some(10))
        ));
        assert!(is_widening(
            &ColumnType::Numeric(Some((10, 2))),
            &ColumnType::Numeric(Some((12, 3)))
        ));
        assert!(!is_widening(
            &ColumnType::Numeric(Some((10, 2))),
            &ColumnType::Numeric(Some((10, 3)))
        ));
    }
}
