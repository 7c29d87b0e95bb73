//! A fresh PostgreSQL database per test, on a real server.
//!
//! The server is chosen once per test process:
//! - `MIGRATE_TEST_DATABASE_URL` set (and not empty): that server, through that admin URL, e.g.
//!   `postgres://postgres@127.0.0.1:5432/postgres`. Its user must be allowed to create databases.
//! - otherwise: a throwaway cluster started from the local PostgreSQL binaries (see "Throwaway
//!   cluster" below), shared by every test of the process and stopped when the process ends.
//!
//! Every [`TestDb`] is then its own `CREATE DATABASE`, dropped (`WITH (FORCE)`) when the handle
//! drops.
//!
//! # Throwaway cluster
//! The binaries are looked up in `MIGRATE_TEST_PG_BINDIR` if set, else `pg_config --bindir`, else
//! the highest `/usr/lib/postgresql/<version>/bin`, else `PATH`. The cluster lives in
//! `<root>/migrate-tests-pg-<euid>/<pid>-<nonce>/`, where the root is `/dev/shm` when it has
//! room, else `$TMPDIR`; it listens on 127.0.0.1 on a free port and on a unix socket in that
//! directory. When the process runs as root the cluster runs as the
//! `postgres` OS user (created if missing), since PostgreSQL refuses to run as root.
//!
//! # TLS
//! [`TestDb::new_tls`] makes its database on a second throwaway cluster of the process (always
//! one, whatever `MIGRATE_TEST_DATABASE_URL` says) that runs with `ssl = on`, with a server
//! certificate for `localhost` signed by a test authority ([`TlsFiles::root_cert`], from
//! [`tls_files`]). It still accepts plaintext, so `sslmode=disable` and `prefer` work too.

mod cluster;

pub use cluster::TlsFiles;

use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};
use sqlx::{Connection, Executor};
use url::Url;

use crate::Error;

/// The environment variable naming an admin URL of the server to create test databases on.
pub const DATABASE_URL_ENV: &str = "MIGRATE_TEST_DATABASE_URL";
/// The environment variable naming the directory of `initdb` and `postgres`.
pub const BINDIR_ENV: &str = "MIGRATE_TEST_PG_BINDIR";

/// How long one admin connection may take before the harness gives up on it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The server every test database of this process is created on.
#[derive(Debug)]
struct Server {
    /// An admin URL: its user may create and drop databases.
    admin: Url,
    /// Where the URL came from, for error messages.
    origin: &'static str,
}

static SERVER: OnceLock<Result<Server, Error>> = OnceLock::new();

fn server() -> Result<&'static Server, Error> {
    SERVER
        .get_or_init(pick_server)
        .as_ref()
        .map_err(Clone::clone)
}

/// The throwaway cluster with `ssl = on`, and its certificate files.
static TLS_SERVER: OnceLock<Result<(Server, TlsFiles), Error>> = OnceLock::new();

