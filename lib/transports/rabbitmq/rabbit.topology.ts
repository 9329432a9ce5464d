import type { Channel, ChannelModel } from 'amqplib';
import { type RabbitBinding, type RabbitExchangeOptions, type RabbitQueueOptions, type RabbitSubscribeOptions, type ResolvedRabbitOptions } from './rabbit.options.js';

/** A queue, exchange or binding the broker refused to declare (406 PRECONDITION_FAILED, 404 NOT_FOUND, ...). */
export class RabbitTopologyError extends Error {
  override readonly name = 'RabbitTopologyError';
  constructor(
    /** e.g. `queue "orders"`, `exchange "events"`, `binding of queue "q" to exchange "x"`. */
    readonly entity: string,
    /** AMQP reply code: 406 for a declaration mismatch, 404 for a missing exchange. */
    readonly code: number | undefined,
    /** The broker's reply text, which names the differing argument. */
    readonly serverMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`RabbitMQ refused to declare ${entity}: ${serverMessage}`, options);
  }
}

/** The queue a consumer group reads one topic from, unless the subscriber names its own. */
export function groupQueueName(topic: string, group: string): string {
  return `${group}.${topic}`;
}

/**
 * Delayed redelivery without a plugin: a copy of the message waits in `<queue>.retry.<ms>`,
 * whose message TTL dead-letters it through the default exchange straight back into `<queue>`.
 *
 * Delays are rounded up to two significant digits (1234 ms → 1300 ms, 87 ms → 87 ms), so
 * jittered backoff creates at most 90 retry queues per power of ten instead of one per delay.
 */
export function retryDelayBucket(delayMs: number): number {
  const ms = Math.max(1, Math.ceil(delayMs));
  if (ms < 100) return ms;
  const step = 10 ** (Math.floor(Math.log10(ms)) - 1);
  return Math.ceil(ms / step) * step;
}

export function retryQueueName(queue: string, bucketMs: number): string {
  return `${retryQueuePrefix(queue)}${bucketMs}`;
}

/** Every retry queue of `queue` starts with this. */
export function retryQueuePrefix(queue: string): string {
  return `${queue}.retry.`;
}

/** A retry queue is deleted by the broker once unused for its TTL plus this, so old buckets do not pile up. */
const RETRY_QUEUE_IDLE_EXPIRY_MS = 10 * 60_000;

/**
 * What nestream declares on the broker: the configured exchanges and queues (on connect and
 * after every reconnect), each group's queue, the retry queues and the dead-letter queues.
 * Declarations run on a channel of their own, one at a time: a refused one (406, 404) closes
 * the channel it was made on, and must neither take a consumer or the publisher down nor fail
 * another declaration. The channel is recreated on the next declaration.
 */
export class RabbitTopology {
  private channel?: Channel;
  private channelModel?: ChannelModel;
  private tail: Promise<unknown> = Promise.resolve();
  /** Dead-letter queues declared on the current connection (the broker keeps them; this saves round trips). */
  private readonly deadLetterQueues = new WeakMap<ChannelModel, Set<string>>();

  constructor(private readonly options: ResolvedRabbitOptions) {}

  /** The configured exchanges (the default one included) and queues. */
  async declareConfigured(model: ChannelModel): Promise<void> {
    for (const exchange of this.exchanges()) await this.declareExchange(model, exchange);
    for (const queue of this.options.queues) await this.declareQueue(model, queue);
  }

  /** The group's queue: `<group>.<topic>` unless named, bound to the exchange with the topic as pattern. */
  groupQueue(topic: string, group: string, options: RabbitSubscribeOptions): RabbitQueueOptions {
    const name = options.queue ?? groupQueueName(topic, group);
    const configured = this.options.queues.find((queue) => queue.name === name);
    const bindings = [
      ...(configured?.bindings ?? []),
      ...(options.skipTopicBinding ? [] : [{ exchange: options.exchange ?? this.options.defaultExchange, pattern: topic }]),
      ...(options.bindings ?? []),
    ];
    if (configured) return { ...configured, bindings };
    return { name, type: options.queueType ?? this.options.queueType, durable: true, arguments: options.queueArguments, bindings };
  }

