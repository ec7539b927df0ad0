//! Session persistence in IndexedDB, in headless Chromium: a client is dropped as a page reload
//! drops it (no DISCONNECT, its socket closed), and a new client started with the same store
//! delivers what the first one still owed: its offline queue, and a QoS 2 publish the server never
//! acknowledged. Against the real Mosquitto (`MQTT_WS_URL`) and the fault-injecting peer
//! (`MQTT_FAULT_WS_URL`, scenario `no-pingresp`: accepts the connection and never answers).
//! Every wait is bounded by [`WAIT_MS`].
#![cfg(target_arch = "wasm32")]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use client_wasm::mqtt_proto::session::{Event, Message, PublishRequest, SessionConfig};
use client_wasm::mqtt_proto::{
    ProtocolVersion, QoS, ReasonCode, SubscriptionOptions, Topic, TopicFilter,
};
use client_wasm::timer::Timeout;
use client_wasm::{Client, ClientError};
use futures_channel::{mpsc, oneshot};
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BROKER: &str = match option_env!("MQTT_WS_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:9001",
};
const PEER: &str = match option_env!("MQTT_FAULT_WS_URL") {
    Some(url) => url,
    None => "ws://127.0.0.1:18971",
};
/// Nothing listens there: connections are refused at once.
const DEAD: &str = "ws://127.0.0.1:9";
/// The longest wait for one event.
const WAIT_MS: u32 = 10_000;

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", (js_sys::Math::random() * 1e12) as u64)
}

/// A persistent 5.0 session: the broker keeps it for an hour.
fn persistent(id: &str) -> SessionConfig {
    let mut c = SessionConfig::new(ProtocolVersion::V5, id);
    c.clean_start = false;
    c.session_expiry_interval = 3600;
    c
}

/// A subscriber on `filter` at QoS 2, and its events.
async fn subscriber(filter: &str) -> (Client, mpsc::UnboundedReceiver<Event>) {
    let mut c = SessionConfig::new(ProtocolVersion::V5, &unique("persist-sub"));
    c.reconnect = client_wasm::mqtt_proto::session::ReconnectPolicy::disabled();
    let client = Client::connect(BROKER, c)
        .await
        .expect("subscriber connects");
    let events = client.events();
    let granted = client
        .subscribe(vec![(
            TopicFilter::new(filter).expect("filter"),
            SubscriptionOptions::new(QoS::ExactlyOnce),
        )])
        .await
        .expect("subscribe");
    assert_eq!(granted, [ReasonCode::GRANTED_QOS_2]);
    (client, events)
}

/// Resolves `f` within [`WAIT_MS`] or fails the test naming `what`.
async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    let (tx, expired) = oneshot::channel::<()>();
    let _timer = Timeout::new(WAIT_MS, move || {
        let _ = tx.send(());
    });
    match select(Box::pin(f), expired).await {
        Either::Left((v, _)) => v,
        Either::Right(_) => panic!("no {what} within {WAIT_MS} ms"),
    }
}

async fn next_message(events: &mut mpsc::UnboundedReceiver<Event>) -> Message {
    within("message", async {
        loop {
            match events.next().await.expect("event stream ended") {
                Event::Message(m) => return *m,
                _ => continue,
            }
        }
    })
    .await
}

/// Issues the publish now (its future polled once, so the session has it) and returns the
/// future of its completion, which the caller may drop as a reloading page does.
fn issue(client: &Client, topic: &str, payload: &str, qos: QoS) -> impl Future + Unpin {
    let request = PublishRequest::new(Topic::new(topic).expect("topic"), payload.to_owned(), qos);
    let client = client.clone();
    let mut fut: Pin<Box<dyn Future<Output = Result<ReasonCode, ClientError>>>> =
        Box::pin(async move { client.publish(request).await });
    let mut cx = Context::from_waker(futures_util::task::noop_waker_ref());
    assert!(
        matches!(fut.as_mut().poll(&mut cx), Poll::Pending),
        "cannot complete yet"
    );
    fut
}

/// The subscriber receives exactly `expected` (topic, payload) and nothing else before a marker
/// published after them.
async fn receives_exactly_once(
    sub: &Client,
    events: &mut mpsc::UnboundedReceiver<Event>,
    base: &str,
    expected: (&str, &str),
) {
    let m = next_message(events).await;
    assert_eq!(
        (m.topic.as_str(), &m.payload[..]),
        (expected.0, expected.1.as_bytes())
    );
    let marker = format!("{base}/marker");
    within(
        "marker publish",
        sub.publish(PublishRequest::new(
            Topic::new(&marker).expect("topic"),
            "end",
            QoS::AtLeastOnce,
        )),
    )
    .await
    .expect("marker published");
    let next = next_message(events).await;
    assert_eq!(
        next.topic.as_str(),
        marker,
        "a second copy arrived: {next:?}"
    );
}

