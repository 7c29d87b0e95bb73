//! `migrate up` and `migrate status` on a fleet: the same migrations on many databases, a few at
//! a time, one database's failure reported and confined to it, a rerun that applies only what is
//! left, shards of an Indexed Job that cover the fleet once, and no password in any output.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use migrate_core::migration::{MigrationDir, Version};
use migrate_tests::pg::TestDb;
use serde_json::Value;
use tempfile::TempDir;

/// The password every PostgreSQL target's URL carries (the test server trusts local
/// connections, so any password is accepted) and no output may show.
const SECRET: &str = "fleet-S3CRET-pw";

fn migrate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migrate"))
        .current_dir(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove(migrate_core::fleet::JOB_COMPLETION_INDEX)
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

/// Every JSON line of stdout.
fn json_lines(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The object of the line whose `event` is `event` (the last such).
fn event<'a>(lines: &'a [Value], event: &str) -> &'a Value {
    lines
        .iter()
        .rev()
        .find(|l| l["event"] == event)
        .unwrap_or_else(|| panic!("no {event} line in {lines:?}"))
}

fn assert_no_password(o: &Output, what: &str) {
    let all = text(o);
    assert!(!all.contains(SECRET), "password printed by {what}:\n{all}");
}

/// A project with three migrations and `config` appended to migrate.toml.
fn project(dialect: &str, config: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!(
            "dialect = \"{dialect}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\nlock_timeout = \"2s\"\n{config}"
        ),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), "").expect("schema");
    let mut md = MigrationDir::create(dir.path().join("migrations")).expect("migration dir");
    let start = Version::parse("20240101000000").expect("version");
    for (name, sql) in [
        (
            "pets",
            "-- Pets.\nCREATE TABLE pets (id integer PRIMARY KEY, name text NOT NULL);\n",
        ),
        (
            "owners",
            "-- Owners.\nCREATE TABLE owners (id integer PRIMARY KEY, pet_id integer REFERENCES pets (id));\n",
        ),
        (
            "pets_name",
            "-- Pets by name.\nCREATE INDEX pets_name_idx ON pets (name);\n",
        ),
    ] {
        md.add_at(name, sql, start).expect("add migration");
    }
    dir
}

/// `url` with the user `postgres` and [`SECRET`] as its password.
fn with_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://postgres:{SECRET}@{host}")
}

async fn pg_scalar(url: &str, sql: &str) -> i64 {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut c)
        .await
        .expect(sql)
}

async fn pg_execute(url: &str, sql: &str) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
}

/// The row of `label` in the summary table.
fn table_row<'a>(o: &'a str, label: &str) -> &'a str {
    o.lines()
        .find(|l| l.starts_with(&format!("{label} ")))
        .unwrap_or_else(|| panic!("no row for {label} in:\n{o}"))
}

