//! A small ordered map over a sorted `Vec`, the session's only map type.
//!
//! The session's maps are small (at most Receive Maximum packet ids, the topic aliases the peers
//! allow, the subscriptions of one client) and read far more often than changed. A sorted `Vec`
//! gives `O(log n)` lookups, `O(n)` (a `memmove`) insertion and removal, ordered iteration like
//! `BTreeMap`, and a fraction of its code: each `BTreeMap<K, V>` instantiation brings ~7 KB of
//! node handling to the wasm build, a `VecMap<K, V>` a binary search and a `Vec` insert/remove.

use alloc::vec::Vec;
use core::fmt;

/// A map ordered by key, stored as a `Vec` of `(key, value)` sorted by key, keys unique.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

/// A set ordered by value: a [`VecMap`] without values.
pub(crate) type VecSet<K> = VecMap<K, ()>;

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<K, V> VecMap<K, V> {
    /// An empty map (no allocation).
    pub(crate) const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Removes every entry.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }

    /// The entries in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Takes every entry out, in key order, leaving the map empty.
    pub(crate) fn take(&mut self) -> Vec<(K, V)> {
        core::mem::take(&mut self.entries)
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// `Ok(index)` of `key`, or `Err(index)` where it would be inserted.
    fn find(&self, key: &K) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.cmp(key))
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub(crate) fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Sets the value of `key`; returns the previous value.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, v)| core::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, inserted with `make` first if absent.
    pub(crate) fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        // `i` is the index found or just inserted: in bounds.
        &mut self.entries[i].1
    }

    /// Removes `key`; returns its value.
    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_keys_sorted_and_unique() {
        let mut m = VecMap::new();
        for k in [5u16, 1, 9, 3, 5] {
            m.insert(k, k * 10);
        }
        assert_eq!(m.len(), 4);
        let keys: Vec<u16> = m.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, [1, 3, 5, 9]);
        assert_eq!(m.insert(3, 0), Some(30));
        assert_eq!(m.get(&3), Some(&0));
        assert_eq!(m.remove(&1), Some(10));
        assert_eq!(m.remove(&1), None);
        assert!(!m.contains_key(&1));
        *m.get_or_insert_with(7, || 70) += 1;
        *m.get_or_insert_with(7, || 0) += 1;
        assert_eq!(m.get(&7), Some(&72));
        let all = m.take();
        assert_eq!(all, [(3, 0), (5, 50), (7, 72), (9, 90)]);
        assert_eq!(m.len(), 0);
    }
}
