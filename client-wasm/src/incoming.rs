//! A received WebSocket message on its way into wasm: the headers of large PUBLISH frames are
//! copied in, their payloads stay in the message's `ArrayBuffer` (JavaScript memory); everything
//! else is copied in once.
//!
//! For a 64 KiB message the copy into wasm memory was nearly all the receive cost, and the npm
//! package then copied the payload back out. Leaving it in place spares both copies, and wasm
//! memory does not grow to the size of the largest message. Brokers send one packet per
//! WebSocket message (Mosquitto does, even for 300 KB); a message holding several packets works
//! too: the PUBLISH frames at its start are taken this way, the rest is copied from the first
//! frame that is not one.

use js_sys::Uint8Array;
use mqtt_proto::wire::decode_varint;
use mqtt_proto::FrameSplit;

/// Frames shorter than this are copied. Leaving a payload in place costs ~0.5 µs per frame (three
/// calls into JavaScript). In the browser codec benchmark (`tests/bench/codec.mjs`, 2026-12-01)
/// 4 KiB frames decoded twice as fast copied, and the two ways broke even at 8–16 KiB; the npm
/// package also copies a copied payload out of wasm memory again, which tips 8 KiB to leaving it.
pub(crate) const EXTERNAL_MIN: u32 = 8192;

/// How many bytes of a frame are copied to decode its headers: a frame whose variable header is
/// longer (a very long topic, or large 5.0 properties) is copied whole.
const HEAD_LEN: u32 = 512;

/// Where the parts of a received message go.
pub(crate) trait Frames {
    /// Decodes (and handles) the PUBLISH frame at the start of the rest of the message from its
    /// first bytes, `head`; `left` is the length of that rest. `None` leaves the rest to
    /// [`Frames::rest`].
    fn publish_head(&mut self, head: &[u8], left: usize) -> Option<FrameSplit>;
    /// The payload of the frame [`Frames::publish_head`] just took: a view of the message.
    fn payload(&mut self, payload: Uint8Array);
    /// The rest of the message, copied into wasm memory.
    fn rest(&mut self, bytes: Vec<u8>);
}

/// Splits `message` between `to`'s three calls, in the order of its frames.
pub(crate) fn split_message(message: &Uint8Array, to: &mut impl Frames) {
    let len = message.length();
    let mut at = 0;
    while len - at >= EXTERNAL_MIN {
        let head = copy(message, at, at + (len - at).min(HEAD_LEN));
        // Only a frame of EXTERNAL_MIN bytes or more: the fixed header says.
        match head.get(1..).map(decode_varint) {
            Some(Ok(Some((remaining, n))))
                if 1 + n + remaining as usize >= EXTERNAL_MIN as usize => {}
            _ => break,
        }
        let Some(split) = to.publish_head(&head, (len - at) as usize) else {
            break;
        };
        // Both within `len - at`, which fits in u32: `publish_head` checked the frame's end.
        let (start, end) = (split.payload_start as u32, split.frame_len as u32);
        to.payload(message.subarray(at + start, at + end));
        at += end;
    }
    if at == 0 {
        // Most messages: one small packet, or several (no view made).
        to.rest(message.to_vec());
    } else if at < len {
        to.rest(copy(message, at, len));
    }
}

/// Bytes `from..to` of `message`, copied into wasm memory.
#[inline(never)]
fn copy(message: &Uint8Array, from: u32, to: u32) -> Vec<u8> {
    message.subarray(from, to).to_vec()
}
