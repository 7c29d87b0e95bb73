//! Hand-written migrations are first-class: what the migration directory produces is learned by
//! replaying it on a scratch database (SQLite in memory; PostgreSQL on `dev_database_url` or a
//! throwaway local server), not guessed from the snapshot. Real databases, as processes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use migrate_core::migration::{MigrationDir, Version};
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use tempfile::TempDir;

fn run(dir: &Path, url: &str, args: &[&str]) -> Output {
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

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

/// A database of each dialect: its URL, the `dev_database_url` line for migrate.toml, and the
/// handle that drops it.
struct Target {
    sqlite: bool,
    url: String,
    dev: String,
    _file: Option<TestFile>,
    db: Option<TestDb>,
}

impl Target {
    async fn new(sqlite: bool) -> Target {
        if sqlite {
            let file = TestFile::new();
            Target {
                sqlite,
                url: file.url.clone(),
                dev: String::new(),
                _file: Some(file),
                db: None,
            }
        } else {
            let db = TestDb::new().await;
            Target {
                sqlite,
                url: db.url.clone(),
                // A server migrate may create and drop scratch databases on.
                dev: format!("dev_database_url = \"{}\"\n", db.url),
                _file: None,
                db: Some(db),
            }
        }
    }

    fn dialect(&self) -> &'static str {
        if self.sqlite { "sqlite" } else { "postgres" }
    }

    async fn sql(&self, sql: &str) {
        use sqlx::Connection;
        if self.sqlite {
            let mut c = sqlx::SqliteConnection::connect(&self.url)
                .await
                .expect("connect");
            sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
        } else {
            let mut c = sqlx::PgConnection::connect(&self.url)
                .await
                .expect("connect");
            sqlx::raw_sql(sql).execute(&mut c).await.expect(sql);
        }
    }

    async fn close(self) {
        if let Some(db) = self.db {
            db.close().await.expect("drop");
        }
    }
}

fn project(t: &Target, schema: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!(
            "dialect = \"{}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n{}",
            t.dialect(),
            t.dev
        ),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), schema).expect("schema");
    MigrationDir::create(dir.path().join("migrations")).expect("migration dir");
    dir
}

fn hand_written(dir: &Path, name: &str, sql: &str) {
    let mut md = MigrationDir::open(dir.join("migrations")).expect("open");
    let at = Version::parse("20240101000000").expect("version");
    md.add_at(name, sql, at).expect("add");
}

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir.join("migrations"))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    v.sort();
    v
}

const AUDIT: &str = "[tables.audit]\nmodel = \"Audit\"\n[tables.audit.columns]\nid = { type = \"integer\", primary_key = true }\nwhat = \"text\"\n";

fn audit_by_hand(sqlite: bool) -> &'static str {
    if sqlite {
        "-- The audit table, a view of it and a trigger, written by hand.\n\
         CREATE TABLE audit (id integer PRIMARY KEY, what text NOT NULL);\n\
         CREATE VIEW audit_whats AS SELECT what FROM audit;\n\
         CREATE TRIGGER audit_upper AFTER INSERT ON audit BEGIN UPDATE audit SET what = upper(what) WHERE id = NEW.id; END;\n"
    } else {
        "-- The audit table, a function, a view of it and a trigger, written by hand.\n\
         CREATE TABLE audit (id integer PRIMARY KEY, what text NOT NULL);\n\
         CREATE FUNCTION audit_upper() RETURNS trigger LANGUAGE plpgsql AS $$\n\
         BEGIN\n  NEW.what := upper(NEW.what);\n  RETURN NEW;\nEND\n$$;\n\
         CREATE VIEW audit_whats AS SELECT what FROM audit;\n\
         CREATE TRIGGER audit_upper BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_upper();\n"
    }
}

