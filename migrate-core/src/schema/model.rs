//! The canonical, dialect-neutral schema model.
//!
//! Everything that reads a schema (the TOML loader, and later database introspection) produces this
//! model; everything that writes one (diff, SQL rendering, code generation) consumes it. It holds no
//! source locations: two schemas that mean the same thing compare equal.

use std::fmt;

/// A whole declared schema: enums and tables in declaration order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    /// `[enums.NAME]`, in declaration order.
    pub enums: Vec<Enum>,
    /// `[tables.NAME]`, in declaration order.
    pub tables: Vec<Table>,
    /// Tables whose removal the schema acknowledges (`drop_tables = [...]`).
    pub drop_tables: Vec<String>,
    /// Enums whose removal the schema acknowledges (`drop_enums = [...]`).
    pub drop_enums: Vec<String>,
    /// The project's `change_strategy` (`migrate.toml`), for a change the schema has no place
    /// to say it beside (a dropped table). Never read from, nor written to, a schema file.
    pub change_strategy: Option<Strategy>,
    /// `extensions = [...]`: PostgreSQL extensions the schema needs (`citext`, `pgcrypto`),
    /// created before anything else when the database lacks them; sorted, each once.
    pub extensions: Vec<String>,
    /// `external_types = [...]`: types the database defines outside the schema (an extension's
    /// type such as `citext`, a domain) that columns use verbatim, sorted, each once.
    pub external_types: Vec<String>,
    /// `[domains.NAME]`, in declaration order: types with constraints, which columns name.
    pub domains: Vec<Domain>,
    /// `[sequences.NAME]`, in declaration order: sequences of their own (an identity's is the
    /// column's).
    pub sequences: Vec<Sequence>,
    /// `[views.NAME]`, `[functions.NAME]`, `[triggers.NAME]` and their acknowledgements.
    pub objects: super::objects::Objects,
    /// `[families.NAME]`: templates of tables the application creates at run time, in
    /// declaration order.
    pub families: Vec<Family>,
}

/// `[domains.NAME]`: a PostgreSQL domain, a type with constraints that columns use by name
/// (`type = "year"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// The type name (the key under `[domains]`).
    pub name: String,
    /// `type = "..."`: the underlying type.
    pub ty: ColumnType,
    /// `not_null = true`: the domain refuses NULL.
    pub not_null: bool,
    /// `default = "..."`: the default of columns of the domain that have none of their own.
    pub default: Option<String>,
    /// `collation = "..."`: the domain's collation, when not its type's default.
    pub collation: Option<String>,
    /// `[[domains.NAME.checks]]`: conditions on `VALUE`.
    pub checks: Vec<Check>,
    /// `comment = "..."`.
    pub comment: Option<String>,
}

/// `[sequences.NAME]`: a sequence of its own. The options left out are PostgreSQL's defaults
/// for the sequence's type and direction ([`Sequence::min_value`], ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequence {
    /// The sequence name (the key under `[sequences]`).
    pub name: String,
    /// `type = "smallint" | "integer" | "bigint"` (default `bigint`).
    pub ty: ColumnType,
    /// `start = N`; `None`: the minimum (the maximum when descending).
    pub start: Option<i64>,
    /// `increment = N` (default 1; negative: descending).
    pub increment: i64,
    /// `min = N`; `None`: 1 ascending, the type's least value descending.
    pub min: Option<i64>,
    /// `max = N`; `None`: the type's greatest value ascending, -1 descending.
    pub max: Option<i64>,
    /// `cycle = true`: wraps around at the end instead of failing.
    pub cycle: bool,
    /// `cache = N` (default 1): values allocated at a time per session.
    pub cache: i64,
    /// `owned_by = "table.column"`: dropped with that column.
    pub owned_by: Option<String>,
}

impl Sequence {
    /// A `bigint` sequence with PostgreSQL's defaults.
    pub fn new(name: impl Into<String>) -> Sequence {
        Sequence {
            name: name.into(),
            ty: ColumnType::BigInt,
            start: None,
            increment: 1,
            min: None,
            max: None,
            cycle: false,
            cache: 1,
            owned_by: None,
        }
    }

    /// The type's range.
    fn range(&self) -> (i64, i64) {
        match self.ty {
            ColumnType::SmallInt => (i16::MIN.into(), i16::MAX.into()),
            ColumnType::Integer => (i32::MIN.into(), i32::MAX.into()),
            _ => (i64::MIN, i64::MAX),
        }
    }

    /// The least value: `min`, or PostgreSQL's default.
    pub fn min_value(&self) -> i64 {
        self.min.unwrap_or(if self.increment > 0 {
            1
        } else {
            self.range().0
        })
    }

