//! One broker connection as the inspector sees it: everything derived from the
//! session's events, bounded by a memory budget.
//!
//! [`ConnectionModel::apply`] is the reducer: a plain function of the model and
//! one session event (plus the time), with no JS and no live resources, so it is
//! tested natively. The Yew store ([`super::store`]) batches events per frame.

use std::collections::VecDeque;

use bytes::Bytes;
use mqtt_proto::session::{DisconnectReason, Event};
use mqtt_proto::{Packet, Properties, ProtocolVersion, QoS, ReasonCode};

use super::flows::Flows;
use super::record::{Direction, PacketRecord};
use super::topics::TopicTree;

/// Where the connection is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// Not started.
    Idle,
    /// Opening the WebSocket / waiting for CONNACK.
    Connecting,
    /// CONNACK accepted the connection.
    Connected,
    /// Waiting to reconnect.
    Reconnecting {
        /// Attempt number.
        attempt: u32,
        /// Backoff before it, ms.
        delay_ms: u64,
    },
    /// Over, with the reason in words.
    Ended(String),
}

/// The four stages of an MQTT session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Transport and CONNECT.
    Connection,
    /// CONNACK / AUTH exchange.
    Authentication,
    /// Publishing and subscribing.
    Communication,
    /// DISCONNECT, loss, reconnect.
    Termination,
}

impl Stage {
    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Connection => "connection",
            Self::Authentication => "authentication",
            Self::Communication => "communication",
            Self::Termination => "termination",
        }
    }
}

/// One line of the session timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// When (ms).
    pub at_ms: u64,
    /// Which stage.
    pub stage: Stage,
    /// What happened, in words.
    pub text: String,
}

/// A received message in the message log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// Arrival (ms).
    pub at_ms: u64,
    /// Topic.
    pub topic: String,
    /// Payload.
    pub payload: Bytes,
    /// QoS.
    pub qos: QoS,
    /// RETAIN flag.
    pub retain: bool,
    /// 5.0 properties.
    pub properties: Properties,
}

/// A subscription made from the inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRow {
    /// The filter.
    pub filter: String,
    /// Requested QoS.
    pub qos: QoS,
    /// SUBACK result: granted QoS or an error code; `None` while waiting.
    pub granted: Option<ReasonCode>,
    /// Colour index for tagging its messages.
    pub color: usize,
}

/// Counters for the stats view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    /// PUBLISH packets received.
    pub messages_in: u64,
    /// PUBLISH packets sent.
    pub messages_out: u64,
    /// Bytes received (whole packets).
    pub bytes_in: u64,
    /// Bytes sent (whole packets).
    pub bytes_out: u64,
}

/// The memory the model may keep for packets and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Upper bound in bytes (payloads and raw packets, plus a fixed cost per entry).
    pub limit: usize,
    /// Bytes in use now.
    pub used: usize,
    /// Entries dropped to stay within the limit.
    pub evicted: u64,
}

/// Fixed bookkeeping cost counted per kept entry.
const ENTRY_COST: usize = 128;

/// One connection's model.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionModel {
    /// Link status.
    pub status: LinkStatus,
    /// Session lifecycle, oldest first (bounded).
    pub timeline: VecDeque<TimelineEntry>,
    /// Every packet sent and received, oldest first (bounded by the budget).
    pub trace: VecDeque<PacketRecord>,
    /// QoS handshakes.
    pub flows: Flows,
    /// The topic tree.
    pub topics: TopicTree,
    /// Received messages, oldest first (bounded by the budget).
    pub messages: VecDeque<MessageRecord>,
    /// Subscriptions made here.
    pub subscriptions: Vec<SubscriptionRow>,
    /// Counters.
    pub counters: Counters,
    /// Memory budget for `trace` and `messages`.
    pub budget: Budget,
    /// The server's Receive Maximum from CONNACK.
    pub receive_maximum: u16,
    /// The protocol version, from the CONNECT sent.
    pub version: ProtocolVersion,
    /// Spec violations by the server, newest last: (time, words naming the rule and reason code).
    pub violations: Vec<(u64, String)>,
    next_seq: u64,
}

