
import type { InboundMessage, OutboundMessage } from '../core/message.js';
import type { MemoryTransport } from '../transports/memory/memory.transport.js';
import type { TransportRequestOptions, SubscribeRequest, Subscription, Transport, TransportHealth } from '../core/transport.js';

/** An in-memory transport that also keeps every message published through it. */
export class RecordingTransport implements Transport {
  readonly sent: OutboundMessage[] = [];

  constructor(readonly memory: MemoryTransport) {}

  get kind(): string {
    return this.memory.kind;
  }

  get capabilities() {
    return this.memory.capabilities;
  }

  connect(): Promise<void> {
    return this.memory.connect();
  }

  async publish(message: OutboundMessage): Promise<void> {
    await this.memory.publish(message);
    this.sent.push(message);
  }

  /** Requests are recorded as published messages; replies are not (read them from `TestBroker.request`). */
  async request(message: OutboundMessage, options: TransportRequestOptions): Promise<InboundMessage> {
    const reply = this.memory.request(message, options);
    this.sent.push(message);
    return reply;
  }

  reply(request: InboundMessage, message: OutboundMessage): Promise<void> {
    return this.memory.reply(request, message);
  }

  subscribe(request: SubscribeRequest): Promise<Subscription> {
    return this.memory.subscribe(request);
  }

  close(): Promise<void> {
    return this.memory.close();
  }

  health(): TransportHealth {
    return this.memory.health();
  }

  unwrap<T = unknown>(): T {
    return this.memory as unknown as T;
  }

}
