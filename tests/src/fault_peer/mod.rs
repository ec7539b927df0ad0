//! A fault-injecting MQTT server for tests.
//!
//! [`FaultPeer`] listens on 127.0.0.1 for plain TCP and for WebSocket (subprotocol `mqtt`) and
//! runs one [`Script`] per connection, chosen by name (see [`scenarios`] for the catalogue):
//!
//! * over WebSocket by the URL path: `ws://127.0.0.1:PORT/<scenario>`;
//! * over TCP by the client identifier of the CONNECT, `<scenario>` or `<scenario>/<anything>`,
//!   or else the listener's default ([`PeerOptions::tcp_default`]).
//!
//! A script expects packets (decoded with [`mqtt_proto::Decoder`]), sends packets (encoded with
//! our codec, in the version of the client's CONNECT), sends raw or byte-by-byte bytes, stalls,
//! closes or closes mid-packet. Every packet the client sends is recorded in a
//! [`ConnectionLog`], so a test can assert what the client answered, e.g. the reason code of the
//! DISCONNECT it sent after a malformed packet:
//!
//! ```no_run
//! use std::time::Duration;
//! use mqtt_tests::fault_peer::FaultPeer;
//!
//! let peer = FaultPeer::start();
//! // ... connect a client to peer.tcp_addr with client id "malformed-qos3/1" ...
//! let log = peer.wait_finished(0, Duration::from_secs(10)).expect("connection ended");
//! assert_eq!(log.client_disconnect().map(|d| d.reason_code.0), Some(0x81));
//! ```
//!
//! Threads: one per listener and one per connection, all bounded in time (every read and wait has
//! a deadline), stopped when the [`FaultPeer`] is dropped. For tests only.

mod link;
pub mod scenarios;
mod script;

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mqtt_proto::{DecodeError, Disconnect, Packet, PacketType, ProtocolVersion};
use tungstenite::handshake::server::{ErrorResponse, Request, Response};

pub use link::Transport;
pub use script::{BytesFn, Ctx, PacketFn, Script, Step, DRAIN_TIMEOUT, EXPECT_TIMEOUT};

use link::Link;
use script::Conn;

/// How the peer listens.
#[derive(Clone, Debug, Default)]
pub struct PeerOptions {
    /// TCP port for plain MQTT (0: any free port).
    pub tcp_port: u16,
    /// TCP port for MQTT over WebSocket (0: any free port).
    pub ws_port: u16,
    /// The scenario of a TCP connection whose client id names none.
    pub tcp_default: Option<String>,
    /// Print one line per finished connection to stderr.
    pub verbose: bool,
}

/// A running fault-injecting peer. Dropping it stops the listeners and cuts short every stall.
#[derive(Debug)]
pub struct FaultPeer {
    /// Where plain MQTT connects.
    pub tcp_addr: SocketAddr,
    /// `ws://127.0.0.1:PORT`: append `/<scenario>`.
    pub ws_url: String,
    ws_addr: SocketAddr,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

/// What the peer saw on one connection.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionLog {
    /// How the client came in.
    pub transport: Transport,
    /// The scenario that ran (empty until chosen).
    pub scenario: String,
    /// The protocol version of the client's CONNECT.
    pub version: Option<ProtocolVersion>,
    /// The client identifier of the CONNECT.
    pub client_id: Option<String>,
    /// Every packet the client sent, in order.
    pub received: Vec<Packet>,
    /// Set when the client sent bytes our codec rejects.
    pub decode_error: Option<DecodeError>,
    /// How the connection ended; `None` while it runs.
    pub end: Option<End>,
    /// What the peer noticed on the way (timeouts, encode failures, unknown scenarios).
    pub notes: Vec<String>,
}

/// How a connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The client closed it (or it failed under the peer).
    ClientClosed,
    /// The script closed it.
    PeerClosed,
    /// A step's wait (or the final drain) ran out; the peer closed it.
    TimedOut,
    /// The client sent something our codec rejects; the peer closed it.
    ClientMalformed,
    /// The peer was stopped.
    Shutdown,
}

impl ConnectionLog {
    fn new(transport: Transport) -> Self {
        Self {
            transport,
            scenario: String::new(),
            version: None,
            client_id: None,
            received: Vec::new(),
            decode_error: None,
            end: None,
            notes: Vec::new(),
        }
    }

    /// Whether the connection is over.
    pub fn finished(&self) -> bool {
        self.end.is_some()
    }

