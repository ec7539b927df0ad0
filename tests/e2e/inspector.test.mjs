// The inspector in headless Chromium against the real Mosquitto: connect from the
// form, subscribe, receive from a second client, publish from the UI, watch a
// QoS 2 handshake, read an annotated hex dump, clear a retained message, and
// render a hostile payload inert. Screenshots go to tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { launchBrowser, serveStatic, axeViolations, BROKER_WS, ARTIFACTS } from './lib/harness.mjs';

const run = promisify(execFile);
const DIST = process.env.INSPECTOR_DIST ?? new URL('../../dist', import.meta.url).pathname;
const [TCP_HOST, TCP_PORT] = (process.env.MQTT_TCP_ADDR ?? '').split(':');
let browser, site, page;
const errors = [];
const base = `e2e/${Date.now()}`;

/** Publishes with the broker's own client over TCP (a second, independent client). */
async function mosquittoPub(topic, message, ...args) {
  await run('mosquitto_pub', ['-h', TCP_HOST, '-p', TCP_PORT, '-V', 'mqttv5', '-t', topic, '-m', message, ...args]);
}

before(async () => {
  assert.ok(TCP_PORT, 'MQTT_TCP_ADDR is not set: run the tests with scripts/test.sh');
  await mkdir(ARTIFACTS, { recursive: true });
  site = await serveStatic(DIST);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push(`dialog opened: ${d.message()}`); d.dismiss(); });
  // Any Content-Security-Policy violation is an error.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations = [...(window.__cspViolations ?? []), `${e.violatedDirective} ${e.blockedURI}`];
    });
  });
});
after(async () => {
  await browser?.close();
  await site?.close();
});

