//! MQTT 5.0 properties (section 2.2.2): one typed property list, [`Properties`] (holding
//! [`PropertyValues`]), for every packet.
//!
//! Each packet (and the Will Properties of CONNECT) may carry only some properties; decoding rejects
//! the others ([`DecodeError::PropertyNotAllowed`], a Malformed Packet), duplicates of properties that
//! may appear once ([`DecodeError::DuplicateProperty`], a Protocol Error) and forbidden values
//! ([`DecodeError::InvalidPropertyValue`]). Encoding validates the same rules before writing and
//! writes properties in ascending identifier order, user properties in their stored order.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::ops::{Deref, DerefMut};

use bytes::{BufMut, Bytes, BytesMut};

use crate::error::{DecodeError, EncodeError};
use crate::packet::PacketType;
use crate::string::MqttString;
use crate::topic::Topic;
use crate::types::QoS;
use crate::wire::{self, varint_len, Reader, MAX_VARINT};

/// Property identifiers (section 2.2.2.2).
pub mod id {
    /// 0x01 Payload Format Indicator (byte).
    pub const PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
    /// 0x02 Message Expiry Interval (four byte integer).
    pub const MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
    /// 0x03 Content Type (string).
    pub const CONTENT_TYPE: u8 = 0x03;
    /// 0x08 Response Topic (string).
    pub const RESPONSE_TOPIC: u8 = 0x08;
    /// 0x09 Correlation Data (binary data).
    pub const CORRELATION_DATA: u8 = 0x09;
    /// 0x0B Subscription Identifier (variable byte integer).
    pub const SUBSCRIPTION_IDENTIFIER: u8 = 0x0B;
    /// 0x11 Session Expiry Interval (four byte integer).
    pub const SESSION_EXPIRY_INTERVAL: u8 = 0x11;
    /// 0x12 Assigned Client Identifier (string).
    pub const ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
    /// 0x13 Server Keep Alive (two byte integer).
    pub const SERVER_KEEP_ALIVE: u8 = 0x13;
    /// 0x15 Authentication Method (string).
    pub const AUTHENTICATION_METHOD: u8 = 0x15;
    /// 0x16 Authentication Data (binary data).
    pub const AUTHENTICATION_DATA: u8 = 0x16;
    /// 0x17 Request Problem Information (byte).
    pub const REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
    /// 0x18 Will Delay Interval (four byte integer).
    pub const WILL_DELAY_INTERVAL: u8 = 0x18;
    /// 0x19 Request Response Information (byte).
    pub const REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
    /// 0x1A Response Information (string).
    pub const RESPONSE_INFORMATION: u8 = 0x1A;
    /// 0x1C Server Reference (string).
    pub const SERVER_REFERENCE: u8 = 0x1C;
    /// 0x1F Reason String (string).
    pub const REASON_STRING: u8 = 0x1F;
    /// 0x21 Receive Maximum (two byte integer).
    pub const RECEIVE_MAXIMUM: u8 = 0x21;
    /// 0x22 Topic Alias Maximum (two byte integer).
    pub const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
    /// 0x23 Topic Alias (two byte integer).
    pub const TOPIC_ALIAS: u8 = 0x23;
    /// 0x24 Maximum QoS (byte).
    pub const MAXIMUM_QOS: u8 = 0x24;
    /// 0x25 Retain Available (byte).
    pub const RETAIN_AVAILABLE: u8 = 0x25;
    /// 0x26 User Property (string pair).
    pub const USER_PROPERTY: u8 = 0x26;
    /// 0x27 Maximum Packet Size (four byte integer).
    pub const MAXIMUM_PACKET_SIZE: u8 = 0x27;
    /// 0x28 Wildcard Subscription Available (byte).
    pub const WILDCARD_SUBSCRIPTION_AVAILABLE: u8 = 0x28;
    /// 0x29 Subscription Identifier Available (byte).
    pub const SUBSCRIPTION_IDENTIFIER_AVAILABLE: u8 = 0x29;
    /// 0x2A Shared Subscription Available (byte).
    pub const SHARED_SUBSCRIPTION_AVAILABLE: u8 = 0x2A;
}

/// The spec's name of a property identifier, or `"Unknown"`.
pub const fn property_name(property: u8) -> &'static str {
    match property {
        id::PAYLOAD_FORMAT_INDICATOR => "Payload Format Indicator",
        id::MESSAGE_EXPIRY_INTERVAL => "Message Expiry Interval",
        id::CONTENT_TYPE => "Content Type",
        id::RESPONSE_TOPIC => "Response Topic",
        id::CORRELATION_DATA => "Correlation Data",
        id::SUBSCRIPTION_IDENTIFIER => "Subscription Identifier",
        id::SESSION_EXPIRY_INTERVAL => "Session Expiry Interval",
        id::ASSIGNED_CLIENT_IDENTIFIER => "Assigned Client Identifier",
        id::SERVER_KEEP_ALIVE => "Server Keep Alive",
        id::AUTHENTICATION_METHOD => "Authentication Method",
        id::AUTHENTICATION_DATA => "Authentication Data",
        id::REQUEST_PROBLEM_INFORMATION => "Request Problem Information",
        id::WILL_DELAY_INTERVAL => "Will Delay Interval",
        id::REQUEST_RESPONSE_INFORMATION => "Request Response Information",
        id::RESPONSE_INFORMATION => "Response Information",
        id::SERVER_REFERENCE => "Server Reference",
        id::REASON_STRING => "Reason String",
        id::RECEIVE_MAXIMUM => "Receive Maximum",
        id::TOPIC_ALIAS_MAXIMUM => "Topic Alias Maximum",
        id::TOPIC_ALIAS => "Topic Alias",
        id::MAXIMUM_QOS => "Maximum QoS",
        id::RETAIN_AVAILABLE => "Retain Available",
        id::USER_PROPERTY => "User Property",
        id::MAXIMUM_PACKET_SIZE => "Maximum Packet Size",
        id::WILDCARD_SUBSCRIPTION_AVAILABLE => "Wildcard Subscription Available",
        id::SUBSCRIPTION_IDENTIFIER_AVAILABLE => "Subscription Identifier Available",
        id::SHARED_SUBSCRIPTION_AVAILABLE => "Shared Subscription Available",
        _ => "Unknown",
    }
}

/// Where a property list sits: in a packet's variable header, or in CONNECT's Will Properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    Packet(PacketType),
    Will,
}

impl Context {
    fn packet_type(self) -> Option<PacketType> {
        match self {
            Self::Packet(t) => Some(t),
            Self::Will => None,
        }
    }

    fn bit(self) -> u16 {
        1 << self.index()
    }

    /// The bit number of [`Context::bit`]: the packet type, 0 for the Will Properties.
    #[inline]
    fn index(self) -> usize {
        match self {
            Self::Packet(t) => usize::from(t as u8),
            Self::Will => 0,
        }
    }
}

const WILL: u16 = 1;
const fn p(t: PacketType) -> u16 {
    1 << (t as u8)
}
const CONNECT: u16 = p(PacketType::Connect);
const CONNACK: u16 = p(PacketType::ConnAck);
const PUBLISH: u16 = p(PacketType::Publish);
const ACKS: u16 =
    p(PacketType::PubAck) | p(PacketType::PubRec) | p(PacketType::PubRel) | p(PacketType::PubComp);