    /// The DISCONNECT the client sent, if any.
    pub fn client_disconnect(&self) -> Option<&Disconnect> {
        self.received.iter().find_map(|p| match p {
            Packet::Disconnect(d) => Some(d),
            _ => None,
        })
    }

    /// How many packets of type `t` the client sent.
    pub fn count(&self, t: PacketType) -> usize {
        self.received
            .iter()
            .filter(|p| p.packet_type() == t)
            .count()
    }

    /// The packet types the client sent, in order (for assertion messages).
    pub fn types(&self) -> Vec<PacketType> {
        self.received.iter().map(Packet::packet_type).collect()
    }
}

impl FaultPeer {
    /// Starts a peer on free loopback ports.
    ///
    /// # Panics
    /// When loopback ports cannot be bound (the test cannot run at all then).
    pub fn start() -> Self {
        Self::start_with(PeerOptions::default()).expect("bind 127.0.0.1 for the fault peer")
    }

    /// Starts a peer with `options`.
    pub fn start_with(options: PeerOptions) -> io::Result<Self> {
        let tcp = TcpListener::bind(("127.0.0.1", options.tcp_port))?;
        let ws = TcpListener::bind(("127.0.0.1", options.ws_port))?;
        let (tcp_addr, ws_addr) = (tcp.local_addr()?, ws.local_addr()?);
        let shared = Arc::new(Shared::default());
        let options = Arc::new(options);
        let mut threads = Vec::new();
        for (listener, transport) in [(tcp, Transport::Tcp), (ws, Transport::WebSocket)] {
            let shared = shared.clone();
            let options = options.clone();
            threads.push(std::thread::spawn(move || {
                accept_loop(&listener, transport, &shared, &options)
            }));
        }
        Ok(Self {
            tcp_addr,
            ws_url: format!("ws://{ws_addr}"),
            ws_addr,
            shared,
            threads,
        })
    }

    /// The WebSocket URL of `scenario`.
    pub fn ws_url_for(&self, scenario: &str) -> String {
        format!("{}/{scenario}", self.ws_url)
    }

    /// A snapshot of every connection so far, in accept order.
    pub fn connections(&self) -> Vec<ConnectionLog> {
        self.shared.lock().conns.clone()
    }

