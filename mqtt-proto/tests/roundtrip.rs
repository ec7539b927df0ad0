//! Property tests: arbitrary valid packets of every type, with every property, in every version,
//! survive encode → decode unchanged, and `encoded_len` is exact. Plus robustness: decoding
//! arbitrary or mutated bytes never panics, and the streaming decoder's buffer stays bounded.
#![cfg(not(target_arch = "wasm32"))]
// Tests may panic: a panic is a test failure.
#![allow(clippy::unwrap_used)]

use bytes::{Bytes, BytesMut};
use mqtt_proto::properties::is_allowed;
use mqtt_proto::{
    Auth, ConnAck, Connect, Decoder, Disconnect, MqttString, Packet, PacketId, PacketType,
    PayloadFormat, Properties, PropertyValues, ProtocolVersion, PubAck, PubComp, PubRec, PubRel,
    Publish, QoS, ReasonCode, RetainHandling, SubAck, Subscribe, SubscriptionOptions, Topic,
    TopicFilter, UnsubAck, Unsubscribe, Will,
};
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;
use proptest::sample::select;

use ProtocolVersion::{V31, V311, V5};

fn mqtt_string() -> impl Strategy<Value = MqttString> {
    "[a-zA-Z0-9 _/ü€😀-]{0,12}".prop_map(|s| MqttString::new(&s).unwrap())
}

fn topic() -> impl Strategy<Value = Topic> {
    "[a-z$]{1,4}(/[a-zA-Z0-9]{0,4}){0,3}".prop_map(|s| Topic::new(&s).unwrap())
}

fn filter() -> impl Strategy<Value = TopicFilter> {
    (
        vec(select(vec!["a", "b", "+", "", "$x", "long-level"]), 1..4),
        any::<bool>(),
        of(select(vec!["g", "group1"])),
    )
        .prop_map(|(levels, hash, share)| {
            let mut s = levels.join("/");
            if hash {
                s.push_str(if s.is_empty() { "#" } else { "/#" });
            }
            if s.is_empty() {
                s.push('a');
            }
            if let Some(g) = share {
                s = format!("$share/{g}/{s}");
            }
            TopicFilter::new(&s).unwrap()
        })
}

