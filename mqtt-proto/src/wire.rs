//! Wire primitives (MQTT 5.0 section 1.5): a bounds-checked [`Reader`] over a received frame, and
//! writers: into a [`BytesMut`], and (crate-internal) a `SliceWriter` over bytes appended beforehand.
//!
//! Reading never panics: a field that runs past the end of the data is [`DecodeError::Truncated`].
//! Strings and binary data are returned as zero-copy slices of the frame.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use bytestring::ByteString;

use crate::error::DecodeError;
use crate::packet::PacketType;
use crate::string::{MqttString, StringError};
use crate::topic::TopicFilter;

/// The largest value a Variable Byte Integer can encode (268,435,455).
pub const MAX_VARINT: u32 = 268_435_455;

/// Number of bytes the Variable Byte Integer encoding of `n` takes (1 to 4; `n` above
/// [`MAX_VARINT`] is reported as 4 but cannot be encoded).
pub const fn varint_len(n: u32) -> usize {
    if n < 128 {
        1
    } else if n < 16_384 {
        2
    } else if n < 2_097_152 {
        3
    } else {
        4
    }
}

/// Decodes a Variable Byte Integer at the start of `bytes`.
///
/// Returns `Ok(None)` when `bytes` ends before the integer does (fewer than four bytes seen, all
/// with the continuation bit), otherwise the value and the number of bytes used. A fourth byte with
/// the continuation bit is [`DecodeError::VarintTooLong`]; an encoding longer than necessary is
/// [`DecodeError::VarintNotMinimal`] ([MQTT-1.5.5-1]).
#[inline]
pub fn decode_varint(bytes: &[u8]) -> Result<Option<(u32, usize)>, DecodeError> {
    // Fast path: one byte (every value below 128, e.g. most remaining and property lengths).
    if let Some(&byte) = bytes.first() {
        if byte & 0x80 == 0 {
            return Ok(Some((u32::from(byte), 1)));
        }
    }
    let mut value: u32 = 0;
    for (i, &byte) in bytes.iter().take(4).enumerate() {
        value |= u32::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            if i > 0 && byte == 0 {
                return Err(DecodeError::VarintNotMinimal);
            }
            return Ok(Some((value, i + 1)));
        }
        if i == 3 {
            return Err(DecodeError::VarintTooLong);
        }
    }
    Ok(None)
}

/// A bounds-checked cursor over the bytes of one packet.
#[derive(Clone, Debug)]
pub struct Reader {
    buf: Bytes,
}

impl Reader {
    /// A reader over `buf`.
    pub fn new(buf: Bytes) -> Self {
        Self { buf }
    }

    /// Bytes not read yet.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// Whether everything was read.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Reads one byte.
    #[inline]
    pub fn read_u8(&mut self) -> Result<u8, DecodeError> {
        let b = *self.buf.first().ok_or(DecodeError::Truncated)?;
        self.advance(1);
        Ok(b)
    }

    /// Reads a big-endian Two Byte Integer.
    #[inline]
    pub fn read_u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.array::<2>()?;
        Ok(u16::from_be_bytes(b))
    }

    /// Reads a big-endian Four Byte Integer.
    #[inline]
    pub fn read_u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.array::<4>()?;
        Ok(u32::from_be_bytes(b))
    }

    /// Reads a Variable Byte Integer, rejecting over-long and non-minimal encodings.
    #[inline]
    pub fn read_varint(&mut self) -> Result<u32, DecodeError> {
        let (value, len) = decode_varint(&self.buf)?.ok_or(DecodeError::Truncated)?;
        self.advance(len);
        Ok(value)
    }

    /// Reads `n` raw bytes (zero-copy).
    #[inline]
    pub fn read_bytes(&mut self, n: usize) -> Result<Bytes, DecodeError> {
        if n > self.buf.len() {
            return Err(DecodeError::Truncated);
        }
        Ok(self.buf.split_to(n))
    }

    /// Reads Binary Data: a two-byte length and that many bytes (zero-copy).
    #[inline]
    pub fn read_binary(&mut self) -> Result<Bytes, DecodeError> {
        let len = self.read_u16()?;
        self.read_bytes(usize::from(len))
    }

    /// Reads a UTF-8 Encoded String (zero-copy), validating it ([MQTT-1.5.4-1], [MQTT-1.5.4-2]).
    #[inline]
    pub fn read_string(&mut self) -> Result<MqttString, DecodeError> {
        let bytes = self.read_binary()?;
        Ok(MqttString::try_from(bytes)?)
    }

    /// Reads a topic filter (zero-copy): a UTF-8 Encoded String validated as
    /// [`Reader::read_string`] does, then as a filter (errors: `InvalidString`, then
    /// `InvalidTopicFilter`).
    #[inline]
    pub(crate) fn read_topic_filter(&mut self) -> Result<TopicFilter, DecodeError> {
        let bytes = self.read_binary()?;
        match ByteString::try_from(bytes) {
            Ok(s) => TopicFilter::from_wire(s),
            Err(_) => Err(DecodeError::InvalidString(StringError::InvalidUtf8)),
        }
    }

    /// Everything not read yet, without consuming it.
    #[inline]
    pub fn peek_rest(&self) -> &[u8] {
        &self.buf
    }

    /// Takes everything not read yet (zero-copy).
    pub fn read_rest(&mut self) -> Bytes {
        core::mem::take(&mut self.buf)
    }

    /// Fails with [`DecodeError::TrailingBytes`] unless everything was read.
    pub fn finish(&self, packet_type: PacketType) -> Result<(), DecodeError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes { packet_type })
        }
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        let src = self.buf.get(..N).ok_or(DecodeError::Truncated)?;
        out.copy_from_slice(src);
        self.advance(N);
        Ok(out)
    }

    #[inline]
    fn advance(&mut self, n: usize) {
        // `n` was bounds-checked by every caller; `min` keeps this total anyway. `Buf::advance`
        // only moves the view: `split_to` would clone and drop the shared buffer (two atomic
        // reference count updates per field read).
        let n = n.min(self.buf.len());
        self.buf.advance(n);
    }
}