/// A table a hand-written migration made, declared later: `generate` writes nothing for it (it
/// replayed the directory, the snapshot could not know), the next `generate` replays nothing
/// (the snapshot now records the directory), `up` and `status` are clean, and `--print` writes
/// nothing.
#[tokio::test(flavor = "current_thread")]
async fn a_table_made_by_hand_and_declared_later_is_not_created_twice() {
    for sqlite in [true, false] {
        let t = Target::new(sqlite).await;
        let p = project(&t, "");
        hand_written(p.path(), "create_audit", audit_by_hand(sqlite));
        fs::write(p.path().join("schema.toml"), AUDIT).expect("declare");

        let first = run(p.path(), &t.url, &["generate", "--format", "json"]);
        assert!(first.status.success(), "{}", text(&first));
        let v = json(&first);
        assert_eq!(v["written"], serde_json::json!([]), "{v}");
        assert_eq!(v["basis"], "replayed", "{v}");
        assert_eq!(v["replayed"]["migrations"], 1, "{v}");
        assert_eq!(v["snapshot_refreshed"], true, "{v}");
        assert_eq!(sql_files(p.path()).len(), 1);

        // The cache: nothing new, nothing replayed.
        let second = run(p.path(), &t.url, &["generate", "--format", "json"]);
        let v = json(&second);
        assert_eq!(v["basis"], "snapshot", "{v}");
        assert!(v.get("replayed").is_none(), "{v}");

        let up = run(p.path(), &t.url, &["up"]);
        assert!(up.status.success(), "{}", text(&up));
        let status = run(p.path(), &t.url, &["status", "--exit-code"]);
        assert_eq!(status.status.code(), Some(0), "{}", text(&status));
        assert!(text(&status).contains("drift: none"), "{}", text(&status));
        // The trigger is there and works.
        t.sql("INSERT INTO audit (id, what) VALUES (1, 'x')").await;

        // --print: the SQL and each change's verdict, nothing written.
        fs::write(
            p.path().join("schema.toml"),
            format!("{AUDIT}who = {{ type = \"text\", nullable = true }}\n"),
        )
        .expect("add a column");
        let snapshot = p.path().join("migrations/schema.snapshot.toml");
        let before = (fs::read(&snapshot).expect("snapshot"), sql_files(p.path()));
        let printed = run(p.path(), &t.url, &["generate", "--print"]);
        assert!(printed.status.success(), "{}", text(&printed));
        let out = String::from_utf8_lossy(&printed.stdout);
        assert!(out.contains("ADD COLUMN \"who\""), "{out}");
        assert!(
            out.contains("-- Add column `audit.who` (text, nullable): safe"),
            "{out}"
        );
        let dry = run(p.path(), &t.url, &["generate", "--dry-run"]);
        assert_eq!(dry.stdout, printed.stdout, "--dry-run is --print");
        let after = (fs::read(&snapshot).expect("snapshot"), sql_files(p.path()));
        assert_eq!(before, after, "--print wrote nothing");
        t.close().await;
    }
}

/// Deleting the newest migration, never applied, and re-recording the manifest is an undo: the
/// next `generate` writes the change again, since the snapshot no longer records the directory.
#[tokio::test(flavor = "current_thread")]
async fn deleting_an_unapplied_migration_and_rehashing_writes_it_again() {
    for sqlite in [true, false] {
        let t = Target::new(sqlite).await;
        let p = project(&t, AUDIT);
        assert!(run(p.path(), &t.url, &["generate"]).status.success());
        fs::write(
            p.path().join("schema.toml"),
            format!("{AUDIT}who = {{ type = \"text\", nullable = true }}\n"),
        )
        .expect("add a column");
        assert!(run(p.path(), &t.url, &["generate"]).status.success());
        let files = sql_files(p.path());
        assert_eq!(files.len(), 2);
        let body = |f: &Path| {
            let s = fs::read_to_string(f).expect("read");
            s.split_once("\n\n").expect("header").1.to_string()
        };
        let undone = body(&files[1]);
        fs::remove_file(&files[1]).expect("rm");
        let hash = run(p.path(), &t.url, &["hash"]);
        assert!(hash.status.success(), "{}", text(&hash));

        let again = run(p.path(), &t.url, &["generate", "--format", "json"]);
        assert!(again.status.success(), "{}", text(&again));
        let v = json(&again);
        assert_eq!(v["basis"], "replayed", "{v}");
        let files = sql_files(p.path());
        assert_eq!(files.len(), 2, "{v}");
        assert_eq!(body(&files[1]), undone);
        // And it is what a database gets.
        assert!(run(p.path(), &t.url, &["up"]).status.success());
        let status = run(p.path(), &t.url, &["status", "--exit-code"]);
        assert_eq!(status.status.code(), Some(0), "{}", text(&status));
        t.close().await;
    }
}

