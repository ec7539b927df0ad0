//! Deterministic simulation of the client session: a virtual clock and a scripted peer that
//! decodes the client's bytes with the codec's `Decoder` and answers with encoded packets.
//! No test sleeps; time only moves when a test advances it.
#![allow(
    clippy::unwrap_used,
    clippy::field_reassign_with_default,
    clippy::type_complexity,
    clippy::unnecessary_fallible_conversions
)]

use bytes::{Bytes, BytesMut};
use mqtt_proto::session::{
    DisconnectReason, Event, InflightPolicy, OutgoingState, Output, ProtocolViolation,
    PublishError, PublishRequest, QueueLimits, ReconnectPolicy, Session, SessionConfig, Snapshot,
    SnapshotError, Token, UsageError, DEFAULT_MAXIMUM_PACKET_SIZE,
};
use mqtt_proto::time::{Duration, Instant};
use mqtt_proto::{
    Auth, ConnAck, Decoder, Disconnect, MqttString, Packet, PacketId, Properties, ProtocolVersion,
    PubAck, PubComp, PubRec, PubRel, Publish, QoS, ReasonCode, SubAck, Subscribe,
    SubscriptionOptions, Topic, TopicFilter, UnsubAck,
};

const V5: ProtocolVersion = ProtocolVersion::V5;
const V311: ProtocolVersion = ProtocolVersion::V311;

/// The simulated world: the session, the virtual clock and the server end of the transport.
struct Sim {
    now: u64,
    session: Session,
    version: ProtocolVersion,
    server: Decoder,
    /// Packets the client sent, not yet taken.
    sent: Vec<Packet>,
    events: Vec<Event>,
    open_requests: usize,
    close_requests: usize,
    transport_open: bool,
    deadline: Option<Instant>,
    /// Bytes of every Transmit (to check nothing oversize is written).
    largest_transmit: usize,
}

impl Sim {
    fn new(config: SessionConfig) -> Self {
        let version = config.version;
        Self {
            now: 0,
            session: Session::new(config).unwrap(),
            version,
            server: Decoder::new(version, u32::MAX),
            sent: Vec::new(),
            events: Vec::new(),
            open_requests: 0,
            close_requests: 0,
            transport_open: false,
            deadline: None,
            largest_transmit: 0,
        }
    }

    fn at(&self) -> Instant {
        Instant::from_millis(self.now)
    }

    /// Drains the session until `Wait`, playing the driver.
    fn drain(&mut self) {
        loop {
            match self.session.poll_output() {
                Output::Transmit(bytes) => {
                    assert!(self.transport_open, "transmit without an open transport");
                    self.largest_transmit = self.largest_transmit.max(bytes.len());
                    self.server.feed(&bytes);
                    while let Some((p, _)) = self.server.next_packet().expect("client sent garbage")
                    {
                        self.sent.push(p);
                    }
                }
                Output::Event(e) => self.events.push(e),
                Output::OpenTransport => self.open_requests += 1,
                Output::CloseTransport => {
                    self.close_requests += 1;
                    self.transport_open = false;
                }
                Output::Wait(d) => {
                    self.deadline = d;
                    return;
                }
            }
        }
    }

    fn connect(&mut self) {
        self.session.connect(self.at());
        self.drain();
    }

    /// The driver opened the transport.
    fn open(&mut self) {
        self.transport_open = true;
        self.server = Decoder::new(self.version, u32::MAX);
        self.session.handle_open(self.at());
        self.drain();
    }

    /// The transport dropped.
    fn drop_transport(&mut self) {
        self.transport_open = false;
        self.session.handle_close(self.at());
        self.drain();
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.session.handle_bytes(self.at(), bytes);
        self.drain();
    }

    /// The server sends `packet`.
    fn recv(&mut self, packet: Packet) {
        let mut buf = BytesMut::new();
        packet.encode(self.version, &mut buf).unwrap();
        self.bytes(&buf);
    }

    /// Advances the clock by `ms`, firing every deadline on the way.
    fn advance(&mut self, ms: u64) {
        let target = self.now + ms;
        loop {
            match self.deadline {
                Some(d) if d.as_millis() <= target => {
                    self.now = self.now.max(d.as_millis());
                    self.session.handle_timeout(self.at());
                    self.drain();
                    // A deadline that did not move would loop forever: that is a bug.
                    if self.deadline == Some(d) {
                        panic!("deadline {d} did not advance");
                    }
                }
                _ => {
                    self.now = target;
                    return;
                }
            }
        }
    }

    fn take_sent(&mut self) -> Vec<Packet> {
        std::mem::take(&mut self.sent)
    }

    fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// connect + open + CONNACK(success, session_present, props). Returns the CONNECT.
    fn establish(&mut self, session_present: bool, props: Properties) -> mqtt_proto::Connect {
        if self.session.is_ended() {
            self.connect();
        }
        self.open();
        let connect = match self.take_sent().as_slice() {
            [Packet::Connect(c)] => (**c).clone(),
            other => panic!("expected CONNECT, got {other:?}"),
        };
        let mut ack = ConnAck::new(ReasonCode::SUCCESS);
        ack.session_present = session_present;
        ack.properties = props;
        self.recv(Packet::ConnAck(ack));
        assert!(self.session.is_connected());
        connect
    }

    /// Reconnect after a loss: wait out the backoff, open, CONNACK.
    fn reconnect(&mut self, session_present: bool) -> mqtt_proto::Connect {
        let before = self.open_requests;
        let d = self.deadline.expect("a reconnect deadline");
        self.advance(d.as_millis().saturating_sub(self.now));
        assert_eq!(
            self.open_requests,
            before + 1,
            "OpenTransport after backoff"
        );
        self.take_sent(); // what the old connection sent
        self.establish(session_present, Properties::default())
    }

    fn publish(&mut self, topic: &str, payload: &'static [u8], qos: QoS) -> Token {
        let t = self
            .session
            .publish(
                self.at(),
                PublishRequest::new(topic_(topic), Bytes::from_static(payload), qos),
            )
            .unwrap();
        self.drain();
        t
    }
}

fn topic_(s: &str) -> Topic {
    Topic::new(s).unwrap()
}

fn id(n: u16) -> PacketId {
    PacketId::new(n).unwrap()
}

fn config(version: ProtocolVersion) -> SessionConfig {
    let mut c = SessionConfig::new(version, "sim");
    c.keep_alive = 10;
    c.reconnect = ReconnectPolicy {
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(2_000),
        jitter: 0.0,
        ..ReconnectPolicy::default()
    };
    c
}

fn persistent(version: ProtocolVersion) -> SessionConfig {
    let mut c = config(version);
    c.clean_start = false;
    c.session_expiry_interval = 3600;
    c
}

fn messages(events: &[Event]) -> Vec<(String, Vec<u8>, QoS, bool)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some((
                m.topic.as_str().to_owned(),
                m.payload.to_vec(),
                m.qos,
                m.dup,
            )),
            _ => None,
        })
        .collect()
}

fn completed(events: &[Event]) -> Vec<(Token, ReasonCode)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::PublishCompleted { token, reason } => Some((*token, *reason)),
            _ => None,
        })
        .collect()
}

fn publish_ids(sent: &[Packet]) -> Vec<(u16, bool)> {
    sent.iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => p.packet_id.map(|i| (i.get(), p.dup)),
            _ => None,
        })
        .collect()
}

fn disconnected(events: &[Event]) -> Vec<DisconnectReason> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Disconnected { reason } => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

/// The client's DISCONNECT reason codes among `sent`.
fn disconnect_codes(sent: &[Packet]) -> Vec<ReasonCode> {
    sent.iter()
        .filter_map(|p| match p {
            Packet::Disconnect(d) => Some(d.reason_code),
            _ => None,
        })
        .collect()
}

fn server_publish(topic: &str, payload: &'static [u8], qos: QoS, pid: Option<u16>) -> Publish {
    let mut p = Publish::new(topic_(topic), Bytes::from_static(payload));
    p.qos = qos;
    p.packet_id = pid.map(id);
    p
}

// ----- connect -----------------------------------------------------------------------------

#[test]
fn connect_v311() {
    let mut sim = Sim::new(config(V311));
    sim.connect();
    assert_eq!(sim.open_requests, 1);
    assert_eq!(
        sim.deadline,
        Some(Instant::from_millis(10_000)),
        "connect timeout"
    );
    sim.open();
    let sent = sim.take_sent();
    let [Packet::Connect(c)] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(c.protocol, V311);
    assert_eq!(c.client_id, "sim");
    assert!(c.clean_start);
    assert_eq!(c.keep_alive, 10);
    sim.recv(Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS)));
    let ev = sim.take_events();
    let Some(Event::Connected(info)) = ev.first() else {
        panic!("{ev:?}")
    };
    assert!(!info.session_present);
    assert_eq!(info.keep_alive, 10);
    assert_eq!(
        sim.deadline,
        Some(Instant::from_millis(10_000)),
        "next PINGREQ"
    );
}

