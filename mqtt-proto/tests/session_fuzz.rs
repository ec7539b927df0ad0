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
