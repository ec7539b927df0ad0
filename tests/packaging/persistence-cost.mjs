// Measurement (not part of scripts/test.sh): what persistence costs. The packed package in
// headless Chromium against the test broker: a client publishes N QoS 1 messages to its own
// subscription (at most WINDOW unacknowledged), with and without `persistence`, alternating,
// ROUNDS times each; prints msg/s per run and the medians as one JSON object.
//
//   NPM_TARBALL=… MQTT_WS_URL=… MQTT_WS_AUTH_URL=… node tests/packaging/persistence-cost.mjs
//   env: N=5000, WINDOW=16, ROUNDS=3
import { openConsumerPage, WS_URL } from './lib.mjs';

const N = Number(process.env.N ?? 5000);
const WINDOW = Number(process.env.WINDOW ?? 16);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const { page, close } = await openConsumerPage('persistence-cost');
const runs = { off: [], on: [] };
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of r % 2 ? ['on', 'off'] : ['off', 'on']) {
      const rate = await page.evaluate(
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
        { url: WS_URL, n: N, window: WINDOW, persist: mode === 'on' },
      );
      runs[mode].push(Math.round(rate));
      console.error(`[cost] round ${r} persistence ${mode}: ${Math.round(rate)} msg/s`);
    }
  }
} finally {
  await close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ n: N, window: WINDOW, rounds: ROUNDS, runs, medianOff: median(runs.off), medianOn: median(runs.on), ratio: median(runs.on) / median(runs.off) }));
