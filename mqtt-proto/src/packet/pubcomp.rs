//! PUBCOMP: completes a QoS 2 exchange (section 3.7).
//!
//! The encoding is shared with the other publish acknowledgments (see the private `ack` module).

super::ack::ack_packet!(
    /// PUBCOMP: completes a QoS 2 exchange (section 3.7).
    PubComp,
    PubComp
);
