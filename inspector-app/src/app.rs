//! The root component: a header with the connections (several can be open at
//! once; hidden ones keep running) and the active connection's workspace.

use yew::prelude::*;

use crate::components::{ConnectionTabs, Workspace};
use crate::state::{Connections, ConnectionsAction, Profile};

/// The profile to start with: `?broker=ws://…` (and optionally `client_id`,
/// `protocol=3.1.1`) from the page's query string, so a link opens the
/// inspector ready to connect.
fn initial_profile() -> Profile {
    let params = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok());
    let get = |k: &str| params.as_ref().and_then(|p| p.get(k));
    let id = get("client_id")
        .unwrap_or_else(|| format!("inspector-{:06}", (js_sys::Math::random() * 1e6) as u32));
    let mut p = Profile::new(
        get("broker").unwrap_or_else(|| "ws://127.0.0.1:9001".into()),
        id,
    );
    if get("protocol").as_deref() == Some("3.1.1") {
        p.v5 = false;
    }
    p
}

/// Memory the inspector keeps for packets and messages, split evenly between
/// the open connections (shown in each connection's stats).
const GLOBAL_BUDGET: usize = 64 << 20;

/// The inspector.
#[function_component(App)]
pub fn app() -> Html {
    let initial = use_memo((), |_| initial_profile());
    // Connection numbers; each has a workspace that lives until closed.
    let connections = use_reducer(Connections::default);
    let active = connections.active;
    // Follows the system's preference until the user toggles.
    let light = use_state(|| {
        web_sys::window()
            .and_then(|w| {
                w.match_media("(prefers-color-scheme: light)")
                    .ok()
                    .flatten()
            })
            .is_some_and(|m| m.matches())
    });
    let select = {
        let connections = connections.clone();
        Callback::from(move |n: u32| connections.dispatch(ConnectionsAction::Select(n)))
    };
    let close = {
        let connections = connections.clone();
        Callback::from(move |n: u32| connections.dispatch(ConnectionsAction::Close(n)))
    };
    let add = {
        let connections = connections.clone();
        Callback::from(move |()| connections.dispatch(ConnectionsAction::Add))
    };
    let toggle_theme = {
        let light = light.clone();
        Callback::from(move |_| light.set(!*light))
    };
    html! {
        <div class={classes!("app", if *light { "theme-light" } else { "theme-dark" })}>
            <header class="top">
                <h1>{ "MQTT Inspector" }</h1>
                <ConnectionTabs connections={connections.open.clone()} active={active}
                                on_select={select} on_close={close} on_add={add} />
                <button id="theme-toggle" class="theme" onclick={toggle_theme}>{ if *light { "Dark theme" } else { "Light theme" } }</button>
            </header>
            <main class="workspaces">
            { for connections.open.iter().map(|&n| {
                // Each connection needs its own client id, or the broker would
                // hand the session from one to the other.
                let mut profile = (*initial).clone();
                if n > 1 {
                    profile.client_id = format!("{}-{n}", profile.client_id);
                }
                let budget = GLOBAL_BUDGET / connections.open.len().max(1);
                html! { <Workspace key={n} index={n} initial={profile} visible={active == n} {budget} /> }
            }) }
            </main>
        </div>
    }
}
