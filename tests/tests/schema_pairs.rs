//! Random schema pairs, migrated on real databases.
//!
//! For each pair `(A, B)` of [`arb_schema_pair`] (B a random mutation of A that acknowledges
//! every change the safety check refuses), a fresh PostgreSQL database and a fresh SQLite file
//! get `diff(empty, A)`, a row in each table where one fits, and then `diff(A, B)`, applied the
//! way the runner applies migrations. Both must succeed, and every table of A that B keeps must
//! keep its row. Rows that the migration may rightly refuse are deleted first: those of tables
//! whose column types change (a value may not convert), that get a check or a foreign key (a
//! value may not pass), whose backfilled columns are in a check or foreign key, or that use an
//! enum losing labels; and the rows that reference them.
//!
//! A failure is shrunk to a small pair, which is printed as TOML with the SQL of the migration
//! and the failing statement, and written to `from.toml` and `to.toml` (the layout of a
//! regression case in `tests/cases/`).
//!
//! - `MIGRATE_PROPTEST_CASES`: pairs per database (default 64).
//! - `MIGRATE_PROPTEST_SEED`: the random seed, a number. Without it every run picks a new one,
//!   and a failure says which it was.

use std::collections::BTreeSet;
use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use migrate_core::config::Dialect;
use migrate_core::diff::{Change, diff};
use migrate_core::schema::expr::column_references;
use migrate_core::schema::print::to_toml;
use migrate_core::schema::{ColumnType, Schema, Table};
use migrate_core::sql::{Unit, ident, literal, render};
use migrate_tests::apply::{postgres as pg_apply, sqlite as sqlite_apply};
use migrate_tests::arb::arb_schema_pair;
use migrate_tests::{pg::TestDb, sqlite::TestFile};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use sqlx::Connection;

const DEFAULT_CASES: u32 = 64;

fn cases() -> u32 {
    match std::env::var("MIGRATE_PROPTEST_CASES") {
        Ok(n) => n
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("MIGRATE_PROPTEST_CASES={n} is not a number")),
        Err(_) => DEFAULT_CASES,
    }
}

fn seed() -> u64 {
    match std::env::var("MIGRATE_PROPTEST_SEED") {
        Ok(n) => n
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("MIGRATE_PROPTEST_SEED={n} is not a number")),
        Err(_) => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    }
}

fn units(dialect: Dialect, from: &Schema, to: &Schema) -> Vec<Unit> {
    render(dialect, &diff(from, to), from, to).units()
}

fn script(units: &[Unit]) -> String {
    units
        .iter()
        .map(|u| format!("{}{}", u.directives(), u.body()))
        .collect::<Vec<_>>()
        .join("\n-- next migration file\n\n")
}

/// A value of the type, as a SQL literal; integers are 1, which an identity key starts with.
fn value(dialect: Dialect, ty: &ColumnType, schema: &Schema) -> String {
    let pg = dialect == Dialect::Postgres;
    match ty {
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => "1".into(),
        ColumnType::Real | ColumnType::Double => "1.5".into(),
        ColumnType::Numeric(_) => "0".into(),
        ColumnType::Boolean => if pg { "true" } else { "1" }.into(),
        ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Char(_) => "'a'".into(),
        ColumnType::Bytea => if pg { "'\\x01'" } else { "X'01'" }.into(),
        ColumnType::Date => "'2024-01-02'".into(),
        ColumnType::Time => "'12:34:56'".into(),
        ColumnType::Timestamp => "'2024-01-02 03:04:05'".into(),
        ColumnType::Timestamptz => "'2024-01-02 03:04:05+00'".into(),
        ColumnType::Interval => "'1 day'".into(),
        ColumnType::Uuid => "'5e2b6c3a-8f40-4d7e-9a51-0c6f1b2d3e4f'".into(),
        ColumnType::Json | ColumnType::Jsonb => "'{\"a\": 1}'".into(),
        ColumnType::Inet => "'10.0.0.1'".into(),
        ColumnType::Enum(e) => schema
            .enum_type(e)
            .map_or_else(|| "NULL".into(), |e| literal(&e.values[0])),
        ColumnType::Array(_) => if pg { "'{}'" } else { "'[]'" }.into(),
        ColumnType::Precise(base, _) => value(dialect, base, schema),
        // Not generated.
        ColumnType::Other(_) => "NULL".into(),
    }
}

/// Tables in the order `diff(empty, schema)` creates them.
fn creation_order(schema: &Schema) -> Vec<&Table> {
    diff(&Schema::default(), schema)
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateTable(t) => schema.table(&t.name),
            _ => None,
        })
        .collect()
}

