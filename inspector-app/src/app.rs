//! The root component.

use yew::prelude::*;

use crate::components::{ConnectForm, PacketList};
use crate::hooks::use_connection;

/// The broker URL to start with: `?broker=` in the page's query string, else the
/// same host's default WebSocket port.
fn initial_broker_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|p| p.get("broker"))
        .unwrap_or_else(|| "ws://127.0.0.1:9001".to_string())
}

/// The inspector.
#[function_component(App)]
pub fn app() -> Html {
    let conn = use_connection(initial_broker_url());
    let trace = conn.state().trace.clone();
    html! {
        <main class="app">
            <header><h1>{ "MQTT Inspector" }</h1></header>
            <ConnectForm conn={conn.clone()} />
            <section class="trace">
                <h2>{ "Packets" }</h2>
                <PacketList {trace} />
            </section>
        </main>
    }
}