const SUBSCRIBE: u16 = p(PacketType::Subscribe);
const SUBACK: u16 = p(PacketType::SubAck);
const UNSUBSCRIBE: u16 = p(PacketType::Unsubscribe);
const UNSUBACK: u16 = p(PacketType::UnsubAck);
const DISCONNECT: u16 = p(PacketType::Disconnect);
const AUTH: u16 = p(PacketType::Auth);

/// Which contexts may carry a property (the table of section 2.2.2.2); 0 for unknown identifiers.
const fn allowed_in(property: u8) -> u16 {
    match property {
        id::PAYLOAD_FORMAT_INDICATOR
        | id::MESSAGE_EXPIRY_INTERVAL
        | id::CONTENT_TYPE
        | id::RESPONSE_TOPIC
        | id::CORRELATION_DATA => PUBLISH | WILL,
        id::SUBSCRIPTION_IDENTIFIER => PUBLISH | SUBSCRIBE,
        id::SESSION_EXPIRY_INTERVAL => CONNECT | CONNACK | DISCONNECT,
        id::ASSIGNED_CLIENT_IDENTIFIER | id::SERVER_KEEP_ALIVE | id::RESPONSE_INFORMATION => {
            CONNACK
        }
        id::AUTHENTICATION_METHOD | id::AUTHENTICATION_DATA => CONNECT | CONNACK | AUTH,
        id::REQUEST_PROBLEM_INFORMATION | id::REQUEST_RESPONSE_INFORMATION => CONNECT,
        id::WILL_DELAY_INTERVAL => WILL,
        id::SERVER_REFERENCE => CONNACK | DISCONNECT,
        id::REASON_STRING => CONNACK | ACKS | SUBACK | UNSUBACK | DISCONNECT | AUTH,
        id::RECEIVE_MAXIMUM | id::TOPIC_ALIAS_MAXIMUM | id::MAXIMUM_PACKET_SIZE => {
            CONNECT | CONNACK
        }
        id::TOPIC_ALIAS => PUBLISH,
        id::MAXIMUM_QOS
        | id::RETAIN_AVAILABLE
        | id::WILDCARD_SUBSCRIPTION_AVAILABLE
        | id::SUBSCRIPTION_IDENTIFIER_AVAILABLE
        | id::SHARED_SUBSCRIPTION_AVAILABLE => CONNACK,
        id::USER_PROPERTY => {
            CONNECT
                | CONNACK
                | PUBLISH
                | WILL
                | ACKS
                | SUBSCRIBE
                | SUBACK
                | UNSUBSCRIBE
                | UNSUBACK
                | DISCONNECT
                | AUTH
        }
        _ => 0,
    }
}

/// The identifiers allowed in each context, one bit per identifier (all are below 64), indexed
/// by [`Context::index`]: the table of [`allowed_in`] turned around, for checking a whole list
/// with one mask test.
const ALLOWED_IDS: [u64; 16] = {
    let mut table = [0u64; 16];
    let mut ctx = 0;
    while ctx < 16 {
        let mut property = 0u8;
        while property < 64 {
            if allowed_in(property) & (1 << ctx) != 0 {
                table[ctx] |= 1 << property;
            }
            property += 1;
        }
        ctx += 1;
    }
    table
};

/// Every identifier: the `IDS` argument of [`PropertyValues::valid_len`] and
/// [`PropertyValues::write_entries`] for any context.
const ALL_IDS: u64 = u64::MAX;

/// The identifiers allowed in PUBLISH: that argument for PUBLISH, the hot path, whose
/// validation and writing then skip the other 19 fields but for one test each. On wasm32 it is
/// [`ALL_IDS`], so that the code is there once.
const PUBLISH_IDS: u64 = if cfg!(target_arch = "wasm32") {
    ALL_IDS
} else {
    ALLOWED_IDS[PacketType::Publish as usize]
};

/// Whether `property` may appear in `packet_type` (or, with `None`, in the Will Properties).
pub fn is_allowed(property: u8, packet_type: Option<PacketType>) -> bool {
    let ctx = match packet_type {
        Some(t) => Context::Packet(t),
        None => Context::Will,
    };
    allowed_in(property) & ctx.bit() != 0
}

/// The Payload Format Indicator value (section 3.3.2.3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PayloadFormat {
    /// 0: the payload is unspecified bytes.
    Unspecified = 0,
    /// 1: the payload is UTF-8 encoded character data.
    Utf8 = 1,
}

/// A packet's MQTT 5.0 property list: the typed [`PropertyValues`], stored out of line and only
/// once a property is set. `Properties::default()` is the empty list.
///
/// Most packets carry no properties (3.1.1 packets never do), so an empty list is one null
/// pointer: creating, moving, comparing, encoding and dropping it costs next to nothing, and
/// decoding allocates only for a non-empty Property Length.
///
/// `Properties` dereferences to [`PropertyValues`]: read a field with `props.topic_alias`
/// (an empty list reads as all `None` / empty). Mutable access (`props.topic_alias = Some(1)`,
/// [`DerefMut`]) allocates the values on first use; [`Properties::values_mut`] gives them only
/// if they exist, to clear or take a field without allocating.
///
/// Only the properties allowed in the packet being encoded may be set (see [`is_allowed`]).
///
/// ```
/// use mqtt_proto::{Properties, PropertyValues};
///
/// let mut props = Properties::default();
/// assert!(props.is_empty() && props.reason_string.is_none());
/// props.reason_string = Some("quota exceeded".try_into().unwrap());
/// assert!(!props.is_empty());
///
/// let from_values = Properties::from(PropertyValues {
///     topic_alias: Some(3),
///     ..PropertyValues::default()
/// });
/// assert_eq!(from_values.topic_alias, Some(3));
/// ```
#[derive(Clone, Default)]
pub struct Properties(Option<Box<PropertyValues>>);

/// The empty list that an unallocated [`Properties`] dereferences to.
static EMPTY: PropertyValues = PropertyValues::EMPTY;

impl Properties {
    /// The empty list (no allocation).
    pub const fn new() -> Self {
        Self(None)
    }

