//! Where each field of a raw MQTT packet lies, for the annotated hex dump.
//!
//! [`layout`] walks the bytes of one frame the way the packet is laid out on the
//! wire (fixed header, remaining length, variable header fields, each property,
//! payload) and names each byte range. It never fails: bytes it cannot place
//! (a malformed frame) end up in a final `unparsed` span.

use std::ops::Range;

use mqtt_proto::ProtocolVersion;

/// A named byte range of a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte range in the frame.
    pub range: Range<usize>,
    /// What it is.
    pub label: String,
    /// Which part of the packet it belongs to.
    pub part: Part,
}

/// The parts of a packet, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Packet type and flags.
    FixedHeader,
    /// The remaining-length varint.
    RemainingLength,
    /// Variable header fields.
    VariableHeader,
    /// Properties (5.0), including their length.
    Property,
    /// The payload.
    Payload,
    /// Bytes that do not fit the layout.
    Unparsed,
}

struct Walker<'a> {
    bytes: &'a [u8],
    pos: usize,
    spans: Vec<Span>,
}

impl Walker<'_> {
    fn take(&mut self, n: usize, label: impl Into<String>, part: Part) -> Option<Range<usize>> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.bytes.len())?;
        let range = self.pos..end;
        self.spans.push(Span {
            range: range.clone(),
            label: label.into(),
            part,
        });
        self.pos = end;
        Some(range)
    }

    fn u16_at(&self, at: usize) -> Option<usize> {
        Some(usize::from(u16::from_be_bytes([
            *self.bytes.get(at)?,
            *self.bytes.get(at + 1)?,
        ])))
    }

    fn varint(&self) -> Option<(usize, usize)> {
        let mut value = 0usize;
        for i in 0..4 {
            let b = *self.bytes.get(self.pos + i)?;
            value |= usize::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Some((value, i + 1));
            }
        }
        None
    }

    fn string(&mut self, label: &str, part: Part) -> Option<()> {
        let len = self.u16_at(self.pos)?;
        self.take(2 + len, label, part).map(|_| ())
    }

    fn properties(&mut self) -> Option<()> {
        let (len, n) = self.varint()?;
        self.take(n, "property length", Part::Property)?;
        let end = self
            .pos
            .checked_add(len)
            .filter(|e| *e <= self.bytes.len())?;
        while self.pos < end {
            let id = self.bytes[self.pos];
            let (name, kind) = property(id)?;
            let value_len = match kind {
                Kind::Byte => 1,
                Kind::U16 => 2,
                Kind::U32 => 4,
                Kind::Varint => {
                    self.pos += 1;
                    let (_, n) = self.varint()?;
                    self.pos -= 1;
                    n
                }
                Kind::Binary => 2 + self.u16_at(self.pos + 1)?,
                Kind::Pair => {
                    let k = self.u16_at(self.pos + 1)?;
                    2 + k + 2 + self.u16_at(self.pos + 3 + k)?
                }
            };
            self.take(1 + value_len, name, Part::Property)?;
        }
        Some(())
    }

    fn rest(&mut self, label: &str, part: Part) {
        if self.pos < self.bytes.len() {
            let n = self.bytes.len() - self.pos;
            let _ = self.take(n, label, part);
        }
    }
}

/// Names the byte ranges of one raw frame sent or received with `version`.
pub fn layout(version: ProtocolVersion, bytes: &[u8]) -> Vec<Span> {
    let mut w = Walker {
        bytes,
        pos: 0,
        spans: Vec::new(),
    };
    let _ = walk(&mut w, version);
    w.rest("unparsed", Part::Unparsed);
    w.spans
}

fn walk(w: &mut Walker<'_>, version: ProtocolVersion) -> Option<()> {
    let first = *w.bytes.first()?;
    w.take(1, "packet type and flags", Part::FixedHeader)?;
    let (_, n) = w.varint()?;
    w.take(n, "remaining length", Part::RemainingLength)?;
    let v5 = version.is_v5();
    let vh = Part::VariableHeader;
    match first >> 4 {
        1 => {
            w.string("protocol name", vh)?;
            let level = *w.bytes.get(w.pos)?;
            w.take(1, "protocol level", vh)?;
            w.take(1, "connect flags", vh)?;
            w.take(2, "keep alive", vh)?;
            if level == 5 {
                w.properties()?;
            }
            w.rest(
                "payload: client id, will, user name, password",
                Part::Payload,
            );
        }
        2 => {
            w.take(1, "acknowledge flags", vh)?;
            w.take(1, if v5 { "reason code" } else { "return code" }, vh)?;
            if v5 {
                w.properties()?;
            }
        }
        3 => {
            w.string("topic name", vh)?;
            if (first >> 1) & 0b11 != 0 {
                w.take(2, "packet identifier", vh)?;
            }
            if v5 {
                w.properties()?;
            }
            w.rest("payload", Part::Payload);
        }
        4..=7 => {
            w.take(2, "packet identifier", vh)?;
            if v5 && w.pos < w.bytes.len() {
                w.take(1, "reason code", vh)?;
                if w.pos < w.bytes.len() {
                    w.properties()?;
                }
            }
        }
        8 | 10 => {
            w.take(2, "packet identifier", vh)?;
            if v5 {
                w.properties()?;
            }
            w.rest("payload: topic filters", Part::Payload);
        }
        9 | 11 => {
            w.take(2, "packet identifier", vh)?;
            if v5 {
                w.properties()?;
            }
            w.rest("payload: reason codes", Part::Payload);
        }
        14 | 15 if w.pos < w.bytes.len() => {
            w.take(1, "reason code", vh)?;
            if w.pos < w.bytes.len() {
                w.properties()?;
            }
        }
        _ => {}
    }
    Some(())
}

