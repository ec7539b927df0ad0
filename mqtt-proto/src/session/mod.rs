//! The sans-IO MQTT client session (3.1.1 and 5.0).
//!
//! [`Session`] holds the whole protocol state of one client: connection state, keep alive, the
//! QoS 1/2 state machines of both directions, flow control, topic aliases, subscriptions, the
//! offline queue and reconnection. It performs no I/O and reads no clock: a driver (a WebSocket in
//! the browser, a TCP socket natively, a scripted peer in tests) feeds it inputs and carries out
//! its outputs.
//!
//! # The drain contract
//!
//! * **Inputs** are the `handle_*` methods ([`Session::handle_open`], [`Session::handle_bytes`],
//!   [`Session::handle_timeout`], [`Session::handle_close`]) and the commands
//!   ([`Session::connect`], [`Session::publish`], [`Session::subscribe`],
//!   [`Session::unsubscribe`], [`Session::disconnect`], [`Session::auth`]). Each takes `now`, the
//!   caller's monotonic clock.
//! * **After every input, call [`Session::poll_output`] until it returns [`Output::Wait`].** Carry
//!   out each output in order: write [`Output::Transmit`] bytes, open or close the transport, hand
//!   [`Output::Event`]s to the application.
//! * [`Output::Wait`] carries the next deadline: call [`Session::handle_timeout`] when it is
//!   reached (earlier or later is harmless; nothing happens before a deadline), then drain again.
//!
//! ```
//! use mqtt_proto::session::{Output, Session, SessionConfig};
//! use mqtt_proto::time::Instant;
//! use mqtt_proto::ProtocolVersion;
//!
//! let mut session = Session::new(SessionConfig::new(ProtocolVersion::V5, "doc")).unwrap();
//! session.connect(Instant::ZERO);
//! assert_eq!(session.poll_output(), Output::OpenTransport);
//! session.handle_open(Instant::from_millis(5));
//! let Output::Transmit(connect) = session.poll_output() else { panic!() };
//! assert_eq!(connect[0], 0x10); // CONNECT
//! // Wait for CONNACK, at most the connect timeout (10 s by default).
//! assert_eq!(session.poll_output(), Output::Wait(Some(Instant::from_millis(10_000))));
//! ```

mod backoff;
mod config;
mod error;
mod event;
mod inflight;
mod packet_id;
mod snapshot;
mod vec_map;

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;

use bytes::{Bytes, BytesMut};

use crate::decoder::{Decoder, FrameSplit};
use crate::error::EncodeError;
use crate::packet::{
    Auth, ConnAck, Connect, Disconnect, Packet, PacketType, PubAck, PubComp, PubRec, PubRel,
    Publish, SubAck, Subscribe, SubscriptionOptions, UnsubAck, Unsubscribe,
};
use crate::properties::Properties;
use crate::reason_code::ReasonCode;
use crate::time::{duration_millis, Duration, Instant};
use crate::topic::{Topic, TopicFilter};
use crate::types::{PacketId, QoS};
use crate::wire::MAX_VARINT;

pub use backoff::ReconnectPolicy;
pub use config::{InflightPolicy, QueueLimits, SessionConfig, DEFAULT_MAXIMUM_PACKET_SIZE};
pub use error::{ProtocolViolation, PublishError, UsageError};
pub use event::{
    Connected, DisconnectReason, Event, Message, Output, PublishRequest, Rejected, ServerLimits,
    Token, Trace,
};
pub use inflight::{Direction, IncomingState, InflightChange, OutgoingState};
pub use snapshot::{Snapshot, SnapshotError, StoredPublish};

use backoff::Backoff;
use packet_id::PacketIdAllocator;
use vec_map::{VecMap, VecSet};

/// The protocol's largest packet: fixed header + a remaining length of 268,435,455.
const PROTOCOL_MAX_PACKET: u32 = MAX_VARINT + 5;
/// Filters per SUBSCRIBE when the session resubscribes on its own.
const RESUBSCRIBE_CHUNK: usize = 32;

/// The connection state.
///
/// ```text
///            connect()                 handle_open()              CONNACK 0x00
///  Idle ───────────────▶ Opening ─────────────────▶ Connecting ────────────────▶ Connected
///   ▲      (OpenTransport)   │   (send CONNECT)       │  ▲ AUTH ⇄ auth()            │
///   │                        │                        │  │                          │
///   │                        └──── timeout / close / violation / refusal ──────────┤
///   │                                                 ▼                             │
///   │                       Backoff { until } ◀── loss, reconnect enabled ◀─────────┘
///   │                        │  handle_timeout(until): OpenTransport, ─▶ Opening
///   └──── Ended ◀── disconnect(), refusal, reconnect disabled or given up
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Not started.
    Idle,
    /// `OpenTransport` was emitted; waiting for `handle_open`.
    Opening,
    /// CONNECT sent; waiting for CONNACK (possibly through an AUTH exchange).
    Connecting,
    /// CONNACK received with success.
    Connected,
    /// The connection was lost; the next attempt starts at `until`.
    Backoff {
        /// When to emit `OpenTransport`.
        until: Instant,
    },
    /// Over: a local disconnect, a refusal, or reconnection disabled / given up.
    Ended,
}

/// A publish accepted by [`Session::publish`], not yet acknowledged.
#[derive(Clone, Debug)]
struct Outgoing {
    token: Token,
    /// The message as requested: full topic, no packet id, no DUP, no alias.
    publish: Publish,
    /// When `publish` accepted it (the start of its Message Expiry Interval).
    accepted_at: Instant,
    /// Topic + payload bytes, for the queue's byte limit.
    size: usize,
}

/// A QoS 1/2 publish that was sent and is waiting for its acknowledgment.
#[derive(Clone, Debug)]
struct InflightOut {
    /// Order of first transmission (`Session::next_seq` when it was sent).
    seq: u64,
    id: PacketId,
    state: OutgoingState,
    msg: Outgoing,
}

/// A SUBSCRIBE or UNSUBSCRIBE request.
#[derive(Clone, Debug)]
struct Control {
    /// `None` for the session's own resubscription.
    token: Option<Token>,
    kind: ControlKind,
}

#[derive(Clone, Debug)]
enum ControlKind {
    Subscribe {
        filters: Vec<(TopicFilter, SubscriptionOptions)>,
        properties: Properties,
    },
    Unsubscribe {
        filters: Vec<TopicFilter>,
        properties: Properties,
    },
}

/// An established subscription, kept to re-establish it when the server loses the session.
#[derive(Clone, Debug)]
struct Subscription {
    options: SubscriptionOptions,
    subscription_id: Option<u32>,
}

/// The outgoing topic alias map of one connection.
#[derive(Clone, Debug, Default)]
struct OutgoingAliases {
    max: u16,
    map: VecMap<Topic, u16>,
}

impl OutgoingAliases {
    /// The alias to use for `topic`, and whether the topic must still be sent (a new mapping).
    fn lookup(&self, topic: &Topic) -> Option<(u16, bool)> {
        if let Some(&alias) = self.map.get(topic) {
            return Some((alias, false));
        }
        let next = u16::try_from(self.map.len()).ok()?.checked_add(1)?;
        (next <= self.max).then_some((next, true))
    }
}

/// A sans-IO MQTT client session. See the [module documentation](self) for the drain contract.
#[derive(Debug)]
pub struct Session {
    config: SessionConfig,
    state: State,
    /// Whether a CONNACK was ever received (later connections use the reconnect Clean Start).
    ever_connected: bool,
    /// Clean Start of the CONNECT in flight.
    sent_clean_start: bool,

    outputs: VecDeque<Output>,
    /// Bytes to transmit, coalesced into one [`Output::Transmit`].
    tx: BytesMut,
    decoder: Option<Decoder>,

    next_token: u64,
    ids: PacketIdAllocator,
    backoff: Backoff,

    connect_deadline: Option<Instant>,
    last_sent: Instant,
    last_received: Instant,
    pingresp_deadline: Option<Instant>,

    /// Keep alive in effect (seconds).
    keep_alive: u16,
    limits: ServerLimits,
    out_aliases: OutgoingAliases,
    in_aliases: VecMap<u16, Topic>,

    /// Sent QoS 1/2 publishes by order of first transmission (`seq` ascending).
    inflight: VecDeque<InflightOut>,
    /// The `seq` of each packet id in `inflight`.
    inflight_by_id: VecMap<PacketId, u64>,
    next_seq: u64,
    /// Publishes not sent yet.
    queue: VecDeque<Outgoing>,
    queue_bytes: usize,

