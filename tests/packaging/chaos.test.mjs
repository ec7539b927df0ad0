// Network faults between the browser client and the real Mosquitto: a TCP proxy
// in front of the broker's WebSocket listener cuts every connection after a
// random number of bytes (seeded), in the middle of WebSocket frames and MQTT
// packets, over and over. Through it, one client publishes QoS 1 and QoS 2
// messages and another receives them (persistent sessions on both). When the
// dust settles: zero QoS 1 lost, zero QoS 2 lost or duplicated.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { openConsumerPage, tally, tallyLine, WS_URL } from './lib.mjs';

const N = Number(process.env.CHAOS_MESSAGES ?? '1500'); // per QoS level
/** xorshift32: the same cut points every run. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
}

/** A proxy to `target` that cuts each connection after 1–24 KB while `cutting` is on. */
async function cuttingProxy(target, seed) {
  const random = rng(seed);
  const state = { cutting: true, cuts: 0, sockets: new Set() };
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    state.sockets.add(client).add(upstream);
    let budget = 1024 + Math.floor(random() * 23 * 1024);
    const pipe = (from, to) => from.on('data', (chunk) => {
      if (state.cutting && (budget -= chunk.length) <= 0) {
        // Forward part of this chunk, then drop both sides (a broken network).
        to.write(chunk.subarray(0, Math.max(0, chunk.length + budget - 1)));
        state.cuts += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      to.write(chunk);
    });
    pipe(client, upstream);
    pipe(upstream, client);
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  state.url = `ws://127.0.0.1:${server.address().port}`;
  state.close = () => { for (const s of state.sockets) s.destroy(); return new Promise((ok) => server.close(ok)); };
  return state;
}

let server, browser, page, problems, close, proxy;

before(async () => {
  const u = new URL(WS_URL);
  proxy = await cuttingProxy({ host: u.hostname, port: Number(u.port) }, 20261125);
  ({ server, browser, page, problems, close } = await openConsumerPage('chaos'));
});

after(async () => {
  await close?.();
  await proxy?.close();
});

test(`connections cut at random points: ${N} QoS 1 and ${N} QoS 2 messages, none lost or duplicated`, { timeout: 240_000 }, async () => {
  const published = await page.evaluate(async ({ url, n }) => {
    const id = Math.random().toString(36).slice(2);
    const base = `chaos/${id}`;
    const opts = (who) => ({
      clientId: `chaos-${who}-${id}`, clean: false, sessionExpiryInterval: 600, keepalive: 10,
      reconnect: { initialDelay: 20, maxDelay: 200, jitter: 0.5 }, connectTimeout: 3000,
      queue: { maxMessages: 10_000, maxBytes: 8 << 20 },
    });
    const chaos = (window.chaos = { seen: { 1: new Map(), 2: new Map() }, reconnects: 0 });
    const sub = await mqtt.connect(url, opts('sub'));
    sub.on('message', (topic, payload, packet) => {
      const seq = Number(new TextDecoder().decode(payload));
      const m = chaos.seen[packet.qos];
      if (m) m.set(seq, (m.get(seq) ?? 0) + 1);
    });
    await sub.subscribe(`${base}/#`, { qos: 2 });
    const pub = await mqtt.connect(url, opts('pub'));
    pub.on('reconnect', () => chaos.reconnects++);
    sub.on('reconnect', () => chaos.reconnects++);
    // 50 publishes in flight at a time, QoS 1 and 2 interleaved.
    const failures = [];
    let next = 0;
    const worker = async () => {
      while (next < 2 * n) {
        const i = next++;
        const qos = i % 2 ? 2 : 1;
        const seq = Math.floor(i / 2);
        await pub.publish(`${base}/q${qos}`, String(seq), { qos }).catch((e) => failures.push(`${qos}/${seq}: ${e.code}`));
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    return { failures, reconnects: chaos.reconnects };
  }, { url: proxy.url, n: N });
  const cuts = proxy.cuts;
  // Stop cutting so the last deliveries finish, then wait for them (bounded).
  proxy.cutting = false;
  await page.waitForFunction((n) => window.chaos.seen[1].size >= n && window.chaos.seen[2].size >= n, N, { timeout: 60_000 })
    .catch(() => {});
  const t = await page.evaluate(tally, { n: N, key: 'chaos' });
  console.log(`chaos: ${cuts} connections cut, ${published.reconnects} reconnects; ${tallyLine(N, t)}`);
  assert.deepEqual(published.failures, [], 'every publish completed');
  assert.ok(cuts >= 10, `the proxy cut ${cuts} connections`);
  assert.equal(t[1].lost, 0, 'QoS 1 lost');
  assert.equal(t[2].lost, 0, 'QoS 2 lost');
  assert.equal(t[2].dups, 0, 'QoS 2 duplicated');
});
