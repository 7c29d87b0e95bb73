//! The runner through its library API on real databases: lock timeouts and retries, stored
//! procedures, dry runs, secure migrations, baselines, targets and the embedded `Migrator`.

use migrate_core::Explain;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use migrate_core::migration::{MigrationDir, Version};
use migrate_core::runner::{self, Event, Options, RunError, Source, State};
use migrate_core::{EmbeddedMigration, Migrator};
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use sqlx::{Connection, PgConnection, SqliteConnection};

fn src(version: u64, name: &str, sql: &str) -> Source {
    Source::new(version, name, sql).expect("valid source")
}

fn opts() -> Options {
    Options {
        retry_backoff: Duration::from_millis(20),
        ..Options::default()
    }
}

async fn pg(url: &str) -> PgConnection {
    PgConnection::connect(url).await.expect("connect")
}

async fn up_pg(
    url: &str,
    sources: &[Source],
    o: &Options,
) -> (Result<runner::Summary, RunError>, Vec<Event>) {
    let mut c = pg(url).await;
    let mut events = Vec::new();
    let r = runner::up(
        &mut runner::Connection::from(&mut c),
        sources,
        o,
        &mut |e| events.push(e),
    )
    .await;
    (r, events)
}

#[tokio::test(flavor = "current_thread")]
async fn lock_timeout_gives_up_retries_and_fails_clearly() {
    let db = TestDb::new().await;
    let mut setup = pg(&db.url).await;
    sqlx::raw_sql("CREATE TABLE busy (id integer)")
        .execute(&mut setup)
        .await
        .expect("table");
    // Another session holds the table.
    let mut holder = pg(&db.url).await;
    sqlx::raw_sql("BEGIN; LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        .execute(&mut holder)
        .await
        .expect("lock");

    let m = [src(1, "add_note", "ALTER TABLE busy ADD COLUMN note text;")];
    let o = Options {
        lock_timeout: Some(Duration::from_millis(100)),
        lock_retries: 2,
        ..opts()
    };
    let (result, events) = up_pg(&db.url, &m, &o).await;
    assert!(
        matches!(result, Err(RunError::LockTimeout { attempts: 3, .. })),
        "{result:?}"
    );
    let retries = events
        .iter()
        .filter(|e| matches!(e, Event::Retrying { .. }))
        .count();
    assert_eq!(retries, 2, "{events:?}");
    let err = result.unwrap_err();
    assert!(err.help().expect("help").contains("lock-timeout"), "{err}");

    // Released while the runner backs off: a retry succeeds.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let release = async {
        rx.recv().await;
        sqlx::raw_sql("COMMIT")
            .execute(&mut holder)
            .await
            .expect("release");
    };
    let o = Options {
        lock_timeout: Some(Duration::from_millis(100)),
        lock_retries: 20,
        ..opts()
    };
    let mut c = pg(&db.url).await;
    let mut db_conn = runner::Connection::from(&mut c);
    let mut on_event = |e: Event| {
        if matches!(e, Event::Retrying { .. }) {
            let _ = tx.send(());
        }
    };
    let migrate = runner::up(&mut db_conn, &m, &o, &mut on_event);
    let (result, ()) = tokio::join!(migrate, release);
    assert!(result.is_ok(), "{result:?}");
    drop(db_conn);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'busy' AND column_name = 'note'")
        .fetch_one(&mut c)
        .await
        .expect("count");
    assert_eq!(n, 1);
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn queries_do_not_queue_behind_a_migration_waiting_for_a_lock() {
    let db = TestDb::new().await;
    let mut setup = pg(&db.url).await;
    sqlx::raw_sql("CREATE TABLE hot (id integer); INSERT INTO hot VALUES (1)")
        .execute(&mut setup)
        .await
        .expect("table");
    // A long-running reader holds ACCESS SHARE; the migration needs ACCESS EXCLUSIVE.
    let mut reader = pg(&db.url).await;
    sqlx::raw_sql("BEGIN; SELECT * FROM hot")
        .execute(&mut reader)
        .await
        .expect("read");
    let m = [src(1, "alter_hot", "ALTER TABLE hot ADD COLUMN x integer;")];
    let o = Options {
        lock_timeout: Some(Duration::from_millis(200)),
        lock_retries: 0,
        ..opts()
    };
    // A new query on the table completes while the long reader still holds its lock: the waiting
    // migration gave up its place in the lock queue instead of blocking everyone behind it.
    let mut app = pg(&db.url).await;
    let app_query = async {
        // Start once the migration is queued for its lock.
        let mut watch = pg(&db.url).await;
        loop {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE hot%'",
            )
            .fetch_one(&mut watch)
            .await
            .expect("activity");
            if waiting > 0 {
                break;
            }
            tokio::task::yield_now().await;
        }
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM hot")
            .fetch_one(&mut app)
            .await
            .expect("app query")
    };
    let ((result, _), n) = tokio::join!(up_pg(&db.url, &m, &o), app_query);
    assert_eq!(n, 1);
    assert!(
        matches!(result, Err(RunError::LockTimeout { .. })),
        "{result:?}"
    );
    sqlx::raw_sql("COMMIT")
        .execute(&mut reader)
        .await
        .expect("reader ends");
    db.close().await.expect("drop");
}