    /// The greatest value: `max`, or PostgreSQL's default.
    pub fn max_value(&self) -> i64 {
        self.max.unwrap_or(if self.increment > 0 {
            self.range().1
        } else {
            -1
        })
    }

    /// The first value: `start`, or PostgreSQL's default.
    pub fn start_value(&self) -> i64 {
        self.start.unwrap_or(if self.increment > 0 {
            self.min_value()
        } else {
            self.max_value()
        })
    }

    /// The same sequence with every option that equals its default left out, as read back.
    pub fn canonical(&self) -> Sequence {
        let mut s = self.clone();
        let defaults = Sequence {
            min: None,
            max: None,
            start: None,
            ..self.clone()
        };
        if s.min == Some(defaults.min_value()) {
            s.min = None;
        }
        if s.max == Some(defaults.max_value()) {
            s.max = None;
        }
        let with_range = Sequence {
            start: None,
            ..s.clone()
        };
        if s.start == Some(with_range.start_value()) {
            s.start = None;
        }
        s
    }
}

/// `[families.NAME]`: a table family. The application creates its members at run time, one per
/// key (`audience_data_{app}` → `audience_data_app42`), each with the template's shape; a change
/// to the template is a migration applied to every member the database holds when it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The family's name (the key under `[families]`).
    pub name: String,
    /// `pattern = "prefix_{key}"`: member table names, `{key}` standing for the member's key.
    pub pattern: String,
    /// `schema = "..."`: the PostgreSQL schema the members live in; `None`: the search path's.
    pub schema: Option<String>,
    /// `lock_budget = 100 | "5s" | "100,5s"`: how much one transaction of the family's
    /// migrations may take (written into each generated migration's directive); `None`: every
    /// member in one transaction.
    pub lock_budget: Option<String>,
    /// The members' shape: columns, keys, indexes, checks and comments, declared as a table's.
    /// Its `name` is the family's; each member's is the pattern's.
    pub template: Table,
}

impl Schema {
    /// The family named `name`.
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }

    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The enum named `name`.
    pub fn enum_type(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The schema without what it acknowledges (`drop_*`, `renamed_from`, `type_changed_from`,
    /// `backfill`): only what it declares, which is what a database holds. Acknowledgements
    /// belong to the change that made the schema, not to the schema after it.
    pub fn without_acknowledgements(&self) -> Schema {
        let mut s = self.clone();
        s.drop_tables.clear();
        s.drop_enums.clear();
        s.change_strategy = None;
        s.objects = s.objects.without_acknowledgements();
        for e in &mut s.enums {
            e.drop_values.clear();
        }
        let templates = s.families.iter_mut().map(|f| &mut f.template);
        for t in s.tables.iter_mut().chain(templates) {
            t.drop_columns.clear();
            t.renamed_from = None;
            t.strategy = None;
            for c in &mut t.columns {
                c.renamed_from = None;
                c.type_changed_from = None;
                c.backfill = None;
                c.strategy = None;
            }
        }
        s
    }
}

/// `[enums.NAME]`: a database enum type, mapped to a Rust enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enum {
    /// The SQL type name (the key under `[enums]`).
    pub name: String,
    /// Labels in declaration order (the order PostgreSQL sorts them by).
    pub values: Vec<String>,
    /// `comment = "..."`: the type's database comment and the Rust enum's doc comment.
    pub comment: Option<String>,
    /// Labels whose removal the schema acknowledges (`drop_values = [...]`).
    pub drop_values: Vec<String>,
}

/// `[tables.NAME]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The SQL table name (the key under `[tables]`).
    pub name: String,
    /// The Rust struct name; always declared, never guessed.
    pub model: String,
    /// `comment = "..."`: the table's database comment and the struct's doc comment.
    pub comment: Option<String>,
    /// Columns in declaration order, which is column order.
    pub columns: Vec<Column>,
    /// `primary_key = true` on columns, or `primary_key = [...]` on the table.
    pub primary_key: Option<PrimaryKey>,
    /// `references = "t.c"` on columns, and `[[tables.NAME.foreign_keys]]`.
    pub foreign_keys: Vec<ForeignKey>,
    /// `[[tables.NAME.indexes]]`, and `unique = true` on columns.
    pub indexes: Vec<Index>,
    /// `[[tables.NAME.checks]]`.
    pub checks: Vec<Check>,
    /// Columns whose removal the schema acknowledges (`drop_columns = [...]`).
    pub drop_columns: Vec<String>,
    /// The table's previous name, when it is being renamed.
    pub renamed_from: Option<String>,
    /// `strategy = "expand-contract" | "in-place"`: how the table's rename and its dropped
    /// columns are made; `None`: the project's `change_strategy`.
    pub strategy: Option<Strategy>,
    /// `unlogged = true`: a PostgreSQL UNLOGGED table, not written to the write-ahead log
    /// (faster, emptied after a crash, not replicated).
    pub unlogged: bool,
    /// `partition_by = {...}` and `[tables.NAME.partitions.*]`: a partitioned table (PostgreSQL's
    /// declarative partitioning); `None`: a plain table.
    pub partitioning: Option<Partitioning>,
}

