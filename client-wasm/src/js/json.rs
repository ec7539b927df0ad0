//! Rust → JS: event metadata (CONNACK, properties, packet summaries) written as one
//! JSON string per event, so an event crosses the wasm boundary in one call
//! instead of one `Reflect.set` per field. `index.js` parses it and turns the
//! byte arrays (`correlationData`, `authenticationData`) into `Uint8Array`s.
//!
//! Key names follow MQTT.js (`messageId`, `reasonCode`, `userProperties`, ...).

use mqtt_proto::packet::Packet;
use mqtt_proto::session::{Connected, DisconnectReason};
use mqtt_proto::{Properties, ReasonCode};

use crate::ClientError;

/// A JSON object under construction.
pub(crate) struct Obj {
    s: String,
    first: bool,
}

impl Obj {
    pub(crate) fn new() -> Self {
        Self {
            s: String::from("{"),
            first: true,
        }
    }

    fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.s.push(',');
        }
        self.first = false;
        self.s.push('"');
        self.s.push_str(k);
        self.s.push_str("\":");
        &mut self.s
    }

    pub(crate) fn num(&mut self, k: &str, v: u64) -> &mut Self {
        push_u64(self.key(k), v);
        self
    }

    pub(crate) fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k).push_str(if v { "true" } else { "false" });
        self
    }

    pub(crate) fn str(&mut self, k: &str, v: &str) -> &mut Self {
        push_str(self.key(k), v);
        self
    }

    fn bytes(&mut self, k: &str, v: &[u8]) -> &mut Self {
        let s = self.key(k);
        s.push('[');
        for (i, b) in v.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            push_u64(s, u64::from(*b));
        }
        s.push(']');
        self
    }

    /// A nested value already written as JSON.
    fn raw(&mut self, k: &str, json: &str) -> &mut Self {
        self.key(k).push_str(json);
        self
    }

    fn props(&mut self, p: &Properties) -> &mut Self {
        if !p.is_empty() {
            self.raw("properties", &properties(p));
        }
        self
    }

    pub(crate) fn finish(&mut self) -> String {
        self.s.push('}');
        core::mem::take(&mut self.s)
    }
}

fn push_u64(s: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in &buf[i..] {
        s.push(char::from(d));
    }
}

fn push_str(s: &mut String, v: &str) {
    s.push('"');
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = u32::from(c) as usize;
                s.push_str("\\u00");
                s.push(char::from(HEX[n >> 4]));
                s.push(char::from(HEX[n & 15]));
            }
            c => s.push(c),
        }
    }
    s.push('"');
}

fn array<T>(items: &[T], mut f: impl FnMut(&mut String, &T)) -> String {
    let mut s = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        f(&mut s, item);
    }
    s.push(']');
    s
}

fn codes(reasons: &[ReasonCode]) -> String {
    array(reasons, |s, r| push_u64(s, u64::from(r.0)))
}

