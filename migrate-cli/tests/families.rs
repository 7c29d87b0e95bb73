//! Table families through the `migrate` binary, on a real PostgreSQL database and a SQLite file:
//! members created by the application (with the SQL `migrate` gives for a new member), a change
//! to the template generated as one family migration and applied to every member the database
//! holds when it runs (one created after the migration was written too), all or nothing, hostile
//! member names quoted; with a lock budget, in batches that a killed run resumes.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use migrate_core::db::Connection;
use migrate_core::family::run::{Member, status};
use migrate_core::schema::{Schema, load_str};
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use tempfile::TempDir;

struct Target {
    dialect: &'static str,
    url: String,
    /// The family's PostgreSQL schema (SQLite: none).
    schema: Option<&'static str>,
    _pg: Option<TestDb>,
    _file: Option<TestFile>,
}

async fn targets() -> Vec<Target> {
    let db = TestDb::new().await;
    let f = TestFile::new();
    vec![
        Target {
            dialect: "postgres",
            url: db.url.clone(),
            schema: Some("audience"),
            _pg: Some(db),
            _file: None,
        },
        Target {
            dialect: "sqlite",
            url: f.url.clone(),
            schema: None,
            _pg: None,
            _file: Some(f),
        },
    ]
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

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The family's template, version 1, or 2 (a new column, and a check no row may fail).
fn schema_text(t: &Target, version: u8) -> String {
    let schema = t
        .schema
        .map_or_else(String::new, |s| format!("schema = \"{s}\"\n"));
    let mut s = format!(
        "[families.audience_data]\nmodel = \"AudienceData\"\npattern = \"audience_data_{{app}}\"\n{schema}\
         [families.audience_data.columns]\nid = {{ type = \"bigint\", primary_key = true }}\nname = {{ type = \"text\" }}\n"
    );
    if version >= 2 {
        s.push_str("updated_at = { type = \"text\", default = \"'never'\" }\n");
        s.push_str("[[families.audience_data.checks]]\nname = \"audience_data_name_known\"\nexpr = \"name <> 'bad'\"\n");
    }
    s
}

fn schema(t: &Target, version: u8) -> Schema {
    load_str("schema.toml", &schema_text(t, version)).unwrap_or_else(|e| panic!("{e}"))
}

/// A project with the family at version 1 and its snapshot recorded.
fn project(t: &Target, config: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!(
            "dialect = \"{}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n{config}",
            t.dialect
        ),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), schema_text(t, 1)).expect("schema");
    let g = run(dir.path(), &t.url, &["generate"]);
    assert!(g.status.success(), "{}", text(&g));
    dir
}

async fn exec(url: &str, sql: &str) {
    let mut c = Connection::connect(url).await.expect("connect");
    c.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    c.close().await;
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

/// What the application does: creates the member of `key` with the SQL `migrate` gives, for the
/// template as `version` declares it.
async fn create_member(t: &Target, version: u8, key: &str) {
    let dialect = migrate_core::config::Dialect::parse(t.dialect).expect("dialect");
    let sql = schema(t, version)
        .create_member_sql("audience_data", dialect, key)
        .expect("member SQL");
    exec(&t.url, &sql).await;
}

async fn members(t: &Target, version: u8) -> Vec<Member> {
    let s = schema(t, version);
    let mut c = Connection::connect(&t.url).await.expect("connect");
    let m = status(&mut c, &s.families[0]).await.expect("family status");
    c.close().await;
    m
}

/// Members at version 2's shape (they have `updated_at`).
async fn changed(t: &Target) -> usize {
    members(t, 2).await.iter().filter(|m| m.current()).count()
}

/// Hostile keys: quotes, spaces, SQL, non-ASCII.
const HOSTILE: [&str; 4] = [
    "x\"y",
    "a b",
    "1'); DROP TABLE audience_data_0; --",
    "ü{member}",
];

/// 50 members: 46 plain, 4 hostile.
async fn fifty_members(t: &Target) -> Vec<String> {
    if let Some(s) = t.schema {
        exec(&t.url, &format!("CREATE SCHEMA \"{s}\"")).await;
    }
    let mut keys: Vec<String> = (0..46).map(|i| i.to_string()).collect();
    keys.extend(HOSTILE.iter().map(|k| k.to_string()));
    for k in &keys {
        create_member(t, 1, k).await;
    }
    keys
}

fn member_table(t: &Target, key: &str) -> String {
    let name = format!("\"audience_data_{}\"", key.replace('"', "\"\""));
    match t.schema {
        Some(s) => format!("\"{s}\".{name}"),
        None => name,
    }
}

/// Writes the template's version 2 and generates its family migration; the file's path.
fn generate_v2(t: &Target, p: &Path) -> std::path::PathBuf {
    fs::write(p.join("schema.toml"), schema_text(t, 2)).expect("schema v2");
    let g = run(p, &t.url, &["generate"]);
    assert!(g.status.success(), "{}: {}", t.dialect, text(&g));
    let file = fs::read_dir(p.join("migrations"))
        .expect("migrations")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "sql"))
        .expect("a family migration");
    let content = fs::read_to_string(&file).expect("read");
    assert!(
        content.starts_with("-- migrate:family name=audience_data pattern=audience_data_{app}"),
        "{content}"
    );
    file
}

