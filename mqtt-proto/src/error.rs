//! Codec errors: [`DecodeError`] (the bytes on the wire are wrong) and [`EncodeError`] (the value
//! to be sent cannot be encoded).
//!
//! Every [`DecodeError`] names the normative statement it enforces ([`DecodeError::rule`]; ids are
//! those of MQTT 5.0 unless the check only exists in 3.1.1; where the spec has no numbered statement,
//! the section is given as `"MQTT <section>"`) and the MQTT 5.0 reason code with which a peer
//! reports it ([`DecodeError::reason_code`]): 0x81 Malformed Packet when the bytes cannot be parsed as
//! the spec defines them, 0x82 Protocol Error when they parse but break a rule the spec calls a
//! Protocol Error, and the specific codes (0x84, 0x8F, 0x90, 0x94, 0x95) where the spec names them.

use core::fmt;

use crate::packet::PacketType;
use crate::properties::property_name;
use crate::reason_code::ReasonCode;
use crate::string::StringError;
use crate::topic::TopicError;
use crate::types::ProtocolVersion;

/// The bytes received are not a valid MQTT packet.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// A field runs past the end of the packet, or the frame is shorter than its remaining length.
    Truncated,
    /// Bytes are left after the last field of the packet, or after the frame's remaining length.
    TrailingBytes {
        /// The packet being decoded.
        packet_type: PacketType,
    },
    /// A Variable Byte Integer has more than four bytes (section 1.5.5).
    VarintTooLong,
    /// A Variable Byte Integer does not use the minimum number of bytes ([MQTT-1.5.5-1]).
    VarintNotMinimal,
    /// The packet type nibble is reserved (0, or 15 before MQTT 5.0 which has no AUTH).
    InvalidPacketType {
        /// The 4-bit packet type value.
        value: u8,
        /// The version in use.
        version: ProtocolVersion,
    },
    /// The fixed header flags are not the ones the packet type requires ([MQTT-2.1.3-1],
    /// [MQTT-3.6.1-1], [MQTT-3.8.1-1], [MQTT-3.10.1-1]).
    InvalidFixedHeaderFlags {
        /// The packet type.
        packet_type: PacketType,
        /// The low four bits of the first byte.
        flags: u8,
    },
    /// A PUBLISH has both QoS bits set ([MQTT-3.3.1-4]).
    InvalidQoS,
    /// A QoS 0 PUBLISH has the DUP flag set ([MQTT-3.3.1-2]).
    DupWithQoS0,
    /// A UTF-8 Encoded String is invalid ([MQTT-1.5.4-1], [MQTT-1.5.4-2]).
    InvalidString(StringError),
    /// The packet is larger than the maximum packet size (reason code 0x95).
    PacketTooLarge {
        /// Size of the whole packet in bytes (fixed header included).
        size: usize,
        /// The limit.
        max: u32,
    },
    /// The CONNECT protocol name is neither `MQTT` nor (with level 3) `MQIsdp` ([MQTT-3.1.2-1]).
    InvalidProtocolName,
    /// The CONNECT protocol level is not 3, 4 or 5 ([MQTT-3.1.2-2]).
    UnsupportedProtocolLevel(u8),
    /// The reserved bit 0 of the CONNECT flags is set ([MQTT-3.1.2-3]).
    ConnectReservedFlag,
    /// Will QoS or Will Retain is set although the Will Flag is 0 ([MQTT-3.1.2-11], [MQTT-3.1.2-13]).
    WillFlagsWithoutWill {
        /// The statement violated.
        rule: &'static str,
    },
    /// The Will QoS is 3 ([MQTT-3.1.2-12]).
    InvalidWillQoS,
    /// MQTT 3.1.1 forbids a password without a user name ([MQTT-3.1.2-22]).
    PasswordWithoutUsername,
    /// Bits 7-1 of the CONNACK acknowledge flags are set ([MQTT-3.2.2-1]).
    ConnAckReservedFlags,
    /// A CONNACK with an error code has Session Present set ([MQTT-3.2.2-6]).
    SessionPresentOnError,
    /// A reason code (or 3.1.1 return code) not allowed in this packet.
    InvalidReasonCode {
        /// The packet type.
        packet_type: PacketType,
        /// The code received.
        code: u8,
        /// The table or statement violated.
        rule: &'static str,
    },
    /// A packet identifier is 0 ([MQTT-2.2.1-3]).
    ZeroPacketId,
    /// A topic name is invalid ([MQTT-3.3.2-2], [MQTT-4.7.3-1], [MQTT-1.5.4-1], ...).
    InvalidTopicName(TopicError),
    /// A PUBLISH has an empty topic name but no Topic Alias (MQTT 5.0 section 3.3.2.3.4).
    EmptyTopicWithoutAlias,
    /// A topic filter is invalid ([MQTT-4.7.1-1], [MQTT-4.7.1-2], [MQTT-4.8.2-1], ...).
    InvalidTopicFilter(TopicError),
    /// A SUBSCRIBE or UNSUBSCRIBE has no topic filter ([MQTT-3.8.3-2], [MQTT-3.10.3-2]).
    NoTopicFilters {
        /// SUBSCRIBE or UNSUBSCRIBE.
        packet_type: PacketType,
    },
    /// A SUBACK or (5.0) UNSUBACK has no reason code.
    NoReasonCodes {
        /// SUBACK or UNSUBACK.
        packet_type: PacketType,
    },
    /// Reserved bits of the subscription options are set ([MQTT-3.8.3-5]; in 3.1.1 also a
    /// requested QoS of 3, [MQTT-3-8.3-4]).
    SubscriptionOptionsReserved {
        /// The statement violated.
        rule: &'static str,
    },
    /// MQTT 5.0: a subscription requests QoS 3 (section 3.8.3.1, a Protocol Error).
    InvalidSubscriptionQoS,
    /// MQTT 5.0: Retain Handling is 3 (section 3.8.3.1, a Protocol Error).
    InvalidRetainHandling,
    /// No Local is set on a shared subscription ([MQTT-3.8.3-4]).
    NoLocalOnSharedSubscription,
    /// An unknown property identifier (section 2.2.2.2).
    UnknownProperty(u8),
    /// A property that this packet (or the Will Properties) may not carry (section 2.2.2.2).
    PropertyNotAllowed {
        /// The property identifier.
        property: u8,
        /// The packet, or `None` for the Will Properties.
        packet_type: Option<PacketType>,
    },
    /// A property that may appear at most once appears again (section 2.2.2.2).
    DuplicateProperty(u8),
    /// A property value the spec forbids (0 for Topic Alias, Receive Maximum, Maximum Packet Size,
    /// Subscription Identifier; a flag other than 0 or 1; Authentication Data without Method; ...).
    InvalidPropertyValue {
        /// The property identifier.
        property: u8,
    },
    /// The Property Length runs past the end of the packet (section 2.2.2.1).
    PropertyLengthOverrun,
    /// A server sent a packet whose direction of flow is client to server only (CONNECT,
    /// SUBSCRIBE, UNSUBSCRIBE, PINGREQ; section 2.1.2), a Protocol Error. Only
    /// [`Packet::decode_from_server`](crate::Packet::decode_from_server) reports it.
    ClientOnlyPacket {
        /// The packet type.
        packet_type: PacketType,
    },
}

