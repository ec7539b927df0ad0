//! SUBACK (section 3.9): one reason code per requested subscription.

use alloc::vec::Vec;

use bytes::{BufMut, BytesMut};

use super::{properties_len, read_packet_id, PacketType};
use crate::error::{DecodeError, EncodeError};
use crate::properties::{Context, Properties};
use crate::reason_code::ReasonCode;
use crate::types::{PacketId, ProtocolVersion};
use crate::wire::Reader;

/// SUBACK: answers a SUBSCRIBE with one reason code per topic filter, in order.
///
/// In 3.1.1 the return codes are 0x00, 0x01, 0x02 (granted QoS) and 0x80 (failure)
/// [MQTT-3.9.3-2], which have the same values as the 5.0 reason codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubAck {
    /// Packet identifier of the SUBSCRIBE.
    pub packet_id: PacketId,
    /// SUBACK properties (5.0): Reason String, User Properties.
    pub properties: Properties,
    /// One reason code per topic filter of the SUBSCRIBE (at least one).
    pub reason_codes: Vec<ReasonCode>,
}

fn valid(v: ProtocolVersion, code: ReasonCode) -> bool {
    if v.is_v5() {
        code.is_valid_for(PacketType::SubAck)
    } else {
        matches!(code.0, 0x00 | 0x01 | 0x02 | 0x80)
    }
}

impl SubAck {
    /// A SUBACK with `reason_codes` and no properties.
    pub fn new(packet_id: PacketId, reason_codes: Vec<ReasonCode>) -> Self {
        Self {
            packet_id,
            properties: Properties::default(),
            reason_codes,
        }
    }

    pub(super) fn body_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        if self.reason_codes.is_empty() {
            return Err(EncodeError::InvalidField {
                field: "SUBACK without reason codes",
                rule: "MQTT 3.9.3",
            });
        }
        if let Some(code) = self.reason_codes.iter().find(|c| !valid(v, **c)) {
            return Err(EncodeError::InvalidReasonCode {
                packet_type: PacketType::SubAck,
                code: code.0,
            });
        }
        let props = properties_len(&self.properties, Context::Packet(PacketType::SubAck), v)?;
        Ok(2 + props + self.reason_codes.len())
    }

    pub(super) fn write_body(&self, v: ProtocolVersion, buf: &mut BytesMut) {
        buf.put_u16(self.packet_id.get());
        if v.is_v5() {
            self.properties.write(buf);
        }
        for code in &self.reason_codes {
            buf.put_u8(code.0);
        }
    }

    pub(super) fn decode_body(v: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r)?;
        let properties = if v.is_v5() {
            Properties::read(r, Context::Packet(PacketType::SubAck))?
        } else {
            Properties::default()
        };
        let mut reason_codes = Vec::with_capacity(r.remaining());
        while !r.is_empty() {
            let code = ReasonCode(r.read_u8()?);
            if !valid(v, code) {
                return Err(DecodeError::InvalidReasonCode {
                    packet_type: PacketType::SubAck,
                    code: code.0,
                    rule: if v.is_v5() {
                        "MQTT 3.9.3"
                    } else {
                        "MQTT-3.9.3-2"
                    },
                });
            }
            reason_codes.push(code);
        }
        if reason_codes.is_empty() {
            return Err(DecodeError::NoReasonCodes {
                packet_type: PacketType::SubAck,
            });
        }
        Ok(Self {
            packet_id,
            properties,
            reason_codes,
        })
    }
}
