//! The npm package's wasm surface (feature `js-api`): one class, `RawClient`,
//! wrapping [`Client`]. It only converts: JS options → [`SessionConfig`],
//! arguments → requests, [`ClientError`] → a JS `Error` with a stable `code`,
//! and each [`Event`] → one call of the JS sink. The public API (MQTT.js-like
//! names, the event registry, `MqttError`, the TypeScript types) is the
//! hand-written `npm/index.js` + `npm/index.d.ts` over this class.
//!
//! Boundary: one crossing per event (`sink.e(kind, num, text, bytes, json)`,
//! metadata batched as one JSON string), one per call in the other direction
//! (publish passes topic, payload bytes, QoS and retain positionally; subscribe
//! passes the filters and one options byte per filter).

#[cfg(feature = "bench-api")]
mod bench;

/// The npm package's allocator: Talc instead of std's dlmalloc, for a smaller module
/// (BENCHMARKS.md, bundle size). Only the package's build has it: the Rust API leaves the
/// allocator to the application.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
mod error;
mod json;
mod options;

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use mqtt_proto::session::{Event, PublishRequest};
use mqtt_proto::{
    ProtocolVersion, QoS, ReasonCode, RetainHandling, SubscriptionOptions, Topic, TopicFilter,
};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

use crate::{Client, ClientError};
use error::{client_error, invalid};
use options::Res;

#[wasm_bindgen(typescript_custom_section)]
const TS_SINK: &str = r#"
/** Receives every client event; implemented by index.js. kind: 0 connect,
 * 1 message, 2 close, 3 reconnect, 4 end, 5 packet trace. */
export interface RawSink {
  e(kind: number, num: number, text: string, bytes: Uint8Array, json: string): void;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The JS side of the event stream (index.js).
    #[wasm_bindgen(typescript_type = "RawSink")]
    pub type RawSink;

    #[wasm_bindgen(method, js_name = e)]
    fn event(this: &RawSink, kind: u8, num: u32, text: &str, bytes: Vec<u8>, json: &str);
}

const CONNECT: u8 = 0;
const MESSAGE: u8 = 1;
const CLOSE: u8 = 2;
const RECONNECT: u8 = 3;
const END: u8 = 4;
const PACKET: u8 = 5;

/// One MQTT client; see `MqttClient` in index.d.ts for the public API.
#[wasm_bindgen]
#[derive(Debug)]
pub struct RawClient {
    client: Client,
    ready: Promise,
    v5: bool,
}

#[wasm_bindgen]
impl RawClient {
    /// Starts connecting to `url` with `options` (index.d.ts `ConnectOptions`);
    /// every event goes to `sink` until the client ends.
    #[wasm_bindgen(constructor)]
    pub fn new(url: &str, options: &JsValue, sink: RawSink) -> Result<RawClient, JsValue> {
        let config = options::session_config(options)?;
        let v5 = config.version == ProtocolVersion::V5;
        let store = options::persistence(options, &config)?;
        let (client, connected) =
            Client::start_with(url, config, store).map_err(|e| client_error(&e))?;
        // Released at `Ended`, which breaks the wasm → JS → wasm reference cycle.
        let sink = Rc::new(RefCell::new(Some(sink)));
        client.on_event(move |e| {
            let ended = matches!(e, Event::Ended);
            if let Some(sink) = sink.borrow().as_ref() {
                emit(sink, e);
            }
            if ended {
                sink.borrow_mut().take();
            }
        });
        let ready = promise(Box::pin(async move {
            match connected.await {
                Ok(Ok(_)) => Ok(JsValue::UNDEFINED),
                Ok(Err(e)) => Err(client_error(&e)),
                Err(_) => Err(client_error(&ClientError::Ended)),
            }
        }));
        Ok(RawClient { client, ready, v5 })
    }

    /// Settles at the first CONNACK: resolves, or rejects with the refusal / failure.
    #[wasm_bindgen(getter)]
    pub fn ready(&self) -> Promise {
        self.ready.clone()
    }

