//! The npm package's wasm surface (feature `js-api`): one class, `RawClient`,
//! wrapping [`Client`]. It only converts: JS options → [`SessionConfig`],
//! arguments → requests, [`ClientError`] → a JS `Error` with a stable `code`,
//! and each [`Event`] → one call of the JS sink. The public API (MQTT.js-like
//! names, the event registry, `MqttError`, the TypeScript types) is the
//! hand-written `npm/index.js` + `npm/index.d.ts` over this class.
//!
//! Boundary: one crossing per event (`sink.e(kind, num, text, bytes, json, payload)`,
//! metadata batched as one JSON string; a large message's payload as a view of its WebSocket
//! message, never copied into wasm: `crate::incoming`), one per call in the other direction
//! (publish passes topic, payload bytes, QoS and retain positionally; subscribe
//! passes the filters and one options byte per filter), and one per completion (the
//! call's `done(error, value)` callback; index.js makes the promises). No Rust future
//! is involved: the package links no executor (wasm-bindgen-futures).

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
use std::rc::Rc;

use js_sys::{Array, Function, Uint8Array};
use mqtt_proto::session::{Event, PublishRequest};
use mqtt_proto::{
    Properties, ProtocolVersion, QoS, ReasonCode, RetainHandling, SubscriptionOptions, Topic,
    TopicFilter,
};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::driver::{now, Completion, Failure, Reply};
use crate::{Client, ClientError};
use error::{client_error, invalid};
use options::Res;

#[wasm_bindgen(typescript_custom_section)]
const TS_SINK: &str = r#"
/** Receives every client event; implemented by index.js. kind: 0 connect,
 * 1 message, 2 close, 3 reconnect, 4 end, 5 packet trace, 6 rejected frame (trace). */
export interface RawSink {
  e(kind: number, num: number, text: string, bytes: Uint8Array, json: string, payload: Uint8Array | undefined): void;
  // `bytes` is a view of wasm memory, valid during the call only: copy what you keep.
  // `payload`, when given, is a message's payload in JS memory (a view of the WebSocket message).
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The JS side of the event stream (index.js).
    #[wasm_bindgen(typescript_type = "RawSink")]
    pub type RawSink;

    /// `bytes` reaches JS as a view of wasm memory, valid during the call only: index.js copies
    /// what it keeps (one copy out of wasm, none in Rust). `payload` is a message's payload
    /// left in JS memory (`undefined` otherwise; see `crate::incoming`): index.js keeps it as is.
    #[wasm_bindgen(method, js_name = e)]
    fn event(
        this: &RawSink,
        kind: u8,
        num: u32,
        text: &str,
        bytes: &[u8],
        json: &str,
        payload: &JsValue,
    );
}

const CONNECT: u8 = 0;
const MESSAGE: u8 = 1;
const CLOSE: u8 = 2;
const RECONNECT: u8 = 3;
const END: u8 = 4;
const PACKET: u8 = 5;
const REJECTED: u8 = 6;

/// One MQTT client; see `MqttClient` in index.d.ts for the public API.
///
/// Every call that completes later takes a callback `done(error, value)`, called once: index.js
/// turns it into the promise it returns. Arguments that cannot be used throw at once.
#[wasm_bindgen]
#[derive(Debug)]
pub struct RawClient {
    client: Client,
    v5: bool,
}

