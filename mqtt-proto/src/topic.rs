//! Validated topic names ([`Topic`]) and topic filters ([`TopicFilter`]), and matching between them
//! (MQTT 5.0 section 4.7, shared subscriptions section 4.8.2).

use core::fmt;

use bytes::Bytes;
use bytestring::ByteString;

use crate::error::DecodeError;
use crate::string::{MqttString, StringError};

/// Why a string is not a valid topic name or topic filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TopicError {
    /// Topic names and filters must be at least one character long ([MQTT-4.7.3-1]).
    Empty,
    /// A topic name contains `+` or `#` ([MQTT-3.3.2-2]).
    WildcardInTopicName,
    /// `#` is not alone in the last level of a filter ([MQTT-4.7.1-1]).
    InvalidMultiLevelWildcard,
    /// `+` is not alone in its level of a filter ([MQTT-4.7.1-2]).
    InvalidSingleLevelWildcard,
    /// A `$share/` filter has an empty share name ([MQTT-4.8.2-1]).
    EmptyShareName,
    /// A share name contains `+` or `#`, or is not followed by `/` and a topic filter
    /// ([MQTT-4.8.2-2]).
    InvalidShareName,
    /// Not a valid UTF-8 Encoded String.
    String(StringError),
}

impl TopicError {
    /// The normative statement violated.
    pub const fn rule(self) -> &'static str {
        match self {
            Self::Empty => "MQTT-4.7.3-1",
            Self::WildcardInTopicName => "MQTT-3.3.2-2",
            Self::InvalidMultiLevelWildcard => "MQTT-4.7.1-1",
            Self::InvalidSingleLevelWildcard => "MQTT-4.7.1-2",
            Self::EmptyShareName => "MQTT-4.8.2-1",
            Self::InvalidShareName => "MQTT-4.8.2-2",
            Self::String(e) => e.rule(),
        }
    }
}

impl fmt::Display for TopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Self::Empty => "empty topic",
            Self::WildcardInTopicName => "wildcard character in a topic name",
            Self::InvalidMultiLevelWildcard => "'#' must be alone in the last level",
            Self::InvalidSingleLevelWildcard => "'+' must be alone in its level",
            Self::EmptyShareName => "empty share name",
            Self::InvalidShareName => "invalid share name or missing shared topic filter",
            Self::String(e) => return fmt::Display::fmt(e, f),
        };
        write!(f, "{what} [{}]", self.rule())
    }
}

impl core::error::Error for TopicError {}

impl From<StringError> for TopicError {
    fn from(e: StringError) -> Self {
        Self::String(e)
    }
}

/// A topic name: non-empty, without wildcards, a valid UTF-8 Encoded String.
///
/// ```
/// use mqtt_proto::Topic;
///
/// let t = Topic::new("sensors/kitchen/temp").unwrap();
/// assert_eq!(t.levels().count(), 3);
/// assert!(Topic::new("sensors/+").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Topic(MqttString);

impl Topic {
    /// Validates and copies `s`.
    pub fn new(s: &str) -> Result<Self, TopicError> {
        Self::try_from(MqttString::new(s)?)
    }

    /// The topic as `&str`.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The topic as an [`MqttString`].
    pub fn as_mqtt_str(&self) -> &MqttString {
        &self.0
    }

    /// The topic's levels (the parts between `/`).
    pub fn levels(&self) -> core::str::Split<'_, char> {
        self.as_str().split('/')
    }
}

impl TryFrom<MqttString> for Topic {
    type Error = TopicError;

    fn try_from(s: MqttString) -> Result<Self, TopicError> {
        if s.is_empty() {
            return Err(TopicError::Empty);
        }
        if s.as_bytes().iter().any(|b| *b == b'+' || *b == b'#') {
            return Err(TopicError::WildcardInTopicName);
        }
        Ok(Self(s))
    }
}

impl TryFrom<&str> for Topic {
    type Error = TopicError;

    fn try_from(s: &str) -> Result<Self, TopicError> {
        Self::new(s)
    }
}

impl TryFrom<Bytes> for Topic {
    type Error = TopicError;

    fn try_from(b: Bytes) -> Result<Self, TopicError> {
        Self::try_from(MqttString::try_from(b)?)
    }
}

impl From<Topic> for MqttString {
    fn from(t: Topic) -> Self {
        t.0
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Topic({:?})", self.0)
    }
}

