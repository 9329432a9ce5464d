import type { Admin, Kafka, KafkaConfig, Producer } from 'kafkajs';
import type { BrowsedMessages } from '../../core/browse.js';
import type { NestreamLogger } from '../../core/logger.js';
import type { GroupMember, GroupMemberInit, KafkaConnection, TopicRecords, TopicSpec } from './kafka.connection.js';
import type { ResolvedKafkajsOptions } from './kafka.options.js';
import { subscriptionAwareAssigner } from './kafkajs.assigner.js';
import { browseKafkaTopic } from './kafkajs.browse.js';
import { KafkajsGroupMember } from './kafkajs.group-member.js';
import { nestLogCreator } from './kafkajs.logger.js';

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

/** The kafkajs client behind a KafkaTransport: one admin client, one idempotent producer, one consumer per group. */
export class KafkajsConnection implements KafkaConnection {
  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly consumerConfig: ResolvedKafkajsOptions['consumer'],
  ) {}

  /** Loads kafkajs (an optional peer, so only here) and connects the admin client and the producer. */
  static async open(options: ResolvedKafkajsOptions, logger: NestreamLogger): Promise<KafkajsConnection> {
    const module = await import('kafkajs');
    const kafkajs = (module as unknown as { default?: KafkajsModule }).default ?? module;
    const kafka = new kafkajs.Kafka(clientConfig(kafkajs, options, logger));
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner, ...options.producer });
    try {
      await admin.connect();
      await producer.connect();
    } catch (error) {
      await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
      throw error;
    }
    const partitionAssigners = [subscriptionAwareAssigner(kafkajs), kafkajs.PartitionAssigners.roundRobin];
    return new KafkajsConnection(kafka, admin, producer, { partitionAssigners, ...options.consumer });
  }

  get native(): Kafka {
    return this.kafka;
  }

  async send(records: readonly TopicRecords[]): Promise<void> {
    await this.producer.sendBatch({ topicMessages: [...records], acks: -1 });
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

  async close(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
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
