//! A strict, streaming, zero-copy codec for MQTT 3.1, 3.1.1 and 5.0.
//!
//! - One set of packet types for every version: the [`ProtocolVersion`] is an argument of
//!   [`Packet::encode`] and [`Packet::decode`].
//! - Strict: every format rule the specifications state is checked when decoding, and a
//!   [`DecodeError`] names the rule ([`DecodeError::rule`]) and the MQTT 5.0 reason code to report
//!   it with ([`DecodeError::reason_code`]). Encoding validates the same rules first and never
//!   writes a partial packet.
//! - Streaming: [`Decoder`] splits a byte stream into frames, rejecting oversized packets from
//!   their fixed header alone.
//! - Either side: a client can decode with [`Packet::decode_from_server`] and encode with
//!   [`Packet::encode_from_client`], which refuse the other direction's packets (section 2.1.2)
//!   and leave their code out of the program ([`session::Session`] does).
//! - Zero-copy: strings, topics, binary data and payloads of decoded packets are [`bytes::Bytes`]
//!   slices of the received frame.
//! - `#![no_std]` (with `alloc`), no `unsafe`, no I/O, no clock: it runs on
//!   `wasm32-unknown-unknown`.
//!
//! ```
//! use bytes::{Bytes, BytesMut};
//! use mqtt_proto::{Decoder, Packet, PacketId, ProtocolVersion, Publish, QoS, Topic};
//!
//! let mut publish = Publish::new(Topic::new("sensors/temp").unwrap(), Bytes::from_static(b"21.5"));
//! publish.qos = QoS::AtLeastOnce;
//! publish.packet_id = PacketId::new(1);
//! let packet = Packet::Publish(publish);
//!
//! let mut wire = BytesMut::new();
//! let written = packet.encode(ProtocolVersion::V5, &mut wire).unwrap();
//! assert_eq!(written, packet.encoded_len(ProtocolVersion::V5).unwrap());
//!
//! // Bytes may arrive in any chunks.
//! let mut decoder = Decoder::new(ProtocolVersion::V5, 64 * 1024);
//! let (first, second) = wire.split_at(5);
//! decoder.feed(first);
//! assert!(decoder.next_packet().unwrap().is_none());
//! decoder.feed(second);
//! let (decoded, raw) = decoder.next_packet().unwrap().unwrap();
//! assert_eq!(decoded, packet);
//! assert_eq!(raw, wire);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

mod decoder;
pub mod error;
pub mod packet;
pub mod properties;
pub mod reason_code;
pub mod session;
mod string;
pub mod time;
pub mod topic;
mod trie;
mod types;
pub mod wire;

pub use decoder::{Decoder, FrameSplit, REJECTED_HEADER_BYTES};
pub use error::{DecodeError, EncodeError};
pub use packet::{
    Auth, ConnAck, Connect, Disconnect, Packet, PacketType, PubAck, PubComp, PubRec, PubRel,
    Publish, RetainHandling, SubAck, Subscribe, SubscriptionOptions, UnsubAck, Unsubscribe, Will,
};
pub use properties::{PayloadFormat, Properties, PropertyValues};
pub use reason_code::ReasonCode;
pub use string::{MqttString, StringError};
pub use topic::{Topic, TopicError, TopicFilter};
pub use trie::SubscriptionTrie;
pub use types::{PacketId, ProtocolVersion, QoS};