impl Table {
    /// A table with no columns, keys, indexes or checks, and no model name yet.
    pub fn new(name: impl Into<String>) -> Table {
        Table {
            name: name.into(),
            model: String::new(),
            comment: None,
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            drop_columns: Vec::new(),
            renamed_from: None,
            strategy: None,
            unlogged: false,
            partitioning: None,
        }
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column lists a foreign key may reference: the primary key's first, then those of the
    /// unique indexes over every row ([`Index::is_key`]), in declaration order.
    pub fn keys(&self) -> impl Iterator<Item = &[String]> {
        let primary = self.primary_key.iter().map(|pk| pk.columns.as_slice());
        let unique = self
            .indexes
            .iter()
            .filter(|ix| ix.is_key())
            .map(|ix| ix.columns.as_slice());
        primary.chain(unique)
    }

    /// Whether `columns`, in any order, are the columns of one of [`Table::keys`]: what a
    /// foreign key to this table must reference.
    pub fn has_key<S: AsRef<str>>(&self, columns: &[S]) -> bool {
        self.keys().any(|key| same_columns(key, columns))
    }

    /// Whether `columns`, in any order, are the columns of the table's primary key.
    pub fn is_primary_key<S: AsRef<str>>(&self, columns: &[S]) -> bool {
        self.primary_key
            .as_ref()
            .is_some_and(|pk| same_columns(&pk.columns, columns))
    }
}

pub use super::partition::{
    Date, Partition, PartitionAhead, PartitionBound, PartitionEvery, PartitionKey, PartitionKind,
    Partitioning,
};

/// Whether two lists name the same columns, in any order.
fn same_columns<S: AsRef<str>>(a: &[String], b: &[S]) -> bool {
    a.len() == b.len()
        && b.iter().all(|c| a.iter().any(|k| k == c.as_ref()))
        && a.iter().all(|k| b.iter().any(|c| k == c.as_ref()))
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The SQL column name (the key under `columns`).
    pub name: String,
    /// `type = "..."`.
    pub ty: ColumnType,
    /// `nullable = true`: NULL allowed, `Option<T>` in Rust. Columns are NOT NULL by default.
    pub nullable: bool,
    /// The default as a SQL expression (`now()`, `'draft'`, `0`).
    pub default: Option<String>,
    /// `identity = ...`: a generated key.
    pub identity: Option<Identity>,
    /// `comment = "..."`: the column's database comment and the field's doc comment.
    pub comment: Option<String>,
    /// The column's previous name, when it is being renamed.
    pub renamed_from: Option<String>,
    /// Acknowledges a change of type from this previous type (`type_changed_from = "bigint"`).
    pub type_changed_from: Option<ColumnType>,
    /// SQL expression that fills existing NULLs when a column becomes NOT NULL (`backfill = "0"`).
    pub backfill: Option<String>,
    /// `strategy = "expand-contract" | "in-place"`: how the acknowledged change of this column
    /// (rename, type change, NOT NULL) is made; `None`: the project's `change_strategy`.
    pub strategy: Option<Strategy>,
    /// `generated = "..."`: a stored generated column, computed from the row by this SQL
    /// expression (`GENERATED ALWAYS AS (...) STORED`).
    pub generated: Option<String>,
    /// `collation = "..."`: the column's collation (`COLLATE "C"`), when not its type's.
    pub collation: Option<String>,
    /// `identity = { start = 1000, ... }`: the identity's sequence options that differ from
    /// PostgreSQL's defaults ([`IdentityOptions::canonical`]).
    pub identity_options: IdentityOptions,
}

/// The options of an identity column's sequence; `None` (and `cycle = false`) is PostgreSQL's
/// default for the column's type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct IdentityOptions {
    /// `start`: `START WITH`.
    pub start: Option<i64>,
    /// `increment`: `INCREMENT BY`.
    pub increment: Option<i64>,
    /// `min`: `MINVALUE`.
    pub min: Option<i64>,
    /// `max`: `MAXVALUE`.
    pub max: Option<i64>,
    /// `cycle = true`: `CYCLE`.
    pub cycle: bool,
    /// `cache`: `CACHE`.
    pub cache: Option<i64>,
    /// `sequence`: the sequence's name, when not `<table>_<column>_seq` (a table renamed after
    /// its identity was made keeps the old name).
    pub sequence: Option<String>,
}

