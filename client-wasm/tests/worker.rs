//! The client inside a dedicated Web Worker (no window, no document) against the
//! real Mosquitto: the WebSocket, the timer and the clock come from the worker's
//! global scope.
#![cfg(target_arch = "wasm32")]

use client_wasm::mqtt_proto::session::{Event, PublishRequest, SessionConfig};
use client_wasm::mqtt_proto::{
    ProtocolVersion, QoS, ReasonCode, SubscriptionOptions, Topic, TopicFilter,
};
use client_wasm::Client;
use futures_util::StreamExt;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const BROKER: &str = match option_env!("MQTT_WS_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:9001",
};

#[wasm_bindgen_test]
async fn publish_and_receive_inside_a_worker() {
    assert!(web_sys::window().is_none(), "running in a worker");
    let id = format!("worker-{}", (js_sys::Math::random() * 1e12) as u64);
    let mut config = SessionConfig::new(ProtocolVersion::V5, &id);
    config.keep_alive = 2; // the worker's timer must drive PINGREQ too
    config.trace = true;
    let client = Client::connect(BROKER, config).await.expect("connect");
    let mut events = client.events();
    let topic = format!("wasm/worker/{id}");
    let granted = client
        .subscribe(vec![(
            TopicFilter::new(&topic).expect("filter"),
            SubscriptionOptions::new(QoS::AtLeastOnce),
        )])
        .await
        .expect("subscribe");
    assert_eq!(granted, vec![ReasonCode::GRANTED_QOS_1]);
    client
        .publish(PublishRequest::new(
            Topic::new(&topic).expect("topic"),
            "from a worker",
            QoS::AtLeastOnce,
        ))
        .await
        .expect("publish");
    let mut pings = 0;
    let mut got = false;
    // Wait for the message and for two keep-alive round trips (PINGREQ/PINGRESP
    // from the worker's timer); the runner's timeout bounds the wait.
    while !(got && pings >= 2) {
        match events.next().await.expect("events") {
            Event::Message(m) => {
                assert_eq!(&m.payload[..], b"from a worker");
                got = true;
            }
            Event::Trace(t) if matches!(t.packet, client_wasm::mqtt_proto::Packet::PingResp) => {
                pings += 1
            }
            _ => {}
        }
    }
    client.end().await;
}
