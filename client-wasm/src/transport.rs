//! The WebSocket: it owns the socket and its four closures and only moves bytes.
//!
//! Frames are binary (`binaryType = "arraybuffer"`) and the subprotocol is `mqtt`,
//! as MQTT over WebSocket requires. Dropping a [`WsTransport`] detaches every
//! handler before closing the socket, so no callback outlives its owner.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

/// The MQTT WebSocket subprotocol name (MQTT 5.0 §6.0, 3.1.1 §6.0).
pub const SUBPROTOCOL: &str = "mqtt";

/// What the socket reports, in the order the browser delivers it.
#[derive(Debug, Clone)]
pub enum TransportEvent {
    /// The WebSocket handshake completed.
    Open,
    /// One binary message, a view of its `ArrayBuffer` (not copied into wasm memory); it may
    /// hold part of an MQTT packet or several.
    Bytes(js_sys::Uint8Array),
    /// The socket is closed (by either side or by a network failure).
    Closed {
        /// The WebSocket close code (1006 when the connection was lost).
        code: u16,
        /// The close reason the peer gave, if any.
        reason: String,
        /// Whether the closing handshake completed.
        clean: bool,
    },
}

/// Why the transport could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The browser refused the URL or subprotocol (e.g. not `ws:`/`wss:`).
    InvalidUrl(String),
    /// `send` failed because the socket is not open.
    NotOpen,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUrl(msg) => write!(f, "invalid WebSocket URL: {msg}"),
            Self::NotOpen => f.write_str("the WebSocket is not open"),
        }
    }
}

impl std::error::Error for TransportError {}

impl TransportError {
    /// The `Display` text, built without `core::fmt` (kept out of the npm wasm).
    pub(crate) fn text(&self) -> String {
        match self {
            Self::InvalidUrl(msg) => ["invalid WebSocket URL: ", msg].concat(),
            Self::NotOpen => "the WebSocket is not open".into(),
        }
    }
}

type Sink = Rc<RefCell<dyn FnMut(TransportEvent)>>;

/// An open (or opening) MQTT WebSocket and the closures it calls.
pub struct WsTransport {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl fmt::Debug for WsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsTransport")
            .field("url", &self.ws.url())
            .field("ready_state", &self.ws.ready_state())
            .finish()
    }
}

impl WsTransport {
    /// Opens `url` with subprotocol `mqtt`; `sink` receives every [`TransportEvent`].
    pub fn open(
        url: &str,
        sink: impl FnMut(TransportEvent) + 'static,
    ) -> Result<Self, TransportError> {
        let ws = WebSocket::new_with_str(url, SUBPROTOCOL)
            .map_err(|e| TransportError::InvalidUrl(js_error_text(&e)))?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let sink: Sink = Rc::new(RefCell::new(sink));

        let s = sink.clone();
        let on_open =
            Closure::<dyn FnMut(Event)>::new(move |_: Event| deliver(&s, TransportEvent::Open));
        let s = sink.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            // Text frames are not MQTT; only ArrayBuffers carry packets.
            if let Ok(buf) = e.data().dyn_into::<js_sys::ArrayBuffer>() {
                deliver(&s, TransportEvent::Bytes(js_sys::Uint8Array::new(&buf)));
            }
        });
        let s = sink;
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            deliver(
                &s,
                TransportEvent::Closed {
                    code: e.code(),
                    reason: e.reason(),
                    clean: e.was_clean(),
                },
            );
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Self {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Sends one binary message.
    pub fn send(&self, bytes: &[u8]) -> Result<(), TransportError> {
        if self.ws.ready_state() != WebSocket::OPEN {
            return Err(TransportError::NotOpen);
        }
        self.ws
            .send_with_u8_array(bytes)
            .map_err(|_| TransportError::NotOpen)
    }

    /// Bytes queued in the browser but not yet sent.
    pub fn buffered_amount(&self) -> u32 {
        self.ws.buffered_amount()
    }

    /// Starts the closing handshake; a `Closed` event follows.
    pub fn close(&self) {
        let _ = self.ws.close();
    }
}

impl Drop for WsTransport {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// Calls the sink unless it is already running (a re-entrant event is dropped
/// rather than borrowed twice; browsers deliver socket events from the event loop,
/// so this does not happen in practice).
fn deliver(sink: &Sink, event: TransportEvent) {
    if let Ok(mut f) = sink.try_borrow_mut() {
        f(event);
    }
}

fn js_error_text(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
