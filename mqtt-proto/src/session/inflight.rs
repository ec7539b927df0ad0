//! The per-packet-identifier state machines of QoS 1 and QoS 2 deliveries, both directions.

/// State of a QoS 1 or QoS 2 PUBLISH this client sent, keyed by its packet identifier.
///
/// ```text
///  QoS 1:  publish() ──PUBLISH──▶ AwaitingPubAck ──PUBACK──▶ (done: PublishCompleted)
///
///  QoS 2:  publish() ──PUBLISH──▶ AwaitingPubRec ──PUBREC──▶ AwaitingPubComp ──PUBCOMP──▶ (done)
///                                       │          (send PUBREL)
///                                       └─PUBREC with reason ≥ 0x80──▶ (done: PublishCompleted
///                                                                        with that reason)
///
///  On reconnect with Session Present = 1, every entry is resent in its original order
///  [MQTT-4.4.0-1]: AwaitingPubAck / AwaitingPubRec as PUBLISH with DUP = 1, AwaitingPubComp as
///  PUBREL. With Session Present = 0 they are resent as new messages or failed (the session's
///  `InflightPolicy`); AwaitingPubComp entries are complete (the server already owns the message).
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutgoingState {
    /// QoS 1 PUBLISH sent, waiting for PUBACK.
    AwaitingPubAck,
    /// QoS 2 PUBLISH sent, waiting for PUBREC.
    AwaitingPubRec,
    /// PUBREC received and PUBREL sent, waiting for PUBCOMP.
    AwaitingPubComp,
}

/// State of a QoS 2 PUBLISH this client received, keyed by its packet identifier.
///
/// ```text
///  PUBLISH(id) ──deliver once, send PUBREC──▶ AwaitingPubRel ──PUBREL(id)──▶ (send PUBCOMP, free id)
///                                               │
///                                               └─PUBLISH(id) again (DUP): not delivered, PUBREC
///                                                 sent again
///  PUBREL for an id not in this table: PUBCOMP (5.0: reason 0x92 Packet Identifier not found).
/// ```
///
/// QoS 1 PUBLISHes are delivered and acknowledged at once, so they have no entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IncomingState {
    /// The message was delivered and PUBREC sent; waiting for PUBREL.
    AwaitingPubRel,
}

/// Which side started an exchange, in [`InflightChange`] traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// This client sent the packet.
    Sent,
    /// This client received the packet.
    Received,
}

/// A state of an inflight exchange as reported in traces: a live state or its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InflightChange {
    /// An outgoing exchange entered this state.
    Outgoing(OutgoingState),
    /// An incoming exchange entered this state.
    Incoming(IncomingState),
    /// The exchange ended and the packet identifier is free again.
    Released,
}