test('loads with the broker from the query string and connects from the form', async () => {
  await page.goto(`${site.url}/?broker=${encodeURIComponent(BROKER_WS)}&client_id=e2e-inspector`);
  await page.getByRole('heading', { name: 'MQTT Inspector' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('[name=broker-url]').inputValue(), BROKER_WS);
  assert.equal(await page.locator('[name=client-id]').inputValue(), 'e2e-inspector');

  // Credentials over ws:// are flagged before connecting.
  await page.fill('[name=username]', 'someone');
  await page.locator('[data-part=cleartext-warning]').waitFor();
  await page.fill('[name=username]', '');
  assert.equal(await page.locator('[data-part=cleartext-warning]').count(), 0);

  await page.click('[data-part=connect-button]');
  await page.locator('[data-part=link-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await page.locator('[data-part=timeline]', { hasText: 'CONNACK Success (0x00)' }).waitFor();
  assert.deepEqual(errors, []);
});

test('subscribes and receives a message published by a second client', async () => {
  await page.fill('[data-part=subscribe-filter]', `${base}/#`);
  await page.selectOption('[data-part=subscribe-qos]', '2');
  await page.click('[data-part=subscribe-button]');
  await page.locator('[data-part=subscription-list]', { hasText: 'granted QoS 2' }).waitFor({ timeout: 10_000 });

  await mosquittoPub(`${base}/sensors/temp`, '21.5', '-q', '1');
  await mosquittoPub(`${base}/sensors/temp`, '22.0', '-q', '1');
  // The topic tree shows the new branch; expand down to the leaf.
  const root = base.split('/')[0];
  await page.locator(`[data-topic="${root}"]`).waitFor({ timeout: 10_000 });
  let path = root;
  for (const level of [...base.split('/').slice(1), 'sensors']) {
    await page.getByRole('button', { name: `Expand ${path}`, exact: true }).click();
    path = `${path}/${level}`;
  }
  await page.getByRole('button', { name: `Expand ${path}`, exact: true }).click();
  const leaf = page.locator(`[data-topic="${base}/sensors/temp"]`);
  await leaf.locator('.count', { hasText: '2' }).waitFor({ timeout: 10_000 });
  assert.match(await leaf.locator('.last').textContent(), /22\.0/);
  await leaf.locator('.topic-name').click();
  await page.locator('[data-part=selected-topic]', { hasText: `${base}/sensors/temp` }).waitFor();
  await page.locator('.chart').waitFor();
  await page.screenshot({ path: `${ARTIFACTS}/inspector-topics.png` });
});

test('publishes from the UI at QoS 2 and shows the four-leg handshake', async () => {
  await page.fill('[data-part=publish-topic]', `${base}/from-ui`);
  await page.fill('[data-part=publish-payload]', '{"hello":"broker"}');
  await page.selectOption('[data-part=publish-qos]', '2');
  await page.click('[data-part=publish-button]');
  await page.click('[data-part=tab-handshakes]');
  // Our PUBLISH (client → broker) completes with PUBREC, PUBREL, PUBCOMP; the
  // broker's copy back to us (we subscribed at QoS 2) is a second QoS 2 flow.
  const outgoing = page.locator('.flow.complete[data-qos="2"]').filter({ hasText: `${base}/from-ui` });
  await outgoing.first().waitFor({ timeout: 10_000 });
  const flows = await outgoing.evaluateAll((els) => els.map((el) => [...el.querySelectorAll('.leg')].map((l) => [
    l.querySelector('.leg-name').textContent, l.classList.contains('to-broker') ? 'to-broker' : 'to-client'])));
  const expectedOut = [['PUBLISH', 'to-broker'], ['PUBREC', 'to-client'], ['PUBREL', 'to-broker'], ['PUBCOMP', 'to-client']];
  const expectedIn = [['PUBLISH', 'to-client'], ['PUBREC', 'to-broker'], ['PUBREL', 'to-client'], ['PUBCOMP', 'to-broker']];
  await page.waitForFunction((t) => document.querySelectorAll('.flow.complete[data-qos="2"]').length >= 2, null, { timeout: 10_000 });
  const all = await page.locator('.flow.complete[data-qos="2"]').filter({ hasText: `${base}/from-ui` }).evaluateAll((els) => els.map((el) => [...el.querySelectorAll('.leg')].map((l) => [
    l.querySelector('.leg-name').textContent, l.classList.contains('to-broker') ? 'to-broker' : 'to-client'])));
  assert.ok(flows.length >= 1);
  assert.ok(all.some((f) => JSON.stringify(f) === JSON.stringify(expectedOut)), `outgoing 4 legs: ${JSON.stringify(all)}`);
  assert.ok(all.some((f) => JSON.stringify(f) === JSON.stringify(expectedIn)), `incoming 4 legs: ${JSON.stringify(all)}`);
  await page.screenshot({ path: `${ARTIFACTS}/inspector-handshakes.png` });

  // Clicking a leg opens that packet in the packet view with an annotated hex dump.
  await outgoing.locator('.leg.to-broker', { hasText: 'PUBLISH' }).first().click();
  await page.locator('[data-part=packet-detail] h3', { hasText: 'sent PUBLISH' }).waitFor();
  const labels = await page.locator('[data-part=hexdump] .label').allTextContents();
  for (const want of ['packet type and flags', 'remaining length', 'topic name', 'packet identifier', 'property length', 'payload']) {
    assert.ok(labels.includes(want), `hex dump labels ${JSON.stringify(labels)} lack ${want}`);
  }
  const payloadHex = await page.locator('[data-part=hexdump] .span.payload .bytes').textContent();
  assert.equal(payloadHex, Buffer.from('{"hello":"broker"}').toString('hex').match(/../g).join(' '));
  await page.screenshot({ path: `${ARTIFACTS}/inspector-packet.png` });
});

test('clears a retained message', async () => {
  const topic = `${base}/retained/door`;
  await mosquittoPub(topic, 'open', '-r', '-q', '1');
  await page.click('[data-part=tab-topics]');
  await page.fill('[data-part=topic-search]', 'retained/door');
  const row = page.locator(`[data-topic="${topic}"]`);
  await row.locator('.badge.retained').waitFor({ timeout: 10_000 });
  await row.locator('.topic-name').click();
  await page.click('[data-part=clear-retained]');
  // The empty retained PUBLISH comes back to us (we subscribed to it): the flag goes away.
  await row.locator('.badge.retained').waitFor({ state: 'detached', timeout: 10_000 });
  // And the broker no longer has it: a fresh subscriber gets nothing retained.
  const { stdout } = await run('mosquitto_sub', ['-h', TCP_HOST, '-p', TCP_PORT, '-t', topic, '-W', '1', '-F', '%r %p'])
    .catch((e) => ({ stdout: e.stdout ?? '' }));
  assert.equal(stdout.trim(), '', 'no retained message left on the broker');
});

test('a hostile payload and topic render as inert text', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  await mosquittoPub(`${base}/xss/<b>bold</b>`, evil);
  await page.click('[data-part=tab-messages]');
  const row = page.locator('[data-part=message-list] .vrow', { hasText: evil });
  await row.first().waitFor({ timeout: 10_000 });
  await row.first().click(); // the detail view renders the payload in full
  await page.locator('[data-part=message-detail] pre.payload', { hasText: evil }).waitFor();
  assert.equal(await page.locator('[data-part=message-detail] img').count(), 0, 'no <img> element in the detail');
  // Markup in 5.0 user properties stays text too.
  await mosquittoPub(`${base}/xss/props`, 'p', '-D', 'publish', 'user-property', '<i>k</i>', '<img src=y onerror=alert(4)>');
  await page.locator('[data-part=message-list] .vrow', { hasText: `${base}/xss/props` }).first().click();
  await page.locator('[data-part=message-detail] .props', { hasText: '<i>k</i>: <img src=y onerror=alert(4)>' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('[data-part=message-detail] img, [data-part=message-detail] i').count(), 0, 'no element from a user property');
  assert.equal(await page.locator('[data-part=message-list] img').count(), 0, 'no <img> element was created');
  assert.equal(await page.locator('[data-part=message-list] b').count(), 0, 'no <b> element from the topic');
  assert.deepEqual(errors, [], 'no dialog, no page error');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations ?? []), [], 'no CSP violation');
  await page.screenshot({ path: `${ARTIFACTS}/inspector-messages.png` });
});

