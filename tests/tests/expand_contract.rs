//! The expand/contract route on a real PostgreSQL, one change kind per test: an "old" writer
//! using the old names and a "new" writer using the new ones run concurrently (each on its own
//! connection, a bounded loop of statements) through expand → backfill → validate → contract.
//! Neither writer sees an error until the contract step; every row either wrote is there with
//! the right value in the final shape; the contract step is refused while the backfill has not
//! finished; after it only the old writer fails.

// Test helpers outside `#[test]` functions fail the test by panicking too.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use migrate_core::config::Dialect;
use migrate_core::generate::{Generated, generate_at, plan};
use migrate_core::migration::Version;
use migrate_core::runner::{self, Contracts, Event, Options, RunError, Source};
use migrate_core::schema::load_str;
use migrate_tests::pg::TestDb;
use sqlx::{Connection, PgConnection};
use tokio::sync::mpsc;

/// Statements each writer runs.
const WRITES: usize = 300;
/// Rows in the table before the change.
const SEEDED: i64 = 200;

/// One write and what it leaves: the row's id and its value, read back as text in the final
/// shape.
struct Write {
    sql: String,
    id: i64,
    value: String,
}

/// One change kind.
struct Scenario {
    /// The schema before and after.
    from: &'static str,
    to: &'static str,
    /// The table's seed rows: `id` 1..=SEEDED, value `seed-<id>`, in the old shape.
    seed: &'static str,
    /// The old code's i-th write, in the old shape.
    old: fn(usize) -> Write,
    /// The new code's i-th write, in the new shape.
    new: fn(usize) -> Write,
    /// `(id, value as text)` of every row, in the final shape.
    read: &'static str,
    /// Whether the old writer must fail after the contract step.
    old_fails_after: bool,
}

fn opts() -> Options {
    Options {
        retry_backoff: Duration::from_millis(20),
        ..Options::default()
    }
}

