import type { Admin, Kafka, KafkaConfig, Producer, RecordMetadata } from 'kafkajs';
import type { BrowsedMessages } from '../../core/browse.js';
import type { NestreamLogger } from '../../core/logger.js';
import type { GroupMember, GroupMemberInit, KafkaConnection, TopicRecords, TopicSpec } from './kafka.connection.js';
import type { ResolvedKafkajsOptions } from './kafka.options.js';
import { subscriptionAwareAssigner } from './kafkajs.assigner.js';
import { browseKafkaTopic } from './kafkajs.browse.js';
import { KafkajsGroupMember } from './kafkajs.group-member.js';
import { importClientLibrary } from './kafka.client-library.js';
import { nestLogCreator } from './kafkajs.logger.js';
import { pinningPartitioner, unsentRecords } from './kafkajs.unsent-records.js';

type KafkajsModule = typeof import('kafkajs');

/**
 * Metadata errors a broker gives for a moment after it started, or while a controller or a
 * leader changes: a topic just created may be unknown to the broker asked, or have no leader
 * yet (tulios/kafkajs#1222). kafkajs retries some of them itself, then gives up.
 */
const TRANSIENT_TYPES = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'NOT_CONTROLLER',
  'REPLICA_NOT_AVAILABLE',
  'BROKER_NOT_AVAILABLE',
  'REQUEST_TIMED_OUT',
]);
/** kafkajs' own names for the same situations: no leader within its wait, no broker known yet. */
const TRANSIENT_NAMES = new Set(['KafkaJSTimeout', 'KafkaJSBrokerNotFound', 'KafkaJSMetadataNotLoaded', 'KafkaJSTopicMetadataNotLoaded']);

/** The probe's client: one try, answers within a second. */
const PROBE_CLIENT = { retry: { retries: 0 }, connectionTimeout: 1000, requestTimeout: 1000, enforceRequestTimeout: true } satisfies Partial<KafkaConfig>;

/** Sends of records kafkajs resolved without sending (kafkajs.unsent-records.ts) before the batch is failed. */
const UNSENT_RESENDS = 3;

