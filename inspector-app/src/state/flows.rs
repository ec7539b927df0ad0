//! QoS handshakes grouped per packet id, for the sequence-diagram view.
//!
//! ```text
//! QoS 0   PUBLISH ─────────────▶                       (fire and forget)
//! QoS 1   PUBLISH ─────────────▶  ◀──────────── PUBACK
//! QoS 2   PUBLISH ─────────────▶  ◀──────────── PUBREC
//!         PUBREL  ─────────────▶  ◀──────────── PUBCOMP
//! ```
//! The side that sent the PUBLISH is the flow's initiator; either side may be.
//! A PUBLISH with DUP set for a packet id whose flow is still open is a resend
//! and joins that flow; acknowledgements join the open flow of their packet id.

use std::collections::{HashMap, VecDeque};

use mqtt_proto::{Packet, QoS, ReasonCode};

use super::record::{opposite, Direction, PacketRecord};

/// One leg of a handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    /// PUBLISH, PUBACK, PUBREC, PUBREL or PUBCOMP.
    pub name: &'static str,
    /// Who sent it.
    pub direction: Direction,
    /// When.
    pub at_ms: u64,
    /// The packet's trace position (opens it in the packet view).
    pub seq: u64,
    /// A PUBLISH resent with DUP.
    pub dup: bool,
    /// The acknowledgement's reason code (Success for PUBLISH).
    pub reason: ReasonCode,
}

/// Where a flow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowState {
    /// Waiting for the next leg.
    Waiting,
    /// Every leg arrived (or QoS 0: nothing to wait for).
    Complete,
    /// An acknowledgement carried an error reason code.
    Failed(ReasonCode),
}

/// One PUBLISH and its acknowledgements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// Stable id for rendering.
    pub id: u64,
    /// The side that sent the PUBLISH.
    pub initiator: Direction,
    /// Packet id (QoS 1 and 2).
    pub packet_id: Option<u16>,
    /// QoS of the PUBLISH.
    pub qos: QoS,
    /// Topic of the PUBLISH (empty when only a topic alias was sent).
    pub topic: String,
    /// Legs in order of arrival.
    pub legs: Vec<Leg>,
    /// Where it stands.
    pub state: FlowState,
}

impl Flow {
    /// Milliseconds from the first to the last leg.
    pub fn elapsed_ms(&self) -> u64 {
        match (self.legs.first(), self.legs.last()) {
            (Some(a), Some(b)) => b.at_ms.saturating_sub(a.at_ms),
            _ => 0,
        }
    }
}

/// All flows of one connection, newest last: at most `capacity` QoS 1/2 handshakes, and apart
/// from them at most `capacity` QoS 0 messages (one leg each), so that a flood of QoS 0 never
/// pushes the handshakes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flows {
    flows: VecDeque<Flow>,
    fire_and_forget: VecDeque<Flow>,
    /// (initiator, packet id) → flow id, for flows still waiting.
    open: HashMap<(Direction, u16), u64>,
    next_id: u64,
    capacity: usize,
    /// Legs that matched no open flow (e.g. an acknowledgement for an unknown id).
    pub orphans: u64,
}

impl Flows {
    /// Keeps at most `capacity` handshakes and `capacity` QoS 0 messages; the oldest are
    /// dropped first.
    pub fn new(capacity: usize) -> Self {
        Self {
            flows: VecDeque::new(),
            fire_and_forget: VecDeque::new(),
            open: HashMap::new(),
            next_id: 0,
            capacity: capacity.max(1),
            orphans: 0,
        }
    }

