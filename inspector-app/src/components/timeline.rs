//! The session lifecycle: connection, authentication, communication, termination.

use yew::prelude::*;

use crate::hooks::ConnectionHandle;

/// Props of [`Timeline`].
#[derive(Properties, PartialEq, Debug)]
pub struct TimelineProps {
    /// The connection.
    pub conn: ConnectionHandle,
}

/// The lifecycle timeline, newest last.
#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let model = props.conn.store().model();
    let t0 = model.timeline.front().map_or(0, |t| t.at_ms);
    html! {
        <section class="panel timeline" aria-label="Session lifecycle">
            <h2>{ "Session lifecycle" }</h2>
            <ol data-part="timeline">
            { for model.timeline.iter().map(|t| html! {
                <li class={classes!("stage", t.stage.label())}>
                    <span class="t">{ format!("+{} ms", t.at_ms.saturating_sub(t0)) }</span>
                    <span class="stage-name">{ t.stage.label() }</span>
                    <span class="text">{ &t.text }</span>
                </li>
            }) }
            </ol>
        </section>
    }
}
