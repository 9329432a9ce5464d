import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';
import { is, type OptionSpec } from '../kit/option-checks.js';
import type { RedisWireFormat } from './redis.headers.js';

/** Where the transport connects. One of `url`, `redis` (with `url` or alone) or `cluster`. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`. */
  url?: string;
  /** Any ioredis option, passed through (sentinel: `sentinels` + `name`). Merged over `url`. */
  redis?: RedisOptions;
  /**
   * A Redis Cluster: startup nodes (any few of its nodes; ioredis learns the rest) and ioredis
   * cluster options, passed through over nestream's failover defaults (redis.connection.ts).
   * Every command nestream sends touches one key, so nothing needs a hash tag; see docs/redis.md.
   */
  cluster?: { nodes: ClusterNode[]; options?: ClusterOptions };
}

export type RedisTransportMode = 'streams' | 'pubsub';

export interface RedisTransportOptions extends RedisConnectionOptions {
  /** 'streams' (default): consumer groups, at-least-once. 'pubsub': fire-and-forget, lossy. */
  mode?: RedisTransportMode;
  /** Streams: how long one XREADGROUP blocks waiting for new entries. Default 2000 ms. */
  blockMs?: number;
  /** Streams: entries pending this long on any consumer are reclaimed (XAUTOCLAIM). Default 30 000 ms. */
  claimIdleMs?: number;
  /** Streams: how often each subscription looks for idle entries to reclaim. Default claimIdleMs / 2. */
  claimIntervalMs?: number;
  /** Streams: trim every stream published to at about this many entries (`MAXLEN ~`). Default: no trimming. */
  maxLen?: number;
  /** Streams: where a group created by a subscription starts: '$' (new entries, default) or '0' (whole stream). */
  startFrom?: '$' | '0';
  /** Streams: consumer name; default `<hostname>-<pid>-<random>`, unique per subscription. */
  consumerName?: string;
  /** Pub/Sub: messages buffered per subscription beyond `concurrency` before new ones are dropped. Default 10 000. */
  bufferSize?: number;
  /** Extra time a blocking read may take past its BLOCK before the connection is declared stuck. Default 5000 ms. */
  blockGuardMs?: number;
  /**
   * How messages are written (both are always read; see redis.headers.ts). 'binary' (default):
   * FastStream 0.7's binary envelope, in the stream field `__data__` or as the Pub/Sub payload,
   * so FastStream services share topics out of the box. 'legacy': nestream's earlier layout
   * (stream fields `body`/`headers`/`key`, a JSON envelope on Pub/Sub), while older nestream
   * consumers still read the topic.
   */
  wireFormat?: RedisWireFormat;
}

/** Streams-mode subscriber options (`@Subscriber(..., { transportOptions })`). */
export interface RedisStreamSubscribeOptions {
  /** Overrides the transport's `startFrom` for this subscription's group. */
  startFrom?: '$' | '0';
  /** Overrides the consumer name (e.g. a stable pod name, so its own pending entries are resumed). */
  consumerName?: string;
  /** Overrides `claimIdleMs` for this subscription. */
  claimIdleMs?: number;
}

/** Pub/Sub-mode subscriber options. */
export interface RedisPubSubSubscribeOptions {
  /** true = PSUBSCRIBE (glob pattern), false = SUBSCRIBE. Default: true when the topic contains `*`. */
  pattern?: boolean;
}

/** `SubscribeRequest.options` understood by the Redis transport (each mode takes its own part). */
export interface RedisSubscribeOptions extends RedisStreamSubscribeOptions, RedisPubSubSubscribeOptions {}

/** `OutboundMessage.options` understood by the Redis transport. */
export interface RedisPublishOptions {
  /** Streams: trim this stream at about this many entries (`MAXLEN ~ n`), overriding the transport default. */
  maxLen?: number;
}

/** Every default of the Redis transport, in one place. */
export const REDIS_DEFAULTS = {
  mode: 'streams',
  blockMs: 2000,
  claimIdleMs: 30_000,
  /** claimIntervalMs defaults to this share of claimIdleMs, and is never shorter than the floor. */
  claimIntervalShare: 0.5,
  claimIntervalFloorMs: 100,
  startFrom: '$',
  bufferSize: 10_000,
  blockGuardMs: 5000,
  wireFormat: 'binary',
  /** ioredis `socketTimeout` of the shared connection (no blocking commands run on it). */
  socketTimeoutMs: 10_000,
} as const;