    /// Whether no property is set.
    #[inline]
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            None => true,
            Some(values) => values.is_empty(),
        }
    }

    /// Whether no values were ever allocated (then no property is set; the converse does not
    /// hold: values may have been cleared).
    #[inline]
    pub(crate) fn is_unallocated(&self) -> bool {
        self.0.is_none()
    }

    /// The values, if any property was ever set, without allocating: to clear or take a field
    /// of a list that may be empty.
    ///
    /// ```
    /// use mqtt_proto::Properties;
    ///
    /// let mut props = Properties::default();
    /// let alias = props.values_mut().and_then(|v| v.topic_alias.take());
    /// assert_eq!(alias, None);
    /// ```
    #[inline]
    pub fn values_mut(&mut self) -> Option<&mut PropertyValues> {
        self.0.as_deref_mut()
    }

    /// The values, by value.
    pub fn into_values(self) -> PropertyValues {
        match self.0 {
            None => PropertyValues::EMPTY,
            Some(values) => *values,
        }
    }

    /// Validates the properties for `ctx` and returns the size of the property list on the wire,
    /// Property Length prefix included.
    #[inline]
    pub(crate) fn wire_len(&self, ctx: Context) -> Result<usize, EncodeError> {
        match &self.0 {
            None => Ok(1),
            Some(values) => values.wire_len(ctx),
        }
    }

    /// Validates the properties for `ctx` and returns the size of the properties on the wire,
    /// without the Property Length prefix (for [`Properties::write_publish_entries`]).
    #[inline]
    pub(crate) fn content_len(&self, ctx: Context) -> Result<usize, EncodeError> {
        match &self.0 {
            None => Ok(0),
            Some(values) => values.content_len(ctx),
        }
    }

    /// Writes the Property Length and the properties. Call [`Properties::wire_len`] first.
    #[inline]
    pub(crate) fn write(&self, buf: &mut BytesMut) {
        match &self.0 {
            None => buf.put_u8(0),
            Some(values) => values.write(buf),
        }
    }

    /// Writes a PUBLISH's properties without the Property Length (the caller wrote
    /// `content_len`, from [`Properties::content_len`] for PUBLISH: the fields PUBLISH cannot
    /// carry are known to be unset and are not looked at).
    #[inline]
    pub(crate) fn write_publish_entries(&self, content_len: usize, buf: &mut BytesMut) {
        if let Some(values) = &self.0 {
            // `write_entries` checks (debug) that it fills exactly `content_len` bytes.
            values.write_entries::<PUBLISH_IDS>(wire::append(buf, content_len));
        }
    }

    /// Reads a Property Length and the properties it covers, enforcing the rules for `ctx`.
    #[inline]
    pub(crate) fn read(r: &mut Reader, ctx: Context) -> Result<Self, DecodeError> {
        let len = r.read_varint()?;
        if len == 0 {
            // The common case, without allocating.
            return Ok(Self(None));
        }
        let mut values = Box::<PropertyValues>::default();
        values.read_list(len, r, ctx)?;
        Ok(Self(Some(values)))
    }
}

impl Deref for Properties {
    type Target = PropertyValues;

    #[inline]
    fn deref(&self) -> &PropertyValues {
        self.0.as_deref().unwrap_or(&EMPTY)
    }
}

impl DerefMut for Properties {
    /// Allocates the values if the list has none yet.
    #[inline]
    fn deref_mut(&mut self) -> &mut PropertyValues {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<PropertyValues> for Properties {
    /// Stores `values` (an empty `values` stays unallocated).
    fn from(values: PropertyValues) -> Self {
        if values.is_empty() {
            Self(None)
        } else {
            Self(Some(Box::new(values)))
        }
    }
}

impl PartialEq for Properties {
    /// Equal when they hold the same properties (however they are stored).
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Properties {}

impl fmt::Debug for Properties {
    /// As a struct named `Properties` with every field of [`PropertyValues`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).debug_fields("Properties", f)
    }
}

/// All MQTT 5.0 properties, typed: what a [`Properties`] list holds.
/// `PropertyValues::default()` has none set.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PropertyValues {
    /// 0x01 Payload Format Indicator (PUBLISH, Will).
    pub payload_format_indicator: Option<PayloadFormat>,
    /// 0x02 Message Expiry Interval in seconds (PUBLISH, Will).
    pub message_expiry_interval: Option<u32>,
    /// 0x03 Content Type (PUBLISH, Will).
    pub content_type: Option<MqttString>,
    /// 0x08 Response Topic, a topic name without wildcards (PUBLISH, Will).
    pub response_topic: Option<Topic>,
    /// 0x09 Correlation Data (PUBLISH, Will).
    pub correlation_data: Option<Bytes>,
    /// 0x0B Subscription Identifiers, 1 to 268,435,455: several in PUBLISH, at most one in SUBSCRIBE.
    pub subscription_identifiers: Vec<u32>,
    /// 0x11 Session Expiry Interval in seconds (CONNECT, CONNACK, DISCONNECT).
    pub session_expiry_interval: Option<u32>,
    /// 0x12 Assigned Client Identifier (CONNACK).
    pub assigned_client_identifier: Option<MqttString>,
    /// 0x13 Server Keep Alive in seconds (CONNACK).
    pub server_keep_alive: Option<u16>,
    /// 0x15 Authentication Method (CONNECT, CONNACK, AUTH).
    pub authentication_method: Option<MqttString>,
    /// 0x16 Authentication Data (CONNECT, CONNACK, AUTH); requires an Authentication Method.
    pub authentication_data: Option<Bytes>,
    /// 0x17 Request Problem Information (CONNECT).
    pub request_problem_information: Option<bool>,
    /// 0x18 Will Delay Interval in seconds (Will).
    pub will_delay_interval: Option<u32>,
    /// 0x19 Request Response Information (CONNECT).
    pub request_response_information: Option<bool>,
    /// 0x1A Response Information (CONNACK).
    pub response_information: Option<MqttString>,
    /// 0x1C Server Reference (CONNACK, DISCONNECT).
    pub server_reference: Option<MqttString>,
    /// 0x1F Reason String (CONNACK, acks, SUBACK, UNSUBACK, DISCONNECT, AUTH).
    pub reason_string: Option<MqttString>,
    /// 0x21 Receive Maximum, non-zero (CONNECT, CONNACK).
    pub receive_maximum: Option<u16>,
    /// 0x22 Topic Alias Maximum (CONNECT, CONNACK).
    pub topic_alias_maximum: Option<u16>,
    /// 0x23 Topic Alias, non-zero (PUBLISH).
    pub topic_alias: Option<u16>,
    /// 0x24 Maximum QoS, 0 or 1 (CONNACK).
    pub maximum_qos: Option<QoS>,
    /// 0x25 Retain Available (CONNACK).
    pub retain_available: Option<bool>,
    /// 0x26 User Properties, in wire order, repeats kept (every packet with properties).
    pub user_properties: Vec<(MqttString, MqttString)>,
    /// 0x27 Maximum Packet Size, non-zero (CONNECT, CONNACK).
    pub maximum_packet_size: Option<u32>,
    /// 0x28 Wildcard Subscription Available (CONNACK).
    pub wildcard_subscription_available: Option<bool>,
    /// 0x29 Subscription Identifier Available (CONNACK).
    pub subscription_identifier_available: Option<bool>,
    /// 0x2A Shared Subscription Available (CONNACK).
    pub shared_subscription_available: Option<bool>,
}

impl fmt::Debug for PropertyValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.debug_fields("PropertyValues", f)
    }
}

/// One property value, borrowed, for size computation and writing.
enum Value<'a> {
    Byte(u8),
    U16(u16),
    U32(u32),
    Varint(u32),
    Str(&'a MqttString),
    Bin(&'a [u8]),
    Pair(&'a MqttString, &'a MqttString),
}

impl Value<'_> {
    fn len(&self) -> usize {
        match self {
            Self::Byte(_) => 1,
            Self::U16(_) => 2,
            Self::U32(_) => 4,
            Self::Varint(v) => varint_len(*v),
            Self::Str(s) => wire::string_len(s),
            Self::Bin(b) => 2 + b.len(),
            Self::Pair(k, v) => wire::string_len(k) + wire::string_len(v),
        }
    }

    /// The reference encoding that `write_entries` is checked against (tests).
    #[cfg(test)]
    fn write(&self, buf: &mut BytesMut) {
        match self {
            Self::Byte(v) => buf.put_u8(*v),
            Self::U16(v) => buf.put_u16(*v),
            Self::U32(v) => buf.put_u32(*v),
            Self::Varint(v) => wire::write_varint(buf, *v),
            Self::Str(s) => wire::write_string(buf, s),
            Self::Bin(b) => wire::write_binary(buf, b),
            Self::Pair(k, v) => {
                wire::write_string(buf, k);
                wire::write_string(buf, v);
            }
        }
    }
}

