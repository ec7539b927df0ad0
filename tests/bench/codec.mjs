// Codec in the browser (issue: "Performance: measured side by side with MQTT.js, mqtt-packet
// and rumqttc"): our wasm decoder/encoder called from JS, boundary included, vs mqtt-packet
// 9 (bundled for the browser with esbuild, as an app would) in the same headless Chromium
// page, alternating round by round.
//
// Decode: one Uint8Array holding many MQTT 5.0 frames (written by mqtt-packet's generate())
//   → ours: benchDecode (the client's receive path: copied into wasm memory, except the payloads
//   of PUBLISH frames of 8 KiB or more, left in JS memory; the streaming Decoder; a 2-number
//   summary back); mqtt-packet: one parser (kept, as a client keeps it).parse(Buffer view),
//   counting 'packet' events. Encode: N PUBLISHes from arrays of topics and payloads → ours:
//   the payloads concatenated in JS, benchEncodePublishes, all frames back in one Uint8Array;
//   mqtt-packet: generate() per packet.
// Each measurement repeats the call for >= BENCH_MS (default 400 ms) after a warm-up.
//
//   node tests/bench/codec.mjs   (env: BENCH_SITE with codec/ (wasm-bindgen output of the
//     bench-api build) and vendor.js; BENCH_ROUNDS=3; BENCH_PROFILE=1)
// Prints one JSON document on stdout.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchBrowser, serveStatic, openPage, median, machineLoad, profiled } from './lib.mjs';

const SITE = process.env.BENCH_SITE;
if (!SITE) throw new Error('BENCH_SITE is required (run scripts/bench-browser.sh)');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MS = Number(process.env.BENCH_MS ?? 400);
const PROFILE = process.env.BENCH_PROFILE === '1';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>codec benchmark</title>
<link rel="icon" href="data:,">
<script type="module">
import init, { benchDecode, benchEncodePublishes } from './${process.env.BENCH_CODEC_DIR ?? 'codec'}/client_wasm.js';
import { Buffer, mqttPacket } from './vendor.js';
await init();

const V = 5;
const opts = { protocolVersion: V };
const bytes = (n, c) => Buffer.alloc(n, c);
// The mix of the issue, as MQTT 5.0 frames.
const KINDS = {
  'PUBLISH QoS 0, 64 B': { cmd: 'publish', topic: 'sensors/room-1/temperature', payload: bytes(64, 0x61), qos: 0, dup: false, retain: false },
  'PUBLISH QoS 1, 1 KiB': { cmd: 'publish', topic: 'sensors/room-1/temperature', payload: bytes(1024, 0x62), qos: 1, messageId: 7, dup: false, retain: false },
  // Around the size from which the client leaves payloads in JS memory (client-wasm/src/incoming.rs).
  'PUBLISH QoS 1, 4 KiB': { cmd: 'publish', topic: 'camera/1/frame', payload: bytes(4096, 0x63), qos: 1, messageId: 8, dup: false, retain: false },
  'PUBLISH QoS 1, 8 KiB': { cmd: 'publish', topic: 'camera/1/frame', payload: bytes(8192, 0x63), qos: 1, messageId: 8, dup: false, retain: false },
  'PUBLISH QoS 1, 16 KiB': { cmd: 'publish', topic: 'camera/1/frame', payload: bytes(16384, 0x63), qos: 1, messageId: 8, dup: false, retain: false },
  'PUBLISH QoS 1, 64 KiB': { cmd: 'publish', topic: 'camera/1/frame', payload: bytes(65536, 0x63), qos: 1, messageId: 8, dup: false, retain: false },
  'PUBLISH 5.0 + properties': {
    cmd: 'publish', topic: 'req/time', payload: bytes(128, 0x64), qos: 1, messageId: 9, dup: false, retain: false,
    properties: { payloadFormatIndicator: true, messageExpiryInterval: 60, contentType: 'application/json', responseTopic: 'res/time/client-1',
      correlationData: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), userProperties: { app: 'bench', region: 'eu-1', trace: 'abc123' } },
  },
  'SUBSCRIBE, 10 filters': { cmd: 'subscribe', messageId: 10, subscriptions: Array.from({ length: 10 }, (_, i) => ({ topic: 'sensors/+/room-' + i + '/#', qos: 1, nl: false, rap: false, rh: 0 })) },
  'PUBACK': { cmd: 'puback', messageId: 11, reasonCode: 0 },
  'PUBREC': { cmd: 'pubrec', messageId: 12, reasonCode: 0 },
  'PUBREL': { cmd: 'pubrel', messageId: 13, reasonCode: 0 },
  'PUBCOMP': { cmd: 'pubcomp', messageId: 14, reasonCode: 0 },
  'PINGREQ': { cmd: 'pingreq' },
};
const frame = Object.fromEntries(Object.entries(KINDS).map(([k, p]) => [k, mqttPacket.generate(p, opts)]));

function batchOf(frames, count) {
  const len = frames.reduce((s, f) => s + f.length, 0) * count;
  const out = new Uint8Array(len);
  let o = 0;
  for (let i = 0; i < count; i++) for (const f of frames) { out.set(f, o); o += f.length; }
  return { bytes: out, packets: frames.length * count };
}
// ~256 KiB (at most 10,000 packets, at least 16) per batch: one WebSocket message's worth.
const DECODE = Object.entries(frame).map(([k, f]) => [k, batchOf([f], Math.max(16, Math.min(10_000, Math.floor(262144 / f.length))))]);
DECODE.push(['mix: one of each, repeated', batchOf(Object.values(frame), 20)]);

function timed(fn, ms) {
  const end0 = performance.now() + 100; // warm-up
  while (performance.now() < end0) fn();
  let n = 0;
  const t0 = performance.now();
  let t;
  do { fn(); n++; } while ((t = performance.now()) - t0 < ms);
  return { calls: n, ms: t - t0 };
}

