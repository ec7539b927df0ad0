#!/usr/bin/env bash
# Codec throughput: mqtt-proto vs rumqttc's codec (mqttbytes v4 / v5) on the same packets
# (mqtt-proto/benches/codec.rs, criterion), then a table of packets/s, MB/s and ratios.
#
#   scripts/bench.sh                 the whole mix
#   scripts/bench.sh FILTER          only the benchmarks whose id matches FILTER (e.g. publish_qos1)
#
# Results: target/criterion (HTML-less: criterion is built without plotters). The table is made
# from criterion's estimates (mean time per packet). Environment: CARGO_TARGET_DIR is honoured.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

[ "${BENCH_TABLE_ONLY:-0}" = 1 ] || cargo bench -p mqtt-proto --bench codec -- "$@"

# Summary table from criterion's estimates.json files.
python3 - "$TARGET_DIR/criterion" <<'PY'
import json, os, sys
base = sys.argv[1]
rows = []
for group in sorted(os.listdir(base)):
    gdir = os.path.join(base, group)
    def read(op, lib):
        d = os.path.join(gdir, f"{op}_{lib}", "new")
        try:
            est = json.load(open(os.path.join(d, "estimates.json")))
            bench = json.load(open(os.path.join(d, "benchmark.json")))
        except OSError:
            return None
        ns = est["mean"]["point_estimate"]
        thr = bench.get("throughput") or {}
        nbytes = (thr.get("ElementsAndBytes") or {}).get("bytes") or thr.get("Bytes") or 0
        return ns, nbytes
    for op in ("decode", "encode"):
        ours, theirs = read(op, "ours"), read(op, "rumqttc")
        if ours and theirs:
            rows.append((group, op, ours, theirs, read(op, "floor") if op == "encode" else None))
if not rows:
    sys.exit(0)
def fmt(ns, nbytes):
    pps = 1e9 / ns
    mbs = nbytes * pps / 1e6
    return f"{pps/1e6:8.2f} M/s {mbs:9.1f} MB/s"
print()
print("| packet | op | bytes | ours (packets/s, MB/s) | rumqttc (packets/s, MB/s) | ours / rumqttc | ns: ours / rumqttc / floor |")
print("|---|---|---:|---:|---:|---:|---:|")
for group, op, (ons, nbytes), (tns, _), floor in rows:
    # floor (encode): copying the finished frame into the cleared buffer, the least any encoder
    # that writes into a buffer can do.
    ns = f"{ons:.1f} / {tns:.1f}" + (f" / {floor[0]:.1f}" if floor else "")
    print(f"| {group} | {op} | {nbytes} | {fmt(ons, nbytes)} | {fmt(tns, nbytes)} | {tns/ons:.2f}x | {ns} |")
PY
