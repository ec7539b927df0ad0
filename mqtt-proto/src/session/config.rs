//! [`SessionConfig`]: everything a [`Session`](super::Session) needs to know before it connects.

use alloc::vec::Vec;

use bytes::Bytes;

use crate::packet::Will;
use crate::string::MqttString;
use crate::time::Duration;
use crate::types::ProtocolVersion;

use super::backoff::ReconnectPolicy;

/// The default [`SessionConfig::maximum_packet_size`]: 16 MiB.
pub const DEFAULT_MAXIMUM_PACKET_SIZE: u32 = 16 * 1024 * 1024;

/// Configuration of a [`Session`](super::Session).
///
/// Start from [`SessionConfig::new`] and change the public fields:
///
/// ```
/// use mqtt_proto::session::SessionConfig;
/// use mqtt_proto::ProtocolVersion;
///
/// let mut config = SessionConfig::new(ProtocolVersion::V5, "sensor-1");
/// config.keep_alive = 30;
/// config.reconnect.seed = 0x5eed;
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SessionConfig {
    /// Protocol version spoken (3.1.1 or 5.0; 3.1 is accepted and behaves like 3.1.1).
    pub version: ProtocolVersion,
    /// Client identifier. Empty: 5.0 lets the server assign one (reported in `Connected`); 3.1.1
    /// requires `clean_start` ([MQTT-3.1.3-7]).
    pub client_id: MqttString,
    /// User name, if any.
    pub username: Option<MqttString>,
    /// Password, if any (3.1.1 requires a user name with it).
    pub password: Option<Bytes>,
    /// Will message, published by the server if the connection is lost without DISCONNECT.
    pub will: Option<Will>,
    /// Keep alive in seconds (0 disables it). The server may override it in 5.0.
    pub keep_alive: u16,
    /// Clean Start (5.0) / Clean Session (3.1.1) on the first connection. Reconnections always use
    /// Clean Start = 0 when the session is meant to outlive the connection (5.0: a non-zero
    /// `session_expiry_interval`; 3.1.1: `clean_start == false`).
    pub clean_start: bool,
    /// 5.0 Session Expiry Interval in seconds (0: the session ends with the connection).
    pub session_expiry_interval: u32,
    /// 5.0 Receive Maximum announced to the server (`None`: the default 65,535).
    pub receive_maximum: Option<u16>,
    /// The largest packet this client accepts, [`DEFAULT_MAXIMUM_PACKET_SIZE`] (16 MiB) unless
    /// changed; `None` accepts up to the protocol's 256 MiB. Announced to a 5.0 server (which
    /// then does not send larger packets); in both versions a larger incoming packet is refused
    /// from its fixed header, before it is buffered, and the connection closed (5.0: DISCONNECT
    /// 0x95 Packet too large), so a hostile server cannot make the client hold more than this.
    pub maximum_packet_size: Option<u32>,
    /// 5.0 Topic Alias Maximum this client accepts on incoming PUBLISH (0: none).
    pub topic_alias_maximum: u16,
    /// Upper bound of the outgoing topic alias map (the server's Topic Alias Maximum also limits
    /// it; 0 disables outgoing aliases).
    pub outgoing_topic_aliases: u16,
    /// 5.0 Request Problem Information (`None`: not sent, the server assumes true).
    pub request_problem_information: Option<bool>,
    /// 5.0 Request Response Information (`None`: not sent).
    pub request_response_information: Option<bool>,
    /// 5.0 user properties of CONNECT.
    pub user_properties: Vec<(MqttString, MqttString)>,
    /// 5.0 enhanced authentication method; with it, AUTH challenges from the server are reported
    /// as [`Event::AuthChallenge`](super::Event::AuthChallenge) and answered with
    /// [`Session::auth`](super::Session::auth).
    pub authentication_method: Option<MqttString>,
    /// 5.0 initial authentication data sent in CONNECT.
    pub authentication_data: Option<Bytes>,
    /// How long from asking for a transport until CONNACK before giving up on the attempt.
    pub connect_timeout: Duration,
    /// Reconnection after an unexpected loss.
    pub reconnect: ReconnectPolicy,
    /// Bounds of the queue of publishes waiting for a connection or for send quota.
    pub queue: QueueLimits,
    /// What happens to unacknowledged publishes when the server has no session for us.
    pub inflight_policy: InflightPolicy,
    /// Emit [`Event::Trace`](super::Event::Trace), [`Event::Rejected`](super::Event::Rejected)
    /// and [`Event::InflightChanged`](super::Event::InflightChanged). Off: they cost nothing.
    pub trace: bool,
}

