//! Pure application state: plain data and functions that apply what happened
//! (packets, user actions) to it. No JS, no live resources; tested natively.

pub mod connection;
pub mod flows;
pub mod record;
pub mod topics;

pub use connection::{ConnectionAction, ConnectionState, LinkStatus, TraceEntry};
pub use flows::{Flow, FlowState, Flows, Leg};
pub use record::{Direction, PacketRecord};
pub use topics::{Sample, TopicNode, TopicStats, TopicTree};
