import type { BrowsedMessages } from '../../core/browse.js';
import { NestreamLogger } from '../../core/logger.js';
import { Headers } from '../../core/headers.js';
import type { InboundMessage, OutboundMessage } from '../../core/message.js';
import { PendingReplies } from '../kit/pending-replies.js';
import type { TransportRequestOptions, SubscribeRequest, Subscription, Transport, TransportCapabilities, TransportHealth } from '../../core/transport.js';
import { MemoryGroup, GroupMember } from './memory.group.js';
import { MemoryDeadLetterLog } from './memory.dead-letter-log.js';

/** Replies never travel: the transport that sent a request is the one its handler answers. */
const MEMORY_REPLY_ADDRESS = 'memory:replies';

export interface MemoryTransportOptions {
  /** Messages larger than this are refused at publish, as a broker would. Default 16 MiB. */
  maxMessageBytes?: number;
  /**
   * Messages published to a topic ending in `.dlq` are also kept (the newest this many per
   * topic), so `browse()` and the DeadLetters service see them as on a broker. Default 10,000; 0: none.
   */
  deadLetterRetention?: number;
}

/**
 * An in-process broker: topics, consumer groups (each group gets every message, members share
 * it), ack / nack with (delayed) redelivery, per-key order and a concurrency limit per
 * subscription. The default transport when none is configured, and the test broker.
 * Messages live as long as the process; nothing is written anywhere, so closing the last
 * member of a group drains what its group still holds (bounded by the app's shutdown
 * timeout), and `close()` logs what it could not deliver. Subscriber `transportOptions` are
 * ignored, so handlers written for another broker run on it unchanged in tests.
 */
export class MemoryTransport implements Transport {
  readonly kind = 'memory';
  readonly capabilities: TransportCapabilities = {
    consumerGroups: true,
    persistent: true,
    orderedPerKey: true,
    lossy: false,
    nativeDelayedRedelivery: false,
  };
  private readonly logger = new NestreamLogger('MemoryTransport');
  private readonly topics = new Map<string, Map<string, MemoryGroup>>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly maxMessageBytes: number;
  private readonly deadLetters: MemoryDeadLetterLog;
  private readonly replies = new PendingReplies();
  private closed = false;
  private subscriptionCount = 0;
  /** Ends the drains of closing subscriptions: `close()` cuts them short. */
  private stopDraining!: () => void;
  private drainsStopped = this.newDrainStop();

  constructor(options: MemoryTransportOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
    this.deadLetters = new MemoryDeadLetterLog(options.deadLetterRetention ?? 10_000);
  }

  async connect(): Promise<void> {
    if (this.closed) this.drainsStopped = this.newDrainStop();
    this.closed = false;
  }

  async publish(message: OutboundMessage): Promise<void> {
    this.enqueue(message);
  }

  /** Requests wait in the transport's pending replies; the reply address is the transport itself. */
  request(message: OutboundMessage, options: TransportRequestOptions): Promise<InboundMessage> {
    return this.replies.run(message, options.timeoutMs, async () => this.enqueue(message, MEMORY_REPLY_ADDRESS));
  }

  async reply(_request: InboundMessage, message: OutboundMessage): Promise<void> {
    if (this.closed) throw new Error('MemoryTransport is closed; cannot reply to ' + message.topic);
    const reply: InboundMessage = { topic: message.topic, body: message.body, headers: message.headers, key: message.key, deliveryAttempt: 1, redelivered: false, raw: message };
    this.replies.resolve(message.headers[Headers.correlationId], reply);
  }

  /** Requests waiting for their reply (0 when none leaked). */
  get pendingRequests(): number {
    return this.replies.size;
  }

