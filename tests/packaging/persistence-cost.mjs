// Measurement (not part of scripts/test.sh): what persistence costs. The packed package in
// headless Chromium against the test broker: a client publishes N QoS 1 messages to its own
// subscription (at most WINDOW unacknowledged), with and without `persistence`, alternating,
// ROUNDS times each; prints msg/s per run and the medians as one JSON object.
//
// Chromium is driven over its DevTools pipe (tests/bench/lib.mjs), as the benchmarks are: under
// Playwright, which reports every WebSocket frame to the driver, both rates were lower. With
// MQTT_TCP_ADDR set, the benchmarks' waker keeps Mosquitto's loop from idling (BENCHMARKS.md).
//
//   NPM_TARBALL=… MQTT_WS_URL=… [MQTT_TCP_ADDR=…] node tests/packaging/persistence-cost.mjs
//   env: N=5000, WINDOW=16, ROUNDS=3
import { consumerProject, IMPORT_PAGE, WS_URL } from './lib.mjs';
import { launchBrowser, median, openPage, serveStatic, startWaker } from '../bench/lib.mjs';

const N = Number(process.env.N ?? 5000);
const WINDOW = Number(process.env.WINDOW ?? 16);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const project = await consumerProject('persistence-cost', { 'index.html': IMPORT_PAGE });
const server = await serveStatic(project.dir);
const browser = await launchBrowser();
const waker = process.env.MQTT_TCP_ADDR ? await startWaker(process.env.MQTT_TCP_ADDR) : null;
const runs = { off: [], on: [] };
try {
  const page = await openPage(browser, `${server.url}/index.html`);
  const run = (persist, n) =>
    page.evaluate(
      async ({ url, n, window, persist }) => {
        const id = `cost-${persist ? 'on' : 'off'}-${Math.random().toString(36).slice(2)}`;
        const client = await mqtt.connect(url, {
          clientId: id, clean: false, sessionExpiryInterval: 60, persistence: persist ? id : false,
        });
        const topic = `cost/${id}`;
        await client.subscribe(topic, { qos: 1 });
        let received = 0, sent = 0, inflight = 0;
        const payload = new Uint8Array(64).fill(0x61);
        const t0 = performance.now();
        await new Promise((done, fail) => {
          client.on('message', () => ++received === n && done());
          const pump = () => {
            while (sent < n && inflight < window) {
              sent++;
              inflight++;
              client.publish(topic, payload, { qos: 1 }).then(() => { inflight--; pump(); }, fail);
            }
          };
          pump();
          setTimeout(() => fail(new Error(`timeout: ${received}/${n}`)), 120_000);
        });
        const ms = performance.now() - t0;
        await client.end();
        return (n / ms) * 1000;
      },
      { url: WS_URL, n, window: WINDOW, persist },
    );
  // One untimed run of each first (a tenth of N), so that no timed round pays for compiling.
  for (const persist of [false, true]) await run(persist, Math.ceil(N / 10));
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of r % 2 ? ['on', 'off'] : ['off', 'on']) {
      const rate = await run(mode === 'on', N);
      runs[mode].push(Math.round(rate));
      console.error(`[cost] round ${r} persistence ${mode}: ${Math.round(rate)} msg/s`);
    }
  }
} finally {
  waker?.stop();
  await browser.close();
  await server.close();
  await project.remove();
}
console.log(JSON.stringify({
  n: N, window: WINDOW, rounds: ROUNDS, waker: waker !== null, runs,
  medianOff: median(runs.off), medianOn: median(runs.on), ratio: median(runs.on) / median(runs.off),
}));