/// `diff` against a database that drifted from the directory (a column added by hand, then
/// declared as renamed) would write a migration that fails on every database built from the
/// directory: refused, nothing written. A migration that fits is written, and applies to a
/// fresh database built from the directory.
#[tokio::test(flavor = "current_thread")]
async fn diff_on_a_drifted_database_never_breaks_the_directory() {
    for sqlite in [true, false] {
        let t = Target::new(sqlite).await;
        let p = project(&t, AUDIT);
        assert!(run(p.path(), &t.url, &["generate"]).status.success());
        assert!(run(p.path(), &t.url, &["up"]).status.success());
        t.sql("ALTER TABLE audit ADD COLUMN age integer").await;
        fs::write(
            p.path().join("schema.toml"),
            format!(
                "{AUDIT}years = {{ type = \"integer\", nullable = true, renamed_from = \"age\" }}\n"
            ),
        )
        .expect("rename the hand-made column");
        let refused = run(p.path(), &t.url, &["diff", "--name", "fix"]);
        assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
        assert!(
            text(&refused).contains("the migration fits this database only"),
            "{}",
            text(&refused)
        );
        assert_eq!(sql_files(p.path()).len(), 1, "nothing written");

        // Back to what the directory produces; a change that fits every database is written.
        t.sql("ALTER TABLE audit DROP COLUMN age").await;
        fs::write(
            p.path().join("schema.toml"),
            format!("{AUDIT}who = {{ type = \"text\", nullable = true }}\n"),
        )
        .expect("add a column");
        let written = run(p.path(), &t.url, &["diff", "--name", "add_who"]);
        assert!(written.status.success(), "{}", text(&written));
        assert_eq!(sql_files(p.path()).len(), 2);
        let fresh = Target::new(sqlite).await;
        let up = run(p.path(), &fresh.url, &["up"]);
        assert!(up.status.success(), "{}", text(&up));
        fresh.close().await;
        t.close().await;
    }
}

/// Without `dev_database_url`, PostgreSQL replays on a throwaway local server when the server
/// binaries are installed, and says which setting to add when they are not.
#[tokio::test(flavor = "current_thread")]
async fn postgres_without_dev_database_url_starts_a_throwaway_server_or_names_the_setting() {
    let mut t = Target::new(false).await;
    t.dev = String::new();
    let p = project(&t, "");
    hand_written(p.path(), "create_audit", audit_by_hand(false));
    fs::write(p.path().join("schema.toml"), AUDIT).expect("declare");
    let out = run(p.path(), &t.url, &["generate", "--format", "json"]);
    let installed = ["/usr/lib/postgresql", "/usr/local/pgsql/bin"]
        .iter()
        .any(|d| Path::new(d).exists())
        || Command::new("pg_config").output().is_ok();
    if installed {
        assert!(out.status.success(), "{}", text(&out));
        let v = json(&out);
        assert_eq!(v["basis"], "replayed", "{v}");
        assert!(
            v["replayed"]["on"]
                .as_str()
                .is_some_and(|on| on.contains("throwaway PostgreSQL server")),
            "{v}"
        );
        assert_eq!(sql_files(p.path()).len(), 1);
    } else {
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains("dev_database_url"), "{}", text(&out));
    }
    t.close().await;
}

/// `dev_database_url` with `?mode=empty` names the scratch database itself (for a server where
/// migrate may not create databases): whatever it held is dropped, and the replay runs there.
#[tokio::test(flavor = "current_thread")]
async fn a_dev_database_url_with_mode_empty_is_emptied_and_replayed_on() {
    let mut t = Target::new(false).await;
    let scratch = TestDb::new().await;
    {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&scratch.url)
            .await
            .expect("connect");
        sqlx::raw_sql(
            "CREATE TABLE audit (x int); CREATE SCHEMA other; CREATE TABLE other.t (id int);",
        )
        .execute(&mut c)
        .await
        .expect("fill");
    }
    t.dev = format!("dev_database_url = \"{}?mode=empty\"\n", scratch.url);
    let p = project(&t, "");
    hand_written(p.path(), "create_audit", audit_by_hand(false));
    fs::write(p.path().join("schema.toml"), AUDIT).expect("declare");
    let out = run(p.path(), &t.url, &["generate", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out));
    let v = json(&out);
    assert_eq!(v["basis"], "replayed", "{v}");
    assert!(
        v["replayed"]["on"]
            .as_str()
            .is_some_and(|on| on.contains("emptied database")),
        "{v}"
    );
    assert_eq!(sql_files(p.path()).len(), 1, "nothing written: {v}");
    // Emptied before the replay (its `audit` would have failed the hand-written migration) and
    // after it.
    let tables: i64 = {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&scratch.url)
            .await
            .expect("connect");
        sqlx::query_scalar(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
        )
        .fetch_one(&mut c)
        .await
        .expect("count")
    };
    assert_eq!(tables, 0);
    scratch.close().await.expect("drop");
    t.close().await;
}

