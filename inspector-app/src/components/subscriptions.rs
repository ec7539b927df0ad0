//! Subscriptions: add with QoS and the 5.0 options (No Local, Retain As
//! Published, Retain Handling), remove, granted QoS shown, a colour each.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::hooks::ConnectionHandle;
use crate::state::SubscribeSpec;

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
    let spec = use_state(|| SubscribeSpec {
        filter: "#".into(),
        qos: mqtt_proto::QoS::ExactlyOnce,
        no_local: false,
        retain_as_published: true,
        retain_handling: 0,
    });
    let conn = props.conn.clone();
    let edit = |f: fn(&mut SubscribeSpec, &web_sys::HtmlElement)| {
        let spec = spec.clone();
        Callback::from(move |e: Event| {
            let mut s = (*spec).clone();
            f(&mut s, &e.target_unchecked_into());
            spec.set(s);
        })
    };
    let on_filter = {
        let spec = spec.clone();
        Callback::from(move |e: InputEvent| {
            let mut s = (*spec).clone();
            s.filter = e.target_unchecked_into::<HtmlInputElement>().value();
            spec.set(s);
        })
    };
    let on_submit = {
        let (conn, spec) = (conn.clone(), spec.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            conn.subscribe(&spec);
        })
    };
    let model = conn.store().model();
    let v5 = model.version.is_v5();
    html! {
        <section class="panel subscriptions" aria-label="Subscriptions">
            <h2>{ "Subscriptions" }</h2>
            <form onsubmit={on_submit}>
                <div class="row">
                    <input data-part="subscribe-filter" type="text" value={spec.filter.clone()} oninput={on_filter} aria-label="Topic filter" />
                    <select data-part="subscribe-qos" aria-label="QoS" onchange={edit(|s, e| s.qos = qos_from(&e.clone().unchecked_into::<HtmlSelectElement>().value()))}>
                        <option value="0" selected={spec.qos as u8 == 0}>{ "QoS 0" }</option>
                        <option value="1" selected={spec.qos as u8 == 1}>{ "QoS 1" }</option>
                        <option value="2" selected={spec.qos as u8 == 2}>{ "QoS 2" }</option>
                    </select>
                    <button data-part="subscribe-button" type="submit">{ "Subscribe" }</button>
                </div>
                if v5 {
                    <div class="row options">
                        <label title="Don't receive our own publishes"><input data-part="subscribe-nl" type="checkbox" checked={spec.no_local}
                            onchange={edit(|s, e| s.no_local = e.clone().unchecked_into::<HtmlInputElement>().checked())} />{ " no local" }</label>
                        <label title="Keep the RETAIN flag on live messages"><input data-part="subscribe-rap" type="checkbox" checked={spec.retain_as_published}
                            onchange={edit(|s, e| s.retain_as_published = e.clone().unchecked_into::<HtmlInputElement>().checked())} />{ " retain as published" }</label>
                        <select data-part="subscribe-rh" aria-label="Retain handling"
                            onchange={edit(|s, e| s.retain_handling = e.clone().unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(0))}>
                            <option value="0" selected={spec.retain_handling == 0}>{ "retained: send" }</option>
                            <option value="1" selected={spec.retain_handling == 1}>{ "retained: if new" }</option>
                            <option value="2" selected={spec.retain_handling == 2}>{ "retained: never" }</option>
                        </select>
                    </div>
                }
            </form>
            <ul data-part="subscription-list">
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
