// Session persistence across a real page reload: the packed package with
// `persistence: true` in headless Chromium. The first page publishes while the broker
// is unreachable (the message waits in the offline queue, committed to IndexedDB),
// then the page reloads; the reloaded page starts a client with the same client id
// and store, and a subscriber on the real broker receives the message exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openConsumerPage, WS_URL } from './lib.mjs';

let page, problems, close;

before(async () => {
  ({ page, problems, close } = await openConsumerPage('persistence'));
});

after(async () => {
  await close?.();
});

const WITHIN = `(p, ms, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error('timeout: ' + what)), ms))])`;

test('a QoS 1 message queued offline survives a page reload and is delivered once', { timeout: 60_000 }, async () => {
  const id = `persist-${Date.now()}`;
  const base = `pkg/persist/${Math.random().toString(36).slice(2)}`;
  const options = { clientId: id, clean: false, sessionExpiryInterval: 3600, persistence: true };

  const first = await page.evaluate(
    async ({ options, base, within }) => {
      within = eval(within);
      // Nothing listens on port 9: the client stays offline and queues.
      const client = mqtt.createClient('ws://127.0.0.1:9', options);
      const pending = client.publish(`${base}/queued`, 'before the reload', { qos: 1 }).then(
        () => 'resolved',
        (e) => e.code,
      );
      await within(client.persisted(), 10_000, 'persisted');
      const settled = await Promise.race([pending, new Promise((ok) => setTimeout(() => ok('pending'), 0))]);
      return { connected: client.connected, settled };
    },
    { options, base, within: WITHIN },
  );
  assert.deepEqual(first, { connected: false, settled: 'pending' });

  await page.reload();
  await page.waitForFunction(() => window.loaded === true, null, { timeout: 10_000 });

  const second = await page.evaluate(
    async ({ url, options, base, within }) => {
      within = eval(within);
      const sub = await mqtt.connect(url, { clientId: `${options.clientId}-sub` });
      const got = [];
      let marker;
      const markerSeen = new Promise((ok) => (marker = ok));
      sub.on('message', (topic, payload) => {
        got.push([topic, new TextDecoder().decode(payload)]);
        if (topic.endsWith('/marker')) marker();
      });
      await sub.subscribe(`${base}/#`, { qos: 1 });
      const first = new Promise((ok) => sub.once('message', ok));
      const client = await within(mqtt.connect(url, options), 10_000, 'CONNACK');
      await within(first, 10_000, 'the restored message');
      await sub.publish(`${base}/marker`, 'end', { qos: 1 });
      await within(markerSeen, 10_000, 'marker');
      await client.persisted();
      await client.end();
      await sub.end();
      return got;
    },
    { url: WS_URL, options, base, within: WITHIN },
  );
  assert.deepEqual(second, [
    [`${base}/queued`, 'before the reload'],
    [`${base}/marker`, 'end'],
  ]);
  assert.deepEqual(problems.filter((p) => !p.includes('WebSocket')), []);
});

test('persistence: true without a clientId is refused (clients would share one store)', { timeout: 20_000 }, async () => {
  const code = await page.evaluate(async ({ url }) => {
    try {
      await mqtt.connect(url, { persistence: true, reconnect: false });
      return 'connected';
    } catch (e) {
      return e.code;
    }
  }, { url: WS_URL });
  assert.equal(code, 'ERR_INVALID_ARGUMENT');
});
