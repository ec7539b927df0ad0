// A throw-away Vite app (no plugins, no config): `vite build`, served statically,
// loaded in headless Chromium. Proves the .wasm is found through Vite's handling of
// `new URL('./x.wasm', import.meta.url)` and that no Node polyfill is needed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, consumerProject, launchBrowser, run, serveStatic, watchPage, WS_URL } from './lib.mjs';

const INDEX = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>vite consumer</title>
<script type="module" src="/main.js"></script>`;

const MAIN = `import { connect, MqttError } from '@mqtt-wasm/client';

async function check(url) {
  const within = (p, ms, what) =>
    Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error('timeout: ' + what)), ms))]);
  const topic = 'pkg/vite/' + Math.random().toString(36).slice(2);
  const client = await connect(url, { keepalive: 20 });
  const got = [];
  const all = new Promise((ok) =>
    client.on('message', (t, payload, packet) => {
      got.push([t, new TextDecoder().decode(payload), packet.qos]);
      if (got.length === 3) ok();
    }),
  );
  await client.subscribe(topic, { qos: 2 });
  for (const qos of [0, 1, 2]) await client.publish(topic, 'vite ' + qos, { qos });
  await within(all, 10000, 'messages');
  await client.end();
  const invalid = await client.publish('x', 'y').catch((e) => e instanceof MqttError && e.code);
  const fetched = () => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop());
  const beforePersistence = fetched();
  // A client with persistence: index.js imports the second module (its own chunk and .wasm).
  const id = 'vite-persist-' + Math.random().toString(36).slice(2);
  const persistent = await connect(url, { clientId: id, persistence: true, clean: false, properties: { sessionExpiryInterval: 60 } });
  const echoed = new Promise((ok) => persistent.on('message', (_t, payload) => ok(new TextDecoder().decode(payload))));
  await persistent.subscribe(topic + '/p', { qos: 1 });
  await persistent.publish(topic + '/p', 'kept', { qos: 1 });
  const persisted = await within(echoed, 10000, 'persistent message');
  await persistent.persisted();
  await persistent.end();
  return { got: got.sort((a, b) => a[2] - b[2]), invalid, persisted, beforePersistence, afterPersistence: fetched() };
}

window.result = check(new URLSearchParams(location.search).get('ws')).then(
  (ok) => ({ ok }),
  (e) => ({ error: String(e && e.stack || e) }),
);
`;

let project, server, browser;

before(async () => {
  project = await consumerProject('vite', { 'index.html': INDEX, 'main.js': MAIN });
  await run(join(BIN, 'vite'), ['build', '--logLevel', 'warn'], { cwd: project.dir, timeout: 120_000 });
  server = await serveStatic(join(project.dir, 'dist'));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await project?.remove();
});

test('vite build emits both .wasm modules as assets, the persistence glue as a chunk of its own', async () => {
  const assets = await readdir(join(project.dir, 'dist', 'assets'));
  assert.equal(assets.filter((f) => f.endsWith('.wasm')).length, 2, assets.join(', '));
  assert.ok(assets.some((f) => /^client_wasm_bg.*\.wasm$/.test(f)), assets.join(', '));
  assert.ok(assets.some((f) => /^client_wasm_persist_bg.*\.wasm$/.test(f)), assets.join(', '));
  assert.ok(assets.some((f) => /^client_wasm_persist.*\.js$/.test(f)), assets.join(', '));
});

test('the built app connects, publishes QoS 0/1/2 and receives them; persistence loads its module on demand', { timeout: 30_000 }, async () => {
  const page = await browser.newPage();
  const problems = watchPage(page);
  await page.goto(`${server.url}/index.html?ws=${encodeURIComponent(WS_URL)}`);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 10_000 });
  const r = await page.evaluate(() => window.result);
  assert.equal(r.error, undefined, r.error);
  const topic = r.ok.got[0][0];
  assert.deepEqual(r.ok.got, [
    [topic, 'vite 0', 0],
    [topic, 'vite 1', 1],
    [topic, 'vite 2', 2],
  ]);
  assert.equal(r.ok.invalid, 'ERR_ENDED');
  // Without persistence only the first module is fetched; the second comes with the first
  // client that asks for persistence, and works.
  const wasm = (names) => names.filter((n) => n.endsWith('.wasm'));
  assert.equal(wasm(r.ok.beforePersistence).length, 1, r.ok.beforePersistence.join(', '));
  assert.match(wasm(r.ok.beforePersistence)[0], /^client_wasm_bg/);
  assert.ok(!r.ok.beforePersistence.some((n) => n.includes('persist')), r.ok.beforePersistence.join(', '));
  assert.equal(wasm(r.ok.afterPersistence).length, 2, r.ok.afterPersistence.join(', '));
  assert.ok(r.ok.afterPersistence.some((n) => /^client_wasm_persist.*\.js$/.test(n)), r.ok.afterPersistence.join(', '));
  assert.equal(r.ok.persisted, 'kept');
  assert.deepEqual(problems, []);
  await page.close();
});
