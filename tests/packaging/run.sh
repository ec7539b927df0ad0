#!/usr/bin/env bash
# The npm package tested as a consumer uses it: builds and packs it
# (scripts/build-npm.sh), installs this directory's tools (vite, typescript; from
# package-lock.json), then runs the node tests:
#   static.test.mjs  plain <script type="module"> page in headless Chromium
#   vite.test.mjs    a throw-away Vite app, `vite build`, in headless Chromium
#   types.test.mjs   tsc --noEmit on a typed consumer of every API
#   chaos.test.mjs   connections cut at random points by a proxy: no QoS 1/2 loss, no QoS 2 duplicate
#   interop.test.mjs a second broker from a registry (MQTT_INTEROP_BROKER=aedes, the default, or mosquitto)
#   persistence.test.mjs  a queued QoS 1 message survives a real page reload (IndexedDB)
#   restart.test.mjs a private Mosquitto restarted mid-flood: nothing lost, no QoS 2 duplicate
# Needs MQTT_WS_URL and MQTT_WS_AUTH_URL (scripts/test.sh starts Mosquitto and sets
# them) and the e2e harness's playwright-core (tests/e2e, installed by scripts/setup.sh).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
: "${MQTT_WS_URL:?MQTT_WS_URL is not set (scripts/test.sh starts the broker)}"
: "${MQTT_WS_AUTH_URL:?MQTT_WS_AUTH_URL is not set (scripts/test.sh starts the broker)}"

PACK_DIR="$(mktemp -d /tmp/mqtt-wasm-pack.XXXXXX)"
trap 'rm -rf "$PACK_DIR"' EXIT
NPM_TARBALL="$("$ROOT/scripts/build-npm.sh" "$PACK_DIR" | tail -1)"
export NPM_TARBALL

if [ ! -d "$HERE/node_modules/vite" ] || [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -d "$ROOT/tests/e2e/node_modules/playwright-core" ]; then
  (cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi

cd "$HERE"
exec node --test --test-concurrency=1 --test-reporter=spec static.test.mjs vite.test.mjs types.test.mjs chaos.test.mjs interop.test.mjs persistence.test.mjs restart.test.mjs