/// What a hand-written migration made and the schema does not declare stays (as `diff` leaves
/// what a live database has); acknowledging its drop in the schema generates the drop, which the
/// snapshot alone could not (it never knew the table).
#[tokio::test(flavor = "current_thread")]
async fn a_hand_made_table_stays_until_its_drop_is_acknowledged() {
    for sqlite in [true, false] {
        let t = Target::new(sqlite).await;
        let p = project(&t, "");
        hand_written(
            p.path(),
            "create_audit",
            "-- An audit table, by hand.\nCREATE TABLE audit (id integer PRIMARY KEY);\n",
        );
        let kept = run(p.path(), &t.url, &["generate", "--format", "json"]);
        assert!(kept.status.success(), "{}", text(&kept));
        assert_eq!(
            json(&kept)["written"],
            serde_json::json!([]),
            "{}",
            text(&kept)
        );

        fs::write(p.path().join("schema.toml"), "drop_tables = [\"audit\"]\n").expect("ack");
        let dropped = run(p.path(), &t.url, &["generate", "--format", "json"]);
        assert!(dropped.status.success(), "{}", text(&dropped));
        let v = json(&dropped);
        assert_eq!(v["basis"], "replayed", "{v}");
        let files = sql_files(p.path());
        assert_eq!(files.len(), 2, "{v}");
        let sql = fs::read_to_string(&files[1]).expect("read");
        assert!(sql.contains("DROP TABLE \"audit\""), "{sql}");
        assert!(run(p.path(), &t.url, &["up"]).status.success());
        t.close().await;
    }
}

/// A batch file (a generated backfill) replays through the runner like any migration: on the
/// scratch database's empty table its walk is immediate.
#[tokio::test(flavor = "current_thread")]
async fn a_directory_with_a_batch_file_replays() {
    let t = Target::new(false).await;
    let pets = "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nname = \"text\"\n";
    let p = project(&t, pets);
    assert!(run(p.path(), &t.url, &["generate"]).status.success());
    fs::write(
        p.path().join("schema.toml"),
        format!("{pets}tag = {{ type = \"uuid\", default = \"gen_random_uuid()\" }}\n"),
    )
    .expect("a column filled in batches");
    assert!(run(p.path(), &t.url, &["generate"]).status.success());
    let batch = sql_files(p.path())
        .into_iter()
        .filter(|f| {
            fs::read_to_string(f)
                .expect("read")
                .contains("-- migrate:batch")
        })
        .count();
    assert_eq!(batch, 1, "a batch file was generated");
    replays_a_hand_written_view_and_writes_nothing(p.path(), &t.url);
    t.close().await;
}

#[tokio::test]
async fn a_directory_with_a_rust_data_migration_replays() {
    let t = Target::new(false).await;
    let pets = "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"bigint\", primary_key = true }\nname = \"text\"\n";
    let p = project(&t, pets);
    assert!(run(p.path(), &t.url, &["generate"]).status.success());
    let out = run(
        p.path(),
        &t.url,
        &["new", "fill_names", "--rust", "--table", "pets"],
    );
    assert!(out.status.success(), "{}", text(&out));
    replays_a_hand_written_view_and_writes_nothing(p.path(), &t.url);
    t.close().await;
}