#[tokio::test(flavor = "current_thread")]
async fn twenty_databases_four_at_a_time_one_fails_and_a_rerun_applies_only_it() {
    let mut dbs = Vec::new();
    for _ in 0..20 {
        dbs.push(TestDb::new().await);
    }
    let urls: Vec<String> = dbs.iter().map(|d| with_password(&d.url)).collect();
    let labels: Vec<String> = urls
        .iter()
        .map(|u| migrate_core::redact::redact_url(u))
        .collect();
    // Database 7 already has a `pets` table of its own: the first migration fails there.
    const BROKEN: usize = 7;
    pg_execute(&dbs[BROKEN].url, "CREATE TABLE pets (legacy text)").await;

    let p = project(
        "postgres",
        "[environments.tenants]\ntargets_file = \"tenants.txt\"\n",
    );
    let mut list = String::from("# one database per tenant\n\n");
    for (i, u) in urls.iter().enumerate() {
        list.push_str(&format!("{u}   # tenant {i}\n"));
    }
    fs::write(p.path().join("tenants.txt"), list).expect("targets");

    let first = migrate(p.path(), &["up", "--env", "tenants", "--jobs", "4"]);
    assert_no_password(&first, "the first run");
    let out = text(&first);
    assert_eq!(
        first.status.code(),
        Some(1),
        "a failed target is exit 1:\n{out}"
    );
    assert!(
        out.contains("fleet: migrating 20 database(s), 4 at a time"),
        "{out}"
    );
    for (i, label) in labels.iter().enumerate() {
        let row = table_row(&out, label);
        if i == BROKEN {
            assert!(row.contains(" failed "), "{row}");
            assert!(row.contains("relation \"pets\" already exists"), "{row}");
        } else {
            assert!(row.contains(" applied ") && row.contains("  3  "), "{row}");
        }
    }
    assert!(
        out.contains("fleet: 20 database(s): 19 applied, 1 failed"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "not done: {} (see their errors above)",
            labels[BROKEN]
        )),
        "{out}"
    );
    // Its own error is printed under its label, with the way out.
    assert!(
        out.lines().any(|l| l.starts_with(&format!(
            "[{}] error: migration 20240101000000_pets failed",
            labels[BROKEN]
        ))),
        "{out}"
    );
    for (i, db) in dbs.iter().enumerate() {
        let applied = pg_scalar(&db.url, "SELECT COUNT(*) FROM migrate_history").await;
        let owners = pg_scalar(
            &db.url,
            "SELECT COUNT(*) FROM pg_class WHERE relname IN ('owners', 'pets_name_idx')",
        )
        .await;
        if i == BROKEN {
            // Its transaction rolled back: its own table as it was, nothing recorded.
            assert_eq!((applied, owners), (0, 0), "database {i}");
            let legacy = pg_scalar(
                &db.url,
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'pets' AND column_name = 'legacy'",
            )
            .await;
            assert_eq!(legacy, 1);
        } else {
            assert_eq!((applied, owners), (3, 2), "database {i}");
        }
    }

    // `status` says the same, target by target.
    let status = migrate(
        p.path(),
        &["status", "--env", "tenants", "--format", "json"],
    );
    assert_no_password(&status, "status");
    assert_eq!(status.status.code(), Some(0), "{}", text(&status));
    let lines = json_lines(&status);
    let summary = event(&lines, "fleet_status");
    assert_eq!(summary["counts"]["up-to-date"], 19, "{summary}");
    assert_eq!(summary["counts"]["pending"], 1, "{summary}");
    let broken = summary["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["target"] == labels[BROKEN].as_str())
        .expect("the broken target's row");
    assert_eq!(
        (broken["pending"].clone(), broken["applied"].clone()),
        (3.into(), 0.into())
    );

    // Fixed by hand, the rerun applies the broken one only: the others are up to date.
    pg_execute(&dbs[BROKEN].url, "DROP TABLE pets").await;
    let rerun = migrate(
        p.path(),
        &["up", "--env", "tenants", "--jobs", "4", "--format", "json"],
    );
    assert_no_password(&rerun, "the rerun");
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun));
    let lines = json_lines(&rerun);
    let applying: Vec<&Value> = lines.iter().filter(|l| l["event"] == "applying").collect();
    assert_eq!(applying.len(), 3, "{lines:?}");
    assert!(
        applying
            .iter()
            .all(|l| l["target"] == labels[BROKEN].as_str())
    );
    let done = event(&lines, "fleet_done");
    assert_eq!(done["ok"], true);
    assert_eq!(done["counts"]["applied"], 1, "{done}");
    assert_eq!(done["counts"]["up-to-date"], 19, "{done}");
    assert_eq!(done["failed"], serde_json::json!([]));
    assert_eq!(
        pg_scalar(&dbs[BROKEN].url, "SELECT COUNT(*) FROM migrate_history").await,
        3
    );
    for db in dbs {
        db.close().await.expect("drop");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_unreachable_target_is_named_in_text_and_json_without_its_password() {
    let p = project("sqlite", "");
    let unreachable = "sqlite://missing-dir/x.db";
    // A server that is not there, with a password.
    let dir = p.path();
    fs::write(
        dir.join("targets.txt"),
        format!("sqlite://a.db\nsqlite://b.db\n{unreachable}\n"),
    )
    .expect("targets");
    let text_run = migrate(dir, &["up", "--targets-file", "targets.txt", "--jobs", "2"]);
    let out = text(&text_run);
    assert_eq!(
        text_run.status.code(),
        Some(2),
        "unreachable alone is exit 2:\n{out}"
    );
    assert!(
        table_row(&out, "sqlite://a.db").contains(" applied "),
        "{out}"
    );
    assert!(
        out.contains("fleet: 3 database(s): 2 applied, 1 unreachable"),
        "{out}"
    );

    let pg = project("postgres", "");
    let url = format!("postgres://app:{SECRET}@127.0.0.1:1/nowhere");
    fs::write(pg.path().join("targets.txt"), format!("{url}\n")).expect("targets");
    for format in ["text", "json"] {
        let o = migrate(
            pg.path(),
            &["up", "--targets-file", "targets.txt", "--format", format],
        );
        assert_no_password(&o, format);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let o = migrate(
            pg.path(),
            &[
                "status",
                "--targets-file",
                "targets.txt",
                "--format",
                format,
            ],
        );
        assert_no_password(&o, format);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    }
    let o = migrate(
        pg.path(),
        &["up", "--targets-file", "targets.txt", "--format", "json"],
    );
    let lines = json_lines(&o);
    let done = event(&lines, "fleet_done");
    assert_eq!(
        done["failed"],
        serde_json::json!(["postgres://app:***@127.0.0.1:1/nowhere"])
    );
    assert_eq!(done["results"][0]["state"], "unreachable");
}

#[tokio::test(flavor = "current_thread")]
async fn sqlite_files_listed_by_a_command_split_into_shards_cover_the_fleet_once() {
    let p = project(
        "sqlite",
        "[environments.shards]\ntargets_command = \"for i in 0 1 2 3 4 5 6 7; do echo sqlite://t$i.db; done\"\n",
    );
    let dir = p.path();
    let mut seen = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let o = migrate(
            dir,
            &[
                "up", "--env", "shards", "--shard", &shard, "--format", "json",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let lines = json_lines(&o);
        let done = event(&lines, "fleet_done");
        assert_eq!(done["shard"], shard.as_str());
        assert_eq!(done["listed"], 8);
        for r in done["results"].as_array().expect("results") {
            assert_eq!(r["state"], "applied", "{r}");
            assert_eq!(r["applied"], 3, "{r}");
            seen.push(r["target"].as_str().expect("label").to_string());
        }
    }
    seen.sort();
    let all: Vec<String> = (0..8).map(|i| format!("sqlite://t{i}.db")).collect();
    assert_eq!(seen, all, "every database once, in exactly one shard");
    for i in 0..8 {
        assert!(dir.join(format!("t{i}.db")).exists());
    }
    // `auto` reads the index an Indexed Job gives; the whole fleet is up to date now. The
    // fleet chosen with --env wins over an ambient DATABASE_URL.
    let o = Command::new(env!("CARGO_BIN_EXE_migrate"))
        .current_dir(dir)
        .args(["up", "--env", "shards", "--shard", "auto/3"])
        .env(migrate_core::fleet::JOB_COMPLETION_INDEX, "1")
        .env("DATABASE_URL", "sqlite://ambient.db")
        .env("NO_COLOR", "1")
        .output()
        .expect("migrate runs");
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(!dir.join("ambient.db").exists(), "{out}");
    assert!(out.contains("(shard 1/3: "), "{out}");
    assert!(
        out.contains("already up to date: their history records every migration"),
        "{out}"
    );
    let status = migrate(dir, &["status", "--env", "shards"]);
    let out = text(&status);
    assert_eq!(status.status.code(), Some(0), "{out}");
    assert!(out.contains("fleet: 8 database(s): 8 up-to-date"), "{out}");

    // A table made by hand on one database: that one drifted, named with its difference.
    {
        use sqlx::Connection;
        let url = format!("sqlite://{}", dir.join("t5.db").display());
        let mut c = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("connect");
        sqlx::raw_sql("CREATE TABLE by_hand (id integer PRIMARY KEY)")
            .execute(&mut c)
            .await
            .expect("create");
        c.close().await.expect("close");
    }
    let status = migrate(dir, &["status", "--env", "shards"]);
    let out = text(&status);
    assert_eq!(status.status.code(), Some(0), "drift alone exits 0:\n{out}");
    assert!(
        table_row(&out, "sqlite://t5.db").contains(" drifted "),
        "{out}"
    );
    assert!(
        table_row(&out, "sqlite://t5.db").ends_with("1 difference(s)"),
        "{out}"
    );
    assert!(
        out.contains("fleet: 8 database(s): 7 up-to-date, 1 drifted"),
        "{out}"
    );
    assert!(
        out.contains("  - drift: ") && out.contains("`by_hand`"),
        "{out}"
    );
    let status = migrate(
        dir,
        &[
            "status",
            "--env",
            "shards",
            "--exit-code",
            "--format",
            "json",
        ],
    );
    assert_eq!(status.status.code(), Some(1), "{}", text(&status));
    let lines = json_lines(&status);
    let summary = event(&lines, "fleet_status");
    assert_eq!(summary["counts"]["drifted"], 1, "{summary}");

    // --fail-fast: after a failure nothing more starts.
    fs::write(dir.join("broken.db"), "not a database").expect("write");
    fs::write(
        dir.join("ff.txt"),
        "sqlite://broken.db\nsqlite://n1.db\nsqlite://n2.db\n",
    )
    .expect("targets");
    let o = migrate(
        dir,
        &[
            "up",
            "--targets-file",
            "ff.txt",
            "--jobs",
            "1",
            "--fail-fast",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let lines = json_lines(&o);
    let done = event(&lines, "fleet_done");
    assert_eq!(done["counts"]["not-started"], 2, "{done}");
    assert!(!dir.join("n1.db").exists() && !dir.join("n2.db").exists());
}

#[test]
fn a_fleet_is_refused_before_anything_runs_when_its_list_is_wrong() {
    let p = project(
        "postgres",
        "[environments.prod]\ndatabase_urls = [\"postgres://u:pw@h/a\", \"sqlite://x.db\"]\n",
    );
    let o = migrate(p.path(), &["up", "--env", "prod"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains("the database URL sqlite://x.db is sqlite"),
        "{out}"
    );
    assert!(out.contains("(listed at database_urls[1])"), "{out}");
    fs::write(
        p.path().join("t.txt"),
        "postgres://u:pw@h/a\npostgres://u:pw@h/a\n",
    )
    .expect("write");
    let o = migrate(p.path(), &["up", "--targets-file", "t.txt"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains(
            "postgres://u:***@h/a is listed twice in the fleet: at t.txt:1 and at t.txt:2"
        ),
        "{out}"
    );
    let o = migrate(p.path(), &["up", "--env", "prod", "--shard", "4/4"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("shards are numbered from 0"),
        "{}",
        text(&o)
    );
    let o = migrate(p.path(), &["diff", "--env", "prod"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("environment `prod` is a fleet of databases (`database_urls`)"));
}

/// The hard passwords of `secrets.rs` (unencoded `#`, `?`, `/`, `@`, query parameters,
/// percent-encoded, libpq keywords), listed as one fleet of servers that are not there.
#[test]
fn hard_passwords_in_a_targets_file_never_print() {
    const URLS: &[&str] = &[
        "postgres://app:ab#SECRET@127.0.0.1:1/db1",
        "postgres://app:ab?SECRET@127.0.0.1:1/db2",
        "postgres://app:12/SECRET@127.0.0.1:1/db3",
        "postgres://app:a@b/SECRET@127.0.0.1:1/db4",
        "postgres://app:p@SECRET@127.0.0.1:1/db5",
        "postgres://app:SECRET@127.0.0.1:1/db6?sslmode=disable",
        "postgres://127.0.0.1:1/db7?user=app&password=SECRET",
        "postgresql://app:%53ECRET@127.0.0.1:1/db8",
    ];
    let p = project("postgres", "");
    let list: String = URLS.iter().map(|u| format!("{u}\n")).collect();
    fs::write(p.path().join("targets.txt"), list).expect("targets");
    for command in ["up", "status"] {
        for format in ["text", "json"] {
            let o = migrate(
                p.path(),
                &[
                    command,
                    "--targets-file",
                    "targets.txt",
                    "--jobs",
                    "8",
                    "--format",
                    format,
                ],
            );
            let all = text(&o);
            for secret in ["SECRET", "%53ECRET"] {
                assert!(!all.contains(secret), "{command} {format}:\n{all}");
            }
            assert_eq!(o.status.code(), Some(2), "{command} {format}:\n{all}");
            if format == "json" {
                let lines = json_lines(&o);
                let last = lines.last().expect("a summary");
                assert_eq!(last["results"].as_array().map(Vec::len), Some(URLS.len()));
            }
        }
    }
    // Listed twice, or of another dialect: refused by name, password masked.
    fs::write(
        p.path().join("twice.txt"),
        format!("{}\n{}\nsqlite://x.db?password=SECRET\n", URLS[0], URLS[0]),
    )
    .expect("targets");
    let o = migrate(p.path(), &["up", "--targets-file", "twice.txt"]);
    assert!(!text(&o).contains("SECRET"), "{}", text(&o));
    assert!(
        text(&o).contains("is listed twice in the fleet"),
        "{}",
        text(&o)
    );
}
