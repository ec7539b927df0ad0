//! What the session reports: [`Output`] from the drain, and the [`Event`]s in it.

use alloc::boxed::Box;
use alloc::vec::Vec;

use bytes::Bytes;

use crate::error::DecodeError;
use crate::packet::Packet;
use crate::properties::Properties;
use crate::reason_code::ReasonCode;
use crate::string::MqttString;
use crate::time::{Duration, Instant};
use crate::topic::{Topic, TopicFilter};
use crate::types::{PacketId, QoS};

use super::error::{ProtocolViolation, PublishError};
use super::inflight::{Direction, InflightChange};

/// Identifies a request ([`Session::publish`](super::Session::publish),
/// [`Session::subscribe`](super::Session::subscribe), ...) in the events that complete it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token(pub u64);

/// One item of the session's drain, [`Session::poll_output`](super::Session::poll_output).
// Outputs are moved once, from the session to the driver; boxing events would cost an allocation
// per event instead.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Write these bytes to the transport, in order.
    Transmit(Bytes),
    /// Something happened.
    Event(Event),
    /// Open a transport (WebSocket, TCP) to the server now, then call
    /// [`Session::handle_open`](super::Session::handle_open) (or
    /// [`Session::handle_close`](super::Session::handle_close) if it fails).
    OpenTransport,
    /// Close the transport now. Do not call `handle_close` for it: the session already knows.
    CloseTransport,
    /// Nothing more to do: call [`Session::handle_timeout`](super::Session::handle_timeout) at this
    /// deadline (`None`: no deadline), or earlier when input arrives.
    Wait(Option<Instant>),
}

/// An event reported through [`Output::Event`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// CONNACK with success: the session is usable.
    Connected(Box<Connected>),
    /// A message arrived (QoS 2: exactly once).
    Message(Box<Message>),
    /// A QoS 0 publish was written, or a QoS 1/2 publish was acknowledged (PUBACK, PUBCOMP, or a
    /// PUBREC with an error reason code, which ends the exchange).
    PublishCompleted {
        /// The token returned by `publish`.
        token: Token,
        /// The acknowledgment's reason code (0x00 for QoS 0).
        reason: ReasonCode,
    },
    /// A publish accepted by `publish` will not be delivered.
    PublishFailed {
        /// The token returned by `publish`.
        token: Token,
        /// Why.
        error: PublishError,
    },
    /// SUBACK for a [`Session::subscribe`](super::Session::subscribe) request.
    SubscribeResult {
        /// The token returned by `subscribe`.
        token: Token,
        /// Per filter, in request order: granted QoS (0x00, 0x01, 0x02) or an error code.
        reasons: Vec<ReasonCode>,
        /// 5.0 SUBACK properties.
        properties: Properties,
    },
    /// The session re-established its subscriptions because the server had no session
    /// (CONNACK Session Present = 0 after a reconnection).
    Resubscribed {
        /// Per filter: granted QoS or an error code.
        results: Vec<(TopicFilter, ReasonCode)>,
    },
    /// UNSUBACK for a [`Session::unsubscribe`](super::Session::unsubscribe) request.
    UnsubscribeResult {
        /// The token returned by `unsubscribe`.
        token: Token,
        /// Per filter (5.0; 3.1.1 reports 0x00 for each).
        reasons: Vec<ReasonCode>,
        /// 5.0 UNSUBACK properties.
        properties: Properties,
    },
    /// The connection ended. Unless the session is over, [`Event::Reconnecting`] follows.
    Disconnected {
        /// Why.
        reason: DisconnectReason,
    },
    /// A new connection will be attempted after `delay` (an [`Output::OpenTransport`] then).
    Reconnecting {
        /// Attempt number since the last successful connection, from 1.
        attempt: u32,
        /// Delay before the attempt.
        delay: Duration,
    },
    /// The session ended for good: after a local disconnect, a refusal, or when reconnection was
    /// disabled or gave up. Unfinished publishes were reported as failed.
    Ended,
    /// 5.0 enhanced authentication: the server sent AUTH; answer with
    /// [`Session::auth`](super::Session::auth).
    AuthChallenge {
        /// 0x18 Continue authentication or 0x19 Re-authenticate.
        reason: ReasonCode,
        /// AUTH properties (Authentication Method and Data, ...).
        properties: Properties,
    },
    /// A packet was sent or received (only with [`SessionConfig::trace`](super::SessionConfig)).
    Trace(Box<Trace>),
    /// A received frame could not be decoded (only with tracing on): the bytes and the error,
    /// reported just before the session closes the connection over it
    /// ([`DisconnectReason::ProtocolViolation`]).
    Rejected(Box<Rejected>),
    /// An inflight exchange changed state (only with tracing on).
    InflightChanged {
        /// The packet identifier.
        packet_id: PacketId,
        /// Who sent the PUBLISH.
        direction: Direction,
        /// The new state.
        state: InflightChange,
    },
}

/// A sent or received packet, in [`Event::Trace`].
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// When.
    pub at: Instant,
    /// Which way.
    pub direction: Direction,
    /// The decoded packet.
    pub packet: Packet,
    /// Its bytes on the wire.
    pub raw: Bytes,
}

