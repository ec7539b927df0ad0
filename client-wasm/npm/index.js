// @mqtt-wasm/client: MQTT 3.1.1/5.0 over WebSockets, protocol in WebAssembly.
// This file is the public API (types in index.d.ts): the event registry, argument
// normalisation and MqttError. The wasm class RawClient (client-wasm/src/js/)
// does the protocol; each event reaches us in one call: sink.e(kind, num, text, bytes, json).
import initWasm, { RawClient } from './dist/client_wasm.js';

// Two WebAssembly modules: client_wasm serves every client; client_wasm_persist (the same client
// with IndexedDB persistence, a few KB larger) is imported only when a client asks for
// `persistence`, so pages that do not use it never download it.
let loading = null;
let loadingPersist = null;
let persistSource;

/** Instantiates a module once; a failed attempt is forgotten so that a later call retries. */
function once(start, forget) {
  const p = start();
  p.catch(forget);
  return p;
}

/**
 * Loads and instantiates the WebAssembly module (once). Called by `connect` and
 * `createClient`; call it first only to load the .wasm from another place. `persistenceSource`
 * is where the module for clients with `persistence` is, if not beside index.js: it is
 * loaded then as well.
 */
export function loadWasm(source, persistenceSource) {
  loading ??= once(
    () => initWasm(source === undefined ? undefined : { module_or_path: source }),
    () => (loading = null),
  );
  const loads = [loading];
  if (persistenceSource !== undefined) {
    persistSource = persistenceSource;
    loads.push(rawClass(true));
  }
  return Promise.all(loads).then(() => undefined);
}

/** The RawClient class of the module for clients with (`persist`) or without persistence. */
function rawClass(persist) {
  if (!persist) return loadWasm().then(() => RawClient);
  loadingPersist ??= once(
    () =>
      import('./dist/client_wasm_persist.js').then(async (m) => {
        await m.default(persistSource === undefined ? undefined : { module_or_path: persistSource });
        return m.RawClient;
      }),
    () => (loadingPersist = null),
  );
  return loadingPersist;
}

/** Every failure: `code` is stable, `reasonCode` is the broker's when it gave one. */
export class MqttError extends Error {
  constructor(message, code, reasonCode) {
    super(message);
    this.name = 'MqttError';
    this.code = code;
    if (reasonCode !== undefined && reasonCode !== null) this.reasonCode = reasonCode;
  }
}

const toMqttError = (e) =>
  e instanceof MqttError
    ? e
    : new MqttError(e?.message ?? String(e), typeof e?.code === 'string' ? e.code : 'ERR_INTERNAL', e?.reasonCode);
const rethrow = (e) => {
  throw toMqttError(e);
};
/** Calls `start(done)`; settles with what the wasm side passes to `done(error, value)`. A throw
 * (an argument refused at once) rejects too. */
const call = (start) => new Promise((resolve, reject) => start((e, v) => (e ? reject(e) : resolve(v)))).catch(rethrow);
const invalid = (what) => new MqttError(`invalid ${what}`, 'ERR_INVALID_ARGUMENT');
const ended = () => new MqttError('the client has ended', 'ERR_ENDED');

const encoder = new TextEncoder();
function toBytes(payload, what) {
  if (typeof payload === 'string') return encoder.encode(payload);
  if (payload instanceof Uint8Array) return payload;
  throw invalid(what);
}

function qosOf(value, what = 'qos') {
  const q = value ?? 0;
  if (q !== 0 && q !== 1 && q !== 2) throw invalid(what);
  return q;
}

/** Received properties: byte lists → Uint8Array, user property pairs → MQTT.js's object. */
function fixProps(p) {
  if (!p) return {};
  if (p.correlationData) p.correlationData = Uint8Array.from(p.correlationData);
  if (p.authenticationData) p.authenticationData = Uint8Array.from(p.authenticationData);
  if (p.userProperties) {
    const o = {};
    for (const [k, v] of p.userProperties) {
      const value = Object.hasOwn(o, k) ? [].concat(o[k], v) : v;
      Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
    }
    p.userProperties = o;
  }
  return p;
}

function fixPacket(packet) {
  if (packet.properties) fixProps(packet.properties);
  if (packet.will?.properties) fixProps(packet.will.properties);
  return packet;
}

/** Gives every client its own jitter seed unless the caller chose one. */
function withSeed(options) {
  const seed = Math.floor(Math.random() * 2 ** 53);
  const r = options.reconnect;
  if (r && typeof r === 'object') return { ...options, reconnect: { seed, ...r } };
  if (r === undefined && options.reconnectPeriod === undefined) return { ...options, reconnect: { seed } };
  return options;
}

