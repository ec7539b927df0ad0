//! The body shared by PUBACK, PUBREC, PUBREL and PUBCOMP: packet identifier, then (5.0) a reason
//! code and properties, with the short forms of sections 3.4.2.1 / 3.4.2.2: remaining length 2
//! means Success without properties, 3 means a reason code without properties.

use bytes::{BufMut, BytesMut};

use super::{read_packet_id, read_reason_body, reason_body_len, write_reason_body, PacketType};
use crate::error::{DecodeError, EncodeError};
use crate::properties::Properties;
use crate::reason_code::ReasonCode;
use crate::types::{PacketId, ProtocolVersion};
use crate::wire::Reader;

/// The four publish acknowledgments, seen through their common shape.
pub(crate) trait Ack: Sized {
    const TYPE: PacketType;

    fn parts(&self) -> (PacketId, ReasonCode, &Properties);

    fn from_parts(packet_id: PacketId, reason_code: ReasonCode, properties: Properties) -> Self;
}

// The generic functions only convert: the work is done once, for all four types, by the
// non-generic functions (instantiated per type, `decode_body` alone cost 1.5 KB of wasm each).
// The short forms stay in the generic `decode_body`: PUBACK decoding is a hot path.

/// Validates and returns the remaining length, choosing the shortest form.
pub(crate) fn body_len<A: Ack>(ack: &A, v: ProtocolVersion) -> Result<usize, EncodeError> {
    let (_, reason_code, props) = ack.parts();
    // The common case, valid in every version: Success without properties is the packet id alone.
    if reason_code == ReasonCode::SUCCESS && props.is_empty() {
        return Ok(2);
    }
    parts_len(A::TYPE, reason_code, props, v)
}

pub(crate) fn write_body<A: Ack>(ack: &A, v: ProtocolVersion, buf: &mut BytesMut) {
    let (packet_id, reason_code, props) = ack.parts();
    write_parts(packet_id, reason_code, props, v, buf);
}

pub(crate) fn decode_body<A: Ack>(v: ProtocolVersion, r: &mut Reader) -> Result<A, DecodeError> {
    let packet_id = read_packet_id(r)?;
    if !v.is_v5() || r.is_empty() {
        return Ok(A::from_parts(
            packet_id,
            ReasonCode::SUCCESS,
            Properties::default(),
        ));
    }
    // The rest is DISCONNECT's and AUTH's "reason code, then properties" with its short forms.
    let (reason_code, props) = read_reason_body(A::TYPE, r)?;
    Ok(A::from_parts(packet_id, reason_code, props))
}

#[inline(never)]
fn parts_len(
    packet_type: PacketType,
    reason_code: ReasonCode,
    props: &Properties,
    v: ProtocolVersion,
) -> Result<usize, EncodeError> {
    if !v.is_v5() {
        if reason_code != ReasonCode::SUCCESS {
            return Err(EncodeError::NotInVersion {
                field: "reason code",
                version: v,
            });
        }
        if !props.is_empty() {
            return Err(EncodeError::NotInVersion {
                field: "properties",
                version: v,
            });
        }
        return Ok(2);
    }
    // The packet identifier, then the same shortest-form body as DISCONNECT and AUTH.
    Ok(2 + reason_body_len(packet_type, reason_code, props)?)
}

fn write_parts(
    packet_id: PacketId,
    reason_code: ReasonCode,
    props: &Properties,
    v: ProtocolVersion,
    buf: &mut BytesMut,
) {
    buf.put_u16(packet_id.get());
    if v.is_v5() {
        write_reason_body(reason_code, props, buf);
    }
}

/// Defines one publish acknowledgment type on top of the shared [`Ack`] helpers.
macro_rules! ack_packet {
    ($(#[$doc:meta])* $name:ident, $packet_type:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            /// The packet identifier of the PUBLISH (or PUBREL) being acknowledged.
            pub packet_id: $crate::types::PacketId,
            /// The reason code (MQTT 5.0; always Success in 3.1.1).
            pub reason_code: $crate::reason_code::ReasonCode,
            /// Properties (MQTT 5.0): Reason String and User Properties.
            pub properties: $crate::properties::Properties,
        }

        impl $name {
            /// A successful acknowledgment without properties.
            pub fn new(packet_id: $crate::types::PacketId) -> Self {
                Self {
                    packet_id,
                    reason_code: $crate::reason_code::ReasonCode::SUCCESS,
                    properties: $crate::properties::Properties::default(),
                }
            }
        }

        impl super::ack::Ack for $name {
            const TYPE: super::PacketType = super::PacketType::$packet_type;

            fn parts(
                &self,
            ) -> (
                $crate::types::PacketId,
                $crate::reason_code::ReasonCode,
                &$crate::properties::Properties,
            ) {
                (self.packet_id, self.reason_code, &self.properties)
            }

            fn from_parts(
                packet_id: $crate::types::PacketId,
                reason_code: $crate::reason_code::ReasonCode,
                properties: $crate::properties::Properties,
            ) -> Self {
                Self {
                    packet_id,
                    reason_code,
                    properties,
                }
            }
        }
    };
}

pub(crate) use ack_packet;
