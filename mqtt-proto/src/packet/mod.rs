//! MQTT control packets: [`Packet`] and one module per packet type.
//!
//! Every packet type serves MQTT 3.1, 3.1.1 and 5.0: the protocol version is an argument of
//! [`Packet::encode`] and [`Packet::decode`]. Fields that only exist in 5.0 (properties, reason codes
//! other than success) must be empty / success when encoding for 3.1.1, and decode as empty there.

mod ack;
mod auth;
mod connack;
mod connect;
mod disconnect;
mod ping;
mod puback;
mod pubcomp;
mod publish;
mod pubrec;
mod pubrel;
mod suback;
mod subscribe;
mod unsuback;
mod unsubscribe;

use alloc::boxed::Box;
use core::fmt;

use bytes::{Buf, BufMut, Bytes, BytesMut};

pub use auth::Auth;
pub use connack::ConnAck;
pub use connect::{Connect, Will};
pub use disconnect::Disconnect;
pub use puback::PubAck;
pub use pubcomp::PubComp;
pub use publish::Publish;
pub use pubrec::PubRec;
pub use pubrel::PubRel;
pub use suback::SubAck;
pub use subscribe::{RetainHandling, Subscribe, SubscriptionOptions};
pub use unsuback::UnsubAck;
pub use unsubscribe::Unsubscribe;

use crate::error::{DecodeError, EncodeError};
use crate::properties::{Context, Properties};
use crate::reason_code::ReasonCode;
use crate::types::{PacketId, ProtocolVersion};
use crate::wire::{self, decode_varint, varint_len, Reader, MAX_VARINT};

/// The control packet type: the high nibble of the first byte (section 2.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PacketType {
    /// 1: client request to connect.
    Connect = 1,
    /// 2: connect acknowledgment.
    ConnAck = 2,
    /// 3: publish message.
    Publish = 3,
    /// 4: publish acknowledgment (QoS 1).
    PubAck = 4,
    /// 5: publish received (QoS 2, part 1).
    PubRec = 5,
    /// 6: publish release (QoS 2, part 2).
    PubRel = 6,
    /// 7: publish complete (QoS 2, part 3).
    PubComp = 7,
    /// 8: subscribe request.
    Subscribe = 8,
    /// 9: subscribe acknowledgment.
    SubAck = 9,
    /// 10: unsubscribe request.
    Unsubscribe = 10,
    /// 11: unsubscribe acknowledgment.
    UnsubAck = 11,
    /// 12: ping request.
    PingReq = 12,
    /// 13: ping response.
    PingResp = 13,
    /// 14: disconnect notification.
    Disconnect = 14,
    /// 15: authentication exchange (MQTT 5.0 only).
    Auth = 15,
}

impl PacketType {
    /// The packet type for a 4-bit value; `None` for the reserved value 0 (and values above 15).
    pub const fn from_u8(value: u8) -> Option<Self> {
        Some(match value {
            1 => Self::Connect,
            2 => Self::ConnAck,
            3 => Self::Publish,
            4 => Self::PubAck,
            5 => Self::PubRec,
            6 => Self::PubRel,
            7 => Self::PubComp,
            8 => Self::Subscribe,
            9 => Self::SubAck,
            10 => Self::Unsubscribe,
            11 => Self::UnsubAck,
            12 => Self::PingReq,
            13 => Self::PingResp,
            14 => Self::Disconnect,
            15 => Self::Auth,
            _ => return None,
        })
    }

    /// Whether only clients send this packet (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ; the
    /// direction of flow in section 2.1.2).
    pub const fn is_client_only(self) -> bool {
        matches!(
            self,
            Self::Connect | Self::Subscribe | Self::Unsubscribe | Self::PingReq
        )
    }

    /// Whether only servers send this packet (CONNACK, SUBACK, UNSUBACK, PINGRESP; section 2.1.2).
    pub const fn is_server_only(self) -> bool {
        matches!(
            self,
            Self::ConnAck | Self::SubAck | Self::UnsubAck | Self::PingResp
        )
    }

