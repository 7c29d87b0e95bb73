//! Declarative partitioning (PostgreSQL): a table's partition key, its partitions and their
//! bounds, and the rule that declares partitions ahead of time (`partition_ahead`).
//!
//! ```toml
//! [tables.events]
//! model = "Event"
//! partition_by = { kind = "range", columns = ["created_on"] }
//! partition_ahead = { every = "month", ahead = 3, start = "2026-01-01" }
//!
//! [tables.events.partitions.events_old]
//! from = "2020-01-01"
//! to = "2026-01-01"
//! ```

use std::fmt;

/// `partition_by = { kind, columns | expressions }` and the table's partitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partitioning {
    /// `kind = "range" | "list" | "hash"`.
    pub kind: PartitionKind,
    /// The partition key, in key order: `columns = [...]` or `expressions = [...]`.
    pub keys: Vec<PartitionKey>,
    /// The partitions: those declared under `[tables.NAME.partitions.*]`, then those the rule
    /// of [`Partitioning::ahead`] gives as of the day the schema is read, sorted by name.
    pub partitions: Vec<Partition>,
    /// `partition_ahead = {...}`, as declared (its partitions are in
    /// [`Partitioning::partitions`] already). Never read back from a database.
    pub ahead: Option<PartitionAhead>,
}

impl Partitioning {
    /// The partition named `name`.
    pub fn partition(&self, name: &str) -> Option<&Partition> {
        self.partitions.iter().find(|p| p.name == name)
    }

    /// The columns of the key (its expressions aside).
    pub fn key_columns(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().filter_map(|k| match k {
            PartitionKey::Column(c) => Some(c.as_str()),
            PartitionKey::Expression(_) => None,
        })
    }

    /// Whether the key has an expression (a primary key or unique index is then impossible).
    pub fn has_expression(&self) -> bool {
        self.keys
            .iter()
            .any(|k| matches!(k, PartitionKey::Expression(_)))
    }

    /// Whether the declared shapes are the same: kind, key and partitions (the rule aside,
    /// whose partitions are listed).
    pub fn same_shape(&self, other: &Partitioning) -> bool {
        self.kind == other.kind && self.keys == other.keys && self.partitions == other.partitions
    }
}

/// How rows are sent to partitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartitionKind {
    /// `PARTITION BY RANGE`: each partition holds a range `[from, to)`.
    Range,
    /// `PARTITION BY LIST`: each partition holds listed values.
    List,
    /// `PARTITION BY HASH`: each partition holds the rows whose key hashes to its remainder.
    Hash,
}

impl PartitionKind {
    /// Every kind.
    pub const ALL: [PartitionKind; 3] = [
        PartitionKind::Range,
        PartitionKind::List,
        PartitionKind::Hash,
    ];

    /// The spelling in a schema file (`kind = "range"`).
    pub fn as_str(self) -> &'static str {
        match self {
            PartitionKind::Range => "range",
            PartitionKind::List => "list",
            PartitionKind::Hash => "hash",
        }
    }

    /// The SQL keyword (`RANGE`).
    pub fn sql(self) -> &'static str {
        match self {
            PartitionKind::Range => "RANGE",
            PartitionKind::List => "LIST",
            PartitionKind::Hash => "HASH",
        }
    }

    /// The kind spelled `s` (any case).
    pub fn parse(s: &str) -> Option<PartitionKind> {
        let s = s.trim().to_ascii_lowercase();
        PartitionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One element of a partition key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PartitionKey {
    /// A column, by name.
    Column(String),
    /// A SQL expression over the row's columns, as written.
    Expression(String),
}

impl fmt::Display for PartitionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartitionKey::Column(c) | PartitionKey::Expression(c) => f.write_str(c),
        }
    }
}

/// `[tables.NAME.partitions.PART]`: one partition, a table of its own in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// The partition's table name (the key under `partitions`).
    pub name: String,
    /// The rows it holds.
    pub bound: PartitionBound,
}

/// Which rows a partition holds. Bound values are kept as text, without quotes: each is written
/// as a SQL string literal, which PostgreSQL reads as the key column's type; `minvalue` and
/// `maxvalue` (lowercase) are the unbounded ends of a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionBound {
    /// `from = ..., to = ...`: `FOR VALUES FROM (...) TO (...)`, one value per key element.
    Range {
        /// The lowest key held.
        from: Vec<String>,
        /// The first key no longer held.
        to: Vec<String>,
    },
    /// `values = [...]`: `FOR VALUES IN (...)`.
    List(Vec<String>),
    /// `modulus = M, remainder = R`: `FOR VALUES WITH (MODULUS M, REMAINDER R)`.
    Hash {
        /// The number of hash buckets this partition's share is counted in.
        modulus: u32,
        /// This partition's bucket.
        remainder: u32,
    },
    /// `default = true`: every row no other partition holds.
    Default,
}

impl PartitionBound {
    /// Whether `value` is an unbounded end of a range (`minvalue`, `maxvalue`).
    pub fn is_unbounded(value: &str) -> bool {
        value == "minvalue" || value == "maxvalue"
    }
}

/// The step of `partition_ahead`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartitionEvery {
    /// One partition a day: `<table>_pYYYY_MM_DD`.
    Day,
    /// One partition a week, from `start`'s weekday: `<table>_pYYYY_MM_DD`.
    Week,
    /// One partition a month: `<table>_pYYYY_MM`.
    Month,
    /// One partition a year: `<table>_pYYYY`.
    Year,
}

impl PartitionEvery {
    /// Every step.
    pub const ALL: [PartitionEvery; 4] = [
        PartitionEvery::Day,
        PartitionEvery::Week,
        PartitionEvery::Month,
        PartitionEvery::Year,
    ];

