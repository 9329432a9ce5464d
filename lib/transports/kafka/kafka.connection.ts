import type { BrowsedMessages } from '../../core/browse.js';
import type { NestreamLogger } from '../../core/logger.js';
import { assertPlatformaticNode } from './kafka.client-library.js';
import type { KafkaRecord } from './kafka.context.js';
import type { ResolvedKafkaOptions } from './kafka.options.js';

/**
 * What the transport needs from a Kafka client library, and nothing more: the rest of this
 * folder is written against these interfaces: `kafkajs.*.ts` implements them for kafkajs and
 * `platformatic.*.ts` for `@platformatic/kafka`.
 */
export interface KafkaConnection {
  /** The client's own object, for `unwrap()`. */
  readonly native: unknown;
  /** One produce request (acks from all in-sync replicas); resolves once Kafka acknowledged it. */
  send(records: readonly TopicRecords[]): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Creates the topic (one created meanwhile by someone else is fine); resolves once every partition has a leader. */
  createTopic(spec: TopicSpec): Promise<void>;
  /** A metadata error that a young broker or a controller change gives for a moment: worth trying again. */
  isTransientMetadataError(error: unknown): boolean;
  groupMember(init: GroupMemberInit): GroupMember;
  /** A topic's records read by its replay group, for dead-letter inspection (kafka.replay-group.ts). */
  browse(topic: string, limit: number): Promise<BrowsedMessages>;
  /**
   * One cheap metadata request on a client of its own with no retries and short timeouts, so
   * health can follow the broker (see LivenessProbe): rejects at once when no broker answers.
   */
  probe(): Promise<void>;
  /** Disconnects the producer and the admin client. */
  close(): Promise<void>;
}

/**
 * Loads the chosen client library (an optional peer, so only here) and connects it. The
 * default, `@platformatic/kafka`, first checks the running Node: on one it does not support the
 * connect fails, naming kafkajs as the alternative, rather than falling back to it unasked.
 */
export async function openKafkaConnection(options: ResolvedKafkaOptions, logger: NestreamLogger): Promise<KafkaConnection> {
  if (options.library === 'kafkajs') {
    const { KafkajsConnection } = await import('./kafkajs.connection.js');
    return KafkajsConnection.open(options, logger);
  }
  assertPlatformaticNode();
  const { PlatformaticConnection } = await import('./platformatic.connection.js');
  return PlatformaticConnection.open(options, logger);
}

/** A record on its way out. */
export interface OutgoingRecord {
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
  readonly partition?: number;
  /** Epoch ms, as a string. */
  readonly timestamp?: string;
}

export interface TopicRecords {
  readonly topic: string;
  readonly messages: OutgoingRecord[];
}

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly configEntries?: { name: string; value: string }[];
}

/** What one fetch brought for one partition. */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaRecord[];
  /** Heartbeats the group now (a handler's `touch()`). */
  heartbeat(): Promise<void>;
  /** The client may fetch past this offset: it and every earlier one of the batch are settled. */
  resolveOffset(offset: string): void;
}

/** A committed position: the next offset to read, i.e. last settled + 1. */
export interface CommitPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface GroupMemberEvents {
  /** Joined (again) with these topics assigned: positions staged before are stale. */
  joined(topics: readonly string[]): void;
  /** A rebalance began: start nothing new, so the member can rejoin at once. */
  rebalancing(): void;
  /** A heartbeat went through: no rebalance is pending after all. */
  heartbeat(): void;
  /** The client's consumer crashed; `restarting` says whether the client restarts it itself. */
  crashed(error: unknown, restarting: boolean): void;
  /** Worth reporting, changes nothing (a heartbeat that failed for another reason). */
  problem(what: string, error: unknown): void;
}

export interface GroupMemberInit {
  readonly groupId: string;
  readonly subscriptions: readonly { readonly topics: readonly (string | RegExp)[]; readonly fromBeginning: boolean }[];
  readonly partitionsConsumedConcurrently: number;
  /** Handles one fetched batch; the member fetches that partition again only after it resolved. */
  readonly onBatch: (batch: FetchedBatch) => Promise<void>;
  readonly events: GroupMemberEvents;
}

/** One member of one consumer group, on one fixed set of subscriptions. */
export interface GroupMember {
  /** Connects, subscribes and runs; resolves once the member has joined and has its partitions. */
  start(): Promise<void>;
  /** Commits while the member is still in the group (the only time a commit counts). */
  commit(positions: readonly CommitPosition[]): Promise<void>;
  /** Fetches nothing more; what was fetched and never started is simply not committed. */
  stopFetching(): void;
  /** Leaves the group and disconnects, so the group's other members get its partitions at once. */
  leave(): Promise<void>;
}
