//! The TOML that acknowledges a refused change, as a value: shown in the refusal as the line to
//! add, and applied to a schema model as adding that line does.
//!
//! Names are written by the schema printer ([`print::key`], [`print::string`]), so a line is
//! valid TOML whatever the name holds: quotes, backslashes, tabs and other control characters.

use crate::schema::print;
use crate::schema::{Column, ColumnType, Schema};

/// The acknowledgement a refused change needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acknowledgement {
    /// `drop_tables = ["TABLE"]`, at the top level.
    DropTable {
        /// The table.
        table: String,
    },
    /// `drop_views = ["NAME"]`, `drop_functions = [...]` or `drop_triggers = [...]`, at the top
    /// level.
    DropObject {
        /// The list: `drop_views`, `drop_functions` or `drop_triggers`.
        key: &'static str,
        /// The view's, function's or trigger's name.
        name: String,
    },
    /// `drop_columns = ["COLUMN"]`, in `[tables.TABLE]`.
    DropColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// `drop_enums = ["NAME"]`, at the top level.
    DropEnum {
        /// The enum.
        name: String,
    },
    /// `drop_values = ["LABEL", ...]`, in `[enums.NAME]`.
    DropValues {
        /// The enum.
        enum_name: String,
        /// The labels removed.
        values: Vec<String>,
    },
    /// `renamed_from = "OLD"`, in `[tables.TABLE]`.
    RenamedTable {
        /// The table's new name.
        table: String,
        /// Its previous name.
        from: String,
    },
    /// `renamed_from = "OLD"`, on the column.
    RenamedColumn {
        /// The table.
        table: String,
        /// The column's new name.
        column: String,
        /// Its previous name.
        from: String,
    },
    /// `type_changed_from = "OLD TYPE"`, on the column.
    TypeChangedFrom {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Its previous type.
        from: ColumnType,
    },
    /// `backfill = "SQL"`, on the column: what fills its existing NULLs, or (a new column) every
    /// existing row, before it becomes NOT NULL.
    Backfill {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The column is new: the backfill fills every existing row.
        new_column: bool,
    },
}

/// Where an acknowledgement's line goes, for people.
const TOP_LEVEL: &str = "the top level of the schema";

impl Acknowledgement {
    /// Where the line goes, for people: `the top level of the schema`, `[tables.pets]`, or
    /// `the column `bio` in [tables.pets.columns]`.
    pub fn section(&self) -> String {
        match self {
            Acknowledgement::DropTable { .. }
            | Acknowledgement::DropEnum { .. }
            | Acknowledgement::DropObject { .. } => TOP_LEVEL.into(),
            Acknowledgement::DropColumn { table, .. }
            | Acknowledgement::RenamedTable { table, .. } => {
                format!("[tables.{}]", print::key(table))
            }
            Acknowledgement::DropValues { enum_name, .. } => {
                format!("[enums.{}]", print::key(enum_name))
            }
            Acknowledgement::RenamedColumn { table, column, .. }
            | Acknowledgement::TypeChangedFrom { table, column, .. }
            | Acknowledgement::Backfill { table, column, .. } => {
                format!(
                    "the column `{column}` in [tables.{}.columns]",
                    print::key(table)
                )
            }
        }
    }

    /// Where in the file the line goes, when TOML makes it easy to get wrong: a key after a
    /// `[header]` belongs to that header's table. Empty when [`section`](Self::section) says it.
    pub fn placement(&self) -> String {
        match self {
            Acknowledgement::DropTable { .. }
            | Acknowledgement::DropEnum { .. }
            | Acknowledgement::DropObject { .. } => {
                " (above the first `[header]` of a file)".into()
            }
            Acknowledgement::DropColumn { table, .. }
            | Acknowledgement::RenamedTable { table, .. } => {
                let t = print::key(table);
                format!(" (below `[tables.{t}]`, above `[tables.{t}.columns]`)")
            }
            _ => String::new(),
        }
    }

