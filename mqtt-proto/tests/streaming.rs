//! The streaming decoder: arbitrary chunking, several packets per chunk, early rejection of
//! oversized and malformed fixed headers, poisoning.
// Tests may panic: a panic is a test failure.
#![allow(clippy::unwrap_used)]

use bytes::{Bytes, BytesMut};
use mqtt_proto::{
    ConnAck, Connect, DecodeError, Decoder, Disconnect, MqttString, Packet, PacketId,
    ProtocolVersion, PubAck, Publish, QoS, ReasonCode, SubAck, Subscribe, SubscriptionOptions,
    Topic, TopicFilter, REJECTED_HEADER_BYTES,
};

use ProtocolVersion::{V311, V5};

fn packets(v: ProtocolVersion) -> Vec<Packet> {
    let mut publish = Publish::new(Topic::new("a/b").unwrap(), Bytes::from(vec![7u8; 300]));
    publish.qos = QoS::AtLeastOnce;
    publish.packet_id = PacketId::new(1);
    let mut p5 = publish.clone();
    if v == V5 {
        p5.properties
            .user_properties
            .push((MqttString::from("k"), MqttString::from("v")));
    }
    vec![
        Packet::Connect(Box::new(Connect::new(v, MqttString::from("client")))),
        Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS)),
        Packet::Publish(p5),
        Packet::PingReq,
        Packet::PubAck(PubAck::new(PacketId::new(1).unwrap())),
        Packet::Subscribe(Subscribe::new(
            PacketId::new(2).unwrap(),
            vec![(
                TopicFilter::new("x/#").unwrap(),
                SubscriptionOptions::new(QoS::ExactlyOnce),
            )],
        )),
        Packet::SubAck(SubAck::new(
            PacketId::new(2).unwrap(),
            vec![ReasonCode::GRANTED_QOS_2],
        )),
        Packet::Publish(Publish::new(Topic::new("t").unwrap(), Bytes::new())),
        Packet::PingResp,
        Packet::Disconnect(Disconnect::default()),
    ]
}

fn stream(v: ProtocolVersion, packets: &[Packet]) -> (Vec<u8>, Vec<Bytes>) {
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for p in packets {
        let start = buf.len();
        p.encode(v, &mut buf).unwrap();
        frames.push(Bytes::copy_from_slice(&buf[start..]));
    }
    (buf.to_vec(), frames)
}

fn drain(decoder: &mut Decoder, out: &mut Vec<(Packet, Bytes)>) {
    while let Some(item) = decoder.next_packet().unwrap() {
        out.push(item);
    }
}

#[test]
fn split_at_every_position() {
    for v in [V311, V5] {
        let packets = packets(v);
        let (wire, frames) = stream(v, &packets);
        for split in 0..=wire.len() {
            let mut decoder = Decoder::new(v, 1024);
            let mut out = Vec::new();
            decoder.feed(&wire[..split]);
            drain(&mut decoder, &mut out);
            decoder.feed(&wire[split..]);
            drain(&mut decoder, &mut out);
            let (got, raw): (Vec<Packet>, Vec<Bytes>) = out.into_iter().unzip();
            assert_eq!(got, packets, "split at {split}");
            assert_eq!(raw, frames);
            assert_eq!(decoder.buffered_len(), 0);
        }
    }
}

#[test]
fn three_way_splits() {
    let v = V5;
    let packets = packets(v)[..4].to_vec();
    let (wire, _) = stream(v, &packets);
    for a in (0..wire.len()).step_by(3) {
        for b in (a..=wire.len()).step_by(5) {
            let mut decoder = Decoder::new(v, 1024);
            let mut out = Vec::new();
            for chunk in [&wire[..a], &wire[a..b], &wire[b..]] {
                decoder.feed(chunk);
                drain(&mut decoder, &mut out);
            }
            assert_eq!(out.into_iter().map(|(p, _)| p).collect::<Vec<_>>(), packets);
        }
    }
}

