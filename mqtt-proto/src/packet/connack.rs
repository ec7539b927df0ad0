//! CONNACK (section 3.2): the server's answer to CONNECT.

use bytes::{BufMut, BytesMut};

use super::{properties_len, read_reason_code, PacketType};
use crate::error::{DecodeError, EncodeError};
use crate::properties::{Context, Properties};
use crate::reason_code::ReasonCode;
use crate::types::ProtocolVersion;
use crate::wire::Reader;

/// CONNACK: acknowledges a CONNECT.
///
/// One type serves both versions: a 3.1.1 return code is mapped onto the equivalent 5.0 reason code
/// ([`ReasonCode::from_connect_return_code`]: 1 → 0x84, 2 → 0x85, 3 → 0x88, 4 → 0x86, 5 → 0x87) and
/// back when encoding for 3.1.1 (other reason codes cannot be encoded for 3.1.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnAck {
    /// Session Present.
    pub session_present: bool,
    /// Connect reason code (3.1.1 return codes mapped).
    pub reason_code: ReasonCode,
    /// CONNACK properties (5.0).
    pub properties: Properties,
}

impl ConnAck {
    /// A CONNACK with `reason_code`, no session, no properties.
    pub fn new(reason_code: ReasonCode) -> Self {
        Self {
            session_present: false,
            reason_code,
            properties: Properties::default(),
        }
    }

    pub(super) fn body_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        let valid = if v.is_v5() {
            self.reason_code.is_valid_for(PacketType::ConnAck)
        } else {
            self.reason_code.connect_return_code().is_some()
        };
        if !valid {
            return Err(EncodeError::InvalidReasonCode {
                packet_type: PacketType::ConnAck,
                code: self.reason_code.0,
            });
        }
        if self.session_present && self.reason_code != ReasonCode::SUCCESS {
            return Err(EncodeError::InvalidField {
                field: "session present with an error reason code",
                rule: "MQTT-3.2.2-6",
            });
        }
        Ok(2 + properties_len(&self.properties, Context::Packet(PacketType::ConnAck), v)?)
    }

    pub(super) fn write_body(&self, v: ProtocolVersion, buf: &mut BytesMut) {
        buf.put_u8(u8::from(self.session_present));
        if v.is_v5() {
            buf.put_u8(self.reason_code.0);
            self.properties.write(buf);
        } else {
            buf.put_u8(self.reason_code.connect_return_code().unwrap_or(0));
        }
    }

    pub(super) fn decode_body(v: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        let flags = r.read_u8()?;
        if flags & 0xFE != 0 {
            return Err(DecodeError::ConnAckReservedFlags);
        }
        let session_present = flags & 0x01 != 0;
        let (reason_code, properties) = if v.is_v5() {
            let reason_code = read_reason_code(PacketType::ConnAck, r, "MQTT 3.2.2.2")?;
            let properties = Properties::read(r, Context::Packet(PacketType::ConnAck))?;
            (reason_code, properties)
        } else {
            let code = r.read_u8()?;
            let reason_code = ReasonCode::from_connect_return_code(code).ok_or(
                DecodeError::InvalidReasonCode {
                    packet_type: PacketType::ConnAck,
                    code,
                    rule: "MQTT 3.2.2.3",
                },
            )?;
            (reason_code, Properties::default())
        };
        if session_present && reason_code != ReasonCode::SUCCESS {
            return Err(DecodeError::SessionPresentOnError);
        }
        Ok(Self {
            session_present,
            reason_code,
            properties,
        })
    }
}
