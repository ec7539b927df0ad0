//! The Rust async API: connect, publish, subscribe, unsubscribe, end, and the
//! stream of everything that happens (messages, connection state, packet trace).

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::rc::Rc;

use futures_channel::{mpsc, oneshot};
use mqtt_proto::session::{
    Connected, Event, PublishRequest, Session, SessionConfig, Token, UsageError,
};
use mqtt_proto::{Properties, ReasonCode, SubscriptionOptions, TopicFilter};

use crate::driver::{now, with_driver, with_driver_deferred, Completion, Driver, Reply};
use crate::error::ClientError;

/// A connected (or reconnecting) MQTT client over a browser WebSocket.
///
/// Cloning gives another handle to the same connection. The connection lives
/// until [`Client::end`] or until the last handle is dropped (then the socket and
/// timer are released without a DISCONNECT, as if the page went away).
///
/// ```no_run
/// # async fn demo() -> Result<(), client_wasm::ClientError> {
/// use client_wasm::Client;
/// use mqtt_proto::session::{PublishRequest, SessionConfig};
/// use mqtt_proto::{ProtocolVersion, QoS, Topic, TopicFilter, SubscriptionOptions};
///
/// let client = Client::connect("ws://127.0.0.1:9001", SessionConfig::new(ProtocolVersion::V5, "demo")).await?;
/// let mut events = client.events();
/// client.subscribe(vec![(TopicFilter::new("sensors/#").unwrap(), SubscriptionOptions::default())]).await?;
/// client.publish(PublishRequest::new(Topic::new("sensors/t").unwrap(), "21.5", QoS::AtLeastOnce)).await?;
/// client.end().await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    driver: Rc<RefCell<Driver>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Client")
            .field(&self.driver.try_borrow().ok())
            .finish()
    }
}

/// What [`Client::start`]'s future resolves to at the first CONNACK (or the first failure);
/// `Err(Canceled)` if the client was dropped first.
pub type ConnectOutcome = Result<Result<Box<Connected>, ClientError>, oneshot::Canceled>;

/// Identifies a listener added with [`Client::on_event`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerId(u32);

impl Client {
    /// Opens `url` (`ws://` or `wss://`) and resolves at the broker's CONNACK.
    ///
    /// Fails with [`ClientError::Refused`] when the broker refuses (its reason
    /// code), or [`ClientError::ConnectionLost`] when the first connection cannot
    /// be made; the client is then ended.
    pub async fn connect(url: &str, config: SessionConfig) -> Result<Client, ClientError> {
        let (client, connected) = Self::start(url, config)?;
        Self::established(client, connected).await
    }

    async fn established(
        client: Client,
        connected: impl Future<Output = ConnectOutcome>,
    ) -> Result<Client, ClientError> {
        match connected.await {
            Ok(Ok(_)) => Ok(client),
            Ok(Err(e)) => {
                client.stop_unconnected();
                Err(e)
            }
            Err(_) => Err(ClientError::Ended),
        }
    }

    /// Starts connecting and returns at once; the future resolves at CONNACK.
    /// Useful to listen to events (and the packet trace) from the very first packet.
    pub fn start(
        url: &str,
        config: SessionConfig,
    ) -> Result<(Client, impl Future<Output = ConnectOutcome>), ClientError> {
        Self::start_awaited(url, config, None)
    }

    /// [`Client::connect`] with the session persisted in IndexedDB under the name `store`
    /// (database `mqtt-wasm`): unacknowledged QoS 1/2 publishes, the offline queue and the open
    /// incoming QoS 2 exchanges survive a page reload, and the next client started with the same
    /// `store` resumes them (use a persistent session: `clean_start = false`, and in 5.0 a
    /// non-zero session expiry, so the broker keeps its side too).
    ///
    /// Writes are write-ahead: after the session's persistent state changes, the packets that
    /// follow from it are held until the new state has committed (one IndexedDB transaction at a
    /// time; changes made meanwhile are coalesced into the next). Fails with
    /// [`ClientError::Storage`] when IndexedDB is unavailable or the stored session cannot be read.
    #[cfg(feature = "persistence")]
    pub async fn connect_persistent(
        url: &str,
        config: SessionConfig,
        store: &str,
    ) -> Result<Client, ClientError> {
        let (client, connected) = Self::start_persistent(url, config, store)?;
        Self::established(client, connected).await
    }

    /// [`Client::start`] with persistence (see [`Client::connect_persistent`]).
    #[cfg(feature = "persistence")]
    pub fn start_persistent(
        url: &str,
        config: SessionConfig,
        store: &str,
    ) -> Result<(Client, impl Future<Output = ConnectOutcome>), ClientError> {
        Self::start_awaited(url, config, Some(store.to_owned()))
    }

