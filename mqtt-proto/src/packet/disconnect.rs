//! DISCONNECT (section 3.14): the last packet of a connection.

use bytes::BytesMut;

use super::{read_reason_body, reason_body_len, write_reason_body, PacketType};
use crate::error::{DecodeError, EncodeError};
use crate::properties::Properties;
use crate::reason_code::ReasonCode;
use crate::types::ProtocolVersion;
use crate::wire::Reader;

/// DISCONNECT: closes the connection, with a reason in 5.0.
///
/// In 3.1.1 it is empty: only Normal Disconnection without properties can be encoded. In 5.0 the
/// shortest form is used: remaining length 0 for Normal Disconnection without properties, 1 for a
/// reason code without properties (section 3.14.2.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disconnect {
    /// Disconnect reason code (5.0).
    pub reason_code: ReasonCode,
    /// DISCONNECT properties (5.0).
    pub properties: Properties,
}

impl Disconnect {
    /// A DISCONNECT with `reason_code` and no properties.
    pub fn new(reason_code: ReasonCode) -> Self {
        Self {
            reason_code,
            properties: Properties::default(),
        }
    }

    pub(super) fn body_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        if v.is_v5() {
            return reason_body_len(PacketType::Disconnect, self.reason_code, &self.properties);
        }
        if self.reason_code != ReasonCode::NORMAL_DISCONNECTION {
            return Err(EncodeError::NotInVersion {
                field: "reason code",
                version: v,
            });
        }
        if !self.properties.is_empty() {
            return Err(EncodeError::NotInVersion {
                field: "properties",
                version: v,
            });
        }
        Ok(0)
    }

    pub(super) fn write_body(&self, v: ProtocolVersion, buf: &mut BytesMut) {
        if v.is_v5() {
            write_reason_body(self.reason_code, &self.properties, buf);
        }
    }

    pub(super) fn decode_body(v: ProtocolVersion, r: &mut Reader) -> Result<Self, DecodeError> {
        if !v.is_v5() {
            return Ok(Self::default());
        }
        let (reason_code, properties) = read_reason_body(PacketType::Disconnect, r)?;
        Ok(Self {
            reason_code,
            properties,
        })
    }
}
