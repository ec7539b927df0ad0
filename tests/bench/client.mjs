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
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { launchBrowser, serveStatic, openPage, median, machineLoad, profiled } from './lib.mjs';

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

// CPU time of Chromium (all processes of our browser: renderer, network service, GPU, browser):
// every descendant of this Node process (which launched it), Node itself excluded.
async function chromiumCpuMs() {
  const { readdir } = await import('node:fs/promises');
  const procs = [];
  for (const d of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(d)) continue;
    const text = await readFile(`/proc/${d}/stat`, 'utf8').catch(() => null);
    if (!text) continue;
    const f = text.slice(text.lastIndexOf(') ') + 2).split(' ');
    procs.push({ pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (!mine.has(p.pid) && mine.has(p.ppid)) { mine.add(p.pid); grew = true; }
  }
  return (procs.filter((p) => mine.has(p.pid) && p.pid !== process.pid).reduce((s, p) => s + p.ticks, 0) * 1000) / 100;
}

// The waker (see the top): an MQTT 3.1.1 connection over TCP sending PINGREQ every 1 ms.
// Counts the PINGRESPs, so the report can show it ran.
async function startWaker(addr) {
  const [host, port] = addr.split(':');
  const sock = tcpConnect({ host, port: Number(port) });
  sock.setNoDelay(true);
  await new Promise((ok, no) => { sock.once('connect', ok); sock.once('error', no); });
  const id = Buffer.from('bench-waker');
  // CONNECT: "MQTT", level 4, clean session, keep-alive 60 s.
  const body = Buffer.concat([Buffer.from([0, 4]), Buffer.from('MQTT'), Buffer.from([4, 2, 0, 60, 0, id.length]), id]);
  sock.write(Buffer.concat([Buffer.from([0x10, body.length]), body]));
  // The broker answers with CONNACK (4 bytes), then 2 bytes per PINGRESP.
  let received = 0;
  sock.on('data', (d) => { received += d.length; });
  sock.on('error', () => {});
  const timer = setInterval(() => sock.write(Buffer.from([0xc0, 0])), 1);
  return { pongs: () => Math.max(0, (received - 4) / 2), stop: () => { clearInterval(timer); sock.destroy(); } };
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
    const runs = { ours: [], mqttjs: [] };
    const brokerUs = { ours: [], mqttjs: [] };
    const chromeUs = { ours: [], mqttjs: [] };
    for (let r = 0; r < (spec.rounds ?? ROUNDS); r++) {
      for (const name of ORDER(r)) {
        const cpu0 = await brokerCpuMs();
        const ccpu0 = await chromiumCpuMs();
        const ms = await page.evaluate(({ name, url, spec }) => window.bench.throughput(name, url, spec, 180_000), { name, url: WS, spec });
        const cpu = (await brokerCpuMs()) - cpu0;
        const ccpu = (await chromiumCpuMs()) - ccpu0;
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
      brokerCpuUsPerMsg: { ours: median(brokerUs.ours), mqttjs: median(brokerUs.mqttjs) },
      chromiumCpuUsPerMsg: { ours: median(chromeUs.ours), mqttjs: median(chromeUs.mqttjs) },
      ours: rate('ours'), mqttjs: rate('mqttjs'),
      oursMBps: (rate('ours') * spec.size) / 1e6, mqttjsMBps: (rate('mqttjs') * spec.size) / 1e6,
      ratio: rate('ours') / rate('mqttjs'),
    });
  }

  // Latency: 1,000 sequential QoS 1 round trips per implementation and round.
  const lat = { ours: [], mqttjs: [] };
  for (let r = 0; r < (PARTS.has('latency') ? ROUNDS : 0); r++) {
    for (const name of ORDER(r)) {
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
        const cdp = await page.context().newCDPSession(page);
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
    const cdp = await page.context().newCDPSession(page);
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