/** The kafkajs client behind a KafkaTransport: one admin client, one idempotent producer, one consumer per group. */
export class KafkajsConnection implements KafkaConnection {
  /** Resolves once `producer` is connected; unset after a replacement, or after a connect that failed (the next send tries again). */
  private producerReady?: Promise<void> = Promise.resolve();
  /**
   * The send in flight; the next one waits for it. kafkajs gives a failed request's sequence
   * numbers back (src/producer/sendMessages.js) even when the broker wrote it and only the answer
   * was lost (a leader killed mid-request). A batch sent meanwhile would take the same numbers
   * and, of the same length, be answered as a duplicate without being written: acknowledged and
   * lost. One send at a time, the only records that can take those numbers again are the same ones, retried.
   */
  private sending: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private producer: Producer,
    private readonly newProducer: () => Producer,
    private readonly consumerConfig: ResolvedKafkajsOptions['consumer'],
    private readonly prober: Admin,
  ) {}

  /** Loads kafkajs (an optional peer, so only here) and connects the admin client and the producer. */
  static async open(options: ResolvedKafkajsOptions, logger: NestreamLogger): Promise<KafkajsConnection> {
    const module = await importClientLibrary('kafkajs', () => import('kafkajs'));
    const kafkajs = (module as unknown as { default?: KafkajsModule }).default ?? module;
    const kafka = new kafkajs.Kafka(clientConfig(kafkajs, options, logger));
    const admin = kafka.admin();
    const { createPartitioner = kafkajs.Partitioners.DefaultPartitioner, ...producerConfig } = options.producer;
    const newProducer = (): Producer => kafka.producer({ ...producerConfig, createPartitioner: pinningPartitioner(createPartitioner) });
    const producer = newProducer();
    try {
      await admin.connect();
      await producer.connect();
    } catch (error) {
      await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
      throw error;
    }
    const partitionAssigners = [subscriptionAwareAssigner(kafkajs), kafkajs.PartitionAssigners.roundRobin];
    // Its own client: the shared one retries for seconds and waits out long request timeouts.
    const prober = new kafkajs.Kafka({ ...clientConfig(kafkajs, options, logger), ...PROBE_CLIENT }).admin();
    await prober.connect().catch(() => undefined); // the probes connect again as often as they need
    return new KafkajsConnection(kafka, admin, producer, newProducer, { partitionAssigners, ...options.consumer }, prober);
  }

  get native(): Kafka {
    return this.kafka;
  }

  /** Resolves once every record is acknowledged: the records kafkajs resolved without sending (after a leader moved) are sent again. */
  send(records: readonly TopicRecords[]): Promise<void> {
    const turn = this.sending.then(() => this.sendAll(records));
    this.sending = turn.catch(() => undefined);
    return turn;
  }

  private async sendAll(records: readonly TopicRecords[]): Promise<void> {
    let unsent = records;
    for (let resends = 0; ; resends++) {
      unsent = unsentRecords(unsent, await this.sendBatch(unsent));
      if (unsent.length === 0) return;
      if (resends === UNSENT_RESENDS) {
        const partitions = unsent.flatMap(({ topic, messages }) => [...new Set(messages.map((m) => `${topic}[${m.partition}]`))]);
        throw new Error(`kafkajs answered a produce without sending its records to ${partitions.join(', ')} (a partition leader moved), ${UNSENT_RESENDS + 1} times`);
      }
    }
  }

  private async sendBatch(records: readonly TopicRecords[]): Promise<RecordMetadata[]> {
    const producer = this.producer;
    await this.ensureConnected(producer); // a connect that failed sent nothing: the next send connects again
    try {
      return await producer.sendBatch({ topicMessages: [...records], acks: -1 });
    } catch (error) {
      // The failed request's sequence numbers went back to kafkajs, though the broker may have written it; the
      // next records of the same count would get them and be answered as duplicates, never written. A new
      // producer (a new producer id) numbers from zero, as @platformatic/kafka does itself after a failed send.
      // It also ends the answers fatal to a producer (kafka.fatal-errors.ts), which kafkajs would repeat forever.
      if (producer === this.producer) this.replaceProducer(producer);
      throw error; // this batch failed: its callers are told so
    }
  }

  /** Drops a producer after a failed send; the next send connects a new one (a new producer id). */
  private replaceProducer(broken: Producer): void {
    const fresh = this.newProducer();
    this.producer = fresh;
    this.producerReady = undefined;
    void broken.disconnect().catch(() => undefined);
  }

  private ensureConnected(producer: Producer): Promise<void> {
    if (!this.producerReady) {
      const ready = producer.connect();
      this.producerReady = ready;
      ready.catch(() => {
        if (this.producerReady === ready) this.producerReady = undefined;
      });
    }
    return this.producerReady;
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async createTopic(spec: TopicSpec): Promise<void> {
    // Answers false (no error) for a topic created meanwhile by someone else, without waiting for its leaders.
    await this.admin.createTopics({ waitForLeaders: true, topics: [{ ...spec }] });
    const [metadata] = (await this.admin.fetchTopicMetadata({ topics: [spec.topic] })).topics;
    const leaderless = metadata?.partitions.filter((p) => p.leader < 0) ?? [];
    if (!metadata || leaderless.length > 0) {
      throw Object.assign(new Error(`topic ${spec.topic} has no leader yet for partition(s) ${leaderless.map((p) => p.partitionId).join(', ')}`), {
        type: 'LEADER_NOT_AVAILABLE',
      });
    }
  }

  isTransientMetadataError(error: unknown): boolean {
    return causes(error).some((e) => TRANSIENT_TYPES.has(String(e.type)) || TRANSIENT_NAMES.has(String(e.name)));
  }

  groupMember(init: GroupMemberInit): GroupMember {
    return new KafkajsGroupMember(this.kafka, this.consumerConfig, init);
  }

  browse(topic: string, limit: number): Promise<BrowsedMessages> {
    return browseKafkaTopic(this.kafka, this.admin, topic, limit);
  }

  async probe(): Promise<void> {
    // describeCluster asks a broker for metadata every time (connecting first if need be).
    await this.prober.describeCluster();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect(), this.prober.disconnect()]);
  }
}

function clientConfig(kafkajs: KafkajsModule, options: ResolvedKafkajsOptions, logger: NestreamLogger): KafkaConfig {
  const { brokers, clientId, ssl, sasl, client } = options;
  return {
    logLevel: kafkajs.logLevel.WARN,
    logCreator: nestLogCreator(logger),
    ...client,
    brokers,
    clientId,
    ...(ssl !== undefined && { ssl }),
    ...(sasl !== undefined && { sasl }),
  };
}

interface ErrorLike {
  readonly name?: unknown;
  readonly type?: unknown;
}

/** The error and what it wraps: kafkajs nests the broker's answer in retries and aggregates. */
function causes(error: unknown, depth = 0): ErrorLike[] {
  if (error === null || typeof error !== 'object' || depth > 5) return [];
  const e = error as ErrorLike & { cause?: unknown; originalError?: unknown; errors?: unknown };
  const nested = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])].filter((n) => n !== error);
  return [e, ...nested.flatMap((n) => causes(n, depth + 1))];
}
