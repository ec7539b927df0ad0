//! The scenario catalogue: name → [`Script`].
//!
//! Every scenario but `connack-refused-*` and `no-connack` accepts the CONNECT first (CONNACK
//! 0x00, in the client's version). Packets the codec cannot encode (they break a rule) are
//! written as raw bytes; 5.0 PUBLISH bytes carry a property length, 3.1.1 ones do not.
//!
//! | name | what the peer does |
//! | --- | --- |
//! | `connack-refused-<code>` | CONNACK with `<code>`, then close. `1`..`5`: a 3.1.1 return code (the 5.0 equivalent for a 5.0 client); `0xNN`: a 5.0 reason code (for a 3.1.1 client written raw as the return code, which a strict client rejects as malformed). 5.0 CONNACKs carry a Reason String, and 0x9C/0x9D a Server Reference |
//! | `no-connack` | reads CONNECT, then stalls (no reading, no answer) |
//! | `malformed-reserved-flags` | PINGRESP with a reserved flag bit set (`D1 00`) |
//! | `malformed-varint` | PINGRESP whose remaining length 0 takes two bytes (`D0 80 00`) |
//! | `malformed-utf8-topic` | PUBLISH whose topic holds the byte 0xFF |
//! | `malformed-nul-topic` | PUBLISH whose topic holds U+0000 |
//! | `malformed-qos3` | PUBLISH with both QoS bits set |
//! | `malformed-wildcard-topic` | PUBLISH to `a/+/b` |
//! | `malformed-packet-id-0` | QoS 1 PUBLISH with packet identifier 0 |
//! | `malformed-oversize` | the fixed header of a PUBLISH one byte longer than the client's Maximum Packet Size, a few body bytes, then nothing |
//! | `malformed-truncated` | a complete PUBLISH frame whose topic length runs past its end |
//! | `malformed-trailing` | PINGRESP with a byte after its end (`D0 01 00`) |
//! | `unexpected-pubrel` | PUBREL for unknown id 7, waits for PUBCOMP, then a QoS 0 PUBLISH to `fault/alive` |
//! | `unexpected-pubrec` | PUBREC for unknown id 9, waits for PUBREL, then a QoS 0 PUBLISH to `fault/alive` |
//! | `unexpected-puback` | PUBACK for unknown id 9 |
//! | `unexpected-pubcomp` | PUBCOMP for unknown id 9 |
//! | `unexpected-suback-count` | answers the first SUBSCRIBE with one reason code too many |
//! | `unexpected-connack` | a second CONNACK |
//! | `unexpected-session-present` | CONNACK 0x00 with Session Present although the client asked for a clean start |
//! | `server-disconnect-<code>` | DISCONNECT `0xNN` with a Reason String and Server Reference `127.0.0.1:1884` (3.1.1: `E0 00`) |
//! | `topic-alias-abuse`, `topic-alias-abuse-zero` | PUBLISH with Topic Alias 0 |
//! | `topic-alias-abuse-above-max` | PUBLISH with Topic Alias = the client's Topic Alias Maximum + 1 |
//! | `topic-alias-abuse-unknown` | PUBLISH with an empty topic and Topic Alias 1, never mapped |
//! | `no-pingresp` | reads and records everything, answers nothing (PINGREQ included) |
//! | `split-bytes` | every server byte in its own write: CONNACK, SUBACK for the first SUBSCRIBE, a QoS 1 PUBLISH to its first filter (or `split/bytes` if it has wildcards), waits for PUBACK |
//! | `close-mid-packet` | half of a QoS 1 PUBLISH, then drops the connection |
//! | `large-batch` | one WebSocket message of four PUBLISHes ([`LARGE_BATCH`]: large ones, a small one, a large one after it), waits for the PUBACK of the QoS 1 one, then a QoS 0 PUBLISH to `fault/alive` |

use std::time::Duration;

use bytes::Bytes;
use mqtt_proto::{
    ConnAck, Disconnect, MqttString, Packet, PacketId, PacketType, PubAck, PubComp, PubRec, PubRel,
    Publish, QoS, ReasonCode, SubAck, Topic,
};

use super::script::{BytesFn, Ctx, Script, Step};

