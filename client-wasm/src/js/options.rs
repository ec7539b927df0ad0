//! JS → Rust: connect options to [`SessionConfig`], property objects to
//! [`Properties`]. Read once per call with `Reflect.get`; values of the wrong
//! type are refused with `ERR_INVALID_ARGUMENT` naming the option.

use bytes::Bytes;
use js_sys::{Array, Object, Reflect, Uint8Array};
use mqtt_proto::packet::Will;
use mqtt_proto::properties::PayloadFormat;
use mqtt_proto::session::{ReconnectPolicy, SessionConfig};
use mqtt_proto::time::Duration;
use mqtt_proto::{MqttString, Properties, ProtocolVersion, QoS, Topic};
use wasm_bindgen::{JsCast, JsValue};

use super::error::invalid;

pub(crate) type Res<T> = Result<T, JsValue>;

/// The IndexedDB store name of option `persistence`: `true` (named after the client id, which must
/// then be set) or a string; `None` when absent or `false`.
pub(crate) fn persistence(options: &JsValue, config: &SessionConfig) -> Res<Option<String>> {
    let v = field(options, "persistence");
    if absent(&v) || v.as_bool() == Some(false) {
        return Ok(None);
    }
    if v.as_bool() == Some(true) {
        // Clients without an id would all share the store named "".
        if config.client_id.is_empty() {
            return Err(invalid(
                "persistence: true needs a clientId (or name the store)",
            ));
        }
        return Ok(Some(config.client_id.as_str().to_owned()));
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| invalid("persistence"))
}

