//! The progress table (`migrate_backfills`): one row per batch file that started, the key of the
//! last batch that committed, counts, state and times. Written in the transaction of each batch,
//! so it never says more or less than what committed.

use crate::dialect::runtime::{Driver, Runtime};
use crate::runner::Source;
use crate::runner::history::table_ident;

/// The progress table of a history table, created beside it (in its schema):
/// `migrate_history` → `migrate_backfills`, `ops.migrate_history` → `ops.migrate_backfills`; a
/// name that does not end in `history` gets `_backfills` appended (`schema_migrations` →
/// `schema_migrations_backfills`).
pub fn progress_table(history_table: &str) -> String {
    let (schema, name) = match history_table.split_once('.') {
        Some((s, n)) => (Some(s), n),
        None => (None, history_table),
    };
    let base = match name.strip_suffix("history") {
        Some(stem) => format!("{stem}backfills"),
        None => format!("{name}_backfills"),
    };
    match schema {
        Some(s) => format!("{s}.{base}"),
        None => base,
    }
}

/// Where a backfill stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackfillState {
    /// A batch file not started yet (no progress row).
    Pending,
    /// Started, not finished: a runner works on it, or one stopped and the next resumes it.
    Running,
    /// Paused with `migrate backfill pause`: runners stop after their current batch.
    Paused,
    /// Walked the whole table; the migration is recorded in the history.
    Finished,
}

