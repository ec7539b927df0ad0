//! The sans-IO `Session` over TCP against the fault-injecting peer, one test per scenario.
//!
//! Each test starts its own in-process [`FaultPeer`]; the client id names the scenario
//! (`<scenario>/<protocol level>`). Every test asserts the typed event the session reports,
//! what the client sent on the wire (the 5.0 DISCONNECT reason code), and whether it reconnects.
//! Real time is used, with short keep alive / connect timeouts where the scenario needs them;
//! every wait is bounded by [`WAIT`].
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use bytes::Bytes;
use mqtt_proto::session::{
    DisconnectReason, Event, ProtocolViolation, ReconnectPolicy, Session, SessionConfig,
};
use mqtt_proto::time::Duration as SessionDuration;
use mqtt_proto::{
    DecodeError, Decoder, Packet, PacketType, Properties, ProtocolVersion, QoS, ReasonCode,
    SubscriptionOptions, TopicError, TopicFilter,
};
use mqtt_tests::fault_peer::scenarios::{
    ALIVE_TOPIC, REASON_STRING, REFUSED_V311_CODES, REFUSED_V5_CODES, REFUSED_V5_MORE_CODES,
    SERVER_REFERENCE, SPLIT_PAYLOAD,
};
use mqtt_tests::fault_peer::{ConnectionLog, FaultPeer};
use mqtt_tests::tcp_driver::TcpDriver;

const WAIT: Duration = Duration::from_secs(10);
/// The client's Maximum Packet Size in these tests.
const MAX_IN: u32 = 1024;
/// The client's Topic Alias Maximum (5.0).
const ALIAS_MAX: u16 = 5;
const BOTH: [ProtocolVersion; 2] = [ProtocolVersion::V311, ProtocolVersion::V5];

fn config(version: ProtocolVersion, scenario: &str) -> SessionConfig {
    let mut c = SessionConfig::new(version, &format!("{scenario}/{}", version.level()));
    c.keep_alive = 30;
    c.maximum_packet_size = Some(MAX_IN);
    if version.is_v5() {
        c.topic_alias_maximum = ALIAS_MAX;
    }
    c.reconnect = ReconnectPolicy {
        initial_delay: SessionDuration::from_millis(50),
        max_delay: SessionDuration::from_millis(200),
        jitter: 0.0,
        seed: 1,
        ..ReconnectPolicy::default()
    };
    c
}

/// A peer and a client started against it with `config` (tweaked by `tweak`).
fn start(
    version: ProtocolVersion,
    scenario: &str,
    tweak: impl FnOnce(&mut SessionConfig),
) -> (FaultPeer, TcpDriver) {
    let peer = FaultPeer::start();
    let mut c = config(version, scenario);
    tweak(&mut c);
    let mut d = TcpDriver::new(Session::new(c).unwrap(), &peer.tcp_addr.to_string());
    d.connect();
    (peer, d)
}

/// Steps the client until an event matches `pred`; returns it.
fn wait_event(d: &mut TcpDriver, what: &str, pred: impl Fn(&Event) -> bool) -> Event {
    let found = d.run_until(WAIT, |d| d.events.iter().any(&pred));
    assert!(found, "no {what} within {WAIT:?}; events: {:#?}", d.events);
    d.events.iter().find(|e| pred(e)).cloned().unwrap()
}

/// The reason of the first `Event::Disconnected`.
fn disconnected(d: &mut TcpDriver) -> DisconnectReason {
    match wait_event(d, "Disconnected", |e| {
        matches!(e, Event::Disconnected { .. })
    }) {
        Event::Disconnected { reason } => reason,
        _ => unreachable!(),
    }
}

/// The first connection as the peer saw it, once the client closed it.
fn first_connection(peer: &FaultPeer) -> ConnectionLog {
    peer.wait_finished(0, WAIT)
        .unwrap_or_else(|| panic!("connection 0 did not end: {:#?}", peer.connections()))
}

/// The session reconnects: `Reconnecting`, then a second connection reaches the peer.
fn assert_reconnects(peer: &FaultPeer, d: &mut TcpDriver) {
    wait_event(d, "Reconnecting", |e| {
        matches!(e, Event::Reconnecting { .. })
    });
    assert!(
        d.run_until(WAIT, |_| peer.connections().len() >= 2),
        "no second connection: {:#?}",
        peer.connections()
    );
}

