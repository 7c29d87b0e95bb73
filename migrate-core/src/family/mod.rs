//! Table families (`[families.NAME]`): tables the application creates at run time, one per key,
//! all with the shape of one template.
//!
//! - [`Pattern`]: member names (`audience_data_{app}` → `audience_data_app42`).
//! - [`Family::create_sql`]: the SQL that creates a new member with the template's current shape.
//! - [`template_change`]: a change to the template as the statements of a family migration
//!   (`-- migrate:family name=… pattern=…`), the member written as [`MEMBER`] inside quoted
//!   identifiers; [`bind`] puts a member's name in its place when the migration runs, on every
//!   member the database holds then ([`run`], behind the `runtime` feature).

#[cfg(feature = "runtime")]
pub mod run;

use std::fmt;

use crate::config::Dialect;
use crate::diagnostic::Explain;
use crate::diff::diff;
use crate::schema::{Enum, Family, Schema, Table};
use crate::sql::lex::{TokenKind, lex};
use crate::sql::{Stage, batch_as_whole, ident, render};

/// What stands for the member table in a family migration, inside a quoted identifier:
/// `ALTER TABLE "audience"."{member}" …`, `"{member}_name_idx"`.
pub const MEMBER: &str = "{member}";

/// The table name the template is rendered under before [`MEMBER`] replaces it: no declared
/// name can hold it (braces are refused in a pattern), and no dialect folds its case.
const SENTINEL: &str = "migrate_family_member_0f3a";

/// A family's `pattern`: a fixed prefix, one `{key}` placeholder, a fixed suffix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The text before the placeholder (`audience_data_`).
    pub prefix: String,
    /// The placeholder's name (`app`).
    pub key: String,
    /// The text after the placeholder (often empty).
    pub suffix: String,
}

/// Why a pattern is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternError {
    /// No `{key}` in it.
    NoPlaceholder,
    /// More than one `{…}`.
    TwoPlaceholders,
    /// A `{` or `}` that opens or closes no placeholder, or an empty or odd placeholder name.
    BadPlaceholder,
    /// Nothing but the placeholder: every table would be a member.
    NoFixedPart,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PatternError::NoPlaceholder => "has no `{key}` placeholder",
            PatternError::TwoPlaceholders => "has more than one placeholder",
            PatternError::BadPlaceholder => {
                "has a brace that is not a placeholder of letters, digits and `_`"
            }
            PatternError::NoFixedPart => "is only a placeholder: every table would be a member",
        })
    }
}

impl Pattern {
    /// Reads `prefix{key}suffix`.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        let Some(open) = text.find('{') else {
            return Err(if text.contains('}') {
                PatternError::BadPlaceholder
            } else {
                PatternError::NoPlaceholder
            });
        };
        let Some(len) = text[open..].find('}') else {
            return Err(PatternError::BadPlaceholder);
        };
        let key = &text[open + 1..open + len];
        let (prefix, suffix) = (&text[..open], &text[open + len + 1..]);
        let word = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !word || prefix.contains('}') {
            return Err(PatternError::BadPlaceholder);
        }
        if suffix.contains('{') {
            return Err(PatternError::TwoPlaceholders);
        }
        if suffix.contains('}') {
            return Err(PatternError::BadPlaceholder);
        }
        if prefix.is_empty() && suffix.is_empty() {
            return Err(PatternError::NoFixedPart);
        }
        Ok(Pattern {
            prefix: prefix.to_string(),
            key: key.to_string(),
            suffix: suffix.to_string(),
        })
    }

    /// The member table of `key`.
    pub fn member(&self, key: &str) -> String {
        format!("{}{key}{}", self.prefix, self.suffix)
    }

    /// The key of `table` when it is a member (a non-empty key between prefix and suffix).
    pub fn key_of<'t>(&self, table: &'t str) -> Option<&'t str> {
        let key = table
            .strip_prefix(self.prefix.as_str())?
            .strip_suffix(self.suffix.as_str())?;
        (!key.is_empty()).then_some(key)
    }

    /// A SQL `LIKE` pattern (with `\` as its escape) that every member matches: the catalog's
    /// first cut, before [`Pattern::key_of`] decides.
    pub fn like(&self) -> String {
        let esc = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        };
        format!("{}_%{}", esc(&self.prefix), esc(&self.suffix))
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{{{}}}{}", self.prefix, self.key, self.suffix)
    }
}