    fn start_awaited(
        url: &str,
        config: SessionConfig,
        store: Option<String>,
    ) -> Result<(Client, impl Future<Output = ConnectOutcome>), ClientError> {
        let (tx, rx) = oneshot::channel();
        let client = Self::start_with(url, config, store, sender(tx))?;
        let connected = async move {
            rx.await.map(|r| {
                r.and_then(|c| match c {
                    Done::Connected(c) => Ok(c),
                    _ => Err(ClientError::Ended),
                })
            })
        };
        Ok((client, connected))
    }

    /// Starts the client; `connected` is called at the first CONNACK or the first failure.
    /// A `store` needs feature `persistence` ([`ClientError::Storage`] without it).
    pub(crate) fn start_with(
        url: &str,
        config: SessionConfig,
        store: Option<String>,
        connected: Reply,
    ) -> Result<Client, ClientError> {
        #[cfg(not(feature = "persistence"))]
        if store.is_some() {
            return Err(ClientError::Storage(
                "this build has no persistence (client-wasm feature `persistence`)",
            ));
        }
        let session = Session::new(config)?;
        let driver = Driver::new(session, url.to_owned());
        with_driver(&driver, |d| {
            d.connecting.push(connected);
            #[cfg(feature = "persistence")]
            if let Some(store) = store {
                d.load(store);
            }
            d.session.connect(now());
        });
        Ok(Client { driver })
    }

    /// Resolves once everything the session must keep is committed to its store (at once for a
    /// client without persistence): call it before the page goes away on purpose.
    pub async fn persisted(&self) {
        let (tx, rx) = oneshot::channel();
        self.when_persisted(Box::new(move || {
            let _ = tx.send(());
        }));
        let _ = rx.await;
    }

    /// Calls `done` once everything the session must keep is committed (see [`Client::persisted`]).
    pub(crate) fn when_persisted(&self, done: Box<dyn FnOnce()>) {
        self.driver.borrow_mut().when_persisted(done);
    }

    /// Publishes; resolves when the message is done: written (QoS 0), PUBACK
    /// (QoS 1) or PUBCOMP (QoS 2), with the broker's reason code.
    pub async fn publish(&self, request: PublishRequest) -> Result<ReasonCode, ClientError> {
        let rx = self.awaited(|d| d.session.publish(now(), request))?;
        match rx.await {
            Ok(Ok(Done::Published(r))) => Ok(r),
            Ok(Ok(_)) | Err(_) => Err(ClientError::Ended),
            Ok(Err(e)) => Err(e),
        }
    }

    /// Subscribes; resolves at SUBACK with, per filter, the granted QoS (0x00–0x02)
    /// or an error reason code.
    pub async fn subscribe(
        &self,
        filters: Vec<(TopicFilter, SubscriptionOptions)>,
    ) -> Result<Vec<ReasonCode>, ClientError> {
        self.subscribe_with(filters, Properties::default()).await
    }

    /// [`Client::subscribe`] with 5.0 SUBSCRIBE properties (subscription identifier, user properties).
    pub async fn subscribe_with(
        &self,
        filters: Vec<(TopicFilter, SubscriptionOptions)>,
        properties: Properties,
    ) -> Result<Vec<ReasonCode>, ClientError> {
        let rx = self.awaited(|d| d.session.subscribe(now(), filters, properties))?;
        Self::reasons(rx).await
    }

    /// Unsubscribes; resolves at UNSUBACK with a reason code per filter.
    pub async fn unsubscribe(
        &self,
        filters: Vec<TopicFilter>,
    ) -> Result<Vec<ReasonCode>, ClientError> {
        let rx = self.awaited(|d| d.session.unsubscribe(now(), filters, Properties::default()))?;
        Self::reasons(rx).await
    }

    /// Sends DISCONNECT (normal disconnection) and closes; resolves when the session has ended.
    pub async fn end(&self) {
        self.end_with(ReasonCode::NORMAL_DISCONNECTION, Properties::default())
            .await;
    }

    /// [`Client::end`] with a 5.0 reason code (e.g. 0x04 to have the broker send the will) and properties.
    pub async fn end_with(&self, reason: ReasonCode, properties: Properties) {
        let (tx, rx) = oneshot::channel();
        self.end_then(reason, properties, sender(tx));
        let _ = rx.await;
    }

    /// Starts ending (see [`Client::end_with`]); `done` is called once the session has ended.
    pub(crate) fn end_then(&self, reason: ReasonCode, properties: Properties, done: Reply) {
        with_driver(&self.driver, |d| {
            if d.session.is_ended() {
                done(Ok(Completion::Ended));
            } else {
                d.ending.push(done);
                d.session.disconnect(now(), reason, properties);
            }
        });
    }

    /// Closes the connection without DISCONNECT and ends, as if the network had failed: the
    /// broker publishes the will (MQTT.js's `end(true)`; see [`Session::abort`]). Resolves when
    /// the session has ended. Packets already written (a publish made just before) still leave.
    ///
    /// [`Session::abort`]: mqtt_proto::session::Session::abort
    pub async fn abort(&self) {
        let (tx, rx) = oneshot::channel();
        self.abort_then(sender(tx));
        let _ = rx.await;
    }

