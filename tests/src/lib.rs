//! Helpers shared by the cross-crate tests: where the broker is, a blocking TCP
//! link that reads whole MQTT frames, and a fault-injecting peer ([`fault_peer`]).
#![forbid(unsafe_code)]

pub mod broker;
pub mod fault_peer;
pub mod tcp_driver;

pub use broker::Broker;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The TCP address of the Mosquitto that `scripts/test.sh` started
/// (`MQTT_TCP_ADDR`, e.g. `127.0.0.1:18831`).
///
/// # Panics
/// When the variable is missing: these tests need the real broker, run them
/// with `scripts/test.sh`.
pub fn broker_tcp_addr() -> String {
    std::env::var("MQTT_TCP_ADDR").expect(
        "MQTT_TCP_ADDR is not set: run the tests with scripts/test.sh, which starts Mosquitto",
    )
}

/// Opens a TCP connection to the test broker with a read timeout, so a test
/// that waits for a packet that never comes fails instead of hanging.
pub fn connect_tcp() -> TcpStream {
    let s = TcpStream::connect(broker_tcp_addr()).expect("broker reachable");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s.set_nodelay(true).expect("nodelay");
    s
}

/// Writes all of `bytes`.
pub fn send(s: &mut TcpStream, bytes: &[u8]) {
    s.write_all(bytes).expect("write");
}

/// Reads one whole MQTT frame (fixed header + remaining length + body).
pub fn read_frame(s: &mut TcpStream) -> Vec<u8> {
    let mut frame = vec![0u8; 1];
    s.read_exact(&mut frame).expect("fixed header");
    let mut len: usize = 0;
    for shift in 0..4 {
        let mut b = [0u8; 1];
        s.read_exact(&mut b).expect("remaining length");
        frame.push(b[0]);
        len |= usize::from(b[0] & 0x7f) << (7 * shift);
        if b[0] & 0x80 == 0 {
            break;
        }
    }
    let start = frame.len();
    frame.resize(start + len, 0);
    s.read_exact(&mut frame[start..]).expect("body");
    frame
}
