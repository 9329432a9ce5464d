import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';

/** Where the transport connects. One of `url`, `redis` (with `url` or alone) or `cluster`. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`. */
  url?: string;
  /** Any ioredis option, passed through (sentinel: `sentinels` + `name`). Merged over `url`. */
  redis?: RedisOptions;
  /** A Redis Cluster: startup nodes and ioredis cluster options, passed through. */
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
}

/** `SubscribeRequest.options` understood by the Redis transport. */
export interface RedisSubscribeOptions {
  /** Streams: overrides the transport's `startFrom` for this subscription's group. */
  startFrom?: '$' | '0';
  /** Streams: overrides the consumer name (e.g. a stable pod name, so its own pending entries are resumed). */
  consumerName?: string;
  /** Streams: overrides `claimIdleMs` for this subscription. */
  claimIdleMs?: number;
  /** Pub/Sub: true = PSUBSCRIBE (glob pattern), false = SUBSCRIBE. Default: true when the topic contains `*`. */
  pattern?: boolean;
}

/** `OutboundMessage.options` understood by the Redis transport. */
export interface RedisPublishOptions {
  /** Streams: trim this stream at about this many entries (`MAXLEN ~ n`), overriding the transport default. */
  maxLen?: number;
}

export const redisDefaults = {
  blockMs: 2000,
  claimIdleMs: 30_000,
  bufferSize: 10_000,
  blockGuardMs: 5000,
  /** ioredis `socketTimeout` of the shared connection (no blocking commands run on it). */
  socketTimeoutMs: 10_000,
} as const;
