import { Headers, type MessageInterceptor, type OutboundMessage, type PublishInfo, type PublishNext } from '../../../lib/index.js';

/** Counts every publish the chain completes, by message id: "published twice" is read here, at the relay's side. */
export class PublishCounter implements MessageInterceptor {
  readonly counts = new Map<string, number>();
  /** Fails publishes while set (a broker refusing them), with nothing sent. */
  failWhile?: (message: OutboundMessage) => boolean;

  async interceptPublish(message: OutboundMessage, info: PublishInfo, next: PublishNext): Promise<void> {
    if (this.failWhile?.(message)) throw new Error(`refused by the test: ${message.topic}`);
    await next(message, info);
    const id = message.headers[Headers.messageId]!;
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  repeated(): string[] {
    return [...this.counts].filter(([, c]) => c > 1).map(([id]) => id);
  }
}