    /// Incoming QoS 2 packet ids between PUBLISH and PUBREL.
    incoming_qos2: VecSet<PacketId>,

    subscriptions: VecMap<TopicFilter, Subscription>,
    control_queue: VecDeque<Control>,
    control_sent: VecMap<PacketId, Control>,

    /// Changes whenever [`Session::snapshot`]'s content does (see [`Session::snapshot_generation`]).
    generation: u64,
}

impl Session {
    /// A session for `config`, not started: call [`Session::connect`].
    ///
    /// Fails with [`UsageError::InvalidConfig`] or [`UsageError::NotInVersion`] when the
    /// configuration cannot work (an empty client id without clean start in 3.1.1, 5.0-only
    /// settings with 3.1.1, a password without user name in 3.1.1).
    pub fn new(config: SessionConfig) -> Result<Self, UsageError> {
        let v5 = config.version.is_v5();
        if !v5 && config.client_id.is_empty() && !config.clean_start {
            return Err(UsageError::InvalidConfig(
                "an empty client id requires clean_start in MQTT 3.1.1 [MQTT-3.1.3-7]",
            ));
        }
        if !v5 && config.password.is_some() && config.username.is_none() {
            return Err(UsageError::InvalidConfig(
                "a password requires a user name in MQTT 3.1.1 [MQTT-3.1.2-22]",
            ));
        }
        if !v5
            && (config.authentication_method.is_some()
                || config.authentication_data.is_some()
                || !config.user_properties.is_empty()
                || config
                    .will
                    .as_ref()
                    .is_some_and(|w| !w.properties.is_empty()))
        {
            return Err(UsageError::NotInVersion(
                "enhanced authentication, user properties and will properties",
            ));
        }
        if config.receive_maximum == Some(0) || config.maximum_packet_size == Some(0) {
            return Err(UsageError::InvalidConfig(
                "receive_maximum and maximum_packet_size must not be 0",
            ));
        }
        let backoff = Backoff::new(config.reconnect.seed);
        let keep_alive = config.keep_alive;
        Ok(Self {
            config,
            state: State::Idle,
            ever_connected: false,
            sent_clean_start: true,
            outputs: VecDeque::new(),
            tx: BytesMut::new(),
            decoder: None,
            next_token: 1,
            ids: PacketIdAllocator::new(),
            backoff,
            connect_deadline: None,
            last_sent: Instant::ZERO,
            last_received: Instant::ZERO,
            pingresp_deadline: None,
            keep_alive,
            limits: ServerLimits::default(),
            out_aliases: OutgoingAliases::default(),
            in_aliases: VecMap::new(),
            inflight: VecDeque::new(),
            inflight_by_id: VecMap::new(),
            next_seq: 0,
            queue: VecDeque::new(),
            queue_bytes: 0,
            incoming_qos2: VecSet::new(),
            subscriptions: VecMap::new(),
            control_queue: VecDeque::new(),
            control_sent: VecMap::new(),
            generation: 0,
        })
    }

    // ----- queries -------------------------------------------------------------------------

    /// The configuration (the client id is replaced by the server-assigned one once known).
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Whether the session is connected (CONNACK with success received, connection not lost).
    pub fn is_connected(&self) -> bool {
        self.state == State::Connected
    }

    /// Whether the session is over (see [`Event::Ended`]) or was never started.
    pub fn is_ended(&self) -> bool {
        matches!(self.state, State::Ended | State::Idle)
    }

    /// The server's limits from the last CONNACK (defaults before the first).
    pub fn server_limits(&self) -> &ServerLimits {
        &self.limits
    }

    /// Keep alive in effect, in seconds.
    pub fn keep_alive(&self) -> u16 {
        self.keep_alive
    }

    /// Number of QoS 1/2 publishes sent and not yet acknowledged.
    pub fn inflight_len(&self) -> usize {
        self.inflight.len()
    }

    /// Number of publishes waiting to be sent.
    pub fn queued_len(&self) -> usize {
        self.queue.len()
    }

    /// The state of the outgoing exchange using `id`, if any.
    pub fn outgoing_state(&self, id: PacketId) -> Option<OutgoingState> {
        let i = self.inflight_index(id)?;
        self.inflight.get(i).map(|f| f.state)
    }

    /// The state of the incoming exchange using `id`, if any.
    pub fn incoming_state(&self, id: PacketId) -> Option<IncomingState> {
        self.incoming_qos2
            .contains_key(&id)
            .then_some(IncomingState::AwaitingPubRel)
    }

    // ----- persistence ---------------------------------------------------------------------

    /// What must outlive the program to resume this session: unacknowledged publishes, the
    /// offline queue, open incoming QoS 2 exchanges and the client identifier (see [`Snapshot`]).
    /// A Message Expiry Interval is stored as what remains of it at `now`.
    pub fn snapshot(&self, now: Instant) -> Snapshot {
        let stored = |msg: &Outgoing| {
            let mut publish = msg.publish.clone();
            if let Some(interval) = publish.properties.message_expiry_interval {
                let waited = duration_millis(now - msg.accepted_at) / 1000;
                let waited = u32::try_from(waited).unwrap_or(u32::MAX);
                publish.properties.message_expiry_interval = Some(interval.saturating_sub(waited));
            }
            publish
        };
        Snapshot {
            client_id: self.config.client_id.clone(),
            inflight: self
                .inflight
                .iter()
                .map(|e| StoredPublish {
                    packet_id: e.id,
                    state: e.state,
                    publish: stored(&e.msg),
                })
                .collect(),
            queued: self.queue.iter().map(stored).collect(),
            incoming_qos2: self.incoming_qos2.iter().map(|(id, ())| *id).collect(),
        }
    }

    /// A number that changes whenever [`Session::snapshot`] would return different content (other
    /// than the countdown of expiry intervals). A driver that persists the session compares it
    /// with the one it last saved to know when to save again.
    pub fn snapshot_generation(&self) -> u64 {
        self.generation
    }

    /// Loads a [`Snapshot`] taken by an earlier run of this session, before its first connection
    /// (after [`Session::new`], or after [`Session::connect`] but before the transport opened).
    ///
    /// Unacknowledged publishes keep their packet identifiers and states: when the server resumes
    /// the session they are resent (PUBLISH with DUP, or PUBREL) [MQTT-4.4.0-1]; when it does not,
    /// they follow the [`InflightPolicy`] like any other. Queued publishes go ahead of those
    /// published since. Each restored message gets a new [`Token`] (its completion is reported
    /// like any other; the original caller is gone). The snapshot's client identifier is used if
    /// the configured one is empty. Expiry intervals restart from `now`.
    ///
    /// Fails with [`UsageError::InvalidConfig`] once a CONNECT was sent.
    pub fn restore(&mut self, now: Instant, snapshot: Snapshot) -> Result<(), UsageError> {
        if self.ever_connected || !matches!(self.state, State::Idle | State::Opening) {
            return Err(UsageError::InvalidConfig(
                "a snapshot is restored before the first connection",
            ));
        }
        let Snapshot {
            client_id,
            inflight,
            queued,
            incoming_qos2,
        } = snapshot;
        if self.config.client_id.is_empty() {
            self.config.client_id = client_id;
        }
        for entry in inflight {
            if !self.ids.mark(entry.packet_id) {
                continue; // a duplicate identifier: the snapshot was not written by a session
            }
            let size = entry.publish.topic.as_ref().map_or(0, |t| t.as_str().len())
                + entry.publish.payload.len();
            let msg = Outgoing {
                token: self.token(),
                publish: entry.publish,
                accepted_at: now,
                size,
            };
            let seq = self.next_seq;
            self.next_seq += 1;
            self.inflight_by_id.insert(entry.packet_id, seq);
            self.inflight.push_back(InflightOut {
                seq,
                id: entry.packet_id,
                state: entry.state,
                msg,
            });
        }
        for (i, publish) in queued.into_iter().enumerate() {
            let size =
                publish.topic.as_ref().map_or(0, |t| t.as_str().len()) + publish.payload.len();
            let msg = Outgoing {
                token: self.token(),
                publish,
                accepted_at: now,
                size,
            };
            // Ahead of anything published since `new`, in their stored order; the queue's limits
            // do not apply to messages that were already accepted once.
            self.queue_bytes += msg.size;
            self.queue.insert(i, msg);
        }
        for id in incoming_qos2 {
            self.incoming_qos2.insert(id, ());
        }
        self.touch();
        Ok(())
    }

