import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { GroupSubscription } from './group-subscription.js';
import { OffsetCommitter } from './offset-committer.js';
import { handleBatch, type BatchHost } from './partition-batch.js';

export type GroupStatus = 'idle' | 'connecting' | 'up' | 'down';

export interface GroupConsumerSettings {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly consumer: Partial<Omit<ConsumerConfig, 'groupId'>>;
  readonly commitIntervalMs: number;
  readonly partitionsConsumedConcurrently?: number;
  readonly maxPartitionsConsumedConcurrently: number;
  readonly restartDelayMs: number;
  readonly reportError: (what: string, error: unknown) => void;
}

const REBALANCE_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * The one kafkajs consumer of one consumer group, shared by every subscription of that group
 * on this transport, so a slow group never holds up another. kafkajs cannot add topics to a
 * running consumer: a change of subscriptions stops it (in-flight messages finish and are
 * committed) and starts a new one on the union of topics. Subscriptions made together (same
 * tick, e.g. `Promise.all`) share one start.
 */
export class KafkaGroupConsumer implements BatchHost {
  status: GroupStatus = 'idle';
  readonly heartbeatIntervalMs: number;
  private readonly subscriptions = new Set<GroupSubscription>();
  private consumer?: Consumer;
  private committer?: OffsetCommitter;
  /** Bumped on every start, rebalance and join; work from an older epoch never commits. */
  private epoch = 0;
  private stopping = false;
  private rebalancePending = false;
  private version = 0;
  private appliedVersion = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly sleepers = new Set<() => void>();
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly settings: GroupConsumerSettings) {
    this.heartbeatIntervalMs = settings.consumer.heartbeatInterval ?? 3000;
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /** Resolves once the group's consumer has joined with the new subscription included. */
  async add(subscription: GroupSubscription): Promise<void> {
    this.subscriptions.add(subscription);
    this.version++;
    try {
      await this.reconfigure();
    } catch (error) {
      this.subscriptions.delete(subscription);
      this.version++;
      throw error;
    }
  }

  /** Stops handing out messages to it, waits for its in-flight deliveries, then drops its topic. */
  async remove(subscription: GroupSubscription): Promise<void> {
    subscription.closed = true;
    await subscription.slots.whenIdle();
    this.subscriptions.delete(subscription);
    this.version++;
    await this.reconfigure();
  }

  // ---- BatchHost

  accepting(epoch: number): boolean {
    return !this.stopping && !this.rebalancePending && epoch === this.epoch;
  }

  route(topic: string): GroupSubscription | undefined {
    let best: GroupSubscription | undefined;
    for (const subscription of this.subscriptions) {
      if (subscription.closed || !subscription.matches(topic)) continue;
      if (!best || subscription.slots.free > best.slots.free) best = subscription;
    }
    return best;
  }

  stage(topic: string, partition: number, lastSettledOffset: string, epoch: number): void {
    this.committer?.stage(topic, partition, lastSettledOffset, epoch);
  }

  flush(): Promise<void> {
    return this.committer?.flush() ?? Promise.resolve();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  heartbeatFailed(error: unknown): void {
    if (REBALANCE_ERRORS.has((error as { type?: string }).type ?? '')) this.pauseForRebalance();
    else this.settings.reportError(`heartbeat of group ${this.settings.groupId}`, error);
  }

  // ---- lifecycle

  /** Applies the current subscriptions (or restarts with `force`), one change at a time. */
  private reconfigure(force = false): Promise<void> {
    const run = this.chain.then(() => (force || this.version !== this.appliedVersion ? this.apply() : undefined));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async apply(): Promise<void> {
    const version = this.version;
    await this.stopConsumer();
    this.appliedVersion = version;
    const open = [...this.subscriptions];
    if (open.length === 0) {
      this.status = 'idle';
      return;
    }
    this.status = 'connecting';
    const { kafka, groupId } = this.settings;
    const consumer = kafka.consumer({ ...this.settings.consumer, groupId });
    this.consumer = consumer;
    this.committer = new OffsetCommitter(consumer, this.settings.commitIntervalMs, () => this.epoch, (error) =>
      this.settings.reportError(`offset commit of group ${groupId}`, error),
    );
    this.listen(consumer);
    try {
      await consumer.connect();
      for (const fromBeginning of [true, false]) {
        const topics = unique(open.filter((s) => s.fromBeginning === fromBeginning).map((s) => s.topic));
        if (topics.length > 0) await consumer.subscribe({ topics, fromBeginning });
      }
      this.stopping = false;
      this.rebalancePending = false;
      this.epoch++;
      // Resolves once the member has joined and received its partitions.
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.partitionsConsumedConcurrently(open),
        eachBatch: (payload: EachBatchPayload) => handleBatch(payload, this, this.epoch),
      });
    } catch (error) {
      this.status = 'down';
      this.appliedVersion = -1; // the next change (or restart) tries again
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private listen(consumer: Consumer): void {
    const { GROUP_JOIN, REBALANCING, CRASH, HEARTBEAT } = consumer.events;
    const current = (): boolean => consumer === this.consumer;
    consumer.on(GROUP_JOIN, () => {
      if (!current()) return;
      this.epoch++;
      this.rebalancePending = false;
      this.status = 'up';
    });
    consumer.on(REBALANCING, () => current() && this.pauseForRebalance());
    // A heartbeat that went through means no rebalance is pending after all.
    consumer.on(HEARTBEAT, () => {
      if (current()) this.rebalancePending = false;
    });
    consumer.on(CRASH, (event) => {
      if (!current()) return;
      const { error, restart } = event.payload;
      this.settings.reportError(`consumer of group ${this.settings.groupId} crashed`, error);
      this.epoch++;
      if (restart) {
        this.status = 'connecting'; // kafkajs restarts it itself
        return;
      }
      this.status = 'down';
      this.scheduleRestart();
    });
  }

  private pauseForRebalance(): void {
    this.rebalancePending = true;
    for (const wake of [...this.sleepers]) wake();
  }

  /** kafkajs gave up on the consumer: start a new one rather than stay alive-but-not-consuming. */
  private scheduleRestart(): void {
    if (this.restartTimer || this.subscriptions.size === 0) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.subscriptions.size === 0) return;
      this.reconfigure(true).catch((error: unknown) => {
        this.settings.reportError(`restart of group ${this.settings.groupId}`, error);
        this.scheduleRestart();
      });
    }, this.settings.restartDelayMs);
  }

  private async stopConsumer(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const consumer = this.consumer;
    if (!consumer) return;
    this.stopping = true;
    for (const wake of [...this.sleepers]) wake();
    try {
      // Waits for the batches in flight; each finishes its started messages and commits.
      await consumer.disconnect();
    } catch (error) {
      this.settings.reportError(`stop of group ${this.settings.groupId}`, error);
    }
    this.committer?.discard();
    this.consumer = undefined;
    this.epoch++;
  }

  private partitionsConsumedConcurrently(open: readonly GroupSubscription[]): number {
    if (this.settings.partitionsConsumedConcurrently) return this.settings.partitionsConsumedConcurrently;
    const total = open.reduce((sum, s) => sum + s.slots.size, 0);
    return Math.min(Math.max(1, total), this.settings.maxPartitionsConsumedConcurrently);
  }

  /** The native consumer of this group, when running. */
  unwrap(): Consumer | undefined {
    return this.consumer;
  }
}

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = item instanceof RegExp ? `re:${item.source}/${item.flags}` : `s:${String(item)}`;
    return seen.has(id) ? false : (seen.add(id), true);
  });
}
