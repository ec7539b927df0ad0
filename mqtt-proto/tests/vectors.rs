//! Byte-exact vectors for every packet type, in MQTT 3.1.1 and 5.0 (and a 3.1 CONNECT).
//!
//! Each vector is written field by field with the remaining length computed by hand (shown in the
//! comments); `check` asserts that encoding gives exactly those bytes, decoding gives the value
//! back, and `encoded_len` agrees; and that the client's codec (`decode_from_server`,
//! `encode_from_client`) agrees with it, refusing only the packets of the other direction.
// Tests may panic: a panic is a test failure.
#![allow(clippy::unwrap_used)]

use bytes::{Bytes, BytesMut};
use mqtt_proto::{
    Auth, ConnAck, Connect, DecodeError, Disconnect, EncodeError, MqttString, Packet, PacketId,
    PayloadFormat, Properties, PropertyValues, ProtocolVersion, PubAck, PubComp, PubRec, PubRel,
    Publish, QoS, ReasonCode, RetainHandling, SubAck, Subscribe, SubscriptionOptions, Topic,
    TopicFilter, UnsubAck, Unsubscribe, Will,
};

use ProtocolVersion::{V31, V311, V5};

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn s(v: &'static str) -> MqttString {
    MqttString::from(v)
}

fn topic(v: &str) -> Topic {
    Topic::new(v).unwrap()
}

fn filter(v: &str) -> TopicFilter {
    TopicFilter::new(v).unwrap()
}

fn id(n: u16) -> PacketId {
    PacketId::new(n).unwrap()
}

fn up(k: &'static str, v: &'static str) -> (MqttString, MqttString) {
    (s(k), s(v))
}

#[track_caller]
fn check(v: ProtocolVersion, bytes: &[u8], packet: Packet) {
    let mut buf = BytesMut::new();
    let n = packet.encode(v, &mut buf).unwrap();
    assert_eq!(&buf[..], bytes, "encoding of {packet:?}");
    assert_eq!(n, bytes.len());
    assert_eq!(packet.encoded_len(v).unwrap(), bytes.len());
    let decoded = Packet::decode(v, Bytes::copy_from_slice(bytes)).unwrap();
    assert_eq!(decoded, packet);
    check_client_codec(v, bytes, &packet);
}

/// The client's codec: the same bytes and values, except for the packets of the other direction
/// (section 2.1.2), which are refused with their own error.
#[track_caller]
fn check_client_codec(v: ProtocolVersion, bytes: &[u8], packet: &Packet) {
    let packet_type = packet.packet_type();
    let decoded = Packet::decode_from_server(v, Bytes::copy_from_slice(bytes));
    if packet_type.is_client_only() {
        let e = decoded.unwrap_err();
        assert_eq!(e, DecodeError::ClientOnlyPacket { packet_type });
        assert_eq!(e.reason_code(), ReasonCode::PROTOCOL_ERROR);
    } else {
        assert_eq!(&decoded.unwrap(), packet);
    }
    let mut buf = BytesMut::from(&b"kept"[..]);
    let encoded = packet.encode_from_client(v, u32::MAX, &mut buf);
    if packet_type.is_server_only() {
        assert_eq!(encoded, Err(EncodeError::ServerOnlyPacket { packet_type }));
        assert_eq!(&buf[..], b"kept", "nothing written");
    } else {
        assert_eq!(encoded.unwrap(), bytes.len());
        assert_eq!(&buf[4..], bytes);
    }
}

#[track_caller]
fn check_decode_only(v: ProtocolVersion, bytes: &[u8], packet: Packet) {
    assert_eq!(
        Packet::decode(v, Bytes::copy_from_slice(bytes)).unwrap(),
        packet
    );
    if !packet.packet_type().is_client_only() {
        assert_eq!(
            Packet::decode_from_server(v, Bytes::copy_from_slice(bytes)).unwrap(),
            packet
        );
    }
}

// ---------------------------------------------------------------- MQTT 3.1.1