#[wasm_bindgen]
impl RawClient {
    /// Starts connecting to `url` with `options` (index.d.ts `ConnectOptions`); every event goes
    /// to `sink` until the client ends. `ready` is called at the first CONNACK (with no error)
    /// or with the refusal / failure.
    #[wasm_bindgen(constructor)]
    pub fn new(
        url: &str,
        options: &JsValue,
        sink: RawSink,
        ready: Function,
    ) -> Result<RawClient, JsValue> {
        let config = options::session_config(options)?;
        let v5 = config.version == ProtocolVersion::V5;
        let store = options::persistence(options, &config)?;
        let client =
            Client::start_with(url, config, store, reply(ready)).map_err(|e| client_error(&e))?;
        // Released at `Ended`, which breaks the wasm → JS → wasm reference cycle.
        let sink = Rc::new(RefCell::new(Some(sink)));
        client.on_event_payloads_in_js(move |e, payload| {
            let ended = matches!(e, Event::Ended);
            if let Some(sink) = sink.borrow().as_ref() {
                emit(sink, e, payload);
            }
            if ended {
                sink.borrow_mut().take();
            }
        });
        Ok(RawClient { client, v5 })
    }

    /// Calls `done` once the session's state is committed to its IndexedDB store (at once
    /// without persistence).
    pub fn persisted(&self, done: Function) {
        let done = Done::new(done, false);
        self.client.when_persisted(Box::new(move || {
            done.call(&JsValue::NULL, &JsValue::UNDEFINED);
        }));
    }

    /// Whether the broker accepted the current connection.
    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.client.is_connected()
    }

    /// `done` receives the acknowledgment's reason code (0 for QoS 0).
    pub fn publish(
        &self,
        topic: &str,
        payload: Vec<u8>,
        qos: u8,
        retain: bool,
        properties: &JsValue,
        done: Function,
    ) -> Result<(), JsValue> {
        let topic = Topic::new(topic).map_err(|_| invalid("topic"))?;
        let qos = QoS::from_u8(qos).ok_or_else(|| invalid("qos"))?;
        let mut request = PublishRequest::new(topic, payload, qos);
        request.retain = retain;
        request.properties = options::properties(properties)?;
        self.client
            .request(|d| d.session.publish(now(), request), reply(done))
            .map_err(|e| client_error(&e))
    }

    /// `options[i]` is the MQTT 5.0 Subscription Options byte of `filters[i]`
    /// (QoS | No Local << 2 | Retain As Published << 3 | Retain Handling << 4).
    /// `done` receives one reason code per filter.
    pub fn subscribe(
        &self,
        filters: &Array,
        options: &[u8],
        properties: &JsValue,
        done: Function,
    ) -> Result<(), JsValue> {
        let filters = topic_filters(filters)?;
        let mut list = Vec::with_capacity(filters.len());
        for (i, filter) in filters.into_iter().enumerate() {
            let o = options.get(i).copied().unwrap_or(0);
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
        let props = options::properties(properties)?;
        self.client
            .request(|d| d.session.subscribe(now(), list, props), reply(done))
            .map_err(|e| client_error(&e))
    }

    /// `done` receives one reason code per filter (0 for each in 3.1.1).
    pub fn unsubscribe(&self, filters: &Array, done: Function) -> Result<(), JsValue> {
        let list = topic_filters(filters)?;
        self.client
            .request(
                |d| d.session.unsubscribe(now(), list, Properties::default()),
                reply(done),
            )
            .map_err(|e| client_error(&e))
    }

    /// DISCONNECT (`reason`, 5.0 `properties`) and close; `done` is called once ended.
    pub fn end(&self, reason: u8, properties: &JsValue, done: Function) -> Result<(), JsValue> {
        // 3.1.1 DISCONNECT has no properties: ignore them rather than fail the end.
        let props = if self.v5 {
            options::properties(properties)?
        } else {
            Properties::default()
        };
        self.client.end_then(ReasonCode(reason), props, reply(done));
        Ok(())
    }

    /// Close without DISCONNECT (the broker publishes the will); `done` is called once ended.
    pub fn abort(&self, done: Function) {
        self.client.abort_then(reply(done));
    }
}

