import type { Logger } from '@nestjs/common';
import type { Delivery } from '../../core/message.js';
import type { DeliveryHandler } from '../../core/transport.js';
import type { AckBatcher } from './pipelined-commands.js';
import { closeClient, errorMessage, type RedisClientLike } from './redis-client.js';
import type { RedisStreamEntry } from './redis.context.js';
import type { RawStreamEntry, StreamCommands } from './stream-commands.js';
import { decodeEntryFields } from './stream-entry-codec.js';
import { StreamRetryQueue } from './stream-retry-queue.js';
import { withDeadline } from './with-deadline.js';

export interface StreamConsumerConfig {
  readonly commands: StreamCommands;
  /** This subscription's own connection: a blocked XREADGROUP holds it. */
  readonly blocking: RedisClientLike;
  /** The transport's shared connection, for acks and for unblocking the read on close. */
  readonly control: () => RedisClientLike;
  readonly acks: AckBatcher;
  readonly handler: DeliveryHandler;
  readonly concurrency: number;
  readonly blockMs: number;
  readonly blockGuardMs: number;
  readonly claimIdleMs: number;
  readonly claimIntervalMs: number;
  /** Forget the consumer name in the group on close (generated names are never reused). */
  readonly removeConsumerOnClose: boolean;
  readonly logger: Logger;
  readonly onError: (error: unknown) => void;
}

/**
 * One subscription to a stream as one consumer of a group. A single loop decides what to read
 * next, each read sized by the free concurrency slots: due redeliveries of its own pending
 * entries, then (once, at start) its pending entries from an earlier run, then entries idle on
 * dead consumers (XAUTOCLAIM, every `claimIntervalMs`), then new entries (blocking XREADGROUP).
 * The loop never ends on an error: it records it, backs off and tries again.
 */
export class StreamConsumer {
  private readonly inFlight = new Set<string>();
  private readonly retries = new StreamRetryQueue();
  private ownPendingCursor: string | undefined;
  private ownPendingDone = false;
  private claimCursor = '0-0';
  private nextClaimAt = 0;
  private blockingClientId: number | undefined;
  private reading = false;
  private closing = false;
  private closed?: Promise<void>;
  private loop?: Promise<void>;
  private wake?: () => void;
  private abortCommand?: () => void;
  /** True while the last attempt to read failed; health reports the subscription down. */
  failing = false;
  lastError?: string;