test('the message list renders only the rows in view and scrolls through all of them', async () => {
  const lines = Array.from({ length: 400 }, (_, i) => `n${i}`).join('\n');
  const r = spawnSync('mosquitto_pub', ['-h', TCP_HOST, '-p', TCP_PORT, '-t', `${base}/many`, '-l'], { input: lines, timeout: 10_000 });
  assert.equal(r.status, 0, String(r.stderr));
  await page.fill('[data-part=message-filter]', `${base}/many`);
  await page.locator('.messages p.muted', { hasText: '(400 match)' }).waitFor({ timeout: 10_000 });
  const rendered = await page.locator('[data-part=message-list] .vrow').count();
  assert.ok(rendered > 10 && rendered <= 60, `rendered ${rendered} of 400 rows`);
  assert.match(await page.locator('[data-part=message-list] .vrow').first().textContent(), /n399/, 'newest first');
  // Keyboard: a focused row opens in the detail pane with Enter.
  await page.locator('[data-part=message-list] .vrow').nth(1).focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-part=message-detail] pre.payload', { hasText: 'n398' }).waitFor({ timeout: 5_000 });
  await page.locator('[data-part=message-list]').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.locator('[data-part=message-list] .vrow', { hasText: /n0$/ }).waitFor({ timeout: 5_000 });
  assert.ok(await page.locator('[data-part=message-list] .vrow').count() <= 60);
  await page.fill('[data-part=message-filter]', '');
});

