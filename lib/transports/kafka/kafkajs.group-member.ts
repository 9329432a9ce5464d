import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { CommitPosition, FetchedBatch, GroupMember, GroupMemberInit } from './kafka.connection.js';
import { OwnedPartitions, partitionKey } from './owned-partitions.js';

const REBALANCE_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * One kafkajs consumer: a member of one group on a fixed set of topics (kafkajs cannot add
 * topics to a running consumer). kafkajs' `commitOffsets` is a silent no-op once `disconnect()`
 * has begun, so the group commits through `commit()` first and only then calls `leave()`.
 */
export class KafkajsGroupMember implements GroupMember {
  private readonly consumer: Consumer;
  private readonly heartbeatIntervalMs: number;
  /** Topics assigned at the last join, so `stopFetching()` can pause them. */
  private assigned: string[] = [];
  /** Partitions assigned at the last join: the only ones this member handles and commits. */
  private owned = OwnedPartitions.NONE;

  constructor(
    kafka: Kafka,
    config: Partial<Omit<ConsumerConfig, 'groupId'>>,
    private readonly init: GroupMemberInit,
  ) {
    this.consumer = kafka.consumer({ ...config, groupId: init.groupId });
    this.heartbeatIntervalMs = config.heartbeatInterval ?? 3000;
    this.listen();
  }

  async start(): Promise<void> {
    try {
      await this.consumer.connect();
      for (const { topics, fromBeginning } of this.init.subscriptions) await this.consumer.subscribe({ topics: [...topics], fromBeginning });
      // Resolves once the member has joined and received its partitions.
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.init.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.handle(payload),
      });
    } catch (error) {
      await this.consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  commit(positions: readonly CommitPosition[]): Promise<void> {
    const own = this.owned.committable(positions);
    return own.length === 0 ? Promise.resolve() : this.consumer.commitOffsets(own);
  }

  stopFetching(): void {
    if (this.assigned.length === 0) return;
    try {
      this.consumer.pause(this.assigned.map((topic) => ({ topic })));
    } catch {
      // Not running (yet, or any more): it fetches nothing either way.
    }
  }

  leave(): Promise<void> {
    // Waits for the batches in flight, then sends LeaveGroup.
    return this.consumer.disconnect();
  }

  private async handle(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    // A batch of a partition this member no longer owns (fetched before the last join) is the new owner's to read.
    if (!this.owned.has(partitionKey(batch.topic, batch.partition))) return;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    // kafkajs heartbeats only between batches; a long batch keeps the membership alive itself.
    const keepAlive = setInterval(() => heartbeat().catch((error: unknown) => this.heartbeatFailed(error)), this.heartbeatIntervalMs);
    const fetched: FetchedBatch = {
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages,
      heartbeat,
      resolveOffset: (offset) => payload.resolveOffset(offset),
    };
    try {
      await this.init.onBatch(fetched);
    } finally {
      clearInterval(keepAlive);
    }
  }

  private heartbeatFailed(error: unknown): void {
    if (REBALANCE_ERRORS.has(String((error as { type?: unknown }).type))) this.init.events.rebalancing();
    else this.init.events.problem(`heartbeat of group ${this.init.groupId}`, error);
  }

  private listen(): void {
    const { consumer, init } = this;
    const { GROUP_JOIN, REBALANCING, CRASH, HEARTBEAT } = consumer.events;
    consumer.on(GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment;
      this.assigned = Object.keys(assignment);
      this.owned = new OwnedPartitions(this.assigned.map((topic) => ({ topic, partitions: assignment[topic]! })));
      init.events.joined(this.assigned);
    });
    consumer.on(REBALANCING, () => init.events.rebalancing());
    consumer.on(HEARTBEAT, () => init.events.heartbeat());
    consumer.on(CRASH, (event) => init.events.crashed(event.payload.error, event.payload.restart));
  }
}