impl SessionConfig {
    /// A configuration with the defaults: clean start, keep alive 60 s, no session expiry, no
    /// aliases, a maximum incoming packet of 16 MiB, connect timeout 10 s, the default [`ReconnectPolicy`], a queue of 1,000 messages /
    /// 1 MiB, [`InflightPolicy::Resend`], tracing off.
    ///
    /// # Panics
    ///
    /// If `client_id` contains U+0000 or is longer than 65,535 bytes (it is a programming-time
    /// constant here; build the field with [`MqttString::new`] for untrusted text).
    pub fn new(version: ProtocolVersion, client_id: &str) -> Self {
        match Self::try_new(version, client_id) {
            Ok(c) => c,
            Err(e) => panic!("invalid client id: {e}"),
        }
    }

    /// [`SessionConfig::new`] for a client id from untrusted input (a form, a JS caller):
    /// an invalid one is an error, not a panic.
    pub fn try_new(
        version: ProtocolVersion,
        client_id: &str,
    ) -> Result<Self, crate::string::StringError> {
        let client_id = MqttString::new(client_id)?;
        Ok(Self::with_client_id(version, client_id))
    }

    fn with_client_id(version: ProtocolVersion, client_id: MqttString) -> Self {
        Self {
            version,
            client_id,
            username: None,
            password: None,
            will: None,
            keep_alive: 60,
            clean_start: true,
            session_expiry_interval: 0,
            receive_maximum: None,
            maximum_packet_size: Some(DEFAULT_MAXIMUM_PACKET_SIZE),
            topic_alias_maximum: 0,
            outgoing_topic_aliases: 0,
            request_problem_information: None,
            request_response_information: None,
            user_properties: Vec::new(),
            authentication_method: None,
            authentication_data: None,
            connect_timeout: Duration::from_secs(10),
            reconnect: ReconnectPolicy::default(),
            queue: QueueLimits::default(),
            inflight_policy: InflightPolicy::Resend,
            trace: false,
        }
    }

    /// Whether the server keeps the session after the connection ends, so that reconnecting with
    /// Clean Start = 0 can resume it.
    pub(crate) fn session_outlives_connection(&self) -> bool {
        if self.version.is_v5() {
            self.session_expiry_interval > 0
        } else {
            !self.clean_start
        }
    }
}

/// Bounds of the queue of publishes that are not sent yet (while disconnected, or beyond the
/// server's Receive Maximum).
///
/// Drop policy when a new publish does not fit: with [`QueueLimits::drop_oldest_qos0`] the oldest
/// queued QoS 0 messages are dropped (each reported as
/// [`Event::PublishFailed`](super::Event::PublishFailed) with
/// [`PublishError::Dropped`](super::PublishError::Dropped)) until it fits; QoS 1 and 2 messages are
/// never dropped. If it still does not fit (or without that flag), the new publish is refused with
/// [`UsageError::QueueFull`](super::UsageError::QueueFull).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueLimits {
    /// Maximum number of queued messages.
    pub max_messages: usize,
    /// Maximum total of queued topic + payload bytes.
    pub max_bytes: usize,
    /// Drop the oldest queued QoS 0 messages to make room (see the type's documentation).
    pub drop_oldest_qos0: bool,
}

impl Default for QueueLimits {
    /// 1,000 messages, 1 MiB, dropping oldest QoS 0 first.
    fn default() -> Self {
        Self {
            max_messages: 1_000,
            max_bytes: 1 << 20,
            drop_oldest_qos0: true,
        }
    }
}

/// What happens to unacknowledged QoS 1/2 publishes when the server reports no session
/// (CONNACK Session Present = 0) after a reconnection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InflightPolicy {
    /// Send them again as new messages (new packet identifiers, DUP = 0), ahead of the queue.
    #[default]
    Resend,
    /// Report each as [`Event::PublishFailed`](super::Event::PublishFailed) with
    /// [`PublishError::SessionLost`](super::PublishError::SessionLost).
    Fail,
}
