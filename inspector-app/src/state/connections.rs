//! The open connections (one workspace each) and which one is shown: a reducer.

use std::rc::Rc;

use yew::Reducible;

/// The connections' numbers in tab order, and the one shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connections {
    /// Open connections, by number (never reused: a number names one workspace, its element
    /// ids and its client id), in tab order.
    pub open: Vec<u32>,
    /// The connection shown; always one of `open`.
    pub active: u32,
    /// The number the next connection gets.
    pub next: u32,
}

/// What the connection tabs can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionsAction {
    /// Open a new connection after the others and show it.
    Add,
    /// Show connection `n` (ignored if it is not open).
    Select(u32),
    /// Close connection `n`; the last one stays open. Closing the one shown shows the next tab,
    /// or the previous one if it was the last.
    Close(u32),
}

impl Default for Connections {
    fn default() -> Self {
        Self {
            open: vec![1],
            active: 1,
            next: 2,
        }
    }
}

impl Connections {
    /// The state after `action`.
    pub fn apply(&self, action: ConnectionsAction) -> Self {
        let mut next = self.clone();
        match action {
            ConnectionsAction::Add => {
                next.open.push(self.next);
                next.active = self.next;
                next.next = self.next + 1;
            }
            ConnectionsAction::Select(n) if self.open.contains(&n) => next.active = n,
            ConnectionsAction::Select(_) => {}
            ConnectionsAction::Close(n) if self.open.len() > 1 => {
                next.active = shown_after_close(&self.open, self.active, n);
                next.open.retain(|&c| c != n);
            }
            ConnectionsAction::Close(_) => {}
        }
        next
    }
}

/// The connection shown once `closed` is closed, of `open` with `active` shown: `active` itself
/// unless it is the one closed, then the tab after it, or before it if it was the last tab.
pub fn shown_after_close(open: &[u32], active: u32, closed: u32) -> u32 {
    if active != closed {
        return active;
    }
    let Some(at) = open.iter().position(|&c| c == closed) else {
        return active;
    };
    open.get(at + 1)
        .or(at.checked_sub(1).and_then(|i| open.get(i)))
        .copied()
        .unwrap_or(active)
}

impl Reducible for Connections {
    type Action = ConnectionsAction;

    fn reduce(self: Rc<Self>, action: ConnectionsAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::{Connections, ConnectionsAction as A};

    fn state(open: &[u32], active: u32) -> Connections {
        Connections {
            open: open.to_vec(),
            active,
            next: 10,
        }
    }

    #[test]
    fn add_opens_a_new_number_and_shows_it() {
        let s = Connections::default().apply(A::Add).apply(A::Add);
        assert_eq!(
            (s.open.as_slice(), s.active, s.next),
            (&[1, 2, 3][..], 3, 4)
        );
        // A closed connection's number never comes back.
        let s = s.apply(A::Close(3)).apply(A::Add);
        assert_eq!((s.open.as_slice(), s.active), (&[1, 2, 4][..], 4));
    }

    #[test]
    fn closing_the_shown_connection_shows_its_neighbour() {
        assert_eq!(state(&[1, 2, 3], 2).apply(A::Close(2)), state(&[1, 3], 3));
        assert_eq!(state(&[1, 2, 3], 3).apply(A::Close(3)), state(&[1, 2], 2));
        assert_eq!(state(&[1, 2, 3], 1).apply(A::Close(3)), state(&[1, 2], 1));
    }

    #[test]
    fn the_last_connection_stays_and_unknown_numbers_are_ignored() {
        assert_eq!(state(&[4], 4).apply(A::Close(4)), state(&[4], 4));
        assert_eq!(state(&[1, 2], 1).apply(A::Close(9)), state(&[1, 2], 1));
        assert_eq!(state(&[1, 2], 1).apply(A::Select(9)), state(&[1, 2], 1));
        assert_eq!(state(&[1, 2], 1).apply(A::Select(2)), state(&[1, 2], 2));
    }
}