test('saved profiles keep the password only when opted in; a second connection runs beside the first', async () => {
  // Open a second connection; the first stays connected in the background.
  await page.click('#add-connection');
  const second = page.locator('.workspace:not([hidden])');
  // Every workspace has a connect form: each label names its own workspace's field.
  const strayLabels = await page.evaluate(() =>
    [...document.querySelectorAll('label[for]')]
      .filter((l) => document.getElementById(l.htmlFor)?.closest('.workspace') !== l.closest('.workspace'))
      .map((l) => l.htmlFor),
  );
  assert.equal(await page.locator('.workspace').count(), 2);
  assert.deepEqual(strayLabels, [], 'labels pointing at another workspace');
  // Element ids are unique in the page with two workspaces (test hooks are `data-part`).
  const duplicateIds = await page.evaluate(() => {
    const seen = new Map();
    for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
  assert.deepEqual(duplicateIds, [], 'ids repeated across workspaces');
  await second.getByLabel('Broker', { exact: true }).fill(BROKER_WS);
  await second.getByLabel('User', { exact: true }).fill('alice');
  await second.getByLabel('Password', { exact: true }).fill('s3cret');
  await second.locator('.save-profile summary').click();
  await second.locator('[data-part=profile-name]').fill('local');
  await second.locator('[data-part=save-profile]').click();
  let stored = await page.evaluate(() => localStorage.getItem('mqtt-inspector.profiles'));
  assert.match(stored, /"username":"alice"/);
  assert.doesNotMatch(stored, /s3cret/, 'password not stored without opt-in');
  await second.locator('[data-part=remember-password]').check();
  await second.locator('[data-part=save-profile]').click();
  stored = await page.evaluate(() => localStorage.getItem('mqtt-inspector.profiles'));
  assert.match(stored, /s3cret/, 'password stored after opt-in');

  await second.locator('[name=username]').fill('');
  await second.locator('[name=password]').fill('');
  await second.locator('[data-part=connect-button]').click();
  await second.locator('[data-part=link-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('.workspace [data-part=link-status]', { hasText: 'Connected' }).count(), 2, 'both connections up');
  // One global memory budget (64 MiB), split between the open connections.
  assert.match(await second.locator('[data-part=budget]').textContent(), /\/ 32 MiB/);
  await second.locator('[data-part=connect-button]').click(); // disconnect the second
  await second.locator('[data-part=link-status]', { hasText: 'Closed' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(errors, []);
});

test('5.0 publish properties round-trip and a will from the form fires when the connection is dropped', async () => {
  // Back to the first connection (still subscribed to `${base}/#`).
  await page.getByRole('tab', { name: 'Connection 1' }).click();
  const first = page.locator('.workspace:not([hidden])');
  await first.locator('[data-part=publish-topic]').fill(`${base}/props`);
  await first.locator('[data-part=publish-payload]').fill('with properties');
  await first.locator('details.properties summary').click();
  await first.locator('[data-part=publish-content-type]').fill('text/plain');
  await first.locator('[data-part=publish-correlation]').fill('ca fe');
  await first.locator('[data-part=publish-user-properties]').fill('origin=e2e\ntrace=1\norigin=again');
  await first.locator('[data-part=publish-button]').click();
  assert.equal(await first.locator('[data-part=action-error]').count(), 0, await first.locator('[data-part=action-error]').allTextContents().then(String));
  await first.locator('[data-part=tab-messages]').click();
  const row = first.locator('[data-part=message-list] .vrow', { hasText: `${base}/props` }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  const props = await first.locator('[data-part=message-detail] .props').innerText();
  assert.match(props, /content-type: text\/plain/);
  assert.match(props, /correlation: ca fe/);
  assert.match(props, /origin: e2e\s+trace: 1\s+origin: again/, 'user properties in wire order with repeats');

  // A third connection with a will; "Drop" closes its WebSocket without DISCONNECT.
  await page.click('#add-connection');
  const third = page.locator('.workspace:not([hidden])');
  await third.locator('.will summary').click();
  await third.locator('[data-part=will-topic]').fill(`${base}/will`);
  await third.locator('[data-part=will-payload]').fill('gone');
  await third.locator('[data-part=connect-button]').click();
  await third.locator('[data-part=link-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await third.locator('[data-part=drop-button]').click();
  await third.locator('[data-part=link-status]', { hasText: 'Closed: dropped by the user, without DISCONNECT' }).waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Close connection 3' }).click();
  await page.getByRole('tab', { name: 'Connection 1' }).click();
  await first.locator('[data-part=message-list] .vrow', { hasText: `${base}/will` }).locator('.payload', { hasText: 'gone' })
    .waitFor({ timeout: 10_000 });
  assert.deepEqual(errors, []);
});

test('a broker that sends a malformed packet: the violation is named, DISCONNECT 0x81 is shown', async () => {
  const FAULT = process.env.MQTT_FAULT_WS_URL;
  assert.ok(FAULT, 'MQTT_FAULT_WS_URL is not set: run the tests with scripts/test.sh (it starts the fault peer)');
  await page.click('#add-connection');
  const ws = page.locator('.workspace:not([hidden])');
  await ws.locator('[name=broker-url]').fill(`${FAULT}/malformed-qos3`);
  await ws.locator('[data-part=connect-button]').click();
  await ws.locator('[data-part=tab-packets]').click();
  // The tab pattern: the panel is named by the active tab, which names the panel it controls.
  const panel = ws.getByRole('tabpanel', { name: 'Packets' });
  await panel.waitFor({ timeout: 5_000 });
  assert.equal(await ws.getByRole('tab', { name: 'Packets' }).getAttribute('aria-controls'), await panel.getAttribute('id'));
  // Keyboard: only the active tab is in the Tab order; the arrow keys move between tabs.
  assert.equal(await ws.locator('[role=tab][tabindex="0"]').count(), 1);
  await ws.getByRole('tab', { name: 'Packets' }).press('ArrowLeft');
  await ws.getByRole('tabpanel', { name: 'QoS handshakes' }).waitFor({ timeout: 5_000 });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'QoS handshakes');
  await page.keyboard.press('End');
  await ws.getByRole('tabpanel', { name: 'Decoder' }).waitFor({ timeout: 5_000 });
  await page.keyboard.press('ArrowLeft');
  await panel.waitFor({ timeout: 5_000 });
  const violation = ws.locator('[data-part=violations] li').first();
  await violation.waitFor({ timeout: 10_000 });
  const text = await violation.textContent();
  assert.match(text, /MQTT-3\.3\.1-4/, text);
  assert.match(text, /Malformed Packet \(0x81\)/, text);
  // Our DISCONNECT with 0x81 is in the trace.
  await ws.locator('[data-part=packet-list] .packet-name', { hasText: 'DISCONNECT' }).first().waitFor({ timeout: 10_000 });
  // So are the offending bytes, down to the first byte (0x36: PUBLISH, both QoS bits), and why.
  await ws.locator('[data-part=packet-list] tr', { hasText: 'MALFORMED' }).click();
  const dump = await ws.locator('[data-part=hexdump] .bytes').allTextContents();
  assert.match(dump.join(' '), /^36 /, dump.join(' '));
  assert.match(await ws.locator('[data-part=rejected]').textContent(), /PUBLISH with QoS 3.*Malformed Packet \(0x81\)/);
  await ws.locator('[data-part=connect-button]', { hasText: 'Disconnect' }).click();
  await page.screenshot({ path: `${ARTIFACTS}/inspector-violation.png` });
});

test('the decoder tab splits pasted bytes into packets and names the rule an invalid one breaks', async () => {
  const ws = page.locator('.workspace:not([hidden])');
  await ws.locator('[data-part=tab-decoder]').click();
  const input = ws.getByLabel('Bytes to decode, in hex');
  // A 5.0 PUBLISH to a/b/c, a PINGREQ, a PUBLISH with QoS 3, then a PINGRESP never reached.
  await input.fill('30 0c 00 05 61 2f 62 2f 63 00 68 69 21 21\nc0 00\n36 09 00 03 71 2f 33 00 01 00 78 d0 00');
  const frames = ws.locator('[data-part=decode-result] .decoded-frame h3');
  assert.deepEqual(await frames.allTextContents(), [
    '#1 at byte 0 · PUBLISH · 14 bytes',
    '#2 at byte 14 · PINGREQ · 2 bytes',
    '#3 at byte 16 · MALFORMED · 11 bytes',
  ]);
  assert.match(await ws.locator('[data-part=decode-result] [data-part=rejected]').textContent(), /MQTT-3\.3\.1-4.*Malformed Packet \(0x81\)/);
  assert.equal(await ws.locator('[data-part=decode-rest]').textContent(), '2 bytes after it not decoded.');
  await page.screenshot({ path: `${ARTIFACTS}/inspector-decoder.png` });
  // The same PUBLISH read as 3.1.1: the 00 is then the first payload byte.
  await input.fill('30 0c 00 05 61 2f 62 2f 63 00 68 69 21 21');
  await ws.locator('[data-part=decode-version]').selectOption('4');
  assert.match(await ws.locator('[data-part=decode-result] pre.decoded').textContent(), /payload: b"\\0hi!!"/);
  await input.fill('30 0c 00');
  assert.match(await ws.locator('[data-part=decode-rest]').textContent(), /3 bytes at the end: the start of a packet that is not complete/);
  await input.fill('zz');
  assert.match(await ws.locator('[data-part=decode-error]').textContent(), /Not hex/);
  await ws.locator('[data-part=tab-packets]').click(); // back where the previous test left it
  assert.deepEqual(errors, []);
});

test('markup in a server reason string stays text; an exported trace carries no password', async () => {
  const FAULT = process.env.MQTT_FAULT_WS_URL;
  const AUTH = process.env.MQTT_WS_AUTH_URL;
  assert.ok(FAULT && AUTH, 'run the tests with scripts/test.sh (fault peer and auth listener)');
  await page.click('#add-connection');
  const ws = page.locator('.workspace:not([hidden])');
  await ws.locator('[name=broker-url]').fill(`${FAULT}/server-disconnect-0x8b`);
  await ws.locator('[data-part=connect-button]').click();
  const line = ws.locator('[data-part=timeline] li', { hasText: 'server sent DISCONNECT' }).first();
  await line.waitFor({ timeout: 10_000 });
  assert.match(await line.textContent(), /fault-peer says <b>no<\/b> <img src=x onerror=alert\(3\)>/);
  assert.equal(await ws.locator('[data-part=timeline] img, [data-part=timeline] b').count(), 0, 'no element from the reason string');
  await ws.locator('[data-part=connect-button]', { hasText: 'Disconnect' }).click();

  // Credentials (over ws:// to the local auth listener), then export the trace.
  await page.click('#add-connection');
  const auth = page.locator('.workspace:not([hidden])');
  await auth.locator('[name=broker-url]').fill(AUTH);
  await auth.locator('[name=username]').fill('demo');
  await auth.locator('[name=password]').fill('demo-pass');
  await auth.locator('[data-part=cleartext-warning]').waitFor();
  await auth.locator('[data-part=connect-button]').click();
  await auth.locator('[data-part=link-status]', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
  await auth.locator('[data-part=tab-packets]').click();
  const [download] = await Promise.all([page.waitForEvent('download'), auth.getByRole('button', { name: 'Export trace' }).click()]);
  const text = await new Promise((ok, no) => {
    download.createReadStream().then((s) => { let t = ''; s.on('data', (c) => (t += c)); s.on('end', () => ok(t)); s.on('error', no); }, no);
  });
  assert.match(text, /"packet":"CONNECT"/);
  assert.match(text, /redacted/);
  assert.doesNotMatch(text, /demo-pass/, 'no password in clear');
  assert.doesNotMatch(text, new RegExp(Buffer.from('demo-pass').toString('hex').match(/../g).join(' ')), 'no password in hex');
  assert.deepEqual(errors, [], 'no dialog, no page error');
});

test('accessibility: axe-core finds no violation in any view, in either theme; the connection tabs work from the keyboard', async () => {
  // Connection 1 has subscriptions, messages, topics and QoS 2 handshakes from the tests above.
  await page.getByRole('tab', { name: 'Connection 1' }).click();
  const first = page.locator('.workspace:not([hidden])');
  for (const theme of ['first', 'second']) {
    for (const view of ['topics', 'messages', 'handshakes', 'packets', 'decoder']) {
      await first.locator(`[data-part=tab-${view}]`).click();
      // With something selected, so that the detail panes are checked too.
      if (view === 'messages') await first.locator('[data-part=message-list] .vrow').first().click();
      if (view === 'packets') await first.locator('[data-part=packet-list] .packet-name').first().click();
      assert.deepEqual(await axeViolations(page), [], `${theme} theme, ${view} view`);
      if (theme === 'second' && view === 'handshakes') await page.screenshot({ path: `${ARTIFACTS}/inspector-other-theme.png` });
    }
    await page.click('#theme-toggle');
  }
  // QoS 0 messages (400 of them above) have no handshake: hidden until asked for.
  await first.locator('[data-part=tab-handshakes]').click();
  assert.equal(await first.locator('.flow[data-qos="0"]').count(), 0, 'QoS 0 hidden by default');
  assert.ok(await first.locator('.flow[data-qos="2"]').count() >= 2, 'the QoS 2 handshakes stay in view');
  await first.locator('[data-part=show-qos0]').check();
  assert.ok(await first.locator('.flow[data-qos="0"]').count() > 0, 'QoS 0 shown on request');
  await first.locator('[data-part=show-qos0]').uncheck();

  // The workspace of the malformed-packet test, showing the server's spec violation.
  const faulty = await page.evaluate(() => document.querySelector('[data-part=violations]')?.closest('.workspace')?.getAttribute('aria-labelledby'));
  assert.ok(faulty, 'a workspace with a spec violation');
  await page.locator(`#${faulty}`).click();
  await page.locator('.workspace:not([hidden]) [data-part=violations] li').first().waitFor({ timeout: 5_000 });
  assert.deepEqual(await axeViolations(page), [], 'violations shown');

  // The connections' tabs: one tab per connection, each controlling its workspace; only the
  // active tab is in the Tab order; arrow keys select, Delete closes the focused connection.
  const tabs = page.getByRole('tablist', { name: 'Connections' }).getByRole('tab');
  const count = await tabs.count();
  assert.ok(count >= 3, `${count} connection tabs`);
  assert.equal(await page.locator('[role=tablist][aria-label=Connections] [tabindex="0"]').count(), 1);
  const tab1 = page.getByRole('tab', { name: 'Connection 1' });
  await tab1.click();
  const panel = page.getByRole('tabpanel', { name: 'Connection 1' });
  assert.equal(await panel.getAttribute('id'), await tab1.getAttribute('aria-controls'));
  assert.equal(await panel.isVisible(), true);
  await tab1.press('ArrowRight');
  const second = page.locator('[role=tablist][aria-label=Connections] [role=tab][aria-selected=true]');
  const secondName = await second.textContent();
  assert.notEqual(secondName, 'Connection 1');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), secondName, 'focus follows the selection');
  await page.keyboard.press('Delete');
  await page.waitForFunction((n) => document.querySelectorAll('[role=tablist][aria-label=Connections] [role=tab]').length === n, count - 1, { timeout: 5_000 });
  assert.equal(await page.getByRole('tab', { name: secondName }).count(), 0, `${secondName} closed`);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'tab', 'the focus stays on a tab');
  await page.keyboard.press('Home');
  assert.equal(await tab1.getAttribute('aria-selected'), 'true');
  assert.deepEqual(await axeViolations(page), [], 'after closing a connection');
  assert.deepEqual(errors, []);
});
