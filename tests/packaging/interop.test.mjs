// Interoperability: the browser client (the packed npm package) against a second
// real broker from a registry. MQTT_INTEROP_BROKER selects it: "aedes" (default;
// npm `aedes`, MQTT 3.1.1, run in this process over `ws` on 127.0.0.1) or
// "mosquitto" (the test command's Mosquitto, MQTT_WS_URL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { openConsumerPage, WS_URL } from './lib.mjs';

const BROKER = process.env.MQTT_INTEROP_BROKER ?? 'aedes';
let server, browser, page, problems, close, brokerUrl, stopBroker;

async function startAedes() {
  const aedes = await Aedes.createBroker();
  const http = createServer();
  const wss = new WebSocketServer({ server: http, handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false) });
  wss.on('connection', (ws, req) => aedes.handle(createWebSocketStream(ws), req));
  await new Promise((ok) => http.listen(0, '127.0.0.1', ok));
  return {
    url: `ws://127.0.0.1:${http.address().port}`,
    stop: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise((ok) => wss.close(ok));
      await new Promise((ok) => http.close(ok));
      await new Promise((ok) => aedes.close(ok));
    },
  };
}

before(async () => {
  if (BROKER === 'aedes') {
    const b = await startAedes();
    brokerUrl = b.url;
    stopBroker = b.stop;
  } else if (BROKER === 'mosquitto') {
    brokerUrl = WS_URL;
  } else {
    throw new Error(`MQTT_INTEROP_BROKER=${BROKER}: use aedes or mosquitto`);
  }
  ({ server, browser, page, problems, close } = await openConsumerPage('interop'));
});

after(async () => {
  await close?.();
  await stopBroker?.();
});