    /// The spec's upper-case name, e.g. `"PUBACK"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Connect => "CONNECT",
            Self::ConnAck => "CONNACK",
            Self::Publish => "PUBLISH",
            Self::PubAck => "PUBACK",
            Self::PubRec => "PUBREC",
            Self::PubRel => "PUBREL",
            Self::PubComp => "PUBCOMP",
            Self::Subscribe => "SUBSCRIBE",
            Self::SubAck => "SUBACK",
            Self::Unsubscribe => "UNSUBSCRIBE",
            Self::UnsubAck => "UNSUBACK",
            Self::PingReq => "PINGREQ",
            Self::PingResp => "PINGRESP",
            Self::Disconnect => "DISCONNECT",
            Self::Auth => "AUTH",
        }
    }

    /// The fixed header flags every packet of this type carries; PUBLISH's vary (returns `None`).
    pub const fn fixed_flags(self) -> Option<u8> {
        match self {
            Self::Publish => None,
            Self::PubRel | Self::Subscribe | Self::Unsubscribe => Some(0b0010),
            _ => Some(0),
        }
    }
}

impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An MQTT control packet.
///
/// ```
/// use bytes::BytesMut;
/// use mqtt_proto::{Packet, PacketId, ProtocolVersion, PubAck};
///
/// let ack = Packet::PubAck(PubAck::new(PacketId::new(7).unwrap()));
/// let mut buf = BytesMut::new();
/// ack.encode(ProtocolVersion::V5, &mut buf).unwrap();
/// assert_eq!(&buf[..], [0x40, 0x02, 0x00, 0x07]);
/// assert_eq!(Packet::decode(ProtocolVersion::V5, buf.freeze()).unwrap(), ack);
/// ```
// CONNECT is boxed: it is more than twice as large as the next variant (client id, Will, user
// name, password) and is sent once per connection, while every PUBACK or PINGREQ would otherwise
// initialise and move a CONNECT-sized value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packet {
    /// CONNECT (boxed: the largest packet, once per connection).
    Connect(Box<Connect>),
    /// CONNACK.
    ConnAck(ConnAck),
    /// PUBLISH.
    Publish(Publish),
    /// PUBACK.
    PubAck(PubAck),
    /// PUBREC.
    PubRec(PubRec),
    /// PUBREL.
    PubRel(PubRel),
    /// PUBCOMP.
    PubComp(PubComp),
    /// SUBSCRIBE.
    Subscribe(Subscribe),
    /// SUBACK.
    SubAck(SubAck),
    /// UNSUBSCRIBE.
    Unsubscribe(Unsubscribe),
    /// UNSUBACK.
    UnsubAck(UnsubAck),
    /// PINGREQ.
    PingReq,
    /// PINGRESP.
    PingResp,
    /// DISCONNECT.
    Disconnect(Disconnect),
    /// AUTH (MQTT 5.0 only).
    Auth(Auth),
}

impl Packet {
    /// The packet's type.
    pub fn packet_type(&self) -> PacketType {
        match self {
            Self::Connect(_) => PacketType::Connect,
            Self::ConnAck(_) => PacketType::ConnAck,
            Self::Publish(_) => PacketType::Publish,
            Self::PubAck(_) => PacketType::PubAck,
            Self::PubRec(_) => PacketType::PubRec,
            Self::PubRel(_) => PacketType::PubRel,
            Self::PubComp(_) => PacketType::PubComp,
            Self::Subscribe(_) => PacketType::Subscribe,
            Self::SubAck(_) => PacketType::SubAck,
            Self::Unsubscribe(_) => PacketType::Unsubscribe,
            Self::UnsubAck(_) => PacketType::UnsubAck,
            Self::PingReq => PacketType::PingReq,
            Self::PingResp => PacketType::PingResp,
            Self::Disconnect(_) => PacketType::Disconnect,
            Self::Auth(_) => PacketType::Auth,
        }
    }

    /// The packet identifier, for the packets that have one.
    pub fn packet_id(&self) -> Option<PacketId> {
        match self {
            Self::Publish(p) => p.packet_id,
            Self::PubAck(p) => Some(p.packet_id),
            Self::PubRec(p) => Some(p.packet_id),
            Self::PubRel(p) => Some(p.packet_id),
            Self::PubComp(p) => Some(p.packet_id),
            Self::Subscribe(p) => Some(p.packet_id),
            Self::SubAck(p) => Some(p.packet_id),
            Self::Unsubscribe(p) => Some(p.packet_id),
            Self::UnsubAck(p) => Some(p.packet_id),
            Self::Connect(_)
            | Self::ConnAck(_)
            | Self::PingReq
            | Self::PingResp
            | Self::Disconnect(_)
            | Self::Auth(_) => None,
        }
    }

