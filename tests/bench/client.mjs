// Client end to end in headless Chromium (issue: "Performance: measured side by side with
// MQTT.js, mqtt-packet and rumqttc"): @mqtt-wasm/client vs MQTT.js 5 (its browser ESM
// bundle, dist/mqtt.esm.js) in the same page, against the same local Mosquitto over
// WebSocket, MQTT 5.0 both, alternating implementations round by round.
//
//   throughput: a client subscribes to its own topic and publishes N messages as fast as
//     the API allows (at most `window` publishes unresolved and `recvWindow` sent but not
//     yet received), timed until all N are received;
//   latency: 1,000 sequential QoS 1 round trips (publish, wait for the own message back);
//   connect: p50 of 20 connects (CONNACK) after 2 warm-up connects;
//   heap: JS heap (CDP HeapProfiler.collectGarbage, Performance.getMetrics JSHeapUsedSize)
//     after 100,000 received QoS 0 messages, client still connected, in a fresh page per
//     implementation; plus the wasm linear memory for ours.
//
// Broker stalls: Mosquitto 2.0.11 (Debian's) services its WebSocket connections once per pass of
// its main loop, and the loop sleeps up to 100 ms while no TCP socket is active. On an idle
// broker a packet it queues for a WebSocket client waits for the next pass: a QoS 1 round trip
// over WebSocket takes ~100 ms, against 0.6 ms over TCP (measured). Busy brokers do not sleep.
// So that the benchmark measures the clients rather than the idle loop, a "waker" TCP client
// (MQTT_TCP_ADDR) sends PINGREQ every millisecond while the benchmark runs, the same for both
// clients; BENCH_WAKER=0 leaves the broker idle (the stalls then dominate QoS 1/2 and latency).
//
//   node tests/bench/client.mjs   (env: MQTT_WS_URL, MQTT_TCP_ADDR, BENCH_SITE: a directory with
//     node_modules/@mqtt-wasm/client, mqtt.esm.js and vendor.js; BENCH_ROUNDS=3,
//     BENCH_QUICK=1 for small N, BENCH_PROFILE=1 to profile the throughput cases,
//     BENCH_HEAP_N=1000000 for the heap measurement over a million messages)
// Prints one JSON document on stdout.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchBrowser, serveStatic, openPage, median, machineLoad, profiled, chromiumCpuMs, chromiumThreadTicks, threadSplit, startWaker } from './lib.mjs';

const WS = process.env.MQTT_WS_URL;
const SITE = process.env.BENCH_SITE;
if (!WS || !SITE) throw new Error('MQTT_WS_URL and BENCH_SITE are required (run scripts/bench-browser.sh)');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const QUICK = process.env.BENCH_QUICK === '1';
const PROFILE = process.env.BENCH_PROFILE === '1';
const k = (n) => (QUICK ? Math.max(10, Math.round(n / 20)) : n);
// BENCH_CASES=qos0-64,qos1-64 runs only those throughput cases; BENCH_PARTS=throughput,latency,connect,heap.
const ONLY = process.env.BENCH_CASES?.split(',');
const PARTS = new Set((process.env.BENCH_PARTS ?? 'throughput,latency,connect,heap').split(','));

