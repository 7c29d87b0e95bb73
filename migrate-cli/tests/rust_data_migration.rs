//! Data migrations in Rust (`-- migrate:rust name=… table=…`), on a real PostgreSQL database and
//! a SQLite file: the application's Migrator runs the registered function once per batch, records
//! its description, times and rows changed, resumes after a failure without redoing a committed
//! batch; a missing registration stops it before anything runs; the `migrate` command stops
//! before such a migration and says how to run it.
//!
//! The function increments a counter column (`n = n + 1`), so a row changed twice, or never,
//! shows.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use migrate_core::batch::{DataBatch, DataError};
use migrate_core::db::Connection;
use migrate_core::migration::{MigrationDir, Version};
use migrate_core::runner::BoxFuture;
use migrate_core::runner::{Event, RunError};
use migrate_core::{EmbeddedMigration, Migrator};
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use tempfile::TempDir;

const ROWS: i64 = 600;

/// `CREATE TABLE items` with [`ROWS`] rows, a value to fill and a counter.
fn create_items() -> String {
    format!(
        "CREATE TABLE items (id integer PRIMARY KEY, v integer, n integer NOT NULL DEFAULT 0);\n\
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {ROWS}) \
         INSERT INTO items (id) SELECT x FROM c;\n"
    )
}

const FILL: &str =
    "-- migrate:rust name=fill_items table=items size=50\n-- Fill v (placeholder).\n";
const AFTER: &str = "CREATE TABLE after_fill (id integer PRIMARY KEY);\n";

/// A project of `dialect` holding the three migrations; the directory and its versions.
fn project(dialect: &str) -> (TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!("dialect = \"{dialect}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n"),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), "").expect("schema");
    let mut md = MigrationDir::create(dir.path().join("migrations")).expect("migration dir");
    let start = Version::parse("20240101000000").expect("version");
    let mut versions = Vec::new();
    for (name, sql) in [
        ("create_items", create_items()),
        ("fill_items", FILL.to_string()),
        ("after_fill", AFTER.to_string()),
    ] {
        let path = md.add_at(name, &sql, start).expect("add migration");
        let file = path
            .file_name()
            .expect("a file")
            .to_string_lossy()
            .into_owned();
        versions.push(file[..14].to_string());
    }
    (dir, versions)
}

/// The project's migrations as an embedded Migrator would hold them.
fn embedded(dir: &Path) -> Migrator {
    let md = MigrationDir::open(dir.join("migrations")).expect("open");
    let list: Vec<EmbeddedMigration> = md
        .migrations()
        .iter()
        .map(|m| EmbeddedMigration {
            version: m.version.as_u64(),
            name: Box::leak(m.name.clone().into_boxed_str()),
            content: Box::leak(m.content.clone().into_boxed_str()),
            checksum: Box::leak(m.checksum.clone().into_boxed_str()),
            no_transaction: false,
            lock_timeout: None,
            statement_timeout: None,
        })
        .collect();
    Migrator::new(Box::leak(list.into_boxed_slice()))
}

/// The function: counts its batch's rows with the dialect's typed connection, then fills them;
/// fails on call number `fail_at` (0: never).
fn fill(
    calls: Arc<AtomicU64>,
    fail_at: u64,
) -> impl for<'b, 'c> Fn(&'b mut DataBatch<'c>) -> BoxFuture<'b, Result<u64, DataError>>
+ Send
+ Sync
+ 'static {
    move |batch| {
        let calls = calls.clone();
        Box::pin(async move {
            if calls.fetch_add(1, Ordering::SeqCst) + 1 == fail_at {
                return Err("the function gave up on purpose".into());
            }
            let count = format!("SELECT count(*) FROM items WHERE {}", batch.range());
            let rows: i64 = if let Some(c) = batch.postgres() {
                sqlx::query_scalar(&count).fetch_one(c).await?
            } else if let Some(c) = batch.sqlite() {
                sqlx::query_scalar(&count).fetch_one(c).await?
            } else {
                return Err("no connection".into());
            };
            assert!(rows > 0 && rows <= 50, "a batch of {rows} rows");
            let ids = batch
                .fetch(&format!(
                    "SELECT CAST(id AS TEXT) FROM items WHERE {}",
                    batch.range()
                ))
                .await?;
            assert_eq!(ids.len() as i64, rows);
            let sql = format!(
                "UPDATE items SET v = id * 2, n = n + 1 WHERE {}",
                batch.range()
            );
            Ok(batch.execute(&sql).await?)
        })
    }
}

