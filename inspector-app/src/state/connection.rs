//! One broker connection: its URL, link status and the packet trace.

use std::rc::Rc;

use yew::Reducible;

/// Where the connection is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// Not connected.
    Idle,
    /// The WebSocket is opening or CONNECT was sent.
    Connecting,
    /// CONNACK accepted the connection.
    Connected,
    /// Closed, with the reason in words.
    Closed(String),
}

/// A packet seen on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEntry {
    /// Milliseconds since the page loaded.
    pub at_ms: u64,
    /// `true` for client → broker.
    pub outgoing: bool,
    /// The packet's name (CONNECT, CONNACK, ...).
    pub name: String,
    /// The raw bytes.
    pub bytes: Vec<u8>,
}

/// The state of one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionState {
    /// Broker WebSocket URL.
    pub url: String,
    /// Link status.
    pub status: LinkStatus,
    /// Packets sent and received, oldest first, at most [`ConnectionState::TRACE_LIMIT`].
    pub trace: Vec<TraceEntry>,
}

/// What can happen to a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionAction {
    /// The user edited the URL.
    SetUrl(String),
    /// The user asked to connect.
    Connect,
    /// A packet was sent or received.
    Packet(TraceEntry),
    /// CONNACK arrived with this reason code.
    ConnAck(u8),
    /// The socket closed.
    Closed(String),
}

impl ConnectionState {
    /// The most packets kept in the trace; older ones are dropped first.
    pub const TRACE_LIMIT: usize = 1000;

    /// A fresh, idle connection to `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            status: LinkStatus::Idle,
            trace: Vec::new(),
        }
    }

    /// Applies one action.
    pub fn apply(mut self, action: ConnectionAction) -> Self {
        match action {
            ConnectionAction::SetUrl(url) => self.url = url,
            ConnectionAction::Connect => {
                self.status = LinkStatus::Connecting;
                self.trace.clear();
            }
            ConnectionAction::Packet(p) => {
                if self.trace.len() == Self::TRACE_LIMIT {
                    self.trace.remove(0);
                }
                self.trace.push(p);
            }
            ConnectionAction::ConnAck(0) => self.status = LinkStatus::Connected,
            ConnectionAction::ConnAck(code) => {
                self.status = LinkStatus::Closed(format!("refused by CONNACK (code {code:#04x})"))
            }
            ConnectionAction::Closed(why) => {
                if !matches!(self.status, LinkStatus::Closed(_)) {
                    self.status = LinkStatus::Closed(why);
                }
            }
        }
        self
    }
}

impl Reducible for ConnectionState {
    type Action = ConnectionAction;
    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(n: u8) -> TraceEntry {
        TraceEntry {
            at_ms: u64::from(n),
            outgoing: false,
            name: "PUBLISH".into(),
            bytes: vec![n],
        }
    }

    #[test]
    fn connack_success_connects_and_refusal_closes_with_code() {
        let s = ConnectionState::new("ws://127.0.0.1:1").apply(ConnectionAction::Connect);
        assert_eq!(s.status, LinkStatus::Connecting);
        assert_eq!(
            s.clone().apply(ConnectionAction::ConnAck(0)).status,
            LinkStatus::Connected
        );
        assert_eq!(
            s.apply(ConnectionAction::ConnAck(0x86)).status,
            LinkStatus::Closed("refused by CONNACK (code 0x86)".into())
        );
    }

    #[test]
    fn trace_is_bounded_and_drops_oldest() {
        let mut s = ConnectionState::new("ws://x");
        for i in 0..=ConnectionState::TRACE_LIMIT {
            s = s.apply(ConnectionAction::Packet(packet((i % 256) as u8)));
        }
        assert_eq!(s.trace.len(), ConnectionState::TRACE_LIMIT);
        assert_eq!(s.trace[0].bytes, vec![1]);
    }

    #[test]
    fn first_close_reason_wins() {
        let s = ConnectionState::new("ws://x")
            .apply(ConnectionAction::ConnAck(0x87))
            .apply(ConnectionAction::Closed("socket closed".into()));
        assert_eq!(
            s.status,
            LinkStatus::Closed("refused by CONNACK (code 0x87)".into())
        );
    }
}
