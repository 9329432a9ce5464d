import { randomUUID } from 'node:crypto';
import type { ChannelModel, ConfirmChannel, ConsumeMessage, Message, Options } from 'amqplib';
import type { OutboundMessage } from '../../core/message.js';
import { messageOf, type RabbitConnection } from './rabbit.connection.js';
import { propertiesFromHeaders, RabbitInternalHeaders, retryCopyProperties } from './rabbit.headers.js';
import type { RabbitPublishOptions, ResolvedRabbitOptions } from './rabbit.options.js';
import type { RabbitTopology } from './rabbit.topology.js';

/** A mandatory publish that no queue was bound for (basic.return). */
export class RabbitUnroutableError extends Error {
  override readonly name = 'RabbitUnroutableError';
  constructor(exchange: string, routingKey: string, replyText: string) {
    super(`RabbitMQ returned a mandatory message to exchange "${exchange}" with routing key "${routingKey}": ${replyText}`);
  }
}

interface OpenChannel {
  readonly channel: ConfirmChannel;
  readonly model: ChannelModel;
  /** Publish ids the broker returned as unroutable; the confirm that follows rejects them. */
  readonly returned: Map<string, string>;
  /** Why the broker closed the channel (e.g. `NOT_FOUND - no exchange 'x'`), for the publishes it failed. */
  closeReason?: string;
}

/**
 * Publishes on a confirm channel: a publish resolves only when the broker acked it, and
 * rejects on a nack, a channel or connection loss, a mandatory return, or when no connection,
 * unblock or confirm came within `publishTimeoutMs`. Never resolves for a message the broker
 * did not take.
 */
export class RabbitPublisher {
  private open?: OpenChannel;
  private opening?: Promise<OpenChannel>;

  constructor(
    private readonly options: ResolvedRabbitOptions,
    private readonly connection: RabbitConnection,
    private readonly topology: RabbitTopology,
  ) {}

  /** An app's message: to the default exchange with the topic as routing key unless its options say otherwise. */
  publish(message: OutboundMessage): Promise<void> {
    try {
      const options = (message.options ?? {}) as RabbitPublishOptions;
      const exchange = options.exchange ?? this.options.defaultExchange;
      const routingKey = options.routingKey ?? message.topic;
      const properties: Options.Publish = { ...propertiesFromHeaders(message.headers, message.key), persistent: options.persistent ?? true };
      if (options.mandatory) properties.mandatory = true;
      if (options.expiration !== undefined) properties.expiration = String(options.expiration);
      if (options.priority !== undefined) properties.priority = options.priority;
      if (options.replyTo !== undefined) properties.replyTo = options.replyTo;
      return this.confirmed(exchange, routingKey, message.body, properties);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A delayed redelivery: a copy of `message` into the retry queue of `queue` for this delay (see RabbitTopology). */
  async publishRetryCopy(queue: string, message: ConsumeMessage, delayMs: number): Promise<void> {
    const model = this.connection.current;
    if (!model) throw new Error('not connected');
    const retryQueue = await this.topology.declareRetryQueue(model, queue, delayMs);
    await this.confirmed('', retryQueue, message.content, retryCopyProperties(message));
  }

  async close(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    if (!open) return;
    // Outstanding publishes keep their own timeouts; closing waits for their confirms first.
    await open.channel.waitForConfirms().catch(() => undefined);
    await open.channel.close().catch(() => undefined);
  }

  /**
   * Connected, unblocked, on an open channel, with nothing to declare first (the usual case):
   * straight to the confirmed publish, nothing awaited before it. Otherwise each of those is
   * waited for in turn, within the publish timeout.
   */
  private confirmed(exchange: string, routingKey: string, body: Buffer, properties: Options.Publish): Promise<void> {
    const timeoutMs = this.options.publishTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const model = this.connection.current;
    const open = this.open;
    if (model && open?.model === model && !this.connection.isBlocked && !this.topology.needsDeadLetterQueue(model, exchange, routingKey)) {
      return this.publishOn(open, exchange, routingKey, body, properties, deadline);
    }
    return this.whenReady(exchange, routingKey, deadline).then((ready) => this.publishOn(ready, exchange, routingKey, body, properties, deadline));
  }

  private async whenReady(exchange: string, routingKey: string, deadline: number): Promise<OpenChannel> {
    const model = await this.connection.whenUp(Math.max(1, deadline - Date.now()));
    await this.topology.ensureDeadLetterQueue(model, exchange, routingKey);
    await this.connection.whenUnblocked(Math.max(1, deadline - Date.now()));
    return this.channelOn(model);
  }

  private publishOn(open: OpenChannel, exchange: string, routingKey: string, body: Buffer, properties: Options.Publish, deadline: number): Promise<void> {
    const timeoutMs = this.options.publishTimeoutMs;
    const where = `exchange "${exchange}" with routing key "${routingKey}"`;
    let publishId: string | undefined;
    if (properties.mandatory) {
      publishId = randomUUID();
      properties = { ...properties, headers: { ...properties.headers, [RabbitInternalHeaders.publishId]: publishId } };
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`RabbitTransport: no confirm for the publish to ${where} within ${timeoutMs} ms`)),
        Math.max(1, deadline - Date.now()),
      );
      const confirmed = (error: unknown) => {
        clearTimeout(timer);
        const returnedText = publishId === undefined ? undefined : open.returned.get(publishId);
        if (publishId !== undefined) open.returned.delete(publishId);
        if (error) {
          if (open.closeReason === undefined) this.retire(open);
          const reason = open.closeReason ?? messageOf(error);
          reject(new Error(`RabbitTransport: the broker did not take the publish to ${where}: ${reason}`, { cause: error }));
        } else if (returnedText !== undefined) {
          reject(new RabbitUnroutableError(exchange, routingKey, returnedText));
        } else {
          resolve();
        }
      };
      try {
        open.channel.publish(exchange, routingKey, body, properties, confirmed);
      } catch (error) {
        // amqplib throws synchronously once the channel is closed.
        clearTimeout(timer);
        if (this.open === open) this.open = undefined;
        reject(new Error(`RabbitTransport: could not publish to ${where}: ${messageOf(error)}`, { cause: error }));
      }
    });
  }

  /**
   * After a nack, later publishes go to a fresh channel: on RabbitMQ 3.10 a channel that
   * published to a quorum queue whose leader died can go on getting nacks for as long as the
   * old leader is down, while a new channel reaches the new leader at once. The old channel is
   * closed once its outstanding confirms are in.
   */
  private retire(open: OpenChannel): void {
    if (this.open !== open) return;
    this.open = undefined;
    void open.channel
      .waitForConfirms()
      .catch(() => undefined)
      .finally(() => open.channel.close().catch(() => undefined));
  }

  private async channelOn(model: ChannelModel): Promise<OpenChannel> {
    if (this.open && this.open.model === model) return this.open;
    this.opening ??= this.createChannel(model).finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async createChannel(model: ChannelModel): Promise<OpenChannel> {
    const channel = await model.createConfirmChannel();
    const open: OpenChannel = { channel, model, returned: new Map() };
    channel.on('error', (error: Error) => {
      open.closeReason = messageOf(error);
    });
    channel.on('close', () => {
      if (this.open === open) this.open = undefined;
    });
    channel.on('return', (message: Message) => {
      const id = message.properties.headers?.[RabbitInternalHeaders.publishId];
      if (typeof id === 'string') open.returned.set(id, String((message.fields as { replyText?: string }).replyText ?? 'NO_ROUTE'));
    });
    this.open = open;
    return open;
  }
}
