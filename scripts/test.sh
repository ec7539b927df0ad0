#!/usr/bin/env bash
# Command 2: every test. Installs what is missing (scripts/setup.sh), starts its own
# Mosquitto on free loopback ports, runs
#   1. native:  cargo test --workspace
#   2. wasm:    wasm-bindgen-test in headless Chromium (mqtt-proto, client-wasm) against the broker
#   3. e2e:     the Trunk-built inspector driven by Playwright (playwright-core + Debian Chromium)
# and stops the broker on exit, even on failure. Every stage runs; the exit code is
# non-zero if any failed. The output ends with the runners' own summary lines.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh || { echo "setup failed" >&2; exit 1; }
export PATH="$HOME/.cargo/bin:$PATH"

# shellcheck source=broker.sh
source scripts/broker.sh
STATE="$(mktemp -d /tmp/mqtt-test.XXXXXX)"
cleanup() {
  [ -n "${FAULT_PID:-}" ] && kill "$FAULT_PID" 2>/dev/null
  broker_stop
  rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TCP_PORT="${MQTT_TCP_PORT:-$(broker_free_port)}"
WS_PORT="${MQTT_WS_PORT:-$(broker_free_port)}"
WS_AUTH_PORT="${MQTT_WS_AUTH_PORT:-$(broker_free_port)}"
WSS_PORT="${MQTT_WSS_PORT:-$(broker_free_port)}"
broker_start "$TCP_PORT" "$WS_PORT" "$STATE/broker" "$WS_AUTH_PORT" "$WSS_PORT" || exit 1
export MQTT_TCP_ADDR="127.0.0.1:$TCP_PORT"
export MQTT_WS_URL="ws://127.0.0.1:$WS_PORT"
export MQTT_WS_AUTH_URL="ws://127.0.0.1:$WS_AUTH_PORT"
export MQTT_WSS_URL="wss://127.0.0.1:$WSS_PORT"
export MQTT_WSS_SPKI="$BROKER_WSS_SPKI"
export MOSQUITTO_PID="$BROKER_PID"

# The fault-injecting peer (tests/src/fault_peer) for the browser client's
# hardening tests: a scripted MQTT server on WebSocket and TCP, scenario by URL path.
FAULT_WS_PORT="$(broker_free_port)"
FAULT_TCP_PORT="$(broker_free_port)"
cargo build -q -p mqtt-tests --bin fault-peer || exit 1
"${CARGO_TARGET_DIR:-target}/debug/fault-peer" --quiet --ws-port "$FAULT_WS_PORT" --tcp-port "$FAULT_TCP_PORT" \
  >"$STATE/fault-peer.out" 2>"$STATE/fault-peer.log" &
FAULT_PID=$!
for ((i = 0; i < 100; i++)); do grep -qx ready "$STATE/fault-peer.out" && break; sleep 0.1; done
grep -qx ready "$STATE/fault-peer.out" || { echo "fault-peer did not start" >&2; cat "$STATE/fault-peer.log" >&2; exit 1; }
export MQTT_FAULT_WS_URL="ws://127.0.0.1:$FAULT_WS_PORT" # read at compile time by client-wasm/tests/faults.rs
export MQTT_FAULT_TCP_ADDR="127.0.0.1:$FAULT_TCP_PORT"
export TEST_ARTIFACTS="$ROOT/tests/artifacts"
mkdir -p "$TEST_ARTIFACTS"

failed=()
stage() { # name, command...
  local name=$1; shift
  printf '\n\033[1;34m==== %s: %s\033[0m\n' "$name" "$*"
  local start=$SECONDS
  if "$@" 2>&1 | tee "$STATE/$name.log"; then
    printf '\033[1;32m==== %s passed (%ss)\033[0m\n' "$name" $((SECONDS - start))
  else
    printf '\033[1;31m==== %s FAILED (%ss)\033[0m\n' "$name" $((SECONDS - start))
    failed+=("$name")
  fi
}

stage native cargo test --workspace --all-targets

wasm_tests() {
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER="$(command -v chromedriver)" \
  WASM_BINDGEN_TEST_TIMEOUT=120 \
    cargo test --target wasm32-unknown-unknown -p mqtt-proto -p client-wasm --tests
}
stage wasm wasm_tests

e2e_tests() {
  trunk build --dist "$STATE/dist" && INSPECTOR_DIST="$STATE/dist" npm --prefix tests/e2e test
}
stage e2e e2e_tests

# The npm package as a consumer uses it: packed tarball in a plain page and a Vite
# app (Chromium), and tsc on a typed consumer.
stage packaging bash tests/packaging/run.sh

# Bounded fuzzing of the codec and the session (cargo-fuzz / libFuzzer): each
# target 200,000 executions or 30 s. Longer runs: scripts/fuzz.sh long N.
stage fuzz bash scripts/fuzz.sh smoke

printf '\n==== summary\n'
for name in native wasm e2e packaging fuzz; do
  [ -f "$STATE/$name.log" ] || continue
  grep -E '^(test result:|# (tests|pass|fail|skipped) )|^ℹ (tests|pass|fail|skipped) |^.*\[fuzz\].*execs' "$STATE/$name.log" | sed "s/^/$name: /"
done
# Totals over every runner: cargo's "test result:" lines and node's "ℹ pass/fail".
passed=$(cat "$STATE"/*.log | sed -nE 's/^test result: .* ([0-9]+) passed; ([0-9]+) failed.*/\1/p; s/^ℹ pass ([0-9]+)$/\1/p' | awk '{s+=$1} END {print s+0}')
nfailed=$(cat "$STATE"/*.log | sed -nE 's/^test result: .* ([0-9]+) passed; ([0-9]+) failed.*/\2/p; s/^ℹ fail ([0-9]+)$/\1/p' | awk '{s+=$1} END {print s+0}')
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED stages: ${failed[*]}"
  # A stage that failed before its runner could count (a build error) still counts.
  [ "$nfailed" -eq 0 ] && nfailed=${#failed[@]}
fi
echo "total: ${passed:-0} passed, ${nfailed:-0} failed"
[ ${#failed[@]} -eq 0 ]
