//! A throwaway PostgreSQL cluster owned by this test process.
//!
//! Life cycle:
//! - A dedicated thread runs `initdb` (trust auth, no fsync) into a fresh directory, starts
//!   `postgres` on a free loopback port as its child, waits until it answers a real connection,
//!   then waits on it for the rest of the process.
//! - The server is spawned with a parent-death signal (SIGQUIT: immediate shutdown) tied to that
//!   thread, which never ends while the server runs: if the test process dies, however it dies,
//!   the server goes with it.
//! - On a normal exit an `atexit` hook stops the server and removes its directory. A directory
//!   left by a process that died is removed by the next process that starts a cluster.
//! - As root, `initdb` and `postgres` run as the `postgres` OS user (they refuse to run as root).
//! - A TLS cluster ([`start_tls`]) also gets, in its directory, a test certificate authority, a
//!   server certificate it signed (for `localhost` only, so that connecting to `127.0.0.1` with
//!   `verify-full` fails on the name), and a second authority that signed nothing; made with the
//!   `openssl` command. The server runs with `ssl = on` and still accepts plaintext.

use std::ffi::OsStr;
use std::fs::{self, DirBuilder, File};
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once, mpsc};
use std::time::{Duration, Instant};
use std::{env, io, thread};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::unistd::{Group, Pid, User, geteuid};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

use super::{BINDIR_ENV, DATABASE_URL_ENV};
use crate::Error;

/// The OS user the cluster runs as when the tests run as root.
const OS_USER: &str = "postgres";
/// The cluster's superuser.
const SUPERUSER: &str = "postgres";
/// How long the server may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How many free-looking ports to try when another process takes the chosen one first.
const PORT_ATTEMPTS: usize = 5;
/// The parent-death signal of the server: immediate shutdown.
const DEATH_SIGNAL: Signal = Signal::SIGQUIT;

/// The running server, for the exit hook.
#[derive(Debug)]
struct Running {
    pid: Pid,
    dir: PathBuf,
    exited: Arc<AtomicBool>,
}

/// The running servers of this process, for the exit hook.
static RUNNING: Mutex<Vec<Running>> = Mutex::new(Vec::new());

/// The certificate files of a TLS cluster, for `sslrootcert`.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The authority that signed the server's certificate (PEM).
    pub root_cert: PathBuf,
    /// Another authority, which signed nothing the server has (PEM).
    pub wrong_root_cert: PathBuf,
}

/// Starts the cluster and returns its admin URL. Called once per process.
pub(super) fn start() -> Result<String, Error> {
    start_cluster(false).map(|(url, _)| url)
}

/// Starts a cluster with `ssl = on` and returns its admin URL and certificate files. Called at
/// most once per process.
pub(super) fn start_tls() -> Result<(String, TlsFiles), Error> {
    let (url, files) = start_cluster(true)?;
    let files = files.ok_or_else(|| Error::new("internal: the TLS cluster has no certificates"))?;
    Ok((url, files))
}

type Started = (String, Option<TlsFiles>);

fn start_cluster(tls: bool) -> Result<Started, Error> {
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("migrate-tests-postgres".to_owned())
        .spawn(move || keep(tx, tls))
        .map_err(|e| Error::new(format!("cannot start the cluster's thread: {e}")))?;
    let started = rx.recv().unwrap_or_else(|_| {
        Err(Error::new(
            "the throwaway cluster's thread ended before the server was ready",
        ))
    })?;
    register_exit_hook();
    Ok(started)
}

