import type { NestreamLogger } from '../../../core/logger.js';
import type { DeliveryHandler } from '../../../core/transport.js';
import { Dispatcher } from '../../kit/dispatcher.js';
import type { SettleOnceDelivery, Settlement } from '../../kit/settle-once.js';
import { WakeableSleep, withTimeout } from '../../kit/timers.js';
import type { AckBatcher } from '../pipelined-commands.js';
import { closeClient, errorMessage, type ConsumerProblem, type RedisClientLike } from '../redis.connection.js';
import type { RedisStreamEntry } from '../redis.context.js';
import { streamDelivery } from '../redis.delivery.js';
import { ensureGroup, removeConsumerIfIdle } from '../redis.topology.js';
import type { RawStreamEntry, StreamCommands } from '../stream-commands.js';
import { StreamRetryQueue } from '../stream-retry-queue.js';
import type { RedisConsumer } from './redis-consumer.js';

export interface StreamConsumerConfig {
  readonly commands: StreamCommands;
  /** This subscription's own connection: a blocked XREADGROUP holds it. */
  readonly blocking: RedisClientLike;
  /** The transport's shared connection, for acks, hand-backs and unblocking the read on close. */
  readonly control: () => RedisClientLike;
  readonly acks: AckBatcher;
  readonly handler: DeliveryHandler;
  readonly concurrency: number;
  readonly blockMs: number;
  readonly blockGuardMs: number;
  readonly claimIdleMs: number;
  readonly claimIntervalMs: number;
  /**
   * Whether close can end the blocked read with CLIENT UNBLOCK from the shared connection. Not
   * on a cluster: there CLIENT ID and CLIENT UNBLOCK go to any node, not the one holding the
   * read (and could unblock a stranger there), so close waits out the BLOCK (`blockMs`) instead.
   */
  readonly unblockable: boolean;
  /** Forget the consumer name in the group on close (generated names are never reused). */
  readonly removeConsumerOnClose: boolean;
  readonly logger: NestreamLogger;
  /** A failed read, recorded by the transport's status. */
  readonly onError: (message: string) => void;
}

/** Idle time given to handed-back entries: above any `claimIdleMs`, so every reclaim takes them. */
const HANDED_BACK_IDLE_MS = 365 * 24 * 3600 * 1000;

/**
 * One subscription to a stream as one consumer of a group. A single loop decides what to read
 * next, each read sized by the dispatcher's free slots (so no entry waits unstarted in memory):
 * due redeliveries of its own pending entries, then (once, at start) its pending entries from an
 * earlier run, then entries idle on other consumers (XAUTOCLAIM: at start, then every
 * `claimIntervalMs`), then new entries (blocking XREADGROUP). The loop never ends on an error:
 * it records it, backs off and tries again. On close, what it holds unstarted (a read that
 * landed during close, nacked entries waiting for their delay) is handed back to the group.
 */
export class StreamConsumer implements RedisConsumer {
  private readonly dispatcher: Dispatcher<SettleOnceDelivery>;
  /** Entries delivered and not settled yet, with when they were received. */
  private readonly open = new Map<string, number>();
  private readonly retries = new StreamRetryQueue();
  private readonly backoff = new WakeableSleep();
  private readonly handingBack = new Set<Promise<void>>();
  private ownPendingCursor: string | undefined;
  private ownPendingDone = false;
  private claimCursor = '0-0';
  private nextClaimAt = 0;
  private blockingClientId: number | undefined;
  private reading = false;
  private closing = false;
  private closed?: Promise<void>;
  private loop?: Promise<void>;
  private abortCommand?: () => void;
  /** True while the last attempt to read failed; health reports the subscription down. */
  private failing = false;
  private lastError?: string;

  constructor(private readonly config: StreamConsumerConfig) {
    this.dispatcher = new Dispatcher({
      concurrency: config.concurrency,
      handler: config.handler,
      bufferSize: 0,
      handBack: (delivery) => this.handBackUnstarted(delivery),
      onError: (error) => config.logger.error(`Handler for ${this.describe()} failed outside the pipeline: ${errorMessage(error)}`),
    });
    config.blocking.on('ready', () => void this.learnClientId());
    config.blocking.on('close', () => this.abortCommand?.());
  }

  async start(): Promise<void> {
    await this.learnClientId();
    this.loop = this.run();
  }

  close(): Promise<void> {
    return (this.closed ??= this.shutdown());
  }