impl ConnectionModel {
    /// Timeline entries kept.
    pub const TIMELINE: usize = 500;
    /// Default budget: 32 MiB.
    pub const DEFAULT_BUDGET: usize = 32 << 20;

    /// An idle connection with `budget` bytes for packets and messages.
    pub fn new(budget: usize) -> Self {
        Self {
            status: LinkStatus::Idle,
            timeline: VecDeque::new(),
            trace: VecDeque::new(),
            flows: Flows::new(2_000),
            topics: TopicTree::default(),
            messages: VecDeque::new(),
            subscriptions: Vec::new(),
            counters: Counters::default(),
            budget: Budget {
                limit: budget,
                used: 0,
                evicted: 0,
            },
            receive_maximum: u16::MAX,
            version: ProtocolVersion::V5,
            violations: Vec::new(),
            next_seq: 0,
        }
    }

    /// The packet with trace position `seq`, if still kept.
    pub fn packet(&self, seq: u64) -> Option<&PacketRecord> {
        let first = self.trace.front()?.seq;
        self.trace
            .get(usize::try_from(seq.checked_sub(first)?).ok()?)
    }

    /// The user started connecting.
    pub fn connecting(&mut self, at_ms: u64, url: &str) {
        self.status = LinkStatus::Connecting;
        self.timeline_push(at_ms, Stage::Connection, format!("opening {url}"));
    }

    /// The user subscribed (the SUBACK result arrives later).
    pub fn subscribing(&mut self, filter: String, qos: QoS) {
        let color = self.subscriptions.len() % 8;
        self.subscriptions.retain(|s| s.filter != filter);
        self.subscriptions.push(SubscriptionRow {
            filter,
            qos,
            granted: None,
            color,
        });
    }

    /// SUBACK results for `filters`.
    pub fn subscribed(&mut self, filters: &[String], reasons: &[ReasonCode]) {
        for (f, r) in filters.iter().zip(reasons) {
            if let Some(row) = self.subscriptions.iter_mut().find(|s| &s.filter == f) {
                row.granted = Some(*r);
            }
        }
    }

    /// Changes the memory budget (the inspector splits one global budget between
    /// its connections), evicting the oldest entries at once if needed.
    pub fn set_budget(&mut self, limit: usize) {
        self.budget.limit = limit;
        self.enforce_budget();
    }

    /// Adds messages from an imported log (as exported by the message list), oldest first.
    pub fn import(&mut self, messages: Vec<MessageRecord>) {
        for m in messages {
            self.topics
                .record(&m.topic, m.payload.clone(), m.retain, m.at_ms);
            self.budget.used += m.payload.len() + ENTRY_COST;
            self.messages.push_back(m);
            self.enforce_budget();
        }
    }

    /// Round-trip times (ms) of the most recent completed outgoing QoS 1/2 flows, newest first.
    pub fn round_trips(&self, n: usize) -> Vec<u64> {
        self.flows
            .iter()
            .rev()
            .filter(|f| {
                f.initiator == Direction::Sent
                    && f.packet_id.is_some()
                    && f.state == super::flows::FlowState::Complete
            })
            .take(n)
            .map(|f| f.elapsed_ms())
            .collect()
    }

    /// The user unsubscribed.
    pub fn unsubscribed(&mut self, filter: &str) {
        self.subscriptions.retain(|s| s.filter != filter);
    }

