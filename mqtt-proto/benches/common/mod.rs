//! The codec benchmarks' rows and rumqttc's side, shared by `codec.rs` (criterion) and
//! `paired.rs` (interleaved pairs).
#![allow(clippy::unwrap_used, missing_docs, dead_code)]

use bytes::{Bytes, BytesMut};
use mqtt_proto::{
    MqttString, Packet, PacketId, PropertyValues, ProtocolVersion, PubAck, PubComp, PubRec, PubRel,
    Publish, QoS, Subscribe, SubscriptionOptions, Topic, TopicFilter,
};

/// One row of the mix: a packet and the protocol version it is exchanged in.
pub struct Row {
    pub name: &'static str,
    pub version: ProtocolVersion,
    pub packet: Packet,
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

pub fn rows() -> Vec<Row> {
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
pub enum Theirs {
    V4(rumqttc::mqttbytes::v4::Packet),
    V5(rumqttc::v5::mqttbytes::v5::Packet),
}

pub const MAX: usize = 1 << 20;

impl Theirs {
    pub fn read(v: ProtocolVersion, buf: &mut BytesMut) -> Self {
        if v.is_v5() {
            Self::V5(rumqttc::v5::mqttbytes::v5::Packet::read(buf, Some(MAX as u32)).unwrap())
        } else {
            Self::V4(rumqttc::mqttbytes::v4::Packet::read(buf, MAX).unwrap())
        }
    }

    /// A PUBLISH's payload (a slice of the frame it was decoded from).
    pub fn payload(&self) -> Option<Bytes> {
        match self {
            Self::V4(rumqttc::mqttbytes::v4::Packet::Publish(p)) => Some(p.payload.clone()),
            Self::V5(rumqttc::v5::mqttbytes::v5::Packet::Publish(p)) => Some(p.payload.clone()),
            _ => None,
        }
    }

    pub fn write(&self, buf: &mut BytesMut) -> usize {
        match self {
            Self::V4(p) => p.write(buf, MAX).unwrap(),
            Self::V5(p) => p.write(buf, Some(MAX as u32)).unwrap(),
        }
    }
}

/// A row's wire bytes (our encoding), rumqttc's packet decoded from them, and ours decoded from
/// them with its PUBLISH payload re-pointed at rumqttc's (equal contents, one buffer): the
/// encode benchmarks' inputs, so that the one payload copy both encoders make is the same copy.
pub fn encode_inputs(row: &Row) -> (Bytes, Theirs, Packet) {
    let v = row.version;
    let mut wire = BytesMut::new();
    row.packet.encode(v, &mut wire).unwrap();
    let wire = wire.freeze();
    let theirs = Theirs::read(v, &mut BytesMut::from(&wire[..]));
    // Same packet both ways: rumqttc re-encodes what we wrote to as many bytes, which we decode
    // to the same packet (rumqttc writes properties in another order).
    let mut check = BytesMut::new();
    theirs.write(&mut check);
    assert_eq!(check.len(), wire.len(), "{}: rumqttc's size", row.name);
    let back = Packet::decode(v, check.freeze()).unwrap();
    assert_eq!(
        back, row.packet,
        "{}: rumqttc encodes another packet",
        row.name
    );
    let mut ours = Packet::decode(v, BytesMut::from(&wire[..]).freeze()).unwrap();
    assert_eq!(ours, row.packet, "{}: decode", row.name);
    if let (Packet::Publish(p), Some(payload)) = (&mut ours, theirs.payload()) {
        assert_eq!(p.payload, payload, "{}: payloads", row.name);
        p.payload = payload;
    }
    (wire, theirs, ours)
}
