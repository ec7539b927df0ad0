// A plain page, no bundler: <script type="module"> + an import map pointing at the
// installed package. Connects to Mosquitto over WebSocket from headless Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HERE, openConsumerPage, WS_AUTH_URL, WS_URL } from './lib.mjs';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>@mqtt-wasm/client static page</title>
<link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "@mqtt-wasm/client": "./node_modules/@mqtt-wasm/client/index.js" } }</script>
<script type="module">
  import * as mqtt from '@mqtt-wasm/client';
  window.mqtt = mqtt;
  window.loaded = true;
</script>`;

let page, problems, close;

before(async () => {
  let project;
  ({ page, problems, close, project } = await openConsumerPage('static', PAGE));
  // The package bundles the wasm-bindgen glue into index.js, so its RawClient is not exported;
  // the glue as wasm-bindgen wrote it (client-wasm/npm/dist, from the same build) is served
  // beside the page for the test that drives RawClient directly, with the package's own wasm.
  await mkdir(join(project.dir, 'internal'));
  await copyFile(join(HERE, '../../client-wasm/npm/dist/client_wasm.js'), join(project.dir, 'internal/client_wasm.js'));
  // The persistence module's .wasm under another name, for `loadWasm(core, persistence)`.
  await mkdir(join(project.dir, 'moved'));
  await copyFile(
    join(project.dir, 'node_modules/@mqtt-wasm/client/dist/client_wasm_persist_bg.wasm'),
    join(project.dir, 'moved/persist.wasm'),
  );
});

after(async () => {
  await close?.();
});

/** Runs `fn(url, authUrl)` in the page; every wait inside is bounded by `within`. */
const inPage = (fn, arg) => page.evaluate(fn, arg);

test('connect, subscribe, publish QoS 0/1/2 and receive them (MQTT 5.0)', { timeout: 30_000 }, async () => {
  const r = await inPage(async ({ url }) => {
    const within = (p, ms, what) =>
      Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timeout: ${what}`)), ms))]);
    const base = `pkg/static/${Math.random().toString(36).slice(2)}`;
    const client = await mqtt.connect(url, { clientId: `static-${Date.now()}`, keepalive: 30 });
    const got = [];
    const three = new Promise((ok) =>
      client.on('message', (topic, payload, packet) => {
        got.push({ topic, text: new TextDecoder().decode(payload), isBytes: payload instanceof Uint8Array, qos: packet.qos, retain: packet.retain, props: packet.properties });
        if (got.length === 3) ok();
      }),
    );
    const granted = await client.subscribe(`${base}/#`, { qos: 2 });
    const acks = [];
    acks.push(await client.publish(`${base}/q0`, 'zero'));
    acks.push(await client.publish(`${base}/q1`, new TextEncoder().encode('one'), { qos: 1 }));
    acks.push(
      await client.publish(`${base}/q2`, 'two', {
        qos: 2,
        properties: { contentType: 'text/plain', userProperties: { a: '1', b: ['x', 'y'] }, correlationData: new Uint8Array([1, 2, 3]), messageExpiryInterval: 60 },
      }),
    );
    await within(three, 10_000, 'three messages');
    const unsub = await client.unsubscribe([`${base}/#`]);
    const connectedBefore = client.connected;
    const ends = [];
    client.on('close', () => ends.push('close'));
    client.on('end', () => ends.push('end'));
    await client.end();
    const afterEnd = await client.publish(`${base}/late`, 'x').then(() => 'resolved', (e) => e.code);
    got.sort((a, b) => a.qos - b.qos);
    got[2].props.correlationData = Array.from(got[2].props.correlationData);
    return { granted, acks, got, unsub, connectedBefore, connectedAfter: client.connected, ends, afterEnd, base };
  }, { url: WS_URL });
  assert.deepEqual(r.granted, [{ topic: `${r.base}/#`, qos: 2 }]);
  assert.deepEqual(r.acks, [{ reasonCode: 0 }, { reasonCode: 0 }, { reasonCode: 0 }]);
  assert.deepEqual(r.got.map((m) => [m.topic, m.text, m.qos, m.isBytes]), [
    [`${r.base}/q0`, 'zero', 0, true],
    [`${r.base}/q1`, 'one', 1, true],
    [`${r.base}/q2`, 'two', 2, true],
  ]);
  assert.equal(r.got[2].props.contentType, 'text/plain');
  assert.deepEqual(r.got[2].props.userProperties, { a: '1', b: ['x', 'y'] });
  assert.deepEqual(r.got[2].props.correlationData, [1, 2, 3]);
  assert.ok(r.got[2].props.messageExpiryInterval > 0 && r.got[2].props.messageExpiryInterval <= 60);
  assert.deepEqual(r.unsub, [0]);
  assert.equal(r.connectedBefore, true);
  assert.equal(r.connectedAfter, false);
  assert.deepEqual(r.ends, ['close', 'end']);
  assert.equal(r.afterEnd, 'ERR_ENDED');
  assert.deepEqual(problems, []);
});