    /// The line that acknowledges the change, e.g. `drop_columns = ["bio"]`. A backfill's SQL is
    /// the author's to write: its line holds a placeholder.
    pub fn toml(&self) -> String {
        match self {
            Acknowledgement::DropTable { table } => format!(
                "drop_tables = {}",
                print::string_array(std::slice::from_ref(table))
            ),
            Acknowledgement::DropColumn { column, .. } => {
                format!(
                    "drop_columns = {}",
                    print::string_array(std::slice::from_ref(column))
                )
            }
            Acknowledgement::DropObject { key, name } => format!(
                "{key} = {}",
                print::string_array(std::slice::from_ref(name))
            ),
            Acknowledgement::DropEnum { name } => format!(
                "drop_enums = {}",
                print::string_array(std::slice::from_ref(name))
            ),
            Acknowledgement::DropValues { values, .. } => {
                format!("drop_values = {}", print::string_array(values))
            }
            Acknowledgement::RenamedTable { from, .. }
            | Acknowledgement::RenamedColumn { from, .. } => {
                format!("renamed_from = {}", print::string(from))
            }
            Acknowledgement::TypeChangedFrom { from, .. } => {
                format!("type_changed_from = {}", print::string(&from.to_string()))
            }
            Acknowledgement::Backfill { new_column, .. } => {
                let rows = if *new_column {
                    "existing rows"
                } else {
                    "existing NULLs"
                };
                format!(
                    "backfill = {}",
                    print::string(&format!("<SQL expression for {rows}>"))
                )
            }
        }
    }

    /// Writes the acknowledgement into `schema`, as adding its line to the schema file does. A
    /// backfill's SQL is `fill(column)`; the other acknowledgements ignore `fill`. False when
    /// `schema` does not declare the table, column or enum it belongs to.
    pub fn apply(&self, schema: &mut Schema, fill: impl FnOnce(&Column) -> String) -> bool {
        match self {
            Acknowledgement::DropTable { table } => push_new(&mut schema.drop_tables, table),
            Acknowledgement::DropEnum { name } => push_new(&mut schema.drop_enums, name),
            Acknowledgement::DropObject { key, name } => {
                let o = &mut schema.objects;
                let list = match *key {
                    "drop_views" => &mut o.drop_views,
                    "drop_functions" => &mut o.drop_functions,
                    _ => &mut o.drop_triggers,
                };
                push_new(list, name)
            }
            Acknowledgement::DropColumn { table, column } => schema
                .tables
                .iter_mut()
                .find(|t| t.name == *table)
                .is_some_and(|t| push_new(&mut t.drop_columns, column)),
            Acknowledgement::DropValues { enum_name, values } => {
                let Some(e) = schema.enums.iter_mut().find(|e| e.name == *enum_name) else {
                    return false;
                };
                for v in values {
                    push_new(&mut e.drop_values, v);
                }
                true
            }
            Acknowledgement::RenamedTable { table, from } => schema
                .tables
                .iter_mut()
                .find(|t| t.name == *table)
                .map(|t| t.renamed_from = Some(from.clone()))
                .is_some(),
            Acknowledgement::RenamedColumn {
                table,
                column,
                from,
            } => column_mut(schema, table, column)
                .map(|c| c.renamed_from = Some(from.clone()))
                .is_some(),
            Acknowledgement::TypeChangedFrom {
                table,
                column,
                from,
            } => column_mut(schema, table, column)
                .map(|c| c.type_changed_from = Some(from.clone()))
                .is_some(),
            Acknowledgement::Backfill { table, column, .. } => column_mut(schema, table, column)
                .map(|c| c.backfill = Some(fill(c)))
                .is_some(),
        }
    }
}

/// Adds `item` to an acknowledgement list unless it is there already. Always true.
fn push_new(list: &mut Vec<String>, item: &str) -> bool {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_string());
    }
    true
}

