import { WakeableSleep } from '../kit/timers.js';
import { consumePartition, type PartitionHost } from './consumers/partition.js';
import type { GroupMember, GroupMemberEvents, GroupMemberInit, KafkaConnection } from './kafka.connection.js';
import { OffsetCommitter } from './kafka.offsets.js';
import type { KafkaSubscription } from './kafka.subscription.js';

export type GroupStatus = 'idle' | 'connecting' | 'up' | 'down';

export interface KafkaGroupSettings {
  readonly groupId: string;
  readonly connection: KafkaConnection;
  readonly commitIntervalMs: number;
  readonly partitionsConsumedConcurrently?: number;
  readonly maxPartitionsConsumedConcurrently: number;
  readonly restartDelayMs: number;
  /** A broker-side problem: recorded as the transport's last error and logged. */
  readonly report: (what: string, error: unknown) => void;
  readonly handlerFailed: (error: unknown) => void;
}

/**
 * One consumer group of a transport: the one member shared by every subscription of that
 * group, so a slow group never holds up another. A member cannot add topics while it runs:
 * a change of subscriptions stops it and starts a new one on the union of topics.
 * Subscriptions made together (same tick, e.g. `Promise.all`) share one start.
 *
 * Stopping (a close, or a change of subscriptions) goes: start nothing new and fetch nothing
 * more; let started handlers finish; commit every position settled without a gap; only then
 * leave the group. What was fetched and never started is not committed, so the group's next
 * owner of the partition gets it as soon as the rebalance is done.
 */
export class KafkaGroup implements PartitionHost {
  status: GroupStatus = 'idle';
  private readonly subscriptions = new Set<KafkaSubscription>();
  private member?: GroupMember;
  private committer?: OffsetCommitter;
  /** Bumped on every start, rebalance and join; work from an older epoch never commits. */
  private epoch = 0;
  private stopping = false;
  private rebalancePending = false;
  private version = 0;
  private appliedVersion = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly sleeper = new WakeableSleep();
  /** Fetched batches being handled, so stopping can wait for them before it commits. */
  private readonly batches = new Set<Promise<void>>();
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly settings: KafkaGroupSettings) {}

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /** Resolves once the group's member has joined with the new subscription included. */
  async add(subscription: KafkaSubscription): Promise<void> {
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

  /** Starts nothing more for it, waits for its started deliveries, then drops its topic (commits first). */
  async remove(subscription: KafkaSubscription): Promise<void> {
    subscription.closed = true;
    await subscription.slots.whenIdle();
    this.subscriptions.delete(subscription);
    this.version++;
    await this.reconfigure();
  }

  // ---- PartitionHost

  accepting(epoch: number): boolean {
    return !this.stopping && !this.rebalancePending && epoch === this.epoch;
  }

  route(topic: string): KafkaSubscription | undefined {
    let best: KafkaSubscription | undefined;
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
    return this.stopping || this.rebalancePending ? Promise.resolve() : this.sleeper.sleep(ms);
  }

  handlerFailed(error: unknown): void {
    this.settings.handlerFailed(error);
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
    await this.stopMember();
    this.appliedVersion = version;
    const open = [...this.subscriptions];
    if (open.length === 0) {
      this.status = 'idle';
      return;
    }
    this.status = 'connecting';
    const { connection, groupId, commitIntervalMs } = this.settings;
    const member: GroupMember = connection.groupMember({
      groupId,
      subscriptions: topicsByStart(open),
      partitionsConsumedConcurrently: this.partitionsConsumedConcurrently(open),
      onBatch: (batch) => this.track(consumePartition(batch, this, this.epoch)),
      events: this.eventsOf(() => member === this.member),
    });
    this.member = member;
    this.committer = new OffsetCommitter((positions) => member.commit(positions), commitIntervalMs, () => this.epoch, (error) =>
      this.settings.report(`offset commit of group ${groupId}`, error),
    );
    this.stopping = false;
    this.rebalancePending = false;
    this.epoch++;
    try {
      await member.start();
    } catch (error) {
      this.status = 'down';
      this.appliedVersion = -1; // the next change (or restart) tries again
      this.member = undefined;
      this.committer = undefined;
      throw error;
    }
  }

  private eventsOf(current: () => boolean): GroupMemberEvents {
    const { groupId } = this.settings;
    return {
      joined: () => {
        if (!current()) return;
        this.epoch++;
        this.rebalancePending = false;
        this.status = 'up';
      },
      rebalancing: () => {
        if (current()) this.pauseForRebalance();
      },
      heartbeat: () => {
        if (current()) this.rebalancePending = false;
      },
      crashed: (error, restarting) => {
        if (!current()) return;
        this.settings.report(`consumer of group ${groupId} crashed`, error);
        this.epoch++;
        this.status = restarting ? 'connecting' : 'down';
        if (!restarting) this.scheduleRestart();
      },
      problem: (what, error) => {
        if (current()) this.settings.report(what, error);
      },
    };
  }

  private track(batch: Promise<void>): Promise<void> {
    const done = batch.catch(() => undefined);
    this.batches.add(done);
    void done.then(() => this.batches.delete(done));
    return batch;
  }

  private pauseForRebalance(): void {
    this.rebalancePending = true;
    this.sleeper.wake();
  }

  /** The client gave up on the member: start a new one rather than stay alive-but-not-consuming. */
  private scheduleRestart(): void {
    if (this.restartTimer || this.subscriptions.size === 0) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.subscriptions.size === 0) return;
      this.reconfigure(true).catch((error: unknown) => {
        this.settings.report(`restart of group ${this.settings.groupId}`, error);
        this.scheduleRestart();
      });
    }, this.settings.restartDelayMs);
  }

  private async stopMember(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const member = this.member;
    if (!member) return;
    this.stopping = true;
    this.sleeper.wake();
    member.stopFetching();
    // Started handlers finish and their positions are staged; nothing new starts.
    await Promise.all([...this.batches]);
    // Committed while still a member: a commit after leaving would not count.
    await this.flush();
    try {
      await member.leave();
    } catch (error) {
      this.settings.report(`stop of group ${this.settings.groupId}`, error);
    }
    this.committer?.discard();
    this.member = undefined;
    this.epoch++;
  }

  private partitionsConsumedConcurrently(open: readonly KafkaSubscription[]): number {
    if (this.settings.partitionsConsumedConcurrently) return this.settings.partitionsConsumedConcurrently;
    const total = open.reduce((sum, s) => sum + s.slots.size, 0);
    return Math.min(Math.max(1, total), this.settings.maxPartitionsConsumedConcurrently);
  }
}

/** kafkajs subscribes `fromBeginning` per call: one call for the topics that start at the oldest message, one for the rest. */
function topicsByStart(open: readonly KafkaSubscription[]): GroupMemberInit['subscriptions'] {
  return [true, false]
    .map((fromBeginning) => ({ fromBeginning, topics: unique(open.filter((s) => s.fromBeginning === fromBeginning).map((s) => s.topic)) }))
    .filter((s) => s.topics.length > 0);
}

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = item instanceof RegExp ? `re:${item.source}/${item.flags}` : `s:${String(item)}`;
    return seen.has(id) ? false : (seen.add(id), true);
  });
}
