//! [`Snapshot`]: the persistent part of a session.

use alloc::vec::Vec;
use core::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::DecodeError;
use crate::packet::{Packet, Publish};
use crate::string::MqttString;
use crate::types::{PacketId, ProtocolVersion, QoS};

use super::inflight::OutgoingState;

/// The part of a [`Session`](super::Session) that must outlive the program (a page
/// reload, a crash) so that a persistent session resumes without losing or duplicating messages.
///
/// A snapshot holds what the client owes or has promised:
///
/// * the QoS 1/2 publishes sent and not yet acknowledged, with their packet identifiers and
///   states, in order of first transmission (resent with DUP, or as PUBREL, when the server
///   resumes the session [MQTT-4.4.0-1]; sent again as new messages when it does not);
/// * the offline queue, in order;
/// * the packet identifiers of incoming QoS 2 messages already delivered and waiting for PUBREL
///   (so that the server's retransmission after a reload is not delivered twice);
/// * the client identifier (the server may have assigned it).
///
/// Subscriptions are not in it: the application subscribes again when it starts, and the server
/// keeps them in its session.
///
/// [`Snapshot::to_bytes`] / [`Snapshot::from_bytes`] give a compact, versioned byte form in which
/// every message is stored as the MQTT 5.0 PUBLISH packet this crate's codec writes and reads back.
///
/// ```
/// use mqtt_proto::session::{PublishRequest, Session, SessionConfig, Snapshot};
/// use mqtt_proto::time::Instant;
/// use mqtt_proto::{ProtocolVersion, QoS, Topic};
///
/// let mut config = SessionConfig::new(ProtocolVersion::V5, "sensor-1");
/// config.clean_start = false;
/// let mut session = Session::new(config.clone()).unwrap();
/// session.connect(Instant::ZERO);
/// // Not connected yet: the publish waits in the offline queue.
/// session
///     .publish(Instant::ZERO, PublishRequest::new(Topic::new("a/b").unwrap(), "on", QoS::AtLeastOnce))
///     .unwrap();
/// let stored = session.snapshot(Instant::ZERO).to_bytes();
///
/// // After a restart: the same configuration, the stored bytes, then connect.
/// let mut resumed = Session::new(config).unwrap();
/// resumed.restore(Instant::ZERO, Snapshot::from_bytes(&stored).unwrap()).unwrap();
/// assert_eq!(resumed.queued_len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The client identifier in use (assigned by the server if the configured one was empty).
    pub client_id: MqttString,
    /// QoS 1/2 publishes sent and not acknowledged, oldest first.
    pub inflight: Vec<StoredPublish>,
    /// Publishes not sent yet, in sending order. They carry no packet identifier.
    pub queued: Vec<Publish>,
    /// Incoming QoS 2 messages delivered and waiting for PUBREL.
    pub incoming_qos2: Vec<PacketId>,
}

/// An unacknowledged outgoing publish in a [`Snapshot`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPublish {
    /// The packet identifier it was sent with.
    pub packet_id: PacketId,
    /// Where its exchange stands.
    pub state: OutgoingState,
    /// The message as requested (full topic, no packet identifier, no DUP, no alias). A Message
    /// Expiry Interval holds what remained when the snapshot was taken.
    pub publish: Publish,
}

/// Why stored bytes are not a [`Snapshot`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The bytes do not start with this format's magic and version (another program's data, or a
    /// newer format).
    UnknownFormat,
    /// The bytes end inside a record.
    Truncated,
    /// A record has an unknown tag, state or field value.
    Invalid(&'static str),
    /// A stored PUBLISH does not decode.
    Packet(DecodeError),
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownFormat => f.write_str("not a session snapshot (unknown format)"),
            Self::Truncated => f.write_str("session snapshot truncated"),
            Self::Invalid(what) => write!(f, "invalid session snapshot: {what}"),
            Self::Packet(e) => write!(f, "invalid PUBLISH in session snapshot: {e}"),
        }
    }
}

impl core::error::Error for SnapshotError {}

/// Magic and format version.
const MAGIC: &[u8; 5] = b"MQSS\x01";
const TAG_CLIENT_ID: u8 = 1;
const TAG_INFLIGHT: u8 = 2;
const TAG_QUEUED: u8 = 3;
const TAG_INCOMING_QOS2: u8 = 4;
/// Stands in for the packet identifier that a queued QoS 1/2 message does not have yet (a QoS > 0
/// PUBLISH cannot be encoded without one); removed again on reading.
const QUEUED_ID: PacketId = match PacketId::new(u16::MAX) {
    Some(id) => id,
    None => unreachable!(),
};

impl Snapshot {
    /// Whether there is nothing to resume (no message owed, no QoS 2 exchange open).
    pub fn is_empty(&self) -> bool {
        self.inflight.is_empty() && self.queued.is_empty() && self.incoming_qos2.is_empty()
    }