    /// Applies one session event at `at_ms`.
    pub fn apply(&mut self, at_ms: u64, event: &Event) {
        match event {
            Event::Trace(t) => self.packet_seen(t.at.as_millis(), t.direction, &t.packet, &t.raw),
            Event::Rejected(r) => {
                self.counters.bytes_in += r.raw.len() as u64;
                self.record(PacketRecord {
                    seq: self.next_seq,
                    at_ms: r.at.as_millis(),
                    direction: Direction::Received,
                    packet: Err(r.error.clone()),
                    raw: r.raw.clone(),
                });
            }
            Event::Message(m) => {
                self.topics
                    .record(m.topic.as_str(), m.payload.clone(), m.retain, at_ms);
                let rec = MessageRecord {
                    at_ms,
                    topic: m.topic.as_str().to_owned(),
                    payload: m.payload.clone(),
                    qos: m.qos,
                    retain: m.retain,
                    properties: m.properties.clone(),
                };
                self.budget.used += rec.payload.len() + ENTRY_COST;
                self.messages.push_back(rec);
                self.enforce_budget();
            }
            Event::Connected(c) => {
                self.status = LinkStatus::Connected;
                self.receive_maximum = c.limits.receive_maximum;
                let mut text = format!(
                    "CONNACK {} — session present: {}, keep-alive {} s",
                    reason_words(c.reason),
                    if c.session_present { "yes" } else { "no" },
                    c.keep_alive
                );
                if let Some(id) = &c.assigned_client_id {
                    text.push_str(&format!(", assigned client id {id}"));
                }
                self.timeline_push(at_ms, Stage::Authentication, text);
                self.timeline_push(at_ms, Stage::Communication, "connected".into());
            }
            Event::Disconnected { reason } => {
                self.flows.connection_lost();
                if let DisconnectReason::ProtocolViolation(v) = reason {
                    // A decode error's text names its normative rule.
                    self.violations.push((
                        at_ms,
                        format!("{v} → DISCONNECT {}", reason_words(v.reason_code())),
                    ));
                    if self.violations.len() > 100 {
                        self.violations.remove(0);
                    }
                }
                self.timeline_push(at_ms, Stage::Termination, disconnect_words(reason));
                if let DisconnectReason::Refused { reason, .. } = reason {
                    self.status = LinkStatus::Ended(format!("refused: {}", reason_words(*reason)));
                }
            }
            Event::Reconnecting { attempt, delay } => {
                let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
                self.status = LinkStatus::Reconnecting {
                    attempt: *attempt,
                    delay_ms,
                };
                self.timeline_push(
                    at_ms,
                    Stage::Connection,
                    format!("reconnect attempt {attempt} in {delay_ms} ms"),
                );
            }
            Event::Ended if !matches!(self.status, LinkStatus::Ended(_)) => {
                let why = self
                    .timeline
                    .back()
                    .map(|t| t.text.clone())
                    .unwrap_or_else(|| "ended".into());
                self.status = LinkStatus::Ended(why);
            }
            Event::AuthChallenge { reason, .. } => {
                self.timeline_push(
                    at_ms,
                    Stage::Authentication,
                    format!("AUTH {}", reason_words(*reason)),
                );
            }
            Event::Resubscribed { results } => {
                let filters: Vec<String> =
                    results.iter().map(|(f, _)| f.as_str().to_owned()).collect();
                let reasons: Vec<ReasonCode> = results.iter().map(|(_, r)| *r).collect();
                self.subscribed(&filters, &reasons);
                self.timeline_push(
                    at_ms,
                    Stage::Communication,
                    format!("resubscribed {} filters", filters.len()),
                );
            }
            _ => {}
        }
    }

    fn packet_seen(&mut self, at_ms: u64, direction: Direction, packet: &Packet, raw: &Bytes) {
        let rec = PacketRecord {
            seq: self.next_seq,
            at_ms,
            direction,
            packet: Ok(packet.clone()),
            raw: raw.clone(),
        };
        let len = raw.len() as u64;
        let publish = matches!(packet, Packet::Publish(_));
        match direction {
            Direction::Sent => {
                self.counters.bytes_out += len;
                self.counters.messages_out += u64::from(publish);
            }
            Direction::Received => {
                self.counters.bytes_in += len;
                self.counters.messages_in += u64::from(publish);
            }
        }
        match packet {
            Packet::Connect(c) => {
                self.version = c.protocol;
                self.timeline_push(
                    at_ms,
                    Stage::Connection,
                    format!("CONNECT sent ({})", c.protocol),
                );
            }
            Packet::Auth(a) => self.timeline_push(
                at_ms,
                Stage::Authentication,
                format!(
                    "AUTH {} {}",
                    if direction == Direction::Sent {
                        "sent"
                    } else {
                        "received"
                    },
                    reason_words(a.reason_code)
                ),
            ),
            Packet::Disconnect(d) => self.timeline_push(
                at_ms,
                Stage::Termination,
                format!(
                    "DISCONNECT {}: {}",
                    if direction == Direction::Sent {
                        "sent"
                    } else {
                        "from the server"
                    },
                    reason_words(d.reason_code)
                ),
            ),
            _ => {}
        }
        self.record(rec);
    }

