//! The MQTT inspector's code, as a library so its pure state is testable natively.
//!
//! - [`state`]: pure reducers (no live resources, no JS), tested natively.
//! - [`hooks`]: hooks that own live resources (the WebSocket) and expose domain methods.
//! - [`components`]: one component per file, rendering state.
//! - [`view`]: pure formatting (payload views, hex, diffs), tested natively.
#![forbid(unsafe_code)]

pub mod app;
pub mod components;
pub mod hooks;
pub mod state;
pub mod view;
