//! Chaos: concurrent runners on real databases, killed (SIGKILL) or cut off by the server
//! (`pg_terminate_backend`) at random points of transactional and `CREATE INDEX CONCURRENTLY`
//! files; each time `status` must describe what happened and `up` (after the commands its
//! message prints, followed word for word) must reach the final state: every migration applied
//! once, every index valid, every table as its migration made it.
//!
//! Runners are processes: this test binary started again on [`chaos_runner_child`], which applies
//! the migration directory with the runner's library API exactly as `migrate up` does (and
//! records a stop on a new connection when the server ended its session, as `migrate up` does).
//! Faults are timed on observable state — the holder's `application_name` and statement in
//! `pg_stat_activity`, `pg_index`, the history table — never on sleeps.
//!
//! Seeded: `MIGRATE_CHAOS_SEED`, else `MIGRATE_PROPTEST_SEED`, else a fixed seed; round `i` uses
//! seed + i, printed with every failure. `MIGRATE_CHAOS_ROUNDS` (default 6 on PostgreSQL, 4 on
//! SQLite) sets how many rounds; see tests/README.md for the long run.

use migrate_core::Explain;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use migrate_core::migration::{MigrationDir, Version};
use migrate_core::runner::{self, IntegrityKind, Options, RunError, Source, State};
use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;
use sqlx::{Connection, PgConnection, SqliteConnection};
use tempfile::TempDir;

const CHILD_URL: &str = "MIGRATE_CHAOS_URL";
const CHILD_DIR: &str = "MIGRATE_CHAOS_DIR";

/// splitmix64: small, seedable, good enough to pick faults.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// In `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn base_seed() -> u64 {
    ["MIGRATE_CHAOS_SEED", "MIGRATE_PROPTEST_SEED"]
        .iter()
        .find_map(|k| std::env::var(k).ok()?.trim().parse().ok())
        .unwrap_or(20_261_122)
}