export const CASES = [
  { id: 'qos0-64', label: 'QoS 0, 64 B', qos: 0, size: 64, n: k(50_000), window: 1000, recvWindow: 1000 },
  { id: 'qos1-64', label: 'QoS 1, 64 B', qos: 1, size: 64, n: k(20_000), window: 16, recvWindow: 1000 },
  { id: 'qos2-64', label: 'QoS 2, 64 B', qos: 2, size: 64, n: k(10_000), window: 16, recvWindow: 1000 },
  { id: 'qos0-1k', label: 'QoS 0, 1 KiB', qos: 0, size: 1024, n: k(20_000), window: 1000, recvWindow: 1000 },
  { id: 'qos1-1k', label: 'QoS 1, 1 KiB', qos: 1, size: 1024, n: k(10_000), window: 16, recvWindow: 1000 },
  // Mosquitto 2.0.11's WebSocket listener sends a large message in ~4 KiB pieces, one per
  // pass of its event loop: ~1.5 s per 64 KiB message whichever the client (eclipse-mosquitto
  // issue #2252). So few messages and two rounds: these rows measure the broker.
  { id: 'qos0-64k', label: 'QoS 0, 64 KiB', qos: 0, size: 65536, n: 10, window: 10, recvWindow: 10, rounds: 2 },
  { id: 'qos1-64k', label: 'QoS 1, 64 KiB', qos: 1, size: 65536, n: 10, window: 10, recvWindow: 10, rounds: 2 },
];

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>client benchmark</title>
<link rel="icon" href="data:,">
<script type="importmap">{ "imports": {
  "@mqtt-wasm/client": "./node_modules/@mqtt-wasm/client/index.js"
} }</script>
<script type="module">
import * as ours from '@mqtt-wasm/client';
import mqttjs from './mqtt.esm.js';
import { Buffer } from './vendor.js';