/// The 3.1.1 CONNACK return codes for `connack-refused-<code>`.
pub const REFUSED_V311_CODES: [u8; 5] = [1, 2, 3, 4, 5];
/// The 5.0 CONNACK reason codes for `connack-refused-0xNN`.
pub const REFUSED_V5_CODES: [u8; 20] = [
    0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99,
    0x9A, 0x9B, 0x9C, 0x9D,
];
/// More 5.0 refusal codes the catalogue lists (kept apart: 0x9F is a retried code).
pub const REFUSED_V5_MORE_CODES: [u8; 1] = [0x9F];
/// The `malformed-<kind>` kinds.
pub const MALFORMED_KINDS: [&str; 10] = [
    "reserved-flags",
    "varint",
    "utf8-topic",
    "nul-topic",
    "qos3",
    "wildcard-topic",
    "packet-id-0",
    "oversize",
    "truncated",
    "trailing",
];
/// The `unexpected-<kind>` kinds.
pub const UNEXPECTED_KINDS: [&str; 7] = [
    "pubrel",
    "pubrec",
    "puback",
    "pubcomp",
    "suback-count",
    "connack",
    "session-present",
];
/// The Reason String of refusals and server DISCONNECTs.
/// Carries markup on purpose: whatever shows it must render it as text.
pub const REASON_STRING: &str = "fault-peer says <b>no</b> <img src=x onerror=alert(3)>";
/// The Server Reference of `server-disconnect-*` and of refusals 0x9C / 0x9D.
pub const SERVER_REFERENCE: &str = "127.0.0.1:1884";
/// The topic of the PUBLISH that shows a connection is still usable.
pub const ALIVE_TOPIC: &str = "fault/alive";
/// The payload of the `split-bytes` PUBLISH.
pub const SPLIT_PAYLOAD: &[u8] = b"one byte at a time";
/// The PUBLISHes of `large-batch`, in their order in its one WebSocket message: topic, payload
/// length, QoS (the QoS 1 one has packet identifier 1). Payload byte `i` of message `m` is
/// [`large_batch_byte`]`(m, i)`.
pub const LARGE_BATCH: [(&str, usize, u8); 4] = [
    ("large/1", 10_000, 1),
    ("large/2", 70_000, 0),
    ("large/small", 5, 0),
    ("large/4", 12_000, 0),
];

/// Byte `i` of the payload of message `m` of [`LARGE_BATCH`].
pub fn large_batch_byte(m: usize, i: usize) -> u8 {
    ((i * 31 + m * 7) % 251) as u8
}

/// How long `no-pingresp` keeps ignoring the client.
pub const IGNORE_FOR: Duration = Duration::from_secs(60);
/// How long `no-connack` stalls.
pub const STALL_FOR: Duration = Duration::from_secs(30);

/// Packet identifier 1, for answers to a request that is missing.
const ID_1: PacketId = match PacketId::new(1) {
    Some(id) => id,
    None => unreachable!(),
};

/// Every scenario name (parameterised ones expanded with the codes above, plus two
/// `server-disconnect` examples).
pub fn names() -> Vec<String> {
    let mut n: Vec<String> = REFUSED_V311_CODES
        .iter()
        .map(|c| format!("connack-refused-{c}"))
        .chain(
            REFUSED_V5_CODES
                .iter()
                .chain(&REFUSED_V5_MORE_CODES)
                .map(|c| format!("connack-refused-{c:#04x}")),
        )
        .collect();
    n.push("no-connack".into());
    n.extend(MALFORMED_KINDS.iter().map(|k| format!("malformed-{k}")));
    n.extend(UNEXPECTED_KINDS.iter().map(|k| format!("unexpected-{k}")));
    n.extend([
        "server-disconnect-0x8b".into(),
        "server-disconnect-0x9c".into(),
    ]);
    n.extend(
        [
            "topic-alias-abuse",
            "topic-alias-abuse-zero",
            "topic-alias-abuse-above-max",
            "topic-alias-abuse-unknown",
            "no-pingresp",
            "split-bytes",
            "close-mid-packet",
            "large-batch",
        ]
        .map(String::from),
    );
    n
}

