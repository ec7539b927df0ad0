//! What the subscribe and publish forms edit, and how it becomes a request.
//! Parsing happens here, once, so a request that reaches the client is valid.

use bytes::Bytes;
use mqtt_proto::session::PublishRequest;
use mqtt_proto::{
    MqttString, Properties, QoS, RetainHandling, SubscriptionOptions, Topic, TopicFilter,
};

/// The subscribe form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeSpec {
    /// Topic filter.
    pub filter: String,
    /// Maximum QoS.
    pub qos: QoS,
    /// 5.0 No Local: don't receive our own publishes.
    pub no_local: bool,
    /// 5.0 Retain As Published (the inspector defaults to on, so the tree shows retained flags).
    pub retain_as_published: bool,
    /// 5.0 Retain Handling: 0 send at subscribe, 1 only if new, 2 never.
    pub retain_handling: u8,
}

impl SubscribeSpec {
    /// The filter and options, or what is wrong. 5.0 options are dropped for 3.1.1.
    pub fn to_request(&self, v5: bool) -> Result<(TopicFilter, SubscriptionOptions), String> {
        let filter = TopicFilter::new(self.filter.trim())
            .map_err(|e| format!("topic filter {:?}: {e}", self.filter))?;
        let mut o = SubscriptionOptions::new(self.qos);
        if v5 {
            if self.no_local && filter.is_shared() {
                return Err("No Local is not allowed on a shared subscription".into());
            }
            o.no_local = self.no_local;
            o.retain_as_published = self.retain_as_published;
            o.retain_handling = match self.retain_handling {
                1 => RetainHandling::SendIfNew,
                2 => RetainHandling::DoNotSend,
                _ => RetainHandling::SendAtSubscribe,
            };
        }
        Ok((filter, o))
    }
}

/// The publish form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PublishSpec {
    /// Topic name.
    pub topic: String,
    /// Payload as typed.
    pub payload: String,
    /// The payload is hex bytes.
    pub hex: bool,
    /// QoS.
    pub qos: QoS,
    /// RETAIN.
    pub retain: bool,
    /// 5.0 Content Type (empty: none).
    pub content_type: String,
    /// 5.0 Response Topic (empty: none).
    pub response_topic: String,
    /// 5.0 Correlation Data as hex (empty: none).
    pub correlation_hex: String,
    /// 5.0 Message Expiry Interval in seconds (empty: none).
    pub expiry: String,
    /// 5.0 User Properties, one `name=value` per line, in order.
    pub user_properties: String,
}

impl PublishSpec {
    /// The request, or what is wrong. 5.0 properties are an error for 3.1.1.
    pub fn to_request(&self, v5: bool) -> Result<PublishRequest, String> {
        let topic =
            Topic::new(self.topic.trim()).map_err(|e| format!("topic {:?}: {e}", self.topic))?;
        let payload = if self.hex {
            crate::view::parse_hex(&self.payload).ok_or("the payload is not hex bytes")?
        } else {
            self.payload.clone().into_bytes()
        };
        let mut p = Properties::default();
        let s = |label: &str, v: &str| MqttString::new(v).map_err(|e| format!("{label}: {e}"));
        if !self.content_type.trim().is_empty() {
            p.content_type = Some(s("content type", self.content_type.trim())?);
        }
        if !self.response_topic.trim().is_empty() {
            p.response_topic = Some(
                Topic::new(self.response_topic.trim())
                    .map_err(|e| format!("response topic: {e}"))?,
            );
        }
        if !self.correlation_hex.trim().is_empty() {
            let data = crate::view::parse_hex(&self.correlation_hex)
                .ok_or("correlation data is not hex bytes")?;
            p.correlation_data = Some(Bytes::from(data));
        }
        if !self.expiry.trim().is_empty() {
            p.message_expiry_interval = Some(
                self.expiry
                    .trim()
                    .parse()
                    .map_err(|_| "message expiry must be a number of seconds")?,
            );
        }
        p.user_properties = parse_user_properties(&self.user_properties)?;
        if !v5 && !p.is_empty() {
            return Err("properties need MQTT 5.0".into());
        }
        let mut req = PublishRequest::new(topic, payload, self.qos);
        req.retain = self.retain;
        req.properties = p;
        Ok(req)
    }
}

/// User properties typed one `name=value` per line (blank lines skipped), in order.
pub fn parse_user_properties(text: &str) -> Result<Vec<(MqttString, MqttString)>, String> {
    let s = |v: &str| MqttString::new(v.trim()).map_err(|e| format!("user property: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (k, v) = line
                .split_once('=')
                .ok_or_else(|| format!("user property {line:?}: write name=value"))?;
            Ok((s(k)?, s(v)?))
        })
        .collect()
}

#[cfg(test)]
// Tests may panic: a panic is a test failure.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn subscribe_options_follow_the_form_and_version() {
        let spec = SubscribeSpec {
            filter: "a/#".into(),
            qos: QoS::AtLeastOnce,
            no_local: true,
            retain_as_published: true,
            retain_handling: 2,
        };
        let (f, o) = spec.to_request(true).unwrap();
        assert_eq!(f.as_str(), "a/#");
        assert!(o.no_local && o.retain_as_published);
        assert_eq!(o.retain_handling, RetainHandling::DoNotSend);
        let (_, o) = spec.to_request(false).unwrap();
        assert!(
            !o.no_local && !o.retain_as_published,
            "no 5.0 options in 3.1.1"
        );
        let shared = SubscribeSpec {
            filter: "$share/g/a".into(),
            ..spec.clone()
        };
        assert!(shared.to_request(true).unwrap_err().contains("No Local"));
        assert!(SubscribeSpec {
            filter: "a/#/b".into(),
            ..spec
        }
        .to_request(true)
        .is_err());
    }

    #[test]
    fn publish_properties_parse_and_keep_user_property_order() {
        let spec = PublishSpec {
            topic: "t".into(),
            payload: "de ad".into(),
            hex: true,
            qos: QoS::ExactlyOnce,
            retain: true,
            content_type: "application/octet-stream".into(),
            response_topic: "reply/here".into(),
            correlation_hex: "01 02".into(),
            expiry: "60".into(),
            user_properties: "b=2\na = 1\nb=3\n".into(),
        };
        let r = spec.to_request(true).unwrap();
        assert_eq!(
            (&r.payload[..], r.qos, r.retain),
            (&[0xde, 0xad][..], QoS::ExactlyOnce, true)
        );
        assert_eq!(r.properties.message_expiry_interval, Some(60));
        assert_eq!(
            r.properties.correlation_data.as_deref(),
            Some(&[1u8, 2][..])
        );
        let ups: Vec<(&str, &str)> = r
            .properties
            .user_properties
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(ups, [("b", "2"), ("a", "1"), ("b", "3")]);
        assert!(spec.to_request(false).unwrap_err().contains("5.0"));
    }

    #[test]
    fn publish_form_errors_are_words() {
        let bad = |f: fn(&mut PublishSpec)| {
            let mut s = PublishSpec {
                topic: "t".into(),
                ..Default::default()
            };
            f(&mut s);
            s.to_request(true).unwrap_err()
        };
        assert!(bad(|s| s.topic = "a/+".into()).contains("topic"));
        assert!(bad(|s| {
            s.hex = true;
            s.payload = "xyz".into()
        })
        .contains("hex"));
        assert!(bad(|s| s.expiry = "soon".into()).contains("expiry"));
        assert!(bad(|s| s.user_properties = "novalue".into()).contains("name=value"));
    }
}