#[test]
fn connect_v5_server_overrides_and_assigned_id() {
    let mut c = config(V5);
    c.client_id = Default::default();
    c.session_expiry_interval = 600;
    c.receive_maximum = Some(10);
    c.maximum_packet_size = Some(4096);
    c.topic_alias_maximum = 5;
    let mut sim = Sim::new(c);
    let mut props = Properties::default();
    props.server_keep_alive = Some(3);
    props.assigned_client_identifier = Some("auto-123".try_into().unwrap());
    props.receive_maximum = Some(7);
    props.maximum_qos = Some(QoS::AtLeastOnce);
    props.retain_available = Some(false);
    let connect = sim.establish(false, props);
    assert_eq!(connect.properties.session_expiry_interval, Some(600));
    assert_eq!(connect.properties.receive_maximum, Some(10));
    assert_eq!(connect.properties.maximum_packet_size, Some(4096));
    assert_eq!(connect.properties.topic_alias_maximum, Some(5));
    let ev = sim.take_events();
    let Some(Event::Connected(info)) = ev.first() else {
        panic!("{ev:?}")
    };
    assert_eq!(info.keep_alive, 3);
    assert_eq!(info.assigned_client_id.as_ref().unwrap(), "auto-123");
    assert_eq!(info.limits.receive_maximum, 7);
    assert_eq!(sim.session.keep_alive(), 3);
    assert_eq!(
        sim.deadline,
        Some(Instant::from_millis(3_000)),
        "PINGREQ after server keep alive"
    );
    // Server limits are enforced.
    let err = sim.session.publish(
        sim.at(),
        PublishRequest::new(topic_("a"), "x", QoS::ExactlyOnce),
    );
    assert_eq!(
        err,
        Err(UsageError::QoSNotSupported {
            max: QoS::AtLeastOnce
        })
    );
    let mut r = PublishRequest::new(topic_("a"), "x", QoS::AtMostOnce);
    r.retain = true;
    assert_eq!(
        sim.session.publish(sim.at(), r),
        Err(UsageError::RetainNotSupported)
    );
    // The reconnection uses the assigned id and Clean Start 0.
    sim.drop_transport();
    let connect = sim.reconnect(true);
    assert_eq!(connect.client_id, "auto-123");
    assert!(!connect.clean_start);
}

#[test]
fn refused_connack_ends_the_session() {
    for (version, code) in [(V311, ReasonCode::NOT_AUTHORIZED), (V5, ReasonCode::BANNED)] {
        let mut sim = Sim::new(config(version));
        sim.connect();
        sim.open();
        sim.take_sent();
        sim.recv(Packet::ConnAck(ConnAck::new(code)));
        let ev = sim.take_events();
        assert!(
            matches!(
                disconnected(&ev).as_slice(),
                [DisconnectReason::Refused { reason, .. }] if *reason == code
            ),
            "{ev:?}"
        );
        assert!(matches!(ev.last(), Some(Event::Ended)));
        assert_eq!(sim.close_requests, 1);
        assert_eq!(sim.deadline, None);
        assert!(sim.session.is_ended());
        assert_eq!(
            sim.session.publish(
                sim.at(),
                PublishRequest::new(topic_("a"), "x", QoS::AtMostOnce)
            ),
            Err(UsageError::NotConnected)
        );
    }
}

#[test]
fn server_unavailable_is_retried() {
    let mut sim = Sim::new(config(V5));
    sim.connect();
    sim.open();
    sim.recv(Packet::ConnAck(ConnAck::new(ReasonCode::SERVER_BUSY)));
    let ev = sim.take_events();
    assert!(
        ev.iter()
            .any(|e| matches!(e, Event::Reconnecting { attempt: 1, .. })),
        "{ev:?}"
    );
    sim.reconnect(false);
}

#[test]
fn connect_timeout_then_reconnect() {
    let mut sim = Sim::new(config(V5));
    sim.connect();
    sim.open();
    sim.advance(10_000);
    let ev = sim.take_events();
    assert_eq!(disconnected(&ev), [DisconnectReason::ConnectTimeout]);
    assert_eq!(sim.close_requests, 1);
    sim.reconnect(false);
}

// ----- QoS out ------------------------------------------------------------------------------

#[test]
fn publish_qos0_1_2_out() {
    for version in [V311, V5] {
        let mut sim = Sim::new(config(version));
        sim.establish(false, Properties::default());
        sim.take_events();
        let t0 = sim.publish("t/0", b"zero", QoS::AtMostOnce);
        assert_eq!(completed(&sim.take_events()), [(t0, ReasonCode::SUCCESS)]);
        let t1 = sim.publish("t/1", b"one", QoS::AtLeastOnce);
        let t2 = sim.publish("t/2", b"two", QoS::ExactlyOnce);
        let sent = sim.take_sent();
        assert_eq!(publish_ids(&sent), [(1, false), (2, false)]);
        assert!(completed(&sim.take_events()).is_empty());
        sim.recv(Packet::PubAck(PubAck::new(id(1))));
        assert_eq!(completed(&sim.take_events()), [(t1, ReasonCode::SUCCESS)]);
        sim.recv(Packet::PubRec(PubRec::new(id(2))));
        assert_eq!(sim.take_sent(), [Packet::PubRel(PubRel::new(id(2)))]);
        assert!(completed(&sim.take_events()).is_empty());
        sim.recv(Packet::PubComp(PubComp::new(id(2))));
        assert_eq!(completed(&sim.take_events()), [(t2, ReasonCode::SUCCESS)]);
        assert_eq!(sim.session.inflight_len(), 0);
    }
}

#[test]
fn pubrec_with_error_ends_the_exchange() {
    let mut sim = Sim::new(config(V5));
    sim.establish(false, Properties::default());
    let t = sim.publish("a", b"x", QoS::ExactlyOnce);
    sim.take_sent();
    let mut rec = PubRec::new(id(1));
    rec.reason_code = ReasonCode::NOT_AUTHORIZED;
    sim.recv(Packet::PubRec(rec));
    assert!(
        sim.take_sent().is_empty(),
        "no PUBREL after an error PUBREC"
    );
    assert_eq!(
        completed(&sim.take_events()),
        [(t, ReasonCode::NOT_AUTHORIZED)]
    );
}

// ----- QoS in -------------------------------------------------------------------------------

#[test]
fn receive_qos0_1_2_exactly_once() {
    for version in [V311, V5] {
        let mut sim = Sim::new(config(version));
        sim.establish(false, Properties::default());
        sim.take_events();
        sim.recv(Packet::Publish(server_publish(
            "in/0",
            b"a",
            QoS::AtMostOnce,
            None,
        )));
        sim.recv(Packet::Publish(server_publish(
            "in/1",
            b"b",
            QoS::AtLeastOnce,
            Some(5),
        )));
        assert_eq!(sim.take_sent(), [Packet::PubAck(PubAck::new(id(5)))]);
        sim.recv(Packet::Publish(server_publish(
            "in/2",
            b"c",
            QoS::ExactlyOnce,
            Some(6),
        )));
        assert_eq!(sim.take_sent(), [Packet::PubRec(PubRec::new(id(6)))]);
        // A retransmission before PUBREL is acknowledged but not delivered again.
        let mut dup = server_publish("in/2", b"c", QoS::ExactlyOnce, Some(6));
        dup.dup = true;
        sim.recv(Packet::Publish(dup));
        assert_eq!(sim.take_sent(), [Packet::PubRec(PubRec::new(id(6)))]);
        sim.recv(Packet::PubRel(PubRel::new(id(6))));
        assert_eq!(sim.take_sent(), [Packet::PubComp(PubComp::new(id(6)))]);
        let got = messages(&sim.take_events());
        assert_eq!(
            got,
            [
                ("in/0".into(), b"a".to_vec(), QoS::AtMostOnce, false),
                ("in/1".into(), b"b".to_vec(), QoS::AtLeastOnce, false),
                ("in/2".into(), b"c".to_vec(), QoS::ExactlyOnce, false),
            ]
        );
        // After PUBCOMP the id is free: a new message with it is a new message.
        sim.recv(Packet::Publish(server_publish(
            "in/2",
            b"d",
            QoS::ExactlyOnce,
            Some(6),
        )));
        assert_eq!(messages(&sim.take_events()).len(), 1);
    }
}

#[test]
fn pubrel_for_unknown_id_gets_pubcomp() {
    let mut sim = Sim::new(config(V5));
    sim.establish(false, Properties::default());
    sim.recv(Packet::PubRel(PubRel::new(id(9))));
    let mut comp = PubComp::new(id(9));
    comp.reason_code = ReasonCode::PACKET_IDENTIFIER_NOT_FOUND;
    assert_eq!(sim.take_sent(), [Packet::PubComp(comp)]);
    assert!(sim.session.is_connected());
}

#[test]
fn bytes_in_any_chunking() {
    let mut sim = Sim::new(config(V5));
    sim.connect();
    sim.open();
    let mut wire = BytesMut::new();
    Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS))
        .encode(V5, &mut wire)
        .unwrap();
    for i in 0..20u16 {
        Packet::Publish(server_publish(
            "chunk",
            b"payload",
            QoS::AtLeastOnce,
            Some(i + 1),
        ))
        .encode(V5, &mut wire)
        .unwrap();
    }
    for b in wire.iter() {
        sim.bytes(&[*b]);
    }
    assert!(sim.session.is_connected());
    assert_eq!(messages(&sim.take_events()).len(), 20);
}

