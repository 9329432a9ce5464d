import { randomUUID } from 'node:crypto';
import { Headers } from '../../core/headers.js';
import type { NestreamLogger } from '../../core/logger.js';
import type { InboundMessage, OutboundMessage } from '../../core/message.js';
import { OncePromise } from '../kit/once-promise.js';
import { PendingReplies } from '../kit/pending-replies.js';
import { PipelinedCommands } from './pipelined-commands.js';
import { closeClient, type RedisConnection, type RedisSubscriberLike } from './redis.connection.js';
import { decodePubSubPayload, type RedisWireFormat } from './redis.headers.js';
import { PubSubPublisher } from './redis.publisher.js';

interface ReplyListener {
  readonly channel: string;
  readonly client: RedisSubscriberLike;
}

/**
 * Request/reply the way FastStream does it, in both modes: a request carries a Pub/Sub channel
 * in its `reply_to` header, and the responder PUBLISHes its reply there (replies are never
 * stored in a stream). One channel per transport (`<service>.replies.<uuid>`, subscribed on its
 * own connection on the first request, closed with the transport); replies are matched by their
 * `correlation_id` header.
 */
export class RedisReplies {
  readonly pending = new PendingReplies();
  private readonly replies: PubSubPublisher;
  private listener?: ReplyListener;
  private service = 'nestream';
  private readonly listening = new OncePromise(() => this.listen());

  constructor(
    private readonly connection: RedisConnection,
    private readonly logger: NestreamLogger,
    wireFormat: RedisWireFormat,
  ) {
    this.replies = new PubSubPublisher(new PipelinedCommands(() => connection.shared, !connection.factory.isCluster), wireFormat);
  }

  /** Publishes the request with `send` once the reply channel is subscribed, and resolves with the reply. */
  async request(message: OutboundMessage, service: string, timeoutMs: number, send: (message: OutboundMessage) => Promise<void>): Promise<InboundMessage> {
    this.service = service;
    const { channel } = await this.listening.run();
    return this.pending.run(message, timeoutMs, () => send({ ...message, headers: { ...message.headers, [Headers.replyTo]: channel } }));
  }

  reply(request: InboundMessage, message: OutboundMessage): Promise<void> {
    return this.replies.publish({ ...message, topic: request.replyTo! });
  }

  async close(): Promise<void> {
    this.pending.failAll('RedisTransport closed while the request waited for its reply');
    const listener = this.listener;
    this.listener = undefined;
    this.listening.reset();
    if (listener) await closeClient(listener.client);
  }

  private async listen(): Promise<ReplyListener> {
    const channel = `${this.service}.replies.${randomUUID()}`;
    const client = (await this.connection.dedicated(`reply listener ${channel}`, {}, { autoResubscribe: true, enableOfflineQueue: true })) as RedisSubscriberLike;
    client.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.take(payload));
    await client.subscribe(channel);
    this.logger.log(`Replies to this instance's requests arrive on Redis channel ${channel}`);
    return (this.listener = { channel, client });
  }

  private take(payload: Buffer): void {
    const { body, headers, key } = decodePubSubPayload(payload);
    this.pending.resolve(headers[Headers.correlationId], { topic: this.listener?.channel ?? '', body, headers, key, deliveryAttempt: 1, redelivered: false, raw: payload });
  }
}
