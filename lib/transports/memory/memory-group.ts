import { Deque } from '../../core/deque.js';
import type { Delivery, InboundMessage, NackOptions } from '../../core/message.js';
import type { DeliveryHandler } from '../../core/transport.js';

/** A message waiting in, or delivered from, one consumer group's queue. */
export interface QueuedMessage {
  readonly topic: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
  readonly key?: string;
  deliveries: number;
}

export interface GroupMember {
  readonly handler: DeliveryHandler;
  readonly concurrency: number;
  inFlight: number;
  closed: boolean;
  /** Resolves `close()` once in-flight reaches zero. */
  onIdle?: () => void;
}

/**
 * One consumer group of one topic: a queue shared by its members. Messages with the same key
 * are handed out one at a time (the next waits until the previous is settled), which keeps
 * per-key order under any concurrency.
 */
export class MemoryGroup {
  private readonly ready = new Deque<QueuedMessage>();
  /** Keys with a message in flight, and the messages of that key waiting behind it. */
  private readonly busyKeys = new Map<string, Deque<QueuedMessage>>();
  private readonly members: GroupMember[] = [];
  private nextMember = 0;
  private pendingTimers = new Set<NodeJS.Timeout>();
  private dispatchScheduled = false;
  /** Messages queued, delayed or in flight; the test broker waits for zero. */
  outstanding = 0;

  constructor(private readonly onSettled: () => void) {}

  enqueue(message: QueuedMessage): void {
    this.outstanding++;
    if (message.key !== undefined) {
      const waiting = this.busyKeys.get(message.key);
      if (waiting) {
        waiting.push(message);
        return;
      }
      this.busyKeys.set(message.key, new Deque());
    }
    this.ready.push(message);
    this.scheduleDispatch();
  }

  addMember(member: GroupMember): void {
    this.members.push(member);
    this.scheduleDispatch();
  }

  removeMember(member: GroupMember): void {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
  }

  get memberCount(): number {
    return this.members.length;
  }

  clearTimers(): void {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
  }

  /** Deliveries start on a later tick, never inside the publisher's call stack. */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.ready.length > 0) {
      const member = this.pickMember();
      if (!member) return;
      this.deliver(member, this.ready.shift()!);
    }
  }

  private pickMember(): GroupMember | undefined {
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[(this.nextMember + i) % this.members.length]!;
      if (!member.closed && member.inFlight < member.concurrency) {
        this.nextMember = (this.nextMember + i + 1) % this.members.length;
        return member;
      }
    }
    return undefined;
  }

  private deliver(member: GroupMember, queued: QueuedMessage): void {
    queued.deliveries++;
    member.inFlight++;
    let settled = false;
    const settle = (outcome: 'ack' | 'reject' | NackOptions): Promise<void> => {
      if (settled) return Promise.resolve();
      settled = true;
      member.inFlight--;
      if (outcome === 'ack' || outcome === 'reject') this.finish(queued);
      else this.redeliver(queued, outcome.delayMs ?? 0);
      if (member.closed && member.inFlight === 0) member.onIdle?.();
      this.scheduleDispatch();
      return Promise.resolve();
    };
    const message: InboundMessage = {
      topic: queued.topic,
      body: queued.body,
      headers: queued.headers,
      key: queued.key,
      deliveryAttempt: queued.deliveries,
      redelivered: queued.deliveries > 1,
      raw: queued,
    };
    const delivery: Delivery = {
      message,
      ack: () => settle('ack'),
      reject: () => settle('reject'),
      nack: (options) => settle(options ?? {}),
    };
    // The consume chain settles every delivery itself; a rejection here would be a bug in
    // it, and must not take the dispatch loop down with it.
    member.handler(delivery).catch(() => settle({}));
  }

  private finish(queued: QueuedMessage): void {
    this.outstanding--;
    if (queued.key !== undefined) {
      const waiting = this.busyKeys.get(queued.key);
      const next = waiting?.shift();
      if (next) this.ready.push(next);
      else this.busyKeys.delete(queued.key);
    }
    this.onSettled();
  }

  /** A redelivered message goes first, ahead of later messages of its key (the key stays busy). */
  private redeliver(queued: QueuedMessage, delayMs: number): void {
    if (delayMs <= 0) {
      this.ready.unshift(queued);
      return;
    }
    const timer = setTimeout(() => {
      this.pendingTimers.delete(timer);
      this.ready.unshift(queued);
      this.scheduleDispatch();
    }, delayMs);
    this.pendingTimers.add(timer);
  }
}