    /// Marks the persistent state as changed.
    fn touch(&mut self) {
        self.generation = self.generation.wrapping_add(1);
    }

    // ----- the drain -----------------------------------------------------------------------

    /// The next output. Call it after every input until it returns [`Output::Wait`].
    pub fn poll_output(&mut self) -> Output {
        if let Some(out) = self.outputs.pop_front() {
            return out;
        }
        if !self.tx.is_empty() {
            return Output::Transmit(self.tx.split().freeze());
        }
        Output::Wait(self.next_deadline())
    }

    fn next_deadline(&self) -> Option<Instant> {
        match self.state {
            State::Idle | State::Ended => None,
            State::Backoff { until } => Some(until),
            State::Opening | State::Connecting => self.connect_deadline,
            State::Connected => {
                if let Some(d) = self.pingresp_deadline {
                    return Some(d);
                }
                (self.keep_alive > 0).then(|| self.ping_at())
            }
        }
    }

    /// When to send the next PINGREQ: keep alive after the last packet sent or received,
    /// whichever is older (nothing sent: required by [MQTT-3.1.2-20]; nothing received: a
    /// half-dead connection is found even while this client keeps sending).
    fn ping_at(&self) -> Instant {
        let since = self.last_sent.min(self.last_received);
        since + Duration::from_secs(u64::from(self.keep_alive))
    }

    // Not inlined: 28 call sites, each would carry the queue's growth path (wasm size).
    #[inline(never)]
    fn push_event(&mut self, event: Event) {
        self.outputs.push_back(Output::Event(event));
    }

    /// Queues a non-Transmit output after the bytes written so far.
    fn push_control_output(&mut self, out: Output) {
        if !self.tx.is_empty() {
            self.outputs
                .push_back(Output::Transmit(self.tx.split().freeze()));
        }
        self.outputs.push_back(out);
    }

    fn token(&mut self) -> Token {
        let t = Token(self.next_token);
        self.next_token = self.next_token.wrapping_add(1);
        t
    }

    fn is_open(&self) -> bool {
        matches!(self.state, State::Connecting | State::Connected)
    }

    // ----- inputs --------------------------------------------------------------------------

    /// Starts the session: asks the driver for a transport ([`Output::OpenTransport`]). Does
    /// nothing if it is already started.
    pub fn connect(&mut self, now: Instant) {
        if matches!(self.state, State::Idle | State::Ended) {
            self.backoff.reset();
            self.open_transport(now);
        }
    }

    fn open_transport(&mut self, now: Instant) {
        self.state = State::Opening;
        self.connect_deadline = Some(now + self.config.connect_timeout);
        self.push_control_output(Output::OpenTransport);
    }

    /// The transport asked for by [`Output::OpenTransport`] is open: the session sends CONNECT.
    pub fn handle_open(&mut self, now: Instant) {
        if self.state != State::Opening {
            return;
        }
        self.tx.clear();
        let max_in = self
            .config
            .maximum_packet_size
            .unwrap_or(PROTOCOL_MAX_PACKET);
        self.decoder = Some(Decoder::new(self.config.version, max_in));
        self.in_aliases.clear();
        self.out_aliases = OutgoingAliases::default();
        self.pingresp_deadline = None;
        self.last_received = now;
        let clean_start = if self.ever_connected {
            !self.config.session_outlives_connection()
        } else {
            self.config.clean_start
        };
        self.sent_clean_start = clean_start;
        let connect = self.build_connect(clean_start);
        self.state = State::Connecting;
        if self
            .send(now, Packet::Connect(Box::new(connect)), PROTOCOL_MAX_PACKET)
            .is_err()
        {
            // The configuration was validated; an encode failure here (e.g. an oversize will)
            // can never succeed on retry.
            self.lose_connection_inner(now, DisconnectReason::TransportClosed, true);
            self.end(now);
        }
    }

    fn build_connect(&self, clean_start: bool) -> Connect {
        let c = &self.config;
        let mut connect = Connect::new(c.version, c.client_id.clone());
        connect.clean_start = clean_start;
        connect.keep_alive = c.keep_alive;
        connect.will = c.will.clone();
        connect.username = c.username.clone();
        connect.password = c.password.clone();
        if c.version.is_v5() {
            let p = &mut connect.properties;
            if c.session_expiry_interval > 0 {
                p.session_expiry_interval = Some(c.session_expiry_interval);
            }
            p.receive_maximum = c.receive_maximum;
            p.maximum_packet_size = c.maximum_packet_size;
            if c.topic_alias_maximum > 0 {
                p.topic_alias_maximum = Some(c.topic_alias_maximum);
            }
            p.request_problem_information = c.request_problem_information;
            p.request_response_information = c.request_response_information;
            p.user_properties = c.user_properties.clone();
            p.authentication_method = c.authentication_method.clone();
            p.authentication_data = c.authentication_data.clone();
        }
        connect
    }

    /// Bytes arrived from the transport (any chunking: partial packets are buffered).
    pub fn handle_bytes(&mut self, now: Instant, bytes: &[u8]) {
        if let Some(decoder) = self.open_decoder() {
            decoder.feed(bytes);
            self.receive(now);
        }
    }

    /// [`Session::handle_bytes`] taking ownership of the bytes, which saves a copy when no partial
    /// packet is buffered (see [`Decoder::feed_vec`]).
    pub fn handle_bytes_owned(&mut self, now: Instant, bytes: Vec<u8>) {
        if let Some(decoder) = self.open_decoder() {
            decoder.feed_vec(bytes);
            self.receive(now);
        }
    }

    /// [`Session::handle_bytes`] for a caller that keeps the received chunk and leaves large
    /// payloads in it (the browser client: a WebSocket message stays in JavaScript memory).
    ///
    /// `head` is the start of the chunk, `chunk_len` its full length. If the chunk starts with a
    /// PUBLISH whose headers [`Decoder::feed_publish_head`] takes from `head`, the session handles
    /// it as [`Session::handle_bytes`] would the whole frame, and returns where it lies: the
    /// [`Event::Message`] it produces (none for a QoS 2 retransmission) has an empty payload, and
    /// the caller delivers bytes `payload_start..frame_len` of the chunk with it. The rest of the
    /// chunk starts at `frame_len`.
    ///
    /// Returns `None` when the chunk must go through [`Session::handle_bytes`] instead: a packet
    /// other than PUBLISH, a partial frame, headers longer than `head`, bytes buffered from an
    /// earlier chunk, before CONNACK, or with [`SessionConfig::trace`] on (a [`Trace`] carries
    /// the whole frame).
    pub fn handle_publish_head(
        &mut self,
        now: Instant,
        head: &[u8],
        chunk_len: usize,
    ) -> Option<FrameSplit> {
        if self.state != State::Connected || self.config.trace {
            return None;
        }
        let split = self.decoder.as_mut()?.feed_publish_head(head, chunk_len)?;
        self.receive(now);
        Some(split)
    }

    /// The decoder, while a connection is open.
    fn open_decoder(&mut self) -> Option<&mut Decoder> {
        if self.is_open() {
            self.decoder.as_mut()
        } else {
            None
        }
    }

    /// Handles every complete packet the decoder holds.
    fn receive(&mut self, now: Instant) {
        while self.is_open() {
            let Some(decoder) = self.decoder.as_mut() else {
                return;
            };
            match decoder.next_server_packet() {
                Ok(Some((packet, raw))) => self.handle_packet(now, packet, raw),
                Ok(None) => break,
                Err(e) => {
                    if self.config.trace {
                        let raw = decoder.rejected().clone();
                        self.push_event(Event::Rejected(Box::new(Rejected {
                            at: now,
                            raw,
                            error: e.clone(),
                        })));
                    }
                    self.violation(now, ProtocolViolation::Decode(e));
                    break;
                }
            }
        }
    }

    /// A deadline from [`Output::Wait`] was reached (calling it at other times is harmless).
    pub fn handle_timeout(&mut self, now: Instant) {
        match self.state {
            State::Idle | State::Ended => {}
            State::Backoff { until } => {
                if now >= until {
                    self.open_transport(now);
                }
            }
            State::Opening | State::Connecting => {
                if self.connect_deadline.is_some_and(|d| now >= d) {
                    self.lose_connection(now, DisconnectReason::ConnectTimeout, true);
                }
            }
            State::Connected => {
                if self.pingresp_deadline.is_some_and(|d| now >= d) {
                    self.lose_connection(now, DisconnectReason::KeepAliveTimeout, true);
                } else if self.keep_alive > 0
                    && self.pingresp_deadline.is_none()
                    && now >= self.ping_at()
                {
                    // Dead if nothing at all arrives within 1.5 × keep alive.
                    let grace = u64::from(self.keep_alive) * 1500;
                    self.pingresp_deadline = Some(now + Duration::from_millis(grace));
                    let _ = self.send(now, Packet::PingReq, self.limits.maximum_packet_size);
                }
            }
        }
    }

