//! Codec entry points for the browser benchmark (feature `bench-api`; never in the npm
//! package): `tests/bench/codec.mjs` calls them from headless Chromium next to mqtt-packet.
//!
//! Each call takes a batch as the client takes a WebSocket message: the bytes are copied into
//! wasm memory and decoded there, except the payloads of large PUBLISH frames, which stay in JS
//! memory (`crate::incoming`); only a compact summary comes back. Encoding takes a batch of
//! (topic, payload) inputs and returns every frame in one `Uint8Array`.

use bytes::{Bytes, BytesMut};
use js_sys::Uint8Array;
use mqtt_proto::{Decoder, FrameSplit, Packet, PacketId, ProtocolVersion, Publish, QoS, Topic};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::incoming::{split_message, Frames};

/// Decodes every frame in `frames` (MQTT `level` 4 or 5) with the streaming [`Decoder`] the
/// client uses, taking the message apart as the client's receive path does
/// ([`crate::incoming`]): PUBLISH frames of 8 KiB or more from their headers, their payloads left
/// in JS memory as views; the rest copied into wasm memory once. Returns `[packets, payload
/// bytes (wrapping)]`, so nothing is optimised away.
#[wasm_bindgen(js_name = benchDecode)]
pub fn bench_decode(frames: &Uint8Array, level: u8) -> Result<Vec<u32>, JsValue> {
    let mut count = Count {
        decoder: Decoder::new(version(level)?, 256 * 1024 * 1024),
        packets: 0,
        payload: 0,
        error: false,
    };
    split_message(frames, &mut count);
    if count.error {
        return Err(JsValue::from_str("decode error"));
    }
    if count.decoder.buffered_len() != 0 {
        return Err(JsValue::from_str("trailing partial frame"));
    }
    Ok(vec![count.packets, count.payload])
}

/// Counts what the decoder takes from a message.
struct Count {
    decoder: Decoder,
    packets: u32,
    payload: u32,
    error: bool,
}

impl Frames for Count {
    fn publish_head(&mut self, head: &[u8], left: usize) -> Option<FrameSplit> {
        let split = self.decoder.feed_publish_head(head, left)?;
        self.decode();
        Some(split)
    }

    fn payload(&mut self, payload: Uint8Array) {
        self.payload = self.payload.wrapping_add(payload.length());
    }

    fn rest(&mut self, bytes: Vec<u8>) {
        // As the client's transport does: the bytes, copied once into wasm memory, become the
        // decoder's buffer.
        self.decoder.feed_vec(bytes);
        self.decode();
    }
}

impl Count {
    /// Takes every packet the decoder holds.
    fn decode(&mut self) {
        loop {
            match self.decoder.next_packet() {
                Ok(Some((packet, _raw))) => {
                    self.packets += 1;
                    if let Packet::Publish(p) = &packet {
                        // Payload lengths are far below u32::MAX; the sum only needs to depend on them.
                        self.payload = self.payload.wrapping_add(p.payload.len() as u32);
                    }
                }
                Ok(None) => return,
                Err(_) => {
                    self.error = true;
                    return;
                }
            }
        }
    }
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