  constructor(private readonly config: StreamConsumerConfig) {
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

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.wake?.();
    if (this.reading) await this.unblockRead();
    await this.loop;
    while (this.inFlight.size > 0) await this.nextWake();
    if (this.config.removeConsumerOnClose && this.retries.size === 0) {
      await this.config.commands.removeConsumerIfIdle(this.config.control()).catch(() => undefined);
    }
    await closeClient(this.config.blocking);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closing) {
      const free = this.config.concurrency - this.inFlight.size;
      if (free <= 0) {
        await this.nextWake();
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
        await this.nextWake(Math.min(100 * 2 ** failures, 2000));
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
    return withDeadline(Promise.race([command, closed]), deadlineMs, () => {
      this.config.logger.warn(`No reply from Redis on ${this.describe()} within ${deadlineMs} ms; reconnecting its connection`);
      this.config.blocking.disconnect(true);
    }).finally(() => (this.abortCommand = undefined));
  }

  /** Pending entries of this consumer name from an earlier run (a stable `consumerName`). */
  private async loadOwnPending(): Promise<void> {
    const counts = await this.config.commands.ownPending(this.config.blocking, this.ownPendingCursor, 100);
    for (const [id, deliveries] of counts) {
      if (!this.inFlight.has(id) && !this.retries.has(id)) this.retries.add(id, deliveries, 0);
      this.ownPendingCursor = id;
    }
    if (counts.size < 100) this.ownPendingDone = true;
  }

  private async reclaimIdle(free: number, now: number): Promise<RawStreamEntry[]> {
    const { cursor, entries } = await this.config.commands.autoclaim(this.config.blocking, this.config.claimIdleMs, this.claimCursor, free);
    this.claimCursor = cursor;
    if (cursor === '0-0') this.nextClaimAt = now + this.config.claimIntervalMs;
    const reclaimed = entries.filter((entry) => !this.inFlight.has(entry.id));
    if (reclaimed.length > 0) this.config.logger.log(`Reclaimed ${reclaimed.length} idle entries of ${this.describe()}`);
    return reclaimed;
  }

  private deliver(entry: RawStreamEntry): void {
    // Our own entry in a long handler can come back through XAUTOCLAIM; it is being handled.
    if (this.inFlight.has(entry.id)) return;
    this.retries.delete(entry.id);
    this.inFlight.add(entry.id);
    const { commands, acks, control } = this.config;
    const decoded = decodeEntryFields(entry.fields);
    const raw: RedisStreamEntry = {
      kind: 'stream',
      stream: commands.stream,
      id: entry.id,
      group: commands.group,
      consumer: commands.consumer,
      deliveryCount: entry.deliveryCount,
      fields: decoded.fields,
    };
    let settled = false;
    const settle = async (action: () => Promise<void>): Promise<void> => {
      if (settled) return;
      settled = true;
      try {
        await action();
      } finally {
        this.inFlight.delete(entry.id);
        this.wake?.();
      }
    };
    const xack = () => acks.ack(commands.stream, commands.group, entry.id);
    const delivery: Delivery = {
      message: {
        topic: commands.stream,
        body: decoded.body,
        headers: decoded.headers,
        key: decoded.key,
        deliveryAttempt: entry.deliveryCount,
        redelivered: entry.deliveryCount > 1,
        raw,
      },
      ack: () => settle(xack),
      // The consume chain has dead-lettered it already; for the stream it is done.
      reject: () => settle(xack),
      // Left pending: this consumer claims it again after the delay (or another one reclaims it).
      nack: (options) => settle(async () => this.retries.add(entry.id, entry.deliveryCount, options?.delayMs ?? 0)),
      touch: () => (settled ? Promise.resolve() : commands.touch(control(), entry.id)),
    };
    this.invoke(delivery);
  }

  private invoke(delivery: Delivery): void {
    let handled: Promise<void>;
    try {
      handled = this.config.handler(delivery);
    } catch (error) {
      handled = Promise.reject(error);
    }
    handled.catch((error: unknown) => {
      this.config.logger.error(`Handler for ${this.describe()} failed outside the pipeline: ${errorMessage(error)}`);
      return delivery.nack();
    }).catch(() => undefined);
  }

  private async recreateGroup(): Promise<void> {
    // The stream or group vanished (Redis restarted without persistence, or someone deleted it).
    await this.config.commands.ensureGroup(this.config.blocking, '$').catch(() => undefined);
  }

  /** Makes the blocked XREADGROUP return now (CLIENT UNBLOCK from the shared connection). */
  private async unblockRead(): Promise<void> {
    if (this.blockingClientId === undefined) return;
    await this.config.control().call('CLIENT', ['UNBLOCK', this.blockingClientId]).catch(() => undefined);
  }

  private async learnClientId(): Promise<void> {
    try {
      this.blockingClientId = Number(await this.config.blocking.call('CLIENT', ['ID']));
    } catch {
      this.blockingClientId = undefined; // cluster proxies may refuse CLIENT; close then waits out the BLOCK
    }
  }

  private recordFailure(error: unknown): void {
    const message = errorMessage(error);
    if (!this.failing || message !== this.lastError) {
      this.config.logger.warn(`Reading ${this.describe()} failed: ${message}`);
    }
    this.failing = true;
    this.lastError = message;
    this.config.onError(error);
  }

  /** Resolves on the next settle / close, or after `timeoutMs`. */
  private nextWake(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      const previous = this.wake;
      function done(): void {
        if (timer) clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        previous?.();
        done();
      };
    });
  }

  private describe(): string {
    const { stream, group, consumer } = this.config.commands;
    return `stream ${stream} (group ${group}, consumer ${consumer})`;
  }
}
