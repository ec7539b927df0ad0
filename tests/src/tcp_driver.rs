//! A small blocking driver that runs a sans-IO [`Session`] over a `std::net::TcpStream`.
//!
//! The loop is the drain contract made concrete: after every input, [`TcpDriver::drain`] polls the
//! session until `Wait`, writing `Transmit` bytes, opening or dropping the socket on
//! `OpenTransport` / `CloseTransport`, and collecting events. [`TcpDriver::step`] then waits for
//! bytes with a read timeout computed from the session's deadline, feeds what arrives and fires
//! the deadline. Time is `std::time::Instant` converted to milliseconds since the driver started.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use mqtt_proto::session::{Event, Output, Session};
use mqtt_proto::time::Instant;

/// Runs one [`Session`] over TCP.
#[derive(Debug)]
pub struct TcpDriver {
    /// The session (call its commands with [`TcpDriver::now`], then [`TcpDriver::drain`]).
    pub session: Session,
    addr: SocketAddr,
    stream: Option<TcpStream>,
    origin: std::time::Instant,
    deadline: Option<Instant>,
    /// Events not yet taken by the test.
    pub events: Vec<Event>,
    buf: Vec<u8>,
}

impl TcpDriver {
    /// A driver for `session` that connects to `addr` whenever the session asks for a transport.
    ///
    /// # Panics
    /// If `addr` does not resolve.
    pub fn new(session: Session, addr: &str) -> Self {
        let addr = addr
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .expect("resolvable broker address");
        Self {
            session,
            addr,
            stream: None,
            origin: std::time::Instant::now(),
            deadline: None,
            events: Vec::new(),
            buf: vec![0; 64 * 1024],
        }
    }

    /// Milliseconds since the driver started, as the session's clock.
    pub fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// Whether a socket is open.
    pub fn has_socket(&self) -> bool {
        self.stream.is_some()
    }

    /// Starts the session ([`Session::connect`]) and drains.
    pub fn connect(&mut self) {
        let now = self.now();
        self.session.connect(now);
        self.drain();
    }

    /// Polls the session until `Wait`, carrying out every output.
    pub fn drain(&mut self) {
        loop {
            match self.session.poll_output() {
                Output::Transmit(bytes) => {
                    let ok = match self.stream.as_mut() {
                        Some(s) => s.write_all(&bytes).is_ok(),
                        None => false,
                    };
                    if !ok && self.stream.is_some() {
                        self.stream = None;
                        let now = self.now();
                        self.session.handle_close(now);
                    }
                }
                Output::Event(e) => self.events.push(e),
                Output::OpenTransport => {
                    let now = self.now();
                    match TcpStream::connect_timeout(&self.addr, Duration::from_secs(2)) {
                        Ok(s) => {
                            let _ = s.set_nodelay(true);
                            self.stream = Some(s);
                            self.session.handle_open(now);
                        }
                        Err(_) => self.session.handle_close(now),
                    }
                }
                Output::CloseTransport => {
                    if let Some(s) = self.stream.take() {
                        let _ = s.shutdown(std::net::Shutdown::Both);
                    }
                }
                Output::Wait(d) => {
                    self.deadline = d;
                    return;
                }
            }
        }
    }

    /// Waits at most `max_wait` for input (bytes or the session's deadline), handles it and
    /// drains.
    pub fn step(&mut self, max_wait: Duration) {
        self.drain();
        let now = self.now();
        let until_deadline = self
            .deadline
            .map(|d| Duration::from_millis(d.as_millis().saturating_sub(now.as_millis())));
        let wait = until_deadline.map_or(max_wait, |d| d.min(max_wait));
        match self.stream.as_mut() {
            Some(stream) => {
                // A zero read timeout is an error for std: wait at least 1 ms.
                let _ = stream.set_read_timeout(Some(wait.max(Duration::from_millis(1))));
                match stream.read(&mut self.buf) {
                    Ok(0) => {
                        self.stream = None;
                        let now = self.now();
                        self.session.handle_close(now);
                    }
                    Ok(n) => {
                        let now = self.now();
                        let (session, buf) = (&mut self.session, &self.buf);
                        session.handle_bytes(now, buf.get(..n).unwrap_or_default());
                    }
                    Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                    Err(_) => {
                        self.stream = None;
                        let now = self.now();
                        self.session.handle_close(now);
                    }
                }
            }
            // No socket: the session is waiting for a deadline (reconnect backoff) or idle.
            None => std::thread::sleep(wait),
        }
        let now = self.now();
        if self.deadline.is_some_and(|d| now >= d) {
            self.session.handle_timeout(now);
        }
        self.drain();
    }

    /// Drops the socket without DISCONNECT and without telling the session (an abrupt loss as
    /// the server sees it). The session is left as is: drop the driver afterwards.
    pub fn abort(&mut self) {
        if let Some(s) = self.stream.take() {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }

    /// Steps until `done(self)` holds or `timeout` passes; returns whether it held.
    pub fn run_until(
        &mut self,
        timeout: Duration,
        mut done: impl FnMut(&mut Self) -> bool,
    ) -> bool {
        let end = std::time::Instant::now() + timeout;
        loop {
            if done(self) {
                return true;
            }
            if std::time::Instant::now() >= end {
                return false;
            }
            self.step(Duration::from_millis(20));
        }
    }

    /// Takes the collected events.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }
}