test('calls pending when the wasm client is freed still settle (ERR_ENDED; persisted resolves)', { timeout: 30_000 }, async () => {
  const r = await inPage(async ({ url }) => {
    const within = (p, ms, what) =>
      Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timeout: ${what}`)), ms))]);
    // The class index.js wraps, instantiated from the package's wasm.
    const { default: init, RawClient } = await import('./internal/client_wasm.js');
    await init({ module_or_path: './node_modules/@mqtt-wasm/client/dist/client_wasm_bg.wasm' });
    const settled = () => {
      let done;
      const p = new Promise((ok) => (done = (e, v) => ok(e ? e.code : `value:${v}`)));
      return [p, done];
    };
    const [ready, readyDone] = settled();
    const raw = new RawClient(url, {}, { e() {} }, readyDone);
    const [published, publishDone] = settled();
    raw.publish('pkg/static/freed', new Uint8Array([1]), 1, false, undefined, publishDone);
    const [persisted, persistedDone] = settled();
    raw.persisted(persistedDone);
    raw.free(); // before CONNACK and before the publish could be acknowledged
    return {
      published: await within(published, 5_000, 'publish'),
      ready: await within(ready, 5_000, 'ready'),
      persisted: await within(persisted, 5_000, 'persisted'),
    };
  }, { url: WS_URL });
  assert.deepEqual(r, { published: 'ERR_ENDED', ready: 'ERR_ENDED', persisted: 'value:undefined' });
});

test('a refused connect rejects with ERR_REFUSED and the CONNACK reason code', { timeout: 30_000 }, async () => {
  const r = await inPage(async ({ authUrl }) => {
    const fail = (opts) =>
      mqtt.connect(authUrl, { reconnect: false, ...opts }).then(
        () => ({ resolved: true }),
        (e) => ({ name: e.name, isMqttError: e instanceof mqtt.MqttError, isError: e instanceof Error, code: e.code, reasonCode: e.reasonCode, message: e.message }),
      );
    return { wrong: await fail({ username: 'demo', password: 'nope' }), anonymous: await fail({}) };
  }, { authUrl: WS_AUTH_URL });
  for (const e of [r.wrong, r.anonymous]) {
    assert.equal(e.isMqttError, true, JSON.stringify(e));
    assert.equal(e.isError, true);
    assert.equal(e.name, 'MqttError');
    assert.equal(e.code, 'ERR_REFUSED');
    assert.ok(e.reasonCode === 0x86 || e.reasonCode === 0x87, `reasonCode ${e.reasonCode}`);
  }
});

test('MQTT 3.1.1 with credentials (Uint8Array password) on the auth listener', { timeout: 30_000 }, async () => {
  const r = await inPage(async ({ authUrl }) => {
    const within = (p, ms, what) =>
      Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timeout: ${what}`)), ms))]);
    const topic = `pkg/static311/${Math.random().toString(36).slice(2)}`;
    const client = await mqtt.connect(authUrl, {
      protocolVersion: 4,
      clientId: `static311-${Date.now()}`,
      username: 'demo',
      password: new TextEncoder().encode('demo-pass'),
      clean: true,
    });
    const message = new Promise((ok) => client.once('message', (t, p, packet) => ok({ t, text: new TextDecoder().decode(p), qos: packet.qos })));
    const granted = await client.subscribe({ [topic]: { qos: 1 } });
    const ack = await client.publish(topic, 'hello 3.1.1', { qos: 1 });
    const m = await within(message, 10_000, 'message');
    await client.end();
    return { granted, ack, m, topic };
  }, { authUrl: WS_AUTH_URL });
  assert.deepEqual(r.granted, [{ topic: r.topic, qos: 1 }]);
  assert.deepEqual(r.ack, { reasonCode: 0 });
  assert.deepEqual(r.m, { t: r.topic, text: 'hello 3.1.1', qos: 1 });
});