impl DecodeError {
    /// The normative statement id (e.g. `"MQTT-3.1.2-3"`) or section (`"MQTT 2.2.2.2"`) violated.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Truncated => "MQTT 2.1.4",
            Self::TrailingBytes { .. } => "MQTT 2.1.4",
            Self::VarintTooLong => "MQTT 1.5.5",
            Self::VarintNotMinimal => "MQTT-1.5.5-1",
            Self::InvalidPacketType { .. } => "MQTT 2.1.2",
            Self::InvalidFixedHeaderFlags { packet_type, .. } => match packet_type {
                PacketType::PubRel => "MQTT-3.6.1-1",
                PacketType::Subscribe => "MQTT-3.8.1-1",
                PacketType::Unsubscribe => "MQTT-3.10.1-1",
                _ => "MQTT-2.1.3-1",
            },
            Self::InvalidQoS => "MQTT-3.3.1-4",
            Self::DupWithQoS0 => "MQTT-3.3.1-2",
            Self::InvalidString(e) => e.rule(),
            Self::PacketTooLarge { .. } => "MQTT 3.1.2.11.4",
            Self::InvalidProtocolName => "MQTT-3.1.2-1",
            Self::UnsupportedProtocolLevel(_) => "MQTT-3.1.2-2",
            Self::ConnectReservedFlag => "MQTT-3.1.2-3",
            Self::WillFlagsWithoutWill { rule } => rule,
            Self::InvalidWillQoS => "MQTT-3.1.2-12",
            Self::PasswordWithoutUsername => "MQTT-3.1.2-22",
            Self::ConnAckReservedFlags => "MQTT-3.2.2-1",
            Self::SessionPresentOnError => "MQTT-3.2.2-6",
            Self::InvalidReasonCode { rule, .. } => rule,
            Self::ZeroPacketId => "MQTT-2.2.1-3",
            Self::InvalidTopicName(e) | Self::InvalidTopicFilter(e) => e.rule(),
            Self::EmptyTopicWithoutAlias => "MQTT 3.3.2.3.4",
            Self::NoTopicFilters { packet_type } => match packet_type {
                PacketType::Unsubscribe => "MQTT-3.10.3-2",
                _ => "MQTT-3.8.3-2",
            },
            Self::NoReasonCodes { packet_type } => match packet_type {
                PacketType::UnsubAck => "MQTT 3.11.3",
                _ => "MQTT 3.9.3",
            },
            Self::SubscriptionOptionsReserved { rule } => rule,
            Self::InvalidSubscriptionQoS | Self::InvalidRetainHandling => "MQTT 3.8.3.1",
            Self::NoLocalOnSharedSubscription => "MQTT-3.8.3-4",
            Self::UnknownProperty(_)
            | Self::PropertyNotAllowed { .. }
            | Self::DuplicateProperty(_)
            | Self::InvalidPropertyValue { .. } => "MQTT 2.2.2.2",
            Self::PropertyLengthOverrun => "MQTT 2.2.2.1",
            Self::ClientOnlyPacket { .. } => "MQTT 2.1.2",
        }
    }

    /// The MQTT 5.0 reason code a CONNACK or DISCONNECT reporting this error carries.
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            Self::PacketTooLarge { .. } => ReasonCode::PACKET_TOO_LARGE,
            Self::InvalidProtocolName | Self::UnsupportedProtocolLevel(_) => {
                ReasonCode::UNSUPPORTED_PROTOCOL_VERSION
            }
            Self::InvalidTopicName(_) => ReasonCode::TOPIC_NAME_INVALID,
            Self::InvalidTopicFilter(_) => ReasonCode::TOPIC_FILTER_INVALID,
            Self::InvalidPropertyValue { property: 0x23 } => ReasonCode::TOPIC_ALIAS_INVALID,
            Self::SessionPresentOnError
            | Self::ZeroPacketId
            | Self::EmptyTopicWithoutAlias
            | Self::NoTopicFilters { .. }
            | Self::InvalidSubscriptionQoS
            | Self::InvalidRetainHandling
            | Self::NoLocalOnSharedSubscription
            | Self::DuplicateProperty(_)
            | Self::InvalidPropertyValue { .. }
            | Self::ClientOnlyPacket { .. } => ReasonCode::PROTOCOL_ERROR,
            Self::Truncated
            | Self::TrailingBytes { .. }
            | Self::VarintTooLong
            | Self::VarintNotMinimal
            | Self::InvalidPacketType { .. }
            | Self::InvalidFixedHeaderFlags { .. }
            | Self::InvalidQoS
            | Self::DupWithQoS0
            | Self::InvalidString(_)
            | Self::ConnectReservedFlag
            | Self::WillFlagsWithoutWill { .. }
            | Self::InvalidWillQoS
            | Self::PasswordWithoutUsername
            | Self::ConnAckReservedFlags
            | Self::InvalidReasonCode { .. }
            | Self::NoReasonCodes { .. }
            | Self::SubscriptionOptionsReserved { .. }
            | Self::UnknownProperty(_)
            | Self::PropertyNotAllowed { .. }
            | Self::PropertyLengthOverrun => ReasonCode::MALFORMED_PACKET,
        }
    }
}

