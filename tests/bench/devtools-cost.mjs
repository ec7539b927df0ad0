// Measurement (not part of scripts/test.sh): what a driver's DevTools Network domain costs
// Chromium per received WebSocket message. A bare `WebSocket` page (no MQTT client: frames written
// by hand, received messages only counted) subscribes on Mosquitto; `mosquitto_pub -l` over TCP
// sends it N 64-byte PUBLISHes; the page is driven once by Playwright (which enables the Network
// domain on every page) and once by tests/bench/lib.mjs (a DevTools pipe sending only
// Runtime.evaluate). Prints msg/s and Chromium's CPU per message, by thread, for each driver.
//
//   MQTT_WS_URL=ws://127.0.0.1:PORT MQTT_TCP_ADDR=127.0.0.1:PORT node tests/bench/devtools-cost.mjs
//   env: N=50000; playwright-core from tests/e2e/node_modules (scripts/setup.sh installs it)
import { spawn } from 'node:child_process';
import { launchBrowser, chromiumThreadTicks, threadSplit } from './lib.mjs';

const N = Number(process.env.N ?? 50_000);
const WS = process.env.MQTT_WS_URL;
const [HOST, PORT] = (process.env.MQTT_TCP_ADDR ?? '').split(':');
if (!WS || !PORT) throw new Error('MQTT_WS_URL and MQTT_TCP_ADDR are required');

// The page: MQTT 3.1.1 CONNECT + SUBSCRIBE by hand, then count bytes until N PUBLISHes of 64 B.
const subscribe = (url, n) => `(async () => {
  const topic = 'devtools-cost/' + Math.random().toString(36).slice(2, 10);
  const enc = new TextEncoder();
  const str = (s) => { const b = enc.encode(s); return [b.length >> 8, b.length & 255, ...b]; };
  const connect = [...str('MQTT'), 4, 2, 0, 60, ...str('dc-' + topic.slice(14))];
  const sub = [0, 1, ...str(topic), 0];
  const ws = new WebSocket(${JSON.stringify(url)}, 'mqtt');
  ws.binaryType = 'arraybuffer';
  await new Promise((ok, no) => { ws.onopen = ok; ws.onerror = no; });
  let bytes = 0, suback;
  const subacked = new Promise((ok) => { suback = ok; });
  window.__done = new Promise((done) => {
    ws.onmessage = (e) => {
      const u8 = new Uint8Array(e.data);
      if (u8[0] === 0x90) suback();
      else if ((bytes += u8.byteLength) >= ${n} * 64) done(true);
    };
  });
  ws.send(new Uint8Array([0x10, connect.length, ...connect, 0x82, sub.length, ...sub]));
  await subacked;
  return topic;
})()`;

async function run(name, evaluate, close) {
  const topic = await evaluate(subscribe(WS, N));
  const line = 'x'.repeat(64 - 4 - topic.length);
  const t0 = await chromiumThreadTicks();
  const start = performance.now();
  const pub = spawn('mosquitto_pub', ['-h', HOST, '-p', PORT, '-t', topic, '-l'], { stdio: ['pipe', 'ignore', 'inherit'] });
  pub.stdin.end(`${line}\n`.repeat(N));
  await evaluate('window.__done');
  const ms = performance.now() - start;
  const byThread = threadSplit(t0, await chromiumThreadTicks(), N);
  const total = Object.values(byThread).reduce((s, us) => s + us, 0);
  console.log(JSON.stringify({ driver: name, messages: N, msgPerS: Math.round((N / ms) * 1000), chromiumUsPerMsg: total, byThread }));
  await close();
}

const { chromium } = await import(new URL('../e2e/node_modules/playwright-core/index.mjs', import.meta.url));
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const pw = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: ARGS, headless: true });
const pwPage = await pw.newPage();
await run('playwright (Network domain on)', (e) => pwPage.evaluate(e), () => pw.close());
const raw = await launchBrowser();
const rawPage = await raw.newPage();
await run('DevTools pipe (tests/bench/lib.mjs)', (e) => rawPage.evaluate(`() => ${e}`), () => raw.close());