  private enqueue(message: OutboundMessage, replyTo?: string): void {
    if (this.closed) throw new Error('MemoryTransport is closed; cannot publish to ' + message.topic);
    if (message.body.length > this.maxMessageBytes) {
      throw new Error(`Message to ${message.topic} is ${message.body.length} bytes; the limit is ${this.maxMessageBytes}`);
    }
    if (message.topic.endsWith('.dlq')) this.deadLetters.keep(message);
    const groups = this.topics.get(message.topic);
    if (!groups) return;
    for (const group of groups.values()) {
      group.enqueue({ topic: message.topic, body: message.body, headers: message.headers, key: message.key, replyTo, deliveries: 0 });
    }
  }

  async subscribe(request: SubscribeRequest): Promise<Subscription> {
    if (this.closed) throw new Error('MemoryTransport is closed; cannot subscribe to ' + request.topic);
    const group = this.group(request.topic, request.group);
    const onError = (error: unknown) => this.logger.error(`handler for ${request.topic} (group ${request.group}) failed: ${(error as Error)?.message}`);
    const member = new GroupMember(request.handler, Math.max(1, request.concurrency), onError);
    group.addMember(member);
    this.subscriptionCount++;
    let closing: Promise<void> | undefined;
    return { close: () => (closing ??= this.closeMember(group, member)) };
  }

  /** The kept messages of a `.dlq` topic (see `deadLetterRetention`); removing one forgets it. */
  async browse(topic: string, limit: number): Promise<BrowsedMessages> {
    return this.deadLetters.browse(topic, limit);
  }

  /** Declares a group so it keeps messages published before its first member subscribes. */
  declareGroup(topic: string, group: string): void {
    this.group(topic, group);
  }

  /** Stops deliveries (cutting drains short), and logs every message no member took. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.replies.failAll('MemoryTransport closed while the request waited for its reply');
    this.stopDraining();
    for (const [topic, groups] of this.topics) {
      for (const group of groups.values()) {
        group.clearTimers();
        const left = group.undelivered;
        if (left > 0) this.logger.warn(`Closing with ${left} undelivered message(s) of ${topic} for group ${group.name}; they are dropped`);
      }
    }
  }

  health(): TransportHealth {
    return { status: this.closed ? 'down' : 'up', subscriptions: this.subscriptionCount };
  }

  unwrap<T = unknown>(): T {
    return this as unknown as T;
  }

  /** Messages queued, waiting for a delayed redelivery, or being handled, across all groups. */
  get outstanding(): number {
    let total = 0;
    for (const groups of this.topics.values()) for (const group of groups.values()) total += group.outstanding;
    return total;
  }

  /** Messages of one topic that one group has not settled yet (queued, delayed or in flight). */
  outstandingOf(topic: string, group: string): number {
    return this.topics.get(topic)?.get(group)?.outstanding ?? 0;
  }

  /** Resolves when no message is queued, delayed or in flight in any group that has members. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  isIdle(): boolean {
    return this.activeOutstanding() === 0;
  }

  /**
   * The last member of a group drains it before leaving (nobody else could take its messages in
   * this process); other members just finish what they started.
   */
  private async closeMember(group: MemoryGroup, member: GroupMember): Promise<void> {
    member.closed = true;
    this.subscriptionCount--;
    if (group.isLastMember(member) && group.outstanding > 0 && !this.closed) {
      member.draining = true;
      group.wake();
      await Promise.race([group.whenDrained(), this.drainsStopped]);
      member.draining = false;
    }
    await member.dispatcher.close();
    group.removeMember(member);
  }

  private newDrainStop(): Promise<void> {
    return new Promise<void>((resolve) => (this.stopDraining = resolve));
  }

  private activeOutstanding(): number {
    let total = 0;
    for (const groups of this.topics.values()) {
      for (const group of groups.values()) if (group.memberCount > 0) total += group.outstanding;
    }
    return total;
  }

  private onSettled = (): void => {
    if (this.idleWaiters.length === 0 || this.activeOutstanding() > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  };

  private group(topic: string, name: string): MemoryGroup {
    let groups = this.topics.get(topic);
    if (!groups) this.topics.set(topic, (groups = new Map()));
    let group = groups.get(name);
    if (!group) groups.set(name, (group = new MemoryGroup(name, this.onSettled)));
    return group;
  }
}
