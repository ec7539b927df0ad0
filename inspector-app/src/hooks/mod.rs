//! Hooks that own live resources and expose domain methods to components.

pub mod use_connection;

pub use use_connection::{use_connection, ConnectionHandle};
