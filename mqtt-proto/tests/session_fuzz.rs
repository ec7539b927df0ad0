//! Property test: a connected session fed arbitrary bytes, timeouts, closes and commands never
//! panics, and what it buffers stays bounded.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::field_reassign_with_default,
    clippy::type_complexity,
    clippy::unnecessary_fallible_conversions
)]

use bytes::BytesMut;
use mqtt_proto::session::{Output, PublishRequest, Session, SessionConfig};
use mqtt_proto::time::Instant;
use mqtt_proto::{ConnAck, Packet, Properties, ProtocolVersion, QoS, ReasonCode, Topic};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Step {
    Bytes(Vec<u8>),
    /// Valid-looking packet prefixes make the fuzzer reach deeper than pure noise.
    Prefixed(u8, Vec<u8>),
    Advance(u32),
    Close,
    Open,
    Publish(u8, Vec<u8>),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Step::Bytes),
        4 => (any::<u8>(), proptest::collection::vec(any::<u8>(), 0..40)).prop_map(|(t, b)| Step::Prefixed(t, b)),
        2 => (0u32..120_000).prop_map(Step::Advance),
        1 => Just(Step::Close),
        1 => Just(Step::Open),
        2 => (0u8..3, proptest::collection::vec(any::<u8>(), 0..32)).prop_map(|(q, p)| Step::Publish(q, p)),
    ]
}

/// Drains and returns how many outputs and bytes came out.
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_input_never_panics(
        v5 in any::<bool>(),
        steps in proptest::collection::vec(step(), 1..40),
    ) {
        let version = if v5 { ProtocolVersion::V5 } else { ProtocolVersion::V311 };
        let mut config = SessionConfig::new(version, "fuzz");
        config.keep_alive = 5;
        config.topic_alias_maximum = if v5 { 4 } else { 0 };
        config.maximum_packet_size = Some(1024);
        config.trace = true;
        let mut s = Session::new(config).unwrap();
        let mut now = 0u64;
        s.connect(Instant::from_millis(now));
        drain(&mut s);
        s.handle_open(Instant::from_millis(now));
        drain(&mut s);
        let mut ack = BytesMut::new();
        Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS)).encode(version, &mut ack).unwrap();
        s.handle_bytes(Instant::from_millis(now), &ack);
        drain(&mut s);
        prop_assert!(s.is_connected());

        for st in steps {
            let at = Instant::from_millis(now);
            match st {
                Step::Bytes(b) => s.handle_bytes(at, &b),
                Step::Prefixed(t, mut b) => {
                    let len = u8::try_from(b.len()).unwrap();
                    b.insert(0, len);
                    b.insert(0, t);
                    s.handle_bytes(at, &b);
                }
                Step::Advance(ms) => {
                    now += u64::from(ms);
                    s.handle_timeout(Instant::from_millis(now));
                }
                Step::Close => s.handle_close(at),
                Step::Open => s.handle_open(at),
                Step::Publish(q, p) => {
                    let qos = QoS::from_u8(q).unwrap();
                    let _ = s.publish(at, PublishRequest::new(Topic::new("f/z").unwrap(), p, qos));
                }
            }
            let (n, bytes) = drain(&mut s);
            // One input produces a bounded amount of output.
            prop_assert!(n < 1_000, "{n} outputs");
            prop_assert!(bytes < 64 * 1024, "{bytes} bytes");
            prop_assert!(s.queued_len() <= s.config().queue.max_messages);
            prop_assert!(s.inflight_len() <= usize::from(u16::MAX));
        }
        // Whatever happened, the session can still be ended cleanly.
        s.disconnect(Instant::from_millis(now), ReasonCode::NORMAL_DISCONNECTION, Properties::default());
        drain(&mut s);
    }
}

/// A server PUBLISH for [`publish_heads_behave_as_whole_frames`]: QoS, topic index (3: the
/// alias alone), payload length, Topic Alias (5.0), packet identifier, DUP.
type ServerPublish = (u8, usize, usize, bool, u16, bool);