/// A hand-written view added to the project in `dir`: the next `generate` replays the directory
/// (the snapshot no longer records it) and writes nothing.
fn replays_a_hand_written_view_and_writes_nothing(dir: &Path, url: &str) {
    hand_written(
        dir,
        "by_hand",
        "-- A view, by hand.\nCREATE VIEW pet_names AS SELECT name FROM pets;\n",
    );
    let before = sql_files(dir).len();
    let out = run(dir, url, &["generate", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out));
    let v = json(&out);
    assert_eq!(v["basis"], "replayed", "{v}");
    assert_eq!(v["written"], serde_json::json!([]), "{v}");
    assert_eq!(sql_files(dir).len(), before);
}

/// The view, function and trigger of [`audit_by_hand`], declared as people write them.
fn audit_objects(sqlite: bool) -> &'static str {
    if sqlite {
        "[views.audit_whats]\nsql = \"SELECT what FROM audit\"\n\
         [triggers.audit_upper]\ntable = \"audit\"\ntiming = \"after\"\nevents = [\"insert\"]\n\
         sql = \"BEGIN UPDATE audit SET what = upper(what) WHERE id = NEW.id; END\"\n"
    } else {
        "[views.audit_whats]\nsql = \"select what from audit\"\n\
         [functions.audit_upper]\nsql = \"\"\"\nCREATE FUNCTION audit_upper() RETURNS trigger LANGUAGE plpgsql AS $$\n\
         BEGIN\n  NEW.what := upper(NEW.what);\n  RETURN NEW;\nEND\n$$\"\"\"\n\
         [triggers.audit_upper]\ntable = \"audit\"\ntiming = \"before\"\nevents = [\"insert\"]\n\
         function = \"audit_upper\"\n"
    }
}

/// A view, function and trigger a hand-written migration made, declared later (in another
/// spelling than the server's): `generate` writes nothing (the replay's server spells both the
/// same), `up`, `status` and `diff` are clean; a new view body is one migration that rebuilds
/// it, after which everything is clean again.
#[tokio::test(flavor = "current_thread")]
async fn objects_made_by_hand_and_declared_later_are_not_made_twice() {
    for sqlite in [true, false] {
        let t = Target::new(sqlite).await;
        let p = project(&t, "");
        hand_written(p.path(), "create_audit", audit_by_hand(sqlite));
        let schema = format!("{AUDIT}{}", audit_objects(sqlite));
        fs::write(p.path().join("schema.toml"), &schema).expect("declare");

        let first = run(p.path(), &t.url, &["generate", "--format", "json"]);
        assert!(first.status.success(), "{}", text(&first));
        let v = json(&first);
        assert_eq!(v["written"], serde_json::json!([]), "{v}");
        assert_eq!(v["basis"], "replayed", "{v}");

        assert!(run(p.path(), &t.url, &["up"]).status.success());
        let status = run(p.path(), &t.url, &["status", "--exit-code"]);
        assert_eq!(status.status.code(), Some(0), "{}", text(&status));
        let diff = run(p.path(), &t.url, &["diff", "--exit-code", "--print"]);
        assert_eq!(diff.status.code(), Some(0), "{}", text(&diff));

        // A new body: one migration, applied, and nothing left to do.
        let changed = schema
            .replace("FROM audit\"", "FROM audit WHERE id > 0\"")
            .replace("from audit\"", "from audit where id > 0\"");
        assert_ne!(changed, schema);
        fs::write(p.path().join("schema.toml"), &changed).expect("change the view");
        let second = run(p.path(), &t.url, &["generate", "--format", "json"]);
        assert!(second.status.success(), "{}", text(&second));
        assert_eq!(sql_files(p.path()).len(), 2, "{}", text(&second));
        let written = fs::read_to_string(&sql_files(p.path())[1]).expect("read");
        assert!(written.contains("DROP VIEW \"audit_whats\""), "{written}");
        let up = run(p.path(), &t.url, &["up"]);
        assert!(up.status.success(), "{}", text(&up));
        let diff = run(p.path(), &t.url, &["diff", "--exit-code", "--print"]);
        assert_eq!(diff.status.code(), Some(0), "{}", text(&diff));
        let again = run(p.path(), &t.url, &["generate", "--format", "json"]);
        assert_eq!(
            json(&again)["written"],
            serde_json::json!([]),
            "{}",
            text(&again)
        );
        // The trigger still works.
        t.sql("INSERT INTO audit (id, what) VALUES (1, 'x')").await;
        t.close().await;
    }
}