impl PropertyValues {
    /// No property set.
    pub const EMPTY: Self = Self {
        payload_format_indicator: None,
        message_expiry_interval: None,
        content_type: None,
        response_topic: None,
        correlation_data: None,
        subscription_identifiers: Vec::new(),
        session_expiry_interval: None,
        assigned_client_identifier: None,
        server_keep_alive: None,
        authentication_method: None,
        authentication_data: None,
        request_problem_information: None,
        will_delay_interval: None,
        request_response_information: None,
        response_information: None,
        server_reference: None,
        reason_string: None,
        receive_maximum: None,
        topic_alias_maximum: None,
        topic_alias: None,
        maximum_qos: None,
        retain_available: None,
        user_properties: Vec::new(),
        maximum_packet_size: None,
        wildcard_subscription_available: None,
        subscription_identifier_available: None,
        shared_subscription_available: None,
    };

    /// Whether no property is set.
    pub fn is_empty(&self) -> bool {
        // Field by field (no early exits needed: these are flag tests the compiler combines).
        self.payload_format_indicator.is_none()
            && self.message_expiry_interval.is_none()
            && self.content_type.is_none()
            && self.response_topic.is_none()
            && self.correlation_data.is_none()
            && self.subscription_identifiers.is_empty()
            && self.session_expiry_interval.is_none()
            && self.assigned_client_identifier.is_none()
            && self.server_keep_alive.is_none()
            && self.authentication_method.is_none()
            && self.authentication_data.is_none()
            && self.request_problem_information.is_none()
            && self.will_delay_interval.is_none()
            && self.request_response_information.is_none()
            && self.response_information.is_none()
            && self.server_reference.is_none()
            && self.reason_string.is_none()
            && self.receive_maximum.is_none()
            && self.topic_alias_maximum.is_none()
            && self.topic_alias.is_none()
            && self.maximum_qos.is_none()
            && self.retain_available.is_none()
            && self.user_properties.is_empty()
            && self.maximum_packet_size.is_none()
            && self.wildcard_subscription_available.is_none()
            && self.subscription_identifier_available.is_none()
            && self.shared_subscription_available.is_none()
    }

    fn debug_fields(&self, name: &'static str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("payload_format_indicator", &self.payload_format_indicator)
            .field("message_expiry_interval", &self.message_expiry_interval)
            .field("content_type", &self.content_type)
            .field("response_topic", &self.response_topic)
            .field("correlation_data", &self.correlation_data)
            .field("subscription_identifiers", &self.subscription_identifiers)
            .field("session_expiry_interval", &self.session_expiry_interval)
            .field(
                "assigned_client_identifier",
                &self.assigned_client_identifier,
            )
            .field("server_keep_alive", &self.server_keep_alive)
            .field("authentication_method", &self.authentication_method)
            .field("authentication_data", &self.authentication_data)
            .field(
                "request_problem_information",
                &self.request_problem_information,
            )
            .field("will_delay_interval", &self.will_delay_interval)
            .field(
                "request_response_information",
                &self.request_response_information,
            )
            .field("response_information", &self.response_information)
            .field("server_reference", &self.server_reference)
            .field("reason_string", &self.reason_string)
            .field("receive_maximum", &self.receive_maximum)
            .field("topic_alias_maximum", &self.topic_alias_maximum)
            .field("topic_alias", &self.topic_alias)
            .field("maximum_qos", &self.maximum_qos)
            .field("retain_available", &self.retain_available)
            .field("user_properties", &self.user_properties)
            .field("maximum_packet_size", &self.maximum_packet_size)
            .field(
                "wildcard_subscription_available",
                &self.wildcard_subscription_available,
            )
            .field(
                "subscription_identifier_available",
                &self.subscription_identifier_available,
            )
            .field(
                "shared_subscription_available",
                &self.shared_subscription_available,
            )
            .finish()
    }

    /// Calls `f` with every property that is set, in ascending identifier order.
    fn for_each<'a>(&'a self, mut f: impl FnMut(u8, Value<'a>)) {
        use Value as V;
        if let Some(v) = self.payload_format_indicator {
            f(id::PAYLOAD_FORMAT_INDICATOR, V::Byte(v as u8));
        }
        if let Some(v) = self.message_expiry_interval {
            f(id::MESSAGE_EXPIRY_INTERVAL, V::U32(v));
        }
        if let Some(v) = &self.content_type {
            f(id::CONTENT_TYPE, V::Str(v));
        }
        if let Some(v) = &self.response_topic {
            f(id::RESPONSE_TOPIC, V::Str(v.as_mqtt_str()));
        }
        if let Some(v) = &self.correlation_data {
            f(id::CORRELATION_DATA, V::Bin(v));
        }
        for v in &self.subscription_identifiers {
            f(id::SUBSCRIPTION_IDENTIFIER, V::Varint(*v));
        }
        if let Some(v) = self.session_expiry_interval {
            f(id::SESSION_EXPIRY_INTERVAL, V::U32(v));
        }
        if let Some(v) = &self.assigned_client_identifier {
            f(id::ASSIGNED_CLIENT_IDENTIFIER, V::Str(v));
        }
        if let Some(v) = self.server_keep_alive {
            f(id::SERVER_KEEP_ALIVE, V::U16(v));
        }
        if let Some(v) = &self.authentication_method {
            f(id::AUTHENTICATION_METHOD, V::Str(v));
        }
        if let Some(v) = &self.authentication_data {
            f(id::AUTHENTICATION_DATA, V::Bin(v));
        }
        if let Some(v) = self.request_problem_information {
            f(id::REQUEST_PROBLEM_INFORMATION, V::Byte(u8::from(v)));
        }
        if let Some(v) = self.will_delay_interval {
            f(id::WILL_DELAY_INTERVAL, V::U32(v));
        }
        if let Some(v) = self.request_response_information {
            f(id::REQUEST_RESPONSE_INFORMATION, V::Byte(u8::from(v)));
        }
        if let Some(v) = &self.response_information {
            f(id::RESPONSE_INFORMATION, V::Str(v));
        }
        if let Some(v) = &self.server_reference {
            f(id::SERVER_REFERENCE, V::Str(v));
        }
        if let Some(v) = &self.reason_string {
            f(id::REASON_STRING, V::Str(v));
        }
        if let Some(v) = self.receive_maximum {
            f(id::RECEIVE_MAXIMUM, V::U16(v));
        }
        if let Some(v) = self.topic_alias_maximum {
            f(id::TOPIC_ALIAS_MAXIMUM, V::U16(v));
        }
        if let Some(v) = self.topic_alias {
            f(id::TOPIC_ALIAS, V::U16(v));
        }
        if let Some(v) = self.maximum_qos {
            f(id::MAXIMUM_QOS, V::Byte(v.as_u8()));
        }
        if let Some(v) = self.retain_available {
            f(id::RETAIN_AVAILABLE, V::Byte(u8::from(v)));
        }
        for (k, v) in &self.user_properties {
            f(id::USER_PROPERTY, V::Pair(k, v));
        }
        if let Some(v) = self.maximum_packet_size {
            f(id::MAXIMUM_PACKET_SIZE, V::U32(v));
        }
        if let Some(v) = self.wildcard_subscription_available {
            f(id::WILDCARD_SUBSCRIPTION_AVAILABLE, V::Byte(u8::from(v)));
        }
        if let Some(v) = self.subscription_identifier_available {
            f(id::SUBSCRIPTION_IDENTIFIER_AVAILABLE, V::Byte(u8::from(v)));
        }
        if let Some(v) = self.shared_subscription_available {
            f(id::SHARED_SUBSCRIPTION_AVAILABLE, V::Byte(u8::from(v)));
        }
    }