const PLPGSQL: &str = r#"-- Functions whose bodies hold semicolons, strings and comments.
CREATE FUNCTION add_one(i integer) RETURNS integer AS $$
BEGIN
  -- a comment; with a semicolon
  RETURN i + 1; /* block; comment /* nested; */ */
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION greet(who text) RETURNS text AS $body$
DECLARE
  greeting text := 'hello; ';
BEGIN
  RETURN greeting || who || E'\'s;' || $q$ $$ ; $q$;
END;
$body$ LANGUAGE plpgsql;

CREATE TABLE "semi;colon" (v text DEFAULT 'a;b');
"#;

#[tokio::test(flavor = "current_thread")]
async fn stored_procedures_apply_and_work_in_and_out_of_transactions() {
    for no_tx in [false, true] {
        let db = TestDb::new().await;
        let sql = if no_tx {
            format!("-- migrate:no-transaction\n{PLPGSQL}")
        } else {
            PLPGSQL.to_string()
        };
        let (result, _) = up_pg(&db.url, &[src(1, "functions", &sql)], &opts()).await;
        assert!(result.is_ok(), "no_tx={no_tx}: {result:?}");
        let mut c = pg(&db.url).await;
        let one: i32 = sqlx::query_scalar("SELECT add_one(1)")
            .fetch_one(&mut c)
            .await
            .expect("add_one");
        assert_eq!(one, 2);
        let hi: String = sqlx::query_scalar("SELECT greet('x')")
            .fetch_one(&mut c)
            .await
            .expect("greet");
        assert_eq!(hi, "hello; x's; $$ ; ");
        db.close().await.expect("drop");
    }
}

fn pg_dump_bin() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("MIGRATE_TEST_PG_BINDIR")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        dirs.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|r| r.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.sort();
    dirs.extend(versions.into_iter().rev());
    dirs.into_iter()
        .map(|d| d.join("pg_dump"))
        .find(|p| p.is_file())
}

