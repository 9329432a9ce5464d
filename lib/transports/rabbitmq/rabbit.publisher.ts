import { randomUUID } from 'node:crypto';
import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import { describe, type RabbitConnection } from './rabbit-connection.js';
import { RabbitUnroutableError } from './errors.js';
import { RabbitInternalHeaders } from './rabbit-properties.js';

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
 * rejects on a nack, a channel or connection loss, a mandatory return, or when no connection
 * or confirm came within `timeoutMs`. Never resolves for a message the broker did not take.
 */
export class ConfirmPublisher {
  private open?: OpenChannel;
  private opening?: Promise<OpenChannel>;

  constructor(
    private readonly connection: RabbitConnection,
    private readonly timeoutMs: number,
  ) {}

  async publish(exchange: string, routingKey: string, body: Buffer, properties: Options.Publish): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    const model = await this.connection.whenUp(this.timeoutMs);
    await this.connection.whenUnblocked(Math.max(1, deadline - Date.now()));
    const open = await this.channelOn(model);
    const where = `exchange "${exchange}" with routing key "${routingKey}"`;
    let publishId: string | undefined;
    if (properties.mandatory) {
      publishId = randomUUID();
      properties = { ...properties, headers: { ...properties.headers, [RabbitInternalHeaders.publishId]: publishId } };
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`RabbitTransport: no confirm for the publish to ${where} within ${this.timeoutMs} ms`)),
        Math.max(1, deadline - Date.now()),
      );
      const confirmed = (error: unknown) => {
        clearTimeout(timer);
        const returnedText = publishId === undefined ? undefined : open.returned.get(publishId);
        if (publishId !== undefined) open.returned.delete(publishId);
        if (error) {
          const reason = open.closeReason ?? describe(error);
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
        reject(new Error(`RabbitTransport: could not publish to ${where}: ${describe(error)}`, { cause: error }));
      }
    });
  }

  async close(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    if (!open) return;
    // Outstanding publishes keep their own timeouts; closing waits for their confirms first.
    await open.channel.waitForConfirms().catch(() => undefined);
    await open.channel.close().catch(() => undefined);
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
      open.closeReason = describe(error);
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