    /// Validates the properties for `ctx` and returns the size of the property list on the wire,
    /// Property Length prefix included.
    fn wire_len(&self, ctx: Context) -> Result<usize, EncodeError> {
        let len = self.content_len(ctx)?;
        // `content_len` checked that `len` fits a Variable Byte Integer.
        Ok(varint_len(u32::try_from(len).unwrap_or(MAX_VARINT)) + len)
    }

    /// Validates the properties for `ctx` and returns their size on the wire, without the
    /// Property Length prefix: one pass over the fields for a valid list
    /// ([`PropertyValues::valid_len`]), the field-by-field checks for the exact error otherwise.
    #[inline]
    fn content_len(&self, ctx: Context) -> Result<usize, EncodeError> {
        let valid = if ctx == Context::Packet(PacketType::Publish) {
            self.valid_len::<PUBLISH_IDS>(ctx)
        } else {
            self.valid_len::<ALL_IDS>(ctx)
        };
        match valid {
            Some(len) => Ok(len),
            None => self.checked_len(ctx),
        }
    }

    /// The size of the properties without the Property Length prefix if they are valid for `ctx`
    /// (every rule of [`PropertyValues::checked_len`]), `None` if they are not: the rules of
    /// [`PropertyValues::measure`], the identifiers present tested against the context's, and
    /// SUBSCRIBE's single Subscription Identifier.
    #[inline]
    fn valid_len<const IDS: u64>(&self, ctx: Context) -> Option<usize> {
        let (len, present, mut valid) = self.measure::<IDS>();
        valid &= ctx != Context::Packet(PacketType::Subscribe)
            || self.subscription_identifiers.len() <= 1;
        let allowed = ALLOWED_IDS.get(ctx.index()).copied().unwrap_or(0);
        valid &= present & !allowed == 0 && len <= MAX_VARINT as usize;
        valid.then_some(len)
    }

    /// One pass over the fields: the size of the properties without the Property Length prefix,
    /// the identifiers present (one bit each), and whether every value set is valid by the rules
    /// that hold in any packet (no forbidden zero, a Binary Data length that fits, ...). A field
    /// outside `IDS` that is set makes the list invalid.
    #[inline(never)]
    fn measure<const IDS: u64>(&self) -> (usize, u64, bool) {
        let mut present = 0u64;
        let mut len = 0usize;
        let mut valid = true;
        // A property outside `IDS` must be absent (`IDS` is the context's set, or every
        // identifier: then the mask test at the end does the checking).
        macro_rules! absent_unless {
            ($field:ident, $id:ident, $check:block) => {
                if IDS & (1 << id::$id) != 0 {
                    $check
                } else {
                    valid &= self.$field.is_none();
                }
            };
        }
        macro_rules! fixed {
            ($field:ident, $id:ident, $size:expr) => {
                absent_unless!($field, $id, {
                    if self.$field.is_some() {
                        present |= 1 << id::$id;
                        len += 1 + $size;
                    }
                })
            };
        }
        macro_rules! string {
            ($field:ident, $id:ident) => {
                absent_unless!($field, $id, {
                    if let Some(s) = &self.$field {
                        present |= 1 << id::$id;
                        len += 3 + s.len();
                    }
                })
            };
        }
        macro_rules! binary {
            ($field:ident, $id:ident) => {
                absent_unless!($field, $id, {
                    if let Some(b) = &self.$field {
                        present |= 1 << id::$id;
                        len += 3 + b.len();
                        valid &= b.len() <= usize::from(u16::MAX);
                    }
                })
            };
        }
        fixed!(payload_format_indicator, PAYLOAD_FORMAT_INDICATOR, 1);
        fixed!(message_expiry_interval, MESSAGE_EXPIRY_INTERVAL, 4);
        string!(content_type, CONTENT_TYPE);
        if let Some(t) = &self.response_topic {
            present |= 1 << id::RESPONSE_TOPIC;
            len += 3 + t.as_mqtt_str().len();
        }
        binary!(correlation_data, CORRELATION_DATA);
        if !self.subscription_identifiers.is_empty() {
            present |= 1 << id::SUBSCRIPTION_IDENTIFIER;
            for &v in &self.subscription_identifiers {
                valid &= v != 0 && v <= MAX_VARINT;
                len += 1 + varint_len(v);
            }
        }
        fixed!(session_expiry_interval, SESSION_EXPIRY_INTERVAL, 4);
        string!(assigned_client_identifier, ASSIGNED_CLIENT_IDENTIFIER);
        fixed!(server_keep_alive, SERVER_KEEP_ALIVE, 2);
        string!(authentication_method, AUTHENTICATION_METHOD);
        binary!(authentication_data, AUTHENTICATION_DATA);
        valid &= self.authentication_data.is_none() || self.authentication_method.is_some();
        fixed!(request_problem_information, REQUEST_PROBLEM_INFORMATION, 1);
        fixed!(will_delay_interval, WILL_DELAY_INTERVAL, 4);
        fixed!(
            request_response_information,
            REQUEST_RESPONSE_INFORMATION,
            1
        );
        string!(response_information, RESPONSE_INFORMATION);
        string!(server_reference, SERVER_REFERENCE);
        string!(reason_string, REASON_STRING);
        fixed!(receive_maximum, RECEIVE_MAXIMUM, 2);
        valid &= self.receive_maximum != Some(0);
        fixed!(topic_alias_maximum, TOPIC_ALIAS_MAXIMUM, 2);
        fixed!(topic_alias, TOPIC_ALIAS, 2);
        valid &= self.topic_alias != Some(0);
        fixed!(maximum_qos, MAXIMUM_QOS, 1);
        valid &= self.maximum_qos.map_or(true, |q| q.as_u8() <= 1);
        fixed!(retain_available, RETAIN_AVAILABLE, 1);
        if !self.user_properties.is_empty() {
            present |= 1 << id::USER_PROPERTY;
            for (k, v) in &self.user_properties {
                len += 5 + k.len() + v.len();
            }
        }
        fixed!(maximum_packet_size, MAXIMUM_PACKET_SIZE, 4);
        valid &= self.maximum_packet_size != Some(0);
        fixed!(
            wildcard_subscription_available,
            WILDCARD_SUBSCRIPTION_AVAILABLE,
            1
        );
        fixed!(
            subscription_identifier_available,
            SUBSCRIPTION_IDENTIFIER_AVAILABLE,
            1
        );
        fixed!(
            shared_subscription_available,
            SHARED_SUBSCRIPTION_AVAILABLE,
            1
        );
        (len, present, valid)
    }