/// `Session::handle_publish_head`: a PUBLISH handled from its first bytes, its payload left with
/// the caller, exactly as the whole frame through `handle_bytes` (acks, QoS 2 duplicates, aliases).
#[test]
fn publish_heads_are_handled_as_whole_frames() {
    let payload = Bytes::from(vec![0x5A; 5000]);
    for version in [V311, V5] {
        let mut c = config(version);
        if version == V5 {
            c.topic_alias_maximum = 4;
        }
        let mut sim = Sim::new(c);
        let encode = |p: Publish| {
            let mut buf = BytesMut::new();
            Packet::Publish(p).encode(version, &mut buf).unwrap();
            buf.freeze()
        };
        let publish = |topic: &str, qos, pid: Option<u16>| {
            let mut p = Publish::new(topic_(topic), payload.clone());
            p.qos = qos;
            p.packet_id = pid.map(id);
            p
        };
        let frame = encode(publish("big/0", QoS::AtLeastOnce, Some(5)));
        let head = |f: &Bytes| f.slice(..64);

        // Before CONNACK the chunk goes through `handle_bytes` (which refuses it).
        sim.connect();
        sim.open();
        assert_eq!(
            sim.session
                .handle_publish_head(sim.at(), &head(&frame), frame.len()),
            None
        );
        sim.recv(Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS)));
        sim.take_events();
        sim.take_sent(); // CONNECT

        let mut frames = vec![
            (frame, QoS::AtLeastOnce),
            (
                encode(publish("big/1", QoS::AtMostOnce, None)),
                QoS::AtMostOnce,
            ),
            (
                encode(publish("big/2", QoS::ExactlyOnce, Some(6))),
                QoS::ExactlyOnce,
            ),
        ];
        let mut dup = publish("big/2", QoS::ExactlyOnce, Some(6));
        dup.dup = true;
        frames.push((encode(dup), QoS::ExactlyOnce));
        if version == V5 {
            let mut p = publish("big/aliased", QoS::AtMostOnce, None);
            p.properties.topic_alias = Some(2);
            frames.push((encode(p.clone()), QoS::AtMostOnce));
            p.topic = None;
            frames.push((encode(p), QoS::AtMostOnce));
        }
        for (f, _) in &frames {
            let split = sim.session.handle_publish_head(sim.at(), &head(f), f.len());
            let split = split.expect("a PUBLISH at the start of the chunk");
            assert_eq!(split.frame_len, f.len());
            assert_eq!(&f[split.payload_start..], &payload[..]);
            sim.drain();
        }
        let mut expected = vec![
            ("big/0".to_owned(), vec![], QoS::AtLeastOnce, false),
            ("big/1".to_owned(), vec![], QoS::AtMostOnce, false),
            ("big/2".to_owned(), vec![], QoS::ExactlyOnce, false),
        ];
        if version == V5 {
            expected.push(("big/aliased".to_owned(), vec![], QoS::AtMostOnce, false));
            expected.push(("big/aliased".to_owned(), vec![], QoS::AtMostOnce, false));
        }
        // Empty payloads (the caller has them), the QoS 2 retransmission not delivered again.
        assert_eq!(messages(&sim.take_events()), expected, "{version:?}");
        assert_eq!(
            sim.take_sent(),
            [
                Packet::PubAck(PubAck::new(id(5))),
                Packet::PubRec(PubRec::new(id(6))),
                Packet::PubRec(PubRec::new(id(6))),
            ]
        );

        // Not a PUBLISH, or the start of the frame only: `handle_bytes` takes the chunk.
        let mut ack = BytesMut::new();
        Packet::PubRel(PubRel::new(id(6)))
            .encode(version, &mut ack)
            .unwrap();
        let ack = ack.freeze();
        assert_eq!(
            sim.session.handle_publish_head(sim.at(), &ack, ack.len()),
            None
        );
        let f = &frames[0].0;
        assert_eq!(
            sim.session
                .handle_publish_head(sim.at(), &head(f), f.len() - 1),
            None
        );
        assert!(sim.session.is_connected());
    }

    // With tracing on, every received frame goes through `handle_bytes` (a trace has its bytes).
    let mut c = config(V5);
    c.trace = true;
    let mut sim = Sim::new(c);
    sim.establish(false, Properties::default());
    let mut buf = BytesMut::new();
    Packet::Publish(Publish::new(topic_("t"), payload.clone()))
        .encode(V5, &mut buf)
        .unwrap();
    assert_eq!(
        sim.session.handle_publish_head(sim.at(), &buf, buf.len()),
        None
    );
}

// ----- loss and resend ----------------------------------------------------------------------

/// Drops the connection at each step of an outgoing QoS 2 exchange, reconnects with a session and
/// checks what is resent and that the publish completes exactly once.
#[test]
fn qos2_out_loss_at_every_step() {
    for step in ["after PUBLISH", "after PUBREC", "after PUBREL"] {
        let mut sim = Sim::new(persistent(V5));
        sim.establish(false, Properties::default());
        let t = sim.publish("q2", b"x", QoS::ExactlyOnce);
        assert_eq!(publish_ids(&sim.take_sent()), [(1, false)]);
        if step != "after PUBLISH" {
            sim.recv(Packet::PubRec(PubRec::new(id(1))));
            assert_eq!(sim.take_sent(), [Packet::PubRel(PubRel::new(id(1)))]);
        }
        sim.drop_transport();
        let ev = sim.take_events();
        assert_eq!(disconnected(&ev), [DisconnectReason::TransportClosed]);
        assert!(ev
            .iter()
            .any(|e| matches!(e, Event::Reconnecting { attempt: 1, delay }
            if *delay == Duration::from_millis(100))));
        let connect = sim.reconnect(true);
        assert!(!connect.clean_start);
        let sent = sim.take_sent();
        if step == "after PUBLISH" {
            assert_eq!(
                publish_ids(&sent),
                [(1, true)],
                "{step}: DUP resend, same id"
            );
            sim.recv(Packet::PubRec(PubRec::new(id(1))));
            assert_eq!(sim.take_sent(), [Packet::PubRel(PubRel::new(id(1)))]);
        } else {
            assert_eq!(
                sent,
                [Packet::PubRel(PubRel::new(id(1)))],
                "{step}: PUBREL resent"
            );
        }
        sim.recv(Packet::PubComp(PubComp::new(id(1))));
        assert_eq!(
            completed(&sim.take_events()),
            [(t, ReasonCode::SUCCESS)],
            "{step}"
        );
        assert_eq!(sim.session.inflight_len(), 0);
    }
}

/// Incoming QoS 2: loss after PUBLISH (before or after our PUBREC) and after PUBREL; the server
/// resends and the message is delivered exactly once.
#[test]
fn qos2_in_loss_delivers_exactly_once() {
    for lose_after_pubrel in [false, true] {
        let mut sim = Sim::new(persistent(V311));
        sim.establish(false, Properties::default());
        sim.take_events();
        sim.recv(Packet::Publish(server_publish(
            "in",
            b"once",
            QoS::ExactlyOnce,
            Some(42),
        )));
        assert_eq!(sim.take_sent(), [Packet::PubRec(PubRec::new(id(42)))]);
        if lose_after_pubrel {
            // PUBREL arrives, our PUBCOMP is lost with the connection.
            sim.recv(Packet::PubRel(PubRel::new(id(42))));
            sim.take_sent();
        }
        sim.drop_transport();
        sim.reconnect(true);
        sim.take_sent();
        if !lose_after_pubrel {
            let mut dup = server_publish("in", b"once", QoS::ExactlyOnce, Some(42));
            dup.dup = true;
            sim.recv(Packet::Publish(dup));
            assert_eq!(sim.take_sent(), [Packet::PubRec(PubRec::new(id(42)))]);
        }
        sim.recv(Packet::PubRel(PubRel::new(id(42))));
        assert_eq!(sim.take_sent(), [Packet::PubComp(PubComp::new(id(42)))]);
        assert_eq!(messages(&sim.take_events()).len(), 1, "exactly once");
    }
}