/// The script of scenario `name`, or `None` if there is no such scenario.
pub fn script(name: &str) -> Option<Script> {
    if let Some(code) = name.strip_prefix("connack-refused-") {
        return connack_refused(parse_connack_code(code)?);
    }
    if let Some(code) = name.strip_prefix("server-disconnect-") {
        return Some(server_disconnect(parse_hex(code)?));
    }
    if let Some(kind) = name.strip_prefix("malformed-") {
        return malformed(kind);
    }
    if let Some(kind) = name.strip_prefix("unexpected-") {
        return unexpected(kind);
    }
    let steps = match name {
        "no-connack" => vec![Step::Expect(PacketType::Connect), Step::Stall(STALL_FOR)],
        "topic-alias-abuse" | "topic-alias-abuse-zero" => {
            accepted([Step::bytes_with(|c| alias_publish(c, 0, b"alias/zero"))])
        }
        "topic-alias-abuse-above-max" => accepted([Step::bytes_with(|c| {
            let alias = c.client_topic_alias_max().saturating_add(1);
            alias_publish(c, alias, b"alias/high")
        })]),
        "topic-alias-abuse-unknown" => accepted([Step::bytes_with(|c| alias_publish(c, 1, b""))]),
        "no-pingresp" => accepted([Step::Ignore(IGNORE_FOR)]),
        "split-bytes" => {
            let mut steps = vec![Step::SplitAll];
            steps.extend(accepted([
                Step::Expect(PacketType::Subscribe),
                Step::send_with(grant_subscribe),
                Step::send_with(split_publish),
                Step::Expect(PacketType::PubAck),
            ]));
            steps
        }
        "close-mid-packet" => accepted([Step::CloseMidPacket(Box::new(|c| {
            let mut p = Publish::new(topic("half/packet"), Bytes::from(vec![0x5A; 64]));
            p.qos = QoS::AtLeastOnce;
            p.packet_id = PacketId::new(1);
            encode(c, &Packet::Publish(p))
        }))]),
        "large-batch" => accepted([
            Step::bytes_with(|c| {
                let mut out = Vec::new();
                for (m, &(topic, len, qos)) in LARGE_BATCH.iter().enumerate() {
                    let mut p = Publish::new(
                        self::topic(topic),
                        (0..len).map(|i| large_batch_byte(m, i)).collect(),
                    );
                    if qos == 1 {
                        p.qos = QoS::AtLeastOnce;
                        p.packet_id = Some(ID_1);
                    }
                    out.extend(encode(c, &Packet::Publish(p)));
                }
                out
            }),
            Step::Expect(PacketType::PubAck),
            Step::send(alive_publish()),
        ]),
        _ => return None,
    };
    Some(Script::new(steps))
}

/// CONNECT, CONNACK 0x00, then `then`.
fn accepted(then: impl IntoIterator<Item = Step>) -> Vec<Step> {
    let mut steps = vec![
        Step::Expect(PacketType::Connect),
        Step::send_with(|c| {
            let mut ack = ConnAck::new(ReasonCode::SUCCESS);
            if c.is_v5() && c.split {
                // A longer CONNACK gives the byte-by-byte client more to reassemble.
                ack.properties.reason_string = Some(mqtt_string("every byte on its own"));
            }
            Packet::ConnAck(ack)
        }),
    ];
    steps.extend(then);
    steps
}

fn connack_refused(code: ReasonCode) -> Option<Script> {
    Some(Script::new(vec![
        Step::Expect(PacketType::Connect),
        Step::bytes_with(move |c| {
            let mut ack = ConnAck::new(code);
            if c.is_v5() {
                ack.properties.reason_string = Some(mqtt_string(REASON_STRING));
                if matches!(
                    code,
                    ReasonCode::USE_ANOTHER_SERVER | ReasonCode::SERVER_MOVED
                ) {
                    ack.properties.server_reference = Some(mqtt_string(SERVER_REFERENCE));
                }
            }
            let packet = Packet::ConnAck(ack);
            match packet.encode(c.version, &mut bytes::BytesMut::new()) {
                Ok(_) => encode(c, &packet),
                // No such code in this version: write it anyway.
                Err(_) if c.is_v5() => vec![0x20, 0x03, 0x00, code.0, 0x00],
                Err(_) => vec![0x20, 0x02, 0x00, code.0],
            }
        }),
        Step::Close,
    ]))
}