fn tls_server() -> Result<&'static (Server, TlsFiles), Error> {
    TLS_SERVER
        .get_or_init(|| {
            let (admin, files) = cluster::start_tls()?;
            let admin = Url::parse(&admin)
                .map_err(|e| Error::new(format!("internal: bad cluster URL {admin}: {e}")))?;
            let server = Server {
                admin,
                origin: "the throwaway TLS cluster",
            };
            Ok((server, files))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The certificate files of the TLS cluster, which [`TestDb::new_tls`] databases are on: the
/// `sslrootcert` that verifies it, and one that does not. Starts the cluster if needed.
pub fn tls_files() -> Result<&'static TlsFiles, Error> {
    tls_server().map(|(_, files)| files)
}

fn pick_server() -> Result<Server, Error> {
    match std::env::var(DATABASE_URL_ENV) {
        Ok(url) if !url.trim().is_empty() => external_server(url.trim()),
        _ => {
            let admin = cluster::start()?;
            let admin = Url::parse(&admin)
                .map_err(|e| Error::new(format!("internal: bad cluster URL {admin}: {e}")))?;
            Ok(Server {
                admin,
                origin: "the throwaway cluster",
            })
        }
    }
}

fn external_server(url: &str) -> Result<Server, Error> {
    let fix = format!(
        "Set {DATABASE_URL_ENV} to an admin URL of a running PostgreSQL server whose user may \
         CREATE DATABASE (e.g. postgres://postgres@127.0.0.1:5432/postgres), or unset it to let \
         the harness start a throwaway cluster from the local PostgreSQL binaries."
    );
    let admin = Url::parse(url).map_err(|e| {
        Error::new(format!(
            "{DATABASE_URL_ENV} is not a valid URL ({e}).\n{fix}"
        ))
    })?;
    if !matches!(admin.scheme(), "postgres" | "postgresql") {
        return Err(Error::new(format!(
            "{DATABASE_URL_ENV} must be a postgres:// URL, not {}.\n{fix}",
            redacted(&admin)
        )));
    }
    let check = admin.clone();
    run_blocking(async move {
        let mut conn = connect_admin(&check).await?;
        conn.execute("SELECT 1").await.map_err(|e| e.to_string())?;
        conn.close().await.map_err(|e| e.to_string())
    })
    .map_err(|e| {
        Error::new(format!(
            "cannot use the PostgreSQL server at {DATABASE_URL_ENV}={}: {e}\n{fix}",
            redacted(&admin)
        ))
    })?;
    Ok(Server {
        admin,
        origin: DATABASE_URL_ENV,
    })
}

/// The path of a PostgreSQL client program such as `psql` or `pg_dump`, from the same
/// installation the throwaway cluster uses: `MIGRATE_TEST_PG_BINDIR` if set, else
/// `pg_config --bindir`, else the highest `/usr/lib/postgresql/<version>/bin`, else `PATH`.
///
/// With `MIGRATE_TEST_DATABASE_URL`, mind the versions: `pg_dump` refuses a newer server.
pub fn client_program(program: &str) -> Result<std::path::PathBuf, Error> {
    cluster::find_client(program)
}

/// A fresh database of its own for one test, dropped when this handle drops.
///
/// `url` connects to it as the server's admin user. The database starts as a copy of
/// `template1`: empty but for the `public` schema.
#[derive(Debug)]
pub struct TestDb {
    /// A connection URL for this database, e.g. `postgres://postgres@127.0.0.1:41234/mt_…`.
    pub url: String,
    /// The database's name.
    pub name: String,
    admin: Url,
    dropped: bool,
}

impl TestDb {
    /// Creates a fresh database, starting the throwaway cluster first if this process has none.
    ///
    /// # Panics
    /// When no server can be had, with a message that says how to fix it.
    pub async fn new() -> TestDb {
        match Self::try_new().await {
            Ok(db) => db,
            Err(e) => panic!("migrate-tests: no PostgreSQL test database: {e}"),
        }
    }

    /// Like [`TestDb::new`], returning the failure instead of panicking.
    pub async fn try_new() -> Result<TestDb, Error> {
        Self::create_on(server()?).await
    }

    /// A fresh database on the process's throwaway cluster with `ssl = on` (see "TLS" in the
    /// module documentation); `url` has no `sslmode`, so add the one a test needs.
    ///
    /// # Panics
    /// When the cluster cannot be started, with a message that says how to fix it.
    pub async fn new_tls() -> TestDb {
        let created = match tls_server() {
            Ok((server, _)) => Self::create_on(server).await,
            Err(e) => Err(e),
        };
        created.unwrap_or_else(|e| panic!("migrate-tests: no PostgreSQL TLS test database: {e}"))
    }

    async fn create_on(server: &Server) -> Result<TestDb, Error> {
        let name = unique_name();
        let create = format!("CREATE DATABASE {}", quote_ident(&name));
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = async {
                let mut conn = connect_admin(&server.admin).await?;
                let created = conn.execute(create.as_str()).await.map(drop);
                let _ = conn.close().await;
                created.map_err(|e| e.to_string())
            }
            .await;
            match result {
                Ok(()) => break,
                // "source database is being accessed by other users": someone is connected to
                // the template for a moment; try again.
                Err(e) if attempt < 5 && e.contains("being accessed by other users") => {
                    tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
                }
                Err(e) => {
                    return Err(Error::new(format!(
                        "could not create test database {name} on {} ({}): {e}",
                        server.origin,
                        redacted(&server.admin)
                    )));
                }
            }
        }
        let mut url = server.admin.clone();
        url.set_path(&format!("/{name}"));
        Ok(TestDb {
            url: url.into(),
            name,
            admin: server.admin.clone(),
            dropped: false,
        })
    }

    /// A new connection pool for this database (at most 5 connections).
    ///
    /// Pools belong to the async runtime they were made on: make one per test.
    ///
    /// # Panics
    /// When the database cannot be reached.
    pub async fn pool(&self) -> PgPool {
        PgPoolOptions::new()
            .max_connections(5)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to test database {}: {e}", self.name))
    }

    /// A single new connection to this database.
    ///
    /// # Panics
    /// When the database cannot be reached.
    pub async fn connect(&self) -> PgConnection {
        PgConnection::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to test database {}: {e}", self.name))
    }

    /// Drops the database now, reporting failure, instead of when the handle drops.
    /// Connections still open to it are terminated.
    pub async fn close(mut self) -> Result<(), Error> {
        self.dropped = true;
        drop_database(&self.admin, &self.name).await
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // `drop` may run inside the test's runtime, or after it is gone: use a runtime of its own
        // on a thread of its own.
        let result = run_blocking(async move {
            drop_database(&admin, &name)
                .await
                .map_err(|e| e.to_string())
        });
        if let Err(e) = result {
            eprintln!("migrate-tests: warning: {e}");
        }
    }
}

