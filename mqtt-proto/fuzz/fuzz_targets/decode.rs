//! The streaming [`Decoder`] on arbitrary bytes, arbitrarily chunked, in every protocol version.
//!
//! Input: byte 0 picks the version and the chunk size, bytes 1-2 the maximum packet size, the rest
//! is the stream. Checked: no panic; after every chunk is drained the decoder holds at most one
//! incomplete frame, so never more than `max + 5` bytes (an oversized frame is rejected from its
//! fixed header); every frame returned fits the limit and decodes to the same packet on its own, and with the client's
//! `decode_from_server` (which refuses only client-to-server packets);
//! an error poisons the decoder for good. And `feed_publish_head` on the stream's first `3 × chunk`
//! bytes, when it takes the first frame, gives what that whole frame gives: the same PUBLISH (its
//! payload left in the stream, where the split says), or the same error.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use mqtt_proto::{DecodeError, Decoder, Packet, ProtocolVersion, REJECTED_HEADER_BYTES};

const VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V31,
    ProtocolVersion::V311,
    ProtocolVersion::V5,
];

fuzz_target!(|data: &[u8]| {
    let [config, max_hi, max_lo, stream @ ..] = data else {
        return;
    };
    let version = VERSIONS[usize::from(config % 3)];
    // 1 to 86 bytes per chunk: splits fixed headers and fields at every position.
    let chunk = usize::from(config / 3) + 1;
    // 2 to 65,537: small limits make the oversize path reachable.
    let max = u32::from(u16::from_be_bytes([*max_hi, *max_lo])) + 2;
    publish_head_agrees(version, max, stream, chunk * 3);
    let mut decoder = Decoder::new(version, max);
    let mut poisoned = None;
    for (i, piece) in stream.chunks(chunk).enumerate() {
        // Both ways of feeding (by copy, by ownership), alternating.
        if i % 2 == 0 {
            decoder.feed(piece);
        } else {
            decoder.feed_vec(piece.to_vec());
        }
        loop {
            match decoder.next_packet() {
                Ok(Some((packet, raw))) => {
                    assert!(raw.len() <= max as usize, "frame larger than the limit");
                    let again = Packet::decode(version, Bytes::copy_from_slice(&raw));
                    assert_eq!(
                        again.as_ref(),
                        Ok(&packet),
                        "frame decodes differently alone"
                    );
                    // The client's decoder agrees, refusing only the client-to-server packets.
                    let packet_type = packet.packet_type();
                    let client = Packet::decode_from_server(version, raw);
                    if packet_type.is_client_only() {
                        assert_eq!(client, Err(DecodeError::ClientOnlyPacket { packet_type }));
                    } else {
                        assert_eq!(
                            client.as_ref(),
                            Ok(&packet),
                            "the client decodes differently"
                        );
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    // Every error knows its rule, reason code and message.
                    let _ = (e.rule(), e.reason_code(), e.to_string());
                    // The bytes kept for a trace are the frame, or the start of a refused
                    // fixed header, and alone they give the same error.
                    let rejected = decoder.rejected().clone();
                    assert!(!rejected.is_empty(), "no rejected bytes for {e:?}");
                    assert!(
                        rejected.len() <= (max as usize).max(REJECTED_HEADER_BYTES),
                        "kept {} rejected bytes",
                        rejected.len()
                    );
                    let mut alone = Decoder::new(version, max);
                    alone.feed(&rejected);
                    assert_eq!(alone.next_packet(), Err(e.clone()), "rejected bytes alone");
                    if let Some(first) = &poisoned {
                        assert_eq!(first, &e, "a poisoned decoder changed its error");
                    }
                    poisoned = Some(e);
                    break;
                }
            }
        }
        assert!(
            decoder.buffered_len() <= max as usize + 5,
            "buffered {} bytes with a limit of {max}",
            decoder.buffered_len()
        );
        if poisoned.is_some() {
            assert_eq!(
                decoder.buffered_len(),
                0,
                "a poisoned decoder keeps its buffer"
            );
            assert_eq!(decoder.error(), poisoned.as_ref());
        }
    }
});

/// `feed_publish_head` on the first `head` bytes of `stream` against feeding its first frame whole.
fn publish_head_agrees(version: ProtocolVersion, max: u32, stream: &[u8], head: usize) {
    let mut d = Decoder::new(version, max);
    let Some(split) = d.feed_publish_head(&stream[..head.min(stream.len())], stream.len()) else {
        assert_eq!(d.buffered_len(), 0, "fed although it did not take the frame");
        return;
    };
    assert!(split.payload_start <= split.frame_len && split.frame_len <= stream.len());
    assert!(split.frame_len <= max as usize, "took a frame over the limit");
    let mut whole = Decoder::new(version, max);
    whole.feed(&stream[..split.frame_len]);
    match (whole.next_packet(), d.next_packet()) {
        (Ok(Some((Packet::Publish(mut p), _))), Ok(Some((Packet::Publish(q), _)))) => {
            assert_eq!(&p.payload[..], &stream[split.payload_start..split.frame_len]);
            p.payload = Bytes::new();
            assert_eq!(p, q, "the PUBLISH decodes differently from its head");
        }
        (Err(e), Err(f)) => assert_eq!(e, f, "a different error from the head"),
        (w, h) => panic!("whole frame: {w:?}, head: {h:?}"),
    }
    assert_eq!(d.buffered_len(), 0);
}
