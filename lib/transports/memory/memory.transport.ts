import type { OutboundMessage } from '../../core/message.js';
import type {
  SubscribeRequest,
  Subscription,
  Transport,
  TransportCapabilities,
  TransportHealth,
} from '../../core/transport.js';
import { MemoryGroup, type GroupMember } from './memory-group.js';

export interface MemoryTransportOptions {
  /** Messages larger than this are refused at publish, as a broker would. Default 16 MiB. */
  maxMessageBytes?: number;
}

/**
 * An in-process broker: topics, consumer groups (each group gets every message, members share
 * it), ack / nack with (delayed) redelivery, per-key order and a concurrency limit per
 * subscription. The default transport when none is configured, and the test broker.
 * Messages live as long as the process; nothing is written anywhere.
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
  private readonly topics = new Map<string, Map<string, MemoryGroup>>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly maxMessageBytes: number;
  private closed = false;
  private subscriptionCount = 0;

  constructor(options: MemoryTransportOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
  }

  async connect(): Promise<void> {
    this.closed = false;
  }

  async publish(message: OutboundMessage): Promise<void> {
    if (this.closed) throw new Error('MemoryTransport is closed; cannot publish to ' + message.topic);
    if (message.body.length > this.maxMessageBytes) {
      throw new Error(`Message to ${message.topic} is ${message.body.length} bytes; the limit is ${this.maxMessageBytes}`);
    }
    const groups = this.topics.get(message.topic);
    if (!groups) return;
    for (const group of groups.values()) {
      group.enqueue({ topic: message.topic, body: message.body, headers: message.headers, key: message.key, deliveries: 0 });
    }
  }

  async subscribe(request: SubscribeRequest): Promise<Subscription> {
    if (this.closed) throw new Error('MemoryTransport is closed; cannot subscribe to ' + request.topic);
    const group = this.group(request.topic, request.group);
    const member: GroupMember = { handler: request.handler, concurrency: Math.max(1, request.concurrency), inFlight: 0, closed: false };
    group.addMember(member);
    this.subscriptionCount++;
    let closing: Promise<void> | undefined;
    return {
      close: () =>
        (closing ??= new Promise<void>((resolve) => {
          member.closed = true;
          this.subscriptionCount--;
          const done = () => {
            group.removeMember(member);
            resolve();
          };
          if (member.inFlight === 0) done();
          else member.onIdle = done;
        })),
    };
  }

  /** Declares a group so it keeps messages published before its first member subscribes. */
  declareGroup(topic: string, group: string): void {
    this.group(topic, group);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const groups of this.topics.values()) for (const group of groups.values()) group.clearTimers();
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

  /** Resolves when no message is queued, delayed or in flight in any group that has members. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  isIdle(): boolean {
    return this.activeOutstanding() === 0;
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
    if (!group) groups.set(name, (group = new MemoryGroup(this.onSettled)));
    return group;
  }
}