    /// The QoS 1/2 handshakes, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Flow> + ExactSizeIterator {
        self.flows.iter()
    }

    /// The QoS 0 messages (a one-leg flow each), oldest first.
    pub fn fire_and_forget(&self) -> impl DoubleEndedIterator<Item = &Flow> + ExactSizeIterator {
        self.fire_and_forget.iter()
    }

    /// Up to `n` flows, newest first, handshakes and (with `qos0`) QoS 0 messages in the order
    /// their first packets were seen.
    pub fn newest(&self, n: usize, qos0: bool) -> Vec<&Flow> {
        let first_seq = |f: &Flow| f.legs.first().map_or(0, |l| l.seq);
        let mut handshakes = self.flows.iter().rev().peekable();
        let mut singles = self
            .fire_and_forget
            .iter()
            .rev()
            .filter(|_| qos0)
            .peekable();
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let next = match (handshakes.peek(), singles.peek()) {
                (Some(a), Some(b)) if first_seq(a) >= first_seq(b) => handshakes.next(),
                (Some(_), Some(_)) | (None, Some(_)) => singles.next(),
                (Some(_), None) => handshakes.next(),
                (None, None) => None,
            };
            let Some(flow) = next else { break };
            out.push(flow);
        }
        out
    }

    /// Number of handshakes kept.
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    /// Whether no handshake is kept.
    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    /// Flows still waiting that `initiator` started: for [`Direction::Sent`] this
    /// is the broker's Receive Maximum window in use.
    pub fn waiting(&self, initiator: Direction) -> usize {
        self.open.keys().filter(|(d, _)| *d == initiator).count()
    }

    /// Forgets every open flow (the connection was lost and the ids start anew
    /// unless the session resumes; a resumed session's DUP resends open new flows).
    pub fn connection_lost(&mut self) {
        self.open.clear();
    }

    /// Takes one packet of the trace into account; non-PUBLISH-family packets are ignored.
    pub fn apply(&mut self, rec: &PacketRecord) {
        let leg = |name, dup, reason| Leg {
            name,
            direction: rec.direction,
            at_ms: rec.at_ms,
            seq: rec.seq,
            dup,
            reason,
        };
        let Ok(packet) = &rec.packet else {
            return;
        };
        match packet {
            Packet::Publish(p) => {
                let topic = p
                    .topic
                    .as_ref()
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default();
                let first = leg("PUBLISH", p.dup, ReasonCode::SUCCESS);
                let Some(id) = p.packet_id.map(|id| id.get()) else {
                    if self.fire_and_forget.len() == self.capacity {
                        self.fire_and_forget.pop_front();
                    }
                    self.fire_and_forget.push_back(Flow {
                        id: 0,
                        initiator: rec.direction,
                        packet_id: None,
                        qos: p.qos,
                        topic,
                        legs: vec![first],
                        state: FlowState::Complete,
                    });
                    return;
                };
                let key = (rec.direction, id);
                if p.dup {
                    if let Some(flow) = self
                        .open
                        .get(&key)
                        .copied()
                        .and_then(|fid| self.find_mut(fid))
                    {
                        flow.legs.push(first);
                        return;
                    }
                }
                let fid = self.push(Flow {
                    id: 0,
                    initiator: rec.direction,
                    packet_id: Some(id),
                    qos: p.qos,
                    topic,
                    legs: vec![first],
                    state: FlowState::Waiting,
                });
                self.open.insert(key, fid);
            }
            Packet::PubAck(a) => self.ack(
                opposite(rec.direction),
                a.packet_id.get(),
                leg("PUBACK", false, a.reason_code),
                true,
            ),
            Packet::PubRec(a) => {
                let done = a.reason_code.is_error();
                self.ack(
                    opposite(rec.direction),
                    a.packet_id.get(),
                    leg("PUBREC", false, a.reason_code),
                    done,
                )
            }
            Packet::PubRel(a) => self.ack(
                rec.direction,
                a.packet_id.get(),
                leg("PUBREL", false, a.reason_code),
                false,
            ),
            Packet::PubComp(a) => self.ack(
                opposite(rec.direction),
                a.packet_id.get(),
                leg("PUBCOMP", false, a.reason_code),
                true,
            ),
            _ => {}
        }
    }

    fn ack(&mut self, initiator: Direction, id: u16, leg: Leg, closes: bool) {
        let key = (initiator, id);
        let Some(fid) = self.open.get(&key).copied() else {
            self.orphans += 1;
            return;
        };
        let reason = leg.reason;
        let Some(flow) = self.find_mut(fid) else {
            self.open.remove(&key);
            self.orphans += 1;
            return;
        };
        flow.legs.push(leg);
        if reason.is_error() {
            flow.state = FlowState::Failed(reason);
        } else if closes {
            flow.state = FlowState::Complete;
        }
        if closes || reason.is_error() {
            self.open.remove(&key);
        }
    }

    fn push(&mut self, mut flow: Flow) -> u64 {
        flow.id = self.next_id;
        self.next_id += 1;
        if self.flows.len() == self.capacity {
            if let Some(old) = self.flows.pop_front() {
                if let Some(id) = old.packet_id {
                    if self.open.get(&(old.initiator, id)) == Some(&old.id) {
                        self.open.remove(&(old.initiator, id));
                    }
                }
            }
        }
        let id = flow.id;
        self.flows.push_back(flow);
        id
    }

    fn find_mut(&mut self, id: u64) -> Option<&mut Flow> {
        // Ids are increasing and contiguous within the deque.
        let first = self.flows.front()?.id;
        let idx = usize::try_from(id.checked_sub(first)?).ok()?;
        self.flows.get_mut(idx)
    }
}

