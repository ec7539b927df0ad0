//! Write-ahead persistence of the session in IndexedDB (feature `persistence`; without it,
//! `volatile.rs` stands in with the same hooks): the stored session is loaded before CONNECT,
//! and a snapshot is saved whenever the session's persistent state changes, with the packets
//! that follow from a change held back until it has committed.

use std::rc::Rc;

use mqtt_proto::session::Snapshot;
use mqtt_proto::ReasonCode;

use super::{now, with_driver, Driver};
use crate::error::ClientError;
use crate::store::{IdbOp, IdbStore};

/// The driver's persistence state.
pub(super) struct State {
    /// Session persistence, once the store is open (see [`Persistence`]).
    persistence: Option<Persistence>,
    /// The stored session is being loaded: the transport's `open` waits for it.
    loading: bool,
    /// Opening the store or reading the stored session, while loading.
    load_op: Option<IdbOp>,
    /// The transport opened while loading.
    open_deferred: bool,
    /// [`crate::Client::persisted`] calls, each waiting for a generation to be committed.
    waiters: Vec<(u64, Box<dyn FnOnce()>)>,
}

/// The session persisted in IndexedDB, write-ahead: bytes a drain produces after the session's
/// persistent state changed are held back until a snapshot covering that change has committed,
/// so that nothing the client acknowledged, or was asked to send, is lost with the page.
struct Persistence {
    store: Rc<IdbStore>,
    key: String,
    /// The session generation of the last committed snapshot (`None` before the first).
    saved: Option<u64>,
    /// A save is running.
    saving: bool,
    /// Bytes for the current transport waiting for a commit, in order.
    held: Vec<u8>,
    /// How many bytes of `held` the running save covers.
    covered: usize,
    /// The running save.
    op: Option<IdbOp>,
}

impl State {
    pub(super) fn new() -> Self {
        Self {
            persistence: None,
            loading: false,
            load_op: None,
            open_deferred: false,
            waiters: Vec::new(),
        }
    }
}

impl Driver {
    /// Holds `batch` back (and returns `true`) while the state it follows from is not
    /// committed.
    pub(super) fn hold(&mut self, batch: &mut Vec<u8>) -> bool {
        let generation = self.session.snapshot_generation();
        if let Some(p) = &mut self.persist.persistence {
            if p.saving || p.saved != Some(generation) {
                p.held.append(batch);
                return true;
            }
        }
        false
    }

    /// The session closes now: what it still wanted to say (a DISCONNECT) goes out without
    /// waiting for a commit, after what was held.
    pub(super) fn unhold(&mut self, batch: &mut Vec<u8>) {
        if let Some(p) = &mut self.persist.persistence {
            let mut held = std::mem::take(&mut p.held);
            p.covered = 0;
            held.append(batch);
            *batch = held;
        }
    }

    /// A new transport: held bytes were for the previous connection; the session resends what
    /// matters on the next one.
    pub(super) fn drop_held(&mut self) {
        if let Some(p) = &mut self.persist.persistence {
            p.held.clear();
            p.covered = 0;
        }
    }

    /// The transport closed.
    pub(super) fn transport_closed(&mut self) {
        self.persist.open_deferred = false;
        self.drop_held();
    }

    /// The transport opened: `true` when the session must wait for the stored state (loading),
    /// which then opens it.
    pub(super) fn defer_open(&mut self) -> bool {
        if self.persist.loading {
            self.persist.open_deferred = true;
        }
        self.persist.loading
    }

    /// Starts saving a snapshot if the session changed since the last commit and no save runs.
    pub(super) fn persist(&mut self) {
        let generation = self.session.snapshot_generation();
        let Some(p) = &mut self.persist.persistence else {
            return;
        };
        if p.saving || p.saved == Some(generation) {
            return;
        }
        p.saving = true;
        p.covered = p.held.len();
        let bytes = self.session.snapshot(now()).to_bytes();
        let me = self.me.clone();
        let started = p.store.save(&p.key, &bytes, move |result| {
            if let Some(driver) = me.upgrade() {
                with_driver(&driver, |d| d.saved(generation, result.is_ok()));
            }
        });
        match started {
            Ok(op) => p.op = Some(op),
            Err(_) => self.saved(generation, false),
        }
    }

