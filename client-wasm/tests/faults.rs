//! The browser client in headless Chromium against the fault-injecting peer
//! (`cargo run -p mqtt-tests --bin fault-peer`), whose WebSocket URL arrives at compile
//! time in `MQTT_FAULT_WS_URL` (e.g. `ws://127.0.0.1:18971`); the URL path picks the
//! scenario (see `mqtt_tests::fault_peer::scenarios`). Every wait is bounded by [`WAIT_MS`].
#![cfg(target_arch = "wasm32")]

use client_wasm::mqtt_proto::session::{
    DisconnectReason, Event, ProtocolViolation, ReconnectPolicy, SessionConfig,
};
use client_wasm::mqtt_proto::{ProtocolVersion, QoS, ReasonCode, SubscriptionOptions, TopicFilter};
use client_wasm::timer::{now_ms, Timeout};
use client_wasm::{Client, ClientError};
use futures_channel::{mpsc, oneshot};
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PEER: &str = match option_env!("MQTT_FAULT_WS_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:18971",
};
/// The longest wait for one event.
const WAIT_MS: u32 = 10_000;
/// The client's Maximum Packet Size (the `malformed-oversize` peer claims one byte more).
const MAX_IN: u32 = 1024;
/// What the peer puts in refusals and server DISCONNECTs (`fault_peer::scenarios`).
const SERVER_REFERENCE: &str = "127.0.0.1:1884";
const SPLIT_PAYLOAD: &[u8] = b"one byte at a time";
const ALIVE_TOPIC: &str = "fault/alive";

fn url(scenario: &str) -> String {
    format!("{PEER}/{scenario}")
}

fn config(version: ProtocolVersion) -> SessionConfig {
    let id = format!("faults-{}", (js_sys::Math::random() * 1e12) as u64);
    let mut c = SessionConfig::new(version, &id);
    c.reconnect = ReconnectPolicy::disabled();
    c.maximum_packet_size = Some(MAX_IN);
    if version.is_v5() {
        c.topic_alias_maximum = 5;
    }
    c
}

/// A client on `scenario` whose events are listened to from the first packet on; resolves at
/// CONNACK.
async fn connected(scenario: &str, c: SessionConfig) -> (Client, mpsc::UnboundedReceiver<Event>) {
    let (client, connack) = Client::start(&url(scenario), c).expect("start");
    let events = client.events();
    connack
        .await
        .expect("not cancelled")
        .unwrap_or_else(|e| panic!("{scenario}: no CONNACK: {e}"));
    (client, events)
}

/// The next event matching `pred`, within [`WAIT_MS`].
async fn wait_event(
    events: &mut mpsc::UnboundedReceiver<Event>,
    what: &str,
    pred: impl Fn(&Event) -> bool,
) -> Event {
    let (tx, mut expired) = oneshot::channel::<()>();
    let _timer = Timeout::new(WAIT_MS, move || {
        let _ = tx.send(());
    });
    let mut seen = Vec::new();
    loop {
        match select(events.next(), &mut expired).await {
            Either::Left((Some(e), _)) if pred(&e) => return e,
            Either::Left((Some(e), _)) => seen.push(e),
            Either::Left((None, _)) => panic!("events ended before {what}: {seen:#?}"),
            Either::Right(_) => panic!("no {what} within {WAIT_MS} ms: {seen:#?}"),
        }
    }
}

async fn disconnected(events: &mut mpsc::UnboundedReceiver<Event>, what: &str) -> DisconnectReason {
    match wait_event(events, what, |e| matches!(e, Event::Disconnected { .. })).await {
        Event::Disconnected { reason } => reason,
        _ => unreachable!(),
    }
}

#[wasm_bindgen_test]
async fn connack_refused_is_err_refused_with_the_reason_code() {
    let v311 = (1u8..=5).map(|c| {
        (
            ProtocolVersion::V311,
            format!("connack-refused-{c}"),
            ReasonCode::from_connect_return_code(c).expect("1..5"),
        )
    });
    let v5 = [
        0x80u8, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x9C, 0x9D, 0x9F,
    ]
    .map(|c| {
        (
            ProtocolVersion::V5,
            format!("connack-refused-{c:#04x}"),
            ReasonCode(c),
        )
    });
    for (version, scenario, expected) in v311.chain(v5) {
        let err = Client::connect(&url(&scenario), config(version))
            .await
            .expect_err("refused");
        assert_eq!(err.code(), "ERR_REFUSED", "{scenario} {version}: {err}");
        assert_eq!(err.reason_code(), Some(expected), "{scenario} {version}");
    }
}

