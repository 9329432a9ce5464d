
import type { OutboundMessage } from '../core/message.js';
import type { MemoryTransport } from '../transports/memory/memory.transport.js';
import type { SubscribeRequest, Subscription, Transport, TransportHealth } from '../core/transport.js';

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
