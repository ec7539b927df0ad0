#!/usr/bin/env node
// Shortens the names a wasm-bindgen module and its JS glue use to link to each other, as
// binaryen's --minify-imports-and-exports does for Emscripten (wasm-opt cannot run after
// wasm-bindgen here: see build-npm.sh).
//
//   node scripts/minify-wasm-names.mjs DIR/NAME_bg.wasm DIR/NAME.js
//
// wasm-bindgen names each import after the JS function plus a 16-hex-digit hash
// (`__wbg_close_26b9e4417c1df338`), under the module "./NAME_bg.js"; the hashes do not
// compress, and every name is written twice (wasm import section, JS import object). The
// imports become `a`, `b`, ... under module "a"; the exports (`rawclient_publish`,
// `__wbindgen_export3`, ...) likewise. Rewrites both files in place, then checks the pair:
// every import of the new module is a key of the glue's import object and every export the
// glue reads exists, else it exits non-zero and writes nothing.
//
// The glue is wasm-bindgen's `--target web` output, unminified: its import object is
// `const import0 = { __proto__: null, NAME: function(...) {...}, ... }`, returned as
// `{ "./NAME_bg.js": import0 }`, and it reads exports as `wasm.NAME`.
import fs from 'node:fs';

const [wasmPath, jsPath] = process.argv.slice(2);
if (!wasmPath || !jsPath) {
  console.error('usage: minify-wasm-names.mjs NAME_bg.wasm NAME.js');
  process.exit(2);
}
const fail = (msg) => {
  console.error(`minify-wasm-names: ${msg}`);
  process.exit(1);
};

const wasm = fs.readFileSync(wasmPath);
let js = fs.readFileSync(jsPath, 'utf8');

// --- wasm binary helpers
const readU32 = (b, at) => {
  let value = 0, shift = 0, byte;
  do {
    if (at >= b.length) fail('truncated LEB128');
    byte = b[at++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [value >>> 0, at];
};
const u32 = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
};
const name = (s) => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([u32(b.length), b]);
};
const readName = (b, at) => {
  const [len, from] = readU32(b, at);
  return [b.subarray(from, from + len).toString('utf8'), from + len];
};
// Skips a limits structure (tables, memories): flags, min, max when flag bit 0.
const skipLimits = (b, at) => {
  const flags = b[at];
  let next = readU32(b, at + 1)[1];
  if (flags & 1) next = readU32(b, next)[1];
  return next;
};

// Short identifiers, valid as JS property names: a..z, A..Z, then two letters.
const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const shortName = (i) => (i < ALPHA.length ? ALPHA[i] : ALPHA[Math.floor(i / ALPHA.length) - 1] + ALPHA[i % ALPHA.length]);

const modMatch = js.match(/return \{\s*__proto__: null,\s*"([^"]+)": import0,\s*\};/);
if (!modMatch) fail(`no import object "{ \\"./…_bg.js\\": import0 }" in ${jsPath}`);
const moduleName = modMatch[1];
const NEW_MODULE = 'a';

const importMap = new Map(); // old field → new field
const exportMap = new Map();
const sections = [wasm.subarray(0, 8)];
let at = 8;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, bodyAt] = readU32(wasm, at + 1);
  const end = bodyAt + size;
  if (id === 2) {
    // import section: vec(module name, field name, importdesc)
    let [count, p] = readU32(wasm, bodyAt);
    const out = [u32(count)];
    for (let i = 0; i < count; i++) {
      let mod, field;
      [mod, p] = readName(wasm, p);
      [field, p] = readName(wasm, p);
      const descAt = p;
      const kind = wasm[p++];
      if (kind === 0) p = readU32(wasm, p)[1]; // func: type index
      else if (kind === 1) p = skipLimits(wasm, p + 1); // table: reftype, limits
      else if (kind === 2) p = skipLimits(wasm, p); // memory: limits
      else if (kind === 3) p += 2; // global: valtype, mut
      else fail(`unknown import kind ${kind}`);
      if (mod === moduleName) {
        if (!importMap.has(field)) importMap.set(field, shortName(importMap.size));
        out.push(name(NEW_MODULE), name(importMap.get(field)));
      } else {
        out.push(name(mod), name(field));
      }
      out.push(wasm.subarray(descAt, p));
    }
    if (p !== end) fail('import section length mismatch');
    const body = Buffer.concat(out);
    sections.push(Buffer.from([2]), u32(body.length), body);
  } else if (id === 7) {
    // export section: vec(name, kind, index)
    let [count, p] = readU32(wasm, bodyAt);
    const out = [u32(count)];
    for (let i = 0; i < count; i++) {
      let field;
      [field, p] = readName(wasm, p);
      const descAt = p;
      p = readU32(wasm, p + 1)[1];
      exportMap.set(field, shortName(exportMap.size));
      out.push(name(exportMap.get(field)), wasm.subarray(descAt, p));
    }
    if (p !== end) fail('export section length mismatch');
    const body = Buffer.concat(out);
    sections.push(Buffer.from([7]), u32(body.length), body);
  } else {
    sections.push(wasm.subarray(at, end));
  }
  at = end;
}
if (importMap.size === 0) fail(`no imports from "${moduleName}" (already minified?)`);

const escape = (s) => s.replace(/[$]/g, '\\$');
// Import object keys: `        NAME: function` at the start of a line.
for (const [from, to] of importMap) {
  const re = new RegExp(`^(\\s+)${escape(from)}(: function)`, 'gm');
  const hits = js.match(re)?.length ?? 0;
  if (hits !== 1) fail(`import ${from}: ${hits} keys in the glue, expected 1`);
  js = js.replace(re, `$1${to}$2`);
}
js = js.replace(modMatch[0], modMatch[0].replace(`"${moduleName}"`, NEW_MODULE));
// Exports: read as `wasm.NAME` (whole identifier).
for (const [from, to] of exportMap) {
  js = js.replace(new RegExp(`\\bwasm\\.${escape(from)}(?![\\w$])`, 'g'), `wasm.${to}`);
}
// Nothing may still use an old name.
for (const old of [...importMap.keys(), ...exportMap.keys()]) {
  if (new RegExp(`(?<![\\w$])${escape(old)}(?![\\w$])`).test(js.replace(/^\s*\/\/.*$/gm, ''))) {
    // A glue function may share an export's name (`function __wasm_bindgen_func_elem_200`):
    // that is a local JS name, not a link; only `wasm.` reads and import keys link.
    if (exportMap.has(old) && !new RegExp(`wasm\\.${escape(old)}(?![\\w$])`).test(js)) continue;
    fail(`the glue still names ${old}`);
  }
}

// Check the pair before writing: the glue's import object covers the module's imports.
const mod = new WebAssembly.Module(Buffer.concat(sections));
const keys = new Set([...js.matchAll(/^\s+([A-Za-z_$][\w$]*): function/gm)].map((m) => m[1]));
for (const imp of WebAssembly.Module.imports(mod)) {
  if (imp.module === NEW_MODULE && !keys.has(imp.name)) fail(`import ${imp.name} has no key in the glue`);
}
const exported = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
for (const m of js.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)) {
  if (!exported.has(m[1])) fail(`the glue reads wasm.${m[1]}, which is not exported`);
}

fs.writeFileSync(wasmPath, Buffer.concat(sections));
fs.writeFileSync(jsPath, js);
console.error(`minify-wasm-names: ${importMap.size} imports, ${exportMap.size} exports renamed`);
