//! Received messages: a filtered, windowed list (only the visible window is
//! rendered), payload as text / JSON / hex / base64, 5.0 properties, and export.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::hooks::ConnectionHandle;
use crate::state::MessageRecord;
use crate::view::{render_payload, PayloadView};

/// Props of [`MessageList`].
#[derive(Properties, PartialEq, Debug)]
pub struct MessageListProps {
    /// The connection.
    pub conn: ConnectionHandle,
}

/// Rows rendered at once (the window); older ones page in with "older".
const WINDOW: usize = 100;

/// The message list panel.
#[function_component(MessageList)]
pub fn message_list(props: &MessageListProps) -> Html {
    let filter = use_state(String::new);
    let view = use_state(|| PayloadView::Text);
    let offset = use_state(|| 0usize);
    let model = props.conn.store().model();
    let on_filter = {
        let (filter, offset) = (filter.clone(), offset.clone());
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value());
            offset.set(0);
        })
    };
    let on_view = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            view.set(
                match e
                    .target_unchecked_into::<HtmlSelectElement>()
                    .value()
                    .as_str()
                {
                    "json" => PayloadView::Json,
                    "hex" => PayloadView::Hex,
                    "base64" => PayloadView::Base64,
                    _ => PayloadView::Text,
                },
            )
        })
    };
    let matching: Vec<&MessageRecord> = model
        .messages
        .iter()
        .rev()
        .filter(|m| filter.is_empty() || m.topic.contains(filter.as_str()))
        .skip(*offset)
        .take(WINDOW)
        .collect();
    let older = {
        let offset = offset.clone();
        Callback::from(move |_| offset.set(*offset + WINDOW))
    };
    let newer = {
        let offset = offset.clone();
        Callback::from(move |_| offset.set(offset.saturating_sub(WINDOW)))
    };
    let export = |json: bool| {
        let conn = props.conn.clone();
        Callback::from(move |_| {
            let m = conn.store().model();
            let lines: Vec<String> = m.messages.iter().map(export_line).collect();
            if json {
                crate::components::download(
                    "messages.json",
                    "application/json",
                    &format!("[{}]", lines.join(",\n")),
                );
            } else {
                crate::components::download(
                    "messages.ndjson",
                    "application/x-ndjson",
                    &lines.join("\n"),
                );
            }
        })
    };
    let import = {
        let conn = props.conn.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let conn = conn.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    conn.import_log(&text.as_string().unwrap_or_default());
                }
            });
            input.set_value("");
        })
    };
    html! {
        <section class="panel messages" aria-label="Messages">
            <div class="row">
                <input id="message-filter" type="search" placeholder="filter by topic" value={(*filter).clone()} oninput={on_filter} aria-label="Filter messages" />
                <select id="payload-view" onchange={on_view} aria-label="Payload view">
                    <option value="text">{ "Text" }</option>
                    <option value="json">{ "JSON" }</option>
                    <option value="hex">{ "Hex" }</option>
                    <option value="base64">{ "Base64" }</option>
                </select>
                <button onclick={export(false)}>{ "Export NDJSON" }</button>
                <button onclick={export(true)}>{ "Export JSON" }</button>
                <label class="button">{ "Import…" }<input id="import-log" type="file" accept=".ndjson,.json,application/x-ndjson" onchange={import} hidden=true /></label>
                <span class="muted">{ format!("{} kept", model.messages.len()) }</span>
            </div>
            <table id="message-list" class="grid">
                <thead><tr><th>{ "time" }</th><th>{ "topic" }</th><th>{ "QoS" }</th><th>{ "payload" }</th><th>{ "properties" }</th></tr></thead>
                <tbody>
                { for matching.iter().map(|m| html! {
                    <tr>
                        <td class="t">{ m.at_ms }</td>
                        <td><code class="topic">{ &m.topic }</code>{ if m.retain { " R" } else { "" } }</td>
                        <td>{ m.qos as u8 }</td>
                        <td>
                            <button class="link copy" title="copy the payload" aria-label="Copy payload" onclick={copy(render_payload(&m.payload, *view, usize::MAX))}>{ "⧉" }</button>
                            <pre class="payload">{ render_payload(&m.payload, *view, 2000) }</pre>
                        </td>
                        <td class="props">{ properties(m) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            <div class="row">
                if *offset > 0 { <button onclick={newer}>{ "newer" }</button> }
                if matching.len() == WINDOW { <button onclick={older}>{ "older" }</button> }
            </div>
        </section>
    }
}

/// Copies `text` to the clipboard.
fn copy(text: String) -> Callback<MouseEvent> {
    Callback::from(move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
        }
    })
}

fn properties(m: &MessageRecord) -> Html {
    let p = &m.properties;
    let mut items: Vec<String> = Vec::new();
    if let Some(ct) = &p.content_type {
        items.push(format!("content-type: {ct}"));
    }
    if let Some(rt) = &p.response_topic {
        items.push(format!("response-topic: {}", rt.as_str()));
    }
    if let Some(cd) = &p.correlation_data {
        items.push(format!("correlation: {}", crate::view::hex(cd)));
    }
    if let Some(e) = p.message_expiry_interval {
        items.push(format!("expiry: {e} s"));
    }
    for (k, v) in &p.user_properties {
        items.push(format!("{k}: {v}"));
    }
    html! { for items.into_iter().map(|i| html! { <div>{ i }</div> }) }
}

fn export_line(m: &MessageRecord) -> String {
    serde_json::json!({
        "at_ms": m.at_ms,
        "topic": m.topic,
        "qos": m.qos as u8,
        "retain": m.retain,
        "payload_base64": crate::view::base64(&m.payload),
        "user_properties": m.properties.user_properties.iter().map(|(k, v)| [k.as_str(), v.as_str()]).collect::<Vec<_>>(),
    })
    .to_string()
}
