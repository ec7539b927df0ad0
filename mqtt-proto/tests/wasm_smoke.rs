//! A few vectors and invariants that also run in a browser under wasm-bindgen-test:
//! `cargo test --target wasm32-unknown-unknown -p mqtt-proto --test wasm_smoke`.
//! (No proptest here: it is a native-only dev-dependency.)
// Tests may panic: a panic is a test failure.
#![allow(clippy::unwrap_used)]

use bytes::{Bytes, BytesMut};
use mqtt_proto::{
    DecodeError, Decoder, MqttString, Packet, PacketId, PropertyValues, ProtocolVersion, PubAck,
    Publish, QoS, ReasonCode, SubscriptionTrie, Topic, TopicFilter,
};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn publish_vector_roundtrips_in_both_versions() {
    let mut p = Publish::new(Topic::new("a/b").unwrap(), Bytes::from_static(b"hi"));
    p.qos = QoS::AtLeastOnce;
    p.packet_id = PacketId::new(10);
    let packet = Packet::Publish(p.clone());
    for (v, expected) in [
        (
            ProtocolVersion::V311,
            &[
                0x32, 0x09, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x0A, b'h', b'i',
            ][..],
        ),
        (
            ProtocolVersion::V5,
            &[
                0x32, 0x0A, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x0A, 0x00, b'h', b'i',
            ][..],
        ),
    ] {
        let mut buf = BytesMut::new();
        assert_eq!(packet.encode(v, &mut buf), Ok(expected.len()));
        assert_eq!(&buf[..], expected);
        assert_eq!(Packet::decode(v, buf.freeze()), Ok(packet.clone()));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn puback_with_properties_vector() {
    let ack = Packet::PubAck(PubAck {
        packet_id: PacketId::new(1).unwrap(),
        reason_code: ReasonCode::NOT_AUTHORIZED,
        properties: PropertyValues {
            reason_string: Some(MqttString::from("no")),
            ..PropertyValues::default()
        }
        .into(),
    });
    let bytes = [
        0x40, 0x09, 0x00, 0x01, 0x87, 0x05, 0x1F, 0x00, 0x02, b'n', b'o',
    ];
    let mut buf = BytesMut::new();
    ack.encode(ProtocolVersion::V5, &mut buf).unwrap();
    assert_eq!(&buf[..], bytes);
    assert_eq!(Packet::decode(ProtocolVersion::V5, buf.freeze()), Ok(ack));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn streaming_decoder_byte_by_byte() {
    let wire = [0xD0, 0x00, 0x40, 0x02, 0x00, 0x07, 0xC0, 0x00];
    let mut decoder = Decoder::new(ProtocolVersion::V311, 64);
    let mut got = Vec::new();
    for b in wire {
        decoder.feed(&[b]);
        while let Some((p, _)) = decoder.next_packet().unwrap() {
            got.push(p);
        }
    }
    assert_eq!(
        got,
        [
            Packet::PingResp,
            Packet::PubAck(PubAck::new(PacketId::new(7).unwrap())),
            Packet::PingReq
        ]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn malformed_input_is_rejected_with_reason_codes() {
    let err = Packet::decode(
        ProtocolVersion::V5,
        Bytes::from_static(&[0x36, 0x03, 0x00, 0x01, b't']),
    )
    .unwrap_err();
    assert_eq!(err, DecodeError::InvalidQoS);
    assert_eq!(err.reason_code(), ReasonCode::MALFORMED_PACKET);
    assert_eq!(err.rule(), "MQTT-3.3.1-4");
    let mut decoder = Decoder::new(ProtocolVersion::V5, 16);
    decoder.feed(&[0x30, 0xFF, 0x7F]);
    assert!(matches!(
        decoder.next_frame(),
        Err(DecodeError::PacketTooLarge { .. })
    ));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn trie_dispatch() {
    let mut trie = SubscriptionTrie::new();
    trie.insert(&TopicFilter::new("a/+").unwrap(), 1);
    trie.insert(&TopicFilter::new("#").unwrap(), 2);
    let mut hits: Vec<i32> = trie.matches(&Topic::new("a/b").unwrap()).copied().collect();
    hits.sort_unstable();
    assert_eq!(hits, [1, 2]);
    assert_eq!(trie.matches(&Topic::new("$SYS/x").unwrap()).count(), 0);
}
