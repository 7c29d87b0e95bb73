//! Scratch PostgreSQL databases to replay a migration directory in.
//!
//! - `dev_database_url` set: a database of its own on that server, `CREATE DATABASE
//!   migrate_replay_<pid>_<nonce>`, dropped afterwards. The URL's own database is only used to
//!   connect; its user must be allowed to create databases. With `?mode=empty` (for a server
//!   where it may not), the database the URL names is the scratch database: every schema in it is
//!   dropped before the replay and after.
//! - unset, and the local server binaries found (`pg_config --bindir`, else the highest
//!   `/usr/lib/postgresql/<version>/bin`, else `PATH`): a throwaway cluster, `initdb` into a
//!   temporary directory (trust authentication, no fsync), `postgres` on a free port of
//!   127.0.0.1 and a unix socket in that directory, stopped and removed afterwards. As root, it
//!   runs as the `postgres` OS user (PostgreSQL refuses to run as root).
//! - otherwise: an error naming `dev_database_url`.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::Postgres;
use super::runtime::{parse_url, with_database};
use crate::db::{Connection, DbError};
use crate::dialect::runtime::{Runtime, Scratch, ScratchFrom};
use crate::redact::redact_url;

/// How long a throwaway server may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The OS user the throwaway server runs as when `migrate` runs as root.
const OS_USER: &str = "postgres";