/// The body of the thread that owns the server process. It must outlive the server: the
/// server's parent-death signal fires when this thread ends.
fn keep(tx: mpsc::Sender<Result<Started, Error>>, tls: bool) {
    let started = Instant::now();
    match launch(tls) {
        Ok(mut launched) => {
            let exited = Arc::new(AtomicBool::new(false));
            if let Ok(mut running) = RUNNING.lock() {
                running.push(Running {
                    pid: Pid::from_raw(launched.child.id() as i32),
                    dir: launched.dir.clone(),
                    exited: Arc::clone(&exited),
                });
            }
            eprintln!(
                "migrate-tests: throwaway PostgreSQL cluster{} ready at 127.0.0.1:{} in {:.2} s \
                 ({}, binaries from {})",
                if tls { " with TLS" } else { "" },
                launched.port,
                started.elapsed().as_secs_f64(),
                launched.dir.display(),
                launched.bindir.display(),
            );
            let _ = tx.send(Ok((launched.url, launched.tls)));
            let _ = launched.child.wait();
            exited.store(true, Ordering::SeqCst);
        }
        Err(e) => {
            let _ = tx.send(Err(e));
        }
    }
}

#[derive(Debug)]
struct Launched {
    child: Child,
    dir: PathBuf,
    bindir: PathBuf,
    port: u16,
    url: String,
    tls: Option<TlsFiles>,
}

fn launch(tls: bool) -> Result<Launched, Error> {
    let bindir = find_bindir()?;
    let owner = run_as()?;
    let bases = base_dirs(owner.is_some());
    for base in &bases {
        clean_stale(base);
    }
    let base = make_base_dir(&bases)?;
    let dir = make_cluster_dir(&base, owner)?;
    let started = if tls {
        make_certificates(&dir, owner).and_then(|(files, settings)| {
            init_and_start(&bindir, &dir, owner, &settings).map(|s| (s, Some(files)))
        })
    } else {
        init_and_start(&bindir, &dir, owner, &[]).map(|s| (s, None))
    };
    match started {
        Ok(((child, port, url), tls)) => Ok(Launched {
            child,
            dir,
            bindir,
            port,
            url,
            tls,
        }),
        Err(e) => {
            let _ = fs::remove_dir_all(&dir);
            Err(e)
        }
    }
}

fn init_and_start(
    bindir: &Path,
    dir: &Path,
    owner: Option<(u32, u32)>,
    extra_settings: &[String],
) -> Result<(Child, u16, String), Error> {
    let data = dir.join("data");
    let hint = match owner {
        Some(_) => format!(
            "\n(the cluster runs as the OS user `{OS_USER}`, which must be able to reach {}; \
             point TMPDIR at a directory it can reach, such as /tmp)",
            dir.display()
        ),
        None => String::new(),
    };

    let log_path = dir.join("initdb.log");
    let mut initdb = Command::new(bindir.join("initdb"));
    initdb
        .arg("--pgdata")
        .arg(&data)
        .arg(format!("--username={SUPERUSER}"))
        .args([
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        ]);
    prepare(&mut initdb, dir, owner, &log_path)?;
    let status = initdb.status().map_err(|e| {
        Error::new(format!(
            "cannot run {}: {e}",
            bindir.join("initdb").display()
        ))
    })?;
    if !status.success() {
        return Err(Error::new(format!(
            "initdb failed ({status}):\n{}{hint}",
            tail(&log_path)
        )));
    }

    let mut last = String::new();
    for _ in 0..PORT_ATTEMPTS {
        let port = free_port()
            .map_err(|e| Error::new(format!("cannot find a free port on 127.0.0.1: {e}")))?;
        let log_path = dir.join("postgres.log");
        let mut postgres = Command::new(bindir.join("postgres"));
        postgres
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .args(
                server_settings(dir)
                    .iter()
                    .chain(extra_settings)
                    .flat_map(|s| ["-c", s]),
            );
        prepare(&mut postgres, dir, owner, &log_path)?;
        let mut child = postgres.spawn().map_err(|e| {
            Error::new(format!(
                "cannot run {}: {e}",
                bindir.join("postgres").display()
            ))
        })?;
        let url = format!("postgres://{SUPERUSER}@127.0.0.1:{port}/postgres");
        match wait_ready(&mut child, &url) {
            Ok(()) => return Ok((child, port, url)),
            Err(Failure::Exited(status)) => {
                let log = tail(&log_path);
                if log.contains("could not bind") || log.contains("already in use") {
                    // Another process took the port between our probe and the server's bind.
                    last = log;
                    continue;
                }
                return Err(Error::new(format!(
                    "postgres exited during startup ({status}):\n{log}{hint}"
                )));
            }
            Err(Failure::Timeout) => {
                stop(&mut child);
                return Err(Error::new(format!(
                    "postgres did not accept connections within {} s:\n{}",
                    READY_TIMEOUT.as_secs(),
                    tail(&log_path)
                )));
            }
            Err(Failure::Other(e)) => {
                stop(&mut child);
                return Err(Error::new(e));
            }
        }
    }
    Err(Error::new(format!(
        "postgres could not bind a free port in {PORT_ATTEMPTS} attempts:\n{last}"
    )))
}

