import { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { DeliveryHandler } from '../../core/transport.js';
import type { ConfirmPublisher } from './confirm-publisher.js';
import { describe, type RabbitConnection } from './rabbit-connection.js';
import { createDelivery, type Settlement } from './rabbit-delivery.js';
import { retryCopyProperties } from './rabbit-properties.js';
import type { TopologyDeclarer } from './rabbit-topology.js';
import type { RabbitQueueOptions } from './rabbit.options.js';
import { retryDelayBucket, retryQueue } from './retry-queues.js';

export interface RabbitConsumerSpec {
  /** The queue with its bindings; declared before every (re)consume. */
  readonly queue: RabbitQueueOptions;
  readonly concurrency: number;
  readonly handler: DeliveryHandler;
}

/** The channel each delivery arrived on, for `RabbitContext.channel`. */
export const deliveryChannels = new WeakMap<ConsumeMessage, Channel>();

interface Pending {
  readonly channel: Channel;
  readonly message: ConsumeMessage;
}

/**
 * One subscription: its own channel with prefetch = concurrency, manual acks after the
 * handler settles, and recovery of its own — after a channel error, a consumer cancel
 * (queue deleted) or a reconnect it re-declares its queue and consumes again.
 */
export class RabbitConsumer {
  state: 'starting' | 'consuming' | 'down' | 'closing' | 'closed' = 'starting';
  lastError?: string;
  private channel?: Channel;
  private channelModel?: ChannelModel;
  private consumerTag?: string;
  private attaching?: Promise<void>;
  private restartTimer?: NodeJS.Timeout;
  private restartAttempt = 0;
  private inFlight = 0;
  /** Deliveries over the concurrency limit (only after a channel was replaced mid-flight). */
  private readonly waiting: Pending[] = [];
  private idle?: () => void;
  private readonly logger = new Logger('RabbitTransport');

  constructor(
    private readonly spec: RabbitConsumerSpec,
    private readonly connection: RabbitConnection,
    private readonly topology: TopologyDeclarer,
    private readonly publisher: ConfirmPublisher,
  ) {}

  get queueName(): string {
    return this.spec.queue.name;
  }

  /** First start: a refused declaration rejects, so a misconfigured subscriber fails at bootstrap. */
  async start(model: ChannelModel): Promise<void> {
    await this.attach(model);
  }

  /** After a reconnect: a failure is retried with backoff rather than thrown. */
  async resume(model: ChannelModel): Promise<void> {
    if (this.isStopping()) return;
    this.channel = undefined;
    this.consumerTag = undefined;
    await this.attach(model).catch((error: unknown) => this.failed(error));
  }

  /** Stop taking messages, let in-flight handlers settle (their acks still go out), then close the channel. */
  async close(): Promise<void> {
    if (this.isStopping()) return;
    this.state = 'closing';
    clearTimeout(this.restartTimer);
    await this.attaching?.catch(() => undefined);
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    this.consumerTag = undefined;
    // Not yet handed to a handler: give them back to the queue now.
    for (const pending of this.waiting.splice(0)) this.settleOnChannel(pending.channel, (ch) => ch.nack(pending.message, false, true));
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.state = 'closed';
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  private isStopping(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }

  private attach(model: ChannelModel): Promise<void> {
    this.attaching ??= this.attachNow(model).finally(() => (this.attaching = undefined));
    return this.attaching;
  }

  private async attachNow(model: ChannelModel): Promise<void> {
    await this.topology.declareQueue(model, this.spec.queue);
    if (this.isStopping()) return;
    if (!this.channel || this.channelModel !== model) await this.openChannel(model);
    const channel = this.channel!;
    if (!this.consumerTag) {
      const reply = await channel.consume(this.queueName, (message) => this.onMessage(channel, message), { noAck: false });
      this.consumerTag = reply.consumerTag;
    }
    this.state = 'consuming';
    this.restartAttempt = 0;
    this.lastError = undefined;
  }

  private async openChannel(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => {
      this.lastError = describe(error);
      this.logger.warn(`consumer channel of queue "${this.queueName}" failed: ${this.lastError}`);
    });
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.consumerTag = undefined;
      this.scheduleRestart();
    });
    // Per-consumer prefetch (RabbitMQ applies a non-global qos to the consumers that follow).
    await channel.prefetch(Math.max(1, this.spec.concurrency), false);
    this.channel = channel;
    this.channelModel = model;
  }

  private onMessage(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us: the queue was deleted (or failed over). Declare it again.
      if (channel !== this.channel) return;
      this.consumerTag = undefined;
      this.lastError = `queue "${this.queueName}" was deleted or its consumer cancelled by the broker`;
      this.logger.warn(`${this.lastError}; re-declaring it`);
      this.scheduleRestart(0);
      return;
    }
    this.waiting.push({ channel, message });
    this.dispatch();
  }

  private dispatch(): void {
    while (this.waiting.length > 0 && this.inFlight < Math.max(1, this.spec.concurrency)) {
      const pending = this.waiting.shift()!;
      // A message from a channel that is gone will be redelivered by the broker; drop this copy.
      if (pending.channel !== this.channel) continue;
      this.run(pending);
    }
  }

  private run({ channel, message }: Pending): void {
    this.inFlight++;
    deliveryChannels.set(message, channel);
    const delivery = createDelivery(message, (settlement) => this.settle(channel, message, settlement).finally(() => this.release()));
    let handled: Promise<void>;
    try {
      handled = this.spec.handler(delivery);
    } catch (error) {
      handled = Promise.reject(error);
    }
    // The consume chain settles every delivery; a rejection here is a bug there, and must
    // neither crash the process nor strand the message.
    handled.catch((error: unknown) => {
      this.logger.error(`handler for queue "${this.queueName}" failed without settling: ${describe(error)}`);
      if (!delivery.settled) void delivery.nack();
    });
  }

  private release(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.idle) this.idle();
    else this.dispatch();
  }

  private async settle(channel: Channel, message: ConsumeMessage, settlement: Settlement): Promise<void> {
    switch (settlement.kind) {
      case 'ack':
        return this.settleOnChannel(channel, (ch) => ch.ack(message));
      case 'reject':
        return this.settleOnChannel(channel, (ch) => ch.nack(message, false, false));
      case 'nack':
        if (settlement.delayMs <= 0) return this.settleOnChannel(channel, (ch) => ch.nack(message, false, true));
        return this.retryLater(channel, message, settlement.delayMs);
    }
  }

  /** Publishes a copy to the retry queue of the delay's bucket (confirmed), then acks the original. */
  private async retryLater(channel: Channel, message: ConsumeMessage, delayMs: number): Promise<void> {
    // The channel is gone, so the broker redelivers the original; a copy would duplicate it.
    if (channel !== this.channel) return;
    const bucket = retryDelayBucket(delayMs);
    const queue = retryQueue(this.queueName, bucket);
    try {
      const model = this.connection.current;
      if (!model) throw new Error('not connected');
      await this.topology.declareQueue(model, queue);
      await this.publisher.publish('', queue.name, message.content, retryCopyProperties(message));
    } catch (error) {
      this.logger.warn(`could not delay a message of queue "${this.queueName}" via "${queue.name}" (${describe(error)}); requeueing it now`);
      return this.settleOnChannel(channel, (ch) => ch.nack(message, false, true));
    }
    this.settleOnChannel(channel, (ch) => ch.ack(message));
  }

  private settleOnChannel(channel: Channel, settle: (channel: Channel) => void): void {
    try {
      settle(channel);
    } catch (error) {
      // A closed channel: the broker already put the message back in the queue.
      this.logger.debug(`settling on a closed channel of queue "${this.queueName}": ${describe(error)}`);
    }
  }

  private failed(error: unknown): void {
    this.state = 'down';
    this.lastError = describe(error);
    this.logger.error(`consumer of queue "${this.queueName}" could not start: ${this.lastError}`);
    this.scheduleRestart();
  }

  /** Retries with backoff while the connection is up; a reconnect resumes it otherwise. */
  private scheduleRestart(delayMs?: number): void {
    if (this.isStopping()) return;
    this.state = 'down';
    clearTimeout(this.restartTimer);
    const attempt = ++this.restartAttempt;
    const delay = delayMs ?? Math.min(30_000, 100 * 2 ** Math.min(attempt - 1, 10));
    this.restartTimer = setTimeout(() => {
      const model = this.connection.current;
      if (!model || this.isStopping()) return;
      this.attach(model).catch((error: unknown) => this.failed(error));
    }, delay);
  }
}
