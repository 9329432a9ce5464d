import type { Channel, ChannelModel } from 'amqplib';
import { RabbitTopologyError, replyCode, serverReplyText } from './errors.js';
import type { RabbitBinding, RabbitExchangeOptions, RabbitQueueOptions } from './rabbit.options.js';

/**
 * Declares exchanges, queues and bindings on a channel of its own: a refused declaration
 * (406, 404) closes the channel it was made on, and that must not take a consumer or the
 * publisher down with it. The channel is recreated on the next declaration.
 */
export class TopologyDeclarer {
  private channel?: Channel;
  private channelModel?: ChannelModel;
  /** Declarations run one at a time, so a refusal closing the channel fails only its own. */
  private tail: Promise<unknown> = Promise.resolve();

  async declareExchange(model: ChannelModel, exchange: RabbitExchangeOptions): Promise<void> {
    const { arguments: args, ...rest } = exchange.options ?? {};
    await this.run(model, `exchange "${exchange.name}" (${exchange.type})`, (channel) =>
      channel.assertExchange(exchange.name, exchange.type, { durable: true, ...rest, arguments: args }),
    );
  }

  async declareQueue(model: ChannelModel, queue: RabbitQueueOptions): Promise<void> {
    const args: Record<string, unknown> = { ...queue.arguments };
    if (queue.type === 'quorum') args['x-queue-type'] = 'quorum';
    const durable = queue.type === 'quorum' ? true : (queue.durable ?? true);
    await this.run(model, `queue "${queue.name}"`, (channel) => channel.assertQueue(queue.name, { durable, arguments: args }));
    for (const binding of queue.bindings ?? []) await this.bind(model, queue.name, binding);
  }

  async bind(model: ChannelModel, queue: string, binding: RabbitBinding): Promise<void> {
    await this.run(model, `binding of queue "${queue}" to exchange "${binding.exchange}" with "${binding.pattern}"`, (channel) =>
      channel.bindQueue(queue, binding.exchange, binding.pattern, binding.arguments ?? {}),
    );
  }

  async declareAll(model: ChannelModel, exchanges: readonly RabbitExchangeOptions[], queues: readonly RabbitQueueOptions[]): Promise<void> {
    for (const exchange of exchanges) await this.declareExchange(model, exchange);
    for (const queue of queues) await this.declareQueue(model, queue);
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  private run(model: ChannelModel, entity: string, declare: (channel: Channel) => Promise<unknown>): Promise<void> {
    const next = this.tail.then(() => this.runNow(model, entity, declare));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async runNow(model: ChannelModel, entity: string, declare: (channel: Channel) => Promise<unknown>): Promise<void> {
    const channel = await this.channelOn(model);
    try {
      await declare(channel);
    } catch (error) {
      if (this.channel === channel) this.channel = undefined;
      throw new RabbitTopologyError(entity, replyCode(error), serverReplyText(error), { cause: error });
    }
  }

  private async channelOn(model: ChannelModel): Promise<Channel> {
    if (this.channel && this.channelModel === model) return this.channel;
    const channel = await model.createChannel();
    // The refusal reaches the caller as a rejected declaration; the event is only a duplicate.
    channel.on('error', () => undefined);
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    this.channel = channel;
    this.channelModel = model;
    return channel;
  }
}
