// Benchmark plumbing: Debian's Chromium driven over its DevTools pipe (the e2e harness's flags),
// a static server on 127.0.0.1, CDP helpers, and small statistics. Loopback only.
//
// Not Playwright: Playwright enables the DevTools Network domain on every page, and Chromium then
// reports each WebSocket frame (payload included) to the driver. Measured on this host with a bare
// `WebSocket` receiving 50,000 64-byte messages from Mosquitto (devtools-cost.mjs), it took
// Chromium's CPU per message from 54 to 95 µs and the rate from 28,344 to 15,913 msg/s. Users run
// without DevTools attached, so the benchmarks do too: this driver sends only the CDP commands it
// is asked for (Runtime, Page; Network only where a benchmark counts frames on purpose).
import { spawn } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { createServer } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
  // A benchmark page must not be throttled when it has no visible frame to paint.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Chromium with `--remote-debugging-pipe`, a child of this process (its CPU is counted from /proc). */
export async function launchBrowser() {
  const child = spawn(process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', [...CHROMIUM_ARGS, '--remote-debugging-pipe', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const exited = new Promise((ok) => child.once('exit', ok));
  const [input, output] = [child.stdio[3], child.stdio[4]];
  let nextId = 0;
  let pending = '';
  const replies = new Map();
  const listeners = new Map(); // `${sessionId}/${method}` → [fn]
  output.setEncoding('utf8');
  output.on('data', (chunk) => {
    pending += chunk;
    for (let end = pending.indexOf('\0'); end >= 0; end = pending.indexOf('\0')) {
      const msg = JSON.parse(pending.slice(0, end));
      pending = pending.slice(end + 1);
      if (msg.id !== undefined) {
        const reply = replies.get(msg.id);
        replies.delete(msg.id);
        if (msg.error) reply?.no(new Error(`${reply.method}: ${msg.error.message}`));
        else reply?.ok(msg.result);
      } else {
        for (const fn of listeners.get(`${msg.sessionId ?? ''}/${msg.method}`) ?? []) fn(msg.params);
      }
    }
  });
  exited.then(() => {
    for (const r of replies.values()) r.no(new Error(`Chromium exited during ${r.method}: ${stderr}`));
    replies.clear();
  });
  const send = (method, params = {}, sessionId) =>
    new Promise((ok, no) => {
      const id = ++nextId;
      replies.set(id, { ok, no, method });
      input.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  const on = (sessionId, method, fn) => {
    const key = `${sessionId}/${method}`;
    listeners.set(key, [...(listeners.get(key) ?? []), fn]);
    return () => listeners.set(key, listeners.get(key).filter((f) => f !== fn));
  };
  await send('Target.setDiscoverTargets', { discover: false });
  return {
    async newPage() {
      const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
      return makePage({ send: (m, p) => send(m, p, sessionId), on: (m, fn) => on(sessionId, m, fn) }, targetId, send);
    },
    async close() {
      input.end();
      child.kill();
      await exited;
    },
  };
}

function makePage(session, targetId, browserSend) {
  const off = [];
  const page = {
    /** `fn(arg)` in the page (a function's source and a JSON argument), awaited, by value. */
    async evaluate(fn, arg) {
      const expression = `(${fn})(${arg === undefined ? '' : JSON.stringify(arg)})`;
      const r = await session.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
      if (r.exceptionDetails) {
        const d = r.exceptionDetails;
        throw new Error(`page: ${d.exception?.description ?? d.text}`);
      }
      return r.result.value;
    },
    /** Polls `fn(arg)` in the page every 50 ms until it is truthy; throws after `timeout` ms. */
    async waitForFunction(fn, arg, { timeout = 20_000 } = {}) {
      const poll = `(arg) => new Promise((resolve) => {
        const f = ${fn};
        const t0 = performance.now();
        const check = () => {
          let v = false;
          try { v = f(arg); } catch {}
          if (v) resolve(true);
          else if (performance.now() - t0 > ${timeout}) resolve(false);
          else setTimeout(check, 50);
        };
        check();
      })`;
      if (!(await page.evaluate(poll, arg))) throw new Error(`not true within ${timeout} ms: ${fn}`);
    },
    /** Runs `source` in every document this page loads, before its scripts. */
    async addInitScript(source) {
      await session.send('Page.addScriptToEvaluateOnNewDocument', { source });
    },
    async setViewport(width, height) {
      await session.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    },
    async goto(url) {
      let stop;
      const loaded = new Promise((ok) => { stop = session.on('Page.loadEventFired', ok); });
      await session.send('Page.enable');
      await session.send('Page.navigate', { url });
      await loaded;
      stop();
    },
    /** A CDP session on this page: `send`, `on`, `detach` (drops its listeners). */
    cdp() {
      const mine = [];
      return {
        send: session.send,
        on: (method, fn) => mine.push(session.on(method, fn)),
        detach: async () => mine.forEach((f) => f()),
      };
    },
    async close() {
      off.forEach((f) => f());
      await browserSend('Target.closeTarget', { targetId });
    },
  };
  off.push(session.on('Runtime.exceptionThrown', (e) => console.error(`pageerror: ${e.exceptionDetails.exception?.description ?? e.exceptionDetails.text}`)));
  off.push(
    session.on('Runtime.consoleAPICalled', (e) => {
      if (e.type === 'error') console.error(`console: ${e.args.map((a) => a.value ?? a.description).join(' ')}`);
    }),
  );
  return page;
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** Serves `dir` on a free 127.0.0.1 port; resolves to { url, close }. */
export async function serveStatic(dir) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Opens `url` in a fresh page, waits for `window.ready === true`, forwards page errors. */
export async function openPage(browser, url) {
  const page = await browser.newPage();
  await page.cdp().send('Runtime.enable');
  await page.goto(url);
  // The page sets `window.ready` once its modules are loaded.
  await page.waitForFunction(() => window.ready === true);
  return page;
}

export const median = (xs) => quantile(xs, 0.5);
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}

/** The 1-minute load average and the busiest other processes (for the machine note). */
export async function machineLoad() {
  const text = await readFile('/proc/loadavg', 'utf8').catch(() => '');
  return text.split(' ').slice(0, 3).join(' ');
}

/** Runs `fn` with a Chromium CPU profile; returns [result, top self-time functions]. */
export async function profiled(page, fn, top = 15) {
  const cdp = page.cdp();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const result = await fn();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  return [result, summarizeProfile(profile, top)];
}

/** Self time per function (name + url:line), as a share of all samples. */
export function summarizeProfile(profile, top = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const self = new Map();
  for (const [id, c] of counts) {
    const f = byId.get(id).callFrame;
    const file = f.url ? f.url.split('/').pop() : '';
    const key = `${f.functionName || '(anonymous)'} ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + c);
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, c]) => ({ fn, pct: +((100 * c) / total).toFixed(1) }));
}

// Chromium's processes (renderer, network service, GPU, browser): every descendant of this Node
// process (which launched it), Node itself excluded, each with its CPU ticks (utime + stime).
async function chromiumProcesses() {
  const procs = [];
  for (const d of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(d)) continue;
    const text = await readFile(`/proc/${d}/stat`, 'utf8').catch(() => null);
    if (!text) continue;
    const f = text.slice(text.lastIndexOf(') ') + 2).split(' ');
    procs.push({ pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (!mine.has(p.pid) && mine.has(p.ppid)) { mine.add(p.pid); grew = true; }
  }
  return procs.filter((p) => mine.has(p.pid) && p.pid !== process.pid);
}

// CPU time of Chromium, ms (1 tick = 10 ms).
export async function chromiumCpuMs() {
  return ((await chromiumProcesses()).reduce((s, p) => s + p.ticks, 0) * 1000) / 100;
}

// The same CPU time split by process type and thread name ("renderer/CrRendererMain",
// "utility/NetworkService", ...), from /proc/PID/task/TID/stat: where a message's cost lands.
export async function chromiumThreadTicks() {
  const ticks = new Map();
  for (const { pid } of await chromiumProcesses()) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
      const text = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => null);
      if (!text) continue;
      const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(') ')).replace(/[0-9]+$/, '');
      const f = text.slice(text.lastIndexOf(') ') + 2).split(' ');
      const key = `${type}/${name}`;
      ticks.set(key, (ticks.get(key) ?? 0) + Number(f[11]) + Number(f[12]));
    }
  }
  return ticks;
}

// µs per message of each thread group between two `chromiumThreadTicks`, largest first (≥ 1 µs).
export function threadSplit(before, after, n) {
  const rows = [];
  for (const [key, t] of after) {
    const us = ((t - (before.get(key) ?? 0)) * 10_000) / n; // 1 tick = 10 ms
    if (us >= 1) rows.push([key, Math.round(us)]);
  }
  return Object.fromEntries(rows.sort((a, b) => b[1] - a[1]));
}

/**
 * The "waker": an MQTT 3.1.1 connection over TCP (`addr`, host:port) sending PINGREQ every 1 ms,
 * so that Mosquitto 2.0.11's main loop, which services WebSocket connections once per pass and
 * sleeps up to 100 ms when idle, does not stall the clients measured (client.mjs explains).
 * Counts the PINGRESPs, so a report can show it ran.
 */
export async function startWaker(addr) {
  const [host, port] = addr.split(':');
  const sock = tcpConnect({ host, port: Number(port) });
  sock.setNoDelay(true);
  await new Promise((ok, no) => { sock.once('connect', ok); sock.once('error', no); });
  const id = Buffer.from('bench-waker');
  // CONNECT: "MQTT", level 4, clean session, keep-alive 60 s.
  const body = Buffer.concat([Buffer.from([0, 4]), Buffer.from('MQTT'), Buffer.from([4, 2, 0, 60, 0, id.length]), id]);
  sock.write(Buffer.concat([Buffer.from([0x10, body.length]), body]));
  // The broker answers with CONNACK (4 bytes), then 2 bytes per PINGRESP.
  let received = 0;
  sock.on('data', (d) => { received += d.length; });
  sock.on('error', () => {});
  const timer = setInterval(() => sock.write(Buffer.from([0xc0, 0])), 1);
  return { pongs: () => Math.max(0, (received - 4) / 2), stop: () => { clearInterval(timer); sock.destroy(); } };
}
