//! Stats: messages/s and bytes/s in and out, inflight, and the memory budget,
//! with a small live chart of the message rate.

use std::collections::VecDeque;

use yew::prelude::*;

use crate::hooks::ConnectionHandle;
use crate::state::model::Counters;

/// Props of [`StatsPanel`].
#[derive(Properties, PartialEq, Debug)]
pub struct StatsPanelProps {
    /// The connection.
    pub conn: ConnectionHandle,
    /// Current time (ms), advanced by the app's one-second tick.
    pub now_ms: u64,
}

/// Seconds of history in the chart.
const HISTORY: usize = 60;

/// The stats panel.
#[function_component(StatsPanel)]
pub fn stats_panel(props: &StatsPanelProps) -> Html {
    // (time, counters) samples, one per tick.
    let samples = use_mut_ref(VecDeque::<(u64, Counters)>::new);
    let model = props.conn.store().model();
    {
        let mut s = samples.borrow_mut();
        if s.back().map_or(true, |(t, _)| props.now_ms >= t + 1000) {
            s.push_back((props.now_ms, model.counters));
            if s.len() > HISTORY + 1 {
                s.pop_front();
            }
        }
    }
    let s = samples.borrow();
    let rates: Vec<(f64, f64, f64, f64)> = s
        .iter()
        .zip(s.iter().skip(1))
        .map(|((t0, a), (t1, b))| {
            let dt = (t1.saturating_sub(*t0)).max(1) as f64 / 1000.0;
            (
                (b.messages_in - a.messages_in) as f64 / dt,
                (b.messages_out - a.messages_out) as f64 / dt,
                (b.bytes_in - a.bytes_in) as f64 / dt,
                (b.bytes_out - a.bytes_out) as f64 / dt,
            )
        })
        .collect();
    let last = rates.last().copied().unwrap_or_default();
    let peak = rates.iter().map(|r| r.0.max(r.1)).fold(1.0, f64::max);
    // Newest sample at the right edge; the chart fills leftwards as history accumulates.
    let first = HISTORY.saturating_sub(rates.len());
    let points = |pick: fn(&(f64, f64, f64, f64)) -> f64| -> String {
        rates
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{},{:.1} ", (first + i) * 4, 40.0 - pick(r) / peak * 40.0))
            .collect()
    };
    let b = model.budget;
    let recent = model.round_trips(60);
    let rtt_peak = recent.iter().copied().max().unwrap_or(1).max(1) as f64;
    let rtt_first = 60usize.saturating_sub(recent.len());
    let rtt_points: String = recent
        .iter()
        .rev()
        .enumerate()
        .map(|(i, ms)| {
            format!(
                "{},{:.1} ",
                (rtt_first + i) * 4,
                40.0 - *ms as f64 / rtt_peak * 40.0
            )
        })
        .collect();
    let mut rtt = model.round_trips(200);
    rtt.sort_unstable();
    let pct = |p: usize| {
        rtt.get((rtt.len() * p / 100).min(rtt.len().saturating_sub(1)))
            .copied()
    };
    let rtt_text = match (pct(50), pct(99)) {
        (Some(a), Some(b)) => format!(
            "p50 {a} ms · p99 {b} ms ({} {})",
            rtt.len(),
            if rtt.len() == 1 { "flow" } else { "flows" }
        ),
        _ => "—".to_string(),
    };
    html! {
        <section class="panel stats" aria-label="Statistics">
            <dl data-part="stats">
                <dt>{ "msg/s in" }</dt><dd>{ format!("{:.0}", last.0) }</dd>
                <dt>{ "msg/s out" }</dt><dd>{ format!("{:.0}", last.1) }</dd>
                <dt>{ "bytes/s in" }</dt><dd>{ format!("{:.0}", last.2) }</dd>
                <dt>{ "bytes/s out" }</dt><dd>{ format!("{:.0}", last.3) }</dd>
                <dt>{ "messages in / out" }</dt><dd>{ format!("{} / {}", model.counters.messages_in, model.counters.messages_out) }</dd>
                <dt>{ "in flight" }</dt><dd data-part="inflight">{ model.flows.waiting(crate::state::Direction::Sent) }</dd>
                <dt>{ "round trip" }</dt><dd data-part="rtt">{ rtt_text }</dd>
                <dt>{ "memory" }</dt><dd data-part="budget">{ format!("{:.1} / {:.0} MiB ({} evicted)", b.used as f64 / 1048576.0, b.limit as f64 / 1048576.0, b.evicted) }</dd>
            </dl>
            <svg class="spark" viewBox={format!("0 0 {} 40", HISTORY * 4)} preserveAspectRatio="none" role="img" aria-label="messages per second, last minute">
                <polyline class="in" points={points(|r| r.0)} fill="none" vector-effect="non-scaling-stroke" />
                <polyline class="out" points={points(|r| r.1)} fill="none" vector-effect="non-scaling-stroke" />
            </svg>
            <p class="spark-label" aria-hidden="true"><span class="in">{ "in" }</span>{ " / " }<span class="out">{ "out" }</span>{ format!(" msg/s, last minute (peak {peak:.0})") }</p>
            <svg class="spark rtt" viewBox={format!("0 0 {} 40", 60 * 4)} preserveAspectRatio="none" role="img"
                 aria-label={format!("round-trip times of the last {} QoS 1/2 publishes, peak {rtt_peak} ms", recent.len())}>
                <polyline class="rtt" points={rtt_points} fill="none" vector-effect="non-scaling-stroke" />
            </svg>
            <p class="spark-label" aria-hidden="true">{ if recent.is_empty() { "round trip of QoS 1/2 publishes: none yet".to_string() } else { format!("round trip of the last {} QoS 1/2 publishes (peak {rtt_peak} ms)", recent.len()) } }</p>
        </section>
    }
}