const decoders = {
  ours(b) {
    return () => {
      const r = benchDecode(b.bytes, V);
      if (r[0] !== b.packets) throw new Error('ours decoded ' + r[0] + ' of ' + b.packets);
    };
  },
  mqttPacket(b) {
    const parser = mqttPacket.parser(opts);
    let count = 0;
    parser.on('packet', () => count++);
    parser.on('error', (e) => { throw e; });
    const view = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
    return () => {
      count = 0;
      parser.parse(view);
      if (count !== b.packets) throw new Error('mqtt-packet decoded ' + count + ' of ' + b.packets);
    };
  },
};

// Encode inputs: arrays of (topic, payload), as an application hands them over.
function encodeInput(size, qos, n) {
  const topics = Array.from({ length: n }, (_, i) => 'sensors/room-' + (i % 100) + '/temperature');
  const payloads = Array.from({ length: n }, (_, i) => new Uint8Array(size).fill(0x61 + (i % 26)));
  return { topics, payloads, qos, n };
}
const ENCODE = [
  ['PUBLISH QoS 0, 64 B', encodeInput(64, 0, 2000)],
  ['PUBLISH QoS 1, 1 KiB', encodeInput(1024, 1, 1000)],
  ['PUBLISH QoS 1, 64 KiB', encodeInput(65536, 1, 16)],
];
const encoders = {
  ours(e) {
    const ends = new Uint32Array(e.n);
    return () => {
      let len = 0;
      for (let i = 0; i < e.n; i++) len += e.payloads[i].length;
      const all = new Uint8Array(len);
      let o = 0;
      for (let i = 0; i < e.n; i++) { all.set(e.payloads[i], o); o += e.payloads[i].length; ends[i] = o; }
      return benchEncodePublishes(e.topics, all, ends, e.qos, V).length;
    };
  },
  mqttPacket(e) {
    // MQTT.js hands mqtt-packet a Buffer: a view of each payload, made once.
    const bufs = e.payloads.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength));
    return () => {
      let len = 0;
      for (let i = 0; i < e.n; i++) {
        len += mqttPacket.generate({ cmd: 'publish', topic: e.topics[i], payload: bufs[i], qos: e.qos, messageId: e.qos ? (i % 65535) + 1 : undefined, dup: false, retain: false }, opts).length;
      }
      return len;
    };
  },
};

window.bench = {
  rows: () => ({ decode: DECODE.map(([k, b]) => [k, b.packets, b.bytes.length]), encode: ENCODE.map(([k, e]) => [k, e.n]) }),
  decode(row, impl, ms) {
    const [, b] = DECODE[row];
    const r = timed(decoders[impl](b), ms);
    return { ...r, packets: r.calls * b.packets, bytes: r.calls * b.bytes.length };
  },
  encode(row, impl, ms) {
    const [, e] = ENCODE[row];
    const fn = encoders[impl](e);
    const perCall = fn();
    const r = timed(fn, ms);
    return { ...r, packets: r.calls * e.n, bytes: r.calls * perCall, perCall };
  },
};
window.ready = true;
</script>`;

const ORDER = (round) => (round % 2 === 0 ? ['ours', 'mqttPacket'] : ['mqttPacket', 'ours']);
const log = (...a) => console.error('[codec]', ...a);

await writeFile(join(SITE, 'codec.html'), PAGE);
const site = await serveStatic(SITE);
const browser = await launchBrowser();
const out = { when: new Date().toISOString(), rounds: ROUNDS, loadBefore: await machineLoad(), decode: [], encode: [], profiles: {} };
try {
  const page = await openPage(browser, `${site.url}/codec.html`);
  const rows = await page.evaluate(() => window.bench.rows());
  for (const op of ['decode', 'encode']) {
    for (let row = 0; row < rows[op].length; row++) {
      const runs = { ours: [], mqttPacket: [] };
      let perCall;
      for (let r = 0; r < ROUNDS; r++) {
        for (const impl of ORDER(r)) {
          const m = await page.evaluate(({ op, row, impl, ms }) => window.bench[op](row, impl, ms), { op, row, impl, ms: MS });
          runs[impl].push({ pps: (m.packets / m.ms) * 1000, mbps: m.bytes / m.ms / 1000 });
          perCall ??= {};
          perCall[impl] = m.perCall;
        }
      }
      const pps = (impl) => median(runs[impl].map((x) => x.pps));
      const mbps = (impl) => median(runs[impl].map((x) => x.mbps));
      const res = {
        label: rows[op][row][0], batchPackets: rows[op][row][1], batchBytes: rows[op][row][2], perCall,
        ours: pps('ours'), oursMBps: mbps('ours'), mqttPacket: pps('mqttPacket'), mqttPacketMBps: mbps('mqttPacket'),
        ratio: pps('ours') / pps('mqttPacket'),
      };
      out[op].push(res);
      log(op, res.label, Math.round(res.ours), Math.round(res.mqttPacket), res.ratio.toFixed(2));
    }
  }
  if (PROFILE) {
    for (const [op, row] of [['decode', 0], ['decode', 2], ['decode', 4], ['decode', 5], ['encode', 0], ['encode', 2]]) {
      for (const impl of ['ours', 'mqttPacket']) {
        const [, top] = await profiled(page, () => page.evaluate(({ op, row, impl }) => window.bench[op](row, impl, 1500), { op, row, impl }));
        out.profiles[`${op}/${rows[op][row][0]}/${impl}`] = top;
      }
    }
  }
  out.loadAfter = await machineLoad();
} finally {
  await browser.close();
  await site.close();
}
console.log(JSON.stringify(out));
