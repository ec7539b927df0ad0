#!/usr/bin/env bash
# Start a local Mosquitto from tests/broker/mosquitto.conf.in.
#   source scripts/broker.sh; broker_start <tcp_port> <ws_port> <state_dir> [ws_auth_port] [wss_port]; ...; broker_stop
# The third listener (WebSocket, credentials demo/demo-pass required) defaults to
# ws_port + 1, the fourth (wss:// with a self-signed certificate for 127.0.0.1,
# tests/broker/tls-listener.conf.in) to ws_port + 2. After broker_start,
# BROKER_WSS_SPKI holds the base64 SHA-256 of the certificate's public key (for
# Chromium's --ignore-certificate-errors-spki-list).
# broker_start waits (bounded) until both listeners accept connections.
# Sets BROKER_PID, and broker_stop is safe to call twice.

broker_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

broker_wait_port() { # port, tries (100 ms apart)
  local port=$1 tries=${2:-100}
  for ((i = 0; i < tries; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$BROKER_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

broker_start() {
  local tcp=$1 ws=$2 dir=$3 ws_auth=${4:-$(($2 + 1))} wss=${5:-$(($2 + 2))} root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  mkdir -p "$dir"
  BROKER_WS_AUTH_PORT=$ws_auth
  printf 'demo:demo-pass\n' >"$dir/passwords"
  mosquitto_passwd -U "$dir/passwords"
  sed -e "s|@TCP_PORT@|$tcp|" -e "s|@WS_PORT@|$ws|" -e "s|@WS_AUTH_PORT@|$ws_auth|" -e "s|@DATA_DIR@|$dir|" \
    "$root/tests/broker/mosquitto.conf.in" >"$dir/mosquitto.conf"
  if [ ! -f "$dir/tls-cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
      -keyout "$dir/tls-key.pem" -out "$dir/tls-cert.pem" 2>/dev/null || return 1
  fi
  sed -e "s|@WSS_PORT@|$wss|" -e "s|@DATA_DIR@|$dir|" "$root/tests/broker/tls-listener.conf.in" >>"$dir/mosquitto.conf"
  BROKER_WSS_PORT=$wss
  BROKER_WSS_SPKI=$(openssl x509 -pubkey -noout -in "$dir/tls-cert.pem" | openssl pkey -pubin -outform der |
    openssl dgst -sha256 -binary | base64)
  local bin=mosquitto
  command -v mosquitto >/dev/null 2>&1 || bin=/usr/sbin/mosquitto
  "$bin" -c "$dir/mosquitto.conf" >>"$dir/mosquitto.log" 2>&1 &
  BROKER_PID=$!
  if ! broker_wait_port "$tcp" || ! broker_wait_port "$ws" || ! broker_wait_port "$ws_auth" || ! broker_wait_port "$wss"; then
    echo "mosquitto failed to start; its log:" >&2
    cat "$dir/mosquitto.log" >&2
    return 1
  fi
  echo "mosquitto (pid $BROKER_PID): mqtt://127.0.0.1:$tcp  ws://127.0.0.1:$ws  ws://127.0.0.1:$ws_auth (auth)  wss://127.0.0.1:$wss  log $dir/mosquitto.log"
}

broker_stop() {
  if [ -n "${BROKER_PID:-}" ] && kill -0 "$BROKER_PID" 2>/dev/null; then
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
  fi
  BROKER_PID=
}
