import type { NodeConnectionOptions } from '@nats-io/transport-node';

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
}

/** `@Subscriber(topic, { transportOptions })` on a NATS transport. */
export interface NatsSubscriberOptions extends NatsJetStreamConsumerOptions {
  /** Core NATS: messages buffered while all `concurrency` slots are busy; beyond it they are dropped. Default 524288. */
  maxPending?: number;
  /** Core NATS: bytes (bodies) buffered likewise. Default 64 MiB. */
  maxPendingBytes?: number;
  /** JetStream: durable consumer name. Default derived from group (and topic on shared streams). */
  durableName?: string;
  /** JetStream: use this existing stream instead of resolving one from the topic. */
  stream?: string;
  /** JetStream: the consumer exists already; never create or update it. Default false. */
  bindConsumer?: boolean;
}

/** `OutboundMessage.options` on a NATS transport. */
export interface NatsPublishOptions {
  /** JetStream: explicit `Nats-Msg-Id`; `false` turns deduplication off for this message. */
  msgId?: string | false;
  /** JetStream: expectations the server checks (`lastSequence`, `streamName`, ...). */
  expect?: Record<string, unknown>;
  /** Override `publishTimeoutMs` for this message. */
  timeoutMs?: number;
}

export const NatsDefaults = {
  name: 'nestream',
  publishTimeoutMs: 5000,
  apiTimeoutMs: 5000,
  ackWaitMs: 30_000,
  maxDeliver: -1,
  maxAckPending: 1000,
  fetchExpiresMs: 5000,
  corePendingMessages: 512 * 1024,
  corePendingBytes: 64 * 1024 * 1024,
} as const;