#[tokio::test(flavor = "current_thread")]
async fn fifty_members_gain_a_column_in_one_migration_all_or_nothing() {
    for t in targets().await {
        let what = t.dialect;
        let p = project(&t, "");
        let keys = fifty_members(&t).await;
        generate_v2(&t, p.path());
        // The application creates a member after the migration was written, with the shape it
        // knows (the old one), and one member holds a row the new check refuses.
        create_member(&t, 1, "late").await;
        exec(
            &t.url,
            &format!(
                "INSERT INTO {} (id, name) VALUES (1, 'bad')",
                member_table(&t, &keys[17])
            ),
        )
        .await;
        assert_eq!(members(&t, 2).await.len(), 51, "{what}");
        let up = run(p.path(), &t.url, &["up"]);
        assert!(!up.status.success(), "{what}: {}", text(&up));
        assert!(
            text(&up).contains("audience_data_17")
                && text(&up).contains("no member table was changed"),
            "{what}: {}",
            text(&up)
        );
        assert_eq!(
            changed(&t).await,
            0,
            "{what}: one failure leaves every member as it was"
        );
        assert_eq!(
            int(&t.url, "SELECT count(*) FROM migrate_history").await,
            0,
            "{what}"
        );

        exec(
            &t.url,
            &format!("DELETE FROM {}", member_table(&t, &keys[17])),
        )
        .await;
        let up = run(p.path(), &t.url, &["up"]);
        assert!(up.status.success(), "{what}: {}", text(&up));
        let out = text(&up);
        assert!(out.contains("51 member tables changed"), "{what}: {out}");
        assert!(
            out.contains("member audience_data_late changed"),
            "{what}: {out}"
        );
        assert_eq!(
            out.matches("member audience_data_").count(),
            51,
            "{what}: each member is logged once: {out}"
        );
        let all = members(&t, 2).await;
        assert_eq!(all.len(), 51, "{what}");
        assert!(all.iter().all(Member::current), "{what}: {all:?}");
        for k in HOSTILE {
            assert!(
                all.iter().any(|m| m.key == k),
                "{what}: hostile member {k} kept its name: {all:?}"
            );
        }
        // Nothing was injected: the member the hostile name names is still there.
        assert!(all.iter().any(|m| m.key == "0"), "{what}");
        // The check came with the change: a refused row is refused in every member.
        let mut c = Connection::connect(&t.url).await.expect("connect");
        assert!(
            c.execute(&format!(
                "INSERT INTO {} (id, name) VALUES (2, 'bad')",
                member_table(&t, "late")
            ))
            .await
            .is_err(),
            "{what}"
        );
        c.close().await;
        // Applied once: a second run has nothing to do; `status` shows every member current.
        let again = run(p.path(), &t.url, &["up"]);
        assert!(
            text(&again).contains("up to date"),
            "{what}: {}",
            text(&again)
        );
        let st = run(p.path(), &t.url, &["status"]);
        assert!(
            text(&st).contains("family audience_data: 51 members, all at the template's shape"),
            "{what}: {}",
            text(&st)
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_member_at_the_new_shape_already_is_left_alone_and_json_lines_log_each_member() {
    for t in targets().await {
        let what = t.dialect;
        let p = project(&t, "");
        if let Some(s) = t.schema {
            exec(&t.url, &format!("CREATE SCHEMA \"{s}\"")).await;
        }
        create_member(&t, 1, "old").await;
        generate_v2(&t, p.path());
        // Deployed first, the application creates a member with the new shape.
        create_member(&t, 2, "new").await;
        let st = run(p.path(), &t.url, &["status"]);
        assert!(
            text(&st).contains("1 lacks the template's shape: audience_data_old"),
            "{what}: {}",
            text(&st)
        );
        let up = run(p.path(), &t.url, &["--format", "json", "up"]);
        assert!(up.status.success(), "{what}: {}", text(&up));
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&up.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let logged: Vec<&str> = lines
            .iter()
            .filter(|l| l["event"] == "family_member")
            .filter_map(|m| m["member"].as_str())
            .collect();
        assert_eq!(
            logged,
            ["audience_data_new", "audience_data_old"],
            "{what}: {lines:?}"
        );
        let done = lines
            .iter()
            .find(|l| l["event"] == "family_done")
            .unwrap_or_else(|| panic!("{what}: {lines:?}"));
        assert_eq!(done["changed"], 2, "{what}");
        assert!(members(&t, 2).await.iter().all(Member::current), "{what}");
    }
}

/// Waits until `sql` gives a positive number; bounded, so a hang fails instead of blocking.
async fn until(url: &str, sql: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let mut c = Connection::connect(url).await.expect("connect");
        let n = c.fetch_int(sql).await.unwrap_or(0);
        c.close().await;
        if n > 0 {
            return;
        }
        assert!(Instant::now() < deadline, "never observed: {sql}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn wait(child: Child) -> Output {
    child.wait_with_output().expect("migrate ends")
}

#[tokio::test(flavor = "current_thread")]
async fn with_a_lock_budget_a_killed_run_resumes_after_its_last_batch() {
    for t in targets().await {
        let what = t.dialect;
        let p = project(&t, "backfill_pause = \"300ms\"\n");
        fifty_members(&t).await;
        // The budget: at most 5 member tables per transaction, declared beside the pattern.
        let budgeted = schema_text(&t, 2).replace(
            "pattern = \"audience_data_{app}\"\n",
            "pattern = \"audience_data_{app}\"\nlock_budget = 5\n",
        );
        fs::write(p.path().join("schema.toml"), budgeted).expect("schema v2");
        let g = run(p.path(), &t.url, &["generate"]);
        assert!(g.status.success(), "{what}: {}", text(&g));
        let file = fs::read_dir(p.path().join("migrations"))
            .expect("migrations")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == "sql"))
            .expect("a family migration");
        let content = fs::read_to_string(&file).expect("read");
        assert!(
            content
                .lines()
                .next()
                .is_some_and(|l| l.ends_with(" lock_budget=5")),
            "{content}"
        );

        let mut child = migrate(p.path(), &t.url, &["up"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        until(
            &t.url,
            "SELECT count(*) FROM migrate_backfills WHERE batches >= 2",
        )
        .await;
        child.kill().expect("SIGKILL");
        let _ = wait(child);
        let done = int(&t.url, "SELECT rows_done FROM migrate_backfills").await;
        assert!(
            (10..50).contains(&done),
            "{what}: killed mid-way ({done} done)"
        );
        assert_eq!(done % 5, 0, "{what}: whole batches of 5 committed");
        assert_eq!(
            changed(&t).await as i64,
            done,
            "{what}: the progress row says exactly which members committed"
        );
        assert_eq!(
            int(&t.url, "SELECT count(*) FROM migrate_history").await,
            0,
            "{what}"
        );
        // A member created while the walk is stopped, after its last member, is covered too.
        create_member(&t, 1, "zz_late").await;

        let up = run(p.path(), &t.url, &["up"]);
        assert!(up.status.success(), "{what}: {}", text(&up));
        let out = text(&up);
        assert!(
            out.contains(&format!(
                "{} member tables changed ({done} changed by an earlier run, skipped)",
                51 - done
            )),
            "{what}: {out}"
        );
        let all = members(&t, 2).await;
        assert_eq!(all.len(), 51, "{what}");
        assert!(all.iter().all(Member::current), "{what}: {all:?}");
        assert_eq!(
            int(
                &t.url,
                "SELECT count(*) FROM migrate_backfills WHERE state = 'finished' AND rows_done = 51"
            )
            .await,
            1,
            "{what}"
        );
        assert_eq!(
            int(&t.url, "SELECT count(*) FROM migrate_history").await,
            1,
            "{what}"
        );
    }
}
