//! The session's error types: [`UsageError`] (the caller asked for something impossible),
//! [`PublishError`] (an accepted publish did not make it), [`ProtocolViolation`] (the server broke
//! the protocol; the connection ends).

use core::fmt;

use crate::error::{DecodeError, EncodeError};
use crate::reason_code::ReasonCode;
use crate::types::QoS;

/// The caller misused the API; nothing was queued or sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UsageError {
    /// The session is not started ([`Session::connect`](super::Session::connect) was not called,
    /// or it ended), so the request cannot be queued.
    NotConnected,
    /// The queue of unsent publishes is full (see [`QueueLimits`](super::QueueLimits)).
    QueueFull,
    /// The packet can never be sent: it is larger than the server's Maximum Packet Size or the
    /// protocol's limit.
    PacketTooLarge {
        /// Encoded size in bytes.
        size: usize,
        /// The limit.
        max: u32,
    },
    /// The topic name is not valid for publishing.
    InvalidTopic,
    /// A topic filter list is empty, or a filter is not valid.
    InvalidTopicFilter,
    /// The QoS is above the server's Maximum QoS.
    QoSNotSupported {
        /// The server's maximum.
        max: QoS,
    },
    /// The server does not support retained messages.
    RetainNotSupported,
    /// All 65,535 packet identifiers are in use.
    PacketIdsExhausted,
    /// The configuration is not usable (the text says why).
    InvalidConfig(&'static str),
    /// A field only exists in MQTT 5.0 (properties, AUTH, a reason code) but the session speaks
    /// 3.1.1.
    NotInVersion(&'static str),
    /// The packet cannot be encoded (a property not allowed, an invalid value, ...).
    Encode(EncodeError),
    /// No authentication exchange is in progress (or no method was configured).
    NoAuthInProgress,
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotConnected => f.write_str("the session is not started"),
            Self::QueueFull => f.write_str("the offline queue is full"),
            Self::PacketTooLarge { size, max } => {
                write!(
                    f,
                    "packet of {size} bytes exceeds the maximum packet size {max}"
                )
            }
            Self::InvalidTopic => f.write_str("invalid topic name"),
            Self::InvalidTopicFilter => f.write_str("invalid or empty topic filter list"),
            Self::QoSNotSupported { max } => write!(f, "the server supports at most {max}"),
            Self::RetainNotSupported => f.write_str("the server does not support retain"),
            Self::PacketIdsExhausted => f.write_str("all packet identifiers are in use"),
            Self::InvalidConfig(why) => write!(f, "invalid configuration: {why}"),
            Self::NotInVersion(what) => write!(f, "{what} requires MQTT 5.0"),
            Self::Encode(e) => write!(f, "cannot encode: {e}"),
            Self::NoAuthInProgress => f.write_str("no authentication exchange in progress"),
        }
    }
}

impl core::error::Error for UsageError {}

impl From<EncodeError> for UsageError {
    fn from(e: EncodeError) -> Self {
        match e {
            EncodeError::PacketTooLarge { size, max } => Self::PacketTooLarge { size, max },
            other => Self::Encode(other),
        }
    }
}

/// Why an accepted publish was not delivered to the server.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublishError {
    /// Its Message Expiry Interval elapsed before it could be sent.
    Expired,
    /// Dropped from a full queue to make room (QoS 0 only, see
    /// [`QueueLimits`](super::QueueLimits)).
    Dropped,
    /// The server had no session after a reconnection and the policy is
    /// [`InflightPolicy::Fail`](super::InflightPolicy::Fail).
    SessionLost,
    /// The session ended ([`Session::disconnect`](super::Session::disconnect), refusal, or
    /// reconnection given up) before it was acknowledged.
    SessionEnded,
    /// Larger than the server's Maximum Packet Size (learnt after it was queued).
    PacketTooLarge {
        /// Encoded size in bytes.
        size: usize,
        /// The limit.
        max: u32,
    },
    /// Its QoS or retain flag is not supported by the server (learnt after it was queued).
    NotSupported,
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired => f.write_str("message expired before it was sent"),
            Self::Dropped => f.write_str("dropped from the full offline queue"),
            Self::SessionLost => f.write_str("the server lost the session"),
            Self::SessionEnded => f.write_str("the session ended"),
            Self::PacketTooLarge { size, max } => {
                write!(
                    f,
                    "packet of {size} bytes exceeds the maximum packet size {max}"
                )
            }
            Self::NotSupported => f.write_str("QoS or retain not supported by the server"),
        }
    }
}

impl core::error::Error for PublishError {}

/// The server broke the protocol. The connection is closed (in 5.0 after a DISCONNECT carrying
/// [`ProtocolViolation::reason_code`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolViolation {
    /// The bytes are not a valid packet.
    Decode(DecodeError),
    /// A packet that is valid on its own but not allowed now (the text says which rule).
    Unexpected {
        /// What happened.
        what: &'static str,
        /// The reason code sent in DISCONNECT (5.0).
        reason: ReasonCode,
    },
}

impl ProtocolViolation {
    /// The MQTT 5.0 reason code reporting the violation.
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            Self::Decode(e) => e.reason_code(),
            Self::Unexpected { reason, .. } => *reason,
        }
    }

    pub(crate) fn protocol(what: &'static str) -> Self {
        Self::Unexpected {
            what,
            reason: ReasonCode::PROTOCOL_ERROR,
        }
    }
}

impl fmt::Display for ProtocolViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode(e) => write!(f, "malformed packet: {e}"),
            Self::Unexpected { what, reason } => write!(f, "{what} ({reason})"),
        }
    }
}

impl core::error::Error for ProtocolViolation {}
