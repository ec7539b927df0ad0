//! Encode, ours against rumqttc's, in interleaved pairs: for rows where the two are too close
//! for separate measurements (`codec.rs`, criterion) to tell apart, e.g. the 64 KiB PUBLISH,
//! where both make the same 64 KiB `memcpy`.
//!
//! Each pair times `K` encodes of one side, then `K` of the other, on the inputs of `codec.rs`
//! (the same payload bytes copied into the same buffer), the side going first alternating from
//! pair to pair. Reported per row: the mean time per encode of each side, the mean of rumqttc's
//! minus ours per pair with its standard error, and in how many pairs ours was faster.
//!
//! `cargo bench -p mqtt-proto --bench paired -- [ROW_FILTER] [PAIRS]` (default: every row,
//! 20,000 pairs).
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use bytes::BytesMut;

mod common;

use common::{encode_inputs, rows};

/// Encodes per side and pair: long enough for `Instant`'s resolution at 2-byte packets.
const K: u32 = 200;

/// The mean time of `K` calls of `encode` (each side's loop compiled on its own).
#[inline(never)]
fn timed(mut encode: impl FnMut() -> usize) -> f64 {
    let start = Instant::now();
    for _ in 0..K {
        black_box(encode());
    }
    start.elapsed().as_nanos() as f64 / f64::from(K)
}

fn main() {
    // `cargo bench` passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let filter = args.first().cloned().unwrap_or_default();
    let pairs: u32 = args.get(1).map_or(20_000, |n| n.parse().unwrap());
    println!("| row | ours ns | rumqttc ns | rumqttc − ours, ns (± s.e.) | pairs ours faster |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for row in rows().into_iter().filter(|r| r.name.contains(&filter)) {
        let v = row.version;
        let (wire, theirs, ours) = encode_inputs(&row);
        let mut out = BytesMut::with_capacity(wire.len() * 2);
        let mut time = |ours_side: bool| {
            if ours_side {
                timed(|| {
                    out.clear();
                    black_box(&ours).encode(v, &mut out).unwrap()
                })
            } else {
                timed(|| {
                    out.clear();
                    black_box(&theirs).write(&mut out)
                })
            }
        };
        let mut diffs = Vec::with_capacity(pairs as usize);
        let (mut sum_ours, mut sum_theirs) = (0.0, 0.0);
        for pair in 0..pairs {
            let (o, t) = if pair % 2 == 0 {
                let o = time(true);
                (o, time(false))
            } else {
                let t = time(false);
                (time(true), t)
            };
            sum_ours += o;
            sum_theirs += t;
            diffs.push(t - o);
        }
        let n = f64::from(pairs);
        let mean = diffs.iter().sum::<f64>() / n;
        let var = diffs.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / (n - 1.0);
        let wins = diffs.iter().filter(|d| **d > 0.0).count();
        println!(
            "| {} | {:.1} | {:.1} | {:+.2} (± {:.2}) | {} of {} |",
            row.name,
            sum_ours / n,
            sum_theirs / n,
            mean,
            (var / n).sqrt(),
            wins,
            pairs
        );
    }
}