/// The filters of a subscribe / unsubscribe call: an array of strings. (A JS array read
/// element by element rather than a `Vec<String>` argument, whose conversion costs 0.8 KB of
/// wasm.)
fn topic_filters(list: &Array) -> Res<Vec<TopicFilter>> {
    let mut out = Vec::with_capacity(list.length() as usize);
    for f in list.iter() {
        match f.as_string().and_then(|f| TopicFilter::new(&f).ok()) {
            Some(f) => out.push(f),
            None => return Err(invalid("topic filter")),
        }
    }
    Ok(out)
}

/// A completion for JS: `done(null, value)` or `done(error)`.
fn reply(done: Function) -> Reply {
    let done = Done::new(done, true);
    Box::new(move |r| {
        let (error, value) = match r {
            Ok(Completion::Published(rc)) => (JsValue::NULL, JsValue::from(rc.0)),
            Ok(Completion::Reasons(codes)) => (JsValue::NULL, reason_codes(codes)),
            Ok(_) => (JsValue::NULL, JsValue::UNDEFINED),
            Err(Failure::Error(e)) => (client_error(e), JsValue::UNDEFINED),
            Err(Failure::Lost(why)) => (error::connection_lost(why), JsValue::UNDEFINED),
        };
        done.call(&error, &value);
    })
}

/// A JS `done(error, value)` callback, called once. Dropped uncalled (the client was freed
/// with the call pending), it is still called: with `ERR_ENDED`, or with no error where the
/// wait simply ends (`persisted`), so that no promise of index.js stays pending for ever.
struct Done {
    f: Option<Function>,
    ended_is_error: bool,
}

impl Done {
    fn new(f: Function, ended_is_error: bool) -> Self {
        Self {
            f: Some(f),
            ended_is_error,
        }
    }

    fn call(mut self, error: &JsValue, value: &JsValue) {
        if let Some(f) = self.f.take() {
            // A throwing callback is index.js's bug; it must not unwind into the driver.
            let _ = f.call2(&JsValue::NULL, error, value);
        }
    }
}

impl Drop for Done {
    fn drop(&mut self) {
        if let Some(f) = self.f.take() {
            let error = if self.ended_is_error {
                client_error(&ClientError::Ended)
            } else {
                JsValue::NULL
            };
            let _ = f.call2(&JsValue::NULL, &error, &JsValue::UNDEFINED);
        }
    }
}

fn reason_codes(codes: &[ReasonCode]) -> JsValue {
    let bytes: Vec<u8> = codes.iter().map(|r| r.0).collect();
    Uint8Array::from(&bytes[..]).into()
}

/// One event → one call of the sink.
fn emit(sink: &RawSink, e: &Event, payload: Option<&Uint8Array>) {
    let none = &JsValue::UNDEFINED;
    match e {
        Event::Connected(c) => sink.event(CONNECT, 0, "", &[], &json::connack(c), none),
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
            let external = payload.map_or(none, |p| p.as_ref());
            sink.event(
                MESSAGE,
                flags,
                m.topic.as_str(),
                &m.payload,
                &props,
                external,
            );
        }
        Event::Disconnected { reason } => {
            sink.event(CLOSE, 0, "", &[], &json::disconnected(reason), none)
        }
        Event::Reconnecting { attempt, delay } => {
            let mut o = json::Obj::new();
            o.num("attempt", u64::from(*attempt))
                .num("delay", delay.as_millis() as u64);
            sink.event(RECONNECT, *attempt, "", &[], &o.finish(), none);
        }
        Event::Ended => sink.event(END, 0, "", &[], "", none),
        Event::Trace(t) => {
            let received = matches!(t.direction, mqtt_proto::session::Direction::Received);
            sink.event(
                PACKET,
                u32::from(received),
                t.packet.packet_type().name(),
                &t.raw,
                &json::packet(&t.packet),
                none,
            );
        }
        Event::Rejected(r) => sink.event(
            REJECTED,
            u32::from(r.error.reason_code().0),
            // The rule, not the Display text: its messages would cost the package ~4 KB.
            r.error.rule(),
            &r.raw,
            "",
            none,
        ),
        _ => {}
    }
}