#[test]
fn byte_by_byte() {
    for v in [V311, V5] {
        let packets = packets(v);
        let (wire, _) = stream(v, &packets);
        let mut decoder = Decoder::new(v, 1024);
        let mut out = Vec::new();
        for byte in &wire {
            decoder.feed(std::slice::from_ref(byte));
            drain(&mut decoder, &mut out);
            assert!(decoder.buffered_len() <= 1024);
        }
        assert_eq!(out.into_iter().map(|(p, _)| p).collect::<Vec<_>>(), packets);
    }
}

#[test]
fn many_packets_in_one_chunk() {
    let v = V5;
    let packets = packets(v);
    let (wire, frames) = stream(v, &packets);
    let mut decoder = Decoder::new(v, 1024);
    decoder.feed(&wire);
    for (packet, frame) in packets.iter().zip(&frames) {
        assert_eq!(decoder.next_frame().unwrap().as_ref(), Some(frame));
        let _ = packet;
    }
    assert_eq!(decoder.next_frame().unwrap(), None);

    let mut decoder = Decoder::new(v, 1024);
    decoder.feed(&wire);
    let mut out = Vec::new();
    drain(&mut decoder, &mut out);
    assert_eq!(out.len(), packets.len());
}

#[test]
fn oversize_rejected_from_fixed_header_alone() {
    let mut decoder = Decoder::new(V5, 100);
    // PUBLISH with remaining length 16384: only the fixed header is fed.
    decoder.feed(&[0x30, 0x80, 0x80]);
    assert_eq!(decoder.next_frame(), Ok(None));
    decoder.feed(&[0x01]);
    let err = decoder.next_frame().unwrap_err();
    assert_eq!(
        err,
        DecodeError::PacketTooLarge {
            size: 1 + 3 + 16384,
            max: 100
        }
    );
    assert_eq!(err.reason_code(), ReasonCode::PACKET_TOO_LARGE);
    assert_eq!(decoder.buffered_len(), 0, "nothing large was buffered");
    // Poisoned: further input is ignored and the error repeats.
    decoder.feed(&[0u8; 1000]);
    assert_eq!(decoder.buffered_len(), 0);
    assert_eq!(decoder.next_frame(), Err(err.clone()));
    assert_eq!(decoder.next_packet(), Err(err));
}

#[test]
fn max_packet_size_counts_the_whole_packet() {
    // A 10-byte packet (fixed header 2 + body 8) passes a limit of 10 and fails a limit of 9.
    let frame = [0x30, 0x08, 0x00, 0x01, b't', 1, 2, 3, 4, 5];
    let mut decoder = Decoder::new(V311, 10);
    decoder.feed(&frame);
    assert!(decoder.next_packet().unwrap().is_some());
    let mut decoder = Decoder::new(V311, 9);
    decoder.feed(&frame);
    assert!(matches!(
        decoder.next_packet(),
        Err(DecodeError::PacketTooLarge { size: 10, max: 9 })
    ));
}

#[test]
fn five_byte_varint_rejected_after_four_continuation_bytes() {
    let mut decoder = Decoder::new(V5, u32::MAX);
    decoder.feed(&[0x30, 0xFF, 0xFF, 0xFF]);
    assert_eq!(decoder.next_frame(), Ok(None));
    decoder.feed(&[0xFF]);
    assert_eq!(decoder.next_frame(), Err(DecodeError::VarintTooLong));
    let mut decoder = Decoder::new(V5, u32::MAX);
    decoder.feed(&[0x30, 0x80, 0x00]);
    assert_eq!(decoder.next_frame(), Err(DecodeError::VarintNotMinimal));
}