#[derive(Clone, Copy)]
enum Kind {
    Byte,
    U16,
    U32,
    Varint,
    Binary,
    Pair,
}

fn property(id: u8) -> Option<(&'static str, Kind)> {
    use Kind::*;
    Some(match id {
        0x01 => ("payload format indicator", Byte),
        0x02 => ("message expiry interval", U32),
        0x03 => ("content type", Binary),
        0x08 => ("response topic", Binary),
        0x09 => ("correlation data", Binary),
        0x0B => ("subscription identifier", Varint),
        0x11 => ("session expiry interval", U32),
        0x12 => ("assigned client identifier", Binary),
        0x13 => ("server keep alive", U16),
        0x15 => ("authentication method", Binary),
        0x16 => ("authentication data", Binary),
        0x17 => ("request problem information", Byte),
        0x18 => ("will delay interval", U32),
        0x19 => ("request response information", Byte),
        0x1A => ("response information", Binary),
        0x1C => ("server reference", Binary),
        0x1F => ("reason string", Binary),
        0x21 => ("receive maximum", U16),
        0x22 => ("topic alias maximum", U16),
        0x23 => ("topic alias", U16),
        0x24 => ("maximum QoS", Byte),
        0x25 => ("retain available", Byte),
        0x26 => ("user property", Pair),
        0x27 => ("maximum packet size", U32),
        0x28 => ("wildcard subscription available", Byte),
        0x29 => ("subscription identifier available", Byte),
        0x2A => ("shared subscription available", Byte),
        _ => return None,
    })
}

#[cfg(test)]
// Tests may panic: a panic is a test failure.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use bytes::{Bytes, BytesMut};
    use mqtt_proto::{MqttString, Packet, PacketId, Publish, QoS, Topic};

    fn labels(spans: &[Span]) -> Vec<(&str, usize, usize)> {
        spans
            .iter()
            .map(|s| (s.label.as_str(), s.range.start, s.range.end))
            .collect()
    }

    #[test]
    fn v5_publish_with_properties_is_fully_covered() {
        let mut p = Publish::new(Topic::new("a/b").unwrap(), Bytes::from_static(b"hello"));
        p.qos = QoS::AtLeastOnce;
        p.packet_id = PacketId::new(10);
        p.properties.message_expiry_interval = Some(60);
        p.properties
            .user_properties
            .push((MqttString::from("k"), MqttString::from("v")));
        let mut buf = BytesMut::new();
        Packet::Publish(p)
            .encode(ProtocolVersion::V5, &mut buf)
            .unwrap();
        let spans = layout(ProtocolVersion::V5, &buf);
        assert_eq!(
            labels(&spans),
            [
                ("packet type and flags", 0, 1),
                ("remaining length", 1, 2),
                ("topic name", 2, 7),
                ("packet identifier", 7, 9),
                ("property length", 9, 10),
                ("message expiry interval", 10, 15),
                ("user property", 15, 22),
                ("payload", 22, 27),
            ]
        );
        assert_eq!(spans.last().unwrap().range.end, buf.len());
    }

    #[test]
    fn v311_puback_and_v5_short_disconnect() {
        assert_eq!(
            labels(&layout(ProtocolVersion::V311, &[0x40, 2, 0, 7])),
            [
                ("packet type and flags", 0, 1),
                ("remaining length", 1, 2),
                ("packet identifier", 2, 4)
            ]
        );
        assert_eq!(
            labels(&layout(ProtocolVersion::V5, &[0xE0, 0])),
            [("packet type and flags", 0, 1), ("remaining length", 1, 2)]
        );
    }

    #[test]
    fn malformed_bytes_end_in_unparsed_without_panicking() {
        let spans = layout(ProtocolVersion::V5, &[0x30, 9, 0, 200, b'x']);
        assert_eq!(spans.last().unwrap().part, Part::Unparsed);
        assert_eq!(spans.last().unwrap().range.end, 5);
        assert!(layout(ProtocolVersion::V5, &[]).is_empty());
        // Every prefix of a valid packet lays out without panicking.
        let bytes = [
            0x10u8, 16, 0, 4, b'M', b'Q', b'T', b'T', 5, 2, 0, 60, 3, 0x21, 0, 10, 0, 0,
        ];
        for n in 0..bytes.len() {
            let s = layout(ProtocolVersion::V5, &bytes[..n]);
            assert_eq!(s.last().map_or(0, |s| s.range.end), n);
        }
    }
}