/// The session ends: `Ended`, no `Reconnecting`.
fn assert_ends(d: &mut TcpDriver) {
    wait_event(d, "Ended", |e| matches!(e, Event::Ended));
    assert!(
        !d.events
            .iter()
            .any(|e| matches!(e, Event::Reconnecting { .. })),
        "{:#?}",
        d.events
    );
    assert!(d.session.is_ended());
}

fn has_message(d: &TcpDriver) -> bool {
    d.events.iter().any(|e| matches!(e, Event::Message(_)))
}

fn subscribe(d: &mut TcpDriver, filters: &[&str], qos: QoS) {
    let now = d.now();
    let filters = filters
        .iter()
        .map(|f| (TopicFilter::new(f).unwrap(), SubscriptionOptions::new(qos)))
        .collect();
    d.session
        .subscribe(now, filters, Properties::default())
        .unwrap();
    d.drain();
}

/// The client got a protocol violation with `code` (checked by `check`), sent DISCONNECT `code`
/// in 5.0 (nothing in 3.1.1, which has no way to say why), delivered no message, and reconnects.
fn assert_violation(
    peer: &FaultPeer,
    d: &mut TcpDriver,
    version: ProtocolVersion,
    code: u8,
    check: impl Fn(&ProtocolViolation) -> bool,
) {
    let reason = disconnected(d);
    let DisconnectReason::ProtocolViolation(v) = &reason else {
        panic!("{version}: expected a protocol violation, got {reason:?}");
    };
    assert_eq!(v.reason_code(), ReasonCode(code), "{version}: {v}");
    assert!(check(v), "{version}: unexpected violation {v:?}");
    assert!(!has_message(d), "{version}: a bad packet was delivered");
    let log = first_connection(peer);
    if version.is_v5() {
        assert_eq!(
            log.client_disconnect().map(|d| d.reason_code),
            Some(ReasonCode(code)),
            "{version}: client sent {:?}",
            log.types()
        );
    } else {
        assert_eq!(log.count(PacketType::Disconnect), 0, "{version}");
    }
    assert_eq!(
        log.decode_error, None,
        "{version}: the client sent bad bytes"
    );
    assert_reconnects(peer, d);
}

fn malformed(kind: &str, code: u8, check: impl Fn(&DecodeError) -> bool) {
    let scenario = format!("malformed-{kind}");
    for version in BOTH {
        let (peer, mut d) = start(version, &scenario, |_| {});
        assert_violation(
            &peer,
            &mut d,
            version,
            code,
            |v| matches!(v, ProtocolViolation::Decode(e) if check(e)),
        );
    }
}

fn unexpected(version: ProtocolVersion, kind: &str, code: u8, before: impl FnOnce(&mut TcpDriver)) {
    let (peer, mut d) = start(version, &format!("unexpected-{kind}"), |_| {});
    before(&mut d);
    assert_violation(&peer, &mut d, version, code, |v| {
        matches!(v, ProtocolViolation::Unexpected { .. })
    });
}

// ----- connack-refused-<code> ------------------------------------------------------------------

/// Refusal `expected` on a fresh peer: the typed reason, nothing sent after CONNECT, and
/// reconnection only for the transient codes.
fn refused(version: ProtocolVersion, scenario: &str, expected: ReasonCode) {
    let (peer, mut d) = start(version, scenario, |_| {});
    let reason = disconnected(&mut d);
    let DisconnectReason::Refused { reason, properties } = reason else {
        panic!("{scenario} {version}: {reason:?}");
    };
    assert_eq!(reason, expected, "{scenario} {version}");
    if version.is_v5() {
        assert_eq!(
            properties.reason_string.as_ref().map(|s| s.as_str()),
            Some(REASON_STRING),
            "{scenario}"
        );
        let moved = matches!(
            expected,
            ReasonCode::USE_ANOTHER_SERVER | ReasonCode::SERVER_MOVED
        );
        assert_eq!(
            properties.server_reference.as_ref().map(|s| s.as_str()),
            moved.then_some(SERVER_REFERENCE),
            "{scenario}"
        );
    }
    let log = first_connection(&peer);
    assert_eq!(log.types(), [PacketType::Connect], "{scenario} {version}");
    let retried = matches!(
        expected,
        ReasonCode::SERVER_UNAVAILABLE
            | ReasonCode::SERVER_BUSY
            | ReasonCode::QUOTA_EXCEEDED
            | ReasonCode::CONNECTION_RATE_EXCEEDED
    );
    if retried {
        assert_reconnects(&peer, &mut d);
    } else {
        assert_ends(&mut d);
    }
}

