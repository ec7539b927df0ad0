//! UI components, one per file.

pub mod connect_form;
pub mod packet_list;

pub use connect_form::ConnectForm;
pub use packet_list::PacketList;
