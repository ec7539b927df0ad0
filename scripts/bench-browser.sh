#!/usr/bin/env bash
# Browser benchmarks (issue: "Performance: measured side by side with MQTT.js, mqtt-packet
# and rumqttc"), all in one command:
#   1. codec in headless Chromium: our wasm codec (feature bench-api) vs mqtt-packet;
#   2. client end to end: @mqtt-wasm/client vs MQTT.js 5 and a floor client (a bare WebSocket,
#      the least any client can do) against one local Mosquitto, Chromium driven over its
#      DevTools pipe (tests/bench/lib.mjs) (throughput QoS 0/1/2, 1 KiB, 64 KiB; QoS 1
#      round-trip latency; connect; JS heap);
#      and the broker's own ceiling with mosquitto_pub / mosquitto_sub over TCP;
#   3. the inspector's transfer size (trunk build --release; raw and gzip -9 per file).
# Prints the tables. Works in a fresh directory under /tmp (a snapshot of the sources, so a
# build never races other work in the tree; the npm deps of tests/bench via `npm ci`); writes
# nothing else outside /tmp unless --write, which replaces the "Browser benchmarks" sections
# of BENCHMARKS.md.
#
#   scripts/bench-browser.sh [--write] [--quick] [--rounds N] [--only codec,client,broker,sizes]
#                            [--profile] [--rev GIT_REV]
# --rev builds that commit (`git archive`, read-only) instead of the working tree, e.g. while
# the tree is mid-edit; the bench-api feature (client-wasm/src/js/bench.rs) is added if missing.
# CARGO_TARGET_DIR is honoured (default /tmp/bench-browser-target); KEEP_TMP=1 keeps the work dir.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

ARGS="$*"
WRITE=0 QUICK=0 ROUNDS=3 ONLY="codec,client,broker,sizes" PROFILE=0 REV=""
while [ $# -gt 0 ]; do
  case "$1" in
    --write) WRITE=1 ;;
    --quick) QUICK=1 ;;
    --rounds) ROUNDS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --profile) PROFILE=1 ;;
    --rev) REV=$2; shift ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }
log() { printf '\033[1;35m[bench-browser]\033[0m %s\n' "$*" >&2; }