    /// The exact size of the encoded packet (fixed header included), after validating it as
    /// [`Packet::encode`] does.
    pub fn encoded_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        let body = self.body_len(v)?;
        frame_len(body)
    }

    /// Validates the packet for version `v` and appends its encoding to `buf`, returning the
    /// number of bytes written. On error nothing is written.
    ///
    /// CONNECT is encoded in its own [`Connect::protocol`] version; `v` is ignored for it (as in
    /// [`Packet::decode`]).
    #[inline]
    pub fn encode(&self, v: ProtocolVersion, buf: &mut BytesMut) -> Result<usize, EncodeError> {
        self.encode_with_limit(v, u32::MAX, buf)
    }

    /// Like [`Packet::encode`], but fails with [`EncodeError::PacketTooLarge`] if the packet would
    /// be larger than `max_packet_size` bytes (the peer's Maximum Packet Size).
    ///
    /// MQTT 5.0 lets a sender drop the Reason String and User Properties to make a packet fit
    /// (e.g. [MQTT-3.4.2-3]); this codec never alters packets: on `PacketTooLarge` the caller
    /// decides whether to retry without them.
    #[inline]
    pub fn encode_with_limit(
        &self,
        v: ProtocolVersion,
        max_packet_size: u32,
        buf: &mut BytesMut,
    ) -> Result<usize, EncodeError> {
        self.encode_as::<false>(v, max_packet_size, buf)
    }

    /// Like [`Packet::encode_with_limit`], for a client: a packet only servers send (CONNACK,
    /// SUBACK, UNSUBACK, PINGRESP; section 2.1.2) is refused with
    /// [`EncodeError::ServerOnlyPacket`]. A program that encodes with this function only does not
    /// link the encoders of those packets (the browser client's size).
    #[inline]
    pub fn encode_from_client(
        &self,
        v: ProtocolVersion,
        max_packet_size: u32,
        buf: &mut BytesMut,
    ) -> Result<usize, EncodeError> {
        self.encode_as::<true>(v, max_packet_size, buf)
    }

    /// [`Packet::encode_with_limit`], or with `FROM_CLIENT` [`Packet::encode_from_client`].
    #[inline(always)]
    fn encode_as<const FROM_CLIENT: bool>(
        &self,
        v: ProtocolVersion,
        max_packet_size: u32,
        buf: &mut BytesMut,
    ) -> Result<usize, EncodeError> {
        // PUBLISH first, tested before anything else: the most frequent packet, with its own
        // validate / size / write (no dispatch on the variant in each of them).
        if let Self::Publish(p) = self {
            return p.encode(v, max_packet_size, buf);
        }
        match self {
            Self::Subscribe(p) => p.encode(v, max_packet_size, buf),
            Self::PubAck(_)
            | Self::PubRec(_)
            | Self::PubRel(_)
            | Self::PubComp(_)
            | Self::PingReq => self.encode_fixed::<FROM_CLIENT>(v, max_packet_size, buf),
            Self::PingResp if !FROM_CLIENT => {
                self.encode_fixed::<FROM_CLIENT>(v, max_packet_size, buf)
            }
            _ => self.encode_general::<FROM_CLIENT>(v, max_packet_size, buf),
        }
    }

    /// Fixed-size packets (the publish acknowledgments' shortest form, PINGREQ, PINGRESP): the
    /// whole frame is known without the validate / size / write passes, and these have nothing
    /// else to validate (the shortest ack form is valid in every version).
    #[inline]
    fn encode_fixed<const FROM_CLIENT: bool>(
        &self,
        v: ProtocolVersion,
        max_packet_size: u32,
        buf: &mut BytesMut,
    ) -> Result<usize, EncodeError> {
        let Some((frame, len)) = self.fixed_frame() else {
            return self.encode_general::<FROM_CLIENT>(v, max_packet_size, buf);
        };
        if len > max_packet_size as usize {
            return Err(EncodeError::PacketTooLarge {
                size: len,
                max: max_packet_size,
            });
        }
        debug_assert_eq!(self.body_len(v).ok(), Some(len - 2), "fixed_frame's size");
        // Constant-size writes (a slice of variable length would be a `memcpy` call).
        let [a, b, c, d] = frame;
        if len == 4 {
            buf.put_slice(&[a, b, c, d]);
        } else {
            buf.put_slice(&[a, b]);
        }
        Ok(len)
    }

    /// The whole frame of a packet whose encoding does not depend on the version or on
    /// variable-length fields, with its length: PUBACK / PUBREC / PUBREL / PUBCOMP with Success
    /// and no properties (the remaining length 2 form), PINGREQ and PINGRESP.
    #[inline]
    fn fixed_frame(&self) -> Option<([u8; 4], usize)> {
        #[inline]
        fn ack(
            first: u8,
            id: PacketId,
            reason_code: ReasonCode,
            props: &Properties,
        ) -> Option<([u8; 4], usize)> {
            // A list with values allocated (even if all were cleared) takes the general path:
            // this one stays free of calls.
            if reason_code != ReasonCode::SUCCESS || !props.is_unallocated() {
                return None;
            }
            let [hi, lo] = id.get().to_be_bytes();
            Some(([first, 2, hi, lo], 4))
        }
        match self {
            Self::PubAck(p) => ack(0x40, p.packet_id, p.reason_code, &p.properties),
            Self::PubRec(p) => ack(0x50, p.packet_id, p.reason_code, &p.properties),
            Self::PubRel(p) => ack(0x62, p.packet_id, p.reason_code, &p.properties),
            Self::PubComp(p) => ack(0x70, p.packet_id, p.reason_code, &p.properties),
            Self::PingReq => Some(([0xC0, 0, 0, 0], 2)),
            Self::PingResp => Some(([0xD0, 0, 0, 0], 2)),
            _ => None,
        }
    }

    /// [`Packet::encode_with_limit`] for every other packet: validate and size, then write.
    fn encode_general<const FROM_CLIENT: bool>(
        &self,
        v: ProtocolVersion,
        max_packet_size: u32,
        buf: &mut BytesMut,
    ) -> Result<usize, EncodeError> {
        // One match: each arm validates, sizes and writes its own type (`body_len` and
        // `write_body` dispatch on the variant again).
        macro_rules! frame {
            ($t:ident, $body:expr, $write:expr) => {{
                let body = $body?;
                let first = ((PacketType::$t as u8) << 4)
                    | PacketType::$t.fixed_flags().unwrap_or_default();
                write_frame(first, body, max_packet_size, buf, $write)
            }};
        }
        match self {
            Self::Connect(p) => frame!(Connect, p.body_len(), |b| p.write_body(b)),
            Self::ConnAck(p) if !FROM_CLIENT => {
                frame!(ConnAck, p.body_len(v), |b| p.write_body(v, b))
            }
            Self::Publish(p) => p.encode(v, max_packet_size, buf),
            Self::PubAck(p) => frame!(PubAck, ack::body_len(p, v), |b| ack::write_body(p, v, b)),
            Self::PubRec(p) => frame!(PubRec, ack::body_len(p, v), |b| ack::write_body(p, v, b)),
            Self::PubRel(p) => frame!(PubRel, ack::body_len(p, v), |b| ack::write_body(p, v, b)),
            Self::PubComp(p) => frame!(PubComp, ack::body_len(p, v), |b| ack::write_body(p, v, b)),
            Self::Subscribe(p) => p.encode(v, max_packet_size, buf),
            Self::SubAck(p) if !FROM_CLIENT => {
                frame!(SubAck, p.body_len(v), |b| p.write_body(v, b))
            }
            Self::Unsubscribe(p) => frame!(Unsubscribe, p.body_len(v), |b| p.write_body(v, b)),
            Self::UnsubAck(p) if !FROM_CLIENT => {
                frame!(UnsubAck, p.body_len(v), |b| p.write_body(v, b))
            }
            Self::PingReq => frame!(PingReq, Ok::<_, EncodeError>(0), |_| {}),
            Self::PingResp if !FROM_CLIENT => frame!(PingResp, Ok::<_, EncodeError>(0), |_| {}),
            Self::Disconnect(p) => frame!(Disconnect, p.body_len(v), |b| p.write_body(v, b)),
            Self::Auth(p) => frame!(Auth, p.body_len(v), |b| p.write_body(b)),
            // FROM_CLIENT only, refused above.
            Self::ConnAck(_) | Self::SubAck(_) | Self::UnsubAck(_) | Self::PingResp => {
                Err(EncodeError::ServerOnlyPacket {
                    packet_type: self.packet_type(),
                })
            }
        }
    }

    /// Decodes one complete frame (fixed header included), as returned by
    /// [`Decoder::next_frame`](crate::Decoder::next_frame). The frame must end exactly where its
    /// remaining length says.
    ///
    /// A CONNECT is decoded according to its own protocol level (so a server can decode it before
    /// knowing the version); every other packet according to `v`. Strings, topics, binary data and
    /// payloads in the result are zero-copy slices of `frame`.
    pub fn decode(v: ProtocolVersion, frame: Bytes) -> Result<Packet, DecodeError> {
        Self::decode_as::<false>(v, frame)
    }

    /// Like [`Packet::decode`], for a client: a packet only clients send (CONNECT, SUBSCRIBE,
    /// UNSUBSCRIBE, PINGREQ; section 2.1.2) is refused with [`DecodeError::ClientOnlyPacket`]
    /// (0x82 Protocol Error) before its body is read. A program that decodes with this function
    /// only does not link the decoders of those packets (the browser client's size).
    pub fn decode_from_server(v: ProtocolVersion, frame: Bytes) -> Result<Packet, DecodeError> {
        Self::decode_as::<true>(v, frame)
    }

    /// [`Packet::decode`], or with `FROM_SERVER` [`Packet::decode_from_server`].
    #[inline(always)]
    fn decode_as<const FROM_SERVER: bool>(
        v: ProtocolVersion,
        frame: Bytes,
    ) -> Result<Packet, DecodeError> {
        let first = *frame.first().ok_or(DecodeError::Truncated)?;
        let rest = frame.get(1..).unwrap_or_default();
        let (remaining, n) = decode_varint(rest)?.ok_or(DecodeError::Truncated)?;
        let header_len = 1 + n;
        let total = header_len + remaining as usize;
        let packet_type = check_fixed_header(v, first)?;
        if FROM_SERVER && packet_type.is_client_only() {
            return Err(DecodeError::ClientOnlyPacket { packet_type });
        }
        if frame.len() < total {
            return Err(DecodeError::Truncated);
        }
        if frame.len() > total {
            return Err(DecodeError::TrailingBytes { packet_type });
        }
        let flags = first & 0x0F;
        // Moving the view instead of `slice`: no reference count traffic.
        let mut body = frame;
        body.advance(header_len);
        let mut r = Reader::new(body);
        let packet = match packet_type {
            PacketType::Connect if !FROM_SERVER => {
                Self::Connect(Box::new(Connect::decode_body(&mut r)?))
            }
            PacketType::ConnAck => Self::ConnAck(ConnAck::decode_body(v, &mut r)?),
            PacketType::Publish => Self::Publish(Publish::decode_body(v, flags, &mut r)?),
            PacketType::PubAck => Self::PubAck(ack::decode_body(v, &mut r)?),
            PacketType::PubRec => Self::PubRec(ack::decode_body(v, &mut r)?),
            PacketType::PubRel => Self::PubRel(ack::decode_body(v, &mut r)?),
            PacketType::PubComp => Self::PubComp(ack::decode_body(v, &mut r)?),
            PacketType::Subscribe if !FROM_SERVER => {
                Self::Subscribe(Subscribe::decode_body(v, &mut r)?)
            }
            PacketType::SubAck => Self::SubAck(SubAck::decode_body(v, &mut r)?),
            PacketType::Unsubscribe if !FROM_SERVER => {
                Self::Unsubscribe(Unsubscribe::decode_body(v, &mut r)?)
            }
            PacketType::UnsubAck => Self::UnsubAck(UnsubAck::decode_body(v, &mut r)?),
            PacketType::PingReq if !FROM_SERVER => Self::PingReq,
            PacketType::PingResp => Self::PingResp,
            PacketType::Disconnect => Self::Disconnect(Disconnect::decode_body(v, &mut r)?),
            PacketType::Auth => Self::Auth(Auth::decode_body(&mut r)?),
            // FROM_SERVER only, refused above.
            PacketType::Connect
            | PacketType::Subscribe
            | PacketType::Unsubscribe
            | PacketType::PingReq => return Err(DecodeError::ClientOnlyPacket { packet_type }),
        };
        r.finish(packet_type)?;
        Ok(packet)
    }

    /// Validates the packet and returns its remaining length.
    fn body_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        self.body_len_as::<false>(v)
    }

    /// [`Packet::encoded_len`] for the packets [`Packet::encode_from_client`] encodes.
    pub(crate) fn client_encoded_len(&self, v: ProtocolVersion) -> Result<usize, EncodeError> {
        frame_len(self.body_len_as::<true>(v)?)
    }

    /// [`Packet::body_len`]; with `FROM_CLIENT`, refusing the packets only servers send.
    #[inline(always)]
    fn body_len_as<const FROM_CLIENT: bool>(
        &self,
        v: ProtocolVersion,
    ) -> Result<usize, EncodeError> {
        match self {
            Self::Connect(p) => p.body_len(),
            Self::ConnAck(p) if !FROM_CLIENT => p.body_len(v),
            Self::Publish(p) => p.body_len(v),
            Self::PubAck(p) => ack::body_len(p, v),
            Self::PubRec(p) => ack::body_len(p, v),
            Self::PubRel(p) => ack::body_len(p, v),
            Self::PubComp(p) => ack::body_len(p, v),
            Self::Subscribe(p) => p.body_len(v),
            Self::SubAck(p) if !FROM_CLIENT => p.body_len(v),
            Self::Unsubscribe(p) => p.body_len(v),
            Self::UnsubAck(p) if !FROM_CLIENT => p.body_len(v),
            Self::PingReq => Ok(0),
            Self::PingResp if !FROM_CLIENT => Ok(0),
            Self::Disconnect(p) => p.body_len(v),
            Self::Auth(p) => p.body_len(v),
            Self::ConnAck(_) | Self::SubAck(_) | Self::UnsubAck(_) | Self::PingResp => {
                Err(EncodeError::ServerOnlyPacket {
                    packet_type: self.packet_type(),
                })
            }
        }
    }
}

