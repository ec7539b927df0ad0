//! The Yew side of the model: a [`Reducible`] store that applies actions to a
//! [`ConnectionModel`] in place and bumps a generation, so that a burst of
//! thousands of events costs one re-render and no copy of the model.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use mqtt_proto::session::Event;
use mqtt_proto::{QoS, ReasonCode};
use yew::Reducible;

use super::model::ConnectionModel;

/// What can happen to a connection's model.
#[derive(Debug)]
pub enum Action {
    /// The user started connecting to this URL.
    Connecting(u64, String),
    /// Session events collected since the last frame, each with its arrival time.
    Events(Vec<(u64, Event)>),
    /// The user subscribed.
    Subscribing(String, QoS),
    /// SUBACK for these filters.
    Subscribed(Vec<String>, Vec<ReasonCode>),
    /// The user unsubscribed.
    Unsubscribed(String),
    /// Messages imported from a saved log.
    Import(Vec<super::model::MessageRecord>),
    /// Start over with an empty model.
    Reset,
    /// This connection's share of the global memory budget.
    SetBudget(usize),
}

/// The model and its generation; equal generations mean nothing changed.
#[derive(Debug, Clone)]
pub struct Store {
    model: Rc<RefCell<ConnectionModel>>,
    generation: u64,
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.model, &other.model) && self.generation == other.generation
    }
}

impl Default for Store {
    fn default() -> Self {
        Self {
            model: Rc::new(RefCell::new(ConnectionModel::new(
                ConnectionModel::DEFAULT_BUDGET,
            ))),
            generation: 0,
        }
    }
}

impl Store {
    /// Reads the model (for rendering).
    pub fn model(&self) -> Ref<'_, ConnectionModel> {
        self.model.borrow()
    }

    /// Changes once per applied action.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        {
            let mut m = self.model.borrow_mut();
            match action {
                Action::Connecting(at, url) => {
                    let budget = m.budget.limit;
                    *m = ConnectionModel::new(budget);
                    m.connecting(at, &url);
                }
                Action::Events(events) => {
                    for (at, e) in &events {
                        m.apply(*at, e);
                    }
                }
                Action::Subscribing(filter, qos) => m.subscribing(filter, qos),
                Action::Subscribed(filters, reasons) => m.subscribed(&filters, &reasons),
                Action::Unsubscribed(filter) => m.unsubscribed(&filter),
                Action::Import(messages) => m.import(messages),
                Action::SetBudget(limit) => m.set_budget(limit),
                Action::Reset => {
                    let budget = m.budget.limit;
                    *m = ConnectionModel::new(budget);
                }
            }
        }
        Rc::new(Self {
            model: self.model.clone(),
            generation: self.generation + 1,
        })
    }
}
