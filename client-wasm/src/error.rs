//! What can go wrong for a client call, with a stable machine-readable code.

use std::fmt;

use mqtt_proto::session::{DisconnectReason, PublishError, UsageError};
use mqtt_proto::ReasonCode;

/// [`ClientError::code`] of [`ClientError::ConnectionLost`].
pub(crate) const CONNECTION_LOST: &str = "ERR_CONNECTION_LOST";

/// A failed client call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientError {
    /// The request was refused before anything was sent (bad topic, queue full, ...).
    Usage(UsageError),
    /// The broker refused the connection (CONNACK reason code).
    Refused(ReasonCode),
    /// The connection could not be established or ended before the call completed.
    ConnectionLost(DisconnectReason),
    /// An accepted publish will not be delivered.
    Publish(PublishError),
    /// The broker answered with an error reason code (PUBACK/PUBREC ≥ 0x80).
    Rejected(ReasonCode),
    /// The client was ended.
    Ended,
    /// The WebSocket URL was refused by the browser.
    InvalidUrl(String),
    /// Session persistence failed: IndexedDB is unavailable, or the stored session cannot be
    /// read (the text says which).
    Storage(&'static str),
}

impl ClientError {
    /// A stable code for programs: `ERR_USAGE`, `ERR_REFUSED`, `ERR_CONNECTION_LOST`,
    /// `ERR_PUBLISH_FAILED`, `ERR_REJECTED`, `ERR_ENDED`, `ERR_INVALID_URL`, `ERR_STORAGE`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Usage(_) => "ERR_USAGE",
            Self::Refused(_) => "ERR_REFUSED",
            Self::ConnectionLost(_) => CONNECTION_LOST,
            Self::Publish(_) => "ERR_PUBLISH_FAILED",
            Self::Rejected(_) => "ERR_REJECTED",
            Self::Ended => "ERR_ENDED",
            Self::InvalidUrl(_) => "ERR_INVALID_URL",
            Self::Storage(_) => "ERR_STORAGE",
        }
    }

    /// The broker's reason code when it gave one, or the code the client closed
    /// with when the broker broke the protocol.
    pub fn reason_code(&self) -> Option<ReasonCode> {
        match self {
            Self::Refused(r) | Self::Rejected(r) => Some(*r),
            Self::ConnectionLost(why) => Self::lost_reason_code(why),
            _ => None,
        }
    }

    /// [`ClientError::reason_code`] of `ConnectionLost(why)`.
    pub(crate) fn lost_reason_code(why: &DisconnectReason) -> Option<ReasonCode> {
        match why {
            DisconnectReason::ServerDisconnect { reason, .. }
            | DisconnectReason::Refused { reason, .. } => Some(*reason),
            // The code the client sent (5.0) when the server broke the protocol.
            DisconnectReason::ProtocolViolation(v) => Some(v.reason_code()),
            _ => None,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(e) => write!(f, "{e}"),
            Self::Refused(r) => write!(f, "connection refused: {} ({:#04x})", r.name(), r.0),
            Self::ConnectionLost(why) => write!(f, "connection lost: {why:?}"),
            Self::Publish(e) => write!(f, "publish failed: {e}"),
            Self::Rejected(r) => write!(f, "rejected by the broker: {} ({:#04x})", r.name(), r.0),
            Self::Ended => f.write_str("the client has ended"),
            Self::InvalidUrl(u) => write!(f, "invalid WebSocket URL: {u}"),
            Self::Storage(why) => write!(f, "session storage: {why}"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<UsageError> for ClientError {
    fn from(e: UsageError) -> Self {
        Self::Usage(e)
    }
}
