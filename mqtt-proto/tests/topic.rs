//! Topic names, topic filters, matching and the subscription trie.
// Tests may panic: a panic is a test failure.
#![allow(clippy::unwrap_used)]

use mqtt_proto::{SubscriptionTrie, Topic, TopicError, TopicFilter};

fn t(s: &str) -> Topic {
    Topic::new(s).unwrap()
}

fn f(s: &str) -> TopicFilter {
    TopicFilter::new(s).unwrap()
}

#[test]
fn topic_names() {
    for ok in [
        "a",
        "/",
        "a/b",
        "/a",
        "a/",
        "$SYS/x",
        "with space",
        "ü/日本",
    ] {
        assert!(Topic::new(ok).is_ok(), "{ok}");
    }
    assert_eq!(Topic::new(""), Err(TopicError::Empty));
    assert_eq!(Topic::new("a/+"), Err(TopicError::WildcardInTopicName));
    assert_eq!(Topic::new("#"), Err(TopicError::WildcardInTopicName));
    assert!(matches!(Topic::new("a\0"), Err(TopicError::String(_))));
    assert_eq!(t("a//b").levels().collect::<Vec<_>>(), ["a", "", "b"]);
}

#[test]
fn filter_validation() {
    for ok in [
        "#",
        "+",
        "a/#",
        "+/+",
        "/+",
        "a/+/b",
        "+/#",
        "$SYS/#",
        "a//b",
        "sport/tennis/#",
    ] {
        assert!(TopicFilter::new(ok).is_ok(), "{ok}");
    }
    for (bad, err) in [
        ("", TopicError::Empty),
        ("a#", TopicError::InvalidMultiLevelWildcard),
        ("a/#/b", TopicError::InvalidMultiLevelWildcard),
        ("#/", TopicError::InvalidMultiLevelWildcard),
        ("a+", TopicError::InvalidSingleLevelWildcard),
        ("a/+b", TopicError::InvalidSingleLevelWildcard),
        ("++", TopicError::InvalidSingleLevelWildcard),
        ("$share//a", TopicError::EmptyShareName),
        ("$share/", TopicError::EmptyShareName),
        ("$share/g", TopicError::InvalidShareName),
        ("$share/g/", TopicError::InvalidShareName),
        ("$share/g+/a", TopicError::InvalidShareName),
        ("$share/#/a", TopicError::InvalidShareName),
        ("$share/g/a#", TopicError::InvalidMultiLevelWildcard),
    ] {
        assert_eq!(TopicFilter::new(bad), Err(err), "{bad:?}");
    }
}

#[test]
fn shared_subscriptions() {
    let s = f("$share/group/sensors/+/temp");
    assert!(s.is_shared());
    assert_eq!(s.share_group(), Some("group"));
    assert_eq!(s.filter(), "sensors/+/temp");
    assert_eq!(s.as_str(), "$share/group/sensors/+/temp");
    assert!(s.matches(&t("sensors/a/temp")));
    assert!(!s.matches(&t("$share/group/sensors/a/temp")));
    // "$sharefoo" and "$share" alone are ordinary filters.
    assert!(!f("$sharefoo/a").is_shared());
    assert!(!f("$share").is_shared());
    let plain = f("a/b");
    assert_eq!(plain.share_group(), None);
    assert_eq!(plain.filter(), "a/b");
}

