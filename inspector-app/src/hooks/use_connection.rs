//! `use_connection`: one broker connection. The [`Client`] (WebSocket, timers)
//! lives here, outside the model; components read the [`Store`] and call the
//! domain methods of [`ConnectionHandle`].
//!
//! Session events are collected as they arrive and applied once per frame
//! (a 16 ms timer), so a flood of messages costs one re-render per frame.

use std::cell::RefCell;
use std::rc::Rc;

use client_wasm::mqtt_proto::session::Event;
use client_wasm::mqtt_proto::{QoS, TopicFilter};
use client_wasm::timer::{now_ms, Timeout};
use client_wasm::Client;
use yew::prelude::*;

use crate::state::{Action, Profile, PublishSpec, Store, SubscribeSpec};

/// Events waiting for the next frame, and the timer that flushes them.
#[derive(Default)]
struct Pending {
    events: Vec<(u64, Event)>,
    flush: Option<Timeout>,
}

/// The connection's live resources, shared by the handle's clones.
#[derive(Default)]
struct Live {
    client: Option<Client>,
    pending: Rc<RefCell<Pending>>,
}

/// The connection's state and what can be done with it.
#[derive(Clone)]
pub struct ConnectionHandle {
    store: UseReducerHandle<Store>,
    live: Rc<RefCell<Live>>,
    error: UseStateHandle<Option<String>>,
}

impl std::fmt::Debug for ConnectionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionHandle")
            .field("generation", &self.store.generation())
            .finish()
    }
}

impl PartialEq for ConnectionHandle {
    fn eq(&self, other: &Self) -> bool {
        *self.store == *other.store && *self.error == *other.error
    }
}

impl ConnectionHandle {
    /// The store (read the model with `.model()`).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The last error of a user action (bad profile, refused request).
    pub fn error(&self) -> Option<String> {
        (*self.error).clone()
    }

    /// Whether a client exists (connecting, connected or reconnecting).
    pub fn is_active(&self) -> bool {
        self.live.borrow().client.is_some()
    }

    /// Connects with `profile`, replacing any current connection.
    pub fn connect(&self, profile: &Profile) {
        self.disconnect();
        let config = match profile.to_config() {
            Ok(c) => c,
            Err(e) => return self.error.set(Some(e)),
        };
        self.error.set(None);
        self.store
            .dispatch(Action::Connecting(now_ms(), profile.url.clone()));
        let (client, connected) = match Client::start(&profile.url, config) {
            Ok(started) => started,
            Err(e) => return self.error.set(Some(e.to_string())),
        };
        let pending = self.live.borrow().pending.clone();
        let dispatcher = self.store.dispatcher();
        client.on_event(move |e| {
            let mut p = pending.borrow_mut();
            p.events.push((now_ms(), e.clone()));
            if p.flush.is_none() {
                let pending = pending.clone();
                let dispatcher = dispatcher.clone();
                p.flush = Some(Timeout::new(16, move || {
                    let events = {
                        let mut p = pending.borrow_mut();
                        p.flush = None;
                        std::mem::take(&mut p.events)
                    };
                    dispatcher.dispatch(Action::Events(events));
                }));
            }
        });
        self.live.borrow_mut().client = Some(client);
        let error = self.error.clone();
        let live = self.live.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(Err(e)) = connected.await {
                error.set(Some(e.to_string()));
                live.borrow_mut().client = None;
            }
        });
    }

    /// Sends DISCONNECT and ends the connection.
    pub fn disconnect(&self) {
        let Some(client) = self.live.borrow_mut().client.take() else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move { client.end().await });
    }

    /// Closes the WebSocket without DISCONNECT and ends, as a device that loses its network
    /// would: the broker publishes the will. For testing wills on purpose.
    pub fn drop_connection(&self) {
        let Some(client) = self.live.borrow_mut().client.take() else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move { client.abort().await });
    }

    /// Subscribes as the form says; the SUBACK result lands in the model.
    pub fn subscribe(&self, spec: &SubscribeSpec) {
        let Some(client) = self.client() else {
            return self.error.set(Some("not connected".into()));
        };
        let (filter, options) = match spec.to_request(self.store.model().version.is_v5()) {
            Ok(r) => r,
            Err(e) => return self.error.set(Some(e)),
        };
        self.error.set(None);
        let name = filter.as_str().to_owned();
        self.store
            .dispatch(Action::Subscribing(name.clone(), options.qos));
        let store = self.store.dispatcher();
        let error = self.error.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match client.subscribe(vec![(filter, options)]).await {
                Ok(reasons) => store.dispatch(Action::Subscribed(vec![name], reasons)),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    }

    /// Unsubscribes from `filter`.
    pub fn unsubscribe(&self, filter: &str) {
        self.store.dispatch(Action::Unsubscribed(filter.to_owned()));
        let (Some(client), Ok(f)) = (self.client(), TopicFilter::new(filter)) else {
            return;
        };
        let error = self.error.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = client.unsubscribe(vec![f]).await {
                error.set(Some(e.to_string()));
            }
        });
    }

    /// Publishes as the form says.
    pub fn publish(&self, spec: &PublishSpec) {
        let Some(client) = self.client() else {
            return self.error.set(Some("not connected".into()));
        };
        let req = match spec.to_request(self.store.model().version.is_v5()) {
            Ok(r) => r,
            Err(e) => return self.error.set(Some(e)),
        };
        self.error.set(None);
        let error = self.error.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = client.publish(req).await {
                error.set(Some(e.to_string()));
            }
        });
    }

    /// Clears the retained messages of `topics` (an empty retained PUBLISH each).
    pub fn clear_retained(&self, topics: &[String]) {
        for t in topics {
            self.publish(&PublishSpec {
                topic: t.clone(),
                qos: QoS::AtLeastOnce,
                retain: true,
                ..Default::default()
            });
        }
    }

    /// Applies this connection's share of the memory budget when it changes.
    pub fn use_budget(&self, limit: usize) {
        if self.store.model().budget.limit != limit {
            self.store.dispatch(Action::SetBudget(limit));
        }
    }

    /// Imports an NDJSON message log (as exported by the message list).
    pub fn import_log(&self, text: &str) {
        let (messages, bad) = crate::state::model::parse_message_log(text);
        self.error
            .set((bad > 0).then(|| format!("import: {bad} lines could not be read")));
        self.store.dispatch(Action::Import(messages));
    }

    fn client(&self) -> Option<Client> {
        self.live.borrow().client.clone()
    }
}

/// The connection hook.
#[hook]
pub fn use_connection() -> ConnectionHandle {
    let store = use_reducer(Store::default);
    let live = use_mut_ref(Live::default);
    let error = use_state(|| None::<String>);
    // A workspace that goes away (its connection tab closed) ends its connection cleanly,
    // with DISCONNECT: the broker discards the will ("Drop" is the way to fire it).
    {
        let live = live.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(client) = live.borrow_mut().client.take() {
                    wasm_bindgen_futures::spawn_local(async move { client.end().await });
                }
            }
        });
    }
    ConnectionHandle { store, live, error }
}