async fn int(url: &str, sql: &str) -> i64 {
    let mut c = Connection::connect(url).await.expect("connect");
    let n = c
        .fetch_int(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    c.close().await;
    n
}

async fn try_int(url: &str, sql: &str) -> Option<i64> {
    let mut c = Connection::connect(url).await.ok()?;
    let n = c.fetch_int(sql).await.ok();
    c.close().await;
    n
}

/// The databases: `(dialect, url, keep-alive)`.
async fn targets() -> Vec<(&'static str, String, Box<dyn std::any::Any>)> {
    let pg = TestDb::new().await;
    let file = TestFile::new();
    vec![
        ("postgres", pg.url.clone(), Box::new(pg)),
        ("sqlite", file.url.clone(), Box::new(file)),
    ]
}

async fn run(
    m: &migrate_core::batch::DataMigrator,
    url: &str,
    events: &mut Vec<Event>,
) -> Result<(), RunError> {
    let mut c = Connection::connect(url).await.expect("connect");
    let opts = migrate_core::runner::Options::default();
    let sources = m.sources()?;
    let r = migrate_core::runner::up(&mut c, &sources, &opts, &mut |e| events.push(e)).await;
    c.close().await;
    r.map(drop)
}

#[tokio::test(flavor = "current_thread")]
async fn a_rust_data_migration_runs_in_batches_and_records_itself() {
    for (dialect, url, _keep) in targets().await {
        let (p, v) = project(dialect);
        let calls = Arc::new(AtomicU64::new(0));
        let m = embedded(p.path()).data_migration(
            "fill_items",
            "Fill v from the id, in Rust",
            fill(calls.clone(), 0),
        );
        let mut events = Vec::new();
        run(&m, &url, &mut events).await.expect(dialect);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            (ROWS / 50) as u64,
            "{dialect}"
        );
        assert_eq!(
            int(
                &url,
                "SELECT count(*) FROM items WHERE n <> 1 OR v <> id * 2"
            )
            .await,
            0,
            "{dialect}: every row once"
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Applied { name, rows, .. }
                if name == "fill_items" && *rows == ROWS as u64)),
            "{dialect}: {events:?}"
        );
        let fv = &v[1];
        assert_eq!(
            int(
                &url,
                &format!(
                    "SELECT count(*) FROM migrate_history WHERE version = {fv} AND success \
                     AND description = 'Fill v from the id, in Rust'"
                )
            )
            .await,
            1,
            "{dialect}: the history records the registration's description"
        );
        assert_eq!(
            int(
                &url,
                &format!(
                    "SELECT count(*) FROM migrate_history h JOIN migrate_backfills b ON b.version = h.version \
                     WHERE h.version = {fv} AND h.started_at = b.started_at AND h.finished_at IS NOT NULL \
                     AND h.execution_ms IS NOT NULL"
                )
            )
            .await,
            1,
            "{dialect}: the history's start is the walk's start, with its finish and duration"
        );
        assert_eq!(
            int(
                &url,
                &format!(
                    "SELECT rows_changed FROM migrate_backfills WHERE version = {fv} AND state = 'finished' \
                     AND started_at IS NOT NULL AND finished_at IS NOT NULL AND batches = {}",
                    ROWS / 50
                )
            )
            .await,
            ROWS,
            "{dialect}: rows changed, times and batches"
        );
        assert_eq!(
            int(&url, "SELECT count(*) FROM after_fill").await,
            0,
            "{dialect}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_run_resumes_after_its_last_committed_batch() {
    for (dialect, url, _keep) in targets().await {
        let (p, v) = project(dialect);
        let calls = Arc::new(AtomicU64::new(0));
        let failing =
            embedded(p.path()).data_migration("fill_items", "Fill v", fill(calls.clone(), 4));
        let e = run(&failing, &url, &mut Vec::new())
            .await
            .expect_err("the 4th batch fails");
        assert!(
            matches!(&e, RunError::Failed { error, .. } if error.contains("gave up on purpose")),
            "{dialect}: {e}"
        );
        let fv = &v[1];
        assert_eq!(
            int(&url, "SELECT count(*) FROM items WHERE n = 1").await,
            150,
            "{dialect}: three batches committed, the failed one rolled back"
        );
        assert_eq!(
            int(
                &url,
                &format!("SELECT batches FROM migrate_backfills WHERE version = {fv}")
            )
            .await,
            3,
            "{dialect}"
        );
        assert_eq!(
            try_int(
                &url,
                &format!("SELECT count(*) FROM migrate_history WHERE version = {fv}")
            )
            .await,
            Some(0),
            "{dialect}: not recorded before the walk ends"
        );
        let again = Arc::new(AtomicU64::new(0));
        let fixed =
            embedded(p.path()).data_migration("fill_items", "Fill v", fill(again.clone(), 0));
        run(&fixed, &url, &mut Vec::new()).await.expect(dialect);
        assert_eq!(
            again.load(Ordering::SeqCst),
            (ROWS / 50 - 3) as u64,
            "{dialect}: only the batches left"
        );
        assert_eq!(
            int(
                &url,
                "SELECT count(*) FROM items WHERE n <> 1 OR v <> id * 2"
            )
            .await,
            0,
            "{dialect}: every row exactly once"
        );
        assert_eq!(
            int(&url, "SELECT count(*) FROM after_fill").await,
            0,
            "{dialect}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_missing_registration_is_an_error_before_anything_runs() {
    for (dialect, url, _keep) in targets().await {
        let (p, v) = project(dialect);
        let m = embedded(p.path()).data_migration("fill_itemz", "a typo", fill(Arc::default(), 0));
        let e = run(&m, &url, &mut Vec::new())
            .await
            .expect_err("unregistered");
        let shown = migrate_core::MigrateError::from(e.clone()).to_string();
        assert!(matches!(e, RunError::Unregistered(_)), "{dialect}: {shown}");
        for needle in [
            format!("{}_fill_items", v[1]),
            "function `fill_items`".to_string(),
            ".data_migration(\"fill_items\"".to_string(),
            "nothing was run".to_string(),
        ] {
            assert!(shown.contains(&needle), "{dialect}: {needle} in {shown}");
        }
        assert_eq!(
            try_int(&url, "SELECT count(*) FROM items").await,
            None,
            "{dialect}: the migration before it did not run either"
        );
    }
}

fn migrate(dir: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migrate"))
        .current_dir(dir)
        .args(args)
        .args(["--database-url", url])
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("migrate runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "current_thread")]
async fn the_cli_stops_before_a_rust_migration_and_the_migrator_goes_on() {
    for (dialect, url, _keep) in targets().await {
        let (p, v) = project(dialect);
        let check = migrate(p.path(), &url, &["check"]);
        assert_eq!(check.status.code(), Some(0), "{dialect}: {}", text(&check));
        let dry = migrate(p.path(), &url, &["up", "--dry-run"]);
        assert_eq!(dry.status.code(), Some(0), "{dialect}: {}", text(&dry));
        let up = migrate(p.path(), &url, &["up"]);
        let shown = text(&up);
        assert_eq!(up.status.code(), Some(3), "{dialect}: {shown}");
        for needle in [
            &format!("{}_fill_items", v[1]),
            "data migration in Rust",
            "run it through your application's Migrator",
            ".data_migration(\"fill_items\"",
        ] {
            assert!(shown.contains(needle), "{dialect}: {needle} in {shown}");
        }
        assert_eq!(
            int(&url, "SELECT count(*) FROM items WHERE n = 0").await,
            ROWS,
            "{dialect}"
        );
        assert_eq!(
            try_int(&url, "SELECT count(*) FROM after_fill").await,
            None,
            "{dialect}"
        );
        let run_bf = migrate(p.path(), &url, &["backfill", "run"]);
        let shown = text(&run_bf);
        assert_eq!(
            run_bf.status.code(),
            Some(3),
            "{dialect}: backfill run: {shown}"
        );
        assert!(
            shown.contains("data migration in Rust"),
            "{dialect}: {shown}"
        );
        let bf_status = migrate(p.path(), &url, &["backfill", "status"]);
        let shown = text(&bf_status);
        assert!(
            shown.contains("fill_items") && shown.contains("pending"),
            "{dialect}: backfill status lists it: {shown}"
        );
        let status = migrate(p.path(), &url, &["status", "--format", "json"]);
        let shown = text(&status);
        let pending = shown
            .lines()
            .chain(std::iter::once(shown.as_str()))
            .any(|l| l.contains("fill_items") && l.contains("pending"));
        assert!(pending, "{dialect}: {shown}");
        let m = embedded(p.path()).data_migration("fill_items", "Fill v", fill(Arc::default(), 0));
        run(&m, &url, &mut Vec::new()).await.expect(dialect);
        assert_eq!(
            int(
                &url,
                "SELECT count(*) FROM items WHERE n <> 1 OR v <> id * 2"
            )
            .await,
            0,
            "{dialect}"
        );
        assert_eq!(
            int(&url, "SELECT count(*) FROM after_fill").await,
            0,
            "{dialect}"
        );
        let up = migrate(p.path(), &url, &["up"]);
        assert_eq!(up.status.code(), Some(0), "{dialect}: {}", text(&up));
    }
}

#[test]
fn migrate_new_rust_writes_the_placeholder_file() {
    let (p, _) = project("sqlite");
    let new = migrate(
        p.path(),
        "sqlite::memory:",
        &["new", "fill_more", "--rust", "--table", "pet table"],
    );
    assert_eq!(new.status.code(), Some(0), "{}", text(&new));
    let dir = MigrationDir::open(p.path().join("migrations")).expect("open");
    let m = dir.migrations().last().expect("the new file");
    assert_eq!(m.name, "fill_more");
    let rust = m.directives.rust.as_ref().expect("a rust file");
    assert_eq!(
        (rust.name.as_str(), rust.batch.table.as_str()),
        ("fill_more", "pet table")
    );
    assert!(
        m.content.contains(".data_migration(\"fill_more\""),
        "{}",
        m.content
    );
    let check = migrate(p.path(), "sqlite::memory:", &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let bad = migrate(
        p.path(),
        "sqlite::memory:",
        &["new", "fill_less", "--table", "pets"],
    );
    assert_eq!(
        bad.status.code(),
        Some(2),
        "--table needs --rust: {}",
        text(&bad)
    );
}

/// Not a test by itself: the child process the kill test starts (this test binary again, with
/// `RUST_DATA_CHILD` set to `dir url`): runs the Migrator, each batch slowed down so that the
/// parent can kill it mid-way.
#[tokio::test(flavor = "current_thread")]
async fn child_runner() {
    let Ok(args) = std::env::var("RUST_DATA_CHILD") else {
        return;
    };
    let (dir, url) = args.split_once(' ').expect("dir url");
    let calls = Arc::new(AtomicU64::new(0));
    let slow = fill(calls, 0);
    let m = embedded(Path::new(dir)).data_migration("fill_items", "Fill v", move |batch| {
        let work = slow(batch);
        Box::pin(async move {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            work.await
        })
    });
    run(&m, url, &mut Vec::new()).await.expect("child run");
}

#[tokio::test(flavor = "current_thread")]
async fn a_killed_run_resumes_without_redoing_committed_batches() {
    for (dialect, url, _keep) in targets().await {
        let (p, v) = project(dialect);
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "child_runner",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("RUST_DATA_CHILD", format!("{} {url}", p.path().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the child");
        let fv = &v[1];
        let progress = format!("SELECT batches FROM migrate_backfills WHERE version = {fv}");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while try_int(&url, &progress).await.unwrap_or(0) < 3 {
            assert!(
                std::time::Instant::now() < deadline,
                "{dialect}: no batch committed"
            );
            assert!(
                child.try_wait().expect("child").is_none(),
                "{dialect}: the child ended early"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let batches = int(&url, &progress).await;
        assert!(
            batches < ROWS / 50,
            "{dialect}: killed mid-way ({batches} batches)"
        );
        assert_eq!(
            int(&url, "SELECT count(*) FROM items WHERE n = 1").await,
            batches * 50,
            "{dialect}: exactly the committed batches' rows are changed"
        );
        let again = Arc::new(AtomicU64::new(0));
        let m = embedded(p.path()).data_migration("fill_items", "Fill v", fill(again.clone(), 0));
        run(&m, &url, &mut Vec::new()).await.expect(dialect);
        assert_eq!(
            again.load(Ordering::SeqCst) as i64,
            ROWS / 50 - batches,
            "{dialect}: only the batches left ran"
        );
        assert_eq!(
            int(
                &url,
                "SELECT count(*) FROM items WHERE n <> 1 OR v <> id * 2"
            )
            .await,
            0,
            "{dialect}: every row exactly once"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_migrators_dry_run_samples_the_function_and_changes_nothing() {
    for (dialect, url, _keep) in targets().await {
        let (p, _) = project(dialect);
        let calls = Arc::new(AtomicU64::new(0));
        let m = embedded(p.path()).data_migration("fill_items", "Fill v", fill(calls.clone(), 0));
        let mut c = Connection::connect(&url).await.expect("connect");
        let opts = migrate_core::runner::Options {
            dry_run: true,
            ..Default::default()
        };
        let sources = m.sources().expect("sources");
        let mut events = Vec::new();
        migrate_core::runner::up(&mut c, &sources, &opts, &mut |e| events.push(e))
            .await
            .expect(dialect);
        c.close().await;
        let estimate = events.iter().find_map(|e| match e {
            Event::BackfillEstimate { name, estimate, .. } if name == "fill_items" => {
                Some(estimate.clone())
            }
            _ => None,
        });
        let estimate = estimate.unwrap_or_else(|| panic!("{dialect}: {events:?}"));
        assert_eq!(estimate.rows, ROWS as u64, "{dialect}");
        assert_eq!(estimate.sampled_changed, estimate.sampled_rows, "{dialect}");
        assert!(
            calls.load(Ordering::SeqCst) > 0,
            "{dialect}: the function was sampled"
        );
        assert_eq!(
            try_int(&url, "SELECT count(*) FROM items").await,
            None,
            "{dialect}: rolled back"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_panicking_function_fails_its_batch_which_is_rolled_back() {
    for (dialect, url, _keep) in targets().await {
        let (p, v) = project(dialect);
        let calls = Arc::new(AtomicU64::new(0));
        let inner = fill(Arc::default(), 0);
        let counted = calls.clone();
        let m = embedded(p.path()).data_migration("fill_items", "Fill v", move |batch| {
            let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
            let work = inner(batch);
            Box::pin(async move {
                let rows = work.await?;
                if n == 3 {
                    panic!("batch {n} panics on purpose");
                }
                Ok(rows)
            })
        });
        let e = run(&m, &url, &mut Vec::new()).await.expect_err("a panic");
        assert!(
            matches!(&e, RunError::Failed { error, .. } if error.contains("panicked: batch 3 panics on purpose")),
            "{dialect}: {e}"
        );
        assert_eq!(
            int(&url, "SELECT count(*) FROM items WHERE n = 1").await,
            100,
            "{dialect}: the panicking batch's update was rolled back"
        );
        let fv = &v[1];
        assert_eq!(
            int(
                &url,
                &format!("SELECT batches FROM migrate_backfills WHERE version = {fv}")
            )
            .await,
            2,
            "{dialect}"
        );
        let again =
            embedded(p.path()).data_migration("fill_items", "Fill v", fill(Arc::default(), 0));
        run(&again, &url, &mut Vec::new()).await.expect(dialect);
        assert_eq!(
            int(
                &url,
                "SELECT count(*) FROM items WHERE n <> 1 OR v <> id * 2"
            )
            .await,
            0,
            "{dialect}: every row exactly once"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn two_runners_share_a_rust_data_migration_and_never_the_same_batch() {
    for (dialect, url, _keep) in targets().await {
        let (p, _) = project(dialect);
        let up = migrate(p.path(), &url, &["up"]);
        assert_eq!(up.status.code(), Some(3), "{dialect}: {}", text(&up));
        let calls = Arc::new(AtomicU64::new(0));
        let slow = Arc::new(fill(calls.clone(), 0));
        let m = embedded(p.path()).data_migration("fill_items", "Fill v", move |batch| {
            let work = slow(batch);
            Box::pin(async move {
                // Long enough for the other runner to queue for the next batch.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                work.await
            })
        });
        let sources = m.sources().expect("sources");
        let opts = migrate_core::runner::Options::default();
        let one = async {
            let mut c = Connection::connect(&url).await.expect("connect");
            let r = migrate_core::batch::run(&mut c, &sources, &opts, None, &mut |_| {}).await;
            c.close().await;
            r
        };
        let two = async {
            let mut c = Connection::connect(&url).await.expect("connect");
            let r = migrate_core::batch::run(&mut c, &sources, &opts, None, &mut |_| {}).await;
            c.close().await;
            r
        };
        let (a, b) = tokio::join!(one, two);
        a.expect(dialect);
        b.expect(dialect);
        assert_eq!(
            calls.load(Ordering::SeqCst) as i64,
            ROWS / 50,
            "{dialect}: each batch once, whichever runner"
        );
        assert_eq!(
            int(
                &url,
                "SELECT count(*) FROM items WHERE n <> 1 OR v <> id * 2"
            )
            .await,
            0,
            "{dialect}: every row exactly once"
        );
    }
}

#[test]
fn a_rust_file_is_no_secure_placeholder() {
    let (p, _) = project("sqlite");
    let extra = tempfile::tempdir().expect("extra path");
    let dir = MigrationDir::open(p.path().join("migrations")).expect("open");
    let sources = migrate_core::runner::sources_from_dir(&dir, &[extra.path().to_path_buf()])
        .expect("a file holding only `-- migrate:rust` needs no secure file");
    let fill = sources
        .iter()
        .find(|s| s.name == "fill_items")
        .expect("listed");
    let step = fill.rust.as_ref().expect("a data migration in Rust");
    assert_eq!(
        (step.name.as_str(), step.registered()),
        ("fill_items", false)
    );
}
