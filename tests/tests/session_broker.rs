//! The sans-IO `Session` over plain TCP against the real Mosquitto.
//!
//! Tests that restart the broker start their own (`Broker::start`); the others use the broker of
//! `scripts/test.sh` (`MQTT_TCP_ADDR`). Every wait is bounded by a deadline.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use bytes::Bytes;
use mqtt_proto::session::{Event, PublishRequest, ReconnectPolicy, Session, SessionConfig, Token};
use mqtt_proto::time::Duration as SessionDuration;
use mqtt_proto::{
    Properties, ProtocolVersion, QoS, ReasonCode, SubscriptionOptions, Topic, TopicFilter, Will,
};
use mqtt_tests::tcp_driver::TcpDriver;
use mqtt_tests::{broker_tcp_addr, Broker};

const WAIT: Duration = Duration::from_secs(10);

/// A topic prefix unique to this test run and call.
fn unique(name: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "session-test/{}/{}/{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn config(version: ProtocolVersion, client_id: &str) -> SessionConfig {
    let mut c = SessionConfig::new(version, client_id);
    c.keep_alive = 30;
    c.reconnect = ReconnectPolicy {
        initial_delay: SessionDuration::from_millis(50),
        max_delay: SessionDuration::from_millis(500),
        jitter: 0.1,
        seed: 7,
        ..ReconnectPolicy::default()
    };
    c
}

fn client(c: SessionConfig, addr: &str) -> TcpDriver {
    let mut d = TcpDriver::new(Session::new(c).unwrap(), addr);
    d.connect();
    assert!(
        d.run_until(WAIT, |d| d.session.is_connected()),
        "connect: {:?}",
        d.events
    );
    d
}

fn subscribe(d: &mut TcpDriver, filter: &str, qos: QoS) {
    let now = d.now();
    let token = d
        .session
        .subscribe(
            now,
            vec![(
                TopicFilter::new(filter).unwrap(),
                SubscriptionOptions::new(qos),
            )],
            Properties::default(),
        )
        .unwrap();
    d.drain();
    let mut granted = None;
    assert!(d.run_until(WAIT, |d| {
        for e in d.take_events() {
            if let Event::SubscribeResult {
                token: t, reasons, ..
            } = e
            {
                if t == token {
                    granted = Some(reasons);
                }
            }
        }
        granted.is_some()
    }));
    assert_eq!(granted.unwrap(), [ReasonCode(qos.as_u8())]);
}

fn publish(
    d: &mut TcpDriver,
    topic: &str,
    payload: impl Into<Bytes>,
    qos: QoS,
    retain: bool,
) -> Token {
    let now = d.now();
    let mut r = PublishRequest::new(Topic::new(topic).unwrap(), payload, qos);
    r.retain = retain;
    let t = d.session.publish(now, r).unwrap();
    d.drain();
    t
}

/// Received messages as (topic, payload, qos, retain).
fn take_messages(d: &mut TcpDriver, into: &mut Vec<(String, Vec<u8>, QoS, bool)>) {
    for e in d.take_events() {
        if let Event::Message(m) = e {
            into.push((
                m.topic.as_str().to_owned(),
                m.payload.to_vec(),
                m.qos,
                m.retain,
            ));
        }
    }
}