/// Ways to insert a row in `t`, to try in turn: nullable columns NULL (so the migration meets
/// NULLs), then every column but nullable foreign keys with a value (for checks that want one).
fn inserts(dialect: Dialect, schema: &Schema, t: &Table) -> [String; 2] {
    let fk_columns: Vec<&String> = t.foreign_keys.iter().flat_map(|f| &f.columns).collect();
    let insert = |with_value: &dyn Fn(&migrate_core::schema::Column) -> bool| {
        let (mut cols, mut vals) = (Vec::new(), Vec::new());
        for c in t.columns.iter().filter(|c| c.identity.is_none()) {
            cols.push(ident(&c.name));
            vals.push(if with_value(c) {
                value(dialect, &c.ty, schema)
            } else {
                "NULL".to_string()
            });
        }
        if cols.is_empty() {
            format!("INSERT INTO {} DEFAULT VALUES", ident(&t.name))
        } else {
            format!(
                "INSERT INTO {} ({}) VALUES ({})",
                ident(&t.name),
                cols.join(", "),
                vals.join(", ")
            )
        }
    };
    [
        insert(&|c| !c.nullable),
        insert(&|c| !c.nullable || !fk_columns.contains(&&c.name)),
    ]
}

/// The table of `from` that `to`'s table `name` is, as the diff pairs them.
fn old_name<'a>(from: &'a Schema, to: &Schema, name: &str) -> Option<&'a str> {
    let t = to.table(name)?;
    let old = from.table(name).or_else(|| {
        t.renamed_from
            .as_deref()
            .filter(|r| to.table(r).is_none())
            .and_then(|r| from.table(r))
    })?;
    Some(&old.name)
}

/// Tables of `a` whose rows the migration to `b` may rightly refuse, and the tables whose rows
/// reference those.
fn rows_to_delete(a: &Schema, b: &Schema) -> BTreeSet<String> {
    let d = diff(a, b);
    let mut tables: BTreeSet<&str> = BTreeSet::new();
    let in_check_or_fk = |table: &str, column: &str| {
        b.table(table).is_some_and(|t| {
            t.foreign_keys
                .iter()
                .any(|f| f.columns.iter().any(|c| c == column))
                || t.checks
                    .iter()
                    .any(|ck| column_references(&ck.expr).iter().any(|(c, _)| c == column))
        })
    };
    for c in &d.changes {
        match c {
            Change::AlterColumnType { table, .. } => {
                tables.insert(table);
            }
            Change::AddCheck {
                table,
                check,
                existing_table: true,
            } if !d.changes.iter().any(
                |o| matches!(o, Change::DropCheck { table: t, check: k } if t == table && k == check),
            ) =>
            {
                tables.insert(table);
            }
            Change::AddForeignKey {
                table,
                fk,
                existing_table: true,
            } if !d.changes.iter().any(
                |o| matches!(o, Change::DropForeignKey { table: t, fk: f } if t == table && f == fk),
            ) =>
            {
                tables.insert(table);
            }
            Change::SetNotNull { table, column, .. } if in_check_or_fk(table, column) => {
                tables.insert(table);
            }
            Change::AddColumn { table, column } if in_check_or_fk(table, &column.name) => {
                tables.insert(table);
            }
            Change::RebuildEnum { from, to, columns }
                if from.values.iter().any(|v| !to.values.contains(v)) =>
            {
                tables.extend(columns.iter().map(|(t, _)| t.as_str()));
            }
            _ => {}
        }
    }
    let mut out: BTreeSet<String> = tables
        .into_iter()
        .filter_map(|t| old_name(a, b, t))
        .map(str::to_string)
        .collect();
    loop {
        let referencing: Vec<String> = a
            .tables
            .iter()
            .filter(|t| !out.contains(&t.name))
            .filter(|t| t.foreign_keys.iter().any(|f| out.contains(&f.ref_table)))
            .map(|t| t.name.clone())
            .collect();
        if referencing.is_empty() {
            return out;
        }
        out.extend(referencing);
    }
}

/// The tables of `b` that must still hold one row: they are tables of `a` that got one, and kept it.
fn rows_kept(a: &Schema, b: &Schema, with_row: &[String]) -> Vec<String> {
    let deleted = rows_to_delete(a, b);
    b.tables
        .iter()
        .filter(|t| {
            old_name(a, b, &t.name)
                .is_some_and(|o| with_row.iter().any(|w| w == o) && !deleted.contains(o))
        })
        .map(|t| t.name.clone())
        .collect()
}

fn count(table: &str) -> String {
    format!("SELECT COUNT(*) FROM {}", ident(table))
}