    /// The environment hints that connectivity may have changed (the browser went `online`, a
    /// hidden page became visible, a laptop woke up). While waiting to reconnect, the session
    /// reconnects now instead of at the end of its backoff; while connected, it probes the
    /// connection with a PINGREQ (declared dead if nothing arrives within 1.5 × keep alive), since
    /// timers may have been throttled or suspended. Otherwise nothing happens.
    pub fn handle_network_change(&mut self, now: Instant) {
        match self.state {
            State::Backoff { .. } => self.open_transport(now),
            State::Connected if self.keep_alive > 0 && self.pingresp_deadline.is_none() => {
                let grace = u64::from(self.keep_alive) * 1500;
                self.pingresp_deadline = Some(now + Duration::from_millis(grace));
                let _ = self.send(now, Packet::PingReq, self.limits.maximum_packet_size);
            }
            _ => {}
        }
    }

    /// The transport closed (or failed to open). Do not call it after [`Output::CloseTransport`].
    pub fn handle_close(&mut self, now: Instant) {
        if matches!(
            self.state,
            State::Opening | State::Connecting | State::Connected
        ) {
            self.lose_connection(now, DisconnectReason::TransportClosed, false);
        }
    }

    // ----- commands ------------------------------------------------------------------------

    /// Publishes a message.
    ///
    /// QoS 0 completes ([`Event::PublishCompleted`]) as soon as it is written; QoS 1/2 when
    /// acknowledged. While disconnected, or beyond the server's Receive Maximum, the message is
    /// queued (bounded by [`QueueLimits`]). The Message Expiry Interval (5.0) runs from this call:
    /// the value sent is decremented by the time spent waiting, and a message that expires before
    /// it is sent is reported as [`PublishError::Expired`].
    pub fn publish(&mut self, now: Instant, request: PublishRequest) -> Result<Token, UsageError> {
        if matches!(self.state, State::Idle | State::Ended) {
            return Err(UsageError::NotConnected);
        }
        let PublishRequest {
            topic,
            payload,
            qos,
            retain,
            mut properties,
        } = request;
        if !self.config.version.is_v5() && !properties.is_empty() {
            return Err(UsageError::NotInVersion("publish properties"));
        }
        // The session chooses aliases (`values_mut`: no allocation for an empty list).
        if let Some(values) = properties.values_mut() {
            values.topic_alias = None;
        }
        if self.ever_connected {
            if qos > self.limits.maximum_qos {
                return Err(UsageError::QoSNotSupported {
                    max: self.limits.maximum_qos,
                });
            }
            if retain && !self.limits.retain_available {
                return Err(UsageError::RetainNotSupported);
            }
        }
        let size = topic.as_str().len() + payload.len();
        let publish = Publish {
            dup: false,
            qos,
            retain,
            topic: Some(topic),
            packet_id: None,
            properties,
            payload,
        };
        // Validate and size it as it will be sent (with a packet id for QoS > 0).
        let mut probe = publish.clone();
        probe.packet_id = (qos != QoS::AtMostOnce).then_some(PacketId::MAX_PLACEHOLDER);
        let len = Packet::Publish(probe).client_encoded_len(self.config.version)?;
        let max = self.max_outgoing_packet();
        if len > max as usize {
            return Err(UsageError::PacketTooLarge { size: len, max });
        }
        let token = self.token();
        let msg = Outgoing {
            token,
            publish,
            accepted_at: now,
            size,
        };
        let can_send_now = self.state == State::Connected
            && self.queue.is_empty()
            && (qos == QoS::AtMostOnce || self.has_send_quota());
        if can_send_now {
            if qos != QoS::AtMostOnce && self.ids.in_use() >= usize::from(u16::MAX) {
                return Err(UsageError::PacketIdsExhausted);
            }
            self.send_new(now, msg);
        } else {
            self.enqueue(msg)?;
            self.flush_queue(now);
        }
        Ok(token)
    }

    /// The largest packet the server accepts (the protocol's maximum before the first CONNACK).
    fn max_outgoing_packet(&self) -> u32 {
        if self.ever_connected {
            self.limits.maximum_packet_size
        } else {
            PROTOCOL_MAX_PACKET
        }
    }

    fn has_send_quota(&self) -> bool {
        self.inflight.len() < usize::from(self.limits.receive_maximum)
    }

    fn enqueue(&mut self, msg: Outgoing) -> Result<(), UsageError> {
        let limits = self.config.queue;
        let fits = |s: &Self| {
            s.queue.len() < limits.max_messages && s.queue_bytes + msg.size <= limits.max_bytes
        };
        if !fits(self) && limits.drop_oldest_qos0 {
            // Would dropping every queued QoS 0 message make room? Only then drop any.
            let (n0, b0) = self
                .queue
                .iter()
                .filter(|m| m.publish.qos == QoS::AtMostOnce)
                .fold((0usize, 0usize), |(n, b), m| (n + 1, b + m.size));
            let could_fit = self.queue.len() - n0 < limits.max_messages
                && self.queue_bytes - b0 + msg.size <= limits.max_bytes;
            if could_fit {
                while !fits(self) {
                    let Some(pos) = self
                        .queue
                        .iter()
                        .position(|m| m.publish.qos == QoS::AtMostOnce)
                    else {
                        break;
                    };
                    if let Some(dropped) = self.queue.remove(pos) {
                        self.queue_bytes -= dropped.size;
                        self.touch();
                        self.push_event(Event::PublishFailed {
                            token: dropped.token,
                            error: PublishError::Dropped,
                        });
                    }
                }
            }
        }
        if !fits(self) {
            return Err(UsageError::QueueFull);
        }
        self.queue_bytes += msg.size;
        self.queue.push_back(msg);
        self.touch();
        Ok(())
    }

    /// Sends queued publishes while connected and within the send quota.
    fn flush_queue(&mut self, now: Instant) {
        while self.state == State::Connected {
            let Some(front) = self.queue.front() else {
                return;
            };
            if front.publish.qos != QoS::AtMostOnce
                && (!self.has_send_quota() || self.ids.in_use() >= usize::from(u16::MAX))
            {
                return;
            }
            let Some(msg) = self.queue.pop_front() else {
                return;
            };
            self.queue_bytes -= msg.size;
            self.touch();
            self.send_new(now, msg);
        }
    }

    /// Sends a publish for the first time on this connection (allocating a packet id for QoS 1/2)
    /// or reports why it cannot be sent.
    fn send_new(&mut self, now: Instant, msg: Outgoing) {
        let qos = msg.publish.qos;
        if qos > self.limits.maximum_qos || (msg.publish.retain && !self.limits.retain_available) {
            self.push_event(Event::PublishFailed {
                token: msg.token,
                error: PublishError::NotSupported,
            });
            return;
        }
        let id = if qos == QoS::AtMostOnce {
            None
        } else {
            match self.ids.allocate() {
                Some(id) => Some(id),
                None => {
                    // Callers check for a free id first; keep the message rather than lose it.
                    self.queue_bytes += msg.size;
                    self.queue.push_front(msg);
                    return;
                }
            }
        };
        match self.transmit_publish(now, &msg, id, false) {
            Ok(()) => match id {
                None => self.push_event(Event::PublishCompleted {
                    token: msg.token,
                    reason: ReasonCode::SUCCESS,
                }),
                Some(id) => {
                    let state = if qos == QoS::AtLeastOnce {
                        OutgoingState::AwaitingPubAck
                    } else {
                        OutgoingState::AwaitingPubRec
                    };
                    let seq = self.next_seq;
                    self.next_seq += 1;
                    self.inflight_by_id.insert(id, seq);
                    // `seq` only grows: pushing at the back keeps `inflight` sorted.
                    self.inflight.push_back(InflightOut {
                        seq,
                        id,
                        state,
                        msg,
                    });
                    self.trace_inflight(id, Direction::Sent, InflightChange::Outgoing(state));
                }
            },
            Err(error) => {
                if let Some(id) = id {
                    self.ids.release(id);
                }
                self.push_event(Event::PublishFailed {
                    token: msg.token,
                    error,
                });
            }
        }
    }

