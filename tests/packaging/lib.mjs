// Packaging tests' plumbing: install the packed tarball the way a consumer does,
// into a throw-away directory under /tmp. The browser and the static server are
// the e2e harness's (Debian Chromium via playwright-core, loopback only).
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { launchBrowser, serveStatic } from '../e2e/lib/harness.mjs';

export { launchBrowser, serveStatic };

export const TARBALL = process.env.NPM_TARBALL;
export const WS_URL = process.env.MQTT_WS_URL;
export const WS_AUTH_URL = process.env.MQTT_WS_AUTH_URL;
if (!TARBALL) throw new Error('NPM_TARBALL is not set: run tests/packaging/run.sh, which builds the package');
if (!WS_AUTH_URL) throw new Error('MQTT_WS_AUTH_URL is not set: run the tests with scripts/test.sh');

export const HERE = new URL('.', import.meta.url).pathname;
export const BIN = join(HERE, 'node_modules', '.bin');
export const KEEP = process.env.KEEP_TMP === '1';

export const run = promisify(execFile);

/** A fresh consumer project with the package installed from the tarball. */
export async function consumerProject(name, files = {}) {
  const dir = await mkdtemp(join(tmpdir(), `mqtt-wasm-${name}-`));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }));
  await run('npm', ['install', TARBALL, '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], {
    cwd: dir,
    timeout: 120_000,
  });
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return { dir, remove: () => (KEEP ? undefined : rm(dir, { recursive: true, force: true })) };
}

/** Collects the page's console errors and uncaught exceptions, for assertion messages. */
export function watchPage(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  return problems;
}

/**
 * A plain page that imports the installed package as `window.mqtt` (import map, no bundler), then
 * sets `window.loaded` (what `openConsumerPage` waits for) and `window.ready` (what the benchmark
 * driver's `openPage` waits for, tests/bench/lib.mjs).
 */
export const IMPORT_PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "@mqtt-wasm/client": "./node_modules/@mqtt-wasm/client/index.js" } }</script>
<script type="module">import * as mqtt from '@mqtt-wasm/client'; window.mqtt = mqtt; window.loaded = window.ready = true;</script>`;

/**
 * A consumer project holding `html` as index.html, served on loopback and open in
 * headless Chromium once the module has loaded. `close()` tears it all down.
 */
export async function openConsumerPage(name, html = IMPORT_PAGE) {
  const project = await consumerProject(name, { 'index.html': html });
  const server = await serveStatic(project.dir);
  const browser = await launchBrowser();
  const page = await browser.newPage();
  const problems = watchPage(page);
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => window.loaded === true, null, { timeout: 10_000 });
  const close = async () => {
    await browser.close();
    await server.close();
    await project.remove();
  };
  return { project, server, browser, page, problems, close };
}

/**
 * Runs in the page (`page.evaluate(tally, { n, key })`): of the sequence numbers 0..n-1 that a
 * flood test recorded per QoS level in `window[key].seen` (a Map from number to times
 * received), how many arrived, how many are missing, how many came more than once.
 */
export function tally({ n, key }) {
  const count = (m) => ({
    received: m.size,
    lost: Array.from({ length: n }, (_, i) => i).filter((i) => !m.has(i)).length,
    dups: [...m.values()].filter((c) => c > 1).length,
  });
  const { seen } = window[key];
  return { 1: count(seen[1]), 2: count(seen[2]) };
}

/** `tally`'s result as one line for the test log. */
export const tallyLine = (n, t) =>
  `QoS 1: ${t[1].received}/${n} received, ${t[1].lost} lost, ${t[1].dups} duplicated (allowed); ` +
  `QoS 2: ${t[2].received}/${n} received, ${t[2].lost} lost, ${t[2].dups} duplicated`;