fn bytes(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

fn qos() -> impl Strategy<Value = QoS> {
    select(vec![QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce])
}

fn reason(packet_type: PacketType) -> impl Strategy<Value = ReasonCode> {
    let codes: Vec<ReasonCode> = (0..=255u8)
        .map(ReasonCode)
        .filter(|c| c.is_valid_for(packet_type))
        .collect();
    select(codes)
}

fn packet_id() -> impl Strategy<Value = PacketId> {
    (1..=u16::MAX).prop_map(|n| PacketId::new(n).unwrap())
}

/// Every property, with valid values.
fn all_properties() -> impl Strategy<Value = Properties> {
    let a = (
        of(select(vec![
            PayloadFormat::Unspecified,
            PayloadFormat::Utf8,
        ])),
        of(any::<u32>()),
        of(mqtt_string()),
        of(topic()),
        of(bytes(8)),
        vec(1..=268_435_455u32, 0..3),
        of(any::<u32>()),
        of(mqtt_string()),
        of(any::<u16>()),
    );
    let b = (
        of(mqtt_string()),
        of(bytes(8)),
        of(any::<bool>()),
        of(any::<u32>()),
        of(any::<bool>()),
        of(mqtt_string()),
        of(mqtt_string()),
        of(mqtt_string()),
        of(1..=u16::MAX),
    );
    let c = (
        of(any::<u16>()),
        of(1..=u16::MAX),
        of(select(vec![QoS::AtMostOnce, QoS::AtLeastOnce])),
        of(any::<bool>()),
        vec((mqtt_string(), mqtt_string()), 0..4),
        of(1..=u32::MAX),
        of(any::<bool>()),
        of(any::<bool>()),
        of(any::<bool>()),
    );
    (a, b, c).prop_map(|(a, b, c)| {
        PropertyValues {
            payload_format_indicator: a.0,
            message_expiry_interval: a.1,
            content_type: a.2,
            response_topic: a.3,
            correlation_data: a.4,
            subscription_identifiers: a.5,
            session_expiry_interval: a.6,
            assigned_client_identifier: a.7,
            server_keep_alive: a.8,
            authentication_data: if b.0.is_some() { b.1 } else { None },
            authentication_method: b.0,
            request_problem_information: b.2,
            will_delay_interval: b.3,
            request_response_information: b.4,
            response_information: b.5,
            server_reference: b.6,
            reason_string: b.7,
            receive_maximum: b.8,
            topic_alias_maximum: c.0,
            topic_alias: c.1,
            maximum_qos: c.2,
            retain_available: c.3,
            user_properties: c.4,
            maximum_packet_size: c.5,
            wildcard_subscription_available: c.6,
            subscription_identifier_available: c.7,
            shared_subscription_available: c.8,
        }
        .into()
    })
}

/// Clears what `packet_type` (`None`: Will Properties) may not carry.
fn restrict(mut p: Properties, packet_type: Option<PacketType>) -> Properties {
    macro_rules! keep {
        ($($field:ident: $id:expr),* $(,)?) => {
            $( if !is_allowed($id, packet_type) { p.$field = Default::default(); } )*
        };
    }
    use mqtt_proto::properties::id;
    keep!(
        payload_format_indicator: id::PAYLOAD_FORMAT_INDICATOR,
        message_expiry_interval: id::MESSAGE_EXPIRY_INTERVAL,
        content_type: id::CONTENT_TYPE,
        response_topic: id::RESPONSE_TOPIC,
        correlation_data: id::CORRELATION_DATA,
        subscription_identifiers: id::SUBSCRIPTION_IDENTIFIER,
        session_expiry_interval: id::SESSION_EXPIRY_INTERVAL,
        assigned_client_identifier: id::ASSIGNED_CLIENT_IDENTIFIER,
        server_keep_alive: id::SERVER_KEEP_ALIVE,
        authentication_method: id::AUTHENTICATION_METHOD,
        authentication_data: id::AUTHENTICATION_DATA,
        request_problem_information: id::REQUEST_PROBLEM_INFORMATION,
        will_delay_interval: id::WILL_DELAY_INTERVAL,
        request_response_information: id::REQUEST_RESPONSE_INFORMATION,
        response_information: id::RESPONSE_INFORMATION,
        server_reference: id::SERVER_REFERENCE,
        reason_string: id::REASON_STRING,
        receive_maximum: id::RECEIVE_MAXIMUM,
        topic_alias_maximum: id::TOPIC_ALIAS_MAXIMUM,
        topic_alias: id::TOPIC_ALIAS,
        maximum_qos: id::MAXIMUM_QOS,
        retain_available: id::RETAIN_AVAILABLE,
        user_properties: id::USER_PROPERTY,
        maximum_packet_size: id::MAXIMUM_PACKET_SIZE,
        wildcard_subscription_available: id::WILDCARD_SUBSCRIPTION_AVAILABLE,
        subscription_identifier_available: id::SUBSCRIPTION_IDENTIFIER_AVAILABLE,
        shared_subscription_available: id::SHARED_SUBSCRIPTION_AVAILABLE,
    );
    if packet_type == Some(PacketType::Subscribe) {
        p.subscription_identifiers.truncate(1);
    }
    p
}

fn props_for(v: ProtocolVersion, packet_type: Option<PacketType>) -> BoxedStrategy<Properties> {
    if v == V5 {
        all_properties()
            .prop_map(move |p| restrict(p, packet_type))
            .boxed()
    } else {
        Just(Properties::default()).boxed()
    }
}

fn connect(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let protocol = if v == V5 {
        select(vec![V5])
    } else {
        select(vec![V31, V311])
    };
    let will = (topic(), bytes(16), qos(), any::<bool>(), props_for(v, None)).prop_map(
        |(topic, payload, qos, retain, properties)| Will {
            topic,
            payload,
            qos,
            retain,
            properties,
        },
    );
    (
        protocol,
        any::<bool>(),
        any::<u16>(),
        mqtt_string(),
        of(will),
        of(mqtt_string()),
        of(bytes(8)),
        props_for(v, Some(PacketType::Connect)),
    )
        .prop_map(
            move |(
                protocol,
                clean_start,
                keep_alive,
                client_id,
                will,
                username,
                password,
                properties,
            )| {
                let password = if v != V5 && username.is_none() {
                    None
                } else {
                    password
                };
                Packet::Connect(Box::new(Connect {
                    protocol,
                    clean_start,
                    keep_alive,
                    client_id,
                    will,
                    username,
                    password,
                    properties,
                }))
            },
        )
}

fn connack(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let code = if v == V5 {
        reason(PacketType::ConnAck).boxed()
    } else {
        (0..=5u8)
            .prop_map(|c| ReasonCode::from_connect_return_code(c).unwrap())
            .boxed()
    };
    (any::<bool>(), code, props_for(v, Some(PacketType::ConnAck))).prop_map(
        |(session_present, reason_code, properties)| {
            Packet::ConnAck(ConnAck {
                session_present: session_present && reason_code == ReasonCode::SUCCESS,
                reason_code,
                properties,
            })
        },
    )
}

fn publish(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    (
        qos(),
        any::<bool>(),
        any::<bool>(),
        topic(),
        any::<bool>(),
        packet_id(),
        props_for(v, Some(PacketType::Publish)),
        bytes(64),
    )
        .prop_map(
            move |(qos, dup, retain, topic, drop_topic, id, properties, payload)| {
                let qos0 = qos == QoS::AtMostOnce;
                let aliased = properties.topic_alias.is_some();
                Packet::Publish(Publish {
                    dup: dup && !qos0,
                    qos,
                    retain,
                    topic: if v == V5 && aliased && drop_topic {
                        None
                    } else {
                        Some(topic)
                    },
                    packet_id: if qos0 { None } else { Some(id) },
                    properties,
                    payload,
                })
            },
        )
}

fn ack(v: ProtocolVersion, packet_type: PacketType) -> impl Strategy<Value = Packet> {
    let code = if v == V5 {
        reason(packet_type).boxed()
    } else {
        Just(ReasonCode::SUCCESS).boxed()
    };
    (packet_id(), code, props_for(v, Some(packet_type))).prop_map(
        move |(packet_id, reason_code, properties)| match packet_type {
            PacketType::PubAck => Packet::PubAck(PubAck {
                packet_id,
                reason_code,
                properties,
            }),
            PacketType::PubRec => Packet::PubRec(PubRec {
                packet_id,
                reason_code,
                properties,
            }),
            PacketType::PubRel => Packet::PubRel(PubRel {
                packet_id,
                reason_code,
                properties,
            }),
            _ => Packet::PubComp(PubComp {
                packet_id,
                reason_code,
                properties,
            }),
        },
    )
}

fn options(v: ProtocolVersion) -> impl Strategy<Value = SubscriptionOptions> {
    (
        qos(),
        any::<bool>(),
        any::<bool>(),
        select(vec![
            RetainHandling::SendAtSubscribe,
            RetainHandling::SendIfNew,
            RetainHandling::DoNotSend,
        ]),
    )
        .prop_map(
            move |(qos, no_local, retain_as_published, retain_handling)| {
                if v == V5 {
                    SubscriptionOptions {
                        qos,
                        no_local,
                        retain_as_published,
                        retain_handling,
                    }
                } else {
                    SubscriptionOptions::new(qos)
                }
            },
        )
}

fn subscribe(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    (
        packet_id(),
        vec((filter(), options(v)), 1..4),
        props_for(v, Some(PacketType::Subscribe)),
    )
        .prop_map(|(packet_id, mut filters, properties)| {
            for (f, o) in &mut filters {
                o.no_local &= !f.is_shared();
            }
            Packet::Subscribe(Subscribe {
                packet_id,
                filters,
                properties,
            })
        })
}

fn suback(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let code = if v == V5 {
        reason(PacketType::SubAck).boxed()
    } else {
        select(vec![
            ReasonCode(0),
            ReasonCode(1),
            ReasonCode(2),
            ReasonCode(0x80),
        ])
        .boxed()
    };
    (
        packet_id(),
        vec(code, 1..5),
        props_for(v, Some(PacketType::SubAck)),
    )
        .prop_map(|(packet_id, reason_codes, properties)| {
            Packet::SubAck(SubAck {
                packet_id,
                properties,
                reason_codes,
            })
        })
}

fn unsubscribe(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    (
        packet_id(),
        vec(filter(), 1..4),
        props_for(v, Some(PacketType::Unsubscribe)),
    )
        .prop_map(|(packet_id, filters, properties)| {
            Packet::Unsubscribe(Unsubscribe {
                packet_id,
                filters,
                properties,
            })
        })
}

fn unsuback(v: ProtocolVersion) -> impl Strategy<Value = Packet> {
    let codes = if v == V5 {
        vec(reason(PacketType::UnsubAck), 1..5).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    (packet_id(), codes, props_for(v, Some(PacketType::UnsubAck))).prop_map(
        |(packet_id, reason_codes, properties)| {
            Packet::UnsubAck(UnsubAck {
                packet_id,
                properties,
                reason_codes,
            })
        },
    )
}

fn disconnect(v: ProtocolVersion) -> BoxedStrategy<Packet> {
    if v == V5 {
        (
            reason(PacketType::Disconnect),
            props_for(v, Some(PacketType::Disconnect)),
        )
            .prop_map(|(reason_code, properties)| {
                Packet::Disconnect(Disconnect {
                    reason_code,
                    properties,
                })
            })
            .boxed()
    } else {
        Just(Packet::Disconnect(Disconnect::default())).boxed()
    }
}

fn auth() -> impl Strategy<Value = Packet> {
    (
        reason(PacketType::Auth),
        props_for(V5, Some(PacketType::Auth)),
    )
        .prop_map(|(reason_code, properties)| {
            Packet::Auth(Auth {
                reason_code,
                properties,
            })
        })
}

fn packet(v: ProtocolVersion) -> BoxedStrategy<Packet> {
    let common = prop_oneof![
        connect(v),
        connack(v),
        publish(v),
        ack(v, PacketType::PubAck),
        ack(v, PacketType::PubRec),
        ack(v, PacketType::PubRel),
        ack(v, PacketType::PubComp),
        subscribe(v),
        suback(v),
        unsubscribe(v),
        unsuback(v),
        Just(Packet::PingReq),
        Just(Packet::PingResp),
        disconnect(v),
    ];
    if v == V5 {
        prop_oneof![13 => common, 1 => auth()].boxed()
    } else {
        common.boxed()
    }
}

fn versioned_packet() -> impl Strategy<Value = (ProtocolVersion, Packet)> {
    prop_oneof![
        packet(V311).prop_map(|p| (V311, p)),
        packet(V5).prop_map(|p| (V5, p)),
    ]
}

fn roundtrip(v: ProtocolVersion, p: &Packet) -> Result<Bytes, TestCaseError> {
    let mut buf = BytesMut::new();
    let n = p
        .encode(v, &mut buf)
        .map_err(|e| TestCaseError::fail(format!("{e}: {p:?}")))?;
    prop_assert_eq!(n, buf.len());
    prop_assert_eq!(p.encoded_len(v).unwrap(), buf.len());
    let frame = buf.freeze();
    let decoded = Packet::decode(v, frame.clone());
    prop_assert_eq!(decoded.as_ref(), Ok(p), "bytes {:02X?}", &frame[..]);
    Ok(frame)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn v311_packets_roundtrip(p in packet(V311)) {
        roundtrip(V311, &p)?;
    }

    #[test]
    fn v5_packets_roundtrip(p in packet(V5)) {
        roundtrip(V5, &p)?;
    }

    #[test]
    fn limit_is_exact((v, p) in versioned_packet()) {
        let len = p.encoded_len(v).unwrap();
        let mut buf = BytesMut::new();
        prop_assert!(p.encode_with_limit(v, len as u32 - 1, &mut buf).is_err());
        prop_assert!(buf.is_empty());
        prop_assert_eq!(p.encode_with_limit(v, len as u32, &mut buf), Ok(len));
    }

    #[test]
    fn decoder_yields_the_stream((v, packets, cut) in (prop_oneof![Just(V311), Just(V5)])
        .prop_flat_map(|v| (Just(v), vec(packet(v), 1..6), any::<prop::sample::Index>()))) {
        // CONNECT carries its own version; keep the stream single-version.
        let packets: Vec<Packet> = packets.into_iter().filter(|p| !matches!(p, Packet::Connect(c) if c.protocol != v)).collect();
        let mut wire = BytesMut::new();
        for p in &packets {
            p.encode(v, &mut wire).unwrap();
        }
        let cut = cut.index(wire.len() + 1);
        let mut decoder = Decoder::new(v, u32::MAX);
        let mut out = Vec::new();
        for chunk in [&wire[..cut], &wire[cut..]] {
            decoder.feed(chunk);
            while let Some((p, _)) = decoder.next_packet().unwrap() {
                out.push(p);
            }
        }
        prop_assert_eq!(out, packets);
    }

    #[test]
    fn decoding_random_bytes_never_panics(v in select(vec![V31, V311, V5]), data in vec(any::<u8>(), 0..64)) {
        let _ = Packet::decode(v, Bytes::from(data.clone()));
        // And with a correct fixed header in front of random bodies.
        for first in [0x10u8, 0x20, 0x30, 0x32, 0x3D, 0x40, 0x62, 0x82, 0x90, 0xA2, 0xB0, 0xE0, 0xF0] {
            let mut f = vec![first, data.len() as u8];
            f.extend_from_slice(&data);
            let _ = Packet::decode(v, Bytes::from(f));
        }
    }

    #[test]
    fn decoding_mutated_packets_never_panics(
        (v, p) in versioned_packet(),
        edits in vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..4),
    ) {
        let mut buf = BytesMut::new();
        p.encode(v, &mut buf).unwrap();
        let mut bytes = buf.to_vec();
        for (at, value, kind) in edits {
            let i = at.index(bytes.len() + 1);
            match kind {
                0 if i < bytes.len() => bytes[i] = value,
                1 => bytes.insert(i, value),
                _ if i < bytes.len() => { bytes.remove(i); }
                _ => {}
            }
        }
        let _ = Packet::decode(v, Bytes::from(bytes.clone()));
        let mut decoder = Decoder::new(v, 1024);
        decoder.feed(&bytes);
        while let Ok(Some(_)) = decoder.next_packet() {}
    }

    #[test]
    fn decoder_buffer_stays_bounded(v in select(vec![V311, V5]), max in 2u32..200, data in vec(any::<u8>(), 0..600)) {
        let mut decoder = Decoder::new(v, max);
        for byte in data {
            decoder.feed(&[byte]);
            while let Ok(Some(frame)) = decoder.next_frame() {
                prop_assert!(frame.len() <= max as usize);
            }
            prop_assert!(decoder.buffered_len() <= max as usize + 5);
        }
    }
}

/// The strategies really exercise the interesting cases (properties, aliased empty topics, every
/// packet type), rather than passing vacuously.
#[test]
fn strategies_cover_interesting_cases() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::HashSet;

    let mut runner = TestRunner::deterministic();
    let strategy = packet(V5);
    let mut types = HashSet::new();
    let (mut with_props, mut aliased, mut user_props) = (0, 0, 0);
    for _ in 0..2000 {
        let p = strategy.new_tree(&mut runner).unwrap().current();
        types.insert(p.packet_type());
        match &p {
            Packet::Publish(publish) => {
                aliased += usize::from(publish.topic.is_none());
                with_props += usize::from(!publish.properties.is_empty());
                user_props += usize::from(publish.properties.user_properties.len() > 1);
            }
            Packet::ConnAck(c) => with_props += usize::from(!c.properties.is_empty()),
            _ => {}
        }
    }
    assert_eq!(types.len(), 15, "{types:?}");
    assert!(
        with_props > 50 && aliased > 5 && user_props > 5,
        "{with_props} {aliased} {user_props}"
    );
}
