//! A connected [`Session`] fed arbitrary bytes, timeouts, closes, reopens and commands.
//!
//! Input: byte 0 picks the version and options, then a sequence of steps, each an opcode byte and
//! its operands (raw byte chunks, chunks behind a plausible fixed header so that the fuzzer reaches
//! the packet handlers, some taken from their headers by `handle_publish_head`, clock advances,
//! publishes, subscribes, transport close / open). Checked: no
//! panic, the drain always ends, and one step produces a bounded amount of output.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use mqtt_proto::session::{Output, PublishRequest, Session, SessionConfig, Snapshot};
use mqtt_proto::time::Instant;
use mqtt_proto::{
    ConnAck, Packet, Properties, ProtocolVersion, QoS, ReasonCode, SubscriptionOptions, Topic,
    TopicFilter,
};

/// Drains the session, returning how many outputs and bytes came out.
fn drain(s: &mut Session) -> (usize, usize) {
    let (mut n, mut bytes) = (0, 0);
    loop {
        match s.poll_output() {
            Output::Wait(_) => return (n, bytes),
            Output::Transmit(b) => bytes += b.len(),
            _ => {}
        }
        n += 1;
        assert!(n < 100_000, "the drain does not end");
    }
}

/// A cursor over the fuzzer's bytes; reads past the end yield zeros / empty slices.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }
}

fn connack(version: ProtocolVersion) -> BytesMut {
    let mut ack = BytesMut::new();
    Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS))
        .encode(version, &mut ack)
        .expect("a plain CONNACK encodes");
    ack
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let Some(config_byte) = input.byte() else {
        return;
    };
    let version = if config_byte & 1 == 0 {
        ProtocolVersion::V311
    } else {
        ProtocolVersion::V5
    };
    let mut config = SessionConfig::new(version, "fuzz");
    config.keep_alive = u16::from(config_byte >> 4);
    config.clean_start = config_byte & 2 == 0;
    if version.is_v5() {
        config.topic_alias_maximum = 4;
        config.outgoing_topic_aliases = 4;
        config.maximum_packet_size = Some(2048);
        config.receive_maximum = Some(8);
        if config_byte & 4 != 0 {
            config.session_expiry_interval = 60;
        }
    }
    config.trace = config_byte & 8 != 0;
    let mut s = Session::new(config).expect("a valid configuration");
    let mut now = 0u64;
    let mut last: Option<(Snapshot, u64)> = None;
    s.connect(Instant::from_millis(now));
    drain(&mut s);
    s.handle_open(Instant::from_millis(now));
    drain(&mut s);
    let ack = connack(version);
    s.handle_bytes(Instant::from_millis(now), &ack);
    drain(&mut s);
    assert!(s.is_connected());

    let topic = Topic::new("f/z").expect("a valid topic");
    let filter = TopicFilter::new("f/+").expect("a valid filter");
    while let Some(op) = input.byte() {
        let at = Instant::from_millis(now);
        match op % 9 {
            0 | 1 => {
                let len = usize::from(input.byte().unwrap_or(0));
                s.handle_bytes(at, input.take(len));
            }
            2 | 3 => {
                // A plausible fixed header (any type and flags, a correct one-byte length).
                let first = input.byte().unwrap_or(0);
                let len = usize::from(input.byte().unwrap_or(0) & 0x7F);
                let body = input.take(len);
                let mut frame = Vec::with_capacity(2 + body.len());
                frame.push(first);
                frame.push(body.len() as u8);
                frame.extend_from_slice(body);
                // Op 3 takes a PUBLISH from its first bytes, its payload left out, as the browser
                // client does with large ones.
                let head = &frame[..frame.len().min(usize::from(first & 0x0F) + 4)];
                match (op % 9 == 3).then(|| s.handle_publish_head(at, head, frame.len())) {
                    Some(Some(split)) => assert!(
                        split.payload_start <= split.frame_len && split.frame_len == frame.len()
                    ),
                    _ => s.handle_bytes(at, &frame),
                }
            }
            4 => {
                let hi = input.byte().unwrap_or(0);
                let lo = input.byte().unwrap_or(0);
                now += u64::from(u16::from_be_bytes([hi, lo])) * 10;
                s.handle_timeout(Instant::from_millis(now));
            }
            5 => {
                let b = input.byte().unwrap_or(0);
                let qos = QoS::from_u8(b % 3).unwrap_or(QoS::AtMostOnce);
                let payload = input.take(usize::from(b >> 2)).to_vec();
                let mut request = PublishRequest::new(topic.clone(), payload, qos);
                request.retain = b & 0x80 != 0;
                let _ = s.publish(at, request);
            }
            6 => {
                let b = input.byte().unwrap_or(0);
                let qos = QoS::from_u8(b % 3).unwrap_or(QoS::AtMostOnce);
                let filters = vec![(filter.clone(), SubscriptionOptions::new(qos))];
                if b & 4 == 0 {
                    let _ = s.subscribe(at, filters, Properties::default());
                } else {
                    let _ = s.unsubscribe(at, vec![filter.clone()], Properties::default());
                }
            }
            7 => {
                if input.byte().unwrap_or(0) & 1 == 0 {
                    s.handle_close(at);
                } else {
                    // Closed without DISCONNECT by the user, then started again.
                    s.abort(at);
                    drain(&mut s);
                    s.connect(at);
                }
            }
            _ => {
                // Reconnect if the session asked for a transport, and accept it.
                s.handle_open(at);
                drain(&mut s);
                s.handle_bytes(at, &ack);
            }
        }
        let (n, bytes) = drain(&mut s);
        assert!(n < 5_000, "{n} outputs from one step");
        assert!(bytes < 1024 * 1024, "{bytes} bytes from one step");
        assert!(s.queued_len() <= s.config().queue.max_messages);
        // Persistence: the snapshot reads back as written, and a change of it always comes
        // with a new generation (compared at a fixed instant: expiry countdowns are no change).
        let snapshot = s.snapshot(Instant::ZERO);
        assert_eq!(
            Snapshot::from_bytes(&snapshot.to_bytes()).as_ref(),
            Ok(&snapshot)
        );
        let generation = s.snapshot_generation();
        if let Some((before, g)) = &last {
            assert!(
                *before == snapshot || *g != generation,
                "snapshot changed, generation did not"
            );
        }
        last = Some((snapshot, generation));
    }
    // Whatever happened, the session can still be ended cleanly.
    s.disconnect(
        Instant::from_millis(now),
        ReasonCode::NORMAL_DISCONNECTION,
        Properties::default(),
    );
    drain(&mut s);
});
