import type { ConsumerOptions as PlatformaticConsumerOptions, ProducerOptions as PlatformaticProducerOptions } from '@platformatic/kafka';
import type { ConsumerConfig, KafkaConfig, ProducerConfig } from 'kafkajs';
import type { BackoffOptions } from '../../core/backoff.js';
import { is, type OptionSpec } from '../kit/option-checks.js';
import { checkLibraryOptions } from './kafka.library-options.js';
import { topicConfigEntries } from './kafka.topic-configs.js';

/** How the transport creates topics it publishes or subscribes to. */
export interface KafkaTopicOptions {
  /** Create missing topics through the admin client. Turn off where apps may not create topics. Default true. */
  create?: boolean;
  /** Partitions of a created topic. Default 3. */
  numPartitions?: number;
  /** Replication factor of a created topic. Default -1 (the broker's `default.replication.factor`). */
  replicationFactor?: number;
  /**
   * `min.insync.replicas` of a created topic: how many replicas must have a write before an
   * `acks: all` publish is acknowledged (e.g. 2 with replicationFactor 3). Default: the broker's (1).
   */
  minInsyncReplicas?: number;
  /** Topic configs of a created topic, e.g. `[{ name: 'retention.ms', value: '86400000' }]`. */
  configEntries?: { name: string; value: string }[];
}

/** The client library behind the transport (default 'platformatic'); both are optional peers, loaded only when chosen. */
export type KafkaClientLibrary = 'kafkajs' | 'platformatic';

/** What every client library understands. */
export interface KafkaCommonOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Default 'nestream'. */
  clientId?: string;
  topics?: KafkaTopicOptions;
  /** How long a publish waits for others to share its request. Default 2 ms; 0 sends on the next tick. */
  lingerMs?: number;
  /** A batch is sent as soon as it holds this many messages. Default 500. */
  batchSize?: number;
  /** How often settled offsets are committed while a batch is still being handled. Default 200 ms. */
  commitIntervalMs?: number;
  /** Partitions one group handles at once. Default: the sum of its subscriptions' concurrency (max 64). */
  partitionsConsumedConcurrently?: number;
  /** Wait before restarting a consumer the client gave up on. Default 2000 ms. */
  restartDelayMs?: number;
}

/** KafkaTransport on kafkajs (`library: 'kafkajs'`): the passthrough options are kafkajs's own. */
export interface KafkajsTransportOptions extends KafkaCommonOptions {
  /** Required: the default client is `@platformatic/kafka`. */
  library: 'kafkajs';
  /** Passed through to kafkajs. */
  ssl?: KafkaConfig['ssl'];
  /** Passed through to kafkajs; the password is never logged. */
  sasl?: KafkaConfig['sasl'];
  /** Any other kafkajs client option (retry, connectionTimeout, requestTimeout, logLevel, ...). */
  client?: Partial<KafkaConfig>;
  /** Any kafkajs consumer option, for every group's consumer (sessionTimeout, heartbeatInterval, ...). */
  consumer?: Partial<Omit<ConsumerConfig, 'groupId'>>;
  /**
   * Any kafkajs producer option. Defaults: idempotent, maxInFlightRequests 1, 5 retries. A
   * `createPartitioner` of your own is wrapped so each record keeps its first partition (kafkajs.unsent-records.ts).
   */
  producer?: ProducerConfig;
}

/** Options of `@platformatic/kafka` clients that every one of them takes (connection, retries, timeouts). */
export type PlatformaticClientOptions = Partial<Omit<PlatformaticProducerOptions<Buffer, Buffer, Buffer, Buffer>, 'clientId' | 'bootstrapBrokers' | 'serializers' | 'idempotent' | 'acks'>>;

/** Its consumer options (a union: the classic group protocol or KIP-848's), less what the transport sets itself. */
export type PlatformaticConsumerPassthrough = PlatformaticConsumerOptions<Buffer, Buffer, Buffer, Buffer> extends infer O
  ? O extends unknown
    ? Partial<Omit<O, 'groupId' | 'clientId' | 'bootstrapBrokers' | 'autocommit' | 'deserializers'>>
    : never
  : never;

/** KafkaTransport on `@platformatic/kafka`, the default (Node >= 22.22 on 22, >= 24.6 on 24; kafka.client-library.ts): the passthrough options are its own. */
export interface PlatformaticTransportOptions extends KafkaCommonOptions {
  /** The default; kafkajs needs `library: 'kafkajs'`. */
  library?: 'platformatic';
  /** kafkajs's name: set `library: 'kafkajs'` for kafkajs, or give `tls` (this client's TLS options). */
  ssl?: never;
  /** Passed through (`tls` of its clients). */
  tls?: PlatformaticClientOptions['tls'];
  /** Passed through; the password is never logged. */
  sasl?: PlatformaticClientOptions['sasl'];
  /** Any other option of its clients (retries, retryDelay, timeout, connectTimeout, ...), for the producer, the admin client and the consumers. */
  client?: PlatformaticClientOptions;
  /** Any consumer option, for every group's consumer (sessionTimeout, heartbeatInterval, rebalanceTimeout, maxWaitTime, ...). */
  consumer?: PlatformaticConsumerPassthrough;
  /** Any producer option (compression, ...). The producer is always idempotent with `acks: all`. */
  producer?: PlatformaticClientOptions;
}

export type KafkaTransportOptions = KafkajsTransportOptions | PlatformaticTransportOptions;

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

/** Checked at bootstrap (see `KafkaTransport.checkSubscriberOptions`), so a typo names its handler. */
export const KAFKA_SUBSCRIBER_OPTIONS = {
  fromBeginning: is.boolean,
  pattern: is.boolean,
  perKeyConcurrency: is.boolean,
} satisfies OptionSpec<KafkaSubscribeOptions>;