    /// The byte form: `MQSS 0x01`, then records `tag u8, length u32 (big endian), body`. Messages
    /// are stored as MQTT 5.0 PUBLISH packets.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = BytesMut::new();
        out.put_slice(MAGIC);
        record(&mut out, TAG_CLIENT_ID, |b| {
            b.put_slice(self.client_id.as_str().as_bytes());
            true
        });
        for entry in &self.inflight {
            let mut p = entry.publish.clone();
            p.packet_id = Some(entry.packet_id);
            p.dup = false;
            record(&mut out, TAG_INFLIGHT, |b| {
                b.put_u8(state_byte(entry.state));
                put_publish(b, p)
            });
        }
        for publish in &self.queued {
            let mut p = publish.clone();
            p.packet_id = (p.qos != QoS::AtMostOnce).then_some(QUEUED_ID);
            p.dup = false;
            record(&mut out, TAG_QUEUED, |b| put_publish(b, p));
        }
        for id in &self.incoming_qos2 {
            record(&mut out, TAG_INCOMING_QOS2, |b| {
                b.put_u16(id.get());
                true
            });
        }
        out.to_vec()
    }

    /// Reads [`Snapshot::to_bytes`]'s form back. Stored messages are zero-copy slices of one copy
    /// of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SnapshotError> {
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or(SnapshotError::UnknownFormat)?;
        let mut data = Bytes::copy_from_slice(rest);
        let mut snapshot = Snapshot::default();
        while !data.is_empty() {
            let (&tag, after) = data.split_first().ok_or(SnapshotError::Truncated)?;
            let len = after
                .get(..4)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_be_bytes)
                .ok_or(SnapshotError::Truncated)? as usize;
            if data.len() < 5 + len {
                return Err(SnapshotError::Truncated);
            }
            let body = data.slice(5..5 + len);
            data = data.slice(5 + len..);
            match tag {
                TAG_CLIENT_ID => {
                    snapshot.client_id = MqttString::try_from(body)
                        .map_err(|_| SnapshotError::Invalid("client identifier"))?;
                }
                TAG_INFLIGHT => {
                    let (&state, frame) = body.split_first().ok_or(SnapshotError::Truncated)?;
                    let state = match state {
                        0 => OutgoingState::AwaitingPubAck,
                        1 => OutgoingState::AwaitingPubRec,
                        2 => OutgoingState::AwaitingPubComp,
                        _ => return Err(SnapshotError::Invalid("outgoing state")),
                    };
                    let frame = body.slice(body.len() - frame.len()..);
                    let mut publish = read_publish(frame)?;
                    let packet_id = publish
                        .packet_id
                        .take()
                        .ok_or(SnapshotError::Invalid("QoS 0 message in flight"))?;
                    let expected_qos = if state == OutgoingState::AwaitingPubAck {
                        QoS::AtLeastOnce
                    } else {
                        QoS::ExactlyOnce
                    };
                    if publish.qos != expected_qos {
                        return Err(SnapshotError::Invalid("QoS does not match the state"));
                    }
                    snapshot.inflight.push(StoredPublish {
                        packet_id,
                        state,
                        publish,
                    });
                }
                TAG_QUEUED => {
                    let mut publish = read_publish(body)?;
                    publish.packet_id = None;
                    snapshot.queued.push(publish);
                }
                TAG_INCOMING_QOS2 => {
                    let id = <[u8; 2]>::try_from(body.as_ref())
                        .ok()
                        .and_then(|b| PacketId::new(u16::from_be_bytes(b)))
                        .ok_or(SnapshotError::Invalid("packet identifier"))?;
                    snapshot.incoming_qos2.push(id);
                }
                _ => return Err(SnapshotError::Invalid("record tag")),
            }
        }
        Ok(snapshot)
    }
}

fn state_byte(state: OutgoingState) -> u8 {
    match state {
        OutgoingState::AwaitingPubAck => 0,
        OutgoingState::AwaitingPubRec => 1,
        OutgoingState::AwaitingPubComp => 2,
    }
}

/// Appends a record: tag, body length, body (written by `body`, which returns `false` to leave
/// the record out).
fn record(out: &mut BytesMut, tag: u8, body: impl FnOnce(&mut BytesMut) -> bool) {
    let start = out.len();
    out.put_u8(tag);
    let len_at = out.len();
    out.put_u32(0);
    if !body(out) {
        out.truncate(start);
        return;
    }
    let len = u32::try_from(out.len() - len_at - 4).unwrap_or(u32::MAX);
    if let Some(slot) = out.get_mut(len_at..len_at + 4) {
        slot.copy_from_slice(&len.to_be_bytes());
    }
}

/// Writes `publish` as a 5.0 PUBLISH. A message the session accepted was validated for its own
/// version and size, so this does not fail in practice; if it did, the record is left out rather
/// than making the whole snapshot unreadable.
fn put_publish(out: &mut BytesMut, publish: Publish) -> bool {
    Packet::Publish(publish)
        .encode_from_client(ProtocolVersion::V5, u32::MAX, out)
        .is_ok()
}

/// Reads a record written by [`put_publish`]. (PUBLISH flows both ways; the client's decoder reads
/// it, so that the session links no other.)
fn read_publish(frame: Bytes) -> Result<Publish, SnapshotError> {
    match Packet::decode_from_server(ProtocolVersion::V5, frame).map_err(SnapshotError::Packet)? {
        Packet::Publish(p) => Ok(p),
        _ => Err(SnapshotError::Invalid("record is not a PUBLISH")),
    }
}
