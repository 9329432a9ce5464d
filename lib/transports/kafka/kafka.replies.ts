import { randomUUID } from 'node:crypto';
import { Headers } from '../../core/headers.js';
import type { InboundMessage, OutboundMessage } from '../../core/message.js';
import type { SubscribeRequest, Subscription } from '../../core/transport.js';
import { OncePromise } from '../kit/once-promise.js';
import { PendingReplies } from '../kit/pending-replies.js';

/** Replies arrive at once and are only handed over: many in flight costs nothing. */
const REPLY_CONCURRENCY = 64;

/**
 * Request/reply on Kafka (FastStream has none; its subscribers do answer a `reply_to` header):
 * a reply topic per transport instance, `<service>.replies.<uuid>`, created and consumed (its own
 * group, from the beginning, so no reply before the assignment is missed) on the first request;
 * requests name it in `reply_to`, replies are matched by `correlation_id`. The consumer leaves with
 * the transport; the topic stays (Kafka deletes nothing here): its retention ends it.
 */
export class KafkaReplies {
  readonly pending = new PendingReplies();
  private service = 'nestream';
  private readonly listening = new OncePromise(() => this.listen());
  private subscription?: Subscription;

  constructor(private readonly subscribe: (request: SubscribeRequest) => Promise<Subscription>) {}

  async request(message: OutboundMessage, service: string, timeoutMs: number, send: (message: OutboundMessage) => Promise<void>): Promise<InboundMessage> {
    this.service = service;
    const topic = await this.listening.run();
    return this.pending.run(message, timeoutMs, () => send({ ...message, headers: { ...message.headers, [Headers.replyTo]: topic } }));
  }

  close(): void {
    this.pending.failAll('KafkaTransport closed while the request waited for its reply');
    this.subscription = undefined;
  }

  private async listen(): Promise<string> {
    const topic = `${this.service.replace(/[^a-zA-Z0-9._-]/g, '_')}.replies.${randomUUID()}`;
    this.subscription = await this.subscribe({
      topic,
      group: topic,
      concurrency: REPLY_CONCURRENCY,
      options: { fromBeginning: true },
      handler: async (delivery) => {
        this.pending.resolve(delivery.message.headers[Headers.correlationId], delivery.message);
        await delivery.ack();
      },
    });
    return topic;
  }
}