/// Settings for a server whose data may be lost: speed over durability.
fn server_settings(dir: &Path) -> Vec<String> {
    // A unix socket too, when the directory's path is short and plain enough for one.
    let socket_dir = match dir.to_str() {
        Some(d)
            if d.len() < 80
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/_-.".contains(c)) =>
        {
            d.to_owned()
        }
        _ => String::new(),
    };
    [
        "listen_addresses=127.0.0.1".to_owned(),
        format!("unix_socket_directories={socket_dir}"),
        "fsync=off".to_owned(),
        "synchronous_commit=off".to_owned(),
        "full_page_writes=off".to_owned(),
        "wal_level=minimal".to_owned(),
        "max_wal_senders=0".to_owned(),
        // Little WAL kept around: it may live in memory.
        "min_wal_size=32MB".to_owned(),
        "max_wal_size=128MB".to_owned(),
        "checkpoint_timeout=1h".to_owned(),
        "autovacuum=off".to_owned(),
        "jit=off".to_owned(),
        "max_connections=200".to_owned(),
        "logging_collector=off".to_owned(),
    ]
    .into()
}

/// Output to `log`, working directory `dir`, the `owner` OS user when set, no stray `PG*`
/// settings from the environment, and death with the calling thread.
fn prepare(
    cmd: &mut Command,
    dir: &Path,
    owner: Option<(u32, u32)>,
    log: &Path,
) -> Result<(), Error> {
    let out = File::create(log)
        .map_err(|e| Error::new(format!("cannot create {}: {e}", log.display())))?;
    let err = out
        .try_clone()
        .map_err(|e| Error::new(format!("cannot create {}: {e}", log.display())))?;
    cmd.current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    for (key, _) in env::vars_os() {
        if key.to_str().is_some_and(|k| k.starts_with("PG")) {
            cmd.env_remove(key);
        }
    }
    if let Some((uid, gid)) = owner {
        // The standard library switches group, then drops supplementary groups, then switches
        // user, all before the hook below runs.
        cmd.uid(uid).gid(gid);
    }
    die_with_parent(cmd);
    Ok(())
}