#[test]
fn v311_connect_minimal() {
    // RL = name 6 + level 1 + flags 1 + keep alive 2 + client id 5 = 15
    let bytes = cat(&[
        &[0x10, 15],
        &[0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3C],
        &[0x00, 0x03, b'a', b'b', b'c'],
    ]);
    let mut c = Connect::new(V311, s("abc"));
    c.keep_alive = 60;
    check(V311, &bytes, Packet::Connect(Box::new(c)));
}

#[test]
fn v311_connect_full() {
    // flags: user 0x80 | password 0x40 | will retain 0x20 | will QoS 1 0x08 | will 0x04 = 0xEC
    // RL = 10 + client 3 + will topic 5 + will payload 5 + user 3 + password 3 = 29
    let bytes = cat(&[
        &[0x10, 29],
        &[0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0xEC, 0x00, 0x0A],
        &[0x00, 0x01, b'c'],
        &[0x00, 0x03, b'w', b'/', b't'],
        &[0x00, 0x03, b'b', b'y', b'e'],
        &[0x00, 0x01, b'u'],
        &[0x00, 0x01, b'p'],
    ]);
    let c = Connect {
        protocol: V311,
        clean_start: false,
        keep_alive: 10,
        client_id: s("c"),
        will: Some(Will {
            topic: topic("w/t"),
            payload: Bytes::from_static(b"bye"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: Properties::default(),
        }),
        username: Some(s("u")),
        password: Some(Bytes::from_static(b"p")),
        properties: Properties::default(),
    };
    check(V311, &bytes, Packet::Connect(Box::new(c)));
}

#[test]
fn v31_connect_mqisdp() {
    // RL = name 8 + level 1 + flags 1 + keep alive 2 + client id 5 = 17
    let bytes = cat(&[
        &[0x10, 17],
        &[
            0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p', 0x03, 0x02, 0x00, 0x3C,
        ],
        &[0x00, 0x03, b'a', b'b', b'c'],
    ]);
    let mut c = Connect::new(V31, s("abc"));
    c.keep_alive = 60;
    // CONNECT is decoded according to its own level, whatever version is passed.
    check(V31, &bytes, Packet::Connect(Box::new(c.clone())));
    check_decode_only(V5, &bytes, Packet::Connect(Box::new(c)));
}

#[test]
fn v311_connack() {
    let mut ok = ConnAck::new(ReasonCode::SUCCESS);
    ok.session_present = true;
    check(V311, &[0x20, 0x02, 0x01, 0x00], Packet::ConnAck(ok));
    // 3.1.1 return codes map onto 5.0 reason codes.
    for (rc, reason) in [
        (1, ReasonCode::UNSUPPORTED_PROTOCOL_VERSION),
        (2, ReasonCode::CLIENT_IDENTIFIER_NOT_VALID),
        (3, ReasonCode::SERVER_UNAVAILABLE),
        (4, ReasonCode::BAD_USER_NAME_OR_PASSWORD),
        (5, ReasonCode::NOT_AUTHORIZED),
    ] {
        check(
            V311,
            &[0x20, 0x02, 0x00, rc],
            Packet::ConnAck(ConnAck::new(reason)),
        );
    }
}

#[test]
fn v311_publish() {
    // QoS 0: RL = topic 5 + payload 5 = 10
    let bytes = cat(&[&[0x30, 10, 0x00, 0x03], b"a/b", b"hello"]);
    check(
        V311,
        &bytes,
        Packet::Publish(Publish::new(topic("a/b"), Bytes::from_static(b"hello"))),
    );

    // QoS 1, DUP, RETAIN: flags 0b1011; RL = topic 3 + id 2 + payload 1 = 6
    let bytes = [0x3B, 6, 0x00, 0x01, b't', 0x00, 0x0A, b'x'];
    let p = Publish {
        dup: true,
        qos: QoS::AtLeastOnce,
        retain: true,
        topic: Some(topic("t")),
        packet_id: Some(id(10)),
        properties: Properties::default(),
        payload: Bytes::from_static(b"x"),
    };
    check(V311, &bytes, Packet::Publish(p));

    // QoS 2, empty payload: flags 0b0100; RL = topic 3 + id 2 = 5
    let bytes = [0x34, 5, 0x00, 0x01, b't', 0xFF, 0xFF];
    let mut p = Publish::new(topic("t"), Bytes::new());
    p.qos = QoS::ExactlyOnce;
    p.packet_id = Some(id(0xFFFF));
    check(V311, &bytes, Packet::Publish(p));
}

#[test]
fn v311_publish_acks() {
    check(
        V311,
        &[0x40, 0x02, 0x00, 0x01],
        Packet::PubAck(PubAck::new(id(1))),
    );
    check(
        V311,
        &[0x50, 0x02, 0x00, 0x02],
        Packet::PubRec(PubRec::new(id(2))),
    );
    check(
        V311,
        &[0x62, 0x02, 0x00, 0x03],
        Packet::PubRel(PubRel::new(id(3))),
    );
    check(
        V311,
        &[0x70, 0x02, 0x01, 0x04],
        Packet::PubComp(PubComp::new(id(0x104))),
    );
}

#[test]
fn v311_subscribe_suback() {
    // RL = id 2 + ("a/+" 5 + options 1) + ("#" 3 + options 1) = 12
    let bytes = cat(&[
        &[0x82, 12, 0x00, 0x0A, 0x00, 0x03],
        b"a/+",
        &[0x01, 0x00, 0x01],
        b"#",
        &[0x02],
    ]);
    let sub = Subscribe::new(
        id(10),
        vec![
            (filter("a/+"), SubscriptionOptions::new(QoS::AtLeastOnce)),
            (filter("#"), SubscriptionOptions::new(QoS::ExactlyOnce)),
        ],
    );
    check(V311, &bytes, Packet::Subscribe(sub));

    // RL = id 2 + 3 return codes
    let ack = SubAck::new(
        id(10),
        vec![
            ReasonCode::GRANTED_QOS_1,
            ReasonCode::GRANTED_QOS_2,
            ReasonCode::UNSPECIFIED_ERROR,
        ],
    );
    check(
        V311,
        &[0x90, 5, 0x00, 0x0A, 0x01, 0x02, 0x80],
        Packet::SubAck(ack),
    );
}

#[test]
fn v311_unsubscribe_unsuback() {
    // RL = id 2 + "a/b" 5 = 7
    let bytes = cat(&[&[0xA2, 7, 0x00, 0x0B, 0x00, 0x03], b"a/b"]);
    check(
        V311,
        &bytes,
        Packet::Unsubscribe(Unsubscribe::new(id(11), vec![filter("a/b")])),
    );
    check(
        V311,
        &[0xB0, 0x02, 0x00, 0x0B],
        Packet::UnsubAck(UnsubAck::new(id(11), vec![])),
    );
}

#[test]
fn v311_ping_disconnect() {
    check(V311, &[0xC0, 0x00], Packet::PingReq);
    check(V311, &[0xD0, 0x00], Packet::PingResp);
    check(
        V311,
        &[0xE0, 0x00],
        Packet::Disconnect(Disconnect::default()),
    );
}

// ---------------------------------------------------------------- MQTT 5.0

#[test]
fn v5_connect_minimal() {
    // RL = name 6 + level 1 + flags 1 + keep alive 2 + property length 1 + client id 5 = 16
    let bytes = cat(&[
        &[0x10, 16],
        &[
            0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x3C, 0x00,
        ],
        &[0x00, 0x03, b'a', b'b', b'c'],
    ]);
    let mut c = Connect::new(V5, s("abc"));
    c.keep_alive = 60;
    check(V5, &bytes, Packet::Connect(Box::new(c.clone())));
    // CONNECT is decoded according to its own level.
    check_decode_only(V311, &bytes, Packet::Connect(Box::new(c)));
}

#[test]
fn v5_connect_all_properties_and_will() {
    // CONNECT properties, ascending ids, user properties in order with a repeated key: 52 bytes.
    let props: &[&[u8]] = &[
        &[0x11, 0x00, 0x00, 0x0E, 0x10], // session expiry 3600: 5
        &[0x15, 0x00, 0x05, b'S', b'C', b'R', b'A', b'M'], // auth method: 8
        &[0x16, 0x00, 0x02, 0x01, 0x02], // auth data: 5
        &[0x17, 0x00],                   // request problem info 0: 2
        &[0x19, 0x01],                   // request response info 1: 2
        &[0x21, 0x00, 0x14],             // receive maximum 20: 3
        &[0x22, 0x00, 0x0A],             // topic alias maximum 10: 3
        &[0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'1'], // user a=1: 7
        &[0x26, 0x00, 0x01, b'b', 0x00, 0x01, b'2'], // user b=2: 7
        &[0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'3'], // user a=3: 7
        &[0x27, 0x00, 0x00, 0x04, 0x00], // maximum packet size 1024: 5
    ];
    let props = props.concat();
    assert_eq!(props.len(), 54);
    // Will properties: 34 bytes.
    let will_props: &[&[u8]] = &[
        &[0x01, 0x01],                               // payload format UTF-8: 2
        &[0x02, 0x00, 0x00, 0x00, 0x3C],             // message expiry 60: 5
        &[0x03, 0x00, 0x04, b't', b'e', b'x', b't'], // content type: 7
        &[0x08, 0x00, 0x01, b'r'],                   // response topic: 4
        &[0x09, 0x00, 0x01, 0xAA],                   // correlation data: 4
        &[0x18, 0x00, 0x00, 0x00, 0x05],             // will delay 5: 5
        &[0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v'], // user k=v: 7
    ];
    let will_props = will_props.concat();
    assert_eq!(will_props.len(), 34);
    // flags: user 0x80 | password 0x40 | will QoS 2 0x10 | will 0x04 | clean 0x02 = 0xD6
    // RL = 10 + (1 + 54) + client 5 + (1 + 34) + will topic 3 + payload 5 + user 6 + password 4 = 123
    let bytes = cat(&[
        &[0x10, 123],
        &[0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0xD6, 0x00, 0x1E],
        &[54],
        &props,
        &[0x00, 0x03, b'c', b'i', b'd'],
        &[34],
        &will_props,
        &[0x00, 0x01, b'w'],
        &[0x00, 0x03, b'b', b'y', b'e'],
        &[0x00, 0x04, b'u', b's', b'e', b'r'],
        &[0x00, 0x02, b'p', b'w'],
    ]);
    let c = Connect {
        protocol: V5,
        clean_start: true,
        keep_alive: 30,
        client_id: s("cid"),
        will: Some(Will {
            topic: topic("w"),
            payload: Bytes::from_static(b"bye"),
            qos: QoS::ExactlyOnce,
            retain: false,
            properties: PropertyValues {
                payload_format_indicator: Some(PayloadFormat::Utf8),
                message_expiry_interval: Some(60),
                content_type: Some(s("text")),
                response_topic: Some(topic("r")),
                correlation_data: Some(Bytes::from_static(&[0xAA])),
                will_delay_interval: Some(5),
                user_properties: vec![up("k", "v")],
                ..PropertyValues::default()
            }
            .into(),
        }),
        username: Some(s("user")),
        password: Some(Bytes::from_static(b"pw")),
        properties: PropertyValues {
            session_expiry_interval: Some(3600),
            authentication_method: Some(s("SCRAM")),
            authentication_data: Some(Bytes::from_static(&[1, 2])),
            request_problem_information: Some(false),
            request_response_information: Some(true),
            receive_maximum: Some(20),
            topic_alias_maximum: Some(10),
            user_properties: vec![up("a", "1"), up("b", "2"), up("a", "3")],
            maximum_packet_size: Some(1024),
            ..PropertyValues::default()
        }
        .into(),
    };
    check(V5, &bytes, Packet::Connect(Box::new(c)));
}

#[test]
fn v5_connack() {
    check(
        V5,
        &[0x20, 0x03, 0x00, 0x00, 0x00],
        Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS)),
    );
    check(
        V5,
        &[0x20, 0x03, 0x00, 0x9C, 0x00],
        Packet::ConnAck(ConnAck::new(ReasonCode::USE_ANOTHER_SERVER)),
    );
}