    /// Appends `rec` (numbered `next_seq`) to the trace and the QoS flows, within the budget.
    fn record(&mut self, rec: PacketRecord) {
        self.next_seq += 1;
        self.flows.apply(&rec);
        self.budget.used += rec.footprint();
        self.trace.push_back(rec);
        self.enforce_budget();
    }

    /// Drops the oldest packets and messages (alternately, the larger store
    /// first) until the budget holds.
    fn enforce_budget(&mut self) {
        while self.budget.used > self.budget.limit {
            let trace_bytes = self.trace.front().map(PacketRecord::footprint);
            let msg_bytes = self.messages.front().map(|m| m.payload.len() + ENTRY_COST);
            let freed = match (trace_bytes, msg_bytes) {
                (Some(_), Some(_)) if self.trace.len() >= self.messages.len() => {
                    self.trace.pop_front();
                    trace_bytes
                }
                (_, Some(_)) => {
                    self.messages.pop_front();
                    msg_bytes
                }
                (Some(_), None) => {
                    self.trace.pop_front();
                    trace_bytes
                }
                (None, None) => None,
            };
            let Some(freed) = freed else { break };
            self.budget.used = self.budget.used.saturating_sub(freed);
            self.budget.evicted += 1;
        }
    }

    fn timeline_push(&mut self, at_ms: u64, stage: Stage, text: String) {
        if self.timeline.len() == Self::TIMELINE {
            self.timeline.pop_front();
        }
        self.timeline
            .push_back(TimelineEntry { at_ms, stage, text });
    }
}

/// Parses a message log, NDJSON or a JSON array as the message list exports it
/// (`{"at_ms", "topic", "qos", "retain", "payload_base64"}` per line); lines
/// that don't parse are counted in the second value.
pub fn parse_message_log(text: &str) -> (Vec<MessageRecord>, usize) {
    let mut bad = 0;
    let mut out = Vec::new();
    let values: Vec<Option<serde_json::Value>> =
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(items)) => items.into_iter().map(Some).collect(),
            _ => text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).ok())
                .collect(),
        };
    for value in values {
        let parsed = value.and_then(|v| {
            let payload = crate::view::parse_base64(v.get("payload_base64")?.as_str()?)?;
            Some(MessageRecord {
                at_ms: v
                    .get("at_ms")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0),
                topic: v.get("topic")?.as_str()?.to_owned(),
                payload: Bytes::from(payload),
                qos: match v.get("qos").and_then(serde_json::Value::as_u64) {
                    Some(2) => QoS::ExactlyOnce,
                    Some(1) => QoS::AtLeastOnce,
                    _ => QoS::AtMostOnce,
                },
                retain: v
                    .get("retain")
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false),
                properties: Properties::default(),
            })
        });
        match parsed {
            Some(m) => out.push(m),
            None => bad += 1,
        }
    }
    (out, bad)
}

/// A reason code in words with its number: `Not authorized (0x87)`.
pub fn reason_words(r: ReasonCode) -> String {
    format!("{} ({:#04x})", r.name(), r.0)
}