fn schema_dump(url: &str) -> String {
    let bin = pg_dump_bin().expect("pg_dump is installed with the PostgreSQL server");
    let out = Command::new(bin)
        .args(["--schema-only", "--no-owner", url])
        .output()
        .expect("pg_dump runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `\restrict` lines carry a random token per dump.
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "current_thread")]
async fn a_dry_run_changes_nothing_on_postgres() {
    let db = TestDb::new().await;
    let base = [src(
        1,
        "base",
        "CREATE TYPE mood AS ENUM ('calm'); CREATE TABLE pets (id integer PRIMARY KEY, m mood);",
    )];
    assert!(up_pg(&db.url, &base, &opts()).await.0.is_ok());
    let before = schema_dump(&db.url);
    let mut all = base.to_vec();
    all.push(src(2, "more", "-- Add a label and a table.\nALTER TYPE mood ADD VALUE 'grumpy';\nCREATE TABLE owners (id integer);\nINSERT INTO pets VALUES (1, 'calm'), (2, 'calm');\n"));
    all.push(src(
        3,
        "index",
        "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY pets_m ON pets (m);\n",
    ));
    let o = Options {
        dry_run: true,
        ..opts()
    };
    let (result, events) = up_pg(&db.url, &all, &o).await;
    let summary = result.expect("dry run succeeds");
    assert!(summary.dry_run);
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::WouldApply {
                version: 2,
                rows: 2,
                ..
            }
        )),
        "{events:?}"
    );
    assert!(events.iter().any(|e| matches!(e, Event::NotRun { version: 3, statement, .. } if statement.contains("CONCURRENTLY"))), "{events:?}");
    assert_eq!(schema_dump(&db.url), before, "the schema is unchanged");
    let mut c = pg(&db.url).await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pets")
        .fetch_one(&mut c)
        .await
        .expect("count");
    assert_eq!(rows, 0);
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM migrate_history")
        .fetch_one(&mut c)
        .await
        .expect("history");
    assert_eq!(applied, 1);
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn a_dry_run_changes_nothing_on_sqlite() {
    let file = TestFile::new();
    let mut c = SqliteConnection::connect(&file.url).await.expect("connect");
    let all = [
        src(1, "base", "CREATE TABLE pets (id integer PRIMARY KEY);"),
        src(2, "rows", "INSERT INTO pets VALUES (1);"),
    ];
    let before = sqlite_dump(&mut c).await;
    let o = Options {
        dry_run: true,
        ..opts()
    };
    let r = runner::up(&mut runner::Connection::from(&mut c), &all, &o, &mut |_| {}).await;
    assert!(r.expect("dry run").dry_run);
    assert_eq!(sqlite_dump(&mut c).await, before);
}

async fn sqlite_dump(c: &mut SqliteConnection) -> String {
    sqlx::query_scalar::<_, Option<String>>("SELECT group_concat(sql, ';') FROM sqlite_master")
        .fetch_one(c)
        .await
        .expect("dump")
        .unwrap_or_default()
}

