import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { Headers } from '../../core/headers.js';
import type { InboundMessage, OutboundMessage } from '../../core/message.js';
import { PendingReplies } from '../kit/pending-replies.js';
import type { RabbitConnection } from './rabbit.connection.js';
import { headersFromProperties, propertiesFromHeaders, RabbitInternalHeaders, readInternalHeader } from './rabbit.headers.js';
import type { RabbitPublishOptions, ResolvedRabbitOptions } from './rabbit.options.js';

/** RabbitMQ's direct reply-to pseudo-queue: no queue is declared, per request or at all. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

interface ReplyChannel {
  readonly channel: ConfirmChannel;
  readonly model: ChannelModel;
}

/**
 * Requests over direct reply-to: one channel per transport (opened on the first request, again
 * after a reconnect) consumes `amq.rabbitmq.reply-to` and publishes the requests, as the broker
 * requires both on one channel; replies come back with the request's AMQP `correlation_id`
 * (FastStream's responders set it) and are matched by it.
 */
export class RabbitReplies {
  readonly pending = new PendingReplies();
  private open?: ReplyChannel;
  private opening?: Promise<ReplyChannel>;

  constructor(
    private readonly options: ResolvedRabbitOptions,
    private readonly connection: RabbitConnection,
  ) {}

  /** Publishes the request to its exchange (the default one: the topic as routing key) with `reply_to` set to direct reply-to. */
  request(message: OutboundMessage, timeoutMs: number): Promise<InboundMessage> {
    return this.pending.run(message, timeoutMs, async () => {
      const { channel } = await this.channel();
      const options = (message.options ?? {}) as RabbitPublishOptions;
      const properties = { ...propertiesFromHeaders(message.headers, message.key), persistent: false, replyTo: DIRECT_REPLY_TO };
      const exchange = options.exchange ?? this.options.defaultExchange;
      const routingKey = options.routingKey ?? message.topic;
      await new Promise<void>((resolve, reject) =>
        channel.publish(exchange, routingKey, message.body, properties, (error: unknown) =>
          error ? reject(new Error(`RabbitTransport: the broker did not take the request to exchange "${exchange}" with routing key "${routingKey}"`, { cause: error })) : resolve(),
        ),
      );
    });
  }

  async close(): Promise<void> {
    this.pending.failAll('RabbitTransport closed while the request waited for its reply');
    const open = this.open;
    this.open = undefined;
    await open?.channel.close().catch(() => undefined);
  }

  private async channel(): Promise<ReplyChannel> {
    const model = await this.connection.whenUp(this.options.publishTimeoutMs);
    if (this.open && this.open.model === model) return this.open;
    this.opening ??= this.openOn(model).finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async openOn(model: ChannelModel): Promise<ReplyChannel> {
    const channel = await model.createConfirmChannel();
    const open: ReplyChannel = { channel, model };
    channel.on('error', () => undefined);
    channel.on('close', () => {
      if (this.open === open) this.open = undefined;
    });
    await channel.consume(DIRECT_REPLY_TO, (msg) => msg && this.take(msg), { noAck: true });
    this.open = open;
    return open;
  }

  private take(msg: ConsumeMessage): void {
    const headers = headersFromProperties(msg.properties);
    const reply: InboundMessage = {
      topic: msg.fields.routingKey,
      body: msg.content,
      headers,
      key: readInternalHeader(msg.properties, RabbitInternalHeaders.key),
      deliveryAttempt: 1,
      redelivered: false,
      raw: msg,
    };
    // The AMQP property first: a FastStream responder sets it and may send no correlation_id header.
    this.pending.resolve(msg.properties.correlationId ?? headers[Headers.correlationId], reply);
  }
}