impl From<StringError> for DecodeError {
    fn from(e: StringError) -> Self {
        Self::InvalidString(e)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated => f.write_str("packet ends inside a field")?,
            Self::TrailingBytes { packet_type } => {
                write!(f, "unexpected bytes after the end of {packet_type}")?
            }
            Self::VarintTooLong => f.write_str("variable byte integer longer than 4 bytes")?,
            Self::VarintNotMinimal => {
                f.write_str("variable byte integer not encoded in the minimum number of bytes")?
            }
            Self::InvalidPacketType { value, version } => {
                write!(f, "packet type {value} is reserved in {version}")?
            }
            Self::InvalidFixedHeaderFlags { packet_type, flags } => write!(
                f,
                "invalid fixed header flags {flags:#06b} for {packet_type}"
            )?,
            Self::InvalidQoS => f.write_str("PUBLISH with QoS 3")?,
            Self::DupWithQoS0 => f.write_str("DUP flag set on a QoS 0 PUBLISH")?,
            Self::InvalidString(e) => return fmt::Display::fmt(e, f),
            Self::PacketTooLarge { size, max } => write!(
                f,
                "packet of {size} bytes exceeds the maximum packet size {max}"
            )?,
            Self::InvalidProtocolName => f.write_str("invalid protocol name in CONNECT")?,
            Self::UnsupportedProtocolLevel(l) => write!(f, "unsupported protocol level {l}")?,
            Self::ConnectReservedFlag => f.write_str("CONNECT reserved flag is set")?,
            Self::WillFlagsWithoutWill { .. } => {
                f.write_str("Will QoS or Will Retain set without the Will Flag")?
            }
            Self::InvalidWillQoS => f.write_str("Will QoS 3")?,
            Self::PasswordWithoutUsername => {
                f.write_str("password flag set without user name flag")?
            }
            Self::ConnAckReservedFlags => f.write_str("CONNACK reserved flags are set")?,
            Self::SessionPresentOnError => {
                f.write_str("CONNACK has Session Present with an error reason code")?
            }
            Self::InvalidReasonCode {
                packet_type, code, ..
            } => write!(f, "reason code {code:#04x} is not valid in {packet_type}")?,
            Self::ZeroPacketId => f.write_str("packet identifier 0")?,
            Self::InvalidTopicName(e) => write!(f, "invalid topic name: {e}")?,
            Self::EmptyTopicWithoutAlias => {
                f.write_str("empty topic name without a Topic Alias")?
            }
            Self::InvalidTopicFilter(e) => write!(f, "invalid topic filter: {e}")?,
            Self::NoTopicFilters { packet_type } => {
                write!(f, "{packet_type} without any topic filter")?
            }
            Self::NoReasonCodes { packet_type } => {
                write!(f, "{packet_type} without any reason code")?
            }
            Self::SubscriptionOptionsReserved { .. } => {
                f.write_str("reserved subscription option bits set")?
            }
            Self::InvalidSubscriptionQoS => f.write_str("subscription with QoS 3")?,
            Self::InvalidRetainHandling => f.write_str("Retain Handling 3")?,
            Self::NoLocalOnSharedSubscription => {
                f.write_str("No Local set on a shared subscription")?
            }
            Self::UnknownProperty(id) => write!(f, "unknown property identifier {id:#04x}")?,
            Self::PropertyNotAllowed {
                property,
                packet_type,
            } => match packet_type {
                Some(t) => write!(
                    f,
                    "property {} not allowed in {t}",
                    property_name(*property)
                )?,
                None => write!(
                    f,
                    "property {} not allowed in Will Properties",
                    property_name(*property)
                )?,
            },
            Self::DuplicateProperty(id) => {
                write!(f, "property {} included more than once", property_name(*id))?
            }
            Self::InvalidPropertyValue { property } => {
                write!(f, "invalid value for property {}", property_name(*property))?
            }
            Self::PropertyLengthOverrun => f.write_str("property length overruns the packet")?,
            Self::ClientOnlyPacket { packet_type } => {
                write!(f, "a server sent {packet_type}, which only clients send")?
            }
        }
        write!(f, " [{}]", self.rule())
    }
}