// One adapter per implementation: the same calls, each as its documentation shows.
const impls = {
  ours: {
    connect: (url, clientId) => ours.connect(url, { clientId, protocolVersion: 5, keepalive: 60, reconnect: false }),
    bytes: (u8) => u8,
    subscribe: (c, topic, qos) => c.subscribe(topic, { qos }),
    publish: (c, topic, payload, qos) => c.publish(topic, payload, { qos }),
    end: (c) => c.end(),
  },
  mqttjs: {
    connect: (url, clientId) => mqttjs.connectAsync(url, { clientId, protocolVersion: 5, keepalive: 60, reconnectPeriod: 0 }),
    // MQTT.js takes a Buffer (or a string); a Buffer view of the same bytes, made once.
    bytes: (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength),
    subscribe: (c, topic, qos) => c.subscribeAsync(topic, { qos }),
    publish: (c, topic, payload, qos) => c.publishAsync(topic, payload, { qos }),
    end: (c) => c.endAsync(),
  },
};
// The floor: the least a browser MQTT client can do, so that the rows show what Chromium and
// Mosquitto leave to any client. A bare WebSocket, frames written by hand (MQTT 5.0, no
// properties), incoming frames split by their fixed header and otherwise not decoded (no UTF-8,
// no validation, no message object), acknowledgments sent; what is written before the next task
// (a MessageChannel message, as ours does) leaves in one WebSocket message. Not a client anyone
// should use: nothing is checked.
const te = new TextEncoder();
function bareConnect(url, clientId) {
  const ws = new WebSocket(url, 'mqtt');
  ws.binaryType = 'arraybuffer';
  let out = [], outLen = 0, flushQueued = false, closing = false, nextId = 0, onMessage = () => {}, rest = null;
  const nextTask = new MessageChannel();
  const waiting = new Map(); // packet id → resolve (SUBACK, PUBACK, PUBCOMP); 0 → CONNACK
  const flush = () => {
    flushQueued = false;
    const buf = new Uint8Array(outLen);
    let at = 0;
    for (const part of out) { buf.set(part, at); at += part.length; }
    out = []; outLen = 0;
    ws.send(buf);
    if (closing) ws.close(); // after the DISCONNECT that end() wrote
  };
  nextTask.port1.onmessage = flush;
  const write = (part) => {
    out.push(part); outLen += part.length;
    if (!flushQueued) { flushQueued = true; nextTask.port2.postMessage(0); }
  };
  const frame = (first, parts) => {
    let len = 0;
    for (const p of parts) len += p.length;
    const head = [first];
    for (let n = len; ; ) { const b = n & 0x7f; n >>= 7; if (n) head.push(b | 0x80); else { head.push(b); break; } }
    const f = new Uint8Array(head.length + len);
    f.set(head);
    let at = head.length;
    for (const p of parts) { f.set(p, at); at += p.length; }
    return f;
  };
  const str = (s) => { const b = te.encode(s); const f = new Uint8Array(2 + b.length); f[0] = b.length >> 8; f[1] = b.length & 255; f.set(b, 2); return f; };
  const id2 = (id) => new Uint8Array([id >> 8, id & 255]);
  const take = () => { nextId = (nextId % 65535) + 1; return nextId; };
  const ack = (first, id) => write(new Uint8Array([first, 2, id >> 8, id & 255]));
  const settle = (id) => { const ok = waiting.get(id); waiting.delete(id); ok?.(); };
  ws.onmessage = (e) => {
    let b = new Uint8Array(e.data);
    if (rest) { const j = new Uint8Array(rest.length + b.length); j.set(rest); j.set(b, rest.length); b = j; rest = null; }
    let at = 0;
    for (;;) {
      let len = 0, shift = 0, i = at + 1;
      for (; i < b.length && i < at + 5; i++) { len |= (b[i] & 0x7f) << shift; shift += 7; if (!(b[i] & 0x80)) break; }
      if (i >= b.length || at + 1 + (i - at) + len > b.length) { rest = at < b.length ? b.subarray(at) : null; return; }
      const body = i + 1, type = b[at] >> 4;
      if (type === 3) {
        const qos = (b[at] >> 1) & 3;
        const id = qos ? (b[body + 2 + ((b[body] << 8) | b[body + 1])] << 8) | b[body + 3 + ((b[body] << 8) | b[body + 1])] : 0;
        if (qos === 1) ack(0x40, id); else if (qos === 2) ack(0x50, id);
        onMessage();
      } else if (type === 2) settle(0);
      else if (type === 9 || type === 4 || type === 7) settle((b[body] << 8) | b[body + 1]);
      else if (type === 5) ack(0x62, (b[body] << 8) | b[body + 1]);
      else if (type === 6) ack(0x70, (b[body] << 8) | b[body + 1]);
      at = body + len;
    }
  };
  const until = (id) => new Promise((ok) => waiting.set(id, ok));
  const c = {
    on: (_event, fn) => { onMessage = fn; },
    subscribe(topic, qos) { const id = take(); write(frame(0x82, [id2(id), [0], str(topic), [qos]])); return until(id); },
    publish(topic, payload, qos) {
      if (qos === 0) { write(frame(0x30, [str(topic), [0], payload])); return Promise.resolve(); }
      const id = take();
      write(frame(0x30 | (qos << 1), [str(topic), id2(id), [0], payload]));
      return until(id);
    },
    end() {
      closing = true;
      write(new Uint8Array([0xe0, 0]));
      return new Promise((ok) => { ws.onclose = () => { nextTask.port1.close(); ok(); }; });
    },
  };
  return new Promise((ok, no) => {
    ws.onerror = () => no(new Error('bare: websocket error'));
    ws.onopen = () => {
      waiting.set(0, () => ok(c));
      write(frame(0x10, [str('MQTT'), [5, 2, 0, 60, 0], str(clientId)]));
    };
  });
}
impls.bare = {
  connect: bareConnect,
  bytes: (u8) => u8,
  subscribe: (c, topic, qos) => c.subscribe(topic, qos),
  publish: (c, topic, payload, qos) => c.publish(topic, payload, qos),
  end: (c) => c.end(),
};

const rand = () => Math.random().toString(36).slice(2, 10);
const within = (p, ms, what) =>
  Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error('timeout: ' + what)), ms))]);

/** Publishes n messages to its own subscription; ms until all are received. */
async function flood(name, c, topic, { qos, size, n, window, recvWindow }, timeoutMs) {
  const impl = impls[name];
  const payload = impl.bytes(new Uint8Array(size).fill(0x61));
  let received = 0, sent = 0, inflight = 0;
  let done, fail;
  const finished = new Promise((ok, no) => { done = ok; fail = no; });
  const pump = () => {
    while (sent < n && inflight < window && sent - received < recvWindow) {
      sent++;
      inflight++;
      impl.publish(c, topic, payload, qos).then(() => { inflight--; pump(); }, fail);
    }
  };
  c.on('message', () => {
    received++;
    if (received === n) done();
    else if (received > n) fail(new Error('duplicate'));
    else pump();
  });
  const t0 = performance.now();
  pump();
  await within(finished, timeoutMs, name + ' received ' + received + '/' + n);
  return performance.now() - t0;
}

