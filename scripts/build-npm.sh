#!/usr/bin/env bash
# Builds the npm package @mqtt-wasm/client from client-wasm (feature js-api), two modules:
# client_wasm (without feature `persistence`) and client_wasm_persist (with it), each:
#   cargo build (release: opt-level z, LTO; std rebuilt with panic = immediate-abort when
#   rust-src is installed, as scripts/setup.sh does) → wasm-opt -Oz
#   → wasm-bindgen --target web → client-wasm/npm/dist/ → import/export names shortened
#     (scripts/minify-wasm-names.mjs)
# then a staging copy of the package: index.js and client_wasm's glue bundled into one
# minified index.js, client_wasm_persist's glue minified beside its wasm in dist/ (esbuild,
# client-wasm/npm/package-lock.json) → `npm pack` into OUT_DIR.
# Prints the raw and gzip -9 sizes of what ships.
#
#   scripts/build-npm.sh [OUT_DIR]     (default: target/npm)
# Prints the tarball's path as the last line. CARGO_TARGET_DIR is honoured.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

OUT_DIR="${1:-$ROOT/target/npm}"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PKG="$ROOT/client-wasm/npm"
DIST="$PKG/dist"

log() { printf '\033[1;34m[build-npm]\033[0m %s\n' "$*" >&2; }