#[test]
fn v5_connack_all_properties() {
    let props: &[&[u8]] = &[
        &[0x11, 0x00, 0x00, 0x00, 0x78],             // session expiry 120: 5
        &[0x12, 0x00, 0x03, b'x', b'y', b'z'],       // assigned client id: 6
        &[0x13, 0x00, 0x3C],                         // server keep alive 60: 3
        &[0x1A, 0x00, 0x02, b'r', b'i'],             // response information: 5
        &[0x1C, 0x00, 0x03, b's', b'r', b'v'],       // server reference: 6
        &[0x1F, 0x00, 0x02, b'o', b'k'],             // reason string: 5
        &[0x21, 0x00, 0x0A],                         // receive maximum 10: 3
        &[0x22, 0x00, 0x05],                         // topic alias maximum 5: 3
        &[0x24, 0x01],                               // maximum QoS 1: 2
        &[0x25, 0x00],                               // retain available 0: 2
        &[0x26, 0x00, 0x01, b'x', 0x00, 0x01, b'y'], // user x=y: 7
        &[0x27, 0x00, 0x01, 0x00, 0x00],             // maximum packet size 65536: 5
        &[0x28, 0x01],                               // wildcard available: 2
        &[0x29, 0x00],                               // subscription ids available: 2
        &[0x2A, 0x01],                               // shared available: 2
    ];
    let props = props.concat();
    assert_eq!(props.len(), 58);
    // RL = flags 1 + reason 1 + property length 1 + 58 = 61
    let bytes = cat(&[&[0x20, 61, 0x01, 0x00, 58], &props]);
    let ack = ConnAck {
        session_present: true,
        reason_code: ReasonCode::SUCCESS,
        properties: PropertyValues {
            session_expiry_interval: Some(120),
            assigned_client_identifier: Some(s("xyz")),
            server_keep_alive: Some(60),
            response_information: Some(s("ri")),
            server_reference: Some(s("srv")),
            reason_string: Some(s("ok")),
            receive_maximum: Some(10),
            topic_alias_maximum: Some(5),
            maximum_qos: Some(QoS::AtLeastOnce),
            retain_available: Some(false),
            user_properties: vec![up("x", "y")],
            maximum_packet_size: Some(65536),
            wildcard_subscription_available: Some(true),
            subscription_identifier_available: Some(false),
            shared_subscription_available: Some(true),
            ..PropertyValues::default()
        }
        .into(),
    };
    check(V5, &bytes, Packet::ConnAck(ack));
}