    /// A save of `generation` finished: release what it covers.
    fn saved(&mut self, generation: u64, ok: bool) {
        let current = self.session.snapshot_generation();
        let Some(p) = &mut self.persist.persistence else {
            return;
        };
        p.saving = false;
        p.op = None;
        if !ok {
            // Storage failed (quota, the database deleted): go on without persistence rather
            // than stall the connection.
            let held = std::mem::take(&mut p.held);
            self.persist.persistence = None;
            self.release_persisted_waiters(u64::MAX);
            self.transmit(&held);
            return;
        }
        p.saved = Some(generation);
        let covered = p.covered.min(p.held.len());
        let mut out: Vec<u8> = p.held.drain(..covered).collect();
        if current == generation {
            // Produced after the snapshot, but nothing persistent changed since.
            out.append(&mut p.held);
        }
        p.covered = 0;
        self.release_persisted_waiters(generation);
        self.transmit(&out);
        self.persist();
    }

    /// Calls the [`Driver::when_persisted`] waiters for generations up to `generation`.
    fn release_persisted_waiters(&mut self, generation: u64) {
        let waiters = std::mem::take(&mut self.persist.waiters);
        for (wanted, waiter) in waiters {
            if wanted <= generation {
                waiter();
            } else {
                self.persist.waiters.push((wanted, waiter));
            }
        }
    }

    /// Calls `waiter` once the session's current state is committed (at once without
    /// persistence).
    pub(crate) fn when_persisted(&mut self, waiter: Box<dyn FnOnce()>) {
        let generation = self.session.snapshot_generation();
        let waits = match &self.persist.persistence {
            Some(p) => p.saved.map_or(true, |s| s < generation),
            None => self.persist.loading,
        };
        if waits {
            // While loading, the generation restore() reaches is higher still: the first save
            // after loading covers it.
            self.persist.waiters.push((generation, waiter));
        } else {
            waiter();
        }
    }

    /// Starts loading the session stored under `key`; the session connects meanwhile, but sends
    /// CONNECT only once the stored state is restored.
    pub(crate) fn load(&mut self, key: String) {
        self.persist.loading = true;
        let me = self.me.clone();
        let store_key = key.clone();
        let started = IdbStore::open(move |opened| {
            if let Some(driver) = me.upgrade() {
                with_driver(&driver, |d| d.opened(store_key, opened));
            }
        });
        match started {
            Ok(op) => self.persist.load_op = Some(op),
            Err(e) => self.loaded(key, Err(e)),
        }
    }

    /// The store is open (or failed to): read the stored session.
    fn opened(&mut self, key: String, opened: Result<IdbStore, ClientError>) {
        let store = match opened {
            Ok(store) => Rc::new(store),
            Err(e) => return self.loaded(key, Err(e)),
        };
        let me = self.me.clone();
        let (store_key, kept) = (key.clone(), store.clone());
        let started = store.load(&key, move |bytes| {
            if let Some(driver) = me.upgrade() {
                with_driver(&driver, |d| d.loaded(store_key, bytes.map(|b| (kept, b))));
            }
        });
        match started {
            Ok(op) => self.persist.load_op = Some(op),
            Err(e) => self.loaded(key, Err(e)),
        }
    }

    fn loaded(
        &mut self,
        key: String,
        result: Result<(Rc<IdbStore>, Option<Vec<u8>>), ClientError>,
    ) {
        self.persist.loading = false;
        self.persist.load_op = None;
        let restored = result.and_then(|(store, bytes)| {
            let snapshot = bytes
                .map(|b| Snapshot::from_bytes(&b))
                .transpose()
                .map_err(|_| ClientError::Storage("the stored session cannot be read"))?;
            if let Some(snapshot) = snapshot {
                self.session
                    .restore(now(), snapshot)
                    .map_err(|_| ClientError::Storage("the stored session cannot be restored"))?;
            }
            Ok(store)
        });
        match restored {
            Ok(store) => {
                self.persist.persistence = Some(Persistence {
                    store,
                    key,
                    saved: None,
                    saving: false,
                    held: Vec::new(),
                    covered: 0,
                    op: None,
                });
                if std::mem::take(&mut self.persist.open_deferred) {
                    self.session.handle_open(now());
                }
            }
            Err(e) => {
                // Persistence was asked for: do not run without it (and never overwrite a stored
                // session this version cannot read).
                self.release_persisted_waiters(u64::MAX);
                for reply in self.connecting.drain(..) {
                    reply(Err(super::Failure::Error(&e)));
                }
                self.session.disconnect(
                    now(),
                    ReasonCode::NORMAL_DISCONNECTION,
                    mqtt_proto::Properties::default(),
                );
            }
        }
    }
}
