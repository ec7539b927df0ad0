// The inspector in headless Chromium against the real Mosquitto.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { launchBrowser, serveStatic, BROKER_WS, ARTIFACTS } from './lib/harness.mjs';

const DIST = process.env.INSPECTOR_DIST ?? new URL('../../dist', import.meta.url).pathname;
let browser, site;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  site = await serveStatic(DIST);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

test('inspector loads with the broker from the query string and connects', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.url}/?broker=${encodeURIComponent(BROKER_WS)}`);
  await page.getByRole('heading', { name: 'MQTT Inspector' }).waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('#broker-url').inputValue(), BROKER_WS);

  await page.click('#connect-button');
  await page.locator('#link-status', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  const names = await page.locator('.packet-list .packet-name').allTextContents();
  assert.deepEqual(names.slice(0, 2), ['CONNECT', 'CONNACK']);
  await page.screenshot({ path: `${ARTIFACTS}/inspector-connected.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