pub(super) async fn open(from: ScratchFrom<'_>) -> Result<Scratch, DbError> {
    if let Some(dev) = from.dev_url {
        return on_dev_server(dev).await;
    }
    if !from.start_server {
        return Err(no_server("no throwaway server is started here"));
    }
    let bindir = find_bindir().ok_or_else(|| {
        no_server("no local PostgreSQL server binaries (initdb, postgres) were found either")
    })?;
    let mut cluster = tokio::task::spawn_blocking(move || Cluster::start(&bindir))
        .await
        .map_err(|e| DbError::new(format!("starting a throwaway PostgreSQL server: {e}")))??;
    let url = cluster.url.clone();
    let deadline = Instant::now() + READY_TIMEOUT;
    let conn = loop {
        match Connection::connect(&url).await {
            Ok(c) => break c,
            Err(e) => {
                if let Ok(Some(status)) = cluster.child.try_wait() {
                    return Err(DbError::new(format!(
                        "the throwaway PostgreSQL server exited ({status}):\n{}",
                        tail(&cluster.dir.join("postgres.log"))
                    )));
                }
                if Instant::now() > deadline {
                    return Err(DbError::new(format!(
                        "the throwaway PostgreSQL server did not accept connections within {} s: {}",
                        READY_TIMEOUT.as_secs(),
                        e.message
                    )));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let what = format!(
        "a throwaway PostgreSQL server ({})",
        cluster.bindir.display()
    );
    Ok(Scratch {
        conn,
        what,
        release: Some(Box::new(move || {
            Box::pin(async move {
                let _ = tokio::task::spawn_blocking(move || cluster.stop()).await;
            })
        })),
    })
}

fn no_server(why: &str) -> DbError {
    DbError::new(format!(
        "no PostgreSQL database to replay the migration directory in: `dev_database_url` is not set in migrate.toml, and {why}"
    ))
    .with_help(
        "set `dev_database_url = \"postgres://user@localhost:5432/postgres\"` in migrate.toml: a server where \
         migrate may create and drop scratch databases (never a production one), or install PostgreSQL locally",
    )
}

/// The URL without its `mode=empty` query pair, when it has one: the named database is the
/// scratch database itself, emptied before and after. The other pairs are kept as written.
fn reused(dev: &str) -> Option<String> {
    let mut url = parse_url(dev).ok()?;
    let pairs: Vec<String> = url.query()?.split('&').map(str::to_string).collect();
    if !pairs.iter().any(|p| p == "mode=empty") {
        return None;
    }
    let rest: Vec<String> = pairs.into_iter().filter(|p| p != "mode=empty").collect();
    url.set_query((!rest.is_empty()).then(|| rest.join("&")).as_deref());
    Some(url.into())
}

/// Drops every schema but the system's (with all they hold) and makes `public` again.
const EMPTY: &str = "DO $$\nDECLARE s name;\nBEGIN\n  FOR s IN SELECT nspname FROM pg_namespace\n    WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'\n  LOOP\n    EXECUTE format('DROP SCHEMA %I CASCADE', s);\n  END LOOP;\n  CREATE SCHEMA public;\nEND\n$$";

/// The database `dev_database_url` names, with `?mode=empty`: for a server where migrate may not
/// create databases. Everything in it is dropped, before the replay and after.
async fn emptied(url: String) -> Result<Scratch, DbError> {
    let shown = redact_url(&url);
    let fail = |e: String| {
        DbError::new(format!(
            "cannot empty the scratch database dev_database_url names ({shown}): {e}"
        ))
        .with_help(
            "with `?mode=empty`, `dev_database_url` names a database migrate empties (every schema dropped):              its user must own its schemas",
        )
    };
    let mut conn = Connection::connect(&url).await.map_err(|e| fail(e.message))?;
    if let Err(e) = conn.execute(EMPTY).await {
        conn.close().await;
        return Err(fail(crate::redact::scrub(&e.to_string(), &url)));
    }
    Ok(Scratch {
        conn,
        what: format!("the emptied database dev_database_url names ({shown})"),
        release: Some(Box::new(move || {
            Box::pin(async move {
                if let Ok(mut c) = Connection::connect(&url).await {
                    let _ = c.execute(EMPTY).await;
                    c.close().await;
                }
            })
        })),
    })
}

/// A uniquely named database on the `dev_database_url` server.
async fn on_dev_server(dev: &str) -> Result<Scratch, DbError> {
    if let Some(url) = reused(dev) {
        return emptied(url).await;
    }
    let nonce = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!("migrate_replay_{}_{nonce}", std::process::id());
    let shown = redact_url(dev);
    let help = |e: DbError| {
        DbError::new(format!(
            "cannot create a scratch database on dev_database_url ({shown}): {}",
            e.message
        ))
        .with_help(
            "`dev_database_url` must name a server whose user may create databases (CREATEDB); \
             migrate creates a database of its own there and drops it afterwards",
        )
    };
    let url = with_database(dev, &name).map_err(&help)?;
    Postgres.create_database(&url).await.map_err(help)?;
    let conn = match Connection::connect(&url).await {
        Ok(c) => c,
        Err(e) => {
            let _ = Postgres.drop_database(&url).await;
            return Err(help(e));
        }
    };
    Ok(Scratch {
        conn,
        what: format!("database `{name}` on dev_database_url ({shown})"),
        release: Some(Box::new(move || {
            Box::pin(async move {
                let _ = Postgres.drop_database(&url).await;
            })
        })),
    })
}

/// The directory holding `initdb` and `postgres`.
fn find_bindir() -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let mut versioned: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .collect();
    versioned.sort_by_key(|v| std::cmp::Reverse(v.0));
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    from_pg_config
        .into_iter()
        .chain(versioned.into_iter().map(|(_, p)| p))
        .chain(on_path)
        .find(|d| has_server(d))
        .map(|d| {
            // Follow links, so that initdb finds the postgres beside it.
            d.join("initdb")
                .canonicalize()
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf))
                .filter(|p| has_server(p))
                .unwrap_or(d)
        })
}

/// A throwaway cluster: its directory, its server process, and how to reach it.
struct Cluster {
    bindir: PathBuf,
    dir: PathBuf,
    child: Child,
    url: String,
    owner: Option<(u32, u32)>,
    stopped: bool,
}

impl Cluster {
    fn start(bindir: &Path) -> Result<Cluster, DbError> {
        let owner = run_as()?;
        let nonce = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let root = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = root.join(format!("migrate-replay-{}-{nonce}", std::process::id()));
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            DbError::new(format!("starting a throwaway PostgreSQL server: {what}: {e}"))
        };
        fs::create_dir_all(&dir).map_err(|e| fail(&format!("cannot create {}", dir.display()), &e))?;
        let cleanup = |e: DbError| {
            let _ = fs::remove_dir_all(&dir);
            e
        };
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .map_err(|e| cleanup(fail(&format!("cannot give {} to `{OS_USER}`", dir.display()), &e)))?;
        }
        let data = dir.join("data");
        let mut initdb = Command::new(bindir.join("initdb"));
        initdb.arg("--pgdata").arg(&data).args([
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        ]);
        prepare(&mut initdb, &dir, owner, "initdb.log").map_err(cleanup)?;
        let status = initdb
            .status()
            .map_err(|e| cleanup(fail(&format!("cannot run {}", bindir.join("initdb").display()), &e)))?;
        if !status.success() {
            return Err(cleanup(DbError::new(format!(
                "starting a throwaway PostgreSQL server: initdb failed ({status}):\n{}",
                tail(&dir.join("initdb.log"))
            ))));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| cleanup(fail("cannot find a free port on 127.0.0.1", &e)))?;
        let socket_dir = dir.to_string_lossy().into_owned();
        let mut postgres = Command::new(bindir.join("postgres"));
        postgres.arg("-D").arg(&data).args(["-p", &port.to_string()]);
        for setting in [
            "listen_addresses=127.0.0.1".to_string(),
            format!("unix_socket_directories={socket_dir}"),
            "fsync=off".into(),
            "synchronous_commit=off".into(),
            "full_page_writes=off".into(),
            "wal_level=minimal".into(),
            "max_wal_senders=0".into(),
            "autovacuum=off".into(),
            "jit=off".into(),
        ] {
            postgres.args(["-c", &setting]);
        }
        prepare(&mut postgres, &dir, owner, "postgres.log").map_err(cleanup)?;
        let child = postgres
            .spawn()
            .map_err(|e| cleanup(fail(&format!("cannot run {}", bindir.join("postgres").display()), &e)))?;
        Ok(Cluster {
            bindir: bindir.to_path_buf(),
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable"),
            dir,
            child,
            owner,
            stopped: false,
        })
    }

    /// Fast shutdown (SIGINT), then the directory removed.
    fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = self.owner;
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Output to a log file in `dir`, no `PG*` variables, and the OS user when running as root.
fn prepare(
    cmd: &mut Command,
    dir: &Path,
    owner: Option<(u32, u32)>,
    log: &str,
) -> Result<(), DbError> {
    use std::os::unix::process::CommandExt as _;
    let path = dir.join(log);
    let out = File::create(&path).map_err(|e| {
        DbError::new(format!("cannot create {}: {e}", path.display()))
    })?;
    let err = out
        .try_clone()
        .map_err(|e| DbError::new(format!("cannot create {}: {e}", path.display())))?;
    if let Some((uid, _)) = owner {
        let _ = std::os::unix::fs::chown(&path, Some(uid), None);
    }
    cmd.current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(|k| k.starts_with("PG")) {
            cmd.env_remove(key);
        }
    }
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
    Ok(())
}