    /// Validates the properties for `ctx` field by field, reporting the first problem in
    /// identifier order, and returns their size without the Property Length prefix.
    #[cold]
    #[inline(never)]
    fn checked_len(&self, ctx: Context) -> Result<usize, EncodeError> {
        let mut len = 0usize;
        let mut error = None;
        self.for_each(|property, value| {
            if error.is_none() && allowed_in(property) & ctx.bit() == 0 {
                error = Some(EncodeError::PropertyNotAllowed {
                    property,
                    packet_type: ctx.packet_type(),
                });
            }
            let invalid = match value {
                Value::Bin(b) => b.len() > usize::from(u16::MAX),
                Value::U16(0) => property == id::TOPIC_ALIAS || property == id::RECEIVE_MAXIMUM,
                Value::U32(0) => property == id::MAXIMUM_PACKET_SIZE,
                Value::Varint(v) => v == 0 || v > MAX_VARINT,
                Value::Byte(b) => property == id::MAXIMUM_QOS && b > 1,
                _ => false,
            };
            if invalid && error.is_none() {
                error = Some(EncodeError::InvalidPropertyValue { property });
            }
            len += 1 + value.len();
        });
        if let Some(e) = error {
            return Err(e);
        }
        if ctx == Context::Packet(PacketType::Subscribe) && self.subscription_identifiers.len() > 1
        {
            return Err(EncodeError::InvalidPropertyValue {
                property: id::SUBSCRIPTION_IDENTIFIER,
            });
        }
        if self.authentication_data.is_some() && self.authentication_method.is_none() {
            return Err(EncodeError::InvalidPropertyValue {
                property: id::AUTHENTICATION_DATA,
            });
        }
        if len > MAX_VARINT as usize {
            return Err(EncodeError::PacketTooLarge {
                size: len,
                max: MAX_VARINT,
            });
        }
        Ok(len)
    }

    /// Writes the Property Length and the properties. Call [`PropertyValues::wire_len`] first.
    fn write(&self, buf: &mut BytesMut) {
        // The length again, from the validation's own pass (the list was validated).
        let (len, _, _) = self.measure::<ALL_IDS>();
        wire::write_varint(buf, u32::try_from(len).unwrap_or(MAX_VARINT));
        self.write_entries::<ALL_IDS>(wire::append(buf, len));
    }

    /// The size of the properties as [`PropertyValues::for_each`] sees them (debug checks).
    fn written_len(&self) -> usize {
        let mut len = 0;
        self.for_each(|_, value| len += 1 + value.len());
        len
    }

    /// Writes every property that is set, in ascending identifier order (as
    /// [`PropertyValues::for_each`] lists them), without the Property Length.
    fn write_entries<const IDS: u64>(&self, mut w: wire::SliceWriter<'_>) {
        #[cfg(debug_assertions)]
        let room = w.remaining();
        if IDS & (1 << id::PAYLOAD_FORMAT_INDICATOR) != 0 {
            if let Some(v) = self.payload_format_indicator {
                put_u8(&mut w, id::PAYLOAD_FORMAT_INDICATOR, v as u8);
            }
        }
        if IDS & (1 << id::MESSAGE_EXPIRY_INTERVAL) != 0 {
            if let Some(v) = self.message_expiry_interval {
                put_u32(&mut w, id::MESSAGE_EXPIRY_INTERVAL, v);
            }
        }
        if IDS & (1 << id::CONTENT_TYPE) != 0 {
            if let Some(v) = &self.content_type {
                put_string(&mut w, id::CONTENT_TYPE, v);
            }
        }
        if IDS & (1 << id::RESPONSE_TOPIC) != 0 {
            if let Some(v) = &self.response_topic {
                put_string(&mut w, id::RESPONSE_TOPIC, v.as_mqtt_str());
            }
        }
        if IDS & (1 << id::CORRELATION_DATA) != 0 {
            if let Some(v) = &self.correlation_data {
                w.put(&[id::CORRELATION_DATA]);
                w.put_binary(v);
            }
        }
        if IDS & (1 << id::SUBSCRIPTION_IDENTIFIER) != 0 {
            for v in &self.subscription_identifiers {
                w.put(&[id::SUBSCRIPTION_IDENTIFIER]);
                w.put_varint(*v);
            }
        }
        if IDS & (1 << id::SESSION_EXPIRY_INTERVAL) != 0 {
            if let Some(v) = self.session_expiry_interval {
                put_u32(&mut w, id::SESSION_EXPIRY_INTERVAL, v);
            }
        }
        if IDS & (1 << id::ASSIGNED_CLIENT_IDENTIFIER) != 0 {
            if let Some(v) = &self.assigned_client_identifier {
                put_string(&mut w, id::ASSIGNED_CLIENT_IDENTIFIER, v);
            }
        }
        if IDS & (1 << id::SERVER_KEEP_ALIVE) != 0 {
            if let Some(v) = self.server_keep_alive {
                put_u16(&mut w, id::SERVER_KEEP_ALIVE, v);
            }
        }
        if IDS & (1 << id::AUTHENTICATION_METHOD) != 0 {
            if let Some(v) = &self.authentication_method {
                put_string(&mut w, id::AUTHENTICATION_METHOD, v);
            }
        }
        if IDS & (1 << id::AUTHENTICATION_DATA) != 0 {
            if let Some(v) = &self.authentication_data {
                w.put(&[id::AUTHENTICATION_DATA]);
                w.put_binary(v);
            }
        }
        if IDS & (1 << id::REQUEST_PROBLEM_INFORMATION) != 0 {
            if let Some(v) = self.request_problem_information {
                put_u8(&mut w, id::REQUEST_PROBLEM_INFORMATION, u8::from(v));
            }
        }
        if IDS & (1 << id::WILL_DELAY_INTERVAL) != 0 {
            if let Some(v) = self.will_delay_interval {
                put_u32(&mut w, id::WILL_DELAY_INTERVAL, v);
            }
        }
        if IDS & (1 << id::REQUEST_RESPONSE_INFORMATION) != 0 {
            if let Some(v) = self.request_response_information {
                put_u8(&mut w, id::REQUEST_RESPONSE_INFORMATION, u8::from(v));
            }
        }
        if IDS & (1 << id::RESPONSE_INFORMATION) != 0 {
            if let Some(v) = &self.response_information {
                put_string(&mut w, id::RESPONSE_INFORMATION, v);
            }
        }
        if IDS & (1 << id::SERVER_REFERENCE) != 0 {
            if let Some(v) = &self.server_reference {
                put_string(&mut w, id::SERVER_REFERENCE, v);
            }
        }
        if IDS & (1 << id::REASON_STRING) != 0 {
            if let Some(v) = &self.reason_string {
                put_string(&mut w, id::REASON_STRING, v);
            }
        }
        if IDS & (1 << id::RECEIVE_MAXIMUM) != 0 {
            if let Some(v) = self.receive_maximum {
                put_u16(&mut w, id::RECEIVE_MAXIMUM, v);
            }
        }
        if IDS & (1 << id::TOPIC_ALIAS_MAXIMUM) != 0 {
            if let Some(v) = self.topic_alias_maximum {
                put_u16(&mut w, id::TOPIC_ALIAS_MAXIMUM, v);
            }
        }
        if IDS & (1 << id::TOPIC_ALIAS) != 0 {
            if let Some(v) = self.topic_alias {
                put_u16(&mut w, id::TOPIC_ALIAS, v);
            }
        }
        if IDS & (1 << id::MAXIMUM_QOS) != 0 {
            if let Some(v) = self.maximum_qos {
                put_u8(&mut w, id::MAXIMUM_QOS, v.as_u8());
            }
        }
        if IDS & (1 << id::RETAIN_AVAILABLE) != 0 {
            if let Some(v) = self.retain_available {
                put_u8(&mut w, id::RETAIN_AVAILABLE, u8::from(v));
            }
        }
        if IDS & (1 << id::USER_PROPERTY) != 0 {
            for (k, v) in &self.user_properties {
                put_string(&mut w, id::USER_PROPERTY, k);
                w.put_string(v);
            }
        }
        if IDS & (1 << id::MAXIMUM_PACKET_SIZE) != 0 {
            if let Some(v) = self.maximum_packet_size {
                put_u32(&mut w, id::MAXIMUM_PACKET_SIZE, v);
            }
        }
        if IDS & (1 << id::WILDCARD_SUBSCRIPTION_AVAILABLE) != 0 {
            if let Some(v) = self.wildcard_subscription_available {
                put_u8(&mut w, id::WILDCARD_SUBSCRIPTION_AVAILABLE, u8::from(v));
            }
        }
        if IDS & (1 << id::SUBSCRIPTION_IDENTIFIER_AVAILABLE) != 0 {
            if let Some(v) = self.subscription_identifier_available {
                put_u8(&mut w, id::SUBSCRIPTION_IDENTIFIER_AVAILABLE, u8::from(v));
            }
        }
        if IDS & (1 << id::SHARED_SUBSCRIPTION_AVAILABLE) != 0 {
            if let Some(v) = self.shared_subscription_available {
                put_u8(&mut w, id::SHARED_SUBSCRIPTION_AVAILABLE, u8::from(v));
            }
        }
        // As many bytes as the generic walk over `for_each` writes (the bytes themselves are
        // compared with it in `one_pass_size_agrees_with_the_checks`).
        #[cfg(debug_assertions)]
        debug_assert_eq!(
            room - w.remaining(),
            self.written_len(),
            "write_entries and for_each disagree"
        );
        debug_assert_eq!(w.remaining(), 0, "sized for another list");
    }