impl IdentityOptions {
    /// Whether every option is the default.
    pub fn is_default(&self) -> bool {
        *self == IdentityOptions::default()
    }

    /// The options with each value that equals PostgreSQL's default for an identity of type
    /// `ty` of `table.column` left out, so that written and read options compare equal.
    pub fn canonical(&self, ty: &ColumnType, table: &str, column: &str) -> IdentityOptions {
        let (type_min, type_max) = match ty {
            ColumnType::SmallInt => (i16::MIN as i64, i16::MAX as i64),
            ColumnType::Integer => (i32::MIN as i64, i32::MAX as i64),
            _ => (i64::MIN, i64::MAX),
        };
        let increment = self.increment.unwrap_or(1);
        let ascending = increment > 0;
        let (default_min, default_max) = if ascending {
            (1, type_max)
        } else {
            (type_min, -1)
        };
        let min = self.min.unwrap_or(default_min);
        let max = self.max.unwrap_or(default_max);
        let default_start = if ascending { min } else { max };
        let default_sequence = super::names::identity_sequence(table, column);
        IdentityOptions {
            start: self.start.filter(|s| *s != default_start),
            increment: self.increment.filter(|i| *i != 1),
            min: self.min.filter(|m| *m != default_min),
            max: self.max.filter(|m| *m != default_max),
            cycle: self.cycle,
            cache: self.cache.filter(|c| *c != 1),
            sequence: self.sequence.clone().filter(|s| *s != default_sequence),
        }
    }
}

impl Column {
    /// A NOT NULL column of type `ty`, with no default, identity, comment or acknowledgement.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Column {
        Column {
            name: name.into(),
            ty,
            nullable: false,
            default: None,
            identity: None,
            comment: None,
            renamed_from: None,
            type_changed_from: None,
            backfill: None,
            strategy: None,
            generated: None,
            collation: None,
            identity_options: IdentityOptions::default(),
        }
    }
}

/// How an acknowledged change that breaks running code is made: `strategy = "..."` beside the
/// acknowledgement, or `change_strategy = "..."` in `migrate.toml` for the whole project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strategy {
    /// `"in-place"`: one migration changes the object (`RENAME`, `ALTER … TYPE`, `DROP`); the
    /// code that used the old shape breaks the moment it commits.
    #[default]
    InPlace,
    /// `"expand-contract"`: an expand migration adds the new shape beside the old one and keeps
    /// both in sync, a batched migration backfills existing rows, and a contract migration, applied
    /// only on request once the old code is gone, removes the old shape.
    ExpandContract,
}

impl Strategy {
    /// Every strategy, in the order help texts list them.
    pub const ALL: [Strategy; 2] = [Strategy::InPlace, Strategy::ExpandContract];

    /// The spelling in a schema file and `migrate.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::InPlace => "in-place",
            Strategy::ExpandContract => "expand-contract",
        }
    }

    /// The strategy spelled `s`, when it is one.
    pub fn parse(s: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// `identity = true | "by default" | "always"`: a generated key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Identity {
    /// `GENERATED BY DEFAULT AS IDENTITY`: generated unless a value is given.
    ByDefault,
    /// `GENERATED ALWAYS AS IDENTITY`: always generated.
    Always,
}

impl Identity {
    /// The spelling in a schema file (`identity = "by default"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Identity::ByDefault => "by default",
            Identity::Always => "always",
        }
    }
}

/// A column type, spelled as in PostgreSQL and mapped per dialect.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// `smallint`: 2 bytes.
    SmallInt,
    /// `integer`: 4 bytes.
    Integer,
    /// `bigint`: 8 bytes.
    BigInt,
    /// `real`: 4-byte floating point.
    Real,
    /// `double precision`: 8-byte floating point.
    Double,
    /// `numeric` or `numeric(p)` or `numeric(p,s)`.
    Numeric(Option<(u32, u32)>),
    /// `boolean`.
    Boolean,
    /// `text`.
    Text,
    /// `varchar` or `varchar(n)`.
    Varchar(Option<u32>),
    /// `char(n)` (plain `char` is `char(1)`).
    Char(u32),
    /// `bytea`: bytes.
    Bytea,
    /// `date`.
    Date,
    /// `time` (without time zone).
    Time,
    /// `timestamp` (without time zone).
    Timestamp,
    /// `timestamptz`: an instant.
    Timestamptz,
    /// `interval`.
    Interval,
    /// `uuid`.
    Uuid,
    /// `json`: JSON as written.
    Json,
    /// `jsonb`: JSON, decomposed.
    Jsonb,
    /// `inet`: an IP address or network.
    Inet,
    /// A declared enum, by name.
    Enum(String),
    /// `T[]`: a one-dimensional array.
    Array(Box<ColumnType>),
    /// `time(p)`, `timestamp(p)` or `timestamptz(p)`: the type (one of those three, without a
    /// precision) with `p` fractional-second digits, 0 to 6, written out (`timestamp(6)` is
    /// what Prisma writes; plain `timestamp` leaves the precision to the database).
    Precise(Box<ColumnType>, u32),
    /// A type the language does not model, as PostgreSQL spells it: one of PostgreSQL's own
    /// ([`VERBATIM_TYPES`](super::types::VERBATIM_TYPES): `tsvector`, `money`, `point`,
    /// `tstzrange`, ...) or one the schema lists in `external_types` (an extension's type such
    /// as `citext`, a domain). The SQL uses it verbatim.
    Other(String),
}

