//! Differential test against the npm `mqtt-packet` (9.0.2, the codec of MQTT.js), both directions:
//!
//! 1. `tests/e2e/differential/generate.mjs` builds a varied corpus with mqtt-packet's
//!    `generate()` (every packet type, 3.1, 3.1.1 and 5.0, properties, user properties, wills, QoS,
//!    retain, dup, several subscriptions with options, ...; a fixed seed). Our codec must decode
//!    every packet to the fields mqtt-packet was given.
//! 2. We re-encode what we decoded (plus a few packets mqtt-packet cannot generate) and
//!    `parse.mjs` feeds our bytes to mqtt-packet's parser: it must read back the same fields.
//!
//! Both sides compare a normalized JSON form, defined in `tests/e2e/differential/normalize.mjs`
//! and mirrored by [`normalized`] here.
//!
//! Where mqtt-packet departs from the MQTT specification, the specification wins:
//!
//! - mqtt-packet **generates packets the specification forbids** (it does not validate): DUP on
//!   SUBSCRIBE / UNSUBSCRIBE (wrong fixed header flags), DUP on QoS 0, wildcards / U+0000 / empty
//!   topic names, packet identifier 0, invalid topic filters, No Local on a shared subscription,
//!   reason codes outside a packet's table, property values the spec forbids (Topic Alias,
//!   Receive Maximum, Maximum Packet Size or Subscription Identifier 0, Maximum QoS 2),
//!   Authentication Data without Method, duplicated single-occurrence properties, protocol name
//!   `MQTT` with level 3. The corpus marks them `departure`: our decoder must reject each one.
//! - mqtt-packet **refuses a valid 5.0 CONNECT** with a password but no user name (allowed since
//!   5.0, section 3.1.2.9): it cannot be generated, so it only appears in direction 2.
//! - mqtt-packet keeps **user properties in an object**: the relative order of different names is
//!   lost (the spec requires forwarding them in order, [MQTT-3.3.2-18]), and integer-like names
//!   would be reordered first. The normalized form sorts pairs by name (stable, so repeated names
//!   keep their order), and the corpus avoids integer-like names.
//! - Known mqtt-packet **parser** departures on valid bytes are listed in [`parse_departure`];
//!   those cases are skipped in direction 2 with the reason, and counted.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use bytes::{Bytes, BytesMut};
use mqtt_proto::{
    Connect, Decoder, Disconnect, Packet, PacketId, Properties, ProtocolVersion, PubAck, ReasonCode,
};
use serde_json::{json, Map, Value};

fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Fails with a clear message unless node and mqtt-packet are installed.
fn check_node(root: &Path) {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "the differential test needs `node` on PATH (scripts/setup.sh installs it)"
    );
    let module = root.join("tests/e2e/node_modules/mqtt-packet/package.json");
    assert!(
        module.exists(),
        "{} is missing: run `npm ci --prefix tests/e2e` (scripts/setup.sh does it)",
        module.display()
    );
}

fn run_node(root: &Path, script: &str, input: Option<&str>) -> String {
    let mut child = Command::new("node")
        .arg(root.join(script))
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node {script}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.unwrap_or_default().to_owned();
    // Written from another thread: the script's stdout could fill up before stdin is consumed.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "node {script} failed: {}", out.status);
    String::from_utf8(out.stdout).unwrap()
}

