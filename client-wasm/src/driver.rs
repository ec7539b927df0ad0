//! The driver: owns the [`Session`], the WebSocket and one timer, and pumps the
//! session's drain. It only moves bytes and timers.
//!
//! Every input (socket event, timer, API call) borrows the driver, feeds the
//! session, drains [`Session::poll_output`] until `Wait`, and releases the
//! borrow *before* handing events to listeners, so a listener may call the
//! client again without re-entering a borrowed state.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use js_sys::Uint8Array;
use mqtt_proto::session::{DisconnectReason, Event, Output, Session, Token};
use mqtt_proto::time::Instant;
use mqtt_proto::{FrameSplit, ReasonCode};

use crate::error::ClientError;
use crate::hints::NetworkHints;
use crate::incoming::{split_message, Frames};
use crate::timer::{now_ms, Microtask, NextTask, Timeout};
use crate::transport::{TransportEvent, WsTransport};

#[cfg(feature = "persistence")]
mod persist;
#[cfg(not(feature = "persistence"))]
#[path = "driver/volatile.rs"]
mod persist;

/// Completes a pending call: a oneshot sender for the Rust API, a JS callback for the npm
/// package's. Called at most once; dropped uncalled only with the driver. The outcome is
/// borrowed (from the event, or an error shared by several calls): a reply copies what it keeps,
/// and the npm package's, which keeps no CONNACK and no error value, copies nothing.
pub(crate) type Reply = Box<dyn FnOnce(Result<Completion<'_>, Failure<'_>>)>;

/// Why a pending call failed, borrowed like [`Completion`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure<'a> {
    Error(&'a ClientError),
    /// [`ClientError::ConnectionLost`] with this reason (the first connection failed).
    Lost(&'a DisconnectReason),
}

impl Failure<'_> {
    /// The owned error.
    pub(crate) fn to_error(self) -> ClientError {
        match self {
            Self::Error(e) => e.clone(),
            Self::Lost(why) => ClientError::ConnectionLost(why.clone()),
        }
    }
}

/// How a pending call completed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Completion<'a> {
    Connected(&'a mqtt_proto::session::Connected),
    Published(ReasonCode),
    Reasons(&'a [ReasonCode]),
    Ended,
}

/// A listener for every session event; it is dropped when it returns `false`. With
/// [`Driver::payloads_in_js`] on, a [`Event::Message`] may come with an empty payload and its
/// payload as the second argument, a view of the WebSocket message (see [`crate::incoming`]).
pub(crate) type Listener = Box<dyn FnMut(&Event, Option<&Uint8Array>) -> bool>;

/// An event for the listeners, and the payload of a message left in JavaScript memory.
type Delivery = (Event, Option<Uint8Array>);

pub(crate) struct Driver {
    pub(crate) session: Session,
    url: String,
    transport: Option<WsTransport>,
    /// Bytes for the transport, sent together by the next task (see [`Driver::transmit`]).
    outbox: Vec<u8>,
    /// Schedules the outbox's flush; created with the first transport.
    flusher: Option<NextTask>,
    timer: Option<(Instant, Timeout)>,
    hints: Option<NetworkHints>,
    /// Calls waiting for their request's completion, by token ascending (tokens only grow, so
    /// a new call lands at the back and completions, mostly in order, come from the front).
    pending: VecDeque<(Token, Reply)>,
    pub(crate) connecting: Vec<Reply>,
    pub(crate) ending: Vec<Reply>,
    pub(crate) listeners: Vec<(u32, Listener)>,
    pub(crate) next_listener: u32,
    /// Listeners removed while they were out for delivery.
    pub(crate) removed: Vec<u32>,
    /// Events of the current input, drained from the session, for the listeners.
    ready: Vec<Delivery>,
    /// Events waiting for delivery, and whether a delivery is running.
    queue: Vec<Delivery>,
    delivering: bool,
    /// Whether large received payloads stay in JavaScript memory: set by the npm package, whose
    /// only listener takes them so (the Rust API's listeners get every payload in `Message`).
    pub(crate) payloads_in_js: bool,
    /// A drain is scheduled for the next microtask (see [`with_driver_deferred`]).
    flush_scheduled: bool,
    /// Runs that drain; created at the first deferred command.
    drainer: Option<Microtask>,
    /// The driver itself while a drain is scheduled: the microtask's closure holds only a weak
    /// reference, and the driver (which owns the closure) must outlive the queued call.
    hold: Option<Rc<RefCell<Driver>>>,
    ever_connected: bool,
    /// Session persistence (feature `persistence`; without it, an empty stand-in).
    #[cfg_attr(not(feature = "persistence"), allow(dead_code))]
    persist: persist::State,
    me: Weak<RefCell<Driver>>,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("url", &self.url)
            .field("connected", &self.session.is_connected())
            .finish()
    }
}

