import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { checkOptions, is, type OptionCheck, type OptionSpec } from '../kit/option-checks.js';
import { toJetStreamName } from './nats.names.js';
import { splitServerCredentials } from './nats.url-credentials.js';

/** `new NatsTransport(options)`. Without `jetstream` it speaks core NATS (at-most-once). */
export interface NatsTransportOptions {
  /** `'127.0.0.1:4222'`, `'nats://user:pass@host:4222'` or a list of them. */
  servers: string | string[];
  /** `true` or stream/consumer settings: the transport speaks JetStream (`kind: 'jetstream'`). */
  jetstream?: boolean | NatsJetStreamOptions;
  /** Client name shown by the server's monitoring. Default `'nestream'`. */
  name?: string;
  /** How long `publish()` waits for the server (PubAck, or the flush round trip in core). Default 5000. */
  publishTimeoutMs?: number;
  /** Any other nats.js connection option (credentials, TLS, reconnect tuning). */
  connection?: Omit<NodeConnectionOptions, 'servers'>;
}

export type StreamRetention = 'limits' | 'interest' | 'workqueue';
export type StreamStorage = 'file' | 'memory';
export type ConsumerDeliverPolicy = 'all' | 'new' | 'last';

/** Settings of a stream nestream creates. Unset means the server's default (unlimited). */
export interface NatsStreamSettings {
  retention?: StreamRetention;
  storage?: StreamStorage;
  replicas?: number;
  maxAgeMs?: number;
  maxMsgs?: number;
  maxBytes?: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped as a duplicate. Server default 2 min. */
  duplicateWindowMs?: number;
}

/** A stream for a set of subjects: every topic its subjects cover is stored there. */
export interface NatsStreamDefinition extends NatsStreamSettings {
  name: string;
  subjects: string[];
}

export interface NatsJetStreamOptions {
  /**
   * Create missing streams (and the configured `streams`). Default true. When false, every
   * topic must be covered by a stream that already exists, else subscribe/publish fail.
   */
  provisionStreams?: boolean;
  /** Streams by subject prefix, e.g. `{ name: 'ORDERS', subjects: ['orders.>'] }`. */
  streams?: NatsStreamDefinition[];
  /** Settings of streams created per topic (those no `streams` entry or existing stream covers). */
  streamDefaults?: NatsStreamSettings;
  /** Name of the stream created for a topic. Default: the topic with `.`, `*`, `>` replaced. */
  streamName?: (topic: string) => string;
  /** Defaults for every subscriber's consumer; each subscriber may override them. */
  consumerDefaults?: NatsJetStreamConsumerOptions;
  /** Timeout of JetStream API calls (stream/consumer info, create). Default 5000. */
  apiTimeoutMs?: number;
}

/** Consumer settings; also accepted per subscriber in `transportOptions`. */
export interface NatsJetStreamConsumerOptions {
  /** Server redelivers a message not acked (nor touched) within this time. Default 30000. */
  ackWaitMs?: number;
  /**
   * Deliveries before the server gives up on a message. Default -1 (unlimited): nestream's
   * retry policy counts attempts and dead-letters, then terminates the message.
   */
  maxDeliver?: number;
  /** Unacked messages across all members of the group. Default max(1000, concurrency). */
  maxAckPending?: number;
  /** Where a new consumer starts. Default `'all'` (messages published before the group existed). */
  deliverPolicy?: ConsumerDeliverPolicy;
  /** How long one pull request waits on an idle stream. Default 5000 (at least 1000). */
  fetchExpiresMs?: number;
  /** How often a delivery still being handled says "working" to the server. Default ackWait / 3. */
  workingIntervalMs?: number;
  /**
   * `ack()` resolves on the server's confirmation (nats.js `ackAck()`), and rejects when none
   * comes within `apiTimeoutMs`. Default true. False sends a plain `ack()`: nothing is awaited,
   * and an ack lost with the connection means a redelivery after AckWait.
   */
  ackAck?: boolean;
}

/** `@Subscriber(topic, { transportOptions })` on a JetStream transport. */
export interface NatsJetStreamSubscriberOptions extends NatsJetStreamConsumerOptions {
  /** Durable consumer name. Default derived from group (and topic on shared streams). */
  durableName?: string;
  /** Use this existing stream instead of resolving one from the topic. */
  stream?: string;
  /** The consumer exists already; never create or update it. Default false. */
  bindConsumer?: boolean;
}

/** `@Subscriber(topic, { transportOptions })` on a core NATS transport. */
export interface NatsCoreSubscriberOptions {
  /** Messages buffered while all `concurrency` slots are busy; beyond it they are dropped. Default 524288. */
  maxPending?: number;
  /** Bytes (bodies) buffered likewise. Default 64 MiB. */
  maxPendingBytes?: number;
}

/** `@Subscriber(topic, { transportOptions })` on a NATS transport: the options of its mode. */
export type NatsSubscriberOptions = NatsCoreSubscriberOptions & NatsJetStreamSubscriberOptions;

/** `OutboundMessage.options` on a NATS transport. */
export interface NatsPublishOptions {
  /** JetStream: explicit `Nats-Msg-Id`; `false` turns deduplication off for this message. */
  msgId?: string | false;
  /** JetStream: expectations the server checks (`lastSequence`, `streamName`, ...). */
  expect?: Record<string, unknown>;
  /** Override `publishTimeoutMs` for this message. */
  timeoutMs?: number;
}