/// Writes `n` as a Variable Byte Integer. Values above [`MAX_VARINT`] must be rejected by the caller
/// (encoders validate before writing); they are truncated to 28 bits here.
#[inline]
pub fn write_varint(buf: &mut BytesMut, n: u32) {
    if n < 0x80 {
        buf.put_u8(n as u8);
        return;
    }
    let mut n = n & MAX_VARINT;
    loop {
        let mut byte = (n & 0x7F) as u8;
        n >>= 7;
        if n > 0 {
            byte |= 0x80;
        }
        buf.put_u8(byte);
        if n == 0 {
            break;
        }
    }
}

/// Encoded size of a UTF-8 Encoded String (length prefix included).
#[inline]
pub fn string_len(s: &MqttString) -> usize {
    2 + s.len()
}

/// Writes a UTF-8 Encoded String.
#[inline]
pub fn write_string(buf: &mut BytesMut, s: &MqttString) {
    // An `MqttString` is at most 65,535 bytes (checked when it is made): no truncation.
    buf.put_u16(s.len() as u16);
    buf.put_slice(s.as_bytes());
}

/// Writes Binary Data (two-byte length, then the bytes). The caller validates `data.len() <= 65535`
/// beforehand; longer data is truncated here.
#[inline]
pub fn write_binary(buf: &mut BytesMut, data: &[u8]) {
    let len = data.len().min(usize::from(u16::MAX));
    buf.put_u16(len as u16);
    buf.put_slice(data.get(..len).unwrap_or_default());
}

/// Appends `len` zero bytes to `buf` and returns a writer over them: for encoders that computed
/// the exact size of what they write (every encoder does, before writing anything).
#[inline]
pub(crate) fn append(buf: &mut BytesMut, len: usize) -> SliceWriter<'_> {
    let start = buf.len();
    buf.put_bytes(0, len);
    SliceWriter(buf.get_mut(start..).unwrap_or_default())
}

/// A writer over a slice sized beforehand (see [`append`]).
///
/// It copies short strings (a property list's, SUBSCRIBE's filters) with one or two fixed-size
/// moves instead of a `memcpy` call, and keeps no length or capacity to update. With it, and
/// PUBLISH validating and writing only its own properties, the codec benchmark's 5.0 PUBLISH
/// encodes in 44 ns instead of 60 (BENCHMARKS.md, codec round 7). A write that does not fit,
/// which the size computation rules out, is dropped (and fails a debug assertion): encoders
/// never panic. [`SliceWriter::put_varint`] and [`SliceWriter::put_binary`] are
/// [`write_varint`] and [`write_binary`] for this writer.
pub(crate) struct SliceWriter<'a>(&'a mut [u8]);

impl SliceWriter<'_> {
    /// Bytes not written yet.
    #[inline]
    pub(crate) fn remaining(&self) -> usize {
        self.0.len()
    }

    /// Writes `bytes`.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(crate) fn put(&mut self, bytes: &[u8]) {
        let out = core::mem::take(&mut self.0);
        match out.split_at_mut_checked(bytes.len()) {
            Some((dst, rest)) => {
                copy_short(dst, bytes);
                self.0 = rest;
            }
            None => debug_assert!(false, "SliceWriter: {} bytes past the end", bytes.len()),
        }
    }

    /// Writes a Variable Byte Integer (validated by the caller; truncated to 28 bits).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(crate) fn put_varint(&mut self, n: u32) {
        let mut n = n & MAX_VARINT;
        loop {
            let byte = (n & 0x7F) as u8;
            n >>= 7;
            if n == 0 {
                self.put(&[byte]);
                break;
            }
            self.put(&[byte | 0x80]);
        }
    }

    /// Writes a UTF-8 Encoded String (an [`MqttString`] is at most 65,535 bytes).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(crate) fn put_string(&mut self, s: &MqttString) {
        self.put_binary(s.as_bytes());
    }

    /// Writes Binary Data: a two-byte length, then the bytes. The caller validated
    /// `data.len() <= 65535` (a longer one would get a wrong length prefix).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(crate) fn put_binary(&mut self, data: &[u8]) {
        self.put(&(data.len() as u16).to_be_bytes());
        self.put(data);
    }
}

