//! Codec throughput on a realistic mix of packets, ours and rumqttc's (`mqttbytes` v4 / v5) side
//! by side on the same bytes.
//!
//! Each row's wire bytes are produced once by our encoder; rumqttc's packet values are what
//! rumqttc decodes from those bytes, so both codecs decode and encode the same packets.
//!
//! - decode: from a `BytesMut` holding one frame (filled outside the timed section) to a packet
//!   value: ours splits the frame and calls [`Packet::decode`] (fixed header, strict validation,
//!   zero-copy fields); rumqttc calls its `Packet::read` (fixed header, split, parse).
//!   The packet is dropped inside the timed section (a consumer drops what it handled; keeping
//!   the outputs would measure the harness's memory instead).
//! - encode: a packet value appended to a cleared, pre-allocated `BytesMut`; each side encodes
//!   the value it decoded from the row's wire bytes (payloads are slices of a received frame on
//!   both sides, as when a broker or bridge forwards what it received: the same slice, so that
//!   the one payload copy both make is the same copy).
//!
//! Reported per packet (elements/s) and per byte (MB/s). Run with `scripts/bench.sh`.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use mqtt_proto::Packet;

mod common;

use common::{encode_inputs, rows, Theirs};

fn codec(c: &mut Criterion) {
    for row in rows() {
        let v = row.version;
        let (wire, theirs, ours) = encode_inputs(&row);
        let len = wire.len();

        let mut group = c.benchmark_group(row.name);
        group.throughput(Throughput::ElementsAndBytes {
            elements: 1,
            bytes: len as u64,
        });
        let fresh = || BytesMut::from(&wire[..]);
        group.bench_function("decode/ours", |b| {
            b.iter_batched_ref(
                fresh,
                |buf| {
                    let packet = Packet::decode(v, black_box(buf.split().freeze())).unwrap();
                    drop(black_box(packet));
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_function("decode/rumqttc", |b| {
            b.iter_batched_ref(
                fresh,
                |buf| drop(black_box(Theirs::read(v, black_box(buf)))),
                BatchSize::SmallInput,
            )
        });
        // Each side encodes the packet value it decoded from the same wire bytes, and copies the
        // very same payload bytes ([`encode_inputs`]): separate buffers would differ in
        // alignment, and `memcpy`'s speed with it, by more than the rest of the encoding costs.
        let mut out = BytesMut::with_capacity(len * 2);
        group.bench_function("encode/ours", |b| {
            b.iter(|| {
                out.clear();
                black_box(&ours).encode(v, &mut out).unwrap()
            })
        });
        group.bench_function("encode/rumqttc", |b| {
            b.iter(|| {
                out.clear();
                black_box(&theirs).write(&mut out)
            })
        });
        // The floor of any encoder that writes into a buffer: one copy of the finished frame.
        group.bench_function("encode/floor", |b| {
            b.iter(|| {
                out.clear();
                out.extend_from_slice(black_box(&wire[..]));
                out.len()
            })
        });
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = codec
}
criterion_main!(benches);