impl BackfillState {
    /// As stored and shown: `pending`, `running`, `paused`, `finished`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackfillState::Pending => "pending",
            BackfillState::Running => "running",
            BackfillState::Paused => "paused",
            BackfillState::Finished => "finished",
        }
    }

    fn parse(s: &str) -> Option<BackfillState> {
        [
            BackfillState::Running,
            BackfillState::Paused,
            BackfillState::Finished,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// One backfill's progress, as the progress table records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The batch file's version.
    pub version: u64,
    /// The batch file's name.
    pub name: String,
    /// The table it walks (`schema.table` when qualified).
    pub table: String,
    /// The key columns it walks by.
    pub key: Vec<String>,
    /// The key of the last batch that committed, as SQL literals; `None` before the first.
    pub last_key: Option<Vec<String>>,
    /// Rows walked (the keys the committed batches covered).
    pub rows_done: u64,
    /// Rows the statement changed, as the database counts them.
    pub rows_changed: u64,
    /// The table's rows when it started (counted, or the catalog's estimate for a large table).
    pub rows_estimated: Option<u64>,
    /// The size of the last batch.
    pub batch_size: u64,
    /// Batches committed.
    pub batches: u64,
    /// Where it stands.
    pub state: BackfillState,
    /// When it started (ISO 8601, UTC); empty for a pending one.
    pub started_at: String,
    /// When its last batch committed, or its state changed.
    pub updated_at: String,
    /// When it finished.
    pub finished_at: Option<String>,
    /// Who ran its last batch (`user@host pid N`).
    pub runner: Option<String>,
    /// The checksum of the file its batches ran.
    pub checksum: Option<String>,
}

impl Progress {
    /// The percentage of the table walked, when the size is known (at most 100).
    pub fn percent(&self) -> Option<f64> {
        match (self.state, self.rows_estimated) {
            (BackfillState::Finished, _) => Some(100.0),
            (_, Some(total)) if total > 0 => {
                Some((self.rows_done as f64 * 100.0 / total as f64).min(100.0))
            }
            _ => None,
        }
    }

    /// Rows walked per second between its start and its last update.
    pub fn rate(&self) -> Option<f64> {
        let ms = unix_ms(&self.updated_at)? - unix_ms(&self.started_at)?;
        (ms > 0 && self.rows_done > 0).then(|| self.rows_done as f64 * 1000.0 / ms as f64)
    }

    /// A batch file that has not started.
    pub(crate) fn pending(s: &Source) -> Progress {
        let spec = s.batch.as_ref();
        Progress {
            version: s.version,
            name: s.name.clone(),
            table: spec.map(shown_table).unwrap_or_default(),
            key: spec.map(|b| b.key.clone()).unwrap_or_default(),
            last_key: None,
            rows_done: 0,
            rows_changed: 0,
            rows_estimated: None,
            batch_size: 0,
            batches: 0,
            state: BackfillState::Pending,
            started_at: String::new(),
            updated_at: String::new(),
            finished_at: None,
            runner: None,
            checksum: None,
        }
    }
}

/// `schema.table` or `table`, as the progress table records it.
pub(crate) fn shown_table(spec: &crate::migration::directive::BatchSpec) -> String {
    match &spec.schema {
        Some(s) => format!("{s}.{}", spec.table),
        None => spec.table.clone(),
    }
}

/// Reads a row of [`Runtime::select_backfills_sql`].
pub(crate) fn parse_row(row: &[Option<String>]) -> Option<Progress> {
    let text = |i: usize| row.get(i).cloned().flatten();
    let num = |i: usize| text(i).and_then(|t| t.parse::<u64>().ok());
    let list = |i: usize| -> Option<Vec<String>> { serde_json::from_str(&text(i)?).ok() };
    Some(Progress {
        version: num(0)?,
        name: text(1)?,
        table: text(2)?,
        key: list(3)?,
        last_key: list(4),
        rows_done: num(5).unwrap_or(0),
        rows_changed: num(6).unwrap_or(0),
        rows_estimated: num(7),
        batch_size: num(8).unwrap_or(0),
        batches: num(9).unwrap_or(0),
        state: BackfillState::parse(&text(10)?)?,
        started_at: text(11).unwrap_or_default(),
        updated_at: text(12).unwrap_or_default(),
        finished_at: text(13),
        runner: text(14),
        checksum: text(15),
    })
}

/// Every progress row matching `filter`; none when the table does not exist.
pub(crate) async fn read(
    db: &mut dyn Driver,
    table: &str,
    filter: &str,
) -> Result<Vec<Progress>, sqlx::Error> {
    let rt = db.runtime();
    let (schema, name) = split_name(table);
    if db
        .fetch_texts(&rt.table_columns_sql(schema, name))
        .await?
        .is_empty()
    {
        return Ok(Vec::new());
    }
    let rows = db
        .fetch_texts(&rt.select_backfills_sql(table, filter, false))
        .await?;
    Ok(rows.iter().filter_map(|r| parse_row(r)).collect())
}

/// `(schema, name)` of a configured table name.
pub(crate) fn split_name(table: &str) -> (Option<&str>, &str) {
    match table.split_once('.') {
        Some((s, n)) => (Some(s), n),
        None => (None, table),
    }
}

/// The row a backfill starts with (nothing happens when a runner started it already).
pub(crate) fn start_sql(
    rt: &dyn Runtime,
    table: &str,
    s: &Source,
    key: &[String],
    estimated: Option<u64>,
    batch_size: u64,
    runner: &str,
) -> String {
    let shown = s.batch.as_ref().map(shown_table).unwrap_or_default();
    start_sql_for(rt, table, s, &shown, key, estimated, batch_size, runner)
}

/// [`start_sql`] for a walk over `walked` (a table, or a family's members).
#[allow(clippy::too_many_arguments)] // the columns of one row
pub(crate) fn start_sql_for(
    rt: &dyn Runtime,
    table: &str,
    s: &Source,
    walked: &str,
    key: &[String],
    estimated: Option<u64>,
    batch_size: u64,
    runner: &str,
) -> String {
    let lit = |t: &str| rt.dialect().ops().literal(t);
    let values = format!(
        "{}, {}, {}, {}, {}, {batch_size}, 'running', {now}, {now}, {}, {}",
        s.version,
        lit(&s.name),
        lit(walked),
        lit(&serde_json::to_string(key).unwrap_or_default()),
        estimated.map_or_else(|| "NULL".to_string(), |n| n.to_string()),
        lit(runner),
        lit(&s.checksum),
        now = rt.now_sql(),
    );
    rt.insert_if_absent_sql(
        &table_ident(table),
        "version, name, table_name, key_columns, rows_estimated, batch_size, state, started_at, \
         updated_at, runner, checksum",
        &values,
        "version",
    )
}

/// Records the checksum of the file a backfill that has not walked any row yet now runs.
pub(crate) fn checksum_sql(rt: &dyn Runtime, table: &str, s: &Source) -> String {
    format!(
        "UPDATE {} SET checksum = {} WHERE version = {} AND batches = 0",
        table_ident(table),
        rt.dialect().ops().literal(&s.checksum),
        s.version
    )
}

/// What one committed batch adds to the progress row.
pub(crate) struct Batch<'a> {
    pub(crate) last_key: Option<&'a [String]>,
    pub(crate) walked: u64,
    pub(crate) changed: u64,
    pub(crate) size: u64,
    pub(crate) finished: bool,
    pub(crate) runner: &'a str,
}