    /// Encodes and writes a PUBLISH for `msg`: remaining expiry, topic alias, DUP.
    fn transmit_publish(
        &mut self,
        now: Instant,
        msg: &Outgoing,
        id: Option<PacketId>,
        dup: bool,
    ) -> Result<(), PublishError> {
        let mut publish = msg.publish.clone();
        publish.packet_id = id;
        publish.dup = dup;
        if let Some(interval) = publish.properties.message_expiry_interval {
            let waited = duration_millis(now - msg.accepted_at);
            let total = u64::from(interval) * 1000;
            if waited >= total {
                return Err(PublishError::Expired);
            }
            let waited_secs = u32::try_from(waited / 1000).unwrap_or(u32::MAX);
            publish.properties.message_expiry_interval = Some(interval - waited_secs);
        }
        let mut new_alias = None;
        if let Some(topic) = publish.topic.clone() {
            if let Some((alias, is_new)) = self.out_aliases.lookup(&topic) {
                publish.properties.topic_alias = Some(alias);
                if is_new {
                    new_alias = Some((topic, alias));
                } else {
                    publish.topic = None;
                }
            }
        }
        let max = self.limits.maximum_packet_size;
        match self.send(now, Packet::Publish(publish), max) {
            Ok(()) => {
                if let Some((topic, alias)) = new_alias {
                    self.out_aliases.map.insert(topic, alias);
                }
                Ok(())
            }
            Err(EncodeError::PacketTooLarge { size, max }) => {
                Err(PublishError::PacketTooLarge { size, max })
            }
            Err(_) => Err(PublishError::NotSupported),
        }
    }

    /// Subscribes to `filters`. The result arrives as [`Event::SubscribeResult`]. While
    /// disconnected the request is queued and sent after the next CONNACK. Established
    /// subscriptions are re-established automatically when a reconnection finds no session.
    pub fn subscribe(
        &mut self,
        now: Instant,
        filters: Vec<(TopicFilter, SubscriptionOptions)>,
        properties: Properties,
    ) -> Result<Token, UsageError> {
        if filters.is_empty() {
            return Err(UsageError::InvalidTopicFilter);
        }
        self.control_request(
            now,
            ControlKind::Subscribe {
                filters,
                properties,
            },
        )
    }

    /// Unsubscribes from `filters`. The result arrives as [`Event::UnsubscribeResult`].
    pub fn unsubscribe(
        &mut self,
        now: Instant,
        filters: Vec<TopicFilter>,
        properties: Properties,
    ) -> Result<Token, UsageError> {
        if filters.is_empty() {
            return Err(UsageError::InvalidTopicFilter);
        }
        self.control_request(
            now,
            ControlKind::Unsubscribe {
                filters,
                properties,
            },
        )
    }

    fn control_request(&mut self, now: Instant, kind: ControlKind) -> Result<Token, UsageError> {
        if matches!(self.state, State::Idle | State::Ended) {
            return Err(UsageError::NotConnected);
        }
        let props = match &kind {
            ControlKind::Subscribe { properties, .. }
            | ControlKind::Unsubscribe { properties, .. } => properties,
        };
        if !self.config.version.is_v5() && !props.is_empty() {
            return Err(UsageError::NotInVersion(
                "subscribe / unsubscribe properties",
            ));
        }
        let probe = control_packet(PacketId::MAX_PLACEHOLDER, &kind);
        let len = probe.client_encoded_len(self.config.version)?;
        let max = self.max_outgoing_packet();
        if len > max as usize {
            return Err(UsageError::PacketTooLarge { size: len, max });
        }
        let token = self.token();
        self.control_queue.push_back(Control {
            token: Some(token),
            kind,
        });
        self.flush_control(now);
        Ok(token)
    }

    fn flush_control(&mut self, now: Instant) {
        while self.state == State::Connected {
            if self.ids.in_use() >= usize::from(u16::MAX) {
                return;
            }
            let Some(control) = self.control_queue.pop_front() else {
                return;
            };
            let Some(id) = self.ids.allocate() else {
                self.control_queue.push_front(control);
                return;
            };
            let packet = control_packet(id, &control.kind);
            if self
                .send(now, packet, self.limits.maximum_packet_size)
                .is_err()
            {
                // Too large for this server (checked at request time against the previous
                // limits): report it as a failed request.
                self.ids.release(id);
                let reason = ReasonCode::PACKET_TOO_LARGE;
                self.report_control(control, |n| alloc::vec![reason; n], Properties::default());
                continue;
            }
            self.control_sent.insert(id, control);
        }
    }

    fn report_control(
        &mut self,
        control: Control,
        reasons: impl FnOnce(usize) -> Vec<ReasonCode>,
        properties: Properties,
    ) {
        match (control.token, control.kind) {
            (Some(token), ControlKind::Subscribe { filters, .. }) => {
                let reasons = reasons(filters.len());
                self.push_event(Event::SubscribeResult {
                    token,
                    reasons,
                    properties,
                })
            }
            (None, ControlKind::Subscribe { filters, .. }) => {
                let reasons = reasons(filters.len());
                let results = filters.into_iter().map(|(f, _)| f).zip(reasons).collect();
                self.push_event(Event::Resubscribed { results })
            }
            (Some(token), ControlKind::Unsubscribe { filters, .. }) => {
                let reasons = reasons(filters.len());
                self.push_event(Event::UnsubscribeResult {
                    token,
                    reasons,
                    properties,
                })
            }
            (None, ControlKind::Unsubscribe { .. }) => {}
        }
    }

    /// Ends the session: sends DISCONNECT (when connected; `reason` and `properties` are 5.0 only
    /// and ignored in 3.1.1), closes the transport and emits [`Event::Disconnected`] with
    /// [`DisconnectReason::Local`] and [`Event::Ended`]. Use reason 0x04 (Disconnect with Will
    /// Message) to have the server publish the will.
    ///
    /// If the session outlives the connection (5.0 Session Expiry Interval > 0, or 3.1.1 without
    /// clean session), unacknowledged and queued publishes are kept and resumed by a later
    /// [`Session::connect`]; otherwise they are reported as failed.
    pub fn disconnect(&mut self, now: Instant, reason: ReasonCode, properties: Properties) {
        if self.state == State::Connected {
            let mut d = Disconnect::new(ReasonCode::NORMAL_DISCONNECTION);
            if self.config.version.is_v5() {
                d.reason_code = reason;
                d.properties = properties;
            }
            let max = self.limits.maximum_packet_size;
            if self.send(now, Packet::Disconnect(d.clone()), max).is_err() {
                d.properties = Properties::default();
                if self.send(now, Packet::Disconnect(d), max).is_err() {
                    let _ = self.send(
                        now,
                        Packet::Disconnect(Disconnect::new(ReasonCode::NORMAL_DISCONNECTION)),
                        max,
                    );
                }
            }
        }
        self.close_and_end(now, DisconnectReason::Local);
    }

    /// Ends the session without DISCONNECT: the transport closes as if the network had failed,
    /// so the server publishes the Will Message ([MQTT-3.1.2-8]; 3.1.1 section 3.1.2.5). This is
    /// MQTT.js's `end(true)`, and how to test a will on purpose. Emits [`Event::Disconnected`]
    /// with [`DisconnectReason::Aborted`] and [`Event::Ended`]; pending requests are kept or
    /// failed as with [`Session::disconnect`]. Packets already written (publishes,
    /// acknowledgments) are still handed out before [`Output::CloseTransport`]; only the
    /// DISCONNECT is left out.
    pub fn abort(&mut self, now: Instant) {
        self.close_and_end(now, DisconnectReason::Aborted);
    }

    /// Closes the transport (if one is open or opening), reports `reason` and ends the session.
    fn close_and_end(&mut self, now: Instant, reason: DisconnectReason) {
        match self.state {
            State::Idle | State::Ended => return,
            State::Opening | State::Connecting | State::Connected => {
                self.lose_connection_inner(now, reason, true);
            }
            State::Backoff { .. } => self.push_event(Event::Disconnected { reason }),
        }
        self.end(now);
    }

