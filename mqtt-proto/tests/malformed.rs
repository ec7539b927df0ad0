//! One test per normative statement on the packet format: the offending bytes must be rejected with
//! the specific error, the statement id, and the reason code MQTT 5.0 prescribes (0x81 Malformed
//! Packet, 0x82 Protocol Error, or a specific code).
// Tests may panic: a panic is a test failure.
#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use mqtt_proto::{
    DecodeError, Packet, PacketType, ProtocolVersion, ReasonCode, StringError, TopicError,
};

use ProtocolVersion::{V311, V5};

const MALFORMED: u8 = 0x81;
const PROTOCOL: u8 = 0x82;

/// A frame with a one-byte remaining length computed from `body`.
fn frame(first: u8, body: &[u8]) -> Vec<u8> {
    assert!(body.len() < 128);
    let mut f = vec![first, body.len() as u8];
    f.extend_from_slice(body);
    f
}

/// Body fragment: a length-prefixed string.
fn st(s: &[u8]) -> Vec<u8> {
    let mut v = (s.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(s);
    v
}

/// A 5.0 property list: length prefix (one byte) and the properties.
fn props(p: &[u8]) -> Vec<u8> {
    let mut v = vec![p.len() as u8];
    v.extend_from_slice(p);
    v
}

fn connect_v5(props_bytes: &[u8]) -> Vec<u8> {
    let body = [
        &st(b"MQTT")[..],
        &[5, 0x02, 0, 60],
        &props(props_bytes),
        &st(b"c"),
    ]
    .concat();
    frame(0x10, &body)
}

fn connack_v5(props_bytes: &[u8]) -> Vec<u8> {
    frame(0x20, &[&[0x00, 0x00][..], &props(props_bytes)].concat())
}

fn publish_v5(props_bytes: &[u8]) -> Vec<u8> {
    frame(
        0x30,
        &[&st(b"t")[..], &props(props_bytes), b"payload"].concat(),
    )
}

fn decode(v: ProtocolVersion, bytes: &[u8]) -> Result<Packet, DecodeError> {
    Packet::decode(v, Bytes::copy_from_slice(bytes))
}

#[track_caller]
fn reject(v: ProtocolVersion, bytes: &[u8], expected: DecodeError, reason: u8, rule: &str) {
    let err = decode(v, bytes).expect_err("must be rejected");
    assert_eq!(err, expected);
    assert_eq!(
        err.reason_code(),
        ReasonCode(reason),
        "reason code of {err}"
    );
    assert_eq!(err.rule(), rule);
    assert!(
        err.to_string().contains(rule),
        "display names the rule: {err}"
    );
}

// ------------------------------------------------------------------ fixed header

#[test]
fn mqtt_2_1_3_1_reserved_fixed_header_flags() {
    for (first, packet_type) in [
        (0x11, PacketType::Connect),
        (0x21, PacketType::ConnAck),
        (0x48, PacketType::PubAck),
        (0x51, PacketType::PubRec),
        (0x72, PacketType::PubComp),
        (0x94, PacketType::SubAck),
        (0xB1, PacketType::UnsubAck),
        (0xC1, PacketType::PingReq),
        (0xD8, PacketType::PingResp),
        (0xE2, PacketType::Disconnect),
        (0xF1, PacketType::Auth),
    ] {
        let flags = first & 0x0F;
        reject(
            V5,
            &[first, 0x00],
            DecodeError::InvalidFixedHeaderFlags { packet_type, flags },
            MALFORMED,
            "MQTT-2.1.3-1",
        );
    }
}

#[test]
fn mqtt_3_6_1_1_pubrel_flags_must_be_0010() {
    reject(
        V311,
        &[0x60, 0x02, 0x00, 0x01],
        DecodeError::InvalidFixedHeaderFlags {
            packet_type: PacketType::PubRel,
            flags: 0,
        },
        MALFORMED,
        "MQTT-3.6.1-1",
    );
}

#[test]
fn mqtt_3_8_1_1_subscribe_flags_must_be_0010() {
    let body = [&[0x00, 0x01][..], &st(b"a"), &[0x00]].concat();
    reject(
        V311,
        &frame(0x80, &body),
        DecodeError::InvalidFixedHeaderFlags {
            packet_type: PacketType::Subscribe,
            flags: 0,
        },
        MALFORMED,
        "MQTT-3.8.1-1",
    );
}

#[test]
fn mqtt_3_10_1_1_unsubscribe_flags_must_be_0010() {
    let body = [&[0x00, 0x01][..], &st(b"a")].concat();
    reject(
        V311,
        &frame(0xA3, &body),
        DecodeError::InvalidFixedHeaderFlags {
            packet_type: PacketType::Unsubscribe,
            flags: 3,
        },
        MALFORMED,
        "MQTT-3.10.1-1",
    );
}

#[test]
fn mqtt_2_1_2_packet_type_0_is_reserved() {
    reject(
        V5,
        &[0x00, 0x00],
        DecodeError::InvalidPacketType {
            value: 0,
            version: V5,
        },
        MALFORMED,
        "MQTT 2.1.2",
    );
}

#[test]
fn mqtt_2_1_2_auth_does_not_exist_in_3_1_1() {
    reject(
        V311,
        &[0xF0, 0x00],
        DecodeError::InvalidPacketType {
            value: 15,
            version: V311,
        },
        MALFORMED,
        "MQTT 2.1.2",
    );
}

#[test]
fn mqtt_1_5_5_1_non_minimal_variable_byte_integer() {
    // Remaining length 0 encoded in two bytes.
    reject(
        V5,
        &[0xC0, 0x80, 0x00],
        DecodeError::VarintNotMinimal,
        MALFORMED,
        "MQTT-1.5.5-1",
    );
    // Property length 0 encoded in two bytes.
    let body = [&[0x00, 0x01, 0x00][..], &[0x80, 0x00]].concat();
    reject(
        V5,
        &frame(0x40, &body),
        DecodeError::VarintNotMinimal,
        MALFORMED,
        "MQTT-1.5.5-1",
    );
    // Subscription identifier 1 encoded in two bytes.
    reject(
        V5,
        &publish_v5(&[0x0B, 0x81, 0x00]),
        DecodeError::VarintNotMinimal,
        MALFORMED,
        "MQTT-1.5.5-1",
    );
}

#[test]
fn mqtt_1_5_5_variable_byte_integer_at_most_four_bytes() {
    reject(
        V5,
        &[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
        DecodeError::VarintTooLong,
        MALFORMED,
        "MQTT 1.5.5",
    );
}

#[test]
fn mqtt_2_1_4_remaining_length_longer_than_frame_is_truncated() {
    reject(
        V311,
        &[0x40, 0x02, 0x00],
        DecodeError::Truncated,
        MALFORMED,
        "MQTT 2.1.4",
    );
    // Fixed header itself cut short.
    reject(
        V311,
        &[0x30, 0x80],
        DecodeError::Truncated,
        MALFORMED,
        "MQTT 2.1.4",
    );
    reject(V311, &[], DecodeError::Truncated, MALFORMED, "MQTT 2.1.4");
}

#[test]
fn mqtt_2_1_4_field_running_past_the_packet_is_truncated() {
    // Topic length says 10, only 3 bytes follow (the remaining length is consistent).
    reject(
        V311,
        &[0x30, 0x05, 0x00, 0x0A, b'a', b'b', b'c'],
        DecodeError::Truncated,
        MALFORMED,
        "MQTT 2.1.4",
    );
    // PUBACK with a one-byte packet identifier.
    reject(
        V311,
        &[0x40, 0x01, 0x00],
        DecodeError::Truncated,
        MALFORMED,
        "MQTT 2.1.4",
    );
    // CONNECT cut inside the flags.
    reject(
        V311,
        &frame(0x10, &[&st(b"MQTT")[..], &[4]].concat()),
        DecodeError::Truncated,
        MALFORMED,
        "MQTT 2.1.4",
    );
}

#[test]
fn mqtt_2_1_4_trailing_bytes_after_the_packet() {
    // Frame longer than its remaining length.
    reject(
        V311,
        &[0x40, 0x02, 0x00, 0x01, 0xFF],
        DecodeError::TrailingBytes {
            packet_type: PacketType::PubAck,
        },
        MALFORMED,
        "MQTT 2.1.4",
    );
    // 3.1.1 PUBACK with a reason code byte.
    reject(
        V311,
        &[0x40, 0x03, 0x00, 0x01, 0x00],
        DecodeError::TrailingBytes {
            packet_type: PacketType::PubAck,
        },
        MALFORMED,
        "MQTT 2.1.4",
    );
    // CONNACK 3.1.1 with an extra byte.
    reject(
        V311,
        &[0x20, 0x03, 0x00, 0x00, 0x00],
        DecodeError::TrailingBytes {
            packet_type: PacketType::ConnAck,
        },
        MALFORMED,
        "MQTT 2.1.4",
    );
}

#[test]
fn mqtt_3_12_pingreq_and_pingresp_have_no_body() {
    for (first, packet_type) in [(0xC0, PacketType::PingReq), (0xD0, PacketType::PingResp)] {
        reject(
            V5,
            &[first, 0x01, 0x00],
            DecodeError::TrailingBytes { packet_type },
            MALFORMED,
            "MQTT 2.1.4",
        );
    }
}

#[test]
fn mqtt_3_14_v311_disconnect_has_no_body() {
    reject(
        V311,
        &[0xE0, 0x01, 0x00],
        DecodeError::TrailingBytes {
            packet_type: PacketType::Disconnect,
        },
        MALFORMED,
        "MQTT 2.1.4",
    );
}

// ------------------------------------------------------------------ strings

#[test]
fn mqtt_1_5_4_1_invalid_utf8() {
    for bad in [&[0xFF][..], &[0xC3], &[0xED, 0xA0, 0x80], &[0xC0, 0xAF]] {
        let body = [&st(bad)[..], b"x"].concat();
        reject(
            V311,
            &frame(0x30, &body),
            DecodeError::InvalidString(StringError::InvalidUtf8),
            MALFORMED,
            "MQTT-1.5.4-1",
        );
    }
    // In a CONNECT client identifier.
    let body = [&st(b"MQTT")[..], &[4, 0x02, 0, 0], &st(&[0xFE])].concat();
    reject(
        V311,
        &frame(0x10, &body),
        DecodeError::InvalidString(StringError::InvalidUtf8),
        MALFORMED,
        "MQTT-1.5.4-1",
    );
}

#[test]
fn mqtt_1_5_4_2_null_character() {
    reject(
        V311,
        &frame(0x30, &[&st(b"a\0b")[..], b"x"].concat()),
        DecodeError::InvalidString(StringError::NullCharacter),
        MALFORMED,
        "MQTT-1.5.4-2",
    );
    // In a user property.
    reject(
        V5,
        &publish_v5(&[&[0x26][..], &st(b"k\0"), &st(b"v")].concat()),
        DecodeError::InvalidString(StringError::NullCharacter),
        MALFORMED,
        "MQTT-1.5.4-2",
    );
}

// ------------------------------------------------------------------ PUBLISH

#[test]
fn mqtt_3_3_1_4_publish_qos_3() {
    reject(
        V311,
        &frame(0x36, &[&st(b"t")[..], &[0, 1]].concat()),
        DecodeError::InvalidQoS,
        MALFORMED,
        "MQTT-3.3.1-4",
    );
}

#[test]
fn mqtt_3_3_1_2_dup_on_qos_0() {
    reject(
        V5,
        &frame(0x38, &[&st(b"t")[..], &[0]].concat()),
        DecodeError::DupWithQoS0,
        MALFORMED,
        "MQTT-3.3.1-2",
    );
}

#[test]
fn mqtt_3_3_2_2_topic_name_without_wildcards() {
    for topic in [&b"a/+"[..], b"#", b"a/b#"] {
        reject(
            V311,
            &frame(0x30, &[&st(topic)[..], b"x"].concat()),
            DecodeError::InvalidTopicName(TopicError::WildcardInTopicName),
            0x90,
            "MQTT-3.3.2-2",
        );
    }
}

#[test]
fn mqtt_4_7_3_1_v311_topic_name_not_empty() {
    reject(
        V311,
        &frame(0x30, &[&st(b"")[..], b"x"].concat()),
        DecodeError::InvalidTopicName(TopicError::Empty),
        0x90,
        "MQTT-4.7.3-1",
    );
}

#[test]
fn mqtt_3_3_2_3_4_v5_empty_topic_requires_topic_alias() {
    let body = [&st(b"")[..], &[0], b"x"].concat();
    reject(
        V5,
        &frame(0x30, &body),
        DecodeError::EmptyTopicWithoutAlias,
        PROTOCOL,
        "MQTT 3.3.2.3.4",
    );
}

#[test]
fn mqtt_2_2_1_3_packet_identifier_not_zero() {
    let publish = frame(0x32, &[&st(b"t")[..], &[0, 0]].concat());
    reject(
        V311,
        &publish,
        DecodeError::ZeroPacketId,
        PROTOCOL,
        "MQTT-2.2.1-3",
    );
    for first in [0x40, 0x50, 0x62, 0x70] {
        reject(
            V5,
            &[first, 0x02, 0x00, 0x00],
            DecodeError::ZeroPacketId,
            PROTOCOL,
            "MQTT-2.2.1-3",
        );
    }
    let subscribe = frame(0x82, &[&[0, 0][..], &st(b"a"), &[0]].concat());
    reject(
        V311,
        &subscribe,
        DecodeError::ZeroPacketId,
        PROTOCOL,
        "MQTT-2.2.1-3",
    );
    reject(
        V311,
        &[0xB0, 0x02, 0x00, 0x00],
        DecodeError::ZeroPacketId,
        PROTOCOL,
        "MQTT-2.2.1-3",
    );
}

// ------------------------------------------------------------------ properties

#[test]
fn mqtt_2_2_2_2_duplicate_property_is_protocol_error() {
    let dup_session_expiry = [0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2];
    reject(
        V5,
        &connect_v5(&dup_session_expiry),
        DecodeError::DuplicateProperty(0x11),
        PROTOCOL,
        "MQTT 2.2.2.2",
    );
    reject(
        V5,
        &connack_v5(&[0x24, 0, 0x24, 1]),
        DecodeError::DuplicateProperty(0x24),
        PROTOCOL,
        "MQTT 2.2.2.2",
    );
    let two_reason_strings = [&[0x1F][..], &st(b"a"), &[0x1F], &st(b"b")].concat();
    reject(
        V5,
        &frame(
            0x40,
            &[&[0, 1, 0x80][..], &props(&two_reason_strings)].concat(),
        ),
        DecodeError::DuplicateProperty(0x1F),
        PROTOCOL,
        "MQTT 2.2.2.2",
    );
    // SUBSCRIBE may carry only one Subscription Identifier.
    let body = [&[0, 1][..], &props(&[0x0B, 1, 0x0B, 2]), &st(b"a"), &[0]].concat();
    reject(
        V5,
        &frame(0x82, &body),
        DecodeError::DuplicateProperty(0x0B),
        PROTOCOL,
        "MQTT 2.2.2.2",
    );
}

#[test]
fn mqtt_2_2_2_2_repeatable_properties_keep_order() {
    let user = |k: &[u8], v: &[u8]| [&[0x26][..], &st(k), &st(v)].concat();
    let p = [
        user(b"a", b"1"),
        user(b"b", b"2"),
        user(b"a", b"3"),
        vec![0x0B, 1, 0x0B, 2],
    ]
    .concat();
    let Packet::Publish(publish) = decode(V5, &publish_v5(&p)).unwrap() else {
        panic!("not a PUBLISH")
    };
    let pairs: Vec<(&str, &str)> = publish
        .properties
        .user_properties
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(pairs, [("a", "1"), ("b", "2"), ("a", "3")]);
    assert_eq!(publish.properties.subscription_identifiers, [1, 2]);
}

#[test]
fn mqtt_2_2_2_2_property_not_allowed_in_packet_is_malformed() {
    // Topic Alias in CONNACK.
    reject(
        V5,
        &connack_v5(&[0x23, 0, 1]),
        DecodeError::PropertyNotAllowed {
            property: 0x23,
            packet_type: Some(PacketType::ConnAck),
        },
        MALFORMED,
        "MQTT 2.2.2.2",
    );
    // Will Delay Interval in the CONNECT properties rather than the Will Properties.
    reject(
        V5,
        &connect_v5(&[0x18, 0, 0, 0, 1]),
        DecodeError::PropertyNotAllowed {
            property: 0x18,
            packet_type: Some(PacketType::Connect),
        },
        MALFORMED,
        "MQTT 2.2.2.2",
    );
    // Session Expiry Interval in PUBLISH.
    reject(
        V5,
        &publish_v5(&[0x11, 0, 0, 0, 1]),
        DecodeError::PropertyNotAllowed {
            property: 0x11,
            packet_type: Some(PacketType::Publish),
        },
        MALFORMED,
        "MQTT 2.2.2.2",
    );
    // Session Expiry Interval in the Will Properties.
    let body = [
        &st(b"MQTT")[..],
        &[5, 0x06, 0, 60, 0],
        &st(b"c"),
        &props(&[0x11, 0, 0, 0, 1]),
        &st(b"w"),
        &st(b"p"),
    ]
    .concat();
    reject(
        V5,
        &frame(0x10, &body),
        DecodeError::PropertyNotAllowed {
            property: 0x11,
            packet_type: None,
        },
        MALFORMED,
        "MQTT 2.2.2.2",
    );
    // Reason String in UNSUBSCRIBE.
    let body = [
        &[0, 1][..],
        &props(&[&[0x1F][..], &st(b"r")].concat()),
        &st(b"a"),
    ]
    .concat();
    reject(
        V5,
        &frame(0xA2, &body),
        DecodeError::PropertyNotAllowed {
            property: 0x1F,
            packet_type: Some(PacketType::Unsubscribe),
        },
        MALFORMED,
        "MQTT 2.2.2.2",
    );
}

#[test]
fn mqtt_2_2_2_2_unknown_property_is_malformed() {
    reject(
        V5,
        &connack_v5(&[0x7F, 0]),
        DecodeError::UnknownProperty(0x7F),
        MALFORMED,
        "MQTT 2.2.2.2",
    );
    reject(
        V5,
        &connack_v5(&[0x00]),
        DecodeError::UnknownProperty(0x00),
        MALFORMED,
        "MQTT 2.2.2.2",
    );
}

#[test]
fn mqtt_2_2_2_1_property_length_overrunning_the_packet() {
    // Property length 10, 2 bytes left.
    reject(
        V5,
        &[0x40, 0x05, 0x00, 0x01, 0x80, 0x0A, 0x1F],
        DecodeError::PropertyLengthOverrun,
        MALFORMED,
        "MQTT 2.2.2.1",
    );
}

#[test]
fn mqtt_3_3_2_3_4_topic_alias_zero_is_topic_alias_invalid() {
    reject(
        V5,
        &publish_v5(&[0x23, 0, 0]),
        DecodeError::InvalidPropertyValue { property: 0x23 },
        0x94,
        "MQTT 2.2.2.2",
    );
}

#[test]
fn mqtt_2_2_2_2_forbidden_property_values_are_protocol_errors() {
    for (packet, property) in [
        (connect_v5(&[0x21, 0, 0]), 0x21),       // Receive Maximum 0
        (connect_v5(&[0x27, 0, 0, 0, 0]), 0x27), // Maximum Packet Size 0
        (connect_v5(&[0x17, 2]), 0x17),          // Request Problem Information 2
        (connect_v5(&[0x19, 2]), 0x19),          // Request Response Information 2
        (connack_v5(&[0x24, 2]), 0x24),          // Maximum QoS 2
        (connack_v5(&[0x25, 2]), 0x25),          // Retain Available 2
        (connack_v5(&[0x28, 2]), 0x28),          // Wildcard Subscription Available 2
        (connack_v5(&[0x29, 5]), 0x29),          // Subscription Identifier Available 5
        (connack_v5(&[0x2A, 0xFF]), 0x2A),       // Shared Subscription Available 255
        (publish_v5(&[0x01, 2]), 0x01),          // Payload Format Indicator 2
        (publish_v5(&[0x0B, 0]), 0x0B),          // Subscription Identifier 0
        (connack_v5(&[0x16, 0, 1, 9]), 0x16),    // Authentication Data without Method
    ] {
        reject(
            V5,
            &packet,
            DecodeError::InvalidPropertyValue { property },
            PROTOCOL,
            "MQTT 2.2.2.2",
        );
    }
}

#[test]
fn mqtt_3_3_2_14_response_topic_without_wildcards() {
    reject(
        V5,
        &publish_v5(&[&[0x08][..], &st(b"r/#")].concat()),
        DecodeError::InvalidTopicName(TopicError::WildcardInTopicName),
        0x90,
        "MQTT-3.3.2-2",
    );
}

// ------------------------------------------------------------------ reason codes

#[test]
fn mqtt_2_4_reason_code_not_valid_for_packet() {
    for (bytes, packet_type, code) in [
        (vec![0x40, 0x03, 0x00, 0x01, 0x81], PacketType::PubAck, 0x81),
        (vec![0x50, 0x03, 0x00, 0x01, 0x92], PacketType::PubRec, 0x92),
        (vec![0x62, 0x03, 0x00, 0x01, 0x10], PacketType::PubRel, 0x10),
        (
            vec![0x70, 0x03, 0x00, 0x01, 0x80],
            PacketType::PubComp,
            0x80,
        ),
        (vec![0xE0, 0x01, 0x91], PacketType::Disconnect, 0x91),
        (vec![0xF0, 0x01, 0x01], PacketType::Auth, 0x01),
        (
            vec![0xB0, 0x04, 0x00, 0x01, 0x00, 0x02],
            PacketType::UnsubAck,
            0x02,
        ),
    ] {
        let err = decode(V5, &bytes).unwrap_err();
        assert!(
            matches!(err, DecodeError::InvalidReasonCode { packet_type: t, code: c, .. } if t == packet_type && c == code),
            "{err:?}"
        );
        assert_eq!(err.reason_code(), ReasonCode::MALFORMED_PACKET);
    }
    reject(
        V5,
        &[0x20, 0x03, 0x00, 0x04, 0x00],
        DecodeError::InvalidReasonCode {
            packet_type: PacketType::ConnAck,
            code: 0x04,
            rule: "MQTT 3.2.2.2",
        },
        MALFORMED,
        "MQTT 3.2.2.2",
    );
    reject(
        V5,
        &[0x90, 0x04, 0x00, 0x01, 0x00, 0x11],
        DecodeError::InvalidReasonCode {
            packet_type: PacketType::SubAck,
            code: 0x11,
            rule: "MQTT 3.9.3",
        },
        MALFORMED,
        "MQTT 3.9.3",
    );
}

#[test]
fn mqtt_3_9_3_2_v311_suback_return_codes() {
    reject(
        V311,
        &[0x90, 0x03, 0x00, 0x01, 0x03],
        DecodeError::InvalidReasonCode {
            packet_type: PacketType::SubAck,
            code: 0x03,
            rule: "MQTT-3.9.3-2",
        },
        MALFORMED,
        "MQTT-3.9.3-2",
    );
    // 5.0 codes like 0x87 do not exist in 3.1.1.
    assert!(decode(V311, &[0x90, 0x03, 0x00, 0x01, 0x87]).is_err());
}

#[test]
fn mqtt_3_2_2_3_v311_connack_return_code_reserved() {
    reject(
        V311,
        &[0x20, 0x02, 0x00, 0x06],
        DecodeError::InvalidReasonCode {
            packet_type: PacketType::ConnAck,
            code: 6,
            rule: "MQTT 3.2.2.3",
        },
        MALFORMED,
        "MQTT 3.2.2.3",
    );
}

#[test]
fn mqtt_3_9_3_suback_needs_a_reason_code() {
    reject(
        V311,
        &[0x90, 0x02, 0x00, 0x01],
        DecodeError::NoReasonCodes {
            packet_type: PacketType::SubAck,
        },
        MALFORMED,
        "MQTT 3.9.3",
    );
}

// ------------------------------------------------------------------ CONNECT / CONNACK

fn connect_body(name: &[u8], level: u8, flags: u8) -> Vec<u8> {
    [&st(name)[..], &[level, flags, 0, 60], &st(b"c")].concat()
}

#[test]
fn mqtt_3_1_2_1_protocol_name() {
    reject(
        V311,
        &frame(0x10, &connect_body(b"MQTX", 4, 2)),
        DecodeError::InvalidProtocolName,
        0x84,
        "MQTT-3.1.2-1",
    );
    reject(
        V311,
        &frame(0x10, &connect_body(b"mqtt", 4, 2)),
        DecodeError::InvalidProtocolName,
        0x84,
        "MQTT-3.1.2-1",
    );
}

#[test]
fn mqtt_3_1_2_2_protocol_level() {
    reject(
        V311,
        &frame(0x10, &connect_body(b"MQTT", 6, 2)),
        DecodeError::UnsupportedProtocolLevel(6),
        0x84,
        "MQTT-3.1.2-2",
    );
    // "MQTT" is not level 3 and "MQIsdp" is only level 3.
    reject(
        V311,
        &frame(0x10, &connect_body(b"MQTT", 3, 2)),
        DecodeError::UnsupportedProtocolLevel(3),
        0x84,
        "MQTT-3.1.2-2",
    );
    reject(
        V311,
        &frame(0x10, &connect_body(b"MQIsdp", 4, 2)),
        DecodeError::UnsupportedProtocolLevel(4),
        0x84,
        "MQTT-3.1.2-2",
    );
}

#[test]
fn mqtt_3_1_2_3_connect_reserved_flag_must_be_zero() {
    reject(
        V311,
        &frame(0x10, &connect_body(b"MQTT", 4, 0x03)),
        DecodeError::ConnectReservedFlag,
        MALFORMED,
        "MQTT-3.1.2-3",
    );
}

#[test]
fn mqtt_3_1_2_11_will_qos_zero_without_will_flag() {
    reject(
        V311,
        &frame(0x10, &connect_body(b"MQTT", 4, 0x08)),
        DecodeError::WillFlagsWithoutWill {
            rule: "MQTT-3.1.2-13",
        },
        MALFORMED,
        "MQTT-3.1.2-13",
    );
    let body = [&st(b"MQTT")[..], &[5, 0x10, 0, 60, 0], &st(b"c")].concat();
    reject(
        V5,
        &frame(0x10, &body),
        DecodeError::WillFlagsWithoutWill {
            rule: "MQTT-3.1.2-11",
        },
        MALFORMED,
        "MQTT-3.1.2-11",
    );
}

#[test]
fn mqtt_3_1_2_13_will_retain_zero_without_will_flag() {
    reject(
        V311,
        &frame(0x10, &connect_body(b"MQTT", 4, 0x20)),
        DecodeError::WillFlagsWithoutWill {
            rule: "MQTT-3.1.2-15",
        },
        MALFORMED,
        "MQTT-3.1.2-15",
    );
    let body = [&st(b"MQTT")[..], &[5, 0x20, 0, 60, 0], &st(b"c")].concat();
    reject(
        V5,
        &frame(0x10, &body),
        DecodeError::WillFlagsWithoutWill {
            rule: "MQTT-3.1.2-13",
        },
        MALFORMED,
        "MQTT-3.1.2-13",
    );
}

#[test]
fn mqtt_3_1_2_12_will_qos_3() {
    let body = [&connect_body(b"MQTT", 4, 0x1C)[..], &st(b"w"), &st(b"p")].concat();
    reject(
        V311,
        &frame(0x10, &body),
        DecodeError::InvalidWillQoS,
        MALFORMED,
        "MQTT-3.1.2-12",
    );
}

#[test]
fn mqtt_3_1_3_will_topic_is_a_topic_name() {
    let body = [&connect_body(b"MQTT", 4, 0x04)[..], &st(b"w/#"), &st(b"p")].concat();
    reject(
        V311,
        &frame(0x10, &body),
        DecodeError::InvalidTopicName(TopicError::WildcardInTopicName),
        0x90,
        "MQTT-3.3.2-2",
    );
}

#[test]
fn mqtt_3_1_2_22_v311_password_requires_user_name() {
    let body = [&connect_body(b"MQTT", 4, 0x40)[..], &st(b"pw")].concat();
    reject(
        V311,
        &frame(0x10, &body),
        DecodeError::PasswordWithoutUsername,
        MALFORMED,
        "MQTT-3.1.2-22",
    );
    // MQTT 5.0 allows it.
    let body = [
        &st(b"MQTT")[..],
        &[5, 0x40, 0, 60, 0],
        &st(b"c"),
        &st(b"pw"),
    ]
    .concat();
    let Packet::Connect(c) = decode(V5, &frame(0x10, &body)).unwrap() else {
        panic!("not a CONNECT")
    };
    assert_eq!(c.password.as_deref(), Some(&b"pw"[..]));
    assert_eq!(c.username, None);
}

#[test]
fn mqtt_3_2_2_1_connack_reserved_flags() {
    reject(
        V311,
        &[0x20, 0x02, 0x02, 0x00],
        DecodeError::ConnAckReservedFlags,
        MALFORMED,
        "MQTT-3.2.2-1",
    );
    reject(
        V5,
        &[0x20, 0x03, 0x80, 0x00, 0x00],
        DecodeError::ConnAckReservedFlags,
        MALFORMED,
        "MQTT-3.2.2-1",
    );
}

#[test]
fn mqtt_3_2_2_6_session_present_with_error_code() {
    reject(
        V5,
        &[0x20, 0x03, 0x01, 0x87, 0x00],
        DecodeError::SessionPresentOnError,
        PROTOCOL,
        "MQTT-3.2.2-6",
    );
    reject(
        V311,
        &[0x20, 0x02, 0x01, 0x05],
        DecodeError::SessionPresentOnError,
        PROTOCOL,
        "MQTT-3.2.2-6",
    );
}

// ------------------------------------------------------------------ SUBSCRIBE / UNSUBSCRIBE

fn subscribe(v: ProtocolVersion, filter: &[u8], options: u8) -> Vec<u8> {
    let p: &[u8] = if v == V5 { &[0] } else { &[] };
    frame(0x82, &[&[0, 1][..], p, &st(filter), &[options]].concat())
}

#[test]
fn mqtt_3_8_3_2_subscribe_needs_a_topic_filter() {
    let err = DecodeError::NoTopicFilters {
        packet_type: PacketType::Subscribe,
    };
    reject(
        V311,
        &[0x82, 0x02, 0x00, 0x01],
        err.clone(),
        PROTOCOL,
        "MQTT-3.8.3-2",
    );
    reject(
        V5,
        &[0x82, 0x03, 0x00, 0x01, 0x00],
        err,
        PROTOCOL,
        "MQTT-3.8.3-2",
    );
}

#[test]
fn mqtt_3_10_3_2_unsubscribe_needs_a_topic_filter() {
    let err = DecodeError::NoTopicFilters {
        packet_type: PacketType::Unsubscribe,
    };
    reject(
        V311,
        &[0xA2, 0x02, 0x00, 0x01],
        err.clone(),
        PROTOCOL,
        "MQTT-3.10.3-2",
    );
    reject(
        V5,
        &[0xA2, 0x03, 0x00, 0x01, 0x00],
        err,
        PROTOCOL,
        "MQTT-3.10.3-2",
    );
}

#[test]
fn mqtt_3_8_3_5_subscription_options_reserved_bits() {
    for options in [0x40, 0x80, 0xC1] {
        reject(
            V5,
            &subscribe(V5, b"a", options),
            DecodeError::SubscriptionOptionsReserved {
                rule: "MQTT-3.8.3-5",
            },
            MALFORMED,
            "MQTT-3.8.3-5",
        );
    }
}

#[test]
fn mqtt_3_8_3_4_v311_upper_option_bits_and_qos_3() {
    for options in [0x03, 0x04, 0x21, 0x80] {
        reject(
            V311,
            &subscribe(V311, b"a", options),
            DecodeError::SubscriptionOptionsReserved {
                rule: "MQTT-3-8.3-4",
            },
            MALFORMED,
            "MQTT-3-8.3-4",
        );
    }
}

#[test]
fn mqtt_3_8_3_1_v5_subscription_qos_3_and_retain_handling_3() {
    reject(
        V5,
        &subscribe(V5, b"a", 0x03),
        DecodeError::InvalidSubscriptionQoS,
        PROTOCOL,
        "MQTT 3.8.3.1",
    );
    reject(
        V5,
        &subscribe(V5, b"a", 0x30),
        DecodeError::InvalidRetainHandling,
        PROTOCOL,
        "MQTT 3.8.3.1",
    );
}

#[test]
fn mqtt_3_8_3_4_no_local_on_shared_subscription() {
    reject(
        V5,
        &subscribe(V5, b"$share/g/a", 0x04),
        DecodeError::NoLocalOnSharedSubscription,
        PROTOCOL,
        "MQTT-3.8.3-4",
    );
    // Fine on a normal subscription.
    assert!(decode(V5, &subscribe(V5, b"a", 0x04)).is_ok());
}

#[test]
fn mqtt_4_7_1_1_multi_level_wildcard_last_and_alone() {
    for f in [&b"a/#/b"[..], b"a#", b"#/a", b"a/b#"] {
        reject(
            V311,
            &subscribe(V311, f, 0),
            DecodeError::InvalidTopicFilter(TopicError::InvalidMultiLevelWildcard),
            0x8F,
            "MQTT-4.7.1-1",
        );
    }
}

#[test]
fn mqtt_4_7_1_2_single_level_wildcard_alone_in_level() {
    for f in [&b"a+"[..], b"+a/b", b"a/b+/c"] {
        reject(
            V5,
            &subscribe(V5, f, 0),
            DecodeError::InvalidTopicFilter(TopicError::InvalidSingleLevelWildcard),
            0x8F,
            "MQTT-4.7.1-2",
        );
    }
    // In UNSUBSCRIBE too.
    reject(
        V311,
        &frame(0xA2, &[&[0, 1][..], &st(b"a+")].concat()),
        DecodeError::InvalidTopicFilter(TopicError::InvalidSingleLevelWildcard),
        0x8F,
        "MQTT-4.7.1-2",
    );
}

#[test]
fn mqtt_4_7_3_1_topic_filter_not_empty() {
    reject(
        V5,
        &subscribe(V5, b"", 0),
        DecodeError::InvalidTopicFilter(TopicError::Empty),
        0x8F,
        "MQTT-4.7.3-1",
    );
}

#[test]
fn mqtt_4_8_2_1_share_name_not_empty() {
    reject(
        V5,
        &subscribe(V5, b"$share//a", 0),
        DecodeError::InvalidTopicFilter(TopicError::EmptyShareName),
        0x8F,
        "MQTT-4.8.2-1",
    );
}

#[test]
fn mqtt_4_8_2_2_share_name_without_wildcards_followed_by_filter() {
    for f in [
        &b"$share/g+/a"[..],
        b"$share/#/a",
        b"$share/g",
        b"$share/g/",
    ] {
        reject(
            V5,
            &subscribe(V5, f, 0),
            DecodeError::InvalidTopicFilter(TopicError::InvalidShareName),
            0x8F,
            "MQTT-4.8.2-2",
        );
    }
}
