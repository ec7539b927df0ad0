//! CONNECT (section 3.1): the first packet a client sends.

use bytes::{BufMut, Bytes, BytesMut};

use super::{properties_len, PacketType};
use crate::error::{DecodeError, EncodeError};
use crate::properties::{Context, Properties};
use crate::string::MqttString;
use crate::topic::Topic;
use crate::types::{ProtocolVersion, QoS};
use crate::wire::{self, Reader};

/// CONNECT: the client's connection request.
///
/// Its protocol version is part of the packet: [`Packet::encode`](crate::Packet::encode) and
/// [`Packet::decode`](crate::Packet::decode) use [`Connect::protocol`], not their version argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connect {
    /// Protocol version (name and level on the wire).
    pub protocol: ProtocolVersion,
    /// Clean Start (5.0) / Clean Session (3.1.1).
    pub clean_start: bool,
    /// Keep Alive in seconds (0 disables it).
    pub keep_alive: u16,
    /// Client identifier (may be empty).
    pub client_id: MqttString,
    /// The Will Message, if any.
    pub will: Option<Will>,
    /// User name.
    pub username: Option<MqttString>,
    /// Password (binary data). In 3.1 / 3.1.1 it requires a user name [MQTT-3.1.2-22].
    pub password: Option<Bytes>,
    /// CONNECT properties (5.0).
    pub properties: Properties,
}

/// The Will Message of a CONNECT (sections 3.1.2.5 - 3.1.3.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Will {
    /// Will Topic.
    pub topic: Topic,
    /// Will Payload (binary data, at most 65,535 bytes).
    pub payload: Bytes,
    /// Will QoS.
    pub qos: QoS,
    /// Will Retain.
    pub retain: bool,
    /// Will Properties (5.0).
    pub properties: Properties,
}

impl Connect {
    /// A CONNECT for `protocol` with the given client id, clean start, no keep alive, will, or
    /// credentials.
    pub fn new(protocol: ProtocolVersion, client_id: MqttString) -> Self {
        Self {
            protocol,
            clean_start: true,
            keep_alive: 0,
            client_id,
            will: None,
            username: None,
            password: None,
            properties: Properties::default(),
        }
    }

    pub(super) fn body_len(&self) -> Result<usize, EncodeError> {
        let v = self.protocol;
        if !v.is_v5() && self.password.is_some() && self.username.is_none() {
            return Err(EncodeError::InvalidField {
                field: "password without user name",
                rule: "MQTT-3.1.2-22",
            });
        }
        let mut len = 2 + v.protocol_name().len() + 1 + 1 + 2;
        len += properties_len(&self.properties, Context::Packet(PacketType::Connect), v)?;
        len += wire::string_len(&self.client_id);
        if let Some(will) = &self.will {
            len += properties_len(&will.properties, Context::Will, v)?;
            len += wire::string_len(will.topic.as_mqtt_str());
            len += binary_len(&will.payload, "will payload")?;
        }
        if let Some(u) = &self.username {
            len += wire::string_len(u);
        }
        if let Some(p) = &self.password {
            len += binary_len(p, "password")?;
        }
        Ok(len)
    }

    fn flags(&self) -> u8 {
        let mut flags = 0;
        if self.clean_start {
            flags |= 0x02;
        }
        if let Some(will) = &self.will {
            flags |= 0x04 | (will.qos.as_u8() << 3);
            if will.retain {
                flags |= 0x20;
            }
        }
        if self.password.is_some() {
            flags |= 0x40;
        }
        if self.username.is_some() {
            flags |= 0x80;
        }
        flags
    }

    pub(super) fn write_body(&self, buf: &mut BytesMut) {
        let v = self.protocol;
        wire::write_binary(buf, v.protocol_name().as_bytes());
        buf.put_u8(v.level());
        buf.put_u8(self.flags());
        buf.put_u16(self.keep_alive);
        if v.is_v5() {
            self.properties.write(buf);
        }
        wire::write_string(buf, &self.client_id);
        if let Some(will) = &self.will {
            if v.is_v5() {
                will.properties.write(buf);
            }
            wire::write_string(buf, will.topic.as_mqtt_str());
            wire::write_binary(buf, &will.payload);
        }
        if let Some(u) = &self.username {
            wire::write_string(buf, u);
        }
        if let Some(p) = &self.password {
            wire::write_binary(buf, p);
        }
    }

    pub(super) fn decode_body(r: &mut Reader) -> Result<Self, DecodeError> {
        let name = r.read_binary()?;
        if name != "MQTT" && name != "MQIsdp" {
            return Err(DecodeError::InvalidProtocolName);
        }
        let level = r.read_u8()?;
        let v = ProtocolVersion::from_level(level)
            .filter(|v| v.protocol_name().as_bytes() == name)
            .ok_or(DecodeError::UnsupportedProtocolLevel(level))?;
        let flags = r.read_u8()?;
        if flags & 0x01 != 0 {
            return Err(DecodeError::ConnectReservedFlag);
        }
        let will_flag = flags & 0x04 != 0;
        let will_qos = (flags >> 3) & 0x03;
        let will_retain = flags & 0x20 != 0;
        let has_password = flags & 0x40 != 0;
        let has_username = flags & 0x80 != 0;
        let will_qos = if will_flag {
            QoS::from_u8(will_qos).ok_or(DecodeError::InvalidWillQoS)?
        } else if will_qos != 0 {
            let rule = if v.is_v5() {
                "MQTT-3.1.2-11"
            } else {
                "MQTT-3.1.2-13"
            };
            return Err(DecodeError::WillFlagsWithoutWill { rule });
        } else if will_retain {
            let rule = if v.is_v5() {
                "MQTT-3.1.2-13"
            } else {
                "MQTT-3.1.2-15"
            };
            return Err(DecodeError::WillFlagsWithoutWill { rule });
        } else {
            QoS::AtMostOnce
        };
        if !v.is_v5() && has_password && !has_username {
            return Err(DecodeError::PasswordWithoutUsername);
        }
        let keep_alive = r.read_u16()?;
        let properties = if v.is_v5() {
            Properties::read(r, Context::Packet(PacketType::Connect))?
        } else {
            Properties::default()
        };
        let client_id = r.read_string()?;
        let will = if will_flag {
            let properties = if v.is_v5() {
                Properties::read(r, Context::Will)?
            } else {
                Properties::default()
            };
            let topic = Topic::try_from(r.read_string()?).map_err(DecodeError::InvalidTopicName)?;
            let payload = r.read_binary()?;
            Some(Will {
                topic,
                payload,
                qos: will_qos,
                retain: will_retain,
                properties,
            })
        } else {
            None
        };
        let username = if has_username {
            Some(r.read_string()?)
        } else {
            None
        };
        let password = if has_password {
            Some(r.read_binary()?)
        } else {
            None
        };
        Ok(Self {
            protocol: v,
            clean_start: flags & 0x02 != 0,
            keep_alive,
            client_id,
            will,
            username,
            password,
            properties,
        })
    }
}

/// Size of Binary Data on the wire, rejecting data longer than 65,535 bytes (section 1.5.6).
pub(super) fn binary_len(data: &[u8], field: &'static str) -> Result<usize, EncodeError> {
    if data.len() > usize::from(u16::MAX) {
        return Err(EncodeError::InvalidField {
            field,
            rule: "MQTT 1.5.6",
        });
    }
    Ok(2 + data.len())
}