    /// 5.0 enhanced authentication: sends AUTH with `reason` (0x18 Continue authentication to
    /// answer an [`Event::AuthChallenge`], or 0x19 Re-authenticate when connected) and
    /// `properties` (the Authentication Method is filled in from the configuration when absent).
    pub fn auth(
        &mut self,
        now: Instant,
        reason: ReasonCode,
        mut properties: Properties,
    ) -> Result<(), UsageError> {
        if !self.config.version.is_v5() {
            return Err(UsageError::NotInVersion("AUTH"));
        }
        let Some(method) = self.config.authentication_method.clone() else {
            return Err(UsageError::NoAuthInProgress);
        };
        if !self.is_open() {
            return Err(UsageError::NotConnected);
        }
        if properties.authentication_method.is_none() {
            properties.authentication_method = Some(method);
        }
        let mut auth = Auth::new(reason);
        auth.properties = properties;
        let max = if self.state == State::Connected {
            self.limits.maximum_packet_size
        } else {
            PROTOCOL_MAX_PACKET
        };
        self.send(now, Packet::Auth(auth), max)?;
        Ok(())
    }

    // ----- received packets ----------------------------------------------------------------

    fn handle_packet(&mut self, now: Instant, packet: Packet, raw: Bytes) {
        self.last_received = now;
        self.pingresp_deadline = None;
        if self.config.trace {
            self.push_event(Event::Trace(Box::new(Trace {
                at: now,
                direction: Direction::Received,
                packet: packet.clone(),
                raw,
            })));
        }
        if self.state == State::Connecting {
            match packet {
                Packet::ConnAck(c) => self.on_connack(now, c),
                Packet::Auth(a) => self.on_auth(now, a),
                Packet::Disconnect(d) => self.on_disconnect(now, d),
                _ => self.violation(now, ProtocolViolation::protocol("packet before CONNACK")),
            }
            return;
        }
        match packet {
            Packet::ConnAck(_) => {
                self.violation(now, ProtocolViolation::protocol("second CONNACK"))
            }
            Packet::Publish(p) => self.on_publish(now, p),
            Packet::PubAck(a) => self.on_puback(now, a),
            Packet::PubRec(r) => self.on_pubrec(now, r),
            Packet::PubRel(r) => self.on_pubrel(now, r),
            Packet::PubComp(c) => self.on_pubcomp(now, c),
            Packet::SubAck(s) => self.on_suback(now, s),
            Packet::UnsubAck(u) => self.on_unsuback(now, u),
            Packet::PingResp => {}
            Packet::Disconnect(d) => self.on_disconnect(now, d),
            Packet::Auth(a) => self.on_auth(now, a),
            Packet::Connect(_)
            | Packet::Subscribe(_)
            | Packet::Unsubscribe(_)
            | Packet::PingReq => self.violation(
                now,
                ProtocolViolation::protocol("server sent a packet only clients send"),
            ),
        }
    }

    fn on_connack(&mut self, now: Instant, connack: ConnAck) {
        let ConnAck {
            session_present,
            reason_code,
            properties,
        } = connack;
        if reason_code.is_error() {
            let retry = matches!(
                reason_code,
                ReasonCode::SERVER_UNAVAILABLE
                    | ReasonCode::SERVER_BUSY
                    | ReasonCode::QUOTA_EXCEEDED
                    | ReasonCode::CONNECTION_RATE_EXCEEDED
            );
            let reason = DisconnectReason::Refused {
                reason: reason_code,
                properties,
            };
            if retry {
                self.lose_connection(now, reason, true);
            } else {
                self.lose_connection_inner(now, reason, true);
                self.end(now);
            }
            return;
        }
        if session_present && self.sent_clean_start {
            self.violation(
                now,
                ProtocolViolation::protocol("Session Present with Clean Start [MQTT-3.2.2-2]"),
            );
            return;
        }
        let p = &properties;
        let defaults = ServerLimits::default();
        self.limits = ServerLimits {
            receive_maximum: p.receive_maximum.unwrap_or(defaults.receive_maximum),
            maximum_packet_size: p
                .maximum_packet_size
                .unwrap_or(defaults.maximum_packet_size),
            topic_alias_maximum: p.topic_alias_maximum.unwrap_or(0),
            maximum_qos: p.maximum_qos.unwrap_or(QoS::ExactlyOnce),
            retain_available: p.retain_available.unwrap_or(true),
            wildcard_subscription_available: p.wildcard_subscription_available.unwrap_or(true),
            subscription_identifiers_available: p.subscription_identifier_available.unwrap_or(true),
            shared_subscription_available: p.shared_subscription_available.unwrap_or(true),
        };
        self.keep_alive = p.server_keep_alive.unwrap_or(self.config.keep_alive);
        if let Some(id) = &p.assigned_client_identifier {
            // Reconnections must resume this identity.
            self.config.client_id = id.clone();
            self.touch();
        }
        self.out_aliases = OutgoingAliases {
            max: self
                .limits
                .topic_alias_maximum
                .min(self.config.outgoing_topic_aliases),
            map: VecMap::new(),
        };
        let was_connected = self.ever_connected;
        self.ever_connected = true;
        self.state = State::Connected;
        self.connect_deadline = None;
        self.backoff.reset();
        self.push_event(Event::Connected(Box::new(Connected {
            session_present,
            reason: reason_code,
            assigned_client_id: properties.assigned_client_identifier.clone(),
            keep_alive: self.keep_alive,
            limits: self.limits,
            properties,
        })));

        if session_present {
            self.resend_inflight(now);
        } else {
            self.incoming_qos2.clear();
            self.touch();
            self.restart_inflight(now);
            if was_connected {
                self.queue_resubscribe();
            }
        }
        self.flush_control(now);
        self.flush_queue(now);
    }

    /// Session Present = 1: resend every unacknowledged PUBLISH (DUP) and PUBREL in the original
    /// order, with the original packet ids [MQTT-4.4.0-1].
    fn resend_inflight(&mut self, now: Instant) {
        let seqs: Vec<u64> = self.inflight.iter().map(|e| e.seq).collect();
        for seq in seqs {
            let Some(entry) = self
                .inflight
                .binary_search_by_key(&seq, |e| e.seq)
                .ok()
                .and_then(|i| self.inflight.get(i))
            else {
                continue;
            };
            let (id, state) = (entry.id, entry.state);
            match state {
                OutgoingState::AwaitingPubComp => {
                    let _ = self.send(
                        now,
                        Packet::PubRel(PubRel::new(id)),
                        self.limits.maximum_packet_size,
                    );
                }
                OutgoingState::AwaitingPubAck | OutgoingState::AwaitingPubRec => {
                    let msg = entry.msg.clone();
                    let expired_ok = state == OutgoingState::AwaitingPubAck;
                    match self.transmit_publish(now, &msg, Some(id), true) {
                        Ok(()) => {}
                        // A QoS 2 message the server may already hold keeps its id until the
                        // exchange ends; only QoS 1 ones are dropped.
                        Err(PublishError::Expired) if !expired_ok => {
                            let mut m = msg.clone();
                            if let Some(values) = m.publish.properties.values_mut() {
                                values.message_expiry_interval = None;
                            }
                            let _ = self.transmit_publish(now, &m, Some(id), true);
                        }
                        Err(error) => {
                            self.remove_inflight(id);
                            self.push_event(Event::PublishFailed {
                                token: msg.token,
                                error,
                            });
                        }
                    }
                }
            }
        }
    }

    /// Session Present = 0: the server forgot our exchanges. Per [`InflightPolicy`], requeue the
    /// unacknowledged publishes ahead of the queue or fail them; AwaitingPubComp ones are done.
    fn restart_inflight(&mut self, _now: Instant) {
        let entries = core::mem::take(&mut self.inflight);
        self.inflight_by_id.clear();
        let mut requeue = Vec::new();
        for entry in entries {
            self.ids.release(entry.id);
            self.trace_inflight(entry.id, Direction::Sent, InflightChange::Released);
            match (entry.state, self.config.inflight_policy) {
                (OutgoingState::AwaitingPubComp, _) => self.push_event(Event::PublishCompleted {
                    token: entry.msg.token,
                    reason: ReasonCode::SUCCESS,
                }),
                (_, InflightPolicy::Resend) => requeue.push(entry.msg),
                (_, InflightPolicy::Fail) => self.push_event(Event::PublishFailed {
                    token: entry.msg.token,
                    error: PublishError::SessionLost,
                }),
            }
        }
        for msg in requeue.into_iter().rev() {
            self.queue_bytes += msg.size;
            self.queue.push_front(msg);
        }
        // SUBSCRIBE / UNSUBSCRIBE without an answer are sent again.
        let sent = self.control_sent.take();
        for (id, control) in sent.into_iter().rev() {
            self.ids.release(id);
            self.control_queue.push_front(control);
        }
    }