/// migrate.toml of `t`'s project, with `dev` in place of its `dev_database_url` line.
fn configure(dir: &Path, t: &Target, dev: &str, extra: &str) {
    fs::write(
        dir.join("migrate.toml"),
        format!(
            "dialect = \"{}\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n{dev}{extra}",
            t.dialect()
        ),
    )
    .expect("config");
}

/// A snapshot that records the migrations as they are is the replay's cache for `status` too:
/// drift is measured against it and no scratch database is opened, so a PostgreSQL project whose
/// `dev_database_url` cannot be reached still gets a clean `status`. A hand-written migration
/// makes the snapshot stale: `status` replays (and `--verbose` says so). Once `generate` has
/// recorded it again, an index that hand-written migration made (which the snapshot, the
/// declared schema, does not hold) differs from the snapshot: a replay tells it from drift.
#[tokio::test(flavor = "current_thread")]
async fn status_measures_drift_against_a_current_snapshot_without_a_scratch_database() {
    const UNREACHABLE: &str = "dev_database_url = \"postgres://postgres@127.0.0.1:1/nowhere\"\n";
    for sqlite in [true, false] {
        let t = Target::new(sqlite).await;
        let p = project(&t, AUDIT);
        if !sqlite {
            configure(p.path(), &t, UNREACHABLE, "");
        }
        assert!(run(p.path(), &t.url, &["generate"]).status.success());
        assert!(run(p.path(), &t.url, &["up"]).status.success());
        let status = run(p.path(), &t.url, &["status", "--exit-code", "--verbose"]);
        let out = text(&status);
        assert_eq!(status.status.code(), Some(0), "{out}");
        assert!(out.contains("drift: none"), "{out}");
        assert!(out.contains("nothing replayed"), "{out}");
        assert!(!out.contains("replay the migration directory"), "{out}");

        // A hand-written index: the snapshot no longer records the migrations.
        hand_written(
            p.path(),
            "index_by_hand",
            "-- An index, by hand.\nCREATE INDEX audit_what_by_hand ON audit (what);\n",
        );
        assert!(run(p.path(), &t.url, &["up"]).status.success());
        let status = run(p.path(), &t.url, &["status", "--exit-code", "--verbose"]);
        let out = text(&status);
        assert!(
            out.contains("the snapshot does not record the migrations as they are"),
            "{out}"
        );
        if sqlite {
            assert_eq!(status.status.code(), Some(0), "{out}");
            assert!(out.contains("replayed 2 migration(s)"), "{out}");
        } else {
            // No scratch database: the snapshot stands in, and says what it cannot know.
            assert!(
                out.contains("drift is checked against the snapshot"),
                "{out}"
            );
            assert!(out.contains("audit_what_by_hand"), "{out}");
            configure(p.path(), &t, &t.dev, "");
        }
        // `generate` replays, writes nothing and records the directory again.
        let generated = run(p.path(), &t.url, &["generate", "--format", "json"]);
        assert!(generated.status.success(), "{}", text(&generated));
        assert_eq!(json(&generated)["written"], serde_json::json!([]));
        assert_eq!(json(&generated)["snapshot_refreshed"], true);
        let status = run(p.path(), &t.url, &["status", "--exit-code", "--verbose"]);
        let out = text(&status);
        assert_eq!(status.status.code(), Some(0), "{out}");
        assert!(out.contains("drift: none"), "{out}");
        assert!(
            out.contains("the database differs from the snapshot"),
            "{out}"
        );
        assert!(out.contains("replayed 2 migration(s)"), "{out}");
        t.close().await;
    }
}

const AUDIT_NOTED: &str = "[tables.audit]\nmodel = \"Audit\"\n[tables.audit.columns]\nid = { type = \"integer\", primary_key = true }\nwhat = \"text\"\nnote = { type = \"text\", nullable = true }\n";