#[wasm_bindgen_test]
async fn reserved_return_code_in_v311_is_a_lost_connection() {
    let err = Client::connect(&url("connack-refused-0x80"), config(ProtocolVersion::V311))
        .await
        .expect_err("malformed CONNACK");
    assert_eq!(err.code(), "ERR_CONNECTION_LOST", "{err}");
    assert!(
        matches!(
            &err,
            ClientError::ConnectionLost(DisconnectReason::ProtocolViolation(
                ProtocolViolation::Decode(_)
            ))
        ),
        "{err:?}"
    );
}

#[wasm_bindgen_test]
async fn no_connack_is_a_connect_timeout() {
    let mut c = config(ProtocolVersion::V5);
    c.connect_timeout = std::time::Duration::from_millis(500);
    let err = Client::connect(&url("no-connack"), c)
        .await
        .expect_err("no CONNACK");
    assert_eq!(
        err,
        ClientError::ConnectionLost(DisconnectReason::ConnectTimeout)
    );
    assert_eq!(err.code(), "ERR_CONNECTION_LOST");
}

#[wasm_bindgen_test]
async fn session_present_after_clean_start_is_a_lost_connection() {
    let err = Client::connect(
        &url("unexpected-session-present"),
        config(ProtocolVersion::V5),
    )
    .await
    .expect_err("protocol violation");
    let ClientError::ConnectionLost(DisconnectReason::ProtocolViolation(v)) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(v.reason_code(), ReasonCode::PROTOCOL_ERROR);
}

#[wasm_bindgen_test]
async fn malformed_packet_loses_the_connection_with_a_protocol_violation() {
    for (scenario, code) in [
        ("malformed-reserved-flags", 0x81),
        ("malformed-varint", 0x81),
        ("malformed-utf8-topic", 0x81),
        ("malformed-nul-topic", 0x81),
        ("malformed-qos3", 0x81),
        ("malformed-wildcard-topic", 0x90),
        ("malformed-packet-id-0", 0x82),
        ("malformed-oversize", 0x95),
        ("malformed-truncated", 0x81),
        ("malformed-trailing", 0x81),
        ("unexpected-puback", 0x82),
        ("unexpected-connack", 0x82),
        ("topic-alias-abuse", 0x94),
        ("topic-alias-abuse-unknown", 0x82),
    ] {
        let (client, mut events) = connected(scenario, config(ProtocolVersion::V5)).await;
        let reason = disconnected(&mut events, scenario).await;
        let DisconnectReason::ProtocolViolation(v) = &reason else {
            panic!("{scenario}: {reason:?}");
        };
        assert_eq!(v.reason_code(), ReasonCode(code), "{scenario}: {v}");
        // Reconnection is disabled: the client ends, and stays usable as a value.
        wait_event(&mut events, "Ended", |e| matches!(e, Event::Ended)).await;
        assert!(!client.is_connected());
    }
}

#[wasm_bindgen_test]
async fn server_disconnect_surfaces_the_server_reference() {
    let (_client, mut events) =
        connected("server-disconnect-0x9c", config(ProtocolVersion::V5)).await;
    let reason = disconnected(&mut events, "server DISCONNECT").await;
    let DisconnectReason::ServerDisconnect { reason, properties } = reason else {
        panic!("{reason:?}");
    };
    assert_eq!(reason, ReasonCode::USE_ANOTHER_SERVER);
    assert_eq!(
        properties.server_reference.as_ref().map(|s| s.as_str()),
        Some(SERVER_REFERENCE)
    );
    assert!(properties.reason_string.is_some());
}

