//! Pure application state: reducers that take actions and return new state.

pub mod connection;

pub use connection::{ConnectionAction, ConnectionState, LinkStatus, TraceEntry};