/// The progress row's update in a batch's transaction.
pub(crate) fn batch_sql(rt: &dyn Runtime, table: &str, version: u64, b: &Batch<'_>) -> String {
    let lit = |t: &str| rt.dialect().ops().literal(t);
    let now = rt.now_sql();
    let last_key = match b.last_key {
        Some(k) => format!(
            "last_key = {}, ",
            lit(&serde_json::to_string(k).unwrap_or_default())
        ),
        None => String::new(),
    };
    let finish = if b.finished {
        format!(", state = 'finished', finished_at = {now}")
    } else {
        String::new()
    };
    format!(
        "UPDATE {} SET {last_key}rows_done = rows_done + {}, rows_changed = rows_changed + {}, batch_size = {}, \
         batches = batches + {}, updated_at = {now}, runner = {}{finish} WHERE version = {version}",
        table_ident(table),
        b.walked,
        b.changed,
        b.size,
        u64::from(b.last_key.is_some()),
        lit(b.runner),
    )
}

/// The history row of a finished walk starts when the walk started (its first batch, maybe in an
/// earlier run), not when its last batch did.
pub(crate) fn history_start_sql(table: &str, history_table: &str, version: u64) -> String {
    format!(
        "UPDATE {} SET started_at = (SELECT started_at FROM {} WHERE version = {version}) WHERE version = {version}",
        table_ident(history_table),
        table_ident(table),
    )
}

/// Flips the state of the backfills in `from` to `to` (`version`: that one only).
pub(crate) fn state_sql(
    rt: &dyn Runtime,
    table: &str,
    version: Option<u64>,
    from: BackfillState,
    to: BackfillState,
) -> String {
    let only = version.map_or_else(String::new, |v| format!(" AND version = {v}"));
    format!(
        "UPDATE {} SET state = '{}', updated_at = {} WHERE state = '{}'{only}",
        table_ident(table),
        to.as_str(),
        rt.now_sql(),
        from.as_str(),
    )
}

/// Milliseconds since 1970 of `YYYY-MM-DDTHH:MM:SS[.fff]Z`.
pub(crate) fn unix_ms(t: &str) -> Option<i64> {
    let n = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let frac = t
        .get(19..)
        .and_then(|f| f.strip_prefix('.'))
        .map(|f| f.trim_end_matches('Z'))
        .and_then(|f| format!("{f:0<3}").get(..3)?.parse::<i64>().ok())
        .unwrap_or(0);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000 + frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backfill_starts_once_in_each_dialects_words() {
        let s = Source::new(
            7,
            "fill",
            "-- migrate:batch table=pets\nUPDATE pets SET a = 1 WHERE :batch;\n",
        )
        .expect("a batch file");
        let key = ["id".to_string()];
        let pg = start_sql(
            crate::dialect::Dialect::Postgres.runtime(),
            "migrate_backfills",
            &s,
            &key,
            None,
            1000,
            "me",
        );
        assert_eq!(
            pg,
            format!(
                "INSERT INTO \"migrate_backfills\" (version, name, table_name, key_columns, \
                 rows_estimated, batch_size, state, started_at, updated_at, runner, checksum) \
                 VALUES (7, 'fill', 'pets', '[\"id\"]', NULL, 1000, 'running', clock_timestamp(), \
                 clock_timestamp(), 'me', '{}') ON CONFLICT (version) DO NOTHING",
                s.checksum
            )
        );
        for dialect in crate::dialect::Dialect::ALL {
            let rt = dialect.runtime();
            let sql = start_sql(rt, "migrate_backfills", &s, &key, Some(5), 10, "me");
            assert!(
                sql.starts_with("INSERT INTO \"migrate_backfills\" (version, "),
                "{sql}"
            );
            assert!(
                sql.contains(&format!(", 10, 'running', {}", rt.now_sql())),
                "{sql}"
            );
            // The keyset walk's bound: the row `size` on, or the first.
            let q = "SELECT a FROM t ORDER BY a";
            assert_eq!(rt.row_at_sql(q, Some(9)), format!("{q} LIMIT 1 OFFSET 9"));
            assert_eq!(rt.row_at_sql(q, None), format!("{q} LIMIT 1"));
        }
    }

    #[test]
    fn the_progress_table_sits_beside_the_history() {
        assert_eq!(progress_table("migrate_history"), "migrate_backfills");
        assert_eq!(
            progress_table("ops.migrate_history"),
            "ops.migrate_backfills"
        );
        assert_eq!(
            progress_table("schema_migrations"),
            "schema_migrations_backfills"
        );
    }

    #[test]
    fn reads_iso_times() {
        assert_eq!(unix_ms("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(unix_ms("1970-01-02T00:00:01.5Z"), Some(86_401_500));
        assert_eq!(unix_ms("2024-03-01T00:00:00Z"), Some(1_709_251_200_000));
        assert_eq!(unix_ms("soon"), None);
    }
}