/** Every default of the NATS transport, in one place. */
export const NATS_DEFAULTS = {
  name: 'nestream',
  publishTimeoutMs: 5000,
  apiTimeoutMs: 5000,
  provisionStreams: true,
  ackWaitMs: 30_000,
  maxDeliver: -1,
  maxAckPending: 1000,
  deliverPolicy: 'all',
  fetchExpiresMs: 5000,
  /** nats.js refuses shorter pulls. */
  minFetchExpiresMs: 1000,
  /** "working" is sent this many times per AckWait, and never more often than every 100 ms. */
  workingSignalsPerAckWait: 3,
  ackAck: true,
  minWorkingIntervalMs: 100,
  corePendingMessages: 512 * 1024,
  corePendingBytes: 64 * 1024 * 1024,
} as const;

export interface ResolvedJetStreamOptions {
  readonly provisionStreams: boolean;
  readonly streams: readonly NatsStreamDefinition[];
  readonly streamDefaults: NatsStreamSettings;
  readonly streamName: (topic: string) => string;
  readonly consumerDefaults: NatsJetStreamConsumerOptions;
  readonly apiTimeoutMs: number;
}

export interface ResolvedNatsOptions {
  readonly servers: string | string[];
  readonly name: string;
  readonly publishTimeoutMs: number;
  readonly connection: Omit<NodeConnectionOptions, 'servers'>;
  /** Set: the transport speaks JetStream. */
  readonly jetstream?: ResolvedJetStreamOptions;
}

/** The transport's options with every default filled in. */
export function resolveNatsOptions(options: NatsTransportOptions): ResolvedNatsOptions {
  const js = options.jetstream === true ? {} : options.jetstream || undefined;
  const { servers, credentials } = splitServerCredentials(options.servers);
  return {
    servers,
    name: options.name ?? NATS_DEFAULTS.name,
    publishTimeoutMs: options.publishTimeoutMs ?? NATS_DEFAULTS.publishTimeoutMs,
    connection: { ...credentials, ...options.connection },
    ...(js && {
      jetstream: {
        provisionStreams: js.provisionStreams ?? NATS_DEFAULTS.provisionStreams,
        streams: js.streams ?? [],
        streamDefaults: js.streamDefaults ?? {},
        streamName: js.streamName ?? toJetStreamName,
        consumerDefaults: js.consumerDefaults ?? {},
        apiTimeoutMs: js.apiTimeoutMs ?? NATS_DEFAULTS.apiTimeoutMs,
      },
    }),
  };
}

/** A core subscription's buffer limits. */
export function resolveCoreSubscriberOptions(options: NatsCoreSubscriberOptions): Required<NatsCoreSubscriberOptions> {
  return {
    maxPending: Math.max(0, options.maxPending ?? NATS_DEFAULTS.corePendingMessages),
    maxPendingBytes: Math.max(0, options.maxPendingBytes ?? NATS_DEFAULTS.corePendingBytes),
  };
}

/**
 * A JetStream subscription's options: the subscriber's over the transport's `consumerDefaults`.
 * Unset stays unset, so an existing consumer is only changed where something was asked for.
 */
export function resolveJetStreamSubscriberOptions(
  defaults: NatsJetStreamConsumerOptions,
  options: NatsJetStreamSubscriberOptions,
): NatsJetStreamSubscriberOptions {
  return { ...defaults, ...options };
}

const positiveNumber: OptionCheck = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : `must be a number > 0, got ${String(v)}`;
const unlimitedOrPositive: OptionCheck = (v) =>
  v === -1 || (Number.isInteger(v) && (v as number) > 0) ? undefined : `must be -1 (unlimited) or a positive integer, got ${String(v)}`;

export const CORE_SUBSCRIBER_OPTIONS = {
  maxPending: is.nonNegativeNumber,
  maxPendingBytes: is.nonNegativeNumber,
} as const satisfies OptionSpec<NatsCoreSubscriberOptions>;

export const JETSTREAM_SUBSCRIBER_OPTIONS = {
  ackWaitMs: positiveNumber,
  maxDeliver: unlimitedOrPositive,
  maxAckPending: unlimitedOrPositive,
  deliverPolicy: is.oneOf('all', 'new', 'last'),
  fetchExpiresMs: is.nonNegativeNumber,
  workingIntervalMs: positiveNumber,
  ackAck: is.boolean,
  durableName: is.string,
  stream: is.string,
  bindConsumer: is.boolean,
} as const satisfies OptionSpec<NatsJetStreamSubscriberOptions>;

/**
 * The problems of one subscriber's options on a transport of one mode. An option of the other
 * mode is named as such: it would do nothing here, which is worth a bootstrap error. JetStream's
 * `consumerDefaults` apply to every subscriber, so their problems are each subscriber's too.
 */
export function checkNatsSubscriberOptions(
  jetstream: boolean,
  options: Readonly<Record<string, unknown>>,
  consumerDefaults: NatsJetStreamConsumerOptions = {},
): string[] {
  const [own, other, otherMode, thisMode] = jetstream
    ? [JETSTREAM_SUBSCRIBER_OPTIONS, CORE_SUBSCRIBER_OPTIONS, 'core NATS', 'JetStream']
    : [CORE_SUBSCRIBER_OPTIONS, JETSTREAM_SUBSCRIBER_OPTIONS, 'JetStream', 'core NATS'];
  const ofOtherMode = Object.keys(options).filter((key) => !(key in own) && key in other);
  const rest = Object.fromEntries(Object.entries(options).filter(([key]) => !ofOtherMode.includes(key)));
  return [
    ...ofOtherMode.map((key) => `'${key}' is a ${otherMode} option; this transport speaks ${thisMode}`),
    ...checkOptions<Record<string, unknown>>(own, rest),
    ...checkOptions<Record<string, unknown>>(own, consumerDefaults as Record<string, unknown>).map((problem) => `consumerDefaults: ${problem}`),
  ];
}
