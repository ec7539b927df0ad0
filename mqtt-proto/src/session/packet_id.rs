//! Packet identifier allocation without collisions.

use alloc::vec;
use alloc::vec::Vec;

use crate::types::PacketId;

/// Hands out packet identifiers that are not in use, cycling through 1..=65535.
///
/// Every identifier held by an unacknowledged SUBSCRIBE, UNSUBSCRIBE or QoS 1/2 PUBLISH is marked
/// in a 65,536-bit set (8 KiB). Allocation starts after the last identifier handed out and skips
/// the ones in use, so an identifier is never reused while its exchange is open, however many times
/// the counter wraps around ([MQTT-2.2.1-3], [MQTT-2.2.1-4]).
#[derive(Clone, Debug)]
pub(crate) struct PacketIdAllocator {
    /// Bit `n` of the set is identifier `n` (bit 0 is never used).
    in_use: Vec<u64>,
    /// Number of identifiers in use.
    count: usize,
    /// The last identifier handed out.
    last: u16,
}

const WORDS: usize = 65_536 / 64;

impl Default for PacketIdAllocator {
    fn default() -> Self {
        Self::new()
    }
}

impl PacketIdAllocator {
    /// An allocator with every identifier free.
    pub(crate) fn new() -> Self {
        Self {
            in_use: vec![0; WORDS],
            count: 0,
            last: 0,
        }
    }

    /// Number of identifiers in use.
    pub(crate) fn in_use(&self) -> usize {
        self.count
    }

    /// Whether `id` is in use.
    pub(crate) fn contains(&self, id: PacketId) -> bool {
        let n = usize::from(id.get());
        self.in_use
            .get(n / 64)
            .is_some_and(|w| w & (1u64 << (n % 64)) != 0)
    }

    /// The next free identifier after the last one handed out, marked in use; `None` when all
    /// 65,535 are in use.
    pub(crate) fn allocate(&mut self) -> Option<PacketId> {
        if self.count >= usize::from(u16::MAX) {
            return None;
        }
        let mut candidate = self.last;
        // At most 65,535 steps; in practice the next one or two are free. Whole words are skipped
        // when they are full.
        for _ in 0..=u16::MAX {
            candidate = if candidate == u16::MAX {
                1
            } else {
                candidate + 1
            };
            let n = usize::from(candidate);
            let word = self.in_use.get(n / 64).copied().unwrap_or(0);
            if word == u64::MAX && n % 64 == 0 {
                // Jump to the last id of this full word; the loop moves past it.
                candidate = candidate.saturating_add(63);
                continue;
            }
            if let Some(id) = PacketId::new(candidate) {
                if !self.contains(id) {
                    self.mark(id);
                    self.last = candidate;
                    return Some(id);
                }
            }
        }
        None
    }

    /// Marks `id` in use (an identifier restored from an earlier connection). Returns `false` if it
    /// already was.
    pub(crate) fn mark(&mut self, id: PacketId) -> bool {
        let n = usize::from(id.get());
        match self.in_use.get_mut(n / 64) {
            Some(w) if *w & (1u64 << (n % 64)) == 0 => {
                *w |= 1u64 << (n % 64);
                self.count += 1;
                true
            }
            _ => false,
        }
    }

    /// Frees `id`. Returns `false` if it was not in use.
    pub(crate) fn release(&mut self, id: PacketId) -> bool {
        let n = usize::from(id.get());
        match self.in_use.get_mut(n / 64) {
            Some(w) if *w & (1u64 << (n % 64)) != 0 => {
                *w &= !(1u64 << (n % 64));
                self.count -= 1;
                true
            }
            _ => false,
        }
    }

    /// Frees every identifier.
    #[cfg(test)]
    pub(crate) fn clear(&mut self) {
        self.in_use.iter_mut().for_each(|w| *w = 0);
        self.count = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_hands_out_an_identifier_in_use_across_wraps() {
        let mut a = PacketIdAllocator::new();
        // Hold a few identifiers forever; they must never be handed out again.
        let held: Vec<PacketId> = (0..5).filter_map(|_| a.allocate()).collect();
        for _ in 0..(65_535 * 4) {
            let id = a.allocate().expect("free ids remain");
            assert!(!held.contains(&id));
            assert!(a.release(id));
        }
        assert_eq!(a.in_use(), 5);
    }

    #[test]
    fn exhaustion_and_recovery() {
        let mut a = PacketIdAllocator::new();
        for _ in 0..65_535 {
            assert!(a.allocate().is_some());
        }
        assert_eq!(a.allocate(), None);
        let id = PacketId::new(40_000).expect("non-zero");
        assert!(a.release(id));
        assert_eq!(a.allocate(), Some(id));
        assert_eq!(a.allocate(), None);
        a.clear();
        assert_eq!(a.in_use(), 0);
        assert!(a.allocate().is_some());
    }
}
