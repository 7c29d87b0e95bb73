//! `[families.NAME]`: the template is checked as a table is; the pattern, the schema and the
//! names that every member would repeat are checked here.

use std::collections::HashMap;

use super::Validator;
use crate::diagnostic::{Diagnostic, Location};
use crate::family::Pattern;
use crate::schema::load::{RawFamily, RawSchema, RawTable, SpStr};
use crate::schema::model::{Family, Schema};

impl Validator<'_> {
    /// Every family of `raw`, each once, its template checked against the tables and enums of
    /// `schema` (already built).
    pub(super) fn families(&mut self, raw: &RawSchema, schema: &Schema) -> Vec<Family> {
        let enum_names: Vec<&str> = schema.enums.iter().map(|e| e.name.as_str()).collect();
        let mut seen: HashMap<&str, &Location> = HashMap::new();
        let mut out = Vec::new();
        for f in &raw.families {
            let t = &f.template;
            self.ident("family", &t.name);
            if let Some(first) = seen.get(t.name.value.as_str()) {
                self.push(
                    Diagnostic::new(
                        "duplicate-family",
                        format!("family `{}` is declared twice", t.name.value),
                    )
                    .at(t.name.loc.clone())
                    .related((*first).clone(), "first declared here")
                    .help("declare each family once"),
                );
                continue;
            }
            seen.insert(&t.name.value, &t.name.loc);
            self.family_model(f, schema);
            let pattern = self.pattern(f, schema);
            if let Some(s) = &f.schema {
                self.ident("schema", s);
            }
            if let Some(b) = &f.lock_budget
                && let Err(e) = crate::migration::directive::lock_budget(&b.value)
            {
                self.error("bad-lock-budget", &b.loc, e.message, e.help);
            }
            for ix in &t.indexes {
                if let Some(n) = &ix.name {
                    self.shared_name(f, "index", n);
                }
            }
            if let Some(n) = &t.primary_key_name {
                self.shared_name(f, "primary key", n);
            }
            let unpartitioned;
            let t = if self.partitioned_template(f) {
                unpartitioned = RawTable {
                    partition_by: None,
                    partition_ahead: None,
                    partitions: Vec::new(),
                    ..t.clone()
                };
                &unpartitioned
            } else {
                t
            };
            let (template, _) = self.table(t, &enum_names);
            let mut template = template;
            template.foreign_keys = self.cross_table(t, &template, schema);
            if let Some(pattern) = pattern {
                out.push(Family {
                    name: t.name.value.clone(),
                    pattern: pattern.to_string(),
                    schema: f.schema.as_ref().map(|s| s.value.clone()),
                    lock_budget: f.lock_budget.as_ref().map(|b| b.value.clone()),
                    template,
                });
            }
        }
        out
    }

    /// `model`: required, a Rust type name, not one a table uses.
    fn family_model(&mut self, f: &RawFamily, schema: &Schema) {
        let model = self.model(
            &f.template,
            "family",
            "families",
            "the Rust struct of a member's rows",
        );
        if let Some(m) = model
            && schema.tables.iter().any(|x| x.model == m.value)
        {
            self.error(
                "duplicate-model",
                &m.loc,
                format!("model `{}` is used by a table and a family", m.value),
                "give the family its own model name",
            );
        }
    }

    /// `pattern`: required, with one `{key}`; no declared table may be a member.
    fn pattern(&mut self, f: &RawFamily, schema: &Schema) -> Option<Pattern> {
        let t = &f.template;
        let Some(p) = &f.pattern else {
            self.error(
                "missing-pattern",
                &t.name.loc,
                format!("family `{}` has no `pattern`", t.name.value),
                format!(
                    "add `pattern = \"{}_{{key}}\"` under [families.{}]: the names of its member tables, `{{key}}` standing for each member's key",
                    t.name.value, t.name.value
                ),
            );
            return None;
        };
        let pattern = match Pattern::parse(&p.value) {
            Ok(pattern) => pattern,
            Err(why) => {
                self.error(
                    "bad-pattern",
                    &p.loc,
                    format!("pattern `{}` of family `{}` {why}", p.value, t.name.value),
                    format!(
                        "write one placeholder in braces, e.g. `pattern = \"{}_{{app}}\"`",
                        t.name.value
                    ),
                );
                return None;
            }
        };
        let fixed = SpStr {
            value: format!("{}{}", pattern.prefix, pattern.suffix),
            loc: p.loc.clone(),
        };
        self.ident("pattern", &fixed);
        if let Some(member) = schema
            .tables
            .iter()
            .find(|x| pattern.key_of(&x.name).is_some())
        {
            self.error(
                "family-member-declared",
                &p.loc,
                format!(
                    "table `{}` is declared under [tables], but its name matches the pattern of family `{}`",
                    member.name, t.name.value
                ),
                "rename the table or change the pattern: a family's members are created by the application, and `migrate` changes them with the template",
            );
        }
        Some(pattern)
    }

    /// A family's template may not be partitioned: its members are created by the application
    /// (`create_member_sql`) and changed by family migrations as plain tables, and partitions
    /// declared once could not be named per member. Refused; `true` when it was.
    fn partitioned_template(&mut self, f: &RawFamily) -> bool {
        let t = &f.template;
        let loc = t
            .partition_by
            .as_ref()
            .map(|b| &b.loc)
            .or(t.partition_ahead.as_ref().map(|a| &a.loc))
            .or(t.partitions.first().map(|p| &p.name.loc));
        let Some(loc) = loc else {
            return false;
        };
        self.error(
            "family-partitioned",
            loc,
            format!(
                "family `{}` declares partitioning, but a family's members are plain tables",
                t.name.value
            ),
            format!(
                "remove `partition_by`, `partition_ahead` and `partitions` from [families.{}]: members are created by the application and changed by family migrations one table each; partition a table declared under [tables] instead",
                t.name.value
            ),
        );
        true
    }

    /// An explicit index or primary key name would be the same on every member, and PostgreSQL
    /// names indexes per schema: the derived name is the member's.
    fn shared_name(&mut self, f: &RawFamily, what: &str, n: &SpStr) {
        self.error(
            "family-shared-name",
            &n.loc,
            format!(
                "the {what} of family `{}` is named `{}`, a name every member would share",
                f.template.name.value, n.value
            ),
            "remove the name: each member's is derived from the member table's own name",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::load_str;

    fn codes(text: &str) -> Vec<String> {
        match load_str("s.toml", text) {
            Ok(_) => Vec::new(),
            Err(d) => {
                d.0.iter()
                    .map(|d| format!("{}: {}", d.code, d.message))
                    .collect()
            }
        }
    }

    const COLUMNS: &str = "[families.f.columns]\nid = { type = \"bigint\", primary_key = true }\n";

    #[test]
    fn a_partitioned_family_template_is_refused_with_the_reason() {
        let e = codes(&format!(
            "[families.f]\nmodel = \"F\"\npattern = \"f_{{k}}\"\npartition_by = {{ kind = \"range\", columns = [\"id\"] }}\n{COLUMNS}"
        ));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("family-partitioned") && e[0].contains("plain tables"),
            "{e:?}"
        );
        let e = codes(&format!(
            "[families.f]\nmodel = \"F\"\npattern = \"f_{{k}}\"\n{COLUMNS}[families.f.partitions.f_1]\nfrom = \"1\"\nto = \"2\"\n"
        ));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("family-partitioned"), "{e:?}");
    }

    #[test]
    fn a_family_needs_a_pattern_with_one_placeholder_and_a_model() {
        let e = codes(&format!("[families.f]\nmodel = \"F\"\n{COLUMNS}"));
        assert!(e[0].starts_with("missing-pattern"), "{e:?}");
        let e = codes(&format!(
            "[families.f]\nmodel = \"F\"\npattern = \"f_\"\n{COLUMNS}"
        ));
        assert!(
            e[0].starts_with("bad-pattern") && e[0].contains("no `{key}`"),
            "{e:?}"
        );
        let e = codes(&format!("[families.f]\npattern = \"f_{{k}}\"\n{COLUMNS}"));
        assert!(e[0].starts_with("missing-model"), "{e:?}");
        let e = codes(&format!(
            "[families.f]\nmodel = \"F\"\npattern = \"f_{{k}}\"\npatern = 1\n{COLUMNS}"
        ));
        assert!(e[0].contains("unknown key `patern` in family `f`"), "{e:?}");
    }

    #[test]
    fn names_every_member_would_share_and_declared_members_are_refused() {
        let e = codes(&format!(
            "[families.f]\nmodel = \"F\"\npattern = \"f_{{k}}\"\n{COLUMNS}[[families.f.indexes]]\nname = \"ix\"\ncolumns = [\"id\"]\n"
        ));
        assert!(e[0].starts_with("family-shared-name"), "{e:?}");
        let e = codes(&format!(
            "[tables.f_1]\nmodel = \"T\"\ncolumns = {{}}\n[families.f]\nmodel = \"F\"\npattern = \"f_{{k}}\"\n{COLUMNS}"
        ));
        assert!(e[0].starts_with("family-member-declared"), "{e:?}");
        let e = codes(&format!(
            "[tables.f]\nmodel = \"T\"\ncolumns = {{}}\n[families.f]\nmodel = \"F\"\npattern = \"f_{{k}}\"\n{COLUMNS}"
        ));
        assert!(e[0].starts_with("name-clash"), "{e:?}");
    }
}