/// A received frame that could not be decoded, in [`Event::Rejected`].
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    /// When.
    pub at: Instant,
    /// The bytes the error was found in: the whole frame, or the start of a frame whose fixed
    /// header was refused ([`Decoder::rejected`](crate::Decoder::rejected)).
    pub raw: Bytes,
    /// Why (its [`DecodeError::reason_code`](crate::DecodeError) is the one the client sent).
    pub error: DecodeError,
}

/// The successful CONNACK, in [`Event::Connected`].
#[derive(Clone, Debug, PartialEq)]
pub struct Connected {
    /// Whether the server resumed an existing session.
    pub session_present: bool,
    /// The CONNACK reason code (0x00).
    pub reason: ReasonCode,
    /// All CONNACK properties (5.0).
    pub properties: Properties,
    /// The client identifier the server assigned (5.0, when ours was empty).
    pub assigned_client_id: Option<MqttString>,
    /// Keep alive in effect, seconds (the server's override in 5.0, otherwise ours).
    pub keep_alive: u16,
    /// The limits the server announced.
    pub limits: ServerLimits,
}

/// The server's limits from CONNACK (5.0 defaults when absent or in 3.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerLimits {
    /// Receive Maximum: QoS 1/2 publishes the server accepts unacknowledged (default 65,535).
    pub receive_maximum: u16,
    /// Maximum Packet Size (default: the protocol maximum).
    pub maximum_packet_size: u32,
    /// Topic Alias Maximum (default 0: no aliases).
    pub topic_alias_maximum: u16,
    /// Maximum QoS (default 2).
    pub maximum_qos: QoS,
    /// Retain Available (default true).
    pub retain_available: bool,
    /// Wildcard Subscription Available (default true).
    pub wildcard_subscription_available: bool,
    /// Subscription Identifiers Available (default true).
    pub subscription_identifiers_available: bool,
    /// Shared Subscription Available (default true).
    pub shared_subscription_available: bool,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            receive_maximum: u16::MAX,
            maximum_packet_size: crate::wire::MAX_VARINT + 5,
            topic_alias_maximum: 0,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            wildcard_subscription_available: true,
            subscription_identifiers_available: true,
            shared_subscription_available: true,
        }
    }
}

/// A received application message, in [`Event::Message`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Topic (a Topic Alias already resolved).
    pub topic: Topic,
    /// Payload (a zero-copy slice of the received packet).
    pub payload: Bytes,
    /// QoS it was delivered with.
    pub qos: QoS,
    /// RETAIN flag.
    pub retain: bool,
    /// DUP flag.
    pub dup: bool,
    /// Packet identifier (QoS 1/2).
    pub packet_id: Option<PacketId>,
    /// 5.0 PUBLISH properties (the Topic Alias removed).
    pub properties: Properties,
    /// 5.0 Subscription Identifiers of the matching subscriptions (a copy of
    /// `properties.subscription_identifiers`).
    pub subscription_identifiers: Vec<u32>,
}

/// Why a connection ended, in [`Event::Disconnected`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The server sent DISCONNECT (5.0; properties include Server Reference, Reason String).
    ServerDisconnect {
        /// Its reason code.
        reason: ReasonCode,
        /// Its properties.
        properties: Properties,
    },
    /// The server broke the protocol; the client closed the connection (5.0: after DISCONNECT with
    /// the violation's reason code).
    ProtocolViolation(ProtocolViolation),
    /// Nothing arrived within 1.5 × keep alive after a PINGREQ.
    KeepAliveTimeout,
    /// The transport closed (or failed to open).
    TransportClosed,
    /// No CONNACK within the connect timeout.
    ConnectTimeout,
    /// The server refused the connection (CONNACK reason code ≥ 0x80).
    Refused {
        /// The CONNACK reason code (3.1.1 return codes mapped to 5.0 codes).
        reason: ReasonCode,
        /// 5.0 CONNACK properties (Reason String, Server Reference, ...).
        properties: Properties,
    },
    /// [`Session::disconnect`](super::Session::disconnect) was called.
    Local,
    /// [`Session::abort`](super::Session::abort) was called: the transport closed without
    /// DISCONNECT, so the server publishes the will.
    Aborted,
}

/// A publish request for [`Session::publish`](super::Session::publish).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishRequest {
    /// Topic name (no wildcards).
    pub topic: Topic,
    /// Payload.
    pub payload: Bytes,
    /// QoS.
    pub qos: QoS,
    /// RETAIN flag.
    pub retain: bool,
    /// 5.0 properties (Message Expiry Interval is honoured while waiting; a Topic Alias is chosen
    /// by the session and must not be set here).
    pub properties: Properties,
}

impl PublishRequest {
    /// A request without properties and retain off.
    pub fn new(topic: Topic, payload: impl Into<Bytes>, qos: QoS) -> Self {
        Self {
            topic,
            payload: payload.into(),
            qos,
            retain: false,
            properties: Properties::default(),
        }
    }
}