/// The clock the session runs on.
pub(crate) fn now() -> Instant {
    Instant::from_millis(now_ms())
}

impl Driver {
    pub(crate) fn new(session: Session, url: String) -> Rc<RefCell<Self>> {
        let driver = Rc::new_cyclic(|me: &Weak<RefCell<Driver>>| {
            RefCell::new(Self {
                session,
                url,
                transport: None,
                outbox: Vec::new(),
                flusher: None,
                timer: None,
                hints: None,
                pending: VecDeque::new(),
                connecting: Vec::new(),
                ending: Vec::new(),
                listeners: Vec::new(),
                next_listener: 0,
                removed: Vec::new(),
                ready: Vec::new(),
                queue: Vec::new(),
                delivering: false,
                payloads_in_js: false,
                flush_scheduled: false,
                drainer: None,
                hold: None,
                ever_connected: false,
                persist: persist::State::new(),
                me: me.clone(),
            })
        });
        let me = Rc::downgrade(&driver);
        let hints = NetworkHints::new(move || {
            if let Some(d) = me.upgrade() {
                with_driver(&d, |d| d.session.handle_network_change(now()));
            }
        });
        driver.borrow_mut().hints = hints;
        driver
    }
}

/// Runs a command on the driver without draining, and drains once in a microtask:
/// every command issued in the same JavaScript task (say, a loop of `publish`
/// calls) goes out in one WebSocket message.
pub(crate) fn with_driver_deferred<R>(
    driver: &Rc<RefCell<Driver>>,
    input: impl FnOnce(&mut Driver) -> R,
) -> R {
    let Ok(mut d) = driver.try_borrow_mut() else {
        // Unreachable by construction: listeners run after the borrow ends.
        panic!("client-wasm driver re-entered");
    };
    let r = input(&mut d);
    if !std::mem::replace(&mut d.flush_scheduled, true) {
        d.hold = Some(driver.clone());
        let me = Rc::downgrade(driver);
        d.drainer
            .get_or_insert_with(|| {
                Microtask::new(move || {
                    let Some(driver) = me.upgrade() else { return };
                    let hold = driver.borrow_mut().hold.take();
                    with_driver(&driver, |d| d.flush_scheduled = false);
                    drop(hold);
                })
            })
            .schedule();
    }
    r
}

/// Runs `input` on the driver, drains the session, then delivers events.
pub(crate) fn with_driver<R>(
    driver: &Rc<RefCell<Driver>>,
    input: impl FnOnce(&mut Driver) -> R,
) -> R {
    let (result, events) = {
        let Ok(mut d) = driver.try_borrow_mut() else {
            // Unreachable by construction: listeners run after the borrow ends.
            panic!("client-wasm driver re-entered");
        };
        let r = input(&mut d);
        d.drain();
        (r, std::mem::take(&mut d.ready))
    };
    deliver(driver, events);
    result
}

impl Driver {
    /// Drains the session: transmits, opens/closes the socket, re-arms the timer
    /// and completes pending calls. The events are left in `ready` for the listeners.
    fn drain(&mut self) {
        // The packets of one drain, handed on together (see `send` and `transmit`).
        let mut batch: Vec<u8> = Vec::new();
        loop {
            match self.session.poll_output() {
                Output::Transmit(bytes) => batch.extend_from_slice(&bytes),
                Output::Event(e) => {
                    self.complete(&e);
                    self.ready.push((e, None));
                }
                Output::OpenTransport => {
                    self.send(&mut batch);
                    self.open();
                }
                Output::CloseTransport => {
                    // The session closes now: what it still wanted to say (a DISCONNECT) goes
                    // out without waiting for a commit.
                    self.unhold(&mut batch);
                    self.transmit(&batch);
                    batch.clear();
                    self.flush();
                    self.transport = None;
                }
                Output::Wait(deadline) => {
                    self.send(&mut batch);
                    self.arm(deadline);
                    self.persist();
                    return;
                }
            }
        }
    }

