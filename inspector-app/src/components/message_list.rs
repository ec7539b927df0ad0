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

/// Height of one row in px (`.vrow` in the stylesheet).
const ROW_PX: f64 = 24.0;
/// Rows rendered at once: enough to fill a tall list, the rest is spacer.
const RENDERED: usize = 60;

/// The message list panel.
#[function_component(MessageList)]
pub fn message_list(props: &MessageListProps) -> Html {
    let filter = use_state(String::new);
    let view = use_state(|| PayloadView::Text);
    let scroll_top = use_state(|| 0.0f64);
    let list = use_node_ref();
    let selected = use_state(|| None::<MessageRecord>);
    let model = props.conn.store().model();
    let on_filter = {
        let (filter, scroll_top, list) = (filter.clone(), scroll_top.clone(), list.clone());
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value());
            // A new filter shows its newest matches: back to the top.
            if let Some(el) = list.cast::<web_sys::Element>() {
                el.set_scroll_top(0);
            }
            scroll_top.set(0.0);
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
    // Newest first. Only the rows in view are rendered; spacers stand in for the
    // rest, so the list scrolls through every kept message at the cost of ~60 rows.
    let matching: Vec<&MessageRecord> = model
        .messages
        .iter()
        .rev()
        .filter(|m| filter.is_empty() || m.topic.contains(filter.as_str()))
        .collect();
    let first = ((*scroll_top / ROW_PX) as usize).min(matching.len().saturating_sub(1));
    let shown = &matching[first.min(matching.len())..(first + RENDERED).min(matching.len())];
    let below = matching.len().saturating_sub(first + shown.len());
    let on_scroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |e: Event| {
            scroll_top.set(f64::from(
                e.target_unchecked_into::<web_sys::Element>().scroll_top(),
            ))
        })
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
                <input data-part="message-filter" type="search" placeholder="filter by topic" value={(*filter).clone()} oninput={on_filter} aria-label="Filter messages" />
                <select data-part="payload-view" onchange={on_view} aria-label="Payload view">
                    <option value="text">{ "Text" }</option>
                    <option value="json">{ "JSON" }</option>
                    <option value="hex">{ "Hex" }</option>
                    <option value="base64">{ "Base64" }</option>
                </select>
                <button onclick={export(false)}>{ "Export NDJSON" }</button>
                <button onclick={export(true)}>{ "Export JSON" }</button>
                <label class="button">{ "Import…" }<input data-part="import-log" type="file" accept=".ndjson,.json,application/x-ndjson" onchange={import} hidden=true /></label>
                <span class="muted">{ format!("{} kept", model.messages.len()) }</span>
            </div>
            <div data-part="message-list" ref={list.clone()} class="vlist" onscroll={on_scroll} role="list" aria-label="Received messages, newest first">
                // Spacers are SVGs sized by attribute: the CSP forbids inline styles.
                <svg class="spacer" width="1" height={(first as f64 * ROW_PX).to_string()} aria-hidden="true" />
                { for shown.iter().map(|m| {
                    let pick = { let selected = selected.clone(); let m = (*m).clone(); Callback::from(move |(): ()| selected.set(Some(m.clone()))) };
                    let key = { let pick = pick.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" || e.key() == " " { e.prevent_default(); pick.emit(()) }) };
                    let pick = pick.reform(|_: MouseEvent| ());
                    html! {
                        <div class="vrow" role="listitem" tabindex="0" onclick={pick} onkeydown={key}>
                            <span class="t">{ m.at_ms }</span>
                            <code class="topic">{ &m.topic }</code>
                            <span class="flags">{ format!("Q{}{}", m.qos as u8, if m.retain { " R" } else { "" }) }</span>
                            <span class="payload">{ render_payload(&m.payload, *view, 200) }</span>
                        </div>
                    }
                }) }
                <svg class="spacer" width="1" height={(below as f64 * ROW_PX).to_string()} aria-hidden="true" />
            </div>
            <p class="muted">{ format!("{} of {} shown ({} match)", shown.len(), model.messages.len(), matching.len()) }</p>
            if let Some(m) = (*selected).clone() {
                <div data-part="message-detail" class="message-detail">
                    <h3><code>{ &m.topic }</code>{ format!(" · QoS {}{} · {}", m.qos as u8, if m.retain { " · retained" } else { "" }, crate::view::byte_count(m.payload.len())) }</h3>
                    <button class="link copy" title="copy the payload" aria-label="Copy payload" onclick={copy(render_payload(&m.payload, *view, usize::MAX))}>{ "Copy" }</button>
                    <pre class="payload">{ render_payload(&m.payload, *view, 20_000) }</pre>
                    <div class="props">{ properties(&m) }</div>
                </div>
            }
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
