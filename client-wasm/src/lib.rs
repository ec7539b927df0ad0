//! MQTT 3.1.1 and 5.0 over browser WebSockets.
//!
//! The protocol lives in [`mqtt_proto`]'s sans-IO [`Session`](mqtt_proto::session::Session);
//! this crate only moves bytes and timers for it:
//! - [`transport`] owns the WebSocket (subprotocol `mqtt`) and its closures;
//! - [`timer`] owns one `setTimeout` and reads `performance.now()`;
//! - the driver pumps the session's drain and completes calls;
//! - `incoming` leaves large received payloads in JavaScript memory for the npm package;
//! - an IndexedDB store persists the session on request (`Client::connect_persistent`;
//!   feature `persistence`, on by default);
//! - [`Client`] is the async Rust API for Yew apps (works in a page and in a Web Worker).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod client;
mod driver;
mod error;
mod hints;
mod incoming;
#[cfg(feature = "js-api")]
mod js;
#[cfg(feature = "persistence")]
mod store;
pub mod timer;
pub mod transport;

pub use client::{Client, ConnectOutcome, ListenerId};
pub use error::ClientError;
pub use mqtt_proto;
pub use transport::{TransportError, TransportEvent, WsTransport, SUBPROTOCOL};
