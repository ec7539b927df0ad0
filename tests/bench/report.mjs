// Turns scripts/bench-browser.sh's JSON results into Markdown tables; prints them, and with a
// second argument (BENCHMARKS.md) replaces the text between the bench-browser markers there
// (the section is appended once if the markers are missing; text outside them is kept).
//
//   node report.mjs RESULTS_DIR [BENCHMARKS.md]
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const [dir, target] = process.argv.slice(2);
const load = async (name) => JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8').catch(() => 'null'));
const meta = await load('meta');
const codec = await load('codec');
const client = await load('client');
const broker = await load('broker');
const sizes = await load('sizes');

const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const rate = (x) => (!Number.isFinite(x) ? '–' : x < 10 ? x.toFixed(2) : int(x));
const si = (x) => (!Number.isFinite(x) ? '–' : x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e4 ? `${(x / 1e3).toFixed(0)} k` : int(x));
const mb = (x) => (!Number.isFinite(x) ? '–' : x >= 100 ? int(x) : x.toFixed(1));
const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const ratio = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1];

const parts = [];
parts.push(
  `Command: \`${meta.command}\` (sources: ${meta.source ?? 'working tree'}), ${meta.date}; ${meta.rounds} rounds, alternating which implementation goes first. ` +
    `Machine: ${meta.cores} shared cores (${meta.cpu}), load average ${meta.load} at the end (on 2 cores: the machine was ` +
    `oversubscribed): a fuzzer may have been running at low priority and other engineers' builds at the same time, so ` +
    `expect ±30 % between runs on the end-to-end rows; the ratios are taken within one run. ${meta.chromium} (headless, Debian), Mosquitto ${meta.mosquitto}, Node ${meta.node}, ` +
    `MQTT.js ${meta.mqttjs}, mqtt-packet ${meta.mqttPacket}.${meta.quick ? ' **Quick mode (small N): not for comparison.**' : ''}\n`,
);

if (codec) {
  parts.push('### Codec in the browser: wasm (boundary included) vs mqtt-packet\n');
  parts.push(
    'MQTT 5.0 frames written by mqtt-packet. Decode: one `Uint8Array` of ~256 KiB (count in the row) per call → ours: ' +
      'the client\'s receive path (`client-wasm/src/incoming.rs`: copied into wasm memory, except the payloads of PUBLISH ' +
      'frames of 8 KiB or more, which stay in JS memory as views), the client\'s streaming `Decoder`, a 2-number summary ' +
      'back; mqtt-packet: one kept ' +
      '`parser.parse(Buffer)`. Encode: N PUBLISHes from arrays of topics and payloads → ours: payloads concatenated in JS, ' +
      'one call, all frames back in one `Uint8Array`; mqtt-packet: `generate()` each. Wasm built as shipped (opt-level z, ' +
      'LTO, `wasm-opt -Oz`) plus feature `bench-api` (`client-wasm/src/js/bench.rs`).\n',
  );
  parts.push('| packet (per call) | op | ours packets/s | ours MB/s | mqtt-packet packets/s | mqtt-packet MB/s | ours / mqtt-packet |');
  parts.push('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const op of ['decode', 'encode']) {
    for (const r of codec[op]) {
      const per = op === 'decode' ? `${int(r.batchPackets)} packets, ${int(r.batchBytes)} B` : `${int(r.batchPackets)} packets`;
      parts.push(`| ${r.label} (${per}) | ${op} | ${si(r.ours)} | ${mb(r.oursMBps)} | ${si(r.mqttPacket)} | ${mb(r.mqttPacketMBps)} | ${ratio(r.ratio)} |`);
    }
  }
  parts.push('');
}

