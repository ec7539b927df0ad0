//! What the connection form edits: a broker profile, and how it becomes a session config.

use mqtt_proto::session::{ReconnectPolicy, SessionConfig};
use mqtt_proto::{MqttString, ProtocolVersion, QoS, Topic, Will};

/// A connection profile, as the form edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// `ws://` or `wss://` URL.
    pub url: String,
    /// MQTT 5.0 when true, 3.1.1 otherwise.
    pub v5: bool,
    /// Client identifier (empty: the broker assigns one, 5.0).
    pub client_id: String,
    /// User name (empty: none).
    pub username: String,
    /// Password (empty: none). Never saved unless the user opts in.
    pub password: String,
    /// Keep alive, seconds.
    pub keep_alive: u16,
    /// Clean start / clean session.
    pub clean_start: bool,
    /// Session expiry interval, seconds (5.0).
    pub session_expiry: u32,
    /// Will topic (empty: no will).
    pub will_topic: String,
    /// Will payload (text).
    pub will_payload: String,
    /// Will QoS.
    pub will_qos: QoS,
    /// Will retain.
    pub will_retain: bool,
    /// 5.0 Receive Maximum we announce (empty: default).
    pub receive_maximum: String,
    /// 5.0 Maximum Packet Size we announce (empty: none).
    pub maximum_packet_size: String,
    /// 5.0 Topic Alias Maximum we accept (empty: 0).
    pub topic_alias_maximum: String,
    /// 5.0 Request Response Information.
    pub request_response_information: bool,
    /// 5.0 CONNECT user properties, `name=value` per line.
    pub user_properties: String,
}

impl Profile {
    /// A profile for `url` with a generated client id.
    pub fn new(url: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            v5: true,
            client_id: client_id.into(),
            username: String::new(),
            password: String::new(),
            keep_alive: 30,
            clean_start: true,
            session_expiry: 0,
            will_topic: String::new(),
            will_payload: String::new(),
            will_qos: QoS::AtMostOnce,
            will_retain: false,
            receive_maximum: String::new(),
            maximum_packet_size: String::new(),
            topic_alias_maximum: String::new(),
            request_response_information: false,
            user_properties: String::new(),
        }
    }

    /// Whether credentials would travel unencrypted (`ws://` with a user name or password).
    pub fn credentials_in_clear(&self) -> bool {
        (!self.username.is_empty() || !self.password.is_empty())
            && self
                .url
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("ws://")
    }

    /// The session configuration, or what is wrong with the profile.
    pub fn to_config(&self) -> Result<SessionConfig, String> {
        let url = self.url.trim().to_ascii_lowercase();
        if !(url.starts_with("ws://") || url.starts_with("wss://")) {
            return Err("the broker URL must start with ws:// or wss://".into());
        }
        let version = if self.v5 {
            ProtocolVersion::V5
        } else {
            ProtocolVersion::V311
        };
        let mut c = SessionConfig::try_new(version, &self.client_id)
            .map_err(|e| format!("client id: {e}"))?;
        if !self.username.is_empty() {
            c.username =
                Some(MqttString::new(&self.username).map_err(|e| format!("user name: {e}"))?);
        }
        if !self.password.is_empty() {
            c.password = Some(self.password.clone().into_bytes().into());
        }
        c.keep_alive = self.keep_alive;
        c.clean_start = self.clean_start;
        c.session_expiry_interval = if self.v5 { self.session_expiry } else { 0 };
        if !self.will_topic.trim().is_empty() {
            c.will = Some(Will {
                topic: Topic::new(self.will_topic.trim())
                    .map_err(|e| format!("will topic: {e}"))?,
                payload: self.will_payload.clone().into_bytes().into(),
                qos: self.will_qos,
                retain: self.will_retain,
                properties: Default::default(),
            });
        }
        if self.v5 {
            let num = |label: &str, v: &str| -> Result<Option<u32>, String> {
                let v = v.trim();
                if v.is_empty() {
                    return Ok(None);
                }
                v.parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Some)
                    .ok_or_else(|| format!("{label} must be a positive number"))
            };
            let small = |label: &str, v: &str| -> Result<Option<u16>, String> {
                num(label, v)?
                    .map(|n| u16::try_from(n).map_err(|_| format!("{label} is at most 65535")))
                    .transpose()
            };
            c.receive_maximum = small("receive maximum", &self.receive_maximum)?;
            if let Some(n) = num("maximum packet size", &self.maximum_packet_size)? {
                c.maximum_packet_size = Some(n); // else the session's default (16 MiB)
            }
            c.topic_alias_maximum =
                small("topic alias maximum", &self.topic_alias_maximum)?.unwrap_or(0);
            if self.request_response_information {
                c.request_response_information = Some(true);
            }
            c.user_properties = super::forms::parse_user_properties(&self.user_properties)?;
        }
        c.reconnect = ReconnectPolicy::default();
        c.trace = true;
        Ok(c)
    }
}

#[cfg(test)]
// Tests may panic: a panic is a test failure.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn credentials_over_plain_ws_are_flagged() {
        let mut p = Profile::new("ws://127.0.0.1:9001", "x");
        assert!(!p.credentials_in_clear());
        p.username = "u".into();
        assert!(p.credentials_in_clear());
        p.url = "wss://broker.example:8884".into();
        assert!(!p.credentials_in_clear());
    }

    #[test]
    fn config_follows_the_profile_and_rejects_bad_urls() {
        let mut p = Profile::new("ws://127.0.0.1:9001", "insp");
        p.v5 = false;
        p.keep_alive = 15;
        p.username = "demo".into();
        p.password = "secret".into();
        let c = p.to_config().unwrap();
        assert_eq!(
            (c.version, c.keep_alive, c.client_id.as_str()),
            (ProtocolVersion::V311, 15, "insp")
        );
        assert_eq!(c.password.as_deref(), Some(&b"secret"[..]));
        assert!(c.trace);
        p.url = "http://127.0.0.1".into();
        assert!(p.to_config().unwrap_err().contains("ws://"));
        p.url = "ws://x".into();
        p.client_id = "a\0b".into();
        assert!(p.to_config().is_err());
    }

    #[test]
    fn will_and_connect_properties() {
        let mut p = Profile::new("ws://127.0.0.1:9001", "w");
        p.will_topic = "status/w".into();
        p.will_payload = "offline".into();
        p.will_qos = QoS::AtLeastOnce;
        p.will_retain = true;
        p.receive_maximum = "20".into();
        p.topic_alias_maximum = "10".into();
        p.user_properties = "app=inspector".into();
        let c = p.to_config().unwrap();
        let will = c.will.unwrap();
        assert_eq!(
            (
                will.topic.as_str(),
                &will.payload[..],
                will.qos,
                will.retain
            ),
            ("status/w", &b"offline"[..], QoS::AtLeastOnce, true)
        );
        assert_eq!(
            (
                c.receive_maximum,
                c.topic_alias_maximum,
                c.user_properties.len()
            ),
            (Some(20), 10, 1)
        );
        p.receive_maximum = "0".into();
        assert!(p.to_config().unwrap_err().contains("receive maximum"));
        p.receive_maximum = "70000".into();
        assert!(p.to_config().unwrap_err().contains("65535"));
    }
}
