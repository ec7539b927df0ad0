// Generates the differential corpus: packets built with mqtt-packet's generate(), printed as JSON
// lines {version, hex, expected} on stdout, where `expected` is the packet's normalized form
// (normalize.mjs). A fixed seed makes the corpus identical on every run.
//
// Lines with `departure` instead of `expected` are packets mqtt-packet generates although the
// MQTT specification forbids them: tests/tests/differential.rs checks that our codec rejects them.
//
// Usage: node tests/e2e/differential/generate.mjs [COUNT_PER_KIND]
import { createRequire } from 'node:module'
import { normalize } from './normalize.mjs'

const require = createRequire(import.meta.url)
const mqtt = require('mqtt-packet')

// mulberry32: small, fast, deterministic.
let seed = 0x5eed
function rand () {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1))
const bool = () => rand() < 0.5
const chance = (p) => rand() < p
const pick = (xs) => xs[int(0, xs.length - 1)]
const bytes = (max) => Buffer.from(Array.from({ length: int(0, max) }, () => int(0, 255)))

const LEVELS = ['sensors', 'kitchen', 'temp', 'a', 'b', 'device-42', 'température', '日本', 'x y', '$SYS', 'état', '']
const NAMES = ['region', 'trace-id', 'content', 'k', 'émoji-😀', 'z', 'a']
const VALUES = ['eu-west', 'abc123', '', 'v', 'ünïcödé', '{"json":true}']

function topic () {
  const n = int(1, 4)
  const parts = Array.from({ length: n }, () => pick(LEVELS))
  const t = parts.join('/')
  return t === '' ? 'root' : t
}
function filter () {
  const n = int(1, 4)
  const parts = Array.from({ length: n }, () => pick([...LEVELS, '+', '+']))
  if (chance(0.3)) parts.push('#')
  let f = parts.join('/')
  if (f === '') f = '#'
  if (chance(0.1)) f = `$share/${pick(['g1', 'workers'])}/${f}`
  return f
}
const text = () => pick([...VALUES, topic()])
const packetId = () => pick([1, 2, 10, 255, 256, 4242, 65535, int(1, 65535)])

function userProperties () {
  const out = {}
  for (let i = int(0, 3); i > 0; i--) {
    const name = pick(NAMES)
    // A repeated name becomes an array: user properties may repeat (MQTT 5.0 3.1.2.11.8).
    out[name] = chance(0.2) ? [text(), text()] : text()
  }
  return out
}

// Properties allowed in each context (MQTT 5.0 table 2.2.2.2), with generators of valid values.
const PROPS = {
  payloadFormatIndicator: bool,
  messageExpiryInterval: () => pick([0, 1, 60, 4294967295]),
  contentType: () => pick(['text/plain', 'application/json', 'application/x-ünicode']),
  responseTopic: topic,
  correlationData: () => bytes(16),
  subscriptionIdentifier: () => pick([1, 127, 128, 16383, 16384, 268435455]),
  sessionExpiryInterval: () => pick([0, 30, 4294967295]),
  assignedClientIdentifier: () => pick(['auto-1', 'ünï']),
  serverKeepAlive: () => int(0, 65535),
  authenticationMethod: () => pick(['SCRAM-SHA-1', 'token']),
  authenticationData: () => bytes(12),
  requestProblemInformation: bool,
  willDelayInterval: () => pick([0, 10, 86400]),
  requestResponseInformation: bool,
  responseInformation: () => 'resp/info',
  serverReference: () => 'other.example:1883',
  reasonString: () => pick(['ok', 'not allowed here', 'réponse']),
  receiveMaximum: () => int(1, 65535),
  topicAliasMaximum: () => int(0, 65535),
  topicAlias: () => int(1, 65535),
  maximumQoS: () => int(0, 1),
  retainAvailable: bool,
  userProperties,
  maximumPacketSize: () => pick([1, 1024, 268435460]),
  wildcardSubscriptionAvailable: bool,
  subscriptionIdentifiersAvailable: bool,
  sharedSubscriptionAvailable: bool
}
const ALLOWED = {
  connect: ['sessionExpiryInterval', 'receiveMaximum', 'maximumPacketSize', 'topicAliasMaximum',
    'requestResponseInformation', 'requestProblemInformation', 'userProperties',
    'authenticationMethod', 'authenticationData'],
  will: ['willDelayInterval', 'payloadFormatIndicator', 'messageExpiryInterval', 'contentType',
    'responseTopic', 'correlationData', 'userProperties'],
  connack: ['sessionExpiryInterval', 'receiveMaximum', 'maximumQoS', 'retainAvailable',
    'maximumPacketSize', 'assignedClientIdentifier', 'topicAliasMaximum', 'reasonString',
    'userProperties', 'wildcardSubscriptionAvailable', 'subscriptionIdentifiersAvailable',
    'sharedSubscriptionAvailable', 'serverKeepAlive', 'responseInformation', 'serverReference',
    'authenticationMethod', 'authenticationData'],
  publish: ['payloadFormatIndicator', 'messageExpiryInterval', 'topicAlias', 'responseTopic',
    'correlationData', 'userProperties', 'subscriptionIdentifier', 'contentType'],
  ack: ['reasonString', 'userProperties'],
  subscribe: ['subscriptionIdentifier', 'userProperties'],
  unsubscribe: ['userProperties'],
  disconnect: ['sessionExpiryInterval', 'reasonString', 'userProperties', 'serverReference'],
  auth: ['authenticationMethod', 'authenticationData', 'reasonString', 'userProperties']
}