/// A topic filter: a topic with optional `+` / `#` wildcards, or a shared subscription
/// `$share/{group}/{filter}`.
///
/// The `$share/` syntax is recognised in every protocol version (brokers commonly support it in
/// 3.1.1 too).
///
/// ```
/// use mqtt_proto::{Topic, TopicFilter};
///
/// let f = TopicFilter::new("$share/workers/jobs/+").unwrap();
/// assert_eq!(f.share_group(), Some("workers"));
/// assert_eq!(f.filter(), "jobs/+");
/// assert!(f.matches(&Topic::new("jobs/42").unwrap()));
/// assert!(!TopicFilter::new("#").unwrap().matches(&Topic::new("$SYS/uptime").unwrap()));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicFilter {
    raw: MqttString,
    /// For `$share/{group}/{filter}`, the length of `{group}` (the parts are slices of `raw`, found
    /// once when validating).
    group_len: Option<u16>,
}

const SHARE_PREFIX: &str = "$share/";

impl TopicFilter {
    /// Validates and copies `s`.
    pub fn new(s: &str) -> Result<Self, TopicError> {
        Self::try_from(MqttString::new(s)?)
    }

    /// The whole filter as sent on the wire (with the `$share/group/` prefix if any).
    pub fn as_str(&self) -> &str {
        self.raw.as_str()
    }

    /// The whole filter as an [`MqttString`].
    pub fn as_mqtt_str(&self) -> &MqttString {
        &self.raw
    }

    /// The share group of a shared subscription.
    pub fn share_group(&self) -> Option<&str> {
        let len = usize::from(self.group_len?);
        let start = SHARE_PREFIX.len();
        self.as_str().get(start..start + len)
    }

    /// Whether this is a shared subscription (`$share/...`).
    #[inline]
    pub fn is_shared(&self) -> bool {
        self.group_len.is_some()
    }

    /// The filter proper, without a `$share/group/` prefix: what topics are matched against.
    pub fn filter(&self) -> &str {
        let raw = self.as_str();
        match self.group_len {
            None => raw,
            // Validated: `$share/{group}/` is followed by a non-empty filter.
            Some(len) => raw
                .get(SHARE_PREFIX.len() + usize::from(len) + 1..)
                .unwrap_or_default(),
        }
    }

    /// Whether the filter contains `+` or `#`.
    pub fn has_wildcards(&self) -> bool {
        self.filter().bytes().any(|b| b == b'+' || b == b'#')
    }

    /// Whether `topic` matches this filter (section 4.7), including the rule that a filter starting
    /// with a wildcard does not match topics starting with `$` ([MQTT-4.7.2-1]). Shared
    /// subscriptions match with their filter proper.
    pub fn matches(&self, topic: &Topic) -> bool {
        let f = self.filter();
        let t = topic.as_str();
        if t.starts_with('$') && (f.starts_with('+') || f.starts_with('#')) {
            return false;
        }
        let mut fl = f.split('/');
        let mut tl = t.split('/');
        loop {
            match (fl.next(), tl.next()) {
                (Some("#"), _) => return true,
                (None, None) => return true,
                (Some("+"), Some(_)) => {}
                (Some(a), Some(b)) if a == b => {}
                _ => return false,
            }
        }
    }
}

/// Checks the wildcards of a filter proper, level by level: `#` alone in the last level, `+`
/// alone in its level (the first bad level decides, `#` before `+`). One pass over the bytes.
fn check_filter(f: &str) -> Result<(), TopicError> {
    const HASH: u8 = 1;
    const PLUS: u8 = 2;
    fn check_level(len: usize, wildcards: u8, last: bool) -> Result<(), TopicError> {
        if wildcards & HASH != 0 && (len != 1 || !last) {
            return Err(TopicError::InvalidMultiLevelWildcard);
        }
        if wildcards & PLUS != 0 && len != 1 {
            return Err(TopicError::InvalidSingleLevelWildcard);
        }
        Ok(())
    }
    if f.is_empty() {
        return Err(TopicError::Empty);
    }
    let (mut len, mut wildcards) = (0usize, 0u8);
    for &b in f.as_bytes() {
        match b {
            b'/' => {
                check_level(len, wildcards, false)?;
                (len, wildcards) = (0, 0);
                continue;
            }
            b'#' => wildcards |= HASH,
            b'+' => wildcards |= PLUS,
            _ => {}
        }
        len += 1;
    }
    check_level(len, wildcards, true)
}

impl TopicFilter {
    /// A filter received as `s` (well-formed UTF-8): the checks and errors of
    /// `MqttString::try_from` then `TopicFilter::try_from`, with the NUL and wildcard checks in
    /// one pass for the common, valid filter ([`scan_filter`]); anything else takes the full path
    /// for the exact error.
    #[inline]
    pub(crate) fn from_wire(s: ByteString) -> Result<Self, DecodeError> {
        match scan_filter(s.as_bytes()) {
            Some(group_len) => Ok(Self {
                raw: MqttString::from_nul_free(s),
                group_len,
            }),
            None => Self::from_wire_slow(s),
        }
    }

    #[cold]
    #[inline(never)]
    fn from_wire_slow(s: ByteString) -> Result<Self, DecodeError> {
        let s = MqttString::try_from(s.into_bytes())?;
        Self::try_from(s).map_err(DecodeError::InvalidTopicFilter)
    }
}