#[wasm_bindgen_test]
async fn no_pingresp_is_a_keep_alive_timeout() {
    let mut c = config(ProtocolVersion::V5);
    c.keep_alive = 1;
    let (_client, mut events) = connected("no-pingresp", c).await;
    let start = now_ms();
    assert_eq!(
        disconnected(&mut events, "keep-alive timeout").await,
        DisconnectReason::KeepAliveTimeout
    );
    // PINGREQ after 1 s, then 1.5 s without an answer.
    let waited = now_ms() - start;
    assert!(waited >= 2000, "gave up after {waited} ms");
}

#[wasm_bindgen_test]
async fn split_bytes_still_works() {
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let (client, mut events) = connected("split-bytes", config(version)).await;
        let granted = client
            .subscribe(vec![(
                TopicFilter::new("split/topic").expect("filter"),
                SubscriptionOptions::new(QoS::AtLeastOnce),
            )])
            .await
            .expect("subscribe");
        assert_eq!(granted, vec![ReasonCode::GRANTED_QOS_1], "{version}");
        let Event::Message(m) =
            wait_event(&mut events, "PUBLISH", |e| matches!(e, Event::Message(_))).await
        else {
            unreachable!()
        };
        assert_eq!(
            (m.topic.as_str(), &m.payload[..], m.qos),
            ("split/topic", SPLIT_PAYLOAD, QoS::AtLeastOnce),
            "{version}"
        );
        assert!(client.is_connected());
        client.end().await;
    }
}

/// `large-batch` (`fault_peer::scenarios::LARGE_BATCH`): topic, payload length, QoS.
const LARGE_BATCH: [(&str, usize, u8); 4] = [
    ("large/1", 10_000, 1),
    ("large/2", 70_000, 0),
    ("large/small", 5, 0),
    ("large/4", 12_000, 0),
];

/// Payload byte `i` of `large-batch` message `m`.
fn large_batch_byte(m: usize, i: usize) -> u8 {
    ((i * 31 + m * 7) % 251) as u8
}

/// Four PUBLISHes in one WebSocket message, through the Rust API (which copies every message
/// into wasm memory): each payload whole and in order, the QoS 1 one acknowledged (the peer sends
/// `fault/alive` once it has the PUBACK).
#[wasm_bindgen_test]
async fn a_message_of_large_publishes_is_delivered_whole() {
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut c = config(version);
        c.maximum_packet_size = Some(1 << 20);
        let (client, mut events) = connected("large-batch", c).await;
        for (m, &(topic, len, qos)) in LARGE_BATCH.iter().enumerate() {
            let Event::Message(msg) =
                wait_event(&mut events, topic, |e| matches!(e, Event::Message(_))).await
            else {
                unreachable!()
            };
            assert_eq!(
                (msg.topic.as_str(), msg.qos.as_u8()),
                (topic, qos),
                "{version}"
            );
            let expected: Vec<u8> = (0..len).map(|i| large_batch_byte(m, i)).collect();
            assert!(
                msg.payload[..] == expected[..],
                "{version} {topic}: payload differs"
            );
        }
        let Event::Message(alive) = wait_event(&mut events, "fault/alive", |e| {
            matches!(e, Event::Message(_))
        })
        .await
        else {
            unreachable!()
        };
        assert_eq!(
            alive.topic.as_str(),
            ALIVE_TOPIC,
            "{version}: the PUBACK reached the peer"
        );
        client.end().await;
    }
}

#[wasm_bindgen_test]
async fn close_mid_packet_is_a_transport_close() {
    let (_client, mut events) = connected("close-mid-packet", config(ProtocolVersion::V5)).await;
    let reason = disconnected(&mut events, "close").await;
    assert_eq!(reason, DisconnectReason::TransportClosed);
}

#[wasm_bindgen_test]
async fn unknown_pubrel_is_answered_and_the_connection_stays() {
    let (client, mut events) = connected("unexpected-pubrel", config(ProtocolVersion::V5)).await;
    let Event::Message(m) = wait_event(&mut events, "the alive message", |e| {
        matches!(e, Event::Message(_) | Event::Disconnected { .. })
    })
    .await
    else {
        panic!("the connection was lost");
    };
    assert_eq!(m.topic.as_str(), ALIVE_TOPIC);
    assert!(client.is_connected());
    client.end().await;
}