/// The built-in type names, as written in a schema file.
pub const BUILTIN_TYPES: &[&str] = &[
    "smallint",
    "integer",
    "bigint",
    "real",
    "double",
    "numeric",
    "boolean",
    "text",
    "varchar",
    "char",
    "bytea",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "interval",
    "uuid",
    "json",
    "jsonb",
    "inet",
];

impl ColumnType {
    /// Whether the type is one of the integer types an identity column may have.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
        )
    }

    /// Whether the type, or an array's element type, is one the language does not model
    /// ([`ColumnType::Other`]).
    pub fn is_other(&self) -> bool {
        match self {
            ColumnType::Other(_) => true,
            ColumnType::Array(inner) => inner.is_other(),
            _ => false,
        }
    }

    /// The enum this type names, directly or as an array's element.
    pub fn enum_name(&self) -> Option<&str> {
        match self {
            ColumnType::Enum(name) => Some(name),
            ColumnType::Array(inner) => inner.enum_name(),
            _ => None,
        }
    }

    /// Whether a foreign key column of this type may reference a key column of type `target`:
    /// the same type, or a pair of types holding the same kind of value that PostgreSQL accepts
    /// (an equality operator across the two types, or an implicit cast of this type to the
    /// target's): any two integer types (`bigint` referencing `integer`), an integer referencing a
    /// `numeric` or a float, a `numeric` referencing a float, `real` and `double`; `numeric`,
    /// `text`, `varchar` and `char` of any length or precision; any two of `date`, `timestamp`
    /// and `timestamptz`.
    pub fn can_reference(&self, target: &ColumnType) -> bool {
        use ColumnType as T;
        let number = |t: &T| match t {
            T::SmallInt | T::Integer | T::BigInt => Some(0),
            T::Numeric(_) => Some(1),
            T::Real | T::Double => Some(2),
            _ => None,
        };
        let string = |t: &T| matches!(t, T::Text | T::Varchar(_) | T::Char(_));
        let moment = |t: &T| {
            matches!(
                t.without_precision(),
                T::Date | T::Timestamp | T::Timestamptz
            )
        };
        if self == target {
            return true;
        }
        match (number(self), number(target)) {
            // A float converts implicitly to neither an integer nor a numeric.
            (Some(own), Some(key)) => return own <= key,
            (Some(_), None) | (None, Some(_)) => return false,
            (None, None) => {}
        }
        (string(self) && string(target)) || (moment(self) && moment(target))
    }

    /// The type without its fractional-second precision (`timestamp(3)` is `timestamp`).
    pub fn without_precision(&self) -> &ColumnType {
        match self {
            ColumnType::Precise(base, _) => base,
            other => other,
        }
    }

    /// Whether values of this type are written as quoted strings in SQL.
    pub fn is_textual(&self) -> bool {
        matches!(
            self,
            ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Char(_) | ColumnType::Enum(_)
        )
    }
}