#[test]
fn v5_publish_with_properties() {
    let props: &[&[u8]] = &[
        &[0x01, 0x01],                                     // payload format UTF-8: 2
        &[0x02, 0x00, 0x00, 0x00, 0x3C],                   // message expiry 60: 5
        &[0x03, 0x00, 0x04, b'j', b's', b'o', b'n'],       // content type: 7
        &[0x08, 0x00, 0x05, b'r', b'e', b'p', b'l', b'y'], // response topic: 8
        &[0x09, 0x00, 0x02, 0xCA, 0xFE],                   // correlation data: 5
        &[0x0B, 0x05],                                     // subscription id 5: 2
        &[0x0B, 0x80, 0x01],                               // subscription id 128: 3
        &[0x23, 0x00, 0x07],                               // topic alias 7: 3
        &[0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'1'],       // user a=1: 7
        &[0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'2'],       // user a=2: 7
    ];
    let props = props.concat();
    assert_eq!(props.len(), 49);
    // QoS 1: flags 0b0010; RL = topic 5 + id 2 + (1 + 49) + payload 2 = 59
    let bytes = cat(&[
        &[0x32, 59, 0x00, 0x03],
        b"a/b",
        &[0x00, 0x0A, 49],
        &props,
        b"hi",
    ]);
    let p = Publish {
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic: Some(topic("a/b")),
        packet_id: Some(id(10)),
        properties: PropertyValues {
            payload_format_indicator: Some(PayloadFormat::Utf8),
            message_expiry_interval: Some(60),
            content_type: Some(s("json")),
            response_topic: Some(topic("reply")),
            correlation_data: Some(Bytes::from_static(&[0xCA, 0xFE])),
            subscription_identifiers: vec![5, 128],
            topic_alias: Some(7),
            user_properties: vec![up("a", "1"), up("a", "2")],
            ..PropertyValues::default()
        }
        .into(),
        payload: Bytes::from_static(b"hi"),
    };
    check(V5, &bytes, Packet::Publish(p));
}

