//! The decoder tab: bytes pasted from elsewhere (a capture, a device's log, a broker's debug
//! output), split into packets and decoded by the same strict codec as the live trace, each
//! shown as an annotated hex dump with its fields, or with the rule it breaks.

use mqtt_proto::ProtocolVersion;
use yew::prelude::*;

use super::packet_view::packet_body;
use crate::state::pasted::{decode_pasted, PasteError, Pasted, MAX_INPUT};

/// Props of [`DecoderTool`].
#[derive(Properties, PartialEq, Debug)]
pub struct DecoderToolProps {
    /// The version to start with (the connection's).
    pub version: ProtocolVersion,
}

/// The decoder panel.
#[function_component(DecoderTool)]
pub fn decoder_tool(props: &DecoderToolProps) -> Html {
    let text = use_state(String::new);
    let version = use_state(|| props.version);
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
        })
    };
    let on_version = {
        let version = version.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            version.set(if select.value() == "4" {
                ProtocolVersion::V311
            } else {
                ProtocolVersion::V5
            });
        })
    };
    let v = *version;
    html! {
        <section class="panel decoder" aria-label="Decoder">
            <p class="muted">{ "Paste the bytes of MQTT packets in hex (any spacing), from a capture or a device's log: each packet is decoded by the same strict codec as the live trace." }</p>
            <div class="row">
                <select data-part="decode-version" aria-label="Protocol version of the bytes" onchange={on_version}>
                    <option value="5" selected={v.is_v5()}>{ "MQTT 5.0" }</option>
                    <option value="4" selected={!v.is_v5()}>{ "MQTT 3.1.1" }</option>
                </select>
            </div>
            <textarea data-part="decode-input" rows="4" aria-label="Bytes to decode, in hex" spellcheck="false"
                      placeholder="30 0c 00 05 61 2f 62 2f 63 00 68 69 21 21" value={(*text).clone()} oninput={on_text} />
            { if text.trim().is_empty() { html! {} } else { result(decode_pasted(&text, v), v) } }
        </section>
    }
}

fn result(pasted: Result<Pasted, PasteError>, version: ProtocolVersion) -> Html {
    let pasted = match pasted {
        Ok(p) => p,
        Err(PasteError::NotHex) => {
            return html! { <p class="error" data-part="decode-error">{ "Not hex: digits 0-9 and a-f in pairs (spaces and line breaks are ignored)." }</p> }
        }
        Err(PasteError::TooLong) => {
            return html! { <p class="error" data-part="decode-error">{ format!("More than {} bytes.", MAX_INPUT) }</p> }
        }
    };
    let stopped = pasted.frames.last().is_some_and(|f| f.packet.is_err());
    html! {
        <div data-part="decode-result">
            <p class="muted">{ format!("{} {}", pasted.frames.len(), if pasted.frames.len() == 1 { "packet" } else { "packets" }) }</p>
            { for pasted.frames.iter().enumerate().map(|(i, f)| {
                let name = match &f.packet {
                    Ok(p) => crate::state::record::packet_name(p),
                    Err(_) => "MALFORMED",
                };
                html! {
                    <div class="decoded-frame">
                        <h3>{ format!("#{} at byte {} · {} · {}", i + 1, f.offset, name, crate::view::byte_count(f.raw.len())) }</h3>
                        { packet_body(&f.raw, &f.packet, version) }
                    </div>
                }
            }) }
            if pasted.rest > 0 {
                <p class="warning" data-part="decode-rest">{ if stopped {
                    format!("{} after it not decoded.", crate::view::byte_count(pasted.rest))
                } else {
                    format!("{} at the end: the start of a packet that is not complete.", crate::view::byte_count(pasted.rest))
                } }</p>
            }
        </div>
    }
}