    fn queue_resubscribe(&mut self) {
        let mut groups: VecMap<Option<u32>, Vec<(TopicFilter, SubscriptionOptions)>> =
            VecMap::new();
        for (filter, sub) in self.subscriptions.iter() {
            groups
                .get_or_insert_with(sub.subscription_id, Vec::new)
                .push((filter.clone(), sub.options));
        }
        let mut controls = Vec::new();
        for (sub_id, filters) in groups.take() {
            for chunk in filters.chunks(RESUBSCRIBE_CHUNK) {
                let mut properties = Properties::default();
                if let Some(id) = sub_id {
                    properties.subscription_identifiers.push(id);
                }
                controls.push(Control {
                    token: None,
                    kind: ControlKind::Subscribe {
                        filters: chunk.to_vec(),
                        properties,
                    },
                });
            }
        }
        for c in controls.into_iter().rev() {
            self.control_queue.push_front(c);
        }
    }

    fn on_auth(&mut self, now: Instant, auth: Auth) {
        if self.config.authentication_method.is_none() {
            self.violation(
                now,
                ProtocolViolation::protocol("AUTH without an authentication method"),
            );
            return;
        }
        if auth.reason_code == ReasonCode::SUCCESS && self.state == State::Connecting {
            self.violation(
                now,
                ProtocolViolation::protocol("AUTH Success before CONNACK"),
            );
            return;
        }
        self.push_event(Event::AuthChallenge {
            reason: auth.reason_code,
            properties: auth.properties,
        });
    }

    fn on_disconnect(&mut self, now: Instant, d: Disconnect) {
        let reason = DisconnectReason::ServerDisconnect {
            reason: d.reason_code,
            properties: d.properties,
        };
        self.lose_connection(now, reason, true);
    }

    fn on_publish(&mut self, now: Instant, mut p: Publish) {
        let v5 = self.config.version.is_v5();
        // Topic alias resolution (5.0 section 3.3.2.3.4).
        let alias = p.properties.values_mut().and_then(|v| v.topic_alias.take());
        if let Some(alias) = alias {
            if !v5 || alias == 0 || alias > self.config.topic_alias_maximum {
                self.violation(
                    now,
                    ProtocolViolation::Unexpected {
                        what: "Topic Alias 0 or above our Topic Alias Maximum",
                        reason: ReasonCode::TOPIC_ALIAS_INVALID,
                    },
                );
                return;
            }
            match &p.topic {
                Some(topic) => {
                    self.in_aliases.insert(alias, topic.clone());
                }
                None => match self.in_aliases.get(&alias) {
                    Some(topic) => p.topic = Some(topic.clone()),
                    None => {
                        self.violation(
                            now,
                            ProtocolViolation::protocol("unknown Topic Alias with an empty topic"),
                        );
                        return;
                    }
                },
            }
        }
        let Some(topic) = p.topic.take() else {
            self.violation(
                now,
                ProtocolViolation::protocol("PUBLISH without topic or Topic Alias"),
            );
            return;
        };
        let message = Message {
            topic,
            payload: p.payload,
            qos: p.qos,
            retain: p.retain,
            dup: p.dup,
            packet_id: p.packet_id,
            subscription_identifiers: p.properties.subscription_identifiers.clone(),
            properties: p.properties,
        };
        match (p.qos, p.packet_id) {
            (QoS::AtMostOnce, _) => self.push_event(Event::Message(Box::new(message))),
            (QoS::AtLeastOnce, Some(id)) => {
                self.push_event(Event::Message(Box::new(message)));
                self.send_ack(now, Packet::PubAck(PubAck::new(id)));
            }
            (QoS::ExactlyOnce, Some(id)) => {
                if self.incoming_qos2.contains_key(&id) {
                    // A retransmission before PUBREL: already delivered.
                } else {
                    let max = usize::from(self.config.receive_maximum.unwrap_or(u16::MAX));
                    if self.incoming_qos2.len() >= max {
                        self.violation(
                            now,
                            ProtocolViolation::Unexpected {
                                what: "more unacknowledged QoS 2 PUBLISH than our Receive Maximum",
                                reason: ReasonCode::RECEIVE_MAXIMUM_EXCEEDED,
                            },
                        );
                        return;
                    }
                    self.incoming_qos2.insert(id, ());
                    self.trace_inflight(
                        id,
                        Direction::Received,
                        InflightChange::Incoming(IncomingState::AwaitingPubRel),
                    );
                    self.push_event(Event::Message(Box::new(message)));
                }
                self.send_ack(now, Packet::PubRec(PubRec::new(id)));
            }
            // The codec guarantees a packet id for QoS > 0.
            (_, None) => self.violation(
                now,
                ProtocolViolation::protocol("QoS > 0 PUBLISH without packet id"),
            ),
        }
    }

    fn on_puback(&mut self, now: Instant, ack: PubAck) {
        self.complete_outgoing(
            now,
            ack.packet_id,
            OutgoingState::AwaitingPubAck,
            ack.reason_code,
            "PUBACK for a packet id not awaiting one",
        );
    }

    /// The last acknowledgement of an outgoing exchange (PUBACK, PUBCOMP): the id must
    /// be in `expected`, then the publish completes and queued ones may go.
    fn complete_outgoing(
        &mut self,
        now: Instant,
        id: PacketId,
        expected: OutgoingState,
        reason: ReasonCode,
        violation: &'static str,
    ) {
        if self.outgoing_state(id) != Some(expected) {
            self.violation(now, ProtocolViolation::protocol(violation));
            return;
        }
        if let Some(entry) = self.remove_inflight(id) {
            self.push_event(Event::PublishCompleted {
                token: entry.msg.token,
                reason,
            });
        }
        self.flush_queue(now);
    }

    fn on_pubrec(&mut self, now: Instant, rec: PubRec) {
        let id = rec.packet_id;
        match self.outgoing_state(id) {
            Some(OutgoingState::AwaitingPubRec) if rec.reason_code.is_error() => {
                // The exchange ends here ([MQTT-4.3.3] 5.0: no PUBREL after an error PUBREC).
                if let Some(entry) = self.remove_inflight(id) {
                    self.push_event(Event::PublishCompleted {
                        token: entry.msg.token,
                        reason: rec.reason_code,
                    });
                }
                self.flush_queue(now);
            }
            Some(OutgoingState::AwaitingPubRec | OutgoingState::AwaitingPubComp) => {
                if let Some(i) = self.inflight_index(id) {
                    if let Some(entry) = self.inflight.get_mut(i) {
                        if entry.state != OutgoingState::AwaitingPubComp {
                            entry.state = OutgoingState::AwaitingPubComp;
                            self.trace_inflight(
                                id,
                                Direction::Sent,
                                InflightChange::Outgoing(OutgoingState::AwaitingPubComp),
                            );
                        }
                    }
                }
                self.send_ack(now, Packet::PubRel(PubRel::new(id)));
            }
            Some(OutgoingState::AwaitingPubAck) | None => {
                if self.config.version.is_v5() && self.outgoing_state(id).is_none() {
                    let mut rel = PubRel::new(id);
                    rel.reason_code = ReasonCode::PACKET_IDENTIFIER_NOT_FOUND;
                    self.send_ack(now, Packet::PubRel(rel));
                } else {
                    self.violation(
                        now,
                        ProtocolViolation::protocol("PUBREC for a packet id not awaiting one"),
                    );
                }
            }
        }
    }

    fn on_pubrel(&mut self, now: Instant, rel: PubRel) {
        let id = rel.packet_id;
        let mut comp = PubComp::new(id);
        if self.incoming_qos2.remove(&id).is_some() {
            self.trace_inflight(id, Direction::Received, InflightChange::Released);
        } else if self.config.version.is_v5() {
            comp.reason_code = ReasonCode::PACKET_IDENTIFIER_NOT_FOUND;
        }
        self.send_ack(now, Packet::PubComp(comp));
    }

    fn on_pubcomp(&mut self, now: Instant, comp: PubComp) {
        self.complete_outgoing(
            now,
            comp.packet_id,
            OutgoingState::AwaitingPubComp,
            comp.reason_code,
            "PUBCOMP for a packet id not awaiting one",
        );
    }

