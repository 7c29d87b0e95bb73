//! Every change kind, on real databases.
//!
//! Each folder in `tests/cases/` holds `from.toml` and `to.toml`. For each case and dialect:
//! 1. the SQL of `from → to` must equal the reviewed snapshot beside it (`postgres.sql`,
//!    `sqlite.sql`; `MIGRATE_BLESS=1` rewrites them, then review the diff);
//! 2. `from` is created in a fresh database (PostgreSQL, and a SQLite file), a row is inserted in
//!    every table, the `from → to` migration is applied, and every value in a column that the
//!    change did not touch must read back unchanged.

use std::path::{Path, PathBuf};

use migrate_core::config::Dialect;
use migrate_core::diff::{Change, diff};
use migrate_core::safety::refusals;
use migrate_core::schema::{ColumnType, Schema, Table, load};
use migrate_core::sql::{Unit, ident, literal, render};
use migrate_tests::apply::{postgres as pg_apply, sqlite as sqlite_apply};
use migrate_tests::{pg::TestDb, sqlite::TestFile};
use sqlx::Row;

struct Case {
    name: String,
    dir: PathBuf,
    from: Schema,
    to: Schema,
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/cases exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 30,
        "expected the change-kind cases in {}",
        root.display()
    );
    dirs.into_iter()
        .map(|dir| {
            let read = |f: &str| {
                let path = dir.join(f);
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if text.trim().is_empty() {
                    Schema::default()
                } else {
                    load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                }
            };
            Case {
                name: dir
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                from: read("from.toml"),
                to: read("to.toml"),
                dir,
            }
        })
        .collect()
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