test('trace: bytes from the broker that are not a packet are reported, then the connection closes with 0x81', { timeout: 30_000 }, async () => {
  const FAULT = process.env.MQTT_FAULT_WS_URL;
  assert.ok(FAULT, 'MQTT_FAULT_WS_URL is not set: run the tests with scripts/test.sh (it starts the fault peer)');
  const r = await inPage(async ({ url }) => {
    const within = (p, ms, what) =>
      Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timeout: ${what}`)), ms))]);
    const client = mqtt.createClient(url, { trace: true, reconnectPeriod: 0 });
    const events = [];
    client.on('packetreject', (raw, error) => events.push({ event: 'packetreject', first: raw[0], length: raw.length, ...error }));
    client.on('error', (e) => events.push({ event: 'error', code: e.code, reasonCode: e.reasonCode }));
    const ended = new Promise((ok) => client.once('end', ok));
    await within(ended, 15_000, 'end');
    return events;
  }, { url: `${FAULT}/malformed-qos3` });
  const [reject, error] = r;
  assert.equal(reject.event, 'packetreject', JSON.stringify(r));
  assert.equal(reject.first, 0x36, 'PUBLISH with both QoS bits');
  assert.ok(reject.length > 2);
  assert.equal(reject.reasonCode, 0x81);
  assert.equal(reject.rule, 'MQTT-3.3.1-4');
  assert.equal(error.event, 'error', JSON.stringify(r));
});

test('large payloads reach listeners as views of their WebSocket message, not copied; every byte right, in order, the QoS 1 one acknowledged', { timeout: 30_000 }, async () => {
  const FAULT = process.env.MQTT_FAULT_WS_URL;
  assert.ok(FAULT, 'MQTT_FAULT_WS_URL is not set: run the tests with scripts/test.sh (it starts the fault peer)');
  for (const protocolVersion of [4, 5]) {
    // The peer's `large-batch`: one WebSocket message of four PUBLISHes (fault_peer::scenarios::LARGE_BATCH),
    // then, once it has the PUBACK of the first (QoS 1), a PUBLISH to fault/alive.
    const r = await inPage(async ({ url, protocolVersion }) => {
      const within = (p, ms, what) =>
        Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timeout: ${what}`)), ms))]);
      const client = mqtt.createClient(url, { protocolVersion, reconnectPeriod: 0 });
      const got = [];
      const five = new Promise((ok) =>
        client.on('message', (topic, payload, packet) => {
          const m = got.length;
          let wrong = -1;
          for (let i = 0; i < payload.length && topic !== 'fault/alive'; i++) {
            if (payload[i] !== (i * 31 + m * 7) % 251) { wrong = i; break; }
          }
          got.push({ topic, qos: packet.qos, length: payload.length, wrong, buffer: payload.buffer.byteLength, offset: payload.byteOffset });
          if (got.length === 5) ok();
        }),
      );
      await within(five, 10_000, 'five messages');
      await client.end();
      return got;
    }, { url: `${FAULT}/large-batch`, protocolVersion });
    const v = `protocol ${protocolVersion}`;
    assert.deepEqual(r.map((m) => [m.topic, m.qos, m.length, m.wrong]), [
      ['large/1', 1, 10000, -1],
      ['large/2', 0, 70000, -1],
      ['large/small', 0, 5, -1],
      ['large/4', 0, 12000, -1],
      ['fault/alive', 0, 10, -1],
    ], v);
    const [first, second, small, fourth] = r;
    // The first two are views of the one message that carried all four (larger than both).
    assert.equal(first.buffer, second.buffer, v);
    assert.ok(first.buffer > 10000 + 70000 + 12000, `${v}: ${JSON.stringify(r)}`);
    assert.ok(first.offset > 0 && second.offset > first.offset + 10000, `${v}: ${JSON.stringify(r)}`);
    // From the first frame under 8 KiB on, the rest of the message is copied into wasm: those
    // payloads are copies out of wasm memory, each its own buffer.
    for (const m of [small, fourth]) assert.deepEqual([m.buffer, m.offset], [m.length, 0], `${v}: ${m.topic}`);
  }
  assert.deepEqual(problems, []);
});

