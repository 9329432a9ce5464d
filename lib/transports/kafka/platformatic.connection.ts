import type { Admin, MessageToProduce, Producer } from '@platformatic/kafka';
import type { BrowsedMessages } from '../../core/browse.js';
import type { NestreamLogger } from '../../core/logger.js';
import type { GroupMember, GroupMemberInit, KafkaConnection, TopicRecords, TopicSpec } from './kafka.connection.js';
import type { ResolvedPlatformaticOptions } from './kafka.options.js';
import { importClientLibrary } from './kafka.client-library.js';
import { FATAL_PRODUCER_ERRORS } from './kafka.fatal-errors.js';
import { browsePlatformaticTopic } from './platformatic.browse.js';
import { PlatformaticGroupMember, type PlatformaticModule } from './platformatic.group-member.js';

/**
 * Metadata errors a broker gives for a moment after it started, or while a controller or a
 * leader changes (the protocol's names, as `@platformatic/kafka` puts them in `apiId`).
 */
const TRANSIENT_IDS = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'NOT_CONTROLLER',
  'REPLICA_NOT_AVAILABLE',
  'BROKER_NOT_AVAILABLE',
  'REQUEST_TIMED_OUT',
]);
/** Its own codes for the same situations: no answer in time, no broker reachable yet. */
const TRANSIENT_CODES = new Set(['PLT_KFK_TIMEOUT', 'PLT_KFK_NETWORK']);

/** The `@platformatic/kafka` clients behind a KafkaTransport: one admin client, one idempotent producer, one consumer per group. */
export class PlatformaticConnection implements KafkaConnection {
  private constructor(
    private readonly kafka: PlatformaticModule,
    private readonly admin: Admin,
    private producer: Producer<Buffer, Buffer, Buffer, Buffer>,
    private readonly options: ResolvedPlatformaticOptions,
    private readonly prober: Admin,
  ) {}

  /** Loads `@platformatic/kafka` (an optional peer, so only here) and connects the admin client and the producer. */
  static async open(options: ResolvedPlatformaticOptions, _logger: NestreamLogger): Promise<PlatformaticConnection> {
    const kafka: PlatformaticModule = await importClientLibrary('platformatic', () => import('@platformatic/kafka'));
    const base = baseOptions(options);
    const admin = new kafka.Admin(base);
    const producer = newProducer(kafka, options);
    try {
      // Both connect lazily: asking for the cluster's metadata proves the brokers answer.
      await admin.metadata({ topics: [] });
      await producer.metadata({ topics: [] });
    } catch (error) {
      await Promise.allSettled([admin.close(), producer.close()]);
      throw error;
    }
    // Its own client: the shared ones retry (3 times, 1 s apart by default) before they fail.
    const prober = new kafka.Admin({ ...base, retries: 0, timeout: 1000, connectTimeout: 1000 });
    return new PlatformaticConnection(kafka, admin, producer, options, prober);
  }

  get native(): { admin: Admin; producer: Producer<Buffer, Buffer, Buffer, Buffer> } {
    return { admin: this.admin, producer: this.producer };
  }

