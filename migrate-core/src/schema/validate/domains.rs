//! Domains and sequences: `[domains.NAME]`, `[sequences.NAME]`.

use std::collections::HashSet;

use super::Validator;
use crate::schema::load::{RawDomain, RawSchema, RawSequence};
use crate::schema::model::{Check, ColumnType, Domain, Schema, Sequence};
use crate::schema::types::parse_column_type;

impl Validator<'_> {
    /// The domains, each once, their types checked (an enum, another domain declared before, or
    /// an external type may be one).
    pub(super) fn domains(&mut self, raw: &RawSchema, enums: &[&str]) -> Vec<Domain> {
        let mut out: Vec<Domain> = Vec::new();
        let mut seen = HashSet::new();
        for d in &raw.domains {
            self.ident("domain", &d.name);
            let name = d.name.value.clone();
            if !seen.insert(name.clone()) {
                self.error(
                    "duplicate-domain",
                    &d.name.loc,
                    format!("domain `{name}` is declared twice"),
                    "keep one declaration of the domain and remove the other",
                );
                continue;
            }
            if enums.contains(&name.as_str()) || raw.tables.iter().any(|t| t.name.value == name) {
                self.error(
                    "name-clash",
                    &d.name.loc,
                    format!("domain `{name}` has the name of an enum or a table"),
                    "types share one namespace in PostgreSQL (every table has a type of its name): rename the domain",
                );
            }
            if let Some(domain) = self.domain(d, enums) {
                out.push(domain);
            }
        }
        out
    }

    fn domain(&mut self, d: &RawDomain, enums: &[&str]) -> Option<Domain> {
        let name = &d.name.value;
        let Some(ty_raw) = &d.ty else {
            self.error(
                "missing-key",
                &d.name.loc,
                format!("domain `{name}` has no `type`"),
                format!(
                    "give the type it constrains, e.g. `type = \"integer\"` under [domains.{name}]"
                ),
            );
            return None;
        };
        let ty = match parse_column_type(&ty_raw.value, enums.iter().copied(), &self.external_types)
        {
            Ok(ColumnType::Other(t)) if t == *name => {
                self.error(
                    "unknown-type",
                    &ty_raw.loc,
                    format!("domain `{name}` is declared over itself"),
                    "give the type it constrains, e.g. `type = \"integer\"`",
                );
                return None;
            }
            Ok(ty) => ty,
            Err(e) => {
                self.error("unknown-type", &ty_raw.loc, e.message, e.help);
                return None;
            }
        };
        let mut checks: Vec<Check> = Vec::new();
        for ck in &d.checks {
            let (Some(n), Some(e)) = (&ck.name, &ck.expr) else {
                continue;
            };
            if e.value.trim().is_empty() {
                self.error(
                    "empty-check",
                    &e.loc,
                    format!("a check of domain `{name}` has an empty `expr`"),
                    "write the condition on `VALUE`, e.g. `expr = \"VALUE > 0\"`",
                );
                continue;
            }
            if checks.iter().any(|c| c.name == n.value) {
                self.error(
                    "duplicate-name",
                    &n.loc,
                    format!("domain `{name}` has two checks named `{}`", n.value),
                    "give each check its own name",
                );
                continue;
            }
            checks.push(Check {
                name: n.value.clone(),
                expr: e.value.clone(),
                not_valid: ck.validated.as_ref().is_some_and(|v| !v.value),
            });
        }
        Some(Domain {
            name: name.clone(),
            ty,
            not_null: d.not_null.as_ref().is_some_and(|n| n.value),
            default: d.default.as_ref().map(|v| v.value.clone()),
            collation: d.collation.as_ref().map(|v| v.value.clone()),
            checks,
            comment: d.comment.as_ref().map(|v| v.value.clone()),
        })
    }

    /// The sequences, each once, their options consistent and their owner a declared column.
    pub(super) fn sequences(&mut self, raw: &RawSchema, schema: &Schema) -> Vec<Sequence> {
        let mut out: Vec<Sequence> = Vec::new();
        let mut seen = HashSet::new();
        for s in &raw.sequences {
            self.ident("sequence", &s.name);
            let name = s.name.value.clone();
            if !seen.insert(name.clone()) {
                self.error(
                    "duplicate-sequence",
                    &s.name.loc,
                    format!("sequence `{name}` is declared twice"),
                    "keep one declaration of the sequence and remove the other",
                );
                continue;
            }
            if schema.table(&name).is_some() {
                self.error(
                    "name-clash",
                    &s.name.loc,
                    format!("sequence `{name}` has the name of a table"),
                    "tables and sequences share one namespace: rename the sequence",
                );
            }
            if let Some(seq) = self.sequence(s, schema) {
                out.push(seq);
            }
        }
        out
    }

    fn sequence(&mut self, s: &RawSequence, schema: &Schema) -> Option<Sequence> {
        let name = &s.name.value;
        let mut seq = Sequence::new(name.clone());
        if let Some(t) = &s.ty {
            match t.value.as_str() {
                "smallint" => seq.ty = ColumnType::SmallInt,
                "integer" => seq.ty = ColumnType::Integer,
                "bigint" => seq.ty = ColumnType::BigInt,
                other => {
                    self.error(
                        "sequence-type",
                        &t.loc,
                        format!("sequence `{name}` is of type `{other}`: a sequence is a smallint, integer or bigint"),
                        "write `type = \"integer\"`, or leave `type` out for bigint",
                    );
                    return None;
                }
            }
        }
        if let Some(i) = &s.increment {
            if i.value == 0 {
                self.error(
                    "sequence-options",
                    &i.loc,
                    format!("sequence `{name}` has `increment = 0`"),
                    "write a positive increment to count up, a negative one to count down",
                );
                return None;
            }
            seq.increment = i.value;
        }
        if let Some(c) = &s.cache {
            if c.value < 1 {
                self.error(
                    "sequence-options",
                    &c.loc,
                    format!("sequence `{name}` has `cache = {}`", c.value),
                    "write `cache = 1` or more, or leave it out",
                );
                return None;
            }
            seq.cache = c.value;
        }
        seq.min = s.min.as_ref().map(|v| v.value);
        seq.max = s.max.as_ref().map(|v| v.value);
        seq.start = s.start.as_ref().map(|v| v.value);
        seq.cycle = s.cycle.as_ref().is_some_and(|v| v.value);
        let (min, max, start) = (seq.min_value(), seq.max_value(), seq.start_value());
        let loc = s
            .min
            .as_ref()
            .or(s.max.as_ref())
            .or(s.start.as_ref())
            .map_or(&s.name.loc, |v| &v.loc);
        let range = |ty: &ColumnType| match ty {
            ColumnType::SmallInt => (i64::from(i16::MIN), i64::from(i16::MAX)),
            ColumnType::Integer => (i64::from(i32::MIN), i64::from(i32::MAX)),
            _ => (i64::MIN, i64::MAX),
        };
        let (lo, hi) = range(&seq.ty);
        if min >= max || start < min || start > max || min < lo || max > hi {
            self.error(
                "sequence-options",
                loc,
                format!("sequence `{name}` has min {min}, max {max}, start {start}: the start must lie between a min below the max, within its type"),
                "correct `min`, `max` or `start`, or leave them out for PostgreSQL's defaults",
            );
            return None;
        }
        if let Some(o) = &s.owned_by {
            let owner = o
                .value
                .rsplit_once('.')
                .and_then(|(t, c)| schema.table(t)?.column(c));
            if owner.is_none() {
                self.error(
                    "sequence-owner",
                    &o.loc,
                    format!(
                        "sequence `{name}` is owned by `{}`, which is not a declared column",
                        o.value
                    ),
                    "write `owned_by = \"table.column\"` naming a declared column, or leave it out",
                );
                return None;
            }
            seq.owned_by = Some(o.value.clone());
        }
        Some(seq.canonical())
    }
}

