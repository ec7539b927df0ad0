#!/usr/bin/env bash
# Command 1: the inspector against a local broker.
# Installs what is missing (scripts/setup.sh), starts Mosquitto on 127.0.0.1
# (TCP $MQTT_TCP_PORT, default 1883; WebSocket $MQTT_WS_PORT, default 9001) and
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
HTTP_PORT="${INSPECTOR_PORT:-8080}"
STATE="${MQTT_STATE_DIR:-$ROOT/target/broker}"
trap broker_stop EXIT
trap 'exit 130' INT TERM
broker_start "$TCP_PORT" "$WS_PORT" "$STATE"

URL="http://127.0.0.1:$HTTP_PORT/?broker=ws://127.0.0.1:$WS_PORT"
printf '\n  Inspector: \033[1m%s\033[0m\n  Broker:    mqtt://127.0.0.1:%s (TCP), ws://127.0.0.1:%s (WebSocket)\n  Ctrl-C stops both.\n\n' \
  "$URL" "$TCP_PORT" "$WS_PORT"
trunk serve --port "$HTTP_PORT" --address 127.0.0.1