fn rounds(default: u64) -> u64 {
    std::env::var("MIGRATE_CHAOS_ROUNDS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// What a migration of the round does, to check it was applied exactly when it says so.
#[derive(Debug, Clone)]
enum Effect {
    /// A table with this many rows.
    Table(String, i64),
    /// A column of `big`.
    Column(String),
    /// Indexes built concurrently, in file order.
    Indexes(Vec<String>),
}

#[derive(Debug)]
struct Round {
    seed: u64,
    dir: TempDir,
    effects: Vec<Effect>,
    sources: Vec<Source>,
}

impl Round {
    fn version(&self, i: usize) -> u64 {
        self.sources[i].version
    }
}

fn header(lines: &[String], online: bool) -> String {
    let mut h = String::new();
    if online {
        h.push_str("-- migrate:no-transaction\n");
    }
    for l in lines {
        h.push_str(&format!("-- {l}\n"));
    }
    h.push_str("--\n-- Generated for the chaos tests.\n\n");
    h
}

/// A random migration directory: a base table `big`, then transactional and (PostgreSQL)
/// concurrent-index files.
fn plan(seed: u64, postgres: bool) -> Round {
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut md = MigrationDir::create(dir.path().join("migrations")).expect("dir");
    let start = Version::parse("20240101000000").expect("version");
    let rows = rng.range(20_000, 50_000);
    let mut files: Vec<(String, String)> = Vec::new();
    let mut effects = Vec::new();
    let base = if postgres {
        format!(
            "CREATE TABLE big (id integer NOT NULL, a integer NOT NULL, b text NOT NULL);\n\
             INSERT INTO big SELECT g, g % 97, md5(g::text) FROM generate_series(1, {rows}) g;\n"
        )
    } else {
        format!(
            "CREATE TABLE big (id integer NOT NULL, a integer NOT NULL, b text NOT NULL);\n\
             WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < {rows})\n\
             INSERT INTO big SELECT g, g % 97, hex(randomblob(8)) FROM n;\n"
        )
    };
    files.push((
        "base".into(),
        format!("{}{base}", header(&["The base table.".into()], false)),
    ));
    effects.push(Effect::Table("big".into(), rows as i64));
    for i in 1..=rng.range(4, 7) {
        let kind = rng.next() % if postgres { 3 } else { 2 };
        match kind {
            0 => {
                let k = rng.range(5_000, 30_000);
                let fill = if postgres {
                    format!(
                        "INSERT INTO t{i} SELECT g, md5(g::text) FROM generate_series(1, {k}) g;\n"
                    )
                } else {
                    format!(
                        "WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < {k})\n\
                         INSERT INTO t{i} SELECT g, hex(randomblob(8)) FROM n;\n"
                    )
                };
                // On SQLite, a no-transaction file still runs in one transaction.
                let online = !postgres && rng.chance(30);
                files.push((
                    format!("create_t{i}"),
                    format!(
                        "{}CREATE TABLE t{i} (id integer PRIMARY KEY, v text NOT NULL);\n{fill}",
                        header(&[format!("Create table `t{i}`.")], online)
                    ),
                ));
                effects.push(Effect::Table(format!("t{i}"), k as i64));
            }
            1 => {
                files.push((
                    format!("add_big_c{i}"),
                    format!(
                        "{}ALTER TABLE big ADD COLUMN c{i} integer NOT NULL DEFAULT {i};\n\
                         UPDATE big SET c{i} = a + {i} WHERE id % 3 = 0;\n",
                        header(&[format!("Add column `big.c{i}`.")], false)
                    ),
                ));
                effects.push(Effect::Column(format!("c{i}")));
            }
            _ => {
                let n = rng.range(1, 3);
                let mut names = Vec::new();
                let mut lines = Vec::new();
                let mut body = String::new();
                for j in 1..=n {
                    let name = format!("big_i{i}_{j}");
                    let (unique, cols) = match rng.next() % 4 {
                        0 => ("UNIQUE ", "\"id\""),
                        1 => ("", "\"a\""),
                        2 => ("", "\"b\""),
                        _ => ("", "\"a\", \"b\""),
                    };
                    lines.push(format!("Create index `{name}` on `big`."));
                    body.push_str(&format!(
                        "CREATE {unique}INDEX CONCURRENTLY \"{name}\" ON \"big\" ({cols});\n\n"
                    ));
                    names.push(name);
                }
                files.push((
                    format!("create_big_i{i}"),
                    format!("{}{body}", header(&lines, true)),
                ));
                effects.push(Effect::Indexes(names));
            }
        }
    }
    for (name, sql) in &files {
        md.add_at(name, sql, start).expect("add");
    }
    let (_, sources) =
        runner::load_dir(&dir.path().join("migrations"), &[]).expect("a valid directory");
    Round {
        seed,
        dir,
        effects,
        sources,
    }
}

/// What the child runners use: no statement lock timeout (nothing else runs), frequent
/// "still waiting" reports.
fn chaos_opts() -> Options {
    Options {
        lock_timeout: None,
        wait_report: Duration::from_millis(50),
        runner_lock_timeout: Some(Duration::from_millis(120_000)),
        ..Options::default()
    }
}

/// One runner process; its first line says its PostgreSQL backend ([`Runner::backend`]).
struct Runner {
    child: Child,
    stdout: BufReader<ChildStdout>,
    stderr: PathBuf,
    backend: Option<i32>,
}

fn start_runner(url: &str, dir: &Path, stderr: PathBuf) -> Runner {
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "chaos_runner_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_URL, url)
        .env(CHILD_DIR, dir.join("migrations"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(File::create(&stderr).expect("stderr file"))
        .spawn()
        .expect("a runner starts");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    Runner {
        child,
        stdout,
        stderr,
        backend: None,
    }
}

impl Runner {
    /// Its PostgreSQL backend, from its first line (written before it starts applying, so the
    /// line is there even once it has ended).
    fn backend(&mut self) -> Option<i32> {
        let mut line = String::new();
        while self.backend.is_none() {
            line.clear();
            if self.stdout.read_line(&mut line).expect("read") == 0 {
                break;
            }
            // The test harness writes `test chaos_runner_child ... ` before it, on the same line.
            if let Some((_, pid)) = line.trim().split_once("chaos: backend ") {
                self.backend = pid.parse().ok();
            }
        }
        self.backend
    }
}

/// How a runner ended and what it said.
#[derive(Debug)]
struct Ended {
    code: Option<i32>,
    text: String,
}

fn finish(mut r: Runner) -> Ended {
    let mut text = String::new();
    r.stdout.read_to_string(&mut text).expect("stdout");
    let status = r.child.wait().expect("reaped");
    let mut err = String::new();
    File::open(&r.stderr)
        .and_then(|mut f| f.read_to_string(&mut err))
        .expect("stderr");
    text.push_str(&err);
    Ended {
        code: status.code(),
        text,
    }
}

/// A runner started by the chaos tests: applies `MIGRATE_CHAOS_DIR` to `MIGRATE_CHAOS_URL`,
/// prints `chaos: ...` lines, exits 0 (done) or 1 (with the error and its help).
#[tokio::test(flavor = "current_thread")]
#[ignore = "a runner process, started by the chaos tests"]
async fn chaos_runner_child() {
    let (Ok(url), Ok(dir)) = (std::env::var(CHILD_URL), std::env::var(CHILD_DIR)) else {
        return;
    };
    let (_, sources) = runner::load_dir(Path::new(&dir), &[]).expect("directory");
    let o = chaos_opts();
    let say = |line: String| {
        let mut out = std::io::stdout();
        let _ = writeln!(out, "chaos: {line}");
        let _ = out.flush();
    };
    let result = if url.starts_with("postgres") {
        let mut c = PgConnection::connect(&url).await.expect("connect");
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut c)
            .await
            .expect("pid");
        say(format!("backend {pid}"));
        let r = runner::up(
            &mut runner::Connection::from(&mut c),
            &sources,
            &o,
            &mut |e| say(format!("{e:?}")),
        )
        .await;
        match r {
            Err(e @ RunError::ConnectionLost { .. }) => {
                // As `migrate up` does: record the stop on a new connection.
                let mut fresh = PgConnection::connect(&url).await.expect("reconnect");
                Err(
                    runner::settle_lost(&mut runner::Connection::from(&mut fresh), &sources, &o, e)
                        .await,
                )
            }
            other => other,
        }
    } else {
        let mut c = SqliteConnection::connect(&url).await.expect("connect");
        say("ready".into());
        runner::up(
            &mut runner::Connection::from(&mut c),
            &sources,
            &o,
            &mut |e| say(format!("{e:?}")),
        )
        .await
    };
    match result {
        Ok(s) => {
            say(format!("done: {} applied", s.applied.len()));
            std::process::exit(0);
        }
        Err(e) => {
            say(format!("error: {e}"));
            if let RunError::Integrity(problems) = &e {
                for p in problems {
                    say(format!("problem: {p}"));
                }
            }
            say(format!("help: {}", e.help().unwrap_or_default()));
            std::process::exit(1);
        }
    }
}

async fn pg(url: &str) -> PgConnection {
    PgConnection::connect(url).await.expect("connect")
}

async fn pg_int(c: &mut PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(c)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Where a fault lands: the first moment the runners reach it (or any later one).
#[derive(Debug, Clone, Copy)]
enum Point {
    /// The holder applies migration `k` (any statement of it).
    Applying(usize),
    /// The holder runs a `CREATE INDEX CONCURRENTLY` of migration `k`.
    BuildingIndex(usize),
    /// Index `j` of migration `k` is valid: between two statements of an index file.
    AfterIndex(usize, usize),
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    KillHolder,
    TerminateHolder,
    KillWaiter,
    None,
}

/// The highest version recorded as applied, 0 when none.
async fn progress(c: &mut PgConnection) -> u64 {
    let exists = pg_int(
        c,
        "SELECT (to_regclass('migrate_history') IS NOT NULL)::int::int8",
    )
    .await;
    if exists == 0 {
        return 0;
    }
    pg_int(
        c,
        "SELECT COALESCE(max(version), 0) FROM migrate_history WHERE success",
    )
    .await as u64
}

/// Polls until `point` is reached (or passed), or every runner ended. True when reached.
async fn reach(c: &mut PgConnection, round: &Round, point: Point, runners: &mut [Runner]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let k = match point {
            Point::Applying(k) | Point::BuildingIndex(k) | Point::AfterIndex(k, _) => k,
        };
        let v = round.version(k);
        let here = match point {
            Point::Applying(_) => {
                pg_int(
                    c,
                    &format!(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
                         AND application_name LIKE 'migrate {v}%'"
                    ),
                )
                .await
            }
            Point::BuildingIndex(_) => {
                pg_int(
                    c,
                    &format!(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
                         AND application_name LIKE 'migrate {v}%' AND state = 'active' \
                         AND query LIKE 'CREATE%INDEX CONCURRENTLY%'"
                    ),
                )
                .await
            }
            Point::AfterIndex(_, j) => {
                let Effect::Indexes(names) = &round.effects[k] else {
                    unreachable!("an index file")
                };
                pg_int(
                    c,
                    &format!(
                        "SELECT COUNT(*) FROM pg_index i WHERE i.indisvalid AND i.indexrelid = to_regclass('\"{}\"')",
                        names[j]
                    ),
                )
                .await
            }
        };
        if here > 0 || progress(c).await >= v {
            return true;
        }
        if runners
            .iter_mut()
            .all(|r| r.child.try_wait().ok().flatten().is_some())
        {
            return false;
        }
        assert!(
            Instant::now() < deadline,
            "seed {}: {point:?} never reached",
            round.seed
        );
        tokio::task::yield_now().await;
    }
}

/// The backend holding the runner lock, if any.
async fn holder(c: &mut PgConnection) -> Option<i32> {
    sqlx::query_scalar(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1",
    )
    .fetch_optional(c)
    .await
    .expect("pg_locks")
}

/// Waits until no session of this database other than `c` remains (killed runners' backends
/// included).
async fn settled(c: &mut PgConnection, seed: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while pg_int(
        c,
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await
        > 0
    {
        assert!(Instant::now() < deadline, "seed {seed}: sessions never ended");
        tokio::task::yield_now().await;
    }
}

/// Whether migration `i`'s effect is in the database; for an index file, `(valid, present)`
/// counts of its indexes.
async fn effect_pg(c: &mut PgConnection, e: &Effect) -> (i64, i64) {
    match e {
        Effect::Table(t, rows) => {
            let exists = pg_int(
                c,
                &format!("SELECT (to_regclass('{t}') IS NOT NULL)::int::int8"),
            )
            .await;
            if exists == 1 {
                let n = pg_int(c, &format!("SELECT COUNT(*) FROM {t}")).await;
                assert_eq!(n, *rows, "table {t}");
            }
            (exists, exists)
        }
        Effect::Column(col) => {
            let n = pg_int(
                c,
                &format!(
                    "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'big' AND column_name = '{col}'"
                ),
            )
            .await;
            (n, n)
        }
        Effect::Indexes(names) => {
            let mut valid = 0;
            let mut present = 0;
            for n in names {
                let v: Option<Option<bool>> = sqlx::query_scalar(&format!(
                    "SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('\"{n}\"'))"
                ))
                .fetch_optional(&mut *c)
                .await
                .expect("pg_index");
                match v.flatten() {
                    Some(true) => {
                        valid += 1;
                        present += 1;
                    }
                    Some(false) => present += 1,
                    None => {}
                }
            }
            (valid, present)
        }
    }
}

/// The state `status` reports for each migration must agree with what the database holds.
async fn check_status(c: &mut PgConnection, round: &Round, stopped: &mut Option<usize>) {
    let seed = round.seed;
    let st = runner::status(
        &mut runner::Connection::from(&mut *c),
        &round.sources,
        &chaos_opts(),
    )
    .await
    .expect("status");
    assert_eq!(st.len(), round.sources.len());
    for (i, (s, e)) in st.iter().zip(&round.effects).enumerate() {
        let (valid, present) = effect_pg(c, e).await;
        let whole = match e {
            Effect::Indexes(n) => n.len() as i64,
            _ => 1,
        };
        match (s.state, e) {
            (State::Applied, _) => {
                assert_eq!(
                    valid, whole,
                    "seed {seed}: {} applied, effect missing",
                    s.name
                )
            }
            (State::Pending, _) => assert_eq!(
                present, 0,
                "seed {seed}: {} pending, yet its effect is there",
                s.name
            ),
            (State::Failed | State::Interrupted, Effect::Indexes(names)) => {
                assert!(
                    stopped.replace(i).is_none(),
                    "seed {seed}: two stopped runs: {st:?}"
                );
                let help = s.help.as_deref().unwrap_or("");
                if s.state == State::Interrupted {
                    assert!(
                        help.starts_with("Its runner stopped part-way without recording an error"),
                        "seed {seed}: {help}"
                    );
                } else {
                    assert!(s.error.is_some(), "seed {seed}: a failed run has its error");
                }
                for n in names {
                    let invalid = effect_pg(c, &Effect::Indexes(vec![n.clone()])).await == (0, 1);
                    assert_eq!(
                        help.contains(&format!("The index \"{n}\"")) && help.contains("is INVALID"),
                        invalid,
                        "seed {seed}: {n} in {help}"
                    );
                }
            }
            (state, _) => panic!(
                "seed {seed}: {} is {} after the runners ended: {st:?}",
                s.name,
                state.as_str()
            ),
        }
    }
}

/// Follows a dirty migration's advice word for word: its `DROP INDEX` commands, then its
/// `migrate resolve`.
async fn follow(c: &mut PgConnection, help: &str, seed: u64) {
    let commands: Vec<&str> = help.split('`').skip(1).step_by(2).collect();
    for sql in commands.iter().filter(|x| x.starts_with("DROP INDEX")) {
        sqlx::raw_sql(sql).execute(&mut *c).await.expect(sql);
    }
    let resolve = commands
        .iter()
        .find(|x| x.starts_with("migrate resolve "))
        .unwrap_or_else(|| panic!("seed {seed}: no `migrate resolve` in: {help}"));
    let words: Vec<&str> = resolve.split_whitespace().collect();
    let version: u64 = words[2].parse().expect("a version");
    let applied = words[3] == "--applied";
    runner::resolve(
        &mut runner::Connection::from(&mut *c),
        version,
        applied,
        &chaos_opts(),
    )
    .await
    .unwrap_or_else(|e| panic!("seed {seed}: {resolve}: {e}"));
}

async fn pg_round(seed: u64) {
    let round = plan(seed, true);
    let db = TestDb::new().await;
    let mut c = pg(&db.url).await;
    // A backend whose client vanished notices within 20 ms.
    sqlx::raw_sql(&format!(
        "ALTER DATABASE \"{}\" SET client_connection_check_interval = '20ms'",
        db.name
    ))
    .execute(&mut c)
    .await
    .expect("check interval");
    let mut rng = Rng(seed ^ 0x5eed);
    let count = rng.range(1, 3) as usize;
    let fault = match rng.next() % 100 {
        0..35 => Fault::KillHolder,
        35..70 => Fault::TerminateHolder,
        70..85 if count > 1 => Fault::KillWaiter,
        _ => Fault::None,
    };
    let k = rng.range(0, round.sources.len() as u64 - 1) as usize;
    let point = match &round.effects[k] {
        Effect::Indexes(names) if names.len() > 1 && rng.chance(40) => {
            Point::AfterIndex(k, rng.range(0, names.len() as u64 - 2) as usize)
        }
        Effect::Indexes(_) if rng.chance(70) => Point::BuildingIndex(k),
        _ => Point::Applying(k),
    };
    let logs = tempfile::tempdir().expect("logs");
    let mut runners: Vec<Runner> = (0..count)
        .map(|i| {
            start_runner(
                &db.url,
                round.dir.path(),
                logs.path().join(format!("{i}.err")),
            )
        })
        .collect();
    let what = format!("seed {seed}: {count} runner(s), {fault:?} at {point:?}");
    let mut struck: Option<usize> = None;
    if !matches!(fault, Fault::None) && reach(&mut c, &round, point, &mut runners).await {
        let held = holder(&mut c).await;
        let backends: Vec<Option<i32>> = runners.iter_mut().map(Runner::backend).collect();
        let index = |pid: Option<i32>| backends.iter().position(|b| *b == pid && pid.is_some());
        match fault {
            Fault::KillHolder => {
                if let Some(i) = index(held) {
                    let _ = runners[i].child.kill();
                    struck = Some(i);
                }
            }
            Fault::TerminateHolder => {
                if let Some(pid) = held {
                    sqlx::query("SELECT pg_terminate_backend($1)")
                        .bind(pid)
                        .execute(&mut c)
                        .await
                        .expect("terminate");
                    struck = index(held);
                }
            }
            Fault::KillWaiter => {
                let waiting = backends.iter().position(|b| *b != held && held.is_some());
                if let Some(i) = waiting {
                    let _ = runners[i].child.kill();
                    struck = Some(i);
                }
            }
            Fault::None => {}
        }
    }
    let ended: Vec<Ended> = runners.into_iter().map(finish).collect();
    settled(&mut c, seed).await;

    // What each runner said.
    for (i, e) in ended.iter().enumerate() {
        if struck == Some(i) && matches!(fault, Fault::KillHolder | Fault::KillWaiter) {
            continue;
        }
        let ok = e.code == Some(0);
        let dirty = e.text.contains("chaos: problem: migration");
        let lost = e.text.contains("the database ended this runner's session")
            || e.text.contains("terminating connection")
            || e.text.contains("error communicating with database");
        assert!(
            ok || dirty || (struck == Some(i) && lost),
            "{what}: runner {i} ended badly:\n{}",
            e.text
        );
        if struck == Some(i) && !ok && e.text.contains("stopped at line") {
            // The terminated runner named the migration it stopped in.
            assert!(
                e.text.contains("chaos: error: migration 2024"),
                "{what}:\n{}",
                e.text
            );
        }
    }

    // `status`: every migration's state matches the database; at most one stopped part-way.
    let mut stopped = None;
    check_status(&mut c, &round, &mut stopped).await;
    if let (Some(i), Fault::TerminateHolder) = (stopped, fault) {
        let recorded: Option<String> = sqlx::query_scalar(&format!(
            "SELECT error FROM migrate_history WHERE version = {}",
            round.version(i)
        ))
        .fetch_one(&mut c)
        .await
        .expect("history");
        assert!(
            recorded.is_some(),
            "{what}: the terminated run has its error recorded"
        );
    }

    eprintln!(
        "chaos: {what}: struck runner {struck:?}, stopped migration {stopped:?}, exits {:?}",
        ended.iter().map(|e| e.code).collect::<Vec<_>>()
    );

    if std::env::var_os("MIGRATE_CHAOS_VERBOSE").is_some() {
        for e in &ended {
            eprintln!("---- runner output\n{}", e.text);
        }
    }
    // A runner refused by a stopped run named that one.
    for e in ended.iter().filter(|e| e.text.contains("chaos: problem: ")) {
        let i =
            stopped.unwrap_or_else(|| panic!("{what}: refused, yet nothing stopped:\n{}", e.text));
        let name = format!(
            "chaos: problem: migration {}_{}",
            round.version(i),
            round.sources[i].name
        );
        assert!(e.text.contains(&name), "{what}:\n{}", e.text);
    }
    // `up`: refuses a stopped run with the way back; once followed, applies the rest.
    let first = runner::up(
        &mut runner::Connection::from(&mut c),
        &round.sources,
        &chaos_opts(),
        &mut |_| {},
    )
    .await;
    match (stopped, first) {
        (None, Ok(_)) => {}
        (Some(i), Err(RunError::Integrity(problems))) => {
            assert_eq!(problems.len(), 1, "{what}: {problems:?}");
            let p = &problems[0];
            assert_eq!(p.version, round.version(i), "{what}");
            assert!(
                matches!(p.kind, IntegrityKind::Dirty { .. }),
                "{what}: {p:?}"
            );
            assert!(
                p.to_string().contains(&round.sources[i].name),
                "{what}: {p}"
            );
            follow(&mut c, &p.help().unwrap_or_default(), seed).await;
            let again = runner::up(
                &mut runner::Connection::from(&mut c),
                &round.sources,
                &chaos_opts(),
                &mut |_| {},
            )
            .await;
            assert!(again.is_ok(), "{what}: {again:?}");
        }
        (s, r) => panic!("{what}: stopped {s:?}, up gave {r:?}"),
    }

    // The final state.
    let n = round.sources.len() as i64;
    assert_eq!(
        pg_int(
            &mut c,
            "SELECT COUNT(*) FROM migrate_history WHERE success AND finished_at IS NOT NULL"
        )
        .await,
        n,
        "{what}"
    );
    for e in &round.effects {
        let (valid, _) = effect_pg(&mut c, e).await;
        let whole = match e {
            Effect::Indexes(names) => names.len() as i64,
            _ => 1,
        };
        assert_eq!(valid, whole, "{what}: {e:?}");
    }
    assert_eq!(
        pg_int(&mut c, "SELECT COUNT(*) FROM pg_index WHERE NOT indisvalid").await,
        0,
        "{what}"
    );
    let st = runner::status(
        &mut runner::Connection::from(&mut c),
        &round.sources,
        &chaos_opts(),
    )
    .await
    .expect("status");
    assert!(
        st.iter().all(|s| s.state == State::Applied),
        "{what}: {st:?}"
    );
    drop(c);
    db.close().await.expect("drop");
}

#[tokio::test(flavor = "current_thread")]
async fn chaos_on_postgres() {
    let base = base_seed();
    for i in 0..rounds(6) {
        pg_round(base.wrapping_add(i)).await;
    }
}

async fn lite_int(c: &mut SqliteConnection, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(c)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn effect_lite(c: &mut SqliteConnection, e: &Effect) -> i64 {
    match e {
        Effect::Table(t, rows) => {
            let exists = lite_int(
                c,
                &format!(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{t}'"
                ),
            )
            .await;
            if exists == 1 {
                assert_eq!(
                    lite_int(c, &format!("SELECT COUNT(*) FROM {t}")).await,
                    *rows,
                    "table {t}"
                );
            }
            exists
        }
        Effect::Column(col) => {
            lite_int(
                c,
                &format!("SELECT COUNT(*) FROM pragma_table_info('big') WHERE name = '{col}'"),
            )
            .await
        }
        Effect::Indexes(_) => unreachable!("no concurrent indexes on SQLite"),
    }
}

async fn lite_round(seed: u64) {
    let round = plan(seed, false);
    let file = TestFile::new();
    let mut rng = Rng(seed ^ 0x5eed);
    let count = rng.range(1, 3) as usize;
    let kill = rng.chance(80);
    let k = rng.range(0, round.sources.len() as u64 - 1) as i64;
    let what = format!("seed {seed}: {count} runner(s), kill {kill} after {k} applied");
    let logs = tempfile::tempdir().expect("logs");
    let mut runners: Vec<Runner> = (0..count)
        .map(|i| {
            start_runner(
                &file.url,
                round.dir.path(),
                logs.path().join(format!("{i}.err")),
            )
        })
        .collect();
    let mut c = SqliteConnection::connect(&file.url).await.expect("connect");
    let mut struck = None;
    if kill {
        // Once `k` migrations are recorded, kill a runner: the one applying, or one waiting.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let recorded = sqlx::query_scalar::<_, i64>(
                "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'migrate_history') \
                 THEN (SELECT COUNT(*) FROM migrate_history) ELSE 0 END",
            )
            .fetch_one(&mut c)
            .await
            .unwrap_or(0);
            if recorded >= k {
                let i = rng.range(0, count as u64 - 1) as usize;
                let _ = runners[i].child.kill();
                struck = Some(i);
                break;
            }
            if runners
                .iter_mut()
                .all(|r| r.child.try_wait().ok().flatten().is_some())
            {
                break;
            }
            assert!(Instant::now() < deadline, "{what}: never reached");
            tokio::task::yield_now().await;
        }
    }
    let ended: Vec<Ended> = runners.into_iter().map(finish).collect();
    eprintln!("chaos: {what}: struck runner {struck:?}");
    for (i, e) in ended.iter().enumerate() {
        if struck != Some(i) {
            assert_eq!(e.code, Some(0), "{what}: runner {i}:\n{}", e.text);
        }
    }
    // Every migration is applied or pending, exactly as the database holds it.
    let st = runner::status(
        &mut runner::Connection::from(&mut c),
        &round.sources,
        &chaos_opts(),
    )
    .await
    .expect("status");
    for (s, e) in st.iter().zip(&round.effects) {
        let present = effect_lite(&mut c, e).await;
        match s.state {
            State::Applied => assert_eq!(present, 1, "{what}: {} applied, effect missing", s.name),
            State::Pending => assert_eq!(present, 0, "{what}: {} pending, effect there", s.name),
            other => panic!("{what}: {} is {}", s.name, other.as_str()),
        }
    }
    let done = runner::up(
        &mut runner::Connection::from(&mut c),
        &round.sources,
        &chaos_opts(),
        &mut |_| {},
    )
    .await;
    assert!(done.is_ok(), "{what}: {done:?}");
    assert_eq!(
        lite_int(
            &mut c,
            "SELECT COUNT(*) FROM migrate_history WHERE success = 1 AND finished_at IS NOT NULL"
        )
        .await,
        round.sources.len() as i64,
        "{what}"
    );
    for e in &round.effects {
        assert_eq!(effect_lite(&mut c, e).await, 1, "{what}: {e:?}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn chaos_on_sqlite() {
    let base = base_seed();
    for i in 0..rounds(4) {
        lite_round(base.wrapping_add(i)).await;
    }
}
