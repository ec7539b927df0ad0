//! PUBACK: acknowledges a QoS 1 PUBLISH (section 3.4).
//!
//! The encoding is shared with the other publish acknowledgments (see the private `ack` module).

super::ack::ack_packet!(
    /// PUBACK: acknowledges a QoS 1 PUBLISH (section 3.4).
    PubAck,
    PubAck
);
