import type { Msg, Subscription as NatsSubscription } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { Headers } from '../../core/headers.js';
import type { NestreamLogger } from '../../core/logger.js';
import type { InboundMessage } from '../../core/message.js';
import { PendingReplies } from '../kit/pending-replies.js';
import type { NatsLink } from './nats.connection.js';
import { fromNatsHeaders } from './nats.headers.js';

/**
 * The reply side of requests on one connection: one core-NATS inbox (`_INBOX.<id>`, subscribed
 * on the first request, gone with the connection) receives every reply, handed to its request
 * by correlation id. JetStream requests use the same inbox: replies are never stored.
 */
export class NatsReplies {
  readonly pending = new PendingReplies();
  private inbox?: { readonly subject: string; readonly subscription: NatsSubscription };

  constructor(
    private readonly link: NatsLink,
    private readonly logger: NestreamLogger,
  ) {}

  /** The inbox subject; subscribes on first use (the server sees the SUB before any request that names it). */
  address(): string {
    if (!this.inbox) {
      const subject = `_INBOX.${randomUUID().replace(/-/g, '')}`;
      const subscription = this.link.nc.subscribe(subject, { callback: (error, msg) => (error ? this.logger.warn(`reply inbox ${subject}: ${error.message}`) : this.take(msg)) });
      this.inbox = { subject, subscription };
    }
    return this.inbox.subject;
  }

  /** Stops waiting: every pending request fails now; the inbox goes with the connection. */
  close(): void {
    this.pending.failAll('NatsTransport closed while the request waited for its reply');
    this.inbox?.subscription.unsubscribe();
    this.inbox = undefined;
  }

  private take(msg: Msg): void {
    const { headers, key } = fromNatsHeaders(msg.headers);
    const reply: InboundMessage = { topic: msg.subject, body: Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength), headers, key, deliveryAttempt: 1, redelivered: false, raw: msg };
    this.pending.resolve(headers[Headers.correlationId], reply);
  }
}
