//! MQTT 3.1.1 and 5.0 over browser WebSockets.
//!
//! This crate only moves bytes and timers: the protocol lives in
//! [`mqtt_proto`]'s sans-IO session. [`transport`] owns the WebSocket and its
//! closures, [`timer`] owns one `setTimeout` and reads `performance.now()`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod timer;
pub mod transport;

pub use transport::{TransportError, TransportEvent, WsTransport, SUBPROTOCOL};
