//! [`SubscriptionTrie`]: dispatch a received topic to the values of all matching filters.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::string::MqttString;
use crate::topic::{Topic, TopicFilter};

/// A map from topic filters to values, looked up by topic name.
///
/// Filters are stored level by level, so [`SubscriptionTrie::matches`] walks only the branches a
/// topic can match (the literal level, `+` and `#` at each depth) rather than testing every filter.
/// Shared subscriptions are keyed by their share group and filter proper: `$share/a/x` and
/// `$share/b/x` and `x` are three entries that all match topic `x`.
///
/// ```
/// use mqtt_proto::{SubscriptionTrie, Topic, TopicFilter};
///
/// let mut trie = SubscriptionTrie::new();
/// trie.insert(&TopicFilter::new("sensors/+/temp").unwrap(), 1);
/// trie.insert(&TopicFilter::new("sensors/#").unwrap(), 2);
/// trie.insert(&TopicFilter::new("other").unwrap(), 3);
/// let mut hits: Vec<_> = trie.matches(&Topic::new("sensors/kitchen/temp").unwrap()).copied().collect();
/// hits.sort();
/// assert_eq!(hits, [1, 2]);
/// ```
#[derive(Clone, Debug)]
pub struct SubscriptionTrie<T> {
    root: Node<T>,
    len: usize,
}

#[derive(Clone, Debug)]
struct Node<T> {
    children: BTreeMap<String, Node<T>>,
    /// Values of filters ending at this node, keyed by share group (`None`: not shared).
    values: Vec<(Option<MqttString>, T)>,
}

impl<T> Default for Node<T> {
    fn default() -> Self {
        Self {
            children: BTreeMap::new(),
            values: Vec::new(),
        }
    }
}

impl<T> Node<T> {
    fn is_empty(&self) -> bool {
        self.children.is_empty() && self.values.is_empty()
    }

    fn collect<'a>(&'a self, levels: &[&str], root: bool, dollar: bool, out: &mut Vec<&'a T>) {
        let wildcards_ok = !(root && dollar);
        if wildcards_ok {
            if let Some(hash) = self.children.get("#") {
                out.extend(hash.values.iter().map(|(_, v)| v));
            }
        }
        let Some((first, rest)) = levels.split_first() else {
            out.extend(self.values.iter().map(|(_, v)| v));
            return;
        };
        if let Some(child) = self.children.get(*first) {
            child.collect(rest, false, dollar, out);
        }
        if wildcards_ok {
            if let Some(plus) = self.children.get("+") {
                plus.collect(rest, false, dollar, out);
            }
        }
    }

    /// Removes the value at `levels` for `group`, pruning emptied nodes.
    fn remove(&mut self, levels: &[&str], group: Option<&str>) -> Option<T> {
        match levels.split_first() {
            None => {
                let pos = self
                    .values
                    .iter()
                    .position(|(g, _)| g.as_ref().map(MqttString::as_str) == group)?;
                Some(self.values.swap_remove(pos).1)
            }
            Some((first, rest)) => {
                let child = self.children.get_mut(*first)?;
                let removed = child.remove(rest, group);
                if child.is_empty() {
                    self.children.remove(*first);
                }
                removed
            }
        }
    }
}

impl<T> Default for SubscriptionTrie<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> SubscriptionTrie<T> {
    /// An empty trie.
    pub fn new() -> Self {
        Self {
            root: Node::default(),
            len: 0,
        }
    }

    /// Number of filters stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no filter is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Stores `value` for `filter`, returning the value it replaces.
    pub fn insert(&mut self, filter: &TopicFilter, value: T) -> Option<T> {
        let mut node = &mut self.root;
        for level in filter.filter().split('/') {
            node = node.children.entry(level.to_string()).or_default();
        }
        let group = filter.share_group();
        if let Some(slot) = node
            .values
            .iter_mut()
            .find(|(g, _)| g.as_ref().map(MqttString::as_str) == group)
        {
            return Some(core::mem::replace(&mut slot.1, value));
        }
        let group = filter.share_group().and_then(|g| MqttString::new(g).ok());
        node.values.push((group, value));
        self.len += 1;
        None
    }

    /// The value stored for exactly `filter`.
    pub fn get(&self, filter: &TopicFilter) -> Option<&T> {
        let mut node = &self.root;
        for level in filter.filter().split('/') {
            node = node.children.get(level)?;
        }
        let group = filter.share_group();
        node.values
            .iter()
            .find(|(g, _)| g.as_ref().map(MqttString::as_str) == group)
            .map(|(_, v)| v)
    }

    /// Removes and returns the value stored for exactly `filter`.
    pub fn remove(&mut self, filter: &TopicFilter) -> Option<T> {
        let levels: Vec<&str> = filter.filter().split('/').collect();
        let removed = self.root.remove(&levels, filter.share_group());
        if removed.is_some() {
            self.len -= 1;
        }
        removed
    }

    /// The values of every filter matching `topic` (section 4.7, including [MQTT-4.7.2-1]: `+` and
    /// `#` in the first level do not match topics starting with `$`). The order is unspecified.
    pub fn matches(&self, topic: &Topic) -> impl Iterator<Item = &T> {
        let levels: Vec<&str> = topic.levels().collect();
        let mut out = Vec::new();
        self.root
            .collect(&levels, true, topic.as_str().starts_with('$'), &mut out);
        out.into_iter()
    }
}