test("MQTT.js 5's names: connectAsync, publishAsync, subscribeAsync, unsubscribeAsync, endAsync, addListener, removeListener", { timeout: 30_000 }, async () => {
  const r = await inPage(async ({ url }) => {
    const topic = `pkg/names/${Math.random().toString(36).slice(2)}`;
    const client = await mqtt.connectAsync(url, {});
    const got = [];
    const listener = (t, p) => got.push([t, new TextDecoder().decode(p)]);
    client.addListener('message', listener);
    const grants = await client.subscribeAsync(topic, { qos: 1 });
    const message = new Promise((ok) => client.once('message', ok));
    const ack = await client.publishAsync(topic, 'via alias', { qos: 1 });
    await message;
    client.removeListener('message', listener);
    // Wait until the next message is delivered, so that the removed listener had its chance.
    const text = (p) => new TextDecoder().decode(p);
    const delivered = new Promise((ok) => client.on('message', (_t, p) => text(p) === 'after removal' && ok()));
    await client.publishAsync(topic, 'after removal', { qos: 1 });
    await delivered;
    const codes = await client.unsubscribeAsync(topic);
    await client.endAsync();
    return { grants, ack, got, codes, connected: client.connected };
  }, { url: WS_URL });
  assert.equal(r.grants[0].qos, 1);
  assert.equal(r.ack.reasonCode, 0);
  assert.deepEqual(r.got, [[r.grants[0].topic, 'via alias']], 'the removed listener saw nothing more');
  assert.deepEqual(r.codes, [0]);
  assert.equal(r.connected, false);
});