    /// How many filters the SUBSCRIBE (`subscribe`) or UNSUBSCRIBE sent with `id` carried;
    /// `None`, after ending the connection with a protocol error, when no such request waits.
    fn awaited_filters(&mut self, now: Instant, id: PacketId, subscribe: bool) -> Option<usize> {
        let count = match self.control_sent.get(&id).map(|c| &c.kind) {
            Some(ControlKind::Subscribe { filters, .. }) if subscribe => Some(filters.len()),
            Some(ControlKind::Unsubscribe { filters, .. }) if !subscribe => Some(filters.len()),
            _ => None,
        };
        if count.is_none() {
            let what = if subscribe {
                "SUBACK for a packet id not awaiting one"
            } else {
                "UNSUBACK for a packet id not awaiting one"
            };
            self.violation(now, ProtocolViolation::protocol(what));
        }
        count
    }

    fn on_suback(&mut self, now: Instant, ack: SubAck) {
        let Some(expected) = self.awaited_filters(now, ack.packet_id, true) else {
            return;
        };
        if ack.reason_codes.len() != expected {
            self.violation(
                now,
                ProtocolViolation::protocol("SUBACK reason code count differs from the request"),
            );
            return;
        }
        let Some(control) = self.control_sent.remove(&ack.packet_id) else {
            return;
        };
        self.ids.release(ack.packet_id);
        if let ControlKind::Subscribe {
            filters,
            properties,
        } = &control.kind
        {
            let sub_id = properties.subscription_identifiers.first().copied();
            for ((filter, options), reason) in filters.iter().zip(&ack.reason_codes) {
                if reason.is_error() {
                    self.subscriptions.remove(filter);
                } else {
                    self.subscriptions.insert(
                        filter.clone(),
                        Subscription {
                            options: *options,
                            subscription_id: sub_id,
                        },
                    );
                }
            }
        }
        let reasons = ack.reason_codes;
        self.report_control(control, |_| reasons, ack.properties);
        self.flush_control(now);
        self.flush_queue(now);
    }

    fn on_unsuback(&mut self, now: Instant, ack: UnsubAck) {
        let Some(expected) = self.awaited_filters(now, ack.packet_id, false) else {
            return;
        };
        let v5 = self.config.version.is_v5();
        if v5 && ack.reason_codes.len() != expected {
            self.violation(
                now,
                ProtocolViolation::protocol("UNSUBACK reason code count differs from the request"),
            );
            return;
        }
        let Some(control) = self.control_sent.remove(&ack.packet_id) else {
            return;
        };
        self.ids.release(ack.packet_id);
        if let ControlKind::Unsubscribe { filters, .. } = &control.kind {
            for filter in filters {
                self.subscriptions.remove(filter);
            }
        }
        let reasons = if v5 {
            ack.reason_codes
        } else {
            alloc::vec![ReasonCode::SUCCESS; expected]
        };
        self.report_control(control, |_| reasons, ack.properties);
        self.flush_control(now);
        self.flush_queue(now);
    }

    /// The position in `inflight` of the exchange using `id`.
    fn inflight_index(&self, id: PacketId) -> Option<usize> {
        let seq = *self.inflight_by_id.get(&id)?;
        self.inflight.binary_search_by_key(&seq, |e| e.seq).ok()
    }

    fn remove_inflight(&mut self, id: PacketId) -> Option<InflightOut> {
        let i = self.inflight_index(id)?;
        self.inflight_by_id.remove(&id);
        let entry = self.inflight.remove(i)?;
        self.ids.release(id);
        self.trace_inflight(id, Direction::Sent, InflightChange::Released);
        Some(entry)
    }

    // ----- sending, loss, end --------------------------------------------------------------

    /// Encodes `packet` (at most `max` bytes) and appends it to the transmit buffer.
    fn send(&mut self, now: Instant, packet: Packet, max: u32) -> Result<(), EncodeError> {
        let v = self.config.version;
        if self.config.trace {
            let mut buf = BytesMut::new();
            packet.encode_from_client(v, max, &mut buf)?;
            let raw = buf.freeze();
            self.tx.extend_from_slice(&raw);
            self.push_event(Event::Trace(Box::new(Trace {
                at: now,
                direction: Direction::Sent,
                packet,
                raw,
            })));
        } else {
            packet.encode_from_client(v, max, &mut self.tx)?;
        }
        self.last_sent = now;
        Ok(())
    }

    /// Sends an acknowledgment or other small session packet; they always fit.
    fn send_ack(&mut self, now: Instant, packet: Packet) {
        let _ = self.send(now, packet, self.limits.maximum_packet_size);
    }

    #[inline(never)]
    fn trace_inflight(&mut self, packet_id: PacketId, direction: Direction, state: InflightChange) {
        // Every change of an exchange's state passes here.
        self.touch();
        if self.config.trace {
            self.push_event(Event::InflightChanged {
                packet_id,
                direction,
                state,
            });
        }
    }

    /// The server broke the protocol: 5.0 DISCONNECT with the reason code, close, reconnect.
    fn violation(&mut self, now: Instant, violation: ProtocolViolation) {
        if !self.is_open() {
            return;
        }
        if self.config.version.is_v5() {
            let mut code = violation.reason_code();
            if !code.is_valid_for(PacketType::Disconnect) {
                code = ReasonCode::PROTOCOL_ERROR;
            }
            let _ = self.send(
                now,
                Packet::Disconnect(Disconnect::new(code)),
                PROTOCOL_MAX_PACKET,
            );
        }
        self.lose_connection(now, DisconnectReason::ProtocolViolation(violation), true);
    }

    /// The connection ended unexpectedly: report it and schedule a reconnection (or end).
    fn lose_connection(&mut self, now: Instant, reason: DisconnectReason, close: bool) {
        self.lose_connection_inner(now, reason, close);
        if !self.config.reconnect.enabled {
            self.end(now);
            return;
        }
        match self.backoff.next_delay(&self.config.reconnect) {
            Some((attempt, delay)) => {
                self.state = State::Backoff { until: now + delay };
                self.push_event(Event::Reconnecting { attempt, delay });
            }
            None => self.end(now),
        }
    }

    /// Tears down the per-connection state and reports the loss (no reconnection decision).
    fn lose_connection_inner(&mut self, _now: Instant, reason: DisconnectReason, close: bool) {
        if close {
            self.push_control_output(Output::CloseTransport);
        }
        self.tx.clear();
        self.decoder = None;
        self.connect_deadline = None;
        self.pingresp_deadline = None;
        self.in_aliases.clear();
        self.out_aliases = OutgoingAliases::default();
        // Unanswered SUBSCRIBE / UNSUBSCRIBE are sent again on the next connection.
        let sent = self.control_sent.take();
        for (id, control) in sent.into_iter().rev() {
            self.ids.release(id);
            self.control_queue.push_front(control);
        }
        self.state = State::Backoff {
            until: Instant::ZERO,
        };
        self.push_event(Event::Disconnected { reason });
    }

    /// The session is over. Without a session that outlives the connection, every pending
    /// request fails.
    fn end(&mut self, _now: Instant) {
        self.state = State::Ended;
        self.touch();
        self.connect_deadline = None;
        if !self.config.session_outlives_connection() {
            let entries = core::mem::take(&mut self.inflight);
            self.inflight_by_id.clear();
            for entry in entries {
                self.ids.release(entry.id);
                self.push_event(Event::PublishFailed {
                    token: entry.msg.token,
                    error: PublishError::SessionEnded,
                });
            }
            while let Some(msg) = self.queue.pop_front() {
                self.push_event(Event::PublishFailed {
                    token: msg.token,
                    error: PublishError::SessionEnded,
                });
            }
            self.queue_bytes = 0;
            self.incoming_qos2.clear();
            self.subscriptions.clear();
            self.control_queue.clear();
        }
        self.push_event(Event::Ended);
    }
}

/// The SUBSCRIBE or UNSUBSCRIBE packet of a request.
fn control_packet(id: PacketId, kind: &ControlKind) -> Packet {
    match kind {
        ControlKind::Subscribe {
            filters,
            properties,
        } => {
            let mut s = Subscribe::new(id, filters.clone());
            s.properties = properties.clone();
            Packet::Subscribe(s)
        }
        ControlKind::Unsubscribe {
            filters,
            properties,
        } => {
            let mut u = Unsubscribe::new(id, filters.clone());
            u.properties = properties.clone();
            Packet::Unsubscribe(u)
        }
    }
}

/// An identifier for sizing packets before a real one is allocated (all ids encode in 2 bytes).
trait Placeholder {
    const MAX_PLACEHOLDER: Self;
}

impl Placeholder for PacketId {
    const MAX_PLACEHOLDER: Self = match PacketId::new(u16::MAX) {
        Some(id) => id,
        None => unreachable!(),
    };
}