fn version_of(level: u64) -> ProtocolVersion {
    match level {
        3 => ProtocolVersion::V31,
        4 => ProtocolVersion::V311,
        5 => ProtocolVersion::V5,
        other => panic!("unknown protocol level {other}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The normalized form of `normalize.mjs` for one of our packets.
fn normalized(packet: &Packet, v: ProtocolVersion) -> Value {
    let props = |p: &Properties| normalized_properties(p, v);
    let id = |id: PacketId| json!(id.get());
    match packet {
        Packet::Connect(c) => json!({
            "type": "connect",
            "protocolVersion": c.protocol.level(),
            "clean": c.clean_start,
            "keepalive": c.keep_alive,
            "clientId": c.client_id.as_str(),
            "username": c.username.as_ref().map(|u| u.as_str()),
            "password": c.password.as_ref().map(|p| hex(p)),
            "will": c.will.as_ref().map(|w| json!({
                "topic": w.topic.as_str(),
                "payload": hex(&w.payload),
                "qos": w.qos.as_u8(),
                "retain": w.retain,
                "properties": normalized_properties(&w.properties, c.protocol),
            })),
            "properties": normalized_properties(&c.properties, c.protocol),
        }),
        Packet::ConnAck(c) => json!({
            "type": "connack",
            "sessionPresent": c.session_present,
            "code": if v.is_v5() { Some(c.reason_code.0) } else { c.reason_code.connect_return_code() },
            "properties": props(&c.properties),
        }),
        Packet::Publish(p) => json!({
            "type": "publish",
            "topic": p.topic.as_ref().map_or("", |t| t.as_str()),
            "qos": p.qos.as_u8(),
            "dup": p.dup,
            "retain": p.retain,
            "messageId": p.packet_id.map(|i| i.get()),
            "payload": hex(&p.payload),
            "properties": props(&p.properties),
        }),
        Packet::PubAck(a) => ack(
            "puback",
            id(a.packet_id),
            a.reason_code,
            props(&a.properties),
        ),
        Packet::PubRec(a) => ack(
            "pubrec",
            id(a.packet_id),
            a.reason_code,
            props(&a.properties),
        ),
        Packet::PubRel(a) => ack(
            "pubrel",
            id(a.packet_id),
            a.reason_code,
            props(&a.properties),
        ),
        Packet::PubComp(a) => ack(
            "pubcomp",
            id(a.packet_id),
            a.reason_code,
            props(&a.properties),
        ),
        Packet::Subscribe(s) => json!({
            "type": "subscribe",
            "messageId": id(s.packet_id),
            "subscriptions": s.filters.iter().map(|(f, o)| json!({
                "topic": f.as_str(),
                "qos": o.qos.as_u8(),
                "nl": o.no_local,
                "rap": o.retain_as_published,
                "rh": o.retain_handling as u8,
            })).collect::<Vec<_>>(),
            "properties": props(&s.properties),
        }),
        Packet::SubAck(s) => json!({
            "type": "suback",
            "messageId": id(s.packet_id),
            "granted": s.reason_codes.iter().map(|c| c.0).collect::<Vec<_>>(),
            "properties": props(&s.properties),
        }),
        Packet::Unsubscribe(u) => json!({
            "type": "unsubscribe",
            "messageId": id(u.packet_id),
            "unsubscriptions": u.filters.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            "properties": props(&u.properties),
        }),
        Packet::UnsubAck(u) => json!({
            "type": "unsuback",
            "messageId": id(u.packet_id),
            "granted": u.reason_codes.iter().map(|c| c.0).collect::<Vec<_>>(),
            "properties": props(&u.properties),
        }),
        Packet::PingReq => json!({ "type": "pingreq" }),
        Packet::PingResp => json!({ "type": "pingresp" }),
        Packet::Disconnect(d) => json!({
            "type": "disconnect",
            "reasonCode": d.reason_code.0,
            "properties": props(&d.properties),
        }),
        Packet::Auth(a) => json!({
            "type": "auth",
            "reasonCode": a.reason_code.0,
            "properties": props(&a.properties),
        }),
    }
}

fn ack(kind: &str, id: Value, reason: ReasonCode, properties: Value) -> Value {
    json!({ "type": kind, "messageId": id, "reasonCode": reason.0, "properties": properties })
}

fn normalized_properties(p: &Properties, v: ProtocolVersion) -> Value {
    let mut m = Map::new();
    if !v.is_v5() {
        return Value::Object(m);
    }
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            m.insert(name.to_owned(), value);
        }
    };
    let s = |s: &Option<mqtt_proto::MqttString>| s.as_ref().map(|s| json!(s.as_str()));
    let b = |b: &Option<Bytes>| b.as_ref().map(|b| json!(hex(b)));
    put(
        "payloadFormatIndicator",
        p.payload_format_indicator
            .map(|f| json!(f == mqtt_proto::PayloadFormat::Utf8)),
    );
    put(
        "messageExpiryInterval",
        p.message_expiry_interval.map(|x| json!(x)),
    );
    put("contentType", s(&p.content_type));
    put(
        "responseTopic",
        p.response_topic.as_ref().map(|t| json!(t.as_str())),
    );
    put("correlationData", b(&p.correlation_data));
    put(
        "subscriptionIdentifier",
        (!p.subscription_identifiers.is_empty()).then(|| json!(p.subscription_identifiers)),
    );
    put(
        "sessionExpiryInterval",
        p.session_expiry_interval.map(|x| json!(x)),
    );
    put("assignedClientIdentifier", s(&p.assigned_client_identifier));
    put("serverKeepAlive", p.server_keep_alive.map(|x| json!(x)));
    put("authenticationMethod", s(&p.authentication_method));
    put("authenticationData", b(&p.authentication_data));
    put(
        "requestProblemInformation",
        p.request_problem_information.map(|x| json!(x)),
    );
    put("willDelayInterval", p.will_delay_interval.map(|x| json!(x)));
    put(
        "requestResponseInformation",
        p.request_response_information.map(|x| json!(x)),
    );
    put("responseInformation", s(&p.response_information));
    put("serverReference", s(&p.server_reference));
    put("reasonString", s(&p.reason_string));
    put("receiveMaximum", p.receive_maximum.map(|x| json!(x)));
    put("topicAliasMaximum", p.topic_alias_maximum.map(|x| json!(x)));
    put("topicAlias", p.topic_alias.map(|x| json!(x)));
    put("maximumQoS", p.maximum_qos.map(|q| json!(q.as_u8())));
    put("retainAvailable", p.retain_available.map(|x| json!(x)));
    if !p.user_properties.is_empty() {
        let mut pairs: Vec<(&str, &str)> = p
            .user_properties
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // Stable, by UTF-16 code units as JavaScript compares strings.
        pairs.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        put("userProperties", Some(json!(pairs)));
    }
    put("maximumPacketSize", p.maximum_packet_size.map(|x| json!(x)));
    put(
        "wildcardSubscriptionAvailable",
        p.wildcard_subscription_available.map(|x| json!(x)),
    );
    put(
        "subscriptionIdentifiersAvailable",
        p.subscription_identifier_available.map(|x| json!(x)),
    );
    put(
        "sharedSubscriptionAvailable",
        p.shared_subscription_available.map(|x| json!(x)),
    );
    Value::Object(m)
}

/// Valid bytes that mqtt-packet 9.0.2's parser misreads: the reason, or `None`.
fn parse_departure(packet: &Packet, wire: &[u8]) -> Option<&'static str> {
    // `_parseAuth` always reads a reason code, but MQTT 5.0 section 3.15.2.1 lets AUTH omit it
    // (Remaining Length 0 means Success without properties): it reads past the packet.
    if matches!(packet, Packet::Auth(_)) && wire.get(1) == Some(&0) {
        return Some("AUTH with Remaining Length 0 (MQTT 5.0 3.15.2.1) is rejected");
    }
    // `_parseProperties` tests `if (result.userProperties[name])`: a repeated name whose first
    // value is the empty string is taken as absent, and that empty value is overwritten.
    let props: Vec<&Properties> = match packet {
        Packet::Connect(c) => {
            let mut v = vec![&c.properties];
            v.extend(c.will.as_ref().map(|w| &w.properties));
            v
        }
        Packet::ConnAck(p) => vec![&p.properties],
        Packet::Publish(p) => vec![&p.properties],
        Packet::PubAck(p) => vec![&p.properties],
        Packet::PubRec(p) => vec![&p.properties],
        Packet::PubRel(p) => vec![&p.properties],
        Packet::PubComp(p) => vec![&p.properties],
        Packet::Subscribe(p) => vec![&p.properties],
        Packet::SubAck(p) => vec![&p.properties],
        Packet::Unsubscribe(p) => vec![&p.properties],
        Packet::UnsubAck(p) => vec![&p.properties],
        Packet::Disconnect(p) => vec![&p.properties],
        Packet::Auth(p) => vec![&p.properties],
        Packet::PingReq | Packet::PingResp => vec![],
    };
    let loses_empty_value = props.iter().any(|p| {
        p.user_properties.iter().enumerate().any(|(i, (k, v))| {
            v.is_empty()
                && !p.user_properties[..i].iter().any(|(k2, _)| k2 == k)
                && p.user_properties[i + 1..].iter().any(|(k2, _)| k2 == k)
        })
    });
    loses_empty_value
        .then_some("a repeated user property name whose first value is empty loses that value")
}

