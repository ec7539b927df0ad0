//! Subscriptions: add with QoS, remove, granted QoS shown, a colour each.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::hooks::ConnectionHandle;

use super::qos_from;

/// Props of [`Subscriptions`].
#[derive(Properties, PartialEq, Debug)]
pub struct SubscriptionsProps {
    /// The connection.
    pub conn: ConnectionHandle,
}

/// The subscriptions panel.
#[function_component(Subscriptions)]
pub fn subscriptions(props: &SubscriptionsProps) -> Html {
    let filter = use_node_ref();
    let qos = use_node_ref();
    let conn = props.conn.clone();
    let on_submit = {
        let (conn, filter, qos) = (conn.clone(), filter.clone(), qos.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(f), Some(q)) = (
                filter.cast::<HtmlInputElement>(),
                qos.cast::<HtmlSelectElement>(),
            ) else {
                return;
            };
            conn.subscribe(f.value().trim(), qos_from(&q.value()));
        })
    };
    let model = conn.store().model();
    html! {
        <section class="panel subscriptions" aria-label="Subscriptions">
            <h2>{ "Subscriptions" }</h2>
            <form class="row" onsubmit={on_submit}>
                <input id="subscribe-filter" ref={filter} type="text" value="#" aria-label="Topic filter" />
                <select id="subscribe-qos" ref={qos} aria-label="QoS">
                    <option value="0">{ "QoS 0" }</option>
                    <option value="1">{ "QoS 1" }</option>
                    <option value="2" selected=true>{ "QoS 2" }</option>
                </select>
                <button id="subscribe-button" type="submit">{ "Subscribe" }</button>
            </form>
            <ul id="subscription-list">
            { for model.subscriptions.iter().map(|s| {
                let remove = { let conn = conn.clone(); let f = s.filter.clone(); Callback::from(move |_| conn.unsubscribe(&f)) };
                let granted = match s.granted {
                    None => "waiting for SUBACK".to_string(),
                    Some(r) if r.is_error() => format!("refused: {} ({:#04x})", r.name(), r.0),
                    Some(r) => format!("granted QoS {}", r.0),
                };
                html! {
                    <li class={classes!("subscription", format!("color-{}", s.color))}>
                        <span class="swatch" />
                        <code class="filter">{ &s.filter }</code>
                        <span class="granted">{ granted }</span>
                        <button class="link" onclick={remove} aria-label={format!("Unsubscribe {}", s.filter)}>{ "✕" }</button>
                    </li>
                }
            }) }
            </ul>
        </section>
    }
}