/// Checks the first byte of a fixed header: packet type (0 is reserved, and 15 before 5.0) and
/// flags ([MQTT-2.1.3-1]; PUBLISH flags are checked by PUBLISH).
pub(crate) fn check_fixed_header(v: ProtocolVersion, first: u8) -> Result<PacketType, DecodeError> {
    let value = first >> 4;
    let packet_type = PacketType::from_u8(value)
        .filter(|t| *t != PacketType::Auth || v.is_v5())
        .ok_or(DecodeError::InvalidPacketType { value, version: v })?;
    let flags = first & 0x0F;
    match packet_type.fixed_flags() {
        Some(expected) if expected != flags => {
            Err(DecodeError::InvalidFixedHeaderFlags { packet_type, flags })
        }
        _ => Ok(packet_type),
    }
}

/// The size of a frame with a `body`-byte body, refused with [`EncodeError::PacketTooLarge`] if it
/// exceeds `max_packet_size` (checked before anything is written).
#[inline]
pub(super) fn frame_within(body: usize, max_packet_size: u32) -> Result<usize, EncodeError> {
    let total = frame_len(body)?;
    if total > max_packet_size as usize {
        return Err(EncodeError::PacketTooLarge {
            size: total,
            max: max_packet_size,
        });
    }
    Ok(total)
}

