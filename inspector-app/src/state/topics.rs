//! The live topic tree: a node per topic level, with counts, the last value,
//! the retained flag, a message rate and a bounded history per topic.

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;

/// A message as the topic tree keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// Arrival time (ms).
    pub at_ms: u64,
    /// Payload (shared with the packet that carried it).
    pub payload: Bytes,
    /// Delivered with the RETAIN flag.
    pub retained: bool,
}

/// What is known about one topic that received messages.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopicStats {
    /// Messages received on this exact topic.
    pub count: u64,
    /// Most recent messages, oldest first (bounded by [`TopicTree::HISTORY`]).
    pub history: VecDeque<Sample>,
    /// Whether the last message was retained (a retained empty payload clears it).
    pub retained: bool,
    /// Messages per second over the last full second window.
    pub rate: f64,
    window_start_ms: u64,
    window_count: u64,
}

impl TopicStats {
    /// The latest message.
    pub fn last(&self) -> Option<&Sample> {
        self.history.back()
    }

    /// The message before the latest one (for the diff view).
    pub fn previous(&self) -> Option<&Sample> {
        self.history.iter().rev().nth(1)
    }
}

/// One level of the hierarchy.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopicNode {
    /// Child levels by name, sorted.
    pub children: BTreeMap<String, TopicNode>,
    /// Stats if a message arrived on exactly this topic.
    pub stats: Option<TopicStats>,
    /// Messages on this topic and everything below it.
    pub total: u64,
}

impl TopicNode {
    /// Number of topics (nodes with messages) in this subtree, itself included.
    pub fn topic_count(&self) -> usize {
        usize::from(self.stats.is_some())
            + self
                .children
                .values()
                .map(TopicNode::topic_count)
                .sum::<usize>()
    }
}

/// The tree of every topic seen on a connection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopicTree {
    /// The root; its children are the first topic levels.
    pub root: TopicNode,
}

impl TopicTree {
    /// Messages kept per topic.
    pub const HISTORY: usize = 50;

    /// Records a message on `topic` at `at_ms`.
    pub fn record(&mut self, topic: &str, payload: Bytes, retained: bool, at_ms: u64) {
        let mut node = &mut self.root;
        node.total += 1;
        for level in topic.split('/') {
            node = node.children.entry(level.to_owned()).or_default();
            node.total += 1;
        }
        let stats = node.stats.get_or_insert_with(|| TopicStats {
            window_start_ms: at_ms,
            ..TopicStats::default()
        });
        stats.count += 1;
        // A retained message with an empty payload deletes the retained message.
        stats.retained = retained && !payload.is_empty();
        let elapsed = at_ms.saturating_sub(stats.window_start_ms);
        if elapsed >= 1000 {
            stats.rate = stats.window_count as f64 * 1000.0 / elapsed as f64;
            stats.window_start_ms = at_ms;
            stats.window_count = 0;
        }
        stats.window_count += 1;
        if stats.history.len() == Self::HISTORY {
            stats.history.pop_front();
        }
        stats.history.push_back(Sample {
            at_ms,
            payload,
            retained,
        });
    }

    /// The node for `topic`, if any message arrived on it or below it.
    pub fn get(&self, topic: &str) -> Option<&TopicNode> {
        topic
            .split('/')
            .try_fold(&self.root, |n, level| n.children.get(level))
    }

    /// Topics at or below `prefix` (None: all) whose last message was retained:
    /// what "clear retained" must publish an empty retained message to.
    pub fn retained_under(&self, prefix: Option<&str>) -> Vec<String> {
        let mut out = Vec::new();
        let (start, path) = match prefix {
            Some(p) => match self.get(p) {
                Some(n) => (n, p.to_owned()),
                None => return out,
            },
            None => (&self.root, String::new()),
        };
        collect_retained(start, &path, prefix.is_none(), &mut out);
        out
    }

    /// Topic names containing `needle` (case-insensitive), sorted, at most `limit`.
    pub fn search(&self, needle: &str, limit: usize) -> Vec<String> {
        let needle = needle.to_lowercase();
        let mut out = Vec::new();
        search(&self.root, "", true, &needle, limit, &mut out);
        out
    }
}

