//! Scripts: what the peer does on one connection, step by step, and the interpreter that runs
//! them while recording every packet the client sends.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use mqtt_proto::{Connect, Decoder, Packet, PacketType, ProtocolVersion};

use super::link::{Link, Recv};
use super::{ConnectionLog, End, Shared};

/// How long an [`Step::Expect`] waits for its packet.
pub const EXPECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the peer keeps reading after the last step, to record what the client sends last
/// (its DISCONNECT) and see it close.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// The peer's own limit on client packets.
const PEER_MAX_PACKET: u32 = 1024 * 1024;
/// The longest single blocking read, so a shut-down peer notices within this time.
const READ_SLICE: Duration = Duration::from_millis(200);

/// What a step may look at: the client's CONNECT and the packet the last [`Step::Expect`] matched.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The protocol version of the client's CONNECT (5.0 until it arrives).
    pub version: ProtocolVersion,
    /// The client's CONNECT, once received.
    pub connect: Option<Connect>,
    /// The packet the last [`Step::Expect`] matched.
    pub last: Option<Packet>,
    /// Whether every packet is sent one byte per write ([`Step::SplitAll`]).
    pub split: bool,
}

impl Ctx {
    fn new() -> Self {
        Self {
            version: ProtocolVersion::V5,
            connect: None,
            last: None,
            split: false,
        }
    }

    /// Whether the client speaks MQTT 5.0.
    pub fn is_v5(&self) -> bool {
        self.version.is_v5()
    }

    /// The client's Maximum Packet Size (5.0 CONNECT property; the protocol maximum otherwise).
    pub fn client_max_packet(&self) -> u32 {
        self.connect
            .as_ref()
            .and_then(|c| c.properties.maximum_packet_size)
            .unwrap_or(mqtt_proto::wire::MAX_VARINT + 5)
    }

    /// The client's Topic Alias Maximum (0 when absent).
    pub fn client_topic_alias_max(&self) -> u16 {
        self.connect
            .as_ref()
            .and_then(|c| c.properties.topic_alias_maximum)
            .unwrap_or(0)
    }
}

/// Builds a packet from the context (encoded with the client's version when sent).
pub type PacketFn = Box<dyn Fn(&Ctx) -> Packet + Send>;
/// Builds raw bytes from the context.
pub type BytesFn = Box<dyn Fn(&Ctx) -> Vec<u8> + Send>;

/// One step of a [`Script`].
pub enum Step {
    /// Read until a packet of this type arrives (others are recorded and skipped), at most
    /// [`EXPECT_TIMEOUT`]. The script stops if the client closes first.
    Expect(PacketType),
    /// Send a packet, encoded with our codec in the client's version.
    Send(PacketFn),
    /// Send raw bytes in one write (for malformed input).
    SendBytes(BytesFn),
    /// Send raw bytes one byte per write (one WebSocket message per byte).
    SendSplit(BytesFn),
    /// From now on every packet and raw write goes out one byte per write.
    SplitAll,
    /// Stop reading and answering for this long (or until the peer shuts down).
    Stall(Duration),
    /// Read and record everything, answer nothing, for this long or until the client closes.
    Ignore(Duration),
    /// Close the connection (a WebSocket Close frame first).
    Close,
    /// Send the first half of these bytes, then drop the connection abruptly.
    CloseMidPacket(BytesFn),
}

impl Step {
    /// Sends `packet` as it is.
    pub fn send(packet: Packet) -> Self {
        Self::Send(Box::new(move |_| packet.clone()))
    }

    /// Sends the packet `f` builds (e.g. an answer to [`Ctx::last`]).
    pub fn send_with(f: impl Fn(&Ctx) -> Packet + Send + 'static) -> Self {
        Self::Send(Box::new(f))
    }

    /// Sends the raw bytes `f` builds.
    pub fn bytes_with(f: impl Fn(&Ctx) -> Vec<u8> + Send + 'static) -> Self {
        Self::SendBytes(Box::new(f))
    }
}

impl fmt::Debug for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expect(t) => write!(f, "Expect({t})"),
            Self::Send(_) => f.write_str("Send"),
            Self::SendBytes(_) => f.write_str("SendBytes"),
            Self::SendSplit(_) => f.write_str("SendSplit"),
            Self::SplitAll => f.write_str("SplitAll"),
            Self::Stall(d) => write!(f, "Stall({d:?})"),
            Self::Ignore(d) => write!(f, "Ignore({d:?})"),
            Self::Close => f.write_str("Close"),
            Self::CloseMidPacket(_) => f.write_str("CloseMidPacket"),
        }
    }
}

/// A sequence of steps. After the last one (unless it closed) the peer keeps reading for
/// [`DRAIN_TIMEOUT`] or until the client closes, then closes.
#[derive(Debug, Default)]
pub struct Script {
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Script {
    /// A script of `steps`.
    pub fn new(steps: Vec<Step>) -> Self {
        Self { steps }
    }
}

/// One connection being scripted: the link, the client-side decoder and the log entry.
pub(crate) struct Conn<'a> {
    link: Link,
    shared: &'a Shared,
    index: usize,
    decoder: Decoder,
    queue: VecDeque<Packet>,
    ctx: Ctx,
    /// Why the connection is over, once it is.
    end: Option<End>,
}

