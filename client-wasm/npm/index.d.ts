// Types of @mqtt-wasm/client (hand-written: this is the public API of index.js).

/** MQTT 3.1.1 (4) or 5.0 (5). */
export type ProtocolVersion = 4 | 5;
/** Quality of service. */
export type QoS = 0 | 1 | 2;
/** A payload: UTF-8 text or bytes. */
export type Payload = string | Uint8Array;
/** 5.0 user properties, MQTT.js's form: repeated keys hold an array. */
export type UserProperties = Record<string, string | string[]>;

/**
 * Stable error codes:
 * - `ERR_INVALID_ARGUMENT`: an argument or option was refused before anything was sent
 *   (bad topic or filter, QoS, option type).
 * - `ERR_USAGE`: the session refused the request (queue full, packet too large, QoS or retain
 *   not supported by the broker, a 5.0-only field in 3.1.1, ...).
 * - `ERR_REFUSED`: the broker refused the connection (`reasonCode` = CONNACK reason code).
 * - `ERR_CONNECTION_LOST`: the connection could not be made or was lost (keep-alive timeout,
 *   protocol violation, broker DISCONNECT: then `reasonCode` is set).
 * - `ERR_PUBLISH_FAILED`: an accepted publish will not be delivered (expired, dropped, session lost).
 * - `ERR_REJECTED`: the broker answered with an error reason code (PUBACK/PUBREC ≥ 0x80).
 * - `ERR_ENDED`: the client has ended.
 * - `ERR_INVALID_URL`: the browser refused the WebSocket URL.
 * - `ERR_STORAGE`: `persistence` was asked for, but IndexedDB is unavailable or the stored
 *   session cannot be read.
 * - `ERR_INTERNAL`: anything else (a bug).
 */
export type MqttErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_USAGE'
  | 'ERR_REFUSED'
  | 'ERR_CONNECTION_LOST'
  | 'ERR_PUBLISH_FAILED'
  | 'ERR_REJECTED'
  | 'ERR_ENDED'
  | 'ERR_INVALID_URL'
  | 'ERR_STORAGE'
  | 'ERR_INTERNAL';

/** Every failure of this package. */
export declare class MqttError extends Error {
  constructor(message: string, code: MqttErrorCode, reasonCode?: number);
  readonly name: 'MqttError';
  /** Stable, for programs. */
  readonly code: MqttErrorCode;
  /** The broker's reason code (CONNACK, PUBACK, DISCONNECT, ...), when it gave one. */
  readonly reasonCode?: number;
}

/** 5.0 CONNECT properties. */
export interface ConnectProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  requestResponseInformation?: boolean;
  requestProblemInformation?: boolean;
  userProperties?: UserProperties;
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
}

/** 5.0 PUBLISH properties (the Topic Alias is chosen by the client, see `outgoingTopicAliases`). */
export interface PublishProperties {
  /** true: the payload is UTF-8 text. */
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Payload;
  userProperties?: UserProperties;
}

/** 5.0 Will properties. */
export interface WillProperties extends PublishProperties {
  willDelayInterval?: number;
}

/** 5.0 SUBSCRIBE properties. */
export interface SubscribeProperties {
  /** 1 to 268,435,455; reported in `MessagePacket.subscriptionIdentifiers`. */
  subscriptionIdentifier?: number;
  userProperties?: UserProperties;
}

/** 5.0 DISCONNECT properties. */
export interface DisconnectProperties {
  sessionExpiryInterval?: number;
  reasonString?: string;
  userProperties?: UserProperties;
}

/** Properties as received (every property the broker may send). */
export interface ReceivedProperties {
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Uint8Array;
  subscriptionIdentifier?: number[];
  sessionExpiryInterval?: number;
  assignedClientIdentifier?: string;
  serverKeepAlive?: number;
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
  requestProblemInformation?: boolean;
  willDelayInterval?: number;
  requestResponseInformation?: boolean;
  responseInformation?: string;
  serverReference?: string;
  reasonString?: string;
  receiveMaximum?: number;
  topicAliasMaximum?: number;
  topicAlias?: number;
  maximumQoS?: 0 | 1;
  retainAvailable?: boolean;
  userProperties?: UserProperties;
  maximumPacketSize?: number;
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
}

