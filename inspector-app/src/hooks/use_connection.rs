//! `use_connection`: one broker connection. The WebSocket lives here, outside the
//! reducer state; components see [`ConnectionState`] and call domain methods.

use std::cell::RefCell;
use std::rc::Rc;

use client_wasm::timer::now_ms;
use client_wasm::{TransportEvent, WsTransport};
use yew::prelude::*;

use crate::state::{ConnectionAction, ConnectionState, TraceEntry};

/// The connection's state and what can be done with it.
#[derive(Clone, Debug)]
pub struct ConnectionHandle {
    state: UseReducerHandle<ConnectionState>,
    transport: Rc<RefCell<Option<WsTransport>>>,
}

impl PartialEq for ConnectionHandle {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl ConnectionHandle {
    /// The current state.
    pub fn state(&self) -> &ConnectionState {
        &self.state
    }

    /// Edits the broker URL.
    pub fn set_url(&self, url: String) {
        self.state.dispatch(ConnectionAction::SetUrl(url));
    }

    /// Opens the WebSocket and sends CONNECT (MQTT 3.1.1, clean session).
    pub fn connect(&self) {
        let dispatch = self.state.dispatcher();
        dispatch.dispatch(ConnectionAction::Connect);
        let client_id = format!("inspector-{}", (js_sys::Math::random() * 1e9) as u32);
        let connect = connect_packet(&client_id, 30);
        let transport = self.transport.clone();
        let weak = Rc::downgrade(&transport);
        let sink = move |event: TransportEvent| match event {
            TransportEvent::Open => {
                if let Some(t) = weak.upgrade() {
                    if let Some(t) = t.borrow().as_ref() {
                        if t.send(&connect).is_ok() {
                            dispatch.dispatch(ConnectionAction::Packet(TraceEntry {
                                at_ms: now_ms(),
                                outgoing: true,
                                name: "CONNECT".into(),
                                bytes: connect.clone(),
                            }));
                        }
                    }
                }
            }
            TransportEvent::Bytes(bytes) => {
                if bytes.first() == Some(&0x20) && bytes.len() >= 4 {
                    dispatch.dispatch(ConnectionAction::ConnAck(bytes[3]));
                }
                dispatch.dispatch(ConnectionAction::Packet(TraceEntry {
                    at_ms: now_ms(),
                    outgoing: false,
                    name: packet_name(bytes.first().copied().unwrap_or(0)).into(),
                    bytes,
                }));
            }
            TransportEvent::Closed { code, reason, .. } => {
                dispatch.dispatch(ConnectionAction::Closed(format!(
                    "socket closed ({code}) {reason}"
                )));
            }
        };
        let url = self.state.url.clone();
        match WsTransport::open(&url, sink) {
            Ok(t) => *transport.borrow_mut() = Some(t),
            Err(e) => self.state.dispatch(ConnectionAction::Closed(e.to_string())),
        }
    }

    /// Closes the connection.
    pub fn disconnect(&self) {
        if let Some(t) = self.transport.borrow_mut().take() {
            // DISCONNECT, then close the socket.
            let _ = t.send(&[0xE0, 0x00]);
        }
        self.state
            .dispatch(ConnectionAction::Closed("disconnected by the user".into()));
    }
}

/// The connection hook, starting at `url`.
#[hook]
pub fn use_connection(url: String) -> ConnectionHandle {
    let state = use_reducer(move || ConnectionState::new(url));
    let transport = use_mut_ref(|| None::<WsTransport>);
    ConnectionHandle { state, transport }
}

fn connect_packet(client_id: &str, keep_alive: u16) -> Vec<u8> {
    let id = client_id.as_bytes();
    let mut p = vec![
        0x10,
        (10 + 2 + id.len()) as u8,
        0,
        4,
        b'M',
        b'Q',
        b'T',
        b'T',
        4,
        0x02,
    ];
    p.extend_from_slice(&keep_alive.to_be_bytes());
    p.extend_from_slice(&(id.len() as u16).to_be_bytes());
    p.extend_from_slice(id);
    p
}

fn packet_name(first: u8) -> &'static str {
    match first >> 4 {
        1 => "CONNECT",
        2 => "CONNACK",
        3 => "PUBLISH",
        4 => "PUBACK",
        5 => "PUBREC",
        6 => "PUBREL",
        7 => "PUBCOMP",
        8 => "SUBSCRIBE",
        9 => "SUBACK",
        10 => "UNSUBSCRIBE",
        11 => "UNSUBACK",
        12 => "PINGREQ",
        13 => "PINGRESP",
        14 => "DISCONNECT",
        15 => "AUTH",
        _ => "RESERVED",
    }
}
