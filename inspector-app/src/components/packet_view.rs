//! The packet view: every packet sent and received; the selected one as an
//! annotated hex dump (fixed header, remaining length, variable header, each
//! property, payload) beside its decoded fields. Export of the trace.

use mqtt_proto::{DecodeError, Packet, ProtocolVersion};
use yew::prelude::*;

use crate::hooks::ConnectionHandle;
use crate::state::layout::{layout, Part};
use crate::state::{Direction, PacketRecord};

/// Props of [`PacketView`].
#[derive(Properties, PartialEq, Debug)]
pub struct PacketViewProps {
    /// The connection.
    pub conn: ConnectionHandle,
    /// The selected packet (trace position).
    pub selected: Option<u64>,
    /// Called when a packet is selected.
    pub on_select: Callback<u64>,
}

/// Packets listed (newest first).
const SHOWN: usize = 200;

/// The packet panel.
#[function_component(PacketView)]
pub fn packet_view(props: &PacketViewProps) -> Html {
    let model = props.conn.store().model();
    let selected = props
        .selected
        .and_then(|s| model.packet(s))
        .or_else(|| model.trace.back());
    let export = {
        let conn = props.conn.clone();
        Callback::from(move |_| {
            let m = conn.store().model();
            let lines: Vec<String> = m.trace.iter().map(export_line).collect();
            crate::components::download("trace.ndjson", "application/x-ndjson", &lines.join("\n"));
        })
    };
    html! {
        <section class="panel packets" aria-label="Packets">
            if !model.violations.is_empty() {
                <div role="alert">
                    <ul data-part="violations" class="violations">
                    { for model.violations.iter().rev().map(|(at, v)| html! { <li><span class="t">{ at }</span>{ " spec violation by the server: " }{ v }</li> }) }
                    </ul>
                </div>
            }
            <div class="row"><button onclick={export}>{ "Export trace" }</button><span class="muted">{ format!("{} packets kept", model.trace.len()) }</span></div>
            <div class="split">
                <table data-part="packet-list" class="grid">
                    <thead><tr><th>{ "#" }</th><th>{ "ms" }</th><th>{ "dir" }</th><th>{ "packet" }</th><th>{ "bytes" }</th></tr></thead>
                    <tbody>
                    { for model.trace.iter().rev().take(SHOWN).map(|p| {
                        let seq = p.seq;
                        let click = { let cb = props.on_select.clone(); Callback::from(move |_: MouseEvent| cb.emit(seq)) };
                        let key = { let cb = props.on_select.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" || e.key() == " " { e.prevent_default(); cb.emit(seq) }) };
                        let sent = p.direction == Direction::Sent;
                        html! {
                            <tr class={classes!(if sent { "out" } else { "in" }, (selected.map(|s| s.seq) == Some(seq)).then_some("selected"))} tabindex="0" onclick={click} onkeydown={key}>
                                <td>{ seq }</td><td>{ p.at_ms }</td><td>{ if sent { "→" } else { "←" } }</td>
                                <td class="packet-name">{ p.name() }</td><td>{ p.raw.len() }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                if let Some(p) = selected { { detail(p, model.version) } }
            </div>
        </section>
    }
}

fn detail(p: &PacketRecord, version: ProtocolVersion) -> Html {
    html! {
        <div class="packet-detail" data-part="packet-detail">
            <h3>{ format!("#{} {} {} · {}", p.seq, if p.direction == Direction::Sent { "sent" } else { "received" }, p.name(), crate::view::byte_count(p.raw.len())) }</h3>
            { packet_body(&p.raw, &p.packet, version) }
        </div>
    }
}

/// A frame's bytes as an annotated hex dump, then the decoded packet or why it is not one.
pub(crate) fn packet_body(
    raw: &[u8],
    packet: &Result<Packet, DecodeError>,
    version: ProtocolVersion,
) -> Html {
    let spans = layout(version, raw);
    html! {
        <>
            <div class="hexdump" data-part="hexdump">
            { for spans.iter().map(|s| html! {
                <div class={classes!("span", part_class(s.part))}>
                    <code class="bytes">{ crate::view::hex(&raw[s.range.clone()]) }</code>
                    <span class="label">{ &s.label }</span>
                </div>
            }) }
            </div>
            { match packet {
                Ok(packet) => html! {
                    <pre class="decoded" tabindex="0" aria-label="Decoded packet">{ crate::view::compact_debug(&format!("{packet:#?}")) }</pre>
                },
                Err(e) => html! {
                    <p class="error" data-part="rejected">{ format!("Not a valid packet: {e} → {}", crate::state::model::reason_words(e.reason_code())) }</p>
                },
            } }
        </>
    }
}

fn part_class(p: Part) -> &'static str {
    match p {
        Part::FixedHeader => "fixed",
        Part::RemainingLength => "length",
        Part::VariableHeader => "variable",
        Part::Property => "property",
        Part::Payload => "payload",
        Part::Unparsed => "unparsed",
    }
}

fn export_line(p: &PacketRecord) -> String {
    // CONNECT carries credentials: they are never exported.
    let decoded = match &p.packet {
        Err(e) => format!("malformed: {e}"),
        Ok(mqtt_proto::Packet::Connect(c)) => {
            let mut c = c.clone();
            if c.password.is_some() {
                c.password = Some(bytes::Bytes::from_static(b"<redacted>"));
            }
            format!("{:?}", mqtt_proto::Packet::Connect(c))
        }
        Ok(other) => format!("{other:?}"),
    };
    let raw = match &p.packet {
        Ok(mqtt_proto::Packet::Connect(c)) if c.password.is_some() || c.username.is_some() => {
            "<redacted>".to_string()
        }
        _ => crate::view::hex(&p.raw),
    };
    serde_json::json!({
        "seq": p.seq, "at_ms": p.at_ms,
        "direction": if p.direction == Direction::Sent { "sent" } else { "received" },
        "packet": p.name(), "decoded": decoded, "hex": raw,
    })
    .to_string()
}
