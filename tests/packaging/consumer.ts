// A typed consumer of every public API; checked with `tsc --noEmit` (strict).
// The @ts-expect-error lines prove the types are strict: each must be an error.
import {
  connect,
  connectAsync,
  createClient,
  loadWasm,
  MqttClient,
  MqttError,
  type ConnackPacket,
  type ConnectOptions,
  type MessagePacket,
  type MqttErrorCode,
  type PacketSummary,
  type PacketTypeName,
  type PublishResult,
  type ReceivedProperties,
  type SubscriptionGrant,
} from '@mqtt-wasm/client';

const options: ConnectOptions = {
  protocolVersion: 5,
  clientId: 'typed',
  username: 'demo',
  password: new TextEncoder().encode('demo-pass'),
  keepalive: 30,
  clean: false,
  sessionExpiryInterval: 300,
  will: { topic: 'will/t', payload: 'gone', qos: 1, retain: true, properties: { willDelayInterval: 5, contentType: 'text/plain' } },
  properties: {
    receiveMaximum: 10,
    maximumPacketSize: 1 << 20,
    topicAliasMaximum: 5,
    requestResponseInformation: true,
    requestProblemInformation: true,
    userProperties: { app: 'typed', tags: ['a', 'b'] },
    authenticationMethod: 'none',
    authenticationData: new Uint8Array([1]),
  },
  reconnectPeriod: 1000,
  reconnect: { initialDelay: 100, maxDelay: 5000, multiplier: 2, jitter: 0.1, maxAttempts: 3, seed: 7 },
  connectTimeout: 5000,
  queue: { maxMessages: 10, maxBytes: 1024, dropOldestQos0: true },
  outgoingTopicAliases: 4,
  trace: true,
};

export async function main(url: string): Promise<void> {
  await loadWasm();
  await loadWasm(new URL('./custom.wasm', import.meta.url));
  const client: MqttClient = await connect(url, options);
  const early: MqttClient = createClient(new URL(url), { reconnect: false });

  client
    .on('connect', (connack: ConnackPacket) => {
      const present: boolean = connack.sessionPresent;
      const id: string | undefined = connack.assignedClientId;
      void [present, id, connack.properties?.serverKeepAlive];
    })
    .on('message', (topic: string, payload: Uint8Array, packet: MessagePacket) => {
      const props: ReceivedProperties = packet.properties;
      const ids: number[] = packet.subscriptionIdentifiers;
      const user = props.userProperties?.['k'];
      const corr: Uint8Array | undefined = props.correlationData;
      void [topic, payload.byteLength, packet.qos, packet.retain, packet.dup, packet.messageId, ids, user, corr];
    })
    .on('reconnect', ({ attempt, delay }) => void [attempt + delay])
    .on('offline', () => {})
    .on('close', () => {})
    .on('disconnect', (p) => void [p.reasonCode, p.properties.reasonString])
    .on('error', (e: MqttError) => {
      const code: MqttErrorCode = e.code;
      const rc: number | undefined = e.reasonCode;
      void [code, rc, e.message];
    })
    .on('end', () => {})
    .on('packetsend', (type: PacketTypeName, raw: Uint8Array, packet: PacketSummary) => {
      if (packet.cmd === 'publish') void [packet.topic, packet.qos, packet.payloadLength];
      if (packet.cmd === 'suback') void packet.reasonCodes.map((c) => c + 1);
      void [type, raw.byteLength];
    })
    .once('packetreceive', (type, raw, packet) => void [type, raw, packet.cmd])
    .on('packetreject', (raw, error) => void [raw.byteLength, error.rule.length, error.reasonCode + 1]);
  const onClose = (): void => {};
  client.on('close', onClose).off('close', onClose);

  const ack: PublishResult = await client.publish('a/b', 'text', {
    qos: 2,
    retain: false,
    properties: {
      payloadFormatIndicator: true,
      messageExpiryInterval: 60,
      contentType: 'text/plain',
      responseTopic: 'reply/to',
      correlationData: new Uint8Array([1, 2]),
      userProperties: { k: 'v' },
    },
  });
  await client.publish('a/b', new Uint8Array([0, 1]));
  const grants: SubscriptionGrant[] = await client.subscribe('a/#', { qos: 1, nl: true, rap: true, rh: 2, properties: { subscriptionIdentifier: 1, userProperties: { s: '1' } } });
  await client.subscribe(['x', 'y']);
  await client.subscribe({ 'p/+': { qos: 2 }, 'q/#': { qos: 0, rh: 1 } });
  for (const g of grants) {
    if ('qos' in g) void (g.qos satisfies 0 | 1 | 2);
    else void (g.reasonCode >= 0x80);
  }
  const codes: number[] = await client.unsubscribe(['a/#', 'x']);
  await client.unsubscribe('y');
  const connected: boolean = client.connected;
  const kept: MqttClient = await connect(url, { clientId: 'kept', clean: false, sessionExpiryInterval: 60, persistence: true });
  await connect(url, { persistence: 'named-store' });
  const committed: Promise<void> = kept.persisted();
  await committed;
  const storage: MqttErrorCode = 'ERR_STORAGE';
  void storage;
  await client.end({ reasonCode: 4, properties: { sessionExpiryInterval: 0, reasonString: 'bye', userProperties: { why: 'done' } } });
  await early.end();
  await early.end(true);
  await early.end(false, { reasonCode: 4 });
  void [ack.reasonCode, codes, connected];

  // MQTT.js 5's names for the same calls.
  const js: MqttClient = await connectAsync(url, { clientId: 'mqttjs-names' });
  const jsAck: PublishResult = await js.publishAsync('a/b', 'x', { qos: 1 });
  const jsGrants: SubscriptionGrant[] = await js.subscribeAsync('a/#', { qos: 1 });
  const jsCodes: number[] = await js.unsubscribeAsync('a/#');
  const jsListener = (): void => {};
  js.addListener('close', jsListener).removeListener('close', jsListener);
  await js.endAsync();
  await js.endAsync(true);
  void [jsAck, jsGrants, jsCodes];
  // @ts-expect-error: the aliases keep the strict types (QoS 0, 1 or 2)
  await js.publishAsync('t', 'x', { qos: 3 });

  try {
    await connect(url, { protocolVersion: 4 });
  } catch (e) {
    if (e instanceof MqttError && e.code === 'ERR_REFUSED') void e.reasonCode;
  }

  // @ts-expect-error: protocolVersion is 4 or 5
  await connect(url, { protocolVersion: 3 });
  // @ts-expect-error: QoS is 0, 1 or 2
  await client.publish('t', 'x', { qos: 3 });
  // @ts-expect-error: payloads are string or Uint8Array
  await client.publish('t', 42);
  // @ts-expect-error: unknown event name
  client.on('connected', () => {});
  // @ts-expect-error: message listener's payload is a Uint8Array, not a string
  client.on('message', (_t: string, _p: string) => {});
  // @ts-expect-error: persistence is a boolean or a store name
  await connect(url, { persistence: 1 });
  // @ts-expect-error: error codes are a closed set
  const bad: MqttErrorCode = 'ERR_NOPE';
  // @ts-expect-error: MqttClient is created by connect/createClient only
  new MqttClient();
  // @ts-expect-error: subscribe results are not plain strings
  const s: string[] = await client.subscribe('t');
  void [bad, s];
}
