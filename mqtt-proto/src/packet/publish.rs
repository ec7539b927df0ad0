//! PUBLISH (section 3.3): an application message.

use bytes::{BufMut, Bytes, BytesMut};

use super::{properties_len, read_packet_id, PacketType};
use crate::error::{DecodeError, EncodeError};
use crate::properties::{Context, Properties};
use crate::topic::{Topic, TopicError};
use crate::types::{PacketId, ProtocolVersion, QoS};
use crate::wire::{self, varint_len, Reader};

/// PUBLISH: carries an application message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publish {
    /// DUP: this may be a re-delivery. Must be `false` for QoS 0 [MQTT-3.3.1-2].
    pub dup: bool,
    /// QoS of the message.
    pub qos: QoS,
    /// RETAIN.
    pub retain: bool,
    /// The topic name. `None` encodes an empty topic name, which MQTT 5.0 allows only together
    /// with a Topic Alias property (section 3.3.2.3.4); 3.1.1 never allows it.
    pub topic: Option<Topic>,
    /// Packet identifier: present if and only if `qos` is 1 or 2.
    pub packet_id: Option<PacketId>,
    /// PUBLISH properties (5.0).
    pub properties: Properties,
    /// The payload (zero-copy slice of the received frame when decoded).
    pub payload: Bytes,
}

impl Publish {
    /// A QoS 0, non-retained message without properties.
    pub fn new(topic: Topic, payload: Bytes) -> Self {
        Self {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: Some(topic),
            packet_id: None,
            properties: Properties::default(),
            payload,
        }
    }

    pub(super) fn flags(&self) -> u8 {
        (u8::from(self.dup) << 3) | (self.qos.as_u8() << 1) | u8::from(self.retain)
    }

    /// [`Packet::encode_with_limit`](super::Packet::encode_with_limit) for a PUBLISH.
    pub(super) fn encode(
        &self,
        v: ProtocolVersion,
        max_packet_size: u32,
        buf: &mut BytesMut,
    ) -> Result<usize, EncodeError> {
        let (body, props) = self.sizes(v)?;
        let first = ((PacketType::Publish as u8) << 4) | self.flags();
        super::write_frame(first, body, max_packet_size, buf, |buf| {
            self.write_fields(v, buf, |buf| self.properties.write_with_len(props, buf));
        })
    }

    #[inline]
    pub(super) fn body_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        self.sizes(v).map(|(body, _)| body)
    }

    /// Validates the packet; returns the remaining length and the size of the properties
    /// without their length prefix (5.0; 0 before), so that writing does not size them again.
    #[inline]
    fn sizes(&self, v: ProtocolVersion) -> Result<(usize, usize), EncodeError> {
        if self.packet_id.is_some() != (self.qos != QoS::AtMostOnce) {
            return Err(EncodeError::InvalidField {
                field: "packet identifier (present if and only if QoS > 0)",
                rule: "MQTT-2.2.1-2",
            });
        }
        if self.dup && self.qos == QoS::AtMostOnce {
            return Err(EncodeError::InvalidField {
                field: "DUP flag on a QoS 0 message",
                rule: "MQTT-3.3.1-2",
            });
        }
        let topic_len = match &self.topic {
            Some(t) => wire::string_len(t.as_mqtt_str()),
            None if v.is_v5() && self.properties.topic_alias.is_some() => 2,
            None => {
                return Err(EncodeError::InvalidField {
                    field: "empty topic name without a Topic Alias",
                    rule: if v.is_v5() {
                        "MQTT 3.3.2.3.4"
                    } else {
                        "MQTT-4.7.3-1"
                    },
                })
            }
        };
        let id_len = if self.packet_id.is_some() { 2 } else { 0 };
        let ctx = Context::Packet(PacketType::Publish);
        let (props_wire, props) = if v.is_v5() {
            let props = self.properties.content_len(ctx)?;
            // `content_len` checked that `props` fits a Variable Byte Integer.
            (varint_len(props as u32) + props, props)
        } else {
            (properties_len(&self.properties, ctx, v)?, 0)
        };
        Ok((topic_len + id_len + props_wire + self.payload.len(), props))
    }

    /// Writes the body, the properties (5.0) with `write_properties`.
    #[inline(always)]
    fn write_fields(
        &self,
        v: ProtocolVersion,
        buf: &mut BytesMut,
        write_properties: impl FnOnce(&mut BytesMut),
    ) {
        match &self.topic {
            Some(t) => wire::write_string(buf, t.as_mqtt_str()),
            None => buf.put_u16(0),
        }
        if let Some(id) = self.packet_id {
            buf.put_u16(id.get());
        }
        if v.is_v5() {
            write_properties(buf);
        }
        buf.put_slice(&self.payload);
    }

    // Inlined into `Packet::decode`: the packet is then built in place, where a returned
    // `Result<Publish, _>` was copied in misaligned pieces (store-forwarding stalls in the
    // profile of every PUBLISH decode).
    #[inline(always)]
    pub(super) fn decode_body(
        v: ProtocolVersion,
        flags: u8,
        r: &mut Reader,
    ) -> Result<Self, DecodeError> {
        let qos = QoS::from_u8((flags >> 1) & 0x03).ok_or(DecodeError::InvalidQoS)?;
        let dup = flags & 0x08 != 0;
        if dup && qos == QoS::AtMostOnce {
            return Err(DecodeError::DupWithQoS0);
        }
        let topic = r.read_string()?;
        let packet_id = if qos == QoS::AtMostOnce {
            None
        } else {
            Some(read_packet_id(r)?)
        };
        let properties = if v.is_v5() {
            Properties::read(r, Context::Packet(PacketType::Publish))?
        } else {
            Properties::default()
        };
        let topic = if topic.is_empty() {
            if !v.is_v5() {
                return Err(DecodeError::InvalidTopicName(TopicError::Empty));
            }
            if properties.topic_alias.is_none() {
                return Err(DecodeError::EmptyTopicWithoutAlias);
            }
            None
        } else {
            Some(Topic::try_from(topic).map_err(DecodeError::InvalidTopicName)?)
        };
        Ok(Self {
            dup,
            qos,
            retain: flags & 0x01 != 0,
            topic,
            packet_id,
            properties,
            payload: r.read_rest(),
        })
    }
}
