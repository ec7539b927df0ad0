//! UNSUBSCRIBE (section 3.10): removes subscriptions. Fixed header flags are 0b0010
//! [MQTT-3.10.1-1].

use alloc::vec::Vec;

use bytes::{BufMut, BytesMut};

use super::{properties_len, read_packet_id, PacketType};
use crate::error::{DecodeError, EncodeError};
use crate::properties::{Context, Properties};
use crate::topic::TopicFilter;
use crate::types::{PacketId, ProtocolVersion};
use crate::wire::{self, Reader};

/// UNSUBSCRIBE: asks the server to remove subscriptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsubscribe {
    /// Packet identifier.
    pub packet_id: PacketId,
    /// The topic filters to remove (at least one [MQTT-3.10.3-2]).
    pub filters: Vec<TopicFilter>,
    /// UNSUBSCRIBE properties (5.0): User Properties.
    pub properties: Properties,
}

impl Unsubscribe {
    /// An UNSUBSCRIBE for `filters` without properties.
    pub fn new(packet_id: PacketId, filters: Vec<TopicFilter>) -> Self {
        Self {
            packet_id,
            filters,
            properties: Properties::default(),
        }
    }

    pub(super) fn body_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        if self.filters.is_empty() {
            return Err(EncodeError::InvalidField {
                field: "UNSUBSCRIBE without topic filters",
                rule: "MQTT-3.10.3-2",
            });
        }
        let props = properties_len(
            &self.properties,
            Context::Packet(PacketType::Unsubscribe),
            v,
        )?;
        let filters: usize = self
            .filters
            .iter()
            .map(|f| wire::string_len(f.as_mqtt_str()))
            .sum();
        Ok(2 + props + filters)
    }

    pub(super) fn write_body(&self, v: ProtocolVersion, buf: &mut BytesMut) {
        buf.put_u16(self.packet_id.get());
        if v.is_v5() {
            self.properties.write(buf);
        }
        for filter in &self.filters {
            wire::write_string(buf, filter.as_mqtt_str());
        }
    }

    pub(super) fn decode_body(v: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r)?;
        let properties = if v.is_v5() {
            Properties::read(r, Context::Packet(PacketType::Unsubscribe))?
        } else {
            Properties::default()
        };
        let mut filters = Vec::new();
        while !r.is_empty() {
            filters.push(r.read_topic_filter()?);
        }
        if filters.is_empty() {
            return Err(DecodeError::NoTopicFilters {
                packet_type: PacketType::Unsubscribe,
            });
        }
        Ok(Self {
            packet_id,
            filters,
            properties,
        })
    }
}