/// What a dialect without [`Capability::StorageOptions`](crate::dialect::Capability) cannot
/// build: domains, sequences of their own, UNLOGGED tables, NOT VALID constraints; one
/// `unsupported-by-dialect` error each, at its key.
pub(crate) fn for_dialect(
    raw: &RawSchema,
    dialect: crate::config::Dialect,
    diags: &mut crate::diagnostic::Diagnostics,
) {
    use crate::diagnostic::Diagnostic;
    let ops = dialect.ops();
    if ops.has(crate::dialect::Capability::StorageOptions) {
        return;
    }
    let title = ops.title();
    let mut err = |loc: &crate::diagnostic::Location, message: String, help: &str| {
        diags.push(
            Diagnostic::new("unsupported-by-dialect", message)
                .at(loc.clone())
                .help(help.to_string()),
        );
    };
    for d in &raw.domains {
        err(
            &d.name.loc,
            format!("domain `{}`: {title} has no domains", d.name.value),
            "declare the columns with the domain's type and a check of their own (`[[tables.NAME.checks]]`) instead",
        );
    }
    for s in &raw.sequences {
        err(
            &s.name.loc,
            format!("sequence `{}`: {title} has no sequences", s.name.value),
            "use an `integer` primary key with `identity = true` (the rowid) instead",
        );
    }
    for t in &raw.tables {
        if let Some(u) = t.unlogged.as_ref().filter(|u| u.value) {
            err(
                &u.loc,
                format!(
                    "table `{}` is `unlogged = true`: {title} has no UNLOGGED tables",
                    t.name.value
                ),
                "remove `unlogged = true` (the journal mode applies to the whole database file)",
            );
        }
        let fks = t
            .foreign_keys
            .iter()
            .map(|f| (&f.validated, f.constraint.as_ref()));
        let checks = t.checks.iter().map(|c| (&c.validated, c.name.as_ref()));
        for (validated, name) in fks.chain(checks) {
            let Some(v) = validated.as_ref().filter(|v| !v.value) else {
                continue;
            };
            let name = name.map_or_else(
                || "a constraint".to_string(),
                |n| format!("constraint `{}`", n.value),
            );
            err(
                &v.loc,
                format!(
                    "{name} of `{}` is `validated = false`: {title} has no NOT VALID constraints",
                    t.name.value
                ),
                "remove `validated = false` (every row is checked when the table is rebuilt)",
            );
        }
    }
}