/// The OS user's ids to run the server as: none unless running as root.
fn run_as() -> Result<Option<(u32, u32)>, DbError> {
    use std::os::unix::fs::MetadataExt as _;
    let root = fs::metadata("/proc/self").map_or_else(
        |_| {
            Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        },
        |m| m.uid() == 0,
    );
    if !root {
        return Ok(None);
    }
    let id = |flag: &str| {
        Command::new("id")
            .args([flag, OS_USER])
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<u32>().ok())
    };
    match (id("-u"), id("-g")) {
        (Some(uid), Some(gid)) => Ok(Some((uid, gid))),
        _ => Err(no_server(&format!(
            "migrate runs as root, where PostgreSQL refuses to start, and there is no `{OS_USER}` OS user to start a throwaway server as"
        ))),
    }
}

/// The last lines of a log file.
fn tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_database_replaces_the_urls_database() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/app?sslmode=disable", "x").unwrap(),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x").unwrap(), "postgres://h/x");
        assert!(with_database("postgres://h:port/d", "x").is_err());
    }

    #[test]
    fn mode_empty_names_the_database_to_reuse() {
        assert_eq!(reused("postgres://h/d"), None);
        assert_eq!(reused("postgres://h/d?sslmode=disable"), None);
        assert_eq!(reused("postgres://h/d?mode=empty").as_deref(), Some("postgres://h/d"));
        assert_eq!(
            reused("postgres://h/d?sslmode=disable&mode=empty").as_deref(),
            Some("postgres://h/d?sslmode=disable")
        );
    }
}
