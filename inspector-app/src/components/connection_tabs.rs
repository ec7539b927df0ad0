//! The connections' tabs at the top of the page: one tab per open connection, each
//! controlling that connection's workspace, plus the buttons to close the active
//! connection and to open another.
//!
//! WAI-ARIA tabs: the tab list holds only tabs (the buttons sit beside it), only the
//! active tab is in the Tab order, the arrow keys, Home and End move between tabs, and
//! Delete closes the focused connection when another one is left.

use yew::prelude::*;

use super::tab_after_key;
use crate::state::connections::shown_after_close;

/// The id of connection `n`'s tab, which labels its workspace.
pub fn connection_tab_id(n: u32) -> String {
    format!("connection-tab-{n}")
}

/// The id of connection `n`'s workspace, the panel its tab controls.
pub fn workspace_id(n: u32) -> String {
    format!("workspace-{n}")
}

/// Props of [`ConnectionTabs`].
#[derive(Properties, PartialEq, Debug)]
pub struct ConnectionTabsProps {
    /// The open connections' numbers, in tab order.
    pub connections: Vec<u32>,
    /// The connection shown.
    pub active: u32,
    /// Show connection `n`.
    pub on_select: Callback<u32>,
    /// Close connection `n` (only offered while another one is open).
    pub on_close: Callback<u32>,
    /// Open another connection.
    pub on_add: Callback<()>,
}

/// The connections' tab list.
#[function_component(ConnectionTabs)]
pub fn connection_tabs(props: &ConnectionTabsProps) -> Html {
    let active = props.active;
    let active_index = props
        .connections
        .iter()
        .position(|&n| n == active)
        .unwrap_or(0);
    let closable = props.connections.len() > 1;
    let on_key = {
        let connections = props.connections.clone();
        let (on_select, on_close) = (props.on_select.clone(), props.on_close.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Delete" && closable {
                e.prevent_default();
                on_close.emit(active);
                // The tab shown next takes the focus.
                focus(&connection_tab_id(shown_after_close(
                    &connections,
                    active,
                    active,
                )));
                return;
            }
            let Some(&next) = tab_after_key(active_index, connections.len(), &e.key())
                .and_then(|i| connections.get(i))
            else {
                return;
            };
            e.prevent_default();
            on_select.emit(next);
            focus(&connection_tab_id(next));
        })
    };
    let tabs = props.connections.iter().map(|&n| {
        let selected = n == active;
        let on_select = props.on_select.clone();
        html! {
            <button role="tab" id={connection_tab_id(n)} aria-controls={workspace_id(n)}
                    aria-selected={selected.to_string()} tabindex={if selected { "0" } else { "-1" }}
                    class={classes!("conn-tab", selected.then_some("active"))}
                    onclick={Callback::from(move |_| on_select.emit(n))}>{ format!("Connection {n}") }</button>
        }
    });
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(active))
    };
    let add = {
        let on_add = props.on_add.clone();
        Callback::from(move |_| on_add.emit(()))
    };
    html! {
        <div class="connections">
            <div role="tablist" aria-label="Connections" onkeydown={on_key}>{ for tabs }</div>
            if closable {
                <button class="link close-connection" onclick={close}
                        aria-label={format!("Close connection {active}")} title={format!("Close connection {active} (Delete)")}>{ "✕" }</button>
            }
            <button id="add-connection" onclick={add} aria-label="Open another connection">{ "+" }</button>
        </div>
    }
}

/// Moves the keyboard focus to the element with id `id`, if there is one.
fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
