//! Without feature `persistence`: the hooks of `persist.rs` with nothing to persist. No
//! packet is held back, and `persisted` completes at once.

use super::Driver;

/// No persistence state.
pub(super) struct State;

impl State {
    pub(super) fn new() -> Self {
        Self
    }
}

impl Driver {
    pub(super) fn hold(&mut self, _batch: &mut Vec<u8>) -> bool {
        false
    }

    pub(super) fn unhold(&mut self, _batch: &mut Vec<u8>) {}

    pub(super) fn drop_held(&mut self) {}

    pub(super) fn transport_closed(&mut self) {}

    pub(super) fn defer_open(&mut self) -> bool {
        false
    }

    pub(super) fn persist(&mut self) {}

    /// Calls `waiter` at once: there is nothing to commit.
    pub(crate) fn when_persisted(&mut self, waiter: Box<dyn FnOnce()>) {
        waiter();
    }
}