/** The Will message, published by the broker if the connection is lost without DISCONNECT. */
export interface WillOptions {
  topic: string;
  payload?: Payload;
  qos?: QoS;
  retain?: boolean;
  properties?: WillProperties;
}

/** Reconnection after an unexpected loss: exponential backoff, capped, with jitter. */
export interface ReconnectOptions {
  /** ms before the first attempt (default 1000). */
  initialDelay?: number;
  /** ms, upper bound of any delay (default 60000). */
  maxDelay?: number;
  /** Growth per attempt (default 2). */
  multiplier?: number;
  /** Randomised fraction of each delay, 0 to 1 (default 0.2). */
  jitter?: number;
  /** Give up after this many failed attempts in a row (default: never). */
  maxAttempts?: number;
  /** Seed of the jitter generator (default: random per client). */
  seed?: number;
}

/** Bounds of the queue of publishes waiting for a connection or for send quota. */
export interface QueueOptions {
  /** Default 1000. */
  maxMessages?: number;
  /** Topic + payload bytes, default 1 MiB. */
  maxBytes?: number;
  /** Drop the oldest queued QoS 0 messages to make room (default true). */
  dropOldestQos0?: boolean;
}

export interface ConnectOptions {
  /** Default 5. */
  protocolVersion?: ProtocolVersion;
  /** Default "": in 5.0 the broker assigns one (`ConnackPacket.assignedClientId`). */
  clientId?: string;
  username?: string;
  password?: Payload;
  /** Seconds, default 60 (0 disables keep alive). */
  keepalive?: number;
  /** Clean Start (5.0) / Clean Session (3.1.1), default true. */
  clean?: boolean;
  /** 5.0, seconds (default 0: the session ends with the connection). */
  sessionExpiryInterval?: number;
  will?: WillOptions;
  properties?: ConnectProperties;
  /** MQTT.js-style fixed delay between reconnection attempts in ms; 0 disables reconnection. */
  reconnectPeriod?: number;
  /** Backoff settings, or false to never reconnect. Overrides `reconnectPeriod`. */
  reconnect?: ReconnectOptions | false;
  /** ms from opening the WebSocket to CONNACK before the attempt fails (default 10000). */
  connectTimeout?: number;
  queue?: QueueOptions;
  /** 5.0: how many outgoing topic aliases to use (default 0; the broker's maximum also applies). */
  outgoingTopicAliases?: number;
  /** Emit `packetsend` / `packetreceive` (default false: they cost nothing). */
  trace?: boolean;
  /**
   * Keep the session in IndexedDB (database `mqtt-wasm`) so that a page reload loses nothing:
   * unacknowledged QoS 1/2 publishes, the offline queue and open incoming QoS 2 exchanges are
   * restored by the next client with the same store, and resent. `true` names the store after
   * `clientId` (which must then be set); a string names it. Use with `clean: false` (and in 5.0 a `sessionExpiryInterval`).
   * Packets that follow a change of that state wait until it is committed. Fails with
   * `ERR_STORAGE` when IndexedDB is unavailable or the stored session cannot be read.
   * Such a client runs on a second WebAssembly module (`dist/client_wasm_persist_bg.wasm`),
   * fetched with the first client that sets this option; see `loadWasm`.
   */
  persistence?: boolean | string;
}

export interface PublishOptions {
  /** Default 0. */
  qos?: QoS;
  retain?: boolean;
  properties?: PublishProperties;
}

/** Per-filter subscription options (MQTT.js names). */
export interface SubscriptionOptions {
  /** Maximum QoS, default 0. */
  qos?: QoS;
  /** 5.0 No Local: do not receive own messages. */
  nl?: boolean;
  /** 5.0 Retain As Published. */
  rap?: boolean;
  /** 5.0 Retain Handling: 0 send retained, 1 only for a new subscription, 2 never. */
  rh?: 0 | 1 | 2;
}

export interface SubscribeOptions extends SubscriptionOptions {
  properties?: SubscribeProperties;
}

/** One SUBACK entry: the granted QoS, or the broker's error reason code (≥ 0x80). */
export type SubscriptionGrant = { topic: string; qos: QoS } | { topic: string; reasonCode: number };

export interface PublishResult {
  /** PUBACK / PUBCOMP reason code (0 for QoS 0, 0x10 "no matching subscribers", ...). */
  reasonCode: number;
}