/// Everything a session did, with each message's payload replaced by `payloads[i]` when the
/// session got its frame through `handle_publish_head` (its own payload is then empty).
fn outputs(s: &mut Session, payload: Option<&[u8]>) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        match s.poll_output() {
            Output::Wait(d) => {
                out.push(format!("wait {d:?}"));
                return out;
            }
            Output::Event(mqtt_proto::session::Event::Message(mut m)) => {
                if let Some(p) = payload {
                    assert!(
                        m.payload.is_empty(),
                        "a message from its head has a payload"
                    );
                    m.payload = bytes::Bytes::copy_from_slice(p);
                }
                out.push(format!("{m:?}"));
            }
            other => out.push(format!("{other:?}")),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The browser client's path for large PUBLISH frames (`handle_publish_head`: the headers
    /// from the frame's first bytes, the payload kept by the caller) against `handle_bytes` on
    /// the whole frame, in two sessions side by side: the same acknowledgments, events (each
    /// message's payload being what the split points at), deadlines and errors, frame after frame.
    #[test]
    fn publish_heads_behave_as_whole_frames(
        v5 in any::<bool>(),
        head_len in 2usize..80,
        publishes in proptest::collection::vec(
            (0u8..4, 0usize..4, 0usize..6000, any::<bool>(), 1u16..4, any::<bool>()),
            1..24,
        ),
    ) {
        let version = if v5 { ProtocolVersion::V5 } else { ProtocolVersion::V311 };
        let mut config = SessionConfig::new(version, "heads");
        config.topic_alias_maximum = if v5 { 2 } else { 0 };
        config.receive_maximum = Some(2);
        let [mut whole, mut heads] = [(); 2].map(|_| {
            let mut s = Session::new(config.clone()).unwrap();
            s.connect(Instant::from_millis(0));
            drain(&mut s);
            s.handle_open(Instant::from_millis(0));
            drain(&mut s);
            let mut ack = BytesMut::new();
            Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS)).encode(version, &mut ack).unwrap();
            s.handle_bytes(Instant::from_millis(0), &ack);
            drain(&mut s);
            s
        });
        for (i, &(qos, topic, len, alias, id, dup)) in publishes.iter().enumerate() {
            let at = Instant::from_millis(i as u64);
            let frame = server_publish(version, (qos, topic, len, alias, id, dup));
            let a = { whole.handle_bytes(at, &frame); outputs(&mut whole, None) };
            let head = &frame[..head_len.min(frame.len())];
            let b = match heads.handle_publish_head(at, head, frame.len()) {
                Some(split) => {
                    prop_assert_eq!(split.frame_len, frame.len());
                    outputs(&mut heads, Some(&frame[split.payload_start..]))
                }
                None => { heads.handle_bytes(at, &frame); outputs(&mut heads, None) }
            };
            prop_assert_eq!(a, b, "frame {}", i);
        }
    }
}

/// The frame of one [`ServerPublish`], written by hand so that it may break rules (QoS 3, DUP
/// with QoS 0, an alias above the maximum, no topic and no alias).
fn server_publish(
    version: ProtocolVersion,
    (qos, topic, len, alias, id, dup): ServerPublish,
) -> Vec<u8> {
    let topic: &[u8] = [&b"t/a"[..], b"t/b", b"t/+", b""][topic];
    let mut body = Vec::new();
    body.extend((topic.len() as u16).to_be_bytes());
    body.extend(topic);
    if qos != 0 {
        body.extend(id.to_be_bytes());
    }
    if version.is_v5() {
        if alias {
            body.extend([3, 0x23, 0, (id % 3) as u8]);
        } else {
            body.push(0);
        }
    }
    body.extend((0..len).map(|i| i as u8));
    let mut frame = vec![0x30 | qos << 1 | u8::from(dup) << 3];
    let mut n = body.len();
    loop {
        let b = (n % 128) as u8;
        n /= 128;
        frame.push(if n > 0 { b | 0x80 } else { b });
        if n == 0 {
            break;
        }
    }
    frame.extend(body);
    frame
}