#[test]
fn matching_spec_examples() {
    let cases = [
        // Section 4.7.1.2
        ("sport/tennis/player1/#", "sport/tennis/player1", true),
        (
            "sport/tennis/player1/#",
            "sport/tennis/player1/ranking",
            true,
        ),
        (
            "sport/tennis/player1/#",
            "sport/tennis/player1/score/wimbledon",
            true,
        ),
        ("sport/#", "sport", true),
        ("#", "a/b/c", true),
        ("#", "/", true),
        // Section 4.7.1.3
        ("sport/tennis/+", "sport/tennis/player1", true),
        ("sport/tennis/+", "sport/tennis/player2", true),
        ("sport/tennis/+", "sport/tennis/player1/ranking", false),
        ("sport/+", "sport", false),
        ("sport/+", "sport/", true),
        ("+/+", "/finance", true),
        ("/+", "/finance", true),
        ("+", "/finance", false),
        ("+/monitor/Clients", "$SYS/monitor/Clients", false),
        // Exact and empty levels.
        ("a/b", "a/b", true),
        ("a/b", "a/b/", false),
        ("a//b", "a//b", true),
        ("a/+/b", "a//b", true),
        ("a/b", "A/b", false),
        // Section 4.7.2: '$' topics.
        ("#", "$SYS/uptime", false),
        ("+/uptime", "$SYS/uptime", false),
        ("$SYS/#", "$SYS/uptime", true),
        ("$SYS/+", "$SYS/uptime", true),
        ("$SYS", "$SYS", true),
        ("a/#", "a/$x", true),
    ];
    for (filter, topic, expected) in cases {
        assert_eq!(
            f(filter).matches(&t(topic)),
            expected,
            "{filter} vs {topic}"
        );
    }
}

#[test]
fn trie_dispatch_matches_filter_matching() {
    let filters = [
        "#",
        "+",
        "a",
        "a/b",
        "a/+",
        "a/#",
        "+/b",
        "+/+",
        "a/b/c",
        "a/+/c",
        "$SYS/#",
        "$SYS/+",
        "+/#",
        "/+",
        "a//b",
        "$share/g/a/b",
        "$share/h/a/b",
        "$share/g/#",
    ];
    let topics = [
        "a", "a/b", "a/b/c", "b", "b/b", "/x", "a//b", "$SYS/x", "$SYS", "a/x/c", "/",
    ];
    let mut trie = SubscriptionTrie::new();
    for (i, filter) in filters.iter().enumerate() {
        assert_eq!(trie.insert(&f(filter), i), None);
    }
    assert_eq!(trie.len(), filters.len());
    for topic in topics {
        let mut got: Vec<usize> = trie.matches(&t(topic)).copied().collect();
        got.sort_unstable();
        let expected: Vec<usize> = filters
            .iter()
            .enumerate()
            .filter(|(_, filter)| f(filter).matches(&t(topic)))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(got, expected, "topic {topic}");
    }
}

#[test]
fn trie_insert_replace_get_remove() {
    let mut trie = SubscriptionTrie::new();
    assert!(trie.is_empty());
    assert_eq!(trie.insert(&f("a/+"), "one"), None);
    assert_eq!(trie.insert(&f("a/+"), "two"), Some("one"));
    assert_eq!(trie.insert(&f("$share/g/a/+"), "shared"), None);
    assert_eq!(trie.len(), 2);
    assert_eq!(trie.get(&f("a/+")), Some(&"two"));
    assert_eq!(trie.get(&f("$share/g/a/+")), Some(&"shared"));
    assert_eq!(trie.get(&f("$share/h/a/+")), None);
    assert_eq!(trie.get(&f("a")), None);
    assert_eq!(trie.remove(&f("a/#")), None);
    assert_eq!(trie.remove(&f("a/+")), Some("two"));
    assert_eq!(trie.remove(&f("a/+")), None);
    assert_eq!(trie.len(), 1);
    let hits: Vec<_> = trie.matches(&t("a/x")).collect();
    assert_eq!(hits, [&"shared"]);
    assert_eq!(trie.remove(&f("$share/g/a/+")), Some("shared"));
    assert!(trie.is_empty());
    assert_eq!(trie.matches(&t("a/x")).count(), 0);
}

#[test]
fn trie_hash_matches_parent_level() {
    let mut trie = SubscriptionTrie::new();
    trie.insert(&f("sport/#"), 1);
    trie.insert(&f("sport/tennis/#"), 2);
    let mut hits: Vec<_> = trie.matches(&t("sport/tennis")).copied().collect();
    hits.sort_unstable();
    assert_eq!(hits, [1, 2]);
    assert_eq!(trie.matches(&t("sport")).copied().collect::<Vec<_>>(), [1]);
    assert_eq!(trie.matches(&t("sports")).count(), 0);
}