async fn on_postgres(a: &Schema, b: &Schema) -> Result<(), String> {
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    let result = async {
        let create = units(Dialect::Postgres, &Schema::default(), a);
        pg_apply(&mut conn, &create)
            .await
            .map_err(|e| format!("creating A: {e}"))?;
        let mut with_row = Vec::new();
        for t in creation_order(a) {
            for insert in inserts(Dialect::Postgres, a, t) {
                if sqlx::raw_sql(&insert).execute(&mut conn).await.is_ok() {
                    with_row.push(t.name.clone());
                    break;
                }
            }
        }
        let deleted = rows_to_delete(a, b);
        if !deleted.is_empty() {
            let tables: Vec<String> = deleted.iter().map(|t| ident(t)).collect();
            let truncate = format!("TRUNCATE {}", tables.join(", "));
            sqlx::raw_sql(&truncate)
                .execute(&mut conn)
                .await
                .map_err(|e| format!("{truncate}: {e}"))?;
        }
        pg_apply(&mut conn, &units(Dialect::Postgres, a, b))
            .await
            .map_err(|e| format!("migrating A to B: {e}"))?;
        for t in rows_kept(a, b, &with_row) {
            let n: i64 = sqlx::query_scalar(&count(&t))
                .fetch_one(&mut conn)
                .await
                .map_err(|e| format!("{}: {e}", count(&t)))?;
            if n != 1 {
                return Err(format!(
                    "table {t} holds {n} rows after the migration, not 1"
                ));
            }
        }
        Ok(())
    }
    .await;
    let _ = conn.close().await;
    db.close().await.map_err(|e| e.to_string())?;
    result
}

async fn on_sqlite(a: &Schema, b: &Schema) -> Result<(), String> {
    let file = TestFile::new();
    let mut conn = file.connect().await;
    let result = async {
        let create = units(Dialect::Sqlite, &Schema::default(), a);
        sqlite_apply(&mut conn, &create)
            .await
            .map_err(|e| format!("creating A: {e}"))?;
        let mut with_row = Vec::new();
        for t in creation_order(a) {
            for insert in inserts(Dialect::Sqlite, a, t) {
                if sqlx::raw_sql(&insert).execute(&mut conn).await.is_ok() {
                    with_row.push(t.name.clone());
                    break;
                }
            }
        }
        let mut delete = vec!["PRAGMA foreign_keys = OFF".to_string()];
        delete.extend(
            rows_to_delete(a, b)
                .iter()
                .map(|t| format!("DELETE FROM {}", ident(t))),
        );
        for s in &delete {
            sqlx::raw_sql(s)
                .execute(&mut conn)
                .await
                .map_err(|e| format!("{s}: {e}"))?;
        }
        sqlite_apply(&mut conn, &units(Dialect::Sqlite, a, b))
            .await
            .map_err(|e| format!("migrating A to B: {e}"))?;
        for t in rows_kept(a, b, &with_row) {
            let n: i64 = sqlx::query_scalar(&count(&t))
                .fetch_one(&mut conn)
                .await
                .map_err(|e| format!("{}: {e}", count(&t)))?;
            if n != 1 {
                return Err(format!(
                    "table {t} holds {n} rows after the migration, not 1"
                ));
            }
        }
        Ok(())
    }
    .await;
    let _ = conn.close().await;
    result
}

/// Everything needed to see and reproduce a failing pair.
fn report(dialect: Dialect, a: &Schema, b: &Schema, error: &str) -> String {
    format!(
        "{error}\n\n--- A (from.toml) ---\n{}\n--- B (to.toml) ---\n{}\n--- {dialect:?}: A to B ---\n{}",
        to_toml(a),
        to_toml(b),
        script(&units(dialect, a, b)),
    )
}

/// Runs `check` on the pairs, shrinks a failure and panics with it.
fn run(dialect: Dialect, check: impl Fn(&Schema, &Schema) -> Result<(), String>) {
    let (cases, seed) = (cases(), seed());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_time: 300_000,
        ..Config::default()
    };
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&seed.to_le_bytes());
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&arb_schema_pair(), |(a, b)| {
        check(&a, &b).map_err(|e| TestCaseError::fail(report(dialect, &a, &b, &e)))
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, (a, b))) => {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("schema_pairs_{dialect:?}").to_lowercase());
            let written = std::fs::create_dir_all(&dir)
                .and_then(|()| std::fs::write(dir.join("from.toml"), to_toml(&a)))
                .and_then(|()| std::fs::write(dir.join("to.toml"), to_toml(&b)));
            let saved = match written {
                Ok(()) => format!("the pair is in {}", dir.display()),
                Err(e) => format!("could not save the pair in {}: {e}", dir.display()),
            };
            panic!(
                "{reason}\n\n{saved}\nrun these cases again with MIGRATE_PROPTEST_SEED={seed} \
                 MIGRATE_PROPTEST_CASES={cases}"
            );
        }
        Err(e) => panic!("{e} (MIGRATE_PROPTEST_SEED={seed})"),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Longest a pair may take (usually well under a second, but a loaded machine is slow): a
/// migration that waits on a lock fails instead of hanging.
const CASE_TIMEOUT: Duration = Duration::from_secs(300);

async fn timed(f: impl Future<Output = Result<(), String>>) -> Result<(), String> {
    tokio::time::timeout(CASE_TIMEOUT, f)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", CASE_TIMEOUT.as_secs())))
}

#[test]
fn random_pairs_migrate_on_postgres() {
    let rt = runtime();
    run(Dialect::Postgres, |a, b| {
        rt.block_on(timed(on_postgres(a, b)))
    });
}

#[test]
fn random_pairs_migrate_on_sqlite() {
    let rt = runtime();
    run(Dialect::Sqlite, |a, b| rt.block_on(timed(on_sqlite(a, b))));
}
