//! AUTH (section 3.15): enhanced authentication exchange, MQTT 5.0 only.

use bytes::BytesMut;

use super::{read_reason_body, reason_body_len, write_reason_body, PacketType};
use crate::error::{DecodeError, EncodeError};
use crate::properties::Properties;
use crate::reason_code::ReasonCode;
use crate::types::ProtocolVersion;
use crate::wire::Reader;

/// AUTH: one step of an enhanced authentication exchange (5.0 only: encoding for 3.1.1 fails
/// with [`EncodeError::UnsupportedPacket`], and packet type 15 is reserved when decoding 3.1.1).
///
/// The shortest form is used: remaining length 0 for Success without properties (section
/// 3.15.2.1). A reason code without properties (remaining length 1) is accepted when decoding.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Auth {
    /// Authenticate reason code: Success, Continue authentication or Re-authenticate.
    pub reason_code: ReasonCode,
    /// AUTH properties: Authentication Method and Data, Reason String, User Properties.
    pub properties: Properties,
}

impl Auth {
    /// An AUTH with `reason_code` and no properties.
    pub fn new(reason_code: ReasonCode) -> Self {
        Self {
            reason_code,
            properties: Properties::default(),
        }
    }

    pub(super) fn body_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        if !v.is_v5() {
            return Err(EncodeError::UnsupportedPacket {
                packet_type: PacketType::Auth,
                version: v,
            });
        }
        reason_body_len(PacketType::Auth, self.reason_code, &self.properties)
    }

    pub(super) fn write_body(&self, buf: &mut BytesMut) {
        write_reason_body(self.reason_code, &self.properties, buf);
    }

    pub(super) fn decode_body(r: &mut Reader) -> Result<Self, DecodeError> {
        let (reason_code, properties) = read_reason_body(PacketType::Auth, r)?;
        Ok(Self {
            reason_code,
            properties,
        })
    }
}