window.bench = {
  async throughput(name, url, spec, timeoutMs) {
    const impl = impls[name];
    const c = await impl.connect(url, 'tp-' + name + '-' + rand());
    const topic = 'bench/' + name + '/' + rand();
    await impl.subscribe(c, topic, spec.qos);
    try {
      return await flood(name, c, topic, spec, timeoutMs);
    } finally {
      await impl.end(c);
    }
  },
  async latency(name, url, n) {
    const impl = impls[name];
    const c = await impl.connect(url, 'lat-' + name + '-' + rand());
    const topic = 'bench/lat/' + name + '/' + rand();
    await impl.subscribe(c, topic, 1);
    const payload = impl.bytes(new Uint8Array(64).fill(0x62));
    let arrived = () => {};
    c.on('message', () => arrived());
    const samples = [];
    for (let i = 0; i < n; i++) {
      const got = new Promise((ok) => { arrived = ok; });
      const t0 = performance.now();
      const ack = impl.publish(c, topic, payload, 1);
      await within(got, 10_000, 'round trip ' + i);
      samples.push(performance.now() - t0);
      await ack;
    }
    await impl.end(c);
    return samples;
  },
  async connects(name, url, n, warmup) {
    const impl = impls[name];
    const samples = [];
    for (let i = 0; i < n + warmup; i++) {
      const t0 = performance.now();
      const c = await within(impl.connect(url, 'con-' + name + '-' + rand()), 10_000, 'connect');
      const ms = performance.now() - t0;
      if (i >= warmup) samples.push(ms);
      await impl.end(c);
    }
    return samples;
  },
  // Heap: connect, receive n QoS 0 messages, keep the client (measured from Node), end later.
  async heapLoad(name, url, n) {
    const impl = impls[name];
    const c = await impl.connect(url, 'heap-' + name + '-' + rand());
    const topic = 'bench/heap/' + name + '/' + rand();
    await impl.subscribe(c, topic, 0);
    const ms = await flood(name, c, topic, { qos: 0, size: 64, n, window: 1000, recvWindow: 1000 }, 300_000);
    window.heapClient = c;
    return ms;
  },
  async heapEnd(name) {
    await impls[name].end(window.heapClient);
    window.heapClient = null;
  },
  // The WebSocket handshake alone (no MQTT), to split the connect time.
  async wsOpens(url, n) {
    const samples = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const ws = new WebSocket(url, 'mqtt');
      await within(new Promise((ok, no) => { ws.onopen = ok; ws.onerror = no; }), 10_000, 'websocket open');
      samples.push(performance.now() - t0);
      ws.close();
      await new Promise((ok) => { ws.onclose = ok; });
    }
    return samples;
  },
};
window.ready = true;
</script>`;

// Mosquitto's CPU time (utime + stime, ms) when BROKER_PID is given: broker work per message.
const BROKER_PID = process.env.BROKER_PID;
async function brokerCpuMs() {
  if (!BROKER_PID) return NaN;
  const f = (await readFile(`/proc/${BROKER_PID}/stat`, 'utf8')).split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // fields 14, 15; USER_HZ = 100
}

// The linear memory of every WebAssembly.Memory alive in the page (0 for MQTT.js), found with
// CDP's Runtime.queryObjects: the package does not export its wasm instance.
async function wasmMemoryBytes(cdp) {
  const { result: proto } = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId,
    functionDeclaration: 'function () { return this.reduce((sum, m) => sum + m.buffer.byteLength, 0); }',
    returnByValue: true,
  });
  return result.value;
}

const ORDER = (round) => (round % 2 === 0 ? ['ours', 'mqttjs'] : ['mqttjs', 'ours']);
// With the floor (`bare`) as well: each of the three goes first, second and last in turn.
const IMPLS = ['ours', 'mqttjs', 'bare'];
const ORDER3 = (round) => IMPLS.map((_, i) => IMPLS[(i + round) % IMPLS.length]);
const log = (...a) => console.error('[client]', ...a);

await writeFile(join(SITE, 'client.html'), PAGE);
const site = await serveStatic(SITE);
const browser = await launchBrowser();
const WAKER = process.env.BENCH_WAKER !== '0' && process.env.MQTT_TCP_ADDR ? await startWaker(process.env.MQTT_TCP_ADDR) : null;
const out = { when: new Date().toISOString(), rounds: ROUNDS, quick: QUICK, waker: WAKER !== null, loadBefore: await machineLoad(), throughput: [], profiles: {} };
try {
  let page = await openPage(browser, `${site.url}/client.html`);

  // Throughput, case by case, alternating which implementation goes first.
  for (const spec of PARTS.has('throughput') ? CASES.filter((c) => !ONLY || ONLY.includes(c.id)) : []) {
    const runs = { ours: [], mqttjs: [], bare: [] };
    const brokerUs = { ours: [], mqttjs: [], bare: [] };
    const chromeUs = { ours: [], mqttjs: [], bare: [] };
    const threadUs = { ours: [], mqttjs: [], bare: [] };
    // One untimed run of each first (a tenth of N), so that no timed round pays for compiling.
    for (const name of ORDER3(0)) {
      await page.evaluate(({ name, url, spec }) => window.bench.throughput(name, url, spec, 180_000), { name, url: WS, spec: { ...spec, n: Math.ceil(spec.n / 10) } });
    }
    for (let r = 0; r < (spec.rounds ?? ROUNDS); r++) {
      for (const name of ORDER3(r)) {
        const cpu0 = await brokerCpuMs();
        const ccpu0 = await chromiumCpuMs();
        const threads0 = await chromiumThreadTicks();
        const ms = await page.evaluate(({ name, url, spec }) => window.bench.throughput(name, url, spec, 180_000), { name, url: WS, spec });
        const cpu = (await brokerCpuMs()) - cpu0;
        const ccpu = (await chromiumCpuMs()) - ccpu0;
        const split = threadSplit(threads0, await chromiumThreadTicks(), spec.n);
        threadUs[name].push(split);
        log(spec.id, name, 'Chromium µs/msg by thread', JSON.stringify(split));
        chromeUs[name].push((ccpu * 1000) / spec.n);
        runs[name].push(ms);
        brokerUs[name].push((cpu * 1000) / spec.n);
        log(spec.id, name, `${Math.round((spec.n / ms) * 1000)} msg/s, broker ${Math.round(cpu)} ms CPU, chromium ${Math.round(ccpu)} ms CPU`);
      }
    }
    const rate = (name) => (spec.n / median(runs[name])) * 1000;
    out.throughput.push({
      ...spec,
      ms: runs,
      brokerCpuUsPerMsg: { ours: median(brokerUs.ours), mqttjs: median(brokerUs.mqttjs), bare: median(brokerUs.bare) },
      chromiumCpuUsPerMsg: { ours: median(chromeUs.ours), mqttjs: median(chromeUs.mqttjs), bare: median(chromeUs.bare) },
      chromiumThreadUsPerMsg: threadUs,
      ours: rate('ours'), mqttjs: rate('mqttjs'), bare: rate('bare'),
      oursMBps: (rate('ours') * spec.size) / 1e6, mqttjsMBps: (rate('mqttjs') * spec.size) / 1e6,
      ratio: rate('ours') / rate('mqttjs'),
    });
  }

  // Latency: 1,000 sequential QoS 1 round trips per implementation and round.
  const lat = { ours: [], mqttjs: [], bare: [] };
  for (let r = 0; r < (PARTS.has('latency') ? ROUNDS : 0); r++) {
    for (const name of ORDER3(r)) {
      lat[name].push(...(await page.evaluate(({ name, url }) => window.bench.latency(name, url, 1000), { name, url: WS })));
      log('latency', name, 'round', r);
    }
  }
  const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]; };
  out.latency = Object.fromEntries(Object.entries(lat).map(([n, xs]) => [n, { p50: q(xs, 0.5), p99: q(xs, 0.99), samples: xs.length }]));

  // Connect time.
  const con = { ours: [], mqttjs: [] };
  for (let r = 0; r < (PARTS.has('connect') ? ROUNDS : 0); r++) {
    for (const name of ORDER(r)) {
      con[name].push(...(await page.evaluate(({ name, url }) => window.bench.connects(name, url, 20, 2), { name, url: WS })));
    }
  }
  out.connect = Object.fromEntries(Object.entries(con).map(([n, xs]) => [n, { p50: q(xs, 0.5), samples: xs.length }]));
  if (PARTS.has('connect')) {
    const ws = await page.evaluate(({ url }) => window.bench.wsOpens(url, 20), { url: WS });
    out.connect.websocketOnly = { p50: q(ws, 0.5), samples: ws.length };
  }
  log('connect', JSON.stringify(out.connect));

  // Optional CPU profiles of the throughput cases (one run each, after the timed ones).
  if (PROFILE) {
    // WebSocket messages per MQTT message (CDP Network events), 5,000 messages each.
    out.wsFrames = {};
    for (const spec of CASES.filter((c) => ['qos0-64', 'qos1-64'].includes(c.id))) {
      for (const name of ['ours', 'mqttjs']) {
        const cdp = page.cdp();
        let sent = 0, received = 0;
        cdp.on('Network.webSocketFrameSent', () => sent++);
        cdp.on('Network.webSocketFrameReceived', () => received++);
        await cdp.send('Network.enable');
        const n = Math.min(spec.n, 5000);
        await page.evaluate(({ name, url, spec }) => window.bench.throughput(name, url, spec, 120_000), { name, url: WS, spec: { ...spec, n } });
        await cdp.send('Network.disable');
        await cdp.detach();
        out.wsFrames[`${spec.id}/${name}`] = { messages: n, sentPerMsg: sent / n, receivedPerMsg: received / n };
        log('ws frames', spec.id, name, JSON.stringify(out.wsFrames[`${spec.id}/${name}`]));
      }
    }
    for (const spec of CASES.filter((c) => (ONLY ?? ['qos0-64', 'qos1-64', 'qos2-64']).includes(c.id))) {
      for (const name of ['ours', 'mqttjs']) {
        const [, top] = await profiled(page, () =>
          page.evaluate(({ name, url, spec }) => window.bench.throughput(name, url, spec, 120_000), { name, url: WS, spec }),
        );
        out.profiles[`${spec.id}/${name}`] = top;
      }
    }
  }
  await page.close();

  // JS heap after 100,000 received messages: a fresh page per implementation.
  out.heap = {};
  const N_HEAP = Number(process.env.BENCH_HEAP_N ?? k(100_000));
  for (const name of PARTS.has('heap') ? ['ours', 'mqttjs'] : []) {
    page = await openPage(browser, `${site.url}/client.html`);
    const cdp = page.cdp();
    await cdp.send('Performance.enable');
    const heapNow = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const m = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
      return m.JSHeapUsedSize;
    };
    const before = await heapNow();
    const ms = await page.evaluate(({ name, url, n }) => window.bench.heapLoad(name, url, n), { name, url: WS, n: N_HEAP });
    const after = await heapNow();
    const wasm = await wasmMemoryBytes(cdp);
    await page.evaluate((name) => window.bench.heapEnd(name), name);
    out.heap[name] = { messages: N_HEAP, before, after, delta: after - before, wasmMemory: wasm, ms };
    log('heap', name, JSON.stringify(out.heap[name]));
    await cdp.detach();
    await page.close();
  }
  out.loadAfter = await machineLoad();
  if (WAKER) out.wakerPongs = WAKER.pongs();
} finally {
  WAKER?.stop();
  await browser.close();
  await site.close();
}
console.log(JSON.stringify(out));