fn server_disconnect(code: u8) -> Script {
    Script::new(accepted([
        Step::bytes_with(move |c| {
            if !c.is_v5() {
                return vec![0xE0, 0x00];
            }
            let mut d = Disconnect::new(ReasonCode(code));
            d.properties.reason_string = Some(mqtt_string(REASON_STRING));
            d.properties.server_reference = Some(mqtt_string(SERVER_REFERENCE));
            encode(c, &Packet::Disconnect(d))
        }),
        // The server closes after DISCONNECT [MQTT-3.14.4-1]; first see whether the client
        // answers (it must not).
        Step::Ignore(Duration::from_millis(500)),
        Step::Close,
    ]))
}

fn malformed(kind: &str) -> Option<Script> {
    let bytes: BytesFn = match kind {
        "reserved-flags" => Box::new(|_| vec![0xD1, 0x00]),
        "varint" => Box::new(|_| vec![0xD0, 0x80, 0x00]),
        "utf8-topic" => Box::new(|c| publish_raw(c, 0x30, b"a\xFFb", None, &[], b"x")),
        "nul-topic" => Box::new(|c| publish_raw(c, 0x30, b"a\0b", None, &[], b"x")),
        "qos3" => Box::new(|c| publish_raw(c, 0x36, b"q/3", Some(1), &[], b"x")),
        "wildcard-topic" => Box::new(|c| publish_raw(c, 0x30, b"a/+/b", None, &[], b"x")),
        "packet-id-0" => Box::new(|c| publish_raw(c, 0x32, b"id/0", Some(0), &[], b"x")),
        "oversize" => Box::new(|c| {
            // One byte more than the client accepts, counting the fixed header.
            let remaining = c.client_max_packet().min(mqtt_proto::wire::MAX_VARINT);
            let mut b = vec![0x30];
            b.extend(varint(remaining));
            // The start of a body; the rest never comes.
            b.extend([0x00, 0x03, b'b', b'i', b'g']);
            b
        }),
        // Remaining length 4, topic length 10: a field runs past the end of a complete frame.
        "truncated" => Box::new(|_| vec![0x30, 0x04, 0x00, 0x0A, b'a', b'b']),
        "trailing" => Box::new(|_| vec![0xD0, 0x01, 0x00]),
        _ => return None,
    };
    Some(Script::new(accepted([Step::SendBytes(bytes)])))
}

fn unexpected(kind: &str) -> Option<Script> {
    let id7 = PacketId::new(7)?;
    let id9 = PacketId::new(9)?;
    if kind == "session-present" {
        return Some(Script::new(vec![
            Step::Expect(PacketType::Connect),
            Step::send(Packet::ConnAck(ConnAck {
                session_present: true,
                ..ConnAck::new(ReasonCode::SUCCESS)
            })),
        ]));
    }
    let steps = match kind {
        "pubrel" => vec![
            Step::send(Packet::PubRel(PubRel::new(id7))),
            Step::Expect(PacketType::PubComp),
            Step::send(alive_publish()),
        ],
        "pubrec" => vec![
            Step::send(Packet::PubRec(PubRec::new(id9))),
            Step::Expect(PacketType::PubRel),
            Step::send(alive_publish()),
        ],
        "puback" => vec![Step::send(Packet::PubAck(PubAck::new(id9)))],
        "pubcomp" => vec![Step::send(Packet::PubComp(PubComp::new(id9)))],
        "suback-count" => vec![
            Step::Expect(PacketType::Subscribe),
            Step::send_with(|c| {
                let (id, n) = match &c.last {
                    Some(Packet::Subscribe(s)) => (s.packet_id, s.filters.len()),
                    _ => (ID_1, 1),
                };
                Packet::SubAck(SubAck::new(id, vec![ReasonCode::GRANTED_QOS_0; n + 1]))
            }),
        ],
        "connack" => vec![Step::send(Packet::ConnAck(ConnAck::new(
            ReasonCode::SUCCESS,
        )))],
        _ => return None,
    };
    Some(Script::new(accepted(steps)))
}

/// SUBACK granting what the SUBSCRIBE in `c.last` asked for.
fn grant_subscribe(c: &Ctx) -> Packet {
    match &c.last {
        Some(Packet::Subscribe(s)) => Packet::SubAck(SubAck::new(
            s.packet_id,
            s.filters
                .iter()
                .map(|(_, o)| ReasonCode(o.qos.as_u8()))
                .collect(),
        )),
        _ => Packet::SubAck(SubAck::new(ID_1, vec![ReasonCode::GRANTED_QOS_0])),
    }
}