#[test]
fn resend_keeps_original_order_publish_and_pubrel() {
    let mut sim = Sim::new(persistent(V5));
    sim.establish(false, Properties::default());
    sim.publish("a", b"1", QoS::AtLeastOnce); // id 1
    sim.publish("b", b"2", QoS::ExactlyOnce); // id 2
    sim.publish("c", b"3", QoS::ExactlyOnce); // id 3
    sim.publish("d", b"4", QoS::AtLeastOnce); // id 4
    sim.take_sent();
    sim.recv(Packet::PubRec(PubRec::new(id(2)))); // 2 → AwaitingPubComp
    sim.take_sent();
    sim.drop_transport();
    // Published while down: queued, sent after the resends.
    sim.publish("e", b"5", QoS::AtLeastOnce);
    sim.reconnect(true);
    let order: Vec<String> = sim
        .take_sent()
        .iter()
        .map(|p| match p {
            Packet::Publish(p) => format!("PUBLISH {} dup={}", p.packet_id.unwrap(), p.dup),
            Packet::PubRel(r) => format!("PUBREL {}", r.packet_id),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        order,
        [
            "PUBLISH 1 dup=true",
            "PUBREL 2",
            "PUBLISH 3 dup=true",
            "PUBLISH 4 dup=true",
            "PUBLISH 5 dup=false"
        ]
    );
}

#[test]
fn no_session_on_reconnect_resend_policy_and_resubscribe() {
    let mut sim = Sim::new(persistent(V5));
    sim.establish(false, Properties::default());
    let sub = sim
        .session
        .subscribe(
            sim.at(),
            vec![(
                TopicFilter::new("s/#").unwrap(),
                SubscriptionOptions::new(QoS::AtLeastOnce),
            )],
            Properties::default(),
        )
        .unwrap();
    sim.drain();
    let Some(Packet::Subscribe(s)) = sim.take_sent().pop() else {
        panic!()
    };
    sim.recv(Packet::SubAck(SubAck::new(
        s.packet_id,
        vec![ReasonCode::GRANTED_QOS_1],
    )));
    let ev = sim.take_events();
    assert!(ev.iter().any(
        |e| matches!(e, Event::SubscribeResult { token, reasons, .. }
        if *token == sub && reasons == &[ReasonCode::GRANTED_QOS_1])
    ));
    let t1 = sim.publish("a", b"1", QoS::AtLeastOnce);
    let t2 = sim.publish("b", b"2", QoS::ExactlyOnce);
    let t3 = sim.publish("c", b"3", QoS::ExactlyOnce);
    sim.take_sent();
    sim.recv(Packet::PubRec(PubRec::new(PacketId::new(4).unwrap()))); // "c" (id 4): server has it
    sim.take_sent();
    sim.drop_transport();
    sim.take_events();
    sim.reconnect(false);
    let sent = sim.take_sent();
    // Resubscribed, then the unacknowledged messages as new (DUP 0).
    assert!(
        matches!(&sent[0], Packet::Subscribe(s) if s.filters[0].0.as_str() == "s/#"),
        "{sent:?}"
    );
    let pubs: Vec<(String, bool)> = sent
        .iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some((p.topic.as_ref().unwrap().as_str().to_owned(), p.dup)),
            _ => None,
        })
        .collect();
    assert_eq!(pubs, [("a".to_owned(), false), ("b".to_owned(), false)]);
    let ev = sim.take_events();
    assert_eq!(
        completed(&ev),
        [(t3, ReasonCode::SUCCESS)],
        "PUBREC'd message is done"
    );
    let _ = (t1, t2);

    // Fail policy.
    let mut c = persistent(V5);
    c.inflight_policy = InflightPolicy::Fail;
    let mut sim = Sim::new(c);
    sim.establish(false, Properties::default());
    let t = sim.publish("a", b"1", QoS::AtLeastOnce);
    sim.drop_transport();
    sim.take_events();
    sim.reconnect(false);
    let ev = sim.take_events();
    assert!(ev.iter().any(|e| matches!(e, Event::PublishFailed { token, error: PublishError::SessionLost } if *token == t)));
    assert!(publish_ids(&sim.take_sent()).is_empty());
}

// ----- flow control -------------------------------------------------------------------------

#[test]
fn receive_maximum_quota_queues_publishes() {
    let mut sim = Sim::new(config(V5));
    let mut props = Properties::default();
    props.receive_maximum = Some(2);
    sim.establish(false, props);
    for _ in 0..5 {
        sim.publish("q", b"x", QoS::AtLeastOnce);
    }
    sim.publish("q0", b"x", QoS::AtMostOnce); // behind the queue: order is kept
    assert_eq!(publish_ids(&sim.take_sent()), [(1, false), (2, false)]);
    assert_eq!(sim.session.queued_len(), 4);
    sim.recv(Packet::PubAck(PubAck::new(id(1))));
    assert_eq!(publish_ids(&sim.take_sent()), [(3, false)]);
    sim.recv(Packet::PubAck(PubAck::new(id(2))));
    sim.recv(Packet::PubAck(PubAck::new(id(3))));
    sim.recv(Packet::PubAck(PubAck::new(id(4))));
    let sent = sim.take_sent();
    assert_eq!(publish_ids(&sent), [(4, false), (5, false)]);
    assert!(matches!(sent.last(), Some(Packet::Publish(p)) if p.qos == QoS::AtMostOnce));
}

#[test]
fn our_receive_maximum_is_enforced() {
    let mut c = config(V5);
    c.receive_maximum = Some(2);
    let mut sim = Sim::new(c);
    sim.establish(false, Properties::default());
    for n in 1..=3 {
        sim.recv(Packet::Publish(server_publish(
            "x",
            b"y",
            QoS::ExactlyOnce,
            Some(n),
        )));
    }
    assert_eq!(
        disconnect_codes(&sim.take_sent()),
        [ReasonCode::RECEIVE_MAXIMUM_EXCEEDED]
    );
}

#[test]
fn default_maximum_packet_size_refuses_a_hostile_length_from_its_header() {
    for version in [V5, V311] {
        let mut sim = Sim::new(config(version));
        let connect = sim.establish(false, Properties::default());
        if version == V5 {
            assert_eq!(
                connect.properties.maximum_packet_size,
                Some(DEFAULT_MAXIMUM_PACKET_SIZE),
                "announced to the server"
            );
        }
        sim.take_sent();
        sim.take_events();
        // A PUBLISH whose fixed header claims 16 MiB of body: refused from the five header bytes,
        // without waiting for (or buffering) the body.
        let claimed = DEFAULT_MAXIMUM_PACKET_SIZE;
        let mut header = vec![0x30];
        let mut n = claimed;
        loop {
            let byte = (n % 128) as u8;
            n /= 128;
            header.push(if n > 0 { byte | 0x80 } else { byte });
            if n == 0 {
                break;
            }
        }
        sim.bytes(&header);
        let reasons = disconnected(&sim.take_events());
        assert!(
            matches!(reasons.as_slice(), [DisconnectReason::ProtocolViolation(v)] if v.reason_code() == ReasonCode::PACKET_TOO_LARGE),
            "{version:?}: {reasons:?}"
        );
        if version == V5 {
            assert_eq!(
                disconnect_codes(&sim.take_sent()),
                [ReasonCode::PACKET_TOO_LARGE]
            );
        }
    }
}

#[test]
fn maximum_packet_size_both_ways() {
    let mut c = config(V5);
    c.maximum_packet_size = Some(64);
    let mut sim = Sim::new(c);
    let mut props = Properties::default();
    props.maximum_packet_size = Some(50);
    sim.establish(false, props);
    let big = PublishRequest::new(topic_("t"), vec![0u8; 60], QoS::AtLeastOnce);
    assert!(matches!(
        sim.session.publish(sim.at(), big),
        Err(UsageError::PacketTooLarge { max: 50, .. })
    ));
    sim.publish("t", b"small", QoS::AtLeastOnce);
    assert!(sim.largest_transmit <= 50);
    sim.take_sent();
    // Incoming packet above our maximum: DISCONNECT 0x95.
    let big_in = Publish::new(topic_("t"), Bytes::from(vec![1u8; 100]));
    sim.recv(Packet::Publish(big_in));
    assert_eq!(
        disconnect_codes(&sim.take_sent()),
        [ReasonCode::PACKET_TOO_LARGE]
    );
    let ev = sim.take_events();
    assert!(matches!(
        disconnected(&ev).as_slice(),
        [DisconnectReason::ProtocolViolation(v)] if v.reason_code() == ReasonCode::PACKET_TOO_LARGE
    ));
}

#[test]
fn outgoing_topic_aliases() {
    let mut c = config(V5);
    c.outgoing_topic_aliases = 2;
    let mut sim = Sim::new(c);
    let mut props = Properties::default();
    props.topic_alias_maximum = Some(10);
    sim.establish(false, props);
    for t in ["a/1", "a/1", "a/2", "a/3", "a/2"] {
        sim.publish(t, b"x", QoS::AtMostOnce);
    }
    let seen: Vec<(Option<String>, Option<u16>)> = sim
        .take_sent()
        .iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some((
                p.topic.as_ref().map(|t| t.as_str().to_owned()),
                p.properties.topic_alias,
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Some("a/1".into()), Some(1)),
            (None, Some(1)),
            (Some("a/2".into()), Some(2)),
            (Some("a/3".into()), None), // map full (our bound 2)
            (None, Some(2)),
        ]
    );
    // A new connection starts without mappings [MQTT-3.3.2-7].
    sim.drop_transport();
    let mut props = Properties::default();
    props.topic_alias_maximum = Some(10);
    let d = sim.deadline.unwrap();
    sim.advance(d.as_millis() - sim.now);
    sim.establish(false, props);
    sim.publish("a/2", b"x", QoS::AtMostOnce);
    let Some(Packet::Publish(p)) = sim.take_sent().pop() else {
        panic!()
    };
    assert_eq!(p.topic.unwrap().as_str(), "a/2");
    assert_eq!(p.properties.topic_alias, Some(1));
}

#[test]
fn no_aliases_without_server_support() {
    let mut c = config(V5);
    c.outgoing_topic_aliases = 5;
    let mut sim = Sim::new(c);
    sim.establish(false, Properties::default());
    sim.publish("a", b"x", QoS::AtMostOnce);
    let Some(Packet::Publish(p)) = sim.take_sent().pop() else {
        panic!()
    };
    assert_eq!(p.properties.topic_alias, None);
}

