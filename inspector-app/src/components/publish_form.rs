//! Publish: topic, payload (text, JSON or hex), QoS, retain, 5.0 properties
//! (content type, response topic, correlation data, expiry, user properties);
//! a history of sent messages to re-send.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::hooks::ConnectionHandle;
use crate::state::PublishSpec;

use super::qos_from;

/// Props of [`PublishForm`].
#[derive(Properties, PartialEq, Debug)]
pub struct PublishFormProps {
    /// The connection.
    pub conn: ConnectionHandle,
}

fn text_input(
    spec: &UseStateHandle<PublishSpec>,
    set: fn(&mut PublishSpec, String),
) -> Callback<InputEvent> {
    let spec = spec.clone();
    Callback::from(move |e: InputEvent| {
        let target = e.target_unchecked_into::<web_sys::HtmlElement>();
        let value = match target.dyn_ref::<HtmlTextAreaElement>() {
            Some(t) => t.value(),
            None => target.unchecked_into::<HtmlInputElement>().value(),
        };
        let mut s = (*spec).clone();
        set(&mut s, value);
        spec.set(s);
    })
}

fn checkbox(
    spec: &UseStateHandle<PublishSpec>,
    set: fn(&mut PublishSpec, bool),
) -> Callback<Event> {
    let spec = spec.clone();
    Callback::from(move |e: Event| {
        let mut s = (*spec).clone();
        set(
            &mut s,
            e.target_unchecked_into::<HtmlInputElement>().checked(),
        );
        spec.set(s);
    })
}

use wasm_bindgen::JsCast;

/// The publish panel.
#[function_component(PublishForm)]
pub fn publish_form(props: &PublishFormProps) -> Html {
    let spec = use_state(PublishSpec::default);
    let history = use_state(Vec::<PublishSpec>::new);
    let conn = props.conn.clone();
    let v5 = conn.store().model().version.is_v5();
    let send = {
        let (conn, history) = (conn.clone(), history.clone());
        move |s: PublishSpec| {
            conn.publish(&s);
            let mut h: Vec<PublishSpec> = (*history).iter().filter(|x| **x != s).cloned().collect();
            h.insert(0, s);
            h.truncate(20);
            history.set(h);
        }
    };
    let on_submit = {
        let (send, spec) = (send.clone(), spec.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send((*spec).clone());
        })
    };
    let on_qos = {
        let spec = spec.clone();
        Callback::from(move |e: Event| {
            let mut s = (*spec).clone();
            s.qos = qos_from(&e.target_unchecked_into::<HtmlSelectElement>().value());
            spec.set(s);
        })
    };
    let s = &*spec;
    html! {
        <section class="panel publish" aria-label="Publish">
            <h2>{ "Publish" }</h2>
            <form onsubmit={on_submit}>
                <div class="row">
                    <input data-part="publish-topic" type="text" placeholder="topic" aria-label="Topic" value={s.topic.clone()}
                           oninput={text_input(&spec, |s, v| s.topic = v)} />
                    <select data-part="publish-qos" aria-label="QoS" onchange={on_qos}>
                        <option value="0" selected={s.qos as u8 == 0}>{ "QoS 0" }</option>
                        <option value="1" selected={s.qos as u8 == 1}>{ "QoS 1" }</option>
                        <option value="2" selected={s.qos as u8 == 2}>{ "QoS 2" }</option>
                    </select>
                    <label><input data-part="publish-retain" type="checkbox" checked={s.retain} onchange={checkbox(&spec, |s, v| s.retain = v)} />{ " Retain" }</label>
                    <label><input data-part="publish-hex" type="checkbox" checked={s.hex} onchange={checkbox(&spec, |s, v| s.hex = v)} />{ " Hex" }</label>
                </div>
                <textarea data-part="publish-payload" rows="3" placeholder="payload (text, JSON, or hex bytes)" aria-label="Payload"
                          value={s.payload.clone()} oninput={text_input(&spec, |s, v| s.payload = v)} />
                if v5 {
                    <details class="properties">
                        <summary>{ "5.0 properties" }</summary>
                        <div class="row"><input data-part="publish-content-type" type="text" placeholder="content type" aria-label="Content type"
                            value={s.content_type.clone()} oninput={text_input(&spec, |s, v| s.content_type = v)} /></div>
                        <div class="row"><input data-part="publish-response-topic" type="text" placeholder="response topic" aria-label="Response topic"
                            value={s.response_topic.clone()} oninput={text_input(&spec, |s, v| s.response_topic = v)} /></div>
                        <div class="row"><input data-part="publish-correlation" type="text" placeholder="correlation data (hex)" aria-label="Correlation data"
                            value={s.correlation_hex.clone()} oninput={text_input(&spec, |s, v| s.correlation_hex = v)} />
                            <input data-part="publish-expiry" class="num" type="text" placeholder="expiry s" aria-label="Message expiry (s)"
                            value={s.expiry.clone()} oninput={text_input(&spec, |s, v| s.expiry = v)} /></div>
                        <textarea data-part="publish-user-properties" rows="2" placeholder="user properties: name=value per line" aria-label="User properties"
                            value={s.user_properties.clone()} oninput={text_input(&spec, |s, v| s.user_properties = v)} />
                    </details>
                }
                <button data-part="publish-button" type="submit">{ "Publish" }</button>
            </form>
            if !history.is_empty() {
                <details class="history">
                    <summary>{ format!("Sent ({})", history.len()) }</summary>
                    <ul>
                    { for history.iter().map(|h| {
                        let again = { let send = send.clone(); let h = h.clone(); Callback::from(move |_| send(h.clone())) };
                        html! { <li><button class="link" onclick={again} aria-label="Send again">{ "↻" }</button><code>{ &h.topic }</code>{ format!(" QoS {} ", h.qos as u8) }<span class="payload">{ &h.payload }</span></li> }
                    }) }
                    </ul>
                </details>
            }
        </section>
    }
}