/// Prints the type exactly as a schema file spells it; `parse_type` reads it back.
impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::SmallInt => f.write_str("smallint"),
            ColumnType::Integer => f.write_str("integer"),
            ColumnType::BigInt => f.write_str("bigint"),
            ColumnType::Real => f.write_str("real"),
            ColumnType::Double => f.write_str("double"),
            ColumnType::Numeric(None) => f.write_str("numeric"),
            ColumnType::Numeric(Some((p, 0))) => write!(f, "numeric({p})"),
            ColumnType::Numeric(Some((p, s))) => write!(f, "numeric({p},{s})"),
            ColumnType::Boolean => f.write_str("boolean"),
            ColumnType::Text => f.write_str("text"),
            ColumnType::Varchar(None) => f.write_str("varchar"),
            ColumnType::Varchar(Some(n)) => write!(f, "varchar({n})"),
            ColumnType::Char(n) => write!(f, "char({n})"),
            ColumnType::Bytea => f.write_str("bytea"),
            ColumnType::Date => f.write_str("date"),
            ColumnType::Time => f.write_str("time"),
            ColumnType::Timestamp => f.write_str("timestamp"),
            ColumnType::Timestamptz => f.write_str("timestamptz"),
            ColumnType::Interval => f.write_str("interval"),
            ColumnType::Uuid => f.write_str("uuid"),
            ColumnType::Json => f.write_str("json"),
            ColumnType::Jsonb => f.write_str("jsonb"),
            ColumnType::Inet => f.write_str("inet"),
            ColumnType::Other(name) => f.write_str(name),
            ColumnType::Enum(name) => f.write_str(name),
            ColumnType::Array(inner) => write!(f, "{inner}[]"),
            ColumnType::Precise(base, p) => write!(f, "{base}({p})"),
        }
    }
}

/// The table's primary key: one column or several, in key order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrimaryKey {
    /// Constraint name; `<table>_pkey` unless declared.
    pub name: String,
    /// The key's columns, in key order.
    pub columns: Vec<String>,
}

/// A foreign key; always a named constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Constraint name; `<table>_<column>_fkey` unless declared with `constraint = "..."`.
    pub name: String,
    /// The referencing columns of this table.
    pub columns: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns, one per referencing column: a key of the referenced table.
    pub ref_columns: Vec<String>,
    /// `on_delete = "..."`.
    pub on_delete: FkAction,
    /// `on_update = "..."`.
    pub on_update: FkAction,
    /// `on_delete_columns = [...]`: the referencing columns `on_delete = "set null"` or
    /// `"set default"` sets (`ON DELETE SET NULL (col)`); empty, all of them.
    pub on_delete_columns: Vec<String>,
    /// `validated = false`: PostgreSQL's `NOT VALID`: new rows are checked, the rows already
    /// there are not.
    pub not_valid: bool,
}

/// What a foreign key does when the referenced row is deleted or updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FkAction {
    /// `NO ACTION` (the default): refused, checked at the end of the statement.
    #[default]
    NoAction,
    /// `RESTRICT`: refused at once.
    Restrict,
    /// `CASCADE`: the referencing rows are deleted or updated too.
    Cascade,
    /// `SET NULL`: the referencing columns become NULL.
    SetNull,
    /// `SET DEFAULT`: the referencing columns take their defaults.
    SetDefault,
}

impl FkAction {
    /// Every action.
    pub const ALL: [FkAction; 5] = [
        FkAction::NoAction,
        FkAction::Restrict,
        FkAction::Cascade,
        FkAction::SetNull,
        FkAction::SetDefault,
    ];

    /// The spelling in a schema file (`on_delete = "set null"`).
    pub fn as_str(self) -> &'static str {
        match self {
            FkAction::NoAction => "no action",
            FkAction::Restrict => "restrict",
            FkAction::Cascade => "cascade",
            FkAction::SetNull => "set null",
            FkAction::SetDefault => "set default",
        }
    }

    /// The SQL spelling (`ON DELETE SET NULL`).
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }

    /// The action a schema file spells `s` (`set null`, `set_null`, `SET-NULL`).
    pub fn parse(s: &str) -> Option<FkAction> {
        let norm = s.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        FkAction::ALL.into_iter().find(|a| a.as_str() == norm)
    }
}

/// An index, unique or not, or a UNIQUE constraint (`constraint = true`); always named.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Index {
    /// Index name; `<table>_<columns>_idx` (`_key` when unique) unless declared.
    pub name: String,
    /// The index's keys, in index order: a column's name, or for an expression key
    /// ([`IndexKey::expression`]) the SQL expression.
    pub columns: Vec<String>,
    /// `unique = true`.
    pub unique: bool,
    /// A partial index's predicate (`where = "deleted_at IS NULL"`).
    pub predicate: Option<String>,
    /// `method = "..."`.
    pub method: IndexMethod,
    /// Each key's expression flag, order, operator class and collation, one per entry of
    /// `columns`; empty when every key is a column in ascending order with its defaults
    /// ([`Index::set_keys`] keeps it so).
    pub keys: Vec<IndexKey>,
    /// `include = [...]`: columns stored in the index without being keys (`INCLUDE`).
    pub include: Vec<String>,
    /// `nulls_not_distinct = true`: a unique index or constraint that holds one NULL at most
    /// (`NULLS NOT DISTINCT`, PostgreSQL 15).
    pub nulls_not_distinct: bool,
    /// `constraint = true`: a UNIQUE constraint (`ALTER TABLE … ADD CONSTRAINT … UNIQUE`), which
    /// `ON CONFLICT ON CONSTRAINT` can name, rather than a unique index.
    pub constraint: bool,
    /// `deferrable = "..."`: when a UNIQUE constraint is checked.
    pub deferrable: Deferrable,
}

