// wss:// against Mosquitto with a self-signed certificate for 127.0.0.1: trusted in
// Chromium by its public-key hash, the inspector connects; untrusted, the
// connection fails and the inspector says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, serveStatic } from './lib/harness.mjs';

const DIST = process.env.INSPECTOR_DIST ?? new URL('../../dist', import.meta.url).pathname;
const WSS = process.env.MQTT_WSS_URL;
const SPKI = process.env.MQTT_WSS_SPKI;
let site;

before(async () => {
  assert.ok(WSS && SPKI, 'MQTT_WSS_URL / MQTT_WSS_SPKI not set: run the tests with scripts/test.sh');
  site = await serveStatic(DIST);
});
after(async () => site?.close());

async function connectOver(browser) {
  const page = await browser.newPage();
  await page.goto(`${site.url}/?broker=${encodeURIComponent(WSS)}`);
  await page.click('[data-part=connect-button]');
  return page;
}

test('wss:// with a certificate the browser trusts connects', async () => {
  const browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${SPKI}`]);
  try {
    const page = await connectOver(browser);
    await page.locator('[data-part=link-status]', { hasText: 'Connected' }).waitFor({ timeout: 15_000 });
    await page.locator('[data-part=timeline]', { hasText: 'CONNACK Success' }).waitFor();
  } finally {
    await browser.close();
  }
});

test('wss:// with an untrusted certificate is refused by the browser, and the inspector says so', async () => {
  const browser = await launchBrowser();
  try {
    const page = await connectOver(browser);
    await page.locator('[data-part=timeline]', { hasText: 'the WebSocket closed' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-part=timeline]', { hasText: 'CONNACK' }).count(), 0);
  } finally {
    await browser.close();
  }
});
