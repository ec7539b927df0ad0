//! The browser client in headless Chromium against the real Mosquitto started by
//! scripts/test.sh (URLs arrive at compile time: `MQTT_WS_URL`, `MQTT_WS_AUTH_URL`).
#![cfg(target_arch = "wasm32")]

use client_wasm::mqtt_proto::session::{
    Event, Message, PublishRequest, ReconnectPolicy, SessionConfig,
};
use client_wasm::mqtt_proto::{
    MqttString, ProtocolVersion, QoS, ReasonCode, SubscriptionOptions, Topic, TopicFilter, Will,
};
use client_wasm::{Client, ClientError, TransportEvent, WsTransport};
use futures_channel::mpsc;
use futures_util::StreamExt;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BROKER: &str = match option_env!("MQTT_WS_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:9001",
};
const BROKER_AUTH: &str = match option_env!("MQTT_WS_AUTH_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:9002",
};

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", (js_sys::Math::random() * 1e12) as u64)
}

fn config(version: ProtocolVersion, id: &str) -> SessionConfig {
    let mut c = SessionConfig::new(version, id);
    c.reconnect = ReconnectPolicy::disabled();
    c
}

fn filter(s: &str) -> TopicFilter {
    TopicFilter::new(s).expect("valid filter")
}

fn topic(s: &str) -> Topic {
    Topic::new(s).expect("valid topic")
}

/// The next application message (other events are skipped); the test runner's
/// timeout bounds the wait.
async fn next_message(events: &mut mpsc::UnboundedReceiver<Event>) -> Message {
    loop {
        match events.next().await.expect("event stream ended") {
            Event::Message(m) => return *m,
            _ => continue,
        }
    }
}

#[wasm_bindgen_test]
async fn websocket_with_mqtt_subprotocol_gets_connack_311() {
    let (tx, mut rx) = mpsc::unbounded();
    let t = WsTransport::open(BROKER, move |e| {
        let _ = tx.unbounded_send(e);
    })
    .expect("valid url");
    assert!(matches!(rx.next().await, Some(TransportEvent::Open)));
    // CONNECT, MQTT 3.1.1, clean session, keep-alive 30, client id "wbt311".
    let connect = [
        0x10, 18, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 30, 0, 6, b'w', b'b', b't', b'3', b'1',
        b'1',
    ];
    t.send(&connect).expect("open");
    match rx.next().await {
        Some(TransportEvent::Bytes(b)) => {
            assert_eq!(b.to_vec(), [0x20, 2, 0, 0], "CONNACK accepted")
        }
        other => panic!("expected the CONNACK, got {other:?}"),
    }
}

async fn qos_roundtrip(version: ProtocolVersion) {
    let client = Client::connect(BROKER, config(version, &unique("rt")))
        .await
        .expect("connect");
    let base = unique("wasm/rt");
    let mut events = client.events();
    let granted = client
        .subscribe(vec![(
            filter(&format!("{base}/+")),
            SubscriptionOptions::new(QoS::ExactlyOnce),
        )])
        .await
        .expect("subscribe");
    assert_eq!(granted, vec![ReasonCode::GRANTED_QOS_2]);
    for (i, qos) in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce]
        .into_iter()
        .enumerate()
    {
        let t = format!("{base}/q{i}");
        let reason = client
            .publish(PublishRequest::new(topic(&t), format!("payload {i}"), qos))
            .await
            .expect("publish");
        assert_eq!(reason, ReasonCode::SUCCESS);
        let m = next_message(&mut events).await;
        assert_eq!(
            (m.topic.as_str(), &m.payload[..], m.qos),
            (t.as_str(), format!("payload {i}").as_bytes(), qos)
        );
    }
    client.end().await;
    assert!(!client.is_connected());
}

#[wasm_bindgen_test]
async fn qos_0_1_2_publish_and_receive_v311() {
    qos_roundtrip(ProtocolVersion::V311).await;
}

#[wasm_bindgen_test]
async fn qos_0_1_2_publish_and_receive_v5() {
    qos_roundtrip(ProtocolVersion::V5).await;
}

