//! Publish: topic, payload (text, JSON or hex), QoS, retain; a history to re-send.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::hooks::ConnectionHandle;
use crate::view::parse_hex;

use super::qos_from;

/// Props of [`PublishForm`].
#[derive(Properties, PartialEq, Debug)]
pub struct PublishFormProps {
    /// The connection.
    pub conn: ConnectionHandle,
}

#[derive(Clone, PartialEq)]
struct Sent {
    topic: String,
    payload: String,
    hex: bool,
    qos: String,
    retain: bool,
}

/// The publish panel.
#[function_component(PublishForm)]
pub fn publish_form(props: &PublishFormProps) -> Html {
    let topic = use_node_ref();
    let payload = use_node_ref();
    let qos = use_node_ref();
    let retain = use_node_ref();
    let hex = use_node_ref();
    let history = use_state(Vec::<Sent>::new);
    let conn = props.conn.clone();
    let send = {
        let conn = conn.clone();
        let history = history.clone();
        move |s: Sent| {
            let bytes = if s.hex {
                match parse_hex(&s.payload) {
                    Some(b) => b,
                    None => return,
                }
            } else {
                s.payload.clone().into_bytes()
            };
            conn.publish(&s.topic, bytes, qos_from(&s.qos), s.retain);
            let mut h: Vec<Sent> = (*history).iter().filter(|x| **x != s).cloned().collect();
            h.insert(0, s);
            h.truncate(20);
            history.set(h);
        }
    };
    let on_submit = {
        let send = send.clone();
        let (topic, payload, qos, retain, hex) = (
            topic.clone(),
            payload.clone(),
            qos.clone(),
            retain.clone(),
            hex.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(t), Some(p), Some(q), Some(r), Some(h)) = (
                topic.cast::<HtmlInputElement>(),
                payload.cast::<HtmlTextAreaElement>(),
                qos.cast::<HtmlSelectElement>(),
                retain.cast::<HtmlInputElement>(),
                hex.cast::<HtmlInputElement>(),
            ) else {
                return;
            };
            send(Sent {
                topic: t.value(),
                payload: p.value(),
                hex: h.checked(),
                qos: q.value(),
                retain: r.checked(),
            });
        })
    };
    html! {
        <section class="panel publish" aria-label="Publish">
            <h2>{ "Publish" }</h2>
            <form onsubmit={on_submit}>
                <div class="row">
                    <input id="publish-topic" ref={topic} type="text" placeholder="topic" aria-label="Topic" />
                    <select id="publish-qos" ref={qos} aria-label="QoS">
                        <option value="0">{ "QoS 0" }</option>
                        <option value="1">{ "QoS 1" }</option>
                        <option value="2">{ "QoS 2" }</option>
                    </select>
                    <label><input id="publish-retain" ref={retain} type="checkbox" />{ " Retain" }</label>
                    <label><input id="publish-hex" ref={hex} type="checkbox" />{ " Hex" }</label>
                </div>
                <textarea id="publish-payload" ref={payload} rows="3" placeholder="payload (text, JSON, or hex bytes)" aria-label="Payload" />
                <button id="publish-button" type="submit">{ "Publish" }</button>
            </form>
            if !history.is_empty() {
                <details class="history">
                    <summary>{ format!("Sent ({})", history.len()) }</summary>
                    <ul>
                    { for history.iter().map(|s| {
                        let again = { let send = send.clone(); let s = s.clone(); Callback::from(move |_| send(s.clone())) };
                        html! { <li><button class="link" onclick={again}>{ "↻" }</button><code>{ &s.topic }</code>{ format!(" QoS {} ", s.qos) }<span class="payload">{ &s.payload }</span></li> }
                    }) }
                    </ul>
                </details>
            }
        </section>
    }
}