/// Copies `src` into `dst` (of the same length) with at most two fixed-size moves up to 64
/// bytes; longer copies call `memcpy` (`copy_from_slice`), which is faster there. On wasm32,
/// where code size counts more, every copy is `copy_from_slice`.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if cfg!(target_arch = "wasm32") || n > 64 {
        if let Some(d) = dst.get_mut(..n) {
            d.copy_from_slice(src);
        }
    } else if n >= 32 {
        copy_fixed::<32>(dst, src, 0);
        copy_fixed::<32>(dst, src, n - 32);
    } else if n >= 16 {
        copy_fixed::<16>(dst, src, 0);
        copy_fixed::<16>(dst, src, n - 16);
    } else if n >= 8 {
        copy_fixed::<8>(dst, src, 0);
        copy_fixed::<8>(dst, src, n - 8);
    } else if n >= 4 {
        copy_fixed::<4>(dst, src, 0);
        copy_fixed::<4>(dst, src, n - 4);
    } else if n > 0 {
        // 1 to 3 bytes: the first, the middle and the last (overlapping for 1 and 2).
        copy_fixed::<1>(dst, src, 0);
        copy_fixed::<1>(dst, src, n / 2);
        copy_fixed::<1>(dst, src, n - 1);
    }
}

/// Copies the `N` bytes of `src` at `at` into `dst` at `at` as one `[u8; N]` value (a register
/// move after inlining).
#[inline(always)]
fn copy_fixed<const N: usize>(dst: &mut [u8], src: &[u8], at: usize) {
    if let (Some(d), Some(s)) = (dst.get_mut(at..at + N), src.get(at..at + N)) {
        let chunk: [u8; N] = s.try_into().unwrap_or([0; N]);
        d.copy_from_slice(&chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn varint_boundaries() {
        for (n, enc) in [
            (0u32, &[0x00][..]),
            (127, &[0x7F]),
            (128, &[0x80, 0x01]),
            (16_383, &[0xFF, 0x7F]),
            (16_384, &[0x80, 0x80, 0x01]),
            (2_097_151, &[0xFF, 0xFF, 0x7F]),
            (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
            (MAX_VARINT, &[0xFF, 0xFF, 0xFF, 0x7F]),
        ] {
            let mut buf = BytesMut::new();
            write_varint(&mut buf, n);
            assert_eq!(&buf[..], enc);
            assert_eq!(varint_len(n), enc.len());
            assert_eq!(decode_varint(enc), Ok(Some((n, enc.len()))));
        }
        assert_eq!(
            decode_varint(&[0x80, 0x00]),
            Err(DecodeError::VarintNotMinimal)
        );
        assert_eq!(
            decode_varint(&[0xFF, 0xFF, 0xFF, 0xFF]),
            Err(DecodeError::VarintTooLong)
        );
        assert_eq!(decode_varint(&[0xFF, 0xFF]), Ok(None));
    }

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn slice_writer_copies_every_length_exactly() {
        let src: [u8; 100] = core::array::from_fn(|i| i as u8 + 1);
        for n in 0..=src.len() {
            // After 0 to 2 bytes already written, with one byte to spare.
            for lead in 0..=2 {
                let mut buf = BytesMut::from(&b"ab"[..]);
                let mut w = append(&mut buf, lead + n + 1);
                w.put(&[0xEE; 2][..lead]);
                w.put(&src[..n]);
                assert_eq!(w.remaining(), 1, "{n}");
                let at = 2 + lead;
                assert_eq!(&buf[..2], b"ab");
                assert_eq!(&buf[at..at + n], &src[..n], "{n} after {lead}");
                assert!(buf[at + n..].iter().all(|&b| b == 0), "{n}: written past");
            }
        }
        let mut buf = BytesMut::new();
        let mut w = append(&mut buf, 7);
        w.put_varint(16_384);
        w.put_string(&MqttString::from("hi"));
        assert_eq!(w.remaining(), 0);
        assert_eq!(&buf[..], &[0x80, 0x80, 0x01, 0x00, 0x02, b'h', b'i']);
    }

    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn reader_is_bounds_checked_and_zero_copy() {
        let data = Bytes::from_static(&[0x00, 0x02, b'h', b'i', 0x01, 0x02, 0x03]);
        let mut r = Reader::new(data.clone());
        let s = r.read_string().unwrap_or_default();
        assert_eq!(s.as_str(), "hi");
        assert_eq!(s.as_bytes().as_ptr(), data[2..].as_ptr());
        assert_eq!(r.read_u16(), Ok(0x0102));
        assert_eq!(r.read_u32(), Err(DecodeError::Truncated));
        assert_eq!(r.read_u8(), Ok(3));
        assert_eq!(r.read_u8(), Err(DecodeError::Truncated));
        assert_eq!(r.read_binary(), Err(DecodeError::Truncated));
        assert!(r.finish(PacketType::PingReq).is_ok());
    }
}