#[wasm_bindgen_test]
async fn bad_credentials_are_refused_with_the_reason_code() {
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let mut c = config(version, &unique("auth"));
        c.username = Some(MqttString::from("demo"));
        c.password = Some(bytes::Bytes::from_static(b"wrong"));
        let err = Client::connect(BROKER_AUTH, c).await.expect_err("refused");
        assert_eq!(err.code(), "ERR_REFUSED", "{version}: {err}");
        let code = err.reason_code().expect("reason code").0;
        assert!(
            code == 0x86 || code == 0x87,
            "{version}: bad user name or password / not authorized, got {code:#04x}"
        );

        let mut ok = config(version, &unique("auth"));
        ok.username = Some(MqttString::from("demo"));
        ok.password = Some(bytes::Bytes::from_static(b"demo-pass"));
        Client::connect(BROKER_AUTH, ok)
            .await
            .expect("right credentials accepted")
            .end()
            .await;
    }
}

#[wasm_bindgen_test]
async fn retained_message_reaches_a_later_subscriber() {
    let t = unique("wasm/retained");
    let a = Client::connect(BROKER, config(ProtocolVersion::V5, &unique("ra")))
        .await
        .expect("connect");
    let mut req = PublishRequest::new(topic(&t), "kept", QoS::AtLeastOnce);
    req.retain = true;
    a.publish(req).await.expect("publish retained");
    let b = Client::connect(BROKER, config(ProtocolVersion::V5, &unique("rb")))
        .await
        .expect("connect");
    let mut events = b.events();
    b.subscribe(vec![(
        filter(&t),
        SubscriptionOptions::new(QoS::AtLeastOnce),
    )])
    .await
    .expect("subscribe");
    let m = next_message(&mut events).await;
    assert!(m.retain, "delivered as retained");
    assert_eq!(&m.payload[..], b"kept");
    // Clear it: an empty retained message.
    let mut clear = PublishRequest::new(topic(&t), "", QoS::AtLeastOnce);
    clear.retain = true;
    a.publish(clear).await.expect("clear");
    a.end().await;
    b.end().await;
}

#[wasm_bindgen_test]
async fn unsubscribe_stops_delivery_and_wildcards_dispatch() {
    let base = unique("wasm/unsub");
    let c = Client::connect(BROKER, config(ProtocolVersion::V5, &unique("un")))
        .await
        .expect("connect");
    let mut events = c.events();
    c.subscribe(vec![
        (
            filter(&format!("{base}/a/#")),
            SubscriptionOptions::new(QoS::AtLeastOnce),
        ),
        (
            filter(&format!("{base}/b/+")),
            SubscriptionOptions::new(QoS::AtLeastOnce),
        ),
    ])
    .await
    .expect("subscribe");
    c.publish(PublishRequest::new(
        topic(&format!("{base}/a/x/y")),
        "1",
        QoS::AtLeastOnce,
    ))
    .await
    .expect("pub");
    assert_eq!(
        next_message(&mut events).await.topic.as_str(),
        format!("{base}/a/x/y")
    );
    assert_eq!(
        c.unsubscribe(vec![filter(&format!("{base}/a/#"))])
            .await
            .expect("unsub"),
        vec![ReasonCode::SUCCESS]
    );
    // Same publisher, same broker: messages arrive in order, so the next one
    // delivered must be the still-subscribed topic, not the unsubscribed one.
    c.publish(PublishRequest::new(
        topic(&format!("{base}/a/x/y")),
        "2",
        QoS::AtLeastOnce,
    ))
    .await
    .expect("pub");
    c.publish(PublishRequest::new(
        topic(&format!("{base}/b/z")),
        "3",
        QoS::AtLeastOnce,
    ))
    .await
    .expect("pub");
    let m = next_message(&mut events).await;
    assert_eq!(
        (m.topic.as_str(), &m.payload[..]),
        (format!("{base}/b/z").as_str(), &b"3"[..])
    );
    c.end().await;
}

#[wasm_bindgen_test]
async fn will_is_delivered_when_a_client_vanishes() {
    let t = unique("wasm/will");
    let watcher = Client::connect(BROKER, config(ProtocolVersion::V5, &unique("ww")))
        .await
        .expect("connect");
    let mut events = watcher.events();
    watcher
        .subscribe(vec![(
            filter(&t),
            SubscriptionOptions::new(QoS::AtLeastOnce),
        )])
        .await
        .expect("subscribe");
    let mut c = config(ProtocolVersion::V5, &unique("wv"));
    c.will = Some(Will {
        topic: topic(&t),
        payload: bytes::Bytes::from_static(b"gone"),
        qos: QoS::AtLeastOnce,
        retain: false,
        properties: Default::default(),
    });
    let doomed = Client::connect(BROKER, c).await.expect("connect");
    drop(doomed); // the socket closes without DISCONNECT
    let m = next_message(&mut events).await;
    assert_eq!(
        (m.topic.as_str(), &m.payload[..]),
        (t.as_str(), &b"gone"[..])
    );
    watcher.end().await;
}