fn join(path: &str, level: &str, at_root: bool) -> String {
    if at_root {
        level.to_owned()
    } else {
        format!("{path}/{level}")
    }
}

fn collect_retained(node: &TopicNode, path: &str, at_root: bool, out: &mut Vec<String>) {
    if !at_root && node.stats.as_ref().is_some_and(|s| s.retained) {
        out.push(path.to_owned());
    }
    for (level, child) in &node.children {
        collect_retained(child, &join(path, level, at_root), false, out);
    }
}

fn search(
    node: &TopicNode,
    path: &str,
    at_root: bool,
    needle: &str,
    limit: usize,
    out: &mut Vec<String>,
) {
    for (level, child) in &node.children {
        if out.len() >= limit {
            return;
        }
        let name = join(path, level, at_root);
        if child.stats.is_some() && name.to_lowercase().contains(needle) {
            out.push(name.clone());
        }
        search(child, &name, false, needle, limit, out);
    }
}

#[cfg(test)]
// Tests may panic: a panic is a test failure.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn b(s: &'static str) -> Bytes {
        Bytes::from_static(s.as_bytes())
    }

    #[test]
    fn counts_roll_up_and_levels_nest() {
        let mut t = TopicTree::default();
        t.record("home/kitchen/temp", b("21"), false, 0);
        t.record("home/kitchen/temp", b("22"), false, 10);
        t.record("home/hall/temp", b("19"), true, 20);
        assert_eq!(t.root.total, 3);
        assert_eq!(t.get("home").unwrap().total, 3);
        assert_eq!(t.get("home/kitchen").unwrap().total, 2);
        let k = t.get("home/kitchen/temp").unwrap().stats.as_ref().unwrap();
        assert_eq!(
            (
                k.count,
                &k.last().unwrap().payload[..],
                &k.previous().unwrap().payload[..]
            ),
            (2, &b"22"[..], &b"21"[..])
        );
        assert!(t.get("home/kitchen").unwrap().stats.is_none());
        assert_eq!(t.root.topic_count(), 2);
    }

    #[test]
    fn empty_levels_and_dollar_topics_are_distinct_nodes() {
        let mut t = TopicTree::default();
        t.record("/a", b("x"), false, 0);
        t.record("a", b("y"), false, 0);
        t.record("$SYS/uptime", b("5"), false, 0);
        assert_eq!(
            t.root.children.keys().collect::<Vec<_>>(),
            ["", "$SYS", "a"]
        );
        assert!(t.get("/a").is_some());
    }

    #[test]
    fn retained_flag_follows_last_message_and_empty_retained_clears() {
        let mut t = TopicTree::default();
        t.record("a/x", b("1"), true, 0);
        t.record("a/y/z", b("2"), true, 0);
        t.record("b", b("3"), true, 0);
        assert_eq!(t.retained_under(Some("a")), ["a/x", "a/y/z"]);
        assert_eq!(t.retained_under(None), ["a/x", "a/y/z", "b"]);
        t.record("a/x", b(""), true, 1);
        assert_eq!(t.retained_under(Some("a")), ["a/y/z"]);
        assert!(t.retained_under(Some("nope")).is_empty());
    }

    #[test]
    fn history_is_bounded_and_rate_measured_per_window() {
        let mut t = TopicTree::default();
        for i in 0..=200u64 {
            t.record("r", Bytes::from(i.to_string()), false, i * 10); // 100 msg/s for 2 s
        }
        let s = t.get("r").unwrap().stats.as_ref().unwrap();
        assert_eq!(s.history.len(), TopicTree::HISTORY);
        assert_eq!(&s.last().unwrap().payload[..], b"200");
        assert!((s.rate - 100.0).abs() < 1.0, "rate {}", s.rate);
    }

    #[test]
    fn search_is_case_insensitive_and_limited() {
        let mut t = TopicTree::default();
        for n in ["Home/Temp", "home/humidity", "office/temp"] {
            t.record(n, b("1"), false, 0);
        }
        assert_eq!(t.search("temp", 10), ["Home/Temp", "office/temp"]);
        assert_eq!(t.search("o", 1).len(), 1);
    }
}
