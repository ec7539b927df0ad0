//! The root component: connection form on the left, the views in tabs, the
//! lifecycle timeline and stats beside them.

use client_wasm::timer::{now_ms, Timeout};
use yew::prelude::*;

use crate::components::{
    ConnectForm, FlowDiagram, MessageList, PacketView, PublishForm, StatsPanel, Subscriptions,
    Timeline, TopicDetail, TopicTreeView,
};
use crate::hooks::use_connection;
use crate::state::Profile;

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Topics,
    Messages,
    Handshakes,
    Packets,
}

/// The inspector.
#[function_component(App)]
pub fn app() -> Html {
    let conn = use_connection();
    let initial = use_memo((), |_| initial_profile());
    let tab = use_state(|| Tab::Topics);
    let selected_packet = use_state(|| None::<u64>);
    let selected_topic = use_state(|| None::<String>);
    let now = use_state(now_ms);
    {
        let now = now.clone();
        use_effect_with(*now, move |_| {
            let tick = Timeout::new(1000, move || now.set(now_ms()));
            move || drop(tick)
        });
    }
    let on_packet = {
        let (selected_packet, tab) = (selected_packet.clone(), tab.clone());
        Callback::from(move |seq: u64| {
            selected_packet.set(Some(seq));
            tab.set(Tab::Packets);
        })
    };
    let on_select_packet = {
        let s = selected_packet.clone();
        Callback::from(move |seq: u64| s.set(Some(seq)))
    };
    let on_topic = {
        let s = selected_topic.clone();
        Callback::from(move |t: String| s.set(Some(t)))
    };
    let tab_button = |t: Tab, label: &'static str, id: &'static str| {
        let tab = tab.clone();
        let active = *tab == t;
        html! {
            <button id={id} role="tab" aria-selected={active.to_string()} class={classes!("tab", active.then_some("active"))}
                    onclick={Callback::from(move |_| tab.set(t))}>{ label }</button>
        }
    };
    html! {
        <div class="app">
            <header class="top"><h1>{ "MQTT Inspector" }</h1></header>
            <aside class="left">
                <ConnectForm conn={conn.clone()} initial={(*initial).clone()} />
                <Subscriptions conn={conn.clone()} />
                <PublishForm conn={conn.clone()} />
            </aside>
            <main class="center">
                <nav role="tablist" class="tabs">
                    { tab_button(Tab::Topics, "Topics", "tab-topics") }
                    { tab_button(Tab::Messages, "Messages", "tab-messages") }
                    { tab_button(Tab::Handshakes, "QoS handshakes", "tab-handshakes") }
                    { tab_button(Tab::Packets, "Packets", "tab-packets") }
                </nav>
                { match *tab {
                    Tab::Topics => html! {
                        <div class="split">
                            <TopicTreeView conn={conn.clone()} selected={(*selected_topic).clone()} on_select={on_topic} />
                            if let Some(t) = (*selected_topic).clone() { <TopicDetail conn={conn.clone()} topic={t} /> }
                        </div>
                    },
                    Tab::Messages => html! { <MessageList conn={conn.clone()} /> },
                    Tab::Handshakes => html! { <FlowDiagram conn={conn.clone()} on_packet={on_packet} /> },
                    Tab::Packets => html! { <PacketView conn={conn.clone()} selected={*selected_packet} on_select={on_select_packet} /> },
                } }
            </main>
            <aside class="right">
                <StatsPanel conn={conn.clone()} now_ms={*now} />
                <Timeline conn={conn.clone()} />
            </aside>
        </div>
    }
}