/// A member key that cannot name a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FamilyError {
    /// An empty key.
    #[error("a member of family `{family}` needs a key; the key is empty")]
    EmptyKey {
        /// The family.
        family: String,
    },
    /// A NUL byte in the key.
    #[error("the key of a member of family `{family}` contains a NUL byte")]
    NulByte {
        /// The family.
        family: String,
    },
    /// No family of that name in the schema.
    #[error("the schema declares no family `{family}`")]
    Unknown {
        /// The name asked for.
        family: String,
    },
}

impl Explain for FamilyError {
    fn code(&self) -> &'static str {
        match self {
            FamilyError::EmptyKey { .. } => "family-empty-key",
            FamilyError::NulByte { .. } => "family-bad-key",
            FamilyError::Unknown { .. } => "family-unknown",
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            FamilyError::EmptyKey { .. } | FamilyError::NulByte { .. } => {
                "pass the member's key (e.g. the app id) without NUL bytes".into()
            }
            FamilyError::Unknown { .. } => {
                "declare it as [families.NAME] with a pattern, or check the name".into()
            }
        })
    }
}

impl Family {
    /// The family's pattern. A family built by the loader always has a valid one.
    pub fn parsed_pattern(&self) -> Pattern {
        Pattern::parse(&self.pattern).unwrap_or_else(|_| Pattern {
            prefix: self.pattern.clone(),
            key: "key".into(),
            suffix: String::new(),
        })
    }

    /// The member table of `key`.
    pub fn member(&self, key: &str) -> Result<String, FamilyError> {
        if key.is_empty() {
            return Err(FamilyError::EmptyKey {
                family: self.name.clone(),
            });
        }
        if key.contains('\0') {
            return Err(FamilyError::NulByte {
                family: self.name.clone(),
            });
        }
        Ok(self.parsed_pattern().member(key))
    }

    /// The SQL that creates the member of `key` with the template's current shape: a script of
    /// statements, each ended by `;`, names quoted. A template whose columns use the schema's
    /// enums takes them from [`Schema::create_member_sql`].
    pub fn create_sql(&self, dialect: Dialect, key: &str) -> Result<String, FamilyError> {
        self.create_sql_with(dialect, &[], key)
    }

    fn create_sql_with(
        &self,
        dialect: Dialect,
        enums: &[Enum],
        key: &str,
    ) -> Result<String, FamilyError> {
        let member = self.member(key)?;
        let statements = template_statements(dialect, enums, self, None, &self.template);
        let mut out = String::new();
        for s in statements {
            out.push_str(&bind(&s, &member));
            out.push_str(";\n");
        }
        Ok(out)
    }
}

impl Schema {
    /// [`Family::create_sql`] for the family `family` of this schema, with its enums.
    pub fn create_member_sql(
        &self,
        family: &str,
        dialect: Dialect,
        key: &str,
    ) -> Result<String, FamilyError> {
        let f = self.family(family).ok_or_else(|| FamilyError::Unknown {
            family: family.to_string(),
        })?;
        f.create_sql_with(dialect, &self.enums, key)
    }
}

/// The statements that take a member from `from` (`None`: no table yet) to `to`, the member
/// written as [`MEMBER`] (schema-qualified when the family has a schema), in the order they
/// run, all of them fit for one transaction.
pub fn template_statements(
    dialect: Dialect,
    enums: &[Enum],
    family: &Family,
    from: Option<&Table>,
    to: &Table,
) -> Vec<String> {
    let schema_of = |t: Option<&Table>| Schema {
        enums: enums.to_vec(),
        tables: t.map(|t| as_member(&family.name, t)).into_iter().collect(),
        ..Schema::default()
    };
    let (a, b) = (schema_of(from), schema_of(Some(to)));
    let d = diff(&a, &b);
    let rendered = render(dialect, &d, &a, &b);
    let table = match &family.schema {
        Some(s) => format!("{}.{}", ident(s), ident(MEMBER)),
        None => ident(MEMBER),
    };
    let mut out = Vec::new();
    for stage in [Stage::Before, Stage::Tx, Stage::Batch, Stage::After] {
        for s in rendered.statements.iter().filter(|s| s.stage == stage) {
            let whole = batch_as_whole(&s.sql, dialect);
            let sql = name_member(&whole, dialect, &table);
            let sql = dialect.ops().family_statement(&sql);
            if !sql.trim().is_empty() {
                out.push(sql);
            }
        }
    }
    out
}

