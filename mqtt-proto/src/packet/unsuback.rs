//! UNSUBACK (section 3.11): acknowledges an UNSUBSCRIBE.

use alloc::vec::Vec;

use bytes::{BufMut, BytesMut};

use super::{properties_len, read_packet_id, read_reason_code, PacketType};
use crate::error::{DecodeError, EncodeError};
use crate::properties::{Context, Properties};
use crate::reason_code::ReasonCode;
use crate::types::{PacketId, ProtocolVersion};
use crate::wire::Reader;

/// UNSUBACK: acknowledges an UNSUBSCRIBE.
///
/// In 3.1.1 it has no payload: `reason_codes` is empty (and must be, to encode). In 5.0 it carries
/// one reason code per topic filter (at least one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsubAck {
    /// Packet identifier of the UNSUBSCRIBE.
    pub packet_id: PacketId,
    /// UNSUBACK properties (5.0): Reason String, User Properties.
    pub properties: Properties,
    /// One reason code per topic filter (5.0 only).
    pub reason_codes: Vec<ReasonCode>,
}

impl UnsubAck {
    /// An UNSUBACK with `reason_codes` (empty for 3.1.1) and no properties.
    pub fn new(packet_id: PacketId, reason_codes: Vec<ReasonCode>) -> Self {
        Self {
            packet_id,
            properties: Properties::default(),
            reason_codes,
        }
    }

    pub(super) fn body_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        if !v.is_v5() {
            if !self.reason_codes.is_empty() {
                return Err(EncodeError::NotInVersion {
                    field: "UNSUBACK reason codes",
                    version: v,
                });
            }
            properties_len(&self.properties, Context::Packet(PacketType::UnsubAck), v)?;
            return Ok(2);
        }
        if self.reason_codes.is_empty() {
            return Err(EncodeError::InvalidField {
                field: "UNSUBACK without reason codes",
                rule: "MQTT 3.11.3",
            });
        }
        if let Some(code) = self
            .reason_codes
            .iter()
            .find(|c| !c.is_valid_for(PacketType::UnsubAck))
        {
            return Err(EncodeError::InvalidReasonCode {
                packet_type: PacketType::UnsubAck,
                code: code.0,
            });
        }
        let props = self
            .properties
            .wire_len(Context::Packet(PacketType::UnsubAck))?;
        Ok(2 + props + self.reason_codes.len())
    }

    pub(super) fn write_body(&self, v: ProtocolVersion, buf: &mut BytesMut) {
        buf.put_u16(self.packet_id.get());
        if v.is_v5() {
            self.properties.write(buf);
            for code in &self.reason_codes {
                buf.put_u8(code.0);
            }
        }
    }

    pub(super) fn decode_body(v: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r)?;
        if !v.is_v5() {
            return Ok(Self::new(packet_id, Vec::new()));
        }
        let properties = Properties::read(r, Context::Packet(PacketType::UnsubAck))?;
        let mut reason_codes = Vec::with_capacity(r.remaining());
        while !r.is_empty() {
            reason_codes.push(read_reason_code(PacketType::UnsubAck, r, "MQTT 3.11.3")?);
        }
        if reason_codes.is_empty() {
            return Err(DecodeError::NoReasonCodes {
                packet_type: PacketType::UnsubAck,
            });
        }
        Ok(Self {
            packet_id,
            properties,
            reason_codes,
        })
    }
}