#[test]
fn qos_0_1_2_both_directions() {
    let addr = broker_tcp_addr();
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let base = unique("qos");
        let mut sub = client(
            config(version, &format!("sub-{}", std::process::id())),
            &addr,
        );
        subscribe(&mut sub, &format!("{base}/#"), QoS::ExactlyOnce);
        let mut publ = client(
            config(version, &format!("pub-{}", std::process::id())),
            &addr,
        );
        let mut tokens = Vec::new();
        for (i, qos) in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce]
            .into_iter()
            .enumerate()
        {
            tokens.push(publish(
                &mut publ,
                &format!("{base}/{i}"),
                format!("m{i}"),
                qos,
                false,
            ));
        }
        let mut done = Vec::new();
        assert!(publ.run_until(WAIT, |d| {
            for e in d.take_events() {
                if let Event::PublishCompleted { token, reason } = e {
                    assert!(!reason.is_error(), "{reason}");
                    done.push(token);
                }
            }
            done.len() == 3
        }));
        assert_eq!(done, tokens);
        let mut got = Vec::new();
        assert!(sub.run_until(WAIT, |d| {
            take_messages(d, &mut got);
            got.len() >= 3
        }));
        got.sort();
        assert_eq!(
            got,
            [
                (format!("{base}/0"), b"m0".to_vec(), QoS::AtMostOnce, false),
                (format!("{base}/1"), b"m1".to_vec(), QoS::AtLeastOnce, false),
                (format!("{base}/2"), b"m2".to_vec(), QoS::ExactlyOnce, false),
            ],
            "{version}"
        );
        assert_eq!(sub.session.inflight_len(), 0);
        assert_eq!(publ.session.inflight_len(), 0);
        for d in [&mut sub, &mut publ] {
            let now = d.now();
            d.session
                .disconnect(now, ReasonCode::NORMAL_DISCONNECTION, Properties::default());
            d.drain();
            assert!(!d.has_socket());
        }
    }
}

#[test]
fn retained_message() {
    let addr = broker_tcp_addr();
    let topic = unique("retained");
    let mut publ = client(config(ProtocolVersion::V5, ""), &addr);
    let t = publish(&mut publ, &topic, "kept", QoS::AtLeastOnce, true);
    assert!(publ
        .run_until(WAIT, |d| d.take_events().iter().any(
            |e| matches!(e, Event::PublishCompleted { token, .. } if *token == t)
        )));
    let mut sub = client(
        config(
            ProtocolVersion::V311,
            &format!("ret-{}", std::process::id()),
        ),
        &addr,
    );
    subscribe(&mut sub, &topic, QoS::AtLeastOnce);
    let mut got = Vec::new();
    assert!(sub.run_until(WAIT, |d| {
        take_messages(d, &mut got);
        !got.is_empty()
    }));
    assert_eq!(
        got[0],
        (topic.clone(), b"kept".to_vec(), QoS::AtLeastOnce, true)
    );
    // Clear it.
    publish(&mut publ, &topic, Bytes::new(), QoS::AtMostOnce, true);
}

#[test]
fn will_is_published_on_abrupt_close() {
    let addr = broker_tcp_addr();
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let will_topic = unique("will");
        let mut sub = client(
            config(version, &format!("will-sub-{}", std::process::id())),
            &addr,
        );
        subscribe(&mut sub, &will_topic, QoS::AtLeastOnce);
        let mut c = config(version, &format!("will-{}", std::process::id()));
        c.will = Some(Will {
            topic: Topic::new(&will_topic).unwrap(),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Properties::default(),
        });
        let mut dying = client(c, &addr);
        dying.abort();
        drop(dying);
        let mut got = Vec::new();
        assert!(
            sub.run_until(WAIT, |d| {
                take_messages(d, &mut got);
                !got.is_empty()
            }),
            "{version}: no will"
        );
        assert_eq!(got[0].0, will_topic);
        assert_eq!(got[0].1, b"gone");
    }
}