#[test]
fn reserved_packet_type_and_flags_rejected_from_first_byte() {
    let mut decoder = Decoder::new(V5, 1024);
    decoder.feed(&[0x00]);
    assert!(matches!(
        decoder.next_frame(),
        Err(DecodeError::InvalidPacketType { value: 0, .. })
    ));
    let mut decoder = Decoder::new(V311, 1024);
    decoder.feed(&[0xF0]);
    assert!(matches!(
        decoder.next_frame(),
        Err(DecodeError::InvalidPacketType { value: 15, .. })
    ));
    let mut decoder = Decoder::new(V311, 1024);
    decoder.feed(&[0x60]);
    assert!(matches!(
        decoder.next_frame(),
        Err(DecodeError::InvalidFixedHeaderFlags { .. })
    ));
}

#[test]
fn decode_error_poisons_the_decoder() {
    let mut decoder = Decoder::new(V311, 1024);
    // PUBACK with packet id 0, then a valid PINGRESP.
    decoder.feed(&[0x40, 0x02, 0x00, 0x00, 0xD0, 0x00]);
    assert_eq!(decoder.next_packet(), Err(DecodeError::ZeroPacketId));
    assert_eq!(decoder.next_packet(), Err(DecodeError::ZeroPacketId));
    assert_eq!(decoder.error(), Some(&DecodeError::ZeroPacketId));
}

#[test]
fn a_poisoned_decoder_keeps_the_bytes_it_rejected() {
    // A complete frame that does not decode: the whole frame, not what follows it.
    let mut decoder = Decoder::new(V311, 1024);
    assert!(decoder.rejected().is_empty());
    decoder.feed(&[0xD0, 0x00, 0x40, 0x02, 0x00, 0x00, 0xD0, 0x00]);
    assert_eq!(decoder.next_packet().unwrap().unwrap().0, Packet::PingResp);
    assert!(decoder.rejected().is_empty(), "nothing rejected yet");
    assert_eq!(decoder.next_packet(), Err(DecodeError::ZeroPacketId));
    assert_eq!(&decoder.rejected()[..], [0x40, 0x02, 0x00, 0x00]);

    // A fixed header refused before the frame is complete (too large): the start of what had
    // arrived, at most REJECTED_HEADER_BYTES.
    let mut decoder = Decoder::new(V311, 100);
    let mut chunk = vec![0x30, 0xFF, 0x7F];
    chunk.extend(std::iter::repeat_n(0xAB, 40));
    decoder.feed(&chunk);
    assert!(matches!(
        decoder.next_packet(),
        Err(DecodeError::PacketTooLarge { .. })
    ));
    assert_eq!(decoder.rejected().len(), REJECTED_HEADER_BYTES);
    assert_eq!(&decoder.rejected()[..3], [0x30, 0xFF, 0x7F]);

    // Fewer bytes than that: all of them.
    let mut decoder = Decoder::new(V311, 1024);
    decoder.feed(&[0x00, 0x00]);
    assert!(decoder.next_packet().is_err());
    assert_eq!(&decoder.rejected()[..], [0x00, 0x00]);
}

#[test]
fn version_and_limit_can_change_between_packets() {
    let mut decoder = Decoder::new(V311, 1024);
    let mut buf = BytesMut::new();
    let mut ack = PubAck::new(PacketId::new(9).unwrap());
    ack.reason_code = ReasonCode::NO_MATCHING_SUBSCRIBERS;
    Packet::PubAck(ack.clone()).encode(V5, &mut buf).unwrap();
    decoder.set_version(V5);
    decoder.set_max_packet_size(5);
    decoder.feed(&buf);
    assert_eq!(
        decoder.next_packet().unwrap().unwrap().0,
        Packet::PubAck(ack)
    );
    assert_eq!(decoder.version(), V5);
    assert_eq!(decoder.max_packet_size(), 5);
}