    /// Sends `batch`, or holds it back while the state it follows from is not committed.
    fn send(&mut self, batch: &mut Vec<u8>) {
        if batch.is_empty() {
            return;
        }
        if self.hold(batch) {
            return;
        }
        self.transmit(batch);
        batch.clear();
    }

    /// Queues `bytes` for the transport. They leave in the next task, together with whatever
    /// the tasks queued before it produce: a WebSocket message costs far more in the browser
    /// (an IPC to the network service, framing, a socket write) than the packets in it, and
    /// publishes made in reaction to incoming messages (one task each) would otherwise each pay
    /// for one. MQTT 5.0 and 3.1.1 section 6.0 let a WebSocket message carry several packets.
    fn transmit(&mut self, bytes: &[u8]) {
        if bytes.is_empty() || self.transport.is_none() {
            return;
        }
        if self.outbox.is_empty() {
            if self.flusher.is_none() {
                let me = self.me.clone();
                self.flusher = Some(NextTask::new(move || {
                    if let Some(driver) = me.upgrade() {
                        with_driver(&driver, |d| d.flush());
                    }
                }));
            }
            if let Some(f) = &self.flusher {
                f.schedule();
            }
        }
        self.outbox.extend_from_slice(bytes);
    }

    /// Sends the outbox as one WebSocket message.
    fn flush(&mut self) {
        if self.outbox.is_empty() {
            return;
        }
        if let Some(t) = &self.transport {
            // A failed send means the socket is closing; its close event follows.
            let _ = t.send(&self.outbox);
        }
        self.outbox.clear();
    }

    fn open(&mut self) {
        self.outbox.clear(); // for the previous transport
        self.drop_held();
        let me = self.me.clone();
        let sink = move |event: TransportEvent| {
            let Some(driver) = me.upgrade() else { return };
            with_driver(&driver, |d| {
                let now = now();
                match event {
                    TransportEvent::Open => {
                        if !d.defer_open() {
                            d.session.handle_open(now);
                        }
                    }
                    TransportEvent::Bytes(message) => d.receive(now, &message),
                    TransportEvent::Closed { .. } => {
                        d.transport = None;
                        d.outbox.clear();
                        d.transport_closed();
                        d.session.handle_close(now);
                    }
                }
            });
        };
        match WsTransport::open(&self.url, sink) {
            Ok(t) => self.transport = Some(t),
            Err(e) => {
                self.transport = None;
                let err = ClientError::InvalidUrl(e.text());
                for reply in self.connecting.drain(..) {
                    reply(Err(Failure::Error(&err)));
                }
                self.session.handle_close(now());
            }
        }
    }

    /// A WebSocket message arrived.
    fn receive(&mut self, now: Instant, message: &Uint8Array) {
        if self.payloads_in_js {
            split_message(
                message,
                &mut Incoming {
                    driver: self,
                    now,
                    from: 0,
                },
            );
        } else {
            self.session.handle_bytes_owned(now, message.to_vec());
        }
    }

    /// One timer, re-armed only when the deadline changes.
    /// The session's deadline moves later with every packet received (keep-alive);
    /// re-arming `setTimeout` each time would cost a timer per message. A timer that
    /// is already due earlier is kept: it fires early, `handle_timeout` then does
    /// nothing, and the drain arms the real deadline.
    fn arm(&mut self, deadline: Option<Instant>) {
        match (self.timer.as_ref().map(|(at, _)| *at), deadline) {
            (Some(armed), Some(wanted)) if armed <= wanted => return,
            (Some(_), None) => return,
            _ => {}
        }
        self.timer = deadline.map(|at| {
            let delay = at.as_millis().saturating_sub(now_ms());
            let me = self.me.clone();
            let timeout = Timeout::new(u32::try_from(delay).unwrap_or(u32::MAX), move || {
                if let Some(driver) = me.upgrade() {
                    with_driver(&driver, |d| {
                        d.timer = None;
                        d.session.handle_timeout(now());
                    });
                }
            });
            (at, timeout)
        });
    }

    /// Registers the call waiting for `token`'s completion.
    pub(crate) fn add_pending(&mut self, token: Token, reply: Reply) {
        let i = self.pending.partition_point(|(t, _)| *t < token);
        self.pending.insert(i, (token, reply));
    }

    /// Removes and returns the call waiting for `token`, if any.
    fn take_pending(&mut self, token: Token) -> Option<Reply> {
        let i = self
            .pending
            .binary_search_by_key(&token, |(t, _)| *t)
            .ok()?;
        self.pending.remove(i).map(|(_, reply)| reply)
    }

