//! Codec throughput on a realistic mix of packets, ours and rumqttc's (`mqttbytes` v4 / v5) side
//! by side on the same bytes.
//!
//! Each row's wire bytes are produced once by our encoder; rumqttc's packet values are what
//! rumqttc decodes from those bytes, so both codecs decode and encode the same packets.
//!
//! - decode: from a `BytesMut` holding one frame (filled outside the timed section) to a packet
//!   value: ours splits the frame and calls [`Packet::decode`] (fixed header, strict validation,
//!   zero-copy fields); rumqttc calls its `Packet::read` (fixed header, split, parse).
//!   The packet is dropped inside the timed section (a consumer drops what it handled; keeping
//!   the outputs would measure the harness's memory instead).
//! - encode: a packet value appended to a cleared, pre-allocated `BytesMut`; each side encodes
//!   the value it decoded from the row's wire bytes (payloads are slices of a received frame on
//!   both sides, as when a broker or bridge forwards what it received: the same slice, so that
//!   the one payload copy both make is the same copy).
//!
//! Reported per packet (elements/s) and per byte (MB/s). Run with `scripts/bench.sh`.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mqtt_proto::{
    MqttString, Packet, PacketId, PropertyValues, ProtocolVersion, PubAck, PubComp, PubRec, PubRel,
    Publish, QoS, Subscribe, SubscriptionOptions, Topic, TopicFilter,
};

/// One row of the mix: a packet and the protocol version it is exchanged in.
struct Row {
    name: &'static str,
    version: ProtocolVersion,
    packet: Packet,
}

fn publish(topic: &str, qos: QoS, payload_len: usize) -> Publish {
    let payload: Vec<u8> = (0..payload_len).map(|i| (i % 251) as u8).collect();
    let mut p = Publish::new(Topic::new(topic).unwrap(), Bytes::from(payload));
    p.qos = qos;
    if qos != QoS::AtMostOnce {
        p.packet_id = PacketId::new(4242);
    }
    p
}

fn rows() -> Vec<Row> {
    let v4 = ProtocolVersion::V311;
    let id = PacketId::new(4242).unwrap();
    // 64 bytes on the wire: 2 header + 2 + 16 topic + 44 payload.
    let small = publish("sensors/kitchen1", QoS::AtMostOnce, 44);
    let kib = publish("sensors/kitchen/temperature", QoS::AtLeastOnce, 1024);
    let big = publish("firmware/images/v2", QoS::AtLeastOnce, 64 * 1024);
    let mut props = publish("rpc/requests/device-42", QoS::AtLeastOnce, 256);
    props.properties = PropertyValues {
        content_type: Some(MqttString::from("application/json")),
        correlation_data: Some(Bytes::from_static(b"3f2a9c10-77d1-4b7e")),
        response_topic: Some(Topic::new("rpc/responses/client-7").unwrap()),
        message_expiry_interval: Some(3600),
        user_properties: vec![
            ("trace-id".into(), "4bf92f3577b34da6a3ce929d0e0e4736".into()),
            ("region".into(), "eu-west-1".into()),
            ("schema".into(), "v3".into()),
        ],
        ..PropertyValues::default()
    }
    .into();
    let filters = (0..10)
        .map(|i| {
            let filter = if i % 3 == 0 {
                format!("site/{i}/+/temperature")
            } else if i % 3 == 1 {
                format!("site/{i}/alarms/#")
            } else {
                format!("site/{i}/status")
            };
            (
                TopicFilter::new(&filter).unwrap(),
                SubscriptionOptions::new(QoS::AtLeastOnce),
            )
        })
        .collect();
    vec![
        Row {
            name: "publish_qos0_64B",
            version: v4,
            packet: Packet::Publish(small),
        },
        Row {
            name: "publish_qos1_1KiB",
            version: v4,
            packet: Packet::Publish(kib),
        },
        Row {
            name: "publish_qos1_64KiB",
            version: v4,
            packet: Packet::Publish(big),
        },
        Row {
            name: "publish_v5_properties",
            version: ProtocolVersion::V5,
            packet: Packet::Publish(props),
        },
        Row {
            name: "subscribe_10_filters",
            version: v4,
            packet: Packet::Subscribe(Subscribe::new(id, filters)),
        },
        Row {
            name: "puback",
            version: v4,
            packet: Packet::PubAck(PubAck::new(id)),
        },
        Row {
            name: "pubrec",
            version: v4,
            packet: Packet::PubRec(PubRec::new(id)),
        },
        Row {
            name: "pubrel",
            version: v4,
            packet: Packet::PubRel(PubRel::new(id)),
        },
        Row {
            name: "pubcomp",
            version: v4,
            packet: Packet::PubComp(PubComp::new(id)),
        },
        Row {
            name: "pingreq",
            version: v4,
            packet: Packet::PingReq,
        },
    ]
}