test('createClient: events from the first packet, trace, subscription identifiers, errors', { timeout: 30_000 }, async () => {
  const r = await inPage(async ({ url }) => {
    const within = (p, ms, what) =>
      Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timeout: ${what}`)), ms))]);
    const topic = `pkg/trace/${Math.random().toString(36).slice(2)}`;
    const client = mqtt.createClient(url, { trace: true, properties: { userProperties: { app: 'packaging' }, receiveMaximum: 100 } });
    const sent = [];
    const received = [];
    client.on('packetsend', (type, raw, packet) => sent.push({ type, first: raw[0], cmd: packet.cmd, isBytes: raw instanceof Uint8Array }));
    client.on('packetreceive', (type, raw, packet) => received.push({ type, cmd: packet.cmd }));
    const connack = await within(new Promise((ok) => client.once('connect', ok)), 10_000, 'connect event');
    const message = new Promise((ok) => client.on('message', (_t, _p, packet) => ok(packet.subscriptionIdentifiers)));
    await client.subscribe(topic, { qos: 1, properties: { subscriptionIdentifier: 42 } });
    await client.publish(topic, 'x', { qos: 1 });
    const ids = await within(message, 10_000, 'message');
    const badTopic = await client.publish('a/#', 'x').then(() => 'resolved', (e) => `${e.name}:${e.code}`);
    const badQos = await client.publish('a', 'x', { qos: 3 }).then(() => 'resolved', (e) => e.code);
    const badProperty = await client
      .publish('a', 'x', { properties: { messageExpiryInterval: -1 } })
      .then(() => 'resolved', (e) => `${e.code}:${e.message}`);
    // Invalid connect options: refused before connecting, naming the first invalid option.
    const refusedOptions = [];
    for (const options of [
      { keepalive: -1, clean: 'yes' },
      { will: { topic: 'a/+' } },
      { properties: { userProperties: { k: 5 } } },
      { reconnect: { jitter: Infinity } },
      { protocolVersion: 3 },
    ]) {
      refusedOptions.push(await mqtt.connect(url, options).then((c) => (c.end(), 'connected'), (e) => `${e.code}:${e.message}`));
    }
    // A listener that throws does not break delivery (reported asynchronously instead).
    window.addEventListener('error', (ev) => ev.preventDefault(), { once: true });
    client.on('end', () => {
      throw new Error('listener failure is isolated');
    });
    let endSeen = false;
    client.on('end', () => (endSeen = true));
    await client.end();
    return { connack, sent, received, ids, badTopic, badQos, badProperty, refusedOptions, endSeen };
  }, { url: WS_URL });
  assert.equal(r.connack.cmd, 'connack');
  assert.equal(r.connack.reasonCode, 0);
  assert.equal(r.connack.sessionPresent, false);
  assert.equal(typeof r.connack.keepalive, 'number');
  assert.deepEqual(r.sent[0], { type: 'CONNECT', first: 0x10, cmd: 'connect', isBytes: true });
  assert.equal(r.received[0].type, 'CONNACK');
  for (const t of ['SUBSCRIBE', 'PUBLISH', 'DISCONNECT']) assert.ok(r.sent.some((p) => p.type === t), t);
  for (const t of ['SUBACK', 'PUBACK', 'PUBLISH']) assert.ok(r.received.some((p) => p.type === t), t);
  assert.deepEqual(r.ids, [42]);
  assert.equal(r.badTopic, 'MqttError:ERR_INVALID_ARGUMENT');
  assert.equal(r.badQos, 'ERR_INVALID_ARGUMENT');
  assert.equal(r.badProperty, 'ERR_INVALID_ARGUMENT:invalid messageExpiryInterval');
  assert.deepEqual(r.refusedOptions, [
    'ERR_INVALID_ARGUMENT:invalid keepalive',
    'ERR_INVALID_ARGUMENT:invalid will.topic',
    'ERR_INVALID_ARGUMENT:invalid userProperties',
    'ERR_INVALID_ARGUMENT:invalid jitter',
    'ERR_INVALID_ARGUMENT:invalid protocolVersion',
  ]);
  assert.equal(r.endSeen, true);
});

test('loadWasm takes the persistence module from another place; persistence then works', { timeout: 30_000 }, async () => {
  const r = await inPage(async ({ url }) => {
    const within = (p, ms, what) =>
      Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error(`timeout: ${what}`)), ms))]);
    const fetched = () => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop());
    const before = fetched().filter((n) => n.includes('persist'));
    // A copy of the module served under another name, passed as a Response.
    const moved = await fetch('./moved/persist.wasm');
    await mqtt.loadWasm(undefined, moved);
    const afterLoad = fetched().filter((n) => n.includes('persist') || n.endsWith('.wasm'));
    const id = `static-moved-${Math.random().toString(36).slice(2)}`;
    const client = await mqtt.connect(url, { clientId: id, persistence: true, clean: false, sessionExpiryInterval: 60 });
    const topic = `pkg/static/${id}`;
    const got = new Promise((ok) => client.on('message', (_t, payload) => ok(new TextDecoder().decode(payload))));
    await client.subscribe(topic, { qos: 1 });
    await client.publish(topic, 'moved', { qos: 1 });
    const text = await within(got, 10_000, 'message');
    await client.persisted();
    await client.end();
    return { before, afterLoad, text, fetchedAtEnd: fetched().filter((n) => n.endsWith('.wasm')) };
  }, { url: WS_URL });
  assert.deepEqual(r.before, []);
  // The glue from beside index.js, the .wasm from the given place (never the default one).
  // (Resource timing entries appear once a body is read: the moved .wasm's is checked at the end.)
  assert.ok(r.afterLoad.includes('client_wasm_persist.js'), r.afterLoad.join(', '));
  assert.ok(r.fetchedAtEnd.includes('persist.wasm'), r.fetchedAtEnd.join(', '));
  assert.ok(!r.fetchedAtEnd.includes('client_wasm_persist_bg.wasm'), r.fetchedAtEnd.join(', '));
  assert.equal(r.text, 'moved');
  assert.deepEqual(problems, []);
});