/// Every property that is set, MQTT.js names. `userProperties` is a list of
/// `[key, value]` pairs here (index.js folds it into MQTT.js's object form).
pub(crate) fn properties(p: &Properties) -> String {
    let mut o = Obj::new();
    let n = |o: &mut Obj, k, v: Option<u32>| {
        if let Some(v) = v {
            o.num(k, u64::from(v));
        }
    };
    let b = |o: &mut Obj, k, v: Option<bool>| {
        if let Some(v) = v {
            o.bool(k, v);
        }
    };
    let s = |o: &mut Obj, k, v: Option<&str>| {
        if let Some(v) = v {
            o.str(k, v);
        }
    };
    if let Some(f) = p.payload_format_indicator {
        o.bool("payloadFormatIndicator", f as u8 == 1);
    }
    n(&mut o, "messageExpiryInterval", p.message_expiry_interval);
    s(
        &mut o,
        "contentType",
        p.content_type.as_ref().map(|v| v.as_str()),
    );
    s(
        &mut o,
        "responseTopic",
        p.response_topic.as_ref().map(|v| v.as_str()),
    );
    if let Some(v) = &p.correlation_data {
        o.bytes("correlationData", v);
    }
    if !p.subscription_identifiers.is_empty() {
        o.raw(
            "subscriptionIdentifier",
            &array(&p.subscription_identifiers, |s, v| {
                push_u64(s, u64::from(*v))
            }),
        );
    }
    n(&mut o, "sessionExpiryInterval", p.session_expiry_interval);
    s(
        &mut o,
        "assignedClientIdentifier",
        p.assigned_client_identifier.as_ref().map(|v| v.as_str()),
    );
    n(
        &mut o,
        "serverKeepAlive",
        p.server_keep_alive.map(u32::from),
    );
    s(
        &mut o,
        "authenticationMethod",
        p.authentication_method.as_ref().map(|v| v.as_str()),
    );
    if let Some(v) = &p.authentication_data {
        o.bytes("authenticationData", v);
    }
    b(
        &mut o,
        "requestProblemInformation",
        p.request_problem_information,
    );
    n(&mut o, "willDelayInterval", p.will_delay_interval);
    b(
        &mut o,
        "requestResponseInformation",
        p.request_response_information,
    );
    s(
        &mut o,
        "responseInformation",
        p.response_information.as_ref().map(|v| v.as_str()),
    );
    s(
        &mut o,
        "serverReference",
        p.server_reference.as_ref().map(|v| v.as_str()),
    );
    s(
        &mut o,
        "reasonString",
        p.reason_string.as_ref().map(|v| v.as_str()),
    );
    n(&mut o, "receiveMaximum", p.receive_maximum.map(u32::from));
    n(
        &mut o,
        "topicAliasMaximum",
        p.topic_alias_maximum.map(u32::from),
    );
    n(&mut o, "topicAlias", p.topic_alias.map(u32::from));
    n(
        &mut o,
        "maximumQoS",
        p.maximum_qos.map(|q| u32::from(q.as_u8())),
    );
    b(&mut o, "retainAvailable", p.retain_available);
    if !p.user_properties.is_empty() {
        o.raw(
            "userProperties",
            &array(&p.user_properties, |s, (k, v)| {
                s.push('[');
                push_str(s, k.as_str());
                s.push(',');
                push_str(s, v.as_str());
                s.push(']');
            }),
        );
    }
    n(&mut o, "maximumPacketSize", p.maximum_packet_size);
    b(
        &mut o,
        "wildcardSubscriptionAvailable",
        p.wildcard_subscription_available,
    );
    b(
        &mut o,
        "subscriptionIdentifiersAvailable",
        p.subscription_identifier_available,
    );
    b(
        &mut o,
        "sharedSubscriptionAvailable",
        p.shared_subscription_available,
    );
    o.finish()
}

/// The `connect` event's CONNACK.
pub(crate) fn connack(c: &Connected) -> String {
    let mut o = Obj::new();
    o.str("cmd", "connack")
        .bool("sessionPresent", c.session_present)
        .num("reasonCode", u64::from(c.reason.0))
        .num("keepalive", u64::from(c.keep_alive));
    if let Some(id) = &c.assigned_client_id {
        o.str("assignedClientId", id.as_str());
    }
    o.props(&c.properties).finish()
}

/// Why the connection closed, with the error index.js raises for it.
pub(crate) fn disconnected(reason: &DisconnectReason) -> String {
    let mut o = Obj::new();
    let (kind, err) = match reason {
        DisconnectReason::ServerDisconnect { properties, .. } => {
            o.props(properties);
            ("server", None)
        }
        DisconnectReason::Refused { reason, properties } => {
            o.props(properties);
            ("refused", Some(ClientError::Refused(*reason)))
        }
        DisconnectReason::ProtocolViolation(_) => ("protocol", None),
        DisconnectReason::KeepAliveTimeout => ("keepalive", None),
        DisconnectReason::ConnectTimeout => ("timeout", None),
        DisconnectReason::TransportClosed => ("transport", None),
        DisconnectReason::Local => ("local", None),
        DisconnectReason::Aborted => ("aborted", None),
        _ => ("other", None),
    };
    // A refusal's error, or the parts of ClientError::ConnectionLost(reason) without copying the
    // reason into one.
    let (code, message, rc) = match &err {
        Some(err) => (err.code(), super::error::message(err), err.reason_code()),
        None => super::error::lost_parts(reason),
    };
    o.str("reason", kind)
        .str("code", code)
        .str("message", &message);
    if let Some(rc) = rc {
        o.num("reasonCode", u64::from(rc.0));
    }
    o.finish()
}