export interface ResolvedRedisOptions {
  readonly connection: RedisConnectionOptions;
  readonly mode: RedisTransportMode;
  readonly blockMs: number;
  readonly blockGuardMs: number;
  readonly claimIdleMs: number;
  /** Unset: derived from each subscription's claimIdleMs. */
  readonly claimIntervalMs?: number;
  readonly maxLen?: number;
  readonly startFrom: '$' | '0';
  readonly consumerName?: string;
  readonly bufferSize: number;
  readonly wireFormat: RedisWireFormat;
}

const WIRE_FORMATS: readonly RedisWireFormat[] = ['binary', 'legacy'];

/** The transport's options with every default filled in. */
export function resolveRedisOptions(options: RedisTransportOptions): ResolvedRedisOptions {
  const { url, redis, cluster } = options;
  if (cluster !== undefined) {
    if (!Array.isArray(cluster?.nodes) || cluster.nodes.length === 0) {
      throw new Error("RedisTransport: cluster.nodes must list at least one node, e.g. [{ host: '127.0.0.1', port: 7000 }]");
    }
    if (url !== undefined || redis !== undefined) throw new Error('RedisTransport: give either cluster or url/redis, not both (per-node ioredis options go in cluster.options.redisOptions)');
  }
  const wireFormat = options.wireFormat ?? REDIS_DEFAULTS.wireFormat;
  if (!WIRE_FORMATS.includes(wireFormat)) {
    throw new Error(`RedisTransport: wireFormat must be ${WIRE_FORMATS.map((f) => `'${f}'`).join(' or ')}, got ${JSON.stringify(options.wireFormat)}`);
  }
  return {
    connection: { url, redis, cluster },
    mode: options.mode ?? REDIS_DEFAULTS.mode,
    blockMs: options.blockMs ?? REDIS_DEFAULTS.blockMs,
    blockGuardMs: options.blockGuardMs ?? REDIS_DEFAULTS.blockGuardMs,
    claimIdleMs: options.claimIdleMs ?? REDIS_DEFAULTS.claimIdleMs,
    claimIntervalMs: options.claimIntervalMs,
    maxLen: options.maxLen,
    startFrom: options.startFrom ?? REDIS_DEFAULTS.startFrom,
    consumerName: options.consumerName,
    bufferSize: options.bufferSize ?? REDIS_DEFAULTS.bufferSize,
    wireFormat,
  };
}

export interface ResolvedStreamSubscription {
  readonly startFrom: '$' | '0';
  readonly consumerName: string;
  /** A generated name is never used again, so it is removed from the group on close. */
  readonly generatedName: boolean;
  readonly claimIdleMs: number;
  readonly claimIntervalMs: number;
}

/** One stream subscription's settings: its options over the transport's. */
export function resolveStreamSubscription(transport: ResolvedRedisOptions, options: RedisStreamSubscribeOptions): ResolvedStreamSubscription {
  const named = options.consumerName ?? transport.consumerName;
  const claimIdleMs = options.claimIdleMs ?? transport.claimIdleMs;
  return {
    startFrom: options.startFrom ?? transport.startFrom,
    consumerName: named ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
    generatedName: named === undefined,
    claimIdleMs,
    claimIntervalMs:
      transport.claimIntervalMs ?? Math.max(REDIS_DEFAULTS.claimIntervalFloorMs, Math.floor(claimIdleMs * REDIS_DEFAULTS.claimIntervalShare)),
  };
}

/** Whether a Pub/Sub subscription is a PSUBSCRIBE. */
export function isPatternSubscription(topic: string, options: RedisPubSubSubscribeOptions): boolean {
  return options.pattern ?? topic.includes('*');
}

export const STREAM_SUBSCRIBER_OPTIONS = {
  startFrom: is.oneOf('$', '0'),
  consumerName: is.string,
  claimIdleMs: is.positiveInteger,
} as const satisfies OptionSpec<RedisStreamSubscribeOptions>;

export const PUBSUB_SUBSCRIBER_OPTIONS = {
  pattern: is.boolean,
} as const satisfies OptionSpec<RedisPubSubSubscribeOptions>;