    fn complete(&mut self, event: &Event) {
        match event {
            Event::Connected(c) => {
                self.ever_connected = true;
                for reply in self.connecting.drain(..) {
                    reply(Ok(Completion::Connected(c)));
                }
            }
            Event::PublishCompleted { token, reason } => {
                if let Some(reply) = self.take_pending(*token) {
                    if reason.is_error() {
                        reply(Err(Failure::Error(&ClientError::Rejected(*reason))));
                    } else {
                        reply(Ok(Completion::Published(*reason)));
                    }
                }
            }
            Event::PublishFailed { token, error } => {
                if let Some(reply) = self.take_pending(*token) {
                    reply(Err(Failure::Error(&ClientError::Publish(error.clone()))));
                }
            }
            Event::SubscribeResult { token, reasons, .. }
            | Event::UnsubscribeResult { token, reasons, .. } => {
                if let Some(reply) = self.take_pending(*token) {
                    reply(Ok(Completion::Reasons(reasons)));
                }
            }
            Event::Disconnected { reason } if !self.ever_connected => {
                let refused = match reason {
                    DisconnectReason::Refused { reason, .. } => Some(ClientError::Refused(*reason)),
                    _ => None,
                };
                let failure = refused
                    .as_ref()
                    .map_or(Failure::Lost(reason), Failure::Error);
                for reply in self.connecting.drain(..) {
                    reply(Err(failure));
                }
            }
            Event::Ended => {
                self.transport = None;
                self.timer = None;
                self.hints = None;
                for reply in self.connecting.drain(..) {
                    reply(Err(Failure::Error(&ClientError::Ended)));
                }
                for (_, reply) in self.pending.drain(..) {
                    reply(Err(Failure::Error(&ClientError::Ended)));
                }
                for reply in self.ending.drain(..) {
                    reply(Ok(Completion::Ended));
                }
            }
            _ => {}
        }
    }
}

/// Hands events to the listeners, outside any borrow. Listeners are taken out
/// while they run so that one may add or remove listeners or call the client;
/// events that such a call produces are queued and delivered after the current
/// ones, in order, by the outermost delivery.
fn deliver(driver: &Rc<RefCell<Driver>>, events: Vec<Delivery>) {
    {
        let Ok(mut d) = driver.try_borrow_mut() else {
            return;
        };
        d.queue.extend(events);
        if d.delivering || d.queue.is_empty() {
            return;
        }
        d.delivering = true;
    }
    loop {
        let (batch, mut listeners) = {
            let Ok(mut d) = driver.try_borrow_mut() else {
                return;
            };
            if d.queue.is_empty() {
                d.delivering = false;
                return;
            }
            (
                std::mem::take(&mut d.queue),
                std::mem::take(&mut d.listeners),
            )
        };
        for (e, payload) in &batch {
            listeners.retain_mut(|(_, l)| l(e, payload.as_ref()));
        }
        let Ok(mut d) = driver.try_borrow_mut() else {
            return;
        };
        // Keep listeners added meanwhile (they are in d.listeners now).
        listeners.append(&mut d.listeners);
        let removed = std::mem::take(&mut d.removed);
        listeners.retain(|(id, _)| !removed.contains(id));
        d.listeners = listeners;
    }
}

/// A message's frames into the session, large payloads left in JavaScript memory.
struct Incoming<'a> {
    driver: &'a mut Driver,
    now: Instant,
    /// Where in `ready` the events of the last PUBLISH head start.
    from: usize,
}

impl Frames for Incoming<'_> {
    fn publish_head(&mut self, head: &[u8], left: usize) -> Option<FrameSplit> {
        let d = &mut *self.driver;
        // Drained frame by frame, so that this frame's message is found among its own events.
        self.from = d.ready.len();
        let split = d.session.handle_publish_head(self.now, head, left)?;
        d.drain();
        Some(split)
    }

    fn payload(&mut self, payload: Uint8Array) {
        // At most one message per PUBLISH (none for a QoS 2 retransmission).
        let message = self.driver.ready[self.from..]
            .iter_mut()
            .find(|(e, _)| matches!(e, Event::Message(_)));
        if let Some((_, slot)) = message {
            *slot = Some(payload);
        }
    }

    fn rest(&mut self, bytes: Vec<u8>) {
        self.driver.session.handle_bytes_owned(self.now, bytes);
    }
}
