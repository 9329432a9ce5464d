import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../core/backoff.js';
import { NestreamLogger } from '../../../core/logger.js';
import type { DeliveryHandler } from '../../../core/transport.js';
import { Dispatcher } from '../../kit/dispatcher.js';
import type { Settlement } from '../../kit/settle-once.js';
import { messageOf, type RabbitConnection } from '../rabbit.connection.js';
import { rabbitDelivery, type RabbitDelivery } from '../rabbit.delivery.js';
import { DEFAULTS, type RabbitQueueOptions } from '../rabbit.options.js';
import type { RabbitPublisher } from '../rabbit.publisher.js';
import type { RabbitTopology } from '../rabbit.topology.js';
import { AckCoalescer, type OpenDelivery } from './ack-coalescer.js';

export interface QueueConsumerSpec {
  /** The queue with its bindings; declared before every (re)consume. */
  readonly queue: RabbitQueueOptions;
  readonly concurrency: number;
  /** basic.qos; at least `concurrency`. Default `DEFAULTS.prefetchPerSlot × concurrency`. */
  readonly prefetch?: number;
  readonly handler: DeliveryHandler;
}

/**
 * One subscription to one queue (basic.consume, manual acks): its own channel, at most
 * `concurrency` handlers at once (the kit's Dispatcher), and recovery of its own — after a
 * channel error, a consumer cancel (queue deleted) or a reconnect it re-declares its queue and
 * consumes again.
 */
export class RabbitQueueConsumer {
  state: 'starting' | 'consuming' | 'down' | 'closing' | 'closed' = 'starting';
  lastError?: string;
  private channel?: Channel;
  /** The acks of `channel`, which only it writes (ack-coalescer.ts). */
  private acks?: AckCoalescer;
  private channelModel?: ChannelModel;
  private consumerTag?: string;
  private attaching?: Promise<void>;
  private closing?: Promise<void>;
  private restartTimer?: NodeJS.Timeout;
  private restartAttempt = 0;
  private readonly prefetch: number;
  private readonly dispatcher: Dispatcher<RabbitDelivery>;
  private readonly logger = new NestreamLogger('RabbitTransport');

  constructor(
    private readonly spec: QueueConsumerSpec,
    private readonly connection: RabbitConnection,
    private readonly topology: RabbitTopology,
    private readonly publisher: RabbitPublisher,
  ) {
    const concurrency = Math.max(1, spec.concurrency);
    this.prefetch = Math.max(concurrency, spec.prefetch ?? DEFAULTS.prefetchPerSlot * concurrency);
    this.dispatcher = new Dispatcher<RabbitDelivery>({
      concurrency,
      // The broker keeps at most prefetch − concurrency waiting here; the rest is room for a
      // replaced channel's fresh prefetch while the old channel's handlers still finish.
      bufferSize: 2 * this.prefetch - concurrency,
      handler: (delivery) => this.handle(delivery),
      // Received, never started: straight back to the queue (basic.nack with requeue).
      handBack: (delivery) => delivery.nack(),
      // A handler that threw (the consume chain settles every delivery, so this is a bug there) or a failed hand-back.
      onError: (error) => this.logger.error(`a delivery of queue "${this.queueName}" failed: ${messageOf(error)}`),
    });
  }

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

  /**
   * Cancels the consumer so no more arrive, hands what waits in the buffer back to the queue at
   * once, lets the started handlers finish (their acks still go out on this channel), then
   * closes the channel. Idempotent.
   */
  close(): Promise<void> {
    return (this.closing ??= this.closeNow());
  }

  private async closeNow(): Promise<void> {
    this.state = 'closing';
    clearTimeout(this.restartTimer);
    await this.attaching?.catch(() => undefined);
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    this.consumerTag = undefined;
    await this.dispatcher.close();
    // The finished handlers' acks go out before the channel closes, or the broker redelivers them.
    this.acks?.flush();
    this.state = 'closed';
    this.channel = undefined;
    this.acks = undefined;
    await channel?.close().catch(() => undefined);
  }

