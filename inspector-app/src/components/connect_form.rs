//! The connection form: broker URL, protocol, client id, credentials, keep-alive,
//! clean start, session expiry; a warning for credentials over plain `ws://`.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::hooks::{use_profiles, ConnectionHandle};
use crate::state::profiles::Saved;
use crate::state::{LinkStatus, Profile};

/// Props of [`ConnectForm`].
#[derive(Properties, PartialEq, Debug)]
pub struct ConnectFormProps {
    /// The connection to drive.
    pub conn: ConnectionHandle,
    /// The profile to start from.
    pub initial: Profile,
    /// The workspace's number: every workspace has this form, so the ids its labels point at
    /// end with it (`broker-url-0`); the fields' `name`s are the same in every workspace.
    pub index: u32,
}

/// A callback that reads a value from the event (`read`) and stores it in the
/// profile (`set`): the one shape behind every field of the form.
fn edit<E: 'static, V: 'static>(
    profile: &UseStateHandle<Profile>,
    read: fn(&E) -> V,
    set: impl Fn(&mut Profile, V) + 'static,
) -> Callback<E> {
    let profile = profile.clone();
    Callback::from(move |e: E| {
        let mut p = (*profile).clone();
        set(&mut p, read(&e));
        profile.set(p);
    })
}

/// A text input or textarea's value.
fn text(
    set: impl Fn(&mut Profile, String) + 'static,
    profile: &UseStateHandle<Profile>,
) -> Callback<InputEvent> {
    edit(
        profile,
        |e: &InputEvent| {
            let target: web_sys::HtmlElement = e.target_unchecked_into();
            match target.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                Some(t) => t.value(),
                None => target.unchecked_into::<HtmlInputElement>().value(),
            }
        },
        set,
    )
}

/// A `<select>`'s value.
fn select(
    set: impl Fn(&mut Profile, String) + 'static,
    profile: &UseStateHandle<Profile>,
) -> Callback<Event> {
    edit(
        profile,
        |e: &Event| e.target_unchecked_into::<HtmlSelectElement>().value(),
        set,
    )
}

/// A checkbox's state.
fn check(
    set: impl Fn(&mut Profile, bool) + 'static,
    profile: &UseStateHandle<Profile>,
) -> Callback<Event> {
    edit(
        profile,
        |e: &Event| e.target_unchecked_into::<HtmlInputElement>().checked(),
        set,
    )
}