    /// Reads the `len` bytes of properties that follow a Property Length into `self` (empty),
    /// enforcing the rules for `ctx`.
    fn read_list(&mut self, len: u32, r: &mut Reader, ctx: Context) -> Result<(), DecodeError> {
        let len = usize::try_from(len).map_err(|_| DecodeError::PropertyLengthOverrun)?;
        if len > r.remaining() {
            return Err(DecodeError::PropertyLengthOverrun);
        }
        let mut r = Reader::new(r.read_bytes(len)?);
        while !r.is_empty() {
            let property = r.read_varint()?;
            let property =
                u8::try_from(property).map_err(|_| DecodeError::UnknownProperty(0xFF))?;
            self.read_one(property, &mut r, ctx)?;
        }
        if self.authentication_data.is_some() && self.authentication_method.is_none() {
            return Err(DecodeError::InvalidPropertyValue {
                property: id::AUTHENTICATION_DATA,
            });
        }
        Ok(())
    }

    fn read_one(&mut self, property: u8, r: &mut Reader, ctx: Context) -> Result<(), DecodeError> {
        let allowed = allowed_in(property);
        if allowed == 0 {
            return Err(DecodeError::UnknownProperty(property));
        }
        if allowed & ctx.bit() == 0 {
            return Err(DecodeError::PropertyNotAllowed {
                property,
                packet_type: ctx.packet_type(),
            });
        }
        let invalid = DecodeError::InvalidPropertyValue { property };
        match property {
            id::PAYLOAD_FORMAT_INDICATOR => {
                let v = match r.read_u8()? {
                    0 => PayloadFormat::Unspecified,
                    1 => PayloadFormat::Utf8,
                    _ => return Err(invalid),
                };
                once(&mut self.payload_format_indicator, property, v)
            }
            id::MESSAGE_EXPIRY_INTERVAL => {
                once(&mut self.message_expiry_interval, property, r.read_u32()?)
            }
            id::CONTENT_TYPE => once(&mut self.content_type, property, r.read_string()?),
            id::RESPONSE_TOPIC => {
                let topic =
                    Topic::try_from(r.read_string()?).map_err(DecodeError::InvalidTopicName)?;
                once(&mut self.response_topic, property, topic)
            }
            id::CORRELATION_DATA => once(&mut self.correlation_data, property, r.read_binary()?),
            id::SUBSCRIPTION_IDENTIFIER => {
                let v = r.read_varint()?;
                if v == 0 {
                    return Err(invalid);
                }
                if ctx == Context::Packet(PacketType::Subscribe)
                    && !self.subscription_identifiers.is_empty()
                {
                    return Err(DecodeError::DuplicateProperty(property));
                }
                self.subscription_identifiers.push(v);
                Ok(())
            }
            id::SESSION_EXPIRY_INTERVAL => {
                once(&mut self.session_expiry_interval, property, r.read_u32()?)
            }
            id::ASSIGNED_CLIENT_IDENTIFIER => once(
                &mut self.assigned_client_identifier,
                property,
                r.read_string()?,
            ),
            id::SERVER_KEEP_ALIVE => once(&mut self.server_keep_alive, property, r.read_u16()?),
            id::AUTHENTICATION_METHOD => {
                once(&mut self.authentication_method, property, r.read_string()?)
            }
            id::AUTHENTICATION_DATA => {
                once(&mut self.authentication_data, property, r.read_binary()?)
            }
            id::REQUEST_PROBLEM_INFORMATION => once(
                &mut self.request_problem_information,
                property,
                flag(r, property)?,
            ),
            id::WILL_DELAY_INTERVAL => once(&mut self.will_delay_interval, property, r.read_u32()?),
            id::REQUEST_RESPONSE_INFORMATION => once(
                &mut self.request_response_information,
                property,
                flag(r, property)?,
            ),
            id::RESPONSE_INFORMATION => {
                once(&mut self.response_information, property, r.read_string()?)
            }
            id::SERVER_REFERENCE => once(&mut self.server_reference, property, r.read_string()?),
            id::REASON_STRING => once(&mut self.reason_string, property, r.read_string()?),
            id::RECEIVE_MAXIMUM => {
                let v = r.read_u16()?;
                if v == 0 {
                    return Err(invalid);
                }
                once(&mut self.receive_maximum, property, v)
            }
            id::TOPIC_ALIAS_MAXIMUM => once(&mut self.topic_alias_maximum, property, r.read_u16()?),
            id::TOPIC_ALIAS => {
                let v = r.read_u16()?;
                if v == 0 {
                    return Err(invalid);
                }
                once(&mut self.topic_alias, property, v)
            }
            id::MAXIMUM_QOS => {
                let v = match r.read_u8()? {
                    0 => QoS::AtMostOnce,
                    1 => QoS::AtLeastOnce,
                    _ => return Err(invalid),
                };
                once(&mut self.maximum_qos, property, v)
            }
            id::RETAIN_AVAILABLE => once(&mut self.retain_available, property, flag(r, property)?),
            id::USER_PROPERTY => {
                let k = r.read_string()?;
                let v = r.read_string()?;
                self.user_properties.push((k, v));
                Ok(())
            }
            id::MAXIMUM_PACKET_SIZE => {
                let v = r.read_u32()?;
                if v == 0 {
                    return Err(invalid);
                }
                once(&mut self.maximum_packet_size, property, v)
            }
            id::WILDCARD_SUBSCRIPTION_AVAILABLE => once(
                &mut self.wildcard_subscription_available,
                property,
                flag(r, property)?,
            ),
            id::SUBSCRIPTION_IDENTIFIER_AVAILABLE => once(
                &mut self.subscription_identifier_available,
                property,
                flag(r, property)?,
            ),
            id::SHARED_SUBSCRIPTION_AVAILABLE => once(
                &mut self.shared_subscription_available,
                property,
                flag(r, property)?,
            ),
            _ => Err(DecodeError::UnknownProperty(property)),
        }
    }
}