  private isStopping(): boolean {
    return this.closing !== undefined;
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
    const acks = this.acks!;
    if (!this.consumerTag) {
      const reply = await channel.consume(this.queueName, (message) => this.onMessage(channel, acks, message), { noAck: false });
      this.consumerTag = reply.consumerTag;
    }
    this.state = 'consuming';
    this.restartAttempt = 0;
    this.lastError = undefined;
  }

  private async openChannel(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (error: Error) => {
      this.lastError = messageOf(error);
      this.logger.warn(`consumer channel of queue "${this.queueName}" failed: ${this.lastError}`);
    });
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.acks = undefined;
      this.consumerTag = undefined;
      this.scheduleRestart();
    });
    // Per-consumer prefetch (RabbitMQ applies a non-global qos to the consumers that follow).
    await channel.prefetch(this.prefetch, false);
    this.channel = channel;
    this.acks = new AckCoalescer(channel, (error) => this.settledOnClosedChannel(error));
    this.channelModel = model;
  }

  private onMessage(channel: Channel, acks: AckCoalescer, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us: the queue was deleted (or failed over). Declare it again.
      if (channel !== this.channel) return;
      this.consumerTag = undefined;
      this.lastError = `queue "${this.queueName}" was deleted or its consumer cancelled by the broker`;
      this.logger.warn(`${this.lastError}; re-declaring it`);
      this.scheduleRestart(0);
      return;
    }
    const open = acks.track(message);
    this.dispatcher.offer(rabbitDelivery(message, channel, (settlement) => this.settle(channel, acks, open, settlement)));
  }

  private handle(delivery: RabbitDelivery): Promise<void> {
    // Its channel is gone, so the broker has put it back in the queue already: do not run it twice.
    if (delivery.channel !== this.channel) return Promise.resolve();
    return this.spec.handler(delivery);
  }

  private async settle(channel: Channel, acks: AckCoalescer, open: OpenDelivery, settlement: Settlement): Promise<void> {
    switch (settlement.kind) {
      case 'ack':
        return acks.ack(open);
      case 'reject':
        return this.nackNow(channel, acks, open, false);
      case 'nack':
        if (settlement.delayMs <= 0) return this.nackNow(channel, acks, open, true);
        return this.redeliverLater(channel, acks, open, settlement.delayMs);
    }
  }

  /** A copy waits in a retry queue (confirmed), then the original is acked; if the copy fails, the original is requeued now. */
  private async redeliverLater(channel: Channel, acks: AckCoalescer, open: OpenDelivery, delayMs: number): Promise<void> {
    // The channel is gone, so the broker redelivers the original; a copy would duplicate it.
    if (channel !== this.channel) return;
    try {
      await this.publisher.publishRetryCopy(this.queueName, open.message, delayMs);
    } catch (error) {
      this.logger.warn(`could not delay a message of queue "${this.queueName}" (${messageOf(error)}); requeueing it now`);
      return this.nackNow(channel, acks, open, true);
    }
    acks.ack(open);
  }

  /** basic.nack at once (a reject when not requeued), in the order the handlers settle. */
  private nackNow(channel: Channel, acks: AckCoalescer, open: OpenDelivery, requeue: boolean): void {
    acks.written(open);
    try {
      channel.nack(open.message, false, requeue);
    } catch (error) {
      this.settledOnClosedChannel(error);
    }
  }

  private settledOnClosedChannel(error: unknown): void {
    // The broker already put the channel's unsettled messages back in the queue.
    this.logger.debug(`settling on a closed channel of queue "${this.queueName}": ${messageOf(error)}`);
  }

  private failed(error: unknown): void {
    this.state = 'down';
    this.lastError = messageOf(error);
    this.logger.error(`consumer of queue "${this.queueName}" could not start: ${this.lastError}`);
    this.scheduleRestart();
  }

  /** Retries with backoff while the connection is up; a reconnect resumes it otherwise. */
  private scheduleRestart(delayMs?: number): void {
    if (this.isStopping()) return;
    this.state = 'down';
    clearTimeout(this.restartTimer);
    const attempt = ++this.restartAttempt;
    const delay = delayMs ?? backoffDelay(attempt, DEFAULT_BACKOFF);
    this.restartTimer = setTimeout(() => {
      const model = this.connection.current;
      if (!model || this.isStopping()) return;
      this.attach(model).catch((error: unknown) => this.failed(error));
    }, delay);
  }
}
