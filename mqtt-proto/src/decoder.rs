//! [`Decoder`]: splits a byte stream into MQTT frames and packets.

use alloc::vec::Vec;

use bytes::{Bytes, BytesMut};

use crate::error::DecodeError;
use crate::packet::{check_fixed_header, Packet, PacketType};
use crate::types::ProtocolVersion;
use crate::wire::{decode_varint, write_varint};

/// A streaming decoder: feed it bytes as they arrive, take complete packets out.
///
/// Only the fixed header decides whether a frame is complete: `Ok(None)` means "the fixed header or
/// the rest of the frame has not arrived yet". A frame is rejected as soon as its fixed header is
/// readable if its type is reserved, its flags are wrong, or its size exceeds the maximum packet
/// size, so an oversized packet is never buffered. A variable byte integer is rejected as soon as
/// its fourth byte has the continuation bit.
///
/// After an error the decoder is poisoned: it drops its buffer, ignores further input and returns
/// the same error forever (the connection must be closed). It keeps the bytes the error was found
/// in, for a trace ([`Decoder::rejected`]).
///
/// A server decoding CONNECT before knowing the version should read the version from the decoded
/// [`Connect`](crate::Connect) and call [`Decoder::set_version`].
///
/// ```
/// use mqtt_proto::{Decoder, Packet, ProtocolVersion};
///
/// let mut decoder = Decoder::new(ProtocolVersion::V311, 1024);
/// decoder.feed(&[0xD0]);
/// assert!(decoder.next_packet().unwrap().is_none());
/// decoder.feed(&[0x00, 0xC0, 0x00]);
/// let (packet, raw) = decoder.next_packet().unwrap().unwrap();
/// assert_eq!(packet, Packet::PingResp);
/// assert_eq!(&raw[..], [0xD0, 0x00]);
/// assert_eq!(decoder.next_packet().unwrap().unwrap().0, Packet::PingReq);
/// ```
#[derive(Debug)]
pub struct Decoder {
    version: ProtocolVersion,
    max_packet_size: u32,
    buf: BytesMut,
    error: Option<DecodeError>,
    rejected: Bytes,
}

/// Where a PUBLISH fed by [`Decoder::feed_publish_head`] lies in its chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameSplit {
    /// Where the payload starts (after the fixed and variable headers).
    pub payload_start: usize,
    /// The frame's total length: the payload ends here, and the next frame starts here.
    pub frame_len: usize,
}

/// How many bytes of a frame whose fixed header is invalid [`Decoder::rejected`] keeps.
pub const REJECTED_HEADER_BYTES: usize = 16;

impl Decoder {
    /// A decoder for `version` rejecting packets larger than `max_packet_size` bytes (whole packet,
    /// fixed header included, as MQTT 5.0's Maximum Packet Size).
    pub fn new(version: ProtocolVersion, max_packet_size: u32) -> Self {
        Self {
            version,
            max_packet_size,
            buf: BytesMut::new(),
            error: None,
            rejected: Bytes::new(),
        }
    }

    /// Changes the protocol version used for the following packets.
    pub fn set_version(&mut self, version: ProtocolVersion) {
        self.version = version;
    }

    /// The protocol version in use.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// Changes the maximum packet size for the following packets.
    pub fn set_max_packet_size(&mut self, max_packet_size: u32) {
        self.max_packet_size = max_packet_size;
    }

    /// The maximum packet size.
    pub fn max_packet_size(&self) -> u32 {
        self.max_packet_size
    }