/// The template as the sentinel table: named so, and the names derived from the family's name
/// (`audience_data_pkey`, `audience_data_name_idx`) derived from the sentinel's instead, so that
/// each member's are its own.
fn as_member(family: &str, t: &Table) -> Table {
    let prefix = format!("{family}_");
    let rename = |n: &mut String| {
        if let Some(rest) = n.strip_prefix(prefix.as_str()) {
            *n = format!("{SENTINEL}_{rest}");
        }
    };
    let mut m = Table {
        name: SENTINEL.to_string(),
        ..t.clone()
    };
    if let Some(pk) = &mut m.primary_key {
        rename(&mut pk.name);
    }
    m.indexes.iter_mut().for_each(|ix| rename(&mut ix.name));
    m.foreign_keys
        .iter_mut()
        .for_each(|fk| rename(&mut fk.name));
    m.checks.iter_mut().for_each(|ck| rename(&mut ck.name));
    m
}

/// A change to a family's template, as a family migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateChange {
    /// What changes, for people and the file name ("add column `audience_data.updated_at`").
    pub describe: Vec<String>,
    /// The statements for one member ([`MEMBER`] standing for it).
    pub statements: Vec<String>,
    /// The changes refused until the schema acknowledges them: `(what, why, how)`.
    pub refused: Vec<(String, String, String)>,
}

/// The family migration that takes every member from template `from` to `to`; `None` when no
/// statement changes a member (the shape is the same).
pub fn template_change(
    dialect: Dialect,
    enums: &[Enum],
    family: &Family,
    from: &Table,
    to: &Table,
) -> Option<TemplateChange> {
    if same_shape(from, to) {
        return None;
    }
    let schema_of = |t: &Table| Schema {
        enums: enums.to_vec(),
        tables: vec![as_member(&family.name, t)],
        ..Schema::default()
    };
    let (a, b) = (schema_of(from), schema_of(to));
    let d = diff(&a, &b);
    if d.changes.is_empty() {
        return None;
    }
    let named = |t: &str| t.replace(SENTINEL, &family.name);
    let refused = crate::safety::assess(dialect, &d, &a, &b)
        .into_iter()
        .filter(|x| x.refused())
        .map(|x| {
            let how = x.needs.as_ref().map_or_else(String::new, |n| {
                named(&format!("{}: {}", n.section(), n.toml())).replace("[tables.", "[families.")
            });
            (named(&x.subject), named(&x.reason), how)
        })
        .collect();
    let statements = template_statements(dialect, enums, family, Some(from), to);
    Some(TemplateChange {
        describe: d.changes.iter().map(|c| named(&c.describe())).collect(),
        statements,
        refused,
    })
}