/// One pass over a filter's bytes: `Some(share group length)` if it is a valid MQTT string (no
/// U+0000) and a valid topic filter, `None` if it is not, or may not be (the caller then runs
/// the full checks). A wildcard is accepted only where it is a whole level (`#` the last).
#[inline]
fn scan_filter(s: &[u8]) -> Option<Option<u16>> {
    let (group_len, f) = match s.strip_prefix(SHARE_PREFIX.as_bytes()) {
        None => (None, s),
        Some(rest) => {
            let slash = rest.iter().position(|&b| b == b'/')?;
            let group = rest.get(..slash)?;
            let filter = rest.get(slash + 1..)?;
            if group.is_empty() || group.iter().any(|&b| matches!(b, 0 | b'+' | b'#')) {
                return None;
            }
            (Some(u16::try_from(group.len()).ok()?), filter)
        }
    };
    if f.is_empty() {
        return None;
    }
    // The byte before the current one ('/' at the start: a level begins).
    let mut prev = b'/';
    for (i, &b) in f.iter().enumerate() {
        match b {
            0 => return None,
            b'+' | b'#' => {
                let next = f.get(i + 1).copied();
                let alone = match b {
                    b'+' => next.is_none() || next == Some(b'/'),
                    _ => next.is_none(),
                };
                if prev != b'/' || !alone {
                    return None;
                }
            }
            _ => {}
        }
        prev = b;
    }
    Some(group_len)
}

impl TryFrom<MqttString> for TopicFilter {
    type Error = TopicError;

    fn try_from(raw: MqttString) -> Result<Self, TopicError> {
        let s = raw.as_str();
        let Some(rest) = s.strip_prefix(SHARE_PREFIX) else {
            check_filter(s)?;
            return Ok(Self {
                raw,
                group_len: None,
            });
        };
        let (group, filter) = rest.split_once('/').unwrap_or((rest, ""));
        if group.is_empty() {
            return Err(TopicError::EmptyShareName);
        }
        if group.contains(['+', '#']) || filter.is_empty() {
            return Err(TopicError::InvalidShareName);
        }
        check_filter(filter)?;
        // An MQTT string is at most 65,535 bytes, so the group's length fits.
        let group_len = u16::try_from(group.len()).map_err(|_| StringError::TooLong)?;
        Ok(Self {
            raw,
            group_len: Some(group_len),
        })
    }
}

impl TryFrom<&str> for TopicFilter {
    type Error = TopicError;

    fn try_from(s: &str) -> Result<Self, TopicError> {
        Self::new(s)
    }
}

impl TryFrom<Bytes> for TopicFilter {
    type Error = TopicError;

    fn try_from(b: Bytes) -> Result<Self, TopicError> {
        Self::try_from(MqttString::try_from(b)?)
    }
}

impl From<Topic> for TopicFilter {
    /// Every topic name is a filter matching exactly itself (a topic starting with `$share/` becomes
    /// a shared subscription only if it has that shape; otherwise it is matched literally).
    fn from(t: Topic) -> Self {
        Self::try_from(t.0.clone()).unwrap_or(Self {
            raw: t.0,
            group_len: None,
        })
    }
}

impl fmt::Display for TopicFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.raw, f)
    }
}

impl fmt::Debug for TopicFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TopicFilter({:?})", self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    /// The one-pass decode path agrees with the full checks (value and error) on every string of
    /// up to 6 characters over the characters that matter, alone and after `$share/`.
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    fn from_wire_agrees_with_the_full_checks() {
        const ALPHABET: [char; 6] = ['a', '/', '+', '#', '\0', 'é'];
        let mut strings = alloc::vec![alloc::string::String::new()];
        let mut last = strings.clone();
        for _ in 0..6 {
            let mut next = alloc::vec::Vec::new();
            for s in &last {
                for c in ALPHABET {
                    let mut t = s.clone();
                    t.push(c);
                    next.push(t);
                }
            }
            strings.extend(next.iter().cloned());
            last = next;
        }
        for s in &strings {
            for prefix in ["", "$share/", "$share/g/", "$share"] {
                let text = alloc::format!("{prefix}{s}");
                let bytes = Bytes::from(text.clone().into_bytes());
                let full = MqttString::try_from(bytes.clone())
                    .map_err(DecodeError::from)
                    .and_then(|m| {
                        TopicFilter::try_from(m).map_err(DecodeError::InvalidTopicFilter)
                    });
                let fast = ByteString::try_from(bytes)
                    .map_err(|_| DecodeError::InvalidString(StringError::InvalidUtf8))
                    .and_then(TopicFilter::from_wire);
                // Equality covers the share group's length too.
                assert_eq!(fast, full, "{text:?}");
            }
        }
    }
}
