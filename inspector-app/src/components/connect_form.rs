//! The broker URL and the connect/disconnect button.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::ConnectionHandle;
use crate::state::LinkStatus;

/// Props of [`ConnectForm`].
#[derive(Properties, PartialEq, Debug)]
pub struct ConnectFormProps {
    /// The connection to drive.
    pub conn: ConnectionHandle,
}

/// The connection form.
#[function_component(ConnectForm)]
pub fn connect_form(props: &ConnectFormProps) -> Html {
    let conn = props.conn.clone();
    let state = conn.state();
    let busy = matches!(state.status, LinkStatus::Connecting | LinkStatus::Connected);
    let on_url = {
        let conn = conn.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            conn.set_url(input.value());
        })
    };
    let on_submit = {
        let conn = conn.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if busy {
                conn.disconnect();
            } else {
                conn.connect();
            }
        })
    };
    let (badge, text) = match &state.status {
        LinkStatus::Idle => ("idle", "Not connected".to_string()),
        LinkStatus::Connecting => ("connecting", "Connecting…".to_string()),
        LinkStatus::Connected => ("connected", "Connected".to_string()),
        LinkStatus::Closed(why) => ("closed", format!("Closed: {why}")),
    };
    html! {
        <form class="connect-form" onsubmit={on_submit}>
            <label for="broker-url">{ "Broker" }</label>
            <input id="broker-url" type="url" value={state.url.clone()} oninput={on_url}
                   placeholder="ws://127.0.0.1:9001" disabled={busy} />
            <button id="connect-button" type="submit">{ if busy { "Disconnect" } else { "Connect" } }</button>
            <span id="link-status" class={classes!("status", badge)}>{ text }</span>
        </form>
    }
}