#[test]
fn connack_refused_v311_return_codes() {
    for code in REFUSED_V311_CODES {
        let expected = ReasonCode::from_connect_return_code(code).unwrap();
        refused(
            ProtocolVersion::V311,
            &format!("connack-refused-{code}"),
            expected,
        );
    }
}

#[test]
fn connack_refused_v5_reason_codes() {
    for code in REFUSED_V5_CODES.iter().chain(&REFUSED_V5_MORE_CODES) {
        refused(
            ProtocolVersion::V5,
            &format!("connack-refused-{code:#04x}"),
            ReasonCode(*code),
        );
    }
}

#[test]
fn connack_refused_return_code_follows_the_client_version() {
    // Return code 3 (Server unavailable) reaches a 5.0 client as 0x88.
    refused(
        ProtocolVersion::V5,
        "connack-refused-3",
        ReasonCode::SERVER_UNAVAILABLE,
    );
}

#[test]
fn connack_refused_reserved_return_code_is_malformed_in_v311() {
    let (peer, mut d) = start(ProtocolVersion::V311, "connack-refused-0x80", |_| {});
    let reason = disconnected(&mut d);
    assert!(
        matches!(
            &reason,
            DisconnectReason::ProtocolViolation(ProtocolViolation::Decode(
                DecodeError::InvalidReasonCode {
                    packet_type: PacketType::ConnAck,
                    code: 0x80,
                    ..
                }
            ))
        ),
        "{reason:?}"
    );
    assert_eq!(first_connection(&peer).types(), [PacketType::Connect]);
}

#[test]
fn no_connack() {
    for version in BOTH {
        let (peer, mut d) = start(version, "no-connack", |c| {
            c.connect_timeout = SessionDuration::from_millis(500);
        });
        assert_eq!(disconnected(&mut d), DisconnectReason::ConnectTimeout);
        assert_reconnects(&peer, &mut d);
    }
}

// ----- malformed-<kind> ------------------------------------------------------------------------

#[test]
fn malformed_reserved_flags() {
    malformed("reserved-flags", 0x81, |e| {
        matches!(
            e,
            DecodeError::InvalidFixedHeaderFlags {
                packet_type: PacketType::PingResp,
                flags: 1
            }
        )
    });
}

#[test]
fn malformed_varint() {
    malformed("varint", 0x81, |e| *e == DecodeError::VarintNotMinimal);
}

#[test]
fn malformed_utf8_topic() {
    malformed("utf8-topic", 0x81, |e| {
        matches!(e, DecodeError::InvalidString(_))
    });
}

#[test]
fn malformed_nul_topic() {
    malformed("nul-topic", 0x81, |e| {
        matches!(e, DecodeError::InvalidString(_))
    });
}

#[test]
fn malformed_qos3() {
    malformed("qos3", 0x81, |e| *e == DecodeError::InvalidQoS);
}

#[test]
fn malformed_wildcard_topic() {
    // 0x90 Topic Name invalid is the DISCONNECT reason the spec has for this.
    malformed("wildcard-topic", 0x90, |e| {
        *e == DecodeError::InvalidTopicName(TopicError::WildcardInTopicName)
    });
}

#[test]
fn malformed_packet_id_0() {
    malformed("packet-id-0", 0x82, |e| *e == DecodeError::ZeroPacketId);
}

#[test]
fn malformed_oversize() {
    // The peer claims one byte more than the client's Maximum Packet Size (3.1.1 has no such
    // property: the protocol maximum), sends 5 body bytes and nothing else: the client can only
    // notice from the fixed header, without buffering the body.
    malformed(
        "oversize",
        0x95,
        |e| matches!(e, DecodeError::PacketTooLarge { size, max: MAX_IN } if *size > MAX_IN as usize),
    );
    // The same bytes straight into the codec: rejected with nothing kept.
    let mut decoder = Decoder::new(ProtocolVersion::V5, MAX_IN);
    decoder.feed(&[0x30, 0x80, 0x08, 0x00, 0x03, b'b', b'i', b'g']);
    assert!(matches!(
        decoder.next_packet(),
        Err(DecodeError::PacketTooLarge { .. })
    ));
    assert_eq!(decoder.buffered_len(), 0);
    decoder.feed(&[0u8; 4096]);
    assert_eq!(
        decoder.buffered_len(),
        0,
        "a poisoned decoder keeps nothing"
    );
}

#[test]
fn malformed_truncated() {
    malformed("truncated", 0x81, |e| *e == DecodeError::Truncated);
}

#[test]
fn malformed_trailing() {
    malformed("trailing", 0x81, |e| {
        *e == DecodeError::TrailingBytes {
            packet_type: PacketType::PingResp,
        }
    });
}

