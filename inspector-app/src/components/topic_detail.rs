//! The selected topic: its history, a chart of numeric values, a diff against the
//! previous value, and clearing retained messages (one topic or a subtree).

use yew::prelude::*;

use crate::hooks::ConnectionHandle;
use crate::view::{diff_lines, numbers, render_payload, PayloadView};

/// Props of [`TopicDetail`].
#[derive(Properties, PartialEq, Debug)]
pub struct TopicDetailProps {
    /// The connection.
    pub conn: ConnectionHandle,
    /// The topic.
    pub topic: String,
}

/// Details of one topic.
#[function_component(TopicDetail)]
pub fn topic_detail(props: &TopicDetailProps) -> Html {
    let confirm = use_state(|| false);
    let model = props.conn.store().model();
    let Some(node) = model.topics.get(&props.topic) else {
        return html! { <section class="panel topic-detail"><p class="muted">{ "No messages on this topic yet." }</p></section> };
    };
    let retained_below = model.topics.retained_under(Some(&props.topic));
    let clear_one = {
        let conn = props.conn.clone();
        let topic = props.topic.clone();
        Callback::from(move |_| conn.clear_retained(std::slice::from_ref(&topic)))
    };
    let clear_tree = {
        let (conn, confirm, topics) = (props.conn.clone(), confirm.clone(), retained_below.clone());
        Callback::from(move |_| {
            if *confirm {
                conn.clear_retained(&topics);
                confirm.set(false);
            } else {
                confirm.set(true);
            }
        })
    };
    let stats = node.stats.as_ref();
    html! {
        <section class="panel topic-detail" aria-label="Topic details">
            <h2><code data-part="selected-topic">{ &props.topic }</code></h2>
            <div class="row">
                if stats.is_some_and(|s| s.retained) {
                    <button data-part="clear-retained" onclick={clear_one}>{ "Clear retained message" }</button>
                }
                if retained_below.len() > 1 || (retained_below.len() == 1 && !stats.is_some_and(|s| s.retained)) {
                    <button data-part="clear-retained-tree" class={classes!(confirm.then_some("danger"))} onclick={clear_tree}>
                        { if *confirm { format!("Confirm: clear {} retained messages", retained_below.len()) } else { format!("Clear {} retained below…", retained_below.len()) } }
                    </button>
                }
            </div>
            if let Some(s) = stats {
                { chart(s.history.iter().map(|h| (h.at_ms, &h.payload[..]))) }
                if let (Some(last), Some(prev)) = (s.last(), s.previous()) {
                    <h3>{ "Change from the previous value" }</h3>
                    <pre class="diff">
                    { for diff_lines(&render_payload(&prev.payload, PayloadView::Json, 4000), &render_payload(&last.payload, PayloadView::Json, 4000)).into_iter().map(|(tag, line)| html! {
                        <span class={match tag { '+' => "add", '-' => "del", _ => "same" }}>{ format!("{tag} {line}\n") }</span>
                    }) }
                    </pre>
                }
                <h3>{ format!("History ({} of {})", s.history.len(), s.count) }</h3>
                <ol class="history" reversed=true>
                { for s.history.iter().rev().map(|h| html! {
                    <li><span class="t">{ h.at_ms }</span>{ if h.retained { " R " } else { " " } }<span class="payload">{ render_payload(&h.payload, PayloadView::Text, 200) }</span></li>
                }) }
                </ol>
            }
        </section>
    }
}

/// A small SVG line chart of the first numeric series in the history, if any.
fn chart<'a>(history: impl Iterator<Item = (u64, &'a [u8])>) -> Html {
    let mut series: Vec<(u64, f64)> = Vec::new();
    let mut name = None;
    for (at, payload) in history {
        let nums = numbers(payload);
        let pick = match &name {
            None => nums.into_iter().next(),
            Some(n) => nums.into_iter().find(|(k, _)| k == n),
        };
        if let Some((k, v)) = pick {
            name.get_or_insert(k);
            series.push((at, v));
        }
    }
    if series.len() < 2 {
        return html! {};
    }
    let (w, h) = (400.0, 80.0);
    let (t0, t1) = (series[0].0 as f64, series[series.len() - 1].0 as f64);
    let lo = series.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = series.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let x = |t: u64| {
        if t1 > t0 {
            (t as f64 - t0) / (t1 - t0) * w
        } else {
            0.0
        }
    };
    let y = |v: f64| {
        if hi > lo {
            h - (v - lo) / (hi - lo) * h
        } else {
            h / 2.0
        }
    };
    let points: String = series
        .iter()
        .map(|(t, v)| format!("{:.1},{:.1} ", x(*t), y(*v)))
        .collect();
    html! {
        <figure class="chart">
            <svg viewBox={format!("0 0 {w} {h}")} preserveAspectRatio="none" role="img" aria-label="numeric history">
                <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
            </svg>
            <figcaption>{ format!("{} min {lo} max {hi} ({} points)", name.filter(|n| !n.is_empty()).unwrap_or_else(|| "value".into()), series.len()) }</figcaption>
        </figure>
    }
}