impl<'a> Conn<'a> {
    pub(crate) fn new(link: Link, shared: &'a Shared, index: usize) -> Self {
        Self {
            link,
            shared,
            index,
            decoder: Decoder::new(ProtocolVersion::V5, PEER_MAX_PACKET),
            queue: VecDeque::new(),
            ctx: Ctx::new(),
            end: None,
        }
    }

    fn update(&self, f: impl FnOnce(&mut ConnectionLog)) {
        self.shared.update(self.index, f);
    }

    /// The next packet from the client, waiting until `deadline` at most. `None` when the
    /// deadline passed or the connection is over (then `self.end` says why).
    pub(crate) fn next_packet(&mut self, deadline: Instant) -> Option<Packet> {
        loop {
            if let Some(p) = self.queue.pop_front() {
                return Some(p);
            }
            if self.end.is_some() {
                return None;
            }
            if self.shared.is_shut_down() {
                self.end = Some(End::Shutdown);
                return None;
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            match self.link.recv((deadline - now).min(READ_SLICE)) {
                Recv::Bytes(b) => self.feed(&b),
                Recv::Closed => self.end = Some(End::ClientClosed),
                Recv::Idle => {}
            }
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.decoder.feed(bytes);
        loop {
            match self.decoder.next_packet() {
                Ok(Some((packet, _raw))) => {
                    if let Packet::Connect(c) = &packet {
                        self.decoder.set_version(c.protocol);
                        self.ctx.version = c.protocol;
                        self.ctx.connect = Some((**c).clone());
                        let (version, id) = (c.protocol, c.client_id.as_str().to_owned());
                        self.update(|log| {
                            log.version = Some(version);
                            log.client_id = Some(id);
                        });
                    }
                    let p = packet.clone();
                    self.update(|log| log.received.push(p));
                    self.queue.push_back(packet);
                }
                Ok(None) => return,
                Err(e) => {
                    self.update(|log| log.decode_error = Some(e));
                    self.end = Some(End::ClientMalformed);
                    return;
                }
            }
        }
    }

    /// Puts a packet taken with [`Conn::next_packet`] back (it stays recorded once).
    pub(crate) fn unread(&mut self, packet: Packet) {
        self.queue.push_front(packet);
    }

    pub(crate) fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    pub(crate) fn note(&self, text: String) {
        self.update(|log| log.notes.push(text));
    }

    /// Runs `script`, then drains and closes, and records how the connection ended.
    pub(crate) fn run(mut self, script: Script) {
        for step in script.steps {
            if self.end.is_some() {
                break;
            }
            self.step(step);
        }
        if self.end.is_none() {
            self.ignore(DRAIN_TIMEOUT);
            if self.end.is_none() {
                self.end = Some(End::TimedOut);
            }
        }
        self.link.close();
        let end = self.end.take().unwrap_or(End::PeerClosed);
        self.update(|log| log.end = Some(end));
    }

    /// Ends the connection without a script (an unknown scenario): closes after `bytes`.
    pub(crate) fn reject(mut self, bytes: &[u8], why: String) {
        let _ = self.link.send(bytes);
        self.link.close();
        self.update(|log| {
            log.notes.push(why);
            log.end = Some(End::PeerClosed);
        });
    }

    fn step(&mut self, step: Step) {
        match step {
            Step::Expect(t) => {
                let deadline = Instant::now() + EXPECT_TIMEOUT;
                loop {
                    match self.next_packet(deadline) {
                        Some(p) if p.packet_type() == t => {
                            self.ctx.last = Some(p);
                            return;
                        }
                        Some(_) => continue,
                        None => {
                            if self.end.is_none() {
                                self.note(format!("timed out waiting for {t}"));
                                self.end = Some(End::TimedOut);
                            }
                            return;
                        }
                    }
                }
            }
            Step::Send(f) => {
                let packet = f(&self.ctx);
                let mut buf = BytesMut::new();
                match packet.encode(self.ctx.version, &mut buf) {
                    Ok(_) => self.write(&buf, self.ctx.split),
                    Err(e) => {
                        self.note(format!("cannot encode {}: {e}", packet.packet_type()));
                        self.end = Some(End::PeerClosed);
                    }
                }
            }
            Step::SendBytes(f) => {
                let bytes = f(&self.ctx);
                self.write(&bytes, self.ctx.split);
            }
            Step::SendSplit(f) => {
                let bytes = f(&self.ctx);
                self.write(&bytes, true);
            }
            Step::SplitAll => self.ctx.split = true,
            Step::Stall(d) => {
                if self.shared.wait_shutdown(d) {
                    self.end = Some(End::Shutdown);
                }
            }
            Step::Ignore(d) => self.ignore(d),
            Step::Close => {
                self.link.close();
                self.end = Some(End::PeerClosed);
            }
            Step::CloseMidPacket(f) => {
                let bytes = f(&self.ctx);
                let half = bytes.get(..bytes.len() / 2).unwrap_or_default();
                self.write(half, self.ctx.split);
                self.link.abort();
                self.end = Some(End::PeerClosed);
            }
        }
    }

    /// Reads and records until the client closes or `d` passes.
    fn ignore(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while self.next_packet(deadline).is_some() {}
    }

    fn write(&mut self, bytes: &[u8], split: bool) {
        let result = if split {
            bytes
                .iter()
                .try_for_each(|b| self.link.send(std::slice::from_ref(b)))
        } else {
            self.link.send(bytes)
        };
        if result.is_err() {
            self.end = Some(End::ClientClosed);
        }
    }
}
