//! The open connections (one workspace each) and which one is shown: a reducer.

use std::rc::Rc;

use yew::Reducible;

/// The connections' numbers in tab order, and the one shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connections {
    /// Open connections, by number (unique, never reused while open), in tab order.
    pub open: Vec<u32>,
    /// The connection shown; always one of `open`.
    pub active: u32,
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
        }
    }
}

impl Connections {
    /// The state after `action`.
    pub fn apply(&self, action: ConnectionsAction) -> Self {
        let mut next = self.clone();
        match action {
            ConnectionsAction::Add => {
                let n = self.open.iter().max().copied().unwrap_or(0) + 1;
                next.open.push(n);
                next.active = n;
            }
            ConnectionsAction::Select(n) if self.open.contains(&n) => next.active = n,
            ConnectionsAction::Select(_) => {}
            ConnectionsAction::Close(n) if self.open.len() > 1 => {
                if let Some(at) = self.open.iter().position(|&c| c == n) {
                    next.open.remove(at);
                    if self.active == n {
                        let shown = next.open.get(at).or(next.open.get(at.wrapping_sub(1)));
                        if let Some(&shown) = shown {
                            next.active = shown;
                        }
                    }
                }
            }
            ConnectionsAction::Close(_) => {}
        }
        next
    }
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
        }
    }

    #[test]
    fn add_opens_a_new_number_and_shows_it() {
        let s = Connections::default().apply(A::Add).apply(A::Add);
        assert_eq!(s, state(&[1, 2, 3], 3));
        // Numbers of closed connections may come back only above every open one.
        assert_eq!(state(&[1, 4], 1).apply(A::Add), state(&[1, 4, 5], 5));
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