/// rumqttc's codec for one version, behind one interface.
// Built once per row, never moved in the timed sections.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Theirs {
    V4(rumqttc::mqttbytes::v4::Packet),
    V5(rumqttc::v5::mqttbytes::v5::Packet),
}

const MAX: usize = 1 << 20;

impl Theirs {
    fn read(v: ProtocolVersion, buf: &mut BytesMut) -> Self {
        if v.is_v5() {
            Self::V5(rumqttc::v5::mqttbytes::v5::Packet::read(buf, Some(MAX as u32)).unwrap())
        } else {
            Self::V4(rumqttc::mqttbytes::v4::Packet::read(buf, MAX).unwrap())
        }
    }

    /// A PUBLISH's payload (a slice of the frame it was decoded from).
    fn payload(&self) -> Option<Bytes> {
        match self {
            Self::V4(rumqttc::mqttbytes::v4::Packet::Publish(p)) => Some(p.payload.clone()),
            Self::V5(rumqttc::v5::mqttbytes::v5::Packet::Publish(p)) => Some(p.payload.clone()),
            _ => None,
        }
    }

    fn write(&self, buf: &mut BytesMut) -> usize {
        match self {
            Self::V4(p) => p.write(buf, MAX).unwrap(),
            Self::V5(p) => p.write(buf, Some(MAX as u32)).unwrap(),
        }
    }
}

fn codec(c: &mut Criterion) {
    for row in rows() {
        let v = row.version;
        let mut wire = BytesMut::new();
        let len = row.packet.encode(v, &mut wire).unwrap();
        let wire = wire.freeze();
        let theirs = Theirs::read(v, &mut BytesMut::from(&wire[..]));
        // Same packet both ways: rumqttc re-encodes what we wrote to as many bytes, which we
        // decode to the same packet (rumqttc writes properties in another order).
        let mut check = BytesMut::new();
        theirs.write(&mut check);
        assert_eq!(check.len(), wire.len(), "{}: rumqttc's size", row.name);
        let back = Packet::decode(v, check.freeze()).unwrap();
        assert_eq!(
            back, row.packet,
            "{}: rumqttc encodes another packet",
            row.name
        );

        let mut group = c.benchmark_group(row.name);
        group.throughput(Throughput::ElementsAndBytes {
            elements: 1,
            bytes: len as u64,
        });
        let fresh = || BytesMut::from(&wire[..]);
        group.bench_function("decode/ours", |b| {
            b.iter_batched_ref(
                fresh,
                |buf| {
                    let packet = Packet::decode(v, black_box(buf.split().freeze())).unwrap();
                    drop(black_box(packet));
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_function("decode/rumqttc", |b| {
            b.iter_batched_ref(
                fresh,
                |buf| drop(black_box(Theirs::read(v, black_box(buf)))),
                BatchSize::SmallInput,
            )
        });
        // Each side encodes the packet value it decoded from the same wire bytes. The payload
        // copy is the same work on both sides, so both copy the very same bytes: our payload is
        // re-pointed at rumqttc's (equal contents). Separate buffers would differ in alignment,
        // and `memcpy`'s speed with it, by more than the rest of the encoding costs.
        let mut ours = Packet::decode(v, BytesMut::from(&wire[..]).freeze()).unwrap();
        assert_eq!(ours, row.packet, "{}: decode", row.name);
        if let (Packet::Publish(p), Some(payload)) = (&mut ours, theirs.payload()) {
            assert_eq!(p.payload, payload, "{}: payloads", row.name);
            p.payload = payload;
        }
        let mut out = BytesMut::with_capacity(len * 2);
        group.bench_function("encode/ours", |b| {
            b.iter(|| {
                out.clear();
                black_box(&ours).encode(v, &mut out).unwrap()
            })
        });
        group.bench_function("encode/rumqttc", |b| {
            b.iter(|| {
                out.clear();
                black_box(&theirs).write(&mut out)
            })
        });
        // The floor of any encoder that writes into a buffer: one copy of the finished frame.
        group.bench_function("encode/floor", |b| {
            b.iter(|| {
                out.clear();
                out.extend_from_slice(black_box(&wire[..]));
                out.len()
            })
        });
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = codec
}
criterion_main!(benches);