/// `feed_vec` decodes the same packets as `feed`, whether or not a partial frame is buffered,
/// and its packets' payloads are slices of the chunk it was given (no copy).
#[test]
fn feed_vec_matches_feed_and_does_not_copy() {
    let mut stream = Vec::new();
    for i in 0..5u8 {
        let mut buf = BytesMut::new();
        Packet::Publish(Publish {
            packet_id: PacketId::new(u16::from(i) + 1),
            qos: QoS::AtLeastOnce,
            ..Publish::new(Topic::new("v/t").unwrap(), Bytes::from(vec![i; 300]))
        })
        .encode(ProtocolVersion::V5, &mut buf)
        .unwrap();
        stream.extend_from_slice(&buf);
    }
    for split in [0, 1, 2, 150, 305, stream.len() - 1] {
        let mut by_slice = Decoder::new(ProtocolVersion::V5, 4096);
        let mut by_vec = Decoder::new(ProtocolVersion::V5, 4096);
        let mut a = Vec::new();
        let mut b = Vec::new();
        for chunk in [&stream[..split], &stream[split..]] {
            by_slice.feed(chunk);
            while let Some((p, _)) = by_slice.next_packet().unwrap() {
                a.push(p);
            }
            let owned = chunk.to_vec();
            let range = owned.as_ptr_range();
            by_vec.feed_vec(owned);
            while let Some((p, _)) = by_vec.next_packet().unwrap() {
                if split == 0 {
                    // Nothing was buffered: the payload points into the very chunk.
                    let Packet::Publish(publish) = &p else {
                        panic!()
                    };
                    assert!(range.contains(&publish.payload.as_ptr()), "copied");
                }
                b.push(p);
            }
        }
        assert_eq!(a.len(), 5, "split {split}");
        assert_eq!(a, b, "split {split}");
    }
}

// ----- `Decoder::feed_publish_head`: a PUBLISH fed its headers only ----------------------------

/// PUBLISH frames of every shape: QoS 0/1/2, properties, a Topic Alias with and without a topic.
fn head_publishes(v: ProtocolVersion) -> Vec<Publish> {
    let payload = Bytes::from((0..5000u32).map(|i| i as u8).collect::<Vec<_>>());
    let mut out = Vec::new();
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        let mut p = Publish::new(Topic::new("camera/1/frame").unwrap(), payload.clone());
        p.qos = qos;
        p.packet_id = (qos != QoS::AtMostOnce).then(|| PacketId::new(9).unwrap());
        p.retain = qos == QoS::ExactlyOnce;
        out.push(p);
    }
    if v == V5 {
        let mut p = Publish::new(Topic::new("req/time").unwrap(), payload.clone());
        p.properties.message_expiry_interval = Some(60);
        p.properties.content_type = Some(MqttString::from("image/jpeg"));
        p.properties
            .user_properties
            .push((MqttString::from("k"), MqttString::from("v")));
        p.properties.topic_alias = Some(3);
        out.push(p.clone());
        p.topic = None; // the alias alone
        out.push(p);
    }
    out
}

#[test]
fn publish_heads_decode_as_the_whole_frame_at_every_head_length() {
    for v in [V311, V5] {
        for publish in head_publishes(v) {
            let payload_len = publish.payload.len();
            let (mut chunk, frames) = stream(v, &[Packet::Publish(publish.clone())]);
            let frame_len = frames[0].len();
            let payload_start = frame_len - payload_len;
            // The chunk also holds the start of the next frame.
            chunk.extend_from_slice(&[0xD0, 0x00]);
            let mut expected = publish.clone();
            expected.payload = Bytes::new();
            for h in 0..=chunk.len() {
                let mut d = Decoder::new(v, u32::MAX);
                let got = d.feed_publish_head(&chunk[..h], chunk.len());
                if h < payload_start {
                    assert_eq!(
                        got, None,
                        "{v:?} head of {h} bytes: the variable header is cut"
                    );
                    assert_eq!(d.buffered_len(), 0, "{v:?} head of {h} bytes: nothing fed");
                    continue;
                }
                let split = got.unwrap_or_else(|| panic!("{v:?} head of {h} bytes"));
                assert_eq!(
                    (split.payload_start, split.frame_len),
                    (payload_start, frame_len)
                );
                assert_eq!(&chunk[payload_start..frame_len], &publish.payload[..]);
                let (p, raw) = d.next_packet().unwrap().unwrap();
                assert_eq!(
                    p,
                    Packet::Publish(expected.clone()),
                    "{v:?} head of {h} bytes"
                );
                // Its raw bytes: the frame's headers, as a PUBLISH with no payload.
                let (_, n) = mqtt_proto::wire::decode_varint(&chunk[1..])
                    .unwrap()
                    .unwrap();
                assert_eq!(raw[0], chunk[0]);
                assert!(raw.ends_with(&chunk[1 + n..payload_start]));
                assert_eq!(d.buffered_len(), 0);
            }
        }
    }
}