#[cfg(test)]
// Tests may panic: a panic is a test failure.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use mqtt_proto::{PacketId, PubAck, PubComp, PubRec, PubRel, Publish, Topic};

    struct Wire {
        seq: u64,
        flows: Flows,
    }

    impl Wire {
        fn new() -> Self {
            Self {
                seq: 0,
                flows: Flows::new(100),
            }
        }
        fn see(&mut self, direction: Direction, packet: Packet) {
            self.seq += 1;
            let rec = PacketRecord {
                seq: self.seq,
                at_ms: self.seq * 10,
                direction,
                packet: Ok(packet),
                raw: Bytes::new(),
            };
            self.flows.apply(&rec);
        }
    }

    fn id(n: u16) -> PacketId {
        PacketId::new(n).expect("test ids are non-zero")
    }

    fn publish(qos: QoS, pid: Option<u16>, dup: bool) -> Packet {
        let mut p = Publish::new(Topic::new("a/b").unwrap(), Bytes::from_static(b"x"));
        p.qos = qos;
        p.packet_id = pid.map(id);
        p.dup = dup;
        Packet::Publish(p)
    }

    #[test]
    fn qos2_outgoing_has_four_legs_and_completes() {
        let mut w = Wire::new();
        w.see(Direction::Sent, publish(QoS::ExactlyOnce, Some(7), false));
        assert_eq!(w.flows.waiting(Direction::Sent), 1);
        w.see(Direction::Received, Packet::PubRec(PubRec::new(id(7))));
        w.see(Direction::Sent, Packet::PubRel(PubRel::new(id(7))));
        w.see(Direction::Received, Packet::PubComp(PubComp::new(id(7))));
        let f = w.flows.iter().next().unwrap();
        assert_eq!(
            f.legs.iter().map(|l| l.name).collect::<Vec<_>>(),
            ["PUBLISH", "PUBREC", "PUBREL", "PUBCOMP"]
        );
        assert_eq!(f.state, FlowState::Complete);
        assert_eq!(f.elapsed_ms(), 30);
        assert_eq!(w.flows.waiting(Direction::Sent), 0);
    }

    #[test]
    fn incoming_qos1_and_dup_resend_join_one_flow() {
        let mut w = Wire::new();
        w.see(
            Direction::Received,
            publish(QoS::AtLeastOnce, Some(3), false),
        );
        w.see(
            Direction::Received,
            publish(QoS::AtLeastOnce, Some(3), true),
        );
        assert_eq!(w.flows.waiting(Direction::Received), 1);
        w.see(Direction::Sent, Packet::PubAck(PubAck::new(id(3))));
        assert_eq!(w.flows.len(), 1);
        let f = w.flows.iter().next().unwrap();
        assert_eq!(f.initiator, Direction::Received);
        assert_eq!(
            f.legs.iter().map(|l| l.dup).collect::<Vec<_>>(),
            [false, true, false]
        );
        assert_eq!(f.state, FlowState::Complete);
    }

    #[test]
    fn qos0_is_fire_and_forget_and_error_reason_fails_the_flow() {
        let mut w = Wire::new();
        w.see(Direction::Sent, publish(QoS::AtMostOnce, None, false));
        w.see(Direction::Sent, publish(QoS::ExactlyOnce, Some(9), false));
        let mut rec = PubRec::new(id(9));
        rec.reason_code = ReasonCode::QUOTA_EXCEEDED;
        w.see(Direction::Received, Packet::PubRec(rec));
        let states: Vec<_> = w.flows.newest(10, true).iter().map(|f| f.state).collect();
        assert_eq!(
            states,
            [
                FlowState::Failed(ReasonCode::QUOTA_EXCEEDED),
                FlowState::Complete,
            ]
        );
        assert_eq!(w.flows.fire_and_forget().len(), 1);
        assert_eq!(w.flows.waiting(Direction::Sent), 0);
    }

    #[test]
    fn a_flood_of_qos0_keeps_the_handshakes() {
        let mut w = Wire {
            seq: 0,
            flows: Flows::new(3),
        };
        w.see(Direction::Sent, publish(QoS::AtLeastOnce, Some(1), false));
        for _ in 0..10 {
            w.see(Direction::Received, publish(QoS::AtMostOnce, None, false));
        }
        w.see(Direction::Received, Packet::PubAck(PubAck::new(id(1))));
        w.see(Direction::Received, publish(QoS::AtMostOnce, None, false));
        // The handshake is still there, complete; the QoS 0 ring kept its newest 3.
        assert_eq!(w.flows.len(), 1);
        assert_eq!(w.flows.iter().next().unwrap().state, FlowState::Complete);
        assert_eq!(w.flows.fire_and_forget().len(), 3);
        // Newest first by their first packet: the three QoS 0 messages came after the PUBLISH.
        let ids = |n, qos0| -> Vec<Option<u16>> {
            w.flows
                .newest(n, qos0)
                .iter()
                .map(|f| f.packet_id)
                .collect()
        };
        assert_eq!(ids(10, true), [None, None, None, Some(1)]);
        assert_eq!(ids(2, true), [None, None]);
        assert_eq!(ids(10, false), [Some(1)]);
    }

    #[test]
    fn unknown_ack_is_an_orphan_and_capacity_drops_oldest() {
        let mut w = Wire {
            seq: 0,
            flows: Flows::new(2),
        };
        w.see(Direction::Received, Packet::PubAck(PubAck::new(id(1))));
        assert_eq!(w.flows.orphans, 1);
        for n in 1..=3 {
            w.see(Direction::Sent, publish(QoS::AtLeastOnce, Some(n), false));
        }
        assert_eq!(w.flows.len(), 2);
        assert_eq!(
            w.flows.waiting(Direction::Sent),
            2,
            "the dropped flow is no longer open"
        );
        w.see(Direction::Received, Packet::PubAck(PubAck::new(id(3))));
        assert_eq!(w.flows.iter().last().unwrap().state, FlowState::Complete);
    }
}