/// Writes the fixed header for a remaining length of `body` (validated by the caller's size
/// computation) and the body (`write`), after checking the frame against `max_packet_size`.
#[inline(always)]
fn write_frame(
    first: u8,
    body: usize,
    max_packet_size: u32,
    buf: &mut BytesMut,
    write: impl FnOnce(&mut BytesMut),
) -> Result<usize, EncodeError> {
    let total = frame_within(body, max_packet_size)?;
    buf.reserve(total);
    let start = buf.len();
    if body < 0x80 {
        // The common short packet: the whole fixed header in one write.
        buf.put_slice(&[first, body as u8]);
    } else if body < 0x4000 {
        // A two-byte remaining length, also in one write.
        buf.put_slice(&[first, (body as u8) | 0x80, (body >> 7) as u8]);
    } else {
        buf.put_u8(first);
        // `frame_len` checked that `body` fits a Variable Byte Integer.
        wire::write_varint(buf, body as u32);
    }
    write(buf);
    debug_assert_eq!(
        buf.len() - start,
        total,
        "encoded_len disagrees with encode"
    );
    Ok(total)
}

/// Size of a whole packet with a remaining length of `body`, or `PacketTooLarge` if `body` does not
/// fit a Variable Byte Integer.
fn frame_len(body: usize) -> Result<usize, EncodeError> {
    match u32::try_from(body) {
        Ok(b) if b <= MAX_VARINT => Ok(1 + varint_len(b) + body),
        _ => Err(EncodeError::PacketTooLarge {
            size: 1 + 4 + body,
            max: MAX_VARINT + 5,
        }),
    }
}

