import type { ConsumerConfig, KafkaConfig, ProducerConfig } from 'kafkajs';

/** How the transport creates topics it publishes or subscribes to. */
export interface KafkaTopicOptions {
  /** Create missing topics through the admin client. Turn off where apps may not create topics. Default true. */
  create?: boolean;
  /** Partitions of a created topic. Default 3. */
  numPartitions?: number;
  /** Replication factor of a created topic. Default -1 (the broker's `default.replication.factor`). */
  replicationFactor?: number;
  /** Topic configs of a created topic, e.g. `[{ name: 'retention.ms', value: '86400000' }]`. */
  configEntries?: { name: string; value: string }[];
}

export interface KafkaTransportOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Default 'nestream'. */
  clientId?: string;
  /** Passed through to kafkajs. */
  ssl?: KafkaConfig['ssl'];
  /** Passed through to kafkajs; the password is never logged. */
  sasl?: KafkaConfig['sasl'];
  /** Any other kafkajs client option (retry, connectionTimeout, requestTimeout, logLevel, ...). */
  client?: Partial<KafkaConfig>;
  /** Any kafkajs consumer option, for every group's consumer (sessionTimeout, heartbeatInterval, ...). */
  consumer?: Partial<Omit<ConsumerConfig, 'groupId'>>;
  /** Any kafkajs producer option. Defaults: idempotent, maxInFlightRequests 1, 5 retries. */
  producer?: ProducerConfig;
  topics?: KafkaTopicOptions;
  /** How long a publish waits for others to share its request. Default 2 ms; 0 sends on the next tick. */
  lingerMs?: number;
  /** A batch is sent as soon as it holds this many messages. Default 500. */
  batchSize?: number;
  /** How often settled offsets are committed while a batch is still being handled. Default 200 ms. */
  commitIntervalMs?: number;
  /** Partitions one group handles at once. Default: the sum of its subscriptions' concurrency (max 64). */
  partitionsConsumedConcurrently?: number;
  /** Wait before restarting a consumer kafkajs gave up on. Default 2000 ms. */
  restartDelayMs?: number;
}

/** `SubscribeRequest.options` (`transportOptions` of `@Subscriber`) understood by Kafka. */
export interface KafkaSubscribeOptions {
  /** A new group starts at the oldest message instead of the newest. Default false. */
  fromBeginning?: boolean;
  /** Treat the topic as a regular expression (also implied by `/.../` around the topic). */
  pattern?: boolean;
  /**
   * Messages of one partition with different keys run concurrently; the same key stays in
   * order, keyless messages are not ordered. Default false: one message per partition at a time.
   */
  perKeyConcurrency?: boolean;
}

/** `OutboundMessage.options` understood by Kafka. */
export interface KafkaPublishOptions {
  /** Send to this partition instead of the one the key hashes to. */
  partition?: number;
  /** Record timestamp, epoch ms (number, numeric string or Date). Default: now. */
  timestamp?: number | string | Date;
}

export const KAFKA_DEFAULTS = {
  clientId: 'nestream',
  numPartitions: 3,
  replicationFactor: -1,
  lingerMs: 2,
  batchSize: 500,
  commitIntervalMs: 200,
  maxPartitionsConsumedConcurrently: 64,
  restartDelayMs: 2000,
} as const;