WORK="$(mktemp -d /tmp/bench-browser.XXXXXX)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/bench-browser-target}"
source "$ROOT/scripts/broker.sh"
cleanup() {
  broker_stop
  if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
RESULTS="$WORK/results"
mkdir -p "$RESULTS" "$WORK/site"

mkdir -p "$WORK/src"
if [ -n "$REV" ]; then
  log "sources of $REV (git archive) → $WORK/src"
  git -C "$ROOT" archive "$REV" | tar -C "$WORK/src" -xf -
  JS="$WORK/src/client-wasm/src/js"
  cp "$ROOT/client-wasm/src/js/bench.rs" "$JS/bench.rs"
  grep -q '^bench-api' "$WORK/src/client-wasm/Cargo.toml" ||
    sed -i 's/^js-api = \[\]$/&\nbench-api = ["js-api"]/' "$WORK/src/client-wasm/Cargo.toml"
  grep -q '^mod bench;' "$JS/mod.rs" || sed -i '0,/^mod error;$/s//#[cfg(feature = "bench-api")]\nmod bench;\nmod error;/' "$JS/mod.rs"
else
  log "snapshot of the working tree → $WORK/src"
  tar -C "$ROOT" --exclude=./target --exclude=./dist --exclude=node_modules --exclude=./.git \
    --exclude=./client-wasm/npm/dist --exclude='./mqtt-proto/fuzz/corpus' --exclude='./mqtt-proto/fuzz/artifacts' \
    --exclude='./mqtt-proto/fuzz/target' -cf - . | tar -C "$WORK/src" -xf -
fi

log "benchmark dependencies (npm ci) → $WORK/bench"
mkdir -p "$WORK/bench"
cp "$ROOT"/tests/bench/package.json "$ROOT"/tests/bench/package-lock.json "$ROOT"/tests/bench/*.mjs "$WORK/bench/"
(cd "$WORK/bench" && timeout 300 npm ci --no-audit --no-fund --loglevel=error >&2)
cp "$WORK/bench/node_modules/mqtt/dist/mqtt.esm.js" "$WORK/site/"
"$WORK/bench/node_modules/.bin/esbuild" "$WORK/bench/vendor-entry.mjs" --bundle --format=esm --platform=browser \
  --minify --define:global=globalThis --log-level=warning --outfile="$WORK/site/vendor.js" >&2
MQTTJS_VERSION=$(node -p "require('$WORK/bench/node_modules/mqtt/package.json').version")
MQTT_PACKET_VERSION=$(node -p "require('$WORK/bench/node_modules/mqtt-packet/package.json').version")

if want client; then
  log "npm package (scripts/build-npm.sh, in the snapshot)"
  TARBALL=$(bash "$WORK/src/scripts/build-npm.sh" "$WORK/npm" 2>"$WORK/build-npm.log" | tail -1) || { cat "$WORK/build-npm.log" >&2; exit 1; }
  grep -E 'B raw|total shipped' "$WORK/build-npm.log" | sed 's/^/  /' >&2
  (cd "$WORK/site" && echo '{"name":"bench-site","private":true}' >package.json &&
    timeout 120 npm install "$TARBALL" --no-audit --no-fund --loglevel=error --prefer-offline >&2)
fi

if want codec; then
  log "codec entry points: client-wasm --features js-api,bench-api (release profile, wasm-opt -Oz, as shipped)"
  (cd "$WORK/src" && cargo build -p client-wasm --release --features js-api,bench-api --target wasm32-unknown-unknown >&2)
  wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/client_wasm.wasm" -o "$WORK/codec.opt.wasm" >&2
  wasm-bindgen --target web --out-dir "$WORK/site/codec" --out-name client_wasm "$WORK/codec.opt.wasm" 2>&1 \
    | grep -v 'target_features. custom section is missing' >&2 || true
fi

if want client || want broker; then
  TCP=$(broker_free_port) WS=$(broker_free_port) WSA=$(broker_free_port) WSS=$(broker_free_port)
  broker_start "$TCP" "$WS" "$WORK/broker" "$WSA" "$WSS" >&2
fi

if want broker; then
  # The broker's ceiling with its own C clients over TCP: mosquitto_sub -C N counts while
  # mosquitto_pub -l publishes N lines; timed from the first publish to the last receipt.
  log "broker ceiling: mosquitto_pub -l → mosquitto_sub -C N over TCP"
  ceiling() { # qos size n
    local qos=$1 size=$2 n=$3 line
    line=$(head -c "$((size - 1))" /dev/zero | tr '\0' 'a')
    yes "$line" | head -n "$n" >"$WORK/lines"
    timeout 120 mosquitto_sub -h 127.0.0.1 -p "$TCP" -t "ceiling/$qos/$size" -q "$qos" -C "$n" >/dev/null &
    local sub=$!
    sleep 0.5
    local t0 t1
    t0=$(date +%s%N)
    timeout 120 mosquitto_pub -h 127.0.0.1 -p "$TCP" -t "ceiling/$qos/$size" -q "$qos" -l <"$WORK/lines"
    wait "$sub"
    t1=$(date +%s%N)
    echo "$(((t1 - t0) / 1000))"
  }
  N0=100000 N1=50000 NBIG=2000
  [ "$QUICK" = 1 ] && N0=5000 N1=2000 NBIG=100
  {
    echo '{"runs":['
    sep=''
    for r in $(seq 1 "$ROUNDS"); do
      for spec in "0 64 $N0" "1 64 $N1" "2 64 $N1" "0 1024 $N1" "0 65536 $NBIG"; do
        set -- $spec
        us=$(ceiling "$1" "$2" "$3")
        printf '%s{"qos":%s,"size":%s,"n":%s,"us":%s}\n' "$sep" "$1" "$2" "$3" "$us"
        sep=','
      done
    done
    echo ']}'
  } >"$RESULTS/broker.json"
fi

if want codec; then
  log "codec benchmark (headless Chromium)"
  (cd "$WORK/bench" && BENCH_SITE="$WORK/site" BENCH_ROUNDS="$ROUNDS" BENCH_PROFILE="$PROFILE" \
    timeout 900 node codec.mjs >"$RESULTS/codec.json")
fi

if want client; then
  log "client end to end (headless Chromium, Mosquitto ws://127.0.0.1:$WS)"
  (cd "$WORK/bench" && MQTT_WS_URL="ws://127.0.0.1:$WS" MQTT_TCP_ADDR="127.0.0.1:$TCP" BENCH_SITE="$WORK/site" BENCH_ROUNDS="$ROUNDS" \
    BENCH_QUICK="$QUICK" BENCH_PROFILE="$PROFILE" BROKER_PID="$BROKER_PID" timeout 2400 node client.mjs >"$RESULTS/client.json")
fi

if want sizes; then
  log "inspector: trunk build --release (in the snapshot)"
  (cd "$WORK/src" && trunk build --release --dist "$WORK/dist-rel" >"$WORK/trunk.log" 2>&1) || { tail -30 "$WORK/trunk.log" >&2; exit 1; }
  {
    echo '{"files":['
    sep=''
    for f in "$WORK/dist-rel"/*; do
      printf '%s{"file":"%s","raw":%d,"gzip":%d}\n' "$sep" "$(basename "$f")" "$(wc -c <"$f")" "$(gzip -9 -c <"$f" | wc -c)"
      sep=','
    done
    echo ']}'
  } >"$RESULTS/sizes.json"
fi

broker_stop
if [ -n "$REV" ]; then SOURCE="$REV = $(git -C "$ROOT" rev-parse --short "$REV")"
else SOURCE="working tree: $(git -C "$ROOT" rev-parse --short HEAD) + uncommitted changes"; fi
cat >"$RESULTS/meta.json" <<JSON
{"date":"$(date -u +%Y-%m-%d)","cores":$(nproc),"cpu":"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')",
 "load":"$(cut -d' ' -f1-3 /proc/loadavg)","chromium":"$(chromium --version 2>/dev/null | head -1)",
 "mosquitto":"$(mosquitto -h 2>&1 | head -1 | sed 's/^mosquitto version //')","node":"$(node --version)",
 "mqttjs":"$MQTTJS_VERSION","mqttPacket":"$MQTT_PACKET_VERSION","rounds":$ROUNDS,"quick":$QUICK,
 "source":"$SOURCE",
 "command":"scripts/bench-browser.sh${ARGS:+ $ARGS}"}
JSON
WRITE_TO=""
[ "$WRITE" = 1 ] && WRITE_TO="$ROOT/BENCHMARKS.md"
node "$WORK/bench/report.mjs" "$RESULTS" "$WRITE_TO"