function properties (ctx, density = 0.4) {
  const out = {}
  for (const name of ALLOWED[ctx]) {
    if (chance(density)) out[name] = PROPS[name]()
  }
  // mqtt-packet refuses an empty userProperties object (its length would be 0).
  if (out.userProperties && !Object.keys(out.userProperties).length) delete out.userProperties
  // Authentication Data requires an Authentication Method (MQTT 5.0 3.1.2.11.10).
  if (out.authenticationData && !out.authenticationMethod) out.authenticationMethod = 'token'
  // The server sends several Subscription Identifiers in one PUBLISH (3.3.2.3.8).
  if (ctx === 'publish' && out.subscriptionIdentifier && chance(0.3)) {
    out.subscriptionIdentifier = [out.subscriptionIdentifier, PROPS.subscriptionIdentifier()]
  }
  return out
}

// Reason codes by packet (MQTT 5.0 section 2.4 and each packet's table).
const RC = {
  connack: [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F],
  puback: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  pubrel: [0x00, 0x92],
  suback: [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2],
  unsuback: [0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91],
  disconnect: [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2],
  auth: [0x00, 0x18, 0x19]
}

const KINDS = {
  connect (v) {
    const version = v === 4 && chance(0.15) ? 3 : v
    const p = {
      cmd: 'connect',
      protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: version,
      clean: bool(),
      keepalive: pick([0, 10, 60, 65535]),
      clientId: pick(['client-1', 'ünï-client', 'a'.repeat(23), 'x'])
    }
    if (version >= 4 && p.clean && chance(0.2)) p.clientId = ''
    if (chance(0.5)) {
      p.will = { topic: topic(), payload: bytes(40), qos: int(0, 2), retain: bool() }
      if (version === 5) p.will.properties = properties('will')
    }
    if (chance(0.5)) {
      p.username = pick(['user', 'ünï', ''])
      if (chance(0.7)) p.password = bytes(20)
    }
    if (version === 5) p.properties = properties('connect')
    return p
  },
  connack (v) {
    const code = v === 5 ? pick(RC.connack) : int(0, 5)
    const p = { cmd: 'connack', sessionPresent: code === 0 && bool() }
    if (v === 5) {
      p.reasonCode = code
      p.properties = properties('connack', 0.3)
    } else {
      p.returnCode = code
    }
    return p
  },
  publish (v) {
    const qos = int(0, 2)
    const p = {
      cmd: 'publish',
      topic: topic(),
      payload: chance(0.1) ? bytes(2000) : bytes(64),
      qos,
      retain: bool(),
      dup: qos > 0 && bool()
    }
    if (qos > 0) p.messageId = packetId()
    if (v === 5) {
      p.properties = properties('publish')
      // MQTT 5.0 3.3.2.3.4: with a Topic Alias the topic name may be empty.
      if (p.properties.topicAlias && chance(0.3)) p.topic = ''
    }
    return p
  },
  puback: (v) => ack('puback', v, RC.puback),
  pubrec: (v) => ack('pubrec', v, RC.puback),
  pubrel: (v) => ack('pubrel', v, RC.pubrel),
  pubcomp: (v) => ack('pubcomp', v, RC.pubrel),
  subscribe (v) {
    const subscriptions = Array.from({ length: int(1, 10) }, () => {
      const s = { topic: filter(), qos: int(0, 2) }
      if (v === 5) {
        s.nl = !s.topic.startsWith('$share/') && bool()
        s.rap = bool()
        s.rh = int(0, 2)
      }
      return s
    })
    const p = { cmd: 'subscribe', messageId: packetId(), subscriptions }
    if (v === 5) {
      p.properties = properties('subscribe')
      // At most one Subscription Identifier in SUBSCRIBE.
      if (Array.isArray(p.properties.subscriptionIdentifier)) p.properties.subscriptionIdentifier = 7
    }
    return p
  },
  suback (v) {
    const granted = Array.from({ length: int(1, 8) }, () =>
      v === 5 ? pick(RC.suback) : pick([0, 1, 2, 0x80]))
    const p = { cmd: 'suback', messageId: packetId(), granted }
    if (v === 5) p.properties = properties('ack')
    return p
  },
  unsubscribe (v) {
    const p = {
      cmd: 'unsubscribe',
      messageId: packetId(),
      unsubscriptions: Array.from({ length: int(1, 6) }, filter)
    }
    if (v === 5) p.properties = properties('unsubscribe')
    return p
  },
  unsuback (v) {
    const p = { cmd: 'unsuback', messageId: packetId() }
    if (v === 5) {
      p.granted = Array.from({ length: int(1, 6) }, () => pick(RC.unsuback))
      p.properties = properties('ack')
    }
    return p
  },
  pingreq: () => ({ cmd: 'pingreq' }),
  pingresp: () => ({ cmd: 'pingresp' }),
  disconnect (v) {
    const p = { cmd: 'disconnect' }
    if (v === 5) {
      p.reasonCode = pick(RC.disconnect)
      p.properties = properties('disconnect')
    }
    return p
  },
  auth (v) {
    if (v !== 5) return null
    const p = { cmd: 'auth', reasonCode: pick(RC.auth), properties: properties('auth') }
    if (!p.properties.authenticationMethod && chance(0.7)) p.properties.authenticationMethod = 'SCRAM-SHA-1'
    return p
  }
}

