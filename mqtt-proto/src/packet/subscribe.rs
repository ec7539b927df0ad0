//! SUBSCRIBE (section 3.8): subscription request. Fixed header flags are 0b0010 [MQTT-3.8.1-1].

use alloc::vec::Vec;

use bytes::{BufMut, BytesMut};

use super::{properties_len, read_packet_id, PacketType};
use crate::error::{DecodeError, EncodeError};
use crate::properties::{Context, Properties};
use crate::topic::TopicFilter;
use crate::types::{PacketId, ProtocolVersion, QoS};
use crate::wire::{self, Reader};

/// SUBSCRIBE: asks the server for the messages matching some topic filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscribe {
    /// Packet identifier.
    pub packet_id: PacketId,
    /// Topic filters with their options; at least one [MQTT-3.8.3-2].
    pub filters: Vec<(TopicFilter, SubscriptionOptions)>,
    /// SUBSCRIBE properties (5.0): Subscription Identifier, User Properties.
    pub properties: Properties,
}

/// The Subscription Options byte (section 3.8.3.1). In 3.1.1 only `qos` exists; the other fields
/// must keep their default values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SubscriptionOptions {
    /// Maximum QoS.
    pub qos: QoS,
    /// No Local (5.0): do not receive own messages. Not allowed on shared subscriptions.
    pub no_local: bool,
    /// Retain As Published (5.0).
    pub retain_as_published: bool,
    /// Retain Handling (5.0).
    pub retain_handling: RetainHandling,
}

/// When the server sends retained messages for a new subscription (5.0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RetainHandling {
    /// 0: send retained messages at the time of the subscribe.
    #[default]
    SendAtSubscribe = 0,
    /// 1: send them only if the subscription did not exist.
    SendIfNew = 1,
    /// 2: do not send them.
    DoNotSend = 2,
}

impl SubscriptionOptions {
    /// Options with the given QoS and defaults otherwise.
    pub fn new(qos: QoS) -> Self {
        Self {
            qos,
            ..Self::default()
        }
    }

    fn to_byte(self) -> u8 {
        self.qos.as_u8()
            | (u8::from(self.no_local) << 2)
            | (u8::from(self.retain_as_published) << 3)
            | ((self.retain_handling as u8) << 4)
    }

    fn from_byte(v: ProtocolVersion, b: u8) -> Result<Self, DecodeError> {
        if !v.is_v5() {
            return match QoS::from_u8(b) {
                Some(qos) => Ok(Self::new(qos)),
                None => Err(DecodeError::SubscriptionOptionsReserved {
                    rule: "MQTT-3-8.3-4",
                }),
            };
        }
        if b & 0xC0 != 0 {
            return Err(DecodeError::SubscriptionOptionsReserved {
                rule: "MQTT-3.8.3-5",
            });
        }
        let qos = QoS::from_u8(b & 0x03).ok_or(DecodeError::InvalidSubscriptionQoS)?;
        let retain_handling = match (b >> 4) & 0x03 {
            0 => RetainHandling::SendAtSubscribe,
            1 => RetainHandling::SendIfNew,
            2 => RetainHandling::DoNotSend,
            _ => return Err(DecodeError::InvalidRetainHandling),
        };
        Ok(Self {
            qos,
            no_local: b & 0x04 != 0,
            retain_as_published: b & 0x08 != 0,
            retain_handling,
        })
    }
}

impl Subscribe {
    /// A SUBSCRIBE for `filters` without properties.
    pub fn new(packet_id: PacketId, filters: Vec<(TopicFilter, SubscriptionOptions)>) -> Self {
        Self {
            packet_id,
            filters,
            properties: Properties::default(),
        }
    }

    /// [`Packet::encode_with_limit`](super::Packet::encode_with_limit) for a SUBSCRIBE: its own
    /// function, so that validating, sizing and writing are inlined together.
    pub(super) fn encode(
        &self,
        v: ProtocolVersion,
        max_packet_size: u32,
        buf: &mut BytesMut,
    ) -> Result<usize, EncodeError> {
        let body = self.body_len(v)?;
        let first = ((PacketType::Subscribe as u8) << 4) | 0b0010;
        super::write_frame(first, body, max_packet_size, buf, |buf| {
            self.write_body(v, body, buf)
        })
    }

    #[inline]
    pub(super) fn body_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        if self.filters.is_empty() {
            return Err(EncodeError::InvalidField {
                field: "SUBSCRIBE without topic filters",
                rule: "MQTT-3.8.3-2",
            });
        }
        let mut len = 2;
        len += properties_len(&self.properties, Context::Packet(PacketType::Subscribe), v)?;
        let v5 = v.is_v5();
        for (filter, options) in &self.filters {
            // Only the QoS bits set: every other option at its default (3.1.1 has only QoS).
            if !v5 && options.to_byte() & !0x03 != 0 {
                return Err(EncodeError::NotInVersion {
                    field: "subscription options other than QoS",
                    version: v,
                });
            }
            if options.no_local && filter.is_shared() {
                return Err(EncodeError::InvalidField {
                    field: "No Local on a shared subscription",
                    rule: "MQTT-3.8.3-4",
                });
            }
            len += wire::string_len(filter.as_mqtt_str()) + 1;
        }
        Ok(len)
    }

    #[inline]
    /// Writes the `body` bytes ([`Subscribe::body_len`]) after the fixed header.
    pub(super) fn write_body(&self, v: ProtocolVersion, body: usize, buf: &mut BytesMut) {
        let start = buf.len();
        buf.put_u16(self.packet_id.get());
        if v.is_v5() {
            self.properties.write(buf);
        }
        // The filters through one writer: no `memcpy` call per filter.
        let mut w = wire::append(buf, (start + body).saturating_sub(buf.len()));
        for (filter, options) in &self.filters {
            w.put_string(filter.as_mqtt_str());
            w.put(&[options.to_byte()]);
        }
        debug_assert_eq!(w.remaining(), 0, "body_len disagrees with write_body");
    }

    pub(super) fn decode_body(v: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r)?;
        let properties = if v.is_v5() {
            Properties::read(r, Context::Packet(PacketType::Subscribe))?
        } else {
            Properties::default()
        };
        let mut filters = Vec::with_capacity(count_entries(r.peek_rest()));
        while !r.is_empty() {
            let filter = r.read_topic_filter()?;
            let options = SubscriptionOptions::from_byte(v, r.read_u8()?)?;
            if options.no_local && filter.is_shared() {
                return Err(DecodeError::NoLocalOnSharedSubscription);
            }
            filters.push((filter, options));
        }
        if filters.is_empty() {
            return Err(DecodeError::NoTopicFilters {
                packet_type: PacketType::Subscribe,
            });
        }
        Ok(Self {
            packet_id,
            filters,
            properties,
        })
    }
}

/// The number of (string, options byte) entries in a SUBSCRIBE payload, to allocate the filter
/// list once: follows the length prefixes only (validation is `decode_body`'s), stopping at the
/// first entry that does not fit.
fn count_entries(mut payload: &[u8]) -> usize {
    let mut n = 0;
    while let [hi, lo, rest @ ..] = payload {
        let entry = usize::from(u16::from_be_bytes([*hi, *lo])) + 1;
        let Some(next) = rest.get(entry..) else {
            break;
        };
        payload = next;
        n += 1;
    }
    n
}