    /// Resolves once the session's state is committed to its IndexedDB store (at once
    /// without persistence).
    pub fn persisted(&self) -> Promise {
        let client = self.client.clone();
        promise(Box::pin(async move {
            client.persisted().await;
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// Whether the broker accepted the current connection.
    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.client.is_connected()
    }

    /// Resolves with the acknowledgment's reason code (0 for QoS 0).
    pub fn publish(
        &self,
        topic: &str,
        payload: Vec<u8>,
        qos: u8,
        retain: bool,
        properties: &JsValue,
    ) -> Promise {
        let request = (|| -> Res<PublishRequest> {
            let topic = Topic::new(topic).map_err(|_| invalid("topic"))?;
            let qos = QoS::from_u8(qos).ok_or_else(|| invalid("qos"))?;
            let mut r = PublishRequest::new(topic, payload, qos);
            r.retain = retain;
            r.properties = options::properties(properties)?;
            Ok(r)
        })();
        let client = self.client.clone();
        promise(Box::pin(async move {
            let rc = client
                .publish(request?)
                .await
                .map_err(|e| client_error(&e))?;
            Ok(rc.0.into())
        }))
    }

    /// `options[i]` is the MQTT 5.0 Subscription Options byte of `filters[i]`
    /// (QoS | No Local << 2 | Retain As Published << 3 | Retain Handling << 4).
    /// Resolves with one reason code per filter.
    pub fn subscribe(&self, filters: Vec<String>, options: &[u8], properties: &JsValue) -> Promise {
        let request = (|| -> Res<_> {
            let mut list = Vec::with_capacity(filters.len());
            for (f, &o) in filters.iter().zip(options) {
                let filter = TopicFilter::new(f).map_err(|_| invalid("topic filter"))?;
                let opts = SubscriptionOptions {
                    qos: QoS::from_u8(o & 3).ok_or_else(|| invalid("qos"))?,
                    no_local: o & 4 != 0,
                    retain_as_published: o & 8 != 0,
                    retain_handling: match (o >> 4) & 3 {
                        0 => RetainHandling::SendAtSubscribe,
                        1 => RetainHandling::SendIfNew,
                        2 => RetainHandling::DoNotSend,
                        _ => return Err(invalid("rh")),
                    },
                };
                list.push((filter, opts));
            }
            Ok((list, options::properties(properties)?))
        })();
        let client = self.client.clone();
        promise(Box::pin(async move {
            let (list, props) = request?;
            let codes = client
                .subscribe_with(list, props)
                .await
                .map_err(|e| client_error(&e))?;
            Ok(reason_codes(&codes))
        }))
    }

    /// Resolves with one reason code per filter (0 for each in 3.1.1).
    pub fn unsubscribe(&self, filters: Vec<String>) -> Promise {
        let list: Res<Vec<TopicFilter>> = filters
            .iter()
            .map(|f| TopicFilter::new(f).map_err(|_| invalid("topic filter")))
            .collect();
        let client = self.client.clone();
        promise(Box::pin(async move {
            let codes = client
                .unsubscribe(list?)
                .await
                .map_err(|e| client_error(&e))?;
            Ok(reason_codes(&codes))
        }))
    }

    /// DISCONNECT (`reason`, 5.0 `properties`) and close; resolves when ended.
    pub fn end(&self, reason: u8, properties: &JsValue) -> Promise {
        // 3.1.1 DISCONNECT has no properties: ignore them rather than fail the end.
        let props = if self.v5 {
            options::properties(properties)
        } else {
            Ok(Default::default())
        };
        let client = self.client.clone();
        promise(Box::pin(async move {
            client.end_with(ReasonCode(reason), props?).await;
            Ok(JsValue::UNDEFINED)
        }))
    }
}

/// A call's outcome, as the promise returned to JS.
type Call = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// `future_to_promise` for every call: boxing the futures makes one instance of it (and of
/// its task and closures) instead of one per method (~1 KB of wasm each).
fn promise(call: Call) -> Promise {
    future_to_promise(call)
}

fn reason_codes(codes: &[ReasonCode]) -> JsValue {
    let bytes: Vec<u8> = codes.iter().map(|r| r.0).collect();
    Uint8Array::from(&bytes[..]).into()
}

/// One event → one call of the sink.
fn emit(sink: &RawSink, e: &Event) {
    match e {
        Event::Connected(c) => sink.event(CONNECT, 0, "", Vec::new(), &json::connack(c)),
        Event::Message(m) => {
            let flags = u32::from(m.qos.as_u8())
                | u32::from(m.retain) << 2
                | u32::from(m.dup) << 3
                | m.packet_id.map_or(0, |id| u32::from(id.get()) << 16);
            let props = if m.properties.is_empty() {
                String::new()
            } else {
                json::properties(&m.properties)
            };
            sink.event(MESSAGE, flags, m.topic.as_str(), m.payload.to_vec(), &props);
        }
        Event::Disconnected { reason } => {
            sink.event(CLOSE, 0, "", Vec::new(), &json::disconnected(reason))
        }
        Event::Reconnecting { attempt, delay } => {
            let mut o = json::Obj::new();
            o.num("attempt", u64::from(*attempt))
                .num("delay", delay.as_millis() as u64);
            sink.event(RECONNECT, *attempt, "", Vec::new(), &o.finish());
        }
        Event::Ended => sink.event(END, 0, "", Vec::new(), ""),
        Event::Trace(t) => {
            let received = matches!(t.direction, mqtt_proto::session::Direction::Received);
            sink.event(
                PACKET,
                u32::from(received),
                t.packet.packet_type().name(),
                t.raw.to_vec(),
                &json::packet(&t.packet),
            );
        }
        _ => {}
    }
}