#[wasm_bindgen_test]
async fn offline_queue_survives_a_reload() {
    let base = unique("persist/queue");
    let (sub, mut events) = subscriber(&format!("{base}/#")).await;
    let id = unique("persist-q");
    let store = unique("store");
    let topic = format!("{base}/queued");

    // The first page: the broker is unreachable, the message waits in the offline queue.
    let (first, _connack) = Client::start_persistent(DEAD, persistent(&id), &store).expect("start");
    let pending = issue(&first, &topic, "from the first page", QoS::AtLeastOnce);
    within("commit", first.persisted()).await;
    assert!(!first.is_connected());
    drop(pending);
    drop(first); // the page reloads

    // The second page, same store, the broker reachable: the queued message goes out.
    let second = within(
        "CONNACK",
        Client::connect_persistent(BROKER, persistent(&id), &store),
    )
    .await
    .expect("second page connects");
    receives_exactly_once(&sub, &mut events, &base, (&topic, "from the first page")).await;
    within("commit", second.persisted()).await;
    second.end().await;
    sub.end().await;
}

#[wasm_bindgen_test]
async fn unacknowledged_qos2_survives_a_reload() {
    let base = unique("persist/inflight");
    let (sub, mut events) = subscriber(&format!("{base}/#")).await;
    let id = unique("persist-i");
    let store = unique("store");
    let topic = format!("{base}/qos2");

    // The first page: a server that accepts the connection and never acknowledges.
    let first = within(
        "CONNACK from the peer",
        Client::connect_persistent(&format!("{PEER}/no-pingresp"), persistent(&id), &store),
    )
    .await
    .expect("peer accepts");
    let pending = issue(&first, &topic, "sent, never acknowledged", QoS::ExactlyOnce);
    assert_eq!(first.inflight_len(), 1, "sent and waiting for PUBREC");
    within("commit", first.persisted()).await;
    drop(pending);
    drop(first);

    // The second page resumes with the real broker: no session there, so the message is sent
    // again as a new one, and delivered once.
    let second = within(
        "CONNACK",
        Client::connect_persistent(BROKER, persistent(&id), &store),
    )
    .await
    .expect("second page connects");
    receives_exactly_once(
        &sub,
        &mut events,
        &base,
        (&topic, "sent, never acknowledged"),
    )
    .await;
    second.end().await;
    sub.end().await;
}

#[wasm_bindgen_test]
async fn a_store_that_is_not_a_session_is_refused() {
    // A third page with a store that a (newer, or foreign) writer left in another format: the
    // client refuses to run rather than overwrite it.
    let store = unique("foreign");
    let id = unique("persist-f");
    let (first, _connack) = Client::start_persistent(DEAD, persistent(&id), &store).expect("start");
    let pending = issue(&first, "persist/foreign", "x", QoS::AtLeastOnce);
    within("commit", first.persisted()).await;
    drop(pending);
    drop(first);
    overwrite_store(&store, b"not a session").await;
    let err = within(
        "refusal",
        Client::connect_persistent(BROKER, persistent(&id), &store),
    )
    .await
    .expect_err("unreadable store");
    assert_eq!(err.code(), "ERR_STORAGE", "{err}");
}

/// Writes `bytes` into the store's record with the browser's IndexedDB API directly.
async fn overwrite_store(store: &str, bytes: &[u8]) {
    let code = format!(
        "return new Promise((resolve, reject) => {{
            const open = indexedDB.open('mqtt-wasm', 1);
            open.onerror = reject;
            open.onsuccess = () => {{
                const tx = open.result.transaction('sessions', 'readwrite');
                tx.objectStore('sessions').put(new Uint8Array({bytes:?}), {store:?});
                tx.oncomplete = () => {{ open.result.close(); resolve(); }};
                tx.onerror = reject;
            }};
        }});"
    );
    let f = js_sys::Function::new_no_args(&code);
    let promise: js_sys::Promise = f.call0(&wasm_bindgen::JsValue::NULL).expect("call").into();
    within(
        "IndexedDB write",
        wasm_bindgen_futures::JsFuture::from(promise),
    )
    .await
    .expect("written");
}