/// Reads a packet identifier, rejecting 0 ([MQTT-2.2.1-3]).
fn read_packet_id(r: &mut Reader) -> Result<PacketId, DecodeError> {
    PacketId::new(r.read_u16()?).ok_or(DecodeError::ZeroPacketId)
}

/// Properties on the wire for `v`: their size in 5.0; in earlier versions they must be empty.
fn properties_len(
    props: &Properties,
    ctx: Context,
    v: ProtocolVersion,
) -> Result<usize, EncodeError> {
    if v.is_v5() {
        props.wire_len(ctx)
    } else if props.is_empty() {
        Ok(0)
    } else {
        Err(EncodeError::NotInVersion {
            field: "properties",
            version: v,
        })
    }
}

/// Remaining length of the "reason code, then properties" body of DISCONNECT and AUTH (5.0), using
/// the shortest form: nothing when the code is 0 and there are no properties, the code alone when
/// there are no properties.
fn reason_body_len(
    packet_type: PacketType,
    reason_code: ReasonCode,
    props: &Properties,
) -> Result<usize, EncodeError> {
    if !reason_code.is_valid_for(packet_type) {
        return Err(EncodeError::InvalidReasonCode {
            packet_type,
            code: reason_code.0,
        });
    }
    let props_len = props.wire_len(Context::Packet(packet_type))?;
    Ok(
        match (reason_code == ReasonCode::SUCCESS, props.is_empty()) {
            (true, true) => 0,
            (false, true) => 1,
            _ => 1 + props_len,
        },
    )
}