/// One key of an index, beside its entry in [`Index::columns`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexKey {
    /// The key is an expression (`{ expr = "lower(email)" }`), not a column.
    pub expression: bool,
    /// `desc = true`: descending order.
    pub desc: bool,
    /// Whether NULLs sort first: `nulls = "first" | "last"`; the default is first for a
    /// descending key, last for an ascending one.
    pub nulls_first: bool,
    /// `opclass = "..."`: an operator class other than the type's default
    /// (`varchar_pattern_ops`).
    pub opclass: Option<String>,
    /// `collation = "..."`: a collation other than the column's.
    pub collation: Option<String>,
}

impl IndexKey {
    /// Whether the key is a column in ascending order, NULLs last, with its defaults.
    pub fn is_plain(&self) -> bool {
        *self == IndexKey::default()
    }

    /// Whether NULLs sort other than by default (`NULLS FIRST` ascending, `NULLS LAST`
    /// descending).
    pub fn nulls_differ(&self) -> bool {
        self.nulls_first != self.desc
    }
}

/// When a UNIQUE constraint is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Deferrable {
    /// Not deferrable (the default): checked by each statement.
    #[default]
    No,
    /// `"initially immediate"`: `DEFERRABLE INITIALLY IMMEDIATE`; a transaction may defer it.
    InitiallyImmediate,
    /// `"initially deferred"`: `DEFERRABLE INITIALLY DEFERRED`, checked at commit.
    InitiallyDeferred,
}

impl Deferrable {
    /// The spellings in a schema file.
    pub const ALL: [Deferrable; 3] = [
        Deferrable::No,
        Deferrable::InitiallyImmediate,
        Deferrable::InitiallyDeferred,
    ];

    /// The spelling in a schema file (`deferrable = "initially deferred"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Deferrable::No => "no",
            Deferrable::InitiallyImmediate => "initially immediate",
            Deferrable::InitiallyDeferred => "initially deferred",
        }
    }

    /// The deferral a schema file spells `s`.
    pub fn parse(s: &str) -> Option<Deferrable> {
        let norm = s.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        Deferrable::ALL.into_iter().find(|d| d.as_str() == norm)
    }

    /// The SQL clause after a constraint's definition (` DEFERRABLE INITIALLY DEFERRED`).
    pub fn sql(self) -> &'static str {
        match self {
            Deferrable::No => "",
            Deferrable::InitiallyImmediate => " DEFERRABLE",
            Deferrable::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
        }
    }
}

impl Index {
    /// The predicate that limits the rows the index covers, when it is partial. A predicate that
    /// is always true (`where = "true"`) limits nothing: PostgreSQL does not keep it, and SQLite
    /// is not given it.
    pub fn partial_predicate(&self) -> Option<&str> {
        self.predicate
            .as_deref()
            .filter(|p| !p.trim().eq_ignore_ascii_case("true"))
    }

    /// Whether the index is a key a foreign key may reference: unique, over every row, of
    /// columns only, checked by each statement.
    pub fn is_key(&self) -> bool {
        self.unique
            && self.partial_predicate().is_none()
            && !self.has_expressions()
            && self.deferrable == Deferrable::No
    }

    /// Whether a key is an expression.
    pub fn has_expressions(&self) -> bool {
        self.keys.iter().any(|k| k.expression)
    }

    /// The key of position `i` (plain when `keys` is empty).
    pub fn key(&self, i: usize) -> IndexKey {
        self.keys.get(i).cloned().unwrap_or_default()
    }

    /// The columns the index names as keys or in `include`, not its expressions.
    pub fn key_columns(&self) -> impl Iterator<Item = &String> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.keys.get(*i).is_some_and(|k| k.expression))
            .map(|(_, c)| c)
            .chain(&self.include)
    }

    /// Sets each key's options, kept empty when every key is plain (the canonical form).
    pub fn set_keys(&mut self, keys: Vec<IndexKey>) {
        self.keys = if keys.iter().all(IndexKey::is_plain) {
            Vec::new()
        } else {
            keys
        };
    }

    /// The column of table `table` whose `unique = true` writes exactly this index: a unique
    /// B-tree index of that one plain column, without a predicate, `include` or other option,
    /// named as the shorthand names it.
    /// What `migrate pull` prints back as the shorthand, and where introspection orders it.
    pub fn unique_shorthand_of(&self, table: &str) -> Option<&str> {
        match self.columns.as_slice() {
            [col]
                if *self
                    == (Index {
                        name: super::names::index(table, &[col], true),
                        columns: vec![col.clone()],
                        unique: true,
                        ..Index::default()
                    }) =>
            {
                Some(col)
            }
            _ => None,
        }
    }
}

