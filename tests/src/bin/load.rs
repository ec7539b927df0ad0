//! A load generator for the inspector's load benchmark: publishes QoS 0 messages
//! at a steady rate over many topics through our own Session over TCP.
//!
//! `load --addr 127.0.0.1:1883 --rate 10000 --topics 1000 --seconds 30 [--size 32] [--prefix load]`
//! Prints `sent N messages in S s (R msg/s)` at the end. Loopback only.

use std::time::{Duration, Instant as StdInstant};

use mqtt_proto::session::{PublishRequest, ReconnectPolicy, SessionConfig};
use mqtt_proto::{ProtocolVersion, QoS, Topic};
use mqtt_tests::tcp_driver::TcpDriver;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

fn main() {
    let addr = arg("--addr", "127.0.0.1:1883");
    assert!(
        addr.starts_with("127.") || addr.starts_with("localhost"),
        "loopback only"
    );
    let rate: u64 = arg("--rate", "10000").parse().expect("--rate");
    let topics: usize = arg("--topics", "1000").parse().expect("--topics");
    let seconds: u64 = arg("--seconds", "30").parse().expect("--seconds");
    let size: usize = arg("--size", "32").parse().expect("--size");
    let prefix = arg("--prefix", "load");
    let names: Vec<Topic> = (0..topics)
        .map(|i| Topic::new(&format!("{prefix}/{}/{}", i / 100, i % 100)).expect("topic"))
        .collect();

    let mut config =
        SessionConfig::new(ProtocolVersion::V5, &format!("load-{}", std::process::id()));
    config.reconnect = ReconnectPolicy::disabled();
    config.queue.max_messages = 100_000;
    config.queue.max_bytes = 64 << 20;
    let session = mqtt_proto::session::Session::new(config).expect("session");
    let mut driver = TcpDriver::new(session, &addr);
    driver.connect();
    driver.run_until(Duration::from_secs(10), |d| d.session.is_connected());
    assert!(driver.session.is_connected(), "connected to {addr}");

    let start = StdInstant::now();
    let end = start + Duration::from_secs(seconds);
    let mut sent: u64 = 0;
    let mut n = 0usize;
    while StdInstant::now() < end {
        // Publish what the schedule says is due by now, in 1 ms slices.
        let due = (start.elapsed().as_micros() as u64 * rate) / 1_000_000;
        while sent < due {
            let payload = format!("{{\"seq\":{sent},\"v\":{}}}", sent % 1000);
            let mut p = payload.into_bytes();
            p.resize(size.max(p.len()), b' ');
            let req = PublishRequest::new(names[n % names.len()].clone(), p, QoS::AtMostOnce);
            n += 1;
            let now = driver.now();
            if driver.session.publish(now, req).is_ok() {
                sent += 1;
            }
            if sent % 64 == 0 {
                driver.drain();
            }
        }
        driver.drain();
        driver.step(Duration::from_millis(1));
    }
    let secs = start.elapsed().as_secs_f64();
    let now = driver.now();
    driver.session.disconnect(
        now,
        mqtt_proto::ReasonCode::NORMAL_DISCONNECTION,
        Default::default(),
    );
    driver.drain();
    println!(
        "sent {sent} messages in {secs:.1} s ({:.0} msg/s)",
        sent as f64 / secs
    );
}
