import { Deque } from '../../core/deque.js';
import type { InboundMessage } from '../../core/message.js';
import type { DeliveryHandler } from '../../core/transport.js';
import { Dispatcher } from '../kit/dispatcher.js';
import { settleOnce, type SettleOnceDelivery, type Settlement } from '../kit/settle-once.js';

/** A message waiting in, or delivered from, one consumer group's queue. */
export interface QueuedMessage {
  readonly topic: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
  readonly key?: string;
  /** Set on requests: the reply address. */
  readonly replyTo?: string;
  deliveries: number;
  /** Nacked while only draining members were left: drains do not take it again (no nack loop at shutdown). */
  heldBack?: boolean;
}

/** One subscription of a group: its dispatcher bounds what it handles at once. */
export class GroupMember {
  readonly dispatcher: Dispatcher<SettleOnceDelivery>;
  /** No longer takes messages, unless draining. */
  closed = false;
  /** Closing as the group's last member: it still takes what is queued, until its close is cut short. */
  draining = false;

  constructor(handler: DeliveryHandler, concurrency: number, onError: (error: unknown) => void) {
    // No buffer: queued messages wait in the group, where any member (or a later one) can take them.
    this.dispatcher = new Dispatcher({ concurrency, handler, bufferSize: 0, onError, handBack: () => undefined });
  }

  takes(message: QueuedMessage): boolean {
    if (this.dispatcher.freeSlots <= 0) return false;
    return !this.closed || (this.draining && !message.heldBack);
  }
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
  private drainWaiters: (() => void)[] = [];
  /** Messages queued, delayed or in flight; the test broker waits for zero. */
  outstanding = 0;
  /** Messages handed to a member and not yet settled. */
  private inFlight = 0;

  constructor(
    readonly name: string,
    private readonly onSettled: () => void,
  ) {}

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

  /** A member changed what it takes (it started draining); hand out what waits. */
  wake(): void {
    this.scheduleDispatch();
  }

  removeMember(member: GroupMember): void {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
  }

  /** True when no other member is left to take what is queued: the closing member should drain it. */
  isLastMember(member: GroupMember): boolean {
    return this.members.every((other) => other === member || other.closed);
  }

  /**
   * Resolves once a draining member has nothing left to take: nothing in flight, and nothing
   * queued that a drain may take (delayed redeliveries and held-back messages stay queued).
   */
  whenDrained(): Promise<void> {
    if (this.nothingToDrain()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private nothingToDrain(): boolean {
    if (this.inFlight > 0) return false;
    const head = this.ready.peek();
    return head === undefined || head.heldBack === true;
  }

  private checkDrained(): void {
    if (this.drainWaiters.length > 0 && this.nothingToDrain()) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  /** Messages no member has taken yet (queued, or waiting for a delayed redelivery). */
  get undelivered(): number {
    return this.outstanding - this.inFlight;
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
    for (let head = this.ready.peek(); head; head = this.ready.peek()) {
      const member = this.pickMember(head);
      if (!member) break;
      this.deliver(member, this.ready.shift()!);
    }
    this.checkDrained();
  }

  private pickMember(message: QueuedMessage): GroupMember | undefined {
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[(this.nextMember + i) % this.members.length]!;
      if (member.takes(message)) {
        this.nextMember = (this.nextMember + i + 1) % this.members.length;
        return member;
      }
    }
    return undefined;
  }

  private deliver(member: GroupMember, queued: QueuedMessage): void {
    queued.deliveries++;
    this.inFlight++;
    const message: InboundMessage = {
      topic: queued.topic,
      body: queued.body,
      headers: queued.headers,
      key: queued.key,
      replyTo: queued.replyTo,
      deliveryAttempt: queued.deliveries,
      redelivered: queued.deliveries > 1,
      raw: queued,
    };
    queued.heldBack = false;
    member.dispatcher.offer(settleOnce({ message, settle: (settlement) => this.settle(member, queued, settlement) }));
  }

  private settle(member: GroupMember, queued: QueuedMessage, settlement: Settlement): Promise<void> {
    this.inFlight--;
    queued.heldBack = settlement.kind === 'nack' && member.draining;
    if (settlement.kind === 'nack') this.redeliver(queued, settlement.delayMs);
    else this.finish(queued);
    this.scheduleDispatch();
    return Promise.resolve();
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
