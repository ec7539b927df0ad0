#!/usr/bin/env bash
# Fuzzes mqtt-proto with cargo-fuzz (libFuzzer): targets decode, roundtrip, session
# (mqtt-proto/fuzz/fuzz_targets/).
#
#   scripts/fuzz.sh smoke            each target for 200,000 runs or 30 s, whichever comes first
#   scripts/fuzz.sh long N           each target for N executions
#   scripts/fuzz.sh run TARGET ARGS  one target, ARGS passed to libFuzzer (e.g. -max_total_time=600)
#
# Installs cargo-fuzz if missing. Only stable Rust is needed: cargo-fuzz passes nightly-only flags
# (-Zsanitizer, -Cpasses=sancov), which RUSTC_BOOTSTRAP=1 enables on stable.
# The crate forbids unsafe code, so targets build without a sanitizer by default (several times
# faster); FUZZ_SANITIZER=address turns AddressSanitizer on. Debug assertions and overflow checks
# are always on. The corpus grows in mqtt-proto/fuzz/corpus/TARGET; a crash is saved in
# mqtt-proto/fuzz/artifacts/TARGET/ and makes this script fail (turn it into a test in
# mqtt-proto/tests/fuzz_regressions.rs).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT/mqtt-proto"
export PATH="$HOME/.cargo/bin:$PATH"
export RUSTC_BOOTSTRAP=1

TARGETS=(decode roundtrip session)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/fuzz"
SANITIZER="${FUZZ_SANITIZER:-none}"

log() { printf '\033[1;34m[fuzz]\033[0m %s\n' "$*"; }

if ! cargo fuzz --version >/dev/null 2>&1; then
  log "cargo install cargo-fuzz"
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

FLAGS=(--release --debug-assertions --sanitizer "$SANITIZER" --target-dir "$TARGET_DIR")

# run_target TARGET LIBFUZZER_ARGS...: runs one target, prints "TARGET: N execs in S s".
run_target() {
  local target="$1"
  shift
  local logfile
  logfile="$(mktemp "/tmp/fuzz-$target.XXXXXX")"
  mkdir -p "fuzz/corpus/$target"
  local start end status=0
  start=$(date +%s)
  # The session target slows down as inputs grow (each is a whole conversation): cap them.
  local extra=()
  [ "$target" = session ] && extra=(-max_len=1024)
  cargo fuzz run "${FLAGS[@]}" "$target" -- -print_final_stats=1 "${extra[@]}" "$@" >"$logfile" 2>&1 || status=$?
  end=$(date +%s)
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$logfile" >&2
    log "$target FAILED (exit $status); log: $logfile; artifacts: mqtt-proto/fuzz/artifacts/$target/"
    return "$status"
  fi
  local execs
  execs=$(awk '/stat::number_of_executed_units:/{print $2}' "$logfile")
  log "$target: ${execs:-?} execs in $((end - start)) s, 0 crashes (log: $logfile)"
}

mode="${1:-smoke}"
case "$mode" in
  smoke)
    cargo fuzz build "${FLAGS[@]}"
    for t in "${TARGETS[@]}"; do
      run_target "$t" -runs="${FUZZ_SMOKE_RUNS:-200000}" -max_total_time="${FUZZ_SMOKE_SECONDS:-30}"
    done
    ;;
  long)
    runs="${2:?usage: scripts/fuzz.sh long N}"
    cargo fuzz build "${FLAGS[@]}"
    for t in "${TARGETS[@]}"; do
      run_target "$t" -runs="$runs"
    done
    ;;
  run)
    target="${2:?usage: scripts/fuzz.sh run TARGET [libFuzzer args]}"
    shift 2
    cargo fuzz run "${FLAGS[@]}" "$target" -- "$@"
    ;;
  *)
    echo "usage: scripts/fuzz.sh smoke | long N | run TARGET [args]" >&2
    exit 2
    ;;
esac
