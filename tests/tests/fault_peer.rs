//! The fault-injecting peer itself, without a browser: the WebSocket handshake (subprotocol
//! `mqtt`, scenario by URL path), byte-by-byte messages, and the TCP scenario choice.
#![allow(clippy::unwrap_used)]

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use mqtt_proto::{ConnAck, Connect, Decoder, MqttString, Packet, ProtocolVersion, ReasonCode};
use mqtt_tests::fault_peer::{scenarios, End, FaultPeer, PeerOptions, Transport};
use tungstenite::client::IntoClientRequest;
use tungstenite::Message;

const WAIT: Duration = Duration::from_secs(10);

fn connect_bytes(version: ProtocolVersion, client_id: &str) -> Vec<u8> {
    let connect = Connect::new(version, MqttString::new(client_id).unwrap());
    let mut buf = BytesMut::new();
    Packet::Connect(Box::new(connect))
        .encode(version, &mut buf)
        .unwrap();
    buf.to_vec()
}

fn ws_request(url: &str, subprotocol: Option<&str>) -> tungstenite::handshake::client::Request {
    let mut req = url.into_client_request().unwrap();
    if let Some(p) = subprotocol {
        req.headers_mut()
            .insert("Sec-WebSocket-Protocol", p.parse().unwrap());
    }
    req
}

fn http_status(e: tungstenite::Error) -> u16 {
    match e {
        tungstenite::Error::Http(resp) => resp.status().as_u16(),
        other => panic!("expected an HTTP refusal, got {other}"),
    }
}

#[test]
fn websocket_runs_the_scenario_of_the_url_path_one_byte_per_message() {
    let peer = FaultPeer::start();
    let (mut ws, resp) =
        tungstenite::connect(ws_request(&peer.ws_url_for("split-bytes"), Some("mqtt"))).unwrap();
    assert_eq!(
        resp.headers().get("Sec-WebSocket-Protocol").unwrap(),
        "mqtt"
    );
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_mut() {
        s.set_read_timeout(Some(WAIT)).unwrap();
    }
    ws.send(Message::binary(connect_bytes(ProtocolVersion::V311, "ws")))
        .unwrap();
    let mut decoder = Decoder::new(ProtocolVersion::V311, 1024);
    let deadline = Instant::now() + WAIT;
    let mut messages = 0;
    let connack = loop {
        assert!(Instant::now() < deadline, "no CONNACK");
        match ws.read().unwrap() {
            Message::Binary(b) => {
                assert_eq!(b.len(), 1, "one byte per message");
                messages += 1;
                decoder.feed(&b);
                if let Some((p, _)) = decoder.next_packet().unwrap() {
                    break p;
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(connack, Packet::ConnAck(ConnAck::new(ReasonCode::SUCCESS)));
    assert_eq!(messages, 4);
    ws.close(None).unwrap();
    let log = peer.wait_finished(0, WAIT).unwrap();
    assert_eq!(
        (log.transport, log.scenario.as_str()),
        (Transport::WebSocket, "split-bytes")
    );
    assert_eq!(log.version, Some(ProtocolVersion::V311));
}

#[test]
fn websocket_refuses_unknown_scenarios_and_missing_subprotocol() {
    let peer = FaultPeer::start();
    let e =
        tungstenite::connect(ws_request(&peer.ws_url_for("no-such"), Some("mqtt"))).unwrap_err();
    assert_eq!(http_status(e), 404);
    let e = tungstenite::connect(ws_request(&peer.ws_url_for("split-bytes"), None)).unwrap_err();
    assert_eq!(http_status(e), 400);
}

#[test]
fn tcp_scenario_comes_from_the_client_id_or_the_default() {
    use std::io::{Read, Write};
    let peer = FaultPeer::start_with(PeerOptions {
        tcp_default: Some("connack-refused-0x87".into()),
        ..PeerOptions::default()
    })
    .unwrap();
    let exchange = |client_id: &str| -> ReasonCode {
        let mut s = std::net::TcpStream::connect(peer.tcp_addr).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        s.write_all(&connect_bytes(ProtocolVersion::V5, client_id))
            .unwrap();
        let mut out = Vec::new();
        match s.read_to_end(&mut out) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => panic!("{e}"),
        }
        match Packet::decode(ProtocolVersion::V5, out.into()).unwrap() {
            Packet::ConnAck(ack) => ack.reason_code,
            other => panic!("{other:?}"),
        }
    };
    // Named by the client id (the part before '/').
    assert_eq!(
        exchange("connack-refused-0x86/x"),
        ReasonCode::BAD_USER_NAME_OR_PASSWORD
    );
    // Not a scenario: the listener's default.
    assert_eq!(exchange("someone"), ReasonCode::NOT_AUTHORIZED);
    // The peer records the end just after closing: wait for it.
    let logs = peer
        .wait_until(WAIT, |c| c.len() == 2 && c.iter().all(|l| l.finished()))
        .unwrap();
    assert_eq!(logs[0].scenario, "connack-refused-0x86");
    assert_eq!(logs[1].scenario, "connack-refused-0x87");
    assert!(logs.iter().all(|l| l.end == Some(End::PeerClosed)));
}

#[test]
fn every_scenario_name_resolves() {
    let names = scenarios::names();
    assert!(names.len() > 40, "{}", names.len());
    for n in &names {
        assert!(scenarios::script(n).is_some(), "{n}");
    }
}