function ack (cmd, v, codes) {
  const p = { cmd, messageId: packetId() }
  if (v === 5) {
    if (chance(0.7)) p.reasonCode = pick(codes)
    if (chance(0.5)) p.properties = properties('ack')
  }
  return p
}

// Packets mqtt-packet 9.0.2 generates although the specification forbids them. Each must be
// rejected by a strict decoder; the reason names the rule.
const DEPARTURES = [
  [4, { cmd: 'subscribe', dup: true, messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }] },
    'SUBSCRIBE with DUP set: fixed header flags must be 0010 [MQTT-3.8.1-1]'],
  [4, { cmd: 'unsubscribe', dup: true, messageId: 1, unsubscriptions: ['a'] },
    'UNSUBSCRIBE with DUP set: fixed header flags must be 0010 [MQTT-3.10.1-1]'],
  [4, { cmd: 'publish', topic: 'a', qos: 0, dup: true, payload: 'x' },
    'QoS 0 PUBLISH with DUP set [MQTT-3.3.1-2]'],
  [4, { cmd: 'publish', topic: 'a/+/b', qos: 0, payload: 'x' },
    'PUBLISH topic name with a wildcard [MQTT-3.3.2-2]'],
  [4, { cmd: 'publish', topic: '', qos: 0, payload: 'x' },
    'PUBLISH with an empty topic name in 3.1.1 [MQTT-4.7.3-1]'],
  [5, { cmd: 'publish', topic: '', qos: 0, payload: 'x' },
    'PUBLISH with an empty topic name and no Topic Alias (MQTT 5.0 3.3.2.3.4)'],
  [4, { cmd: 'publish', topic: 'a\u0000b', qos: 0, payload: 'x' },
    'topic containing U+0000 [MQTT-1.5.4-2]'],
  [4, { cmd: 'puback', messageId: 0 },
    'packet identifier 0 [MQTT-2.2.1-3]'],
  [4, { cmd: 'publish', topic: 'a', qos: 1, messageId: 0, payload: 'x' },
    'PUBLISH with packet identifier 0 [MQTT-2.2.1-3]'],
  [4, { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#/b', qos: 0 }] },
    "topic filter with '#' not last [MQTT-4.7.1-1]"],
  [4, { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a+', qos: 0 }] },
    "topic filter with '+' not alone in its level [MQTT-4.7.1-2]"],
  [5, { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$share/g/a', qos: 0, nl: true }] },
    'No Local on a shared subscription [MQTT-3.8.3-4]'],
  [4, { cmd: 'suback', messageId: 1, granted: [0x87] },
    'a 5.0 reason code in a 3.1.1 SUBACK [MQTT-3.9.3-2]'],
  [4, { cmd: 'connack', sessionPresent: true, returnCode: 5 },
    'CONNACK refusing the connection with Session Present set [MQTT-3.2.2-4]'],
  [5, { cmd: 'connack', sessionPresent: false, reasonCode: 0x01, properties: {} },
    'CONNACK reason code 0x01 is not a CONNACK reason code (MQTT 5.0 3.2.2.2)'],
  [5, { cmd: 'puback', messageId: 1, reasonCode: 0x04 },
    'PUBACK reason code 0x04 is not a PUBACK reason code (MQTT 5.0 3.4.2.1)'],
  [5, { cmd: 'publish', topic: 'a', qos: 0, payload: 'x', properties: { topicAlias: 0 } },
    'Topic Alias 0 (MQTT 5.0 3.3.2.3.4)'],
  [5, { cmd: 'connect', protocolVersion: 5, clientId: 'c', properties: { receiveMaximum: 0 } },
    'Receive Maximum 0 (MQTT 5.0 3.1.2.11.3)'],
  [5, { cmd: 'connect', protocolVersion: 5, clientId: 'c', properties: { maximumPacketSize: 0 } },
    'Maximum Packet Size 0 (MQTT 5.0 3.1.2.11.4)'],
  [5, { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }], properties: { subscriptionIdentifier: 0 } },
    'Subscription Identifier 0 (MQTT 5.0 3.8.2.1.2)'],
  [5, { cmd: 'connack', reasonCode: 0, properties: { maximumQoS: 2 } },
    'Maximum QoS 2 (MQTT 5.0 3.2.2.3.4: 0 or 1)'],
  [5, { cmd: 'connect', protocolVersion: 5, clientId: 'c', properties: { authenticationData: Buffer.from([1]) } },
    'Authentication Data without Authentication Method (MQTT 5.0 3.1.2.11.10)'],
  [5, { cmd: 'publish', topic: 'a', qos: 0, payload: 'x', properties: { contentType: ['a', 'b'] } },
    'Content Type twice (MQTT 5.0 3.3.2.3.9: a Protocol Error)'],
  [5, { cmd: 'connect', protocolVersion: 5, clientId: 'c', properties: { sessionExpiryInterval: [1, 2] } },
    'Session Expiry Interval twice (MQTT 5.0 3.1.2.11.2: a Protocol Error)'],
  [5, { cmd: 'disconnect', reasonCode: 0x01 },
    'DISCONNECT reason code 0x01 is not a DISCONNECT reason code (MQTT 5.0 3.14.2.1)'],
  [4, { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 3, clientId: 'c' },
    'protocol name MQTT with level 3 (3.1 uses MQIsdp) [MQTT-3.1.2-1]'],
  [5, { cmd: 'auth', reasonCode: 0x01, properties: {} },
    'AUTH reason code 0x01 (MQTT 5.0 3.15.2.1)']
]

function emit (version, packet, extra) {
  const buf = mqtt.generate(packet, { protocolVersion: version })
  // generate() reports some refusals by returning nothing: fail loudly instead.
  if (!buf.length) throw new Error(`mqtt-packet cannot generate ${JSON.stringify(packet)}`)
  process.stdout.write(JSON.stringify({ version, hex: buf.toString('hex'), ...extra }) + '\n')
}

const perKind = Number(process.argv[2] || 24)
let count = 0
for (const version of [4, 5]) {
  for (const [kind, make] of Object.entries(KINDS)) {
    for (let i = 0; i < perKind; i++) {
      const packet = make(version)
      if (!packet) continue
      const v = packet.cmd === 'connect' ? packet.protocolVersion : version
      emit(version, packet, { expected: normalize(packet, v) })
      count++
    }
  }
}
for (const [version, packet, reason] of DEPARTURES) {
  emit(version, packet, { departure: reason })
  count++
}
process.stderr.write(`generated ${count} packets\n`)
