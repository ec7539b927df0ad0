#!/usr/bin/env bash
# Command 1: the inspector against a local broker.
# Installs what is missing (scripts/setup.sh), starts Mosquitto on 127.0.0.1
# (TCP $MQTT_TCP_PORT, default 1883; WebSocket $MQTT_WS_PORT, default 9001; WebSocket
# with credentials $MQTT_WS_AUTH_PORT, default 9002; wss $MQTT_WSS_PORT, default 9003) and
# serves the inspector with `trunk serve` on $INSPECTOR_PORT (default 8080),
# pre-pointed at that broker. Ctrl-C stops both.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

# shellcheck source=broker.sh
source scripts/broker.sh
TCP_PORT="${MQTT_TCP_PORT:-1883}"
WS_PORT="${MQTT_WS_PORT:-9001}"
WS_AUTH_PORT="${MQTT_WS_AUTH_PORT:-$((WS_PORT + 1))}"
WSS_PORT="${MQTT_WSS_PORT:-$((WS_PORT + 2))}"
HTTP_PORT="${INSPECTOR_PORT:-8080}"
STATE="${MQTT_STATE_DIR:-$ROOT/target/broker}"
trap broker_stop EXIT
trap 'exit 130' INT TERM
broker_start "$TCP_PORT" "$WS_PORT" "$STATE" "$WS_AUTH_PORT" "$WSS_PORT"

URL="http://127.0.0.1:$HTTP_PORT/?broker=ws://127.0.0.1:$WS_PORT"
printf '\n  Inspector: \033[1m%s\033[0m\n  Broker:    mqtt://127.0.0.1:%s (TCP), ws://127.0.0.1:%s (WebSocket),\n             ws://127.0.0.1:%s (user demo, password demo-pass), wss://127.0.0.1:%s (self-signed)\n  Ctrl-C stops both.\n\n' \
  "$URL" "$TCP_PORT" "$WS_PORT" "$WS_AUTH_PORT" "$WSS_PORT"
# Trunk.toml binds 127.0.0.1 only ([serve] addresses).
trunk serve --port "$HTTP_PORT"