#[test]
fn persistent_session_receives_messages_published_while_offline() {
    let addr = broker_tcp_addr();
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let topic = unique("offline");
        let mut c = config(
            version,
            &format!("persist-{}-{}", version.level(), std::process::id()),
        );
        // 3.1.1: the session persists without clean session; 5.0: a fresh session that outlives
        // the connection (expiry), resumed with Clean Start 0.
        c.clean_start = version == ProtocolVersion::V5;
        c.session_expiry_interval = 300;
        let mut sub = client(c, &addr);
        subscribe(&mut sub, &topic, QoS::AtLeastOnce);
        let now = sub.now();
        sub.session
            .disconnect(now, ReasonCode::NORMAL_DISCONNECTION, Properties::default());
        sub.drain();
        sub.take_events();

        let mut publ = client(
            config(version, &format!("persist-pub-{}", std::process::id())),
            &addr,
        );
        let mut tokens = Vec::new();
        for i in 0..10 {
            tokens.push(publish(
                &mut publ,
                &topic,
                format!("{i}"),
                QoS::AtLeastOnce,
                false,
            ));
        }
        let mut done = 0;
        assert!(publ.run_until(WAIT, |d| {
            done += d
                .take_events()
                .iter()
                .filter(|e| matches!(e, Event::PublishCompleted { .. }))
                .count();
            done == 10
        }));

        sub.connect();
        let mut present = None;
        let mut got = Vec::new();
        assert!(
            sub.run_until(WAIT, |d| {
                for e in d.take_events() {
                    match e {
                        Event::Connected(c) => present = Some(c.session_present),
                        Event::Message(m) => {
                            got.push(String::from_utf8(m.payload.to_vec()).unwrap())
                        }
                        _ => {}
                    }
                }
                got.len() >= 10
            }),
            "{version}: got {got:?}"
        );
        assert_eq!(present, Some(true), "{version}");
        assert_eq!(
            got,
            (0..10).map(|i| i.to_string()).collect::<Vec<_>>(),
            "{version}"
        );
        // End the session on the broker.
        let now = sub.now();
        sub.session
            .disconnect(now, ReasonCode::NORMAL_DISCONNECTION, Properties::default());
        sub.drain();
    }
}

/// 2,000 QoS 1 and 2,000 QoS 2 messages from one session to another while Mosquitto is stopped
/// and restarted in the middle: no QoS 1 message lost, no QoS 2 message lost or duplicated.
#[test]
fn broker_restart_mid_stream_loses_nothing() {
    restart_mid_stream(false);
}

/// The same with `kill -9`: Mosquitto gets no chance to save. Its config saves after
/// every change, but a message it acknowledged (PUBACK / PUBREC / PUBCOMP) in the
/// moment before the kill can be missing from its state after the restart, or be
/// redelivered after the client completed it: that is the broker's window, which no
/// client can close. The client's part is asserted exactly: every publish completes,
/// both sessions resume, and QoS 1 loses nothing; QoS 2 losses and duplicates are
/// counted, printed, and bounded by that window (measured here: 1 lost and 0–1
/// duplicated per run, the message in flight at the kill; 0 and 0 with a graceful stop).
#[test]
fn broker_kill_9_mid_stream_loses_nothing() {
    restart_mid_stream(true);
}

