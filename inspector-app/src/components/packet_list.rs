//! The packet trace: every packet sent and received with its bytes.

use yew::prelude::*;

use crate::state::TraceEntry;

/// Props of [`PacketList`].
#[derive(Properties, PartialEq, Debug)]
pub struct PacketListProps {
    /// Packets, oldest first.
    pub trace: Vec<TraceEntry>,
}

/// The packet trace table.
#[function_component(PacketList)]
pub fn packet_list(props: &PacketListProps) -> Html {
    html! {
        <table class="packet-list">
            <thead><tr><th>{ "ms" }</th><th>{ "dir" }</th><th>{ "packet" }</th><th>{ "bytes" }</th></tr></thead>
            <tbody>
            { for props.trace.iter().map(|p| html! {
                <tr class={if p.outgoing { "out" } else { "in" }}>
                    <td>{ p.at_ms }</td>
                    <td>{ if p.outgoing { "→" } else { "←" } }</td>
                    <td class="packet-name">{ &p.name }</td>
                    <td class="hex">{ hex(&p.bytes) }</td>
                </tr>
            }) }
            </tbody>
        </table>
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
