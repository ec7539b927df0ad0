//! [`MqttString`]: a validated, zero-copy UTF-8 Encoded String (MQTT 5.0 section 1.5.4).

use core::borrow::Borrow;
use core::fmt;
use core::hash::{Hash, Hasher};

use bytes::Bytes;
use bytestring::ByteString;

/// Why some bytes are not a valid MQTT UTF-8 Encoded String.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StringError {
    /// The bytes are not well-formed UTF-8 ([MQTT-1.5.4-1]).
    InvalidUtf8,
    /// The string contains U+0000 ([MQTT-1.5.4-2]).
    NullCharacter,
    /// The string is longer than 65,535 bytes (section 1.5.4: a two-byte length prefix).
    TooLong,
}

impl StringError {
    /// The normative statement (or section) the string violates.
    pub const fn rule(self) -> &'static str {
        match self {
            Self::InvalidUtf8 => "MQTT-1.5.4-1",
            Self::NullCharacter => "MQTT-1.5.4-2",
            Self::TooLong => "MQTT 1.5.4",
        }
    }
}

impl fmt::Display for StringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Self::InvalidUtf8 => "string is not well-formed UTF-8",
            Self::NullCharacter => "string contains the null character U+0000",
            Self::TooLong => "string is longer than 65535 bytes",
        };
        write!(f, "{what} [{}]", self.rule())
    }
}

impl core::error::Error for StringError {}

/// A UTF-8 Encoded String as MQTT defines it: well-formed UTF-8, no U+0000, at most 65,535 bytes.
///
/// It is a cheap, reference-counted slice of the packet it was decoded from (zero-copy), and
/// cloning it never copies the text. The text is validated once, when the string is made:
/// [`MqttString::as_str`] is free.
///
/// ```
/// use mqtt_proto::MqttString;
///
/// let s = MqttString::from("sensors/temp");
/// assert_eq!(s.as_str(), "sensors/temp");
/// assert!(MqttString::new("nul\0inside").is_err());
/// ```
#[derive(Clone, Default)]
pub struct MqttString(ByteString);

impl MqttString {
    /// The maximum length in bytes of a string on the wire.
    pub const MAX_LEN: usize = u16::MAX as usize;

    /// Validates and copies `s`.
    pub fn new(s: &str) -> Result<Self, StringError> {
        check_str(s)?;
        Ok(Self(ByteString::from(s)))
    }

    /// The string as `&str` (no check: it was validated when made).
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The UTF-8 bytes (a zero-copy view of the decoded packet).
    #[inline]
    pub fn as_bytes(&self) -> &Bytes {
        self.0.as_bytes()
    }

    /// Consumes the string, returning its bytes.
    pub fn into_bytes(self) -> Bytes {
        self.0.into_bytes()
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the string is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl MqttString {
    /// Wraps a received string whose bytes the caller checked for U+0000 (a wire string is at
    /// most 65,535 bytes by its length prefix).
    #[inline]
    pub(crate) fn from_nul_free(s: ByteString) -> Self {
        debug_assert_eq!(check_str(&s), Ok(()));
        Self(s)
    }
}

/// The MQTT rules beyond well-formed UTF-8: no U+0000, at most 65,535 bytes.
#[inline]
fn check_str(s: &str) -> Result<(), StringError> {
    if s.len() > MqttString::MAX_LEN {
        Err(StringError::TooLong)
    } else if s.as_bytes().contains(&0) {
        // A byte search (memchr): U+0000 is the only character with a zero byte in UTF-8.
        Err(StringError::NullCharacter)
    } else {
        Ok(())
    }
}

impl TryFrom<Bytes> for MqttString {
    type Error = StringError;

    /// Validates `bytes` without copying them.
    #[inline]
    fn try_from(bytes: Bytes) -> Result<Self, StringError> {
        let s = ByteString::try_from(bytes).map_err(|_| StringError::InvalidUtf8)?;
        check_str(&s)?;
        Ok(Self(s))
    }
}

impl TryFrom<alloc::string::String> for MqttString {
    type Error = StringError;

    fn try_from(s: alloc::string::String) -> Result<Self, StringError> {
        check_str(&s)?;
        Ok(Self(ByteString::from(s)))
    }
}

impl From<&'static str> for MqttString {
    /// Wraps a static string without copying.
    ///
    /// # Panics
    ///
    /// Panics if `s` contains U+0000 or is longer than 65,535 bytes: a static string is a
    /// programming-time constant, so this is a bug in the caller, never a wire input. Use
    /// [`MqttString::new`] for untrusted text.
    fn from(s: &'static str) -> Self {
        if let Err(e) = check_str(s) {
            panic!("invalid static MQTT string: {e}");
        }
        Self(ByteString::from_static(s))
    }
}

impl AsRef<str> for MqttString {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for MqttString {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for MqttString {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for MqttString {}

impl PartialEq<str> for MqttString {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for MqttString {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Hash for MqttString {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Must agree with `Borrow<str>`: hash like a `str`.
        self.as_str().hash(state);
    }
}

impl PartialOrd for MqttString {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for MqttString {
    /// Byte order, which for UTF-8 equals code point order.
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl fmt::Display for MqttString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for MqttString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}