#[test]
fn sql_matches_reviewed_snapshots() {
    let bless = std::env::var_os("MIGRATE_BLESS").is_some();
    let mut failures = Vec::new();
    for case in cases() {
        let refused = refusals(&diff(&case.from, &case.to), &case.from, &case.to);
        assert!(
            refused.is_empty(),
            "case {} must be acknowledged: {}",
            case.name,
            refused
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert!(
            !diff(&case.from, &case.to).is_empty(),
            "case {} changes nothing",
            case.name
        );
        for (dialect, file) in [
            (Dialect::Postgres, "postgres.sql"),
            (Dialect::Sqlite, "sqlite.sql"),
        ] {
            let got = script(&units(dialect, &case.from, &case.to));
            let path = case.dir.join(file);
            if bless {
                std::fs::write(&path, &got).expect("write snapshot");
                continue;
            }
            let want = std::fs::read_to_string(&path).unwrap_or_default();
            if want != got {
                failures.push(format!(
                    "{}: SQL differs from the snapshot (MIGRATE_BLESS=1 rewrites it)\n--- want\n{want}\n--- got\n{got}",
                    path.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A value of each type that every case's checks accept, as a SQL literal.
fn value(dialect: Dialect, ty: &ColumnType, schema: &Schema) -> String {
    let pg = dialect == Dialect::Postgres;
    match ty {
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => "1".into(),
        ColumnType::Real | ColumnType::Double => "1.5".into(),
        ColumnType::Numeric(_) => "1".into(),
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
        ColumnType::Enum(e) => literal(&schema.enum_type(e).expect("declared enum").values[0]),
        ColumnType::Array(inner) => match (pg, inner.as_ref()) {
            (true, ColumnType::Enum(_)) | (true, _) => {
                let v = value(dialect, inner, schema);
                format!(
                    "ARRAY[{v}]::{}",
                    migrate_core::dialect::postgres::type_sql(ty)
                )
            }
            (false, _) => "'[]'".into(),
        },
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

fn inserts(dialect: Dialect, schema: &Schema) -> Vec<String> {
    creation_order(schema)
        .into_iter()
        .map(|t| {
            let fk_cols: Vec<&str> = t
                .foreign_keys
                .iter()
                .flat_map(|f| f.columns.iter().map(String::as_str))
                .collect();
            let mut cols = Vec::new();
            let mut vals = Vec::new();
            for c in &t.columns {
                if c.identity.is_some() {
                    continue;
                }
                if c.nullable && fk_cols.contains(&c.name.as_str()) {
                    continue;
                }
                cols.push(ident(&c.name));
                vals.push(value(dialect, &c.ty, schema));
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
        })
        .collect()
}

/// `(table, column)` in `to` naming a column of `from` that the change leaves alone, with its
/// name in `from`.
fn untouched(from: &Schema, to: &Schema) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for t in &to.tables {
        let Some(old) = from
            .table(&t.name)
            .or_else(|| t.renamed_from.as_deref().and_then(|r| from.table(r)))
        else {
            continue;
        };
        for c in &t.columns {
            let prev = old
                .column(&c.name)
                .or_else(|| c.renamed_from.as_deref().and_then(|r| old.column(r)));
            if let Some(p) = prev
                && p.ty == c.ty
                && p.nullable == c.nullable
                && !matches!(c.ty, ColumnType::Enum(_) | ColumnType::Array(_))
            {
                out.push((
                    old.name.clone(),
                    p.name.clone(),
                    t.name.clone(),
                    c.name.clone(),
                ));
            }
        }
    }
    out
}

fn select_text(table: &str, column: &str) -> String {
    format!(
        "SELECT CAST({} AS TEXT) FROM {}",
        ident(column),
        ident(table)
    )
}

macro_rules! run_case {
    ($conn:expr, $dialect:expr, $apply:ident, $case:expr) => {{
        let case = $case;
        let conn = $conn;
        let dialect = $dialect;
        async {
            $apply(&mut *conn, &units(dialect, &Schema::default(), &case.from))
                .await
                .map_err(|e| format!("creating `from`: {e}"))?;
            for s in inserts(dialect, &case.from) {
                sqlx::raw_sql(&s)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| format!("{s}: {e}"))?;
            }
            let cols = untouched(&case.from, &case.to);
            let mut before = Vec::new();
            for (t, c, _, _) in &cols {
                let rows = sqlx::query(&select_text(t, c))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(|e| format!("{t}.{c}: {e}"))?;
                before.push(
                    rows.iter()
                        .map(|r| r.get::<Option<String>, _>(0))
                        .collect::<Vec<_>>(),
                );
            }
            $apply(&mut *conn, &units(dialect, &case.from, &case.to))
                .await
                .map_err(|e| format!("applying from → to: {e}"))?;
            for ((t, c, nt, nc), want) in cols.iter().zip(before) {
                let rows = sqlx::query(&select_text(nt, nc))
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(|e| format!("{nt}.{nc}: {e}"))?;
                let got: Vec<Option<String>> =
                    rows.iter().map(|r| r.get::<Option<String>, _>(0)).collect();
                if got != want {
                    return Err(format!(
                        "{t}.{c} → {nt}.{nc}: values before {want:?}, after {got:?}"
                    ));
                }
            }
            // Every declared table exists and holds its row (or none, for new tables).
            for t in &case.to.tables {
                sqlx::query(&format!("SELECT COUNT(*) FROM {}", ident(&t.name)))
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(|e| format!("{}: {e}", t.name))?;
            }
            Ok::<(), String>(())
        }
        .await
    }};
}

#[tokio::test(flavor = "current_thread")]
async fn every_change_applies_on_postgres_and_keeps_rows() {
    let mut failures = Vec::new();
    for case in cases() {
        let db = TestDb::new().await;
        let mut conn = db.connect().await;
        if let Err(e) = run_case!(&mut conn, Dialect::Postgres, pg_apply, &case) {
            failures.push(format!("{}: {e}", case.name));
        }
        drop(conn);
        db.close().await.expect("drop test database");
    }
    assert!(
        failures.is_empty(),
        "{} of the cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "current_thread")]
async fn every_change_applies_on_sqlite_and_keeps_rows() {
    let mut failures = Vec::new();
    for case in cases() {
        let file = TestFile::new();
        let mut conn = file.connect().await;
        if let Err(e) = run_case!(&mut conn, Dialect::Sqlite, sqlite_apply, &case) {
            failures.push(format!("{}: {e}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
