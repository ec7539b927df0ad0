//! Pure formatting for the views: payloads as text, JSON, hex or base64,
//! numbers for charts, hex parsing for the publish form. Tested natively.

/// How to show a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadView {
    /// UTF-8 text (invalid bytes replaced).
    Text,
    /// Pretty-printed JSON when it parses, text otherwise.
    Json,
    /// Hex bytes.
    Hex,
    /// Base64.
    Base64,
}

/// Renders `payload` as `view` asks, cut at `limit` characters.
pub fn render_payload(payload: &[u8], view: PayloadView, limit: usize) -> String {
    let s = match view {
        PayloadView::Text => String::from_utf8_lossy(payload).into_owned(),
        PayloadView::Json => {
            pretty_json(payload).unwrap_or_else(|| String::from_utf8_lossy(payload).into_owned())
        }
        PayloadView::Hex => hex(payload),
        PayloadView::Base64 => base64(payload),
    };
    if s.chars().count() > limit {
        let mut cut: String = s.chars().take(limit).collect();
        cut.push('…');
        cut
    } else {
        s
    }
}

/// Space-separated lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Parses hex bytes, ignoring whitespace (`"de ad be ef"`, `"DEADBEEF"`).
pub fn parse_hex(s: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks(2)
        .map(|p| {
            let hi = (p[0] as char).to_digit(16)?;
            let lo = (p[1] as char).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A decoded packet's pretty `Debug` text without the fields that say nothing
/// (`None`, empty lists), so the packet view shows what the packet carries.
pub fn compact_debug(pretty: &str) -> String {
    let mut out = String::with_capacity(pretty.len());
    for line in pretty.lines() {
        let t = line.trim_end();
        if t.ends_with(": None,") || t.ends_with(": [],") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.replace("properties: Properties {\n        },", "")
        .replace("Properties {\n            },", "{},")
}

/// Decodes standard base64 (padding optional); `None` on a bad character.
pub fn parse_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The payload as pretty JSON, if it is JSON.
pub fn pretty_json(payload: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(payload).ok()?;
    serde_json::to_string_pretty(&v).ok()
}

/// The numbers a payload carries, for charts: the payload itself if it is a
/// number, else each numeric top-level field of a JSON object (name, value).
pub fn numbers(payload: &[u8]) -> Vec<(String, f64)> {
    let Ok(text) = std::str::from_utf8(payload) else {
        return Vec::new();
    };
    if let Ok(n) = text.trim().parse::<f64>() {
        return if n.is_finite() {
            vec![(String::new(), n)]
        } else {
            Vec::new()
        };
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => map
            .iter()
            .filter_map(|(k, v)| v.as_f64().map(|n| (k.clone(), n)))
            .collect(),
        _ => Vec::new(),
    }
}

/// A line diff of two payloads (as text): each line tagged `' '`, `'-'` or `'+'`.
/// Simple LCS over lines, bounded to small payloads (larger ones compare whole).
pub fn diff_lines(old: &str, new: &str) -> Vec<(char, String)> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len() * b.len() > 250_000 {
        return if old == new {
            vec![(' ', new.to_owned())]
        } else {
            vec![('-', old.to_owned()), ('+', new.to_owned())]
        };
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push((' ', a[i].to_owned()));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            out.push(('+', b[j].to_owned()));
            j += 1;
        } else {
            out.push(('-', a[i].to_owned()));
            i += 1;
        }
    }
    out
}

/// A size in words: `1 byte`, `50 bytes`.
pub fn byte_count(n: usize) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_in_words() {
        assert_eq!(byte_count(0), "0 bytes");
        assert_eq!(byte_count(1), "1 byte");
        assert_eq!(byte_count(50), "50 bytes");
    }

    #[test]
    fn payload_views() {
        assert_eq!(
            render_payload(b"{\"a\":1}", PayloadView::Json, 100),
            "{\n  \"a\": 1\n}"
        );
        assert_eq!(
            render_payload(b"not json", PayloadView::Json, 100),
            "not json"
        );
        assert_eq!(
            render_payload(&[0xde, 0xad], PayloadView::Hex, 100),
            "de ad"
        );
        assert_eq!(render_payload(b"abcdef", PayloadView::Text, 3), "abc…");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(parse_base64(&base64(&bytes)), Some(bytes));
        }
        assert_eq!(parse_base64("a$"), None);
    }

    #[test]
    fn compact_debug_drops_empty_fields() {
        let p = mqtt_proto::Packet::Disconnect(mqtt_proto::Disconnect::new(
            mqtt_proto::ReasonCode(0x81),
        ));
        let text = compact_debug(&format!("{p:#?}"));
        assert!(text.contains("0x81"), "{text}");
        assert!(!text.contains("None"), "{text}");
        assert!(text.lines().count() < 10, "{text}");
    }

    #[test]
    fn hex_parsing() {
        assert_eq!(
            parse_hex("de AD be\nef"),
            Some(vec![0xde, 0xad, 0xbe, 0xef])
        );
        assert_eq!(parse_hex("abc"), None);
        assert_eq!(parse_hex("zz"), None);
        assert_eq!(parse_hex(""), Some(vec![]));
    }

    #[test]
    fn numbers_from_plain_and_json_payloads() {
        assert_eq!(numbers(b" 21.5 "), vec![(String::new(), 21.5)]);
        assert_eq!(
            numbers(b"{\"t\": 20, \"h\": 0.5, \"s\": \"x\"}"),
            vec![("h".into(), 0.5), ("t".into(), 20.0)]
        );
        assert!(numbers(b"NaN").is_empty());
        assert!(numbers(&[0xff]).is_empty());
    }

    #[test]
    fn diff_marks_changed_lines() {
        let d = diff_lines("a\nb\nc", "a\nx\nc");
        assert_eq!(
            d,
            vec![
                (' ', "a".into()),
                ('-', "b".into()),
                ('+', "x".into()),
                (' ', "c".into())
            ]
        );
    }
}
