//! Pure application state: plain data and functions that apply what happened
//! (packets, user actions) to it. No JS, no live resources; tested natively.

pub mod connections;
pub mod flows;
pub mod forms;
pub mod layout;
pub mod model;
pub mod pasted;
pub mod profile;
pub mod profiles;
pub mod record;
pub mod store;
pub mod topics;

pub use connections::{Connections, ConnectionsAction};
pub use flows::{Flow, FlowState, Flows, Leg};
pub use forms::{PublishSpec, SubscribeSpec};
pub use model::{
    ConnectionModel, LinkStatus, MessageRecord, Stage, SubscriptionRow, TimelineEntry,
};
pub use profile::Profile;
pub use record::{Direction, PacketRecord};
pub use store::{Action, Store};
pub use topics::{Sample, TopicNode, TopicStats, TopicTree};
