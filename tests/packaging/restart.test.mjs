// A broker restart in the middle of a flood: the browser client (the packed package,
// persistent sessions) against a Mosquitto of this test's own (WebSocket listener on
// 127.0.0.1, persistence on), stopped with SIGTERM once a third of the messages have
// arrived and started again on the same port and state. In-flight QoS 1 and QoS 2
// publishes are resent after the reconnection: every publish completes, no QoS 1 or
// QoS 2 message is lost, and none at QoS 2 is delivered twice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConsumerPage, tally, tallyLine, KEEP } from './lib.mjs';

const N = Number(process.env.RESTART_MESSAGES ?? '1000'); // per QoS level
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

/** Resolves once 127.0.0.1:port accepts a connection (bounded). */
async function accepting(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((done) => {
      const c = tcpConnect(port, '127.0.0.1', () => (c.destroy(), done(true)));
      c.on('error', () => done(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on ${port}`);
}

/** A private Mosquitto: start() and stop() keep the port and the persistence file. */
async function privateBroker() {
  const dir = await mkdtemp(join(tmpdir(), 'mqtt-restart-'));
  const port = await freePort();
  // Mosquitto 2.0.11 refuses to start with WebSocket listeners only ("Unable to start any
  // listening sockets"): a TCP listener goes with it.
  const tcpPort = await freePort();
  await writeFile(join(dir, 'mosquitto.conf'), [
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    'persistence true', `persistence_location ${dir}/`, 'autosave_on_changes true', 'autosave_interval 1',
    'per_listener_settings false', 'max_queued_messages 100000', 'max_keepalive 65535', 'log_dest stderr', 'log_type error',
    `listener ${tcpPort} 127.0.0.1`, 'allow_anonymous true',
    `listener ${port} 127.0.0.1`, 'protocol websockets', '',
  ].join('\n'));
  const bin = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';
  const broker = { url: `ws://127.0.0.1:${port}`, proc: null, starts: 0, log: '' };
  broker.start = async () => {
    broker.proc = spawn(bin, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    broker.proc.stderr.on('data', (d) => (broker.log += d));
    broker.starts++;
    await accepting(port).catch((e) => {
      throw new Error(`${e.message}; mosquitto said: ${broker.log}`);
    });
  };
  broker.stop = async () => {
    const p = broker.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((ok) => p.once('exit', ok));
    p.kill('SIGTERM');
    await exited;
  };
  broker.remove = async () => {
    await broker.stop();
    if (!KEEP) await rm(dir, { recursive: true, force: true });
  };
  await broker.start();
  return broker;
}

let broker, page, close;

before(async () => {
  broker = await privateBroker();
  ({ page, close } = await openConsumerPage('restart'));
});

after(async () => {
  await close?.();
  await broker?.remove();
});

test(`broker restarted mid-stream: ${N} QoS 1 and ${N} QoS 2 messages, none lost, none at QoS 2 twice`, { timeout: 180_000 }, async () => {
  await page.evaluate(async ({ url, n }) => {
    const id = Math.random().toString(36).slice(2);
    const base = `restart/${id}`;
    const opts = (who) => ({
      clientId: `restart-${who}-${id}`, clean: false, sessionExpiryInterval: 600, keepalive: 10,
      reconnect: { initialDelay: 50, maxDelay: 500, jitter: 0.5 }, connectTimeout: 3000,
      queue: { maxMessages: 10_000, maxBytes: 8 << 20 },
    });
    const state = (window.restart = { seen: { 1: new Map(), 2: new Map() }, received: 0, reconnects: 0, failures: [], done: false });
    const sub = await mqtt.connect(url, opts('sub'));
    sub.on('message', (topic, payload, packet) => {
      const seq = Number(new TextDecoder().decode(payload));
      const m = state.seen[packet.qos];
      if (m) m.set(seq, (m.get(seq) ?? 0) + 1);
      state.received++;
    });
    await sub.subscribe(`${base}/#`, { qos: 2 });
    const pub = await mqtt.connect(url, opts('pub'));
    pub.on('reconnect', () => state.reconnects++);
    sub.on('reconnect', () => state.reconnects++);
    // 32 publishes in flight at a time, QoS 1 and 2 interleaved; not awaited here.
    let next = 0;
    const worker = async () => {
      while (next < 2 * n) {
        const i = next++;
        const qos = i % 2 ? 2 : 1;
        const seq = Math.floor(i / 2);
        await pub.publish(`${base}/q${qos}`, String(seq), { qos }).catch((e) => state.failures.push(`${qos}/${seq}: ${e.code}`));
      }
    };
    Promise.all(Array.from({ length: 32 }, worker)).then(() => (state.done = true));
  }, { url: broker.url, n: N });

  // A third of the way in, the broker goes down and comes back.
  await page.waitForFunction((n) => window.restart.received >= (2 * n) / 3, N, { timeout: 60_000 });
  const before = await page.evaluate(() => window.restart.received);
  await broker.stop();
  await broker.start();
  await page.waitForFunction((n) => window.restart.done && window.restart.seen[1].size >= n && window.restart.seen[2].size >= n, N, { timeout: 90_000 })
    .catch(() => {});
  const t = await page.evaluate(tally, { n: N, key: 'restart' });
  const r = await page.evaluate(() => ({ done: window.restart.done, failures: window.restart.failures, reconnects: window.restart.reconnects }));
  console.log(`restart: broker stopped after ${before} messages, ${r.reconnects} reconnects; ${tallyLine(N, t)}`);
  assert.equal(broker.starts, 2, 'the broker was restarted');
  assert.ok(before < 2 * N, `the restart happened mid-stream (${before} of ${2 * N} received)`);
  assert.ok(r.reconnects >= 2, `both clients reconnected (${r.reconnects})`);
  assert.ok(r.done, 'every publish settled');
  assert.deepEqual(r.failures, [], 'every publish completed');
  assert.equal(t[1].lost, 0, 'QoS 1 lost');
  assert.equal(t[2].lost, 0, 'QoS 2 lost');
  assert.equal(t[2].dups, 0, 'QoS 2 duplicated');
});