// ----- unexpected-<kind> -----------------------------------------------------------------------

/// PUBREL / PUBREC for an unknown id in 5.0 is answered with 0x92 Packet Identifier not found;
/// the connection stays up (the peer's next PUBLISH arrives).
fn unknown_id_is_answered(version: ProtocolVersion, kind: &str, answer: PacketType) {
    let (peer, mut d) = start(version, &format!("unexpected-{kind}"), |_| {});
    let Event::Message(m) = wait_event(&mut d, "the alive message", |e| {
        matches!(e, Event::Message(_))
    }) else {
        unreachable!()
    };
    assert_eq!(m.topic.as_str(), ALIVE_TOPIC);
    assert!(d.session.is_connected());
    assert!(!d
        .events
        .iter()
        .any(|e| matches!(e, Event::Disconnected { .. })));
    let log = peer.connections().remove(0);
    let code = log.received.iter().find_map(|p| match p {
        Packet::PubComp(c) if answer == PacketType::PubComp => Some(c.reason_code),
        Packet::PubRel(r) if answer == PacketType::PubRel => Some(r.reason_code),
        _ => None,
    });
    let expected = if version.is_v5() {
        ReasonCode::PACKET_IDENTIFIER_NOT_FOUND
    } else {
        ReasonCode::SUCCESS
    };
    assert_eq!(code, Some(expected), "{version}: {:?}", log.types());
}

#[test]
fn unexpected_pubrel() {
    for version in BOTH {
        unknown_id_is_answered(version, "pubrel", PacketType::PubComp);
    }
}

#[test]
fn unexpected_pubrec() {
    unknown_id_is_answered(ProtocolVersion::V5, "pubrec", PacketType::PubRel);
    // 3.1.1 has no way to say "not found": a protocol violation.
    unexpected(ProtocolVersion::V311, "pubrec", 0x82, |_| {});
}

#[test]
fn unexpected_puback() {
    for version in BOTH {
        unexpected(version, "puback", 0x82, |_| {});
    }
}

#[test]
fn unexpected_pubcomp() {
    for version in BOTH {
        unexpected(version, "pubcomp", 0x82, |_| {});
    }
}

#[test]
fn unexpected_suback_count() {
    for version in BOTH {
        unexpected(version, "suback-count", 0x82, |d| {
            wait_event(d, "Connected", |e| matches!(e, Event::Connected(_)));
            subscribe(d, &["count/a", "count/b"], QoS::AtLeastOnce);
        });
    }
}

#[test]
fn unexpected_connack() {
    for version in BOTH {
        unexpected(version, "connack", 0x82, |_| {});
    }
}

#[test]
fn unexpected_session_present() {
    // Session Present = 1 although we asked for a clean start [MQTT-3.2.2-2]: never Connected.
    for version in BOTH {
        let (peer, mut d) = start(version, "unexpected-session-present", |_| {});
        assert_violation(&peer, &mut d, version, 0x82, |v| {
            matches!(v, ProtocolViolation::Unexpected { .. })
        });
        assert!(!d.events.iter().any(|e| matches!(e, Event::Connected(_))));
    }
}

// ----- server-disconnect-<code> ----------------------------------------------------------------

#[test]
fn server_disconnect() {
    for code in [0x8Bu8, 0x8E, 0x98, 0x9C, 0x9D] {
        let (peer, mut d) = start(
            ProtocolVersion::V5,
            &format!("server-disconnect-{code:#04x}"),
            |_| {},
        );
        let reason = disconnected(&mut d);
        let DisconnectReason::ServerDisconnect { reason, properties } = reason else {
            panic!("{code:#04x}: {reason:?}");
        };
        assert_eq!(reason, ReasonCode(code));
        assert_eq!(
            properties.server_reference.as_ref().map(|s| s.as_str()),
            Some(SERVER_REFERENCE)
        );
        assert_eq!(
            properties.reason_string.as_ref().map(|s| s.as_str()),
            Some(REASON_STRING)
        );
        // The client must not answer a server DISCONNECT with its own [MQTT-3.14.0-1 reversed].
        let log = first_connection(&peer);
        assert_eq!(log.types(), [PacketType::Connect], "{code:#04x}");
        assert_reconnects(&peer, &mut d);
    }
}