fn write_schema(dir: &Path, toml: &str) -> std::path::PathBuf {
    let path = dir.join("schema.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

fn sources(migrations: &Path) -> Vec<Source> {
    runner::load_dir(migrations, &[]).unwrap().1
}

async fn up(
    url: &str,
    sources: &[Source],
    o: &Options,
) -> (Result<runner::Summary, RunError>, Vec<Event>) {
    let mut c = PgConnection::connect(url).await.unwrap();
    let mut events = Vec::new();
    let r = runner::up(
        &mut runner::Connection::from(&mut c),
        sources,
        o,
        &mut |e| events.push(e),
    )
    .await;
    c.close().await.unwrap();
    (r, events)
}

/// Runs `writes` one by one on its own connection; says when `signal_after` are done; returns
/// the errors.
fn writer(
    url: String,
    writes: Vec<String>,
    signal_after: usize,
    done: mpsc::Sender<()>,
) -> tokio::task::JoinHandle<Vec<String>> {
    tokio::task::spawn_local(async move {
        let mut c = PgConnection::connect(&url).await.unwrap();
        let mut errors = Vec::new();
        for (i, sql) in writes.iter().enumerate() {
            if let Err(e) = sqlx::raw_sql(sql).execute(&mut c).await {
                errors.push(format!("{sql}: {e}"));
            }
            if i + 1 == signal_after {
                let _ = done.send(()).await;
            }
            // Let the other tasks (the runner, the other writer) take turns between statements.
            tokio::task::yield_now().await;
        }
        c.close().await.unwrap();
        errors
    })
}

/// What `migrate status` says of the pending contract step `version`.
async fn contract_help(url: &str, all: &[Source], version: u64) -> String {
    let mut c = PgConnection::connect(url).await.unwrap();
    let status = runner::status(&mut runner::Connection::from(&mut c), all, &opts())
        .await
        .unwrap();
    c.close().await.unwrap();
    let waiting = status.iter().find(|s| s.version == version).unwrap();
    assert_eq!(waiting.state, runner::State::Pending);
    waiting.help.clone().unwrap_or_default()
}

async fn exec(url: &str, sql: &str) -> Result<(), String> {
    let mut c = PgConnection::connect(url).await.unwrap();
    let r = sqlx::raw_sql(sql)
        .execute(&mut c)
        .await
        .map(drop)
        .map_err(|e| e.to_string());
    c.close().await.unwrap();
    r
}

/// The SQL of a generated file without its directives and comments (what the batch engine, the
/// runner, would run).
fn body(content: &str) -> String {
    content
        .lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn run(s: Scenario) {
    // The writers are tasks of this thread (sqlx's futures are not `Send`), interleaved with the
    // runner at every statement.
    tokio::task::LocalSet::new().run_until(run_local(s)).await;
}

async fn run_local(s: Scenario) {
    let db = TestDb::new().await;
    let tmp = tempfile::tempdir().unwrap();
    let migrations = tmp.path().join("migrations");
    let t0 = Version::parse("20260101000000").unwrap();
    let t1 = Version::parse("20260102000000").unwrap();

    // The table as the old code knows it, with rows.
    let schema = write_schema(tmp.path(), s.from);
    assert!(matches!(
        generate_at(Dialect::Postgres, &schema, &migrations, None, t0).unwrap(),
        Generated::Written(_)
    ));
    let (r, _) = up(&db.url, &sources(&migrations), &opts()).await;
    r.unwrap();
    exec(&db.url, s.seed).await.unwrap();

    // The change, generated.
    write_schema(tmp.path(), s.to);
    let Generated::Written(paths) =
        generate_at(Dialect::Postgres, &schema, &migrations, None, t1).unwrap()
    else {
        panic!("nothing generated")
    };
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let file = |phase: &str| {
        let i = names
            .iter()
            .position(|n| n.ends_with(&format!("_{phase}.sql")));
        i.map(|i| std::fs::read_to_string(&paths[i]).unwrap())
    };
    let all = sources(&migrations);
    let contract = all.iter().find(|m| m.contract).expect("a contract file");

    let mut expected: BTreeMap<i64, String> =
        (1..=SEEDED).map(|i| (i, format!("seed-{i}"))).collect();
    let old_writes: Vec<Write> = (0..WRITES).map(s.old).collect();
    let new_writes: Vec<Write> = (0..WRITES).map(s.new).collect();
    for w in old_writes.iter().chain(&new_writes) {
        expected.insert(w.id, w.value.clone());
    }

    // Before the expand step, the contract step is refused.
    let only_contract = Options {
        contracts: Contracts::Only(contract.version),
        ..opts()
    };
    let (r, _) = up(&db.url, &all, &only_contract).await;
    assert!(matches!(r, Err(RunError::ContractWaits { .. })), "{r:?}");

    // Deploy 1: the old code keeps writing while the expand step runs.
    let (tx, mut rx) = mpsc::channel(2);
    let old_sql = old_writes.iter().map(|w| w.sql.clone()).collect();
    let old = writer(db.url.clone(), old_sql, WRITES / 4, tx.clone());
    rx.recv().await.unwrap();
    // The expand step alone first (`migrate up --to`), so that the new code can start before
    // the backfill runs: the backfill then walks the table while both write.
    let expand = all
        .iter()
        .find(|m| m.name.ends_with("_expand"))
        .map(|m| m.version);
    if expand.is_some() {
        let (r, _) = up(
            &db.url,
            &all,
            &Options {
                target: expand,
                ..opts()
            },
        )
        .await;
        r.unwrap_or_else(|e| panic!("expand: {e}"));
    }

    // The new code starts, beside the old one.
    let new_sql = new_writes.iter().map(|w| w.sql.clone()).collect();
    let new = writer(db.url.clone(), new_sql, WRITES / 4, tx);
    rx.recv().await.unwrap();

    if file("backfill").is_some() {
        // The contract step is refused while the backfill has not run.
        let (r, _) = up(&db.url, &all, &only_contract).await;
        assert!(
            matches!(&r, Err(RunError::ContractWaits { unfinished, .. })
                if unfinished.iter().any(|(_, n)| n.ends_with("_backfill"))),
            "{r:?}"
        );
        // `migrate status` says so, with the backfill's progress.
        let help = contract_help(&db.url, &all, contract.version).await;
        assert!(
            help.contains("_backfill (backfill pending") && help.contains("to finish"),
            "{help}"
        );
    }
    // `migrate up` runs the backfill to its end and the validation, while both write; it stops
    // before the contract step and says what that waits for.
    let (r, events) = up(&db.url, &all, &opts()).await;
    r.unwrap_or_else(|e| panic!("up: {e}"));
    let held: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::ContractHeld { .. }))
        .collect();
    assert!(
        matches!(held.as_slice(), [Event::ContractHeld { version, waits_for, .. }]
            if *version == contract.version && waits_for.contains("migrate up --contract")),
        "{events:?}"
    );
    let help = contract_help(&db.url, &all, contract.version).await;
    assert!(
        help.starts_with("contract step: waits for the old code"),
        "{help}"
    );
    let old_errors = old.await.unwrap();
    let new_errors = new.await.unwrap();
    for (who, errors) in [("old", &old_errors), ("new", &new_errors)] {
        assert!(
            errors.is_empty(),
            "the {who} writer failed {} time(s), first: {:?}",
            errors.len(),
            &errors[..errors.len().min(3)]
        );
    }

    // Deploy 2, once the old code is gone: `migrate contract VERSION`.
    let (r, _) = up(&db.url, &all, &only_contract).await;
    assert_eq!(r.unwrap().applied.len(), 1);

    // No write is lost: every row either side wrote holds its last value, in the final shape.
    let mut c = PgConnection::connect(&db.url).await.unwrap();
    let rows: Vec<(i64, Option<String>)> = sqlx::query_as(s.read).fetch_all(&mut c).await.unwrap();
    let got: BTreeMap<i64, String> = rows
        .into_iter()
        .map(|(id, v)| (id, v.unwrap_or_default()))
        .collect();
    assert_eq!(got.len(), expected.len());
    let wrong: Vec<_> = expected
        .iter()
        .filter(|(id, v)| got.get(id) != Some(v))
        .take(5)
        .collect();
    assert!(
        wrong.is_empty(),
        "rows with the wrong value (expected): {wrong:?}"
    );

    // After the contract step the new code works and the old code fails, by design.
    let after_new = (s.new)(WRITES + 1);
    sqlx::raw_sql(&after_new.sql).execute(&mut c).await.unwrap();
    let after_old = (s.old)(WRITES + 1);
    let r = sqlx::raw_sql(&after_old.sql).execute(&mut c).await;
    assert_eq!(r.is_err(), s.old_fails_after, "{r:?}");
    c.close().await.unwrap();
}

/// Old writer: inserts ids from 10 000, updates ids 1..=100. New writer: inserts from 20 000,
/// updates ids 101..=200.
fn old_id(i: usize) -> i64 {
    if i.is_multiple_of(2) {
        10_000 + i as i64
    } else {
        (i % 100) as i64 + 1
    }
}

fn new_id(i: usize) -> i64 {
    if i.is_multiple_of(2) {
        20_000 + i as i64
    } else {
        (i % 100) as i64 + 101
    }
}

#[tokio::test(flavor = "current_thread")]
async fn rename_column() {
    run(Scenario {
        from: "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nnick = \"text\"\n[[tables.pets.indexes]]\ncolumns = [\"nick\"]\n",
        to: "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nnickname = { type = \"text\", renamed_from = \"nick\", strategy = \"expand-contract\" }\n[[tables.pets.indexes]]\ncolumns = [\"nickname\"]\n",
        seed: "INSERT INTO pets (id, nick) SELECT i, 'seed-' || i FROM generate_series(1, 200) i",
        old: |i| {
            let (id, value) = (old_id(i), format!("old-{i}"));
            let sql = if i.is_multiple_of(2) {
                format!("INSERT INTO pets (id, nick) VALUES ({id}, '{value}')")
            } else {
                format!("UPDATE pets SET nick = '{value}' WHERE id = {id}")
            };
            Write { sql, id, value }
        },
        new: |i| {
            let (id, value) = (new_id(i), format!("new-{i}"));
            let sql = if i.is_multiple_of(2) {
                format!("INSERT INTO pets (id, nickname) VALUES ({id}, '{value}')")
            } else {
                format!("UPDATE pets SET nickname = '{value}' WHERE id = {id}")
            };
            Write { sql, id, value }
        },
        read: "SELECT id, nickname FROM pets",
        old_fails_after: true,
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn rename_and_retype_column() {
    run(Scenario {
        from: "[tables.items]\nmodel = \"Item\"\n[tables.items.columns]\nid = { type = \"bigint\", primary_key = true }\nqty = \"integer\"\n",
        to: "[tables.items]\nmodel = \"Item\"\n[tables.items.columns]\nid = { type = \"bigint\", primary_key = true }\nquantity = { type = \"bigint\", renamed_from = \"qty\", type_changed_from = \"integer\", strategy = \"expand-contract\" }\n",
        seed: "INSERT INTO items (id, qty) SELECT i, i FROM generate_series(1, 200) i",
        old: |i| {
            let (id, value) = (old_id(i), (1_000 + i).to_string());
            let sql = if i.is_multiple_of(2) {
                format!("INSERT INTO items (id, qty) VALUES ({id}, {value})")
            } else {
                format!("UPDATE items SET qty = {value} WHERE id = {id}")
            };
            Write { sql, id, value }
        },
        new: |i| {
            let (id, value) = (new_id(i), (2_000 + i).to_string());
            let sql = if i.is_multiple_of(2) {
                format!("INSERT INTO items (id, quantity) VALUES ({id}, {value})")
            } else {
                format!("UPDATE items SET quantity = {value} WHERE id = {id}")
            };
            Write { sql, id, value }
        },
        read: "SELECT id, CASE WHEN id <= 200 AND quantity = id THEN 'seed-' || id ELSE quantity::text END FROM items",
        old_fails_after: true,
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn rename_table() {
    run(Scenario {
        from: "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nname = \"text\"\n",
        to: "[tables.animals]\nmodel = \"Animal\"\nrenamed_from = \"pets\"\nstrategy = \"expand-contract\"\n[tables.animals.columns]\nid = { type = \"bigint\", primary_key = true }\nname = \"text\"\n",
        seed: "INSERT INTO pets (id, name) SELECT i, 'seed-' || i FROM generate_series(1, 200) i",
        old: |i| {
            let (id, value) = (old_id(i), format!("old-{i}"));
            let sql = if i.is_multiple_of(2) {
                format!("INSERT INTO pets (id, name) VALUES ({id}, '{value}')")
            } else {
                format!("UPDATE pets SET name = '{value}' WHERE id = {id}")
            };
            Write { sql, id, value }
        },
        new: |i| {
            let (id, value) = (new_id(i), format!("new-{i}"));
            let sql = if i.is_multiple_of(2) {
                format!("INSERT INTO animals (id, name) VALUES ({id}, '{value}')")
            } else {
                format!("UPDATE animals SET name = '{value}' WHERE id = {id}")
            };
            Write { sql, id, value }
        },
        read: "SELECT id, name FROM animals",
        old_fails_after: true,
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn drop_column() {
    run(Scenario {
        from: "[tables.users]\nmodel = \"User\"\n[tables.users.columns]\nid = { type = \"bigint\", primary_key = true }\nname = \"text\"\nlegacy = \"text\"\n",
        to: "[tables.users]\nmodel = \"User\"\ndrop_columns = [\"legacy\"]\nstrategy = \"expand-contract\"\n[tables.users.columns]\nid = { type = \"bigint\", primary_key = true }\nname = \"text\"\n",
        seed: "INSERT INTO users (id, name, legacy) SELECT i, 'seed-' || i, 'x' FROM generate_series(1, 200) i",
        old: |i| {
            let (id, value) = (old_id(i), format!("old-{i}"));
            let sql = if i.is_multiple_of(2) {
                format!("INSERT INTO users (id, name, legacy) VALUES ({id}, '{value}', 'x')")
            } else {
                format!("UPDATE users SET name = '{value}', legacy = 'y' WHERE id = {id}")
            };
            Write { sql, id, value }
        },
        new: |i| {
            let (id, value) = (new_id(i), format!("new-{i}"));
            let sql = if i.is_multiple_of(2) {
                format!("INSERT INTO users (id, name) VALUES ({id}, '{value}')")
            } else {
                format!("UPDATE users SET name = '{value}' WHERE id = {id}")
            };
            Write { sql, id, value }
        },
        read: "SELECT id, name FROM users",
        old_fails_after: true,
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn set_not_null() {
    run(Scenario {
        from: "[tables.notes]\nmodel = \"Note\"\n[tables.notes.columns]\nid = { type = \"bigint\", primary_key = true }\nbody = { type = \"text\", nullable = true }\n",
        to: "[tables.notes]\nmodel = \"Note\"\n[tables.notes.columns]\nid = { type = \"bigint\", primary_key = true }\nbody = { type = \"text\", backfill = \"'fill-' || id\", strategy = \"expand-contract\" }\n",
        // Every seed row is NULL: the backfill fills it (read back as `seed-<id>`).
        seed: "INSERT INTO notes (id) SELECT i FROM generate_series(1, 200) i",
        // The old code writes NULL on every update: the trigger fills it as the backfill would.
        old: |i| {
            let id = old_id(i);
            if i.is_multiple_of(2) {
                let value = format!("old-{i}");
                let sql = format!("INSERT INTO notes (id, body) VALUES ({id}, '{value}')");
                Write { sql, id, value }
            } else {
                let sql = format!("UPDATE notes SET body = NULL WHERE id = {id}");
                Write { sql, id, value: format!("seed-{id}") }
            }
        },
        new: |i| {
            let (id, value) = (new_id(i), format!("new-{i}"));
            let sql = if i.is_multiple_of(2) {
                format!("INSERT INTO notes (id, body) VALUES ({id}, '{value}')")
            } else {
                format!("UPDATE notes SET body = '{value}' WHERE id = {id}")
            };
            Write { sql, id, value }
        },
        read: "SELECT id, CASE WHEN body = 'fill-' || id THEN 'seed-' || id ELSE body END FROM notes",
        old_fails_after: true,
    })
    .await;
}

/// A table dropped with `change_strategy = "expand-contract"` in migrate.toml: `migrate up`
/// leaves it (the old code keeps writing it) and holds the contract step that drops it.
#[tokio::test(flavor = "current_thread")]
async fn drop_table_through_the_project_strategy() {
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            let db = TestDb::new().await;
            let tmp = tempfile::tempdir().unwrap();
            let mut config = migrate_core::config::Config::defaults(tmp.path());
            config.dialect = Dialect::Postgres;
            config.schema = tmp.path().join("schema.toml");
            config.change_strategy = migrate_core::schema::Strategy::ExpandContract;
            let keep = "[tables.users]\nmodel = \"User\"\n[tables.users.columns]\nid = { type = \"bigint\", primary_key = true }\n";
            std::fs::write(&config.schema, format!("{keep}[tables.visits]\nmodel = \"Visit\"\n[tables.visits.columns]\nid = {{ type = \"bigint\", primary_key = true }}\nuser_id = {{ type = \"bigint\", references = \"users.id\" }}\n")).unwrap();
            migrate_core::generate::generate_for(&config, None).unwrap();
            let (r, _) = up(&db.url, &sources(&config.migrations), &opts()).await;
            r.unwrap();
            exec(&db.url, "INSERT INTO users SELECT generate_series(1, 10)").await.unwrap();

            std::fs::write(&config.schema, format!("drop_tables = [\"visits\"]\n{keep}")).unwrap();
            let Generated::Written(paths) = migrate_core::generate::generate_for(&config, None).unwrap() else {
                panic!("nothing generated")
            };
            assert_eq!(paths.len(), 1, "{paths:?}");
            let all = sources(&config.migrations);
            let contract = all.last().unwrap();
            assert!(contract.contract && contract.name.ends_with("drop_visits_contract"), "{}", contract.name);

            let (tx, mut rx) = mpsc::channel(1);
            let writes = (0..WRITES)
                .map(|i| format!("INSERT INTO visits (id, user_id) VALUES ({i}, {})", i % 10 + 1))
                .collect();
            let old = writer(db.url.clone(), writes, WRITES / 4, tx);
            rx.recv().await.unwrap();
            let (r, events) = up(&db.url, &all, &opts()).await;
            r.unwrap();
            assert!(events.iter().any(|e| matches!(e, Event::ContractHeld { version, .. } if *version == contract.version)), "{events:?}");
            let errors = old.await.unwrap();
            assert!(errors.is_empty(), "{errors:?}");

            let (r, _) = up(&db.url, &all, &Options { contracts: Contracts::Apply, ..opts() }).await;
            assert_eq!(r.unwrap().applied.len(), 1);
            let e = exec(&db.url, "INSERT INTO visits (id, user_id) VALUES (-1, 1)").await;
            assert!(e.is_err_and(|e| e.contains("does not exist")));
        })
        .await;
}

#[test]
fn a_type_change_under_the_same_name_is_refused_with_its_fix() {
    let from = load_str("s.toml", "[tables.t]\nmodel = \"T\"\n[tables.t.columns]\nid = { type = \"bigint\", primary_key = true }\nn = \"integer\"\n").unwrap();
    let to = load_str("s.toml", "[tables.t]\nmodel = \"T\"\n[tables.t.columns]\nid = { type = \"bigint\", primary_key = true }\nn = { type = \"bigint\", type_changed_from = \"integer\", strategy = \"expand-contract\" }\n").unwrap();
    let p = plan(Dialect::Postgres, &from, &to, None);
    assert!(p.files.is_empty());
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert!(
        p.problems[0].help.contains("renamed_from"),
        "{:?}",
        p.problems
    );
}

/// The generated files of each case in `tests/cases_expand/` (`from.toml` → `to.toml`) against
/// the reviewed `postgres.sql` (`MIGRATE_BLESS=1` rewrites it; review the diff).
#[test]
fn generated_sql_matches_reviewed_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases_expand");
    let bless = std::env::var_os("MIGRATE_BLESS").is_some();
    let mut failures = Vec::new();
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4);
    for dir in cases {
        let read = |f: &str| {
            load_str(dir.join(f), &std::fs::read_to_string(dir.join(f)).unwrap())
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let p = plan(
            Dialect::Postgres,
            &read("from.toml"),
            &read("to.toml"),
            None,
        );
        assert!(p.problems.is_empty(), "{}: {:?}", dir.display(), p.problems);
        assert!(p.refusals().is_empty(), "{}", dir.display());
        // `migrate lint` finds nothing in them (what the schema acknowledges is reported as
        // allowed).
        let options = migrate_core::lint::LintOptions::new(Dialect::Postgres);
        for f in &p.files {
            let r = migrate_core::lint::lint_source(Path::new(&f.name), &f.content, &options);
            let rules: Vec<&str> = r.findings.iter().map(|f| f.rule).collect();
            assert!(rules.is_empty(), "{}: {}: {rules:?}", dir.display(), f.name);
        }
        let got: String = p
            .files
            .iter()
            .map(|f| format!("-- file: {}\n{}", f.name, f.content))
            .collect::<Vec<_>>()
            .join("\n");
        let path = dir.join("postgres.sql");
        if bless {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != got {
            failures.push(format!(
                "{}: SQL differs (MIGRATE_BLESS=1 rewrites it)\n--- want\n{want}\n--- got\n{got}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs generated files as the runner would: a batch file's statement over the whole table, a
/// no-transaction file statement by statement, any other in one transaction.
async fn apply_files(
    url: &str,
    files: &[migrate_core::generate::PlannedFile],
) -> Result<(), String> {
    for f in files {
        let c = &f.content;
        let r = if c.starts_with("-- migrate:batch") {
            exec(url, &body(c).replace(":batch", "TRUE")).await
        } else if c.starts_with("-- migrate:no-transaction") {
            let mut r = Ok(());
            for st in migrate_core::sql::split::split(c, Dialect::Postgres).unwrap() {
                r = exec(url, &st.sql).await;
                if r.is_err() {
                    break;
                }
            }
            r
        } else {
            exec(url, &format!("BEGIN;\n{c}\nCOMMIT;")).await
        };
        r.map_err(|e| format!("{}: {e}", f.name))?;
    }
    Ok(())
}

/// Every case's files run on PostgreSQL, and the database then reads back as the declared schema,
/// with no trigger, function or view left behind.
#[tokio::test(flavor = "current_thread")]
async fn every_case_applies_and_reads_back_as_declared() {
    use migrate_core::introspect::{self, canonical_literals, normalize_for};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases_expand");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    for dir in cases {
        let read = |f: &str| {
            load_str(dir.join(f), &std::fs::read_to_string(dir.join(f)).unwrap())
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let (from, to) = (read("from.toml"), read("to.toml"));
        let db = TestDb::new().await;
        let create = plan(Dialect::Postgres, &Default::default(), &from, None);
        apply_files(&db.url, &create.files).await.unwrap();
        let change = plan(Dialect::Postgres, &from, &to, None);
        apply_files(&db.url, &change.files)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut conn = runner::Connection::connect(&db.url).await.unwrap();
        let live = introspect::introspect(&mut conn, &introspect::Options::default())
            .await
            .unwrap();
        let mut expected = normalize_for(Dialect::Postgres, &to);
        canonical_literals(&mut conn, &mut expected).await;
        conn.close().await;
        let d = migrate_core::diff::diff(&live, &expected);
        assert!(
            d.is_empty(),
            "{}: reads back differently: {:?}",
            dir.display(),
            d.changes.iter().map(|c| c.describe()).collect::<Vec<_>>()
        );
        let mut c = PgConnection::connect(&db.url).await.unwrap();
        let left: i64 = sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal) \
             + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public') \
             + (SELECT count(*) FROM pg_views WHERE schemaname = 'public')",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        assert_eq!(
            left,
            0,
            "{}: a trigger, function or view is left",
            dir.display()
        );
        c.close().await.unwrap();
    }
}