/// The file of a family migration: its directive, a header, the statements.
pub fn migration_file(family: &Family, change: &TemplateChange, origin: &str) -> String {
    let quote = |v: &str| {
        if !v.is_empty() && v.chars().all(|c| !c.is_whitespace() && c != '"') {
            v.to_string()
        } else {
            format!("\"{}\"", v.replace('"', "\"\""))
        }
    };
    let mut out = format!(
        "-- migrate:family name={} pattern={}",
        quote(&family.name),
        quote(&family.pattern)
    );
    if let Some(s) = &family.schema {
        out.push_str(&format!(" schema={}", quote(s)));
    }
    if let Some(b) = &family.lock_budget {
        out.push_str(&format!(" lock_budget={}", quote(b)));
    }
    out.push('\n');
    for d in &change.describe {
        out.push_str(&format!("-- {}\n", crate::sql::comment(d)));
    }
    out.push_str("--\n");
    out.push_str(&format!(
        "-- Generated by {origin}: a change to the template of family `{}`, applied to every member\n",
        crate::sql::comment(&family.name)
    ));
    out.push_str("-- table the database holds when it runs (\"{member}\" stands for each), ");
    out.push_str(if family.lock_budget.is_some() {
        "in resumable\n-- batches of members within the lock budget, each a transaction of its own.\n"
    } else {
        "all in one\n-- transaction (`lock_budget` under [families.NAME] makes it resumable batches).\n"
    });
    out.push_str(
        "-- Never edit it after it has been applied anywhere: a fix is a new migration.\n\n",
    );
    for st in &change.statements {
        out.push_str(st);
        out.push_str(";\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// `sql` with the sentinel table replaced by `table` and by [`MEMBER`] in the names derived
/// from it.
fn name_member(sql: &str, dialect: Dialect, table: &str) -> String {
    let exact = ident(SENTINEL);
    let mut out = String::new();
    let mut at = 0;
    for t in lex(sql, dialect) {
        if !matches!(t.kind, TokenKind::QuotedIdent { .. }) {
            continue;
        }
        let text = t.text(sql);
        if !text.contains(SENTINEL) {
            continue;
        }
        out.push_str(&sql[at..t.start]);
        if text == exact {
            out.push_str(table);
        } else {
            out.push_str(&text.replace(SENTINEL, MEMBER));
        }
        at = t.end;
    }
    out.push_str(&sql[at..]);
    out
}

/// `sql` with [`MEMBER`] replaced by `member` inside every double-quoted identifier (`"` doubled
/// there). [`MEMBER`] anywhere else is left as written (the directory check refuses it).
pub fn bind(sql: &str, member: &str) -> String {
    let escaped = member.replace('"', "\"\"");
    let mut out = String::new();
    let mut at = 0;
    for t in lex(sql, Dialect::EXPRESSIONS) {
        let text = t.text(sql);
        if matches!(t.kind, TokenKind::QuotedIdent { .. })
            && text.starts_with('"')
            && text.contains(MEMBER)
        {
            out.push_str(&sql[at..t.start]);
            out.push_str(&text.replace(MEMBER, &escaped));
            at = t.end;
        }
    }
    out.push_str(&sql[at..]);
    out
}

/// Where [`MEMBER`] stands outside a double-quoted identifier in `sql` (byte offsets): there it
/// would be spliced into SQL unquoted.
pub fn unquoted_members(sql: &str) -> Vec<usize> {
    let tokens: Vec<_> = lex(sql, Dialect::EXPRESSIONS).collect();
    sql.match_indices(MEMBER)
        .map(|(at, _)| at)
        .filter(|&at| {
            let inside = tokens.iter().find(|t| t.start <= at && at < t.end);
            !inside.is_some_and(|t| {
                let text = t.text(sql);
                let quoted =
                    matches!(t.kind, TokenKind::QuotedIdent { .. }) && text.starts_with('"');
                quoted
                    || t.is_trivia()
                    || (matches!(t.kind, TokenKind::String { .. }) && t.end >= at + MEMBER.len())
            })
        })
        .collect()
}

/// What [`guard`] rewrites: what a dialect's `ALTER TABLE` and `CREATE INDEX` accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guards {
    /// `ADD COLUMN IF NOT EXISTS`, `DROP COLUMN IF EXISTS`, `DROP CONSTRAINT IF EXISTS`.
    pub columns: bool,
    /// Drop `CONCURRENTLY`: a family migration runs in a transaction.
    pub in_transaction: bool,
}

/// `sql` with `IF [NOT] EXISTS` after `CREATE [UNIQUE] INDEX`, `DROP INDEX` and, as `guards`
/// says, the column and constraint forms, so that a member that already has the change is
/// left as it is. Keywords are found by the lexer, never inside names or strings.
pub fn guard(sql: &str, dialect: Dialect, guards: Guards) -> String {
    let words: Vec<(String, usize, usize)> = lex(sql, dialect)
        .filter(|t| !t.is_trivia())
        .map(|t| (t.text(sql).to_ascii_uppercase(), t.start, t.end))
        .collect();
    let word = |i: usize| words.get(i).map_or("", |w| w.0.as_str());
    // (byte offset, text to insert) and byte ranges to remove.
    let mut inserts: Vec<(usize, &str)> = Vec::new();
    let mut removes: Vec<(usize, usize)> = Vec::new();
    // In one transaction a check is validated as it is added: `NOT VALID` and the separate
    // `VALIDATE CONSTRAINT` would only hold the same lock longer.
    if guards.in_transaction
        && (0..words.len()).any(|i| word(i) == "VALIDATE" && word(i + 1) == "CONSTRAINT")
    {
        return String::new();
    }
    for i in 0..words.len() {
        let after = |j: usize| words[j].2;
        match word(i) {
            "NOT" if guards.in_transaction && word(i + 1) == "VALID" => {
                removes.push((words[i].1, after(i + 1)));
            }
            "CONCURRENTLY" if guards.in_transaction => {
                removes.push((words[i].1, after(i)));
            }
            "INDEX" => {
                let mut j = i + 1;
                if word(j) == "CONCURRENTLY" {
                    j += 1;
                }
                if word(j) == "IF" {
                    continue;
                }
                let create = word(i.wrapping_sub(1)) == "CREATE"
                    || (word(i.wrapping_sub(1)) == "UNIQUE" && word(i.wrapping_sub(2)) == "CREATE");
                if create {
                    inserts.push((after(j - 1), " IF NOT EXISTS"));
                } else if word(i.wrapping_sub(1)) == "DROP" {
                    inserts.push((after(j - 1), " IF EXISTS"));
                }
            }
            "COLUMN" | "CONSTRAINT" if guards.columns && word(i + 1) != "IF" => {
                match word(i.wrapping_sub(1)) {
                    "ADD" if word(i) == "COLUMN" => inserts.push((after(i), " IF NOT EXISTS")),
                    "DROP" => inserts.push((after(i), " IF EXISTS")),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let mut edits: Vec<(usize, usize, &str)> = inserts
        .into_iter()
        .map(|(at, text)| (at, at, text))
        .chain(removes.into_iter().map(|(a, b)| (a, b, "")))
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = sql.to_string();
    for (a, b, text) in edits {
        // A removed word takes one space beside it.
        let (a, b) = match text.is_empty() {
            true if out[b..].starts_with(' ') => (a, b + 1),
            true if out[..a].ends_with(' ') => (a - 1, b),
            _ => (a, b),
        };
        out.replace_range(a..b, text);
    }
    out
}

/// Whether two templates have the same shape (what members hold; comments included).
pub fn same_shape(a: &Table, b: &Table) -> bool {
    let strip = |t: &Table| Table {
        drop_columns: Vec::new(),
        renamed_from: None,
        strategy: None,
        ..t.clone()
    };
    strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_read_prefix_key_and_suffix() {
        let p = Pattern::parse("audience_data_{app}").unwrap();
        assert_eq!(p.prefix, "audience_data_");
        assert_eq!(p.key, "app");
        assert_eq!(p.member("42"), "audience_data_42");
        assert_eq!(p.key_of("audience_data_42"), Some("42"));
        assert_eq!(p.key_of("audience_data_"), None);
        assert_eq!(p.key_of("other"), None);
        assert_eq!(p.like(), "audience\\_data\\__%");
        assert_eq!(p.to_string(), "audience_data_{app}");
        let s = Pattern::parse("t_{k}_log").unwrap();
        assert_eq!(s.key_of("t_a_log"), Some("a"));
        assert_eq!(Pattern::parse("x"), Err(PatternError::NoPlaceholder));
        assert_eq!(
            Pattern::parse("{a}_{b}"),
            Err(PatternError::TwoPlaceholders)
        );
        assert_eq!(Pattern::parse("x_{}"), Err(PatternError::BadPlaceholder));
        assert_eq!(Pattern::parse("x_{a b}"), Err(PatternError::BadPlaceholder));
        assert_eq!(Pattern::parse("{app}"), Err(PatternError::NoFixedPart));
    }

    #[test]
    fn a_member_name_is_bound_inside_quotes_only() {
        let sql = r#"ALTER TABLE "s"."{member}" ADD COLUMN "c" text DEFAULT '{member}'"#;
        assert_eq!(
            bind(sql, r#"a"b"#),
            r#"ALTER TABLE "s"."a""b" ADD COLUMN "c" text DEFAULT '{member}'"#
        );
        assert_eq!(unquoted_members("SELECT {member}"), vec![7]);
        assert!(unquoted_members(sql).is_empty());
    }

    #[test]
    fn guards_make_statements_leave_a_changed_member_alone() {
        let g = Guards {
            columns: true,
            in_transaction: true,
        };
        assert_eq!(
            guard(
                r#"ALTER TABLE "t" ADD COLUMN "index" int"#,
                Dialect::DEFAULT,
                g
            ),
            r#"ALTER TABLE "t" ADD COLUMN IF NOT EXISTS "index" int"#
        );
        assert_eq!(
            guard(
                r#"CREATE UNIQUE INDEX CONCURRENTLY "i" ON "t" ("a")"#,
                Dialect::DEFAULT,
                g
            ),
            r#"CREATE UNIQUE INDEX IF NOT EXISTS "i" ON "t" ("a")"#
        );
        assert_eq!(
            guard(r#"DROP INDEX CONCURRENTLY "i""#, Dialect::DEFAULT, g),
            r#"DROP INDEX IF EXISTS "i""#
        );
        assert_eq!(
            guard(
                r#"ALTER TABLE "t" ADD CONSTRAINT "c" CHECK (a > 0) NOT VALID"#,
                Dialect::DEFAULT,
                g
            ),
            r#"ALTER TABLE "t" ADD CONSTRAINT "c" CHECK (a > 0)"#
        );
        assert_eq!(
            guard(
                r#"ALTER TABLE "t" VALIDATE CONSTRAINT "c""#,
                Dialect::DEFAULT,
                g
            ),
            ""
        );
        assert_eq!(
            guard(r#"ALTER TABLE "t" DROP COLUMN "a""#, Dialect::DEFAULT, g),
            r#"ALTER TABLE "t" DROP COLUMN IF EXISTS "a""#
        );
    }

    const SCHEMA: &str = r#"
[families.audience_data]
model = "AudienceData"
pattern = "audience_data_{app}"
schema = "audience"
[families.audience_data.columns]
id = { type = "bigint", primary_key = true }
name = { type = "text" }
[[families.audience_data.indexes]]
columns = ["name"]
"#;

    #[test]
    fn a_member_is_created_with_the_templates_shape_names_quoted() {
        let s = crate::schema::load_str("s.toml", SCHEMA).unwrap();
        let sql = s
            .create_member_sql("audience_data", Dialect::DEFAULT, "x\"y")
            .unwrap();
        assert!(
            sql.contains(r#"CREATE TABLE "audience"."audience_data_x""y""#),
            "{sql}"
        );
        assert!(sql.contains(r#""audience_data_x""y_name_idx""#), "{sql}");
        assert!(sql.contains(r#""audience_data_x""y_pkey""#), "{sql}");
        assert!(!sql.contains(SENTINEL), "{sql}");
        assert!(matches!(
            s.create_member_sql("nope", Dialect::DEFAULT, "a"),
            Err(FamilyError::Unknown { .. })
        ));
    }

    #[test]
    fn generate_writes_a_family_migration_for_a_template_change_only() {
        let before = crate::schema::load_str("s.toml", SCHEMA).unwrap();
        let after_text = SCHEMA.replace(
            "name = { type = \"text\" }",
            "name = { type = \"text\" }\nupdated_at = { type = \"timestamptz\", default = \"now()\" }",
        );
        let after = crate::schema::load_str("s.toml", &after_text).unwrap();
        let p = crate::generate::plan(Dialect::Postgres, &before, &after, None);
        assert!(p.diff.is_empty());
        assert_eq!(p.files.len(), 1, "{p:?}");
        let f = &p.files[0];
        assert!(f.name.starts_with("audience_data_add_column"), "{}", f.name);
        assert!(
            f.content.starts_with(
                "-- migrate:family name=audience_data pattern=audience_data_{app} schema=audience\n"
            ),
            "{}",
            f.content
        );
        assert!(
            f.content.contains(
                r#"ALTER TABLE "audience"."{member}" ADD COLUMN IF NOT EXISTS "updated_at""#
            ),
            "{}",
            f.content
        );
        let (d, problems) = crate::migration::content::check_text(&f.content);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(d.family.unwrap().name, "audience_data");
        // Nothing changed: nothing to write. A new family: nothing to write either.
        assert!(crate::generate::plan(Dialect::Postgres, &after, &after, None).is_empty());
        assert!(
            crate::generate::plan(Dialect::Postgres, &Schema::default(), &after, None).is_empty()
        );
        // A dropped column is refused until acknowledged.
        let p = crate::generate::plan(Dialect::Postgres, &after, &before, None);
        assert!(p.files.is_empty() && !p.problems.is_empty(), "{p:?}");
    }

    #[test]
    fn a_template_change_is_written_for_any_member() {
        let s = crate::schema::load_str("s.toml", SCHEMA).unwrap();
        let f = &s.families[0];
        let mut to = f.template.clone();
        to.columns.push(crate::schema::Column {
            nullable: true,
            ..crate::schema::Column::new("updated_at", crate::schema::ColumnType::Timestamptz)
        });
        let out = template_statements(Dialect::DEFAULT, &[], f, Some(&f.template), &to);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].contains(r#""audience"."{member}""#), "{out:?}");
        assert!(out[0].contains("updated_at"), "{out:?}");
    }
}