/// A QoS 1 PUBLISH to the first filter of the SUBSCRIBE in `c.last`.
fn split_publish(c: &Ctx) -> Packet {
    let t = match &c.last {
        Some(Packet::Subscribe(s)) => s
            .filters
            .first()
            .and_then(|(f, _)| Topic::new(f.as_str()).ok()),
        _ => None,
    };
    let mut p = Publish::new(
        t.unwrap_or_else(|| topic("split/bytes")),
        Bytes::from_static(SPLIT_PAYLOAD),
    );
    p.qos = QoS::AtLeastOnce;
    p.packet_id = PacketId::new(1);
    Packet::Publish(p)
}

fn alive_publish() -> Packet {
    Packet::Publish(Publish::new(
        topic(ALIVE_TOPIC),
        Bytes::from_static(b"still here"),
    ))
}

/// A 5.0 QoS 0 PUBLISH with a Topic Alias property (3.1.1: without properties).
fn alias_publish(c: &Ctx, alias: u16, topic: &[u8]) -> Vec<u8> {
    let [hi, lo] = alias.to_be_bytes();
    publish_raw(c, 0x30, topic, None, &[0x23, hi, lo], b"aliased")
}

/// A PUBLISH frame written by hand: first byte, topic, optional packet id, 5.0 properties
/// (omitted in 3.1.1), payload.
fn publish_raw(
    c: &Ctx,
    first: u8,
    topic: &[u8],
    packet_id: Option<u16>,
    properties: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let mut body = Vec::new();
    let topic_len = u16::try_from(topic.len()).unwrap_or(u16::MAX);
    body.extend(topic_len.to_be_bytes());
    body.extend(topic);
    if let Some(id) = packet_id {
        body.extend(id.to_be_bytes());
    }
    if c.is_v5() {
        let len = u32::try_from(properties.len()).unwrap_or(u32::MAX);
        body.extend(varint(len));
        body.extend(properties);
    }
    body.extend(payload);
    frame(first, &body)
}

/// A fixed header (minimal remaining length) and `body`.
fn frame(first: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    out.extend(varint(u32::try_from(body.len()).unwrap_or(u32::MAX)));
    out.extend(body);
    out
}

/// A minimal Variable Byte Integer.
fn varint(mut n: u32) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let mut b = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            b |= 0x80;
        }
        out.push(b);
        if n == 0 {
            return out;
        }
    }
}

fn encode(c: &Ctx, packet: &Packet) -> Vec<u8> {
    let mut buf = bytes::BytesMut::new();
    // The scripts' own packets are valid; an encode failure sends nothing (and the test fails).
    let _ = packet.encode(c.version, &mut buf);
    buf.to_vec()
}

/// `1`..`5` (3.1.1 return code, as its 5.0 equivalent) or `0xNN` (a 5.0 reason code).
fn parse_connack_code(s: &str) -> Option<ReasonCode> {
    if s.starts_with("0x") || s.starts_with("0X") {
        return parse_hex(s).map(ReasonCode);
    }
    ReasonCode::from_connect_return_code(s.parse().ok()?)
}

fn parse_hex(s: &str) -> Option<u8> {
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    u8::from_str_radix(digits, 16).ok()
}

fn topic(s: &'static str) -> Topic {
    // Only called with the constant, valid topics of this file.
    Topic::new(s).unwrap_or_else(|_| unreachable!("invalid constant topic {s}"))
}

fn mqtt_string(s: &'static str) -> MqttString {
    // Only called with the constant, valid strings of this file.
    MqttString::new(s).unwrap_or_else(|_| unreachable!("invalid constant string {s}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_has_a_script() {
        for name in names() {
            assert!(script(&name).is_some(), "{name}");
        }
        assert!(script("no-such-scenario").is_none());
        assert!(script("connack-refused-0xZZ").is_none());
    }

    #[test]
    fn varint_is_minimal() {
        assert_eq!(varint(0), [0]);
        assert_eq!(varint(127), [0x7F]);
        assert_eq!(varint(128), [0x80, 0x01]);
        assert_eq!(varint(268_435_455), [0xFF, 0xFF, 0xFF, 0x7F]);
    }
}