/// Why a connection ended, in words.
pub fn disconnect_words(reason: &DisconnectReason) -> String {
    match reason {
        DisconnectReason::ServerDisconnect { reason, properties } => {
            let mut s = format!("server sent DISCONNECT: {}", reason_words(*reason));
            if let Some(r) = &properties.server_reference {
                s.push_str(&format!(", use server {r}"));
            }
            if let Some(r) = &properties.reason_string {
                s.push_str(&format!(" — {r}"));
            }
            s
        }
        DisconnectReason::ProtocolViolation(v) => format!("protocol violation by the server: {v}"),
        DisconnectReason::KeepAliveTimeout => {
            "keep-alive timeout: the broker stopped answering".into()
        }
        DisconnectReason::TransportClosed => "the WebSocket closed".into(),
        DisconnectReason::ConnectTimeout => "no CONNACK within the connect timeout".into(),
        DisconnectReason::Refused { reason, .. } => {
            format!("refused by CONNACK: {}", reason_words(*reason))
        }
        DisconnectReason::Local => "disconnected by the user".into(),
        DisconnectReason::Aborted => "dropped by the user, without DISCONNECT".into(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
// Tests may panic: a panic is a test failure.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use mqtt_proto::session::{Message, Trace};
    use mqtt_proto::time::Instant;
    use mqtt_proto::{PacketId, PubAck, Publish, Topic};

    fn trace(at: u64, direction: Direction, packet: Packet, raw_len: usize) -> Event {
        Event::Trace(Box::new(Trace {
            at: Instant::from_millis(at),
            direction,
            packet,
            raw: Bytes::from(vec![0u8; raw_len]),
        }))
    }

    fn message(topic: &str, payload: &'static [u8]) -> Event {
        Event::Message(Box::new(Message {
            topic: Topic::new(topic).unwrap(),
            payload: Bytes::from_static(payload),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            packet_id: None,
            properties: Properties::default(),
            subscription_identifiers: vec![],
        }))
    }

    #[test]
    fn trace_feeds_flows_counters_and_packet_lookup() {
        let mut m = ConnectionModel::new(ConnectionModel::DEFAULT_BUDGET);
        let mut p = Publish::new(Topic::new("t").unwrap(), Bytes::from_static(b"x"));
        p.qos = QoS::AtLeastOnce;
        p.packet_id = PacketId::new(5);
        m.apply(0, &trace(10, Direction::Sent, Packet::Publish(p), 8));
        m.apply(
            0,
            &trace(
                15,
                Direction::Received,
                Packet::PubAck(PubAck::new(PacketId::new(5).unwrap())),
                4,
            ),
        );
        assert_eq!(
            m.counters,
            Counters {
                messages_in: 0,
                messages_out: 1,
                bytes_in: 4,
                bytes_out: 8
            }
        );
        assert_eq!(m.flows.iter().next().unwrap().legs.len(), 2);
        assert_eq!(m.packet(1).unwrap().name(), "PUBACK");
        assert!(m.packet(2).is_none());
    }

    #[test]
    fn a_smaller_budget_share_evicts_at_once() {
        let mut m = ConnectionModel::new(1 << 20);
        for i in 0..100u64 {
            m.apply(i, &message("a", b"0123456789"));
        }
        let before = m.messages.len();
        m.set_budget(20 * (ENTRY_COST + 10));
        assert!(m.budget.used <= m.budget.limit);
        assert_eq!(m.messages.len(), 20);
        assert!(before > 20);
    }

    #[test]
    fn budget_evicts_oldest_and_stays_bounded() {
        let limit = 10 * (ENTRY_COST + 100);
        let mut m = ConnectionModel::new(limit);
        for i in 0..1000u64 {
            m.apply(i, &trace(i, Direction::Received, Packet::PingResp, 100));
            m.apply(i, &message("a/b", b"0123456789"));
            assert!(m.budget.used <= limit, "over budget at {i}");
        }
        assert!(m.budget.evicted > 1900);
        assert_eq!(m.trace.back().unwrap().seq, 999, "newest kept");
        assert_eq!(
            m.topics.get("a/b").unwrap().stats.as_ref().unwrap().count,
            1000,
            "the tree counts everything"
        );
    }

    #[test]
    fn lifecycle_in_words() {
        let mut m = ConnectionModel::new(1 << 20);
        m.connecting(0, "ws://127.0.0.1:1");
        m.apply(
            5,
            &Event::Disconnected {
                reason: DisconnectReason::Refused {
                    reason: ReasonCode::NOT_AUTHORIZED,
                    properties: Properties::default(),
                },
            },
        );
        m.apply(5, &Event::Ended);
        assert_eq!(
            m.status,
            LinkStatus::Ended("refused: Not authorized (0x87)".into())
        );
        assert_eq!(
            m.timeline.iter().map(|t| t.stage).collect::<Vec<_>>(),
            [Stage::Connection, Stage::Termination]
        );
    }

    #[test]
    fn exported_log_imports_back() {
        let text = "{\"at_ms\":5,\"topic\":\"a/b\",\"qos\":1,\"retain\":true,\"payload_base64\":\"aGk=\"}\nnot json\n\n";
        let (msgs, bad) = parse_message_log(text);
        assert_eq!(bad, 1);
        let array = "[{\"topic\":\"x\",\"payload_base64\":\"\"},{\"topic\":\"y\",\"payload_base64\":\"aGk=\"}]";
        assert_eq!(
            parse_message_log(array).0.len(),
            2,
            "a JSON array export imports too"
        );
        assert_eq!(
            (
                msgs[0].topic.as_str(),
                &msgs[0].payload[..],
                msgs[0].qos,
                msgs[0].retain
            ),
            ("a/b", &b"hi"[..], QoS::AtLeastOnce, true)
        );
        let mut m = ConnectionModel::new(1 << 20);
        m.import(msgs);
        assert_eq!(m.messages.len(), 1);
        assert!(
            m.topics
                .get("a/b")
                .unwrap()
                .stats
                .as_ref()
                .unwrap()
                .retained
        );
    }

    #[test]
    fn protocol_violations_are_named_with_their_rule() {
        use mqtt_proto::session::ProtocolViolation;
        let mut m = ConnectionModel::new(1 << 20);
        let err = mqtt_proto::Packet::decode(
            ProtocolVersion::V5,
            Bytes::from_static(&[0x32, 0x03, 0x00, 0x01, b'a']),
        )
        .expect_err("QoS 1 PUBLISH without a packet id is truncated");
        m.apply(
            7,
            &Event::Disconnected {
                reason: DisconnectReason::ProtocolViolation(ProtocolViolation::Decode(err.clone())),
            },
        );
        let (at, text) = &m.violations[0];
        assert_eq!(*at, 7);
        assert!(text.contains(err.rule()), "{text}");
        assert!(text.contains("Malformed Packet (0x81)"), "{text}");
    }

    #[test]
    fn rejected_bytes_join_the_trace_as_a_malformed_record() {
        use mqtt_proto::session::Rejected;
        let mut m = ConnectionModel::new(1 << 20);
        m.apply(0, &trace(10, Direction::Received, Packet::PingResp, 2));
        let raw = Bytes::from_static(&[0x36, 0x04, 0x00, 0x01, b'a', 0x00]);
        let error = Packet::decode(ProtocolVersion::V5, raw.clone()).expect_err("QoS 3");
        m.apply(
            0,
            &Event::Rejected(Box::new(Rejected {
                at: Instant::from_millis(12),
                raw: raw.clone(),
                error: error.clone(),
            })),
        );
        let rec = m.packet(1).expect("the rejected bytes are packet #1");
        assert_eq!(rec.name(), "MALFORMED");
        assert_eq!(rec.direction, Direction::Received);
        assert_eq!((rec.at_ms, &rec.raw), (12, &raw));
        assert_eq!(rec.packet, Err(error));
        assert_eq!(m.counters.bytes_in, 2 + 6);
        assert_eq!(m.counters.messages_in, 0, "not a message");
    }

    #[test]
    fn subscription_rows_get_suback_results() {
        let mut m = ConnectionModel::new(1 << 20);
        m.subscribing("a/#".into(), QoS::ExactlyOnce);
        m.subscribing("b".into(), QoS::AtMostOnce);
        m.subscribed(
            &["a/#".into(), "b".into()],
            &[ReasonCode::GRANTED_QOS_1, ReasonCode(0x80)],
        );
        let granted: Vec<_> = m.subscriptions.iter().map(|s| s.granted).collect();
        assert_eq!(
            granted,
            [Some(ReasonCode::GRANTED_QOS_1), Some(ReasonCode(0x80))]
        );
        m.unsubscribed("a/#");
        assert_eq!(m.subscriptions.len(), 1);
    }
}
