//! encode ∘ decode is the identity on every packet the decoder accepts.
//!
//! Input: byte 0 picks the version, the rest is one frame. If [`Packet::decode`] accepts it, the
//! packet must encode (for the same version) to exactly [`Packet::encoded_len`] bytes, which decode
//! back to an equal packet and re-encode to the same bytes; the client's `encode_from_client`
//! writes the same bytes, refusing only server-to-client packets.
#![no_main]

use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use mqtt_proto::{EncodeError, Packet, ProtocolVersion};

const VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V31,
    ProtocolVersion::V311,
    ProtocolVersion::V5,
];

fuzz_target!(|data: &[u8]| {
    let [selector, frame @ ..] = data else {
        return;
    };
    let version = VERSIONS[usize::from(selector % 3)];
    let Ok(packet) = Packet::decode(version, Bytes::copy_from_slice(frame)) else {
        return;
    };
    // CONNECT is encoded and decoded in its own protocol version.
    let version = match &packet {
        Packet::Connect(c) => c.protocol,
        _ => version,
    };
    let mut wire = BytesMut::new();
    let written = match packet.encode(version, &mut wire) {
        Ok(n) => n,
        Err(e) => panic!("decoded {packet:?} but cannot encode it: {e}"),
    };
    assert_eq!(written, wire.len());
    assert_eq!(packet.encoded_len(version), Ok(written));
    assert!(
        written <= frame.len(),
        "re-encoding grew: {written} > {}",
        frame.len()
    );
    let wire = wire.freeze();
    match Packet::decode(version, wire.clone()) {
        Ok(again) => assert_eq!(again, packet, "decode(encode(p)) != p"),
        Err(e) => panic!("our own encoding of {packet:?} does not decode: {e}"),
    }
    let mut twice = BytesMut::new();
    let _ = packet.encode(version, &mut twice);
    assert_eq!(twice.freeze(), wire, "encoding is not deterministic");
    // The client's encoder writes the same bytes, refusing only server-to-client packets.
    let mut client = BytesMut::new();
    let packet_type = packet.packet_type();
    match packet.encode_from_client(version, u32::MAX, &mut client) {
        Ok(n) => {
            assert!(!packet_type.is_server_only());
            assert_eq!(
                (n, client.freeze()),
                (written, wire),
                "the client encodes differently"
            );
        }
        Err(e) => {
            assert_eq!(e, EncodeError::ServerOnlyPacket { packet_type });
            assert!(client.is_empty());
        }
    }
});