export interface EndOptions {
  /** 5.0 DISCONNECT reason code, default 0; 0x04 asks the broker to publish the Will. */
  reasonCode?: number;
  properties?: DisconnectProperties;
}

/** The `connect` event's CONNACK. */
export interface ConnackPacket {
  cmd: 'connack';
  sessionPresent: boolean;
  reasonCode: number;
  /** Keep alive in effect, seconds (the broker's Server Keep Alive if it sent one). */
  keepalive: number;
  /** 5.0: the identifier the broker assigned (when `clientId` was empty). */
  assignedClientId?: string;
  properties?: ReceivedProperties;
}

/** The third argument of the `message` event. */
export interface MessagePacket {
  cmd: 'publish';
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** QoS 1 and 2. */
  messageId?: number;
  properties: ReceivedProperties;
  /** 5.0 Subscription Identifiers of the matching subscriptions. */
  subscriptionIdentifiers: number[];
}

/** A 5.0 DISCONNECT from the broker. */
export interface DisconnectPacket {
  cmd: 'disconnect';
  reasonCode: number;
  properties: ReceivedProperties;
}

export interface ReconnectInfo {
  /** Attempt number since the last successful connection, from 1. */
  attempt: number;
  /** ms before the attempt. */
  delay: number;
}

export type PacketTypeName =
  | 'CONNECT' | 'CONNACK' | 'PUBLISH' | 'PUBACK' | 'PUBREC' | 'PUBREL' | 'PUBCOMP'
  | 'SUBSCRIBE' | 'SUBACK' | 'UNSUBSCRIBE' | 'UNSUBACK' | 'PINGREQ' | 'PINGRESP'
  | 'DISCONNECT' | 'AUTH';