  async send(records: readonly TopicRecords[]): Promise<void> {
    const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = [];
    for (const { topic, messages: outgoing } of records) {
      for (const record of outgoing) {
        messages.push({
          topic,
          value: record.value,
          headers: headerBuffers(record.headers),
          ...(record.key !== null && { key: Buffer.from(record.key) }),
          ...(record.partition !== undefined && { partition: record.partition }),
          ...(record.timestamp !== undefined && { timestamp: BigInt(record.timestamp) }),
        });
      }
    }
    const producer = this.producer;
    try {
      await producer.send({ messages });
    } catch (error) {
      // Fatal to an idempotent producer: the next send goes through a new one (a new producer id); this batch failed either way.
      if (producer === this.producer && causes(error).some((e) => FATAL_PRODUCER_ERRORS.has(String(e.apiId)))) {
        this.producer = newProducer(this.kafka, this.options);
        void producer.close().catch(() => undefined);
      }
      throw error;
    }
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async createTopic(spec: TopicSpec): Promise<void> {
    try {
      await this.admin.createTopics({
        topics: [spec.topic],
        partitions: spec.numPartitions,
        replicas: spec.replicationFactor,
        ...(spec.configEntries && { configs: spec.configEntries }),
      });
    } catch (error) {
      // Created meanwhile by someone else: fine, as long as it has its leaders (below).
      if (!causes(error).some((e) => e.apiId === 'TOPIC_ALREADY_EXISTS')) throw error;
    }
    const metadata = (await this.admin.metadata({ topics: [spec.topic], forceUpdate: true })).topics.get(spec.topic);
    const leaderless = metadata?.partitions.map((p, id) => ({ id, leader: p.leader })).filter((p) => p.leader < 0) ?? [];
    if (!metadata || metadata.partitions.length === 0 || leaderless.length > 0) {
      throw Object.assign(new Error(`topic ${spec.topic} has no leader yet for partition(s) ${leaderless.map((p) => p.id).join(', ')}`), {
        apiId: 'LEADER_NOT_AVAILABLE',
      });
    }
  }

  isTransientMetadataError(error: unknown): boolean {
    return causes(error).some((e) => TRANSIENT_IDS.has(String(e.apiId)) || TRANSIENT_CODES.has(String(e.code)));
  }

  groupMember(init: GroupMemberInit): GroupMember {
    return new PlatformaticGroupMember(this.kafka, { ...baseOptions(this.options), ...this.options.consumer }, init, () => this.listTopics());
  }

  browse(topic: string, limit: number): Promise<BrowsedMessages> {
    // The client options (tls, sasl, retries) and the fetch long-poll; not the group settings of the app's own consumers.
    return browsePlatformaticTopic(this.kafka, this.admin, { ...baseOptions(this.options), maxWaitTime: this.options.consumer.maxWaitTime }, topic, limit);
  }

  async probe(): Promise<void> {
    await this.prober.metadata({ topics: [], forceUpdate: true });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer.close(), this.admin.close(), this.prober.close()]);
  }
}

/** The idempotent producer (it connects on its first request). */
function newProducer(kafka: PlatformaticModule, options: ResolvedPlatformaticOptions): Producer<Buffer, Buffer, Buffer, Buffer> {
  return new kafka.Producer<Buffer, Buffer, Buffer, Buffer>({ ...baseOptions(options), ...options.producer, idempotent: true, acks: -1 });
}

/** What the producer, the admin client and every consumer share. */
function baseOptions(options: ResolvedPlatformaticOptions): { clientId: string; bootstrapBrokers: string[] } & ResolvedPlatformaticOptions['client'] {
  const { brokers, clientId, tls, sasl, client } = options;
  return {
    ...client,
    clientId,
    bootstrapBrokers: brokers,
    ...(tls !== undefined && { tls }),
    ...(sasl !== undefined && { sasl }),
  };
}

interface ErrorLike {
  readonly apiId?: unknown;
  readonly code?: unknown;
}

/** The error and what it wraps: `@platformatic/kafka` collects the broker's answers in `errors`, retries in `cause`. */
export function causes(error: unknown, depth = 0): ErrorLike[] {
  if (error === null || typeof error !== 'object' || depth > 5) return [];
  const e = error as ErrorLike & { cause?: unknown; errors?: unknown };
  const nested = [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])].filter((n) => n !== error);
  return [e, ...nested.flatMap((n) => causes(n, depth + 1))];
}

/**
 * Header names repeat on every record (nestream's own seven, an app's few): each name's bytes
 * are made once and shared, read-only, by the records that carry it. The cache stops growing
 * at NAME_CACHE_LIMIT names, so an app that puts ids in header names costs a Buffer per name,
 * as before, and no memory.
 */
const NAME_CACHE_LIMIT = 256;
const nameBytes = new Map<string, Buffer>();

function headerBuffers(headers: Record<string, string>): Map<Buffer, Buffer> {
  const out = new Map<Buffer, Buffer>();
  for (const name in headers) {
    let key = nameBytes.get(name);
    if (!key) {
      key = Buffer.from(name);
      if (nameBytes.size < NAME_CACHE_LIMIT) nameBytes.set(name, key);
    }
    out.set(key, Buffer.from(headers[name]!));
  }
  return out;
}
