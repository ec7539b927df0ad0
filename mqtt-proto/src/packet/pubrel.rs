//! PUBREL: releases a QoS 2 PUBLISH after PUBREC (section 3.6). Its fixed header flags are 0b0010 [MQTT-3.6.1-1].
//!
//! The encoding is shared with the other publish acknowledgments (see the private `ack` module).

super::ack::ack_packet!(
    /// PUBREL: releases a QoS 2 PUBLISH after PUBREC (section 3.6). Its fixed header flags are 0b0010 [MQTT-3.6.1-1].
    PubRel,
    PubRel
);
