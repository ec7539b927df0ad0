//! The QoS handshake view: for every packet id a sequence diagram between the
//! client and broker lanes, with the time of each leg, DUP resends, flows still
//! waiting, and the Receive Maximum window in use.

use yew::prelude::*;

use crate::hooks::ConnectionHandle;
use crate::state::{Direction, Flow, FlowState};

/// Props of [`FlowDiagram`].
#[derive(Properties, PartialEq, Debug)]
pub struct FlowDiagramProps {
    /// The connection.
    pub conn: ConnectionHandle,
    /// Called with a packet's trace position when a leg is clicked.
    pub on_packet: Callback<u64>,
}

/// Flows shown (newest first).
const SHOWN: usize = 60;

/// The handshake panel.
#[function_component(FlowDiagram)]
pub fn flow_diagram(props: &FlowDiagramProps) -> Html {
    let model = props.conn.store().model();
    let window = model.flows.waiting(Direction::Sent);
    // QoS 0 messages have no handshake: one leg each, which a flood of them would fill the view
    // with. Shown on request.
    let show_qos0 = use_state(|| false);
    let toggle_qos0 = {
        let show_qos0 = show_qos0.clone();
        Callback::from(move |_: Event| show_qos0.set(!*show_qos0))
    };
    let qos0 = model.flows.fire_and_forget().len();
    html! {
        <section class="panel flows" aria-label="QoS handshakes">
            <p class="row">
                <span data-part="receive-window">{ format!("Outgoing in flight: {window} of the broker's Receive Maximum {}", model.receive_maximum) }</span>
                <span class="muted">{ format!("incoming waiting: {}", model.flows.waiting(Direction::Received)) }</span>
                <label class="qos0-toggle"><input type="checkbox" data-part="show-qos0" checked={*show_qos0} onchange={toggle_qos0} />
                    { format!(" QoS 0 messages too ({qos0})") }</label>
            </p>
            <div class="lanes-header"><span>{ "client" }</span><span>{ "broker" }</span></div>
            <div data-part="flow-list">
            { for model.flows.newest(SHOWN, *show_qos0).into_iter().map(|f| flow(f, &props.on_packet)) }
            </div>
        </section>
    }
}

fn flow(f: &Flow, on_packet: &Callback<u64>) -> Html {
    let state = match f.state {
        FlowState::Waiting => "waiting",
        FlowState::Complete => "complete",
        FlowState::Failed(_) => "failed",
    };
    let t0 = f.legs.first().map_or(0, |l| l.at_ms);
    let title = match f.packet_id {
        Some(id) => format!("QoS {} · id {id} · {}", f.qos as u8, f.topic),
        None => format!("QoS 0 · fire and forget · {}", f.topic),
    };
    html! {
        <article class={classes!("flow", state)} data-packet-id={f.packet_id.map(|i| i.to_string())} data-qos={(f.qos as u8).to_string()}>
            <header>
                <span class="flow-title">{ title }</span>
                <span class="flow-state">{ match f.state {
                    FlowState::Waiting => "waiting…".to_string(),
                    FlowState::Complete => format!("complete in {} ms", f.elapsed_ms()),
                    FlowState::Failed(r) => format!("failed: {} ({:#04x})", r.name(), r.0),
                } }</span>
            </header>
            { for f.legs.iter().map(|l| {
                let seq = l.seq;
                let click = { let cb = on_packet.clone(); Callback::from(move |_| cb.emit(seq)) };
                let to_broker = l.direction == Direction::Sent;
                html! {
                    <button class={classes!("leg", if to_broker { "to-broker" } else { "to-client" }, l.dup.then_some("dup"))} onclick={click}
                            title="open in the packet view">
                        <span class="leg-name">{ l.name }{ if l.dup { " (DUP)" } else { "" } }</span>
                        <span class="arrow" aria-hidden="true"></span>
                        <span class="visually-hidden">{ if to_broker { "to the broker" } else { "to the client" } }</span>
                        <span class="leg-time">{ format!("+{} ms", l.at_ms.saturating_sub(t0)) }</span>
                    </button>
                }
            }) }
        </article>
    }
}