#[test]
fn server_disconnect_in_v311_closes_the_connection() {
    // 3.1.1 servers never send DISCONNECT; one that does still ends the connection.
    let (peer, mut d) = start(ProtocolVersion::V311, "server-disconnect-0x8b", |_| {});
    assert!(matches!(
        disconnected(&mut d),
        DisconnectReason::ServerDisconnect { .. }
    ));
    assert_eq!(first_connection(&peer).types(), [PacketType::Connect]);
    assert_reconnects(&peer, &mut d);
}

// ----- topic-alias-abuse -----------------------------------------------------------------------

#[test]
fn topic_alias_abuse() {
    let v5 = ProtocolVersion::V5;
    // Alias 0: the codec rejects the property value.
    let (peer, mut d) = start(v5, "topic-alias-abuse", |_| {});
    assert_violation(&peer, &mut d, v5, 0x94, |v| {
        *v == ProtocolViolation::Decode(DecodeError::InvalidPropertyValue { property: 0x23 })
    });
    // Above our Topic Alias Maximum.
    let (peer, mut d) = start(v5, "topic-alias-abuse-above-max", |_| {});
    assert_violation(&peer, &mut d, v5, 0x94, |v| {
        matches!(v, ProtocolViolation::Unexpected { .. })
    });
    // An alias never mapped, with an empty topic: a Protocol Error.
    let (peer, mut d) = start(v5, "topic-alias-abuse-unknown", |_| {});
    assert_violation(&peer, &mut d, v5, 0x82, |v| {
        matches!(v, ProtocolViolation::Unexpected { .. })
    });
}

#[test]
fn topic_alias_abuse_when_we_allow_no_alias() {
    // Topic Alias Maximum 0 (the default): any alias is above it.
    let v5 = ProtocolVersion::V5;
    let (peer, mut d) = start(v5, "topic-alias-abuse-unknown", |c| {
        c.topic_alias_maximum = 0;
    });
    assert_violation(&peer, &mut d, v5, 0x94, |_| true);
}

// ----- no-pingresp, split-bytes, close-mid-packet ---------------------------------------------

#[test]
fn no_pingresp() {
    for version in BOTH {
        let (peer, mut d) = start(version, "no-pingresp", |c| c.keep_alive = 1);
        wait_event(&mut d, "Connected", |e| matches!(e, Event::Connected(_)));
        let connected_at = Instant::now();
        assert_eq!(disconnected(&mut d), DisconnectReason::KeepAliveTimeout);
        // PINGREQ after 1 s, then 1.5 × keep alive without an answer.
        let waited = connected_at.elapsed();
        assert!(
            waited >= Duration::from_millis(2000),
            "{version}: gave up after {waited:?}"
        );
        let log = first_connection(&peer);
        assert!(
            log.count(PacketType::PingReq) >= 1,
            "{version}: {:?}",
            log.types()
        );
        assert_reconnects(&peer, &mut d);
    }
}

#[test]
fn split_bytes() {
    for version in BOTH {
        let (peer, mut d) = start(version, "split-bytes", |_| {});
        let Event::Connected(c) =
            wait_event(&mut d, "Connected", |e| matches!(e, Event::Connected(_)))
        else {
            unreachable!()
        };
        if version.is_v5() {
            assert!(c.properties.reason_string.is_some(), "the long CONNACK");
        }
        subscribe(&mut d, &["split/topic"], QoS::AtLeastOnce);
        let Event::SubscribeResult { reasons, .. } = wait_event(&mut d, "SUBACK", |e| {
            matches!(e, Event::SubscribeResult { .. })
        }) else {
            unreachable!()
        };
        assert_eq!(reasons, [ReasonCode::GRANTED_QOS_1]);
        let Event::Message(m) = wait_event(&mut d, "PUBLISH", |e| matches!(e, Event::Message(_)))
        else {
            unreachable!()
        };
        assert_eq!(
            (m.topic.as_str(), &m.payload, m.qos),
            (
                "split/topic",
                &Bytes::from_static(SPLIT_PAYLOAD),
                QoS::AtLeastOnce
            )
        );
        assert!(
            d.run_until(WAIT, |_| peer.connections()[0].count(PacketType::PubAck)
                == 1),
            "{version}: no PUBACK: {:?}",
            peer.connections()[0].types()
        );
        assert!(d.session.is_connected());
    }
}

#[test]
fn close_mid_packet() {
    for version in BOTH {
        let (peer, mut d) = start(version, "close-mid-packet", |_| {});
        assert_eq!(disconnected(&mut d), DisconnectReason::TransportClosed);
        assert!(!has_message(&d), "{version}: half a packet was delivered");
        assert_reconnects(&peer, &mut d);
    }
}