  problem(): ConsumerProblem | undefined {
    if (this.config.blocking.status !== 'ready') return { status: 'connecting', error: this.lastError };
    return this.failing ? { status: 'down', error: this.lastError } : undefined;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.backoff.wake();
    const drained = this.dispatcher.close(); // from here on, a read that lands is handed back
    if (this.reading) await this.unblockRead();
    await this.loop;
    await drained;
    this.handBackRetries();
    await Promise.all(this.handingBack);
    if (this.config.removeConsumerOnClose) {
      const { stream, group, consumer } = this.config.commands;
      await removeConsumerIfIdle(this.config.control(), stream, group, consumer).catch(() => undefined);
    }
    await closeClient(this.config.blocking);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closing) {
      const free = this.dispatcher.freeSlots;
      if (free <= 0) {
        await this.dispatcher.whenFreeSlot();
        continue;
      }
      try {
        for (const entry of await this.fetch(free)) this.deliver(entry);
        if (this.failing) this.config.logger.log(`Consuming ${this.describe()} again`);
        this.failing = false;
        failures = 0;
      } catch (error) {
        failures++;
        this.recordFailure(error);
        // A reply lost with its connection may have carried entries now pending on this
        // consumer: look at its own PEL again rather than wait for them to go idle.
        this.ownPendingDone = false;
        this.ownPendingCursor = undefined;
        if (errorMessage(error).startsWith('NOGROUP')) await this.recreateGroup();
        if (!this.closing) await this.backoff.sleep(Math.min(100 * 2 ** failures, 1000));
      }
    }
  }

  private async fetch(free: number): Promise<RawStreamEntry[]> {
    const { commands, blocking, blockGuardMs } = this.config;
    const now = Date.now();
    const due = this.retries.takeDue(free, now);
    if (due.counts.size > 0) return this.guard(commands.claim(blocking, due.minIdleMs, due.counts), blockGuardMs);
    if (!this.ownPendingDone) {
      await this.guard(this.loadOwnPending(), blockGuardMs);
      return [];
    }
    if (now >= this.nextClaimAt) return this.guard(this.reclaimIdle(free, now), blockGuardMs);
    const blockMs = Math.max(1, Math.min(this.config.blockMs, this.retries.nextDueIn(now), this.nextClaimAt - now));
    this.reading = true;
    try {
      return await this.guard(commands.readNew(blocking, free, blockMs), blockMs + blockGuardMs);
    } finally {
      this.reading = false;
    }
  }

  /**
   * A command on the consumer's connection fails when that connection closes (ioredis would
   * otherwise drop it unanswered, as `autoResendUnfulfilledCommands` is off) or when it outlives
   * its deadline: then the socket is dead in a way ioredis cannot tell, and it reconnects.
   */
  private guard<T>(command: Promise<T>, deadlineMs: number): Promise<T> {
    const closed = new Promise<never>((_, reject) => {
      this.abortCommand = () => reject(new Error('Connection closed before Redis answered'));
    });
    closed.catch(() => undefined);
    return withTimeout(Promise.race([command, closed]), deadlineMs, `Redis on ${this.describe()}`, () => {
      this.config.logger.warn(`No reply from Redis on ${this.describe()} within ${deadlineMs} ms; reconnecting its connection`);
      this.config.blocking.disconnect(true);
    }).finally(() => (this.abortCommand = undefined));
  }

  /** Pending entries of this consumer name from an earlier run (a stable `consumerName`). */
  private async loadOwnPending(): Promise<void> {
    const counts = await this.config.commands.ownPending(this.config.blocking, this.ownPendingCursor, 100);
    for (const [id, deliveries] of counts) {
      if (!this.open.has(id) && !this.retries.has(id)) this.retries.add(id, deliveries, 0);
      this.ownPendingCursor = id;
    }
    if (counts.size < 100) this.ownPendingDone = true;
  }

  private async reclaimIdle(free: number, now: number): Promise<RawStreamEntry[]> {
    const { cursor, entries } = await this.config.commands.autoclaim(this.config.blocking, this.config.claimIdleMs, this.claimCursor, free);
    this.claimCursor = cursor;
    if (cursor === '0-0') this.nextClaimAt = now + this.config.claimIntervalMs;
    const reclaimed = entries.filter((entry) => !this.open.has(entry.id));
    if (reclaimed.length > 0) this.config.logger.log(`Reclaimed ${reclaimed.length} idle entries of ${this.describe()}`);
    return reclaimed;
  }

  private deliver(entry: RawStreamEntry): void {
    // Our own entry in a long handler can come back through XAUTOCLAIM; it is being handled.
    if (this.open.has(entry.id)) return;
    this.retries.delete(entry.id);
    this.open.set(entry.id, Date.now());
    const { commands, control } = this.config;
    const touch = () => (this.open.has(entry.id) ? commands.touch(control(), entry.id) : Promise.resolve());
    this.dispatcher.offer(streamDelivery(entry, commands, (settlement) => this.settle(entry, settlement), touch));
  }

  private async settle(entry: RawStreamEntry, settlement: Settlement): Promise<void> {
    const receivedAt = this.open.get(entry.id);
    try {
      // Left pending on a nack: this consumer claims it again after the delay (or another one reclaims it).
      if (settlement.kind === 'nack') this.retries.add(entry.id, entry.deliveryCount, settlement.delayMs, receivedAt);
      // A reject is an XACK too: the consume chain has dead-lettered it already.
      else await this.config.acks.ack(this.config.commands.stream, this.config.commands.group, entry.id);
    } finally {
      this.open.delete(entry.id);
    }
  }

  /** An entry read while closing: back to the group with its delivery count as it was before this read. */
  private handBackUnstarted(delivery: SettleOnceDelivery): void {
    const { id, deliveryCount } = delivery.message.raw as RedisStreamEntry;
    const receivedAt = this.open.get(id);
    this.open.delete(id);
    this.handBack([id], receivedAt, deliveryCount - 1);
  }

  /**
   * Nacked entries waiting for their delay, and own pending entries not yet taken back: due ones
   * go back at once; the others get the idle time that makes them due for the group's reclaim
   * when their delay is over.
   */
  private handBackRetries(): void {
    const now = Date.now();
    for (const retry of this.retries.takeAll()) {
      const wait = retry.dueAt - now;
      const idleMs = wait <= 0 ? HANDED_BACK_IDLE_MS : Math.max(0, this.config.claimIdleMs - wait);
      this.handBack([retry.id], retry.receivedAt, undefined, idleMs);
    }
  }

  private handBack(ids: string[], receivedAt: number | undefined, deliveries?: number, idleMs = HANDED_BACK_IDLE_MS): void {
    // Only while still ours: an entry another consumer reclaimed since has a shorter idle time.
    const minIdleMs = receivedAt === undefined ? 0 : Math.max(0, Date.now() - receivedAt - 50);
    const work = this.config.commands
      .handBack(this.config.control(), ids, { idleMs, minIdleMs, deliveries })
      .catch((error: unknown) => this.config.logger.warn(`Could not hand back ${ids.join(', ')} of ${this.describe()} (the group reclaims them after claimIdleMs): ${errorMessage(error)}`))
      .finally(() => this.handingBack.delete(work));
    this.handingBack.add(work);
  }

  private async recreateGroup(): Promise<void> {
    // The stream or group vanished (Redis restarted without persistence, or someone deleted it).
    const { stream, group } = this.config.commands;
    await ensureGroup(this.config.blocking, stream, group, '$').catch(() => undefined);
  }

  /** Makes the blocked XREADGROUP return now (CLIENT UNBLOCK from the shared connection). */
  private async unblockRead(): Promise<void> {
    if (this.blockingClientId === undefined) return;
    await this.config.control().call('CLIENT', ['UNBLOCK', this.blockingClientId]).catch(() => undefined);
  }

  private async learnClientId(): Promise<void> {
    if (!this.config.unblockable) return;
    try {
      this.blockingClientId = Number(await this.config.blocking.call('CLIENT', ['ID']));
    } catch {
      this.blockingClientId = undefined; // proxies may refuse CLIENT; close then waits out the BLOCK
    }
  }

  private recordFailure(error: unknown): void {
    const message = errorMessage(error);
    if (!this.failing || message !== this.lastError) this.config.logger.warn(`Reading ${this.describe()} failed: ${message}`);
    this.failing = true;
    this.lastError = message;
    this.config.onError(`Reading ${this.describe()} failed: ${message}`);
  }

  private describe(): string {
    const { stream, group, consumer } = this.config.commands;
    return `stream ${stream} (group ${group}, consumer ${consumer})`;
  }
}
