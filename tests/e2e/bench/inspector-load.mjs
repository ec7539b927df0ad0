// Inspector under load (issue: performance): 10,000 messages/s over 1,000 topics
// for 30 s into the inspector subscribed to `load/#`, in headless Chromium.
// Measures frames per second (requestAnimationFrame), the longest main-thread
// task (PerformanceObserver 'longtask'), JS heap (CDP) at the end, and how long
// the message tab takes to open afterwards. Prints one JSON line.
//
//   node tests/e2e/bench/inspector-load.mjs   (env: MQTT_WS_URL, MQTT_TCP_ADDR, INSPECTOR_DIST, LOAD_BIN,
//                                               LOAD_RATE=10000, LOAD_TOPICS=1000, LOAD_SECONDS=30,
//                                               LOAD_PROFILE=1: the renderer's CPU profile from 10 s to
//                                               20 s, self time by kind and top functions, on stderr)
import { spawn } from 'node:child_process';
// The benchmarks' Chromium driver (a DevTools pipe, no npm dependency), not Playwright: Playwright
// enables the DevTools Network domain, and Chromium then reports every WebSocket frame to the
// driver, which doubled its CPU per received message (BENCHMARKS.md). At 10,000 messages/s that
// would load the renderer with work no user's browser does.
import { launchBrowser, serveStatic } from '../../bench/lib.mjs';

const DIST = process.env.INSPECTOR_DIST;
const LOAD_BIN = process.env.LOAD_BIN;
const RATE = process.env.LOAD_RATE ?? '10000';
const TOPICS = process.env.LOAD_TOPICS ?? '1000';
const SECONDS = Number(process.env.LOAD_SECONDS ?? '30');
const BROKER_WS = process.env.MQTT_WS_URL;
if (!DIST || !LOAD_BIN || !process.env.MQTT_TCP_ADDR || !BROKER_WS) {
  throw new Error('INSPECTOR_DIST, LOAD_BIN, MQTT_TCP_ADDR and MQTT_WS_URL are required');
}

const site = await serveStatic(DIST);
const browser = await launchBrowser();
const page = await browser.newPage();
await page.setViewport(1440, 900);
const cdp = page.cdp();
await cdp.send('Performance.enable');
// The wasm instance (Trunk's loader announces it), to read its linear memory: the
// model lives there, not in the JS heap.
await page.addInitScript(`addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; })`);
await page.goto(`${site.url}/?broker=${encodeURIComponent(BROKER_WS)}`);
// The UI steps as a user's clicks and typing: DOM events in the page.
const click = (part) => page.evaluate((part) => document.querySelector(`[data-part=${part}]`).click(), part);
const fill = (part, value) =>
  page.evaluate(([part, value]) => {
    const el = document.querySelector(`[data-part=${part}]`);
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, [part, value]);
const hasText = (part, text, timeout) =>
  page.waitForFunction(([part, text]) => document.querySelector(`[data-part=${part}]`)?.textContent.includes(text), [part, text], { timeout });
await page.waitForFunction(() => document.querySelector('[data-part=connect-button]') !== null);
await click('connect-button');
await hasText('link-status', 'Connected', 20_000);
await fill('subscribe-filter', 'load/#');
await fill('subscribe-qos', '0');
await click('subscribe-button');
await hasText('subscription-list', 'granted QoS 0', 10_000);

// Frame and long-task probes.
await page.evaluate(() => {
  window.__frames = [];
  window.__long = [];
  const tick = (t) => { window.__frames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
    .observe({ type: 'longtask', buffered: false });
});

/** Self time of a CDP CPU profile by kind (idle, program = the browser's own work on the main
 * thread, GC, wasm, JS) and its top functions, on stderr. */
function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const kinds = new Map();
  const fns = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const { functionName, url } = byId.get(id).callFrame;
    const kind = functionName.startsWith('(') ? functionName : url.endsWith('.wasm') || /^(\$|wasm-function)/.test(functionName) ? 'wasm' : 'js';
    kinds.set(kind, (kinds.get(kind) ?? 0) + us);
    const key = `${kind} ${functionName || '(anonymous)'} ${url.split('/').pop()}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    total += us;
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1)} %`;
  console.error('[load] renderer main thread, 10 s profile, self time by kind:');
  for (const [k, us] of [...kinds].sort((a, b) => b[1] - a[1])) console.error(`  ${k}: ${pct(us)}`);
  console.error('[load] top functions:');
  for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.error(`  ${pct(us)}  ${k}`);
}

const load = spawn(LOAD_BIN, ['--addr', process.env.MQTT_TCP_ADDR, '--rate', RATE, '--topics', TOPICS, '--seconds', String(SECONDS)]);
let loadOut = '';
load.stdout.on('data', (d) => { loadOut += d; });
const started = Date.now();
let exited = false;
const done = new Promise((ok) => load.on('exit', () => { exited = true; ok(); }));
// JS heap every 10 s: it must stay flat once the memory budget is full.
const heap = [];
const wasmMem = [];
const PROFILE = process.env.LOAD_PROFILE === '1';
let ticks = 0;
while (!exited) {
  await Promise.race([done, new Promise((ok) => setTimeout(ok, 10_000))]);
  ticks++;
  if (PROFILE && ticks === 1) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  } else if (PROFILE && ticks === 2) {
    summarizeProfile((await cdp.send('Profiler.stop')).profile);
  }
  await cdp.send('HeapProfiler.collectGarbage');
  const m = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
  heap.push(+(m.JSHeapUsedSize / 1048576).toFixed(1));
  wasmMem.push(await page.evaluate(() => +(window.__wasm.memory.buffer.byteLength / 1048576).toFixed(1)));
}
const wall = (Date.now() - started) / 1000;
const sent = Number(/sent (\d+)/.exec(loadOut)?.[1] ?? 0);
// Let the inspector catch up (bounded), and measure how long that takes.
const t1 = Date.now();
await page.waitForFunction((n) => Number(document.querySelectorAll('[data-part=stats] dd')[4]?.textContent.split(' / ')[0]) >= n, sent, { timeout: 60_000 })
  .catch(() => {});
const catchUpMs = Date.now() - t1;

const probe = await page.evaluate(() => {
  const f = window.__frames;
  const span = (f[f.length - 1] - f[0]) / 1000;
  return { frames: f.length, span, longTasks: window.__long.length, longestTask: Math.max(0, ...window.__long) };
});
const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
await cdp.send('HeapProfiler.collectGarbage');
const received = await page.evaluate(() => document.querySelectorAll('[data-part=stats] dd')[4]?.textContent);
const t0 = Date.now();
await click('tab-messages');
await page.waitForFunction(() => document.querySelector('[data-part=message-list] .vrow') !== null, undefined, { timeout: 30_000 });
const messagesTabMs = Date.now() - t0;
const result = {
  rate: Number(RATE), topics: Number(TOPICS), seconds: SECONDS, wall, catchUpMs, heapMiBEvery10s: heap, wasmMemoryMiBEvery10s: wasmMem,
  load: loadOut.trim(),
  fps: +(probe.frames / probe.span).toFixed(1),
  longTasks: probe.longTasks, longestTaskMs: Math.round(probe.longestTask),
  jsHeapMiB: +(metrics.JSHeapUsedSize / 1048576).toFixed(1),
  receivedInOut: received, messagesTabMs,
  budget: await page.evaluate(() => document.querySelector('[data-part=budget]')?.textContent),
};
console.log(JSON.stringify(result));
await browser.close();
await site.close();
