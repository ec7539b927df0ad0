//! Bytes pasted into the decoder tab (from a capture, a device's log, a broker's debug output):
//! split into frames and decoded by the same strict codec as the live trace.

use bytes::Bytes;
use mqtt_proto::{DecodeError, Decoder, Packet, ProtocolVersion};

use crate::view::parse_hex;

/// The largest input decoded, in bytes (a pasted capture, not a stream).
pub const MAX_INPUT: usize = 1 << 20;

/// One frame found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Where it starts in the input.
    pub offset: usize,
    /// Its bytes: the whole frame, or for an error in a fixed header, the bytes the error was
    /// found in.
    pub raw: Bytes,
    /// The packet, or why these bytes are not one (the input's last frame).
    pub packet: Result<Packet, DecodeError>,
}

/// What the input holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pasted {
    /// The frames, in order; decoding stops at the first that is not a valid packet.
    pub frames: Vec<Frame>,
    /// Bytes after the last frame: the start of an incomplete one, or what follows an error.
    pub rest: usize,
}

/// Why the input could not be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasteError {
    /// Not hex digits in pairs (whitespace is ignored).
    NotHex,
    /// More than [`MAX_INPUT`] bytes.
    TooLong,
}

/// Decodes hex text (`"30 0a 00 03 ..."`, any whitespace) as a stream of MQTT `version` packets,
/// either direction.
pub fn decode_pasted(text: &str, version: ProtocolVersion) -> Result<Pasted, PasteError> {
    let bytes = parse_hex(text).ok_or(PasteError::NotHex)?;
    if bytes.len() > MAX_INPUT {
        return Err(PasteError::TooLong);
    }
    let total = bytes.len();
    let mut decoder = Decoder::new(version, MAX_INPUT as u32);
    decoder.feed_vec(bytes);
    let mut frames = Vec::new();
    let mut offset = 0;
    loop {
        let (raw, packet) = match decoder.next_packet() {
            Ok(Some((packet, raw))) => (raw, Ok(packet)),
            Ok(None) => break,
            Err(e) => (decoder.rejected().clone(), Err(e)),
        };
        let (len, failed) = (raw.len(), packet.is_err());
        frames.push(Frame {
            offset,
            raw,
            packet,
        });
        offset += len;
        if failed {
            break;
        }
    }
    Ok(Pasted {
        frames,
        rest: total - offset,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use mqtt_proto::ReasonCode;

    const V5: ProtocolVersion = ProtocolVersion::V5;

    #[test]
    fn frames_in_a_stream_with_offsets_and_an_incomplete_tail() {
        // PINGREQ, PUBACK id 7, then the first two bytes of a PUBLISH.
        let p = decode_pasted("c0 00\n40 02 00 07   30 0a", ProtocolVersion::V311).unwrap();
        let names: Vec<_> = p
            .frames
            .iter()
            .map(|f| (f.offset, f.packet.as_ref().map(Packet::packet_type).ok()))
            .collect();
        assert_eq!(
            names,
            [
                (0, Some(mqtt_proto::PacketType::PingReq)),
                (2, Some(mqtt_proto::PacketType::PubAck))
            ]
        );
        assert_eq!(p.rest, 2);
    }

    #[test]
    fn decoding_stops_at_the_first_invalid_frame_which_keeps_its_bytes() {
        // PUBLISH with QoS 3, then a PINGRESP that is not read.
        let p = decode_pasted("36 09 00 03 71 2f 33 00 01 00 78 d0 00", V5).unwrap();
        assert_eq!(p.frames.len(), 1);
        let f = &p.frames[0];
        assert_eq!(f.raw.len(), 11);
        let e = f.packet.clone().unwrap_err();
        assert_eq!(
            (e.rule(), e.reason_code()),
            ("MQTT-3.3.1-4", ReasonCode::MALFORMED_PACKET)
        );
        assert_eq!(p.rest, 2);
    }

    #[test]
    fn input_that_is_not_hex_or_too_long_is_refused() {
        assert_eq!(decode_pasted("30 0", V5), Err(PasteError::NotHex));
        assert_eq!(decode_pasted("zz", V5), Err(PasteError::NotHex));
        let long = "00".repeat(MAX_INPUT + 1);
        assert_eq!(decode_pasted(&long, V5), Err(PasteError::TooLong));
        assert_eq!(decode_pasted("", V5).unwrap().frames, []);
    }
}