/// `obj[key]`, or `undefined` when `obj` is not an object.
fn field(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// A non-negative integer up to `max`.
fn int(obj: &JsValue, key: &str, max: f64) -> Res<Option<f64>> {
    let v = field(obj, key);
    if absent(&v) {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n >= 0.0 && n <= max && n == n.trunc() => Ok(Some(n)),
        _ => Err(invalid(key)),
    }
}

fn u32_(obj: &JsValue, key: &str) -> Res<Option<u32>> {
    Ok(int(obj, key, f64::from(u32::MAX))?.map(|n| n as u32))
}

fn u16_(obj: &JsValue, key: &str) -> Res<Option<u16>> {
    Ok(int(obj, key, f64::from(u16::MAX))?.map(|n| n as u16))
}

fn ms(obj: &JsValue, key: &str) -> Res<Option<Duration>> {
    Ok(int(obj, key, 9e15)?.map(|n| Duration::from_millis(n as u64)))
}

fn flag(obj: &JsValue, key: &str) -> Res<Option<bool>> {
    let v = field(obj, key);
    if absent(&v) {
        return Ok(None);
    }
    v.as_bool().map(Some).ok_or_else(|| invalid(key))
}

fn text(obj: &JsValue, key: &str) -> Res<Option<MqttString>> {
    let v = field(obj, key);
    if absent(&v) {
        return Ok(None);
    }
    string(&v).map(Some).ok_or_else(|| invalid(key))
}

fn string(v: &JsValue) -> Option<MqttString> {
    MqttString::new(&v.as_string()?).ok()
}

/// `string` (UTF-8) or `Uint8Array`.
pub(crate) fn bytes_of(v: &JsValue) -> Option<Bytes> {
    if let Some(s) = v.as_string() {
        Some(Bytes::from(s.into_bytes()))
    } else {
        v.dyn_ref::<Uint8Array>().map(|a| Bytes::from(a.to_vec()))
    }
}

fn bytes(obj: &JsValue, key: &str) -> Res<Option<Bytes>> {
    let v = field(obj, key);
    if absent(&v) {
        return Ok(None);
    }
    bytes_of(&v).map(Some).ok_or_else(|| invalid(key))
}

fn qos(obj: &JsValue, key: &str) -> Res<QoS> {
    match int(obj, key, 2.0)? {
        None => Ok(QoS::AtMostOnce),
        Some(n) => QoS::from_u8(n as u8).ok_or_else(|| invalid(key)),
    }
}

/// A property object (MQTT.js names). The encoder rejects a property the packet
/// may not carry, so one reader serves CONNECT, Will, PUBLISH, SUBSCRIBE and DISCONNECT.
pub(crate) fn properties(obj: &JsValue) -> Res<Properties> {
    let mut p = Properties::default();
    if absent(obj) {
        return Ok(p);
    }
    if !obj.is_object() {
        return Err(invalid("properties"));
    }
    p.payload_format_indicator = flag(obj, "payloadFormatIndicator")?.map(|utf8| {
        if utf8 {
            PayloadFormat::Utf8
        } else {
            PayloadFormat::Unspecified
        }
    });
    p.message_expiry_interval = u32_(obj, "messageExpiryInterval")?;
    p.content_type = text(obj, "contentType")?;
    p.response_topic = match text(obj, "responseTopic")? {
        Some(t) => Some(Topic::new(t.as_str()).map_err(|_| invalid("responseTopic"))?),
        None => None,
    };
    p.correlation_data = bytes(obj, "correlationData")?;
    let ids = field(obj, "subscriptionIdentifier");
    if !absent(&ids) {
        let list = if Array::is_array(&ids) {
            Array::from(&ids).to_vec()
        } else {
            vec![ids]
        };
        for id in list {
            match id.as_f64() {
                Some(n) if (1.0..=268_435_455.0).contains(&n) && n == n.trunc() => {
                    p.subscription_identifiers.push(n as u32)
                }
                _ => return Err(invalid("subscriptionIdentifier")),
            }
        }
    }
    p.session_expiry_interval = u32_(obj, "sessionExpiryInterval")?;
    p.authentication_method = text(obj, "authenticationMethod")?;
    p.authentication_data = bytes(obj, "authenticationData")?;
    p.request_problem_information = flag(obj, "requestProblemInformation")?;
    p.will_delay_interval = u32_(obj, "willDelayInterval")?;
    p.request_response_information = flag(obj, "requestResponseInformation")?;
    p.reason_string = text(obj, "reasonString")?;
    p.receive_maximum = u16_(obj, "receiveMaximum")?;
    p.topic_alias_maximum = u16_(obj, "topicAliasMaximum")?;
    p.maximum_packet_size = u32_(obj, "maximumPacketSize")?;
    p.user_properties = user_properties(&field(obj, "userProperties"))?;
    Ok(p)
}

/// `{ key: value | value[] }`, MQTT.js's form, in insertion order.
fn user_properties(v: &JsValue) -> Res<Vec<(MqttString, MqttString)>> {
    let mut out = Vec::new();
    if absent(v) {
        return Ok(out);
    }
    let Some(obj) = v.dyn_ref::<Object>() else {
        return Err(invalid("userProperties"));
    };
    for entry in Object::entries(obj) {
        let pair = Array::from(&entry);
        let key = string(&pair.get(0)).ok_or_else(|| invalid("userProperties"))?;
        let value = pair.get(1);
        let values = if Array::is_array(&value) {
            Array::from(&value).to_vec()
        } else {
            vec![value]
        };
        for value in values {
            let value = string(&value).ok_or_else(|| invalid("userProperties"))?;
            out.push((key.clone(), value));
        }
    }
    Ok(out)
}

/// The `connect()` options (see index.d.ts `ConnectOptions`).
pub(crate) fn session_config(o: &JsValue) -> Res<SessionConfig> {
    let version = match int(o, "protocolVersion", 5.0)? {
        None | Some(5.0) => ProtocolVersion::V5,
        Some(4.0) => ProtocolVersion::V311,
        Some(_) => return Err(invalid("protocolVersion")),
    };
    let mut c = SessionConfig::new(version, "");
    if let Some(id) = text(o, "clientId")? {
        c.client_id = id;
    }
    c.username = text(o, "username")?;
    c.password = bytes(o, "password")?;
    if let Some(v) = u16_(o, "keepalive")? {
        c.keep_alive = v;
    }
    if let Some(v) = flag(o, "clean")? {
        c.clean_start = v;
    }
    let props = properties(&field(o, "properties"))?.into_values();
    c.session_expiry_interval = u32_(o, "sessionExpiryInterval")?
        .or(props.session_expiry_interval)
        .unwrap_or(0);
    c.receive_maximum = props.receive_maximum;
    if props.maximum_packet_size.is_some() {
        c.maximum_packet_size = props.maximum_packet_size; // else the session's default
    }
    c.topic_alias_maximum = props.topic_alias_maximum.unwrap_or(0);
    c.request_problem_information = props.request_problem_information;
    c.request_response_information = props.request_response_information;
    c.user_properties = props.user_properties;
    c.authentication_method = props.authentication_method;
    c.authentication_data = props.authentication_data;
    if let Some(v) = u16_(o, "outgoingTopicAliases")? {
        c.outgoing_topic_aliases = v;
    }

    let will = field(o, "will");
    if !absent(&will) {
        let topic = text(&will, "topic")?.ok_or_else(|| invalid("will.topic"))?;
        c.will = Some(Will {
            topic: Topic::new(topic.as_str()).map_err(|_| invalid("will.topic"))?,
            payload: bytes(&will, "payload")?.unwrap_or_default(),
            qos: qos(&will, "qos")?,
            retain: flag(&will, "retain")?.unwrap_or(false),
            properties: properties(&field(&will, "properties"))?,
        });
    }

    if let Some(d) = ms(o, "connectTimeout")? {
        c.connect_timeout = d;
    }
    // MQTT.js's fixed `reconnectPeriod` (0 disables), refined or replaced by `reconnect`.
    if let Some(period) = ms(o, "reconnectPeriod")? {
        c.reconnect = if period.is_zero() {
            ReconnectPolicy::disabled()
        } else {
            ReconnectPolicy {
                initial_delay: period,
                max_delay: period,
                multiplier: 1.0,
                jitter: 0.0,
                ..ReconnectPolicy::default()
            }
        };
    }
    let r = field(o, "reconnect");
    if r.as_bool() == Some(false) {
        c.reconnect = ReconnectPolicy::disabled();
    } else if r.is_object() {
        let p = &mut c.reconnect;
        p.enabled = true;
        if let Some(d) = ms(&r, "initialDelay")? {
            p.initial_delay = d;
        }
        if let Some(d) = ms(&r, "maxDelay")? {
            p.max_delay = d;
        }
        for (key, slot) in [("multiplier", &mut p.multiplier), ("jitter", &mut p.jitter)] {
            let v = field(&r, key);
            if !absent(&v) {
                *slot = v
                    .as_f64()
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .ok_or_else(|| invalid(key))?;
            }
        }
        if let Some(n) = u32_(&r, "maxAttempts")? {
            p.max_attempts = Some(n);
        }
        if let Some(seed) = int(&r, "seed", 9_007_199_254_740_991.0)? {
            p.seed = seed as u64;
        }
    } else if !absent(&r) {
        return Err(invalid("reconnect"));
    }

    let q = field(o, "queue");
    if let Some(n) = int(&q, "maxMessages", 9e15)? {
        c.queue.max_messages = n as usize;
    }
    if let Some(n) = int(&q, "maxBytes", 9e15)? {
        c.queue.max_bytes = n as usize;
    }
    if let Some(v) = flag(&q, "dropOldestQos0")? {
        c.queue.drop_oldest_qos0 = v;
    }
    c.trace = flag(o, "trace")?.unwrap_or(false);
    Ok(c)
}
