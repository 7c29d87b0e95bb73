//! Batched backfills through the `migrate` binary, on a real PostgreSQL database and a SQLite
//! file: a run killed mid-way resumes and touches every row exactly once, two runners share one
//! backfill, the dry run changes nothing and estimates, composite keys, tables without a usable
//! key, pause and resume, and batch files the runner refuses.
//!
//! Each batch file's UPDATE increments a counter column (`n = n + 1`), so a row updated twice,
//! or never, shows.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use migrate_core::db::Connection;
use migrate_core::migration::{MigrationDir, Version};
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use tempfile::TempDir;

/// A database of either dialect, kept alive as long as the test needs it.
struct Target {
    dialect: &'static str,
    url: String,
    _pg: Option<TestDb>,
    _file: Option<TestFile>,
}

async fn postgres() -> Target {
    let db = TestDb::new().await;
    Target {
        dialect: "postgres",
        url: db.url.clone(),
        _pg: Some(db),
        _file: None,
    }
}

fn sqlite() -> Target {
    let f = TestFile::new();
    Target {
        dialect: "sqlite",
        url: f.url.clone(),
        _pg: None,
        _file: Some(f),
    }
}

async fn targets() -> Vec<Target> {
    vec![postgres().await, sqlite()]
}

fn migrate(dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migrate"));
    cmd.current_dir(dir)
        .args(args)
        .args(["--database-url", url])
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

fn run(dir: &Path, url: &str, args: &[&str]) -> Output {
    migrate(dir, url, args).output().expect("migrate runs")
}

fn spawn(dir: &Path, url: &str, args: &[&str]) -> Child {
    migrate(dir, url, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn migrate")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A project of `dialect` with `config` appended to its migrate.toml and the given files, one
/// second apart; their versions.
fn project(dialect: &str, config: &str, files: &[(&str, &str)]) -> (TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!(
            "dialect = \"{dialect}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n{config}"
        ),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), "").expect("schema");
    let mut md = MigrationDir::create(dir.path().join("migrations")).expect("migration dir");
    let start = Version::parse("20240101000000").expect("version");
    let mut versions = Vec::new();
    for (name, sql) in files {
        let path = md.add_at(name, sql, start).expect("add migration");
        let file = path
            .file_name()
            .expect("a file")
            .to_string_lossy()
            .into_owned();
        versions.push(file[..14].to_string());
    }
    (dir, versions)
}

/// `CREATE TABLE items` with `rows` rows (ids 1..=rows), a value to fill and a counter.
fn create_items(rows: u32) -> String {
    format!(
        "CREATE TABLE items (id integer PRIMARY KEY, grp integer NOT NULL, v integer, n integer NOT NULL DEFAULT 0);\n\
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {rows}) \
         INSERT INTO items (id, grp) SELECT x, x % 7 FROM c;\n"
    )
}

const FILL: &str = "-- migrate:batch table=items size=50\n-- Fill v.\n\
                    UPDATE items SET v = id * 2, n = n + 1 WHERE v IS NULL AND :batch;\n";

async fn int(url: &str, sql: &str) -> i64 {
    let mut c = Connection::connect(url).await.expect("connect");
    let n = c
        .fetch_int(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    c.close().await;
    n
}

/// The value of `sql`, or `None` while it fails (the table is not there yet).
async fn try_int(url: &str, sql: &str) -> Option<i64> {
    let mut c = Connection::connect(url).await.ok()?;
    let n = c.fetch_int(sql).await.ok();
    c.close().await;
    n
}

/// Waits until `sql` gives a positive number; bounded, so a hang fails instead of blocking.
async fn until(url: &str, sql: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while try_int(url, sql).await.unwrap_or(0) <= 0 {
        assert!(Instant::now() < deadline, "never observed: {sql}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every row filled, and by exactly one run of the statement.
async fn every_row_once(url: &str, rows: i64, what: &str) {
    assert_eq!(int(url, "SELECT count(*) FROM items").await, rows, "{what}");
    assert_eq!(
        int(
            url,
            "SELECT count(*) FROM items WHERE n <> 1 OR v IS NULL OR v <> id * 2"
        )
        .await,
        0,
        "{what}: a row was updated twice or never"
    );
}

/// `12,345`, as the reports print it.
fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn wait(child: Child) -> Output {
    child.wait_with_output().expect("migrate ends")
}

/// The rows of the table [`under_way`] fills.
const UNDER_WAY_ROWS: u32 = 10_000;

/// A project whose backfill (`fill_items`, between `create_items` and `after`) a spawned
/// `migrate up` has started: at least one batch is committed. The project, its versions and
/// the running `up`.
async fn under_way(t: &Target) -> (TempDir, Vec<String>, Child) {
    let (p, v) = project(
        t.dialect,
        "backfill_pause = \"20ms\"\n",
        &[
            ("create_items", &create_items(UNDER_WAY_ROWS)),
            ("fill_items", FILL),
            ("after", "CREATE TABLE after_fill (id integer);\n"),
        ],
    );
    let child = spawn(p.path(), &t.url, &["up"]);
    until(
        &t.url,
        "SELECT count(*) FROM migrate_backfills WHERE batches >= 1",
    )
    .await;
    (p, v, child)
}

#[tokio::test(flavor = "current_thread")]
async fn a_killed_run_resumes_after_its_last_batch_and_updates_every_row_once() {
    for t in targets().await {
        let (p, v, child) = under_way(&t).await;
        let mut child = child;
        child.kill().expect("SIGKILL");
        let _ = wait(child);
        let what = format!("{}: killed", t.dialect);
        assert_eq!(
            int(
                &t.url,
                "SELECT count(*) FROM migrate_backfills WHERE state = 'running'"
            )
            .await,
            1,
            "{what}: the run was killed before it finished"
        );
        let recorded = format!(
            "SELECT count(*) FROM migrate_history WHERE version = {}",
            v[1]
        );
        assert_eq!(
            int(&t.url, &recorded).await,
            0,
            "{what}: not recorded as applied"
        );
        let done = int(&t.url, "SELECT rows_done FROM migrate_backfills").await;
        assert_eq!(
            int(&t.url, "SELECT count(*) FROM items WHERE n = 1").await,
            done,
            "{what}: the progress row says exactly what committed"
        );
        assert_eq!(
            int(&t.url, "SELECT count(*) FROM items WHERE n > 1").await,
            0,
            "{what}"
        );
        // A dry run of the backfill under way goes on after its last batch, and changes nothing.
        let dry = run(p.path(), &t.url, &["up", "--dry-run"]);
        assert!(dry.status.success(), "{what}: {}", text(&dry));
        assert!(
            text(&dry).contains(&format!(
                "{} walked already by an earlier run",
                thousands(done)
            )),
            "{what}: {}",
            text(&dry)
        );
        assert_eq!(
            int(&t.url, "SELECT count(*) FROM items WHERE n = 1").await,
            done,
            "{what}: the dry run changed nothing"
        );
        // Edited part-way, it would go on with another statement: refused until restored.
        let file = p.path().join(format!("migrations/{}_fill_items.sql", v[1]));
        fs::write(&file, FILL.replace("id * 2", "id * 3")).expect("edit");
        assert!(run(p.path(), &t.url, &["hash"]).status.success());
        let edited = run(p.path(), &t.url, &["up"]);
        assert_eq!(edited.status.code(), Some(1), "{what}: {}", text(&edited));
        assert!(
            text(&edited).contains("was edited after its backfill started"),
            "{what}: {}",
            text(&edited)
        );
        fs::write(&file, FILL).expect("restore");
        assert!(run(p.path(), &t.url, &["hash"]).status.success());
        let again = run(p.path(), &t.url, &["up"]);
        assert!(again.status.success(), "{what}: {}", text(&again));
        every_row_once(&t.url, i64::from(UNDER_WAY_ROWS), &what).await;
        assert_eq!(
            int(&t.url, &recorded).await,
            1,
            "{what}: recorded once done"
        );
        assert_eq!(
            int(
                &t.url,
                "SELECT rows_done FROM migrate_backfills WHERE state = 'finished'"
            )
            .await,
            i64::from(UNDER_WAY_ROWS),
            "{what}"
        );
        assert_eq!(
            int(&t.url, "SELECT count(*) FROM after_fill").await,
            0,
            "{what}: the file after it ran once it finished"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn two_runners_share_one_backfill_and_never_the_same_batch() {
    for t in targets().await {
        let rows = 6_000;
        let (p, v) = project(
            t.dialect,
            "backfill_pause = \"2ms\"\n",
            &[("create_items", &create_items(rows)), ("fill_items", FILL)],
        );
        let early = run(p.path(), &t.url, &["backfill", "run"]);
        assert!(early.status.success(), "{}", text(&early));
        assert!(
            text(&early).contains(&format!(
                "no backfill can run yet: {}_fill_items comes after {}_create_items, which is not applied",
                v[1], v[0]
            )),
            "{}",
            text(&early)
        );
        let first = run(p.path(), &t.url, &["up", "--to", &v[0]]);
        assert!(first.status.success(), "{}", text(&first));
        let a = spawn(p.path(), &t.url, &["backfill", "run"]);
        let b = spawn(p.path(), &t.url, &["backfill", "run"]);
        let (a, b) = (wait(a), wait(b));
        let what = format!("{}: two runners", t.dialect);
        assert!(a.status.success(), "{what}: {}", text(&a));
        assert!(b.status.success(), "{what}: {}", text(&b));
        every_row_once(&t.url, i64::from(rows), &what).await;
        let recorded = format!(
            "SELECT count(*) FROM migrate_history WHERE version = {}",
            v[1]
        );
        assert_eq!(int(&t.url, &recorded).await, 1, "{what}");
        let finished = [&a, &b]
            .iter()
            .filter(|o| text(o).contains(&format!("applied  {}_fill_items", v[1])))
            .count();
        assert_eq!(
            finished, 1,
            "{what}: one runner finishes it, the other sees it done"
        );
        for o in [&a, &b] {
            assert!(
                !text(o).contains("writers waited"),
                "{what}: a runner waiting for its turn is no writer to give way to: {}",
                text(o)
            );
        }
        let late = run(p.path(), &t.url, &["backfill", "run"]);
        assert!(
            text(&late).contains("no backfill to run: every batch file is finished"),
            "{what}: {}",
            text(&late)
        );
        assert_eq!(
            int(&t.url, "SELECT rows_done FROM migrate_backfills").await,
            i64::from(rows),
            "{what}: every batch counted once"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_dry_run_changes_nothing_and_estimates_the_duration() {
    for t in targets().await {
        let rows = 3_000;
        let (p, v) = project(
            t.dialect,
            "",
            &[("create_items", &create_items(rows)), ("fill_items", FILL)],
        );
        let first = run(p.path(), &t.url, &["up", "--to", &v[0]]);
        assert!(first.status.success(), "{}", text(&first));
        let dry = run(p.path(), &t.url, &["up", "--dry-run"]);
        let what = format!("{}: dry run", t.dialect);
        let shown = text(&dry);
        assert!(dry.status.success(), "{what}: {shown}");
        assert!(
            shown.contains(&format!("would backfill {}_fill_items: 3,000 rows", v[1])),
            "{what}: {shown}"
        );
        assert!(shown.contains("estimated total:"), "{what}: {shown}");
        assert_eq!(
            int(
                &t.url,
                "SELECT count(*) FROM items WHERE v IS NOT NULL OR n <> 0"
            )
            .await,
            0,
            "{what}: rows changed"
        );
        assert_eq!(
            try_int(&t.url, "SELECT count(*) FROM migrate_backfills")
                .await
                .unwrap_or(0),
            0,
            "{what}: progress recorded"
        );
        assert_eq!(
            int(&t.url, "SELECT count(*) FROM migrate_history").await,
            1,
            "{what}"
        );
        let json = run(p.path(), &t.url, &["up", "--dry-run", "--format", "json"]);
        let line = String::from_utf8_lossy(&json.stdout)
            .lines()
            .find(|l| l.contains("\"backfill_estimate\""))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("{what}: no estimate in {}", text(&json)));
        let value: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(value["rows"], 3000, "{what}: {line}");
        assert_eq!(value["rows_counted"], true, "{what}: {line}");
        assert!(value["estimated_ms"].is_u64(), "{what}: {line}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn composite_keys_are_walked_in_their_order() {
    for t in targets().await {
        let create = "CREATE TABLE items (grp integer NOT NULL, id integer NOT NULL, v integer, \
                      n integer NOT NULL DEFAULT 0, PRIMARY KEY (grp, id));\n\
                      WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) \
                      INSERT INTO items (grp, id) SELECT x % 7, x FROM c;\n";
        let fill = "-- migrate:batch table=items size=33\nUPDATE items SET v = id * 2, n = n + 1 WHERE :batch;\n";
        let (p, _) = project(
            t.dialect,
            "",
            &[("create_items", create), ("fill_items", fill)],
        );
        let up = run(p.path(), &t.url, &["up", "--format", "json"]);
        let what = format!("{}: composite key", t.dialect);
        assert!(up.status.success(), "{what}: {}", text(&up));
        let last = String::from_utf8_lossy(&up.stdout)
            .lines()
            .rfind(|l| l.contains("\"event\":\"backfill\""))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("{what}: no progress line in {}", text(&up)));
        let value: serde_json::Value = serde_json::from_str(&last).expect("JSON");
        assert_eq!(value["finished"], true, "{what}: {last}");
        assert_eq!(value["rows_done"], 2000, "{what}: {last}");
        assert_eq!(value["percent"], 100.0, "{what}: {last}");
        every_row_once(&t.url, 2000, &what).await;
        assert_eq!(
            int(&t.url, "SELECT batches FROM migrate_backfills").await,
            (2000 + 32) / 33,
            "{what}: batches of exactly size= rows"
        );
        let key = int(
            &t.url,
            "SELECT count(*) FROM migrate_backfills WHERE key_columns = '[\"grp\",\"id\"]'",
        )
        .await;
        assert_eq!(key, 1, "{what}: walked by both key columns, in order");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn hostile_names_and_key_values_walk_exactly() {
    for t in targets().await {
        let create = "CREATE TABLE \"pet \"\"table\"\"\" (\"the id\" text NOT NULL PRIMARY KEY, n integer NOT NULL DEFAULT 0);\n\
                      WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500) \
                      INSERT INTO \"pet \"\"table\"\"\" (\"the id\") SELECT 'k' || x || '''\\\"é,' FROM c;\n";
        let fill = "-- migrate:batch table=\"pet \"\"table\"\"\" key=\"the id\" size=37\n\
                    UPDATE \"pet \"\"table\"\"\" SET n = n + 1 WHERE :batch;\n";
        let (p, _) = project(
            t.dialect,
            "",
            &[("create_pets", create), ("fill_pets", fill)],
        );
        let up = run(p.path(), &t.url, &["up"]);
        let what = format!("{}: hostile names", t.dialect);
        assert!(up.status.success(), "{what}: {}", text(&up));
        let table = "\"pet \"\"table\"\"\"";
        assert_eq!(
            int(&t.url, &format!("SELECT count(*) FROM {table} WHERE n = 1")).await,
            500,
            "{what}"
        );
        assert_eq!(
            int(&t.url, "SELECT batches FROM migrate_backfills").await,
            (500 + 36) / 37,
            "{what}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_table_without_a_usable_key_is_refused_with_the_fix() {
    for t in targets().await {
        let create = "CREATE TABLE items (id integer NOT NULL, grp integer, v integer, n integer NOT NULL DEFAULT 0);\n\
                      INSERT INTO items (id) VALUES (1), (2), (3);\n";
        for (fill, needle) in [
            (
                "-- migrate:batch table=items\nUPDATE items SET n = n + 1 WHERE :batch;\n",
                "has no primary key",
            ),
            (
                "-- migrate:batch table=items key=grp\nUPDATE items SET n = n + 1 WHERE :batch;\n",
                "`grp`, which may be NULL",
            ),
            (
                "-- migrate:batch table=items key=nope\nUPDATE items SET n = n + 1 WHERE :batch;\n",
                "`nope`, which table `items` does not have",
            ),
            (
                "-- migrate:batch table=itemz\nUPDATE itemz SET n = n + 1 WHERE :batch;\n",
                "`itemz`, which does not exist",
            ),
        ] {
            let (p, v) = project(
                t.dialect,
                "",
                &[("create_items", create), ("fill_items", fill)],
            );
            let up = run(p.path(), &t.url, &["up"]);
            let what = format!("{}: {needle}", t.dialect);
            let shown = text(&up);
            assert_eq!(up.status.code(), Some(1), "{what}: {shown}");
            assert!(shown.contains(needle), "{what}: {shown}");
            assert!(
                shown.contains("add `key=…`") || shown.contains("check `table=`"),
                "{what}: the fix: {shown}"
            );
            assert_eq!(
                int(&t.url, "SELECT count(*) FROM items WHERE n > 0").await,
                0,
                "{what}"
            );
            let recorded = format!(
                "SELECT count(*) FROM migrate_history WHERE version = {}",
                v[1]
            );
            assert_eq!(int(&t.url, &recorded).await, 0, "{what}");
            let _ = Connection::connect(&t.url)
                .await
                .expect("connect")
                .execute("DROP TABLE items; DROP TABLE migrate_history")
                .await;
        }
        // Named as its unique NOT NULL key, the same table walks.
        let fill = "-- migrate:batch table=items key=id\nUPDATE items SET v = id * 2, n = n + 1 WHERE :batch;\n";
        let (p, _) = project(
            t.dialect,
            "",
            &[("create_items", create), ("fill_items", fill)],
        );
        let up = run(p.path(), &t.url, &["up"]);
        assert!(up.status.success(), "{}: {}", t.dialect, text(&up));
        every_row_once(&t.url, 3, t.dialect).await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_paused_backfill_stops_up_until_it_is_resumed() {
    for t in targets().await {
        let (p, v, child) = under_way(&t).await;
        let pause = run(p.path(), &t.url, &["backfill", "pause"]);
        let what = format!("{}: pause", t.dialect);
        assert!(pause.status.success(), "{what}: {}", text(&pause));
        let up = wait(child);
        let shown = text(&up);
        assert_eq!(up.status.code(), Some(3), "{what}: {shown}");
        assert!(
            shown.contains("is a backfill that is paused"),
            "{what}: {shown}"
        );
        assert!(shown.contains("migrate backfill resume"), "{what}: {shown}");
        assert!(
            try_int(&t.url, "SELECT count(*) FROM after_fill")
                .await
                .is_none(),
            "{what}: the file after it did not run"
        );
        let status = run(
            p.path(),
            &t.url,
            &["backfill", "status", "--format", "json"],
        );
        let value: serde_json::Value = serde_json::from_slice(&status.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&status)));
        assert_eq!(value["backfills"][0]["state"], "paused", "{what}: {value}");
        assert_eq!(
            value["backfills"][0]["version"].to_string(),
            v[1],
            "{what}: {value}"
        );
        let shown = text(&run(p.path(), &t.url, &["status"]));
        assert!(
            shown.contains(&format!(
                "note: {}_fill_items is a backfill under way: ",
                v[1]
            )) && shown.contains("walked, paused"),
            "{what}: {shown}"
        );
        let again = run(p.path(), &t.url, &["up"]);
        assert_eq!(
            again.status.code(),
            Some(3),
            "{what}: still paused: {}",
            text(&again)
        );
        let resume = run(p.path(), &t.url, &["backfill", "resume", &v[1]]);
        assert!(resume.status.success(), "{what}: {}", text(&resume));
        let up = run(p.path(), &t.url, &["up"]);
        assert!(up.status.success(), "{what}: {}", text(&up));
        every_row_once(&t.url, i64::from(UNDER_WAY_ROWS), &what).await;
        assert_eq!(
            int(&t.url, "SELECT count(*) FROM after_fill").await,
            0,
            "{what}"
        );
        let status = run(p.path(), &t.url, &["backfill", "status", &v[1]]);
        let shown = text(&status);
        assert!(
            shown.contains("finished") && shown.contains("100.0%"),
            "{what}: {shown}"
        );
        let unknown = run(p.path(), &t.url, &["backfill", "status", &v[0]]);
        assert_eq!(unknown.status.code(), Some(1), "{what}: {}", text(&unknown));
        assert!(
            text(&unknown).contains(&format!("no batch file has version {}", v[0])),
            "{what}"
        );
        let nothing = run(p.path(), &t.url, &["backfill", "resume"]);
        assert_eq!(nothing.status.code(), Some(1), "{what}: {}", text(&nothing));
        assert!(text(&nothing).contains("no paused backfill"), "{what}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_batch_that_waits_too_long_for_a_lock_backs_off_and_goes_on() {
    use std::io::{BufRead, BufReader};
    for t in targets().await {
        let rows = 10_000;
        let (p, v) = project(
            t.dialect,
            "backfill_pause = \"20ms\"\nlock_timeout = \"100ms\"\nlock_retries = 20\n",
            &[("create_items", &create_items(rows)), ("fill_items", FILL)],
        );
        let mut child = spawn(p.path(), &t.url, &["up"]);
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        until(
            &t.url,
            "SELECT count(*) FROM migrate_backfills WHERE batches >= 1",
        )
        .await;
        // Another session takes what every batch needs, and keeps it until a batch gave way.
        let mut holder = Connection::connect(&t.url).await.expect("connect");
        let lock = if t.dialect == "postgres" {
            "BEGIN; LOCK TABLE items IN EXCLUSIVE MODE"
        } else {
            "BEGIN IMMEDIATE"
        };
        holder.execute(lock).await.expect(lock);
        let what = format!("{}: a busy table", t.dialect);
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut seen = Vec::new();
        loop {
            match lines.try_recv() {
                Ok(line) if line.contains("gave up waiting for a lock") => break,
                Ok(line) => seen.push(line),
                Err(_) => {
                    assert!(
                        Instant::now() < deadline,
                        "{what}: no batch gave way: {seen:?}"
                    );
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
        holder.execute("COMMIT").await.expect("COMMIT");
        holder.close().await;
        let status = child.wait().expect("migrate ends");
        reader.join().expect("the reader");
        assert!(status.success(), "{what}: {seen:?}");
        every_row_once(&t.url, i64::from(rows), &what).await;
        let recorded = format!(
            "SELECT count(*) FROM migrate_history WHERE version = {}",
            v[1]
        );
        assert_eq!(int(&t.url, &recorded).await, 1, "{what}");
    }
}

/// What `embed_migrations!` would embed: a table, and a batch file filling it.
static EMBEDDED: [migrate_core::EmbeddedMigration; 2] = [
    migrate_core::EmbeddedMigration {
        version: 20240101000000,
        name: "create_items",
        content: "CREATE TABLE items (id integer PRIMARY KEY, grp integer NOT NULL, v integer, n integer NOT NULL DEFAULT 0);\n\
                  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) \
                  INSERT INTO items (id, grp) SELECT x, x % 7 FROM c;\n",
        checksum: "embedded",
        no_transaction: false,
        lock_timeout: None,
        statement_timeout: None,
    },
    migrate_core::EmbeddedMigration {
        version: 20240101000001,
        name: "fill_items",
        content: FILL,
        checksum: "embedded",
        no_transaction: false,
        lock_timeout: None,
        statement_timeout: None,
    },
];

#[tokio::test(flavor = "current_thread")]
async fn the_embedded_migrator_runs_batch_files_through_the_engine() {
    let migrator = migrate_core::Migrator::new(&EMBEDDED);
    let pg = TestDb::new().await;
    let summary = migrator.run(&pg.pool().await).await.expect("PostgreSQL");
    assert_eq!(summary.applied.len(), 2);
    every_row_once(&pg.url, 3000, "postgres: Migrator").await;
    assert_eq!(
        int(&pg.url, "SELECT batches FROM migrate_backfills").await,
        3000 / 50,
        "postgres: Migrator: in batches of size="
    );
    let file = TestFile::new();
    let summary = migrator.run(&file.pool().await).await.expect("SQLite");
    assert_eq!(summary.applied.len(), 2);
    every_row_once(&file.url, 3000, "sqlite: Migrator").await;
    assert_eq!(
        int(&file.url, "SELECT batches FROM migrate_backfills").await,
        3000 / 50,
        "sqlite: Migrator: in batches of size="
    );
}

#[test]
fn bad_batch_files_are_refused_before_anything_runs() {
    for (fill, line, needle) in [
        (
            "-- migrate:batch table=items\nUPDATE items SET n = 1 WHERE :batch;\nUPDATE items SET n = 2 WHERE :batch;\n",
            3,
            "exactly one UPDATE or DELETE",
        ),
        (
            "-- migrate:batch table=items\nUPDATE items SET n = 1;\n",
            2,
            "has no `:batch`",
        ),
        (
            "-- migrate:batch tabel=items\nUPDATE items SET n = 1 WHERE :batch;\n",
            1,
            "did you mean `table=`?",
        ),
        (
            "-- migrate:batch table=items size=0\nUPDATE items SET n = 1 WHERE :batch;\n",
            1,
            "from 1 to 1000000",
        ),
    ] {
        for dialect in ["postgres", "sqlite"] {
            let (p, v) = project(
                dialect,
                "",
                &[("create_items", &create_items(3)), ("fill_items", fill)],
            );
            let file = format!("{}_fill_items.sql:{line}", v[1]);
            let check = run(p.path(), "sqlite::memory:", &["check"]);
            let shown = text(&check);
            assert_eq!(check.status.code(), Some(1), "{dialect} {fill}: {shown}");
            assert!(shown.contains(needle), "{dialect} {fill}: {shown}");
            assert!(shown.contains(&file), "{dialect} {fill}: {shown}");
            if dialect == "sqlite" {
                let db = p.path().join("t.db");
                let url = format!("sqlite://{}?mode=rwc", db.display());
                let up = run(p.path(), &url, &["up"]);
                let shown = text(&up);
                assert_eq!(up.status.code(), Some(1), "{fill}: {shown}");
                assert!(shown.contains(needle), "{fill}: {shown}");
                assert!(shown.contains("nothing was run"), "{fill}: {shown}");
            }
        }
    }
}

/// PostgreSQL: `items`, and a trigger that holds the first batch's transaction open (its row
/// locks held) until another session waits for it — so that a writer is blocked on a row of
/// the batch when the engine asks, with no timing involved. Bounded: after 60 s it lets go, and
/// the test fails on the missing event.
fn create_items_held(rows: u32) -> String {
    format!(
        "{}CREATE TABLE gate (armed boolean NOT NULL);\n\
         INSERT INTO gate VALUES (true);\n\
         CREATE FUNCTION hold_until_waited() RETURNS trigger LANGUAGE plpgsql AS $$\n\
         BEGIN\n\
           IF (SELECT armed FROM gate) THEN\n\
             FOR i IN 1..6000 LOOP\n\
               PERFORM pg_stat_clear_snapshot();\n\
               EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid)));\n\
               PERFORM pg_sleep(0.01);\n\
             END LOOP;\n\
             UPDATE gate SET armed = false;\n\
           END IF;\n\
           RETURN NULL;\n\
         END $$;\n\
         CREATE TRIGGER hold AFTER UPDATE ON items FOR EACH STATEMENT EXECUTE FUNCTION hold_until_waited();\n",
        create_items(rows)
    )
}

/// The JSON lines of a run's output that are `event`s.
fn events(o: &Output, event: &str) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&o.stderr).lines())
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["event"] == event)
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn a_batch_writers_wait_for_gives_way_and_the_next_is_smaller() {
    let t = postgres().await;
    let rows = 400;
    let (p, v) = project(
        t.dialect,
        "",
        &[
            ("create_items", &create_items_held(rows)),
            ("fill_items", FILL),
        ],
    );
    let child = spawn(p.path(), &t.url, &["up", "--format", "json"]);
    // A writer: once row 1 is locked (the first batch holds it, kept open by the trigger), it
    // updates it, and waits for the batch.
    let mut writer = Connection::connect(&t.url).await.expect("connect");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match writer
            .execute("SELECT 1 FROM items WHERE id = 1 FOR UPDATE NOWAIT")
            .await
        {
            Err(e) if e.to_string().contains("could not obtain lock") => break,
            // Not there yet, or not locked yet.
            _ => {
                assert!(Instant::now() < deadline, "row 1 was never locked");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    let n = writer
        .execute("UPDATE items SET grp = grp + 100 WHERE id = 1")
        .await
        .expect("the writer's update, once the batch committed");
    assert_eq!(n, 1);
    writer.close().await;
    let up = wait(child);
    assert!(up.status.success(), "{}", text(&up));
    let gave_way = events(&up, "backfill_giving_way");
    assert_eq!(gave_way.len(), 1, "{}", text(&up));
    assert_eq!(gave_way[0]["reason"], "writers", "{}", gave_way[0]);
    assert_eq!(gave_way[0]["waiting"], 1, "{}", gave_way[0]);
    assert_eq!(gave_way[0]["next_size"], 25, "{}", gave_way[0]);
    assert!(
        gave_way[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("writers waited: giving way")),
        "{}",
        gave_way[0]
    );
    every_row_once(&t.url, i64::from(rows), "postgres: writers waited").await;
    assert_eq!(
        int(&t.url, "SELECT grp::bigint FROM items WHERE id = 1").await,
        101,
        "the writer's update is kept"
    );
    // 50 (writers waited), 25, then 50 again: one batch more than 400 / 50.
    assert_eq!(
        int(
            &t.url,
            &format!(
                "SELECT batches FROM migrate_backfills WHERE version = {}",
                v[1]
            )
        )
        .await,
        i64::from(rows / 50 + 1),
        "the batch after the one writers waited for is smaller"
    );
}

/// `url` connecting as `user` with `password` instead.
fn as_user(url: &str, user: &str, password: &str) -> String {
    let scheme = url.find("://").expect("a URL") + 3;
    let at = url[scheme..].find('@').expect("a user in the URL") + scheme;
    format!("{}{user}:{password}{}", &url[..scheme], &url[at..])
}

#[tokio::test(flavor = "current_thread")]
async fn no_replicas_or_an_unreadable_replication_view_holds_no_batch_back() {
    // No replica: `pg_stat_replication` is empty, and the smallest `backfill_max_lag` never
    // makes a batch wait.
    let t = postgres().await;
    let config = "backfill_max_lag = \"1ms\"\n";
    let files = [
        ("create_items", create_items(200)),
        ("fill_items", FILL.to_string()),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, s)| (*n, s.as_str())).collect();
    let (p, _) = project(t.dialect, config, &files);
    let up = run(p.path(), &t.url, &["up", "--format", "json"]);
    assert!(up.status.success(), "{}", text(&up));
    assert_eq!(
        events(&up, "backfill_giving_way"),
        Vec::<serde_json::Value>::new()
    );
    every_row_once(&t.url, 200, "postgres: no replica").await;

    // A role that may not read the view: the lag is noted once as unreadable (a debug line in
    // JSON, nothing in text), and the batches go on.
    let t = postgres().await;
    let role = format!("migrate_no_stats_{}", std::process::id());
    let mut admin = Connection::connect(&t.url).await.expect("connect");
    for sql in [
        format!("CREATE ROLE {role} LOGIN PASSWORD 'secret'"),
        "REVOKE SELECT ON pg_catalog.pg_stat_replication FROM PUBLIC".to_string(),
        format!("GRANT CREATE, USAGE ON SCHEMA public TO {role}"),
    ] {
        admin
            .execute(&sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let url = as_user(&t.url, &role, "secret");
    let (p, _) = project(t.dialect, config, &files);
    let up = run(p.path(), &url, &["up", "--format", "json"]);
    let shown = text(&up);
    // The same in text, on another batch file: nothing said.
    let mut more = files.clone();
    more.push((
        "touch_items",
        "-- migrate:batch table=items size=50\nUPDATE items SET grp = grp WHERE :batch;\n",
    ));
    let (p2, _) = project(t.dialect, config, &more);
    let plain = run(p2.path(), &url, &["up"]);
    every_row_once(&t.url, 200, "postgres: an unreadable view").await;
    for sql in [format!("DROP OWNED BY {role}"), format!("DROP ROLE {role}")] {
        admin
            .execute(&sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    admin.close().await;
    assert!(up.status.success(), "{shown}");
    let noted = events(&up, "backfill_giving_way");
    assert_eq!(noted.len(), 1, "{shown}");
    assert_eq!(noted[0]["reason"], "lag_unreadable", "{}", noted[0]);
    assert_eq!(noted[0]["level"], "debug", "{}", noted[0]);
    assert!(
        noted[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("permission denied")),
        "{}",
        noted[0]
    );
    assert!(plain.status.success(), "{}", text(&plain));
    assert!(
        text(&plain).contains("applied  20240101000002_touch_items"),
        "{}",
        text(&plain)
    );
    assert!(
        !text(&plain).contains("replication lag"),
        "{}",
        text(&plain)
    );
}