/// The connection form and status line.
#[function_component(ConnectForm)]
pub fn connect_form(props: &ConnectFormProps) -> Html {
    let profile = {
        let initial = props.initial.clone();
        use_state(move || initial)
    };
    let saved = use_profiles();
    let save_name = use_state(String::new);
    let remember = use_state(|| false);
    let conn = props.conn.clone();
    let model = conn.store().model();
    let on_load = {
        let (saved, profile, save_name, remember) = (
            saved.clone(),
            profile.clone(),
            save_name.clone(),
            remember.clone(),
        );
        Callback::from(move |e: Event| {
            let name = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(s) = saved.list().iter().find(|s| s.name == name) {
                profile.set(s.profile.clone());
                save_name.set(s.name.clone());
                remember.set(s.remember_password);
            }
        })
    };
    let on_save = {
        let (saved, profile, save_name, remember) = (
            saved.clone(),
            profile.clone(),
            save_name.clone(),
            remember.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let name = if save_name.trim().is_empty() {
                profile.url.clone()
            } else {
                save_name.trim().to_owned()
            };
            saved.save(Saved {
                name,
                profile: (*profile).clone(),
                remember_password: *remember,
            });
        })
    };
    let on_delete = {
        let (saved, save_name) = (saved.clone(), save_name.clone());
        Callback::from(move |_: MouseEvent| saved.delete(&save_name))
    };
    let on_save_name = {
        let save_name = save_name.clone();
        Callback::from(move |e: InputEvent| {
            save_name.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_remember = {
        let remember = remember.clone();
        Callback::from(move |e: Event| {
            remember.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let active =
        conn.is_active() && !matches!(model.status, LinkStatus::Ended(_) | LinkStatus::Idle);
    let on_submit = {
        let conn = conn.clone();
        let profile = profile.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if active {
                conn.disconnect();
            } else {
                conn.connect(&profile);
            }
        })
    };
    let on_drop = {
        let conn = conn.clone();
        Callback::from(move |_: MouseEvent| conn.drop_connection())
    };
    let on_version = select(|p, v| p.v5 = v == "5", &profile);
    let on_clean = check(|p, v| p.clean_start = v, &profile);
    let (badge, status) = match &model.status {
        LinkStatus::Idle => ("idle", "Not connected".to_string()),
        LinkStatus::Connecting => ("connecting", "Connecting…".to_string()),
        LinkStatus::Connected => ("connected", "Connected".to_string()),
        LinkStatus::Reconnecting { attempt, delay_ms } => (
            "connecting",
            format!("Reconnecting (attempt {attempt}, in {delay_ms} ms)"),
        ),
        LinkStatus::Ended(why) => ("closed", format!("Closed: {why}")),
    };
    let p = &*profile;
    let id = |field: &str| format!("{field}-{}", props.index);
    html! {
        <form class="panel connect-form" onsubmit={on_submit} aria-label="Connection">
            if !saved.list().is_empty() {
                <div class="row">
                    <label for={id("saved-profiles")}>{ "Profile" }</label>
                    <select id={id("saved-profiles")} name="saved-profiles" onchange={on_load} disabled={active}>
                        <option value="" selected=true>{ "— saved profiles —" }</option>
                        { for saved.list().iter().map(|s| html! { <option value={s.name.clone()}>{ &s.name }</option> }) }
                    </select>
                </div>
            }
            <div class="fields">
                <div class="field wide">
                    <label for={id("broker-url")}>{ "Broker" }</label>
                    <div class="row">
                        <input id={id("broker-url")} name="broker-url" type="text" value={p.url.clone()} disabled={active}
                               oninput={text(|p, v| p.url = v, &profile)} placeholder="ws://127.0.0.1:9001" />
                        <select data-part="protocol" onchange={on_version} disabled={active} aria-label="Protocol version">
                            <option value="5" selected={p.v5}>{ "MQTT 5.0" }</option>
                            <option value="4" selected={!p.v5}>{ "MQTT 3.1.1" }</option>
                        </select>
                    </div>
                </div>
                <div class="field">
                    <label for={id("client-id")}>{ "Client id" }</label>
                    <input id={id("client-id")} name="client-id" type="text" value={p.client_id.clone()} disabled={active}
                           oninput={text(|p, v| p.client_id = v, &profile)} />
                </div>
                <div class="field">
                    <label for={id("keep-alive")}>{ "Keep-alive (s)" }</label>
                    <input id={id("keep-alive")} name="keep-alive" class="num" type="number" min="0" max="65535" value={p.keep_alive.to_string()} disabled={active}
                           oninput={text(|p, v| p.keep_alive = v.parse().unwrap_or(p.keep_alive), &profile)} />
                </div>
                <div class="field">
                    <label for={id("username")}>{ "User" }</label>
                    <input id={id("username")} name="username" type="text" autocomplete="username" value={p.username.clone()} disabled={active}
                           oninput={text(|p, v| p.username = v, &profile)} />
                </div>
                <div class="field">
                    <label for={id("password")}>{ "Password" }</label>
                    <input id={id("password")} name="password" type="password" autocomplete="current-password" value={p.password.clone()} disabled={active}
                           oninput={text(|p, v| p.password = v, &profile)} />
                </div>
                <div class="field">
                    <label class="check"><input data-part="clean-start" type="checkbox" checked={p.clean_start} onchange={on_clean} disabled={active} />{ " Clean start" }</label>
                </div>
                if p.v5 {
                    <div class="field">
                        <label for={id("session-expiry")}>{ "Session expiry (s)" }</label>
                        <input id={id("session-expiry")} name="session-expiry" class="num" type="number" min="0" value={p.session_expiry.to_string()} disabled={active}
                               oninput={text(|p, v| p.session_expiry = v.parse().unwrap_or(p.session_expiry), &profile)} />
                    </div>
                }
            </div>
            <details class="will">
                <summary>{ "Will message" }</summary>
                <div class="row">
                    <input data-part="will-topic" type="text" placeholder="will topic (empty: none)" aria-label="Will topic" value={p.will_topic.clone()} disabled={active}
                           oninput={text(|p, v| p.will_topic = v, &profile)} />
                    <select data-part="will-qos" aria-label="Will QoS" disabled={active} onchange={select(|p, v| p.will_qos = super::qos_from(&v), &profile)}>
                        <option value="0" selected={p.will_qos as u8 == 0}>{ "QoS 0" }</option>
                        <option value="1" selected={p.will_qos as u8 == 1}>{ "QoS 1" }</option>
                        <option value="2" selected={p.will_qos as u8 == 2}>{ "QoS 2" }</option>
                    </select>
                    <label><input data-part="will-retain" type="checkbox" checked={p.will_retain} disabled={active}
                        onchange={check(|p, v| p.will_retain = v, &profile)} />{ " retain" }</label>
                </div>
                <div class="row">
                    <input data-part="will-payload" type="text" placeholder="will payload" aria-label="Will payload" value={p.will_payload.clone()} disabled={active}
                           oninput={text(|p, v| p.will_payload = v, &profile)} />
                </div>
            </details>
            if p.v5 {
                <details class="connect-properties">
                    <summary>{ "5.0 CONNECT properties" }</summary>
                    <div class="row">
                        <label for={id("receive-maximum")}>{ "Receive max" }</label>
                        <input id={id("receive-maximum")} name="receive-maximum" class="num" type="text" placeholder="65535" value={p.receive_maximum.clone()} disabled={active}
                               oninput={text(|p, v| p.receive_maximum = v, &profile)} />
                        <label for={id("topic-alias-maximum")}>{ "Topic alias max" }</label>
                        <input id={id("topic-alias-maximum")} name="topic-alias-maximum" class="num" type="text" placeholder="0" value={p.topic_alias_maximum.clone()} disabled={active}
                               oninput={text(|p, v| p.topic_alias_maximum = v, &profile)} />
                    </div>
                    <div class="row">
                        <label for={id("maximum-packet-size")}>{ "Max packet size" }</label>
                        <input id={id("maximum-packet-size")} name="maximum-packet-size" class="num" type="text" placeholder="16777216" value={p.maximum_packet_size.clone()} disabled={active}
                               oninput={text(|p, v| p.maximum_packet_size = v, &profile)} />
                        <label><input data-part="request-response-information" type="checkbox" checked={p.request_response_information} disabled={active}
                            onchange={check(|p, v| p.request_response_information = v, &profile)} />{ " request response info" }</label>
                    </div>
                    <textarea data-part="connect-user-properties" rows="2" placeholder="user properties: name=value per line" aria-label="CONNECT user properties"
                              value={p.user_properties.clone()} disabled={active} oninput={text(|p, v| p.user_properties = v, &profile)} />
                </details>
            }
            <details class="save-profile">
                <summary>{ "Save profile" }</summary>
                <div class="row">
                    <input data-part="profile-name" type="text" placeholder="name" value={(*save_name).clone()} oninput={on_save_name} aria-label="Profile name" />
                    <label title="Stored in this browser's localStorage, unencrypted">
                        <input data-part="remember-password" type="checkbox" checked={*remember} onchange={on_remember} />{ " remember password" }
                    </label>
                    <button data-part="save-profile" type="button" onclick={on_save}>{ "Save" }</button>
                    if saved.list().iter().any(|s| s.name == *save_name) {
                        <button type="button" class="danger" onclick={on_delete}>{ "Delete" }</button>
                    }
                </div>
            </details>
            if p.credentials_in_clear() {
                <p data-part="cleartext-warning" class="warning" role="alert">
                    { "⚠ Credentials will be sent unencrypted over ws://. Use wss:// for anything but a local broker." }
                </p>
            }
            <div class="row">
                <button data-part="connect-button" type="submit">{ if active { "Disconnect" } else { "Connect" } }</button>
                if active {
                    <button data-part="drop-button" type="button" onclick={on_drop}
                            title="Close the WebSocket without DISCONNECT, as a device that loses its network: the broker publishes the will">
                        { "Drop" }
                    </button>
                }
                <span data-part="link-status" class={classes!("status", badge)} role="status">{ status }</span>
            </div>
            if let Some(e) = conn.error() {
                <p data-part="action-error" class="error" role="alert">{ e }</p>
            }
        </form>
    }
}
