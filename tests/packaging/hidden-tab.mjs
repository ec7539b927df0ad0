// Measurement (not part of scripts/test.sh; minutes long): does a client in a hidden
// tab keep its connection while Chromium throttles the tab's timers?
//
// Headless Chromium never hides a tab, and Playwright keeps every page it attaches to
// visible (and launches with background throttling off), so this starts headful
// Chromium under Xvfb itself and speaks raw CDP (the `ws` package). Page A (the packed
// package from NPM_TARBALL, installed as a consumer would) connects with keep-alive
// KEEPALIVE seconds and `trace: true`; then a new tab comes to the front of the same
// window, which hides A (checked: document.visibilityState). For HIDDEN_SECONDS, A
// records when each PINGREQ leaves and each PINGRESP arrives, and every `close`,
// `reconnect`, `offline` and `error`.
//
// Chromium throttles a hidden page's timers to one wake-up per second at once, and
// after five minutes hidden ("intensive wake-up throttling") chained timers to one
// wake-up per minute. GRACE (default 300, Chromium's own) sets those five minutes
// through Chromium's feature parameter IntensiveWakeUpThrottling:grace_period_seconds,
// so that a short run reaches the intensive phase.
//
//   NPM_TARBALL=… MQTT_WS_URL=… MQTT_WS_AUTH_URL=… xvfb-run -a node tests/packaging/hidden-tab.mjs
//   env: KEEPALIVE=30, HIDDEN_SECONDS=240, GRACE=300
// Prints one JSON object.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { consumerProject, serveStatic, IMPORT_PAGE, WS_URL } from './lib.mjs';

const KEEPALIVE = Number(process.env.KEEPALIVE ?? 30);
const HIDDEN_SECONDS = Number(process.env.HIDDEN_SECONDS ?? 240);
const GRACE = Number(process.env.GRACE ?? 300);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

const project = await consumerProject('hidden-tab', { 'index.html': IMPORT_PAGE });
const server = await serveStatic(project.dir);
const profile = await mkdtemp(join(tmpdir(), 'hidden-tab-profile-'));
const port = 9300 + Math.floor(Math.random() * 600);
const chrome = spawn(process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', [
  `--user-data-dir=${profile}`, `--remote-debugging-port=${port}`, '--remote-debugging-address=127.0.0.1',
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--no-default-browser-check',
  `--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/${GRACE}`,
  `${server.url}/index.html`,
], { stdio: 'ignore' });

try {
  let targets;
  for (let i = 0; i < 100 && !targets?.some((t) => t.type === 'page' && t.url.startsWith(server.url)); i++) {
    targets = await fetch(`http://127.0.0.1:${port}/json/list`).then((r) => r.json()).catch(() => null);
    await sleep(100);
  }
  const target = targets?.find((t) => t.type === 'page' && t.url.startsWith(server.url));
  if (!target) throw new Error('Chromium did not open the page');
  const cdp = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((ok, no) => (cdp.on('open', ok), cdp.on('error', no)));
  let next = 0;
  const replies = new Map();
  cdp.on('message', (m) => {
    const d = JSON.parse(m);
    replies.get(d.id)?.(d);
  });
  /** Evaluates `expression` in page A (awaiting a promise) and returns its value. */
  const evaluate = (expression) =>
    new Promise((ok, no) => {
      const id = ++next;
      replies.set(id, (d) => (d.result?.exceptionDetails ? no(new Error(JSON.stringify(d.result.exceptionDetails))) : ok(d.result?.result?.value)));
      cdp.send(JSON.stringify({ id, method: 'Runtime.evaluate', params: { expression, awaitPromise: true, returnByValue: true } }));
    });

  for (let i = 0; i < 100 && !(await evaluate('window.loaded === true')); i++) await sleep(100);
  await evaluate(`(async () => {
    const t0 = performance.now();
    const at = () => Math.round((performance.now() - t0) / 100) / 10;
    window.log = { pingreq: [], pingresp: [], events: [], visibility: [] };
    document.addEventListener('visibilitychange', () => window.log.visibility.push([at(), document.visibilityState]));
    const client = await mqtt.connect(${JSON.stringify(WS_URL)}, { clientId: 'hidden-' + Date.now(), keepalive: ${KEEPALIVE}, trace: true });
    client.on('packetsend', (name) => /^pingreq$/i.test(name) && window.log.pingreq.push(at()));
    client.on('packetreceive', (name) => /^pingresp$/i.test(name) && window.log.pingresp.push(at()));
    for (const e of ['close', 'reconnect', 'offline', 'error']) client.on(e, () => window.log.events.push([at(), e]));
    window.client = client;
  })()`);

  // Hide page A: a new tab in front of it, in the same window.
  await fetch(`http://127.0.0.1:${port}/json/new?about:blank`, { method: 'PUT' });
  for (let i = 0; i < 50 && (await evaluate('document.visibilityState')) !== 'hidden'; i++) await sleep(100);
  const state = await evaluate('document.visibilityState');
  const hiddenAt = Date.now();
  await sleep(HIDDEN_SECONDS * 1000);
  const log = await evaluate('({ ...window.log, connected: window.client.connected, state: document.visibilityState })');
  const gaps = log.pingreq.slice(1).map((t, i) => Math.round((t - log.pingreq[i]) * 10) / 10);
  console.log(
    JSON.stringify({
      keepalive: KEEPALIVE, hiddenSeconds: HIDDEN_SECONDS, grace: GRACE, stateAfterHiding: state,
      hiddenForMs: Date.now() - hiddenAt, ...log, pingreqGaps: gaps, maxGap: Math.max(0, ...gaps),
    }),
  );
  cdp.close();
} finally {
  chrome.kill();
  await server.close();
  await project.remove();
  await rm(profile, { recursive: true, force: true });
}
