//! Reconnect backoff: exponential, capped, with jitter from a seeded PRNG.

use crate::time::Duration;

/// When and how often the session reconnects after an unexpected loss of the connection.
///
/// The delay before attempt `n` (1-based) is `base(n) = min(initial_delay × multiplierⁿ⁻¹,
/// max_delay)`, reduced by a random fraction of at most `jitter` of itself: the actual delay lies in
/// `[base(n) × (1 − jitter), base(n)]`, so `max_delay` is a true cap. The randomness comes from a
/// SplitMix64 generator seeded with `seed`: the same seed gives the same delays, which keeps
/// simulations deterministic. Give every client a different seed (e.g. from `crypto.getRandomValues`)
/// to spread reconnects of many clients after a broker restart.
#[derive(Clone, Debug, PartialEq)]
pub struct ReconnectPolicy {
    /// Whether to reconnect at all. When `false`, a lost connection ends the session.
    pub enabled: bool,
    /// Delay before the first attempt.
    pub initial_delay: Duration,
    /// Upper bound of any delay.
    pub max_delay: Duration,
    /// Growth factor per attempt (values below 1.0 are treated as 1.0).
    pub multiplier: f64,
    /// Fraction of the delay that is randomised, 0.0 (none) to 1.0 (values outside are clamped).
    pub jitter: f64,
    /// Give up after this many consecutive failed attempts (`None`: never give up).
    pub max_attempts: Option<u32>,
    /// Seed of the jitter generator.
    pub seed: u64,
}

impl Default for ReconnectPolicy {
    /// Enabled; 1 s doubling up to 60 s, 20 % jitter, unlimited attempts, seed 0.
    fn default() -> Self {
        Self {
            enabled: true,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            multiplier: 2.0,
            jitter: 0.2,
            max_attempts: None,
            seed: 0,
        }
    }
}

impl ReconnectPolicy {
    /// No reconnection: a lost connection ends the session.
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }
}

/// The SplitMix64 generator (Steele, Lea, Flood 2014): tiny, fast, good enough for jitter.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform value in `[0, 1)`.
    pub(crate) fn next_f64(&mut self) -> f64 {
        // 53 random bits, exactly representable.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The backoff state: the attempt counter and the generator.
#[derive(Clone, Debug)]
pub(crate) struct Backoff {
    rng: SplitMix64,
    attempt: u32,
}

impl Backoff {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            rng: SplitMix64::new(seed),
            attempt: 0,
        }
    }

    /// A connection succeeded: the next loss starts again from `initial_delay`.
    pub(crate) fn reset(&mut self) {
        self.attempt = 0;
    }

    /// The next attempt number and its delay, or `None` when `max_attempts` is reached.
    pub(crate) fn next_delay(&mut self, policy: &ReconnectPolicy) -> Option<(u32, Duration)> {
        if let Some(max) = policy.max_attempts {
            if self.attempt >= max {
                return None;
            }
        }
        self.attempt = self.attempt.saturating_add(1);
        let cap = policy.max_delay.as_secs_f64() * 1000.0;
        let mult = if policy.multiplier.is_finite() && policy.multiplier > 1.0 {
            policy.multiplier
        } else {
            1.0
        };
        let mut base = policy.initial_delay.as_secs_f64() * 1000.0;
        for _ in 1..self.attempt {
            if base >= cap {
                break;
            }
            base *= mult;
        }
        let base = if base > cap { cap } else { base };
        let jitter = if policy.jitter.is_nan() {
            0.0
        } else {
            policy.jitter.clamp(0.0, 1.0)
        };
        let ms = base * (1.0 - jitter * self.rng.next_f64());
        // `as` saturates for floats; the value is finite and non-negative here.
        Some((self.attempt, Duration::from_millis(ms as u64)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_caps_and_is_deterministic() {
        let policy = ReconnectPolicy {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1_000),
            multiplier: 2.0,
            jitter: 0.0,
            ..ReconnectPolicy::default()
        };
        let mut b = Backoff::new(7);
        let delays: alloc::vec::Vec<u64> = (0..8)
            .filter_map(|_| b.next_delay(&policy))
            .map(|(_, d)| d.as_millis() as u64)
            .collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000, 1000, 1000]);

        let jittered = ReconnectPolicy {
            jitter: 0.5,
            ..policy.clone()
        };
        let mut a = Backoff::new(42);
        let mut c = Backoff::new(42);
        for _ in 0..20 {
            let (_, x) = a.next_delay(&jittered).expect("unlimited");
            let (_, y) = c.next_delay(&jittered).expect("unlimited");
            assert_eq!(x, y);
            assert!(x <= Duration::from_millis(1_000));
        }
    }

    #[test]
    fn max_attempts() {
        let policy = ReconnectPolicy {
            max_attempts: Some(2),
            ..ReconnectPolicy::default()
        };
        let mut b = Backoff::new(1);
        assert!(b.next_delay(&policy).is_some());
        assert!(b.next_delay(&policy).is_some());
        assert!(b.next_delay(&policy).is_none());
        b.reset();
        assert_eq!(b.next_delay(&policy).map(|(n, _)| n), Some(1));
    }
}
