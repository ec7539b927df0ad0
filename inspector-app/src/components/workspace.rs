//! One connection's workspace: connection form on the left, the views in tabs,
//! the lifecycle timeline and stats beside them.

use client_wasm::timer::{now_ms, Timeout};
use yew::prelude::*;

use crate::components::connection_tabs::{connection_tab_id, workspace_id};
use crate::components::{
    tab_after_key, ConnectForm, DecoderTool, FlowDiagram, MessageList, PacketView, PublishForm,
    StatsPanel, Subscriptions, Timeline, TopicDetail, TopicTreeView,
};
use crate::hooks::use_connection;
use crate::state::Profile;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tab {
    Topics,
    Messages,
    Handshakes,
    Packets,
    Decoder,
}

/// The tabs in order: the tab, its label, its `data-part`.
const TABS: [(Tab, &str, &str); 5] = [
    (Tab::Topics, "Topics", "tab-topics"),
    (Tab::Messages, "Messages", "tab-messages"),
    (Tab::Handshakes, "QoS handshakes", "tab-handshakes"),
    (Tab::Packets, "Packets", "tab-packets"),
    (Tab::Decoder, "Decoder", "tab-decoder"),
];

/// Props of [`Workspace`].
#[derive(Properties, PartialEq, Debug)]
pub struct WorkspaceProps {
    /// This workspace's number, unique in the page: it scopes the element ids a label points at.
    pub index: u32,
    /// The profile the form starts with.
    pub initial: Profile,
    /// Whether this workspace is the one shown (hidden ones keep running).
    pub visible: bool,
    /// This connection's share of the inspector's memory budget, in bytes.
    pub budget: usize,
}

/// One connection and all its views.
#[function_component(Workspace)]
pub fn workspace(props: &WorkspaceProps) -> Html {
    let conn = use_connection();
    let initial = props.initial.clone();
    conn.use_budget(props.budget);
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
    // WAI-ARIA tabs: each tab names the one panel (the active tab's content) it controls, and
    // the panel is labelled by the active tab; ids carry the workspace's number. Only the active
    // tab is in the Tab order; the arrow keys, Home and End move between tabs.
    let panel_id = format!("tab-panel-{}", props.index);
    let tab_id = |part: &str| format!("{part}-{}", props.index);
    let tab_refs = use_memo((), |_| {
        std::array::from_fn::<NodeRef, 5, _>(|_| NodeRef::default())
    });
    let active_index = TABS.iter().position(|(t, ..)| *t == *tab).unwrap_or(0);
    let on_tab_key = {
        let (tab, tab_refs) = (tab.clone(), tab_refs.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(next) = tab_after_key(active_index, TABS.len(), &e.key()) else {
                return;
            };
            e.prevent_default();
            if let Some((t, ..)) = TABS.get(next) {
                tab.set(*t);
            }
            if let Some(button) = tab_refs
                .get(next)
                .and_then(|r| r.cast::<web_sys::HtmlElement>())
            {
                let _ = button.focus();
            }
        })
    };
    let tab_buttons = TABS
        .iter()
        .zip(tab_refs.iter())
        .map(|((t, label, part), node)| {
            let (tab, t) = (tab.clone(), *t);
            let active = *tab == t;
            html! {
                <button ref={node.clone()} id={tab_id(part)} data-part={*part} role="tab"
                        aria-selected={active.to_string()} aria-controls={panel_id.clone()}
                        tabindex={if active { "0" } else { "-1" }}
                        class={classes!("tab", active.then_some("active"))}
                        onclick={Callback::from(move |_| tab.set(t))}>{ *label }</button>
            }
        });
    let active_part = TABS
        .get(active_index)
        .map_or("tab-topics", |(_, _, part)| *part);
    html! {
        <div class="workspace" hidden={!props.visible} role="tabpanel"
             id={workspace_id(props.index)} aria-labelledby={connection_tab_id(props.index)}>
            <aside class="left" aria-label="Connect, subscribe, publish">
                <ConnectForm conn={conn.clone()} initial={initial} index={props.index} />
                <Subscriptions conn={conn.clone()} />
                <PublishForm conn={conn.clone()} />
            </aside>
            <div class="center">
                <div role="tablist" class="tabs" aria-label="Views" onkeydown={on_tab_key}>
                    { for tab_buttons }
                </div>
                <div role="tabpanel" id={panel_id.clone()} aria-labelledby={tab_id(active_part)}>
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
                    Tab::Decoder => html! { <DecoderTool version={conn.store().model().version} /> },
                } }
                </div>
            </div>
            <aside class="right" aria-label="Statistics and lifecycle">
                <StatsPanel conn={conn.clone()} now_ms={*now} />
                <Timeline conn={conn.clone()} />
            </aside>
        </div>
    }
}