/// Makes the child get [`DEATH_SIGNAL`] when the spawning thread ends (Linux).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn die_with_parent(cmd: &mut Command) {
    let parent = Pid::this();
    // SAFETY: the hook runs in the forked child before exec, where only async-signal-safe calls
    // are allowed: it makes two system calls (prctl, getppid) and allocates nothing (errors are
    // raw OS errors). It runs after the switch to the target user, which would clear the signal.
    unsafe {
        cmd.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(DEATH_SIGNAL).map_err(io::Error::from)?;
            // The parent may have died before the signal was armed.
            if nix::unistd::getppid() != parent {
                return Err(io::Error::from(Errno::ESRCH));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_cmd: &mut Command) {}

enum Failure {
    Exited(ExitStatus),
    Timeout,
    Other(String),
}

/// Polls until the server answers a real connection, exits, or [`READY_TIMEOUT`] passes.
fn wait_ready(child: &mut Child, url: &str) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(format!("cannot start an async runtime: {e}")))?;
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Err(Failure::Exited(status)),
            Ok(None) => {}
            Err(e) => return Err(Failure::Other(format!("cannot watch postgres: {e}"))),
        }
        let connected = runtime.block_on(async {
            let attempt = PgConnection::connect(url);
            match tokio::time::timeout(Duration::from_secs(2), attempt).await {
                Ok(Ok(conn)) => {
                    let _ = conn.close().await;
                    true
                }
                _ => false,
            }
        });
        if connected {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(Failure::Timeout);
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Immediate shutdown of a server that is not needed, bounded in time.
fn stop(child: &mut Child) {
    let _ = kill(Pid::from_raw(child.id() as i32), DEATH_SIGNAL);
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if !matches!(child.try_wait(), Ok(None)) {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[allow(unsafe_code)]
fn register_exit_hook() {
    extern "C" fn at_exit() {
        // Nothing may unwind out of an exit hook.
        let _ = std::panic::catch_unwind(shutdown);
    }
    static REGISTER: Once = Once::new();
    // SAFETY: `at_exit` is a plain function that captures nothing and never unwinds; it only
    // reads a static that is never moved or freed.
    REGISTER.call_once(|| {
        let _ = unsafe { libc::atexit(at_exit) };
    });
}

/// Stops the servers and removes their directories; runs when the process exits normally.
fn shutdown() {
    let Ok(running) = RUNNING.lock() else {
        return;
    };
    for server in running.iter() {
        if !server.exited.load(Ordering::SeqCst) {
            let _ = kill(server.pid, DEATH_SIGNAL);
        }
    }
    // The clusters' threads reap the servers and raise the flags.
    let deadline = Instant::now() + Duration::from_secs(10);
    for server in running.iter() {
        while !server.exited.load(Ordering::SeqCst) {
            if Instant::now() > deadline {
                return; // left for the next process's stale-directory cleanup
            }
            thread::sleep(Duration::from_millis(5));
        }
        let _ = fs::remove_dir_all(&server.dir);
    }
}

/// A test certificate authority, a server certificate it signed for `localhost`, and a second
/// authority, made with `openssl` in `dir`. Returns the files for clients and the server's
/// settings. The server's key is readable by the server's OS user only, as PostgreSQL demands.
fn make_certificates(
    dir: &Path,
    owner: Option<(u32, u32)>,
) -> Result<(TlsFiles, Vec<String>), Error> {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let ca_ext = [
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ];
    for (name, cn) in [
        ("root", "migrate-tests CA"),
        ("wrong-root", "migrate-tests other CA"),
    ] {
        openssl(
            dir,
            &[
                &["req", "-x509", "-days", "2", "-subj", &format!("/CN={cn}")][..],
                &ec,
                &ca_ext,
            ]
            .concat(),
            &[
                ("-keyout", &format!("{name}.key")),
                ("-out", &format!("{name}.crt")),
            ],
        )?;
    }
    openssl(
        dir,
        &[&["req", "-subj", "/CN=localhost"][..], &ec].concat(),
        &[("-keyout", "server.key"), ("-out", "server.csr")],
    )?;
    fs::write(
        dir.join("server.ext"),
        "subjectAltName = DNS:localhost\nbasicConstraints = CA:FALSE\n\
         keyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n",
    )
    .map_err(|e| {
        Error::new(format!(
            "cannot write {}: {e}",
            dir.join("server.ext").display()
        ))
    })?;
    openssl(
        dir,
        &["x509", "-req", "-days", "2", "-CAcreateserial"],
        &[
            ("-in", "server.csr"),
            ("-CA", "root.crt"),
            ("-CAkey", "root.key"),
            ("-extfile", "server.ext"),
            ("-out", "server.crt"),
        ],
    )?;
    let (cert, key) = (dir.join("server.crt"), dir.join("server.key"));
    let fail =
        |e: io::Error| Error::new(format!("cannot hand {} to the server: {e}", key.display()));
    fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).map_err(fail)?;
    if let Some((uid, gid)) = owner {
        for file in [&cert, &key] {
            std::os::unix::fs::chown(file, Some(uid), Some(gid)).map_err(fail)?;
        }
    }
    let files = TlsFiles {
        root_cert: dir.join("root.crt"),
        wrong_root_cert: dir.join("wrong-root.crt"),
    };
    let settings = vec![
        "ssl=on".to_owned(),
        format!("ssl_cert_file={}", cert.display()),
        format!("ssl_key_file={}", key.display()),
    ];
    Ok((files, settings))
}

/// Runs `openssl` in `dir` with `args`, then each `(flag, file)` of `files` with the file's full
/// path; quiet unless it fails.
fn openssl(dir: &Path, args: &[&str], files: &[(&str, &str)]) -> Result<(), Error> {
    let mut cmd = Command::new("openssl");
    cmd.current_dir(dir).args(args).stdin(Stdio::null());
    for (flag, file) in files {
        cmd.arg(flag).arg(dir.join(file));
    }
    let out = cmd.output().map_err(|e| {
        Error::new(format!(
            "cannot run openssl ({e}): the TLS test cluster makes its certificates with it.\n\
             To fix: install OpenSSL's command line tool (Debian/Ubuntu: `apt-get install openssl`)."
        ))
    })?;
    if !out.status.success() {
        return Err(Error::new(format!(
            "openssl {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

/// A port nobody listens on now: first a few random ones below the usual ephemeral range (where
/// outgoing connections take their ports), then one the kernel picks.
fn free_port() -> io::Result<u16> {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    let mut seed = hasher.finish();
    for _ in 0..20 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let port = 20_000 + ((seed >> 33) % 12_000) as u16;
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return Ok(port);
        }
    }
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// The directories clusters may go in, best first: `<root>/migrate-tests-pg-<euid>`, one per user
/// so that users never share or clean up each other's clusters. The roots are `/dev/shm` when it
/// has room (memory: creating a database there takes a tenth of the time it takes on disk, even
/// without fsync), then `$TMPDIR`, or `/tmp` when the cluster runs as another OS user that
/// cannot reach `$TMPDIR`.
fn base_dirs(other_user: bool) -> Vec<PathBuf> {
    let mut temp = env::temp_dir();
    if other_user && !reachable_by_anyone(&temp) {
        temp = PathBuf::from("/tmp");
    }
    let shm = PathBuf::from("/dev/shm");
    let roots = if has_room(&shm) && shm != temp {
        vec![shm, temp]
    } else {
        vec![temp]
    };
    let name = format!("migrate-tests-pg-{}", geteuid());
    roots.into_iter().map(|root| root.join(&name)).collect()
}

/// The first of `bases` that exists or can be made.
fn make_base_dir(bases: &[PathBuf]) -> Result<PathBuf, Error> {
    let mut failures = Vec::new();
    for base in bases {
        match fs::create_dir_all(base) {
            Ok(()) => {
                // Reachable (not listable) by the `postgres` OS user when running as root.
                let _ = fs::set_permissions(base, fs::Permissions::from_mode(0o711));
                return Ok(base.clone());
            }
            Err(e) => failures.push(format!("cannot create {}: {e}", base.display())),
        }
    }
    Err(Error::new(failures.join("; ")))
}

/// Whether `dir` is a directory on a file system with at least 1 GiB free.
#[allow(clippy::unnecessary_cast)] // the field types vary by platform
fn has_room(dir: &Path) -> bool {
    dir.is_dir()
        && nix::sys::statvfs::statvfs(dir).is_ok_and(|fs| {
            (fs.blocks_available() as u64).saturating_mul(fs.fragment_size() as u64) >= 1 << 30
        })
}
/// Whether every directory on the way to `dir` lets any user pass through it.
fn reachable_by_anyone(dir: &Path) -> bool {
    dir.ancestors()
        .all(|d| fs::metadata(d).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
}

fn make_cluster_dir(base: &Path, owner: Option<(u32, u32)>) -> Result<PathBuf, Error> {
    let mut last = None;
    for attempt in 0u32..100 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = base.join(format!(
            "{}-{:08x}",
            std::process::id(),
            nanos.wrapping_add(attempt)
        ));
        match DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => {
                if let Some((uid, gid)) = owner {
                    std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).map_err(|e| {
                        Error::new(format!(
                            "cannot hand {} to the OS user `{OS_USER}`: {e}",
                            dir.display()
                        ))
                    })?;
                }
                return Ok(dir);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => {
                return Err(Error::new(format!("cannot create {}: {e}", dir.display())));
            }
        }
    }
    Err(Error::new(format!(
        "cannot create a cluster directory in {}: {}",
        base.display(),
        last.map(|e| e.to_string()).unwrap_or_default()
    )))
}

/// Removes cluster directories whose test process is gone. A server that somehow outlived its
/// test process is told to stop; its directory goes next time.
fn clean_stale(base: &Path) {
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(pid) = path
            .file_name()
            .and_then(OsStr::to_str)
            .and_then(|name| name.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if Pid::from_raw(pid) == Pid::this() || alive(pid) {
            continue;
        }
        let postmaster = fs::read_to_string(path.join("data").join("postmaster.pid"))
            .ok()
            .and_then(|text| {
                text.lines()
                    .next()
                    .and_then(|l| l.trim().parse::<i32>().ok())
            });
        if let Some(server) = postmaster.filter(|&p| alive(p)) {
            let cmdline = fs::read(format!("/proc/{server}/cmdline")).unwrap_or_default();
            let ours = String::from_utf8_lossy(&cmdline).contains(&*path.to_string_lossy());
            if ours {
                let _ = kill(Pid::from_raw(server), DEATH_SIGNAL);
            }
            continue;
        }
        let _ = fs::remove_dir_all(&path);
    }
}

fn alive(pid: i32) -> bool {
    pid > 0 && !matches!(kill(Pid::from_raw(pid), None), Err(Errno::ESRCH))
}

/// The directory holding `initdb` and `postgres`.
fn find_bindir() -> Result<PathBuf, Error> {
    fn has_server(dir: &Path) -> bool {
        dir.join("initdb").is_file() && dir.join("postgres").is_file()
    }
    let fix = format!(
        "To fix: install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`), or set \
         {BINDIR_ENV} to the directory holding initdb and postgres, or set {DATABASE_URL_ENV} \
         to an admin URL of a running server (e.g. postgres://postgres@127.0.0.1:5432/postgres)."
    );

    if let Some(dir) = env::var_os(BINDIR_ENV).filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if has_server(&dir) {
            return Ok(dir);
        }
        return Err(Error::new(format!(
            "{BINDIR_ENV}={} holds no initdb and postgres.\n{fix}",
            dir.display()
        )));
    }

    let mut looked = Vec::new();
    match Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => {
            let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if has_server(&dir) {
                return Ok(dir);
            }
            looked.push(format!("`pg_config --bindir` ({})", dir.display()));
        }
        _ => looked.push("`pg_config --bindir` (no pg_config)".to_owned()),
    }

    if let Some(dir) = versioned_bindirs().into_iter().find(|dir| has_server(dir)) {
        return Ok(dir);
    }
    looked.push(format!("{}/<version>/bin", VERSIONED_ROOT));

    for dir in env::split_paths(&env::var_os("PATH").unwrap_or_default()) {
        // Follow links, so that initdb finds the postgres beside it.
        let Ok(initdb) = dir.join("initdb").canonicalize() else {
            continue;
        };
        if let Some(real) = initdb.parent().filter(|d| has_server(d)) {
            return Ok(real.to_path_buf());
        }
    }
    looked.push("PATH".to_owned());

    Err(Error::new(format!(
        "no PostgreSQL server binaries (initdb and postgres) found; looked at {}.\n{fix}",
        looked.join(", ")
    )))
}

/// Where Debian and Ubuntu install each PostgreSQL version: `<root>/<version>/bin`.
const VERSIONED_ROOT: &str = "/usr/lib/postgresql";

/// The `bin` directories of the installed PostgreSQL versions, highest version first.
fn versioned_bindirs() -> Vec<PathBuf> {
    let mut versions: Vec<(Vec<u32>, PathBuf)> = fs::read_dir(VERSIONED_ROOT)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(|part| part.parse::<u32>().ok())
                .collect::<Option<Vec<_>>>()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort();
    versions.into_iter().rev().map(|(_, dir)| dir).collect()
}

/// A PostgreSQL client program (`psql`, `pg_dump`), looked up in the order the server binaries
/// are: `MIGRATE_TEST_PG_BINDIR`, `pg_config --bindir`, the highest installed version, `PATH`.
pub(super) fn find_client(program: &str) -> Result<PathBuf, Error> {
    let fix = format!(
        "To fix: install the PostgreSQL client programs (Debian/Ubuntu: `apt-get install \
         postgresql-client`), or set {BINDIR_ENV} to the directory holding {program}."
    );
    if let Some(dir) = env::var_os(BINDIR_ENV).filter(|d| !d.is_empty()) {
        let path = PathBuf::from(dir).join(program);
        if path.is_file() {
            return Ok(path);
        }
        return Err(Error::new(format!(
            "{BINDIR_ENV} holds no {program} ({} is missing).\n{fix}",
            path.display()
        )));
    }
    let pg_config = Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    let path_dirs = env::split_paths(&env::var_os("PATH").unwrap_or_default()).collect::<Vec<_>>();
    pg_config
        .into_iter()
        .chain(versioned_bindirs())
        .chain(path_dirs)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .ok_or_else(|| {
            Error::new(format!(
                "no {program} found in `pg_config --bindir`, {VERSIONED_ROOT}/<version>/bin or PATH.\n{fix}"
            ))
        })
}

/// The OS user to run `initdb` and `postgres` as: none unless running as root.
fn run_as() -> Result<Option<(u32, u32)>, Error> {
    if !geteuid().is_root() {
        return Ok(None);
    }
    let lookup = || match User::from_name(OS_USER) {
        Ok(user) => Ok(user.map(|u| (u.uid.as_raw(), u.gid.as_raw()))),
        Err(e) => Err(Error::new(format!(
            "cannot look up the OS user `{OS_USER}`: {e}"
        ))),
    };
    if let Some(ids) = lookup()? {
        return Ok(Some(ids));
    }

    let useradd = ["/usr/sbin/useradd", "/sbin/useradd"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .unwrap_or("useradd");
    let mut cmd = Command::new(useradd);
    cmd.args([
        "--system",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
    ]);
    if matches!(Group::from_name(OS_USER), Ok(Some(_))) {
        cmd.args(["--gid", OS_USER]);
    } else {
        cmd.arg("--user-group");
    }
    let why = match cmd.arg(OS_USER).output() {
        Ok(out) if out.status.success() => String::new(),
        Ok(out) => format!(
            "{useradd} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => format!("cannot run {useradd}: {e}"),
    };
    // Another test process may have created it meanwhile.
    if let Some(ids) = lookup()? {
        return Ok(Some(ids));
    }
    Err(Error::new(format!(
        "initdb and postgres refuse to run as root, so the harness runs them as the OS user \
         `{OS_USER}`, which does not exist and could not be created ({why}).\nTo fix: create it \
         (`useradd --system --user-group {OS_USER}`), or run the tests as a non-root user, or \
         set {DATABASE_URL_ENV} to an admin URL of a running server."
    )))
}

/// The last lines of a log file, for error messages.
fn tail(path: &Path) -> String {
    match fs::read_to_string(path) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            let start = lines.len().saturating_sub(30);
            lines[start..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}
