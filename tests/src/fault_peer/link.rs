//! One accepted connection as the scripts see it: bytes out, bytes in (with a bounded wait),
//! close. Plain TCP and WebSocket (binary messages, subprotocol `mqtt`) look the same.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use bytes::Bytes;
use tungstenite::{Message, WebSocket};

/// Which transport a connection came in on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// Plain TCP.
    Tcp,
    /// WebSocket, one binary message per write.
    WebSocket,
}

/// What one [`Link::recv`] produced.
#[derive(Debug)]
pub(crate) enum Recv {
    /// Bytes from the client (any chunking).
    Bytes(Vec<u8>),
    /// The client closed the connection (or it failed).
    Closed,
    /// Nothing arrived within the wait.
    Idle,
}

/// An accepted connection.
pub(crate) enum Link {
    Tcp(TcpStream),
    Ws(Box<WebSocket<TcpStream>>),
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Tcp(_) => "Link::Tcp",
            Self::Ws(_) => "Link::Ws",
        })
    }
}

impl Link {
    fn stream(&mut self) -> &mut TcpStream {
        match self {
            Self::Tcp(s) => s,
            Self::Ws(ws) => ws.get_mut(),
        }
    }

    /// Writes `bytes` as one write (TCP) or one binary message (WebSocket).
    pub(crate) fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Self::Tcp(s) => {
                s.write_all(bytes)?;
                s.flush()
            }
            Self::Ws(ws) => ws
                .send(Message::Binary(Bytes::copy_from_slice(bytes)))
                .map_err(io::Error::other),
        }
    }

    /// Waits at most `wait` for bytes from the client.
    pub(crate) fn recv(&mut self, wait: Duration) -> Recv {
        // A zero read timeout is an error for std: wait at least 1 ms.
        let wait = wait.max(Duration::from_millis(1));
        if self.stream().set_read_timeout(Some(wait)).is_err() {
            return Recv::Closed;
        }
        match self {
            Self::Tcp(s) => {
                let mut buf = vec![0u8; 16 * 1024];
                match s.read(&mut buf) {
                    Ok(0) => Recv::Closed,
                    Ok(n) => {
                        buf.truncate(n);
                        Recv::Bytes(buf)
                    }
                    Err(e) if is_timeout(&e) => Recv::Idle,
                    Err(_) => Recv::Closed,
                }
            }
            Self::Ws(ws) => match ws.read() {
                Ok(Message::Binary(b)) => Recv::Bytes(b.to_vec()),
                // MQTT travels in binary messages only [MQTT-6.0.0-1]; a text message ends it.
                Ok(Message::Text(_)) | Ok(Message::Close(_)) => Recv::Closed,
                Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => Recv::Idle,
                Err(tungstenite::Error::Io(e)) if is_timeout(&e) => Recv::Idle,
                Err(_) => Recv::Closed,
            },
        }
    }

    /// Closes politely: a WebSocket Close frame first, then the TCP connection.
    pub(crate) fn close(&mut self) {
        if let Self::Ws(ws) = self {
            let _ = ws.close(None);
            let _ = ws.flush();
        }
        let _ = self.stream().shutdown(Shutdown::Both);
    }

    /// Drops the TCP connection without a WebSocket Close frame (an abrupt loss).
    pub(crate) fn abort(&mut self) {
        let _ = self.stream().shutdown(Shutdown::Both);
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}
