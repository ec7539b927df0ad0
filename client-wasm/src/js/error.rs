//! [`ClientError`] → a JS `Error` with a stable `code`, a `reasonCode` when the
//! broker gave one, and a message.
//!
//! The messages are static texts chosen here rather than the errors' `Display`:
//! `Display` pulls `core::fmt` and every nested `Debug`/`Display` impl and rule
//! text into the wasm (measured: 28 KB raw, 12 KB gzipped of a ~100 KB module).

use mqtt_proto::session::{DisconnectReason, ProtocolViolation, PublishError, UsageError};
use mqtt_proto::ReasonCode;
use wasm_bindgen::JsValue;

use crate::error::CONNECTION_LOST;
use crate::ClientError;

/// A JS `Error` with `code` (and `reasonCode`); index.js re-throws it as `MqttError`.
pub(crate) fn error(code: &str, message: &str, reason: Option<ReasonCode>) -> JsValue {
    let e = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(&e, &"code".into(), &code.into());
    if let Some(r) = reason {
        let _ = js_sys::Reflect::set(&e, &"reasonCode".into(), &r.0.into());
    }
    e.into()
}

pub(crate) fn client_error(e: &ClientError) -> JsValue {
    error(e.code(), &message(e), e.reason_code())
}

/// [`client_error`] of `ClientError::ConnectionLost(why)`, without building it (the reason
/// would be copied).
pub(crate) fn connection_lost(why: &DisconnectReason) -> JsValue {
    let (code, message, rc) = lost_parts(why);
    error(code, &message, rc)
}

/// The code, message and reason code of `ClientError::ConnectionLost(why)`.
pub(crate) fn lost_parts(why: &DisconnectReason) -> (&'static str, String, Option<ReasonCode>) {
    let rc = ClientError::lost_reason_code(why);
    (CONNECTION_LOST, with_code(lost(why), rc), rc)
}

/// `ERR_INVALID_ARGUMENT`: the binding refused an argument before calling the client.
pub(crate) fn invalid(what: &str) -> JsValue {
    error("ERR_INVALID_ARGUMENT", &["invalid ", what].concat(), None)
}

/// The message of `e`, with the reason code in hex when there is one.
pub(crate) fn message(e: &ClientError) -> String {
    let text: &str = match e {
        ClientError::Usage(u) => return usage(u),
        ClientError::Refused(_) => "connection refused by the broker",
        ClientError::ConnectionLost(why) => lost(why),
        ClientError::Publish(p) => match p {
            PublishError::Expired => "the message expired before it was sent",
            PublishError::Dropped => "dropped from the full offline queue",
            PublishError::SessionLost => "the broker lost the session",
            PublishError::SessionEnded => "the session ended before the message was acknowledged",
            PublishError::PacketTooLarge { .. } => "larger than the broker's maximum packet size",
            PublishError::NotSupported => "QoS or retain not supported by the broker",
            _ => "publish failed",
        },
        ClientError::Rejected(_) => "rejected by the broker",
        ClientError::Ended => "the client has ended",
        ClientError::InvalidUrl(url) => return ["invalid WebSocket URL: ", url].concat(),
        ClientError::Storage(why) => why,
    };
    with_code(text, e.reason_code())
}

/// `text`, with the reason code in hex when there is one.
fn with_code(text: &str, rc: Option<ReasonCode>) -> String {
    let mut s = String::from(text);
    if let Some(r) = rc {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        s.push_str(" (0x");
        s.push(char::from(HEX[usize::from(r.0 >> 4)]));
        s.push(char::from(HEX[usize::from(r.0 & 15)]));
        s.push(')');
    }
    s
}

fn usage(u: &UsageError) -> String {
    let text = match u {
        UsageError::NotConnected => "the session is not started",
        UsageError::QueueFull => "the offline queue is full",
        UsageError::PacketTooLarge { .. } => "the packet exceeds the maximum packet size",
        UsageError::InvalidTopic => "invalid topic name",
        UsageError::InvalidTopicFilter => "invalid or empty topic filter list",
        UsageError::QoSNotSupported { .. } => "the broker does not support this QoS",
        UsageError::RetainNotSupported => "the broker does not support retain",
        UsageError::PacketIdsExhausted => "all packet identifiers are in use",
        UsageError::InvalidConfig(why) => return ["invalid configuration: ", why].concat(),
        UsageError::NotInVersion(what) => return [what, " requires MQTT 5.0"].concat(),
        UsageError::Encode(_) => {
            "cannot encode the packet (a property not allowed there, or an invalid value)"
        }
        UsageError::NoAuthInProgress => "no authentication exchange in progress",
        _ => "invalid request",
    };
    text.into()
}

fn lost(why: &DisconnectReason) -> &'static str {
    match why {
        DisconnectReason::ServerDisconnect { .. } => "the broker sent DISCONNECT",
        DisconnectReason::ProtocolViolation(ProtocolViolation::Unexpected { what, .. }) => what,
        DisconnectReason::ProtocolViolation(_) => "the broker sent a malformed packet",
        DisconnectReason::KeepAliveTimeout => "keep-alive timeout: the broker stopped answering",
        DisconnectReason::TransportClosed => "the WebSocket closed",
        DisconnectReason::ConnectTimeout => "no CONNACK within the connect timeout",
        DisconnectReason::Refused { .. } => "connection refused by the broker",
        DisconnectReason::Local => "the client disconnected",
        DisconnectReason::Aborted => "the client closed the connection without DISCONNECT",
        _ => "connection lost",
    }
}
