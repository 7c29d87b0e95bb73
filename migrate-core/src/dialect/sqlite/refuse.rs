//! What a schema can declare that SQLite cannot hold: refused before anything is rendered, each
//! naming the object and the fix.

use crate::diagnostic::Diagnostic;
use crate::schema::{Deferrable, Index, Schema};

/// Every declaration of `schema` SQLite has no equivalent for.
pub(super) fn refuse(schema: &Schema) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let family_templates = schema.families.iter().map(|f| &f.template);
    for t in schema.tables.iter().chain(family_templates) {
        for ix in &t.indexes {
            for (what, fix) in index_problems(ix) {
                out.push(
                    Diagnostic::new(
                        "unsupported-by-dialect",
                        format!(
                            "index `{}` of `{}` has {what}, which SQLite does not have",
                            ix.name, t.name
                        ),
                    )
                    .help(format!("{fix}, or use PostgreSQL (`dialect = \"postgres\"`)")),
                );
            }
        }
        for c in &t.columns {
            if c.identity.is_some() && !c.identity_options.is_default() {
                out.push(
                    Diagnostic::new(
                        "unsupported-by-dialect",
                        format!(
                            "column `{}.{}` sets identity options, which SQLite does not have (its identity is the rowid)",
                            t.name, c.name
                        ),
                    )
                    .help("write `identity = true`, or use PostgreSQL (`dialect = \"postgres\"`)"),
                );
            }
        }
    }
    out
}

/// What `ix` declares that SQLite lacks, each with its fix.
fn index_problems(ix: &Index) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if ix.keys.iter().any(|k| k.opclass.is_some()) {
        out.push(("an operator class (`opclass`)", "remove `opclass`"));
    }
    if ix.keys.iter().any(|k| k.nulls_differ()) {
        out.push((
            "a key with NULLs ordered against its direction (`nulls`)",
            "remove `nulls` (SQLite sorts NULLs first ascending, last descending)",
        ));
    }
    if !ix.include.is_empty() {
        out.push(("`include` columns", "remove `include`, or make them keys"));
    }
    if ix.nulls_not_distinct {
        out.push(("`nulls_not_distinct`", "remove `nulls_not_distinct`"));
    }
    if ix.deferrable != Deferrable::No {
        out.push((
            "a deferrable UNIQUE constraint (`deferrable`)",
            "remove `deferrable`",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::config::Dialect;
    use crate::schema::load_str_for;

    #[test]
    fn a_family_template_is_refused_as_a_table_is() {
        let text = r#"
[families.events]
model = "Event"
pattern = "events_{app}"
[families.events.columns]
id = { type = "bigint", primary_key = true }
name = "text"
[[families.events.indexes]]
columns = [{ column = "name", opclass = "text_pattern_ops" }]
"#;
        assert!(load_str_for("s.toml", text, Dialect::Postgres).is_ok());
        let e = load_str_for("s.toml", text, Dialect::Sqlite)
            .expect_err("refused")
            .to_string();
        assert!(
            e.contains("index `events_name_idx` of `events` has an operator class (`opclass`)"),
            "{e}"
        );
    }
}