async fn drop_database(admin: &Url, name: &str) -> Result<(), Error> {
    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name));
    let result = async {
        let mut conn = connect_admin(admin).await?;
        let dropped = conn.execute(sql.as_str()).await.map(drop);
        let _ = conn.close().await;
        dropped.map_err(|e| e.to_string())
    }
    .await;
    result.map_err(|e| {
        Error::new(format!(
            "could not drop test database {name} on {}: {e}",
            redacted(admin)
        ))
    })
}

async fn connect_admin(admin: &Url) -> Result<PgConnection, String> {
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(admin.as_str())).await {
        Ok(conn) => conn.map_err(|e| e.to_string()),
        Err(_) => Err(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())),
    }
}

/// Runs `future` to completion on a fresh current-thread runtime on a thread of its own, so that
/// it works whether or not the caller is inside a runtime.
fn run_blocking<T: Send + 'static>(
    future: impl Future<Output = Result<T, String>> + Send + 'static,
) -> Result<T, String> {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start an async runtime: {e}"))?
            .block_on(future)
    })
    .join()
    .unwrap_or_else(|_| Err("the database task panicked".to_owned()))
}

/// `mt_<pid>_<counter>_<random>_<test name>`, at most 63 bytes (PostgreSQL's identifier limit).
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(n);
    if let Ok(t) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        hasher.write_u128(t.as_nanos());
    }
    let random = hasher.finish() & 0xff_ffff;
    let mut name = format!("mt_{}_{n}_{random:06x}", std::process::id());
    // The test's name, when the test runs on a thread named after it, helps find leftovers.
    if let Some(test) = std::thread::current().name() {
        let test = test.rsplit("::").next().unwrap_or(test);
        let label: String = test
            .chars()
            .map(|c| c.to_ascii_lowercase())
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !label.is_empty() && label != "main" {
            name.push('_');
            name.push_str(&label);
        }
    }
    name.truncate(63);
    name
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The URL with any password hidden, for messages: `migrate`'s own redaction.
fn redacted(url: &Url) -> String {
    migrate_core::redact::redact_url(url.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_names_are_unique_and_short() {
        let a = unique_name();
        let b = unique_name();
        assert_ne!(a, b);
        assert!(a.len() <= 63, "{a}");
        assert!(a.starts_with("mt_"), "{a}");
        assert!(
            a.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{a}"
        );
    }

    #[test]
    fn passwords_are_hidden() {
        let url = Url::parse("postgres://u:secret@localhost/db").unwrap();
        assert_eq!(redacted(&url), "postgres://u:***@localhost/db");
        let url = Url::parse("postgres://u@localhost/db?password=secret&sslmode=disable").unwrap();
        assert_eq!(
            redacted(&url),
            "postgres://u@localhost/db?password=***&sslmode=disable"
        );
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident(r#"a"b"#), r#""a""b""#);
    }
}