test(`${BROKER}: MQTT 3.1.1 QoS 0/1/2, wildcards, retained, unsubscribe`, { timeout: 60_000 }, async () => {
  const r = await page.evaluate(async ({ url }) => {
    const within = (p, ms, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timeout: ${what}`)), ms))]);
    const base = `interop/${Math.random().toString(36).slice(2)}`;
    const a = await mqtt.connect(url, { protocolVersion: 4, clientId: `interop-a-${Date.now()}`, reconnect: false });
    const got = [];
    let wake;
    a.on('message', (topic, payload, packet) => { got.push([topic, new TextDecoder().decode(payload), packet.qos, packet.retain]); wake?.(); });
    const until = (n, what) => within(new Promise((ok) => { wake = () => got.length >= n && ok(); wake(); }), 10_000, what);
    const granted = await a.subscribe([`${base}/+/x`, `${base}/all/#`], { qos: 2 });
    for (const qos of [0, 1, 2]) await a.publish(`${base}/q${qos}/x`, `m${qos}`, { qos });
    await until(3, 'three messages');
    // Retained, seen by a later subscriber with the RETAIN flag.
    await a.publish(`${base}/all/kept`, 'kept', { qos: 1, retain: true });
    await until(4, 'live copy of the retained message');
    const b = await mqtt.connect(url, { protocolVersion: 4, clientId: `interop-b-${Date.now()}`, reconnect: false });
    const late = new Promise((ok) => b.on('message', (t, p, packet) => ok([t, new TextDecoder().decode(p), packet.retain])));
    await b.subscribe(`${base}/all/#`, { qos: 1 });
    const retained = await within(late, 10_000, 'retained message');
    await a.publish(`${base}/all/kept`, '', { qos: 1, retain: true });
    // Unsubscribe: the next delivered message is the still-subscribed one.
    await a.unsubscribe(`${base}/+/x`);
    await a.publish(`${base}/q1/x`, 'after unsubscribe', { qos: 1 });
    await a.publish(`${base}/all/y`, 'still here', { qos: 1 });
    await until(6, 'after unsubscribe');
    await a.end();
    await b.end();
    return { granted, got, retained };
  }, { url: brokerUrl });
  assert.deepEqual(r.granted.map((g) => g.qos), [2, 2]);
  assert.deepEqual(r.got.slice(0, 3).map(([t, m, q]) => [t.split('/').slice(2).join('/'), m, q]), [['q0/x', 'm0', 0], ['q1/x', 'm1', 1], ['q2/x', 'm2', 2]]);
  assert.deepEqual([r.retained[1], r.retained[2]], ['kept', true]);
  assert.equal(r.got[5][1], 'still here', JSON.stringify(r.got));
  assert.deepEqual(problems, []);
});

test(`${BROKER}: the will is published when a client vanishes`, { timeout: 30_000 }, async () => {
  const topic = `interop/will/${Date.now()}`;
  const watcher = page.evaluate(async ({ url, topic }) => {
    const w = await mqtt.connect(url, { protocolVersion: 4, clientId: `interop-w-${Date.now()}`, reconnect: false });
    const got = new Promise((ok) => w.on('message', (t, p) => ok(new TextDecoder().decode(p))));
    await w.subscribe(topic, { qos: 1 });
    window.watching = true;
    const text = await Promise.race([got, new Promise((_, no) => setTimeout(() => no(new Error('no will')), 15_000))]);
    await w.end();
    return text;
  }, { url: brokerUrl, topic });
  await page.waitForFunction(() => window.watching === true, null, { timeout: 10_000 });
  // A second page connects with a will and is closed: its socket drops without DISCONNECT.
  const doomed = await browser.newPage();
  await doomed.goto(`${server.url}/index.html`);
  await doomed.waitForFunction(() => window.loaded === true, null, { timeout: 10_000 });
  await doomed.evaluate(async ({ url, topic }) => {
    window.keep = await mqtt.connect(url, { protocolVersion: 4, clientId: `interop-d-${Date.now()}`, will: { topic, payload: 'gone', qos: 1 } });
  }, { url: brokerUrl, topic });
  await doomed.close();
  assert.equal(await watcher, 'gone');
});

test(`${BROKER}: end(true) closes without DISCONNECT, so the will is published; end() sends DISCONNECT, so it is not`, { timeout: 30_000 }, async () => {
  const r = await page.evaluate(async ({ url }) => {
    const topic = `interop/force/${Date.now()}`;
    const w = await mqtt.connect(url, { protocolVersion: 4, clientId: `force-w-${Date.now()}`, reconnect: false });
    const wills = []; // what arrives on the topic and below it
    let second;
    const two = new Promise((ok) => { second = ok; });
    w.on('message', (t, p) => { wills.push(new TextDecoder().decode(p)); if (wills.length === 2) second(); });
    await w.subscribe(`${topic}/#`, { qos: 1 });
    const will = (payload) => ({ topic, payload, qos: 1 });
    // First a clean end: its DISCONNECT tells the broker to discard the will.
    const clean = await mqtt.connect(url, { protocolVersion: 4, clientId: `force-c-${Date.now()}`, will: will('after clean end'), reconnect: false });
    const cleanEvents = [];
    for (const e of ['close', 'offline', 'end']) clean.on(e, () => cleanEvents.push(e));
    await clean.end();
    // Then a forced one, with a publish written just before it: that publish still leaves.
    const forced = await mqtt.connect(url, { protocolVersion: 4, clientId: `force-f-${Date.now()}`, will: will('after end(true)'), reconnect: false });
    const forcedEvents = [];
    for (const e of ['close', 'offline', 'end']) forced.on(e, () => forcedEvents.push(e));
    forced.publish(`${topic}/before`, 'x', { qos: 0 });
    await forced.endAsync(true);
    const after = await forced.publish(topic, 'late').then(() => 'published', (e) => e.code);
    // The broker handled the clean end before the forced client even connected: had it
    // published the first will, it would arrive first.
    await Promise.race([two, new Promise((_, no) => setTimeout(() => no(new Error('no will')), 15_000))]);
    await w.end();
    return { wills, cleanEvents, forcedEvents, after };
  }, { url: brokerUrl });
  assert.deepEqual(r.wills, ['x', 'after end(true)']);
  assert.deepEqual(r.cleanEvents, ['close', 'end']);
  assert.deepEqual(r.forcedEvents, ['close', 'end'], 'a forced end is not a lost connection: no offline');
  assert.equal(r.after, 'ERR_ENDED');
});