/// The decoded summary of a traced packet (MQTT.js-like field names).
pub(crate) fn packet(p: &Packet) -> String {
    let mut o = Obj::new();
    o.str("cmd", &p.packet_type().name().to_ascii_lowercase());
    match p {
        Packet::Connect(c) => {
            o.num("protocolVersion", u64::from(c.protocol.level()))
                .str("clientId", c.client_id.as_str())
                .bool("clean", c.clean_start)
                .num("keepalive", u64::from(c.keep_alive));
            if let Some(u) = &c.username {
                o.str("username", u.as_str());
            }
            o.bool("hasPassword", c.password.is_some());
            if let Some(w) = &c.will {
                let mut wo = Obj::new();
                wo.str("topic", w.topic.as_str())
                    .num("qos", u64::from(w.qos.as_u8()))
                    .bool("retain", w.retain)
                    .num("payloadLength", w.payload.len() as u64)
                    .props(&w.properties);
                o.raw("will", &wo.finish());
            }
            o.props(&c.properties);
        }
        Packet::ConnAck(c) => {
            o.bool("sessionPresent", c.session_present)
                .num("reasonCode", u64::from(c.reason_code.0))
                .props(&c.properties);
        }
        Packet::Publish(m) => {
            if let Some(t) = &m.topic {
                o.str("topic", t.as_str());
            }
            o.num("qos", u64::from(m.qos.as_u8()))
                .bool("retain", m.retain)
                .bool("dup", m.dup);
            if let Some(id) = m.packet_id {
                o.num("messageId", u64::from(id.get()));
            }
            o.num("payloadLength", m.payload.len() as u64)
                .props(&m.properties);
        }
        Packet::PubAck(a) => ack(&mut o, a.packet_id.get(), a.reason_code, &a.properties),
        Packet::PubRec(a) => ack(&mut o, a.packet_id.get(), a.reason_code, &a.properties),
        Packet::PubRel(a) => ack(&mut o, a.packet_id.get(), a.reason_code, &a.properties),
        Packet::PubComp(a) => ack(&mut o, a.packet_id.get(), a.reason_code, &a.properties),
        Packet::Subscribe(s) => {
            o.num("messageId", u64::from(s.packet_id.get())).raw(
                "subscriptions",
                &array(&s.filters, |out, (f, opts)| {
                    let mut so = Obj::new();
                    so.str("topic", f.as_str())
                        .num("qos", u64::from(opts.qos.as_u8()))
                        .bool("nl", opts.no_local)
                        .bool("rap", opts.retain_as_published)
                        .num("rh", opts.retain_handling as u64);
                    out.push_str(&so.finish());
                }),
            );
            o.props(&s.properties);
        }
        Packet::SubAck(s) => {
            o.num("messageId", u64::from(s.packet_id.get()))
                .raw("reasonCodes", &codes(&s.reason_codes))
                .props(&s.properties);
        }
        Packet::Unsubscribe(u) => {
            o.num("messageId", u64::from(u.packet_id.get())).raw(
                "unsubscriptions",
                &array(&u.filters, |out, f| push_str(out, f.as_str())),
            );
            o.props(&u.properties);
        }
        Packet::UnsubAck(u) => {
            o.num("messageId", u64::from(u.packet_id.get()))
                .raw("reasonCodes", &codes(&u.reason_codes))
                .props(&u.properties);
        }
        Packet::Disconnect(d) => {
            o.num("reasonCode", u64::from(d.reason_code.0))
                .props(&d.properties);
        }
        Packet::Auth(a) => {
            o.num("reasonCode", u64::from(a.reason_code.0))
                .props(&a.properties);
        }
        Packet::PingReq | Packet::PingResp => {}
    }
    o.finish()
}

fn ack(o: &mut Obj, id: u16, reason: ReasonCode, p: &Properties) {
    o.num("messageId", u64::from(id))
        .num("reasonCode", u64::from(reason.0))
        .props(p);
}