const FATAL = new Set(['refused', 'protocol', 'keepalive', 'timeout']);
const NEVER = new Set(['ERR_INVALID_ARGUMENT', 'ERR_INVALID_URL', 'ERR_USAGE', 'ERR_STORAGE']);
const readyOf = new WeakMap();

/** An MQTT client. Create it with `connect` (resolves at CONNACK) or `createClient`. */
export class MqttClient {
  #raw = null;
  #loaded;
  #ended = false;
  #listeners = new Map();

  constructor(url, options = {}) {
    if (typeof url !== 'string' && !(url instanceof URL)) throw invalid('url');
    if (options === null || typeof options !== 'object') throw invalid('options');
    const sink = { e: (kind, num, text, bytes, json, payload) => this.#dispatch(kind, num, text, bytes, json, payload) };
    let connected;
    const ready = call((done) => {
      connected = done;
    });
    const persist = options.persistence !== undefined && options.persistence !== null && options.persistence !== false;
    this.#loaded = rawClass(persist).then((Raw) => {
      this.#raw = new Raw(String(url), withSeed(options), sink, connected);
      return this.#raw;
    });
    // A client that could not be created never connects.
    this.#loaded.catch(connected);
    readyOf.set(this, ready);
    // Refusals and lost connections are reported as `error` events by the session;
    // what can never work (bad options or URL) is reported here, and ends the client.
    ready.catch((e) => {
      if (!NEVER.has(e.code)) return;
      this.#emit('error', e);
      this.end().catch(() => {});
    });
  }

  /** Whether the broker accepted the current connection. */
  get connected() {
    return !this.#ended && this.#raw !== null && this.#raw.connected;
  }

  /** Resolves at PUBACK (QoS 1), PUBCOMP (QoS 2) or once written (QoS 0). */
  publish(topic, payload, options = {}) {
    // Not `async`, and one promise per call: the hot path of a publishing loop (an async
    // function, `call` and its `.catch` made three). Every failure still rejects.
    return new Promise((resolve, reject) => {
      const fail = (e) => reject(toMqttError(e));
      try {
        if (typeof topic !== 'string') throw invalid('topic');
        const bytes = toBytes(payload, 'payload');
        const qos = qosOf(options.qos);
        const send = (raw) =>
          raw.publish(topic, bytes, qos, !!options.retain, options.properties, (e, reasonCode) =>
            e ? fail(e) : resolve({ reasonCode }),
          );
        const raw = this.#ready();
        if (raw) send(raw);
        else this.#live().then(send).catch(fail);
      } catch (e) {
        fail(e);
      }
    });
  }

  /** `filter`, `[filters]` or `{ filter: options }`; resolves at SUBACK, one entry per filter. */
  async subscribe(filters, options = {}) {
    let entries;
    if (typeof filters === 'string') entries = [[filters, options]];
    else if (Array.isArray(filters)) entries = filters.map((f) => [f, options]);
    else if (filters && typeof filters === 'object')
      entries = Object.entries(filters).map(([f, o]) => [f, { ...options, ...o }]);
    else throw invalid('topic filter');
    const topics = entries.map(([f]) => {
      if (typeof f !== 'string') throw invalid('topic filter');
      return f;
    });
    const bytes = Uint8Array.from(entries, ([, o]) => {
      const rh = o.rh ?? 0;
      if (rh !== 0 && rh !== 1 && rh !== 2) throw invalid('rh');
      return qosOf(o.qos) | (o.nl ? 4 : 0) | (o.rap ? 8 : 0) | (rh << 4);
    });
    const raw = this.#ready() ?? (await this.#live());
    const codes = await call((done) => raw.subscribe(topics, bytes, options.properties, done));
    return topics.map((topic, i) => (codes[i] < 0x80 ? { topic, qos: codes[i] } : { topic, reasonCode: codes[i] }));
  }

  /** Resolves at UNSUBACK with one reason code per filter. */
  async unsubscribe(filters) {
    const list = typeof filters === 'string' ? [filters] : filters;
    if (!Array.isArray(list) || list.some((f) => typeof f !== 'string')) throw invalid('topic filter');
    const raw = this.#ready() ?? (await this.#live());
    return Array.from(await call((done) => raw.unsubscribe(list, done)));
  }

  /** Resolves once the session is committed to IndexedDB (`persistence` option); at once without. */
  async persisted() {
    const raw = await this.#loaded.catch(rethrow);
    await call((done) => raw.persisted(done));
  }

  /** Sends DISCONNECT and closes; resolves once ended. `end(true)` (MQTT.js's force) closes
   * without DISCONNECT instead, so the broker publishes the will. Calling it again is harmless. */
  async end(force, options) {
    if (typeof force !== 'boolean') [force, options] = [false, force];
    options ??= {};
    const reasonCode = options.reasonCode ?? 0;
    if (!Number.isInteger(reasonCode) || reasonCode < 0 || reasonCode > 255) throw invalid('reasonCode');
    let raw;
    try {
      raw = await this.#loaded;
    } catch {
      if (!this.#ended) {
        this.#ended = true; // never started: there is no session to end
        this.#emit('end');
      }
      return;
    }
    await call((done) => (force ? raw.abort(done) : raw.end(reasonCode, options.properties, done)));
  }

  on(event, listener) {
    const list = this.#listeners.get(event);
    if (list) list.push(listener);
    else this.#listeners.set(event, [listener]);
    return this;
  }

  once(event, listener) {
    const wrapper = (...args) => {
      this.off(event, wrapper);
      listener.apply(this, args);
    };
    wrapper.listener = listener;
    return this.on(event, wrapper);
  }

  off(event, listener) {
    const list = this.#listeners.get(event);
    const i = list ? list.findIndex((l) => l === listener || l.listener === listener) : -1;
    if (i >= 0) list.splice(i, 1);
    return this;
  }

  /** The RawClient once loaded and not ended, else null (then `#live` waits or throws). Calling
   * it from a listener is safe: the wasm side runs the request in a microtask of its own. */
  #ready() {
    return this.#ended ? null : this.#raw;
  }

  /** The RawClient, awaited: calls never run inside an event dispatch. */
  async #live() {
    if (this.#ended) throw ended();
    const raw = await this.#loaded.catch(rethrow);
    if (this.#ended) throw ended();
    return raw;
  }

  #emit(event, ...args) {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const fn of [...list]) {
      try {
        fn.apply(this, args);
      } catch (e) {
        // Like DOM events: a throwing listener is reported, the others still run,
        // and the exception never unwinds through the wasm frames below us.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  #dispatch(kind, num, text, view, json, payload) {
    // `view` is wasm memory, valid during this call only: the copy is what listeners get. A large
    // message's payload comes as `payload` instead, a view of the WebSocket message: no copy.
    const bytes = payload ?? view.slice();
    switch (kind) {
      case 0:
        this.#emit('connect', fixPacket(JSON.parse(json)));
        break;
      case 1: {
        const properties = json ? fixProps(JSON.parse(json)) : {};
        const packet = {
          cmd: 'publish',
          topic: text,
          payload: bytes,
          qos: num & 3,
          retain: (num & 4) !== 0,
          dup: (num & 8) !== 0,
          properties,
          subscriptionIdentifiers: properties.subscriptionIdentifier ?? [],
        };
        if (num >>> 16) packet.messageId = num >>> 16;
        this.#emit('message', text, bytes, packet);
        break;
      }
      case 2: {
        const info = JSON.parse(json);
        if (info.reason === 'server')
          this.#emit('disconnect', { cmd: 'disconnect', reasonCode: info.reasonCode ?? 0, properties: fixProps(info.properties) });
        if (FATAL.has(info.reason)) this.#emit('error', new MqttError(info.message, info.code, info.reasonCode));
        this.#emit('close');
        if (info.reason !== 'local' && info.reason !== 'aborted') this.#emit('offline');
        break;
      }
      case 3:
        this.#emit('reconnect', JSON.parse(json));
        break;
      case 4:
        this.#ended = true;
        this.#emit('end');
        break;
      case 5:
        this.#emit(num ? 'packetreceive' : 'packetsend', text, bytes, fixPacket(JSON.parse(json)));
        break;
      case 6:
        this.#emit('packetreject', bytes, { rule: text, reasonCode: num });
        break;
    }
  }
}

// MQTT.js 5's names for the same calls: its promise API and the EventEmitter aliases, so code
// written for MQTT.js runs unchanged where the semantics agree.
for (const [alias, name] of [
  ['publishAsync', 'publish'],
  ['subscribeAsync', 'subscribe'],
  ['unsubscribeAsync', 'unsubscribe'],
  ['endAsync', 'end'],
  ['addListener', 'on'],
  ['removeListener', 'off'],
]) {
  MqttClient.prototype[alias] = MqttClient.prototype[name];
}

/**
 * Starts connecting and returns the client at once, so listeners see every event
 * from the first packet. Failures are `error` events; reconnection follows `options`.
 */
export function createClient(url, options = {}) {
  return new MqttClient(url, options);
}

/**
 * Connects and resolves at the broker's CONNACK; rejects with an MqttError
 * (`ERR_REFUSED` with the `reasonCode`, `ERR_CONNECTION_LOST`, `ERR_INVALID_ARGUMENT`, ...).
 */
export async function connect(url, options = {}) {
  const client = new MqttClient(url, options);
  try {
    await readyOf.get(client);
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
  return client;
}

/** MQTT.js 5's name for `connect`. */
export const connectAsync = connect;