/** The decoded summary of a traced packet (`packetsend` / `packetreceive`). */
export type PacketSummary =
  | {
      cmd: 'connect';
      protocolVersion: number;
      clientId: string;
      clean: boolean;
      keepalive: number;
      username?: string;
      hasPassword: boolean;
      will?: { topic: string; qos: QoS; retain: boolean; payloadLength: number; properties?: ReceivedProperties };
      properties?: ReceivedProperties;
    }
  | { cmd: 'connack'; sessionPresent: boolean; reasonCode: number; properties?: ReceivedProperties }
  | {
      cmd: 'publish';
      /** Absent when only a Topic Alias was sent. */
      topic?: string;
      qos: QoS;
      retain: boolean;
      dup: boolean;
      messageId?: number;
      payloadLength: number;
      properties?: ReceivedProperties;
    }
  | { cmd: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'; messageId: number; reasonCode: number; properties?: ReceivedProperties }
  | {
      cmd: 'subscribe';
      messageId: number;
      subscriptions: Array<{ topic: string; qos: QoS; nl: boolean; rap: boolean; rh: 0 | 1 | 2 }>;
      properties?: ReceivedProperties;
    }
  | { cmd: 'suback' | 'unsuback'; messageId: number; reasonCodes: number[]; properties?: ReceivedProperties }
  | { cmd: 'unsubscribe'; messageId: number; unsubscriptions: string[]; properties?: ReceivedProperties }
  | { cmd: 'pingreq' | 'pingresp' }
  | { cmd: 'disconnect' | 'auth'; reasonCode: number; properties?: ReceivedProperties };

/** Event names and listener signatures (MQTT.js names). */
export interface MqttClientEvents {
  /** CONNACK accepted a connection (the first one and every reconnection). */
  connect: (connack: ConnackPacket) => void;
  message: (topic: string, payload: Uint8Array, packet: MessagePacket) => void;
  /** A reconnection attempt is scheduled. */
  reconnect: (info: ReconnectInfo) => void;
  /** The connection was lost (not by `end()`); reconnection follows unless disabled. */
  offline: () => void;
  /** The connection closed, for any reason. */
  close: () => void;
  /** 5.0: the broker sent DISCONNECT. */
  disconnect: (packet: DisconnectPacket) => void;
  /** A refusal, a protocol violation by the broker, a keep-alive or connect timeout, a bad option. */
  error: (error: MqttError) => void;
  /** The client ended for good (`end()`, a refusal, or reconnection given up or disabled). */
  end: () => void;
  /** A packet was sent (`trace: true` only). */
  packetsend: (type: PacketTypeName, raw: Uint8Array, packet: PacketSummary) => void;
  /** A packet was received (`trace: true` only). */
  packetreceive: (type: PacketTypeName, raw: Uint8Array, packet: PacketSummary) => void;
  /**
   * Bytes from the broker that are not a valid packet (`trace: true` only): the whole frame, or
   * the first bytes of one whose fixed header was refused; the rule it breaks (a statement id of
   * the spec such as `MQTT-3.3.1-4`, or a section such as `MQTT 2.1.4`) and the reason code the
   * client then closes the connection with (an `error` event follows).
   */
  packetreject: (raw: Uint8Array, error: { rule: string; reasonCode: number }) => void;
}

export type MqttClientEvent = keyof MqttClientEvents;

/** An MQTT client; get one from `connect` or `createClient`. */
export declare class MqttClient {
  private constructor();
  /** Whether the broker accepted the current connection. */
  readonly connected: boolean;
  /** Resolves when acknowledged (PUBACK for QoS 1, PUBCOMP for QoS 2) or written (QoS 0). */
  publish(topic: string, payload: Payload, options?: PublishOptions): Promise<PublishResult>;
  /** Resolves at SUBACK with one entry per filter, in order. */
  subscribe(
    filters: string | string[] | Record<string, SubscriptionOptions>,
    options?: SubscribeOptions,
  ): Promise<SubscriptionGrant[]>;
  /** Resolves at UNSUBACK with one reason code per filter (0 each in 3.1.1). */
  unsubscribe(filters: string | string[]): Promise<number[]>;
  /** Resolves once the session is committed to IndexedDB (`persistence`); at once without it. */
  persisted(): Promise<void>;
  /** Sends DISCONNECT and closes; resolves once ended. */
  end(options?: EndOptions): Promise<void>;
  /**
   * MQTT.js's form: with `force` true, closes the WebSocket without DISCONNECT, so the broker
   * publishes the will (packets already written still leave first); with false, as `end(options)`.
   */
  end(force: boolean, options?: EndOptions): Promise<void>;
  on<E extends MqttClientEvent>(event: E, listener: MqttClientEvents[E]): this;
  once<E extends MqttClientEvent>(event: E, listener: MqttClientEvents[E]): this;
  off<E extends MqttClientEvent>(event: E, listener: MqttClientEvents[E]): this;
  /** MQTT.js 5's name for `publish`. */
  publishAsync: MqttClient['publish'];
  /** MQTT.js 5's name for `subscribe`. */
  subscribeAsync: MqttClient['subscribe'];
  /** MQTT.js 5's name for `unsubscribe`. */
  unsubscribeAsync: MqttClient['unsubscribe'];
  /** MQTT.js 5's name for `end` (always a clean DISCONNECT: there is no `force` argument). */
  endAsync: MqttClient['end'];
  /** EventEmitter's name for `on`. */
  addListener: MqttClient['on'];
  /** EventEmitter's name for `off`. */
  removeListener: MqttClient['off'];
}

/**
 * Connects and resolves at the broker's CONNACK. Rejects with an `MqttError`: `ERR_REFUSED`
 * (with `reasonCode`), `ERR_CONNECTION_LOST`, `ERR_INVALID_ARGUMENT`, `ERR_INVALID_URL`, ...
 * The client is ended when the first connection fails.
 */
export declare function connect(url: string | URL, options?: ConnectOptions): Promise<MqttClient>;

/** MQTT.js 5's name for `connect`. */
export declare const connectAsync: typeof connect;

/**
 * Returns the client at once and connects in the background, so listeners see every event
 * from the first packet. Failures are `error` events; reconnection follows `options`.
 */
export declare function createClient(url: string | URL, options?: ConnectOptions): MqttClient;

/** What `loadWasm` accepts: the .wasm's URL, its response or bytes, or a compiled module. */
export type WasmSource = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module (once). `connect` and `createClient` call it; call it first
 * only to fetch the .wasm from another place (default: `dist/client_wasm_bg.wasm` beside
 * index.js, via import.meta.url). Clients created with `persistence` use a second module,
 * `dist/client_wasm_persist_bg.wasm`, imported only then (with its glue,
 * `dist/client_wasm_persist.js`); `persistenceSource` says where its .wasm is, and loads it now.
 */
export declare function loadWasm(source?: WasmSource, persistenceSource?: WasmSource): Promise<void>;