#[test]
fn v5_publish_plain_and_alias_only() {
    // QoS 0, no properties: RL = topic 5 + property length 1 + payload 1 = 7
    let bytes = cat(&[&[0x30, 7, 0x00, 0x03], b"a/b", &[0x00], b"x"]);
    check(
        V5,
        &bytes,
        Packet::Publish(Publish::new(topic("a/b"), Bytes::from_static(b"x"))),
    );

    // Empty topic name with a Topic Alias: RL = topic 2 + (1 + 3) + payload 1 = 7
    let bytes = [0x31, 7, 0x00, 0x00, 0x03, 0x23, 0x00, 0x05, b'x'];
    let p = Publish {
        dup: false,
        qos: QoS::AtMostOnce,
        retain: true,
        topic: None,
        packet_id: None,
        properties: PropertyValues {
            topic_alias: Some(5),
            ..PropertyValues::default()
        }
        .into(),
        payload: Bytes::from_static(b"x"),
    };
    check(V5, &bytes, Packet::Publish(p));
}

#[test]
fn v5_publish_acks_short_forms() {
    // Success without properties: remaining length 2.
    check(
        V5,
        &[0x40, 0x02, 0x00, 0x01],
        Packet::PubAck(PubAck::new(id(1))),
    );
    check(
        V5,
        &[0x70, 0x02, 0x00, 0x04],
        Packet::PubComp(PubComp::new(id(4))),
    );
    // Reason code without properties: remaining length 3.
    let mut rec = PubRec::new(id(2));
    rec.reason_code = ReasonCode::PACKET_IDENTIFIER_IN_USE;
    check(V5, &[0x50, 0x03, 0x00, 0x02, 0x91], Packet::PubRec(rec));
    let mut rel = PubRel::new(id(3));
    rel.reason_code = ReasonCode::PACKET_IDENTIFIER_NOT_FOUND;
    check(V5, &[0x62, 0x03, 0x00, 0x03, 0x92], Packet::PubRel(rel));
    let mut ack = PubAck::new(id(1));
    ack.reason_code = ReasonCode::NO_MATCHING_SUBSCRIBERS;
    check(V5, &[0x40, 0x03, 0x00, 0x01, 0x10], Packet::PubAck(ack));
    // Longer forms than needed are accepted when decoding.
    check_decode_only(
        V5,
        &[0x40, 0x03, 0x00, 0x01, 0x00],
        Packet::PubAck(PubAck::new(id(1))),
    );
    check_decode_only(
        V5,
        &[0x40, 0x04, 0x00, 0x01, 0x00, 0x00],
        Packet::PubAck(PubAck::new(id(1))),
    );
}