/// The index access method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IndexMethod {
    /// `btree` (the default).
    #[default]
    Btree,
    /// `hash`.
    Hash,
    /// `gin`.
    Gin,
    /// `gist`.
    Gist,
    /// `brin`.
    Brin,
    /// `spgist`.
    Spgist,
}

impl IndexMethod {
    /// Every method.
    pub const ALL: [IndexMethod; 6] = [
        IndexMethod::Btree,
        IndexMethod::Hash,
        IndexMethod::Gin,
        IndexMethod::Gist,
        IndexMethod::Brin,
        IndexMethod::Spgist,
    ];

    /// The spelling in a schema file and in SQL (`method = "gin"`).
    pub fn as_str(self) -> &'static str {
        match self {
            IndexMethod::Btree => "btree",
            IndexMethod::Hash => "hash",
            IndexMethod::Gin => "gin",
            IndexMethod::Gist => "gist",
            IndexMethod::Brin => "brin",
            IndexMethod::Spgist => "spgist",
        }
    }

    /// The method spelled `s`.
    pub fn parse(s: &str) -> Option<IndexMethod> {
        IndexMethod::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// A named CHECK constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The constraint name.
    pub name: String,
    /// The SQL expression every row must satisfy.
    pub expr: String,
    /// `validated = false`: PostgreSQL's `NOT VALID`: new rows are checked, the rows already
    /// there are not.
    pub not_valid: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::load_str;

    fn index(name: &str, columns: &[&str], unique: bool, predicate: Option<&str>) -> Index {
        Index {
            name: name.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            unique,
            predicate: predicate.map(str::to_string),
            ..Index::default()
        }
    }

    #[test]
    fn a_key_is_unique_over_every_row() {
        assert!(index("a", &["x"], true, None).is_key());
        assert!(index("a", &["x"], true, Some("true")).is_key());
        assert!(index("a", &["x"], true, Some(" TRUE ")).is_key());
        assert!(!index("a", &["x"], true, Some("x IS NOT NULL")).is_key());
        assert!(!index("a", &["x"], false, None).is_key());
        assert_eq!(
            index("a", &["x"], false, Some("true")).partial_predicate(),
            None
        );
        assert_eq!(
            index("a", &["x"], false, Some("x > 0")).partial_predicate(),
            Some("x > 0")
        );
    }

    #[test]
    fn keys_are_the_primary_key_then_unique_indexes() {
        let mut t = Table::new("t");
        t.primary_key = Some(PrimaryKey {
            name: "t_pkey".into(),
            columns: vec!["a".into(), "b".into()],
        });
        t.indexes = vec![
            index("t_c_idx", &["c"], false, None),
            index("t_d_key", &["d"], true, Some("d > 0")),
            index("t_e_key", &["e"], true, Some("true")),
            index("t_f_g_key", &["f", "g"], true, None),
        ];
        let keys: Vec<&[String]> = t.keys().collect();
        assert_eq!(keys, [&["a", "b"][..], &["e"], &["f", "g"]]);
        // In any order, but exactly the key's columns.
        assert!(t.has_key(&["b", "a"]));
        assert!(t.has_key(&["e"]));
        assert!(t.has_key(&["g", "f"]));
        assert!(!t.has_key(&["a"]));
        assert!(!t.has_key(&["a", "a"]));
        assert!(!t.has_key(&["c"]));
        assert!(!t.has_key(&["d"]));
        assert!(t.is_primary_key(&["b", "a"]));
        assert!(!t.is_primary_key(&["e"]));
    }

    #[test]
    fn without_acknowledgements_keeps_the_declarations() {
        let declared = r#"
[enums.mood]
values = ["happy"]
[tables.pets]
model = "Pet"
columns = { id = { type = "bigint", primary_key = true }, name = "text" }
"#;
        let acknowledging = r#"
drop_tables = ["cats"]
drop_enums = ["kind"]
[enums.mood]
values = ["happy"]
drop_values = ["sad"]
[tables.pets]
model = "Pet"
renamed_from = "animals"
drop_columns = ["age"]
[tables.pets.columns]
id = { type = "bigint", primary_key = true, type_changed_from = "integer" }
name = { type = "text", renamed_from = "title", backfill = "''" }
"#;
        let plain = load_str("a.toml", declared).unwrap_or_else(|e| panic!("{e}"));
        let acked = load_str("b.toml", acknowledging).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(acked, plain);
        assert_eq!(acked.without_acknowledgements(), plain);
    }
}