if (client) {
  parts.push('### Client end to end in headless Chromium: @mqtt-wasm/client vs MQTT.js\n');
  parts.push(
    'Same page, same Mosquitto (WebSocket listener on 127.0.0.1), MQTT 5.0 both. A client subscribes to its own topic and ' +
      'publishes N messages as fast as the API allows (at most `window` publish promises unresolved and `recv` messages ' +
      'sent but not yet received), timed until all N are back. Median of the rounds. CPU columns: Mosquitto\'s and all ' +
      'Chromium processes\' (renderer, network service, browser) CPU time per message, from /proc. ' +
      (client.waker
        ? `Broker waker on: a TCP client sent PINGREQ every millisecond throughout (${client.wakerPongs ?? '?'} PINGRESPs), ` +
          'so that Mosquitto 2.0.11\'s main loop, which services WebSocket connections once per pass and sleeps up to 100 ms ' +
          'when idle, does not stall either client (tests/bench/client.mjs).\n'
        : 'Broker waker off: Mosquitto\'s idle main loop (up to 100 ms per pass) stalls QoS 1/2 and the round trips.\n'),
  );
  parts.push(
    'The floor column is a client that does the least any browser client must (`bare` in tests/bench/client.mjs): ' +
      'hand-written frames on a bare WebSocket, incoming frames split but not decoded, acknowledgments sent, what ' +
      'is written before the next task sent in one WebSocket message (as ours does). It shows what Chromium and Mosquitto leave to any client on this machine. ' +
      'Chromium is driven over its DevTools pipe with only the commands the benchmark needs: with the Network domain ' +
      'enabled (as Playwright does on every page), Chromium reports each WebSocket frame to the driver, which doubled ' +
      'its CPU per message on this host.\n',
  );
  parts.push('| case | N | window / recv | ours msg/s | MQTT.js msg/s | ours / MQTT.js | floor msg/s | ours / floor | ours MB/s | MQTT.js MB/s | broker CPU µs/msg ours / MQTT.js / floor | Chromium CPU µs/msg ours / MQTT.js / floor |');
  parts.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const t of client.throughput) {
    parts.push(
      `| ${t.label} | ${int(t.n)} | ${t.window} / ${t.recvWindow} | ${rate(t.ours)} | ${rate(t.mqttjs)} | ${ratio(t.ratio)} | ${rate(t.bare)} | ${ratio(t.ours / t.bare)} | ${mb(t.oursMBps)} | ${mb(t.mqttjsMBps)} | ` +
        // CPU time is read in 10 ms ticks: per-message figures need enough messages.
        (t.n >= 1000
          ? `${int(t.brokerCpuUsPerMsg?.ours)} / ${int(t.brokerCpuUsPerMsg?.mqttjs)} / ${int(t.brokerCpuUsPerMsg?.bare)} | ${int(t.chromiumCpuUsPerMsg?.ours)} / ${int(t.chromiumCpuUsPerMsg?.mqttjs)} / ${int(t.chromiumCpuUsPerMsg?.bare)} |`
          : '– | – |'),
    );
  }
  parts.push('');
  parts.push('| measure | ours | MQTT.js | ours / MQTT.js |');
  parts.push('| --- | ---: | ---: | ---: |');
  if (client.latency?.ours) {
    const l = client.latency;
    parts.push(`| QoS 1 round trip p50, ms (${int(l.ours.samples)} sequential) | ${ms(l.ours.p50)} | ${ms(l.mqttjs.p50)} | ${ratio(l.ours.p50 / l.mqttjs.p50)} |`);
    parts.push(`| QoS 1 round trip p99, ms | ${ms(l.ours.p99)} | ${ms(l.mqttjs.p99)} | ${ratio(l.ours.p99 / l.mqttjs.p99)} |`);
    if (l.bare?.samples) parts.push(`| ... the floor client's p50 / p99, ms | ${ms(l.bare.p50)} / ${ms(l.bare.p99)} | | |`);
  }
  if (client.connect?.ours?.p50) {
    const c = client.connect;
    parts.push(`| connect (WebSocket + CONNACK) p50, ms (${int(c.ours.samples)}) | ${ms(c.ours.p50)} | ${ms(c.mqttjs.p50)} | ${ratio(c.ours.p50 / c.mqttjs.p50)} |`);
    if (c.websocketOnly) parts.push(`| ... of which the bare WebSocket handshake (\`new WebSocket\` → open), p50, ms | ${ms(c.websocketOnly.p50)} | ${ms(c.websocketOnly.p50)} | |`);
  }
  if (client.heap?.ours) {
    const h = client.heap;
    const mib = (x) => (x / 1048576).toFixed(2);
    parts.push(`| JS heap after ${int(h.ours.messages)} received messages (after GC), MiB | ${mib(h.ours.after)} | ${mib(h.mqttjs.after)} | ${ratio(h.ours.after / h.mqttjs.after)} |`);
    parts.push(`| ... growth over the page before connecting, MiB | ${mib(h.ours.delta)} | ${mib(h.mqttjs.delta)} | ${ratio(h.ours.delta / h.mqttjs.delta)} |`);
    parts.push(`| wasm linear memory (not in the JS heap), MiB | ${mib(h.ours.wasmMemory)} | – | |`);
    parts.push(`| JS heap growth + wasm memory, MiB | ${mib(h.ours.delta + h.ours.wasmMemory)} | ${mib(h.mqttjs.delta)} | ${ratio((h.ours.delta + h.ours.wasmMemory) / h.mqttjs.delta)} |`);
  }
  parts.push('');
  if (client.wsFrames) {
    parts.push('WebSocket messages per MQTT message (CDP Network events, 5,000 messages):\n');
    parts.push('| case | ours sent | ours received | MQTT.js sent | MQTT.js received |');
    parts.push('| --- | ---: | ---: | ---: | ---: |');
    for (const id of ['qos0-64', 'qos1-64']) {
      const o = client.wsFrames[`${id}/ours`], m = client.wsFrames[`${id}/mqttjs`];
      if (o && m) parts.push(`| ${id} | ${o.sentPerMsg.toFixed(3)} | ${o.receivedPerMsg.toFixed(3)} | ${m.sentPerMsg.toFixed(3)} | ${m.receivedPerMsg.toFixed(3)} |`);
    }
    parts.push('');
  }
}