fn column_mut<'a>(schema: &'a mut Schema, table: &str, column: &str) -> Option<&'a mut Column> {
    schema
        .tables
        .iter_mut()
        .find(|t| t.name == table)?
        .columns
        .iter_mut()
        .find(|c| c.name == column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::safety::{assess, refusals};
    use crate::schema::print::to_toml;
    use crate::schema::{Enum, Table, load_str};

    /// Names a TOML key or string must quote or escape. Declared names hold no control
    /// characters; the names of what is dropped or renamed away (which only acknowledgements
    /// name) may hold any.
    const TABLES: [&str; 2] = ["my \"pets\"", "a.b \\ ünï"];
    const GONE: &str = "tab\there \"q\" \\ bell\u{7} del\u{7f} c1\u{85} ctl\u{1} new\nline";

    fn enum_type(name: &str, values: &[&str]) -> Enum {
        Enum {
            name: name.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            comment: None,
            drop_values: Vec::new(),
        }
    }

    fn table(name: &str, model: &str, columns: Vec<Column>) -> Table {
        Table {
            model: model.into(),
            columns,
            ..Table::new(name)
        }
    }

    /// Every kind of acknowledgement, between two schemas whose names need quoting.
    fn schemas() -> (Schema, Schema) {
        let mut from = Schema::default();
        let mut to = Schema::default();
        from.enums = vec![
            enum_type("mood \"m\"", &["ok", GONE, "meh"]),
            enum_type(GONE, &["a"]),
        ];
        to.enums = vec![enum_type("mood \"m\"", &["ok"])];
        for (i, name) in TABLES.iter().enumerate() {
            let old = vec![
                Column::new("id", ColumnType::BigInt),
                Column::new(GONE, ColumnType::Text),
                Column::new("n\"um", ColumnType::BigInt),
                Column {
                    nullable: true,
                    ..Column::new("opt\\", ColumnType::Text)
                },
                Column::new(format!("{GONE} {i}"), ColumnType::Uuid),
            ];
            let new = vec![
                Column::new("id", ColumnType::BigInt),
                Column::new("n\"um", ColumnType::Integer),
                Column::new("opt\\", ColumnType::Text),
                Column {
                    renamed_from: Some(format!("{GONE} {i}")),
                    ..Column::new("renamed \"c\"", ColumnType::Uuid)
                },
                Column::new("added ü", ColumnType::Integer),
            ];
            from.tables.push(table(name, &format!("T{i}"), old));
            to.tables.push(table(name, &format!("T{i}"), new));
        }
        from.tables.push(table(
            GONE,
            "Gone",
            vec![Column::new("id", ColumnType::BigInt)],
        ));
        from.tables.push(table(
            &format!("old {GONE}"),
            "Old",
            vec![Column::new("id", ColumnType::BigInt)],
        ));
        to.tables.push(Table {
            renamed_from: Some(format!("old {GONE}")),
            ..table(
                "new.name",
                "New",
                vec![Column::new("id", ColumnType::BigInt)],
            )
        });
        (from, to)
    }

    fn acknowledgements(from: &Schema, to: &Schema) -> Vec<Acknowledgement> {
        assess(crate::config::Dialect::Postgres, &diff(from, to), from, to)
            .into_iter()
            .filter_map(|a| a.needs)
            .collect()
    }

    /// Parses TOML text with the loader's parser; an error fails the test with the text.
    fn parse(text: &str) -> toml::de::DeTable<'_> {
        let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
        assert!(errors.is_empty(), "{text}: {errors:?}");
        doc.into_inner()
    }

    /// The strings of the value at a header path (`[tables."my \"pets\""]`) and key: the string
    /// itself, or each of an array's.
    fn strings_at(doc: &toml::de::DeTable<'_>, path: &[&str], key: &str) -> Vec<String> {
        use toml::de::DeValue;
        let mut t = doc;
        for p in path {
            match doc_get(t, p) {
                Some(DeValue::Table(inner)) => t = inner,
                other => panic!("no table {p:?}: {other:?}"),
            }
        }
        match doc_get(t, key) {
            Some(DeValue::String(s)) => vec![s.to_string()],
            Some(DeValue::Array(items)) => items
                .iter()
                .map(|v| match v.get_ref() {
                    DeValue::String(s) => s.to_string(),
                    other => panic!("not a string: {other:?}"),
                })
                .collect(),
            other => panic!("no string at {key:?}: {other:?}"),
        }
    }

    fn doc_get<'a>(t: &'a toml::de::DeTable<'_>, key: &str) -> Option<&'a toml::de::DeValue<'a>> {
        t.iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v.get_ref())
    }

    #[test]
    fn every_line_is_toml_naming_exactly_what_it_acknowledges() {
        let (from, to) = schemas();
        let acks = acknowledgements(&from, &to);
        let kinds: std::collections::BTreeSet<&str> = acks
            .iter()
            .map(|a| match a {
                Acknowledgement::DropTable { .. } => "drop_tables",
                Acknowledgement::DropObject { key, .. } => key,
                Acknowledgement::DropColumn { .. } => "drop_columns",
                Acknowledgement::DropEnum { .. } => "drop_enums",
                Acknowledgement::DropValues { .. } => "drop_values",
                Acknowledgement::RenamedTable { .. } => "renamed table",
                Acknowledgement::RenamedColumn { .. } => "renamed column",
                Acknowledgement::TypeChangedFrom { .. } => "type_changed_from",
                Acknowledgement::Backfill {
                    new_column: false, ..
                } => "backfill NULLs",
                Acknowledgement::Backfill {
                    new_column: true, ..
                } => "backfill rows",
            })
            .collect();
        assert_eq!(kinds.len(), 9, "every kind: {kinds:?}");
        for ack in &acks {
            let line = ack.toml();
            let strs = |items: &[&String]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            let (path, key, want): (Vec<&str>, &str, Vec<String>) = match ack {
                Acknowledgement::DropTable { table } => (vec![], "drop_tables", strs(&[table])),
                Acknowledgement::DropEnum { name } => (vec![], "drop_enums", strs(&[name])),
                Acknowledgement::DropObject { key, name } => (vec![], *key, strs(&[name])),
                Acknowledgement::DropColumn { table, column } => {
                    (vec!["tables", table], "drop_columns", strs(&[column]))
                }
                Acknowledgement::DropValues { enum_name, values } => {
                    (vec!["enums", enum_name], "drop_values", values.clone())
                }
                Acknowledgement::RenamedTable { table, from } => {
                    (vec!["tables", table], "renamed_from", strs(&[from]))
                }
                Acknowledgement::RenamedColumn { from, .. } => {
                    (vec![], "renamed_from", strs(&[from]))
                }
                Acknowledgement::TypeChangedFrom { from, .. } => {
                    (vec![], "type_changed_from", vec![from.to_string()])
                }
                Acknowledgement::Backfill { .. } => continue,
            };
            assert_eq!(strings_at(&parse(&line), &[], key), want, "{line}");
            // Under its section's header, when the section is one, it reads back in place.
            let section = ack.section();
            if section.starts_with('[') {
                let text = format!("{section}\n{line}\n");
                assert_eq!(strings_at(&parse(&text), &path, key), want, "{text}");
            }
        }
    }

    #[test]
    fn applied_lines_are_what_the_loader_reads_and_they_end_every_refusal() {
        let (from, mut to) = schemas();
        assert!(!refusals(&diff(&from, &to), &from, &to).is_empty());
        let acks = acknowledgements(&from, &to);
        for ack in &acks {
            let fill = |c: &Column| if c.ty.is_integer() { "0" } else { "'x'" }.to_string();
            assert!(ack.apply(&mut to, fill), "{ack:?}");
        }
        assert_eq!(refusals(&diff(&from, &to), &from, &to), []);
        let text = to_toml(&to);
        for ack in acks
            .iter()
            .filter(|a| !matches!(a, Acknowledgement::Backfill { .. }))
        {
            assert!(text.contains(&ack.toml()), "{}\nnot in\n{text}", ack.toml());
        }
        assert_eq!(load_str("to.toml", &text), Ok(to.clone()), "{text}");
        // Applying again changes nothing.
        let once = to.clone();
        for ack in &acks {
            ack.apply(&mut to, |_| "'x'".into());
        }
        assert_eq!(to.drop_tables, once.drop_tables);
        assert_eq!(to.enums, once.enums);
    }

    #[test]
    fn a_backfill_line_is_a_placeholder_the_loader_reads() {
        let (from, mut to) = schemas();
        for ack in acknowledgements(&from, &to) {
            if let Acknowledgement::Backfill { new_column, .. } = &ack {
                let line = ack.toml();
                let placeholder = if *new_column {
                    "backfill = \"<SQL expression for existing rows>\""
                } else {
                    "backfill = \"<SQL expression for existing NULLs>\""
                };
                assert_eq!(line, placeholder);
                let shown = strings_at(&parse(&line), &[], "backfill").concat();
                assert!(ack.apply(&mut to, |_| shown.clone()));
                let text = to_toml(&to);
                assert!(text.contains(&line), "{text}");
                assert!(load_str("to.toml", &text).is_ok(), "{text}");
            }
        }
    }

    #[test]
    fn apply_says_when_what_it_names_is_not_declared() {
        let mut s = Schema::default();
        let missing = [
            Acknowledgement::DropColumn {
                table: "t".into(),
                column: "c".into(),
            },
            Acknowledgement::DropValues {
                enum_name: "e".into(),
                values: vec!["A".into()],
            },
            Acknowledgement::RenamedTable {
                table: "t".into(),
                from: "o".into(),
            },
            Acknowledgement::Backfill {
                table: "t".into(),
                column: "c".into(),
                new_column: false,
            },
        ];
        for ack in &missing {
            assert!(!ack.apply(&mut s, |_| "0".into()), "{ack:?}");
        }
        assert_eq!(s, Schema::default());
        assert!(Acknowledgement::DropTable { table: "t".into() }.apply(&mut s, |_| String::new()));
        assert_eq!(s.drop_tables, ["t"]);
    }
}
