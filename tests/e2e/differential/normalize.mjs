// The normalized form of an MQTT packet shared by generate.mjs, parse.mjs and
// tests/tests/differential.rs (`normalized()` there must produce exactly this).
//
// { type: mqtt-packet's `cmd`, ...fields }, binary data as lower-case hex, properties as an object
// keyed by mqtt-packet's property names with: booleans for the 0/1 "byte" properties, numbers,
// strings, hex for binary data, `subscriptionIdentifier` always an array, `userProperties` an array
// of [name, value] pairs stably sorted by name (mqtt-packet keeps user properties in an object, so
// it cannot represent the relative order of different names: see the departures in
// differential.rs). Properties are `{}` before MQTT 5.0.

const hex = (b) => (b == null ? null : Buffer.from(b).toString('hex'))

const BINARY = new Set(['authenticationData', 'correlationData'])
const BOOL = new Set([
  'requestResponseInformation', 'requestProblemInformation', 'payloadFormatIndicator',
  'retainAvailable', 'wildcardSubscriptionAvailable', 'subscriptionIdentifiersAvailable',
  'sharedSubscriptionAvailable'
])

export function normalizeProperties (props, version) {
  const out = {}
  if (version !== 5 || !props) return out
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue
    if (name === 'userProperties') {
      const pairs = []
      for (const [k, v] of Object.entries(value)) {
        for (const one of Array.isArray(v) ? v : [v]) pairs.push([k, String(one)])
      }
      // Stable: repeated names keep their order.
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      if (pairs.length) out.userProperties = pairs
    } else if (name === 'subscriptionIdentifier') {
      out[name] = Array.isArray(value) ? value : [value]
    } else if (BINARY.has(name)) {
      out[name] = hex(value)
    } else if (BOOL.has(name)) {
      out[name] = Boolean(value)
    } else {
      out[name] = value
    }
  }
  return out
}

const str = (s) => (s == null ? null : Buffer.isBuffer(s) ? s.toString('utf8') : String(s))
const bin = (b) => (b == null ? null : hex(typeof b === 'string' ? Buffer.from(b) : b))

// `p` is a packet object as mqtt-packet's generate() takes it or its parser emits it.
export function normalize (p, version) {
  const props = normalizeProperties(p.properties, version)
  switch (p.cmd) {
    case 'connect':
      return {
        type: 'connect',
        protocolVersion: p.protocolVersion || 4,
        clean: p.clean === undefined ? true : Boolean(p.clean),
        keepalive: p.keepalive || 0,
        clientId: str(p.clientId) || '',
        username: str(p.username),
        password: bin(p.password),
        will: p.will
          ? {
              topic: str(p.will.topic),
              payload: bin(p.will.payload) || '',
              qos: p.will.qos || 0,
              retain: Boolean(p.will.retain),
              properties: normalizeProperties(p.will.properties, p.protocolVersion)
            }
          : null,
        properties: normalizeProperties(p.properties, p.protocolVersion)
      }
    case 'connack':
      return {
        type: 'connack',
        sessionPresent: Boolean(p.sessionPresent),
        code: version === 5 ? (p.reasonCode || 0) : p.returnCode,
        properties: props
      }
    case 'publish':
      return {
        type: 'publish',
        topic: str(p.topic),
        qos: p.qos || 0,
        dup: Boolean(p.dup),
        retain: Boolean(p.retain),
        messageId: p.qos ? p.messageId : null,
        payload: bin(p.payload) || '',
        properties: props
      }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return {
        type: p.cmd,
        messageId: p.messageId,
        reasonCode: version === 5 ? (p.reasonCode || 0) : 0,
        properties: props
      }
    case 'subscribe':
      return {
        type: 'subscribe',
        messageId: p.messageId,
        subscriptions: p.subscriptions.map((s) => ({
          topic: s.topic,
          qos: s.qos,
          nl: version === 5 ? Boolean(s.nl) : false,
          rap: version === 5 ? Boolean(s.rap) : false,
          rh: version === 5 ? (s.rh || 0) : 0
        })),
        properties: props
      }
    case 'suback':
      return { type: 'suback', messageId: p.messageId, granted: [...p.granted], properties: props }
    case 'unsubscribe':
      return {
        type: 'unsubscribe',
        messageId: p.messageId,
        unsubscriptions: [...p.unsubscriptions],
        properties: props
      }
    case 'unsuback':
      return {
        type: 'unsuback',
        messageId: p.messageId,
        granted: version === 5 ? [...(p.granted || [])] : [],
        properties: props
      }
    case 'pingreq':
    case 'pingresp':
      return { type: p.cmd }
    case 'disconnect':
    case 'auth':
      return { type: p.cmd, reasonCode: version === 5 ? (p.reasonCode || 0) : 0, properties: props }
    default:
      throw new Error(`unknown cmd ${p.cmd}`)
  }
}