    /// Appends received bytes. Ignored once the decoder is poisoned.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.error.is_none() {
            self.buf.extend_from_slice(chunk);
        }
    }

    /// [`Decoder::feed`] taking ownership of the chunk: when nothing is buffered (the usual case
    /// for a WebSocket message holding whole packets) the chunk becomes the buffer without a copy,
    /// and the packets decoded from it are slices of it.
    pub fn feed_vec(&mut self, chunk: Vec<u8>) {
        if self.error.is_some() {
            return;
        }
        if self.buf.is_empty() {
            self.buf = BytesMut::from(Bytes::from(chunk)); // unique: no copy
        } else {
            self.buf.extend_from_slice(&chunk);
        }
    }

    /// Bytes received but not yet returned as frames.
    pub fn buffered_len(&self) -> usize {
        self.buf.len()
    }

    /// The error that poisoned the decoder, if any.
    pub fn error(&self) -> Option<&DecodeError> {
        self.error.as_ref()
    }

    /// The bytes the poisoning error was found in (empty while the decoder is not poisoned): the
    /// whole frame if it had arrived complete, otherwise the start of the frame, at most
    /// [`REJECTED_HEADER_BYTES`] of what had arrived (a frame refused from its fixed header, such
    /// as an oversized one, is never buffered further).
    ///
    /// ```
    /// use mqtt_proto::{Decoder, ProtocolVersion};
    ///
    /// let mut decoder = Decoder::new(ProtocolVersion::V311, 1024);
    /// decoder.feed(&[0x36, 0x04, 0x00, 0x01, b'a', 0x00]); // PUBLISH with QoS 3
    /// assert!(decoder.next_packet().is_err());
    /// assert_eq!(&decoder.rejected()[..], [0x36, 0x04, 0x00, 0x01, b'a', 0x00]);
    /// ```
    pub fn rejected(&self) -> &Bytes {
        &self.rejected
    }

    /// The next complete raw frame (fixed header included; a zero-copy split of the buffer), or
    /// `None` if more bytes are needed.
    pub fn next_frame(&mut self) -> Result<Option<Bytes>, DecodeError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        match self.frame_len() {
            Ok(Some(len)) if len <= self.buf.len() => Ok(Some(self.buf.split_to(len).freeze())),
            Ok(_) => Ok(None),
            Err(e) => {
                // A copy of the header's few bytes: the buffer may be large.
                let head = self.buf.get(..REJECTED_HEADER_BYTES).unwrap_or(&self.buf);
                self.rejected = Bytes::copy_from_slice(head);
                Err(self.poison(e))
            }
        }
    }

    /// The next complete packet and its raw bytes, or `None` if more bytes are needed.
    pub fn next_packet(&mut self) -> Result<Option<(Packet, Bytes)>, DecodeError> {
        self.next_decoded(Packet::decode)
    }

    /// Like [`Decoder::next_packet`], for a client: decodes with
    /// [`Packet::decode_from_server`], which refuses the packets only clients send.
    pub fn next_server_packet(&mut self) -> Result<Option<(Packet, Bytes)>, DecodeError> {
        self.next_decoded(Packet::decode_from_server)
    }

    /// The next complete frame, decoded with `decode`; a decode error poisons the decoder.
    #[inline]
    fn next_decoded(
        &mut self,
        decode: impl FnOnce(ProtocolVersion, Bytes) -> Result<Packet, DecodeError>,
    ) -> Result<Option<(Packet, Bytes)>, DecodeError> {
        let Some(frame) = self.next_frame()? else {
            return Ok(None);
        };
        match decode(self.version, frame.clone()) {
            Ok(packet) => Ok(Some((packet, frame))),
            Err(e) => {
                self.rejected = frame;
                Err(self.poison(e))
            }
        }
    }

    /// Feeds the headers of the PUBLISH frame at the start of a received chunk, for a caller that
    /// keeps the chunk (a browser's WebSocket message, in JavaScript memory) and leaves the
    /// payload there instead of copying it into the decoder.
    ///
    /// `head` is the start of the chunk (the fixed and variable headers, and possibly some of the
    /// payload or of the frames that follow), `chunk_len` the chunk's full length. The decoder is
    /// fed the frame's headers as a PUBLISH of their own, with an empty payload, which
    /// [`Decoder::next_packet`] then decodes and checks as strictly as any other frame; the
    /// payload is bytes `payload_start..frame_len` of the chunk, and the next frame starts at
    /// `frame_len`.
    ///
    /// Returns `None` and feeds nothing (feed the chunk with [`Decoder::feed`] instead) unless
    /// nothing is buffered, the decoder is not poisoned, the frame is a PUBLISH, it ends within
    /// `chunk_len` and the maximum packet size, and the lengths of its variable header put the
    /// payload's start within `head` and within the frame. A frame refused here for being invalid
    /// is refused by [`Decoder::next_packet`] when fed whole, with its error.
    ///
    /// ```
    /// use mqtt_proto::{Decoder, Packet, ProtocolVersion};
    ///
    /// let mut decoder = Decoder::new(ProtocolVersion::V311, 1 << 20);
    /// // PUBLISH QoS 0 to "a/b" with a 200-byte payload; only its first 8 bytes are at hand.
    /// let mut frame = vec![0x30, 0xCD, 0x01, 0x00, 0x03, b'a', b'/', b'b'];
    /// frame.resize(208, 0x61);
    /// let split = decoder.feed_publish_head(&frame[..8], frame.len()).unwrap();
    /// assert_eq!((split.payload_start, split.frame_len), (8, 208));
    /// let Some((Packet::Publish(publish), _)) = decoder.next_packet().unwrap() else { panic!() };
    /// assert_eq!(publish.topic.unwrap().as_str(), "a/b");
    /// assert!(publish.payload.is_empty());
    /// ```
    pub fn feed_publish_head(&mut self, head: &[u8], chunk_len: usize) -> Option<FrameSplit> {
        if self.error.is_some() || !self.buf.is_empty() {
            return None;
        }
        let first = *head.first()?;
        if PacketType::from_u8(first >> 4) != Some(PacketType::Publish) {
            return None;
        }
        let (remaining, n) = decode_varint(head.get(1..)?).ok()??;
        let header_len = 1 + n;
        let frame_len = header_len + remaining as usize;
        if frame_len > chunk_len || frame_len > self.max_packet_size as usize {
            return None;
        }
        // Only the lengths of the variable header (section 3.3.2): its contents are checked when
        // the headers are decoded.
        let &[hi, lo] = head.get(header_len..header_len + 2)? else {
            return None;
        };
        let mut end = header_len + 2 + usize::from(u16::from_be_bytes([hi, lo]));
        if first & 0x06 != 0 {
            end += 2; // packet identifier
        }
        if self.version.is_v5() {
            let (properties, m) = decode_varint(head.get(end..)?).ok()??;
            end += m + properties as usize;
        }
        if end > head.len() || end > frame_len {
            return None;
        }
        self.buf.extend_from_slice(&[first]);
        write_varint(&mut self.buf, (end - header_len) as u32);
        self.buf.extend_from_slice(head.get(header_len..end)?);
        Some(FrameSplit {
            payload_start: end,
            frame_len,
        })
    }

    /// The total length of the frame at the head of the buffer, once its fixed header is complete.
    fn frame_len(&self) -> Result<Option<usize>, DecodeError> {
        let Some(&first) = self.buf.first() else {
            return Ok(None);
        };
        check_fixed_header(self.version, first)?;
        let Some((remaining, n)) = decode_varint(self.buf.get(1..).unwrap_or_default())? else {
            return Ok(None);
        };
        let total = 1 + n + remaining as usize;
        if total > self.max_packet_size as usize {
            return Err(DecodeError::PacketTooLarge {
                size: total,
                max: self.max_packet_size,
            });
        }
        Ok(Some(total))
    }

    fn poison(&mut self, e: DecodeError) -> DecodeError {
        self.buf = BytesMut::new();
        self.error = Some(e.clone());
        e
    }
}
