//! PUBREC: first acknowledgment of a QoS 2 PUBLISH (section 3.5).
//!
//! The encoding is shared with the other publish acknowledgments (see the private `ack` module).

super::ack::ack_packet!(
    /// PUBREC: first acknowledgment of a QoS 2 PUBLISH (section 3.5).
    PubRec,
    PubRec
);