fn write_reason_body(reason_code: ReasonCode, props: &Properties, buf: &mut BytesMut) {
    let empty = props.is_empty();
    if reason_code != ReasonCode::SUCCESS || !empty {
        buf.put_u8(reason_code.0);
    }
    if !empty {
        props.write(buf);
    }
}

/// Reads the "reason code, then properties" body of DISCONNECT and AUTH (5.0), accepting the
/// short forms.
fn read_reason_body(
    packet_type: PacketType,
    r: &mut Reader,
) -> Result<(ReasonCode, Properties), DecodeError> {
    if r.is_empty() {
        return Ok((ReasonCode::SUCCESS, Properties::default()));
    }
    let reason_code = read_reason_code(packet_type, r, "MQTT 2.4")?;
    let props = if r.is_empty() {
        Properties::default()
    } else {
        Properties::read(r, Context::Packet(packet_type))?
    };
    Ok((reason_code, props))
}

/// Reads a 5.0 reason code and checks it against the packet's table.
fn read_reason_code(
    packet_type: PacketType,
    r: &mut Reader,
    rule: &'static str,
) -> Result<ReasonCode, DecodeError> {
    let code = r.read_u8()?;
    let reason_code = ReasonCode(code);
    if reason_code.is_valid_for(packet_type) {
        Ok(reason_code)
    } else {
        Err(DecodeError::InvalidReasonCode {
            packet_type,
            code,
            rule,
        })
    }
}