#[tokio::test(flavor = "current_thread")]
async fn secure_migrations_run_from_the_extra_path_and_are_never_shown() {
    let db = TestDb::new().await;
    let root = tempfile::tempdir().expect("temp");
    let repo = root.path().join("migrations");
    let secure = root.path().join("secure");
    std::fs::create_dir_all(&secure).expect("secure dir");
    let mut dir = MigrationDir::create(&repo).expect("dir");
    let v = Version::parse("20240101000000").expect("v");
    dir.add_at("create_users", "CREATE TABLE users (token text);\n", v)
        .expect("add");
    // The repository holds a placeholder; the environment holds the real content.
    let placeholder = dir
        .add_at(
            "seed_tokens",
            "-- Seed tokens: real content lives in each environment.\n",
            v,
        )
        .expect("add");
    let file_name = placeholder.file_name().expect("name").to_owned();
    std::fs::write(
        secure.join(&file_name),
        "INSERT INTO users VALUES ('tok-SECRET-1');\n",
    )
    .expect("secure file");
    let dir = MigrationDir::open(&repo).expect("open");
    assert!(dir.verify().is_empty());

    let sources = runner::sources_from_dir(&dir, std::slice::from_ref(&secure)).expect("sources");
    assert!(sources[1].secure && sources[1].content.contains("tok-SECRET-1"));
    assert_eq!(
        sources[1].description,
        "Seed tokens: real content lives in each environment."
    );
    let (result, events) = up_pg(&db.url, &sources, &opts()).await;
    assert!(result.is_ok(), "{result:?}");
    assert!(!format!("{events:?}").contains("SECRET"), "{events:?}");
    let mut c = pg(&db.url).await;
    let token: String = sqlx::query_scalar("SELECT token FROM users")
        .fetch_one(&mut c)
        .await
        .expect("row");
    assert_eq!(token, "tok-SECRET-1");
    let recorded: String =
        sqlx::query_scalar("SELECT checksum FROM migrate_history ORDER BY version DESC LIMIT 1")
            .fetch_one(&mut c)
            .await
            .expect("checksum");
    assert_eq!(
        recorded, sources[1].checksum,
        "the checksum of what was applied"
    );

    // A later edit of the secure file is caught.
    std::fs::write(
        secure.join(&file_name),
        "INSERT INTO users VALUES ('tok-SECRET-2');\n",
    )
    .expect("edit");
    let edited = runner::sources_from_dir(&dir, std::slice::from_ref(&secure)).expect("sources");
    let (result, _) = up_pg(&db.url, &edited, &opts()).await;
    match result {
        Err(RunError::Integrity(p)) => assert_eq!(p[0].code(), "modified"),
        other => panic!("{other:?}"),
    }
    // A secure file the manifest does not list is refused.
    std::fs::write(secure.join("20990101000000_stray.sql"), "SELECT 1;\n").expect("stray");
    assert!(matches!(
        runner::sources_from_dir(&dir, &[secure]),
        Err(RunError::Secure { .. })
    ));
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn baseline_adopts_a_database_and_target_stops_early() {
    let db = TestDb::new().await;
    let mut c = pg(&db.url).await;
    sqlx::raw_sql("CREATE TABLE a (id integer); CREATE TABLE b (id integer)")
        .execute(&mut c)
        .await
        .expect("existing");
    let all = [
        src(1, "a", "CREATE TABLE a (id integer);"),
        src(2, "b", "CREATE TABLE b (id integer);"),
        src(3, "c", "CREATE TABLE c (id integer);"),
        src(4, "d", "CREATE TABLE d (id integer);"),
    ];
    let o = opts();
    let n = runner::baseline(
        &mut runner::Connection::from(&mut c),
        &all,
        2,
        &o,
        &mut |_| {},
    )
    .await
    .expect("baseline");
    assert_eq!(n, 2);
    let st = runner::status(&mut runner::Connection::from(&mut c), &all, &o)
        .await
        .expect("status");
    let states: Vec<State> = st.iter().map(|s| s.state).collect();
    assert_eq!(
        states,
        [
            State::Applied,
            State::Applied,
            State::Pending,
            State::Pending
        ]
    );
    let to3 = Options {
        target: Some(3),
        ..opts()
    };
    let summary = runner::up(
        &mut runner::Connection::from(&mut c),
        &all,
        &to3,
        &mut |_| {},
    )
    .await
    .expect("up to 3");
    assert_eq!(summary.applied.iter().map(|a| a.0).collect::<Vec<_>>(), [3]);
    let unknown = Options {
        target: Some(99),
        ..opts()
    };
    assert!(matches!(
        runner::up(
            &mut runner::Connection::from(&mut c),
            &all,
            &unknown,
            &mut |_| {}
        )
        .await,
        Err(RunError::UnknownVersion(99))
    ));
    db.close().await.expect("drop");
}

static EMBEDDED: [EmbeddedMigration; 2] = [
    EmbeddedMigration {
        version: 20240101000000,
        name: "create_pets",
        content: "CREATE TABLE pets (id integer PRIMARY KEY, name text NOT NULL);\n",
        checksum: "4efc890a0ad1148a7ed27b3f205d86d7abd4096c25d1f1b17fc189168d4682cb",
        no_transaction: false,
        lock_timeout: None,
        statement_timeout: None,
    },
    EmbeddedMigration {
        version: 20240101000001,
        name: "seed",
        content: "INSERT INTO pets VALUES (1, 'Rex');\n",
        checksum: "53e9967ada23104a4acb50f8102844c0e20ccad8e75544ac4bc2d905d319f0df",
        no_transaction: false,
        lock_timeout: None,
        statement_timeout: None,
    },
];

#[tokio::test(flavor = "current_thread")]
async fn an_embedded_migrator_runs_on_both_pools_once() {
    static MIGRATOR: Migrator = Migrator::new(&EMBEDDED);
    let file = TestFile::new();
    let lite = sqlx::SqlitePool::connect(&file.url).await.expect("pool");
    assert_eq!(MIGRATOR.run(&lite).await.expect("runs").applied.len(), 2);
    assert_eq!(
        MIGRATOR.run(&lite).await.expect("runs again").applied.len(),
        0
    );
    let name: String = sqlx::query_scalar("SELECT name FROM pets")
        .fetch_one(&lite)
        .await
        .expect("row");
    assert_eq!(name, "Rex");

    let db = TestDb::new().await;
    let pool = db.pool().await;
    // The run is a `Send` future: it can be spawned on a multi-threaded runtime.
    let spawned = tokio::spawn({
        let pool = pool.clone();
        async move { MIGRATOR.run(&pool).await.map(|s| s.applied.len()) }
    });
    assert_eq!(spawned.await.expect("join").expect("runs"), 2);
    assert_eq!(
        MIGRATOR.run(&pool).await.expect("runs again").applied.len(),
        0
    );
    pool.close().await;
    db.close().await.expect("drop");
}

/// What `embed_migrations!` computed at compile time, where the file's text says otherwise: the
/// runner takes the struct's checksum, flag and timeouts as they are, and parses nothing again.
static COMPILED: [EmbeddedMigration; 2] = [
    EmbeddedMigration {
        version: 20240101000000,
        name: "seen_timeouts",
        content: "-- migrate:lock-timeout 5s\nCREATE TABLE seen AS SELECT current_setting('lock_timeout') AS lock_timeout, \
                  current_setting('statement_timeout') AS statement_timeout;\n",
        checksum: "1111111111111111111111111111111111111111111111111111111111111111",
        no_transaction: false,
        lock_timeout: Some(Duration::from_millis(1234)),
        statement_timeout: Some(Duration::ZERO),
    },
    EmbeddedMigration {
        version: 20240101000001,
        name: "concurrent_index",
        content: "CREATE INDEX CONCURRENTLY seen_lock_idx ON seen (lock_timeout);\n",
        checksum: "2222222222222222222222222222222222222222222222222222222222222222",
        no_transaction: true,
        lock_timeout: None,
        statement_timeout: None,
    },
];

#[tokio::test(flavor = "current_thread")]
async fn an_embedded_migrator_runs_with_its_compile_time_checksums_flags_and_timeouts() {
    static MIGRATOR: Migrator = Migrator::new(&COMPILED);
    let db = TestDb::new().await;
    let pool = db.pool().await;
    assert_eq!(MIGRATOR.run(&pool).await.expect("runs").applied.len(), 2);
    let seen: (String, String) = sqlx::query_as("SELECT lock_timeout, statement_timeout FROM seen")
        .fetch_one(&pool)
        .await
        .expect("row");
    assert_eq!(seen, ("1234ms".to_string(), "0".to_string()));
    // Only outside a transaction does CREATE INDEX CONCURRENTLY succeed: the flag was used.
    let valid: bool = sqlx::query_scalar(
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'seen_lock_idx'::regclass",
    )
    .fetch_one(&pool)
    .await
    .expect("index");
    assert!(valid);
    let sums: Vec<String> =
        sqlx::query_scalar("SELECT checksum FROM migrate_history ORDER BY version")
            .fetch_all(&pool)
            .await
            .expect("history");
    assert_eq!(sums, [COMPILED[0].checksum, COMPILED[1].checksum]);
    pool.close().await;
    db.close().await.expect("drop");
}

/// Applies `base`, then `change`, on a fresh SQLite file: the error of the second, if any, and
/// whether the database still has the base's rows.
async fn sqlite_fk_case(base: &str, change: &str) -> Option<RunError> {
    let file = TestFile::new();
    let mut c = SqliteConnection::connect(&file.url).await.expect("connect");
    let all = [src(1, "base", base), src(2, "change", change)];
    let r = runner::up(
        &mut runner::Connection::from(&mut c),
        &all,
        &opts(),
        &mut |_| {},
    )
    .await;
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM migrate_history ORDER BY version")
            .fetch_all(&mut c)
            .await
            .expect("history");
    match r {
        Ok(_) => {
            assert_eq!(applied, [1, 2]);
            None
        }
        Err(e) => {
            // Rolled back whole: not recorded, and the base's rows are as they were.
            assert_eq!(applied, [1], "{e}");
            let rows: i64 = sqlx::query_scalar(
                "SELECT (SELECT count(*) FROM owner) + (SELECT count(*) FROM pet)",
            )
            .fetch_one(&mut c)
            .await
            .expect("rows");
            assert_eq!(rows, 2, "{e}");
            Some(e)
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn sqlite_foreign_key_violations_a_migration_introduces_are_caught() {
    // Many unrelated tables: the runner checks the tables a migration touched, and those that
    // reference them, not every table after every file.
    let mut base = String::from(
        "CREATE TABLE owner (id integer PRIMARY KEY, name text);\n\
         CREATE TABLE pet (id integer PRIMARY KEY, owner_id integer NOT NULL REFERENCES owner (id));\n\
         CREATE TABLE log (id integer PRIMARY KEY, note text);\n\
         INSERT INTO owner VALUES (1, 'Ann');\nINSERT INTO pet VALUES (1, 1);\n",
    );
    for i in 0..20 {
        base.push_str(&format!("CREATE TABLE other_{i} (id integer PRIMARY KEY, owner_id integer REFERENCES owner (id));\n"));
    }
    let violating = [
        (
            "a row of the migration's own table points nowhere",
            "INSERT INTO pet VALUES (2, 42);",
        ),
        (
            "an updated row points nowhere",
            "UPDATE pet SET owner_id = 7;",
        ),
        ("the referenced row is deleted", "DELETE FROM owner;"),
        ("the referenced key changes", "UPDATE owner SET id = 2;"),
        (
            "the referenced row is replaced away",
            "CREATE UNIQUE INDEX owner_name ON owner (name);\n\
             INSERT OR REPLACE INTO owner (id, name) VALUES (2, 'Ann');",
        ),
        ("the referenced table is dropped", "DROP TABLE owner;"),
        (
            "the referenced table is rebuilt without its rows",
            "CREATE TABLE new_owner (id integer PRIMARY KEY, name text NOT NULL);\n\
             INSERT INTO new_owner SELECT id, name FROM owner WHERE id > 1;\n\
             DROP TABLE owner;\nALTER TABLE new_owner RENAME TO owner;",
        ),
        (
            "a new column references a missing row",
            "ALTER TABLE \"Pet\" ADD COLUMN vet_id integer REFERENCES owner (id) DEFAULT 5;",
        ),
        (
            "a new table's rows point nowhere",
            "CREATE TABLE toy (id integer PRIMARY KEY, pet_id integer REFERENCES pet (id));\n\
             INSERT INTO toy VALUES (1, 9);",
        ),
        (
            "a trigger deletes the referenced row",
            "CREATE TRIGGER log_clears AFTER INSERT ON log BEGIN DELETE FROM owner; END;\n\
             INSERT INTO log (note) VALUES ('x');",
        ),
        (
            "a statement of another kind",
            "WITH gone AS (SELECT 1) DELETE FROM owner;",
        ),
    ];
    for (what, change) in violating {
        let e = sqlite_fk_case(&base, change)
            .await
            .unwrap_or_else(|| panic!("{what}: applied, but it breaks a foreign key"));
        assert!(
            matches!(&e, RunError::Failed { version: 2, error, .. } if error.contains("violate foreign keys")),
            "{what}: {e}"
        );
    }
    let fine = [
        "INSERT INTO pet VALUES (2, 1);",
        "CREATE TABLE toy (id integer PRIMARY KEY, pet_id integer REFERENCES pet (id));\n\
         INSERT INTO toy VALUES (1, 1);\nCREATE INDEX toy_pet ON toy (pet_id);",
        "CREATE TABLE new_owner (id integer PRIMARY KEY, name text NOT NULL);\n\
         INSERT INTO new_owner SELECT id, name FROM owner;\n\
         DROP TABLE owner;\nALTER TABLE new_owner RENAME TO owner;",
        "DELETE FROM log; UPDATE owner SET name = 'Bo';",
    ];
    for change in fine {
        assert!(sqlite_fk_case(&base, change).await.is_none(), "{change}");
    }
}

/// A failed migration's error keeps what PostgreSQL says besides its message: the DETAIL of a
/// duplicate key, the HINT of a missing function.
#[tokio::test(flavor = "current_thread")]
async fn errors_keep_postgresql_detail_and_hint() {
    let db = TestDb::new().await;
    let m = [src(
        1,
        "dup",
        "CREATE TABLE t (id integer PRIMARY KEY);\nINSERT INTO t VALUES (1), (1);",
    )];
    let (result, _) = up_pg(&db.url, &m, &opts()).await;
    let err = result.expect_err("duplicate key").to_string();
    assert!(
        err.contains("\n  DETAIL: Key (id)=(1) already exists."),
        "{err}"
    );
    let m = [src(2, "fn", "SELECT no_such_function(1);")];
    let (result, _) = up_pg(&db.url, &m, &opts()).await;
    let err = result.expect_err("missing function").to_string();
    assert!(
        err.contains("HINT: No function matches the given name and argument types."),
        "{err}"
    );
    db.close().await.expect("drop");
}
