//! Browser tests against the real Mosquitto started by scripts/test.sh
//! (its WebSocket URL arrives at compile time in `MQTT_WS_URL`).
#![cfg(target_arch = "wasm32")]

use client_wasm::{TransportEvent, WsTransport};
use futures_channel::mpsc;
use futures_util::StreamExt;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BROKER: &str = match option_env!("MQTT_WS_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:9001",
};

fn open() -> (WsTransport, mpsc::UnboundedReceiver<TransportEvent>) {
    let (tx, rx) = mpsc::unbounded();
    let t = WsTransport::open(BROKER, move |e| {
        let _ = tx.unbounded_send(e);
    })
    .expect("valid url");
    (t, rx)
}

async fn next_bytes(rx: &mut mpsc::UnboundedReceiver<TransportEvent>) -> Vec<u8> {
    loop {
        match rx.next().await.expect("event stream ended") {
            TransportEvent::Bytes(b) => return b,
            TransportEvent::Open => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[wasm_bindgen_test]
async fn websocket_with_mqtt_subprotocol_gets_connack_311() {
    let (t, mut rx) = open();
    assert_eq!(rx.next().await, Some(TransportEvent::Open));
    // CONNECT, MQTT 3.1.1, clean session, keep-alive 30, client id "wbt311".
    let connect = [
        0x10, 18, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 30, 0, 6, b'w', b'b', b't', b'3', b'1',
        b'1',
    ];
    t.send(&connect).expect("open");
    assert_eq!(
        next_bytes(&mut rx).await,
        vec![0x20, 2, 0, 0],
        "CONNACK accepted"
    );
}