/** `OutboundMessage.options` understood by Kafka. */
export interface KafkaPublishOptions {
  /** Send to this partition instead of the one the key hashes to. */
  partition?: number;
  /** Record timestamp, epoch ms (number, numeric string or Date). Default: now. */
  timestamp?: number | string | Date;
}

/** Every default of the Kafka transport, in one place. */
export const KAFKA_DEFAULTS = {
  clientId: 'nestream',
  numPartitions: 3,
  replicationFactor: -1,
  lingerMs: 2,
  batchSize: 500,
  commitIntervalMs: 200,
  maxPartitionsConsumedConcurrently: 64,
  restartDelayMs: 2000,
  /** A shorter fetch long-poll than the clients' own (5 s on kafkajs): stopping a consumer waits for it. */
  platformatic: { consumer: { maxWaitTime: 1000 } },
  kafkajs: {
    /** The same, in kafkajs' option name. */
    consumer: { maxWaitTimeInMs: 1000 },
    producer: { idempotent: true, maxInFlightRequests: 1, retry: { retries: 5 } },
    /**
     * kafkajs' retry backoff is capped at 1 s (its own cap is 30 s): after an outage the consumer
     * and producer try again at least every second, so they are back within seconds of the
     * broker, whatever the outage's length. A consumer that exhausts its retries is restarted.
     */
    client: { retry: { initialRetryTime: 300, maxRetryTime: 1000 } },
  },
  /**
   * Topic creation on a broker that just started (or just elected a controller) can briefly
   * answer "unknown topic or partition" / "leader not available"; it is tried again this many
   * times, with this backoff (about 8 s in all), before bootstrap fails.
   */
  topicCreateAttempts: 8,
  topicCreateBackoff: { initialMs: 100, factor: 2, maxMs: 2000, jitter: 0.2 } satisfies Required<BackoffOptions>,
} as const;

/** What every client reads, with every default applied. */
export interface ResolvedKafkaCommonOptions {
  readonly clientId: string;
  readonly topics: Required<Omit<KafkaTopicOptions, 'configEntries' | 'minInsyncReplicas'>> & Pick<KafkaTopicOptions, 'configEntries'>;
  readonly lingerMs: number;
  readonly batchSize: number;
  readonly commitIntervalMs: number;
  /** Undefined: derived from the group's subscriptions. */
  readonly partitionsConsumedConcurrently?: number;
  readonly maxPartitionsConsumedConcurrently: number;
  readonly restartDelayMs: number;
  readonly topicCreateAttempts: number;
  readonly topicCreateBackoff: Required<BackoffOptions>;
}

export interface ResolvedKafkajsOptions extends ResolvedKafkaCommonOptions {
  readonly library: 'kafkajs';
  readonly brokers: KafkaConfig['brokers'];
  readonly ssl?: KafkaConfig['ssl'];
  readonly sasl?: KafkaConfig['sasl'];
  readonly client: Partial<KafkaConfig>;
  readonly consumer: Partial<Omit<ConsumerConfig, 'groupId'>>;
  readonly producer: ProducerConfig;
}

export interface ResolvedPlatformaticOptions extends ResolvedKafkaCommonOptions {
  readonly library: 'platformatic';
  readonly brokers: string[];
  readonly tls?: PlatformaticTransportOptions['tls'];
  readonly sasl?: PlatformaticTransportOptions['sasl'];
  readonly client: PlatformaticClientOptions;
  readonly consumer: NonNullable<PlatformaticTransportOptions['consumer']>;
  readonly producer: PlatformaticClientOptions;
}

/** The options with every default applied: the only shape the rest of the folder reads. */
export type ResolvedKafkaOptions = ResolvedKafkajsOptions | ResolvedPlatformaticOptions;

/** Throws a ConfigurationError for an option the chosen library does not understand (kafka.library-options.ts). */
export function resolveKafkaOptions(options: KafkaTransportOptions): ResolvedKafkaOptions {
  checkLibraryOptions(options);
  const d = KAFKA_DEFAULTS;
  const { topics = {} } = options;
  const common = {
    topics: {
      create: topics.create ?? true,
      numPartitions: topics.numPartitions ?? d.numPartitions,
      replicationFactor: topics.replicationFactor ?? d.replicationFactor,
      configEntries: topicConfigEntries(topics),
    },
    lingerMs: options.lingerMs ?? d.lingerMs,
    batchSize: options.batchSize ?? d.batchSize,
    commitIntervalMs: options.commitIntervalMs ?? d.commitIntervalMs,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
    maxPartitionsConsumedConcurrently: d.maxPartitionsConsumedConcurrently,
    restartDelayMs: options.restartDelayMs ?? d.restartDelayMs,
    topicCreateAttempts: d.topicCreateAttempts,
    topicCreateBackoff: d.topicCreateBackoff,
  };
  if (options.library === 'kafkajs') {
    const { client = {} } = options;
    const k = d.kafkajs;
    return {
      ...common,
      library: 'kafkajs',
      brokers: options.brokers ?? client.brokers,
      clientId: options.clientId ?? client.clientId ?? d.clientId,
      ssl: options.ssl,
      sasl: options.sasl,
      client: { ...client, retry: { ...k.client.retry, ...client.retry } },
      consumer: { ...k.consumer, ...options.consumer },
      producer: { ...k.producer, ...options.producer },
    };
  }
  const { client = {} } = options;
  return {
    ...common,
    library: 'platformatic',
    brokers: options.brokers,
    clientId: options.clientId ?? d.clientId,
    tls: options.tls,
    sasl: options.sasl,
    client,
    consumer: { ...d.platformatic.consumer, ...options.consumer },
    producer: { ...options.producer },
  };
}