#[wasm_bindgen_test]
async fn one_megabyte_payload_and_a_thousand_topics() {
    let base = unique("wasm/big");
    let c = Client::connect(BROKER, config(ProtocolVersion::V5, &unique("big")))
        .await
        .expect("connect");
    let mut events = c.events();
    c.subscribe(vec![(
        filter(&format!("{base}/#")),
        SubscriptionOptions::new(QoS::AtLeastOnce),
    )])
    .await
    .expect("sub");
    let payload: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    c.publish(PublishRequest::new(
        topic(&format!("{base}/mb")),
        payload.clone(),
        QoS::AtLeastOnce,
    ))
    .await
    .expect("pub");
    assert_eq!(next_message(&mut events).await.payload.len(), payload.len());
    for i in 0..1000 {
        let req = PublishRequest::new(
            topic(&format!("{base}/t/{i}")),
            i.to_string(),
            QoS::AtMostOnce,
        );
        c.publish(req).await.expect("pub");
    }
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 1000 {
        let m = next_message(&mut events).await;
        seen.insert(m.topic.as_str().to_owned());
    }
    assert_eq!(seen.len(), 1000);
    c.end().await;
}

#[wasm_bindgen_test]
async fn refused_url_is_a_typed_error() {
    let err = Client::connect("ftp://127.0.0.1:1", config(ProtocolVersion::V5, "x"))
        .await
        .expect_err("bad url");
    assert!(matches!(err, ClientError::InvalidUrl(_)), "{err:?}");
}

#[wasm_bindgen_test]
async fn online_event_reconnects_without_waiting_for_the_backoff() {
    let id = unique("hint");
    let mut c = SessionConfig::new(ProtocolVersion::V5, &id);
    c.reconnect = ReconnectPolicy {
        initial_delay: std::time::Duration::from_secs(600),
        max_delay: std::time::Duration::from_secs(600),
        ..ReconnectPolicy::default()
    };
    let client = Client::connect(BROKER, c).await.expect("connect");
    let mut events = client.events();
    // A second client with the same id takes the session over: the broker drops the first.
    let thief = Client::connect(BROKER, config(ProtocolVersion::V5, &id))
        .await
        .expect("connect");
    loop {
        match events.next().await.expect("events") {
            Event::Reconnecting { delay, .. } => {
                assert!(delay.as_secs() >= 60, "the backoff is long: {delay:?}");
                break;
            }
            _ => continue,
        }
    }
    // The browser says the network is back: reconnect now, not in 10 minutes.
    let window = web_sys::window().expect("window");
    window
        .dispatch_event(&web_sys::Event::new("online").expect("event"))
        .expect("dispatch");
    loop {
        if let Event::Connected(_) = events.next().await.expect("events") {
            break;
        }
    }
    drop(thief);
    client.end().await;
}

/// A client dropped right after a call, while the drain that call deferred to a microtask is
/// still queued: the driver outlives the queued call (dropped first, the call would throw in JS,
/// "closure invoked after being dropped"), then goes.
#[wasm_bindgen_test]
async fn a_client_dropped_with_a_drain_queued_goes_quietly() {
    use futures_util::FutureExt;
    js_sys::eval(
        "window.__uncaught = []; addEventListener('error', (e) => window.__uncaught.push(String(e.message)));",
    )
    .expect("error listener");
    let c = Client::connect(BROKER, config(ProtocolVersion::V5, &unique("dropq")))
        .await
        .expect("connect");
    // One poll issues the request (and queues the drain); the call itself is abandoned.
    let request = PublishRequest::new(topic("wasm/dropped"), "x", QoS::AtLeastOnce);
    assert!(c.publish(request).now_or_never().is_none());
    drop(c);
    // A task later: the queued microtask has run.
    let tick = js_sys::eval("new Promise((ok) => setTimeout(ok, 0))").expect("tick");
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(tick))
        .await
        .expect("tick");
    let uncaught = js_sys::eval("window.__uncaught.join('; ')").expect("read");
    assert_eq!(uncaught.as_string().as_deref(), Some(""));
}
