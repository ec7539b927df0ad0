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
    ///
    /// Fixed-size parts that follow each other on the wire are written together: the fixed
    /// header with the topic's length prefix, the packet identifier with the Property Length.
    pub(super) fn encode(
        &self,
        v: ProtocolVersion,
        max_packet_size: u32,
        buf: &mut BytesMut,
    ) -> Result<usize, EncodeError> {
        let (body, props) = self.sizes(v)?;
        let total = super::frame_within(body, max_packet_size)?;
        buf.reserve(total);
        let start = buf.len();
        let first = ((PacketType::Publish as u8) << 4) | self.flags();
        let topic: &[u8] = match &self.topic {
            Some(t) => t.as_mqtt_str().as_bytes(),
            None => &[],
        };
        // An `MqttString` is at most 65,535 bytes (checked when it is made): no truncation.
        let [thi, tlo] = (topic.len() as u16).to_be_bytes();
        if body < 0x80 {
            buf.put_slice(&[first, body as u8, thi, tlo]);
        } else if body < 0x4000 {
            buf.put_slice(&[first, (body as u8) | 0x80, (body >> 7) as u8, thi, tlo]);
        } else {
            buf.put_u8(first);
            // `frame_len` checked that `body` fits a Variable Byte Integer.
            wire::write_varint(buf, body as u32);
            buf.put_slice(&[thi, tlo]);
        }
        buf.put_slice(topic);
        let v5 = v.is_v5();
        // `sizes` checked that `props` fits a Variable Byte Integer.
        match (self.packet_id.map(|id| id.get().to_be_bytes()), v5) {
            (Some([a, b]), true) if props < 0x80 => buf.put_slice(&[a, b, props as u8]),
            (Some([a, b]), true) if props < 0x4000 => {
                buf.put_slice(&[a, b, (props as u8) | 0x80, (props >> 7) as u8]);
            }
            (Some([a, b]), true) => {
                buf.put_slice(&[a, b]);
                wire::write_varint(buf, props as u32);
            }
            (Some([a, b]), false) => buf.put_slice(&[a, b]),
            (None, true) if props < 0x80 => buf.put_u8(props as u8),
            (None, true) => wire::write_varint(buf, props as u32),
            (None, false) => {}
        }
        if v5 {
            self.properties.write_publish_entries(props, buf);
        }
        buf.put_slice(&self.payload);
        debug_assert_eq!(buf.len() - start, total, "sizes disagrees with encode");
        Ok(total)
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

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::*;
    use crate::packet::Packet;
    use crate::string::MqttString;

    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    /// Every branch of the merged writes (remaining length and Property Length of 1, 2 and 3
    /// bytes, with and without a packet identifier, empty topic with an alias) decodes back.
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn encode_branches_round_trip() {
        let pair = || (MqttString::from("k"), MqttString::from("v"));
        for v in [ProtocolVersion::V311, ProtocolVersion::V5] {
            for qos in [QoS::AtMostOnce, QoS::AtLeastOnce] {
                for pairs in [0, 5, 30, 3_000] {
                    for payload in [0, 100, 20_000] {
                        for alias in [false, true] {
                            if (pairs > 0 || alias) && !v.is_v5() {
                                continue;
                            }
                            let topic = Topic::new("a/b").expect("a valid topic");
                            let mut p = Publish::new(topic, Bytes::from(vec![7u8; payload]));
                            p.qos = qos;
                            p.packet_id =
                                (qos != QoS::AtMostOnce).then(|| PacketId::new(9)).flatten();
                            if alias {
                                p.topic = None;
                                p.properties.topic_alias = Some(3);
                            }
                            if pairs > 0 {
                                p.properties.user_properties = vec![pair(); pairs];
                            }
                            let packet = Packet::Publish(p);
                            let mut buf = BytesMut::new();
                            let n = packet.encode(v, &mut buf).unwrap_or_default();
                            assert_eq!(n, buf.len());
                            assert_eq!(packet.encoded_len(v).ok(), Some(n));
                            assert_eq!(Packet::decode(v, buf.freeze()).ok(), Some(packet));
                        }
                    }
                }
            }
        }
    }
}
