//! Codec entry points for the browser benchmark (feature `bench-api`; never in the npm
//! package): `tests/bench/codec.mjs` calls them from headless Chromium next to mqtt-packet.
//!
//! Each call crosses the JS/wasm boundary once per batch, as the client does with a
//! WebSocket message: the bytes are copied into wasm memory, decoded there, and only a
//! compact summary comes back; encoding takes a batch of (topic, payload) inputs and
//! returns every frame in one `Uint8Array`.

use bytes::{Bytes, BytesMut};
use mqtt_proto::{Decoder, Packet, PacketId, ProtocolVersion, Publish, QoS, Topic};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

/// Decodes every frame in `frames` (MQTT `level` 4 or 5) with the streaming [`Decoder`] the
/// client uses. Returns `[packets, payload bytes (wrapping)]`, so nothing is optimised away.
#[wasm_bindgen(js_name = benchDecode)]
pub fn bench_decode(frames: Vec<u8>, level: u8) -> Result<Vec<u32>, JsValue> {
    let version = version(level)?;
    let mut decoder = Decoder::new(version, 256 * 1024 * 1024);
    // As the client's transport does: the message's bytes, copied once into wasm memory, become
    // the decoder's buffer.
    decoder.feed_vec(frames);
    let (mut packets, mut payload) = (0u32, 0u32);
    while let Some((packet, _raw)) = decoder
        .next_packet()
        .map_err(|_| JsValue::from_str("decode error"))?
    {
        packets += 1;
        if let Packet::Publish(p) = &packet {
            // Payload lengths are far below u32::MAX; the sum only needs to depend on them.
            payload = payload.wrapping_add(p.payload.len() as u32);
        }
    }
    if decoder.buffered_len() != 0 {
        return Err(JsValue::from_str("trailing partial frame"));
    }
    Ok(vec![packets, payload])
}

/// Encodes one PUBLISH per topic: payload `i` is `payloads[ends[i-1]..ends[i]]`, QoS `qos`,
/// packet identifiers 1, 2, ... for QoS 1/2. Returns all frames, concatenated.
#[wasm_bindgen(js_name = benchEncodePublishes)]
pub fn bench_encode_publishes(
    topics: Vec<String>,
    payloads: Vec<u8>,
    ends: &[u32],
    qos: u8,
    level: u8,
) -> Result<Vec<u8>, JsValue> {
    let version = version(level)?;
    let qos = QoS::from_u8(qos).ok_or_else(|| JsValue::from_str("qos"))?;
    if ends.len() != topics.len() {
        return Err(JsValue::from_str("ends"));
    }
    let payloads = Bytes::from(payloads);
    let mut out = BytesMut::with_capacity(payloads.len() + topics.len() * 64);
    let mut start = 0usize;
    for (i, (topic, &end)) in topics.iter().zip(ends).enumerate() {
        let end = end as usize;
        if end < start || end > payloads.len() {
            return Err(JsValue::from_str("ends"));
        }
        let topic = Topic::new(topic).map_err(|_| JsValue::from_str("topic"))?;
        let mut publish = Publish::new(topic, payloads.slice(start..end));
        publish.qos = qos;
        if qos != QoS::AtMostOnce {
            // `i % 65_535 + 1` is in 1..=65_535, never zero.
            publish.packet_id = PacketId::new((i % 65_535) as u16 + 1);
        }
        Packet::Publish(publish)
            .encode(version, &mut out)
            .map_err(|_| JsValue::from_str("encode error"))?;
        start = end;
    }
    Ok(Vec::from(out))
}

fn version(level: u8) -> Result<ProtocolVersion, JsValue> {
    ProtocolVersion::from_level(level).ok_or_else(|| JsValue::from_str("protocol level"))
}