    /// The spelling in a schema file (`every = "month"`).
    pub fn as_str(self) -> &'static str {
        match self {
            PartitionEvery::Day => "day",
            PartitionEvery::Week => "week",
            PartitionEvery::Month => "month",
            PartitionEvery::Year => "year",
        }
    }

    /// The step spelled `s`.
    pub fn parse(s: &str) -> Option<PartitionEvery> {
        let s = s.trim().to_ascii_lowercase();
        PartitionEvery::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// `partition_ahead = { every, ahead, start }`: range partitions of one date key, one per step
/// from `start` until `ahead` steps past the one holding the day the schema is read.
///
/// A declarative tool can only declare what exists: the partitions are those due *as of the day
/// the schema is read*, so `migrate generate` run in a later month writes a migration with the
/// partitions that came due since (see `schema/README.md`, "Partitions ahead of time").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionAhead {
    /// `every = "day" | "week" | "month" | "year"`.
    pub every: PartitionEvery,
    /// `ahead = N`: partitions past the current one.
    pub ahead: u32,
    /// `start = "YYYY-MM-DD"`: the lower bound of the first partition.
    pub start: Date,
}

impl PartitionAhead {
    /// The partitions the rule declares as of `today` for the table `table`: from `start` up to
    /// `ahead` steps past the partition holding `today` (none before `start`'s).
    pub fn partitions(&self, table: &str, today: Date) -> Vec<Partition> {
        let mut out = Vec::new();
        let mut lower = self.start;
        let mut after_today = 0u32;
        // Bounded: at most 100,000 partitions, whatever the dates.
        while out.len() < 100_000 {
            let upper = self.step(lower);
            if upper <= today {
                // Before the current partition.
            } else if lower > today {
                after_today += 1;
                if after_today > self.ahead {
                    break;
                }
            }
            out.push(Partition {
                name: self.name(table, lower),
                bound: PartitionBound::Range {
                    from: vec![lower.to_string()],
                    to: vec![upper.to_string()],
                },
            });
            lower = upper;
        }
        out
    }

    fn step(&self, d: Date) -> Date {
        match self.every {
            PartitionEvery::Day => d.add_days(1),
            PartitionEvery::Week => d.add_days(7),
            PartitionEvery::Month => d.add_months(1),
            PartitionEvery::Year => d.add_months(12),
        }
    }

    /// The name of the partition starting on `lower`.
    pub fn name(&self, table: &str, lower: Date) -> String {
        match self.every {
            PartitionEvery::Day | PartitionEvery::Week => format!(
                "{table}_p{:04}_{:02}_{:02}",
                lower.year, lower.month, lower.day
            ),
            PartitionEvery::Month => format!("{table}_p{:04}_{:02}", lower.year, lower.month),
            PartitionEvery::Year => format!("{table}_p{:04}", lower.year),
        }
    }
}

/// A calendar date (proleptic Gregorian), enough for partition bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
}

impl Date {
    /// The date written `YYYY-MM-DD`, when it is one.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let valid = (1..=12).contains(&date.month)
            && date.day >= 1
            && date.day <= days_in_month(date.year, date.month);
        valid.then_some(date)
    }

    /// Today in UTC, from the system clock; `MIGRATE_TODAY=YYYY-MM-DD` sets it instead (for
    /// reproducible generation and tests).
    pub fn today() -> Date {
        if let Some(d) = std::env::var("MIGRATE_TODAY")
            .ok()
            .and_then(|s| Date::parse(&s))
        {
            return d;
        }
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (`days_from_civil`).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn add_days(self, n: i64) -> Date {
        Date::from_days(self.to_days() + n)
    }

    /// `months` later, the day kept (clamped to the month's last).
    fn add_months(self, months: u32) -> Date {
        let total = self.year * 12 + self.month as i32 - 1 + months as i32;
        let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("a date")
    }

    #[test]
    fn dates_convert_both_ways() {
        for s in ["1970-01-01", "2000-02-29", "2026-12-31", "2024-03-01"] {
            assert_eq!(Date::from_days(d(s).to_days()), d(s));
        }
        assert_eq!(d("1970-01-02").to_days(), 1);
        assert!(Date::parse("2026-02-30").is_none());
        assert!(Date::parse("2026-1-01").is_none());
        assert_eq!(d("2026-01-31").add_months(1), d("2026-02-28"));
    }

    #[test]
    fn monthly_partitions_run_ahead_of_today() {
        let rule = PartitionAhead {
            every: PartitionEvery::Month,
            ahead: 3,
            start: d("2026-01-01"),
        };
        let parts = rule.partitions("events", d("2026-02-15"));
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        // January (past), February (current), then three ahead.
        assert_eq!(
            names,
            [
                "events_p2026_01",
                "events_p2026_02",
                "events_p2026_03",
                "events_p2026_04",
                "events_p2026_05"
            ]
        );
        assert_eq!(
            parts[4].bound,
            PartitionBound::Range {
                from: vec!["2026-05-01".into()],
                to: vec!["2026-06-01".into()]
            }
        );
        // Before the start, the first partitions are those ahead of it.
        assert_eq!(rule.partitions("events", d("2025-06-01")).len(), 3);
    }

    #[test]
    fn daily_and_yearly_names() {
        let day = PartitionAhead {
            every: PartitionEvery::Day,
            ahead: 1,
            start: d("2026-12-31"),
        };
        let names: Vec<String> = day
            .partitions("t", d("2026-12-31"))
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["t_p2026_12_31", "t_p2027_01_01"]);
        let year = PartitionAhead {
            every: PartitionEvery::Year,
            ahead: 0,
            start: d("2025-01-01"),
        };
        assert_eq!(year.partitions("t", d("2026-06-01")).len(), 2);
    }
}
