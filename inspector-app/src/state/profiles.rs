//! Saved connection profiles, as stored in `localStorage` (JSON). A password is
//! stored only when the user opted in for that profile.

use serde_json::{json, Value};

use super::profile::Profile;

/// A saved profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Display name.
    pub name: String,
    /// The profile (password empty unless `remember_password`).
    pub profile: Profile,
    /// Whether the password is stored.
    pub remember_password: bool,
}

/// Serializes saved profiles; passwords only where opted in.
pub fn to_json(saved: &[Saved]) -> String {
    let list: Vec<Value> = saved
        .iter()
        .map(|s| {
            let p = &s.profile;
            let mut v = json!({
                "name": s.name, "url": p.url, "v5": p.v5, "client_id": p.client_id,
                "username": p.username, "keep_alive": p.keep_alive, "clean_start": p.clean_start,
                "session_expiry": p.session_expiry, "remember_password": s.remember_password,
                "will_topic": p.will_topic, "will_payload": p.will_payload, "will_qos": p.will_qos as u8,
                "will_retain": p.will_retain, "receive_maximum": p.receive_maximum,
                "maximum_packet_size": p.maximum_packet_size, "topic_alias_maximum": p.topic_alias_maximum,
                "request_response_information": p.request_response_information, "user_properties": p.user_properties,
            });
            if s.remember_password {
                v["password"] = Value::from(p.password.clone());
            }
            v
        })
        .collect();
    Value::Array(list).to_string()
}

/// Parses what [`to_json`] wrote; entries that don't parse are skipped.
pub fn from_json(text: &str) -> Vec<Saved> {
    let Ok(Value::Array(list)) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|v| {
            let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
            let remember_password = v
                .get("remember_password")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let mut p = Profile::new(s("url")?, s("client_id").unwrap_or_default());
            p.v5 = v.get("v5").and_then(Value::as_bool).unwrap_or(true);
            p.username = s("username").unwrap_or_default();
            p.password = if remember_password {
                s("password").unwrap_or_default()
            } else {
                String::new()
            };
            p.keep_alive = v
                .get("keep_alive")
                .and_then(Value::as_u64)
                .and_then(|n| u16::try_from(n).ok())
                .unwrap_or(30);
            p.clean_start = v
                .get("clean_start")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            p.session_expiry = v
                .get("session_expiry")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0);
            p.will_topic = s("will_topic").unwrap_or_default();
            p.will_payload = s("will_payload").unwrap_or_default();
            let will_qos = v.get("will_qos").and_then(Value::as_u64).unwrap_or(0);
            p.will_qos =
                mqtt_proto::QoS::from_u8(u8::try_from(will_qos).unwrap_or(0)).unwrap_or_default();
            p.will_retain = v
                .get("will_retain")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            p.receive_maximum = s("receive_maximum").unwrap_or_default();
            p.maximum_packet_size = s("maximum_packet_size").unwrap_or_default();
            p.topic_alias_maximum = s("topic_alias_maximum").unwrap_or_default();
            p.request_response_information = v
                .get("request_response_information")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            p.user_properties = s("user_properties").unwrap_or_default();
            Some(Saved {
                name: s("name")?,
                profile: p,
                remember_password,
            })
        })
        .collect()
}

/// Adds or replaces (by name) a saved profile.
pub fn upsert(saved: &mut Vec<Saved>, entry: Saved) {
    match saved.iter_mut().find(|s| s.name == entry.name) {
        Some(s) => *s = entry,
        None => saved.push(entry),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, remember: bool) -> Saved {
        let mut p = Profile::new("wss://b.example:8884/mqtt", "id-1");
        p.username = "alice".into();
        p.password = "s3cret".into();
        p.will_topic = "status/alice".into();
        p.will_qos = mqtt_proto::QoS::ExactlyOnce;
        p.user_properties = "a=1".into();
        Saved {
            name: name.into(),
            profile: p,
            remember_password: remember,
        }
    }

    #[test]
    fn password_is_stored_only_when_opted_in() {
        let json = to_json(&[entry("a", false), entry("b", true)]);
        assert_eq!(json.matches("s3cret").count(), 1, "{json}");
        let back = from_json(&json);
        assert_eq!(back[0].profile.password, "");
        assert_eq!(back[1].profile.password, "s3cret");
        assert_eq!(back[0].profile.username, "alice");
        assert_eq!(back[1], entry("b", true));
    }

    #[test]
    fn garbage_and_partial_entries_are_skipped_and_upsert_replaces() {
        assert!(from_json("not json").is_empty());
        assert_eq!(
            from_json(r#"[{"name":"x"},{"name":"y","url":"ws://h"}]"#).len(),
            1
        );
        let mut v = vec![entry("a", false)];
        upsert(&mut v, entry("a", true));
        upsert(&mut v, entry("c", false));
        assert_eq!(
            v.iter()
                .map(|s| (s.name.as_str(), s.remember_password))
                .collect::<Vec<_>>(),
            [("a", true), ("c", false)]
        );
    }
}
