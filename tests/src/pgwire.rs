//! Counting what a client asks a PostgreSQL server, on the wire.
//!
//! [`CountingProxy`] listens on a local port and forwards every connection to the real server,
//! reading the client's side of the protocol as it goes: each simple query (`Q`) and each
//! execution of a prepared statement (`E`) is one statement. What a driver sends by itself
//! (type look-ups, `BEGIN`) is counted too, which is the point: the count is what the server
//! really runs. It runs on a thread of its own, so it serves async tests and other processes
//! (the `migrate` binary) alike.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// A forwarding proxy that counts statements. Stops with the process.
#[derive(Debug, Clone)]
pub struct CountingProxy {
    /// The target URL with the proxy's address: connect here to be counted.
    pub url: String,
    count: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<String>>>,
}

/// SSLRequest and GSSENCRequest: the client asks, the proxy answers `N` itself (a server with
/// TLS on would answer `S`, and the proxy cannot read what is encrypted).
const SSL_REQUEST: u32 = 80_877_103;
const GSSENC_REQUEST: u32 = 80_877_104;

impl CountingProxy {
    /// Starts a proxy to the server of `url` (a `postgres://host:port/...` URL over TCP).
    ///
    /// # Panics
    /// When the URL has no TCP address or no local port can be bound.
    pub fn start(url: &str) -> CountingProxy {
        let target = Url::parse(url).unwrap_or_else(|e| panic!("bad URL {url}: {e}"));
        let host = target.host_str().unwrap_or("127.0.0.1").to_string();
        let port = target.port().unwrap_or(5432);
        let count = Arc::new(AtomicUsize::new(0));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let (c, l) = (count.clone(), log.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime");
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                let addr = listener.local_addr().expect("local address");
                tx.send(addr.port()).expect("report the port");
                loop {
                    let Ok((client, _)) = listener.accept().await else {
                        continue;
                    };
                    let Ok(server) = TcpStream::connect((host.as_str(), port)).await else {
                        continue;
                    };
                    tokio::spawn(serve(client, server, c.clone(), l.clone()));
                }
            });
        });
        let port = rx.recv().expect("the proxy starts");
        let mut proxied = target;
        proxied.set_host(Some("127.0.0.1")).expect("a host");
        proxied.set_port(Some(port)).expect("a port");
        CountingProxy {
            url: proxied.into(),
            count,
            log,
        }
    }

    /// Statements sent through the proxy since it started or was last reset.
    pub fn statements(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// The SQL of the statements prepared or sent as simple queries, in order.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Starts counting again from zero.
    pub fn reset(&self) {
        self.count.store(0, Ordering::SeqCst);
        if let Ok(mut l) = self.log.lock() {
            l.clear();
        }
    }
}

async fn serve(
    client: TcpStream,
    server: TcpStream,
    count: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<String>>>,
) {
    let mut client = client;
    let mut server = server;
    if startup(&mut client, &mut server).await.is_err() {
        return;
    }
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let down = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    });
    let _ = forward_client(&mut client_read, &mut server_write, &count, &log).await;
    let _ = server_write.shutdown().await;
    let _ = down.await;
}

/// The untyped messages before the startup message (length, then payload): encryption requests
/// are refused here (`N`), the startup message goes on to the server.
async fn startup(client: &mut TcpStream, server: &mut TcpStream) -> std::io::Result<()> {
    loop {
        let len = client.read_u32().await?;
        let mut payload = vec![0u8; len.saturating_sub(4) as usize];
        client.read_exact(&mut payload).await?;
        let code = payload
            .get(..4)
            .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        if code == SSL_REQUEST || code == GSSENC_REQUEST {
            client.write_u8(b'N').await?;
            continue;
        }
        server.write_u32(len).await?;
        server.write_all(&payload).await?;
        return Ok(());
    }
}

/// Copies the client's typed messages to the server, counting statements.
async fn forward_client(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    count: &AtomicUsize,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    // Typed messages: a type byte, a length, the payload.
    loop {
        let kind = from.read_u8().await?;
        let len = from.read_u32().await?;
        let mut payload = vec![0u8; len.saturating_sub(4) as usize];
        from.read_exact(&mut payload).await?;
        match kind {
            b'Q' => {
                count.fetch_add(1, Ordering::SeqCst);
                record(log, &payload);
            }
            b'E' => {
                count.fetch_add(1, Ordering::SeqCst);
            }
            b'P' => {
                // Parse: a statement name, then the query text.
                if let Some(end) = payload.iter().position(|&b| b == 0) {
                    record(log, &payload[end + 1..]);
                }
            }
            _ => {}
        }
        to.write_u8(kind).await?;
        to.write_u32(len).await?;
        to.write_all(&payload).await?;
    }
}

fn record(log: &Mutex<Vec<String>>, bytes: &[u8]) {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    if let Ok(mut l) = log.lock() {
        l.push(String::from_utf8_lossy(&bytes[..end]).into_owned());
    }
}