#[test]
fn incoming_topic_aliases_and_misuse() {
    let mut c = config(V5);
    c.topic_alias_maximum = 3;
    let mut sim = Sim::new(c.clone());
    sim.establish(false, Properties::default());
    sim.take_events();
    let mut p = server_publish("long/topic", b"1", QoS::AtMostOnce, None);
    p.properties.topic_alias = Some(2);
    sim.recv(Packet::Publish(p));
    let mut p = server_publish("x", b"2", QoS::AtMostOnce, None);
    p.topic = None;
    p.properties.topic_alias = Some(2);
    sim.recv(Packet::Publish(p));
    let got = messages(&sim.take_events());
    assert_eq!(got[0].0, "long/topic");
    assert_eq!(got[1].0, "long/topic");

    // Alias above our maximum → 0x94.
    let mut p = server_publish("t", b"", QoS::AtMostOnce, None);
    p.properties.topic_alias = Some(4);
    sim.recv(Packet::Publish(p));
    assert_eq!(
        disconnect_codes(&sim.take_sent()),
        [ReasonCode::TOPIC_ALIAS_INVALID]
    );

    // Unknown alias with an empty topic → 0x82.
    let mut sim = Sim::new(c.clone());
    sim.establish(false, Properties::default());
    let mut p = server_publish("x", b"", QoS::AtMostOnce, None);
    p.topic = None;
    p.properties.topic_alias = Some(1);
    sim.recv(Packet::Publish(p));
    assert_eq!(
        disconnect_codes(&sim.take_sent()),
        [ReasonCode::PROTOCOL_ERROR]
    );

    // Alias 0 (raw bytes: the encoder refuses it) → 0x94.
    let mut sim = Sim::new(c);
    sim.establish(false, Properties::default());
    // PUBLISH QoS 0, topic "t", properties: Topic Alias (0x23) = 0.
    sim.bytes(&[0x30, 0x07, 0x00, 0x01, b't', 0x03, 0x23, 0x00, 0x00]);
    assert_eq!(
        disconnect_codes(&sim.take_sent()),
        [ReasonCode::TOPIC_ALIAS_INVALID]
    );
}

// ----- keep alive ---------------------------------------------------------------------------

#[test]
fn keep_alive_ping_and_timeout() {
    let mut sim = Sim::new(config(V311));
    sim.establish(false, Properties::default());
    sim.take_sent();
    sim.advance(9_999);
    assert!(sim.take_sent().is_empty());
    sim.advance(1);
    assert_eq!(sim.take_sent(), [Packet::PingReq]);
    assert_eq!(
        sim.deadline,
        Some(Instant::from_millis(25_000)),
        "1.5 × keep alive"
    );
    sim.advance(200);
    sim.recv(Packet::PingResp);
    assert_eq!(sim.deadline, Some(Instant::from_millis(20_000)));
    // Sending resets the send timer, but silence from the server still triggers a ping.
    sim.advance(5_000);
    sim.publish("t", b"x", QoS::AtMostOnce);
    sim.take_sent();
    assert_eq!(
        sim.deadline,
        Some(Instant::from_millis(20_200)),
        "nothing received since 10.2 s"
    );
    sim.advance(10_000);
    assert_eq!(sim.take_sent(), [Packet::PingReq]);
    // No answer: dead after 1.5 × keep alive.
    sim.advance(15_000);
    let ev = sim.take_events();
    assert_eq!(disconnected(&ev), [DisconnectReason::KeepAliveTimeout]);
    assert_eq!(sim.close_requests, 1);
    assert!(ev.iter().any(|e| matches!(e, Event::Reconnecting { .. })));
}

#[test]
fn network_change_reconnects_at_once_and_probes_a_live_connection() {
    let mut sim = Sim::new(config(V5));
    sim.establish(false, Properties::default());
    sim.take_sent();
    // Connected: the hint probes with PINGREQ and arms the 1.5 × keep-alive deadline.
    sim.advance(1_000);
    sim.session.handle_network_change(sim.at());
    sim.drain();
    assert_eq!(sim.take_sent(), [Packet::PingReq]);
    assert_eq!(sim.deadline, Some(Instant::from_millis(16_000)));
    // A second hint while the probe is out sends nothing more.
    sim.session.handle_network_change(sim.at());
    sim.drain();
    assert!(sim.take_sent().is_empty());
    // Lost: waiting for the backoff, the hint reconnects now.
    sim.drop_transport();
    let before = sim.open_requests;
    assert!(
        sim.deadline.is_some_and(|d| d.as_millis() > sim.now),
        "in backoff"
    );
    sim.session.handle_network_change(sim.at());
    sim.drain();
    assert_eq!(
        sim.open_requests,
        before + 1,
        "OpenTransport without waiting"
    );
}

#[test]
fn keep_alive_zero_has_no_deadline() {
    let mut c = config(V5);
    c.keep_alive = 0;
    let mut sim = Sim::new(c);
    sim.establish(false, Properties::default());
    assert_eq!(sim.deadline, None);
}

// ----- reconnect backoff --------------------------------------------------------------------

fn backoff_delays(seed: u64, jitter: f64, attempts: usize) -> Vec<u64> {
    let mut c = config(V5);
    c.reconnect = ReconnectPolicy {
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(1_000),
        multiplier: 2.0,
        jitter,
        seed,
        ..ReconnectPolicy::default()
    };
    let mut sim = Sim::new(c);
    sim.connect();
    let mut delays = Vec::new();
    for _ in 0..attempts {
        sim.open();
        sim.drop_transport();
        let ev = sim.take_events();
        let delay = ev
            .iter()
            .find_map(|e| match e {
                Event::Reconnecting { delay, .. } => Some(*delay),
                _ => None,
            })
            .unwrap();
        let before = sim.now;
        let opens = sim.open_requests;
        sim.advance(delay.as_millis() as u64);
        assert_eq!(sim.open_requests, opens + 1);
        assert_eq!(
            sim.now - before,
            delay.as_millis() as u64,
            "OpenTransport exactly at the deadline"
        );
        delays.push(delay.as_millis() as u64);
    }
    delays
}

#[test]
fn backoff_is_exponential_capped_and_deterministic() {
    assert_eq!(
        backoff_delays(1, 0.0, 7),
        [100, 200, 400, 800, 1000, 1000, 1000]
    );
    let a = backoff_delays(99, 0.5, 10);
    let b = backoff_delays(99, 0.5, 10);
    let c = backoff_delays(100, 0.5, 10);
    assert_eq!(a, b, "same seed, same delays");
    assert_ne!(a, c, "another seed, other delays");
    let bases = [100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000];
    for (d, base) in a.iter().zip(bases) {
        assert!(
            *d <= base && *d >= base / 2,
            "{d} within [{}, {base}]",
            base / 2
        );
    }
}

#[test]
fn backoff_resets_after_success_and_gives_up() {
    let mut c = config(V5);
    c.reconnect.max_attempts = Some(2);
    let mut sim = Sim::new(c);
    sim.establish(false, Properties::default());
    sim.drop_transport();
    sim.advance(100);
    sim.open();
    sim.drop_transport(); // attempt 2
    sim.advance(200);
    sim.open();
    sim.drop_transport(); // no attempt 3
    let ev = sim.take_events();
    assert!(matches!(ev.last(), Some(Event::Ended)), "{ev:?}");
    assert!(sim.session.is_ended());
}

// ----- offline queue ------------------------------------------------------------------------