#[test]
fn v5_publish_acks_with_properties() {
    // properties: reason string "bad" 6 + user k=v 7 = 13; RL = id 2 + reason 1 + (1 + 13) = 17
    let props = cat(&[
        &[0x1F, 0x00, 0x03],
        b"bad",
        &[0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v'],
    ]);
    let properties: Properties = PropertyValues {
        reason_string: Some(s("bad")),
        user_properties: vec![up("k", "v")],
        ..PropertyValues::default()
    }
    .into();
    for (first, code, packet) in [
        (
            0x40,
            0x80,
            Packet::PubAck(PubAck {
                packet_id: id(1),
                reason_code: ReasonCode::UNSPECIFIED_ERROR,
                properties: properties.clone(),
            }),
        ),
        (
            0x50,
            0x97,
            Packet::PubRec(PubRec {
                packet_id: id(1),
                reason_code: ReasonCode::QUOTA_EXCEEDED,
                properties: properties.clone(),
            }),
        ),
        (
            0x62,
            0x00,
            Packet::PubRel(PubRel {
                packet_id: id(1),
                reason_code: ReasonCode::SUCCESS,
                properties: properties.clone(),
            }),
        ),
        (
            0x70,
            0x92,
            Packet::PubComp(PubComp {
                packet_id: id(1),
                reason_code: ReasonCode::PACKET_IDENTIFIER_NOT_FOUND,
                properties: properties.clone(),
            }),
        ),
    ] {
        let bytes = cat(&[&[first, 17, 0x00, 0x01, code, 13], &props]);
        check(V5, &bytes, packet);
    }
}

#[test]
fn v5_subscribe_suback() {
    // properties: subscription id 42 (2) + user k=v (7) = 9
    // "a/#" options: QoS 1 | No Local 0x04 | Retain As Published 0x08 | Retain Handling 2 << 4 = 0x2D
    // RL = id 2 + (1 + 9) + ("a/#" 5 + 1) + ("$share/g/t" 12 + 1) = 31
    let bytes = cat(&[
        &[
            0x82, 31, 0x00, 0x01, 9, 0x0B, 42, 0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v',
        ],
        &[0x00, 0x03],
        b"a/#",
        &[0x2D, 0x00, 0x0A],
        b"$share/g/t",
        &[0x02],
    ]);
    let sub = Subscribe {
        packet_id: id(1),
        filters: vec![
            (
                filter("a/#"),
                SubscriptionOptions {
                    qos: QoS::AtLeastOnce,
                    no_local: true,
                    retain_as_published: true,
                    retain_handling: RetainHandling::DoNotSend,
                },
            ),
            (
                filter("$share/g/t"),
                SubscriptionOptions::new(QoS::ExactlyOnce),
            ),
        ],
        properties: PropertyValues {
            subscription_identifiers: vec![42],
            user_properties: vec![up("k", "v")],
            ..PropertyValues::default()
        }
        .into(),
    };
    check(V5, &bytes, Packet::Subscribe(sub));

    // RL = id 2 + (1 + reason string 5) + 4 codes = 12
    let bytes = [
        0x90, 12, 0x00, 0x01, 5, 0x1F, 0x00, 0x02, b'n', b'o', 0x01, 0x02, 0x80, 0xA2,
    ];
    let ack = SubAck {
        packet_id: id(1),
        properties: PropertyValues {
            reason_string: Some(s("no")),
            ..PropertyValues::default()
        }
        .into(),
        reason_codes: vec![
            ReasonCode::GRANTED_QOS_1,
            ReasonCode::GRANTED_QOS_2,
            ReasonCode::UNSPECIFIED_ERROR,
            ReasonCode::WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED,
        ],
    };
    check(V5, &bytes, Packet::SubAck(ack));
}

#[test]
fn v5_unsubscribe_unsuback() {
    // RL = id 2 + property length 1 + "a/b" 5 + "#" 3 = 11
    let bytes = cat(&[
        &[0xA2, 11, 0x00, 0x02, 0x00, 0x00, 0x03],
        b"a/b",
        &[0x00, 0x01],
        b"#",
    ]);
    let unsub = Unsubscribe::new(id(2), vec![filter("a/b"), filter("#")]);
    check(V5, &bytes, Packet::Unsubscribe(unsub));
    // RL = id 2 + property length 1 + 2 codes = 5
    let ack = UnsubAck::new(
        id(2),
        vec![ReasonCode::SUCCESS, ReasonCode::NO_SUBSCRIPTION_EXISTED],
    );
    check(
        V5,
        &[0xB0, 5, 0x00, 0x02, 0x00, 0x00, 0x11],
        Packet::UnsubAck(ack),
    );
}

#[test]
fn v5_ping() {
    check(V5, &[0xC0, 0x00], Packet::PingReq);
    check(V5, &[0xD0, 0x00], Packet::PingResp);
}

#[test]
fn v5_disconnect() {
    check(V5, &[0xE0, 0x00], Packet::Disconnect(Disconnect::default()));
    check(
        V5,
        &[0xE0, 0x01, 0x04],
        Packet::Disconnect(Disconnect::new(ReasonCode::DISCONNECT_WITH_WILL_MESSAGE)),
    );
    // properties: session expiry 0 (5) + server reference "other" (8) + reason string "bye" (6)
    // = 19; RL = reason 1 + (1 + 19) = 21
    let bytes = cat(&[
        &[0xE0, 21, 0x8E, 19, 0x11, 0, 0, 0, 0, 0x1C, 0x00, 0x05],
        b"other",
        &[0x1F, 0x00, 0x03],
        b"bye",
    ]);
    let d = Disconnect {
        reason_code: ReasonCode::SESSION_TAKEN_OVER,
        properties: PropertyValues {
            session_expiry_interval: Some(0),
            server_reference: Some(s("other")),
            reason_string: Some(s("bye")),
            ..PropertyValues::default()
        }
        .into(),
    };
    check(V5, &bytes, Packet::Disconnect(d));
    check_decode_only(
        V5,
        &[0xE0, 0x02, 0x00, 0x00],
        Packet::Disconnect(Disconnect::default()),
    );
}

#[test]
fn v5_auth() {
    check(V5, &[0xF0, 0x00], Packet::Auth(Auth::default()));
    // properties: method "SCRAM" 8 + data 01 02 03 6 + reason string "c" 4 = 18;
    // RL = reason 1 + (1 + 18) = 20
    let bytes = cat(&[
        &[0xF0, 20, 0x18, 18, 0x15, 0x00, 0x05],
        b"SCRAM",
        &[0x16, 0x00, 0x03, 1, 2, 3, 0x1F, 0x00, 0x01, b'c'],
    ]);
    let a = Auth {
        reason_code: ReasonCode::CONTINUE_AUTHENTICATION,
        properties: PropertyValues {
            authentication_method: Some(s("SCRAM")),
            authentication_data: Some(Bytes::from_static(&[1, 2, 3])),
            reason_string: Some(s("c")),
            ..PropertyValues::default()
        }
        .into(),
    };
    check(V5, &bytes, Packet::Auth(a));
    check(
        V5,
        &[0xF0, 0x01, 0x19],
        Packet::Auth(Auth::new(ReasonCode::RE_AUTHENTICATE)),
    );
}

#[test]
fn decoded_fields_are_zero_copy_slices_of_the_frame() {
    let frame = Bytes::from(cat(&[&[0x30, 10, 0x00, 0x03], b"a/b", b"hello"]));
    let range = frame.as_ptr() as usize..frame.as_ptr() as usize + frame.len();
    let Packet::Publish(p) = Packet::decode(V311, frame.clone()).unwrap() else {
        panic!("not a PUBLISH");
    };
    assert!(range.contains(&(p.payload.as_ptr() as usize)));
    let topic = p.topic.unwrap();
    assert!(range.contains(&(topic.as_mqtt_str().as_bytes().as_ptr() as usize)));
}

#[test]
fn encode_appends_and_never_writes_partially() {
    let mut buf = BytesMut::from(&b"xy"[..]);
    Packet::PingReq.encode(V5, &mut buf).unwrap();
    assert_eq!(&buf[..], b"xy\xC0\x00");
    // AUTH does not exist in 3.1.1: error, nothing written.
    assert!(Packet::Auth(Auth::default())
        .encode(V311, &mut buf)
        .is_err());
    assert_eq!(&buf[..], b"xy\xC0\x00");
}