/// Packets mqtt-packet cannot generate, for direction 2 only: the shortest 5.0 forms our encoder
/// writes, and a 5.0 CONNECT with a password but no user name.
fn extra_packets() -> Vec<(ProtocolVersion, Packet)> {
    let id = PacketId::new(7).unwrap();
    let mut connect = Connect::new(ProtocolVersion::V5, "c".into());
    connect.password = Some(Bytes::from_static(b"secret"));
    let mut reason_only = PubAck::new(id);
    reason_only.reason_code = ReasonCode::NO_MATCHING_SUBSCRIBERS;
    vec![
        (ProtocolVersion::V5, Packet::Connect(Box::new(connect))),
        (ProtocolVersion::V5, Packet::PubAck(PubAck::new(id))),
        (ProtocolVersion::V5, Packet::PubAck(reason_only)),
        (
            ProtocolVersion::V5,
            Packet::Disconnect(Disconnect::default()),
        ),
        (
            ProtocolVersion::V5,
            Packet::Disconnect(Disconnect::new(ReasonCode::SERVER_SHUTTING_DOWN)),
        ),
        (
            ProtocolVersion::V5,
            Packet::Auth(mqtt_proto::Auth::new(ReasonCode::SUCCESS)),
        ),
    ]
}

#[test]
fn mqtt_packet_agrees_both_ways() {
    let root = repo_root();
    check_node(&root);
    let corpus = run_node(&root, "tests/e2e/differential/generate.mjs", None);

    let mut failures = Vec::new();
    let (mut decoded, mut departures, mut identical) = (0usize, 0usize, 0usize);
    // (version, our bytes, our normalized packet) for direction 2.
    let mut ours: Vec<(ProtocolVersion, Bytes, Packet, Value)> = Vec::new();

    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let entry: Value = serde_json::from_str(line).unwrap();
        let v = version_of(entry["version"].as_u64().unwrap());
        let hex_in = entry["hex"].as_str().unwrap();
        let wire = Bytes::from(unhex(hex_in));

        if let Some(reason) = entry["departure"].as_str() {
            departures += 1;
            if let Ok(p) = Packet::decode(v, wire.clone()) {
                failures.push(format!(
                    "accepted a packet the spec forbids ({reason}): {hex_in} -> {p:?}"
                ));
            }
            continue;
        }

        // Through the streaming decoder, as a connection would see it.
        let mut decoder = Decoder::new(v, 1 << 20);
        decoder.feed(&wire);
        let (packet, raw) = match decoder.next_packet() {
            Ok(Some(x)) => x,
            other => {
                failures.push(format!("cannot decode {hex_in} ({v:?}): {other:?}"));
                continue;
            }
        };
        decoded += 1;
        assert_eq!(raw, wire);
        let v = match &packet {
            Packet::Connect(c) => c.protocol,
            _ => v,
        };
        let got = normalized(&packet, v);
        if got != entry["expected"] {
            failures.push(format!(
                "decoded {hex_in} ({v:?}) differently:\n  ours:     {got}\n  expected: {}",
                entry["expected"]
            ));
        }
        let mut buf = BytesMut::new();
        match packet.encode(v, &mut buf) {
            Ok(_) => {
                if buf[..] == wire[..] {
                    identical += 1;
                }
                ours.push((v, buf.freeze(), packet, got));
            }
            Err(e) => failures.push(format!("cannot re-encode {packet:?}: {e}")),
        }
    }

    for (v, packet) in extra_packets() {
        let mut buf = BytesMut::new();
        packet.encode(v, &mut buf).unwrap();
        let n = normalized(&packet, v);
        ours.push((v, buf.freeze(), packet, n));
    }

    // Direction 2: mqtt-packet parses our bytes.
    let input: String = ours
        .iter()
        .map(|(v, wire, _, _)| format!("{} {}\n", v.level(), hex(wire)))
        .collect();
    let parsed = run_node(&root, "tests/e2e/differential/parse.mjs", Some(&input));
    let parsed: Vec<Value> = parsed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.len(), ours.len(), "parse.mjs answered every line");
    let mut skipped = Vec::new();
    for ((v, wire, packet, expected), theirs) in ours.iter().zip(&parsed) {
        if let Some(reason) = parse_departure(packet, wire) {
            skipped.push(reason);
            continue;
        }
        if theirs.get("ok") != Some(expected) {
            failures.push(format!(
                "mqtt-packet reads our {} ({v:?}) differently:\n  ours:        {expected}\n  mqtt-packet: {theirs}",
                hex(wire)
            ));
        }
    }

    println!(
        "differential: {decoded} mqtt-packet packets decoded ({identical} re-encoded byte for byte), \
         {departures} spec departures rejected, {} of our encodings parsed by mqtt-packet, {} skipped",
        ours.len() - skipped.len(),
        skipped.len()
    );
    assert!(
        decoded >= 500,
        "the corpus is too small: {decoded} packets decoded"
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