/// `diff` against a database that drifted (a column the directory makes was dropped there by
/// hand) plans an `ADD COLUMN` that fails on every database built from the directory. Without
/// `--env` it is refused and the message points at `--env`; an environment with no secure path
/// is refused naming the setting; `--env staging` writes it into staging's
/// `extra_migration_paths`, with a placeholder in the directory that keeps its place in the
/// order. `up --env staging` applies it there; a database built from the directory alone runs
/// the placeholder, which does nothing, and the directory still replays with nothing to write.
#[tokio::test(flavor = "current_thread")]
async fn diff_env_writes_a_fixup_that_runs_in_that_environment_alone() {
    for sqlite in [true, false] {
        let t = Target::new(sqlite).await;
        let p = project(&t, AUDIT_NOTED);
        let envs = format!(
            "[environments.staging]\nextra_migration_paths = [\"secure/staging\"]\n\
             [environments.prod]\ndatabase_url = \"{}\"\n",
            t.url
        );
        configure(p.path(), &t, &t.dev, &envs);
        assert!(run(p.path(), &t.url, &["generate"]).status.success());
        assert!(run(p.path(), &t.url, &["up"]).status.success());
        t.sql("ALTER TABLE audit DROP COLUMN note").await;

        let refused = run(p.path(), &t.url, &["diff", "--name", "fix"]);
        let out = text(&refused);
        assert_eq!(refused.status.code(), Some(1), "{out}");
        assert!(
            out.contains("the migration fits this database only"),
            "{out}"
        );
        assert!(out.contains("migrate diff --env ENV"), "{out}");
        let no_path = run(
            p.path(),
            &t.url,
            &["--env", "prod", "diff", "--name", "fix"],
        );
        let out = text(&no_path);
        assert_eq!(no_path.status.code(), Some(2), "{out}");
        assert!(out.contains("extra_migration_paths"), "{out}");
        assert!(out.contains("[environments.prod]"), "{out}");
        assert_eq!(sql_files(p.path()).len(), 1, "nothing written");

        let written = run(
            p.path(),
            &t.url,
            &["diff", "--env", "staging", "--name", "fix"],
        );
        let out = text(&written);
        assert!(written.status.success(), "{out}");
        let files = sql_files(p.path());
        let placeholders = &files[1..];
        assert!(!placeholders.is_empty(), "{out}");
        for placeholder in placeholders {
            let text = fs::read_to_string(placeholder).expect("placeholder");
            assert!(text.contains("SELECT 1;"), "{text}");
            assert!(!text.contains("ADD COLUMN"), "{text}");
            let name = placeholder.file_name().expect("a name").to_string_lossy();
            let secure = p.path().join("secure/staging").join(&*name);
            let fix = fs::read_to_string(&secure).expect("the fix-up is in staging's path");
            assert!(out.contains(&format!("secure/staging/{name}")), "{out}");
            if placeholder == placeholders.last().expect("one") {
                assert!(fix.contains("ADD COLUMN \"note\""), "{fix}");
            }
        }
        assert!(
            MigrationDir::open(p.path().join("migrations"))
                .expect("open")
                .verify()
                .is_empty(),
            "the placeholders are listed in the manifest"
        );

        // In staging, the fix-up runs in place of its placeholder: the column is back.
        let up = run(p.path(), &t.url, &["--env", "staging", "up"]);
        assert!(up.status.success(), "{}", text(&up));
        let diff = run(p.path(), &t.url, &["diff", "--print", "--exit-code"]);
        assert_eq!(diff.status.code(), Some(0), "{}", text(&diff));
        let status = run(
            p.path(),
            &t.url,
            &["--env", "staging", "status", "--exit-code"],
        );
        assert_eq!(status.status.code(), Some(0), "{}", text(&status));

        // A database built from the directory alone: untouched by it, and clean.
        let fresh = Target::new(sqlite).await;
        let up = run(p.path(), &fresh.url, &["up"]);
        assert!(up.status.success(), "{}", text(&up));
        let status = run(p.path(), &fresh.url, &["status", "--exit-code"]);
        assert_eq!(status.status.code(), Some(0), "{}", text(&status));
        // The directory, placeholder included, replays: nothing to write.
        let generated = run(p.path(), &fresh.url, &["generate", "--format", "json"]);
        assert!(generated.status.success(), "{}", text(&generated));
        let v = json(&generated);
        assert_eq!(v["basis"], "replayed", "{v}");
        assert_eq!(v["written"], serde_json::json!([]), "{v}");
        fresh.close().await;
        t.close().await;
    }
}