fn restart_mid_stream(kill: bool) {
    const N: u32 = 2_000;
    let mut broker = Broker::start();
    let addr = broker.tcp_addr();
    let pid = std::process::id();

    let persistent = |id: &str| {
        let mut c = config(ProtocolVersion::V5, id);
        // Mosquitto 2.0.11 does not restore, after a restart, a 5.0 session that was created with
        // Clean Start 1 (whatever its expiry interval): start with 0 (the client ids are fresh).
        c.clean_start = false;
        c.session_expiry_interval = 3_600;
        c.keep_alive = 5;
        c.queue.max_messages = 10_000;
        c.queue.max_bytes = 10 << 20;
        c
    };
    let mut sub = client(persistent(&format!("restart-sub-{pid}")), &addr);
    subscribe(&mut sub, "restart/#", QoS::ExactlyOnce);
    let mut publ = client(persistent(&format!("restart-pub-{pid}")), &addr);

    let mut next = 0u32; // messages handed to publish() (QoS 1 and QoS 2 alternate)
    let mut completed = 0u32;
    let mut failed = 0u32;
    let mut q1: BTreeMap<u32, u32> = BTreeMap::new();
    let mut q2: BTreeMap<u32, u32> = BTreeMap::new();
    let mut restarted = false;
    let mut disconnects = (0u32, 0u32);
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    // After a kill the broker may have lost a message for good: stop waiting once
    // everything is published and nothing new arrived for a few seconds.
    let mut last_progress = std::time::Instant::now();
    let mut seen = 0usize;

    while (completed + failed < 2 * N || q1.len() < N as usize || q2.len() < N as usize)
        && std::time::Instant::now() < deadline
    {
        if q1.len() + q2.len() != seen {
            seen = q1.len() + q2.len();
            last_progress = std::time::Instant::now();
        }
        if kill && completed + failed == 2 * N && last_progress.elapsed() > Duration::from_secs(5) {
            break;
        }
        // Publish only while the subscriber is connected, so the broker never has to queue more
        // for it than its max_queued_messages; keep a bounded window in our own queue.
        while next < 2 * N && sub.session.is_connected() && publ.session.queued_len() < 50 {
            let (topic, seq) = if next % 2 == 0 {
                ("restart/q1", next / 2)
            } else {
                ("restart/q2", next / 2)
            };
            let qos = if next % 2 == 0 {
                QoS::AtLeastOnce
            } else {
                QoS::ExactlyOnce
            };
            publish(&mut publ, topic, seq.to_be_bytes().to_vec(), qos, false);
            next += 1;
        }
        if !restarted && completed >= N {
            println!("stopping mosquitto after {completed} completed publishes");
            if kill {
                broker.kill();
            } else {
                broker.stop();
            }
            broker.restart();
            restarted = true;
        }
        publ.step(Duration::from_millis(2));
        sub.step(Duration::from_millis(2));
        for e in publ.take_events() {
            match e {
                Event::PublishCompleted { reason, .. } => {
                    assert!(!reason.is_error(), "{reason}");
                    if reason != ReasonCode::SUCCESS {
                        println!("publish completed with {reason}");
                    }
                    completed += 1;
                }
                Event::Connected(c) => {
                    println!("publisher connected, session present {}", c.session_present)
                }
                Event::PublishFailed { error, .. } => {
                    println!("publish failed: {error}");
                    failed += 1;
                }
                Event::Disconnected { .. } => disconnects.0 += 1,
                _ => {}
            }
        }
        for e in sub.take_events() {
            match e {
                Event::Message(m) => {
                    let seq = u32::from_be_bytes(m.payload[..4].try_into().unwrap());
                    let map = if m.topic.as_str() == "restart/q1" {
                        &mut q1
                    } else {
                        &mut q2
                    };
                    *map.entry(seq).or_default() += 1;
                }
                Event::Disconnected { reason } => {
                    println!("subscriber disconnected: {reason:?}");
                    disconnects.1 += 1
                }
                Event::Connected(c) => println!(
                    "subscriber connected, session present {}",
                    c.session_present
                ),
                _ => {}
            }
        }
    }
    let q1_lost = (0..N).filter(|s| !q1.contains_key(s)).count();
    let q1_dup: u32 = q1.values().map(|n| n - 1).sum();
    let q2_lost = (0..N).filter(|s| !q2.contains_key(s)).count();
    let q2_dup: u32 = q2.values().map(|n| n - 1).sum();
    println!(
        "broker restart: published {next}, completed {completed}, failed {failed}; \
         QoS 1 received {} distinct (lost {q1_lost}, duplicates {q1_dup}); \
         QoS 2 received {} distinct (lost {q2_lost}, duplicates {q2_dup}); \
         disconnects seen: publisher {}, subscriber {}",
        q1.len(),
        q2.len(),
        disconnects.0,
        disconnects.1
    );
    let lost1: Vec<u32> = (0..N).filter(|s| !q1.contains_key(s)).collect();
    let lost2: Vec<u32> = (0..N).filter(|s| !q2.contains_key(s)).collect();
    println!("lost QoS 1 {lost1:?}, lost QoS 2 {lost2:?}");
    assert!(restarted, "the broker was restarted mid-stream");
    assert!(
        disconnects.0 >= 1 && disconnects.1 >= 1,
        "both sessions saw the restart"
    );
    assert_eq!(failed, 0);
    assert_eq!(completed, 2 * N);
    assert_eq!(q1_lost, 0, "QoS 1 lost");
    if kill {
        assert!(
            q2_lost + q2_dup as usize <= 3,
            "QoS 2 lost {q2_lost} / duplicated {q2_dup}: more than the broker's unsaved window explains"
        );
    } else {
        assert_eq!(q2_lost, 0, "QoS 2 lost");
        assert_eq!(q2_dup, 0, "QoS 2 duplicated");
    }
}
