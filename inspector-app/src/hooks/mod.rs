//! Hooks that own live resources (the client, `localStorage`) and expose
//! domain methods to components.

pub mod use_connection;
pub mod use_profiles;

pub use use_connection::{use_connection, ConnectionHandle};
pub use use_profiles::{use_profiles, ProfilesHandle};