impl core::error::Error for DecodeError {}

/// A packet value that cannot be encoded. Nothing is written to the buffer when this is returned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// The encoded packet would exceed the limit (the peer's Maximum Packet Size, or the protocol's
    /// 268,435,455-byte remaining length).
    PacketTooLarge {
        /// Size the whole packet would have, fixed header included.
        size: usize,
        /// The limit.
        max: u32,
    },
    /// A field value the protocol forbids.
    InvalidField {
        /// What is wrong.
        field: &'static str,
        /// The statement or section violated.
        rule: &'static str,
    },
    /// The packet type does not exist in this version (AUTH before 5.0).
    UnsupportedPacket {
        /// The packet type.
        packet_type: PacketType,
        /// The version requested.
        version: ProtocolVersion,
    },
    /// A field that only exists in MQTT 5.0 (properties, a non-success reason code, ...) is set,
    /// but the packet is encoded for 3.1 / 3.1.1; it would be silently lost.
    NotInVersion {
        /// The field.
        field: &'static str,
        /// The version requested.
        version: ProtocolVersion,
    },
    /// A reason code that this packet cannot carry (in this version).
    InvalidReasonCode {
        /// The packet type.
        packet_type: PacketType,
        /// The code.
        code: u8,
    },
    /// A property that this packet (or the Will Properties, `None`) may not carry.
    PropertyNotAllowed {
        /// The property identifier.
        property: u8,
        /// The packet, or `None` for the Will Properties.
        packet_type: Option<PacketType>,
    },
    /// A property value the protocol forbids (0 Topic Alias, too many Subscription Identifiers, ...).
    InvalidPropertyValue {
        /// The property identifier.
        property: u8,
    },
    /// A packet only servers send (CONNACK, SUBACK, UNSUBACK, PINGRESP; section 2.1.2), given to
    /// [`Packet::encode_from_client`](crate::Packet::encode_from_client).
    ServerOnlyPacket {
        /// The packet type.
        packet_type: PacketType,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PacketTooLarge { size, max } => {
                write!(f, "packet of {size} bytes exceeds the limit of {max} bytes")
            }
            Self::InvalidField { field, rule } => write!(f, "invalid {field} [{rule}]"),
            Self::UnsupportedPacket {
                packet_type,
                version,
            } => write!(f, "{packet_type} does not exist in {version}"),
            Self::NotInVersion { field, version } => {
                write!(f, "{field} cannot be encoded in {version}")
            }
            Self::ServerOnlyPacket { packet_type } => {
                write!(f, "{packet_type} is sent by servers only")
            }
            Self::InvalidReasonCode { packet_type, code } => {
                write!(f, "reason code {code:#04x} is not valid in {packet_type}")
            }
            Self::PropertyNotAllowed {
                property,
                packet_type,
            } => match packet_type {
                Some(t) => write!(
                    f,
                    "property {} not allowed in {t}",
                    property_name(*property)
                ),
                None => write!(
                    f,
                    "property {} not allowed in Will Properties",
                    property_name(*property)
                ),
            },
            Self::InvalidPropertyValue { property } => {
                write!(f, "invalid value for property {}", property_name(*property))
            }
        }
    }
}

impl core::error::Error for EncodeError {}
