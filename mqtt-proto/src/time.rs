//! Time as the caller sees it: [`Instant`] is a point on the caller's monotonic clock in
//! milliseconds, and spans are [`core::time::Duration`] (re-exported as [`Duration`]).
//!
//! Nothing in this crate reads a clock. Every time-dependent call takes `now: Instant`, so the same
//! code runs in a browser (`performance.now()`), natively (`std::time::Instant` relative to a start
//! point) and in a deterministic simulation (a counter).
//!
//! ```
//! use mqtt_proto::time::{Duration, Instant};
//!
//! let t0 = Instant::from_millis(1_000);
//! let t1 = t0 + Duration::from_millis(250);
//! assert_eq!(t1.as_millis(), 1_250);
//! assert_eq!(t1.saturating_duration_since(t0), Duration::from_millis(250));
//! assert_eq!(t0.saturating_duration_since(t1), Duration::ZERO);
//! ```

use core::fmt;
use core::ops::{Add, AddAssign, Sub};

pub use core::time::Duration;

/// A point in time: milliseconds on the caller's monotonic clock (any origin).
///
/// Arithmetic saturates instead of overflowing, so no input can make it panic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub u64);

impl Instant {
    /// The origin of the clock (0 ms).
    pub const ZERO: Self = Self(0);

    /// The instant `ms` milliseconds after the clock's origin.
    pub const fn from_millis(ms: u64) -> Self {
        Self(ms)
    }

    /// Milliseconds since the clock's origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The time elapsed from `earlier` to `self`, or zero if `earlier` is later.
    pub const fn saturating_duration_since(self, earlier: Self) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }

    /// `self + d`, saturating at the end of the clock.
    pub fn saturating_add(self, d: Duration) -> Self {
        Self(self.0.saturating_add(duration_millis(d)))
    }
}

/// Whole milliseconds of `d`, saturating at `u64::MAX`.
pub(crate) fn duration_millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Add<Duration> for Instant {
    type Output = Self;

    fn add(self, rhs: Duration) -> Self {
        self.saturating_add(rhs)
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        *self = self.saturating_add(rhs);
    }
}

impl Sub for Instant {
    type Output = Duration;

    /// Saturating: an earlier `self` gives [`Duration::ZERO`].
    fn sub(self, rhs: Self) -> Duration {
        self.saturating_duration_since(rhs)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1000, self.0 % 1000)
    }
}
