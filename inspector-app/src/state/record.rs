//! One packet seen on the wire, as the session's trace reports it.

use bytes::Bytes;
use mqtt_proto::{DecodeError, Packet};

pub use mqtt_proto::session::Direction;

/// The other direction.
pub fn opposite(d: Direction) -> Direction {
    match d {
        Direction::Sent => Direction::Received,
        Direction::Received => Direction::Sent,
    }
}

/// A packet with its time, direction, decoded form and raw bytes; or received bytes that did
/// not decode, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketRecord {
    /// Position in the connection's trace (0, 1, 2, ...); links views to the packet view.
    pub seq: u64,
    /// The caller's clock, in milliseconds.
    pub at_ms: u64,
    /// Which way it went.
    pub direction: Direction,
    /// The decoded packet, or why the received bytes are not one (the frame that made the client
    /// close the connection).
    pub packet: Result<Packet, DecodeError>,
    /// The bytes on the wire (a zero-copy slice of what was received or sent).
    pub raw: Bytes,
}

impl PacketRecord {
    /// Upper-case packet name (`PUBLISH`, `PUBACK`, ...), `MALFORMED` for bytes that did not
    /// decode.
    pub fn name(&self) -> &'static str {
        match &self.packet {
            Ok(packet) => packet_name(packet),
            Err(_) => "MALFORMED",
        }
    }

    /// Bytes this record keeps alive, for the memory budget.
    pub fn footprint(&self) -> usize {
        self.raw.len() + 96
    }
}

/// Upper-case packet name (`PUBLISH`, `PUBACK`, ...).
pub fn packet_name(packet: &Packet) -> &'static str {
    use mqtt_proto::PacketType as T;
    match packet.packet_type() {
        T::Connect => "CONNECT",
        T::ConnAck => "CONNACK",
        T::Publish => "PUBLISH",
        T::PubAck => "PUBACK",
        T::PubRec => "PUBREC",
        T::PubRel => "PUBREL",
        T::PubComp => "PUBCOMP",
        T::Subscribe => "SUBSCRIBE",
        T::SubAck => "SUBACK",
        T::Unsubscribe => "UNSUBSCRIBE",
        T::UnsubAck => "UNSUBACK",
        T::PingReq => "PINGREQ",
        T::PingResp => "PINGRESP",
        T::Disconnect => "DISCONNECT",
        T::Auth => "AUTH",
    }
}