/// A property identifier and a Byte, in one write.
#[inline]
fn put_u8(w: &mut wire::SliceWriter<'_>, property: u8, v: u8) {
    w.put(&[property, v]);
}

/// A property identifier and a Two Byte Integer, in one write.
#[inline]
fn put_u16(w: &mut wire::SliceWriter<'_>, property: u8, v: u16) {
    let [a, b] = v.to_be_bytes();
    w.put(&[property, a, b]);
}

/// A property identifier and a Four Byte Integer, in one write.
#[inline]
fn put_u32(w: &mut wire::SliceWriter<'_>, property: u8, v: u32) {
    let [a, b, c, d] = v.to_be_bytes();
    w.put(&[property, a, b, c, d]);
}

/// A property identifier and a UTF-8 Encoded String, the identifier and length prefix in one
/// write.
#[inline]
fn put_string(w: &mut wire::SliceWriter<'_>, property: u8, s: &MqttString) {
    // An `MqttString` is at most 65,535 bytes (checked when it is made): no truncation.
    let [a, b] = (s.len() as u16).to_be_bytes();
    w.put(&[property, a, b]);
    w.put(s.as_bytes());
}

fn once<T>(slot: &mut Option<T>, property: u8, value: T) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(DecodeError::DuplicateProperty(property));
    }
    *slot = Some(value);
    Ok(())
}

fn flag(r: &mut Reader, property: u8) -> Result<bool, DecodeError> {
    match r.read_u8()? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(DecodeError::InvalidPropertyValue { property }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    /// Lists with one property set (valid and invalid values) and the combined rules.
    fn samples() -> Vec<PropertyValues> {
        let s = || Some(MqttString::from("text"));
        let big = Bytes::from(alloc::vec![7u8; 70_000]);
        let one = |f: &dyn Fn(&mut PropertyValues)| {
            let mut p = PropertyValues::default();
            f(&mut p);
            p
        };
        alloc::vec![
            one(&|p| p.payload_format_indicator = Some(PayloadFormat::Utf8)),
            one(&|p| p.message_expiry_interval = Some(0)),
            one(&|p| p.content_type = s()),
            one(&|p| p.response_topic = Topic::new("a/b").ok()),
            one(&|p| p.correlation_data = Some(Bytes::from_static(b"id"))),
            one(&|p| p.correlation_data = Some(big.clone())),
            one(&|p| p.subscription_identifiers = alloc::vec![1]),
            one(&|p| p.subscription_identifiers = alloc::vec![0]),
            one(&|p| p.subscription_identifiers = alloc::vec![MAX_VARINT + 1]),
            one(&|p| p.subscription_identifiers = alloc::vec![5, 200_000]),
            one(&|p| p.session_expiry_interval = Some(9)),
            one(&|p| p.assigned_client_identifier = s()),
            one(&|p| p.server_keep_alive = Some(0)),
            one(&|p| p.authentication_method = s()),
            one(&|p| p.authentication_data = Some(Bytes::from_static(b"d"))),
            one(&|p| {
                p.authentication_method = s();
                p.authentication_data = Some(big.clone());
            }),
            one(&|p| {
                p.authentication_method = s();
                p.authentication_data = Some(Bytes::from_static(b"d"));
            }),
            one(&|p| p.request_problem_information = Some(false)),
            one(&|p| p.will_delay_interval = Some(3)),
            one(&|p| p.request_response_information = Some(true)),
            one(&|p| p.response_information = s()),
            one(&|p| p.server_reference = s()),
            one(&|p| p.reason_string = s()),
            one(&|p| p.receive_maximum = Some(0)),
            one(&|p| p.receive_maximum = Some(1)),
            one(&|p| p.topic_alias_maximum = Some(0)),
            one(&|p| p.topic_alias = Some(0)),
            one(&|p| p.topic_alias = Some(1)),
            one(&|p| p.maximum_qos = Some(QoS::AtLeastOnce)),
            one(&|p| p.maximum_qos = Some(QoS::ExactlyOnce)),
            one(&|p| p.retain_available = Some(true)),
            one(&|p| p.user_properties = alloc::vec![(s().unwrap_or_default(), "v".into()); 30]),
            one(&|p| p.maximum_packet_size = Some(0)),
            one(&|p| p.maximum_packet_size = Some(1)),
            one(&|p| p.wildcard_subscription_available = Some(true)),
            one(&|p| p.subscription_identifier_available = Some(false)),
            one(&|p| p.shared_subscription_available = Some(true)),
            one(&|p| {
                p.topic_alias = Some(0);
                p.reason_string = s();
            }),
        ]
    }

    /// The one-pass size agrees with the field-by-field checks in every context, and the
    /// direct writer (with the Property Length patched afterwards, short or long) with the sizes.
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn one_pass_size_agrees_with_the_checks() {
        let contexts = (1..16)
            .filter_map(PacketType::from_u8)
            .map(Context::Packet)
            .chain([Context::Will]);
        let mut accepted = 0;
        for ctx in contexts {
            for p in samples() {
                let checked = p.checked_len(ctx);
                assert_eq!(
                    p.valid_len::<ALL_IDS>(ctx),
                    checked.clone().ok(),
                    "{p:?} in {ctx:?}"
                );
                assert_eq!(p.content_len(ctx), checked, "{p:?} in {ctx:?}");
                if let Ok(len) = checked {
                    accepted += 1;
                    let mut buf = BytesMut::from(&b"xy"[..]);
                    p.write(&mut buf);
                    assert_eq!(buf.len(), 2 + p.wire_len(ctx).unwrap_or_default());
                    let mut r = Reader::new(buf.freeze().slice(2..));
                    assert_eq!(r.read_varint().ok(), u32::try_from(len).ok());
                    assert_eq!(r.remaining(), len);
                    // The same bytes as the generic walk over `for_each`.
                    let mut reference = BytesMut::new();
                    p.for_each(|property, value| {
                        reference.put_u8(property);
                        value.write(&mut reference);
                    });
                    assert_eq!(r.peek_rest(), &reference[..], "{p:?}");
                    // PUBLISH's own path writes the same bytes.
                    if ctx == Context::Packet(PacketType::Publish) {
                        let mut entries = BytesMut::new();
                        Properties::from(p.clone()).write_publish_entries(len, &mut entries);
                        assert_eq!(&entries[..], &reference[..], "{p:?}");
                    }
                }
            }
        }
        assert!(accepted > 30, "{accepted}");
    }
}
