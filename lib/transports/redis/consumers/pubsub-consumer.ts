import type { NestreamLogger } from '../../../core/logger.js';
import type { DeliveryHandler } from '../../../core/transport.js';
import { Dispatcher } from '../../kit/dispatcher.js';
import type { SettleOnceDelivery } from '../../kit/settle-once.js';
import { closeClient, errorMessage, type ConsumerProblem, type RedisSubscriberLike } from '../redis.connection.js';
import { pubSubDelivery } from '../redis.delivery.js';
import type { RedisConsumer } from './redis-consumer.js';

export interface PubSubConsumerConfig {
  /** This subscription's own connection (a subscribed connection can do nothing else). */
  readonly client: RedisSubscriberLike;
  readonly topic: string;
  /** PSUBSCRIBE instead of SUBSCRIBE. */
  readonly pattern: boolean;
  readonly handler: DeliveryHandler;
  readonly concurrency: number;
  readonly bufferSize: number;
  readonly logger: NestreamLogger;
}

/**
 * One SUBSCRIBE / PSUBSCRIBE. Redis pushes messages as fast as they come, so up to
 * `concurrency` are handled at once and up to `bufferSize` more wait in memory; beyond that new
 * messages are dropped (and logged). ioredis subscribes again after a reconnect; what was
 * published meanwhile is lost. Settling does nothing: Pub/Sub cannot redeliver.
 *
 * Close: Pub/Sub cannot take a message back, and every subscriber has its own copy, so a
 * message dropped here is lost for this subscriber. So close unsubscribes, then finishes what
 * was received (buffered ones included); the app bounds that wait (shutdownTimeoutMs), and what
 * the transport's close then cuts short is dropped, with its count logged.
 */
export class PubSubConsumer implements RedisConsumer {
  private readonly dispatcher: Dispatcher<SettleOnceDelivery>;
  private closed?: Promise<void>;
  private droppedOnClose = 0;
  private stopFinishing!: () => void;
  private readonly finishingStopped = new Promise<void>((resolve) => (this.stopFinishing = resolve));
  private droppedSinceLastLog = 0;

  constructor(private readonly config: PubSubConsumerConfig) {
    this.dispatcher = new Dispatcher({
      concurrency: config.concurrency,
      handler: config.handler,
      bufferSize: config.bufferSize,
      handBack: (_, why) => (why === 'closing' ? void this.droppedOnClose++ : this.dropOverflow()),
      onError: (error) => config.logger.error(`Handler for ${config.topic} failed outside the pipeline: ${errorMessage(error)}`),
    });
  }

  async start(): Promise<void> {
    const { client, topic, pattern } = this.config;
    if (pattern) {
      client.on('pmessageBuffer', (matched: Buffer, channel: Buffer, payload: Buffer) =>
        this.dispatcher.offer(pubSubDelivery({ kind: 'pubsub', channel: channel.toString(), pattern: matched.toString(), payload })),
      );
      await client.psubscribe(topic);
    } else {
      client.on('messageBuffer', (channel: Buffer, payload: Buffer) =>
        this.dispatcher.offer(pubSubDelivery({ kind: 'pubsub', channel: channel.toString(), payload })),
      );
      await client.subscribe(topic);
    }
  }

  close(): Promise<void> {
    return (this.closed ??= this.shutdown());
  }

  cutShort(): void {
    this.stopFinishing();
  }

  problem(): ConsumerProblem | undefined {
    return this.config.client.status === 'ready' ? undefined : { status: 'connecting' };
  }

  private async shutdown(): Promise<void> {
    const { client, topic, pattern } = this.config;
    // What arrives before Redis confirms the unsubscribe is received too, and handled.
    await Promise.race([(pattern ? client.punsubscribe(topic) : client.unsubscribe(topic)).catch(() => undefined), this.finishingStopped]);
    await Promise.race([this.dispatcher.whenIdle(), this.finishingStopped]);
    const drained = this.dispatcher.close(); // drops what a cut-short close left buffered
    if (this.droppedOnClose > 0) {
      this.config.logger.warn(`Dropping ${this.droppedOnClose} buffered messages of ${topic} on close: the transport closed before they were handled, and Pub/Sub cannot take them back`);
    }
    await drained;
    await closeClient(client);
  }

  /** One warning per burst of drops, not one per message. */
  private dropOverflow(): void {
    if (this.droppedSinceLastLog++ > 0) return;
    setTimeout(() => {
      this.config.logger.warn(`Dropped ${this.droppedSinceLastLog} messages of ${this.config.topic}: handlers are behind and the buffer is full`);
      this.droppedSinceLastLog = 0;
    }, 1000).unref();
  }
}