#[test]
fn offline_queue_limits_and_drop_policy() {
    let mut c = config(V5);
    c.queue = QueueLimits {
        max_messages: 3,
        max_bytes: 1_000,
        drop_oldest_qos0: true,
    };
    let mut sim = Sim::new(c);
    sim.connect(); // not open yet: everything is queued
    let q0a = sim.publish("a", b"0", QoS::AtMostOnce);
    let _q1 = sim.publish("b", b"1", QoS::AtLeastOnce);
    let _q0b = sim.publish("c", b"2", QoS::AtMostOnce);
    // Full: the oldest QoS 0 is dropped for the new one.
    let _q2 = sim.publish("d", b"3", QoS::ExactlyOnce);
    let ev = sim.take_events();
    assert!(ev.iter().any(|e| matches!(e, Event::PublishFailed { token, error: PublishError::Dropped } if *token == q0a)));
    assert_eq!(sim.session.queued_len(), 3);
    sim.publish("e", b"4", QoS::AtLeastOnce); // drops "c"
                                              // Only QoS 1/2 left: refuse.
    let r = sim.session.publish(
        sim.at(),
        PublishRequest::new(topic_("f"), "5", QoS::AtLeastOnce),
    );
    assert_eq!(r, Err(UsageError::QueueFull));
    sim.establish(false, Properties::default());
    let topics: Vec<String> = sim
        .take_sent()
        .iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some(p.topic.as_ref().unwrap().as_str().to_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(topics, ["b", "d", "e"]);

    // Byte limit and refuse-new policy.
    let mut c = config(V5);
    c.queue = QueueLimits {
        max_messages: 100,
        max_bytes: 10,
        drop_oldest_qos0: false,
    };
    let mut sim = Sim::new(c);
    sim.connect();
    sim.publish("t", b"12345678", QoS::AtMostOnce); // 9 bytes
    let r = sim.session.publish(
        sim.at(),
        PublishRequest::new(topic_("t"), "12", QoS::AtMostOnce),
    );
    assert_eq!(r, Err(UsageError::QueueFull));
}

#[test]
fn message_expiry_on_resend() {
    let mut sim = Sim::new(config(V5));
    sim.connect();
    let mut r = PublishRequest::new(topic_("exp"), "keep", QoS::AtLeastOnce);
    r.properties.message_expiry_interval = Some(10);
    let keep = sim.session.publish(sim.at(), r).unwrap();
    let mut r = PublishRequest::new(topic_("exp"), "drop", QoS::AtLeastOnce);
    r.properties.message_expiry_interval = Some(2);
    let drop = sim.session.publish(sim.at(), r).unwrap();
    sim.drain();
    sim.advance(3_500);
    sim.establish(false, Properties::default());
    let sent = sim.take_sent();
    let [Packet::Publish(p)] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(p.payload, "keep");
    assert_eq!(
        p.properties.message_expiry_interval,
        Some(7),
        "10 s minus 3 s waited"
    );
    let ev = sim.take_events();
    assert!(ev.iter().any(|e| matches!(e, Event::PublishFailed { token, error: PublishError::Expired } if *token == drop)));
    assert!(!ev
        .iter()
        .any(|e| matches!(e, Event::PublishFailed { token, .. } if *token == keep)));
}

// ----- packet ids ---------------------------------------------------------------------------

#[test]
fn packet_ids_survive_many_wraps() {
    let mut sim = Sim::new(config(V5));
    sim.establish(false, Properties::default());
    // One QoS 2 exchange stays open for the whole test.
    sim.publish("held", b"x", QoS::ExactlyOnce);
    let held = publish_ids(&sim.take_sent())[0].0;
    let mut count = 0u32;
    for _ in 0..(65_535 * 3) {
        sim.session
            .publish(
                sim.at(),
                PublishRequest::new(topic_("w"), "x", QoS::AtLeastOnce),
            )
            .unwrap();
        sim.drain();
        let sent = sim.take_sent();
        let [Packet::Publish(p)] = sent.as_slice() else {
            panic!("{sent:?}")
        };
        let pid = p.packet_id.unwrap();
        assert_ne!(pid.get(), held, "an id in use was reused");
        sim.recv(Packet::PubAck(PubAck::new(pid)));
        count += 1;
    }
    sim.take_events();
    assert_eq!(count, 65_535 * 3);
    assert_eq!(
        sim.session.outgoing_state(id(held)),
        Some(mqtt_proto::session::OutgoingState::AwaitingPubRec)
    );
}

// ----- protocol violations ------------------------------------------------------------------

fn violation_case(
    version: ProtocolVersion,
    script: impl FnOnce(&mut Sim),
) -> (Vec<ReasonCode>, Vec<DisconnectReason>, usize) {
    let mut sim = Sim::new(config(version));
    sim.establish(false, Properties::default());
    sim.take_sent();
    sim.take_events();
    script(&mut sim);
    let ev = sim.take_events();
    (
        disconnect_codes(&sim.take_sent()),
        disconnected(&ev),
        sim.close_requests,
    )
}

#[test]
fn protocol_violations_disconnect_with_the_right_reason() {
    let cases: Vec<(&str, ReasonCode, Box<dyn FnOnce(&mut Sim)>)> = vec![
        (
            "PUBACK unknown id",
            ReasonCode::PROTOCOL_ERROR,
            Box::new(|s: &mut Sim| s.recv(Packet::PubAck(PubAck::new(id(77))))),
        ),
        (
            "PUBCOMP unknown id",
            ReasonCode::PROTOCOL_ERROR,
            Box::new(|s: &mut Sim| s.recv(Packet::PubComp(PubComp::new(id(77))))),
        ),
        (
            "second CONNACK",
            ReasonCode::PROTOCOL_ERROR,
            Box::new(|s: &mut Sim| s.recv(Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS)))),
        ),
        (
            "SUBACK unknown id",
            ReasonCode::PROTOCOL_ERROR,
            Box::new(|s: &mut Sim| {
                s.recv(Packet::SubAck(SubAck::new(
                    id(3),
                    vec![ReasonCode::SUCCESS],
                )))
            }),
        ),
        (
            "SUBACK wrong count",
            ReasonCode::PROTOCOL_ERROR,
            Box::new(|s: &mut Sim| {
                s.session
                    .subscribe(
                        s.at(),
                        vec![(
                            TopicFilter::new("a").unwrap(),
                            SubscriptionOptions::new(QoS::AtMostOnce),
                        )],
                        Properties::default(),
                    )
                    .unwrap();
                s.drain();
                s.recv(Packet::SubAck(SubAck::new(
                    id(1),
                    vec![ReasonCode::SUCCESS, ReasonCode::SUCCESS],
                )));
            }),
        ),
        (
            "UNSUBACK unknown id",
            ReasonCode::PROTOCOL_ERROR,
            Box::new(|s: &mut Sim| {
                s.recv(Packet::UnsubAck(UnsubAck::new(
                    id(3),
                    vec![ReasonCode::SUCCESS],
                )))
            }),
        ),
        (
            "PUBACK for a QoS 2 id",
            ReasonCode::PROTOCOL_ERROR,
            Box::new(|s: &mut Sim| {
                s.publish("x", b"y", QoS::ExactlyOnce);
                s.recv(Packet::PubAck(PubAck::new(id(1))));
            }),
        ),
        (
            "malformed: reserved packet type 0",
            ReasonCode::MALFORMED_PACKET,
            Box::new(|s: &mut Sim| s.bytes(&[0x00, 0x00])),
        ),
        (
            "malformed: bad PUBLISH flags (QoS 3)",
            ReasonCode::MALFORMED_PACKET,
            Box::new(|s: &mut Sim| s.bytes(&[0x36, 0x05, 0x00, 0x01, b't', 0x00, 0x01])),
        ),
        (
            "server sent PINGREQ",
            ReasonCode::PROTOCOL_ERROR,
            Box::new(|s: &mut Sim| s.bytes(&[0xC0, 0x00])),
        ),
        (
            "server sent SUBSCRIBE",
            ReasonCode::PROTOCOL_ERROR,
            Box::new(|s: &mut Sim| {
                s.recv(Packet::Subscribe(Subscribe::new(
                    id(4),
                    vec![(
                        TopicFilter::new("a").unwrap(),
                        SubscriptionOptions::new(QoS::AtMostOnce),
                    )],
                )))
            }),
        ),
        (
            "AUTH without method",
            ReasonCode::PROTOCOL_ERROR,
            Box::new(|s: &mut Sim| {
                s.recv(Packet::Auth(Auth::new(ReasonCode::CONTINUE_AUTHENTICATION)))
            }),
        ),
    ];
    for (name, code, script) in cases {
        let (codes, reasons, closes) = violation_case(V5, script);
        assert_eq!(codes, [code], "{name}: DISCONNECT reason");
        assert!(
            matches!(reasons.as_slice(), [DisconnectReason::ProtocolViolation(v)] if v.reason_code() == code),
            "{name}: {reasons:?}"
        );
        assert_eq!(closes, 1, "{name}: CloseTransport");
    }
    // 3.1.1: no DISCONNECT is sent, the connection is just closed.
    let (codes, reasons, closes) =
        violation_case(V311, |s| s.recv(Packet::PubAck(PubAck::new(id(9)))));
    assert!(codes.is_empty());
    assert!(matches!(
        reasons.as_slice(),
        [DisconnectReason::ProtocolViolation(
            ProtocolViolation::Unexpected { .. }
        )]
    ));
    assert_eq!(closes, 1);
}

#[test]
fn packet_before_connack_is_a_violation() {
    let mut sim = Sim::new(config(V5));
    sim.connect();
    sim.open();
    sim.take_sent();
    sim.recv(Packet::PingResp);
    assert_eq!(
        disconnect_codes(&sim.take_sent()),
        [ReasonCode::PROTOCOL_ERROR]
    );
    // Ignored after the violation: nothing panics, nothing is sent.
    sim.recv(Packet::PingResp);
    assert!(sim.take_sent().is_empty());
}

#[test]
fn server_disconnect_is_reported_with_properties() {
    let mut sim = Sim::new(config(V5));
    sim.establish(false, Properties::default());
    sim.take_events();
    let mut d = Disconnect::new(ReasonCode::USE_ANOTHER_SERVER);
    d.properties.server_reference = Some("other:1883".try_into().unwrap());
    sim.recv(Packet::Disconnect(d));
    let ev = sim.take_events();
    let [DisconnectReason::ServerDisconnect { reason, properties }]: [DisconnectReason; 1] =
        disconnected(&ev).try_into().unwrap()
    else {
        panic!("{ev:?}")
    };
    assert_eq!(reason, ReasonCode::USE_ANOTHER_SERVER);
    assert_eq!(properties.server_reference.as_ref().unwrap(), "other:1883");
    assert!(ev.iter().any(|e| matches!(e, Event::Reconnecting { .. })));
}

// ----- subscribe, disconnect, auth, trace ----------------------------------------------------