/// Frames `feed_publish_head` leaves alone (`None`, nothing fed) are the ones it cannot take
/// from the head; an invalid PUBLISH it takes gets, from `next_packet`, the error the whole frame
/// gets.
#[test]
fn publish_heads_left_to_the_decoder_or_refused_as_whole_frames() {
    let publish = head_publishes(V5).remove(3); // "req/time", QoS 0, properties
    let (frame, _) = stream(V5, &[Packet::Publish(publish)]);
    let mut d = Decoder::new(V5, u32::MAX);
    // Part of the frame only.
    assert_eq!(d.feed_publish_head(&frame[..64], frame.len() - 1), None);
    // Not a PUBLISH.
    let (ack, _) = stream(
        V5,
        &[Packet::PubAck(PubAck::new(PacketId::new(1).unwrap()))],
    );
    assert_eq!(d.feed_publish_head(&ack, ack.len()), None);
    // Larger than the maximum packet size: the whole frame is refused from its fixed header.
    let mut small = Decoder::new(V5, frame.len() as u32 - 1);
    assert_eq!(small.feed_publish_head(&frame[..64], frame.len()), None);
    assert_eq!(d.buffered_len() + small.buffered_len(), 0);
    small.feed(&frame[..64]);
    assert!(matches!(
        small.next_packet(),
        Err(DecodeError::PacketTooLarge { .. })
    ));
    // Bytes of an earlier chunk are buffered: the frame continues them, it does not start here.
    d.feed(&[0x30]);
    assert_eq!(d.feed_publish_head(&frame[..64], frame.len()), None);
    // A poisoned decoder takes nothing.
    let mut d = Decoder::new(V5, u32::MAX);
    d.feed(&[0x00, 0x00]);
    assert!(d.next_packet().is_err());
    assert_eq!(d.feed_publish_head(&frame[..64], frame.len()), None);

    let cases: [(&str, Vec<u8>); 3] = [
        ("QoS 3", with_first(&frame, 0x36)),
        ("DUP with QoS 0", with_first(&frame, 0x38)),
        ("a wildcard in the topic", wildcard_topic(&frame)),
    ];
    for (what, bytes) in cases {
        let mut whole = Decoder::new(V5, u32::MAX);
        whole.feed(&bytes);
        let error = whole.next_packet().unwrap_err();
        let mut d = Decoder::new(V5, u32::MAX);
        assert!(
            d.feed_publish_head(&bytes[..64], bytes.len()).is_some(),
            "{what}"
        );
        assert_eq!(d.next_packet().unwrap_err(), error, "{what}");
    }
}

/// `frame` with its topic "req/time" made "req+time".
fn wildcard_topic(frame: &[u8]) -> Vec<u8> {
    let at = frame.windows(8).position(|w| w == b"req/time").unwrap();
    let mut f = frame.to_vec();
    f[at + 3] = b'+';
    f
}

fn with_first(frame: &[u8], first: u8) -> Vec<u8> {
    let mut f = frame.to_vec();
    f[0] = first;
    f
}