    /// Waits until `done` holds for the connections (in accept order) or `timeout` passes.
    /// Returns the snapshot that satisfied it, or the last one as the error.
    pub fn wait_until(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&[ConnectionLog]) -> bool,
    ) -> Result<Vec<ConnectionLog>, Vec<ConnectionLog>> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        loop {
            if done(&state.conns) {
                return Ok(state.conns.clone());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(state.conns.clone());
            }
            state = match self.shared.changed.wait_timeout(state, deadline - now) {
                Ok((s, _)) => s,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Waits until connection `index` (0 = the first accepted) has ended.
    pub fn wait_finished(&self, index: usize, timeout: Duration) -> Option<ConnectionLog> {
        self.wait_until(timeout, |c| {
            c.get(index).is_some_and(ConnectionLog::finished)
        })
        .ok()
        .and_then(|c| c.get(index).cloned())
    }

    /// Waits until at least `n` connections were accepted.
    pub fn wait_connections(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |c| c.len() >= n).is_ok()
    }

    /// Stops the listeners and wakes every stalled connection.
    pub fn shutdown(&mut self) {
        {
            let mut state = self.shared.lock();
            state.shutdown = true;
        }
        self.shared.changed.notify_all();
        // Wake the blocking accepts; they see the flag and return.
        for addr in [self.tcp_addr, self.ws_addr] {
            let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for FaultPeer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// State shared by the listeners, the connections and the test.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    state: Mutex<State>,
    /// Notified on every change of `state`.
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    conns: Vec<ConnectionLog>,
    shutdown: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking connection thread must not hide what the others recorded.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn add(&self, transport: Transport) -> usize {
        let mut state = self.lock();
        state.conns.push(ConnectionLog::new(transport));
        let index = state.conns.len() - 1;
        drop(state);
        self.changed.notify_all();
        index
    }

    pub(crate) fn update(&self, index: usize, f: impl FnOnce(&mut ConnectionLog)) {
        let mut state = self.lock();
        if let Some(log) = state.conns.get_mut(index) {
            f(log);
        }
        drop(state);
        self.changed.notify_all();
    }

    pub(crate) fn is_shut_down(&self) -> bool {
        self.lock().shutdown
    }

    /// Waits for the shutdown at most `d`; returns whether it came.
    pub(crate) fn wait_shutdown(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut state = self.lock();
        while !state.shutdown {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            state = match self.changed.wait_timeout(state, deadline - now) {
                Ok((s, _)) => s,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        true
    }
}

fn accept_loop(
    listener: &TcpListener,
    transport: Transport,
    shared: &Arc<Shared>,
    options: &Arc<PeerOptions>,
) {
    for stream in listener.incoming() {
        if shared.is_shut_down() {
            return;
        }
        let Ok(stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let options = options.clone();
        std::thread::spawn(move || {
            let index = shared.add(transport);
            match transport {
                Transport::Tcp => serve_tcp(stream, &shared, index, &options),
                Transport::WebSocket => serve_ws(stream, &shared, index),
            }
            if options.verbose {
                let log = &shared.lock().conns[index];
                eprintln!(
                    "fault-peer: #{index} {:?} {:?} client {:?} sent {:?} DISCONNECT {:?} end {:?} {:?}",
                    log.transport,
                    log.scenario,
                    log.client_id,
                    log.types(),
                    log.client_disconnect().map(|d| d.reason_code),
                    log.end,
                    log.notes
                );
            }
        });
    }
}

/// TCP: the scenario comes from the CONNECT's client id (or the listener's default).
fn serve_tcp(stream: TcpStream, shared: &Shared, index: usize, options: &PeerOptions) {
    let mut conn = Conn::new(Link::Tcp(stream), shared, index);
    let Some(first) = conn.next_packet(Instant::now() + EXPECT_TIMEOUT) else {
        shared.update(index, |log| {
            log.notes.push("no packet before the timeout".into());
            log.end.get_or_insert(End::TimedOut);
        });
        return;
    };
    let by_id = match &first {
        Packet::Connect(c) => c.client_id.as_str().split('/').next().map(str::to_owned),
        _ => None,
    };
    let chosen = by_id
        .and_then(|name| scenarios::script(&name).map(|s| (name, s)))
        .or_else(|| {
            let name = options.tcp_default.clone()?;
            scenarios::script(&name).map(|s| (name, s))
        });
    conn.unread(first);
    match chosen {
        Some((name, script)) => {
            shared.update(index, |log| log.scenario = name);
            conn.run(script);
        }
        None => {
            // CONNACK "Client Identifier not valid" (3.1.1 return code 2): no such scenario.
            let bytes = if conn.ctx().is_v5() {
                vec![0x20, 0x03, 0x00, 0x85, 0x00]
            } else {
                vec![0x20, 0x02, 0x00, 0x02]
            };
            conn.reject(&bytes, "no scenario named by the client id".into());
        }
    }
}

/// WebSocket: the scenario is the URL path; the handshake must offer subprotocol `mqtt`.
fn serve_ws(stream: TcpStream, shared: &Shared, index: usize) {
    // Bound the handshake.
    let _ = stream.set_read_timeout(Some(EXPECT_TIMEOUT));
    let chosen = std::cell::RefCell::new(None);
    // The error type is tungstenite's; its size is not ours to choose.
    #[allow(clippy::result_large_err)]
    let callback = |req: &Request, mut resp: Response| -> Result<Response, ErrorResponse> {
        let name = req.uri().path().trim_start_matches('/').to_owned();
        let offers_mqtt = req
            .headers()
            .get_all("Sec-WebSocket-Protocol")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|p| p.trim() == "mqtt");
        if !offers_mqtt {
            return Err(http_error(400, "subprotocol mqtt required"));
        }
        let Some(script) = scenarios::script(&name) else {
            return Err(http_error(404, &format!("no scenario {name:?}")));
        };
        resp.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            tungstenite::http::HeaderValue::from_static("mqtt"),
        );
        *chosen.borrow_mut() = Some((name, script));
        Ok(resp)
    };
    match tungstenite::accept_hdr(stream, callback) {
        Ok(ws) => match chosen.take() {
            Some((name, script)) => {
                shared.update(index, |log| log.scenario = name);
                Conn::new(Link::Ws(Box::new(ws)), shared, index).run(script);
            }
            None => shared.update(index, |log| log.end = Some(End::PeerClosed)),
        },
        Err(e) => shared.update(index, |log| {
            log.notes.push(format!("WebSocket handshake failed: {e}"));
            log.end = Some(End::PeerClosed);
        }),
    }
}

fn http_error(status: u16, text: &str) -> ErrorResponse {
    let mut resp = ErrorResponse::new(Some(text.to_owned()));
    *resp.status_mut() = tungstenite::http::StatusCode::from_u16(status)
        .unwrap_or(tungstenite::http::StatusCode::BAD_REQUEST);
    resp
}