if (broker) {
  parts.push('### The broker\'s own ceiling (mosquitto_pub -l → mosquitto_sub -C N, TCP)\n');
  const groups = new Map();
  for (const r of broker.runs) {
    const key = `${r.qos}/${r.size}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push((r.n / r.us) * 1e6);
  }
  const ours = (qos, size) => client?.throughput.find((x) => x.qos === qos && x.size === size)?.ours ?? NaN;
  const floor = (qos, size) => client?.throughput.find((x) => x.qos === qos && x.size === size)?.bare ?? NaN;
  parts.push('| case | N | Mosquitto C clients, TCP, msg/s | ours (browser, WebSocket) msg/s | ours / ceiling | floor client (browser, WebSocket) msg/s | floor / ceiling |');
  parts.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [key, rates] of groups) {
    const [qos, size] = key.split('/').map(Number);
    const n = broker.runs.find((r) => r.qos === qos && r.size === size).n;
    const label = `QoS ${qos}, ${size >= 1024 ? `${size / 1024} KiB` : `${size} B`}`;
    parts.push(`| ${label} | ${int(n)} | ${int(median(rates))} | ${rate(ours(qos, size))} | ${ratio(ours(qos, size) / median(rates))} | ${rate(floor(qos, size))} | ${ratio(floor(qos, size) / median(rates))} |`);
  }
  parts.push('');
}

if (sizes) {
  parts.push('### Inspector transfer size (`trunk build --release`)\n');
  parts.push('| file | raw | gzip -9 |');
  parts.push('| --- | ---: | ---: |');
  let raw = 0, gz = 0;
  for (const f of sizes.files) {
    raw += f.raw;
    gz += f.gzip;
    parts.push(`| \`${f.file.replace(/-[0-9a-f]{16}/, '-…')}\` | ${int(f.raw)} | ${int(f.gzip)} |`);
  }
  parts.push(`| **total** | **${int(raw)}** | **${int(gz)}** |`);
  parts.push('');
}

const text = parts.join('\n');
console.log(text);

if (target) {
  const BEGIN = '<!-- bench-browser:begin (generated by scripts/bench-browser.sh --write; edit outside) -->';
  const END = '<!-- bench-browser:end -->';
  let md = await readFile(target, 'utf8');
  const block = `${BEGIN}\n${text}\n${END}`;
  const i = md.indexOf(BEGIN.slice(0, 28));
  const j = md.indexOf(END);
  if (i >= 0 && j > i) md = md.slice(0, i) + block + md.slice(j + END.length);
  else md = `${md.trimEnd()}\n\n## Browser benchmarks: MQTT.js, mqtt-packet, Mosquitto\n\n${block}\n`;
  await writeFile(target, md);
  console.error(`[bench-browser] updated ${target}`);
}