#[test]
fn subscribe_unsubscribe_and_queue_while_down() {
    let mut sim = Sim::new(config(V311));
    sim.connect();
    let tok = sim
        .session
        .subscribe(
            sim.at(),
            vec![
                (
                    TopicFilter::new("a/+").unwrap(),
                    SubscriptionOptions::new(QoS::ExactlyOnce),
                ),
                (
                    TopicFilter::new("b").unwrap(),
                    SubscriptionOptions::new(QoS::AtMostOnce),
                ),
            ],
            Properties::default(),
        )
        .unwrap();
    sim.establish(false, Properties::default());
    let Some(Packet::Subscribe(s)) = sim.take_sent().pop() else {
        panic!()
    };
    sim.recv(Packet::SubAck(SubAck::new(
        s.packet_id,
        vec![ReasonCode::GRANTED_QOS_2, ReasonCode(0x80)],
    )));
    let ev = sim.take_events();
    assert!(ev.iter().any(
        |e| matches!(e, Event::SubscribeResult { token, reasons, .. }
        if *token == tok && reasons == &[ReasonCode::GRANTED_QOS_2, ReasonCode(0x80)])
    ));
    let tok = sim
        .session
        .unsubscribe(
            sim.at(),
            vec![TopicFilter::new("a/+").unwrap()],
            Properties::default(),
        )
        .unwrap();
    sim.drain();
    let Some(Packet::Unsubscribe(u)) = sim.take_sent().pop() else {
        panic!()
    };
    sim.recv(Packet::UnsubAck(UnsubAck::new(u.packet_id, vec![])));
    let ev = sim.take_events();
    assert!(ev.iter().any(
        |e| matches!(e, Event::UnsubscribeResult { token, reasons, .. }
        if *token == tok && reasons == &[ReasonCode::SUCCESS])
    ));
}

/// After the user ended a clean session: `reason`, the pending publish `t` failed, `Ended` last,
/// the transport closed once, no deadline left.
fn assert_ended_by_user(sim: &mut Sim, reason: DisconnectReason, t: Token) {
    let ev = sim.take_events();
    assert_eq!(disconnected(&ev), [reason]);
    assert!(ev.iter().any(|e| matches!(e, Event::PublishFailed { token, error: PublishError::SessionEnded } if *token == t)));
    assert!(matches!(ev.last(), Some(Event::Ended)));
    assert_eq!(sim.close_requests, 1);
    assert_eq!(sim.deadline, None);
}

#[test]
fn local_disconnect() {
    let mut sim = Sim::new(config(V5));
    sim.establish(false, Properties::default());
    let t = sim.publish("a", b"x", QoS::AtLeastOnce);
    sim.take_sent();
    sim.take_events();
    sim.session.disconnect(
        sim.at(),
        ReasonCode::DISCONNECT_WITH_WILL_MESSAGE,
        Properties::default(),
    );
    sim.drain();
    assert_eq!(
        disconnect_codes(&sim.take_sent()),
        [ReasonCode::DISCONNECT_WITH_WILL_MESSAGE]
    );
    assert_ended_by_user(&mut sim, DisconnectReason::Local, t);
    // It can be started again.
    sim.establish(false, Properties::default());
}

#[test]
fn abort_closes_without_disconnect() {
    for version in [V311, V5] {
        let mut sim = Sim::new(config(version));
        sim.establish(false, Properties::default());
        let t = sim.publish("a", b"x", QoS::AtLeastOnce);
        sim.take_sent();
        sim.take_events();
        // Written just before the abort, not yet handed out: it still leaves, and nothing follows.
        sim.session
            .publish(
                sim.at(),
                PublishRequest::new(topic_("b"), Bytes::from_static(b"y"), QoS::AtMostOnce),
            )
            .unwrap();
        sim.session.abort(sim.at());
        sim.drain();
        let sent = sim.take_sent();
        assert!(
            matches!(&sent[..], [Packet::Publish(p)] if p.topic.as_ref().map(|t| t.as_str()) == Some("b")),
            "{version:?}: {sent:?}"
        );
        assert_eq!(disconnect_codes(&sent), []);
        assert_ended_by_user(&mut sim, DisconnectReason::Aborted, t);
        // Aborting an ended session does nothing; it can be started again.
        sim.session.abort(sim.at());
        sim.drain();
        assert!(sim.take_events().is_empty());
        sim.establish(false, Properties::default());
    }
}

#[test]
fn enhanced_auth_exchange() {
    let mut c = config(V5);
    c.authentication_method = Some("SCRAM-SHA-1".try_into().unwrap());
    c.authentication_data = Some(Bytes::from_static(b"client-first"));
    let mut sim = Sim::new(c);
    sim.connect();
    sim.open();
    let sent = sim.take_sent();
    let [Packet::Connect(conn)] = sent.as_slice() else {
        panic!()
    };
    assert_eq!(
        conn.properties.authentication_method.as_ref().unwrap(),
        "SCRAM-SHA-1"
    );
    let mut challenge = Auth::new(ReasonCode::CONTINUE_AUTHENTICATION);
    challenge.properties.authentication_method = Some("SCRAM-SHA-1".try_into().unwrap());
    challenge.properties.authentication_data = Some(Bytes::from_static(b"server-first"));
    sim.recv(Packet::Auth(challenge));
    let ev = sim.take_events();
    let Some(Event::AuthChallenge { reason, properties }) = ev.first() else {
        panic!("{ev:?}")
    };
    assert_eq!(*reason, ReasonCode::CONTINUE_AUTHENTICATION);
    assert_eq!(
        properties.authentication_data.as_deref(),
        Some(&b"server-first"[..])
    );
    let mut answer = Properties::default();
    answer.authentication_data = Some(Bytes::from_static(b"client-final"));
    sim.session
        .auth(sim.at(), ReasonCode::CONTINUE_AUTHENTICATION, answer)
        .unwrap();
    sim.drain();
    let sent = sim.take_sent();
    let [Packet::Auth(a)] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(
        a.properties.authentication_method.as_ref().unwrap(),
        "SCRAM-SHA-1"
    );
    sim.recv(Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS)));
    assert!(sim.session.is_connected());
}

#[test]
fn trace_only_when_enabled() {
    let mut sim = Sim::new(config(V5));
    sim.establish(false, Properties::default());
    sim.publish("t", b"x", QoS::ExactlyOnce);
    assert!(!sim
        .take_events()
        .iter()
        .any(|e| matches!(e, Event::Trace(_) | Event::InflightChanged { .. })));

    let mut c = config(V5);
    c.trace = true;
    let mut sim = Sim::new(c);
    sim.establish(false, Properties::default());
    sim.publish("t", b"x", QoS::ExactlyOnce);
    sim.recv(Packet::PubRec(PubRec::new(id(1))));
    sim.recv(Packet::PubComp(PubComp::new(id(1))));
    let ev = sim.take_events();
    let traces: Vec<String> = ev
        .iter()
        .filter_map(|e| match e {
            Event::Trace(t) => Some(format!("{:?} {}", t.direction, t.packet.packet_type())),
            _ => None,
        })
        .collect();
    assert_eq!(
        traces,
        [
            "Sent CONNECT",
            "Received CONNACK",
            "Sent PUBLISH",
            "Received PUBREC",
            "Sent PUBREL",
            "Received PUBCOMP"
        ]
    );
    for e in &ev {
        if let Event::Trace(t) = e {
            // The raw bytes decode to the traced packet.
            assert_eq!(Packet::decode(V5, t.raw.clone()).unwrap(), t.packet);
        }
    }
    let states: Vec<String> = ev
        .iter()
        .filter_map(|e| match e {
            Event::InflightChanged { state, .. } => Some(format!("{state:?}")),
            _ => None,
        })
        .collect();
    assert_eq!(
        states,
        [
            "Outgoing(AwaitingPubRec)",
            "Outgoing(AwaitingPubComp)",
            "Released"
        ]
    );
}

#[test]
fn a_rejected_frame_is_traced_with_its_bytes_before_the_connection_closes() {
    let malformed = [0x36, 0x05, 0x00, 0x01, b't', 0x00, 0x01]; // PUBLISH with QoS 3
    let mut c = config(V5);
    c.trace = true;
    let mut sim = Sim::new(c);
    sim.establish(false, Properties::default());
    sim.take_events();
    sim.bytes(&malformed);
    let ev = sim.take_events();
    let at = ev
        .iter()
        .position(|e| matches!(e, Event::Rejected(_)))
        .unwrap_or_else(|| panic!("no Rejected event: {ev:?}"));
    let Event::Rejected(r) = &ev[at] else {
        unreachable!()
    };
    assert_eq!(&r.raw[..], malformed);
    assert_eq!(r.error.reason_code(), ReasonCode::MALFORMED_PACKET);
    // Then our DISCONNECT 0x81 is traced, and the connection is reported lost over it.
    let lost = ev
        .iter()
        .position(|e| matches!(e, Event::Disconnected { .. }))
        .expect("Disconnected");
    assert!(at < lost, "{ev:?}");
    assert!(ev[at..].iter().any(|e| matches!(
        e,
        Event::Trace(t) if t.packet == Packet::Disconnect(Disconnect::new(ReasonCode::MALFORMED_PACKET))
    )));

    // Without tracing: no Rejected event.
    let mut sim = Sim::new(config(V5));
    sim.establish(false, Properties::default());
    sim.bytes(&malformed);
    assert!(!sim
        .take_events()
        .iter()
        .any(|e| matches!(e, Event::Rejected(_))));
}

// ----- persistence: snapshot and restore ---------------------------------------------------