  /** Declares the retry queue of `queue` for this delay and returns its name. */
  async declareRetryQueue(model: ChannelModel, queue: string, delayMs: number): Promise<string> {
    const bucketMs = retryDelayBucket(delayMs);
    const name = retryQueueName(queue, bucketMs);
    // Quorum queues take message TTL and x-expires since RabbitMQ 3.10; the expired copy is
    // dead-lettered back into `queue` (at most once, which the confirmed copy already was).
    await this.declareQueue(model, {
      name,
      type: this.options.queueType,
      durable: true,
      arguments: {
        'x-message-ttl': bucketMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
        // Every retry publish re-declares the queue, which resets this idle timer.
        'x-expires': bucketMs + RETRY_QUEUE_IDLE_EXPIRY_MS,
      },
    });
    return name;
  }

  /**
   * Before the first publish to `<topic>.dlq` on the default exchange: a durable queue of that
   * name bound with that key (unless configured), so a dead letter is never dropped as unroutable.
   */
  /** Whether a publish to this exchange and routing key must first declare its dead-letter queue (see ensureDeadLetterQueue). */
  needsDeadLetterQueue(model: ChannelModel, exchange: string, routingKey: string): boolean {
    if (!this.options.deadLetterQueues || exchange !== this.options.defaultExchange || !routingKey.endsWith('.dlq')) return false;
    return !this.deadLetterQueues.get(model)?.has(routingKey);
  }

  async ensureDeadLetterQueue(model: ChannelModel, exchange: string, routingKey: string): Promise<void> {
    if (!this.needsDeadLetterQueue(model, exchange, routingKey)) return;
    let declared = this.deadLetterQueues.get(model);
    if (!declared) this.deadLetterQueues.set(model, (declared = new Set()));
    if (declared.has(routingKey)) return;
    const configured = this.options.queues.find((queue) => queue.name === routingKey);
    await this.declareQueue(model, configured ?? { name: routingKey, type: this.options.queueType, durable: true, bindings: [{ exchange, pattern: routingKey }] });
    declared.add(routingKey);
  }

  async declareQueue(model: ChannelModel, queue: RabbitQueueOptions): Promise<void> {
    const args: Record<string, unknown> = { ...queue.arguments };
    if (queue.type === 'quorum') args['x-queue-type'] = 'quorum';
    const durable = queue.type === 'quorum' ? true : (queue.durable ?? true);
    await this.run(model, `queue "${queue.name}"`, (channel) => channel.assertQueue(queue.name, { durable, arguments: args }));
    for (const binding of queue.bindings ?? []) await this.bind(model, queue.name, binding);
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close().catch(() => undefined);
  }

  private exchanges(): RabbitExchangeOptions[] {
    const exchanges = [...this.options.exchanges];
    if (!exchanges.some((exchange) => exchange.name === this.options.defaultExchange)) {
      exchanges.unshift({ name: this.options.defaultExchange, type: 'topic', options: { durable: true } });
    }
    return exchanges;
  }

  private async declareExchange(model: ChannelModel, exchange: RabbitExchangeOptions): Promise<void> {
    const { arguments: args, ...rest } = exchange.options ?? {};
    await this.run(model, `exchange "${exchange.name}" (${exchange.type})`, (channel) =>
      channel.assertExchange(exchange.name, exchange.type, { durable: true, ...rest, arguments: args }),
    );
  }

  private async bind(model: ChannelModel, queue: string, binding: RabbitBinding): Promise<void> {
    await this.run(model, `binding of queue "${queue}" to exchange "${binding.exchange}" with "${binding.pattern}"`, (channel) =>
      channel.bindQueue(queue, binding.exchange, binding.pattern, binding.arguments ?? {}),
    );
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

/** The broker's own words from an amqplib channel-close error, e.g. `PRECONDITION_FAILED - inequivalent arg ...`. */
function serverReplyText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /with message "(.*)"/s.exec(message)?.[1] ?? message;
}

function replyCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