    /// Starts aborting (see [`Client::abort`]); `done` is called once the session has ended.
    pub(crate) fn abort_then(&self, done: Reply) {
        with_driver(&self.driver, |d| {
            if d.session.is_ended() {
                done(Ok(Completion::Ended));
            } else {
                d.ending.push(done);
                d.session.abort(now());
            }
        });
    }

    /// Every event from now on, as a stream (messages, connection changes, and the
    /// packet trace when [`SessionConfig::trace`] is on). Dropping the receiver unsubscribes.
    pub fn events(&self) -> mpsc::UnboundedReceiver<Event> {
        let (tx, rx) = mpsc::unbounded();
        self.add_listener(Box::new(move |e, _| tx.unbounded_send(e.clone()).is_ok()));
        rx
    }

    /// Calls `f` for every event, synchronously, in order. `f` may call the client.
    pub fn on_event(&self, mut f: impl FnMut(&Event) + 'static) -> ListenerId {
        self.add_listener(Box::new(move |e, _| {
            f(e);
            true
        }))
    }

    /// The npm package's listener: large received payloads stay in JavaScript memory, and a
    /// [`Event::Message`] carrying one has an empty payload and comes with a view of it (see
    /// [`crate::incoming`]). Only for a client that has no other listener.
    #[cfg(feature = "js-api")]
    pub(crate) fn on_event_payloads_in_js(
        &self,
        mut f: impl FnMut(&Event, Option<&js_sys::Uint8Array>) + 'static,
    ) {
        self.driver.borrow_mut().payloads_in_js = true;
        self.add_listener(Box::new(move |e, payload| {
            f(e, payload);
            true
        }));
    }

    fn add_listener(&self, listener: crate::driver::Listener) -> ListenerId {
        let mut d = self.driver.borrow_mut();
        let id = d.next_listener;
        d.next_listener += 1;
        d.listeners.push((id, listener));
        ListenerId(id)
    }

    /// Removes a listener added with [`Client::on_event`].
    pub fn off(&self, id: ListenerId) {
        let mut d = self.driver.borrow_mut();
        let before = d.listeners.len();
        d.listeners.retain(|(l, _)| *l != id.0);
        if d.listeners.len() == before {
            d.removed.push(id.0);
        }
    }

    /// Whether CONNACK accepted the current connection.
    pub fn is_connected(&self) -> bool {
        self.driver.borrow().session.is_connected()
    }

    /// QoS 1/2 publishes sent and not yet acknowledged.
    pub fn inflight_len(&self) -> usize {
        self.driver.borrow().session.inflight_len()
    }

    /// Starts a request; `done` is called at its completion. Nothing is sent before the
    /// current JavaScript task ends (see [`with_driver_deferred`]).
    pub(crate) fn request(
        &self,
        start: impl FnOnce(&mut Driver) -> Result<Token, UsageError>,
        done: Reply,
    ) -> Result<(), ClientError> {
        with_driver_deferred(&self.driver, |d| {
            let token = start(d)?;
            d.add_pending(token, done);
            Ok(())
        })
    }

    /// [`Client::request`], awaited.
    fn awaited(
        &self,
        start: impl FnOnce(&mut Driver) -> Result<Token, UsageError>,
    ) -> Result<oneshot::Receiver<Result<Done, ClientError>>, ClientError> {
        let (tx, rx) = oneshot::channel();
        self.request(start, sender(tx))?;
        Ok(rx)
    }

    async fn reasons(
        rx: oneshot::Receiver<Result<Done, ClientError>>,
    ) -> Result<Vec<ReasonCode>, ClientError> {
        match rx.await {
            Ok(Ok(Done::Reasons(r))) => Ok(r),
            Ok(Ok(_)) | Err(_) => Err(ClientError::Ended),
            Ok(Err(e)) => Err(e),
        }
    }

    /// Ends a session that never connected (after a failed first connect): nothing to say.
    fn stop_unconnected(&self) {
        with_driver(&self.driver, |d| {
            d.session.disconnect(
                now(),
                ReasonCode::NORMAL_DISCONNECTION,
                Properties::default(),
            )
        });
    }
}

/// A completion, owned, for the Rust API's futures.
enum Done {
    Connected(Box<Connected>),
    Published(ReasonCode),
    Reasons(Vec<ReasonCode>),
    Ended,
}

/// A [`Reply`] that sends to a oneshot channel (the receiver may be gone: the caller stopped
/// waiting).
fn sender(tx: oneshot::Sender<Result<Done, ClientError>>) -> Reply {
    Box::new(move |r| {
        let _ = tx.send(match r {
            Ok(Completion::Connected(c)) => Ok(Done::Connected(Box::new(c.clone()))),
            Ok(Completion::Published(r)) => Ok(Done::Published(r)),
            Ok(Completion::Reasons(r)) => Ok(Done::Reasons(r.to_vec())),
            Ok(Completion::Ended) => Ok(Done::Ended),
            Err(e) => Err(e.to_error()),
        });
    })
}