rm -rf "$DIST"
mkdir -p "$DIST"
if [ ! -x "$PKG/node_modules/.bin/esbuild" ] || [ "$PKG/package-lock.json" -nt "$PKG/node_modules/.package-lock.json" ]; then
  log "npm ci (client-wasm/npm: esbuild)"
  (cd "$PKG" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# Two modules: client_wasm (no persistence: what every page loads) and client_wasm_persist
# (feature `persistence`: IndexedDB; index.js imports it only for a client created with the
# `persistence` option). Each: cargo build → wasm-opt → wasm-bindgen → names shortened.
#   build_module OUT_NAME CARGO_FEATURE_ARGS...
build_module() {
  local name=$1 wasm
  shift
  if rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
    # The standard library rebuilt with panics that trap at once (no panic messages, locations
    # or formatting machinery: the release profile's panic = "abort" still formats them):
    # -6 KB gzipped. -Z location-detail=none drops the source paths panics would have named
    # (never shown once panics trap): -0.3 KB gzipped. Stable rustc with RUSTC_BOOTSTRAP, as
    # cargo-fuzz uses it; its own target directory, since the flags differ from every other build.
    log "$name: cargo build -p client-wasm --release $* -Z build-std (panic = immediate-abort)"
    # -Z mir-opt-level=1 keeps rustc's basic MIR clean-ups and skips the heavier MIR
    # optimisations that level 2 (the release default) adds on top of LLVM's: -0.34 KB gzipped
    # (BENCHMARKS.md, stop 14). EXTRA_RUSTFLAGS adds flags for size experiments.
    RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zmir-opt-level=1 ${EXTRA_RUSTFLAGS:-}" CARGO_TARGET_DIR="$TARGET_DIR/npm-std" \
      cargo build -p client-wasm --release "$@" --target wasm32-unknown-unknown \
      -Z build-std=std,panic_abort >&2
    wasm="$TARGET_DIR/npm-std/wasm32-unknown-unknown/release/client_wasm.wasm"
  else
    log "$name: cargo build -p client-wasm --release $* (no rust-src: std as shipped)"
    cargo build -p client-wasm --release "$@" --target wasm32-unknown-unknown >&2
    wasm="$TARGET_DIR/wasm32-unknown-unknown/release/client_wasm.wasm"
  fi
  # wasm-opt runs on rustc's output, before wasm-bindgen: Debian's binaryen 108
  # re-points the export of wasm-bindgen's second table (the externref table) at
  # table 0 when it rewrites a module with two tables, which breaks instantiation.
  # The features are the ones rustc's wasm32 target enables by default. --converge repeats the
  # passes while they still shrink the module (-0.3 KB gzipped). --low-memory-unused lets binaryen
  # fold constant offsets into loads and stores, assuming addresses below 1024 are never used:
  # rustc's wasm32 layout puts the 1 MiB stack first, growing down from 1 MiB towards 0, with data
  # and heap above it, so only a stack 1023 KiB deep would reach them (-0.4 KB gzipped).
  # Then --flatten --rereloop rebuilds every function's control flow with the Relooper from its
  # basic blocks, and two more -Oz rounds clean up after it: -0.49 KB gzipped (BENCHMARKS.md,
  # stop 15). WASM_OPT_EXTRA adds passes for size experiments.
  log "$name: wasm-opt -Oz --converge --low-memory-unused --flatten --rereloop -Oz -Oz"
  wasm-opt -Oz --converge --low-memory-unused --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-multivalue --enable-reference-types \
    --flatten --rereloop -Oz -Oz ${WASM_OPT_EXTRA:-} \
    "$wasm" -o "$DIST/$name.opt.wasm" >&2
  # The name section (function names for stack traces) and the producers section are not needed
  # by consumers: ~3.7 KB raw.
  log "$name: wasm-bindgen --target web"
  wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir "$DIST" --out-name "$name" "$DIST/$name.opt.wasm" 2>&1 \
    | grep -v 'target_features. custom section is missing' >&2 || true
  rm -f "$DIST/$name.opt.wasm"
  # The names linking the wasm and the glue (~80 imports named with a 16-hex-digit hash each,
  # ~26 exports) shortened to a, b, ... in both files, and the pair checked: -3.4 KB gzipped.
  log "$name: minify-wasm-names"
  node "$ROOT/scripts/minify-wasm-names.mjs" "$DIST/${name}_bg.wasm" "$DIST/$name.js"
}
build_module client_wasm --no-default-features --features js-api
build_module client_wasm_persist --features js-api,persistence

# The generated .d.ts files describe the internal RawClient only; index.d.ts is the API.
rm -f "$DIST"/*.d.ts

# The package as published: index.js with the glue bundled into it and minified (esbuild:
# identifiers, whitespace, the glue's unused exports; same ES module semantics), the wasm
# copied. One JS file, as gzip then shares one dictionary: -0.37 KB gzipped against two. The
# glue finds the wasm with `new URL('client_wasm_bg.wasm', import.meta.url)`, relative to
# dist/; bundled into the package root, that becomes './dist/client_wasm_bg.wasm'.
STAGE="$TARGET_DIR/npm-stage"
rm -rf "$STAGE"
mkdir -p "$STAGE/dist" "$STAGE/src/dist"
cp "$PKG/package.json" "$PKG/index.d.ts" "$PKG/README.md" "$STAGE/"
cp "$DIST/client_wasm_bg.wasm" "$DIST/client_wasm_persist_bg.wasm" "$STAGE/dist/"
cp "$PKG/index.js" "$STAGE/src/"
WASM_URL="new URL('client_wasm_bg.wasm', import.meta.url)"
grep -qF "$WASM_URL" "$DIST/client_wasm.js" || { echo "build-npm: the glue does not load the wasm with $WASM_URL" >&2; exit 1; }
sed "s|$WASM_URL|new URL('./dist/client_wasm_bg.wasm', import.meta.url)|" "$DIST/client_wasm.js" >"$STAGE/src/dist/client_wasm.js"
log "esbuild --bundle --minify index.js (with the glue), --minify dist/client_wasm_persist.js"
# The persistence module stays a file of its own, imported by index.js only when needed.
"$PKG/node_modules/.bin/esbuild" --bundle --minify --format=esm --target=es2022 --log-level=warning \
  --external:./dist/client_wasm_persist.js "$STAGE/src/index.js" --outfile="$STAGE/index.js" >&2
"$PKG/node_modules/.bin/esbuild" --minify --format=esm --target=es2022 --log-level=warning \
  "$DIST/client_wasm_persist.js" --outfile="$STAGE/dist/client_wasm_persist.js" >&2
rm -rf "$STAGE/src"
grep -qF 'import("./dist/client_wasm_persist.js")' "$STAGE/index.js" ||
  { echo "build-npm: index.js does not import ./dist/client_wasm_persist.js on demand" >&2; exit 1; }

size_row() { # label, file
  printf '%-34s %9d B raw %9d B gzip -9\n' "$1" "$(wc -c <"$2")" "$(gzip -9 -c <"$2" | wc -c)" >&2
}
log "sizes (gzip -9 -c | wc -c):"
size_row "dist/client_wasm_bg.wasm" "$STAGE/dist/client_wasm_bg.wasm"
size_row "index.js (API wrapper + glue)" "$STAGE/index.js"
size_row "dist/client_wasm_persist_bg.wasm" "$STAGE/dist/client_wasm_persist_bg.wasm"
size_row "dist/client_wasm_persist.js (glue)" "$STAGE/dist/client_wasm_persist.js"
gzsum() { local gz=0 f; for f in "$@"; do gz=$((gz + $(gzip -9 -c <"$f" | wc -c))); done; echo "$gz"; }
# The budget is issue #7's "60 KB gzipped", in the unit of its "MQTT.js is about 105 KB" (104,932 B).
PAGE_GZ=$(gzsum "$STAGE/index.js" "$STAGE/dist/client_wasm_bg.wasm")
printf '%-34s %9s   %9d B gzip -9 (index.js + client_wasm_bg.wasm, each gzipped; budget 60000)\n' "total shipped, without persistence" "" \
  "$PAGE_GZ" >&2
[ "$PAGE_GZ" -le 60000 ] || log "WARNING: a page loads $PAGE_GZ B gzipped, over the 60,000 B budget"
printf '%-34s %9s   %9d B gzip -9 (index.js + the persist glue and wasm)\n' "total shipped, with persistence" "" \
  "$(gzsum "$STAGE/index.js" "$STAGE/dist/client_wasm_persist.js" "$STAGE/dist/client_wasm_persist_bg.wasm")" >&2

log "npm pack → $OUT_DIR"
tarball=$(cd "$STAGE" && npm pack --silent --pack-destination "$OUT_DIR" | tail -1)
echo "$OUT_DIR/$tarball"