/// A persistent 5.0 session with two QoS 2 exchanges and a QoS 1 one open, an incoming QoS 2
/// message delivered, a message queued while down: its snapshot's bytes.
fn interrupted_session() -> (Sim, Vec<u8>) {
    let mut sim = Sim::new(persistent(V5));
    sim.establish(false, Properties::default());
    sim.publish("a", b"1", QoS::AtLeastOnce); // id 1
    sim.publish("b", b"2", QoS::ExactlyOnce); // id 2
    sim.publish("c", b"3", QoS::ExactlyOnce); // id 3
    sim.recv(Packet::PubRec(PubRec::new(id(3)))); // 3 → AwaitingPubComp
    sim.recv(Packet::Publish(server_publish(
        "in",
        b"once",
        QoS::ExactlyOnce,
        Some(42),
    )));
    sim.drop_transport();
    sim.publish("d", b"4", QoS::AtLeastOnce); // queued
    sim.take_sent();
    assert_eq!(messages(&sim.take_events()).len(), 1);
    let bytes = sim.session.snapshot(sim.at()).to_bytes();
    (sim, bytes)
}

#[test]
fn snapshot_bytes_round_trip() {
    let (sim, bytes) = interrupted_session();
    let snapshot = sim.session.snapshot(sim.at());
    let read = Snapshot::from_bytes(&bytes).unwrap();
    assert_eq!(read, snapshot);
    assert_eq!(read.client_id, "sim");
    let ids: Vec<(u16, OutgoingState)> = read
        .inflight
        .iter()
        .map(|e| (e.packet_id.get(), e.state))
        .collect();
    assert_eq!(
        ids,
        [
            (1, OutgoingState::AwaitingPubAck),
            (2, OutgoingState::AwaitingPubRec),
            (3, OutgoingState::AwaitingPubComp)
        ]
    );
    assert_eq!(read.queued.len(), 1);
    assert_eq!(read.queued[0].packet_id, None);
    assert_eq!(read.incoming_qos2, [id(42)]);
}

#[test]
fn restored_session_resumes_without_loss_or_duplicate() {
    let (_, bytes) = interrupted_session();
    // "The page reloads": a new session with the same configuration and the stored bytes.
    let mut sim = Sim::new(persistent(V5));
    sim.session
        .restore(Instant::ZERO, Snapshot::from_bytes(&bytes).unwrap())
        .unwrap();
    assert_eq!(
        (sim.session.inflight_len(), sim.session.queued_len()),
        (3, 1)
    );
    let connect = sim.establish(true, Properties::default());
    assert!(!connect.clean_start, "resumes the server's session");
    let order: Vec<String> = sim
        .take_sent()
        .iter()
        .map(|p| match p {
            Packet::Publish(p) => format!(
                "PUBLISH {} {} dup={}",
                p.topic.as_ref().map_or("", |t| t.as_str()),
                p.packet_id.unwrap(),
                p.dup
            ),
            Packet::PubRel(r) => format!("PUBREL {}", r.packet_id),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        order,
        [
            "PUBLISH a 1 dup=true",
            "PUBLISH b 2 dup=true",
            "PUBREL 3",
            "PUBLISH d 4 dup=false"
        ]
    );
    // The server retransmits the QoS 2 message delivered before the restart: not again.
    let mut dup = server_publish("in", b"once", QoS::ExactlyOnce, Some(42));
    dup.dup = true;
    sim.recv(Packet::Publish(dup));
    assert_eq!(sim.take_sent(), [Packet::PubRec(PubRec::new(id(42)))]);
    assert!(
        messages(&sim.take_events()).is_empty(),
        "not delivered twice"
    );
    // Every restored exchange completes.
    sim.recv(Packet::PubAck(PubAck::new(id(1))));
    sim.recv(Packet::PubRec(PubRec::new(id(2))));
    sim.recv(Packet::PubComp(PubComp::new(id(2))));
    sim.recv(Packet::PubComp(PubComp::new(id(3))));
    sim.recv(Packet::PubAck(PubAck::new(id(4))));
    assert_eq!(completed(&sim.take_events()).len(), 4);
    assert_eq!(sim.session.inflight_len(), 0);
    assert!(sim.session.snapshot(sim.at()).inflight.is_empty());
}

#[test]
fn restored_session_without_server_session_sends_again() {
    let (_, bytes) = interrupted_session();
    let mut sim = Sim::new(persistent(V5));
    sim.session
        .restore(Instant::ZERO, Snapshot::from_bytes(&bytes).unwrap())
        .unwrap();
    sim.establish(false, Properties::default());
    // Session Present = 0: unacknowledged messages go out again as new ones (the default
    // InflightPolicy::Resend); the one past PUBREC is already the server's.
    let sent: Vec<(String, bool)> = sim
        .take_sent()
        .iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some((p.topic.as_ref().unwrap().as_str().to_owned(), p.dup)),
            _ => None,
        })
        .collect();
    let expected = [("a", false), ("b", false), ("d", false)].map(|(t, d)| (t.to_owned(), d));
    assert_eq!(sent, expected);
    assert_eq!(completed(&sim.take_events()).len(), 1, "c completed");
}

#[test]
fn restore_only_before_the_first_connect() {
    let (_, bytes) = interrupted_session();
    let mut sim = Sim::new(persistent(V5));
    sim.connect();
    sim.open();
    let err = sim
        .session
        .restore(sim.at(), Snapshot::from_bytes(&bytes).unwrap())
        .unwrap_err();
    assert!(matches!(err, UsageError::InvalidConfig(_)), "{err:?}");
}

#[test]
fn restored_client_id_is_used_when_none_is_configured() {
    let mut snapshot = Snapshot::default();
    snapshot.client_id = MqttString::new("assigned-7").unwrap();
    let mut c = persistent(V5);
    c.client_id = MqttString::new("").unwrap();
    let mut sim = Sim::new(c);
    sim.session
        .restore(Instant::ZERO, snapshot.clone())
        .unwrap();
    assert_eq!(
        sim.establish(true, Properties::default()).client_id,
        "assigned-7"
    );
    // A configured identifier wins.
    let mut sim = Sim::new(persistent(V5));
    sim.session.restore(Instant::ZERO, snapshot).unwrap();
    assert_eq!(sim.establish(true, Properties::default()).client_id, "sim");
}

#[test]
fn snapshot_generation_changes_with_every_persistent_change() {
    let mut sim = Sim::new(persistent(V5));
    let mut last = (
        sim.session.snapshot(Instant::ZERO),
        sim.session.snapshot_generation(),
    );
    let mut changes = 0;
    let mut check = |sim: &Sim, step: &str| {
        // Compare at a fixed instant: expiry countdowns are not changes.
        let now = (
            sim.session.snapshot(Instant::ZERO),
            sim.session.snapshot_generation(),
        );
        if now.0 != last.0 {
            assert_ne!(
                now.1, last.1,
                "snapshot changed without a new generation at {step}"
            );
            changes += 1;
        }
        last = now;
    };
    sim.connect();
    sim.publish("q", b"offline", QoS::ExactlyOnce);
    check(&sim, "queued while connecting");
    sim.establish(false, Properties::default());
    check(&sim, "queue flushed");
    sim.publish("a", b"1", QoS::AtLeastOnce);
    check(&sim, "QoS 1 sent");
    sim.publish("z", b"0", QoS::AtMostOnce);
    check(&sim, "QoS 0 sent");
    sim.recv(Packet::PubRec(PubRec::new(id(1))));
    check(&sim, "PUBREC");
    sim.recv(Packet::PubAck(PubAck::new(id(2))));
    check(&sim, "PUBACK");
    sim.recv(Packet::Publish(server_publish(
        "in",
        b"x",
        QoS::ExactlyOnce,
        Some(9),
    )));
    check(&sim, "incoming QoS 2");
    sim.recv(Packet::PubRel(PubRel::new(id(9))));
    check(&sim, "incoming PUBREL");
    sim.recv(Packet::Publish(server_publish(
        "in",
        b"y",
        QoS::ExactlyOnce,
        Some(10),
    )));
    check(&sim, "incoming QoS 2 again");
    sim.drop_transport();
    check(&sim, "connection lost");
    sim.publish("b", b"2", QoS::AtLeastOnce);
    check(&sim, "queued while down");
    sim.reconnect(false);
    check(&sim, "reconnected without session");
    sim.recv(Packet::PubComp(PubComp::new(id(1))));
    check(&sim, "PUBCOMP");
    assert!(
        changes >= 10,
        "the script changed the snapshot {changes} times"
    );
}

#[test]
fn snapshot_bytes_that_are_not_a_snapshot_are_refused() {
    let (_, bytes) = interrupted_session();
    assert_eq!(
        Snapshot::from_bytes(b"{\"json\": true}"),
        Err(SnapshotError::UnknownFormat)
    );
    // Every strict prefix past the magic is refused or, at a record boundary, a shorter
    // snapshot; none panics.
    for n in 0..bytes.len() {
        if let Ok(s) = Snapshot::from_bytes(&bytes[..n]) {
            assert!(
                s.inflight.len() + s.queued.len() + s.incoming_qos2.len() < 5,
                "prefix {n}"
            );
        }
    }
    let mut bad = bytes.clone();
    bad[5] = 99; // first record's tag
    assert_eq!(
        Snapshot::from_bytes(&bad),
        Err(SnapshotError::Invalid("record tag"))
    );
}
