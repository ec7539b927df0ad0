//! What the connection form edits: a broker profile, and how it becomes a session config.

use mqtt_proto::session::{ReconnectPolicy, SessionConfig};
use mqtt_proto::{MqttString, ProtocolVersion};

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
        c.reconnect = ReconnectPolicy::default();
        c.trace = true;
        Ok(c)
    }
}

#[cfg(test)]
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
}
